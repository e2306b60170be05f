#!/bin/sh
# ThreadSanitizer checks of the cores, for a -DLOCKWISE_TSAN=ON build.
#
#   tsan-scenarios.sh RUNNER race NAME SEEDS
#     NAME's buggy variant must make TSan report a data race with one of
#     the seeds 1..SEEDS (the runner's own findings do not count).
#   tsan-scenarios.sh RUNNER clean SEEDS
#     every scenario's fixed variant, seeds 1..SEEDS, must give TSan
#     nothing to report (and the runner no finding).
set -u
runner=$1 mode=$2
export LOCKWISE_QUIET=1
log=$(mktemp)
trap 'rm -f "$log"' EXIT

case $mode in
race)
  name=$3 seeds=$4
  seed=1
  while [ "$seed" -le "$seeds" ]; do
    "$runner" "$name" --variant buggy --seed "$seed" >"$log" 2>&1
    if grep -q "WARNING: ThreadSanitizer: data race" "$log"; then
      echo "$name --variant buggy: ThreadSanitizer: data race with seed $seed:"
      grep -A8 -m1 "WARNING: ThreadSanitizer: data race" "$log"
      exit 0
    fi
    seed=$((seed + 1))
  done
  echo "$name --variant buggy: no data race reported with seeds 1..$seeds"
  exit 1
  ;;
clean)
  seeds=$3 status=0
  for name in $("$runner" --list); do
    "$runner" "$name" --variant fixed --budget "$seeds" >"$log" 2>&1
    rc=$?
    if [ $rc -ne 0 ] || grep -q "ThreadSanitizer" "$log"; then
      echo "FAIL $name --variant fixed (exit $rc):"
      cat "$log"
      status=1
    else
      echo "ok   $name --variant fixed: $seeds seeds, no ThreadSanitizer report"
    fi
  done
  exit $status
  ;;
esac
echo "usage: $0 RUNNER race NAME SEEDS | RUNNER clean SEEDS" >&2
exit 2

#!/usr/bin/env bash
# The review bot on a real patch against the real Xen 4.17 sources: moving
# the pod unlock above p2m_pod_cache_add() in p2m-pod.c must produce exactly
# one finding, on the moved line, and nothing else.
# Usage: review-xen.sh LOCKWISE REPO
set -euo pipefail
lockwise=$1 repo=$2
db=$("$repo/scripts/corpus" xen | tail -n 1)
root=$(dirname "$(dirname "$db")")/src/$(cd "$(dirname "$db")/../src" && ls -d xen-4.17*-hypervisor | head -n 1)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
rc=0
"$lockwise" review --root "$root" -p "$db" --rules "$repo/rules/xen-mm.jsonc" \
  --patch "$repo/testdata/patches/p2m-pod-move-unlock.patch" --jobs 2 --format json > "$out" || rc=$?
[ "$rc" = 1 ] || { echo "expected exit 1 (new findings), got $rc"; exit 1; }
python3 - "$out" <<'PY'
import json, sys
findings = json.load(open(sys.argv[1]))["findings"]
assert len(findings) == 1, f"expected exactly one new finding, got {len(findings)}: {findings}"
f = findings[0]
assert f["check"] == "missing-lock", f
assert f["file"].endswith("xen/arch/x86/mm/p2m-pod.c") and f["line"] == 508, f
assert "p2m_domain.pod.lock" in f["message"] and "p2m_pod_cache_add" in f["message"], f
print("review: one missing-lock finding on p2m-pod.c:508, as expected")
PY
# The mail reply quotes the hunk and puts the finding under the moved line.
"$lockwise" review --root "$root" -p "$db" --rules "$repo/rules/xen-mm.jsonc" \
  --patch "$repo/testdata/patches/p2m-pod-move-unlock.patch" --jobs 2 --format mail > "$out" || true
grep -q '^Subject: Re: \[PATCH\] x86/PoD' "$out"
grep -q '^In-Reply-To: <20261122030000.1234-1-dev@example.org>' "$out"
awk '/^> \+    p2m_pod_cache_add/ {seen=1; next} seen && /missing-lock/ {found=1; exit} END {exit !found}' "$out"
echo "review: mail reply threads and anchors the finding"

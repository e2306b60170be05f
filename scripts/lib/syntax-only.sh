#!/usr/bin/env bash
# Reference measurement: replay each entry of a compile database with
# `clang-19 -fsyntax-only`, one after the other, and report the count, the
# failures and the wall time.
#
# usage: scripts/lib/syntax-only.sh DB [FILTER-REGEX]
#   FILTER-REGEX (Python re.search) selects entries by absolute file path.
#   CLANG (default clang-19) is the compiler used.  Writes nothing in the
#   source trees (output and dependency-file flags are removed).
# Exit: 0 all passed, 1 some failed, 2 usage error.
set -euo pipefail
if [ $# -lt 1 ] || [ $# -gt 2 ] || [ "$1" = -h ] || [ "$1" = --help ]; then
  sed -n '2,10s/^# \{0,1\}//p' "$0" >&2
  exit 2
fi
[ -f "$1" ] || { echo "syntax-only: no such database: $1" >&2; exit 2; }

exec python3 - "$1" "${2:-}" "${CLANG:-clang-19}" <<'PY'
import json, os, re, shlex, subprocess, sys, time

db_path, pattern, clang = sys.argv[1], sys.argv[2], sys.argv[3]
db = json.load(open(db_path))

# GCC-only flags clang rejects (only seen when a database came from gcc).
GCC_ONLY = re.compile(
    r"^(-fconserve-stack|-fno-allow-store-data-races|-mrecord-mcount|-mindirect-branch.*"
    r"|-mfunction-return=.*|-fno-var-tracking-assignments|-mskip-rax-setup"
    r"|-fmin-function-alignment=.*|-mpreferred-stack-boundary=.*|-fno-ipa-.*"
    r"|-fsanitize-coverage-trace-pc|-Wno-maybe-uninitialized|-Wimplicit-fallthrough=.*"
    r"|-falign-jumps=.*|-falign-loops=.*|-mno-fp-ret-in-387|-fno-tree-.*)$")
TAKES_ARG = {"-o", "-MF", "-MT", "-MQ"}
DROP = {"-c", "-MD", "-MMD", "-MP", "-M", "-MM", "-fsyntax-only"}


def replay_args(e, extra_drop=()):
    args = list(e["arguments"]) if "arguments" in e else shlex.split(e["command"])
    out, skip = [clang], False
    for a in args[1:]:
        if skip:
            skip = False
            continue
        if a in TAKES_ARG:
            skip = True
            continue
        if a in DROP or a in extra_drop or GCC_ONLY.match(a):
            continue
        if a.startswith("-o") and len(a) > 2 and not a.startswith("-ob"):
            continue
        if a.startswith(("-Wp,-MD,", "-Wp,-MMD,", "-MF")):
            continue
        out.append(a)
    out.append("-fsyntax-only")
    return out


entries = []
for e in db:
    f = os.path.normpath(os.path.join(e["directory"], e["file"]))
    if not pattern or re.search(pattern, f):
        entries.append((f, e))

failed, dropped, slow = [], set(), []
t_start = time.monotonic()
for f, e in entries:
    t0 = time.monotonic()
    extra = ()
    for attempt in range(3):
        p = subprocess.run(replay_args(e, extra), cwd=e["directory"], stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           errors="replace")
        unknown = re.findall(r"(?:unknown argument|unsupported option|"
                             r"unknown warning option):? '([^']+)'", p.stderr)
        if p.returncode == 0 or not unknown:
            break
        extra = tuple(set(extra) | set(u.split("=")[0] if u.endswith("=") else u for u in unknown))
        dropped.update(extra)
    slow.append((time.monotonic() - t0, f))
    if p.returncode != 0:
        errs = [l for l in p.stderr.splitlines() if "error:" in l] or p.stderr.splitlines()[-1:]
        failed.append((f, errs[0] if errs else "exit %d" % p.returncode, len(errs)))
wall = time.monotonic() - t_start

for f, first, n in failed:
    print("FAIL %s: %s%s" % (f, first, " (+%d more errors)" % (n - 1) if n > 1 else ""))
if dropped:
    print("flags dropped because %s rejected them: %s" % (clang, " ".join(sorted(dropped))))
slow.sort(reverse=True)
print("slowest: " + ", ".join("%s %.1fs" % (os.path.basename(f), t) for t, f in slow[:3]))
print("syntax-only: %d entries, %d failed, %.1f s wall (%s, sequential)"
      % (len(entries), len(failed), wall, clang))
sys.exit(1 if failed else 0)
PY

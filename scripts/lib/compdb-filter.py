#!/usr/bin/env python3
"""Filter a compile_commands.json down to real C compilations.

usage: compdb-filter.py IN OUT

Keeps entries that compile one .c file (`-c`, not preprocess-only), drops
link lines, assembler (.S/.s) and anything else; makes `directory` and
`file` absolute; drops duplicates: entries of the same file whose commands
differ only in output, dependency-file and PIC flags (-fPIC, -DPIC; bear
records tools/libs twice: once for the .o and once for the .opic object; the
non-PIC entry is kept).  Compiler-internal `-cc1` lines are dropped too.  Entries of one file
built with different defines (a real second TU) are kept.
Prints what it kept and dropped on stderr.
"""
import json
import os
import shlex
import sys


def args_of(e):
    if "arguments" in e:
        return list(e["arguments"])
    return shlex.split(e["command"])


PIC = ("-fPIC", "-fpic", "-DPIC")


def tu_flags(a):
    """The flags that make a translation unit what it is (for dedup)."""
    out, skip = [], False
    for x in a[1:]:
        if skip:
            skip = False
        elif x in ("-o", "-MF", "-MT", "-MQ"):
            skip = True
        elif x in PIC or x in ("-MD", "-MMD", "-MP") or x.startswith(("-Wp,-M", "-o")):
            pass
        else:
            out.append(x)
    return out


def main():
    src, dst = sys.argv[1], sys.argv[2]
    db = json.load(open(src))
    kept, chosen = [], {}
    why = {"not a .c file": 0, "not a compilation (-c)": 0, "duplicate": 0}
    for e in db:
        d = os.path.abspath(e["directory"])
        f = os.path.normpath(os.path.join(d, e["file"]))
        if not f.endswith(".c"):
            why["not a .c file"] += 1
            continue
        a = args_of(e)
        if "-c" not in a or "-cc1" in a or "-E" in a or "-M" in a or "-MM" in a:
            why["not a compilation (-c)"] += 1
            continue
        key = (f, tuple(tu_flags(a)))
        n = dict(e)
        n["directory"] = d
        n["file"] = f
        pic = any(x in PIC for x in a)
        if key in chosen:
            why["duplicate"] += 1
            i, was_pic = chosen[key]
            if was_pic and not pic:      # prefer the non-PIC variant
                kept[i] = n
                chosen[key] = (i, False)
            continue
        chosen[key] = (len(kept), pic)
        kept.append(n)
    out = kept
    tmp = dst + ".tmp"
    with open(tmp, "w") as fh:
        json.dump(out, fh, indent=1)
        fh.write("\n")
    os.replace(tmp, dst)
    print("kept %d of %d entries; dropped: %s" % (
        len(out), len(db), ", ".join("%d %s" % (n, k) for k, n in why.items() if n) or "none"),
        file=sys.stderr)


if __name__ == "__main__":
    main()

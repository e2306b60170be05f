# shellcheck shell=bash
# Shared helpers for scripts/corpus: logging, apt installs, cached steps.
# Sourced, not run.  Everything here prints to stderr; stdout is reserved
# for the final compile_commands.json path.

LOCKWISE_CACHE=${LOCKWISE_CACHE:-$HOME/.cache/lockwise}
# shellcheck disable=SC2034  # used by scripts/corpus
JOBS=${LOCKWISE_JOBS:-$(nproc 2>/dev/null || echo 2)}
# shellcheck disable=SC2034
SRC_DIR=$LOCKWISE_CACHE/src

log() { printf 'corpus: %s\n' "$*" >&2; }
die() { printf 'corpus: error: %s\n' "$*" >&2; exit 1; }

# Run a command with its stdout sent to stderr (keeps our stdout clean).
quiet() { "$@" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "need root (or sudo) for: $*"
  fi
}

# ---------------------------------------------------------------- apt ----
_APT_UPDATED=0
apt_update_once() {
  ((_APT_UPDATED)) && return 0
  log "apt-get update"
  as_root apt-get update -qq >&2 || die "apt-get update failed"
  _APT_UPDATED=1
}

pkg_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# apt_ensure PKG...: install whatever is missing; apt-get update only if needed.
apt_ensure() {
  local missing=() p
  for p in "$@"; do pkg_installed "$p" || missing+=("$p"); done
  ((${#missing[@]})) || return 0
  apt_update_once
  log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq \
    --no-install-recommends "${missing[@]}" >&2 \
    || die "apt-get install failed for: ${missing[*]}"
}

# apt_candidate PKG: the version apt would download (empty if none).
apt_candidate() {
  apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2}' | grep -v '^(none)$' || true
}

# ensure_deb_src: make `apt-get source` work.  Copies the machine's own
# Debian archive entries (those whose suites are this release's codename)
# into a deb-src entry; no host name is hard-coded here.
DEB_SRC_FILE=/etc/apt/sources.list.d/lockwise-deb-src.sources
ensure_deb_src() {
  local probe=${1:-xen}
  if [ -n "$(apt-cache showsrc "$probe" 2>/dev/null | head -1)" ]; then return 0; fi
  if [ ! -f "$DEB_SRC_FILE" ]; then
    local codename out
    codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
    [ -n "$codename" ] || die "cannot tell the Debian codename from /etc/os-release"
    out=$(python3 - "$codename" <<'PY'
import glob, re, sys
code = sys.argv[1]
def ours(suites):
    return [s for s in suites if s == code or s.startswith(code + "-")]
stanzas = []
# deb822 files
for path in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
    if path.endswith("/lockwise-deb-src.sources"):
        continue
    for block in re.split(r"\n\s*\n", open(path).read()):
        f = {}
        for line in block.splitlines():
            if line.startswith("#") or ":" not in line or line[0].isspace():
                continue
            k, v = line.split(":", 1)
            f[k.strip().lower()] = v.strip()
        if "deb" not in f.get("types", "").split() or f.get("enabled", "yes").lower() == "no":
            continue
        suites = ours(f.get("suites", "").split())
        if not suites or not f.get("uris"):
            continue
        s = {"uris": f["uris"], "suites": " ".join(suites),
             "components": f.get("components", "main")}
        if "signed-by" in f and "\n" not in f["signed-by"] and f["signed-by"]:
            s["signed-by"] = f["signed-by"]
        stanzas.append(s)
# one-line format
for path in ["/etc/apt/sources.list"] + sorted(glob.glob("/etc/apt/sources.list.d/*.list")):
    try:
        lines = open(path).read().splitlines()
    except OSError:
        continue
    for line in lines:
        line = line.split("#", 1)[0].strip()
        m = re.match(r"deb\s+(\[[^\]]*\]\s+)?(\S+)\s+(\S+)\s+(.*)", line)
        if not m or not ours([m.group(3)]):
            continue
        s = {"uris": m.group(2), "suites": m.group(3), "components": m.group(4)}
        sb = re.search(r"signed-by=(\S+?)[\s\]]", m.group(1) or "")
        if sb:
            s["signed-by"] = sb.group(1)
        stanzas.append(s)
for s in stanzas:
    print("Types: deb-src")
    print("URIs: " + s["uris"])
    print("Suites: " + s["suites"])
    print("Components: " + s["components"])
    if "signed-by" in s:
        print("Signed-By: " + s["signed-by"])
    print()
PY
)
    [ -n "$out" ] || die "no '$codename' archive entry found in the apt configuration to derive a deb-src entry from"
    log "writing $DEB_SRC_FILE (deb-src copy of this machine's $codename entries)"
    printf '# Written by lockwise scripts/corpus: source packages for apt-get source.\n%s\n' "$out" \
      | as_root tee "$DEB_SRC_FILE.tmp" >/dev/null
    as_root mv "$DEB_SRC_FILE.tmp" "$DEB_SRC_FILE"
  fi
  _APT_UPDATED=0
  apt_update_once
  [ -n "$(apt-cache showsrc "$probe" 2>/dev/null | head -1)" ] \
    || die "apt-cache showsrc $probe finds nothing even with $DEB_SRC_FILE"
}

# ------------------------------------------------------------- steps -----
# A step is a shell function run at most once per recipe.  Its stamp file
# <dir>/.done-<name> holds "<recipe> <result> <seconds>":
#   recipe  hash of the chain so far (the previous step's result), the step's
#           name and arguments, and the text of the step function;
#   result  a fresh hash made each time the step really runs: it seeds the
#           next step's recipe, so redoing a step redoes every later one.
# A stamp is written only after the function succeeded, so a run killed
# midway redoes the unfinished step.  Steps must therefore be restartable
# (build into a temp dir and mv, or clean before building).
#
#   seed_chain WORDS...    start a chain (e.g. corpus name + recipe version)
#   step STAMPDIR NAME PRODUCT FUNC [ARGS...]
# PRODUCT is a path that must still exist for the stamp to count ("-": none).
STEP_CHAIN=
step() {
  local dir=$1 name=$2 product=$3; shift 3
  local fn=$1 recipe stamp t0 old_recipe old_result _
  recipe=$({ printf '%s\0' "$STEP_CHAIN" "$name" "$@"; declare -f "$fn"; } | sha256sum | cut -c1-16)
  stamp=$dir/.done-$name
  mkdir -p "$dir"
  if [ -f "$stamp" ] && read -r old_recipe old_result _ <"$stamp" \
     && [ "$old_recipe" = "$recipe" ] && [ -n "$old_result" ] \
     && { [ "$product" = - ] || [ -e "$product" ]; }; then
    log "[$name] cached"
    STEP_CHAIN=$old_result
    return 0
  fi
  rm -f "$stamp"
  log "[$name] running"
  t0=$SECONDS
  # Not `"$@" || die`: that would switch off errexit inside the step.
  CURRENT_STEP=$name
  "$@"
  CURRENT_STEP=
  STEP_CHAIN=$(printf '%s %s %s\n' "$recipe" "$(date +%s.%N)" "$$" | sha256sum | cut -c1-16)
  printf '%s %s %s\n' "$recipe" "$STEP_CHAIN" "$((SECONDS - t0))" >"$stamp.tmp" && mv "$stamp.tmp" "$stamp"
  log "[$name] done in $((SECONDS - t0)) s"
}

CURRENT_STEP=
_on_exit() {
  local rc=$?
  if [ "$rc" != 0 ] && [ -n "$CURRENT_STEP" ]; then
    printf 'corpus: error: step %s failed (exit %s); rerun to retry it\n' "$CURRENT_STEP" "$rc" >&2
  fi
}
trap _on_exit EXIT

seed_chain() { STEP_CHAIN=$(printf '%s\0' "$@" | sha256sum | cut -c1-16); }

# fresh_tmp DIR: a new empty temp dir inside DIR (same filesystem, so a
# later mv is atomic).  Readable by apt's _apt sandbox user.
fresh_tmp() {
  local d
  mkdir -p "$1"
  d=$(mktemp -d "$1/.tmp.XXXXXX")
  chmod 755 "$d"
  printf '%s\n' "$d"
}

# replace_dir NEW OLD: atomically put NEW in place of OLD.
replace_dir() {
  local new=$1 old=$2
  if [ -e "$old" ]; then
    mv "$old" "$old.old.$$"
    mv "$new" "$old"
    rm -rf "$old.old.$$"
  else
    mv "$new" "$old"
  fi
}

# copy_tree SRC DST: DST becomes a fresh copy of SRC (atomic).
copy_tree() {
  local tmp
  tmp=$(fresh_tmp "$(dirname "$2")")
  cp -a "$1" "$tmp/tree"
  replace_dir "$tmp/tree" "$2"
  rmdir "$tmp"
}

# Removes leftovers of killed runs (only call while holding the cache lock).
clean_stale_tmp() {
  find "$LOCKWISE_CACHE" -maxdepth 2 \( -name '.tmp.*' -o -name '*.old.[0-9]*' \) \
    -prune -exec rm -rf {} + 2>/dev/null || true
}

# One run at a time per cache (corpora share src/ and apt).
lock_cache() {
  mkdir -p "$LOCKWISE_CACHE"
  exec 9>"$LOCKWISE_CACHE/.lock"
  if ! flock -n 9; then
    log "waiting for another scripts/corpus run on $LOCKWISE_CACHE"
    flock 9
  fi
  clean_stale_tmp
}

# db_count DB: number of entries.
db_count() { python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$1"; }

# db_require DB GLOB...: die unless each glob (fnmatch on the absolute file
# path) matches at least one entry.
db_require() {
  python3 - "$@" <<'PY' || die "compile database $1 is missing required files"
import fnmatch, json, os, sys
db = json.load(open(sys.argv[1]))
files = [os.path.normpath(os.path.join(e["directory"], e["file"])) for e in db]
bad = [g for g in sys.argv[2:] if not any(fnmatch.fnmatch(f, "*/" + g) for f in files)]
for g in bad:
    print("corpus: error: no entry for %s" % g, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
}

# stamps_seconds STAMP...: total run time recorded in these stamps.
stamps_seconds() { cat "$@" 2>/dev/null | awk '{ s += $3 } END { print s + 0 }'; }

# write_info CORPUSDIR KEY=VALUE...: one line in info.txt.
write_info() {
  local dir=$1; shift
  printf '%s\n' "$*" >"$dir/info.txt.tmp" && mv "$dir/info.txt.tmp" "$dir/info.txt"
}

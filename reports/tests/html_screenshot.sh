#!/bin/sh
# Renders the sample HTML report in headless Chromium and checks that the
# screenshot shows the page: a 1280x2000 PNG of real size (a blank page
# compresses to about 12 kB, the report to over 200 kB) in which the lock
# graph's red cycle edges, the error colour and the highlighted source lines
# of the findings are painted.
#
#   html_screenshot.sh RENDER_SAMPLE PNG_COLORS WORKDIR
#
# Chromium is a test dependency (scripts/setup installs it): without it the
# test fails instead of passing without having looked.
set -eu

render=$1
png_colors=$2
work=$3
chromium=${CHROMIUM:-/usr/bin/chromium}
min_bytes=100000

if [ ! -x "$chromium" ]; then
  echo "FAIL: $chromium not found; install the Debian package 'chromium'" \
       "(scripts/setup does)" >&2
  exit 1
fi

rm -rf "$work"
mkdir -p "$work"
"$render" html "$work/report.html"

# A fresh profile, and nothing that reaches the network.
timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$work/profile" \
  --screenshot="$work/report.png" --window-size=1280,2000 \
  "file://$work/report.html" >"$work/chromium.log" 2>&1 || {
  echo "FAIL: chromium failed; its output:" >&2
  cat "$work/chromium.log" >&2
  exit 1
}

png=$work/report.png
if [ ! -s "$png" ]; then
  echo "FAIL: no screenshot at $png" >&2
  exit 1
fi
# The PNG signature, then the IHDR chunk's width and height (big-endian).
magic=$(od -An -tx1 -N8 "$png" | tr -d ' \n')
size=$(od -An -tu1 -j16 -N8 "$png" |
  awk '{ printf "%dx%d", (($1*256+$2)*256+$3)*256+$4, (($5*256+$6)*256+$7)*256+$8 }')
bytes=$(wc -c <"$png")
if [ "$magic" != "89504e470d0a1a0a" ] || [ "$size" != "1280x2000" ]; then
  echo "FAIL: $png is not a 1280x2000 PNG (signature $magic, size $size)" >&2
  exit 1
fi
if [ "$bytes" -lt "$min_bytes" ]; then
  echo "FAIL: $png is only $bytes bytes; the page looks empty" >&2
  exit 1
fi
# Pure red: cycle edges (the legend's swatch is under 100 pixels).  #c62828:
# error badges, borders and counts.  #fff3c4: the finding's own source line.
counts=$("$png_colors" "$png" ff0000 c62828 fff3c4)
check_colour() {
  n=$(echo "$counts" | awk -v c="$1" '$1 == c { print $2 }')
  if [ "${n:-0}" -lt "$2" ]; then
    echo "FAIL: only ${n:-0} pixels of #$1 ($3) in $png; want $2" >&2
    exit 1
  fi
}
check_colour ff0000 500 "the lock graph's cycle edges"
check_colour c62828 1000 "error findings"
check_colour fff3c4 10000 "highlighted source lines"
echo "PASS: $png, $size, $bytes bytes;" $(echo "$counts" | tail -n +2 | tr '\n' ' ')

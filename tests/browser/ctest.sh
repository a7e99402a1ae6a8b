#!/bin/sh
# ctest entry of the headless-browser test: the real dashboard. `cambium assess` runs the bundled
# Belgian recipe into a fresh store, `cambium serve` serves it on a free loopback port, and run.js
# opens every page in headless Chromium (screenshots in $CM_BUILD_DIR/browser).
#   ctest.sh CAMBIUM         assess + serve with that binary, then the pages
#   ctest.sh --url URL       an already running server
# Exit 77 (skipped) when node or chromium is absent.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${CM_BUILD_DIR:-.}/browser
command -v node >/dev/null 2>&1 || { echo "SKIP: node not found (apt-get install nodejs)"; exit 77; }
if [ -z "${CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
    echo "SKIP: chromium not found (apt-get install chromium)"; exit 77
fi
[ $# -ge 1 ] || { echo "usage: ctest.sh CAMBIUM | --url URL" >&2; exit 2; }
if [ "$1" = "--url" ]; then
    exec node "$here/run.js" "$2" --out "$out"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/cm-browser.XXXXXX")
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
cambium=$1
(cd "$root" && "$cambium" assess --recipe data/belgium/belgium.recipe --store "$work/s.db" \
    --out "$work/report" --quiet) >"$work/assess.log" 2>&1 ||
    { echo "cambium assess failed:"; cat "$work/assess.log"; exit 1; }
"$cambium" serve --store "$work/s.db" --port 0 --threads 4 >"$work/log" 2>&1 &
pid=$!
url=
i=0
while [ $i -lt 100 ]; do
    url=$(sed -n 's/^cambium serve: \(http:[^ ]*\) .*/\1/p' "$work/log")
    [ -n "$url" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
    i=$((i + 1))
done
if [ -z "$url" ]; then
    echo "the server did not start:"; cat "$work/log"; exit 1
fi
echo "testing the dashboard at $url"
node "$here/run.js" "$url" --out "$out"

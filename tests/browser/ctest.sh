#!/bin/sh
# ctest entry of the headless-browser test: start a server, then test its pages with run.js.
#   ctest.sh                 the mock server (mock-server.js) on a free port
#   ctest.sh URL             an already running server (e.g. build/cambium serve)
# Exit 77 (skipped) when node or chromium is absent.
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=${CM_BUILD_DIR:-.}/browser
command -v node >/dev/null 2>&1 || { echo "SKIP: node not found (apt-get install nodejs)"; exit 77; }
if [ -z "${CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
    echo "SKIP: chromium not found (apt-get install chromium)"; exit 77
fi
if [ $# -ge 1 ]; then
    exec node "$here/run.js" "$1" --out "$out"
fi

log=$(mktemp "${TMPDIR:-/tmp}/cm-mock.XXXXXX")
node "$here/mock-server.js" --port 0 >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; rm -f "$log"' EXIT
url=
i=0
while [ $i -lt 100 ]; do
    url=$(sed -n 's/^listening \(http:[^ ]*\)$/\1/p' "$log")
    [ -n "$url" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
    i=$((i + 1))
done
if [ -z "$url" ]; then
    echo "mock server did not start:"; cat "$log"; exit 1
fi
node "$here/run.js" "$url" --out "$out"

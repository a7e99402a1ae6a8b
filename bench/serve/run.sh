#!/bin/sh
# bench/serve: `cambium serve` under wrk (10 s, 64 connections) against two cached API routes, a
# static dashboard file and the one computed route (/api/crit): requests per second, p99
# latency, errors (must be 0), and the server's resident memory before and after (VmRSS, and
# the peak VmHWM, from /proc/PID/status).
#   CAMBIUM=build/cambium sh bench/serve/run.sh      (or through bench/run)
# The store: `cambium assess --recipe data/belgium/belgium.recipe` (the Belgian assessment).
set -eu
cd "$(dirname "$0")/../.."
CAMBIUM=${CAMBIUM:-build/cambium}
BUILD=${BUILD:-$(dirname "$CAMBIUM")}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
command -v wrk >/dev/null 2>&1 || { echo "serve: skipped: wrk is absent (scripts/install-deps --bench)"; exit 0; }
[ -x "$CAMBIUM" ] || { echo "serve: $CAMBIUM is not built" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/cm-bench-serve.XXXXXX")
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
store=$work/bench.db

echo "store: cambium assess --recipe data/belgium/belgium.recipe"
"$CAMBIUM" assess --recipe data/belgium/belgium.recipe --store "$store" --out "$work/report" \
    >"$work/assess.log" 2>&1 || { cat "$work/assess.log" >&2; exit 1; }

"$CAMBIUM" serve --store "$store" --port 0 >"$work/out" 2>"$work/err" &
pid=$!
i=0
while ! grep -q '^cambium serve: http://' "$work/out" 2>/dev/null; do
    i=$((i + 1))
    if [ $i -gt 100 ] || ! kill -0 "$pid" 2>/dev/null; then
        cat "$work/err" >&2
        exit 1
    fi
    sleep 0.1
done
url=$(sed -n 's/^cambium serve: \(http:[^ ]*\) .*/\1/p' "$work/out")
url=${url%/}

mem() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$pid/status"; }
asset=/
for f in app.js app.css; do
    if [ -f "assets/dashboard/$f" ]; then asset=/assets/$f; break; fi
done

echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) before the runs"
echo "server: $(sed -n 's/^cambium serve: //p' "$work/out")"
rss0=$(mem VmRSS)
printf '%-24s %12s %10s %8s %10s\n' route requests/s p99 errors bytes
status=0
for route in /api/table/crit_be /api/assessment "$asset" "/api/crit?sr=1.5&ei=3"; do
    size=$(curl -s -o /dev/null -w '%{size_download}' "$url$route" 2>/dev/null || echo "?")
    wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$url$route" >"$work/wrk" 2>&1
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$work/wrk")
    p99=$(awk '$1 == "99%" {print $2}' "$work/wrk")
    sock=$(awk '/Socket errors:/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$work/wrk")
    non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $5}' "$work/wrk")
    errors=$(( ${sock:-0} + ${non2xx:-0} ))
    [ "$errors" = 0 ] || status=1
    printf '%-24s %12s %10s %8s %10s\n' "$route" "$rps" "$p99" "$errors" "$size"
done
echo "server memory: VmRSS $rss0 kB before, $(mem VmRSS) kB after; peak VmHWM $(mem VmHWM) kB"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
kill -TERM "$pid"
wait "$pid" || status=1
pid=
exit $status

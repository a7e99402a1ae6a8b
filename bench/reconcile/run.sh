#!/bin/sh
# Reconciliation benchmark: `cambium reconcile run` on random consistent networks with noisy
# data (gen.py) at 100, 1,000 and 10,000 flows, against the same formulas in scipy.sparse
# (baseline_scipy.py: SuperLU of the saddle-point matrix, blocked solves for the variances)
# and, where feasible, dense numpy (SVD null space; up to RECON_DENSE_MAX flows), in the same
# run on the same model files. Prints medians of compute and end-to-end time, peak RSS
# (/usr/bin/time -v), the ratios, the 1-min load average before each program, and the largest
# relative difference of the reconciled values and sds of each baseline against cambium.
#   bench/reconcile/run.sh            (from the repository root, after make build)
# Environment: RECON_SIZES ("100 1000 10000"), RECON_SEED (1), RECON_K (5) runs per program and
#              size, RECON_DENSE_MAX (1000), CAMBIUM, BUILD, WORK (default $BUILD/bench-reconcile)
# Needs /usr/bin/time and Debian's /usr/bin/python3 with numpy and scipy (scripts/install-deps --bench).
set -eu
SIZES=${RECON_SIZES:-100 1000 10000}
SEED=${RECON_SEED:-1}
K=${RECON_K:-5}
DMAX=${RECON_DENSE_MAX:-1000}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
CAMBIUM=${CAMBIUM:-$BUILD/cambium}
case $CAMBIUM in /*) ;; *) CAMBIUM=$ROOT/$CAMBIUM ;; esac
WORK=${WORK:-$BUILD/bench-reconcile}
PY=/usr/bin/python3
HERE=$ROOT/bench/reconcile
mkdir -p "$WORK"
for m in numpy scipy; do
    "$PY" -c "import $m" 2>/dev/null || { echo "missing python3-$m: scripts/install-deps --bench" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "missing /usr/bin/time (apt-get install time)" >&2; exit 1; }
[ -x "$CAMBIUM" ] || { echo "cambium not built ($CAMBIUM)" >&2; exit 1; }
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
"$CAMBIUM" --version 2>/dev/null | sed 's/^/cambium: /' || true
"$PY" -c "import numpy, scipy; print('python: numpy %s, scipy %s' % (numpy.__version__, scipy.__version__))"
echo "runs per program and size: $K (medians; peak RSS = max over runs)"

. "$ROOT/bench/lib/bench.sh"   # median, wall, rss, json, runs

# run NAME CMD...: the K runs of bench/lib/bench.sh's `runs`; T to 4 digits, M (peak RSS MiB)
run() {
    rname=$1; shift
    runs "$rname" "$K" "$@" || return 1
    T=$(echo "$T" | awk '{printf "%.4g", $1}'); M=$((MX / 1024))
}

printf '\n%-8s %-12s %10s %10s %9s %8s  %s\n' flows program compute_s total_s peak_MiB vs_cambium "load / check"
for n in $SIZES; do
    model=$WORK/net-$n-$SEED.model
    [ -f "$model" ] || "$PY" "$HERE/gen.py" "$model" --flows "$n" --seed "$SEED" 2>"$WORK/gen-$n.err"
    nf=$(sed -n 's/^gen: \([0-9]*\) flows.*/\1/p' "$WORK/gen-$n.err" 2>/dev/null || echo "$n")
    run cambium-$n "$CAMBIUM" reconcile run "$model" --out "$WORK/out-$n" --quiet --no-figures --timings
    ct=$T; ce=$E
    printf '%-8s %-12s %10s %10s %9s %8s  %s\n' "$nf" cambium "$T" "$E" "$M" 1 "$L"
    run scipy-$n "$PY" "$HERE/baseline_scipy.py" "$model" "$WORK/scipy-$n.csv"
    chk=$("$PY" "$HERE/compare.py" "$WORK/out-$n/recon_flows.csv" "$WORK/scipy-$n.csv" || echo "MISMATCH")
    printf '%-8s %-12s %10s %10s %9s %8s  %s\n' "$nf" scipy.sparse "$T" "$E" "$M" \
        "$(awk -v a="$T" -v b="$ct" 'BEGIN {printf "%.2f", a / b}')" "$L; $chk"
    if [ "$n" -le "$DMAX" ]; then
        run dense-$n "$PY" "$HERE/baseline_scipy.py" "$model" "$WORK/dense-$n.csv" --dense
        chk=$("$PY" "$HERE/compare.py" "$WORK/out-$n/recon_flows.csv" "$WORK/dense-$n.csv" || echo "MISMATCH")
        printf '%-8s %-12s %10s %10s %9s %8s  %s\n' "$nf" numpy-dense "$T" "$E" "$M" \
            "$(awk -v a="$T" -v b="$ct" 'BEGIN {printf "%.2f", a / b}')" "$L; $chk"
    fi
    : "$ce"
done
echo "vs_cambium: ratio of compute times (baseline / cambium); total_s: wall clock end to end"

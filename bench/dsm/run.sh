#!/bin/sh
# Dynamic stock model benchmark: `cambium dsm inflow|stock` on a batch of 1,000 series of 200
# years (half normal, half Weibull lifetimes), against two Python baselines in the same run on
# the same generated input: ODYM-style (one scipy survival-function call per cohort, then the
# cohort tables, series after series: baseline_odym.py) and flodym-style (the whole survival
# array by broadcasting, einsum for the cohort tables: baseline_flodym.py). Prints compute and
# end-to-end times (medians), peak RSS (/usr/bin/time -v), the ratios, the 1-min load average
# before each program, and compares the per-series totals (inflow, stock, outflow) of cambium
# and of the flodym-style baseline with the ODYM-style ones (1e-9 relative, floor 1e-12 x the
# series' largest value).
#   bench/dsm/run.sh            (from the repository root, after make build)
# Environment: DSM_SERIES (1000), DSM_YEARS (200), DSM_SEED (1), DSM_CASES ("inflow stock"),
#              DSM_ONLY ("cambium odym flodym": subset to run),
#              DSM_K_CAMBIUM (5), DSM_K_FLODYM (3), DSM_K_ODYM (1) runs per program and case,
#              DSM_FLODYM_ARGS extra options of baseline_flodym.py (e.g. "--batch 1": one series
#              at a time; "--solver triangular"), default none (each distribution group at once),
#              DSM_KEEP=1 keeps the generated batch and the outputs, CAMBIUM, BUILD,
#              WORK (default $BUILD/bench-dsm)
# Needs /usr/bin/time and Debian's /usr/bin/python3 with numpy and scipy (scripts/install-deps --bench).
# About 1 GB of RAM for the flodym-style baseline; ~1 min for the two Python baselines.
set -eu
SERIES=${DSM_SERIES:-1000}
YEARS=${DSM_YEARS:-200}
SEED=${DSM_SEED:-1}
CASES=${DSM_CASES:-inflow stock}
ONLY=${DSM_ONLY:-cambium odym flodym}
KC=${DSM_K_CAMBIUM:-5}
KF=${DSM_K_FLODYM:-3}
KO=${DSM_K_ODYM:-1}
FARGS=${DSM_FLODYM_ARGS:-}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
CAMBIUM=${CAMBIUM:-$BUILD/cambium}
case $CAMBIUM in /*) ;; *) CAMBIUM=$ROOT/$CAMBIUM ;; esac
WORK=${WORK:-$BUILD/bench-dsm}
PY=/usr/bin/python3
HERE=$ROOT/bench/dsm
mkdir -p "$WORK"
for m in numpy scipy; do
    "$PY" -c "import $m" 2>/dev/null || { echo "missing python3-$m: scripts/install-deps --bench" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "missing /usr/bin/time (apt-get install time)" >&2; exit 1; }

has_cambium=0
if [ -x "$CAMBIUM" ] && ! "$CAMBIUM" dsm --help 2>&1 | grep -q "unknown verb"; then has_cambium=1; fi
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
if [ -x "$CAMBIUM" ]; then "$CAMBIUM" --version 2>/dev/null | sed 's/^/cambium: /' || true; fi
[ $has_cambium = 1 ] || echo "cambium dsm not built yet ($CAMBIUM): baselines only"
"$PY" -c "import sys; sys.path.insert(0, '$HERE'); import dsm_io; v = dsm_io.versions(); print('python: numpy %s, scipy %s; BLAS: %s (%s threads)' % (v['numpy'], v['scipy'], v['blas'], v['blas_threads']))"

D=$WORK/batch-$SERIES-$YEARS-$SEED
if [ ! -f "$D/lifetimes.csv" ]; then
    "$PY" "$HERE/gen.py" "$D" --series "$SERIES" --years "$YEARS" --seed "$SEED" 2>"$WORK/gen.err"
fi
echo "input: $(sed 's/^gen: //' "$WORK/gen.err" 2>/dev/null || echo "$D"), $(du -sh "$D" | cut -f1) on disk ($D)"
echo "runs per case: cambium $KC, flodym-style $KF${FARGS:+ ($FARGS)}, ODYM-style $KO (medians; peak = max over runs)"

. "$ROOT/bench/lib/bench.sh"   # median, wall, rss, json, runs

# run NAME K CMD...: bench/lib/bench.sh's `runs`, with M (peak RSS MiB, one decimal)
run() {
    runs "$@" || return 1
    M=$(echo "scale=1; $MX / 1024" | bc)
}
rw() { printf 'read %.3g s, write %.3g s' "$(json read "$1")" "$(json write "$1")"; }
fm() { case $1 in nan|-|'') echo "-" ;; *) echo "$1" ;; esac; }
want() { case " $ONLY " in *" $1 "*) return 0 ;; esac; return 1; }
f() { case $1 in nan|-|'') echo "-" ;; *) printf '%.3g' "$1" ;; esac; }
ratio() { if [ "$1" = nan ] || [ "$2" = nan ] || [ "$2" = 0 ]; then echo "-"; else printf '%.1f' "$(echo "$1 / $2" | bc -l)"; fi; }

ROWS=$WORK/rows.txt
: >"$ROWS"
status=0
for case in $CASES; do
    case $case in
    inflow) IN=$D/inputs.csv ;;
    stock) IN=$D/stocks.csv ;;
    *) echo "unknown case '$case' (expected inflow or stock)" >&2; exit 2 ;;
    esac
    echo "== $case-driven"
    cE=nan cT=nan cM=nan cL=-; oE=nan oT=nan oM=nan oL=-; fE=nan fT=nan fM=nan fL=-
    if [ $has_cambium = 1 ] && want cambium; then
        run cambium-$case "$KC" "$CAMBIUM" dsm "$case" --input "$IN" --lifetimes "$D/lifetimes.csv" \
            --out "$WORK/out-cambium-$case" --timings || status=1
        cE=$E cT=$T cM=$M cL=$L
        echo "cambium:       compute $(f "$cT") s, end-to-end $(f "$cE") s, peak $cM MiB (load $cL); $(grep -m1 'timings:' "$WORK/cambium-$case.err" || true)"
    fi
    if want odym; then
        run odym-$case "$KO" "$PY" "$HERE/baseline_odym.py" "$case" "$IN" "$D/lifetimes.csv" "$WORK/odym-$case.csv" || status=1
        oE=$E oT=$T oM=$M oL=$L
        echo "ODYM-style:    compute $(f "$oT") s, end-to-end $(f "$oE") s, peak $oM MiB (load $oL); $(rw "$WORK/odym-$case.out")"
    fi
    if want flodym; then
        run flodym-$case "$KF" "$PY" "$HERE/baseline_flodym.py" "$case" "$IN" "$D/lifetimes.csv" "$WORK/flodym-$case.csv" $FARGS || status=1
        fE=$E fT=$T fM=$M fL=$L
        echo "flodym-style:  compute $(f "$fT") s, end-to-end $(f "$fE") s, peak $fM MiB (load $fL); $(rw "$WORK/flodym-$case.out")"
    fi
    if [ -f "$WORK/odym-$case.csv" ]; then
        for o in flodym cambium; do
            if [ $o = cambium ]; then A=$WORK/out-cambium-$case; else A=$WORK/flodym-$case.csv; fi
            [ -e "$A" ] || continue
            if "$PY" "$HERE/compare.py" "$A" "$WORK/odym-$case.csv" >"$WORK/compare-$o-$case.txt" 2>&1; then
                echo "compare $o vs ODYM-style: $(tail -1 "$WORK/compare-$o-$case.txt")"
            else
                echo "compare $o vs ODYM-style FAILED:"; cat "$WORK/compare-$o-$case.txt"
                status=1
            fi
        done
    fi
    echo "$case $cT $cE $cM $cL $oT $oE $oM $oL $fT $fE $fM $fL" >>"$ROWS"
    if [ "${DSM_KEEP:-0}" != 1 ]; then rm -rf "$WORK/out-cambium-$case" "$WORK/odym-$case.csv" "$WORK/flodym-$case.csv"; fi
done
[ "${DSM_KEEP:-0}" = 1 ] || rm -rf "$D"

echo
echo "$SERIES series x $YEARS years; times in s, medians (cambium $KC runs, flodym-style $KF, ODYM-style $KO);"
echo "compute = the models of all series (cambium: --timings; baselines: after reading, before writing);"
echo "end-to-end = process wall clock (read, compute, write the totals); peak = max RSS in MiB;"
echo "load = 1-min load average before each run (2 cores shared with other jobs)"
printf '%-7s %-13s | %9s %9s %9s | %s\n' case program compute e2e "peak MiB" load
while read -r cs cT cE cM cL oT oE oM oL fT fE fM fL; do
    printf '%-7s %-13s | %9s %9s %9s | %s\n' "$cs" cambium "$(f "$cT")" "$(f "$cE")" "$(fm "$cM")" "$cL"
    printf '%-7s %-13s | %9s %9s %9s | %s\n' "$cs" ODYM-style "$(f "$oT")" "$(f "$oE")" "$(fm "$oM")" "$oL"
    printf '%-7s %-13s | %9s %9s %9s | %s\n' "$cs" flodym-style "$(f "$fT")" "$(f "$fE")" "$(fm "$fM")" "$fL"
    printf '%-7s ratios: ODYM-style/cambium %s compute, %s end to end; flodym-style/cambium %s compute, %s end to end; ODYM-style/flodym-style compute %s\n' \
        "$cs" "$(ratio "$oT" "$cT")" "$(ratio "$oE" "$cE")" "$(ratio "$fT" "$cT")" "$(ratio "$fE" "$cE")" "$(ratio "$oT" "$fT")"
done <"$ROWS"
echo "targets: ODYM-style/cambium >= 300, flodym-style/cambium >= 50 (stock and outflow totals; cohort tables only when asked), cambium peak < 100 MiB for the batch"
exit $status

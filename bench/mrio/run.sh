#!/bin/sh
# MRIO footprint benchmark: `cambium mrio calc` against a pymrio-style numpy baseline (explicit
# inverse, pymrio's calc_all formulas), a numpy LU baseline (scipy lu_factor/lu_solve: the one
# to beat) and the floor (bare OpenBLAS dgetrf of the same I - A), on the same generated
# EXIOBASE-like systems (49 regions x n sectors), in one run. Prints end-to-end and compute
# times (medians), peak RSS (/usr/bin/time -v), ratios, and compares the outputs table by table
# (1e-9 relative, floor 1e-12 x the table's largest value).
#   bench/mrio/run.sh            (from the repository root, after make build)
# Environment: MRIO_SIZES   sectors per region (default "20 41 82 163 200": N = 980 .. 9,800;
#                           quick: MRIO_SIZES="20 41")
#              MRIO_REPEATS runs per program (default 3 below 163 sectors, 1 from 163 on)
#              MRIO_SEED    generator seed (default 1);  MRIO_KEEP=1 keeps the generated data
#              MRIO_ONLY    "cambium pymrio lu floor" subset to run (default all)
#              CAMBIUM, BUILD, WORK (default $BUILD/bench-mrio)
# Needs cc, pkg-config openblas, /usr/bin/time, Debian's /usr/bin/python3 with numpy, pandas,
# scipy (scripts/install-deps --bench). Largest size: ~5 GB of RAM for the pymrio-style baseline.
set -eu
SIZES=${MRIO_SIZES:-20 41 82 163 200}
SEED=${MRIO_SEED:-1}
ONLY=${MRIO_ONLY:-cambium pymrio lu floor}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
CAMBIUM=${CAMBIUM:-$BUILD/cambium}
case $CAMBIUM in /*) ;; *) CAMBIUM=$ROOT/$CAMBIUM ;; esac
WORK=${WORK:-$BUILD/bench-mrio}
PY=/usr/bin/python3
HERE=$ROOT/bench/mrio
mkdir -p "$WORK"
for m in numpy pandas scipy; do
    "$PY" -c "import $m" 2>/dev/null || { echo "missing python3-$m: scripts/install-deps --bench" >&2; exit 1; }
done
cc -O2 -std=c11 -o "$WORK/gen" "$HERE/gen.c" -lm
cc -O2 -std=c11 -o "$WORK/floor" "$HERE/floor.c" $(pkg-config --cflags --libs openblas) -lm

has_cambium=0
if [ -x "$CAMBIUM" ] && ! "$CAMBIUM" mrio calc --help 2>&1 | grep -q "unknown verb 'mrio'"; then has_cambium=1; fi
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
if [ -x "$CAMBIUM" ]; then "$CAMBIUM" --version | sed 's/^/cambium: /'; fi
[ $has_cambium = 1 ] || echo "cambium mrio not built yet ($CAMBIUM): baselines only"
"$PY" -c "import sys; sys.path.insert(0, '$HERE'); import numpy, pandas, scipy, mrio_io; import scipy.linalg; b = mrio_io.blas_info(); print('python: numpy %s, pandas %s, scipy %s; BLAS: %s (%s threads); %s' % (numpy.__version__, pandas.__version__, scipy.__version__, b.get('openblas_config', '?'), b.get('openblas_threads', '?'), ' '.join(x for x in b['libraries'] if 'dist-packages' not in x)))"

. "$ROOT/bench/lib/bench.sh"   # median, wall, rss, json

# run NAME K CMD...: K runs under /usr/bin/time -v; sets E (median wall s), T (median compute s),
# M (peak RSS MB, max over runs), L (1-min load average before the first run)
run() {
    name=$1; k=$2; shift 2
    ws=""; cs=""; mx=0; L=$(cut -d' ' -f1 /proc/loadavg)
    i=0
    while [ $i -lt "$k" ]; do
        rm -rf "$WORK/out-$name"
        if ! /usr/bin/time -v -o "$WORK/time-$name.txt" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"; then
            echo "$name failed:" >&2; tail -5 "$WORK/$name.err" >&2; E=nan; T=nan; M=nan; return 1
        fi
        ws="$ws $(wall "$WORK/time-$name.txt")"
        case $name in
        cambium) c=$(sed -n 's/.*timings:.*compute \([0-9.e+-]*\) s.*/\1/p' "$WORK/$name.err") ;;
        floor) c=$(sed -n 's/.*dgetrf \([0-9.e+-]*\) s.*/\1/p' "$WORK/$name.out") ;;
        *) c=$(json compute "$WORK/$name.out") ;;
        esac
        cs="$cs $c"
        r=$(rss "$WORK/time-$name.txt"); [ "$r" -gt "$mx" ] && mx=$r
        i=$((i + 1))
    done
    E=$(echo $ws | median); T=$(echo $cs | median); M=$(echo "$mx / 1024" | bc)
}
want() { case " $ONLY " in *" $1 "*) return 0 ;; esac; return 1; }
f() { case $1 in nan|-|'') echo "-" ;; *) printf '%.3g' "$1" ;; esac; }
fm() { case $1 in nan|-|'') echo "-" ;; *) echo "$1" ;; esac; }
ratio() { if [ "$1" = nan ] || [ "$2" = nan ] || [ "$2" = 0 ]; then echo "-"; else printf '%.2f' "$(echo "$1 / $2" | bc -l)"; fi; }

ROWS=$WORK/rows.txt
: >"$ROWS"
status=0
for n in $SIZES; do
    N=$((49 * n))
    k=${MRIO_REPEATS:-$([ "$n" -ge 163 ] && echo 1 || echo 3)}
    D=$WORK/sys-$n
    [ -f "$D/Y.txt" ] || "$WORK/gen" "$n" "$D" "$SEED" 2>"$WORK/gen.err"
    echo "== N = $N (49 x $n), $k run(s) each: $(cat "$WORK/gen.err" 2>/dev/null | sed 's/^gen: //'), $(du -sh "$D" | cut -f1) on disk"
    cE=nan cT=nan cM=nan cL=-; pE=nan pT=nan pM=nan pL=-; lE=nan lT=nan lM=nan lL=-; fT=nan fM=nan fL=-
    if [ $has_cambium = 1 ] && want cambium; then
        run cambium "$k" "$CAMBIUM" mrio calc "$D" --out "$WORK/out-cambium" --timings || status=1
        cE=$E cT=$T cM=$M cL=$L
        echo "cambium:       end-to-end $cE s, compute $cT s, peak $cM MB (load $cL)"
    fi
    if want pymrio; then
        run pymrio "$k" "$PY" "$HERE/baseline_pymrio.py" "$D" "$WORK/out-pymrio" || status=1
        pE=$E pT=$T pM=$M pL=$L
        echo "pymrio-style:  end-to-end $pE s, compute $pT s, peak $pM MB (load $pL); $(sed 's/.*"read": \([0-9.]*\).*"write": \([0-9.]*\).*/read \1 s, write \2 s/' "$WORK/pymrio.out")"
    fi
    if want lu; then
        run lu "$k" "$PY" "$HERE/baseline_lu.py" "$D" "$WORK/out-lu" || status=1
        lE=$E lT=$T lM=$M lL=$L
        echo "numpy LU:      end-to-end $lE s, compute $lT s, peak $lM MB (load $lL); $(sed 's/.*"read": \([0-9.]*\).*"write": \([0-9.]*\).*/read \1 s, write \2 s/' "$WORK/lu.out")"
    fi
    if want floor; then
        run floor "$k" "$WORK/floor" "$n" "$SEED" || status=1
        fT=$T fM=$M fL=$L
        echo "floor dgetrf:  $fT s, peak $fM MB (load $fL; the process regenerates the system in memory)"
    fi
    if [ -d "$WORK/out-pymrio" ]; then
        for o in lu cambium; do
            [ -d "$WORK/out-$o" ] || continue
            if "$PY" "$HERE/compare.py" "$WORK/out-$o" "$WORK/out-pymrio" >"$WORK/compare-$o.txt"; then
                echo "compare $o vs pymrio-style: $(tail -1 "$WORK/compare-$o.txt")"
            else
                echo "compare $o vs pymrio-style FAILED:"; grep -v 'max rel diff [0-9.e-]*  (' "$WORK/compare-$o.txt" || true
                status=1
            fi
        done
    fi
    echo "$N $cE $cT $cM $pE $pT $pM $lE $lT $lM $fT $fM $cL/$pL/$lL/$fL" >>"$ROWS"
    rm -rf "$WORK/out-cambium" "$WORK/out-pymrio" "$WORK/out-lu"
    [ "${MRIO_KEEP:-0}" = 1 ] || rm -rf "$D"
done

echo
echo "times in s (end-to-end = process wall clock: read, compute, write default outputs; compute = x .. accounts);"
echo "peak = max RSS in MB; floor = dgetrf alone; medians; load = 1-min load average before each program (cambium/pymrio/LU/floor)"
printf '%6s | %8s %8s %6s | %8s %8s %6s | %8s %8s %6s | %7s %6s | %7s %7s %7s %7s %7s | %s\n' \
    N "cm e2e" "cm comp" "cm MB" "py e2e" "py comp" "py MB" "LU e2e" "LU comp" "LU MB" floor "fl MB" \
    "py/cm" "py/cm c" "cm/LU" "cm/fl" "pyMB/cm" load
while read -r N cE cT cM pE pT pM lE lT lM fT fM L; do
    printf '%6s | %8s %8s %6s | %8s %8s %6s | %8s %8s %6s | %7s %6s | %7s %7s %7s %7s %7s | %s\n' \
        "$N" "$(f "$cE")" "$(f "$cT")" "$(fm "$cM")" "$(f "$pE")" "$(f "$pT")" "$(fm "$pM")" \
        "$(f "$lE")" "$(f "$lT")" "$(fm "$lM")" "$(f "$fT")" "$(fm "$fM")" \
        "$(ratio "$pE" "$cE")" "$(ratio "$pT" "$cT")" "$(ratio "$cT" "$lT")" "$(ratio "$cT" "$fT")" \
        "$(ratio "$pM" "$cM")" "$L"
done <"$ROWS"
echo "targets at N = 9,800: py/cm >= 5 (end to end and compute), cm/LU <= 1, cm/floor <= 1.3, pyMB/cm >= 5"
exit $status

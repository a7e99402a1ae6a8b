#!/bin/sh
# Trade benchmark: `cambium trade pointers` on one BACI-sized year (10 M bilateral rows, 5,000 HS6
# products, 200 countries, BACI's CSV layout) against a pandas baseline (read_csv with dtypes +
# groupby: baseline_pandas.py) doing the same in the same run on the same file: per (importer,
# product) value, quantity (missing ones counted), unit value, partners, importer-side partner HHI,
# top partner and its share; per product the world importer HHI. Prints end-to-end and compute
# times (medians), peak RSS (/usr/bin/time -v), the ratios, the 1-min load average before each
# program, and compares cambium's importer_product.csv (and product.csv when it writes one) with
# the baseline's (compare.py: keys equal, numbers to 1e-9, top partners equal but for true ties).
#   bench/trade/run.sh            (from the repository root, after make build)
# Then the floor of the read: floor.c (read(2) alone, then read + a hand-written parser of BACI's
# fixed layout into columns, single-threaded), `sha256sum` and `openssl dgst -sha256` of the file
# (cambium checksums it; OpenSSL uses the CPU's SHA extensions when it has them, coreutils not).
# Environment: TRADE_ROWS (10000000), TRADE_SEED (1), TRADE_ONLY ("cambium warm pandas floor":
#              subset; warm = cambium again with its columnar cache of the CSV already built),
#              TRADE_K_CAMBIUM (3), TRADE_K_PANDAS (3; 1 when the first run takes over 60 s)
#              TRADE_KEEP=1 keeps the outputs (the generated CSV is always kept, by rows and
#              seed: baci-ROWS-SEED.csv, 374 MB at 10 M rows), CAMBIUM, BUILD,
#              WORK (default $BUILD/bench-trade)
# Needs cc, /usr/bin/time and Debian's /usr/bin/python3 with numpy and pandas
# (scripts/install-deps --bench). About 2.1 GB of RAM for the pandas baseline at 10 M rows.
set -eu
NROWS=${TRADE_ROWS:-10000000}
SEED=${TRADE_SEED:-1}
ONLY=${TRADE_ONLY:-cambium warm pandas floor}
KC=${TRADE_K_CAMBIUM:-3}
KP=${TRADE_K_PANDAS:-3}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
CAMBIUM=${CAMBIUM:-$BUILD/cambium}
case $CAMBIUM in /*) ;; *) CAMBIUM=$ROOT/$CAMBIUM ;; esac
WORK=${WORK:-$BUILD/bench-trade}
PY=/usr/bin/python3
HERE=$ROOT/bench/trade
mkdir -p "$WORK"
for m in numpy pandas; do
    "$PY" -c "import $m" 2>/dev/null || { echo "missing python3-$m: scripts/install-deps --bench" >&2; exit 1; }
done
cc -O2 -std=c11 -o "$WORK/gen" "$HERE/gen.c" -lm
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -o "$WORK/floor" "$HERE/floor.c" -lm

has_cambium=0
if [ -x "$CAMBIUM" ] && ! "$CAMBIUM" trade --help 2>&1 | grep -q "unknown verb"; then has_cambium=1; fi
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
if [ -x "$CAMBIUM" ]; then "$CAMBIUM" --version | sed 's/^/cambium: /'; fi
[ $has_cambium = 1 ] || echo "cambium trade not built yet ($CAMBIUM): baseline only"
"$PY" -c "import sys, numpy, pandas; print('python %s: numpy %s, pandas %s' % (sys.version.split()[0], numpy.__version__, pandas.__version__))"

. "$ROOT/bench/lib/bench.sh"   # median, wall, rss, json

# run NAME K CMD...: K runs under /usr/bin/time -v; sets E (median wall s), T (median compute s),
# R (median read s), M (peak RSS MiB, max over runs), L (1-min load average before the first run).
# For pandas, K drops to 1 when the first run takes over 60 s.
run() {
    name=$1; k=$2; shift 2
    ws=""; cs=""; rs=""; mx=0; L=$(cut -d' ' -f1 /proc/loadavg)
    i=0
    while [ $i -lt "$k" ]; do
        rm -rf "$WORK/out-$name"
        if ! /usr/bin/time -v -o "$WORK/time-$name.txt" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"; then
            echo "$name failed:" >&2; tail -5 "$WORK/$name.err" >&2; E=nan; T=nan; R=nan; M=nan; return 1
        fi
        w=$(wall "$WORK/time-$name.txt")
        ws="$ws $w"
        case $name in
        cambium|warm)
            c=$(sed -n 's/.*timings:.*compute \([0-9.e+-]*\) s.*/\1/p' "$WORK/$name.err")
            r=$(sed -n 's/.*timings:.*read \([0-9.e+-]*\) s.*/\1/p' "$WORK/$name.err") ;;
        *) c=$(json compute "$WORK/$name.out"); r=$(json read "$WORK/$name.out") ;;
        esac
        cs="$cs ${c:-nan}"; rs="$rs ${r:-nan}"
        m=$(rss "$WORK/time-$name.txt"); [ "$m" -gt "$mx" ] && mx=$m
        i=$((i + 1))
        if [ $i = 1 ] && [ "$name" = pandas ] && [ "$(echo "$w > 60" | bc)" = 1 ]; then k=1; fi
    done
    E=$(echo $ws | median); T=$(echo $cs | median); R=$(echo $rs | median); M=$(echo "$mx / 1024" | bc)
    N=$i
}
want() { case " $ONLY " in *" $1 "*) return 0 ;; esac; return 1; }
f() { case $1 in nan|-|'') echo "-" ;; *) printf '%.3g' "$1" ;; esac; }
fm() { case $1 in nan|-|'') echo "-" ;; *) echo "$1" ;; esac; }
ratio() { if [ "$1" = nan ] || [ "$2" = nan ] || [ "$2" = 0 ]; then echo "-"; else printf '%.2f' "$(echo "$1 / $2" | bc -l)"; fi; }

D=$WORK/baci-$NROWS-$SEED.csv
if [ ! -s "$D" ]; then
    t0=$(date +%s.%N)
    "$WORK/gen" "$NROWS" "$D.tmp" "$SEED" 2>"$WORK/gen.err" && mv "$D.tmp" "$D"
    echo "generated in $(printf '%.1f' "$(echo "$(date +%s.%N) - $t0" | bc)") s: $(sed 's/^gen: //' "$WORK/gen.err")"
else
    echo "cached input: $D"
fi
echo "== $NROWS rows, $(du -h "$D" | cut -f1) on disk (seed $SEED)"

status=0
cE=nan cT=nan cR=nan cM=nan cL=-; pE=nan pT=nan pR=nan pM=nan pL=-; wE=nan wT=nan wR=nan wM=nan wL=-
if [ $has_cambium = 1 ] && want cambium; then
    if run cambium "$KC" "$CAMBIUM" trade pointers --baci "$D" --out "$WORK/out-cambium" --timings; then
        cE=$E cT=$T cR=$R cM=$M cL=$L
        echo "cambium:  end-to-end $cE s, read $cR s, compute $cT s, peak $cM MiB (load $cL; $N runs); $(grep -m1 'timings:' "$WORK/cambium.err")"
    else
        status=1
    fi
fi
# warm: the same with the columnar cache of the CSV already built (--cache, reused while the
# CSV's checksum is unchanged), when cambium has the option
if [ $has_cambium = 1 ] && want warm && "$CAMBIUM" trade pointers --help 2>&1 | grep -q -- "--cache"; then
    rm -f "$WORK/cache.cmcol"
    if "$CAMBIUM" trade pointers --baci "$D" --out "$WORK/out-warm" --cache "$WORK/cache.cmcol" >/dev/null 2>&1 &&
        run warm "$KC" "$CAMBIUM" trade pointers --baci "$D" --out "$WORK/out-warm" --cache "$WORK/cache.cmcol" --timings; then
        wE=$E wT=$T wR=$R wM=$M wL=$L
        echo "cambium, cache warm: end-to-end $wE s, read $wR s, compute $wT s, peak $wM MiB (load $wL; $N runs); $(grep -m1 'timings:' "$WORK/warm.err")"
    else
        status=1
    fi
    rm -rf "$WORK/out-warm" "$WORK/cache.cmcol"
fi
if want pandas; then
    if run pandas "$KP" "$PY" "$HERE/baseline_pandas.py" "$D" "$WORK/out-pandas"; then
        pE=$E pT=$T pR=$R pM=$M pL=$L
        echo "pandas:   end-to-end $pE s, read $pR s, compute $pT s, peak $pM MiB (load $pL; $N runs); last: $(sed 's/, "rows".*//; s/[{}"]//g' "$WORK/pandas.out")"
    else
        status=1
    fi
fi
if [ -d "$WORK/out-pandas" ] && [ -d "$WORK/out-cambium" ]; then
    if "$PY" "$HERE/compare.py" "$WORK/out-cambium" "$WORK/out-pandas" --baci "$D" >"$WORK/compare.txt"; then
        echo "compare cambium vs pandas: $(tail -1 "$WORK/compare.txt")"
    else
        echo "compare cambium vs pandas FAILED:"; grep -v 'max rel diff [0-9.e-]*$\| 0 rows differ' "$WORK/compare.txt" || true
        status=1
    fi
fi
fP=nan; fS=nan; fO=nan
if want floor; then
    ps=""; ss=""; os=""
    for r in 1 2 3; do
        "$WORK/floor" "$D" >"$WORK/floor.out" || { status=1; break; }
        ps="$ps $(sed -n 's/.*read+parse \([0-9.]*\) s.*/\1/p' "$WORK/floor.out")"
        /usr/bin/time -f %e -o "$WORK/time-sha.txt" sha256sum "$D" >/dev/null
        ss="$ss $(cat "$WORK/time-sha.txt")"
        if command -v openssl >/dev/null; then
            /usr/bin/time -f %e -o "$WORK/time-sha.txt" openssl dgst -sha256 "$D" >/dev/null
            os="$os $(cat "$WORK/time-sha.txt")"
        fi
    done
    fP=$(echo $ps | median); fS=$(echo $ss | median); fO=$(echo $os | median)
    echo "floor:    read + parse into columns $fP s, sha256sum $fS s, openssl dgst -sha256 $fO s (SHA extensions: $(grep -q -w sha_ni /proc/cpuinfo && echo yes || echo no)) (medians of 3); last: $(sed 's/^floor: //; s/; sum v.*//' "$WORK/floor.out")"
fi

echo
echo "times in s (end-to-end = process wall clock: read the CSV, compute, write the tables; compute ="
echo "the groupbys / cambium's compute step); peak = max RSS in MiB; medians; load = 1-min load average"
echo "before each program (cambium/pandas); warm cache = cambium with its columnar cache of the CSV built"
printf '%10s | %7s %7s %7s %6s | %7s %7s %7s %6s | %7s %7s %7s | %s\n' \
    rows "cm e2e" "cm read" "cm comp" "cm MiB" "pd e2e" "pd read" "pd comp" "pd MiB" "pd/cm" "pd/cm c" "MiB c/p" load
printf '%10s | %7s %7s %7s %6s | %7s %7s %7s %6s | %7s %7s %7s | %s\n' \
    "$NROWS" "$(f "$cE")" "$(f "$cR")" "$(f "$cT")" "$(fm "$cM")" "$(f "$pE")" "$(f "$pR")" "$(f "$pT")" "$(fm "$pM")" \
    "$(ratio "$pE" "$cE")" "$(ratio "$pT" "$cT")" "$(ratio "$cM" "$pM")" "$cL/$pL"
if [ "$wE" != nan ]; then
    printf '%10s | %7s %7s %7s %6s | %7s %7s %7s %6s | %7s %7s %7s | %s\n' \
        "warm cache" "$(f "$wE")" "$(f "$wR")" "$(f "$wT")" "$(fm "$wM")" "" "" "" "" \
        "$(ratio "$pE" "$wE")" "$(ratio "$pT" "$wT")" "$(ratio "$wM" "$pM")" "$wL/$pL"
fi
[ "$fP" = nan ] || echo "read floor: parse $(f "$fP") s + sha256 $(f "$fS") s (coreutils) or $(f "$fO") s (OpenSSL); cambium read / floor parse = $(ratio "$cR" "$fP")"
echo "targets (first row: cold, cambium parses the CSV): pd/cm >= 5 (end to end), MiB c/p <= 0.5"
echo "(cambium's peak at most half of pandas')"
[ "${TRADE_KEEP:-0}" = 1 ] || rm -rf "$WORK/out-cambium" "$WORK/out-pandas"
exit $status

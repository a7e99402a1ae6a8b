#!/bin/sh
# Criticality Monte Carlo benchmark: `cambium crit mc --draws N` on the EU 2023 inputs, end to
# end and the draw loop alone (--timing), against the same Monte Carlo vectorised in numpy
# (bench/crit-mc/baseline_mc.py on the inputs cambium exports). Medians of REPEATS runs, peak
# memory from /usr/bin/time -v, the ratio, and the largest difference of P(critical).
#   bench/crit-mc/run.sh [DRAWS] [REPEATS] [THREADS]   (from the repository root, after make build)
# Needs ../shared/data (EU CRM 2023 and WGI; skipped when absent), /usr/bin/time and
# /usr/bin/python3 with numpy.
set -eu
DRAWS=${1:-100000}
REPEATS=${2:-3}
THREADS=${3:-2}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
CAMBIUM=${CAMBIUM:-$BUILD/cambium}
case $CAMBIUM in /*) ;; *) CAMBIUM=$ROOT/$CAMBIUM ;; esac
SHARED=${CM_SHARED_DATA:-$ROOT/../shared/data}
c=$SHARED/eu-crm-2023-critmat
e=$SHARED/eu-crm-2023-emilsson
w=$SHARED/wgi-2024-update/wgidataset.csv
if [ ! -f "$c/eureport_results.csv" ] || [ ! -f "$e/fact_MaterialUseShares.csv" ] || [ ! -f "$w" ]; then
    echo "skip: the shared EU CRM 2023 and WGI data are absent ($SHARED)"
    exit 0
fi
[ -x "$CAMBIUM" ] || { echo "build first: make build" >&2; exit 1; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cm-bench-crit-mc.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
DB=$WORK/s.db
"$CAMBIUM" import eu-crm-results "$c/eureport_results.csv" --store "$DB" >/dev/null
"$CAMBIUM" import eu-crm-trade "$c/eureport_tradeparameters.csv" --store "$DB" >/dev/null
"$CAMBIUM" import eu-crm-supply "$e/fact_GlobalSupplyShares_t.csv" --store "$DB" >/dev/null
"$CAMBIUM" import eu-crm-supply "$e/fact_EUSupplyShares_t.csv" --store "$DB" >/dev/null
"$CAMBIUM" import eu-crm-use "$e/fact_MaterialUseShares.csv" --store "$DB" >/dev/null
"$CAMBIUM" import wgi "$w" --store "$DB" >/dev/null

median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
wall() { awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(k=1;k<=n;k++) s=s*60+p[k]; print s}' "$1"; }
cpu() { awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {print u+s}' "$1"; }
rss() { awk -F': ' '/Maximum resident set size/ {print $2}' "$1"; }

c_wall=""; c_loop=""; c_cpu=""; c_rss=0; p_wall=""; p_loop=""; p_cpu=""; p_rss=0
i=0
while [ $i -lt "$REPEATS" ]; do
    /usr/bin/time -v -o "$WORK/t.txt" "$CAMBIUM" crit mc --store "$DB" --draws "$DRAWS" --seed 1 \
        --threads "$THREADS" --timing --out "$WORK/c" --export-inputs "$WORK/inputs.json" \
        >"$WORK/c.txt" 2>"$WORK/c.err"
    c_wall="$c_wall $(wall "$WORK/t.txt")"; c_cpu="$c_cpu $(cpu "$WORK/t.txt")"
    c_loop="$c_loop $(awk '/^draw loop:/ {print $3}' "$WORK/c.err")"
    r=$(rss "$WORK/t.txt"); [ "$r" -gt "$c_rss" ] && c_rss=$r
    /usr/bin/time -v -o "$WORK/t.txt" /usr/bin/python3 "$ROOT/bench/crit-mc/baseline_mc.py" \
        "$WORK/inputs.json" "$DRAWS" 1 "$WORK/np.csv" >"$WORK/p.txt"
    p_wall="$p_wall $(wall "$WORK/t.txt")"; p_cpu="$p_cpu $(cpu "$WORK/t.txt")"
    p_loop="$p_loop $(cat "$WORK/p.txt")"
    r=$(rss "$WORK/t.txt"); [ "$r" -gt "$p_rss" ] && p_rss=$r
    i=$((i + 1))
done
cw=$(echo $c_wall | median); cl=$(echo $c_loop | median)
pw=$(echo $p_wall | median); pl=$(echo $p_loop | median)
cc=$(echo $c_cpu | median); pc=$(echo $p_cpu | median)
echo "EU 2023 inputs: $(grep -c . "$WORK/c/mc_results.csv") lines of results, $DRAWS draws, $THREADS cambium threads, medians of $REPEATS runs"
printf '%-32s %10s %12s %12s %12s\n' "" "draws (s)" "process (s)" "CPU (s)" "peak RSS MB"
printf '%-32s %10.2f %12.2f %12.2f %12.1f\n' "cambium crit mc" "$cl" "$cw" "$cc" "$(echo "$c_rss / 1024" | bc -l)"
printf '%-32s %10.2f %12.2f %12.2f %12.1f\n' "numpy baseline (vectorised)" "$pl" "$pw" "$pc" "$(echo "$p_rss / 1024" | bc -l)"
printf 'ratio numpy/cambium, draw loop: %.2f\n' "$(echo "$pl / $cl" | bc -l)"
echo "(wall-clock medians; process includes loading the store (cambium) or the exported JSON (numpy);"
echo " CPU = user + system of the whole process; load average when done: $(cut -d' ' -f1-3 /proc/loadavg))"
/usr/bin/python3 - "$WORK/c/mc_results.csv" "$WORK/np.csv" <<'PY'
import csv, sys
a = {r["material"]: r for r in csv.DictReader(open(sys.argv[1]))}
b = {r["material"]: r for r in csv.DictReader(open(sys.argv[2]))}
dp = max(abs(float(a[k]["p_critical"]) - float(b[k]["p_critical"])) for k in a if k in b)
dq = max(abs(float(a[k]["sr_p50"]) - float(b[k]["sr_p50"])) for k in a if k in b and a[k]["sr_p50"] and b[k]["sr_p50"] != "nan")
print("agreement: largest |P(critical) cambium - numpy| = %.4f; largest |SR p50 difference| = %.4f" % (dp, dq))
PY

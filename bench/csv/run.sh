#!/bin/sh
# CSV reading benchmark: cambium (libcsv + cm_num_parse) against pandas.read_csv on the same
# generated trade-like file (2,000,000 rows x 8 columns by default).
#   bench/csv/run.sh [ROWS] [REPEATS]      (run from the repository root after `make build`)
# Needs build/libcambium.a, cc, pkg-config, /usr/bin/time and python3-pandas
# (apt-get install -y python3-pandas).
set -eu
ROWS=${1:-2000000}
REPEATS=${2:-3}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
WORK=${WORK:-$BUILD/bench-csv}
mkdir -p "$WORK"
BIN=$WORK/csv_read_bench
DATA=$WORK/trade-$ROWS.csv

[ -f "$BUILD/libcambium.a" ] || { echo "build first: make build" >&2; exit 1; }
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -I"$ROOT/include" "$ROOT/bench/csv/csv_read_bench.c" \
   "$BUILD/libcambium.a" $(pkg-config --libs jansson sqlite3 openblas) -lcsv -lm -lpthread -o "$BIN"
[ -f "$DATA" ] || "$BIN" gen "$DATA" "$ROWS"
echo "file: $DATA ($(du -h "$DATA" | cut -f1), $ROWS rows)"

# run CMD... REPEATS times; print "median_seconds max_rss_kb"
measure() {
    times=""; rss=0
    i=0
    while [ $i -lt "$REPEATS" ]; do
        /usr/bin/time -v -o "$WORK/time.txt" "$@" >"$WORK/out.txt"
        t=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(k=1;k<=n;k++) s=s*60+p[k]; print s}' "$WORK/time.txt")
        r=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")
        times="$times $t"
        [ "$r" -gt "$rss" ] && rss=$r
        i=$((i + 1))
    done
    med=$(echo $times | tr ' ' '\n' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    echo "$med $rss"
}

set -- $(measure "$BIN" read "$DATA"); c_t=$1; c_rss=$2
cat "$WORK/out.txt"
set -- $(measure /usr/bin/python3 -c "import pandas, sys; df = pandas.read_csv(sys.argv[1]); print(len(df))" "$DATA"); p_t=$1; p_rss=$2
echo "pandas rows: $(cat "$WORK/out.txt")"
printf '%-28s %10s %14s\n' "reader" "median s" "peak RSS MB"
printf '%-28s %10.2f %14.1f\n' "cambium cm_csv_read_file" "$c_t" "$(echo "$c_rss / 1024" | bc -l)"
printf '%-28s %10.2f %14.1f\n' "pandas.read_csv" "$p_t" "$(echo "$p_rss / 1024" | bc -l)"
printf 'ratio pandas/cambium: %.2f (median of %s runs)\n' "$(echo "$p_t / $c_t" | bc -l)" "$REPEATS"

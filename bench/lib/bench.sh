# Shell helpers shared by the bench/*/run.sh scripts (sourced, not run).
#   median           the median of the numbers on stdin (space or newline separated; "nan" if none)
#   wall FILE        wall-clock seconds from a `/usr/bin/time -v` report
#   rss FILE         maximum resident set size (KiB) from a `/usr/bin/time -v` report
#   json KEY FILE    the number after "KEY": in a one-line JSON report
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print "nan"}'; }
wall() { awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(k=1;k<=n;k++) s=s*60+p[k]; print s}' "$1"; }
rss() { awk -F': ' '/Maximum resident set size/ {print $2}' "$1"; }
json() { sed -n "s/.*\"$1\": \([0-9.e+-]*\).*/\1/p" "$2"; }
#   runs NAME K CMD...
#                    K runs of CMD under /usr/bin/time -v in $WORK (stdout NAME.out, stderr NAME.err,
#                    $WORK/out-NAME removed before each run); sets E (median wall s), T (median
#                    compute s: cambium* from its `--timings` line "compute X s" on stderr, any other
#                    program from "compute" in its one-line JSON report on stdout), MX (peak RSS KiB
#                    over the runs), L (1-min load averages before each run, joined by /). A failing
#                    run: its stderr tail, E=T=M=nan, return 1.
runs() {
    name=$1; k=$2; shift 2
    ws=""; cs=""; MX=0; L=""
    i=0
    while [ $i -lt "$k" ]; do
        rm -rf "$WORK/out-$name"
        L="$L${L:+/}$(cut -d' ' -f1 /proc/loadavg)"
        if ! /usr/bin/time -v -o "$WORK/time-$name.txt" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"; then
            echo "$name failed:" >&2; tail -5 "$WORK/$name.err" >&2; E=nan; T=nan; M=nan; return 1
        fi
        ws="$ws $(wall "$WORK/time-$name.txt")"
        case $name in
        cambium*) c=$(sed -n 's/.*timings:.*compute \([0-9.e+-]*\) s.*/\1/p' "$WORK/$name.err") ;;
        *) c=$(json compute "$WORK/$name.out") ;;
        esac
        cs="$cs $c"
        r=$(rss "$WORK/time-$name.txt"); [ "$r" -gt "$MX" ] && MX=$r
        i=$((i + 1))
    done
    E=$(echo "$ws" | median); T=$(echo "$cs" | median)
}

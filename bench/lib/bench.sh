# Shell helpers shared by the bench/*/run.sh scripts (sourced, not run).
#   median           the median of the numbers on stdin (space or newline separated; "nan" if none)
#   wall FILE        wall-clock seconds from a `/usr/bin/time -v` report
#   rss FILE         maximum resident set size (KiB) from a `/usr/bin/time -v` report
#   json KEY FILE    the number after "KEY": in a one-line JSON report
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print "nan"}'; }
wall() { awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(k=1;k<=n;k++) s=s*60+p[k]; print s}' "$1"; }
rss() { awk -F': ' '/Maximum resident set size/ {print $2}' "$1"; }
json() { sed -n "s/.*\"$1\": \([0-9.e+-]*\).*/\1/p" "$2"; }

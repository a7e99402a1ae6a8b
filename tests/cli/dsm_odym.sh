# cambium dsm on ODYM's unit-test case (fixed lifetime 5, inflow 1..10; METHODS.md B.4):
# stock, outflow, stock change and the cohort tables; the stock-driven model on that stock
# recovers the inflow; a batch of two series in long form with one lifetime each (SPEC keys
# separated by ';' or a quoted SPEC); per-cohort lifetimes (lifetime extension); --timings.
printf 't,inflow\n' >in.csv
for k in 1 2 3 4 5 6 7 8 9 10; do echo "$((1999 + k)),$k" >>in.csv; done
"$CAMBIUM" dsm inflow --input in.csv --lifetime fixed:mean=5 --out o --cohorts --timings
echo "exit=$?"
cat o/series.csv
sed -n '7,8p' o/outflow_by_cohort.csv
# stock-driven on the stock column: the inflow comes back
awk -F, 'NR == 1 { print "t,stock" } NR > 1 { print $1 "," $3 }' o/series.csv >stock.csv
"$CAMBIUM" dsm stock --input stock.csv --lifetime fixed:mean=5 --out s
cut -d, -f1,2 s/series.csv | tr '\n' ' '; echo
# two series, one lifetime each
printf 'series,t,inflow\nA,2000,10\nA,2001,10\nA,2002,10\nB,1990,4\nB,1991,0\n' >two.csv
printf 'series,spec\nA,fixed:mean=2\nB,"normal:mean=1,sd=1e-9"\n' >lt.csv
"$CAMBIUM" dsm inflow --input two.csv --lifetimes lt.csv --out b --cohorts
cat b/series.csv
ls b
# lifetime extension: cohorts from 2002 on last 3 years instead of 1
printf 't,mean\n2000,1\n2001,1\n2002,3\n2003,3\n2004,3\n' >ext.csv
printf 't,inflow\n2000,1\n2001,1\n2002,1\n2003,0\n2004,0\n' >in5.csv
"$CAMBIUM" dsm inflow --input in5.csv --lifetime fixed:mean=1 --lifetimes-by-cohort ext.csv --out e
cat e/series.csv

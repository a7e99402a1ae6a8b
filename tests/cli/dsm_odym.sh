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
# ODYM's negative-inflow correction on the case worked out in tests/unit/test_dsm.c
printf 't,stock\n2000,10\n2001,20\n2002,15\n2003,5\n' >down.csv
"$CAMBIUM" dsm stock --input down.csv --lifetime fixed:mean=3 --negative-inflow correct --out n
awk -F, 'NR == 1 { print } NR > 1 { printf "%s,%.12g,%.12g,%.12g,%.12g\n", $1, $2, $3, $4, $5 }' \
    n/series.csv
# lognormal(60, 25): the correct conversion against ODYM's, and the middle timing (6 digits)
printf 't,inflow\n2000,100\n2001,0\n2002,0\n' >one.csv
for lg in moments odym; do
    "$CAMBIUM" dsm inflow --input one.csv --lifetime 'lognormal:mean=60;sd=25' --lognormal $lg \
        --timing middle --out l >/dev/null
    awk -F, -v lg=$lg 'NR > 1 { printf "%s %s %.6f %.6f\n", lg, $1, $3, $4 }' l/series.csv
done
# lifetime extension of cohorts in the stock: lifetime 2 until 2001, 4 from 2002 (by year):
# the 2000 cohort stays until 2003 and leaves in 2004
printf 't,mean\n2000,2\n2001,2\n2002,4\n2003,4\n2004,4\n2005,4\n' >ly.csv
printf 't,inflow\n2000,1\n2001,0\n2002,0\n2003,0\n2004,0\n2005,0\n' >i6.csv
"$CAMBIUM" dsm inflow --input i6.csv --lifetime fixed:mean=2 --lifetimes-by-year ly.csv --out y
cat y/series.csv
# an initial stock by age (end of the year before the first), fixed lifetime 3: the 1997
# cohort (age 2) leaves in 2000, 1998's in 2001, 1999's in 2002; the balance holds from 12
printf 't,inflow\n2000,10\n2001,10\n2002,10\n2003,10\n' >i4.csv
printf 'age,stock\n0,5\n1,4\n2,3\n' >st.csv
"$CAMBIUM" dsm inflow --input i4.csv --lifetime fixed:mean=3 --initial-stock st.csv --out init >/dev/null
cat init/series.csv
printf 'age,stock\n0,5\n2,3\n' >gap.csv
"$CAMBIUM" dsm inflow --input i4.csv --lifetime fixed:mean=3 --initial-stock gap.csv --out gap 2>&1
echo "exit=$?"

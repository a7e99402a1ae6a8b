# cambium dsm on bad input: a negative inflow, a missing inflow, a missing year, lifetime
# parameters out of range (sd <= 0, shape <= 0, unknown key), a cohort without a lifetime, a
# series without a lifetime, a stock target that forces a negative inflow under
# --negative-inflow error, and usage errors. Each exits 1 (2 for usage) and names the file,
# line, series or year; no series.csv is written.
printf 't,inflow\n2000,1\n2001,-2\n' >neg.csv
"$CAMBIUM" dsm inflow --input neg.csv --lifetime normal:mean=10,sd=3 --out o1; echo "exit=$?"
printf 't,inflow\n2000,1\n2001,\n' >miss.csv
"$CAMBIUM" dsm inflow --input miss.csv --lifetime normal:mean=10,sd=3 --out o2; echo "exit=$?"
printf 't,inflow\n2000,1\n2002,1\n' >gap.csv
"$CAMBIUM" dsm inflow --input gap.csv --lifetime normal:mean=10,sd=3 --out o3; echo "exit=$?"
printf 't,inflow\n2000,1\n2001,1\n2002,1\n' >ok.csv
"$CAMBIUM" dsm inflow --input ok.csv --lifetime normal:mean=10,sd=0 --out o4; echo "exit=$?"
"$CAMBIUM" dsm inflow --input ok.csv --lifetime weibull:shape=0,scale=5 --out o5; echo "exit=$?"
"$CAMBIUM" dsm inflow --input ok.csv --lifetime normal:mean=10,width=3 --out o6; echo "exit=$?"
printf 't,mean,sd\n2000,10,3\n2002,10,3\n' >coh.csv
"$CAMBIUM" dsm inflow --input ok.csv --lifetime normal:mean=10,sd=3 --lifetimes-by-cohort coh.csv --out o7; echo "exit=$?"
printf 't,mean,sd\n2000,10,3\n2001,10,-3\n2002,10,3\n' >cohneg.csv
"$CAMBIUM" dsm inflow --input ok.csv --lifetime normal:mean=10,sd=3 --lifetimes-by-cohort cohneg.csv --out o8; echo "exit=$?"
printf 'series,t,inflow\nA,2000,1\nB,2000,1\n' >two.csv
printf 'series,spec\nA,fixed:mean=3\n' >lt.csv
"$CAMBIUM" dsm inflow --input two.csv --lifetimes lt.csv --out o9; echo "exit=$?"
printf 't,stock\n2000,10\n2001,20\n2002,15\n' >down.csv
"$CAMBIUM" dsm stock --input down.csv --lifetime fixed:mean=3 --negative-inflow error --out o10; echo "exit=$?"
"$CAMBIUM" dsm stock --input down.csv --lifetime fixed:mean=3 --timing weee --out o11; echo "exit=$?"
"$CAMBIUM" dsm stock --input down.csv --lifetime fixed:mean=3 --timing late --out o12; echo "exit=$?"
"$CAMBIUM" dsm stock --input down.csv --out o13; echo "exit=$?"
"$CAMBIUM" dsm stock --input down.csv --lifetime fixed --out o14; echo "exit=$?"
"$CAMBIUM" dsm flow; echo "exit=$?"
ls -d o* 2>/dev/null
echo end

# A composition with low > kg_per_t, or a value that is not a number, is reported at
# file:line:column; an unknown material likewise.
printf 'unu_key,year,pom_t\nA,2000,10\nA,2001,10\n' > p.csv
printf 'unu_key,shape,scale,category\nA,2,4,C1\n' > l.csv
printf 'unu_key,material,kg_per_t,low,high,source\nA,copper,5,6,7,T\n' > m1.csv
printf 'unu_key,material,kg_per_t,low,high,source\nA,copper,5,4,7,T\nA,gold,1,x,1,T\n' > m2.csv
printf 'unu_key,material,kg_per_t,low,high,source\nA,kryptonite,5,4,7,T\n' > m3.csv
for m in m1 m2 m3; do
  "$CAMBIUM" trade waste --pom p.csv --lifetimes l.csv --collected none --outliers none \
    --composition $m.csv --out out
  [ $? -eq 1 ] || exit 3
done
exit 1

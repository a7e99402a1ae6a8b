# A composition key that is not a put-on-market key is reported at file:line:column.
printf 'unu_key,year,pom_t\nA,2000,10\nA,2001,10\n' > p.csv
printf 'unu_key,shape,scale,category\nA,2,4,C1\n' > l.csv
printf 'unu_key,material,kg_per_t,low,high,source\nA,copper,5,4,6,T\nZ,gold,1,1,1,T\n' > m.csv
"$CAMBIUM" trade waste --pom p.csv --lifetimes l.csv --collected none --outliers none \
  --composition m.csv --out out

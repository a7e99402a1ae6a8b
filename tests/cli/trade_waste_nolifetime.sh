# A put-on-market key without a lifetime is named, with where it was found.
printf 'unu_key,year,pom_t\nA,2000,10\nB,2001,5\n' > p.csv
printf 'unu_key,shape,scale,category\nA,2,4,C1\n' > l.csv
"$CAMBIUM" trade waste --pom p.csv --lifetimes l.csv --collected none --outliers none --out out

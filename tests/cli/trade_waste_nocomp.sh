# --composition none: no urban mine, no urban-mine files; the horizon stays at the last year.
printf 'unu_key,year,pom_t\nA,2000,100\nA,2001,100\n' > p.csv
printf 'unu_key,shape,scale,category\nA,2,4,C1\n' > l.csv
"$CAMBIUM" trade waste --pom p.csv --lifetimes l.csv --collected none --outliers none \
  --composition none --out out | tail -1 || exit 1
ls out
grep -c urban_mine out/waste.json || true  # 0

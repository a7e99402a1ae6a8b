# --composition: material content of the waste = generated x kg_per_t / 1000 (a hand-made
# composition, not a sourced figure); one key, so content = 0.5 x the category's generated.
printf 'unu_key,year,pom_t\nA,2000,100\nA,2001,100\nA,2002,100\n' > p.csv
printf 'unu_key,shape,scale,category\nA,2,4,C1\n' > l.csv
printf 'unu_key,material,kg_per_t\nA,Cu,500\nZ,Au,1\n' > m.csv
"$CAMBIUM" trade waste --pom p.csv --lifetimes l.csv --collected none --outliers none \
  --composition m.csv --until 2004 --out out >/dev/null || exit 1
head -1 out/urban_mine.csv
wc -l < out/urban_mine.csv
awk -F, 'NR==FNR { if (FNR > 1) g[$2] = $3; next }
         FNR > 1 { d = $4 - 0.5 * g[$3]; if (d < 0) d = -d; if (d > 1e-9 * g[$3]) bad++ }
         END { print bad + 0 " mismatches" }' out/waste.csv out/urban_mine.csv
grep '^A,Cu,2004,' out/urban_mine.csv | cut -d, -f5

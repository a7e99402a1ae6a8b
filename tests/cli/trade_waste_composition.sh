# The urban mine on a hand-made fixture (not sourced figures): two keys, a composition with
# low/high; by default it runs to 2035 while waste.csv stays over the reported years (no
# collection here: to the last put-on-market year, 2002). content = generated x kg_per_t / 1000.
printf 'unu_key,year,pom_t\nA,2000,100\nA,2001,100\nA,2002,100\nB,2000,40\nB,2001,0\nB,2002,40\n' > p.csv
printf 'unu_key,shape,scale,category\nA,2,4,C1\nB,3,6,C2\n' > l.csv
printf 'unu_key,material,kg_per_t,low,high,source\nA,Cu,500,400,600,T1\nB,copper,100,50,150,T1\nB,Co,10,5,20,T2\n' > m.csv
"$CAMBIUM" trade waste --pom p.csv --lifetimes l.csv --collected none --outliers none \
  --composition m.csv --out out | sed -n '/^urban/,$p' || exit 1
ls out
head -1 out/urban_mine.csv
head -1 out/urban_mine_by_material.csv
wc -l < out/urban_mine.csv              # 3 rows x 36 years + header
tail -n +2 out/waste.csv | cut -d, -f2 | sort -u | tail -1   # the comparison stops at 2002
# by key (each key is alone in its category here): content = generated x kg_per_t / 1000
awk -F, 'NR==FNR { if (FNR > 1) g[$1 "," $2] = $3; next }
         FNR > 1 && $3 <= 2002 { c = ($1 == "A") ? "C1" : "C2"
                   k = ($1 == "A") ? 500 : ($2 == "copper" ? 100 : 10)
                   d = $4 - g[c "," $3] * k / 1000; if (d < 0) d = -d
                   if (d > 1e-12 * $4) bad++; n++ }
         END { print bad + 0 " mismatches in " n " rows by key" }' out/waste.csv out/urban_mine.csv
awk -F, 'FNR > 1 { s[$2 "," $3] += $4 } END { for (k in s) printf "%s,%.17g\n", k, s[k] }' out/urban_mine.csv |
  sort > sum.csv
awk -F, 'FNR > 1 { print $1 "," $2 "," $3 }' out/urban_mine_by_material.csv | sort > tot.csv
awk -F, 'NR==FNR { a[$1 "," $2] = $3; next }
         { d = a[$1 "," $2] - $3; if (d < 0) d = -d; if (d > 1e-12 * ($3 + 1)) bad++ }
         END { print bad + 0 " mismatches by material" }' sum.csv tot.csv
grep -c '^[a-z]*,20[0-9]*,[^,]*,[^,]*,[^,]*,1,' out/urban_mine_by_material.csv  # 2 x 33 projected
grep -c '"urban_mine"' out/waste.json
grep -c 'stroke-dasharray' out/urban_mine.svg

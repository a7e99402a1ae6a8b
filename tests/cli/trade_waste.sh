# trade waste on the bundled Belgian extracts (data/weee, the defaults): WEEE generated per
# category beside Eurostat's collected, the gap summary, the flagged outliers and the outputs.
out=$PWD/out
cd "$SRC" || exit 1
"$CAMBIUM" trade waste --out "$out" >"$out.txt" || exit 1
cd "$out/.." || exit 1
grep -E '^(category|EE_LHA 20(05|10|15)|EE_ITT 2015|EE_ATD 2009|gap|CRM)' out.txt
sed -n '/^outliers/,/^CRM/p' out.txt | grep -E '^  (0002|0802) '
ls out
head -1 out/waste.csv
grep -c ',outlier,no$' out/outliers.csv
grep -o '"projected": true' out/waste.json | wc -l | tr -d ' '  # 3 projected years x 10 categories
grep -c '<svg' out/waste.svg

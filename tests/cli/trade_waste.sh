# trade waste on the bundled Belgian extracts (data/weee, the defaults): WEEE generated per
# category beside Eurostat's collected, the gap summary, the flagged outliers, the outputs and
# the urban mine of the shipped composition (data/weee/composition.csv) to 2035.
out=$PWD/out
cd "$SRC" || exit 1
"$CAMBIUM" trade waste --out "$out" >"$out.txt" || exit 1
cd "$out/.." || exit 1
grep -E '^(category|EE_LHA 20(05|10|15)|EE_ITT 2015|EE_ATD 2009|gap)' out.txt
sed -n '/^outliers/,/^urban/p' out.txt | grep -E '^  (0002|0802) '
sed -n '/^urban/,$p' out.txt | grep -E '^(urban|  (cobalt|gold|lithium|neodymium) )'
ls out
head -1 out/waste.csv
grep -c ',outlier,no$' out/outliers.csv
grep -o '"projected": true' out/waste.json | wc -l | tr -d ' '  # 3 x 10 categories + 20 x 10 materials
tail -n +2 out/waste.csv | cut -d, -f2 | sort -u | tail -1   # the comparison stops at 2018
tail -1 out/urban_mine_by_material.csv | cut -d, -f1,2,6
grep -c '<svg' out/waste.svg

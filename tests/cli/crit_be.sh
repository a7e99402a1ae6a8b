# cambium crit be on the bundled Belgian data: the Belgian list beside the EU list, the class
# changes explained, substitutions listed, outputs written; invariants checked on the CSV.
"$CAMBIUM" import bundle "$SRC/data/belgium" --store s.db >/dev/null || exit 1
"$CAMBIUM" crit be --store s.db --wgi-year 2023 --wgi-fallback 5 \
    --codes "$SRC/data/crit/hs6-materials.csv" --out out >o || { cat o; exit 1; }
grep -q "^Belgian criticality (trade year 2024" o || { cat o; exit 1; }
grep -q "^class changes (" o && grep -q "EU values used for missing Belgian ones:" o || exit 1
for f in be_results.csv be_substitutions.csv be_results.json be_sr_ei.svg; do
    [ -s "out/$f" ] || { echo "missing out/$f"; exit 1; }
done
head -1 out/be_results.csv | grep -q "^material,sr_eu,ei_eu,critical_eu,sr_be,ei_be,critical_be,change" || exit 1
# every class change has an explanation; every substitution row names a term and a reason
awk -F, 'NR > 1 && $4 != $7 && $NF == "" { bad = 1 } END { exit bad }' out/be_results.csv || exit 1
awk -F, 'NR > 1 && ($2 == "" || $5 == "") { bad = 1 } END { exit bad }' out/be_substitutions.csv || exit 1
# Belgian import reliance is within [0, 1] where computed
awk -F, 'NR > 1 { for (i = 11; i <= 12; i++) if ($i != "" && ($i < 0 || $i > 1)) bad = 1 } END { exit bad }' out/be_results.csv

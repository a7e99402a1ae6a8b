# --replace-outliers: the flagged values are replaced by their window median and listed as such;
# --timing odym and --until extend the projection (constant POM, flagged projected); with
# --until the urban mine stops there too.
"$CAMBIUM" trade waste --pom "$SRC/data/weee/pom_be.csv" --lifetimes "$SRC/data/weee/lifetimes.csv" \
  --collected "$SRC/data/weee/collected_be.csv" --outliers "$SRC/data/weee/outliers.ini" \
  --composition "$SRC/data/weee/composition.csv" \
  --replace-outliers --timing odym --until 2030 --out out >out.txt || exit 1
grep -E '^(EE_CPV 2015|gap|outliers)' out.txt
grep -c ',outlier,yes$' out/outliers.csv
grep -c ',outlier,no$' out/outliers.csv
grep '^EE_LHA,2030,' out/waste.csv | cut -d, -f1,2,4-7
tail -1 out/urban_mine_by_material.csv | cut -d, -f1,2,6

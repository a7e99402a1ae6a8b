# cambium assess with the footprint analysis alone (the bundled Belgian OECD IOT): the table
# footprint_categories is mrio footprint's footprint_categories.csv (written with --out into
# raw/footprint), with the columns the dashboard reads (stressor, the categories, total, unit)
# at full precision; byte-identical tables on a second run.
printf '[recipe]\nname = fp\nroot = %s\n[analysis footprint]\niot = %s/data/belgium/BEL2020ttl.csv\nregion = BEL\nextension = factor_inputs\n' \
    "$SRC" "$SRC" >fp.recipe
"$CAMBIUM" assess --recipe fp.recipe --store s.db --out r1 --quiet >o1 || { cat o1; exit 1; }
"$CAMBIUM" assess --recipe fp.recipe --store s.db --out r2 --quiet >o2 || { cat o2; exit 1; }
grep -q "footprint done" o1 || { cat o1; exit 1; }
diff -r r1/tables r2/tables || { echo "tables differ between runs"; exit 1; }
head -n 1 r1/tables/footprint_categories.csv
cut -d, -f1 r1/tables/footprint_categories.csv | tail -n +2
# the verb's file, unchanged, and the verb was asked for it
cmp r1/raw/footprint/footprint_categories.csv r1/tables/footprint_categories.csv || exit 1
grep -q "^wrote .*/raw/footprint/footprint.csv, footprint_categories.csv, footprint.json$" r1/logs/footprint.txt || exit 1
# full precision: more than the 10 significant digits of the printed table
grep -q '"rows"' r1/tables/footprint_categories.json || exit 1
[ "$(tr -d ' \n' <r1/tables/footprint_categories.json | grep -o '[0-9]\.[0-9]\{11,\}' | wc -l)" -gt 10 ] || exit 1
# the total is the sum of the categories
awk -F, 'NR > 1 { s = 0; for (i = 2; i < NF - 1; i++) s += $i; d = s - $(NF - 1); if (d < 0) d = -d;
    if (d > 1e-12 * ($(NF - 1) < 0 ? -$(NF - 1) : $(NF - 1))) exit 1 }' r1/tables/footprint_categories.csv || exit 1

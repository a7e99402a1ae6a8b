# cambium assess on a small recipe, twice: byte-identical tables, the contract in the store,
# an absent section for the analysis without data, every section in the HTML report.
R="$SRC/tests/data/assess/small.recipe"
"$CAMBIUM" assess --recipe "$R" --store s.db --out r1 --quiet >o1 || { cat o1; exit 1; }
"$CAMBIUM" assess --recipe "$R" --store s.db --out r2 --quiet >o2 || { cat o2; exit 1; }
diff -r r1/tables r2/tables || { echo "tables differ between runs"; exit 1; }
for t in crit_eu crit_stages crit_be trade_alerts trade_pointers wind_flows wind_bands; do
    [ -s "r1/tables/$t.csv" ] && [ -s "r1/tables/$t.json" ] || { echo "missing $t"; exit 1; }
done
[ -s r1/index.html ] && [ -s r1/assessment.xlsx ] && [ -s r1/assessment.json ] || exit 1
grep -q "^assessment 'small': mfa absent, criticality done," o1 || { cat o1; exit 1; }
# the store follows the contract: 7 tables + 1 index row, params with recipe and table
n=$(sqlite3 s.db "select count(*) from result where analysis = 'assess/table'")
[ "$n" = 7 ] || { echo "tables stored: $n"; exit 1; }
sqlite3 s.db "select params from result where analysis = 'assess/table'" | grep -q '"recipe":"small","table":"crit_be"' || exit 1
sqlite3 s.db "select content from result where analysis = 'assess/index' order by id desc limit 1" >idx.json
grep -q '"id":"mfa"' idx.json && grep -q '"reason":"mfa: no dataset of kind' idx.json || { cat idx.json | head -c 600; exit 1; }
grep -q '"status":"absent"' idx.json || exit 1
# every section and the provenance appendix in the HTML, one row per dataset
for s in mfa criticality supply footprint trade waste wind priorities provenance; do
    grep -q "<section id=\"$s\">" r1/index.html || { echo "section $s missing"; exit 1; }
done
nd=$(sqlite3 s.db "select count(*) from dataset")
for sha in $(sqlite3 s.db "select sha256 from dataset"); do
    grep -q "$sha" r1/index.html || { echo "dataset $sha missing from the report"; exit 1; }
done
[ "$nd" -gt 20 ] || exit 1
# the second run imported nothing again
[ "$(sqlite3 s.db "select count(*) from dataset")" = "$nd" ] || exit 1
exit 0

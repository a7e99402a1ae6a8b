# cambium assess on a small recipe, twice: byte-identical tables, the contract in the store,
# an absent section for the analysis without data, every section in the HTML report.
R="$SRC/tests/data/assess/small.recipe"
"$CAMBIUM" assess --recipe "$R" --store s.db --out r1 --quiet >o1 || { cat o1; exit 1; }
"$CAMBIUM" assess --recipe "$R" --store s.db --out r2 --quiet >o2 || { cat o2; exit 1; }
diff -r r1/tables r2/tables || { echo "tables differ between runs"; exit 1; }
for t in crit_eu crit_stages crit_be trade_alerts trade_pointers wind_flows wind_bands wind_fleet; do
    [ -s "r1/tables/$t.csv" ] && [ -s "r1/tables/$t.json" ] || { echo "missing $t"; exit 1; }
done
[ -s r1/index.html ] && [ -s r1/assessment.xlsx ] && [ -s r1/assessment.json ] || exit 1
grep -q "^assessment 'small': mfa absent, criticality done," o1 || { cat o1; exit 1; }
# the store follows the contract: each run 8 tables + 1 index row, params with recipe, run and
# table; the rows of the second run have the larger ids
n=$(sqlite3 s.db "select count(*) from result where analysis = 'assess/table'")
[ "$n" = 16 ] || { echo "tables stored: $n"; exit 1; }
sqlite3 s.db "select params from result where analysis = 'assess/table'" | grep -q '"recipe":"small","run":2,"table":"crit_be"' || exit 1
[ "$(sqlite3 s.db "select params from result where analysis = 'assess/index' order by id desc limit 1")" = '{"recipe":"small","run":2}' ] || exit 1
[ "$(sqlite3 s.db "select max(id) from result where analysis = 'assess/table' and params like '%\"run\":1,%'")" -lt \
  "$(sqlite3 s.db "select min(id) from result where analysis = 'assess/table' and params like '%\"run\":2,%'")" ] || { echo "run 2 rows not newer"; exit 1; }
# wind_fleet: one lifetime scenario (25y), columns of fleet.csv, MW units
head -n 1 r1/tables/wind_fleet.csv | grep -qx 'year,scenario,technology,inflow_mw,stock_mw,eol_mw' || exit 1
[ "$(cut -d, -f2 r1/tables/wind_fleet.csv | sort -u | tr '\n' ' ')" = "25y scenario " ] || { echo "wind_fleet scenarios"; exit 1; }
tr -d ' \n' <r1/tables/wind_fleet.json | grep -q '"name":"stock_mw","unit":"MW"' || exit 1
sqlite3 s.db "select content from result where analysis = 'assess/index' order by id desc limit 1" | grep -q '"tables":\["wind_flows","wind_bands","wind_fleet"\]' || { echo "wind tables"; exit 1; }
# the input files that are not datasets: the model and the files it names, by SHA-256 in the
# table's inputs, in assessment.json and in the provenance appendix
msha=$(sha256sum "$SRC/models/wind-belgium.ini" | cut -d' ' -f1)
isha=$(sha256sum "$SRC/data/wind/intensities.csv" | cut -d' ' -f1)
sqlite3 s.db "select inputs from result where analysis = 'assess/table' and params like '%\"run\":2,\"table\":\"wind_fleet\"%'" >in.txt
grep -q "$msha" in.txt && grep -q "$isha" in.txt || { echo "wind inputs"; cat in.txt; exit 1; }
tr -d ' \n' <r1/assessment.json | grep -q "{\"path\":\"models/wind-belgium.ini\",\"sha256\":\"$msha\",\"used_by\":\[\"mmsa\"\]}" || { echo "files in assessment.json"; exit 1; }
grep -q "<h3 id=\"files\">" r1/index.html && grep -q "$msha" r1/index.html && grep -q "$isha" r1/index.html || { echo "files in the report"; exit 1; }
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

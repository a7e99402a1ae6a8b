# An analysis that FAILS (the wind model is broken): its section is "failed" with the reason,
# the other sections and the report are still written, assess exits 1 at the end.
"$CAMBIUM" assess --recipe "$SRC/tests/data/assess/failed.recipe" --store s.db --out r --quiet >o
st=$?
[ -s r/index.html ] && [ -s r/assessment.json ] && [ -s r/assessment.xlsx ] || { echo "report missing"; exit 3; }
[ -s r/tables/crit_eu.csv ] && [ -s r/tables/crit_stages.json ] || { echo "criticality tables missing"; exit 3; }
[ ! -e r/tables/wind_flows.csv ] || { echo "a table of the failed analysis was written"; exit 3; }
grep -q "^assessment 'failed': .*criticality done,.* wind failed," o || { cat o; exit 3; }
# the stored assessment says why
sqlite3 s.db "select content from result where analysis = 'assess/index' order by id desc limit 1" >idx.json
grep -q '"id":"wind","methods":"[^"]*","reason":"mmsa: cambium mmsa run exited with status 1: cambium: [^"]*broken-wind.ini:5:1: expected' idx.json \
    || { head -c 3000 idx.json; exit 3; }
grep -q '"status":"failed"' idx.json || exit 3
# the broken model is still recorded as an input file
grep -q '"path":"tests/data/assess/broken-wind.ini"' idx.json || exit 3
grep -q 'id="wind"' r/index.html && grep -q 'broken-wind.ini' r/index.html || exit 3
exit $st

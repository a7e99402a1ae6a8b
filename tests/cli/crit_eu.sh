# The EU 2023 reproduction on the shared data: match statistics, critical lists, output files;
# a country missing from the WGI is named, and the explicit fallback lets the run go on.
D="$SHARED"
for f in eu-crm-2023-emilsson/fact_GlobalSupplyShares_t.csv eu-crm-2023-emilsson/fact_EUSupplyShares_t.csv \
         eu-crm-2023-critmat/eureport_tradeparameters.csv eu-crm-2023-critmat/eureport_results.csv \
         eu-crm-2023-emilsson/fact_MaterialUseShares.csv wgi-2024-update/wgidataset.csv; do
    [ -f "$D/$f" ] || exit 77
done
S=eu.db
"$CAMBIUM" import eu-crm-supply "$D/eu-crm-2023-emilsson/fact_GlobalSupplyShares_t.csv" --store $S >/dev/null 2>&1 || exit 1
"$CAMBIUM" import eu-crm-supply "$D/eu-crm-2023-emilsson/fact_EUSupplyShares_t.csv" --store $S >/dev/null 2>&1 || exit 1
"$CAMBIUM" import eu-crm-trade "$D/eu-crm-2023-critmat/eureport_tradeparameters.csv" --store $S >/dev/null 2>&1 || exit 1
"$CAMBIUM" import eu-crm-results "$D/eu-crm-2023-critmat/eureport_results.csv" --store $S >/dev/null 2>&1 || exit 1
"$CAMBIUM" import eu-crm-use "$D/eu-crm-2023-emilsson/fact_MaterialUseShares.csv" --store $S >/dev/null 2>&1 || exit 1
cp $S small.db
"$CAMBIUM" import wgi "$D/wgi-2024-update/wgidataset.csv" --store $S >/dev/null 2>&1 || exit 1
"$CAMBIUM" crit eu --store $S --out out > report.txt
echo "exit=$?"
head -n 1 report.txt
grep -E '^(Cobalt|Dysprosium|Silver) ' report.txt
grep -E '^  (SR per stage|EI|critical class)' report.txt
grep -E '^(critical|differing)' report.txt
ls out
head -c 4 out/eu_sr_ei.svg; echo
head -n 1 out/eu_results.csv
grep -c '' out/eu_stages.csv
grep '^silver,extraction,' out/eu_stages.csv | cut -d, -f1-3,13-18
# other thresholds change the list
"$CAMBIUM" crit eu --store $S --sr-threshold 2 --ei-threshold 5 | grep -E '^critical \(computed'
# a WGI without most countries: the first missing one is named; the fallback is explicit
printf 'codeindyr,code,countryname,year,indicator,estimate,stddev,nsource,pctrank,pctranklower,pctrankupper\nCHNva2019,CHN,China,2019,va,-0.3,0.2,8,40,30,50\n' > wgi.csv
"$CAMBIUM" import wgi wgi.csv --store small.db >/dev/null 2>&1 || exit 1
"$CAMBIUM" crit eu --store small.db > /dev/null
echo "exit=$?"
"$CAMBIUM" crit eu --store small.db --wgi-fallback 5 | grep -E '^  SR per stage'
echo "exit=$?"

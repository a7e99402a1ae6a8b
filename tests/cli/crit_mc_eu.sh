# Monte Carlo and threshold sensitivity on the EU 2023 inputs: the same seed gives identical
# files whatever the number of threads; the figures are rendered.
c=$SHARED/eu-crm-2023-critmat
e=$SHARED/eu-crm-2023-emilsson
w=$SHARED/wgi-2024-update/wgidataset.csv
[ -f "$c/eureport_results.csv" ] && [ -f "$e/fact_MaterialUseShares.csv" ] && [ -f "$w" ] ||
    { echo "skip: EU CRM or WGI data absent"; exit 77; }
set -e
"$CAMBIUM" import eu-crm-results "$c/eureport_results.csv" --store s.db >/dev/null
"$CAMBIUM" import eu-crm-trade "$c/eureport_tradeparameters.csv" --store s.db >/dev/null
"$CAMBIUM" import eu-crm-supply "$e/fact_GlobalSupplyShares_t.csv" --store s.db >/dev/null
"$CAMBIUM" import eu-crm-supply "$e/fact_EUSupplyShares_t.csv" --store s.db >/dev/null
"$CAMBIUM" import eu-crm-use "$e/fact_MaterialUseShares.csv" --store s.db >/dev/null
"$CAMBIUM" import wgi "$w" --store s.db >/dev/null
"$CAMBIUM" crit mc --store s.db --draws 3000 --seed 7 --threads 2 --out a >a.txt
"$CAMBIUM" crit mc --store s.db --draws 3000 --seed 7 --threads 1 \
    --distributions "$SRC/data/crit/uncertainty.ini" --out b >b.txt
cmp a/mc_results.csv b/mc_results.csv
cmp a/mc_results.json b/mc_results.json
head -c 4 a/mc_pcritical.svg | grep -q "<svg"
tail -n 1 a/mc_pcritical.svg | grep -q "</svg>"
grep -q "^cobalt," a/mc_results.csv
grep -q "Monte Carlo: 3000 draws, seed 7" a.txt
"$CAMBIUM" crit sensitivity --store s.db --out s >s.txt
[ "$(wc -l <s/sens_grid.csv)" -eq 46 ]
grep -q "threshold-dependent" s.txt
head -c 4 s/sens_counts.svg | grep -q "<svg"
grep -q '"threshold_dependent"' s/sens.json

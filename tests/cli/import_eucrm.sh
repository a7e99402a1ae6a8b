# Import the six EU CRM 2023 tables (CritMAT and Emilsson); each appears in `cambium datasets`
# with its SHA-256, and the quirks of the real files are counted.
c=$SHARED/eu-crm-2023-critmat
e=$SHARED/eu-crm-2023-emilsson
[ -f "$c/eureport_results.csv" ] && [ -f "$e/fact_MaterialUseShares.csv" ] ||
    { echo "skip: EU CRM data absent"; exit 77; }
set -e
"$CAMBIUM" import eu-crm-results "$c/eureport_results.csv" --store s.db >o1
grep -q "quirk duplicate-row: 1" o1
grep -q "quirk shifted-column: 5" o1
grep -q "quirk percent-in-index 'supply_risk_primary': 1" o1
"$CAMBIUM" import eu-crm-trade "$c/eureport_tradeparameters.csv" --store s.db >o2
"$CAMBIUM" import eu-crm-history "$e/dimension_CRMsOverTime.csv" --store s.db >o3
"$CAMBIUM" import eu-crm-supply "$e/fact_GlobalSupplyShares_t.csv" --store s.db >o4
grep -q "quirk flag '<': 514" o4
grep -q "quirk windows-1252:" o4
"$CAMBIUM" import eu-crm-supply "$e/fact_EUSupplyShares_t.csv" --store s.db >o5
"$CAMBIUM" import eu-crm-use "$e/fact_MaterialUseShares.csv" --store s.db >o6
grep -q "quirk duplicate-row: 1" o6
"$CAMBIUM" datasets --long --store s.db >ds
for f in "$c/eureport_results.csv" "$c/eureport_tradeparameters.csv" "$e/dimension_CRMsOverTime.csv" \
    "$e/fact_GlobalSupplyShares_t.csv" "$e/fact_EUSupplyShares_t.csv" "$e/fact_MaterialUseShares.csv"; do
    sum=$(sha256sum "$f" | cut -d' ' -f1)
    grep -q "$sum" ds || { echo "datasets lacks $f ($sum)"; cat ds; exit 1; }
done
grep -q "European Commission" ds

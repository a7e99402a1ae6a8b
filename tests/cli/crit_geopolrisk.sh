# cambium crit geopolrisk on the shared GeoPolRisk test case (BACI 2022 imports into the USA,
# World Mining Data production): one CSV row per material, values as in
# tests/unit/test_geopolrisk.c (an independent calculation); filters, --out, usage errors.
# Skipped (77) without the shared data, or while this build has no `crit` verb
# (cli/verb_crit.c dispatches `crit geopolrisk`).
D=$SHARED/world-mining-data
[ -f "$D/testcase_trade_data.csv" ] && [ -f "$D/wmd_production_2018_2022_long.csv" ] || exit 77
"$CAMBIUM" crit geopolrisk --help >/dev/null 2>&1 || exit 77
"$CAMBIUM" import geopolrisk-trade "$D/testcase_trade_data.csv" --store s.db >/dev/null || exit 1
"$CAMBIUM" import wmd "$D/wmd_production_2018_2022_long.csv" --store s.db >/dev/null || exit 1
# numbers rounded to 10 significant digits (the unit test checks them to 1e-12)
canon() { awk -F, 'NR == 1 { print; next } { printf "%s,%s,%s", $1, $2, $3;
    for (i = 4; i <= 8; i++) printf ",%.10g", $i; printf ",%s\n", $9 }'; }
"$CAMBIUM" crit geopolrisk --store s.db >all.csv
echo "exit=$?"
canon <all.csv
"$CAMBIUM" crit geopolrisk --store s.db --year 2022 --importer 842 --material Nickel --out n.csv
echo "exit=$?"
canon <n.csv
"$CAMBIUM" crit geopolrisk --store s.db --year 2021
echo "exit=$?"
"$CAMBIUM" crit geopolrisk --store s.db --year 22
echo "exit=$?"
"$CAMBIUM" crit geopolrisk --store s.db --importer Atlantis
echo "exit=$?"

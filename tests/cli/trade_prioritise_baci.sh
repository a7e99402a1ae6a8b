# Demand computed from BACI extracts (tests/data/trade/prio-baci-*.csv, years from the file
# names): per material imports - exports of the processing codes, mean of the two years.
# cobalt: 2021 (300 + 100 - 50), 2022 (500 - 50) -> mean imports 450, exports 50, 400;
# lithium: 2021 (40 - 90), 2022 (60 - 70) -> -30 (negative = keep); copper: 70 in 2021, 0 in
# 2022 -> 35. The cobalt ore (extraction) and the FRA -> DEU row do not count.
cp "$CASEDIR/../data/trade/"prio* . || exit 1
"$CAMBIUM" trade prioritise --config prio-baci.ini --baci prio-baci-2021.csv \
    --baci prio-baci-2022.csv --crit prio-crit.csv --eu prio-eu.csv --out o || exit 1
grep -E '^(material|cobalt|lithium|copper),' o/demand.csv | cut -d, -f1-3,5-7
sed 's/negative = keep/negative = zero/' prio-baci.ini > zero.ini
"$CAMBIUM" trade prioritise --config zero.ini --baci prio-baci-2021.csv \
    --baci prio-baci-2022.csv --out o2 >/dev/null || exit 1
grep '^lithium,' o2/demand.csv | cut -d, -f1,2

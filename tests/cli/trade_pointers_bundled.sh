# trade pointers from the store: the bundled BACI extract of Belgian imports 2022-2024 and the
# WGI, with the shipped thresholds file; the alert list with its evidence rows, the JSON and the
# partner-share charts.
"$CAMBIUM" import baci "$SRC/data/belgium/baci-belgium-crm-imports-2022-2024.csv" --store t.db >/dev/null || exit 1
"$CAMBIUM" import wgi "$SRC/data/belgium/wgi-2019-2023-and-belgium.csv" --store t.db >/dev/null || exit 1
"$CAMBIUM" trade pointers --store t.db --declarant BEL --flow import --config "$SRC/data/trade/pointers.ini" --out out || exit 1
cut -d, -f1,3,5-9,12 out/alerts.csv
cut -d, -f2-6,11,13 out/pointers.csv | head -3
ls out/charts | head -3
grep -c '"observation"' out/alerts.json

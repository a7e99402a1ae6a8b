# Import the Belgian reporter files of UN Comtrade (the 2024 file has no year column).
d=$SHARED/comtrade-crm-hs6-2022-2024
[ -f "$d/comtrade_2022_belgium_reporter.csv" ] || { echo "skip: $d is absent"; exit 77; }
"$CAMBIUM" import comtrade "$d/comtrade_2022_belgium_reporter.csv" --store s.db >out ||
    { cat out; exit 1; }
grep -q "from 983 records" out && grep -q "quirk missing-quantity: 29" out || { cat out; exit 1; }
"$CAMBIUM" import comtrade "$d/comtrade_2024_belgium_reporter.csv" --store s.db >out ||
    { cat out; exit 1; }
grep -q "from 956 records" out || { cat out; exit 1; }
sum=$(sha256sum "$d/comtrade_2024_belgium_reporter.csv" | cut -d' ' -f1)
"$CAMBIUM" datasets --long --store s.db | grep -q "$sum" || exit 1

# Import the real WGI 2024 update; `cambium datasets` then shows it with its SHA-256.
f=$SHARED/wgi-2024-update/wgidataset.csv
[ -f "$f" ] || { echo "skip: $f is absent"; exit 77; }
"$CAMBIUM" import wgi "$f" --store s.db >out || { cat out; exit 1; }
grep -q "as dataset 1: 192600 rows from 32100 records" out || { cat out; exit 1; }
grep -q "quirk flag '\.\.': 6756" out || { cat out; exit 1; }
sum=$(sha256sum "$f" | cut -d' ' -f1)
grep -q "sha256 $sum" out || { cat out; exit 1; }
"$CAMBIUM" datasets --long --store s.db >ds || { cat ds; exit 1; }
grep -q "$sum" ds || { echo "datasets lacks $sum"; cat ds; exit 1; }
grep -q "World Bank" ds || { cat ds; exit 1; }

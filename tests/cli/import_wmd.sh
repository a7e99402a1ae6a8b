# Import World Mining Data production 2018-2022 with its flags counted.
f=$SHARED/world-mining-data/wmd_production_2018_2022_long.csv
[ -f "$f" ] || { echo "skip: $f is absent"; exit 77; }
"$CAMBIUM" import wmd "$f" --store s.db >out || { cat out; exit 1; }
grep -q "from 9840 records" out && grep -q "quirk flag 'r': 7360" out &&
    grep -q "quirk flag 'e': 2105" out && grep -q "quirk flag 'p': 50" out || { cat out; exit 1; }
sum=$(sha256sum "$f" | cut -d' ' -f1)
"$CAMBIUM" datasets --long --store s.db | grep -q "$sum" || exit 1

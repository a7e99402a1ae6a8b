# Import every USGS MCS 2023 and 2024 world table (20 header variants); each is a dataset
# with its SHA-256 in `cambium datasets`.
d=$SHARED/usgs-mcs
[ -d "$d/2024-world" ] || { echo "skip: $d absent"; exit 77; }
n=0
for f in "$d"/2023-world/*_world.csv "$d"/2024-world/*_world.csv; do
    "$CAMBIUM" import usgs-mcs "$f" --store s.db >out 2>err || { echo "failed: $f"; cat err; exit 1; }
    n=$((n + 1))
done
[ $n -eq 154 ] || { echo "expected 154 files, imported $n"; exit 1; }
"$CAMBIUM" datasets --long --store s.db >ds || exit 1
for f in "$d"/2024-world/mcs2024-cobal_world.csv "$d"/2023-world/mcs2023-lithi_world.csv; do
    sum=$(sha256sum "$f" | cut -d' ' -f1)
    grep -q "$sum" ds || { echo "datasets lacks $f"; exit 1; }
done
grep -q "MCS 2024" ds || { cat ds | head; exit 1; }

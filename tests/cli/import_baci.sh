# Import the three BACI layouts: the Belgian labelled series and the all-pairs files.
d=$SHARED/baci-crm-flows-belgium-2002-2024
[ -f "$d/baci_crm_flows_belgium_2002_2024.csv" ] || { echo "skip: $d is absent"; exit 77; }
"$CAMBIUM" import baci "$d/baci_crm_flows_belgium_2002_2024.csv" --store s.db >out ||
    { cat out; exit 1; }
grep -q "29900 rows from 14954 records" out && grep -q "kept aside unknown-country: 4 rows" out ||
    { cat out; exit 1; }
for y in 2022 2024; do
    "$CAMBIUM" import auto "$d/baci_${y}_crm_hs6_all_pairs.csv" --store s.db >out ||
        { cat out; exit 1; }
    grep -q "imported baci" out || { cat out; exit 1; }
done
sum=$(sha256sum "$d/baci_2024_crm_hs6_all_pairs.csv" | cut -d' ' -f1)
"$CAMBIUM" datasets --long --store s.db | grep -q "$sum" || exit 1

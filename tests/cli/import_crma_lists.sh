# Import the CRM Act 2024 critical and strategic lists.
f=$SHARED/eu-crma-2024-lists/crma_2024_critical_and_strategic.csv
[ -f "$f" ] || { echo "skip: $f is absent"; exit 77; }
"$CAMBIUM" import auto "$f" --store s.db >out || { cat out; exit 1; }
grep -q "imported crma-lists" out && grep -q "68 rows from 34 records" out || { cat out; exit 1; }
grep -q "kept aside" out && { cat out; exit 1; }
sum=$(sha256sum "$f" | cut -d' ' -f1)
"$CAMBIUM" datasets --long --store s.db | grep -q "$sum" || exit 1

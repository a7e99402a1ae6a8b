# Import the Comext CN8 extract and its CN8 code list (tests only: licence of the extract).
d=$SHARED/comext-eu27-critical-inputs-cn8
[ -f "$d/eu_comext_critical_inputs_cn8_2022_2024.csv" ] || { echo "skip: $d is absent"; exit 77; }
"$CAMBIUM" import comext "$d/eu_comext_critical_inputs_cn8_2022_2024.csv" --store s.db >out ||
    { cat out; exit 1; }
grep -q "26538 rows from 26538 records" out || { cat out; exit 1; }
"$CAMBIUM" import auto "$d/critical_inputs_cn8_codes.csv" --store s.db >out || { cat out; exit 1; }
grep -q "imported cn8-materials" out && grep -q "66 rows from 66 records" out &&
    grep -q "quirk material-not-named: 7" out || { cat out; exit 1; }
sum=$(sha256sum "$d/eu_comext_critical_inputs_cn8_2022_2024.csv" | cut -d' ' -f1)
"$CAMBIUM" datasets --long --store s.db | grep -q "$sum" || exit 1

# The supply map of cobalt on the bundled Belgian data: text, JSON and the files of --out.
"$CAMBIUM" import bundle "$SRC/data/belgium" --store s.db >/dev/null || exit 3
"$CAMBIUM" supply Co --store s.db >out || { cat out; exit 1; }
grep -q "^Cobalt (cobalt): supply map; WGI 2019; imports of BEL 2024; value added BEL 2020" out &&
    grep -q "top three 73.5 %: COD RUS CAN" out &&
    grep -q "^  COD        62.8 %   8.16" out &&
    grep -q "BEL imports (HS6 282200 810510) 2024: 61517683 USD from 14 partners" out &&
    grep -q "^    FIN        91.0 % 56000935" out &&
    grep -q "value added of the using sectors: 12954.6 MEUR" out || { cat out; exit 1; }
"$CAMBIUM" supply cobalt --json --store s.db >j || exit 1
grep -q '"material":"cobalt"' j && grep -q '"top3_countries":\["COD","RUS","CAN"\]' j ||
    { cat j; exit 1; }
"$CAMBIUM" supply cobalt --store s.db --out res >/dev/null || exit 1
for f in supply_cobalt.csv supply_cobalt_sectors.csv supply_cobalt.json supply_cobalt.svg; do
    [ -s "res/$f" ] || { echo "missing res/$f"; exit 1; }
done
grep -q "^cobalt,extraction,producer,COD,0.628" res/supply_cobalt.csv || exit 1
grep -q "^cobalt,processing,import_partner,FIN," res/supply_cobalt.csv || exit 1
grep -q "^<svg" res/supply_cobalt.svg || exit 1
# a material of the classification without EU supply data
"$CAMBIUM" supply "Nickel - battery grade" --store s.db 2>err
[ $? -eq 1 ] && grep -q "no global supply shares" err || { cat err; exit 1; }

# cambium crit whatif on the bundled Belgian data: DR Congo's cobalt cut by half. The readable
# answer and the JSON say the same; the JSON has every field of the dashboard contract; a
# country that does not supply the material changes nothing; "50%" reads as "50".
"$CAMBIUM" import bundle "$SRC/data/belgium" --store s.db >/dev/null || exit 1
"$CAMBIUM" crit whatif --store s.db --material cobalt --country COD --cut 50 >o || { cat o; exit 1; }
grep -q "^What if COD's supply of Cobalt (cobalt) is cut by 50 %" o || { cat o; exit 1; }
grep -q "^changed: extraction global  *COD  63.7 % ->  46.7 % (31.8 % of the supply removed)" o || { cat o; exit 1; }
# SR 2.76 before (the published 2.8), lower after: DR Congo's dominance halved
grep -q "^EU  *2.76  *1.56  *6.7  critical -> critical" o || { cat o; exit 1; }
grep -q "^Belgium  *2.76  *1.56  *4.1  critical -> critical" o || { cat o; exit 1; }
grep -q "^class changes: none" o || { cat o; exit 1; }
grep -q "^Belgian value added of the sectors using cobalt: 12954.6 EUR million in 3 sectors" o || { cat o; exit 1; }
grep -q "^  C20  *8300.8" o || { cat o; exit 1; }
"$CAMBIUM" crit whatif --store s.db --material Co --country "Congo, D.R." --cut 50% --json >j || { cat j; exit 1; }
[ "$(wc -l <j)" -eq 1 ] || exit 1
for k in '"material":"cobalt"' '"country":"COD"' '"cut":0.5' '"before":{"sr_eu":2.755' \
    '"critical_eu":true' '"after":{"sr_eu":1.56' '"newly_critical":\[\]' \
    '"no_longer_critical":\[\]' '"be_value_added_exposed":{"value":12954.6' \
    '"unit":"EUR million"' '"sectors":\[{"nace":"C20","value":8300.8' '"notes":\["COD'; do
    grep -q "$k" j || { echo "JSON lacks $k"; cat j; exit 1; }
done
# the same answer through "cobalt" and "COD"
"$CAMBIUM" crit whatif --store s.db --material cobalt --country COD --cut 50 --json | cmp -s - j || exit 1
# a lower SR threshold and a cut that leaves the EU list: cobalt becomes non-critical at SR 2
"$CAMBIUM" crit whatif --store s.db --material cobalt --country COD --cut 50 --sr-threshold 2 >o2 || exit 1
grep -q "^class changes: cobalt no longer critical (EU); cobalt no longer critical (Belgium)" o2 || { cat o2; exit 1; }
# Iceland supplies no cobalt: nothing changes
"$CAMBIUM" crit whatif --store s.db --material cobalt --country ISL --cut 100 >o3 || exit 1
grep -q "^changed: nothing (ISL does not supply cobalt)" o3 || { cat o3; exit 1; }
grep -q "^EU  *2.76  *2.76 " o3 || { cat o3; exit 1; }

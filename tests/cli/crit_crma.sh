# The CRMA 2024 lists against the EU lists (bundled EU data, shared CRMA file) and the Belgian
# list of 'crit be'.
f=$SHARED/eu-crma-2024-lists/crma_2024_critical_and_strategic.csv
[ -f "$f" ] || { echo "skip: $f is absent"; exit 77; }
"$CAMBIUM" import bundle "$SRC/data/belgium" --store s.db >/dev/null || exit 3
"$CAMBIUM" import crma-lists "$f" --store s.db >/dev/null || exit 3
# the built-in trade-code table gives the Belgian list beside the EU lists (the EU-only case,
# when no Belgian list can be computed, is covered by tests/unit/test_supply.c)
"$CAMBIUM" crit crma --store s.db --wgi-year 2023 --out res >out || { cat out; exit 1; }
grep -q "and the Belgian list (crit be)$" out || { head -1 out; exit 1; }
grep -q "^copper  *yes   yes   no    no    no    0.1   4.1  strategic, not above the SR threshold (SR 0.1)" out &&
    grep -q "^cobalt  *yes   yes   yes   yes   yes   2.8 " out &&
    grep -q "CRMA rows: 34 critical, 18 strategic" out || { cat out; exit 1; }
grep -q "^copper,copper,yes,yes,no,no,no," res/crma.csv || { cat res/crma.csv; exit 1; }
# every row with a Belgian class that differs from the CRMA list says so
awk '$2 == "yes" && $6 == "no" && !/not critical for Belgium/ { bad = 1 } END { exit bad }' out ||
    { cat out; exit 1; }
"$CAMBIUM" crit crma --help | grep -q "usage: cambium crit crma" || exit 1

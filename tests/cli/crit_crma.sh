# The CRMA 2024 lists against the EU lists (bundled EU data, shared CRMA file).
f=$SHARED/eu-crma-2024-lists/crma_2024_critical_and_strategic.csv
[ -f "$f" ] || { echo "skip: $f is absent"; exit 77; }
"$CAMBIUM" import bundle "$SRC/data/belgium" --store s.db >/dev/null || exit 3
"$CAMBIUM" import crma-lists "$f" --store s.db >/dev/null || exit 3
"$CAMBIUM" crit crma --store s.db --wgi-year 2023 --out res >out || { cat out; exit 1; }
grep -q "^copper  *yes   yes   no    no    -     0.1   4.1  strategic, not above the SR threshold (SR 0.1)" out &&
    grep -q "^cobalt  *yes   yes   yes   yes   -     2.8   6.8  $" out &&
    grep -q "CRMA rows: 34 critical, 18 strategic" out || { cat out; exit 1; }
grep -q "^copper,copper,yes,yes,no,no,-," res/crma.csv || { cat res/crma.csv; exit 1; }
"$CAMBIUM" crit crma --help | grep -q "usage: cambium crit crma" || exit 1

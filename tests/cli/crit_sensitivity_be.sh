# Threshold sensitivity and Monte Carlo of the Belgian variant on the bundled Belgian data
# (the inputs of `crit be`): grid written, the same seed gives the same results.
export CAMBIUM_DATA="$SRC/data"
set -e
"$CAMBIUM" import bundle "$SRC/data/belgium" --store s.db >/dev/null
"$CAMBIUM" crit sensitivity --variant be --store s.db --wgi-year 2023 --wgi-fallback 5 \
    --sr-from 0.5 --sr-to 1.5 --ei-from 2 --ei-to 3 --out s >s.txt
[ "$(wc -l <s/sens_grid.csv)" -eq 122 ]
grep -q "threshold-dependent (" s.txt
"$CAMBIUM" crit mc --variant be --store s.db --wgi-year 2023 --wgi-fallback 5 --draws 1500 \
    --seed 3 --out a >a.txt
"$CAMBIUM" crit mc --variant be --store s.db --wgi-year 2023 --wgi-fallback 5 --draws 1500 \
    --seed 3 --threads 1 --out b >b.txt
cmp a/mc_results.csv b/mc_results.csv
grep -q "Monte Carlo: 1500 draws, seed 3" a.txt

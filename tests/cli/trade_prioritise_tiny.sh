# trade prioritise on a small fixture (tests/data/trade/prio*): one criterion per input and per
# normalisation (minmax, max, rank, target, log-minmax), an alias-named material (Lithium),
# two routes of which the best counts, an urban-mine window with a projected year and an extra
# column, and a material (nickel) without demand dropped by exclude-material.
cp "$CASEDIR/../data/trade/"prio* . || exit 1
"$CAMBIUM" trade prioritise --config prio.ini --crit prio-crit.csv --eu prio-eu.csv \
    --demand prio-demand.csv --recycling prio-recycling.csv --urban-mine prio-urban.csv \
    --out o || exit 1
# numbers with 6 significant digits (the file itself round-trips doubles)
awk -F, 'BEGIN { OFS = "," } { for (i = 1; i <= NF; i++) if ($i ~ /^-?[0-9]*\.[0-9]+(e-?[0-9]+)?$/) $i = sprintf("%.6g", $i); print }' o/priorities.csv
grep -c '"rank"' o/priorities.json
grep -m1 -A2 '"name": "urban"' o/priorities.json
grep -q '<rect' o/priorities.svg && echo svg

# A value that is not a number is reported at file:line:column; nothing is ranked.
cp "$CASEDIR/../data/trade/"prio* . || exit 1
sed 's/^Lithium,Lithium,1.9/Lithium,Lithium,1.x/' prio-crit.csv > bad.csv
"$CAMBIUM" trade prioritise --config prio.ini --crit bad.csv --eu prio-eu.csv \
    --demand prio-demand.csv --recycling prio-recycling.csv --out o

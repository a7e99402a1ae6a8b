# A missing input file stops the run (exit 1) and names the file.
cp "$CASEDIR/../data/trade/"prio* . || exit 1
"$CAMBIUM" trade prioritise --config prio.ini --crit nosuch.csv --eu prio-eu.csv \
    --demand prio-demand.csv --recycling prio-recycling.csv --out o

# A material name that the materials classification does not know is reported with file:line.
cp "$CASEDIR/../data/trade/"prio* . || exit 1
printf 'unobtainium,5,MUSD/year,fixture\n' >> prio-demand.csv
"$CAMBIUM" trade prioritise --config prio.ini --crit prio-crit.csv --eu prio-eu.csv \
    --demand prio-demand.csv --recycling prio-recycling.csv --out o

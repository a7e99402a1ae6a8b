# An unknown input in the settings is reported at file:line:column (exit 1); an unknown
# criterion or a negative weight in --weights is a usage error (exit 2).
cp "$CASEDIR/../data/trade/"prio* . || exit 1
sed 's/^input = eu$/input = prices/' prio.ini > bad.ini
"$CAMBIUM" trade prioritise --config bad.ini --demand prio-demand.csv --out o
echo "exit $?" >&2
"$CAMBIUM" trade prioritise --config prio.ini --demand prio-demand.csv --weights risk=1,nosuch=2 --out o
echo "exit $?" >&2
"$CAMBIUM" trade prioritise --config prio.ini --demand prio-demand.csv --weights risk=-1 --out o
echo "exit $?" >&2
"$CAMBIUM" trade prioritise --config prio.ini --demand prio-demand.csv --weights risk=0,demand=0,eol=0,yield=0,urban=0 --out o
echo "exit $?" >&2
exit 0

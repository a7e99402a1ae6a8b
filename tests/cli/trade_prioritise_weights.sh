# --weights changes the ranking as stated: all weight on demand gives the order of demand
# (copper 1000, lithium 400, cobalt 100, natural graphite 10 MUSD/year); all on risk the order
# of SR; swapping the weights of risk (1 -> 0.2) and demand (0.2 -> 1) swaps cobalt and copper.
cp "$CASEDIR/../data/trade/"prio* . || exit 1
run() {
    "$CAMBIUM" trade prioritise --config prio.ini --crit prio-crit.csv --eu prio-eu.csv \
        --demand prio-demand.csv --recycling prio-recycling.csv --urban-mine prio-urban.csv \
        --out o --weights "$1" >/dev/null || exit 1
    echo "$1: $(sed 1d o/priorities.csv | cut -d, -f1,2 | grep -v '^,' | tr '\n' ' ')"
}
run demand=1,risk=0,eol=0,yield=0,urban=0
run demand=0,risk=1,eol=0,yield=0,urban=0
run risk=1,demand=0.2,eol=0,yield=0,urban=0
run risk=0.2,demand=1,eol=0,yield=0,urban=0

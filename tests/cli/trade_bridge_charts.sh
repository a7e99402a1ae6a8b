# Partner-share charts after HS-edition bridging (tests/data/trade-bridge/README.md): the pieces
# of a split observation share its id, so each chart must take its evidence rows by index, not
# by id (a lookup by id could find the sibling piece of the other product). For every chart the
# stacked shares of each year reach 100 % (the top edge of the last area), and the first area
# (largest partner) has the shares computed by hand: 440139 bridged to HS2022 in 2017 is
# CHN 61 x 0.4 = 24.4 of 24.4 + 16 = 40.4 (60.4 %).
D=$SRC/tests/data/trade-bridge
"$CAMBIUM" import comtrade "$D/comtrade_bel_2017_2023.csv" --store t.db >/dev/null || exit 1
"$CAMBIUM" import comtrade "$D/comtrade_bel_2022_late_h5.csv" --store t.db >/dev/null || exit 1
"$CAMBIUM" import hs-correlation "$D/hs2022_hs2017_tiny.csv" --store t.db >/dev/null || exit 1
# the upper edge of the first and of the last area of a chart, in % (y = 368 is 0 %, 40 is 100 %)
edges() {
    awk '/<polygon/ { n++; p[n] = $0 }
        function top(s,   a, k, i, out) {
            sub(/.*points="/, "", s); sub(/".*/, "", s)
            k = split(s, a, " "); out = ""
            for (i = 1; i <= k / 2; i++) { split(a[i], xy, ","); out = out sprintf(" %.1f", (368 - xy[2]) / 3.28) }
            return out
        }
        END { printf "first%s\nstack%s\n", top(p[1]), top(p[n]) }' "$1"
}
for e in HS2017 HS2022; do
    echo "== $e"
    "$CAMBIUM" trade pointers --store t.db --out "o-$e" --hs-edition "$e" >/dev/null 2>&1 || exit 1
    for f in "o-$e"/charts/*.svg; do
        echo "${f##*/}"
        edges "$f"
    done
done

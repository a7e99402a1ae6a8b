# A synthetic HS version break (tests/data/trade-bridge/README.md): HS2017 440139 split by HS2022
# into 440132 and 440139. Without bridging, 440139 drops to 40 % in 2022 and raises alerts;
# bridged to HS2017 or to HS2022 (shares of 2022) it raises none, and the total import value of
# the pointers is the same in the three runs.
D=$SRC/tests/data/trade-bridge
"$CAMBIUM" import comtrade "$D/comtrade_bel_2017_2023.csv" --store t.db >/dev/null || exit 1
"$CAMBIUM" import hs-correlation "$D/hs2022_hs2017_tiny.csv" --store t.db >/dev/null || exit 1
for e in none HS2017 HS2022; do
    echo "== $e"
    if [ "$e" = none ]; then
        "$CAMBIUM" trade pointers --store t.db --out "o-$e" 2>/dev/null || exit 1
    else
        "$CAMBIUM" trade pointers --store t.db --out "o-$e" --hs-edition "$e" 2>/dev/null || exit 1
    fi
    awk -F, 'NR > 1 { s += $7 } END { printf "total import value %.6g\n", s }' "o-$e/pointers.csv"
    awk -F, 'NR > 1 && $5 ~ /^4401/ { printf "%s %s %.6g\n", $5, $6, $7 }' "o-$e/pointers.csv"
done

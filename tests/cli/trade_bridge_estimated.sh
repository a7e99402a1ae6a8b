# Estimated (split) flows marked in the outputs (docs/trade.md sections 2 and 9): the synthetic
# break of tests/data/trade-bridge/ plus one late 2022 row still in HS2017 (README there).
# Bridged to HS2022, the pointers of the split product carry the hand-computed estimated
# shares (1 in 2017-2021, 6/66 and 4/44 = 1/11 in 2022, 0 in 2023; 282200 never); unbridged
# every share is 0. Alerts (low thresholds) carry the share of their evidence and the phrase.
D=$SRC/tests/data/trade-bridge
"$CAMBIUM" import comtrade "$D/comtrade_bel_2017_2023.csv" --store t.db >/dev/null || exit 1
"$CAMBIUM" import comtrade "$D/comtrade_bel_2022_late_h5.csv" --store t.db >/dev/null || exit 1
"$CAMBIUM" import hs-correlation "$D/hs2022_hs2017_tiny.csv" --store t.db >/dev/null || exit 1
printf '[baseline]\nmin_baseline = 2\n[thresholds]\nz = 0.5\n' > low.ini
# columns by name, as a reader of pointers.csv would do
cols() {
    awk -F, -v want="$2" 'NR == 1 { n = split(want, w, " "); for (i = 1; i <= NF; i++) c[$i] = i; next }
        { s = ""; for (i = 1; i <= n; i++) s = s (i > 1 ? " " : "") $(c[w[i]]); print s }' "$1"
}
for e in none HS2022; do
    echo "== $e"
    if [ "$e" = none ]; then
        "$CAMBIUM" trade pointers --store t.db --out "o-$e" --config low.ini >/dev/null 2>&1 || exit 1
    else
        "$CAMBIUM" trade pointers --store t.db --out "o-$e" --hs-edition "$e" --config low.ini >/dev/null 2>&1 || exit 1
    fi
    head -1 "o-$e/pointers.csv" | awk -F, '{ print $(NF - 1), $NF }'
    cols "o-$e/pointers.csv" "product period value n_partners bridged_flows estimated_value_share" |
        awk '$1 ~ /^4401/ || $5 != 0 || $6 != 0 { printf "%s %s %.6g %s %s %.6g\n", $1, $2, $3, $4, $5, $6 }'
    # alerts: the estimated share is the last column; the evidence phrase when it is > 0
    head -1 "o-$e/alerts.csv" | awk -F, '{ print $NF }'
    awk -F, 'NR > 1 && $NF != 0 { n++ } END { printf "alerts with an estimated share: %d\n", n }' "o-$e/alerts.csv"
    grep -c 'of the value estimated by HS-edition bridging' "o-$e/alerts.csv"
    grep -o '"estimated_value_share": [0-9.e-]*' "o-$e/alerts.json" | sort | uniq -c
done
grep 'value_z,.*,440132,2022,' o-HS2022/alerts.csv | grep -o '(9.1 % of the value estimated by HS-edition bridging)'

# The invariants of mrio footprint --by-category --out on real tables: in
# footprint_categories.csv every row's categories sum to its total, and the total (M y_k + F_Y
# summed over k) equals the RMC of footprint.csv (D_cba_reg); RMC = domestic + imported. On the
# bundled Belgian OECD IOT (one region, the factor-input extension) and, when the shared data
# are there, on the pymrio test system (6 regions, emissions). The CSV numbers round-trip:
# rounded to 10 digits they are the printed table's.
check() { # dir
    awk -F, 'NR > 1 { s = 0; for (i = 2; i < NF - 1; i++) s += $i; d = s - $(NF - 1); if (d < 0) d = -d;
            a = $(NF - 1) < 0 ? -$(NF - 1) : $(NF - 1); if (d > 1e-12 * a + 1e-300) { print "sum", $1, s, $(NF - 1); bad = 1 } n++ }
            END { if (n == 0) bad = 1; exit bad }' "$1/footprint_categories.csv" || return 1
    awk -F, 'NR == FNR { if (FNR > 1) tot[$1] = $(NF - 1); next }
            FNR > 1 { t = tot[$1]; if (t == "") { print "no row", $1; bad = 1; next }
                d = t - $2; if (d < 0) d = -d; a = $2 < 0 ? -$2 : $2; if (d > 1e-10 * a) { print "rmc", $1, t, $2; bad = 1 }
                d = $2 - ($3 + $4); if (d < 0) d = -d; if (d > 1e-12 * a) { print "parts", $1; bad = 1 } n++ }
            END { if (n == 0) bad = 1; exit bad }' "$1/footprint_categories.csv" "$1/footprint.csv" || return 1
    # each CSV number at %.10g is the printed number
    awk -F, 'NR > 1 { l = sprintf("%-40s", $1); for (i = 2; i < NF; i++) l = l sprintf(" %17.10g", $i); print l "  " $NF }' \
        "$1/footprint_categories.csv" >"$1/reprint.txt"
    tail -n +3 "$1/stdout.txt" | head -n -1 | cmp - "$1/reprint.txt" || return 1
    # and it carries more digits than the printed table
    [ "$(tail -n +2 "$1/footprint_categories.csv" | tr ',' '\n' | grep -c '[0-9]\.[0-9]\{11,\}')" -gt 0 ] || return 1
    echo "$1: $(($(wc -l <"$1/footprint_categories.csv") - 1)) stressors, categories sum to the total, total = RMC"
}
mkdir bel
"$CAMBIUM" mrio footprint "$SRC/data/belgium/BEL2020ttl.csv" --region BEL --extension factor_inputs \
    --by-category --out bel >bel/stdout.txt || exit 1
check bel || exit 1
S=$SHARED/pymrio-test-mrio/pymrio_format
if [ -f "$S/Z.txt" ]; then
    mkdir pym
    "$CAMBIUM" mrio footprint "$S" --region reg3 --extension emissions --by-category --out pym >pym/stdout.txt || exit 1
    check pym >/dev/null || exit 1
fi
exit 0

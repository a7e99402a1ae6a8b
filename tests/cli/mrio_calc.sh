# cambium mrio calc on the pymrio test system (shared data): the regional accounts of both
# extensions equal the independent numpy reference of pymrio's recipe (tests/data/mrio/ref,
# made by tests/data/mrio/make_reference.py) to 1e-10, the identities are reported, the
# written folder has pymrio's layout, and the options (accounts, --write-L, several years,
# --store) do what they say. The unit tests compare every table; this checks the front end.
S=$SHARED/pymrio-test-mrio/pymrio_format
[ -f "$S/Z.txt" ] || exit 77
REF=$SRC/tests/data/mrio/ref
set -e
"$CAMBIUM" mrio calc "$S" --out o >run.txt
grep -q "^$S: 6 regions x 8 sectors (N = 48), 7 final-demand categories, 2 extensions -> o$" run.txt
grep -q "^  identities (21 checked, scaled): residual of the solves " run.txt
# pymrio's files: inputs Y and F beside x and every result of both extensions; no A, no L
for f in file_parameters.json metadata.json Y.txt x.txt unit.txt population.txt; do [ -s "o/$f" ]; done
[ ! -e o/A.txt ] && [ ! -e o/L.txt ] && [ ! -e o/Z.txt ]
for e in emissions factor_inputs; do
    for t in S M D_cba D_pba D_imp D_exp D_cba_reg D_pba_reg D_imp_reg D_exp_reg D_cba_cap; do
        [ -s "o/$e/$t.txt" ] || { echo "missing o/$e/$t.txt"; exit 1; }
    done
done
grep -q '"D_cba_reg"' o/emissions/file_parameters.json
# the regional accounts against the reference: key = index labels joined by " | "
cmp_reg() { # file.txt ref.csv
    awk -F'\t' -v ref="$2" 'BEGIN { FS = "\t"; while ((getline l < ref) > 0) { n = split(l, a, ",");
            if (a[1] == "row") continue; for (i = 2; i <= n; i++) r[a[1], i - 1] = a[i]; } }
        NR == 1 { next }
        { k = NF - 6; key = $1; for (i = 2; i <= k; i++) key = key " | " $i;
          for (j = 1; j <= 6; j++) { v = $(k + j); w = r[key, j]; if (w == "") { print "no ref " key; bad = 1; next }
              d = v - w; if (d < 0) d = -d; s = w < 0 ? -w : w; if (d > 1e-10 * s + 1e-300) { print key, j, v, w; bad = 1 } ; cells++ } }
        END { if (cells == 0) bad = 1; exit bad }' "$1"
}
for e in emissions factor_inputs; do
    for t in D_cba_reg D_pba_reg D_imp_reg D_exp_reg D_cba_cap; do
        cmp_reg "o/$e/$t.txt" "$REF/${e}_$t.csv" || { echo "differs: $e/$t"; exit 1; }
    done
done
echo "regional accounts equal the reference"
# only the consumption-based account; L formed and written on request
"$CAMBIUM" mrio calc "$S" --out o2 --accounts cba --write-L >/dev/null
[ -s o2/emissions/D_cba.txt ] && [ ! -e o2/emissions/D_pba.txt ] && [ -s o2/L.txt ]
[ "$(wc -l <o2/L.txt)" -eq 51 ] # 3 header lines (region, sector, index names) + 48
# two years in one call, kept in the store per year
"$CAMBIUM" mrio calc 2010="$S" 2011="$S" --out years --store s.db >/dev/null
[ -s years/2010/emissions/D_cba_reg.txt ] && [ -s years/2011/emissions/D_cba_reg.txt ]
cmp years/2010/emissions/D_cba_reg.txt o/emissions/D_cba_reg.txt
sqlite3 s.db "SELECT count(*) FROM result WHERE analysis = 'mrio-calc'"
# aggregation before the calculation (pymrio's aggregate): two super-regions keep the world
# totals of the consumption-based account; a region missing from the map is named
printf 'from,to\nreg1,north\nreg2,north\nreg3,north\nreg4,south\nreg5,south\nreg6,south\n' >agg.csv
"$CAMBIUM" mrio calc "$S" --out agg --aggregate-regions agg.csv | sed -n 1p | sed 's/^.*: 2 regions/2 regions/'
tot() { awk -F'\t' 'NR == 2 { for (i = 3; i <= NF; i++) s += $i; printf "%.9e\n", s }' "$1"; }
[ "$(tot agg/emissions/D_cba_reg.txt)" = "$(tot o/emissions/D_cba_reg.txt)" ]
head -n 6 agg.csv >agg5.csv
"$CAMBIUM" mrio calc "$S" --out agg5 --aggregate-regions agg5.csv 2>&1 >/dev/null | sed 's/^cambium: //' | cut -c1-60
[ ! -e agg5 ]
# the footprint: RMC = domestic + imported, RMI = domestic extraction + imported
"$CAMBIUM" mrio footprint "$S" --region reg2 --extension emissions >fp.txt
sed -n 1,2p fp.txt
awk 'NR > 2 { d = $(NF-4) - ($(NF-3) + $(NF-2)); if (d < 0) d = -d; if (d > 1e-8 * $(NF-4)) exit 1 }' fp.txt
printf 'stressor,group\nemission_type1 | air,all\nemission_type2 | water,all\n' >g.csv
"$CAMBIUM" mrio footprint "$S" --region reg2 --extension emissions --groups g.csv | sed -n 3p | awk '{ print $1 }'

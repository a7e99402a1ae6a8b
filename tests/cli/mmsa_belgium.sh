# mmsa run on the Belgian wind model: tables and figures, the findings visible in the tables.
[ -f "$SRC/data/wind/intensities.csv" ] || exit 77
"$CAMBIUM" mmsa run "$SRC/models/wind-belgium.ini" --out out --draws 20 --seed 5 --year 2033 \
    >log || { cat log; exit 1; }
for f in mmsa_flows.csv mmsa_per_mw.csv fleet.csv mmsa_bands.csv mmsa_stocks.svg mmsa_eol.svg \
         mmsa_sankey_2033.svg mmsa_sankey_2033.csv; do
    [ -s "out/$f" ] || { echo "missing out/$f"; exit 1; }
done
head -n 1 out/mmsa_flows.csv
head -n 1 out/mmsa_bands.csv
# rare earths per MW: direct-drive PM against geared DFIG (2021 cohort, sites weighted: "all")
grep -E '^(direct_drive_pmsg|geared_dfig),group,rare_earths,.*,all$' out/mmsa_per_mw.csv |
    cut -d, -f1,4
# copper per MW
grep -E '^(direct_drive_pmsg|direct_drive_eesg|geared_dfig),materials,copper,.*,all$' \
    out/mmsa_per_mw.csv | cut -d, -f1,4
# concrete per MW by site: onshore bulk foundations, none on offshore monopiles (2021 cohort)
grep -E '^direct_drive_pmsg,materials,concrete,.*,(onshore|offshore)$' out/mmsa_per_mw.csv |
    cut -d, -f4,8
# the recycling loop of the Sankey diagram
grep -c '^recovered,recycled material,' out/mmsa_sankey_2033.csv
grep -c 'class="loop"' out/mmsa_sankey_2033.svg
# same seed, same bands
"$CAMBIUM" mmsa run "$SRC/models/wind-belgium.ini" --out out2 --draws 20 --seed 5 --no-figures \
    >/dev/null && cmp out/mmsa_bands.csv out2/mmsa_bands.csv && echo "bands reproducible"

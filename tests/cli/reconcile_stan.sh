# The STAN help example (METHODS §B.5): 90 +- 7.07 both, h = 2, z = 1.41; the CSV written.
"$CAMBIUM" reconcile run "$SRC/models/stan-example.model" --out out || exit 1
cat out/recon_flows.csv
test -s out/recon_sankey.svg && grep -c 'class="sd-band"' out/recon_sankey.svg

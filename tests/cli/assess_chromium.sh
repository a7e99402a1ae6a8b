# The static report in headless Chromium: every section present, every figure an <svg>.
command -v chromium >/dev/null 2>&1 || { echo "chromium absent: skipped"; exit 77; }
"$CAMBIUM" assess --recipe "$SRC/tests/data/assess/small.recipe" --store s.db --out r --quiet >o || { cat o; exit 1; }
timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
    --disable-background-networking --dump-dom "file://$PWD/r/index.html" >dom.html 2>/dev/null || exit 77
for s in mfa criticality supply footprint trade waste wind priorities provenance; do
    grep -q "<section id=\"$s\"" dom.html || { echo "section $s missing"; exit 1; }
done
# every figure container holds an <svg>
nfig=$(grep -o '<div class="figure">' dom.html | wc -l)
nsvg=$(grep -o '<div class="figure"><svg' dom.html | wc -l)
[ "$nfig" -gt 0 ] && [ "$nfig" = "$nsvg" ] || { echo "figures $nfig, svg $nsvg"; exit 1; }

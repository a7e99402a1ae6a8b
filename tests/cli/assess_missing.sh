# A recipe naming a missing file: an error at file:line:column; the store and the output
# directory are left as they were.
mkdir out && echo keep >out/x
"$CAMBIUM" import bundle "$SRC/data/belgium" --store s.db >/dev/null || exit 1
before=$(sha256sum s.db)
"$CAMBIUM" assess --recipe "$SRC/tests/data/assess/missing.recipe" --store s.db --out out
st=$?
[ "$(sha256sum s.db)" = "$before" ] || { echo "store changed"; exit 3; }
[ "$(ls out)" = x ] || { echo "output directory changed"; exit 3; }
exit $st

# A trade partner missing from the WGI table (the bundle has WGI 2010 for Belgium only) is an
# error naming it, unless --wgi-fallback.
"$CAMBIUM" import bundle "$SRC/data/belgium" --store s.db >/dev/null || exit 1
"$CAMBIUM" crit be --store s.db --wgi-year 2010 --codes "$SRC/data/crit/hs6-materials.csv"

# A trade partner missing from the WGI table is an error naming it, unless --wgi-fallback.
"$CAMBIUM" import bundle "$SRC/data/belgium" --store s.db >/dev/null || exit 1
"$CAMBIUM" crit be --store s.db --wgi-year 2023 --codes "$SRC/data/crit/hs6-materials.csv"

# An unknown material: exit 1 naming it, with close matches.
"$CAMBIUM" import bundle "$SRC/data/belgium" --store s.db >/dev/null || exit 3
"$CAMBIUM" supply cobalr --store s.db

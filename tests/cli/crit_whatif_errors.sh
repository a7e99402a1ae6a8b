# Work errors of `cambium crit whatif` (exit 1): a store without the criticality inputs names
# the missing import; an unknown material and an unknown country are named.
"$CAMBIUM" import bundle "$SRC/data/belgium" --store s.db >/dev/null || exit 3
: > empty.db
"$CAMBIUM" datasets --store empty.db >/dev/null || exit 3
"$CAMBIUM" crit whatif --store empty.db --material cobalt --country COD --cut 50
[ $? -eq 1 ] || exit 3
"$CAMBIUM" crit whatif --store s.db --material unobtainium --country COD --cut 50
[ $? -eq 1 ] || exit 3
"$CAMBIUM" crit whatif --store s.db --material cobalt --country Atlantis --cut 50

# An empty file becomes an empty store: no datasets, the built-in classifications seeded.
: > empty.db
CAMBIUM_NOW=1700000000 "$CAMBIUM" datasets --store empty.db || exit 1
CAMBIUM_STORE=empty.db "$CAMBIUM" datasets --summary | sed -e 's/([0-9]* codes, [0-9]* aliases)/(N codes, N aliases)/'
"$CAMBIUM" datasets --store empty.db --json | grep -E '"(store|schema_version|datasets|observations|classifications)"'

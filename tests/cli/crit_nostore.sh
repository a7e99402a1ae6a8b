# A store that does not exist is a work error (exit 1) naming it.
"$CAMBIUM" crit eu --store missing.db

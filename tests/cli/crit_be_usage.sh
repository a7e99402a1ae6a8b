# Usage errors of `cambium crit be` (exit 2 each).
"$CAMBIUM" crit be --basis weight
[ $? -eq 2 ] || exit 1
"$CAMBIUM" crit be --va-max 0
[ $? -eq 2 ] || exit 1
"$CAMBIUM" crit be --year 19x
[ $? -eq 2 ] || exit 1
"$CAMBIUM" crit be --help | head -n 1
"$CAMBIUM" crit be extra

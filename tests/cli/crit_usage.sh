# Usage errors of `cambium crit` and `cambium crit eu` (exit 2), help on stdout (exit 0).
"$CAMBIUM" crit
echo "exit=$?"
"$CAMBIUM" crit --help | head -n 1
"$CAMBIUM" crit frobnicate
echo "exit=$?"
"$CAMBIUM" crit eu --help | head -n 1
"$CAMBIUM" crit eu --sr-threshold abc
echo "exit=$?"
"$CAMBIUM" crit eu --wgi-year 1800
echo "exit=$?"
"$CAMBIUM" crit eu --wgi-fallback 11
echo "exit=$?"
"$CAMBIUM" crit eu --store
echo "exit=$?"
"$CAMBIUM" crit eu extra-argument
echo "exit=$?"
"$CAMBIUM" crit eu --frobnicate
echo "exit=$?"
"$CAMBIUM" --help | grep -c '^  crit '

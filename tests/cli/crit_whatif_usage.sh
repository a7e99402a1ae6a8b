# Usage errors of `cambium crit whatif` (exit 2 each); --help on stdout.
"$CAMBIUM" crit whatif --material cobalt --country COD
[ $? -eq 2 ] || exit 1
"$CAMBIUM" crit whatif --material cobalt --country COD --cut 0
[ $? -eq 2 ] || exit 1
"$CAMBIUM" crit whatif --material cobalt --country COD --cut 150
[ $? -eq 2 ] || exit 1
"$CAMBIUM" crit whatif --material cobalt --country COD --cut half
[ $? -eq 2 ] || exit 1
"$CAMBIUM" crit whatif --material cobalt --country COD --cut 50 --sr-threshold -1
[ $? -eq 2 ] || exit 1
"$CAMBIUM" crit whatif --material cobalt --country COD --cut 50 --wgi-fallback 12
[ $? -eq 2 ] || exit 1
"$CAMBIUM" crit whatif --help | head -n 1
"$CAMBIUM" crit whatif --material cobalt --country COD --cut 50 extra

# cambium supply --help prints the usage on stdout; no material is a usage error.
"$CAMBIUM" supply --help | grep -q "usage: cambium supply <material>" || exit 1
"$CAMBIUM" supply --help | grep -q -- "--json" || exit 1
"$CAMBIUM" supply 2>err
[ $? -eq 2 ] || exit 1
grep -q "expected a material" err || { cat err; exit 1; }
"$CAMBIUM" supply cobalt --year 12 2>err
[ $? -eq 2 ] || exit 1
grep -q "year: expected a year, got '12'" err || { cat err; exit 1; }
"$CAMBIUM" --help | grep -q "supply" || exit 1

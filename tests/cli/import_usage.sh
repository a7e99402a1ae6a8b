# Usage errors exit 2 (unknown kind listing the kinds, missing arguments, bad options);
# a missing file exits 1 naming the file; --help lists the kinds.
"$CAMBIUM" import frobnicate x.csv --store s.db
echo "exit=$?"
"$CAMBIUM" import wgi
echo "exit=$?"
"$CAMBIUM" import tidy x.csv --store s.db
echo "exit=$?"
"$CAMBIUM" import eu-crm-supply x.csv --scope mars --store s.db
echo "exit=$?"
"$CAMBIUM" import wgi missing-file.csv --store s.db
echo "exit=$?"
"$CAMBIUM" import wgi x.csv --colour blue
echo "exit=$?"
"$CAMBIUM" import --help | grep -c -e '^  wgi ' -e '^  eu-crm-results ' -e '^  usgs-mcs ' -e '^  wmd ' -e '^  tidy '

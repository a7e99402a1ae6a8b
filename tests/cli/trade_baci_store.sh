# trade pointers --baci with --store: the columnar cache is recorded in the store as a bulk file
# (dataset kind baci-columns) and taken from there by a later run, even from another --out.
printf 't,i,j,k,v,q\n2022,4,56,10110,4,3\n2022,8,56,10110,2,NA\n' > baci.csv
"$CAMBIUM" trade pointers --baci baci.csv --out a --store t.db | head -1 || exit 1
"$CAMBIUM" datasets --store t.db | grep -c baci-columns
"$CAMBIUM" trade pointers --baci baci.csv --out b --store t.db | head -1
cmp a/importer_product.csv b/importer_product.csv && echo same output

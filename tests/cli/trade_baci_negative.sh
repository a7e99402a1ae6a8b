# A negative value in a bulk BACI file is rejected with file:line:column; nothing is written.
printf 't,i,j,k,v,q\n2022,4,56,10110,6,3\n2022,8,56,10110,-3,NA\n' > baci.csv
"$CAMBIUM" trade pointers --baci baci.csv --out out
status=$?
test -e out/importer_product.csv && echo "output written"
exit $status

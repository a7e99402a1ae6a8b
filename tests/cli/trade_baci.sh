# trade pointers --baci: a small BACI year (NA quantity, a duplicate, an unknown country code),
# the summary per (importer, product) and per product, then the cache reused on a second run.
printf 't,i,j,k,v,q\n2022,4,56,10110,4,3\n2022,8,56,10110,2,NA\n2022,12,56,10110,2,1\n2022,4,56,10110,2,1\n2022,4,251,260500,2.5,0.5\n2022,1000,56,10110,1,1\n' > baci.csv
"$CAMBIUM" trade pointers --baci baci.csv --out out || exit 1
cat out/importer_product.csv out/product.csv
test -s out/baci.cmcol || exit 1
"$CAMBIUM" trade pointers --baci baci.csv --out out
# a changed CSV has another SHA-256: parsed again, the cache rewritten
printf '2022,4,251,260500,1,1\n' >> baci.csv
"$CAMBIUM" trade pointers --baci baci.csv --out out | head -1
# a damaged cache is reported and the CSV parsed
printf 'x' | dd of=out/baci.cmcol bs=1 seek=200 conv=notrunc 2>/dev/null
"$CAMBIUM" trade pointers --baci baci.csv --out out 2>&1 | sed 's/got a .*/got .../' | head -2

# Supplementary units: the CN 2024 nomenclature (../shared) then a Comext extract whose SUPP_UNIT
# disagrees with the products' (reported with line and column), an unknown unit, an unknown
# product, a confidential value and a duplicated key.
f=$SHARED/ce-observatory-unu-concordances/csv/cn2024a.csv
[ -f "$f" ] || { echo "skip: $f is absent"; exit 77; }
"$CAMBIUM" import cn-nomenclature "$f" --store t.db | sed -e 's/, sha256 .*//' -e "s|$SHARED/||"
cat > comext.csv <<'CSV'
DECLARANT_ISO,PARTNER_ISO,PRODUCT_NC,FLOW,PERIOD,VALUE_IN_EUROS,QUANTITY_IN_KG,SUPP_QUANTITY,SUPP_UNIT
BE,CN,85414300,1,2022,1000,50,30,p/st
BE,CN,85076000,1,2022,2000,80,12,NAR
BE,US,85076000,1,2022,:,8,1,p/st
BE,US,85076000,1,2022,5,8,1,p/st
BE,DE,28469090,1,2022,10,5,3,XYZ
BE,DE,99999999,1,2022,10,5,,
CSV
"$CAMBIUM" import comext comext.csv --store t.db | sed 's/, sha256 .*//'
sqlite3 t.db "select kind, line, col, detail, kept_aside from import_issue where dataset_id = 2 and line > 0 order by id"
sqlite3 t.db "select line, variable, value, flag, attrs from observation where dataset_id = 2 and line <= 3 order by id"

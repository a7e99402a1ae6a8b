# The UNSD HS2022 -> HS2017 correlation workbook (../shared): 15,657 pairs, the relationship
# given for each agrees with the pairs (no relationship-differs quirk).
f=$SHARED/concordances-unsd-wits/HS2022toHS2017ConversionAndCorrelationTables.xlsx
[ -f "$f" ] || { echo "skip: $f is absent"; exit 77; }
"$CAMBIUM" import hs-correlation "$f" --store t.db | sed -e 's/, sha256 .*//' -e "s|$SHARED/||"
sqlite3 t.db "select name, count(*), count(distinct from_code), round(sum(weight), 6) from concordance group by name"
sqlite3 t.db "select json_extract(attrs, '$.relationship'), count(*) from observation group by 1 order by 1"

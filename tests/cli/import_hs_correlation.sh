# The hs-correlation importer on the tiny workbook (a banner row, then HS2022 | HS2017 |
# Relationship; the sheet named "...Correlations" is chosen) and on the same table as CSV (two
# rows labelled n:n where UNSD's pair-level rule gives n:1 and 1:n are counted); a workbook
# without such a header and a bad relationship are errors naming the file, sheet and cell.
X=$SRC/tests/data/xlsx
cp "$X/hs_correlation_tiny.xlsx" "$X/hs_correlation_tiny.csv" "$X/tiny.xlsx" . || exit 1
X=.
"$CAMBIUM" import hs-correlation "$X/hs_correlation_tiny.xlsx" --store t.db | sed 's/, sha256 .*//'
"$CAMBIUM" import hs-correlation "$X/hs_correlation_tiny.csv" --store c.db | sed 's/, sha256 .*//'
"$CAMBIUM" import hs-correlation "$X/tiny.xlsx" --store t.db
echo "exit=$?"
printf 'HS2022,HS2017,Relationship\n010121,010121,2:1\n' > bad.csv
"$CAMBIUM" import hs-correlation bad.csv --store t.db
echo "exit=$?"
sqlite3 t.db "select name, from_code, to_code, weight from concordance where from_code like '8541%' or to_code like '8541%' order by name, from_code, to_code"

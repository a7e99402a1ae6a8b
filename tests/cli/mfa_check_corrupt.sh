# A corrupted copy (DMC of ferrous ores 2009 off by 1,000 t) is caught with series and year.
f="$SHARED/unep-irp-mfa-belgium/unep_irp_mfa13_belgium_minerals_extract.csv"
[ -f "$f" ] || exit 77
sed '3s/"-614168"/"-613168"/' "$f" >corrupt.csv
"$CAMBIUM" import unep-irp-mfa corrupt.csv --store s.db >/dev/null || exit 3
"$CAMBIUM" mfa check --store s.db

# mmsa run without --out is a usage error (exit 2).
"$CAMBIUM" mmsa run model.ini

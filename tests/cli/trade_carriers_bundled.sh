# trade carriers on the bundled BACI extracts of Belgian imports with the shipped composition
# table: only the labelled series of 2024 has quantities (magnets), the HS6 extracts are
# value-only and reported as such; every composition product lacks exports and production.
for f in baci-2022-belgium-crm-imports baci-2024-belgium-crm-imports baci-belgium-crm-imports-2022-2024; do
    "$CAMBIUM" import baci "$SRC/data/belgium/$f.csv" --store t.db >/dev/null || exit 1
done
"$CAMBIUM" trade carriers --store t.db --compositions "$SRC/data/trade/compositions.csv" --out out || exit 1
grep -c 'no quantity: not convertible' out/carriers.csv
grep '^2024,neodymium' out/carriers.csv | cut -d, -f1-10,16
grep -c '<rect' out/carriers.svg >/dev/null && echo svg
grep -A3 '"flow_missing"' out/carriers.json

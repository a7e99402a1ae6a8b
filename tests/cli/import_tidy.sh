# A tidy CSV with its schema: the report lists rows, checksum and quirks; kind auto detects.
cp "$SRC/tests/data/ingest/tidy-production.csv" "$SRC/tests/data/ingest/tidy-production.ini" \
    "$SRC/tests/data/ingest/wgi-sample.csv" .
"$CAMBIUM" import tidy tidy-production.csv --schema tidy-production.ini --store s.db
echo "exit=$?"
"$CAMBIUM" import auto wgi-sample.csv --store s.db --name "WGI sample" --version test
echo "exit=$?"

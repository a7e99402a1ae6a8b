# cambium import bundle DIR imports every dataset of DIR/bundle.ini; a second run skips them.
mkdir -p data && cp -r "$SRC/tests/data/ingest/." data/
"$CAMBIUM" import bundle data/bundle --store s.db
echo "exit=$?"
"$CAMBIUM" import bundle data/bundle --store s.db
echo "exit=$?"
"$CAMBIUM" import bundle nowhere --store s.db
echo "exit=$?"

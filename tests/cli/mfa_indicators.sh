# Indicators of Belgium beside the Netherlands from the fixtures (TSV accounts, JSON-stat rate).
"$CAMBIUM" import eurostat-tsv "$SRC/tests/data/mfa/estat_env_ac_mfa_fixture.tsv" --store s.db >/dev/null || exit 3
"$CAMBIUM" import eurostat-jsonstat "$SRC/tests/data/mfa/env_ac_cur_fixture.json" --store s.db >/dev/null || exit 3
"$CAMBIUM" mfa indicators --store s.db --geo BE --compare NL --from 2021 --out out || exit 1
cat out/indicators.csv
grep -c '<polyline\|<path' out/dmc.svg >/dev/null || echo "no line in dmc.svg"
grep -o '"geo": *"BEL"' out/indicators.json || grep -o '"geo":"BEL"' out/indicators.json

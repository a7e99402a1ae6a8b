#!/bin/sh
# Make the dashboard fixtures (tests/data/dashboard/) from REAL outputs: run the verbs on the
# bundled Belgian data into a scratch directory, then convert their CSV files to the table
# objects of docs/dashboard-contract.md with make-fixtures.js (long tables trimmed).
#   tests/browser/make-fixtures.sh [BUILD/cambium]
set -eu
cd "$(dirname "$0")/../.."
bin=${1:-build/cambium}
[ -x "$bin" ] || { echo "make-fixtures: $bin not found: build first" >&2; exit 1; }
command -v node >/dev/null || { echo "make-fixtures: node not found" >&2; exit 1; }
w=$(mktemp -d "${TMPDIR:-/tmp}/cm-fixtures.XXXXXX")
trap 'rm -rf "$w"' EXIT
s=$w/store.db

"$bin" import bundle data/belgium --store "$s" >/dev/null
"$bin" datasets --store "$s" --json >"$w/datasets.json"
"$bin" crit eu --store "$s" --out "$w/crit" >/dev/null
"$bin" crit be --store "$s" --out "$w/crit" >/dev/null
"$bin" crit sensitivity --store "$s" --variant be --out "$w/sens" >/dev/null
"$bin" crit mc --store "$s" --variant be --draws 500 --seed 1 --out "$w/mc" >/dev/null
for m in cobalt lithium natural-graphite gallium copper; do
    "$bin" supply "$m" --store "$s" --out "$w/supply" >/dev/null
done
"$bin" trade pointers --store "$s" --out "$w/trade" >/dev/null
"$bin" trade carriers --store "$s" --out "$w/carriers" >/dev/null
"$bin" trade waste --out "$w/waste" >/dev/null
"$bin" trade prioritise --crit "$w/crit/be_results.csv" --urban-mine "$w/waste/urban_mine.csv" \
    --out "$w/prio" >/dev/null
"$bin" mmsa run models/wind-belgium.ini --out "$w/wind" --draws 200 --seed 1 >/dev/null
"$bin" mrio footprint data/belgium/BEL2020ttl.csv --region BEL --extension factor_inputs \
    --by-category >"$w/footprint.txt"
# The bundle has no EW-MFA data: the section is absent, with the verb's own message.
if "$bin" mfa indicators --geo BE --store "$s" --out "$w/mfa" >/dev/null 2>"$w/mfa.err"; then
    : >"$w/mfa.err"
fi
node tests/browser/make-fixtures.js "$w" tests/data/dashboard "$("$bin" --version | head -n 1)"

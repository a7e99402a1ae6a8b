#!/bin/sh
# Run the bad-input corpus (see README.md):  run.sh CAMBIUM_BINARY [CASE...]
# For every NAME.expect (or the CASEs named), in a fresh store that already holds one good
# import: run `cambium import KIND NAME.csv ARGS`, check the exit code and the expected
# stderr/stdout substrings; for a failing case also check that the store file is
# byte-identical (sha256sum) and that no file appeared or vanished beside it.
set -u
CAMBIUM=$1
shift
case $CAMBIUM in /*) ;; *) CAMBIUM=$(pwd)/$CAMBIUM ;; esac
DIR=$(cd "$(dirname "$0")" && pwd)
SRC=${CM_SOURCE_DIR:-$(cd "$DIR/../.." && pwd)}
BASE_CSV=$SRC/tests/data/ingest/tidy-production.csv
BASE_SCHEMA=$SRC/tests/data/ingest/tidy-production.ini

work=$(mktemp -d "${TMPDIR:-/tmp}/cm-bad-input.XXXXXX")
trap 'rm -rf "$work"' EXIT
gen=$work/gen
mkdir -p "$gen"

# Generated case: a single line of more than 1 MB (not committed).
{
    printf 'country,material,year,value,unit\n'
    printf 'BEL,Cobalt,2022,120,t\n'
    printf 'DEU,Cobalt,2022,'
    head -c 1100000 /dev/zero | tr '\0' '7'
    printf ',t\n'
} >"$gen/tidy-1mb-line.csv"
cat >"$gen/tidy-1mb-line.expect" <<'EOF'
kind = tidy
args = --schema schemas/production.ini
exit = 1
stderr = tidy-1mb-line.csv:3:
EOF

pass=0
failn=0
failed=""

# value of KEY in an expect file (first occurrence)
get() { sed -n "s/^$2 = //p" "$1" | head -n 1; }

run_case() {
    exp=$1
    name=$(basename "$exp" .expect)
    csv=$(dirname "$exp")/$name.csv
    kind=$(get "$exp" kind)
    args=$(get "$exp" args)
    want=$(get "$exp" exit)
    t=$work/case-$name
    mkdir -p "$t/s"
    store=$t/s/store.db
    if ! "$CAMBIUM" import tidy "$BASE_CSV" --schema "$BASE_SCHEMA" --store "$store" \
        >"$t/base.out" 2>"$t/base.err"; then
        echo "FAIL $name: the baseline import failed:"; cat "$t/base.err"
        return 1
    fi
    before=$(sha256sum "$store" | cut -d' ' -f1)
    ls -AR "$t/s" >"$t/ls.before"
    # shellcheck disable=SC2086 # args are split on purpose
    (cd "$DIR" && "$CAMBIUM" import "$kind" "$csv" $args --store "$store") \
        >"$t/out" 2>"$t/err"
    got=$?
    ok=1
    if [ "$got" != "$want" ]; then
        echo "FAIL $name: exit $got, expected $want"
        ok=0
    fi
    while IFS= read -r line; do
        case $line in
        "stderr = "*)
            s=${line#stderr = }
            grep -qF -- "$s" "$t/err" || { echo "FAIL $name: stderr lacks: $s"; ok=0; } ;;
        "stdout = "*)
            s=${line#stdout = }
            grep -qF -- "$s" "$t/out" || { echo "FAIL $name: stdout lacks: $s"; ok=0; } ;;
        esac
    done <"$exp"
    if [ "$want" != 0 ]; then
        after=$(sha256sum "$store" | cut -d' ' -f1)
        ls -AR "$t/s" >"$t/ls.after"
        if [ "$before" != "$after" ]; then
            echo "FAIL $name: the store changed ($before -> $after)"
            ok=0
        fi
        if ! cmp -s "$t/ls.before" "$t/ls.after"; then
            echo "FAIL $name: files beside the store changed:"
            diff "$t/ls.before" "$t/ls.after"
            ok=0
        fi
        if ! grep -q '^cambium: ' "$t/err"; then
            echo "FAIL $name: no 'cambium: file:line:col: message' on stderr"
            ok=0
        fi
    fi
    if [ $ok -eq 0 ]; then
        echo "--- stdout"; head -c 2000 "$t/out"
        echo "--- stderr"; head -c 2000 "$t/err"
        return 1
    fi
    rm -rf "$t"
    return 0
}

if [ $# -gt 0 ]; then
    cases=""
    for c in "$@"; do
        if [ -f "$DIR/$c.expect" ]; then cases="$cases $DIR/$c.expect"; else cases="$cases $gen/$c.expect"; fi
    done
else
    cases="$(ls "$DIR"/*.expect) $gen/tidy-1mb-line.expect"
fi
for exp in $cases; do
    if run_case "$exp"; then
        pass=$((pass + 1))
    else
        failn=$((failn + 1))
        failed="$failed $(basename "$exp" .expect)"
    fi
done
echo "bad-input corpus: $pass passed, $failn failed${failed:+ (}${failed# }${failed:+)}"
[ $failn -eq 0 ]

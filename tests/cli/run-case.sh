#!/bin/sh
# Run one CLI test case (zstd cli-tests style) in a scratch directory.
#   run-case.sh CASE.sh CAMBIUM_BINARY
# The case script runs with $CAMBIUM (the binary), $SRC (source tree), $SHARED (../shared/data)
# and $CASEDIR (the directory of the case files). Beside CASE.sh:
#   CASE.exit           expected exit status (default 0)
#   CASE.stdout.exact   expected standard output, byte for byte
#   CASE.stderr.exact   expected standard error, byte for byte
#   CASE.stderr.grep    lines that must each appear (grep -F) in standard error
# A case exits 77 to be skipped (e.g. shared data absent).
# Set CM_UPDATE=1 to rewrite the .exact files from the current output.
set -u
case_sh=$1
CAMBIUM=$2
base=${case_sh%.sh}
name=$(basename "$base")
CASEDIR=$(cd "$(dirname "$case_sh")" && pwd)
SRC=${CM_SOURCE_DIR:-$(cd "$CASEDIR/../.." && pwd)}
SHARED=${CM_SHARED_DATA:-$SRC/../shared/data}
export CAMBIUM SRC SHARED CASEDIR

scratch=$(mktemp -d "${TMPDIR:-/tmp}/cm-cli-$name.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
cd "$scratch" || exit 1
unset CAMBIUM_STORE
sh "$case_sh" >stdout 2>stderr </dev/null
status=$?
[ $status -eq 77 ] && { cat stdout; exit 77; }

expected_status=0
[ -f "$base.exit" ] && expected_status=$(cat "$base.exit")
fail=0
if [ "${CM_UPDATE:-0}" = 1 ]; then
    [ -f "$base.stdout.exact" ] && cp stdout "$base.stdout.exact"
    [ -f "$base.stderr.exact" ] && cp stderr "$base.stderr.exact"
fi
if [ "$status" != "$expected_status" ]; then
    echo "$name: exit status $status, expected $expected_status"
    fail=1
fi
if [ -f "$base.stdout.exact" ] && ! cmp -s stdout "$base.stdout.exact"; then
    echo "$name: standard output differs:"
    diff -u "$base.stdout.exact" stdout | head -n 40
    fail=1
fi
if [ -f "$base.stderr.exact" ] && ! cmp -s stderr "$base.stderr.exact"; then
    echo "$name: standard error differs:"
    diff -u "$base.stderr.exact" stderr | head -n 40
    fail=1
fi
if [ -f "$base.stderr.grep" ]; then
    while IFS= read -r line; do
        [ -z "$line" ] && continue
        if ! grep -qF -- "$line" stderr; then
            echo "$name: standard error lacks: $line"
            fail=1
        fi
    done <"$base.stderr.grep"
fi
if [ $fail -ne 0 ]; then
    echo "--- stdout"; head -c 4000 stdout
    echo "--- stderr"; head -c 4000 stderr
fi
exit $fail

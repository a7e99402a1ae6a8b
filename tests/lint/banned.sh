#!/bin/sh
# Banned functions (STYLE.md §9, after curl's checksrc): none may appear in the library, the CLI or
# the public headers. Comments and string literals are not exempt: rename the text instead.
set -u
src=${CM_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
banned='sprintf|vsprintf|strcpy|strcat|strncpy|strncat|gets|atoi|atol|atof|strtok|asctime|ctime|localtime|gmtime|rand|tmpnam'
# a call: the name not preceded by an identifier character or '_', followed by '('
hits=$(grep -rnE "(^|[^A-Za-z0-9_])($banned)[[:space:]]*\(" "$src/src" "$src/cli" "$src/include" \
       --include='*.c' --include='*.h' || true)
if [ -n "$hits" ]; then
    echo "banned functions used (use snprintf, strtol/strtod with endptr, strtok_r, *_r time functions, cm_rng):"
    echo "$hits"
    echo "0 passed, 1 failed"
    exit 1
fi
# library code never prints, exits or aborts (an output file is written through its own FILE *)
hits=$(grep -rnE "(^|[^A-Za-z0-9_])(stdout|stderr)([^A-Za-z0-9_]|$)|(^|[^A-Za-z0-9_.>])(printf|puts|perror|exit|abort|assert)[[:space:]]*\(" \
       "$src/src" --include='*.c' --include='*.h' || true)
if [ -n "$hits" ]; then
    echo "library code must not print to stdout/stderr, exit, abort or assert:"
    echo "$hits"
    echo "0 passed, 1 failed"
    exit 1
fi
echo "2 passed, 0 failed"

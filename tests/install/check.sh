#!/bin/sh
# `make install PREFIX=...` gives a usable library: install the build into a scratch prefix,
# compile a consumer with the installed cambium.pc, run it, and run the installed CLI.
#   check.sh BUILD_DIR SANITIZED(0|1)
set -eu
build=$1
if [ "${2:-0}" = 1 ]; then
    echo "skipping: the sanitizer build's library needs a sanitized consumer"
    exit 77
fi
prefix=$(mktemp -d "${TMPDIR:-/tmp}/cm-install.XXXXXX")
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
libdir=$(dirname "$(find "$prefix" -name cambium.pc | head -n 1)")/..
cat >"$prefix/use.c" <<'C'
#include <cambium/cambium.h>
#include <stdio.h>
#include <string.h>
int main(void)
{
    char blas[256];
    cm_blas_describe(blas, sizeof blas);
    printf("%s\n", strstr(blas, "OpenBLAS") ? "openblas" : blas);
    return strcmp(cm_version_string(), "0.1.0") != 0;
}
C
export PKG_CONFIG_PATH="$libdir/pkgconfig"
cc "$prefix/use.c" $(pkg-config --cflags --libs cambium) -Wl,-rpath,"$libdir" -o "$prefix/use"
out=$("$prefix/use")
[ "$out" = openblas ] || { echo "consumer printed '$out'"; echo "0 passed, 1 failed"; exit 1; }
"$prefix/bin/cambium" --version | grep -q '^cambium 0.1.0$' || { echo "installed CLI broken"; exit 1; }
echo "1 passed, 0 failed"

# --version names the library version, the BLAS (OpenBLAS, with its thread count) and SQLite.
"$CAMBIUM" --version | sed -n '1p' 
"$CAMBIUM" --version | grep -c '^BLAS: OpenBLAS .*thread'
"$CAMBIUM" --version | grep -c '^SQLite: 3\.'

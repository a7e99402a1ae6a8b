# --help prints the usage on stdout and exits 0; a bad option is a usage error (exit 2).
"$CAMBIUM" datasets --help | head -n 1
"$CAMBIUM" datasets -h | head -n 1
"$CAMBIUM" datasets --frobnicate
echo "exit=$?"
"$CAMBIUM" datasets extra-argument
echo "exit=$?"
"$CAMBIUM" datasets --store
echo "exit=$?"
"$CAMBIUM" --help | grep -c '^  datasets '

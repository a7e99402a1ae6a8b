# A file that is not a cambium store is refused (exit 1) and left untouched.
printf 'code,label\nBEL,Belgium\n%s\n' "................................................................................................" > data.csv
cp data.csv before.csv
"$CAMBIUM" datasets --store data.csv
status=$?
cmp -s data.csv before.csv || echo "data.csv was modified"
exit $status

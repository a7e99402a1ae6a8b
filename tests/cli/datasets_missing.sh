# A store that does not exist: exit 1 with a hint, and no file is created.
"$CAMBIUM" datasets --store nowhere.db
status=$?
[ -e nowhere.db ] && echo "nowhere.db was created"
exit $status

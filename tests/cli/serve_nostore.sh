# A store that does not exist: exit 1 with a hint; nothing is created.
"$CAMBIUM" serve --store nowhere.db --port 0
status=$?
[ -e nowhere.db ] && echo "nowhere.db was created"
exit $status

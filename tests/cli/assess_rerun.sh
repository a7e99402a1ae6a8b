# Re-running a recipe after another one: the newest assessment is the assess/index row with the
# largest id (contract section 1), even when the run repeats an earlier one exactly, and the
# tables of the newest run are the rows with the largest ids of their recipe and table.
for n in alpha beta; do
    printf '[recipe]\nname = %s\nroot = %s\n[bundle b]\ndir = %s/data/belgium\n[analysis crit-eu]\n' \
        "$n" "$SRC" "$SRC" >"$n.recipe"
done
for n in alpha beta alpha; do
    "$CAMBIUM" assess --recipe "$n.recipe" --store s.db --out "out-$n" --quiet >/dev/null || exit 1
done
q() { sqlite3 s.db "$1"; }
[ "$(q "select params from result where analysis = 'assess/index' order by id desc limit 1")" = \
  '{"recipe":"alpha","run":2}' ] || { q "select id, params from result where analysis = 'assess/index'"; exit 1; }
[ "$(q "select count(*) from result where analysis = 'assess/index'")" = 3 ] || exit 1
# the newest crit_eu row of alpha is the one of run 2, newer than beta's
[ "$(q "select params from result where analysis = 'assess/table' and params like '{\"recipe\":\"alpha\",%\"table\":\"crit_eu\"}' order by id desc limit 1")" = \
  '{"recipe":"alpha","run":2,"table":"crit_eu"}' ] || exit 1
[ "$(q "select max(id) from result where params like '{\"recipe\":\"alpha\",\"run\":2%'")" -gt \
  "$(q "select max(id) from result where params like '{\"recipe\":\"beta\",%'")" ] || exit 1
# alpha and beta (the same analysis on the same data) wrote the same table bytes
diff -r out-alpha/tables out-beta/tables >/dev/null || exit 1
exit 0

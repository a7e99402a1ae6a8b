# report --rel-sd outside (0, 1] is a usage error.
"$CAMBIUM" reconcile report "$SRC/models/stan-example.model" --rel-sd 2

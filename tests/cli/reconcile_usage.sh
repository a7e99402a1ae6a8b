# run without --out is a usage error.
"$CAMBIUM" reconcile run "$SRC/models/stan-example.model"

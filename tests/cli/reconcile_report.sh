# The data-gap and inconsistency report of the example model, and of a model with gaps.
cp "$SRC/models/reconcile-example.model" example.model
"$CAMBIUM" reconcile report example.model --top 3
cat >gaps.model <<'M'
unit t
process A
process B
process C
flow in import -> A = 100 +- 5
flow ab A -> B = 60 +- 5
flow ax A -> export = 40 +- 4
flow bc B -> C ?
flow c1 C -> export ?
flow c2 C -> environment ?
flow bx B -> export = 20 +- 1
flow bad import -> B = 30 +- 2
M
"$CAMBIUM" reconcile report gaps.model --rel-sd 0.05

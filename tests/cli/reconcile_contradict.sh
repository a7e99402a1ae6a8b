# Exact relations among unknown flows that cannot hold together fail (exit 1) naming them.
printf 'process A\nflow x import -> A ?\nflow y A -> export ?\nrelation x = 10\nrelation y = 20\n' >c.model
"$CAMBIUM" reconcile run c.model --out out

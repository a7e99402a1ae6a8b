# A model naming an undeclared process fails with file:line:column and what was expected.
printf 'process A\nflow x import -> A = 1 +- 1\nflow y A -> B = 1 +- 1\n' >bad.model
"$CAMBIUM" reconcile run bad.model --out out

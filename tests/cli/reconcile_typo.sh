# The STAN example with the typo 1000 for 100: h = 4232 rejects the data, both flagged; the
# report lists them.
sed 's/= 100 +- 10/= 1000 +- 10/' "$SRC/models/stan-example.model" >typo.model
"$CAMBIUM" reconcile run typo.model --out out
"$CAMBIUM" reconcile report typo.model

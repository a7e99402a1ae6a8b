# --hs-edition takes HS2017 or HS2022 and works on the store only.
"$CAMBIUM" trade pointers --store t.db --hs-edition HS2012
echo "exit=$?"
"$CAMBIUM" trade pointers --baci x.csv --out o --hs-edition HS2017
echo "exit=$?"
exit 2

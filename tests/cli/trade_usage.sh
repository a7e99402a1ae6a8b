# Usage errors of trade pointers.
"$CAMBIUM" trade pointers --baci x.csv

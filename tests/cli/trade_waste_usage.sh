# Usage errors of trade waste.
"$CAMBIUM" trade waste --timing mid

# crit sensitivity rejects an empty threshold axis with exit 2.
"$CAMBIUM" crit sensitivity --sr-from 1.2 --sr-to 0.8

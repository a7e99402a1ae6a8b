"$CAMBIUM" crit be --basis weight

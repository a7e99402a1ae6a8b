# crit mc rejects bad options with exit 2 and a message naming the option.
"$CAMBIUM" crit mc --draws 0

# A distributions file with a negative standard deviation: exit 1, file:line:column named.
printf '[wgi]\ndistribution = normal\nsd = -0.5\n' >bad.ini
"$CAMBIUM" crit mc --distributions bad.ini --store none.db

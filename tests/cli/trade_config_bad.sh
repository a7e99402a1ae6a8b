# An unknown key in the thresholds file is reported with its line and column.
printf '[thresholds]\nz = 2\nhhi_jupm = 0.2\n' > p.ini
"$CAMBIUM" trade pointers --store none.db --config p.ini --out out

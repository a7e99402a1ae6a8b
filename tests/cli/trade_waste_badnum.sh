# A value that is not a number is reported at file:line:column (column = field).
printf 'unu_key,year,pom_t\nA,2000,10\nA,2001,1O\n' > p.csv
printf 'unu_key,shape,scale,category\nA,2,4,C1\n' > l.csv
printf '[outliers]\nwindow = 11\nk = 5\n' > o.ini
"$CAMBIUM" trade waste --pom p.csv --lifetimes l.csv --collected none --outliers o.ini --out out

# An intensity file in an unknown unit fails naming the unit and the model line.
cat >i.csv <<'CSV'
tech,mat,v
a,steel,1
CSV
cat >bad.ini <<'INI'
[model]
name = bad
years = 2000-2010
unit = MW
[layer technology]
items = a
[layer materials]
from = technology
items = steel
file = i.csv
unit = kg/turbine
from_column = tech
to_column = mat
value_column = v
INI
"$CAMBIUM" mmsa run bad.ini --out out

# A model file naming an undefined layer fails with the file and line of the reference.
cat >bad.ini <<'INI'
[model]
name = bad
years = 2000-2010
unit = MW
[layer technology]
items = a
[layer materials]
from = components
items = steel
INI
"$CAMBIUM" mmsa run bad.ini --out out

# The Belgian model with an unknown site in its intensities file fails with the data file, its
# line and column.
[ -f "$SRC/data/wind/intensities.csv" ] || exit 77
mkdir -p models data/wind
cp "$SRC"/data/wind/*.csv data/wind/
cp "$SRC/models/wind-belgium.ini" models/
sed '4s/,offshore,/,seabed,/' "$SRC/data/wind/intensities.csv" >data/wind/intensities.csv
"$CAMBIUM" mmsa run models/wind-belgium.ini --out out

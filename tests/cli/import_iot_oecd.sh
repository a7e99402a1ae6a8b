# Import value added and output of the OECD IOT of Belgium 2020 (region and year from the name).
f=$SHARED/iotables-siot-examples/BEL2020ttl.csv
[ -f "$f" ] || { echo "skip: $f is absent"; exit 77; }
"$CAMBIUM" import iot-oecd "$f" --store s.db >out || { cat out; exit 1; }
grep -q "100 rows from 55 records" out || { cat out; exit 1; }
# the same file under another country and year
"$CAMBIUM" import iot-oecd "$f" --region NLD --period 2019 --store s2.db >out || { cat out; exit 1; }
"$CAMBIUM" import iot-oecd "$f" --region Atlantis --store s3.db 2>err && exit 1
grep -q "unknown country 'Atlantis'" err || { cat err; exit 1; }
sum=$(sha256sum "$f" | cut -d' ' -f1)
"$CAMBIUM" datasets --long --store s.db | grep -q "$sum" || exit 1

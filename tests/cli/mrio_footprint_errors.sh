# mrio footprint --out when things go wrong: stressors of different units (the summary needs
# one: without --by-category an error, exit 1, no files; with --by-category the category table
# and the JSON are written, footprint.csv is not, and stderr says why), an output folder that
# cannot be created (exit 1, named), an empty --out (usage, exit 2).
mkdir -p sys/materials
cd sys
printf '{"files": {"Z": {"name": "Z.txt", "nr_index_col": "2", "nr_header": "2"},\n "Y": {"name": "Y.txt", "nr_index_col": "2", "nr_header": "2"}},\n "systemtype": "IOSystem"}\n' >file_parameters.json
printf 'region\t\tA\tB\nsector\t\ts\ts\nregion\tsector\t\t\nA\ts\t50\t0\nB\ts\t25\t100\n' >Z.txt
printf 'region\t\tA\tB\ncategory\t\thh\thh\nregion\tsector\t\t\nA\ts\t30\t20\nB\ts\t20\t55\n' >Y.txt
printf '{"files": {"F": {"name": "F.txt", "nr_index_col": "1", "nr_header": "2"},\n "unit": {"name": "unit.txt", "nr_index_col": "1", "nr_header": "1"}},\n "systemtype": "Extension", "name": "materials"}\n' >materials/file_parameters.json
printf 'region\tA\tB\nsector\ts\ts\nstressor\t\t\niron\t200\t100\ncopper\t50\t400\n' >materials/F.txt
printf 'stressor\tunit\niron\tt\ncopper\tkg\n' >materials/unit.txt
cd ..
"$CAMBIUM" mrio footprint sys --region A --out o1; echo "exit=$?"
[ ! -e o1/footprint.csv ] && [ ! -e o1/footprint.json ] || echo "files written"
"$CAMBIUM" mrio footprint sys --region A --by-category --out o2; echo "exit=$?"
ls o2
grep -q '"summary": null' o2/footprint.json || echo "summary not null"
grep -c '"stressor"' o2/footprint.json
touch afile
"$CAMBIUM" mrio footprint sys --region A --by-category --out afile/o >/dev/null; echo "exit=$?"
"$CAMBIUM" mrio footprint sys --region A --out ''; echo "exit=$?"
"$CAMBIUM" mrio footprint sys --region A --out; echo "exit=$?"

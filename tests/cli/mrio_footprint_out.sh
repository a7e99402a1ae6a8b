# cambium mrio footprint --out on a 2-region x 1-sector system written here, with two
# final-demand categories per region and a material extension (iron, copper, tonnes). A has
# power-of-two coefficients, so L = [[2, 0], [1, 2]], M = S L = [[4.5, 1], [3, 4]] and every
# footprint is exact: region A's RMC iron 155 (hh 105 + gov 50), copper 170 (120 + 50);
# imported (M - S_A L) Y_A: 35 and 140; RMI = extraction in A + imported: 235 and 190; per
# capita over 30 people: 155/30 and 17/3, written at full precision (printed with 10 digits).
# The files' exact contents; stdout unchanged beside one "wrote" line.
mkdir -p sys/materials
cd sys
printf '{"files": {"Z": {"name": "Z.txt", "nr_index_col": "2", "nr_header": "2"},\n "Y": {"name": "Y.txt", "nr_index_col": "2", "nr_header": "2"},\n "population": {"name": "population.txt", "nr_index_col": "1", "nr_header": "1"}},\n "systemtype": "IOSystem"}\n' >file_parameters.json
printf 'region\t\tA\tB\nsector\t\ts\ts\nregion\tsector\t\t\nA\ts\t50\t0\nB\ts\t25\t100\n' >Z.txt
printf 'region\t\tA\tA\tB\tB\ncategory\t\thh\tgov\thh\tgov\nregion\tsector\t\t\t\t\nA\ts\t20\t10\t12\t8\nB\ts\t15\t5\t40\t15\n' >Y.txt
printf '\tA\tB\npopulation\t30\t40\n' >population.txt
printf '{"files": {"F": {"name": "F.txt", "nr_index_col": "1", "nr_header": "2"},\n "unit": {"name": "unit.txt", "nr_index_col": "1", "nr_header": "1"}},\n "systemtype": "Extension", "name": "materials"}\n' >materials/file_parameters.json
printf 'region\tA\tB\nsector\ts\ts\nstressor\t\t\niron\t200\t100\ncopper\t50\t400\n' >materials/F.txt
printf 'stressor\tunit\niron\tt\ncopper\tt\n' >materials/unit.txt
cd ..
# the summary: stdout as without --out, then the "wrote" line; no category file
"$CAMBIUM" mrio footprint sys --region A >plain.txt || exit 1
"$CAMBIUM" mrio footprint sys --region A --out o1 >out.txt || exit 1
head -n -1 out.txt | cmp - plain.txt || { echo "stdout changed by --out"; exit 1; }
tail -n 1 out.txt
[ ! -e o1/footprint_categories.csv ] || exit 1
echo "--- o1/footprint.csv"; cat o1/footprint.csv
echo "--- o1/footprint.json"; cat o1/footprint.json
# by category, with a year label: the summary file as well, the category table, both in the JSON
"$CAMBIUM" mrio footprint 2020=sys --region A --by-category >plainc.txt || exit 1
"$CAMBIUM" mrio footprint 2020=sys --region A --by-category --out o2 >outc.txt || exit 1
head -n -1 outc.txt | cmp - plainc.txt || { echo "stdout changed by --out"; exit 1; }
cat outc.txt
cmp o1/footprint.csv o2/footprint.csv || { echo "summary differs with --by-category"; exit 1; }
echo "--- o2/footprint_categories.csv"; cat o2/footprint_categories.csv
echo "--- o2/footprint.json"; cat o2/footprint.json
# groups: both metals in one group, the sums of the rows above
printf 'stressor,group\niron,metals\ncopper,metals\n' >g.csv
"$CAMBIUM" mrio footprint sys --region A --groups g.csv --out o3 >/dev/null || exit 1
echo "--- o3/footprint.csv"; cat o3/footprint.csv
# a second run replaces the files (no temporary file left behind)
"$CAMBIUM" mrio footprint sys --region A --groups g.csv --out o3 >/dev/null || exit 1
ls o3

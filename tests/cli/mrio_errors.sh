# cambium mrio calc on a 2-region x 1-sector system written here (METHODS.md §B.3's worked
# example: D_cba = 3000/17, 3800/17; D_imp = 1860/17, 560/17), then every bad input of the
# issue: a non-number, a negative Z, labels that disagree, a missing file, a column sum of A
# >= 1, a zero-output sector under --zero-output error, and usage errors. Each error names the
# file, line and column or the sectors, exits 1 (2 for usage), and writes no output folder.
mk() { # dir z11 z12 z21 z22 y11 y12 y21 y22
    mkdir -p "$1/emissions"
    printf '{"files": {"Z": {"name": "Z.txt", "nr_index_col": "2", "nr_header": "2"},\n "Y": {"name": "Y.txt", "nr_index_col": "2", "nr_header": "2"}},\n "systemtype": "IOSystem"}\n' >"$1/file_parameters.json"
    printf 'region\t\tA\tB\nsector\t\ts\ts\nregion\tsector\t\t\nA\ts\t%s\t%s\nB\ts\t%s\t%s\n' "$2" "$3" "$4" "$5" >"$1/Z.txt"
    printf 'region\t\tA\tB\ncategory\t\tfd\tfd\nregion\tsector\t\t\nA\ts\t%s\t%s\nB\ts\t%s\t%s\n' "$6" "$7" "$8" "$9" >"$1/Y.txt"
    printf '{"files": {"F": {"name": "F.txt", "nr_index_col": "1", "nr_header": "2"}},\n "systemtype": "Extension", "name": "Emissions"}\n' >"$1/emissions/file_parameters.json"
    printf 'region\tA\tB\nsector\ts\ts\nstressor\t\t\nCO2\t100\t300\n' >"$1/emissions/F.txt"
}
mk ok 20 10 30 40 50 20 20 60
"$CAMBIUM" mrio calc ok --out o >/dev/null; echo "exit=$?"
awk -F'\t' 'NR == 2 { printf "D_cba_reg %.12g %.12g\n", $2 * 17, $3 * 17 }' o/emissions/D_cba_reg.txt
awk -F'\t' 'NR == 2 { printf "D_imp_reg %.12g %.12g\n", $2 * 17, $3 * 17 }' o/emissions/D_imp_reg.txt
mk nan 20 10 30 abc 50 20 20 60
"$CAMBIUM" mrio calc nan --out e1; echo "exit=$?"
mk neg 20 -10 30 40 50 20 20 60
"$CAMBIUM" mrio calc neg --out e2; echo "exit=$?"
mk lab 20 10 30 40 50 20 20 60
sed -i 's/^B\ts/C\ts/' lab/Y.txt
"$CAMBIUM" mrio calc lab --out e3; echo "exit=$?"
mk miss 20 10 30 40 50 20 20 60
rm miss/Y.txt
"$CAMBIUM" mrio calc miss --out e4; echo "exit=$?"
mk col 20 10 30 40 -25 0 20 60
"$CAMBIUM" mrio calc col --out e5; echo "exit=$?"
mk zero 20 0 0 0 50 20 0 0
"$CAMBIUM" mrio calc zero --out e6 --zero-output error; echo "exit=$?"
for d in e1 e2 e3 e4 e5 e6; do [ -e $d ] && echo "output left: $d"; done
# the pymrio convention: the zero-output sector's column of A is 0, the run goes on
"$CAMBIUM" mrio calc zero --out z >/dev/null; echo "exit=$?"
"$CAMBIUM" mrio calc ok; echo "exit=$?"
"$CAMBIUM" mrio calc ok --out o --zero-output maybe; echo "exit=$?"
"$CAMBIUM" mrio frobnicate; echo "exit=$?"

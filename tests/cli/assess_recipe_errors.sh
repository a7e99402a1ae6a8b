# Every error of the recipe reader at file:line:column with what was expected (exit 1), and
# nothing touched: no store, no output directory.
D=$SRC/data/belgium
fails=0
# check NAME EXPECTED-STDERR-LINE RECIPE-TEXT (printf format)
check() {
    printf "$3" >"$1.recipe"
    "$CAMBIUM" assess --recipe "$1.recipe" --store "$1.db" --out "$1.out" --quiet >/dev/null 2>"$1.err"
    st=$?
    if [ "$st" != 1 ] || [ "$(cat "$1.err")" != "cambium: $2" ]; then
        echo "$1: exit $st, stderr:"; cat "$1.err"; echo "expected: cambium: $2"
        fails=$((fails + 1))
    fi
    if [ -e "$1.db" ] || [ -e "$1.out" ]; then
        echo "$1: the store or the output directory was created"
        fails=$((fails + 1))
    fi
}
check section "section.recipe:3:2: expected [recipe], [bundle NAME], [dataset NAME] or [analysis KIND], got '[stuff]'" \
    '[recipe]\nname = e\n[stuff x]\n'
check recipekey "recipekey.recipe:3:1: expected one of name, title, root in [recipe], got 'colour'" \
    '[recipe]\nname = e\ncolour = red\n'
check datasetkey "datasetkey.recipe:5:1: expected one of kind, file, name, version, publisher, source, licence, scope, region, period in [dataset w], got 'license'" \
    '[recipe]\nname = e\n[dataset w]\nkind = wgi\nlicense = CC-BY\n'
check analysiskey "analysiskey.recipe:4:1: expected one of wgi-year, wgi-fallback in [analysis crit-be], got 'wgi-yr'" \
    '[recipe]\nname = e\n[analysis crit-be]\nwgi-yr = 2022\n'
check kind "kind.recipe:3:11: expected [analysis KIND] with KIND one of mfa, crit-eu, crit-be, crit-sensitivity, crit-mc, supply, footprint, trade-pointers, trade-carriers, trade-waste, mmsa, trade-prioritise, got 'crit-xx'" \
    '[recipe]\nname = e\n[analysis crit-xx]\n'
check importer "importer.recipe:4:8: expected an importer kind (cambium import --help), got 'wgi2'" \
    '[recipe]\nname = e\n[dataset w]\nkind = wgi2\nfile = x.csv\n'
check needmodel "needmodel.recipe:3:1: expected a key 'model' in [analysis mmsa]" \
    '[recipe]\nname = e\n[analysis mmsa]\ndraws = 5\n'
check needmaterial "needmaterial.recipe:3:1: expected a key 'material' in [analysis supply]" \
    '[recipe]\nname = e\n[analysis supply]\nyear = 2022\n'
check needname "needname.recipe:1:1: expected a key 'name' in [recipe]" \
    '[recipe]\ntitle = x\n'
check needkind "needkind.recipe:3:1: expected a key 'kind' in [dataset w]" \
    '[recipe]\nname = e\n[dataset w]\nfile = x.csv\n'
check norecipe "norecipe.recipe:1:1: expected a [recipe] section with a name" \
    '[analysis crit-eu]\n'
check tworecipes "tworecipes.recipe:3:1: expected one [recipe] section, got a second one (first at line 1)" \
    '[recipe]\nname = e\n[recipe x]\n'
check repeated "repeated.recipe:5:1: expected each section once (one [analysis KIND] per kind), got a second [analysis crit-eu] (first at line 3)" \
    '[recipe]\nname = e\n[analysis crit-eu]\n\n[analysis crit-eu]\n'
check number "number.recipe:5:9: expected a whole number >= 0 for 'draws', got 'many'" \
    '[recipe]\nname = e\n[analysis crit-mc]\nvariant = be\ndraws = many\n'
check negative "negative.recipe:4:8: expected a whole number >= 0 for 'seed', got '-1'" \
    '[recipe]\nname = e\n[analysis mmsa]\nseed = -1\nmodel = x.ini\n'
check emptyvalue "emptyvalue.recipe:4:6: expected a value for 'geo'" \
    '[recipe]\nname = e\n[analysis mfa]\ngeo =\n'
check badname "badname.recipe:2:9: expected a name of [a-z0-9_-], got 'bE'" \
    '[recipe]\nname = bE\n'
check nofile "nofile.recipe:4:9: expected an existing file, got 'nope.ini' ($PWD/nope.ini)" \
    '[recipe]\nname = e\n[analysis mmsa]\nmodel = nope.ini\n'
check nodir "nodir.recipe:3:8: expected an existing directory, got 'nowhere' ($PWD/nowhere)" \
    '[recipe]\nname = e\nroot = nowhere\n'
check nobundle "nobundle.recipe:4:7: expected a directory with a bundle.ini, got '$SRC/tests'" \
    "[recipe]\nname = e\n[bundle b]\ndir = $SRC/tests\n"
# (the ini reader's own message)
check syntax "syntax.recipe:3:4: missing '=' after key 'geo'" \
    '[recipe]\nname = e\ngeo\n'
[ "$fails" = 0 ] || exit 1
echo "all recipe errors reported"

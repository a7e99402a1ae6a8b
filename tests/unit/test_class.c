/* Classifications: the built-in countries and materials, name normalisation, resolution of
 * every spelling in the shared datasets, code-list imports and concordances in the store. */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cm_test.h"
#include "cambium/cambium.h"
#include "store/class_internal.h"
#include "store/store_internal.h"

static void expect(const cm_class_t *c, const char *text, const char *code)
{
    const char *got = cm_class_resolve(c, text);
    if (code == NULL) {
        if (got != NULL) {
            fail_msg("'%s' resolved to %s, expected no match", text, got);
        }
        return;
    }
    if (got == NULL || strcmp(got, code) != 0) {
        fail_msg("'%s' resolved to %s, expected %s", text, got ? got : "(nothing)", code);
    }
}

static void test_country_examples(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    cm_class_t *c = NULL;
    CHECK_OK(cm_class_builtin("country", &c, &err), &err);
    assert_string_equal(cm_class_name(c), "country");
    /* World Bank codes */
    expect(c, "ROM", "ROU");
    expect(c, "ZAR", "COD");
    expect(c, "KSV", "XKX");
    expect(c, "ADO", "AND");
    expect(c, "TMP", "TLS");
    expect(c, "WBG", "PSE");
    expect(c, "ANT", "ANT");
    assert_true(cm_class_is_aggregate(c, "ANT"));
    /* Eurostat */
    expect(c, "EL", "GRC");
    expect(c, "UK", "GBR");
    expect(c, "XK", "XKX");
    /* names and their spellings */
    expect(c, "Congo, D.R.", "COD");
    expect(c, "Congo (Kinshasa)", "COD");
    expect(c, "Congo, Rep.", "COG");
    expect(c, "Congo", "COG");
    expect(c, "T\xc3\xbcrkiye", "TUR");
    expect(c, "Turkiye", "TUR");
    expect(c, "TURKEY", "TUR");
    expect(c, "C\xc3\xb4te d'Ivoire", "CIV");
    expect(c, "Cote d\xe2\x80\x99Ivoire", "CIV");
    expect(c, "  cote   d ivoire ", "CIV");
    expect(c, "Bosnia & Herzegovina", "BIH");
    expect(c, "Burma", "MMR");
    expect(c, "Korea, Republic of", "KOR");
    expect(c, "Korea, Dem. Rep.", "PRK");
    /* Windows-1252 text converted to UTF-8, and the raw byte as a fallback */
    char *utf8 = NULL;
    size_t n = 0;
    (void)n;
    utf8 = cm_strdup("T\xc3\xbcrkiye");
    expect(c, utf8, "TUR");
    cm_free(utf8);
    expect(c, "T\xfcrkiye", "TUR");
    /* footnotes and notes of the USGS tables */
    expect(c, "New Caledonia11", "NCL");
    expect(c, "United States1", "USA");
    expect(c, "Brazil (crude and beneficiated)9", "BRA");
    expect(c, "Chinae", "CHN");
    expect(c, "Korea, Republic ofe", "KOR");
    expect(c, "Kazakhstan, concentrate", "KAZ");
    /* numeric and two-letter codes */
    expect(c, "840", "USA");
    expect(c, "056", "BEL");
    expect(c, "56", "BEL");
    expect(c, "DE", "DEU");
    expect(c, "de", "DEU");
    expect(c, "BEL", "BEL");
    /* aggregates */
    expect(c, "World total (rounded)", "WLD");
    expect(c, "World total (rounded)10", "WLD");
    expect(c, "World", "WLD");
    expect(c, "Other countries", "OTH");
    expect(c, "Other countries6", "OTH");
    expect(c, "Rest of world", "OTH");
    expect(c, "Others", "OTH");
    expect(c, "EU", "EU27");
    expect(c, "EU27", "EU27");
    expect(c, "European Union", "EU27");
    assert_true(cm_class_is_aggregate(c, "WLD"));
    assert_true(cm_class_is_aggregate(c, "OTH"));
    assert_true(cm_class_is_aggregate(c, "EU27"));
    assert_false(cm_class_is_aggregate(c, "BEL"));
    assert_false(cm_class_is_aggregate(c, "nope"));
    /* unknown */
    expect(c, "Atlantis", NULL);
    expect(c, "", NULL);
    expect(c, "   ", NULL);
    expect(c, "12345", NULL);
    assert_null(cm_class_resolve(c, NULL));
    assert_null(cm_class_resolve(NULL, "BEL"));
    /* labels and codes */
    assert_string_equal(cm_class_label(c, "BEL"), "Belgium");
    assert_null(cm_class_label(c, "Belgium"));
    assert_true(cm_class_size(c) > 250);
    assert_string_equal(cm_class_code(c, 0), "ABW");
    assert_null(cm_class_code(c, cm_class_size(c)));
    cm_class_free(c);
    cm_class_free(NULL);
    CHECK_ERROR(cm_class_builtin("planets", &c, &err), CM_ENOTFOUND);
    CHECK_ERROR(cm_class_builtin("country", NULL, &err), CM_EINVAL);
}

/* --- every spelling in the shared datasets resolves ------------------------------------- */

typedef struct scan_t {
    const cm_class_t *c;
    const char *const *columns; /* header names to check (NULL-terminated) */
    int cols[8];
    int ncols;
    int header_done;
    int misses;
    int checked;
    const char *file;
} scan_t;

static cm_error_t scan_record(const cm_csv_row_t *row, void *user, cm_error_info_t *err)
{
    scan_t *s = user;
    size_t n = row->nfields;
    const char *const *fields = row->fields;
    int64_t line = row->line;
    (void)err;
    if (!s->header_done) {
        s->ncols = 0;
        for (size_t i = 0; i < n; i++) {
            const char *h = fields[i];
            for (size_t k = 0; s->columns[k] != NULL; k++) {
                if (strcmp(h, s->columns[k]) == 0 && s->ncols < 8) {
                    s->cols[s->ncols++] = (int)i;
                }
            }
        }
        s->header_done = 1;
        return CM_OK;
    }
    for (int k = 0; k < s->ncols; k++) {
        if ((size_t)s->cols[k] >= n) {
            continue;
        }
        const char *v = fields[s->cols[k]];
        if (v[0] == '\0' || strcmp(v, "DELETE") == 0) {
            continue; /* empty, or the WMD marker of its "Total" row (its name column resolves) */
        }
        s->checked++;
        if (cm_class_resolve(s->c, v) == NULL) {
            print_message("  unresolved %s '%s' (%s line %lld)\n", cm_class_name(s->c), v,
                          s->file, (long long)line);
            s->misses++;
        }
    }
    return CM_OK;
}

static int scan_file(const cm_class_t *c, const char *path, const char *const *columns,
                     int *checked)
{
    cm_error_info_t err = {0};
    cm_csv_options_t opt;
    scan_t s;
    memset(&s, 0, sizeof s);
    s.c = c;
    s.columns = columns;
    s.file = path;
    cm_csv_options_default(&opt);
    opt.strict_fields = 0; /* USGS tables have notes rows with fewer fields */
    CHECK_OK(cm_csv_read_file(path, &opt, scan_record, &s, NULL, &err), &err);
    if (s.ncols == 0) {
        fail_msg("%s: none of the expected columns found", path);
    }
    *checked += s.checked;
    return s.misses;
}

static int scan_glob(const cm_class_t *c, const char *dir, const char *pattern,
                     const char *const *columns, int *checked)
{
    char pat[4200];
    glob_t g;
    int misses = 0;
    snprintf(pat, sizeof pat, "%s/%s", dir, pattern);
    if (glob(pat, 0, NULL, &g) != 0) {
        fail_msg("no files match %s", pat);
    }
    for (size_t i = 0; i < g.gl_pathc; i++) {
        misses += scan_file(c, g.gl_pathv[i], columns, checked);
    }
    globfree(&g);
    return misses;
}

static void test_shared_country_spellings(void **state)
{
    (void)state;
    if (cm_test_shared("wgi-2024-update/wgidataset.csv") == NULL) {
        skip();
    }
    cm_error_info_t err = {0};
    cm_class_t *c = NULL;
    int misses = 0, checked = 0;
    char root[4096];
    snprintf(root, sizeof root, "%s", cm_test_shared("."));
    CHECK_OK(cm_class_builtin("country", &c, &err), &err);
    const char *const wgi[] = {"code", "countryname", NULL};
    const char *const wmd_iso[] = {"ISO", "Country", NULL};
    const char *const wmd[] = {"country", "country_code_m49", "country_iso3", NULL};
    const char *const usgs[] = {"Country", NULL};
    const char *const emilsson[] = {"Country", NULL};
    const char *const critmat[] = {"country_name", NULL};
    const char *const comext[] = {"DECLARANT_ISO", "PARTNER_ISO", NULL};
    misses += scan_glob(c, root, "wgi-2024-update/wgidataset.csv", wgi, &checked);
    misses += scan_glob(c, root, "world-mining-data/wmd_country_iso.csv", wmd_iso, &checked);
    misses += scan_glob(c, root, "world-mining-data/wmd_production_2018_2022_long.csv", wmd,
                        &checked);
    misses += scan_glob(c, root, "usgs-mcs/20*-world/*.csv", usgs, &checked);
    misses += scan_glob(c, root, "eu-crm-2023-emilsson/fact_*SupplyShares_t.csv", emilsson,
                        &checked);
    misses += scan_glob(c, root, "eu-crm-2023-critmat/eureport_tradeparameters.csv", critmat,
                        &checked);
    misses += scan_glob(c, root, "comext-eu27-critical-inputs-cn8/eu_comext_critical_inputs_cn8_2022_2024.csv",
                        comext, &checked);
    print_message("country spellings checked: %d, unresolved: %d\n", checked, misses);
    assert_true(checked > 10000);
    assert_int_equal(misses, 0);
    /* a few of them, with the code they must give */
    expect(c, "Congo, Dem. Rep.", "COD");
    expect(c, "Netherlands Antilles (former)", "ANT");
    expect(c, "R20", "XKX");
    expect(c, "Other Asia, nes", "S19");
    expect(c, "World total (rounded), excluding United States", "WLD_EXCL_USA");
    expect(c, "Fmr USSR", "SUN");
    expect(c, "XS", "SRB");
    cm_class_free(c);
}

static void test_shared_material_names(void **state)
{
    (void)state;
    if (cm_test_shared("eu-crm-2023-critmat/eureport_results.csv") == NULL) {
        skip();
    }
    cm_error_info_t err = {0};
    cm_class_t *c = NULL;
    int misses = 0, checked = 0;
    char root[4096];
    snprintf(root, sizeof root, "%s", cm_test_shared("."));
    CHECK_OK(cm_class_builtin("material", &c, &err), &err);
    const char *const critmat[] = {"material_name", NULL};
    const char *const emilsson[] = {"Material", "screened_material", NULL};
    const char *const crma[] = {"material", "assessment_2023_name", NULL};
    const char *const wmd[] = {"commodity", NULL};
    misses += scan_glob(c, root, "eu-crm-2023-critmat/eureport_*.csv", critmat, &checked);
    misses += scan_glob(c, root, "eu-crm-2023-emilsson/*.csv", emilsson, &checked);
    misses += scan_glob(c, root, "eu-crma-2024-lists/crma_2024_critical_and_strategic.csv", crma,
                        &checked);
    misses += scan_glob(c, root, "world-mining-data/wmd_production_2018_2022_long.csv", wmd,
                        &checked);
    /* the USGS file abbreviations: mcs2024-cobal_world.csv -> "cobal" */
    char pat[4200];
    glob_t g;
    snprintf(pat, sizeof pat, "%s/usgs-mcs/20*-world/mcs*_world.csv", root);
    assert_int_equal(glob(pat, 0, NULL, &g), 0);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        const char *base = strrchr(g.gl_pathv[i], '/') + 1;
        const char *dash = strchr(base, '-');
        const char *end = strstr(base, "_world.csv");
        assert_non_null(dash);
        assert_non_null(end);
        char abbr[64];
        snprintf(abbr, sizeof abbr, "%.*s", (int)(end - dash - 1), dash + 1);
        checked++;
        if (cm_class_resolve(c, abbr) == NULL) {
            print_message("  unresolved USGS abbreviation '%s' (%s)\n", abbr, base);
            misses++;
        }
    }
    globfree(&g);
    print_message("material names checked: %d, unresolved: %d\n", checked, misses);
    assert_int_equal(misses, 0);
    cm_class_free(c);
}

static void test_material_examples(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    cm_class_t *c = NULL;
    CHECK_OK(cm_class_builtin("material", &c, &err), &err);
    expect(c, "Cobalt", "cobalt");
    expect(c, "Co", "cobalt");
    expect(c, "cobal", "cobalt");
    expect(c, "Li", "lithium");
    expect(c, "Lithium (Li2O)", "lithium");
    expect(c, "Dysprosium", "dysprosium");
    expect(c, "HREE", "rare-earth-elements-heavy");
    expect(c, "Heavy Rare earths Elements", "rare-earth-elements-heavy");
    expect(c, "LREEs", "rare-earth-elements-light");
    expect(c, "PGMs", "platinum-group-metals");
    expect(c, "Bauxite/alumina/aluminium", "aluminium");
    expect(c, "Natural Teak\nwood", "natural-teak-wood");
    expect(c, "Talc, Steatite & Pyrophyllite", "talc");
    expect(c, "Titanium metal", "titanium-metal");
    expect(c, "Titanium", "titanium");
    expect(c, "flourspar", "fluorspar");
    expect(c, "unobtainium", NULL);
    assert_string_equal(cm_class_parent(c, "dysprosium"), "rare-earth-elements-heavy");
    assert_string_equal(cm_class_parent(c, "neodymium"), "rare-earth-elements-light");
    assert_string_equal(cm_class_parent(c, "rhodium"), "platinum-group-metals");
    assert_string_equal(cm_class_parent(c, "rare-earth-elements-heavy"), "rare-earth-elements");
    assert_null(cm_class_parent(c, "cobalt"));
    assert_null(cm_class_parent(c, "nope"));
    assert_true(cm_class_is_aggregate(c, "platinum-group-metals"));
    assert_false(cm_class_is_aggregate(c, "platinum"));
    /* every member of a group points to an existing group, and groups are aggregates */
    size_t members = 0;
    for (size_t i = 0; i < cm_class_size(c); i++) {
        const char *code = cm_class_code(c, i);
        const char *parent = cm_class_parent(c, code);
        if (parent != NULL) {
            assert_non_null(cm_class_label(c, parent));
            members++;
        }
        /* a code always resolves to itself */
        assert_string_equal(cm_class_resolve(c, code), code);
    }
    assert_true(members >= 22);
    assert_true(cm_class_size(c) >= 87);
    cm_class_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CM_TEST(test_country_examples),
        CM_TEST(test_material_examples),
        CM_TEST(test_shared_country_spellings),
        CM_TEST(test_shared_material_names),
    };
    return CM_RUN_TESTS(tests);
}

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
    const char *cp1252[] = {"T\xfcrkiye", "C\xf4te d\x92Ivoire", "R\xe9union", "Cura\xe7" "ao"};
    const char *codes[] = {"TUR", "CIV", "REU", "CUW"};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(cm_cp1252_to_utf8(cp1252[i], strlen(cp1252[i]), &utf8, &n), CM_OK);
        assert_true(cm_utf8_valid(utf8, n));
        expect(c, utf8, codes[i]);
        cm_free(utf8);
        utf8 = NULL;
    }
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
    expect(c, "Other Asia, nes", "TWN"); /* UN Comtrade and CEPII BACI code 490: Taiwan */
    expect(c, "490", "TWN");
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

/* --- classifications in the store -------------------------------------------------------- */

static const char *data_path(const char *name)
{
    static char buf[4][4096];
    static int k;
    char *p = buf[k++ % 4];
    snprintf(p, 4096, "%s", cm_test_source(name));
    return p;
}

static const char *store_path(const char *name)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/%s", cm_test_tmpdir(), name);
    unlink(buf);
    return buf;
}

static void test_builtins_in_store(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    cm_store_t *st = NULL;
    cm_class_t *stored = NULL, *builtin = NULL;
    const char *path = store_path("class-builtin.db");
    CHECK_OK(cm_store_open(path, CM_STORE_CREATE, &st, &err), &err);
    const char *names[2] = {"country", "material"};
    for (int n = 0; n < 2; n++) {
        CHECK_OK(cm_class_load(st, names[n], &stored, &err), &err);
        CHECK_OK(cm_class_builtin(names[n], &builtin, &err), &err);
        /* the store holds the same codes, in the same order, resolving the same way */
        assert_int_equal(cm_class_size(stored), cm_class_size(builtin));
        for (size_t i = 0; i < cm_class_size(builtin); i++) {
            const char *code = cm_class_code(builtin, i);
            assert_string_equal(cm_class_code(stored, i), code);
            assert_int_equal(cm_class_is_aggregate(stored, code), cm_class_is_aggregate(builtin, code));
            const char *label = cm_class_label(builtin, code);
            if (label != NULL) {
                assert_string_equal(cm_class_label(stored, code), label);
                const char *a = cm_class_resolve(builtin, label);
                const char *b = cm_class_resolve(stored, label);
                assert_true((a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0));
            }
        }
        assert_int_equal(stored->nalias, builtin->nalias);
        cm_class_free(stored);
        cm_class_free(builtin);
        stored = builtin = NULL;
    }
    CHECK_OK(cm_class_load(st, "country", &stored, &err), &err);
    expect(stored, "ZAR", "COD");
    expect(stored, "T\xc3\xbcrkiye", "TUR");
    expect(stored, "New Caledonia11", "NCL");
    cm_class_free(stored);
    stored = NULL;
    CHECK_ERROR(cm_class_load(st, "hs6", &stored, &err), CM_ENOTFOUND);
    CHECK_ERROR(cm_class_load(st, "country", NULL, &err), CM_EINVAL);
    cm_store_close(st);
    unlink(path);
}

static void file_sha(const char *path, char hex[65])
{
    cm_error_info_t err = {0};
    CHECK_OK(cm_sha256_file(path, hex, &err), &err);
}

static void test_code_list_import(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    cm_store_t *st = NULL;
    cm_class_t *c = NULL;
    const char *path = store_path("class-import.db");
    CHECK_OK(cm_store_open(path, CM_STORE_CREATE, &st, &err), &err);
    CHECK_OK(cm_store_class_import(st, "hs6", data_path("tests/data/class/hs6_small.csv"), &err),
             &err);
    CHECK_OK(cm_class_load(st, "hs6", &c, &err), &err);
    assert_int_equal(cm_class_size(c), 8);
    assert_string_equal(cm_class_code(c, 0), "26");
    expect(c, "810520", "810520");
    expect(c, "cobalt scrap", "810530");
    expect(c, "Cobalt Scrap", "810530");
    expect(c, "HS 2605.00", "260500");
    expect(c, "Cobalt waste and scrap", "810530");
    /* a label shared by 2605 and 260500 names neither */
    expect(c, "Cobalt ores and concentrates", NULL);
    assert_string_equal(cm_class_parent(c, "810520"), "8105");
    assert_string_equal(cm_class_parent(c, "8105"), "81");
    assert_null(cm_class_parent(c, "81"));
    assert_string_equal(cm_class_label(c, "8105"),
                        "Cobalt mattes and other intermediate products of cobalt metallurgy; "
                        "cobalt and articles thereof");
    cm_class_free(c);
    c = NULL;

    /* semicolons, CRLF, quotes and an aggregate flag */
    CHECK_OK(cm_store_class_import(st, "cn8", data_path("tests/data/class/cn8_semicolon_crlf.csv"),
                                   &err),
             &err);
    CHECK_OK(cm_class_load(st, "cn8", &c, &err), &err);
    assert_int_equal(cm_class_size(c), 3);
    expect(c, "lithium hydroxide", "28259011");
    expect(c, "LiOH", "28259011");
    expect(c, "Li2CO3", "28369100");
    assert_true(cm_class_is_aggregate(c, "TOTAL"));
    assert_false(cm_class_is_aggregate(c, "28369100"));
    cm_class_free(c);
    c = NULL;

    /* importing again under the same name replaces the list */
    CHECK_OK(cm_store_class_import(st, "hs6", data_path("tests/data/class/hs6_replacement.csv"),
                                   &err),
             &err);
    CHECK_OK(cm_class_load(st, "hs6", &c, &err), &err);
    assert_int_equal(cm_class_size(c), 1);
    expect(c, "Kobalt", "8105");
    expect(c, "810520", NULL);
    cm_class_free(c);
    c = NULL;
    cm_store_summary_t sum;
    CHECK_OK(cm_store_summary(st, &sum, &err), &err);
    assert_int_equal(sum.classifications, 4);
    cm_store_close(st);
    st = NULL;

    /* every failure leaves the store file as it was and names the position */
    char before[65], after[65];
    file_sha(path, before);
    struct {
        const char *file;
        cm_error_t code;
        int64_t line, column;
        const char *text;
    } bad[] = {
        {"dup_code.csv", CM_EPARSE, 3, 1, "'0101' a second time"},
        {"no_label.csv", CM_EPARSE, 1, 2, "expected a header"},
        {"bad_aggregate.csv", CM_EPARSE, 2, 3, "expected 0 or 1"},
        {"alias_conflict.csv", CM_EINVAL, 0, 0, "alias 'same' names both A and B"},
        {"empty_code.csv", CM_EPARSE, 2, 1, "expected a code"},
        {"open_quote.csv", CM_EPARSE, -1, -1, ""},
        {"absent.csv", CM_EFILE, 0, 0, "absent.csv"},
    };
    CHECK_OK(cm_store_open(path, 0, &st, &err), &err);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char rel[256];
        snprintf(rel, sizeof rel, "tests/data/class/%s", bad[i].file);
        cm_error_clear(&err);
        cm_error_t rc = cm_store_class_import(st, "bad", data_path(rel), &err);
        if (rc != bad[i].code) {
            fail_msg("%s: got %s (%s), expected %s", bad[i].file, cm_strerror(rc), err.message,
                     cm_strerror(bad[i].code));
        }
        if (bad[i].line >= 0) {
            assert_int_equal(err.line, bad[i].line);
            assert_int_equal(err.column, bad[i].column);
        }
        if (strstr(err.message, bad[i].text) == NULL) {
            fail_msg("%s: message '%s' lacks '%s'", bad[i].file, err.message, bad[i].text);
        }
        if (bad[i].code == CM_EPARSE) {
            assert_non_null(strstr(err.file, bad[i].file));
        }
    }
    CHECK_ERROR(cm_store_class_import(st, "country", data_path("tests/data/class/hs6_small.csv"),
                                      &err),
                CM_EINVAL);
    CHECK_ERROR(cm_store_class_import(st, "", data_path("tests/data/class/hs6_small.csv"), &err),
                CM_EINVAL);
    CHECK_ERROR(cm_class_load(st, "bad", &c, &err), CM_ENOTFOUND);
    cm_store_close(st);
    file_sha(path, after);
    assert_string_equal(before, after);
    unlink(path);
}

static void test_normalisation(void **state)
{
    (void)state;
    char out[64];
    struct {
        const char *in, *out;
    } cases[] = {
        {"  Côte d’Ivoire ", "cote d ivoire"},
        {"T\xc3\x9cRKIYE", "turkiye"},
        {"Bosnia&Herzegovina", "bosnia and herzegovina"},
        {"S\xc3\xa3o Tom\xc3\xa9 and Pr\xc3\xadncipe", "sao tome and principe"},
        {"Stra\xc3\x9f" "e", "strasse"},
        {"R\xc3\xa9union", "reunion"},
        {"R\xe9union", "reunion"}, /* a Windows-1252 byte on its own */
        {"Korea, Rep.", "korea rep"},
        {"...", ""},
        {"\xe4\xb8\xad\xe5\x9b\xbd", "\xe4\xb8\xad\xe5\x9b\xbd"}, /* other scripts kept */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = cm_i_class_norm(cases[i].in, strlen(cases[i].in), out, sizeof out);
        assert_int_not_equal(n, (size_t)-1);
        assert_string_equal(out, cases[i].out);
        assert_int_equal(n, strlen(cases[i].out));
    }
    /* too long for the buffer */
    assert_int_equal(cm_i_class_norm("abcdefghij", 10, out, 5), (size_t)-1);
    /* idempotent */
    char again[64];
    cm_i_class_norm("Congo, Dem. Rep. of the", 23, out, sizeof out);
    cm_i_class_norm(out, strlen(out), again, sizeof again);
    assert_string_equal(out, again);
}

static void test_class_alloc_failures(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    int ok = 0;
    for (long n = 0; n < 200000 && !ok; n += (n < 300 ? 1 : 211)) {
        cm_class_t *c = NULL;
        cm_test_fail_alloc_after(n);
        cm_error_t rc = cm_class_builtin("material", &c, &err);
        cm_test_fail_alloc_after(-1);
        if (rc == CM_OK) {
            ok = 1;
            expect(c, "Co", "cobalt");
        } else {
            assert_int_equal(rc, CM_ENOMEM);
            assert_null(c);
        }
        cm_class_free(c);
    }
    assert_true(ok);
}

/* --- concordances ------------------------------------------------------------------------ */

static double weight_sum;
static int weight_rows;
static cm_error_t sum_weights(int n, const char *const *names, const char *const *values, void *ud)
{
    (void)names;
    (void)ud;
    assert_int_equal(n, 1);
    weight_sum += strtod(values[0], NULL);
    weight_rows++;
    return CM_OK;
}

static void test_concordance_import(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    cm_store_t *st = NULL;
    int64_t pairs = -1;
    const char *path = store_path("concord.db");
    CHECK_OK(cm_store_open(path, CM_STORE_CREATE, &st, &err), &err);
    CHECK_OK(cm_store_concordance_import(st, "cn8-prodcom",
                                         data_path("tests/data/class/cn8_prodcom.csv"), &pairs,
                                         &err),
             &err);
    assert_int_equal(pairs, 4);
    /* the split of 28369100 keeps its mass: weights sum to 1; the empty weight is 1 */
    weight_sum = 0;
    weight_rows = 0;
    CHECK_OK(cm_store_query(st, "SELECT weight FROM concordance WHERE name = 'cn8-prodcom' AND"
                                " from_code = '28369100'",
                            sum_weights, NULL, &err),
             &err);
    assert_int_equal(weight_rows, 2);
    ASSERT_NEAR(weight_sum, 1.0, 1e-15, 0);
    weight_sum = 0;
    weight_rows = 0;
    CHECK_OK(cm_store_query(st, "SELECT weight FROM concordance WHERE from_code = '81052000'",
                            sum_weights, NULL, &err),
             &err);
    assert_int_equal(weight_rows, 1);
    ASSERT_NEAR(weight_sum, 1.0, 0, 0);
    /* without a weight column every pair weighs 1 (an n:1 aggregation) */
    CHECK_OK(cm_store_concordance_import(st, "abc-x",
                                         data_path("tests/data/class/concord_noweight.csv"),
                                         &pairs, &err),
             &err);
    assert_int_equal(pairs, 3);
    /* importing again replaces */
    CHECK_OK(cm_store_concordance_import(st, "abc-x",
                                         data_path("tests/data/class/concord_noweight.csv"), NULL,
                                         &err),
             &err);
    cm_store_summary_t sum;
    CHECK_OK(cm_store_summary(st, &sum, &err), &err);
    assert_int_equal(sum.concordance_pairs, 7);

    /* load into a cm_concordance_t: triples in file order, weights kept */
    cm_concordance_t cc;
    memset(&cc, 0, sizeof cc);
    CHECK_OK(cm_store_concordance_load(st, "cn8-prodcom", &cc, &err), &err);
    assert_string_equal(cc.name, "cn8-prodcom");
    assert_int_equal(cc.n, 4);
    assert_string_equal(cc.from[0], "28259011");
    assert_string_equal(cc.to[0], "20.13.25");
    assert_string_equal(cc.from[2], "28369100");
    assert_string_equal(cc.to[2], "20.13.44");
    ASSERT_NEAR(cc.weight[1], 0.6, 1e-15, 0);
    ASSERT_NEAR(cc.weight[2], 0.4, 1e-15, 0);
    ASSERT_NEAR(cc.weight[3], 1.0, 0, 0);
    /* every from splits its mass exactly: a loaded concordance passes the split check */
    CHECK_OK(cm_concordance_check_split(&cc, 1e-12, &err), &err);
    /* loading into a used concordance replaces it; an n:1 list is not a split of 1 for sums */
    CHECK_OK(cm_store_concordance_load(st, "abc-x", &cc, &err), &err);
    assert_int_equal(cc.n, 3);
    assert_string_equal(cc.name, "abc-x");
    CHECK_ERROR(cm_store_concordance_load(st, "nope", &cc, &err), CM_ENOTFOUND);
    assert_int_equal(cc.n, 0);
    CHECK_ERROR(cm_store_concordance_load(st, NULL, &cc, &err), CM_EINVAL);
    cm_concordance_destroy(&cc);
    /* allocation failures while loading leave nothing behind */
    int loaded = 0;
    for (long k = 0; k < 1000 && !loaded; k++) {
        cm_test_fail_alloc_after(k);
        cm_error_t lrc = cm_store_concordance_load(st, "cn8-prodcom", &cc, &err);
        cm_test_fail_alloc_after(-1);
        if (lrc == CM_OK) {
            loaded = 1;
            assert_int_equal(cc.n, 4);
        } else {
            assert_int_equal(lrc, CM_ENOMEM);
            assert_int_equal(cc.n, 0);
        }
        cm_concordance_destroy(&cc);
    }
    assert_true(loaded);
    cm_store_close(st);
    st = NULL;

    char before[65], after[65];
    file_sha(path, before);
    struct {
        const char *file;
        cm_error_t code;
        int64_t line, column;
        const char *text;
    } bad[] = {
        {"concord_negative.csv", CM_EPARSE, 3, 3, "got '-0.5'"},
        {"concord_text.csv", CM_EPARSE, 3, 3, "got 'half'"},
        {"concord_badheader.csv", CM_EPARSE, 1, 1, "expected a header from,to"},
        {"concord_duplicate.csv", CM_EPARSE, 3, 1, "A -> X a second time"},
        {"absent.csv", CM_EFILE, -1, -1, "absent.csv"},
    };
    CHECK_OK(cm_store_open(path, 0, &st, &err), &err);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char rel[256];
        snprintf(rel, sizeof rel, "tests/data/class/%s", bad[i].file);
        cm_error_clear(&err);
        cm_error_t rc = cm_store_concordance_import(st, "abc-x", data_path(rel), &pairs, &err);
        if (rc != bad[i].code) {
            fail_msg("%s: got %s (%s), expected %s", bad[i].file, cm_strerror(rc), err.message,
                     cm_strerror(bad[i].code));
        }
        if (bad[i].line >= 0) {
            assert_int_equal(err.line, bad[i].line);
            assert_int_equal(err.column, bad[i].column);
            assert_non_null(strstr(err.file, bad[i].file));
        }
        if (strstr(err.message, bad[i].text) == NULL && strstr(err.file, bad[i].text) == NULL) {
            fail_msg("%s: message '%s' lacks '%s'", bad[i].file, err.message, bad[i].text);
        }
    }
    CHECK_ERROR(cm_store_concordance_import(st, "", data_path("tests/data/class/cn8_prodcom.csv"),
                                            NULL, &err),
                CM_EINVAL);
    cm_store_close(st);
    file_sha(path, after);
    assert_string_equal(before, after); /* a failed import leaves the earlier pairs in place */
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CM_TEST(test_country_examples),
        CM_TEST(test_material_examples),
        CM_TEST(test_shared_country_spellings),
        CM_TEST(test_shared_material_names),
        CM_TEST(test_builtins_in_store),
        CM_TEST(test_code_list_import),
        CM_TEST(test_normalisation),
        CM_TEST(test_class_alloc_failures),
        CM_TEST(test_concordance_import),
    };
    return CM_RUN_TESTS(tests);
}

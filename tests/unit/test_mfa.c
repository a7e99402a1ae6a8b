/* EW-MFA: the importers (Eurostat TSV, JSON-stat, SDMX-CSV, UNEP-IRP) on small fixtures and on
 * the shared Belgian files, the identity checks (the UNEP-IRP extract holds them exactly, a
 * corrupted copy is caught), indicators by hand, revisions between releases, bad input and
 * allocation failures. */
#include "test_ingest_util.h"

/* --- helpers ------------------------------------------------------------------------------ */

static const char *fixture(const char *name, char *buf, size_t n)
{
    char rel[256];
    snprintf(rel, sizeof rel, "tests/data/mfa/%s", name);
    return src_path(rel, buf, n);
}

static const char *write_bin(const char *name, const char *data, size_t len)
{
    static char path[4096];
    FILE *f = NULL;
    snprintf(path, sizeof path, "%s/%s", cm_test_tmpdir(), name);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    return path;
}

static const char *write_tmp(const char *name, const char *text)
{
    return write_bin(name, text, strlen(text));
}

static void import_ok(cm_store_t *s, const char *kind, const char *path, const char *version,
                      cm_import_report_t *r)
{
    cm_error_info_t err;
    cm_import_options_t opt;
    memset(&err, 0, sizeof err);
    memset(&opt, 0, sizeof opt);
    opt.version = version;
    CHECK_OK(cm_import_file(s, kind, path, &opt, r, &err), &err);
}

/* The import must fail with \p code at \p line:\p col and a message containing \p text. */
static void import_fails(const char *kind, const char *path, cm_error_t code, int64_t line,
                         int64_t col, const char *text)
{
    char db[4096];
    cm_store_t *s = fresh_store("bad", db, sizeof db);
    cm_error_info_t err;
    memset(&err, 0, sizeof err);
    CHECK_ERROR(cm_import_file(s, kind, path, NULL, NULL, &err), code);
    if (line >= 0) {
        assert_int_equal(err.line, line);
        assert_int_equal(err.column, col);
    }
    if (strstr(err.message, text) == NULL) {
        fail_msg("message '%s' lacks '%s'", err.message, text);
    }
    assert_int_equal(query1(s, "SELECT count(*) FROM dataset").value, 0);
    cm_store_close(s);
}

static const cm_mfa_record_t *find_rec(const cm_mfa_data_t *d, const char *region, const char *ind,
                                       const char *mat, int year)
{
    for (size_t i = 0; i < d->n; i++) {
        const cm_mfa_record_t *r = &d->items[i];
        if (strcmp(r->region, region) == 0 && strcmp(r->indicator, ind) == 0 &&
            strcmp(r->material, mat) == 0 && r->year == year) {
            return r;
        }
    }
    return NULL;
}

static const cm_mfa_value_t *find_val(const cm_mfa_table_t *t, const char *region, int year,
                                      const char *mat, const char *ind)
{
    for (size_t i = 0; i < t->n; i++) {
        const cm_mfa_value_t *v = &t->items[i];
        if (strcmp(v->region, region) == 0 && v->year == year && strcmp(v->material, mat) == 0 &&
            strcmp(v->indicator, ind) == 0) {
            return v;
        }
    }
    return NULL;
}

static void rec(cm_mfa_data_t *d, const char *series, const char *ind, const char *mat, int year,
                double value, const char *unit, int64_t dataset, const char *release)
{
    cm_mfa_record_t r;
    cm_error_info_t err;
    memset(&r, 0, sizeof r);
    memset(&err, 0, sizeof err);
    snprintf(r.series, sizeof r.series, "%s", series);
    snprintf(r.indicator, sizeof r.indicator, "%s", ind);
    snprintf(r.material, sizeof r.material, "%s", mat);
    snprintf(r.region, sizeof r.region, "BEL");
    snprintf(r.unit, sizeof r.unit, "%s", unit);
    snprintf(r.release, sizeof r.release, "%s", release);
    snprintf(r.version, sizeof r.version, "%s", release);
    r.year = year;
    r.value = value;
    r.dataset_id = dataset;
    r.line = 7;
    CHECK_OK(cm_mfa_data_add(d, &r, &err), &err);
}

/* --- importers on fixtures ------------------------------------------------------------------ */

static void test_tsv_fixture(void **state)
{
    char db[4096], f[4096];
    cm_store_t *s = fresh_store("tsv", db, sizeof db);
    cm_import_report_t r;
    cm_mfa_data_t d;
    cm_error_info_t err;
    const cm_mfa_record_t *x = NULL;
    (void)state;
    memset(&r, 0, sizeof r);
    memset(&d, 0, sizeof d);
    memset(&err, 0, sizeof err);
    import_ok(s, "eurostat-tsv", fixture("estat_env_ac_mfa_fixture.tsv", f, sizeof f), NULL, &r);
    assert_int_equal(r.records, 6);
    assert_int_equal(r.rows, 9); /* 6 values of 2021, DE and DMC of 2022, IMP 2022 flag c only */
    assert_int_equal(quirk_count(&r, "missing-value", NULL), 4);
    assert_int_equal(quirk_count(&r, "flag", "p"), 1);
    assert_int_equal(quirk_count(&r, "flag", "c"), 1);
    assert_int_equal(quirk_count(&r, "flag", "e"), 1);
    /* every missing cell is an issue naming its line and column */
    assert_int_equal(query1(s, "SELECT count(*) FROM import_issue WHERE kind = 'missing-value' "
                               "AND line > 0 AND col = 3")
                         .value,
                     4);
    assert_int_equal(query1(s, "SELECT line FROM import_issue WHERE kind = 'missing-value' "
                               "AND detail LIKE '%EXP%'")
                         .value,
                     4);
    /* no zero was stored for a missing year */
    assert_int_equal(query1(s, "SELECT count(*) FROM observation WHERE value = 0").value, 0);
    CHECK_OK(cm_mfa_load(s, "BE", &d, &err), &err);
    assert_int_equal(d.n, 9);
    x = find_rec(&d, "BEL", "DMC", "TOTAL", 2021);
    assert_non_null(x);
    ASSERT_NEAR(x->value, 250.25, 0, 0);
    assert_string_equal(x->unit, "kt");
    assert_string_equal(x->flag, "e");
    assert_string_equal(x->series, "ewmfa");
    assert_int_equal(x->line, 6);
    x = find_rec(&d, "BEL", "IMP", "TOTAL", 2022);
    assert_non_null(x);
    assert_true(isnan(x->value));
    assert_string_equal(x->flag, "c");
    x = find_rec(&d, "BEL", "DE", "TOTAL", 2022);
    assert_non_null(x);
    ASSERT_NEAR(x->value, 110, 0, 0);
    assert_string_equal(x->flag, "p");
    cm_mfa_data_destroy(&d);
    cm_import_report_destroy(&r);
    cm_store_close(s);
}

static void test_sdmx_fixture(void **state)
{
    char db[4096], f[4096];
    cm_store_t *s = fresh_store("sdmx", db, sizeof db);
    cm_import_report_t r;
    cm_mfa_data_t d;
    cm_error_info_t err;
    const cm_mfa_record_t *x = NULL;
    (void)state;
    memset(&r, 0, sizeof r);
    memset(&d, 0, sizeof d);
    memset(&err, 0, sizeof err);
    import_ok(s, "auto", fixture("estat_env_ac_mfa_fixture.sdmx.csv", f, sizeof f), NULL, &r);
    assert_string_equal(r.kind, "eurostat-sdmx-csv");
    assert_int_equal(r.records, 3);
    assert_int_equal(r.rows, 2);
    assert_int_equal(quirk_count(&r, "missing-value", NULL), 1);
    /* the release is LAST UPDATE, as an ISO date */
    assert_string_equal(query1(s, "SELECT version FROM dataset").text, "2026-07-02 11:00:00");
    assert_int_equal(query1(s, "SELECT line FROM import_issue WHERE kind = 'missing-value'").value,
                     4);
    CHECK_OK(cm_mfa_load(s, "BEL", &d, &err), &err);
    assert_int_equal(d.n, 2);
    x = find_rec(&d, "BEL", "DMC", "TOTAL", 2022);
    assert_non_null(x);
    ASSERT_NEAR(x->value, 261, 0, 0);
    assert_string_equal(x->flag, "p");
    assert_string_equal(x->release, "2026-07-02 11:00:00");
    cm_mfa_data_destroy(&d);
    cm_import_report_destroy(&r);
    cm_store_close(s);
}

static void test_jsonstat_fixture(void **state)
{
    char db[4096], f[4096];
    cm_store_t *s = fresh_store("jst", db, sizeof db);
    cm_import_report_t r;
    cm_mfa_data_t d;
    cm_error_info_t err;
    const cm_mfa_record_t *x = NULL;
    (void)state;
    memset(&r, 0, sizeof r);
    memset(&d, 0, sizeof d);
    memset(&err, 0, sizeof err);
    import_ok(s, "eurostat-jsonstat", fixture("env_ac_cur_fixture.json", f, sizeof f), NULL, &r);
    assert_int_equal(r.records, 4);
    assert_int_equal(r.rows, 4); /* 3 values + NL 2022 with flag c and no value */
    assert_int_equal(quirk_count(&r, "missing-value", NULL), 1);
    assert_string_equal(query1(s, "SELECT version FROM dataset").text, "2025-11-24T23:00:00+0100");
    assert_string_equal(query1(s, "SELECT name FROM dataset").text,
                        "Eurostat env_ac_cur (JSON-stat)");
    /* the missing cell is named by its flat index (column = index + 1) */
    assert_int_equal(query1(s, "SELECT col FROM import_issue WHERE kind = 'missing-value'").value,
                     4);
    CHECK_OK(cm_mfa_load(s, NULL, &d, &err), &err);
    assert_int_equal(d.n, 4);
    x = find_rec(&d, "BEL", "CMU", "TOTAL", 2022);
    assert_non_null(x);
    ASSERT_NEAR(x->value, 17.8, 0, 0);
    assert_string_equal(x->flag, "p");
    assert_string_equal(x->series, "cmu_rate");
    assert_string_equal(x->unit, "%");
    x = find_rec(&d, "NLD", "CMU", "TOTAL", 2021);
    assert_non_null(x);
    ASSERT_NEAR(x->value, 30.6, 0, 0);
    x = find_rec(&d, "NLD", "CMU", "TOTAL", 2022);
    assert_non_null(x);
    assert_true(isnan(x->value));
    assert_string_equal(x->flag, "c");
    cm_mfa_data_destroy(&d);
    cm_import_report_destroy(&r);
    cm_store_close(s);
}

static void test_unep_fixture(void **state)
{
    char db[4096], f[4096];
    cm_store_t *s = fresh_store("unep", db, sizeof db);
    cm_import_report_t r;
    cm_mfa_data_t d;
    cm_mfa_violations_t v;
    cm_error_info_t err;
    (void)state;
    memset(&r, 0, sizeof r);
    memset(&d, 0, sizeof d);
    memset(&v, 0, sizeof v);
    memset(&err, 0, sizeof err);
    import_ok(s, "auto", fixture("unep_fixture.csv", f, sizeof f), NULL, &r);
    assert_string_equal(r.kind, "unep-irp-mfa");
    assert_int_equal(r.records, 7);
    assert_int_equal(r.kept_aside, 1); /* Atlantis */
    assert_int_equal(r.rows, 9);
    assert_int_equal(quirk_count(&r, "missing-value", NULL), 3);
    assert_int_equal(query1(s, "SELECT count(*) FROM import_issue WHERE kind = 'missing-value' "
                               "AND col = 7")
                         .value,
                     3);
    CHECK_OK(cm_mfa_load(s, "Belgium", &d, &err), &err);
    assert_int_equal(d.n, 9);
    ASSERT_NEAR(find_rec(&d, "BEL", "DMC", "Ferrous ores", 2020)->value, 610, 0, 0);
    assert_null(find_rec(&d, "BEL", "EXP", "Ferrous ores", 2021));
    CHECK_OK(cm_mfa_check(&d, -1, -1, &v, &err), &err);
    assert_int_equal(v.checked, 4); /* 2020: three identities; 2021: DMI = DE + IMP only */
    assert_int_equal(v.n, 0);
    cm_mfa_violations_destroy(&v);
    cm_mfa_data_destroy(&d);
    cm_import_report_destroy(&r);
    cm_store_close(s);
}

/* --- bad input --------------------------------------------------------------------------- */

static void test_bad_input(void **state)
{
    const char *p = NULL;
    (void)state;
    p = write_tmp("estat_env_ac_mfa_bad1.tsv", "freq,unit,geo\t2021\nA,PC,BE\t1\n");
    import_fails("eurostat-tsv", p, CM_EPARSE, 1, 1, "expected a first column");
    p = write_tmp("estat_env_ac_mfa_bad2.tsv", "freq,unit,geo\\TIME_PERIOD\t2021 \t2022 \n"
                                               "A,PC,BE\t1.5 \t12.5 x\n");
    import_fails("eurostat-tsv", p, CM_EPARSE, 2, 3, "expected Eurostat flag letters");
    p = write_tmp("estat_env_ac_mfa_bad3.tsv", "freq,unit,geo\\TIME_PERIOD\t2021 \t2022 \n"
                                               "A,PC,BE\tabc \t1\n");
    import_fails("eurostat-tsv", p, CM_EPARSE, 2, 2, "expected a number, ':'");
    p = write_tmp("estat_env_ac_mfa_bad4.tsv", "freq,unit,geo\\TIME_PERIOD\t2021 \n"
                                               "A,BE\t1\n");
    import_fails("eurostat-tsv", p, CM_EPARSE, 2, 1, "expected 3 comma-separated codes");
    p = write_tmp("estat_env_ac_mfa_bad5.tsv", "freq,unit,geo\\TIME_PERIOD\t2021 \t20x2 \n"
                                               "A,PC,BE\t1\t2\n");
    import_fails("eurostat-tsv", p, CM_EPARSE, 1, 3, "expected a four-digit year");
    p = write_tmp("estat_env_ac_mfa_bad6.tsv", "freq,unit,geo\\TIME_PERIOD\t2021 \n");
    import_fails("eurostat-tsv", p, CM_EPARSE, 2, 1, "header only");
    p = write_tmp("unep_bad.csv", "\"Country\",\"Category\",\"Flow name\",\"Flow code\","
                                  "\"Flow unit\",\"2020\",\"2021\"\n"
                                  "\"Belgium\",\"Ferrous ores\",\"Imports\",\"IMP\",\"t\","
                                  "\"10\",\"1O\"\n");
    import_fails("unep-irp-mfa", p, CM_EPARSE, 2, 7, "expected a number");
    p = write_tmp("unep_bad2.csv", "\"Country\",\"Category\",\"Flow name\",\"Flow code\","
                                   "\"Flow unit\",\"2020\"\n"
                                   "\"Belgium\",\"Ferrous ores\",\"Imports\",\"XYZ\",\"t\","
                                   "\"10\"\n");
    import_fails("unep-irp-mfa", p, CM_EPARSE, 2, 4, "expected DE, IMP, EXP, DMI, DMC or PTB");
    p = write_tmp("unep_bad3.csv", "\"Country\",\"Category\",\"Flow name\",\"Flow code\","
                                   "\"Flow unit\"\n\"Belgium\",\"Ferrous ores\",\"Imports\","
                                   "\"IMP\",\"t\"\n");
    import_fails("unep-irp-mfa", p, CM_EPARSE, 1, 6, "expected year columns");
    p = write_tmp("sdmx_bad.csv", "DATAFLOW,LAST UPDATE,freq,unit,geo,TIME_PERIOD,OBS_VALUE,"
                                  "OBS_FLAG\nESTAT:ENV_AC_CUR(1.0),24/11/25 23:00:00,A,PC,BE,"
                                  "2021,21.3,!\n");
    import_fails("eurostat-sdmx-csv", p, CM_EPARSE, 2, 8, "expected Eurostat flag letters");
    p = write_tmp("sdmx_bad2.csv", "DATAFLOW,LAST UPDATE,freq,unit,geo,TIME_PERIOD,OBS_VALUE\n"
                                   "ESTAT:ENV_AC_CUR(1.0),24/11/25 23:00:00,A,PC,BE,2021Q1,"
                                   "21.3\n");
    import_fails("eurostat-sdmx-csv", p, CM_EPARSE, 2, 7, "expected an annual time period");
    p = write_tmp("jst_bad.json", "{\"version\":\"1.0\",\"class\":\"dataset\"}");
    import_fails("eurostat-jsonstat", p, CM_EPARSE, 1, 1, "\"version\": \"2.0\"");
    p = write_tmp("jst_bad2.json", "{\"version\":\"2.0\", \"id\": [");
    import_fails("eurostat-jsonstat", p, CM_EPARSE, -1, -1, "invalid JSON");
    p = write_tmp("jst_bad3.json", "{\"version\":\"2.0\",\"id\":[\"geo\",\"time\"],\"size\":[1,1],"
                                   "\"dimension\":{\"geo\":{\"category\":{\"index\":{\"BE\":0}}},"
                                   "\"time\":{\"category\":{\"index\":{\"2021\":0}}}},"
                                   "\"value\":[\"12\"]}");
    import_fails("eurostat-jsonstat", p, CM_EPARSE, 1, 1, "expected a number or null");
    p = write_tmp("jst_bad4.json", "{\"version\":\"2.0\",\"id\":[\"geo\",\"time\"],\"size\":[1,2],"
                                   "\"dimension\":{\"geo\":{\"category\":{\"index\":{\"BE\":0}}},"
                                   "\"time\":{\"category\":{\"index\":{\"2021\":0,\"2022\":5}}}},"
                                   "\"value\":[1,2]}");
    import_fails("eurostat-jsonstat", p, CM_EPARSE, 1, 1, "within the dimension size");
    import_fails("eurostat-jsonstat", "/nonexistent/x.json", CM_EFILE, -1, -1, "cannot open");
    {
        static const char gz[] = "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03garbage, not deflate";
        p = write_bin("jst_bad5.json.gz", gz, sizeof gz - 1);
    }
    import_fails("eurostat-jsonstat", p, CM_EFILE, -1, -1, "corrupt gzip data");
}

/* A missing year column between two years is an issue, not an error. */
static void test_tsv_year_gap(void **state)
{
    char db[4096];
    cm_store_t *s = fresh_store("gap", db, sizeof db);
    cm_import_report_t r;
    const char *p =
        write_tmp("estat_cei_srm030_gap.tsv", "freq,unit,geo\\TIME_PERIOD\t2019 \t2021 \n"
                                              "A,PC,BE\t20.5 \t21.4 \n");
    (void)state;
    memset(&r, 0, sizeof r);
    import_ok(s, "eurostat-tsv", p, NULL, &r);
    assert_int_equal(r.rows, 2);
    assert_string_equal(query1(s, "SELECT detail FROM import_issue WHERE kind = 'year-gap'").text,
                        "years 2019 and 2021");
    assert_int_equal(query1(s, "SELECT col FROM import_issue WHERE kind = 'year-gap'").value, 3);
    cm_import_report_destroy(&r);
    cm_store_close(s);
}

/* --- identities ---------------------------------------------------------------------------- */

static cm_store_t *unep_store(const char *name, const char *path)
{
    char db[4096];
    cm_store_t *s = fresh_store(name, db, sizeof db);
    cm_import_report_t r;
    memset(&r, 0, sizeof r);
    import_ok(s, "unep-irp-mfa", path, NULL, &r);
    cm_import_report_destroy(&r);
    return s;
}

/* cm_test_shared returns a static buffer: keep a copy (NULL when absent). */
static const char *shared(const char *rel, char *buf, size_t n)
{
    const char *p = cm_test_shared(rel);
    if (p == NULL) {
        return NULL;
    }
    snprintf(buf, n, "%s", p);
    return buf;
}

#define UNEP_EXTRACT "unep-irp-mfa-belgium/unep_irp_mfa13_belgium_minerals_extract.csv"

static void test_unep_identities_exact(void **state)
{
    char pb[4096];
    const char *path = shared(UNEP_EXTRACT, pb, sizeof pb);
    cm_store_t *s = NULL;
    cm_mfa_data_t d;
    cm_mfa_violations_t v;
    cm_error_info_t err;
    (void)state;
    if (path == NULL) {
        skip();
    }
    memset(&d, 0, sizeof d);
    memset(&v, 0, sizeof v);
    memset(&err, 0, sizeof err);
    s = unep_store("unep_real", path);
    CHECK_OK(cm_mfa_load(s, "BE", &d, &err), &err);
    assert_int_equal(d.n, 24 * 55);
    /* with the documented tolerance: no violation */
    CHECK_OK(cm_mfa_check(&d, -1, -1, &v, &err), &err);
    assert_int_equal(v.checked, 4 * 55 * 3);
    assert_int_equal(v.n, 0);
    /* with none: the published whole tonnes are rounded, so 140 of the 660 identities are
     * off by exactly 1 t (30 DMI, 57 DMC, 53 PTB), none by more */
    CHECK_OK(cm_mfa_check(&d, 0, 0, &v, &err), &err);
    assert_int_equal(v.checked, 660);
    assert_int_equal(v.n, 140);
    {
        size_t n_dmi = 0, n_dmc = 0, n_ptb = 0;
        for (size_t i = 0; i < v.n; i++) {
            ASSERT_NEAR(fabs(v.items[i].diff), 1.0, 0, 0);
            n_dmi += strncmp(v.items[i].identity, "DMI", 3) == 0;
            n_dmc += strncmp(v.items[i].identity, "DMC", 3) == 0;
            n_ptb += strncmp(v.items[i].identity, "PTB", 3) == 0;
        }
        assert_int_equal(n_dmi, 30);
        assert_int_equal(n_dmc, 57);
        assert_int_equal(n_ptb, 53);
    }
    /* within 1 t they hold exactly */
    CHECK_OK(cm_mfa_check(&d, 0, 1.0, &v, &err), &err);
    assert_int_equal(v.n, 0);
    cm_mfa_violations_destroy(&v);
    cm_mfa_data_destroy(&d);
    cm_store_close(s);
}

/* Copy \p src replacing the first occurrence of \p from (quoted cell) by \p to. */
static const char *corrupt_copy(const char *src, const char *from, const char *to)
{
    static char out[4096];
    char *text = NULL, *hit = NULL;
    size_t len = 0;
    cm_error_info_t err;
    FILE *f = NULL;
    memset(&err, 0, sizeof err);
    CHECK_OK(cm_file_read_all(src, 1 << 20, &text, &len, &err), &err);
    hit = strstr(text, from);
    assert_non_null(hit);
    snprintf(out, sizeof out, "%s/corrupt.csv", cm_test_tmpdir());
    f = fopen(out, "wb");
    assert_non_null(f);
    fwrite(text, 1, (size_t)(hit - text), f);
    fputs(to, f);
    fputs(hit + strlen(from), f);
    fclose(f);
    cm_free(text);
    return out;
}

static void test_unep_corrupted(void **state)
{
    char pb[4096];
    const char *path = shared(UNEP_EXTRACT, pb, sizeof pb);
    const char *bad = NULL;
    cm_store_t *s = NULL;
    cm_mfa_data_t d;
    cm_mfa_violations_t v;
    cm_error_info_t err;
    (void)state;
    if (path == NULL) {
        skip();
    }
    memset(&d, 0, sizeof d);
    memset(&v, 0, sizeof v);
    memset(&err, 0, sizeof err);
    /* the 2009 DMC of ferrous ores (-614168 t), 1,000 t off */
    bad = corrupt_copy(path, "\"-614168\"", "\"-613168\"");
    s = unep_store("unep_bad", bad);
    CHECK_OK(cm_mfa_load(s, "BE", &d, &err), &err);
    CHECK_OK(cm_mfa_check(&d, -1, -1, &v, &err), &err);
    assert_int_equal(v.n, 1);
    assert_string_equal(v.items[0].identity, "DMC = DMI - EXP");
    assert_string_equal(v.items[0].series, "ewmfa");
    assert_string_equal(v.items[0].material, "Ferrous ores");
    assert_string_equal(v.items[0].region, "BEL");
    assert_int_equal(v.items[0].year, 2009);
    assert_int_equal(v.items[0].line, 3);
    ASSERT_NEAR(v.items[0].diff, 1000, 0, 1.0); /* 1,000 t + the published rounding */
    ASSERT_NEAR(v.items[0].lhs, -613168, 0, 0);
    /* a tolerance above the error hides it */
    CHECK_OK(cm_mfa_check(&d, 0, 1001.5, &v, &err), &err);
    assert_int_equal(v.n, 0);
    cm_mfa_violations_destroy(&v);
    cm_mfa_data_destroy(&d);
    cm_store_close(s);
}

static void test_identities_memory(void **state)
{
    cm_mfa_data_t d;
    cm_mfa_violations_t v;
    cm_error_info_t err;
    (void)state;
    memset(&d, 0, sizeof d);
    memset(&v, 0, sizeof v);
    memset(&err, 0, sizeof err);
    /* a complete DE hierarchy TOTAL = MF1..MF4 (kt), one sub-level MF2 = MF21 + MF22 */
    rec(&d, "ewmfa", "DE", "MF1", 2020, 10, "kt", 1, "2024-01-01");
    rec(&d, "ewmfa", "DE", "MF2", 2020, 5, "kt", 1, "2024-01-01");
    rec(&d, "ewmfa", "DE", "MF21", 2020, 2, "kt", 1, "2024-01-01");
    rec(&d, "ewmfa", "DE", "MF22", 2020, 3.5, "kt", 1, "2024-01-01"); /* 0.5 kt too much */
    rec(&d, "ewmfa", "DE", "MF3", 2020, 20, "kt", 1, "2024-01-01");
    rec(&d, "ewmfa", "DE", "MF4", 2020, 1, "kt", 1, "2024-01-01");
    rec(&d, "ewmfa", "DE", "TOTAL", 2020, 36.004, "kt", 1, "2024-01-01"); /* 4 t off: ok */
    /* RME identities of TOTAL in another release */
    rec(&d, "ewmfa_rme", "DE", "TOTAL", 2020, 100, "t", 2, "2024-02-01");
    rec(&d, "ewmfa_rme", "IMP", "TOTAL", 2020, 300, "t", 2, "2024-02-01");
    rec(&d, "ewmfa_rme", "EXP", "TOTAL", 2020, 150, "t", 2, "2024-02-01");
    rec(&d, "ewmfa_rme", "RMI", "TOTAL", 2020, 400, "t", 2, "2024-02-01");
    rec(&d, "ewmfa_rme", "RMC", "TOTAL", 2020, 260, "t", 2, "2024-02-01"); /* 10 t off */
    rec(&d, "ewmfa_rme", "RTB", "TOTAL", 2020, 150, "t", 2, "2024-02-01");
    CHECK_OK(cm_mfa_check(&d, -1, -1, &v, &err), &err);
    assert_int_equal(v.checked, 2 + 3);
    assert_int_equal(v.n, 2);
    /* sorted by region, series, material: ewmfa MF2 before ewmfa_rme TOTAL */
    assert_string_equal(v.items[0].identity, "TOTAL = sum of categories");
    assert_string_equal(v.items[0].material, "MF2");
    assert_string_equal(v.items[0].indicator, "DE");
    ASSERT_NEAR(v.items[0].diff, -500, 1e-12, 1e-9);
    assert_string_equal(v.items[1].identity, "RMC = RMI - EXP");
    assert_int_equal(v.items[1].dataset_id, 2);
    ASSERT_NEAR(v.items[1].diff, 10, 0, 1e-12);
    /* with no tolerance the 4 t of TOTAL count too */
    CHECK_OK(cm_mfa_check(&d, 0, 0, &v, &err), &err);
    assert_int_equal(v.n, 3);
    /* an incomplete hierarchy (MF4 missing) is not checked */
    d.items[5] = d.items[6];
    d.n = 6;
    CHECK_OK(cm_mfa_check(&d, 0, 0, &v, &err), &err);
    assert_int_equal(v.checked, 1); /* MF2 = MF21 + MF22 only */
    cm_mfa_violations_destroy(&v);
    cm_mfa_data_destroy(&d);
}

/* --- indicators ---------------------------------------------------------------------------- */

static void test_indicators_memory(void **state)
{
    cm_mfa_data_t d;
    cm_mfa_table_t t;
    cm_error_info_t err;
    const cm_mfa_value_t *v = NULL;
    (void)state;
    memset(&d, 0, sizeof d);
    memset(&t, 0, sizeof t);
    memset(&err, 0, sizeof err);
    rec(&d, "ewmfa", "DE", "TOTAL", 2020, 60, "Mt", 1, "2024-01-01");
    rec(&d, "ewmfa", "IMP", "TOTAL", 2020, 140, "Mt", 1, "2024-01-01");
    rec(&d, "ewmfa", "EXP", "TOTAL", 2020, 100, "Mt", 1, "2024-01-01");
    rec(&d, "ewmfa", "DMC", "TOTAL", 2020, 99, "Mt", 1, "2024-01-01"); /* older release */
    rec(&d, "ewmfa", "DMC", "TOTAL", 2020, 100000, "kt", 2, "2025-01-01");
    rec(&d, "ewmfa", "DMC", "TOTAL", 2020, 7, "t/cap", 2, "2025-01-01"); /* not a mass */
    rec(&d, "cmu_rate", "U", "TOTAL", 2020, 25e6, "t", 3, "2025-01-01");
    rec(&d, "cmu_rate", "CMU", "TOTAL", 2020, 19.9, "%", 3, "2025-01-01");
    rec(&d, "gdp", "B1GQ", "TOTAL", 2020, 450000, "MEUR", 4, "2025-01-01");
    rec(&d, "ewmfa_rme", "IMP", "TOTAL", 2020, 200, "Mt", 5, "2025-01-01");
    rec(&d, "ewmfa_rme", "EXP", "TOTAL", 2020, 170, "Mt", 5, "2025-01-01");
    rec(&d, "cmu_rate", "CMU", "TOTAL", 2021, 21.5, "%", 3, "2025-01-01");
    CHECK_OK(cm_mfa_indicators(&d, 0, 0, &t, &err), &err);
    v = find_val(&t, "BEL", 2020, "TOTAL", "DMI");
    assert_non_null(v);
    ASSERT_NEAR(v->value, 200e6, 1e-15, 0);
    assert_int_equal(v->derived, 1);
    v = find_val(&t, "BEL", 2020, "TOTAL", "DMC");
    ASSERT_NEAR(v->value, 100e6, 1e-15, 0); /* the newer release, in tonnes */
    assert_int_equal(v->derived, 0);
    assert_int_equal(v->dataset_id, 2);
    ASSERT_NEAR(find_val(&t, "BEL", 2020, "TOTAL", "PTB")->value, 40e6, 1e-15, 0);
    ASSERT_NEAR(find_val(&t, "BEL", 2020, "TOTAL", "RMI")->value, 260e6, 1e-15, 0);
    ASSERT_NEAR(find_val(&t, "BEL", 2020, "TOTAL", "RMC")->value, 90e6, 1e-15, 0);
    ASSERT_NEAR(find_val(&t, "BEL", 2020, "TOTAL", "RTB")->value, 30e6, 1e-15, 0);
    /* U given: 25 / (100 + 25) = 20 %, not the published 19.9 */
    v = find_val(&t, "BEL", 2020, "TOTAL", "CMU_RATE");
    ASSERT_NEAR(v->value, 20.0, 1e-14, 0);
    assert_int_equal(v->derived, 1);
    ASSERT_NEAR(find_val(&t, "BEL", 2020, "TOTAL", "IMPORT_DEPENDENCY")->value, 0.7, 1e-14, 0);
    ASSERT_NEAR(find_val(&t, "BEL", 2020, "TOTAL", "SELF_SUFFICIENCY")->value, 0.6, 1e-14, 0);
    ASSERT_NEAR(find_val(&t, "BEL", 2020, "TOTAL", "NET_IMPORT_RELIANCE")->value, 0.4, 1e-14, 0);
    /* 450,000 MEUR / 100 Mt = 4.5 EUR/kg */
    v = find_val(&t, "BEL", 2020, "TOTAL", "RESOURCE_PRODUCTIVITY");
    ASSERT_NEAR(v->value, 4.5, 1e-14, 0);
    assert_string_equal(v->unit, "EUR/kg");
    /* 2021: only the published rate */
    v = find_val(&t, "BEL", 2021, "TOTAL", "CMU_RATE");
    ASSERT_NEAR(v->value, 21.5, 0, 0);
    assert_int_equal(v->derived, 0);
    assert_null(find_val(&t, "BEL", 2021, "TOTAL", "DMC"));
    /* the order: year, then the indicator order */
    for (size_t i = 1; i < t.n; i++) {
        assert_true(t.items[i - 1].year <= t.items[i].year);
    }
    assert_string_equal(t.items[0].indicator, "DE");
    /* year bounds */
    CHECK_OK(cm_mfa_indicators(&d, 2021, 2021, &t, &err), &err);
    assert_int_equal(t.n, 1);
    /* CMU from the inputs: U = RCV_R - IMP_W + EXP_W = 30 - 8 + 3 = 25 Mt */
    d.items[6] = d.items[7];
    d.n = 7; /* drop U (index 6 replaced by CMU) and the rest */
    rec(&d, "cmu_rate", "RCV_R", "TOTAL", 2020, 30, "Mt", 3, "2025-01-01");
    rec(&d, "cmu_rate", "IMP_W", "TOTAL", 2020, 8, "Mt", 3, "2025-01-01");
    rec(&d, "cmu_rate", "EXP_W", "TOTAL", 2020, 3, "Mt", 3, "2025-01-01");
    CHECK_OK(cm_mfa_indicators(&d, 0, 0, &t, &err), &err);
    ASSERT_NEAR(find_val(&t, "BEL", 2020, "TOTAL", "CMU_RATE")->value, 20.0, 1e-14, 0);
    cm_mfa_table_destroy(&t);
    cm_mfa_data_destroy(&d);
}

static void test_indicators_belgium(void **state)
{
    char pa[4096], pb[4096], pc[4096];
    const char *path = shared(UNEP_EXTRACT, pa, sizeof pa);
    const char *dmc =
        shared("eurostat-mfa-rmc-cmur-eu27/raw/dmc_total_env_ac_mfa.json.gz", pb, sizeof pb);
    const char *rmc =
        shared("eurostat-mfa-rmc-cmur-eu27/raw/rmc_total_env_ac_rme.json.gz", pc, sizeof pc);
    cm_store_t *s = NULL;
    cm_mfa_data_t d;
    cm_mfa_table_t t;
    cm_error_info_t err;
    cm_import_report_t r;
    const cm_mfa_value_t *v = NULL;
    (void)state;
    if (path == NULL || dmc == NULL || rmc == NULL) {
        skip();
    }
    memset(&d, 0, sizeof d);
    memset(&t, 0, sizeof t);
    memset(&err, 0, sizeof err);
    memset(&r, 0, sizeof r);
    s = unep_store("belgium", path);
    import_ok(s, "eurostat-jsonstat", dmc, NULL, &r);
    assert_int_equal(r.rows, 485);
    import_ok(s, "eurostat-jsonstat", rmc, NULL, &r);
    assert_int_equal(r.rows, 420);
    CHECK_OK(cm_mfa_load(s, "BE", &d, &err), &err);
    CHECK_OK(cm_mfa_indicators(&d, 2009, 2023, &t, &err), &err);
    /* UNEP-IRP 2023, ferrous ores: DE 0, IMP = DMI 16,569,082 t, DMC 7,587,255 t */
    v = find_val(&t, "BEL", 2023, "Ferrous ores", "IMPORT_DEPENDENCY");
    ASSERT_NEAR(v->value, 16569082.0 / 16569082.0, 0, 0);
    ASSERT_NEAR(find_val(&t, "BEL", 2023, "Ferrous ores", "SELF_SUFFICIENCY")->value, 0.0, 0, 0);
    /* non-ferrous ores 2023: DE 1,380 t, IMP 4,152,353 t, DMI 4,153,734 t, DMC 526,197 t */
    ASSERT_NEAR(find_val(&t, "BEL", 2023, "Non-ferrous ores", "SELF_SUFFICIENCY")->value,
                1380.0 / 526197.0, 1e-15, 0);
    ASSERT_NEAR(find_val(&t, "BEL", 2023, "Non-ferrous ores", "IMPORT_DEPENDENCY")->value,
                4152353.0 / 4153734.0, 1e-15, 0);
    /* construction minerals 2023: DE 141,868,806 t, DMC 134,916,548 t */
    ASSERT_NEAR(find_val(&t, "BEL", 2023, "Non-metallic minerals - construction dominant",
                         "SELF_SUFFICIENCY")
                    ->value,
                141868806.0 / 134916548.0, 1e-15, 0);
    /* the 2009 negative DMC of ferrous ores is kept as published */
    ASSERT_NEAR(find_val(&t, "BEL", 2009, "Ferrous ores", "DMC")->value, -614168, 0, 0);
    /* Eurostat env_ac_mfa DMC 2023: 149,763.201 kt; env_ac_rme RMC 2023 118,722.9 kt (flag i) */
    v = find_val(&t, "BEL", 2023, "TOTAL", "DMC");
    ASSERT_NEAR(v->value, 149763201.0, 1e-15, 1e-6);
    assert_int_equal(v->derived, 0);
    v = find_val(&t, "BEL", 2023, "TOTAL", "RMC");
    ASSERT_NEAR(v->value, 118722900.0, 1e-15, 1e-6);
    assert_string_equal(v->flag, "i");
    assert_null(find_val(&t, "BEL", 2008, "TOTAL", "DMC"));
    cm_import_report_destroy(&r);
    cm_mfa_table_destroy(&t);
    cm_mfa_data_destroy(&d);
    cm_store_close(s);
}

/* --- revisions ----------------------------------------------------------------------------- */

static void check_cmu_revisions(cm_store_t *s, int64_t old_ds, int64_t new_ds)
{
    static const struct {
        int year;
        double old_v, new_v;
        const char *old_f;
    } expect[] = {
        {2013, 17.3, 17.2, ""}, {2017, 19, 18.9, ""},    {2021, 21.4, 21.3, ""},
        {2022, 18.3, 17.8, ""}, {2023, 19.7, 21.8, "e"},
    };
    cm_mfa_data_t d;
    cm_mfa_revisions_t r;
    cm_mfa_table_t t;
    cm_error_info_t err;
    memset(&d, 0, sizeof d);
    memset(&r, 0, sizeof r);
    memset(&t, 0, sizeof t);
    memset(&err, 0, sizeof err);
    CHECK_OK(cm_mfa_load(s, "BE", &d, &err), &err);
    CHECK_OK(cm_mfa_revisions(&d, &r, &err), &err);
    assert_int_equal(r.n, 5);
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(r.items[i].year, expect[i].year);
        ASSERT_NEAR(r.items[i].old_value, expect[i].old_v, 0, 0);
        ASSERT_NEAR(r.items[i].new_value, expect[i].new_v, 0, 0);
        assert_string_equal(r.items[i].old_flag, expect[i].old_f);
        assert_string_equal(r.items[i].new_flag, "");
        assert_int_equal(r.items[i].old_dataset, old_ds);
        assert_int_equal(r.items[i].new_dataset, new_ds);
        assert_string_equal(r.items[i].series, "cmu_rate");
        assert_string_equal(r.items[i].region, "BEL");
    }
    /* the indicators take the newer release */
    CHECK_OK(cm_mfa_indicators(&d, 2023, 2023, &t, &err), &err);
    assert_int_equal(t.n, 1);
    ASSERT_NEAR(t.items[0].value, 21.8, 0, 0);
    assert_int_equal(t.items[0].dataset_id, new_ds);
    cm_mfa_table_destroy(&t);
    cm_mfa_revisions_destroy(&r);
    cm_mfa_data_destroy(&d);
}

static void test_revisions_cmu(void **state)
{
    char pa[4096], pb[4096];
    const char *tsv = shared("eurostat-cei-srm030-tsv/estat_cei_srm030.tsv", pa, sizeof pa);
    const char *jst =
        shared("eurostat-mfa-rmc-cmur-eu27/raw/cmur_env_ac_cur.json.gz", pb, sizeof pb);
    char db[4096];
    cm_store_t *s = NULL;
    cm_import_report_t r;
    (void)state;
    if (tsv == NULL || jst == NULL) {
        skip();
    }
    memset(&r, 0, sizeof r);
    /* older release first */
    s = fresh_store("rev1", db, sizeof db);
    import_ok(s, "eurostat-tsv", tsv, "2025-03-31", &r);
    assert_int_equal(quirk_count(&r, "flag", "e"), 1);
    import_ok(s, "auto", tsv, "2025-03-31", &r); /* detected as eurostat-tsv */
    assert_string_equal(r.kind, "eurostat-tsv");
    import_ok(s, "eurostat-jsonstat", jst, NULL, &r);
    assert_int_equal(r.rows, 378);
    /* the two identical TSV releases show no revision; the older ones stay in the store */
    check_cmu_revisions(s, 2, 3);
    assert_int_equal(query1(s, "SELECT count(*) FROM dataset").value, 3);
    cm_store_close(s);
    /* newer release imported first: the order follows the release dates */
    s = fresh_store("rev2", db, sizeof db);
    import_ok(s, "eurostat-jsonstat", jst, NULL, &r);
    import_ok(s, "eurostat-tsv", tsv, "2025-03-31", &r);
    check_cmu_revisions(s, 2, 1);
    cm_store_close(s);
    cm_import_report_destroy(&r);
}

static void test_revisions_fixture(void **state)
{
    char db[4096], f[4096];
    cm_store_t *s = fresh_store("revfix", db, sizeof db);
    cm_import_report_t r;
    cm_mfa_data_t d;
    cm_mfa_revisions_t v;
    cm_error_info_t err;
    (void)state;
    memset(&r, 0, sizeof r);
    memset(&d, 0, sizeof d);
    memset(&v, 0, sizeof v);
    memset(&err, 0, sizeof err);
    import_ok(s, "eurostat-tsv", fixture("estat_env_ac_mfa_fixture.tsv", f, sizeof f), "2025-03-31",
              &r);
    import_ok(s, "eurostat-sdmx-csv", fixture("estat_env_ac_mfa_fixture.sdmx.csv", f, sizeof f),
              NULL, &r);
    CHECK_OK(cm_mfa_load(s, "BE", &d, &err), &err);
    CHECK_OK(cm_mfa_revisions(&d, &v, &err), &err);
    /* DMC 2021 unchanged (250.25 e); 2022: 260 -> 261 p */
    assert_int_equal(v.n, 1);
    assert_string_equal(v.items[0].indicator, "DMC");
    assert_int_equal(v.items[0].year, 2022);
    ASSERT_NEAR(v.items[0].old_value, 260, 0, 0);
    ASSERT_NEAR(v.items[0].new_value, 261, 0, 0);
    assert_string_equal(v.items[0].old_flag, "");
    assert_string_equal(v.items[0].new_flag, "p");
    assert_string_equal(v.items[0].old_version, "2025-03-31");
    assert_string_equal(v.items[0].new_version, "2026-07-02 11:00:00");
    cm_mfa_revisions_destroy(&v);
    /* a year present in one release only */
    {
        cm_mfa_data_t m;
        memset(&m, 0, sizeof m);
        rec(&m, "cmu_rate", "CMU", "TOTAL", 2020, 10, "%", 1, "2024-01-01");
        rec(&m, "cmu_rate", "CMU", "TOTAL", 2020, 10, "%", 2, "2025-01-01");
        rec(&m, "cmu_rate", "CMU", "TOTAL", 2021, 11, "%", 2, "2025-01-01");
        CHECK_OK(cm_mfa_revisions(&m, &v, &err), &err);
        assert_int_equal(v.n, 1);
        assert_int_equal(v.items[0].year, 2021);
        assert_int_equal(v.items[0].old_has, 0);
        assert_true(isnan(v.items[0].old_value));
        assert_int_equal(v.items[0].new_has, 1);
        cm_mfa_data_destroy(&m);
    }
    cm_mfa_revisions_destroy(&v);
    cm_mfa_data_destroy(&d);
    cm_import_report_destroy(&r);
    cm_store_close(s);
}

/* --- error codes and allocation failures -------------------------------------------------- */

static void test_errors(void **state)
{
    char db[4096];
    cm_store_t *s = fresh_store("errs", db, sizeof db);
    cm_mfa_data_t d;
    cm_mfa_table_t t;
    cm_mfa_violations_t v;
    cm_mfa_revisions_t r;
    cm_mfa_record_t x;
    cm_error_info_t err;
    (void)state;
    memset(&d, 0, sizeof d);
    memset(&t, 0, sizeof t);
    memset(&v, 0, sizeof v);
    memset(&r, 0, sizeof r);
    memset(&x, 0, sizeof x);
    memset(&err, 0, sizeof err);
    CHECK_ERROR(cm_mfa_data_add(NULL, &x, &err), CM_EINVAL);
    CHECK_ERROR(cm_mfa_data_add(&d, NULL, &err), CM_EINVAL);
    CHECK_ERROR(cm_mfa_load(NULL, "BE", &d, &err), CM_EINVAL);
    CHECK_ERROR(cm_mfa_load(s, "BE", NULL, &err), CM_EINVAL);
    CHECK_ERROR(cm_mfa_load(s, "BE'; DROP TABLE x; --", &d, &err), CM_EINVAL);
    CHECK_ERROR(cm_mfa_check(NULL, 0, 0, &v, &err), CM_EINVAL);
    CHECK_ERROR(cm_mfa_check(&d, 0, 0, NULL, &err), CM_EINVAL);
    CHECK_ERROR(cm_mfa_indicators(NULL, 0, 0, &t, &err), CM_EINVAL);
    CHECK_ERROR(cm_mfa_indicators(&d, 2020, 2010, &t, &err), CM_EINVAL);
    CHECK_ERROR(cm_mfa_revisions(NULL, &r, &err), CM_EINVAL);
    CHECK_ERROR(cm_mfa_revisions(&d, NULL, &err), CM_EINVAL);
    /* an empty store: no records, nothing to report */
    CHECK_OK(cm_mfa_load(s, "EU27_2020", &d, &err), &err);
    assert_int_equal(d.n, 0);
    CHECK_OK(cm_mfa_indicators(&d, 0, 0, &t, &err), &err);
    assert_int_equal(t.n, 0);
    assert_true(cm_mfa_tonnes("kt") == 1e3 && cm_mfa_tonnes("%") == 0 && cm_mfa_tonnes(NULL) == 0);
    cm_mfa_data_destroy(&d);
    cm_mfa_data_destroy(&d); /* twice is fine */
    cm_mfa_table_destroy(&t);
    cm_mfa_violations_destroy(&v);
    cm_mfa_revisions_destroy(&r);
    cm_store_close(s);
}

typedef cm_error_t (*oom_fn)(const cm_mfa_data_t *d, cm_error_info_t *err);

static cm_error_t oom_check(const cm_mfa_data_t *d, cm_error_info_t *err)
{
    cm_mfa_violations_t v;
    cm_error_t rc;
    memset(&v, 0, sizeof v);
    rc = cm_mfa_check(d, 0, 0, &v, err);
    cm_mfa_violations_destroy(&v);
    return rc;
}

static cm_error_t oom_indicators(const cm_mfa_data_t *d, cm_error_info_t *err)
{
    cm_mfa_table_t t;
    cm_error_t rc;
    memset(&t, 0, sizeof t);
    rc = cm_mfa_indicators(d, 0, 0, &t, err);
    cm_mfa_table_destroy(&t);
    return rc;
}

static cm_error_t oom_revisions(const cm_mfa_data_t *d, cm_error_info_t *err)
{
    cm_mfa_revisions_t r;
    cm_error_t rc;
    memset(&r, 0, sizeof r);
    rc = cm_mfa_revisions(d, &r, err);
    cm_mfa_revisions_destroy(&r);
    return rc;
}

static void test_alloc_failures_library(void **state)
{
    static const oom_fn fns[] = {oom_check, oom_indicators, oom_revisions};
    cm_mfa_data_t d;
    cm_error_info_t err;
    (void)state;
    memset(&d, 0, sizeof d);
    memset(&err, 0, sizeof err);
    for (int y = 2018; y < 2022; y++) {
        rec(&d, "ewmfa", "DE", "TOTAL", y, 1, "kt", 1, "2024-01-01");
        rec(&d, "ewmfa", "IMP", "TOTAL", y, 2, "kt", 1, "2024-01-01");
        rec(&d, "ewmfa", "DMI", "TOTAL", y, 4, "kt", 1, "2024-01-01"); /* violation */
        rec(&d, "ewmfa", "DMI", "TOTAL", y, 5, "kt", 2, "2025-01-01"); /* revision */
    }
    for (size_t f = 0; f < sizeof fns / sizeof fns[0]; f++) {
        long n = 0;
        for (;; n++) {
            long before = cm_alloc_outstanding();
            cm_error_t rc;
            cm_test_fail_alloc_after(n);
            rc = fns[f](&d, &err);
            cm_test_fail_alloc_after(-1);
            assert_int_equal(cm_alloc_outstanding(), before);
            if (rc == CM_OK) {
                break;
            }
            assert_int_equal(rc, CM_ENOMEM);
        }
        assert_true(n > 0); /* at least one allocation was tried and failed */
    }
    cm_mfa_data_destroy(&d);
}

static void test_alloc_failures_import(void **state)
{
    static const struct {
        const char *kind, *file;
    } cases[] = {
        {"eurostat-tsv", "estat_env_ac_mfa_fixture.tsv"},
        {"eurostat-sdmx-csv", "estat_env_ac_mfa_fixture.sdmx.csv"},
        {"eurostat-jsonstat", "env_ac_cur_fixture.json"},
        {"unep-irp-mfa", "unep_fixture.csv"},
    };
    char db[4096], f[4096];
    cm_store_t *s = fresh_store("oom", db, sizeof db);
    cm_class_t *countries = NULL, *materials = NULL;
    cm_error_info_t err;
    (void)state;
    memset(&err, 0, sizeof err);
    CHECK_OK(cm_class_load(s, "country", &countries, &err), &err);
    CHECK_OK(cm_class_load(s, "material", &materials, &err), &err);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        long n = 0;
        for (;; n++) {
            cm_import_options_t opt;
            cm_import_report_t r;
            long before = cm_alloc_outstanding();
            cm_error_t rc;
            memset(&opt, 0, sizeof opt);
            memset(&r, 0, sizeof r);
            opt.countries = countries;
            opt.materials = materials;
            cm_test_fail_alloc_after(n);
            rc = cm_import_file(s, cases[c].kind, fixture(cases[c].file, f, sizeof f), &opt, &r,
                                &err);
            cm_test_fail_alloc_after(-1);
            cm_import_report_destroy(&r);
            assert_int_equal(cm_alloc_outstanding(), before);
            if (rc == CM_OK) {
                break;
            }
            if (rc != CM_ENOMEM && rc != CM_ESTORE) {
                fail_msg("%s with allocation %ld failing: %s (%s)", cases[c].kind, n,
                         cm_strerror(rc), err.message);
            }
            /* nothing of a failed import is left */
            assert_int_equal(query1(s, "SELECT count(*) FROM dataset").value, (double)c);
        }
    }
    cm_class_free(countries);
    cm_class_free(materials);
    cm_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CM_TEST(test_tsv_fixture),
        CM_TEST(test_sdmx_fixture),
        CM_TEST(test_jsonstat_fixture),
        CM_TEST(test_unep_fixture),
        CM_TEST(test_bad_input),
        CM_TEST(test_tsv_year_gap),
        CM_TEST(test_unep_identities_exact),
        CM_TEST(test_unep_corrupted),
        CM_TEST(test_identities_memory),
        CM_TEST(test_indicators_memory),
        CM_TEST(test_indicators_belgium),
        CM_TEST(test_revisions_cmu),
        CM_TEST(test_revisions_fixture),
        CM_TEST(test_errors),
        CM_TEST(test_alloc_failures_library),
        CM_TEST(test_alloc_failures_import),
    };
    return CM_RUN_TESTS(tests);
}

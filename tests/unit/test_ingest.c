/* Importers on small files: documented errors (each triggered), the store left byte-identical
 * after a failed import, quirk counts, kind detection, schemas, bundles, provenance. */
#include <sqlite3.h>

#include "test_ingest_util.h"

static const char *corpus(const char *name, char *out, size_t n)
{
    char rel[512];
    snprintf(rel, sizeof rel, "tests/bad-input/%s", name);
    return src_path(rel, out, n);
}

/* A store holding one good tidy import. */
static cm_store_t *base_store(const char *name, char *path, size_t n)
{
    cm_store_t *s = fresh_store(name, path, n);
    cm_import_options_t opt;
    cm_error_info_t err;
    char csv[4096], schema[4096];
    memset(&opt, 0, sizeof opt);
    memset(&err, 0, sizeof err);
    opt.schema = src_path("tests/data/ingest/tidy-production.ini", schema, sizeof schema);
    CHECK_OK(cm_import_file(s, "tidy", src_path("tests/data/ingest/tidy-production.csv", csv,
                                                sizeof csv),
                            &opt, NULL, &err),
             &err);
    return s;
}

static void test_kinds(void **state)
{
    size_t n = cm_import_kind_count();
    const char *expected[] = {"wgi",          "eu-crm-results", "eu-crm-trade",
                              "eu-crm-history", "eu-crm-supply", "eu-crm-use",
                              "usgs-mcs",     "wmd",            "tidy",
                              "comext",       "cn8-materials",  "baci",
                              "comtrade",     "iot-oecd",       "crma-lists",
                              "geopolrisk-trade", "eurostat-tsv", "eurostat-jsonstat",
                              "eurostat-sdmx-csv", "unep-irp-mfa",
                              "hs-correlation", "cn-nomenclature"};
    (void)state;
    assert_int_equal(n, sizeof expected / sizeof expected[0]);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(cm_import_kind_name(i), expected[i]);
        assert_non_null(cm_import_kind_summary(i));
    }
    assert_null(cm_import_kind_name(n));
    assert_null(cm_import_kind_summary(n));
}

static void test_usage_errors(void **state)
{
    char path[4096], csv[4096], file[4096];
    cm_store_t *s = fresh_store("usage", path, sizeof path);
    cm_error_info_t err;
    cm_import_options_t opt;
    cm_import_report_t r;
    (void)state;
    memset(&err, 0, sizeof err);
    memset(&opt, 0, sizeof opt);
    memset(&r, 0, sizeof r);
    corpus("tidy-bom.csv", csv, sizeof csv);
    /* unknown kind: CM_EINVAL listing the kinds */
    CHECK_ERROR(cm_import_file(s, "frobnicate", csv, NULL, &r, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "frobnicate"));
    assert_non_null(strstr(err.message, "usgs-mcs"));
    /* NULL arguments */
    CHECK_ERROR(cm_import_file(NULL, "wgi", csv, NULL, NULL, &err), CM_EINVAL);
    CHECK_ERROR(cm_import_file(s, NULL, csv, NULL, NULL, &err), CM_EINVAL);
    /* missing file: CM_EFILE naming the file */
    snprintf(file, sizeof file, "%s/no-such-file.csv", cm_test_tmpdir());
    CHECK_ERROR(cm_import_file(s, "wgi", file, NULL, &r, &err), CM_EFILE);
    assert_non_null(strstr(err.message, "no-such-file.csv"));
    /* tidy without a schema */
    CHECK_ERROR(cm_import_file(s, "tidy", csv, NULL, &r, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "schema"));
    /* a schema that does not exist */
    opt.schema = "/nonexistent/schema.ini";
    CHECK_ERROR(cm_import_file(s, "tidy", csv, &opt, &r, &err), CM_EFILE);
    /* supply shares: the scope cannot be told from the name "tidy-bom.csv" */
    memset(&opt, 0, sizeof opt);
    CHECK_ERROR(cm_import_file(s, "eu-crm-supply", csv, &opt, &r, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "global or eu"));
    opt.scope = "mars";
    CHECK_ERROR(cm_import_file(s, "eu-crm-supply", csv, &opt, &r, &err), CM_EINVAL);
    /* USGS: the edition and commodity come from the file name */
    CHECK_ERROR(cm_import_file(s, "usgs-mcs", csv, NULL, &r, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "mcsYYYY"));
    /* nothing was imported */
    assert_int_equal(query1(s, "select count(*) from dataset").value, 0);
    cm_import_report_destroy(&r);
    cm_store_close(s);
}

typedef struct bad_case_t {
    const char *file;
    const char *kind;
    const char *schema; /* relative to tests/bad-input, or NULL */
    const char *scope;
    cm_error_t code;
    int64_t line, column;
} bad_case_t;

static void test_errors_leave_store_identical(void **state)
{
    static const bad_case_t cases[] = {
        {"tidy-empty.csv", "tidy", "schemas/production.ini", NULL, CM_EPARSE, 1, 1},
        {"tidy-header-only.csv", "tidy", "schemas/production.ini", NULL, CM_EPARSE, 2, 1},
        {"tidy-too-few-fields.csv", "tidy", "schemas/production.ini", NULL, CM_EPARSE, 4, 4},
        {"tidy-too-many-fields.csv", "tidy", "schemas/production.ini", NULL, CM_EPARSE, 5, 6},
        {"tidy-wrong-separator.csv", "tidy", "schemas/production.ini", NULL, CM_EPARSE, 1, 1},
        {"tidy-not-a-number.csv", "tidy", "schemas/production.ini", NULL, CM_EPARSE, 3, 4},
        {"tidy-nan.csv", "tidy", "schemas/production.ini", NULL, CM_ENUMERIC, 4, 4},
        {"tidy-inf.csv", "tidy", "schemas/production.ini", NULL, CM_ENUMERIC, 5, 4},
        {"tidy-negative.csv", "tidy", "schemas/production.ini", NULL, CM_EPARSE, 3, 4},
        {"tidy-mixed-units.csv", "tidy", "schemas/production.ini", NULL, CM_EPARSE, 6, 5},
        {"tidy-shares-over-one.csv", "tidy", "schemas/shares.ini", NULL, CM_EPARSE, 5, 5},
        {"tidy-unterminated-quote.csv", "tidy", "schemas/production.ini", NULL, CM_EPARSE, 4, 1},
        {"wgi-negative-stddev.csv", "wgi", NULL, NULL, CM_EPARSE, 4, 7},
        {"wgi-truncated.csv", "wgi", NULL, NULL, CM_EPARSE, 6, 7},
        {"mcs2024-cobal_err-negative.csv", "usgs-mcs", NULL, NULL, CM_EPARSE, 4, 4},
        {"eucrm-supply-over-one.csv", "eu-crm-supply", NULL, "global", CM_EPARSE, 7, 4},
        {"eucrm-use-over-one.csv", "eu-crm-use", NULL, NULL, CM_EPARSE, 5, 3},
        {"eucrm-history-inf.csv", "eu-crm-history", NULL, NULL, CM_ENUMERIC, 3, 3},
        {"wmd-mixed-units.csv", "wmd", NULL, NULL, CM_EPARSE, 5, 7},
    };
    char path[4096], csv[4096], schema[4096], before[65], after[65];
    cm_store_t *s = base_store("identical", path, sizeof path);
    (void)state;
    file_sha(path, before);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const bad_case_t *c = &cases[i];
        cm_import_options_t opt;
        cm_import_report_t r;
        cm_error_info_t err;
        memset(&opt, 0, sizeof opt);
        memset(&r, 0, sizeof r);
        memset(&err, 0, sizeof err);
        if (c->schema != NULL) {
            opt.schema = corpus(c->schema, schema, sizeof schema);
        }
        opt.scope = c->scope;
        corpus(c->file, csv, sizeof csv);
        CHECK_ERROR(cm_import_file(s, c->kind, csv, &opt, &r, &err), c->code);
        if (err.line != c->line || err.column != c->column ||
            strstr(err.file, c->file) == NULL) {
            fail_msg("%s: error at %s:%lld:%lld, expected line %lld column %lld (%s)", c->file,
                     err.file, (long long)err.line, (long long)err.column, (long long)c->line,
                     (long long)c->column, err.message);
        }
        assert_int_equal(r.rows, 0);
        assert_int_equal(r.nquirks, 0);
        cm_import_report_destroy(&r);
    }
    cm_store_close(s);
    file_sha(path, after);
    assert_string_equal(before, after);
}

static void test_tidy_quirks(void **state)
{
    char path[4096], csv[4096], schema[4096];
    cm_store_t *s = fresh_store("quirks", path, sizeof path);
    cm_import_options_t opt;
    cm_import_report_t r;
    cm_error_info_t err;
    (void)state;
    memset(&opt, 0, sizeof opt);
    memset(&r, 0, sizeof r);
    memset(&err, 0, sizeof err);
    opt.schema = corpus("schemas/production.ini", schema, sizeof schema);
    CHECK_OK(cm_import_file(s, "tidy", corpus("tidy-duplicate-rows.csv", csv, sizeof csv), &opt,
                            &r, &err),
             &err);
    assert_int_equal(r.records, 7);
    assert_int_equal(r.rows, 4);
    assert_int_equal(quirk_count(&r, "duplicate-row", NULL), 3);
    /* duplicates are recorded as issues of the dataset, not kept aside */
    assert_int_equal(query1(s, "select count(*) from import_issue where kind='duplicate-row'")
                         .value,
                     3);
    cm_import_report_destroy(&r);
    CHECK_OK(cm_import_file(s, "tidy", corpus("tidy-unknown-country.csv", csv, sizeof csv), &opt,
                            &r, &err),
             &err);
    assert_int_equal(r.kept_aside, 2);
    assert_int_equal(quirk_count(&r, "unknown-country", NULL), 2);
    assert_int_equal(r.rows, 4);
    cm_import_report_destroy(&r);
    CHECK_OK(cm_import_file(s, "tidy", corpus("tidy-windows-1252.csv", csv, sizeof csv), &opt,
                            &r, &err),
             &err);
    assert_int_equal(quirk_count(&r, "windows-1252", NULL), 2);
    assert_int_equal(r.kept_aside, 0); /* Türkiye and Côte d'Ivoire resolve after conversion */
    {
        q1_t q = query1(s, "select count(*) from observation o join dataset d on "
                           "d.id=o.dataset_id where d.file like '%windows-1252%' and o.region in "
                           "('TUR','CIV')");
        assert_int_equal(q.value, 2);
    }
    cm_import_report_destroy(&r);
    opt.schema = corpus("schemas/semicolon.ini", schema, sizeof schema);
    CHECK_OK(cm_import_file(s, "tidy", corpus("tidy-decimal-comma.csv", csv, sizeof csv), &opt,
                            &r, &err),
             &err);
    assert_int_equal(quirk_count(&r, "decimal-comma", NULL), 3);
    ASSERT_NEAR(query1(s, "select o.value from observation o join dataset d on "
                          "d.id=o.dataset_id where d.file like '%decimal-comma%' and "
                          "o.region='DEU'")
                    .value,
                340.25, 0, 1e-12);
    cm_import_report_destroy(&r);
    opt.schema = corpus("schemas/flags.ini", schema, sizeof schema);
    CHECK_OK(cm_import_file(s, "tidy", corpus("tidy-flags.csv", csv, sizeof csv), &opt, &r, &err),
             &err);
    assert_int_equal(quirk_count(&r, "flag", "e"), 2);
    /* a flagged value is kept with its flag, never zeroed */
    ASSERT_NEAR(query1(s, "select o.value from observation o join dataset d on "
                          "d.id=o.dataset_id where d.file like '%tidy-flags%' and "
                          "o.region='FRA'")
                    .value,
                15000, 0, 1e-12);
    assert_string_equal(query1(s, "select o.flag from observation o join dataset d on "
                                  "d.id=o.dataset_id where d.file like '%tidy-flags%' and "
                                  "o.region='FRA'")
                            .text,
                        "e");
    cm_import_report_destroy(&r);
    cm_store_close(s);
}

static void test_decimal_comma_quoted(void **state)
{
    char path[4096], csv[4096];
    cm_store_t *s = fresh_store("comma", path, sizeof path);
    cm_import_report_t r;
    cm_error_info_t err;
    (void)state;
    memset(&r, 0, sizeof r);
    memset(&err, 0, sizeof err);
    /* quoted "1,30" in a comma-separated file: a decimal comma, counted */
    CHECK_OK(cm_import_file(s, "wgi", corpus("wgi-decimal-comma.csv", csv, sizeof csv), NULL, &r,
                            &err),
             &err);
    assert_int_equal(quirk_count(&r, "decimal-comma", NULL), 15);
    ASSERT_NEAR(query1(s, "select value from observation where variable='estimate' and "
                          "region='COD'")
                    .value,
                -1.55, 0, 1e-12);
    ASSERT_NEAR(query1(s, "select value from observation where variable='pctrank' and "
                          "region='BEL'")
                    .value,
                88.2, 0, 1e-12);
    cm_import_report_destroy(&r);
    cm_store_close(s);
}

/* A store that fails in the middle of an import (an SQLite trigger raising an error on one
 * observation): CM_ESTORE, and the transaction is rolled back. */
static void test_store_error_rolls_back(void **state)
{
    char path[4096], csv[4096], before[65], after[65];
    cm_store_t *s = base_store("storeerr", path, sizeof path);
    sqlite3 *db = NULL;
    cm_error_info_t err;
    int64_t n0;
    (void)state;
    memset(&err, 0, sizeof err);
    cm_store_close(s);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "CREATE TRIGGER fail_pctrank BEFORE INSERT ON observation "
                                  "WHEN NEW.variable = 'pctrank' AND NEW.region = 'COD' "
                                  "BEGIN SELECT RAISE(ABORT, 'injected store failure'); END;",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    file_sha(path, before);
    CHECK_OK(cm_store_open(path, 0, &s, &err), &err);
    n0 = (int64_t)query1(s, "select count(*) from observation").value;
    CHECK_ERROR(cm_import_file(s, "wgi", src_path("tests/data/ingest/wgi-sample.csv", csv,
                                                  sizeof csv),
                               NULL, NULL, &err),
                CM_ESTORE);
    assert_int_equal((int64_t)query1(s, "select count(*) from observation").value, n0);
    assert_int_equal(query1(s, "select count(*) from dataset").value, 1);
    cm_store_close(s);
    file_sha(path, after);
    assert_string_equal(before, after);
}

static void test_detect_and_auto(void **state)
{
    char path[4096], csv[4096];
    const char *kind = NULL;
    cm_error_info_t err;
    cm_import_report_t r;
    cm_store_t *s = NULL;
    (void)state;
    memset(&err, 0, sizeof err);
    memset(&r, 0, sizeof r);
    CHECK_OK(cm_import_detect(corpus("wgi-quirks.csv", csv, sizeof csv), &kind, &err), &err);
    assert_string_equal(kind, "wgi");
    CHECK_OK(cm_import_detect(corpus("mcs2024-cobal_quirks.csv", csv, sizeof csv), &kind, &err),
             &err);
    assert_string_equal(kind, "usgs-mcs");
    CHECK_OK(cm_import_detect(corpus("wmd-quirks.csv", csv, sizeof csv), &kind, &err), &err);
    assert_string_equal(kind, "wmd");
    CHECK_OK(cm_import_detect(corpus("eucrm-results-quirks.csv", csv, sizeof csv), &kind, &err),
             &err);
    assert_string_equal(kind, "eu-crm-results");
    CHECK_OK(cm_import_detect(corpus("eucrm-use-quirks.csv", csv, sizeof csv), &kind, &err),
             &err);
    assert_string_equal(kind, "eu-crm-use");
    CHECK_ERROR(cm_import_detect(corpus("tidy-bom.csv", csv, sizeof csv), &kind, &err),
                CM_ENOTFOUND);
    CHECK_ERROR(cm_import_detect("/nonexistent/x.csv", &kind, &err), CM_EFILE);
    CHECK_ERROR(cm_import_detect(NULL, &kind, &err), CM_EINVAL);
    s = fresh_store("auto-unknown", path, sizeof path);
    CHECK_ERROR(cm_import_file(s, "auto", corpus("tidy-bom.csv", csv, sizeof csv), NULL, &r, &err),
                CM_ENOTFOUND);
    cm_store_close(s);
    s = fresh_store("auto", path, sizeof path);
    CHECK_OK(cm_import_file(s, "auto", corpus("wgi-quirks.csv", csv, sizeof csv), NULL, &r, &err),
             &err);
    assert_string_equal(r.kind, "wgi");
    assert_int_equal(r.rows, 24);
    cm_import_report_destroy(&r);
    cm_store_close(s);
}

static void test_provenance_and_skip(void **state)
{
    char path[4096], csv[4096], sha[65];
    cm_store_t *s = fresh_store("prov", path, sizeof path);
    cm_import_options_t opt;
    cm_import_report_t r;
    cm_error_info_t err;
    cm_dataset_list_t list;
    int64_t first;
    (void)state;
    memset(&opt, 0, sizeof opt);
    memset(&r, 0, sizeof r);
    memset(&err, 0, sizeof err);
    memset(&list, 0, sizeof list);
    src_path("tests/data/ingest/wgi-sample.csv", csv, sizeof csv);
    opt.name = "WGI sample";
    opt.version = "test edition";
    CHECK_OK(cm_import_file(s, "wgi", csv, &opt, &r, &err), &err);
    first = r.dataset_id;
    file_sha(csv, sha);
    assert_string_equal(r.sha256, sha);
    assert_int_equal(r.rows, 4 * 6);
    cm_import_report_destroy(&r);
    CHECK_OK(cm_store_datasets(s, &list, &err), &err);
    assert_int_equal(list.n, 1);
    assert_string_equal(list.items[0].kind, "wgi");
    assert_string_equal(list.items[0].name, "WGI sample");
    assert_string_equal(list.items[0].version, "test edition");
    assert_string_equal(list.items[0].sha256, sha);
    assert_non_null(strstr(list.items[0].publisher, "World Bank"));
    assert_non_null(strstr(list.items[0].licence, "CC BY 4.0"));
    cm_dataset_list_destroy(&list);
    /* skip_existing: the same file again is not imported twice */
    opt.skip_existing = 1;
    CHECK_OK(cm_import_file(s, "wgi", csv, &opt, &r, &err), &err);
    assert_int_equal(r.skipped, 1);
    assert_int_equal(r.dataset_id, first);
    cm_import_report_destroy(&r);
    assert_int_equal(query1(s, "select count(*) from dataset").value, 1);
    cm_store_close(s);
}

typedef struct bundle_seen_t {
    int imported, skipped;
} bundle_seen_t;

static cm_error_t on_bundle(const char *name, const cm_import_report_t *r, void *user_data)
{
    bundle_seen_t *b = user_data;
    assert_non_null(name);
    if (r->skipped) {
        b->skipped++;
    } else {
        b->imported++;
    }
    return CM_OK;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_bundle(void **state)
{
    char path[4096], dir[4096], bad[4200];
    cm_store_t *s = fresh_store("bundle", path, sizeof path);
    cm_error_info_t err;
    bundle_seen_t seen = {0, 0};
    (void)state;
    memset(&err, 0, sizeof err);
    src_path("tests/data/ingest/bundle", dir, sizeof dir);
    CHECK_OK(cm_import_bundle(s, dir, on_bundle, &seen, &err), &err);
    assert_int_equal(seen.imported, 2);
    assert_int_equal(seen.skipped, 0);
    /* idempotent: the second run imports nothing */
    CHECK_OK(cm_import_bundle(s, dir, on_bundle, &seen, &err), &err);
    assert_int_equal(seen.imported, 2);
    assert_int_equal(seen.skipped, 2);
    assert_int_equal(query1(s, "select count(*) from dataset").value, 2);
    assert_string_equal(query1(s, "select name from dataset where kind='tidy'").text,
                        "Test production (bundle)");
    /* errors: no bundle.ini, malformed bundle.ini */
    CHECK_ERROR(cm_import_bundle(s, "/nonexistent-dir", NULL, NULL, &err), CM_EFILE);
    CHECK_ERROR(cm_import_bundle(NULL, dir, NULL, NULL, &err), CM_EINVAL);
    snprintf(bad, sizeof bad, "%s/bundle.ini", cm_test_tmpdir());
    write_file(bad, "[dataset x]\nkind = wgi\nfile = y.csv\ncolour = blue\n");
    CHECK_ERROR(cm_import_bundle(s, cm_test_tmpdir(), NULL, NULL, &err), CM_EPARSE);
    assert_int_equal(err.line, 4);
    write_file(bad, "[dataset x]\nkind = wgi\n");
    CHECK_ERROR(cm_import_bundle(s, cm_test_tmpdir(), NULL, NULL, &err), CM_EPARSE);
    assert_int_equal(err.line, 1);
    write_file(bad, "[dataset x]\nkind wgi\n");
    CHECK_ERROR(cm_import_bundle(s, cm_test_tmpdir(), NULL, NULL, &err), CM_EPARSE);
    assert_int_equal(err.line, 2);
    unlink(bad);
    assert_int_equal(query1(s, "select count(*) from dataset").value, 2);
    cm_store_close(s);
}

static void test_schema_errors(void **state)
{
    static const struct {
        const char *text;
        int64_t line;
    } schemas[] = {
        {"[columns]\nvalue = value\nvariable = country\ncolour = material\n", 4},
        {"[columns]\nvariable = country\n", 1},                     /* no value column */
        {"[colums]\nvalue = value\n", 1},                            /* unknown section */
        {"[columns]\nvalue = value\n[constants]\nvariable = x\n[values]\nflags = maybe\n", 6},
        {"[columns]\nvalue = value\n[constants]\nvariable = x\n[format]\nseparator = ::\n", 6},
        {"value = value\n", 1},                                      /* no section */
        {"[columns]\nvalue = value\n[constants]\nvariable = x\n[values]\nshare_group = colour\n",
         6},
    };
    char path[4096], csv[4096], schema[4200], before[65], after[65];
    cm_store_t *s = base_store("schema", path, sizeof path);
    cm_import_options_t opt;
    cm_error_info_t err;
    (void)state;
    memset(&opt, 0, sizeof opt);
    memset(&err, 0, sizeof err);
    file_sha(path, before);
    snprintf(schema, sizeof schema, "%s/schema.ini", cm_test_tmpdir());
    opt.schema = schema;
    corpus("tidy-bom.csv", csv, sizeof csv);
    for (size_t i = 0; i < sizeof schemas / sizeof schemas[0]; i++) {
        write_file(schema, schemas[i].text);
        CHECK_ERROR(cm_import_file(s, "tidy", csv, &opt, NULL, &err), CM_EPARSE);
        assert_int_equal(err.line, schemas[i].line);
        assert_non_null(strstr(err.file, "schema.ini"));
    }
    unlink(schema);
    cm_store_close(s);
    file_sha(path, after);
    assert_string_equal(before, after);
}

/* Progress: every CM_IMPORT_PROGRESS_EVERY records with an unknown total, then once with
 * done = total = records read. */
typedef struct progress_log_t {
    int calls;
    int64_t last_done, last_total, final_calls;
} progress_log_t;

static void progress_record(const char *what, int64_t done, int64_t total, void *user_data)
{
    progress_log_t *p = user_data;
    assert_string_equal(what, "tidy");
    assert_true(done > p->last_done || done == total);
    p->calls++;
    p->last_done = done;
    p->last_total = total;
    if (total == done) {
        p->final_calls++;
    }
}

static void test_progress(void **state)
{
    (void)state;
    char path[4200], csv[4200], schema[4096];
    const char *countries[] = {"BEL", "DEU", "FRA", "NLD", "CHL"};
    const int64_t n = 2 * CM_IMPORT_PROGRESS_EVERY + 123;
    cm_store_t *s = fresh_store("progress", path, sizeof path);
    snprintf(csv, sizeof csv, "%s/progress.csv", cm_test_tmpdir());
    FILE *f = fopen(csv, "w");
    assert_non_null(f);
    fprintf(f, "country,material,year,value,unit\n");
    for (int64_t i = 0; i < n; i++) {
        fprintf(f, "%s,Cobalt,%d,%lld,t\n", countries[i % 5], 1900 + (int)(i % 100),
                (long long)i);
    }
    fclose(f);
    cm_import_options_t opt;
    cm_import_report_t report;
    cm_error_info_t err;
    progress_log_t log;
    memset(&opt, 0, sizeof opt);
    memset(&report, 0, sizeof report);
    memset(&err, 0, sizeof err);
    memset(&log, 0, sizeof log);
    opt.schema = src_path("tests/data/ingest/tidy-production.ini", schema, sizeof schema);
    opt.progress = progress_record;
    opt.progress_data = &log;
    CHECK_OK(cm_import_file(s, "tidy", csv, &opt, &report, &err), &err);
    assert_int_equal(report.records, n);
    assert_int_equal(log.calls, 3); /* 20000, 40000, final */
    assert_int_equal(log.final_calls, 1);
    assert_int_equal(log.last_done, n);
    assert_int_equal(log.last_total, n);
    cm_import_report_destroy(&report);
    cm_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CM_TEST(test_kinds),           CM_TEST(test_usage_errors),
        CM_TEST(test_errors_leave_store_identical),
        CM_TEST(test_tidy_quirks),     CM_TEST(test_decimal_comma_quoted),
        CM_TEST(test_store_error_rolls_back), CM_TEST(test_detect_and_auto),
        CM_TEST(test_provenance_and_skip),
        CM_TEST(test_bundle),          CM_TEST(test_schema_errors),
        CM_TEST(test_progress),
    };
    return CM_RUN_TESTS(tests);
}

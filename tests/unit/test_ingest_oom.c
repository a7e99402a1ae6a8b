/* Fault injection over whole imports: for n = 0, 1, 2, ... the n-th allocation fails
 * (cm_test_fail_alloc_after) during cm_import_file (and cm_import_bundle), until the call
 * succeeds. Every failing iteration must return CM_ENOMEM or CM_ESTORE, give back every
 * allocation (cm_alloc_outstanding unchanged) and leave the store file byte-identical.
 * Run under ASan this also proves no crash and no leak. `make test` tries every k-th n (k
 * below); CM_ALLOC_LOOP=full (make check-all) tries every n. */
#include "test_ingest_util.h"

#define QUICK_STEP 97

static long loop_step(void)
{
    const char *v = getenv("CM_ALLOC_LOOP");
    return v != NULL && strcmp(v, "full") == 0 ? 1 : QUICK_STEP;
}

typedef struct oom_case_t {
    const char *file; /* in tests/bad-input */
    const char *kind;
    const char *schema;
    const char *scope;
    int preload; /* pass the classifications in the options (loaded outside the loop) */
    const char *region; /* options of iot-oecd */
    const char *period;
} oom_case_t;

/* Classifications loaded before a loop for the cases with preload set. The loading itself
 * (some thousands of allocations) is looped over by the cases without preload. */
static cm_class_t *countries, *materials;

static void preload(cm_store_t *s, const oom_case_t *c)
{
    cm_error_info_t err;
    memset(&err, 0, sizeof err);
    cm_class_free(countries);
    cm_class_free(materials);
    countries = materials = NULL;
    if (c->preload) {
        CHECK_OK(cm_class_load(s, "country", &countries, &err), &err);
        CHECK_OK(cm_class_load(s, "material", &materials, &err), &err);
    }
}

static cm_error_t run_one(cm_store_t *s, const oom_case_t *c, cm_error_info_t *err)
{
    char csv[4096], schema[4096], rel[512];
    cm_import_options_t opt;
    cm_import_report_t r;
    cm_error_t rc;
    memset(&opt, 0, sizeof opt);
    memset(&r, 0, sizeof r);
    if (c->kind == NULL) { /* a bundle */
        return cm_import_bundle(s, src_path(c->file, csv, sizeof csv), NULL, NULL, err);
    }
    snprintf(rel, sizeof rel, "tests/bad-input/%s", c->file);
    src_path(rel, csv, sizeof csv);
    if (c->schema != NULL) {
        snprintf(rel, sizeof rel, "tests/bad-input/%s", c->schema);
        opt.schema = src_path(rel, schema, sizeof schema);
    }
    opt.scope = c->scope;
    opt.region = c->region;
    opt.period = c->period;
    opt.countries = countries;
    opt.materials = materials;
    rc = cm_import_file(s, c->kind, csv, &opt, &r, err);
    cm_import_report_destroy(&r);
    return rc;
}

/* One run with the n-th allocation failing; checks the invariants of a failed run.
 * Returns 1 when the import succeeded. */
static int probe(cm_store_t *s, const oom_case_t *c, const char *path, const char *before,
                 long n, long *failures)
{
    cm_error_info_t err;
    char after[65];
    long base = cm_alloc_outstanding();
    cm_error_t rc;
    memset(&err, 0, sizeof err);
    cm_test_fail_alloc_after(n);
    rc = run_one(s, c, &err);
    cm_test_fail_alloc_after(-1);
    if (rc == CM_OK) {
        return 1;
    }
    (*failures)++;
    if (rc != CM_ENOMEM && rc != CM_ESTORE) {
        fail_msg("%s, allocation %ld failing: returned %s (%s), expected CM_ENOMEM or "
                 "CM_ESTORE",
                 c->file, n, cm_strerror(rc), err.message);
    }
    if (cm_alloc_outstanding() != base) {
        fail_msg("%s, allocation %ld failing: %ld allocations leaked", c->file, n,
                 cm_alloc_outstanding() - base);
    }
    file_sha(path, after);
    if (strcmp(before, after) != 0) {
        fail_msg("%s, allocation %ld failing: the store file changed", c->file, n);
    }
    return 0;
}

/* A fresh store for case \p c (for a bundle, with its first dataset imported already: a
 * bundle commits dataset by dataset, so only the second one may change the store). */
static cm_store_t *case_store(const oom_case_t *c, const char *name, char *path, size_t n)
{
    cm_store_t *s = fresh_store(name, path, n);
    if (c->kind == NULL) {
        char csv[4096], schema[4096];
        cm_import_options_t opt;
        cm_error_info_t err;
        memset(&opt, 0, sizeof opt);
        memset(&err, 0, sizeof err);
        opt.schema = src_path("tests/data/ingest/tidy-production.ini", schema, sizeof schema);
        CHECK_OK(cm_import_file(s, "tidy",
                                src_path("tests/data/ingest/tidy-production.csv", csv,
                                         sizeof csv),
                                &opt, NULL, &err),
                 &err);
    }
    return s;
}

static int succeeds(cm_store_t *s, const oom_case_t *c, long n)
{
    cm_error_info_t err;
    cm_error_t rc;
    memset(&err, 0, sizeof err);
    cm_test_fail_alloc_after(n);
    rc = run_one(s, c, &err);
    cm_test_fail_alloc_after(-1);
    return rc == CM_OK;
}

/* The smallest n for which the run succeeds (success is monotone in n), by doubling and
 * bisection on a scratch store (renewed after each success). */
static long threshold(const oom_case_t *c)
{
    char path[4096];
    cm_store_t *s = case_store(c, "oom-scratch", path, sizeof path);
    long lo = 0, hi = 1;
    while (!succeeds(s, c, hi)) {
        lo = hi;
        hi *= 2;
    }
    cm_store_close(s);
    s = case_store(c, "oom-scratch", path, sizeof path);
    while (hi - lo > 1) {
        long mid = lo + (hi - lo) / 2;
        if (succeeds(s, c, mid)) {
            hi = mid;
            cm_store_close(s);
            s = case_store(c, "oom-scratch", path, sizeof path);
        } else {
            lo = mid;
        }
    }
    cm_store_close(s);
    return hi;
}

/* The failing points tried: every n in full mode; otherwise every QUICK_STEP-th n and every
 * n of the last DENSE allocations before success (where the importer itself runs, after the
 * classifications are loaded). */
#define DENSE 400

static void oom_loop(const oom_case_t *c, const char *store_name)
{
    char path[4096], before[65];
    long step = loop_step();
    long failures = 0;
    long hi;
    cm_store_t *s = case_store(c, store_name, path, sizeof path);
    preload(s, c);
    hi = threshold(c);
    file_sha(path, before);
    for (long n = 0; n < hi; n++) {
        if (step == 1 || n % step == 0 || n >= hi - DENSE) {
            if (probe(s, c, path, before, n, &failures)) {
                fail_msg("%s: succeeded with allocation %ld failing, but %ld failed before",
                         c->file, n, hi - 1);
            }
        }
    }
    assert_int_equal(probe(s, c, path, before, hi, &failures), 1);
    print_message("%s: %ld failing runs (success from allocation %ld on)\n", c->file, failures,
                  hi);
    assert_true(failures > 0);
    assert_true(query1(s, "select count(*) from dataset").value >= 1);
    cm_class_free(countries);
    cm_class_free(materials);
    countries = materials = NULL;
    cm_store_close(s);
}

static void test_oom_tidy(void **state)
{
    static const oom_case_t c = {"tidy-duplicate-rows.csv", "tidy", "schemas/production.ini",
                                 NULL, 0};
    (void)state;
    oom_loop(&c, "oom-tidy");
}

static void test_oom_tidy_shares(void **state)
{
    static const oom_case_t c = {"tidy-unknown-country.csv", "tidy", "schemas/flags.ini", NULL,
                                 1};
    (void)state;
    oom_loop(&c, "oom-tidy-aside");
}

static void test_oom_wgi(void **state)
{
    static const oom_case_t c = {"wgi-quirks.csv", "wgi", NULL, NULL, 1};
    (void)state;
    oom_loop(&c, "oom-wgi");
}

static void test_oom_usgs(void **state)
{
    static const oom_case_t c = {"mcs2024-cobal_quirks.csv", "usgs-mcs", NULL, NULL, 1};
    (void)state;
    oom_loop(&c, "oom-usgs");
}

static void test_oom_eucrm(void **state)
{
    static const oom_case_t cases[] = {
        {"eucrm-results-quirks.csv", "eu-crm-results", NULL, NULL, 1},
        {"eucrm-supply-quirks.csv", "eu-crm-supply", NULL, "global", 1},
        {"eucrm-use-quirks.csv", "eu-crm-use", NULL, NULL, 1},
        {"eucrm-history-quirks.csv", "eu-crm-history", NULL, NULL, 1},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        oom_loop(&cases[i], "oom-eucrm");
    }
}

static void test_oom_wmd(void **state)
{
    static const oom_case_t c = {"wmd-quirks.csv", "wmd", NULL, NULL, 1};
    (void)state;
    oom_loop(&c, "oom-wmd");
}

static void test_oom_trade(void **state)
{
    static const oom_case_t cases[] = {
        {"comext-quirks.csv", "comext", NULL, NULL, 1, NULL, NULL},
        {"cn8-materials-quirks.csv", "cn8-materials", NULL, NULL, 1, NULL, NULL},
        {"baci-quirks.csv", "baci", NULL, NULL, 1, NULL, NULL},
        {"comtrade-quirks.csv", "comtrade", NULL, NULL, 1, NULL, NULL},
        {"iot-oecd-quirks.csv", "iot-oecd", NULL, NULL, 1, "BEL", "2020"},
        {"crma-lists-quirks.csv", "crma-lists", NULL, NULL, 1, NULL, NULL},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        oom_loop(&cases[i], "oom-trade");
    }
}

static void test_oom_bundle(void **state)
{
    static const oom_case_t c = {"tests/data/ingest/bundle", NULL, NULL, NULL, 0};
    (void)state;
    oom_loop(&c, "oom-bundle");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CM_TEST(test_oom_tidy),  CM_TEST(test_oom_tidy_shares), CM_TEST(test_oom_wgi),
        CM_TEST(test_oom_usgs),  CM_TEST(test_oom_eucrm),       CM_TEST(test_oom_wmd),
        CM_TEST(test_oom_trade), CM_TEST(test_oom_bundle),
    };
    return CM_RUN_TESTS(tests);
}

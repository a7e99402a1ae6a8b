/* Tests of the HS edition bridge (src/trade/bridge.c) and of the hs-correlation importer
 * feeding it: worked cases by hand, the conservation of value, CN8 codes, missing quantities,
 * errors and allocation failures. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cambium/cambium.h"
#include "cm_test.h"


static cm_trade_obs_t obs(int64_t id, cm_trade_var_t var, const char *partner,
                          const char *product, const char *period, double value)
{
    cm_trade_obs_t o;
    memset(&o, 0, sizeof o);
    o.dataset = 1;
    o.id = id;
    o.line = id + 1;
    o.var = var;
    snprintf(o.kind, sizeof o.kind, "comtrade");
    snprintf(o.unit, sizeof o.unit, "%s", var == CM_TRADE_IMPORT_QUANTITY ? "kg" : "USD");
    snprintf(o.region, sizeof o.region, "BEL");
    snprintf(o.partner, sizeof o.partner, "%s", partner);
    snprintf(o.product, sizeof o.product, "%s", product);
    snprintf(o.period, sizeof o.period, "%s", period);
    o.value = value;
    return o;
}

/* The table HS2022 -> HS2017 and its reverse, as the importer builds them (equal shares). */
static void tables(cm_concordance_t t[2])
{
    cm_error_info_t err;
    memset(t, 0, 2 * sizeof *t);
    CHECK_OK(cm_concordance_init(&t[0], "HS2022-HS2017"), &err);
    CHECK_OK(cm_concordance_init(&t[1], "HS2017-HS2022"), &err);
    /* 854140 (HS2017) split into 854142 and 854143; 850760 unchanged; 030111 + 030119 merged */
    CHECK_OK(cm_concordance_add(&t[0], "854142", "854140", 1.0, &err), &err);
    CHECK_OK(cm_concordance_add(&t[0], "854143", "854140", 1.0, &err), &err);
    CHECK_OK(cm_concordance_add(&t[0], "850760", "850760", 1.0, &err), &err);
    CHECK_OK(cm_concordance_add(&t[0], "030111", "030111", 0.5, &err), &err);
    CHECK_OK(cm_concordance_add(&t[0], "030111", "030119", 0.5, &err), &err);
    CHECK_OK(cm_concordance_add(&t[1], "854140", "854142", 0.5, &err), &err);
    CHECK_OK(cm_concordance_add(&t[1], "854140", "854143", 0.5, &err), &err);
    CHECK_OK(cm_concordance_add(&t[1], "850760", "850760", 1.0, &err), &err);
    CHECK_OK(cm_concordance_add(&t[1], "030111", "030111", 1.0, &err), &err);
    CHECK_OK(cm_concordance_add(&t[1], "030119", "030111", 1.0, &err), &err);
}

static void tables_destroy(cm_concordance_t t[2])
{
    cm_concordance_destroy(&t[0]);
    cm_concordance_destroy(&t[1]);
}

static char *editions(const char *const *e, size_t n)
{
    char *ed = calloc(n, CM_TRADE_HS_MAX);
    assert_non_null(ed);
    for (size_t i = 0; i < n; i++) {
        snprintf(ed + i * CM_TRADE_HS_MAX, CM_TRADE_HS_MAX, "%s", e[i]);
    }
    return ed;
}

static const cm_trade_obs_t *find(const cm_trade_obs_list_t *l, cm_trade_var_t var,
                                  const char *partner, const char *product, const char *period)
{
    for (size_t i = 0; i < l->n; i++) {
        const cm_trade_obs_t *o = &l->items[i];
        if (o->var == var && strcmp(o->partner, partner) == 0 &&
            strcmp(o->product, product) == 0 && strcmp(o->period, period) == 0) {
            return o;
        }
    }
    return NULL;
}

/* n:1 to HS2017: the two HS2022 codes are renamed to 854140 and summed into one flow. */
static void test_rename_and_sum(void **state)
{
    (void)state;
    cm_concordance_t t[2];
    cm_trade_obs_list_t in, out;
    cm_trade_bridge_report_t rep;
    cm_trade_bridge_options_t opt;
    cm_error_info_t err;
    memset(&in, 0, sizeof in);
    memset(&rep, 0, sizeof rep);
    memset(&opt, 0, sizeof opt);
    tables(t);
    cm_trade_obs_t o[] = {obs(10, CM_TRADE_IMPORT_VALUE, "CHN", "854142", "2022", 30),
                          obs(11, CM_TRADE_IMPORT_VALUE, "CHN", "854143", "2022", 10),
                          obs(12, CM_TRADE_IMPORT_VALUE, "CHN", "850760", "2022", 7)};
    for (size_t i = 0; i < 3; i++) {
        CHECK_OK(cm_trade_obs_add(&in, &o[i], &err), &err);
    }
    const char *e[] = {"HS2022", "HS2022", "HS2022"};
    char *ed = editions(e, 3);
    opt.target = "HS2017";
    CHECK_OK(cm_trade_bridge(&in, ed, t, 2, &opt, &out, &rep, &err), &err);
    assert_int_equal(out.n, 2);
    assert_string_equal(out.items[0].product, "854140");
    ASSERT_NEAR(out.items[0].value, 40.0, 1e-15, 0);
    assert_int_equal(out.items[0].id, 10); /* the first piece's provenance */
    assert_int_equal(out.items[0].line, 11);
    assert_string_equal(out.items[1].product, "850760");
    assert_int_equal(rep.n_renamed, 2);
    assert_int_equal(rep.n_kept, 1);
    assert_int_equal(rep.n_merged, 1);
    assert_int_equal(rep.n_estimated, 0);
    assert_int_equal(rep.estimated[0], 0);
    free(ed);
    cm_trade_bridge_report_destroy(&rep);
    cm_trade_bridge_report_destroy(&rep);
    cm_trade_obs_list_destroy(&out);
    cm_trade_obs_list_destroy(&in);
    tables_destroy(t);
}

/* 1:n to HS2022: 2021 (HS2017) split by the 2022 shares 30 : 10 of the targets; quantities by
 * the value shares; a missing quantity stays missing. */
static void test_split_reference_shares(void **state)
{
    (void)state;
    cm_concordance_t t[2];
    cm_trade_obs_list_t in, out;
    cm_trade_bridge_report_t rep;
    cm_trade_bridge_options_t opt;
    cm_error_info_t err;
    memset(&in, 0, sizeof in);
    memset(&rep, 0, sizeof rep);
    memset(&opt, 0, sizeof opt);
    tables(t);
    cm_trade_obs_t o[] = {
        obs(1, CM_TRADE_IMPORT_VALUE, "CHN", "854140", "2021", 100),
        obs(2, CM_TRADE_IMPORT_QUANTITY, "CHN", "854140", "2021", 8),
        obs(3, CM_TRADE_IMPORT_VALUE, "DEU", "854140", "2021", 20),
        obs(4, CM_TRADE_IMPORT_QUANTITY, "DEU", "854140", "2021", NAN),
        obs(5, CM_TRADE_IMPORT_VALUE, "CHN", "854142", "2022", 25),
        obs(6, CM_TRADE_IMPORT_VALUE, "DEU", "854142", "2022", 5),
        obs(7, CM_TRADE_IMPORT_VALUE, "CHN", "854143", "2022", 10),
        obs(8, CM_TRADE_IMPORT_VALUE, "CHN", "854142", "2023", 1000), /* not the reference */
    };
    const char *e[] = {"HS2017", "HS2017", "HS2017", "HS2017",
                       "HS2022", "HS2022", "HS2022", "HS2022"};
    for (size_t i = 0; i < 8; i++) {
        CHECK_OK(cm_trade_obs_add(&in, &o[i], &err), &err);
    }
    char *ed = editions(e, 8);
    opt.target = "HS2022";
    CHECK_OK(cm_trade_bridge(&in, ed, t, 2, &opt, &out, &rep, &err), &err);
    /* 2022 is the earliest HS2022 year: shares 30/40 and 10/40 */
    const cm_trade_obs_t *a = find(&out, CM_TRADE_IMPORT_VALUE, "CHN", "854142", "2021");
    const cm_trade_obs_t *b = find(&out, CM_TRADE_IMPORT_VALUE, "CHN", "854143", "2021");
    const cm_trade_obs_t *q = find(&out, CM_TRADE_IMPORT_QUANTITY, "CHN", "854142", "2021");
    const cm_trade_obs_t *m = find(&out, CM_TRADE_IMPORT_QUANTITY, "DEU", "854143", "2021");
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(q);
    assert_non_null(m);
    ASSERT_NEAR(a->value, 75.0, 1e-14, 0);
    ASSERT_NEAR(b->value, 25.0, 1e-14, 0);
    ASSERT_NEAR(q->value, 6.0, 1e-14, 0);
    assert_true(isnan(m->value));
    ASSERT_NEAR(a->value / q->value, 100.0 / 8.0, 1e-14, 0); /* unit value unchanged */
    assert_int_equal(rep.n_split, 4);
    assert_int_equal(rep.n_split_equal, 0);
    assert_int_equal(rep.n_estimated, 8);
    assert_int_equal(rep.n_kept, 4);
    assert_int_equal(out.n, 12);
    for (size_t i = 0; i < out.n; i++) {
        int split = strcmp(out.items[i].period, "2021") == 0;
        assert_int_equal(rep.estimated[i], split);
    }
    /* an explicit reference period: 2023 has only 854142 -> everything to it */
    cm_trade_bridge_report_destroy(&rep);
    cm_trade_obs_list_destroy(&out);
    opt.reference_period = "2023";
    CHECK_OK(cm_trade_bridge(&in, ed, t, 2, &opt, &out, &rep, &err), &err);
    a = find(&out, CM_TRADE_IMPORT_VALUE, "CHN", "854142", "2021");
    assert_non_null(a);
    ASSERT_NEAR(a->value, 100.0, 1e-15, 0);
    assert_null(find(&out, CM_TRADE_IMPORT_VALUE, "CHN", "854143", "2021"));
    free(ed);
    cm_trade_bridge_report_destroy(&rep);
    cm_trade_obs_list_destroy(&out);
    cm_trade_obs_list_destroy(&in);
    tables_destroy(t);
}

/* Without reference trade the split is equal; CN8 codes: an unchanged HS6 keeps the CN8 code,
 * a changed one goes to the target HS6; hs6_only reduces every CN8. */
static void test_equal_shares_and_cn8(void **state)
{
    (void)state;
    cm_concordance_t t[2];
    cm_trade_obs_list_t in, out;
    cm_trade_bridge_report_t rep;
    cm_trade_bridge_options_t opt;
    cm_error_info_t err;
    memset(&in, 0, sizeof in);
    memset(&rep, 0, sizeof rep);
    memset(&opt, 0, sizeof opt);
    tables(t);
    cm_trade_obs_t o[] = {obs(1, CM_TRADE_IMPORT_VALUE, "CHN", "85414090", "2021", 9),
                          obs(2, CM_TRADE_IMPORT_VALUE, "CHN", "85076000", "2021", 4),
                          obs(3, CM_TRADE_IMPORT_VALUE, "CHN", "03011900", "2021", 6)};
    const char *e[] = {"HS2017", "HS2017", "HS2017"};
    for (size_t i = 0; i < 3; i++) {
        CHECK_OK(cm_trade_obs_add(&in, &o[i], &err), &err);
    }
    char *ed = editions(e, 3);
    opt.target = "HS2022";
    CHECK_OK(cm_trade_bridge(&in, ed, t, 2, &opt, &out, &rep, &err), &err);
    assert_int_equal(out.n, 4);
    ASSERT_NEAR(find(&out, CM_TRADE_IMPORT_VALUE, "CHN", "854142", "2021")->value, 4.5, 1e-15, 0);
    ASSERT_NEAR(find(&out, CM_TRADE_IMPORT_VALUE, "CHN", "854143", "2021")->value, 4.5, 1e-15, 0);
    assert_non_null(find(&out, CM_TRADE_IMPORT_VALUE, "CHN", "85076000", "2021"));
    assert_non_null(find(&out, CM_TRADE_IMPORT_VALUE, "CHN", "030111", "2021"));
    assert_int_equal(rep.n_split_equal, 1);
    assert_int_equal(rep.n_renamed, 1);
    assert_int_equal(rep.n_kept, 1);
    cm_trade_bridge_report_destroy(&rep);
    cm_trade_obs_list_destroy(&out);
    opt.hs6_only = 1;
    CHECK_OK(cm_trade_bridge(&in, ed, t, 2, &opt, &out, NULL, &err), &err);
    assert_non_null(find(&out, CM_TRADE_IMPORT_VALUE, "CHN", "850760", "2021"));
    free(ed);
    cm_trade_obs_list_destroy(&out);
    cm_trade_obs_list_destroy(&in);
    tables_destroy(t);
}

/* Unknown editions, an edition without a table and codes the table lacks are kept. */
static void test_kept_as_is(void **state)
{
    (void)state;
    cm_concordance_t t[2];
    cm_trade_obs_list_t in, out;
    cm_trade_bridge_report_t rep;
    cm_trade_bridge_options_t opt;
    cm_error_info_t err;
    memset(&in, 0, sizeof in);
    memset(&rep, 0, sizeof rep);
    memset(&opt, 0, sizeof opt);
    tables(t);
    cm_trade_obs_t o[] = {obs(1, CM_TRADE_IMPORT_VALUE, "CHN", "854142", "2022", 1),
                          obs(2, CM_TRADE_IMPORT_VALUE, "CHN", "854142", "2012", 2),
                          obs(3, CM_TRADE_IMPORT_VALUE, "CHN", "999999", "2022", 3),
                          obs(4, CM_TRADE_IMPORT_VALUE, "CHN", "nickel", "2022", 4)};
    const char *e[] = {"", "HS2012", "HS2022", "HS2022"};
    for (size_t i = 0; i < 4; i++) {
        CHECK_OK(cm_trade_obs_add(&in, &o[i], &err), &err);
    }
    char *ed = editions(e, 4);
    opt.target = "HS2017";
    CHECK_OK(cm_trade_bridge(&in, ed, t, 2, &opt, &out, &rep, &err), &err);
    assert_int_equal(out.n, 4);
    assert_int_equal(rep.n_unknown_edition, 1);
    assert_int_equal(rep.n_no_table, 1);
    assert_int_equal(rep.n_not_in_table, 2);
    for (size_t i = 0; i < 4; i++) {
        assert_string_equal(out.items[i].product, o[i].product);
    }
    cm_trade_bridge_report_destroy(&rep);
    cm_trade_obs_list_destroy(&out);
    /* editions NULL: all unknown */
    CHECK_OK(cm_trade_bridge(&in, NULL, t, 2, &opt, &out, &rep, &err), &err);
    assert_int_equal(rep.n_unknown_edition, 4);
    free(ed);
    cm_trade_bridge_report_destroy(&rep);
    cm_trade_obs_list_destroy(&out);
    cm_trade_obs_list_destroy(&in);
    tables_destroy(t);
}

/* Invariant: the finite values per (variable, partner, period) are conserved, both ways. */
static void test_conservation(void **state)
{
    (void)state;
    cm_concordance_t t[2];
    cm_trade_obs_list_t in, out;
    cm_trade_bridge_options_t opt;
    cm_error_info_t err;
    static const char *const hs17[] = {"854140", "850760", "030111", "030119"};
    static const char *const hs22[] = {"854142", "854143", "850760", "030111"};
    static const char *const partners[] = {"CHN", "DEU", "USA"};
    memset(&in, 0, sizeof in);
    memset(&opt, 0, sizeof opt);
    tables(t);
    char *ed = calloc(200, CM_TRADE_HS_MAX);
    assert_non_null(ed);
    int64_t id = 1;
    for (int y = 2019; y <= 2024; y++) {
        for (int p = 0; p < 3; p++) {
            for (int c = 0; c < 4; c++) {
                char period[8];
                snprintf(period, sizeof period, "%d", y);
                const char *code = y < 2022 ? hs17[c] : hs22[c];
                double v = (double)((y * 7 + p * 13 + c * 29) % 97) + 0.25;
                cm_trade_obs_t o = obs(id, CM_TRADE_IMPORT_VALUE, partners[p], code, period, v);
                snprintf(ed + in.n * CM_TRADE_HS_MAX, CM_TRADE_HS_MAX, "%s",
                         y < 2022 ? "HS2017" : "HS2022");
                CHECK_OK(cm_trade_obs_add(&in, &o, &err), &err);
                id++;
            }
        }
    }
    const char *targets[] = {"HS2017", "HS2022"};
    for (int k = 0; k < 2; k++) {
        opt.target = targets[k];
        CHECK_OK(cm_trade_bridge(&in, ed, t, 2, &opt, &out, NULL, &err), &err);
        for (int y = 2019; y <= 2024; y++) {
            for (int p = 0; p < 3; p++) {
                char period[8];
                double a = 0, b = 0;
                snprintf(period, sizeof period, "%d", y);
                for (size_t i = 0; i < in.n; i++) {
                    if (strcmp(in.items[i].period, period) == 0 &&
                        strcmp(in.items[i].partner, partners[p]) == 0) {
                        a += in.items[i].value;
                    }
                }
                for (size_t i = 0; i < out.n; i++) {
                    if (strcmp(out.items[i].period, period) == 0 &&
                        strcmp(out.items[i].partner, partners[p]) == 0) {
                        b += out.items[i].value;
                        /* every code is in the target edition now */
                        const char *const *set = k == 0 ? hs17 : hs22;
                        int ok = 0;
                        for (int c = 0; c < 4; c++) {
                            ok |= strcmp(out.items[i].product, set[c]) == 0;
                        }
                        assert_true(ok);
                    }
                }
                ASSERT_NEAR(b, a, 1e-13, 0);
            }
        }
        cm_trade_obs_list_destroy(&out);
    }
    free(ed);
    cm_trade_obs_list_destroy(&in);
    tables_destroy(t);
}

static void test_errors(void **state)
{
    (void)state;
    cm_concordance_t t[2];
    cm_trade_obs_list_t in, out;
    cm_trade_bridge_options_t opt;
    cm_error_info_t err;
    memset(&in, 0, sizeof in);
    memset(&opt, 0, sizeof opt);
    tables(t);
    opt.target = "HS2017";
    CHECK_ERROR(cm_trade_bridge(NULL, NULL, t, 2, &opt, &out, NULL, &err), CM_EINVAL);
    CHECK_ERROR(cm_trade_bridge(&in, NULL, t, 2, NULL, &out, NULL, &err), CM_EINVAL);
    CHECK_ERROR(cm_trade_bridge(&in, NULL, t, 2, &opt, NULL, NULL, &err), CM_EINVAL);
    CHECK_ERROR(cm_trade_bridge(&in, NULL, NULL, 2, &opt, &out, NULL, &err), CM_EINVAL);
    opt.target = "2017";
    CHECK_ERROR(cm_trade_bridge(&in, NULL, t, 2, &opt, &out, NULL, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "'2017'"));
    opt.target = "HS2017";
    cm_concordance_t bad;
    memset(&bad, 0, sizeof bad);
    CHECK_OK(cm_concordance_init(&bad, "hs22-to-hs17"), &err);
    CHECK_ERROR(cm_trade_bridge(&in, NULL, &bad, 1, &opt, &out, NULL, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "hs22-to-hs17"));
    cm_concordance_destroy(&bad);
    char *eds = NULL;
    CHECK_ERROR(cm_trade_obs_editions_load(NULL, &in, &eds, &err), CM_EINVAL);
    CHECK_ERROR(cm_trade_bridge_store(NULL, &in, &opt, &out, NULL, &err), CM_EINVAL);
    tables_destroy(t);
}

static void test_alloc_failures(void **state)
{
    (void)state;
    cm_concordance_t t[2];
    cm_trade_obs_list_t in, out;
    cm_trade_bridge_options_t opt;
    cm_error_info_t err;
    memset(&in, 0, sizeof in);
    memset(&opt, 0, sizeof opt);
    tables(t);
    cm_trade_obs_t o[] = {obs(1, CM_TRADE_IMPORT_VALUE, "CHN", "854140", "2021", 100),
                          obs(2, CM_TRADE_IMPORT_VALUE, "CHN", "854142", "2022", 25),
                          obs(3, CM_TRADE_IMPORT_VALUE, "CHN", "854143", "2022", 10)};
    const char *e[] = {"HS2017", "HS2022", "HS2022"};
    for (size_t i = 0; i < 3; i++) {
        CHECK_OK(cm_trade_obs_add(&in, &o[i], &err), &err);
    }
    char *ed = editions(e, 3);
    opt.target = "HS2022";
    int done = 0;
    for (long n = 0; n < 100 && !done; n++) {
        cm_trade_bridge_report_t rep;
        memset(&rep, 0, sizeof rep);
        cm_test_fail_alloc_after(n);
        cm_error_t rc = cm_trade_bridge(&in, ed, t, 2, &opt, &out, &rep, &err);
        cm_test_fail_alloc_after(-1);
        if (rc == CM_OK) {
            done = 1;
            assert_int_equal(out.n, 4);
        } else {
            assert_int_equal(rc, CM_ENOMEM);
            assert_int_equal(out.n, 0);
        }
        cm_trade_bridge_report_destroy(&rep);
        cm_trade_obs_list_destroy(&out);
    }
    assert_true(done);
    free(ed);
    cm_trade_obs_list_destroy(&in);
    tables_destroy(t);
}

/* The store path: the synthetic break and the tiny correlation table imported, the editions
 * read back from the observations, the bridge to HS2017 restoring the 440139 series. */
static void test_store(void **state)
{
    (void)state;
    char db[1024];
    cm_store_t *st = NULL;
    cm_error_info_t err;
    cm_import_report_t rep;
    cm_trade_obs_list_t in, out;
    cm_trade_bridge_report_t br;
    cm_trade_bridge_options_t opt;
    char *ed = NULL;
    memset(&rep, 0, sizeof rep);
    memset(&br, 0, sizeof br);
    memset(&opt, 0, sizeof opt);
    snprintf(db, sizeof db, "%s/bridge.db", cm_test_tmpdir());
    remove(db);
    CHECK_OK(cm_store_open(db, CM_STORE_CREATE, &st, &err), &err);
    CHECK_OK(cm_import_file(st, "comtrade",
                            cm_test_source("tests/data/trade-bridge/comtrade_bel_2017_2023.csv"),
                            NULL, &rep, &err),
             &err);
    CHECK_OK(cm_import_file(st, "hs-correlation",
                            cm_test_source("tests/data/trade-bridge/hs2022_hs2017_tiny.csv"), NULL,
                            &rep, &err),
             &err);
    cm_import_report_destroy(&rep);
    /* with the code lists in the store, comtrade counts codes absent from their edition:
     * 440132 exists in HS2022 only, 999998 in neither */
    {
        char csv[1024];
        snprintf(csv, sizeof csv, "%s/ct_2023.csv", cm_test_tmpdir());
        FILE *f = fopen(csv, "w");
        assert_non_null(f);
        fputs("year,reporter,partner,cmd,flow,value,netwgt,classificationCode\n"
              "2023,56,156,440132,M,1,1,H6\n2023,56,156,999998,M,1,1,H6\n"
              "2021,56,156,440132,M,1,1,H5\n2021,56,156,440139,M,1,1,H5\n",
              f);
        fclose(f);
        CHECK_OK(cm_import_file(st, "comtrade", csv, NULL, &rep, &err), &err);
        int64_t unknown = 0;
        for (size_t i = 0; i < rep.nquirks; i++) {
            if (strcmp(rep.quirks[i].kind, "unknown-product") == 0) {
                unknown += rep.quirks[i].count;
                assert_true(strcmp(rep.quirks[i].detail, "999998") == 0 ||
                            strcmp(rep.quirks[i].detail, "440132") == 0);
            }
        }
        assert_int_equal(unknown, 2);
        cm_import_report_destroy(&rep);
    }
    CHECK_OK(cm_trade_obs_load(st, 1, &in, &err), &err);
    CHECK_OK(cm_trade_obs_editions_load(st, &in, &ed, &err), &err);
    assert_int_equal(in.n, 64);
    for (size_t i = 0; i < in.n; i++) {
        long year = strtol(in.items[i].period, NULL, 10);
        assert_string_equal(ed + i * CM_TRADE_HS_MAX, year >= 2022 ? "HS2022" : "HS2017");
    }
    /* the editions read in the load's own query: the same list and editions */
    {
        cm_trade_obs_list_t l2, rev;
        char *ed2 = NULL, *ed3 = NULL;
        memset(&rev, 0, sizeof rev);
        CHECK_OK(cm_trade_obs_load_editions(st, 1, &l2, &ed2, &err), &err);
        assert_int_equal(l2.n, in.n);
        for (size_t i = 0; i < in.n; i++) {
            assert_true(l2.items[i].id == in.items[i].id);
        }
        assert_memory_equal(ed2, ed, in.n * CM_TRADE_HS_MAX);
        cm_trade_obs_list_destroy(&l2);
        cm_free(ed2);
        /* every trade dataset (the 2021 and 2023 rows of ct_2023.csv too) */
        CHECK_OK(cm_trade_obs_load_editions(st, 0, &l2, &ed2, &err), &err);
        assert_int_equal(l2.n, in.n + 8);
        for (size_t i = 0; i < l2.n; i++) {
            long year = strtol(l2.items[i].period, NULL, 10);
            assert_string_equal(ed2 + i * CM_TRADE_HS_MAX, year >= 2022 ? "HS2022" : "HS2017");
        }
        /* a list not sorted by id, with an id twice (as the pieces of a split observation) */
        for (size_t i = l2.n; i-- > 0;) {
            CHECK_OK(cm_trade_obs_add(&rev, &l2.items[i], &err), &err);
        }
        CHECK_OK(cm_trade_obs_add(&rev, &l2.items[l2.n - 1], &err), &err);
        CHECK_OK(cm_trade_obs_editions_load(st, &rev, &ed3, &err), &err);
        for (size_t i = 0; i < l2.n; i++) {
            assert_string_equal(ed3 + i * CM_TRADE_HS_MAX,
                                ed2 + (l2.n - 1 - i) * CM_TRADE_HS_MAX);
        }
        assert_string_equal(ed3 + l2.n * CM_TRADE_HS_MAX, ed3);
        cm_free(ed3);
        /* bridged with the editions given or read from the store: the same flows */
        cm_trade_obs_list_t o1, o2;
        opt.target = "HS2022";
        CHECK_OK(cm_trade_bridge_store(st, &l2, &opt, &o1, NULL, &err), &err);
        opt.editions = ed2;
        CHECK_OK(cm_trade_bridge_store(st, &l2, &opt, &o2, NULL, &err), &err);
        opt.editions = NULL;
        assert_int_equal(o1.n, o2.n);
        assert_true(o1.n > l2.n); /* 2017-2021 440139 split in two */
        for (size_t i = 0; i < o1.n; i++) {
            assert_true(o1.items[i].id == o2.items[i].id);
            assert_string_equal(o1.items[i].product, o2.items[i].product);
            ASSERT_NEAR(o1.items[i].value, o2.items[i].value, 0, 0);
        }
        cm_trade_obs_list_destroy(&o1);
        cm_trade_obs_list_destroy(&o2);
        cm_trade_obs_list_destroy(&rev);
        cm_trade_obs_list_destroy(&l2);
        cm_free(ed2);
        CHECK_ERROR(cm_trade_obs_load_editions(NULL, 0, &l2, &ed2, &err), CM_EINVAL);
        /* every allocation failure: an error and nothing left behind, then success */
        int done = 0;
        for (long n = 0; n < 400 && !done; n++) {
            cm_test_fail_alloc_after(n);
            cm_error_t rc = cm_trade_obs_load_editions(st, 0, &l2, &ed2, &err);
            if (rc == CM_OK) {
                rc = cm_trade_obs_editions_load(st, &l2, &ed3, &err);
                cm_free(ed3);
            }
            cm_test_fail_alloc_after(-1);
            done = rc == CM_OK;
            if (!done) {
                assert_true(rc == CM_ENOMEM || rc == CM_ESTORE);
            }
            cm_trade_obs_list_destroy(&l2);
            cm_free(ed2);
        }
        assert_true(done);
    }
    cm_free(ed);
    opt.target = "HS2017";
    CHECK_OK(cm_trade_bridge_store(st, &in, &opt, &out, &br, &err), &err);
    double v2022 = 0, v2021 = 0;
    for (size_t i = 0; i < out.n; i++) {
        const cm_trade_obs_t *o = &out.items[i];
        assert_string_not_equal(o->product, "440132");
        if (o->var == CM_TRADE_IMPORT_VALUE && strcmp(o->product, "440139") == 0) {
            v2022 += strcmp(o->period, "2022") == 0 ? o->value : 0;
            v2021 += strcmp(o->period, "2021") == 0 ? o->value : 0;
        }
    }
    ASSERT_NEAR(v2022, 100.0, 1e-15, 0);
    ASSERT_NEAR(v2021, 101.0, 1e-15, 0);
    assert_int_equal(br.n_renamed, 8);
    cm_trade_bridge_report_destroy(&br);
    cm_trade_obs_list_destroy(&out);
    /* no HS2017 -> HS2022 table in the other direction is missing: both were stored */
    opt.target = "HS2022";
    CHECK_OK(cm_trade_bridge_store(st, &in, &opt, &out, &br, &err), &err);
    assert_int_equal(br.n_no_table, 0);
    assert_int_equal(br.n_split, 20);
    cm_trade_bridge_report_destroy(&br);
    cm_trade_obs_list_destroy(&out);
    cm_trade_obs_list_destroy(&in);
    cm_store_close(st);
}

/* The hs-correlation importer through every allocation failure: the store stays unchanged. */
static void test_import_alloc_failures(void **state)
{
    (void)state;
    char db[1024];
    cm_store_t *st = NULL;
    cm_error_info_t err;
    snprintf(db, sizeof db, "%s/hsc-oom.db", cm_test_tmpdir());
    remove(db);
    CHECK_OK(cm_store_open(db, CM_STORE_CREATE, &st, &err), &err);
    const char *x = cm_test_source("tests/data/xlsx/hs_correlation_tiny.xlsx");
    cm_class_t *countries = NULL, *materials = NULL;
    cm_import_options_t opt;
    memset(&opt, 0, sizeof opt);
    CHECK_OK(cm_class_load(st, "country", &countries, &err), &err);
    CHECK_OK(cm_class_load(st, "material", &materials, &err), &err);
    opt.countries = countries;
    opt.materials = materials;
    int done = 0;
    for (long n = 0; n < 2000 && !done; n++) {
        cm_import_report_t rep;
        memset(&rep, 0, sizeof rep);
        cm_test_fail_alloc_after(n);
        cm_error_t rc = cm_import_file(st, "hs-correlation", x, &opt, &rep, &err);
        cm_test_fail_alloc_after(-1);
        cm_import_report_destroy(&rep);
        if (rc == CM_OK) {
            done = 1;
        } else {
            cm_concordance_t c;
            memset(&c, 0, sizeof c);
            assert_int_equal(rc, CM_ENOMEM);
            assert_int_equal(cm_store_concordance_load(st, "HS2022-HS2017", &c, &err),
                             CM_ENOTFOUND);
        }
    }
    assert_true(done);
    cm_class_free(countries);
    cm_class_free(materials);
    cm_concordance_t c;
    memset(&c, 0, sizeof c);
    CHECK_OK(cm_store_concordance_load(st, "HS2017-HS2022", &c, &err), &err);
    assert_int_equal(c.n, 10);
    CHECK_OK(cm_concordance_check_split(&c, 1e-12, &err), &err); /* equal shares sum to 1 */
    cm_concordance_destroy(&c);
    cm_store_close(st);
}

/* The estimated share of a pointer by hand: flags given directly. Pointer 854142 2021: CHN 60
 * (flagged), DEU 30 (not), USA a confidential NaN (flagged): 2 bridged flows, share 60 / 90;
 * pointer 854143 2021: every flow flagged: share 1; no flags: 0 and the rest unchanged. */
static void test_estimated_share_by_hand(void **state)
{
    (void)state;
    cm_trade_obs_list_t in;
    cm_trade_params_t par;
    cm_trade_pointers_t a, b;
    cm_error_info_t err;
    memset(&in, 0, sizeof in);
    cm_trade_params_default(&par);
    cm_trade_obs_t o[] = {
        obs(1, CM_TRADE_IMPORT_VALUE, "CHN", "854142", "2021", 60),
        obs(2, CM_TRADE_IMPORT_QUANTITY, "CHN", "854142", "2021", 6),
        obs(3, CM_TRADE_IMPORT_VALUE, "DEU", "854142", "2021", 30),
        obs(4, CM_TRADE_IMPORT_QUANTITY, "DEU", "854142", "2021", 3),
        obs(5, CM_TRADE_IMPORT_VALUE, "USA", "854142", "2021", NAN),
        obs(6, CM_TRADE_IMPORT_VALUE, "CHN", "854143", "2021", 12),
        obs(7, CM_TRADE_IMPORT_VALUE, "DEU", "854143", "2021", 8),
        obs(8, CM_TRADE_IMPORT_VALUE, "DEU", "850760", "2021", 5),
        obs(9, CM_TRADE_IMPORT_QUANTITY, "DEU", "850760", "2021", 1), /* only the quantity */
    };
    const unsigned char flags[] = {1, 1, 0, 0, 1, 1, 1, 0, 1};
    enum { N = sizeof o / sizeof o[0] };
    for (size_t i = 0; i < N; i++) {
        CHECK_OK(cm_trade_obs_add(&in, &o[i], &err), &err);
    }
    CHECK_OK(cm_trade_pointers_compute_est(&in, flags, "BEL", NULL, NULL, &par, &a, &err), &err);
    CHECK_OK(cm_trade_pointers_compute(&in, "BEL", NULL, NULL, &par, &b, &err), &err);
    assert_int_equal(a.n, 3);
    assert_int_equal(b.n, 3);
    for (size_t i = 0; i < a.n; i++) {
        const cm_trade_pointer_t *x = &a.items[i], *y = &b.items[i];
        assert_string_equal(x->product, y->product);
        ASSERT_NEAR(x->value, y->value, 0, 0);
        ASSERT_NEAR(x->hhi, y->hhi, 0, 0);
        assert_int_equal(x->n_partners, y->n_partners);
        assert_int_equal(x->ev_n, y->ev_n);
        assert_int_equal(y->bridged_flows, 0); /* no flags */
        ASSERT_NEAR(y->estimated_value_share, 0.0, 0, 0);
        assert_true(x->estimated_value_share >= 0.0 && x->estimated_value_share <= 1.0);
        if (strcmp(x->product, "854142") == 0) {
            assert_int_equal(x->n_suppressed, 1);
            assert_int_equal(x->bridged_flows, 2);
            ASSERT_NEAR(x->estimated_value_share, 60.0 / 90.0, 1e-15, 0);
        } else if (strcmp(x->product, "854143") == 0) {
            assert_int_equal(x->bridged_flows, 2);
            ASSERT_NEAR(x->estimated_value_share, 1.0, 0, 0);
        } else {
            /* the flagged quantity makes a bridged flow, not an estimated value */
            assert_int_equal(x->bridged_flows, 1);
            ASSERT_NEAR(x->estimated_value_share, 0.0, 0, 0);
        }
    }
    cm_trade_pointers_destroy(&a);
    cm_trade_pointers_destroy(&b);
    /* every flow flagged: every share is 1 where the value is positive */
    const unsigned char all[N] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    CHECK_OK(cm_trade_pointers_compute_est(&in, all, NULL, NULL, NULL, &par, &a, &err), &err);
    for (size_t i = 0; i < a.n; i++) {
        ASSERT_NEAR(a.items[i].estimated_value_share, 1.0, 0, 0);
        assert_int_equal(a.items[i].bridged_flows,
                         a.items[i].n_partners + a.items[i].n_suppressed);
    }
    cm_trade_pointers_destroy(&a);
    CHECK_ERROR(cm_trade_pointers_compute_est(NULL, flags, NULL, NULL, NULL, &par, &a, &err),
                CM_EINVAL);
    CHECK_ERROR(cm_trade_pointers_compute_est(&in, flags, NULL, NULL, NULL, NULL, &a, &err),
                CM_EINVAL);
    CHECK_ERROR(cm_trade_pointers_compute_est(&in, flags, NULL, NULL, NULL, &par, NULL, &err),
                CM_EINVAL);
    /* allocation failures: CM_ENOMEM and nothing left behind, then success */
    int done = 0;
    for (long n = 0; n < 50 && !done; n++) {
        cm_test_fail_alloc_after(n);
        cm_error_t rc = cm_trade_pointers_compute_est(&in, flags, NULL, NULL, NULL, &par, &a, &err);
        cm_test_fail_alloc_after(-1);
        if (rc == CM_OK) {
            done = 1;
            assert_int_equal(a.n, 3);
        } else {
            assert_int_equal(rc, CM_ENOMEM);
            assert_int_equal(a.n, 0);
        }
        cm_trade_pointers_destroy(&a);
    }
    assert_true(done);
    cm_trade_obs_list_destroy(&in);
}

/* Through the bridge: the conservation data bridged to HS2022 with the report's flags.
 * Invariants: 0 <= share <= 1; Σ share x value over the pointers = Σ of the flagged finite
 * import values; the split products are wholly estimated before 2022 (every flow split) and
 * not at all from 2022; renamed or kept codes are never estimated. */
static void test_estimated_share_bridged(void **state)
{
    (void)state;
    cm_concordance_t t[2];
    cm_trade_obs_list_t in, out;
    cm_trade_bridge_options_t opt;
    cm_trade_bridge_report_t rep;
    cm_trade_params_t par;
    cm_trade_pointers_t ptr;
    cm_error_info_t err;
    static const char *const hs17[] = {"854140", "850760", "030111", "030119"};
    static const char *const hs22[] = {"854142", "854143", "850760", "030111"};
    static const char *const partners[] = {"CHN", "DEU", "USA"};
    memset(&in, 0, sizeof in);
    memset(&opt, 0, sizeof opt);
    memset(&rep, 0, sizeof rep);
    cm_trade_params_default(&par);
    tables(t);
    char *ed = calloc(200, CM_TRADE_HS_MAX);
    assert_non_null(ed);
    int64_t id = 1;
    for (int y = 2019; y <= 2024; y++) {
        for (int p = 0; p < 3; p++) {
            for (int c = 0; c < 4; c++) {
                char period[8];
                snprintf(period, sizeof period, "%d", y);
                double v = (double)((y * 7 + p * 13 + c * 29) % 97) + 0.25;
                cm_trade_obs_t o = obs(id++, CM_TRADE_IMPORT_VALUE, partners[p],
                                       y < 2022 ? hs17[c] : hs22[c], period, v);
                snprintf(ed + in.n * CM_TRADE_HS_MAX, CM_TRADE_HS_MAX, "%s",
                         y < 2022 ? "HS2017" : "HS2022");
                CHECK_OK(cm_trade_obs_add(&in, &o, &err), &err);
            }
        }
    }
    opt.target = "HS2022";
    CHECK_OK(cm_trade_bridge(&in, ed, t, 2, &opt, &out, &rep, &err), &err);
    assert_int_equal(rep.n_out, out.n);
    assert_true(rep.n_estimated > 0);
    CHECK_OK(cm_trade_pointers_compute_est(&out, rep.estimated, NULL, NULL, NULL, &par, &ptr,
                                           &err),
             &err);
    double flagged = 0.0, from_ptr = 0.0;
    size_t shared_id = 0;
    for (size_t i = 0; i < out.n; i++) {
        if (rep.estimated[i] && out.items[i].var == CM_TRADE_IMPORT_VALUE) {
            flagged += out.items[i].value;
        }
    }
    assert_true(ptr.n > 0);
    for (size_t i = 0; i < ptr.n; i++) {
        const cm_trade_pointer_t *x = &ptr.items[i];
        int split = strcmp(x->product, "854142") == 0 || strcmp(x->product, "854143") == 0;
        int before = strcmp(x->period, "2022") < 0;
        assert_true(x->estimated_value_share >= 0.0 && x->estimated_value_share <= 1.0);
        assert_true(x->bridged_flows >= 0 && x->bridged_flows <= x->n_partners);
        from_ptr += x->estimated_value_share * x->value;
        /* the evidence rows by index: the split pieces share their source's id, so only the
         * index tells which piece (which product) made this pointer; their values sum to it */
        double ev_sum = 0.0;
        for (size_t e = x->ev_first; e < x->ev_first + x->ev_n; e++) {
            assert_true(ptr.ev_obs[e] < out.n);
            const cm_trade_obs_t *o = &out.items[ptr.ev_obs[e]];
            assert_true(o->id == ptr.ev_id[e] && o->line == ptr.ev_line[e]);
            assert_string_equal(o->product, x->product);
            assert_string_equal(o->period, x->period);
            ev_sum += o->var == CM_TRADE_IMPORT_VALUE ? o->value : 0.0;
            for (size_t f = 0; f < ptr.n_ev; f++) {
                shared_id += ptr.ev_id[f] == ptr.ev_id[e] &&
                             strcmp(out.items[ptr.ev_obs[f]].product, x->product) != 0;
            }
        }
        ASSERT_NEAR(ev_sum, x->value, 1e-13, 0);
        if (split && before) {
            ASSERT_NEAR(x->estimated_value_share, 1.0, 1e-15, 0);
            assert_int_equal(x->bridged_flows, 3);
        } else {
            ASSERT_NEAR(x->estimated_value_share, 0.0, 0, 0);
            assert_int_equal(x->bridged_flows, 0);
        }
    }
    ASSERT_NEAR(from_ptr, flagged, 1e-13, 0);
    assert_true(flagged > 0.0);
    assert_true(shared_id > 0); /* pieces of other products do share evidence ids */
    cm_trade_pointers_destroy(&ptr);
    cm_trade_bridge_report_destroy(&rep);
    cm_trade_obs_list_destroy(&out);
    free(ed);
    cm_trade_obs_list_destroy(&in);
    tables_destroy(t);
}

/* The estimated share of an alert's evidence, by hand: a change alert covers the period and the
 * previous one (100 wholly estimated + 300 reported: 0.25); other alerts the period only. */
static void test_alert_estimated_share(void **state)
{
    (void)state;
    cm_trade_params_t par;
    cm_trade_pointers_t ptr;
    cm_trade_alerts_t a;
    cm_error_info_t err;
    cm_trade_pointer_t it[2];
    cm_trade_params_default(&par);
    memset(&ptr, 0, sizeof ptr);
    memset(it, 0, sizeof it);
    for (int i = 0; i < 2; i++) {
        it[i].z_value = it[i].z_quantity = it[i].z_unit_value = NAN;
        it[i].hhi_change = it[i].unit_value_change = NAN;
        it[i].high_risk_share = it[i].unknown_risk_share = NAN;
        it[i].prev = i - 1;
        snprintf(it[i].period, sizeof it[i].period, "%d", 2021 + i);
    }
    it[0].value = 100.0;
    it[0].estimated_value_share = 1.0;
    it[1].value = 300.0;
    it[1].estimated_value_share = 0.0;
    it[1].hhi_change = 0.3;          /* hhi_jump: evidence 2021 + 2022 */
    it[1].z_value = 3.0;             /* value_z: evidence 2022 only */
    ptr.items = it;
    ptr.n = 2;
    CHECK_OK(cm_trade_alerts_build(&ptr, &par, &a, &err), &err);
    assert_int_equal(a.n, 2);
    for (size_t i = 0; i < a.n; i++) {
        if (strcmp(a.items[i].kind, "hhi_jump") == 0) {
            ASSERT_NEAR(a.items[i].estimated_value_share, 100.0 / 400.0, 1e-15, 0);
        } else {
            assert_string_equal(a.items[i].kind, "value_z");
            ASSERT_NEAR(a.items[i].estimated_value_share, 0.0, 0, 0);
        }
    }
    cm_trade_alerts_destroy(&a);
    /* the current period estimated in part: value-weighted (100 x 1 + 300 x 0.5) / 400 */
    it[1].estimated_value_share = 0.5;
    CHECK_OK(cm_trade_alerts_build(&ptr, &par, &a, &err), &err);
    for (size_t i = 0; i < a.n; i++) {
        ASSERT_NEAR(a.items[i].estimated_value_share,
                    strcmp(a.items[i].kind, "hhi_jump") == 0 ? 250.0 / 400.0 : 0.5, 1e-15, 0);
    }
    cm_trade_alerts_destroy(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CM_TEST(test_rename_and_sum),   CM_TEST(test_split_reference_shares),
        CM_TEST(test_equal_shares_and_cn8), CM_TEST(test_kept_as_is),
        CM_TEST(test_conservation),     CM_TEST(test_errors),
        CM_TEST(test_alloc_failures),   CM_TEST(test_store),
        CM_TEST(test_import_alloc_failures), CM_TEST(test_estimated_share_by_hand),
        CM_TEST(test_estimated_share_bridged), CM_TEST(test_alert_estimated_share),
    };
    return CM_RUN_TESTS(tests);
}

/* Pointers and alerts (cm_trade.h): a hand-made annual series with known z-scores, an HHI jump,
 * a unit-value jump and a new top partner; high-risk shares; the GeoDep criteria on a hand-made
 * case (directly and from observations, with world exports and the declarant's exports); the
 * severity ranking; the thresholds file and its errors; loading from a store; the Belgian run on
 * the shared BACI series; allocation failures. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cambium/cambium.h"
#include "cm_test.h"

static int64_t next_id = 1;

static void add(cm_trade_obs_list_t *l, const char *kind, const char *reg, const char *par,
                const char *prod, const char *per, cm_trade_var_t var, double v)
{
    cm_trade_obs_t o;
    cm_error_info_t err;
    memset(&o, 0, sizeof o);
    o.dataset = 1;
    o.id = next_id++;
    o.line = o.id + 1;
    o.var = var;
    snprintf(o.kind, sizeof o.kind, "%s", kind);
    snprintf(o.unit, sizeof o.unit, "%s", var == CM_TRADE_IMPORT_QUANTITY ? "t" : "USD");
    snprintf(o.region, sizeof o.region, "%s", reg);
    snprintf(o.partner, sizeof o.partner, "%s", par);
    snprintf(o.product, sizeof o.product, "%s", prod);
    snprintf(o.period, sizeof o.period, "%s", per);
    o.value = v;
    CHECK_OK(cm_trade_obs_add(l, &o, &err), &err);
}

/* 2015-2021, product P into BEL from AAA and BBB. Totals 10, 12, 11, 13, 9 for 2016-2020 and 20
 * in 2021; in 2021 BBB overtakes AAA (new top partner) and concentrates the flow. Quantities:
 * unit value 1 until 2020, 2 in 2021. */
static void series(cm_trade_obs_list_t *l)
{
    static const double tot[7] = {8, 10, 12, 11, 13, 9, 20};
    for (int y = 0; y < 7; y++) {
        char per[8];
        snprintf(per, sizeof per, "%d", 2015 + y);
        double a = y < 6 ? 0.7 * tot[y] : 2.0, b = tot[y] - a;
        add(l, "baci", "BEL", "AAA", "P", per, CM_TRADE_IMPORT_VALUE, a);
        add(l, "baci", "BEL", "BBB", "P", per, CM_TRADE_IMPORT_VALUE, b);
        double uv = y < 6 ? 1.0 : 2.0;
        add(l, "baci", "BEL", "AAA", "P", per, CM_TRADE_IMPORT_QUANTITY, a / uv);
        add(l, "baci", "BEL", "BBB", "P", per, CM_TRADE_IMPORT_QUANTITY, b / uv);
    }
    /* rows that must be left out: the world total, another declarant, a duplicate */
    add(l, "baci", "BEL", "WLD", "P", "2021", CM_TRADE_IMPORT_VALUE, 1000);
    add(l, "baci", "FRA", "AAA", "P", "2021", CM_TRADE_IMPORT_VALUE, 5);
    add(l, "baci", "BEL", "AAA", "P", "2021", CM_TRADE_IMPORT_VALUE, 999);
    /* a confidential cell: no value */
    add(l, "baci", "BEL", "CCC", "P", "2021", CM_TRADE_IMPORT_VALUE, NAN);
}

static double risk(const char *partner, void *ud)
{
    (void)ud;
    return strcmp(partner, "BBB") == 0 ? 7.0 : strcmp(partner, "AAA") == 0 ? 2.0 : NAN;
}

static void test_series_by_hand(void **state)
{
    (void)state;
    cm_trade_obs_list_t l = {0};
    cm_trade_pointers_t p;
    cm_trade_params_t par;
    cm_error_info_t err;
    series(&l);
    cm_trade_params_default(&par);
    CHECK_OK(cm_trade_pointers_compute(&l, "BEL", risk, NULL, &par, &p, &err), &err);
    assert_int_equal(p.n, 7);
    assert_int_equal(p.n_skipped_partner, 1);
    const cm_trade_pointer_t *t = &p.items[6];
    assert_string_equal(t->period, "2021");
    ASSERT_NEAR(t->value, 20.0, 1e-15, 0); /* the duplicate 999 was not used */
    assert_int_equal(t->n_partners, 2);
    assert_int_equal(t->n_suppressed, 1);
    /* shares 0.1 and 0.9 */
    ASSERT_NEAR(t->hhi, 0.01 + 0.81, 1e-14, 0);
    assert_string_equal(t->top_partner, "BBB");
    ASSERT_NEAR(t->top_share, 0.9, 1e-14, 0);
    ASSERT_NEAR(t->unit_value, 2.0, 1e-14, 0);
    ASSERT_NEAR(t->high_risk_share, 0.9, 1e-14, 0);
    ASSERT_NEAR(t->unknown_risk_share, 0.0, 0, 0);
    /* baseline 2016-2020 (5 years): mean 11, sample sd sqrt(2.5) */
    assert_int_equal(t->baseline_n, 5);
    ASSERT_NEAR(t->z_value, 9.0 / sqrt(2.5), 1e-12, 0);
    ASSERT_NEAR(t->z_quantity, (10.0 - 11.0) / sqrt(2.5), 1e-12, 0);
    assert_true(isnan(t->z_unit_value)); /* the baseline unit values are all 1: sd 0 */
    /* previous year: shares 0.7 / 0.3 -> HHI 0.58; top AAA */
    assert_int_equal(t->prev, 5);
    ASSERT_NEAR(t->hhi_change, 0.82 - 0.58, 1e-12, 0);
    ASSERT_NEAR(t->unit_value_change, 1.0, 1e-14, 0);
    assert_true(t->new_top);
    assert_false(p.items[5].new_top);
    /* 2016 has one baseline year: no z; 2018 has 3 (8, 10, 12 -> mean 10, sd 2): z = 0.5 */
    assert_true(isnan(p.items[1].z_value));
    assert_int_equal(p.items[3].baseline_n, 3);
    ASSERT_NEAR(p.items[3].z_value, (11.0 - 10.0) / 2.0, 1e-12, 0);
    /* evidence of 2021: the 4 rows used (2 values, 2 quantities) */
    assert_int_equal(t->ev_n, 5); /* with the confidential cell */
    /* the same with the declarant FRA: one pointer */
    cm_trade_pointers_t q;
    CHECK_OK(cm_trade_pointers_compute(&l, "FRA", NULL, NULL, &par, &q, &err), &err);
    assert_int_equal(q.n, 1);
    assert_true(isnan(q.items[0].high_risk_share));
    cm_trade_pointers_destroy(&q);

    /* alerts with the defaults: value_z (5.69 / 2 -> capped? no: 2.85 x 1), hhi_jump (0.24 /
     * 0.1 = 2.4 x 2 = 4.8), unit_value_jump (1 / 0.5 = 2 x 1.5 = 3), new_top_partner (0.9 /
     * 0.25 = 3.6 x 2 = 7.2), high_risk_share (0.9 / 0.5 = 1.8 x 2.5 = 4.5) */
    cm_trade_alerts_t a;
    CHECK_OK(cm_trade_alerts_build(&p, &par, &a, &err), &err);
    int seen = 0;
    for (size_t i = 0; i < a.n; i++) {
        const cm_trade_alert_t *x = &a.items[i];
        if (i > 0) {
            assert_true(a.items[i - 1].severity >= x->severity);
        }
        if (x->pointer != 6) {
            continue;
        }
        if (strcmp(x->kind, "value_z") == 0) {
            ASSERT_NEAR(x->severity, 9.0 / sqrt(2.5) / 2.0, 1e-12, 0);
            seen |= 1;
        } else if (strcmp(x->kind, "hhi_jump") == 0) {
            ASSERT_NEAR(x->severity, 2.0 * 0.24 / 0.1, 1e-12, 0);
            seen |= 2;
        } else if (strcmp(x->kind, "unit_value_jump") == 0) {
            ASSERT_NEAR(x->severity, 1.5 * 2.0, 1e-12, 0);
            seen |= 4;
        } else if (strcmp(x->kind, "new_top_partner") == 0) {
            ASSERT_NEAR(x->severity, 2.0 * 0.9 / 0.25, 1e-12, 0);
            seen |= 8;
        } else if (strcmp(x->kind, "high_risk_share") == 0) {
            ASSERT_NEAR(x->severity, 2.5 * 0.9 / 0.5, 1e-12, 0);
            seen |= 16;
        }
    }
    assert_int_equal(seen, 31);
    assert_string_equal(a.items[0].kind, "new_top_partner");
    cm_trade_alerts_destroy(&a);
    /* a higher threshold removes the HHI jump; min_severity drops the weak ones */
    par.hhi_jump = 0.3;
    par.min_severity = 4.0;
    CHECK_OK(cm_trade_alerts_build(&p, &par, &a, &err), &err);
    for (size_t i = 0; i < a.n; i++) {
        assert_true(a.items[i].severity >= 4.0);
        assert_string_not_equal(a.items[i].kind, "hhi_jump");
    }
    assert_true(a.n >= 2);
    cm_trade_alerts_destroy(&a);
    CHECK_ERROR(cm_trade_alerts_build(NULL, &par, &a, &err), CM_EINVAL);
    CHECK_ERROR(cm_trade_pointers_compute(NULL, NULL, NULL, NULL, &par, &p, &err), CM_EINVAL);
    cm_trade_pointers_destroy(&p);
    cm_trade_obs_list_destroy(&l);
}

/* GeoDep worked by hand (METHODS B.6). Years 2020-2023:
 *  2020: HHI 0.5, world 0.6, 100 / 50 = 2      -> 1, 2, 3 hold
 *  2021: HHI 0.3 (criterion 1 fails)           -> no
 *  2022: HHI 0.45, world 0.41, exports 0 -> 9999 -> all hold: 2 of 2020-2022 -> dependency
 *  2023: HHI 0.9, world 0.5, 100 / 100 = 1 (not > 1) -> no; 2021-2023: 1 year -> no */
static void test_geodep_by_hand(void **state)
{
    (void)state;
    cm_trade_params_t par;
    cm_error_info_t err;
    cm_trade_params_default(&par);
    cm_trade_geodep_year_t y[4] = {
        {2020, 0.5, 0.6, 100, 50, 0, 0, 0, 0, 0, 0, 0},
        {2021, 0.3, 0.6, 100, 50, 0, 0, 0, 0, 0, 0, 0},
        {2022, 0.45, 0.41, 100, 0, 0, 0, 0, 0, 0, 0, 0},
        {2023, 0.9, 0.5, 100, 100, 0, 0, 0, 0, 0, 0, 0},
    };
    CHECK_OK(cm_trade_geodep(y, 4, &par, &err), &err);
    ASSERT_NEAR(y[0].ratio, 2.0, 0, 0);
    assert_true(y[0].all3);
    assert_int_equal(y[0].years_holding, 1);
    assert_false(y[0].dependency);
    assert_false(y[1].c1);
    assert_true(y[1].c2 && y[1].c3);
    assert_false(y[1].dependency);
    ASSERT_NEAR(y[2].ratio, 9999.0, 0, 0);
    assert_true(y[2].all3);
    assert_int_equal(y[2].years_holding, 2);
    assert_true(y[2].dependency);
    ASSERT_NEAR(y[3].ratio, 1.0, 0, 0);
    assert_false(y[3].c3);
    assert_int_equal(y[3].years_holding, 1);
    assert_false(y[3].dependency);
    /* a gap: 2020 and 2022 only; the window 2020-2022 holds both */
    cm_trade_geodep_year_t g[2] = {y[0], y[2]};
    CHECK_OK(cm_trade_geodep(g, 2, &par, &err), &err);
    assert_true(g[1].dependency);
    /* unknown inputs do not hold */
    y[0].world_export_hhi = NAN;
    y[0].exports = NAN;
    CHECK_OK(cm_trade_geodep(y, 1, &par, &err), &err);
    assert_false(y[0].c2);
    assert_false(y[0].c3);
    assert_true(isnan(y[0].ratio));
    /* thresholds are strict: HHI exactly 0.4 does not count */
    cm_trade_geodep_year_t e = {2020, 0.4, 0.9, 10, 1, 0, 0, 0, 0, 0, 0, 0};
    CHECK_OK(cm_trade_geodep(&e, 1, &par, &err), &err);
    assert_false(e.c1);
    g[1].year = 2020;
    CHECK_ERROR(cm_trade_geodep(g, 2, &par, &err), CM_EINVAL);
    CHECK_ERROR(cm_trade_geodep(g, 2, NULL, &err), CM_EINVAL);
}

/* GeoDep from observations: BEL imports of 123456 from CHN (0.8) and DEU (0.2) in 2022 and
 * 2023; a world dataset (dataset 2: third-country flows) gives world exports CHN 90, DEU 10
 * (HHI 0.82); BEL exports 10 (export_value) in 2022, none recorded in 2023 (0). */
static void test_geodep_from_obs(void **state)
{
    (void)state;
    cm_trade_obs_list_t l = {0};
    cm_trade_pointers_t p;
    cm_trade_params_t par;
    cm_error_info_t err;
    for (int y = 2022; y <= 2023; y++) {
        char per[8];
        snprintf(per, sizeof per, "%d", y);
        add(&l, "comtrade", "BEL", "CHN", "123456", per, CM_TRADE_IMPORT_VALUE, 80);
        add(&l, "comtrade", "BEL", "DEU", "123456", per, CM_TRADE_IMPORT_VALUE, 20);
    }
    add(&l, "comtrade", "BEL", "WLD", "123456", "2022", CM_TRADE_EXPORT_VALUE, 10);
    size_t first_world = l.n;
    add(&l, "baci", "USA", "CHN", "123456", "2022", CM_TRADE_IMPORT_VALUE, 50);
    add(&l, "baci", "FRA", "CHN", "123456", "2022", CM_TRADE_IMPORT_VALUE, 40);
    add(&l, "baci", "FRA", "DEU", "123456", "2022", CM_TRADE_IMPORT_VALUE, 10);
    for (size_t i = first_world; i < l.n; i++) {
        l.items[i].dataset = 2;
    }
    cm_trade_params_default(&par);
    CHECK_OK(cm_trade_pointers_compute(&l, "BEL", NULL, NULL, &par, &p, &err), &err);
    assert_int_equal(p.n, 2);
    const cm_trade_pointer_t *a = &p.items[0], *b = &p.items[1];
    ASSERT_NEAR(a->hhi, 0.68, 1e-14, 0);
    ASSERT_NEAR(a->world_export_hhi, 0.81 + 0.01, 1e-14, 0);
    ASSERT_NEAR(a->exports, 10.0, 0, 0);
    ASSERT_NEAR(a->import_export_ratio, 10.0, 1e-15, 0);
    assert_true(a->geodep_c1 && a->geodep_c2 && a->geodep_c3);
    assert_false(a->geodep); /* one year so far */
    assert_true(isnan(b->world_export_hhi)); /* no world data for 2023 */
    ASSERT_NEAR(b->exports, 0.0, 0, 0);       /* the source has an export view of BEL */
    ASSERT_NEAR(b->import_export_ratio, 9999.0, 0, 0);
    assert_false(b->geodep_c2);
    assert_false(b->geodep);
    cm_trade_pointers_destroy(&p);
    /* with world data for 2023 too, 2023 becomes a dependency (2 of 2021-2023) */
    add(&l, "baci", "USA", "CHN", "123456", "2023", CM_TRADE_IMPORT_VALUE, 70);
    add(&l, "baci", "FRA", "DEU", "123456", "2023", CM_TRADE_IMPORT_VALUE, 30);
    l.items[l.n - 1].dataset = l.items[l.n - 2].dataset = 2;
    CHECK_OK(cm_trade_pointers_compute(&l, "BEL", NULL, NULL, &par, &p, &err), &err);
    ASSERT_NEAR(p.items[1].world_export_hhi, 0.49 + 0.09, 1e-14, 0);
    assert_int_equal(p.items[1].geodep_years_holding, 2);
    assert_true(p.items[1].geodep);
    cm_trade_alerts_t al;
    CHECK_OK(cm_trade_alerts_build(&p, &par, &al, &err), &err);
    int found = 0;
    for (size_t i = 0; i < al.n; i++) {
        found |= strcmp(al.items[i].kind, "geodep") == 0 && al.items[i].pointer == 1;
    }
    assert_true(found);
    cm_trade_alerts_destroy(&al);
    cm_trade_pointers_destroy(&p);
    cm_trade_obs_list_destroy(&l);
}

static const char *write_tmp(const char *name, const char *text)
{
    static char path[1024];
    snprintf(path, sizeof path, "%s/%s", cm_test_tmpdir(), name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static void test_params_file(void **state)
{
    (void)state;
    cm_trade_params_t par;
    cm_error_info_t err;
    cm_trade_params_default(&par);
    const char *shipped = cm_test_source("data/trade/pointers.ini");
    cm_trade_params_t def = par;
    CHECK_OK(cm_trade_params_load(shipped, &par, &err), &err);
    /* the shipped file states the defaults */
    assert_memory_equal(&par, &def, sizeof par);
    CHECK_OK(cm_trade_params_load(write_tmp("p.ini", "[thresholds]\nz = 3\nwgi_year = 2020\n"
                                                      "[baseline]\nwindow_years = 4\n"),
                                  &par, &err), &err);
    ASSERT_NEAR(par.z_threshold, 3.0, 0, 0);
    assert_int_equal(par.wgi_year, 2020);
    assert_int_equal(par.window_years, 4);
    ASSERT_NEAR(par.hhi_jump, 0.1, 0, 0);
    cm_trade_params_t keep = par;
    CHECK_ERROR(cm_trade_params_load(write_tmp("p.ini", "[thresholds]\nzz = 3\n"), &par, &err),
                CM_EPARSE);
    assert_int_equal(err.line, 2);
    assert_memory_equal(&par, &keep, sizeof par); /* unchanged on error */
    CHECK_ERROR(cm_trade_params_load(write_tmp("p.ini", "[limits]\nz = 3\n"), &par, &err),
                CM_EPARSE);
    CHECK_ERROR(cm_trade_params_load(write_tmp("p.ini", "[thresholds]\nz = -1\n"), &par, &err),
                CM_EPARSE);
    assert_int_equal(err.column, 5);
    CHECK_ERROR(cm_trade_params_load(write_tmp("p.ini", "[thresholds]\nz = high\n"), &par, &err),
                CM_EPARSE);
    CHECK_ERROR(cm_trade_params_load(write_tmp("p.ini", "[geodep]\nyears_required = 4\n"), &par,
                                     &err), CM_EPARSE);
    CHECK_ERROR(cm_trade_params_load("/nonexistent/p.ini", &par, &err), CM_EFILE);
    CHECK_ERROR(cm_trade_params_load(NULL, &par, &err), CM_EINVAL);
}

static void test_store_and_alloc(void **state)
{
    (void)state;
    char db[1024];
    cm_store_t *st = NULL;
    cm_error_info_t err;
    snprintf(db, sizeof db, "%s/trade.db", cm_test_tmpdir());
    remove(db);
    CHECK_OK(cm_store_open(db, CM_STORE_CREATE, &st, &err), &err);
    cm_provenance_t prov = {"comtrade", "test", "me", "here", "CC0", "1", NULL, NULL};
    cm_store_import_t *imp = NULL;
    CHECK_OK(cm_store_import_begin(st, &prov, &imp, &err), &err);
    const char *par[3] = {"CHN", "DEU", "WLD"};
    for (int y = 2018; y <= 2022; y++) {
        char per[8];
        snprintf(per, sizeof per, "%d", y);
        for (int k = 0; k < 3; k++) {
            cm_obs_t o = {"import_value", "BEL", par[k], NULL, "262000", NULL, per,
                          10.0 + k + (y == 2022 ? 50.0 * (k == 0) : 0.0), "USD", NULL, NULL,
                          y * 10 + k};
            CHECK_OK(cm_store_import_add(imp, &o, &err), &err);
        }
    }
    cm_obs_t other = {"estimate", "BEL", NULL, NULL, "va", NULL, "2022", 1.0, "1", NULL, NULL, 1};
    CHECK_OK(cm_store_import_add(imp, &other, &err), &err);
    CHECK_OK(cm_store_import_commit(imp, &err), &err);
    cm_trade_obs_list_t l;
    CHECK_OK(cm_trade_obs_load(st, 0, &l, &err), &err);
    assert_int_equal(l.n, 15);
    assert_string_equal(l.items[0].kind, "comtrade");
    assert_string_equal(l.items[0].unit, "USD");
    assert_int_equal(l.items[0].line, 20180);
    cm_trade_obs_list_destroy(&l);
    CHECK_OK(cm_trade_obs_load(st, 99, &l, &err), &err);
    assert_int_equal(l.n, 0);
    cm_trade_obs_list_destroy(&l);
    CHECK_OK(cm_trade_obs_load(st, 1, &l, &err), &err);
    assert_int_equal(l.n, 15);
    cm_trade_params_t pr;
    cm_trade_params_default(&pr);
    int done = 0;
    for (long n = 0; n < 400 && !done; n++) {
        cm_trade_pointers_t p;
        cm_trade_alerts_t a;
        memset(&a, 0, sizeof a);
        cm_test_fail_alloc_after(n);
        cm_error_t rc = cm_trade_pointers_compute(&l, "BEL", NULL, NULL, &pr, &p, &err);
        if (rc == CM_OK) {
            rc = cm_trade_alerts_build(&p, &pr, &a, &err);
        }
        cm_test_fail_alloc_after(-1);
        if (rc == CM_OK) {
            done = 1;
            assert_int_equal(p.n, 5);
            assert_int_equal(p.n_skipped_partner, 5);
            assert_true(a.n >= 1); /* 2022: CHN 60 of 71 */
        } else {
            assert_int_equal(rc, CM_ENOMEM);
        }
        cm_trade_alerts_destroy(&a);
        cm_trade_pointers_destroy(&p);
    }
    assert_true(done);
    done = 0;
    for (long n = 0; n < 400 && !done; n++) {
        cm_trade_obs_list_t m;
        cm_test_fail_alloc_after(n);
        cm_error_t rc = cm_trade_obs_load(st, 0, &m, &err);
        cm_test_fail_alloc_after(-1);
        done = rc == CM_OK;
        if (!done) {
            assert_true(rc == CM_ENOMEM || rc == CM_ESTORE);
        }
        cm_trade_obs_list_destroy(&m);
    }
    assert_true(done);
    cm_trade_obs_list_destroy(&l);
    cm_store_close(st);
}

/* The Belgian run on the shared BACI series (skipped when absent): at least one alert, each
 * with evidence rows that belong to its period. */
static void test_belgium_baci(void **state)
{
    (void)state;
    const char *csv = cm_test_shared(
        "baci-crm-flows-belgium-2002-2024/baci_crm_flows_belgium_2002_2024.csv");
    if (csv == NULL) {
        skip();
    }
    char db[1024];
    cm_store_t *st = NULL;
    cm_error_info_t err;
    snprintf(db, sizeof db, "%s/be.db", cm_test_tmpdir());
    remove(db);
    CHECK_OK(cm_store_open(db, CM_STORE_CREATE, &st, &err), &err);
    CHECK_OK(cm_import_file(st, "baci", csv, NULL, NULL, &err), &err);
    cm_trade_obs_list_t l;
    cm_trade_pointers_t p;
    cm_trade_alerts_t a;
    cm_trade_params_t par;
    cm_trade_params_default(&par);
    CHECK_OK(cm_trade_obs_load(st, 0, &l, &err), &err);
    CHECK_OK(cm_trade_pointers_compute(&l, "BEL", NULL, NULL, &par, &p, &err), &err);
    CHECK_OK(cm_trade_alerts_build(&p, &par, &a, &err), &err);
    assert_true(p.n > 500); /* 32 materials x 23 years, some absent */
    assert_true(a.n > 0);
    for (size_t i = 0; i < a.n; i++) {
        const cm_trade_pointer_t *t = &p.items[a.items[i].pointer];
        assert_true(t->ev_n > 0);
        assert_true(a.items[i].severity > 0.0);
        for (size_t e = t->ev_first; e < t->ev_first + t->ev_n; e++) {
            /* ids are in the list (loaded by id) and belong to the alert's period */
            size_t lo = 0, hi = l.n;
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (l.items[mid].id < p.ev_id[e]) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            assert_true(lo < l.n && l.items[lo].id == p.ev_id[e]);
            assert_string_equal(l.items[lo].period, t->period);
            assert_string_equal(l.items[lo].product, t->product);
            assert_int_equal(l.items[lo].line, p.ev_line[e]);
        }
    }
    /* invariant: a pointer's value is the sum of its evidence values */
    for (size_t i = 0; i < p.n; i += 37) {
        const cm_trade_pointer_t *t = &p.items[i];
        double s = 0.0;
        for (size_t e = t->ev_first; e < t->ev_first + t->ev_n; e++) {
            for (size_t k = 0; k < l.n; k++) {
                if (l.items[k].id == p.ev_id[e] && l.items[k].var == CM_TRADE_IMPORT_VALUE) {
                    s += l.items[k].value;
                }
            }
        }
        ASSERT_NEAR(s, t->value, 1e-12, 0);
    }
    cm_trade_alerts_destroy(&a);
    cm_trade_pointers_destroy(&p);
    cm_trade_obs_list_destroy(&l);
    cm_store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CM_TEST(test_series_by_hand), CM_TEST(test_geodep_by_hand),
        CM_TEST(test_geodep_from_obs), CM_TEST(test_params_file),
        CM_TEST(test_store_and_alloc), CM_TEST(test_belgium_baci),
    };
    return CM_RUN_TESTS(tests);
}

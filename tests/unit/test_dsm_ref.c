/* Dynamic stock models against the reference vectors of tests/data/dsm (make_reference.py:
 * ODYM's DynamicStockModel formulas written out with numpy and scipy.stats, plus flodym's
 * middle timing and the EU WEEE rule): inflow, stock and outflow to 1e-9 relative. */
#include <string.h>

#include "cambium/cambium.h"
#include "cm_test.h"

#define REF_T 60

static int name_is(const char *a, const char *b)
{
    return strcmp(a, b) == 0;
}

static cm_dsm_dist_t dist_of(const char *s)
{
    if (name_is(s, "fixed")) {
        return CM_DSM_FIXED;
    }
    if (name_is(s, "normal")) {
        return CM_DSM_NORMAL;
    }
    if (name_is(s, "foldnorm")) {
        return CM_DSM_FOLDED_NORMAL;
    }
    if (name_is(s, "lognormal")) {
        return CM_DSM_LOGNORMAL;
    }
    assert_true(name_is(s, "weibull"));
    return CM_DSM_WEIBULL;
}

static double num(const cm_table_t *t, size_t row, const char *col)
{
    cm_int_t c = cm_table_col(t, col);
    char *end = NULL;
    double v;
    assert_true(c >= 0);
    v = strtod(cm_table_cell(t, row, (size_t)c), &end);
    assert_true(end != NULL && *end == '\0');
    return v;
}

static void run_case(const cm_table_t *idx, size_t row, int *n_checked)
{
    char path[512];
    cm_table_t ref = CM_TABLE_NULL;
    cm_error_info_t err;
    cm_dsm_series_t s;
    cm_dsm_options_t opt;
    cm_dsm_result_t res = {0};
    double values[REF_T], params[2 * REF_T];
    const char *name = cm_table_cell(idx, row, 0);
    cm_int_t per_col = cm_table_col(idx, "per_cohort");

    snprintf(path, sizeof path, "tests/data/dsm/ref_%s.csv", name);
    CHECK_OK(cm_table_read(&ref, cm_test_source(path), NULL, 1, &err), &err);
    assert_int_equal(ref.nrows, REF_T);
    for (size_t t = 0; t < REF_T; t++) {
        values[t] = num(&ref, t, "input");
        params[2 * t] = num(&ref, t, "p0");
        params[2 * t + 1] = num(&ref, t, "p1");
    }
    memset(&s, 0, sizeof s);
    s.name = name;
    s.T = REF_T;
    s.values = values;
    s.driver =
        name_is(cm_table_cell(idx, row, 1), "stock") ? CM_DSM_STOCK_DRIVEN : CM_DSM_INFLOW_DRIVEN;
    s.lifetime.dist = dist_of(cm_table_cell(idx, row, 2));
    s.lifetime.p[0] = params[0];
    s.lifetime.p[1] = params[1];
    if (name_is(cm_table_cell(idx, row, (size_t)per_col), "1")) {
        s.lifetime.by_cohort = params;
    }
    cm_dsm_options_default(&opt);
    CHECK_OK(cm_dsm_timing_parse(cm_table_cell(idx, row, 4), &opt.timing, &err), &err);
    opt.lognormal = name_is(cm_table_cell(idx, row, 5), "odym") ? CM_DSM_LOGNORMAL_ODYM
                                                                : CM_DSM_LOGNORMAL_MOMENTS;
    opt.negative = name_is(cm_table_cell(idx, row, 6), "correct") ? CM_DSM_NEGATIVE_CORRECT
                                                                  : CM_DSM_NEGATIVE_ALLOW;
    CHECK_OK(cm_dsm_run(&s, &opt, &res, &err), &err);
    for (size_t t = 0; t < REF_T; t++) {
        double si = num(&ref, t, "stock"), ii = num(&ref, t, "inflow"),
               oo = num(&ref, t, "outflow");
        /* relative to the series' scale: values that cancel to ~0 get an absolute floor */
        ASSERT_NEAR(res.inflow[t], ii, 1e-9, 1e-9);
        ASSERT_NEAR(res.stock[t], si, 1e-9, 1e-9);
        ASSERT_NEAR(res.outflow[t], oo, 1e-9, 1e-9);
    }
    assert_true(res.balance < 1e-12);
    if (opt.negative == CM_DSM_NEGATIVE_CORRECT) {
        assert_true(res.negative_years > 0);
    }
    (*n_checked)++;
    cm_dsm_result_destroy(&res);
    cm_table_destroy(&ref);
}

static void test_reference_cases(void **state)
{
    cm_table_t idx = CM_TABLE_NULL;
    cm_error_info_t err;
    int n = 0;
    (void)state;
    CHECK_OK(cm_table_read(&idx, cm_test_source("tests/data/dsm/cases.csv"), NULL, 1, &err), &err);
    for (size_t r = 0; r < idx.nrows; r++) {
        run_case(&idx, r, &n);
    }
    assert_int_equal(n, 18);
    cm_table_destroy(&idx);
}

/* The same cases as one batch: identical to one by one, the tables shared. */
static void test_reference_batch(void **state)
{
    cm_table_t idx = CM_TABLE_NULL, ref = CM_TABLE_NULL;
    cm_error_info_t err;
    cm_dsm_series_t s[3];
    cm_dsm_batch_t b = {0};
    double values[REF_T];
    (void)state;
    CHECK_OK(cm_table_read(&idx, cm_test_source("tests/data/dsm/ref_in_normal.csv"), NULL, 1, &err),
             &err);
    for (size_t t = 0; t < REF_T; t++) {
        values[t] = num(&idx, t, "input");
    }
    CHECK_OK(
        cm_table_read(&ref, cm_test_source("tests/data/dsm/ref_in_weibull.csv"), NULL, 1, &err),
        &err);
    memset(s, 0, sizeof s);
    for (int k = 0; k < 3; k++) {
        s[k].T = REF_T;
        s[k].values = values;
        s[k].lifetime.dist = k == 1 ? CM_DSM_WEIBULL : CM_DSM_NORMAL;
        s[k].lifetime.p[0] = k == 1 ? 2.5 : 20.0;
        s[k].lifetime.p[1] = k == 1 ? 22.0 : 5.0;
    }
    CHECK_OK(cm_dsm_batch_run(s, 3, NULL, &b, &err), &err);
    assert_int_equal(b.n_tables, 2);
    for (size_t t = 0; t < REF_T; t++) {
        ASSERT_NEAR(b.results[0].stock[t], num(&idx, t, "stock"), 1e-9, 1e-6);
        ASSERT_NEAR(b.results[2].stock[t], num(&idx, t, "stock"), 1e-9, 1e-6);
        ASSERT_NEAR(b.results[1].outflow[t], num(&ref, t, "outflow"), 1e-9, 1e-6);
    }
    cm_dsm_batch_destroy(&b);
    cm_table_destroy(&idx);
    cm_table_destroy(&ref);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CM_TEST(test_reference_cases),
        CM_TEST(test_reference_batch),
    };
    return CM_RUN_TESTS(tests);
}

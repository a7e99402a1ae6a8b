/* Dynamic stock models (cm_dsm.h): ODYM's unit-test vectors (METHODS.md B.4), the negative-
 * inflow correction by hand, lognormal and Weibull conversions, every timing convention by
 * hand, per-cohort lifetimes, initial stock, batching and table sharing, mass balance on random
 * cases, the stock-driven round trip, bad input and allocation failures. */
#include <math.h>
#include <string.h>

#include "cambium/cambium.h"
#include "cm_test.h"

static cm_dsm_series_t series(size_t T, cm_dsm_driver_t drv, const double *v, cm_dsm_dist_t d,
                              double p0, double p1)
{
    cm_dsm_series_t s;
    memset(&s, 0, sizeof s);
    s.T = T;
    s.driver = drv;
    s.values = v;
    s.lifetime.dist = d;
    s.lifetime.p[0] = p0;
    s.lifetime.p[1] = p1;
    return s;
}

/* ODYM tests/test_dynamic_stock_model.py: fixed lifetime 5, inflow 1..10. */
static void test_odym_fixed(void **state)
{
    static const double stock[] = {1, 3, 6, 10, 15, 20, 25, 30, 35, 40};
    static const double out[] = {0, 0, 0, 0, 0, 1, 2, 3, 4, 5};
    static const double ds[] = {1, 2, 3, 4, 5, 5, 5, 5, 5, 5};
    double in[10];
    cm_dsm_options_t opt;
    cm_dsm_result_t r = {0};
    cm_error_info_t err;
    (void)state;
    for (int k = 0; k < 10; k++) {
        in[k] = k + 1;
    }
    cm_dsm_series_t s = series(10, CM_DSM_INFLOW_DRIVEN, in, CM_DSM_FIXED, 5, 0);
    cm_dsm_options_default(&opt);
    opt.want_cohorts = 1;
    CHECK_OK(cm_dsm_run(&s, &opt, &r, &err), &err);
    for (int t = 0; t < 10; t++) {
        ASSERT_NEAR(r.stock[t], stock[t], 1e-15, 0);
        ASSERT_NEAR(r.outflow[t], out[t], 1e-15, 0);
        ASSERT_NEAR(r.stock_change[t], ds[t], 1e-15, 0);
    }
    /* o_c[5,0] = 1, o_c[6,1] = 2, ..., o_c[9,4] = 5 */
    for (int c = 0; c < 5; c++) {
        ASSERT_NEAR(r.outflow_by_cohort[(5 + c) * 10 + c], c + 1, 1e-15, 0);
    }
    assert_true(r.balance == 0.0);
    cm_dsm_result_destroy(&r);
}

/* ODYM: Normal(5, 1.5), same inflow: s_c[0,0], s_c[5,0], s_c[6,1], s_c[4,0]. */
static void test_odym_normal(void **state)
{
    double in[10];
    cm_dsm_options_t opt;
    cm_dsm_result_t r = {0};
    cm_error_info_t err;
    (void)state;
    for (int k = 0; k < 10; k++) {
        in[k] = k + 1;
    }
    cm_dsm_series_t s = series(10, CM_DSM_INFLOW_DRIVEN, in, CM_DSM_NORMAL, 5, 1.5);
    cm_dsm_options_default(&opt);
    opt.want_cohorts = 1;
    CHECK_OK(cm_dsm_run(&s, &opt, &r, &err), &err);
    ASSERT_NEAR(r.stock_by_cohort[0 * 10 + 0], 0.99957094, 0, 5e-9);
    ASSERT_NEAR(r.stock_by_cohort[5 * 10 + 0], 0.5, 1e-15, 0);
    ASSERT_NEAR(r.stock_by_cohort[6 * 10 + 1], 1.0, 1e-15, 0);
    ASSERT_NEAR(r.stock_by_cohort[4 * 10 + 0], 0.747507462, 0, 5e-10);
    /* the cohort tables sum to the totals, and are zero above the diagonal */
    for (int t = 0; t < 10; t++) {
        double a = 0, b = 0;
        for (int c = 0; c < 10; c++) {
            a += r.stock_by_cohort[t * 10 + c];
            b += r.outflow_by_cohort[t * 10 + c];
            if (c > t) {
                assert_true(r.stock_by_cohort[t * 10 + c] == 0.0);
            }
        }
        ASSERT_NEAR(a, r.stock[t], 1e-14, 1e-14);
        ASSERT_NEAR(b, r.outflow[t], 1e-14, 1e-14);
    }
    cm_dsm_result_destroy(&r);
}

/* ODYM's NegativeInflowCorrect, step by step, fixed lifetime 3 (sf = 1 at ages 0, 1, 2), stock
 * target [10, 20, 15, 5]:
 *   m = 0: i0 = 10; s_c[:,0] = [10, 10, 10, 0].
 *   m = 1: o_c[1,0] = 0; 20 - 10 = 10 >= 0, i1 = 10; s_c[:,1] = [0, 10, 10, 10].
 *   m = 2: o_c[2,0:2] = 0; 15 - 20 = -5 < 0: i2 = 0, D = 5/20 = 0.25; o_c[2,0] = o_c[2,1] = 2.5;
 *          s_c[2:,0:2] *= 0.75: s_c[2,0] = 7.5, s_c[3,0] = 0, s_c[2,1] = s_c[3,1] = 7.5.
 *   m = 3: o_c[3,0] = 7.5 - 0 = 7.5, o_c[3,1] = 0; 5 - 7.5 = -2.5 < 0: i3 = 0, D = 1/3;
 *          o_c[3,1] += 7.5/3 = 2.5; s_c[3,1] = 5.
 * So inflow [10, 10, 0, 0], outflow [0, 0, 5, 10], stock = the target. ALLOW gives
 * i2 = 15 - 20 = -5, then in year 3 cohorts hold 0 + 10 - 5 = 5 = the target: i3 = 0, and
 * o = [0, 0, 0, 10] (cohort 0 retires in year 3). */
static void test_negative_correct(void **state)
{
    static const double target[] = {10, 20, 15, 5};
    static const double in_c[] = {10, 10, 0, 0}, out_c[] = {0, 0, 5, 10};
    static const double in_a[] = {10, 10, -5, 0}, out_a[] = {0, 0, 0, 10};
    cm_dsm_options_t opt;
    cm_dsm_result_t r = {0};
    cm_error_info_t err;
    (void)state;
    cm_dsm_series_t s = series(4, CM_DSM_STOCK_DRIVEN, target, CM_DSM_FIXED, 3, 0);
    s.name = "down";
    s.t0 = 2000;
    cm_dsm_options_default(&opt);
    opt.negative = CM_DSM_NEGATIVE_CORRECT;
    opt.want_cohorts = 1;
    CHECK_OK(cm_dsm_run(&s, &opt, &r, &err), &err);
    for (int t = 0; t < 4; t++) {
        ASSERT_NEAR(r.inflow[t], in_c[t], 1e-15, 1e-15);
        ASSERT_NEAR(r.outflow[t], out_c[t], 1e-15, 1e-15);
        ASSERT_NEAR(r.stock[t], target[t], 1e-15, 1e-15);
    }
    ASSERT_NEAR(r.outflow_by_cohort[2 * 4 + 0], 2.5, 1e-15, 0);
    ASSERT_NEAR(r.outflow_by_cohort[2 * 4 + 1], 2.5, 1e-15, 0);
    ASSERT_NEAR(r.outflow_by_cohort[3 * 4 + 0], 7.5, 1e-15, 0);
    ASSERT_NEAR(r.outflow_by_cohort[3 * 4 + 1], 2.5, 1e-15, 0);
    ASSERT_NEAR(r.stock_by_cohort[3 * 4 + 1], 5, 1e-15, 0);
    assert_int_equal(r.negative_years, 2);
    assert_true(r.balance < 1e-15);
    cm_dsm_result_destroy(&r);

    opt.negative = CM_DSM_NEGATIVE_ALLOW;
    opt.want_cohorts = 0;
    CHECK_OK(cm_dsm_run(&s, &opt, &r, &err), &err);
    for (int t = 0; t < 4; t++) {
        ASSERT_NEAR(r.inflow[t], in_a[t], 1e-15, 1e-15);
        ASSERT_NEAR(r.outflow[t], out_a[t], 1e-15, 1e-15);
    }
    assert_int_equal(r.negative_years, 1);
    cm_dsm_result_destroy(&r);

    opt.negative = CM_DSM_NEGATIVE_ERROR;
    cm_error_clear(&err);
    CHECK_ERROR(cm_dsm_run(&s, &opt, &r, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "series down, year 2002"));
    assert_null(r.inflow);
}

/* Lognormal: the moment conversion keeps mean and sd; ODYM's keeps the mean, sd -> M^2/S. */
static void test_lognormal(void **state)
{
    double mu, sg, sf[3000], m1 = 0, m2 = 0;
    cm_dsm_options_t opt;
    cm_error_info_t err;
    const double p[2] = {60, 25};
    (void)state;
    CHECK_OK(cm_dsm_lognormal_params(60, 25, CM_DSM_LOGNORMAL_MOMENTS, &mu, &sg, &err), &err);
    ASSERT_NEAR(exp(mu + sg * sg / 2), 60, 1e-14, 0);
    ASSERT_NEAR(exp(mu + sg * sg / 2) * sqrt(expm1(sg * sg)), 25, 1e-13, 0);
    CHECK_OK(cm_dsm_lognormal_params(60, 25, CM_DSM_LOGNORMAL_ODYM, &mu, &sg, &err), &err);
    ASSERT_NEAR(exp(mu + sg * sg / 2), 60, 1e-14, 0);
    ASSERT_NEAR(exp(mu + sg * sg / 2) * sqrt(expm1(sg * sg)), 144, 1e-13, 0);
    /* the survival shares integrate to the moments: E X = int sf, E X^2 = int 2 x sf
     * (midpoint rule: MIDDLE timing reads sf at a + 0.5) */
    cm_dsm_options_default(&opt);
    opt.timing = CM_DSM_TIMING_MIDDLE;
    CHECK_OK(cm_dsm_survival(CM_DSM_LOGNORMAL, p, &opt, 3000, sf, &err), &err);
    for (int a = 0; a < 3000; a++) {
        m1 += sf[a];
        m2 += 2 * (a + 0.5) * sf[a];
    }
    ASSERT_NEAR(m1, 60, 1e-4, 0);
    ASSERT_NEAR(sqrt(m2 - m1 * m1), 25, 1e-3, 0);
    CHECK_ERROR(cm_dsm_lognormal_params(0, 25, CM_DSM_LOGNORMAL_MOMENTS, &mu, &sg, &err),
                CM_EINVAL);
    CHECK_ERROR(cm_dsm_lognormal_params(60, -1, CM_DSM_LOGNORMAL_ODYM, &mu, &sg, &err), CM_EINVAL);
    CHECK_ERROR(cm_dsm_lognormal_params(60, 25, CM_DSM_LOGNORMAL_ODYM, NULL, &sg, &err), CM_EINVAL);
}

static void test_weibull_moments(void **state)
{
    static const double cases[][2] = {{20, 8}, {25, 25}, {40, 2}, {10, 30}};
    cm_dsm_lifetime_t lt;
    cm_error_info_t err;
    double k, l;
    (void)state;
    for (size_t c = 0; c < 4; c++) {
        CHECK_OK(cm_dsm_weibull_from_moments(cases[c][0], cases[c][1], &k, &l, &err), &err);
        double g1 = tgamma(1 + 1 / k), g2 = tgamma(1 + 2 / k);
        ASSERT_NEAR(l * g1, cases[c][0], 1e-12, 0);
        ASSERT_NEAR(l * sqrt(g2 - g1 * g1), cases[c][1], 1e-10, 0);
    }
    /* sd = mean: the exponential, k = 1 */
    CHECK_OK(cm_dsm_weibull_from_moments(25, 25, &k, &l, &err), &err);
    ASSERT_NEAR(k, 1, 1e-12, 0);
    ASSERT_NEAR(l, 25, 1e-12, 0);
    CHECK_OK(cm_dsm_lifetime_parse("weibull:sd=8,mean=20", &lt, &err), &err);
    CHECK_OK(cm_dsm_weibull_from_moments(20, 8, &k, &l, &err), &err);
    assert_int_equal(lt.dist, CM_DSM_WEIBULL);
    ASSERT_NEAR(lt.p[0], k, 1e-15, 0);
    ASSERT_NEAR(lt.p[1], l, 1e-15, 0);
    CHECK_ERROR(cm_dsm_weibull_from_moments(20, 0.1, &k, &l, &err), CM_EINVAL);
    CHECK_ERROR(cm_dsm_weibull_from_moments(20, 3000, &k, &l, &err), CM_EINVAL);
    CHECK_ERROR(cm_dsm_weibull_from_moments(-1, 3, &k, &l, &err), CM_EINVAL);
    CHECK_ERROR(cm_dsm_weibull_from_moments(1, 3, NULL, &l, &err), CM_EINVAL);
    CHECK_ERROR(cm_dsm_lifetime_parse("weibull:mean=20,sd=0.01", &lt, &err), CM_EINVAL);
}

/* Weibull k = 1, lambda = 2 (sf = exp(-x/2), f = exp(-x/2)/2), by hand at ages 0, 1, 2. */
static void test_timings(void **state)
{
    const double p[2] = {1, 2};
    double sf[3], want[5][3];
    cm_dsm_options_t opt;
    cm_error_info_t err;
    (void)state;
    for (int a = 0; a < 3; a++) {
        want[CM_DSM_TIMING_ODYM][a] = exp(-a / 2.0);
        want[CM_DSM_TIMING_END][a] = exp(-a / 2.0);
        want[CM_DSM_TIMING_START][a] = exp(-(a + 1) / 2.0);
        want[CM_DSM_TIMING_MIDDLE][a] = exp(-(a + 0.5) / 2.0);
    }
    want[CM_DSM_TIMING_WEEE][0] = 1 - 0.5 * exp(-0.25);
    want[CM_DSM_TIMING_WEEE][1] = want[CM_DSM_TIMING_WEEE][0] - 0.5 * exp(-0.75);
    want[CM_DSM_TIMING_WEEE][2] = want[CM_DSM_TIMING_WEEE][1] - 0.5 * exp(-1.25);
    cm_dsm_options_default(&opt);
    for (int tm = 0; tm < 5; tm++) {
        opt.timing = (cm_dsm_timing_t)tm;
        CHECK_OK(cm_dsm_survival(CM_DSM_WEIBULL, p, &opt, 3, sf, &err), &err);
        for (int a = 0; a < 3; a++) {
            ASSERT_NEAR(sf[a], want[tm][a], 1e-15, 0);
        }
        /* a unit inflow in year 0: outflow = pdf, stock = sf */
        double in[3] = {1, 0, 0};
        cm_dsm_result_t r = {0};
        cm_dsm_series_t s = series(3, CM_DSM_INFLOW_DRIVEN, in, CM_DSM_WEIBULL, 1, 2);
        CHECK_OK(cm_dsm_run(&s, &opt, &r, &err), &err);
        for (int a = 0; a < 3; a++) {
            ASSERT_NEAR(r.stock[a], want[tm][a], 1e-15, 0);
            ASSERT_NEAR(r.outflow[a], (a == 0 ? 1 : want[tm][a - 1]) - want[tm][a], 1e-14, 0);
        }
        if (tm == CM_DSM_TIMING_WEEE) {
            ASSERT_NEAR(r.outflow[1], 0.5 * exp(-0.75), 1e-14, 0);
        }
        cm_dsm_result_destroy(&r);
        cm_dsm_timing_t back;
        CHECK_OK(cm_dsm_timing_parse(cm_dsm_timing_name((cm_dsm_timing_t)tm), &back, &err), &err);
        assert_int_equal(back, tm);
    }
    /* the fixed rule under START: x = a + 1 < L */
    const double pf[2] = {2, 0};
    opt.timing = CM_DSM_TIMING_START;
    CHECK_OK(cm_dsm_survival(CM_DSM_FIXED, pf, &opt, 3, sf, &err), &err);
    assert_true(sf[0] == 1 && sf[1] == 0 && sf[2] == 0);
    opt.timing = CM_DSM_TIMING_WEEE;
    CHECK_ERROR(cm_dsm_survival(CM_DSM_FIXED, pf, &opt, 3, sf, &err), CM_EINVAL);
    opt.timing = (cm_dsm_timing_t)9;
    CHECK_ERROR(cm_dsm_survival(CM_DSM_WEIBULL, p, &opt, 3, sf, &err), CM_EINVAL);
    CHECK_ERROR(cm_dsm_timing_parse("late", &opt.timing, &err), CM_EINVAL);
    assert_string_equal(cm_dsm_timing_name((cm_dsm_timing_t)9), "?");
}

/* The other distributions by their closed forms. */
static void test_distributions(void **state)
{
    const double pn[2] = {10, 4}, pz[2] = {0, 4};
    double sf[30];
    cm_error_info_t err;
    (void)state;
    CHECK_OK(cm_dsm_survival(CM_DSM_NORMAL, pn, NULL, 30, sf, &err), &err);
    ASSERT_NEAR(sf[10], 0.5, 1e-15, 0);
    ASSERT_NEAR(sf[14], 0.5 * erfc(1 / sqrt(2.0)), 1e-14, 0);
    CHECK_OK(cm_dsm_survival(CM_DSM_NORMAL_TRUNC, pn, NULL, 30, sf, &err), &err);
    ASSERT_NEAR(sf[0], 1, 1e-15, 0);
    ASSERT_NEAR(sf[10], 0.5 / (1 - 0.5 * erfc(2.5 / sqrt(2.0))), 1e-14, 0);
    CHECK_OK(cm_dsm_survival(CM_DSM_FOLDED_NORMAL, pn, NULL, 30, sf, &err), &err);
    ASSERT_NEAR(sf[0], 1, 1e-15, 0);
    ASSERT_NEAR(sf[10], 0.5 + 0.5 * erfc(5 / sqrt(2.0)), 1e-14, 0);
    /* ODYM: a normal with mean 0 has no survivors */
    CHECK_OK(cm_dsm_survival(CM_DSM_NORMAL, pz, NULL, 30, sf, &err), &err);
    assert_true(sf[0] == 0 && sf[29] == 0);
    cm_dsm_options_t opt;
    cm_dsm_options_default(&opt);
    opt.timing = CM_DSM_TIMING_WEEE;
    sf[5] = 1;
    CHECK_OK(cm_dsm_survival(CM_DSM_NORMAL, pz, &opt, 30, sf, &err), &err);
    assert_true(sf[0] == 0 && sf[5] == 0);
    /* half-normal: the folded normal with mean 0 */
    CHECK_OK(cm_dsm_survival(CM_DSM_FOLDED_NORMAL, pz, NULL, 30, sf, &err), &err);
    ASSERT_NEAR(sf[4], erfc(1 / sqrt(2.0)), 1e-14, 0);
    CHECK_ERROR(cm_dsm_survival(CM_DSM_NORMAL, pn, NULL, 30, NULL, &err), CM_EINVAL);
}

/* Lifetime extension: per-cohort lifetimes (fixed 1 for cohort 0, 3 for the later ones). */
static void test_per_cohort(void **state)
{
    static const double in[5] = {1, 1, 0, 0, 0};
    static const double stock[5] = {1, 1, 1, 1, 0}, out[5] = {0, 1, 0, 0, 1};
    double lt[10] = {1, 0, 3, 0, 3, 0, 3, 0, 3, 0}, lt2[10];
    cm_dsm_series_t s[2];
    cm_dsm_batch_t b = {0};
    cm_error_info_t err;
    (void)state;
    memcpy(lt2, lt, sizeof lt);
    s[0] = series(5, CM_DSM_INFLOW_DRIVEN, in, CM_DSM_FIXED, 99, 0);
    s[0].lifetime.by_cohort = lt;
    s[1] = s[0];
    s[1].lifetime.by_cohort = lt2; /* same content elsewhere: shares the table */
    CHECK_OK(cm_dsm_batch_run(s, 2, NULL, &b, &err), &err);
    assert_int_equal(b.n_tables, 1);
    for (int t = 0; t < 5; t++) {
        ASSERT_NEAR(b.results[0].stock[t], stock[t], 0, 0);
        ASSERT_NEAR(b.results[1].outflow[t], out[t], 0, 0);
    }
    cm_dsm_batch_destroy(&b);
    lt2[4] = 4; /* a different table now */
    CHECK_OK(cm_dsm_batch_run(s, 2, NULL, &b, &err), &err);
    assert_int_equal(b.n_tables, 2);
    cm_dsm_batch_destroy(&b);
    lt2[4] = -1;
    s[1].name = "ext";
    s[1].t0 = 1990;
    CHECK_ERROR(cm_dsm_batch_run(s, 2, NULL, &b, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "series ext, cohort 1992"));
    assert_null(b.results);
}

/* Lifetime extension of cohorts already in the stock (by_year): fixed lifetimes by calendar
 * year. Years 0-1 L = 2, from year 2 L = 4: cohort 0 survives year 2 with S_4(2)/S_4(1) = 1
 * and year 3 with S_4(3)/S_4(2) = 1, leaves in year 4 (S_4(4) = 0): its lifetime became 4.
 * With the extension only from year 3, cohort 0 has left in year 2 (S_2(2)/S_2(1) = 0) and
 * stays gone. Constant rows give the constant lifetime. */
static void test_by_year(void **state)
{
    static const double in[6] = {1, 0, 0, 0, 0, 0};
    double ly[12] = {2, 0, 2, 0, 4, 0, 4, 0, 4, 0, 4, 0};
    double w[12];
    cm_dsm_result_t r = {0}, c = {0};
    cm_error_info_t err;
    (void)state;
    cm_dsm_series_t s = series(6, CM_DSM_INFLOW_DRIVEN, in, CM_DSM_FIXED, 2, 0);
    s.lifetime.by_cohort = ly;
    s.lifetime.by_year = 1;
    CHECK_OK(cm_dsm_run(&s, NULL, &r, &err), &err);
    for (int t = 0; t < 6; t++) {
        ASSERT_NEAR(r.stock[t], t < 4 ? 1 : 0, 0, 0);
        ASSERT_NEAR(r.outflow[t], t == 4 ? 1 : 0, 0, 0);
    }
    cm_dsm_result_destroy(&r);
    ly[4] = 2; /* the extension from year 3 on comes too late for cohort 0 */
    CHECK_OK(cm_dsm_run(&s, NULL, &r, &err), &err);
    for (int t = 0; t < 6; t++) {
        ASSERT_NEAR(r.stock[t], t < 2 ? 1 : 0, 0, 0);
    }
    cm_dsm_result_destroy(&r);
    /* the same rows by cohort: cohort 0 keeps its own lifetime 2 */
    ly[4] = 4;
    s.lifetime.by_year = 0;
    CHECK_OK(cm_dsm_run(&s, NULL, &r, &err), &err);
    ASSERT_NEAR(r.stock[2], 0, 0, 0);
    cm_dsm_result_destroy(&r);
    /* constant rows by year = the constant lifetime (Weibull, stock-driven) */
    for (int t = 0; t < 6; t++) {
        w[2 * t] = 1.7;
        w[2 * t + 1] = 3.5;
    }
    static const double target[6] = {5, 9, 12, 14, 15, 15};
    s = series(6, CM_DSM_STOCK_DRIVEN, target, CM_DSM_WEIBULL, 1.7, 3.5);
    CHECK_OK(cm_dsm_run(&s, NULL, &c, &err), &err);
    s.lifetime.by_cohort = w;
    s.lifetime.by_year = 1;
    CHECK_OK(cm_dsm_run(&s, NULL, &r, &err), &err);
    for (int t = 0; t < 6; t++) {
        ASSERT_NEAR(r.inflow[t], c.inflow[t], 1e-13, 1e-13);
        ASSERT_NEAR(r.outflow[t], c.outflow[t], 1e-13, 1e-13);
    }
    assert_true(r.balance < 1e-14);
    cm_dsm_result_destroy(&r);
    cm_dsm_result_destroy(&c);
    w[5] = -1;
    s.name = "y";
    s.t0 = 2000;
    CHECK_ERROR(cm_dsm_run(&s, NULL, &r, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "series y, year 2002"));
}

/* Initial stock by age, fixed lifetime 3: ages 0, 1, 2 hold 2, 4, 8 at the end of t0 - 1.
 * Age 2 leaves in year 0, age 1 in year 1, age 0 in year 2: remaining [6, 2, 0, 0], outflow
 * [8, 4, 2, 0]. */
static void test_initial_stock(void **state)
{
    static const double zero[4] = {0, 0, 0, 0}, target[4] = {10, 10, 10, 10};
    static const double init[3] = {2, 4, 8};
    static const double rem[4] = {6, 2, 0, 0}, out[4] = {8, 4, 2, 0};
    cm_dsm_result_t r = {0};
    cm_error_info_t err;
    cm_dsm_options_t opt;
    (void)state;
    cm_dsm_series_t s = series(4, CM_DSM_INFLOW_DRIVEN, zero, CM_DSM_FIXED, 3, 0);
    s.init_stock = init;
    s.n_init = 3;
    CHECK_OK(cm_dsm_run(&s, NULL, &r, &err), &err);
    for (int t = 0; t < 4; t++) {
        ASSERT_NEAR(r.stock[t], rem[t], 0, 0);
        ASSERT_NEAR(r.init_remaining[t], rem[t], 0, 0);
        ASSERT_NEAR(r.outflow[t], out[t], 0, 0);
    }
    ASSERT_NEAR(r.stock_change[0], -8, 0, 0);
    assert_true(r.balance == 0);
    cm_dsm_result_destroy(&r);
    /* stock-driven: the inflow tops the initial stock up: 4, then 4 + 4, ... */
    s.driver = CM_DSM_STOCK_DRIVEN;
    s.values = target;
    cm_dsm_options_default(&opt);
    for (int pol = 0; pol < 2; pol++) {
        opt.negative = pol ? CM_DSM_NEGATIVE_CORRECT : CM_DSM_NEGATIVE_ALLOW;
        CHECK_OK(cm_dsm_run(&s, &opt, &r, &err), &err);
        ASSERT_NEAR(r.inflow[0], 4, 1e-15, 0);
        ASSERT_NEAR(r.inflow[1], 4, 1e-15, 0);
        ASSERT_NEAR(r.inflow[2], 2, 1e-15, 0);
        ASSERT_NEAR(r.inflow[3], 4, 1e-15, 0); /* cohort 0 (4) leaves in year 3 */
        for (int t = 0; t < 4; t++) {
            ASSERT_NEAR(r.stock[t], 10, 1e-15, 0);
        }
        assert_true(r.balance < 1e-15);
        cm_dsm_result_destroy(&r);
    }
    /* a target below the initial stock: CORRECT retires the initial stock early in year 0 */
    static const double low[4] = {3, 3, 3, 3};
    s.values = low;
    CHECK_OK(cm_dsm_run(&s, &opt, &r, &err), &err);
    ASSERT_NEAR(r.stock[0], 3, 1e-15, 0);
    ASSERT_NEAR(r.outflow[0], 11, 1e-15, 0);
    assert_true(r.inflow[0] == 0);
    assert_true(r.balance < 1e-15);
    cm_dsm_result_destroy(&r);
    s.n_init = 2;
    s.init_stock = NULL;
    CHECK_ERROR(cm_dsm_run(&s, &opt, &r, &err), CM_EINVAL);
}

static const cm_dsm_dist_t dists[] = {CM_DSM_FIXED,         CM_DSM_NORMAL,    CM_DSM_NORMAL_TRUNC,
                                      CM_DSM_FOLDED_NORMAL, CM_DSM_LOGNORMAL, CM_DSM_WEIBULL};

static void random_params(cm_rng_t *g, cm_dsm_dist_t d, double p[2])
{
    if (d == CM_DSM_WEIBULL) {
        p[0] = 0.8 + 3 * cm_rng_double(g);
        p[1] = 5 + 30 * cm_rng_double(g);
    } else {
        p[0] = 3 + 30 * cm_rng_double(g);
        p[1] = d == CM_DSM_FIXED ? 0 : 1 + 0.4 * p[0] * cm_rng_double(g);
    }
}

/* Mass balance on random cases, every distribution and timing, inflow- and stock-driven; the
 * stock-driven model recovers the inflow of an inflow-driven run. */
static void test_random_balance_roundtrip(void **state)
{
    enum { T = 80 };
    cm_rng_t g;
    double in[T], lt[2 * T];
    cm_error_info_t err;
    cm_dsm_options_t opt;
    int runs = 0;
    (void)state;
    cm_rng_seed(&g, 42);
    cm_dsm_options_default(&opt);
    for (int rep = 0; rep < 4; rep++) {
        for (size_t d = 0; d < 6; d++) {
            for (int tm = 0; tm < 5; tm++) {
                cm_dsm_result_t a = {0}, b = {0};
                cm_dsm_series_t s;
                if (tm == CM_DSM_TIMING_WEEE && dists[d] == CM_DSM_FIXED) {
                    continue;
                }
                for (int t = 0; t < T; t++) {
                    in[t] = 1000 * cm_rng_double(&g);
                    random_params(&g, dists[d], lt + 2 * t);
                }
                opt.timing = (cm_dsm_timing_t)tm;
                s = series(T, CM_DSM_INFLOW_DRIVEN, in, dists[d], lt[0], lt[1]);
                if (rep >= 2) {
                    s.lifetime.by_cohort = lt;
                    s.lifetime.by_year = rep == 3;
                }
                CHECK_OK(cm_dsm_run(&s, &opt, &a, &err), &err);
                assert_true(a.balance < 1e-12);
                s.driver = CM_DSM_STOCK_DRIVEN;
                s.values = a.stock;
                if (dists[d] == CM_DSM_NORMAL && tm != CM_DSM_TIMING_START) {
                    /* sf(0) can be < 1 but is never 0 here */
                    assert_true(a.stock[0] > 0);
                }
                CHECK_OK(cm_dsm_run(&s, &opt, &b, &err), &err);
                for (int t = 0; t < T; t++) {
                    ASSERT_NEAR(b.inflow[t], in[t], 1e-8, 1e-8);
                    ASSERT_NEAR(b.outflow[t], a.outflow[t], 1e-8, 1e-8);
                }
                assert_true(b.balance < 1e-12);
                cm_dsm_result_destroy(&a);
                cm_dsm_result_destroy(&b);
                runs++;
            }
        }
    }
    assert_int_equal(runs, 4 * 29);
}

/* A batch equals the series run one by one; series sharing a lifetime share a table. */
static void test_batch(void **state)
{
    enum { N = 12, T = 50 };
    cm_rng_t g;
    double v[N][T];
    cm_dsm_series_t s[N];
    cm_dsm_batch_t b = {0};
    cm_dsm_options_t opt;
    cm_error_info_t err;
    (void)state;
    cm_rng_seed(&g, 7);
    for (int k = 0; k < N; k++) {
        for (int t = 0; t < T; t++) {
            v[k][t] = 10 + 100 * cm_rng_double(&g) + (k % 2 ? 20.0 * t : 0);
        }
        s[k] = series(T, k % 2 ? CM_DSM_STOCK_DRIVEN : CM_DSM_INFLOW_DRIVEN, v[k],
                      k % 3 == 0 ? CM_DSM_WEIBULL : CM_DSM_NORMAL, k % 3 == 0 ? 2.5 : 20.0,
                      k % 3 == 0 ? 22.0 : (k % 3 == 1 ? 5.0 : 6.0));
    }
    cm_dsm_options_default(&opt);
    opt.want_cohorts = 1;
    CHECK_OK(cm_dsm_batch_run(s, N, &opt, &b, &err), &err);
    assert_int_equal(b.n, N);
    assert_int_equal(b.n_tables, 3);
    for (int k = 0; k < N; k++) {
        cm_dsm_result_t r = {0};
        CHECK_OK(cm_dsm_run(&s[k], &opt, &r, &err), &err);
        for (int t = 0; t < T; t++) {
            assert_true(r.stock[t] == b.results[k].stock[t]);
            assert_true(r.outflow[t] == b.results[k].outflow[t]);
            assert_true(r.inflow[t] == b.results[k].inflow[t]);
        }
        for (int q = 0; q < T * T; q++) {
            assert_true(r.stock_by_cohort[q] == b.results[k].stock_by_cohort[q]);
        }
        assert_true(b.results[k].balance <= b.worst_balance);
        cm_dsm_result_destroy(&r);
    }
    assert_true(b.results[b.worst_series].balance == b.worst_balance);
    cm_dsm_batch_destroy(&b);
    cm_dsm_batch_destroy(&b); /* idempotent */
}

static void test_parse(void **state)
{
    cm_dsm_lifetime_t lt;
    cm_error_info_t err;
    const char *nm[2];
    static const char *bad[] = {
        "normal",                   /* no colon */
        "gauss:mean=1,sd=2",        /* unknown distribution */
        "normal:mean=20",           /* missing sd */
        "normal:mean=20,sd=5,sd=4", /* repeated */
        "normal:mean=20,width=5",   /* unknown key */
        "normal:mean=20,sd",        /* no value */
        "normal:mean=20,sd=abc",    /* not a number */
        "normal:mean=20,sd=1e999",  /* out of range */
        "normal:mean=20,sd=0",      /* sd <= 0 */
        "normal:mean=-1,sd=3",      /* mean < 0 */
        "weibull:shape=0,scale=22", /* shape <= 0 */
        "weibull:shape=2,scale=-1", /* scale <= 0 */
        "lognormal:mean=0,sd=25",   /* mean <= 0 */
        "fixed:mean=-3",
        "fixed:mean=20,sd=3", /* fixed has no sd */
        "normal:mean=,sd=3",
    };
    (void)state;
    CHECK_OK(cm_dsm_lifetime_parse("normal:sd=5,mean=20", &lt, &err), &err);
    assert_int_equal(lt.dist, CM_DSM_NORMAL);
    assert_true(lt.p[0] == 20 && lt.p[1] == 5 && lt.by_cohort == NULL);
    CHECK_OK(cm_dsm_lifetime_parse("weibull:shape=2.5,scale=22", &lt, &err), &err);
    assert_true(lt.dist == CM_DSM_WEIBULL && lt.p[0] == 2.5 && lt.p[1] == 22);
    CHECK_OK(cm_dsm_lifetime_parse("lognormal:mean=60,sd=25", &lt, &err), &err);
    assert_true(lt.dist == CM_DSM_LOGNORMAL && lt.p[0] == 60);
    CHECK_OK(cm_dsm_lifetime_parse("fixed:mean=20", &lt, &err), &err);
    assert_true(lt.dist == CM_DSM_FIXED && lt.p[0] == 20);
    CHECK_OK(cm_dsm_lifetime_parse("foldnorm:mean=8,sd=6", &lt, &err), &err);
    assert_int_equal(lt.dist, CM_DSM_FOLDED_NORMAL);
    CHECK_OK(cm_dsm_lifetime_parse("normal_trunc:mean=8,sd=6", &lt, &err), &err);
    assert_int_equal(lt.dist, CM_DSM_NORMAL_TRUNC);
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        cm_error_clear(&err);
        if (cm_dsm_lifetime_parse(bad[k], &lt, &err) != CM_EINVAL) {
            fail_msg("spec '%s' accepted", bad[k]);
        }
        assert_true(err.message[0] != '\0');
    }
    cm_dsm_lifetime_parse("normal:mean=20,width=5", &lt, &err);
    assert_non_null(strstr(err.message, "unknown key 'width'"));
    cm_dsm_lifetime_parse("weibull:shape=0,scale=22", &lt, &err);
    assert_non_null(strstr(err.message, "shape > 0, got 0"));
    CHECK_ERROR(cm_dsm_lifetime_parse(NULL, &lt, &err), CM_EINVAL);
    cm_dsm_param_names(CM_DSM_FIXED, nm);
    assert_string_equal(nm[0], "mean");
    assert_null(nm[1]);
    cm_dsm_param_names(CM_DSM_WEIBULL, nm);
    assert_string_equal(nm[1], "scale");
    CHECK_ERROR(cm_dsm_params_check((cm_dsm_dist_t)42, lt.p, &err), CM_EINVAL);
    CHECK_ERROR(cm_dsm_params_check(CM_DSM_NORMAL, NULL, &err), CM_EINVAL);
}

static void test_bad_input(void **state)
{
    double v[3] = {1, 2, 3};
    cm_dsm_series_t s = series(3, CM_DSM_INFLOW_DRIVEN, v, CM_DSM_NORMAL, 10, 3);
    cm_dsm_batch_t b = {0};
    cm_dsm_result_t r = {0};
    cm_dsm_options_t opt;
    cm_error_info_t err;
    (void)state;
    s.name = "be";
    s.t0 = 2010;
    v[1] = -1;
    CHECK_ERROR(cm_dsm_run(&s, NULL, &r, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "series be, year 2011"));
    v[1] = NAN;
    CHECK_ERROR(cm_dsm_run(&s, NULL, &r, &err), CM_EINVAL);
    v[1] = 2;
    s.lifetime.p[1] = 0;
    CHECK_ERROR(cm_dsm_run(&s, NULL, &r, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "sd > 0"));
    s.lifetime.dist = CM_DSM_WEIBULL;
    s.lifetime.p[0] = -2;
    s.lifetime.p[1] = 3;
    CHECK_ERROR(cm_dsm_run(&s, NULL, &r, &err), CM_EINVAL);
    s.lifetime.dist = CM_DSM_FIXED;
    s.lifetime.p[0] = 3;
    cm_dsm_options_default(&opt);
    opt.timing = CM_DSM_TIMING_WEEE;
    CHECK_ERROR(cm_dsm_run(&s, &opt, &r, &err), CM_EINVAL);
    opt.timing = (cm_dsm_timing_t)7;
    CHECK_ERROR(cm_dsm_run(&s, &opt, &r, &err), CM_EINVAL);
    s.T = 0;
    CHECK_ERROR(cm_dsm_run(&s, NULL, &r, &err), CM_EINVAL);
    s.T = 3;
    s.values = NULL;
    CHECK_ERROR(cm_dsm_run(&s, NULL, &r, &err), CM_EINVAL);
    s.values = v;
    s.driver = (cm_dsm_driver_t)5;
    CHECK_ERROR(cm_dsm_run(&s, NULL, &r, &err), CM_EINVAL);
    s.driver = CM_DSM_INFLOW_DRIVEN;
    s.T = (size_t)1 << 30;
    CHECK_ERROR(cm_dsm_run(&s, NULL, &r, &err), CM_EOVERFLOW);
    s.T = 3;
    double init[1] = {-1};
    s.init_stock = init;
    s.n_init = 1;
    CHECK_ERROR(cm_dsm_run(&s, NULL, &r, &err), CM_EINVAL);
    s.n_init = 0;
    CHECK_ERROR(cm_dsm_batch_run(&s, 0, NULL, &b, &err), CM_EINVAL);
    CHECK_ERROR(cm_dsm_batch_run(NULL, 1, NULL, &b, &err), CM_EINVAL);
    CHECK_ERROR(cm_dsm_batch_run(&s, 1, NULL, NULL, &err), CM_EINVAL);
    CHECK_ERROR(cm_dsm_run(&s, NULL, NULL, &err), CM_EINVAL);
    CHECK_OK(cm_dsm_run(&s, NULL, &r, &err), &err);
    cm_dsm_result_destroy(&r);
    cm_dsm_result_destroy(NULL);
    cm_dsm_batch_destroy(NULL);
}

/* Every allocation failure is reported as CM_ENOMEM and frees what was taken. */
static void test_alloc_failures(void **state)
{
    static const double target[6] = {10, 20, 15, 5, 8, 9}, init[2] = {1, 2};
    double lt[12] = {3, 1, 4, 1, 5, 1, 6, 1, 7, 1, 8, 1};
    cm_dsm_series_t s[3];
    cm_dsm_options_t opt;
    int done = 0;
    (void)state;
    s[0] = series(6, CM_DSM_STOCK_DRIVEN, target, CM_DSM_NORMAL, 5, 1);
    s[0].init_stock = init;
    s[0].n_init = 2;
    s[1] = s[0];
    s[1].lifetime.by_cohort = lt;
    s[2] = series(6, CM_DSM_INFLOW_DRIVEN, target, CM_DSM_WEIBULL, 2, 5);
    cm_dsm_options_default(&opt);
    for (int pol = 0; pol < 2; pol++) {
        opt.negative = pol ? CM_DSM_NEGATIVE_CORRECT : CM_DSM_NEGATIVE_ALLOW;
        opt.want_cohorts = !pol;
        done = 0;
        for (long n = 0; n < 200 && !done; n++) {
            cm_dsm_batch_t b = {0};
            cm_error_info_t err;
            cm_test_fail_alloc_after(n);
            cm_error_t rc = cm_dsm_batch_run(s, 3, &opt, &b, &err);
            cm_test_fail_alloc_after(-1);
            if (rc == CM_OK) {
                done = 1;
                assert_int_equal(b.n_tables, 3);
            } else {
                assert_int_equal(rc, CM_ENOMEM);
                assert_null(b.results);
            }
            cm_dsm_batch_destroy(&b);
        }
        assert_true(done);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CM_TEST(test_odym_fixed),
        CM_TEST(test_odym_normal),
        CM_TEST(test_negative_correct),
        CM_TEST(test_lognormal),
        CM_TEST(test_weibull_moments),
        CM_TEST(test_timings),
        CM_TEST(test_distributions),
        CM_TEST(test_per_cohort),
        CM_TEST(test_by_year),
        CM_TEST(test_initial_stock),
        CM_TEST(test_random_balance_roundtrip),
        CM_TEST(test_batch),
        CM_TEST(test_parse),
        CM_TEST(test_bad_input),
        CM_TEST(test_alloc_failures),
    };
    return CM_RUN_TESTS(tests);
}

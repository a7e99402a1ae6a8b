/* RNG: reproducibility, reference values, streams, distribution moments, bounds, errors. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cm_test.h"
#include "cambium/cm_rng.h"

#define NDRAWS 200000

static void test_reproducible(void **state)
{
    (void)state;
    cm_rng_t a, b, c;
    cm_rng_seed(&a, 12345);
    cm_rng_seed(&b, 12345);
    cm_rng_seed(&c, 12346);
    int differ = 0;
    for (int i = 0; i < 1000; i++) {
        uint64_t x = cm_rng_u64(&a);
        assert_true(x == cm_rng_u64(&b));
        differ += x != cm_rng_u64(&c);
    }
    assert_true(differ > 990);
    /* copying the state forks an identical sequence, including the cached normal */
    (void)cm_rng_std_normal(&a);
    b = a;
    for (int i = 0; i < 10; i++) {
        assert_true(cm_rng_std_normal(&a) == cm_rng_std_normal(&b));
    }
}

/* Reference values from an independent model of the published algorithms (a short Python
 * script): splitmix64 seeding with seed 42, xoshiro256** outputs, and the 2^128 jump computed
 * as the 2^128-th power of the 256x256 transition matrix over GF(2) (128 squarings). */
static void test_reference_values(void **state)
{
    (void)state;
    cm_rng_t r;
    cm_rng_seed(&r, 42);
    cm_rng_t j = r;
    assert_true(cm_rng_u64(&r) == UINT64_C(0x15780b2e0c2ec716));
    assert_true(cm_rng_u64(&r) == UINT64_C(0x6104d9866d113a7e));
    assert_true(cm_rng_u64(&r) == UINT64_C(0xae17533239e499a1));
    cm_rng_jump(&j);
    assert_true(j.s[0] == UINT64_C(0x81746704fde896b5));
    assert_true(j.s[1] == UINT64_C(0x645e944932dae0ae));
    assert_true(j.s[2] == UINT64_C(0xf4776829231c282c));
    assert_true(j.s[3] == UINT64_C(0x2393f9798732dba1));
    assert_true(cm_rng_u64(&j) == UINT64_C(0x50086ef83cbf4f4a));
}

static void test_streams(void **state)
{
    (void)state;
    cm_rng_t s0, s1, s2, plain;
    cm_rng_seed(&plain, 7);
    cm_rng_seed_stream(&s0, 7, 0);
    cm_rng_seed_stream(&s1, 7, 1);
    cm_rng_seed_stream(&s2, 7, 2);
    assert_memory_equal(plain.s, s0.s, sizeof plain.s);
    cm_rng_jump(&plain);
    assert_memory_equal(plain.s, s1.s, sizeof plain.s);
    int same = 0;
    for (int i = 0; i < 100; i++) {
        uint64_t x = cm_rng_u64(&s1);
        same += x == cm_rng_u64(&s2);
    }
    assert_int_equal(same, 0);
}

static void test_uniform_ranges(void **state)
{
    (void)state;
    cm_rng_t r;
    cm_rng_seed(&r, 1);
    cm_error_info_t err = {0};
    double lo = 1.0, hi = 0.0;
    for (int i = 0; i < NDRAWS; i++) {
        double u = cm_rng_double(&r);
        assert_true(u >= 0.0 && u < 1.0);
        lo = u < lo ? u : lo;
        hi = u > hi ? u : hi;
        /* 53 bits: u * 2^53 is an integer */
        assert_true(ldexp(u, 53) == floor(ldexp(u, 53)));
    }
    assert_true(lo < 1e-4 && hi > 1.0 - 1e-4);
    for (int i = 0; i < 10000; i++) {
        double x;
        CHECK_OK(cm_rng_uniform(&r, -3.0, 5.0, &x, &err), &err);
        assert_true(x >= -3.0 && x < 5.0);
    }
    long counts[7] = {0};
    for (int i = 0; i < 70000; i++) {
        uint64_t k = cm_rng_below(&r, 7);
        assert_true(k < 7);
        counts[k]++;
    }
    for (int k = 0; k < 7; k++) {
        /* binomial sd = sqrt(70000 * 1/7 * 6/7) ~ 92.6 */
        assert_true(labs(counts[k] - 10000) < 5 * 93);
    }
    assert_true(cm_rng_below(&r, 0) == 0);
    assert_true(cm_rng_below(&r, 1) == 0);
}

/* Sample mean and variance within 5 standard errors of the theory; the standard error of the
 * variance uses the sample fourth central moment. Deterministic: the seed is fixed. */
static void check_moments(const cm_dist_t *d, double lo, double hi)
{
    cm_error_info_t err = {0};
    cm_rng_t r;
    cm_rng_seed(&r, 20240601);
    double *x = test_malloc(NDRAWS * sizeof *x);
    CHECK_OK(cm_dist_sample(&r, d, x, NDRAWS, &err), &err);
    double mean = 0;
    for (int i = 0; i < NDRAWS; i++) {
        assert_true(x[i] >= lo && x[i] <= hi);
        mean += x[i];
    }
    mean /= NDRAWS;
    double m2 = 0, m4 = 0;
    for (int i = 0; i < NDRAWS; i++) {
        double e = x[i] - mean;
        m2 += e * e;
        m4 += e * e * e * e;
    }
    m2 /= NDRAWS - 1;
    m4 /= NDRAWS;
    test_free(x);
    double tmean, tvar;
    CHECK_OK(cm_dist_moments(d, &tmean, &tvar, &err), &err);
    double se_mean = sqrt(tvar / NDRAWS);
    double se_var = sqrt((m4 - m2 * m2) / NDRAWS);
    if (fabs(mean - tmean) > 5 * se_mean || fabs(m2 - tvar) > 5 * se_var) {
        fail_msg("kind %d: mean %.6g (theory %.6g, se %.3g), var %.6g (theory %.6g, se %.3g)",
                 (int)d->kind, mean, tmean, se_mean, m2, tvar, se_var);
    }
}

static void test_distribution_moments(void **state)
{
    (void)state;
    const cm_dist_t uni = {CM_DIST_UNIFORM, 2.0, 6.0, 0};
    const cm_dist_t tri = {CM_DIST_TRIANGULAR, 1.0, 2.0, 5.0};
    const cm_dist_t tri_edge = {CM_DIST_TRIANGULAR, 0.0, 0.0, 1.0};
    const cm_dist_t nor = {CM_DIST_NORMAL, -1.5, 2.0, 0};
    const cm_dist_t logn = {CM_DIST_LOGNORMAL, 0.3, 0.5, 0};
    const cm_dist_t bet = {CM_DIST_BETA, 2.0, 5.0, 0};
    const cm_dist_t bet_small = {CM_DIST_BETA, 0.5, 0.7, 0};
    const cm_dist_t pert = {CM_DIST_PERT, 10.0, 12.0, 20.0};
    const cm_dist_t cst = {CM_DIST_CONSTANT, 3.25, 0, 0};
    check_moments(&uni, 2.0, 6.0);
    check_moments(&tri, 1.0, 5.0);
    check_moments(&tri_edge, 0.0, 1.0);
    check_moments(&nor, -HUGE_VAL, HUGE_VAL);
    check_moments(&logn, 0.0, HUGE_VAL);
    check_moments(&bet, 0.0, 1.0);
    check_moments(&bet_small, 0.0, 1.0);
    check_moments(&pert, 10.0, 20.0);
    check_moments(&cst, 3.25, 3.25);

    /* the gamma sampler directly, shapes above and below 1 */
    cm_rng_t r;
    cm_rng_seed(&r, 99);
    const double shapes[2] = {3.0, 0.4};
    for (int s = 0; s < 2; s++) {
        double sum = 0, sum2 = 0;
        for (int i = 0; i < NDRAWS; i++) {
            double g;
            CHECK_OK(cm_rng_gamma(&r, shapes[s], 2.0, &g, NULL), NULL);
            assert_true(g >= 0);
            sum += g;
            sum2 += g * g;
        }
        double mean = sum / NDRAWS;
        double var = sum2 / NDRAWS - mean * mean;
        double tmean = shapes[s] * 2.0, tvar = shapes[s] * 4.0;
        assert_true(fabs(mean - tmean) < 5 * sqrt(tvar / NDRAWS));
        ASSERT_NEAR(var, tvar, 0.05, 0);
    }
}

static void test_single_draw_functions(void **state)
{
    (void)state;
    cm_rng_t r;
    cm_error_info_t err = {0};
    cm_rng_seed(&r, 5);
    double sum = 0;
    for (int i = 0; i < 20000; i++) {
        double x;
        CHECK_OK(cm_rng_triangular(&r, -1.0, 0.5, 2.0, &x, &err), &err);
        assert_true(x >= -1.0 && x <= 2.0);
        CHECK_OK(cm_rng_pert(&r, 0.0, 0.1, 1.0, &x, &err), &err);
        assert_true(x >= 0.0 && x <= 1.0);
        CHECK_OK(cm_rng_beta(&r, 0.2, 0.3, &x, &err), &err);
        assert_true(x >= 0.0 && x <= 1.0);
        CHECK_OK(cm_rng_lognormal(&r, 0.0, 1.0, &x, &err), &err);
        assert_true(x > 0.0);
        CHECK_OK(cm_rng_normal(&r, 10.0, 0.0, &x, &err), &err);
        ASSERT_NEAR(x, 10.0, 0, 0);
        CHECK_OK(cm_rng_normal(&r, 0.0, 1.0, &x, &err), &err);
        sum += x;
    }
    assert_true(fabs(sum / 20000) < 5 / sqrt(20000.0));
    double x;
    CHECK_OK(cm_rng_pert(&r, 4.0, 4.0, 4.0, &x, &err), &err);
    ASSERT_NEAR(x, 4.0, 0, 0);
    CHECK_OK(cm_rng_triangular(&r, 4.0, 4.0, 4.0, &x, &err), &err);
    ASSERT_NEAR(x, 4.0, 0, 0);
    const cm_dist_t pert = {CM_DIST_PERT, 1.0, 2.0, 7.0};
    double m;
    CHECK_OK(cm_dist_moments(&pert, &m, NULL, &err), &err);
    ASSERT_NEAR(m, (1.0 + 4 * 2.0 + 7.0) / 6.0, 1e-15, 0);
}

static void test_invalid_parameters(void **state)
{
    (void)state;
    cm_rng_t r;
    cm_error_info_t err = {0};
    double x = 42.0;
    cm_rng_seed(&r, 3);
    CHECK_ERROR(cm_rng_normal(&r, 0.0, -1.0, &x, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "sigma"));
    CHECK_ERROR(cm_rng_normal(&r, NAN, 1.0, &x, &err), CM_EINVAL);
    CHECK_ERROR(cm_rng_lognormal(&r, 0.0, -0.1, &x, &err), CM_EINVAL);
    CHECK_ERROR(cm_rng_uniform(&r, 2.0, 1.0, &x, &err), CM_EINVAL);
    CHECK_ERROR(cm_rng_uniform(&r, 0.0, INFINITY, &x, &err), CM_EINVAL);
    CHECK_ERROR(cm_rng_triangular(&r, 3.0, 2.0, 1.0, &x, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "min <= mode <= max"));
    CHECK_ERROR(cm_rng_triangular(&r, 0.0, 2.0, 1.0, &x, &err), CM_EINVAL);
    CHECK_ERROR(cm_rng_pert(&r, 5.0, 1.0, 10.0, &x, &err), CM_EINVAL);
    CHECK_ERROR(cm_rng_beta(&r, 0.0, 1.0, &x, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "alpha"));
    CHECK_ERROR(cm_rng_beta(&r, 1.0, -2.0, &x, &err), CM_EINVAL);
    CHECK_ERROR(cm_rng_gamma(&r, 1.0, 0.0, &x, &err), CM_EINVAL);
    CHECK_ERROR(cm_rng_gamma(&r, NAN, 1.0, &x, &err), CM_EINVAL);
    CHECK_ERROR(cm_rng_normal(&r, 0.0, 1.0, NULL, &err), CM_EINVAL);
    CHECK_ERROR(cm_rng_normal(NULL, 0.0, 1.0, &x, &err), CM_EINVAL);
    ASSERT_NEAR(x, 42.0, 0, 0); /* untouched on error */

    const cm_dist_t bad[] = {
        {CM_DIST_CONSTANT, NAN, 0, 0},   {CM_DIST_UNIFORM, 1, 0, 0},
        {CM_DIST_TRIANGULAR, 0, 2, 1},   {CM_DIST_NORMAL, 0, -1, 0},
        {CM_DIST_LOGNORMAL, 0, -1, 0},   {CM_DIST_BETA, 1, 0, 0},
        {CM_DIST_PERT, 1, 0, 2},         {(cm_dist_kind_t)99, 0, 0, 0},
    };
    double out[2] = {7, 7};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_ERROR(cm_dist_check(&bad[i], &err), CM_EINVAL);
        CHECK_ERROR(cm_dist_sample(&r, &bad[i], out, 2, &err), CM_EINVAL);
        CHECK_ERROR(cm_dist_moments(&bad[i], out, out, &err), CM_EINVAL);
    }
    ASSERT_NEAR(out[0], 7.0, 0, 0);
    const cm_dist_t ok = {CM_DIST_UNIFORM, 0, 1, 0};
    CHECK_ERROR(cm_dist_sample(&r, &ok, NULL, 2, &err), CM_EINVAL);
    CHECK_ERROR(cm_dist_sample(NULL, &ok, out, 2, &err), CM_EINVAL);
    CHECK_ERROR(cm_dist_check(NULL, &err), CM_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CM_TEST(test_reproducible),         CM_TEST(test_reference_values),
        CM_TEST(test_streams),              CM_TEST(test_uniform_ranges),
        CM_TEST(test_distribution_moments), CM_TEST(test_single_draw_functions),
        CM_TEST(test_invalid_parameters),
    };
    return CM_RUN_TESTS(tests);
}

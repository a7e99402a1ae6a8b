/* Labelled arrays: creation, lookup, sums, broadcasting, einsum, permutation, slicing, views,
 * units and every documented error. */
#include <cblas.h>
#include <float.h>
#include <math.h>
#include <string.h>

#include "cambium/cm_array.h"
#include "cm_test.h"

/* A tiny local LCG (fixed seed) for reproducible random data. */
static uint64_t lcg_state;
static void lcg_seed(uint64_t s)
{
    lcg_state = s;
}
static double lcg_uniform(void)
{
    lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(lcg_state >> 11) * (1.0 / 9007199254740992.0);
}

static const char *const T3[] = {"2020", "2021", "2022"};
static const char *const T4[] = {"2019", "2020", "2021", "2022"};
static const char *const R3[] = {"BEL", "FRA", "NLD"};
static const char *const R3B[] = {"BEL", "FRA", "DEU"};
static const char *const P5[] = {"steel", "copper", "glass", "resin", "rare-earth"};
static const char *const M2[] = {"Fe", "Cu"};
static const char *const M3[] = {"Fe", "Cu", "Nd"};

static void make(cm_array_t *a, size_t ndim, const char *const *names, const size_t *sizes,
                 const char *const *const *codes, const char *unit)
{
    cm_error_info_t err = {0};
    CHECK_OK(cm_array_init(a, ndim, names, sizes, codes, unit, &err), &err);
}

static void fill_random(cm_array_t *a)
{
    for (size_t i = 0; i < a->size; i++) {
        a->data[i] = lcg_uniform() * 2.0 - 0.5;
    }
}

static void test_create_lookup_layout(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    cm_array_t a = CM_ARRAY_NULL, b = CM_ARRAY_NULL;
    const char *names[] = {"time", "region"};
    size_t sizes[] = {3, 3};
    const char *const *codes[] = {T3, R3};
    make(&a, 2, names, sizes, codes, "t");
    assert_int_equal(a.ndim, 2);
    assert_int_equal(a.size, 9);
    assert_string_equal(a.unit, "t");
    assert_int_equal(cm_array_sum_all(&a), 0); /* zero-filled */

    const char *at[] = {"2021", "NLD"};
    CHECK_OK(cm_array_set(&a, at, 4.5, &err), &err);
    /* column-major: the first dimension varies fastest */
    assert_true(a.data[1 + 2 * 3] == 4.5);
    double v = 0;
    CHECK_OK(cm_array_get(&a, at, &v, &err), &err);
    assert_true(v == 4.5);
    size_t idx[] = {1, 2};
    CHECK_OK(cm_array_get_at(&a, idx, &v, &err), &err);
    assert_true(v == 4.5);
    size_t idx2[] = {2, 0};
    CHECK_OK(cm_array_set_at(&a, idx2, -1.0, &err), &err);
    const char *at2[] = {"2022", "BEL"};
    CHECK_OK(cm_array_get(&a, at2, &v, &err), &err);
    assert_true(v == -1.0);

    size_t pos = 99;
    CHECK_OK(cm_array_index(&a, "region", "FRA", &pos, &err), &err);
    assert_int_equal(pos, 1);
    assert_int_equal(cm_array_dim_find(&a, "time"), 0);
    assert_int_equal(cm_array_dim_find(&a, "material"), -1);
    assert_int_equal(cm_dim_index(a.dim[1], "NLD"), 2);
    assert_int_equal(cm_dim_index(a.dim[1], "DEU"), -1);
    assert_string_equal(cm_dim_code(a.dim[0], 2), "2022");
    assert_null(cm_dim_code(a.dim[0], 3));
    assert_string_equal(cm_dim_name(a.dim[1]), "region");

    /* copies share dimension objects and deep-copy the values */
    CHECK_OK(cm_array_copy(&b, &a, &err), &err);
    assert_ptr_equal(b.dim[0], a.dim[0]);
    assert_ptr_not_equal(b.data, a.data);
    b.data[0] = 7;
    assert_true(a.data[0] == 0.0);
    assert_true(cm_array_sum_all(&b) == 7.0 + 4.5 - 1.0);

    /* a scalar (0-D) array */
    cm_array_t s = CM_ARRAY_NULL;
    CHECK_OK(cm_array_init(&s, 0, NULL, NULL, NULL, NULL, &err), &err);
    assert_int_equal(s.size, 1);
    assert_string_equal(s.unit, "1");
    CHECK_OK(cm_array_set(&s, NULL, 3.0, &err), &err);
    assert_true(cm_array_sum_all(&s) == 3.0);
    cm_array_destroy(&s);
    cm_array_destroy(&a);
    cm_array_destroy(&b);
    cm_array_destroy(&b); /* idempotent */
}

static void test_sum_invariants(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    cm_array_t a = CM_ARRAY_NULL, s1 = CM_ARRAY_NULL, s2 = CM_ARRAY_NULL, s12 = CM_ARRAY_NULL,
               s21 = CM_ARRAY_NULL, all = CM_ARRAY_NULL;
    const char *names[] = {"time", "product", "region"};
    size_t sizes[] = {4, 5, 3};
    const char *const *codes[] = {T4, P5, R3};
    lcg_seed(42);
    make(&a, 3, names, sizes, codes, "kt");
    fill_random(&a);
    double naive = 0;
    for (size_t i = 0; i < a.size; i++) {
        naive += a.data[i];
    }
    double tol = 60 * DBL_EPSILON;
    ASSERT_NEAR(cm_array_sum_all(&a), naive, tol, tol);

    /* sum over product: element (t, r) is the sum over p, checked by a naive loop */
    const char *p[] = {"product"};
    CHECK_OK(cm_array_sum_dims(&a, 1, p, &s1, &err), &err);
    assert_int_equal(s1.ndim, 2);
    assert_string_equal(cm_dim_name(s1.dim[1]), "region");
    assert_string_equal(s1.unit, "kt");
    for (size_t t = 0; t < 4; t++) {
        for (size_t r = 0; r < 3; r++) {
            double x = 0;
            for (size_t q = 0; q < 5; q++) {
                x += a.data[t + 4 * q + 20 * r];
            }
            ASSERT_NEAR(s1.data[t + 4 * r], x, tol, tol);
        }
    }
    /* sums over dimensions commute */
    const char *t[] = {"time"};
    const char *tp[] = {"time", "product"};
    const char *pt[] = {"product", "time"};
    CHECK_OK(cm_array_sum_dims(&s1, 1, t, &s12, &err), &err);
    CHECK_OK(cm_array_sum_dims(&a, 1, t, &s2, &err), &err);
    CHECK_OK(cm_array_sum_dims(&s2, 1, p, &s21, &err), &err);
    assert_int_equal(s12.ndim, 1);
    assert_int_equal(s21.ndim, 1);
    for (size_t r = 0; r < 3; r++) {
        ASSERT_NEAR(s12.data[r], s21.data[r], tol, tol);
    }
    CHECK_OK(cm_array_sum_dims(&a, 2, tp, &s1, &err), &err);
    CHECK_OK(cm_array_sum_dims(&a, 2, pt, &s2, &err), &err);
    for (size_t r = 0; r < 3; r++) {
        ASSERT_NEAR(s1.data[r], s12.data[r], tol, tol);
        ASSERT_NEAR(s2.data[r], s12.data[r], tol, tol);
    }
    /* summing every dimension gives a scalar equal to the sum of all elements */
    const char *every[] = {"region", "time", "product"};
    CHECK_OK(cm_array_sum_dims(&a, 3, every, &all, &err), &err);
    assert_int_equal(all.ndim, 0);
    ASSERT_NEAR(all.data[0], naive, tol, tol);
    /* res may alias the operand */
    CHECK_OK(cm_array_sum_dims(&a, 1, p, &a, &err), &err);
    assert_int_equal(a.ndim, 2);
    ASSERT_NEAR(cm_array_sum_all(&a), naive, tol, tol);
    /* zero names: a copy */
    CHECK_OK(cm_array_sum_dims(&a, 0, NULL, &s1, &err), &err);
    assert_int_equal(s1.ndim, 2);
    cm_array_destroy(&a);
    cm_array_destroy(&s1);
    cm_array_destroy(&s2);
    cm_array_destroy(&s12);
    cm_array_destroy(&s21);
    cm_array_destroy(&all);
}

static void test_broadcast_example(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    cm_array_t a = CM_ARRAY_NULL, b = CM_ARRAY_NULL, c = CM_ARRAY_NULL, r = CM_ARRAY_NULL;
    const char *na[] = {"time", "region"};
    size_t sa[] = {3, 3};
    const char *const *ca[] = {T3, R3};
    const char *nb[] = {"region"};
    size_t sb[] = {3};
    const char *const *cb[] = {R3};
    const char *nc[] = {"material"};
    size_t sc[] = {2};
    const char *const *cc[] = {M2};
    make(&a, 2, na, sa, ca, "t");
    make(&b, 1, nb, sb, cb, "t");
    make(&c, 1, nc, sc, cc, "1");
    for (size_t i = 0; i < 9; i++) {
        a.data[i] = (double)(i + 1); /* a[t, r] = 1 + t + 3r */
    }
    b.data[0] = 10, b.data[1] = 20, b.data[2] = 30;
    c.data[0] = 0.5, c.data[1] = 2;

    CHECK_OK(cm_array_add(&a, &b, &r, &err), &err);
    assert_int_equal(r.ndim, 2);
    assert_string_equal(r.unit, "t");
    /* hand-computed: a[2021, FRA] = 5, b[FRA] = 20 */
    const double add_expected[9] = {11, 12, 13, 24, 25, 26, 37, 38, 39};
    for (size_t i = 0; i < 9; i++) {
        assert_true(r.data[i] == add_expected[i]);
    }
    CHECK_OK(cm_array_sub(&b, &a, &r, &err), &err);
    /* dimensions of b first, then a's others: [region, time] */
    assert_string_equal(cm_dim_name(r.dim[0]), "region");
    assert_string_equal(cm_dim_name(r.dim[1]), "time");
    const char *at[] = {"NLD", "2020"};
    double v = 0;
    CHECK_OK(cm_array_get(&r, at, &v, &err), &err);
    assert_true(v == 30 - 7);

    /* a * c: union of dimensions [time, region, material] */
    CHECK_OK(cm_array_mul(&a, &c, &r, &err), &err);
    assert_int_equal(r.ndim, 3);
    assert_string_equal(cm_dim_name(r.dim[2]), "material");
    assert_string_equal(r.unit, "t");
    const char *at3[] = {"2022", "FRA", "Cu"};
    CHECK_OK(cm_array_get(&r, at3, &v, &err), &err);
    assert_true(v == 6 * 2.0);
    ASSERT_NEAR(cm_array_sum_all(&r), 45 * 2.5, 1e-15, 0);

    /* a / b: units compose, values hand-computed */
    CHECK_OK(cm_array_div(&a, &b, &r, &err), &err);
    assert_string_equal(r.unit, "1");
    ASSERT_NEAR(r.data[4], 5.0 / 20.0, 1e-15, 0);
    CHECK_OK(cm_array_set_unit(&b, "MW", &err), &err);
    CHECK_OK(cm_array_div(&a, &b, &r, &err), &err);
    assert_string_equal(r.unit, "t/MW");
    /* res aliasing the left operand */
    CHECK_OK(cm_array_mul(&a, &c, &a, &err), &err);
    assert_int_equal(a.ndim, 3);
    ASSERT_NEAR(cm_array_sum_all(&a), 45 * 2.5, 1e-15, 0);
    cm_array_destroy(&a);
    cm_array_destroy(&b);
    cm_array_destroy(&c);
    cm_array_destroy(&r);
}

static void test_mismatch_message(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    cm_array_t a = CM_ARRAY_NULL, b = CM_ARRAY_NULL, c = CM_ARRAY_NULL, r = CM_ARRAY_NULL;
    const char *n[] = {"region"};
    size_t s3[] = {3}, s2[] = {2};
    const char *const *ca[] = {R3};
    const char *const *cb[] = {R3B};
    make(&a, 1, n, s3, ca, "t");
    make(&b, 1, n, s3, cb, "t");
    make(&c, 1, n, s2, ca, "t");
    CHECK_ERROR(cm_array_add(&a, &b, &r, &err), CM_EMISMATCH);
    assert_int_equal(err.code, CM_EMISMATCH);
    assert_non_null(strstr(err.message, "dimension 'region'"));
    assert_non_null(strstr(err.message, "item 3 is 'NLD' in the left operand but 'DEU' in the right"));
    CHECK_ERROR(cm_array_mul(&a, &c, &r, &err), CM_EMISMATCH);
    assert_non_null(strstr(err.message, "3 items"));
    assert_non_null(strstr(err.message, "'NLD'"));
    CHECK_ERROR(cm_array_check_compatible(&c, &b, &err), CM_EMISMATCH);
    CHECK_OK(cm_array_check_compatible(&a, &a, &err), &err);
    assert_null(r.data); /* res untouched on failure */
    cm_array_destroy(&a);
    cm_array_destroy(&b);
    cm_array_destroy(&c);
}

static void test_units(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    cm_array_t a = CM_ARRAY_NULL, b = CM_ARRAY_NULL, r = CM_ARRAY_NULL;
    const char *n[] = {"material"};
    size_t s[] = {2};
    const char *const *c[] = {M2};
    make(&a, 1, n, s, c, "t");
    make(&b, 1, n, s, c, "kt");
    a.data[0] = 1500, a.data[1] = 250;
    b.data[0] = 2, b.data[1] = 3;
    CHECK_ERROR(cm_array_add(&a, &b, &r, &err), CM_EUNIT);
    assert_string_equal(err.message, "units differ: 't' (left) and 'kt' (right): convert one "
                                     "with cm_array_convert_unit");
    CHECK_ERROR(cm_array_sub(&b, &a, &r, &err), CM_EUNIT);
    assert_non_null(strstr(err.message, "'kt' (left) and 't' (right)"));
    assert_null(r.data); /* res untouched on failure */
    CHECK_OK(cm_array_mul(&a, &b, &r, &err), &err);
    assert_string_equal(r.unit, "t*kt");
    /* convert t -> kt, then the addition works */
    CHECK_OK(cm_array_convert_unit(&a, "kt", &err), &err);
    assert_string_equal(a.unit, "kt");
    CHECK_OK(cm_array_add(&a, &b, &r, &err), &err);
    assert_string_equal(r.unit, "kt");
    ASSERT_NEAR(r.data[0], 3.5, 1e-15, 0);
    ASSERT_NEAR(r.data[1], 3.25, 1e-15, 0);
    /* scale still relabels with any factor (t -> kt by hand) */
    CHECK_OK(cm_array_scale(&a, 1e3, "t", &err), &err);
    assert_string_equal(a.unit, "t");
    ASSERT_NEAR(a.data[0], 1500, 1e-15, 0);
    /* compound units: a compound divisor is parenthesised */
    CHECK_OK(cm_array_set_unit(&b, "MW*a", &err), &err);
    CHECK_OK(cm_array_div(&a, &b, &r, &err), &err);
    assert_string_equal(r.unit, "t/(MW*a)");
    CHECK_OK(cm_array_set_unit(&a, "1", &err), &err);
    CHECK_OK(cm_array_set_unit(&b, "MW", &err), &err);
    CHECK_OK(cm_array_mul(&a, &b, &r, &err), &err);
    assert_string_equal(r.unit, "MW");
    CHECK_OK(cm_array_div(&a, &b, &r, &err), &err);
    assert_string_equal(r.unit, "1/MW");
    CHECK_OK(cm_array_set_unit(&a, NULL, &err), &err);
    assert_string_equal(a.unit, "1");
    CHECK_ERROR(cm_array_set_unit(&a, "", &err), CM_EINVAL);
    CHECK_ERROR(cm_array_set_unit(&a, "  ", &err), CM_EINVAL);
    CHECK_ERROR(cm_array_scale(&a, NAN, "t", &err), CM_EINVAL);
    CHECK_ERROR(cm_array_scale(&a, INFINITY, "t", &err), CM_EINVAL);
    assert_string_equal(a.unit, "1"); /* unchanged after the failures */
    cm_array_destroy(&a);
    cm_array_destroy(&b);
    cm_array_destroy(&r);
}

/* Every unit set on an array goes through the registry and is stored canonically. */
static void test_units_registry(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    cm_array_t a = CM_ARRAY_NULL, b = CM_ARRAY_NULL;
    cm_dim_t *d = NULL;
    const char *n[] = {"material"};
    size_t s[] = {2};
    const char *const *c[] = {M2};

    CHECK_ERROR(cm_array_init(&a, 1, n, s, c, "tonnes", &err), CM_EUNIT);
    assert_non_null(strstr(err.message, "'tonnes'"));
    assert_null(a.data);
    assert_null(a.unit);
    CHECK_ERROR(cm_array_init(&a, 1, n, s, c, "kg/(MW", &err), CM_EUNIT);
    assert_non_null(strstr(err.message, "'kg/(MW'"));
    CHECK_ERROR(cm_array_init(&a, 1, n, s, c, "", &err), CM_EINVAL);
    CHECK_OK(cm_dim_create("material", 2, M2, &d, &err), &err);
    CHECK_ERROR(cm_array_init_dims(&a, 1, &d, "mt", &err), CM_EUNIT); /* case-sensitive */
    assert_non_null(strstr(err.message, "'mt'"));
    assert_null(a.unit);

    /* canonical storage */
    const char *const written[] = {"t / MW", "\xE2\x82\xAC/kg", "kg/MW/yr", "items", "(t/MW)^2",
                                   "kg*kg", "t/t", "a^-1", "%"};
    const char *const canon[] = {"t/MW", "EUR/kg", "kg/(MW*a)", "item", "t^2/MW^2",
                                 "kg^2", "1", "1/a", "%"};
    for (size_t i = 0; i < sizeof written / sizeof written[0]; i++) {
        CHECK_OK(cm_array_init_dims(&a, 1, &d, written[i], &err), &err);
        assert_string_equal(a.unit, canon[i]);
        CHECK_OK(cm_array_set_unit(&a, written[i], &err), &err);
        assert_string_equal(a.unit, canon[i]);
        cm_array_destroy(&a);
    }

    /* a failed set_unit or scale leaves unit and values as they were */
    CHECK_OK(cm_array_init_dims(&a, 1, &d, "kt", &err), &err);
    a.data[0] = 7, a.data[1] = 8;
    CHECK_ERROR(cm_array_set_unit(&a, "xyz", &err), CM_EUNIT);
    assert_non_null(strstr(err.message, "'xyz'"));
    CHECK_ERROR(cm_array_scale(&a, 2.0, "t/xyz", &err), CM_EUNIT);
    assert_non_null(strstr(err.message, "'xyz'"));
    assert_string_equal(a.unit, "kt");
    assert_true(a.data[0] == 7 && a.data[1] == 8);

    /* copies keep the canonical text */
    CHECK_OK(cm_array_copy(&b, &a, &err), &err);
    assert_string_equal(b.unit, "kt");
    cm_array_destroy(&a);
    cm_array_destroy(&b);
    cm_dim_release(d);
}

/* add/sub need the same unit: same dimensions and the same scale. */
static void test_units_same(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    cm_array_t a = CM_ARRAY_NULL, b = CM_ARRAY_NULL, r = CM_ARRAY_NULL;
    const char *n[] = {"material"};
    size_t s[] = {2};
    const char *const *c[] = {M2};
    make(&a, 1, n, s, c, "t");
    make(&b, 1, n, s, c, "EUR");
    a.data[0] = 1, a.data[1] = 2;
    b.data[0] = 10, b.data[1] = 20;

    /* different dimensions: both units and both kinds named */
    CHECK_ERROR(cm_array_add(&a, &b, &r, &err), CM_EUNIT);
    assert_string_equal(err.message, "units differ: 't' (left) and 'EUR' (right) measure "
                                     "different quantities: mass vs money (EUR)");
    CHECK_ERROR(cm_array_check_same_unit(&b, &a, &err), CM_EUNIT);
    assert_non_null(strstr(err.message, "money (EUR) vs mass"));
    CHECK_OK(cm_array_set_unit(&b, "USD", &err), &err);
    CHECK_ERROR(cm_array_sub(&b, &a, &r, &err), CM_EUNIT);
    assert_non_null(strstr(err.message, "'USD'"));
    assert_non_null(strstr(err.message, "money (USD) vs mass"));
    assert_null(r.data);

    /* the same unit spelled differently: EUR/kg = MEUR/kt; the left text is kept */
    CHECK_OK(cm_array_set_unit(&a, "EUR/kg", &err), &err);
    CHECK_OK(cm_array_set_unit(&b, "MEUR/kt", &err), &err);
    CHECK_OK(cm_array_check_same_unit(&a, &b, &err), &err);
    CHECK_OK(cm_array_add(&a, &b, &r, &err), &err);
    assert_string_equal(r.unit, "EUR/kg");
    assert_true(r.data[0] == 11 && r.data[1] == 22);
    CHECK_OK(cm_array_sub(&b, &a, &r, &err), &err);
    assert_string_equal(r.unit, "MEUR/kt");
    assert_true(r.data[0] == 9 && r.data[1] == 18);
    CHECK_OK(cm_array_set_unit(&a, "t/MW", &err), &err); /* 1e3/1e6 = 1/1e3 */
    CHECK_OK(cm_array_set_unit(&b, "kg/kW", &err), &err);
    CHECK_OK(cm_array_add(&a, &b, &r, &err), &err);
    CHECK_OK(cm_array_set_unit(&a, "share", &err), &err);
    CHECK_OK(cm_array_set_unit(&b, "1", &err), &err);
    CHECK_OK(cm_array_add(&a, &b, &r, &err), &err);
    assert_string_equal(r.unit, "share");

    /* same dimensions, other scale */
    CHECK_OK(cm_array_set_unit(&a, "%", &err), &err);
    CHECK_ERROR(cm_array_add(&a, &b, &r, &err), CM_EUNIT);
    assert_non_null(strstr(err.message, "'%' (left) and '1' (right)"));
    assert_non_null(strstr(err.message, "cm_array_convert_unit"));
    CHECK_OK(cm_array_set_unit(&a, "t/kt", &err), &err); /* dimensionless, scale 1e-3 */
    CHECK_ERROR(cm_array_add(&a, &b, &r, &err), CM_EUNIT);
    CHECK_OK(cm_array_set_unit(&a, "kg/MWh", &err), &err);
    CHECK_OK(cm_array_set_unit(&b, "t/MWh", &err), &err);
    CHECK_ERROR(cm_array_sub(&a, &b, &r, &err), CM_EUNIT);
    assert_non_null(strstr(err.message, "'kg/MWh' (left) and 't/MWh' (right)"));
    /* energy is not power x time */
    CHECK_OK(cm_array_set_unit(&b, "kg/(MW*a)", &err), &err);
    CHECK_ERROR(cm_array_add(&a, &b, &r, &err), CM_EUNIT);
    assert_non_null(strstr(err.message, "measure different quantities"));

    CHECK_ERROR(cm_array_check_same_unit(NULL, &b, &err), CM_EINVAL);
    cm_array_t z = CM_ARRAY_NULL;
    CHECK_ERROR(cm_array_check_same_unit(&a, &z, &err), CM_EINVAL);
    cm_array_destroy(&a);
    cm_array_destroy(&b);
    cm_array_destroy(&r);
}

/* mul/div/einsum: the registry's product and quotient, in canonical text. */
static void test_units_product(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    cm_array_t a = CM_ARRAY_NULL, b = CM_ARRAY_NULL, r = CM_ARRAY_NULL;
    const char *n[] = {"material"};
    size_t s[] = {2};
    const char *const *c[] = {M2};
    make(&a, 1, n, s, c, "t/MW");
    make(&b, 1, n, s, c, "MW");
    a.data[0] = 2, a.data[1] = 3;
    b.data[0] = 5, b.data[1] = 7;

    /* the old textual compound "t/MW*MW" is replaced by the registry unit */
    CHECK_OK(cm_array_mul(&a, &b, &r, &err), &err);
    assert_string_equal(r.unit, "t");
    assert_true(r.data[0] == 10 && r.data[1] == 21);
    CHECK_OK(cm_array_mul(&b, &a, &r, &err), &err);
    assert_string_equal(r.unit, "t");
    CHECK_OK(cm_array_einsum("material * material -> material", &a, &b, &r, &err), &err);
    assert_string_equal(r.unit, "t");
    CHECK_OK(cm_array_einsum("material * material -> ", &a, &b, &r, &err), &err);
    assert_string_equal(r.unit, "t");
    assert_true(r.data[0] == 31);
    /* (t/MW) * MW / MW = t/MW: division undoes the product */
    CHECK_OK(cm_array_mul(&a, &b, &r, &err), &err);
    CHECK_OK(cm_array_div(&r, &b, &r, &err), &err);
    assert_string_equal(r.unit, "t/MW");
    ASSERT_NEAR(r.data[1], 3.0, 1e-15, 0);
    /* t / (t/MW) = MW; t / t = 1; t / kt stays t/kt (scale 1e-3) */
    CHECK_OK(cm_array_set_unit(&b, "t", &err), &err);
    CHECK_OK(cm_array_div(&b, &a, &r, &err), &err);
    assert_string_equal(r.unit, "MW");
    CHECK_OK(cm_array_div(&b, &b, &r, &err), &err);
    assert_string_equal(r.unit, "1");
    CHECK_OK(cm_array_set_unit(&a, "kt", &err), &err);
    CHECK_OK(cm_array_div(&b, &a, &r, &err), &err);
    assert_string_equal(r.unit, "t/kt");
    CHECK_OK(cm_array_convert_unit(&r, "%", &err), &err); /* 5/2 t/kt = 0.25 % */
    ASSERT_NEAR(r.data[0], 0.25, 1e-14, 0);
    /* aliases and spelling do not matter: EUR/kg * kg = EUR */
    CHECK_OK(cm_array_set_unit(&a, "\xE2\x82\xAC / kg", &err), &err);
    CHECK_OK(cm_array_set_unit(&b, "kg", &err), &err);
    CHECK_OK(cm_array_mul(&a, &b, &r, &err), &err);
    assert_string_equal(r.unit, "EUR");
    CHECK_OK(cm_array_set_unit(&a, "kg/kWh", &err), &err);
    CHECK_OK(cm_array_set_unit(&b, "1/MW", &err), &err);
    CHECK_OK(cm_array_mul(&a, &b, &r, &err), &err);
    assert_string_equal(r.unit, "kg/(kWh*MW)");

    /* beyond the registry's limits: CM_EUNIT, res untouched */
    CHECK_OK(cm_array_set_unit(&a, "kg^12", &err), &err);
    CHECK_OK(cm_array_set_unit(&b, "kg", &err), &err);
    CHECK_ERROR(cm_array_mul(&a, &b, &r, &err), CM_EUNIT);
    assert_non_null(strstr(err.message, "exceeds"));
    assert_string_equal(r.unit, "kg/(kWh*MW)");
    CHECK_OK(cm_array_div(&a, &b, &r, &err), &err);
    assert_string_equal(r.unit, "kg^11");
    CHECK_ERROR(cm_array_einsum("material * material -> material", &a, &b, &r, &err),
                CM_EUNIT);
    assert_string_equal(r.unit, "kg^11");
    CHECK_OK(cm_array_set_unit(&a, "g*kg*t*kt*Mt*Gt*EUR*kEUR", &err), &err);
    CHECK_OK(cm_array_set_unit(&b, "MEUR", &err), &err);
    CHECK_ERROR(cm_array_mul(&a, &b, &r, &err), CM_EUNIT); /* a ninth symbol */
    assert_non_null(strstr(err.message, "distinct symbols"));
    CHECK_OK(cm_array_set_unit(&b, "kt", &err), &err);
    CHECK_OK(cm_array_div(&a, &b, &r, &err), &err);
    assert_string_equal(r.unit, "g*kg*t*Mt*Gt*EUR*kEUR");
    cm_array_destroy(&a);
    cm_array_destroy(&b);
    cm_array_destroy(&r);
}

static void test_convert_unit(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    cm_array_t a = CM_ARRAY_NULL, b = CM_ARRAY_NULL, r = CM_ARRAY_NULL;
    const char *na[] = {"time", "region"};
    size_t sa[] = {3, 3};
    const char *const *ca[] = {T3, R3};
    lcg_seed(11);
    make(&a, 2, na, sa, ca, "t");
    fill_random(&a);
    a.data[0] = 1500;
    CHECK_OK(cm_array_copy(&b, &a, &err), &err);
    double sum_t = cm_array_sum_all(&a);

    CHECK_OK(cm_array_convert_unit(&a, "kt", &err), &err);
    assert_string_equal(a.unit, "kt");
    ASSERT_NEAR(a.data[0], 1.5, 1e-15, 0);
    ASSERT_NEAR(cm_array_sum_all(&a), sum_t * 1e-3, 1e-14, 0);
    /* kt + t after converting back: the round trip gives the original values */
    CHECK_ERROR(cm_array_add(&a, &b, &r, &err), CM_EUNIT);
    CHECK_OK(cm_array_convert_unit(&a, "kg", &err), &err);
    CHECK_OK(cm_array_convert_unit(&a, "t", &err), &err);
    for (size_t i = 0; i < a.size; i++) {
        ASSERT_NEAR(a.data[i], b.data[i], 1e-14, 0);
    }
    CHECK_OK(cm_array_sub(&a, &b, &r, &err), &err);

    /* compound units: 2 EUR/kg = 2000 MEUR/Mt; 12.5 % = 0.125; NULL target is "1" */
    CHECK_OK(cm_array_set_unit(&a, "EUR/kg", &err), &err);
    a.data[0] = 2;
    CHECK_OK(cm_array_convert_unit(&a, "MEUR / Mt", &err), &err);
    assert_string_equal(a.unit, "MEUR/Mt");
    ASSERT_NEAR(a.data[0], 2000, 1e-14, 0);
    CHECK_OK(cm_array_set_unit(&a, "%", &err), &err);
    a.data[0] = 12.5;
    CHECK_OK(cm_array_convert_unit(&a, NULL, &err), &err);
    assert_string_equal(a.unit, "1");
    ASSERT_NEAR(a.data[0], 0.125, 1e-15, 0);
    a.data[1] = NAN;
    CHECK_OK(cm_array_convert_unit(&a, "ppm", &err), &err);
    ASSERT_NEAR(a.data[0], 125000, 1e-14, 0);
    assert_true(isnan(a.data[1]));

    /* failures leave the array unchanged */
    CHECK_OK(cm_array_copy(&b, &a, &err), &err);
    CHECK_OK(cm_array_set_unit(&a, "EUR", &err), &err);
    CHECK_ERROR(cm_array_convert_unit(&a, "t", &err), CM_EUNIT);
    assert_string_equal(err.message, "cannot convert 'EUR' to 't': money (EUR) vs mass");
    CHECK_ERROR(cm_array_convert_unit(&a, "USD", &err), CM_EUNIT);
    assert_non_null(strstr(err.message, "exchange rate"));
    CHECK_ERROR(cm_array_convert_unit(&a, "euro", &err), CM_EUNIT);
    assert_non_null(strstr(err.message, "'euro'"));
    CHECK_ERROR(cm_array_convert_unit(&a, "", &err), CM_EINVAL);
    assert_string_equal(a.unit, "EUR");
    for (size_t i = 0; i < a.size; i++) {
        ASSERT_NEAR(a.data[i], b.data[i], 0, 0);
    }
    cm_test_fail_alloc_after(0);
    cm_error_t rc = cm_array_convert_unit(&a, "kEUR", &err);
    cm_test_fail_alloc_after(-1);
    assert_int_equal(rc, CM_ENOMEM);
    assert_string_equal(a.unit, "EUR");
    ASSERT_NEAR(a.data[0], b.data[0], 0, 0);
    CHECK_ERROR(cm_array_convert_unit(NULL, "t", &err), CM_EINVAL);
    cm_array_t z = CM_ARRAY_NULL;
    CHECK_ERROR(cm_array_convert_unit(&z, "t", &err), CM_EINVAL);
    cm_array_destroy(&a);
    cm_array_destroy(&b);
    cm_array_destroy(&r);
}

static void test_division_by_zero(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    cm_array_t a = CM_ARRAY_NULL, b = CM_ARRAY_NULL, r = CM_ARRAY_NULL;
    const char *na[] = {"time", "region"};
    size_t sa[] = {3, 3};
    const char *const *ca[] = {T3, R3};
    const char *nb[] = {"region"};
    size_t sb[] = {3};
    const char *const *cb[] = {R3};
    make(&a, 2, na, sa, ca, "t");
    make(&b, 1, nb, sb, cb, "MW");
    cm_array_fill(&a, 1.0);
    b.data[0] = 2, b.data[1] = 0, b.data[2] = 4;
    CHECK_ERROR(cm_array_div(&a, &b, &r, &err), CM_ENUMERIC);
    assert_non_null(strstr(err.message, "region='FRA'"));
    assert_null(strstr(err.message, "time=")); /* the divisor has no time dimension */
    assert_null(r.data);
    CHECK_OK(cm_array_binop(CM_ARRAY_DIV, &a, &b, CM_ARRAY_ALLOW_INF, &r, &err), &err);
    assert_true(isinf(r.data[3]) && r.data[3] > 0);
    ASSERT_NEAR(r.data[0], 0.5, 1e-15, 0);
    CHECK_ERROR(cm_array_binop((cm_array_op_t)9, &a, &b, 0, &r, &err), CM_EINVAL);
    cm_array_destroy(&a);
    cm_array_destroy(&b);
    cm_array_destroy(&r);
}

/* naive einsum reference: C[t, m] = sum_p A[t, p] B[p, m] */
static void test_einsum_matches_naive(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    cm_array_t a = CM_ARRAY_NULL, b = CM_ARRAY_NULL, c = CM_ARRAY_NULL, d = CM_ARRAY_NULL;
    const char *na[] = {"time", "product"};
    size_t sa[] = {4, 5};
    const char *const *ca[] = {T4, P5};
    const char *nb[] = {"product", "material"};
    size_t sb[] = {5, 3};
    const char *const *cb[] = {P5, M3};
    lcg_seed(7);
    make(&a, 2, na, sa, ca, "t");
    make(&b, 2, nb, sb, cb, "kg/t");
    fill_random(&a);
    fill_random(&b);
    double tol = 4.0 * 5 * DBL_EPSILON;
    CHECK_OK(cm_array_einsum("time,product * product,material -> time,material", &a, &b, &c,
                             &err),
             &err);
    assert_int_equal(c.ndim, 2);
    assert_string_equal(cm_dim_name(c.dim[0]), "time");
    assert_string_equal(cm_dim_name(c.dim[1]), "material");
    assert_string_equal(c.unit, "kg"); /* t * kg/t in the registry, no longer "t*kg/t" */
    for (size_t t = 0; t < 4; t++) {
        for (size_t m = 0; m < 3; m++) {
            double x = 0, ax = 0;
            for (size_t p = 0; p < 5; p++) {
                x += a.data[t + 4 * p] * b.data[p + 5 * m];
                ax += fabs(a.data[t + 4 * p] * b.data[p + 5 * m]);
            }
            ASSERT_NEAR(c.data[t + 4 * m], x, 0, tol * ax);
        }
    }
    /* operand lists in another order and a transposed output: the same numbers */
    CHECK_OK(cm_array_einsum(" product , time*material,product->material,time ", &a, &b, &d,
                             &err),
             &err);
    assert_string_equal(cm_dim_name(d.dim[0]), "material");
    for (size_t t = 0; t < 4; t++) {
        for (size_t m = 0; m < 3; m++) {
            ASSERT_NEAR(d.data[m + 3 * t], c.data[t + 4 * m], 1e-15, 1e-300);
        }
    }
    /* a dimension only in one operand and not in the output is summed first */
    CHECK_OK(cm_array_einsum("time,product * product,material -> material", &a, &b, &d, &err),
             &err);
    assert_int_equal(d.ndim, 1);
    for (size_t m = 0; m < 3; m++) {
        double x = 0, ax = 0;
        for (size_t t = 0; t < 4; t++) {
            x += c.data[t + 4 * m];
            ax += fabs(c.data[t + 4 * m]);
        }
        ASSERT_NEAR(d.data[m], x, 0, 4 * tol * ax + 1e-300);
    }
    /* full contraction to a scalar equals sum(a_sum_t * b_sum_m) */
    CHECK_OK(cm_array_einsum("time,product * product,material ->", &a, &b, &d, &err), &err);
    assert_int_equal(d.ndim, 0);
    ASSERT_NEAR(d.data[0], cm_array_sum_all(&c), 1e-12, 1e-12);
    cm_array_destroy(&a);
    cm_array_destroy(&b);
    cm_array_destroy(&c);
    cm_array_destroy(&d);
}

static void test_einsum_batch_and_outer(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    cm_array_t a = CM_ARRAY_NULL, b = CM_ARRAY_NULL, c = CM_ARRAY_NULL;
    const char *na[] = {"region", "product", "time"};
    size_t sa[] = {3, 5, 4};
    const char *const *ca[] = {R3, P5, T4};
    const char *nb[] = {"material", "product", "region"};
    size_t sb[] = {2, 5, 3};
    const char *const *cb[] = {M2, P5, R3};
    lcg_seed(99);
    make(&a, 3, na, sa, ca, "t");
    make(&b, 3, nb, sb, cb, "1");
    fill_random(&a);
    fill_random(&b);
    /* region is a batch dimension, product contracted */
    CHECK_OK(cm_array_einsum("region,product,time * material,product,region -> "
                             "time,material,region",
                             &a, &b, &c, &err),
             &err);
    assert_int_equal(c.ndim, 3);
    assert_string_equal(c.unit, "t");
    for (size_t r = 0; r < 3; r++) {
        for (size_t t = 0; t < 4; t++) {
            for (size_t m = 0; m < 2; m++) {
                double x = 0, ax = 0;
                for (size_t p = 0; p < 5; p++) {
                    double y = a.data[r + 3 * p + 15 * t] * b.data[m + 2 * p + 10 * r];
                    x += y;
                    ax += fabs(y);
                }
                ASSERT_NEAR(c.data[t + 4 * m + 8 * r], x, 0, 20 * DBL_EPSILON * ax + 1e-300);
            }
        }
    }
    cm_array_destroy(&c);
    /* an outer product (nothing contracted) */
    const char *nt[] = {"time"};
    size_t st[] = {4};
    const char *const *ct[] = {T4};
    const char *nm[] = {"material"};
    size_t sm[] = {2};
    const char *const *cm[] = {M2};
    cm_array_destroy(&a);
    cm_array_destroy(&b);
    make(&a, 1, nt, st, ct, "t");
    make(&b, 1, nm, sm, cm, "1");
    fill_random(&a);
    fill_random(&b);
    CHECK_OK(cm_array_einsum("time * material -> material,time", &a, &b, &c, &err), &err);
    for (size_t t = 0; t < 4; t++) {
        for (size_t m = 0; m < 2; m++) {
            ASSERT_NEAR(c.data[m + 2 * t], a.data[t] * b.data[m], 1e-15, 1e-300);
        }
    }
    cm_array_destroy(&a);
    cm_array_destroy(&b);
    cm_array_destroy(&c);
}

static void test_einsum_errors(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    cm_array_t a = CM_ARRAY_NULL, b = CM_ARRAY_NULL, b2 = CM_ARRAY_NULL, c = CM_ARRAY_NULL;
    const char *na[] = {"time", "region"};
    size_t sa[] = {3, 3};
    const char *const *ca[] = {T3, R3};
    const char *const *cb[] = {T3, R3B};
    const char *nb[] = {"region", "material"};
    size_t sb[] = {3, 2};
    const char *const *cb1[] = {R3, M2};
    make(&a, 2, na, sa, ca, "t");
    make(&b, 2, nb, sb, cb1, "1");
    make(&b2, 2, na, sa, cb, "1");
    CHECK_ERROR(cm_array_einsum("time,region region,material -> time", &a, &b, &c, &err),
                CM_EPARSE);
    assert_int_equal(err.column, 13);
    assert_non_null(strstr(err.message, "expected ',' or '*'"));
    CHECK_ERROR(cm_array_einsum("time,region * region,material time", &a, &b, &c, &err),
                CM_EPARSE);
    CHECK_ERROR(cm_array_einsum("time,,region * region,material -> time", &a, &b, &c, &err),
                CM_EPARSE);
    assert_int_equal(err.column, 6);
    CHECK_ERROR(cm_array_einsum("time,region * region,material -> time x", &a, &b, &c, &err),
                CM_EPARSE);
    CHECK_ERROR(cm_array_einsum("time * region,material -> time", &a, &b, &c, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "'region'"));
    CHECK_ERROR(cm_array_einsum("time,region,sector * region,material -> time", &a, &b, &c, &err),
                CM_EINVAL);
    assert_non_null(strstr(err.message, "'sector'"));
    CHECK_ERROR(cm_array_einsum("time,time * region,material -> time", &a, &b, &c, &err),
                CM_EINVAL);
    CHECK_ERROR(cm_array_einsum("time,region * region,material -> time,sector", &a, &b, &c, &err),
                CM_EINVAL);
    assert_non_null(strstr(err.message, "'sector'"));
    CHECK_ERROR(cm_array_einsum("time,region * region,material -> time,time", &a, &b, &c, &err),
                CM_EINVAL);
    CHECK_ERROR(cm_array_einsum("time,region * time,region -> time", &a, &b2, &c, &err),
                CM_EMISMATCH);
    assert_non_null(strstr(err.message, "dimension 'region': item 3 is 'NLD'"));
    CHECK_ERROR(cm_array_einsum(NULL, &a, &b, &c, &err), CM_EINVAL);
    assert_null(c.data);
    cm_array_destroy(&a);
    cm_array_destroy(&b);
    cm_array_destroy(&b2);
}

static void test_permute(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    cm_array_t a = CM_ARRAY_NULL, p = CM_ARRAY_NULL, back = CM_ARRAY_NULL;
    const char *na[] = {"time", "product", "region"};
    size_t sa[] = {4, 5, 3};
    const char *const *ca[] = {T4, P5, R3};
    lcg_seed(3);
    make(&a, 3, na, sa, ca, "t");
    fill_random(&a);
    const char *order[] = {"region", "time", "product"};
    CHECK_OK(cm_array_permute(&a, 3, order, &p, &err), &err);
    for (size_t t = 0; t < 4; t++) {
        for (size_t q = 0; q < 5; q++) {
            for (size_t r = 0; r < 3; r++) {
                size_t ia[] = {t, q, r}, ip[] = {r, t, q};
                double x = 0, y = 1;
                CHECK_OK(cm_array_get_at(&a, ia, &x, &err), &err);
                CHECK_OK(cm_array_get_at(&p, ip, &y, &err), &err);
                assert_true(x == y);
            }
        }
    }
    CHECK_OK(cm_array_permute(&p, 3, na, &back, &err), &err);
    assert_memory_equal(back.data, a.data, a.size * sizeof(double));
    const char *bad[] = {"region", "time", "time"};
    CHECK_ERROR(cm_array_permute(&a, 3, bad, &p, &err), CM_EINVAL);
    const char *unknown[] = {"region", "time", "sector"};
    CHECK_ERROR(cm_array_permute(&a, 3, unknown, &p, &err), CM_ENOTFOUND);
    assert_non_null(strstr(err.message, "'sector'"));
    CHECK_ERROR(cm_array_permute(&a, 2, order, &p, &err), CM_EINVAL);
    cm_array_destroy(&a);
    cm_array_destroy(&p);
    cm_array_destroy(&back);
}

static void test_select(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    cm_array_t a = CM_ARRAY_NULL, s = CM_ARRAY_NULL;
    const char *na[] = {"time", "product", "region"};
    size_t sa[] = {4, 5, 3};
    const char *const *ca[] = {T4, P5, R3};
    make(&a, 3, na, sa, ca, "t");
    for (size_t i = 0; i < a.size; i++) {
        a.data[i] = (double)i;
    }
    /* one item, dimension dropped */
    CHECK_OK(cm_array_select(&a, "product", "glass", 0, &s, &err), &err);
    assert_int_equal(s.ndim, 2);
    assert_string_equal(cm_dim_name(s.dim[1]), "region");
    assert_ptr_equal(s.dim[0], a.dim[0]); /* untouched dimensions are shared */
    for (size_t t = 0; t < 4; t++) {
        for (size_t r = 0; r < 3; r++) {
            assert_true(s.data[t + 4 * r] == (double)(t + 4 * 2 + 20 * r));
        }
    }
    /* one item, dimension kept */
    CHECK_OK(cm_array_select(&a, "region", "NLD", 1, &s, &err), &err);
    assert_int_equal(s.ndim, 3);
    assert_int_equal(s.shape[2], 1);
    assert_true(s.data[0] == 40.0);
    /* a list of items, in the given order */
    const char *pick[] = {"rare-earth", "steel"};
    CHECK_OK(cm_array_select_items(&a, "product", 2, pick, &s, &err), &err);
    assert_int_equal(s.shape[1], 2);
    assert_string_equal(cm_dim_code(s.dim[1], 0), "rare-earth");
    const char *at[] = {"2021", "rare-earth", "FRA"};
    double v = 0;
    CHECK_OK(cm_array_get(&s, at, &v, &err), &err);
    assert_true(v == (double)(2 + 4 * 4 + 20 * 1));
    /* an empty selection */
    CHECK_OK(cm_array_select_items(&a, "product", 0, NULL, &s, &err), &err);
    assert_int_equal(s.size, 0);
    assert_true(cm_array_sum_all(&s) == 0.0);
    const char *dup[] = {"steel", "steel"};
    CHECK_ERROR(cm_array_select_items(&a, "product", 2, dup, &s, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "'steel'"));
    CHECK_ERROR(cm_array_select(&a, "product", "wood", 0, &s, &err), CM_ENOTFOUND);
    assert_non_null(strstr(err.message, "'wood'"));
    CHECK_ERROR(cm_array_select(&a, "sector", "C10", 1, &s, &err), CM_ENOTFOUND);
    assert_non_null(strstr(err.message, "'sector'"));
    cm_array_destroy(&a);
    cm_array_destroy(&s);
}

static void test_views_share_memory(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    cm_array_t a = CM_ARRAY_NULL, m3 = CM_ARRAY_NULL, x = CM_ARRAY_NULL;
    cm_matrix_view_t v;
    const char *na[] = {"product", "region"};
    size_t sa[] = {5, 3};
    const char *const *ca[] = {P5, R3};
    make(&a, 2, na, sa, ca, "t");
    CHECK_OK(cm_array_view(&a, &v, &err), &err);
    assert_ptr_equal(v.data, a.data);
    assert_int_equal(v.nrow, 5);
    assert_int_equal(v.ncol, 3);
    assert_int_equal(v.ld, 5);
    v.data[2 + 1 * v.ld] = 9.0; /* (glass, FRA) */
    const char *at[] = {"glass", "FRA"};
    double val = 0;
    CHECK_OK(cm_array_get(&a, at, &val, &err), &err);
    assert_true(val == 9.0);
    /* hand the view to BLAS: y = A^T * ones gives the column sums */
    cm_array_fill(&a, 1.0);
    double ones[5] = {1, 1, 1, 1, 1}, y[3] = {0};
    a.data[4 + 2 * 5] = 3.0;
    cblas_dgemv(CblasColMajor, CblasTrans, (int)v.nrow, (int)v.ncol, 1.0, v.data, (int)v.ld,
                ones, 1, 0.0, y, 1);
    assert_true(y[0] == 5.0 && y[2] == 7.0);

    /* a block of the first two dimensions of a 3-D array */
    const char *n3[] = {"product", "region", "time"};
    size_t s3[] = {5, 3, 4};
    const char *const *c3[] = {P5, R3, T4};
    make(&m3, 3, n3, s3, c3, "t");
    size_t fix[] = {2};
    CHECK_OK(cm_array_view_block(&m3, fix, &v, &err), &err);
    assert_ptr_equal(v.data, m3.data + 2 * 15);
    assert_int_equal(v.ld, 5);
    v.data[1 + 2 * v.ld] = -4.0;
    const char *at3[] = {"copper", "NLD", "2021"};
    CHECK_OK(cm_array_get(&m3, at3, &val, &err), &err);
    assert_true(val == -4.0);
    CHECK_ERROR(cm_array_view(&m3, &v, &err), CM_EINVAL);
    /* grouped rows: (product, region) x time is 15 x 4; product x (region, time) is 5 x 12 */
    CHECK_OK(cm_array_view_rows(&m3, 2, &v, &err), &err);
    assert_int_equal(v.nrow, 15);
    assert_int_equal(v.ncol, 4);
    assert_int_equal(v.ld, 15);
    assert_true(v.data[1 + 5 * 2 + 15 * 2] == -4.0); /* (copper, NLD), 2021 */
    CHECK_OK(cm_array_view_rows(&m3, 1, &v, &err), &err);
    assert_int_equal(v.nrow, 5);
    assert_int_equal(v.ncol, 12);
    assert_true(v.data[1 + 5 * (2 + 3 * 2)] == -4.0);
    CHECK_OK(cm_array_view_rows(&m3, 0, &v, &err), &err);
    assert_int_equal(v.nrow, 1);
    assert_int_equal(v.ncol, 60);
    CHECK_ERROR(cm_array_view_rows(&m3, 4, &v, &err), CM_EINVAL);
    size_t badfix[] = {4};
    CHECK_ERROR(cm_array_view_block(&m3, badfix, &v, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "'time'"));
    /* 1-D: a column */
    const char *n1[] = {"region"};
    size_t s1[] = {3};
    const char *const *c1[] = {R3};
    make(&x, 1, n1, s1, c1, "t");
    CHECK_OK(cm_array_view(&x, &v, &err), &err);
    assert_int_equal(v.ncol, 1);
    CHECK_ERROR(cm_array_view_block(&x, fix, &v, &err), CM_EINVAL);
    cm_array_destroy(&a);
    cm_array_destroy(&m3);
    cm_array_destroy(&x);
}

static void test_errors(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    cm_array_t a = CM_ARRAY_NULL, r = CM_ARRAY_NULL;
    cm_dim_t *d = NULL;
    const char *na[] = {"time", "region"};
    size_t sa[] = {3, 3};
    const char *const *ca[] = {T3, R3};

    /* NULL arguments */
    CHECK_ERROR(cm_array_init(NULL, 0, NULL, NULL, NULL, NULL, &err), CM_EINVAL);
    CHECK_ERROR(cm_array_init(&a, 2, NULL, sa, ca, "t", &err), CM_EINVAL);
    CHECK_ERROR(cm_dim_create(NULL, 0, NULL, &d, &err), CM_EINVAL);
    CHECK_ERROR(cm_dim_create("x", 0, NULL, NULL, &err), CM_EINVAL);
    CHECK_ERROR(cm_array_copy(&r, NULL, &err), CM_EINVAL);
    CHECK_ERROR(cm_array_add(NULL, &a, &r, &err), CM_EINVAL);
    CHECK_ERROR(cm_array_sum_dims(NULL, 0, NULL, &r, &err), CM_EINVAL);

    /* duplicate item code, named */
    const char *const dup[] = {"BEL", "FRA", "BEL"};
    const char *const *cdup[] = {T3, dup};
    CHECK_ERROR(cm_array_init(&a, 2, na, sa, cdup, "t", &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "duplicate item code 'BEL'"));
    assert_non_null(strstr(err.message, "'region'"));
    assert_null(a.data); /* left zeroed: destroy is safe */
    cm_array_destroy(&a);
    /* NULL or empty codes */
    const char *const empty[] = {"BEL", "", "NLD"};
    const char *const *cempty[] = {T3, empty};
    CHECK_ERROR(cm_array_init(&a, 2, na, sa, cempty, "t", &err), CM_EINVAL);
    /* duplicate dimension name */
    const char *same[] = {"time", "time"};
    CHECK_ERROR(cm_array_init(&a, 2, same, sa, ca, "t", &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "'time'"));
    /* bad dimension names */
    const char *bad[] = {"time", "a,b"};
    CHECK_ERROR(cm_array_init(&a, 2, bad, sa, ca, "t", &err), CM_EINVAL);
    const char *arrow[] = {"time", "a->b"};
    CHECK_ERROR(cm_array_init(&a, 2, arrow, sa, ca, "t", &err), CM_EINVAL);
    const char *emptyname[] = {"time", ""};
    CHECK_ERROR(cm_array_init(&a, 2, emptyname, sa, ca, "t", &err), CM_EINVAL);
    /* empty unit */
    CHECK_ERROR(cm_array_init(&a, 2, na, sa, ca, "", &err), CM_EINVAL);
    /* too many dimensions */
    CHECK_ERROR(cm_array_init(&a, CM_ARRAY_MAX_DIMS + 1, na, sa, ca, "t", &err), CM_EINVAL);

    /* size overflow: 16 dimensions of 16 items is 2^64 elements */
    static const char *const sixteen[] = {"a", "b", "c", "d", "e", "f", "g", "h",
                                          "i", "j", "k", "l", "m", "n", "o", "p"};
    char namebuf[CM_ARRAY_MAX_DIMS][8];
    const char *names16[CM_ARRAY_MAX_DIMS];
    size_t sizes16[CM_ARRAY_MAX_DIMS];
    const char *const *codes16[CM_ARRAY_MAX_DIMS];
    for (int k = 0; k < CM_ARRAY_MAX_DIMS; k++) {
        snprintf(namebuf[k], sizeof namebuf[k], "d%d", k);
        names16[k] = namebuf[k];
        sizes16[k] = 16;
        codes16[k] = sixteen;
    }
    CHECK_ERROR(cm_array_init(&a, CM_ARRAY_MAX_DIMS, names16, sizes16, codes16, "t", &err),
                CM_EOVERFLOW);
    sizes16[CM_ARRAY_MAX_DIMS - 1] = 4; /* 2^62 elements: the byte size overflows */
    CHECK_ERROR(cm_array_init(&a, CM_ARRAY_MAX_DIMS, names16, sizes16, codes16, "t", &err),
                CM_EOVERFLOW);

    make(&a, 2, na, sa, ca, "t");
    /* unknown dimension and item names */
    size_t pos = 0;
    CHECK_ERROR(cm_array_index(&a, "material", "Fe", &pos, &err), CM_ENOTFOUND);
    assert_non_null(strstr(err.message, "'material'"));
    CHECK_ERROR(cm_array_index(&a, "region", "LUX", &pos, &err), CM_ENOTFOUND);
    assert_non_null(strstr(err.message, "'LUX'"));
    const char *sum_bad[] = {"material"};
    CHECK_ERROR(cm_array_sum_dims(&a, 1, sum_bad, &r, &err), CM_ENOTFOUND);
    assert_non_null(strstr(err.message, "'material'"));
    const char *sum_twice[] = {"time", "time"};
    CHECK_ERROR(cm_array_sum_dims(&a, 2, sum_twice, &r, &err), CM_EINVAL);
    const char *codes_bad[] = {"2020", "ESP"};
    double v;
    CHECK_ERROR(cm_array_get(&a, codes_bad, &v, &err), CM_ENOTFOUND);
    assert_non_null(strstr(err.message, "dimension 'region' has no item 'ESP'"));
    CHECK_ERROR(cm_array_set(&a, codes_bad, 1.0, &err), CM_ENOTFOUND);
    CHECK_ERROR(cm_array_get(&a, NULL, &v, &err), CM_EINVAL);
    size_t out_of_range[] = {0, 3};
    CHECK_ERROR(cm_array_get_at(&a, out_of_range, &v, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "'region'"));
    CHECK_ERROR(cm_array_set_at(&a, out_of_range, 1.0, &err), CM_EINVAL);
    CHECK_ERROR(cm_array_index(&a, NULL, "BEL", &pos, &err), CM_EINVAL);
    CHECK_ERROR(cm_array_select(&a, "region", NULL, 0, &r, &err), CM_EINVAL);
    CHECK_ERROR(cm_array_check_compatible(&a, NULL, &err), CM_EINVAL);
    assert_null(r.data);

    /* a result with more than CM_ARRAY_MAX_DIMS dimensions */
    static const char *const one[] = {"x"};
    char nbuf[2 * CM_ARRAY_MAX_DIMS][8];
    const char *nl[CM_ARRAY_MAX_DIMS], *nr[CM_ARRAY_MAX_DIMS];
    size_t s1[CM_ARRAY_MAX_DIMS];
    const char *const *c1[CM_ARRAY_MAX_DIMS];
    for (int k = 0; k < CM_ARRAY_MAX_DIMS; k++) {
        snprintf(nbuf[k], sizeof nbuf[k], "l%d", k);
        snprintf(nbuf[CM_ARRAY_MAX_DIMS + k], sizeof nbuf[k], "r%d", k);
        nl[k] = nbuf[k];
        nr[k] = nbuf[CM_ARRAY_MAX_DIMS + k];
        s1[k] = 1;
        c1[k] = one;
    }
    cm_array_t wide = CM_ARRAY_NULL, wide2 = CM_ARRAY_NULL;
    make(&wide, 10, nl, s1, c1, "t");
    make(&wide2, 10, nr, s1, c1, "t");
    CHECK_ERROR(cm_array_add(&wide, &wide2, &r, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "more than 16 dimensions"));
    cm_array_destroy(&wide);
    cm_array_destroy(&wide2);
    cm_array_destroy(&a);
}

/* Every allocation along create, binop, select, permute and einsum may fail; nothing leaks. */
static void test_alloc_failure_loop(void **state)
{
    (void)state;
    const char *na[] = {"time", "product"};
    size_t sa[] = {4, 5};
    const char *const *ca[] = {T4, P5};
    const char *nb[] = {"product", "material"};
    size_t sb[] = {5, 3};
    const char *const *cb[] = {P5, M3};
    const char *order[] = {"product", "time"};
    const char *pick[] = {"glass", "steel"};
    int succeeded = 0;
    for (long n = 0; n < 500 && !succeeded; n++) {
        long base = cm_alloc_outstanding();
        cm_error_info_t err = {0};
        cm_array_t a = CM_ARRAY_NULL, b = CM_ARRAY_NULL, c = CM_ARRAY_NULL, d = CM_ARRAY_NULL;
        cm_error_t rc;
        cm_test_fail_alloc_after(n);
        rc = cm_array_init(&a, 2, na, sa, ca, "t", &err);
        if (rc == CM_OK) {
            rc = cm_array_init(&b, 2, nb, sb, cb, "1", &err);
        }
        if (rc == CM_OK) {
            fill_random(&a);
            fill_random(&b);
            rc = cm_array_einsum("time,product * product,material -> material,time", &a, &b, &c,
                                 &err);
        }
        if (rc == CM_OK) {
            rc = cm_array_mul(&a, &b, &d, &err);
        }
        if (rc == CM_OK) {
            rc = cm_array_permute(&a, 2, order, &d, &err);
        }
        if (rc == CM_OK) {
            rc = cm_array_select_items(&a, "product", 2, pick, &d, &err);
        }
        if (rc == CM_OK) {
            rc = cm_array_select(&a, "time", "2021", 0, &d, &err);
        }
        if (rc == CM_OK) {
            rc = cm_array_copy(&d, &c, &err);
        }
        if (rc == CM_OK) {
            rc = cm_array_set_unit(&d, "kt", &err);
        }
        if (rc == CM_OK) {
            rc = cm_array_convert_unit(&d, "t", &err);
        }
        if (rc == CM_OK) {
            rc = cm_array_binop(CM_ARRAY_DIV, &a, &d, CM_ARRAY_ALLOW_INF, &d, &err);
        }
        cm_test_fail_alloc_after(-1);
        if (rc == CM_OK) {
            succeeded = 1;
            assert_int_equal(c.ndim, 2);
        } else {
            assert_int_equal(rc, CM_ENOMEM);
        }
        cm_array_destroy(&a);
        cm_array_destroy(&b);
        cm_array_destroy(&c);
        cm_array_destroy(&d);
        assert_int_equal(cm_alloc_outstanding(), base);
    }
    assert_true(succeeded);
}

static void test_dim_sharing(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    cm_dim_t *t = NULL, *r = NULL, *r2 = NULL;
    cm_array_t a = CM_ARRAY_NULL, b = CM_ARRAY_NULL;
    CHECK_OK(cm_dim_create("time", 3, T3, &t, &err), &err);
    CHECK_OK(cm_dim_create("region", 3, R3, &r, &err), &err);
    CHECK_OK(cm_dim_create("region", 3, R3, &r2, &err), &err);
    assert_true(cm_dim_equal(r, r2));
    assert_false(cm_dim_equal(t, r));
    cm_dim_t *d1[] = {t, r}, *d2[] = {r2};
    CHECK_OK(cm_array_init_dims(&a, 2, d1, "t", &err), &err);
    CHECK_OK(cm_array_init_dims(&b, 1, d2, "t", &err), &err);
    /* the arrays hold their own references */
    cm_dim_release(t);
    cm_dim_release(r);
    cm_dim_release(r2);
    cm_array_fill(&b, 2.0);
    CHECK_OK(cm_array_add(&a, &b, &a, &err), &err);
    assert_true(cm_array_sum_all(&a) == 18.0);
    assert_int_equal(cm_dim_size(a.dim[0]), 3);
    cm_array_destroy(&a);
    cm_array_destroy(&b);
    cm_dim_t *none[] = {NULL};
    CHECK_ERROR(cm_array_init_dims(&b, 1, none, "t", &err), CM_EINVAL);
    cm_array_destroy(&b);
}

/* Big dimensions: the hash index grows (bucket expansions may fail too) and lookups stay
 * exact; einsum refuses matrix sides beyond the BLAS integer range. */
enum { NBIG = 50000 };
static char big_codes[NBIG][8];
static const char *big_ptrs[NBIG];

static void test_big_dimensions(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    for (int i = 0; i < NBIG; i++) {
        snprintf(big_codes[i], sizeof big_codes[i], "c%d", i);
        big_ptrs[i] = big_codes[i];
    }
    int succeeded = 0;
    for (long n = 0; n < 100 && !succeeded; n++) {
        long base = cm_alloc_outstanding();
        cm_dim_t *d = NULL;
        cm_test_fail_alloc_after(n);
        cm_error_t rc = cm_dim_create("big", NBIG, big_ptrs, &d, &err);
        cm_test_fail_alloc_after(-1);
        if (rc == CM_OK) {
            succeeded = 1;
            for (int i = 0; i < NBIG; i += 997) {
                assert_int_equal(cm_dim_index(d, big_codes[i]), i);
            }
            assert_int_equal(cm_dim_index(d, "c50000"), -1);
        } else {
            assert_int_equal(rc, CM_ENOMEM);
            assert_null(d);
        }
        cm_dim_release(d);
        assert_int_equal(cm_alloc_outstanding(), base);
    }
    assert_true(succeeded);

    /* x (50000) by y (50000) by an empty p: the array is empty but an einsum keeping x and y
     * would need a 2.5e9-row matrix */
    cm_dim_t *x = NULL, *y = NULL, *p = NULL, *m = NULL;
    cm_array_t a = CM_ARRAY_NULL, b = CM_ARRAY_NULL, c = CM_ARRAY_NULL;
    CHECK_OK(cm_dim_create("x", NBIG, big_ptrs, &x, &err), &err);
    CHECK_OK(cm_dim_create("y", NBIG, big_ptrs, &y, &err), &err);
    CHECK_OK(cm_dim_create("p", 0, NULL, &p, &err), &err);
    CHECK_OK(cm_dim_create("m", 2, M2, &m, &err), &err);
    cm_dim_t *da[] = {x, y, p}, *db[] = {p, m};
    CHECK_OK(cm_array_init_dims(&a, 3, da, "t", &err), &err);
    CHECK_OK(cm_array_init_dims(&b, 2, db, "1", &err), &err);
    assert_int_equal(a.size, 0);
    CHECK_ERROR(cm_array_einsum("x,y,p * p,m -> x,y,m", &a, &b, &c, &err), CM_EOVERFLOW);
    assert_non_null(strstr(err.message, "BLAS"));
    /* summing the empty p away gives zeros */
    CHECK_OK(cm_array_einsum("x,y,p * p,m -> x,m", &a, &b, &c, &err), &err);
    assert_int_equal(c.size, 2 * NBIG);
    assert_true(cm_array_sum_all(&c) == 0.0);
    cm_array_destroy(&c); /* init functions overwrite without releasing */
    /* five dimensions of 50000 items overflow the element count, four the byte size */
    cm_dim_t *more[3] = {NULL, NULL, NULL};
    const char *more_names[3] = {"u", "v", "w"};
    for (int k = 0; k < 3; k++) {
        CHECK_OK(cm_dim_create(more_names[k], NBIG, big_ptrs, &more[k], &err), &err);
    }
    cm_dim_t *over[] = {x, y, x};
    CHECK_ERROR(cm_array_init_dims(&c, 3, over, "t", &err), CM_EINVAL); /* repeated names */
    assert_non_null(strstr(err.message, "'x'"));
    cm_dim_t *over5[] = {x, y, more[0], more[1], more[2]};
    CHECK_ERROR(cm_array_init_dims(&c, 5, over5, "t", &err), CM_EOVERFLOW);
    assert_non_null(strstr(err.message, "element count"));
    CHECK_ERROR(cm_array_init_dims(&c, 4, over5, "t", &err), CM_EOVERFLOW);
    assert_null(c.data);
    for (int k = 0; k < 3; k++) {
        cm_dim_release(more[k]);
    }
    cm_dim_release(x);
    cm_dim_release(y);
    cm_dim_release(p);
    cm_dim_release(m);
    cm_array_destroy(&a);
    cm_array_destroy(&b);
    cm_array_destroy(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CM_TEST(test_create_lookup_layout), CM_TEST(test_sum_invariants),
        CM_TEST(test_broadcast_example),    CM_TEST(test_mismatch_message),
        CM_TEST(test_units),                CM_TEST(test_units_registry),
        CM_TEST(test_units_same),           CM_TEST(test_units_product),
        CM_TEST(test_convert_unit),         CM_TEST(test_division_by_zero),
        CM_TEST(test_einsum_matches_naive), CM_TEST(test_einsum_batch_and_outer),
        CM_TEST(test_einsum_errors),        CM_TEST(test_permute),
        CM_TEST(test_select),               CM_TEST(test_views_share_memory),
        CM_TEST(test_errors),               CM_TEST(test_alloc_failure_loop),
        CM_TEST(test_dim_sharing),          CM_TEST(test_big_dimensions),
    };
    return CM_RUN_TESTS(tests);
}

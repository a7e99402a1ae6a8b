/* Weighted concordances: construction, split check, mapping one dimension of an array
 * (split, aggregation, missing-item policies), mass preservation on random data, and the
 * allocation-failure loop over create, einsum, sum and map. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "cambium/cm_array.h"
#include "cambium/cm_concord.h"
#include "cm_test.h"

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
static size_t lcg_below(size_t n)
{
    return (size_t)(lcg_uniform() * (double)n) % n;
}

static const char *const PROD[] = {"A", "B", "C", "D"};
static const char *const YEAR[] = {"2021", "2022"};

static void make_product_year(cm_array_t *a)
{
    cm_error_info_t err = {0};
    const char *names[] = {"product", "year"};
    size_t sizes[] = {4, 2};
    const char *const *codes[] = {PROD, YEAR};
    CHECK_OK(cm_array_init(a, 2, names, sizes, codes, "t", &err), &err);
    for (size_t i = 0; i < a->size; i++) {
        a->data[i] = (double)(i + 1); /* A: 1, 5; B: 2, 6; C: 3, 7; D: 4, 8 */
    }
}

static void test_build_and_check_split(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    cm_concordance_t c = {0};
    cm_concordance_destroy(&c); /* safe on zeroed */
    assert_int_equal(cm_concordance_init(&c, "cn8-prodcom"), CM_OK);
    for (int i = 0; i < 40; i++) { /* grows past the first capacity */
        char from[16];
        snprintf(from, sizeof from, "F%02d", i);
        CHECK_OK(cm_concordance_add(&c, from, "X", 0.25, &err), &err);
        CHECK_OK(cm_concordance_add(&c, from, "Y", 0.75, &err), &err);
    }
    assert_int_equal(c.n, 80);
    assert_string_equal(c.from[79], "F39");
    CHECK_OK(cm_concordance_check_split(&c, 1e-12, &err), &err);
    CHECK_OK(cm_concordance_add(&c, "F07", "Z", 0.5, &err), &err);
    CHECK_ERROR(cm_concordance_check_split(&c, 1e-9, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "'F07'"));
    assert_non_null(strstr(err.message, "1.5"));
    assert_non_null(strstr(err.message, "cn8-prodcom"));
    CHECK_ERROR(cm_concordance_check_split(&c, -1, &err), CM_EINVAL);
    CHECK_ERROR(cm_concordance_check_split(NULL, 0.1, &err), CM_EINVAL);
    /* bad triples */
    CHECK_ERROR(cm_concordance_add(&c, "F01", "X", -0.5, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "'F01' -> 'X'"));
    CHECK_ERROR(cm_concordance_add(&c, "F01", "X", NAN, &err), CM_EINVAL);
    CHECK_ERROR(cm_concordance_add(&c, "F01", "X", INFINITY, &err), CM_EINVAL);
    CHECK_ERROR(cm_concordance_add(&c, NULL, "X", 1, &err), CM_EINVAL);
    CHECK_ERROR(cm_concordance_add(&c, "F01", "", 1, &err), CM_EINVAL);
    assert_int_equal(c.n, 81);
    cm_concordance_destroy(&c);
    cm_concordance_destroy(&c);
    assert_int_equal(cm_concordance_init(NULL, "x"), CM_EINVAL);
    /* an unnamed concordance */
    assert_int_equal(cm_concordance_init(&c, NULL), CM_OK);
    CHECK_OK(cm_concordance_check_split(&c, 0, &err), &err); /* empty: nothing to check */
    cm_concordance_destroy(&c);
}

static void test_map_split_and_aggregate(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    cm_concordance_t c = {0};
    cm_array_t a = CM_ARRAY_NULL, r = CM_ARRAY_NULL;
    make_product_year(&a);
    assert_int_equal(cm_concordance_init(&c, "test"), CM_OK);
    /* A splits 30/70 into y, x; B and C aggregate into x; D goes to z; a triple for an item
     * the array does not have is ignored */
    CHECK_OK(cm_concordance_add(&c, "C", "x", 1.0, &err), &err);
    CHECK_OK(cm_concordance_add(&c, "A", "y", 0.3, &err), &err);
    CHECK_OK(cm_concordance_add(&c, "Q", "w", 1.0, &err), &err);
    CHECK_OK(cm_concordance_add(&c, "B", "x", 1.0, &err), &err);
    CHECK_OK(cm_concordance_add(&c, "A", "x", 0.7, &err), &err);
    CHECK_OK(cm_concordance_add(&c, "D", "z", 1.0, &err), &err);
    CHECK_OK(cm_concordance_check_split(&c, 1e-12, &err), &err);
    size_t dropped = 99;
    CHECK_OK(cm_concordance_map(&c, &a, "product", "group", CM_CONCORD_ERROR, &r, &dropped, &err),
             &err);
    assert_int_equal(dropped, 0);
    assert_int_equal(r.ndim, 2);
    assert_string_equal(cm_dim_name(r.dim[0]), "group");
    assert_ptr_equal(r.dim[1], a.dim[1]);
    assert_string_equal(r.unit, "t");
    /* order of first appearance: items A, B, C, D in array order; A's triples in
     * concordance order (y then x) */
    assert_int_equal(r.shape[0], 3);
    assert_string_equal(cm_dim_code(r.dim[0], 0), "y");
    assert_string_equal(cm_dim_code(r.dim[0], 1), "x");
    assert_string_equal(cm_dim_code(r.dim[0], 2), "z");
    /* hand-computed, year 2021: y = 0.3*1, x = 0.7*1 + 2 + 3, z = 4 */
    ASSERT_NEAR(r.data[0], 0.3, 1e-15, 0);
    ASSERT_NEAR(r.data[1], 5.7, 1e-15, 0);
    ASSERT_NEAR(r.data[2], 4.0, 1e-15, 0);
    /* year 2022: y = 1.5, x = 3.5 + 6 + 7, z = 8 */
    ASSERT_NEAR(r.data[3], 1.5, 1e-15, 0);
    ASSERT_NEAR(r.data[4], 16.5, 1e-15, 0);
    ASSERT_NEAR(r.data[5], 8.0, 1e-15, 0);
    ASSERT_NEAR(cm_array_sum_all(&r), cm_array_sum_all(&a), 1e-14, 0);
    /* map along the second dimension (inner block > 1), keeping the name, into a */
    cm_concordance_t y = {0};
    assert_int_equal(cm_concordance_init(&y, "years"), CM_OK);
    CHECK_OK(cm_concordance_add(&y, "2021", "all", 1.0, &err), &err);
    CHECK_OK(cm_concordance_add(&y, "2022", "all", 1.0, &err), &err);
    CHECK_OK(cm_concordance_map(&y, &a, "year", NULL, CM_CONCORD_ERROR, &a, NULL, &err), &err);
    assert_string_equal(cm_dim_name(a.dim[1]), "year");
    assert_int_equal(a.shape[1], 1);
    assert_true(a.data[0] == 6.0 && a.data[3] == 12.0);
    cm_concordance_destroy(&y);
    cm_concordance_destroy(&c);
    cm_array_destroy(&a);
    cm_array_destroy(&r);
}

static void test_missing_policies(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    cm_concordance_t c = {0};
    cm_array_t a = CM_ARRAY_NULL, r = CM_ARRAY_NULL;
    make_product_year(&a);
    assert_int_equal(cm_concordance_init(&c, "partial"), CM_OK);
    CHECK_OK(cm_concordance_add(&c, "A", "B", 1.0, &err), &err); /* A -> B */
    CHECK_OK(cm_concordance_add(&c, "D", "x", 1.0, &err), &err);
    size_t dropped = 0;
    CHECK_ERROR(cm_concordance_map(&c, &a, "product", NULL, CM_CONCORD_ERROR, &r, &dropped, &err),
                CM_ENOTFOUND);
    assert_non_null(strstr(err.message, "item 'B'"));
    assert_non_null(strstr(err.message, "partial"));
    assert_null(r.data);

    CHECK_OK(cm_concordance_map(&c, &a, "product", NULL, CM_CONCORD_DROP, &r, &dropped, &err),
             &err);
    assert_int_equal(dropped, 2); /* B and C */
    assert_int_equal(r.shape[0], 2);
    ASSERT_NEAR(cm_array_sum_all(&r), cm_array_sum_all(&a) - (2 + 6 + 3 + 7), 1e-15, 0);

    /* keep: B and C stay as themselves; A's target B merges with the kept B */
    CHECK_OK(cm_concordance_map(&c, &a, "product", NULL, CM_CONCORD_KEEP, &r, &dropped, &err),
             &err);
    assert_int_equal(dropped, 0);
    assert_int_equal(r.shape[0], 3);
    assert_string_equal(cm_dim_code(r.dim[0], 0), "B");
    assert_string_equal(cm_dim_code(r.dim[0], 1), "C");
    assert_string_equal(cm_dim_code(r.dim[0], 2), "x");
    ASSERT_NEAR(r.data[0], 1 + 2, 1e-15, 0);
    ASSERT_NEAR(cm_array_sum_all(&r), cm_array_sum_all(&a), 1e-15, 0);

    /* errors */
    CHECK_ERROR(cm_concordance_map(&c, &a, "sector", NULL, CM_CONCORD_KEEP, &r, NULL, &err),
                CM_ENOTFOUND);
    assert_non_null(strstr(err.message, "'sector'"));
    CHECK_ERROR(cm_concordance_map(&c, &a, "product", "year", CM_CONCORD_KEEP, &r, NULL, &err),
                CM_EINVAL);
    CHECK_ERROR(cm_concordance_map(&c, &a, "product", "bad name", CM_CONCORD_KEEP, &r, NULL,
                                   &err),
                CM_EINVAL);
    CHECK_ERROR(cm_concordance_map(&c, &a, "product", NULL, (cm_concord_missing_t)7, &r, NULL,
                                   &err),
                CM_EINVAL);
    CHECK_ERROR(cm_concordance_map(NULL, &a, "product", NULL, CM_CONCORD_KEEP, &r, NULL, &err),
                CM_EINVAL);
    cm_concordance_destroy(&c);
    cm_array_destroy(&a);
    cm_array_destroy(&r);
}

/* Random splits whose weights sum to 1 preserve the total, and every (year, region) slice. */
static void test_mass_preserved_random(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    enum { NFROM = 50, NTO = 20, NYEAR = 3, NREG = 4 };
    char fromcodes[NFROM][8], tocodes[NTO][8];
    const char *from[NFROM];
    static const char *const years[NYEAR] = {"2020", "2021", "2022"};
    static const char *const regs[NREG] = {"BEL", "FRA", "NLD", "DEU"};
    cm_concordance_t c = {0};
    cm_array_t a = CM_ARRAY_NULL, r = CM_ARRAY_NULL, sa = CM_ARRAY_NULL, sr = CM_ARRAY_NULL;

    lcg_seed(20261123);
    for (int i = 0; i < NFROM; i++) {
        snprintf(fromcodes[i], sizeof fromcodes[i], "cn%02d", i);
        from[i] = fromcodes[i];
    }
    for (int j = 0; j < NTO; j++) {
        snprintf(tocodes[j], sizeof tocodes[j], "pc%02d", j);
    }
    assert_int_equal(cm_concordance_init(&c, "random"), CM_OK);
    for (int i = 0; i < NFROM; i++) {
        size_t k = 1 + lcg_below(4);
        double w[4], s = 0;
        for (size_t j = 0; j < k; j++) {
            w[j] = 0.05 + lcg_uniform();
            s += w[j];
        }
        for (size_t j = 0; j < k; j++) {
            CHECK_OK(cm_concordance_add(&c, from[i], tocodes[lcg_below(NTO)], w[j] / s, &err),
                     &err);
        }
    }
    CHECK_OK(cm_concordance_check_split(&c, 1e-12, &err), &err);
    const char *names[] = {"year", "cn8", "region"};
    size_t sizes[] = {NYEAR, NFROM, NREG};
    const char *const *codes[] = {years, from, regs};
    CHECK_OK(cm_array_init(&a, 3, names, sizes, codes, "t", &err), &err);
    for (size_t i = 0; i < a.size; i++) {
        a.data[i] = 1000.0 * lcg_uniform();
    }
    CHECK_OK(cm_concordance_map(&c, &a, "cn8", "prodcom", CM_CONCORD_ERROR, &r, NULL, &err),
             &err);
    assert_true(r.shape[1] <= NTO);
    double total = cm_array_sum_all(&a);
    ASSERT_NEAR(cm_array_sum_all(&r), total, 200 * DBL_EPSILON, 0);
    const char *cn[] = {"cn8"}, *pc[] = {"prodcom"};
    CHECK_OK(cm_array_sum_dims(&a, 1, cn, &sa, &err), &err);
    CHECK_OK(cm_array_sum_dims(&r, 1, pc, &sr, &err), &err);
    CHECK_OK(cm_array_check_compatible(&sa, &sr, &err), &err);
    for (size_t i = 0; i < sa.size; i++) {
        ASSERT_NEAR(sr.data[i], sa.data[i], 200 * DBL_EPSILON, 0);
    }
    cm_concordance_destroy(&c);
    cm_array_destroy(&a);
    cm_array_destroy(&r);
    cm_array_destroy(&sa);
    cm_array_destroy(&sr);
}

/* Allocation failures anywhere along create, einsum, sum and map: no crash, no leak. */
static void test_alloc_failure_loop(void **state)
{
    (void)state;
    static const char *const T[] = {"2020", "2021", "2022"};
    static const char *const P[] = {"steel", "copper", "glass", "resin"};
    static const char *const M[] = {"Fe", "Cu", "Si"};
    const char *na[] = {"time", "product"};
    size_t sa[] = {3, 4};
    const char *const *ca[] = {T, P};
    const char *nb[] = {"product", "material"};
    size_t sb[] = {4, 3};
    const char *const *cb[] = {P, M};
    const char *sum[] = {"time"};
    int succeeded = 0;
    long iterations = 0;
    for (long n = 0; n < 1000 && !succeeded; n++) {
        long base = cm_alloc_outstanding();
        cm_error_info_t err = {0};
        cm_concordance_t c = {0};
        cm_array_t a = CM_ARRAY_NULL, b = CM_ARRAY_NULL, e = CM_ARRAY_NULL, s = CM_ARRAY_NULL,
                   m = CM_ARRAY_NULL;
        cm_error_t rc;
        iterations++;
        cm_test_fail_alloc_after(n);
        rc = cm_array_init(&a, 2, na, sa, ca, "t", &err);
        if (rc == CM_OK) {
            rc = cm_array_init(&b, 2, nb, sb, cb, "kg/t", &err);
        }
        if (rc == CM_OK) {
            cm_array_fill(&a, 2.0);
            cm_array_fill(&b, 0.5);
            rc = cm_array_einsum("time,product * product,material -> time,material", &a, &b, &e,
                                 &err);
        }
        if (rc == CM_OK) {
            rc = cm_array_sum_dims(&e, 1, sum, &s, &err);
        }
        if (rc == CM_OK) {
            rc = cm_concordance_init(&c, "materials");
        }
        if (rc == CM_OK) {
            rc = cm_concordance_add(&c, "Fe", "metals", 1.0, &err);
        }
        if (rc == CM_OK) {
            rc = cm_concordance_add(&c, "Cu", "metals", 1.0, &err);
        }
        if (rc == CM_OK) {
            rc = cm_concordance_add(&c, "Si", "minerals", 1.0, &err);
        }
        if (rc == CM_OK) {
            rc = cm_concordance_check_split(&c, 1e-12, &err);
        }
        if (rc == CM_OK) {
            rc = cm_concordance_map(&c, &s, "material", "group", CM_CONCORD_ERROR, &m, NULL,
                                    &err);
        }
        cm_test_fail_alloc_after(-1);
        if (rc == CM_OK) {
            succeeded = 1;
            /* 3 years x 4 products x 2 t x 0.5 kg/t per material = 12, 3 materials */
            ASSERT_NEAR(cm_array_sum_all(&m), 36.0, 1e-14, 0);
            assert_int_equal(m.shape[0], 2);
        } else {
            assert_int_equal(rc, CM_ENOMEM);
        }
        cm_concordance_destroy(&c);
        cm_array_destroy(&a);
        cm_array_destroy(&b);
        cm_array_destroy(&e);
        cm_array_destroy(&s);
        cm_array_destroy(&m);
        assert_int_equal(cm_alloc_outstanding(), base);
    }
    assert_true(succeeded);
    assert_true(iterations > 20); /* the sequence allocates many times: every one was failed */
}

/* The example of docs/arrays.md, with every call checked. */
static void test_doc_example(void **state)
{
    (void)state;
    static const char *const years[] = {"2021", "2022"};
    static const char *const products[] = {"turbine", "battery"};
    static const char *const materials[] = {"Nd", "Li", "Fe"};
    const char *in_names[] = {"time", "product"};
    size_t in_sizes[] = {2, 2};
    const char *const *in_codes[] = {years, products};
    const char *co_names[] = {"product", "material"};
    size_t co_sizes[] = {2, 3};
    const char *const *co_codes[] = {products, materials};
    cm_array_t imports = CM_ARRAY_NULL, comp = CM_ARRAY_NULL, flows = CM_ARRAY_NULL;
    cm_array_t groups = CM_ARRAY_NULL;
    cm_concordance_t c = {0};
    cm_error_info_t err = {0};

    CHECK_OK(cm_array_init(&imports, 2, in_names, in_sizes, in_codes, "t", &err), &err);
    CHECK_OK(cm_array_init(&comp, 2, co_names, co_sizes, co_codes, "kg/t", &err), &err);
    const char *at[] = {"2021", "turbine"};
    CHECK_OK(cm_array_set(&imports, at, 1000.0, &err), &err);
    const char *nd[] = {"turbine", "Nd"};
    CHECK_OK(cm_array_set(&comp, nd, 0.6, &err), &err);
    const char *at2[] = {"2022", "battery"};
    CHECK_OK(cm_array_set(&imports, at2, 200.0, &err), &err);
    const char *li[] = {"battery", "Li"};
    CHECK_OK(cm_array_set(&comp, li, 20.0, &err), &err);
    const char *fe[] = {"battery", "Fe"};
    CHECK_OK(cm_array_set(&comp, fe, 100.0, &err), &err);
    CHECK_OK(cm_array_einsum("time,product * product,material -> time,material", &imports,
                             &comp, &flows, &err),
             &err);
    assert_string_equal(flows.unit, "t*kg/t");
    CHECK_OK(cm_array_scale(&flows, 1e-3, "t", &err), &err);
    const char *q[] = {"2021", "Nd"};
    double v = 0;
    CHECK_OK(cm_array_get(&flows, q, &v, &err), &err);
    ASSERT_NEAR(v, 0.6, 1e-14, 0);
    assert_int_equal(cm_concordance_init(&c, "crm"), CM_OK);
    CHECK_OK(cm_concordance_add(&c, "Nd", "critical", 1.0, &err), &err);
    CHECK_OK(cm_concordance_add(&c, "Li", "critical", 1.0, &err), &err);
    CHECK_OK(cm_concordance_add(&c, "Fe", "other", 1.0, &err), &err);
    CHECK_OK(cm_concordance_map(&c, &flows, "material", "group", CM_CONCORD_ERROR, &groups, NULL,
                                &err),
             &err);
    assert_string_equal(cm_dim_code(groups.dim[1], 0), "critical");
    const char *g1[] = {"2022", "critical"}, *g2[] = {"2022", "other"};
    CHECK_OK(cm_array_get(&groups, g1, &v, &err), &err);
    ASSERT_NEAR(v, 4.0, 1e-14, 0); /* 200 t x 20 kg/t */
    CHECK_OK(cm_array_get(&groups, g2, &v, &err), &err);
    ASSERT_NEAR(v, 20.0, 1e-14, 0);
    ASSERT_NEAR(cm_array_sum_all(&groups), cm_array_sum_all(&flows), 1e-14, 0);
    ASSERT_NEAR(cm_array_sum_all(&groups), 24.6, 1e-14, 0);
    cm_concordance_destroy(&c);
    cm_array_destroy(&imports);
    cm_array_destroy(&comp);
    cm_array_destroy(&flows);
    cm_array_destroy(&groups);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CM_TEST(test_build_and_check_split),
        CM_TEST(test_map_split_and_aggregate),
        CM_TEST(test_missing_policies),
        CM_TEST(test_mass_preserved_random),
        CM_TEST(test_alloc_failure_loop),
        CM_TEST(test_doc_example),
    };
    return CM_RUN_TESTS(tests);
}

/* MRIO systems: construction (cm_mrio_init, cm_mrio_add_ext), layout of the tables as pymrio
 * matrices, errors and allocation failures. */
#include <string.h>

#include "cm_test.h"
#include "cambium/cm_alloc.h"
#include "cambium/cm_mrio.h"

static const char *const REG[] = {"reg1", "reg2", "reg3"};
static const char *const SEC[] = {"food", "mining"};
static const char *const CAT[] = {"households", "government"};

static void test_init_layout(void **state)
{
    (void)state;
    cm_mrio_t m;
    cm_error_info_t err;
    cm_matrix_view_t v;
    memset(&m, 0, sizeof m);
    CHECK_OK(cm_mrio_init(&m, 3, REG, 2, SEC, 2, CAT, &err), &err);
    assert_int_equal(m.Z.size, 36);
    assert_int_equal(m.Y.size, 6 * 6);
    assert_int_equal(m.x.size, 6);
    /* pymrio row r*n + s is element s + n*r: (reg2, mining) is row 3 */
    CHECK_OK(cm_array_view_rows(&m.Z, 2, &v, &err), &err);
    assert_int_equal(v.nrow, 6);
    assert_int_equal(v.ncol, 6);
    const char *at[] = {"mining", "reg2", "food", "reg3"};
    CHECK_OK(cm_array_set(&m.Z, at, 7.5, &err), &err);
    assert_true(v.data[3 + 6 * 4] == 7.5);
    /* Y columns (region, category) with the category fastest */
    CHECK_OK(cm_array_view_rows(&m.Y, 2, &v, &err), &err);
    assert_int_equal(v.ncol, 6);
    const char *aty[] = {"food", "reg1", "government", "reg3"};
    CHECK_OK(cm_array_set(&m.Y, aty, -2.0, &err), &err);
    assert_true(v.data[0 + 6 * (1 + 2 * 2)] == -2.0);
    /* an extension with two index columns; F is s x N, F_Y s x (R c) */
    const char *idx[] = {"stressor", "compartment"};
    const char *lab[] = {"CO2", "air", "N", "water"};
    const char *units[] = {"kg", "kg"};
    cm_mrio_ext_t *e = NULL;
    CHECK_OK(cm_mrio_add_ext(&m, "emissions", 2, idx, 2, lab, units, 1, &e, &err), &err);
    assert_non_null(e);
    assert_int_equal(m.n_ext, 1);
    assert_string_equal(e->labels[2], "N");
    assert_string_equal(cm_dim_code(e->F.dim[0], 1), "N | water");
    CHECK_OK(cm_array_view_rows(&e->F, 1, &v, &err), &err);
    assert_int_equal(v.nrow, 2);
    assert_int_equal(v.ncol, 6);
    CHECK_OK(cm_array_view_rows(&e->F_Y, 1, &v, &err), &err);
    assert_int_equal(v.ncol, 6);
    /* without F_Y: empty */
    const char *lab2[] = {"value added"};
    CHECK_OK(cm_mrio_add_ext(&m, "factor_inputs", 1, idx, 1, lab2, units, 0, &e, &err), &err);
    assert_null(e->F_Y.data);
    assert_int_equal(m.n_ext, 2);
    /* errors: a second extension of the same name, duplicate stressor rows */
    CHECK_ERROR(cm_mrio_add_ext(&m, "emissions", 1, idx, 1, lab2, units, 0, NULL, &err), CM_EINVAL);
    const char *dup[] = {"CO2", "air", "CO2", "air"};
    CHECK_ERROR(cm_mrio_add_ext(&m, "dups", 2, idx, 2, dup, units, 0, NULL, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "dups"));
    assert_int_equal(m.n_ext, 2); /* the failed ones are not kept */
    cm_mrio_destroy(&m);
    cm_mrio_destroy(&m); /* twice is safe */
}

static void test_init_errors(void **state)
{
    (void)state;
    cm_mrio_t m;
    cm_error_info_t err;
    memset(&m, 0, sizeof m);
    CHECK_ERROR(cm_mrio_init(&m, 0, REG, 2, SEC, 2, CAT, &err), CM_EINVAL);
    const char *dupreg[] = {"reg1", "reg1"};
    CHECK_ERROR(cm_mrio_init(&m, 2, dupreg, 2, SEC, 2, CAT, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "reg1"));
    CHECK_ERROR(cm_mrio_init(NULL, 2, REG, 2, SEC, 2, CAT, &err), CM_EINVAL);
    const char *idx[] = {"stressor"}, *lab[] = {"x"}, *units[] = {"kg"};
    CHECK_ERROR(cm_mrio_add_ext(&m, "e", 1, idx, 1, lab, units, 0, NULL, &err), CM_EINVAL);
}

static void test_alloc_failures(void **state)
{
    (void)state;
    int done = 0;
    for (long n = 0; n < 500 && !done; n++) {
        cm_mrio_t m;
        cm_error_info_t err;
        memset(&m, 0, sizeof m);
        const char *idx[] = {"stressor", "compartment"};
        const char *lab[] = {"CO2", "air", "N", "water"};
        const char *units[] = {"kg", "kg"};
        cm_test_fail_alloc_after(n);
        cm_error_t rc = cm_mrio_init(&m, 3, REG, 2, SEC, 2, CAT, &err);
        if (rc == CM_OK) {
            rc = cm_mrio_add_ext(&m, "emissions", 2, idx, 2, lab, units, 1, NULL, &err);
        }
        cm_test_fail_alloc_after(-1);
        if (rc == CM_OK) {
            done = 1;
            assert_int_equal(m.n_ext, 1);
        } else {
            assert_int_equal(rc, CM_ENOMEM);
        }
        cm_mrio_destroy(&m);
    }
    assert_true(done);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CM_TEST(test_init_layout),
        CM_TEST(test_init_errors),
        CM_TEST(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Threshold sensitivity of the critical set (cm_crit_sensitivity) on a hand-checkable input. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cm_test.h"
#include "cambium/cm_crit.h"
#include "cambium/cm_crit_mc.h"
#include "cambium/cm_rng.h"

/* Material with one global extraction share of a country whose scaled WGI is the wanted SR
 * (GS only, EoL 0, SI 1: SR = WGI), one end use with value added 100 * EI (va_max 1000). */
static void add_material(cm_crit_inputs_t *in, cm_crit_wgi_t *wgi, const char *code,
                         const char *country, double sr, double ei, unsigned flags)
{
    cm_error_info_t err;
    size_t idx = 0;
    CHECK_OK(cm_crit_inputs_add(in, code, NULL, &idx, &err), &err);
    cm_crit_material_t *m = &in->materials[idx];
    m->flags = flags;
    CHECK_OK(cm_crit_material_add_share(m, CM_CRIT_EXTRACTION, CM_CRIT_GLOBAL, country, 1.0, 1.0, 0,
                                        &err),
             &err);
    CHECK_OK(cm_crit_material_add_enduse(m, "use", "C25", 1.0, 100.0 * ei, 0, &err), &err);
    CHECK_OK(cm_crit_wgi_set(wgi, country, 2.5 - sr / 2.0, 0.1, 6, &err), &err);
}

typedef struct fixture_t {
    cm_crit_inputs_t in;
    cm_crit_wgi_t wgi;
    cm_crit_results_t res;
    cm_crit_options_t opt;
} fixture_t;

static void fixture_init(fixture_t *f, int round_decision)
{
    cm_error_info_t err;
    memset(f, 0, sizeof *f);
    add_material(&f->in, &f->wgi, "a", "AAA", 0.9, 3.0, 0);
    add_material(&f->in, &f->wgi, "b", "BBB", 1.05, 2.5, 0);
    add_material(&f->in, &f->wgi, "c", "CCC", 1.3, 3.5, 0);
    add_material(&f->in, &f->wgi, "d", "DDD", 2.0, 5.0, CM_CRIT_MAT_GROUP);
    cm_crit_options_default(&f->opt);
    f->opt.va_max = 1000.0;
    f->opt.round_decision = round_decision;
    CHECK_OK(cm_crit_bind(&f->in, &f->wgi, &f->opt, &err), &err);
    CHECK_OK(cm_crit_compute(&f->in, &f->wgi, &f->opt, &f->res, &err), &err);
}

static void fixture_destroy(fixture_t *f)
{
    cm_crit_results_destroy(&f->res);
    cm_crit_wgi_destroy(&f->wgi);
    cm_crit_inputs_destroy(&f->in);
}

static size_t cell(const cm_crit_sens_t *s, double sr, double ei)
{
    for (size_t i = 0; i < s->n_sr; i++) {
        for (size_t j = 0; j < s->n_ei; j++) {
            if (fabs(s->sr[i] - sr) < 1e-12 && fabs(s->ei[j] - ei) < 1e-12) {
                return i * s->n_ei + j;
            }
        }
    }
    fail_msg("no cell SR %g EI %g", sr, ei);
    return 0;
}

static void test_counts_by_hand(void **state)
{
    (void)state;
    fixture_t f;
    fixture_init(&f, 1);
    cm_error_info_t err;
    cm_crit_sens_t s;
    memset(&s, 0, sizeof s);
    cm_crit_axis_t sr = {0.8, 1.2, 0.1}, ei = {2.4, 3.2, 0.1};
    CHECK_OK(cm_crit_sensitivity(&f.in, &f.res, &f.opt, &sr, &ei, &s, &err), &err);
    assert_int_equal(s.n_sr, 5);
    assert_int_equal(s.n_ei, 9);
    /* snapped axis values print as written */
    assert_true(s.sr[3] == 1.1);
    assert_true(s.ei[4] == 2.8);
    /* a: SR 0.9, EI 3.0 -> 2 x 7 cells; b: SR 1.05 (1.1 rounded), EI 2.5 -> 4 x 2; c: all 45 */
    assert_int_equal(s.cells[0], 14);
    assert_int_equal(s.cells[1], 8);
    assert_int_equal(s.cells[2], 45);
    assert_int_equal(s.cells[3], 45);                 /* the group has a class ... */
    assert_int_equal(s.count[cell(&s, 0.8, 2.4)], 3); /* ... but is not counted */
    assert_int_equal(s.count[cell(&s, 1.0, 2.8)], 1);
    assert_int_equal(s.count[cell(&s, 1.1, 2.5)], 2);
    assert_int_equal(s.count[cell(&s, 1.2, 2.5)], 1);
    assert_int_equal(s.count[cell(&s, 0.9, 3.0)], 2);
    assert_int_equal(s.count[cell(&s, 0.9, 3.1)], 1);
    assert_int_equal(s.n_dependent, 2);
    assert_int_equal(s.dependent[0], 1);
    assert_int_equal(s.dependent[1], 1);
    assert_int_equal(s.dependent[2], 0);
    assert_int_equal(s.dependent[3], 0);
    /* the default thresholds' cell agrees with the class computed by cm_crit_compute */
    size_t c0 = cell(&s, 1.0, 2.8), ncell = s.n_sr * s.n_ei;
    for (size_t m = 0; m < f.in.n; m++) {
        assert_int_equal(s.critical[m * ncell + c0], f.res.items[m].critical != 0);
    }
    cm_crit_sens_destroy(&s);
    cm_crit_sens_destroy(&s); /* twice is safe */
    fixture_destroy(&f);
}

/* Undetermined cells: a material without end uses (SR 2) is undetermined wherever its SR
 * passes; one with 40 % of its end uses without a sector (EI range [1.8, 5.8]) is critical
 * nowhere and undetermined everywhere on the default grid; neither is counted. */
static void test_undetermined(void **state)
{
    (void)state;
    fixture_t f;
    memset(&f, 0, sizeof f);
    cm_error_info_t err;
    add_material(&f.in, &f.wgi, "c", "CCC", 1.3, 3.5, 0);
    size_t idx = 0;
    CHECK_OK(cm_crit_inputs_add(&f.in, "noeu", NULL, &idx, &err), &err);
    CHECK_OK(cm_crit_material_add_share(&f.in.materials[idx], CM_CRIT_EXTRACTION, CM_CRIT_GLOBAL,
                                        "CCC", 1.0, 1.0, 0, &err),
             &err);
    CHECK_OK(cm_crit_inputs_add(&f.in, "other", NULL, &idx, &err), &err);
    cm_crit_material_t *o = &f.in.materials[idx];
    CHECK_OK(cm_crit_material_add_share(o, CM_CRIT_EXTRACTION, CM_CRIT_GLOBAL, "CCC", 1.0, 1.0, 0,
                                        &err),
             &err);
    CHECK_OK(cm_crit_material_add_enduse(o, "use", "C25", 0.6, 300.0, 0, &err), &err);
    CHECK_OK(cm_crit_material_add_enduse(o, "Other", "", 0.4, NAN, 0, &err), &err);
    cm_crit_options_default(&f.opt);
    f.opt.va_max = 1000.0;
    CHECK_OK(cm_crit_bind(&f.in, &f.wgi, &f.opt, &err), &err);
    CHECK_OK(cm_crit_compute(&f.in, &f.wgi, &f.opt, &f.res, &err), &err);
    ASSERT_NEAR(f.res.items[2].ei_low, 1.8, 1e-12, 0);
    ASSERT_NEAR(f.res.items[2].ei_high, 5.8, 1e-12, 0);
    cm_crit_sens_t s;
    memset(&s, 0, sizeof s);
    cm_crit_axis_t sr = {0.8, 1.2, 0.1}, ei = {2.4, 3.2, 0.1};
    CHECK_OK(cm_crit_sensitivity(&f.in, &f.res, &f.opt, &sr, &ei, &s, &err), &err);
    size_t ncell = s.n_sr * s.n_ei;
    assert_int_equal(s.undetermined[0], 0);
    assert_int_equal(s.undetermined[1], ncell);
    assert_int_equal(s.undetermined[2], ncell);
    assert_int_equal(s.cells[1], 0);
    assert_int_equal(s.cells[2], 0);
    assert_int_equal(s.n_undetermined, 2);
    /* only c is counted anywhere; cells + undetermined never exceed the grid */
    for (size_t c = 0; c < ncell; c++) {
        assert_true(s.count[c] <= 1);
    }
    for (size_t m = 0; m < s.n_materials; m++) {
        assert_true(s.cells[m] + s.undetermined[m] <= ncell);
    }
    /* SR 1.3 is below no threshold here; with thresholds above 1.3 nothing is undetermined */
    cm_crit_axis_t sr_hi = {1.4, 1.6, 0.1};
    CHECK_OK(cm_crit_sensitivity(&f.in, &f.res, &f.opt, &sr_hi, &ei, &s, &err), &err);
    assert_int_equal(s.n_undetermined, 0);
    cm_crit_sens_destroy(&s);
    fixture_destroy(&f);
}

static void test_raw_decision(void **state)
{
    (void)state;
    fixture_t f;
    fixture_init(&f, 0);
    cm_error_info_t err;
    cm_crit_sens_t s;
    memset(&s, 0, sizeof s);
    cm_crit_axis_t sr = {0.8, 1.2, 0.1}, ei = {2.4, 3.2, 0.1};
    CHECK_OK(cm_crit_sensitivity(&f.in, &f.res, &f.opt, &sr, &ei, &s, &err), &err);
    assert_int_equal(s.cells[1], 6); /* b: SR 1.05 below 1.1 when not rounded */
    assert_int_equal(s.count[cell(&s, 1.1, 2.5)], 1);
    cm_crit_sens_destroy(&s);
    fixture_destroy(&f);
}

/* Raising either threshold never adds a critical material (random inputs, fine grid). */
static void test_monotone(void **state)
{
    (void)state;
    cm_error_info_t err;
    cm_crit_inputs_t in;
    cm_crit_wgi_t wgi;
    cm_crit_results_t res;
    cm_crit_sens_t s;
    memset(&in, 0, sizeof in);
    memset(&wgi, 0, sizeof wgi);
    memset(&res, 0, sizeof res);
    memset(&s, 0, sizeof s);
    cm_rng_t rng;
    cm_rng_seed(&rng, 7);
    for (int k = 0; k < 40; k++) {
        char code[16], country[16];
        snprintf(code, sizeof code, "m%d", k);
        snprintf(country, sizeof country, "C%02d", k);
        add_material(&in, &wgi, code, country, 0.5 + cm_rng_double(&rng),
                     2.0 + 2.0 * cm_rng_double(&rng), 0);
    }
    for (int round = 0; round < 2; round++) {
        cm_crit_options_t opt;
        cm_crit_options_default(&opt);
        opt.va_max = 1000.0;
        opt.round_decision = round;
        CHECK_OK(cm_crit_bind(&in, &wgi, &opt, &err), &err);
        CHECK_OK(cm_crit_compute(&in, &wgi, &opt, &res, &err), &err);
        cm_crit_axis_t sr = {0.5, 1.5, 0.05}, ei = {2.0, 4.0, 0.05};
        CHECK_OK(cm_crit_sensitivity(&in, &res, &opt, &sr, &ei, &s, &err), &err);
        assert_int_equal(s.n_sr, 21);
        assert_int_equal(s.n_ei, 41);
        size_t ncell = s.n_sr * s.n_ei, dep = 0;
        for (size_t m = 0; m < s.n_materials; m++) {
            const unsigned char *row = s.critical + m * ncell;
            for (size_t i = 0; i < s.n_sr; i++) {
                for (size_t j = 0; j < s.n_ei; j++) {
                    if (i + 1 < s.n_sr) {
                        assert_true(row[(i + 1) * s.n_ei + j] <= row[i * s.n_ei + j]);
                    }
                    if (j + 1 < s.n_ei) {
                        assert_true(row[i * s.n_ei + j + 1] <= row[i * s.n_ei + j]);
                    }
                }
            }
            dep += s.dependent[m];
        }
        assert_int_equal(dep, s.n_dependent);
        assert_true(s.n_dependent > 0);
        size_t total = 0;
        for (size_t c = 0; c < ncell; c++) {
            total += s.count[c];
        }
        size_t cells = 0;
        for (size_t m = 0; m < s.n_materials; m++) {
            cells += s.cells[m];
        }
        assert_int_equal(total, cells); /* no groups: every critical cell is counted once */
    }
    cm_crit_sens_destroy(&s);
    cm_crit_results_destroy(&res);
    cm_crit_wgi_destroy(&wgi);
    cm_crit_inputs_destroy(&in);
}

static void test_errors(void **state)
{
    (void)state;
    fixture_t f;
    fixture_init(&f, 1);
    cm_crit_sens_t s;
    memset(&s, 0, sizeof s);
    size_t n = 0;
    cm_crit_axis_t ok = {0.8, 1.2, 0.1};
    cm_crit_axis_t zero_step = {0.8, 1.2, 0.0}, back = {1.2, 0.8, 0.1}, nan_ax = {NAN, 1, 0.1};
    cm_crit_axis_t huge = {0.0, 1000.0, 0.01};
    CHECK_ERROR(cm_crit_axis_count(&zero_step, &n, NULL), CM_EINVAL);
    CHECK_ERROR(cm_crit_axis_count(&back, &n, NULL), CM_EINVAL);
    CHECK_ERROR(cm_crit_axis_count(&nan_ax, &n, NULL), CM_EINVAL);
    CHECK_ERROR(cm_crit_axis_count(&huge, &n, NULL), CM_EINVAL);
    CHECK_ERROR(cm_crit_axis_count(NULL, &n, NULL), CM_EINVAL);
    cm_crit_axis_t one = {1.0, 1.0, 0.1};
    CHECK_OK(cm_crit_axis_count(&one, &n, NULL), NULL);
    assert_int_equal(n, 1);
    CHECK_ERROR(cm_crit_sensitivity(NULL, &f.res, &f.opt, &ok, &ok, &s, NULL), CM_EINVAL);
    CHECK_ERROR(cm_crit_sensitivity(&f.in, &f.res, &f.opt, &zero_step, &ok, &s, NULL), CM_EINVAL);
    f.res.n--;
    CHECK_ERROR(cm_crit_sensitivity(&f.in, &f.res, &f.opt, &ok, &ok, &s, NULL), CM_EINVAL);
    f.res.n++;
    /* allocation failures: every one reported, nothing left behind */
    cm_crit_axis_t ei = {2.4, 3.2, 0.1};
    int done = 0;
    for (long k = 0; !done && k < 50; k++) {
        cm_test_fail_alloc_after(k);
        cm_error_t rc = cm_crit_sensitivity(&f.in, &f.res, &f.opt, &ok, &ei, &s, NULL);
        cm_test_fail_alloc_after(-1);
        if (rc == CM_OK) {
            done = 1;
            assert_int_equal(s.n_sr * s.n_ei, 45);
        } else {
            assert_int_equal(rc, CM_ENOMEM);
            assert_null(s.count);
        }
        cm_crit_sens_destroy(&s);
    }
    assert_true(done);
    fixture_destroy(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CM_TEST(test_counts_by_hand),
        CM_TEST(test_raw_decision),
        CM_TEST(test_undetermined),
        CM_TEST(test_monotone),
        CM_TEST(test_errors),
    };
    return CM_RUN_TESTS(tests);
}

/* Monte Carlo of the criticality method: reproducibility, degenerate distributions,
 * Dirichlet sanity, a designed probability, the distributions file and its errors,
 * allocation failures. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cm_test.h"
#include "crit/crit_mc_internal.h"
#include "cambium/cm_crit.h"
#include "cambium/cm_crit_mc.h"
#include "cambium/cm_rng.h"

typedef struct fixture_t {
    cm_crit_inputs_t in;
    cm_crit_wgi_t wgi;
    cm_crit_options_t opt;
} fixture_t;

/* Three materials over four countries, with blends, IR, EoL, SI and end uses. */
static void fixture_init(fixture_t *f)
{
    cm_error_info_t err;
    memset(f, 0, sizeof *f);
    cm_crit_options_default(&f->opt);
    CHECK_OK(cm_crit_wgi_set(&f->wgi, "AAA", -0.5, 0.2, 6, &err), &err); /* scaled 6 */
    CHECK_OK(cm_crit_wgi_set(&f->wgi, "BBB", 1.5, 0.1, 6, &err), &err);  /* scaled 2 */
    CHECK_OK(cm_crit_wgi_set(&f->wgi, "CCC", 0.5, 0.15, 6, &err), &err); /* scaled 4 */
    CHECK_OK(cm_crit_wgi_set(&f->wgi, "DDD", 2.0, 0.1, 6, &err), &err);  /* scaled 1 */
    static const char *const codes[] = {"alpha", "beta", "gamma"};
    static const double gs[3][4] = {
        {0.6, 0.2, 0.15, 0.05}, {0.3, 0.3, 0.3, 0.1}, {0.9, 0.05, 0.04, 0.01}};
    static const double src[3][3] = {{0.5, 0.3, 0.2}, {0.2, 0.5, 0.3}, {0.7, 0.2, 0.1}};
    static const char *const ctry[4] = {"AAA", "BBB", "CCC", "DDD"};
    for (int i = 0; i < 3; i++) {
        size_t idx = 0;
        CHECK_OK(cm_crit_inputs_add(&f->in, codes[i], NULL, &idx, &err), &err);
        cm_crit_material_t *m = &f->in.materials[idx];
        for (int k = 0; k < 4; k++) {
            CHECK_OK(cm_crit_material_add_share(m, CM_CRIT_EXTRACTION, CM_CRIT_GLOBAL, ctry[k],
                                                gs[i][k], 1.0, 0, &err),
                     &err);
        }
        for (int k = 0; k < 3; k++) {
            CHECK_OK(cm_crit_material_add_share(m, CM_CRIT_EXTRACTION, CM_CRIT_SOURCING,
                                                ctry[k + 1 - (k == 0)], src[i][k], 1.1, 0, &err),
                     &err);
            CHECK_OK(cm_crit_material_add_share(m, CM_CRIT_PROCESSING, CM_CRIT_GLOBAL, ctry[k],
                                                src[i][2 - k], 1.0, 0, &err),
                     &err);
        }
        m->import_reliance[CM_CRIT_EXTRACTION] = 0.4 + 0.2 * i;
        m->eol_rir = 0.05 * i;
        m->si_sr = 0.9;
        m->si_ei = 0.95;
        CHECK_OK(cm_crit_material_add_enduse(m, "x", "C25", 0.6, 100000.0, 0, &err), &err);
        CHECK_OK(cm_crit_material_add_enduse(m, "y", "C29", 0.4, 50000.0 + 60000.0 * i, 0, &err),
                 &err);
    }
    f->opt.va_max = NAN;
    CHECK_OK(cm_crit_bind(&f->in, &f->wgi, &f->opt, &err), &err);
}

static void fixture_destroy(fixture_t *f)
{
    cm_crit_wgi_destroy(&f->wgi);
    cm_crit_inputs_destroy(&f->in);
}

static void run(fixture_t *f, const cm_crit_mc_dists_t *d, size_t draws, uint64_t seed, int threads,
                cm_crit_mc_result_t *out)
{
    cm_error_info_t err;
    cm_crit_mc_options_t o;
    cm_crit_mc_options_default(&o);
    o.draws = draws;
    o.seed = seed;
    o.threads = threads;
    CHECK_OK(cm_crit_mc_run(&f->in, &f->wgi, &f->opt, d, &o, out, &err), &err);
}

static int same_items(const cm_crit_mc_result_t *a, const cm_crit_mc_result_t *b)
{
    return a->n == b->n && memcmp(a->items, b->items, a->n * sizeof *a->items) == 0;
}

static void test_reproducible(void **state)
{
    (void)state;
    fixture_t f;
    fixture_init(&f);
    cm_crit_mc_dists_t d;
    cm_crit_mc_dists_default(&d);
    d.d[CM_CRIT_MC_VA].kind = CM_CRIT_MC_TRIANGULAR;
    cm_crit_mc_result_t a, b, c, t2;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    memset(&c, 0, sizeof c);
    memset(&t2, 0, sizeof t2);
    run(&f, &d, 3000, 42, 1, &a);
    run(&f, &d, 3000, 42, 1, &b);
    run(&f, &d, 3000, 43, 1, &c);
    run(&f, &d, 3000, 42, 2, &t2);
    assert_int_equal(a.n, 3);
    assert_int_equal(a.draws, 3000);
    assert_true(same_items(&a, &b));  /* same seed: bit-identical */
    assert_true(same_items(&a, &t2)); /* two threads: the same blocks, the same result */
    assert_false(same_items(&a, &c)); /* another seed: other draws */
    for (size_t i = 0; i < a.n; i++) {
        assert_true(a.items[i].sr.mean != c.items[i].sr.mean);
        assert_int_equal(a.items[i].sr.n, 3000);
        assert_true(a.items[i].sr.p5 <= a.items[i].sr.p50);
        assert_true(a.items[i].sr.p50 <= a.items[i].sr.p95);
        assert_true(a.items[i].sr.min <= a.items[i].sr.p5);
        assert_true(a.items[i].sr.p95 <= a.items[i].sr.max);
        assert_true(a.items[i].sr.sd > 0.0);
        /* the mean stays near the deterministic value (spreads are symmetric) */
        ASSERT_NEAR(a.items[i].sr.mean, a.items[i].sr_base, 0.1, 0.0);
        ASSERT_NEAR(a.items[i].ei.mean, a.items[i].ei_base, 0.1, 0.0);
    }
    cm_crit_mc_destroy(&a);
    cm_crit_mc_destroy(&b);
    cm_crit_mc_destroy(&c);
    cm_crit_mc_destroy(&t2);
    cm_crit_mc_destroy(&t2);
    fixture_destroy(&f);
}

/* Zero spread: every draw is the deterministic assessment. */
static void test_degenerate(void **state)
{
    (void)state;
    fixture_t f;
    fixture_init(&f);
    cm_crit_results_t det;
    memset(&det, 0, sizeof det);
    cm_error_info_t err;
    for (int variant = 0; variant < 2; variant++) {
        cm_crit_mc_dists_t d;
        cm_crit_mc_dists_default(&d);
        if (variant == 0) {
            for (int k = 0; k < CM_CRIT_MC_NINPUTS; k++) {
                d.d[k].kind = CM_CRIT_MC_NONE;
            }
        } else { /* kinds kept, spreads zero */
            d.d[CM_CRIT_MC_WGI].sd_scale = 0.0;
            d.d[CM_CRIT_MC_SHARES].kind = CM_CRIT_MC_NONE;
            for (int k = CM_CRIT_MC_IR; k < CM_CRIT_MC_NINPUTS; k++) {
                d.d[k].kind = CM_CRIT_MC_NORMAL;
                d.d[k].relative = 0.0;
            }
        }
        for (int thr = 0; thr < 2; thr++) {
            f.opt.sr_threshold = thr ? 1.0 : 10.0; /* all critical / none critical */
            CHECK_OK(cm_crit_compute(&f.in, &f.wgi, &f.opt, &det, &err), &err);
            cm_crit_mc_result_t r;
            memset(&r, 0, sizeof r);
            run(&f, &d, 1500, 5, 1, &r);
            for (size_t i = 0; i < r.n; i++) {
                const cm_crit_mc_material_t *m = &r.items[i];
                assert_true(m->p_critical == (det.items[i].critical ? 1.0 : 0.0));
                assert_int_equal(m->critical_base, det.items[i].critical);
                ASSERT_NEAR(m->sr.p5, det.items[i].sr, 1e-12, 1e-12);
                ASSERT_NEAR(m->sr.p50, det.items[i].sr, 1e-12, 1e-12);
                ASSERT_NEAR(m->sr.p95, det.items[i].sr, 1e-12, 1e-12);
                ASSERT_NEAR(m->sr.mean, det.items[i].sr, 1e-12, 1e-12);
                ASSERT_NEAR(m->ei.p50, det.items[i].ei, 1e-12, 1e-12);
                ASSERT_NEAR(m->ei.mean, det.items[i].ei, 1e-12, 1e-12);
                ASSERT_NEAR(m->sr.sd, 0.0, 0.0, 1e-9);
            }
            size_t crit = 0;
            for (size_t i = 0; i < r.n; i++) {
                crit += r.items[i].p_critical == 1.0;
            }
            assert_int_equal(crit, thr ? r.n : 0);
            cm_crit_mc_destroy(&r);
        }
    }
    cm_crit_results_destroy(&det);
    fixture_destroy(&f);
}

/* Each Dirichlet draw sums to the base sum (1 here), with mean shares near the base. */
static void test_dirichlet(void **state)
{
    (void)state;
    cm_error_info_t err;
    cm_crit_material_t m;
    memset(&m, 0, sizeof m);
    static const double base[6] = {0.5, 0.3, 0.15, 0.04, 0.008, 0.002};
    static const char *const c[6] = {"A", "B", "C", "D", "E", "F"};
    for (int k = 0; k < 6; k++) {
        CHECK_OK(cm_crit_material_add_share(&m, 0, 0, c[k], base[k], 1.0, 0, &err), &err);
    }
    cm_crit_supply_t work = m.supply[0][0];
    work.items = cm_malloc_array(6, sizeof *work.items);
    assert_non_null(work.items);
    memcpy(work.items, m.supply[0][0].items, 6 * sizeof *work.items);
    cm_rng_t rng;
    cm_rng_seed(&rng, 11);
    for (int lump = 0; lump < 2; lump++) {
        double mean[6] = {0}, sq0 = 0.0;
        const int n = 20000;
        for (int d = 0; d < n; d++) {
            CHECK_OK(
                cm_i_crit_mc_dirichlet(&rng, &m.supply[0][0], 100.0, lump ? 1.0 : 0.0, &work, &err),
                &err);
            double s = 0.0;
            for (int k = 0; k < 6; k++) {
                assert_true(work.items[k].share >= 0.0);
                s += work.items[k].share;
                mean[k] += work.items[k].share / n;
            }
            ASSERT_NEAR(s, 1.0, 1e-12, 0.0);
            sq0 += (work.items[0].share - base[0]) * (work.items[0].share - base[0]) / n;
        }
        /* variance of a Dirichlet share: p(1-p)/(c+1) (5 % relative: ~5 standard errors) */
        ASSERT_NEAR(sq0, base[0] * (1 - base[0]) / 101.0, 0.05, 0.0);
        for (int k = 0; k < 6; k++) {
            /* sd of a mean of n Dirichlet shares: sqrt(p(1-p)/(c+1)/n); 5 sd */
            double se = sqrt(base[k] * (1 - base[k]) / 101.0 / n);
            ASSERT_NEAR(mean[k], base[k], 0.0, 5.0 * se);
        }
    }
    cm_free(work.items);
    cm_free(m.supply[0][0].items);
    CHECK_ERROR(cm_i_crit_mc_dirichlet(NULL, &m.supply[0][0], 100, 1, &work, NULL), CM_EINVAL);
}

/* A designed case: SR = scaled WGI of one country ~ N(1.0, 0.1); critical iff rounded SR >= 1.0
 * (EI fixed far above its threshold), i.e. SR >= 0.95: P = 1 - Phi(-0.5) = 0.6915. */
static void test_probability(void **state)
{
    (void)state;
    cm_error_info_t err;
    fixture_t f;
    memset(&f, 0, sizeof f);
    cm_crit_options_default(&f.opt);
    size_t idx = 0;
    CHECK_OK(cm_crit_inputs_add(&f.in, "one", NULL, &idx, &err), &err);
    CHECK_OK(cm_crit_material_add_share(&f.in.materials[0], 0, 0, "XXX", 1.0, 1.0, 0, &err), &err);
    CHECK_OK(cm_crit_material_add_enduse(&f.in.materials[0], NULL, "C1", 1.0, 10.0, 0, &err), &err);
    CHECK_OK(cm_crit_wgi_set(&f.wgi, "XXX", 2.0, 0.05, 6, &err), &err); /* scaled 1, se 0.1 */
    CHECK_OK(cm_crit_bind(&f.in, &f.wgi, &f.opt, &err), &err);
    cm_crit_mc_dists_t d;
    cm_crit_mc_dists_default(&d);
    cm_crit_mc_result_t r;
    memset(&r, 0, sizeof r);
    const size_t n = 20000;
    run(&f, &d, n, 2024, 1, &r);
    double p = 0.691462461274013;
    double tol = 4.0 * sqrt(p * (1 - p) / (double)n);
    ASSERT_NEAR(r.items[0].p_critical, p, 0.0, tol);
    ASSERT_NEAR(r.items[0].p_sr, p, 0.0, tol);
    assert_true(r.items[0].p_ei == 1.0);
    /* quantiles of N(1, 0.1): 0.8355, 1, 1.1645 within the bin width and sampling error */
    ASSERT_NEAR(r.items[0].sr.p5, 1.0 - 0.1644853626951, 0.0, 0.01);
    ASSERT_NEAR(r.items[0].sr.p50, 1.0, 0.0, 0.01);
    ASSERT_NEAR(r.items[0].sr.p95, 1.0 + 0.1644853626951, 0.0, 0.01);
    ASSERT_NEAR(r.items[0].sr.sd, 0.1, 0.05, 0.0);
    ASSERT_NEAR(r.items[0].ei.p50, 10.0, 0.0, 1e-12); /* EI = 10 * 10 / 10, no spread */
    cm_crit_mc_destroy(&r);
    fixture_destroy(&f);
}

static cm_error_t read_text(const char *text, cm_crit_mc_dists_t *d, cm_error_info_t *err)
{
    cm_crit_mc_dists_default(d);
    return cm_crit_mc_dists_read_buffer(text, strlen(text), "u.ini", d, err);
}

static void expect_error(const char *text, cm_error_t code, int line, int column,
                         const char *fragment)
{
    cm_crit_mc_dists_t d;
    cm_error_info_t err;
    memset(&err, 0, sizeof err);
    CHECK_ERROR(read_text(text, &d, &err), code);
    assert_int_equal(err.line, line);
    assert_int_equal(err.column, column);
    assert_string_equal(err.file, "u.ini");
    if (strstr(err.message, fragment) == NULL) {
        fail_msg("message '%s' lacks '%s'", err.message, fragment);
    }
}

static void test_dists_file(void **state)
{
    (void)state;
    cm_error_info_t err;
    cm_crit_mc_dists_t def, d;
    cm_crit_mc_dists_default(&def);
    CHECK_OK(cm_crit_mc_dists_check(&def, &err), &err);
    /* the shipped file states the defaults */
    cm_crit_mc_dists_default(&d);
    for (int k = 0; k < CM_CRIT_MC_NINPUTS; k++) {
        d.d[k].kind = CM_CRIT_MC_NONE;
        if (k != CM_CRIT_MC_SHARES) {
            d.d[k].min = -5.0;
        }
        if (k >= CM_CRIT_MC_IR) {
            d.d[k].relative = 0.5;
        }
    }
    CHECK_OK(cm_crit_mc_dists_read(cm_test_source("data/crit/uncertainty.ini"), &d, &err), &err);
    for (int k = 0; k < CM_CRIT_MC_NINPUTS; k++) {
        const cm_crit_mc_dist_t *a = &d.d[k], *b = &def.d[k];
        assert_int_equal(a->kind, b->kind);
        assert_int_equal(a->sd_published, b->sd_published);
        assert_true((isnan(a->relative) && isnan(b->relative)) || a->relative == b->relative);
        assert_true(a->min == b->min && a->max == b->max);
        assert_true(a->concentration == b->concentration && a->lump_below == b->lump_below);
    }
    /* a section replaces only the keys it gives */
    CHECK_OK(read_text("[import_reliance]\ndistribution = normal\n[wgi]\nsd = 0.3\n"
                       "[value_added]\ndistribution = triangular\nabsolute = 5\nmax = none\n",
                       &d, &err),
             &err);
    assert_int_equal(d.d[CM_CRIT_MC_IR].kind, CM_CRIT_MC_NORMAL);
    assert_true(d.d[CM_CRIT_MC_IR].relative == 0.2);
    assert_int_equal(d.d[CM_CRIT_MC_WGI].sd_published, 0);
    assert_true(d.d[CM_CRIT_MC_WGI].absolute == 0.3);
    assert_true(isnan(d.d[CM_CRIT_MC_VA].relative));
    assert_true(d.d[CM_CRIT_MC_VA].absolute == 5.0);
    assert_true(isinf(d.d[CM_CRIT_MC_VA].max));
    /* errors name file:line:column */
    expect_error("[wgi]\nsd = -0.1\n", CM_EPARSE, 2, 6, "expected a number >= 0");
    expect_error("[shares]\nconcentration = 0\n", CM_EPARSE, 2, 17, "> 0");
    expect_error("# c\n[sharez]\n", CM_EPARSE, 2, 1, "unknown section [sharez]");
    expect_error("[eol_rir]\nrelativ = 0.1\n", CM_EPARSE, 2, 1, "relativ");
    expect_error("[si_sr]\ndistribution = dirichlet\n", CM_EPARSE, 2, 16, "dirichlet");
    expect_error("[shares]\ndistribution = normal\n", CM_EPARSE, 2, 16, "dirichlet or none");
    expect_error("[si_ei]\nmin = 0.5\nmax = 0.2\n", CM_EPARSE, 3, 7, "min <= max");
    expect_error("[si_ei]\nrelative = 0.1\nabsolute = 0.2\n", CM_EPARSE, 3, 1, "not both");
    expect_error("[si_ei]\nrelative = 0.1\nrelative = 0.2\n", CM_EPARSE, 3, 1, "twice");
    expect_error("[wgi x]\n", CM_EPARSE, 1, 1, "without a name");
    expect_error("[wgi]\nsd = abc\n", CM_EPARSE, 2, 6, "");
    /* on error the distributions are unchanged */
    cm_crit_mc_dists_default(&d);
    CHECK_ERROR(cm_crit_mc_dists_read_buffer("[ir]\n", 5, "u.ini", &d, NULL), CM_EPARSE);
    CHECK_ERROR(cm_crit_mc_dists_read_buffer("[import_reliance]\nrelative = 0.5\n[x]\n", 36,
                                             "u.ini", &d, NULL),
                CM_EPARSE);
    assert_true(d.d[CM_CRIT_MC_IR].relative == 0.2);
    CHECK_ERROR(cm_crit_mc_dists_read("/nonexistent/u.ini", &d, &err), CM_EFILE);
    CHECK_ERROR(cm_crit_mc_dists_read(NULL, &d, &err), CM_EINVAL);
    CHECK_ERROR(cm_crit_mc_dists_read_buffer(NULL, 0, "x", &d, &err), CM_EINVAL);
    /* checks of values set in code */
    d = def;
    d.d[CM_CRIT_MC_EOL].relative = -1;
    CHECK_ERROR(cm_crit_mc_dists_check(&d, &err), CM_EINVAL);
    d = def;
    d.d[CM_CRIT_MC_SHARES].kind = CM_CRIT_MC_UNIFORM;
    CHECK_ERROR(cm_crit_mc_dists_check(&d, &err), CM_EINVAL);
    d = def;
    d.d[CM_CRIT_MC_SI_SR].min = 2.0;
    CHECK_ERROR(cm_crit_mc_dists_check(&d, &err), CM_EINVAL);
    d = def;
    d.d[CM_CRIT_MC_WGI].sd_scale = -1.0;
    CHECK_ERROR(cm_crit_mc_dists_check(&d, &err), CM_EINVAL);
    assert_string_equal(cm_crit_mc_input_name(CM_CRIT_MC_EOL), "eol_rir");
    assert_string_equal(cm_crit_mc_input_name(CM_CRIT_MC_NINPUTS), "");
    assert_string_equal(cm_crit_mc_kind_name(CM_CRIT_MC_DIRICHLET), "dirichlet");
    assert_string_equal(cm_crit_mc_kind_name((cm_crit_mc_kind_t)99), "");
}

static void test_run_errors(void **state)
{
    (void)state;
    fixture_t f;
    fixture_init(&f);
    cm_crit_mc_dists_t d;
    cm_crit_mc_dists_default(&d);
    cm_crit_mc_options_t o;
    cm_crit_mc_options_default(&o);
    cm_crit_mc_result_t r;
    memset(&r, 0, sizeof r);
    CHECK_ERROR(cm_crit_mc_run(NULL, &f.wgi, &f.opt, &d, &o, &r, NULL), CM_EINVAL);
    o.draws = 0;
    CHECK_ERROR(cm_crit_mc_run(&f.in, &f.wgi, &f.opt, &d, &o, &r, NULL), CM_EINVAL);
    o.draws = 10;
    o.threads = 0;
    CHECK_ERROR(cm_crit_mc_run(&f.in, &f.wgi, &f.opt, &d, &o, &r, NULL), CM_EINVAL);
    o.threads = 1;
    d.d[CM_CRIT_MC_IR].relative = -0.5;
    CHECK_ERROR(cm_crit_mc_run(&f.in, &f.wgi, &f.opt, &d, &o, &r, NULL), CM_EINVAL);
    cm_crit_mc_dists_default(&d);
    f.in.materials[1].supply[0][0].items[0].wgi = CM_CRIT_WGI_UNBOUND;
    CHECK_ERROR(cm_crit_mc_run(&f.in, &f.wgi, &f.opt, &d, &o, &r, NULL), CM_EINVAL);
    f.in.materials[1].supply[0][0].items[0].wgi = 0;
    f.opt.va_max = NAN;
    /* allocation failures over a small run: each reported, nothing left behind */
    int done = 0;
    o.draws = 50;
    for (long k = 0; !done && k < 400; k++) {
        cm_test_fail_alloc_after(k);
        cm_error_t rc = cm_crit_mc_run(&f.in, &f.wgi, &f.opt, &d, &o, &r, NULL);
        cm_test_fail_alloc_after(-1);
        if (rc == CM_OK) {
            done = 1;
            assert_int_equal(r.n, 3);
        } else {
            assert_int_equal(rc, CM_ENOMEM);
            assert_null(r.items);
        }
        cm_crit_mc_destroy(&r);
    }
    assert_true(done);
    fixture_destroy(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CM_TEST(test_reproducible), CM_TEST(test_degenerate), CM_TEST(test_dirichlet),
        CM_TEST(test_probability),  CM_TEST(test_dists_file), CM_TEST(test_run_errors),
    };
    return CM_RUN_TESTS(tests);
}

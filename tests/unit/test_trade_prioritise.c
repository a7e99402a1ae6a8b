/* Recovery prioritisation (cm_trade.h, "Recovery prioritisation"): each normalisation by hand,
 * the missing-value policies, invariants of the ranking, weights that change the ranking as
 * stated, the settings file and its errors, compute errors, allocation failures. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cambium/cambium.h"
#include "cm_test.h"

/* A config of one criterion built in memory. */
static cm_prio_criterion_t crit1(const char *name, cm_prio_norm_t norm, int cost, double w,
                                 cm_prio_missing_t missing)
{
    cm_prio_criterion_t c;
    memset(&c, 0, sizeof c);
    snprintf(c.name, sizeof c.name, "%s", name);
    c.input = CM_PRIO_IN_CRIT;
    snprintf(c.column, sizeof c.column, "x");
    c.norm = norm;
    c.cost = cost;
    c.weight = w;
    c.missing = missing;
    c.threshold = c.target = NAN;
    c.log_offset = 1.0;
    return c;
}

static const cm_prio_row_t *row_of(const cm_prio_result_t *r, const char *m)
{
    for (size_t i = 0; i < r->n; i++) {
        if (strcmp(r->rows[i].material, m) == 0) {
            return &r->rows[i];
        }
    }
    fail_msg("material %s not in the result", m);
    return NULL;
}

/* Normalise values[] of materials m0, m1, ... with one criterion; check the norms. */
static void check_norm(cm_prio_criterion_t c, size_t n, const double *values,
                       const double *expected)
{
    static const char *const names[] = {"m0", "m1", "m2", "m3", "m4", "m5"};
    cm_prio_config_t cfg;
    cm_prio_result_t r;
    cm_error_info_t err;
    memset(&cfg, 0, sizeof cfg);
    memset(&r, 0, sizeof r);
    cfg.n = 1;
    cfg.items = &c;
    CHECK_OK(cm_prio_compute(&cfg, n, names, values, &r, &err), &err);
    for (size_t i = 0; i < n; i++) {
        const cm_prio_row_t *x = row_of(&r, names[i]);
        ASSERT_NEAR(x->norm[0], expected[i], 1e-12, 1e-12);
        ASSERT_NEAR(x->weight[0], c.weight, 1e-12, 0);
        ASSERT_NEAR(x->contrib[0], c.weight * expected[i], 1e-12, 1e-12);
        ASSERT_NEAR(x->score, c.weight * expected[i], 1e-12, 1e-12);
    }
    cm_prio_result_destroy(&r);
}

static void test_normalisations_by_hand(void **state)
{
    (void)state;
    const double v[3] = {1, 3, 5};
    /* minmax: (x - 1) / 4 */
    check_norm(crit1("a", CM_PRIO_NORM_MINMAX, 0, 2, 0), 3, v, (double[]){0, 0.5, 1});
    check_norm(crit1("a", CM_PRIO_NORM_MINMAX, 1, 2, 0), 3, v, (double[]){1, 0.5, 0});
    /* max: x / 8 */
    check_norm(crit1("a", CM_PRIO_NORM_MAX, 0, 1, 0), 3, (double[]){2, 4, 8},
               (double[]){0.25, 0.5, 1});
    check_norm(crit1("a", CM_PRIO_NORM_MAX, 1, 1, 0), 3, (double[]){2, 4, 8},
               (double[]){0.75, 0.5, 0});
    /* rank: (below + (equal - 1) / 2) / (N - 1) with N = 4: 10 -> 0, 20 (twice) -> 1.5/3, 40 -> 1
     */
    check_norm(crit1("a", CM_PRIO_NORM_RANK, 0, 1, 0), 4, (double[]){20, 10, 40, 20},
               (double[]){0.5, 0, 1, 0.5});
    /* log-minmax with offset 1: log10(9 + 1) = 1, 2, 3 -> 0, 0.5, 1 */
    check_norm(crit1("a", CM_PRIO_NORM_LOG_MINMAX, 0, 1, 0), 3, (double[]){99, 9, 999},
               (double[]){0.5, 0, 1});
    cm_prio_criterion_t lo = crit1("a", CM_PRIO_NORM_LOG_MINMAX, 0, 1, 0);
    lo.log_offset = 10; /* log10(x + 10): 90 -> 2, 990 -> 3, 9990 -> 4 */
    check_norm(lo, 3, (double[]){990, 9990, 90}, (double[]){0.5, 1, 0});
    /* target: threshold 10, target 30 */
    cm_prio_criterion_t t = crit1("a", CM_PRIO_NORM_TARGET, 0, 1, 0);
    t.threshold = 10;
    t.target = 30;
    check_norm(t, 5, (double[]){5, 10, 20, 30, 40}, (double[]){0, 0, 0.5, 1, 1});
    t.cost = 1;
    check_norm(t, 5, (double[]){5, 10, 20, 30, 40}, (double[]){1, 1, 0.5, 0, 0});
    /* threshold = target: a step */
    t.cost = 0;
    t.threshold = t.target = 20;
    check_norm(t, 3, (double[]){19.999, 20, 21}, (double[]){0, 1, 1});
    /* a range of zero width gives 1 */
    check_norm(crit1("a", CM_PRIO_NORM_MINMAX, 0, 1, 0), 2, (double[]){7, 7}, (double[]){1, 1});
    check_norm(crit1("a", CM_PRIO_NORM_MAX, 0, 1, 0), 2, (double[]){0, 0}, (double[]){1, 1});
    check_norm(crit1("a", CM_PRIO_NORM_RANK, 0, 1, 0), 1, (double[]){3}, (double[]){1});
}

/* Three materials, criteria A (weight 1) and B (weight 3): x (0, 0), y (10, 10), z (5, -). */
static void run_policy(cm_prio_missing_t policy, cm_prio_result_t *r)
{
    static const char *const names[] = {"x", "y", "z"};
    const double raw[] = {0, 0, 10, 10, 5, NAN};
    cm_prio_criterion_t c[2] = {crit1("A", CM_PRIO_NORM_MINMAX, 0, 1, 0),
                                crit1("B", CM_PRIO_NORM_MINMAX, 0, 3, policy)};
    cm_prio_config_t cfg = {.n = 2, .items = c};
    cm_error_info_t err;
    CHECK_OK(cm_prio_compute(&cfg, 3, names, raw, r, &err), &err);
}

static void test_missing_policies(void **state)
{
    (void)state;
    cm_prio_result_t r;
    memset(&r, 0, sizeof r);
    /* zero: z scores A only, B counts 0 with its weight */
    run_policy(CM_PRIO_MISSING_ZERO, &r);
    const cm_prio_row_t *z = row_of(&r, "z");
    ASSERT_NEAR(z->norm[0], 0.5, 1e-12, 0);
    ASSERT_NEAR(z->norm[1], 0.0, 0, 0);
    ASSERT_NEAR(z->weight[1], 3.0, 1e-12, 0);
    ASSERT_NEAR(z->score, 0.5, 1e-12, 0);
    assert_int_equal(z->missing[1], 1);
    assert_int_equal(z->n_missing, 1);
    assert_int_equal(z->rank, 2);
    assert_int_equal(r.n_ranked, 3);
    ASSERT_NEAR(row_of(&r, "y")->score, 4.0, 1e-12, 0);
    cm_prio_result_destroy(&r);
    /* exclude-criterion: A's weight scaled by 4 / 1 */
    run_policy(CM_PRIO_MISSING_EXCLUDE_CRITERION, &r);
    z = row_of(&r, "z");
    ASSERT_NEAR(z->weight[0], 4.0, 1e-12, 0);
    ASSERT_NEAR(z->weight[1], 0.0, 0, 0);
    assert_true(isnan(z->norm[1]));
    ASSERT_NEAR(z->score, 2.0, 1e-12, 0);
    assert_int_equal(z->rank, 2);
    cm_prio_result_destroy(&r);
    /* exclude-material: z not ranked, listed last */
    run_policy(CM_PRIO_MISSING_EXCLUDE_MATERIAL, &r);
    assert_int_equal(r.n_ranked, 2);
    assert_string_equal(r.rows[2].material, "z");
    assert_int_equal(r.rows[2].rank, 0);
    assert_int_equal((int)r.rows[2].excluded_by, 1);
    assert_true(isnan(r.rows[2].score));
    assert_string_equal(r.rows[0].material, "y");
    ASSERT_NEAR(r.rows[0].score, 4.0, 1e-12, 0);
    cm_prio_result_destroy(&r);

    /* exclude-material on a criterion of weight 0 does not exclude; a material with no value
     * for any weighted criterion is not ranked (-2) */
    static const char *const names[] = {"p", "q", "s"};
    const double raw[] = {1, NAN, 2, 5, NAN, 7};
    cm_prio_criterion_t c[2] = {crit1("A", CM_PRIO_NORM_MINMAX, 0, 1, 1),
                                crit1("B", CM_PRIO_NORM_MINMAX, 0, 0, 2)};
    cm_prio_config_t cfg = {.n = 2, .items = c};
    cm_error_info_t err;
    CHECK_OK(cm_prio_compute(&cfg, 3, names, raw, &r, &err), &err);
    assert_int_equal(r.n_ranked, 2);
    assert_int_equal(row_of(&r, "p")->rank, 2);
    assert_int_equal((int)row_of(&r, "s")->excluded_by, -2);
    assert_int_equal(row_of(&r, "s")->rank, 0);
    cm_prio_result_destroy(&r);
}

/* A deterministic spread of values (no RNG needed). */
static double val(size_t m, size_t c)
{
    double x = fmod((double)(m * 37 + c * 11) * 0.618033988749895, 1.0) * 1000.0;
    return ((m + 2 * c) % 7 == 3) ? NAN : x;
}

static void test_invariants(void **state)
{
    (void)state;
    enum { NM = 23, NC = 5 };
    char names[NM][8];
    const char *p[NM];
    double raw[NM * NC];
    for (size_t m = 0; m < NM; m++) {
        snprintf(names[m], sizeof names[m], "m%02zu", (NM - m) % NM);
        p[m] = names[m];
        for (size_t c = 0; c < NC; c++) {
            raw[m * NC + c] = val(m, c);
        }
    }
    raw[4 * NC + 0] = raw[9 * NC + 0]; /* a tie in a rank criterion */
    cm_prio_criterion_t c[NC] = {
        crit1("a", CM_PRIO_NORM_MINMAX, 0, 1.5, 1), crit1("b", CM_PRIO_NORM_RANK, 1, 0.5, 0),
        crit1("c", CM_PRIO_NORM_LOG_MINMAX, 0, 2, 1), crit1("d", CM_PRIO_NORM_MAX, 1, 1, 2),
        crit1("e", CM_PRIO_NORM_TARGET, 0, 0.25, 1)};
    c[4].threshold = 200;
    c[4].target = 700;
    cm_prio_config_t cfg = {.n = NC, .items = c};
    cm_prio_result_t r;
    cm_error_info_t err;
    memset(&r, 0, sizeof r);
    CHECK_OK(cm_prio_compute(&cfg, NM, p, raw, &r, &err), &err);
    double W = 1.5 + 0.5 + 2 + 1 + 0.25;
    ASSERT_NEAR(r.weight_sum, W, 1e-15, 0);
    assert_true(r.n_ranked > 10 && r.n_ranked < NM); /* criterion d excludes some */
    for (size_t i = 0; i < r.n; i++) {
        const cm_prio_row_t *x = &r.rows[i];
        if (i >= r.n_ranked) {
            assert_int_equal(x->rank, 0);
            assert_true(x->excluded_by == 3);
            assert_true(x->missing[3]);
            continue;
        }
        assert_int_equal(x->rank, (int)i + 1);
        double sum = 0, wsum = 0;
        for (size_t k = 0; k < NC; k++) {
            sum += x->contrib[k];
            wsum += x->weight[k];
            if (!isnan(x->norm[k])) {
                assert_true(x->norm[k] >= 0.0 && x->norm[k] <= 1.0);
                ASSERT_NEAR(x->contrib[k], x->weight[k] * x->norm[k], 1e-14, 1e-15);
            } else {
                assert_true(x->missing[k]);
                assert_true(x->weight[k] == 0.0);
            }
        }
        ASSERT_NEAR(x->score, sum, 1e-14, 1e-15);
        /* the weights of every ranked material add up to W (exclude-criterion rescales) */
        ASSERT_NEAR(wsum, W, 1e-13, 0);
        assert_true(x->score >= 0.0 && x->score <= W + 1e-12);
        if (i > 0) {
            const cm_prio_row_t *y = &r.rows[i - 1];
            assert_true(y->score > x->score ||
                        (y->score == x->score && strcmp(y->material, x->material) < 0));
        }
    }
    cm_prio_result_destroy(&r);
}

static void test_ties_by_name(void **state)
{
    (void)state;
    static const char *const names[] = {"gamma", "beta", "alpha"};
    const double raw[] = {2, 2, 1};
    cm_prio_criterion_t c = crit1("a", CM_PRIO_NORM_MINMAX, 0, 1, 0);
    cm_prio_config_t cfg = {.n = 1, .items = &c};
    cm_prio_result_t r;
    cm_error_info_t err;
    memset(&r, 0, sizeof r);
    CHECK_OK(cm_prio_compute(&cfg, 3, names, raw, &r, &err), &err);
    assert_string_equal(r.rows[0].material, "beta");
    assert_string_equal(r.rows[1].material, "gamma");
    assert_string_equal(r.rows[2].material, "alpha");
    assert_int_equal(r.rows[1].rank, 2);
    cm_prio_result_destroy(&r);
}

static const char *write_file(const char *name, const char *text)
{
    static char path[4][1024];
    static int k = 0;
    k = (k + 1) % 4;
    snprintf(path[k], sizeof path[k], "%s/%s", cm_test_tmpdir(), name);
    FILE *f = fopen(path[k], "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path[k];
}

static const char *const INI =
    "# test settings\n"
    "[criterion risk]\ninput = crit\ncolumn = sr\nnormalisation = minmax\nweight = 1\n"
    "[criterion demand]\ninput = demand\ncolumn = value\nnormalisation = max\nweight = 1\n"
    "missing = zero\nunit = USD\n"
    "[criterion yield]\ninput = recycling\ncolumn = yield\nnormalisation = target\n"
    "threshold = 0\ntarget = 1\nweight = 0.5\nmissing = exclude-criterion\n"
    "[demand]\nstages = extraction, processing\nyears = 3\nnegative = keep\n"
    "[recycling]\naggregate = mean\n"
    "[urban_mine]\nfirst_year = 2030\nlast_year = 2040\ninclude_projected = no\n";

/* Four materials: risk ranks a > b > c > d, demand d > c > b > a. */
static const char *const MATS[] = {"a", "b", "c", "d"};
static const double RAW[] = {4, 10, NAN, 3, 20, 0.5, 2, 30, NAN, 1, 40, 1};

static void order(const cm_prio_result_t *r, const char *expect)
{
    char got[64] = "";
    for (size_t i = 0, len = 0; i < r->n_ranked && len < sizeof got; i++) {
        len += (size_t)snprintf(got + len, sizeof got - len, "%s", r->rows[i].material);
    }
    assert_string_equal(got, expect);
}

static void test_config_and_weights(void **state)
{
    (void)state;
    cm_prio_config_t cfg;
    cm_prio_result_t r;
    cm_error_info_t err;
    memset(&cfg, 0, sizeof cfg);
    memset(&r, 0, sizeof r);
    CHECK_OK(cm_prio_config_read(write_file("p.ini", INI), &cfg, &err), &err);
    assert_int_equal(cfg.n, 3);
    assert_string_equal(cfg.items[1].name, "demand");
    assert_int_equal(cfg.items[1].input, CM_PRIO_IN_DEMAND);
    assert_int_equal(cfg.items[1].norm, CM_PRIO_NORM_MAX);
    assert_int_equal(cfg.items[1].missing, CM_PRIO_MISSING_ZERO);
    assert_int_equal(cfg.items[0].missing, CM_PRIO_MISSING_EXCLUDE_CRITERION); /* default */
    assert_string_equal(cfg.items[1].unit, "USD");
    ASSERT_NEAR(cfg.items[2].target, 1.0, 0, 0);
    assert_int_equal(cfg.demand_extraction, 1);
    assert_int_equal(cfg.demand_processing, 1);
    assert_int_equal(cfg.demand_years, 3);
    assert_int_equal(cfg.demand_negative_zero, 0);
    assert_int_equal(cfg.recycling_mean, 1);
    assert_int_equal(cfg.urban_first_year, 2030);
    assert_int_equal(cfg.urban_last_year, 2040);
    assert_int_equal(cfg.urban_projected, 0);
    assert_string_equal(cm_prio_input_name(cfg.items[2].input), "recycling");
    assert_string_equal(cm_prio_norm_name(CM_PRIO_NORM_LOG_MINMAX), "log-minmax");
    assert_string_equal(cm_prio_missing_name(CM_PRIO_MISSING_EXCLUDE_MATERIAL), "exclude-material");
    assert_string_equal(cm_prio_norm_name((cm_prio_norm_t)99), "?");

    /* all weight on demand: the order of demand */
    CHECK_OK(cm_prio_config_set_weights(&cfg, "risk=0, yield = 0 ,demand=2", &err), &err);
    CHECK_OK(cm_prio_compute(&cfg, 4, MATS, RAW, &r, &err), &err);
    order(&r, "dcba");
    cm_prio_result_destroy(&r);
    /* all weight on risk: the order of risk */
    CHECK_OK(cm_prio_config_set_weights(&cfg, "risk=1,demand=0", &err), &err);
    CHECK_OK(cm_prio_compute(&cfg, 4, MATS, RAW, &r, &err), &err);
    order(&r, "abcd");
    cm_prio_result_destroy(&r);
    /* risk 1, demand 0.5 (max: 0.25, 0.5, 0.75, 1), yield 0: a 1.125, b 0.917, c 0.708,
     * d 0.5 ... */
    CHECK_OK(cm_prio_config_set_weights(&cfg, "risk=1,demand=0.5", &err), &err);
    CHECK_OK(cm_prio_compute(&cfg, 4, MATS, RAW, &r, &err), &err);
    order(&r, "abcd");
    ASSERT_NEAR(row_of(&r, "b")->score, 2.0 / 3 + 0.5 * 0.5, 1e-12, 0);
    cm_prio_result_destroy(&r);
    /* ... and swapping the two weights reverses it: a 0.75, b 0.833, c 0.917, d 1 */
    CHECK_OK(cm_prio_config_set_weights(&cfg, "risk=0.5,demand=1", &err), &err);
    CHECK_OK(cm_prio_compute(&cfg, 4, MATS, RAW, &r, &err), &err);
    order(&r, "dcba");
    cm_prio_result_destroy(&r);

    /* errors leave the weights unchanged */
    CHECK_ERROR(cm_prio_config_set_weights(&cfg, "risk=1,nosuch=2", &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "'nosuch'"));
    assert_non_null(strstr(err.message, "risk, demand, yield"));
    ASSERT_NEAR(cfg.items[0].weight, 0.5, 0, 0);
    CHECK_ERROR(cm_prio_config_set_weights(&cfg, "risk=-1", &err), CM_EINVAL);
    CHECK_ERROR(cm_prio_config_set_weights(&cfg, "risk=abc", &err), CM_EINVAL);
    CHECK_ERROR(cm_prio_config_set_weights(&cfg, "risk", &err), CM_EINVAL);
    CHECK_ERROR(cm_prio_config_set_weights(&cfg, "risk=0,demand=0,yield=0", &err), CM_EINVAL);
    CHECK_ERROR(cm_prio_config_set_weights(&cfg, NULL, &err), CM_EINVAL);
    ASSERT_NEAR(cfg.items[1].weight, 1.0, 0, 0);
    cm_prio_config_destroy(&cfg);
    cm_prio_config_destroy(&cfg); /* twice is safe */
}

/* Read \p text as settings and expect CM_EPARSE at line:column with \p needle in the message. */
static void bad_ini(const char *text, int64_t line, int64_t column, const char *needle)
{
    cm_prio_config_t cfg;
    cm_error_info_t err;
    memset(&cfg, 0, sizeof cfg);
    CHECK_ERROR(cm_prio_config_read(write_file("bad.ini", text), &cfg, &err), CM_EPARSE);
    assert_int_equal(err.line, line);
    if (column > 0) {
        assert_int_equal(err.column, column);
    }
    if (strstr(err.message, needle) == NULL) {
        fail_msg("message '%s' lacks '%s'", err.message, needle);
    }
    assert_int_equal(cfg.n, 0);
    assert_null(cfg.items);
}

/* A valid criterion (4 lines) followed by \p rest. */
static const char *ok_then(const char *rest)
{
    static char buf[512];
    snprintf(buf, sizeof buf, "[criterion a]\ninput = crit\ncolumn = x\nweight = 1\n%s", rest);
    return buf;
}

static void test_config_errors(void **state)
{
    (void)state;
    const char *ok = "[criterion a]\ninput = crit\ncolumn = x\nweight = 1\n";
    cm_prio_config_t cfg;
    cm_error_info_t err;
    memset(&cfg, 0, sizeof cfg);
    CHECK_OK(cm_prio_config_read(write_file("ok.ini", ok), &cfg, &err), &err);
    assert_int_equal(cfg.items[0].norm, CM_PRIO_NORM_MINMAX);
    assert_int_equal(cfg.items[0].cost, 0);
    cm_prio_config_destroy(&cfg);

    bad_ini("[criterion a]\ninput = prices\ncolumn = x\nweight = 1\n", 2, 9, "'prices'");
    bad_ini("[criterion a]\ninput = crit\ncolumn = x\nweight = -1\n", 4, 10, ">= 0");
    bad_ini("[criterion a]\ninput = crit\ncolumn = x\nweight = 1x\n", 4, 10, "1x");
    bad_ini("[criterion a]\ninput = crit\ncolumn = x\nweight = 0\n[criterion b]\n"
            "input = eu\ncolumn = y\nweight = 0\n",
            1, 1, "every weight 0");
    bad_ini("[criterion a]\ninput = crit\ncolumn = x\nwieght = 1\n", 4, 1, "wieght");
    bad_ini("[criterion a]\ncolumn = x\nweight = 1\n", 1, 1, "'input'");
    bad_ini("[criterion a]\ninput = crit\nweight = 1\n", 1, 1, "'column'");
    bad_ini("[criterion a]\ninput = crit\ncolumn = x\n", 1, 1, "'weight'");
    bad_ini("[criterion a]\ninput = crit\ncolumn = x\nweight = 1\ndirection = up\n", 5, 13,
            "benefit, cost");
    bad_ini("[criterion a]\ninput = crit\ncolumn = x\nweight = 1\nnormalisation = zscore\n", 5, 17,
            "minmax, max, rank, log-minmax, target");
    bad_ini("[criterion a]\ninput = crit\ncolumn = x\nweight = 1\nmissing = skip\n", 5, 11,
            "exclude-criterion");
    bad_ini("[criterion a]\ninput = crit\ncolumn = x\nweight = 1\nnormalisation = target\n"
            "threshold = 5\n",
            1, 1, "no target");
    bad_ini("[criterion a]\ninput = crit\ncolumn = x\nweight = 1\nnormalisation = target\n"
            "threshold = 5\ntarget = 4\n",
            7, 10, "target >= threshold");
    bad_ini("[weights]\na = 1\n", 1, 1, "[weights]");
    bad_ini("[criterion]\ninput = crit\ncolumn = x\nweight = 1\n", 1, 1, "NAME");
    bad_ini("# nothing\n[demand]\nyears = 2\n", 1, 1, "at least one [criterion");
    bad_ini(ok_then("[demand]\nstages = mining\n"), 6, 10, "'mining'");
    bad_ini(ok_then("[demand]\nyears = 0\n"), 6, 9, "1..100");
    bad_ini(ok_then("[recycling]\naggregate = median\n"), 6, 13, "max, mean");
    bad_ini(ok_then("[urban_mine]\nfirst_year = 2040\nlast_year = 2030\n"), 5, 1, "first_year");
    bad_ini(ok_then("[urban_mine]\nfirst_year = 20x0\n"), 6, 14, "20x0");

    memset(&cfg, 0, sizeof cfg);
    char missing[1100];
    snprintf(missing, sizeof missing, "%s/no-such.ini", cm_test_tmpdir());
    CHECK_ERROR(cm_prio_config_read(missing, &cfg, &err), CM_EFILE);
    CHECK_ERROR(cm_prio_config_read(NULL, &cfg, &err), CM_EINVAL);
}

static void test_compute_errors(void **state)
{
    (void)state;
    static const char *const two[] = {"a", "a"};
    static const char *const names[] = {"a", "b"};
    cm_prio_criterion_t c = crit1("k", CM_PRIO_NORM_MAX, 0, 1, 0);
    cm_prio_config_t cfg = {.n = 1, .items = &c};
    cm_prio_result_t r;
    cm_error_info_t err;
    memset(&r, 0, sizeof r);
    CHECK_ERROR(cm_prio_compute(&cfg, 2, two, (double[]){1, 2}, &r, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "twice"));
    CHECK_ERROR(cm_prio_compute(&cfg, 2, names, (double[]){1, -2}, &r, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "'b'"));
    CHECK_ERROR(cm_prio_compute(&cfg, 2, names, (double[]){1, INFINITY}, &r, &err), CM_EINVAL);
    CHECK_ERROR(cm_prio_compute(&cfg, 0, names, (double[]){1, 2}, &r, &err), CM_EINVAL);
    CHECK_ERROR(cm_prio_compute(NULL, 2, names, (double[]){1, 2}, &r, &err), CM_EINVAL);
    c.norm = CM_PRIO_NORM_LOG_MINMAX;
    CHECK_ERROR(cm_prio_compute(&cfg, 2, names, (double[]){1, -1}, &r, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "log_offset"));
    c.norm = CM_PRIO_NORM_MINMAX;
    c.weight = 0;
    CHECK_ERROR(cm_prio_compute(&cfg, 2, names, (double[]){1, 2}, &r, &err), CM_EINVAL);
    c.weight = -1;
    CHECK_ERROR(cm_prio_compute(&cfg, 2, names, (double[]){1, 2}, &r, &err), CM_EINVAL);
    assert_int_equal(r.n, 0);
    assert_null(r.rows);
}

static void test_shipped_settings(void **state)
{
    (void)state;
    const char *path = cm_test_source("data/trade/priorities.ini");
    cm_prio_config_t cfg;
    cm_error_info_t err;
    memset(&cfg, 0, sizeof cfg);
    CHECK_OK(cm_prio_config_read(path, &cfg, &err), &err);
    double w = 0;
    int inputs = 0;
    for (size_t i = 0; i < cfg.n; i++) {
        w += cfg.items[i].weight;
        inputs |= 1 << cfg.items[i].input;
    }
    /* the four pillars weigh 1 each; every input is used */
    ASSERT_NEAR(w, 4.0, 1e-12, 0);
    assert_int_equal(inputs, (1 << CM_PRIO_NINPUTS) - 1);
    cm_prio_config_destroy(&cfg);
}

static void test_alloc_failures(void **state)
{
    (void)state;
    const char *path = write_file("alloc.ini", INI);
    int done = 0;
    for (long n = 0; n < 400 && !done; n++) {
        cm_prio_config_t cfg;
        cm_prio_result_t r;
        cm_error_info_t err;
        memset(&cfg, 0, sizeof cfg);
        memset(&r, 0, sizeof r);
        long base = cm_alloc_outstanding();
        cm_test_fail_alloc_after(n);
        cm_error_t rc = cm_prio_config_read(path, &cfg, &err);
        if (rc == CM_OK) {
            rc = cm_prio_config_set_weights(&cfg, "demand=2", &err);
        }
        if (rc == CM_OK) {
            rc = cm_prio_compute(&cfg, 4, MATS, RAW, &r, &err);
        }
        cm_test_fail_alloc_after(-1);
        if (rc == CM_OK) {
            done = 1;
            assert_int_equal(r.n_ranked, 4);
        } else {
            assert_int_equal(rc, CM_ENOMEM);
        }
        cm_prio_result_destroy(&r);
        cm_prio_config_destroy(&cfg);
        assert_int_equal(cm_alloc_outstanding(), base);
    }
    assert_true(done);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CM_TEST(test_normalisations_by_hand),
        CM_TEST(test_missing_policies),
        CM_TEST(test_invariants),
        CM_TEST(test_ties_by_name),
        CM_TEST(test_config_and_weights),
        CM_TEST(test_config_errors),
        CM_TEST(test_compute_errors),
        CM_TEST(test_shipped_settings),
        CM_TEST(test_alloc_failures),
    };
    return CM_RUN_TESTS(tests);
}

/* Waste streams from stocks: WEEE timing by hand, the outlier rule, the readers and the
 * Belgian run (src/trade/waste.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cm_test.h"
#include "cambium/cm_alloc.h"
#include "cambium/cm_trade.h"

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void tmp_path(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "%s/%s", cm_test_tmpdir(), name);
}

/* Weibull density and survival, written out for the hand computation. */
static double wpdf(double x, double k, double l)
{
    return k / l * pow(x / l, k - 1.0) * exp(-pow(x / l, k));
}

static double wsf(double x, double k, double l)
{
    return exp(-pow(x / l, k));
}

/* One key, 100 t put on market in year 0 and 50 t in year 2; shape 2, scale 4. */
static void test_weee_timing_by_hand(void **state)
{
    (void)state;
    const double pom[5] = {100.0, 0.0, 50.0, 0.0, 0.0}, k = 2.0, l = 4.0;
    double gen[5], stock[5];
    cm_error_info_t err = {0};
    CHECK_OK(cm_trade_waste_generated(pom, 1, 5, &k, &l, CM_DSM_TIMING_WEEE, gen, stock, &err),
             &err);
    for (size_t t = 0; t < 5; t++) {
        double e = 100.0 * wpdf((double)t + 0.5, k, l);
        if (t >= 2) {
            e += 50.0 * wpdf((double)(t - 2) + 0.5, k, l);
        }
        ASSERT_NEAR(gen[t], e, 1e-12, 1e-12);
    }
    /* year 0 by hand: f(0.5) = (2/4)(0.5/4) exp(-(0.5/4)^2) = 0.0625 exp(-0.015625) */
    ASSERT_NEAR(gen[0], 100.0 * 0.0625 * exp(-0.015625), 1e-12, 0.0);
    /* mass balance: what went in is out or in stock */
    double out = 0.0;
    for (size_t t = 0; t < 5; t++) {
        out += gen[t];
    }
    ASSERT_NEAR(out + stock[4], 150.0, 1e-12, 1e-9);

    /* ODYM timing: nothing leaves in the year of sale; then sf(a-1) - sf(a). */
    CHECK_OK(cm_trade_waste_generated(pom, 1, 5, &k, &l, CM_DSM_TIMING_ODYM, gen, NULL, &err),
             &err);
    ASSERT_NEAR(gen[0], 0.0, 0.0, 1e-12);
    ASSERT_NEAR(gen[1], 100.0 * (wsf(0.0, k, l) - wsf(1.0, k, l)), 1e-12, 1e-12);
    ASSERT_NEAR(gen[3], 100.0 * (wsf(2.0, k, l) - wsf(3.0, k, l)) +
                            50.0 * (wsf(0.0, k, l) - wsf(1.0, k, l)),
                1e-12, 1e-12);
}

static void test_generated_errors(void **state)
{
    (void)state;
    const double pom[2] = {1.0, -1.0}, k = 2.0, l = 4.0, bad = 0.0;
    double gen[2];
    CHECK_ERROR(cm_trade_waste_generated(NULL, 1, 2, &k, &l, CM_DSM_TIMING_WEEE, gen, NULL,
                                         NULL),
                CM_EINVAL);
    CHECK_ERROR(cm_trade_waste_generated(pom, 1, 2, &k, &l, CM_DSM_TIMING_WEEE, gen, NULL, NULL),
                CM_EINVAL);
    CHECK_ERROR(cm_trade_waste_generated(pom, 1, 1, &bad, &l, CM_DSM_TIMING_WEEE, gen, NULL,
                                         NULL),
                CM_EINVAL);
}

static void test_outlier_rule(void **state)
{
    (void)state;
    const cm_trade_outlier_rule_t rule = {5, 3.0};
    /* index 4: window {12,10,100,11,10}, median 11, MAD 1 -> |100-11| = 89 > 3 x 1.4826 */
    const double x[7] = {10, 11, 10, 12, 100, 11, 10};
    int flag[7];
    double med[7];
    cm_error_info_t err = {0};
    CHECK_OK(cm_trade_outliers_flag(x, 7, &rule, flag, med, &err), &err);
    for (size_t i = 0; i < 7; i++) {
        assert_int_equal(flag[i], i == 4);
    }
    ASSERT_NEAR(med[4], 11.0, 0.0, 0.0);
    ASSERT_NEAR(med[0], 10.0, 0.0, 0.0); /* window {10, 11, 10} shrunk at the start */

    /* a gap: index 2 not reported, the window of index 3 reaches past it */
    const double y[7] = {10, 11, NAN, 40, 10, 12, 11};
    CHECK_OK(cm_trade_outliers_flag(y, 7, &rule, flag, med, &err), &err);
    assert_int_equal(flag[2], 0);
    assert_true(isnan(med[2]));
    assert_int_equal(flag[3], 1);
    ASSERT_NEAR(med[3], 11.0, 0.0, 0.0); /* {40, 11, 10, 10, 12} */

    /* k large enough: nothing flagged (89 < 61 x 1.4826) */
    const cm_trade_outlier_rule_t wide = {5, 61.0};
    CHECK_OK(cm_trade_outliers_flag(x, 7, &wide, flag, NULL, &err), &err);
    for (size_t i = 0; i < 7; i++) {
        assert_int_equal(flag[i], 0);
    }
    /* constant series: MAD 0, nothing differs, nothing flagged; a spike is flagged */
    double c[6] = {5, 5, 5, 5, 5, 5};
    CHECK_OK(cm_trade_outliers_flag(c, 6, &rule, flag, NULL, &err), &err);
    assert_int_equal(flag[0] + flag[1] + flag[2] + flag[3] + flag[4] + flag[5], 0);
    c[3] = 6;
    CHECK_OK(cm_trade_outliers_flag(c, 6, &rule, flag, NULL, &err), &err);
    assert_int_equal(flag[3], 1);

    const cm_trade_outlier_rule_t even = {4, 3.0}, zero = {5, 0.0};
    CHECK_ERROR(cm_trade_outliers_flag(x, 7, &even, flag, NULL, NULL), CM_EINVAL);
    CHECK_ERROR(cm_trade_outliers_flag(x, 7, &zero, flag, NULL, NULL), CM_EINVAL);
    CHECK_ERROR(cm_trade_outliers_flag(NULL, 7, &rule, flag, NULL, NULL), CM_EINVAL);
    const double neg[3] = {1, -2, 1};
    CHECK_ERROR(cm_trade_outliers_flag(neg, 3, &rule, flag, NULL, NULL), CM_EINVAL);
}

static void test_rule_read(void **state)
{
    (void)state;
    char p[1024];
    cm_trade_outlier_rule_t r;
    cm_error_info_t err = {0};
    tmp_path(p, sizeof p, "rule.ini");
    write_file(p, "[outliers]\nwindow = 7\nk = 2.5\n");
    cm_trade_outlier_rule_default(&r);
    assert_int_equal(r.window, 11);
    CHECK_OK(cm_trade_outlier_rule_read(p, &r, &err), &err);
    assert_int_equal(r.window, 7);
    ASSERT_NEAR(r.k, 2.5, 0.0, 0.0);

    write_file(p, "[outliers]\nwindow = 6\n");
    CHECK_ERROR(cm_trade_outlier_rule_read(p, &r, &err), CM_EPARSE);
    assert_int_equal(err.line, 2);
    assert_int_equal(r.window, 7); /* unchanged on error */
    write_file(p, "[outliers]\nk = 0\n");
    CHECK_ERROR(cm_trade_outlier_rule_read(p, &r, &err), CM_EPARSE);
    write_file(p, "[outliers]\nwindw = 5\n");
    CHECK_ERROR(cm_trade_outlier_rule_read(p, &r, &err), CM_EPARSE);
    write_file(p, "[other]\nk = 5\n");
    CHECK_ERROR(cm_trade_outlier_rule_read(p, &r, &err), CM_EPARSE);
    CHECK_ERROR(cm_trade_outlier_rule_read(NULL, &r, &err), CM_EINVAL);
    tmp_path(p, sizeof p, "absent.ini");
    CHECK_ERROR(cm_trade_outlier_rule_read(p, &r, &err), CM_EFILE);
}

static void small_files(char *pom, char *life, char *col, size_t n)
{
    tmp_path(pom, n, "pom.csv");
    tmp_path(life, n, "life.csv");
    tmp_path(col, n, "col.csv");
    write_file(pom, "unu_key,year,pom_t\nA,2000,10\nA,2002,30\nB,2001,5\n");
    write_file(life, "unu_key,shape,scale,category\nA,2,4,C1\nB,1.5,8,C2\nZ,1,1,C9\n");
    write_file(col, "category,year,collected_t\nC1,2001,3\nC2,2002,1\n");
}

static void test_read(void **state)
{
    (void)state;
    char pom[1024], life[1024], col[1024];
    cm_trade_waste_data_t d = {0};
    cm_error_info_t err = {0};
    small_files(pom, life, col, sizeof pom);
    CHECK_OK(cm_trade_waste_read(pom, life, col, &d, &err), &err);
    assert_int_equal(d.nkeys, 2);
    assert_string_equal(d.keys[0], "A");
    assert_string_equal(d.category[1], "C2");
    assert_int_equal(d.y0, 2000);
    assert_int_equal(d.ny, 3);
    ASSERT_NEAR(d.pom[0], 10.0, 0.0, 0.0);
    assert_true(isnan(d.pom[1])); /* A 2001 not reported */
    ASSERT_NEAR(d.pom[2], 30.0, 0.0, 0.0);
    ASSERT_NEAR(d.pom[3 + 1], 5.0, 0.0, 0.0);
    ASSERT_NEAR(d.scale[1], 8.0, 0.0, 0.0);
    assert_int_equal(d.ncat, 2);
    assert_int_equal(d.c0, 2001);
    assert_int_equal(d.nc, 2);
    ASSERT_NEAR(d.collected[0], 3.0, 0.0, 0.0);
    assert_true(isnan(d.collected[1]));
    cm_trade_waste_data_destroy(&d);
    cm_trade_waste_data_destroy(&d); /* idempotent */
    CHECK_OK(cm_trade_waste_read(pom, life, NULL, &d, &err), &err);
    assert_int_equal(d.ncat, 0);
    cm_trade_waste_data_destroy(&d);

    /* every allocation failure is handled and leaves nothing behind */
    for (long n = 0; n < 200; n++) {
        cm_test_fail_alloc_after(n);
        cm_error_t rc = cm_trade_waste_read(pom, life, col, &d, &err);
        cm_test_fail_alloc_after(-1);
        if (rc == CM_OK) {
            cm_trade_waste_data_destroy(&d);
            break;
        }
        assert_int_equal(rc, CM_ENOMEM);
        assert_int_equal(d.nkeys, 0);
    }
}

static void test_read_errors(void **state)
{
    (void)state;
    char pom[1024], life[1024], col[1024];
    cm_trade_waste_data_t d = {0};
    cm_error_info_t err = {0};
    small_files(pom, life, col, sizeof pom);

    /* a key without lifetime is named */
    write_file(life, "unu_key,shape,scale,category\nA,2,4,C1\n");
    CHECK_ERROR(cm_trade_waste_read(pom, life, col, &d, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "'B'"));
    assert_non_null(strstr(err.message, "no lifetime"));

    /* a bad number at file:line:column */
    small_files(pom, life, col, sizeof pom);
    write_file(pom, "unu_key,year,pom_t\nA,2000,10\nA,2001,1O\n");
    CHECK_ERROR(cm_trade_waste_read(pom, life, col, &d, &err), CM_EPARSE);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 3);
    assert_non_null(strstr(err.message, "'1O'"));

    write_file(pom, "unu_key,year,pom_t\nA,2000,-1\n");
    CHECK_ERROR(cm_trade_waste_read(pom, life, col, &d, &err), CM_EPARSE);
    write_file(pom, "unu_key,year,pom_t\nA,20x0,1\n");
    CHECK_ERROR(cm_trade_waste_read(pom, life, col, &d, &err), CM_EPARSE);
    assert_int_equal(err.column, 2);
    write_file(pom, "unu_key,year,pom_t\nA,2000,1\nA,2000,2\n");
    CHECK_ERROR(cm_trade_waste_read(pom, life, col, &d, &err), CM_EPARSE);
    assert_int_equal(err.line, 3);
    write_file(pom, "unu_key,yr,pom_t\nA,2000,1\n");
    CHECK_ERROR(cm_trade_waste_read(pom, life, col, &d, &err), CM_EPARSE);

    small_files(pom, life, col, sizeof pom);
    write_file(life, "unu_key,shape,scale,category\nA,0,4,C1\nB,1,1,C2\n");
    CHECK_ERROR(cm_trade_waste_read(pom, life, col, &d, &err), CM_EPARSE);
    assert_int_equal(err.line, 2);
    write_file(life, "unu_key,shape,scale,category\nA,1,4,C1\nA,1,1,C2\nB,1,1,C2\n");
    CHECK_ERROR(cm_trade_waste_read(pom, life, col, &d, &err), CM_EPARSE);

    small_files(pom, life, col, sizeof pom);
    tmp_path(col, sizeof col, "none.csv");
    CHECK_ERROR(cm_trade_waste_read(pom, life, col, &d, &err), CM_EFILE);
    CHECK_ERROR(cm_trade_waste_read(NULL, life, col, &d, &err), CM_EINVAL);
    assert_int_equal(d.nkeys, 0);
}

/* The Belgian run on the bundled extract: generated per category beside collected. */
static void test_belgium(void **state)
{
    (void)state;
    char pom[1024], life[1024], col[1024];
    snprintf(pom, sizeof pom, "%s", cm_test_source("data/weee/pom_be.csv"));
    snprintf(life, sizeof life, "%s", cm_test_source("data/weee/lifetimes.csv"));
    snprintf(col, sizeof col, "%s", cm_test_source("data/weee/collected_be.csv"));
    cm_trade_waste_data_t d = {0};
    cm_error_info_t err = {0};
    CHECK_OK(cm_trade_waste_read(pom, life, col, &d, &err), &err);
    assert_int_equal(d.nkeys, 54);
    assert_int_equal(d.y0, 1995);
    assert_int_equal(d.ny, 21);
    assert_int_equal(d.ncat, 10);
    assert_int_equal(d.c0, 2005);
    assert_int_equal(d.nc, 14);

    size_t T = d.ny, nk = d.nkeys;
    double *in = cm_malloc_array(nk * T, sizeof *in), *gen = cm_malloc_array(nk * T, sizeof *gen);
    double *stock = cm_malloc_array(nk * T, sizeof *stock);
    int *flag = cm_malloc_array(T, sizeof *flag);
    assert_non_null(in);
    assert_non_null(gen);
    assert_non_null(stock);
    assert_non_null(flag);
    cm_trade_outlier_rule_t rule;
    cm_trade_outlier_rule_default(&rule);
    size_t pv = nk, flagged_pv = 0;
    for (size_t k = 0; k < nk; k++) {
        if (strcmp(d.keys[k], "0002") == 0) {
            pv = k;
        }
        for (size_t t = 0; t < T; t++) {
            double v = d.pom[k * T + t];
            in[k * T + t] = isnan(v) ? 0.0 : v;
        }
    }
    /* the PV transit artefact 2003-2007 (SOURCE.md: 11.44 Mt in 2003) is flagged */
    assert_true(pv < nk);
    CHECK_OK(cm_trade_outliers_flag(d.pom + pv * T, T, &rule, flag, NULL, &err), &err);
    for (size_t t = 8; t <= 12; t++) {
        flagged_pv += (size_t)flag[t];
    }
    assert_int_equal(flagged_pv, 5);
    ASSERT_NEAR(d.pom[pv * T + 8], 11442982.196, 1e-12, 0.0);

    CHECK_OK(cm_trade_waste_generated(in, nk, T, d.shape, d.scale, CM_DSM_TIMING_WEEE, gen,
                                      stock, &err),
             &err);
    /* balance per key: inflow = outflow + final stock */
    for (size_t k = 0; k < nk; k++) {
        double i = 0.0, o = 0.0;
        for (size_t t = 0; t < T; t++) {
            i += in[k * T + t];
            o += gen[k * T + t];
        }
        ASSERT_NEAR(o + stock[k * T + T - 1], i, 1e-9, 1e-6);
    }
    /* gap positive in most category-years 2005-2015 */
    size_t n = 0, pos = 0;
    for (size_t c = 0; c < d.ncat; c++) {
        for (size_t y = 0; y + d.c0 <= 2015; y++) {
            double col_t = d.collected[c * d.nc + y], g = 0.0;
            if (isnan(col_t)) {
                continue;
            }
            for (size_t k = 0; k < nk; k++) {
                if (strcmp(d.category[k], d.cats[c]) == 0) {
                    g += gen[k * T + (size_t)(d.c0 - d.y0) + y];
                }
            }
            n++;
            pos += g > col_t;
        }
    }
    assert_true(n >= 100);
    assert_true(pos * 10 >= n * 9);
    cm_free(in);
    cm_free(gen);
    cm_free(stock);
    cm_free(flag);
    cm_trade_waste_data_destroy(&d);
}

/* The bundled extract equals the shared source (in tonnes). */
static void test_extract_matches_shared(void **state)
{
    (void)state;
    const char *src = cm_test_shared("cbs-ewaste-unu-pom-1995-2015/UNU_countries_BEL.csv");
    if (src == NULL) {
        skip();
    }
    char shared[1024], pom[1024];
    snprintf(shared, sizeof shared, "%s", src);
    snprintf(pom, sizeof pom, "%s", cm_test_source("data/weee/pom_be.csv"));
    FILE *f = fopen(shared, "r");
    assert_non_null(f);
    char line[512];
    double total_kg = 0.0;
    size_t rows = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        char *p = strrchr(line, ',');
        if (rows++ == 0 || p == NULL) {
            continue;
        }
        *p = '\0';
        p = strrchr(line, ',');
        assert_non_null(p);
        char *end = NULL;
        total_kg += strtod(p + 1, &end);
        assert_true(end != p + 1);
    }
    fclose(f);
    cm_trade_waste_data_t d = {0};
    cm_error_info_t err = {0};
    CHECK_OK(cm_trade_waste_read(pom, cm_test_source("data/weee/lifetimes.csv"), NULL, &d, &err),
             &err);
    double total_t = 0.0;
    size_t n = 0;
    for (size_t i = 0; i < d.nkeys * d.ny; i++) {
        if (!isnan(d.pom[i])) {
            total_t += d.pom[i];
            n++;
        }
    }
    assert_int_equal(n, rows - 1);
    ASSERT_NEAR(total_t * 1000.0, total_kg, 1e-12, 0.0);
    cm_trade_waste_data_destroy(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CM_TEST(test_weee_timing_by_hand), CM_TEST(test_generated_errors),
        CM_TEST(test_outlier_rule),        CM_TEST(test_rule_read),
        CM_TEST(test_read),                CM_TEST(test_read_errors),
        CM_TEST(test_belgium),             CM_TEST(test_extract_matches_shared),
    };
    return CM_RUN_TESTS(tests);
}

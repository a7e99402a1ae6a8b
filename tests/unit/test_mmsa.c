/* MMSA engine (cm_mmsa.h) on a tiny model computed by hand: cohort intensities, chained
 * element fractions, groups, recovery; mass balance; Monte Carlo reproducibility and band
 * order; model-file errors with file and line; allocation failures. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cambium/cambium.h"
#include "cm_test.h"

static const char *write_file(const char *name, const char *text)
{
    static char path[4][1024];
    static int k = 0;
    char *p = path[k++ % 4];
    snprintf(p, 1024, "%s/%s", cm_test_tmpdir(), name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return p;
}

/* One technology "a" (site all), 1 MW in 2000 and 2 MW in 2001, fixed lifetime 2 years
 * (ODYM: in stock at ages 0 and 1). Material x: 10 kg/MW for cohort 2000, 20 for 2001
 * (range 5-30); element e = 0.5 of x. Recovery of x: 0.9 x 0.8 x 0.5 = 0.36. */
static const char *tiny_model(const char *extra_layer_line, const char *unit)
{
    char text[4096];
    write_file("tiny_int.csv", "tech,from,to,v,lo,hi,c0,c1\n"
                               "a,a,x,10,5,30,2000,2000\n"
                               "a,a,x,20,5,30,2001,2050\n");
    write_file("tiny_frac.csv", "from,to,f\nx,e,0.5\n");
    write_file("tiny_in.csv", "year,tech,mw\n2000,a,1\n2001,a,2\n");
    write_file("tiny_rec.csv", "x,route,stage,site,yield,low,high\n"
                               "x,r1,collection,all,0.9,0.8,1\n"
                               "x,r1,dismantling,all,0.8,0.8,0.8\n"
                               "x,r1,process,all,0.5,,\n");
    snprintf(text, sizeof text,
             "[model]\nname = tiny\nyears = 2000-2004\nunit = MW\nmass_unit = kg\n"
             "cohort_year = 2001\nsankey_year = 2002\n"
             "[layer technology]\nitems = a\n"
             "[layer x]\nfrom = technology\nitems = x\nfile = tiny_int.csv\nunit = %s\n"
             "from_column = from\nvalue_column = v\n%s"
             "[layer el]\nfrom = x\nitems = e\nfile = tiny_frac.csv\nunit = kg/kg\n"
             "from_column = from\nto_column = to\nvalue_column = f\n"
             "[group g]\nlayer = el\nitems = e\n"
             "[inflow all]\nfile = tiny_in.csv\ntechnology_column = tech\nvalue_column = mw\n"
             "[lifetime two]\nspec = fixed:mean=2\n"
             "[recovery]\nfile = tiny_rec.csv\nlayer = x\nitem_column = x\n"
             "[montecarlo]\ndraws = 50\nseed = 7\nlifetime_mean_sd = 0.5\n",
             unit, extra_layer_line);
    return write_file("tiny.ini", text);
}

static const char *tiny(void)
{
    return tiny_model("to_column = to\nlow_column = lo\nhigh_column = hi\n"
                      "cohort_from_column = c0\ncohort_to_column = c1\n", "kg/MW");
}

static double at(const cm_mmsa_result_t *r, const double *a, size_t s, size_t i, size_t t)
{
    return a[(s * r->n_items + i) * r->T + t];
}

static void test_tiny_by_hand(void **state)
{
    cm_mmsa_model_t *m = NULL;
    cm_mmsa_result_t r = {0};
    cm_mmsa_options_t opt;
    cm_error_info_t err;
    (void)state;
    CHECK_OK(cm_mmsa_model_load(tiny(), &m, &err), &err);
    cm_mmsa_options_default(m, &opt);
    assert_int_equal(opt.draws, 50);
    opt.draws = 0;
    CHECK_OK(cm_mmsa_run(m, &opt, &r, &err), &err);
    cm_int_t x = cm_mmsa_item_find(m, "x", "x"), e = cm_mmsa_item_find(m, "el", "e");
    cm_int_t g = cm_mmsa_item_find(m, "group", "g");
    assert_true(x >= 0 && e >= 0 && g >= 0);
    assert_int_equal(cm_mmsa_item_find(m, NULL, "nope"), -1);
    /* stock of x: 2000: 1*10; 2001: 10 + 2*20; 2002: 40 (cohort 2000 left); 2003: 0 */
    static const double stock[] = {10, 50, 40, 0, 0};
    static const double eol[] = {0, 0, 10, 40, 0};
    static const double in[] = {10, 40, 0, 0, 0};
    for (size_t t = 0; t < 5; t++) {
        ASSERT_NEAR(at(&r, r.stock, 0, (size_t)x, t), stock[t], 1e-12, 1e-12);
        ASSERT_NEAR(at(&r, r.eol, 0, (size_t)x, t), eol[t], 1e-12, 1e-12);
        ASSERT_NEAR(at(&r, r.inflow, 0, (size_t)x, t), in[t], 1e-12, 1e-12);
        ASSERT_NEAR(at(&r, r.recovered, 0, (size_t)x, t), 0.36 * eol[t], 1e-12, 1e-12);
        ASSERT_NEAR(at(&r, r.stock, 0, (size_t)e, t), 0.5 * stock[t], 1e-12, 1e-12);
        ASSERT_NEAR(at(&r, r.recovered, 0, (size_t)e, t), 0.18 * eol[t], 1e-12, 1e-12);
        ASSERT_NEAR(at(&r, r.eol, 0, (size_t)g, t), 0.5 * eol[t], 1e-12, 1e-12);
    }
    ASSERT_NEAR(r.mw_stock[1], 3, 0, 1e-12);
    ASSERT_NEAR(r.mw_eol[3], 2, 0, 1e-12);
    /* per MW of the cohort year 2001: 20 (5 .. 30); element 10 (2.5 .. 15) */
    ASSERT_NEAR(r.per_mw[(size_t)x * 3], 20, 0, 1e-12);
    ASSERT_NEAR(r.per_mw[(size_t)x * 3 + 1], 5, 0, 1e-12);
    ASSERT_NEAR(r.per_mw[(size_t)e * 3 + 2], 15, 0, 1e-12);
    assert_true(r.balance < 1e-12);
    assert_null(r.stock_band);
    /* tables and figures */
    CHECK_OK(cm_mmsa_write_tables(m, &r, cm_test_tmpdir(), &err), &err);
    CHECK_OK(cm_mmsa_write_figures(m, &r, 0, 2002, cm_test_tmpdir(), &err), &err);
    CHECK_ERROR(cm_mmsa_write_figures(m, &r, 1, 2002, cm_test_tmpdir(), &err), CM_EINVAL);
    CHECK_ERROR(cm_mmsa_write_figures(m, &r, 0, 1999, cm_test_tmpdir(), &err), CM_EINVAL);
    char missing[1024];
    snprintf(missing, sizeof missing, "%s/no/such/dir", cm_test_tmpdir());
    CHECK_ERROR(cm_mmsa_write_tables(m, &r, missing, &err), CM_EFILE);
    CHECK_ERROR(cm_mmsa_write_figures(m, &r, 0, 2002, missing, &err), CM_EFILE);
    cm_mmsa_result_t empty = {0};
    CHECK_ERROR(cm_mmsa_write_tables(m, &empty, cm_test_tmpdir(), &err), CM_EINVAL);
    CHECK_ERROR(cm_mmsa_write_figures(m, &empty, 0, 2002, cm_test_tmpdir(), &err), CM_EINVAL);
    char path[1024];
    snprintf(path, sizeof path, "%s/mmsa_flows.csv", cm_test_tmpdir());
    cm_table_t t = CM_TABLE_NULL;
    CHECK_OK(cm_table_read(&t, path, NULL, 1, &err), &err);
    assert_int_equal(t.nrows, 5 * 3); /* years x items (x, e, g) */
    assert_string_equal(cm_table_cell(&t, 6, 0), "2002");
    assert_string_equal(cm_table_cell(&t, 6, 3), "x");
    assert_string_equal(cm_table_cell(&t, 6, 6), "10");
    double lost = 0;
    assert_true(sscanf(cm_table_cell(&t, 6, 8), "%lf", &lost) == 1);
    ASSERT_NEAR(lost, 10 - 3.6, 1e-12, 0);
    cm_table_destroy(&t);
    cm_mmsa_result_destroy(&r);
    cm_mmsa_model_free(m);
}

static void test_montecarlo(void **state)
{
    cm_mmsa_model_t *m = NULL;
    cm_mmsa_result_t a = {0}, b = {0}, c = {0};
    cm_mmsa_options_t opt;
    cm_error_info_t err;
    (void)state;
    CHECK_OK(cm_mmsa_model_load(tiny(), &m, &err), &err);
    cm_mmsa_options_default(m, &opt);
    CHECK_OK(cm_mmsa_run(m, &opt, &a, &err), &err);
    CHECK_OK(cm_mmsa_run(m, &opt, &b, &err), &err);
    opt.seed = 8;
    CHECK_OK(cm_mmsa_run(m, &opt, &c, &err), &err);
    size_t NT = a.n_items * a.T;
    assert_int_equal(a.draws, 50);
    assert_memory_equal(a.stock_band, b.stock_band, 3 * NT * sizeof(double));
    assert_memory_equal(a.eol_band, b.eol_band, 3 * NT * sizeof(double));
    assert_true(memcmp(a.stock_band, c.stock_band, 3 * NT * sizeof(double)) != 0);
    int spread = 0;
    for (size_t j = 0; j < NT; j++) {
        for (int w = 0; w < 2; w++) {
            const double *q = w ? a.eol_band : a.stock_band;
            assert_true(q[j] <= q[NT + j] && q[NT + j] <= q[2 * NT + j]);
            spread |= q[2 * NT + j] > q[j];
        }
        /* the draws stay within the intensity range: stock of x in 2001 within 5*3 .. 30*3 */
    }
    assert_true(spread);
    cm_int_t x = cm_mmsa_item_find(m, "x", "x");
    assert_true(a.stock_band[(size_t)x * a.T + 1] >= 15 - 1e-9);
    assert_true(a.stock_band[2 * NT + (size_t)x * a.T + 1] <= 90 + 1e-9);
    CHECK_OK(cm_mmsa_write_tables(m, &a, cm_test_tmpdir(), &err), &err);
    opt.draws = 100001;
    cm_mmsa_result_destroy(&c);
    CHECK_ERROR(cm_mmsa_run(m, &opt, &c, &err), CM_EINVAL);
    cm_mmsa_result_destroy(&a);
    cm_mmsa_result_destroy(&b);
    cm_mmsa_model_free(m);
}

/* Two sites, one technology: rows with a site apply only to that site's cohorts. 1 MW onshore
 * ("on") in 2000, 2 MW offshore ("off") in 2001, fixed lifetime 2. x: 10 kg/MW for all sites
 * + 30 on + 5 off (on 40, off 15); y: 7 kg/MW off only. Collection of x: 1 on, 0.5 off. */
static const char *two_sites(const char *intensities, int cohort)
{
    char text[4096];
    write_file("site_int.csv", intensities);
    write_file("site_rec.csv", "x,route,stage,site,yield,low,high\n"
                               "x,r,collection,on,1,,\n"
                               "x,r,collection,off,0.5,,\n");
    snprintf(text, sizeof text,
             "[model]\nname = sites\nyears = 2000-2004\nunit = MW\nmass_unit = kg\n"
             "sites = on, off\ncohort_year = %d\n"
             "[layer technology]\nitems = a\n"
             "[layer x]\nfrom = technology\nitems = x, y\nfile = site_int.csv\nunit = kg/MW\n"
             "from_column = from\nto_column = to\nvalue_column = v\nsite_column = site\n"
             "[projection on]\nsite = on\nyears = 2000-2000\nmw_per_year = 1\n"
             "technology = a\nsource = test\n"
             "[projection off]\nsite = off\nyears = 2001-2001\nmw_per_year = 2\n"
             "technology = a\nsource = test\n"
             "[lifetime two]\nspec = fixed:mean=2\n"
             "[recovery]\nfile = site_rec.csv\nlayer = x\nitem_column = x\n", cohort);
    return write_file("sites.ini", text);
}

static void test_site_rows(void **state)
{
    cm_mmsa_model_t *m = NULL;
    cm_mmsa_result_t r = {0};
    cm_error_info_t err;
    (void)state;
    CHECK_OK(cm_mmsa_model_load(two_sites("from,to,v,site\n"
                                          "a,x,10,all\n"
                                          "a,x,30,on\n"
                                          "a,x,5,off\n"
                                          "a,y,7,off\n",
                                          2001),
                                &m, &err),
             &err);
    CHECK_OK(cm_mmsa_run(m, NULL, &r, &err), &err);
    cm_int_t x = cm_mmsa_item_find(m, "x", "x"), y = cm_mmsa_item_find(m, "x", "y");
    assert_true(x >= 0 && y >= 0);
    static const double xs[] = {40, 70, 30, 0, 0}, xe[] = {0, 0, 40, 30, 0};
    static const double ys[] = {0, 14, 14, 0, 0}, ye[] = {0, 0, 0, 14, 0};
    static const double xr[] = {0, 0, 40, 15, 0};
    for (size_t t = 0; t < 5; t++) {
        ASSERT_NEAR(at(&r, r.stock, 0, (size_t)x, t), xs[t], 1e-12, 1e-12);
        ASSERT_NEAR(at(&r, r.eol, 0, (size_t)x, t), xe[t], 1e-12, 1e-12);
        ASSERT_NEAR(at(&r, r.stock, 0, (size_t)y, t), ys[t], 1e-12, 1e-12);
        ASSERT_NEAR(at(&r, r.eol, 0, (size_t)y, t), ye[t], 1e-12, 1e-12);
        ASSERT_NEAR(at(&r, r.recovered, 0, (size_t)x, t), xr[t], 1e-12, 1e-12);
        /* the technology's inflow is the sum over its sites */
        ASSERT_NEAR(r.tech_inflow[(size_t)x * r.T + t], at(&r, r.inflow, 0, (size_t)x, t),
                    1e-12, 1e-12);
    }
    ASSERT_NEAR(at(&r, r.inflow, 0, (size_t)x, 1), 30, 1e-12, 0);
    assert_true(r.balance < 1e-12);
    /* per MW of 2001 by site, and for the technology: only offshore installed in 2001 */
    assert_int_equal(r.n_sites, 2);
    size_t N = r.n_items;
    ASSERT_NEAR(r.per_mw_site[(size_t)x * 3], 40, 1e-12, 0);
    ASSERT_NEAR(r.per_mw_site[(N + (size_t)x) * 3], 15, 1e-12, 0);
    ASSERT_NEAR(r.per_mw_site[(size_t)y * 3], 0, 0, 1e-12);
    ASSERT_NEAR(r.per_mw[(size_t)x * 3], 15, 1e-12, 0);
    ASSERT_NEAR(r.per_mw[(size_t)y * 3], 7, 1e-12, 0);
    /* the per-MW table: the weighted rows ("all"), then one block per site */
    CHECK_OK(cm_mmsa_write_tables(m, &r, cm_test_tmpdir(), &err), &err);
    char path[1024];
    snprintf(path, sizeof path, "%s/mmsa_per_mw.csv", cm_test_tmpdir());
    cm_table_t t = CM_TABLE_NULL;
    CHECK_OK(cm_table_read(&t, path, NULL, 1, &err), &err);
    assert_int_equal(t.nrows, 3 * N);
    assert_string_equal(cm_table_cell(&t, 0, 7), "all");
    assert_string_equal(cm_table_cell(&t, N + (size_t)x, 7), "on");
    assert_string_equal(cm_table_cell(&t, N + (size_t)x, 3), "40");
    assert_string_equal(cm_table_cell(&t, 2 * N + (size_t)x, 7), "off");
    assert_string_equal(cm_table_cell(&t, 2 * N + (size_t)x, 3), "15");
    cm_table_destroy(&t);
    cm_mmsa_result_destroy(&r);
    cm_mmsa_model_free(m);
    /* Without inflow in the cohort year the sites weigh by all their MW: on 1, off 2. */
    cm_mmsa_model_t *m2 = NULL;
    CHECK_OK(cm_mmsa_model_load(two_sites("from,to,v,site\na,x,30,on\na,x,6,off\n", 2003),
                                &m2, &err),
             &err);
    cm_mmsa_result_t r2 = {0};
    cm_mmsa_options_t opt = {0, 0};
    CHECK_OK(cm_mmsa_run(m2, &opt, &r2, &err), &err);
    assert_true(r2.balance < 1e-12);
    ASSERT_NEAR(r2.per_mw[(size_t)x * 3], 30.0 / 3 + 6.0 * 2 / 3, 1e-12, 0);
    cm_mmsa_result_destroy(&r2);
    cm_mmsa_model_free(m2);
    /* an unknown site in the data file: the data file and its line */
    cm_mmsa_model_t *bad = NULL;
    cm_error_clear(&err);
    CHECK_ERROR(cm_mmsa_model_load(two_sites("from,to,v,site\na,x,10,on\na,x,5,mars\n", 2001),
                                   &bad, &err),
                CM_EPARSE);
    assert_null(bad);
    assert_non_null(strstr(err.file, "site_int.csv"));
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 4);
    assert_non_null(strstr(err.message, "undefined site 'mars'"));
    /* a site column named in the model but absent from the file */
    CHECK_ERROR(cm_mmsa_model_load(two_sites("from,to,v\na,x,10\n", 2001), &bad, &err),
                CM_ENOTFOUND);
    assert_non_null(strstr(err.message, "site"));
}

/* The model text with one line replaced; the error must name `file` (NULL: the model) and
 * `line`. */
static void expect_error(const char *from, const char *to, cm_error_t code, const char *file,
                         int64_t line, const char *needle)
{
    char text[4096];
    cm_mmsa_model_t *m = NULL;
    cm_error_info_t err;
    const char *base = tiny();
    FILE *f = fopen(base, "r");
    assert_non_null(f);
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    char *p = strstr(text, from);
    assert_non_null(p);
    char out[4096];
    snprintf(out, sizeof out, "%.*s%s%s", (int)(p - text), text, to, p + strlen(from));
    const char *path = write_file("bad.ini", out);
    cm_error_clear(&err);
    CHECK_ERROR(cm_mmsa_model_load(path, &m, &err), code);
    assert_null(m);
    if (file == NULL) {
        assert_string_equal(err.file, path);
    } else {
        assert_non_null(strstr(err.file, file));
    }
    assert_int_equal(err.line, line);
    if (strstr(err.message, needle) == NULL) {
        fail_msg("message '%s' lacks '%s'", err.message, needle);
    }
}

static void test_model_errors(void **state)
{
    (void)state;
    /* lines of the tiny model: [layer el] "from = x" is line 23; [group g] items line 32 */
    expect_error("from = x\n", "from = nolayer\n", CM_EPARSE, NULL, 23,
                 "undefined layer 'nolayer'");
    expect_error("items = e\n[inflow", "items = e, zz\n[inflow", CM_EPARSE, NULL, 32,
                 "undefined item 'zz'");
    expect_error("unit = kg/MW", "unit = kg/furlong", CM_EUNIT, NULL, 14, "furlong");
    expect_error("unit = kg/MW", "unit = kg", CM_EUNIT, NULL, 14, "kg/MW");
    expect_error("file = tiny_in.csv", "file = absent.csv", CM_EFILE, NULL, 34, "absent.csv");
    expect_error("layer = x\n", "layer = y\n", CM_EPARSE, NULL, 41, "undefined layer 'y'");
    expect_error("spec = fixed:mean=2", "spec = gamma:mean=2", CM_EPARSE, NULL, 38, "spec");
    expect_error("[lifetime two]", "[lifetme two]", CM_EPARSE, NULL, 37, "unknown section");
    expect_error("seed = 7\n", "seed = 7\nscenario = three\n", CM_EPARSE, NULL, 46,
                 "undefined lifetime scenario 'three'");
    expect_error("value_column = mw", "value_column = megawatt", CM_ENOTFOUND, NULL, 36,
                 "megawatt");
    /* an undefined item inside a data file: the data file and its line */
    write_file("tiny_frac2.csv", "from,to,f\nx,e,0.5\nx,q,0.1\n");
    expect_error("tiny_frac.csv", "tiny_frac2.csv", CM_EPARSE, "tiny_frac2.csv", 3,
                 "undefined item 'q'");
    write_file("tiny_in2.csv", "year,tech,mw\n2000,a,1\n2001,b,2\n");
    expect_error("tiny_in.csv", "tiny_in2.csv", CM_EPARSE, "tiny_in2.csv", 3,
                 "undefined technology 'b'");
    write_file("tiny_in3.csv", "year,tech,mw\n2000,a,1\n2011,a,2\n");
    expect_error("tiny_in.csv", "tiny_in3.csv", CM_EPARSE, "tiny_in3.csv", 3, "2011");
    cm_mmsa_model_t *m = NULL;
    cm_error_info_t err;
    CHECK_ERROR(cm_mmsa_model_load(NULL, &m, &err), CM_EINVAL);
    CHECK_ERROR(cm_mmsa_run(NULL, NULL, NULL, &err), CM_EINVAL);
    CHECK_ERROR(cm_mmsa_model_load("/nonexistent/model.ini", &m, &err), CM_EFILE);
}

static void test_alloc_failures(void **state)
{
    (void)state;
    const char *path = tiny();
    int ok = 0;
    for (long n = 0; n < 5000 && !ok; n++) {
        cm_mmsa_model_t *m = NULL;
        cm_mmsa_result_t r = {0};
        cm_mmsa_options_t opt = {5, 1};
        cm_error_info_t err;
        cm_test_fail_alloc_after(n);
        cm_error_t rc = cm_mmsa_model_load(path, &m, &err);
        if (rc == CM_OK) {
            rc = cm_mmsa_run(m, &opt, &r, &err);
        }
        if (rc == CM_OK) {
            rc = cm_mmsa_write_figures(m, &r, 0, 2002, cm_test_tmpdir(), &err);
        }
        cm_test_fail_alloc_after(-1);
        assert_true(rc == CM_OK || rc == CM_ENOMEM || rc == CM_EFILE);
        ok = rc == CM_OK;
        cm_mmsa_result_destroy(&r);
        cm_mmsa_model_free(m);
        assert_int_equal(cm_alloc_outstanding(), 0);
    }
    assert_true(ok);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CM_TEST(test_tiny_by_hand),
        CM_TEST(test_montecarlo),
        CM_TEST(test_site_rows),
        CM_TEST(test_model_errors),
        CM_TEST(test_alloc_failures),
    };
    return CM_RUN_TESTS(tests);
}

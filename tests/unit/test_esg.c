/* The ESG view of supply: concentration (HHI, top three, WGI-weighted HHI) and country
 * indicators weighted by production, on synthetic data checked by hand. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cambium/cambium.h"
#include "cm_test.h"

/* A: 0.5, B: 0.3, C: 0.1, D: 0.1, E: 0.2 withheld (counts 0). */
static void five(cm_crit_material_t *m, int stage)
{
    cm_error_info_t err;
    memset(&err, 0, sizeof err);
    CHECK_OK(cm_crit_material_add_share(m, stage, CM_CRIT_GLOBAL, "AAA", 0.5, 1, 0, &err), &err);
    CHECK_OK(cm_crit_material_add_share(m, stage, CM_CRIT_GLOBAL, "BBB", 0.3, 1, 0, &err), &err);
    CHECK_OK(cm_crit_material_add_share(m, stage, CM_CRIT_GLOBAL, "CCC", 0.1, 1, 0, &err), &err);
    CHECK_OK(cm_crit_material_add_share(m, stage, CM_CRIT_GLOBAL, "DDD", 0.1, 1, 0, &err), &err);
    CHECK_OK(cm_crit_material_add_share(m, stage, CM_CRIT_GLOBAL, "EEE", 0.2, 1,
                                        CM_CRIT_SHARE_W, &err),
             &err);
}

static void test_concentration(void **state)
{
    (void)state;
    cm_crit_inputs_t in;
    cm_error_info_t err;
    size_t k = 0;
    memset(&in, 0, sizeof in);
    memset(&err, 0, sizeof err);
    CHECK_OK(cm_crit_inputs_add(&in, "x", NULL, &k, &err), &err);
    cm_crit_material_t *m = &in.materials[k];
    five(m, CM_CRIT_EXTRACTION);
    cm_supply_conc_t c;
    CHECK_OK(cm_supply_concentration(&m->supply[0][0], &c, &err), &err);
    /* 0.25 + 0.09 + 0.01 + 0.01 + 0 */
    ASSERT_NEAR(c.hhi, 0.36, 1e-12, 1e-15);
    ASSERT_NEAR(c.top3, 0.9, 1e-12, 1e-15);
    ASSERT_NEAR(c.share_sum, 1.0, 1e-12, 1e-15);
    assert_int_equal(c.n, 5);
    assert_string_equal(c.top[0], "AAA");
    assert_string_equal(c.top[1], "BBB");
    assert_string_equal(c.top[2], "CCC"); /* tie with DDD: the earlier row */
    /* invariant: a single producer has HHI 1 and top three 1 */
    CHECK_OK(cm_crit_material_add_share(m, 1, 0, "ZZZ", 1.0, 1, 0, &err), &err);
    CHECK_OK(cm_supply_concentration(&m->supply[1][0], &c, &err), &err);
    ASSERT_NEAR(c.hhi, 1.0, 0, 0);
    ASSERT_NEAR(c.top3, 1.0, 0, 0);
    assert_string_equal(c.top[1], "");
    /* no shares: NaN */
    CHECK_OK(cm_supply_concentration(&m->supply[0][1], &c, &err), &err);
    assert_true(isnan(c.hhi) && isnan(c.top3) && c.n == 0);
    CHECK_ERROR(cm_supply_concentration(NULL, &c, &err), CM_EINVAL);
    CHECK_ERROR(cm_supply_concentration(&m->supply[0][0], NULL, &err), CM_EINVAL);
    cm_crit_inputs_destroy(&in);
}

/* Equal shares over n producers: HHI = 1/n (an identity of the index). */
static void test_hhi_equal_shares(void **state)
{
    (void)state;
    cm_crit_inputs_t in;
    cm_error_info_t err;
    size_t k = 0;
    memset(&in, 0, sizeof in);
    memset(&err, 0, sizeof err);
    CHECK_OK(cm_crit_inputs_add(&in, "x", NULL, &k, &err), &err);
    for (int n = 1; n <= 7; n++) {
        cm_crit_material_t *m = &in.materials[0];
        m->supply[0][0].n = 0;
        for (int i = 0; i < n; i++) {
            char code[8];
            snprintf(code, sizeof code, "C%02d", i);
            CHECK_OK(cm_crit_material_add_share(m, 0, 0, code, 1.0 / n, 1, 0, &err), &err);
        }
        cm_supply_conc_t c;
        CHECK_OK(cm_supply_concentration(&m->supply[0][0], &c, &err), &err);
        ASSERT_NEAR(c.hhi, 1.0 / n, 1e-12, 0);
        ASSERT_NEAR(c.top3, (n < 3 ? n : 3) / (double)n, 1e-12, 0);
    }
    cm_crit_inputs_destroy(&in);
}

static void test_hhi_wgi(void **state)
{
    (void)state;
    cm_crit_inputs_t in;
    cm_crit_wgi_t wgi;
    cm_error_info_t err;
    size_t k = 0;
    memset(&in, 0, sizeof in);
    memset(&wgi, 0, sizeof wgi);
    memset(&err, 0, sizeof err);
    CHECK_OK(cm_crit_inputs_add(&in, "x", NULL, &k, &err), &err);
    cm_crit_material_t *m = &in.materials[0];
    CHECK_OK(cm_crit_material_add_share(m, 0, 0, "AAA", 0.6, 2.0, 0, &err), &err);
    CHECK_OK(cm_crit_material_add_share(m, 0, 0, "BBB", 0.3, 1.0, 0, &err), &err);
    CHECK_OK(cm_crit_material_add_share(m, 0, 0, "OTH", 0.1, 1.0, 0, &err), &err);
    /* scaled = 2 (2.5 - mean): 0.5 -> 4, -0.5 -> 6 */
    CHECK_OK(cm_crit_wgi_set(&wgi, "AAA", 0.5, NAN, 6, &err), &err);
    CHECK_OK(cm_crit_wgi_set(&wgi, "BBB", -0.5, NAN, 6, &err), &err);
    cm_real_t miss = 0;
    /* 0.36*4 + 0.09*6 = 1.98 (t is not applied) */
    ASSERT_NEAR(cm_supply_hhi_wgi(&m->supply[0][0], &wgi, &miss), 1.98, 1e-12, 0);
    ASSERT_NEAR(miss, 0.1, 1e-12, 0);
    assert_true(isnan(cm_supply_hhi_wgi(&m->supply[1][0], &wgi, &miss)));
    assert_true(isnan(miss));
    assert_true(isnan(cm_supply_hhi_wgi(NULL, &wgi, NULL)));
    assert_true(isnan(cm_supply_hhi_wgi(&m->supply[0][0], NULL, NULL)));
    cm_crit_wgi_destroy(&wgi);
    cm_crit_inputs_destroy(&in);
}

static void test_indicator_set(void **state)
{
    (void)state;
    cm_supply_indicator_t ind;
    cm_error_info_t err;
    memset(&ind, 0, sizeof ind);
    memset(&err, 0, sizeof err);
    static const char *const codes[] = {"ZWE", "BEL", "COD", "AUS", "CHN"};
    for (int i = 0; i < 5; i++) {
        CHECK_OK(cm_supply_indicator_set(&ind, codes[i], i, &err), &err);
    }
    assert_int_equal(ind.n, 5);
    for (size_t i = 1; i < ind.n; i++) {
        assert_true(strcmp(ind.items[i - 1].country, ind.items[i].country) < 0);
    }
    assert_int_equal(cm_supply_indicator_find(&ind, "COD"), 3); /* AUS BEL CHN COD ZWE */
    ASSERT_NEAR(ind.items[cm_supply_indicator_find(&ind, "COD")].value, 2.0, 0, 0);
    CHECK_OK(cm_supply_indicator_set(&ind, "COD", -1.5, &err), &err); /* replace */
    assert_int_equal(ind.n, 5);
    ASSERT_NEAR(ind.items[cm_supply_indicator_find(&ind, "COD")].value, -1.5, 0, 0);
    assert_int_equal(cm_supply_indicator_find(&ind, "FRA"), -1);
    assert_int_equal(cm_supply_indicator_find(NULL, "FRA"), -1);
    CHECK_ERROR(cm_supply_indicator_set(&ind, "", 1, &err), CM_EINVAL);
    CHECK_ERROR(cm_supply_indicator_set(&ind, "ABCDEFGHIJKLMNOPQRST", 1, &err), CM_EINVAL);
    CHECK_ERROR(cm_supply_indicator_set(&ind, "FRA", NAN, &err), CM_EINVAL);
    CHECK_ERROR(cm_supply_indicator_set(NULL, "FRA", 1, &err), CM_EINVAL);
    cm_supply_indicator_destroy(&ind);
    cm_supply_indicator_destroy(&ind);
    assert_int_equal(ind.n, 0);
}

static void test_weighted_mean(void **state)
{
    (void)state;
    cm_crit_inputs_t in;
    cm_supply_indicator_t ind;
    cm_error_info_t err;
    size_t k = 0;
    memset(&in, 0, sizeof in);
    memset(&ind, 0, sizeof ind);
    memset(&err, 0, sizeof err);
    CHECK_OK(cm_crit_inputs_add(&in, "x", NULL, &k, &err), &err);
    cm_crit_material_t *m = &in.materials[0];
    CHECK_OK(cm_crit_material_add_share(m, 0, 0, "AAA", 0.6, 1, 0, &err), &err);
    CHECK_OK(cm_crit_material_add_share(m, 0, 0, "BBB", 0.3, 1, 0, &err), &err);
    CHECK_OK(cm_crit_material_add_share(m, 0, 0, "OTH", 0.1, 1, 0, &err), &err);
    CHECK_OK(cm_supply_indicator_set(&ind, "AAA", 1.0, &err), &err);
    CHECK_OK(cm_supply_indicator_set(&ind, "BBB", -1.0, &err), &err);
    cm_real_t cov = 0;
    /* (0.6*1 - 0.3*1) / 0.9 */
    ASSERT_NEAR(cm_supply_weighted_mean(&m->supply[0][0], &ind, &cov), 0.3 / 0.9, 1e-12, 0);
    ASSERT_NEAR(cov, 0.9, 1e-12, 0);
    /* invariant: a constant indicator gives the constant whatever the shares */
    CHECK_OK(cm_supply_indicator_set(&ind, "AAA", 0.7, &err), &err);
    CHECK_OK(cm_supply_indicator_set(&ind, "BBB", 0.7, &err), &err);
    CHECK_OK(cm_supply_indicator_set(&ind, "OTH", 0.7, &err), &err);
    ASSERT_NEAR(cm_supply_weighted_mean(&m->supply[0][0], &ind, &cov), 0.7, 1e-12, 0);
    ASSERT_NEAR(cov, 1.0, 1e-12, 0);
    /* no producer with a value; no shares; NULL */
    cm_supply_indicator_destroy(&ind);
    CHECK_OK(cm_supply_indicator_set(&ind, "ZZZ", 1.0, &err), &err);
    assert_true(isnan(cm_supply_weighted_mean(&m->supply[0][0], &ind, &cov)));
    ASSERT_NEAR(cov, 0.0, 0, 0);
    assert_true(isnan(cm_supply_weighted_mean(&m->supply[1][0], &ind, &cov)));
    assert_true(isnan(cov));
    assert_true(isnan(cm_supply_weighted_mean(NULL, &ind, NULL)));
    cm_supply_indicator_destroy(&ind);
    cm_crit_inputs_destroy(&in);
}

static const char *write_file(const char *name, const char *text)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/%s", cm_test_tmpdir(), name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static void test_read_csv(void **state)
{
    (void)state;
    cm_supply_indicator_t ind;
    cm_class_t *countries = NULL;
    cm_error_info_t err;
    memset(&ind, 0, sizeof ind);
    memset(&err, 0, sizeof err);
    CHECK_OK(cm_class_builtin("country", &countries, &err), &err);
    const char *p = write_file("ind.csv", "country,value\nBelgium,0.25\nCOD,-1.5\nChina,\n"
                                          "ZAR2,9\n");
    /* "ZAR2" is the World Bank code ZAR with a footnote digit: COD given twice */
    CHECK_ERROR(cm_supply_indicator_read_csv(p, "labour", countries, &ind, &err), CM_EPARSE);
    assert_int_equal(err.line, 5);
    assert_non_null(strstr(err.message, "given twice"));
    assert_int_equal(ind.n, 0);
    p = write_file("ind.csv", "value,country\n0.25,Belgium\n-1.5,\"Congo, Dem. Rep.\"\n,China\n");
    CHECK_OK(cm_supply_indicator_read_csv(p, "labour", countries, &ind, &err), &err);
    assert_string_equal(ind.name, "labour");
    assert_int_equal(ind.n, 2); /* China's empty value skipped */
    ASSERT_NEAR(ind.items[cm_supply_indicator_find(&ind, "BEL")].value, 0.25, 0, 0);
    ASSERT_NEAR(ind.items[cm_supply_indicator_find(&ind, "COD")].value, -1.5, 0, 0);
    /* without a classification, codes as written */
    p = write_file("ind2.csv", "country,value\nXYZ,3\n");
    CHECK_OK(cm_supply_indicator_read_csv(p, "raw", NULL, &ind, &err), &err);
    assert_int_equal(ind.n, 1);
    assert_int_equal(cm_supply_indicator_find(&ind, "XYZ"), 0);
    /* errors */
    p = write_file("bad1.csv", "country,value\nBelgium,abc\n");
    CHECK_ERROR(cm_supply_indicator_read_csv(p, "x", countries, &ind, &err), CM_EPARSE);
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.message, "expected a finite number, got 'abc'"));
    assert_int_equal(ind.n, 0);
    p = write_file("bad2.csv", "nation,score\nBelgium,1\n");
    CHECK_ERROR(cm_supply_indicator_read_csv(p, "x", countries, &ind, &err), CM_EPARSE);
    assert_non_null(strstr(err.message, "'country' and 'value'"));
    p = write_file("bad3.csv", "country,value\nAtlantis,1\n");
    CHECK_ERROR(cm_supply_indicator_read_csv(p, "x", countries, &ind, &err), CM_EPARSE);
    assert_non_null(strstr(err.message, "'Atlantis'"));
    p = write_file("bad4.csv", "country,value\nBelgium,inf\n");
    CHECK_ERROR(cm_supply_indicator_read_csv(p, "x", countries, &ind, &err), CM_EPARSE);
    char missing[4200];
    snprintf(missing, sizeof missing, "%s/no-such-file.csv", cm_test_tmpdir());
    CHECK_ERROR(cm_supply_indicator_read_csv(missing, "x", countries, &ind, &err), CM_EFILE);
    CHECK_ERROR(cm_supply_indicator_read_csv(p, "", countries, &ind, &err), CM_EINVAL);
    CHECK_ERROR(cm_supply_indicator_read_csv(p, "a-name-much-longer-than-thirty-one-chars",
                                             countries, &ind, &err),
                CM_EINVAL);
    CHECK_ERROR(cm_supply_indicator_read_csv(NULL, "x", countries, &ind, &err), CM_EINVAL);
    cm_supply_indicator_destroy(&ind);
    cm_class_free(countries);
}

/* Every allocation failure while reading an indicator file is reported and frees all. */
static void test_read_csv_oom(void **state)
{
    (void)state;
    cm_supply_indicator_t ind;
    cm_error_info_t err;
    memset(&ind, 0, sizeof ind);
    memset(&err, 0, sizeof err);
    const char *p = write_file("oom.csv", "country,value\nAAA,1\nBBB,2\nCCC,3\n");
    int ok = 0;
    for (long n = 0; n < 200 && !ok; n++) {
        cm_test_fail_alloc_after(n);
        cm_error_t rc = cm_supply_indicator_read_csv(p, "x", NULL, &ind, &err);
        cm_test_fail_alloc_after(-1);
        if (rc == CM_OK) {
            ok = 1;
        } else {
            assert_int_equal(rc, CM_ENOMEM);
            assert_int_equal(ind.n, 0);
        }
    }
    assert_true(ok);
    assert_int_equal(ind.n, 3);
    cm_supply_indicator_destroy(&ind);
}

/* WGI dimensions from a store (wgi importer on a small file). */
static void test_load_wgi(void **state)
{
    (void)state;
    cm_store_t *s = NULL;
    cm_supply_indicator_t ind;
    cm_error_info_t err;
    memset(&ind, 0, sizeof ind);
    memset(&err, 0, sizeof err);
    const char *p = write_file(
        "wgi.csv",
        "codeindyr,code,countryname,year,indicator,estimate,stddev,nsource,pctrank,"
        "pctranklower,pctrankupper\n"
        "BELva2020,BEL,Belgium,2020,va,1.40,0.1,10,90,85,95\n"
        "BELrl2020,BEL,Belgium,2020,rl,1.30,0.1,10,90,85,95\n"
        "ZARva2020,ZAR,\"Congo, Dem. Rep.\",2020,va,-1.40,0.1,10,10,5,15\n"
        "ZARrl2020,ZAR,\"Congo, Dem. Rep.\",2020,rl,-1.60,0.1,10,5,2,8\n"
        "BELva2021,BEL,Belgium,2021,va,1.50,0.1,10,90,85,95\n");
    char db[4200];
    snprintf(db, sizeof db, "%s/wgi.db", cm_test_tmpdir());
    unlink(db);
    CHECK_OK(cm_store_open(db, CM_STORE_CREATE, &s, &err), &err);
    CHECK_OK(cm_import_file(s, "wgi", p, NULL, NULL, &err), &err);
    CHECK_OK(cm_supply_indicator_load_wgi(s, "va", 2020, &ind, &err), &err);
    assert_string_equal(ind.name, "va");
    assert_int_equal(ind.n, 2);
    ASSERT_NEAR(ind.items[cm_supply_indicator_find(&ind, "COD")].value, -1.40, 1e-12, 0);
    CHECK_OK(cm_supply_indicator_load_wgi(s, "rl", 2020, &ind, &err), &err);
    ASSERT_NEAR(ind.items[cm_supply_indicator_find(&ind, "BEL")].value, 1.30, 1e-12, 0);
    CHECK_OK(cm_supply_indicator_load_wgi(s, "va", 2021, &ind, &err), &err);
    assert_int_equal(ind.n, 1);
    ASSERT_NEAR(ind.items[0].value, 1.5, 1e-12, 0);
    CHECK_ERROR(cm_supply_indicator_load_wgi(s, "rl", 2021, &ind, &err), CM_ENOTFOUND);
    assert_int_equal(ind.n, 0);
    CHECK_ERROR(cm_supply_indicator_load_wgi(s, "xx", 2020, &ind, &err), CM_EINVAL);
    CHECK_ERROR(cm_supply_indicator_load_wgi(NULL, "va", 2020, &ind, &err), CM_EINVAL);
    cm_supply_indicator_destroy(&ind);
    cm_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CM_TEST(test_concentration), CM_TEST(test_hhi_equal_shares), CM_TEST(test_hhi_wgi),
        CM_TEST(test_indicator_set), CM_TEST(test_weighted_mean),    CM_TEST(test_read_csv),
        CM_TEST(test_read_csv_oom),  CM_TEST(test_load_wgi),
    };
    return CM_RUN_TESTS(tests);
}

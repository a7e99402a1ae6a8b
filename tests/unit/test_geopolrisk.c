/* GeoPolRisk: the arithmetic on arrays (invariants and errors), the production loader and the
 * assessment over a store, checked against an independent calculation of the shared test case
 * (nickel, manganese and natural graphite imported into the USA in 2022). */
#include "test_ingest_util.h"

/* --- arrays ------------------------------------------------------------------------------ */

static void test_hhi_invariants(void **state)
{
    cm_error_info_t err;
    cm_real_t h = 0.0, h2 = 0.0;
    cm_real_t one[] = {42.0};
    cm_real_t with_zeros[] = {0.0, 7.5, 0.0};
    cm_real_t equal[7];
    cm_real_t p[] = {3.0, 1.0, 6.0, 0.5};
    cm_real_t pscaled[4];
    (void)state;
    memset(&err, 0, sizeof err);
    CHECK_OK(cm_geopolrisk_hhi(one, 1, &h, &err), &err);
    ASSERT_NEAR(h, 1.0, 1e-15, 0);
    CHECK_OK(cm_geopolrisk_hhi(with_zeros, 3, &h, &err), &err);
    ASSERT_NEAR(h, 1.0, 1e-15, 0);
    for (size_t n = 1; n <= 7; n++) {
        for (size_t i = 0; i < n; i++) {
            equal[i] = 123.25;
        }
        CHECK_OK(cm_geopolrisk_hhi(equal, n, &h, &err), &err);
        ASSERT_NEAR(h, 1.0 / (double)n, 1e-14, 0);
    }
    /* 3,1,6,0.5: sum 10.5, squares 9+1+36+0.25 = 46.25 */
    CHECK_OK(cm_geopolrisk_hhi(p, 4, &h, &err), &err);
    ASSERT_NEAR(h, 46.25 / (10.5 * 10.5), 1e-14, 0);
    for (size_t i = 0; i < 4; i++) {
        pscaled[i] = p[i] * 1e9;
    }
    CHECK_OK(cm_geopolrisk_hhi(pscaled, 4, &h2, &err), &err);
    ASSERT_NEAR(h2, h, 1e-14, 0);
    /* bounded by 1/n and 1 */
    assert_true(h >= 0.25 - 1e-15 && h <= 1.0);
    /* huge quantities do not overflow */
    cm_real_t big[] = {1e300, 1e300};
    CHECK_OK(cm_geopolrisk_hhi(big, 2, &h, &err), &err);
    ASSERT_NEAR(h, 0.5, 1e-14, 0);
}

static void test_import_risk_invariants(void **state)
{
    cm_error_info_t err;
    cm_geopolrisk_t r, r2;
    cm_real_t q[] = {10.0, 30.0, 60.0};
    cm_real_t g0[] = {0.0, 0.0, 0.0};
    cm_real_t g[] = {0.2, 0.5, 0.9};
    cm_real_t gnan[] = {0.2, NAN, 0.9};
    cm_real_t q2[3];
    cm_real_t prod[] = {5.0, 5.0};
    (void)state;
    memset(&err, 0, sizeof err);
    memset(&r, 0, sizeof r);
    memset(&r2, 0, sizeof r2);
    /* all scores 0: no risk */
    CHECK_OK(cm_geopolrisk_import_risk(q, g0, 3, 50.0, &r, &err), &err);
    ASSERT_NEAR(r.import_risk, 0.0, 0, 0);
    ASSERT_NEAR(r.total_imports, 100.0, 1e-15, 0);
    CHECK_OK(cm_geopolrisk_compute(prod, 2, q, g0, 3, 50.0, &r, &err), &err);
    ASSERT_NEAR(r.score, 0.0, 0, 0);
    ASSERT_NEAR(r.hhi, 0.5, 1e-15, 0);
    /* by hand: (2 + 15 + 54) / (100 + 50) */
    CHECK_OK(cm_geopolrisk_compute(prod, 2, q, g, 3, 50.0, &r, &err), &err);
    ASSERT_NEAR(r.weighted_imports, 71.0, 1e-14, 0);
    ASSERT_NEAR(r.import_risk, 71.0 / 150.0, 1e-14, 0);
    ASSERT_NEAR(r.score, 0.5 * 71.0 / 150.0, 1e-14, 0);
    ASSERT_NEAR(r.domestic_production, 50.0, 0, 0);
    assert_int_equal(r.missing_scores, 0);
    /* scale invariance: every quantity and the domestic production x 1000 */
    for (size_t i = 0; i < 3; i++) {
        q2[i] = q[i] * 1000.0;
    }
    CHECK_OK(cm_geopolrisk_compute(prod, 2, q2, g, 3, 50000.0, &r2, &err), &err);
    ASSERT_NEAR(r2.import_risk, r.import_risk, 1e-14, 0);
    ASSERT_NEAR(r2.score, r.score, 1e-14, 0);
    /* bounded: import risk <= max g, and equal to it with one exporter and no production */
    assert_true(r.import_risk <= 0.9);
    CHECK_OK(cm_geopolrisk_import_risk(&q[0], &g[2], 1, 0.0, &r, &err), &err);
    ASSERT_NEAR(r.import_risk, 0.9, 1e-15, 0);
    /* a missing score counts as 0.5 */
    CHECK_OK(cm_geopolrisk_import_risk(q, gnan, 3, 0.0, &r, &err), &err);
    assert_int_equal(r.missing_scores, 1);
    ASSERT_NEAR(r.weighted_imports, 2.0 + 30.0 * CM_GEOPOLRISK_MISSING_SCORE + 54.0, 1e-14, 0);
    /* no supply at all: 0, as the reference implementation */
    CHECK_OK(cm_geopolrisk_import_risk(NULL, NULL, 0, 0.0, &r, &err), &err);
    ASSERT_NEAR(r.import_risk, 0.0, 0, 0);
}

static void test_array_errors(void **state)
{
    cm_error_info_t err;
    cm_geopolrisk_t r;
    cm_real_t h;
    cm_real_t zeros[] = {0.0, 0.0};
    cm_real_t neg[] = {1.0, -2.0};
    cm_real_t inf[] = {1.0, INFINITY};
    cm_real_t q[] = {1.0, 2.0};
    cm_real_t g[] = {0.5, 1.5};
    cm_real_t gneg[] = {-0.1, 0.5};
    cm_real_t ok[] = {0.1, 0.2};
    (void)state;
    memset(&err, 0, sizeof err);
    CHECK_ERROR(cm_geopolrisk_hhi(NULL, 2, &h, &err), CM_EINVAL);
    CHECK_ERROR(cm_geopolrisk_hhi(q, 2, NULL, &err), CM_EINVAL);
    CHECK_ERROR(cm_geopolrisk_hhi(q, 0, &h, &err), CM_EINVAL);
    CHECK_ERROR(cm_geopolrisk_hhi(neg, 2, &h, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "production[1]"));
    CHECK_ERROR(cm_geopolrisk_hhi(inf, 2, &h, &err), CM_EINVAL);
    CHECK_ERROR(cm_geopolrisk_hhi(zeros, 2, &h, &err), CM_ENUMERIC);
    CHECK_ERROR(cm_geopolrisk_import_risk(q, g, 2, 0.0, &r, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "score[1]"));
    CHECK_ERROR(cm_geopolrisk_import_risk(q, gneg, 2, 0.0, &r, &err), CM_EINVAL);
    CHECK_ERROR(cm_geopolrisk_import_risk(neg, ok, 2, 0.0, &r, &err), CM_EINVAL);
    CHECK_ERROR(cm_geopolrisk_import_risk(q, ok, 2, -1.0, &r, &err), CM_EINVAL);
    CHECK_ERROR(cm_geopolrisk_import_risk(q, ok, 2, NAN, &r, &err), CM_EINVAL);
    CHECK_ERROR(cm_geopolrisk_import_risk(q, ok, 2, 0.0, NULL, &err), CM_EINVAL);
    CHECK_ERROR(cm_geopolrisk_import_risk(NULL, ok, 2, 0.0, &r, &err), CM_EINVAL);
    CHECK_ERROR(cm_geopolrisk_compute(q, 2, q, ok, 2, 0.0, NULL, &err), CM_EINVAL);
    CHECK_ERROR(cm_geopolrisk_compute(zeros, 2, q, ok, 2, 0.0, &r, &err), CM_ENUMERIC);
}

/* --- store: a small synthetic case ----------------------------------------------------- */

static const char *write_file(const char *name, const char *text, char *path, size_t n)
{
    FILE *f;
    snprintf(path, n, "%s/%s", cm_test_tmpdir(), name);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static void import(cm_store_t *s, const char *kind, const char *path)
{
    cm_error_info_t err;
    memset(&err, 0, sizeof err);
    CHECK_OK(cm_import_file(s, kind, path, NULL, NULL, &err), &err);
}

static const char synth_wmd[] =
    "commodity,country,country_code_m49,country_iso3,year,value,unit,data_source_flag\n"
    "Cobalt,Congo D.R.,180,COD,2021,60000,kg,r\n"
    "Cobalt,Belgium,56,BEL,2021,20000,kg,r\n"
    "Cobalt,Australia,36,AUS,2021,20000,kg,e\n"
    "Cobalt,Total,DELETE,DELETE,2021,100000,kg,nan\n"
    "Cobalt,Congo D.R.,180,COD,2022,50000,kg,r\n"
    "Cobalt,Belgium,56,BEL,2022,50000,kg,r\n"
    "Cobalt,Total,DELETE,DELETE,2022,100000,kg,nan\n";

static const char synth_trade[] =
    "year,importer,exporter,material,quantity,score,value\n"
    "2021,BEL,COD,cobalt,30,0.8,100\n"
    "2021,BEL,AUS,cobalt,10,0.2,50\n"
    "2021,BEL,CAN,cobalt,10,,5\n"
    "2021,DEU,COD,cobalt,5,0.8,10\n"
    "2023,BEL,COD,cobalt,99,0.9,10\n";

static void test_store_synthetic(void **state)
{
    char path[4096], f1[4096], f2[4096];
    cm_store_t *s = fresh_store("gpr-synth", path, sizeof path);
    cm_error_info_t err;
    cm_geopolrisk_table_t t;
    cm_geopolrisk_options_t opt;
    cm_geopolrisk_production_t p;
    (void)state;
    memset(&err, 0, sizeof err);
    memset(&t, 0, sizeof t);
    memset(&opt, 0, sizeof opt);
    memset(&p, 0, sizeof p);
    /* empty store: nothing to assess */
    CHECK_ERROR(cm_geopolrisk_assess(s, NULL, &t, &err), CM_ENOTFOUND);
    import(s, "wmd", write_file("gpr-wmd.csv", synth_wmd, f1, sizeof f1));
    import(s, "geopolrisk-trade", write_file("gpr-trade.csv", synth_trade, f2, sizeof f2));

    CHECK_OK(cm_geopolrisk_production_load(s, "cobalt", "2021", &p, &err), &err);
    assert_int_equal(p.n, 3); /* the Total row (WLD) is left out */
    assert_string_equal(p.unit, "kg");
    CHECK_ERROR(cm_geopolrisk_production_load(s, "cobalt", "2019", &p, &err), CM_ENOTFOUND);
    assert_int_equal(p.n, 0);
    CHECK_ERROR(cm_geopolrisk_production_load(NULL, "cobalt", "2019", &p, &err), CM_EINVAL);

    /* default year: 2023 has no production, so 2021 (the latest year with both) */
    CHECK_OK(cm_geopolrisk_assess(s, NULL, &t, &err), &err);
    assert_int_equal(t.n, 2);
    assert_string_equal(t.rows[0].material, "cobalt");
    assert_string_equal(t.rows[0].importer, "BEL");
    assert_string_equal(t.rows[0].year, "2021");
    assert_string_equal(t.rows[0].unit, "t");
    /* HHI 0.6^2 + 0.2^2 + 0.2^2 = 0.44; BEL produces 20000 kg = 20 t; imports 50 t;
     * weighted 30*0.8 + 10*0.2 + 10*0.5 (missing score) = 31; risk 31 / 70 */
    ASSERT_NEAR(t.rows[0].r.hhi, 0.44, 1e-14, 0);
    ASSERT_NEAR(t.rows[0].r.domestic_production, 20.0, 1e-14, 0);
    ASSERT_NEAR(t.rows[0].r.total_imports, 50.0, 1e-14, 0);
    ASSERT_NEAR(t.rows[0].r.import_risk, 31.0 / 70.0, 1e-14, 0);
    ASSERT_NEAR(t.rows[0].r.score, 0.44 * 31.0 / 70.0, 1e-14, 0);
    assert_int_equal(t.rows[0].r.missing_scores, 1);
    assert_int_equal(t.rows[0].exporters, 3);
    assert_int_equal(t.rows[0].producers, 3);
    /* DEU: no production, one exporter: risk = 0.8 */
    assert_string_equal(t.rows[1].importer, "DEU");
    ASSERT_NEAR(t.rows[1].r.import_risk, 0.8, 1e-14, 0);
    ASSERT_NEAR(t.rows[1].r.domestic_production, 0.0, 0, 0);

    /* filters */
    opt.importer = "Germany";
    CHECK_OK(cm_geopolrisk_assess(s, &opt, &t, &err), &err);
    assert_int_equal(t.n, 1);
    assert_string_equal(t.rows[0].importer, "DEU");
    opt.importer = "Atlantis";
    CHECK_ERROR(cm_geopolrisk_assess(s, &opt, &t, &err), CM_ENOTFOUND);
    assert_int_equal(t.n, 0);
    opt.importer = NULL;
    opt.material = "unobtainium";
    CHECK_ERROR(cm_geopolrisk_assess(s, &opt, &t, &err), CM_ENOTFOUND);
    opt.material = "Nickel"; /* known, but no imports */
    CHECK_ERROR(cm_geopolrisk_assess(s, &opt, &t, &err), CM_ENOTFOUND);
    opt.material = NULL;
    opt.year = "2023"; /* imports but no production */
    CHECK_ERROR(cm_geopolrisk_assess(s, &opt, &t, &err), CM_ENOTFOUND);
    assert_non_null(strstr(err.message, "nothing to assess"));
    opt.year = "23";
    CHECK_ERROR(cm_geopolrisk_assess(s, &opt, &t, &err), CM_EINVAL);
    CHECK_ERROR(cm_geopolrisk_assess(NULL, &opt, &t, &err), CM_EINVAL);
    CHECK_ERROR(cm_geopolrisk_assess(s, &opt, NULL, &err), CM_EINVAL);

    /* a newer trade dataset for the same year replaces the older one */
    import(s, "geopolrisk-trade",
           write_file("gpr-trade2.csv",
                      "year,importer,exporter,material,quantity,score\n"
                      "2021,BEL,COD,cobalt,80,1\n",
                      f2, sizeof f2));
    opt.year = "2021";
    opt.importer = "BEL";
    CHECK_OK(cm_geopolrisk_assess(s, &opt, &t, &err), &err);
    assert_int_equal(t.n, 1);
    ASSERT_NEAR(t.rows[0].r.import_risk, 80.0 / 100.0, 1e-14, 0);

    cm_geopolrisk_production_destroy(&p);
    cm_geopolrisk_table_destroy(&t);
    cm_geopolrisk_table_destroy(&t); /* twice is safe */
    cm_store_close(s);
}

/* A file without an importer column: the importer comes from the option. */
static void test_importer_option(void **state)
{
    char path[4096], f[4096];
    cm_store_t *s = fresh_store("gpr-opt", path, sizeof path);
    cm_import_options_t opt;
    cm_error_info_t err;
    q1_t q;
    (void)state;
    memset(&opt, 0, sizeof opt);
    memset(&err, 0, sizeof err);
    write_file("gpr-noimp.csv",
               "year,exporter,hs6,quantity,score\n2022,36,260400,3,0.2\n2022,124,260400,1,0.6\n",
               f, sizeof f);
    CHECK_ERROR(cm_import_file(s, "geopolrisk-trade", f, &opt, NULL, &err), CM_EPARSE);
    assert_int_equal(err.line, 1);
    opt.importer = "Atlantis";
    CHECK_ERROR(cm_import_file(s, "geopolrisk-trade", f, &opt, NULL, &err), CM_EINVAL);
    opt.importer = "056";
    CHECK_OK(cm_import_file(s, "geopolrisk-trade", f, &opt, NULL, &err), &err);
    q = query1(s, "SELECT count(*) FROM observation WHERE region = 'BEL' AND material = 'nickel'"
                  " AND variable = 'import_quantity' AND product = '260400'");
    ASSERT_NEAR(q.value, 2.0, 0, 0);
    q = query1(s, "SELECT sum(value) FROM observation WHERE variable = "
                  "'political_stability_score'");
    ASSERT_NEAR(q.value, 0.8, 1e-15, 0);
    cm_store_close(s);
}

static void test_store_oom(void **state)
{
    char path[4096], f1[4096], f2[4096];
    cm_store_t *s = fresh_store("gpr-oom", path, sizeof path);
    cm_geopolrisk_table_t t;
    int ok = 0;
    (void)state;
    memset(&t, 0, sizeof t);
    import(s, "wmd", write_file("gpr-oom-wmd.csv", synth_wmd, f1, sizeof f1));
    import(s, "geopolrisk-trade", write_file("gpr-oom-trade.csv", synth_trade, f2, sizeof f2));
    for (long n = 0; n < 10000 && !ok; n++) {
        cm_error_info_t err;
        long base = cm_alloc_outstanding();
        cm_error_t rc;
        memset(&err, 0, sizeof err);
        cm_test_fail_alloc_after(n);
        rc = cm_geopolrisk_assess(s, NULL, &t, &err);
        cm_test_fail_alloc_after(-1);
        if (rc == CM_OK) {
            ok = 1;
            assert_int_equal(t.n, 2);
            cm_geopolrisk_table_destroy(&t);
        } else {
            if (rc != CM_ENOMEM && rc != CM_ESTORE) {
                fail_msg("allocation %ld failing: %s (%s)", n, cm_strerror(rc), err.message);
            }
            assert_int_equal(t.n, 0);
            assert_int_equal(cm_alloc_outstanding(), base);
        }
    }
    assert_true(ok);
    cm_store_close(s);
}

/* --- the shared test case, against an independent calculation ------------------------- */

/* Expected values computed outside the repository by a throwaway Python script reading the raw
 * CSVs of ../shared/data/world-mining-data/: HHI = sum P^2 / (sum P)^2 over the 2022 rows of
 * wmd_production_2018_2022_long.csv for the commodity, the "Total" (DELETE) row left out (the
 * same countries and values as testcase_<material>.csv); p = the United States row (0 when
 * absent); from testcase_trade_data.csv the rows of the rawMaterial: F = sum Quantity
 * (mTonnes), numerator = sum Quantity x WGI (equal to the sum of its QUANTITY * WGI column);
 * import risk = numerator / (p + F); GeoPolRisk = HHI x import risk. */
static const struct {
    const char *material;
    double hhi, domestic, total, weighted, risk, score;
    int producers, exporters;
} expected[] = {
    {"manganese", 0.2035183372902862, 0.0, 350700.567, 191198.0034766202, 0.5451887492289689,
     0.11095590775245055, 37, 14},
    {"natural-graphite", 0.470663478647389, 0.0, 86586.11099999999, 50585.91084690329,
     0.5842266185959466, 0.27497413262676956, 19, 36},
    {"nickel", 0.26749007657640966, 17500.0, 37.495, 21.179740941995366, 0.0012076833631026191,
     0.00032304331527637555, 28, 10},
};

static void test_shared_testcase(void **state)
{
    const char *wmd, *trade;
    char path[4096], wmd_path[4096];
    cm_store_t *s;
    cm_error_info_t err;
    cm_geopolrisk_table_t t;
    cm_geopolrisk_options_t opt;
    (void)state;
    wmd = cm_test_shared("world-mining-data/wmd_production_2018_2022_long.csv");
    if (wmd == NULL) {
        skip();
    }
    snprintf(wmd_path, sizeof wmd_path, "%s", wmd); /* cm_test_shared uses a static buffer */
    trade = cm_test_shared("world-mining-data/testcase_trade_data.csv");
    if (trade == NULL) {
        skip();
    }
    memset(&err, 0, sizeof err);
    memset(&t, 0, sizeof t);
    memset(&opt, 0, sizeof opt);
    s = fresh_store("gpr-testcase", path, sizeof path);
    import(s, "geopolrisk-trade", trade);
    import(s, "wmd", wmd_path);
    CHECK_OK(cm_geopolrisk_assess(s, NULL, &t, &err), &err);
    assert_int_equal(t.n, 3);
    for (size_t i = 0; i < 3; i++) {
        const cm_geopolrisk_row_t *r = &t.rows[i];
        assert_string_equal(r->material, expected[i].material);
        assert_string_equal(r->importer, "USA");
        assert_string_equal(r->year, "2022");
        ASSERT_NEAR(r->r.hhi, expected[i].hhi, 1e-12, 0);
        ASSERT_NEAR(r->r.domestic_production, expected[i].domestic, 1e-12, 0);
        ASSERT_NEAR(r->r.total_imports, expected[i].total, 1e-12, 0);
        ASSERT_NEAR(r->r.weighted_imports, expected[i].weighted, 1e-12, 0);
        ASSERT_NEAR(r->r.import_risk, expected[i].risk, 1e-12, 0);
        ASSERT_NEAR(r->r.score, expected[i].score, 1e-12, 0);
        assert_int_equal(r->producers, expected[i].producers);
        assert_int_equal(r->exporters, expected[i].exporters);
        assert_int_equal(r->r.missing_scores, 0);
    }
    /* --year and the filters give the same row */
    opt.year = "2022";
    opt.importer = "842";
    opt.material = "Graphite";
    CHECK_OK(cm_geopolrisk_assess(s, &opt, &t, &err), &err);
    assert_int_equal(t.n, 1);
    ASSERT_NEAR(t.rows[0].r.score, expected[1].score, 1e-12, 0);
    cm_geopolrisk_table_destroy(&t);
    cm_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CM_TEST(test_hhi_invariants),  CM_TEST(test_import_risk_invariants),
        CM_TEST(test_array_errors),    CM_TEST(test_store_synthetic),
        CM_TEST(test_store_oom),       CM_TEST(test_importer_option),
               CM_TEST(test_shared_testcase),
    };
    return CM_RUN_TESTS(tests);
}

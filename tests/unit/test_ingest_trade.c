/* The trade, input-output and list importers (comext, cn8-materials, baci, comtrade, iot-oecd,
 * crma-lists) on the real shared files (skipped when absent), and the OECD -> NACE mapping
 * (cm_nace.h). Values were checked by hand against the files with grep (see the comments). */
#include <math.h>

#include "test_ingest_util.h"

static void import_shared(const char *kind, const char *rel, const cm_import_options_t *opt,
                          cm_store_t **store, cm_import_report_t *r, char *path, size_t n)
{
    cm_error_info_t err;
    char file[4096];
    const char *shared = cm_test_shared(rel);
    memset(&err, 0, sizeof err);
    if (shared == NULL) {
        skip();
    }
    snprintf(file, sizeof file, "%s", shared);
    *store = fresh_store(kind, path, n);
    CHECK_OK(cm_import_file(*store, kind, file, opt, r, &err), &err);
    assert_true(r->dataset_id > 0);
}

static double value_of(cm_store_t *s, const char *sql)
{
    q1_t q = query1(s, sql);
    assert_int_equal(q.rows, 1);
    return q.value;
}

static void test_comext(void **state)
{
    cm_store_t *s = NULL;
    cm_import_report_t r;
    char path[4096];
    (void)state;
    memset(&r, 0, sizeof r);
    import_shared("comext", "comext-eu27-critical-inputs-cn8/eu_comext_critical_inputs_cn8_2022_2024.csv",
                  NULL, &s, &r, path, sizeof path);
    assert_int_equal(r.records, 26538);
    assert_int_equal(r.kept_aside, 0);
    /* values only: one observation per record */
    assert_int_equal(r.rows, 26538);
    /* BE,CD,81052000,1,2024,3914135 */
    ASSERT_NEAR(value_of(s, "select value from observation where variable='import_value' and "
                            "region='BEL' and partner='COD' and product='81052000' and "
                            "period='2024'"),
                3914135, 0, 1e-9);
    assert_string_equal(query1(s, "select unit from observation limit 1").text, "EUR");
    /* Belgium: 1,495 rows (SOURCE.md); Greece declares as EL: 508 rows */
    ASSERT_NEAR(value_of(s, "select count(*) from observation where region='BEL'"), 1495, 0, 0);
    ASSERT_NEAR(value_of(s, "select count(*) from observation where region='GRC'"), 508, 0, 0);
    /* every product keeps 8 digits */
    ASSERT_NEAR(value_of(s, "select count(*) from observation where length(product) <> 8"), 0, 0,
                0);
    cm_import_report_destroy(&r);
    cm_store_close(s);
}

static void test_cn8_materials(void **state)
{
    cm_store_t *s = NULL;
    cm_import_report_t r;
    char path[4096];
    (void)state;
    memset(&r, 0, sizeof r);
    import_shared("cn8-materials", "comext-eu27-critical-inputs-cn8/critical_inputs_cn8_codes.csv",
                  NULL, &s, &r, path, sizeof path);
    assert_int_equal(r.rows, 66);
    /* the 7 fertilizer codes (phosphates, potassium salts) name no material of the list */
    assert_int_equal(quirk_count(&r, "material-not-named", NULL), 7);
    /* 81052000 Cobalt mattes ... unwrought cobalt, refined_metals */
    assert_string_equal(query1(s, "select material || '/' || stage from observation where "
                                  "product='81052000'")
                            .text,
                        "cobalt/processing");
    /* 25309050 Bastnaesite ... REE minerals: the rare_earths group */
    assert_string_equal(query1(s, "select material from observation where product='25309050'")
                            .text,
                        "rare-earth-elements");
    /* stages: ores 15 + concentrates 3 = extraction */
    ASSERT_NEAR(value_of(s, "select count(*) from observation where stage='extraction'"), 18, 0, 0);
    cm_import_report_destroy(&r);
    cm_store_close(s);
}

static void test_baci_belgium(void **state)
{
    cm_store_t *s = NULL;
    cm_import_report_t r;
    char path[4096];
    (void)state;
    memset(&r, 0, sizeof r);
    import_shared("baci", "baci-crm-flows-belgium-2002-2024/baci_crm_flows_belgium_2002_2024.csv",
                  NULL, &s, &r, path, sizeof path);
    assert_int_equal(r.records, 14954);
    /* value and quantity per kept record */
    assert_int_equal(r.rows, 2 * (r.records - r.kept_aside));
    /* 2024,cobalt,FI,BE,56000935,3254 */
    ASSERT_NEAR(value_of(s, "select value from observation where variable='import_value' and "
                            "region='BEL' and partner='FIN' and product='cobalt' and "
                            "period='2024'"),
                56000935, 0, 1e-9);
    ASSERT_NEAR(value_of(s, "select value from observation where variable='import_quantity' and "
                            "region='BEL' and partner='FIN' and product='cobalt' and "
                            "period='2024'"),
                3254, 0, 1e-9);
    /* quantities exist for 2024 only: every earlier quantity is NaN (NULL) and flagged */
    ASSERT_NEAR(value_of(s, "select count(*) from observation where variable='import_quantity' "
                            "and period < '2024' and (value is not null or flag is null)"),
                0, 0, 0);
    assert_true(quirk_count(&r, "missing-quantity", NULL) > 0);
    cm_import_report_destroy(&r);
    cm_store_close(s);
}

static void test_baci_pairs(void **state)
{
    cm_store_t *s = NULL;
    cm_import_report_t r;
    char path[4096];
    (void)state;
    memset(&r, 0, sizeof r);
    import_shared("baci", "baci-crm-flows-belgium-2002-2024/baci_2024_crm_hs6_all_pairs.csv",
                  NULL, &s, &r, path, sizeof path);
    /* 21,724 lines by wc -l: the header and 21,723 records */
    assert_int_equal(r.records, 21723);
    /* FIN,BEL,282200,56000935.0: agrees with the labelled series (SOURCE.md) */
    ASSERT_NEAR(value_of(s, "select value from observation where region='BEL' and "
                            "partner='FIN' and product='282200' and period='2024'"),
                56000935, 0, 1e-9);
    ASSERT_NEAR(value_of(s, "select count(*) from observation where period <> '2024'"), 0, 0, 0);
    cm_import_report_destroy(&r);
    cm_store_close(s);
}

static void test_comtrade(void **state)
{
    cm_store_t *s = NULL;
    cm_import_report_t r;
    char path[4096];
    (void)state;
    memset(&r, 0, sizeof r);
    import_shared("comtrade", "comtrade-crm-hs6-2022-2024/comtrade_2022_belgium_reporter.csv",
                  NULL, &s, &r, path, sizeof path);
    assert_int_equal(r.records, 983);
    /* 2022,56,0,250490,M,115969.976,27106.1: partner 0 = World */
    ASSERT_NEAR(value_of(s, "select value from observation where variable='import_value' and "
                            "region='BEL' and partner='WLD' and product='250490'"),
                115969.976, 1e-12, 0);
    ASSERT_NEAR(value_of(s, "select value from observation where variable='import_quantity' and "
                            "region='BEL' and partner='WLD' and product='250490'"),
                27106.1, 1e-12, 0);
    /* 392 import records (SOURCE.md): values stored + import rows kept aside = 392 */
    ASSERT_NEAR(value_of(s, "select count(*) from observation where variable='import_value'") +
                    value_of(s, "select count(*) from import_issue where kept_aside=1 and "
                                "raw like '%,M,%'"),
                392, 0, 0);
    assert_int_equal(r.rows, 2 * (r.records - r.kept_aside));
    cm_import_report_destroy(&r);
    cm_store_close(s);
}

static void test_comtrade_no_year_column(void **state)
{
    cm_store_t *s = NULL;
    cm_import_report_t r;
    char path[4096];
    (void)state;
    memset(&r, 0, sizeof r);
    import_shared("comtrade", "comtrade-crm-hs6-2022-2024/comtrade_2024_belgium_reporter.csv",
                  NULL, &s, &r, path, sizeof path);
    assert_int_equal(r.records, 956);
    /* the year comes from the file name */
    ASSERT_NEAR(value_of(s, "select count(*) from observation where period <> '2024'"), 0, 0, 0);
    cm_import_report_destroy(&r);
    cm_store_close(s);
}

static void test_iot(void **state)
{
    cm_store_t *s = NULL;
    cm_import_report_t r;
    char path[4096];
    (void)state;
    memset(&r, 0, sizeof r);
    import_shared("iot-oecd", "iotables-siot-examples/BEL2020ttl.csv", NULL, &s, &r, path,
                  sizeof path);
    /* 50 industries x (VALU, OUTPUT) */
    assert_int_equal(r.rows, 100);
    /* VALU row: D10T12 9633.1, D24B 991.7 (columns 9 and 19 of the file) */
    ASSERT_NEAR(value_of(s, "select value from observation where variable='value_added' and "
                            "product='D10T12' and region='BEL' and period='2020'"),
                9633.1, 1e-12, 0);
    ASSERT_NEAR(value_of(s, "select value from observation where variable='value_added' and "
                            "product='D24B'"),
                991.7, 1e-12, 0);
    ASSERT_NEAR(value_of(s, "select value from observation where variable='output' and "
                            "product='D24B'"),
                10471.8, 1e-12, 0);
    /* value added never exceeds output */
    ASSERT_NEAR(value_of(s, "select count(*) from observation v join observation o on "
                            "v.product=o.product and v.variable='value_added' and "
                            "o.variable='output' where v.value > o.value"),
                0, 0, 0);
    assert_string_equal(query1(s, "select distinct unit from observation").text, "MUSD");
    cm_import_report_destroy(&r);
    cm_store_close(s);
}

static void test_iot_options(void **state)
{
    cm_store_t *s = NULL;
    cm_import_report_t r;
    cm_import_options_t opt;
    cm_error_info_t err;
    char path[4096];
    const char *f = cm_test_shared("iotables-siot-examples/BEL2020ttl.csv");
    (void)state;
    if (f == NULL) {
        skip();
    }
    memset(&r, 0, sizeof r);
    memset(&opt, 0, sizeof opt);
    memset(&err, 0, sizeof err);
    s = fresh_store("iot-options", path, sizeof path);
    opt.region = "Atlantis";
    CHECK_ERROR(cm_import_file(s, "iot-oecd", f, &opt, &r, &err), CM_EINVAL);
    opt.region = "FRA";
    opt.period = "20x0";
    CHECK_ERROR(cm_import_file(s, "iot-oecd", f, &opt, &r, &err), CM_EINVAL);
    opt.period = "2019";
    CHECK_OK(cm_import_file(s, "iot-oecd", f, &opt, &r, &err), &err);
    ASSERT_NEAR(value_of(s, "select count(*) from observation where region='FRA' and "
                            "period='2019'"),
                100, 0, 0);
    cm_import_report_destroy(&r);
    cm_store_close(s);
}

static void test_crma(void **state)
{
    cm_store_t *s = NULL;
    cm_import_report_t r;
    char path[4096];
    (void)state;
    memset(&r, 0, sizeof r);
    import_shared("crma-lists", "eu-crma-2024-lists/crma_2024_critical_and_strategic.csv", NULL,
                  &s, &r, path, sizeof path);
    assert_int_equal(r.records, 34);
    assert_int_equal(r.kept_aside, 0);
    ASSERT_NEAR(value_of(s, "select sum(value) from observation where variable='crma_critical'"),
                34, 0, 0);
    /* 17 strategic entries; "rare earth elements for magnets" spans the HREE and LREE rows */
    ASSERT_NEAR(value_of(s, "select count(distinct json_extract(attrs, '$.strategic_entry')) "
                            "from observation where variable='crma_strategic' and value=1"),
                17, 0, 0);
    ASSERT_NEAR(value_of(s, "select sum(value) from observation where variable='crma_strategic' "
                            "and material in ('rare-earth-elements-heavy', "
                            "'rare-earth-elements-light')"),
                2, 0, 0);
    ASSERT_NEAR(value_of(s, "select value from observation where variable='crma_strategic' and "
                            "material='aluminium'"),
                1, 0, 0);
    cm_import_report_destroy(&r);
    cm_store_close(s);
}

/* --- OECD -> NACE ------------------------------------------------------------------------ */

/* Every industry column and TTL_ row of BEL2020ttl.csv is in the concordance. */
static void test_nace_covers_bel2020(void **state)
{
    const char *f = cm_test_shared("iotables-siot-examples/BEL2020ttl.csv");
    FILE *fp;
    char line[8192];
    int found_rows = 0;
    (void)state;
    if (f == NULL) {
        skip();
    }
    fp = fopen(f, "r");
    assert_non_null(fp);
    while (fgets(line, sizeof line, fp) != NULL) {
        char code[32];
        size_t i;
        if (strncmp(line, "\"TTL_", 5) != 0 || strncmp(line, "\"TTL_INT", 8) == 0) {
            continue;
        }
        snprintf(code, sizeof code, "D%s", line + 5);
        code[strcspn(code, "\"")] = '\0';
        for (i = 0; i < cm_nace_oecd_count(); i++) {
            const char *o, *d;
            cm_error_info_t err;
            memset(&err, 0, sizeof err);
            CHECK_OK(cm_nace_oecd_entry(i, &o, &d, &err), &err);
            if (strcmp(o, code) == 0) {
                break;
            }
        }
        if (i == cm_nace_oecd_count()) {
            fail_msg("industry %s of BEL2020ttl.csv is not in the concordance", code);
        }
        found_rows++;
    }
    fclose(fp);
    assert_int_equal(found_rows, 50);
    assert_int_equal(cm_nace_oecd_count(), 50);
}

/* data/classifications/oecd-iot-nace2.csv holds exactly the built-in pairs. */
static void test_nace_file_agrees(void **state)
{
    FILE *fp = fopen(cm_test_source("data/classifications/oecd-iot-nace2.csv"), "r");
    char line[256];
    size_t pairs = 0, expected = 0;
    (void)state;
    assert_non_null(fp);
    assert_non_null(fgets(line, sizeof line, fp));
    assert_string_equal(line, "from,to,weight\n");
    while (fgets(line, sizeof line, fp) != NULL) {
        char *from = line, *to = strchr(line, ','), *w;
        const char *o = NULL, *d = NULL;
        size_t ndiv = 0;
        int ok = 0;
        assert_non_null(to);
        *to++ = '\0';
        w = strchr(to, ',');
        assert_non_null(w);
        *w++ = '\0';
        for (size_t i = 0; i < cm_nace_oecd_count(); i++) {
            CHECK_OK(cm_nace_oecd_entry(i, &o, &d, NULL), NULL);
            if (strcmp(o, from) == 0) {
                ok = strstr(d, to) != NULL;
                ndiv = (strlen(d) + 1) / 4;
                break;
            }
        }
        assert_true(ok);
        ASSERT_NEAR(strtod(w, NULL), 1.0 / (double)ndiv, 1e-15, 0);
        pairs++;
    }
    fclose(fp);
    for (size_t i = 0; i < cm_nace_oecd_count(); i++) {
        const char *o, *d;
        CHECK_OK(cm_nace_oecd_entry(i, &o, &d, NULL), NULL);
        expected += (strlen(d) + 1) / 4;
    }
    assert_int_equal(pairs, expected);
}

static void test_nace_map(void **state)
{
    const char *codes[] = {"D10T12", "D23", "D24A", "D24B"};
    const double va[] = {9633.1, 2897.2, 1506.4, 991.7};
    cm_nace_value_t *v = NULL;
    size_t n = 0;
    double total = 0;
    cm_error_info_t err;
    (void)state;
    memset(&err, 0, sizeof err);
    CHECK_OK(cm_nace_from_oecd(4, codes, va, CM_NACE_SPLIT_EQUALLY, CM_NACE_USD_PER_EUR_2020, &v,
                               &n, &err),
             &err);
    /* C10 C11 C12 C23 C24 */
    assert_int_equal(n, 5);
    assert_string_equal(v[0].nace, "C10");
    ASSERT_NEAR(v[0].value, 9633.1 / 3 / 1.14128186, 1e-12, 0);
    ASSERT_NEAR(v[0].share, 1.0 / 3, 1e-15, 0);
    assert_string_equal(v[4].nace, "C24");
    ASSERT_NEAR(v[4].value, (1506.4 + 991.7) / 1.14128186, 1e-12, 0);
    for (size_t i = 0; i < n; i++) {
        total += v[i].value;
    }
    /* splitting keeps the total */
    ASSERT_NEAR(total, (9633.1 + 2897.2 + 1506.4 + 991.7) / 1.14128186, 1e-12, 0);
    cm_free(v);
    CHECK_OK(cm_nace_from_oecd(4, codes, va, CM_NACE_KEEP_TOGETHER, 1.0, &v, &n, &err), &err);
    assert_int_equal(n, 5);
    assert_string_equal(v[1].nace, "C11");
    assert_string_equal(v[1].group, "C10-C12");
    ASSERT_NEAR(v[1].value, 9633.1, 1e-12, 0);
    assert_string_equal(v[3].group, "C23");
    cm_free(v);
    v = NULL;
    /* errors */
    {
        const char *bad[] = {"D99"};
        const double nanv[] = {NAN};
        CHECK_ERROR(cm_nace_from_oecd(1, bad, va, CM_NACE_SPLIT_EQUALLY, 1.0, &v, &n, &err),
                    CM_EINVAL);
        CHECK_ERROR(cm_nace_from_oecd(1, codes, nanv, CM_NACE_SPLIT_EQUALLY, 1.0, &v, &n, &err),
                    CM_EINVAL);
        CHECK_ERROR(cm_nace_from_oecd(1, codes, va, CM_NACE_SPLIT_EQUALLY, 0.0, &v, &n, &err),
                    CM_EINVAL);
        CHECK_ERROR(cm_nace_from_oecd(1, codes, va, CM_NACE_SPLIT_EQUALLY, 1.0, NULL, &n, &err),
                    CM_EINVAL);
        CHECK_ERROR(cm_nace_oecd_entry(50, &bad[0], &bad[0], &err), CM_EINVAL);
        cm_test_fail_alloc_after(0);
        CHECK_ERROR(cm_nace_from_oecd(1, codes, va, CM_NACE_SPLIT_EQUALLY, 1.0, &v, &n, &err),
                    CM_ENOMEM);
        cm_test_fail_alloc_after(-1);
        assert_null(v);
    }
    /* the default rate is the mean of the ECB monthly averages of 2020 in the shared file */
    {
        const char *f = cm_test_shared("ecb-fx-monthly/fx_usd_eur.csv");
        FILE *fp;
        char line[1024];
        double sum = 0;
        int months = 0;
        if (f == NULL) {
            return;
        }
        fp = fopen(f, "r");
        assert_non_null(fp);
        while (fgets(line, sizeof line, fp) != NULL) {
            char *p = strstr(line, ",2020-");
            if (p != NULL) {
                sum += strtod(strchr(p + 1, ',') + 1, NULL);
                months++;
            }
        }
        fclose(fp);
        assert_int_equal(months, 12);
        ASSERT_NEAR(CM_NACE_USD_PER_EUR_2020, sum / 12, 1e-7, 0);
    }
}

/* The year of an all-pairs file must come from the name or the option. */
static void test_baci_period_needed(void **state)
{
    cm_store_t *s = NULL;
    cm_import_report_t r;
    cm_import_options_t opt;
    cm_error_info_t err;
    char path[4096], csv[4200];
    FILE *fp;
    (void)state;
    memset(&r, 0, sizeof r);
    memset(&opt, 0, sizeof opt);
    memset(&err, 0, sizeof err);
    s = fresh_store("baci-period", path, sizeof path);
    snprintf(csv, sizeof csv, "%s/pairs.csv", cm_test_tmpdir());
    fp = fopen(csv, "w");
    assert_non_null(fp);
    fputs("i,j,cmd,value\nCOD,BEL,260500,1000.0\n", fp);
    fclose(fp);
    CHECK_ERROR(cm_import_file(s, "baci", csv, &opt, &r, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "--period"));
    opt.period = "2023";
    CHECK_OK(cm_import_file(s, "baci", csv, &opt, &r, &err), &err);
    assert_string_equal(query1(s, "select period || ' ' || region || ' ' || partner from "
                                  "observation")
                            .text,
                        "2023 BEL COD");
    cm_import_report_destroy(&r);
    cm_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CM_TEST(test_comext),        CM_TEST(test_cn8_materials),
        CM_TEST(test_baci_belgium),  CM_TEST(test_baci_pairs),
        CM_TEST(test_comtrade),      CM_TEST(test_comtrade_no_year_column),
        CM_TEST(test_iot),           CM_TEST(test_iot_options),
        CM_TEST(test_crma),          CM_TEST(test_nace_covers_bel2020),
        CM_TEST(test_nace_file_agrees), CM_TEST(test_nace_map),
        CM_TEST(test_baci_period_needed),
    };
    return CM_RUN_TESTS(tests);
}

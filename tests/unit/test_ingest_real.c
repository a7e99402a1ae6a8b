/* Importers on the real public datasets in ../shared/data (skipped when absent). Values were
 * checked by hand against the files (grep), see the comments. */
#include "test_ingest_util.h"

static void import_real(const char *kind, const char *rel, const cm_import_options_t *opt,
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
    assert_int_equal(r->skipped, 0);
    assert_true(r->dataset_id > 0);
}

/* Rows imported + rows kept aside = records - duplicates (each kept row gives k obs). */
static void check_accounting(const cm_import_report_t *r, int64_t obs_per_record_max)
{
    int64_t dups = quirk_count(r, "duplicate-row", NULL);
    int64_t kept = r->kept_aside;
    if (dups < 0) {
        dups = 0;
    }
    assert_true(r->rows <= (r->records - dups - kept) * obs_per_record_max);
    assert_true(r->records - dups - kept >= 0);
}

static void test_wgi(void **state)
{
    cm_store_t *s = NULL;
    cm_import_report_t r;
    char path[4096];
    (void)state;
    memset(&r, 0, sizeof r);
    import_real("wgi", "wgi-2024-update/wgidataset.csv", NULL, &s, &r, path, sizeof path);
    /* 214 economies x 6 indicators x 25 years (SOURCE.md) */
    assert_int_equal(r.records, 214 * 6 * 25);
    /* every kept record gives its six numeric columns, ".." cells included as flags */
    assert_int_equal(r.rows, (r.records - r.kept_aside) * 6);
    /* 1126 records are ".." in all six columns (grep -c '\.\.' wgidataset.csv) */
    assert_int_equal(quirk_count(&r, "flag", ".."), 1126 * 6);
    assert_int_equal(quirk_count(&r, "bom", NULL), 1);
    /* BELrl2023,BEL,Belgium,2023,rl,1.30,0.17,10,88.2,82.1,92.9 */
    ASSERT_NEAR(query1(s, "select value from observation where variable='estimate' and "
                          "region='BEL' and product='rl' and period='2023'")
                    .value,
                1.30, 0, 1e-12);
    ASSERT_NEAR(query1(s, "select value from observation where variable='pctrank' and "
                          "region='BEL' and product='rl' and period='2023'")
                    .value,
                88.2, 0, 1e-12);
    /* ZAR (World Bank code) is the Democratic Republic of the Congo */
    assert_int_equal(query1(s, "select count(*) from observation where region='COD'").value,
                     6 * 6 * 25);
    /* ".." is kept as a flag with no value, never zeroed */
    assert_int_equal(query1(s, "select count(*) from observation where flag='..' and value is "
                               "not null")
                         .value,
                     0);
    assert_int_equal(query1(s, "select count(*) from observation where flag='..'").value,
                     1126 * 6);
    cm_import_report_destroy(&r);
    cm_store_close(s);
}

static void test_eucrm_results(void **state)
{
    cm_store_t *s = NULL;
    cm_import_report_t r;
    char path[4096];
    (void)state;
    memset(&r, 0, sizeof r);
    import_real("eu-crm-results", "eu-crm-2023-critmat/eureport_results.csv", NULL, &s, &r, path,
                sizeof path);
    assert_int_equal(r.records, 91);
    assert_int_equal(quirk_count(&r, "duplicate-row", NULL), 1);           /* Tungsten */
    assert_int_equal(quirk_count(&r, "shifted-column", NULL), 5);          /* 5 materials */
    assert_int_equal(quirk_count(&r, "percent-in-index", "supply_risk_primary"), 1); /* LREE */
    check_accounting(&r, 9);
    /* Cobalt,2.8,6.8,Extraction,E+P,GSonly,2.8,GS+EU,0.5,... */
    ASSERT_NEAR(query1(s, "select value from observation where variable='supply_risk' and "
                          "material='cobalt' and stage is null")
                    .value,
                2.8, 0, 1e-12);
    ASSERT_NEAR(query1(s, "select value from observation where variable='economic_importance' "
                          "and material='cobalt'")
                    .value,
                6.8, 0, 1e-12);
    ASSERT_NEAR(query1(s, "select value from observation where variable='supply_risk' and "
                          "material='cobalt' and stage='processing'")
                    .value,
                0.5, 0, 1e-12);
    cm_import_report_destroy(&r);
    cm_store_close(s);
}

static void test_eucrm_supply(void **state)
{
    cm_store_t *s = NULL;
    cm_import_report_t r;
    char path[4096];
    q1_t q;
    (void)state;
    memset(&r, 0, sizeof r);
    import_real("eu-crm-supply", "eu-crm-2023-emilsson/fact_GlobalSupplyShares_t.csv", NULL, &s,
                &r, path, sizeof path);
    assert_int_equal(r.records, 2561);
    assert_int_equal(quirk_count(&r, "flag", "<"), 514); /* grep -c '<0.1%' */
    assert_true(quirk_count(&r, "windows-1252", NULL) > 0);
    check_accounting(&r, 2);
    /* Cobalt,E,"Congo, D.R.",62.8%,1.1 */
    ASSERT_NEAR(query1(s, "select value from observation where variable='supply_share_global' "
                          "and material='cobalt' and stage='extraction' and partner='COD'")
                    .value,
                0.628, 1e-12, 0);
    ASSERT_NEAR(query1(s, "select value from observation where variable='trade_t_global' and "
                          "material='cobalt' and stage='extraction' and partner='COD'")
                    .value,
                1.1, 0, 1e-12);
    /* invariant: no material x stage sums above 1 + tolerance; the '<' shares are bounds */
    q = query1(s, "select max(t) from (select sum(case when flag='<' then 0 else value end) t "
                  "from observation where variable='supply_share_global' group by material, "
                  "stage)");
    assert_true(q.value <= 1.025 + 1e-9);
    /* the eu scope is read from the file name */
    cm_import_report_destroy(&r);
    cm_store_close(s);
}

static void test_eucrm_supply_eu_and_use(void **state)
{
    cm_store_t *s = NULL;
    cm_import_report_t r;
    cm_error_info_t err;
    char path[4096], file[4096];
    const char *f;
    (void)state;
    memset(&r, 0, sizeof r);
    memset(&err, 0, sizeof err);
    import_real("eu-crm-supply", "eu-crm-2023-emilsson/fact_EUSupplyShares_t.csv", NULL, &s, &r,
                path, sizeof path);
    assert_int_equal(r.records, 907);
    assert_int_equal(quirk_count(&r, "share-without-percent-sign", NULL), 1); /* Silicon metal */
    assert_int_equal(query1(s, "select count(*) from observation where variable like "
                               "'%global%'")
                         .value,
                     0);
    cm_import_report_destroy(&r);
    f = cm_test_shared("eu-crm-2023-emilsson/fact_MaterialUseShares.csv");
    assert_non_null(f);
    snprintf(file, sizeof file, "%s", f);
    CHECK_OK(cm_import_file(s, "eu-crm-use", file, NULL, &r, &err), &err);
    assert_int_equal(r.records, 339);
    assert_int_equal(quirk_count(&r, "duplicate-row", NULL), 1); /* Magnesium, Construction */
    assert_int_equal(quirk_count(&r, "flag", ">"), 1);          /* Copper >0% */
    cm_import_report_destroy(&r);
    f = cm_test_shared("eu-crm-2023-emilsson/dimension_CRMsOverTime.csv");
    assert_non_null(f);
    snprintf(file, sizeof file, "%s", f);
    CHECK_OK(cm_import_file(s, "eu-crm-history", file, NULL, &r, &err), &err);
    assert_int_equal(r.records, 355); /* 71 materials x 5 assessments */
    /* Cobalt,2023,2.8,6.8 */
    ASSERT_NEAR(query1(s, "select o.value from observation o join dataset d on "
                          "d.id=o.dataset_id where d.kind='eu-crm-history' and "
                          "o.variable='supply_risk' and o.material='cobalt' and o.period='2023'")
                    .value,
                2.8, 0, 1e-12);
    cm_import_report_destroy(&r);
    f = cm_test_shared("eu-crm-2023-critmat/eureport_tradeparameters.csv");
    assert_non_null(f);
    snprintf(file, sizeof file, "%s", f);
    CHECK_OK(cm_import_file(s, "eu-crm-trade", file, NULL, &r, &err), &err);
    assert_int_equal(r.records, 121);
    /* Cobalt,DR Congo,1.1,primary,world */
    ASSERT_NEAR(query1(s, "select o.value from observation o join dataset d on "
                          "d.id=o.dataset_id where d.kind='eu-crm-trade' and "
                          "o.variable='trade_t_global' and o.material='cobalt' and "
                          "o.partner='COD'")
                    .value,
                1.1, 0, 1e-12);
    cm_import_report_destroy(&r);
    cm_store_close(s);
}

static void test_usgs(void **state)
{
    cm_store_t *s = NULL;
    cm_import_report_t r;
    char path[4096];
    (void)state;
    memset(&r, 0, sizeof r);
    import_real("usgs-mcs", "usgs-mcs/2024-world/mcs2024-cobal_world.csv", NULL, &s, &r, path,
                sizeof path);
    assert_int_equal(r.records, 14);
    assert_int_equal(r.kept_aside, 0);
    /* 14 records x (2 production years + reserves) */
    assert_int_equal(r.rows, 14 * 3);
    assert_int_equal(quirk_count(&r, "aggregate-row", NULL), 2);
    /* MCS2024,Congo (Kinshasa),...,144000,170000,,6000000 */
    ASSERT_NEAR(query1(s, "select value from observation where variable='production' and "
                          "region='COD' and material='cobalt' and period='2022' and unit='t'")
                    .value,
                144000, 0, 1e-9);
    ASSERT_NEAR(query1(s, "select value from observation where variable='reserves' and "
                          "region='COD'")
                    .value,
                6000000, 0, 1e-9);
    /* New Caledonia11 -> NCL; its reserves are NA, kept as a flag */
    assert_string_equal(query1(s, "select flag from observation where variable='reserves' and "
                                  "region='NCL'")
                            .text,
                        "NA");
    /* invariant: the countries (no aggregates) sum to about the rounded world total */
    {
        double world = query1(s, "select value from observation where variable='production' "
                                 "and region='WLD' and period='2023'")
                           .value;
        double sum = query1(s, "select sum(value) from observation where "
                               "variable='production' and period='2023' and region not in "
                               "('WLD','OTH')")
                         .value +
                     query1(s, "select value from observation where variable='production' "
                               "and region='OTH' and period='2023'")
                         .value;
        ASSERT_NEAR(sum, world, 0.02, 0);
    }
    cm_import_report_destroy(&r);
    cm_store_close(s);
}

static void test_wmd(void **state)
{
    cm_store_t *s = NULL;
    cm_import_report_t r;
    char path[4096];
    (void)state;
    memset(&r, 0, sizeof r);
    import_real("wmd", "world-mining-data/wmd_production_2018_2022_long.csv", NULL, &s, &r, path,
                sizeof path);
    assert_int_equal(r.records, 9840);
    /* data_source_flag counts: r 7360, e 2105, p 50, 'nan' 325 (not a flag) */
    assert_int_equal(quirk_count(&r, "flag", "r"), 7360);
    assert_int_equal(quirk_count(&r, "flag", "e"), 2105);
    assert_int_equal(quirk_count(&r, "flag", "p"), 50);
    assert_int_equal(quirk_count(&r, "empty-value", NULL), 34);
    assert_int_equal(r.rows + r.kept_aside, 9840);
    /* Cobalt,"Congo, D.R.",180,COD,2022,115371,metr. t,r */
    ASSERT_NEAR(query1(s, "select value from observation where material='cobalt' and "
                          "region='COD' and period='2022'")
                    .value,
                115371, 0, 1e-9);
    assert_string_equal(query1(s, "select unit from observation where material='cobalt' and "
                                  "region='COD' and period='2022'")
                            .text,
                        "t");
    /* 20 cobalt producers x 5 years in the file */
    assert_int_equal(query1(s, "select count(*) from observation where material='cobalt'").value +
                         0,
                     100);
    cm_import_report_destroy(&r);
    cm_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CM_TEST(test_wgi),  CM_TEST(test_eucrm_results), CM_TEST(test_eucrm_supply),
        CM_TEST(test_eucrm_supply_eu_and_use), CM_TEST(test_usgs), CM_TEST(test_wmd),
    };
    return CM_RUN_TESTS(tests);
}

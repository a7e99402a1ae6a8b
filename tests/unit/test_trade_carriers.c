/* CRM carriers (src/trade/carriers.c): the composition table, the content of a tiny store
 * imported through the BACI importer and checked by hand, unit errors, the missing-flow list,
 * the ranking, allocation failures and the Belgian run on the bundled BACI files. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cambium/cambium.h"
#include "cm_test.h"

static const char *write_tmp(const char *name, const char *text, char *path, size_t n)
{
    FILE *f;
    snprintf(path, n, "%s/%s", cm_test_tmpdir(), name);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static cm_store_t *fresh_store(const char *name, char *path, size_t n)
{
    cm_store_t *s = NULL;
    cm_error_info_t err;
    memset(&err, 0, sizeof err);
    snprintf(path, n, "%s/%s.db", cm_test_tmpdir(), name);
    unlink(path);
    CHECK_OK(cm_store_open(path, CM_STORE_CREATE, &s, &err), &err);
    return s;
}

#define HEAD "product_code,code_system,material,kg,per,low,high,conv,conv_unit,source_id,note\n"

/* kg of material per kg of product, by hand:
 * 850760 Li 0.1 kg/kWh x 0.2 kWh/kg = 0.02; Co 0.08 x 200 Wh/kg = 0.016
 * 850511 Nd 0.25; 842132 Pt 0.002 kg/unit / 8 kg/unit = 0.00025
 * 283691 Li 0.188; 282520 Li 165 kg/t = 0.165; 854143 (no flow) */
static const char comp_text[] =
    HEAD "850760,HS6,lithium,0.1,kWh,0.09,0.12,0.2,kWh/kg,t1,\n"
         "850760,HS6,cobalt,0.08,kWh,,,200,Wh/kg,t1,\n"
         "850511,HS6,neodymium,0.25,kg,,,,,t2,\n"
         "842132,HS6,platinum,0.002,unit,,,8,kg,t3,\n"
         "283691,HS6,lithium,0.188,kg,,,,,t4,\n"
         "282520,HS6,lithium,165,t,,,,,t4,\n"
         "854143,HS6,silver,0.0004,kg,,,,,t5,\n";

/* BACI layout: year, exporter, importer (M49: 56 Belgium, 156 China, 276 Germany, 152 Chile),
 * HS6, kUSD, t */
static const char baci_text[] = "t,i,j,k,v,q\n"
                                "2022,156,56,850760,1000,2\n"
                                "2022,276,56,850760,500,1\n"
                                "2022,56,276,850760,300,0.5\n"
                                "2022,156,56,850511,800,3\n"
                                "2022,156,56,283691,200,NA\n"
                                "2022,152,56,282520,50,4\n"
                                "2022,156,56,842132,100,0.8\n"
                                "2023,156,56,850760,1000,4\n";

static cm_store_t *tiny_store(int production)
{
    char path[4096], file[4096];
    cm_store_t *s = fresh_store("carriers", path, sizeof path);
    cm_error_info_t err;
    cm_import_report_t r;
    memset(&err, 0, sizeof err);
    memset(&r, 0, sizeof r);
    write_tmp("carriers-baci.csv", baci_text, file, sizeof file);
    CHECK_OK(cm_import_file(s, "baci", file, NULL, &r, &err), &err);
    cm_import_report_destroy(&r);
    if (production) {
        cm_provenance_t prov = {"tidy", "production test", "test", NULL, NULL, NULL, NULL,
                                "0000000000000000000000000000000000000000000000000000000000000000"};
        cm_store_import_t *imp = NULL;
        cm_obs_t o = {"production", "BEL", NULL, NULL, "850760", NULL, "2022", 2.0, "t",
                      NULL, NULL, 1};
        CHECK_OK(cm_store_import_begin(s, &prov, &imp, &err), &err);
        CHECK_OK(cm_store_import_add(imp, &o, &err), &err);
        CHECK_OK(cm_store_import_commit(imp, &err), &err);
    }
    return s;
}

static const cm_carrier_row_t *find(const cm_carriers_t *r, int year, const char *product,
                                    const char *material)
{
    size_t i;
    for (i = 0; i < r->n; i++) {
        if (r->rows[i].year == year && strcmp(r->rows[i].product, product) == 0 &&
            strcmp(r->rows[i].material, material) == 0) {
            return &r->rows[i];
        }
    }
    return NULL;
}

static void test_content_by_hand(void **state)
{
    char cpath[4096];
    cm_carrier_comps_t c;
    cm_carriers_t r;
    cm_error_info_t err;
    cm_store_t *s = tiny_store(1);
    const cm_carrier_row_t *x;
    (void)state;
    memset(&c, 0, sizeof c);
    memset(&err, 0, sizeof err);
    CHECK_OK(cm_carrier_comps_load(write_tmp("c.csv", comp_text, cpath, sizeof cpath), &c, &err),
             &err);
    assert_int_equal(c.n, 7);
    ASSERT_NEAR(c.items[0].kg_per_kg, 0.02, 1e-12, 0);
    ASSERT_NEAR(c.items[1].kg_per_kg, 0.016, 1e-12, 0);
    ASSERT_NEAR(c.items[3].kg_per_kg, 0.00025, 1e-12, 0);
    ASSERT_NEAR(c.items[5].kg_per_kg, 0.165, 1e-12, 0);
    assert_true(isnan(c.items[1].low_per_kg));
    CHECK_OK(cm_carriers_compute(s, &c, "BEL", 2022, &r, &err), &err);

    /* Li-ion: imports 3 t, exports 0.5 t (Germany's import of Belgian cells), production 2 t */
    x = find(&r, 2022, "850760", "lithium");
    assert_non_null(x);
    ASSERT_NEAR(x->import_kg, 3000, 1e-12, 0);
    ASSERT_NEAR(x->export_kg, 500, 1e-12, 0);
    ASSERT_NEAR(x->production_kg, 2000, 1e-12, 0);
    ASSERT_NEAR(x->import_content, 60, 1e-12, 0);
    ASSERT_NEAR(x->import_low, 54, 1e-12, 0);
    ASSERT_NEAR(x->import_high, 72, 1e-12, 0);
    ASSERT_NEAR(x->export_content, 10, 1e-12, 0);
    ASSERT_NEAR(x->apparent_content, 90, 1e-12, 0);
    /* identity: apparent = production content + imports - exports */
    ASSERT_NEAR(x->apparent_content, x->production_kg * 0.02 + x->import_content - x->export_content,
                1e-12, 0);
    assert_string_equal(x->status, "ok");
    x = find(&r, 2022, "850760", "cobalt");
    ASSERT_NEAR(x->import_content, 48, 1e-12, 0);
    /* magnets: no exports, no production */
    x = find(&r, 2022, "850511", "neodymium");
    ASSERT_NEAR(x->import_content, 750, 1e-12, 0);
    assert_true(isnan(x->apparent_content));
    assert_string_equal(x->status, "exports and production missing");
    x = find(&r, 2022, "842132", "platinum");
    ASSERT_NEAR(x->import_content, 0.2, 1e-12, 0);
    /* value only: never converted */
    x = find(&r, 2022, "283691", "lithium");
    assert_non_null(x);
    assert_true(isnan(x->import_content));
    assert_int_equal(x->rank, 0);
    assert_int_equal(x->n_missing_q, 1);
    assert_string_equal(x->status, "no quantity: not convertible");
    /* ranking of lithium: LiOH 660 kg, then the batteries 60 kg */
    x = find(&r, 2022, "282520", "lithium");
    ASSERT_NEAR(x->import_content, 660, 1e-12, 0);
    assert_int_equal(x->rank, 1);
    assert_int_equal(find(&r, 2022, "850760", "lithium")->rank, 2);
    /* the year filter */
    assert_null(find(&r, 2023, "850760", "lithium"));
    /* the flow-missing list: PV modules have no flow at all; Li-ion has every flow */
    {
        size_t i;
        int pv = 0, li = 0;
        for (i = 0; i < r.n_missing; i++) {
            pv |= strcmp(r.missing[i].product, "854143") == 0 &&
                  strcmp(r.missing[i].flows, "imports, exports, production") == 0;
            li |= strcmp(r.missing[i].product, "850760") == 0;
        }
        assert_true(pv);
        assert_false(li);
    }
    cm_carriers_destroy(&r);

    /* every year: 2023 appears with production missing */
    CHECK_OK(cm_carriers_compute(s, &c, "BEL", 0, &r, &err), &err);
    x = find(&r, 2023, "850760", "lithium");
    assert_non_null(x);
    ASSERT_NEAR(x->import_content, 80, 1e-12, 0);
    assert_string_equal(x->status, "exports and production missing");
    /* rows sorted by (year, material, rank) */
    {
        size_t i;
        for (i = 1; i < r.n; i++) {
            assert_true(r.rows[i - 1].year <= r.rows[i].year);
        }
    }
    cm_carriers_destroy(&r);
    CHECK_ERROR(cm_carriers_compute(s, &c, "BE'L", 0, &r, &err), CM_EINVAL);
    CHECK_ERROR(cm_carriers_compute(NULL, &c, "BEL", 0, &r, &err), CM_EINVAL);
    cm_carrier_comps_destroy(&c);
    cm_store_close(s);
}

/* A second import of the same file is a new dataset of the same kind: each flow counts once. */
static void test_reimport_counted_once(void **state)
{
    char cpath[4096], file[4096];
    cm_carrier_comps_t c;
    cm_carriers_t r;
    cm_error_info_t err;
    cm_import_report_t rep;
    cm_store_t *s = tiny_store(0);
    (void)state;
    memset(&c, 0, sizeof c);
    memset(&err, 0, sizeof err);
    memset(&rep, 0, sizeof rep);
    snprintf(file, sizeof file, "%s/carriers-baci.csv", cm_test_tmpdir());
    CHECK_OK(cm_import_file(s, "baci", file, NULL, &rep, &err), &err);
    assert_true(rep.dataset_id > 1);
    cm_import_report_destroy(&rep);
    CHECK_OK(cm_carrier_comps_load(write_tmp("c4.csv", comp_text, cpath, sizeof cpath), &c, &err),
             &err);
    CHECK_OK(cm_carriers_compute(s, &c, "BEL", 2022, &r, &err), &err);
    ASSERT_NEAR(find(&r, 2022, "850760", "lithium")->import_content, 60, 1e-12, 0);
    ASSERT_NEAR(find(&r, 2022, "850760", "lithium")->export_content, 10, 1e-12, 0);
    /* 7 rows of 2022, each a value and a quantity observation, counted once (not 28) */
    assert_int_equal(r.n_flows_used, 14);
    cm_carriers_destroy(&r);
    cm_carrier_comps_destroy(&c);
    cm_store_close(s);
}

static void expect_load_error(const char *body, cm_error_t code, const char *needle)
{
    char path[4096], text[2048];
    cm_carrier_comps_t c;
    cm_error_info_t err;
    memset(&c, 0, sizeof c);
    memset(&err, 0, sizeof err);
    snprintf(text, sizeof text, HEAD "%s", body);
    write_tmp("bad.csv", text, path, sizeof path);
    assert_int_equal(cm_carrier_comps_load(path, &c, &err), code);
    if (strstr(err.message, needle) == NULL) {
        fail_msg("expected '%s' in '%s'", needle, err.message);
    }
    assert_int_equal(c.n, 0);
    assert_null(c.items);
}

static void test_unit_errors(void **state)
{
    (void)state;
    /* per kWh with a conversion that is a mass: file, line and both units named */
    expect_load_error("850760,HS6,lithium,0.1,kWh,,,0.2,kg,t1,\n", CM_EUNIT,
                      "bad.csv:2: composition per 'kWh' cannot be combined with conversion "
                      "unit 'kg'");
    expect_load_error("850760,HS6,lithium,0.1,unit,,,0.2,kWh/kg,t1,\n", CM_EUNIT,
                      "'unit' cannot be combined with conversion unit 'kWh/kg'");
    expect_load_error("850511,HS6,neodymium,0.1,EUR,,,,,t1,\n", CM_EUNIT, "per 'EUR'");
    expect_load_error("850511,HS6,neodymium,0.1,m3,,,,,t1,\n", CM_EUNIT, "per 'm3'");
    expect_load_error("850760,HS6,lithium,0.1,kWh,,,,,t1,\n", CM_EPARSE, "expected conv");
    expect_load_error("850760,HS9,lithium,0.1,kg,,,,,t1,\n", CM_EPARSE, "HS6, CN8 or category");
    expect_load_error("85076,HS6,lithium,0.1,kg,,,,,t1,\n", CM_EPARSE, "expected a HS6 code");
    expect_load_error("8507600,CN8,lithium,0.1,kg,,,,,t1,\n", CM_EPARSE, "expected a CN8 code");
    expect_load_error("850760,HS6,lithium,-1,kg,,,,,t1,\n", CM_EPARSE, "expected a number >= 0");
    expect_load_error("850760,HS6,lithium,0.1,kg,0.2,,,,t1,\n", CM_EPARSE, "low <= kg <= high");
    expect_load_error("850760,HS6,lithium,0.1,kg,,,,,,\n", CM_EPARSE, "expected material");
}

static void test_missing_column_and_args(void **state)
{
    char path[4096];
    cm_carrier_comps_t c;
    cm_error_info_t err;
    (void)state;
    memset(&c, 0, sizeof c);
    memset(&err, 0, sizeof err);
    write_tmp("nocol.csv", "product_code,code_system,material,kg\n850760,HS6,lithium,1\n", path,
              sizeof path);
    CHECK_ERROR(cm_carrier_comps_load(path, &c, &err), CM_EPARSE);
    assert_non_null(strstr(err.message, "expected a column 'per'"));
    CHECK_ERROR(cm_carrier_comps_load(NULL, &c, &err), CM_EINVAL);
    snprintf(path, sizeof path, "%s/absent-carriers.csv", cm_test_tmpdir());
    CHECK_ERROR(cm_carrier_comps_load(path, &c, &err), CM_EFILE);
}

/* A trade quantity in a unit that is not a mass (a supplementary unit) cannot be combined. */
static void test_quantity_unit_error(void **state)
{
    char path[4096], cpath[4096];
    cm_store_t *s = fresh_store("carriers-units", path, sizeof path);
    cm_provenance_t prov = {"comext", "units test", "test", NULL, NULL, NULL, NULL,
                            "1111111111111111111111111111111111111111111111111111111111111111"};
    cm_store_import_t *imp = NULL;
    cm_obs_t o = {"import_quantity", "BEL", "CHN", NULL, "85076000", NULL, "2022", 12.0, "1",
                  NULL, NULL, 7};
    cm_carrier_comps_t c;
    cm_carriers_t r;
    cm_error_info_t err;
    (void)state;
    memset(&c, 0, sizeof c);
    memset(&err, 0, sizeof err);
    CHECK_OK(cm_store_import_begin(s, &prov, &imp, &err), &err);
    CHECK_OK(cm_store_import_add(imp, &o, &err), &err);
    CHECK_OK(cm_store_import_commit(imp, &err), &err);
    CHECK_OK(cm_carrier_comps_load(write_tmp("c2.csv", comp_text, cpath, sizeof cpath), &c, &err),
             &err);
    /* the CN8 code 85076000 matches the HS6 row 850760 */
    CHECK_ERROR(cm_carriers_compute(s, &c, "BEL", 0, &r, &err), CM_EUNIT);
    assert_non_null(strstr(err.message, "line 7"));
    assert_non_null(strstr(err.message, "in '1'"));
    assert_non_null(strstr(err.message, "'kg'"));
    assert_int_equal(r.n, 0);
    cm_carrier_comps_destroy(&c);
    cm_store_close(s);
}

/* A CN8 composition replaces the HS6 one for its own code only; 40 CN8 codes under one HS6
 * row each make a group of their own (the group index grows past its first size). */
static void test_cn8_over_hs6_many_groups(void **state)
{
    char path[4096], cpath[4096], code[16];
    cm_store_t *s = fresh_store("carriers-cn8", path, sizeof path);
    cm_provenance_t prov = {"comext", "cn8 test", "test", NULL, NULL, NULL, NULL,
                            "2222222222222222222222222222222222222222222222222222222222222222"};
    cm_store_import_t *imp = NULL;
    cm_obs_t o = {"import_quantity", "BEL", "CHN", NULL, "85076000", NULL, "2022", 12.0, "kg",
                  NULL, NULL, 1};
    cm_carrier_comps_t c;
    cm_carriers_t r;
    cm_error_info_t err;
    const cm_carrier_row_t *row;
    double sum = 0.0, want = 0.0;
    size_t i, n_cn8 = 0;
    (void)state;
    memset(&c, 0, sizeof c);
    memset(&r, 0, sizeof r);
    memset(&err, 0, sizeof err);
    CHECK_OK(cm_store_import_begin(s, &prov, &imp, &err), &err);
    CHECK_OK(cm_store_import_add(imp, &o, &err), &err);
    o.product = "85076010";
    o.value = 5.0;
    o.line = 2;
    CHECK_OK(cm_store_import_add(imp, &o, &err), &err);
    for (i = 0; i < 40; i++) {
        snprintf(code, sizeof code, "850761%02zu", i);
        o.product = code;
        o.value = (double)(i + 1);
        o.line = (cm_int_t)i + 3;
        CHECK_OK(cm_store_import_add(imp, &o, &err), &err);
        want += 0.25 * (double)(i + 1);
    }
    CHECK_OK(cm_store_import_commit(imp, &err), &err);
    CHECK_OK(cm_carrier_comps_load(write_tmp("c4.csv",
                                             HEAD "850760,HS6,lithium,0.02,kg,,,,,t1,\n"
                                                  "85076000,CN8,lithium,0.5,kg,,,,,t2,\n"
                                                  "850761,HS6,cobalt,0.25,kg,,,,,t3,\n",
                                             cpath, sizeof cpath),
                                   &c, &err),
             &err);
    CHECK_OK(cm_carriers_compute(s, &c, "BEL", 0, &r, &err), &err);
    assert_int_equal(r.n, 42);
    row = find(&r, 2022, "85076000", "lithium");
    assert_non_null(row);
    assert_string_equal(row->system, "CN8");
    ASSERT_NEAR(row->import_content, 6.0, 1e-12, 0.0);
    row = find(&r, 2022, "85076010", "lithium");
    assert_non_null(row);
    assert_string_equal(row->system, "HS6");
    ASSERT_NEAR(row->import_content, 0.1, 1e-12, 0.0);
    for (i = 0; i < r.n; i++) {
        n_cn8 += strcmp(r.rows[i].product, "85076000") == 0;
        if (strcmp(r.rows[i].material, "cobalt") == 0) {
            sum += r.rows[i].import_content;
        }
    }
    assert_int_equal(n_cn8, 1);
    ASSERT_NEAR(sum, want, 1e-12, 0.0);
    cm_carriers_destroy(&r);
    cm_carrier_comps_destroy(&c);
    cm_store_close(s);
}

static void test_alloc_failures(void **state)
{
    char cpath[4096];
    cm_store_t *s = tiny_store(0);
    cm_error_info_t err;
    long n;
    int done = 0;
    (void)state;
    memset(&err, 0, sizeof err);
    write_tmp("c3.csv", comp_text, cpath, sizeof cpath);
    for (n = 0; !done && n < 2000; n++) {
        cm_carrier_comps_t c;
        cm_carriers_t r;
        cm_error_t rc;
        memset(&c, 0, sizeof c);
        memset(&r, 0, sizeof r);
        cm_test_fail_alloc_after(n);
        rc = cm_carrier_comps_load(cpath, &c, &err);
        if (rc == CM_OK) {
            rc = cm_carriers_compute(s, &c, "BEL", 0, &r, &err);
        }
        cm_test_fail_alloc_after(-1);
        if (rc == CM_OK) {
            done = 1;
            assert_true(r.n > 0);
        } else {
            assert_true(rc == CM_ENOMEM || rc == CM_ESTORE);
        }
        cm_carriers_destroy(&r);
        cm_carrier_comps_destroy(&c);
    }
    assert_true(done);
    cm_store_close(s);
}

/* The shipped table: every row resolves, ranges bracket the central value. */
static void test_shipped_table(void **state)
{
    cm_carrier_comps_t c;
    cm_error_info_t err;
    size_t i;
    int li = 0, nd = 0, pv = 0, pt = 0;
    (void)state;
    memset(&c, 0, sizeof c);
    memset(&err, 0, sizeof err);
    CHECK_OK(cm_carrier_comps_load(cm_test_source("data/trade/compositions.csv"), &c, &err), &err);
    for (i = 0; i < c.n; i++) {
        const cm_carrier_comp_t *x = &c.items[i];
        assert_true(isfinite(x->kg_per_kg) && x->kg_per_kg >= 0 && x->kg_per_kg <= 1);
        assert_true(isnan(x->low_per_kg) || x->low_per_kg <= x->kg_per_kg);
        assert_true(isnan(x->high_per_kg) || x->high_per_kg >= x->kg_per_kg);
        li |= strcmp(x->product, "850760") == 0 && strcmp(x->material, "lithium") == 0;
        nd |= strcmp(x->product, "850511") == 0 && strcmp(x->material, "neodymium") == 0;
        pv |= strcmp(x->product, "854143") == 0;
        pt |= strcmp(x->product, "842132") == 0;
        if (strcmp(x->product, "li-ion-nmc811") == 0 && strcmp(x->material, "nickel") == 0) {
            /* BatPaC NMC 811: 0.658 kg Ni per kWh x 0.17 kWh/kg */
            ASSERT_NEAR(x->kg_per_kg, 0.658375 * 0.17, 1e-6, 0);
        }
    }
    assert_true(li && nd && pv && pt);
    cm_carrier_comps_destroy(&c);
}

/* The bundled BACI files: magnets 2024 carry quantities; the neodymium content equals 0.23 kg
 * per kg times the tonnes summed from the file here. */
static void test_belgian_bundle(void **state)
{
    static const char *const files[] = {"data/belgium/baci-2022-belgium-crm-imports.csv",
                                        "data/belgium/baci-2024-belgium-crm-imports.csv",
                                        "data/belgium/baci-belgium-crm-imports-2022-2024.csv"};
    char path[4096], line[512];
    cm_store_t *s;
    cm_carrier_comps_t c;
    cm_carriers_t r;
    cm_error_info_t err;
    const cm_carrier_row_t *x;
    double tonnes = 0;
    size_t i;
    FILE *f = fopen(cm_test_source(files[2]), "r");
    (void)state;
    if (f == NULL) {
        skip();
    }
    while (fgets(line, sizeof line, f) != NULL) {
        char *q = strrchr(line, ',');
        if (strncmp(line, "2024,magnets,", 13) == 0 && strstr(line, ",BE,") != NULL &&
            q[1] != '\n' && q[1] != '\0') {
            tonnes += strtod(q + 1, NULL);
        }
    }
    fclose(f);
    assert_true(tonnes > 0);
    memset(&c, 0, sizeof c);
    memset(&err, 0, sizeof err);
    s = fresh_store("carriers-bel", path, sizeof path);
    for (i = 0; i < 3; i++) {
        cm_import_report_t rep;
        memset(&rep, 0, sizeof rep);
        CHECK_OK(cm_import_file(s, "baci", cm_test_source(files[i]), NULL, &rep, &err), &err);
        cm_import_report_destroy(&rep);
    }
    CHECK_OK(cm_carrier_comps_load(cm_test_source("data/trade/compositions.csv"), &c, &err), &err);
    CHECK_OK(cm_carriers_compute(s, &c, "BEL", 0, &r, &err), &err);
    x = find(&r, 2024, "magnets", "neodymium");
    assert_non_null(x);
    ASSERT_NEAR(x->import_content, 0.23 * tonnes * 1000, 1e-12, 0);
    assert_int_equal(x->rank, 1);
    /* the HS6 extracts hold values only: never converted */
    x = find(&r, 2022, "850511", "neodymium");
    assert_non_null(x);
    assert_string_equal(x->status, "no quantity: not convertible");
    cm_carriers_destroy(&r);
    cm_carrier_comps_destroy(&c);
    cm_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CM_TEST(test_content_by_hand),   CM_TEST(test_reimport_counted_once),
        CM_TEST(test_unit_errors),
        CM_TEST(test_missing_column_and_args), CM_TEST(test_quantity_unit_error),
        CM_TEST(test_cn8_over_hs6_many_groups),
        CM_TEST(test_alloc_failures),    CM_TEST(test_shipped_table),
        CM_TEST(test_belgian_bundle),
    };
    return CM_RUN_TESTS(tests);
}

/* The supply map of a material on the bundled Belgian data (data/belgium: EU 2023 tables, WGI,
 * BACI Belgian imports, OECD IOT of Belgium) and the CRMA comparison on a synthetic store. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cambium/cambium.h"
#include "cm_test.h"

static char bundle_db[4096];

static int import_bundle(void **state)
{
    (void)state;
    cm_store_t *s = NULL;
    cm_error_info_t err;
    memset(&err, 0, sizeof err);
    snprintf(bundle_db, sizeof bundle_db, "%s/bundle.db", cm_test_tmpdir());
    unlink(bundle_db);
    if (cm_store_open(bundle_db, CM_STORE_CREATE, &s, &err) != CM_OK ||
        cm_import_bundle(s, cm_test_source("data/belgium"), NULL, NULL, &err) != CM_OK) {
        fprintf(stderr, "bundle import failed: %s\n", err.message);
        cm_store_close(s);
        return -1;
    }
    cm_store_close(s);
    return 0;
}

static cm_store_t *open_bundle(void)
{
    cm_store_t *s = NULL;
    cm_error_info_t err;
    memset(&err, 0, sizeof err);
    CHECK_OK(cm_store_open(bundle_db, CM_STORE_READONLY, &s, &err), &err);
    return s;
}

/* The six-digit codes of material x stage in the code table (as the supply map takes them). */
static size_t hs6_codes(const cm_crit_be_map_t *map, const char *material, int stage,
                        const char **codes, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < map->n; i++) {
        const cm_crit_be_code_t *c = &map->items[i];
        if (c->stage == stage && strcmp(c->material, material) == 0 && strlen(c->code) == 6 &&
            strspn(c->code, "0123456789") == 6) {
            if (n < max) {
                codes[n] = c->code;
            }
            n++;
        }
    }
    return n;
}

static void test_hs6(void **state)
{
    (void)state;
    cm_crit_be_map_t map;
    cm_error_info_t err;
    memset(&map, 0, sizeof map);
    memset(&err, 0, sizeof err);
    CHECK_OK(cm_crit_be_map_builtin(&map, &err), &err);
    const char *codes[8];
    assert_int_equal(hs6_codes(&map, "cobalt", CM_CRIT_EXTRACTION, codes, 8), 1);
    assert_string_equal(codes[0], "260500");
    /* cobalt oxides and hydroxides (282200) and unwrought cobalt (810510, WMD) */
    assert_int_equal(hs6_codes(&map, "cobalt", CM_CRIT_PROCESSING, codes, 8), 2);
    assert_string_equal(codes[0], "282200");
    assert_string_equal(codes[1], "810510");
    /* more codes than room: the count, only max written */
    codes[1] = codes[2] = NULL;
    assert_int_equal(hs6_codes(&map, "manganese", CM_CRIT_PROCESSING, codes, 2), 4);
    assert_non_null(codes[1]);
    assert_null(codes[2]);
    assert_int_equal(hs6_codes(&map, "unobtainium", 0, codes, 8), 0);
    assert_int_equal(hs6_codes(&map, "cobalt", 7, codes, 8), 0);
    /* the rows merged from the crosswalk (data/crit/SOURCES.md) */
    static const struct {
        const char *material, *code;
        int stage;
    } merged[] = {{"aluminium", "281820", 1}, {"hafnium", "811231", 1},
                  {"nickel", "720260", 1},    {"tungsten", "284180", 1},
                  {"gallium", "811292", 1},   {"germanium", "811292", 1},
                  {"hafnium", "811292", 1},   {"tantalum", "261590", 0},
                  {"niobium", "261590", 0}};
    for (size_t i = 0; i < sizeof merged / sizeof merged[0]; i++) {
        size_t n = hs6_codes(&map, merged[i].material, merged[i].stage, codes, 8);
        int found = 0;
        for (size_t k = 0; k < n && k < 8; k++) {
            found |= strcmp(codes[k], merged[i].code) == 0;
        }
        assert_true(found);
    }
    /* the built-in table is the file: same rows in the same order */
    cm_crit_be_map_t file;
    memset(&file, 0, sizeof file);
    CHECK_OK(cm_crit_be_map_load(cm_test_source("data/crit/hs6-materials.csv"), &file, &err),
             &err);
    assert_int_equal(file.n, map.n);
    for (size_t i = 0; i < map.n; i++) {
        assert_string_equal(file.items[i].code, map.items[i].code);
        assert_string_equal(file.items[i].material, map.items[i].material);
        assert_int_equal(file.items[i].stage, map.items[i].stage);
        assert_int_equal(file.items[i].shared, map.items[i].shared);
    }
    cm_crit_be_map_destroy(&file);
    cm_crit_be_map_destroy(&map);
}

static void test_map_cobalt(void **state)
{
    (void)state;
    cm_store_t *s = open_bundle();
    cm_supply_map_t map;
    cm_supply_options_t opt;
    cm_error_info_t err;
    memset(&map, 0, sizeof map);
    memset(&err, 0, sizeof err);
    cm_supply_options_default(&opt);
    CHECK_OK(cm_supply_map_build(s, "Co", &opt, &map, &err), &err);
    assert_string_equal(map.material, "cobalt");
    assert_string_equal(map.name, "Cobalt");
    assert_string_equal(map.region, "BEL");
    /* the bundled WGI holds 2019 (crit's default year) and 2023 for every economy */
    assert_int_equal(map.wgi_year, 2019);
    const cm_supply_stage_t *e = &map.stage[CM_CRIT_EXTRACTION];
    const cm_supply_stage_t *p = &map.stage[CM_CRIT_PROCESSING];
    assert_true(e->present && p->present);
    /* EU 2023 global table: DR Congo 62.8 % of cobalt extraction, then RUS 6.6 %, CAN 4.1 % */
    assert_string_equal(e->producers[0].country, "COD");
    ASSERT_NEAR(e->producers[0].share, 0.628, 1e-12, 0);
    assert_string_equal(e->conc.top[0], "COD");
    assert_string_equal(e->conc.top[1], "RUS");
    assert_string_equal(e->conc.top[2], "CAN");
    ASSERT_NEAR(e->conc.top3, 0.628 + 0.066 + 0.041, 1e-12, 0);
    /* invariants: HHI and HHI_WGI recomputed from the sorted producers */
    for (int st = 0; st < CM_CRIT_NSTAGES; st++) {
        const cm_supply_stage_t *x = &map.stage[st];
        double h = 0, hw = 0, top = 0;
        for (size_t i = 0; i < x->n_producers; i++) {
            double sh = x->producers[i].share;
            h += sh * sh;
            if (!isnan(x->producers[i].wgi_scaled)) {
                hw += sh * sh * x->producers[i].wgi_scaled;
            }
            if (i < 3) {
                top += sh;
            }
            if (i > 0) {
                assert_true(x->producers[i - 1].share >= sh);
            }
        }
        ASSERT_NEAR(x->conc.hhi, h, 1e-12, 1e-15);
        ASSERT_NEAR(x->hhi_wgi, hw, 1e-12, 1e-15);
        ASSERT_NEAR(x->conc.top3, top, 1e-12, 1e-15);
        ASSERT_NEAR(x->wgi_missing, 0.0, 0, 1e-12); /* every producer has a 2023 WGI */
    }
    /* Belgian imports 2024: processing (282200, cobalt oxides) from FIN 56,000,935 USD of
     * 61,517,683 USD; no cobalt ore imports in the extract */
    assert_int_equal(map.import_year, 2024);
    assert_int_equal(e->n_hs6, 1);
    assert_int_equal(e->n_partners, 0);
    assert_true(isnan(e->import_total));
    assert_string_equal(p->partners[0].country, "FIN");
    ASSERT_NEAR(p->import_total, 61517683.0, 1e-12, 0);
    ASSERT_NEAR(p->partners[0].share, 56000935.0 / 61517683.0, 1e-12, 0);
    assert_string_equal(p->import_unit, "USD");
    double sum = 0;
    for (size_t i = 0; i < p->n_partners; i++) {
        sum += p->partners[i].share;
    }
    ASSERT_NEAR(sum, 1.0, 1e-12, 0);
    /* sectors: EU end uses (C20 x3, C25 x3, C27, Other) x Belgian VA 2020 (OECD IOT, MUSD:
     * D20 9473.6, D25 4085.2, D27 1226.1) / 1.14128186 USD per EUR */
    const double r = CM_NACE_USD_PER_EUR_2020;
    assert_int_equal(map.iot_year, 2020);
    assert_int_equal(map.n_sectors, 8);
    ASSERT_NEAR(map.va_exposed_meur, (9473.6 + 4085.2 + 1226.1) / r, 1e-9, 0);
    ASSERT_NEAR(map.va_weighted_meur,
                ((0.12 + 0.13 + 0.11) * 9473.6 + (0.14 + 0.07 + 0.36) * 4085.2 + 0.03 * 1226.1) /
                    r,
                1e-9, 0);
    size_t other = 0;
    for (size_t i = 0; i < map.n_sectors; i++) {
        if (map.sectors[i].nace[0] == '\0') {
            other++;
            assert_true(isnan(map.sectors[i].va_meur));
        } else if (strcmp(map.sectors[i].nace, "C25") == 0) {
            ASSERT_NEAR(map.sectors[i].va_meur, 4085.2 / r, 1e-9, 0);
        }
    }
    assert_int_equal(other, 1);
    assert_true(map.va_total_meur > map.va_exposed_meur);
    cm_supply_map_destroy(&map);
    cm_supply_map_destroy(&map);
    cm_store_close(s);
}

static void test_map_options(void **state)
{
    (void)state;
    cm_store_t *s = open_bundle();
    cm_supply_map_t map;
    cm_supply_options_t opt;
    cm_error_info_t err;
    memset(&map, 0, sizeof map);
    memset(&err, 0, sizeof err);
    cm_supply_options_default(&opt);
    /* an explicit WGI year is kept even when it covers few producers (the bundle holds 2010
     * for Belgium only, which produces no cobalt ore) */
    opt.wgi_year = 2010;
    CHECK_OK(cm_supply_map_build(s, "cobalt", &opt, &map, &err), &err);
    assert_int_equal(map.wgi_year, 2010);
    ASSERT_NEAR(map.stage[0].wgi_missing, map.stage[0].conc.share_sum, 1e-12, 0);
    /* an import year without data: no partners */
    opt.wgi_year = 0;
    opt.import_year = 2010;
    CHECK_OK(cm_supply_map_build(s, "Cobalt", &opt, &map, &err), &err);
    assert_int_equal(map.import_year, 2010);
    assert_int_equal(map.stage[1].n_partners, 0);
    /* 2022 exists */
    opt.import_year = 2022;
    CHECK_OK(cm_supply_map_build(s, "cobalt", &opt, &map, &err), &err);
    assert_true(map.stage[1].n_partners > 0);
    /* a trade-code table (as crit be's): only its six-digit codes of the material x stage */
    cm_crit_be_map_t codes;
    memset(&codes, 0, sizeof codes);
    CHECK_OK(cm_crit_be_map_add(&codes, "282200", "cobalt", CM_CRIT_PROCESSING, &err), &err);
    CHECK_OK(cm_crit_be_map_add(&codes, "810510", "cobalt", CM_CRIT_PROCESSING, &err), &err);
    CHECK_OK(cm_crit_be_map_add(&codes, "28220000", "cobalt", CM_CRIT_PROCESSING, &err), &err);
    CHECK_OK(cm_crit_be_map_add(&codes, "283691", "lithium", CM_CRIT_PROCESSING, &err), &err);
    cm_supply_options_default(&opt);
    opt.codes = &codes;
    CHECK_OK(cm_supply_map_build(s, "cobalt", &opt, &map, &err), &err);
    assert_int_equal(map.stage[CM_CRIT_EXTRACTION].n_hs6, 0);
    assert_int_equal(map.stage[CM_CRIT_EXTRACTION].n_partners, 0);
    assert_int_equal(map.stage[CM_CRIT_PROCESSING].n_hs6, 2);
    assert_string_equal(map.stage[CM_CRIT_PROCESSING].hs6[1], "810510");
    assert_string_equal(map.stage[CM_CRIT_PROCESSING].partners[0].country, "FIN");
    cm_crit_be_map_destroy(&codes);
    /* errors */
    cm_supply_options_default(&opt);
    CHECK_ERROR(cm_supply_map_build(s, "unobtainium", &opt, &map, &err), CM_ENOTFOUND);
    assert_non_null(strstr(err.message, "unknown material 'unobtainium'"));
    CHECK_ERROR(cm_supply_map_build(s, "Nickel - battery grade", &opt, &map, &err),
                CM_ENOTFOUND);
    assert_non_null(strstr(err.message, "no global supply shares"));
    opt.region = "B'L";
    CHECK_ERROR(cm_supply_map_build(s, "cobalt", &opt, &map, &err), CM_EINVAL);
    cm_supply_options_default(&opt);
    opt.import_variable = "export_value";
    CHECK_ERROR(cm_supply_map_build(s, "cobalt", &opt, &map, &err), CM_EINVAL);
    cm_supply_options_default(&opt);
    opt.usd_per_eur = 0;
    CHECK_ERROR(cm_supply_map_build(s, "cobalt", &opt, &map, &err), CM_EINVAL);
    CHECK_ERROR(cm_supply_map_build(NULL, "cobalt", NULL, &map, &err), CM_EINVAL);
    CHECK_ERROR(cm_supply_map_build(s, NULL, NULL, &map, &err), CM_EINVAL);
    assert_int_equal(map.n_sectors, 0);
    cm_store_close(s);
}

/* A store without EU data: CM_ENOTFOUND from the EU loader. */
static void test_map_empty_store(void **state)
{
    (void)state;
    cm_store_t *s = NULL;
    cm_supply_map_t map;
    cm_error_info_t err;
    char db[4200];
    memset(&map, 0, sizeof map);
    memset(&err, 0, sizeof err);
    snprintf(db, sizeof db, "%s/empty.db", cm_test_tmpdir());
    unlink(db);
    CHECK_OK(cm_store_open(db, CM_STORE_CREATE, &s, &err), &err);
    CHECK_ERROR(cm_supply_map_build(s, "cobalt", NULL, &map, &err), CM_ENOTFOUND);
    cm_supply_crma_t t;
    memset(&t, 0, sizeof t);
    CHECK_ERROR(cm_supply_crma_load(s, &t, &err), CM_ENOTFOUND);
    CHECK_ERROR(cm_supply_crma_load(NULL, &t, &err), CM_EINVAL);
    cm_store_close(s);
}

/* Allocation failures anywhere in the map build are reported and free everything. */
static void test_map_oom(void **state)
{
    (void)state;
    cm_store_t *s = open_bundle();
    cm_supply_map_t map;
    cm_error_info_t err;
    memset(&map, 0, sizeof map);
    memset(&err, 0, sizeof err);
    int ok = 0;
    for (long n = 0; n < 100000 && !ok; n += 1 + n / 3) {
        cm_test_fail_alloc_after(n);
        cm_error_t rc = cm_supply_map_build(s, "cobalt", NULL, &map, &err);
        cm_test_fail_alloc_after(-1);
        if (rc == CM_OK) {
            ok = 1;
        } else {
            assert_true(rc == CM_ENOMEM || rc == CM_ESTORE);
            assert_int_equal(map.n_sectors, 0);
            assert_null(map.name);
        }
    }
    assert_true(ok);
    cm_supply_map_destroy(&map);
    cm_store_close(s);
}

/* --- CRMA comparison on a synthetic store ------------------------------------------------ */

static void set_result(cm_crit_results_t *res, size_t i, double sr, double ei, int critical)
{
    memset(&res->items[i], 0, sizeof res->items[i]);
    res->items[i].sr = sr;
    res->items[i].ei = ei;
    res->items[i].critical = critical;
}

static size_t add(cm_crit_inputs_t *in, const char *code, double pub_sr, double pub_ei)
{
    size_t k = 0;
    cm_error_info_t err;
    memset(&err, 0, sizeof err);
    CHECK_OK(cm_crit_inputs_add(in, code, NULL, &k, &err), &err);
    in->materials[k].published.sr = pub_sr;
    in->materials[k].published.ei = pub_ei;
    return k;
}

static const cm_supply_crma_row_t *row(const cm_supply_crma_t *t, const char *code)
{
    for (size_t i = 0; i < t->n; i++) {
        if (strcmp(t->items[i].material, code) == 0) {
            return &t->items[i];
        }
    }
    fail_msg("no row '%s'", code);
    return NULL;
}

static void test_crma(void **state)
{
    (void)state;
    cm_store_t *s = NULL;
    cm_class_t *mat = NULL;
    cm_crit_inputs_t eu, be;
    cm_crit_results_t eres, bres;
    cm_crit_options_t opt;
    cm_supply_crma_t t;
    cm_error_info_t err;
    memset(&eu, 0, sizeof eu);
    memset(&be, 0, sizeof be);
    memset(&eres, 0, sizeof eres);
    memset(&bres, 0, sizeof bres);
    memset(&t, 0, sizeof t);
    memset(&err, 0, sizeof err);
    cm_crit_options_default(&opt);
    char db[4200], csv[4200];
    snprintf(db, sizeof db, "%s/crma.db", cm_test_tmpdir());
    snprintf(csv, sizeof csv, "%s/crma_lists.csv", cm_test_tmpdir());
    unlink(db);
    FILE *f = fopen(csv, "w");
    assert_non_null(f);
    fputs("material,critical_annex_II,strategic_annex_I,strategic_scope_note\n"
          "Cobalt,1,1,\nCopper,1,1,\nAntimony,1,0,\n"
          "Nickel - battery grade,1,1,strategic: nickel - battery grade\n"
          "Heavy rare earth elements,1,1,\n",
          f);
    fclose(f);
    CHECK_OK(cm_store_open(db, CM_STORE_CREATE, &s, &err), &err);
    CHECK_OK(cm_import_file(s, "crma-lists", csv, NULL, NULL, &err), &err);
    CHECK_OK(cm_supply_crma_load(s, &t, &err), &err);
    assert_int_equal(t.n, 5);
    for (size_t i = 1; i < t.n; i++) {
        assert_true(strcmp(t.items[i - 1].material, t.items[i].material) < 0);
    }
    assert_int_equal(row(&t, "antimony")->crma_strategic, CM_SUPPLY_NO);
    assert_int_equal(row(&t, "copper")->crma_strategic, CM_SUPPLY_YES);
    assert_int_equal(row(&t, "copper")->eu_computed, CM_SUPPLY_UNKNOWN);
    CHECK_OK(cm_class_load(s, "material", &mat, &err), &err);

    /* EU: published (SR, EI) and computed results set by hand */
    size_t n = 0;
    n = add(&eu, "cobalt", 2.8, 6.8) + 1;
    n = add(&eu, "copper", 0.1, 4.1) + 1;
    n = add(&eu, "nickel", 0.6, 5.3) + 1;
    n = add(&eu, "silver", 0.9, 4.9) + 1;
    n = add(&eu, "dysprosium", 5.5, 3.4) + 1;
    n = add(&eu, "rare-earth-elements-heavy", NAN, NAN) + 1;
    eu.materials[n - 1].flags |= CM_CRIT_MAT_GROUP;
    n = add(&eu, "gold", 0.5, 2.0) + 1;
    eres.items = cm_calloc(n, sizeof *eres.items);
    assert_non_null(eres.items);
    eres.n = eres.cap = n;
    set_result(&eres, 0, 2.8, 6.8, 1);
    set_result(&eres, 1, 0.12, 4.1, 0);
    set_result(&eres, 2, 0.52, NAN, 0);
    set_result(&eres, 3, 1.04, 4.9, 1);
    set_result(&eres, 4, 5.5, 3.4, 1);
    set_result(&eres, 5, 5.0, NAN, 0);
    set_result(&eres, 6, 0.5, 2.0, 0);
    /* Belgium: cobalt not critical, silver critical */
    add(&be, "cobalt", NAN, NAN);
    add(&be, "silver", NAN, NAN);
    bres.items = cm_calloc(2, sizeof *bres.items);
    assert_non_null(bres.items);
    bres.n = bres.cap = 2;
    set_result(&bres, 0, 0.8, 3.0, 0);
    set_result(&bres, 1, 1.5, 3.0, 1);

    CHECK_OK(cm_supply_crma_compare(&t, &eu, &eres, &opt, &be, &bres, mat, &err), &err);
    /* silver appended (critical by the computed values, not listed); dysprosium is covered by
     * the listed HREE group; gold is critical nowhere */
    assert_int_equal(t.n, 6);
    const cm_supply_crma_row_t *r = row(&t, "cobalt");
    assert_int_equal(r->eu_published, CM_SUPPLY_YES);
    assert_int_equal(r->eu_computed, CM_SUPPLY_YES);
    assert_int_equal(r->be_critical, CM_SUPPLY_NO);
    assert_string_equal(r->note, "on the CRMA list, not critical for Belgium");
    r = row(&t, "copper");
    assert_int_equal(r->eu_computed, CM_SUPPLY_NO);
    assert_int_equal(r->be_critical, CM_SUPPLY_UNKNOWN);
    assert_string_equal(r->note, "strategic, not above the SR threshold (SR 0.1)");
    ASSERT_NEAR(r->sr, 0.12, 0, 0);
    r = row(&t, "nickel-battery-grade");
    assert_string_equal(r->assessed, "nickel");
    assert_int_equal(r->eu_published, CM_SUPPLY_NO);
    assert_int_equal(r->eu_computed, CM_SUPPLY_UNKNOWN);
    assert_non_null(strstr(r->note, "assessed as nickel"));
    assert_non_null(strstr(r->note, "strategic, not above the SR threshold (SR 0.5)"));
    assert_non_null(strstr(r->note, "not recomputed"));
    r = row(&t, "antimony");
    assert_string_equal(r->assessed, "");
    assert_string_equal(r->note, "not in the EU assessment");
    assert_true(isnan(r->sr));
    r = row(&t, "rare-earth-elements-heavy");
    assert_int_equal(r->eu_published, CM_SUPPLY_UNKNOWN);
    ASSERT_NEAR(r->sr, 5.0, 0, 0);
    r = row(&t, "silver");
    assert_int_equal(r->crma_critical, CM_SUPPLY_NO);
    assert_int_equal(r->eu_published, CM_SUPPLY_NO);
    assert_int_equal(r->eu_computed, CM_SUPPLY_YES);
    assert_int_equal(r->be_critical, CM_SUPPLY_YES);
    assert_non_null(strstr(r->note, "critical by the EU 2023 values, not on the CRMA list"));
    assert_non_null(strstr(r->note, "computed and published EU classes differ"));
    assert_non_null(strstr(r->note, "critical for Belgium, not on the CRMA list"));

    /* again without a Belgian assessment nor classification: be unknown everywhere, the
     * battery-grade nickel is no longer matched, dysprosium is appended */
    CHECK_OK(cm_supply_crma_load(s, &t, &err), &err);
    CHECK_OK(cm_supply_crma_compare(&t, &eu, &eres, &opt, NULL, NULL, NULL, &err), &err);
    assert_int_equal(t.n, 7);
    for (size_t i = 0; i < t.n; i++) {
        assert_int_equal(t.items[i].be_critical, CM_SUPPLY_UNKNOWN);
    }
    assert_string_equal(row(&t, "nickel-battery-grade")->note, "not in the EU assessment");
    assert_int_equal(row(&t, "dysprosium")->eu_computed, CM_SUPPLY_YES);

    /* errors */
    CHECK_ERROR(cm_supply_crma_compare(NULL, &eu, &eres, &opt, NULL, NULL, mat, &err),
                CM_EINVAL);
    CHECK_ERROR(cm_supply_crma_compare(&t, &eu, &eres, &opt, &be, NULL, mat, &err), CM_EINVAL);
    eres.n--;
    CHECK_ERROR(cm_supply_crma_compare(&t, &eu, &eres, &opt, NULL, NULL, mat, &err), CM_EINVAL);
    eres.n++;
    CHECK_ERROR(cm_supply_crma_load(s, NULL, &err), CM_EINVAL);

    cm_supply_crma_destroy(&t);
    cm_supply_crma_destroy(&t);
    cm_crit_results_destroy(&eres);
    cm_crit_results_destroy(&bres);
    cm_crit_inputs_destroy(&eu);
    cm_crit_inputs_destroy(&be);
    cm_class_free(mat);
    cm_store_close(s);
}

/* The CRMA lists of the shared data: 34 critical, 18 strategic rows (the Act's rare earths
 * for magnets entry spans HREE and LREE). */
static void test_crma_shared(void **state)
{
    (void)state;
    const char *f = cm_test_shared("eu-crma-2024-lists/crma_2024_critical_and_strategic.csv");
    if (f == NULL) {
        skip();
    }
    char file[4096], db[4200];
    snprintf(file, sizeof file, "%s", f);
    snprintf(db, sizeof db, "%s/crma_shared.db", cm_test_tmpdir());
    unlink(db);
    cm_store_t *s = NULL;
    cm_supply_crma_t t;
    cm_error_info_t err;
    memset(&t, 0, sizeof t);
    memset(&err, 0, sizeof err);
    CHECK_OK(cm_store_open(db, CM_STORE_CREATE, &s, &err), &err);
    CHECK_OK(cm_import_file(s, "crma-lists", file, NULL, NULL, &err), &err);
    CHECK_OK(cm_supply_crma_load(s, &t, &err), &err);
    size_t crit = 0, strat = 0;
    for (size_t i = 0; i < t.n; i++) {
        crit += t.items[i].crma_critical == CM_SUPPLY_YES;
        strat += t.items[i].crma_strategic == CM_SUPPLY_YES;
    }
    assert_int_equal(t.n, 34);
    assert_int_equal(crit, 34);
    assert_int_equal(strat, 18);
    assert_int_equal(row(&t, "copper")->crma_strategic, CM_SUPPLY_YES);
    assert_int_equal(row(&t, "vanadium")->crma_strategic, CM_SUPPLY_NO);
    cm_supply_crma_destroy(&t);
    cm_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CM_TEST(test_hs6),          CM_TEST(test_map_cobalt),      CM_TEST(test_map_options),
        CM_TEST(test_map_empty_store), CM_TEST(test_map_oom),      CM_TEST(test_crma),
        CM_TEST(test_crma_shared),
    };
    return cmocka_run_group_tests(tests, import_bundle, NULL);
}

/* Belgian variant of the criticality method: sourcing from trade flows by mass and by value,
 * IR_BE, Belgian value added, substitutions listed, class-change explanation, bad input; one
 * run on the bundled and shared data (skipped when absent). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cambium/cambium.h"
#include "cm_test.h"

static cm_error_info_t err;

static void obs(cm_store_import_t *imp, const char *var, const char *region, const char *partner,
                const char *material, const char *product, const char *period, double value,
                const char *unit)
{
    cm_obs_t o;
    memset(&o, 0, sizeof o);
    o.variable = var;
    o.region = region;
    o.partner = partner;
    o.material = material;
    o.product = product;
    o.period = period;
    o.value = value;
    o.unit = unit;
    CHECK_OK(cm_store_import_add(imp, &o, &err), &err);
}

static cm_store_import_t *begin(cm_store_t *st, const char *kind)
{
    cm_provenance_t p;
    memset(&p, 0, sizeof p);
    p.kind = kind;
    p.name = kind;
    cm_store_import_t *imp = NULL;
    CHECK_OK(cm_store_import_begin(st, &p, &imp, &err), &err);
    return imp;
}

/* A synthetic store: BACI-like processing flows with quantities and exports, Comext-like
 * extraction values without exports, Belgian production and value added. */
static cm_store_t *make_store(const char *name, int with_va)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.db", cm_test_tmpdir(), name);
    remove(path);
    cm_store_t *st = NULL;
    CHECK_OK(cm_store_open(path, CM_STORE_CREATE, &st, &err), &err);
    cm_store_import_t *imp = begin(st, "baci");
    obs(imp, "import_value", "BEL", "CHN", NULL, "282200", "2024", 600, "USD");
    obs(imp, "import_quantity", "BEL", "CHN", NULL, "282200", "2024", 60, "t");
    obs(imp, "import_value", "BEL", "FIN", NULL, "282200", "2024", 1400, "USD");
    obs(imp, "import_quantity", "BEL", "FIN", NULL, "282200", "2024", 40000, "kg");
    obs(imp, "import_value", "DEU", "BEL", NULL, "282200", "2024", 200, "USD");
    obs(imp, "import_quantity", "DEU", "BEL", NULL, "282200", "2024", 20, "t");
    obs(imp, "import_value", "BEL", "CHN", NULL, "999999", "2024", 5, "USD");
    CHECK_OK(cm_store_import_commit(imp, &err), &err);
    imp = begin(st, "comext");
    obs(imp, "import_value", "BEL", "COD", NULL, "26050000", "2024", 100, "EUR");
    obs(imp, "import_value", "BEL", "ZMB", NULL, "26050000", "2024", 300, "EUR");
    CHECK_OK(cm_store_import_commit(imp, &err), &err);
    imp = begin(st, "wmd");
    obs(imp, "production", "BEL", NULL, "cobalt", NULL, "2022", 50, "t");
    obs(imp, "production", "BEL", NULL, "cobalt", NULL, "2021", 70, "t");
    CHECK_OK(cm_store_import_commit(imp, &err), &err);
    if (with_va) {
        imp = begin(st, "iot-oecd");
        obs(imp, "value_added", "BEL", NULL, NULL, "D24B", "2020", 100, "MUSD");
        obs(imp, "value_added", "BEL", NULL, NULL, "D25", "2020", 200, "MUSD");
        obs(imp, "value_added", "BEL", NULL, NULL, "D21", "2020", 400, "MUSD");
        obs(imp, "value_added", "BEL", NULL, NULL, "D10T12", "2020", 300, "MUSD");
        CHECK_OK(cm_store_import_commit(imp, &err), &err);
        imp = begin(st, "tidy");
        obs(imp, "substitution_index_ei", "BEL", NULL, "cobalt", NULL, "2023", 0.5, "1");
        obs(imp, "eol_rir", "BEL", NULL, "nickel", NULL, "2023", 40, "%");
        CHECK_OK(cm_store_import_commit(imp, &err), &err);
    }
    return st;
}

static void make_map(cm_crit_be_map_t *map)
{
    memset(map, 0, sizeof *map);
    CHECK_OK(cm_crit_be_map_add(map, "282200", "cobalt", CM_CRIT_PROCESSING, &err), &err);
    CHECK_OK(cm_crit_be_map_add(map, "26050000", "cobalt", CM_CRIT_EXTRACTION, &err), &err);
    CHECK_OK(cm_crit_be_map_add(map, "production", "cobalt", CM_CRIT_PROCESSING, &err), &err);
}

/* Write \p text to \p path and load it as a code table. */
static cm_error_t load_text(const char *path, const char *text, cm_crit_be_map_t *map)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return cm_crit_be_map_load(path, map, &err);
}

static void make_eu(cm_crit_inputs_t *in)
{
    memset(in, 0, sizeof *in);
    size_t k = 0;
    CHECK_OK(cm_crit_inputs_add(in, "cobalt", "Cobalt", &k, &err), &err);
    cm_crit_material_t *m = &in->materials[k];
    CHECK_OK(cm_crit_material_add_share(m, 0, CM_CRIT_GLOBAL, "COD", 0.7, 1, 0, &err), &err);
    CHECK_OK(cm_crit_material_add_share(m, 0, CM_CRIT_GLOBAL, "ZMB", 0.3, 1, 0, &err), &err);
    CHECK_OK(cm_crit_material_add_share(m, 0, CM_CRIT_SOURCING, "COD", 1.0, 1, 0, &err), &err);
    CHECK_OK(cm_crit_material_add_share(m, 1, CM_CRIT_GLOBAL, "CHN", 0.8, 1, 0, &err), &err);
    CHECK_OK(cm_crit_material_add_share(m, 1, CM_CRIT_GLOBAL, "FIN", 0.2, 1, 0, &err), &err);
    CHECK_OK(cm_crit_material_add_share(m, 1, CM_CRIT_SOURCING, "FIN", 1.0, 0.8, 0, &err), &err);
    m->import_reliance[0] = 0.8;
    m->import_reliance[1] = 0.1;
    m->eol_rir = 0.2;
    m->si_sr = 0.9;
    m->si_ei = 0.95;
    CHECK_OK(cm_crit_material_add_enduse(m, "alloys", "C25", 0.6, 1000, 0, &err), &err);
    CHECK_OK(cm_crit_material_add_enduse(m, "chemicals", "C24", 0.4, 500, 0, &err), &err);
}

static size_t count_subst(const cm_crit_be_report_t *r, const char *term, int stage)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_subst; i++) {
        n += strcmp(r->subst[i].term, term) == 0 && r->subst[i].stage == stage;
    }
    return n;
}

static void test_mass_and_value(void **state)
{
    (void)state;
    cm_store_t *st = make_store("mass", 1);
    cm_crit_be_map_t map;
    cm_crit_inputs_t eu, be;
    cm_crit_be_report_t rep;
    cm_crit_be_options_t opt;
    memset(&be, 0, sizeof be);
    memset(&rep, 0, sizeof rep);
    make_map(&map);
    /* a shared row of the traded code 999999: listed for cobalt, never attributed to it (the
     * code stays unmatched below) */
    CHECK_OK(cm_crit_be_map_add(&map, "999999", "cobalt", CM_CRIT_PROCESSING, &err), &err);
    map.items[map.n - 1].shared = 1;
    make_eu(&eu);
    cm_crit_be_options_default(&opt);
    CHECK_OK(cm_crit_load_be(st, &eu, &map, &opt, &be, &rep, &err), &err);
    assert_int_equal(rep.year, 2024);
    assert_string_equal(be.region, "BEL");
    cm_crit_material_t *m = &be.materials[0];
    /* processing, by mass: production 50 t (latest year <= 2024), CHN 60 t, FIN 40 t */
    assert_int_equal(rep.stages[0][1].basis, CM_CRIT_BE_BASIS_MASS);
    assert_int_equal(m->supply[1][CM_CRIT_SOURCING].n, 3);
    cm_crit_share_t *s = cm_crit_material_find_share(m, 1, CM_CRIT_SOURCING, "BEL");
    assert_non_null(s);
    ASSERT_NEAR(s->share, 50.0 / 150.0, 1e-12, 0);
    assert_true(s->flags & CM_CRIT_SHARE_DOMESTIC);
    s = cm_crit_material_find_share(m, 1, CM_CRIT_SOURCING, "FIN");
    ASSERT_NEAR(s->share, 40.0 / 150.0, 1e-12, 0);
    ASSERT_NEAR(s->t, 0.8, 0, 0); /* the EU's t of that partner */
    s = cm_crit_material_find_share(m, 1, CM_CRIT_SOURCING, "CHN");
    ASSERT_NEAR(s->t, 1.0, 0, 0);
    double sum = 0;
    for (size_t i = 0; i < m->supply[1][CM_CRIT_SOURCING].n; i++) {
        sum += m->supply[1][CM_CRIT_SOURCING].items[i].share;
    }
    ASSERT_NEAR(sum, 1.0, 1e-12, 0);
    /* IR_BE = (100 - 20) / (50 + 100 - 20) */
    ASSERT_NEAR(m->import_reliance[1], 80.0 / 130.0, 1e-12, 0);
    ASSERT_NEAR(rep.stages[0][1].ir, 80.0 / 130.0, 1e-12, 0);
    /* extraction, by value (no quantities), no exports: EU IR kept and listed */
    assert_int_equal(rep.stages[0][0].basis, CM_CRIT_BE_BASIS_VALUE);
    ASSERT_NEAR(cm_crit_material_find_share(m, 0, CM_CRIT_SOURCING, "ZMB")->share, 0.75, 1e-12, 0);
    ASSERT_NEAR(m->import_reliance[0], 0.8, 0, 0);
    assert_int_equal(count_subst(&rep, "import_reliance", 0), 1);
    assert_int_equal(count_subst(&rep, "import_reliance", 1), 0);
    assert_int_equal(count_subst(&rep, "eol_rir", -1), 1);
    assert_int_equal(count_subst(&rep, "si_sr", -1), 1);
    assert_int_equal(count_subst(&rep, "si_ei", -1), 0); /* a Belgian SI_EI is in the store */
    ASSERT_NEAR(m->si_ei, 0.5, 0, 0);
    assert_int_equal(count_subst(&rep, "enduse_shares", -1), 1);
    assert_int_equal(rep.unmatched_codes, 1);        /* 999999 */
    assert_int_equal(rep.flows_without_quantity, 2); /* the Comext values */
    /* EI: Belgian VA (MEUR), scaled by the largest manufacturing sector (C21) */
    ASSERT_NEAR(rep.va_max, 400.0 / CM_NACE_USD_PER_EUR_2020, 1e-12, 0);
    assert_string_equal(rep.va_max_sector, "C21");
    ASSERT_NEAR(m->enduses[0].value_added, 200.0 / CM_NACE_USD_PER_EUR_2020, 1e-12, 0);
    cm_crit_wgi_t wgi;
    memset(&wgi, 0, sizeof wgi);
    const char *c[] = {"BEL", "CHN", "COD", "FIN", "ZMB"};
    const double mean[] = {1.1, -0.3, -1.5, 1.9, 0.2};
    for (int i = 0; i < 5; i++) {
        CHECK_OK(cm_crit_wgi_set(&wgi, c[i], mean[i], NAN, 6, &err), &err);
    }
    cm_crit_options_t co;
    cm_crit_options_default(&co);
    co.va_max = rep.va_max;
    cm_crit_results_t res;
    memset(&res, 0, sizeof res);
    CHECK_OK(cm_crit_bind(&be, &wgi, &co, &err), &err);
    CHECK_OK(cm_crit_compute(&be, &wgi, &co, &res, &err), &err);
    ASSERT_NEAR(res.items[0].ei, 10.0 * (0.6 * 200 + 0.4 * 100) / 400 * 0.5, 1e-9, 0);
    /* IR_BE in [0, 1] and shares summing to 1 hold for every built stage */
    for (int s2 = 0; s2 < CM_CRIT_NSTAGES; s2++) {
        assert_true(m->import_reliance[s2] >= 0.0 && m->import_reliance[s2] <= 1.0);
    }
    /* --basis value: processing by value, production left out and listed */
    opt.basis = CM_CRIT_BE_BASIS_VALUE;
    CHECK_OK(cm_crit_load_be(st, &eu, &map, &opt, &be, &rep, &err), &err);
    m = &be.materials[0];
    assert_int_equal(rep.stages[0][1].basis, CM_CRIT_BE_BASIS_VALUE);
    ASSERT_NEAR(cm_crit_material_find_share(m, 1, CM_CRIT_SOURCING, "FIN")->share, 0.7, 1e-12, 0);
    assert_null(cm_crit_material_find_share(m, 1, CM_CRIT_SOURCING, "BEL"));
    assert_int_equal(count_subst(&rep, "production", 1), 1);
    /* --basis mass: extraction has no quantities: the EU sourcing is kept and listed */
    opt.basis = CM_CRIT_BE_BASIS_MASS;
    CHECK_OK(cm_crit_load_be(st, &eu, &map, &opt, &be, &rep, &err), &err);
    assert_int_equal(rep.stages[0][0].basis, CM_CRIT_BE_BASIS_NONE);
    ASSERT_NEAR(cm_crit_material_find_share(&be.materials[0], 0, CM_CRIT_SOURCING, "COD")->share,
                1.0, 0, 0);
    assert_int_equal(count_subst(&rep, "sourcing", 0), 1);
    /* split keeps the scaling sector a division */
    opt.split = CM_NACE_SPLIT_EQUALLY;
    CHECK_OK(cm_crit_load_be(st, &eu, &map, &opt, &be, &rep, &err), &err);
    assert_string_equal(rep.va_max_sector, "C21");
    cm_crit_results_destroy(&res);
    cm_crit_wgi_destroy(&wgi);
    cm_crit_be_report_destroy(&rep);
    cm_crit_inputs_destroy(&be);
    cm_crit_inputs_destroy(&eu);
    cm_crit_be_map_destroy(&map);
    cm_store_close(st);
}

static void test_errors(void **state)
{
    (void)state;
    cm_store_t *st = make_store("errors", 0);
    cm_crit_be_map_t map;
    cm_crit_inputs_t eu, be;
    cm_crit_be_report_t rep;
    cm_crit_be_options_t opt;
    memset(&be, 0, sizeof be);
    memset(&rep, 0, sizeof rep);
    make_map(&map);
    make_eu(&eu);
    cm_crit_be_options_default(&opt);
    /* no Belgian value added */
    CHECK_ERROR(cm_crit_load_be(st, &eu, &map, &opt, &be, &rep, &err), CM_ENOTFOUND);
    assert_non_null(strstr(err.message, "value added"));
    /* no flows for that year */
    opt.year = 2001;
    CHECK_ERROR(cm_crit_load_be(st, &eu, &map, &opt, &be, &rep, &err), CM_ENOTFOUND);
    opt.year = 0;
    opt.usd_per_eur = 0;
    CHECK_ERROR(cm_crit_load_be(st, &eu, &map, &opt, &be, &rep, &err), CM_EINVAL);
    CHECK_ERROR(cm_crit_load_be(NULL, &eu, &map, &opt, &be, &rep, &err), CM_EINVAL);
    /* the code table */
    CHECK_ERROR(cm_crit_be_map_add(&map, "282200", "nickel", 1, &err), CM_EINVAL);
    CHECK_ERROR(cm_crit_be_map_add(&map, "production", "cobalt", 0, &err), CM_EINVAL);
    CHECK_ERROR(cm_crit_be_map_add(&map, "1", "x", 5, &err), CM_EINVAL);
    CHECK_ERROR(cm_crit_be_map_add(&map, "", "x", 0, &err), CM_EINVAL);
    char path[1024];
    snprintf(path, sizeof path, "%s/bad-map.csv", cm_test_tmpdir());
    cm_crit_be_map_t m2;
    memset(&m2, 0, sizeof m2);
    CHECK_ERROR(load_text(path, "code,material,stage\n282200,cobalt,refining\n", &m2), CM_EPARSE);
    assert_int_equal(err.line, 2);
    CHECK_ERROR(load_text(path,
                          "code,material,stage\n282200,cobalt,processing\n"
                          "282200,nickel,processing\n",
                          &m2),
                CM_EPARSE);
    /* shared codes: once per material, besides at most one unshared row */
    CHECK_OK(load_text(path,
                       "code,material,stage,shared\n811292,gallium,processing,1\n"
                       "811292,germanium,processing,1\n811292,indium,processing,\n"
                       "282200,cobalt,processing,0\n",
                       &m2),
             &err);
    assert_int_equal(m2.n, 4);
    assert_int_equal(m2.items[0].shared, 1);
    assert_int_equal(m2.items[1].shared, 1);
    assert_int_equal(m2.items[2].shared, 0);
    assert_int_equal(m2.items[3].shared, 0);
    cm_crit_be_map_destroy(&m2);
    CHECK_ERROR(load_text(path,
                          "code,material,stage,shared\n811292,gallium,processing,1\n"
                          "811292,gallium,processing,1\n",
                          &m2),
                CM_EPARSE);
    assert_int_equal(err.line, 3);
    CHECK_ERROR(load_text(path, "code,material,stage,shared\n811292,gallium,processing,yes\n", &m2),
                CM_EPARSE);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 4);
    assert_int_equal(m2.n, 0);
    CHECK_ERROR(load_text(path, "hs,material\n282200,cobalt\n", &m2), CM_EPARSE);
    CHECK_ERROR(cm_crit_be_map_load("/nonexistent/x.csv", &m2, &err), CM_EFILE);
    CHECK_ERROR(cm_crit_be_map_load(NULL, &m2, &err), CM_EINVAL);
    CHECK_ERROR(cm_crit_be_map_builtin(NULL, &err), CM_EINVAL);
    /* out of memory at every allocation, from the file and from the built-in copy: CM_ENOMEM
     * and the table left empty */
    for (int builtin = 0; builtin < 2; builtin++) {
        int ok = 0;
        for (long n = 0; n < 5000 && !ok; n++) {
            cm_test_fail_alloc_after(n);
            cm_error_t rc =
                builtin ? cm_crit_be_map_builtin(&m2, &err)
                        : cm_crit_be_map_load(cm_test_source("data/crit/hs6-materials.csv"), &m2,
                                              &err);
            cm_test_fail_alloc_after(-1);
            if (rc == CM_OK) {
                ok = 1;
            } else {
                assert_int_equal(rc, CM_ENOMEM);
                assert_int_equal(m2.n, 0);
            }
        }
        assert_true(ok);
    }
    assert_true(m2.n > 100);
    cm_crit_be_map_destroy(&m2);
    cm_crit_be_report_destroy(&rep);
    cm_crit_inputs_destroy(&be);
    cm_crit_inputs_destroy(&eu);
    cm_crit_be_map_destroy(&map);
    cm_store_close(st);
}

/* Unknown WGI country named; fallback only with the option; shares off 1 reported, renormalised
 * only with the option. */
static void test_wgi_and_shares(void **state)
{
    (void)state;
    cm_store_t *st = make_store("wgi", 1);
    cm_crit_be_map_t map;
    cm_crit_inputs_t eu, be;
    cm_crit_be_report_t rep;
    cm_crit_be_options_t opt;
    memset(&be, 0, sizeof be);
    memset(&rep, 0, sizeof rep);
    make_map(&map);
    make_eu(&eu);
    eu.materials[0].supply[0][CM_CRIT_GLOBAL].items[1].share = 0.2; /* global E sums to 0.9 */
    cm_crit_be_options_default(&opt);
    CHECK_OK(cm_crit_load_be(st, &eu, &map, &opt, &be, &rep, &err), &err);
    cm_crit_wgi_t wgi;
    memset(&wgi, 0, sizeof wgi);
    CHECK_OK(cm_crit_wgi_set(&wgi, "CHN", -0.3, NAN, 6, &err), &err);
    CHECK_OK(cm_crit_wgi_set(&wgi, "COD", -1.5, NAN, 6, &err), &err);
    CHECK_OK(cm_crit_wgi_set(&wgi, "ZMB", 0.2, NAN, 6, &err), &err);
    CHECK_OK(cm_crit_wgi_set(&wgi, "BEL", 1.1, NAN, 6, &err), &err);
    cm_crit_options_t co;
    cm_crit_options_default(&co);
    CHECK_ERROR(cm_crit_bind(&be, &wgi, &co, &err), CM_ENOTFOUND);
    assert_non_null(strstr(err.message, "FIN"));
    co.wgi_missing = CM_CRIT_WGI_FALLBACK;
    co.wgi_fallback = 3.0;
    CHECK_OK(cm_crit_bind(&be, &wgi, &co, &err), &err);
    cm_crit_results_t res;
    memset(&res, 0, sizeof res);
    co.va_max = rep.va_max;
    CHECK_OK(cm_crit_compute(&be, &wgi, &co, &res, &err), &err);
    assert_true(res.items[0].notes & CM_CRIT_NOTE_WGI_FALLBACK);
    assert_true(res.items[0].stage[0].notes & CM_CRIT_NOTE_SHARES_OFF);
    assert_false(res.items[0].stage[0].notes & CM_CRIT_NOTE_RENORMALISED);
    double hhi_raw = res.items[0].stage[0].hhi_wgi[CM_CRIT_GLOBAL];
    co.renormalise = 1;
    CHECK_OK(cm_crit_compute(&be, &wgi, &co, &res, &err), &err);
    assert_true(res.items[0].stage[0].notes & CM_CRIT_NOTE_RENORMALISED);
    assert_true(res.items[0].stage[0].hhi_wgi[CM_CRIT_GLOBAL] > hhi_raw);
    cm_crit_results_destroy(&res);
    cm_crit_wgi_destroy(&wgi);
    cm_crit_be_report_destroy(&rep);
    cm_crit_inputs_destroy(&be);
    cm_crit_inputs_destroy(&eu);
    cm_crit_be_map_destroy(&map);
    cm_store_close(st);
}

/* One material, critical for the EU by its sourcing, not for Belgium. */
static void test_compare(void **state)
{
    (void)state;
    cm_crit_inputs_t eu, be;
    memset(&eu, 0, sizeof eu);
    memset(&be, 0, sizeof be);
    size_t k;
    CHECK_OK(cm_crit_inputs_add(&eu, "x", NULL, &k, &err), &err);
    CHECK_OK(cm_crit_inputs_add(&eu, "y", NULL, &k, &err), &err);
    for (size_t i = 0; i < 2; i++) {
        cm_crit_material_t *m = &eu.materials[i];
        CHECK_OK(cm_crit_material_add_share(m, 1, CM_CRIT_GLOBAL, "FIN", 1, 1, 0, &err), &err);
        CHECK_OK(cm_crit_material_add_share(m, 1, CM_CRIT_SOURCING, "CHN", 1, 1, 0, &err), &err);
        m->import_reliance[1] = 1.0;
        m->eol_rir = 0;
        m->si_sr = 1;
        m->si_ei = 1;
        CHECK_OK(cm_crit_material_add_enduse(m, "a", "C25", 1, 100, 0, &err), &err);
    }
    CHECK_OK(cm_crit_inputs_copy(&be, &eu, &err), &err);
    be.materials[0].supply[1][CM_CRIT_SOURCING].items[0].country[0] = '\0';
    snprintf(be.materials[0].supply[1][CM_CRIT_SOURCING].items[0].country, CM_CRIT_CODE_MAX, "FIN");
    be.materials[0].import_reliance[1] = 0.5;
    be.materials[1].enduses[0].value_added = 20; /* EI falls for y */
    cm_crit_wgi_t wgi;
    memset(&wgi, 0, sizeof wgi);
    CHECK_OK(cm_crit_wgi_set(&wgi, "CHN", -0.3, NAN, 6, &err), &err); /* 5.6 */
    CHECK_OK(cm_crit_wgi_set(&wgi, "FIN", 2.25, NAN, 6, &err), &err); /* 0.5 */
    cm_crit_options_t co;
    cm_crit_options_default(&co);
    cm_crit_results_t re, rb;
    memset(&re, 0, sizeof re);
    memset(&rb, 0, sizeof rb);
    co.va_max = 100;
    CHECK_OK(cm_crit_bind(&eu, &wgi, &co, &err), &err);
    CHECK_OK(cm_crit_bind(&be, &wgi, &co, &err), &err);
    CHECK_OK(cm_crit_compute(&eu, &wgi, &co, &re, &err), &err);
    CHECK_OK(cm_crit_compute(&be, &wgi, &co, &rb, &err), &err);
    ASSERT_NEAR(re.items[0].sr, 0.5 * 0.5 + 5.6 * 0.5, 1e-9, 0);
    ASSERT_NEAR(rb.items[0].sr, 0.5, 1e-9, 0);
    cm_crit_be_changes_t ch;
    memset(&ch, 0, sizeof ch);
    CHECK_OK(cm_crit_be_compare(&eu, &re, &be, &rb, &co, &ch, &err), &err);
    assert_int_equal(ch.n_changed, 2);
    assert_true(ch.items[0].critical_eu && !ch.items[0].critical_be);
    assert_true(ch.items[0].sr_crossed && !ch.items[0].ei_crossed);
    const char *x = ch.items[0].explanation;
    assert_non_null(x);
    assert_non_null(strstr(x, "SR 3.0 -> 0.5 (processing)"));
    assert_non_null(strstr(x, "sourcing HHI_WGI 5.60 -> 0.50 (decisive)"));
    /* IR alone (1.0 -> 0.5) leaves SR at 0.5*0.25 + 5.6*0.75 >= 1: not decisive */
    assert_non_null(strstr(x, "IR 1.00 -> 0.50;") == NULL ? strstr(x, "IR 1.00 -> 0.50") : x);
    assert_null(strstr(x, "IR 1.00 -> 0.50 (decisive)"));
    assert_true(ch.items[1].ei_crossed && !ch.items[1].sr_crossed);
    assert_non_null(strstr(ch.items[1].explanation, "EI 10.0 -> 2.0"));
    assert_non_null(strstr(ch.items[1].explanation, "1.000 -> 0.200 (decisive)"));
    /* allocation failures: an error, nothing left behind, then success */
    int ok = 0;
    for (long n = 0; n < 100 && !ok; n++) {
        cm_test_fail_alloc_after(n);
        cm_error_t rc = cm_crit_be_compare(&eu, &re, &be, &rb, &co, &ch, &err);
        cm_test_fail_alloc_after(-1);
        if (rc == CM_OK) {
            ok = 1;
        } else {
            assert_int_equal(rc, CM_ENOMEM);
            assert_int_equal(ch.n, 0);
        }
    }
    assert_true(ok);
    assert_int_equal(ch.n_changed, 2);
    /* mismatched assessments */
    cm_crit_results_t r1 = re;
    r1.n = 1;
    CHECK_ERROR(cm_crit_be_compare(&eu, &r1, &be, &rb, &co, &ch, &err), CM_EINVAL);
    CHECK_ERROR(cm_crit_be_compare(NULL, &re, &be, &rb, &co, &ch, &err), CM_EINVAL);
    cm_crit_be_changes_destroy(&ch);
    cm_crit_results_destroy(&re);
    cm_crit_results_destroy(&rb);
    cm_crit_wgi_destroy(&wgi);
    cm_crit_inputs_destroy(&be);
    cm_crit_inputs_destroy(&eu);
}

/* Allocation failures anywhere in the loader and the comparison leave nothing behind. */
static void test_oom(void **state)
{
    (void)state;
    cm_store_t *st = make_store("oom", 1);
    cm_crit_be_map_t map;
    cm_crit_inputs_t eu, be;
    cm_crit_be_report_t rep;
    cm_crit_be_options_t opt;
    memset(&be, 0, sizeof be);
    memset(&rep, 0, sizeof rep);
    make_map(&map);
    make_eu(&eu);
    cm_crit_be_options_default(&opt);
    int ok = 0;
    for (long n = 0; n < 2000 && !ok; n++) {
        cm_test_fail_alloc_after(n);
        cm_error_t rc = cm_crit_load_be(st, &eu, &map, &opt, &be, &rep, &err);
        cm_test_fail_alloc_after(-1);
        if (rc == CM_OK) {
            ok = 1;
        } else {
            assert_true(rc == CM_ENOMEM || rc == CM_ESTORE);
        }
    }
    assert_true(ok);
    cm_crit_be_report_destroy(&rep);
    cm_crit_inputs_destroy(&be);
    cm_crit_inputs_destroy(&eu);
    cm_crit_be_map_destroy(&map);
    cm_store_close(st);
}

/* The bundled Belgian data plus the shared BACI 2024 pairs (with Belgian exports). */
static void test_real(void **state)
{
    (void)state;
    const char *pairs =
        cm_test_shared("baci-crm-flows-belgium-2002-2024/baci_2024_crm_hs6_all_pairs.csv");
    if (pairs == NULL) {
        skip();
        return;
    }
    char pairs_path[1024];
    snprintf(pairs_path, sizeof pairs_path, "%s", pairs);
    char path[1024];
    snprintf(path, sizeof path, "%s/real.db", cm_test_tmpdir());
    remove(path);
    cm_store_t *st = NULL;
    CHECK_OK(cm_store_open(path, CM_STORE_CREATE, &st, &err), &err);
    CHECK_OK(cm_import_bundle(st, cm_test_source("data/belgium"), NULL, NULL, &err), &err);
    cm_import_options_t io;
    memset(&io, 0, sizeof io);
    io.period = "2024";
    cm_import_report_t ir;
    memset(&ir, 0, sizeof ir);
    CHECK_OK(cm_import_file(st, "baci", pairs_path, &io, &ir, &err), &err);
    cm_import_report_destroy(&ir);
    cm_crit_be_map_t map;
    memset(&map, 0, sizeof map);
    CHECK_OK(cm_crit_be_map_load(cm_test_source("data/crit/hs6-materials.csv"), &map, &err), &err);
    cm_crit_inputs_t eu, be;
    cm_crit_be_report_t rep;
    cm_crit_be_options_t opt;
    memset(&eu, 0, sizeof eu);
    memset(&be, 0, sizeof be);
    memset(&rep, 0, sizeof rep);
    cm_crit_be_options_default(&opt);
    CHECK_OK(cm_crit_load_eu(st, &eu, &err), &err);
    CHECK_OK(cm_crit_load_be(st, &eu, &map, &opt, &be, &rep, &err), &err);
    assert_int_equal(rep.year, 2024);
    assert_true(rep.n_subst > 0);
    size_t built = 0, with_ir = 0;
    for (size_t i = 0; i < be.n; i++) {
        for (int s = 0; s < CM_CRIT_NSTAGES; s++) {
            const cm_crit_be_stage_info_t *in = &rep.stages[i][s];
            if (in->basis != CM_CRIT_BE_BASIS_MASS && in->basis != CM_CRIT_BE_BASIS_VALUE) {
                continue;
            }
            built++;
            const cm_crit_supply_t *sp = &be.materials[i].supply[s][CM_CRIT_SOURCING];
            double sum = 0;
            for (size_t k = 0; k < sp->n; k++) {
                sum += sp->items[k].share;
            }
            ASSERT_NEAR(sum, 1.0, 1e-9, 0);
            if (!isnan(in->ir)) {
                with_ir++;
                assert_true(in->ir >= 0.0 && in->ir <= 1.0);
            }
        }
    }
    assert_true(built >= 20);
    assert_true(with_ir >= 10);
    cm_crit_wgi_t wgi;
    memset(&wgi, 0, sizeof wgi);
    CHECK_OK(cm_crit_wgi_load(st, 2023, 2023, &wgi, &err), &err);
    cm_crit_options_t co;
    cm_crit_options_default(&co);
    co.wgi_missing = CM_CRIT_WGI_FALLBACK;
    co.wgi_fallback = 5.0;
    co.va_max = rep.va_max;
    cm_crit_results_t res;
    memset(&res, 0, sizeof res);
    CHECK_OK(cm_crit_bind(&be, &wgi, &co, &err), &err);
    CHECK_OK(cm_crit_compute(&be, &wgi, &co, &res, &err), &err);
    for (size_t i = 0; i < res.n; i++) {
        assert_true(isnan(res.items[i].ei) || (res.items[i].ei >= 0 && res.items[i].ei <= 10.0));
    }
    cm_crit_results_destroy(&res);
    cm_crit_wgi_destroy(&wgi);
    cm_crit_be_report_destroy(&rep);
    cm_crit_inputs_destroy(&be);
    cm_crit_inputs_destroy(&eu);
    cm_crit_be_map_destroy(&map);
    cm_store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CM_TEST(test_mass_and_value), CM_TEST(test_errors), CM_TEST(test_wgi_and_shares),
        CM_TEST(test_compare),        CM_TEST(test_oom),    CM_TEST(test_real),
    };
    return CM_RUN_TESTS(tests);
}

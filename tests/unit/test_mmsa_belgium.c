/* The Belgian wind fleet (models/wind-belgium.ini on data/wind/): the findings of the CAMBIUM
 * report as properties of the model run, mass balance per material, and the Monte Carlo bands.
 * Skipped when data/wind is absent. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cambium/cambium.h"
#include "cm_test.h"

static cm_mmsa_model_t *model;
static cm_mmsa_result_t res;

static int load(void **state)
{
    cm_error_info_t err;
    cm_mmsa_options_t opt;
    (void)state;
    if (access(cm_test_source("data/wind/intensities.csv"), R_OK) != 0) {
        return 0;
    }
    if (cm_mmsa_model_load(cm_test_source("models/wind-belgium.ini"), &model, &err) != CM_OK) {
        fprintf(stderr, "%s:%lld: %s\n", err.file, (long long)err.line, err.message);
        return -1;
    }
    cm_mmsa_options_default(model, &opt);
    opt.draws = 100;
    if (cm_mmsa_run(model, &opt, &res, &err) != CM_OK) {
        fprintf(stderr, "%s\n", err.message);
        return -1;
    }
    return 0;
}

static int unload(void **state)
{
    (void)state;
    cm_mmsa_result_destroy(&res);
    cm_mmsa_model_free(model);
    return 0;
}

static size_t item(const char *layer, const char *name)
{
    cm_int_t i = cm_mmsa_item_find(model, layer, name);
    if (i < 0) {
        fail_msg("no item %s/%s", layer, name);
    }
    return (size_t)i;
}

static size_t tech(const char *name)
{
    for (size_t k = 0; k < cm_mmsa_ntech(model); k++) {
        if (strcmp(cm_mmsa_tech_name(model, k), name) == 0) {
            return k;
        }
    }
    fail_msg("no technology %s", name);
    return 0;
}

static double per_mw(const char *t, size_t i, int q)
{
    return res.per_mw[(tech(t) * res.n_items + i) * 3 + (size_t)q];
}

static size_t yr(cm_int_t y)
{
    return (size_t)(y - res.t0);
}

static double flow(const double *a, size_t s, size_t i, cm_int_t y)
{
    return a[(s * res.n_items + i) * res.T + yr(y)];
}

/* Finding 1: PM direct drive needs more rare earths per MW than geared DFIG, even PM direct
 * drive's low end against DFIG's high end; finding 2: direct drive (PM and EESG) more copper. */
static void test_per_mw_findings(void **state)
{
    (void)state;
    if (model == NULL) {
        skip();
    }
    size_t ree = item("group", "rare_earths"), cu = item("materials", "copper");
    assert_true(per_mw("direct_drive_pmsg", ree, 0) > per_mw("geared_dfig", ree, 0));
    assert_true(per_mw("direct_drive_pmsg", ree, 1) > per_mw("geared_dfig", ree, 2));
    assert_true(per_mw("direct_drive_pmsg", cu, 0) > per_mw("geared_dfig", cu, 0));
    assert_true(per_mw("direct_drive_eesg", cu, 0) > per_mw("geared_dfig", cu, 0));
    assert_true(per_mw("direct_drive_eesg", cu, 1) > per_mw("geared_dfig", cu, 2));
    /* the chain: Nd per MW = NdFeB per MW x the Nd fraction of NdFeB */
    ASSERT_NEAR(per_mw("direct_drive_pmsg", item("elements", "Nd"), 0),
                771 * 0.233473, 1e-9, 0);
    ASSERT_NEAR(per_mw("geared_dfig", item("elements", "Cu"), 0), 1350, 1e-12, 0);
}

/* Intensities by site: onshore keeps the METHODS bulk concrete and steel; offshore turbines
 * stand on steel monopiles or jackets (no concrete, more steel), except the gravity-base
 * foundations of C-Power phase 1 (the geared-DFIG cohort 2008). */
static size_t site(const char *name)
{
    for (size_t j = 0; j < cm_mmsa_nsites(model); j++) {
        if (strcmp(cm_mmsa_site_name(model, j), name) == 0) {
            return j;
        }
    }
    fail_msg("no site %s", name);
    return 0;
}

static double per_mw_site(const char *st, const char *t, size_t i, int q)
{
    return res.per_mw_site[((site(st) * res.n_tech + tech(t)) * res.n_items + i) * 3 + (size_t)q];
}

static void test_sites(void **state)
{
    (void)state;
    if (model == NULL) {
        skip();
    }
    assert_int_equal(res.n_sites, 2);
    assert_null(cm_mmsa_site_name(model, 2));
    size_t conc = item("materials", "concrete"), steel = item("materials", "steel");
    for (size_t k = 0; k < res.n_tech; k++) {
        const char *t = cm_mmsa_tech_name(model, k);
        ASSERT_NEAR(per_mw_site("onshore", t, conc, 0), 400000, 1e-12, 0);
        ASSERT_NEAR(per_mw_site("onshore", t, steel, 0), 110000, 1e-12, 0);
        ASSERT_NEAR(per_mw_site("offshore", t, conc, 0), 0, 0, 1e-12); /* cohort 2021 */
        assert_true(per_mw_site("offshore", t, steel, 1) > per_mw_site("onshore", t, steel, 1));
        /* the per-MW figure of a technology lies between its sites' figures */
        double lo = fmin(per_mw_site("onshore", t, steel, 0), per_mw_site("offshore", t, steel, 0));
        double hi = fmax(per_mw_site("onshore", t, steel, 0), per_mw_site("offshore", t, steel, 0));
        assert_true(per_mw(t, steel, 0) >= lo - 1e-9 && per_mw(t, steel, 0) <= hi + 1e-9);
    }
    /* The concrete stock of 2021 is the onshore fleet's (400 t/MW) plus the 6 gravity
     * foundations (532 t/MW x 30.45 MW): the offshore MW stock lies between 95 % and 100 % of
     * the 2,261.95 MW installed (at most 13 years old in 2021). */
    size_t s = (size_t)cm_mmsa_scenario_find(model, "25y");
    double mw = 0;
    for (size_t k = 0; k < res.n_tech; k++) {
        mw += res.mw_stock[(s * res.n_tech + k) * res.T + yr(2021)];
    }
    double c = flow(res.stock, s, conc, 2021), gbf = 532.0197 * 30.45;
    assert_true(c >= 400 * (mw - 2261.95) + 0.95 * gbf);
    assert_true(c <= 400 * (mw - 0.95 * 2261.95) + gbf);
    /* the concrete inflow of 2008: the gravity foundations plus 17.55 MW onshore
     * (onshore_additions.csv) at 400 t/MW */
    ASSERT_NEAR(flow(res.inflow, s, conc, 2008), gbf + 400 * 17.55, 1e-9, 0);
}

/* Finding 3: the fleet stock grows through 2021: MW and steel strictly increase in every year
 * 2001-2021 against the year before, in every lifetime scenario. */
static void test_stock_grows(void **state)
{
    (void)state;
    if (model == NULL) {
        skip();
    }
    size_t steel = item("materials", "steel");
    for (size_t s = 0; s < res.n_scenarios; s++) {
        for (cm_int_t y = 2001; y <= 2021; y++) {
            double mw = 0, prev = 0;
            for (size_t k = 0; k < res.n_tech; k++) {
                mw += res.mw_stock[(s * res.n_tech + k) * res.T + yr(y)];
                prev += res.mw_stock[(s * res.n_tech + k) * res.T + yr(y - 1)];
            }
            if (!(mw > prev) ||
                !(flow(res.stock, s, steel, y) > flow(res.stock, s, steel, y - 1))) {
                fail_msg("scenario %zu: stock does not grow in %lld", s, (long long)y);
            }
        }
    }
    /* the 2021 MW stock is close to the 4,948 MW in place (IRENA) less early retirements */
    size_t s25 = (size_t)cm_mmsa_scenario_find(model, "25y");
    double mw = 0;
    for (size_t k = 0; k < res.n_tech; k++) {
        mw += res.mw_stock[(s25 * res.n_tech + k) * res.T + yr(2021)];
    }
    assert_true(mw > 4800 && mw <= 4948.4 + 1e-6);
}

/* Finding 4: end-of-life steel, cast iron and copper in 2031-2035 above 2021-2025 (25 y). */
static void test_eol_rises(void **state)
{
    (void)state;
    if (model == NULL) {
        skip();
    }
    static const char *const mats[] = {"steel", "cast_iron", "copper"};
    cm_int_t s = cm_mmsa_scenario_find(model, "25y");
    assert_true(s >= 0);
    for (size_t j = 0; j < 3; j++) {
        size_t i = item("materials", mats[j]);
        double early = 0, late = 0;
        for (cm_int_t y = 0; y < 5; y++) {
            early += flow(res.eol, (size_t)s, i, 2021 + y);
            late += flow(res.eol, (size_t)s, i, 2031 + y);
        }
        if (!(late > early)) {
            fail_msg("%s: eol 2031-2035 %g <= 2021-2025 %g", mats[j], late, early);
        }
        /* also at the low end of the Monte Carlo band against the high end */
        double lo = 0, hi = 0;
        size_t NT = res.n_items * res.T;
        for (cm_int_t y = 0; y < 5; y++) {
            hi += res.eol_band[2 * NT + i * res.T + yr(2021 + y)];
            lo += res.eol_band[i * res.T + yr(2031 + y)];
        }
        assert_true(lo > hi);
    }
}

/* inflow - eol - (stock - stock before) = 0 per material and year, every scenario. */
static void test_mass_balance(void **state)
{
    (void)state;
    if (model == NULL) {
        skip();
    }
    assert_true(res.balance < 1e-12);
    for (size_t s = 0; s < res.n_scenarios; s++) {
        for (size_t i = 0; i < res.n_items; i++) {
            for (size_t t = 0; t < res.T; t++) {
                size_t j = (s * res.n_items + i) * res.T + t;
                double prev = t > 0 ? res.stock[j - 1] : 0;
                ASSERT_NEAR(res.inflow[j] - res.eol[j], res.stock[j] - prev, 1e-12,
                            1e-9 * (1 + fabs(res.stock[j])));
                if (!isnan(res.recovered[j])) {
                    assert_true(res.recovered[j] >= 0 && res.recovered[j] <= res.eol[j] + 1e-9);
                }
            }
        }
    }
    /* the element layer adds up to the material layer (fractions of steel, ... sum to 1
     * within the data's rounding): Fe stock below the steel + cast iron + NdFeB stock */
    size_t s = res.mc_scenario;
    double fe = flow(res.stock, s, item("elements", "Fe"), 2021);
    double ferrous = flow(res.stock, s, item("materials", "steel"), 2021) +
                     flow(res.stock, s, item("materials", "cast_iron"), 2021) +
                     flow(res.stock, s, item("materials", "ndfeb"), 2021);
    assert_true(fe > 0.9 * ferrous && fe < ferrous);
}

static void test_bands(void **state)
{
    (void)state;
    if (model == NULL) {
        skip();
    }
    size_t NT = res.n_items * res.T, s = res.mc_scenario;
    assert_int_equal(res.draws, 100);
    for (size_t x = 0; x < NT; x++) {
        assert_true(res.stock_band[x] <= res.stock_band[NT + x]);
        assert_true(res.stock_band[NT + x] <= res.stock_band[2 * NT + x]);
        assert_true(res.eol_band[x] <= res.eol_band[NT + x]);
        assert_true(res.eol_band[NT + x] <= res.eol_band[2 * NT + x]);
    }
    /* the central run lies inside the band for the steel stock of 2021 */
    size_t i = item("materials", "steel");
    double c = flow(res.stock, s, i, 2021);
    assert_true(res.stock_band[i * res.T + yr(2021)] < c);
    assert_true(res.stock_band[2 * NT + i * res.T + yr(2021)] > c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_per_mw_findings), cmocka_unit_test(test_sites),
        cmocka_unit_test(test_stock_grows),
        cmocka_unit_test(test_eol_rises),       cmocka_unit_test(test_mass_balance),
        cmocka_unit_test(test_bands),
    };
    return cmocka_run_group_tests(tests, load, unload);
}

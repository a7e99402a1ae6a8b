/* Tests of the criticality module: formulas (METHODS.md B.1 worked case), modes, WGI binding
 * and fallback, options, copies, allocation failures, the loaders on small synthetic files and
 * the reproduction of the EU 2023 assessment on the shared data. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cambium/cambium.h"
#include "cm_test.h"

/* WGI table from scaled values: mean = 2.5 - scaled/2. */
static void wgi_scaled(cm_crit_wgi_t *w, const char *country, double scaled)
{
    cm_error_info_t err;
    CHECK_OK(cm_crit_wgi_set(w, country, 2.5 - scaled / 2.0, 0.1, 6, &err), &err);
}

/* The worked test case of METHODS.md B.1. */
static void worked_case(cm_crit_inputs_t *in, cm_crit_wgi_t *w)
{
    cm_error_info_t err;
    size_t i = 99;
    CHECK_OK(cm_crit_inputs_add(in, "x", "Material X", &i, &err), &err);
    assert_int_equal(i, 0);
    cm_crit_material_t *m = &in->materials[0];
    int E = CM_CRIT_EXTRACTION, G = CM_CRIT_GLOBAL, S = CM_CRIT_SOURCING;
    CHECK_OK(cm_crit_material_add_share(m, E, G, "CHN", 0.6, 1.1, 0, &err), &err);
    CHECK_OK(cm_crit_material_add_share(m, E, G, "AUS", 0.4, 1.0, 0, &err), &err);
    CHECK_OK(cm_crit_material_add_share(m, E, S, "CHN", 0.3, 1.1, 0, &err), &err);
    CHECK_OK(cm_crit_material_add_share(m, E, S, "NOR", 0.5, 0.8, 0, &err), &err);
    CHECK_OK(cm_crit_material_add_share(m, E, S, "EUD", 0.2, NAN, CM_CRIT_SHARE_DOMESTIC, &err),
             &err);
    m->import_reliance[E] = 0.8;
    m->eol_rir = 0.10;
    m->si_sr = 0.95;
    m->si_ei = 0.9;
    CHECK_OK(cm_crit_material_add_enduse(m, "a", "C25", 0.5, 250, 0, &err), &err);
    CHECK_OK(cm_crit_material_add_enduse(m, "b", "C26", 0.3, 100, 0, &err), &err);
    CHECK_OK(cm_crit_material_add_enduse(m, NULL, "C27", 0.2, 150, 0, &err), &err);
    wgi_scaled(w, "CHN", 5.6);
    wgi_scaled(w, "AUS", 2.4);
    wgi_scaled(w, "NOR", 1.8);
    wgi_scaled(w, "EUD", 2.6);
}

static void test_worked_example(void **state)
{
    (void)state;
    cm_crit_inputs_t in;
    cm_crit_wgi_t w;
    cm_crit_results_t res;
    cm_crit_options_t opt;
    cm_error_info_t err;
    memset(&in, 0, sizeof in);
    memset(&w, 0, sizeof w);
    memset(&res, 0, sizeof res);
    cm_crit_options_default(&opt);
    worked_case(&in, &w);
    CHECK_OK(cm_crit_bind(&in, &w, &opt, &err), &err);
    CHECK_OK(cm_crit_compute(&in, &w, &opt, &res, &err), &err);
    assert_int_equal(res.n, 1);
    const cm_crit_result_t *r = &res.items[0];
    const cm_crit_stage_result_t *st = &r->stage[CM_CRIT_EXTRACTION];
    ASSERT_NEAR(st->hhi_wgi[CM_CRIT_GLOBAL], 2.6016, 1e-12, 1e-12);
    ASSERT_NEAR(st->hhi_wgi[CM_CRIT_SOURCING], 1.0184, 1e-12, 1e-12);
    ASSERT_NEAR(st->hhi[CM_CRIT_GLOBAL], 0.36 + 0.16, 1e-12, 1e-12);
    ASSERT_NEAR(st->share_sum[CM_CRIT_SOURCING], 1.0, 1e-12, 1e-12);
    assert_int_equal(st->mode, CM_CRIT_MODE_BLEND);
    ASSERT_NEAR(st->ir, 0.8, 0, 1e-15);
    ASSERT_NEAR(st->sr, 1.4121864, 1e-12, 1e-12); /* METHODS.md prints 1.41219 */
    ASSERT_NEAR(st->sr, 1.41219, 0, 5e-6);
    assert_true(st->complete);
    ASSERT_NEAR(r->sr, 1.4121864, 1e-12, 1e-12);
    assert_int_equal(r->sr_stage, CM_CRIT_EXTRACTION);
    assert_false(r->stage[CM_CRIT_PROCESSING].assessed);
    assert_true(isnan(r->stage[CM_CRIT_PROCESSING].sr));
    ASSERT_NEAR(r->ei_sum, 185.0, 1e-12, 1e-12);
    ASSERT_NEAR(r->va_max, 250.0, 0, 0);
    ASSERT_NEAR(r->ei, 6.66, 1e-12, 1e-12);
    ASSERT_NEAR(cm_crit_round1(r->sr), 1.4, 0, 1e-12);
    ASSERT_NEAR(cm_crit_round1(r->ei), 6.7, 0, 1e-12);
    assert_true(r->critical);
    assert_int_equal(r->notes, 0);
    /* the t of a share given as NaN is 1 */
    ASSERT_NEAR(in.materials[0].supply[0][1].items[2].t, 1.0, 0, 0);
    /* a fixed scaling value added overrides the largest one */
    opt.va_max = 500;
    CHECK_OK(cm_crit_compute(&in, &w, &opt, &res, &err), &err);
    ASSERT_NEAR(res.items[0].ei, 3.33, 1e-12, 1e-12);
    /* thresholds are options */
    opt.va_max = NAN;
    opt.sr_threshold = 1.5;
    CHECK_OK(cm_crit_compute(&in, &w, &opt, &res, &err), &err);
    assert_false(res.items[0].critical);
    cm_crit_results_destroy(&res);
    cm_crit_results_destroy(&res);
    cm_crit_wgi_destroy(&w);
    cm_crit_inputs_destroy(&in);
    cm_crit_inputs_destroy(&in);
}

static void test_single_formulas(void **state)
{
    (void)state;
    ASSERT_NEAR(cm_crit_wgi_scale(-0.28), 5.56, 1e-12, 1e-12);
    ASSERT_NEAR(cm_crit_wgi_scale(2.5), 0.0, 0, 1e-15);
    ASSERT_NEAR(cm_crit_wgi_scale(-2.5), 10.0, 0, 1e-15);
    ASSERT_NEAR(cm_crit_sr_stage(CM_CRIT_MODE_BLEND, 2.6016, 1.0184, 0.8, 0.1, 0.95), 1.4121864,
                1e-12, 1e-12);
    ASSERT_NEAR(cm_crit_sr_stage(CM_CRIT_MODE_GS_ONLY, 2.0, 9.0, 0.5, 0.5, 0.5), 0.5, 1e-15, 0);
    ASSERT_NEAR(cm_crit_sr_stage(CM_CRIT_MODE_SRC_ONLY, 9.0, 2.0, 0.5, 0.0, 1.0), 2.0, 1e-15, 0);
    /* IR = 0 gives the sourcing HHI alone, IR = 1 the mean of both */
    ASSERT_NEAR(cm_crit_sr_stage(CM_CRIT_MODE_BLEND, 4.0, 2.0, 0.0, 0.0, 1.0), 2.0, 1e-15, 0);
    ASSERT_NEAR(cm_crit_sr_stage(CM_CRIT_MODE_BLEND, 4.0, 2.0, 1.0, 0.0, 1.0), 3.0, 1e-15, 0);
    assert_true(isnan(cm_crit_sr_stage(CM_CRIT_MODE_AUTO, 1, 1, 1, 0, 1)));
    ASSERT_NEAR(cm_crit_round1(0.35), 0.4, 0, 1e-12);
    ASSERT_NEAR(cm_crit_round1(0.949999), 0.9, 0, 1e-12);
    ASSERT_NEAR(cm_crit_round1(-1.25), -1.3, 0, 1e-12);
    assert_true(isnan(cm_crit_round1(NAN)));
    assert_string_equal(cm_crit_mode_name(CM_CRIT_MODE_GS_ONLY), "GSonly");
    assert_string_equal(cm_crit_stage_name(CM_CRIT_PROCESSING), "processing");
    assert_string_equal(cm_crit_stage_name(7), "");
    assert_string_equal(cm_crit_note_text(3), "");
    for (unsigned bit = 1; bit < (1u << CM_CRIT_NNOTES); bit <<= 1) {
        assert_true(cm_crit_note_text(bit)[0] != '\0');
    }
    cm_crit_mode_t mode = CM_CRIT_MODE_AUTO;
    cm_error_info_t err;
    CHECK_OK(cm_crit_mode_parse("EU", &mode, &err), &err);
    assert_int_equal(mode, CM_CRIT_MODE_SRC_ONLY);
    CHECK_OK(cm_crit_mode_parse("gs+eu", &mode, &err), &err);
    assert_int_equal(mode, CM_CRIT_MODE_BLEND);
    CHECK_ERROR(cm_crit_mode_parse("both", &mode, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "'both'"));
    CHECK_ERROR(cm_crit_mode_parse(NULL, &mode, &err), CM_EINVAL);
    /* plain HHI and renormalising */
    cm_crit_share_t items[2] = {{"AAA", 0.3, 1.0, 0, 0}, {"BBB", 0.3, 2.0, 0, 1}};
    cm_crit_supply_t s = {2, items, 2};
    double scaled[2] = {4.0, 1.0};
    double h = NAN;
    ASSERT_NEAR(cm_crit_hhi_wgi(&s, scaled, NAN, 0, &h), 0.09 * 4 + 0.09 * 2, 1e-12, 0);
    ASSERT_NEAR(h, 0.18, 1e-12, 0);
    ASSERT_NEAR(cm_crit_hhi_wgi(&s, scaled, NAN, 1, &h), 0.25 * 4 + 0.25 * 2, 1e-12, 0);
    ASSERT_NEAR(h, 0.5, 1e-12, 0);
    items[0].wgi = -1; /* fallback */
    ASSERT_NEAR(cm_crit_hhi_wgi(&s, scaled, 10.0, 0, NULL), 0.09 * 10 + 0.09 * 2, 1e-12, 0);
    cm_crit_supply_t empty = {0, NULL, 0};
    assert_true(isnan(cm_crit_hhi_wgi(&empty, scaled, 1.0, 0, &h)));
    assert_true(isnan(h));
}

/* Modes: published, GSonly, EUonly, fallbacks when a scope or IR is missing; max over stages. */
static void test_modes_and_stages(void **state)
{
    (void)state;
    cm_crit_inputs_t in;
    cm_crit_wgi_t w;
    cm_crit_results_t res;
    cm_crit_options_t opt;
    cm_error_info_t err;
    memset(&in, 0, sizeof in);
    memset(&w, 0, sizeof w);
    memset(&res, 0, sizeof res);
    cm_crit_options_default(&opt);
    wgi_scaled(&w, "CHN", 6.0);
    wgi_scaled(&w, "FIN", 1.0);
    const char *codes[] = {"gsonly", "euonly", "noir", "nosrc", "twostage", "blend"};
    for (size_t i = 0; i < 6; i++) {
        CHECK_OK(cm_crit_inputs_add(&in, codes[i], NULL, NULL, &err), &err);
        cm_crit_material_t *m = &in.materials[i];
        CHECK_OK(cm_crit_material_add_share(m, 0, CM_CRIT_GLOBAL, "CHN", 1.0, 1.0, 0, &err),
                 &err);
        if (i != 3) {
            CHECK_OK(cm_crit_material_add_share(m, 0, CM_CRIT_SOURCING, "FIN", 1.0, 1.0, 0, &err),
                     &err);
        }
        m->eol_rir = 0.5;
        m->si_sr = 1.0;
        m->import_reliance[0] = i == 2 ? NAN : 0.5;
    }
    in.materials[0].mode[0] = CM_CRIT_MODE_GS_ONLY;
    in.materials[1].published.mode[0] = CM_CRIT_MODE_SRC_ONLY; /* from the published table */
    in.materials[3].mode[0] = CM_CRIT_MODE_BLEND;              /* but no sourcing shares */
    cm_crit_material_t *two = &in.materials[4];
    CHECK_OK(cm_crit_material_add_share(two, 1, CM_CRIT_GLOBAL, "CHN", 0.5, 1.0, 0, &err), &err);
    CHECK_OK(cm_crit_material_add_share(two, 1, CM_CRIT_GLOBAL, "FIN", 0.5, 1.0, 0, &err), &err);
    two->mode[1] = CM_CRIT_MODE_GS_ONLY;
    /* a blend with IR 0 and sourcing shares only (xenon processing in the EU table) */
    size_t xi = 0;
    CHECK_OK(cm_crit_inputs_add(&in, "irzero", NULL, &xi, &err), &err);
    cm_crit_material_t *xe = &in.materials[xi];
    two = &in.materials[4]; /* the array may have moved */
    CHECK_OK(cm_crit_material_add_share(xe, 0, CM_CRIT_SOURCING, "FIN", 1.0, 1.0, 0, &err), &err);
    xe->eol_rir = 0.5;
    xe->si_sr = 1.0;
    xe->import_reliance[0] = 0.0;
    xe->mode[0] = CM_CRIT_MODE_BLEND;
    CHECK_OK(cm_crit_bind(&in, &w, &opt, &err), &err);
    CHECK_OK(cm_crit_compute(&in, &w, &opt, &res, &err), &err);
    /* GSonly: 6 * 0.5 */
    ASSERT_NEAR(res.items[0].sr, 3.0, 1e-12, 0);
    assert_int_equal(res.items[0].stage[0].mode, CM_CRIT_MODE_GS_ONLY);
    /* EUonly from the published mode: 1 * 0.5 */
    ASSERT_NEAR(res.items[1].sr, 0.5, 1e-12, 0);
    assert_int_equal(res.items[1].stage[0].mode, CM_CRIT_MODE_SRC_ONLY);
    /* ... unless the published mode is not used */
    opt.use_published_mode = 0;
    CHECK_OK(cm_crit_compute(&in, &w, &opt, &res, &err), &err);
    assert_int_equal(res.items[1].stage[0].mode, CM_CRIT_MODE_BLEND);
    ASSERT_NEAR(res.items[1].sr, (6.0 * 0.25 + 1.0 * 0.75) * 0.5, 1e-12, 0);
    opt.use_published_mode = 1;
    CHECK_OK(cm_crit_compute(&in, &w, &opt, &res, &err), &err);
    /* no IR: GS only, noted, incomplete */
    assert_int_equal(res.items[2].stage[0].mode, CM_CRIT_MODE_GS_ONLY);
    assert_true(res.items[2].notes & CM_CRIT_NOTE_NO_IR);
    assert_false(res.items[2].stage[0].complete);
    /* blend asked without sourcing shares */
    assert_int_equal(res.items[3].stage[0].mode, CM_CRIT_MODE_GS_ONLY);
    assert_true(res.items[3].stage[0].notes & CM_CRIT_NOTE_NO_SOURCING);
    /* max over stages: E blend (6*.25 + 1*.75)*.5 = 1.125, P GSonly (.25*6+.25*1)*.5 = 0.875 */
    ASSERT_NEAR(res.items[4].stage[0].sr, 1.125, 1e-12, 0);
    ASSERT_NEAR(res.items[4].stage[1].sr, 0.875, 1e-12, 0);
    ASSERT_NEAR(res.items[4].sr, 1.125, 1e-12, 0);
    assert_int_equal(res.items[4].sr_stage, 0);
    two->import_reliance[0] = 0.0; /* now E = 0.5 < P */
    CHECK_OK(cm_crit_compute(&in, &w, &opt, &res, &err), &err);
    ASSERT_NEAR(res.items[4].sr, 0.875, 1e-12, 0);
    assert_int_equal(res.items[4].sr_stage, 1);
    /* an assessed stage without any shares has no SR */
    in.materials[5].assessed[1] = 1;
    CHECK_OK(cm_crit_compute(&in, &w, &opt, &res, &err), &err);
    assert_false(res.items[5].stage[1].assessed);
    assert_true(res.items[5].notes & CM_CRIT_NOTE_NO_SHARES);
    /* unknown EoL and SI: taken as 0 and 1, noted, incomplete */
    in.materials[5].eol_rir = NAN;
    in.materials[5].si_sr = NAN;
    CHECK_OK(cm_crit_compute(&in, &w, &opt, &res, &err), &err);
    ASSERT_NEAR(res.items[5].stage[0].sr, 6.0 * 0.25 + 0.75, 1e-12, 0);
    assert_true(res.items[5].notes & CM_CRIT_NOTE_NO_EOL);
    assert_true(res.items[5].notes & CM_CRIT_NOTE_NO_SI_SR);
    assert_false(res.items[5].stage[0].complete);
    /* IR 0: the global term has weight 0, so the sourcing value is used and the pair is
     * complete without global shares; with the option off the degraded mode is incomplete */
    assert_int_equal(res.items[xi].stage[0].mode, CM_CRIT_MODE_SRC_ONLY);
    ASSERT_NEAR(res.items[xi].stage[0].sr, 0.5, 1e-12, 0);
    assert_true(res.items[xi].stage[0].notes & CM_CRIT_NOTE_IR_ZERO);
    assert_true(res.items[xi].stage[0].complete);
    /* a GSonly label with IR 0 and sourcing shares: the sourcing value 1 * 0.5 */
    in.materials[0].import_reliance[0] = 0.0;
    CHECK_OK(cm_crit_compute(&in, &w, &opt, &res, &err), &err);
    assert_int_equal(res.items[0].stage[0].mode, CM_CRIT_MODE_SRC_ONLY);
    ASSERT_NEAR(res.items[0].sr, 0.5, 1e-12, 0);
    assert_true(res.items[0].stage[0].complete);
    opt.ir_zero_sourcing = 0;
    CHECK_OK(cm_crit_compute(&in, &w, &opt, &res, &err), &err);
    assert_int_equal(res.items[0].stage[0].mode, CM_CRIT_MODE_GS_ONLY);
    ASSERT_NEAR(res.items[0].sr, 3.0, 1e-12, 0);
    assert_false(res.items[0].stage[0].notes & CM_CRIT_NOTE_IR_ZERO);
    assert_int_equal(res.items[xi].stage[0].mode, CM_CRIT_MODE_SRC_ONLY);
    assert_true(res.items[xi].stage[0].notes & CM_CRIT_NOTE_NO_GLOBAL);
    assert_false(res.items[xi].stage[0].complete);
    opt.ir_zero_sourcing = 1;
    /* no end uses anywhere: EI NaN, not critical */
    assert_true(isnan(res.items[5].ei));
    assert_true(res.items[5].notes & CM_CRIT_NOTE_NO_ENDUSES);
    assert_false(res.items[5].critical);
    cm_crit_results_destroy(&res);
    cm_crit_wgi_destroy(&w);
    cm_crit_inputs_destroy(&in);
}

static void test_wgi_missing_and_fallback(void **state)
{
    (void)state;
    cm_crit_inputs_t in;
    cm_crit_wgi_t w;
    cm_crit_results_t res;
    cm_crit_options_t opt;
    cm_error_info_t err;
    memset(&in, 0, sizeof in);
    memset(&w, 0, sizeof w);
    memset(&res, 0, sizeof res);
    cm_crit_options_default(&opt);
    worked_case(&in, &w);
    CHECK_OK(cm_crit_material_add_share(&in.materials[0], 1, CM_CRIT_GLOBAL, "XKX", 1.0, 1.0, 0,
                                        &err),
             &err);
    /* unbound inputs cannot be computed */
    CHECK_ERROR(cm_crit_compute(&in, &w, &opt, &res, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "cm_crit_bind"));
    CHECK_ERROR(cm_crit_bind(&in, &w, &opt, &err), CM_ENOTFOUND);
    assert_non_null(strstr(err.message, "'XKX'"));
    assert_non_null(strstr(err.message, "processing"));
    opt.wgi_missing = CM_CRIT_WGI_FALLBACK;
    CHECK_ERROR(cm_crit_bind(&in, &w, &opt, &err), CM_EINVAL); /* fallback NaN */
    opt.wgi_fallback = 7.5;
    CHECK_OK(cm_crit_bind(&in, &w, &opt, &err), &err);
    assert_int_equal(in.materials[0].supply[1][0].items[0].wgi, -1);
    CHECK_OK(cm_crit_compute(&in, &w, &opt, &res, &err), &err);
    const cm_crit_result_t *r = &res.items[0];
    ASSERT_NEAR(r->stage[1].hhi_wgi[CM_CRIT_GLOBAL], 7.5, 1e-12, 0);
    assert_true(r->stage[1].notes & CM_CRIT_NOTE_WGI_FALLBACK);
    assert_false(r->stage[1].complete);
    /* processing GS only (no IR): 7.5 * 0.9 * 0.95 beats extraction */
    ASSERT_NEAR(r->sr, 7.5 * 0.9 * 0.95, 1e-12, 0);
    assert_int_equal(r->sr_stage, 1);
    /* a table rebuilt smaller than the bound indices is refused */
    cm_crit_wgi_t small;
    memset(&small, 0, sizeof small);
    wgi_scaled(&small, "AUS", 1.0);
    CHECK_ERROR(cm_crit_compute(&in, &small, &opt, &res, &err), CM_EINVAL);
    cm_crit_wgi_destroy(&small);
    cm_crit_results_destroy(&res);
    cm_crit_wgi_destroy(&w);
    cm_crit_inputs_destroy(&in);
}

static void test_shares_options(void **state)
{
    (void)state;
    cm_crit_inputs_t in;
    cm_crit_wgi_t w;
    cm_crit_results_t res;
    cm_crit_options_t opt;
    cm_error_info_t err;
    memset(&in, 0, sizeof in);
    memset(&w, 0, sizeof w);
    memset(&res, 0, sizeof res);
    cm_crit_options_default(&opt);
    wgi_scaled(&w, "CHN", 4.0);
    wgi_scaled(&w, "USA", 2.0);
    CHECK_OK(cm_crit_inputs_add(&in, "m", NULL, NULL, &err), &err);
    cm_crit_material_t *m = &in.materials[0];
    CHECK_OK(cm_crit_material_add_share(m, 0, 0, "CHN", 0.4, 1, 0, &err), &err);
    CHECK_OK(cm_crit_material_add_share(m, 0, 0, "USA", 0.4, 1, CM_CRIT_SHARE_W, &err), &err);
    m->eol_rir = 0;
    m->si_sr = 1;
    CHECK_OK(cm_crit_material_add_enduse(m, "x", "C20", 0.5, 100, 0, &err), &err);
    CHECK_OK(cm_crit_material_add_enduse(m, "Other", "", 0.5, NAN, 0, &err), &err);
    CHECK_OK(cm_crit_material_add_enduse(&in.materials[0], "y", "C29", 0.0, 200, 0, &err), &err);
    CHECK_OK(cm_crit_bind(&in, &w, &opt, &err), &err);
    CHECK_OK(cm_crit_compute(&in, &w, &opt, &res, &err), &err);
    const cm_crit_result_t *r = &res.items[0];
    /* sum 0.8: noted, not renormalised */
    ASSERT_NEAR(r->stage[0].share_sum[0], 0.8, 1e-12, 0);
    ASSERT_NEAR(r->sr, 0.16 * 4 + 0.16 * 2, 1e-12, 0);
    assert_true(r->notes & CM_CRIT_NOTE_SHARES_OFF);
    assert_true(r->notes & CM_CRIT_NOTE_WITHHELD);
    assert_false(r->notes & CM_CRIT_NOTE_RENORMALISED);
    /* EI: the "Other" half adds nothing by default; the inputs bound EI to [2.5, 7.5], which
     * straddles 2.8: undetermined, and the EI is not complete */
    ASSERT_NEAR(r->ei_sum, 50.0, 1e-12, 0);
    ASSERT_NEAR(r->ei, 10.0 * 50 / 200, 1e-12, 0);
    ASSERT_NEAR(r->ei_low, r->ei, 1e-12, 0);
    ASSERT_NEAR(r->ei_high, 10.0 * (50 + 0.5 * 200) / 200, 1e-12, 0);
    ASSERT_NEAR(r->ei_unassigned, 0.5, 1e-12, 0);
    assert_false(r->ei_complete);
    assert_true(r->undetermined);
    assert_true(r->notes & CM_CRIT_NOTE_NO_SECTOR);
    assert_true(r->notes & CM_CRIT_NOTE_EI_UNDETERMINED);
    assert_false(r->notes & CM_CRIT_NOTE_EI_PUBLISHED);
    /* with a published EI and the fallback, the published value decides */
    m->published.ei = 3.1;
    opt.ei_published_fallback = 1;
    CHECK_OK(cm_crit_compute(&in, &w, &opt, &res, &err), &err);
    ASSERT_NEAR(r->ei, 3.1, 0, 0);
    assert_false(r->undetermined);
    assert_true(r->notes & CM_CRIT_NOTE_EI_PUBLISHED);
    m->published.ei = NAN;
    opt.ei_published_fallback = 0;
    /* pro rata: the "Other" half takes the mean value added of the rest; same bounds */
    opt.ei_pro_rata = 1;
    CHECK_OK(cm_crit_compute(&in, &w, &opt, &res, &err), &err);
    ASSERT_NEAR(r->ei_sum, 100.0, 1e-12, 0);
    ASSERT_NEAR(r->ei, 10.0 * 100 / 200, 1e-12, 0);
    assert_true(r->ei >= r->ei_low && r->ei <= r->ei_high);
    opt.ei_pro_rata = 0;
    opt.renormalise = 1;
    CHECK_OK(cm_crit_compute(&in, &w, &opt, &res, &err), &err);
    ASSERT_NEAR(r->ei_sum, 50.0, 1e-12, 0);
    ASSERT_NEAR(r->sr, 0.25 * 4 + 0.25 * 2, 1e-12, 0);
    assert_true(r->notes & CM_CRIT_NOTE_RENORMALISED);
    /* rounding decision: SR 0.96 is 1.0 as published, below 1 raw */
    m->si_sr = 0.64; /* 1.5 * 0.64 = 0.96 */
    opt.ei_threshold = 0.5;
    CHECK_OK(cm_crit_compute(&in, &w, &opt, &res, &err), &err);
    ASSERT_NEAR(r->sr, 0.96, 1e-12, 0);
    assert_true(r->critical);
    opt.round_decision = 0;
    CHECK_OK(cm_crit_compute(&in, &w, &opt, &res, &err), &err);
    assert_false(r->critical);
    /* published EI fallback for a material without end uses */
    CHECK_OK(cm_crit_inputs_add(&in, "n", NULL, NULL, &err), &err);
    in.materials[1].published.ei = 4.2;
    opt.ei_published_fallback = 1;
    CHECK_OK(cm_crit_bind(&in, &w, &opt, &err), &err);
    CHECK_OK(cm_crit_compute(&in, &w, &opt, &res, &err), &err);
    ASSERT_NEAR(res.items[1].ei, 4.2, 0, 0);
    assert_true(res.items[1].notes & CM_CRIT_NOTE_EI_PUBLISHED);
    assert_int_equal(cm_crit_inputs_find(&in, "n"), 1);
    assert_int_equal(cm_crit_inputs_find(&in, "zz"), -1);
    assert_null(cm_crit_material_find_share(m, 0, 0, "FRA"));
    assert_non_null(cm_crit_material_find_share(m, 0, 0, "USA"));
    assert_null(cm_crit_material_find_share(m, 3, 0, "USA"));
    cm_crit_results_destroy(&res);
    cm_crit_wgi_destroy(&w);
    cm_crit_inputs_destroy(&in);
}

/* EI: a share sum within half a point per end use of 100 % is rounding of the published
 * percentages (divided out, complete); beyond it, noted and divided only with renormalise. */
static void test_ei_rounding(void **state)
{
    (void)state;
    cm_crit_inputs_t in;
    cm_crit_wgi_t w;
    cm_crit_results_t res;
    cm_crit_options_t opt;
    cm_error_info_t err;
    memset(&in, 0, sizeof in);
    memset(&w, 0, sizeof w);
    memset(&res, 0, sizeof res);
    cm_crit_options_default(&opt);
    opt.va_max = 200;
    CHECK_OK(cm_crit_inputs_add(&in, "a", NULL, NULL, &err), &err);
    CHECK_OK(cm_crit_inputs_add(&in, "b", NULL, NULL, &err), &err);
    cm_crit_material_t *a = &in.materials[0], *b = &in.materials[1];
    a->si_ei = b->si_ei = 1.0;
    CHECK_OK(cm_crit_material_add_enduse(a, "x", "C20", 0.51, 100, 0, &err), &err);
    CHECK_OK(cm_crit_material_add_enduse(a, "y", "C28", 0.50, 200, 0, &err), &err);
    for (int k = 0; k < 3; k++) {
        CHECK_OK(cm_crit_material_add_enduse(b, "z", "C28", 0.3, 200, 0, &err), &err);
    }
    CHECK_OK(cm_crit_bind(&in, &w, &opt, &err), &err);
    CHECK_OK(cm_crit_compute(&in, &w, &opt, &res, &err), &err);
    const cm_crit_result_t *ra = &res.items[0], *rb = &res.items[1];
    ASSERT_NEAR(ra->ei_sum, (51.0 + 100.0) / 1.01, 1e-12, 0);
    ASSERT_NEAR(ra->ei, 10.0 * (51.0 + 100.0) / 1.01 / 200, 1e-12, 0);
    assert_true(ra->ei_complete);
    assert_false(ra->notes & CM_CRIT_NOTE_ENDUSES_OFF);
    ASSERT_NEAR(ra->ei_low, ra->ei_high, 1e-12, 0);
    /* 0.9 for three end uses is beyond rounding: kept, noted, not complete */
    ASSERT_NEAR(rb->ei, 10.0 * 0.9 * 200 / 200, 1e-12, 0);
    assert_true(rb->notes & CM_CRIT_NOTE_ENDUSES_OFF);
    assert_false(rb->ei_complete);
    opt.renormalise = 1;
    CHECK_OK(cm_crit_compute(&in, &w, &opt, &res, &err), &err);
    ASSERT_NEAR(rb->ei, 10.0, 1e-12, 0);
    /* SI_EI unknown: taken as 1 and not complete */
    a->si_ei = NAN;
    CHECK_OK(cm_crit_compute(&in, &w, &opt, &res, &err), &err);
    assert_true(ra->notes & CM_CRIT_NOTE_NO_SI_EI);
    assert_false(ra->ei_complete);
    cm_crit_results_destroy(&res);
    cm_crit_wgi_destroy(&w);
    cm_crit_inputs_destroy(&in);
}

static void test_argument_errors(void **state)
{
    (void)state;
    cm_crit_inputs_t in;
    cm_crit_wgi_t w;
    cm_crit_results_t res;
    cm_crit_options_t opt;
    cm_crit_result_t one;
    cm_crit_match_t mt;
    cm_error_info_t err;
    memset(&in, 0, sizeof in);
    memset(&w, 0, sizeof w);
    memset(&res, 0, sizeof res);
    cm_crit_options_default(&opt);
    cm_crit_options_default(NULL);
    CHECK_ERROR(cm_crit_inputs_add(&in, "", NULL, NULL, &err), CM_EINVAL);
    CHECK_ERROR(cm_crit_inputs_add(NULL, "a", NULL, NULL, &err), CM_EINVAL);
    CHECK_OK(cm_crit_inputs_add(&in, "a", NULL, NULL, &err), &err);
    CHECK_ERROR(cm_crit_inputs_add(&in, "a", NULL, NULL, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "'a'"));
    cm_crit_material_t *m = &in.materials[0];
    CHECK_ERROR(cm_crit_material_add_share(m, 0, 0, "CHN", 1.5, 1, 0, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "CHN"));
    CHECK_ERROR(cm_crit_material_add_share(m, 0, 0, "CHN", NAN, 1, 0, &err), CM_EINVAL);
    CHECK_ERROR(cm_crit_material_add_share(m, 0, 0, "CHN", 0.5, -1, 0, &err), CM_EINVAL);
    CHECK_ERROR(cm_crit_material_add_share(m, 0, 0, "", 0.5, 1, 0, &err), CM_EINVAL);
    CHECK_ERROR(cm_crit_material_add_share(m, 0, 0, "A-VERY-LONG-COUNTRY-CODE", 0.5, 1, 0, &err),
                CM_EINVAL);
    CHECK_ERROR(cm_crit_material_add_share(m, 2, 0, "CHN", 0.5, 1, 0, &err), CM_EINVAL);
    CHECK_ERROR(cm_crit_material_add_share(m, 0, 2, "CHN", 0.5, 1, 0, &err), CM_EINVAL);
    CHECK_ERROR(cm_crit_material_add_enduse(m, "x", "C20", -0.1, 1, 0, &err), CM_EINVAL);
    CHECK_ERROR(cm_crit_material_add_enduse(m, "x", "C20", 0.1, -1, 0, &err), CM_EINVAL);
    CHECK_ERROR(cm_crit_material_add_enduse(m, "x", "C20", 0.1, INFINITY, 0, &err), CM_EINVAL);
    CHECK_ERROR(cm_crit_material_add_enduse(m, "x", "C20-C21-C22-C23-C24", 0.1, 1, 0, &err),
                CM_EINVAL);
    CHECK_ERROR(cm_crit_material_add_enduse(NULL, "x", "C20", 0.1, 1, 0, &err), CM_EINVAL);
    assert_int_equal(m->n_enduses, 0);
    assert_int_equal(m->supply[0][0].n, 0);
    CHECK_ERROR(cm_crit_wgi_set(&w, "", 0, 0, 6, &err), CM_EINVAL);
    CHECK_ERROR(cm_crit_wgi_set(&w, "CHN", NAN, 0, 6, &err), CM_EINVAL);
    CHECK_ERROR(cm_crit_wgi_set(NULL, "CHN", 0, 0, 6, &err), CM_EINVAL);
    CHECK_ERROR(cm_crit_bind(NULL, &w, &opt, &err), CM_EINVAL);
    CHECK_ERROR(cm_crit_compute(&in, NULL, &opt, &res, &err), CM_EINVAL);
    CHECK_ERROR(cm_crit_compute_material(m, NULL, &opt, 0.0, &one, &err), CM_EINVAL);
    CHECK_ERROR(cm_crit_compute_material(m, NULL, &opt, NAN, &one, &err), CM_EINVAL);
    CHECK_ERROR(cm_crit_compute_material(NULL, NULL, &opt, 1.0, &one, &err), CM_EINVAL);
    CHECK_ERROR(cm_crit_match(&in, &res, &opt, 0.1, &mt, &err), CM_EINVAL); /* sizes differ */
    CHECK_ERROR(cm_crit_match(NULL, &res, &opt, 0.1, &mt, &err), CM_EINVAL);
    CHECK_ERROR(cm_crit_inputs_copy(&in, &in, &err), CM_EINVAL);
    CHECK_ERROR(cm_crit_wgi_load(NULL, 2019, 2019, &w, &err), CM_EINVAL);
    CHECK_ERROR(cm_crit_load_eu(NULL, &in, &err), CM_EINVAL);
    assert_int_equal(cm_crit_wgi_find(&w, "CHN"), -1);
    assert_int_equal(cm_crit_wgi_find(NULL, "CHN"), -1);
    assert_true(isnan(cm_crit_va_max(&in, &opt)));
    cm_crit_wgi_destroy(&w);
    cm_crit_inputs_destroy(&in);
}

static void test_wgi_table_sorted(void **state)
{
    (void)state;
    cm_crit_wgi_t w;
    cm_error_info_t err;
    memset(&w, 0, sizeof w);
    const char *codes[] = {"ZWE", "AUS", "MMR", "BEL", "CHN", "AAA", "ZZZ"};
    for (int k = 0; k < 100; k++) {
        char code[8];
        snprintf(code, sizeof code, "Q%02d", (k * 37) % 100);
        CHECK_OK(cm_crit_wgi_set(&w, code, 0.01 * k, 0.1, 6, &err), &err);
    }
    for (size_t k = 0; k < 7; k++) {
        CHECK_OK(cm_crit_wgi_set(&w, codes[k], -1.0 + (double)k * 0.1, 0.2, 6, &err), &err);
    }
    CHECK_OK(cm_crit_wgi_set(&w, "CHN", -0.28, 0.15, 6, &err), &err); /* replaces */
    assert_int_equal(w.n, 107);
    for (size_t k = 1; k < w.n; k++) {
        assert_true(strcmp(w.items[k - 1].country, w.items[k].country) < 0);
    }
    ptrdiff_t i = cm_crit_wgi_find(&w, "CHN");
    assert_true(i >= 0);
    ASSERT_NEAR(w.items[i].scaled, 5.56, 1e-12, 0);
    ASSERT_NEAR(w.items[i].scaled_se, 0.3, 1e-12, 0);
    assert_int_equal(cm_crit_wgi_find(&w, "Q37") >= 0, 1);
    assert_int_equal(cm_crit_wgi_find(&w, "XXX"), -1);
    cm_crit_wgi_destroy(&w);
    cm_crit_wgi_destroy(&w);
}

static void test_copy_and_match(void **state)
{
    (void)state;
    cm_crit_inputs_t in, cp;
    cm_crit_wgi_t w;
    cm_crit_results_t a, b;
    cm_crit_options_t opt;
    cm_crit_match_t mt;
    cm_error_info_t err;
    memset(&in, 0, sizeof in);
    memset(&cp, 0, sizeof cp);
    memset(&w, 0, sizeof w);
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    cm_crit_options_default(&opt);
    worked_case(&in, &w);
    cm_crit_material_t *m = &in.materials[0];
    m->published.sr_stage[0] = 1.5;  /* 1.4 computed: within 0.1 */
    m->published.sr = 1.5;
    m->published.ei = 6.5;           /* 6.7 computed: not within 0.1 */
    CHECK_OK(cm_crit_inputs_add(&in, "grp", NULL, NULL, &err), &err);
    in.materials[1].flags = CM_CRIT_MAT_GROUP;
    in.materials[1].published.sr = 3;
    CHECK_OK(cm_crit_inputs_copy(&cp, &in, &err), &err);
    CHECK_OK(cm_crit_bind(&in, &w, &opt, &err), &err);
    CHECK_OK(cm_crit_bind(&cp, &w, &opt, &err), &err);
    /* the copy is deep: changing it leaves the original */
    cp.materials[0].supply[0][0].items[0].share = 0.5;
    assert_string_equal(cp.materials[0].enduses[0].application, "a");
    assert_ptr_not_equal(cp.materials[0].enduses[0].application, m->enduses[0].application);
    CHECK_OK(cm_crit_compute(&in, &w, &opt, &a, &err), &err);
    CHECK_OK(cm_crit_compute(&cp, &w, &opt, &b, &err), &err);
    ASSERT_NEAR(a.items[0].sr, 1.4121864, 1e-12, 0);
    assert_true(b.items[0].stage[0].hhi_wgi[0] < a.items[0].stage[0].hhi_wgi[0]);
    ASSERT_NEAR(a.items[0].ei, b.items[0].ei, 0, 0);
    CHECK_OK(cm_crit_match(&in, &a, &opt, 0.1, &mt, &err), &err);
    assert_int_equal(mt.sr_pairs, 1);
    assert_int_equal(mt.sr_matched, 1);
    assert_int_equal(mt.ei_pairs, 1);
    assert_int_equal(mt.ei_matched, 0);
    assert_int_equal(mt.critical_computed, 1);
    assert_int_equal(mt.critical_published, 1);
    assert_int_equal(mt.critical_agree, 1);
    CHECK_OK(cm_crit_match(&in, &a, &opt, 0.2, &mt, &err), &err);
    assert_int_equal(mt.ei_matched, 1);
    /* copying into used inputs replaces them */
    CHECK_OK(cm_crit_inputs_copy(&cp, &in, &err), &err);
    assert_int_equal(cp.n, 2);
    ASSERT_NEAR(cp.materials[0].supply[0][0].items[0].share, 0.6, 0, 0);
    cm_crit_results_destroy(&a);
    cm_crit_results_destroy(&b);
    cm_crit_wgi_destroy(&w);
    cm_crit_inputs_destroy(&cp);
    cm_crit_inputs_destroy(&in);
}

static void test_alloc_failures(void **state)
{
    (void)state;
    int done = 0;
    for (long n = 0; n < 200 && !done; n++) {
        cm_crit_inputs_t in, cp;
        cm_crit_wgi_t w;
        cm_crit_results_t res;
        cm_crit_options_t opt;
        cm_error_info_t err;
        memset(&in, 0, sizeof in);
        memset(&cp, 0, sizeof cp);
        memset(&w, 0, sizeof w);
        memset(&res, 0, sizeof res);
        cm_crit_options_default(&opt);
        cm_test_fail_alloc_after(n);
        cm_error_t rc = cm_crit_inputs_add(&in, "x", "X", NULL, &err);
        const char *c[] = {"AAA", "BBB", "CCC", "DDD", "EEE", "FFF", "GGG", "HHH", "III", "JJJ"};
        for (int k = 0; k < 10 && rc == CM_OK; k++) {
            rc = cm_crit_material_add_share(&in.materials[0], k % 2, k % 3 == 0, c[k], 0.1, 1, 0,
                                            &err);
            if (rc == CM_OK) {
                rc = cm_crit_material_add_enduse(&in.materials[0], c[k], "C20", 0.1, 10, 0, &err);
            }
            if (rc == CM_OK) {
                rc = cm_crit_wgi_set(&w, c[k], 0.5, 0.1, 6, &err);
            }
        }
        if (rc == CM_OK) {
            rc = cm_crit_inputs_copy(&cp, &in, &err);
        }
        if (rc == CM_OK) {
            rc = cm_crit_bind(&cp, &w, &opt, &err);
        }
        if (rc == CM_OK) {
            rc = cm_crit_compute(&cp, &w, &opt, &res, &err);
        }
        cm_test_fail_alloc_after(-1);
        if (rc == CM_OK) {
            done = 1;
            assert_int_equal(res.n, 1);
            ASSERT_NEAR(res.items[0].ei_sum, 10.0, 1e-12, 0);
        } else {
            assert_int_equal(rc, CM_ENOMEM);
        }
        cm_crit_results_destroy(&res);
        cm_crit_wgi_destroy(&w);
        cm_crit_inputs_destroy(&cp);
        cm_crit_inputs_destroy(&in);
    }
    assert_true(done);
}

/* --- loaders on small synthetic files ------------------------------------------------- */

static void write_file(const char *dir, const char *name, const char *text, char *path, size_t n)
{
    snprintf(path, n, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void import(cm_store_t *s, const char *kind, const char *path)
{
    cm_error_info_t err;
    cm_import_report_t r;
    memset(&r, 0, sizeof r);
    CHECK_OK(cm_import_file(s, kind, path, NULL, &r, &err), &err);
    cm_import_report_destroy(&r);
}

static void open_store(const char *name, cm_store_t **s)
{
    char path[1024];
    cm_error_info_t err;
    snprintf(path, sizeof path, "%s/%s", cm_test_tmpdir(), name);
    remove(path);
    CHECK_OK(cm_store_open(path, CM_STORE_CREATE, s, &err), &err);
}

static const char *WGI_HEAD =
    "codeindyr,code,countryname,year,indicator,estimate,stddev,nsource,pctrank,pctranklower,"
    "pctrankupper\n";

static void test_load_synthetic(void **state)
{
    (void)state;
    const char *dir = cm_test_tmpdir();
    char p[1024];
    cm_store_t *s = NULL;
    cm_error_info_t err;
    cm_crit_inputs_t in;
    cm_crit_wgi_t w;
    memset(&in, 0, sizeof in);
    memset(&w, 0, sizeof w);
    open_store("crit-load.db", &s);
    /* empty store: nothing to load */
    CHECK_ERROR(cm_crit_load_eu(s, &in, &err), CM_ENOTFOUND);
    CHECK_ERROR(cm_crit_wgi_load(s, 2019, 2019, &w, &err), CM_ENOTFOUND);
    CHECK_ERROR(cm_crit_wgi_load(s, 2020, 2019, &w, &err), CM_EINVAL);
    /* WGI: China 2019 all six at -0.3 (sd 0.2), 2020 at -0.1; Finland 2019 with one missing */
    char wgi[4096];
    size_t len = 0;
    len += (size_t)snprintf(wgi + len, sizeof wgi - len, "%s", WGI_HEAD);
    const char *ind[] = {"va", "pv", "ge", "rq", "rl", "cc"};
    for (int k = 0; k < 6; k++) {
        len += (size_t)snprintf(wgi + len, sizeof wgi - len,
                                "CHN%s2019,CHN,China,2019,%s,-0.3,0.2,8,40,30,50\n"
                                "CHN%s2020,CHN,China,2020,%s,-0.1,0.2,8,40,30,50\n",
                                ind[k], ind[k], ind[k], ind[k]);
        if (k < 5) {
            len += (size_t)snprintf(wgi + len, sizeof wgi - len,
                                    "FIN%s2019,FIN,Finland,2019,%s,%s,0.3,8,90,80,99\n", ind[k],
                                    ind[k], k == 0 ? "1.5" : "2.0");
        } else {
            len += (size_t)snprintf(wgi + len, sizeof wgi - len,
                                    "FIN%s2019,FIN,Finland,2019,%s,..,..,..,..,..,..\n", ind[k],
                                    ind[k]);
        }
    }
    write_file(dir, "wgi-small.csv", wgi, p, sizeof p);
    import(s, "wgi", p);
    CHECK_OK(cm_crit_wgi_load(s, 2019, 2019, &w, &err), &err);
    assert_int_equal(w.n, 2);
    ptrdiff_t c = cm_crit_wgi_find(&w, "CHN"), f = cm_crit_wgi_find(&w, "FIN");
    assert_true(c >= 0 && f >= 0);
    ASSERT_NEAR(w.items[c].mean, -0.3, 1e-12, 1e-12);
    ASSERT_NEAR(w.items[c].scaled, 5.6, 1e-12, 0);
    ASSERT_NEAR(w.items[c].se, sqrt(6 * 0.04) / 6, 1e-12, 0);
    assert_int_equal(w.items[c].n_estimates, 6);
    ASSERT_NEAR(w.items[f].mean, (1.5 + 4 * 2.0) / 5, 1e-12, 0);
    assert_int_equal(w.items[f].n_estimates, 5);
    CHECK_OK(cm_crit_wgi_load(s, 2019, 2020, &w, &err), &err);
    ASSERT_NEAR(w.items[cm_crit_wgi_find(&w, "CHN")].mean, -0.2, 1e-12, 1e-12);
    assert_int_equal(w.year_from, 2019);
    assert_int_equal(w.year_to, 2020);
    CHECK_ERROR(cm_crit_wgi_load(s, 1990, 1991, &w, &err), CM_ENOTFOUND);
    assert_int_equal(w.n, 0);

    /* EU files: cobalt (E GSonly, P blend), dysprosium (E sourcing from the HREE group) */
    write_file(dir, "fact_GlobalSupplyShares_t.csv",
               "Material,Stage,Country,Share,t\n"
               "Cobalt,E,China,60%,1.0\n"
               "Cobalt,E,Finland,40%,0.8\n"
               "Cobalt,P,China,<0.1%,1.0\n"
               "Cobalt,P,Finland,99.9%,1.0\n"
               "Dysprosium,E,China,100%,1.1\n",
               p, sizeof p);
    import(s, "eu-crm-supply", p);
    write_file(dir, "fact_EUSupplyShares_t.csv",
               "Material,Stage,Country,Share,t\n"
               "Cobalt,P,Finland,50%,0.8\n"
               "Cobalt,P,China,50%,1.0\n"
               "Heavy Rare earths Elements,E,China,100%,1\n",
               p, sizeof p);
    import(s, "eu-crm-supply", p);
    write_file(dir, "eureport_results.csv",
               "material_name,supply_risk,economic_importance,eu_used_stage,eu_stages,"
               "eu_used_supply_primary,supply_risk_primary,eu_used_supply_refined,"
               "supply_risk_refined,si_ei,si_sr,import_reliance_primary,"
               "import_reliance_refined,end_of_life,source_name,publish_year,date_year\n"
               "Cobalt,2.8,6.8,Extraction,E+P,GSonly,2.8,GS+EU,0.5,0.97,0.98,81,1,22,"
               "EUREPORT,2025,2025\n"
               "Dysprosium,5.6,7.8,Processing,E+P,GS+EU,5.3,GSonly,5.6,0.98,0.99,80,100,1,"
               "EUREPORT,2025,2025\n"
               "HREE,5.1,4.2,Processing,E+P,GS+EU,2.3,GSonly,5.1,,,100,100,1,EUREPORT,2025,2025\n",
               p, sizeof p);
    import(s, "eu-crm-results", p);
    write_file(dir, "fact_MaterialUseShares.csv",
               "Material,Application,Share,NACE sector,VA in million EUR\n"
               "Cobalt,Batteries,50%,C27 - Manufacture of electrical equipment,100\n"
               "Cobalt,Alloys,40%,C24 - Manufacture of basic metals,200\n"
               "Cobalt,Other,10%,,\n"
               "Gallium,Chips,100%,C27 - Manufacture of electrical equipment,150\n",
               p, sizeof p);
    import(s, "eu-crm-use", p);
    CHECK_OK(cm_crit_load_eu(s, &in, &err), &err);
    assert_string_equal(in.region, "EU27");
    ptrdiff_t ico = cm_crit_inputs_find(&in, "cobalt");
    ptrdiff_t idy = cm_crit_inputs_find(&in, "dysprosium");
    ptrdiff_t ih = cm_crit_inputs_find(&in, "rare-earth-elements-heavy");
    assert_true(ico >= 0 && idy >= 0 && ih >= 0);
    const cm_crit_material_t *co = &in.materials[ico];
    const cm_crit_material_t *dy = &in.materials[idy];
    assert_true(in.materials[ih].flags & CM_CRIT_MAT_GROUP);
    assert_false(co->flags & CM_CRIT_MAT_GROUP);
    assert_string_equal(co->name, "Cobalt");
    ASSERT_NEAR(co->published.sr, 2.8, 0, 1e-12);
    ASSERT_NEAR(co->published.sr_stage[1], 0.5, 0, 1e-12);
    assert_int_equal(co->published.mode[0], CM_CRIT_MODE_GS_ONLY);
    assert_int_equal(co->published.mode[1], CM_CRIT_MODE_BLEND);
    assert_int_equal(co->published.used_stage, CM_CRIT_EXTRACTION);
    ASSERT_NEAR(co->import_reliance[0], 0.81, 1e-12, 0);
    ASSERT_NEAR(co->eol_rir, 0.22, 1e-12, 0);
    ASSERT_NEAR(co->si_sr, 0.98, 1e-12, 0);
    assert_int_equal(co->supply[0][CM_CRIT_GLOBAL].n, 2);
    const cm_crit_share_t *fin = &co->supply[0][CM_CRIT_GLOBAL].items[1];
    assert_string_equal(fin->country, "FIN");
    ASSERT_NEAR(fin->t, 0.8, 0, 1e-12);
    const cm_crit_share_t *lt = &co->supply[1][CM_CRIT_GLOBAL].items[0];
    assert_true(lt->flags & CM_CRIT_SHARE_LT);
    ASSERT_NEAR(lt->share, 0.001, 1e-12, 0);
    assert_int_equal(co->n_enduses, 3);
    ASSERT_NEAR(co->enduses[1].value_added, 200, 0, 0);
    assert_true(isnan(co->enduses[2].value_added));
    /* a row whose value added disagrees with its NACE code's keeps its own */
    ptrdiff_t iga = cm_crit_inputs_find(&in, "gallium");
    assert_true(iga >= 0);
    assert_int_equal(in.materials[iga].n_enduses, 1);
    ASSERT_NEAR(in.materials[iga].enduses[0].value_added, 150, 0, 0);
    /* group fallback of the sourcing shares */
    assert_true(dy->flags & CM_CRIT_MAT_SRC_FROM_GROUP_E);
    assert_int_equal(dy->supply[0][CM_CRIT_SOURCING].n, 1);
    assert_true(dy->assessed[1]);
    /* compute on it */
    cm_crit_options_t opt;
    cm_crit_results_t res;
    memset(&res, 0, sizeof res);
    cm_crit_options_default(&opt);
    CHECK_ERROR(cm_crit_bind(&in, &w, &opt, &err), CM_ENOTFOUND); /* w is empty now */
    CHECK_OK(cm_crit_wgi_load(s, 2019, 2019, &w, &err), &err);
    CHECK_OK(cm_crit_bind(&in, &w, &opt, &err), &err);
    CHECK_OK(cm_crit_compute(&in, &w, &opt, &res, &err), &err);
    double chn = 5.6, finw = cm_crit_wgi_scale((1.5 + 8.0) / 5);
    const cm_crit_result_t *r = &res.items[ico];
    double e = (0.36 * chn + 0.16 * finw * 0.8) * 0.78 * 0.98;
    double pp = (0.001 * 0.001 * chn + 0.999 * 0.999 * finw) * 0.005 +
                (0.25 * finw * 0.8 + 0.25 * chn) * 0.995;
    ASSERT_NEAR(r->stage[0].sr, e, 1e-12, 0);
    ASSERT_NEAR(r->stage[1].sr, pp * 0.78 * 0.98, 1e-12, 0);
    ASSERT_NEAR(r->va_max, 200, 0, 0);
    /* end uses 0.25 x 200 + 0.4 x 200 + 0.1 without a sector (no value added by default) */
    ASSERT_NEAR(r->ei, 10 * (50.0 + 80.0) / 200 * 0.97, 1e-12, 0);
    ASSERT_NEAR(r->ei_high, 10 * (50.0 + 80.0 + 0.1 * 200) / 200 * 0.97, 1e-12, 0);
    /* dysprosium extraction: blend with the group's sourcing, IR 0.8 */
    ASSERT_NEAR(res.items[idy].stage[0].sr, (chn * 1.1 * 0.4 + chn * 0.6) * 0.99 * 0.99, 1e-12,
                0);
    cm_crit_match_t mt;
    CHECK_OK(cm_crit_match(&in, &res, &opt, 0.1, &mt, &err), &err);
    /* HREE group left out; Dy P has no shares; Dy E borrows its group's sourcing shares */
    assert_int_equal(mt.sr_pairs, 2);
    assert_false(res.items[idy].stage[0].complete);
    opt.group_shares_complete = 1;
    CHECK_OK(cm_crit_compute(&in, &w, &opt, &res, &err), &err);
    CHECK_OK(cm_crit_match(&in, &res, &opt, 0.1, &mt, &err), &err);
    assert_int_equal(mt.sr_pairs, 3);
    assert_true(res.items[idy].stage[0].complete);
    assert_false(res.items[idy].stage[1].assessed);
    cm_crit_results_destroy(&res);
    cm_crit_wgi_destroy(&w);
    cm_crit_inputs_destroy(&in);
    cm_store_close(s);
}

/* --- the reproduction on the shared data ----------------------------------------------- */

static void test_reproduce_eu_2023(void **state)
{
    (void)state;
    const char *files[][2] = {
        {"eu-crm-supply", "eu-crm-2023-emilsson/fact_GlobalSupplyShares_t.csv"},
        {"eu-crm-supply", "eu-crm-2023-emilsson/fact_EUSupplyShares_t.csv"},
        {"eu-crm-trade", "eu-crm-2023-critmat/eureport_tradeparameters.csv"},
        {"eu-crm-results", "eu-crm-2023-critmat/eureport_results.csv"},
        {"eu-crm-use", "eu-crm-2023-emilsson/fact_MaterialUseShares.csv"},
        {"wgi", "wgi-2024-update/wgidataset.csv"}};
    char paths[6][1024];
    for (int k = 0; k < 6; k++) {
        const char *p = cm_test_shared(files[k][1]);
        if (p == NULL) {
            skip();
        }
        snprintf(paths[k], sizeof paths[k], "%s", p);
    }
    cm_store_t *s = NULL;
    cm_error_info_t err;
    open_store("crit-eu2023.db", &s);
    for (int k = 0; k < 6; k++) {
        import(s, files[k][0], paths[k]);
    }
    cm_crit_inputs_t in;
    cm_crit_wgi_t w;
    cm_crit_results_t res;
    cm_crit_options_t opt;
    cm_crit_match_t mt;
    memset(&in, 0, sizeof in);
    memset(&w, 0, sizeof w);
    memset(&res, 0, sizeof res);
    cm_crit_options_default(&opt);
    opt.ei_published_fallback = 1;
    CHECK_OK(cm_crit_load_eu(s, &in, &err), &err);
    CHECK_OK(cm_crit_wgi_load(s, CM_CRIT_EU_WGI_YEAR, CM_CRIT_EU_WGI_YEAR, &w, &err), &err);
    CHECK_OK(cm_crit_bind(&in, &w, &opt, &err), &err);
    CHECK_OK(cm_crit_compute(&in, &w, &opt, &res, &err), &err);
    CHECK_OK(cm_crit_match(&in, &res, &opt, 0.1, &mt, &err), &err);
    /* docs/crit.md: 93 of 112 stage pairs (83.0 %); the 85 % is not reachable with
     * these inputs (no global rule tried recovers the remaining pairs). */
    assert_int_equal(mt.sr_pairs, 112);
    assert_int_equal(mt.sr_matched, 93);
    /* the borrowed HREE sourcing counted as complete: 100 of 122 (7 of the 10 match) */
    cm_crit_match_t m0;
    opt.group_shares_complete = 1;
    CHECK_OK(cm_crit_compute(&in, &w, &opt, &res, &err), &err);
    CHECK_OK(cm_crit_match(&in, &res, &opt, 0.1, &m0, &err), &err);
    assert_int_equal(m0.sr_pairs, 122);
    assert_int_equal(m0.sr_matched, 100);
    /* and without the IR-0 rule: 98 of 121 (the earlier result) */
    opt.ir_zero_sourcing = 0;
    CHECK_OK(cm_crit_compute(&in, &w, &opt, &res, &err), &err);
    CHECK_OK(cm_crit_match(&in, &res, &opt, 0.1, &m0, &err), &err);
    assert_int_equal(m0.sr_pairs, 121);
    assert_int_equal(m0.sr_matched, 98);
    opt.ir_zero_sourcing = 1;
    opt.group_shares_complete = 0;
    CHECK_OK(cm_crit_compute(&in, &w, &opt, &res, &err), &err);
    /* EI: 35 of the 42 materials whose end uses all have a sector (docs/crit.md, choice 9) */
    assert_int_equal(mt.ei_pairs, 42);
    assert_int_equal(mt.ei_matched, 35);
    /* every EI range holds its point value; europium's 90 % "Other" leaves it undetermined,
     * and the published EI decides */
    for (size_t i = 0; i < in.n; i++) {
        const cm_crit_result_t *r = &res.items[i];
        if (in.materials[i].n_enduses > 0 && !(r->notes & CM_CRIT_NOTE_EI_PUBLISHED)) {
            assert_true(r->ei >= r->ei_low - 1e-12 && r->ei <= r->ei_high + 1e-12);
        }
    }
    ptrdiff_t eu = cm_crit_inputs_find(&in, "europium");
    assert_true(eu >= 0);
    assert_true(res.items[eu].notes & CM_CRIT_NOTE_EI_UNDETERMINED);
    ASSERT_NEAR(res.items[eu].ei, 3.3, 0, 1e-12);
    ASSERT_NEAR(res.items[eu].ei_unassigned, 0.9, 1e-12, 1e-12);
    /* manganese: the row's own value added (its NACE codes are shifted by one row) */
    ptrdiff_t mn = cm_crit_inputs_find(&in, "manganese");
    assert_true(mn >= 0);
    ASSERT_NEAR(cm_crit_round1(res.items[mn].ei), 6.9, 0, 1e-9);
    /* the published critical list is recovered except silver (docs/crit.md) */
    assert_int_equal(mt.critical_published, 49);
    size_t differ = 0;
    int silver = 0;
    for (size_t i = 0; i < in.n; i++) {
        const cm_crit_material_t *m = &in.materials[i];
        if (m->flags & CM_CRIT_MAT_GROUP) {
            continue;
        }
        int pub = m->published.sr >= 1.0 - 1e-9 && m->published.ei >= 2.8 - 1e-9;
        if (pub != (res.items[i].critical != 0)) {
            differ++;
            silver |= strcmp(m->code, "silver") == 0;
        }
    }
    assert_int_equal(differ, 1);
    assert_true(silver);
    /* the worked anchor of METHODS.md: dysprosium processing, 100 % China, GSonly */
    ptrdiff_t dy = cm_crit_inputs_find(&in, "dysprosium");
    assert_true(dy >= 0);
    ASSERT_NEAR(cm_crit_round1(res.items[dy].stage[1].sr), 5.6, 0, 1e-9);
    cm_crit_results_destroy(&res);
    cm_crit_wgi_destroy(&w);
    cm_crit_inputs_destroy(&in);
    cm_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CM_TEST(test_worked_example),    CM_TEST(test_single_formulas),
        CM_TEST(test_modes_and_stages),  CM_TEST(test_wgi_missing_and_fallback),
        CM_TEST(test_shares_options),    CM_TEST(test_ei_rounding),
        CM_TEST(test_argument_errors),
        CM_TEST(test_wgi_table_sorted),  CM_TEST(test_copy_and_match),
        CM_TEST(test_alloc_failures),    CM_TEST(test_load_synthetic),
        CM_TEST(test_reproduce_eu_2023),
    };
    return CM_RUN_TESTS(tests);
}

/* EU vs Belgian criticality: which terms moved a material across a threshold
 * (docs/crit-belgium.md, "Explaining a class change"). */
#include "cambium/cm_crit_be.h"

#include <math.h>
#include <string.h>

#include "cambium/cm_alloc.h"
#include "core/cm_internal.h"

void cm_crit_be_changes_destroy(cm_crit_be_changes_t *changes)
{
    if (changes == NULL) {
        return;
    }
    for (size_t i = 0; i < changes->n; i++) {
        cm_free(changes->items[i].explanation);
    }
    cm_free(changes->items);
    memset(changes, 0, sizeof *changes);
}

static cm_real_t decide(cm_real_t x, const cm_crit_options_t *opt)
{
    return opt->round_decision ? cm_crit_round1(x) : x;
}

static int above(cm_real_t x, cm_real_t threshold, const cm_crit_options_t *opt)
{
    return !isnan(x) && decide(x, opt) >= threshold;
}

static int differs(cm_real_t a, cm_real_t b)
{
    if (isnan(a) || isnan(b)) {
        return isnan(a) != isnan(b);
    }
    return fabs(a - b) > 1e-9 * (1.0 + fabs(a));
}

static cm_real_t pick(cm_real_t eu, cm_real_t be, int use_be)
{
    return (use_be || isnan(eu)) ? be : eu;
}

enum { T_SRC = 1, T_IR = 2, T_EOL = 4, T_SI = 8 };

/* SR with the EU terms except those in \p swap, taken from Belgium (max over stages). */
static cm_real_t sr_swapped(const cm_crit_material_t *me, const cm_crit_result_t *re,
                            const cm_crit_material_t *mb, const cm_crit_result_t *rb, unsigned swap)
{
    cm_real_t best = NAN;
    for (int s = 0; s < CM_CRIT_NSTAGES; s++) {
        const cm_crit_stage_result_t *se = &re->stage[s], *sb = &rb->stage[s];
        if (!sb->assessed && !se->assessed) {
            continue;
        }
        cm_crit_mode_t mode = sb->assessed ? sb->mode : se->mode;
        cm_real_t gs = pick(se->hhi_wgi[CM_CRIT_GLOBAL], sb->hhi_wgi[CM_CRIT_GLOBAL], 0);
        cm_real_t src =
            pick(se->hhi_wgi[CM_CRIT_SOURCING], sb->hhi_wgi[CM_CRIT_SOURCING], (swap & T_SRC) != 0);
        cm_real_t ir = pick(me->import_reliance[s], mb->import_reliance[s], (swap & T_IR) != 0);
        cm_real_t eol = pick(me->eol_rir, mb->eol_rir, (swap & T_EOL) != 0);
        cm_real_t si = pick(me->si_sr, mb->si_sr, (swap & T_SI) != 0);
        eol = isnan(eol) ? 0.0 : eol;
        si = isnan(si) ? 1.0 : si;
        cm_real_t v = cm_crit_sr_stage(mode, gs, src, ir, eol, si);
        if (!isnan(v) && (isnan(best) || v > best)) {
            best = v;
        }
    }
    return best;
}

static cm_error_t explain_sr(cm_i_buf_t *b, const cm_crit_material_t *me,
                             const cm_crit_result_t *re, const cm_crit_material_t *mb,
                             const cm_crit_result_t *rb, const cm_crit_options_t *opt)
{
    cm_error_t rc = CM_OK;
    int stage = rb->sr_stage >= 0 ? rb->sr_stage : re->sr_stage;
    int eu_above = above(re->sr, opt->sr_threshold, opt);
    CM_TRY(cm_i_buf_printf(b, "SR %.1f -> %.1f", re->sr, rb->sr));
    if (stage >= 0) {
        CM_TRY(cm_i_buf_printf(b, " (%s)", cm_crit_stage_name(stage)));
    }
    CM_TRY(cm_i_buf_puts(b, ":"));
    const char *sep = " ";
    for (int s = 0; s < CM_CRIT_NSTAGES; s++) {
        const cm_crit_stage_result_t *se = &re->stage[s], *sb = &rb->stage[s];
        if (!se->assessed && !sb->assessed) {
            continue;
        }
        static const struct {
            unsigned bit;
            const char *name;
        } terms[] = {{T_SRC, "sourcing HHI_WGI"}, {T_IR, "IR"}};
        for (size_t t = 0; t < sizeof terms / sizeof terms[0]; t++) {
            cm_real_t a =
                terms[t].bit == T_SRC ? se->hhi_wgi[CM_CRIT_SOURCING] : me->import_reliance[s];
            cm_real_t z =
                terms[t].bit == T_SRC ? sb->hhi_wgi[CM_CRIT_SOURCING] : mb->import_reliance[s];
            if (!differs(a, z)) {
                continue;
            }
            int decisive =
                above(sr_swapped(me, re, mb, rb, terms[t].bit), opt->sr_threshold, opt) != eu_above;
            CM_TRY(cm_i_buf_printf(b, "%s%s %s %.2f -> %.2f%s", sep, cm_crit_stage_name(s),
                                   terms[t].name, a, z, decisive ? " (decisive)" : ""));
            sep = "; ";
        }
    }
    static const struct {
        unsigned bit;
        const char *name;
    } mterms[] = {{T_EOL, "EoL-RIR"}, {T_SI, "SI_SR"}};
    for (size_t t = 0; t < sizeof mterms / sizeof mterms[0]; t++) {
        cm_real_t a = mterms[t].bit == T_EOL ? me->eol_rir : me->si_sr;
        cm_real_t z = mterms[t].bit == T_EOL ? mb->eol_rir : mb->si_sr;
        if (!differs(a, z)) {
            continue;
        }
        int decisive =
            above(sr_swapped(me, re, mb, rb, mterms[t].bit), opt->sr_threshold, opt) != eu_above;
        CM_TRY(cm_i_buf_printf(b, "%s%s %.2f -> %.2f%s", sep, mterms[t].name, a, z,
                               decisive ? " (decisive)" : ""));
        sep = "; ";
    }
    if (sep[0] == ' ') {
        CM_TRY(cm_i_buf_puts(b, " no single term differs (the stage modes differ)"));
    }
cleanup:
    return rc;
}

static cm_error_t explain_ei(cm_i_buf_t *b, const cm_crit_material_t *me,
                             const cm_crit_result_t *re, const cm_crit_material_t *mb,
                             const cm_crit_result_t *rb, const cm_crit_options_t *opt)
{
    cm_error_t rc = CM_OK;
    cm_real_t fe = re->ei_sum / re->va_max, fb = rb->ei_sum / rb->va_max;
    cm_real_t si_e = isnan(me->si_ei) ? 1.0 : me->si_ei;
    cm_real_t si_b = isnan(mb->si_ei) ? 1.0 : mb->si_ei;
    int eu_above = above(re->ei, opt->ei_threshold, opt);
    int dec_va = above(10.0 * fb * si_e, opt->ei_threshold, opt) != eu_above;
    CM_TRY(cm_i_buf_printf(b,
                           "EI %.1f -> %.1f: value added of the end-use sectors / largest "
                           "sector %.3f -> %.3f%s",
                           re->ei, rb->ei, fe, fb, dec_va ? " (decisive)" : ""));
    if (differs(si_e, si_b)) {
        int dec_si = above(10.0 * fe * si_b, opt->ei_threshold, opt) != eu_above;
        CM_TRY(
            cm_i_buf_printf(b, "; SI_EI %.2f -> %.2f%s", si_e, si_b, dec_si ? " (decisive)" : ""));
    }
cleanup:
    return rc;
}

/* A class that cannot be decided: SR at or above its threshold and no EI, or an EI range
 * (end uses without a sector) that straddles the threshold without a published EI. */
static int undetermined(const cm_crit_result_t *r, const cm_crit_options_t *opt)
{
    if (!above(r->sr, opt->sr_threshold, opt)) {
        return 0; /* not critical whatever EI is */
    }
    return isnan(r->ei) || r->undetermined;
}

static cm_error_t explain_undetermined(cm_i_buf_t *b, const cm_crit_result_t *r,
                                       const char *which)
{
    if (isnan(r->ei)) {
        return cm_i_buf_printf(b, "%s class undetermined: SR %.1f, EI not computable (no end-use "
                                  "shares)",
                               which, r->sr);
    }
    return cm_i_buf_printf(b,
                           "%s class undetermined: SR %.1f, EI %.1f-%.1f (%.0f %% of the end "
                           "uses without a sector)",
                           which, r->sr, r->ei_low, r->ei_high, 100.0 * r->ei_unassigned);
}

cm_error_t cm_crit_be_compare(const cm_crit_inputs_t *eu, const cm_crit_results_t *eu_res,
                              const cm_crit_inputs_t *be, const cm_crit_results_t *be_res,
                              const cm_crit_options_t *opt, cm_crit_be_changes_t *out,
                              cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_i_buf_t b = CM_I_BUF_INIT(1u << 16);
    if (eu == NULL || eu_res == NULL || be == NULL || be_res == NULL || opt == NULL ||
        out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_crit_be_compare: NULL argument");
    }
    cm_crit_be_changes_destroy(out);
    if (eu->n != be->n || eu_res->n != eu->n || be_res->n != be->n) {
        return cm_error_set(err, CM_EINVAL,
                            "EU and Belgian assessments differ in size (%zu, %zu materials; "
                            "%zu, %zu results)",
                            eu->n, be->n, eu_res->n, be_res->n);
    }
    for (size_t i = 0; i < eu->n; i++) {
        if (strcmp(eu->materials[i].code, be->materials[i].code) != 0) {
            return cm_error_set(err, CM_EINVAL,
                                "material %zu: expected the same code in both assessments, got "
                                "'%s' and '%s'",
                                i, eu->materials[i].code, be->materials[i].code);
        }
    }
    out->items = cm_calloc(eu->n + 1, sizeof *out->items);
    CM_NOMEM(out->items, err);
    out->n = eu->n;
    for (size_t i = 0; i < eu->n; i++) {
        const cm_crit_result_t *re = &eu_res->items[i], *rb = &be_res->items[i];
        cm_crit_be_change_t *c = &out->items[i];
        c->critical_eu = re->critical;
        c->critical_be = rb->critical;
        c->undetermined_eu = undetermined(re, opt);
        c->undetermined_be = undetermined(rb, opt);
        c->sr_crossed =
            above(re->sr, opt->sr_threshold, opt) != above(rb->sr, opt->sr_threshold, opt);
        c->ei_crossed = !isnan(re->ei) && !isnan(rb->ei) &&
                        above(re->ei, opt->ei_threshold, opt) != above(rb->ei, opt->ei_threshold, opt);
        cm_i_buf_reset(&b);
        if (c->undetermined_eu || c->undetermined_be) {
            out->n_undetermined++;
            c->sr_crossed = c->ei_crossed = 0;
            CM_TRY(explain_undetermined(&b, c->undetermined_eu ? re : rb,
                                        c->undetermined_eu ? "EU" : "Belgian"));
            CM_TRY(cm_i_buf_steal(&b, &c->explanation));
            continue;
        }
        if (c->critical_eu == c->critical_be) {
            continue;
        }
        out->n_changed++;
        if (c->sr_crossed) {
            CM_TRY(explain_sr(&b, &eu->materials[i], re, &be->materials[i], rb, opt));
        }
        if (c->ei_crossed) {
            if (c->sr_crossed) {
                CM_TRY(cm_i_buf_puts(&b, " | "));
            }
            CM_TRY(explain_ei(&b, &eu->materials[i], re, &be->materials[i], rb, opt));
        }
        CM_TRY(cm_i_buf_steal(&b, &c->explanation));
    }
cleanup:
    cm_i_buf_free(&b);
    if (rc != CM_OK) {
        cm_crit_be_changes_destroy(out);
    }
    return rc;
}

/* Threshold sensitivity of the critical set: one computation of SR and EI, the decision
 * repeated on a grid of (SR threshold, EI threshold) (docs/crit-uncertainty.md). */
#include "cambium/cm_crit_mc.h"

#include <math.h>
#include <string.h>

#include "core/cm_internal.h"
#include "crit/crit_mc_internal.h"

cm_error_t cm_crit_axis_count(const cm_crit_axis_t *axis, size_t *n, cm_error_info_t *err)
{
    if (axis == NULL || n == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_crit_axis_count: NULL argument");
    }
    if (!isfinite(axis->from) || !isfinite(axis->to) || !isfinite(axis->step) ||
        !(axis->step > 0.0) || axis->to < axis->from) {
        return cm_error_set(err, CM_EINVAL,
                            "expected a threshold axis with finite from <= to and step > 0, "
                            "got from %.17g to %.17g step %.17g",
                            axis->from, axis->to, axis->step);
    }
    double k = floor((axis->to - axis->from) / axis->step + 1e-9);
    if (!(k < (double)CM_CRIT_AXIS_MAX)) {
        return cm_error_set(err, CM_EINVAL,
                            "a threshold axis from %.17g to %.17g by %.17g has more than %d "
                            "values",
                            axis->from, axis->to, axis->step, CM_CRIT_AXIS_MAX);
    }
    *n = (size_t)k + 1;
    return CM_OK;
}

int cm_i_crit_at_least(cm_real_t x, cm_real_t threshold, int round_decision)
{
    if (isnan(x)) {
        return 0;
    }
    if (round_decision) {
        x = cm_crit_round1(x);
    }
    return x >= threshold - CM_I_CRIT_EPS;
}

/* from + i * step snapped to 1e-9 so that 0.8 + 3 * 0.1 prints as 1.1. */
static cm_real_t axis_value(const cm_crit_axis_t *a, size_t i)
{
    return nearbyint((a->from + (double)i * a->step) * 1e9) / 1e9;
}

void cm_crit_sens_destroy(cm_crit_sens_t *s)
{
    if (s == NULL) {
        return;
    }
    cm_free(s->sr);
    cm_free(s->ei);
    cm_free(s->count);
    cm_free(s->critical);
    cm_free(s->cells);
    cm_free(s->undetermined);
    cm_free(s->dependent);
    memset(s, 0, sizeof *s);
}

/* EI side of one cell for a material whose SR passes: 1 critical, 0 not, -1 undetermined.
 * A computed EI with end uses without a sector is critical only when its lower bound passes,
 * and undetermined when only the upper bound does; a published or absent EI is used as is. */
static int class_at(const cm_crit_result_t *r, cm_real_t threshold, int round_decision)
{
    if ((r->notes & CM_CRIT_NOTE_EI_PUBLISHED) || !(r->ei_unassigned > 0.0)) {
        if (isnan(r->ei)) {
            return -1;
        }
        return cm_i_crit_at_least(r->ei, threshold, round_decision);
    }
    if (cm_i_crit_at_least(r->ei_low, threshold, round_decision)) {
        return 1;
    }
    return cm_i_crit_at_least(r->ei_high, threshold, round_decision) ? -1 : 0;
}

cm_error_t cm_crit_sensitivity(const cm_crit_inputs_t *in, const cm_crit_results_t *res,
                               const cm_crit_options_t *opt, const cm_crit_axis_t *sr,
                               const cm_crit_axis_t *ei, cm_crit_sens_t *out, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    if (in == NULL || res == NULL || opt == NULL || sr == NULL || ei == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_crit_sensitivity: NULL argument");
    }
    cm_crit_sens_destroy(out);
    if (in->n != res->n) {
        return cm_error_set(err, CM_EINVAL, "cm_crit_sensitivity: %zu materials but %zu results",
                            in->n, res->n);
    }
    size_t nsr = 0, nei = 0;
    CM_TRY(cm_crit_axis_count(sr, &nsr, err));
    CM_TRY(cm_crit_axis_count(ei, &nei, err));
    size_t ncell = nsr * nei, nm = in->n;
    out->sr = cm_malloc_array(nsr, sizeof *out->sr);
    out->ei = cm_malloc_array(nei, sizeof *out->ei);
    out->count = cm_calloc(ncell, sizeof *out->count);
    out->cells = cm_calloc(nm + 1, sizeof *out->cells);
    out->dependent = cm_calloc(nm + 1, sizeof *out->dependent);
    out->undetermined = cm_calloc(nm + 1, sizeof *out->undetermined);
    CM_NOMEM(out->undetermined, err);
    out->critical = cm_calloc(nm * ncell + 1, sizeof *out->critical);
    CM_NOMEM(out->sr, err);
    CM_NOMEM(out->ei, err);
    CM_NOMEM(out->count, err);
    CM_NOMEM(out->cells, err);
    CM_NOMEM(out->dependent, err);
    CM_NOMEM(out->critical, err);
    out->n_sr = nsr;
    out->n_ei = nei;
    out->n_materials = nm;
    for (size_t i = 0; i < nsr; i++) {
        out->sr[i] = axis_value(sr, i);
    }
    for (size_t j = 0; j < nei; j++) {
        out->ei[j] = axis_value(ei, j);
    }
    for (size_t m = 0; m < nm; m++) {
        const cm_crit_result_t *r = &res->items[m];
        int group = (in->materials[m].flags & CM_CRIT_MAT_GROUP) != 0;
        unsigned char *row = out->critical + m * ncell;
        for (size_t i = 0; i < nsr; i++) {
            if (!cm_i_crit_at_least(r->sr, out->sr[i], opt->round_decision)) {
                continue; /* raising the EI threshold cannot help: the row stays 0 */
            }
            for (size_t j = 0; j < nei; j++) {
                int crit = class_at(r, out->ei[j], opt->round_decision);
                if (crit < 0) {
                    out->undetermined[m]++;
                    continue;
                }
                if (crit) {
                    row[i * nei + j] = 1;
                    out->cells[m]++;
                    if (!group) {
                        out->count[i * nei + j]++;
                    }
                }
            }
        }
        if (!group && out->undetermined[m] > 0) {
            out->n_undetermined++;
        }
        if (!group && out->cells[m] > 0 && out->cells[m] < ncell) {
            out->dependent[m] = 1;
            out->n_dependent++;
        }
    }
cleanup:
    if (rc != CM_OK) {
        cm_crit_sens_destroy(out);
    }
    return rc;
}

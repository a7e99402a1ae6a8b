/* Alerts: every pointer that crosses a threshold of pointers.ini, with a severity score, ranked. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/cm_internal.h"
#include "trade/trade_internal.h"

void cm_trade_alerts_destroy(cm_trade_alerts_t *a)
{
    if (a == NULL) {
        return;
    }
    cm_free(a->items);
    memset(a, 0, sizeof *a);
}

typedef struct build_t {
    const cm_trade_pointers_t *ptr;
    const cm_trade_params_t *p;
    cm_trade_alerts_t *out;
    cm_error_info_t *err;
} build_t;

/* Share of the evidence's import value from estimated flows: the period, and the previous one
 * for an alert on a change (the evidence the CLI lists). */
static double evidence_estimated_share(const cm_trade_pointers_t *ptr, size_t i, const char *kind)
{
    const cm_trade_pointer_t *t = &ptr->items[i];
    double v = t->value > 0.0 ? t->value : 0.0;
    double e = v * t->estimated_value_share;
    if (t->prev >= 0 && (size_t)t->prev < ptr->n &&
        (strcmp(kind, "hhi_jump") == 0 || strcmp(kind, "unit_value_jump") == 0 ||
         strcmp(kind, "new_top_partner") == 0)) {
        const cm_trade_pointer_t *q = &ptr->items[t->prev];
        double vq = q->value > 0.0 ? q->value : 0.0;
        v += vq;
        e += vq * q->estimated_value_share;
    }
    return cm_i_trade_share01(e, v);
}

/* Add an alert when |measure| >= threshold (and the severity is at least min_severity). */
static cm_error_t add(build_t *b, size_t i, const char *kind, double measure, double threshold,
                      double weight)
{
    if (!isfinite(measure) || fabs(measure) < threshold) {
        return CM_OK;
    }
    double ratio = threshold > 0.0 ? fabs(measure) / threshold : b->p->severity_cap;
    double sev = weight * (ratio < b->p->severity_cap ? ratio : b->p->severity_cap);
    if (sev < b->p->min_severity || sev <= 0.0) {
        return CM_OK;
    }
    cm_trade_alerts_t *a = b->out;
    if (cm_i_grow((void **)&a->items, &a->cap, a->n, sizeof *a->items, 64) != 0) {
        return cm_error_set(b->err, CM_ENOMEM, "cannot grow the alert list beyond %zu", a->cap);
    }
    cm_trade_alert_t *t = &a->items[a->n++];
    t->pointer = i;
    t->kind = kind;
    t->measure = measure;
    t->threshold = threshold;
    t->severity = sev;
    t->estimated_value_share = evidence_estimated_share(b->ptr, i, kind);
    return CM_OK;
}

static int cmp_alert(const void *a, const void *b)
{
    const cm_trade_alert_t *x = a, *y = b;
    if (x->severity != y->severity) {
        return x->severity > y->severity ? -1 : 1;
    }
    if (x->pointer != y->pointer) {
        return x->pointer < y->pointer ? -1 : 1;
    }
    return strcmp(x->kind, y->kind);
}

cm_error_t cm_trade_alerts_build(const cm_trade_pointers_t *ptr, const cm_trade_params_t *p,
                                 cm_trade_alerts_t *out, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    if (ptr == NULL || p == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_trade_alerts_build: NULL %s",
                            ptr == NULL ? "ptr" : p == NULL ? "p" : "out");
    }
    memset(out, 0, sizeof *out);
    build_t b = {ptr, p, out, err};
    for (size_t i = 0; i < ptr->n; i++) {
        const cm_trade_pointer_t *t = &ptr->items[i];
        if (!(t->value >= p->min_value) || t->value <= 0.0) {
            continue;
        }
        CM_TRY(add(&b, i, "value_z", t->z_value, p->z_threshold, p->w_value_z));
        CM_TRY(add(&b, i, "quantity_z", t->z_quantity, p->z_threshold, p->w_quantity_z));
        CM_TRY(add(&b, i, "unit_value_z", t->z_unit_value, p->z_threshold, p->w_unit_value_z));
        if (t->hhi_change > 0.0) { /* a rise in concentration */
            CM_TRY(add(&b, i, "hhi_jump", t->hhi_change, p->hhi_jump, p->w_hhi_jump));
        }
        CM_TRY(add(&b, i, "unit_value_jump", t->unit_value_change, p->unit_value_jump,
                   p->w_unit_value_jump));
        if (t->new_top) {
            CM_TRY(add(&b, i, "new_top_partner", t->top_share, p->new_top_min_share,
                       p->w_new_top));
        }
        CM_TRY(add(&b, i, "high_risk_share", t->high_risk_share, p->high_risk_share,
                   p->w_high_risk));
        if (t->geodep) {
            /* measure: years of the window holding; threshold: years required */
            CM_TRY(add(&b, i, "geodep", (double)t->geodep_years_holding,
                       (double)p->geodep_years, p->w_geodep));
        }
    }
    if (out->n > 1) { /* no alert: items is NULL, which qsort must not get */
        qsort(out->items, out->n, sizeof *out->items, cmp_alert);
    }
cleanup:
    if (rc != CM_OK) {
        cm_trade_alerts_destroy(out);
    }
    return rc;
}

/* Pointers per (dataset, declarant, product, period): sums, partner HHI, top partner, risk
 * shares; then per series the rolling z-scores, changes and the GeoDep criteria. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cm_internal.h"
#include "trade/trade_internal.h"

void cm_trade_pointers_destroy(cm_trade_pointers_t *p)
{
    if (p == NULL) {
        return;
    }
    cm_free(p->items);
    cm_free(p->ev_id);
    cm_free(p->ev_line);
    cm_free(p->ev_dataset);
    cm_free(p->ev_obs);
    memset(p, 0, sizeof *p);
}

/* An observation with the value unit of its dataset (a quantity row takes the unit of the
 * dataset's values, so that it joins their series). */
typedef struct ref_t {
    const cm_trade_obs_t *o;
    const char *vu;
} ref_t;

static int cmp_obs(const void *a, const void *b)
{
    const ref_t *ra = a, *rb = b;
    const cm_trade_obs_t *x = ra->o, *y = rb->o;
    int c;
    if ((c = cm_i_trade_cmp_source(x->kind, ra->vu, y->kind, rb->vu)) != 0 ||
        (c = strcmp(x->region, y->region)) != 0 || (c = strcmp(x->product, y->product)) != 0) {
        return c;
    }
    size_t lx = strlen(x->period), ly = strlen(y->period); /* annual before monthly */
    if (lx != ly) {
        return lx < ly ? -1 : 1;
    }
    if ((c = strcmp(x->period, y->period)) != 0 || (c = strcmp(x->partner, y->partner)) != 0) {
        return c;
    }
    if (x->var != y->var) {
        return x->var < y->var ? -1 : 1;
    }
    return x->id < y->id ? -1 : x->id > y->id;
}

static int same_cell(const ref_t *ra, const ref_t *rb)
{
    const cm_trade_obs_t *x = ra->o, *y = rb->o;
    return cm_i_trade_cmp_source(x->kind, ra->vu, y->kind, rb->vu) == 0 &&
           strcmp(x->region, y->region) == 0 &&
           strcmp(x->product, y->product) == 0 && strcmp(x->period, y->period) == 0;
}

/* Ordinal of a period: a year (annual, *monthly = 0) or year * 12 + month - 1 (monthly);
 * -1 when it is neither "YYYY" nor "YYYY-MM". */
long cm_i_trade_period_ordinal(const char *s, int *monthly)
{
    size_t n = strlen(s);
    *monthly = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(i == 4 && s[i] == '-') && (s[i] < '0' || s[i] > '9')) {
            return -1;
        }
    }
    if (n == 4) {
        return strtol(s, NULL, 10);
    }
    if (n == 7 && s[4] == '-') {
        long yy = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
        long m = (s[5] - '0') * 10 + (s[6] - '0');
        if (m < 1 || m > 12) {
            return -1;
        }
        *monthly = 1;
        return yy * 12 + m - 1;
    }
    return -1;
}

static cm_error_t grow_items(cm_trade_pointers_t *out, cm_error_info_t *err)
{
    if (out->n < out->cap) {
        return CM_OK;
    }
    size_t cap = out->cap < 64 ? 64 : out->cap * 2;
    cm_trade_pointer_t *p = cm_realloc_array(out->items, cap, sizeof *p);
    if (p == NULL) {
        return cm_error_set(err, CM_ENOMEM, "cannot grow the pointers to %zu", cap);
    }
    out->items = p;
    out->cap = cap;
    return CM_OK;
}

/* One cell (rows idx[lo, hi) of the sorted index) -> one pointer. */
static cm_error_t make_pointer(const ref_t *idx, size_t lo, size_t hi,
                               const cm_trade_obs_t *base, const unsigned char *est,
                               cm_trade_risk_fn *risk, void *risk_data,
                               const cm_trade_params_t *p, cm_trade_pointers_t *out,
                               cm_error_info_t *err)
{
    cm_error_t rc = grow_items(out, err);
    if (rc != CM_OK) {
        return rc;
    }
    cm_trade_pointer_t *t = &out->items[out->n];
    const cm_trade_obs_t *f = idx[lo].o;
    memset(t, 0, sizeof *t);
    t->dataset = f->dataset;
    memcpy(t->kind, f->kind, sizeof t->kind);
    snprintf(t->unit, sizeof t->unit, "%s", idx[lo].vu);
    memcpy(t->declarant, f->region, sizeof t->declarant);
    memcpy(t->product, f->product, sizeof t->product);
    memcpy(t->period, f->period, sizeof t->period);
    t->ev_first = out->n_ev;
    double v = 0.0, q = 0.0, vq = 0.0, best = -1.0, hr = 0.0, unk = 0.0, ve = 0.0;
    const char *top = "";
    size_t r = lo;
    /* first pass: per partner the first value and the first quantity */
    while (r < hi) {
        const cm_trade_obs_t *a = idx[r].o;
        double pv = NAN, pq = NAN;
        int has_v = 0, has_q = 0, est_v = 0, est_q = 0;
        size_t s = r;
        for (; s < hi && strcmp(idx[s].o->partner, a->partner) == 0; s++) {
            const cm_trade_obs_t *b = idx[s].o;
            int flagged = est != NULL && est[b - base] != 0;
            if (b->var == CM_TRADE_IMPORT_VALUE && !has_v) {
                pv = b->value;
                has_v = 1;
                est_v = flagged;
            } else if (b->var == CM_TRADE_IMPORT_QUANTITY && !has_q) {
                pq = b->value;
                has_q = 1;
                est_q = flagged;
            } else {
                continue; /* a duplicate: the first is used, the evidence keeps the first */
            }
            out->ev_id[out->n_ev] = b->id;
            out->ev_line[out->n_ev] = b->line;
            out->ev_dataset[out->n_ev] = b->dataset;
            out->ev_obs[out->n_ev] = (size_t)(b - base);
            out->n_ev++;
        }
        if (has_v && !isfinite(pv)) {
            t->n_suppressed++;
        }
        t->bridged_flows += est_v || est_q;
        if (est_v && isfinite(pv)) {
            ve += pv;
        }
        if (has_v && isfinite(pv)) {
            t->n_partners++;
            v += pv;
            if (isfinite(pq)) {
                q += pq;
                vq += pv;
            } else {
                t->n_missing_q++;
            }
            if (pv > best || (pv == best && strcmp(a->partner, top) < 0)) {
                best = pv;
                top = a->partner;
            }
            if (risk != NULL) {
                double g = risk(a->partner, risk_data);
                if (isnan(g)) {
                    unk += pv;
                } else if (g >= p->high_risk_wgi) {
                    hr += pv;
                }
            }
        }
        r = s;
    }
    /* second pass: HHI from the shares */
    double hhi = 0.0;
    if (v > 0.0) {
        for (size_t s = lo; s < hi; s++) {
            const cm_trade_obs_t *b = idx[s].o;
            if (b->var == CM_TRADE_IMPORT_VALUE && isfinite(b->value) &&
                (s == lo || strcmp(idx[s - 1].o->partner, b->partner) != 0 ||
                 idx[s - 1].o->var != CM_TRADE_IMPORT_VALUE)) {
                double sh = b->value / v;
                hhi += sh * sh;
            }
        }
    }
    t->value = v;
    t->quantity = q;
    t->unit_value = q > 0.0 ? vq / q : NAN;
    t->hhi = v > 0.0 ? hhi : NAN;
    snprintf(t->top_partner, sizeof t->top_partner, "%s", top);
    t->top_share = v > 0.0 ? best / v : NAN;
    t->high_risk_share = risk != NULL && v > 0.0 ? hr / v : NAN;
    t->unknown_risk_share = risk != NULL && v > 0.0 ? unk / v : NAN;
    t->ev_n = out->n_ev - t->ev_first;
    t->estimated_value_share = cm_i_trade_share01(ve, v);
    t->prev = -1;
    t->z_value = t->z_quantity = t->z_unit_value = NAN;
    t->hhi_change = t->unit_value_change = NAN;
    t->exports = t->import_export_ratio = t->world_export_hhi = NAN;
    out->n++;
    return CM_OK;
}

/* z of x against the finite values base[0, n): NaN with fewer than min or sd = 0. */
static double zscore(double x, const double *base, int n, int min)
{
    double s = 0.0, ss = 0.0;
    int k = 0;
    for (int i = 0; i < n; i++) {
        if (isfinite(base[i])) {
            s += base[i];
            k++;
        }
    }
    if (k < min || k < 2 || !isfinite(x)) {
        return NAN;
    }
    double mean = s / k;
    for (int i = 0; i < n; i++) {
        if (isfinite(base[i])) {
            ss += (base[i] - mean) * (base[i] - mean);
        }
    }
    double sd = sqrt(ss / (k - 1));
    return sd > 0.0 ? (x - mean) / sd : NAN;
}

static int same_series(const cm_trade_pointer_t *a, const cm_trade_pointer_t *b)
{
    return cm_i_trade_cmp_source(a->kind, a->unit, b->kind, b->unit) == 0 &&
           strcmp(a->declarant, b->declarant) == 0 &&
           strcmp(a->product, b->product) == 0 && strlen(a->period) == strlen(b->period);
}

/* Baselines, changes and new top partners of one series [lo, hi). */
static cm_error_t series_changes(cm_trade_pointer_t *t, size_t lo, size_t hi,
                                 const cm_trade_params_t *p, cm_error_info_t *err)
{
    int monthly = 0;
    int win = strlen(t[lo].period) == 7 ? p->window_months : p->window_years;
    double *bv = cm_malloc_array((size_t)win + 1, 3 * sizeof(double));
    if (bv == NULL) {
        return cm_error_set(err, CM_ENOMEM, "cannot allocate a baseline of %d periods", win);
    }
    double *bq = bv + win + 1, *bu = bq + win + 1;
    for (size_t i = lo; i < hi; i++) {
        long oi = cm_i_trade_period_ordinal(t[i].period, &monthly);
        int nb = 0;
        for (size_t j = i; j > lo && nb < win; j--) {
            long oj = cm_i_trade_period_ordinal(t[j - 1].period, &monthly);
            if (oi < 0 || oj < 0 || oi - oj > win) {
                break;
            }
            bv[nb] = t[j - 1].value;
            bq[nb] = t[j - 1].n_missing_q == 0 ? t[j - 1].quantity : NAN;
            bu[nb] = t[j - 1].unit_value;
            nb++;
        }
        t[i].baseline_n = nb;
        t[i].z_value = zscore(t[i].value, bv, nb, p->min_baseline);
        t[i].z_quantity = zscore(t[i].n_missing_q == 0 ? t[i].quantity : NAN, bq, nb,
                                 p->min_baseline);
        t[i].z_unit_value = zscore(t[i].unit_value, bu, nb, p->min_baseline);
        if (i > lo && oi >= 0 && cm_i_trade_period_ordinal(t[i - 1].period, &monthly) == oi - 1) {
            const cm_trade_pointer_t *q = &t[i - 1];
            t[i].prev = (ptrdiff_t)(i - 1);
            t[i].hhi_change = t[i].hhi - q->hhi;
            t[i].unit_value_change = q->unit_value > 0.0 ? t[i].unit_value / q->unit_value - 1.0
                                                          : NAN;
            t[i].new_top = t[i].top_partner[0] != '\0' && q->top_partner[0] != '\0' &&
                           strcmp(t[i].top_partner, q->top_partner) != 0;
        }
    }
    cm_free(bv);
    return CM_OK;
}

cm_error_t cm_trade_pointers_compute(const cm_trade_obs_list_t *obs, const char *declarant,
                                     cm_trade_risk_fn *risk, void *risk_data,
                                     const cm_trade_params_t *p, cm_trade_pointers_t *out,
                                     cm_error_info_t *err)
{
    return cm_trade_pointers_compute_est(obs, NULL, declarant, risk, risk_data, p, out, err);
}

cm_error_t cm_trade_pointers_compute_est(const cm_trade_obs_list_t *obs,
                                         const unsigned char *estimated, const char *declarant,
                                         cm_trade_risk_fn *risk, void *risk_data,
                                         const cm_trade_params_t *p, cm_trade_pointers_t *out,
                                         cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    ref_t *idx = NULL;
    const cm_trade_obs_t **vrow = NULL; /* per dataset met: a value row (its unit) */
    size_t nvrow = 0;
    if (obs == NULL || p == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_trade_pointers_compute_est: NULL %s",
                            obs == NULL ? "obs" : p == NULL ? "p" : "out");
    }
    memset(out, 0, sizeof *out);
    const cm_trade_obs_t *o = obs->items;
    size_t m = 0;
    idx = cm_malloc_array(obs->n + 1, sizeof *idx);
    vrow = cm_malloc_array(obs->n + 1, sizeof *vrow);
    out->ev_id = cm_malloc_array(obs->n + 1, sizeof *out->ev_id);
    out->ev_line = cm_malloc_array(obs->n + 1, sizeof *out->ev_line);
    out->ev_dataset = cm_malloc_array(obs->n + 1, sizeof *out->ev_dataset);
    out->ev_obs = cm_malloc_array(obs->n + 1, sizeof *out->ev_obs);
    if (idx == NULL || vrow == NULL || out->ev_id == NULL || out->ev_line == NULL ||
        out->ev_dataset == NULL || out->ev_obs == NULL) {
        rc = cm_error_set(err, CM_ENOMEM, "cannot index %zu observations", obs->n);
        goto cleanup;
    }
    for (size_t i = 0; i < obs->n; i++) {
        if (o[i].var == CM_TRADE_IMPORT_VALUE) {
            size_t k = 0;
            while (k < nvrow && vrow[k]->dataset != o[i].dataset) {
                k++;
            }
            if (k == nvrow) {
                vrow[nvrow++] = &o[i];
            }
        }
    }
    for (size_t i = 0; i < obs->n; i++) {
        if (o[i].var == CM_TRADE_EXPORT_VALUE ||
            (declarant != NULL && strcmp(o[i].region, declarant) != 0)) {
            continue;
        }
        if (strcmp(o[i].partner, "WLD") == 0 || strcmp(o[i].partner, o[i].region) == 0) {
            out->n_skipped_partner += o[i].var == CM_TRADE_IMPORT_VALUE;
            continue;
        }
        const char *vu = o[i].unit;
        for (size_t k = 0; k < nvrow; k++) {
            if (vrow[k]->dataset == o[i].dataset) {
                vu = vrow[k]->unit;
                break;
            }
        }
        idx[m].o = &o[i];
        idx[m++].vu = vu;
    }
    qsort(idx, m, sizeof *idx, cmp_obs);
    for (size_t lo = 0; lo < m;) {
        size_t hi = lo + 1;
        while (hi < m && same_cell(&idx[lo], &idx[hi])) {
            hi++;
        }
        int has_value = 0;
        for (size_t r = lo; r < hi && !has_value; r++) {
            has_value = idx[r].o->var == CM_TRADE_IMPORT_VALUE;
        }
        if (has_value) {
            CM_TRY(make_pointer(idx, lo, hi, o, estimated, risk, risk_data, p, out, err));
        }
        lo = hi;
    }
    for (size_t lo = 0; lo < out->n;) {
        size_t hi = lo + 1;
        while (hi < out->n && same_series(&out->items[lo], &out->items[hi])) {
            hi++;
        }
        CM_TRY(series_changes(out->items, lo, hi, p, err));
        lo = hi;
    }
    CM_TRY(cm_i_trade_geodep_fill(obs, out, p, err));
cleanup:
    cm_free(idx);
    cm_free(vrow);
    if (rc != CM_OK) {
        cm_trade_pointers_destroy(out);
    }
    return rc;
}

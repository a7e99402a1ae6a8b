/* The CEPII GeoDep dependency criteria (METHODS.md B.6) and their inputs from observations:
 * the declarant's exports of the product and the HHI of world exports. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cm_internal.h"
#include "trade/trade_internal.h"

cm_error_t cm_trade_geodep(cm_trade_geodep_year_t *y, size_t n, const cm_trade_params_t *p,
                           cm_error_info_t *err)
{
    if ((y == NULL && n > 0) || p == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_trade_geodep: NULL %s", p == NULL ? "p" : "y");
    }
    for (size_t i = 1; i < n; i++) {
        if (y[i].year <= y[i - 1].year) {
            return cm_error_set(err, CM_EINVAL,
                                "cm_trade_geodep: years must increase (%d after %d)", y[i].year,
                                y[i - 1].year);
        }
    }
    for (size_t i = 0; i < n; i++) {
        cm_trade_geodep_year_t *t = &y[i];
        if (isnan(t->imports) || isnan(t->exports)) {
            t->ratio = NAN;
        } else if (t->exports == 0.0) {
            t->ratio = p->geodep_zero_exports_ratio;
        } else {
            t->ratio = t->imports / t->exports;
        }
        t->c1 = t->import_hhi > p->geodep_import_hhi;       /* NaN compares false */
        t->c2 = t->world_export_hhi > p->geodep_export_hhi;
        t->c3 = t->ratio > p->geodep_ratio;
        t->all3 = t->c1 && t->c2 && t->c3;
    }
    for (size_t i = 0; i < n; i++) {
        int k = 0;
        for (size_t j = 0; j <= i; j++) {
            k += y[j].all3 && y[j].year > y[i].year - p->geodep_window;
        }
        y[i].years_holding = k;
        y[i].dependency = k >= p->geodep_years;
    }
    return CM_OK;
}

/* --- inputs from the observations ---------------------------------------------------------- */

/* Exports of a country: E from export_value rows (partner WLD = the total; else the sum over
 * partners), M from the mirror (other regions' imports from it). */
typedef struct xrow_t {
    char kind[CM_TRADE_CODE_MAX], unit[CM_TRADE_CODE_MAX];
    char country[CM_TRADE_CODE_MAX], product[CM_TRADE_CODE_MAX], period[CM_TRADE_CODE_MAX];
    double e_total, e_sum, m_sum;
    int has_total, has_sum, has_m;
} xrow_t;

static int cmp_x(const void *a, const void *b)
{
    const xrow_t *x = a, *y = b;
    int c;
    if ((c = cm_i_trade_cmp_source(x->kind, x->unit, y->kind, y->unit)) != 0 ||
        (c = strcmp(x->country, y->country)) != 0 || (c = strcmp(x->product, y->product)) != 0) {
        return c;
    }
    return strcmp(x->period, y->period);
}

/* World exports by exporter of a product (first six characters of an HS/CN code) and year. */
typedef struct wrow_t {
    char product[CM_TRADE_CODE_MAX];
    int year;
    int64_t dataset;
    char exporter[CM_TRADE_CODE_MAX];
    double value;
    double hhi; /* result, on the first row of a (product, year) */
} wrow_t;

static int cmp_w(const void *a, const void *b)
{
    const wrow_t *x = a, *y = b;
    int c = strcmp(x->product, y->product);
    if (c != 0) {
        return c;
    }
    if (x->year != y->year) {
        return x->year < y->year ? -1 : 1;
    }
    if (x->dataset != y->dataset) {
        return x->dataset < y->dataset ? -1 : 1;
    }
    return strcmp(x->exporter, y->exporter);
}

static int cmp_w_key(const void *a, const void *b)
{
    const wrow_t *x = a, *y = b;
    int c = strcmp(x->product, y->product);
    return c != 0 ? c : (x->year > y->year) - (x->year < y->year);
}

/* HS6 key of a product code: its first six characters when it is all digits (CN8 -> HS6). */
static void hs6(char *dst, const char *product)
{
    size_t n = strlen(product), i = 0;
    while (i < n && product[i] >= '0' && product[i] <= '9') {
        i++;
    }
    snprintf(dst, CM_TRADE_CODE_MAX, "%.*s", (i == n && n >= 6) ? 6 : (int)n, product);
}

/* A dataset covers world trade when no single country is on one side of all its rows (the
 * labelled BACI series, all touching Belgium, does not). */
static int is_world(const cm_trade_obs_list_t *obs, int64_t ds)
{
    const cm_trade_obs_t *first = NULL;
    int a_all = 1, b_all = 1;
    for (size_t i = 0; i < obs->n; i++) {
        const cm_trade_obs_t *o = &obs->items[i];
        if (o->dataset != ds || o->var != CM_TRADE_IMPORT_VALUE) {
            continue;
        }
        if (strcmp(o->kind, "baci") != 0 && strcmp(o->kind, "comtrade") != 0) {
            return 0;
        }
        if (first == NULL) {
            first = o;
            continue;
        }
        a_all = a_all && (strcmp(o->region, first->region) == 0 ||
                          strcmp(o->partner, first->region) == 0);
        b_all = b_all && (strcmp(o->region, first->partner) == 0 ||
                          strcmp(o->partner, first->partner) == 0);
    }
    return first != NULL && !a_all && !b_all;
}

static cm_error_t world_rows(const cm_trade_obs_list_t *obs, wrow_t **out, size_t *nout,
                             cm_error_info_t *err)
{
    int64_t *seen = NULL;
    int *world = NULL;
    size_t nds = 0, nw = 0;
    wrow_t *w = NULL;
    cm_error_t rc = CM_OK;
    seen = cm_malloc_array(obs->n + 1, sizeof *seen);
    world = cm_malloc_array(obs->n + 1, sizeof *world);
    w = cm_malloc_array(obs->n + 1, sizeof *w);
    if (seen == NULL || world == NULL || w == NULL) {
        rc = cm_error_set(err, CM_ENOMEM, "GeoDep: cannot allocate for %zu rows", obs->n);
        goto cleanup;
    }
    for (size_t i = 0; i < obs->n; i++) {
        int64_t ds = obs->items[i].dataset;
        size_t k = 0;
        while (k < nds && seen[k] != ds) {
            k++;
        }
        if (k == nds) {
            seen[nds] = ds;
            world[nds++] = is_world(obs, ds);
        }
        const cm_trade_obs_t *o = &obs->items[i];
        if (!world[k] || o->var != CM_TRADE_IMPORT_VALUE || !isfinite(o->value) ||
            strlen(o->period) != 4 || strcmp(o->partner, "WLD") == 0 ||
            strcmp(o->region, "WLD") == 0) {
            continue;
        }
        wrow_t *r = &w[nw++];
        memset(r, 0, sizeof *r);
        hs6(r->product, o->product);
        r->year = (int)strtol(o->period, NULL, 10);
        r->dataset = ds;
        memcpy(r->exporter, o->partner, sizeof r->exporter);
        r->value = o->value;
    }
    qsort(w, nw, sizeof *w, cmp_w);
    /* per (product, year): the HHI over exporters of the first dataset */
    for (size_t lo = 0; lo < nw;) {
        size_t hi = lo + 1;
        while (hi < nw && cmp_w_key(&w[lo], &w[hi]) == 0) {
            hi++;
        }
        double tot = 0.0, h = 0.0;
        for (size_t i = lo; i < hi && w[i].dataset == w[lo].dataset; i++) {
            tot += w[i].value;
        }
        for (size_t i = lo; i < hi && w[i].dataset == w[lo].dataset;) {
            double x = 0.0;
            size_t j = i;
            for (; j < hi && w[j].dataset == w[lo].dataset &&
                   strcmp(w[j].exporter, w[i].exporter) == 0; j++) {
                x += w[j].value;
            }
            h += tot > 0.0 ? (x / tot) * (x / tot) : 0.0;
            i = j;
        }
        w[lo].hhi = tot > 0.0 ? h : NAN;
        for (size_t i = lo + 1; i < hi; i++) {
            w[i].hhi = w[lo].hhi;
        }
        lo = hi;
    }
    *out = w;
    *nout = nw;
    w = NULL;
cleanup:
    cm_free(seen);
    cm_free(world);
    cm_free(w);
    return rc;
}

static cm_error_t export_rows(const cm_trade_obs_list_t *obs, xrow_t **out, size_t *nout,
                              cm_error_info_t *err)
{
    xrow_t *x = cm_malloc_array(obs->n + 1, sizeof *x);
    size_t nx = 0;
    if (x == NULL) {
        return cm_error_set(err, CM_ENOMEM, "GeoDep: cannot allocate for %zu rows", obs->n);
    }
    for (size_t i = 0; i < obs->n; i++) {
        const cm_trade_obs_t *o = &obs->items[i];
        if (!isfinite(o->value) || strlen(o->period) != 4 ||
            (o->var != CM_TRADE_EXPORT_VALUE && o->var != CM_TRADE_IMPORT_VALUE)) {
            continue;
        }
        xrow_t *r = &x[nx];
        memset(r, 0, sizeof *r);
        memcpy(r->kind, o->kind, sizeof r->kind);
        memcpy(r->unit, o->unit, sizeof r->unit);
        memcpy(r->product, o->product, sizeof r->product);
        memcpy(r->period, o->period, sizeof r->period);
        if (o->var == CM_TRADE_EXPORT_VALUE) {
            memcpy(r->country, o->region, sizeof r->country);
            if (strcmp(o->partner, "WLD") == 0) {
                r->e_total = o->value;
                r->has_total = 1;
            } else {
                r->e_sum = o->value;
                r->has_sum = 1;
            }
        } else {
            if (strcmp(o->region, "WLD") == 0 || strcmp(o->partner, "WLD") == 0) {
                continue;
            }
            memcpy(r->country, o->partner, sizeof r->country);
            r->m_sum = o->value;
            r->has_m = 1;
        }
        nx++;
    }
    qsort(x, nx, sizeof *x, cmp_x);
    size_t k = 0;
    for (size_t i = 0; i < nx; i++) {
        if (k > 0 && cmp_x(&x[k - 1], &x[i]) == 0) {
            xrow_t *d = &x[k - 1];
            d->e_total += x[i].e_total;
            d->e_sum += x[i].e_sum;
            d->m_sum += x[i].m_sum;
            d->has_total |= x[i].has_total;
            d->has_sum |= x[i].has_sum;
            d->has_m |= x[i].has_m;
        } else {
            x[k++] = x[i];
        }
    }
    *out = x;
    *nout = k;
    return CM_OK;
}

/* Order of an export row against the (source, declarant) of a pointer: the leading keys of
 * cmp_x. */
static int cmp_view(const xrow_t *x, const cm_trade_pointer_t *t)
{
    int c = cm_i_trade_cmp_source(x->kind, x->unit, t->kind, t->unit);
    return c != 0 ? c : strcmp(x->country, t->declarant);
}

/* Whether the dataset has any export view of the country (then a product without one has
 * exports 0; otherwise exports are unknown). x is sorted by cmp_x: the first row not below
 * (source, declarant) is found by binary search, O(log nx). */
static int has_export_view(const xrow_t *x, size_t nx, const cm_trade_pointer_t *t)
{
    size_t lo = 0, hi = nx;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_view(&x[mid], t) < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo < nx && cmp_view(&x[lo], t) == 0;
}

cm_error_t cm_i_trade_geodep_fill(const cm_trade_obs_list_t *obs, cm_trade_pointers_t *out,
                                  const cm_trade_params_t *p, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    wrow_t *w = NULL;
    xrow_t *x = NULL;
    cm_trade_geodep_year_t *gy = NULL;
    size_t nw = 0, nx = 0;
    CM_TRY(world_rows(obs, &w, &nw, err));
    CM_TRY(export_rows(obs, &x, &nx, err));
    gy = cm_malloc_array(out->n + 1, sizeof *gy);
    if (gy == NULL) {
        rc = cm_error_set(err, CM_ENOMEM, "GeoDep: cannot allocate %zu years", out->n);
        goto cleanup;
    }
    const cm_trade_pointer_t *view_of = NULL;
    int view = 0;
    for (size_t i = 0; i < out->n; i++) {
        cm_trade_pointer_t *t = &out->items[i];
        if (strlen(t->period) != 4) {
            continue;
        }
        xrow_t key;
        memset(&key, 0, sizeof key);
        memcpy(key.kind, t->kind, sizeof key.kind);
        memcpy(key.unit, t->unit, sizeof key.unit);
        memcpy(key.country, t->declarant, sizeof key.country);
        memcpy(key.product, t->product, sizeof key.product);
        memcpy(key.period, t->period, sizeof key.period);
        if (view_of == NULL || strcmp(view_of->declarant, t->declarant) != 0 ||
            cm_i_trade_cmp_source(view_of->kind, view_of->unit, t->kind, t->unit) != 0) {
            view_of = t;
            view = has_export_view(x, nx, t);
        }
        const xrow_t *f = nx > 0 ? bsearch(&key, x, nx, sizeof *x, cmp_x) : NULL;
        if (f != NULL && (f->has_total || f->has_sum)) {
            t->exports = f->has_total ? f->e_total : f->e_sum;
        } else if (f != NULL && f->has_m) {
            t->exports = f->m_sum;
        } else {
            t->exports = view ? 0.0 : NAN;
        }
        wrow_t wk;
        memset(&wk, 0, sizeof wk);
        hs6(wk.product, t->product);
        wk.year = (int)strtol(t->period, NULL, 10);
        const wrow_t *g = nw > 0 ? bsearch(&wk, w, nw, sizeof *w, cmp_w_key) : NULL;
        t->world_export_hhi = g != NULL ? g->hhi : NAN;
    }
    /* criteria per annual series */
    for (size_t lo = 0; lo < out->n;) {
        cm_trade_pointer_t *a = &out->items[lo];
        size_t hi = lo + 1;
        while (hi < out->n &&
               cm_i_trade_cmp_source(out->items[hi].kind, out->items[hi].unit, a->kind,
                                     a->unit) == 0 &&
               strcmp(out->items[hi].declarant, a->declarant) == 0 &&
               strcmp(out->items[hi].product, a->product) == 0) {
            hi++;
        }
        size_t ny = 0;
        for (size_t i = lo; i < hi; i++) {
            cm_trade_pointer_t *t = &out->items[i];
            if (strlen(t->period) == 4) {
                cm_trade_geodep_year_t *g = &gy[ny++];
                memset(g, 0, sizeof *g);
                g->year = (int)strtol(t->period, NULL, 10);
                g->import_hhi = t->hhi;
                g->world_export_hhi = t->world_export_hhi;
                g->imports = t->value;
                g->exports = t->exports;
            }
        }
        CM_TRY(cm_trade_geodep(gy, ny, p, err));
        ny = 0;
        for (size_t i = lo; i < hi; i++) {
            cm_trade_pointer_t *t = &out->items[i];
            if (strlen(t->period) == 4) {
                const cm_trade_geodep_year_t *g = &gy[ny++];
                t->import_export_ratio = g->ratio;
                t->geodep_c1 = g->c1;
                t->geodep_c2 = g->c2;
                t->geodep_c3 = g->c3;
                t->geodep_years_holding = g->years_holding;
                t->geodep = g->dependency;
            }
        }
        lo = hi;
    }
cleanup:
    cm_free(w);
    cm_free(x);
    cm_free(gy);
    return rc;
}

/* Inflow- and stock-driven dynamic stock models over a batch of series (cm_dsm_batch_run):
 * the survival tables are cached per distinct lifetime, the stock is accumulated cohort by
 * cohort ("right-looking": once i[m] is known, it adds i[m] sf(t - m) to every later year),
 * which is both the convolution of the inflow-driven model and the forward substitution of
 * the stock-driven one. ODYM's negative-inflow correction runs literally on cohort tables.
 * Formulas: cm_dsm.h, METHODS.md B.4, docs/dsm.md. */
#include "cambium/cm_dsm.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/cm_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

/* Threads of a batch at most. */
#define DSM_MAX_THREADS 8

/* One survival table. Constant lifetime: sf and pdf over ages 0 .. len-1. Per-cohort lifetime:
 * T columns of T values, column c at sf + c T holding ages 0 .. T-1-c (the rest unused), and
 * init_sf (len values, cohort 0's parameters) when an initial stock needs it. The key: dist,
 * params (np values, borrowed from the first series using it), T and len. */
typedef struct table_t {
    uint64_t hash;
    cm_dsm_dist_t dist;
    const cm_real_t *params;
    size_t np, T, len;
    int per_cohort, by_year;
    cm_real_t *sf, *pdf, *init_sf;
} table_t;

typedef struct cache_t {
    table_t *tab; /* n_tab used */
    size_t n_tab;
    size_t *slot; /* cap slots: table index + 1, 0 = empty */
    size_t cap;
} cache_t;


static const char *series_label(const cm_dsm_series_t *s, size_t k, char *buf, size_t n)
{
    if (s->name != NULL) {
        return s->name;
    }
    snprintf(buf, n, "#%zu", k);
    return buf;
}

/* The key of series s: its parameter array and count. */
static const cm_real_t *key_params(const cm_dsm_series_t *s, size_t *np)
{
    if (s->lifetime.by_cohort != NULL) {
        *np = 2 * s->T;
        return s->lifetime.by_cohort;
    }
    *np = 2;
    return s->lifetime.p;
}

static size_t key_len(const cm_dsm_series_t *s)
{
    return s->T + s->n_init;
}

/* Parameters of one set as the distribution uses them (fixed: the second is ignored). */
static void one_params(cm_dsm_dist_t dist, const cm_real_t *p, cm_real_t q[2])
{
    q[0] = p[0];
    q[1] = dist == CM_DSM_FIXED ? 0.0 : p[1];
}

static void pdf_from_sf(const cm_real_t *sf, cm_real_t *pdf, size_t n)
{
    for (size_t a = 0; a < n; a++) {
        pdf[a] = (a == 0 ? 1.0 : sf[a - 1]) - sf[a];
    }
}

static cm_error_t table_fill(table_t *tb, const cm_dsm_options_t *opt, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_real_t q[2];
    size_t T = tb->T;

    if (!tb->per_cohort) {
        CM_NOMEM(tb->sf = cm_malloc_array(2 * tb->len, sizeof *tb->sf), err);
        tb->pdf = tb->sf + tb->len;
        one_params(tb->dist, tb->params, q);
        CM_TRY(cm_dsm_survival(tb->dist, q, opt, tb->len, tb->sf, err));
        pdf_from_sf(tb->sf, tb->pdf, tb->len);
        goto cleanup;
    }
    {
        size_t tt;
        CM_TRY(cm_mul_size(T, T, &tt));
        CM_TRY(cm_mul_size(tt, 2, &tt));
        CM_NOMEM(tb->sf = cm_malloc_array(tt, sizeof *tb->sf), err);
        tb->pdf = tb->sf + T * T;
    }
    if (tb->by_year) {
        /* year t's survival vector in pdf's storage first (row t), then the columns */
        for (size_t t = 0; t < T; t++) {
            one_params(tb->dist, tb->params + 2 * t, q);
            CM_TRY(cm_dsm_survival(tb->dist, q, opt, T, tb->pdf + t * T, err));
        }
        for (size_t c = 0; c < T; c++) {
            cm_real_t *col = tb->sf + c * T;
            col[0] = tb->pdf[c * T];
            for (size_t a = 1; a < T - c; a++) {
                const cm_real_t *v = tb->pdf + (c + a) * T;
                col[a] = v[a - 1] > 0 ? col[a - 1] * (v[a] / v[a - 1]) : 0.0;
            }
        }
        for (size_t c = 0; c < T; c++) {
            pdf_from_sf(tb->sf + c * T, tb->pdf + c * T, T - c);
        }
    } else {
        for (size_t c = 0; c < T; c++) {
            one_params(tb->dist, tb->params + 2 * c, q);
            CM_TRY(cm_dsm_survival(tb->dist, q, opt, T - c, tb->sf + c * T, err));
            pdf_from_sf(tb->sf + c * T, tb->pdf + c * T, T - c);
        }
    }
    if (tb->len > T) {
        CM_NOMEM(tb->init_sf = cm_malloc_array(tb->len, sizeof *tb->init_sf), err);
        one_params(tb->dist, tb->params, q);
        CM_TRY(cm_dsm_survival(tb->dist, q, opt, tb->len, tb->init_sf, err));
    }
cleanup:
    return rc;
}

static void cache_destroy(cache_t *c)
{
    for (size_t k = 0; k < c->n_tab; k++) {
        cm_free(c->tab[k].sf);
        cm_free(c->tab[k].init_sf);
    }
    cm_free(c->tab);
    cm_free(c->slot);
    memset(c, 0, sizeof *c);
}

/* The table of series s: found in the cache or computed and added. */
static cm_error_t cache_get(cache_t *c, const cm_dsm_series_t *s, const cm_dsm_options_t *opt,
                            const table_t **out, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    size_t np, len = key_len(s);
    const cm_real_t *pp = key_params(s, &np);
    int per = s->lifetime.by_cohort == NULL ? 0 : (s->lifetime.by_year ? 2 : 1);
    uint64_t h = CM_I_FNV_OFFSET;
    size_t pos;
    table_t *tb;

    h = cm_i_fnv1a(h, &s->lifetime.dist, sizeof s->lifetime.dist);
    h = cm_i_fnv1a(h, &s->T, sizeof s->T);
    h = cm_i_fnv1a(h, &len, sizeof len);
    h = cm_i_fnv1a(h, &per, sizeof per);
    h = cm_i_fnv1a(h, pp, np * sizeof *pp);
    for (pos = (size_t)h & (c->cap - 1); c->slot[pos] != 0; pos = (pos + 1) & (c->cap - 1)) {
        tb = &c->tab[c->slot[pos] - 1];
        if (tb->hash == h && tb->dist == s->lifetime.dist && tb->T == s->T && tb->len == len &&
            tb->per_cohort == per && tb->np == np && memcmp(tb->params, pp, np * sizeof *pp) == 0) {
            *out = tb;
            return CM_OK;
        }
    }
    tb = &c->tab[c->n_tab];
    memset(tb, 0, sizeof *tb);
    tb->hash = h;
    tb->dist = s->lifetime.dist;
    tb->params = pp;
    tb->np = np;
    tb->T = s->T;
    tb->len = len;
    tb->per_cohort = per;
    tb->by_year = per == 2;
    c->n_tab++; /* filled later (fill_tables), possibly by several threads */
    c->slot[pos] = c->n_tab;
    *out = tb;
    (void)opt;
    (void)err;
    return rc;
}

static cm_error_t check_series(const cm_dsm_series_t *s, size_t k, const cm_dsm_options_t *opt,
                               cm_error_info_t *err)
{
    char buf[32];
    const char *lab = series_label(s, k, buf, sizeof buf);
    const char *what = s->driver == CM_DSM_STOCK_DRIVEN ? "stock" : "inflow";
    cm_error_t rc;

    if (s->T == 0 || s->values == NULL) {
        return cm_error_set(err, CM_EINVAL, "series %s: expected T >= 1 values, got %s", lab,
                            s->T == 0 ? "T = 0" : "no values");
    }
    if (s->driver != CM_DSM_INFLOW_DRIVEN && s->driver != CM_DSM_STOCK_DRIVEN) {
        return cm_error_set(err, CM_EINVAL, "series %s: unknown driver %d", lab, (int)s->driver);
    }
    if (s->T > ((size_t)1 << 24)) {
        return cm_error_set(err, CM_EOVERFLOW, "series %s: T = %zu is too large", lab, s->T);
    }
    for (size_t t = 0; t < s->T; t++) {
        if (!isfinite(s->values[t]) || s->values[t] < 0) {
            return cm_error_set(err, CM_EINVAL,
                                "series %s, year %lld: expected a finite %s >= 0, got %.17g", lab,
                                (long long)(s->t0 + (cm_int_t)t), what, s->values[t]);
        }
    }
    if (s->n_init > 0 && s->init_stock == NULL) {
        return cm_error_set(err, CM_EINVAL, "series %s: n_init = %zu but no initial stock", lab,
                            s->n_init);
    }
    if (s->n_init > ((size_t)1 << 24)) {
        return cm_error_set(err, CM_EOVERFLOW, "series %s: n_init = %zu is too large", lab,
                            s->n_init);
    }
    for (size_t j = 0; j < s->n_init; j++) {
        if (!isfinite(s->init_stock[j]) || s->init_stock[j] < 0) {
            return cm_error_set(err, CM_EINVAL,
                                "series %s: initial stock of age %zu: expected a finite value >= "
                                "0, got %.17g",
                                lab, j, s->init_stock[j]);
        }
    }
    if (opt->timing == CM_DSM_TIMING_WEEE && s->lifetime.dist == CM_DSM_FIXED) {
        return cm_error_set(err, CM_EINVAL,
                            "series %s: timing weee needs a lifetime density; a fixed lifetime has "
                            "none",
                            lab);
    }
    if (s->lifetime.by_cohort == NULL) {
        cm_real_t q[2];
        one_params(s->lifetime.dist, s->lifetime.p, q);
        rc = cm_dsm_params_check(s->lifetime.dist, q, err);
        if (rc != CM_OK) {
            cm_error_prefix(err, "series %s", lab);
            return rc;
        }
        return CM_OK;
    }
    for (size_t c = 0; c < s->T; c++) {
        cm_real_t q[2];
        one_params(s->lifetime.dist, s->lifetime.by_cohort + 2 * c, q);
        rc = cm_dsm_params_check(s->lifetime.dist, q, err);
        if (rc != CM_OK) {
            cm_error_prefix(err, "series %s, %s %lld", lab, s->lifetime.by_year ? "year" : "cohort",
                            (long long)(s->t0 + (cm_int_t)c));
            return rc;
        }
    }
    return CM_OK;
}

/* Survival vector (ages from 0) of cohort c in table tb. */
static const cm_real_t *col_sf(const table_t *tb, size_t c)
{
    return tb->per_cohort ? tb->sf + c * tb->T : tb->sf;
}

static const cm_real_t *col_pdf(const table_t *tb, size_t c)
{
    return tb->per_cohort ? tb->pdf + c * tb->T : tb->pdf;
}

/* The remaining initial stock r[t] and its outflow ro[t]; returns the initial total. */
static cm_real_t init_evolve(const cm_dsm_series_t *s, const table_t *tb, cm_real_t *r,
                             cm_real_t *ro)
{
    const cm_real_t *sf = tb->per_cohort ? tb->init_sf : tb->sf;
    cm_real_t total = 0.0;
    size_t T = s->T;

    for (size_t t = 0; t < T; t++) {
        r[t] = 0.0;
    }
    for (size_t j = 0; j < s->n_init; j++) {
        cm_real_t x = s->init_stock[j];
        total += x;
        if (sf[j] == 0.0) {
            continue;
        }
        x /= sf[j];
        for (size_t t = 0; t < T; t++) {
            r[t] += x * sf[j + 1 + t];
        }
    }
    for (size_t t = 0; t < T; t++) {
        ro[t] = (t == 0 ? total : r[t - 1]) - r[t];
    }
    return total;
}

static cm_error_t negative_error(const cm_dsm_series_t *s, size_t k, size_t m, cm_real_t rem,
                                 cm_error_info_t *err)
{
    char buf[32];
    return cm_error_set(err, CM_EINVAL,
                        "series %s, year %lld: the stock target %.17g is below the %.17g still "
                        "held by earlier cohorts, which needs a negative inflow (policy error; "
                        "allow or correct accept it)",
                        series_label(s, k, buf, sizeof buf), (long long)(s->t0 + (cm_int_t)m),
                        s->values[m], s->values[m] - rem);
}

/* The inflow-driven model and the stock-driven forward substitution (policies ALLOW, ERROR).
 * res->stock and res->outflow hold the cohort sums, r the initial stock (or NULL). */
static cm_error_t run_fast(const cm_dsm_series_t *s, size_t k, const table_t *tb,
                           const cm_dsm_options_t *opt, const cm_real_t *r, cm_real_t tol,
                           cm_dsm_result_t *res, cm_error_info_t *err)
{
    size_t T = s->T;
    cm_real_t *in = res->inflow, *st = res->stock, *out = res->outflow;
    int sd = s->driver == CM_DSM_STOCK_DRIVEN;

    for (size_t t = 0; t < T; t++) {
        st[t] = 0.0;
        out[t] = 0.0;
    }
    for (size_t m = 0; m < T; m++) {
        const cm_real_t *sv = col_sf(tb, m), *pv = col_pdf(tb, m);
        cm_real_t x;
        cm_real_t *sm = st + m, *om = out + m;
        size_t n = T - m;

        if (sd) {
            cm_real_t rem = s->values[m] - (r != NULL ? r[m] : 0.0) - st[m];
            if (rem < -tol) {
                if (opt->negative == CM_DSM_NEGATIVE_ERROR) {
                    return negative_error(s, k, m, rem, err);
                }
                res->negative_years++;
            }
            x = sv[0] != 0.0 ? rem / sv[0] : 0.0;
            in[m] = x;
        } else {
            x = s->values[m];
            in[m] = x;
        }
        if (x == 0.0) {
            continue;
        }
        for (size_t a = 0; a < n; a++) {
            sm[a] += x * sv[a];
            om[a] += x * pv[a];
        }
    }
    if (opt->want_cohorts) {
        for (size_t c = 0; c < T; c++) {
            const cm_real_t *sv = col_sf(tb, c), *pv = col_pdf(tb, c);
            for (size_t t = c; t < T; t++) {
                res->stock_by_cohort[t * T + c] = in[c] * sv[t - c];
                res->outflow_by_cohort[t * T + c] = in[c] * pv[t - c];
            }
        }
    }
    return CM_OK;
}

/* ODYM's compute_stock_driven_model(NegativeInflowCorrect=True), literally, on T x T cohort
 * tables (row t, column c); r (or NULL) is the remaining initial stock, scaled with the
 * cohorts, ro its outflow (recomputed here), init_total the initial stock. Year 0 is corrected
 * only when there is an initial stock to retire (ODYM has none). */
static cm_error_t run_correct(const cm_dsm_series_t *s, const table_t *tb, cm_real_t *r,
                              cm_real_t *ro, cm_real_t init_total, cm_dsm_result_t *res,
                              cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    size_t T = s->T, tt;
    cm_real_t *sc = res->stock_by_cohort, *oc = res->outflow_by_cohort;
    cm_real_t *own_sc = NULL, *own_oc = NULL;
    cm_real_t *in = res->inflow;
#define SF(t, c) (col_sf(tb, (c))[(t) - (c)])

    if (sc == NULL) {
        CM_TRY(cm_mul_size(T, T, &tt));
        CM_NOMEM(own_sc = cm_calloc(tt, sizeof *own_sc), err);
        CM_NOMEM(own_oc = cm_calloc(tt, sizeof *own_oc), err);
        sc = own_sc;
        oc = own_oc;
    }
    for (size_t m = 0; m < T; m++) {
        cm_real_t sum = 0.0, temp, rm = r != NULL ? r[m] : 0.0;
        if (m > 0) {
            for (size_t c = 0; c < m; c++) {
                oc[m * T + c] = sc[(m - 1) * T + c] - sc[m * T + c];
                sum += sc[m * T + c];
            }
        }
        if (r != NULL) {
            ro[m] = (m == 0 ? init_total : r[m - 1]) - r[m];
        }
        temp = s->values[m] - sum - rm;
        if ((m > 0 || r != NULL) && temp < 0) {
            cm_real_t tot = sum + rm, dp = tot != 0 ? -temp / tot : 0.0;
            in[m] = 0.0;
            res->negative_years++;
            for (size_t c = 0; c < m; c++) {
                oc[m * T + c] += sc[m * T + c] * dp;
            }
            for (size_t t = m; t < T; t++) {
                for (size_t c = 0; c < m; c++) {
                    sc[t * T + c] *= 1.0 - dp;
                }
            }
            if (r != NULL) {
                ro[m] += r[m] * dp;
                for (size_t t = m; t < T; t++) {
                    r[t] *= 1.0 - dp;
                }
            }
            continue;
        }
        /* ODYM keeps the unscaled value when sf[m,m] = 0 (correct mode, m > 0); in year 0 and
         * otherwise the inflow is 0 then. */
        if (SF(m, m) != 0.0) {
            in[m] = temp / SF(m, m);
        } else {
            in[m] = m > 0 ? temp : 0.0;
        }
        for (size_t t = m; t < T; t++) {
            sc[t * T + m] = in[m] * SF(t, m);
        }
        oc[m * T + m] = in[m] * (1.0 - SF(m, m));
    }
    for (size_t t = 0; t < T; t++) {
        cm_real_t a = 0.0, b = 0.0;
        for (size_t c = 0; c <= t; c++) {
            a += sc[t * T + c];
            b += oc[t * T + c];
        }
        res->stock[t] = a;
        res->outflow[t] = b;
    }
#undef SF
cleanup:
    cm_free(own_sc);
    cm_free(own_oc);
    return rc;
}

static cm_error_t run_one(const cm_dsm_series_t *s, size_t k, const table_t *tb,
                          const cm_dsm_options_t *opt, cm_dsm_result_t *res, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    size_t T = s->T, nblk = s->n_init > 0 ? 6 : 4, tt;
    cm_real_t *r = NULL, *ro = NULL, init_total = 0.0, tol = 0.0, worst = 0.0, scale = 0.0;

    memset(res, 0, sizeof *res);
    res->T = T;
    CM_TRY(cm_mul_size(T, nblk, &tt));
    CM_NOMEM(res->inflow = cm_malloc_array(tt, sizeof *res->inflow), err);
    res->outflow = res->inflow + T;
    res->stock = res->outflow + T;
    res->stock_change = res->stock + T;
    if (s->n_init > 0) {
        r = res->stock_change + T;
        ro = r + T;
        res->init_remaining = r;
        init_total = init_evolve(s, tb, r, ro);
    }
    if (opt->want_cohorts) {
        CM_TRY(cm_mul_size(T, T, &tt));
        CM_NOMEM(res->stock_by_cohort = cm_calloc(tt, sizeof *res->stock_by_cohort), err);
        CM_NOMEM(res->outflow_by_cohort = cm_calloc(tt, sizeof *res->outflow_by_cohort), err);
    }
    if (s->driver == CM_DSM_STOCK_DRIVEN) {
        for (size_t t = 0; t < T; t++) {
            tol = fmax(tol, s->values[t]);
        }
        tol *= 1e-12;
    }
    if (s->driver == CM_DSM_STOCK_DRIVEN && opt->negative == CM_DSM_NEGATIVE_CORRECT) {
        CM_TRY(run_correct(s, tb, r, ro, init_total, res, err));
    } else {
        CM_TRY(run_fast(s, k, tb, opt, r, tol, res, err));
    }
    for (size_t t = 0; t < T; t++) {
        cm_real_t prev;
        if (r != NULL) {
            res->stock[t] += r[t];
            res->outflow[t] += ro[t];
        }
        prev = t == 0 ? init_total : res->stock[t - 1];
        res->stock_change[t] = res->stock[t] - prev;
        worst = fmax(worst, fabs(res->inflow[t] - res->outflow[t] - res->stock_change[t]));
        scale = fmax(scale,
                     fmax(fabs(res->inflow[t]), fmax(fabs(res->outflow[t]), fabs(res->stock[t]))));
    }
    res->balance = scale > 0 ? worst / scale : worst;
cleanup:
    if (rc != CM_OK) {
        cm_dsm_result_destroy(res);
    }
    return rc;
}

void cm_dsm_result_destroy(cm_dsm_result_t *r)
{
    if (r == NULL) {
        return;
    }
    cm_free(r->inflow);
    cm_free(r->stock_by_cohort);
    cm_free(r->outflow_by_cohort);
    memset(r, 0, sizeof *r);
}

void cm_dsm_batch_destroy(cm_dsm_batch_t *b)
{
    if (b == NULL) {
        return;
    }
    for (size_t k = 0; k < b->n && b->results != NULL; k++) {
        cm_dsm_result_destroy(&b->results[k]);
    }
    cm_free(b->results);
    memset(b, 0, sizeof *b);
}

/* --- the work of a batch on several threads ------------------------------------------------
 * Phase 1 fills the distinct survival tables, phase 2 runs the series; each thread takes a
 * contiguous share of the indices, so the results do not depend on the number of threads
 * (every series and table is computed by one thread, the same way). The first error in index
 * order is the one reported. */

/* Threads used for a batch: at most 2 per the machine's cores (sysconf), 1 for small batches
 * or when CAMBIUM_THREADS=1. */
static size_t batch_threads(size_t work)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    size_t nt = cores > 1 ? (size_t)cores : 1;
    const char *env = getenv("CAMBIUM_THREADS");
    if (env != NULL && env[0] != '\0') {
        char *end = NULL;
        long v = strtol(env, &end, 10);
        if (end != env && *end == '\0' && v >= 1 && v <= 64) {
            nt = (size_t)v;
        }
    }
    if (nt > DSM_MAX_THREADS) {
        nt = DSM_MAX_THREADS;
    }
    if (work < 64) {
        nt = 1;
    }
    return nt;
}

typedef struct worker_t {
    const cm_dsm_series_t *in;
    const cm_dsm_options_t *opt;
    cache_t *cache;
    const table_t **tabs;
    cm_dsm_batch_t *out;
    size_t lo, hi;     /* the share: tables in phase 1, series in phase 2 */
    int phase;
    cm_error_t rc;
    size_t at;         /* index of the first failure */
    cm_error_info_t err;
} worker_t;

static void *worker_main(void *arg)
{
    worker_t *w = arg;
    w->rc = CM_OK;
    for (size_t k = w->lo; k < w->hi && w->rc == CM_OK; k++) {
        if (w->phase == 1) {
            w->rc = table_fill(&w->cache->tab[k], w->opt, &w->err);
        } else {
            w->rc = run_one(&w->in[k], k, w->tabs[k], w->opt, &w->out->results[k], &w->err);
        }
        w->at = k;
    }
    return NULL;
}

static cm_error_t run_phase(worker_t *w, size_t nt, size_t n, int phase, cm_error_info_t *err)
{
    pthread_t tid[DSM_MAX_THREADS];
    int started[DSM_MAX_THREADS] = {0};
    for (size_t t = 0; t < nt; t++) {
        w[t].phase = phase;
        w[t].lo = n * t / nt;
        w[t].hi = n * (t + 1) / nt;
        w[t].rc = CM_OK;
        memset(&w[t].err, 0, sizeof w[t].err);
    }
    for (size_t t = 1; t < nt; t++) {
        started[t] = pthread_create(&tid[t], NULL, worker_main, &w[t]) == 0;
    }
    worker_main(&w[0]);
    for (size_t t = 1; t < nt; t++) {
        if (started[t]) {
            pthread_join(tid[t], NULL);
        } else {
            worker_main(&w[t]); /* no thread: do its share here */
        }
    }
    for (size_t t = 0; t < nt; t++) { /* the shares are in index order: the first failure */
        if (w[t].rc != CM_OK) {
            if (err != NULL) {
                *err = w[t].err;
            }
            return w[t].rc;
        }
    }
    return CM_OK;
}

static cm_error_t run_parallel(const cm_dsm_series_t *in, size_t n, const cm_dsm_options_t *opt,
                               cache_t *cache, const table_t **tabs, cm_dsm_batch_t *out,
                               cm_error_info_t *err)
{
    worker_t w[DSM_MAX_THREADS];
    size_t nt = batch_threads(n);
    cm_error_t rc;
    for (size_t t = 0; t < nt; t++) {
        w[t].in = in;
        w[t].opt = opt;
        w[t].cache = cache;
        w[t].tabs = tabs;
        w[t].out = out;
    }
    rc = run_phase(w, cache->n_tab < 64 ? 1 : nt, cache->n_tab, 1, err);
    if (rc == CM_OK) {
        rc = run_phase(w, nt, n, 2, err);
    }
    return rc;
}

cm_error_t cm_dsm_batch_run(const cm_dsm_series_t *in, size_t n, const cm_dsm_options_t *opt,
                            cm_dsm_batch_t *out, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_dsm_options_t def;
    cache_t cache = {NULL, 0, NULL, 0};
    const table_t **tabs = NULL;

    if (out == NULL) {
        return cm_error_set(err, CM_EINVAL, "dsm batch: NULL output");
    }
    memset(out, 0, sizeof *out);
    if (in == NULL || n == 0) {
        return cm_error_set(err, CM_EINVAL, "dsm batch: expected at least one series, got %s",
                            in == NULL ? "NULL" : "0");
    }
    if (opt == NULL) {
        cm_dsm_options_default(&def);
        opt = &def;
    }
    if ((int)opt->timing < 0 || opt->timing > CM_DSM_TIMING_WEEE || (int)opt->negative < 0 ||
        opt->negative > CM_DSM_NEGATIVE_ERROR || (int)opt->lognormal < 0 ||
        opt->lognormal > CM_DSM_LOGNORMAL_ODYM) {
        return cm_error_set(err, CM_EINVAL, "dsm batch: an option is out of range");
    }
    for (size_t k = 0; k < n; k++) {
        CM_TRY(check_series(&in[k], k, opt, err));
    }
    for (cache.cap = 16; cache.cap < 2 * n; cache.cap *= 2) {
    }
    CM_NOMEM(cache.slot = cm_calloc(cache.cap, sizeof *cache.slot), err);
    CM_NOMEM(cache.tab = cm_malloc_array(n, sizeof *cache.tab), err);
    CM_NOMEM(out->results = cm_calloc(n, sizeof *out->results), err);
    out->n = n;
    CM_NOMEM(tabs = cm_malloc_array(n, sizeof *tabs), err);
    for (size_t k = 0; k < n; k++) {
        CM_TRY(cache_get(&cache, &in[k], opt, &tabs[k], err));
    }
    CM_TRY(run_parallel(in, n, opt, &cache, tabs, out, err));
    for (size_t k = 0; k < n; k++) {
        if (k == 0 || out->results[k].balance > out->worst_balance) {
            out->worst_balance = out->results[k].balance;
            out->worst_series = k;
        }
    }
    out->n_tables = cache.n_tab;
cleanup:
    cm_free(tabs);
    cache_destroy(&cache);
    if (rc != CM_OK) {
        cm_dsm_batch_destroy(out);
    }
    return rc;
}

cm_error_t cm_dsm_run(const cm_dsm_series_t *s, const cm_dsm_options_t *opt, cm_dsm_result_t *res,
                      cm_error_info_t *err)
{
    cm_dsm_batch_t b;
    cm_error_t rc;

    if (res == NULL) {
        return cm_error_set(err, CM_EINVAL, "dsm run: NULL result");
    }
    memset(res, 0, sizeof *res);
    rc = cm_dsm_batch_run(s, 1, opt, &b, err);
    if (rc != CM_OK) {
        return rc;
    }
    *res = b.results[0];
    memset(&b.results[0], 0, sizeof b.results[0]);
    cm_dsm_batch_destroy(&b);
    return CM_OK;
}

/* MMSA engine: chained intensities by cohort, the cohort stock model per site x technology,
 * material and element flows, recovery, Monte Carlo bands (docs/mmsa.md). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cambium/cm_alloc.h"
#include "cambium/cm_rng.h"
#include "../core/cm_internal.h"
#include "mmsa_internal.h"

/* Work space of one evaluation. I[site][k][i][c] kg per MW of cohort c of technology k
 * installed at a site (rows of one site apply to that site only); R[site][k][i][c] the
 * recovered part of it at end of life. */
typedef struct work_t {
    double *I, *R, *vals;
    unsigned char *carries; /* per item: recovery defined */
    cm_dsm_series_t *series;
    size_t *series_site, *series_tech, nseries;
} work_t;

static void work_free(work_t *w)
{
    cm_free(w->I);
    cm_free(w->R);
    cm_free(w->vals);
    cm_free(w->carries);
    cm_free(w->series);
    cm_free(w->series_site);
    cm_free(w->series_tech);
    memset(w, 0, sizeof *w);
}

static cm_error_t work_init(const cm_mmsa_model_t *m, work_t *w, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    size_t nI = m->ntech * m->nitem * m->T;
    memset(w, 0, sizeof *w);
    w->I = cm_malloc_array(nI * m->nsite, sizeof *w->I);
    CM_NOMEM(w->I, err);
    w->R = cm_malloc_array(nI * m->nsite, sizeof *w->R);
    CM_NOMEM(w->R, err);
    w->vals = cm_malloc_array(m->nrow + 1, sizeof *w->vals);
    CM_NOMEM(w->vals, err);
    w->carries = cm_calloc(m->nitem + 1, 1);
    CM_NOMEM(w->carries, err);
    w->series = cm_calloc(m->nsite * m->ntech, sizeof *w->series);
    CM_NOMEM(w->series, err);
    w->series_site = cm_calloc(m->nsite * m->ntech, sizeof *w->series_site);
    CM_NOMEM(w->series_site, err);
    w->series_tech = cm_calloc(m->nsite * m->ntech, sizeof *w->series_tech);
    CM_NOMEM(w->series_tech, err);
    for (size_t site = 0; site < m->nsite; site++) {
        for (size_t k = 0; k < m->ntech; k++) {
            const double *mw = &m->mw[(site * m->ntech + k) * m->T];
            double sum = 0;
            for (size_t t = 0; t < m->T; t++) {
                sum += mw[t];
            }
            if (sum > 0) {
                cm_dsm_series_t *s = &w->series[w->nseries];
                s->name = m->tech[k];
                s->t0 = m->t0;
                s->T = m->T;
                s->driver = CM_DSM_INFLOW_DRIVEN;
                s->values = mw;
                w->series_site[w->nseries] = site;
                w->series_tech[w->nseries++] = k;
            }
        }
    }
    /* which items carry recovery: the recovery layer and fraction layers below it */
    if (m->rec_layer >= 0) {
        unsigned char lc[64] = {0};
        for (size_t l = 0; l < m->nlayer && l < 64; l++) {
            lc[l] = (int)l == m->rec_layer ||
                    (m->layer[l].kind == MM_FRAC && m->layer[l].from >= 0 &&
                     lc[m->layer[l].from]);
        }
        for (size_t i = 0; i < m->nitem; i++) {
            int l = m->item_layer[i] >= 0 ? m->item_layer[i] : -1 - m->item_layer[i];
            w->carries[i] = l < 64 && lc[l];
        }
    }
cleanup:
    if (rc != CM_OK) {
        work_free(w);
    }
    return rc;
}

/* The intensity arrays for row values w->vals. */
static void intensities(const cm_mmsa_model_t *m, work_t *w)
{
    size_t T = m->T, N = m->nitem;
    memset(w->I, 0, m->nsite * m->ntech * N * T * sizeof *w->I);
    memset(w->R, 0, m->nsite * m->ntech * N * T * sizeof *w->R);
    for (size_t l = 0; l < m->nlayer; l++) {
        const mm_layer_t *L = &m->layer[l];
        int from_agg = L->from >= 0 && m->layer[L->from].kind == MM_AGG;
        if (L->kind != MM_PERMW && L->kind != MM_FRAC) {
            continue;
        }
        for (size_t r = 0; r < m->nrow; r++) {
            const mm_row_t *row = &m->row[r];
            if (row->layer != (int)l) {
                continue;
            }
            for (size_t sk = 0; sk < m->nsite * m->ntech; sk++) {
                size_t site = sk / m->ntech, k = sk % m->ntech;
                if ((row->tech >= 0 && (size_t)row->tech != k) ||
                    (row->site >= 0 && (size_t)row->site != site)) {
                    continue;
                }
                double *Ik = &w->I[sk * N * T];
                for (size_t c = 0; c < T; c++) {
                    cm_int_t yr = m->t0 + (cm_int_t)c;
                    if (yr < row->c0 || yr > row->c1) {
                        continue;
                    }
                    double v = w->vals[r];
                    if (L->kind == MM_FRAC) {
                        v *= Ik[row->from * T + c];
                    } else if (from_agg) {
                        Ik[row->from * T + c] += v;
                    }
                    Ik[row->to * T + c] += v;
                }
            }
        }
        /* recovery: the recovery layer gets I x yield, fraction layers below pass it on */
        if (m->rec_layer < 0 || !w->carries[L->first]) {
            continue;
        }
        for (size_t site = 0; site < m->nsite; site++) {
            for (size_t k = 0; k < m->ntech; k++) {
                double *Rk = &w->R[(site * m->ntech + k) * N * T];
                const double *Ik = &w->I[(site * m->ntech + k) * N * T];
                if ((int)l == m->rec_layer) {
                    for (size_t i = L->first; i < L->first + L->n; i++) {
                        double y = cm_i_mmsa_yield(m, site, i, 0);
                        for (size_t c = 0; c < T; c++) {
                            Rk[i * T + c] = Ik[i * T + c] * y;
                        }
                    }
                    continue;
                }
                for (size_t r = 0; r < m->nrow; r++) {
                    const mm_row_t *row = &m->row[r];
                    if (row->layer != (int)l || (row->tech >= 0 && (size_t)row->tech != k) ||
                        (row->site >= 0 && (size_t)row->site != site)) {
                        continue;
                    }
                    for (size_t c = 0; c < T; c++) {
                        cm_int_t yr = m->t0 + (cm_int_t)c;
                        if (yr >= row->c0 && yr <= row->c1) {
                            Rk[row->to * T + c] += w->vals[r] * Rk[row->from * T + c];
                        }
                    }
                }
            }
        }
    }
    for (size_t j = 0; j < m->nmember; j++) {
        size_t g = m->member[j].group, i = m->member[j].member;
        for (size_t sk = 0; sk < m->nsite * m->ntech; sk++) {
            for (size_t c = 0; c < T; c++) {
                w->I[(sk * N + g) * T + c] += w->I[(sk * N + i) * T + c];
                w->R[(sk * N + g) * T + c] += w->R[(sk * N + i) * T + c];
            }
        }
        w->carries[g] = w->carries[i];
    }
}

/* Add the flows of one batch (one lifetime scenario) into inflow/stock/eol/rec ([i][t] each;
 * any may be NULL) and the fleet arrays mw_stock/mw_eol ([k][t], NULL allowed). */
static void accumulate(const cm_mmsa_model_t *m, const work_t *w, const cm_dsm_batch_t *b,
                       double *inflow, double *stock, double *eol, double *rec,
                       double *mw_stock, double *mw_eol)
{
    size_t T = m->T, N = m->nitem;
    double f = m->per_kg;
    for (size_t j = 0; j < w->nseries; j++) {
        const cm_dsm_result_t *res = &b->results[j];
        size_t k = w->series_tech[j], site = w->series_site[j];
        const double *Ik = &w->I[(site * m->ntech + k) * N * T];
        const double *Rk = &w->R[(site * m->ntech + k) * N * T];
        for (size_t t = 0; t < T && mw_stock != NULL; t++) {
            mw_stock[k * T + t] += res->stock[t];
            mw_eol[k * T + t] += res->outflow[t];
        }
        for (size_t i = 0; i < N; i++) {
            const double *I = &Ik[i * T], *R = &Rk[i * T];
            for (size_t t = 0; t < T; t++) {
                const double *S = &res->stock_by_cohort[t * T], *O = &res->outflow_by_cohort[t * T];
                double s = 0, o = 0, r = 0;
                for (size_t c = 0; c <= t; c++) {
                    s += S[c] * I[c];
                    o += O[c] * I[c];
                    r += O[c] * R[c];
                }
                if (inflow != NULL) {
                    inflow[i * T + t] += f * res->inflow[t] * I[t];
                }
                if (stock != NULL) {
                    stock[i * T + t] += f * s;
                }
                if (eol != NULL) {
                    eol[i * T + t] += f * o;
                }
                if (rec != NULL) {
                    rec[i * T + t] += f * r;
                }
            }
        }
    }
}

static cm_error_t run_batch(work_t *w, const cm_dsm_lifetime_t *life,
                            cm_dsm_batch_t *b, cm_error_info_t *err)
{
    cm_dsm_options_t opt;
    cm_dsm_options_default(&opt);
    opt.want_cohorts = 1;
    for (size_t j = 0; j < w->nseries; j++) {
        w->series[j].lifetime = *life;
    }
    return cm_dsm_batch_run(w->series, w->nseries, &opt, b, err);
}

/* The lifetime with its mean moved to mean + sd z (a factor applied to the time scale). */
static cm_dsm_lifetime_t shifted_life(cm_dsm_lifetime_t life, double sd, double z)
{
    double mean = life.dist == CM_DSM_WEIBULL ? life.p[1] * tgamma(1.0 + 1.0 / life.p[0])
                                              : life.p[0];
    if (!(mean > 0)) {
        return life;
    }
    double f = (mean + sd * z) / mean;
    f = f < 0.2 ? 0.2 : f;
    if (life.dist == CM_DSM_WEIBULL) {
        life.p[1] *= f;
    } else {
        life.p[0] *= f;
        life.p[1] *= f;
    }
    return life;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* p-quantile (linear interpolation between order statistics) of n sorted values. */
static double quantile(const double *v, size_t n, double p)
{
    double h = p * (double)(n - 1);
    size_t lo = (size_t)floor(h);
    size_t hi = lo + 1 < n ? lo + 1 : lo;
    return v[lo] + (h - (double)lo) * (v[hi] - v[lo]);
}

static cm_error_t draw_value(cm_rng_t *rng, int uniform, double lo, double v, double hi,
                             double *out, cm_error_info_t *err)
{
    if (!(hi > lo)) {
        *out = v;
        return CM_OK;
    }
    return uniform ? cm_rng_uniform(rng, lo, hi, out, err)
                   : cm_rng_triangular(rng, lo, v, hi, out, err);
}

static cm_error_t monte_carlo(const cm_mmsa_model_t *m, work_t *w, size_t draws, uint64_t seed,
                              cm_mmsa_result_t *res, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    size_t T = m->T, N = m->nitem, NT = N * T;
    double *st = NULL, *eo = NULL, *col = NULL;
    cm_dsm_batch_t b = {0};
    cm_rng_t rng;
    size_t total;
    CM_TRY(cm_mul_size(draws, NT, &total));
    st = cm_calloc(total, sizeof *st);
    CM_NOMEM(st, err);
    eo = cm_calloc(total, sizeof *eo);
    CM_NOMEM(eo, err);
    col = cm_malloc_array(draws, sizeof *col);
    CM_NOMEM(col, err);
    res->stock_band = cm_malloc_array(3 * NT, sizeof *res->stock_band);
    CM_NOMEM(res->stock_band, err);
    res->eol_band = cm_malloc_array(3 * NT, sizeof *res->eol_band);
    CM_NOMEM(res->eol_band, err);
    cm_rng_seed(&rng, seed);
    for (size_t d = 0; d < draws; d++) {
        for (size_t r = 0; r < m->nrow; r++) {
            const mm_row_t *row = &m->row[r];
            CM_TRY(draw_value(&rng, m->mc_uniform, row->lo, row->v, row->hi, &w->vals[r], err));
        }
        cm_dsm_lifetime_t life = shifted_life(m->life[m->mc_scen], m->mc_life_sd,
                                              cm_rng_std_normal(&rng));
        intensities(m, w);
        CM_TRY(run_batch(w, &life, &b, err));
        accumulate(m, w, &b, NULL, &st[d * NT], &eo[d * NT], NULL, NULL, NULL);
        cm_dsm_batch_destroy(&b);
    }
    static const double q[3] = {0.05, 0.5, 0.95};
    for (int which = 0; which < 2; which++) {
        const double *src = which == 0 ? st : eo;
        double *band = which == 0 ? res->stock_band : res->eol_band;
        for (size_t x = 0; x < NT; x++) {
            for (size_t d = 0; d < draws; d++) {
                col[d] = src[d * NT + x];
            }
            qsort(col, draws, sizeof *col, cmp_double);
            for (int j = 0; j < 3; j++) {
                band[(size_t)j * NT + x] = quantile(col, draws, q[j]);
            }
        }
    }
    res->draws = draws;
    res->mc_scenario = m->mc_scen;
cleanup:
    cm_dsm_batch_destroy(&b);
    cm_free(st);
    cm_free(eo);
    cm_free(col);
    return rc;
}

void cm_mmsa_options_default(const cm_mmsa_model_t *m, cm_mmsa_options_t *opt)
{
    if (opt == NULL) {
        return;
    }
    opt->draws = m != NULL ? m->draws : 0;
    opt->seed = m != NULL ? m->seed : 0;
}

void cm_mmsa_result_destroy(cm_mmsa_result_t *r)
{
    if (r == NULL) {
        return;
    }
    cm_free(r->mw_inflow);
    cm_free(r->mw_stock);
    cm_free(r->mw_eol);
    cm_free(r->inflow);
    cm_free(r->tech_inflow);
    cm_free(r->stock);
    cm_free(r->eol);
    cm_free(r->recovered);
    cm_free(r->per_mw);
    cm_free(r->per_mw_site);
    cm_free(r->stock_band);
    cm_free(r->eol_band);
    memset(r, 0, sizeof *r);
}

/* Weights wt[site][k] of the sites in the per-MW figures of technology k: the MW of k
 * installed at each site in the cohort year; without any, the MW installed over all years;
 * without any, equal weights. Each technology's weights sum to 1. */
static void site_weights(const cm_mmsa_model_t *m, size_t cy, double *wt)
{
    size_t T = m->T;
    for (size_t k = 0; k < m->ntech; k++) {
        double sum = 0;
        for (int pass = 0; pass < 3 && !(sum > 0); pass++) {
            sum = 0;
            for (size_t site = 0; site < m->nsite; site++) {
                const double *mw = &m->mw[(site * m->ntech + k) * T];
                double v = pass == 2 ? 1.0 : pass == 0 ? mw[cy] : 0.0;
                for (size_t t = 0; pass == 1 && t < T; t++) {
                    v += mw[t];
                }
                wt[site * m->ntech + k] = v;
                sum += v;
            }
        }
        for (size_t site = 0; site < m->nsite; site++) {
            wt[site * m->ntech + k] /= sum;
        }
    }
}

static cm_error_t alloc_result(const cm_mmsa_model_t *m, cm_mmsa_result_t *r,
                               cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    size_t nf = m->nscen * m->nitem * m->T, nk = m->nscen * m->ntech * m->T;
    r->T = m->T;
    r->t0 = m->t0;
    r->n_scenarios = m->nscen;
    r->n_items = m->nitem;
    r->n_tech = m->ntech;
    r->mw_inflow = cm_calloc(m->ntech * m->T, sizeof(double));
    CM_NOMEM(r->mw_inflow, err);
    r->mw_stock = cm_calloc(nk, sizeof(double));
    CM_NOMEM(r->mw_stock, err);
    r->mw_eol = cm_calloc(nk, sizeof(double));
    CM_NOMEM(r->mw_eol, err);
    r->inflow = cm_calloc(nf, sizeof(double));
    CM_NOMEM(r->inflow, err);
    r->tech_inflow = cm_calloc(m->ntech * m->nitem * m->T, sizeof(double));
    CM_NOMEM(r->tech_inflow, err);
    r->stock = cm_calloc(nf, sizeof(double));
    CM_NOMEM(r->stock, err);
    r->eol = cm_calloc(nf, sizeof(double));
    CM_NOMEM(r->eol, err);
    r->recovered = cm_calloc(nf, sizeof(double));
    CM_NOMEM(r->recovered, err);
    r->per_mw = cm_calloc(m->ntech * m->nitem * 3, sizeof(double));
    CM_NOMEM(r->per_mw, err);
    r->n_sites = m->nsite;
    r->per_mw_site = cm_calloc(m->nsite * m->ntech * m->nitem * 3, sizeof(double));
    CM_NOMEM(r->per_mw_site, err);
cleanup:
    return rc;
}

cm_error_t cm_mmsa_run(const cm_mmsa_model_t *m, const cm_mmsa_options_t *opt,
                       cm_mmsa_result_t *res, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    work_t w = {0};
    cm_dsm_batch_t b = {0};
    cm_mmsa_options_t o;
    double *wt = NULL;
    if (m == NULL || res == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_mmsa_run: NULL argument");
    }
    memset(res, 0, sizeof *res);
    cm_mmsa_options_default(m, &o);
    if (opt != NULL) {
        o = *opt;
    }
    if (o.draws > 100000) {
        return cm_error_set(err, CM_EINVAL, "draws: expected at most 100000, got %zu", o.draws);
    }
    size_t T = m->T, N = m->nitem, NT = N * T;
    CM_TRY(alloc_result(m, res, err));
    CM_TRY(work_init(m, &w, err));
    wt = cm_malloc_array(m->nsite * m->ntech, sizeof *wt);
    CM_NOMEM(wt, err);
    for (size_t site = 0; site < m->nsite; site++) {
        for (size_t x = 0; x < m->ntech * T; x++) {
            res->mw_inflow[x] += m->mw[site * m->ntech * T + x];
        }
    }
    /* per MW of the cohort year: central, all rows low, all rows high; per site, and per
     * technology weighted by site (site_weights) */
    size_t cy = (size_t)(m->cohort_year - m->t0), nsk = m->nsite * m->ntech;
    site_weights(m, cy, wt);
    for (int q = 0; q < 3; q++) {
        for (size_t r = 0; r < m->nrow; r++) {
            w.vals[r] = q == 0 ? m->row[r].v : q == 1 ? m->row[r].lo : m->row[r].hi;
        }
        intensities(m, &w);
        for (size_t sk = 0; sk < nsk; sk++) {
            size_t k = sk % m->ntech;
            for (size_t i = 0; i < N; i++) {
                double v = w.I[(sk * N + i) * T + cy];
                res->per_mw_site[(sk * N + i) * 3 + (size_t)q] = v;
                res->per_mw[(k * N + i) * 3 + (size_t)q] += wt[sk] * v;
            }
        }
    }
    for (size_t r = 0; r < m->nrow; r++) {
        w.vals[r] = m->row[r].v;
    }
    intensities(m, &w);
    for (size_t sk = 0; sk < nsk; sk++) {
        size_t k = sk % m->ntech;
        for (size_t x = 0; x < NT; x++) {
            res->tech_inflow[k * NT + x] +=
                m->per_kg * m->mw[sk * T + x % T] * w.I[sk * NT + x];
        }
    }
    for (size_t s = 0; s < m->nscen; s++) {
        CM_TRY(run_batch(&w, &m->life[s], &b, err));
        accumulate(m, &w, &b, &res->inflow[s * NT], &res->stock[s * NT], &res->eol[s * NT],
                   &res->recovered[s * NT], &res->mw_stock[s * m->ntech * T],
                   &res->mw_eol[s * m->ntech * T]);
        cm_dsm_batch_destroy(&b);
        for (size_t i = 0; i < N; i++) {
            double *rec = &res->recovered[s * NT + i * T];
            for (size_t t = 0; t < T; t++) {
                if (!w.carries[i]) {
                    rec[t] = NAN;
                }
                double in = res->inflow[s * NT + i * T + t], e = res->eol[s * NT + i * T + t];
                double st = res->stock[s * NT + i * T + t];
                double prev = t > 0 ? res->stock[s * NT + i * T + t - 1] : 0.0;
                double scale = fmax(1.0, fmax(fabs(in), fmax(fabs(e), fabs(st))));
                double bal = fabs(in - e - (st - prev)) / scale;
                res->balance = bal > res->balance ? bal : res->balance;
            }
        }
    }
    if (o.draws > 0) {
        CM_TRY(monte_carlo(m, &w, o.draws, o.seed, res, err));
    }
cleanup:
    cm_free(wt);
    cm_dsm_batch_destroy(&b);
    work_free(&w);
    if (rc != CM_OK) {
        cm_mmsa_result_destroy(res);
    }
    return rc;
}

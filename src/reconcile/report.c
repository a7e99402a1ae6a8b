/* The data-gap and inconsistency analysis (cm_recon_report): constraint tests, balances
 * without data, and the exact value of one more measurement for each candidate flow. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cambium/cm_alloc.h"
#include "../core/cm_internal.h"
#include "rc_internal.h"

#define RC_MAX_UNOBS_CAND 500

void cm_recon_report_destroy(cm_recon_report_t *rep)
{
    if (rep == NULL) {
        return;
    }
    cm_free(rep->balance_test);
    cm_free(rep->empty_balances);
    cm_free(rep->cand);
    memset(rep, 0, sizeof *rep);
}

static int cand_cmp(const void *a, const void *b)
{
    const cm_recon_candidate_t *x = a, *y = b;
    int xn = isnan(x->reduction), yn = isnan(y->reduction);
    if (xn != yn) {
        return xn - yn;
    }
    if (!xn && x->reduction != y->reduction) {
        return x->reduction < y->reduction ? 1 : -1;
    }
    if (x->newly_observable != y->newly_observable) {
        return x->newly_observable < y->newly_observable ? 1 : -1;
    }
    return x->flow < y->flow ? -1 : x->flow > y->flow;
}

/* Number of unobservable unknowns once unknown j is measured (B without column j). */
static cm_error_t unobs_without(const rc_system_t *s, size_t j, size_t *count,
                                cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    rc_csc_t B = {0};
    unsigned char *u = NULL, *d = NULL;
    size_t np = s->p - 1, nz = (size_t)s->B.p[s->p];
    B.m = s->B.m;
    B.n = (int64_t)np;
    B.p = cm_calloc(np + 1, sizeof *B.p);
    B.i = cm_malloc_array(nz > 0 ? nz : 1, sizeof *B.i);
    B.x = cm_malloc_array(nz > 0 ? nz : 1, sizeof *B.x);
    u = cm_calloc(np > 0 ? np : 1, 1);
    d = cm_calloc(np > 0 ? np : 1, 1);
    CM_NOMEM(B.p, err);
    CM_NOMEM(B.i, err);
    CM_NOMEM(B.x, err);
    CM_NOMEM(u, err);
    CM_NOMEM(d, err);
    size_t c = 0;
    int64_t q = 0;
    for (size_t col = 0; col < s->p; col++) {
        if (col == j) {
            continue;
        }
        for (int64_t a = s->B.p[col]; a < s->B.p[col + 1]; a++) {
            B.i[q] = s->B.i[a];
            B.x[q++] = s->B.x[a];
        }
        B.p[++c] = q;
    }
    CM_TRY(cm_i_rc_observability(&B, u, d, err));
    *count = 0;
    for (size_t i = 0; i < np; i++) {
        *count += u[i];
    }
cleanup:
    cm_i_rc_csc_destroy(&B);
    cm_free(u);
    cm_free(d);
    return rc;
}

/* Covariances of every observable flow with the functional of gradient ga: L (Q ga), where L
 * maps the measurements to the estimates. Returns sum of squares. */
static double cov_all_sq(const rc_system_t *s, const rc_kkt_t *k, const double *ga, double *v,
                         double *work)
{
    size_t nk = k->mk + k->pk;
    memset(work, 0, (nk > 0 ? nk : 1) * sizeof *work);
    for (size_t j = 0; j < s->n; j++) {
        v[j] = s->q[j] * ga[j];
        for (int64_t a = s->A.p[j]; a < s->A.p[j + 1]; a++) {
            long r = k->rowpos[s->A.i[a]];
            if (r >= 0) {
                work[r] += s->A.x[a] * v[j];
            }
        }
    }
    cm_i_rc_kkt_solve(k, work);
    double sum = 0;
    for (size_t j = 0; j < s->n; j++) {
        double at = 0;
        for (int64_t a = s->A.p[j]; a < s->A.p[j + 1]; a++) {
            long r = k->rowpos[s->A.i[a]];
            if (r >= 0) {
                at += s->A.x[a] * work[r];
            }
        }
        double c = v[j] - s->q[j] * at;
        sum += c * c;
    }
    for (size_t j = 0; j < s->p; j++) {
        if (!k->unobs[j] && k->ypos[j] >= 0) {
            double c = work[k->mk + (size_t)k->ypos[j]];
            sum += c * c;
        }
    }
    return sum;
}

cm_error_t cm_recon_report(const cm_recon_model_t *m, const cm_recon_result_t *r, double rel_sd,
                           cm_recon_report_t *rep, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    rc_system_t s = {0};
    rc_kkt_t k = {0};
    double *b = NULL, *lam = NULL, *gt = NULL, *ga = NULL, *jx = NULL, *jy = NULL, *v = NULL;
    double *raw = NULL;
    if (rep != NULL) {
        memset(rep, 0, sizeof *rep);
    }
    if (m == NULL || r == NULL || rep == NULL || r->nflows != m->nflow || !(rel_sd > 0) ||
        rel_sd > 1) {
        return cm_error_set(err, CM_EINVAL, "cm_recon_report: expected a model, its result and "
                            "a relative standard deviation in (0, 1], got %g", rel_sd);
    }
    CM_TRY(cm_i_rc_system(m, &s, err));
    CM_TRY(cm_i_rc_kkt(&s, &k, err));
    size_t nk = k.mk + k.pk, nf = m->nflow;
    rep->nbalance = s.m;
    rep->balance_test = cm_malloc_array(s.m > 0 ? s.m : 1, sizeof *rep->balance_test);
    rep->empty_balances = cm_malloc_array(m->nproc > 0 ? m->nproc : 1,
                                          sizeof *rep->empty_balances);
    rep->cand = cm_malloc_array(nf, sizeof *rep->cand);
    b = cm_calloc(nk > 0 ? nk : 1, sizeof *b);
    lam = cm_calloc(nk > 0 ? nk : 1, sizeof *lam);
    gt = cm_calloc(s.n > 0 ? s.n : 1, sizeof *gt);
    ga = cm_calloc(s.n > 0 ? s.n : 1, sizeof *ga);
    v = cm_calloc(s.n > 0 ? s.n : 1, sizeof *v);
    jx = cm_calloc(s.n > 0 ? s.n : 1, sizeof *jx);
    jy = cm_calloc(s.p > 0 ? s.p : 1, sizeof *jy);
    raw = cm_malloc_array(nf, sizeof *raw);
    CM_NOMEM(raw, err);
    CM_NOMEM(rep->balance_test, err);
    CM_NOMEM(rep->empty_balances, err);
    CM_NOMEM(rep->cand, err);
    CM_NOMEM(b, err);
    CM_NOMEM(lam, err);
    CM_NOMEM(gt, err);
    CM_NOMEM(ga, err);
    CM_NOMEM(v, err);
    CM_NOMEM(jx, err);
    CM_NOMEM(jy, err);
    /* constraint tests |lambda_k| / sqrt((K^-1)_kk) (cov(lambda) = (K^-1)_11) */
    double h;
    CM_TRY(cm_i_rc_estimate(m, &s, &k, lam, b, raw, &h, err));
    /* diagonal of A Q A' into rep->balance_test, overwritten row by row below */
    memset(rep->balance_test, 0, (s.m > 0 ? s.m : 1) * sizeof *rep->balance_test);
    for (size_t j = 0; j < s.n; j++) {
        for (int64_t a = s.A.p[j]; a < s.A.p[j + 1]; a++) {
            rep->balance_test[s.A.i[a]] += s.A.x[a] * s.A.x[a] * s.q[j];
        }
    }
    for (size_t row = 0; row < s.m; row++) {
        long i = k.rowpos[row];
        double mii = rep->balance_test[row];
        rep->balance_test[row] = NAN;
        if (i < 0) {
            continue;
        }
        memset(b, 0, nk * sizeof *b);
        b[i] = 1;
        cm_i_rc_kkt_solve(&k, b);
        if (mii > 0 && b[i] * mii > 1e-9) {
            rep->balance_test[row] = fabs(lam[i]) / sqrt(b[i]);
        }
    }
    for (size_t p = 0; p < m->nproc; p++) {
        int any = 0;
        for (size_t f = 0; f < nf; f++) {
            if ((m->flow[f].from == (long)p || m->flow[f].to == (long)p) && m->flow[f].measured) {
                any = 1;
            }
        }
        if (!any) {
            rep->empty_balances[rep->nempty++] = p;
        }
    }
    /* the target */
    rep->target_flow = m->target_flow;
    rep->target_derived = m->target_derived;
    int trace = 0;
    if (m->target_flow >= 0) {
        long vf = s.var[m->target_flow];
        if (vf >= 0) {
            jx[vf] = 1;
        } else if (!k.unobs[-vf - 1]) {
            jy[-vf - 1] = 1;
        } else {
            trace = -1;
        }
    } else if (m->target_derived >= 0) {
        double f;
        if (cm_i_rc_derived_grad(m, &s, (size_t)m->target_derived, r->value, jx, jy, &f) !=
                CM_OK || isnan(f)) {
            trace = -1;
        }
    } else {
        trace = 1;
    }
    if (trace == 0) {
        rep->target_var = cm_i_rc_functional(&s, &k, jx, jy, gt, b);
    } else if (trace == 1) {
        rep->target_var = 0;
        for (size_t f = 0; f < nf; f++) {
            rep->target_var += isnan(r->sd[f]) ? 0 : r->sd[f] * r->sd[f];
        }
    } else {
        rep->target_var = NAN;
    }
    memset(jx, 0, (s.n > 0 ? s.n : 1) * sizeof *jx);
    memset(jy, 0, (s.p > 0 ? s.p : 1) * sizeof *jy);
    size_t nunobs_cand = 0, nunobs = 0;
    for (size_t j = 0; j < s.p; j++) {
        nunobs += k.unobs[j];
    }
    for (size_t f = 0; f < nf; f++) {
        long vf = s.var[f];
        cm_recon_candidate_t c = {f, NAN, NAN, NAN, 0};
        double extra; /* variance of the added measurement */
        if (vf >= 0) {
            double snew = rel_sd * fabs(s.x[vf]);
            if (!(snew > 0) || snew >= sqrt(s.q[vf])) {
                continue;
            }
            c.sd_new = snew;
            extra = 1 / (1 / (snew * snew) - 1 / s.q[vf]);
            jx[vf] = 1;
        } else if (!k.unobs[-vf - 1]) {
            double snew = rel_sd * fabs(r->value[f]);
            if (!(snew > 0)) {
                continue;
            }
            c.sd_new = snew;
            extra = snew * snew;
            jy[-vf - 1] = 1;
        } else {
            if (nunobs_cand++ >= RC_MAX_UNOBS_CAND) {
                continue;
            }
            size_t after = 0;
            CM_TRY(unobs_without(&s, (size_t)(-vf - 1), &after, err));
            c.newly_observable = nunobs - 1 - after;
            rep->cand[rep->ncand++] = c;
            continue;
        }
        double var_a = cm_i_rc_functional(&s, &k, jx, jy, ga, b);
        if (vf >= 0) {
            jx[vf] = 0;
        } else {
            jy[-vf - 1] = 0;
        }
        double num = NAN;
        if (trace == 0) {
            double cov = 0;
            for (size_t j = 0; j < s.n; j++) {
                cov += gt[j] * s.q[j] * ga[j];
            }
            num = cov * cov;
        } else if (trace == 1) {
            num = cov_all_sq(&s, &k, ga, v, b);
        }
        c.reduction = num / (var_a + extra);
        c.fraction = rep->target_var > 0 ? c.reduction / rep->target_var : NAN;
        rep->cand[rep->ncand++] = c;
    }
    qsort(rep->cand, rep->ncand, sizeof *rep->cand, cand_cmp);
cleanup:
    cm_i_rc_system_destroy(&s);
    cm_i_rc_kkt_destroy(&k);
    cm_free(b);
    cm_free(lam);
    cm_free(gt);
    cm_free(ga);
    cm_free(v);
    cm_free(jx);
    cm_free(jy);
    cm_free(raw);
    if (rc != CM_OK) {
        cm_recon_report_destroy(rep);
    }
    return rc;
}

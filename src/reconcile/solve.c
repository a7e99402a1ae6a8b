/* Reconciliation: x^, covariances by selected solves, unknowns, tests, derived quantities
 * (METHODS §B.5), and the chi-square distribution. */
#include <math.h>
#include <string.h>

#include "cambium/cm_alloc.h"
#include "../core/cm_internal.h"
#include "rc_internal.h"

#define RC_NONRED_TOL 1e-9
#define RC_CONSIST_TOL 1e-7

/* Regularised lower incomplete gamma by its power series (x < a + 1). */
static double gamma_p_series(double a, double x)
{
    double term = 1 / a, sum = term;
    for (int n = 1; n < 10000; n++) {
        term *= x / (a + n);
        sum += term;
        if (fabs(term) < fabs(sum) * 1e-16) {
            break;
        }
    }
    return sum * exp(-x + a * log(x) - lgamma(a));
}

/* Regularised upper incomplete gamma by its continued fraction (x >= a + 1), evaluated with
 * the modified Lentz method. */
static double gamma_q_cf(double a, double x)
{
    const double tiny = 1e-300;
    double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
    for (int i = 1; i < 10000; i++) {
        double an = -i * (i - a);
        b += 2;
        d = an * d + b;
        d = fabs(d) < tiny ? tiny : d;
        c = b + an / c;
        c = fabs(c) < tiny ? tiny : c;
        d = 1 / d;
        double delta = d * c;
        h *= delta;
        if (fabs(delta - 1) < 1e-16) {
            break;
        }
    }
    return exp(-x + a * log(x) - lgamma(a)) * h;
}

double cm_recon_gamma_q(double a, double x)
{
    if (!(a > 0) || !(x >= 0) || !isfinite(a)) {
        return NAN;
    }
    if (x == 0) {
        return 1;
    }
    if (isinf(x)) {
        return 0;
    }
    return x < a + 1 ? 1 - gamma_p_series(a, x) : gamma_q_cf(a, x);
}

double cm_recon_chi2_quantile(double p, double nu)
{
    if (!(p > 0 && p < 1) || !(nu >= 1) || !isfinite(nu)) {
        return NAN;
    }
    double lo = 0, hi = nu + 10;
    while (cm_recon_gamma_q(nu / 2, hi / 2) > 1 - p) {
        hi *= 2;
    }
    for (int i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
        double mid = (lo + hi) / 2;
        if (cm_recon_gamma_q(nu / 2, mid / 2) > 1 - p) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    return (lo + hi) / 2;
}

void cm_recon_result_destroy(cm_recon_result_t *r)
{
    if (r == NULL) {
        return;
    }
    cm_free(r->value);
    cm_free(r->sd);
    cm_free(r->z);
    cm_free(r->status);
    cm_free(r->derived_value);
    cm_free(r->derived_sd);
    memset(r, 0, sizeof *r);
}

/* Value of a linear combination of flows (NaN when it names an unobservable flow). */
static double lin_value(const rc_lin_t *l, const double *value)
{
    double v = 0;
    for (size_t t = 0; t < l->n; t++) {
        v += l->t[t].coef * value[l->t[t].flow];
    }
    return v;
}

/* Add scale * (gradient of l) to jx / jy. */
static void lin_grad(const rc_system_t *s, const rc_lin_t *l, double scale, double *jx,
                     double *jy)
{
    for (size_t t = 0; t < l->n; t++) {
        long v = s->var[l->t[t].flow];
        if (v >= 0) {
            jx[v] += scale * l->t[t].coef;
        } else {
            jy[-v - 1] += scale * l->t[t].coef;
        }
    }
}

cm_error_t cm_i_rc_derived_grad(const cm_recon_model_t *m, const rc_system_t *s, size_t d,
                                const double *value, double *jx, double *jy, double *f)
{
    const rc_derived_t *dv = &m->der[d];
    memset(jx, 0, (s->n > 0 ? s->n : 1) * sizeof *jx);
    memset(jy, 0, (s->p > 0 ? s->p : 1) * sizeof *jy);
    double num = lin_value(&dv->num, value);
    if (!dv->ratio) {
        *f = num;
        lin_grad(s, &dv->num, 1, jx, jy);
        return CM_OK;
    }
    double den = lin_value(&dv->den, value);
    if (den == 0) {
        *f = NAN;
        return CM_ENUMERIC;
    }
    *f = num / den;
    lin_grad(s, &dv->num, 1 / den, jx, jy);
    lin_grad(s, &dv->den, -*f / den, jx, jy);
    return CM_OK;
}

cm_error_t cm_i_rc_estimate(const cm_recon_model_t *m, const rc_system_t *s, const rc_kkt_t *k,
                            double *b, double *work, double *raw, double *h,
                            cm_error_info_t *err)
{
    size_t nk = k->mk + k->pk, nf = m->nflow;
    memset(b, 0, (nk > 0 ? nk : 1) * sizeof *b);
    /* residuals of the measurements on the kept constraints */
    for (size_t i = 0; i < k->mk; i++) {
        b[i] = s->c[k->row[i]];
    }
    for (size_t j = 0; j < s->n; j++) {
        for (int64_t a = s->A.p[j]; a < s->A.p[j + 1]; a++) {
            long ra = k->rowpos[s->A.i[a]];
            if (ra >= 0) {
                b[ra] += s->A.x[a] * s->x[j];
            }
        }
    }
    memcpy(work, b, (nk > 0 ? nk : 1) * sizeof *work);
    cm_i_rc_kkt_solve(k, b);
    *h = 0;
    for (size_t i = 0; i < k->mk; i++) {
        *h += work[i] * b[i];
    }
    /* values: x^ = x - Q A' lambda; y from the second block (a particular solution) */
    for (size_t j = 0; j < s->n; j++) {
        double at = 0;
        for (int64_t a = s->A.p[j]; a < s->A.p[j + 1]; a++) {
            long ra = k->rowpos[s->A.i[a]];
            if (ra >= 0) {
                at += s->A.x[a] * b[ra];
            }
        }
        raw[s->xflow[j]] = s->x[j] - s->q[j] * at;
    }
    for (size_t j = 0; j < s->p; j++) {
        raw[s->yflow[j]] = k->ypos[j] >= 0 ? -b[k->mk + (size_t)k->ypos[j]] : 0;
    }
    /* the dropped constraints must hold as combinations of the kept ones */
    for (size_t row = 0; row < s->m; row++) {
        if (k->rowpos[row] >= 0) {
            continue;
        }
        double res = s->c[row], scale = fabs(s->c[row]);
        for (size_t f = 0; f < nf; f++) {
            long v = s->var[f];
            const rc_csc_t *M = v >= 0 ? &s->A : &s->B;
            size_t j = v >= 0 ? (size_t)v : (size_t)(-v - 1);
            for (int64_t a = M->p[j]; a < M->p[j + 1]; a++) {
                if ((size_t)M->i[a] == row) {
                    res += M->x[a] * raw[f];
                    scale += fabs(M->x[a] * raw[f]);
                }
            }
        }
        if (fabs(res) > RC_CONSIST_TOL * (1 + scale)) {
            return cm_error_set(err, CM_ENUMERIC, "reconcile: the constraints contradict each "
                                "other: %s (a combination of the others) is off by %.6g "
                                "whatever the data", cm_recon_constraint_name(m, row), res);
        }
    }
    return CM_OK;
}

cm_error_t cm_recon_solve(const cm_recon_model_t *m, cm_recon_result_t *r, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    rc_system_t s = {0};
    rc_kkt_t k = {0};
    double *b = NULL, *g = NULL, *jx = NULL, *jy = NULL, *work = NULL, *raw = NULL;
    if (m == NULL || r == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_recon_solve: model or result is NULL");
    }
    memset(r, 0, sizeof *r);
    size_t nf = m->nflow;
    CM_TRY(cm_i_rc_system(m, &s, err));
    CM_TRY(cm_i_rc_kkt(&s, &k, err));
    size_t nk = k.mk + k.pk;
    r->nflows = nf;
    r->value = cm_malloc_array(nf, sizeof *r->value);
    r->sd = cm_malloc_array(nf, sizeof *r->sd);
    r->z = cm_malloc_array(nf, sizeof *r->z);
    r->status = cm_malloc_array(nf, sizeof *r->status);
    r->nderived = m->nder;
    r->derived_value = cm_malloc_array(m->nder > 0 ? m->nder : 1, sizeof *r->derived_value);
    r->derived_sd = cm_malloc_array(m->nder > 0 ? m->nder : 1, sizeof *r->derived_sd);
    b = cm_calloc(nk > 0 ? nk : 1, sizeof *b);
    work = cm_calloc(nk > 0 ? nk : 1, sizeof *work);
    g = cm_calloc(s.n > 0 ? s.n : 1, sizeof *g);
    jx = cm_calloc(s.n > 0 ? s.n : 1, sizeof *jx);
    jy = cm_calloc(s.p > 0 ? s.p : 1, sizeof *jy);
    raw = cm_malloc_array(nf, sizeof *raw);
    CM_NOMEM(r->value, err);
    CM_NOMEM(r->sd, err);
    CM_NOMEM(r->z, err);
    CM_NOMEM(r->status, err);
    CM_NOMEM(r->derived_value, err);
    CM_NOMEM(r->derived_sd, err);
    CM_NOMEM(b, err);
    CM_NOMEM(work, err);
    CM_NOMEM(g, err);
    CM_NOMEM(jx, err);
    CM_NOMEM(jy, err);
    CM_NOMEM(raw, err);
    r->nconstraints = s.m;
    r->ndropped = s.m - k.mk;
    double h = 0;
    CM_TRY(cm_i_rc_estimate(m, &s, &k, b, work, raw, &h, err));
    r->h = h > 0 ? h : 0;
    r->dof = k.mk - k.pk;
    r->p_value = r->dof > 0 ? cm_recon_gamma_q((double)r->dof / 2, r->h / 2) : 1;
    r->h_crit = r->dof > 0 ? cm_recon_chi2_quantile(0.95, (double)r->dof) : 0;
    /* one solve per flow: Q^_ii = Q_ii - Q_ii a_i' u with u = (K^-1)_11 Q_ii a_i; for an
     * unknown, var(y_j) = -(K^-1)_22,jj (since K21 M K12 = -K22 for the saddle-point inverse) */
    for (size_t j = 0; j < s.n; j++) {
        size_t f = s.xflow[j];
        memset(work, 0, (nk > 0 ? nk : 1) * sizeof *work);
        for (int64_t a = s.A.p[j]; a < s.A.p[j + 1]; a++) {
            long ra = k.rowpos[s.A.i[a]];
            if (ra >= 0) {
                work[ra] += s.A.x[a] * s.q[j];
            }
        }
        cm_i_rc_kkt_solve(&k, work);
        double at = 0;
        for (int64_t a = s.A.p[j]; a < s.A.p[j + 1]; a++) {
            long ra = k.rowpos[s.A.i[a]];
            if (ra >= 0) {
                at += s.A.x[a] * work[ra];
            }
        }
        double drop = s.q[j] * at;
        r->value[f] = raw[f];
        r->sd[f] = sqrt(fmax(s.q[j] - drop, 0));
        if (!(drop > RC_NONRED_TOL * s.q[j])) {
            r->status[f] = CM_RECON_NONREDUNDANT;
            r->z[f] = NAN;
            r->value[f] = s.x[j];
            r->sd[f] = sqrt(s.q[j]);
        } else {
            r->status[f] = CM_RECON_REDUNDANT;
            r->z[f] = fabs(raw[f] - s.x[j]) / sqrt(drop);
        }
    }
    for (size_t j = 0; j < s.p; j++) {
        size_t f = s.yflow[j];
        r->z[f] = NAN;
        if (k.unobs[j]) {
            r->status[f] = CM_RECON_UNOBSERVABLE;
            r->value[f] = r->sd[f] = NAN;
            continue;
        }
        r->status[f] = CM_RECON_OBSERVABLE;
        r->value[f] = raw[f];
        size_t pos = k.mk + (size_t)k.ypos[j];
        memset(work, 0, (nk > 0 ? nk : 1) * sizeof *work);
        work[pos] = 1;
        cm_i_rc_kkt_solve(&k, work);
        r->sd[f] = sqrt(fmax(-work[pos], 0));
    }
    for (size_t d = 0; d < m->nder; d++) {
        double f;
        if (cm_i_rc_derived_grad(m, &s, d, r->value, jx, jy, &f) != CM_OK || isnan(f)) {
            r->derived_value[d] = r->derived_sd[d] = NAN;
        } else {
            r->derived_value[d] = f;
            r->derived_sd[d] = sqrt(cm_i_rc_functional(&s, &k, jx, jy, g, work));
        }
    }
    memset(jx, 0, (s.n > 0 ? s.n : 1) * sizeof *jx);
    memset(jy, 0, (s.p > 0 ? s.p : 1) * sizeof *jy);
cleanup:
    cm_i_rc_system_destroy(&s);
    cm_i_rc_kkt_destroy(&k);
    cm_free(b);
    cm_free(g);
    cm_free(jx);
    cm_free(jy);
    cm_free(work);
    cm_free(raw);
    if (rc != CM_OK) {
        cm_recon_result_destroy(r);
    }
    return rc;
}

cm_error_t cm_recon_covariance(const cm_recon_model_t *m, const size_t *flows, size_t k,
                               double *cov, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    rc_system_t s = {0};
    rc_kkt_t kk = {0};
    double *g = NULL, *jx = NULL, *jy = NULL, *work = NULL;
    if (m == NULL || (k > 0 && (flows == NULL || cov == NULL))) {
        return cm_error_set(err, CM_EINVAL, "cm_recon_covariance: model, flows or cov is NULL");
    }
    for (size_t a = 0; a < k; a++) {
        if (flows[a] >= m->nflow) {
            return cm_error_set(err, CM_EINVAL, "cm_recon_covariance: flow %zu out of range "
                                "(%zu flows)", flows[a], m->nflow);
        }
    }
    if (k == 0) {
        return CM_OK;
    }
    CM_TRY(cm_i_rc_system(m, &s, err));
    CM_TRY(cm_i_rc_kkt(&s, &kk, err));
    size_t n1 = s.n > 0 ? s.n : 1, nk = kk.mk + kk.pk;
    size_t gk;
    if (cm_mul_size(n1, k, &gk) != CM_OK) {
        CM_FAIL(cm_error_set(err, CM_EOVERFLOW, "cm_recon_covariance: too many flows"));
    }
    g = cm_malloc_array(gk, sizeof *g);
    jx = cm_calloc(n1, sizeof *jx);
    jy = cm_calloc(s.p > 0 ? s.p : 1, sizeof *jy);
    work = cm_calloc(nk > 0 ? nk : 1, sizeof *work);
    CM_NOMEM(g, err);
    CM_NOMEM(jx, err);
    CM_NOMEM(jy, err);
    CM_NOMEM(work, err);
    for (size_t a = 0; a < k; a++) {
        long v = s.var[flows[a]];
        if (v < 0 && kk.unobs[-v - 1]) {
            for (size_t j = 0; j < n1; j++) {
                g[a * n1 + j] = NAN;
            }
            continue;
        }
        if (v >= 0) {
            jx[v] = 1;
        } else {
            jy[-v - 1] = 1;
        }
        cm_i_rc_functional(&s, &kk, jx, jy, g + a * n1, work);
        if (v >= 0) {
            jx[v] = 0;
        } else {
            jy[-v - 1] = 0;
        }
    }
    for (size_t a = 0; a < k; a++) {
        for (size_t b = 0; b <= a; b++) {
            double c = 0;
            for (size_t j = 0; j < s.n; j++) {
                c += g[a * n1 + j] * s.q[j] * g[b * n1 + j];
            }
            cov[a * k + b] = cov[b * k + a] = s.n > 0 ? c : (isnan(g[a * n1]) ||
                                                               isnan(g[b * n1]) ? NAN : 0);
        }
    }
cleanup:
    cm_i_rc_system_destroy(&s);
    cm_i_rc_kkt_destroy(&kk);
    cm_free(g);
    cm_free(jx);
    cm_free(jy);
    cm_free(work);
    return rc;
}

/* The constraint system A x + B y + c = 0 of a model, observability of the unknowns, and the
 * factorised saddle-point matrix K = [A Q A', B; B', 0] on the independent constraints and
 * unknowns (METHODS §B.5). */
#include <math.h>
#include <string.h>

#include "cambium/cm_alloc.h"
#include "../core/cm_internal.h"
#include "rc_internal.h"

#define RC_RANK_TOL 1e-10
#define RC_NULL_TOL 1e-8

cs_dl cm_i_rc_view(const rc_csc_t *a)
{
    cs_dl v;
    memset(&v, 0, sizeof v);
    v.m = a->m;
    v.n = a->n;
    v.p = a->p;
    v.i = a->i;
    v.x = a->x;
    v.nzmax = a->p != NULL && a->p[a->n] > 0 ? a->p[a->n] : 1;
    v.nz = -1;
    return v;
}

void cm_i_rc_csc_destroy(rc_csc_t *a)
{
    cm_free(a->p);
    cm_free(a->i);
    cm_free(a->x);
    memset(a, 0, sizeof *a);
}

static cm_error_t csc_alloc(rc_csc_t *a, int64_t m, int64_t n, size_t nz, cm_error_info_t *err)
{
    a->m = m;
    a->n = n;
    a->p = cm_calloc((size_t)n + 1, sizeof *a->p);
    a->i = cm_malloc_array(nz > 0 ? nz : 1, sizeof *a->i);
    a->x = cm_malloc_array(nz > 0 ? nz : 1, sizeof *a->x);
    if (a->p == NULL || a->i == NULL || a->x == NULL) {
        cm_i_rc_csc_destroy(a);
        return cm_error_set(err, CM_ENOMEM, "out of memory");
    }
    return CM_OK;
}

void cm_i_rc_system_destroy(rc_system_t *s)
{
    cm_free(s->xflow);
    cm_free(s->yflow);
    cm_free(s->var);
    cm_i_rc_csc_destroy(&s->A);
    cm_i_rc_csc_destroy(&s->B);
    cm_free(s->c);
    cm_free(s->x);
    cm_free(s->q);
    memset(s, 0, sizeof *s);
}

/* Entries of flow f's column: its two balances and the relations naming it. */
static size_t column_entries(const cm_recon_model_t *m, size_t f, int64_t *row, double *val)
{
    size_t k = 0;
    const rc_flow_t *fl = &m->flow[f];
    if (fl->from >= 0) {
        row[k] = fl->from;
        val[k++] = -1;
    }
    if (fl->to >= 0) {
        row[k] = fl->to;
        val[k++] = 1;
    }
    for (size_t r = 0; r < m->nrel; r++) {
        for (size_t t = 0; t < m->rel[r].lhs.n; t++) {
            if (m->rel[r].lhs.t[t].flow == f && m->rel[r].lhs.t[t].coef != 0) {
                row[k] = (int64_t)(m->nproc + r);
                val[k++] = m->rel[r].lhs.t[t].coef;
            }
        }
    }
    return k;
}

cm_error_t cm_i_rc_system(const cm_recon_model_t *m, rc_system_t *s, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    int64_t *row = NULL;
    double *val = NULL;
    memset(s, 0, sizeof *s);
    size_t nf = m->nflow;
    s->m = m->nproc + m->nrel;
    s->var = cm_malloc_array(nf, sizeof *s->var);
    s->xflow = cm_malloc_array(nf, sizeof *s->xflow);
    s->yflow = cm_malloc_array(nf, sizeof *s->yflow);
    s->c = cm_calloc(s->m > 0 ? s->m : 1, sizeof *s->c);
    row = cm_malloc_array(s->m + 2, sizeof *row);
    val = cm_malloc_array(s->m + 2, sizeof *val);
    CM_NOMEM(s->var, err);
    CM_NOMEM(s->xflow, err);
    CM_NOMEM(s->yflow, err);
    CM_NOMEM(s->c, err);
    CM_NOMEM(row, err);
    CM_NOMEM(val, err);
    size_t nza = 0, nzb = 0;
    for (size_t f = 0; f < nf; f++) {
        size_t k = column_entries(m, f, row, val);
        if (m->flow[f].measured) {
            s->var[f] = (long)s->n;
            s->xflow[s->n++] = f;
            nza += k;
        } else {
            s->var[f] = -(long)s->p - 1;
            s->yflow[s->p++] = f;
            nzb += k;
        }
    }
    CM_TRY(csc_alloc(&s->A, (int64_t)s->m, (int64_t)s->n, nza, err));
    CM_TRY(csc_alloc(&s->B, (int64_t)s->m, (int64_t)s->p, nzb, err));
    s->x = cm_malloc_array(s->n > 0 ? s->n : 1, sizeof *s->x);
    s->q = cm_malloc_array(s->n > 0 ? s->n : 1, sizeof *s->q);
    CM_NOMEM(s->x, err);
    CM_NOMEM(s->q, err);
    for (size_t f = 0; f < nf; f++) {
        rc_csc_t *M = s->var[f] >= 0 ? &s->A : &s->B;
        size_t j = s->var[f] >= 0 ? (size_t)s->var[f] : (size_t)(-s->var[f] - 1);
        size_t k = column_entries(m, f, row, val);
        int64_t p0 = M->p[j];
        for (size_t t = 0; t < k; t++) {
            M->i[p0 + (int64_t)t] = row[t];
            M->x[p0 + (int64_t)t] = val[t];
        }
        M->p[j + 1] = p0 + (int64_t)k;
        if (s->var[f] >= 0) {
            s->x[j] = m->flow[f].value;
            s->q[j] = m->flow[f].sd * m->flow[f].sd;
        }
    }
    for (size_t r = 0; r < m->nrel; r++) {
        s->c[m->nproc + r] = -m->rel[r].rhs;
    }
cleanup:
    cm_free(row);
    cm_free(val);
    if (rc != CM_OK) {
        cm_i_rc_system_destroy(s);
    }
    return rc;
}

cm_error_t cm_i_rc_observability(const rc_csc_t *Bm, unsigned char *unobs, unsigned char *dep,
                                 cm_error_info_t *err)
{
    size_t np = (size_t)Bm->n;
    cm_error_t rc = CM_OK;
    rc_ldl_t f = {0};
    cs_dl *Bt = NULL, *N = NULL;
    double *v = NULL;
    memset(unobs, 0, np);
    memset(dep, 0, np);
    if (np == 0) {
        return CM_OK;
    }
    cs_dl B = cm_i_rc_view(Bm);
    Bt = cs_dl_transpose(&B, 1);
    CM_NOMEM(Bt, err);
    N = cs_dl_multiply(Bt, &B);
    CM_NOMEM(N, err);
    CM_TRY(cm_i_rc_ldl(N, RC_RANK_TOL, &f, err));
    cm_i_rc_ldl_flags(&f, dep);
    v = cm_malloc_array(np, sizeof *v);
    CM_NOMEM(v, err);
    for (size_t j = 0; j < np; j++) {
        if (!dep[j]) {
            continue;
        }
        /* null vector: v_j = 1, v_I = -N_II^-1 N_Ij, 0 on the other dependent columns */
        memset(v, 0, np * sizeof *v);
        for (int64_t p = N->p[j]; p < N->p[j + 1]; p++) {
            v[N->i[p]] -= N->x[p];
        }
        cm_i_rc_ldl_solve(&f, v);
        v[j] = 1;
        for (size_t i = 0; i < np; i++) {
            if (fabs(v[i]) > RC_NULL_TOL) {
                unobs[i] = 1;
            }
        }
    }
cleanup:
    cm_i_rc_ldl_destroy(&f);
    cs_dl_spfree(Bt);
    cs_dl_spfree(N);
    cm_free(v);
    return rc;
}

void cm_i_rc_kkt_destroy(rc_kkt_t *k)
{
    cm_free(k->row);
    cm_free(k->rowpos);
    cm_free(k->ypos);
    cm_free(k->ycol);
    cm_free(k->unobs);
    cm_free(k->w1);
    cm_free(k->w2);
    cs_dl_sfree(k->S);
    cs_dl_nfree(k->N);
    memset(k, 0, sizeof *k);
}

/* Independent constraint rows: a rank-revealing LDL' of [A B][A B]'. */
static cm_error_t independent_rows(const rc_system_t *s, unsigned char *dropped,
                                   cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    rc_ldl_t f = {0};
    cs_dl *At = NULL, *Bt = NULL, *AA = NULL, *BB = NULL, *CC = NULL;
    cs_dl A = cm_i_rc_view(&s->A), B = cm_i_rc_view(&s->B);
    At = cs_dl_transpose(&A, 1);
    Bt = cs_dl_transpose(&B, 1);
    CM_NOMEM(At, err);
    CM_NOMEM(Bt, err);
    AA = cs_dl_multiply(&A, At);
    BB = cs_dl_multiply(&B, Bt);
    CM_NOMEM(AA, err);
    CM_NOMEM(BB, err);
    CC = cs_dl_add(AA, BB, 1, 1);
    CM_NOMEM(CC, err);
    CM_TRY(cm_i_rc_ldl(CC, RC_RANK_TOL, &f, err));
    cm_i_rc_ldl_flags(&f, dropped);
cleanup:
    cm_i_rc_ldl_destroy(&f);
    cs_dl_spfree(At);
    cs_dl_spfree(Bt);
    cs_dl_spfree(AA);
    cs_dl_spfree(BB);
    cs_dl_spfree(CC);
    return rc;
}

cm_error_t cm_i_rc_kkt(const rc_system_t *s, rc_kkt_t *k, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    unsigned char *dropped = NULL, *dep = NULL;
    cs_dl *T = NULL, *K = NULL;
    memset(k, 0, sizeof *k);
    size_t m = s->m, p = s->p;
    dropped = cm_calloc(m > 0 ? m : 1, 1);
    dep = cm_calloc(p > 0 ? p : 1, 1);
    k->unobs = cm_calloc(p > 0 ? p : 1, 1);
    k->row = cm_malloc_array(m > 0 ? m : 1, sizeof *k->row);
    k->rowpos = cm_malloc_array(m > 0 ? m : 1, sizeof *k->rowpos);
    k->ypos = cm_malloc_array(p > 0 ? p : 1, sizeof *k->ypos);
    k->ycol = cm_malloc_array(p > 0 ? p : 1, sizeof *k->ycol);
    CM_NOMEM(dropped, err);
    CM_NOMEM(dep, err);
    CM_NOMEM(k->unobs, err);
    CM_NOMEM(k->row, err);
    CM_NOMEM(k->rowpos, err);
    CM_NOMEM(k->ypos, err);
    CM_NOMEM(k->ycol, err);
    if (m > 0) {
        CM_TRY(independent_rows(s, dropped, err));
    }
    CM_TRY(cm_i_rc_observability(&s->B, k->unobs, dep, err));
    for (size_t r = 0; r < m; r++) {
        k->rowpos[r] = dropped[r] ? -1 : (long)k->mk;
        if (!dropped[r]) {
            k->row[k->mk++] = r;
        }
    }
    for (size_t j = 0; j < p; j++) {
        k->ypos[j] = dep[j] ? -1 : (long)k->pk;
        if (!dep[j]) {
            k->ycol[k->pk++] = j;
        }
    }
    size_t nk = k->mk + k->pk;
    k->w1 = cm_calloc(nk > 0 ? nk : 1, sizeof *k->w1);
    k->w2 = cm_calloc(nk > 0 ? nk : 1, sizeof *k->w2);
    CM_NOMEM(k->w1, err);
    CM_NOMEM(k->w2, err);
    if (nk == 0) {
        goto cleanup;
    }
    /* K as triplets: A Q A' (summed per measured column), B and B' */
    size_t nzt = 0;
    for (size_t j = 0; j < s->n; j++) {
        size_t c = (size_t)(s->A.p[j + 1] - s->A.p[j]);
        nzt += c * c;
    }
    nzt += 2 * (size_t)(s->B.p[p]) + nk;
    T = cs_dl_spalloc((int64_t)nk, (int64_t)nk, (int64_t)nzt, 1, 1);
    CM_NOMEM(T, err);
    for (size_t j = 0; j < s->n; j++) {
        for (int64_t a = s->A.p[j]; a < s->A.p[j + 1]; a++) {
            long ra = k->rowpos[s->A.i[a]];
            for (int64_t b = s->A.p[j]; b < s->A.p[j + 1] && ra >= 0; b++) {
                long rb = k->rowpos[s->A.i[b]];
                if (rb >= 0 && !cs_dl_entry(T, ra, rb, s->A.x[a] * s->q[j] * s->A.x[b])) {
                    CM_NOMEM(NULL, err);
                }
            }
        }
    }
    for (size_t j = 0; j < p; j++) {
        if (k->ypos[j] < 0) {
            continue;
        }
        int64_t cj = (int64_t)k->mk + k->ypos[j];
        for (int64_t a = s->B.p[j]; a < s->B.p[j + 1]; a++) {
            long ra = k->rowpos[s->B.i[a]];
            if (ra >= 0 && (!cs_dl_entry(T, ra, cj, s->B.x[a]) ||
                            !cs_dl_entry(T, cj, ra, s->B.x[a]))) {
                CM_NOMEM(NULL, err);
            }
        }
    }
    K = cs_dl_compress(T);
    CM_NOMEM(K, err);
    if (!cs_dl_dupl(K)) {
        CM_NOMEM(NULL, err);
    }
    k->S = cs_dl_sqr(1, K, 0);
    CM_NOMEM(k->S, err);
    k->N = cs_dl_lu(K, k->S, 0.01);
    if (k->N == NULL) {
        CM_FAIL(cm_error_set(err, CM_ENUMERIC, "reconcile: the saddle-point system of %zu "
                             "constraints and %zu unknowns is singular", k->mk, k->pk));
    }
cleanup:
    cm_free(dropped);
    cm_free(dep);
    cs_dl_spfree(T);
    cs_dl_spfree(K);
    if (rc != CM_OK) {
        cm_i_rc_kkt_destroy(k);
    }
    return rc;
}

void cm_i_rc_kkt_solve(const rc_kkt_t *k, double *b)
{
    int64_t n = (int64_t)(k->mk + k->pk);
    if (n == 0) {
        return;
    }
    cs_dl_ipvec(k->N->pinv, b, k->w1, n);
    cs_dl_lsolve(k->N->L, k->w1);
    cs_dl_usolve(k->N->U, k->w1);
    cs_dl_ipvec(k->S->q, k->w1, b, n);
}

double cm_i_rc_functional(const rc_system_t *s, const rc_kkt_t *k, const double *jx,
                          const double *jy, double *g, double *work)
{
    size_t nk = k->mk + k->pk;
    memset(work, 0, (nk > 0 ? nk : 1) * sizeof *work);
    for (size_t j = 0; j < s->n && jx != NULL; j++) {
        if (jx[j] == 0) {
            continue;
        }
        for (int64_t a = s->A.p[j]; a < s->A.p[j + 1]; a++) {
            long r = k->rowpos[s->A.i[a]];
            if (r >= 0) {
                work[r] += s->A.x[a] * s->q[j] * jx[j];
            }
        }
    }
    for (size_t j = 0; j < s->p && jy != NULL; j++) {
        if (jy[j] != 0 && k->ypos[j] >= 0) {
            work[k->mk + (size_t)k->ypos[j]] += jy[j];
        }
    }
    cm_i_rc_kkt_solve(k, work);
    double var = 0;
    for (size_t j = 0; j < s->n; j++) {
        double at = 0;
        for (int64_t a = s->A.p[j]; a < s->A.p[j + 1]; a++) {
            long r = k->rowpos[s->A.i[a]];
            if (r >= 0) {
                at += s->A.x[a] * work[r];
            }
        }
        g[j] = (jx != NULL ? jx[j] : 0) - at;
        var += s->q[j] * g[j] * g[j];
    }
    return var;
}

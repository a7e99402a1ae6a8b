/* A rank-revealing up-looking sparse LDL' of a symmetric positive semi-definite matrix, on top
 * of CXSparse's ordering and symbolic tools (AMD, elimination tree, column counts, ereach).
 * Written for this module: a pivot that falls below tol times the original diagonal marks its
 * row and column as linearly dependent on the earlier ones; since the matrix is semi-definite
 * the rest of that column of the Schur complement is then zero (up to rounding) and is
 * dropped, which leaves an exact factor of the independent principal submatrix. */
#include <math.h>
#include <string.h>

#include "cambium/cm_alloc.h"
#include "../core/cm_internal.h"
#include "rc_internal.h"

void cm_i_rc_ldl_destroy(rc_ldl_t *f)
{
    cm_free(f->perm);
    cm_free(f->Lp);
    cm_free(f->Li);
    cm_free(f->Lnz);
    cm_free(f->Lx);
    cm_free(f->D);
    cm_free(f->work);
    memset(f, 0, sizeof *f);
}

cm_error_t cm_i_rc_ldl(const cs_dl *A, double tol, rc_ldl_t *f, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    int64_t n = A->n;
    int64_t *amd = NULL, *pinv = NULL, *parent = NULL, *post = NULL, *cnt = NULL;
    int64_t *s = NULL, *w = NULL;
    double *Y = NULL;
    cs_dl *C = NULL;
    memset(f, 0, sizeof *f);
    f->n = n;
    if (n == 0) {
        return CM_OK;
    }
    amd = cs_dl_amd(1, A);
    CM_NOMEM(amd, err);
    pinv = cs_dl_pinv(amd, n);
    CM_NOMEM(pinv, err);
    C = cs_dl_symperm(A, pinv, 1);
    CM_NOMEM(C, err);
    parent = cs_dl_etree(C, 0);
    CM_NOMEM(parent, err);
    post = cs_dl_post(parent, n);
    CM_NOMEM(post, err);
    cnt = cs_dl_counts(C, parent, post, 0);
    CM_NOMEM(cnt, err);
    size_t un = (size_t)n;
    f->perm = cm_malloc_array(un, sizeof *f->perm);
    f->Lp = cm_malloc_array(un + 1, sizeof *f->Lp);
    f->Lnz = cm_calloc(un, sizeof *f->Lnz);
    f->D = cm_calloc(un, sizeof *f->D);
    f->work = cm_calloc(un, sizeof *f->work);
    s = cm_malloc_array(un, sizeof *s);
    w = cm_calloc(un, sizeof *w);
    Y = cm_calloc(un, sizeof *Y);
    CM_NOMEM(f->perm, err);
    CM_NOMEM(f->Lp, err);
    CM_NOMEM(f->Lnz, err);
    CM_NOMEM(f->D, err);
    CM_NOMEM(f->work, err);
    CM_NOMEM(s, err);
    CM_NOMEM(w, err);
    CM_NOMEM(Y, err);
    memcpy(f->perm, amd, un * sizeof *f->perm);
    f->Lp[0] = 0;
    for (int64_t k = 0; k < n; k++) {
        f->Lp[k + 1] = f->Lp[k] + cnt[k];
    }
    size_t nz = (size_t)f->Lp[n] > 0 ? (size_t)f->Lp[n] : 1;
    f->Li = cm_malloc_array(nz, sizeof *f->Li);
    f->Lx = cm_malloc_array(nz, sizeof *f->Lx);
    CM_NOMEM(f->Li, err);
    CM_NOMEM(f->Lx, err);
    for (int64_t k = 0; k < n; k++) {
        double diag = 0;
        for (int64_t p = C->p[k]; p < C->p[k + 1]; p++) {
            Y[C->i[p]] += C->x[p];
            if (C->i[p] == k) {
                diag += C->x[p];
            }
        }
        int64_t top = cs_dl_ereach(C, k, parent, s, w);
        double d = Y[k];
        Y[k] = 0;
        for (; top < n; top++) {
            int64_t i = s[top];
            double yi = Y[i];
            Y[i] = 0;
            int64_t p2 = f->Lp[i] + f->Lnz[i];
            for (int64_t p = f->Lp[i]; p < p2; p++) {
                Y[f->Li[p]] -= f->Lx[p] * yi;
            }
            if (f->D[i] != 0) {
                double l = yi / f->D[i];
                d -= l * yi;
                f->Li[p2] = k;
                f->Lx[p2] = l;
                f->Lnz[i]++;
            }
        }
        f->D[k] = d > tol * fabs(diag) && d > 0 ? d : 0;
    }
cleanup:
    if (rc != CM_OK) {
        cm_i_rc_ldl_destroy(f);
    }
    cs_dl_free(amd);
    cs_dl_free(pinv);
    cs_dl_free(parent);
    cs_dl_free(post);
    cs_dl_free(cnt);
    cs_dl_spfree(C);
    cm_free(s);
    cm_free(w);
    cm_free(Y);
    return rc;
}

void cm_i_rc_ldl_solve(const rc_ldl_t *f, double *b)
{
    int64_t n = f->n;
    double *x = f->work;
    for (int64_t k = 0; k < n; k++) {
        x[k] = b[f->perm[k]];
    }
    for (int64_t i = 0; i < n; i++) {
        for (int64_t p = f->Lp[i]; p < f->Lp[i] + f->Lnz[i]; p++) {
            x[f->Li[p]] -= f->Lx[p] * x[i];
        }
    }
    for (int64_t i = 0; i < n; i++) {
        x[i] = f->D[i] != 0 ? x[i] / f->D[i] : 0;
    }
    for (int64_t i = n - 1; i >= 0; i--) {
        for (int64_t p = f->Lp[i]; p < f->Lp[i] + f->Lnz[i]; p++) {
            x[i] -= f->Lx[p] * x[f->Li[p]];
        }
    }
    for (int64_t k = 0; k < n; k++) {
        b[f->perm[k]] = x[k];
    }
}

void cm_i_rc_ldl_flags(const rc_ldl_t *f, unsigned char *dep)
{
    for (int64_t k = 0; k < f->n; k++) {
        dep[f->perm[k]] = f->D[k] == 0;
    }
}

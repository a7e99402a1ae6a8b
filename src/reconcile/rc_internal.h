/* Internals of the reconciliation module (src/reconcile): the model, the rank-revealing sparse
 * LDL' and the factorised saddle-point system. */
#ifndef CAMBIUM_RC_INTERNAL_H
#define CAMBIUM_RC_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <suitesparse/cs.h>

#include "cambium/cm_reconcile.h"

#define RC_IMPORT (-1)
#define RC_EXPORT (-2)
#define RC_ENV (-3)
#define RC_STOCK (-4)

typedef struct rc_term_t {
    size_t flow;
    double coef;
} rc_term_t;

typedef struct rc_lin_t {
    rc_term_t *t;
    size_t n, cap;
} rc_lin_t;

typedef struct rc_flow_t {
    char *name;
    long from, to;
    int measured;
    double value, sd;
} rc_flow_t;

typedef struct rc_rel_t {
    rc_lin_t lhs;
    double rhs;
    char label[96]; /* "relation (line N)" or "tc FLOW" */
} rc_rel_t;

typedef struct rc_derived_t {
    char *name;
    rc_lin_t num, den;
    int ratio;
} rc_derived_t;

/* A name -> index hash table (open addressing; keys borrowed from the model's strings). */
typedef struct rc_slot_t {
    const char *key;
    size_t val;
} rc_slot_t;

typedef struct rc_index_t {
    rc_slot_t *slot;
    size_t cap, n; /* cap a power of two (0: empty) */
} rc_index_t;

struct cm_recon_model_t {
    rc_index_t proc_index, flow_index;
    char *unit;
    char **proc;
    size_t nproc, cap_proc;
    rc_flow_t *flow;
    size_t nflow, cap_flow;
    rc_rel_t *rel;
    size_t nrel, cap_rel;
    rc_derived_t *der;
    size_t nder, cap_der;
    long target_flow, target_derived;
};

/* A rank-revealing LDL' of a symmetric positive semi-definite sparse matrix (AMD ordering): a
 * pivot below tol times its original diagonal is a dependent row/column; its D is 0 and its
 * column of L empty, so that the factor restricted to the independent set is exact. */
typedef struct rc_ldl_t {
    int64_t n;
    int64_t *perm; /* perm[k] = original index of pivot k */
    int64_t *Lp, *Li, *Lnz;
    double *Lx, *D;
    double *work;
} rc_ldl_t;

cm_error_t cm_i_rc_ldl(const cs_dl *A, double tol, rc_ldl_t *f, cm_error_info_t *err);
/* Solve restricted to the independent set: b (original order) overwritten; dependent entries 0. */
void cm_i_rc_ldl_solve(const rc_ldl_t *f, double *b);
/* dep[i] = 1 when original index i is dependent (dep of n). */
void cm_i_rc_ldl_flags(const rc_ldl_t *f, unsigned char *dep);
void cm_i_rc_ldl_destroy(rc_ldl_t *f);

/* A CSC matrix allocated through cm_malloc (wrap it with rc_view for CXSparse). */
typedef struct rc_csc_t {
    int64_t m, n;
    int64_t *p, *i;
    double *x;
} rc_csc_t;

/* The constraint system A x + B y + c = 0 of a model (all rows), CSC. */
typedef struct rc_system_t {
    size_t n, p, m;   /* measured, unknown, constraints */
    size_t *xflow;    /* measured index -> flow */
    size_t *yflow;    /* unknown index -> flow */
    long *var;        /* flow -> measured index (>= 0) or -(unknown index) - 1 */
    rc_csc_t A, B;
    double *c;
    double *x, *q;    /* measurements and their variances */
} rc_system_t;

cm_error_t cm_i_rc_system(const cm_recon_model_t *m, rc_system_t *s, cm_error_info_t *err);
void cm_i_rc_system_destroy(rc_system_t *s);
cs_dl cm_i_rc_view(const rc_csc_t *a);
void cm_i_rc_csc_destroy(rc_csc_t *a);

/* Unobservable unknowns: unobs[j] = 1 for unknown j in the support of null(B); dep[j] = 1 for
 * the dependent columns (a basis complement). Both arrays of B->n. */
cm_error_t cm_i_rc_observability(const rc_csc_t *B, unsigned char *unobs,
                                 unsigned char *dep, cm_error_info_t *err);

/* The factorised saddle-point system of a model. */
typedef struct rc_kkt_t {
    size_t mk;          /* kept constraints */
    size_t pk;          /* independent unknowns */
    size_t *row;        /* kept constraint -> constraint */
    long *rowpos;       /* constraint -> kept index or -1 */
    long *ypos;         /* unknown -> independent index or -1 */
    size_t *ycol;       /* independent index -> unknown */
    unsigned char *unobs;
    cs_dls *S;
    cs_dln *N;
    double *w1, *w2;    /* work of mk + pk */
} rc_kkt_t;

cm_error_t cm_i_rc_kkt(const rc_system_t *s, rc_kkt_t *k, cm_error_info_t *err);
/* Solve K v = b in place (b of mk + pk). */
void cm_i_rc_kkt_solve(const rc_kkt_t *k, double *b);
void cm_i_rc_kkt_destroy(rc_kkt_t *k);
/* The gradient g (n) of the linear functional Jx'x^ + Jy'y with respect to the measurements
 * x: g = Jx - A'u, [u; w] = K^-1 [A Q Jx; Jy]; returns g'Q g (the variance). jx may be NULL;
 * jy (p, NULL allowed) must be 0 on unobservable unknowns. work: mk + pk doubles. */
double cm_i_rc_functional(const rc_system_t *s, const rc_kkt_t *k, const double *jx,
                          const double *jy, double *g, double *work);

/* The estimate: b (mk + pk) = K^-1 [A x + c; 0] (lambda, -y), raw (per flow) = x^ and the
 * particular y (0 for dependent unknowns), *h; work of mk + pk. CM_ENUMERIC when a dropped
 * constraint does not hold (the constraints contradict each other). */
cm_error_t cm_i_rc_estimate(const cm_recon_model_t *m, const rc_system_t *s, const rc_kkt_t *k,
                            double *b, double *work, double *raw, double *h,
                            cm_error_info_t *err);
/* Gradient (jx of n, jy of p, overwritten) and value *f of derived quantity d at the flow
 * values \p value; CM_ENUMERIC for a ratio with a zero denominator. */
cm_error_t cm_i_rc_derived_grad(const cm_recon_model_t *m, const rc_system_t *s, size_t d,
                                const double *value, double *jx, double *jy, double *f);

#endif

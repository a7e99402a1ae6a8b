/* The EE-MRIO calculation (cm_mrio_calc): pymrio's calc_all with the Leontief inverse replaced
 * by solves with the LU factors of (I - A), computed in place in Z's buffer. Formulas, the
 * solve-based rewrite and why it equals pymrio's numbers: docs/mrio.md; METHODS.md §B.3.
 *
 * Layout (cm_mrio.h): N = R n rows, row j = r n + k (sector k of region r); the N x N buffer
 * is column-major; an s x N table (S, M, D_*) stores element (p, j) at p + s j; Y is
 * N x (R c) with column r c + t. */
#include "cambium/cm_mrio.h"

#include <cblas.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cambium/cm_alloc.h"
#include "core/cm_internal.h"
#include "mrio/lapack.h"

void cm_mrio_options_default(cm_mrio_options_t *opt)
{
    if (opt == NULL) {
        return;
    }
    memset(opt, 0, sizeof *opt);
    opt->zero_output = CM_MRIO_ZERO_PYMRIO;
    opt->accounts = CM_MRIO_ACC_ALL;
}

/* Right-hand sides per forward solve of the import multipliers (BLAS 3 width). */
#define RHS_GROUP_COLUMNS 128

/* Sectors named in error messages before "and k more". */
#define NAMES_MAX 8

typedef struct calc_t {
    cm_mrio_t *m;
    cm_mrio_options_t opt;
    size_t R, n, c, N, stot; /* regions, sectors, categories, R n, stressors of all extensions */
    size_t *off;             /* n_ext offsets into the stacked stressors */
    double *recix;           /* N: 1/x, 0 where x = 0 */
    double *ze;              /* N: Z e (A x when Z is gone), for the solve residual */
    double *xs;              /* N: the solution of (I - A) xs = x - Z e */
    double *yagg;            /* N x R: Y summed over categories per region */
    double *ly;              /* N x R: L yagg */
    double *xtot;            /* N: row sums of ly */
    double *st;              /* N x stot: S^T of all extensions, then M^T */
    double *rhs;             /* N x (stot b) or N x n: right-hand sides for D_imp */
    double *cbuf;            /* stot x n: products of the x_diag route */
    double *fyreg;           /* stot x R: F_Y summed over categories by region */
    double *ycol;            /* R c: 1 / column sums of Y (0 where 0), for S_Y */
    double *work;            /* dgetri workspace */
    int *ipiv;
    int lwork;
    size_t batch;    /* regions per solve of the import multipliers */
    size_t group;    /* regions per forward solve within a batch */
    int route_xdiag; /* D_imp through x_diag blocks (many stressors) */
} calc_t;

static const char *sector_name(const cm_mrio_t *m, size_t j, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%s", cm_dim_code(m->dims[CM_MRIO_REGION], j / m->n_sectors),
             cm_dim_code(m->dims[CM_MRIO_SECTOR], j % m->n_sectors));
    return buf;
}

/* "reg1/food, reg2/mining and 3 more" of the flagged sectors. */
static void name_list(const cm_mrio_t *m, const unsigned char *flag, size_t N, char *out,
                      size_t len)
{
    size_t used = 0, shown = 0, total = 0;
    char one[160];
    out[0] = '\0';
    for (size_t j = 0; j < N; j++) {
        if (!flag[j]) {
            continue;
        }
        total++;
        if (shown < NAMES_MAX && used < len) {
            int w = snprintf(out + used, len - used, "%s%s", shown > 0 ? ", " : "",
                             sector_name(m, j, one, sizeof one));
            used += w > 0 ? (size_t)w : 0;
            shown++;
        }
    }
    if (total > shown && used < len) {
        snprintf(out + used, len - used, " and %zu more", total - shown);
    }
}

/* Checks the shape of a table against the pymrio matrix it must be. */
static cm_error_t check_shape(cm_array_t *a, size_t nrowdims, size_t nrow, size_t ncol,
                              const char *what, cm_error_info_t *err)
{
    cm_matrix_view_t v;
    cm_error_info_t sub;
    memset(&sub, 0, sizeof sub);
    if (a->data == NULL || cm_array_view_rows(a, nrowdims, &v, &sub) != CM_OK || v.nrow != nrow ||
        v.ncol != ncol) {
        return cm_error_set(err, CM_EINVAL, "%s: expected a %zu x %zu table, got %s", what, nrow,
                            ncol, a->data == NULL ? "none" : "another shape");
    }
    return CM_OK;
}

static void calc_free(calc_t *k)
{
    cm_free(k->off);
    cm_free(k->recix);
    cm_free(k->ze);
    cm_free(k->xs);
    cm_free(k->yagg);
    cm_free(k->ly);
    cm_free(k->xtot);
    cm_free(k->st);
    cm_free(k->rhs);
    cm_free(k->cbuf);
    cm_free(k->fyreg);
    cm_free(k->ycol);
    cm_free(k->work);
    cm_free(k->ipiv);
}

static void ext_results_destroy(cm_mrio_ext_t *e)
{
    cm_array_t *r[] = {&e->S,         &e->S_Y,       &e->M,         &e->D_cba,     &e->D_pba,
                       &e->D_imp,     &e->D_exp,     &e->D_cba_reg, &e->D_pba_reg, &e->D_imp_reg,
                       &e->D_exp_reg, &e->D_cba_cap, &e->D_pba_cap, &e->D_imp_cap, &e->D_exp_cap};
    for (size_t i = 0; i < sizeof r / sizeof r[0]; i++) {
        cm_array_destroy(r[i]);
    }
}

/* Allocates the result arrays of one extension that the accounts ask for. */
static cm_error_t ext_results_init(const calc_t *k, cm_mrio_ext_t *e, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_mrio_t *m = k->m;
    cm_dim_t *sd[] = {e->F.dim[0], m->dims[CM_MRIO_SECTOR_TO], m->dims[CM_MRIO_REGION_TO]};
    cm_dim_t *rd[] = {e->F.dim[0], m->dims[CM_MRIO_REGION_TO]};
    unsigned acc = k->opt.accounts;
    int pop = m->population.data != NULL;
    cm_array_t *full[] = {&e->D_cba, &e->D_pba, &e->D_imp, &e->D_exp};
    cm_array_t *reg[] = {&e->D_cba_reg, &e->D_pba_reg, &e->D_imp_reg, &e->D_exp_reg};
    cm_array_t *cap[] = {&e->D_cba_cap, &e->D_pba_cap, &e->D_imp_cap, &e->D_exp_cap};
    CM_TRY(cm_array_init_dims(&e->S, 3, sd, "1", err));
    CM_TRY(cm_array_init_dims(&e->M, 3, sd, "1", err));
    if (e->F_Y.data != NULL) {
        CM_TRY(cm_array_init_dims(&e->S_Y, 3, e->F_Y.dim, "1", err));
    }
    for (int a = 0; a < 4; a++) {
        if (!(acc & (1u << a))) {
            continue;
        }
        CM_TRY(cm_array_init_dims(full[a], 3, sd, "1", err));
        CM_TRY(cm_array_init_dims(reg[a], 2, rd, "1", err));
        if (pop) {
            CM_TRY(cm_array_init_dims(cap[a], 2, rd, "1", err));
        }
    }
cleanup:
    return rc;
}

/* Shapes, sizes that fit LAPACK's int, and the stacked stressor offsets. */
static cm_error_t prepare(calc_t *k, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_mrio_t *m = k->m;
    if (m->dims[CM_MRIO_SECTOR] == NULL || m->n_regions == 0 || m->n_sectors == 0 ||
        m->n_categories == 0) {
        return cm_error_set(err, CM_EINVAL,
                            "cm_mrio_calc: a system without dimensions "
                            "(cm_mrio_init first)");
    }
    k->R = m->n_regions;
    k->n = m->n_sectors;
    k->c = m->n_categories;
    if (k->n > (size_t)INT_MAX / k->R) {
        return cm_error_set(err, CM_EOVERFLOW,
                            "cm_mrio_calc: %zu x %zu rows exceed LAPACK's "
                            "int",
                            k->R, k->n);
    }
    k->N = k->R * k->n;
    if (m->Z.data != NULL) {
        CM_TRY(check_shape(&m->Z, 2, k->N, k->N, "Z", err));
    } else {
        CM_TRY(check_shape(&m->A, 2, k->N, k->N, "Z (or A when Z is gone)", err));
    }
    CM_TRY(check_shape(&m->Y, 2, k->N, k->R * k->c, "Y", err));
    if (m->x.data != NULL) {
        CM_TRY(check_shape(&m->x, 2, k->N, 1, "x", err));
    }
    if (m->population.data != NULL && m->population.size != k->R) {
        return cm_error_set(err, CM_EINVAL, "population: expected %zu regions, got %zu", k->R,
                            m->population.size);
    }
    k->off = cm_calloc(m->n_ext + 1, sizeof *k->off);
    CM_NOMEM(k->off, err);
    k->stot = 0;
    for (size_t i = 0; i < m->n_ext; i++) {
        cm_mrio_ext_t *e = &m->ext[i];
        char what[300];
        snprintf(what, sizeof what, "extension '%s': F", e->name);
        CM_TRY(check_shape(&e->F, 1, e->n_stressors, k->N, what, err));
        if (e->F_Y.data != NULL) {
            snprintf(what, sizeof what, "extension '%s': F_Y", e->name);
            CM_TRY(check_shape(&e->F_Y, 1, e->n_stressors, k->R * k->c, what, err));
        }
        k->off[i] = k->stot;
        k->stot += e->n_stressors;
    }
    if (k->stot > (size_t)INT_MAX / k->R) {
        return cm_error_set(err, CM_EOVERFLOW,
                            "cm_mrio_calc: %zu stressors exceed LAPACK's "
                            "int",
                            k->stot);
    }
cleanup:
    return rc;
}

/* x = Z e + Y e unless a read x is kept; then the zero-output and column-sum checks on Z
 * itself (A = Z diag(1/x) is not formed yet: a failed check leaves the system as it was). */
static cm_error_t outputs(calc_t *k, cm_mrio_check_t *check, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_mrio_t *m = k->m;
    size_t N = k->N, RC = k->R * k->c;
    unsigned char *flag = NULL;
    double *csum = NULL; /* column sums of the N x N table */
    char names[600];
    int have_x = 0;
    for (size_t j = 0; m->x.data != NULL && j < N && !have_x; j++) {
        have_x = m->x.data[j] != 0.0;
    }
    if ((!have_x || k->opt.recompute_x) && m->Z.data == NULL) {
        return cm_error_set(err, CM_EINVAL,
                            "x cannot be computed: Z is gone (turned into A "
                            "by an earlier calculation) and x is %s",
                            have_x ? "to be recomputed" : "absent");
    }
    if (m->x.data == NULL) {
        cm_dim_t *xd[] = {m->dims[CM_MRIO_SECTOR], m->dims[CM_MRIO_REGION]};
        CM_TRY(cm_array_init_dims(&m->x, 2, xd, "1", err));
    }
    /* Z e (or A x), and Y e: x = Z e + Y e when computed; the balance of a read x */
    k->ze = cm_calloc(N + 1, sizeof *k->ze);
    CM_NOMEM(k->ze, err);
    csum = cm_malloc_array(N + 1, sizeof *csum);
    CM_NOMEM(csum, err);
    {
        double *ye = cm_calloc(N + 1, sizeof *ye);
        CM_NOMEM(ye, err);
        /* one pass over the N x N table: the row sums (times x_j when it is A) and the column
         * sums, checked below */
        for (size_t j = 0; j < N; j++) {
            const double *col = m->Z.data != NULL ? m->Z.data + j * N : m->A.data + j * N;
            double f = m->Z.data != NULL ? 1.0 : m->x.data[j], cs = 0.0;
            for (size_t i = 0; i < N; i++) {
                k->ze[i] += f * col[i];
                cs += col[i];
            }
            csum[j] = cs;
        }
        for (size_t j = 0; j < RC; j++) {
            const double *col = m->Y.data + j * N;
            for (size_t i = 0; i < N; i++) {
                ye[i] += col[i];
            }
        }
        double dmax = 0.0, xmax = 0.0;
        for (size_t i = 0; i < N; i++) {
            if (!have_x || k->opt.recompute_x) {
                m->x.data[i] = k->ze[i] + ye[i];
            }
            dmax = fmax(dmax, fabs(m->x.data[i] - k->ze[i] - ye[i]));
            xmax = fmax(xmax, fabs(m->x.data[i]));
        }
        check->input_balance = xmax > 0.0 ? dmax / xmax : dmax;
        cm_free(ye);
    }
    flag = cm_calloc(N, 1);
    CM_NOMEM(flag, err);
    k->recix = cm_malloc_array(N, sizeof *k->recix);
    CM_NOMEM(k->recix, err);
    size_t nzero = 0;
    for (size_t j = 0; j < N; j++) {
        double xj = m->x.data[j];
        k->recix[j] = xj != 0.0 ? 1.0 / xj : 0.0;
        if (!isfinite(k->recix[j])) { /* subnormal x */
            k->recix[j] = 0.0;
        }
        if (k->recix[j] == 0.0) {
            flag[j] = 1;
            nzero++;
        }
    }
    check->zero_output = nzero;
    if (nzero > 0 && k->opt.zero_output == CM_MRIO_ZERO_ERROR) {
        name_list(m, flag, N, names, sizeof names);
        CM_FAIL(
            cm_error_set(err, CM_EINVAL, "%zu sector(s) with zero gross output: %s", nzero, names));
    }
    /* column sums of A, from Z (or A itself when Z is gone) */
    memset(flag, 0, N);
    size_t nge1 = 0;
    double maxcol = 0.0;
    for (size_t j = 0; j < N; j++) {
        double s = csum[j];
        if (m->Z.data != NULL) {
            s *= k->recix[j];
        }
        if (j == 0 || s > maxcol) {
            maxcol = s;
        }
        if (s >= 1.0) {
            flag[j] = 1;
            nge1++;
        }
    }
    check->max_colsum_A = maxcol;
    if (nge1 > 0) {
        name_list(m, flag, N, names, sizeof names);
        if (!k->opt.allow_colsum_ge1) {
            CM_FAIL(cm_error_set(err, CM_EINVAL,
                                 "%zu column sum(s) of A >= 1 (largest %.17g), expected < 1 for a "
                                 "productive system: %s",
                                 nge1, maxcol, names));
        }
        cm_log(CM_LOG_WARNING, "%zu column sum(s) of A >= 1 (largest %.17g): %s", nge1, maxcol,
               names);
    }
cleanup:
    cm_free(csum);
    cm_free(flag);
    return rc;
}

/* Every buffer and result array, before Z is touched: an allocation failure leaves the
 * system as it was (results dropped). */
static cm_error_t allocate(calc_t *k, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_mrio_t *m = k->m;
    size_t N = k->N, R = k->R, n = k->n;
    k->yagg = cm_calloc(N * R, sizeof *k->yagg);
    CM_NOMEM(k->yagg, err);
    k->ly = cm_malloc_array(N * R, sizeof *k->ly);
    CM_NOMEM(k->ly, err);
    k->xs = cm_malloc_array(N + 1, sizeof *k->xs);
    CM_NOMEM(k->xs, err);
    k->xtot = cm_malloc_array(N, sizeof *k->xtot);
    CM_NOMEM(k->xtot, err);
    k->ipiv = cm_malloc_array(N, sizeof *k->ipiv);
    CM_NOMEM(k->ipiv, err);
    if (k->stot > 0) {
        k->st = cm_malloc_array(N, k->stot * sizeof *k->st);
        CM_NOMEM(k->st, err);
        k->fyreg = cm_calloc(k->stot * R, sizeof *k->fyreg);
        CM_NOMEM(k->fyreg, err);
    }
    for (size_t e = 0; e < m->n_ext && k->ycol == NULL; e++) {
        if (m->ext[e].F_Y.data != NULL) {
            size_t RC = R * k->c;
            k->ycol = cm_malloc_array(RC, sizeof *k->ycol);
            CM_NOMEM(k->ycol, err);
            for (size_t j = 0; j < RC; j++) {
                double sum = 0.0;
                for (size_t i = 0; i < N; i++) {
                    sum += m->Y.data[i + N * j];
                }
                k->ycol[j] = sum != 0.0 && isfinite(1.0 / sum) ? 1.0 / sum : 0.0;
            }
        }
    }
    if (k->stot > 0 && (k->opt.accounts & CM_MRIO_ACC_IMP)) {
        /* imports: s R multipliers of the emissions abroad, or the N columns of x_diag,
         * whichever is fewer right-hand sides */
        k->route_xdiag = k->stot > n;
        if (k->route_xdiag) {
            k->rhs = cm_malloc_array(N, n * sizeof *k->rhs);
            CM_NOMEM(k->rhs, err);
            k->cbuf = cm_malloc_array(k->stot, n * sizeof *k->cbuf);
            CM_NOMEM(k->cbuf, err);
        } else {
            /* at most a quarter of the N x N buffer at once (or one region's columns) */
            size_t per = N * k->stot;
            k->batch = (N / 4) * N / per;
            k->batch = k->batch < 1 ? 1 : (k->batch > R ? R : k->batch);
            /* groups of regions wide enough for BLAS 3, and at most a quarter of them so that
             * the forward solves keep most of the saving */
            k->group = (RHS_GROUP_COLUMNS + k->stot - 1) / k->stot;
            if (k->group > (R + 3) / 4) {
                k->group = (R + 3) / 4;
            }
            k->rhs = cm_malloc_array(per, k->batch * sizeof *k->rhs);
            CM_NOMEM(k->rhs, err);
        }
    }
    if (k->opt.want_L) {
        int nn = (int)N, lw = -1, info = 0, piv = 0;
        double q = 0.0, a = 0.0;
        dgetri_(&nn, &a, &nn, &piv, &q, &lw, &info);
        k->lwork = info == 0 && q >= (double)N && q < (double)INT_MAX ? (int)q : (int)N;
        k->work = cm_malloc_array((size_t)k->lwork, sizeof *k->work);
        CM_NOMEM(k->work, err);
    }
    for (size_t i = 0; i < m->n_ext; i++) {
        ext_results_destroy(&m->ext[i]);
        CM_TRY(ext_results_init(k, &m->ext[i], err));
    }
    cm_array_destroy(&m->L);
cleanup:
    return rc;
}

/* Final demand by region, L yagg by solves, the total output and its residual. */
static cm_error_t demand(calc_t *k, const double *lu, cm_mrio_check_t *check, cm_error_info_t *err)
{
    cm_mrio_t *m = k->m;
    size_t N = k->N, R = k->R, c = k->c;
    for (size_t r = 0; r < R; r++) {
        for (size_t t = 0; t < c; t++) {
            const double *col = m->Y.data + (r * c + t) * N;
            for (size_t i = 0; i < N; i++) {
                k->yagg[i + N * r] += col[i];
            }
        }
    }
    memcpy(k->ly, k->yagg, N * R * sizeof *k->ly);
    int nn = (int)N, nr = (int)R, info = 0;
    dgetrs_("N", &nn, &nr, lu, &nn, k->ipiv, k->ly, &nn, &info, 1);
    if (info != 0) {
        return cm_error_set(err, CM_EINVAL, "dgetrs failed (info %d)", info);
    }
    double dmax = 0.0, xmax = 0.0;
    for (size_t i = 0; i < N; i++) {
        double s = 0.0;
        for (size_t r = 0; r < R; r++) {
            s += k->ly[i + N * r];
        }
        k->xtot[i] = s;
        dmax = fmax(dmax, fabs(s - m->x.data[i]));
        xmax = fmax(xmax, fabs(m->x.data[i]));
    }
    check->x_deviation = xmax > 0.0 ? dmax / xmax : dmax;
    /* the solve itself: (I - A) x = x - A x = x - Z e exactly, so solving with that
     * right-hand side must give x back whatever the balance of the inputs */
    double *xs = k->xs;
    for (size_t i = 0; i < N; i++) {
        xs[i] = m->x.data[i] - k->ze[i];
    }
    int one = 1;
    dgetrs_("N", &nn, &one, lu, &nn, k->ipiv, xs, &nn, &info, 1);
    dmax = 0.0;
    for (size_t i = 0; i < N; i++) {
        dmax = fmax(dmax, fabs(xs[i] - m->x.data[i]));
    }
    check->x_residual = xmax > 0.0 ? dmax / xmax : dmax;
    return CM_OK;
}

/* S, S_Y, F_Y by region; the stacked S^T, then M^T by one transposed solve. */
static cm_error_t multipliers(calc_t *k, const double *lu, cm_error_info_t *err)
{
    cm_mrio_t *m = k->m;
    size_t N = k->N, R = k->R, c = k->c, RC = R * c;
    if (k->stot == 0) {
        return CM_OK;
    }
    for (size_t e = 0; e < m->n_ext; e++) {
        cm_mrio_ext_t *x = &m->ext[e];
        size_t s = x->n_stressors;
        for (size_t j = 0; j < N; j++) {
            for (size_t p = 0; p < s; p++) {
                double v = x->F.data[p + s * j] * k->recix[j];
                x->S.data[p + s * j] = v;
                k->st[j + N * (k->off[e] + p)] = v;
            }
        }
        if (x->F_Y.data == NULL) {
            continue;
        }
        for (size_t j = 0; j < RC; j++) {
            for (size_t p = 0; p < s; p++) {
                double f = x->F_Y.data[p + s * j];
                x->S_Y.data[p + s * j] = f * k->ycol[j];
                k->fyreg[k->off[e] + p + k->stot * (j / c)] += f;
            }
        }
    }
    int nn = (int)N, ns = (int)k->stot, info = 0;
    dgetrs_("T", &nn, &ns, lu, &nn, k->ipiv, k->st, &nn, &info, 1);
    if (info != 0) {
        return cm_error_set(err, CM_EINVAL, "dgetrs failed (info %d)", info);
    }
    for (size_t e = 0; e < m->n_ext; e++) {
        cm_mrio_ext_t *x = &m->ext[e];
        size_t s = x->n_stressors;
        for (size_t j = 0; j < N; j++) {
            for (size_t p = 0; p < s; p++) {
                x->M.data[p + s * j] = k->st[j + N * (k->off[e] + p)];
            }
        }
    }
    return CM_OK;
}

/* The row interchanges of dgetrs 'T' (applied last, in reverse order). */
static void laswp_reverse(int nrhs, double *b, int n, const int *ipiv)
{
    int k1 = 1, incx = -1;
    dlaswp_(&nrhs, b, &n, &k1, &n, ipiv, &incx);
}

/* D_imp: per consuming region r, the footprint of the emissions outside r. Either the
 * multipliers of S restricted to the other regions (s R right-hand sides in batches), or the
 * columns of x_diag = L Y_diag of region r (n right-hand sides per region). Both return
 * pymrio's S x_trade. */
static cm_error_t imports(calc_t *k, const double *lu, cm_error_info_t *err)
{
    cm_mrio_t *m = k->m;
    size_t N = k->N, R = k->R, n = k->n, stot = k->stot;
    int nn = (int)N, info = 0;
    if (k->route_xdiag) {
        /* (the stacked S^T now holds M^T: the products use the S arrays) */
        for (size_t r = 0; r < R; r++) {
            memset(k->rhs, 0, N * n * sizeof *k->rhs);
            for (size_t q = 0; q < R; q++) {
                for (size_t kk = 0; kk < n; kk++) {
                    size_t i = q * n + kk;
                    k->rhs[i + N * kk] = k->yagg[i + N * r];
                }
            }
            int nr = (int)n;
            dgetrs_("N", &nn, &nr, lu, &nn, k->ipiv, k->rhs, &nn, &info, 1);
            if (info != 0) {
                return cm_error_set(err, CM_EINVAL, "dgetrs failed (info %d)", info);
            }
            for (size_t kk = 0; kk < n; kk++) { /* domestic rows out */
                memset(k->rhs + r * n + N * kk, 0, n * sizeof *k->rhs);
            }
            for (size_t e = 0; e < m->n_ext; e++) {
                cm_mrio_ext_t *x = &m->ext[e];
                int s = (int)x->n_stressors;
                /* (s x n) = S (s x N) * X (N x n) */
                cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, s, (int)n, nn, 1.0,
                            x->S.data, s, k->rhs, nn, 0.0, k->cbuf, s);
                memcpy(x->D_imp.data + (size_t)s * n * r, k->cbuf, (size_t)s * n * sizeof *k->cbuf);
            }
        }
        return CM_OK;
    }
    /* M_r = S_r L with S_r = S on region r's columns only: (I - A)^T M_r^T = S_r^T. With the
     * factors P L U, A^T = U^T L^T P^T: the forward solve with U^T leaves the rows above
     * region r's block zero, so it starts at that block (a third of the flops of a full
     * dgetrs 'T' on average; in groups of regions, a little more); the solve with L^T and
     * the interchanges take the whole batch. */
    for (size_t r0 = 0; r0 < R; r0 += k->batch) {
        size_t nb = R - r0 < k->batch ? R - r0 : k->batch;
        memset(k->rhs, 0, N * nb * stot * sizeof *k->rhs);
        for (size_t b = 0; b < nb; b++) {
            size_t r = r0 + b;
            for (size_t e = 0; e < m->n_ext; e++) {
                cm_mrio_ext_t *x = &m->ext[e];
                size_t s = x->n_stressors;
                for (size_t p = 0; p < s; p++) {
                    double *col = k->rhs + N * (b * stot + k->off[e] + p);
                    for (size_t j = r * n; j < (r + 1) * n; j++) {
                        col[j] = x->S.data[p + s * j];
                    }
                }
            }
        }
        /* the forward solves in groups of regions wide enough for BLAS 3 (a group starts at
         * its first region's block) */
        for (size_t g0 = 0; g0 < nb; g0 += k->group) {
            size_t ng = nb - g0 < k->group ? nb - g0 : k->group;
            size_t top = (r0 + g0) * n;
            cblas_dtrsm(CblasColMajor, CblasLeft, CblasUpper, CblasTrans, CblasNonUnit,
                        (int)(N - top), (int)(ng * stot), 1.0, lu + top + N * top, nn,
                        k->rhs + top + N * (g0 * stot), nn);
        }
        int nr = (int)(nb * stot);
        cblas_dtrsm(CblasColMajor, CblasLeft, CblasLower, CblasTrans, CblasUnit, nn, nr, 1.0, lu,
                    nn, k->rhs, nn);
        laswp_reverse(nr, k->rhs, nn, k->ipiv);
        for (size_t b = 0; b < nb; b++) {
            size_t r = r0 + b;
            for (size_t e = 0; e < m->n_ext; e++) {
                cm_mrio_ext_t *x = &m->ext[e];
                size_t s = x->n_stressors;
                for (size_t p = 0; p < s; p++) {
                    const double *mr = k->rhs + N * (b * stot + k->off[e] + p);
                    for (size_t kk = 0; kk < n; kk++) {
                        double sum = 0.0;
                        for (size_t q = 0; q < R; q++) {
                            size_t i = q * n + kk;
                            sum += (x->M.data[p + s * i] - mr[i]) * k->yagg[i + N * r];
                        }
                        x->D_imp.data[p + s * (kk + n * r)] = sum;
                    }
                }
            }
        }
    }
    return CM_OK;
}

/* D_cba, D_pba, D_exp from M, x_tot and L y; then the _reg and _cap forms. */
static void accounts(calc_t *k)
{
    cm_mrio_t *m = k->m;
    size_t N = k->N, R = k->R, n = k->n;
    unsigned acc = k->opt.accounts;
    for (size_t e = 0; e < m->n_ext; e++) {
        cm_mrio_ext_t *x = &m->ext[e];
        size_t s = x->n_stressors;
        if (acc & CM_MRIO_ACC_CBA) {
            for (size_t r = 0; r < R; r++) {
                for (size_t kk = 0; kk < n; kk++) {
                    double *d = x->D_cba.data + s * (kk + n * r);
                    for (size_t p = 0; p < s; p++) {
                        d[p] = 0.0;
                    }
                    for (size_t q = 0; q < R; q++) {
                        size_t i = q * n + kk;
                        double y = k->yagg[i + N * r];
                        const double *mi = x->M.data + s * i;
                        for (size_t p = 0; p < s; p++) {
                            d[p] += mi[p] * y;
                        }
                    }
                }
            }
        }
        for (size_t j = 0; j < N; j++) {
            size_t r = j / n;
            double xe = k->xtot[j] - k->ly[j + N * r];
            for (size_t p = 0; p < s; p++) {
                double sv = x->S.data[p + s * j];
                if (acc & CM_MRIO_ACC_PBA) {
                    x->D_pba.data[p + s * j] = sv * k->xtot[j];
                }
                if (acc & CM_MRIO_ACC_EXP) {
                    x->D_exp.data[p + s * j] = sv * xe;
                }
            }
        }
        cm_array_t *full[] = {&x->D_cba, &x->D_pba, &x->D_imp, &x->D_exp};
        cm_array_t *reg[] = {&x->D_cba_reg, &x->D_pba_reg, &x->D_imp_reg, &x->D_exp_reg};
        cm_array_t *cap[] = {&x->D_cba_cap, &x->D_pba_cap, &x->D_imp_cap, &x->D_exp_cap};
        for (int a = 0; a < 4; a++) {
            if (!(acc & (1u << a))) {
                continue;
            }
            for (size_t r = 0; r < R; r++) {
                for (size_t p = 0; p < s; p++) {
                    double sum = a < 2 ? k->fyreg[k->off[e] + p + k->stot * r] : 0.0;
                    for (size_t kk = 0; kk < n; kk++) {
                        sum += full[a]->data[p + s * (kk + n * r)];
                    }
                    reg[a]->data[p + s * r] = sum;
                    if (cap[a]->data != NULL) {
                        cap[a]->data[p + s * r] = sum / m->population.data[r];
                    }
                }
            }
        }
    }
}

static void note_worst(cm_mrio_check_t *check, double dev, double *worst, const cm_mrio_ext_t *e,
                       size_t p, const char *where)
{
    /* worst_what names the largest deviation of either kind */
    double overall = fmax(check->worst_cba_pba, check->worst_balance);
    if (dev > overall) {
        snprintf(check->worst_what, sizeof check->worst_what, "%s: %s, %s", e->name,
                 cm_dim_code(e->F.dim[0], p), where);
    }
    if (dev > *worst) {
        *worst = dev;
    }
}

/* Sum D_cba_reg = sum D_pba_reg and the per-region balance, scaled per stressor. */
static void identities(calc_t *k, cm_mrio_check_t *check)
{
    cm_mrio_t *m = k->m;
    size_t R = k->R;
    unsigned acc = k->opt.accounts;
    for (size_t e = 0; e < m->n_ext; e++) {
        cm_mrio_ext_t *x = &m->ext[e];
        size_t s = x->n_stressors;
        cm_array_t *reg[] = {&x->D_cba_reg, &x->D_pba_reg, &x->D_imp_reg, &x->D_exp_reg};
        for (size_t p = 0; p < s; p++) {
            double scale = 1.0;
            for (int a = 0; a < 4; a++) {
                for (size_t r = 0; reg[a]->data != NULL && r < R; r++) {
                    scale = fmax(scale, fabs(reg[a]->data[p + s * r]));
                }
            }
            if ((acc & CM_MRIO_ACC_CBA) && (acc & CM_MRIO_ACC_PBA)) {
                double sc = 0.0, sp = 0.0;
                for (size_t r = 0; r < R; r++) {
                    sc += x->D_cba_reg.data[p + s * r];
                    sp += x->D_pba_reg.data[p + s * r];
                }
                note_worst(check, fabs(sc - sp) / scale, &check->worst_cba_pba, x, p,
                           "all regions");
                check->n_identities++;
            }
            if ((acc & CM_MRIO_ACC_ALL) == CM_MRIO_ACC_ALL) {
                for (size_t r = 0; r < R; r++) {
                    double fy = k->fyreg[k->off[e] + p + k->stot * r];
                    double lhs = x->D_cba_reg.data[p + s * r] - fy;
                    double rhs = x->D_pba_reg.data[p + s * r] - fy - x->D_exp_reg.data[p + s * r] +
                                 x->D_imp_reg.data[p + s * r];
                    note_worst(check, fabs(lhs - rhs) / scale, &check->worst_balance, x, p,
                               cm_dim_code(m->dims[CM_MRIO_REGION_TO], r));
                    check->n_identities++;
                }
            }
        }
    }
}

cm_error_t cm_mrio_calc(cm_mrio_t *m, const cm_mrio_options_t *opt, cm_mrio_check_t *check,
                        cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    calc_t k;
    cm_mrio_check_t local;
    cm_array_t lu; /* the N x N buffer: A, then the factors of I - A, then L */
    memset(&k, 0, sizeof k);
    memset(&lu, 0, sizeof lu);
    if (m == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_mrio_calc: NULL system");
    }
    if (check == NULL) {
        check = &local;
    }
    memset(check, 0, sizeof *check);
    k.m = m;
    if (opt != NULL) {
        k.opt = *opt;
    } else {
        cm_mrio_options_default(&k.opt);
    }
    k.opt.accounts &= CM_MRIO_ACC_ALL;
    CM_TRY(prepare(&k, err));
    CM_TRY(outputs(&k, check, err));
    CM_TRY(allocate(&k, err));
    size_t N = k.N;
    /* the buffer: Z's (moved) or a copy of A when Z is gone */
    if (m->Z.data != NULL) {
        if (k.opt.keep_A) {
            cm_array_destroy(&m->A);
            CM_TRY(cm_array_copy(&m->A, &m->Z, err));
            for (size_t j = 0; j < N; j++) {
                cblas_dscal((int)N, k.recix[j], m->A.data + j * N, 1);
            }
        }
        lu = m->Z;
        memset(&m->Z, 0, sizeof m->Z);
        for (size_t j = 0; j < N; j++) {
            double *col = lu.data + j * N;
            double f = -k.recix[j];
            for (size_t i = 0; i < N; i++) {
                col[i] *= f;
            }
        }
        if (!k.opt.keep_A) {
            cm_array_destroy(&m->A);
        }
    } else {
        CM_TRY(cm_array_copy(&lu, &m->A, err));
        for (size_t i = 0; i < N * N; i++) {
            lu.data[i] = -lu.data[i];
        }
    }
    for (size_t j = 0; j < N; j++) {
        lu.data[j + N * j] += 1.0;
    }
    {
        int nn = (int)N, info = 0;
        char one[160];
        dgetrf_(&nn, &nn, lu.data, &nn, k.ipiv, &info);
        if (info > 0) {
            CM_FAIL(cm_error_set(err, CM_EINVAL,
                                 "(I - A) is singular: zero pivot in the column of sector %s",
                                 sector_name(m, (size_t)info - 1, one, sizeof one)));
        }
        if (info < 0) {
            CM_FAIL(cm_error_set(err, CM_EINVAL, "dgetrf: argument %d invalid", -info));
        }
    }
    CM_TRY(demand(&k, lu.data, check, err));
    CM_TRY(multipliers(&k, lu.data, err));
    if (k.rhs != NULL) {
        CM_TRY(imports(&k, lu.data, err));
    }
    accounts(&k);
    identities(&k, check);
    if (k.opt.want_L) {
        int nn = (int)N, info = 0;
        dgetri_(&nn, lu.data, &nn, k.ipiv, k.work, &k.lwork, &info);
        if (info != 0) {
            CM_FAIL(cm_error_set(err, CM_EINVAL, "dgetri failed (info %d)", info));
        }
        m->L = lu;
        memset(&lu, 0, sizeof lu);
    }
cleanup:
    if (rc != CM_OK) {
        for (size_t i = 0; i < m->n_ext; i++) {
            ext_results_destroy(&m->ext[i]);
        }
    }
    cm_array_destroy(&lu);
    calc_free(&k);
    return rc;
}

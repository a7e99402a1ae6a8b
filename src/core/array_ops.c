/* Labelled arrays: sums over dimensions, broadcasting element-wise operations, permutation
 * and slicing. Inner loops run over flat index ranges with strides. */
#include <math.h>
#include <string.h>

#include "array_internal.h"

static cm_error_t check_array(const cm_array_t *a, const char *what, cm_error_info_t *err)
{
    if (a == NULL || a->unit == NULL) {
        return cm_error_set(err, CM_EINVAL, "%s is NULL or not initialised", what);
    }
    return CM_OK;
}

cm_error_t cm_array_sum_dims(const cm_array_t *a, size_t n, const char *const *names,
                             cm_array_t *res, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_array_t tmp = CM_ARRAY_NULL;
    int drop[CM_ARRAY_MAX_DIMS] = {0};
    cm_dim_t *keep[CM_ARRAY_MAX_DIMS];
    size_t nkeep = 0;
    cm_i_loop_t l;

    CM_TRY(check_array(a, "cm_array_sum_dims: 'a'", err));
    if (res == NULL || (names == NULL && n > 0)) {
        return cm_error_set(err, CM_EINVAL, "cm_array_sum_dims: NULL argument");
    }
    for (size_t i = 0; i < n; i++) {
        int k = cm_array_dim_find(a, names[i]);
        if (k < 0) {
            return cm_error_set(err, CM_ENOTFOUND, "cannot sum over '%s': no such dimension",
                                names[i] ? names[i] : "(null)");
        }
        if (drop[k]) {
            return cm_error_set(err, CM_EINVAL, "dimension '%s' named twice in the sum",
                                names[i]);
        }
        drop[k] = 1;
    }
    memset(&l, 0, sizeof l);
    l.ndim = a->ndim;
    l.nops = 2;
    for (size_t k = 0; k < a->ndim; k++) {
        if (!drop[k]) {
            keep[nkeep++] = a->dim[k];
        }
    }
    CM_TRY(cm_array_init_dims(&tmp, nkeep, keep, a->unit, err));
    for (size_t k = 0, j = 0; k < a->ndim; k++) {
        l.shape[k] = a->shape[k];
        l.stride[0][k] = a->stride[k];
        l.stride[1][k] = drop[k] ? 0 : tmp.stride[j++];
    }
    if (a->size > 0) {
        size_t n0 = cm_i_loop_start(&l);
        size_t s0 = l.ndim ? l.stride[0][0] : 0, s1 = l.ndim ? l.stride[1][0] : 0;
        do {
            const cm_real_t *src = a->data + l.off[0];
            cm_real_t *dst = tmp.data + l.off[1];
            if (s1 == 0) {
                cm_real_t acc = 0.0;
                for (size_t i = 0; i < n0; i++) {
                    acc += src[i * s0];
                }
                dst[0] += acc;
            } else {
                for (size_t i = 0; i < n0; i++) {
                    dst[i * s1] += src[i * s0];
                }
            }
        } while (cm_i_loop_next(&l));
    }
    cm_i_array_move(res, &tmp);
cleanup:
    cm_array_destroy(&tmp);
    return rc;
}

cm_error_t cm_array_check_compatible(const cm_array_t *a, const cm_array_t *b,
                                     cm_error_info_t *err)
{
    cm_error_t rc = check_array(a, "left operand", err);
    if (rc == CM_OK) {
        rc = check_array(b, "right operand", err);
    }
    for (size_t k = 0; rc == CM_OK && k < a->ndim; k++) {
        int j = cm_array_dim_find(b, cm_dim_name(a->dim[k]));
        if (j >= 0 && !cm_dim_equal(a->dim[k], b->dim[j])) {
            rc = cm_i_dim_mismatch(a->dim[k], b->dim[j], err);
        }
    }
    return rc;
}

static const char *op_name(cm_array_op_t op)
{
    switch (op) {
    case CM_ARRAY_ADD:
        return "add";
    case CM_ARRAY_SUB:
        return "subtract";
    case CM_ARRAY_MUL:
        return "multiply";
    default:
        return "divide";
    }
}

/* Message naming the item codes (of the divisor b) of the first zero divisor. */
static cm_error_t zero_divisor(const cm_array_t *res, const size_t *idx, const cm_array_t *b,
                               cm_error_info_t *err)
{
    cm_i_buf_t buf = CM_I_BUF_INIT(CM_ERROR_MSG_MAX);
    cm_error_t rc = CM_OK;
    for (size_t k = 0; k < res->ndim; k++) {
        if (cm_array_dim_find(b, cm_dim_name(res->dim[k])) < 0) {
            continue;
        }
        rc = cm_i_buf_printf(&buf, "%s%s='%s'", buf.len ? ", " : "", cm_dim_name(res->dim[k]),
                             cm_dim_code(res->dim[k], idx[k]));
        if (rc != CM_OK) {
            break;
        }
    }
    rc = cm_error_set(err, CM_ENUMERIC, "division by zero: the divisor is 0 at %s",
                      buf.len ? buf.data : "its single element");
    cm_i_buf_free(&buf);
    return rc;
}

cm_error_t cm_array_binop(cm_array_op_t op, const cm_array_t *a, const cm_array_t *b,
                          unsigned flags, cm_array_t *res, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_array_t tmp = CM_ARRAY_NULL;
    cm_dim_t *dims[CM_ARRAY_MAX_DIMS];
    size_t nd = 0;
    char *unit = NULL;
    cm_i_loop_t l;

    CM_TRY(check_array(a, "left operand", err));
    CM_TRY(check_array(b, "right operand", err));
    if (res == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_array_binop: 'res' is NULL");
    }
    if (op < CM_ARRAY_ADD || op > CM_ARRAY_DIV) {
        return cm_error_set(err, CM_EINVAL, "cm_array_binop: unknown operation %d", (int)op);
    }
    CM_TRY(cm_array_check_compatible(a, b, err));
    if (op == CM_ARRAY_ADD || op == CM_ARRAY_SUB) {
        if (strcmp(a->unit, b->unit) != 0) {
            return cm_error_set(err, CM_EUNIT, "cannot %s arrays in '%s' (left) and '%s' (right)",
                                op_name(op), a->unit, b->unit);
        }
        unit = cm_strdup(a->unit);
    } else {
        unit = cm_i_unit_combine(a->unit, b->unit, op == CM_ARRAY_DIV);
    }
    CM_NOMEM(unit, err);
    for (size_t k = 0; k < a->ndim; k++) {
        dims[nd++] = a->dim[k];
    }
    for (size_t k = 0; k < b->ndim; k++) {
        if (cm_array_dim_find(a, cm_dim_name(b->dim[k])) >= 0) {
            continue;
        }
        if (nd == CM_ARRAY_MAX_DIMS) {
            CM_FAIL(cm_error_set(err, CM_EINVAL,
                                 "the result would have more than %d dimensions",
                                 CM_ARRAY_MAX_DIMS));
        }
        dims[nd++] = b->dim[k];
    }
    CM_TRY(cm_array_init_dims(&tmp, nd, dims, unit, err));
    memset(&l, 0, sizeof l);
    l.ndim = nd;
    l.nops = 3;
    for (size_t k = 0; k < nd; k++) {
        int ja = cm_array_dim_find(a, cm_dim_name(dims[k]));
        int jb = cm_array_dim_find(b, cm_dim_name(dims[k]));
        l.shape[k] = tmp.shape[k];
        l.stride[0][k] = tmp.stride[k];
        l.stride[1][k] = ja >= 0 ? a->stride[ja] : 0;
        l.stride[2][k] = jb >= 0 ? b->stride[jb] : 0;
    }
    if (tmp.size > 0) {
        size_t n0 = cm_i_loop_start(&l);
        size_t s0 = nd ? l.stride[0][0] : 0, sa = nd ? l.stride[1][0] : 0,
               sb = nd ? l.stride[2][0] : 0;
        int check = op == CM_ARRAY_DIV && !(flags & CM_ARRAY_ALLOW_INF);
        do {
            cm_real_t *r = tmp.data + l.off[0];
            const cm_real_t *x = a->data + l.off[1];
            const cm_real_t *y = b->data + l.off[2];
            switch (op) {
            case CM_ARRAY_ADD:
                for (size_t i = 0; i < n0; i++) {
                    r[i * s0] = x[i * sa] + y[i * sb];
                }
                break;
            case CM_ARRAY_SUB:
                for (size_t i = 0; i < n0; i++) {
                    r[i * s0] = x[i * sa] - y[i * sb];
                }
                break;
            case CM_ARRAY_MUL:
                for (size_t i = 0; i < n0; i++) {
                    r[i * s0] = x[i * sa] * y[i * sb];
                }
                break;
            default:
                for (size_t i = 0; i < n0; i++) {
                    if (check && y[i * sb] == 0.0) {
                        l.idx[0] = i;
                        CM_FAIL(zero_divisor(&tmp, l.idx, b, err));
                    }
                    r[i * s0] = x[i * sa] / y[i * sb];
                }
                break;
            }
        } while (cm_i_loop_next(&l));
    }
    cm_i_array_move(res, &tmp);
cleanup:
    cm_free(unit);
    cm_array_destroy(&tmp);
    return rc;
}

cm_error_t cm_array_add(const cm_array_t *a, const cm_array_t *b, cm_array_t *res,
                        cm_error_info_t *err)
{
    return cm_array_binop(CM_ARRAY_ADD, a, b, 0, res, err);
}

cm_error_t cm_array_sub(const cm_array_t *a, const cm_array_t *b, cm_array_t *res,
                        cm_error_info_t *err)
{
    return cm_array_binop(CM_ARRAY_SUB, a, b, 0, res, err);
}

cm_error_t cm_array_mul(const cm_array_t *a, const cm_array_t *b, cm_array_t *res,
                        cm_error_info_t *err)
{
    return cm_array_binop(CM_ARRAY_MUL, a, b, 0, res, err);
}

cm_error_t cm_array_div(const cm_array_t *a, const cm_array_t *b, cm_array_t *res,
                        cm_error_info_t *err)
{
    return cm_array_binop(CM_ARRAY_DIV, a, b, 0, res, err);
}

cm_error_t cm_array_permute(const cm_array_t *a, size_t n, const char *const *names,
                            cm_array_t *res, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_array_t tmp = CM_ARRAY_NULL;
    cm_dim_t *dims[CM_ARRAY_MAX_DIMS];
    size_t src[CM_ARRAY_MAX_DIMS];
    int used[CM_ARRAY_MAX_DIMS] = {0};
    cm_i_loop_t l;

    CM_TRY(check_array(a, "cm_array_permute: 'a'", err));
    if (res == NULL || (names == NULL && n > 0)) {
        return cm_error_set(err, CM_EINVAL, "cm_array_permute: NULL argument");
    }
    if (n != a->ndim) {
        return cm_error_set(err, CM_EINVAL, "cm_array_permute: %zu names for %zu dimensions", n,
                            a->ndim);
    }
    for (size_t k = 0; k < n; k++) {
        int j = cm_array_dim_find(a, names[k]);
        if (j < 0) {
            return cm_error_set(err, CM_ENOTFOUND, "cannot permute: no dimension '%s'",
                                names[k] ? names[k] : "(null)");
        }
        if (used[j]) {
            return cm_error_set(err, CM_EINVAL, "cannot permute: dimension '%s' named twice",
                                names[k]);
        }
        used[j] = 1;
        src[k] = (size_t)j;
        dims[k] = a->dim[j];
    }
    CM_TRY(cm_array_init_dims(&tmp, n, dims, a->unit, err));
    memset(&l, 0, sizeof l);
    l.ndim = n;
    l.nops = 2;
    for (size_t k = 0; k < n; k++) {
        l.shape[k] = tmp.shape[k];
        l.stride[0][k] = tmp.stride[k];
        l.stride[1][k] = a->stride[src[k]];
    }
    if (tmp.size > 0) {
        size_t n0 = cm_i_loop_start(&l);
        size_t sa = n ? l.stride[1][0] : 0;
        do {
            cm_real_t *r = tmp.data + l.off[0];
            const cm_real_t *x = a->data + l.off[1];
            for (size_t i = 0; i < n0; i++) {
                r[i] = x[i * sa];
            }
        } while (cm_i_loop_next(&l));
    }
    cm_i_array_move(res, &tmp);
cleanup:
    cm_array_destroy(&tmp);
    return rc;
}

/* Gather items pos[0..m) of dimension k of a into tmp (whose dimension k has m items). */
static void gather(const cm_array_t *a, size_t k, const size_t *pos, size_t m, cm_array_t *tmp)
{
    if (a->size == 0 || m == 0) {
        return;
    }
    size_t inner = a->stride[k];
    size_t n = a->shape[k];
    size_t outer = a->size / (inner * n);
    for (size_t o = 0; o < outer; o++) {
        for (size_t j = 0; j < m; j++) {
            memcpy(tmp->data + (o * m + j) * inner, a->data + (o * n + pos[j]) * inner,
                   inner * sizeof(cm_real_t));
        }
    }
}

cm_error_t cm_array_select_items(const cm_array_t *a, const char *dim, size_t n,
                                 const char *const *codes, cm_array_t *res,
                                 cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_array_t tmp = CM_ARRAY_NULL;
    cm_dim_t *nd = NULL;
    cm_dim_t *dims[CM_ARRAY_MAX_DIMS];
    size_t *pos = NULL;

    CM_TRY(check_array(a, "cm_array_select_items: 'a'", err));
    if (dim == NULL || res == NULL || (codes == NULL && n > 0)) {
        return cm_error_set(err, CM_EINVAL, "cm_array_select_items: NULL argument");
    }
    int k = cm_array_dim_find(a, dim);
    if (k < 0) {
        return cm_error_set(err, CM_ENOTFOUND, "cannot select: no dimension '%s'", dim);
    }
    pos = cm_malloc_array(n, sizeof *pos);
    CM_NOMEM(pos, err);
    for (size_t j = 0; j < n; j++) {
        cm_int_t i = cm_dim_index(a->dim[k], codes[j]);
        if (i < 0) {
            CM_FAIL(cm_error_set(err, CM_ENOTFOUND, "cannot select: dimension '%s' has no item '%s'",
                                 dim, codes[j] ? codes[j] : "(null)"));
        }
        pos[j] = (size_t)i;
    }
    CM_TRY(cm_dim_create(dim, n, codes, &nd, err));
    memcpy(dims, a->dim, a->ndim * sizeof dims[0]);
    dims[k] = nd;
    CM_TRY(cm_array_init_dims(&tmp, a->ndim, dims, a->unit, err));
    gather(a, (size_t)k, pos, n, &tmp);
    cm_i_array_move(res, &tmp);
cleanup:
    cm_free(pos);
    cm_dim_release(nd);
    cm_array_destroy(&tmp);
    return rc;
}

cm_error_t cm_array_select(const cm_array_t *a, const char *dim, const char *code, int keep_dim,
                           cm_array_t *res, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_array_t tmp = CM_ARRAY_NULL;
    cm_dim_t *dims[CM_ARRAY_MAX_DIMS];
    size_t pos = 0;

    if (res == NULL || code == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_array_select: NULL argument");
    }
    if (keep_dim) {
        return cm_array_select_items(a, dim, 1, &code, res, err);
    }
    CM_TRY(cm_array_index(a, dim, code, &pos, err));
    size_t k = (size_t)cm_array_dim_find(a, dim);
    size_t nd = 0;
    for (size_t j = 0; j < a->ndim; j++) {
        if (j != k) {
            dims[nd++] = a->dim[j];
        }
    }
    CM_TRY(cm_array_init_dims(&tmp, nd, dims, a->unit, err));
    gather(a, k, &pos, 1, &tmp);
    cm_i_array_move(res, &tmp);
cleanup:
    cm_array_destroy(&tmp);
    return rc;
}

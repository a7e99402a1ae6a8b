/* Labelled arrays: lifecycle, element access, units (through the unit registry) and zero-copy
 * views. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "array_internal.h"

/* Build a zero-filled array over dims (taking one new reference to each). tmp must be zeroed. */
static cm_error_t array_build(cm_array_t *a, size_t ndim, cm_dim_t *const *dims,
                              const char *unit, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    char u[CM_UNIT_TEXT_MAX];

    if (ndim > CM_ARRAY_MAX_DIMS) {
        return cm_error_set(err, CM_EINVAL, "an array has at most %d dimensions, got %zu",
                            CM_ARRAY_MAX_DIMS, ndim);
    }
    if (ndim > 0 && dims == NULL) {
        return cm_error_set(err, CM_EINVAL, "'dims' is NULL");
    }
    CM_TRY(cm_i_unit_check(unit, NULL, u, err));
    size_t size = 1;
    for (size_t k = 0; k < ndim; k++) {
        if (dims[k] == NULL) {
            return cm_error_set(err, CM_EINVAL, "dimension %zu is NULL", k + 1);
        }
        for (size_t j = 0; j < k; j++) {
            if (strcmp(cm_dim_name(dims[j]), cm_dim_name(dims[k])) == 0) {
                return cm_error_set(err, CM_EINVAL, "dimension name '%s' appears twice",
                                    cm_dim_name(dims[k]));
            }
        }
    }
    for (size_t k = 0; k < ndim; k++) {
        a->shape[k] = cm_dim_size(dims[k]);
        a->stride[k] = size;
        if (cm_mul_size(size, a->shape[k], &size) != CM_OK) {
            return cm_error_set(err, CM_EOVERFLOW,
                                "array too large: element count overflows at dimension '%s'",
                                cm_dim_name(dims[k]));
        }
    }
    size_t bytes;
    if (cm_mul_size(size, sizeof(cm_real_t), &bytes) != CM_OK) {
        return cm_error_set(err, CM_EOVERFLOW, "array too large: %zu elements", size);
    }
    a->unit = cm_strdup(u);
    CM_NOMEM(a->unit, err);
    a->data = cm_calloc(size, sizeof(cm_real_t));
    CM_NOMEM(a->data, err);
    a->ndim = ndim;
    a->size = size;
    for (size_t k = 0; k < ndim; k++) {
        a->dim[k] = cm_dim_retain(dims[k]);
    }
cleanup:
    if (rc != CM_OK) {
        cm_array_destroy(a);
    }
    return rc;
}

cm_error_t cm_array_init_dims(cm_array_t *a, size_t ndim, cm_dim_t *const *dims,
                              const char *unit, cm_error_info_t *err)
{
    if (a == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_array_init_dims: 'a' is NULL");
    }
    memset(a, 0, sizeof *a);
    return array_build(a, ndim, dims, unit, err);
}

cm_error_t cm_array_init(cm_array_t *a, size_t ndim, const char *const *names,
                         const size_t *sizes, const char *const *const *codes, const char *unit,
                         cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_dim_t *dims[CM_ARRAY_MAX_DIMS] = {NULL};

    if (a == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_array_init: 'a' is NULL");
    }
    memset(a, 0, sizeof *a);
    if (ndim > CM_ARRAY_MAX_DIMS) {
        return cm_error_set(err, CM_EINVAL, "an array has at most %d dimensions, got %zu",
                            CM_ARRAY_MAX_DIMS, ndim);
    }
    if (ndim > 0 && (names == NULL || sizes == NULL || codes == NULL)) {
        return cm_error_set(err, CM_EINVAL, "cm_array_init: names, sizes or codes is NULL");
    }
    for (size_t k = 0; k < ndim; k++) {
        CM_TRY(cm_dim_create(names[k], sizes[k], codes[k], &dims[k], err));
    }
    CM_TRY(array_build(a, ndim, dims, unit, err));
cleanup:
    for (size_t k = 0; k < ndim; k++) {
        cm_dim_release(dims[k]);
    }
    return rc;
}

void cm_array_destroy(cm_array_t *a)
{
    if (a == NULL) {
        return;
    }
    for (size_t k = 0; k < CM_ARRAY_MAX_DIMS; k++) {
        cm_dim_release(a->dim[k]);
    }
    cm_free(a->data);
    cm_free(a->unit);
    memset(a, 0, sizeof *a);
}

void cm_i_array_move(cm_array_t *res, cm_array_t *tmp)
{
    cm_array_destroy(res);
    *res = *tmp;
    memset(tmp, 0, sizeof *tmp);
}

cm_error_t cm_array_copy(cm_array_t *res, const cm_array_t *a, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_array_t tmp = CM_ARRAY_NULL;

    if (res == NULL || a == NULL || a->unit == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_array_copy: NULL or uninitialised argument");
    }
    CM_TRY(array_build(&tmp, a->ndim, a->dim, a->unit, err));
    memcpy(tmp.data, a->data, a->size * sizeof(cm_real_t));
    cm_i_array_move(res, &tmp);
cleanup:
    cm_array_destroy(&tmp);
    return rc;
}

int cm_array_dim_find(const cm_array_t *a, const char *name)
{
    if (a == NULL || name == NULL) {
        return -1;
    }
    for (size_t k = 0; k < a->ndim; k++) {
        if (strcmp(cm_dim_name(a->dim[k]), name) == 0) {
            return (int)k;
        }
    }
    return -1;
}

cm_error_t cm_array_index(const cm_array_t *a, const char *dim, const char *code, size_t *idx,
                          cm_error_info_t *err)
{
    if (a == NULL || dim == NULL || code == NULL || idx == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_array_index: NULL argument");
    }
    int k = cm_array_dim_find(a, dim);
    if (k < 0) {
        return cm_error_set(err, CM_ENOTFOUND, "no dimension '%s' in the array", dim);
    }
    cm_int_t i = cm_dim_index(a->dim[k], code);
    if (i < 0) {
        return cm_error_set(err, CM_ENOTFOUND, "dimension '%s' has no item '%s'", dim, code);
    }
    *idx = (size_t)i;
    return CM_OK;
}

static cm_error_t offset_of_codes(const cm_array_t *a, const char *const *codes, size_t *off,
                                  cm_error_info_t *err)
{
    if (a == NULL || a->unit == NULL || (codes == NULL && a->ndim > 0) || off == NULL) {
        return cm_error_set(err, CM_EINVAL, "NULL or uninitialised argument");
    }
    size_t o = 0;
    for (size_t k = 0; k < a->ndim; k++) {
        cm_int_t i = cm_dim_index(a->dim[k], codes[k]);
        if (i < 0) {
            return cm_error_set(err, CM_ENOTFOUND, "dimension '%s' has no item '%s'",
                                cm_dim_name(a->dim[k]), codes[k] ? codes[k] : "(null)");
        }
        o += (size_t)i * a->stride[k];
    }
    *off = o;
    return CM_OK;
}

static cm_error_t offset_of_idx(const cm_array_t *a, const size_t *idx, size_t *off,
                                cm_error_info_t *err)
{
    if (a == NULL || a->unit == NULL || (idx == NULL && a->ndim > 0) || off == NULL) {
        return cm_error_set(err, CM_EINVAL, "NULL or uninitialised argument");
    }
    size_t o = 0;
    for (size_t k = 0; k < a->ndim; k++) {
        if (idx[k] >= a->shape[k]) {
            return cm_error_set(err, CM_EINVAL, "dimension '%s': index %zu out of range [0, %zu)",
                                cm_dim_name(a->dim[k]), idx[k], a->shape[k]);
        }
        o += idx[k] * a->stride[k];
    }
    *off = o;
    return CM_OK;
}

cm_error_t cm_array_get(const cm_array_t *a, const char *const *codes, cm_real_t *value,
                        cm_error_info_t *err)
{
    size_t off = 0;
    cm_error_t rc = offset_of_codes(a, codes, &off, err);
    if (rc == CM_OK) {
        if (value == NULL) {
            return cm_error_set(err, CM_EINVAL, "cm_array_get: 'value' is NULL");
        }
        *value = a->data[off];
    }
    return rc;
}

cm_error_t cm_array_set(cm_array_t *a, const char *const *codes, cm_real_t value,
                        cm_error_info_t *err)
{
    size_t off = 0;
    cm_error_t rc = offset_of_codes(a, codes, &off, err);
    if (rc == CM_OK) {
        a->data[off] = value;
    }
    return rc;
}

cm_error_t cm_array_get_at(const cm_array_t *a, const size_t *idx, cm_real_t *value,
                           cm_error_info_t *err)
{
    size_t off = 0;
    cm_error_t rc = offset_of_idx(a, idx, &off, err);
    if (rc == CM_OK) {
        if (value == NULL) {
            return cm_error_set(err, CM_EINVAL, "cm_array_get_at: 'value' is NULL");
        }
        *value = a->data[off];
    }
    return rc;
}

cm_error_t cm_array_set_at(cm_array_t *a, const size_t *idx, cm_real_t value,
                           cm_error_info_t *err)
{
    size_t off = 0;
    cm_error_t rc = offset_of_idx(a, idx, &off, err);
    if (rc == CM_OK) {
        a->data[off] = value;
    }
    return rc;
}

void cm_array_fill(cm_array_t *a, cm_real_t value)
{
    if (a == NULL || a->data == NULL) {
        return;
    }
    for (size_t i = 0; i < a->size; i++) {
        a->data[i] = value;
    }
}

cm_real_t cm_array_sum_all(const cm_array_t *a)
{
    cm_real_t s = 0.0;
    if (a == NULL || a->data == NULL) {
        return s;
    }
    for (size_t i = 0; i < a->size; i++) {
        s += a->data[i];
    }
    return s;
}

cm_error_t cm_array_set_unit(cm_array_t *a, const char *unit, cm_error_info_t *err)
{
    char u[CM_UNIT_TEXT_MAX];
    if (a == NULL || a->unit == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_array_set_unit: NULL or uninitialised array");
    }
    cm_error_t rc = cm_i_unit_check(unit, NULL, u, err);
    if (rc != CM_OK) {
        return rc;
    }
    char *copy = cm_strdup(u);
    if (copy == NULL) {
        return cm_error_set(err, CM_ENOMEM, "out of memory setting unit '%s'", u);
    }
    cm_free(a->unit);
    a->unit = copy;
    return CM_OK;
}

cm_error_t cm_array_scale(cm_array_t *a, cm_real_t factor, const char *unit,
                          cm_error_info_t *err)
{
    if (!isfinite(factor)) {
        return cm_error_set(err, CM_EINVAL, "cm_array_scale: factor must be finite, got %g",
                            factor);
    }
    cm_error_t rc = cm_array_set_unit(a, unit, err);
    if (rc != CM_OK) {
        return rc;
    }
    for (size_t i = 0; i < a->size; i++) {
        a->data[i] *= factor;
    }
    return CM_OK;
}

cm_error_t cm_array_convert_unit(cm_array_t *a, const char *to_unit, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_unit_t from, to;
    char u[CM_UNIT_TEXT_MAX];
    double f = 1.0;
    char *copy = NULL;

    if (a == NULL || a->unit == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_array_convert_unit: NULL or uninitialised array");
    }
    CM_TRY(cm_i_unit_check(to_unit, &to, u, err));
    CM_TRY(cm_unit_parse(a->unit, &from, err));
    CM_TRY(cm_unit_factor(&from, &to, &f, err));
    copy = cm_strdup(u);
    CM_NOMEM(copy, err);
    for (size_t i = 0; i < a->size; i++) {
        a->data[i] *= f;
    }
    cm_free(a->unit);
    a->unit = copy;
    copy = NULL;
cleanup:
    cm_free(copy);
    return rc;
}

cm_error_t cm_array_view(cm_array_t *a, cm_matrix_view_t *view, cm_error_info_t *err)
{
    if (a == NULL || view == NULL || a->unit == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_array_view: NULL or uninitialised argument");
    }
    if (a->ndim != 1 && a->ndim != 2) {
        return cm_error_set(err, CM_EINVAL,
                            "cm_array_view needs a 1-D or 2-D array, got %zu dimensions "
                            "(use cm_array_view_block)",
                            a->ndim);
    }
    view->data = a->data;
    view->nrow = a->shape[0];
    view->ncol = a->ndim == 2 ? a->shape[1] : 1;
    view->ld = view->nrow > 0 ? view->nrow : 1;
    return CM_OK;
}

cm_error_t cm_array_view_rows(cm_array_t *a, size_t nrowdims, cm_matrix_view_t *view,
                              cm_error_info_t *err)
{
    if (a == NULL || view == NULL || a->unit == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_array_view_rows: NULL or uninitialised argument");
    }
    if (nrowdims > a->ndim) {
        return cm_error_set(err, CM_EINVAL,
                            "cm_array_view_rows: %zu row dimensions of a %zu-dimensional array",
                            nrowdims, a->ndim);
    }
    size_t nrow = 1;
    for (size_t k = 0; k < nrowdims; k++) {
        nrow *= a->shape[k];
    }
    view->data = a->data;
    view->nrow = nrow;
    view->ncol = nrow > 0 ? a->size / nrow : 0;
    if (nrow == 0) { /* an empty dimension among the rows: no elements at all */
        view->ncol = 1;
        for (size_t k = nrowdims; k < a->ndim; k++) {
            view->ncol *= a->shape[k];
        }
    }
    view->ld = nrow > 0 ? nrow : 1;
    return CM_OK;
}

cm_error_t cm_array_view_block(cm_array_t *a, const size_t *idx, cm_matrix_view_t *view,
                               cm_error_info_t *err)
{
    if (a == NULL || view == NULL || a->unit == NULL || (idx == NULL && a->ndim > 2)) {
        return cm_error_set(err, CM_EINVAL, "cm_array_view_block: NULL or uninitialised argument");
    }
    if (a->ndim < 2) {
        return cm_error_set(err, CM_EINVAL,
                            "cm_array_view_block needs at least 2 dimensions, got %zu", a->ndim);
    }
    size_t off = 0;
    for (size_t k = 2; k < a->ndim; k++) {
        if (idx[k - 2] >= a->shape[k]) {
            return cm_error_set(err, CM_EINVAL, "dimension '%s': index %zu out of range [0, %zu)",
                                cm_dim_name(a->dim[k]), idx[k - 2], a->shape[k]);
        }
        off += idx[k - 2] * a->stride[k];
    }
    view->data = a->data + off;
    view->nrow = a->shape[0];
    view->ncol = a->shape[1];
    view->ld = view->nrow > 0 ? view->nrow : 1;
    return CM_OK;
}

/* ---- iteration ---- */

size_t cm_i_loop_start(cm_i_loop_t *l)
{
    memset(l->idx, 0, sizeof l->idx);
    memset(l->off, 0, sizeof l->off);
    return l->ndim == 0 ? 1 : l->shape[0];
}

int cm_i_loop_next(cm_i_loop_t *l)
{
    for (size_t d = 1; d < l->ndim; d++) {
        l->idx[d]++;
        for (size_t k = 0; k < l->nops; k++) {
            l->off[k] += l->stride[k][d];
        }
        if (l->idx[d] < l->shape[d]) {
            return 1;
        }
        for (size_t k = 0; k < l->nops; k++) {
            l->off[k] -= l->stride[k][d] * l->shape[d];
        }
        l->idx[d] = 0;
    }
    return 0;
}

/* ---- units ---- */

cm_error_t cm_i_unit_check(const char *unit, cm_unit_t *u, char *canon, cm_error_info_t *err)
{
    cm_unit_t parsed;
    if (unit == NULL) {
        unit = "1";
    }
    if (unit[strspn(unit, " \t")] == '\0') {
        return cm_error_set(err, CM_EINVAL, "unit must not be empty (use \"1\" for none)");
    }
    cm_error_t rc = cm_unit_parse(unit, &parsed, err);
    if (rc == CM_OK) {
        rc = cm_unit_format(&parsed, canon, CM_UNIT_TEXT_MAX, err);
    }
    if (rc == CM_OK && u != NULL) {
        *u = parsed;
    }
    return rc;
}

cm_error_t cm_i_array_unit(const cm_array_t *a, cm_unit_t *u, cm_error_info_t *err)
{
    if (a == NULL || a->unit == NULL) {
        return cm_error_set(err, CM_EINVAL, "array is NULL or not initialised");
    }
    return cm_unit_parse(a->unit, u, err);
}

/* Factors of registry units are products of powers of ten: equal up to rounding. */
static int same_factor(double x, double y)
{
    return fabs(x - y) <= 1e-12 * fmax(fabs(x), fabs(y));
}

cm_error_t cm_array_check_same_unit(const cm_array_t *a, const cm_array_t *b,
                                    cm_error_info_t *err)
{
    cm_unit_t ua, ub;
    if (a == NULL || b == NULL || a->unit == NULL || b->unit == NULL) {
        return cm_error_set(err, CM_EINVAL,
                            "cm_array_check_same_unit: NULL or uninitialised argument");
    }
    cm_error_t rc = cm_unit_parse(a->unit, &ua, err);
    if (rc == CM_OK) {
        rc = cm_unit_parse(b->unit, &ub, err);
    }
    if (rc != CM_OK) {
        return rc;
    }
    if (!cm_unit_compatible(&ua, &ub)) {
        char da[256], db[256];
        if (cm_unit_describe(&ua, da, sizeof da, NULL) != CM_OK) {
            snprintf(da, sizeof da, "?");
        }
        if (cm_unit_describe(&ub, db, sizeof db, NULL) != CM_OK) {
            snprintf(db, sizeof db, "?");
        }
        return cm_error_set(err, CM_EUNIT,
                            "units differ: '%s' (left) and '%s' (right) measure different "
                            "quantities: %s vs %s",
                            a->unit, b->unit, da, db);
    }
    if (!same_factor(ua.factor, ub.factor)) {
        return cm_error_set(err, CM_EUNIT,
                            "units differ: '%s' (left) and '%s' (right): convert one with "
                            "cm_array_convert_unit",
                            a->unit, b->unit);
    }
    return CM_OK;
}

cm_error_t cm_i_unit_product(const cm_array_t *a, const cm_array_t *b, int div, char *out,
                             cm_error_info_t *err)
{
    cm_unit_t ua, ub, r;
    cm_error_t rc = cm_i_array_unit(a, &ua, err);
    if (rc == CM_OK) {
        rc = cm_i_array_unit(b, &ub, err);
    }
    if (rc == CM_OK) {
        rc = div ? cm_unit_div(&ua, &ub, &r, err) : cm_unit_mul(&ua, &ub, &r, err);
    }
    if (rc == CM_OK) {
        rc = cm_unit_format(&r, out, CM_UNIT_TEXT_MAX, err);
    }
    return rc;
}

/* Weighted concordances and the sparse (CSR) mapping of one dimension of a labelled array. */
#include <math.h>
#include <string.h>

#include "array_internal.h"
#include "cambium/cm_concord.h"

/* A temporary string -> index map (keys borrowed). */
typedef struct code_entry {
    const char *code;
    size_t index;
    double sum;
    UT_hash_handle hh;
} code_entry;

/* Find code in *head, or add it as entries[*n] with index *n. Sets *found. */
static cm_error_t code_lookup_add(code_entry **head, code_entry *entries, size_t *n,
                                  const char *code, code_entry **found, cm_error_info_t *err)
{
    size_t len = strlen(code);
    code_entry *e = NULL;
    HASH_FIND(hh, *head, code, len, e);
    if (e == NULL) {
        e = &entries[*n];
        e->code = code;
        e->index = *n;
        e->sum = 0.0;
        HASH_ADD_KEYPTR(hh, *head, e->code, len, e);
        if (e->hh.tbl == NULL) {
            return cm_error_set(err, CM_ENOMEM, "out of memory indexing code '%s'", code);
        }
        (*n)++;
    }
    *found = e;
    return CM_OK;
}

cm_error_t cm_concordance_init(cm_concordance_t *c, const char *name)
{
    if (c == NULL) {
        return CM_EINVAL;
    }
    memset(c, 0, sizeof *c);
    if (name != NULL) {
        c->name = cm_strdup(name);
        if (c->name == NULL) {
            return CM_ENOMEM;
        }
    }
    return CM_OK;
}

void cm_concordance_destroy(cm_concordance_t *c)
{
    if (c == NULL) {
        return;
    }
    for (size_t i = 0; i < c->n; i++) {
        cm_free(c->from[i]);
        cm_free(c->to[i]);
    }
    cm_free(c->from);
    cm_free(c->to);
    cm_free(c->weight);
    cm_free(c->name);
    memset(c, 0, sizeof *c);
}

/* Grow one array to cap elements (kept on failure). */
static cm_error_t grow(void **p, size_t cap, size_t size, cm_error_info_t *err)
{
    void *q = cm_realloc_array(*p, cap, size);
    if (q == NULL) {
        return cm_error_set(err, CM_ENOMEM, "out of memory growing a concordance to %zu triples",
                            cap);
    }
    *p = q;
    return CM_OK;
}

cm_error_t cm_concordance_add(cm_concordance_t *c, const char *from, const char *to,
                              double weight, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    char *f = NULL, *t = NULL;

    if (c == NULL || from == NULL || to == NULL || from[0] == '\0' || to[0] == '\0') {
        return cm_error_set(err, CM_EINVAL, "cm_concordance_add: NULL or empty argument");
    }
    if (!isfinite(weight) || weight < 0.0) {
        return cm_error_set(err, CM_EINVAL,
                            "concordance weight must be finite and >= 0, got %.17g for '%s' -> "
                            "'%s'",
                            weight, from, to);
    }
    if (c->n == c->cap) {
        if (c->cap > SIZE_MAX / 4) {
            return cm_error_set(err, CM_ENOMEM, "concordance cannot grow beyond %zu triples",
                                c->cap);
        }
        size_t cap = c->cap ? 2 * c->cap : 16;
        void *p = c->from;
        CM_TRY(grow(&p, cap, sizeof *c->from, err));
        c->from = p;
        p = c->to;
        CM_TRY(grow(&p, cap, sizeof *c->to, err));
        c->to = p;
        p = c->weight;
        CM_TRY(grow(&p, cap, sizeof *c->weight, err));
        c->weight = p;
        c->cap = cap;
    }
    f = cm_strdup(from);
    CM_NOMEM(f, err);
    t = cm_strdup(to);
    CM_NOMEM(t, err);
    c->from[c->n] = f;
    c->to[c->n] = t;
    c->weight[c->n] = weight;
    c->n++;
    f = t = NULL;
cleanup:
    cm_free(f);
    cm_free(t);
    return rc;
}

cm_error_t cm_concordance_check_split(const cm_concordance_t *c, double tol, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    code_entry *head = NULL, *entries = NULL, *e = NULL;
    size_t n = 0;

    if (c == NULL || !isfinite(tol) || tol < 0.0) {
        return cm_error_set(err, CM_EINVAL,
                            "cm_concordance_check_split: NULL concordance or bad tolerance");
    }
    entries = cm_calloc(c->n, sizeof *entries);
    CM_NOMEM(entries, err);
    for (size_t i = 0; i < c->n; i++) {
        CM_TRY(code_lookup_add(&head, entries, &n, c->from[i], &e, err));
        e->sum += c->weight[i];
    }
    for (size_t i = 0; i < n; i++) {
        if (fabs(entries[i].sum - 1.0) > tol) {
            CM_FAIL(cm_error_set(err, CM_EINVAL,
                                 "concordance%s%s: the weights of '%s' sum to %.17g, not 1 "
                                 "(tolerance %g)",
                                 c->name ? " " : "", c->name ? c->name : "", entries[i].code,
                                 entries[i].sum, tol));
        }
    }
cleanup:
    HASH_CLEAR(hh, head);
    cm_free(entries);
    return rc;
}

cm_error_t cm_concordance_map(const cm_concordance_t *c, const cm_array_t *a, const char *dim,
                              const char *new_name, cm_concord_missing_t missing,
                              cm_array_t *res, size_t *n_dropped, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_int_t *tidx = NULL;       /* item of the array for each triple, or -1 */
    size_t *rowptr = NULL;       /* CSR over the array's items */
    size_t *next = NULL;
    const char **tocode = NULL;  /* per CSR entry */
    double *w = NULL;
    size_t *col = NULL;
    code_entry *head = NULL, *entries = NULL, *e = NULL;
    const char **codes = NULL;
    cm_dim_t *nd = NULL;
    cm_dim_t *dims[CM_ARRAY_MAX_DIMS];
    cm_array_t tmp = CM_ARRAY_NULL;
    size_t dropped = 0, m = 0;

    if (c == NULL || a == NULL || a->unit == NULL || dim == NULL || res == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_concordance_map: NULL or uninitialised argument");
    }
    if (missing != CM_CONCORD_ERROR && missing != CM_CONCORD_DROP && missing != CM_CONCORD_KEEP) {
        return cm_error_set(err, CM_EINVAL, "cm_concordance_map: unknown policy %d",
                            (int)missing);
    }
    int kk = cm_array_dim_find(a, dim);
    if (kk < 0) {
        return cm_error_set(err, CM_ENOTFOUND, "cannot map: no dimension '%s'", dim);
    }
    size_t k = (size_t)kk;
    const char *name = new_name ? new_name : dim;
    int other = cm_array_dim_find(a, name);
    if (other >= 0 && other != kk) {
        return cm_error_set(err, CM_EINVAL, "cannot map '%s' to '%s': the array has a dimension "
                            "'%s' already", dim, name, name);
    }
    const cm_dim_t *d = a->dim[k];
    size_t n = cm_dim_size(d);

    tidx = cm_malloc_array(c->n, sizeof *tidx);
    CM_NOMEM(tidx, err);
    rowptr = cm_calloc(n + 1, sizeof *rowptr);
    CM_NOMEM(rowptr, err);
    for (size_t t = 0; t < c->n; t++) {
        tidx[t] = cm_dim_index(d, c->from[t]);
        if (tidx[t] >= 0) {
            rowptr[tidx[t] + 1]++;
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (rowptr[i + 1] == 0) {
            if (missing == CM_CONCORD_ERROR) {
                CM_FAIL(cm_error_set(err, CM_ENOTFOUND,
                                     "dimension '%s': item '%s' has no entry in concordance%s%s",
                                     dim, cm_dim_code(d, i), c->name ? " " : "",
                                     c->name ? c->name : ""));
            } else if (missing == CM_CONCORD_DROP) {
                dropped++;
            } else {
                rowptr[i + 1] = 1;
            }
        }
        rowptr[i + 1] += rowptr[i];
    }
    size_t nnz = rowptr[n];
    next = cm_malloc_array(n + 1, sizeof *next);
    CM_NOMEM(next, err);
    tocode = cm_malloc_array(nnz, sizeof *tocode);
    CM_NOMEM(tocode, err);
    w = cm_malloc_array(nnz, sizeof *w);
    CM_NOMEM(w, err);
    col = cm_malloc_array(nnz, sizeof *col);
    CM_NOMEM(col, err);
    memcpy(next, rowptr, (n + 1) * sizeof *next);
    for (size_t t = 0; t < c->n; t++) {
        if (tidx[t] >= 0) {
            size_t p = next[tidx[t]]++;
            tocode[p] = c->to[t];
            w[p] = c->weight[t];
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (next[i] < rowptr[i + 1]) { /* the self entry of a kept item */
            tocode[next[i]] = cm_dim_code(d, i);
            w[next[i]] = 1.0;
        }
    }
    /* output codes in order of first appearance */
    entries = cm_calloc(nnz, sizeof *entries);
    CM_NOMEM(entries, err);
    codes = cm_malloc_array(nnz, sizeof *codes);
    CM_NOMEM(codes, err);
    for (size_t p = 0; p < nnz; p++) {
        CM_TRY(code_lookup_add(&head, entries, &m, tocode[p], &e, err));
        col[p] = e->index;
        codes[e->index] = e->code;
    }
    CM_TRY(cm_dim_create(name, m, codes, &nd, err));
    memcpy(dims, a->dim, a->ndim * sizeof dims[0]);
    dims[k] = nd;
    CM_TRY(cm_array_init_dims(&tmp, a->ndim, dims, a->unit, err));
    if (a->size > 0 && tmp.size > 0) {
        size_t inner = a->stride[k];
        size_t outer = a->size / (inner * n);
        for (size_t o = 0; o < outer; o++) {
            const cm_real_t *src = a->data + o * n * inner;
            cm_real_t *dst = tmp.data + o * m * inner;
            for (size_t i = 0; i < n; i++) {
                for (size_t p = rowptr[i]; p < rowptr[i + 1]; p++) {
                    cm_real_t *to = dst + col[p] * inner;
                    const cm_real_t *from = src + i * inner;
                    double wt = w[p];
                    for (size_t x = 0; x < inner; x++) {
                        to[x] += wt * from[x];
                    }
                }
            }
        }
    }
    cm_i_array_move(res, &tmp);
    if (n_dropped != NULL) {
        *n_dropped = dropped;
    }
cleanup:
    HASH_CLEAR(hh, head);
    cm_free(entries);
    cm_free(codes);
    cm_free(tidx);
    cm_free(rowptr);
    cm_free(next);
    cm_free(tocode);
    cm_free(w);
    cm_free(col);
    cm_dim_release(nd);
    cm_array_destroy(&tmp);
    return rc;
}

/* Labelled arrays: einsum-style contraction of two arrays through cblas_dgemm. */
#include <cblas.h>
#include <limits.h>
#include <string.h>

#include "array_internal.h"

typedef struct spec_name {
    const char *s;
    size_t len;
    size_t col; /* 1-based byte offset in the spec */
} spec_name;

typedef struct spec_list {
    size_t n;
    spec_name name[CM_ARRAY_MAX_DIMS];
} spec_list;

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.' || c == ':' || (c == '-');
}

/* Parse "name{,name}" (possibly empty) starting at *pos, stopping before the terminator. */
static cm_error_t parse_list(const char *spec, size_t *pos, spec_list *l, const char *what,
                             cm_error_info_t *err)
{
    size_t p = *pos;
    l->n = 0;
    while (is_blank(spec[p])) {
        p++;
    }
    if (!is_name_char(spec[p]) || (spec[p] == '-' && spec[p + 1] == '>')) {
        *pos = p; /* an empty list */
        return CM_OK;
    }
    for (;;) {
        while (is_blank(spec[p])) {
            p++;
        }
        size_t start = p;
        while (is_name_char(spec[p]) && !(spec[p] == '-' && spec[p + 1] == '>')) {
            p++;
        }
        if (p == start) {
            return cm_error_set_at(err, CM_EPARSE, NULL, 1, (int64_t)p + 1,
                                   "einsum spec: expected a dimension name in the %s list, "
                                   "got '%.1s'",
                                   what, spec[p] ? spec + p : "end of spec");
        }
        if (l->n == CM_ARRAY_MAX_DIMS) {
            return cm_error_set_at(err, CM_EPARSE, NULL, 1, (int64_t)start + 1,
                                   "einsum spec: more than %d names in the %s list",
                                   CM_ARRAY_MAX_DIMS, what);
        }
        l->name[l->n].s = spec + start;
        l->name[l->n].len = p - start;
        l->name[l->n].col = start + 1;
        l->n++;
        while (is_blank(spec[p])) {
            p++;
        }
        if (spec[p] != ',') {
            break;
        }
        p++;
    }
    *pos = p;
    return CM_OK;
}

static cm_error_t parse_spec(const char *spec, spec_list *la, spec_list *lb, spec_list *lo,
                             cm_error_info_t *err)
{
    size_t p = 0;
    cm_error_t rc = parse_list(spec, &p, la, "left operand", err);
    if (rc != CM_OK) {
        return rc;
    }
    if (spec[p] != '*') {
        return cm_error_set_at(err, CM_EPARSE, NULL, 1, (int64_t)p + 1,
                               "einsum spec: expected ',' or '*' after the left operand, got '%s'",
                               spec[p] ? spec + p : "end of spec");
    }
    p++;
    if ((rc = parse_list(spec, &p, lb, "right operand", err)) != CM_OK) {
        return rc;
    }
    if (spec[p] != '-' || spec[p + 1] != '>') {
        return cm_error_set_at(err, CM_EPARSE, NULL, 1, (int64_t)p + 1,
                               "einsum spec: expected ',' or '->' after the right operand, got "
                               "'%s'",
                               spec[p] ? spec + p : "end of spec");
    }
    p += 2;
    if ((rc = parse_list(spec, &p, lo, "output", err)) != CM_OK) {
        return rc;
    }
    while (is_blank(spec[p])) {
        p++;
    }
    if (spec[p] != '\0') {
        return cm_error_set_at(err, CM_EPARSE, NULL, 1, (int64_t)p + 1,
                               "einsum spec: expected ',' or the end after the output, got '%s'",
                               spec + p);
    }
    return CM_OK;
}

/* Position of a dimension named (s, len) in a, or -1. */
static int find_n(const cm_array_t *a, const char *s, size_t len)
{
    for (size_t k = 0; k < a->ndim; k++) {
        const char *nm = cm_dim_name(a->dim[k]);
        if (strlen(nm) == len && memcmp(nm, s, len) == 0) {
            return (int)k;
        }
    }
    return -1;
}

static int list_has(const spec_list *l, const char *name)
{
    size_t len = strlen(name);
    for (size_t i = 0; i < l->n; i++) {
        if (l->name[i].len == len && memcmp(l->name[i].s, name, len) == 0) {
            return 1;
        }
    }
    return 0;
}

/* The operand list must name each dimension of a exactly once. */
static cm_error_t check_operand(const spec_list *l, const cm_array_t *a, const char *what,
                                cm_error_info_t *err)
{
    int seen[CM_ARRAY_MAX_DIMS] = {0};
    for (size_t i = 0; i < l->n; i++) {
        int k = find_n(a, l->name[i].s, l->name[i].len);
        if (k < 0) {
            return cm_error_set(err, CM_EINVAL, "einsum: the %s has no dimension '%.*s'", what,
                                (int)l->name[i].len, l->name[i].s);
        }
        if (seen[k]++) {
            return cm_error_set(err, CM_EINVAL, "einsum: dimension '%.*s' named twice for the %s",
                                (int)l->name[i].len, l->name[i].s, what);
        }
    }
    for (size_t k = 0; k < a->ndim; k++) {
        if (!seen[k]) {
            return cm_error_set(err, CM_EINVAL,
                                "einsum: the spec does not name dimension '%s' of the %s",
                                cm_dim_name(a->dim[k]), what);
        }
    }
    return CM_OK;
}

/* Array with its dimensions in the order of names[]: src itself when already so ordered,
 * otherwise a permuted copy in tmp. */
static cm_error_t arrange(const cm_array_t *src, size_t n, const char *const *names,
                          cm_array_t *tmp, const cm_array_t **out, cm_error_info_t *err)
{
    int same = 1;
    for (size_t k = 0; k < n; k++) {
        same = same && strcmp(cm_dim_name(src->dim[k]), names[k]) == 0;
    }
    if (same) {
        *out = src;
        return CM_OK;
    }
    *out = tmp;
    return cm_array_permute(src, n, names, tmp, err);
}

static cm_error_t blas_size(size_t v, const char *what, cm_error_info_t *err)
{
    if (v > (size_t)INT_MAX) {
        return cm_error_set(err, CM_EOVERFLOW,
                            "einsum: the %s size %zu exceeds the BLAS integer range", what, v);
    }
    return CM_OK;
}

cm_error_t cm_array_einsum(const char *spec, const cm_array_t *a, const cm_array_t *b,
                           cm_array_t *res, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    spec_list la, lb, lo;
    cm_array_t sa = CM_ARRAY_NULL, sb = CM_ARRAY_NULL, pa = CM_ARRAY_NULL, pb = CM_ARRAY_NULL;
    cm_array_t c = CM_ARRAY_NULL, out = CM_ARRAY_NULL;
    const cm_array_t *a1 = a, *b1 = b, *A = NULL, *B = NULL, *C = NULL;
    const char *drop[CM_ARRAY_MAX_DIMS];
    const char *ordA[CM_ARRAY_MAX_DIMS], *ordB[CM_ARRAY_MAX_DIMS];
    const char *ordO[CM_ARRAY_MAX_DIMS];
    cm_dim_t *dimC[CM_ARRAY_MAX_DIMS];
    size_t nfa = 0, nk = 0, nfb = 0, nbatch = 0, ndrop;
    const char *fa[CM_ARRAY_MAX_DIMS], *kk[CM_ARRAY_MAX_DIMS], *fb[CM_ARRAY_MAX_DIMS],
        *bt[CM_ARRAY_MAX_DIMS];
    char *unit = NULL;

    if (spec == NULL || a == NULL || b == NULL || res == NULL || a->unit == NULL ||
        b->unit == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_array_einsum: NULL or uninitialised argument");
    }
    CM_TRY(parse_spec(spec, &la, &lb, &lo, err));
    CM_TRY(check_operand(&la, a, "left operand", err));
    CM_TRY(check_operand(&lb, b, "right operand", err));
    for (size_t i = 0; i < lo.n; i++) {
        for (size_t j = 0; j < i; j++) {
            if (lo.name[j].len == lo.name[i].len &&
                memcmp(lo.name[j].s, lo.name[i].s, lo.name[i].len) == 0) {
                CM_FAIL(cm_error_set(err, CM_EINVAL, "einsum: output dimension '%.*s' repeated",
                                     (int)lo.name[i].len, lo.name[i].s));
            }
        }
        int ka = find_n(a, lo.name[i].s, lo.name[i].len);
        int kb = find_n(b, lo.name[i].s, lo.name[i].len);
        if (ka < 0 && kb < 0) {
            CM_FAIL(cm_error_set(err, CM_EINVAL,
                                 "einsum: output dimension '%.*s' is in neither operand",
                                 (int)lo.name[i].len, lo.name[i].s));
        }
        ordO[i] = cm_dim_name(ka >= 0 ? a->dim[ka] : b->dim[kb]);
    }
    CM_TRY(cm_array_check_compatible(a, b, err));
    unit = cm_i_unit_combine(a->unit, b->unit, 0);
    CM_NOMEM(unit, err);

    /* dimensions of one operand only and not in the output: sum them first */
    ndrop = 0;
    for (size_t k = 0; k < a->ndim; k++) {
        const char *nm = cm_dim_name(a->dim[k]);
        if (cm_array_dim_find(b, nm) < 0 && !list_has(&lo, nm)) {
            drop[ndrop++] = nm;
        }
    }
    if (ndrop > 0) {
        CM_TRY(cm_array_sum_dims(a, ndrop, drop, &sa, err));
        a1 = &sa;
    }
    ndrop = 0;
    for (size_t k = 0; k < b->ndim; k++) {
        const char *nm = cm_dim_name(b->dim[k]);
        if (cm_array_dim_find(a, nm) < 0 && !list_has(&lo, nm)) {
            drop[ndrop++] = nm;
        }
    }
    if (ndrop > 0) {
        CM_TRY(cm_array_sum_dims(b, ndrop, drop, &sb, err));
        b1 = &sb;
    }

    /* classify: free in a, contracted, batch (in a order), free in b (in b order) */
    size_t M = 1, K = 1, N = 1, P = 1;
    for (size_t k = 0; k < a1->ndim; k++) {
        const char *nm = cm_dim_name(a1->dim[k]);
        int in_b = cm_array_dim_find(b1, nm) >= 0;
        int in_o = list_has(&lo, nm);
        if (!in_b) {
            fa[nfa++] = nm;
            M *= a1->shape[k];
        } else if (!in_o) {
            kk[nk++] = nm;
            K *= a1->shape[k];
        } else {
            bt[nbatch++] = nm;
            P *= a1->shape[k];
        }
    }
    for (size_t k = 0; k < b1->ndim; k++) {
        const char *nm = cm_dim_name(b1->dim[k]);
        if (cm_array_dim_find(a1, nm) < 0) {
            fb[nfb++] = nm;
            N *= b1->shape[k];
        }
    }
    CM_TRY(blas_size(M, "row", err));
    CM_TRY(blas_size(K, "inner", err));
    CM_TRY(blas_size(N, "column", err));

    size_t n = 0;
    memcpy(ordA + n, fa, nfa * sizeof fa[0]);
    n += nfa;
    memcpy(ordA + n, kk, nk * sizeof kk[0]);
    n += nk;
    memcpy(ordA + n, bt, nbatch * sizeof bt[0]);
    CM_TRY(arrange(a1, a1->ndim, ordA, &pa, &A, err));
    n = 0;
    memcpy(ordB + n, kk, nk * sizeof kk[0]);
    n += nk;
    memcpy(ordB + n, fb, nfb * sizeof fb[0]);
    n += nfb;
    memcpy(ordB + n, bt, nbatch * sizeof bt[0]);
    CM_TRY(arrange(b1, b1->ndim, ordB, &pb, &B, err));
    n = 0;
    for (size_t i = 0; i < nfa; i++) {
        dimC[n++] = A->dim[i];
    }
    for (size_t i = 0; i < nfb; i++) {
        dimC[n++] = B->dim[nk + i];
    }
    for (size_t i = 0; i < nbatch; i++) {
        dimC[n++] = A->dim[nfa + nk + i];
    }
    CM_TRY(cm_array_init_dims(&c, n, dimC, unit, err));
    if (M > 0 && N > 0 && K > 0) {
        for (size_t p = 0; p < P; p++) {
            cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)M, (int)N, (int)K, 1.0,
                        A->data + p * M * K, (int)M, B->data + p * K * N, (int)K, 0.0,
                        c.data + p * M * N, (int)M);
        }
    }
    CM_TRY(arrange(&c, n, ordO, &out, &C, err));
    if (C == &c) {
        cm_i_array_move(res, &c);
    } else {
        cm_i_array_move(res, &out);
    }
cleanup:
    cm_free(unit);
    cm_array_destroy(&sa);
    cm_array_destroy(&sb);
    cm_array_destroy(&pa);
    cm_array_destroy(&pb);
    cm_array_destroy(&c);
    cm_array_destroy(&out);
    return rc;
}

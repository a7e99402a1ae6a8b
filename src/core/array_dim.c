/* Dimensions of labelled arrays: a name, ordered unique item codes, a uthash index, shared
 * between arrays by reference counting. */
#include <stdatomic.h>
#include <string.h>

#include "array_internal.h"

#define DIM_NAME_MAX 64

typedef struct dim_entry {
    const char *code; /* points into the pool */
    size_t index;
    UT_hash_handle hh;
} dim_entry;

struct cm_dim_t {
    atomic_long refs;
    const char *name;  /* points into pool */
    size_t n;
    const char **codes; /* n pointers into pool */
    char *pool;         /* name and codes, NUL-separated */
    dim_entry *entries; /* n entries */
    dim_entry *index;   /* uthash head */
};

static cm_error_t check_name(const char *name, cm_error_info_t *err)
{
    size_t len = strlen(name);
    if (len == 0 || len > DIM_NAME_MAX) {
        return cm_error_set(err, CM_EINVAL,
                            "dimension name must have 1 to %d characters, got '%s'",
                            DIM_NAME_MAX, name);
    }
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '.' || c == ':' || c == '-';
        if (!ok || (c == '-' && name[i + 1] == '>')) {
            return cm_error_set(err, CM_EINVAL,
                                "dimension name '%s': character %zu is not one of "
                                "[A-Za-z0-9_.:-]",
                                name, i + 1);
        }
    }
    return CM_OK;
}

static void dim_free(cm_dim_t *d)
{
    if (d == NULL) {
        return;
    }
    HASH_CLEAR(hh, d->index);
    cm_free(d->entries);
    cm_free(d->codes);
    cm_free(d->pool);
    cm_free(d);
}

cm_error_t cm_dim_create(const char *name, size_t n, const char *const *codes, cm_dim_t **out,
                         cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_dim_t *d = NULL;

    if (out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_dim_create: 'out' is NULL");
    }
    *out = NULL;
    if (name == NULL || (codes == NULL && n > 0)) {
        return cm_error_set(err, CM_EINVAL, "cm_dim_create: %s is NULL",
                            name == NULL ? "'name'" : "'codes'");
    }
    CM_TRY(check_name(name, err));
    size_t total = strlen(name) + 1;
    for (size_t i = 0; i < n; i++) {
        if (codes[i] == NULL || codes[i][0] == '\0') {
            CM_FAIL(cm_error_set(err, CM_EINVAL, "dimension '%s': item %zu is %s", name, i + 1,
                                 codes[i] == NULL ? "NULL" : "an empty code"));
        }
        total += strlen(codes[i]) + 1; /* the codes are in memory: no overflow */
    }
    d = cm_calloc(1, sizeof *d);
    CM_NOMEM(d, err);
    atomic_init(&d->refs, 1);
    d->pool = cm_malloc(total);
    CM_NOMEM(d->pool, err);
    d->codes = cm_malloc_array(n, sizeof *d->codes);
    CM_NOMEM(d->codes, err);
    d->entries = cm_calloc(n, sizeof *d->entries);
    CM_NOMEM(d->entries, err);

    char *p = d->pool;
    size_t len = strlen(name) + 1;
    memcpy(p, name, len);
    d->name = p;
    p += len;
    for (size_t i = 0; i < n; i++) {
        len = strlen(codes[i]) + 1;
        memcpy(p, codes[i], len);
        d->codes[i] = p;
        p += len;
    }
    d->n = n;
    for (size_t i = 0; i < n; i++) {
        dim_entry *found = NULL;
        const char *c = d->codes[i];
        size_t clen = strlen(c);
        HASH_FIND(hh, d->index, c, clen, found);
        if (found != NULL) {
            CM_FAIL(cm_error_set(err, CM_EINVAL,
                                 "dimension '%s': duplicate item code '%s' (items %zu and %zu)",
                                 name, c, found->index + 1, i + 1));
        }
        dim_entry *e = &d->entries[i];
        e->code = c;
        e->index = i;
        HASH_ADD_KEYPTR(hh, d->index, e->code, clen, e);
        if (e->hh.tbl == NULL) {
            CM_FAIL(cm_error_set(err, CM_ENOMEM, "dimension '%s': out of memory indexing codes",
                                 name));
        }
    }
    *out = d;
    d = NULL;
cleanup:
    dim_free(d);
    return rc;
}

cm_dim_t *cm_dim_retain(cm_dim_t *d)
{
    if (d != NULL) {
        atomic_fetch_add(&d->refs, 1);
    }
    return d;
}

void cm_dim_release(cm_dim_t *d)
{
    if (d != NULL && atomic_fetch_sub(&d->refs, 1) == 1) {
        dim_free(d);
    }
}

const char *cm_dim_name(const cm_dim_t *d)
{
    return d == NULL ? NULL : d->name;
}

size_t cm_dim_size(const cm_dim_t *d)
{
    return d == NULL ? 0 : d->n;
}

const char *cm_dim_code(const cm_dim_t *d, size_t i)
{
    return (d == NULL || i >= d->n) ? NULL : d->codes[i];
}

cm_int_t cm_dim_index(const cm_dim_t *d, const char *code)
{
    if (d == NULL || code == NULL) {
        return -1;
    }
    dim_entry *found = NULL;
    HASH_FIND(hh, d->index, code, strlen(code), found);
    return found == NULL ? -1 : (cm_int_t)found->index;
}

int cm_dim_equal(const cm_dim_t *a, const cm_dim_t *b)
{
    if (a == b) {
        return 1;
    }
    if (a == NULL || b == NULL || a->n != b->n || strcmp(a->name, b->name) != 0) {
        return 0;
    }
    for (size_t i = 0; i < a->n; i++) {
        if (strcmp(a->codes[i], b->codes[i]) != 0) {
            return 0;
        }
    }
    return 1;
}

cm_error_t cm_i_dim_mismatch(const cm_dim_t *a, const cm_dim_t *b, cm_error_info_t *err)
{
    size_t n = a->n < b->n ? a->n : b->n;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(a->codes[i], b->codes[i]) != 0) {
            return cm_error_set(err, CM_EMISMATCH,
                                "dimension '%s': item %zu is '%s' in the left operand but '%s' "
                                "in the right",
                                a->name, i + 1, a->codes[i], b->codes[i]);
        }
    }
    if (a->n != b->n) {
        const cm_dim_t *longer = a->n > b->n ? a : b;
        return cm_error_set(err, CM_EMISMATCH,
                            "dimension '%s': the left operand has %zu items, the right %zu "
                            "(first extra item %zu is '%s')",
                            a->name, a->n, b->n, n + 1, longer->codes[n]);
    }
    return CM_OK;
}

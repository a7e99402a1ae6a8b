/* Internal helpers shared by the library's sources (not installed). Internal non-static
 * functions use the prefix cm_i_. */
#ifndef CAMBIUM_CM_INTERNAL_H
#define CAMBIUM_CM_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>

#include "cambium/cm_alloc.h"
#include <stddef.h>
#include <stdint.h>

#include "cambium/cm_error.h"

/* CM_TRY(expr): evaluate a cm_error_t expression; on error store it in `rc` and jump to
 * `cleanup`. The enclosing function declares `cm_error_t rc` and a `cleanup:` label. */
#define CM_TRY(expr)          \
    do {                      \
        rc = (expr);          \
        if (rc != CM_OK) {    \
            goto cleanup;     \
        }                     \
    } while (0)

/* 64-bit FNV-1a over len bytes, continued from h (start with CM_I_FNV_OFFSET). For hash tables
 * and content keys; not a cryptographic hash. */
#define CM_I_FNV_OFFSET 14695981039346656037ULL
static inline uint64_t cm_i_fnv1a(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* CM_FAIL(call): like CM_TRY for a cm_error_set(...) call that always returns an error. */
#define CM_FAIL(expr) \
    do {              \
        rc = (expr);  \
        goto cleanup; \
    } while (0)

/* CM_NOMEM(ptr): if ptr is NULL, record "out of memory" and jump to cleanup. */
#define CM_NOMEM(ptr, err)                                                   \
    do {                                                                     \
        if ((ptr) == NULL) {                                                 \
            rc = cm_error_set((err), CM_ENOMEM, "out of memory (%s:%d)",     \
                              __FILE__, __LINE__);                           \
            goto cleanup;                                                    \
        }                                                                    \
    } while (0)

#define CM_UNUSED(x) ((void)(x))

/* A growable byte buffer with an upper bound (curl dynbuf style). Always NUL-terminated
 * once anything was appended. Zero-initialise with CM_I_BUF_INIT(max). */
typedef struct cm_i_buf_t {
    char *data;
    size_t len;
    size_t cap;
    size_t max; /* largest allowed len; 0 = 1 GiB */
} cm_i_buf_t;

#define CM_I_BUF_INIT(maxbytes) {NULL, 0, 0, (maxbytes)}

/* Append n bytes. CM_ENOMEM, or CM_EOVERFLOW when the bound would be exceeded. */
cm_error_t cm_i_buf_append(cm_i_buf_t *b, const void *bytes, size_t n);
cm_error_t cm_i_buf_puts(cm_i_buf_t *b, const char *s);
cm_error_t cm_i_buf_printf(cm_i_buf_t *b, const char *fmt, ...) CM_PRINTF(2, 3);
cm_error_t cm_i_buf_vprintf(cm_i_buf_t *b, const char *fmt, va_list ap);
/* Append one CSV record to b: the n fields (NULL = empty) separated by sep, RFC 4180 quoting (a
 * field holding sep, a quote, CR or LF, or starting or ending with a blank or tab is quoted, its
 * quotes doubled), then eol. Returns what cm_i_buf_append returns, without setting an error
 * (src/fmt/csv_write.c; used by the CSV writer and the dashboard's CSV downloads). */
cm_error_t cm_i_csv_append_record(cm_i_buf_t *b, char sep, size_t n, const char *const *fields,
                                  const char *eol);
void cm_i_buf_reset(cm_i_buf_t *b); /* len = 0, memory kept */
void cm_i_buf_free(cm_i_buf_t *b);  /* safe on a zeroed buffer; leaves it zeroed (max kept) */

/* Make room for one more element in the growable array *items of *cap elements of elem_size
 * bytes holding n: when n == *cap, doubles it (first allocation: `first` elements). Returns 0,
 * or -1 when out of memory (the array is then unchanged). */
int cm_i_grow(void **items, size_t *cap, size_t n, size_t elem_size, size_t first);
/* Hand the data to the caller (free with cm_free); the buffer is left empty. Never NULL on
 * CM_OK (an empty string when nothing was appended). */
cm_error_t cm_i_buf_steal(cm_i_buf_t *b, char **out);

#endif

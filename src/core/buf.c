/* Growable byte buffer with an upper bound. */
#include <stdio.h>
#include <string.h>

#include "cm_internal.h"

#define CM_I_BUF_DEFAULT_MAX ((size_t)1 << 30)

cm_error_t cm_i_buf_append(cm_i_buf_t *b, const void *bytes, size_t n)
{
    size_t max = b->max ? b->max : CM_I_BUF_DEFAULT_MAX;
    if (n > max || b->len > max - n) {
        return CM_EOVERFLOW;
    }
    size_t need = b->len + n + 1;
    if (need > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < need) {
            cap = cap > SIZE_MAX / 2 ? need : cap * 2;
        }
        char *p = cm_realloc(b->data, cap);
        if (p == NULL) {
            return CM_ENOMEM;
        }
        b->data = p;
        b->cap = cap;
    }
    if (n > 0) {
        memcpy(b->data + b->len, bytes, n);
    }
    b->len += n;
    b->data[b->len] = '\0';
    return CM_OK;
}

cm_error_t cm_i_buf_puts(cm_i_buf_t *b, const char *s)
{
    return cm_i_buf_append(b, s, strlen(s));
}

cm_error_t cm_i_buf_vprintf(cm_i_buf_t *b, const char *fmt, va_list ap)
{
    char small[256];
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n < 0) {
        va_end(ap2);
        return CM_EINVAL;
    }
    if ((size_t)n < sizeof small) {
        va_end(ap2);
        return cm_i_buf_append(b, small, (size_t)n);
    }
    char *big = cm_malloc((size_t)n + 1);
    if (big == NULL) {
        va_end(ap2);
        return CM_ENOMEM;
    }
    vsnprintf(big, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    cm_error_t rc = cm_i_buf_append(b, big, (size_t)n);
    cm_free(big);
    return rc;
}

cm_error_t cm_i_buf_printf(cm_i_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cm_error_t rc = cm_i_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

void cm_i_buf_reset(cm_i_buf_t *b)
{
    b->len = 0;
    if (b->data != NULL) {
        b->data[0] = '\0';
    }
}

void cm_i_buf_free(cm_i_buf_t *b)
{
    cm_free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

cm_error_t cm_i_buf_steal(cm_i_buf_t *b, char **out)
{
    if (b->data == NULL) {
        cm_error_t rc = cm_i_buf_append(b, "", 0);
        if (rc != CM_OK) {
            return rc;
        }
    }
    *out = b->data;
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    return CM_OK;
}

/* Request targets: percent-decoding with the traversal checks, query parameters, ids and
 * numbers. Nothing here allocates: a hostile URL costs no memory. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cm_internal.h"
#include "fmt/fmt_internal.h"
#include "serve/serve_internal.h"

static int hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* A byte allowed in a decoded path or parameter: printable ASCII without the backslash. */
static int plain_byte(unsigned char c)
{
    return c >= 0x20 && c < 0x7f && c != '\\';
}

/* Decode s[0..n) into out (capacity cap, NUL added). In a path (path non-zero) an encoded '/'
 * is refused, so that "a%2f..%2fb" cannot pass for one segment; in a query '+' is a space.
 * Returns NULL or a message naming the fault. */
static const char *decode(const char *s, size_t n, int path, char *out, size_t cap, size_t *outlen)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%') {
            int hi = i + 1 < n ? hexval(s[i + 1]) : -1;
            int lo = hi >= 0 && i + 2 < n ? hexval(s[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                return "a '%' not followed by two hexadecimal digits";
            }
            c = (unsigned char)(hi * 16 + lo);
            i += 2;
            if (c == 0) {
                return "an encoded NUL (%00)";
            }
            if (c == '/' && path) {
                return "an encoded '/' (%2f)";
            }
        } else if (c == '+' && !path) {
            c = ' ';
        }
        if (c == '\\') {
            return "a backslash";
        }
        if (!plain_byte(c)) {
            return "a control or non-ASCII character";
        }
        if (k + 1 >= cap) {
            return "too long";
        }
        out[k++] = (char)c;
    }
    out[k] = '\0';
    *outlen = k;
    return NULL;
}

/* Check the decoded path: absolute, no empty, "." or ".." segment, no encoded '/'. */
static const char *check_path(const char *p)
{
    if (p[0] != '/') {
        return "the path must start with '/'";
    }
    if (p[1] == '\0') {
        return NULL;
    }
    const char *seg = p + 1;
    for (;;) {
        const char *end = strchr(seg, '/');
        size_t n = end != NULL ? (size_t)(end - seg) : strlen(seg);
        if (n == 0) {
            return "an empty path segment (// or a trailing /)";
        }
        if ((n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.')) {
            return "a '.' or '..' path segment (path traversal refused)";
        }
        if (end == NULL) {
            return NULL;
        }
        seg = end + 1;
    }
}

static int fail(char *why, size_t whylen, int status, const char *fmt, ...) CM_PRINTF(4, 5);
static int fail(char *why, size_t whylen, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, whylen, fmt, ap);
    va_end(ap);
    return status;
}

static int parse_query(const char *q, cm_i_serve_req_t *req, char *why, size_t whylen)
{
    while (*q != '\0') {
        const char *amp = strchr(q, '&');
        size_t n = amp != NULL ? (size_t)(amp - q) : strlen(q);
        const char *eq = memchr(q, '=', n);
        size_t nn = eq != NULL ? (size_t)(eq - q) : n;
        char name[CM_I_SERVE_NAME_MAX + 1];
        size_t len;
        const char *bad;
        if (n == 0) {
            return fail(why, whylen, 400, "an empty query parameter");
        }
        if (req->nparams == CM_I_SERVE_MAX_PARAMS) {
            return fail(why, whylen, 400, "more than %d query parameters", CM_I_SERVE_MAX_PARAMS);
        }
        bad = decode(q, nn, 0, name, sizeof name, &len);
        if (bad != NULL || len == 0 || strspn(name, "abcdefghijklmnopqrstuvwxyz_") != len) {
            return fail(why, whylen, 400, "a query parameter name must be 1 to %d of [a-z_]",
                        CM_I_SERVE_NAME_MAX);
        }
        for (size_t i = 0; i < req->nparams; i++) {
            if (strcmp(req->params[i].name, name) == 0) {
                return fail(why, whylen, 400, "parameter '%s' given twice", name);
            }
        }
        cm_i_serve_param_t *p = &req->params[req->nparams];
        memcpy(p->name, name, len + 1);
        const char *v = eq != NULL ? eq + 1 : q + n;
        bad = decode(v, (size_t)(q + n - v), 0, p->value, sizeof p->value, &len);
        if (bad != NULL) {
            return fail(why, whylen, 400, "parameter '%s': %s", name, bad);
        }
        req->nparams++;
        q += n;
        if (*q == '&') {
            q++;
            if (*q == '\0') {
                return fail(why, whylen, 400, "an empty query parameter");
            }
        }
    }
    return 0;
}

int cm_i_serve_parse_url(const char *url, cm_i_serve_req_t *req, char *why, size_t whylen)
{
    size_t n = strnlen(url, CM_SERVE_URL_MAX + 1);
    size_t len;
    req->path[0] = '\0';
    req->nparams = 0;
    if (n > CM_SERVE_URL_MAX) {
        return fail(why, whylen, 414, "the request target is longer than %d bytes",
                    CM_SERVE_URL_MAX);
    }
    if (url[0] != '/') {
        return fail(why, whylen, 400, "the request target must be a path starting with '/'");
    }
    const char *qm = strchr(url, '?');
    size_t pn = qm != NULL ? (size_t)(qm - url) : n;
    const char *bad = decode(url, pn, 1, req->path, sizeof req->path, &len);
    if (bad == NULL) {
        bad = check_path(req->path);
    }
    if (bad != NULL) {
        req->path[0] = '\0';
        return fail(why, whylen, 400, "invalid path: %s", bad);
    }
    if (qm != NULL) {
        return parse_query(qm + 1, req, why, whylen);
    }
    return 0;
}

const char *cm_i_serve_param(const cm_i_serve_req_t *req, const char *name)
{
    for (size_t i = 0; i < req->nparams; i++) {
        if (strcmp(req->params[i].name, name) == 0) {
            return req->params[i].value;
        }
    }
    return NULL;
}

int cm_i_serve_parse_number(const char *text, double lo, double hi, double *out)
{
    char *end = NULL;
    size_t n = strlen(text);
    if (n == 0 || n > 64 || strspn(text, "0123456789+-.eE") != n) {
        return 0;
    }
    errno = 0;
    double v = cm_i_strtod_c(text, &end);
    if (end != text + n || errno == ERANGE || !isfinite(v) || v < lo || v > hi) {
        return 0;
    }
    *out = v;
    return 1;
}

int cm_i_serve_valid_id(const char *s, int underscore)
{
    const char *set = underscore ? "abcdefghijklmnopqrstuvwxyz0123456789_-"
                                 : "abcdefghijklmnopqrstuvwxyz0123456789-";
    size_t n = strlen(s);
    return n >= 1 && n <= CM_I_SERVE_ID_MAX && strspn(s, set) == n;
}

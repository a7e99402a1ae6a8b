/* Answering a request: method and URL checks, the route table, the security headers. Every
 * route but /api/crit and /api/whatif hands out a body cached in the context at open. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cm_internal.h"
#include "serve/serve_internal.h"

#define CSP                                                                                        \
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "              \
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

static const char json_ct[] = "application/json; charset=utf-8";
static const char csv_type[] = "text/csv; charset=utf-8";
static const char svg_type[] = "image/svg+xml";
static const char no_assessment[] = "no assessment in the store: run cambium assess";

static void add_header(cm_serve_response_t *res, const char *name, const char *value)
{
    if (res->nheaders < CM_SERVE_MAX_HEADERS) {
        res->headers[res->nheaders].name = name;
        res->headers[res->nheaders].value = value;
        res->nheaders++;
    }
}

/* Status, type and the headers every response carries. */
void cm_i_serve_start(cm_serve_response_t *res, int status, const char *type, const char *cache)
{
    res->status = status;
    res->content_type = type;
    res->nheaders = 0;
    add_header(res, "Content-Security-Policy", CSP);
    add_header(res, "X-Content-Type-Options", "nosniff");
    add_header(res, "Referrer-Policy", "no-referrer");
    add_header(res, "Cache-Control", cache);
}

/* 200 with a body borrowed from the context, revalidated through its ETag. */
static cm_error_t borrow(cm_serve_response_t *res, const char *type, const char *data, size_t len,
                         const char *etag)
{
    cm_i_serve_start(res, 200, type, "no-cache");
    add_header(res, "ETag", etag);
    res->body = data;
    res->body_len = len;
    return CM_OK;
}

static cm_error_t borrow_blob(cm_serve_response_t *res, const char *type,
                              const cm_i_serve_blob_t *b)
{
    return borrow(res, type, b->data, b->len, b->etag);
}

cm_error_t cm_i_serve_error(cm_serve_response_t *res, int status, const char *message,
                            cm_error_info_t *err)
{
    json_t *o = json_pack("{s:s}", "error", message);
    char *text = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (text == NULL) {
        return cm_error_set(err, CM_ENOMEM, "serve: out of memory writing an error answer");
    }
    cm_i_serve_start(res, status, json_ct, "no-store");
    res->owned = text;
    res->body = text;
    res->body_len = strlen(text);
    return CM_OK;
}

static cm_error_t errorf(cm_serve_response_t *res, int status, cm_error_info_t *err,
                         const char *fmt, ...) CM_PRINTF(4, 5);
static cm_error_t errorf(cm_serve_response_t *res, int status, cm_error_info_t *err,
                         const char *fmt, ...)
{
    char msg[CM_I_SERVE_WHY_MAX + 128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return cm_i_serve_error(res, status, msg, err);
}

/* --- routes ------------------------------------------------------------------------------- */

typedef cm_error_t route_fn(cm_serve_t *ctx, const cm_i_serve_req_t *req, const char *rest,
                            cm_serve_response_t *res, cm_error_info_t *err);

static cm_error_t serve_asset(const char *name, cm_serve_response_t *res, cm_error_info_t *err)
{
    const cm_i_serve_asset_t *a = cm_i_serve_asset_find(name);
    if (a == NULL) {
        return errorf(res, 404, err, "no dashboard file '%.64s'", name);
    }
    return borrow(res, cm_i_serve_content_type(a->name), (const char *)a->data, a->len, a->etag);
}

static cm_error_t r_index(cm_serve_t *ctx, const cm_i_serve_req_t *req, const char *rest,
                          cm_serve_response_t *res, cm_error_info_t *err)
{
    CM_UNUSED(ctx);
    CM_UNUSED(req);
    CM_UNUSED(rest);
    return serve_asset("index.html", res, err);
}

static cm_error_t r_asset(cm_serve_t *ctx, const cm_i_serve_req_t *req, const char *rest,
                          cm_serve_response_t *res, cm_error_info_t *err)
{
    CM_UNUSED(ctx);
    CM_UNUSED(req);
    return serve_asset(rest, res, err);
}

static cm_error_t r_health(cm_serve_t *ctx, const cm_i_serve_req_t *req, const char *rest,
                           cm_serve_response_t *res, cm_error_info_t *err)
{
    CM_UNUSED(req);
    CM_UNUSED(rest);
    CM_UNUSED(err);
    return borrow_blob(res, json_ct, &ctx->health);
}

static cm_error_t r_assessment(cm_serve_t *ctx, const cm_i_serve_req_t *req, const char *rest,
                               cm_serve_response_t *res, cm_error_info_t *err)
{
    CM_UNUSED(req);
    CM_UNUSED(rest);
    if (!ctx->has_assessment) {
        return cm_i_serve_error(res, 404, no_assessment, err);
    }
    return borrow_blob(res, json_ct, &ctx->assessment);
}

/* The table named by \p id ("<id>" with the extension cut), or an error answer in res. */
static const cm_i_serve_table_t *find_table(cm_serve_t *ctx, const char *id, size_t n,
                                            cm_serve_response_t *res, cm_error_t *rc,
                                            cm_error_info_t *err)
{
    char buf[CM_I_SERVE_ID_MAX + 1];
    if (n == 0 || n > CM_I_SERVE_ID_MAX) {
        *rc =
            errorf(res, 400, err, "invalid table id '%.64s' (expected 1 to 64 of [a-z0-9_-])", id);
        return NULL;
    }
    memcpy(buf, id, n);
    buf[n] = '\0';
    if (!cm_i_serve_valid_id(buf, 1)) {
        *rc =
            errorf(res, 400, err, "invalid table id '%.64s' (expected 1 to 64 of [a-z0-9_-])", id);
        return NULL;
    }
    if (!ctx->has_assessment) {
        *rc = cm_i_serve_error(res, 404, no_assessment, err);
        return NULL;
    }
    size_t lo = 0, hi = ctx->ntables;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(ctx->tables[mid].id, buf);
        if (c == 0) {
            return &ctx->tables[mid];
        }
        if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    *rc = errorf(res, 404, err, "no table '%s' in the assessment", buf);
    return NULL;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static cm_error_t r_table(cm_serve_t *ctx, const cm_i_serve_req_t *req, const char *rest,
                          cm_serve_response_t *res, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    int csv = ends_with(rest, ".csv");
    size_t n = strlen(rest) - (csv ? 4 : 0);
    const cm_i_serve_table_t *t = find_table(ctx, rest, n, res, &rc, err);
    CM_UNUSED(req);
    if (t == NULL) {
        return rc;
    }
    if (!csv) {
        return borrow_blob(res, json_ct, &t->json);
    }
    borrow_blob(res, csv_type, &t->csv);
    add_header(res, "Content-Disposition", t->disposition);
    return CM_OK;
}

static cm_error_t r_figure(cm_serve_t *ctx, const cm_i_serve_req_t *req, const char *rest,
                           cm_serve_response_t *res, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    CM_UNUSED(req);
    if (!ends_with(rest, ".svg")) {
        return errorf(res, 404, err, "a figure is /api/figure/<table id>.svg, got '%.64s'", rest);
    }
    const cm_i_serve_table_t *t = find_table(ctx, rest, strlen(rest) - 4, res, &rc, err);
    if (t == NULL) {
        return rc;
    }
    if (t->svg.data == NULL) {
        return errorf(res, 404, err, "table '%s' has no figure", t->id);
    }
    return borrow_blob(res, svg_type, &t->svg);
}

static cm_error_t r_material(cm_serve_t *ctx, const cm_i_serve_req_t *req, const char *rest,
                             cm_serve_response_t *res, cm_error_info_t *err)
{
    CM_UNUSED(req);
    if (!cm_i_serve_valid_id(rest, 0)) {
        return errorf(res, 400, err, "invalid material id '%.64s' (expected 1 to 64 of [a-z0-9-])",
                      rest);
    }
    size_t lo = 0, hi = ctx->nmats;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(ctx->mats[mid].id, rest);
        if (c == 0) {
            return borrow_blob(res, json_ct, &ctx->mats[mid].json);
        }
        if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (!ctx->has_assessment) {
        return cm_i_serve_error(res, 404, no_assessment, err);
    }
    return errorf(res, 404, err, "material '%s' is in no table of the assessment", rest);
}

static cm_error_t r_materials(cm_serve_t *ctx, const cm_i_serve_req_t *req, const char *rest,
                              cm_serve_response_t *res, cm_error_info_t *err)
{
    CM_UNUSED(req);
    CM_UNUSED(rest);
    CM_UNUSED(err);
    return borrow_blob(res, json_ct, &ctx->materials);
}

static cm_error_t r_crit(cm_serve_t *ctx, const cm_i_serve_req_t *req, const char *rest,
                         cm_serve_response_t *res, cm_error_info_t *err)
{
    CM_UNUSED(rest);
    return cm_i_serve_crit(ctx, req, res, err);
}

static cm_error_t r_whatif(cm_serve_t *ctx, const cm_i_serve_req_t *req, const char *rest,
                           cm_serve_response_t *res, cm_error_info_t *err)
{
    CM_UNUSED(rest);
    return cm_i_serve_whatif(ctx, req, res, err);
}

static cm_error_t r_datasets(cm_serve_t *ctx, const cm_i_serve_req_t *req, const char *rest,
                             cm_serve_response_t *res, cm_error_info_t *err)
{
    CM_UNUSED(req);
    CM_UNUSED(rest);
    CM_UNUSED(err);
    return borrow_blob(res, json_ct, &ctx->datasets);
}

/* The routes: an exact path, or a prefix followed by one more segment (or, for /assets/, a
 * relative path). `params` lists the query parameters the route accepts. */
typedef struct route_t {
    const char *path;
    int prefix;
    const char *params;
    route_fn *fn;
} route_t;

static const route_t routes[] = {
    {"/", 0, NULL, r_index},
    {"/index.html", 0, NULL, r_index},
    {"/assets/", 1, NULL, r_asset},
    {"/api/health", 0, NULL, r_health},
    {"/api/assessment", 0, NULL, r_assessment},
    {"/api/table/", 1, NULL, r_table},
    {"/api/figure/", 1, NULL, r_figure},
    {"/api/material/", 1, NULL, r_material},
    {"/api/materials", 0, NULL, r_materials},
    {"/api/crit", 0, "sr ei", r_crit},
    {"/api/whatif", 0, "material country cut sr ei", r_whatif},
    {"/api/datasets", 0, NULL, r_datasets},
};

static const route_t *match(const char *path, const char **rest)
{
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        const route_t *r = &routes[i];
        size_t n = strlen(r->path);
        if (!r->prefix && strcmp(path, r->path) == 0) {
            *rest = path + n;
            return r;
        }
        /* a prefix route takes one segment, /assets/ a relative path */
        if (r->prefix && strncmp(path, r->path, n) == 0 && path[n] != '\0' &&
            (strchr(path + n, '/') == NULL || strcmp(r->path, "/assets/") == 0)) {
            *rest = path + n;
            return r;
        }
    }
    return NULL;
}

/* The name is among the space-separated words of list. */
static int listed(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; p != NULL && *p != '\0';) {
        const char *sp = strchr(p, ' ');
        size_t k = sp != NULL ? (size_t)(sp - p) : strlen(p);
        if (k == n && strncmp(p, name, n) == 0) {
            return 1;
        }
        p = sp != NULL ? sp + 1 : NULL;
    }
    return 0;
}

cm_error_t cm_serve_handle(cm_serve_t *ctx, const char *method, const char *url,
                           cm_serve_response_t *res, cm_error_info_t *err)
{
    cm_i_serve_req_t req;
    char why[CM_I_SERVE_WHY_MAX];
    const char *rest = NULL;
    if (res != NULL) {
        cm_serve_response_destroy(res);
    }
    if (ctx == NULL || method == NULL || url == NULL || res == NULL) {
        return cm_error_set(err, CM_EINVAL,
                            "cm_serve_handle: ctx, method, url and res are "
                            "required");
    }
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
        cm_error_t rc = cm_i_serve_error(res, 405, "only GET and HEAD are allowed", err);
        if (rc == CM_OK) {
            add_header(res, "Allow", "GET, HEAD");
        }
        return rc;
    }
    int status = cm_i_serve_parse_url(url, &req, why, sizeof why);
    if (status != 0) {
        return cm_i_serve_error(res, status, why, err);
    }
    const route_t *r = match(req.path, &rest);
    if (r == NULL) {
        return errorf(res, 404, err, "no such route: %.64s", req.path);
    }
    for (size_t i = 0; i < req.nparams; i++) {
        if (!listed(r->params, req.params[i].name)) {
            return errorf(res, 400, err, "unknown parameter '%s' (%s%s)", req.params[i].name,
                          r->params != NULL ? "expected one of: " : "this route takes none",
                          r->params != NULL ? r->params : "");
        }
    }
    return r->fn(ctx, &req, rest, res, err);
}

/* --- responses ---------------------------------------------------------------------------- */

const char *cm_serve_response_header(const cm_serve_response_t *res, const char *name)
{
    if (res == NULL || name == NULL) {
        return NULL;
    }
    if (strcasecmp(name, "Content-Type") == 0) {
        return res->content_type;
    }
    for (size_t i = 0; i < res->nheaders; i++) {
        if (strcasecmp(res->headers[i].name, name) == 0) {
            return res->headers[i].value;
        }
    }
    return NULL;
}

int cm_serve_not_modified(cm_serve_response_t *res, const char *if_none_match)
{
    const char *etag = cm_serve_response_header(res, "ETag");
    if (res == NULL || if_none_match == NULL || etag == NULL || res->status != 200) {
        return 0;
    }
    size_t n = strlen(etag);
    int hit = 0;
    for (const char *p = if_none_match; *p != '\0' && !hit;) {
        p += strspn(p, " \t,");
        if (*p == '*') {
            hit = 1;
            break;
        }
        if (strncmp(p, "W/", 2) == 0) {
            p += 2; /* weak comparison (RFC 9110 13.1.2) */
        }
        size_t k = strcspn(p, ",");
        while (k > 0 && (p[k - 1] == ' ' || p[k - 1] == '\t')) {
            k--;
        }
        hit = k == n && strncmp(p, etag, n) == 0;
        p += strcspn(p, ",");
    }
    if (!hit) {
        return 0;
    }
    res->status = 304;
    cm_free(res->owned);
    res->owned = NULL;
    res->body = NULL;
    res->body_len = 0;
    return 1;
}

void cm_serve_response_destroy(cm_serve_response_t *res)
{
    if (res == NULL) {
        return;
    }
    cm_free(res->owned);
    memset(res, 0, sizeof *res);
}

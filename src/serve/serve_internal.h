/* Internals of the dashboard server (src/serve/): the loaded state, the URL parser, the routes
 * and the embedded dashboard files. */
#ifndef CAMBIUM_SERVE_INTERNAL_H
#define CAMBIUM_SERVE_INTERNAL_H

#include <pthread.h>
#include <stddef.h>

#include <jansson.h>

#include "cambium/cm_crit_whatif.h"
#include "cambium/cm_serve.h"
#include "cambium/cm_store.h"

/* Limits of a parsed request target. */
#define CM_I_SERVE_MAX_PARAMS 16 /* query parameters */
#define CM_I_SERVE_NAME_MAX 32   /* bytes of a parameter name */
#define CM_I_SERVE_VALUE_MAX 128 /* bytes of a decoded parameter value */
#define CM_I_SERVE_ID_MAX 64     /* bytes of a table or material id */
#define CM_I_SERVE_WHY_MAX 256   /* bytes of an error message for the client */

/* A cached response body with its entity tag ("\"<first 32 hex digits of SHA-256>\""). */
typedef struct cm_i_serve_blob_t {
    char *data; /* NULL when absent */
    size_t len;
    char etag[40];
} cm_i_serve_blob_t;

/* A table of the newest assessment: its JSON (as stored), CSV and figure. */
typedef struct cm_i_serve_table_t {
    char *id;
    cm_i_serve_blob_t json;
    cm_i_serve_blob_t csv;
    cm_i_serve_blob_t svg; /* data NULL: the table has no figure */
    char *disposition;     /* attachment; filename="<id>.csv" */
} cm_i_serve_table_t;

/* A material that appears in a table's material column, with its /api/material answer. */
typedef struct cm_i_serve_material_t {
    char *id;
    cm_i_serve_blob_t json;
} cm_i_serve_material_t;

/* One row of crit_be for /api/crit (NaN where the table has null). */
typedef struct cm_i_serve_crit_t {
    char *material;
    double sr_eu, ei_eu, sr_be, ei_be;
} cm_i_serve_crit_t;

/* A dashboard file embedded at build time (generated serve_assets.c; sorted by name). */
typedef struct cm_i_serve_asset_t {
    const char *name;          /* path under assets/dashboard/, e.g. "app.js" */
    const unsigned char *data; /* NUL-terminated copy of the file */
    size_t len;
    const char *etag; /* "\"<first 32 hex digits of SHA-256>\"" */
} cm_i_serve_asset_t;

extern const cm_i_serve_asset_t cm_i_serve_assets[];
extern const size_t cm_i_serve_nassets;

/* The embedded file \p name (bsearch), or NULL. */
const cm_i_serve_asset_t *cm_i_serve_asset_find(const char *name);
/* Content type of a file name by its extension (static string; application/octet-stream when
 * unknown). */
const char *cm_i_serve_content_type(const char *name);

struct cm_serve_t {
    char *store_path;
    cm_store_t *store; /* open read-only for the life of the context */
    /* Serialises handlers that query the store at request time (the store connection is one
     * SQLite handle with its prepared statements); the cached routes never take it. */
    pthread_mutex_t store_lock;
    int store_lock_ready;
    int has_assessment;
    cm_i_serve_blob_t assessment; /* the assessment.json as stored */
    cm_i_serve_blob_t health;     /* /api/health */
    cm_i_serve_blob_t datasets;   /* /api/datasets */
    cm_i_serve_blob_t materials;  /* /api/materials */
    cm_i_serve_table_t *tables;   /* sorted by id */
    size_t ntables;
    cm_i_serve_material_t *mats; /* sorted by id */
    size_t nmats;
    cm_i_serve_crit_t *crit; /* crit_be rows; has_crit 0 when the table is absent */
    size_t ncrit;
    int has_crit;
    char crit_missing[CM_I_SERVE_WHY_MAX]; /* why /api/crit has nothing */
    /* /api/whatif inputs, loaded by the first query under store_lock; NULL until then (or
     * while they fail to load) */
    cm_crit_whatif_ctx_t *whatif;
};

/* --- URL parsing (serve_url.c) --------------------------------------------------------------- */

typedef struct cm_i_serve_param_t {
    char name[CM_I_SERVE_NAME_MAX + 1];
    char value[CM_I_SERVE_VALUE_MAX + 1];
} cm_i_serve_param_t;

typedef struct cm_i_serve_req_t {
    char path[CM_SERVE_URL_MAX + 1]; /* percent-decoded, checked path */
    size_t nparams;
    cm_i_serve_param_t params[CM_I_SERVE_MAX_PARAMS];
} cm_i_serve_req_t;

/* Parse and check a request target. Returns 0, or the HTTP status to answer (400, 414) with
 * the reason in why. Allocates nothing. */
int cm_i_serve_parse_url(const char *url, cm_i_serve_req_t *req, char *why, size_t whylen);
/* Value of parameter name, or NULL. */
const char *cm_i_serve_param(const cm_i_serve_req_t *req, const char *name);
/* A whole finite decimal number in [lo, hi] (no hex, inf or nan; "C" locale): 1 and *out. */
int cm_i_serve_parse_number(const char *text, double lo, double hi, double *out);
/* Non-zero when s is 1..64 characters of [a-z0-9-] (material ids) or, with underscore
 * non-zero, of [a-z0-9_-] (table ids). */
int cm_i_serve_valid_id(const char *s, int underscore);

/* --- loading (serve_load.c, serve_tables.c) -------------------------------------------------- */

/* Fill b with a copy of len bytes (NUL added) and its ETag. */
cm_error_t cm_i_serve_blob_set(cm_i_serve_blob_t *b, const char *data, size_t len,
                               cm_error_info_t *err);
/* Take ownership of data (allocated with cm_malloc) and compute its ETag. */
void cm_i_serve_blob_take(cm_i_serve_blob_t *b, char *data, size_t len);
void cm_i_serve_blob_free(cm_i_serve_blob_t *b);

/* Check a table object against the contract (columns with names, rows of numbers, strings and
 * nulls of the right width). 0 when valid; otherwise the reason in why. */
int cm_i_serve_table_check(const json_t *t, char *why, size_t whylen);
/* The table as CSV: header row of column names, RFC 4180 quoting, numbers round-tripping. */
cm_error_t cm_i_serve_table_csv(const json_t *t, char **csv, size_t *len, cm_error_info_t *err);
/* Materials (sorted, with their /api/material answers and the /api/materials list) and the
 * crit_be rows, from the loaded table objects (objs[i] belongs to ctx->tables[i]). */
cm_error_t cm_i_serve_build_materials(cm_serve_t *ctx, json_t *const *objs, cm_error_info_t *err);
cm_error_t cm_i_serve_build_crit(cm_serve_t *ctx, const json_t *crit_be, cm_error_info_t *err);
/* json_dumps with the server's flags (compact, sorted keys, %.17g) into a blob. */
cm_error_t cm_i_serve_blob_json(cm_i_serve_blob_t *b, const json_t *j, cm_error_info_t *err);

/* --- routes (serve_handle.c, serve_crit.c) --------------------------------------------------- */

/* Set status and content type and the headers every response carries (CSP, nosniff,
 * Referrer-Policy, Cache-Control: cache); type and cache are static strings. */
void cm_i_serve_start(cm_serve_response_t *res, int status, const char *type, const char *cache);
/* Fill res with an error answer {"error": message} (owned body). */
cm_error_t cm_i_serve_error(cm_serve_response_t *res, int status, const char *message,
                            cm_error_info_t *err);
/* /api/crit: the classes of crit_be recomputed at the request's thresholds. */
cm_error_t cm_i_serve_crit(cm_serve_t *ctx, const cm_i_serve_req_t *req, cm_serve_response_t *res,
                           cm_error_info_t *err);
/* /api/whatif: cm_crit_whatif_compute on ctx->whatif (loaded at the first query), under the store
 * lock (serve_whatif.c). */
cm_error_t cm_i_serve_whatif(cm_serve_t *ctx, const cm_i_serve_req_t *req,
                             cm_serve_response_t *res, cm_error_info_t *err);

#endif

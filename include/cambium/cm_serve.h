/**
 * \file cm_serve.h
 * \brief The dashboard server: the HTTP API of docs/dashboard-contract.md (section 2) over the
 * newest assessment in a store, and the dashboard's own files embedded in the library.
 *
 * Two layers. ::cm_serve_open loads everything a request can ask for (the newest assessment,
 * its tables, the provenance list, the materials) from a store opened read-only, and
 * ::cm_serve_handle answers one request from that state without sockets: a pure function of
 * (method, URL) that never writes to the store. ::cm_serve_http_start puts the handler behind
 * libmicrohttpd (its internal thread pool). After ::cm_serve_open the context is only read, so
 * requests may be handled from several threads at once.
 *
 * Every response carries the security headers (Content-Security-Policy, X-Content-Type-Options,
 * Referrer-Policy, Cache-Control). Only GET and HEAD are answered (others: 405 with Allow); URLs
 * longer than ::CM_SERVE_URL_MAX bytes get 414; traversal attempts ("..", "%2e%2e", a
 * backslash, NUL, an empty segment) and malformed parameters get 400 naming what was wrong;
 * unknown routes and ids get 404. Error bodies are `{"error": "message"}`.
 */
#ifndef CAMBIUM_CM_SERVE_H
#define CAMBIUM_CM_SERVE_H

#include <stddef.h>

#include "cm_common.h"
#include "cm_error.h"

CM_BEGIN_DECLS

/** The request-handling context (opaque): the loaded assessment and the open store. */
typedef struct cm_serve_t cm_serve_t;

/** Longest request target (path and query) answered; a longer one gets 414. */
#define CM_SERVE_URL_MAX 2048
/** Most response headers a ::cm_serve_response_t carries. */
#define CM_SERVE_MAX_HEADERS 8

/** One response header; name and value are borrowed (static or owned by the context). */
typedef struct cm_serve_header_t {
    const char *name;
    const char *value;
} cm_serve_header_t;

/**
 * A response. Zero-initialise it before the first ::cm_serve_handle and destroy it with
 * ::cm_serve_response_destroy. `body` points at `body_len` bytes, either borrowed from the
 * context (valid until ::cm_serve_close) or owned by the response (`owned`, freed by destroy).
 * For HEAD the response is the one GET would give, body included: the transport sends only the
 * headers and the length.
 */
typedef struct cm_serve_response_t {
    int status;               /**< HTTP status: 200, 304, 400, 404, 405, 414 */
    const char *content_type; /**< e.g. "application/json; charset=utf-8" (static string) */
    const char *body;         /**< the body (not NUL-terminated in general) */
    size_t body_len;          /**< bytes of body */
    char *owned;              /**< non-NULL when the response owns body (== body) */
    size_t nheaders;          /**< headers used */
    cm_serve_header_t headers[CM_SERVE_MAX_HEADERS]; /**< besides Content-Type */
} cm_serve_response_t;

/**
 * \brief Open the store at \p store_path read-only and load what the API serves: the newest
 * assessment (the `assess/index` result with the largest id), the tables its sections list
 * (for each, the `assess/table` result of that recipe and table id with the largest id), the
 * datasets with their provenance, the materials that appear in a table's material column (named
 * from the store's "material" classification) and each material's rows. A table whose content is
 * not a contract table object (columns, rows of numbers, strings and nulls) is left out with a
 * warning (cm_log). A store without an assessment is not an error: the API then answers 404
 * "no assessment in the store: run cambium assess" where an assessment is needed.
 * \param[in] store_path the store file (must exist; it is never written).
 * \param[out] out the context; the caller owns it: ::cm_serve_close.
 * \return CM_OK; CM_EINVAL (NULL arguments); CM_EFILE (no such store); CM_ESTORE (not a cambium
 * store, an SQLite error); CM_EPARSE (the assessment row is not a JSON object with a recipe
 * and sections); CM_ENOMEM. Complexity: linear in the size of the assessment's tables (read once
 * and serialised once); memory about three times their JSON size.
 */
CM_EXPORT cm_error_t cm_serve_open(const char *store_path, cm_serve_t **out, cm_error_info_t *err);

/** \brief Close the store and free everything; NULL is a no-op. No request may be in flight. */
CM_EXPORT void cm_serve_close(cm_serve_t *ctx);

/** \brief Non-zero when the store held an assessment at open (0 for NULL). */
CM_EXPORT int cm_serve_has_assessment(const cm_serve_t *ctx);

/** \brief Number of tables loaded from the newest assessment (0 for NULL). */
CM_EXPORT size_t cm_serve_table_count(const cm_serve_t *ctx);

/** \brief The store path given to ::cm_serve_open (borrowed; NULL for NULL). */
CM_EXPORT const char *cm_serve_store_path(const cm_serve_t *ctx);

/**
 * \brief Answer one request. Routes (docs/serve.md): `/` and `/assets/<file>` (the embedded
 * dashboard files), `/api/health`, `/api/assessment`, `/api/table/<id>`, `/api/table/<id>.csv`,
 * `/api/figure/<id>.svg`, `/api/material/<id>`, `/api/materials`, `/api/crit?sr=&ei=`,
 * `/api/datasets`. Every HTTP outcome, 4xx included, is CM_OK with the status in \p res.
 * Thread-safe: the context is only read.
 * \param[in] method the request method as received ("GET", "HEAD"; anything else gets 405).
 * \param[in] url the request target as received, not percent-decoded: path and optional query.
 * \param[in,out] res zeroed or a response destroyed before (it is destroyed first); the caller
 * destroys it with ::cm_serve_response_destroy.
 * \return CM_OK; CM_EINVAL (NULL arguments); CM_ENOMEM (then \p res is empty and the transport
 * answers 500). Complexity: O(1) for cached bodies (assets, tables, CSV, figures, materials,
 * provenance); O(n) in the materials of crit_be for /api/crit.
 */
CM_EXPORT cm_error_t cm_serve_handle(cm_serve_t *ctx, const char *method, const char *url,
                                     cm_serve_response_t *res, cm_error_info_t *err);

/**
 * \brief Conditional GET: when \p if_none_match (the request's If-None-Match header, may be
 * NULL) lists the response's ETag or is "*", turn a 200 response into 304 without a body.
 * \return non-zero when the response became 304.
 */
CM_EXPORT int cm_serve_not_modified(cm_serve_response_t *res, const char *if_none_match);

/** \brief Value of header \p name in \p res (case-insensitive; "Content-Type" included), or NULL.
 */
CM_EXPORT const char *cm_serve_response_header(const cm_serve_response_t *res, const char *name);

/** \brief Free the owned body and zero \p res; safe on a zeroed response or twice. */
CM_EXPORT void cm_serve_response_destroy(cm_serve_response_t *res);

/* --- the HTTP server (libmicrohttpd) --------------------------------------------------------- */

/** A running HTTP server (opaque). */
typedef struct cm_serve_http_t cm_serve_http_t;

/** Options of ::cm_serve_http_start. */
typedef struct cm_serve_http_options_t {
    const char *bind; /**< numeric IPv4 or IPv6 address; NULL = "127.0.0.1" */
    int port;         /**< TCP port 0..65535; 0 = an ephemeral port (::cm_serve_http_port) */
    int threads;      /**< worker threads 1..256; 0 = the number of online CPUs (at most 16) */
} cm_serve_http_options_t;

/**
 * \brief Serve \p ctx over HTTP/1.1 with libmicrohttpd's internal thread pool. Request line and
 * headers together are bounded (16 KiB: beyond that 414 or 431); connections idle for 30 s are
 * closed; at most 1024 connections at once. The raw request target reaches ::cm_serve_handle
 * (libmicrohttpd does not unescape it), If-None-Match is honoured (304).
 * \param[in] ctx borrowed: must outlive the server.
 * \param[out] out the server; stop it with ::cm_serve_http_stop.
 * \return CM_OK; CM_EINVAL (NULL arguments, a bind address that is not numeric, a port or thread
 * count out of range); CM_EFILE (the address cannot be bound, e.g. the port is in use);
 * CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_serve_http_start(cm_serve_t *ctx, const cm_serve_http_options_t *opt,
                                         cm_serve_http_t **out, cm_error_info_t *err);

/** \brief The port the server listens on (the ephemeral one for port 0); 0 for NULL. */
CM_EXPORT int cm_serve_http_port(const cm_serve_http_t *http);

/** \brief Stop the server (waits for the worker threads) and free it; NULL is a no-op. */
CM_EXPORT void cm_serve_http_stop(cm_serve_http_t *http);

CM_END_DECLS

#endif

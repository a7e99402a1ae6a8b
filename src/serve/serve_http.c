/* The HTTP transport of cm_serve_handle: libmicrohttpd with its internal thread pool. The raw
 * request target (libmicrohttpd's own unescaping is switched off) goes to the handler, which
 * does its own decoding and checks; the response's body is handed to libmicrohttpd without a
 * copy (borrowed bodies live as long as the context, owned ones are freed by it). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "cm_internal.h"
#include "serve/serve_internal.h"

/* Request line and headers of one request share this much memory (beyond: 414 or 431). */
#define MEMORY_LIMIT ((size_t)16 * 1024)
#define CONNECTION_LIMIT 1024
#define TIMEOUT_SECONDS 30

struct cm_serve_http_t {
    struct MHD_Daemon *daemon;
    cm_serve_t *ctx;
    int port;
};

/* Per request: the raw target, whether the handler saw it and whether it was answered. */
typedef struct request_t {
    char *target; /* NULL when it could not be copied */
    int seen;
    int answered;
} request_t;

static const char oom_body[] = "{\"error\":\"out of memory\"}";

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    request_t *r = cm_calloc(1, sizeof *r);
    CM_UNUSED(cls);
    CM_UNUSED(conn);
    if (r != NULL) {
        /* one byte more than the handler accepts, so that an overlong target is seen as one */
        r->target = cm_strndup(uri, CM_SERVE_URL_MAX + 1);
    }
    return r;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    request_t *r = *req_cls;
    CM_UNUSED(cls);
    CM_UNUSED(conn);
    CM_UNUSED(toe);
    if (r != NULL) {
        cm_free(r->target);
        cm_free(r);
        *req_cls = NULL;
    }
}

/* Leave the target as received: cm_serve_handle decodes it (and refuses %00 and %2f). */
static size_t no_unescape(void *cls, struct MHD_Connection *conn, char *s)
{
    CM_UNUSED(cls);
    CM_UNUSED(conn);
    return strlen(s);
}

static void on_log(void *cls, const char *fmt, va_list ap)
{
    char msg[512];
    CM_UNUSED(cls);
    vsnprintf(msg, sizeof msg, fmt, ap);
    msg[strcspn(msg, "\n")] = '\0';
    cm_log(CM_LOG_DEBUG, "serve: libmicrohttpd: %s", msg);
}

static void free_body(void *p)
{
    cm_free(p);
}

static enum MHD_Result queue(struct MHD_Connection *conn, cm_serve_response_t *res)
{
    struct MHD_Response *r;
    if (res->owned != NULL) {
        r = MHD_create_response_from_buffer_with_free_callback(res->body_len, res->owned,
                                                               free_body);
        if (r != NULL) {
            res->owned = NULL; /* libmicrohttpd frees it */
        }
    } else {
        r = MHD_create_response_from_buffer(res->body_len, (void *)res->body,
                                            MHD_RESPMEM_PERSISTENT);
    }
    if (r == NULL) {
        return MHD_NO;
    }
    enum MHD_Result ok = MHD_YES;
    if (res->content_type != NULL) {
        ok = MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, res->content_type);
    }
    for (size_t i = 0; i < res->nheaders && ok == MHD_YES; i++) {
        ok = MHD_add_response_header(r, res->headers[i].name, res->headers[i].value);
    }
    if (ok == MHD_YES) {
        ok = MHD_queue_response(conn, (unsigned int)res->status, r);
    }
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **req_cls)
{
    cm_serve_http_t *h = cls;
    request_t *r = *req_cls;
    cm_serve_response_t res;
    cm_error_info_t err;
    int allowed = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    CM_UNUSED(url);
    CM_UNUSED(version);
    CM_UNUSED(upload_data);
    if (r != NULL && r->answered) {
        *upload_data_size = 0; /* a body sent after the answer: dropped */
        return MHD_YES;
    }
    /* GET and HEAD are answered on the second call, once libmicrohttpd has read the request
     * (answering on the first call would cost the connection its keep-alive); any other method
     * is refused at once, without reading its body. */
    if (r != NULL && allowed && !r->seen) {
        r->seen = 1;
        return MHD_YES;
    }
    memset(&res, 0, sizeof res);
    memset(&err, 0, sizeof err);
    if (r == NULL || r->target == NULL ||
        cm_serve_handle(h->ctx, method, r->target, &res, &err) != CM_OK) {
        cm_i_serve_start(&res, 500, "application/json; charset=utf-8", "no-store");
        res.body = oom_body;
        res.body_len = sizeof oom_body - 1;
    } else {
        cm_serve_not_modified(&res, MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                                MHD_HTTP_HEADER_IF_NONE_MATCH));
    }
    if (r != NULL) {
        r->answered = 1;
    }
    *upload_data_size = 0;
    enum MHD_Result ok = queue(conn, &res);
    cm_serve_response_destroy(&res);
    return ok;
}

static int default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 16 ? 16 : (int)n;
}

cm_error_t cm_serve_http_start(cm_serve_t *ctx, const cm_serve_http_options_t *opt,
                               cm_serve_http_t **out, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_serve_http_t *h = NULL;
    struct sockaddr_in in4;
    struct sockaddr_in6 in6;
    const struct sockaddr *addr;
    unsigned int flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG;
    if (out != NULL) {
        *out = NULL;
    }
    if (ctx == NULL || opt == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_serve_http_start: ctx, opt and out are required");
    }
    const char *bind = opt->bind != NULL ? opt->bind : "127.0.0.1";
    if (opt->port < 0 || opt->port > 65535) {
        return cm_error_set(err, CM_EINVAL, "port: expected 0 to 65535, got %d", opt->port);
    }
    if (opt->threads < 0 || opt->threads > 256) {
        return cm_error_set(err, CM_EINVAL, "threads: expected 1 to 256 (0 = one per CPU), got %d",
                            opt->threads);
    }
    memset(&in4, 0, sizeof in4);
    memset(&in6, 0, sizeof in6);
    if (inet_pton(AF_INET, bind, &in4.sin_addr) == 1) {
        in4.sin_family = AF_INET;
        in4.sin_port = htons((uint16_t)opt->port);
        addr = (const struct sockaddr *)&in4;
    } else if (inet_pton(AF_INET6, bind, &in6.sin6_addr) == 1) {
        in6.sin6_family = AF_INET6;
        in6.sin6_port = htons((uint16_t)opt->port);
        addr = (const struct sockaddr *)&in6;
        flags |= MHD_USE_IPv6;
    } else {
        return cm_error_set(err, CM_EINVAL,
                            "bind: expected a numeric IPv4 or IPv6 address, got '%.64s'", bind);
    }
    h = cm_calloc(1, sizeof *h);
    CM_NOMEM(h, err);
    h->ctx = ctx;
    unsigned int threads = (unsigned int)(opt->threads > 0 ? opt->threads : default_threads());
    /* the logger first: libmicrohttpd reports problems with the options that follow; a pool
     * of one thread is the polling thread itself */
    struct MHD_OptionItem ops[] = {
        {MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)on_log, NULL},
        {MHD_OPTION_SOCK_ADDR, 0, (void *)addr},
        {MHD_OPTION_CONNECTION_LIMIT, CONNECTION_LIMIT, NULL},
        {MHD_OPTION_CONNECTION_TIMEOUT, TIMEOUT_SECONDS, NULL},
        {MHD_OPTION_CONNECTION_MEMORY_LIMIT, (intptr_t)MEMORY_LIMIT, NULL},
        {MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)on_uri, NULL},
        {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, NULL},
        {MHD_OPTION_UNESCAPE_CALLBACK, (intptr_t)no_unescape, NULL},
        {threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, (intptr_t)threads, NULL},
        {MHD_OPTION_END, 0, NULL},
    };
    h->daemon = MHD_start_daemon(flags, (uint16_t)opt->port, NULL, NULL, on_request, h,
                                 MHD_OPTION_ARRAY, ops, MHD_OPTION_END);
    if (h->daemon == NULL) {
        CM_FAIL(cm_error_set(err, CM_EFILE,
                             "cannot listen on %s port %d (in use, not permitted or no such "
                             "address)",
                             bind, opt->port));
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
    h->port = info != NULL && info->port != 0 ? (int)info->port : opt->port;
    *out = h;
    h = NULL;
cleanup:
    cm_serve_http_stop(h);
    return rc;
}

int cm_serve_http_port(const cm_serve_http_t *http)
{
    return http != NULL ? http->port : 0;
}

void cm_serve_http_stop(cm_serve_http_t *http)
{
    if (http == NULL) {
        return;
    }
    if (http->daemon != NULL) {
        MHD_stop_daemon(http->daemon);
    }
    cm_free(http);
}

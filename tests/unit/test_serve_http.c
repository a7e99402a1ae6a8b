/* The dashboard server over a real loopback socket: libmicrohttpd on an ephemeral port of
 * 127.0.0.1, spoken to with plain sockets (GET, HEAD, POST, traversal, oversized requests,
 * keep-alive, conditional GET, concurrent clients). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "test_serve_fixture.h"

typedef struct server_t {
    cm_serve_t *ctx;
    cm_serve_http_t *http;
    int port;
} server_t;

static void start(server_t *s, int assessment)
{
    cm_error_info_t err;
    cm_serve_http_options_t opt = {"127.0.0.1", 0, 2};
    memset(&err, 0, sizeof err);
    const char *path = fixture_store(assessment ? "http.db" : "http-empty.db", assessment);
    CHECK_OK(cm_serve_open(path, &s->ctx, &err), &err);
    CHECK_OK(cm_serve_http_start(s->ctx, &opt, &s->http, &err), &err);
    s->port = cm_serve_http_port(s->http);
    assert_true(s->port > 0);
}

static void stop(server_t *s)
{
    cm_serve_http_stop(s->http);
    cm_serve_close(s->ctx);
}

static int dial(int port)
{
    struct sockaddr_in a;
    struct timeval tv = {5, 0};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    return fd;
}

static void send_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
        if (n <= 0) {
            return; /* the server may close early on a refused request */
        }
        data += n;
        len -= (size_t)n;
    }
}

/* One parsed response. */
typedef struct reply_t {
    int status;
    char head[8192];
    char *body; /* malloc'ed (test side), NUL-terminated */
    size_t body_len;
} reply_t;

/* Value of header name in r->head (static copy), or NULL. */
static const char *header(const reply_t *r, const char *name)
{
    static char value[1024];
    size_t n = strlen(name);
    for (const char *p = strstr(r->head, "\r\n"); p != NULL; p = strstr(p + 2, "\r\n")) {
        if (strncasecmp(p + 2, name, n) == 0 && p[2 + n] == ':') {
            const char *v = p + 3 + n;
            v += strspn(v, " ");
            size_t k = strcspn(v, "\r");
            snprintf(value, sizeof value, "%.*s", (int)k, v);
            return value;
        }
    }
    return NULL;
}

/* Read one response from fd (without a body for HEAD or 304). */
static void read_reply(int fd, int head_only, reply_t *r)
{
    size_t got = 0;
    char *end = NULL;
    memset(r, 0, sizeof *r);
    while (end == NULL) {
        assert_true(got < sizeof r->head - 1);
        ssize_t n = recv(fd, r->head + got, 1, 0); /* byte by byte: leave the next reply */
        if (n <= 0) {
            fail_msg("connection closed after %zu bytes of headers", got);
        }
        got++;
        r->head[got] = '\0';
        end = strstr(r->head, "\r\n\r\n");
    }
    assert_int_equal(strncmp(r->head, "HTTP/1.1 ", 9), 0);
    r->status = (int)strtol(r->head + 9, NULL, 10);
    const char *cl = header(r, "Content-Length");
    size_t len = cl != NULL ? (size_t)strtoul(cl, NULL, 10) : 0;
    if (head_only || r->status == 304) {
        len = 0;
    }
    r->body = calloc(len + 1, 1);
    assert_non_null(r->body);
    while (r->body_len < len) {
        ssize_t n = recv(fd, r->body + r->body_len, len - r->body_len, 0);
        if (n <= 0) {
            fail_msg("connection closed after %zu of %zu body bytes", r->body_len, len);
        }
        r->body_len += (size_t)n;
    }
}

/* Send one request on a new connection and read the reply. */
static void request(int port, const char *text, int head_only, reply_t *r)
{
    int fd = dial(port);
    send_all(fd, text, strlen(text));
    read_reply(fd, head_only, r);
    close(fd);
}

static void get(int port, const char *target, reply_t *r)
{
    char text[512];
    snprintf(text, sizeof text, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
             target);
    request(port, text, 0, r);
}

static void check_security_headers(const reply_t *r)
{
    assert_non_null(header(r, "Content-Security-Policy"));
    assert_non_null(strstr(header(r, "Content-Security-Policy"), "frame-ancestors 'none'"));
    assert_string_equal(header(r, "X-Content-Type-Options"), "nosniff");
    assert_string_equal(header(r, "Referrer-Policy"), "no-referrer");
}

static void test_http_get_head(void **state)
{
    server_t s;
    reply_t r, h;
    (void)state;
    start(&s, 1);
    get(s.port, "/api/health", &r);
    assert_int_equal(r.status, 200);
    check_security_headers(&r);
    assert_string_equal(header(&r, "Content-Type"), "application/json; charset=utf-8");
    assert_non_null(strstr(r.body, "\"ok\":true"));
    free(r.body);

    get(s.port, "/api/table/crit_be.csv", &r);
    assert_int_equal(r.status, 200);
    check_security_headers(&r);
    assert_string_equal(header(&r, "Content-Type"), "text/csv; charset=utf-8");
    assert_int_equal(strncmp(r.body, "material,sr_eu,", 15), 0);
    /* HEAD: the same length, no body: the next reply on the connection follows at once */
    int fd = dial(s.port);
    const char *two = "HEAD /api/table/crit_be.csv HTTP/1.1\r\nHost: x\r\n\r\n"
                      "GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    send_all(fd, two, strlen(two));
    read_reply(fd, 1, &h);
    assert_int_equal(h.status, 200);
    assert_int_equal(strtoul(header(&h, "Content-Length"), NULL, 10), r.body_len);
    free(h.body);
    read_reply(fd, 0, &h);
    assert_int_equal(h.status, 200);
    assert_non_null(strstr(h.body, "\"ok\":true"));
    free(h.body);
    close(fd);
    free(r.body);

    get(s.port, "/", &r);
    assert_true(r.status == 200 || r.status == 404);
    check_security_headers(&r);
    free(r.body);
    get(s.port, "/api/crit?sr=2&ei=3", &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"thresholds\":{\"ei\":3.0,\"sr\":2.0}"));
    free(r.body);
    stop(&s);
}

static void test_http_refused(void **state)
{
    server_t s;
    reply_t r;
    char *big;
    (void)state;
    start(&s, 1);
    /* POST with a body: 405 naming the allowed methods */
    request(s.port,
            "POST /api/health HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
            "Content-Length: 5\r\nConnection: close\r\n\r\nhello",
            0, &r);
    assert_int_equal(r.status, 405);
    assert_string_equal(header(&r, "Allow"), "GET, HEAD");
    check_security_headers(&r);
    free(r.body);
    request(s.port, "DELETE /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 0, &r);
    assert_int_equal(r.status, 405);
    free(r.body);
    /* traversal, raw and encoded, reach the handler unchanged and are refused */
    static const char *const bad[] = {"/assets/../index.html", "/%2e%2e/%2e%2e/etc/passwd",
                                      "/assets/%2e%2e%2findex.html", "/assets/%00",
                                      "/assets/..%5c..%5cetc%5cpasswd"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        get(s.port, bad[i], &r);
        assert_int_equal(r.status, 400);
        check_security_headers(&r);
        assert_non_null(strstr(r.body, "invalid path"));
        free(r.body);
    }
    get(s.port, "/api/nope", &r);
    assert_int_equal(r.status, 404);
    free(r.body);
    get(s.port, "/api/crit?sr=abc", &r);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "'sr'"));
    free(r.body);
    /* oversized: a 3000-byte target (the handler: 414), a 20 kB target and 20 kB of headers
     * (libmicrohttpd's bound: 414 / 431) */
    big = malloc(24000);
    assert_non_null(big);
    memset(big, 'a', 24000);
    memcpy(big, "GET /", 5);
    memcpy(big + 3000, " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 42);
    big[3042] = '\0';
    request(s.port, big, 0, &r);
    assert_int_equal(r.status, 414);
    free(r.body);
    memset(big, 'a', 24000);
    memcpy(big, "GET /", 5);
    memcpy(big + 20000, " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 42);
    big[20042] = '\0';
    request(s.port, big, 0, &r);
    assert_int_equal(r.status, 414);
    free(r.body);
    memset(big, 'a', 24000);
    int k = snprintf(big, 64, "GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: ");
    big[k] = 'a';
    big[k + 20000] = '\0';
    memcpy(big + k + 20000 - 4, "\r\n\r\n", 4);
    request(s.port, big, 0, &r);
    assert_true(r.status == 431 || r.status == 400);
    free(r.body);
    free(big);
    /* the server still answers */
    get(s.port, "/api/health", &r);
    assert_int_equal(r.status, 200);
    free(r.body);
    stop(&s);
}

static void test_http_keepalive_etag(void **state)
{
    server_t s;
    reply_t r;
    char text[512], etag[64];
    (void)state;
    start(&s, 1);
    int fd = dial(s.port);
    for (int i = 0; i < 3; i++) {
        const char *req = "GET /api/table/crit_eu HTTP/1.1\r\nHost: x\r\n\r\n";
        send_all(fd, req, strlen(req));
        read_reply(fd, 0, &r);
        assert_int_equal(r.status, 200);
        assert_non_null(strstr(r.body, "\"id\":\"crit_eu\""));
        snprintf(etag, sizeof etag, "%s", header(&r, "ETag"));
        free(r.body);
    }
    snprintf(text, sizeof text,
             "GET /api/table/crit_eu HTTP/1.1\r\nHost: x\r\n"
             "If-None-Match: %s\r\n\r\n",
             etag);
    send_all(fd, text, strlen(text));
    read_reply(fd, 0, &r);
    assert_int_equal(r.status, 304);
    check_security_headers(&r);
    free(r.body);
    close(fd);
    stop(&s);
}

typedef struct client_t {
    int port;
    int ok;
} client_t;

static void *client(void *arg)
{
    client_t *c = arg;
    for (int i = 0; i < 25; i++) {
        char req[160];
        snprintf(req, sizeof req, "/api/crit?sr=%d&ei=2", i % 4);
        int fd = dial(c->port);
        char text[256];
        snprintf(text, sizeof text, "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", req);
        send_all(fd, text, strlen(text));
        char buf[16] = {0};
        ssize_t n = recv(fd, buf, 12, MSG_WAITALL);
        c->ok += n == 12 && strncmp(buf, "HTTP/1.1 200", 12) == 0;
        close(fd);
    }
    return NULL;
}

/* Concurrent clients on the thread pool: every answer 200, nothing leaked after the stop. */
static void test_http_concurrent(void **state)
{
    server_t s;
    pthread_t th[4];
    client_t c[4];
    (void)state;
    start(&s, 1);
    for (int i = 0; i < 4; i++) {
        c[i].port = s.port;
        c[i].ok = 0;
        assert_int_equal(pthread_create(&th[i], NULL, client, &c[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(c[i].ok, 25);
    }
    stop(&s);
}

static void test_http_no_assessment(void **state)
{
    server_t s;
    reply_t r;
    (void)state;
    start(&s, 0);
    get(s.port, "/api/assessment", &r);
    assert_int_equal(r.status, 404);
    assert_non_null(strstr(r.body, "no assessment in the store: run cambium assess"));
    free(r.body);
    stop(&s);
}

static void test_http_start_errors(void **state)
{
    server_t s;
    cm_serve_http_t *h = NULL;
    cm_error_info_t err;
    cm_serve_http_options_t opt = {"localhost", 0, 1};
    (void)state;
    memset(&err, 0, sizeof err);
    start(&s, 0);
    CHECK_ERROR(cm_serve_http_start(NULL, &opt, &h, &err), CM_EINVAL);
    CHECK_ERROR(cm_serve_http_start(s.ctx, NULL, &h, &err), CM_EINVAL);
    CHECK_ERROR(cm_serve_http_start(s.ctx, &opt, NULL, &err), CM_EINVAL);
    CHECK_ERROR(cm_serve_http_start(s.ctx, &opt, &h, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "numeric"));
    opt.bind = "127.0.0.1";
    opt.port = 70000;
    CHECK_ERROR(cm_serve_http_start(s.ctx, &opt, &h, &err), CM_EINVAL);
    opt.port = 0;
    opt.threads = 300;
    CHECK_ERROR(cm_serve_http_start(s.ctx, &opt, &h, &err), CM_EINVAL);
    opt.threads = 1;
    opt.port = s.port; /* taken by the running server */
    CHECK_ERROR(cm_serve_http_start(s.ctx, &opt, &h, &err), CM_EFILE);
    assert_null(h);
    assert_int_equal(cm_serve_http_port(NULL), 0);
    cm_serve_http_stop(NULL);
    /* IPv6 loopback, when the machine has it */
    opt.bind = "::1";
    opt.port = 0;
    if (cm_serve_http_start(s.ctx, &opt, &h, &err) == CM_OK) {
        assert_true(cm_serve_http_port(h) > 0);
        cm_serve_http_stop(h);
    }
    stop(&s);
}

static void log_to_stderr(cm_log_level_t level, const char *message, void *user_data)
{
    (void)user_data;
    if (level >= CM_LOG_WARNING || getenv("CAMBIUM_DEBUG") != NULL) {
        fprintf(stderr, "log: %s\n", message);
    }
}

int main(void)
{
    cm_set_log_handler(log_to_stderr, NULL);
    const struct CMUnitTest tests[] = {
        CM_TEST(test_http_get_head),       CM_TEST(test_http_refused),
        CM_TEST(test_http_keepalive_etag), CM_TEST(test_http_concurrent),
        CM_TEST(test_http_no_assessment),  CM_TEST(test_http_start_errors),
    };
    cm_json_init();
    return CM_RUN_TESTS(tests);
}

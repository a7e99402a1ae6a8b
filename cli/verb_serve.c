/* cambium serve: the dashboard and its JSON API over HTTP (libmicrohttpd), from the newest
 * assessment in the store, read-only. */
#include <arpa/inet.h>
#include <getopt.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void serve_usage(FILE *out)
{
    fprintf(out,
            "usage: cambium serve [--store DB] [--bind ADDR] [--port N] [--threads N]\n"
            "\n"
            "Serve the dashboard (the pages embedded in cambium) and its JSON API over the\n"
            "newest assessment in the store (written by 'cambium assess'). The store is opened\n"
            "read-only and loaded once: restart the server to show a newer assessment. Only GET\n"
            "and HEAD are answered. Stops cleanly on Ctrl-C (SIGINT) or SIGTERM.\n"
            "\n"
            "options:\n"
            "  --store DB      the store (default $CAMBIUM_STORE or cambium.db)\n"
            "  --bind ADDR     numeric IPv4 or IPv6 address to listen on (default 127.0.0.1;\n"
            "                  any other than a loopback address is warned about)\n"
            "  --port N        TCP port, 0 to 65535 (default 8080; 0 = any free port)\n"
            "  --threads N     worker threads, 1 to 256 (default one per CPU, at most 16)\n"
            "  -h, --help      print this help\n"
            "\n"
            "Routes: / and /assets/<file> (the dashboard), /api/health, /api/assessment,\n"
            "/api/table/<id>[.csv], /api/figure/<id>.svg, /api/material/<id>, /api/materials,\n"
            "/api/crit?sr=1.0&ei=2.8, /api/datasets (docs/serve.md).\n"
            "\n"
            "Exit codes: 0 stopped by a signal, 1 no such store or cannot listen, 2 usage error.\n");
}

/* 127.0.0.0/8 or ::1 */
static int is_loopback(const char *addr)
{
    struct in_addr a4;
    struct in6_addr a6;
    if (inet_pton(AF_INET, addr, &a4) == 1) {
        return (ntohl(a4.s_addr) >> 24) == 127;
    }
    return inet_pton(AF_INET6, addr, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
}

static int cm_cli_serve(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"store", required_argument, NULL, 'S'}, {"bind", required_argument, NULL, 'b'},
        {"port", required_argument, NULL, 'p'},  {"threads", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0},
    };
    const char *store_opt = NULL;
    cm_serve_http_options_t opt = {"127.0.0.1", 8080, 0};
    cm_serve_t *ctx = NULL;
    cm_serve_http_t *http = NULL;
    cm_error_info_t err;
    sigset_t set;
    int c, sig = 0, status = CM_EXIT_OK;
    cm_error_t rc;

    memset(&err, 0, sizeof err);
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'S': store_opt = optarg; break;
        case 'b': opt.bind = optarg; break;
        case 'p':
            if (!cm_cli_parse_int(optarg, 0, 65535, &opt.port)) {
                return cm_cli_usage_error("serve", "--port: expected 0 to 65535, got '%s'",
                                          optarg);
            }
            break;
        case 't':
            if (!cm_cli_parse_int(optarg, 1, 256, &opt.threads)) {
                return cm_cli_usage_error("serve", "--threads: expected 1 to 256, got '%s'",
                                          optarg);
            }
            break;
        case 'h': serve_usage(stdout); return CM_EXIT_OK;
        default: return cm_cli_getopt_fail("serve", c, argv);
        }
    }
    if (optind < argc) {
        return cm_cli_usage_error("serve", "unexpected argument '%s'", argv[optind]);
    }
    {
        unsigned char probe[sizeof(struct in6_addr)];
        if (inet_pton(AF_INET, opt.bind, probe) != 1 && inet_pton(AF_INET6, opt.bind, probe) != 1) {
            return cm_cli_usage_error("serve", "--bind: expected a numeric IPv4 or IPv6 address, "
                                               "got '%s'", opt.bind);
        }
    }
    const char *path = cm_cli_store_path(store_opt);
    rc = cm_serve_open(path, &ctx, &err);
    if (rc != CM_OK) {
        return cm_cli_fail(&err, rc);
    }
    if (!cm_serve_has_assessment(ctx)) {
        fprintf(stderr, "cambium serve: warning: no assessment in %s: run cambium assess (the "
                        "dashboard says so)\n", path);
    }
    if (!is_loopback(opt.bind)) {
        fprintf(stderr, "cambium serve: warning: listening on %s, not a loopback address: the "
                        "dashboard is reachable from other machines\n", opt.bind);
    }
    /* The worker threads inherit this mask: only the main thread takes SIGINT and SIGTERM. */
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    rc = cm_serve_http_start(ctx, &opt, &http, &err);
    if (rc != CM_OK) {
        status = cm_cli_fail(&err, rc);
        cm_serve_close(ctx);
        return status;
    }
    int v6 = strchr(opt.bind, ':') != NULL;
    printf("cambium serve: http://%s%s%s:%d/ (store %s, %zu tables); Ctrl-C stops\n",
           v6 ? "[" : "", opt.bind, v6 ? "]" : "", cm_serve_http_port(http), path,
           cm_serve_table_count(ctx));
    fflush(stdout);
    if (sigwait(&set, &sig) != 0) {
        sig = 0;
    }
    cm_serve_http_stop(http);
    cm_serve_close(ctx);
    fprintf(stderr, "cambium serve: stopped (%s)\n",
            sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "signal");
    return status;
}

const cm_cli_verb_t cm_cli_verb_serve = {
    "serve", "serve the dashboard and its JSON API over HTTP (read-only)", cm_cli_serve};

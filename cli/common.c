/* CLI helpers: version text, error printing, progress. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char *progname = "cambium";

static void log_to_stderr(cm_log_level_t level, const char *message, void *user_data)
{
    (void)user_data;
    if (level < CM_LOG_WARNING && getenv("CAMBIUM_DEBUG") == NULL) {
        return;
    }
    const char *tag = level >= CM_LOG_ERROR     ? "error"
                      : level == CM_LOG_WARNING ? "warning"
                                                : "info";
    fprintf(stderr, "%s: %s: %s\n", progname, tag, message);
}

void cm_cli_init(const char *argv0)
{
    (void)argv0; /* messages always say "cambium", whatever the path of the binary */
    cm_set_log_handler(log_to_stderr, NULL);
    cm_json_init(); /* jansson allocates through cambium's allocator from the start */
}

void cm_cli_print_version(FILE *out)
{
    char blas[256];
    cm_blas_describe(blas, sizeof blas);
    fprintf(out, "cambium %s\n", cm_version_string());
    fprintf(out, "BLAS: %s\n", blas);
    fprintf(out, "SQLite: %s\n", cm_sqlite_version());
}

int cm_cli_fail(const cm_error_info_t *err, cm_error_t rc)
{
    char buf[CM_ERROR_MSG_MAX + CM_ERROR_FILE_MAX + 64];
    if (err != NULL && err->code != CM_OK) {
        cm_error_format(err, buf, sizeof buf);
    } else {
        snprintf(buf, sizeof buf, "%s", cm_strerror(rc));
    }
    fprintf(stderr, "%s: %s\n", progname, buf);
    return CM_EXIT_WORK;
}

int cm_cli_usage_error(const char *verb, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s %s: ", progname, verb);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nRun 'cambium %s --help' for usage.\n", verb);
    return CM_EXIT_USAGE;
}

int cm_cli_stderr_is_tty(void)
{
    return isatty(STDERR_FILENO);
}

void cm_cli_progress(const char *what, int64_t done, int64_t total, void *user_data)
{
    (void)user_data;
    if (!cm_cli_stderr_is_tty()) {
        return;
    }
    if (total > 0) {
        fprintf(stderr, "\r%s %lld/%lld (%d%%)", what, (long long)done, (long long)total,
                (int)(100.0 * (double)done / (double)total));
    } else {
        fprintf(stderr, "\r%s %lld", what, (long long)done);
    }
    if (total > 0 && done >= total) {
        fputc('\n', stderr);
    }
    fflush(stderr);
}

const char *cm_cli_store_path(const char *option_value)
{
    if (option_value != NULL && option_value[0] != '\0') {
        return option_value;
    }
    const char *env = getenv("CAMBIUM_STORE");
    if (env != NULL && env[0] != '\0') {
        return env;
    }
    return "cambium.db";
}

static void dispatch_usage(FILE *out, const char *verb, const char *intro,
                           const cm_cli_sub_t *subs)
{
    fprintf(out, "usage: cambium %s <subcommand> [options]\n\n%s\n\nsubcommands:\n", verb, intro);
    for (size_t i = 0; subs[i].name != NULL; i++) {
        fprintf(out, "  %-12s %s\n", subs[i].name, subs[i].summary);
    }
    fprintf(out,
            "\nRun 'cambium %s <subcommand> --help' for its options.\n"
            "Exit codes: 0 success, 1 bad data or I/O error, 2 usage error.\n",
            verb);
}

int cm_cli_dispatch(const char *verb, const char *intro, const cm_cli_sub_t *subs, int argc,
                    char **argv)
{
    if (argc < 2) {
        dispatch_usage(stderr, verb, intro, subs);
        return CM_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        dispatch_usage(stdout, verb, intro, subs);
        return CM_EXIT_OK;
    }
    for (size_t i = 0; subs[i].name != NULL; i++) {
        if (strcmp(argv[1], subs[i].name) == 0) {
            return subs[i].run(argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "cambium %s: unknown subcommand '%s' (expected one of:", verb, argv[1]);
    for (size_t i = 0; subs[i].name != NULL; i++) {
        fprintf(stderr, " %s", subs[i].name);
    }
    fprintf(stderr, ")\n");
    return CM_EXIT_USAGE;
}

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

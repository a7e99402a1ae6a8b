/* Error information and the log hook. */
#include <stdio.h>
#include <string.h>

#include "cambium/cm_error.h"

void cm_error_clear(cm_error_info_t *err)
{
    if (err == NULL) {
        return;
    }
    err->code = CM_OK;
    err->message[0] = '\0';
    err->file[0] = '\0';
    err->line = 0;
    err->column = 0;
}

cm_error_t cm_error_vset_at(cm_error_info_t *err, cm_error_t code, const char *file, int64_t line,
                            int64_t column, const char *fmt, va_list ap)
{
    if (err == NULL) {
        return code;
    }
    err->code = code;
    if (fmt != NULL) {
        int n = vsnprintf(err->message, sizeof err->message, fmt, ap);
        if (n < 0) {
            err->message[0] = '\0';
        }
    } else {
        snprintf(err->message, sizeof err->message, "%s", cm_strerror(code));
    }
    if (file != NULL) {
        snprintf(err->file, sizeof err->file, "%s", file);
    } else {
        err->file[0] = '\0';
    }
    err->line = line;
    err->column = column;
    return code;
}

cm_error_t cm_error_set_at(cm_error_info_t *err, cm_error_t code, const char *file, int64_t line,
                           int64_t column, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cm_error_vset_at(err, code, file, line, column, fmt, ap);
    va_end(ap);
    return code;
}

cm_error_t cm_error_set(cm_error_info_t *err, cm_error_t code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cm_error_vset_at(err, code, NULL, 0, 0, fmt, ap);
    va_end(ap);
    return code;
}

cm_error_t cm_error_prefix(cm_error_info_t *err, const char *fmt, ...)
{
    char prefix[CM_ERROR_MSG_MAX];
    char old[CM_ERROR_MSG_MAX];
    va_list ap;

    if (err == NULL) {
        return CM_OK;
    }
    va_start(ap, fmt);
    if (vsnprintf(prefix, sizeof prefix, fmt, ap) < 0) {
        prefix[0] = '\0';
    }
    va_end(ap);
    memcpy(old, err->message, sizeof old);
    /* prefix + ": " + old message, truncated to the buffer (intended) */
    size_t cap = sizeof err->message - 1;
    size_t pos = 0;
    const char *parts[3] = {prefix, ": ", old};
    for (int i = 0; i < 3; i++) {
        size_t len = strnlen(parts[i], CM_ERROR_MSG_MAX);
        if (len > cap - pos) {
            len = cap - pos;
        }
        memcpy(err->message + pos, parts[i], len);
        pos += len;
    }
    err->message[pos] = '\0';
    return err->code;
}

const char *cm_strerror(cm_error_t code)
{
    switch (code) {
    case CM_OK: return "success";
    case CM_ENOMEM: return "out of memory";
    case CM_EINVAL: return "invalid argument";
    case CM_EFILE: return "file error";
    case CM_EPARSE: return "parse error";
    case CM_ENUMERIC: return "numerical failure";
    case CM_ENOTCONV: return "did not converge";
    case CM_EOVERFLOW: return "size overflow";
    case CM_EUNIMPL: return "not available in this build";
    case CM_EUNIT: return "unit error";
    case CM_EMISMATCH: return "labels do not match";
    case CM_ESTORE: return "store error";
    case CM_ENOTFOUND: return "not found";
    }
    return "unknown error";
}

int cm_error_format(const cm_error_info_t *err, char *buf, size_t n)
{
    if (err == NULL) {
        return snprintf(buf, n, "%s", "no error information");
    }
    const char *msg = err->message[0] ? err->message : cm_strerror(err->code);
    if (err->file[0] != '\0' && err->line > 0 && err->column > 0) {
        return snprintf(buf, n, "%s:%lld:%lld: %s", err->file, (long long)err->line,
                        (long long)err->column, msg);
    }
    if (err->file[0] != '\0' && err->line > 0) {
        return snprintf(buf, n, "%s:%lld: %s", err->file, (long long)err->line, msg);
    }
    if (err->file[0] != '\0') {
        return snprintf(buf, n, "%s: %s", err->file, msg);
    }
    return snprintf(buf, n, "%s", msg);
}

static cm_log_fn *log_handler = NULL;
static void *log_user_data = NULL;

void cm_set_log_handler(cm_log_fn *fn, void *user_data)
{
    log_handler = fn;
    log_user_data = user_data;
}

void cm_log(cm_log_level_t level, const char *fmt, ...)
{
    char msg[CM_ERROR_MSG_MAX];
    va_list ap;

    if (log_handler == NULL) {
        return;
    }
    va_start(ap, fmt);
    if (vsnprintf(msg, sizeof msg, fmt, ap) < 0) {
        msg[0] = '\0';
    }
    va_end(ap);
    log_handler(level, msg, log_user_data);
}

/* CSV writing: RFC 4180 quoting, round-trip double formatting, atomic replacement. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cambium/cm_csv.h"
#include "cambium/cm_file.h"
#include "fmt_internal.h"

struct cm_csv_writer_t {
    cm_afile_t *f;
    char sep;
    cm_i_buf_t line;
};

cm_error_t cm_csv_writer_open(const char *path, char separator, cm_csv_writer_t **out,
                              cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_csv_writer_t *w = NULL;

    if (out == NULL) {
        return cm_error_set(err, CM_EINVAL, "out is NULL");
    }
    *out = NULL;
    if (separator != ',' && separator != ';' && separator != '\t') {
        return cm_error_set(err, CM_EINVAL, "separator must be ',', ';' or a tab (got 0x%02X)",
                            (unsigned)(unsigned char)separator);
    }
    w = cm_calloc(1, sizeof *w);
    CM_NOMEM(w, err);
    w->sep = separator;
    w->line.max = (size_t)1 << 30;
    CM_TRY(cm_afile_open(path, &w->f, err));
    *out = w;
    w = NULL;
cleanup:
    if (w != NULL) {
        cm_free(w);
    }
    return rc;
}

static int needs_quotes(const char *s, size_t n, char sep)
{
    if (n == 0) {
        return 0;
    }
    if (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t') {
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == sep || c == '"' || c == '\r' || c == '\n') {
            return 1;
        }
    }
    return 0;
}

cm_error_t cm_i_csv_append_record(cm_i_buf_t *b, char sep, size_t n, const char *const *fields,
                                  const char *eol)
{
    cm_error_t rc = CM_OK;
    for (size_t i = 0; i < n; i++) {
        const char *s = fields[i] != NULL ? fields[i] : "";
        size_t len = strlen(s);
        if (i > 0) {
            CM_TRY(cm_i_buf_append(b, &sep, 1));
        }
        if (!needs_quotes(s, len, sep)) {
            CM_TRY(cm_i_buf_append(b, s, len));
            continue;
        }
        CM_TRY(cm_i_buf_append(b, "\"", 1));
        size_t start = 0;
        for (size_t j = 0; j < len; j++) {
            if (s[j] == '"') {
                CM_TRY(cm_i_buf_append(b, s + start, j + 1 - start));
                start = j; /* the quote is written again: doubled */
            }
        }
        CM_TRY(cm_i_buf_append(b, s + start, len - start));
        CM_TRY(cm_i_buf_append(b, "\"", 1));
    }
    CM_TRY(cm_i_buf_puts(b, eol));
cleanup:
    return rc;
}

cm_error_t cm_csv_write_row(cm_csv_writer_t *w, size_t n, const char *const *fields,
                            cm_error_info_t *err)
{
    if (w == NULL || (fields == NULL && n > 0)) {
        return cm_error_set(err, CM_EINVAL, "writer or fields is NULL");
    }
    cm_i_buf_reset(&w->line);
    cm_error_t rc = cm_i_csv_append_record(&w->line, w->sep, n, fields, "\n");
    if (rc != CM_OK) {
        return cm_error_set(err, rc, rc == CM_ENOMEM ? "out of memory writing a CSV record"
                                                     : "CSV record too long");
    }
    return cm_afile_write(w->f, w->line.data, w->line.len, err);
}

char *cm_csv_format_double(double v, char *buf)
{
    if (buf == NULL) {
        return NULL;
    }
    if (isnan(v)) {
        buf[0] = '\0';
        return buf;
    }
    if (isinf(v)) {
        snprintf(buf, 32, "%s", v < 0 ? "-inf" : "inf");
        return buf;
    }
    for (int prec = 15; prec <= 17; prec++) {
        cm_i_format_g(buf, 32, prec, v);
        if (prec == 17) {
            break;
        }
        char *end = NULL;
        double back = cm_i_strtod_c(buf, &end);
        if (end != NULL && *end == '\0' && memcmp(&back, &v, sizeof v) == 0) {
            break;
        }
    }
    return buf;
}

cm_error_t cm_csv_writer_commit(cm_csv_writer_t *w, cm_error_info_t *err)
{
    if (w == NULL) {
        return cm_error_set(err, CM_EINVAL, "writer is NULL");
    }
    cm_error_t rc = cm_afile_commit(w->f, err);
    cm_i_buf_free(&w->line);
    cm_free(w);
    return rc;
}

void cm_csv_writer_abort(cm_csv_writer_t *w)
{
    if (w == NULL) {
        return;
    }
    cm_afile_abort(w->f);
    cm_i_buf_free(&w->line);
    cm_free(w);
}

/* Table objects of the assessment (docs/dashboard-contract.md section 1): made from the CSV text
 * the verbs write, and written back as CSV and JSON. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cambium/cm_csv.h"
#include "cambium/cm_file.h"
#include "cambium/cm_json.h"
#include "cambium/cm_report.h"
#include "cm_internal.h"
#include "fmt/fmt_internal.h"
#include "report_internal.h"

#define MAX_CSV_BYTES ((size_t)256 << 20)

typedef struct conv_t {
    const cm_report_table_spec_t *spec;
    json_t *columns; /* borrowed from the table */
    json_t *rows;
    size_t ncols;
    unsigned char *text; /* per column: kept as text */
} conv_t;

/* Whether the comma-separated list \p list holds \p name. */
static int list_has(const char *list, const char *name)
{
    size_t n = strlen(name);
    const char *p = list;
    while (p != NULL && *p != '\0') {
        const char *end = strchr(p, ',');
        size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
        if (len == n && strncmp(p, name, n) == 0) {
            return 1;
        }
        p = end != NULL ? end + 1 : NULL;
    }
    return 0;
}

/* The unit of column \p name in "col=unit;col=unit" (into buf), "" when not listed. */
static const char *unit_of(const char *units, const char *name, char *buf, size_t cap)
{
    size_t n = strlen(name);
    const char *p = units;
    buf[0] = '\0';
    while (p != NULL && *p != '\0') {
        const char *end = strchr(p, ';');
        size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
        if (len > n && strncmp(p, name, n) == 0 && p[n] == '=') {
            size_t ulen = len - n - 1;
            if (ulen >= cap) {
                ulen = cap - 1;
            }
            memcpy(buf, p + n + 1, ulen);
            buf[ulen] = '\0';
            return buf;
        }
        p = end != NULL ? end + 1 : NULL;
    }
    return buf;
}

int cm_i_report_number(const char *s, double *value, int *is_integer)
{
    const char *p = s;
    int digits = 0, integer = 1;
    if (*p == '-' || *p == '+') {
        p++;
    }
    if (p[0] == '0' && p[1] >= '0' && p[1] <= '9') {
        return 0; /* a code with a leading zero */
    }
    while (*p >= '0' && *p <= '9') {
        p++;
        digits++;
    }
    if (*p == '.') {
        integer = 0;
        p++;
        while (*p >= '0' && *p <= '9') {
            p++;
            digits++;
        }
    }
    if (digits == 0) {
        return 0;
    }
    if (*p == 'e' || *p == 'E') {
        integer = 0;
        p++;
        if (*p == '-' || *p == '+') {
            p++;
        }
        if (!(*p >= '0' && *p <= '9')) {
            return 0;
        }
        while (*p >= '0' && *p <= '9') {
            p++;
        }
    }
    if (*p != '\0') {
        return 0;
    }
    errno = 0;
    char *end = NULL;
    double v = cm_i_strtod_c(s, &end);
    if (end == NULL || *end != '\0' || !isfinite(v) || errno == ERANGE) {
        if (!(errno == ERANGE && v == 0.0)) {
            return 0;
        }
    }
    *value = v;
    *is_integer = integer && fabs(v) <= 9007199254740992.0;
    return 1;
}

static json_t *cell_value(const char *text, int as_text)
{
    double v = 0.0;
    int is_int = 0;
    if (text == NULL || text[0] == '\0') {
        return json_null();
    }
    if (!as_text && cm_i_report_number(text, &v, &is_int)) {
        return is_int ? json_integer((json_int_t)v) : json_real(v == 0.0 ? 0.0 : v);
    }
    return json_string(text);
}

static cm_error_t on_row(const cm_csv_row_t *row, void *user_data, cm_error_info_t *err)
{
    conv_t *c = user_data;
    char unit[128];
    if (row->record == 1) {
        c->ncols = row->nfields;
        c->text = cm_calloc(c->ncols > 0 ? c->ncols : 1, 1);
        if (c->text == NULL) {
            return cm_error_set(err, CM_ENOMEM, "out of memory (table header)");
        }
        for (size_t i = 0; i < row->nfields; i++) {
            const char *name = row->fields[i];
            json_t *col = json_pack("{s:s, s:s}", "name", name, "unit",
                                    unit_of(c->spec->units, name, unit, sizeof unit));
            if (col == NULL || json_array_append_new(c->columns, col) != 0) {
                return cm_error_set(err, CM_ENOMEM, "out of memory (table columns)");
            }
            c->text[i] = (unsigned char)(c->spec->text_columns != NULL &&
                                         list_has(c->spec->text_columns, name));
        }
        return CM_OK;
    }
    json_t *r = json_array();
    if (r == NULL || json_array_append_new(c->rows, r) != 0) {
        return cm_error_set(err, CM_ENOMEM, "out of memory (table rows)");
    }
    for (size_t i = 0; i < c->ncols; i++) {
        const char *text = i < row->nfields ? row->fields[i] : NULL;
        json_t *v = cell_value(text, c->text[i]);
        if (v == NULL || json_array_append_new(r, v) != 0) {
            return cm_error_set(err, CM_ENOMEM, "out of memory (table cells)");
        }
    }
    return CM_OK;
}

static int valid_id(const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n > 64) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        char ch = id[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_')) {
            return 0;
        }
    }
    return 1;
}

static int set_str(json_t *o, const char *key, const char *value)
{
    return json_object_set_new(o, key, json_string(value != NULL ? value : ""));
}

cm_error_t cm_report_table_from_buffer(const char *data, size_t len, const char *name,
                                       const cm_report_table_spec_t *spec, json_t **out,
                                       cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    json_t *t = NULL;
    conv_t c;
    memset(&c, 0, sizeof c);
    if (out != NULL) {
        *out = NULL;
    }
    if (data == NULL || spec == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_report_table_from_buffer: NULL argument");
    }
    if (spec->id == NULL || spec->section == NULL || spec->title == NULL) {
        return cm_error_set(err, CM_EINVAL, "table spec: id, section and title are required");
    }
    if (!valid_id(spec->id)) {
        return cm_error_set(err, CM_EINVAL, "table id: expected [a-z0-9_]{1,64}, got '%s'",
                            spec->id);
    }
    if (spec->figure_svg != NULL && strncmp(spec->figure_svg, "<svg", 4) != 0) {
        return cm_error_set(err, CM_EINVAL, "table '%s': figure_svg must start with '<svg'",
                            spec->id);
    }
    cm_json_init();
    t = json_object();
    c.spec = spec;
    c.columns = json_array();
    c.rows = json_array();
    if (t == NULL || c.columns == NULL || c.rows == NULL ||
        json_object_set(t, "columns", c.columns) != 0 ||
        json_object_set(t, "rows", c.rows) != 0) {
        CM_FAIL(cm_error_set(err, CM_ENOMEM, "out of memory (table object)"));
    }
    cm_csv_options_t opt;
    cm_csv_options_default(&opt);
    opt.strict_fields = 0;
    opt.skip_blank_lines = 1;
    CM_TRY(cm_csv_read_buffer(data, len, name != NULL ? name : "(buffer)", &opt, on_row, &c,
                              NULL, err));
    if (c.text == NULL) {
        CM_FAIL(cm_error_set_at(err, CM_EPARSE, name, 1, 1,
                                "expected a header row of column names, got an empty file"));
    }
    if (spec->material_column != NULL) {
        int found = 0;
        size_t i;
        json_t *col;
        json_array_foreach(c.columns, i, col) {
            if (strcmp(json_string_value(json_object_get(col, "name")), spec->material_column) ==
                0) {
                found = 1;
            }
        }
        if (!found) {
            CM_FAIL(cm_error_set(err, CM_EINVAL, "table '%s': material column '%s' is not a "
                                 "column of %s", spec->id, spec->material_column,
                                 name != NULL ? name : "(buffer)"));
        }
    }
    if (set_str(t, "id", spec->id) != 0 || set_str(t, "section", spec->section) != 0 ||
        set_str(t, "title", spec->title) != 0 || set_str(t, "source", spec->source) != 0 ||
        set_str(t, "note", spec->note) != 0 ||
        (spec->material_column != NULL &&
         set_str(t, "material_column", spec->material_column) != 0) ||
        (spec->figure_svg != NULL && set_str(t, "figure_svg", spec->figure_svg) != 0)) {
        CM_FAIL(cm_error_set(err, CM_ENOMEM, "out of memory (table object)"));
    }
    *out = t;
    t = NULL;
cleanup:
    json_decref(c.columns);
    json_decref(c.rows);
    cm_free(c.text);
    json_decref(t);
    return rc;
}

cm_error_t cm_report_table_from_csv(const char *path, const cm_report_table_spec_t *spec,
                                    json_t **out, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    char *data = NULL;
    size_t len = 0;
    if (out != NULL) {
        *out = NULL;
    }
    if (path == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_report_table_from_csv: NULL path");
    }
    CM_TRY(cm_file_read_all(path, MAX_CSV_BYTES, &data, &len, err));
    CM_TRY(cm_report_table_from_buffer(data, len, path, spec, out, err));
cleanup:
    cm_free(data);
    return rc;
}

cm_error_t cm_i_report_check_table(const json_t *table, const char *what, cm_error_info_t *err)
{
    const json_t *cols = json_object_get(table, "columns");
    const json_t *rows = json_object_get(table, "rows");
    size_t i;
    const json_t *r;
    if (!json_is_array(cols) || !json_is_array(rows)) {
        return cm_error_set(err, CM_EINVAL, "%s: not a table object (columns and rows arrays)",
                            what);
    }
    json_array_foreach(rows, i, r) {
        if (!json_is_array(r) || json_array_size(r) != json_array_size(cols)) {
            return cm_error_set(err, CM_EINVAL, "%s: row %zu has %zu cells, expected %zu", what,
                                i + 1, json_is_array(r) ? json_array_size(r) : 0,
                                json_array_size(cols));
        }
    }
    return CM_OK;
}

const char *cm_i_report_cell_text(const json_t *v, char *buf)
{
    if (json_is_string(v)) {
        return json_string_value(v);
    }
    if (json_is_integer(v)) {
        snprintf(buf, 32, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return buf;
    }
    if (json_is_real(v)) {
        return cm_csv_format_double(json_real_value(v), buf);
    }
    if (json_is_true(v)) {
        return "true";
    }
    if (json_is_false(v)) {
        return "false";
    }
    return "";
}

cm_error_t cm_i_report_table_csv(const json_t *table, const char *eol, cm_i_buf_t *b,
                                 cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    const json_t *cols = json_object_get(table, "columns");
    size_t n = json_array_size(cols), i;
    const json_t *r;
    const char **fields = cm_calloc(n > 0 ? n : 1, sizeof *fields);
    char *bufs = cm_calloc(n > 0 ? n : 1, 32);
    if (fields == NULL || bufs == NULL) {
        rc = CM_ENOMEM;
        goto cleanup;
    }
    for (size_t j = 0; j < n; j++) {
        const char *name = json_string_value(json_object_get(json_array_get(cols, j), "name"));
        fields[j] = name != NULL ? name : "";
    }
    CM_TRY(cm_i_csv_append_record(b, ',', n, fields, eol));
    json_array_foreach(json_object_get(table, "rows"), i, r) {
        for (size_t j = 0; j < n; j++) {
            fields[j] = cm_i_report_cell_text(json_array_get(r, j), bufs + 32 * j);
        }
        CM_TRY(cm_i_csv_append_record(b, ',', n, fields, eol));
    }
cleanup:
    cm_free(fields);
    cm_free(bufs);
    if (rc != CM_OK) {
        const char *id = json_string_value(json_object_get(table, "id"));
        return cm_error_set(err, rc, "%s writing the CSV of table %s",
                            rc == CM_ENOMEM ? "out of memory" : "size limit reached",
                            id != NULL ? id : "?");
    }
    return rc;
}

cm_error_t cm_report_table_write_csv(const json_t *table, const char *path, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_i_buf_t b = CM_I_BUF_INIT((size_t)1 << 30);
    if (table == NULL || path == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_report_table_write_csv: NULL argument");
    }
    CM_TRY(cm_i_report_check_table(table, path, err));
    CM_TRY(cm_i_report_table_csv(table, "\n", &b, err));
    CM_TRY(cm_file_write_atomic(path, b.data != NULL ? b.data : "", b.len, err));
cleanup:
    cm_i_buf_free(&b);
    return rc;
}

cm_error_t cm_report_write_json(const json_t *value, const char *path, cm_error_info_t *err)
{
    if (value == NULL || path == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_report_write_json: NULL argument");
    }
    return cm_json_write_file(path, value, 0, err);
}

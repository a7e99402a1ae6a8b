/* Whole-table reading on top of the streaming reader. */
#include <string.h>

#include "cambium/cm_csv.h"
#include "fmt_internal.h"

/* Shared text of empty cells: never freed. */
static char empty_cell[1] = "";

typedef struct table_build_t {
    cm_table_t *t;
    size_t rowcap;
} table_build_t;

static char *dup_cell(const char *s, size_t len)
{
    if (len == 0) {
        return empty_cell;
    }
    char *d = cm_malloc(len + 1);
    if (d != NULL) {
        memcpy(d, s, len);
        d[len] = '\0';
    }
    return d;
}

static void free_cell(char *s)
{
    if (s != empty_cell) {
        cm_free(s);
    }
}

static cm_error_t grow_rows(table_build_t *b, cm_error_info_t *err)
{
    cm_table_t *t = b->t;
    size_t ncap = b->rowcap ? b->rowcap * 2 : 64;
    size_t ncells;
    if (cm_mul_size(ncap, t->ncols ? t->ncols : 1, &ncells) != CM_OK) {
        return cm_error_set(err, CM_EOVERFLOW, "table too large");
    }
    char **cells = cm_realloc_array(t->cells, ncells, sizeof *cells);
    if (cells == NULL) {
        return cm_error_set(err, CM_ENOMEM, "out of memory reading a table");
    }
    t->cells = cells;
    size_t *rowlen = cm_realloc_array(t->rowlen, ncap, sizeof *rowlen);
    if (rowlen == NULL) {
        return cm_error_set(err, CM_ENOMEM, "out of memory reading a table");
    }
    t->rowlen = rowlen;
    int64_t *line = cm_realloc_array(t->line, ncap, sizeof *line);
    if (line == NULL) {
        return cm_error_set(err, CM_ENOMEM, "out of memory reading a table");
    }
    t->line = line;
    b->rowcap = ncap;
    return CM_OK;
}

static cm_error_t table_row(const cm_csv_row_t *row, void *ud, cm_error_info_t *err)
{
    table_build_t *b = ud;
    cm_table_t *t = b->t;
    if (row->record == 1) {
        t->header = cm_calloc(row->nfields ? row->nfields : 1, sizeof *t->header);
        if (t->header == NULL) {
            return cm_error_set(err, CM_ENOMEM, "out of memory reading a table");
        }
        t->ncols = row->nfields;
        for (size_t i = 0; i < row->nfields; i++) {
            t->header[i] = dup_cell(row->fields[i], row->lengths[i]);
            if (t->header[i] == NULL) {
                return cm_error_set(err, CM_ENOMEM, "out of memory reading a table");
            }
        }
        return CM_OK;
    }
    if (t->nrows == b->rowcap) {
        cm_error_t rc = grow_rows(b, err);
        if (rc != CM_OK) {
            return rc;
        }
    }
    char **cells = t->cells + t->nrows * t->ncols;
    for (size_t j = 0; j < t->ncols; j++) {
        cells[j] = NULL;
    }
    t->rowlen[t->nrows] = row->nfields;
    t->line[t->nrows] = row->line;
    t->nrows++; /* counted now so that destroy frees a partly filled row */
    size_t n = row->nfields < t->ncols ? row->nfields : t->ncols;
    for (size_t j = 0; j < n; j++) {
        cells[j] = dup_cell(row->fields[j], row->lengths[j]);
        if (cells[j] == NULL) {
            return cm_error_set(err, CM_ENOMEM, "out of memory reading a table");
        }
    }
    return CM_OK;
}

cm_error_t cm_table_read(cm_table_t *t, const char *path, const cm_csv_options_t *opt,
                         int require_rows, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    table_build_t b = {t, 0};

    if (t == NULL || path == NULL) {
        return cm_error_set(err, CM_EINVAL, "%s is NULL", t == NULL ? "table" : "path");
    }
    memset(t, 0, sizeof *t);
    t->name = cm_strdup(path);
    CM_NOMEM(t->name, err);
    CM_TRY(cm_csv_read_file(path, opt, table_row, &b, &t->stats, err));
    if (require_rows && t->nrows == 0) {
        CM_FAIL(cm_error_set_at(err, CM_EPARSE, path, t->stats.lines > 0 ? t->stats.lines : 1,
                                0, "no data rows (expected at least one row after the header)"));
    }
cleanup:
    if (rc != CM_OK) {
        cm_csv_stats_t keep = t->stats;
        cm_table_destroy(t);
        t->stats = keep;
    }
    return rc;
}

void cm_table_destroy(cm_table_t *t)
{
    if (t == NULL) {
        return;
    }
    if (t->header != NULL) {
        for (size_t i = 0; i < t->ncols; i++) {
            free_cell(t->header[i]);
        }
    }
    if (t->cells != NULL) {
        size_t n = t->nrows * t->ncols;
        for (size_t i = 0; i < n; i++) {
            free_cell(t->cells[i]);
        }
    }
    cm_free(t->name);
    cm_free(t->header);
    cm_free(t->cells);
    cm_free(t->rowlen);
    cm_free(t->line);
    memset(t, 0, sizeof *t);
}

/* ASCII case-insensitive comparison of a trimmed header with name */
static int header_equal(const char *h, const char *name)
{
    while (*h == ' ' || *h == '\t') {
        h++;
    }
    while (*name == ' ' || *name == '\t') {
        name++;
    }
    size_t hl = strlen(h), nl = strlen(name);
    while (hl > 0 && (h[hl - 1] == ' ' || h[hl - 1] == '\t')) {
        hl--;
    }
    while (nl > 0 && (name[nl - 1] == ' ' || name[nl - 1] == '\t')) {
        nl--;
    }
    if (hl != nl) {
        return 0;
    }
    for (size_t i = 0; i < hl; i++) {
        char a = h[i], c = name[i];
        a = (a >= 'A' && a <= 'Z') ? (char)(a - 'A' + 'a') : a;
        c = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
        if (a != c) {
            return 0;
        }
    }
    return 1;
}

cm_int_t cm_table_col(const cm_table_t *t, const char *name)
{
    if (t == NULL || name == NULL || t->header == NULL) {
        return -1;
    }
    for (size_t i = 0; i < t->ncols; i++) {
        if (t->header[i] != NULL && header_equal(t->header[i], name)) {
            return (cm_int_t)i;
        }
    }
    return -1;
}

const char *cm_table_cell(const cm_table_t *t, size_t row, size_t col)
{
    if (t == NULL || t->cells == NULL || row >= t->nrows || col >= t->ncols) {
        return "";
    }
    const char *c = t->cells[row * t->ncols + col];
    return c != NULL ? c : "";
}

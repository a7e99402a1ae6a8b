/* The WIOD 2013 release in its CSV form (docs/mrio-sources.md): label files give the
 * region-major layout, the three matrices are streamed straight into Z, Y and x, and value
 * added (output minus intermediate inputs) becomes the extension "factor_inputs". */
#include "cambium/cm_mrio.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cambium/cm_alloc.h"
#include "cambium/cm_csv.h"
#include "core/cm_internal.h"

#define WIOD_PREFIX "wiod2011_"
#define WIOD_UNIT "USD million"

/* Path of one file of the release under dir. */
static cm_error_t wiod_path(const char *dir, const char *file, char *out, size_t cap,
                            cm_error_info_t *err)
{
    int n = snprintf(out, cap, "%s/" WIOD_PREFIX "%s", dir, file);
    if (n < 0 || (size_t)n >= cap) {
        return cm_error_set(err, CM_EINVAL, "WIOD: path too long under '%s'", dir);
    }
    return CM_OK;
}

/* A label file read whole, with the region-major layout it describes: item k belongs to
 * region k / n_items and is item k % n_items. Codes are borrowed from the table. */
typedef struct wiod_layout_t {
    cm_table_t t;
    size_t n; /* rows */
    size_t n_regions, n_items;
    const char **regions; /* n_regions, first-appearance order */
    const char **items;   /* n_items, as in the first region's block */
    const char **labels;  /* n, the "label" column ("BEL_c12") */
} wiod_layout_t;

static void layout_destroy(wiod_layout_t *l)
{
    cm_table_destroy(&l->t);
    cm_free((void *)l->regions);
    cm_free((void *)l->items);
    cm_free((void *)l->labels);
    memset(l, 0, sizeof *l);
}

static cm_error_t need_col(const cm_table_t *t, const char *name, size_t *col, cm_error_info_t *err)
{
    cm_int_t c = cm_table_col(t, name);
    if (c < 0) {
        return cm_error_set_at(err, CM_EPARSE, t->name, 1, 0,
                               "expected a column '%s' in the header", name);
    }
    *col = (size_t)c;
    return CM_OK;
}

/* Read a label file and check its layout: regions in blocks of equal length, every block
 * listing the same items in the same order. */
static cm_error_t layout_read(const char *path, const char *item_col, wiod_layout_t *l,
                              cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_csv_options_t opt;
    size_t c_label = 0, c_region = 0, c_item = 0;
    memset(l, 0, sizeof *l);
    cm_csv_options_default(&opt);
    opt.separator = ',';
    CM_TRY(cm_table_read(&l->t, path, &opt, 1, err));
    CM_TRY(need_col(&l->t, "label", &c_label, err));
    CM_TRY(need_col(&l->t, "country", &c_region, err));
    CM_TRY(need_col(&l->t, item_col, &c_item, err));
    l->n = l->t.nrows;
    l->regions = cm_calloc(l->n, sizeof *l->regions);
    CM_NOMEM(l->regions, err);
    l->items = cm_calloc(l->n, sizeof *l->items);
    CM_NOMEM(l->items, err);
    l->labels = cm_calloc(l->n, sizeof *l->labels);
    CM_NOMEM(l->labels, err);
    {
        const char *first = cm_table_cell(&l->t, 0, c_region);
        while (l->n_items < l->n &&
               strcmp(cm_table_cell(&l->t, l->n_items, c_region), first) == 0) {
            l->items[l->n_items] = cm_table_cell(&l->t, l->n_items, c_item);
            l->n_items++;
        }
    }
    if (l->n % l->n_items != 0) {
        CM_FAIL(cm_error_set_at(err, CM_EPARSE, path, l->t.line[l->n - 1], 0,
                                "expected %zu rows per region (the first region's block), got "
                                "%zu rows in all",
                                l->n_items, l->n));
    }
    l->n_regions = l->n / l->n_items;
    for (size_t k = 0; k < l->n; k++) {
        size_t r = k / l->n_items, s = k % l->n_items;
        const char *reg = cm_table_cell(&l->t, k, c_region);
        const char *item = cm_table_cell(&l->t, k, c_item);
        l->labels[k] = cm_table_cell(&l->t, k, c_label);
        if (s == 0) {
            l->regions[r] = reg;
        }
        if (strcmp(reg, l->regions[r]) != 0) {
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, path, l->t.line[k], (int64_t)c_region + 1,
                                    "expected region '%s' (blocks of %zu rows), got '%s'",
                                    l->regions[r], l->n_items, reg));
        }
        if (strcmp(item, l->items[s]) != 0) {
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, path, l->t.line[k], (int64_t)c_item + 1,
                                    "expected '%s' (the order of the first region), got '%s'",
                                    l->items[s], item));
        }
    }
cleanup:
    if (rc != CM_OK) {
        layout_destroy(l);
    }
    return rc;
}

/* Streaming a labelled matrix: header "row" + column labels, then one row per row label. */
typedef struct wiod_matrix_t {
    const char *path;
    const char *const *row_labels;
    size_t nrow;
    const char *const *col_labels;
    size_t ncol;
    cm_real_t *data; /* element (i, j) at data[i + ld * j] */
    size_t ld;
    int nonneg;  /* negative entries are an error */
    size_t seen; /* data rows read */
    int64_t last_line;
} wiod_matrix_t;

static cm_error_t matrix_row(const cm_csv_row_t *row, void *user, cm_error_info_t *err)
{
    wiod_matrix_t *mx = user;
    mx->last_line = row->line;
    if (row->nfields != mx->ncol + 1) {
        return cm_error_set_at(err, CM_EPARSE, mx->path, row->line, (int64_t)row->nfields,
                               "expected %zu fields (a label and %zu columns), got %zu",
                               mx->ncol + 1, mx->ncol, row->nfields);
    }
    if (row->record == 1) {
        for (size_t j = 0; j < mx->ncol; j++) {
            if (strcmp(row->fields[j + 1], mx->col_labels[j]) != 0) {
                return cm_error_set_at(err, CM_EPARSE, mx->path, row->line, (int64_t)j + 2,
                                       "expected column label '%s', got '%s'", mx->col_labels[j],
                                       row->fields[j + 1]);
            }
        }
        return CM_OK;
    }
    size_t i = mx->seen;
    if (i >= mx->nrow) {
        return cm_error_set_at(err, CM_EPARSE, mx->path, row->line, 1,
                               "expected %zu data rows, got more ('%s')", mx->nrow, row->fields[0]);
    }
    if (strcmp(row->fields[0], mx->row_labels[i]) != 0) {
        return cm_error_set_at(err, CM_EPARSE, mx->path, row->line, 1,
                               "expected row label '%s', got '%s'", mx->row_labels[i],
                               row->fields[0]);
    }
    cm_num_options_t nopt;
    memset(&nopt, 0, sizeof nopt);
    for (size_t j = 0; j < mx->ncol; j++) {
        cm_num_t v;
        cm_error_info_t sub;
        memset(&sub, 0, sizeof sub);
        if (cm_num_parse(row->fields[j + 1], &nopt, &v, &sub) != CM_OK || !cm_num_has_value(&v)) {
            return cm_error_set_at(err, CM_EPARSE, mx->path, row->line, (int64_t)j + 2,
                                   "expected a number, got '%s'", row->fields[j + 1]);
        }
        if (mx->nonneg && v.value < 0.0) {
            return cm_error_set_at(err, CM_EPARSE, mx->path, row->line, (int64_t)j + 2,
                                   "expected a non-negative intermediate use, got '%s'",
                                   row->fields[j + 1]);
        }
        mx->data[i + mx->ld * j] = v.value;
    }
    mx->seen++;
    return CM_OK;
}

static cm_error_t matrix_read(wiod_matrix_t *mx, cm_error_info_t *err)
{
    cm_csv_options_t opt;
    cm_csv_options_default(&opt);
    opt.separator = ',';
    opt.strict_fields = 0; /* counted by matrix_row, which names the file */
    opt.encoding = CM_ENC_UTF8;
    opt.max_record_bytes = 16u << 20;
    mx->seen = 0;
    mx->last_line = 0;
    cm_error_t rc = cm_csv_read_file(mx->path, &opt, matrix_row, mx, NULL, err);
    if (rc == CM_OK && mx->seen != mx->nrow) {
        rc = cm_error_set_at(err, CM_EPARSE, mx->path, mx->last_line, 1,
                             "expected %zu data rows, got %zu", mx->nrow, mx->seen);
    }
    return rc;
}

cm_error_t cm_mrio_read_wiod(const char *dir, cm_mrio_t *m, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    wiod_layout_t rows, cols;
    char path[4096];
    const char *output_label[] = {"output"};
    memset(&rows, 0, sizeof rows);
    memset(&cols, 0, sizeof cols);
    if (dir == NULL || m == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_mrio_read_wiod: NULL argument");
    }
    memset(m, 0, sizeof *m);
    CM_TRY(wiod_path(dir, "row_labels.csv", path, sizeof path, err));
    CM_TRY(layout_read(path, "sector_code", &rows, err));
    CM_TRY(wiod_path(dir, "final_labels.csv", path, sizeof path, err));
    CM_TRY(layout_read(path, "category", &cols, err));
    if (cols.n_regions != rows.n_regions) {
        CM_FAIL(cm_error_set_at(err, CM_EPARSE, path, cols.t.line[cols.n - 1], 0,
                                "expected final demand for the %zu regions of the row labels, "
                                "got %zu regions",
                                rows.n_regions, cols.n_regions));
    }
    for (size_t r = 0; r < rows.n_regions; r++) {
        if (strcmp(rows.regions[r], cols.regions[r]) != 0) {
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, path, cols.t.line[r * cols.n_items], 0,
                                    "expected region '%s' (the order of the row labels), got '%s'",
                                    rows.regions[r], cols.regions[r]));
        }
    }
    CM_TRY(cm_mrio_init(m, rows.n_regions, rows.regions, rows.n_items, rows.items, cols.n_items,
                        cols.items, err));
    m->name = cm_strdup("WIOD 2013 release, 2011");
    CM_NOMEM(m->name, err);
    m->unit_row = cm_strdup(WIOD_UNIT);
    CM_NOMEM(m->unit_row, err);
    {
        size_t N = rows.n;
        wiod_matrix_t mz = {path, rows.labels, N, rows.labels, N, m->Z.data, N, 1, 0, 0};
        wiod_matrix_t my = {path, rows.labels, N, cols.labels, cols.n, m->Y.data, N, 0, 0, 0};
        wiod_matrix_t mo = {path, rows.labels, N, output_label, 1, m->x.data, N, 0, 0, 0};
        CM_TRY(wiod_path(dir, "Z.csv", path, sizeof path, err));
        CM_TRY(matrix_read(&mz, err));
        CM_TRY(wiod_path(dir, "final.csv", path, sizeof path, err));
        CM_TRY(matrix_read(&my, err));
        CM_TRY(wiod_path(dir, "output.csv", path, sizeof path, err));
        CM_TRY(matrix_read(&mo, err));
        /* value added = x - column sums of Z (taxes, margins and value added together); gross
         * output itself as a second row, so that both have consumption- and production-based
         * accounts (D_cba of gross output: the output of all regions that a region's final
         * demand sets in motion) */
        const char *idx[] = {"inputtype"};
        const char *lab[] = {"value added", "gross output"};
        const char *units[] = {WIOD_UNIT, WIOD_UNIT};
        cm_mrio_ext_t *e = NULL;
        CM_TRY(cm_mrio_add_ext(m, "factor_inputs", 1, idx, 2, lab, units, 0, &e, err));
        e->title = cm_strdup("Factor inputs");
        CM_NOMEM(e->title, err);
        for (size_t j = 0; j < N; j++) {
            cm_real_t s = 0.0;
            for (size_t i = 0; i < N; i++) {
                s += m->Z.data[i + N * j];
            }
            e->F.data[2 * j] = m->x.data[j] - s;
            e->F.data[2 * j + 1] = m->x.data[j];
        }
    }
cleanup:
    layout_destroy(&rows);
    layout_destroy(&cols);
    if (rc != CM_OK) {
        cm_mrio_destroy(m);
    }
    return rc;
}

/* Table objects of the contract: the shape check, the CSV form, the materials found in their
 * material columns (with each material's rows) and the crit_be rows /api/crit recomputes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cambium/cm_class.h"
#include "cm_internal.h"
#include "report/report_internal.h"
#include "serve/serve_internal.h"

/* CSV bodies are bounded like every growable buffer of the library. */
#define CSV_MAX ((size_t)256 << 20)

static int column_index(const json_t *t, const char *name)
{
    size_t i;
    const json_t *c;
    json_array_foreach(json_object_get(t, "columns"), i, c)
    {
        const char *n = json_string_value(json_object_get(c, "name"));
        if (n != NULL && strcmp(n, name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

int cm_i_serve_table_check(const json_t *t, char *why, size_t whylen)
{
    const json_t *cols = json_object_get(t, "columns");
    const json_t *rows = json_object_get(t, "rows");
    const json_t *mc = json_object_get(t, "material_column");
    const json_t *svg = json_object_get(t, "figure_svg");
    size_t i, ncols = json_array_size(cols);
    const json_t *v;
    if (!json_is_object(t) || !json_is_array(cols) || ncols == 0 || !json_is_array(rows)) {
        snprintf(why, whylen, "expected an object with a non-empty columns array and rows");
        return 1;
    }
    json_array_foreach(cols, i, v)
    {
        const char *n = json_string_value(json_object_get(v, "name"));
        if (n == NULL || n[0] == '\0') {
            snprintf(why, whylen, "column %zu has no name", i + 1);
            return 1;
        }
    }
    json_array_foreach(rows, i, v)
    {
        size_t j;
        const json_t *cell;
        if (!json_is_array(v) || json_array_size(v) != ncols) {
            snprintf(why, whylen, "row %zu is not an array of %zu cells", i + 1, ncols);
            return 1;
        }
        json_array_foreach(v, j, cell)
        {
            if (!json_is_number(cell) && !json_is_string(cell) && !json_is_null(cell) &&
                !json_is_boolean(cell)) {
                snprintf(why, whylen, "row %zu, cell %zu is neither a number, a string nor null",
                         i + 1, j + 1);
                return 1;
            }
        }
    }
    if (mc != NULL && (!json_is_string(mc) || column_index(t, json_string_value(mc)) < 0)) {
        snprintf(why, whylen, "material_column does not name a column");
        return 1;
    }
    if (svg != NULL && !json_is_string(svg) && !json_is_null(svg)) {
        snprintf(why, whylen, "figure_svg is not a string");
        return 1;
    }
    return 0;
}

cm_error_t cm_i_serve_table_csv(const json_t *t, char **csv, size_t *len, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_i_buf_t b = CM_I_BUF_INIT(CSV_MAX);
    CM_TRY(cm_i_report_table_csv(t, "\r\n", &b, err));
    *len = b.len;
    CM_TRY(cm_i_buf_steal(&b, csv));
cleanup:
    if (rc != CM_OK) {
        cm_i_buf_free(&b);
    }
    return rc;
}

/* --- materials ---------------------------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The material id of a row, col being the table's material column (NULL when the table has
 * none, col < 0, or the cell is not a valid material id). */
static const char *row_material(int col, const json_t *row)
{
    const char *m = col >= 0 ? json_string_value(json_array_get(row, (size_t)col)) : NULL;
    return m != NULL && cm_i_serve_valid_id(m, 0) ? m : NULL;
}

static int material_col(const json_t *t)
{
    const char *mc = json_string_value(json_object_get(t, "material_column"));
    return mc != NULL ? column_index(t, mc) : -1;
}

/* Every distinct material id of the tables' material columns, sorted: new array of borrowed
 * strings (free the array only). */
static cm_error_t collect_ids(const cm_serve_t *ctx, json_t *const *objs, const char ***ids,
                              size_t *n, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    size_t total = 0, k = 0;
    const char **out = NULL;
    for (size_t i = 0; objs != NULL && i < ctx->ntables; i++) {
        if (material_col(objs[i]) >= 0) {
            total += json_array_size(json_object_get(objs[i], "rows"));
        }
    }
    out = cm_malloc_array(total + 1, sizeof *out);
    CM_NOMEM(out, err);
    for (size_t i = 0; objs != NULL && i < ctx->ntables; i++) {
        int col = material_col(objs[i]);
        size_t r;
        const json_t *row;
        json_array_foreach(json_object_get(objs[i], "rows"), r, row)
        {
            const char *m = row_material(col, row);
            if (m != NULL) {
                out[k++] = m;
            }
        }
    }
    qsort(out, k, sizeof *out, cmp_str);
    *n = 0;
    for (size_t i = 0; i < k; i++) {
        if (*n == 0 || strcmp(out[*n - 1], out[i]) != 0) {
            out[(*n)++] = out[i];
        }
    }
    *ids = out;
    out = NULL;
cleanup:
    cm_free(out);
    return rc;
}

/* The answers of /api/material under construction: one object per material (material, name,
 * tables), the rows array of its copy of the table being scanned and that table's index + 1. */
typedef struct mat_build_t {
    json_t **answers;
    json_t **rows; /* borrowed from the answer */
    size_t *table; /* 1 + the index of the table rows[] belongs to, 0 before the first */
} mat_build_t;

/* Material k's copy of table t (index i): its keys without rows and figure_svg, and an empty rows
 * array, appended to k's tables; rows[k] is then that array. */
static cm_error_t material_table(mat_build_t *b, size_t k, const json_t *t, size_t i,
                                 cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    json_t *copy = json_object(), *rows = json_array();
    const char *key;
    json_t *value;
    CM_NOMEM(copy, err);
    CM_NOMEM(rows, err);
    json_object_foreach((json_t *)t, key, value)
    {
        if (strcmp(key, "rows") != 0 && strcmp(key, "figure_svg") != 0 &&
            json_object_set(copy, key, value) != 0) {
            CM_FAIL(cm_error_set(err, CM_ENOMEM, "serve: out of memory building a material"));
        }
    }
    if (json_object_set(copy, "rows", rows) != 0 ||
        json_array_append(json_object_get(b->answers[k], "tables"), copy) != 0) {
        CM_FAIL(cm_error_set(err, CM_ENOMEM, "serve: out of memory building a material"));
    }
    b->rows[k] = rows;
    b->table[k] = i + 1;
cleanup:
    json_decref(copy);
    json_decref(rows);
    return rc;
}

/* The answers of the n materials ids (sorted) named names: one pass over the rows of each table
 * (tables in table order, rows in row order within a material's copy). */
static cm_error_t material_answers(const cm_serve_t *ctx, json_t *const *objs, const char **ids,
                                   const char **names, size_t n, mat_build_t *b,
                                   cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    for (size_t k = 0; k < n; k++) {
        json_t *o = json_object();
        CM_NOMEM(o, err);
        b->answers[k] = o;
        if (json_object_set_new(o, "material", json_string(ids[k])) != 0 ||
            json_object_set_new(o, "name", json_string(names[k])) != 0 ||
            json_object_set_new(o, "tables", json_array()) != 0) {
            CM_FAIL(cm_error_set(err, CM_ENOMEM, "serve: out of memory building a material"));
        }
    }
    for (size_t i = 0; objs != NULL && i < ctx->ntables; i++) {
        int col = material_col(objs[i]);
        size_t r;
        const json_t *row;
        if (col < 0) {
            continue;
        }
        json_array_foreach(json_object_get(objs[i], "rows"), r, row)
        {
            const char *m = row_material(col, row);
            const char **hit = m != NULL ? bsearch(&m, ids, n, sizeof *ids, cmp_str) : NULL;
            if (hit == NULL) {
                continue;
            }
            size_t k = (size_t)(hit - ids);
            if (b->table[k] != i + 1) {
                CM_TRY(material_table(b, k, objs[i], i, err));
            }
            if (json_array_append(b->rows[k], (json_t *)row) != 0) {
                CM_FAIL(cm_error_set(err, CM_ENOMEM, "serve: out of memory building a material"));
            }
        }
    }
cleanup:
    return rc;
}

cm_error_t cm_i_serve_build_materials(cm_serve_t *ctx, json_t *const *objs, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    const char **ids = NULL, **names = NULL;
    size_t n = 0;
    cm_class_t *cls = NULL;
    cm_error_info_t cerr;
    mat_build_t b = {NULL, NULL, NULL};
    json_t *list = json_array();
    CM_NOMEM(list, err);
    CM_TRY(collect_ids(ctx, objs, &ids, &n, err));
    memset(&cerr, 0, sizeof cerr);
    rc = cm_class_load(ctx->store, "material", &cls, &cerr);
    if (rc == CM_ENOTFOUND) {
        rc = cm_class_builtin("material", &cls, &cerr);
    }
    if (rc == CM_ENOMEM) {
        CM_FAIL(cm_error_set(err, rc, "%s", cerr.message));
    }
    if (rc != CM_OK) {
        cm_log(CM_LOG_WARNING, "serve: no material names (%s): ids are shown", cerr.message);
        rc = CM_OK;
    }
    names = cm_calloc(n + 1, sizeof *names);
    b.answers = cm_calloc(n + 1, sizeof *b.answers);
    b.rows = cm_calloc(n + 1, sizeof *b.rows);
    b.table = cm_calloc(n + 1, sizeof *b.table);
    ctx->mats = cm_calloc(n + 1, sizeof *ctx->mats);
    CM_NOMEM(names, err);
    CM_NOMEM(b.answers, err);
    CM_NOMEM(b.rows, err);
    CM_NOMEM(b.table, err);
    CM_NOMEM(ctx->mats, err);
    for (size_t i = 0; i < n; i++) {
        const char *label = cls != NULL ? cm_class_label(cls, ids[i]) : NULL;
        names[i] = label != NULL ? label : ids[i];
    }
    CM_TRY(material_answers(ctx, objs, ids, names, n, &b, err));
    for (size_t i = 0; i < n; i++) {
        cm_i_serve_material_t *m = &ctx->mats[ctx->nmats++];
        json_t *item = json_object();
        CM_NOMEM(item, err);
        if (json_array_append_new(list, item) != 0 ||
            json_object_set_new(item, "id", json_string(ids[i])) != 0 ||
            json_object_set_new(item, "name", json_string(names[i])) != 0) {
            CM_FAIL(cm_error_set(err, CM_ENOMEM, "serve: out of memory listing materials"));
        }
        m->id = cm_strdup(ids[i]);
        CM_NOMEM(m->id, err);
        CM_TRY(cm_i_serve_blob_json(&m->json, b.answers[i], err));
        json_decref(b.answers[i]);
        b.answers[i] = NULL;
    }
    CM_TRY(cm_i_serve_blob_json(&ctx->materials, list, err));
cleanup:
    for (size_t i = 0; b.answers != NULL && i < n; i++) {
        json_decref(b.answers[i]);
    }
    cm_free(b.answers);
    cm_free(b.rows);
    cm_free(b.table);
    cm_free(names);
    json_decref(list);
    cm_class_free(cls);
    cm_free(ids);
    return rc;
}

/* --- crit_be ------------------------------------------------------------------------------ */

static double cell_real(const json_t *row, int col)
{
    const json_t *c = json_array_get(row, (size_t)col);
    return json_is_number(c) ? json_number_value(c) : NAN;
}

cm_error_t cm_i_serve_build_crit(cm_serve_t *ctx, const json_t *crit_be, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    static const char *const names[5] = {"material", "sr_eu", "ei_eu", "sr_be", "ei_be"};
    int col[5];
    size_t r;
    const json_t *row;
    for (int k = 0; k < 5; k++) {
        col[k] = column_index(crit_be, names[k]);
        if (col[k] < 0) {
            snprintf(ctx->crit_missing, sizeof ctx->crit_missing,
                     "table crit_be has no column '%s'", names[k]);
            cm_log(CM_LOG_WARNING, "serve: %s: /api/crit answers 404", ctx->crit_missing);
            return CM_OK;
        }
    }
    ctx->crit = cm_calloc(json_array_size(json_object_get(crit_be, "rows")) + 1, sizeof *ctx->crit);
    CM_NOMEM(ctx->crit, err);
    json_array_foreach(json_object_get(crit_be, "rows"), r, row)
    {
        const char *m = json_string_value(json_array_get(row, (size_t)col[0]));
        if (m == NULL) {
            continue;
        }
        cm_i_serve_crit_t *c = &ctx->crit[ctx->ncrit];
        c->material = cm_strdup(m);
        CM_NOMEM(c->material, err);
        ctx->ncrit++;
        c->sr_eu = cell_real(row, col[1]);
        c->ei_eu = cell_real(row, col[2]);
        c->sr_be = cell_real(row, col[3]);
        c->ei_be = cell_real(row, col[4]);
    }
    ctx->has_crit = 1;
cleanup:
    return rc;
}

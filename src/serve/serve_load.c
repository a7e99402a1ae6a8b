/* Opening the server context: the store read-only, the newest assessment and its tables, the
 * provenance list, all serialised once so that requests only look things up. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cambium/cm_json.h"
#include "cm_internal.h"
#include "serve/serve_internal.h"

/* --- cached bodies ------------------------------------------------------------------------ */

static void set_etag(cm_i_serve_blob_t *b)
{
    char hex[65];
    cm_sha256_buffer(b->data, b->len, hex);
    snprintf(b->etag, sizeof b->etag, "\"%.32s\"", hex);
}

void cm_i_serve_blob_take(cm_i_serve_blob_t *b, char *data, size_t len)
{
    cm_i_serve_blob_free(b);
    b->data = data;
    b->len = len;
    set_etag(b);
}

cm_error_t cm_i_serve_blob_set(cm_i_serve_blob_t *b, const char *data, size_t len,
                               cm_error_info_t *err)
{
    char *copy = cm_malloc(len + 1);
    if (copy == NULL) {
        return cm_error_set(err, CM_ENOMEM, "serve: out of memory copying a response body");
    }
    memcpy(copy, data, len);
    copy[len] = '\0';
    cm_i_serve_blob_take(b, copy, len);
    return CM_OK;
}

void cm_i_serve_blob_free(cm_i_serve_blob_t *b)
{
    cm_free(b->data);
    memset(b, 0, sizeof *b);
}

cm_error_t cm_i_serve_blob_json(cm_i_serve_blob_t *b, const json_t *j, cm_error_info_t *err)
{
    char *text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
    if (text == NULL) {
        return cm_error_set(err, CM_ENOMEM, "serve: out of memory writing JSON");
    }
    cm_i_serve_blob_take(b, text, strlen(text));
    return CM_OK;
}

/* --- reading results ---------------------------------------------------------------------- */

/* The newest assess/index row. */
typedef struct index_row_t {
    char *params;
    char *content;
    cm_error_info_t *err;
} index_row_t;

static cm_error_t index_cb(int ncols, const char *const *names, const char *const *values,
                           void *user_data)
{
    index_row_t *r = user_data;
    CM_UNUSED(names);
    if (ncols != 2 || values[0] == NULL || values[1] == NULL) {
        return cm_error_set(r->err, CM_ESTORE, "serve: an assess/index result without content");
    }
    r->params = cm_strdup(values[0]);
    r->content = cm_strdup(values[1]);
    if (r->params == NULL || r->content == NULL) {
        return cm_error_set(r->err, CM_ENOMEM, "serve: out of memory reading the assessment");
    }
    return CM_OK;
}

/* The assess/table rows of the recipe (and of the assessment's run, when its parameters carry
 * one) whose table id the assessment lists: the last row (the largest id) of each wins. The
 * query selects the rows of the recipe (and of an integer run); a run of another JSON type is
 * compared here on the rows' parameters (a third column). */
typedef struct table_scan_t {
    const json_t *run; /* the run to compare here, or NULL when the query selected it */
    size_t n;
    char **ids;      /* wanted table ids (sorted) */
    char **contents; /* their newest content, NULL until found */
    cm_error_info_t *err;
} table_scan_t;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* *same: non-zero when the parameters \p params of a row carry the run s->run. */
static cm_error_t same_run(table_scan_t *s, const char *params, int *same)
{
    cm_error_t rc;
    json_t *p = NULL;
    cm_error_info_t perr;
    memset(&perr, 0, sizeof perr);
    *same = 0;
    rc = cm_json_load_buffer(params, strlen(params), "assess/table params", &p, &perr);
    if (rc != CM_OK) {
        /* the store keeps canonical JSON: only memory can be short; anything else is skipped */
        return rc == CM_ENOMEM ? cm_error_set(s->err, rc, "%s", perr.message) : CM_OK;
    }
    const json_t *run = json_object_get(p, "run");
    *same = run != NULL && json_equal(run, s->run);
    json_decref(p);
    return CM_OK;
}

/* Columns: the table id, the content and, when s->run is set, the parameters. */
static cm_error_t table_cb(int ncols, const char *const *names, const char *const *values,
                           void *user_data)
{
    table_scan_t *s = user_data;
    cm_error_t rc = CM_OK;
    const char *table = values[0];
    int same = 1;
    CM_UNUSED(names);
    if (ncols != (s->run != NULL ? 3 : 2) || table == NULL || values[1] == NULL ||
        (s->run != NULL && values[2] == NULL)) {
        return CM_OK;
    }
    char **hit = bsearch(&table, s->ids, s->n, sizeof *s->ids, cmp_str);
    if (hit == NULL) {
        return CM_OK;
    }
    if (s->run != NULL) {
        CM_TRY(same_run(s, values[2], &same));
    }
    if (same) {
        size_t i = (size_t)(hit - s->ids);
        char *copy = cm_strdup(values[1]);
        CM_NOMEM(copy, s->err);
        cm_free(s->contents[i]);
        s->contents[i] = copy;
    }
cleanup:
    return rc;
}

/* Non-zero when the recipe name is 1 or more of [a-z0-9_-] (as cambium assess checks it), so
 * that it may stand inside SQL quotes. */
static int sql_safe_recipe(const char *recipe)
{
    size_t n = strlen(recipe);
    return n >= 1 && strspn(recipe, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

/* The table ids listed by the assessment's sections, sorted and without duplicates. */
static cm_error_t wanted_tables(const json_t *index, table_scan_t *s, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    size_t cap = 0, k = 0;
    const json_t *sec;
    size_t i;
    json_array_foreach(json_object_get(index, "sections"), i, sec)
    {
        cap += json_array_size(json_object_get(sec, "tables"));
    }
    s->ids = cm_calloc(cap + 1, sizeof *s->ids);
    s->contents = cm_calloc(cap + 1, sizeof *s->contents);
    CM_NOMEM(s->ids, err);
    CM_NOMEM(s->contents, err);
    json_array_foreach(json_object_get(index, "sections"), i, sec)
    {
        size_t j;
        const json_t *t;
        json_array_foreach(json_object_get(sec, "tables"), j, t)
        {
            const char *id = json_string_value(t);
            if (id == NULL || !cm_i_serve_valid_id(id, 1)) {
                cm_log(CM_LOG_WARNING, "serve: the assessment lists a table id that is not 1-64 "
                                       "of [a-z0-9_-]; left out");
                continue;
            }
            s->ids[k] = cm_strdup(id);
            CM_NOMEM(s->ids[k], err);
            k++;
        }
    }
    qsort(s->ids, k, sizeof *s->ids, cmp_str);
    s->n = 0;
    for (size_t a = 0; a < k; a++) {
        if (s->n > 0 && strcmp(s->ids[s->n - 1], s->ids[a]) == 0) {
            cm_free(s->ids[a]);
        } else {
            s->ids[s->n++] = s->ids[a];
        }
        if (a >= s->n) {
            s->ids[a] = NULL;
        }
    }
cleanup:
    return rc;
}

static void scan_free(table_scan_t *s)
{
    for (size_t i = 0; s->ids != NULL && s->ids[i] != NULL; i++) {
        cm_free(s->ids[i]);
    }
    for (size_t i = 0; s->contents != NULL && i < s->n; i++) {
        cm_free(s->contents[i]);
    }
    cm_free(s->ids);
    cm_free(s->contents);
}

/* One table: its JSON as stored, its CSV, its figure and the download name. */
static cm_error_t load_table(cm_i_serve_table_t *t, const char *id, const char *content,
                             json_t *obj, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    char *csv = NULL;
    size_t csvlen = 0;
    size_t n = strlen(id) + 32;
    t->id = cm_strdup(id);
    CM_NOMEM(t->id, err);
    t->disposition = cm_malloc(n);
    CM_NOMEM(t->disposition, err);
    snprintf(t->disposition, n, "attachment; filename=\"%s.csv\"", id);
    CM_TRY(cm_i_serve_blob_set(&t->json, content, strlen(content), err));
    CM_TRY(cm_i_serve_table_csv(obj, &csv, &csvlen, err));
    cm_i_serve_blob_take(&t->csv, csv, csvlen);
    const char *svg = json_string_value(json_object_get(obj, "figure_svg"));
    if (svg != NULL) {
        CM_TRY(cm_i_serve_blob_set(&t->svg, svg, strlen(svg), err));
    }
cleanup:
    return rc;
}

/* The tables of the assessment \p index of \p recipe (and \p run, when not NULL) into
 * ctx->tables (sorted by id). */
static cm_error_t load_tables(cm_serve_t *ctx, const json_t *index, const char *recipe,
                              const json_t *run, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    table_scan_t s = {NULL, 0, NULL, NULL, err};
    json_t **objs = NULL;
    const json_t *crit_be = NULL;
    char *sql = NULL;
    CM_TRY(wanted_tables(index, &s, err));
    if (!sql_safe_recipe(recipe)) {
        cm_log(CM_LOG_WARNING, "serve: the assessment's recipe name is not [a-z0-9_-]: its tables "
                               "are not loaded");
    } else {
        /* the recipe is [a-z0-9_-] and the run a number: safe inside the SQL */
        char runsql[160] = "";
        size_t n;
        if (json_is_integer(run)) {
            snprintf(runsql, sizeof runsql,
                     " AND json_type(params, '$.run') = 'integer' AND "
                     "json_extract(params, '$.run') = %" JSON_INTEGER_FORMAT,
                     json_integer_value(run));
        } else {
            s.run = run;
        }
        static const char fmt[] =
            "SELECT json_extract(params, '$.table'), content%s FROM result "
            "WHERE analysis = 'assess/table' AND json_type(params, '$.recipe') = 'text' "
            "AND json_extract(params, '$.recipe') = '%s' "
            "AND json_type(params, '$.table') = 'text'%s ORDER BY id";
        n = sizeof fmt + strlen(recipe) + strlen(runsql) + 16;
        sql = cm_malloc(n);
        CM_NOMEM(sql, err);
        snprintf(sql, n, fmt, s.run != NULL ? ", params" : "", recipe, runsql);
        CM_TRY(cm_store_query(ctx->store, sql, table_cb, &s, err));
    }
    objs = cm_calloc(s.n, sizeof *objs);
    ctx->tables = cm_calloc(s.n, sizeof *ctx->tables);
    CM_NOMEM(objs, err);
    CM_NOMEM(ctx->tables, err);
    for (size_t i = 0; i < s.n; i++) {
        char why[CM_I_SERVE_WHY_MAX];
        cm_error_info_t perr;
        json_t *obj = NULL;
        if (s.contents[i] == NULL) {
            cm_log(CM_LOG_WARNING, "serve: table %s listed by the assessment is not in the store",
                   s.ids[i]);
            continue;
        }
        memset(&perr, 0, sizeof perr);
        rc = cm_json_load_buffer(s.contents[i], strlen(s.contents[i]), s.ids[i], &obj, &perr);
        if (rc == CM_ENOMEM) {
            cm_error_set(err, CM_ENOMEM, "%s", perr.message);
            goto cleanup;
        }
        rc = CM_OK;
        if (obj == NULL || cm_i_serve_table_check(obj, why, sizeof why) != 0) {
            cm_log(CM_LOG_WARNING, "serve: table %s is not a contract table object (%s); left out",
                   s.ids[i], obj == NULL ? perr.message : why);
            json_decref(obj);
            continue;
        }
        objs[ctx->ntables] = obj;
        cm_i_serve_table_t *t = &ctx->tables[ctx->ntables++];
        CM_TRY(load_table(t, s.ids[i], s.contents[i], obj, err));
        if (strcmp(s.ids[i], "crit_be") == 0) {
            crit_be = obj;
        }
    }
    CM_TRY(cm_i_serve_build_materials(ctx, objs, err));
    if (crit_be != NULL) {
        CM_TRY(cm_i_serve_build_crit(ctx, crit_be, err));
    } else {
        snprintf(ctx->crit_missing, sizeof ctx->crit_missing,
                 "the assessment has no crit_be table");
    }
cleanup:
    for (size_t i = 0; objs != NULL && i < s.n; i++) {
        json_decref(objs[i]);
    }
    cm_free(objs);
    cm_free(sql);
    scan_free(&s);
    return rc;
}

static cm_error_t load_assessment(cm_serve_t *ctx, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    index_row_t row = {NULL, NULL, err};
    json_t *params = NULL, *index = NULL;
    CM_TRY(cm_store_query(ctx->store,
                          "SELECT params, content FROM result WHERE analysis = 'assess/index' "
                          "ORDER BY id DESC LIMIT 1",
                          index_cb, &row, err));
    if (row.content == NULL) {
        snprintf(ctx->crit_missing, sizeof ctx->crit_missing,
                 "no assessment in the store: run cambium assess");
        goto cleanup;
    }
    CM_TRY(
        cm_json_load_buffer(row.params, strlen(row.params), "assess/index params", &params, err));
    CM_TRY(cm_json_load_buffer(row.content, strlen(row.content), "assess/index", &index, err));
    const char *recipe = json_string_value(json_object_get(params, "recipe"));
    if (recipe == NULL) {
        recipe = json_string_value(json_object_get(index, "recipe"));
    }
    if (!json_is_object(index) || recipe == NULL ||
        !json_is_array(json_object_get(index, "sections"))) {
        CM_FAIL(
            cm_error_set_at(err, CM_EPARSE, ctx->store_path, 0, 0,
                            "expected the newest assess/index result to be an object with a "
                            "recipe and a sections array, got %s",
                            json_is_object(index) ? "an object without them" : "another value"));
    }
    CM_TRY(cm_i_serve_blob_set(&ctx->assessment, row.content, strlen(row.content), err));
    ctx->has_assessment = 1;
    CM_TRY(load_tables(ctx, index, recipe, json_object_get(params, "run"), err));
cleanup:
    json_decref(params);
    json_decref(index);
    cm_free(row.params);
    cm_free(row.content);
    return rc;
}

static json_t *jstr(const char *s)
{
    return s != NULL ? json_string(s) : json_null();
}

static cm_error_t load_datasets(cm_serve_t *ctx, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_dataset_list_t list = {0, NULL};
    json_t *arr = json_array();
    CM_NOMEM(arr, err);
    CM_TRY(cm_store_datasets(ctx->store, &list, err));
    for (size_t i = 0; i < list.n; i++) {
        const cm_dataset_info_t *d = &list.items[i];
        json_t *o = json_object();
        CM_NOMEM(o, err);
        if (json_array_append_new(arr, o) != 0 ||
            json_object_set_new(o, "id", json_integer(d->id)) != 0 ||
            json_object_set_new(o, "kind", jstr(d->kind)) != 0 ||
            json_object_set_new(o, "name", jstr(d->name)) != 0 ||
            json_object_set_new(o, "publisher", jstr(d->publisher)) != 0 ||
            json_object_set_new(o, "source", jstr(d->source)) != 0 ||
            json_object_set_new(o, "licence", jstr(d->licence)) != 0 ||
            json_object_set_new(o, "version", jstr(d->version)) != 0 ||
            json_object_set_new(o, "file", jstr(d->file)) != 0 ||
            json_object_set_new(o, "sha256", jstr(d->sha256)) != 0 ||
            json_object_set_new(o, "imported_at", jstr(d->imported_at)) != 0) {
            CM_FAIL(cm_error_set(err, CM_ENOMEM, "serve: out of memory listing datasets"));
        }
    }
    CM_TRY(cm_i_serve_blob_json(&ctx->datasets, arr, err));
cleanup:
    json_decref(arr);
    cm_dataset_list_destroy(&list);
    return rc;
}

static cm_error_t make_health(cm_serve_t *ctx, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    json_t *o = json_object();
    CM_NOMEM(o, err);
    if (json_object_set_new(o, "ok", json_true()) != 0 ||
        json_object_set_new(o, "store", json_string(ctx->store_path)) != 0 ||
        json_object_set_new(o, "assessment", json_boolean(ctx->has_assessment)) != 0 ||
        json_object_set_new(o, "tables", json_integer((json_int_t)ctx->ntables)) != 0) {
        CM_FAIL(cm_error_set(err, CM_ENOMEM, "serve: out of memory writing /api/health"));
    }
    CM_TRY(cm_i_serve_blob_json(&ctx->health, o, err));
cleanup:
    json_decref(o);
    return rc;
}

cm_error_t cm_serve_open(const char *store_path, cm_serve_t **out, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_serve_t *ctx = NULL;
    if (out != NULL) {
        *out = NULL;
    }
    if (store_path == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_serve_open: store_path and out are required");
    }
    if (access(store_path, F_OK) != 0) {
        return cm_error_set(err, CM_EFILE, "%s: no such store (run cambium assess first)",
                            store_path);
    }
    cm_json_init();
    ctx = cm_calloc(1, sizeof *ctx);
    CM_NOMEM(ctx, err);
    ctx->store_path = cm_strdup(store_path);
    CM_NOMEM(ctx->store_path, err);
    if (pthread_mutex_init(&ctx->store_lock, NULL) != 0) {
        CM_FAIL(cm_error_set(err, CM_ENOMEM, "serve: cannot create the store lock"));
    }
    ctx->store_lock_ready = 1;
    CM_TRY(cm_store_open(store_path, CM_STORE_READONLY, &ctx->store, err));
    CM_TRY(load_assessment(ctx, err));
    if (!ctx->has_assessment) {
        CM_TRY(cm_i_serve_build_materials(ctx, NULL, err));
    }
    CM_TRY(load_datasets(ctx, err));
    CM_TRY(make_health(ctx, err));
    *out = ctx;
    ctx = NULL;
cleanup:
    cm_serve_close(ctx);
    return rc;
}

void cm_serve_close(cm_serve_t *ctx)
{
    if (ctx == NULL) {
        return;
    }
    for (size_t i = 0; i < ctx->ntables; i++) {
        cm_i_serve_table_t *t = &ctx->tables[i];
        cm_free(t->id);
        cm_free(t->disposition);
        cm_i_serve_blob_free(&t->json);
        cm_i_serve_blob_free(&t->csv);
        cm_i_serve_blob_free(&t->svg);
    }
    cm_free(ctx->tables);
    for (size_t i = 0; i < ctx->nmats; i++) {
        cm_free(ctx->mats[i].id);
        cm_i_serve_blob_free(&ctx->mats[i].json);
    }
    cm_free(ctx->mats);
    for (size_t i = 0; i < ctx->ncrit; i++) {
        cm_free(ctx->crit[i].material);
    }
    cm_free(ctx->crit);
    cm_i_serve_blob_free(&ctx->assessment);
    cm_i_serve_blob_free(&ctx->health);
    cm_i_serve_blob_free(&ctx->datasets);
    cm_i_serve_blob_free(&ctx->materials);
    cm_crit_whatif_free(ctx->whatif);
    cm_store_close(ctx->store);
    if (ctx->store_lock_ready) {
        pthread_mutex_destroy(&ctx->store_lock);
    }
    cm_free(ctx->store_path);
    cm_free(ctx);
}

int cm_serve_has_assessment(const cm_serve_t *ctx)
{
    return ctx != NULL && ctx->has_assessment;
}

size_t cm_serve_table_count(const cm_serve_t *ctx)
{
    return ctx != NULL ? ctx->ntables : 0;
}

const char *cm_serve_store_path(const cm_serve_t *ctx)
{
    return ctx != NULL ? ctx->store_path : NULL;
}

/* Reading the store back: datasets with provenance, issue counts, summary counts and
 * read-only SQL queries. */
#include <string.h>

#include "cm_internal.h"
#include "store/store_internal.h"

static void dataset_info_free(cm_dataset_info_t *d)
{
    cm_free(d->kind);
    cm_free(d->name);
    cm_free(d->publisher);
    cm_free(d->source);
    cm_free(d->licence);
    cm_free(d->version);
    cm_free(d->file);
    cm_free(d->sha256);
    cm_free(d->imported_at);
    memset(d, 0, sizeof *d);
}

void cm_dataset_list_destroy(cm_dataset_list_t *list)
{
    if (list == NULL) {
        return;
    }
    for (size_t i = 0; i < list->n; i++) {
        dataset_info_free(&list->items[i]);
    }
    cm_free(list->items);
    list->items = NULL;
    list->n = 0;
}

cm_error_t cm_store_datasets(cm_store_t *store, cm_dataset_list_t *list, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    if (store == NULL || list == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_store_datasets: store and list are required");
    }
    cm_dataset_list_destroy(list);
    CM_TRY(cm_i_store_prepare(store->db,
                              "SELECT d.id, d.kind, d.name, d.publisher, d.source, d.licence,"
                              " d.version, d.file, d.sha256, d.imported_at, d.rows,"
                              " (SELECT count(*) FROM import_issue i WHERE i.dataset_id = d.id),"
                              " (SELECT count(*) FROM bulk_file b WHERE b.dataset_id = d.id)"
                              " FROM dataset d WHERE d.status = 'complete' ORDER BY d.id",
                              &st, err));
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        if (list->n == cap) {
            size_t ncap = cap ? 2 * cap : 8;
            cm_dataset_info_t *p = cm_realloc_array(list->items, ncap, sizeof *p);
            CM_NOMEM(p, err);
            list->items = p;
            cap = ncap;
        }
        cm_dataset_info_t *d = &list->items[list->n];
        memset(d, 0, sizeof *d);
        list->n++;
        d->id = sqlite3_column_int64(st, 0);
        char **cols[9] = {&d->kind,    &d->name, &d->publisher, &d->source,     &d->licence,
                          &d->version, &d->file, &d->sha256,    &d->imported_at};
        for (int i = 0; i < 9; i++) {
            CM_TRY(cm_i_store_col_dup(st, i + 1, cols[i], err));
        }
        d->rows = sqlite3_column_int64(st, 10);
        d->issues = sqlite3_column_int64(st, 11);
        d->bulk_files = sqlite3_column_int64(st, 12);
    }
    if (src != SQLITE_DONE) {
        CM_FAIL(cm_i_store_sqlerr(store->db, err, "store: listing datasets"));
    }
cleanup:
    sqlite3_finalize(st);
    if (rc != CM_OK) {
        cm_dataset_list_destroy(list);
    }
    return rc;
}

cm_error_t cm_store_dataset_find(cm_store_t *store, const char *kind, const char *sha256,
                                 int64_t *id, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    sqlite3_stmt *st = NULL;
    if (id == NULL || store == NULL || kind == NULL || sha256 == NULL) {
        return cm_error_set(err, CM_EINVAL,
                            "cm_store_dataset_find: store, kind, sha256 and id are required");
    }
    *id = 0;
    CM_TRY(cm_i_store_prepare(store->db,
                              "SELECT max(id) FROM dataset WHERE kind = ?1 AND sha256 = lower(?2)"
                              " AND status = 'complete'",
                              &st, err));
    CM_TRY(cm_i_store_bind_text(store->db, st, 1, kind, err));
    CM_TRY(cm_i_store_bind_text(store->db, st, 2, sha256, err));
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0); /* NULL (no match) reads as 0 */
    } else {
        CM_FAIL(cm_i_store_sqlerr(store->db, err, "store: finding a dataset"));
    }
cleanup:
    sqlite3_finalize(st);
    return rc;
}

void cm_issue_counts_destroy(cm_issue_counts_t *c)
{
    if (c == NULL) {
        return;
    }
    for (size_t i = 0; i < c->n; i++) {
        cm_free(c->items[i].kind);
    }
    cm_free(c->items);
    c->items = NULL;
    c->n = 0;
}

cm_error_t cm_store_issue_counts(cm_store_t *store, int64_t dataset_id, cm_issue_counts_t *out,
                                 cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    if (store == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_store_issue_counts: store and out are required");
    }
    cm_issue_counts_destroy(out);
    CM_TRY(cm_i_store_prepare(store->db,
                              "SELECT kind, count(*), sum(kept_aside) FROM import_issue"
                              " WHERE dataset_id = ?1 GROUP BY kind ORDER BY kind",
                              &st, err));
    if (sqlite3_bind_int64(st, 1, dataset_id) != SQLITE_OK) {
        CM_FAIL(cm_i_store_sqlerr(store->db, err, "store: binding a dataset id"));
    }
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        if (out->n == cap) {
            size_t ncap = cap ? 2 * cap : 8;
            cm_issue_count_t *p = cm_realloc_array(out->items, ncap, sizeof *p);
            CM_NOMEM(p, err);
            out->items = p;
            cap = ncap;
        }
        cm_issue_count_t *ic = &out->items[out->n];
        memset(ic, 0, sizeof *ic);
        out->n++;
        CM_TRY(cm_i_store_col_dup(st, 0, &ic->kind, err));
        ic->count = sqlite3_column_int64(st, 1);
        ic->kept_aside = sqlite3_column_int64(st, 2);
    }
    if (src != SQLITE_DONE) {
        CM_FAIL(cm_i_store_sqlerr(store->db, err, "store: counting issues"));
    }
cleanup:
    sqlite3_finalize(st);
    if (rc != CM_OK) {
        cm_issue_counts_destroy(out);
    }
    return rc;
}

cm_error_t cm_store_summary(cm_store_t *store, cm_store_summary_t *out, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    if (store == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_store_summary: store and out are required");
    }
    memset(out, 0, sizeof *out);
    sqlite3 *db = store->db;
    CM_TRY(cm_i_store_int(db, "SELECT count(*) FROM dataset WHERE status = 'complete'",
                          &out->datasets, err));
    CM_TRY(cm_i_store_int(db, "SELECT count(*) FROM observation", &out->observations, err));
    CM_TRY(cm_i_store_int(db, "SELECT count(*) FROM import_issue", &out->issues, err));
    CM_TRY(cm_i_store_int(db, "SELECT count(*) FROM import_issue WHERE kept_aside <> 0",
                          &out->quarantined, err));
    CM_TRY(cm_i_store_int(db, "SELECT count(*) FROM bulk_file", &out->bulk_files, err));
    CM_TRY(cm_i_store_int(db, "SELECT count(*) FROM result", &out->results, err));
    if (store->version >= 2) {
        CM_TRY(cm_i_store_int(db, "SELECT count(*) FROM classification", &out->classifications,
                              err));
        CM_TRY(cm_i_store_int(db, "SELECT count(*) FROM class_item", &out->class_items, err));
        CM_TRY(cm_i_store_int(db, "SELECT count(*) FROM class_alias", &out->aliases, err));
        CM_TRY(cm_i_store_int(db, "SELECT count(*) FROM concordance", &out->concordance_pairs,
                              err));
    }
cleanup:
    return rc;
}

cm_error_t cm_store_query(cm_store_t *store, const char *sql, cm_store_row_fn *fn,
                          void *user_data, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    sqlite3_stmt *st = NULL;
    const char **names = NULL, **values = NULL;
    const char *tail = NULL;
    if (store == NULL || sql == NULL || fn == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_store_query: store, sql and fn are required");
    }
    if (sqlite3_prepare_v2(store->db, sql, -1, &st, &tail) != SQLITE_OK) {
        CM_FAIL(cm_error_set(err, CM_EINVAL, "cm_store_query: %s", sqlite3_errmsg(store->db)));
    }
    if (st == NULL) {
        CM_FAIL(cm_error_set(err, CM_EINVAL, "cm_store_query: expected an SQL statement, got none"));
    }
    if (tail != NULL && tail[strspn(tail, " \t\r\n;")] != '\0') {
        CM_FAIL(cm_error_set(err, CM_EINVAL,
                             "cm_store_query: expected one statement, got more: '%.60s'", tail));
    }
    if (!sqlite3_stmt_readonly(st)) {
        CM_FAIL(cm_error_set(err, CM_EINVAL,
                             "cm_store_query: only read-only statements are allowed, got '%.60s'",
                             sql));
    }
    int ncols = sqlite3_column_count(st);
    size_t nc = ncols > 0 ? (size_t)ncols : 1;
    names = cm_calloc(nc, sizeof *names);
    CM_NOMEM(names, err);
    values = cm_calloc(nc, sizeof *values);
    CM_NOMEM(values, err);
    for (int i = 0; i < ncols; i++) {
        names[i] = sqlite3_column_name(st, i);
        if (names[i] == NULL) {
            CM_FAIL(cm_error_set(err, CM_ENOMEM, "out of memory running a query"));
        }
    }
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < ncols; i++) {
            values[i] = sqlite3_column_type(st, i) == SQLITE_NULL
                            ? NULL
                            : (const char *)sqlite3_column_text(st, i);
        }
        CM_TRY(fn(ncols, names, values, user_data));
    }
    if (src != SQLITE_DONE) {
        CM_FAIL(cm_i_store_sqlerr(store->db, err, "store: query"));
    }
cleanup:
    cm_free(names);
    cm_free(values);
    sqlite3_finalize(st);
    return rc;
}

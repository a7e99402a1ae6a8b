/* Reading bulk files back: their path in the side directory, and checking their checksums. */
#include <stdio.h>
#include <string.h>

#include "cm_internal.h"
#include "store/store_internal.h"

cm_error_t cm_store_bulk_path(cm_store_t *store, int64_t dataset_id, const char *role,
                              char **path, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    sqlite3_stmt *st = NULL;
    if (path == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_store_bulk_path: path is required");
    }
    *path = NULL;
    if (store == NULL || role == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_store_bulk_path: store and role are required");
    }
    CM_TRY(cm_i_store_prepare(store->db,
                              "SELECT path FROM bulk_file WHERE dataset_id = ?1 AND role = ?2"
                              " ORDER BY id LIMIT 1",
                              &st, err));
    if (sqlite3_bind_int64(st, 1, dataset_id) != SQLITE_OK) {
        CM_FAIL(cm_i_store_sqlerr(store->db, err, "store: binding a dataset id"));
    }
    CM_TRY(cm_i_store_bind_text(store->db, st, 2, role, err));
    int src = sqlite3_step(st);
    if (src == SQLITE_DONE) {
        CM_FAIL(cm_error_set(err, CM_ENOTFOUND, "dataset %lld has no bulk file of role '%s'",
                             (long long)dataset_id, role));
    }
    if (src != SQLITE_ROW) {
        CM_FAIL(cm_i_store_sqlerr(store->db, err, "store: finding a bulk file"));
    }
    const char *rel = (const char *)sqlite3_column_text(st, 0);
    if (rel == NULL) {
        CM_FAIL(cm_error_set(err, CM_ENOMEM, "out of memory finding a bulk file"));
    }
    size_t n = strlen(store->files_dir) + strlen(rel) + 2;
    *path = cm_malloc(n);
    CM_NOMEM(*path, err);
    snprintf(*path, n, "%s/%s", store->files_dir, rel);
cleanup:
    sqlite3_finalize(st);
    return rc;
}

cm_error_t cm_store_verify_bulk(cm_store_t *store, int64_t *checked, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    sqlite3_stmt *st = NULL;
    cm_i_buf_t path = CM_I_BUF_INIT(0);
    if (checked != NULL) {
        *checked = 0;
    }
    if (store == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_store_verify_bulk: store is required");
    }
    CM_TRY(cm_i_store_prepare(store->db,
                              "SELECT DISTINCT path, sha256 FROM bulk_file ORDER BY path", &st,
                              err));
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        const char *rel = (const char *)sqlite3_column_text(st, 0);
        const char *sha = (const char *)sqlite3_column_text(st, 1);
        char hex[65];
        cm_error_info_t ferr;
        if (rel == NULL || sha == NULL) {
            CM_FAIL(cm_error_set(err, CM_ENOMEM, "out of memory verifying bulk files"));
        }
        cm_i_buf_reset(&path);
        if (cm_i_buf_printf(&path, "%s/%s", store->files_dir, rel) != CM_OK) {
            CM_FAIL(cm_error_set(err, CM_ENOMEM, "out of memory verifying bulk files"));
        }
        memset(&ferr, 0, sizeof ferr);
        if (cm_sha256_file(path.data, hex, &ferr) != CM_OK) {
            CM_FAIL(cm_error_set(err, CM_ESTORE, "bulk file %s is missing or unreadable: %s",
                                 path.data, ferr.message));
        }
        if (strcmp(hex, sha) != 0) {
            CM_FAIL(cm_error_set(err, CM_ESTORE,
                                 "bulk file %s has SHA-256 %s, expected %s (changed after import)",
                                 path.data, hex, sha));
        }
        if (checked != NULL) {
            (*checked)++;
        }
    }
    if (src != SQLITE_DONE) {
        CM_FAIL(cm_i_store_sqlerr(store->db, err, "store: listing bulk files"));
    }
cleanup:
    sqlite3_finalize(st);
    cm_i_buf_free(&path);
    return rc;
}

/* Loading a stored concordance into a cm_concordance_t (cm_concord.h). */
#include <string.h>

#include "cambium/cm_concord.h"
#include "cm_internal.h"
#include "store/store_internal.h"

cm_error_t cm_store_concordance_load(cm_store_t *store, const char *name, cm_concordance_t *out,
                                     cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    sqlite3_stmt *st = NULL;
    int64_t n = 0;
    if (store == NULL || name == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL,
                            "cm_store_concordance_load: store, name and out are required");
    }
    cm_concordance_destroy(out);
    CM_TRY(cm_concordance_init(out, name));
    CM_TRY(cm_i_store_prepare(store->db,
                              "SELECT from_code, to_code, weight FROM concordance WHERE name = ?1"
                              " ORDER BY rowid",
                              &st, err));
    CM_TRY(cm_i_store_bind_text(store->db, st, 1, name, err));
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        const char *from = (const char *)sqlite3_column_text(st, 0);
        const char *to = (const char *)sqlite3_column_text(st, 1);
        if (from == NULL || to == NULL) {
            CM_FAIL(cm_error_set(err, CM_ENOMEM, "out of memory reading concordance %s", name));
        }
        CM_TRY(cm_concordance_add(out, from, to, sqlite3_column_double(st, 2), err));
        n++;
    }
    if (src != SQLITE_DONE) {
        CM_FAIL(cm_i_store_sqlerr(store->db, err, "store: reading a concordance"));
    }
    if (n == 0) {
        CM_FAIL(cm_error_set(err, CM_ENOTFOUND, "%s: no concordance '%s' in the store",
                             store->path, name));
    }
cleanup:
    sqlite3_finalize(st);
    if (rc == CM_ENOMEM && err != NULL && err->code != CM_ENOMEM) {
        cm_error_set(err, CM_ENOMEM, "out of memory loading concordance %s", name);
    }
    if (rc != CM_OK) {
        cm_concordance_destroy(out);
    }
    return rc;
}

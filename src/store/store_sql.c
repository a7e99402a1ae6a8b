/* Small SQLite helpers: every return code checked, SQLite's message kept in the error. */
#include <string.h>

#include "cm_internal.h"
#include "store/store_internal.h"

cm_error_t cm_i_store_sqlerr(sqlite3 *db, cm_error_info_t *err, const char *what)
{
    const char *msg = db != NULL ? sqlite3_errmsg(db) : "no database connection";
    return cm_error_set(err, CM_ESTORE, "%s: %s", what, msg);
}

cm_error_t cm_i_store_exec(sqlite3 *db, const char *sql, cm_error_info_t *err)
{
    char *msg = NULL;
    int src = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (src != SQLITE_OK) {
        cm_error_t rc;
        if (msg != NULL) {
            rc = cm_error_set(err, CM_ESTORE, "store: %s", msg);
        } else {
            rc = cm_i_store_sqlerr(db, err, "store");
        }
        sqlite3_free(msg);
        return rc;
    }
    return CM_OK;
}

cm_error_t cm_i_store_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st,
                              cm_error_info_t *err)
{
    *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK) {
        sqlite3_finalize(*st);
        *st = NULL;
        return cm_i_store_sqlerr(db, err, "store: preparing a statement");
    }
    return CM_OK;
}

cm_error_t cm_i_store_bind_text(sqlite3 *db, sqlite3_stmt *st, int idx, const char *s,
                                cm_error_info_t *err)
{
    int src = s != NULL ? sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT)
                        : sqlite3_bind_null(st, idx);
    if (src != SQLITE_OK) {
        return cm_i_store_sqlerr(db, err, "store: binding a value");
    }
    return CM_OK;
}

cm_error_t cm_i_store_int(sqlite3 *db, const char *sql, int64_t *out, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    sqlite3_stmt *st = NULL;
    *out = 0;
    CM_TRY(cm_i_store_prepare(db, sql, &st, err));
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        *out = sqlite3_column_int64(st, 0);
    } else if (src != SQLITE_DONE) {
        CM_FAIL(cm_i_store_sqlerr(db, err, "store: query"));
    }
cleanup:
    sqlite3_finalize(st);
    return rc;
}

cm_error_t cm_i_store_col_dup(sqlite3_stmt *st, int i, char **out, cm_error_info_t *err)
{
    *out = NULL;
    if (sqlite3_column_type(st, i) == SQLITE_NULL) {
        return CM_OK;
    }
    const unsigned char *t = sqlite3_column_text(st, i);
    if (t == NULL) {
        return cm_error_set(err, CM_ENOMEM, "out of memory reading the store");
    }
    *out = cm_strdup((const char *)t);
    if (*out == NULL) {
        return cm_error_set(err, CM_ENOMEM, "out of memory reading the store");
    }
    return CM_OK;
}

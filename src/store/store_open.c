/* Opening, creating, migrating and closing a store. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cm_internal.h"
#include "store/store_internal.h"

static cm_error_t configure(cm_store_t *store, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    if (sqlite3_busy_timeout(store->db, 5000) != SQLITE_OK) {
        return cm_i_store_sqlerr(store->db, err, "store: setting the busy timeout");
    }
    if (!store->readonly) {
        /* A rollback journal (not WAL): a rolled-back import leaves the file byte-identical. */
        CM_TRY(cm_i_store_exec(store->db, "PRAGMA journal_mode = DELETE", err));
        CM_TRY(cm_i_store_exec(store->db, "PRAGMA synchronous = NORMAL", err));
    }
    CM_TRY(cm_i_store_exec(store->db, "PRAGMA foreign_keys = ON", err));
cleanup:
    return rc;
}

/* Identify the file: a cambium store (version), an empty database (new), or something else. */
static cm_error_t identify(cm_store_t *store, int *is_new, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    int64_t app_id = 0, version = 0, objects = 0;
    *is_new = 0;
    rc = cm_i_store_int(store->db, "PRAGMA application_id", &app_id, err);
    if (rc != CM_OK) {
        if (sqlite3_errcode(store->db) == SQLITE_NOTADB) {
            return cm_error_set(err, CM_ESTORE, "%s: not a cambium store (not an SQLite database)",
                                store->path);
        }
        cm_error_prefix(err, "%s", store->path);
        return rc;
    }
    CM_TRY(cm_i_store_int(store->db, "PRAGMA user_version", &version, err));
    CM_TRY(cm_i_store_int(store->db, "SELECT count(*) FROM sqlite_master", &objects, err));
    if (app_id == 0 && version == 0 && objects == 0) {
        *is_new = 1;
        store->version = 0;
        return CM_OK;
    }
    if (app_id != CM_I_STORE_APP_ID) {
        return cm_error_set(err, CM_ESTORE,
                            "%s: not a cambium store (an SQLite database of another application)",
                            store->path);
    }
    if (version > CM_STORE_SCHEMA_VERSION) {
        return cm_error_set(err, CM_ESTORE, "%s: store schema version %lld is newer than this cambium (%d)",
                            store->path, (long long)version, CM_STORE_SCHEMA_VERSION);
    }
    if (version < 1) {
        return cm_error_set(err, CM_ESTORE, "%s: not a cambium store (schema version %lld)",
                            store->path, (long long)version);
    }
    store->version = (int)version;
cleanup:
    return rc;
}

static cm_error_t open_at(const char *path, int flags, int target, cm_store_t **out,
                          cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_store_t *store = NULL;
    int created = 0, is_new = 0;
    struct stat sb;

    if (out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_store_open: out is required");
    }
    *out = NULL;
    if (path == NULL || path[0] == '\0') {
        return cm_error_set(err, CM_EINVAL, "cm_store_open: path is required");
    }
    if ((flags & CM_STORE_CREATE) && (flags & CM_STORE_READONLY)) {
        return cm_error_set(err, CM_EINVAL,
                            "cm_store_open: CM_STORE_CREATE and CM_STORE_READONLY exclude each other");
    }
    if (stat(path, &sb) != 0) {
        if (errno != ENOENT || !(flags & CM_STORE_CREATE)) {
            return cm_error_set(err, CM_EFILE, "%s: no such store (%s)", path, strerror(errno));
        }
        created = 1;
    } else if (S_ISDIR(sb.st_mode)) {
        return cm_error_set(err, CM_EFILE, "%s: is a directory, not a store", path);
    }

    store = cm_calloc(1, sizeof *store);
    CM_NOMEM(store, err);
    store->readonly = (flags & CM_STORE_READONLY) != 0;
    store->path = cm_strdup(path);
    CM_NOMEM(store->path, err);
    size_t n = strlen(path) + sizeof ".files";
    store->files_dir = cm_malloc(n);
    CM_NOMEM(store->files_dir, err);
    snprintf(store->files_dir, n, "%s.files", path);

    int oflags = store->readonly ? SQLITE_OPEN_READONLY
                                 : SQLITE_OPEN_READWRITE | (created ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(path, &store->db, oflags, NULL) != SQLITE_OK) {
        if (store->db == NULL) {
            CM_FAIL(cm_error_set(err, CM_ENOMEM, "out of memory opening %s", path));
        }
        CM_FAIL(cm_error_set(err, CM_EFILE, "%s: cannot open the store: %s", path,
                             sqlite3_errmsg(store->db)));
    }
    CM_TRY(identify(store, &is_new, err));
    CM_TRY(configure(store, err));
    if (store->version < target) {
        if (store->readonly) {
            CM_FAIL(cm_error_set(err, CM_ESTORE,
                                 "%s: %s; open it read-write once to create or migrate it",
                                 path, is_new ? "an empty database, not a cambium store"
                                              : "store schema is older than this cambium"));
        }
        if (is_new && !created && !(flags & CM_STORE_CREATE)) {
            CM_FAIL(cm_error_set(err, CM_ESTORE, "%s: not a cambium store (an empty database)",
                                 path));
        }
        CM_TRY(cm_i_store_migrate(store, target, err));
    }
    if (!store->readonly && store->version >= 2) {
        CM_TRY(cm_i_class_refresh_builtins(store, err));
    }
    *out = store;
    store = NULL;
cleanup:
    if (store != NULL) {
        sqlite3_close(store->db);
        store->db = NULL;
        if (created) {
            /* The file did not exist before: leave nothing behind. */
            (void)unlink(path);
        }
        cm_free(store->files_dir);
        cm_free(store->path);
        cm_free(store);
    }
    return rc;
}

cm_error_t cm_store_open(const char *path, int flags, cm_store_t **out, cm_error_info_t *err)
{
    return open_at(path, flags, CM_STORE_SCHEMA_VERSION, out, err);
}

cm_error_t cm_i_store_create_at_version(const char *path, int version, cm_error_info_t *err)
{
    cm_store_t *store = NULL;
    if (version < 1 || version > CM_STORE_SCHEMA_VERSION) {
        return cm_error_set(err, CM_EINVAL, "schema version %d out of range 1..%d", version,
                            CM_STORE_SCHEMA_VERSION);
    }
    cm_error_t rc = open_at(path, CM_STORE_CREATE, version, &store, err);
    cm_store_close(store);
    return rc;
}

void cm_store_close(cm_store_t *store)
{
    if (store == NULL) {
        return;
    }
    if (store->import != NULL) {
        cm_store_import_abort(store->import);
    }
    sqlite3_close(store->db);
    cm_free(store->files_dir);
    cm_free(store->path);
    cm_free(store);
}

int cm_store_schema_version(const cm_store_t *store)
{
    return store != NULL ? store->version : 0;
}

const char *cm_store_path(const cm_store_t *store)
{
    return store != NULL ? store->path : NULL;
}

/* Classifications in the store: seeding the built-ins, loading one back into memory, and
 * importing a user's code list (HS6, CN8, PRODCOM, NACE ...) in one transaction. */
#include <string.h>

#include "cm_internal.h"
#include "store/class_internal.h"
#include "store/store_internal.h"

static const char *builtin_description(const char *name)
{
    if (strcmp(name, "country") == 0) {
        return "Countries and country groups: ISO 3166-1 alpha-3 codes with ISO2, UN M49, "
               "World Bank, Eurostat and UN Comtrade codes and the name spellings of the sources";
    }
    return "Raw materials of the EU 2023 criticality assessment with their groups and aliases";
}

/* Replace classification c->name in the store with \p c (inside the caller's transaction). */
static cm_error_t write_class(sqlite3 *db, const cm_class_t *c, const char *description,
                              int builtin, const char *source, const char *sha256,
                              cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    sqlite3_stmt *st = NULL;
    CM_TRY(cm_i_store_prepare(db, "DELETE FROM classification WHERE name = ?1", &st, err));
    CM_TRY(cm_i_store_bind_text(db, st, 1, c->name, err));
    if (sqlite3_step(st) != SQLITE_DONE) {
        CM_FAIL(cm_i_store_sqlerr(db, err, "store: replacing a classification"));
    }
    sqlite3_finalize(st);
    st = NULL;
    CM_TRY(cm_i_store_prepare(db,
                              "INSERT INTO classification (name, description, builtin, source, sha256)"
                              " VALUES (?1, ?2, ?3, ?4, ?5)",
                              &st, err));
    CM_TRY(cm_i_store_bind_text(db, st, 1, c->name, err));
    CM_TRY(cm_i_store_bind_text(db, st, 2, description, err));
    if (sqlite3_bind_int(st, 3, builtin) != SQLITE_OK) {
        CM_FAIL(cm_i_store_sqlerr(db, err, "store: binding a classification"));
    }
    CM_TRY(cm_i_store_bind_text(db, st, 4, source, err));
    CM_TRY(cm_i_store_bind_text(db, st, 5, sha256, err));
    if (sqlite3_step(st) != SQLITE_DONE) {
        CM_FAIL(cm_i_store_sqlerr(db, err, "store: recording a classification"));
    }
    sqlite3_finalize(st);
    st = NULL;
    CM_TRY(cm_i_store_prepare(db,
                              "INSERT INTO class_item (classification, seq, code, label, parent,"
                              " is_aggregate) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                              &st, err));
    for (size_t i = 0; i < c->n; i++) {
        const cm_i_class_item_t *it = &c->items[i];
        sqlite3_reset(st);
        CM_TRY(cm_i_store_bind_text(db, st, 1, c->name, err));
        if (sqlite3_bind_int64(st, 2, (sqlite3_int64)i) != SQLITE_OK ||
            sqlite3_bind_int(st, 6, it->aggregate) != SQLITE_OK) {
            CM_FAIL(cm_i_store_sqlerr(db, err, "store: binding a class item"));
        }
        CM_TRY(cm_i_store_bind_text(db, st, 3, it->code, err));
        CM_TRY(cm_i_store_bind_text(db, st, 4, it->label, err));
        CM_TRY(cm_i_store_bind_text(db, st, 5, it->parent, err));
        if (sqlite3_step(st) != SQLITE_DONE) {
            CM_FAIL(cm_i_store_sqlerr(db, err, "store: recording a class item"));
        }
    }
    sqlite3_finalize(st);
    st = NULL;
    CM_TRY(cm_i_store_prepare(db,
                              "INSERT INTO class_alias (classification, alias_key, code, source)"
                              " VALUES (?1, ?2, ?3, ?4)",
                              &st, err));
    for (size_t i = 0; i < c->nalias; i++) {
        const cm_i_class_alias_t *a = &c->aliases[i];
        sqlite3_reset(st);
        CM_TRY(cm_i_store_bind_text(db, st, 1, c->name, err));
        CM_TRY(cm_i_store_bind_text(db, st, 2, a->key, err));
        CM_TRY(cm_i_store_bind_text(db, st, 3, c->items[a->item].code, err));
        CM_TRY(cm_i_store_bind_text(db, st, 4, a->source, err));
        if (sqlite3_step(st) != SQLITE_DONE) {
            CM_FAIL(cm_i_store_sqlerr(db, err, "store: recording a class alias"));
        }
    }
cleanup:
    sqlite3_finalize(st);
    return rc;
}

static cm_error_t seed_one(cm_store_t *store, const char *name, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_class_t *c = NULL;
    const char *data = NULL;
    size_t len = 0;
    char sha[65];
    CM_TRY(cm_i_class_builtin_text(name, &data, &len));
    cm_sha256_buffer(data, len, sha);
    CM_TRY(cm_i_class_from_csv_text(name, data, len, &c, err));
    CM_TRY(write_class(store->db, c, builtin_description(name), 1,
                       "data/classifications (built into libcambium)", sha, err));
cleanup:
    cm_class_free(c);
    return rc;
}

cm_error_t cm_i_class_refresh_builtins(cm_store_t *store, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    sqlite3_stmt *st = NULL;
    static const char *const names[] = {"country", "material"};
    for (size_t i = 0; i < 2; i++) {
        const char *data = NULL;
        size_t len = 0;
        char sha[65];
        int same = 0;
        CM_TRY(cm_i_class_builtin_text(names[i], &data, &len));
        cm_sha256_buffer(data, len, sha);
        CM_TRY(cm_i_store_prepare(store->db,
                                  "SELECT sha256 = ?2 FROM classification WHERE name = ?1"
                                  " AND builtin = 1",
                                  &st, err));
        CM_TRY(cm_i_store_bind_text(store->db, st, 1, names[i], err));
        CM_TRY(cm_i_store_bind_text(store->db, st, 2, sha, err));
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW) {
            same = sqlite3_column_int(st, 0);
        } else if (src != SQLITE_DONE) {
            CM_FAIL(cm_i_store_sqlerr(store->db, err, "store: checking the built-in lists"));
        }
        sqlite3_finalize(st);
        st = NULL;
        if (same) {
            continue;
        }
        /* This library's built-in list differs from the one in the store: replace it. */
        CM_TRY(cm_i_store_exec(store->db, "BEGIN IMMEDIATE", err));
        rc = seed_one(store, names[i], err);
        if (rc == CM_OK) {
            rc = cm_i_store_exec(store->db, "COMMIT", err);
        }
        if (rc != CM_OK) {
            (void)sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
            goto cleanup;
        }
    }
cleanup:
    sqlite3_finalize(st);
    return rc;
}

cm_error_t cm_i_class_seed_builtins(cm_store_t *store, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    CM_TRY(seed_one(store, "country", err));
    CM_TRY(seed_one(store, "material", err));
cleanup:
    return rc;
}

cm_error_t cm_class_load(cm_store_t *store, const char *name, cm_class_t **out,
                         cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_class_t *c = NULL;
    sqlite3_stmt *st = NULL;
    int64_t exists = 0;
    if (out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_class_load: out is required");
    }
    *out = NULL;
    if (store == NULL || name == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_class_load: store and name are required");
    }
    sqlite3 *db = store->db;
    CM_TRY(cm_i_store_prepare(db, "SELECT count(*) FROM classification WHERE name = ?1", &st, err));
    CM_TRY(cm_i_store_bind_text(db, st, 1, name, err));
    if (sqlite3_step(st) != SQLITE_ROW) {
        CM_FAIL(cm_i_store_sqlerr(db, err, "store: looking up a classification"));
    }
    exists = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    st = NULL;
    if (exists == 0) {
        CM_FAIL(cm_error_set(err, CM_ENOTFOUND, "%s: no classification '%s' in the store",
                             store->path, name));
    }
    CM_TRY(cm_i_class_create(name, &c, err));
    CM_TRY(cm_i_store_prepare(db,
                              "SELECT code, label, parent, is_aggregate FROM class_item"
                              " WHERE classification = ?1 ORDER BY seq",
                              &st, err));
    CM_TRY(cm_i_store_bind_text(db, st, 1, name, err));
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        const char *code = (const char *)sqlite3_column_text(st, 0);
        if (code == NULL) {
            CM_FAIL(cm_error_set(err, CM_ENOMEM, "out of memory reading classification %s", name));
        }
        CM_TRY(cm_i_class_add_item(c, code, (const char *)sqlite3_column_text(st, 1),
                                   (const char *)sqlite3_column_text(st, 2),
                                   sqlite3_column_int(st, 3), NULL, err));
    }
    if (src != SQLITE_DONE) {
        CM_FAIL(cm_i_store_sqlerr(db, err, "store: reading class items"));
    }
    sqlite3_finalize(st);
    st = NULL;
    CM_TRY(cm_i_class_finish(c, err)); /* code index for the alias rows below */
    CM_TRY(cm_i_store_prepare(db,
                              "SELECT alias_key, code, source FROM class_alias"
                              " WHERE classification = ?1",
                              &st, err));
    CM_TRY(cm_i_store_bind_text(db, st, 1, name, err));
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        const char *key = (const char *)sqlite3_column_text(st, 0);
        const char *code = (const char *)sqlite3_column_text(st, 1);
        if (key == NULL || code == NULL) {
            CM_FAIL(cm_error_set(err, CM_ENOMEM, "out of memory reading classification %s", name));
        }
        size_t item = cm_i_class_find_code(c, code);
        if (item == (size_t)-1) {
            CM_FAIL(cm_error_set(err, CM_ESTORE, "%s: alias '%s' of classification %s names "
                                 "the unknown code '%s'", store->path, key, name, code));
        }
        CM_TRY(cm_i_class_add_key(c, item, key, (const char *)sqlite3_column_text(st, 2), err));
    }
    if (src != SQLITE_DONE) {
        CM_FAIL(cm_i_store_sqlerr(db, err, "store: reading class aliases"));
    }
    CM_TRY(cm_i_class_finish(c, err));
    *out = c;
    c = NULL;
cleanup:
    sqlite3_finalize(st);
    cm_class_free(c);
    return rc;
}

cm_error_t cm_store_class_import(cm_store_t *store, const char *name, const char *path,
                                 cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_class_t *c = NULL;
    char sha[65];
    int in_tx = 0;
    if (store == NULL || name == NULL || name[0] == '\0' || path == NULL) {
        return cm_error_set(err, CM_EINVAL,
                            "cm_store_class_import: store, name and path are required");
    }
    if (strcmp(name, "country") == 0 || strcmp(name, "material") == 0) {
        return cm_error_set(err, CM_EINVAL,
                            "classification '%s' is built in and cannot be replaced by an import",
                            name);
    }
    if (store->readonly || store->import != NULL) {
        return cm_error_set(err, CM_EINVAL, "%s: %s", store->path,
                            store->readonly ? "the store is open read-only"
                                            : "an import is open on this store");
    }
    CM_TRY(cm_sha256_file(path, sha, err));
    CM_TRY(cm_i_class_create(name, &c, err));
    CM_TRY(cm_i_class_build_file(c, path, err));
    CM_TRY(cm_i_store_exec(store->db, "BEGIN IMMEDIATE", err));
    in_tx = 1;
    CM_TRY(write_class(store->db, c, NULL, 0, path, sha, err));
    CM_TRY(cm_i_store_exec(store->db, "COMMIT", err));
    in_tx = 0;
cleanup:
    if (in_tx) {
        (void)sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
    }
    cm_class_free(c);
    return rc;
}

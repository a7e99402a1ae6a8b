/* The schema of the store and its migrations: an ordered list of steps, each applied in one
 * transaction that also sets PRAGMA user_version and the meta table. */
#include <stdio.h>

#include "cm_internal.h"
#include "cambium/cm_version.h"
#include "store/store_internal.h"

typedef struct migration_t {
    int version;
    const char *sql;
    cm_error_t (*fn)(cm_store_t *store, cm_error_info_t *err); /* data step, may be NULL */
} migration_t;

/* Step 1: provenance, observations, issues, bulk files and results. */
static const char step1_sql[] =
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
    "CREATE TABLE dataset (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  kind TEXT NOT NULL, name TEXT, publisher TEXT, source TEXT, licence TEXT,\n"
    "  version TEXT, file TEXT, sha256 TEXT, imported_at TEXT NOT NULL,\n"
    "  rows INTEGER NOT NULL DEFAULT 0,\n"
    "  status TEXT NOT NULL DEFAULT 'importing' CHECK (status IN ('importing', 'complete')));\n"
    "CREATE TABLE observation (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  dataset_id INTEGER NOT NULL REFERENCES dataset(id) ON DELETE CASCADE,\n"
    "  line INTEGER, variable TEXT NOT NULL, region TEXT, partner TEXT, material TEXT,\n"
    "  product TEXT, stage TEXT, period TEXT, value REAL, unit TEXT, flag TEXT,\n"
    "  attrs TEXT CHECK (attrs IS NULL OR json_valid(attrs)));\n"
    "CREATE TABLE import_issue (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  dataset_id INTEGER NOT NULL REFERENCES dataset(id) ON DELETE CASCADE,\n"
    "  kind TEXT NOT NULL, line INTEGER, col INTEGER, detail TEXT,\n"
    "  kept_aside INTEGER NOT NULL DEFAULT 0, raw TEXT);\n"
    "CREATE TABLE bulk_file (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  dataset_id INTEGER NOT NULL REFERENCES dataset(id) ON DELETE CASCADE,\n"
    "  role TEXT NOT NULL, format TEXT, path TEXT NOT NULL, sha256 TEXT NOT NULL,\n"
    "  bytes INTEGER NOT NULL);\n"
    "CREATE TABLE result (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  analysis TEXT NOT NULL, params TEXT NOT NULL, inputs TEXT NOT NULL,\n"
    "  key TEXT NOT NULL UNIQUE, content TEXT, path TEXT, created_at TEXT NOT NULL);\n";

/* Step 2: classifications, concordances and the indexes the queries use. */
static const char step2_sql[] =
    "CREATE TABLE classification (\n"
    "  name TEXT PRIMARY KEY, description TEXT, builtin INTEGER NOT NULL DEFAULT 0,\n"
    "  source TEXT, sha256 TEXT);\n"
    "CREATE TABLE class_item (\n"
    "  classification TEXT NOT NULL REFERENCES classification(name) ON DELETE CASCADE,\n"
    "  seq INTEGER NOT NULL, code TEXT NOT NULL, label TEXT, parent TEXT,\n"
    "  is_aggregate INTEGER NOT NULL DEFAULT 0,\n"
    "  PRIMARY KEY (classification, code));\n"
    "CREATE TABLE class_alias (\n"
    "  classification TEXT NOT NULL, alias_key TEXT NOT NULL, code TEXT NOT NULL, source TEXT,\n"
    "  PRIMARY KEY (classification, alias_key),\n"
    "  FOREIGN KEY (classification, code) REFERENCES class_item(classification, code)\n"
    "    ON DELETE CASCADE);\n"
    "CREATE TABLE concordance (\n"
    "  name TEXT NOT NULL, from_code TEXT NOT NULL, to_code TEXT NOT NULL,\n"
    "  weight REAL NOT NULL CHECK (weight >= 0), source TEXT,\n"
    "  PRIMARY KEY (name, from_code, to_code));\n"
    "CREATE INDEX observation_dataset ON observation(dataset_id);\n"
    "CREATE INDEX observation_lookup ON observation(variable, region, material, period);\n"
    "CREATE INDEX import_issue_dataset ON import_issue(dataset_id, kind);\n"
    "CREATE INDEX bulk_file_dataset ON bulk_file(dataset_id);\n"
    "CREATE INDEX bulk_file_sha256 ON bulk_file(sha256);\n"
    "CREATE INDEX dataset_kind_sha256 ON dataset(kind, sha256);\n";

static const migration_t migrations[] = {
    {1, step1_sql, NULL},
    {2, step2_sql, cm_i_class_seed_builtins},
};

static cm_error_t set_meta(sqlite3 *db, const char *key, const char *value, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    sqlite3_stmt *st = NULL;
    CM_TRY(cm_i_store_prepare(db, "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)", &st,
                              err));
    CM_TRY(cm_i_store_bind_text(db, st, 1, key, err));
    CM_TRY(cm_i_store_bind_text(db, st, 2, value, err));
    if (sqlite3_step(st) != SQLITE_DONE) {
        CM_FAIL(cm_i_store_sqlerr(db, err, "store: writing meta"));
    }
cleanup:
    sqlite3_finalize(st);
    return rc;
}

static cm_error_t apply(cm_store_t *store, const migration_t *m, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    sqlite3 *db = store->db;
    char buf[64];
    int in_tx = 0;
    CM_TRY(cm_i_store_exec(db, "BEGIN IMMEDIATE", err));
    in_tx = 1;
    CM_TRY(cm_i_store_exec(db, m->sql, err));
    if (m->version == 1) {
        char now[32];
        cm_i_store_now(now);
        snprintf(buf, sizeof buf, "PRAGMA application_id = %d", CM_I_STORE_APP_ID);
        CM_TRY(cm_i_store_exec(db, buf, err));
        CM_TRY(set_meta(db, "application", "cambium", err));
        CM_TRY(set_meta(db, "created_at", now, err));
        CM_TRY(set_meta(db, "created_by", cm_version_string(), err));
    }
    if (m->fn != NULL) {
        CM_TRY(m->fn(store, err));
    }
    snprintf(buf, sizeof buf, "%d", m->version);
    CM_TRY(set_meta(db, "schema_version", buf, err));
    snprintf(buf, sizeof buf, "PRAGMA user_version = %d", m->version);
    CM_TRY(cm_i_store_exec(db, buf, err));
    CM_TRY(cm_i_store_exec(db, "COMMIT", err));
    in_tx = 0;
    store->version = m->version;
cleanup:
    if (in_tx) {
        /* The step failed: nothing of it stays. The error already says why. */
        (void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        cm_error_prefix(err, "migrating the store to schema version %d", m->version);
    }
    return rc;
}

cm_error_t cm_i_store_migrate(cm_store_t *store, int target, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    for (size_t i = 0; i < sizeof migrations / sizeof migrations[0]; i++) {
        const migration_t *m = &migrations[i];
        if (m->version <= store->version || m->version > target) {
            continue;
        }
        CM_TRY(apply(store, m, err));
    }
cleanup:
    return rc;
}

/* Internals of the store (src/store): the store context, SQLite helpers, SHA-256 state,
 * the clock, the built-in classification data and the normalisation of names. */
#ifndef CAMBIUM_STORE_INTERNAL_H
#define CAMBIUM_STORE_INTERNAL_H

#include <stdint.h>

#include <sqlite3.h>

#include "cambium/cm_class.h"
#include "cambium/cm_store.h"

/* The application_id written into every cambium store ("CMB1"). */
#define CM_I_STORE_APP_ID 0x434d4231

struct cm_store_t {
    sqlite3 *db;
    char *path;      /* as given */
    char *files_dir; /* "<path>.files" */
    int version;     /* schema version after open */
    int readonly;
    cm_store_import_t *import; /* the open import, if any */
};

/* --- SQLite helpers (store_sql.c) --- */
/* Record CM_ESTORE with SQLite's message: "<what>: <sqlite3_errmsg>". Returns CM_ESTORE. */
cm_error_t cm_i_store_sqlerr(sqlite3 *db, cm_error_info_t *err, const char *what);
/* Execute SQL without results. */
cm_error_t cm_i_store_exec(sqlite3 *db, const char *sql, cm_error_info_t *err);
/* Prepare a statement (CM_ESTORE naming the SQL on failure). */
cm_error_t cm_i_store_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st,
                              cm_error_info_t *err);
/* Bind a text or NULL. */
cm_error_t cm_i_store_bind_text(sqlite3 *db, sqlite3_stmt *st, int idx, const char *s,
                                cm_error_info_t *err);
/* A single integer from a query ("SELECT count(*) ..."). */
cm_error_t cm_i_store_int(sqlite3 *db, const char *sql, int64_t *out, cm_error_info_t *err);
/* Copy of column i as a cambium string (NULL for SQL NULL); CM_ENOMEM. */
cm_error_t cm_i_store_col_dup(sqlite3_stmt *st, int i, char **out, cm_error_info_t *err);

/* --- clock (store_clock.c) --- */
/* "Now" as UTC ISO 8601 "YYYY-MM-DDTHH:MM:SSZ" (buf of 32 bytes): the override set with
 * cm_store_set_clock, else $CAMBIUM_NOW or $SOURCE_DATE_EPOCH (seconds since 1970), else time(). */
void cm_i_store_now(char buf[32]);

/* --- schema (store_schema.c) --- */
/* Create or migrate the schema of an open connection up to \p target (tests create old stores). */
cm_error_t cm_i_store_migrate(cm_store_t *store, int target, cm_error_info_t *err);
/* Test hook: create a new store at schema \p version (1..CM_STORE_SCHEMA_VERSION) and close it. */
cm_error_t cm_i_store_create_at_version(const char *path, int version, cm_error_info_t *err);

/* --- SHA-256 (sha256.c) --- */
typedef struct cm_i_sha256_t {
    uint32_t h[8];
    uint64_t nbytes;
    unsigned char buf[64];
    size_t used;
} cm_i_sha256_t;
void cm_i_sha256_init(cm_i_sha256_t *s);
void cm_i_sha256_update(cm_i_sha256_t *s, const void *data, size_t len);
void cm_i_sha256_final(cm_i_sha256_t *s, char hex[65]);

/* --- classifications (class_*.c) --- */
/* The embedded CSV texts of the built-in classifications (generated at build time). */
extern const unsigned char cm_i_class_countries_csv[];
extern const size_t cm_i_class_countries_csv_len;
extern const unsigned char cm_i_class_materials_csv[];
extern const size_t cm_i_class_materials_csv_len;

/* Seed the built-in classifications into the store (inside the caller's transaction). */
cm_error_t cm_i_class_seed_builtins(cm_store_t *store, cm_error_info_t *err);
/* Replace, each in its own transaction, the built-in classifications whose stored checksum
 * differs from this library's (a newer cambium with more aliases opening an older store). */
cm_error_t cm_i_class_refresh_builtins(cm_store_t *store, cm_error_info_t *err);

#endif

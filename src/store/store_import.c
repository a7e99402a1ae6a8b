/* Imports: one SQLite transaction per dataset, with a reused prepared statement per table,
 * and bulk files copied into the side directory (removed again on rollback). */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cm_internal.h"
#include "store/store_internal.h"

struct cm_store_import_t {
    cm_store_t *store;
    int64_t dataset_id;
    int64_t rows;
    int64_t issues;
    sqlite3_stmt *ins_obs;
    sqlite3_stmt *ins_issue;
    sqlite3_stmt *ins_bulk;
    char **new_files; /* bulk files this import created in the side directory */
    size_t nnew;
    int created_dir;
};

static const char ins_obs_sql[] =
    "INSERT INTO observation (dataset_id, line, variable, region, partner, material, product,"
    " stage, period, value, unit, flag, attrs) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
    " ?11, ?12, ?13)";
static const char ins_issue_sql[] =
    "INSERT INTO import_issue (dataset_id, kind, line, col, detail, kept_aside, raw)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
static const char ins_bulk_sql[] =
    "INSERT INTO bulk_file (dataset_id, role, format, path, sha256, bytes)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

static int is_sha256_hex(const char *s)
{
    size_t i = 0;
    for (; s[i] != '\0'; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return 0;
        }
    }
    return i == 64;
}

static void remove_new_files(cm_store_import_t *imp)
{
    cm_store_t *store = imp->store;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(store->db, "SELECT count(*) FROM bulk_file WHERE sha256 = ?1", -1, &st,
                           NULL) != SQLITE_OK) {
        sqlite3_finalize(st);
        st = NULL;
    }
    for (size_t i = 0; i < imp->nnew; i++) {
        const char *slash = strrchr(imp->new_files[i], '/');
        const char *sha = slash != NULL ? slash + 1 : imp->new_files[i];
        int referenced = 0;
        if (st != NULL) {
            sqlite3_reset(st);
            if (sqlite3_bind_text(st, 1, sha, -1, SQLITE_TRANSIENT) == SQLITE_OK &&
                sqlite3_step(st) == SQLITE_ROW) {
                referenced = sqlite3_column_int64(st, 0) > 0;
            }
        }
        if (!referenced && unlink(imp->new_files[i]) != 0 && errno != ENOENT) {
            cm_log(CM_LOG_WARNING, "%s: could not remove after a rolled-back import: %s",
                   imp->new_files[i], strerror(errno));
        }
    }
    sqlite3_finalize(st);
    if (imp->created_dir) {
        (void)rmdir(store->files_dir); /* only succeeds when empty, as it should */
    }
}

static void import_free(cm_store_import_t *imp)
{
    sqlite3_finalize(imp->ins_obs);
    sqlite3_finalize(imp->ins_issue);
    sqlite3_finalize(imp->ins_bulk);
    for (size_t i = 0; i < imp->nnew; i++) {
        cm_free(imp->new_files[i]);
    }
    cm_free(imp->new_files);
    if (imp->store != NULL && imp->store->import == imp) {
        imp->store->import = NULL;
    }
    cm_free(imp);
}

cm_error_t cm_store_import_begin(cm_store_t *store, const cm_provenance_t *prov,
                                 cm_store_import_t **out, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_store_import_t *imp = NULL;
    sqlite3_stmt *st = NULL;
    char sha[65] = "";
    char now[32];
    int in_tx = 0;

    if (out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_store_import_begin: out is required");
    }
    *out = NULL;
    if (store == NULL || prov == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_store_import_begin: store and prov are required");
    }
    if (prov->kind == NULL || prov->kind[0] == '\0') {
        return cm_error_set(err, CM_EINVAL, "cm_store_import_begin: prov->kind is required");
    }
    if (store->readonly) {
        return cm_error_set(err, CM_EINVAL, "%s: the store is open read-only", store->path);
    }
    if (store->import != NULL) {
        return cm_error_set(err, CM_EINVAL,
                            "%s: another import is open on this store (commit or abort it first)",
                            store->path);
    }
    if (prov->sha256 != NULL) {
        if (!is_sha256_hex(prov->sha256)) {
            return cm_error_set(err, CM_EINVAL,
                                "prov->sha256: expected 64 hexadecimal digits, got '%s'",
                                prov->sha256);
        }
        for (int i = 0; i < 64; i++) {
            char c = prov->sha256[i];
            sha[i] = (c >= 'A' && c <= 'F') ? (char)(c - 'A' + 'a') : c;
        }
        sha[64] = '\0';
    } else if (prov->file != NULL) {
        CM_TRY(cm_sha256_file(prov->file, sha, err));
    }
    cm_i_store_now(now);

    imp = cm_calloc(1, sizeof *imp);
    CM_NOMEM(imp, err);
    imp->store = store;
    CM_TRY(cm_i_store_exec(store->db, "BEGIN IMMEDIATE", err));
    in_tx = 1;
    CM_TRY(cm_i_store_prepare(store->db,
                              "INSERT INTO dataset (kind, name, publisher, source, licence, version,"
                              " file, sha256, imported_at, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
                              " ?7, ?8, ?9, 'importing')",
                              &st, err));
    CM_TRY(cm_i_store_bind_text(store->db, st, 1, prov->kind, err));
    CM_TRY(cm_i_store_bind_text(store->db, st, 2, prov->name, err));
    CM_TRY(cm_i_store_bind_text(store->db, st, 3, prov->publisher, err));
    CM_TRY(cm_i_store_bind_text(store->db, st, 4, prov->source, err));
    CM_TRY(cm_i_store_bind_text(store->db, st, 5, prov->licence, err));
    CM_TRY(cm_i_store_bind_text(store->db, st, 6, prov->version, err));
    CM_TRY(cm_i_store_bind_text(store->db, st, 7, prov->file, err));
    CM_TRY(cm_i_store_bind_text(store->db, st, 8, sha[0] != '\0' ? sha : NULL, err));
    CM_TRY(cm_i_store_bind_text(store->db, st, 9, now, err));
    if (sqlite3_step(st) != SQLITE_DONE) {
        CM_FAIL(cm_i_store_sqlerr(store->db, err, "store: recording the dataset"));
    }
    imp->dataset_id = sqlite3_last_insert_rowid(store->db);
    CM_TRY(cm_i_store_prepare(store->db, ins_obs_sql, &imp->ins_obs, err));
    CM_TRY(cm_i_store_prepare(store->db, ins_issue_sql, &imp->ins_issue, err));
    CM_TRY(cm_i_store_prepare(store->db, ins_bulk_sql, &imp->ins_bulk, err));
    store->import = imp;
    *out = imp;
    imp = NULL;
    in_tx = 0;
cleanup:
    sqlite3_finalize(st);
    if (imp != NULL) {
        import_free(imp);
    }
    if (in_tx) {
        (void)sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
    }
    return rc;
}

static cm_error_t step_insert(sqlite3 *db, sqlite3_stmt *st, const char *what,
                              cm_error_info_t *err)
{
    int src = sqlite3_step(st);
    cm_error_t rc = CM_OK;
    if (src != SQLITE_DONE) {
        if (sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_CHECK) {
            rc = cm_error_set(err, CM_EINVAL, "store: %s rejected: %s", what, sqlite3_errmsg(db));
        } else {
            rc = cm_i_store_sqlerr(db, err, what);
        }
    }
    sqlite3_reset(st);
    return rc;
}

cm_error_t cm_store_import_add(cm_store_import_t *imp, const cm_obs_t *obs, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    if (imp == NULL || obs == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_store_import_add: imp and obs are required");
    }
    if (obs->variable == NULL || obs->variable[0] == '\0') {
        return cm_error_set(err, CM_EINVAL, "cm_store_import_add: obs->variable is required (line %lld)",
                            (long long)obs->line);
    }
    if (isinf(obs->value)) {
        return cm_error_set(err, CM_EINVAL,
                            "cm_store_import_add: value must be finite or NaN (line %lld)",
                            (long long)obs->line);
    }
    sqlite3 *db = imp->store->db;
    sqlite3_stmt *st = imp->ins_obs;
    int src = sqlite3_bind_int64(st, 1, imp->dataset_id);
    if (src == SQLITE_OK) {
        src = obs->line > 0 ? sqlite3_bind_int64(st, 2, obs->line) : sqlite3_bind_null(st, 2);
    }
    if (src != SQLITE_OK) {
        return cm_i_store_sqlerr(db, err, "store: binding an observation");
    }
    CM_TRY(cm_i_store_bind_text(db, st, 3, obs->variable, err));
    CM_TRY(cm_i_store_bind_text(db, st, 4, obs->region, err));
    CM_TRY(cm_i_store_bind_text(db, st, 5, obs->partner, err));
    CM_TRY(cm_i_store_bind_text(db, st, 6, obs->material, err));
    CM_TRY(cm_i_store_bind_text(db, st, 7, obs->product, err));
    CM_TRY(cm_i_store_bind_text(db, st, 8, obs->stage, err));
    CM_TRY(cm_i_store_bind_text(db, st, 9, obs->period, err));
    src = isnan(obs->value) ? sqlite3_bind_null(st, 10) : sqlite3_bind_double(st, 10, obs->value);
    if (src != SQLITE_OK) {
        CM_FAIL(cm_i_store_sqlerr(db, err, "store: binding an observation"));
    }
    CM_TRY(cm_i_store_bind_text(db, st, 11, obs->unit, err));
    CM_TRY(cm_i_store_bind_text(db, st, 12, obs->flag, err));
    CM_TRY(cm_i_store_bind_text(db, st, 13, obs->attrs, err));
    CM_TRY(step_insert(db, st, "store: adding an observation (attrs must be a JSON object)", err));
    imp->rows++;
cleanup:
    return rc;
}

cm_error_t cm_store_import_issue(cm_store_import_t *imp, const char *kind, int64_t line,
                                 int64_t column, const char *detail, int kept_aside,
                                 const char *raw, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    if (imp == NULL || kind == NULL || kind[0] == '\0') {
        return cm_error_set(err, CM_EINVAL, "cm_store_import_issue: imp and kind are required");
    }
    sqlite3 *db = imp->store->db;
    sqlite3_stmt *st = imp->ins_issue;
    if (sqlite3_bind_int64(st, 1, imp->dataset_id) != SQLITE_OK ||
        (line > 0 ? sqlite3_bind_int64(st, 3, line) : sqlite3_bind_null(st, 3)) != SQLITE_OK ||
        (column > 0 ? sqlite3_bind_int64(st, 4, column) : sqlite3_bind_null(st, 4)) != SQLITE_OK ||
        sqlite3_bind_int(st, 6, kept_aside ? 1 : 0) != SQLITE_OK) {
        return cm_i_store_sqlerr(db, err, "store: binding an issue");
    }
    CM_TRY(cm_i_store_bind_text(db, st, 2, kind, err));
    CM_TRY(cm_i_store_bind_text(db, st, 5, detail, err));
    CM_TRY(cm_i_store_bind_text(db, st, 7, raw, err));
    CM_TRY(step_insert(db, st, "store: recording an import issue", err));
    imp->issues++;
cleanup:
    return rc;
}

/* Copy src to an open descriptor, hashing on the way; returns the size. */
static cm_error_t copy_hash(const char *src, int fd, const char *tmp, char sha[65],
                            int64_t *bytes, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    unsigned char buf[65536];
    cm_i_sha256_t s;
    FILE *in = fopen(src, "rb");
    if (in == NULL) {
        return cm_error_set(err, CM_EFILE, "%s: cannot open for reading: %s", src, strerror(errno));
    }
    cm_i_sha256_init(&s);
    *bytes = 0;
    for (;;) {
        size_t n = fread(buf, 1, sizeof buf, in);
        size_t off = 0;
        while (off < n) {
            ssize_t w = write(fd, buf + off, n - off);
            if (w < 0) {
                if (errno == EINTR) {
                    continue;
                }
                CM_FAIL(cm_error_set(err, CM_EFILE, "%s: write error: %s", tmp, strerror(errno)));
            }
            off += (size_t)w;
        }
        cm_i_sha256_update(&s, buf, n);
        *bytes += (int64_t)n;
        if (n < sizeof buf) {
            if (ferror(in)) {
                CM_FAIL(cm_error_set(err, CM_EFILE, "%s: read error: %s", src, strerror(errno)));
            }
            break;
        }
    }
    if (fsync(fd) != 0) {
        CM_FAIL(cm_error_set(err, CM_EFILE, "%s: fsync failed: %s", tmp, strerror(errno)));
    }
    cm_i_sha256_final(&s, sha);
cleanup:
    fclose(in);
    return rc;
}

cm_error_t cm_store_import_bulk_file(cm_store_import_t *imp, const char *path, const char *role,
                                     const char *format, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    char *tmp = NULL, *dest = NULL;
    char sha[65];
    int64_t bytes = 0;
    int fd = -1, tmp_exists = 0, dest_new = 0;
    struct stat sb;

    if (imp == NULL || path == NULL || role == NULL || role[0] == '\0') {
        return cm_error_set(err, CM_EINVAL,
                            "cm_store_import_bulk_file: imp, path and role are required");
    }
    cm_store_t *store = imp->store;
    char **grown = cm_realloc_array(imp->new_files, imp->nnew + 1, sizeof *grown);
    CM_NOMEM(grown, err);
    imp->new_files = grown;
    if (mkdir(store->files_dir, 0777) == 0) {
        imp->created_dir = 1;
    } else if (errno != EEXIST) {
        CM_FAIL(cm_error_set(err, CM_EFILE, "%s: cannot create the bulk-file directory: %s",
                             store->files_dir, strerror(errno)));
    }
    size_t n = strlen(store->files_dir) + 80;
    tmp = cm_malloc(n);
    CM_NOMEM(tmp, err);
    dest = cm_malloc(n);
    CM_NOMEM(dest, err);
    snprintf(tmp, n, "%s/.import-XXXXXX", store->files_dir);
    fd = mkstemp(tmp);
    if (fd < 0) {
        CM_FAIL(cm_error_set(err, CM_EFILE, "%s: cannot create a temporary file: %s",
                             store->files_dir, strerror(errno)));
    }
    tmp_exists = 1;
    CM_TRY(copy_hash(path, fd, tmp, sha, &bytes, err));
    if (close(fd) != 0) {
        fd = -1;
        CM_FAIL(cm_error_set(err, CM_EFILE, "%s: close failed: %s", tmp, strerror(errno)));
    }
    fd = -1;
    snprintf(dest, n, "%s/%s", store->files_dir, sha);
    if (stat(dest, &sb) == 0) {
        /* The same content is already kept (another dataset, or earlier in this import). */
        (void)unlink(tmp);
        tmp_exists = 0;
    } else {
        if (rename(tmp, dest) != 0) {
            CM_FAIL(cm_error_set(err, CM_EFILE, "%s: cannot rename to %s: %s", tmp, dest,
                                 strerror(errno)));
        }
        tmp_exists = 0;
        dest_new = 1;
    }
    sqlite3_stmt *st = imp->ins_bulk;
    if (sqlite3_bind_int64(st, 1, imp->dataset_id) != SQLITE_OK ||
        sqlite3_bind_int64(st, 6, bytes) != SQLITE_OK) {
        CM_FAIL(cm_i_store_sqlerr(store->db, err, "store: binding a bulk file"));
    }
    CM_TRY(cm_i_store_bind_text(store->db, st, 2, role, err));
    CM_TRY(cm_i_store_bind_text(store->db, st, 3, format, err));
    CM_TRY(cm_i_store_bind_text(store->db, st, 4, sha, err));
    CM_TRY(cm_i_store_bind_text(store->db, st, 5, sha, err));
    CM_TRY(step_insert(store->db, st, "store: recording a bulk file", err));
    if (dest_new) {
        imp->new_files[imp->nnew++] = dest;
        dest = NULL;
        dest_new = 0;
    }
cleanup:
    if (fd >= 0) {
        close(fd);
    }
    if (tmp_exists) {
        (void)unlink(tmp);
    }
    if (dest_new) {
        (void)unlink(dest);
    }
    cm_free(tmp);
    cm_free(dest);
    return rc;
}

int64_t cm_store_import_rows(const cm_store_import_t *imp)
{
    return imp != NULL ? imp->rows : 0;
}

int64_t cm_store_import_issues(const cm_store_import_t *imp)
{
    return imp != NULL ? imp->issues : 0;
}

int64_t cm_store_import_dataset_id(const cm_store_import_t *imp)
{
    return imp != NULL ? imp->dataset_id : 0;
}

cm_error_t cm_store_import_commit(cm_store_import_t *imp, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    sqlite3_stmt *st = NULL;
    if (imp == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_store_import_commit: imp is required");
    }
    sqlite3 *db = imp->store->db;
    CM_TRY(cm_i_store_prepare(db, "UPDATE dataset SET rows = ?1, status = 'complete' WHERE id = ?2",
                              &st, err));
    if (sqlite3_bind_int64(st, 1, imp->rows) != SQLITE_OK ||
        sqlite3_bind_int64(st, 2, imp->dataset_id) != SQLITE_OK) {
        CM_FAIL(cm_i_store_sqlerr(db, err, "store: binding the row count"));
    }
    if (sqlite3_step(st) != SQLITE_DONE) {
        CM_FAIL(cm_i_store_sqlerr(db, err, "store: recording the row count"));
    }
    sqlite3_finalize(st);
    st = NULL;
    /* Statements must not hold the transaction open. */
    sqlite3_finalize(imp->ins_obs);
    sqlite3_finalize(imp->ins_issue);
    sqlite3_finalize(imp->ins_bulk);
    imp->ins_obs = imp->ins_issue = imp->ins_bulk = NULL;
    CM_TRY(cm_i_store_exec(db, "COMMIT", err));
cleanup:
    sqlite3_finalize(st);
    if (rc != CM_OK) {
        cm_store_import_abort(imp);
    } else {
        import_free(imp);
    }
    return rc;
}

void cm_store_import_abort(cm_store_import_t *imp)
{
    if (imp == NULL) {
        return;
    }
    sqlite3_finalize(imp->ins_obs);
    sqlite3_finalize(imp->ins_issue);
    sqlite3_finalize(imp->ins_bulk);
    imp->ins_obs = imp->ins_issue = imp->ins_bulk = NULL;
    if (!sqlite3_get_autocommit(imp->store->db)) {
        if (sqlite3_exec(imp->store->db, "ROLLBACK", NULL, NULL, NULL) != SQLITE_OK) {
            cm_log(CM_LOG_WARNING, "%s: rolling back the import failed: %s", imp->store->path,
                   sqlite3_errmsg(imp->store->db));
        }
    }
    remove_new_files(imp);
    import_free(imp);
}

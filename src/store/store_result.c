/* Results keyed by analysis, canonical parameters and the checksums of their inputs. */
#include <stdlib.h>
#include <string.h>

#include "cambium/cm_json.h"

#include "cm_internal.h"
#include "store/store_internal.h"

/* Canonical JSON text (keys sorted, compact, reals with 17 digits) of \p text; new string,
 * free with cm_free. Any JSON value is accepted. */
static cm_error_t canonical_json(const char *text, const char *what, char **out,
                                 cm_error_info_t *err)
{
    json_error_t jerr;
    cm_json_init(); /* jansson allocates through cm_malloc: its strings free with cm_free */
    *out = NULL;
    memset(&jerr, 0, sizeof jerr);
    json_t *j = json_loads(text, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jerr);
    if (j == NULL) {
        if (json_error_code(&jerr) == json_error_out_of_memory) {
            return cm_error_set(err, CM_ENOMEM, "out of memory parsing %s", what);
        }
        return cm_error_set(err, CM_EINVAL, "%s: expected JSON, got '%.60s' (%s at column %d)",
                            what, text, jerr.text, jerr.column);
    }
    cm_error_t rc = cm_json_dump_canonical(j, out, err);
    json_decref(j);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct result_key_t {
    char *params;  /* canonical */
    char *inputs;  /* JSON array of the sorted checksums */
    char key[65];
} result_key_t;

static void result_key_destroy(result_key_t *k)
{
    cm_free(k->params);
    cm_free(k->inputs);
    k->params = k->inputs = NULL;
}

static cm_error_t result_key(const char *analysis, const char *params_json, size_t ninputs,
                             const char *const *input_sha256, result_key_t *k,
                             cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    char **sorted = NULL;
    cm_i_buf_t b = CM_I_BUF_INIT(0);
    memset(k, 0, sizeof *k);
    if (analysis == NULL || analysis[0] == '\0') {
        return cm_error_set(err, CM_EINVAL, "result: analysis name is required");
    }
    if (ninputs > 0 && input_sha256 == NULL) {
        return cm_error_set(err, CM_EINVAL, "result: input_sha256 is required when ninputs > 0");
    }
    CM_TRY(canonical_json(params_json != NULL ? params_json : "{}", "result parameters",
                          &k->params, err));
    sorted = cm_calloc(ninputs > 0 ? ninputs : 1, sizeof *sorted);
    CM_NOMEM(sorted, err);
    for (size_t i = 0; i < ninputs; i++) {
        const char *s = input_sha256[i];
        if (s == NULL || strlen(s) != 64 || strspn(s, "0123456789abcdefABCDEF") != 64) {
            CM_FAIL(cm_error_set(err, CM_EINVAL,
                                 "result input %zu: expected a SHA-256 of 64 hexadecimal digits, "
                                 "got '%s'", i + 1, s != NULL ? s : "(null)"));
        }
        sorted[i] = cm_strdup(s);
        CM_NOMEM(sorted[i], err);
        for (char *p = sorted[i]; *p != '\0'; p++) {
            if (*p >= 'A' && *p <= 'F') {
                *p = (char)(*p - 'A' + 'a');
            }
        }
    }
    if (ninputs > 1) {
        qsort(sorted, ninputs, sizeof *sorted, cmp_str);
    }
    CM_TRY(cm_i_buf_puts(&b, "["));
    for (size_t i = 0; i < ninputs; i++) {
        CM_TRY(cm_i_buf_printf(&b, "%s\"%s\"", i > 0 ? "," : "", sorted[i]));
    }
    CM_TRY(cm_i_buf_puts(&b, "]"));
    CM_TRY(cm_i_buf_steal(&b, &k->inputs));
    /* key = SHA-256 of analysis, canonical parameters and sorted inputs, one per line */
    cm_i_sha256_t s;
    cm_i_sha256_init(&s);
    cm_i_sha256_update(&s, analysis, strlen(analysis));
    cm_i_sha256_update(&s, "\n", 1);
    cm_i_sha256_update(&s, k->params, strlen(k->params));
    cm_i_sha256_update(&s, "\n", 1);
    cm_i_sha256_update(&s, k->inputs, strlen(k->inputs));
    cm_i_sha256_final(&s, k->key);
cleanup:
    if (rc == CM_ENOMEM && err != NULL && err->message[0] == '\0') {
        cm_error_set(err, CM_ENOMEM, "out of memory computing a result key");
    }
    if (sorted != NULL) {
        for (size_t i = 0; i < ninputs; i++) {
            cm_free(sorted[i]);
        }
    }
    cm_free(sorted);
    cm_i_buf_free(&b);
    if (rc != CM_OK) {
        result_key_destroy(k);
    }
    return rc;
}

cm_error_t cm_store_result_put(cm_store_t *store, const char *analysis, const char *params_json,
                               size_t ninputs, const char *const *input_sha256,
                               const char *content_json, const char *path, int64_t *result_id,
                               cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    result_key_t k;
    sqlite3_stmt *st = NULL;
    char *content = NULL;
    char now[32];
    memset(&k, 0, sizeof k);
    if (store == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_store_result_put: store is required");
    }
    if (store->readonly || store->import != NULL) {
        return cm_error_set(err, CM_EINVAL, "%s: %s", store->path,
                            store->readonly ? "the store is open read-only"
                                            : "an import is open on this store");
    }
    CM_TRY(result_key(analysis, params_json, ninputs, input_sha256, &k, err));
    if (content_json != NULL) {
        CM_TRY(canonical_json(content_json, "result content", &content, err));
    }
    cm_i_store_now(now);
    sqlite3 *db = store->db;
    CM_TRY(cm_i_store_prepare(db,
                              "INSERT INTO result (analysis, params, inputs, key, content, path,"
                              " created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
                              " ON CONFLICT(key) DO UPDATE SET content = excluded.content,"
                              " path = excluded.path, created_at = excluded.created_at"
                              " RETURNING id",
                              &st, err));
    CM_TRY(cm_i_store_bind_text(db, st, 1, analysis, err));
    CM_TRY(cm_i_store_bind_text(db, st, 2, k.params, err));
    CM_TRY(cm_i_store_bind_text(db, st, 3, k.inputs, err));
    CM_TRY(cm_i_store_bind_text(db, st, 4, k.key, err));
    CM_TRY(cm_i_store_bind_text(db, st, 5, content, err));
    CM_TRY(cm_i_store_bind_text(db, st, 6, path, err));
    CM_TRY(cm_i_store_bind_text(db, st, 7, now, err));
    if (sqlite3_step(st) != SQLITE_ROW) {
        CM_FAIL(cm_i_store_sqlerr(db, err, "store: recording a result"));
    }
    if (result_id != NULL) {
        *result_id = sqlite3_column_int64(st, 0);
    }
    if (sqlite3_step(st) != SQLITE_DONE) {
        CM_FAIL(cm_i_store_sqlerr(db, err, "store: recording a result"));
    }
cleanup:
    sqlite3_finalize(st);
    cm_free(content);
    result_key_destroy(&k);
    return rc;
}

cm_error_t cm_store_result_get(cm_store_t *store, const char *analysis, const char *params_json,
                               size_t ninputs, const char *const *input_sha256,
                               char **content_json, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    result_key_t k;
    sqlite3_stmt *st = NULL;
    memset(&k, 0, sizeof k);
    if (store == NULL || content_json == NULL) {
        return cm_error_set(err, CM_EINVAL,
                            "cm_store_result_get: store and content_json are required");
    }
    *content_json = NULL;
    CM_TRY(result_key(analysis, params_json, ninputs, input_sha256, &k, err));
    CM_TRY(cm_i_store_prepare(store->db, "SELECT content FROM result WHERE key = ?1", &st, err));
    CM_TRY(cm_i_store_bind_text(store->db, st, 1, k.key, err));
    int src = sqlite3_step(st);
    if (src == SQLITE_DONE) {
        CM_FAIL(cm_error_set(err, CM_ENOTFOUND, "no result of %s with these parameters and inputs",
                             analysis));
    }
    if (src != SQLITE_ROW) {
        CM_FAIL(cm_i_store_sqlerr(store->db, err, "store: reading a result"));
    }
    if (sqlite3_column_type(st, 0) == SQLITE_NULL) {
        *content_json = cm_strdup("null");
        CM_NOMEM(*content_json, err);
    } else {
        CM_TRY(cm_i_store_col_dup(st, 0, content_json, err));
    }
cleanup:
    sqlite3_finalize(st);
    result_key_destroy(&k);
    return rc;
}

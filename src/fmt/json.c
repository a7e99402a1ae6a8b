/* JSON through jansson: allocator, loading with positions, canonical dumps, atomic writes. */
#include <pthread.h>
#include <string.h>

#include "cambium/cm_file.h"
#include "cambium/cm_json.h"
#include "fmt_internal.h"

#define JSON_MAX_FILE ((size_t)256 * 1024 * 1024)

static pthread_once_t json_once = PTHREAD_ONCE_INIT;

/* Set when an allocation for jansson failed on this thread: jansson's parser reports some
 * allocation failures as syntax errors ("string or '}' expected"), so the loader checks this. */
static _Thread_local int json_alloc_failed;

static void *json_alloc_cb(size_t n)
{
    void *p = cm_malloc(n);
    if (p == NULL) {
        json_alloc_failed = 1;
    }
    return p;
}

static void json_free_cb(void *p)
{
    cm_free(p);
}

static void set_alloc(void)
{
    json_set_alloc_funcs(json_alloc_cb, json_free_cb);
}

void cm_json_init(void)
{
    pthread_once(&json_once, set_alloc);
}

cm_error_t cm_json_load_buffer(const char *data, size_t len, const char *name, json_t **out,
                               cm_error_info_t *err)
{
    json_error_t je;
    cm_json_init();
    if (out == NULL || (data == NULL && len > 0)) {
        return cm_error_set(err, CM_EINVAL, "%s is NULL", out == NULL ? "out" : "data");
    }
    *out = NULL;
    if (name == NULL) {
        name = "<buffer>";
    }
    memset(&je, 0, sizeof je);
    json_alloc_failed = 0;
    json_t *j = json_loadb(data != NULL ? data : "", len, JSON_REJECT_DUPLICATES, &je);
    if (j == NULL) {
        if (json_error_code(&je) == json_error_out_of_memory || json_alloc_failed) {
            return cm_error_set(err, CM_ENOMEM, "out of memory parsing JSON");
        }
        return cm_error_set_at(err, CM_EPARSE, name, je.line > 0 ? je.line : 0,
                               je.column > 0 ? je.column : 0, "invalid JSON: %s", je.text);
    }
    *out = j;
    return CM_OK;
}

cm_error_t cm_json_load_file(const char *path, json_t **out, cm_error_info_t *err)
{
    char *data = NULL;
    size_t len = 0;
    if (out == NULL || path == NULL) {
        return cm_error_set(err, CM_EINVAL, "%s is NULL", out == NULL ? "out" : "path");
    }
    *out = NULL;
    cm_error_t rc = cm_file_read_all(path, JSON_MAX_FILE, &data, &len, err);
    if (rc != CM_OK) {
        return rc;
    }
    rc = cm_json_load_buffer(data, len, path, out, err);
    cm_free(data);
    return rc;
}

cm_error_t cm_json_dump_canonical(const json_t *j, char **out, cm_error_info_t *err)
{
    cm_json_init();
    if (j == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "%s is NULL", j == NULL ? "json" : "out");
    }
    *out = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT | JSON_REAL_PRECISION(17) |
                             JSON_ENCODE_ANY);
    if (*out == NULL) {
        return cm_error_set(err, CM_ENOMEM, "out of memory writing JSON");
    }
    return CM_OK;
}

cm_error_t cm_json_write_file(const char *path, const json_t *j, size_t flags,
                              cm_error_info_t *err)
{
    cm_json_init();
    if (j == NULL || path == NULL) {
        return cm_error_set(err, CM_EINVAL, "%s is NULL", j == NULL ? "json" : "path");
    }
    if (flags == 0) {
        flags = JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(17);
    }
    char *text = json_dumps(j, flags | JSON_ENCODE_ANY);
    if (text == NULL) {
        return cm_error_set(err, CM_ENOMEM, "out of memory writing JSON");
    }
    size_t n = strlen(text);
    cm_error_t rc = CM_OK;
    cm_afile_t *f = NULL;
    rc = cm_afile_open(path, &f, err);
    if (rc == CM_OK) {
        rc = cm_afile_write(f, text, n, err);
    }
    if (rc == CM_OK) {
        rc = cm_afile_write(f, "\n", 1, err);
    }
    if (rc == CM_OK) {
        rc = cm_afile_commit(f, err);
    } else {
        cm_afile_abort(f);
    }
    cm_free(text);
    return rc;
}

static int is_integer_text(const char *s)
{
    size_t i = 0;
    while (s[i] == ' ') {
        i++;
    }
    if (s[i] == '-' || s[i] == '+') {
        i++;
    }
    size_t d = 0;
    while (s[i] >= '0' && s[i] <= '9') {
        i++;
        d++;
    }
    while (s[i] == ' ') {
        i++;
    }
    return s[i] == '\0' && d > 0 && d <= 15;
}

static json_t *cell_value(const char *cell, int numbers)
{
    if (!numbers) {
        return json_string(cell);
    }
    cm_num_t n;
    cm_num_options_t o = {0, 0, 1};
    if (cm_num_parse(cell, &o, &n, NULL) == CM_OK) {
        if (n.flags == CM_NUMF_EMPTY) {
            return json_null();
        }
        if (n.flags == 0) {
            if (is_integer_text(cell)) {
                return json_integer((json_int_t)n.value);
            }
            return json_real(n.value);
        }
    }
    return json_string(cell);
}

cm_error_t cm_json_from_table(const cm_table_t *t, int numbers, json_t **out,
                              cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    json_t *arr = NULL;
    json_t *obj = NULL;

    cm_json_init();
    if (t == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "%s is NULL", t == NULL ? "table" : "out");
    }
    *out = NULL;
    arr = json_array();
    CM_NOMEM(arr, err);
    for (size_t r = 0; r < t->nrows; r++) {
        obj = json_object();
        CM_NOMEM(obj, err);
        for (size_t c = 0; c < t->ncols; c++) {
            const char *cell = t->cells[r * t->ncols + c];
            if (cell == NULL) {
                continue;
            }
            json_t *v = cell_value(cell, numbers);
            CM_NOMEM(v, err);
            if (json_object_set_new(obj, t->header[c], v) != 0) {
                CM_NOMEM(NULL, err);
            }
        }
        if (json_array_append_new(arr, obj) != 0) {
            obj = NULL; /* json_array_append_new released it */
            CM_NOMEM(NULL, err);
        }
        obj = NULL;
    }
    *out = arr;
    arr = NULL;
cleanup:
    json_decref(obj);
    json_decref(arr);
    return rc;
}

cm_error_t cm_json_write_table(const cm_table_t *t, const char *path, int numbers,
                               cm_error_info_t *err)
{
    json_t *j = NULL;
    cm_error_t rc = cm_json_from_table(t, numbers, &j, err);
    if (rc == CM_OK) {
        rc = cm_json_write_file(path, j, 0, err);
    }
    json_decref(j);
    return rc;
}

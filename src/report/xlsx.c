/* The XLSX workbook of an assessment (libxlsxwriter): a provenance sheet, then one sheet per
 * table. Written to a temporary file beside the target and renamed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "cambium/cm_report.h"
#include "cm_internal.h"
#include "report_internal.h"

#define XLSX_MAX_STRING 32767 /* Excel's limit on a cell's text (bytes here: a safe bound) */
#define FIXED_CREATED 946684800 /* 2000-01-01T00:00:00Z: reproducible document properties */

/* Write a string cell, cut at Excel's limit on a UTF-8 character boundary. */
static lxw_error put_string(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s,
                            char *cut)
{
    size_t n = strlen(s);
    if (n <= XLSX_MAX_STRING) {
        return worksheet_write_string(ws, r, c, s, NULL);
    }
    n = XLSX_MAX_STRING;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) {
        n--;
    }
    memcpy(cut, s, n);
    cut[n] = '\0';
    return worksheet_write_string(ws, r, c, cut, NULL);
}

static lxw_error put_cell(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const json_t *v, char *cut)
{
    if (json_is_integer(v)) {
        return worksheet_write_number(ws, r, c, (double)json_integer_value(v), NULL);
    }
    if (json_is_real(v)) {
        return worksheet_write_number(ws, r, c, json_real_value(v), NULL);
    }
    if (json_is_string(v)) {
        return put_string(ws, r, c, json_string_value(v), cut);
    }
    if (json_is_boolean(v)) {
        return worksheet_write_boolean(ws, r, c, json_is_true(v), NULL);
    }
    return LXW_NO_ERROR; /* null: an empty cell */
}

/* The other input files (assessment "files") below the datasets after a blank row: a header
 * path, sha256, used_by, then one row per file (used_by joined with ", "). */
static lxw_error put_files(lxw_worksheet *ws, lxw_row_t row, const json_t *files, char *cut)
{
    static const char *const keys[] = {"path", "sha256", "used_by"};
    lxw_error e = LXW_NO_ERROR;
    char used[1024];
    if (json_array_size(files) == 0) {
        return e;
    }
    for (size_t k = 0; k < 3 && e == LXW_NO_ERROR; k++) {
        e = worksheet_write_string(ws, row, (lxw_col_t)k, keys[k], NULL);
    }
    size_t i;
    const json_t *f;
    json_array_foreach(files, i, f) {
        lxw_row_t r = (lxw_row_t)(row + 1 + i);
        size_t n = 0, j;
        const json_t *u;
        used[0] = '\0';
        json_array_foreach(json_object_get(f, "used_by"), j, u) {
            if (json_is_string(u) && n < sizeof used) {
                n += (size_t)snprintf(used + n, sizeof used - n, "%s%s", j > 0 ? ", " : "",
                                      json_string_value(u));
            }
        }
        for (size_t k = 0; k < 2 && e == LXW_NO_ERROR; k++) {
            e = put_cell(ws, r, (lxw_col_t)k, json_object_get(f, keys[k]), cut);
        }
        if (e == LXW_NO_ERROR) {
            e = put_string(ws, r, 2, used, cut);
        }
    }
    return e;
}

static lxw_error put_provenance(lxw_workbook *wb, const json_t *datasets, const json_t *files,
                                char *cut)
{
    static const char *const keys[] = {"id", "kind", "name", "publisher", "licence",
                                       "version", "file", "sha256"};
    const size_t nkeys = sizeof keys / sizeof keys[0];
    lxw_worksheet *ws = workbook_add_worksheet(wb, "provenance");
    lxw_error e = LXW_NO_ERROR;
    if (ws == NULL) {
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    }
    for (size_t k = 0; k < nkeys && e == LXW_NO_ERROR; k++) {
        e = worksheet_write_string(ws, 0, (lxw_col_t)k, keys[k], NULL);
    }
    size_t i;
    const json_t *d;
    json_array_foreach(datasets, i, d) {
        for (size_t k = 0; k < nkeys && e == LXW_NO_ERROR; k++) {
            e = put_cell(ws, (lxw_row_t)(i + 1), (lxw_col_t)k, json_object_get(d, keys[k]), cut);
        }
    }
    if (e == LXW_NO_ERROR) {
        e = put_files(ws, (lxw_row_t)(json_array_size(datasets) + 2), files, cut);
    }
    return e;
}

static lxw_error put_table(lxw_workbook *wb, const char *id, const json_t *t, char *cut)
{
    char name[32];
    snprintf(name, sizeof name, "%s", id);
    lxw_worksheet *ws = workbook_add_worksheet(wb, name);
    lxw_error e = LXW_NO_ERROR;
    if (ws == NULL) {
        return LXW_ERROR_SHEETNAME_ALREADY_USED;
    }
    size_t j;
    const json_t *c;
    json_array_foreach(json_object_get(t, "columns"), j, c) {
        const char *cname = json_string_value(json_object_get(c, "name"));
        if (e == LXW_NO_ERROR) {
            e = put_string(ws, 0, (lxw_col_t)j, cname != NULL ? cname : "", cut);
        }
    }
    size_t i;
    const json_t *r;
    json_array_foreach(json_object_get(t, "rows"), i, r) {
        const json_t *v;
        json_array_foreach(r, j, v) {
            if (e == LXW_NO_ERROR) {
                e = put_cell(ws, (lxw_row_t)(i + 1), (lxw_col_t)j, v, cut);
            }
        }
    }
    return e;
}

cm_error_t cm_report_write_xlsx(const json_t *assessment, const json_t *tables, const char *path,
                                cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    char *tmp = NULL;
    char *cut = NULL;
    lxw_workbook *wb = NULL;
    int have_tmp = 0;
    if (assessment == NULL || tables == NULL || path == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_report_write_xlsx: NULL argument");
    }
    const json_t *sections = json_object_get(assessment, "sections");
    if (!json_is_array(sections) || !json_is_object(tables)) {
        return cm_error_set(err, CM_EINVAL, "cm_report_write_xlsx: expected an assessment with "
                            "a sections array and an object of tables");
    }
    size_t i;
    const json_t *s;
    json_array_foreach(sections, i, s) {
        size_t k;
        const json_t *tid;
        json_array_foreach(json_object_get(s, "tables"), k, tid) {
            const json_t *t = json_object_get(tables, json_string_value(tid));
            if (t != NULL) {
                CM_TRY(cm_i_report_check_table(t, json_string_value(tid), err));
            }
        }
    }
    size_t plen = strlen(path) + 16;
    tmp = cm_malloc(plen);
    cut = cm_malloc(XLSX_MAX_STRING + 1);
    CM_NOMEM(tmp, err);
    CM_NOMEM(cut, err);
    snprintf(tmp, plen, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        CM_FAIL(cm_error_set(err, CM_EFILE, "cannot create a temporary file beside '%s'", path));
    }
    (void)fchmod(fd, 0644); /* as the other outputs (mkstemp makes 0600) */
    close(fd);
    have_tmp = 1;

    lxw_workbook_options wopt;
    memset(&wopt, 0, sizeof wopt);
    wopt.constant_memory = LXW_FALSE;
    wb = workbook_new_opt(tmp, &wopt);
    if (wb == NULL) {
        CM_FAIL(cm_error_set(err, CM_EFILE, "libxlsxwriter: cannot start workbook '%s'", path));
    }
    lxw_doc_properties props;
    memset(&props, 0, sizeof props);
    props.title = (char *)json_string_value(json_object_get(assessment, "recipe"));
    props.author = "cambium";
    props.comments = "cambium assess: the tables of the assessment; first sheet: provenance";
    props.created = (time_t)FIXED_CREATED;
    lxw_error e = workbook_set_properties(wb, &props);
    if (e == LXW_NO_ERROR) {
        e = put_provenance(wb, json_object_get(assessment, "datasets"),
                           json_object_get(assessment, "files"), cut);
    }
    json_array_foreach(sections, i, s) {
        size_t k;
        const json_t *tid;
        json_array_foreach(json_object_get(s, "tables"), k, tid) {
            const json_t *t = json_object_get(tables, json_string_value(tid));
            if (t != NULL && e == LXW_NO_ERROR) {
                e = put_table(wb, json_string_value(tid), t, cut);
            }
        }
    }
    lxw_error closed = workbook_close(wb);
    wb = NULL;
    if (e == LXW_NO_ERROR) {
        e = closed;
    }
    if (e != LXW_NO_ERROR) {
        CM_FAIL(cm_error_set(err, e == LXW_ERROR_MEMORY_MALLOC_FAILED ? CM_ENOMEM : CM_EFILE,
                             "libxlsxwriter: cannot write '%s': %s", path, lxw_strerror(e)));
    }
    if (rename(tmp, path) != 0) {
        CM_FAIL(cm_error_set(err, CM_EFILE, "cannot rename '%s' to '%s'", tmp, path));
    }
    have_tmp = 0;
cleanup:
    if (wb != NULL) {
        workbook_close(wb);
    }
    if (have_tmp) {
        unlink(tmp);
    }
    cm_free(tmp);
    cm_free(cut);
    return rc;
}

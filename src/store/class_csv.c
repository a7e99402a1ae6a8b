/* Code lists as CSV: the column layout (code,label[,parent][,aggregate][,aliases][,...]), read
 * with the project's CSV reader (cm_csv.h), and the built-in lists ("country", "material")
 * compiled into the library. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cambium/cm_csv.h"
#include "cm_internal.h"
#include "store/class_internal.h"
#include "store/store_internal.h"

void cm_i_class_layout_destroy(cm_i_class_layout_t *lay)
{
    if (lay == NULL) {
        return;
    }
    if (lay->names != NULL) {
        for (size_t i = 0; i < lay->ncols; i++) {
            cm_free(lay->names[i]);
        }
    }
    cm_free(lay->names);
    cm_free(lay->alias_col);
    memset(lay, 0, sizeof *lay);
    lay->code = lay->label = lay->parent = lay->aggregate = lay->aliases = -1;
}

static int is_ignored_column(const char *name)
{
    return strcasecmp(name, "source") == 0 || strcasecmp(name, "note") == 0 ||
           strcasecmp(name, "notes") == 0 || strcasecmp(name, "description") == 0;
}

cm_error_t cm_i_class_layout_init(cm_i_class_layout_t *lay, size_t n, const char *const *fields,
                                  const char *file, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    memset(lay, 0, sizeof *lay);
    lay->code = lay->label = lay->parent = lay->aggregate = lay->aliases = -1;
    lay->alias_col = cm_calloc(n > 0 ? n : 1, 1);
    CM_NOMEM(lay->alias_col, err);
    lay->names = cm_calloc(n > 0 ? n : 1, sizeof *lay->names);
    CM_NOMEM(lay->names, err);
    lay->ncols = n;
    for (size_t i = 0; i < n; i++) {
        const char *h = fields[i];
        if (i == 0 && (unsigned char)h[0] == 0xEF && (unsigned char)h[1] == 0xBB &&
            (unsigned char)h[2] == 0xBF) {
            h += 3; /* UTF-8 byte-order mark */
        }
        lay->names[i] = cm_strdup(h);
        CM_NOMEM(lay->names[i], err);
        int col = (int)i;
        if (strcasecmp(h, "code") == 0) {
            lay->code = col;
        } else if (strcasecmp(h, "label") == 0) {
            lay->label = col;
        } else if (strcasecmp(h, "parent") == 0) {
            lay->parent = col;
        } else if (strcasecmp(h, "aggregate") == 0 || strcasecmp(h, "is_aggregate") == 0) {
            lay->aggregate = col;
        } else if (strcasecmp(h, "aliases") == 0) {
            lay->aliases = col;
            lay->alias_col[i] = 1;
        } else if (!is_ignored_column(h) && h[0] != '\0') {
            lay->alias_col[i] = 1;
        }
    }
    if (lay->code < 0 || lay->label < 0) {
        CM_FAIL(cm_error_set_at(err, CM_EPARSE, file, 1, lay->code < 0 ? 1 : 2,
                                "expected a header with columns code,label[,parent][,aliases], "
                                "got '%s%s%s'",
                                n > 0 ? fields[0] : "", n > 1 ? "," : "", n > 1 ? fields[1] : ""));
    }
cleanup:
    if (rc != CM_OK) {
        cm_i_class_layout_destroy(lay);
    }
    return rc;
}

static const char *field(size_t n, const char *const *fields, int col)
{
    return (col >= 0 && (size_t)col < n) ? fields[col] : "";
}

cm_error_t cm_i_class_add_record(cm_class_t *c, const cm_i_class_layout_t *lay, size_t n,
                                 const char *const *fields, const char *file, int64_t line,
                                 cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    size_t item = 0;
    const char *code = field(n, fields, lay->code);
    const char *agg = field(n, fields, lay->aggregate);
    int aggregate = 0;
    if (code[0] == '\0') {
        return cm_error_set_at(err, CM_EPARSE, file, line, lay->code + 1,
                               "expected a code, got an empty field");
    }
    if (agg[0] != '\0') {
        if (strcmp(agg, "1") == 0 || strcasecmp(agg, "yes") == 0 || strcasecmp(agg, "true") == 0) {
            aggregate = 1;
        } else if (!(strcmp(agg, "0") == 0 || strcasecmp(agg, "no") == 0 ||
                     strcasecmp(agg, "false") == 0)) {
            return cm_error_set_at(err, CM_EPARSE, file, line, lay->aggregate + 1,
                                   "expected 0 or 1 for aggregate, got '%s'", agg);
        }
    }
    rc = cm_i_class_add_item(c, code, field(n, fields, lay->label),
                             field(n, fields, lay->parent), aggregate, &item, err);
    if (rc != CM_OK) {
        if (rc == CM_EINVAL) {
            return cm_error_set_at(err, CM_EPARSE, file, line, lay->code + 1,
                                   "expected a new code, got '%s' a second time", code);
        }
        return rc;
    }
    for (size_t i = 0; i < n && i < lay->ncols; i++) {
        if (!lay->alias_col[i] || fields[i][0] == '\0') {
            continue;
        }
        const char *p = fields[i];
        while (*p != '\0') {
            const char *bar = strchr(p, '|');
            size_t len = bar != NULL ? (size_t)(bar - p) : strlen(p);
            char key[CM_I_CLASS_KEY_MAX];
            if (cm_i_class_norm(p, len, key, sizeof key) == (size_t)-1) {
                return cm_error_set_at(err, CM_EPARSE, file, line, (int64_t)i + 1,
                                       "expected an alias of at most %d bytes, got '%.40s...'",
                                       CM_I_CLASS_KEY_MAX - 1, p);
            }
            CM_TRY(cm_i_class_add_key(c, item, key, lay->names[i], err));
            p += len;
            if (*p == '|') {
                p++;
            }
        }
    }
cleanup:
    return rc;
}

/* --- building a classification from CSV text --------------------------------------------- */

typedef struct build_t {
    cm_class_t *c;
    cm_i_class_layout_t lay;
    int have_header;
    const char *file;
} build_t;

static cm_error_t build_row(const cm_csv_row_t *row, void *user, cm_error_info_t *err)
{
    build_t *b = user;
    if (!b->have_header) {
        cm_error_t rc = cm_i_class_layout_init(&b->lay, row->nfields, row->fields, b->file, err);
        b->have_header = rc == CM_OK;
        return rc;
    }
    if (row->nfields == 1 && row->fields[0][0] == '\0') {
        return CM_OK;
    }
    return cm_i_class_add_record(b->c, &b->lay, row->nfields, row->fields, b->file, row->line,
                                 err);
}

/* Code lists may leave trailing optional columns out, so records need not be full. */
static void list_options(cm_csv_options_t *opt)
{
    cm_csv_options_default(opt);
    opt->strict_fields = 0;
    opt->skip_blank_lines = 1;
}

cm_error_t cm_i_class_build(cm_class_t *c, const char *data, size_t len, const char *file,
                            cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_csv_options_t opt;
    build_t b;
    memset(&b, 0, sizeof b);
    b.c = c;
    b.file = file;
    list_options(&opt);
    opt.separator = ',';
    CM_TRY(cm_csv_read_buffer(data, len, file, &opt, build_row, &b, NULL, err));
    if (!b.have_header) {
        CM_FAIL(cm_error_set_at(err, CM_EPARSE, file, 1, 1,
                                "expected a header code,label[,...], got an empty file"));
    }
    CM_TRY(cm_i_class_finish(c, err));
cleanup:
    cm_i_class_layout_destroy(&b.lay);
    return rc;
}

cm_error_t cm_i_class_build_file(cm_class_t *c, const char *path, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_csv_options_t opt;
    build_t b;
    memset(&b, 0, sizeof b);
    b.c = c;
    b.file = path;
    list_options(&opt);
    CM_TRY(cm_csv_read_file(path, &opt, build_row, &b, NULL, err));
    if (!b.have_header) {
        CM_FAIL(cm_error_set_at(err, CM_EPARSE, path, 1, 1,
                                "expected a header code,label[,...], got an empty file"));
    }
    rc = cm_i_class_finish(c, err);
    if (rc != CM_OK) {
        cm_error_prefix(err, "%s", path);
    }
cleanup:
    cm_i_class_layout_destroy(&b.lay);
    return rc;
}

cm_error_t cm_i_class_from_csv_text(const char *name, const char *data, size_t len,
                                    cm_class_t **out, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_class_t *c = NULL;
    char file[64];
    snprintf(file, sizeof file, "<built-in %s>", name);
    CM_TRY(cm_i_class_create(name, &c, err));
    CM_TRY(cm_i_class_build(c, data, len, file, err));
    *out = c;
    c = NULL;
cleanup:
    cm_class_free(c);
    return rc;
}

cm_error_t cm_i_class_builtin_text(const char *name, const char **data, size_t *len)
{
    if (name != NULL && strcmp(name, "country") == 0) {
        *data = (const char *)cm_i_class_countries_csv;
        *len = cm_i_class_countries_csv_len;
        return CM_OK;
    }
    if (name != NULL && strcmp(name, "material") == 0) {
        *data = (const char *)cm_i_class_materials_csv;
        *len = cm_i_class_materials_csv_len;
        return CM_OK;
    }
    return CM_ENOTFOUND;
}

cm_error_t cm_class_builtin(const char *name, cm_class_t **out, cm_error_info_t *err)
{
    const char *data = NULL;
    size_t len = 0;
    if (out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_class_builtin: out is required");
    }
    *out = NULL;
    if (cm_i_class_builtin_text(name, &data, &len) != CM_OK) {
        return cm_error_set(err, CM_ENOTFOUND,
                            "no built-in classification '%s' (expected 'country' or 'material')",
                            name != NULL ? name : "(null)");
    }
    return cm_i_class_from_csv_text(name, data, len, out, err);
}

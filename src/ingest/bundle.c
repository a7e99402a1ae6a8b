/* cm_import_bundle: import the datasets listed in DIR/bundle.ini, skipping those already in
 * the store (same kind and SHA-256). */
#include <stdio.h>
#include <string.h>

#include "ingest_internal.h"
#include "ini_internal.h"

static const char *const bundle_keys[] = {"kind",    "file",     "name",   "version",
                                          "publisher", "source", "licence", "schema",
                                          "scope",   "encoding", "decimal_comma", "separator"};

static cm_error_t path_in(char *out, size_t n, const char *dir, const char *rel)
{
    int w = rel[0] == '/' ? snprintf(out, n, "%s", rel) : snprintf(out, n, "%s/%s", dir, rel);
    return w < 0 || (size_t)w >= n ? CM_EOVERFLOW : CM_OK;
}

/* Check every key of the bundle and that each dataset has kind and file. */
static cm_error_t check_bundle(const cm_i_ini_t *ini, const char *ini_path, cm_error_info_t *err)
{
    for (size_t i = 0; i < ini->n; i++) {
        const cm_i_ini_item_t *it = &ini->items[i];
        if (strncmp(it->section, "dataset ", 8) != 0 || it->section[8] == '\0') {
            return cm_error_set_at(err, CM_EPARSE, ini_path, it->line, 1,
                                   "expected sections '[dataset NAME]', got '[%s]'", it->section);
        }
        if (it->key == NULL) {
            if (cm_i_ini_get(ini, it->section, "kind") == NULL ||
                cm_i_ini_get(ini, it->section, "file") == NULL) {
                return cm_error_set_at(err, CM_EPARSE, ini_path, it->line, 1,
                                       "section [%s]: expected keys 'kind' and 'file'",
                                       it->section);
            }
            continue;
        }
        size_t k = 0;
        while (k < sizeof bundle_keys / sizeof bundle_keys[0] && strcmp(bundle_keys[k], it->key)) {
            k++;
        }
        if (k == sizeof bundle_keys / sizeof bundle_keys[0]) {
            return cm_error_set_at(err, CM_EPARSE, ini_path, it->line, 1,
                                   "unknown key '%s' in [%s]: expected kind, file, name, version, "
                                   "publisher, source, licence, schema, scope, encoding, "
                                   "decimal_comma or separator",
                                   it->key, it->section);
        }
    }
    return CM_OK;
}

static cm_error_t dataset_options(const cm_i_ini_t *ini, const char *sec, const char *dir,
                                  const char *ini_path, cm_import_options_t *opt, char *schema,
                                  size_t n, cm_error_info_t *err)
{
    const cm_i_ini_item_t *it;
    memset(opt, 0, sizeof *opt);
    opt->skip_existing = 1;
    opt->name = cm_i_ini_get(ini, sec, "name");
    opt->version = cm_i_ini_get(ini, sec, "version");
    opt->publisher = cm_i_ini_get(ini, sec, "publisher");
    opt->source = cm_i_ini_get(ini, sec, "source");
    opt->licence = cm_i_ini_get(ini, sec, "licence");
    opt->scope = cm_i_ini_get(ini, sec, "scope");
    if (cm_i_ini_get(ini, sec, "schema") != NULL) {
        if (path_in(schema, n, dir, cm_i_ini_get(ini, sec, "schema")) != CM_OK) {
            return cm_error_set(err, CM_EOVERFLOW, "schema path too long in [%s]", sec);
        }
        opt->schema = schema;
    }
    if ((it = cm_i_ini_find(ini, sec, "encoding")) != NULL) {
        if (cm_i_ing_eq(it->value, "windows-1252") || cm_i_ing_eq(it->value, "cp1252")) {
            opt->encoding = CM_ENC_WINDOWS1252;
        } else if (cm_i_ing_eq(it->value, "utf-8")) {
            opt->encoding = CM_ENC_UTF8;
        } else if (!cm_i_ing_eq(it->value, "auto")) {
            return cm_error_set_at(err, CM_EPARSE, ini_path, it->line, 1,
                                   "encoding: expected auto, utf-8 or windows-1252, got '%s'",
                                   it->value);
        }
    }
    if ((it = cm_i_ini_find(ini, sec, "decimal_comma")) != NULL) {
        opt->decimal_comma = cm_i_ing_eq(it->value, "yes") || strcmp(it->value, "1") == 0;
    }
    if ((it = cm_i_ini_find(ini, sec, "separator")) != NULL) {
        if (strcmp(it->value, "tab") == 0) {
            opt->separator = '\t';
        } else if (strlen(it->value) == 1 && strchr(",;|", it->value[0]) != NULL) {
            opt->separator = it->value[0];
        } else {
            return cm_error_set_at(err, CM_EPARSE, ini_path, it->line, 1,
                                   "separator: expected ',', ';', '|' or tab, got '%s'",
                                   it->value);
        }
    }
    return CM_OK;
}

cm_error_t cm_import_bundle(cm_store_t *store, const char *dir, cm_import_bundle_fn *fn,
                            void *user_data, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_i_ini_t ini;
    cm_import_report_t report;
    char ini_path[1024], file[1024], schema[1024];

    memset(&ini, 0, sizeof ini);
    memset(&report, 0, sizeof report);
    if (store == NULL || dir == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_import_bundle: store and dir are required");
    }
    if (path_in(ini_path, sizeof ini_path, dir, "bundle.ini") != CM_OK) {
        return cm_error_set(err, CM_EOVERFLOW, "bundle directory path too long");
    }
    CM_TRY(cm_i_ini_read(ini_path, &ini, err));
    CM_TRY(check_bundle(&ini, ini_path, err));
    for (size_t i = 0; i < ini.n; i++) {
        const cm_i_ini_item_t *it = &ini.items[i];
        cm_import_options_t opt;
        if (it->key != NULL) {
            continue;
        }
        CM_TRY(dataset_options(&ini, it->section, dir, ini_path, &opt, schema, sizeof schema,
                               err));
        if (path_in(file, sizeof file, dir, cm_i_ini_get(&ini, it->section, "file")) != CM_OK) {
            CM_FAIL(cm_error_set(err, CM_EOVERFLOW, "file path too long in [%s]", it->section));
        }
        CM_TRY(cm_import_file(store, cm_i_ini_get(&ini, it->section, "kind"), file, &opt, &report,
                              err));
        if (fn != NULL) {
            CM_TRY(fn(it->section + 8, &report, user_data));
        }
        cm_import_report_destroy(&report);
    }
cleanup:
    cm_import_report_destroy(&report);
    cm_i_ini_destroy(&ini);
    return rc;
}

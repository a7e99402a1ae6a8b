/* cm_import_bundle: import the datasets listed in DIR/bundle.ini, skipping those already in
 * the store (same kind and SHA-256). */
#include <stdio.h>
#include <string.h>

#include "ingest_internal.h"
#include "cambium/cm_kv.h"

static const char *const bundle_keys[] = {"kind",    "file",     "name",   "version",
                                          "publisher", "source", "licence", "schema",
                                          "scope",   "encoding", "decimal_comma", "separator",
                                          "region",  "period"};

static cm_error_t path_in(char *out, size_t n, const char *dir, const char *rel)
{
    int w = rel[0] == '/' ? snprintf(out, n, "%s", rel) : snprintf(out, n, "%s/%s", dir, rel);
    return w < 0 || (size_t)w >= n ? CM_EOVERFLOW : CM_OK;
}

/* Check the sections and keys of the bundle: [dataset NAME] with kind and file. */
static cm_error_t check_bundle(const cm_kv_doc_t *doc, const char *ini_path, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    for (size_t i = 0; i < cm_kv_nsections(doc); i++) {
        const cm_kv_section_t *sec = cm_kv_section_at(doc, i);
        const char *v = NULL;
        if (strcmp(sec->type, "dataset") != 0 || sec->name[0] == '\0') {
            return cm_error_set_at(err, CM_EPARSE, ini_path, sec->line, 1,
                                   "expected sections '[dataset NAME]', got '[%s%s%s]'",
                                   sec->type, sec->name[0] ? " " : "", sec->name);
        }
        CM_TRY(cm_kv_check_keys(sec, bundle_keys, sizeof bundle_keys / sizeof bundle_keys[0],
                                err));
        CM_TRY(cm_kv_get_string(sec, "kind", &v, err));
        CM_TRY(cm_kv_get_string(sec, "file", &v, err));
    }
cleanup:
    if (rc == CM_ENOTFOUND) {
        rc = CM_EPARSE;
        if (err != NULL) {
            err->code = CM_EPARSE;
        }
    }
    return rc;
}

static const char *get(const cm_kv_section_t *sec, const char *key)
{
    const cm_kv_entry_t *e = cm_kv_get(sec, key);
    return e != NULL ? e->value : NULL;
}

static cm_error_t dataset_options(const cm_kv_section_t *sec, const char *dir,
                                  const char *ini_path, cm_import_options_t *opt, char *schema,
                                  size_t n, cm_error_info_t *err)
{
    const cm_kv_entry_t *it;
    memset(opt, 0, sizeof *opt);
    opt->skip_existing = 1;
    opt->name = get(sec, "name");
    opt->version = get(sec, "version");
    opt->publisher = get(sec, "publisher");
    opt->source = get(sec, "source");
    opt->licence = get(sec, "licence");
    opt->scope = get(sec, "scope");
    opt->region = get(sec, "region");
    opt->period = get(sec, "period");
    if (get(sec, "schema") != NULL) {
        if (path_in(schema, n, dir, get(sec, "schema")) != CM_OK) {
            return cm_error_set(err, CM_EOVERFLOW, "schema path too long in [dataset %s]",
                                sec->name);
        }
        opt->schema = schema;
    }
    if ((it = cm_kv_get(sec, "encoding")) != NULL) {
        if (cm_i_ing_eq(it->value, "windows-1252") || cm_i_ing_eq(it->value, "cp1252")) {
            opt->encoding = CM_ENC_WINDOWS1252;
        } else if (cm_i_ing_eq(it->value, "utf-8")) {
            opt->encoding = CM_ENC_UTF8;
        } else if (!cm_i_ing_eq(it->value, "auto")) {
            return cm_error_set_at(err, CM_EPARSE, ini_path, it->line, it->value_column,
                                   "encoding: expected auto, utf-8 or windows-1252, got '%s'",
                                   it->value);
        }
    }
    if ((it = cm_kv_get(sec, "decimal_comma")) != NULL) {
        cm_error_t rc = cm_kv_entry_bool(sec, it, &opt->decimal_comma, err);
        if (rc != CM_OK) {
            return rc;
        }
    }
    if ((it = cm_kv_get(sec, "separator")) != NULL) {
        if (strcmp(it->value, "tab") == 0) {
            opt->separator = '\t';
        } else if (strlen(it->value) == 1 && strchr(",;|", it->value[0]) != NULL) {
            opt->separator = it->value[0];
        } else {
            return cm_error_set_at(err, CM_EPARSE, ini_path, it->line, it->value_column,
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
    cm_kv_doc_t *doc = NULL;
    cm_class_t *countries = NULL, *materials = NULL;
    cm_import_report_t report;
    char ini_path[1024], file[1024], schema[1024];

    memset(&report, 0, sizeof report);
    if (store == NULL || dir == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_import_bundle: store and dir are required");
    }
    if (path_in(ini_path, sizeof ini_path, dir, "bundle.ini") != CM_OK) {
        return cm_error_set(err, CM_EOVERFLOW, "bundle directory path too long");
    }
    CM_TRY(cm_kv_read_file(ini_path, &doc, err));
    CM_TRY(check_bundle(doc, ini_path, err));
    /* the classifications are loaded once for the whole bundle */
    CM_TRY(cm_i_ing_load_class(store, "country", &countries, err));
    CM_TRY(cm_i_ing_load_class(store, "material", &materials, err));
    for (size_t i = 0; i < cm_kv_nsections(doc); i++) {
        const cm_kv_section_t *sec = cm_kv_section_at(doc, i);
        cm_import_options_t opt;
        CM_TRY(dataset_options(sec, dir, ini_path, &opt, schema, sizeof schema, err));
        opt.countries = countries;
        opt.materials = materials;
        if (path_in(file, sizeof file, dir, get(sec, "file")) != CM_OK) {
            CM_FAIL(cm_error_set(err, CM_EOVERFLOW, "file path too long in [dataset %s]",
                                 sec->name));
        }
        CM_TRY(cm_import_file(store, get(sec, "kind"), file, &opt, &report, err));
        if (fn != NULL) {
            CM_TRY(fn(sec->name, &report, user_data));
        }
        cm_import_report_destroy(&report);
    }
cleanup:
    cm_import_report_destroy(&report);
    cm_kv_free(doc);
    cm_class_free(countries);
    cm_class_free(materials);
    return rc;
}

/* The recipe of `cambium assess` (docs/assess.md): ini-like, read with cm_kv. Every error names
 * file:line:column and what was expected; every file it names must exist. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "assess.h"
#include "cambium/cm_file.h"

static const char *const DATASET_KEYS[] = {"kind", "file", "name", "version", "publisher",
                                           "source", "licence", "scope", "region", "period",
                                           NULL};

static char *join_path(const char *dir, const char *rel)
{
    size_t n = strlen(dir) + strlen(rel) + 2;
    char *p = cm_malloc(n);
    if (p != NULL) {
        if (rel[0] == '/') {
            snprintf(p, n, "%s", rel);
        } else {
            snprintf(p, n, "%s/%s", dir, rel);
        }
    }
    return p;
}

/* The absolute, resolved path of \p rel (relative to dir) which must exist (a directory when
 * want_dir); CM_EPARSE at the entry's value otherwise. */
static cm_error_t resolve(const char *file, const char *dir, const cm_kv_entry_t *e, int want_dir,
                          char **out, cm_error_info_t *err)
{
    char buf[PATH_MAX];
    struct stat st;
    char *p = join_path(dir, e->value);
    *out = NULL;
    if (p == NULL) {
        return cm_error_set(err, CM_ENOMEM, "out of memory");
    }
    if (e->value[0] == '\0' || realpath(p, buf) == NULL || stat(buf, &st) != 0 ||
        (want_dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode))) {
        cm_error_t rc = cm_error_set_at(err, CM_EPARSE, file, e->line, e->value_column,
                                        "expected an existing %s, got '%s' (%s)",
                                        want_dir ? "directory" : "file", e->value, p);
        cm_free(p);
        return rc;
    }
    cm_free(p);
    *out = cm_strdup(buf);
    return *out != NULL ? CM_OK : cm_error_set(err, CM_ENOMEM, "out of memory");
}

static const char *get(const cm_kv_section_t *s, const char *key)
{
    const cm_kv_entry_t *e = cm_kv_get(s, key);
    return e != NULL ? e->value : NULL;
}

static cm_error_t check_keys(const cm_kv_section_t *s, const char *const *keys, const char *list,
                             cm_error_info_t *err)
{
    for (size_t i = 0; i < s->nentries; i++) {
        const cm_kv_entry_t *e = &s->entries[i];
        int ok = 0;
        for (size_t k = 0; keys[k] != NULL; k++) {
            ok |= strcmp(keys[k], e->key) == 0;
        }
        if (!ok) {
            return cm_error_set_at(err, CM_EPARSE, s->file, e->line, e->key_column,
                                   "expected one of %s in [%s%s%s], got '%s'", list, s->type,
                                   s->name[0] != '\0' ? " " : "", s->name, e->key);
        }
    }
    return CM_OK;
}

static cm_error_t need(const cm_kv_section_t *s, const char *key, cm_error_info_t *err)
{
    const cm_kv_entry_t *e = cm_kv_get(s, key);
    if (e == NULL || e->value[0] == '\0') {
        return cm_error_set_at(err, CM_EPARSE, s->file, s->line, 1,
                               "expected a key '%s' in [%s%s%s]", key, s->type,
                               s->name[0] != '\0' ? " " : "", s->name);
    }
    return CM_OK;
}

static cm_error_t read_dataset(const cm_kv_section_t *s, const char *dir, int bundle,
                               as_dataset_t *d, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    static const char *const BUNDLE_KEYS[] = {"dir", NULL};
    d->id = s->name;
    d->bundle = bundle;
    if (s->name[0] == '\0') {
        return cm_error_set_at(err, CM_EPARSE, s->file, s->line, 1, "expected a name: [%s NAME]",
                               s->type);
    }
    if (bundle) {
        CM_TRY(check_keys(s, BUNDLE_KEYS, "dir", err));
        CM_TRY(need(s, "dir", err));
        CM_TRY(resolve(s->file, dir, cm_kv_get(s, "dir"), 1, &d->path, err));
        char *ini = join_path(d->path, "bundle.ini");
        struct stat st;
        int ok = ini != NULL && stat(ini, &st) == 0;
        cm_free(ini);
        if (!ok) {
            const cm_kv_entry_t *e = cm_kv_get(s, "dir");
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, s->file, e->line, e->value_column,
                                    "expected a directory with a bundle.ini, got '%s'", e->value));
        }
        goto cleanup;
    }
    CM_TRY(check_keys(s, DATASET_KEYS,
                      "kind, file, name, version, publisher, source, licence, scope, region, "
                      "period", err));
    CM_TRY(need(s, "kind", err));
    CM_TRY(need(s, "file", err));
    d->kind = get(s, "kind");
    int known = 0;
    for (size_t i = 0; cm_import_kind_name(i) != NULL; i++) {
        known |= strcmp(cm_import_kind_name(i), d->kind) == 0;
    }
    if (!known) {
        const cm_kv_entry_t *e = cm_kv_get(s, "kind");
        CM_FAIL(cm_error_set_at(err, CM_EPARSE, s->file, e->line, e->value_column,
                                "expected an importer kind (cambium import --help), got '%s'",
                                d->kind));
    }
    CM_TRY(resolve(s->file, dir, cm_kv_get(s, "file"), 0, &d->path, err));
    d->name = get(s, "name");
    d->version = get(s, "version");
    d->publisher = get(s, "publisher");
    d->source = get(s, "source");
    d->licence = get(s, "licence");
    d->scope = get(s, "scope");
    d->region = get(s, "region");
    d->period = get(s, "period");
cleanup:
    return rc;
}

/* The 1-based column of the section's name on its header line (2 when it cannot be read). */
static int64_t name_column(const cm_kv_section_t *s)
{
    char *data = NULL;
    size_t len = 0;
    int64_t col = 2;
    if (s->name[0] == '\0' || cm_file_read_all(s->file, (size_t)1 << 20, &data, &len, NULL) != CM_OK) {
        return col;
    }
    const char *p = data;
    for (int64_t l = 1; l < s->line && p != NULL; l++) {
        p = strchr(p, '\n');
        p = p != NULL ? p + 1 : NULL;
    }
    const char *t = p != NULL ? strstr(p, s->type) : NULL;
    const char *nl = p != NULL ? strchr(p, '\n') : NULL;
    const char *n = t != NULL ? strstr(t + strlen(s->type), s->name) : NULL;
    if (n != NULL && (nl == NULL || n < nl)) {
        col = (int64_t)(n - p) + 1;
    }
    cm_free(data);
    return col;
}

static cm_error_t read_analysis(const cm_kv_section_t *s, const char *dir,
                                as_analysis_t *a, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    size_t kind = as_analysis_count();
    for (size_t k = 0; k < as_analysis_count(); k++) {
        if (strcmp(as_analysis_name(k), s->name) == 0) {
            kind = k;
        }
    }
    if (kind == as_analysis_count()) {
        char list[512] = "";
        for (size_t k = 0; k < as_analysis_count(); k++) {
            size_t n = strlen(list);
            snprintf(list + n, sizeof list - n, "%s%s", k > 0 ? ", " : "", as_analysis_name(k));
        }
        return cm_error_set_at(err, CM_EPARSE, s->file, s->line, name_column(s),
                               "expected [analysis KIND] with KIND one of %s, got '%s'", list,
                               s->name);
    }
    a->kind = (int)kind;
    a->line = s->line;
    a->opts = cm_calloc(s->nentries + 1, sizeof *a->opts);
    a->materials = cm_calloc(s->nentries + 1, sizeof *a->materials);
    if (a->opts == NULL || a->materials == NULL) {
        return cm_error_set(err, CM_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < s->nentries; i++) {
        const cm_kv_entry_t *e = &s->entries[i];
        int is_file = 0;
        if (!as_analysis_has_key(kind, e->key, &is_file)) {
            return cm_error_set_at(err, CM_EPARSE, s->file, e->line, e->key_column,
                                   "expected one of %s in [analysis %s], got '%s'",
                                   as_analysis_keys(kind), s->name, e->key);
        }
        if (e->value[0] == '\0') {
            return cm_error_set_at(err, CM_EPARSE, s->file, e->line, e->value_column,
                                   "expected a value for '%s'", e->key);
        }
        if (as_analysis_is_number(kind, e->key)) {
            char *end = NULL;
            errno = 0;
            long long v = strtoll(e->value, &end, 10);
            if (end == e->value || *end != '\0' || errno == ERANGE || v < 0) {
                return cm_error_set_at(err, CM_EPARSE, s->file, e->line, e->value_column,
                                       "expected a whole number >= 0 for '%s', got '%s'", e->key,
                                       e->value);
            }
        }
        if (strcmp(e->key, "material") == 0) {
            a->materials[a->nmaterials++] = e->value;
        } else if (is_file && (strcmp(e->key, "iot") == 0 || strcmp(e->key, "model") == 0)) {
            if (a->file != NULL) {
                return cm_error_set_at(err, CM_EPARSE, s->file, e->line, e->key_column,
                                       "expected '%s' once", e->key);
            }
            CM_TRY(resolve(s->file, dir, e, 0, &a->file, err));
        } else {
            as_opt_t *o = &a->opts[a->nopts];
            o->key = e->key;
            if (is_file) {
                CM_TRY(resolve(s->file, dir, e, 0, &o->value, err));
            } else {
                o->value = cm_strdup(e->value);
                if (o->value == NULL) {
                    return cm_error_set(err, CM_ENOMEM, "out of memory");
                }
            }
            a->nopts++;
        }
    }
    int dummy = 0;
    if (as_analysis_has_key(kind, "material", &dummy) && a->nmaterials == 0) {
        CM_FAIL(need(s, "material", err));
    }
    if (as_analysis_has_key(kind, "iot", &dummy) && a->file == NULL) {
        CM_FAIL(need(s, "iot", err));
    }
    if (as_analysis_has_key(kind, "model", &dummy) && a->file == NULL) {
        CM_FAIL(need(s, "model", err));
    }
cleanup:
    return rc;
}

cm_error_t as_recipe_read(const char *path, as_recipe_t *r, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    char buf[PATH_MAX];
    char *dir = NULL;
    static const char *const RECIPE_KEYS[] = {"name", "title", "root", NULL};
    memset(r, 0, sizeof *r);
    rc = cm_kv_read_file(path, &r->doc, err);
    if (rc == CM_EPARSE && err != NULL && strncmp(err->message, "duplicate section [", 19) == 0) {
        /* the ini reader refuses a repeated section: say what a recipe expects */
        char msg[sizeof err->message];
        snprintf(msg, sizeof msg, "expected each section once (one [analysis KIND] per kind), "
                 "got a second %.400s", err->message + 18);
        snprintf(err->message, sizeof err->message, "%s", msg);
    }
    if (rc != CM_OK) {
        goto cleanup;
    }
    CM_TRY(cm_sha256_file(path, r->sha256, err));
    if (realpath(path, buf) == NULL) {
        CM_FAIL(cm_error_set(err, CM_EFILE, "cannot resolve '%s'", path));
    }
    r->path = cm_strdup(buf);
    CM_NOMEM(r->path, err);
    dir = cm_strdup(buf);
    CM_NOMEM(dir, err);
    char *slash = strrchr(dir, '/');
    if (slash != NULL) {
        *(slash == dir ? slash + 1 : slash) = '\0';
    }
    size_t ns = cm_kv_nsections(r->doc);
    r->datasets = cm_calloc(ns + 1, sizeof *r->datasets);
    r->analyses = cm_calloc(ns + 1, sizeof *r->analyses);
    CM_NOMEM(r->datasets, err);
    CM_NOMEM(r->analyses, err);
    const cm_kv_section_t *head = NULL;
    for (size_t i = 0; i < ns; i++) {
        const cm_kv_section_t *s = cm_kv_section_at(r->doc, i);
        if (strcmp(s->type, "recipe") == 0) {
            if (head != NULL) {
                CM_FAIL(cm_error_set_at(err, CM_EPARSE, s->file, s->line, 1,
                                        "expected one [recipe] section, got a second one "
                                        "(first at line %lld)", (long long)head->line));
            }
            head = s;
            CM_TRY(check_keys(s, RECIPE_KEYS, "name, title, root", err));
        } else if (strcmp(s->type, "bundle") == 0 || strcmp(s->type, "dataset") == 0) {
            as_dataset_t *d = &r->datasets[r->ndatasets++];
            CM_TRY(read_dataset(s, dir, s->type[0] == 'b', d, err));
        } else if (strcmp(s->type, "analysis") == 0) {
            as_analysis_t *a = &r->analyses[r->nanalyses++];
            a->kind = -1;
            CM_TRY(read_analysis(s, dir, a, err));
        } else {
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, s->file, s->line, 2,
                                    "expected [recipe], [bundle NAME], [dataset NAME] or "
                                    "[analysis KIND], got '[%s]'", s->type));
        }
    }
    if (head == NULL) {
        CM_FAIL(cm_error_set_at(err, CM_EPARSE, path, 1, 1,
                                "expected a [recipe] section with a name"));
    }
    CM_TRY(need(head, "name", err));
    r->name = get(head, "name");
    for (const char *p = r->name; *p != '\0'; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_')) {
            const cm_kv_entry_t *e = cm_kv_get(head, "name");
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, path, e->line,
                                    e->value_column + (int64_t)(p - r->name),
                                    "expected a name of [a-z0-9_-], got '%s'", r->name));
        }
    }
    r->title = get(head, "title");
    if (cm_kv_get(head, "root") != NULL) {
        CM_TRY(resolve(path, dir, cm_kv_get(head, "root"), 1, &r->root, err));
    } else {
        r->root = dir;
        dir = NULL;
    }
cleanup:
    cm_free(dir);
    if (rc != CM_OK) {
        as_recipe_destroy(r);
    }
    return rc;
}

void as_recipe_destroy(as_recipe_t *r)
{
    for (size_t i = 0; i < r->ndatasets; i++) {
        cm_free(r->datasets[i].path);
    }
    for (size_t i = 0; i < r->nanalyses; i++) {
        for (size_t k = 0; k < r->analyses[i].nopts; k++) {
            cm_free(r->analyses[i].opts[k].value);
        }
        cm_free(r->analyses[i].opts);
        cm_free(r->analyses[i].materials);
        cm_free(r->analyses[i].file);
    }
    cm_free(r->datasets);
    cm_free(r->analyses);
    cm_free(r->path);
    cm_free(r->root);
    cm_kv_free(r->doc);
    memset(r, 0, sizeof *r);
}

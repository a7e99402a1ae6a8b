/* A small reader of sectioned key = value files (tidy schemas, bundle.ini):
 *   # comment            ; comment
 *   [section]            [section name]
 *   key = value          (blanks around key and value trimmed; "quoted" values unquoted)
 * Errors name the file, the line and the column (byte, 1-based). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ini_internal.h"

#define INI_MAX_BYTES ((size_t)1 << 20)
#define INI_MAX_LINE 4096

void cm_i_ini_destroy(cm_i_ini_t *ini)
{
    if (ini == NULL) {
        return;
    }
    for (size_t i = 0; i < ini->n; i++) {
        cm_free(ini->items[i].section);
        cm_free(ini->items[i].key);
        cm_free(ini->items[i].value);
    }
    cm_free(ini->items);
    memset(ini, 0, sizeof *ini);
}

static char *trim(char *s)
{
    char *e;
    while (*s == ' ' || *s == '\t') {
        s++;
    }
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n')) {
        *--e = '\0';
    }
    return s;
}

static cm_error_t push(cm_i_ini_t *ini, const char *section, const char *key, const char *value,
                       int64_t line)
{
    cm_i_ini_item_t *it;
    if (ini->n == ini->cap) {
        size_t cap = ini->cap ? ini->cap * 2 : 16;
        cm_i_ini_item_t *p = cm_realloc_array(ini->items, cap, sizeof *p);
        if (p == NULL) {
            return CM_ENOMEM;
        }
        ini->items = p;
        ini->cap = cap;
    }
    it = &ini->items[ini->n];
    memset(it, 0, sizeof *it);
    it->line = line;
    it->section = cm_strdup(section);
    it->key = key != NULL ? cm_strdup(key) : NULL;
    it->value = value != NULL ? cm_strdup(value) : NULL;
    ini->n++;
    if (it->section == NULL || (key != NULL && it->key == NULL) ||
        (value != NULL && it->value == NULL)) {
        return CM_ENOMEM;
    }
    return CM_OK;
}

cm_error_t cm_i_ini_read(const char *path, cm_i_ini_t *ini, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    FILE *f = NULL;
    char line[INI_MAX_LINE + 2];
    char section[256] = "";
    int64_t lineno = 0;
    size_t total = 0;

    memset(ini, 0, sizeof *ini);
    f = fopen(path, "rb");
    if (f == NULL) {
        return cm_error_set_at(err, CM_EFILE, path, 0, 0, "cannot open '%s': %s", path,
                               strerror(errno));
    }
    while (fgets(line, sizeof line, f) != NULL) {
        size_t len = strlen(line);
        char *s, *eq;
        lineno++;
        total += len;
        if (total > INI_MAX_BYTES) {
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, path, lineno, 1,
                                    "file too large: expected at most %zu bytes", INI_MAX_BYTES));
        }
        if (len > INI_MAX_LINE && line[len - 1] != '\n') {
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, path, lineno, INI_MAX_LINE,
                                    "line too long: expected at most %d bytes", INI_MAX_LINE));
        }
        s = line;
        if (lineno == 1 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
            (unsigned char)s[2] == 0xBF) {
            s += 3;
        }
        s = trim(s);
        if (*s == '\0' || *s == '#' || *s == ';') {
            continue;
        }
        if (*s == '[') {
            char *end = strchr(s, ']');
            if (end == NULL || trim(end + 1)[0] != '\0') {
                CM_FAIL(cm_error_set_at(err, CM_EPARSE, path, lineno, (int64_t)(s - line) + 1,
                                        "expected a section header '[name]', got '%s'", s));
            }
            *end = '\0';
            snprintf(section, sizeof section, "%s", trim(s + 1));
            if (section[0] == '\0') {
                CM_FAIL(cm_error_set_at(err, CM_EPARSE, path, lineno, (int64_t)(s - line) + 1,
                                        "expected a section name between '[' and ']'"));
            }
            if (push(ini, section, NULL, NULL, lineno) != CM_OK) {
                CM_FAIL(cm_error_set(err, CM_ENOMEM, "out of memory reading '%s'", path));
            }
            continue;
        }
        eq = strchr(s, '=');
        if (eq == NULL) {
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, path, lineno, (int64_t)(s - line) + 1,
                                    "expected 'key = value', got '%s'", s));
        }
        *eq = '\0';
        {
            char *key = trim(s);
            char *value = trim(eq + 1);
            size_t vl = strlen(value);
            if (key[0] == '\0') {
                CM_FAIL(cm_error_set_at(err, CM_EPARSE, path, lineno, (int64_t)(s - line) + 1,
                                        "expected a key before '='"));
            }
            if (section[0] == '\0') {
                CM_FAIL(cm_error_set_at(err, CM_EPARSE, path, lineno, (int64_t)(s - line) + 1,
                                        "expected a [section] before 'key = value'"));
            }
            if (vl >= 2 && value[0] == '"' && value[vl - 1] == '"') {
                value[vl - 1] = '\0';
                value++;
            }
            if (push(ini, section, key, value, lineno) != CM_OK) {
                CM_FAIL(cm_error_set(err, CM_ENOMEM, "out of memory reading '%s'", path));
            }
        }
    }
    if (ferror(f)) {
        CM_FAIL(cm_error_set_at(err, CM_EFILE, path, lineno, 0, "read error"));
    }
cleanup:
    fclose(f);
    if (rc != CM_OK) {
        cm_i_ini_destroy(ini);
    }
    return rc;
}

const cm_i_ini_item_t *cm_i_ini_find(const cm_i_ini_t *ini, const char *section, const char *key)
{
    for (size_t i = 0; i < ini->n; i++) {
        const cm_i_ini_item_t *it = &ini->items[i];
        if (it->key != NULL && strcmp(it->section, section) == 0 && strcmp(it->key, key) == 0) {
            return it;
        }
    }
    return NULL;
}

const char *cm_i_ini_get(const cm_i_ini_t *ini, const char *section, const char *key)
{
    const cm_i_ini_item_t *it = cm_i_ini_find(ini, section, key);
    return it != NULL ? it->value : NULL;
}

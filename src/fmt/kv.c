/* The sectioned key = value text format: parsing and typed access. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cambium/cm_csv.h"
#include "cambium/cm_file.h"
#include "cambium/cm_kv.h"
#include "fmt_internal.h"

#define KV_MAX_FILE ((size_t)64 * 1024 * 1024)

typedef struct kv_sec_t {
    cm_kv_section_t pub;
    cm_kv_entry_t *entries;
    size_t cap;
} kv_sec_t;

struct cm_kv_doc_t {
    char *name;
    kv_sec_t *secs;
    size_t nsecs;
    size_t cap;
};

typedef struct kv_parser_t {
    cm_kv_doc_t *doc;
    const char *name;
    cm_error_info_t *err;
    int64_t line;
    cm_i_buf_t val; /* scratch for unescaped values */
} kv_parser_t;

static int is_key_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.' || c == '-';
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static cm_error_t perr(kv_parser_t *p, size_t col0, const char *fmt, ...) CM_PRINTF(3, 4);

static cm_error_t perr(kv_parser_t *p, size_t col0, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cm_error_vset_at(p->err, CM_EPARSE, p->name, p->line, (int64_t)col0 + 1, fmt, ap);
    va_end(ap);
    return CM_EPARSE;
}

static cm_error_t nomem(kv_parser_t *p)
{
    return cm_error_set(p->err, CM_ENOMEM, "out of memory reading %s", p->name);
}

static void free_section(kv_sec_t *s)
{
    for (size_t i = 0; i < s->pub.nentries; i++) {
        cm_free((char *)s->entries[i].key);
        cm_free((char *)s->entries[i].value);
    }
    cm_free(s->entries);
    cm_free((char *)s->pub.type);
    cm_free((char *)s->pub.name);
}

void cm_kv_free(cm_kv_doc_t *doc)
{
    if (doc == NULL) {
        return;
    }
    for (size_t i = 0; i < doc->nsecs; i++) {
        free_section(&doc->secs[i]);
    }
    cm_free(doc->secs);
    cm_free(doc->name);
    cm_free(doc);
}

/* text of a line for messages */
static void snippet(char *dst, size_t n, const char *s, size_t len)
{
    cm_i_quote_text(dst, n, s, len);
}

static cm_error_t parse_section(kv_parser_t *p, const char *s, size_t n, size_t i)
{
    size_t open = i;
    i++; /* '[' */
    while (i < n && is_blank(s[i])) {
        i++;
    }
    size_t t0 = i;
    while (i < n && is_key_char(s[i])) {
        i++;
    }
    if (i == t0) {
        return perr(p, i, "expected a section type ([A-Za-z0-9_.-]+) after '['");
    }
    size_t t1 = i;
    while (i < n && is_blank(s[i])) {
        i++;
    }
    size_t n0 = i;
    while (i < n && s[i] != ']' && s[i] != '[' && s[i] != '"') {
        i++;
    }
    if (i >= n || s[i] != ']') {
        return perr(p, i < n ? i : open, "expected ']' to close the section header");
    }
    size_t n1 = i;
    while (n1 > n0 && is_blank(s[n1 - 1])) {
        n1--;
    }
    if (n0 == t1 && n1 > n0) {
        return perr(p, n0, "expected ']' or a blank after the section type");
    }
    i++;
    while (i < n && is_blank(s[i])) {
        i++;
    }
    if (i < n && s[i] != '#' && s[i] != ';') {
        return perr(p, i, "unexpected text after ']' (expected the end of the line or a comment)");
    }
    cm_kv_doc_t *d = p->doc;
    for (size_t k = 0; k < d->nsecs; k++) {
        const cm_kv_section_t *o = &d->secs[k].pub;
        if (strlen(o->type) == t1 - t0 && memcmp(o->type, s + t0, t1 - t0) == 0 &&
            strlen(o->name) == n1 - n0 && memcmp(o->name, s + n0, n1 - n0) == 0) {
            return perr(p, open, "duplicate section [%s%s%s] (first at line %lld)", o->type,
                        o->name[0] ? " " : "", o->name, (long long)o->line);
        }
    }
    if (d->nsecs == d->cap) {
        size_t ncap = d->cap ? d->cap * 2 : 8;
        kv_sec_t *ns = cm_realloc_array(d->secs, ncap, sizeof *ns);
        if (ns == NULL) {
            return nomem(p);
        }
        d->secs = ns;
        d->cap = ncap;
    }
    kv_sec_t *sec = &d->secs[d->nsecs];
    memset(sec, 0, sizeof *sec);
    sec->pub.type = cm_strndup(s + t0, t1 - t0);
    sec->pub.name = cm_strndup(s + n0, n1 - n0);
    if (sec->pub.type == NULL || sec->pub.name == NULL) {
        free_section(sec);
        return nomem(p);
    }
    sec->pub.line = p->line;
    sec->pub.file = d->name;
    d->nsecs++;
    return CM_OK;
}

static cm_error_t parse_value(kv_parser_t *p, const char *s, size_t n, size_t i, int *quoted)
{
    cm_i_buf_reset(&p->val);
    *quoted = 0;
    if (i < n && s[i] == '"') {
        size_t q = i++;
        *quoted = 1;
        for (;;) {
            if (i >= n) {
                return perr(p, q, "unterminated quoted value (expected a closing '\"' on this "
                                  "line)");
            }
            char c = s[i];
            if (c == '"') {
                i++;
                break;
            }
            if (c == '\\') {
                if (i + 1 >= n || (s[i + 1] != '"' && s[i + 1] != '\\')) {
                    return perr(p, i, "unknown escape in quoted value (expected \\\" or \\\\)");
                }
                c = s[i + 1];
                i++;
            }
            if (cm_i_buf_append(&p->val, &c, 1) != CM_OK) {
                return nomem(p);
            }
            i++;
        }
        while (i < n && is_blank(s[i])) {
            i++;
        }
        if (i < n && s[i] != '#') {
            return perr(p, i, "unexpected text after the closing quote (expected the end of the "
                              "line or a # comment)");
        }
    } else {
        size_t v0 = i, v1 = i;
        while (v1 < n) {
            if (s[v1] == '#' && v1 > v0 && is_blank(s[v1 - 1])) {
                break;
            }
            v1++;
        }
        while (v1 > v0 && is_blank(s[v1 - 1])) {
            v1--;
        }
        if (cm_i_buf_append(&p->val, s + v0, v1 - v0) != CM_OK) {
            return nomem(p);
        }
    }
    if (cm_i_buf_append(&p->val, "", 0) != CM_OK) {
        return nomem(p);
    }
    return CM_OK;
}

static cm_error_t parse_entry(kv_parser_t *p, const char *s, size_t n, size_t i)
{
    size_t k0 = i;
    while (i < n && is_key_char(s[i])) {
        i++;
    }
    size_t k1 = i;
    if (k1 == k0) {
        char q[64];
        snippet(q, sizeof q, s + k0, n - k0);
        return perr(p, k0, "expected a key ([A-Za-z0-9_.-]+), a [section] or a comment, got '%s'",
                    q);
    }
    while (i < n && is_blank(s[i])) {
        i++;
    }
    if (i >= n || s[i] != '=') {
        char key[64];
        snippet(key, sizeof key, s + k0, k1 - k0);
        return perr(p, i, "missing '=' after key '%s'", key);
    }
    if (p->doc->nsecs == 0) {
        char key[64];
        snippet(key, sizeof key, s + k0, k1 - k0);
        return perr(p, k0, "key '%s' outside a section (expected a [section] line first)", key);
    }
    i++;
    while (i < n && is_blank(s[i])) {
        i++;
    }
    size_t vcol = i;
    int quoted;
    cm_error_t rc = parse_value(p, s, n, i, &quoted);
    if (rc != CM_OK) {
        return rc;
    }
    kv_sec_t *sec = &p->doc->secs[p->doc->nsecs - 1];
    if (sec->pub.nentries == sec->cap) {
        size_t ncap = sec->cap ? sec->cap * 2 : 8;
        cm_kv_entry_t *ne = cm_realloc_array(sec->entries, ncap, sizeof *ne);
        if (ne == NULL) {
            return nomem(p);
        }
        sec->entries = ne;
        sec->cap = ncap;
        sec->pub.entries = ne;
    }
    cm_kv_entry_t *e = &sec->entries[sec->pub.nentries];
    e->key = cm_strndup(s + k0, k1 - k0);
    e->value = cm_strndup(p->val.data, p->val.len);
    if (e->key == NULL || e->value == NULL) {
        cm_free((char *)e->key);
        cm_free((char *)e->value);
        return nomem(p);
    }
    e->line = p->line;
    e->key_column = (int64_t)k0 + 1;
    e->value_column = (int64_t)vcol + 1;
    e->quoted = quoted;
    sec->pub.nentries++;
    return CM_OK;
}

static cm_error_t parse_line(kv_parser_t *p, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && is_blank(s[i])) {
        i++;
    }
    if (i == n || s[i] == '#' || s[i] == ';') {
        return CM_OK;
    }
    if (s[i] == '[') {
        return parse_section(p, s, n, i);
    }
    return parse_entry(p, s, n, i);
}

cm_error_t cm_kv_read_buffer(const char *data, size_t len, const char *name, cm_kv_doc_t **out,
                             cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    kv_parser_t p;
    memset(&p, 0, sizeof p);

    if (out == NULL || (data == NULL && len > 0)) {
        return cm_error_set(err, CM_EINVAL, "%s is NULL", out == NULL ? "out" : "data");
    }
    *out = NULL;
    if (data == NULL) {
        data = "";
    }
    p.name = name != NULL ? name : "<buffer>";
    p.err = err;
    p.val.max = len + 1;
    p.doc = cm_calloc(1, sizeof *p.doc);
    CM_NOMEM(p.doc, err);
    p.doc->name = cm_strdup(p.name);
    CM_NOMEM(p.doc->name, err);
    p.name = p.doc->name;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        len -= 3;
    }
    {
        int truncated;
        size_t ok = cm_i_utf8_scan((const unsigned char *)data, len, &truncated);
        if (ok < len) {
            int64_t line = 1;
            size_t ls = 0;
            for (size_t i = 0; i < ok; i++) {
                if (data[i] == '\n') {
                    line++;
                    ls = i + 1;
                }
            }
            p.line = line;
            CM_FAIL(perr(&p, ok - ls, "invalid UTF-8 (byte 0x%02X); expected UTF-8 text",
                         (unsigned)(unsigned char)data[ok]));
        }
    }
    size_t pos = 0;
    p.line = 0;
    while (pos < len) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl != NULL ? (size_t)(nl - data) : len;
        size_t n = end - pos;
        if (n > 0 && data[pos + n - 1] == '\r') {
            n--;
        }
        p.line++;
        if (memchr(data + pos, '\0', n) != NULL) {
            CM_FAIL(perr(&p, (size_t)((const char *)memchr(data + pos, '\0', n) - (data + pos)),
                         "NUL byte in text"));
        }
        CM_TRY(parse_line(&p, data + pos, n));
        pos = end + 1;
    }
    *out = p.doc;
    p.doc = NULL;
cleanup:
    cm_i_buf_free(&p.val);
    cm_kv_free(p.doc);
    return rc;
}

cm_error_t cm_kv_read_file(const char *path, cm_kv_doc_t **out, cm_error_info_t *err)
{
    char *data = NULL;
    size_t len = 0;
    if (out == NULL || path == NULL) {
        return cm_error_set(err, CM_EINVAL, "%s is NULL", out == NULL ? "out" : "path");
    }
    *out = NULL;
    cm_error_t rc = cm_file_read_all(path, KV_MAX_FILE, &data, &len, err);
    if (rc != CM_OK) {
        return rc;
    }
    rc = cm_kv_read_buffer(data, len, path, out, err);
    cm_free(data);
    return rc;
}

size_t cm_kv_nsections(const cm_kv_doc_t *doc)
{
    return doc != NULL ? doc->nsecs : 0;
}

const cm_kv_section_t *cm_kv_section_at(const cm_kv_doc_t *doc, size_t i)
{
    if (doc == NULL || i >= doc->nsecs) {
        return NULL;
    }
    return &doc->secs[i].pub;
}

const cm_kv_section_t *cm_kv_find_section(const cm_kv_doc_t *doc, const char *type,
                                          const char *name)
{
    if (doc == NULL || type == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < doc->nsecs; i++) {
        const cm_kv_section_t *s = &doc->secs[i].pub;
        if (strcmp(s->type, type) == 0 && (name == NULL || strcmp(s->name, name) == 0)) {
            return s;
        }
    }
    return NULL;
}

const cm_kv_entry_t *cm_kv_get_nth(const cm_kv_section_t *s, const char *key, size_t n)
{
    if (s == NULL || key == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < s->nentries; i++) {
        if (strcmp(s->entries[i].key, key) == 0) {
            if (n == 0) {
                return &s->entries[i];
            }
            n--;
        }
    }
    return NULL;
}

const cm_kv_entry_t *cm_kv_get(const cm_kv_section_t *s, const char *key)
{
    return cm_kv_get_nth(s, key, 0);
}

size_t cm_kv_count(const cm_kv_section_t *s, const char *key)
{
    size_t c = 0;
    if (s == NULL || key == NULL) {
        return 0;
    }
    for (size_t i = 0; i < s->nentries; i++) {
        c += strcmp(s->entries[i].key, key) == 0;
    }
    return c;
}

static cm_error_t lookup(const cm_kv_section_t *s, const char *key, const cm_kv_entry_t **e,
                         cm_error_info_t *err)
{
    if (s == NULL || key == NULL) {
        return cm_error_set(err, CM_EINVAL, "%s is NULL", s == NULL ? "section" : "key");
    }
    *e = cm_kv_get(s, key);
    if (*e == NULL) {
        return cm_error_set_at(err, CM_ENOTFOUND, s->file, s->line, 0,
                               "[%s%s%s] has no key '%s'", s->type, s->name[0] ? " " : "",
                               s->name, key);
    }
    return CM_OK;
}

cm_error_t cm_kv_get_string(const cm_kv_section_t *s, const char *key, const char **out,
                            cm_error_info_t *err)
{
    const cm_kv_entry_t *e = NULL;
    if (out == NULL) {
        return cm_error_set(err, CM_EINVAL, "out is NULL");
    }
    cm_error_t rc = lookup(s, key, &e, err);
    if (rc == CM_OK) {
        *out = e->value;
    }
    return rc;
}


cm_error_t cm_kv_entry_double(const cm_kv_section_t *s, const cm_kv_entry_t *e, double *out,
                              cm_error_info_t *err)
{
    cm_num_options_t o = {0, 0, 0};
    cm_num_t n;
    cm_error_info_t e2;
    if (s == NULL || e == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "section, entry or out is NULL");
    }
    cm_error_clear(&e2);
    cm_error_t rc = cm_num_parse(e->value, &o, &n, &e2);
    if (rc != CM_OK) {
        return cm_error_set_at(err, rc, s->file, e->line, e->value_column, "%s: %s", e->key,
                               e2.message);
    }
    *out = n.value;
    return CM_OK;
}

cm_error_t cm_kv_entry_int(const cm_kv_section_t *s, const cm_kv_entry_t *e, cm_int_t *out,
                           cm_error_info_t *err)
{
    if (s == NULL || e == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "section, entry or out is NULL");
    }
    const char *v = e->value;
    char *end = NULL;
    int digits = 0;
    for (const char *c = v; *c; c++) {
        if (*c >= '0' && *c <= '9') {
            digits++;
        } else if (!(c == v && (*c == '+' || *c == '-'))) {
            digits = -1;
            break;
        }
    }
    errno = 0;
    long long x = digits > 0 ? strtoll(v, &end, 10) : 0;
    if (digits <= 0 || end == NULL || *end != '\0' || errno == ERANGE) {
        char q[80];
        cm_i_quote_text(q, sizeof q, v, strlen(v));
        return cm_error_set_at(err, CM_EPARSE, s->file, e->line, e->value_column,
                               "%s: expected an integer%s, got '%s'", e->key,
                               errno == ERANGE ? " between -2^63 and 2^63-1" : "", q);
    }
    *out = (cm_int_t)x;
    return CM_OK;
}

static int eq_nocase(const char *a, const char *b)
{
    for (;; a++, b++) {
        char x = (*a >= 'A' && *a <= 'Z') ? (char)(*a - 'A' + 'a') : *a;
        char y = (*b >= 'A' && *b <= 'Z') ? (char)(*b - 'A' + 'a') : *b;
        if (x != y) {
            return 0;
        }
        if (x == '\0') {
            return 1;
        }
    }
}

cm_error_t cm_kv_entry_bool(const cm_kv_section_t *s, const cm_kv_entry_t *e, int *out,
                            cm_error_info_t *err)
{
    if (s == NULL || e == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "section, entry or out is NULL");
    }
    const char *v = e->value;
    if (eq_nocase(v, "yes") || eq_nocase(v, "true") || strcmp(v, "1") == 0) {
        *out = 1;
        return CM_OK;
    }
    if (eq_nocase(v, "no") || eq_nocase(v, "false") || strcmp(v, "0") == 0) {
        *out = 0;
        return CM_OK;
    }
    char q[80];
    cm_i_quote_text(q, sizeof q, v, strlen(v));
    return cm_error_set_at(err, CM_EPARSE, s->file, e->line, e->value_column,
                           "%s: expected yes/no/true/false/1/0, got '%s'", e->key, q);
}

cm_error_t cm_kv_get_double(const cm_kv_section_t *s, const char *key, double *out,
                            cm_error_info_t *err)
{
    const cm_kv_entry_t *e = NULL;
    cm_error_t rc = lookup(s, key, &e, err);
    return rc != CM_OK ? rc : cm_kv_entry_double(s, e, out, err);
}

cm_error_t cm_kv_get_int(const cm_kv_section_t *s, const char *key, cm_int_t *out,
                         cm_error_info_t *err)
{
    const cm_kv_entry_t *e = NULL;
    cm_error_t rc = lookup(s, key, &e, err);
    return rc != CM_OK ? rc : cm_kv_entry_int(s, e, out, err);
}

cm_error_t cm_kv_get_bool(const cm_kv_section_t *s, const char *key, int *out,
                          cm_error_info_t *err)
{
    const cm_kv_entry_t *e = NULL;
    cm_error_t rc = lookup(s, key, &e, err);
    return rc != CM_OK ? rc : cm_kv_entry_bool(s, e, out, err);
}

cm_error_t cm_kv_check_keys(const cm_kv_section_t *s, const char *const *allowed, size_t n,
                            cm_error_info_t *err)
{
    if (s == NULL || (allowed == NULL && n > 0)) {
        return cm_error_set(err, CM_EINVAL, "section or allowed is NULL");
    }
    for (size_t i = 0; i < s->nentries; i++) {
        const cm_kv_entry_t *e = &s->entries[i];
        size_t k = 0;
        while (k < n && strcmp(allowed[k], e->key) != 0) {
            k++;
        }
        if (k < n) {
            continue;
        }
        char list[512];
        size_t used = 0;
        list[0] = '\0';
        for (k = 0; k < n && used + 4 < sizeof list; k++) {
            int w = snprintf(list + used, sizeof list - used, "%s%s", k ? ", " : "", allowed[k]);
            if (w < 0 || (size_t)w >= sizeof list - used) {
                break;
            }
            used += (size_t)w;
        }
        return cm_error_set_at(err, CM_EPARSE, s->file, e->line, e->key_column,
                               "unknown key '%s' in [%s%s%s] (expected one of: %s)", e->key,
                               s->type, s->name[0] ? " " : "", s->name, list);
    }
    return CM_OK;
}

/* Helpers of the importers: a string-keyed hash map, text cleaning, JSON string quoting. */
#include <string.h>

#include "ingest_internal.h"

static uint64_t hash_str(const char *s)
{
    return cm_i_fnv1a(CM_I_FNV_OFFSET, s, strlen(s));
}

static size_t find_slot(const cm_i_ing_entry_t *slots, size_t cap, const char *key, uint64_t h)
{
    size_t mask = cap - 1;
    size_t i = (size_t)h & mask;
    while (slots[i].key != NULL && (slots[i].hash != h || strcmp(slots[i].key, key) != 0)) {
        i = (i + 1) & mask;
    }
    return i;
}

cm_i_ing_entry_t *cm_i_ing_map_get(const cm_i_ing_map_t *m, const char *key)
{
    if (m->cap == 0) {
        return NULL;
    }
    size_t i = find_slot(m->slots, m->cap, key, hash_str(key));
    return m->slots[i].key != NULL ? &m->slots[i] : NULL;
}

static cm_error_t grow(cm_i_ing_map_t *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    cm_i_ing_entry_t *slots = cm_calloc(cap, sizeof *slots);
    if (slots == NULL) {
        return CM_ENOMEM;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (m->slots[i].key != NULL) {
            size_t j = find_slot(slots, cap, m->slots[i].key, m->slots[i].hash);
            slots[j] = m->slots[i];
        }
    }
    cm_free(m->slots);
    m->slots = slots;
    m->cap = cap;
    return CM_OK;
}

cm_error_t cm_i_ing_map_put(cm_i_ing_map_t *m, const char *key, cm_i_ing_entry_t **out,
                            int *created)
{
    *out = NULL;
    *created = 0;
    if (m->n + 1 > m->cap / 2) {
        if (grow(m) != CM_OK) {
            return CM_ENOMEM;
        }
    }
    uint64_t h = hash_str(key);
    size_t i = find_slot(m->slots, m->cap, key, h);
    if (m->slots[i].key == NULL) {
        char *k = cm_strdup(key);
        if (k == NULL) {
            return CM_ENOMEM;
        }
        memset(&m->slots[i], 0, sizeof m->slots[i]);
        m->slots[i].key = k;
        m->slots[i].hash = h;
        m->slots[i].line = -1;
        m->slots[i].order = (int64_t)m->n;
        m->n++;
        *created = 1;
    }
    *out = &m->slots[i];
    return CM_OK;
}

void cm_i_ing_map_destroy(cm_i_ing_map_t *m)
{
    for (size_t i = 0; i < m->cap; i++) {
        cm_free(m->slots[i].key);
        cm_free(m->slots[i].text);
    }
    cm_free(m->slots);
    m->slots = NULL;
    m->cap = 0;
    m->n = 0;
}

static int is_blank_at(const unsigned char *p, size_t *len)
{
    if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
        *len = 1;
        return 1;
    }
    if (p[0] == 0xC2 && p[1] == 0xA0) { /* U+00A0 no-break space */
        *len = 2;
        return 1;
    }
    return 0;
}

char *cm_i_ing_clean(char *dst, size_t n, const char *src)
{
    size_t o = 0;
    int pending = 0;
    const unsigned char *p = (const unsigned char *)src;
    if (n == 0) {
        return dst;
    }
    while (*p != '\0') {
        size_t len = 0;
        if (is_blank_at(p, &len)) {
            pending = o > 0;
            p += len;
            continue;
        }
        if (pending) {
            if (o + 1 >= n) {
                break;
            }
            dst[o++] = ' ';
            pending = 0;
        }
        if (o + 1 >= n) {
            break;
        }
        dst[o++] = (char)*p++;
    }
    dst[o] = '\0';
    return dst;
}

static int lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

int cm_i_ing_eq(const char *a, const char *b)
{
    while (*a != '\0' && *b != '\0') {
        if (lower((unsigned char)*a) != lower((unsigned char)*b)) {
            return 0;
        }
        a++;
        b++;
    }
    return *a == *b;
}

int cm_i_ing_prefix(const char *s, const char *prefix)
{
    while (*prefix != '\0') {
        if (lower((unsigned char)*s) != lower((unsigned char)*prefix)) {
            return 0;
        }
        s++;
        prefix++;
    }
    return 1;
}

cm_error_t cm_i_ing_json_str(cm_i_buf_t *b, const char *s)
{
    cm_error_t rc = CM_OK;
    CM_TRY(cm_i_buf_puts(b, "\""));
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if (*p == '"' || *p == '\\') {
            char esc[3] = {'\\', (char)*p, '\0'};
            CM_TRY(cm_i_buf_puts(b, esc));
        } else if (*p < 0x20) {
            CM_TRY(cm_i_buf_printf(b, "\\u%04x", (unsigned)*p));
        } else {
            CM_TRY(cm_i_buf_append(b, p, 1));
        }
    }
    CM_TRY(cm_i_buf_puts(b, "\""));
cleanup:
    return rc;
}

int cm_i_ing_has_columns(size_t n, const char *const *f, const char *const *names)
{
    for (; *names != NULL; names++) {
        size_t i = 0;
        while (i < n && !cm_i_ing_eq(f[i], *names)) {
            i++;
        }
        if (i == n) {
            return 0;
        }
    }
    return 1;
}

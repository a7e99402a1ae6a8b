/* Classifications in memory: items, the normalisation of names and the sorted alias index
 * used by cm_class_resolve. Resolving allocates nothing (a stack buffer holds the key). */
#include <stdlib.h>
#include <string.h>

#include "cm_internal.h"
#include "store/class_internal.h"

/* ASCII spellings of U+00C0..U+00FF (Latin-1 letters); "" = a symbol (becomes a space). */
static const char *const latin1_fold[64] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", "",  "o", "u", "u", "u", "u", "y", "th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", "",  "o", "u", "u", "u", "u", "y", "th", "y",
};

/* Decode one UTF-8 sequence at s (len bytes left); an invalid byte is taken as Latin-1. */
static size_t utf8_next(const unsigned char *s, size_t len, uint32_t *cp)
{
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t n = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (n == 0 || n > len) {
        *cp = c;
        return 1;
    }
    uint32_t v = c & (0x7Fu >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *cp = c;
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3Fu);
    }
    if ((n == 2 && v < 0x80) || (n == 3 && v < 0x800) || (n == 4 && v < 0x10000)) {
        *cp = c; /* overlong: not valid UTF-8 */
        return 1;
    }
    *cp = v;
    return n;
}

/* The folded ASCII text of a code point: NULL = keep the original bytes, "" = separator. */
static const char *fold(uint32_t cp)
{
    if (cp < 0x80) {
        return NULL;
    }
    if (cp >= 0xC0 && cp <= 0xFF) {
        return latin1_fold[cp - 0xC0];
    }
    switch (cp) {
    case 0x152: case 0x153: return "oe";
    case 0x160: case 0x161: return "s";
    case 0x17D: case 0x17E: return "z";
    case 0x178: return "y";
    case 0x10C: case 0x10D: return "c";
    case 0x141: case 0x142: return "l";
    default: break;
    }
    if (cp < 0xC0 || (cp >= 0x2000 && cp <= 0x206F)) {
        return ""; /* Latin-1 symbols, no-break space, quotes, dashes */
    }
    return NULL;
}

size_t cm_i_class_norm(const char *text, size_t len, char *out, size_t outsz)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t o = 0, i = 0;
    int space = 0; /* a separator is pending */
#define PUT(ch)                      \
    do {                             \
        if (o + 1 >= outsz) {        \
            return (size_t)-1;       \
        }                            \
        out[o++] = (char)(ch);       \
    } while (0)
#define SEP() space = (o > 0)
#define FLUSH()          \
    do {                 \
        if (space) {     \
            PUT(' ');    \
            space = 0;   \
        }                \
    } while (0)
    while (i < len && s[i] != '\0') {
        uint32_t cp;
        size_t n = utf8_next(s + i, len - i, &cp);
        if (cp < 0x80) {
            char ch = (char)cp;
            if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
                FLUSH();
                PUT(ch);
            } else if (ch >= 'A' && ch <= 'Z') {
                FLUSH();
                PUT(ch - 'A' + 'a');
            } else if (ch == '&') {
                SEP();
                FLUSH();
                PUT('a');
                PUT('n');
                PUT('d');
                SEP();
            } else {
                SEP();
            }
        } else {
            const char *f = fold(cp);
            if (f == NULL) {
                FLUSH();
                for (size_t k = 0; k < n; k++) {
                    PUT(s[i + k]);
                }
            } else if (f[0] == '\0') {
                SEP();
            } else {
                FLUSH();
                for (; *f != '\0'; f++) {
                    PUT(*f);
                }
            }
        }
        i += n;
    }
#undef PUT
#undef SEP
#undef FLUSH
    if (outsz == 0) {
        return (size_t)-1;
    }
    out[o] = '\0';
    return o;
}

cm_error_t cm_i_class_create(const char *name, cm_class_t **out, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_class_t *c = cm_calloc(1, sizeof *c);
    CM_NOMEM(c, err);
    c->name = cm_strdup(name != NULL ? name : "");
    CM_NOMEM(c->name, err);
    *out = c;
    c = NULL;
cleanup:
    cm_class_free(c);
    return rc;
}

void cm_class_free(cm_class_t *c)
{
    if (c == NULL) {
        return;
    }
    for (size_t i = 0; i < c->n; i++) {
        cm_free(c->items[i].code);
        cm_free(c->items[i].label);
        cm_free(c->items[i].parent);
    }
    for (size_t i = 0; i < c->nalias; i++) {
        cm_free(c->aliases[i].key);
        cm_free(c->aliases[i].source);
    }
    cm_free(c->items);
    cm_free(c->aliases);
    cm_free(c->by_code);
    cm_free(c->name);
    cm_free(c);
}

static int cmp_code_idx(const void *a, const void *b, const cm_class_t *c)
{
    return strcmp(c->items[*(const size_t *)a].code, c->items[*(const size_t *)b].code);
}

/* qsort has no context argument: sort indexes with a small insertion-merge instead. */
static void sort_by_code(cm_class_t *c, size_t *idx, size_t *tmp, size_t n)
{
    if (n < 2) {
        return;
    }
    size_t h = n / 2;
    sort_by_code(c, idx, tmp, h);
    sort_by_code(c, idx + h, tmp, n - h);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n) {
        tmp[k++] = cmp_code_idx(&idx[j], &idx[i], c) < 0 ? idx[j++] : idx[i++];
    }
    while (i < h) {
        tmp[k++] = idx[i++];
    }
    while (j < n) {
        tmp[k++] = idx[j++];
    }
    memcpy(idx, tmp, n * sizeof *idx);
}

size_t cm_i_class_find_code(const cm_class_t *c, const char *code)
{
    if (c == NULL || code == NULL) {
        return (size_t)-1;
    }
    if (c->by_code == NULL) {
        for (size_t i = 0; i < c->n; i++) {
            if (strcmp(c->items[i].code, code) == 0) {
                return i;
            }
        }
        return (size_t)-1;
    }
    size_t lo = 0, hi = c->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int r = strcmp(c->items[c->by_code[mid]].code, code);
        if (r == 0) {
            return c->by_code[mid];
        }
        if (r < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return (size_t)-1;
}

cm_error_t cm_i_class_add_item(cm_class_t *c, const char *code, const char *label,
                               const char *parent, int aggregate, size_t *index,
                               cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_i_class_item_t it = {NULL, NULL, NULL, 0};
    if (code == NULL || code[0] == '\0') {
        return cm_error_set(err, CM_EINVAL, "classification %s: empty code", c->name);
    }
    if (cm_i_class_find_code(c, code) != (size_t)-1) {
        return cm_error_set(err, CM_EINVAL, "classification %s: code '%s' appears twice", c->name,
                            code);
    }
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 64;
        cm_i_class_item_t *p = cm_realloc_array(c->items, cap, sizeof *p);
        CM_NOMEM(p, err);
        c->items = p;
        c->cap = cap;
    }
    it.code = cm_strdup(code);
    CM_NOMEM(it.code, err);
    if (label != NULL && label[0] != '\0') {
        it.label = cm_strdup(label);
        CM_NOMEM(it.label, err);
    }
    if (parent != NULL && parent[0] != '\0') {
        it.parent = cm_strdup(parent);
        CM_NOMEM(it.parent, err);
    }
    it.aggregate = aggregate ? 1 : 0;
    if (index != NULL) {
        *index = c->n;
    }
    c->items[c->n++] = it;
    it.code = it.label = it.parent = NULL;
    c->finished = 0;
    cm_free(c->by_code);
    c->by_code = NULL;
cleanup:
    cm_free(it.code);
    cm_free(it.label);
    cm_free(it.parent);
    return rc;
}

cm_error_t cm_i_class_add_key(cm_class_t *c, size_t item, const char *key, const char *source,
                              cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_i_class_alias_t a = {NULL, item, NULL, 0};
    if (key == NULL || key[0] == '\0') {
        return CM_OK;
    }
    if (c->nalias == c->acap) {
        size_t cap = c->acap ? 2 * c->acap : 256;
        cm_i_class_alias_t *p = cm_realloc_array(c->aliases, cap, sizeof *p);
        CM_NOMEM(p, err);
        c->aliases = p;
        c->acap = cap;
    }
    a.key = cm_strdup(key);
    CM_NOMEM(a.key, err);
    if (source != NULL) {
        a.source = cm_strdup(source);
        CM_NOMEM(a.source, err);
    }
    c->aliases[c->nalias++] = a;
    a.key = a.source = NULL;
    c->finished = 0;
cleanup:
    cm_free(a.key);
    cm_free(a.source);
    return rc;
}

cm_error_t cm_i_class_add_alias(cm_class_t *c, size_t item, const char *text, const char *source,
                                cm_error_info_t *err)
{
    char key[CM_I_CLASS_KEY_MAX];
    if (text == NULL) {
        return CM_OK;
    }
    if (cm_i_class_norm(text, strlen(text), key, sizeof key) == (size_t)-1) {
        return cm_error_set(err, CM_EINVAL, "classification %s: alias too long: '%.60s...'",
                            c->name, text);
    }
    return cm_i_class_add_key(c, item, key, source, err);
}

static int cmp_alias(const void *a, const void *b)
{
    const cm_i_class_alias_t *x = a, *y = b;
    int r = strcmp(x->key, y->key);
    if (r != 0) {
        return r;
    }
    if (x->weak != y->weak) {
        return x->weak - y->weak; /* strong (codes, aliases) first */
    }
    return x->item < y->item ? -1 : x->item > y->item;
}

static void drop_alias(cm_i_class_alias_t *a)
{
    cm_free(a->key);
    cm_free(a->source);
    a->key = a->source = NULL;
}

cm_error_t cm_i_class_finish(cm_class_t *c, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    size_t *tmp = NULL;
    /* Codes and labels resolve too. */
    for (size_t i = 0; i < c->n; i++) {
        size_t before = c->nalias;
        CM_TRY(cm_i_class_add_alias(c, i, c->items[i].code, "code", err));
        CM_TRY(cm_i_class_add_alias(c, i, c->items[i].label, "label", err));
        if (c->nalias == before + 2) {
            c->aliases[before + 1].weak = 1;
        }
    }
    if (c->nalias > 0) {
        qsort(c->aliases, c->nalias, sizeof *c->aliases, cmp_alias);
    }
    size_t w = 0;
    for (size_t g = 0; g < c->nalias;) {
        size_t e = g + 1;
        while (e < c->nalias && strcmp(c->aliases[e].key, c->aliases[g].key) == 0) {
            e++;
        }
        /* [g, e) share one key; strong entries sort first */
        int keep = 1;
        for (size_t r = g + 1; r < e; r++) {
            if (c->aliases[r].item == c->aliases[g].item) {
                continue;
            }
            if (!c->aliases[r].weak) {
                CM_FAIL(cm_error_set(err, CM_EINVAL,
                                     "classification %s: alias '%s' names both %s and %s",
                                     c->name, c->aliases[g].key,
                                     c->items[c->aliases[g].item].code,
                                     c->items[c->aliases[r].item].code));
            }
            if (c->aliases[g].weak) {
                keep = 0; /* a label shared by several codes resolves to none */
            }
        }
        for (size_t r = g + (keep ? 1 : 0); r < e; r++) {
            drop_alias(&c->aliases[r]);
        }
        if (keep) {
            c->aliases[w] = c->aliases[g];
            if (w != g) {
                c->aliases[g].key = c->aliases[g].source = NULL; /* moved */
            }
            w++;
        }
        g = e;
    }
    c->nalias = w;
    cm_free(c->by_code);
    c->by_code = cm_malloc_array(c->n, sizeof *c->by_code);
    CM_NOMEM(c->by_code, err);
    tmp = cm_malloc_array(c->n, sizeof *tmp);
    CM_NOMEM(tmp, err);
    for (size_t i = 0; i < c->n; i++) {
        c->by_code[i] = i;
    }
    sort_by_code(c, c->by_code, tmp, c->n);
    c->finished = 1;
cleanup:
    cm_free(tmp);
    if (rc != CM_OK && c->aliases != NULL) {
        /* Leave a consistent (unfinished) object: compact out the holes. */
        size_t k = 0;
        for (size_t r = 0; r < c->nalias; r++) {
            if (c->aliases[r].key != NULL) {
                c->aliases[k++] = c->aliases[r];
            }
        }
        c->nalias = k;
    }
    return rc;
}

static const char *lookup(const cm_class_t *c, const char *key)
{
    size_t lo = 0, hi = c->nalias;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int r = strcmp(c->aliases[mid].key, key);
        if (r == 0) {
            return c->items[c->aliases[mid].item].code;
        }
        if (r < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return NULL;
}

/* Look up one raw variant: its key, the key without leading zeros (M49 "004"), and the key
 * without a glued USGS "e" (estimated) mark ("Chinae"). */
static const char *lookup_variant(const cm_class_t *c, const char *t, size_t len)
{
    char key[CM_I_CLASS_KEY_MAX];
    size_t k = cm_i_class_norm(t, len, key, sizeof key);
    if (k == (size_t)-1 || k == 0) {
        return NULL;
    }
    const char *hit = lookup(c, key);
    if (hit != NULL) {
        return hit;
    }
    if (key[0] == '0' && k > 1 && strspn(key, "0123456789") == k) {
        size_t z = strspn(key, "0");
        return lookup(c, z == k ? "0" : key + z);
    }
    if (len > 2 && t[len - 1] == 'e' && t[len - 2] >= 'a' && t[len - 2] <= 'z') {
        k = cm_i_class_norm(t, len - 1, key, sizeof key);
        if (k != (size_t)-1 && k > 0) {
            return lookup(c, key);
        }
    }
    return NULL;
}

/* Shorten a raw text by one note: trailing footnote digits glued to a name ("Chile6"), then a
 * trailing parenthesised note ("(rounded)"), then a trailing ", qualifier". 0 = nothing left. */
static size_t reduce(const char *t, size_t len)
{
    while (len > 0 && (t[len - 1] == ' ' || t[len - 1] == '.' || t[len - 1] == '\t')) {
        len--;
    }
    size_t d = len;
    while (d > 0 && t[d - 1] >= '0' && t[d - 1] <= '9') {
        d--;
    }
    if (d < len) {
        for (size_t i = 0; i < d; i++) {
            unsigned char ch = (unsigned char)t[i];
            if ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z') {
                return d;
            }
        }
        return 0;
    }
    if (len > 0 && t[len - 1] == ')') {
        for (size_t i = len - 1; i > 0; i--) {
            if (t[i - 1] == '(') {
                return i - 1;
            }
        }
        return 0;
    }
    for (size_t i = len; i > 0; i--) {
        if (t[i - 1] == ',') {
            return i - 1;
        }
    }
    return 0;
}

const char *cm_class_resolve(const cm_class_t *c, const char *text)
{
    if (c == NULL || text == NULL || !c->finished) {
        return NULL;
    }
    size_t exact = cm_i_class_find_code(c, text);
    if (exact != (size_t)-1) {
        return c->items[exact].code;
    }
    size_t len = strlen(text);
    if (len >= CM_I_CLASS_KEY_MAX) {
        return NULL;
    }
    for (int round = 0; round < 8 && len > 0; round++) {
        const char *hit = lookup_variant(c, text, len);
        if (hit != NULL) {
            return hit;
        }
        len = reduce(text, len);
    }
    return NULL;
}

const char *cm_class_label(const cm_class_t *c, const char *code)
{
    size_t i = cm_i_class_find_code(c, code);
    return i == (size_t)-1 ? NULL : c->items[i].label;
}

int cm_class_is_aggregate(const cm_class_t *c, const char *code)
{
    size_t i = cm_i_class_find_code(c, code);
    return i == (size_t)-1 ? 0 : c->items[i].aggregate;
}

size_t cm_class_size(const cm_class_t *c)
{
    return c != NULL ? c->n : 0;
}

const char *cm_class_code(const cm_class_t *c, size_t i)
{
    return (c != NULL && i < c->n) ? c->items[i].code : NULL;
}

const char *cm_class_parent(const cm_class_t *c, const char *code)
{
    size_t i = cm_i_class_find_code(c, code);
    return i == (size_t)-1 ? NULL : c->items[i].parent;
}

const char *cm_class_name(const cm_class_t *c)
{
    return c != NULL ? c->name : NULL;
}

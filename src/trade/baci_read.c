/* The bulk BACI reader: `t,i,j,k,v,q` in 8 MiB blocks, fields split by hand, numbers parsed
 * exactly (mrio's Clinger fast path), straight into compact columns. */
#include <errno.h>
#include <pthread.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "core/cm_internal.h"
#include "mrio/mrio_internal.h"
#include "store/store_internal.h"
#include "trade/trade_internal.h"

#define BLOCK_BYTES ((size_t)8 << 20)

void cm_trade_baci_destroy(cm_trade_baci_t *b)
{
    if (b == NULL) {
        return;
    }
    cm_free(b->year);
    cm_free(b->exporter);
    cm_free(b->importer);
    cm_free(b->product);
    cm_free(b->value);
    cm_free(b->quantity);
    memset(b, 0, sizeof *b);
}

cm_error_t cm_i_trade_baci_reserve(cm_trade_baci_t *b, size_t cap, cm_error_info_t *err)
{
    void *p[6] = {NULL, NULL, NULL, NULL, NULL, NULL};
    size_t sz[6] = {sizeof(int16_t), sizeof(int16_t), sizeof(int16_t), sizeof(int32_t),
                    sizeof(double), sizeof(double)};
    void **cols[6] = {(void **)&b->year, (void **)&b->exporter, (void **)&b->importer,
                      (void **)&b->product, (void **)&b->value, (void **)&b->quantity};
    if (cap == 0) {
        cap = 1;
    }
    for (int c = 0; c < 6; c++) {
        p[c] = cm_realloc_array(*cols[c], cap, sz[c]);
        if (p[c] == NULL) {
            return cm_error_set(err, CM_ENOMEM, "BACI columns: cannot allocate %zu rows", cap);
        }
        *cols[c] = p[c];
    }
    return CM_OK;
}

/* The SHA-256 of the blocks, computed by a helper thread while the main thread parses the
 * same block (the file is then read once and the checksum costs no wall time on 2 cores).
 * When the thread cannot be started the blocks are hashed inline. */
typedef struct hasher_t {
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    const char *data;
    size_t len;
    int busy, quit, started;
    cm_i_sha256_t sha;
} hasher_t;

static void *hash_main(void *arg)
{
    hasher_t *h = arg;
    pthread_mutex_lock(&h->mu);
    for (;;) {
        while (!h->busy && !h->quit) {
            pthread_cond_wait(&h->cv, &h->mu);
        }
        if (!h->busy) {
            break;
        }
        const char *d = h->data;
        size_t n = h->len;
        pthread_mutex_unlock(&h->mu);
        cm_i_sha256_update(&h->sha, d, n);
        pthread_mutex_lock(&h->mu);
        h->busy = 0;
        pthread_cond_broadcast(&h->cv);
    }
    pthread_mutex_unlock(&h->mu);
    return NULL;
}

static void hasher_start(hasher_t *h)
{
    memset(h, 0, sizeof *h);
    cm_i_sha256_init(&h->sha);
    if (pthread_mutex_init(&h->mu, NULL) != 0) {
        return;
    }
    if (pthread_cond_init(&h->cv, NULL) != 0) {
        pthread_mutex_destroy(&h->mu);
        return;
    }
    if (pthread_create(&h->th, NULL, hash_main, h) != 0) {
        pthread_cond_destroy(&h->cv);
        pthread_mutex_destroy(&h->mu);
        return;
    }
    h->started = 1;
}

/* Hash [data, data + len): handed to the thread (call hasher_wait before touching it). */
static void hasher_post(hasher_t *h, const char *data, size_t len)
{
    if (!h->started) {
        cm_i_sha256_update(&h->sha, data, len);
        return;
    }
    pthread_mutex_lock(&h->mu);
    h->data = data;
    h->len = len;
    h->busy = 1;
    pthread_cond_broadcast(&h->cv);
    pthread_mutex_unlock(&h->mu);
}

static void hasher_wait(hasher_t *h)
{
    if (!h->started) {
        return;
    }
    pthread_mutex_lock(&h->mu);
    while (h->busy) {
        pthread_cond_wait(&h->cv, &h->mu);
    }
    pthread_mutex_unlock(&h->mu);
}

static void hasher_stop(hasher_t *h)
{
    if (!h->started) {
        return;
    }
    hasher_wait(h);
    pthread_mutex_lock(&h->mu);
    h->quit = 1;
    pthread_cond_broadcast(&h->cv);
    pthread_mutex_unlock(&h->mu);
    pthread_join(h->th, NULL);
    pthread_cond_destroy(&h->cv);
    pthread_mutex_destroy(&h->mu);
    h->started = 0;
}

typedef struct reader_t {
    const char *path;
    cm_trade_baci_t *b;
    size_t cap;
    int64_t line;
    int header_done;
    int32_t first_bad_country, first_bad_product;
    cm_error_info_t *err;
} reader_t;

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Trim blanks of [*s, *e). */
static void trim(const char **s, const char **e)
{
    while (*s < *e && is_blank(**s)) {
        (*s)++;
    }
    while (*e > *s && is_blank((*e)[-1])) {
        (*e)--;
    }
}

static cm_error_t bad_field(reader_t *r, const char *line, const char *at, const char *what,
                            const char *s, const char *e)
{
    int n = (int)(e - s > 40 ? 40 : e - s);
    return cm_error_set_at(r->err, CM_EPARSE, r->path, r->line, (int64_t)(at - line) + 1,
                           "expected %s, got '%.*s'", what, n, s);
}

/* A whole non-negative integer of at most 9 digits; -1 when it is not one. */
static int32_t parse_uint(const char *s, const char *e)
{
    if (s == e || e - s > 9) {
        return -1;
    }
    int32_t v = 0;
    for (; s < e; s++) {
        if (*s < '0' || *s > '9') {
            return -1;
        }
        v = v * 10 + (*s - '0');
    }
    return v;
}

static cm_error_t grow(reader_t *r)
{
    size_t cap = r->cap + r->cap / 2 + 1024;
    if (cap > (size_t)INT32_MAX) {
        cap = (size_t)INT32_MAX;
    }
    if ((size_t)r->b->n >= cap) {
        return cm_error_set(r->err, CM_EOVERFLOW, "%s: more than %d rows", r->path, INT32_MAX);
    }
    cm_error_t rc = cm_i_trade_baci_reserve(r->b, cap, r->err);
    if (rc == CM_OK) {
        r->cap = cap;
    }
    return rc;
}

static cm_error_t check_header(reader_t *r, const char *s, const char *e)
{
    static const char *const want[6] = {"t", "i", "j", "k", "v", "q"};
    const char *line = s;
    if (e - s >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
        s += 3;
    }
    for (int f = 0; f < 6; f++) {
        const char *fe = memchr(s, ',', (size_t)(e - s));
        if (fe == NULL) {
            fe = e;
        }
        const char *a = s, *z = fe;
        trim(&a, &z);
        if (z - a >= 2 && *a == '"' && z[-1] == '"') {
            a++;
            z--;
        }
        if ((size_t)(z - a) != 1 || *a != want[f][0] || (f < 5 && fe == e) ||
            (f == 5 && fe != e)) {
            return cm_error_set_at(r->err, CM_EPARSE, r->path, r->line, (int64_t)(s - line) + 1,
                                   "expected the BACI header 't,i,j,k,v,q', got '%.*s'",
                                   (int)(e - line > 60 ? 60 : e - line), line);
        }
        s = fe + 1;
    }
    return CM_OK;
}

/* One data line [s, e) (no newline, no CR). */
static cm_error_t parse_line(reader_t *r, const char *s, const char *e)
{
    static const char *const what[6] = {"a year", "an exporter code", "an importer code",
                                        "an HS6 product code", "a value", "a quantity"};
    const char *line = s;
    int32_t code[4];
    double num[2];
    const char *p = s;
    cm_trade_baci_t *b = r->b;
    for (int f = 0; f < 6; f++) {
        const char *fe = memchr(p, ',', (size_t)(e - p));
        if (fe == NULL) {
            if (f < 5) {
                return cm_error_set_at(r->err, CM_EPARSE, r->path, r->line,
                                       (int64_t)(e - line) + 1,
                                       "expected 6 fields (t,i,j,k,v,q), got %d", f + 1);
            }
            fe = e;
        } else if (f == 5) {
            return cm_error_set_at(r->err, CM_EPARSE, r->path, r->line, (int64_t)(fe - line) + 1,
                                   "expected 6 fields (t,i,j,k,v,q), got more");
        }
        const char *a = p, *z = fe;
        trim(&a, &z);
        if (f < 4) {
            code[f] = parse_uint(a, z);
            if (code[f] < 0) {
                return bad_field(r, line, p, what[f], a, z);
            }
        } else if (f == 5 && (a == z || (z - a == 2 && a[0] == 'N' && a[1] == 'A'))) {
            num[1] = NAN;
        } else {
            double v = 0.0;
            if (cm_i_mrio_parse_number(a, (size_t)(z - a), &v) != CM_I_MRIO_NUM_OK) {
                return bad_field(r, line, p, what[f], a, z);
            }
            if (v < 0.0 || (v == 0.0 && signbit(v))) {
                return bad_field(r, line, p, f == 4 ? "a non-negative value" :
                                 "a non-negative quantity", a, z);
            }
            num[f - 4] = v;
        }
        p = fe + 1;
    }
    if (code[0] < 1900 || code[0] > 2999) {
        return cm_error_set_at(r->err, CM_EPARSE, r->path, r->line, 1,
                               "expected a year in 1900-2999, got %d", (int)code[0]);
    }
    if (code[1] < 1 || code[1] > CM_I_TRADE_MAX_COUNTRY || code[2] < 1 ||
        code[2] > CM_I_TRADE_MAX_COUNTRY) {
        if (b->stats.unknown_country++ == 0) {
            r->first_bad_country = (code[1] < 1 || code[1] > CM_I_TRADE_MAX_COUNTRY) ? code[1]
                                                                                     : code[2];
            cm_log(CM_LOG_WARNING, "%s:%lld: unknown country code %d: row set aside", r->path,
                   (long long)r->line, (int)r->first_bad_country);
        }
        return CM_OK;
    }
    if (code[3] < CM_I_TRADE_MIN_HS6 || code[3] > CM_I_TRADE_MAX_HS6) {
        if (b->stats.unknown_product++ == 0) {
            r->first_bad_product = code[3];
            cm_log(CM_LOG_WARNING, "%s:%lld: unknown product code %d: row set aside", r->path,
                   (long long)r->line, (int)code[3]);
        }
        return CM_OK;
    }
    if ((size_t)b->n == r->cap) {
        cm_error_t rc = grow(r);
        if (rc != CM_OK) {
            return rc;
        }
    }
    size_t n = (size_t)b->n;
    b->year[n] = (int16_t)code[0];
    b->exporter[n] = (int16_t)code[1];
    b->importer[n] = (int16_t)code[2];
    b->product[n] = code[3];
    b->value[n] = num[0];
    b->quantity[n] = num[1];
    if (isnan(num[1])) {
        b->stats.missing_quantity++;
    }
    b->n++;
    return CM_OK;
}

/* Parse the complete lines of buf[0, len); *used = bytes consumed (up to the last newline,
 * or everything when last). */
static cm_error_t parse_block(reader_t *r, const char *buf, size_t len, int last, size_t *used)
{
    const char *p = buf, *end = buf + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (nl == NULL && !last) {
            break;
        }
        const char *le = nl != NULL ? nl : end;
        const char *ce = le;
        if (ce > p && ce[-1] == '\r') {
            ce--;
        }
        r->line++;
        cm_error_t rc = CM_OK;
        if (!r->header_done) {
            rc = check_header(r, p, ce);
            r->header_done = 1;
        } else if (ce > p) {
            r->b->stats.lines++;
            rc = parse_line(r, p, ce);
        }
        if (rc != CM_OK) {
            return rc;
        }
        p = nl != NULL ? nl + 1 : end;
    }
    *used = (size_t)(p - buf);
    return CM_OK;
}

cm_error_t cm_trade_baci_read(const char *path, cm_trade_baci_t *out, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    FILE *f = NULL;
    char *buf = NULL;
    reader_t r;
    hasher_t hash;
    if (path == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_trade_baci_read: NULL %s",
                            path == NULL ? "path" : "out");
    }
    memset(out, 0, sizeof *out);
    memset(&r, 0, sizeof r);
    memset(&hash, 0, sizeof hash);
    r.path = path;
    r.b = out;
    r.err = err;
    f = fopen(path, "rb");
    if (f == NULL) {
        return cm_error_set(err, CM_EFILE, "cannot open '%s': %s", path, strerror(errno));
    }
    struct stat st;
    size_t guess = 1024;
    if (fstat(fileno(f), &st) == 0 && st.st_size > 0) {
        guess = (size_t)st.st_size / 28 + 1024; /* about 30 bytes a row in the CEPII files */
        if (guess > (size_t)INT32_MAX) {
            guess = (size_t)INT32_MAX;
        }
    }
    CM_TRY(cm_i_trade_baci_reserve(out, guess, err));
    r.cap = guess;
    buf = cm_malloc(BLOCK_BYTES);
    if (buf == NULL) {
        rc = cm_error_set(err, CM_ENOMEM, "BACI reader: cannot allocate the block buffer");
        goto cleanup;
    }
    size_t have = 0;
    hasher_start(&hash);
    for (;;) {
        size_t got = fread(buf + have, 1, BLOCK_BYTES - have, f);
        hasher_post(&hash, buf + have, got);
        if (got == 0 && ferror(f)) {
            rc = cm_error_set(err, CM_EFILE, "cannot read '%s': %s", path, strerror(errno));
            goto cleanup;
        }
        have += got;
        int last = got == 0 || feof(f);
        size_t used = 0;
        rc = parse_block(&r, buf, have, last, &used);
        hasher_wait(&hash);
        if (rc != CM_OK) {
            goto cleanup;
        }
        if (last && used == have) {
            break;
        }
        if (used == 0 && have == BLOCK_BYTES) {
            rc = cm_error_set_at(err, CM_EPARSE, path, r.line + 1, 1,
                                 "expected a line shorter than 8 MiB, got a longer one");
            goto cleanup;
        }
        memmove(buf, buf + used, have - used);
        have -= used;
    }
    if (!r.header_done) {
        rc = cm_error_set_at(err, CM_EPARSE, path, 1, 1,
                             "expected the BACI header 't,i,j,k,v,q', got an empty file");
        goto cleanup;
    }
    out->stats.rows = out->n;
    hasher_stop(&hash);
    cm_i_sha256_final(&hash.sha, out->source_sha256);
    if ((size_t)out->n < r.cap) {
        CM_TRY(cm_i_trade_baci_reserve(out, (size_t)out->n, err)); /* give back the slack */
    }
cleanup:
    hasher_stop(&hash);
    cm_free(buf);
    fclose(f);
    if (rc != CM_OK) {
        cm_trade_baci_destroy(out);
    }
    return rc;
}

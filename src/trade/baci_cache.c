/* The columnar cache of a BACI year: a fixed 192-byte header, the six columns as they are in
 * memory (native byte order, recorded by a marker), and a 64-bit checksum of all of it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cambium/cm_file.h"
#include "core/cm_internal.h"
#include "trade/trade_internal.h"

#define MAGIC "CMTRBACI"
#define VERSION 1u
#define HEADER_BYTES 192
#define ORDER_MARK 0x01020304u

static const char col_types[6] = {'h', 'h', 'h', 'i', 'd', 'd'}; /* int16 x3, int32, double x2 */


/* A faster mix for the large columns: 8 bytes at a time, then the tail byte-wise. */
static uint64_t mix(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h = (h ^ w) * 0x9E3779B97F4A7C15ULL;
        h ^= h >> 29;
    }
    return cm_i_fnv1a(h, p + i, len - i);
}

static void header_make(const cm_trade_baci_t *b, unsigned char *h)
{
    uint32_t u;
    int64_t v;
    memset(h, 0, HEADER_BYTES);
    memcpy(h, MAGIC, 8);
    u = VERSION;
    memcpy(h + 8, &u, 4);
    u = ORDER_MARK;
    memcpy(h + 12, &u, 4);
    v = b->n;
    memcpy(h + 16, &v, 8);
    u = 6;
    memcpy(h + 24, &u, 4);
    memcpy(h + 28, col_types, 6);
    memcpy(h + 40, b->source_sha256, 64);
    const cm_int_t st[6] = {b->stats.lines, b->stats.rows, b->stats.missing_quantity,
                            b->stats.unknown_country, b->stats.unknown_product,
                            b->stats.duplicates};
    memcpy(h + 104, st, sizeof st);
}

static size_t col_size(int c)
{
    return c < 3 ? sizeof(int16_t) : c == 3 ? sizeof(int32_t) : sizeof(double);
}

static void *col_ptr(const cm_trade_baci_t *b, int c)
{
    void *p[6] = {b->year, b->exporter, b->importer, b->product, b->value, b->quantity};
    return p[c];
}

cm_error_t cm_trade_baci_cache_write(const cm_trade_baci_t *b, const char *path,
                                     cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_afile_t *f = NULL;
    unsigned char h[HEADER_BYTES];
    if (b == NULL || path == NULL || strlen(b->source_sha256) != 64) {
        return cm_error_set(err, CM_EINVAL, "cm_trade_baci_cache_write: %s",
                            b == NULL || path == NULL ? "NULL argument"
                                                      : "the source SHA-256 is not set");
    }
    CM_TRY(cm_afile_open(path, &f, err));
    header_make(b, h);
    uint64_t sum = mix(CM_I_FNV_OFFSET, h, sizeof h);
    CM_TRY(cm_afile_write(f, h, sizeof h, err));
    for (int c = 0; c < 6 && b->n > 0; c++) {
        size_t bytes = (size_t)b->n * col_size(c);
        sum = mix(sum, col_ptr(b, c), bytes);
        CM_TRY(cm_afile_write(f, col_ptr(b, c), bytes, err));
    }
    CM_TRY(cm_afile_write(f, &sum, sizeof sum, err));
    rc = cm_afile_commit(f, err); /* frees f, also on error */
    f = NULL;
cleanup:
    cm_afile_abort(f);
    return rc;
}

cm_error_t cm_trade_baci_cache_read(const char *path, const char *source_sha256,
                                    cm_trade_baci_t *out, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    FILE *f = NULL;
    unsigned char h[HEADER_BYTES];
    if (path == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_trade_baci_cache_read: NULL %s",
                            path == NULL ? "path" : "out");
    }
    memset(out, 0, sizeof *out);
    f = fopen(path, "rb");
    if (f == NULL) {
        return cm_error_set(err, errno == ENOENT ? CM_ENOTFOUND : CM_EFILE,
                            "cannot open the cache '%s': %s", path, strerror(errno));
    }
    uint32_t version = 0, mark = 0, ncols = 0;
    int64_t n = 0;
    if (fread(h, 1, sizeof h, f) != sizeof h || memcmp(h, MAGIC, 8) != 0) {
        rc = cm_error_set_at(err, CM_EPARSE, path, 0, 0,
                             "expected a cambium BACI cache (magic CMTRBACI), got another file");
        goto cleanup;
    }
    memcpy(&version, h + 8, 4);
    memcpy(&mark, h + 12, 4);
    memcpy(&n, h + 16, 8);
    memcpy(&ncols, h + 24, 4);
    if (version != VERSION || mark != ORDER_MARK || ncols != 6 ||
        memcmp(h + 28, col_types, 6) != 0 || n < 0 || n > INT32_MAX) {
        rc = cm_error_set_at(err, CM_EPARSE, path, 0, 0,
                             "expected cache version %u in this byte order with 6 columns, "
                             "got version %u", VERSION, (unsigned)version);
        goto cleanup;
    }
    memcpy(out->source_sha256, h + 40, 64);
    out->source_sha256[64] = '\0';
    if (source_sha256 != NULL && strcmp(out->source_sha256, source_sha256) != 0) {
        rc = cm_error_set(err, CM_ENOTFOUND, "the cache '%s' was made from another file",
                          path);
        goto cleanup;
    }
    cm_int_t st[6];
    memcpy(st, h + 104, sizeof st);
    CM_TRY(cm_i_trade_baci_reserve(out, (size_t)n, err));
    uint64_t sum = mix(CM_I_FNV_OFFSET, h, sizeof h);
    for (int c = 0; c < 6 && n > 0; c++) {
        size_t bytes = (size_t)n * col_size(c);
        if (fread(col_ptr(out, c), 1, bytes, f) != bytes) {
            rc = cm_error_set_at(err, CM_EPARSE, path, 0, 0,
                                 "expected %lld rows in column %d, got a truncated file",
                                 (long long)n, c + 1);
            goto cleanup;
        }
        sum = mix(sum, col_ptr(out, c), bytes);
    }
    uint64_t want = 0;
    if (fread(&want, 1, sizeof want, f) != sizeof want || want != sum || fgetc(f) != EOF) {
        rc = cm_error_set_at(err, CM_EPARSE, path, 0, 0,
                             "expected the cache's checksum to match its content, got a "
                             "mismatch (damaged or truncated file)");
        goto cleanup;
    }
    out->n = n;
    out->stats.lines = st[0];
    out->stats.rows = st[1];
    out->stats.missing_quantity = st[2];
    out->stats.unknown_country = st[3];
    out->stats.unknown_product = st[4];
    out->stats.duplicates = st[5];
cleanup:
    fclose(f);
    if (rc != CM_OK) {
        cm_trade_baci_destroy(out);
    }
    return rc;
}

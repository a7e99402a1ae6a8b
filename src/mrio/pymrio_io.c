/* Reading pymrio's folder format (cm_mrio_read); writing is pymrio_write.c; docs/mrio-format.md.
 *
 * A table is tab-separated text as pandas' to_csv writes it: nr_header header rows (for more
 * than one, each starts with the level name, then nr_index_col - 1 empty cells, then the
 * column labels, and a line of index names follows; for one, the header line is the index
 * names followed by the column labels), then one row per index entry (nr_index_col label
 * cells, then the numbers). The numeric body is read in large blocks (a folder's file with
 * read(2), a zip entry with zip_fread) and parsed in place, straight into the array data. */
#include "cambium/cm_mrio.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <zip.h>

#include "cambium/cm_alloc.h"
#include "cambium/cm_file.h"
#include "cambium/cm_json.h"
#include "core/cm_internal.h"
#include "mrio/mrio_internal.h"

#define BLOCK_BYTES ((size_t)8 << 20)   /* read size and initial line buffer */
#define MAX_LINE_BYTES ((size_t)1 << 30) /* longest accepted line */
#define MAX_SMALL_FILE ((size_t)64 << 20) /* JSON files */
#define MAX_STRESSORS ((size_t)1 << 24)

/* ---------------------------------------------------------------------------------------- */
/* Where the files are: a folder, or a zip archive and the prefix of the system inside it.   */

typedef struct box_t {
    const char *path; /* folder or zip file */
    zip_t *zip;       /* NULL for a folder */
    char *prefix;     /* inside the zip: "" or "top/"; owned */
} box_t;

static void box_close(box_t *b)
{
    if (b->zip != NULL) {
        zip_discard(b->zip);
    }
    cm_free(b->prefix);
    memset(b, 0, sizeof *b);
}

/* "<dir>/<rel>" or "<prefix><rel>" (the zip entry name); cm_free. */
cm_error_t cm_i_mrio_join_path(const char *a, const char *sep, const char *b, char **out,
                            cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_i_buf_t buf = CM_I_BUF_INIT(1u << 16);
    CM_TRY(cm_i_buf_puts(&buf, a));
    CM_TRY(cm_i_buf_puts(&buf, sep));
    CM_TRY(cm_i_buf_puts(&buf, b));
    CM_TRY(cm_i_buf_steal(&buf, out));
cleanup:
    cm_i_buf_free(&buf);
    if (rc != CM_OK) {
        rc = cm_error_set(err, rc, "path too long or out of memory: '%s%s%s'", a, sep, b);
    }
    return rc;
}

/* The name of a file of the box for messages and its location (path or entry name). */
static cm_error_t box_names(const box_t *b, const char *rel, char **shown, char **loc,
                            cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    *shown = NULL;
    *loc = NULL;
    if (b->zip == NULL) {
        CM_TRY(cm_i_mrio_join_path(b->path, "/", rel, loc, err));
        *shown = cm_strdup(*loc);
        CM_NOMEM(*shown, err);
    } else {
        CM_TRY(cm_i_mrio_join_path(b->prefix, "", rel, loc, err));
        CM_TRY(cm_i_mrio_join_path(b->path, ":", *loc, shown, err));
    }
cleanup:
    if (rc != CM_OK) {
        cm_free(*shown);
        cm_free(*loc);
        *shown = NULL;
        *loc = NULL;
    }
    return rc;
}

static cm_error_t box_has(const box_t *b, const char *rel, int *has, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    char *shown = NULL, *loc = NULL;
    *has = 0;
    CM_TRY(box_names(b, rel, &shown, &loc, err));
    if (b->zip == NULL) {
        struct stat st;
        *has = stat(loc, &st) == 0 && S_ISREG(st.st_mode);
    } else {
        *has = zip_name_locate(b->zip, loc, 0) >= 0;
    }
cleanup:
    cm_free(shown);
    cm_free(loc);
    return rc;
}

/* The error for a missing file: CM_EFILE in a folder, CM_EPARSE in a zip. */
static cm_error_t box_missing(const box_t *b, const char *rel, cm_error_info_t *err)
{
    if (b->zip == NULL) {
        return cm_error_set(err, CM_EFILE, "cannot open '%s/%s': no such file", b->path, rel);
    }
    return cm_error_set_at(err, CM_EPARSE, b->path, 0, 0,
                           "expected the entry '%s%s' in the zip, found none", b->prefix, rel);
}

static cm_error_t box_open(const char *path, box_t *b, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    struct stat st;
    memset(b, 0, sizeof *b);
    b->path = path;
    if (stat(path, &st) != 0) {
        return cm_error_set(err, CM_EFILE, "cannot open '%s': %s", path, strerror(errno));
    }
    if (S_ISDIR(st.st_mode)) {
        b->prefix = cm_strdup("");
        CM_NOMEM(b->prefix, err);
        return CM_OK;
    }
    int zerr = 0;
    b->zip = zip_open(path, ZIP_RDONLY, &zerr);
    if (b->zip == NULL) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, zerr);
        rc = cm_error_set(err, zerr == ZIP_ER_NOZIP ? CM_EPARSE : CM_EFILE,
                          "cannot open '%s' as a folder or a zip archive: %s", path,
                          zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return rc;
    }
    if (zip_name_locate(b->zip, "file_parameters.json", 0) >= 0) {
        b->prefix = cm_strdup("");
        CM_NOMEM(b->prefix, err);
        return CM_OK;
    }
    /* the single top-level folder */
    zip_int64_t n = zip_get_num_entries(b->zip, 0);
    const char *top = NULL;
    size_t toplen = 0;
    for (zip_int64_t i = 0; i < n; i++) {
        const char *name = zip_get_name(b->zip, (zip_uint64_t)i, 0);
        const char *slash = name != NULL ? strchr(name, '/') : NULL;
        if (slash == NULL) {
            top = NULL;
            break;
        }
        size_t len = (size_t)(slash - name) + 1;
        if (top == NULL) {
            top = name;
            toplen = len;
        } else if (len != toplen || memcmp(top, name, len) != 0) {
            top = NULL;
            break;
        }
    }
    if (top == NULL) {
        CM_FAIL(cm_error_set_at(err, CM_EPARSE, path, 0, 0,
                                "expected 'file_parameters.json' at the root of the zip or in its "
                                "single top folder, found neither"));
    }
    b->prefix = cm_malloc(toplen + 1);
    CM_NOMEM(b->prefix, err);
    memcpy(b->prefix, top, toplen);
    b->prefix[toplen] = '\0';
    {
        int has = 0;
        CM_TRY(box_has(b, "file_parameters.json", &has, err));
        if (!has) {
            CM_FAIL(box_missing(b, "file_parameters.json", err));
        }
    }
cleanup:
    if (rc != CM_OK) {
        box_close(b);
    }
    return rc;
}

/* A whole small file (JSON) as a NUL-terminated buffer. */
static cm_error_t box_read_all(const box_t *b, const char *rel, char **out, size_t *len,
                               cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    char *shown = NULL, *loc = NULL, *data = NULL;
    zip_file_t *zf = NULL;
    *out = NULL;
    CM_TRY(box_names(b, rel, &shown, &loc, err));
    if (b->zip == NULL) {
        int has = 0;
        CM_TRY(box_has(b, rel, &has, err));
        if (!has) {
            CM_FAIL(box_missing(b, rel, err));
        }
        CM_TRY(cm_file_read_all(loc, MAX_SMALL_FILE, out, len, err));
    } else {
        zip_stat_t zs;
        zip_int64_t idx = zip_name_locate(b->zip, loc, 0);
        if (idx < 0) {
            CM_FAIL(box_missing(b, rel, err));
        }
        if (zip_stat_index(b->zip, (zip_uint64_t)idx, 0, &zs) != 0 ||
            !(zs.valid & ZIP_STAT_SIZE)) {
            CM_FAIL(cm_error_set(err, CM_EFILE, "cannot read '%s': %s", shown,
                                 zip_strerror(b->zip)));
        }
        if (zs.size > MAX_SMALL_FILE) {
            CM_FAIL(cm_error_set(err, CM_EOVERFLOW, "'%s' is larger than %zu bytes", shown,
                                 MAX_SMALL_FILE));
        }
        data = cm_malloc((size_t)zs.size + 1);
        CM_NOMEM(data, err);
        zf = zip_fopen_index(b->zip, (zip_uint64_t)idx, 0);
        if (zf == NULL) {
            CM_FAIL(cm_error_set(err, CM_EFILE, "cannot read '%s': %s", shown,
                                 zip_strerror(b->zip)));
        }
        zip_int64_t got = zip_fread(zf, data, zs.size);
        if (got < 0 || (zip_uint64_t)got != zs.size) {
            CM_FAIL(cm_error_set(err, CM_EFILE, "cannot read '%s': %s", shown,
                                 zip_file_strerror(zf)));
        }
        data[zs.size] = '\0';
        if (len != NULL) {
            *len = (size_t)zs.size;
        }
        *out = data;
        data = NULL;
    }
cleanup:
    if (zf != NULL) {
        zip_fclose(zf);
    }
    cm_free(data);
    cm_free(shown);
    cm_free(loc);
    return rc;
}

/* ---------------------------------------------------------------------------------------- */
/* A line reader over large blocks.                                                           */

typedef struct src_t {
    int fd;          /* -1 unless a folder's file */
    zip_file_t *zf;  /* NULL unless a zip entry */
    char *name;      /* for messages; owned */
    char *buf;
    size_t cap, beg, end, prev_beg;
    int eof;
    size_t line;     /* 1-based number of the line last returned */
} src_t;

static void src_close(src_t *s)
{
    if (s->fd >= 0) {
        close(s->fd);
    }
    if (s->zf != NULL) {
        zip_fclose(s->zf);
    }
    cm_free(s->name);
    cm_free(s->buf);
    memset(s, 0, sizeof *s);
    s->fd = -1;
}

static cm_error_t src_open(const box_t *b, const char *rel, src_t *s, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    char *loc = NULL;
    memset(s, 0, sizeof *s);
    s->fd = -1;
    CM_TRY(box_names(b, rel, &s->name, &loc, err));
    if (b->zip == NULL) {
        s->fd = open(loc, O_RDONLY | O_CLOEXEC);
        if (s->fd < 0) {
            CM_FAIL(cm_error_set(err, CM_EFILE, "cannot open '%s': %s", s->name,
                                 strerror(errno)));
        }
    } else {
        zip_int64_t idx = zip_name_locate(b->zip, loc, 0);
        if (idx < 0) {
            CM_FAIL(box_missing(b, rel, err));
        }
        s->zf = zip_fopen_index(b->zip, (zip_uint64_t)idx, 0);
        if (s->zf == NULL) {
            CM_FAIL(cm_error_set(err, CM_EFILE, "cannot read '%s': %s", s->name,
                                 zip_strerror(b->zip)));
        }
    }
    s->buf = cm_malloc(BLOCK_BYTES);
    CM_NOMEM(s->buf, err);
    s->cap = BLOCK_BYTES;
cleanup:
    cm_free(loc);
    if (rc != CM_OK) {
        src_close(s);
    }
    return rc;
}

static cm_error_t src_fill(src_t *s, cm_error_info_t *err)
{
    if (s->beg > 0) {
        memmove(s->buf, s->buf + s->beg, s->end - s->beg);
        s->end -= s->beg;
        s->prev_beg = 0;
        s->beg = 0;
    }
    if (s->end == s->cap) {
        if (s->cap >= MAX_LINE_BYTES) {
            return cm_error_set_at(err, CM_EOVERFLOW, s->name, s->line + 1, 0,
                                   "expected lines shorter than %zu bytes", MAX_LINE_BYTES);
        }
        char *nb = cm_realloc(s->buf, s->cap * 2);
        if (nb == NULL) {
            return cm_error_set(err, CM_ENOMEM, "out of memory reading '%s'", s->name);
        }
        s->buf = nb;
        s->cap *= 2;
    }
    size_t room = s->cap - s->end;
    if (s->zf != NULL) {
        zip_int64_t got = zip_fread(s->zf, s->buf + s->end, room);
        if (got < 0) {
            return cm_error_set(err, CM_EFILE, "cannot read '%s': %s", s->name,
                                zip_file_strerror(s->zf));
        }
        s->eof = (got == 0);
        s->end += (size_t)got;
    } else {
        ssize_t got;
        do {
            got = read(s->fd, s->buf + s->end, room);
        } while (got < 0 && errno == EINTR);
        if (got < 0) {
            return cm_error_set(err, CM_EFILE, "cannot read '%s': %s", s->name,
                                strerror(errno));
        }
        s->eof = (got == 0);
        s->end += (size_t)got;
    }
    return CM_OK;
}

/* The next line (without "\n" or "\r\n"): *more = 0 at the end of the file. The line stays
 * valid until the next call. */
static cm_error_t src_line(src_t *s, const char **line, size_t *len, int *more,
                           cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    size_t scanned = 0;
    for (;;) {
        char *start = s->buf + s->beg;
        char *nl = memchr(start + scanned, '\n', s->end - s->beg - scanned);
        if (nl != NULL || (s->eof && s->beg < s->end)) {
            size_t n = nl != NULL ? (size_t)(nl - start) : s->end - s->beg;
            s->prev_beg = s->beg;
            s->beg += n + (nl != NULL);
            if (n > 0 && start[n - 1] == '\r') {
                n--;
            }
            *line = start;
            *len = n;
            *more = 1;
            s->line++;
            return CM_OK;
        }
        if (s->eof) {
            *more = 0;
            return CM_OK;
        }
        scanned = s->end - s->beg;
        CM_TRY(src_fill(s, err));
    }
cleanup:
    return rc;
}

/* Give the line last returned back (read again by the next src_line). */
static void src_unread(src_t *s)
{
    s->beg = s->prev_beg;
    s->line--;
}

/* ---------------------------------------------------------------------------------------- */
/* Cells.                                                                                     */

typedef struct cur_t {
    const char *p, *end;
    int done;
    size_t col; /* 1-based number of the cell last returned */
} cur_t;

static void cur_init(cur_t *c, const char *line, size_t len)
{
    c->p = line;
    c->end = line + len;
    c->done = 0;
    c->col = 0;
}

/* The next cell, unquoted when pandas quoted it ("a""b" -> a"b, into scratch). 0 when none. */
static int cur_next(cur_t *c, cm_i_buf_t *scratch, const char **cell, size_t *clen,
                    cm_error_t *rc)
{
    if (c->done) {
        return 0;
    }
    c->col++;
    if (c->p < c->end && *c->p == '"' && scratch != NULL) {
        const char *q = c->p + 1;
        cm_i_buf_reset(scratch);
        while (q < c->end) {
            if (*q == '"') {
                if (q + 1 < c->end && q[1] == '"') {
                    q += 2;
                    if ((*rc = cm_i_buf_append(scratch, "\"", 1)) != CM_OK) {
                        return 0;
                    }
                    continue;
                }
                break;
            }
            const char *r = q;
            while (r < c->end && *r != '"') {
                r++;
            }
            if ((*rc = cm_i_buf_append(scratch, q, (size_t)(r - q))) != CM_OK) {
                return 0;
            }
            q = r;
        }
        if ((*rc = cm_i_buf_append(scratch, "", 0)) != CM_OK) {
            return 0;
        }
        *cell = scratch->data != NULL ? scratch->data : "";
        *clen = scratch->len;
        q = q < c->end ? q + 1 : q; /* the closing quote */
        const char *t = memchr(q, '\t', (size_t)(c->end - q));
        c->p = t != NULL ? t + 1 : c->end;
        c->done = (t == NULL);
        return 1;
    }
    const char *t = memchr(c->p, '\t', (size_t)(c->end - c->p));
    *cell = c->p;
    *clen = t != NULL ? (size_t)(t - c->p) : (size_t)(c->end - c->p);
    c->p = t != NULL ? t + 1 : c->end;
    c->done = (t == NULL);
    return 1;
}

static int cell_is(const char *cell, size_t len, const char *want)
{
    return strlen(want) == len && memcmp(cell, want, len) == 0;
}

static char *cell_dup(const char *cell, size_t len)
{
    char *s = cm_malloc(len + 1);
    if (s != NULL) {
        memcpy(s, cell, len);
        s[len] = '\0';
    }
    return s;
}

/* Append a copy of text[0, len) to the growable string vector (*v, *cnt, *cap); the vector
 * doubles from \p first. */
static cm_error_t strvec_push(char ***v, size_t *cnt, size_t *cap, size_t first,
                              const char *text, size_t len, cm_error_info_t *err)
{
    if (*cnt == *cap) {
        size_t nc = *cap == 0 ? first : *cap * 2;
        char **nv = cm_realloc_array(*v, nc, sizeof *nv);
        if (nv == NULL) {
            return cm_error_set(err, CM_ENOMEM, "out of memory");
        }
        *v = nv;
        *cap = nc;
    }
    (*v)[*cnt] = cell_dup(text, len);
    if ((*v)[*cnt] == NULL) {
        return cm_error_set(err, CM_ENOMEM, "out of memory");
    }
    (*cnt)++;
    return CM_OK;
}

/* A cell quoted for a message (at most 60 bytes). */
static void cell_quote(char *dst, size_t n, const char *cell, size_t len)
{
    size_t k = len < 60 ? len : 60;
    size_t j = 0;
    for (size_t i = 0; i < k && j + 4 < n; i++) {
        unsigned char ch = (unsigned char)cell[i];
        dst[j++] = (ch < 32 || ch == 127) ? '?' : (char)ch;
    }
    if (len > k && j + 4 < n) {
        memcpy(dst + j, "...", 3);
        j += 3;
    }
    dst[j] = '\0';
}

static void free_strings(char **v, size_t n)
{
    for (size_t i = 0; v != NULL && i < n; i++) {
        cm_free(v[i]);
    }
    cm_free(v);
}

/* ---------------------------------------------------------------------------------------- */
/* Headers.                                                                                   */

typedef struct hdr_t {
    size_t nidx, nhdr, ncol;
    char **levels;    /* nhdr level names */
    char **cols;      /* nhdr * ncol labels, level-major */
    char **idx_names; /* nidx (empty strings when the file has none) */
    size_t col_line;  /* line of the last header row */
} hdr_t;

static void hdr_free(hdr_t *h)
{
    free_strings(h->levels, h->nhdr);
    free_strings(h->cols, h->nhdr * h->ncol);
    free_strings(h->idx_names, h->nidx);
    memset(h, 0, sizeof *h);
}

/* Split one header line into cells (all copied). */
static cm_error_t split_line(const char *line, size_t len, cm_i_buf_t *scratch, char ***out,
                             size_t *n, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    char **v = NULL;
    size_t cnt = 0, cap = 0;
    cur_t c;
    const char *cell;
    size_t clen;
    cur_init(&c, line, len);
    while (cur_next(&c, scratch, &cell, &clen, &rc)) {
        CM_TRY(strvec_push(&v, &cnt, &cap, 64, cell, clen, err));
    }
    if (rc != CM_OK) {
        CM_FAIL(cm_error_set(err, rc, "out of memory"));
    }
    *out = v;
    *n = cnt;
    v = NULL;
cleanup:
    free_strings(v, cnt);
    return rc;
}

static cm_error_t read_header(src_t *s, size_t nidx, size_t nhdr, cm_i_buf_t *scratch, hdr_t *h,
                              cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    char **cells = NULL;
    size_t ncells = 0;
    const char *line;
    size_t len;
    int more;
    memset(h, 0, sizeof *h);
    if (nidx == 0 || nhdr == 0 || nidx > 64 || nhdr > 64) {
        return cm_error_set_at(err, CM_EPARSE, s->name, 0, 0,
                               "expected 1 to 64 index columns and header rows, file_parameters "
                               "says %zu and %zu",
                               nidx, nhdr);
    }
    h->nidx = nidx;
    h->idx_names = cm_calloc(nidx, sizeof *h->idx_names);
    CM_NOMEM(h->idx_names, err);
    h->levels = cm_calloc(nhdr, sizeof *h->levels);
    CM_NOMEM(h->levels, err);
    h->nhdr = nhdr;
    for (size_t l = 0; l < nhdr; l++) {
        CM_TRY(src_line(s, &line, &len, &more, err));
        if (!more) {
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, s->name, s->line + 1, 0,
                                    "expected %zu header rows, found %zu", nhdr, l));
        }
        CM_TRY(split_line(line, len, scratch, &cells, &ncells, err));
        size_t first = nhdr == 1 ? nidx : (nidx > 1 ? nidx : 1);
        if (ncells < first) {
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, s->name, s->line, ncells + 1,
                                    "expected %zu index cells and the column labels, found %zu "
                                    "cells",
                                    first, ncells));
        }
        if (l == 0) {
            h->ncol = ncells - first;
            h->cols = cm_calloc(nhdr * (h->ncol > 0 ? h->ncol : 1), sizeof *h->cols);
            CM_NOMEM(h->cols, err);
        } else if (ncells - first != h->ncol) {
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, s->name, s->line, 0,
                                    "expected %zu column labels as on line %zu, found %zu",
                                    h->ncol, s->line - 1, ncells - first));
        }
        if (nhdr == 1) {
            for (size_t k = 0; k < nidx; k++) {
                h->idx_names[k] = cells[k];
                cells[k] = NULL;
            }
            h->levels[0] = cm_strdup("");
            CM_NOMEM(h->levels[0], err);
        } else {
            h->levels[l] = cells[0];
            cells[0] = NULL;
        }
        for (size_t j = 0; j < h->ncol; j++) {
            h->cols[l * h->ncol + j] = cells[first + j];
            cells[first + j] = NULL;
        }
        free_strings(cells, ncells);
        cells = NULL;
    }
    h->col_line = s->line;
    if (nhdr > 1) {
        /* pandas' line of index names: the index cells, then empty cells */
        CM_TRY(src_line(s, &line, &len, &more, err));
        if (more) {
            CM_TRY(split_line(line, len, scratch, &cells, &ncells, err));
            int names = ncells >= nidx && ncells <= nidx + h->ncol;
            for (size_t k = nidx; names && k < ncells; k++) {
                names = cells[k][0] == '\0';
            }
            if (names) {
                for (size_t k = 0; k < nidx; k++) {
                    h->idx_names[k] = cells[k];
                    cells[k] = NULL;
                }
            } else {
                src_unread(s);
            }
            free_strings(cells, ncells);
            cells = NULL;
        }
    }
    for (size_t k = 0; k < nidx; k++) {
        if (h->idx_names[k] == NULL) {
            h->idx_names[k] = cm_strdup("");
            CM_NOMEM(h->idx_names[k], err);
        }
    }
cleanup:
    free_strings(cells, ncells);
    if (rc != CM_OK) {
        hdr_free(h);
    }
    return rc;
}

/* The header's columns must be the axis, level by level. */
static cm_error_t check_cols(const src_t *s, const hdr_t *h, const cm_i_mrio_axis_t *x,
                             cm_error_info_t *err)
{
    char found[80];
    if (h->nhdr != x->nlev || h->ncol != x->n) {
        return cm_error_set_at(err, CM_EPARSE, s->name, h->col_line, 0,
                               "expected %zu header row(s) of %zu column labels, found %zu of %zu",
                               x->nlev, x->n, h->nhdr, h->ncol);
    }
    for (size_t j = 0; j < h->ncol; j++) {
        for (size_t l = 0; l < h->nhdr; l++) {
            const char *want = cm_i_mrio_axis_label(x, j, l);
            const char *got = h->cols[l * h->ncol + j];
            if (strcmp(want, got) != 0) {
                cell_quote(found, sizeof found, got, strlen(got));
                return cm_error_set_at(err, CM_EPARSE, s->name,
                                       h->col_line - (h->nhdr - 1 - l), h->nidx + j + 1,
                                       "expected column label '%s', found '%s'", want, found);
            }
        }
    }
    return CM_OK;
}

/* From a two-level header (outer, inner), the outer labels in order of first appearance and
 * the inner labels of the first outer item; the header must be their full grid, outer-major. */
static cm_error_t grid_from_header(const src_t *s, const hdr_t *h, const char ***outer,
                                   size_t *nouter, const char ***inner, size_t *ninner,
                                   cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    const char **o = NULL;
    size_t n = 0, no = 0;
    *outer = NULL;
    *inner = NULL;
    if (h->nhdr != 2 || h->ncol == 0) {
        return cm_error_set_at(err, CM_EPARSE, s->name, h->col_line, 0,
                               "expected 2 header rows (region and sector or category) with "
                               "labels, found %zu row(s) of %zu labels",
                               h->nhdr, h->ncol);
    }
    const char *first = h->cols[0];
    while (n < h->ncol && strcmp(h->cols[n], first) == 0) {
        n++;
    }
    if (h->ncol % n != 0) {
        CM_FAIL(cm_error_set_at(err, CM_EPARSE, s->name, h->col_line - 1, h->nidx + 1,
                                "expected a full grid: %zu columns are not a multiple of the %zu "
                                "of '%s'",
                                h->ncol, n, first));
    }
    no = h->ncol / n;
    o = cm_calloc(no, sizeof *o);
    CM_NOMEM(o, err);
    for (size_t r = 0; r < no; r++) {
        o[r] = h->cols[r * n];
    }
    {
        cm_i_mrio_axis_t x = cm_i_mrio_axis_grid(o, no, (const char *const *)&h->cols[h->ncol], n);
        CM_TRY(check_cols(s, h, &x, err));
    }
    *outer = o;
    *nouter = no;
    *inner = (const char **)&h->cols[h->ncol];
    *ninner = n;
    o = NULL;
cleanup:
    cm_free(o);
    return rc;
}

/* ---------------------------------------------------------------------------------------- */
/* The numeric body.                                                                          */

enum { BODY_NONNEG = 1 };

/* Parse one row's numbers (after its label cells) into dst[j * cs] for ncol columns. */
static cm_error_t parse_numbers(src_t *s, cur_t *c, size_t ncol, double *dst, size_t cs,
                                unsigned flags, cm_error_info_t *err)
{
    const char *p = c->p, *end = c->end;
    size_t col0 = c->col;
    char found[80];
    for (size_t j = 0; j < ncol; j++) {
        if (c->done) {
            return cm_error_set_at(err, CM_EPARSE, s->name, s->line, col0 + j + 1,
                                   "expected %zu numbers in the row, found %zu", ncol, j);
        }
        const char *t = memchr(p, '\t', (size_t)(end - p));
        const char *ce = t != NULL ? t : end;
        double v;
        cm_i_mrio_num_t st = cm_i_mrio_parse_number(p, (size_t)(ce - p), &v);
        if (st != CM_I_MRIO_NUM_OK) {
            size_t col = col0 + j + 1;
            cell_quote(found, sizeof found, p, (size_t)(ce - p));
            switch (st) {
            case CM_I_MRIO_NUM_NAN:
            case CM_I_MRIO_NUM_EMPTY:
                return cm_error_set_at(err, CM_EPARSE, s->name, s->line, col,
                                       "expected a number, got NaN ('%s')", found);
            case CM_I_MRIO_NUM_INF:
                return cm_error_set_at(err, CM_EPARSE, s->name, s->line, col,
                                       "expected a finite number, got '%s'", found);
            default:
                return cm_error_set_at(err, CM_EPARSE, s->name, s->line, col,
                                       "expected a number, got '%s'", found);
            }
        }
        if ((flags & BODY_NONNEG) && v < 0) {
            cell_quote(found, sizeof found, p, (size_t)(ce - p));
            return cm_error_set_at(err, CM_EPARSE, s->name, s->line, col0 + j + 1,
                                   "expected a non-negative transaction, got '%s'", found);
        }
        dst[j * cs] = v;
        p = t != NULL ? t + 1 : end;
        c->done = (t == NULL);
    }
    if (!c->done) {
        return cm_error_set_at(err, CM_EPARSE, s->name, s->line, col0 + ncol + 1,
                               "expected %zu numbers in the row, found more", ncol);
    }
    return CM_OK;
}

static int blank(const char *line, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (line[i] != ' ' && line[i] != '\t') {
            return 0;
        }
    }
    return 1;
}

/* A body whose rows are known: row i must carry the labels of rows->i; its values go to
 * data[i * rs + j * cs]. */
static cm_error_t read_body_fixed(src_t *s, const hdr_t *h, const cm_i_mrio_axis_t *rows, double *data,
                                  size_t rs, size_t cs, unsigned flags, cm_i_buf_t *scratch,
                                  cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    const char *line, *cell;
    size_t len, clen;
    int more;
    char found[80];
    size_t i = 0;
    for (;;) {
        CM_TRY(src_line(s, &line, &len, &more, err));
        if (!more) {
            break;
        }
        if (blank(line, len)) {
            continue;
        }
        if (i == rows->n) {
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, s->name, s->line, 1,
                                    "expected %zu rows, found more", rows->n));
        }
        cur_t c;
        cur_init(&c, line, len);
        for (size_t k = 0; k < rows->nlev; k++) {
            if (!cur_next(&c, scratch, &cell, &clen, &rc)) {
                if (rc != CM_OK) {
                    CM_FAIL(cm_error_set(err, rc, "out of memory"));
                }
                CM_FAIL(cm_error_set_at(err, CM_EPARSE, s->name, s->line, k + 1,
                                        "expected %zu label cells, found %zu", rows->nlev, k));
            }
            const char *want = cm_i_mrio_axis_label(rows, i, k);
            if (!cell_is(cell, clen, want)) {
                cell_quote(found, sizeof found, cell, clen);
                CM_FAIL(cm_error_set_at(err, CM_EPARSE, s->name, s->line, k + 1,
                                        "expected row label '%s', found '%s'", want, found));
            }
        }
        CM_TRY(parse_numbers(s, &c, h->ncol, data + i * rs, cs, flags, err));
        i++;
    }
    if (i != rows->n) {
        CM_FAIL(cm_error_set_at(err, CM_EPARSE, s->name, s->line + 1, 1,
                                "expected %zu rows, found %zu (next: '%s')", rows->n, i,
                                cm_i_mrio_axis_label(rows, i, 0)));
    }
cleanup:
    return rc;
}

/* A body with rows to discover (stressors): labels (nrow * nidx, row-major) and values
 * (nrow * ncol, row-major). */
typedef struct rows_t {
    size_t n, cap;
    char **labels;
    double *values;
} rows_t;

static void rows_free(rows_t *r, size_t nidx)
{
    free_strings(r->labels, r->n * nidx);
    cm_free(r->values);
    memset(r, 0, sizeof *r);
}

static cm_error_t read_body_rows(src_t *s, const hdr_t *h, rows_t *r, cm_i_buf_t *scratch,
                                 cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    const char *line, *cell;
    size_t len, clen;
    int more;
    memset(r, 0, sizeof *r);
    for (;;) {
        CM_TRY(src_line(s, &line, &len, &more, err));
        if (!more) {
            break;
        }
        if (blank(line, len)) {
            continue;
        }
        if (r->n == r->cap) {
            size_t nc = r->cap == 0 ? 16 : r->cap * 2;
            if (nc > MAX_STRESSORS) {
                CM_FAIL(cm_error_set_at(err, CM_EOVERFLOW, s->name, s->line, 1,
                                        "expected at most %zu rows", MAX_STRESSORS));
            }
            char **nl = cm_realloc_array(r->labels, nc * h->nidx, sizeof *nl);
            CM_NOMEM(nl, err);
            r->labels = nl;
            double *nv = cm_realloc_array(r->values, nc * (h->ncol > 0 ? h->ncol : 1),
                                          sizeof *nv);
            CM_NOMEM(nv, err);
            r->values = nv;
            r->cap = nc;
        }
        cur_t c;
        cur_init(&c, line, len);
        for (size_t k = 0; k < h->nidx; k++) {
            r->labels[r->n * h->nidx + k] = NULL;
        }
        r->n++;
        for (size_t k = 0; k < h->nidx; k++) {
            if (!cur_next(&c, scratch, &cell, &clen, &rc)) {
                if (rc != CM_OK) {
                    CM_FAIL(cm_error_set(err, rc, "out of memory"));
                }
                CM_FAIL(cm_error_set_at(err, CM_EPARSE, s->name, s->line, k + 1,
                                        "expected %zu label cells, found %zu", h->nidx, k));
            }
            char *d = cell_dup(cell, clen);
            CM_NOMEM(d, err);
            r->labels[(r->n - 1) * h->nidx + k] = d;
        }
        CM_TRY(parse_numbers(s, &c, h->ncol, r->values + (r->n - 1) * h->ncol, 1, 0, err));
    }
cleanup:
    return rc;
}

/* ---------------------------------------------------------------------------------------- */
/* file_parameters.json                                                                       */

typedef struct fspec_t {
    const char *name; /* borrowed from the JSON document */
    size_t nidx, nhdr;
} fspec_t;

static int json_count(const json_t *v, size_t *out)
{
    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        *out = (size_t)json_integer_value(v);
        return 1;
    }
    if (json_is_string(v)) {
        const char *t = json_string_value(v);
        char *end = NULL;
        errno = 0;
        long long n = strtoll(t, &end, 10);
        if (end != t && *end == '\0' && errno == 0 && n >= 0) {
            *out = (size_t)n;
            return 1;
        }
    }
    return 0;
}

/* The entry `key` of "files": 0 with *spec zeroed when absent. */
static cm_error_t file_spec(const json_t *params, const char *shown, const char *key,
                            fspec_t *spec, cm_error_info_t *err)
{
    memset(spec, 0, sizeof *spec);
    const json_t *files = json_object_get(params, "files");
    const json_t *f = json_is_object(files) ? json_object_get(files, key) : NULL;
    if (f == NULL) {
        return CM_OK;
    }
    const json_t *name = json_object_get(f, "name");
    if (!json_is_string(name) || !json_count(json_object_get(f, "nr_index_col"), &spec->nidx) ||
        !json_count(json_object_get(f, "nr_header"), &spec->nhdr)) {
        return cm_error_set_at(err, CM_EPARSE, shown, 0, 0,
                               "expected files.%s with a \"name\", \"nr_index_col\" and "
                               "\"nr_header\", found an incomplete entry",
                               key);
    }
    spec->name = json_string_value(name);
    if (strchr(spec->name, '/') != NULL || strcmp(spec->name, "..") == 0) {
        return cm_error_set_at(err, CM_EPARSE, shown, 0, 0,
                               "expected a file name in files.%s, found '%s'", key, spec->name);
    }
    return CM_OK;
}

static cm_error_t load_params(const box_t *b, const char *rel, json_t **out,
                              cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    char *text = NULL, *shown = NULL, *loc = NULL;
    size_t len = 0;
    cm_json_init();
    CM_TRY(box_read_all(b, rel, &text, &len, err));
    CM_TRY(box_names(b, rel, &shown, &loc, err));
    CM_TRY(cm_json_load_buffer(text, len, shown, out, err));
    if (!json_is_object(*out)) {
        json_decref(*out);
        *out = NULL;
        CM_FAIL(cm_error_set_at(err, CM_EPARSE, shown, 1, 1, "expected a JSON object"));
    }
cleanup:
    cm_free(text);
    cm_free(shown);
    cm_free(loc);
    return rc;
}

/* ---------------------------------------------------------------------------------------- */
/* Reading a system.                                                                          */

typedef struct reader_t {
    box_t box;
    cm_i_buf_t scratch;
    const char **regions, **sectors, **cats; /* borrowed from the dims of m */
    cm_mrio_t *m;
} reader_t;

/* Open a table and read its header. */
static cm_error_t open_table(reader_t *rd, const char *dir, const fspec_t *spec, src_t *s,
                             hdr_t *h, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    char *rel = NULL;
    if (dir != NULL) {
        CM_TRY(cm_i_mrio_join_path(dir, "/", spec->name, &rel, err));
    }
    CM_TRY(src_open(&rd->box, rel != NULL ? rel : spec->name, s, err));
    CM_TRY(read_header(s, spec->nidx, spec->nhdr, &rd->scratch, h, err));
cleanup:
    cm_free(rel);
    return rc;
}

cm_error_t cm_i_mrio_codes_of(const cm_dim_t *d, const char ***out, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    size_t n = cm_dim_size(d);
    const char **v = cm_calloc(n > 0 ? n : 1, sizeof *v);
    CM_NOMEM(v, err);
    for (size_t i = 0; i < n; i++) {
        v[i] = cm_dim_code(d, i);
    }
    *out = v;
cleanup:
    return rc;
}

/* The unit column of unit.txt: rows must be `rows`; *uniform gets the unit when all agree. */
static cm_error_t read_units(reader_t *rd, const char *dir, const fspec_t *spec,
                             const cm_i_mrio_axis_t *rows, char **units, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    src_t s;
    hdr_t h;
    const char *line, *cell;
    size_t len, clen;
    int more;
    char found[80];
    size_t i = 0;
    memset(&h, 0, sizeof h);
    memset(&s, 0, sizeof s);
    s.fd = -1;
    CM_TRY(open_table(rd, dir, spec, &s, &h, err));
    if (h.nidx != rows->nlev || h.ncol != 1) {
        CM_FAIL(cm_error_set_at(err, CM_EPARSE, s.name, h.col_line, 0,
                                "expected %zu index columns and one unit column, found %zu and %zu",
                                rows->nlev, h.nidx, h.ncol));
    }
    for (;;) {
        CM_TRY(src_line(&s, &line, &len, &more, err));
        if (!more || i == rows->n) {
            break;
        }
        if (blank(line, len)) {
            continue;
        }
        cur_t c;
        cur_init(&c, line, len);
        for (size_t k = 0; k <= rows->nlev; k++) {
            if (!cur_next(&c, &rd->scratch, &cell, &clen, &rc)) {
                if (rc != CM_OK) {
                    CM_FAIL(cm_error_set(err, rc, "out of memory"));
                }
                CM_FAIL(cm_error_set_at(err, CM_EPARSE, s.name, s.line, k + 1,
                                        "expected %zu label cells and a unit, found %zu",
                                        rows->nlev, k));
            }
            if (k < rows->nlev && !cell_is(cell, clen, cm_i_mrio_axis_label(rows, i, k))) {
                cell_quote(found, sizeof found, cell, clen);
                CM_FAIL(cm_error_set_at(err, CM_EPARSE, s.name, s.line, k + 1,
                                        "expected row label '%s', found '%s'",
                                        cm_i_mrio_axis_label(rows, i, k), found));
            }
            if (k == rows->nlev) {
                units[i] = cell_dup(cell, clen);
                CM_NOMEM(units[i], err);
            }
        }
        i++;
    }
    if (i != rows->n) {
        CM_FAIL(cm_error_set_at(err, CM_EPARSE, s.name, s.line + 1, 1,
                                "expected %zu unit rows, found %zu", rows->n, i));
    }
cleanup:
    hdr_free(&h);
    src_close(&s);
    return rc;
}

static cm_error_t read_system_units(reader_t *rd, const fspec_t *spec, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_mrio_t *m = rd->m;
    size_t N = m->n_regions * m->n_sectors;
    char **units = cm_calloc(N, sizeof *units);
    CM_NOMEM(units, err);
    cm_i_mrio_axis_t rows = cm_i_mrio_axis_grid(rd->regions, m->n_regions, rd->sectors, m->n_sectors);
    CM_TRY(read_units(rd, NULL, spec, &rows, units, err));
    int uniform = 1;
    for (size_t i = 1; i < N; i++) {
        uniform &= strcmp(units[i], units[0]) == 0;
    }
    if (uniform) {
        m->unit_row = units[0];
        units[0] = NULL;
    } else {
        cm_log(CM_LOG_WARNING, "%s/%s: the units of the rows differ ('%s', '%s', ...): no unit "
               "kept", rd->box.path, spec->name, units[0], units[N - 1]);
    }
cleanup:
    free_strings(units, N);
    return rc;
}

static cm_error_t read_population(reader_t *rd, const fspec_t *spec, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_mrio_t *m = rd->m;
    src_t s;
    hdr_t h;
    rows_t r;
    memset(&h, 0, sizeof h);
    memset(&r, 0, sizeof r);
    memset(&s, 0, sizeof s);
    s.fd = -1;
    CM_TRY(open_table(rd, NULL, spec, &s, &h, err));
    {
        cm_i_mrio_axis_t cols = cm_i_mrio_axis_list(rd->regions, m->n_regions, 1);
        CM_TRY(check_cols(&s, &h, &cols, err));
    }
    CM_TRY(read_body_rows(&s, &h, &r, &rd->scratch, err));
    if (r.n != 1) {
        CM_FAIL(cm_error_set_at(err, CM_EPARSE, s.name, s.line, 1,
                                "expected one row of population, found %zu", r.n));
    }
    CM_TRY(cm_array_init_dims(&m->population, 1, &m->dims[CM_MRIO_REGION_TO], "1", err));
    memcpy(m->population.data, r.values, m->n_regions * sizeof *r.values);
cleanup:
    rows_free(&r, h.nidx);
    hdr_free(&h);
    src_close(&s);
    return rc;
}

static cm_error_t read_metadata(reader_t *rd, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    char *text = NULL, *shown = NULL, *loc = NULL;
    size_t len = 0;
    json_t *j = NULL;
    int has = 0;
    CM_TRY(box_has(&rd->box, "metadata.json", &has, err));
    if (!has) {
        return CM_OK;
    }
    CM_TRY(box_read_all(&rd->box, "metadata.json", &text, &len, err));
    CM_TRY(box_names(&rd->box, "metadata.json", &shown, &loc, err));
    CM_TRY(cm_json_load_buffer(text, len, shown, &j, err));
    const json_t *name = json_is_object(j) ? json_object_get(j, "name") : NULL;
    if (json_is_string(name)) {
        rd->m->name = cm_strdup(json_string_value(name));
        CM_NOMEM(rd->m->name, err);
    }
    rd->m->meta_json = text;
    text = NULL;
cleanup:
    json_decref(j);
    cm_free(text);
    cm_free(shown);
    cm_free(loc);
    return rc;
}

/* One extension folder. */
static cm_error_t read_extension(reader_t *rd, const char *dir, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_mrio_t *m = rd->m;
    size_t N = m->n_regions * m->n_sectors, RC = m->n_regions * m->n_categories;
    json_t *params = NULL;
    char *rel = NULL;
    src_t s;
    hdr_t h, hy;
    rows_t r;
    double *fy = NULL;
    char **units = NULL;
    size_t nst = 0;
    fspec_t fs, fys, us;
    memset(&h, 0, sizeof h);
    memset(&hy, 0, sizeof hy);
    memset(&r, 0, sizeof r);
    memset(&s, 0, sizeof s);
    s.fd = -1;
    CM_TRY(cm_i_mrio_join_path(dir, "/", "file_parameters.json", &rel, err));
    CM_TRY(load_params(&rd->box, rel, &params, err));
    CM_TRY(file_spec(params, rel, "F", &fs, err));
    CM_TRY(file_spec(params, rel, "F_Y", &fys, err));
    CM_TRY(file_spec(params, rel, "unit", &us, err));
    if (fs.name == NULL) {
        CM_FAIL(cm_error_set_at(err, CM_EPARSE, rel, 0, 0,
                                "expected files.F in the extension's parameters, found none"));
    }
    /* F */
    CM_TRY(open_table(rd, dir, &fs, &s, &h, err));
    {
        cm_i_mrio_axis_t cols = cm_i_mrio_axis_grid(rd->regions, m->n_regions, rd->sectors, m->n_sectors);
        CM_TRY(check_cols(&s, &h, &cols, err));
    }
    CM_TRY(read_body_rows(&s, &h, &r, &rd->scratch, err));
    nst = r.n;
    if (nst == 0) {
        CM_FAIL(cm_error_set_at(err, CM_EPARSE, s.name, s.line, 1,
                                "expected at least one stressor row, found none"));
    }
    src_close(&s);
    cm_i_mrio_axis_t rows = cm_i_mrio_axis_list((const char *const *)r.labels, nst, h.nidx);
    /* F_Y */
    if (fys.name != NULL) {
        fy = cm_malloc_array(nst * (RC > 0 ? RC : 1), sizeof *fy);
        CM_NOMEM(fy, err);
        CM_TRY(open_table(rd, dir, &fys, &s, &hy, err));
        cm_i_mrio_axis_t cols = cm_i_mrio_axis_grid(rd->regions, m->n_regions, rd->cats, m->n_categories);
        CM_TRY(check_cols(&s, &hy, &cols, err));
        if (hy.nidx != h.nidx) {
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, s.name, hy.col_line, 0,
                                    "expected %zu index columns as in F, found %zu", h.nidx,
                                    hy.nidx));
        }
        /* row-major like F's values: row i at fy + i*RC */
        CM_TRY(read_body_fixed(&s, &hy, &rows, fy, RC, 1, 0, &rd->scratch, err));
        src_close(&s);
    }
    /* units */
    units = cm_calloc(nst, sizeof *units);
    CM_NOMEM(units, err);
    if (us.name != NULL) {
        CM_TRY(read_units(rd, dir, &us, &rows, units, err));
    } else {
        for (size_t i = 0; i < nst; i++) {
            units[i] = cm_strdup("");
            CM_NOMEM(units[i], err);
        }
    }
    {
        cm_mrio_ext_t *e = NULL;
        CM_TRY(cm_mrio_add_ext(m, dir, h.nidx, (const char *const *)h.idx_names, nst,
                               (const char *const *)r.labels, (const char *const *)units,
                               fy != NULL, &e, err));
        const json_t *title = json_object_get(params, "name");
        if (json_is_string(title)) {
            e->title = cm_strdup(json_string_value(title));
            CM_NOMEM(e->title, err);
        }
        for (size_t i = 0; i < nst; i++) {
            for (size_t j = 0; j < N; j++) {
                e->F.data[i + nst * j] = r.values[i * N + j];
            }
            for (size_t j = 0; fy != NULL && j < RC; j++) {
                e->F_Y.data[i + nst * j] = fy[i * RC + j];
            }
        }
    }
cleanup:
    free_strings(units, nst);
    cm_free(fy);
    rows_free(&r, h.nidx);
    hdr_free(&h);
    hdr_free(&hy);
    src_close(&s);
    json_decref(params);
    cm_free(rel);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Does dir hold an extension (a file_parameters.json with "systemtype": "Extension")? */
static cm_error_t is_extension(const box_t *b, const char *dir, int *yes, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    char *rel = NULL;
    json_t *p = NULL;
    int has = 0;
    *yes = 0;
    CM_TRY(cm_i_mrio_join_path(dir, "/", "file_parameters.json", &rel, err));
    CM_TRY(box_has(b, rel, &has, err));
    if (has) {
        CM_TRY(load_params(b, rel, &p, err));
        const json_t *t = json_object_get(p, "systemtype");
        *yes = json_is_string(t) && strcmp(json_string_value(t), "Extension") == 0;
    }
cleanup:
    json_decref(p);
    cm_free(rel);
    return rc;
}

/* The sub-folders that hold an extension, sorted. */
static cm_error_t list_extensions(const box_t *b, char ***out, size_t *n, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    char **v = NULL;
    size_t cnt = 0, cap = 0;
    DIR *d = NULL;
    const char *fp = "/file_parameters.json";
    size_t fplen = strlen(fp);
    size_t plen = strlen(b->prefix);
    zip_int64_t nz = b->zip != NULL ? zip_get_num_entries(b->zip, 0) : 0;
    if (b->zip == NULL) {
        d = opendir(b->path);
        if (d == NULL) {
            return cm_error_set(err, CM_EFILE, "cannot list '%s': %s", b->path, strerror(errno));
        }
    }
    for (zip_int64_t zi = 0;; zi++) {
        const char *name = NULL;
        size_t nlen = 0;
        if (d != NULL) {
            struct dirent *de = readdir(d);
            if (de == NULL) {
                break;
            }
            if (de->d_name[0] == '.') {
                continue;
            }
            name = de->d_name;
            nlen = strlen(name);
        } else {
            if (zi >= nz) {
                break;
            }
            const char *en = zip_get_name(b->zip, (zip_uint64_t)zi, 0);
            size_t elen = en != NULL ? strlen(en) : 0;
            if (elen <= plen + fplen || memcmp(en, b->prefix, plen) != 0 ||
                strcmp(en + elen - fplen, fp) != 0) {
                continue;
            }
            name = en + plen;
            nlen = elen - plen - fplen;
            if (memchr(name, '/', nlen) != NULL || name[0] == '.') {
                continue;
            }
        }
        CM_TRY(strvec_push(&v, &cnt, &cap, 8, name, nlen, err));
        int yes = 0;
        CM_TRY(is_extension(b, v[cnt - 1], &yes, err));
        if (!yes) {
            cm_free(v[--cnt]);
        }
    }
    if (cnt > 1) {
        qsort(v, cnt, sizeof *v, cmp_str);
    }
    *out = v;
    *n = cnt;
    v = NULL;
cleanup:
    if (d != NULL) {
        closedir(d);
    }
    free_strings(v, cnt);
    return rc;
}

cm_error_t cm_mrio_read(const char *path, cm_mrio_t *m, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    reader_t rd;
    json_t *params = NULL;
    src_t zs, ys;
    hdr_t zh, yh;
    const char **regions = NULL, **sectors = NULL, **yregions = NULL, **cats = NULL;
    size_t nreg = 0, nsec = 0, nyreg = 0, ncat = 0;
    char **exts = NULL;
    size_t n_ext = 0;
    fspec_t zsp, ysp, xsp, usp, psp;
    memset(&rd, 0, sizeof rd);
    memset(&zh, 0, sizeof zh);
    memset(&yh, 0, sizeof yh);
    memset(&zs, 0, sizeof zs);
    memset(&ys, 0, sizeof ys);
    zs.fd = ys.fd = -1;
    rd.scratch.max = (size_t)1 << 20;
    if (path == NULL || m == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_mrio_read: NULL argument");
    }
    memset(m, 0, sizeof *m);
    rd.m = m;
    cm_json_init();
    CM_TRY(box_open(path, &rd.box, err));
    CM_TRY(load_params(&rd.box, "file_parameters.json", &params, err));
    CM_TRY(file_spec(params, "file_parameters.json", "Z", &zsp, err));
    CM_TRY(file_spec(params, "file_parameters.json", "Y", &ysp, err));
    CM_TRY(file_spec(params, "file_parameters.json", "x", &xsp, err));
    CM_TRY(file_spec(params, "file_parameters.json", "unit", &usp, err));
    CM_TRY(file_spec(params, "file_parameters.json", "population", &psp, err));
    if (zsp.name == NULL || ysp.name == NULL) {
        CM_FAIL(cm_error_set_at(err, CM_EPARSE, path, 0, 0,
                                "expected files.Z and files.Y in file_parameters.json, found %s",
                                zsp.name == NULL ? "no Z" : "no Y"));
    }
    /* headers of Z and Y give the regions, sectors and categories */
    CM_TRY(open_table(&rd, NULL, &zsp, &zs, &zh, err));
    CM_TRY(grid_from_header(&zs, &zh, &regions, &nreg, &sectors, &nsec, err));
    CM_TRY(open_table(&rd, NULL, &ysp, &ys, &yh, err));
    CM_TRY(grid_from_header(&ys, &yh, &yregions, &nyreg, &cats, &ncat, err));
    if (zh.nidx != 2 || yh.nidx != 2) {
        CM_FAIL(cm_error_set_at(err, CM_EPARSE, zh.nidx != 2 ? zs.name : ys.name, 0, 0,
                                "expected 2 index columns (region, sector), found %zu",
                                zh.nidx != 2 ? zh.nidx : yh.nidx));
    }
    {
        cm_i_mrio_axis_t ycols = cm_i_mrio_axis_grid(regions, nreg, cats, ncat);
        CM_TRY(check_cols(&ys, &yh, &ycols, err));
    }
    CM_TRY(cm_mrio_init(m, nreg, regions, nsec, sectors, ncat, cats, err));
    CM_TRY(cm_i_mrio_codes_of(m->dims[CM_MRIO_REGION], &rd.regions, err));
    CM_TRY(cm_i_mrio_codes_of(m->dims[CM_MRIO_SECTOR], &rd.sectors, err));
    CM_TRY(cm_i_mrio_codes_of(m->dims[CM_MRIO_CATEGORY], &rd.cats, err));
    {
        size_t N = nreg * nsec;
        cm_i_mrio_axis_t rows = cm_i_mrio_axis_grid(rd.regions, nreg, rd.sectors, nsec);
        CM_TRY(read_body_fixed(&zs, &zh, &rows, m->Z.data, 1, N, BODY_NONNEG, &rd.scratch, err));
        src_close(&zs);
        CM_TRY(read_body_fixed(&ys, &yh, &rows, m->Y.data, 1, N, 0, &rd.scratch, err));
        src_close(&ys);
        hdr_free(&zh);
        hdr_free(&yh);
        if (xsp.name != NULL) {
            CM_TRY(open_table(&rd, NULL, &xsp, &zs, &zh, err));
            if (zh.nidx != 2 || zh.ncol != 1) {
                CM_FAIL(cm_error_set_at(err, CM_EPARSE, zs.name, zh.col_line, 0,
                                        "expected 2 index columns and one column of output, "
                                        "found %zu and %zu",
                                        zh.nidx, zh.ncol));
            }
            CM_TRY(read_body_fixed(&zs, &zh, &rows, m->x.data, 1, N, 0, &rd.scratch, err));
            src_close(&zs);
            hdr_free(&zh);
        }
    }
    if (usp.name != NULL) {
        CM_TRY(read_system_units(&rd, &usp, err));
    }
    if (psp.name != NULL) {
        CM_TRY(read_population(&rd, &psp, err));
    }
    CM_TRY(read_metadata(&rd, err));
    CM_TRY(list_extensions(&rd.box, &exts, &n_ext, err));
    for (size_t i = 0; i < n_ext; i++) {
        CM_TRY(read_extension(&rd, exts[i], err));
    }
cleanup:
    free_strings(exts, n_ext);
    cm_free(regions);
    cm_free(yregions);
    cm_free(rd.regions);
    cm_free(rd.sectors);
    cm_free(rd.cats);
    hdr_free(&zh);
    hdr_free(&yh);
    src_close(&zs);
    src_close(&ys);
    json_decref(params);
    cm_i_buf_free(&rd.scratch);
    box_close(&rd.box);
    if (rc != CM_OK) {
        cm_mrio_destroy(m);
    }
    return rc;
}


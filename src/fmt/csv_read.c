/* CSV/TSV reading through libcsv: encodings, line tracking, bounded records, streaming. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <csv.h>

#include "cambium/cm_csv.h"
#include "fmt_internal.h"

#define CSV_DEFAULT_MAX_RECORD ((size_t)512 * 1024)
#define CSV_PIECE ((size_t)64 * 1024)   /* most bytes handed to libcsv at once */
#define CSV_CHUNK ((size_t)256 * 1024)  /* file read size */

typedef struct reader_t {
    cm_csv_options_t o;
    const char *name;
    cm_csv_row_fn *fn;
    void *ud;
    cm_csv_stats_t *st;
    cm_error_info_t *err;
    cm_error_t rc;
    int conv1252;   /* convert fields from Windows-1252 */
    int check_utf8; /* reject invalid UTF-8 fields */
    struct csv_parser p;
    int p_inited;
    cm_i_buf_t text;      /* field texts of the current record, each NUL-terminated */
    cm_i_buf_t conv;      /* scratch for conversion */
    size_t *offs;         /* per field: offset in text */
    size_t *lens;         /* per field: byte length */
    const char **ptrs;    /* per field: built when the record is delivered */
    size_t cap;           /* capacity of offs/lens/ptrs */
    size_t nf;            /* fields in the current record */
    int64_t line;         /* physical line of the bytes being fed (1-based) */
    int64_t rec_line;     /* line where the current record starts */
    int64_t field_line;   /* line of the last field separator of the current record */
    int between;          /* no content of a record seen since the last record ended */
    int at_line_start;    /* the next byte fed starts a physical line */
    int row_ended;        /* a record ended during the current piece */
    size_t rec_bytes;     /* raw bytes of the current record fed before the current piece */
    size_t piece_len;     /* bytes of the current piece, line terminator excluded */
    size_t header_nf;
    int line_has_bytes;
} reader_t;

void cm_csv_options_default(cm_csv_options_t *opt)
{
    if (opt == NULL) {
        return;
    }
    memset(opt, 0, sizeof *opt);
    opt->separator = 0;
    opt->encoding = CM_ENC_AUTO;
    opt->strict_fields = 1;
    opt->skip_blank_lines = 1;
    opt->max_record_bytes = CSV_DEFAULT_MAX_RECORD;
    opt->max_records = 0;
}

static cm_error_t fail_at(reader_t *r, cm_error_t code, int64_t line, int64_t col,
                          const char *fmt, ...) CM_PRINTF(5, 6);

static cm_error_t fail_at(reader_t *r, cm_error_t code, int64_t line, int64_t col,
                          const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cm_error_vset_at(r->err, code, r->name, line, col, fmt, ap);
    va_end(ap);
    r->rc = code;
    return code;
}

static int is_blank_byte(const reader_t *r, unsigned char c)
{
    return c == ' ' || c == '\r' || c == '\n' || (c == '\t' && r->o.separator != '\t');
}

static cm_error_t grow_fields(reader_t *r)
{
    size_t ncap = r->cap ? r->cap * 2 : 16;
    size_t *no = cm_realloc_array(r->offs, ncap, sizeof *no);
    if (no == NULL) {
        return CM_ENOMEM;
    }
    r->offs = no;
    size_t *nl = cm_realloc_array(r->lens, ncap, sizeof *nl);
    if (nl == NULL) {
        return CM_ENOMEM;
    }
    r->lens = nl;
    const char **np = cm_realloc_array(r->ptrs, ncap, sizeof *np);
    if (np == NULL) {
        return CM_ENOMEM;
    }
    r->ptrs = np;
    r->cap = ncap;
    return CM_OK;
}

static void on_field(void *s, size_t len, void *data)
{
    reader_t *r = data;
    const char *txt = s != NULL ? (const char *)s : "";
    cm_error_t rc;

    if (r->rc != CM_OK) {
        return;
    }
    if (s == NULL) {
        len = 0;
    }
    if (r->between) {
        r->between = 0;
        r->rec_line = r->line;
    }
    int64_t start_line = r->nf == 0 ? r->rec_line : r->field_line;
    if (r->nf == r->cap && grow_fields(r) != CM_OK) {
        fail_at(r, CM_ENOMEM, r->rec_line, 0, "out of memory reading a record");
        return;
    }
    size_t off = r->text.len;
    int high = 0;
    if (r->conv1252 || r->check_utf8) {
        for (size_t i = 0; i < len; i++) {
            if ((unsigned char)txt[i] >= 0x80) {
                high = 1;
                break;
            }
        }
    }
    if (high && r->check_utf8) {
        int truncated;
        size_t ok = cm_i_utf8_scan((const unsigned char *)txt, len, &truncated);
        if (ok < len) {
            int64_t line = start_line;
            for (size_t i = 0; i < ok; i++) {
                line += txt[i] == '\n';
            }
            fail_at(r, CM_EPARSE, line, (int64_t)r->nf + 1,
                    "invalid UTF-8 (byte 0x%02X at offset %zu of field %zu); expected UTF-8 text "
                    "(read it as Windows-1252 with the encoding option if it is not UTF-8)",
                    (unsigned)(unsigned char)txt[ok], ok + 1, r->nf + 1);
            return;
        }
    }
    if (high && r->conv1252) {
        rc = cm_i_cp1252_append(&r->text, (const unsigned char *)txt, len);
        r->st->converted_fields++;
        if (rc == CM_OK) {
            rc = cm_i_buf_append(&r->text, "", 1); /* keep the NUL inside the buffer */
        }
    } else if (s != NULL) {
        rc = cm_i_buf_append(&r->text, txt, len + 1); /* CSV_APPEND_NULL: txt[len] is NUL */
    } else {
        rc = cm_i_buf_append(&r->text, "", 1);
    }
    if (rc != CM_OK) {
        fail_at(r, rc, r->rec_line, (int64_t)r->nf + 1,
                rc == CM_ENOMEM ? "out of memory reading a record"
                                : "record too long after conversion to UTF-8");
        return;
    }
    r->offs[r->nf] = off;
    r->lens[r->nf] = r->text.len - off - 1;
    r->nf++;
    r->field_line = r->line;
}

static void deliver(reader_t *r)
{
    cm_csv_stats_t *st = r->st;
    if (r->o.max_records > 0 && st->records >= r->o.max_records) {
        fail_at(r, CM_EOVERFLOW, r->rec_line, 0, "more than %lld records (the limit set)",
                (long long)r->o.max_records);
        return;
    }
    if (r->rec_bytes + r->piece_len > r->o.max_record_bytes) {
        fail_at(r, CM_EPARSE, r->rec_line, 0, "record longer than %zu bytes",
                r->o.max_record_bytes);
        return;
    }
    st->records++;
    if (st->records == 1) {
        r->header_nf = r->nf;
    } else if (r->o.strict_fields && r->nf != r->header_nf) {
        fail_at(r, CM_EPARSE, r->rec_line,
                (int64_t)(r->nf > r->header_nf ? r->header_nf + 1 : r->nf + 1),
                "%zu field%s, expected %zu (as in the header)", r->nf, r->nf == 1 ? "" : "s",
                r->header_nf);
        return;
    }
    for (size_t i = 0; i < r->nf; i++) {
        r->ptrs[i] = r->text.data + r->offs[i];
    }
    if (r->fn != NULL) {
        cm_csv_row_t row;
        row.nfields = r->nf;
        row.fields = r->ptrs;
        row.lengths = r->lens;
        row.line = r->rec_line;
        row.record = st->records;
        cm_error_t rc = r->fn(&row, r->ud, r->err);
        if (rc != CM_OK) {
            r->rc = rc;
            if (r->err != NULL) {
                if (r->err->code == CM_OK) {
                    r->err->code = rc;
                }
                if (r->err->file[0] == '\0' && r->name != NULL) {
                    snprintf(r->err->file, sizeof r->err->file, "%s", r->name);
                    if (r->err->line == 0) {
                        r->err->line = r->rec_line;
                    }
                }
            }
            return;
        }
    }
}

static void on_row(int c, void *data)
{
    reader_t *r = data;
    (void)c;
    r->row_ended = 1;
    if (r->rc != CM_OK) {
        return;
    }
    deliver(r);
    r->nf = 0;
    cm_i_buf_reset(&r->text);
    r->between = 1;
    r->rec_bytes = 0;
}

/* A blank physical line between records: counted, and delivered as a one-empty-field record
 * when blank lines are not skipped. */
static void blank_line(reader_t *r)
{
    r->st->blank_lines++;
    r->piece_len = 0;
    if (!r->o.skip_blank_lines) {
        r->rec_line = r->line;
        on_field(NULL, 0, r);
        if (r->rc == CM_OK) {
            on_row('\n', r);
        }
        r->between = 1;
    }
}

static cm_error_t parse_piece(reader_t *r, const char *s, size_t n)
{
    r->row_ended = 0;
    r->piece_len = n;
    if (r->piece_len > 0 && s[r->piece_len - 1] == '\n') {
        r->piece_len--;
    }
    if (r->piece_len > 0 && s[r->piece_len - 1] == '\r') {
        r->piece_len--;
    }
    size_t done = csv_parse(&r->p, s, n, on_field, on_row, r);
    if (r->rc != CM_OK) {
        return r->rc;
    }
    if (done < n) {
        int e = csv_error(&r->p);
        int64_t line = r->line;
        if (e == CSV_EPARSE) {
            return fail_at(r, CM_EPARSE, line, (int64_t)r->nf + 1,
                           "malformed quoting in field %zu: a quote inside an unquoted field, or "
                           "text after a closing quote (expected \"...\" with inner quotes "
                           "doubled)",
                           r->nf + 1);
        }
        if (e == CSV_ENOMEM) {
            return fail_at(r, CM_ENOMEM, r->rec_line, 0, "out of memory reading a record");
        }
        return fail_at(r, CM_EOVERFLOW, r->rec_line, 0, "field too large for the CSV parser");
    }
    if (r->row_ended) {
        r->rec_bytes = 0;
        return CM_OK;
    }
    r->rec_bytes += n;
    if (r->rec_bytes > r->o.max_record_bytes) {
        return fail_at(r, CM_EPARSE, r->rec_line, 0, "record longer than %zu bytes%s",
                       r->o.max_record_bytes,
                       r->p.quoted ? " (an unterminated quoted field?)" : "");
    }
    return CM_OK;
}

/* Feed bytes: split into physical lines (pieces of at most CSV_PIECE bytes), track lines,
 * blank lines and the record length. */
static cm_error_t feed(reader_t *r, const char *data, size_t len)
{
    while (len > 0) {
        size_t lim = len < CSV_PIECE ? len : CSV_PIECE;
        const char *nl = memchr(data, '\n', lim);
        size_t n = nl != NULL ? (size_t)(nl - data) + 1 : lim;
        int ends_line = nl != NULL;
        if (n >= 2 && ends_line && data[n - 2] == '\r') {
            r->st->crlf = 1;
        }
        if (r->between && r->at_line_start && ends_line) {
            size_t i = 0;
            while (i < n && is_blank_byte(r, (unsigned char)data[i])) {
                i++;
            }
            if (i == n) {
                blank_line(r);
                if (r->rc != CM_OK) {
                    return r->rc;
                }
                r->line++;
                r->st->lines++;
                r->line_has_bytes = 0;
                data += n;
                len -= n;
                continue;
            }
        }
        if (r->between && r->at_line_start) {
            r->rec_line = r->line;
            r->between = 0;
        }
        r->line_has_bytes = 1;
        cm_error_t rc = parse_piece(r, data, n);
        if (rc != CM_OK) {
            return rc;
        }
        r->at_line_start = ends_line;
        if (ends_line) {
            r->line++;
            r->st->lines++;
            r->line_has_bytes = 0;
        }
        data += n;
        len -= n;
    }
    return CM_OK;
}

static cm_error_t finish(reader_t *r)
{
    if (r->line_has_bytes) {
        r->st->lines++;
    }
    r->row_ended = 0;
    r->piece_len = 0;
    if (csv_fini(&r->p, on_field, on_row, r) != 0 && r->rc == CM_OK) {
        int e = csv_error(&r->p);
        if (e == CSV_EPARSE) {
            int64_t line = r->nf == 0 ? r->rec_line : r->field_line;
            return fail_at(r, CM_EPARSE, line, (int64_t)r->nf + 1,
                           "unterminated quoted field (the quote opened in field %zu is never "
                           "closed)",
                           r->nf + 1);
        }
        return fail_at(r, CM_ENOMEM, r->rec_line, 0, "out of memory reading a record");
    }
    if (r->rc != CM_OK) {
        return r->rc;
    }
    if (r->st->records == 0) {
        return fail_at(r, CM_EPARSE, 1, 0, "empty file (expected a header line)");
    }
    return CM_OK;
}

/* The separator of the first line: the most frequent of ',' ';' '\t' outside quotes
 * (ties: ',' then ';' then tab; none: ','). */
static char detect_separator(const char *s, size_t n)
{
    size_t cnt[3] = {0, 0, 0};
    int inq = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '"') {
            inq = !inq;
        } else if (!inq && (c == '\n' || c == '\r')) {
            break;
        } else if (!inq) {
            cnt[0] += c == ',';
            cnt[1] += c == ';';
            cnt[2] += c == '\t';
        }
    }
    if (cnt[1] > cnt[0] && cnt[1] >= cnt[2]) {
        return ';';
    }
    if (cnt[2] > cnt[0] && cnt[2] > cnt[1]) {
        return '\t';
    }
    return ',';
}

static void *csv_realloc_cb(void *p, size_t n)
{
    return cm_realloc(p, n);
}

static void csv_free_cb(void *p)
{
    cm_free(p);
}

static cm_error_t reader_init(reader_t *r, const char *name, const cm_csv_options_t *opt,
                              cm_csv_row_fn *fn, void *ud, cm_csv_stats_t *st,
                              cm_error_info_t *err)
{
    memset(r, 0, sizeof *r);
    if (opt != NULL) {
        r->o = *opt;
    } else {
        cm_csv_options_default(&r->o);
    }
    if (r->o.max_record_bytes == 0) {
        r->o.max_record_bytes = CSV_DEFAULT_MAX_RECORD;
    }
    r->name = name;
    r->fn = fn;
    r->ud = ud;
    r->st = st;
    r->err = err;
    r->line = 1;
    r->rec_line = 1;
    r->field_line = 1;
    r->between = 1;
    r->at_line_start = 1;
    memset(st, 0, sizeof *st);
    if (r->o.separator != 0 && r->o.separator != ',' && r->o.separator != ';' &&
        r->o.separator != '\t') {
        return cm_error_set(err, CM_EINVAL, "separator must be ',', ';' or a tab (got 0x%02X)",
                            (unsigned)(unsigned char)r->o.separator);
    }
    if (r->o.encoding != CM_ENC_AUTO && r->o.encoding != CM_ENC_UTF8 &&
        r->o.encoding != CM_ENC_WINDOWS1252) {
        return cm_error_set(err, CM_EINVAL, "unknown encoding %d", (int)r->o.encoding);
    }
    /* the record text holds fields plus NULs; conversion can triple non-ASCII bytes */
    r->text.max = r->o.max_record_bytes > ((size_t)1 << 28) ? ((size_t)1 << 30)
                                                            : r->o.max_record_bytes * 3 + 1024;
    if (csv_init(&r->p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        return cm_error_set(err, CM_ENOMEM, "out of memory creating the CSV parser");
    }
    csv_set_realloc_func(&r->p, csv_realloc_cb);
    csv_set_free_func(&r->p, csv_free_cb);
    csv_set_blk_size(&r->p, 1024);
    r->p_inited = 1;
    return CM_OK;
}

/* Settle BOM, separator and encoding from the first bytes. Returns how many bytes to skip. */
static size_t reader_start(reader_t *r, const char *data, size_t len)
{
    size_t skip = 0;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        r->st->had_bom = 1;
        skip = 3;
    }
    if (r->o.separator == 0) {
        r->o.separator = detect_separator(data + skip, len - skip);
    }
    r->st->separator = r->o.separator;
    csv_set_delim(&r->p, (unsigned char)r->o.separator);
    if (r->o.encoding == CM_ENC_UTF8) {
        r->check_utf8 = 1;
    } else if (r->o.encoding == CM_ENC_WINDOWS1252) {
        r->conv1252 = 1;
        r->st->converted_1252 = 1;
    }
    return skip;
}

static void reader_free(reader_t *r)
{
    if (r->p_inited) {
        csv_free(&r->p);
    }
    cm_i_buf_free(&r->text);
    cm_i_buf_free(&r->conv);
    cm_free(r->offs);
    cm_free(r->lens);
    cm_free(r->ptrs);
}

cm_error_t cm_csv_read_buffer(const char *data, size_t len, const char *name,
                              const cm_csv_options_t *opt, cm_csv_row_fn *fn, void *user_data,
                              cm_csv_stats_t *stats, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    reader_t r;
    cm_csv_stats_t local;
    cm_csv_stats_t *st = stats != NULL ? stats : &local;

    if (data == NULL && len > 0) {
        memset(st, 0, sizeof *st);
        return cm_error_set(err, CM_EINVAL, "data is NULL");
    }
    if (data == NULL) {
        data = "";
    }
    if (name == NULL) {
        name = "<buffer>";
    }
    CM_TRY(reader_init(&r, name, opt, fn, user_data, st, err));
    size_t skip = reader_start(&r, data, len);
    data += skip;
    len -= skip;
    if (r.o.encoding == CM_ENC_AUTO && !cm_utf8_valid(data, len)) {
        r.conv1252 = 1;
        st->converted_1252 = 1;
    }
    CM_TRY(feed(&r, data, len));
    CM_TRY(finish(&r));
cleanup:
    reader_free(&r);
    return rc;
}

/* First pass of CM_ENC_AUTO over a file: whether it is all valid UTF-8. */
static cm_error_t file_is_utf8(FILE *f, char *buf, const char *path, int *valid,
                               cm_error_info_t *err)
{
    size_t carry = 0;
    *valid = 1;
    for (;;) {
        size_t got = fread(buf + carry, 1, CSV_CHUNK - carry, f);
        size_t n = carry + got;
        if (got == 0) {
            if (ferror(f)) {
                return cm_error_set_at(err, CM_EFILE, path, 0, 0, "cannot read: %s",
                                       strerror(errno));
            }
            if (carry > 0) {
                *valid = 0; /* truncated sequence at the end of the file */
            }
            return CM_OK;
        }
        int truncated;
        size_t ok = cm_i_utf8_scan((const unsigned char *)buf, n, &truncated);
        if (ok < n && !truncated) {
            *valid = 0;
            return CM_OK;
        }
        carry = n - ok;
        memmove(buf, buf + ok, carry);
    }
}

cm_error_t cm_csv_read_file(const char *path, const cm_csv_options_t *opt, cm_csv_row_fn *fn,
                            void *user_data, cm_csv_stats_t *stats, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    reader_t r;
    cm_csv_stats_t local;
    cm_csv_stats_t *st = stats != NULL ? stats : &local;
    FILE *f = NULL;
    char *buf = NULL;
    int inited = 0;

    if (path == NULL) {
        memset(st, 0, sizeof *st);
        return cm_error_set(err, CM_EINVAL, "path is NULL");
    }
    CM_TRY(reader_init(&r, path, opt, fn, user_data, st, err));
    inited = 1;
    buf = cm_malloc(CSV_CHUNK);
    CM_NOMEM(buf, err);
    f = fopen(path, "rb");
    if (f == NULL) {
        CM_FAIL(cm_error_set_at(err, CM_EFILE, path, 0, 0, "cannot open: %s", strerror(errno)));
    }
    if (r.o.encoding == CM_ENC_AUTO) {
        int valid;
        CM_TRY(file_is_utf8(f, buf, path, &valid, err));
        if (!valid) {
            r.conv1252 = 1;
        }
        if (fseek(f, 0, SEEK_SET) != 0) {
            CM_FAIL(cm_error_set_at(err, CM_EFILE, path, 0, 0, "cannot rewind: %s",
                                    strerror(errno)));
        }
    }
    int first = 1;
    for (;;) {
        size_t got = fread(buf, 1, CSV_CHUNK, f);
        if (got == 0) {
            if (ferror(f)) {
                CM_FAIL(cm_error_set_at(err, CM_EFILE, path, 0, 0, "cannot read: %s",
                                        strerror(errno)));
            }
            break;
        }
        size_t skip = 0;
        if (first) {
            skip = reader_start(&r, buf, got);
            if (r.conv1252) {
                st->converted_1252 = 1;
            }
            first = 0;
        }
        CM_TRY(feed(&r, buf + skip, got - skip));
    }
    if (first) {
        reader_start(&r, "", 0);
    }
    CM_TRY(finish(&r));
cleanup:
    if (f != NULL) {
        fclose(f);
    }
    cm_free(buf);
    if (inited) {
        reader_free(&r);
    }
    return rc;
}

/* Reading one worksheet of an .xlsx workbook as rows of strings (cm_xlsx.h): the zip archive
 * through libzip, each XML part through expat as it is decompressed. Parts read:
 * xl/workbook.xml (sheet names and relationship ids), xl/_rels/workbook.xml.rels (ids ->
 * part names), the shared strings and the worksheet (streamed; one row in memory). */
#include <errno.h>
#include <expat.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "cambium/cm_xlsx.h"
#include "cm_internal.h"

#define DEFAULT_CELL_BYTES ((size_t)1 << 20)
#define DEFAULT_COLUMNS ((size_t)16384)
#define DEFAULT_SHARED_BYTES ((size_t)256 << 20)
#define NO_CELL SIZE_MAX

typedef struct book_t {
    zip_t *zip;
    const char *name; /* in messages */
    cm_xlsx_options_t opt;
} book_t;

/* What every handler context starts with. */
typedef struct xml_base_t {
    XML_Parser parser;
    const book_t *book;
    const char *part;
    cm_error_info_t *err;
    cm_error_t rc;
} xml_base_t;

/* The local name of an element or attribute ("x:c" -> "c"). */
static const char *local(const char *name)
{
    const char *c = strrchr(name, ':');
    return c != NULL ? c + 1 : name;
}

static const char *attr(const char **atts, const char *name)
{
    for (size_t i = 0; atts[i] != NULL; i += 2) {
        if (strcmp(local(atts[i]), name) == 0) {
            return atts[i + 1];
        }
    }
    return NULL;
}

/* Stop the parser with an error already recorded in err. */
static void stop(xml_base_t *x, cm_error_t rc)
{
    if (x->rc == CM_OK) {
        x->rc = rc;
    }
    XML_StopParser(x->parser, XML_FALSE);
}

static void nomem(xml_base_t *x)
{
    cm_error_set(x->err, CM_ENOMEM, "out of memory reading %s of %s", x->part, x->book->name);
    stop(x, CM_ENOMEM);
}

static void XMLCALL refuse_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                                   const XML_Char *pubid, int has_internal)
{
    xml_base_t *x = ud;
    CM_UNUSED(sysid);
    CM_UNUSED(pubid);
    CM_UNUSED(has_internal);
    cm_error_set_at(x->err, CM_EPARSE, x->book->name, (int64_t)XML_GetCurrentLineNumber(x->parser),
                    (int64_t)XML_GetCurrentColumnNumber(x->parser) + 1,
                    "%s: expected no document type declaration in an xlsx part, got <!DOCTYPE %s>",
                    x->part, name);
    stop(x, CM_EPARSE);
}

/* Parse part \p part with the handlers; the handler context starts with an xml_base_t.
 * A missing part: CM_ENOTFOUND without a message when \p required is 0, else CM_EPARSE. */
static cm_error_t parse_part(const book_t *b, const char *part, int required,
                             XML_StartElementHandler start, XML_EndElementHandler end,
                             XML_CharacterDataHandler text, xml_base_t *x, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    static const XML_Memory_Handling_Suite mem = {cm_malloc, cm_realloc, cm_free};
    XML_Parser p = NULL;
    zip_file_t *zf = NULL;
    char *buf = NULL;
    const size_t bufsize = 64 * 1024;
    zip_int64_t n;

    x->book = b;
    x->part = part;
    x->err = err;
    x->rc = CM_OK;
    zf = zip_fopen(b->zip, part, 0);
    if (zf == NULL) {
        if (!required) {
            return CM_ENOTFOUND;
        }
        return cm_error_set_at(err, CM_EPARSE, b->name, 0, 0,
                               "expected a part '%s' in the xlsx archive, found none", part);
    }
    buf = cm_malloc(bufsize);
    CM_NOMEM(buf, err);
    p = XML_ParserCreate_MM(NULL, &mem, NULL);
    CM_NOMEM(p, err);
    x->parser = p;
    XML_SetUserData(p, x);
    XML_SetElementHandler(p, start, end);
    XML_SetCharacterDataHandler(p, text);
    XML_SetStartDoctypeDeclHandler(p, refuse_doctype);
    do {
        n = zip_fread(zf, buf, bufsize);
        if (n < 0) {
            CM_FAIL(cm_error_set_at(err, CM_EFILE, b->name, 0, 0, "cannot read part '%s': %s",
                                    part, zip_file_strerror(zf)));
        }
        if (XML_Parse(p, buf, (int)n, n == 0) != XML_STATUS_OK) {
            enum XML_Error e = XML_GetErrorCode(p);
            if (x->rc != CM_OK) {
                CM_FAIL(x->rc);
            }
            if (e == XML_ERROR_NO_MEMORY) {
                CM_FAIL(cm_error_set(err, CM_ENOMEM, "out of memory parsing %s of %s", part,
                                     b->name));
            }
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, b->name,
                                    (int64_t)XML_GetCurrentLineNumber(p),
                                    (int64_t)XML_GetCurrentColumnNumber(p) + 1,
                                    "%s: expected well-formed XML, got an error: %s", part,
                                    XML_ErrorString(e)));
        }
    } while (n > 0);
cleanup:
    if (p != NULL) {
        XML_ParserFree(p);
    }
    cm_free(buf);
    zip_fclose(zf);
    return rc;
}

/* --- workbook and relationships -------------------------------------------------------- */

typedef struct workbook_t {
    xml_base_t x;
    size_t n, cap;
    char **names;
    char **rids;
} workbook_t;

static void XMLCALL wb_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    workbook_t *w = ud;
    const char *sname, *rid;
    if (w->x.rc != CM_OK || strcmp(local(name), "sheet") != 0) {
        return;
    }
    sname = attr(atts, "name");
    rid = attr(atts, "id");
    if (sname == NULL || rid == NULL) {
        cm_error_set_at(w->x.err, CM_EPARSE, w->x.book->name,
                        (int64_t)XML_GetCurrentLineNumber(w->x.parser), 0,
                        "%s: expected a <sheet> with a name and an r:id, got one without",
                        w->x.part);
        stop(&w->x, CM_EPARSE);
        return;
    }
    if (cm_i_grow((void **)&w->names, &w->cap, w->n, sizeof *w->names, 4) != 0) {
        nomem(&w->x);
        return;
    }
    {
        char **r = cm_realloc_array(w->rids, w->cap, sizeof *r); /* as long as names */
        if (r == NULL) {
            nomem(&w->x);
            return;
        }
        w->rids = r;
    }
    w->names[w->n] = cm_strdup(sname);
    w->rids[w->n] = cm_strdup(rid);
    if (w->names[w->n] == NULL || w->rids[w->n] == NULL) {
        cm_free(w->names[w->n]);
        cm_free(w->rids[w->n]);
        nomem(&w->x);
        return;
    }
    w->n++;
}

static void XMLCALL no_end(void *ud, const XML_Char *name)
{
    CM_UNUSED(ud);
    CM_UNUSED(name);
}

static void XMLCALL no_text(void *ud, const XML_Char *s, int len)
{
    CM_UNUSED(ud);
    CM_UNUSED(s);
    CM_UNUSED(len);
}

static void workbook_destroy(workbook_t *w)
{
    for (size_t i = 0; i < w->n; i++) {
        cm_free(w->names[i]);
        cm_free(w->rids[i]);
    }
    cm_free(w->names);
    cm_free(w->rids);
    memset(w, 0, sizeof *w);
}

typedef struct rels_t {
    xml_base_t x;
    const char *want_id; /* the sheet's relationship id */
    char *sheet_part;    /* resolved */
    char *shared_part;   /* resolved, or NULL */
} rels_t;

/* "worksheets/sheet1.xml" -> "xl/worksheets/sheet1.xml"; "/xl/x.xml" -> "xl/x.xml". */
static char *resolve(const char *target)
{
    char *out;
    size_t n;
    if (target[0] == '/') {
        return cm_strdup(target + 1);
    }
    n = strlen(target);
    out = cm_malloc(n + 4);
    if (out != NULL) {
        memcpy(out, "xl/", 3);
        memcpy(out + 3, target, n + 1);
    }
    return out;
}

static void XMLCALL rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    rels_t *r = ud;
    const char *id, *target, *type;
    char **slot = NULL;
    size_t tl;
    if (r->x.rc != CM_OK || strcmp(local(name), "Relationship") != 0) {
        return;
    }
    id = attr(atts, "Id");
    target = attr(atts, "Target");
    type = attr(atts, "Type");
    if (id == NULL || target == NULL) {
        return;
    }
    tl = type != NULL ? strlen(type) : 0;
    if (r->want_id != NULL && strcmp(id, r->want_id) == 0) {
        slot = &r->sheet_part;
    } else if (tl >= 14 && strcmp(type + tl - 14, "/sharedStrings") == 0) {
        slot = &r->shared_part;
    }
    if (slot != NULL && *slot == NULL) {
        *slot = resolve(target);
        if (*slot == NULL) {
            nomem(&r->x);
        }
    }
}

/* --- shared strings ----------------------------------------------------------------------- */

typedef struct shared_t {
    xml_base_t x;
    size_t n, cap;
    char **s;
    size_t *len;
    size_t total;
    cm_i_buf_t cur;
    int in_si, in_t, in_rph;
} shared_t;

static void XMLCALL sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    shared_t *s = ud;
    const char *l = local(name);
    CM_UNUSED(atts);
    if (strcmp(l, "si") == 0) {
        s->in_si = 1;
        cm_i_buf_reset(&s->cur);
    } else if (strcmp(l, "rPh") == 0) {
        s->in_rph = 1;
    } else if (strcmp(l, "t") == 0 && s->in_si && !s->in_rph) {
        s->in_t = 1;
    }
}

static void XMLCALL sst_end(void *ud, const XML_Char *name)
{
    shared_t *s = ud;
    const char *l = local(name);
    if (s->x.rc != CM_OK) {
        return;
    }
    if (strcmp(l, "t") == 0) {
        s->in_t = 0;
    } else if (strcmp(l, "rPh") == 0) {
        s->in_rph = 0;
    } else if (strcmp(l, "si") == 0) {
        char *copy;
        size_t *nl;
        s->in_si = 0;
        if (s->total + s->cur.len > s->x.book->opt.max_shared_bytes) {
            cm_error_set_at(s->x.err, CM_EPARSE, s->x.book->name,
                            (int64_t)XML_GetCurrentLineNumber(s->x.parser), 0,
                            "%s: expected at most %zu bytes of shared strings, got more",
                            s->x.part, s->x.book->opt.max_shared_bytes);
            stop(&s->x, CM_EPARSE);
            return;
        }
        if (s->n == s->cap) {
            size_t cap = s->cap;
            if (cm_i_grow((void **)&s->s, &cap, s->n, sizeof *s->s, 64) != 0) {
                nomem(&s->x);
                return;
            }
            nl = cm_realloc_array(s->len, cap, sizeof *nl);
            if (nl == NULL) {
                nomem(&s->x);
                return;
            }
            s->len = nl;
            s->cap = cap;
        }
        copy = cm_strndup(s->cur.data != NULL ? s->cur.data : "", s->cur.len);
        if (copy == NULL) {
            nomem(&s->x);
            return;
        }
        s->s[s->n] = copy;
        s->len[s->n] = s->cur.len;
        s->total += s->cur.len;
        s->n++;
    }
}

static void XMLCALL sst_text(void *ud, const XML_Char *txt, int len)
{
    shared_t *s = ud;
    cm_error_t e;
    if (s->x.rc != CM_OK || !s->in_t || len <= 0) {
        return;
    }
    e = cm_i_buf_append(&s->cur, txt, (size_t)len);
    if (e == CM_ENOMEM) {
        nomem(&s->x);
    } else if (e != CM_OK) {
        cm_error_set_at(s->x.err, CM_EPARSE, s->x.book->name,
                        (int64_t)XML_GetCurrentLineNumber(s->x.parser), 0,
                        "%s: expected shared string %zu to hold at most %zu bytes, got more",
                        s->x.part, s->n, s->x.book->opt.max_cell_bytes);
        stop(&s->x, CM_EPARSE);
    }
}

static void shared_destroy(shared_t *s)
{
    for (size_t i = 0; i < s->n; i++) {
        cm_free(s->s[i]);
    }
    cm_free(s->s);
    cm_free(s->len);
    cm_i_buf_free(&s->cur);
}

/* --- the worksheet ------------------------------------------------------------------------ */

typedef struct sheet_t {
    xml_base_t x;
    const char *sheet;      /* name, for messages */
    const shared_t *shared;
    cm_csv_row_fn *fn;
    void *user;
    int64_t row;            /* current row number */
    int64_t record;
    size_t col;             /* current cell's column (0-based) */
    char type[16];
    char ref[24];
    int in_row, in_c, in_v, in_is, in_t, in_rph;
    cm_i_buf_t cell;        /* current cell text */
    cm_i_buf_t rowtext;     /* the row's texts, NUL-separated */
    size_t *off;            /* per column: offset in rowtext, NO_CELL when empty */
    size_t *len;
    size_t ncol_cap;
    size_t ncols;           /* last non-empty column + 1 */
    const char **fields;
    size_t fields_cap;
} sheet_t;

static void cell_error(sheet_t *s, const char *fmt, const char *got)
{
    char where[80];
    snprintf(where, sizeof where, "%s", s->ref[0] != '\0' ? s->ref : "?");
    cm_error_set_at(s->x.err, CM_EPARSE, s->x.book->name, s->row, (int64_t)s->col + 1,
                    "[%s] cell %s: expected %s, got '%s'", s->sheet, where, fmt, got);
    stop(&s->x, CM_EPARSE);
}

/* "C12" -> column 2 (0-based) and row 12; returns 0 when malformed. */
static int parse_ref(const char *ref, size_t *col, int64_t *row)
{
    size_t c = 0, i = 0;
    int64_t r = 0;
    while (ref[i] >= 'A' && ref[i] <= 'Z' && i < 3) {
        c = c * 26 + (size_t)(ref[i] - 'A' + 1);
        i++;
    }
    if (i == 0 || ref[i] < '1' || ref[i] > '9') {
        return 0;
    }
    for (; ref[i] >= '0' && ref[i] <= '9'; i++) {
        if (r > 100000000) {
            return 0;
        }
        r = r * 10 + (ref[i] - '0');
    }
    if (ref[i] != '\0') {
        return 0;
    }
    *col = c - 1;
    *row = r;
    return 1;
}

static void XMLCALL ws_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    sheet_t *s = ud;
    const char *l = local(name);
    if (s->x.rc != CM_OK) {
        return;
    }
    if (strcmp(l, "row") == 0) {
        const char *r = attr(atts, "r");
        char *endp = NULL;
        long long v;
        s->in_row = 1;
        s->ncols = 0;
        s->col = 0;
        s->ref[0] = '\0';
        cm_i_buf_reset(&s->rowtext);
        if (r == NULL) {
            s->row++;
        } else {
            errno = 0;
            v = strtoll(r, &endp, 10);
            if (errno != 0 || endp == r || *endp != '\0' || v < 1 || v > 1048576 * 16LL) {
                s->col = 0;
                cell_error(s, "a row number from 1 to 16777216", r);
                return;
            }
            s->row = v;
        }
        for (size_t i = 0; i < s->ncol_cap; i++) {
            s->off[i] = NO_CELL;
        }
        s->col = SIZE_MAX; /* the first cell without a reference is column A */
    } else if (strcmp(l, "c") == 0 && s->in_row) {
        const char *r = attr(atts, "r");
        const char *t = attr(atts, "t");
        s->in_c = 1;
        cm_i_buf_reset(&s->cell);
        snprintf(s->type, sizeof s->type, "%s", t != NULL ? t : "n");
        if (r != NULL) {
            int64_t rr = 0;
            snprintf(s->ref, sizeof s->ref, "%s", r);
            if (!parse_ref(r, &s->col, &rr) || rr != s->row) {
                s->col = 0;
                cell_error(s, "a cell reference such as C12 in this row", r);
                return;
            }
        } else {
            s->col = s->col == SIZE_MAX ? 0 : s->col + 1;
            s->ref[0] = '\0';
        }
        if (s->col >= s->x.book->opt.max_columns) {
            cell_error(s, "a column within the limit", r != NULL ? r : "?");
            return;
        }
    } else if (s->in_c && strcmp(l, "v") == 0) {
        s->in_v = 1;
    } else if (s->in_c && strcmp(l, "is") == 0) {
        s->in_is = 1;
    } else if (s->in_is && strcmp(l, "rPh") == 0) {
        s->in_rph = 1;
    } else if (s->in_is && !s->in_rph && strcmp(l, "t") == 0) {
        s->in_t = 1;
    }
}

static void XMLCALL ws_text(void *ud, const XML_Char *txt, int len)
{
    sheet_t *s = ud;
    cm_error_t e;
    if (s->x.rc != CM_OK || len <= 0 || !(s->in_v || (s->in_is && s->in_t && !s->in_rph))) {
        return;
    }
    e = cm_i_buf_append(&s->cell, txt, (size_t)len);
    if (e == CM_ENOMEM) {
        nomem(&s->x);
    } else if (e != CM_OK) {
        cell_error(s, "a cell text within the limit", "(longer)");
    }
}

/* Store the finished cell's text in the row. */
static void put_cell(sheet_t *s, const char *text, size_t n)
{
    if (n == 0) {
        return;
    }
    if (s->col >= s->ncol_cap) {
        size_t cap = s->ncol_cap == 0 ? 16 : s->ncol_cap;
        size_t *o, *l;
        while (cap <= s->col) {
            cap *= 2;
        }
        o = cm_realloc_array(s->off, cap, sizeof *o);
        if (o == NULL) {
            nomem(&s->x);
            return;
        }
        s->off = o;
        l = cm_realloc_array(s->len, cap, sizeof *l);
        if (l == NULL) {
            nomem(&s->x);
            return;
        }
        s->len = l;
        for (size_t i = s->ncol_cap; i < cap; i++) {
            s->off[i] = NO_CELL;
        }
        s->ncol_cap = cap;
    }
    s->off[s->col] = s->rowtext.len;
    s->len[s->col] = n;
    if (cm_i_buf_append(&s->rowtext, text, n) != CM_OK ||
        cm_i_buf_append(&s->rowtext, "", 1) != CM_OK) {
        nomem(&s->x);
        return;
    }
    if (s->col + 1 > s->ncols) {
        s->ncols = s->col + 1;
    }
}

static void end_cell(sheet_t *s)
{
    const char *text = s->cell.data != NULL ? s->cell.data : "";
    size_t n = s->cell.len;
    if (strcmp(s->type, "s") == 0) {
        char *endp = NULL;
        unsigned long long i;
        if (n == 0) {
            return; /* a shared-string cell without a value is empty */
        }
        errno = 0;
        i = strtoull(text, &endp, 10);
        if (errno != 0 || endp == text || *endp != '\0' || text[0] == '-' ||
            i >= (unsigned long long)s->shared->n) {
            char expect[96];
            snprintf(expect, sizeof expect, "a shared-string index below %zu", s->shared->n);
            cell_error(s, expect, text);
            return;
        }
        put_cell(s, s->shared->s[i], s->shared->len[i]);
    } else if (strcmp(s->type, "b") == 0) {
        if (n == 0) {
            return;
        }
        if (strcmp(text, "1") == 0 || strcmp(text, "0") == 0) {
            put_cell(s, text[0] == '1' ? "TRUE" : "FALSE", text[0] == '1' ? 4 : 5);
        } else {
            cell_error(s, "a boolean 0 or 1", text);
        }
    } else {
        put_cell(s, text, n);
    }
}

static void XMLCALL ws_end(void *ud, const XML_Char *name)
{
    sheet_t *s = ud;
    const char *l = local(name);
    if (s->x.rc != CM_OK) {
        return;
    }
    if (strcmp(l, "v") == 0) {
        s->in_v = 0;
    } else if (strcmp(l, "t") == 0) {
        s->in_t = 0;
    } else if (strcmp(l, "rPh") == 0) {
        s->in_rph = 0;
    } else if (strcmp(l, "is") == 0) {
        s->in_is = 0;
    } else if (strcmp(l, "c") == 0 && s->in_c) {
        s->in_c = 0;
        end_cell(s);
    } else if (strcmp(l, "row") == 0 && s->in_row) {
        cm_csv_row_t row;
        cm_error_t rc;
        s->in_row = 0;
        if (s->ncols == 0) {
            return;
        }
        if (s->ncols > s->fields_cap) {
            const char **f = cm_realloc_array(s->fields, s->ncols, sizeof *f);
            if (f == NULL) {
                nomem(&s->x);
                return;
            }
            s->fields = f;
            s->fields_cap = s->ncols;
        }
        for (size_t i = 0; i < s->ncols; i++) {
            if (s->off[i] == NO_CELL) {
                s->fields[i] = "";
                s->len[i] = 0;
            } else {
                s->fields[i] = s->rowtext.data + s->off[i];
            }
        }
        s->record++;
        row.nfields = s->ncols;
        row.fields = s->fields;
        row.lengths = s->len;
        row.line = s->row;
        row.record = s->record;
        rc = s->fn(&row, s->user, s->x.err);
        if (rc != CM_OK) {
            stop(&s->x, rc);
        }
    }
}

static void sheet_destroy(sheet_t *s)
{
    cm_i_buf_free(&s->cell);
    cm_i_buf_free(&s->rowtext);
    cm_free(s->off);
    cm_free(s->len);
    cm_free((void *)s->fields);
}

/* --- entry points ------------------------------------------------------------------------- */

static cm_error_t read_workbook(const book_t *b, workbook_t *w, cm_error_info_t *err)
{
    memset(w, 0, sizeof *w);
    return parse_part(b, "xl/workbook.xml", 1, wb_start, no_end, no_text, &w->x, err);
}

/* "'Sheet1', 'Sheet2'" into buf (truncated to n). */
static void list_sheets(char *buf, size_t n, const workbook_t *w)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < w->n; i++) {
        int k = snprintf(buf + o, n - o, "%s'%s'", i ? ", " : "", w->names[i]);
        if (k < 0 || (size_t)k >= n - o) {
            break;
        }
        o += (size_t)k;
    }
}

static cm_error_t read_book(book_t *b, const char *sheet, size_t index, cm_csv_row_fn *fn,
                            void *user, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    workbook_t w;
    rels_t r;
    shared_t sh;
    sheet_t s;
    size_t at = SIZE_MAX;
    char list[512];

    memset(&w, 0, sizeof w);
    memset(&r, 0, sizeof r);
    memset(&sh, 0, sizeof sh);
    memset(&s, 0, sizeof s);
    if (b->opt.max_cell_bytes == 0) {
        b->opt.max_cell_bytes = DEFAULT_CELL_BYTES;
    }
    if (b->opt.max_columns == 0) {
        b->opt.max_columns = DEFAULT_COLUMNS;
    }
    if (b->opt.max_shared_bytes == 0) {
        b->opt.max_shared_bytes = DEFAULT_SHARED_BYTES;
    }
    sh.cur.max = b->opt.max_cell_bytes;
    s.cell.max = b->opt.max_cell_bytes;
    s.rowtext.max = (size_t)1 << 30;
    CM_TRY(read_workbook(b, &w, err));
    for (size_t i = 0; i < w.n; i++) {
        if (sheet != NULL ? strcmp(w.names[i], sheet) == 0 : i == index) {
            at = i;
            break;
        }
    }
    if (at == SIZE_MAX) {
        list_sheets(list, sizeof list, &w);
        if (sheet != NULL) {
            CM_FAIL(cm_error_set(err, CM_ENOTFOUND, "%s: no sheet named '%s' (sheets: %s)",
                                 b->name, sheet, w.n ? list : "none"));
        }
        CM_FAIL(cm_error_set(err, CM_ENOTFOUND, "%s: no sheet number %zu (%zu sheets: %s)",
                             b->name, index + 1, w.n, w.n ? list : "none"));
    }
    r.want_id = w.rids[at];
    CM_TRY(parse_part(b, "xl/_rels/workbook.xml.rels", 1, rels_start, no_end, no_text, &r.x,
                      err));
    if (r.sheet_part == NULL) {
        CM_FAIL(cm_error_set_at(err, CM_EPARSE, b->name, 0, 0,
                                "xl/_rels/workbook.xml.rels: expected a relationship '%s' for "
                                "sheet '%s', found none",
                                w.rids[at], w.names[at]));
    }
    rc = parse_part(b, r.shared_part != NULL ? r.shared_part : "xl/sharedStrings.xml",
                    0, sst_start, sst_end, sst_text, &sh.x, err);
    if (rc == CM_ENOTFOUND) {
        rc = CM_OK; /* no shared strings: a "s" cell is then out of range */
    }
    CM_TRY(rc);
    s.sheet = w.names[at];
    s.shared = &sh;
    s.fn = fn;
    s.user = user;
    CM_TRY(parse_part(b, r.sheet_part, 1, ws_start, ws_end, ws_text, &s.x, err));
cleanup:
    sheet_destroy(&s);
    shared_destroy(&sh);
    cm_free(r.sheet_part);
    cm_free(r.shared_part);
    workbook_destroy(&w);
    return rc;
}

static cm_error_t open_file(book_t *b, const char *path, cm_error_info_t *err)
{
    int zerr = 0;
    b->zip = zip_open(path, ZIP_RDONLY, &zerr);
    if (b->zip == NULL) {
        zip_error_t ze;
        cm_error_t rc;
        zip_error_init_with_code(&ze, zerr);
        rc = cm_error_set_at(err, CM_EFILE, path, 0, 0,
                             "cannot open '%s' as an xlsx workbook (a zip archive): %s", path,
                             zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return rc;
    }
    return CM_OK;
}

cm_error_t cm_xlsx_read(const char *path, const char *sheet, size_t index,
                        const cm_xlsx_options_t *opt, cm_csv_row_fn *fn, void *user_data,
                        cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    book_t b;
    memset(&b, 0, sizeof b);
    if (path == NULL || fn == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_xlsx_read: path and fn are required");
    }
    if (opt != NULL) {
        b.opt = *opt;
    }
    b.name = path;
    CM_TRY(open_file(&b, path, err));
    CM_TRY(read_book(&b, sheet, index, fn, user_data, err));
cleanup:
    if (b.zip != NULL) {
        zip_discard(b.zip);
    }
    return rc;
}

cm_error_t cm_xlsx_read_buffer(const void *data, size_t size, const char *name,
                               const char *sheet, size_t index, const cm_xlsx_options_t *opt,
                               cm_csv_row_fn *fn, void *user_data, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    book_t b;
    zip_source_t *src = NULL;
    zip_error_t ze;
    memset(&b, 0, sizeof b);
    zip_error_init(&ze);
    if ((data == NULL && size > 0) || fn == NULL) {
        zip_error_fini(&ze);
        return cm_error_set(err, CM_EINVAL, "cm_xlsx_read_buffer: data and fn are required");
    }
    if (opt != NULL) {
        b.opt = *opt;
    }
    b.name = name != NULL ? name : "(buffer)";
    src = zip_source_buffer_create(data, size, 0, &ze);
    if (src == NULL) {
        CM_FAIL(cm_error_set(err, CM_ENOMEM, "%s: %s", b.name, zip_error_strerror(&ze)));
    }
    b.zip = zip_open_from_source(src, ZIP_RDONLY, &ze);
    if (b.zip == NULL) {
        zip_source_free(src);
        CM_FAIL(cm_error_set_at(err, CM_EFILE, b.name, 0, 0,
                                "cannot open '%s' as an xlsx workbook (a zip archive): %s",
                                b.name, zip_error_strerror(&ze)));
    }
    CM_TRY(read_book(&b, sheet, index, fn, user_data, err));
cleanup:
    if (b.zip != NULL) {
        zip_discard(b.zip);
    }
    zip_error_fini(&ze);
    return rc;
}

cm_error_t cm_xlsx_sheets(const char *path, cm_xlsx_sheets_t *out, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    book_t b;
    workbook_t w;
    memset(&b, 0, sizeof b);
    memset(&w, 0, sizeof w);
    if (path == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_xlsx_sheets: path and out are required");
    }
    cm_xlsx_sheets_destroy(out);
    b.name = path;
    CM_TRY(open_file(&b, path, err));
    CM_TRY(read_workbook(&b, &w, err));
    out->names = w.names;
    out->n = w.n;
    w.names = NULL;
    for (size_t i = 0; i < w.n; i++) {
        cm_free(w.rids[i]);
    }
    cm_free(w.rids);
    w.rids = NULL;
    w.n = 0;
cleanup:
    workbook_destroy(&w);
    if (b.zip != NULL) {
        zip_discard(b.zip);
    }
    return rc;
}

void cm_xlsx_sheets_destroy(cm_xlsx_sheets_t *s)
{
    if (s == NULL) {
        return;
    }
    for (size_t i = 0; i < s->n; i++) {
        cm_free(s->names[i]);
    }
    cm_free(s->names);
    memset(s, 0, sizeof *s);
}

/* CSV/TSV reading and writing: encodings, separators, quoting, positions in errors, limits,
 * the whole-table reader, the writer round trip and allocation failures. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cm_test.h"
#include "cambium/cm_csv.h"
#include "cambium/cm_file.h"

/* Records collected by a row callback, joined as "f1|f2|...\n" with "@line" prefixes. */
typedef struct collect_t {
    char text[8192];
    size_t len;
    int64_t rows;
    int stop_at; /* return CM_EINVAL at this record (0 = never) */
} collect_t;

static cm_error_t collect_row(const cm_csv_row_t *row, void *ud, cm_error_info_t *err)
{
    collect_t *c = ud;
    if (c->stop_at > 0 && row->record == c->stop_at) {
        return cm_error_set(err, CM_EINVAL, "stopped by the callback");
    }
    c->rows++;
    int n = snprintf(c->text + c->len, sizeof c->text - c->len, "@%lld:", (long long)row->line);
    c->len += (size_t)n;
    for (size_t i = 0; i < row->nfields; i++) {
        assert_int_equal(strlen(row->fields[i]), row->lengths[i]);
        n = snprintf(c->text + c->len, sizeof c->text - c->len, "%s%s", i ? "|" : "",
                     row->fields[i]);
        c->len += (size_t)n;
    }
    n = snprintf(c->text + c->len, sizeof c->text - c->len, "\n");
    c->len += (size_t)n;
    return CM_OK;
}

static cm_error_t read_buf(const char *s, const cm_csv_options_t *o, collect_t *c,
                           cm_csv_stats_t *st, cm_error_info_t *err)
{
    memset(c, 0, sizeof *c);
    cm_error_clear(err);
    return cm_csv_read_buffer(s, strlen(s), "t.csv", o, collect_row, c, st, err);
}

static void test_basic_and_positions(void **state)
{
    (void)state;
    collect_t c;
    cm_csv_stats_t st;
    cm_error_info_t err;
    CHECK_OK(read_buf("a,b,c\n1,2,3\n\n4, 5 ,\" 6 \"\n", NULL, &c, &st, &err), &err);
    assert_string_equal(c.text, "@1:a|b|c\n@2:1|2|3\n@4:4|5| 6 \n");
    assert_int_equal(st.records, 3);
    assert_int_equal(st.lines, 4);
    assert_int_equal(st.blank_lines, 1);
    assert_int_equal(st.separator, ',');
    assert_int_equal(st.crlf, 0);
    assert_int_equal(st.had_bom, 0);
    /* no final newline; quoted field spanning lines starts on its first line */
    CHECK_OK(read_buf("h1,h2\nx,\"a\nb\nc\"\ny,z", NULL, &c, &st, &err), &err);
    assert_string_equal(c.text, "@1:h1|h2\n@2:x|a\nb\nc\n@5:y|z\n");
    assert_int_equal(st.lines, 5);
}

static void test_crlf_bom_separators(void **state)
{
    (void)state;
    collect_t c;
    cm_csv_stats_t st;
    cm_error_info_t err;
    CHECK_OK(read_buf("\xEF\xBB\xBFx;y\r\n1,5;2\r\n", NULL, &c, &st, &err), &err);
    assert_string_equal(c.text, "@1:x|y\n@2:1,5|2\n");
    assert_int_equal(st.had_bom, 1);
    assert_int_equal(st.crlf, 1);
    assert_int_equal(st.separator, ';');
    CHECK_OK(read_buf("x\ty\tz\n1\t\t3\n", NULL, &c, &st, &err), &err);
    assert_string_equal(c.text, "@1:x|y|z\n@2:1||3\n");
    assert_int_equal(st.separator, '\t');
    /* separators inside quotes do not count for detection */
    CHECK_OK(read_buf("\"a;b;c\",d\n1,2\n", NULL, &c, &st, &err), &err);
    assert_int_equal(st.separator, ',');
    /* ties go to ',' then ';'; a line without separators is one column */
    CHECK_OK(read_buf("a,b;c\n1,2;3\n", NULL, &c, &st, &err), &err);
    assert_int_equal(st.separator, ',');
    CHECK_OK(read_buf("a;b\tc\n1;2\t3\n", NULL, &c, &st, &err), &err);
    assert_int_equal(st.separator, ';');
    CHECK_OK(read_buf("name\nx\n", NULL, &c, &st, &err), &err);
    assert_int_equal(st.separator, ',');
    assert_string_equal(c.text, "@1:name\n@2:x\n");
    /* a given separator wins */
    cm_csv_options_t o;
    cm_csv_options_default(&o);
    o.separator = ';';
    CHECK_OK(read_buf("a,b;c\n1,2;3\n", &o, &c, &st, &err), &err);
    assert_string_equal(c.text, "@1:a,b|c\n@2:1,2|3\n");
    o.separator = '|';
    CHECK_ERROR(read_buf("a|b\n", &o, &c, &st, &err), CM_EINVAL);
}

static void test_files(void **state)
{
    (void)state;
    cm_table_t t = CM_TABLE_NULL;
    cm_error_info_t err;
    cm_error_clear(&err);

    CHECK_OK(cm_table_read(&t, cm_test_source("tests/data/csv/bom.csv"), NULL, 1, &err), &err);
    assert_int_equal(t.ncols, 3);
    assert_int_equal(t.nrows, 2);
    assert_string_equal(t.header[0], "country");
    assert_int_equal(cm_table_col(&t, " COUNTRY "), 0);
    assert_int_equal(cm_table_col(&t, "Value"), 2);
    assert_int_equal(cm_table_col(&t, "missing"), -1);
    assert_string_equal(cm_table_cell(&t, 1, 2), "2.25");
    assert_string_equal(cm_table_cell(&t, 9, 0), "");
    assert_int_equal(t.line[1], 3);
    assert_int_equal(t.stats.had_bom, 1);
    cm_table_destroy(&t);
    cm_table_destroy(&t); /* idempotent */

    /* Windows-1252, CRLF, ';' and decimal comma */
    CHECK_OK(cm_table_read(&t, cm_test_source("tests/data/csv/cp1252_semicolon.csv"), NULL, 1,
                           &err),
             &err);
    assert_int_equal(t.stats.converted_1252, 1);
    assert_int_equal(t.stats.converted_fields, 2);
    assert_int_equal(t.stats.crlf, 1);
    assert_int_equal(t.stats.separator, ';');
    assert_string_equal(cm_table_cell(&t, 0, 1), "Belgi\xC3\xAB");
    assert_string_equal(cm_table_cell(&t, 1, 1), "T\xC3\xBCrkiye");
    cm_num_options_t no = {1, 1, 1};
    cm_num_t n;
    CHECK_OK(cm_num_parse(cm_table_cell(&t, 0, 2), &no, &n, &err), &err);
    ASSERT_NEAR(n.value, 1234.5, 0, 0);
    CHECK_OK(cm_num_parse(cm_table_cell(&t, 1, 2), &no, &n, &err), &err);
    ASSERT_NEAR(n.value, 7.25, 0, 0);
    cm_table_destroy(&t);

    /* the same file read as UTF-8 is an error at the first invalid byte */
    cm_csv_options_t o;
    cm_csv_options_default(&o);
    o.encoding = CM_ENC_UTF8;
    CHECK_ERROR(cm_table_read(&t, cm_test_source("tests/data/csv/cp1252_semicolon.csv"), &o, 1,
                              &err),
                CM_EPARSE);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 2);
    assert_non_null(strstr(err.message, "invalid UTF-8"));
    assert_null(t.cells);

    CHECK_OK(cm_table_read(&t, cm_test_source("tests/data/csv/quoted_newline.csv"), NULL, 1,
                           &err),
             &err);
    assert_string_equal(cm_table_cell(&t, 0, 2), "line one\nline two");
    assert_string_equal(cm_table_cell(&t, 1, 2), "say \"hi\"");
    assert_int_equal(t.line[0], 2);
    assert_int_equal(t.line[1], 4);
    cm_table_destroy(&t);

    CHECK_OK(cm_table_read(&t, cm_test_source("tests/data/csv/tab.tsv"), NULL, 1, &err), &err);
    assert_int_equal(t.stats.separator, '\t');
    assert_string_equal(cm_table_cell(&t, 1, 2), "6");
    cm_table_destroy(&t);
}

static void test_errors_with_positions(void **state)
{
    (void)state;
    cm_table_t t = CM_TABLE_NULL;
    cm_error_info_t err;
    char buf[1200];
    cm_error_clear(&err);

    CHECK_ERROR(cm_table_read(&t, cm_test_source("tests/data/csv/short_row.csv"), NULL, 1, &err),
                CM_EPARSE);
    assert_int_equal(err.line, 7);
    assert_int_equal(err.column, 5);
    assert_string_equal(err.message, "4 fields, expected 5 (as in the header)");
    cm_error_format(&err, buf, sizeof buf);
    assert_non_null(strstr(buf, "short_row.csv:7:5: 4 fields, expected 5"));
    assert_null(t.cells);
    assert_int_equal(t.stats.blank_lines, 1);

    /* non-strict: the short row is kept, with its real length */
    cm_csv_options_t o;
    cm_csv_options_default(&o);
    o.strict_fields = 0;
    CHECK_OK(cm_table_read(&t, cm_test_source("tests/data/csv/short_row.csv"), &o, 1, &err),
             &err);
    assert_int_equal(t.nrows, 5);
    assert_int_equal(t.rowlen[4], 4);
    assert_null(t.cells[4 * 5 + 4]);
    assert_string_equal(cm_table_cell(&t, 4, 4), "");
    cm_table_destroy(&t);

    CHECK_ERROR(cm_table_read(&t, cm_test_source("tests/data/csv/unterminated.csv"), NULL, 1,
                              &err),
                CM_EPARSE);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 2);
    assert_non_null(strstr(err.message, "unterminated quoted field"));

    CHECK_ERROR(cm_table_read(&t, cm_test_source("tests/data/csv/empty.csv"), NULL, 0, &err),
                CM_EPARSE);
    assert_string_equal(err.message, "empty file (expected a header line)");

    CHECK_OK(cm_table_read(&t, cm_test_source("tests/data/csv/header_only.csv"), NULL, 0, &err),
             &err);
    assert_int_equal(t.nrows, 0);
    assert_int_equal(t.ncols, 3);
    cm_table_destroy(&t);
    CHECK_ERROR(cm_table_read(&t, cm_test_source("tests/data/csv/header_only.csv"), NULL, 1,
                              &err),
                CM_EPARSE);
    assert_non_null(strstr(err.message, "no data rows"));

    CHECK_ERROR(cm_table_read(&t, "/nonexistent/dir/x.csv", NULL, 0, &err), CM_EFILE);
    assert_string_equal(err.file, "/nonexistent/dir/x.csv");
    CHECK_ERROR(cm_table_read(&t, NULL, NULL, 0, &err), CM_EINVAL);
    CHECK_ERROR(cm_table_read(NULL, "x", NULL, 0, &err), CM_EINVAL);

    /* malformed quoting (strict libcsv) */
    collect_t c;
    cm_csv_stats_t st;
    CHECK_ERROR(read_buf("a,b\n1,x\"y\n", NULL, &c, &st, &err), CM_EPARSE);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 2);
    CHECK_ERROR(read_buf("a,b\n1,\"x\"y\n", NULL, &c, &st, &err), CM_EPARSE);
    assert_int_equal(err.line, 2);
    /* blank-only input is empty */
    CHECK_ERROR(read_buf("\n  \n\r\n", NULL, &c, &st, &err), CM_EPARSE);
    assert_int_equal(st.blank_lines, 3);
    /* a callback error stops reading and gets the file name and line */
    memset(&c, 0, sizeof c);
    c.stop_at = 3;
    cm_error_clear(&err);
    CHECK_ERROR(cm_csv_read_buffer("a\n1\n2\n3\n", 8, "cb.csv", NULL, collect_row, &c, &st,
                                   &err),
                CM_EINVAL);
    assert_string_equal(err.file, "cb.csv");
    assert_int_equal(err.line, 3);
    assert_int_equal(c.rows, 2);
    /* max_records */
    cm_csv_options_default(&o);
    o.max_records = 2;
    CHECK_ERROR(read_buf("a\n1\n2\n", &o, &c, &st, &err), CM_EOVERFLOW);
    assert_int_equal(err.line, 3);
    CHECK_ERROR(cm_csv_read_buffer(NULL, 3, "x", NULL, collect_row, &c, &st, &err), CM_EINVAL);
}

static void test_blank_lines_kept(void **state)
{
    (void)state;
    collect_t c;
    cm_csv_stats_t st;
    cm_error_info_t err;
    cm_csv_options_t o;
    cm_csv_options_default(&o);
    o.skip_blank_lines = 0;
    o.strict_fields = 0;
    CHECK_OK(read_buf("a,b\n\n1,2\n", &o, &c, &st, &err), &err);
    assert_string_equal(c.text, "@1:a|b\n@2:\n@3:1|2\n");
    assert_int_equal(st.blank_lines, 1);
    assert_int_equal(st.records, 3);
    /* strict: the blank record has the wrong field count */
    o.strict_fields = 1;
    CHECK_ERROR(read_buf("a,b\n\n1,2\n", &o, &c, &st, &err), CM_EPARSE);
    assert_int_equal(err.line, 2);
}

static void test_encodings(void **state)
{
    (void)state;
    collect_t c;
    cm_csv_stats_t st;
    cm_error_info_t err;
    cm_csv_options_t o;
    cm_csv_options_default(&o);
    /* valid UTF-8 stays as is in AUTO */
    CHECK_OK(read_buf("n\nT\xC3\xBCrkiye\n", NULL, &c, &st, &err), &err);
    assert_string_equal(c.text, "@1:n\n@2:T\xC3\xBCrkiye\n");
    assert_int_equal(st.converted_1252, 0);
    /* forced Windows-1252: the UTF-8 bytes are converted one by one */
    o.encoding = CM_ENC_WINDOWS1252;
    CHECK_OK(read_buf("n\n\x80\x9F\x81\n", &o, &c, &st, &err), &err);
    assert_string_equal(c.text, "@1:n\n@2:\xE2\x82\xAC\xC5\xB8\xEF\xBF\xBD\n");
    assert_int_equal(st.converted_fields, 1);
    /* UTF-8 mode: a truncated sequence in line 3 */
    o.encoding = CM_ENC_UTF8;
    CHECK_ERROR(read_buf("a,b\n1,2\n3,\"x\ny\xC3\"\n", &o, &c, &st, &err), CM_EPARSE);
    assert_int_equal(err.line, 4);
    assert_int_equal(err.column, 2);
    /* overlong, surrogate and out-of-range sequences are invalid */
    assert_false(cm_utf8_valid("\xC0\xAF", 2));
    assert_false(cm_utf8_valid("\xED\xA0\x80", 3));
    assert_false(cm_utf8_valid("\xF4\x90\x80\x80", 4));
    assert_true(cm_utf8_valid("\xF0\x9F\x98\x80 ok", 7));
    assert_true(cm_utf8_valid(NULL, 0));
    char *u = NULL;
    size_t ul = 0;
    assert_int_equal(cm_cp1252_to_utf8("T\xfcrkiye", 8, &u, &ul), CM_OK);
    assert_string_equal(u, "T\xC3\xBCrkiye");
    assert_int_equal(ul, 9);
    cm_free(u);
    assert_int_equal(cm_cp1252_to_utf8("x", 1, NULL, NULL), CM_EINVAL);
}

static void test_long_record(void **state)
{
    (void)state;
    size_t n = 1000 * 1000;
    char *big = malloc(n + 16);
    assert_non_null(big);
    memcpy(big, "a,b\n", 4);
    memset(big + 4, 'x', n);
    big[n + 4] = '\n';
    cm_csv_stats_t st;
    cm_error_info_t err;
    cm_error_clear(&err);
    long before = cm_alloc_outstanding();
    cm_error_t rc = cm_csv_read_buffer(big, n + 5, "big.csv", NULL, NULL, NULL, &st, &err);
    assert_int_equal(rc, CM_EPARSE);
    assert_string_equal(err.message, "record longer than 524288 bytes");
    assert_int_equal(err.line, 2);
    assert_int_equal(cm_alloc_outstanding(), before);
    /* the same through a file, and a smaller limit */
    char path[4200];
    snprintf(path, sizeof path, "%s/big.csv", cm_test_tmpdir());
    CHECK_OK(cm_file_write_atomic(path, big, n + 5, &err), &err);
    free(big);
    cm_table_t t = CM_TABLE_NULL;
    CHECK_ERROR(cm_table_read(&t, path, NULL, 0, &err), CM_EPARSE);
    assert_string_equal(err.message, "record longer than 524288 bytes");
    cm_csv_options_t o;
    cm_csv_options_default(&o);
    o.max_record_bytes = 2;
    CHECK_ERROR(read_buf("abc\n", &o, &(collect_t){0}, &st, &err), CM_EPARSE);
    assert_string_equal(err.message, "record longer than 2 bytes");
    remove(path);
}

static void test_writer_roundtrip(void **state)
{
    (void)state;
    char path[4200];
    cm_error_info_t err;
    cm_csv_writer_t *w = NULL;
    cm_error_clear(&err);
    snprintf(path, sizeof path, "%s/out.csv", cm_test_tmpdir());
    static const char *rows[4][4] = {
        {"name", "value", "note", "empty"},
        {"plain", "1.5", "has,comma", NULL},
        {" lead", "trail ", "quote \"q\"", ""},
        {"multi\nline", "cr\rx", "semi;colon", "T\xC3\xBCrkiye"},
    };
    CHECK_OK(cm_csv_writer_open(path, ',', &w, &err), &err);
    for (int i = 0; i < 4; i++) {
        CHECK_OK(cm_csv_write_row(w, 4, rows[i], &err), &err);
    }
    /* nothing is visible before commit */
    struct stat sb;
    assert_int_not_equal(stat(path, &sb), 0);
    CHECK_OK(cm_csv_writer_commit(w, &err), &err);
    char *text = NULL;
    CHECK_OK(cm_file_read_all(path, 0, &text, NULL, &err), &err);
    assert_string_equal(text, "name,value,note,empty\n"
                              "plain,1.5,\"has,comma\",\n"
                              "\" lead\",\"trail \",\"quote \"\"q\"\"\",\n"
                              "\"multi\nline\",\"cr\rx\",semi;colon,T\xC3\xBCrkiye\n");
    cm_free(text);
    cm_table_t t = CM_TABLE_NULL;
    CHECK_OK(cm_table_read(&t, path, NULL, 1, &err), &err);
    for (size_t i = 1; i < 4; i++) {
        for (size_t j = 0; j < 4; j++) {
            const char *want = rows[i][j] != NULL ? rows[i][j] : "";
            assert_string_equal(cm_table_cell(&t, i - 1, j), want);
        }
    }
    cm_table_destroy(&t);

    /* ';' writer: the separator is quoted, commas are not */
    CHECK_OK(cm_csv_writer_open(path, ';', &w, &err), &err);
    const char *r2[2] = {"a;b", "1,5"};
    CHECK_OK(cm_csv_write_row(w, 2, r2, &err), &err);
    CHECK_OK(cm_csv_writer_commit(w, &err), &err);
    CHECK_OK(cm_file_read_all(path, 0, &text, NULL, &err), &err);
    assert_string_equal(text, "\"a;b\";1,5\n");
    cm_free(text);

    /* abort keeps the old content */
    CHECK_OK(cm_csv_writer_open(path, ',', &w, &err), &err);
    CHECK_OK(cm_csv_write_row(w, 2, r2, &err), &err);
    cm_csv_writer_abort(w);
    cm_csv_writer_abort(NULL);
    CHECK_OK(cm_file_read_all(path, 0, &text, NULL, &err), &err);
    assert_string_equal(text, "\"a;b\";1,5\n");
    cm_free(text);
    remove(path);

    CHECK_ERROR(cm_csv_writer_open(path, '|', &w, &err), CM_EINVAL);
    CHECK_ERROR(cm_csv_writer_open("/nonexistent/dir/out.csv", ',', &w, &err), CM_EFILE);
    assert_null(w);
    CHECK_ERROR(cm_csv_write_row(NULL, 1, r2, &err), CM_EINVAL);
    CHECK_ERROR(cm_csv_writer_commit(NULL, &err), CM_EINVAL);
}

static void test_doubles_through_csv(void **state)
{
    (void)state;
    char path[4200];
    cm_error_info_t err;
    cm_csv_writer_t *w = NULL;
    static const double vals[] = {0.1, -0.0, 1e308, 4.9e-324, 1.0 / 3.0, -123456.789e-30};
    size_t nv = sizeof vals / sizeof vals[0];
    char bufs[8][32];
    const char *fields[8];
    cm_error_clear(&err);
    snprintf(path, sizeof path, "%s/dbl.csv", cm_test_tmpdir());
    CHECK_OK(cm_csv_writer_open(path, '\t', &w, &err), &err);
    for (size_t i = 0; i < nv; i++) {
        snprintf(bufs[i], sizeof bufs[i], "v%zu", i);
        fields[i] = bufs[i];
    }
    CHECK_OK(cm_csv_write_row(w, nv, fields, &err), &err);
    for (size_t i = 0; i < nv; i++) {
        fields[i] = cm_csv_format_double(vals[i], bufs[i]);
    }
    CHECK_OK(cm_csv_write_row(w, nv, fields, &err), &err);
    CHECK_OK(cm_csv_writer_commit(w, &err), &err);
    cm_table_t t = CM_TABLE_NULL;
    CHECK_OK(cm_table_read(&t, path, NULL, 1, &err), &err);
    assert_int_equal(t.stats.separator, '\t');
    for (size_t i = 0; i < nv; i++) {
        cm_num_t n;
        CHECK_OK(cm_num_parse(cm_table_cell(&t, 0, i), NULL, &n, &err), &err);
        assert_memory_equal(&n.value, &vals[i], sizeof(double));
    }
    cm_table_destroy(&t);
    remove(path);
}

static void test_flags_file(void **state)
{
    (void)state;
    cm_table_t t = CM_TABLE_NULL;
    cm_error_info_t err;
    cm_error_clear(&err);
    CHECK_OK(cm_table_read(&t, cm_test_source("tests/data/csv/flags.csv"), NULL, 1, &err), &err);
    static const unsigned want[] = {CM_NUMF_WITHHELD, CM_NUMF_LESS_THAN | CM_NUMF_PERCENT,
                                    CM_NUMF_NOT_AVAILABLE, CM_NUMF_ESTIMATED, CM_NUMF_PERCENT,
                                    CM_NUMF_NA, CM_NUMF_NIL};
    assert_int_equal(t.nrows, 7);
    for (size_t i = 0; i < t.nrows; i++) {
        cm_num_t n;
        CHECK_OK(cm_num_parse(cm_table_cell(&t, i, 1), NULL, &n, &err), &err);
        assert_int_equal(n.flags, want[i]);
        cm_num_t e;
        CHECK_OK(cm_num_parse(cm_table_cell(&t, i, 2), NULL, &e, &err), &err);
        assert_int_equal(e.flags, CM_NUMF_EMPTY);
    }
    cm_table_destroy(&t);
}

/* Every allocation of a whole-table read may fail: no leak, no crash, CM_ENOMEM reported. */
static void test_alloc_failures(void **state)
{
    (void)state;
    const char *files[] = {"tests/data/csv/quoted_newline.csv",
                           "tests/data/csv/cp1252_semicolon.csv", "tests/data/csv/bom.csv"};
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        int ok = 0;
        for (long k = 0; k < 200 && !ok; k++) {
            cm_table_t t = CM_TABLE_NULL;
            cm_error_info_t err;
            cm_error_clear(&err);
            long before = cm_alloc_outstanding();
            cm_test_fail_alloc_after(k);
            cm_error_t rc = cm_table_read(&t, cm_test_source(files[f]), NULL, 1, &err);
            long failures = cm_test_alloc_failures();
            cm_test_fail_alloc_after(-1);
            if (rc == CM_OK) {
                assert_int_equal(failures, 0);
                ok = 1;
                cm_table_destroy(&t);
            } else {
                assert_int_equal(rc, CM_ENOMEM);
                assert_null(t.cells);
                assert_null(t.header);
            }
            assert_int_equal(cm_alloc_outstanding(), before);
        }
        assert_true(ok);
    }
}

static void test_file_helpers(void **state)
{
    (void)state;
    char path[4200], dir[4200];
    cm_error_info_t err;
    char *text = NULL;
    size_t len = 0;
    cm_error_clear(&err);
    snprintf(path, sizeof path, "%s/f.txt", cm_test_tmpdir());
    CHECK_OK(cm_file_write_atomic(path, "hello", 5, &err), &err);
    CHECK_OK(cm_file_read_all(path, 0, &text, &len, &err), &err);
    assert_string_equal(text, "hello");
    assert_int_equal(len, 5);
    cm_free(text);
    CHECK_ERROR(cm_file_read_all(path, 4, &text, &len, &err), CM_EOVERFLOW);
    assert_null(text);
    CHECK_ERROR(cm_file_read_all("/nonexistent/f", 0, &text, &len, &err), CM_EFILE);
    CHECK_ERROR(cm_file_read_all(NULL, 0, &text, &len, &err), CM_EINVAL);
    /* streamed writer */
    cm_afile_t *f = NULL;
    CHECK_OK(cm_afile_open(path, &f, &err), &err);
    assert_non_null(cm_afile_stream(f));
    CHECK_OK(cm_afile_printf(f, &err, "%d-%s", 42, "x"), &err);
    fputs("|", cm_afile_stream(f));
    CHECK_OK(cm_afile_write(f, "end", 3, &err), &err);
    CHECK_OK(cm_afile_commit(f, &err), &err);
    CHECK_OK(cm_file_read_all(path, 0, &text, NULL, &err), &err);
    assert_string_equal(text, "42-x|end");
    cm_free(text);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0644);
    /* a rename that fails (the target is a directory) leaves no temporary file behind */
    snprintf(dir, sizeof dir, "%s/adir", cm_test_tmpdir());
    assert_int_equal(mkdir(dir, 0755), 0);
    CHECK_ERROR(cm_file_write_atomic(dir, "x", 1, &err), CM_EFILE);
    assert_non_null(strstr(err.message, "rename"));
    assert_int_equal(rmdir(dir), 0); /* empty: the temporary file was removed */
    CHECK_ERROR(cm_afile_open(NULL, &f, &err), CM_EINVAL);
    CHECK_ERROR(cm_afile_write(NULL, "x", 1, &err), CM_EINVAL);
    CHECK_ERROR(cm_afile_commit(NULL, &err), CM_EINVAL);
    cm_afile_abort(NULL);
    /* bad options */
    cm_csv_options_t o;
    cm_csv_options_default(&o);
    o.encoding = (cm_encoding_t)7;
    collect_t c;
    cm_csv_stats_t st;
    CHECK_ERROR(read_buf("a\n", &o, &c, &st, &err), CM_EINVAL);
    CHECK_ERROR(cm_csv_read_file(NULL, NULL, NULL, NULL, &st, &err), CM_EINVAL);
    remove(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CM_TEST(test_basic_and_positions),
        CM_TEST(test_crlf_bom_separators),
        CM_TEST(test_files),
        CM_TEST(test_errors_with_positions),
        CM_TEST(test_blank_lines_kept),
        CM_TEST(test_encodings),
        CM_TEST(test_long_record),
        CM_TEST(test_writer_roundtrip),
        CM_TEST(test_doubles_through_csv),
        CM_TEST(test_flags_file),
        CM_TEST(test_alloc_failures),
        CM_TEST(test_file_helpers),
    };
    return CM_RUN_TESTS(tests);
}

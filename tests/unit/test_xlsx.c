/* Tests of the xlsx reader (src/fmt/xlsx.c) on the fixtures of tests/data/xlsx (made by
 * make_fixtures.py) and on the UNSD HS2022 -> HS2017 workbook when ../shared is present. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <zip.h>

#include "cambium/cambium.h"
#include "cm_test.h"

/* Rows collected as "line|f1|f2|...". */
typedef struct rows_t {
    char text[32][160];
    size_t n;
    size_t nfields[32];
    int64_t records;
    int64_t stop_at; /* return CM_EINVAL at this record (0 = never) */
} rows_t;

static cm_error_t collect(const cm_csv_row_t *row, void *ud, cm_error_info_t *err)
{
    rows_t *r = ud;
    r->records = row->record;
    if (r->stop_at > 0 && row->record == r->stop_at) {
        return cm_error_set(err, CM_EINVAL, "stopped at record %lld", (long long)row->record);
    }
    if (r->n < 32) {
        size_t o = (size_t)snprintf(r->text[r->n], 160, "%lld", (long long)row->line);
        for (size_t i = 0; i < row->nfields && o < 160; i++) {
            assert_int_equal(strlen(row->fields[i]), row->lengths[i]);
            o += (size_t)snprintf(r->text[r->n] + o, 160 - o, "|%s", row->fields[i]);
        }
        r->nfields[r->n] = row->nfields;
        r->n++;
    }
    return CM_OK;
}

static const char *tiny(void)
{
    return cm_test_source("tests/data/xlsx/tiny.xlsx");
}

static void test_shared_strings_numbers_booleans(void **state)
{
    (void)state;
    rows_t r;
    cm_error_info_t err;
    memset(&r, 0, sizeof r);
    CHECK_OK(cm_xlsx_read(tiny(), "Codes", 0, NULL, collect, &r, &err), &err);
    assert_int_equal(r.n, 4);
    assert_string_equal(r.text[0], "1|code|label|value|flag");
    /* escaped XML text, a number kept as its text, a boolean */
    assert_string_equal(r.text[1], "2|010121|Horses & asses <pure>|2.5|TRUE");
    assert_string_equal(r.text[2], "3|010129||1E-3|FALSE");
    /* row 4 is absent; row 5 has cells A and E: B..D are empty */
    assert_string_equal(r.text[3], "5|999999||||42");
    assert_int_equal(r.nfields[3], 5);
}

static void test_inline_rich_and_index(void **state)
{
    (void)state;
    rows_t r;
    cm_error_info_t err;
    memset(&r, 0, sizeof r);
    /* sheet by index: the second one */
    CHECK_OK(cm_xlsx_read(tiny(), NULL, 1, NULL, collect, &r, &err), &err);
    assert_int_equal(r.n, 3); /* the empty row 4 is not reported */
    assert_string_equal(r.text[0], "1|from| to ");
    /* cells without references follow each other; rich text joined, phonetic left out */
    assert_string_equal(r.text[1], "2|a|7|Rich text");
    /* an error value and a formula's cached result as text */
    assert_string_equal(r.text[2], "3|||#N/A|from");
    assert_int_equal(r.records, 3);
}

static void test_sheet_list(void **state)
{
    (void)state;
    cm_xlsx_sheets_t s;
    cm_error_info_t err;
    memset(&s, 0, sizeof s);
    CHECK_OK(cm_xlsx_sheets(tiny(), &s, &err), &err);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.names[0], "Codes");
    assert_string_equal(s.names[1], "Inline");
    CHECK_OK(cm_xlsx_sheets(tiny(), &s, &err), &err); /* an earlier list is released */
    assert_int_equal(s.n, 2);
    cm_xlsx_sheets_destroy(&s);
    cm_xlsx_sheets_destroy(&s);
    assert_null(s.names);
}

static void test_errors(void **state)
{
    (void)state;
    rows_t r;
    cm_error_info_t err;
    cm_xlsx_sheets_t s;
    memset(&r, 0, sizeof r);
    memset(&s, 0, sizeof s);
    CHECK_ERROR(cm_xlsx_read(NULL, NULL, 0, NULL, collect, &r, &err), CM_EINVAL);
    CHECK_ERROR(cm_xlsx_read(tiny(), NULL, 0, NULL, NULL, &r, &err), CM_EINVAL);
    CHECK_ERROR(cm_xlsx_sheets(NULL, &s, &err), CM_EINVAL);
    CHECK_ERROR(cm_xlsx_read(tiny(), "Nope", 0, NULL, collect, &r, &err), CM_ENOTFOUND);
    assert_non_null(strstr(err.message, "'Codes', 'Inline'"));
    CHECK_ERROR(cm_xlsx_read(tiny(), NULL, 2, NULL, collect, &r, &err), CM_ENOTFOUND);
    CHECK_ERROR(cm_xlsx_read("/nonexistent/x.xlsx", NULL, 0, NULL, collect, &r, &err),
                CM_EFILE);
    /* a CSV file is not a zip archive */
    CHECK_ERROR(cm_xlsx_read(cm_test_source("tests/data/xlsx/hs_correlation_tiny.csv"), NULL, 0,
                             NULL, collect, &r, &err),
                CM_EFILE);
    CHECK_ERROR(cm_xlsx_sheets("/nonexistent/x.xlsx", &s, &err), CM_EFILE);
    /* the callback's code stops the read */
    r.stop_at = 2;
    CHECK_ERROR(cm_xlsx_read(tiny(), "Codes", 0, NULL, collect, &r, &err), CM_EINVAL);
    assert_int_equal(r.records, 2);
    /* a row over the column limit names the sheet and the cell */
    memset(&r, 0, sizeof r);
    cm_xlsx_options_t o = {0, 4, 0};
    CHECK_ERROR(cm_xlsx_read(tiny(), "Codes", 0, &o, collect, &r, &err), CM_EPARSE);
    assert_non_null(strstr(err.message, "[Codes] cell E5"));
    assert_int_equal(err.line, 5);
    assert_int_equal(err.column, 5);
    /* a cell longer than the limit */
    cm_xlsx_options_t o2 = {4, 0, 0};
    CHECK_ERROR(cm_xlsx_read(tiny(), "Codes", 0, &o2, collect, &r, &err), CM_EPARSE);
    /* shared strings over their limit */
    cm_xlsx_options_t o3 = {0, 0, 10};
    CHECK_ERROR(cm_xlsx_read(tiny(), "Codes", 0, &o3, collect, &r, &err), CM_EPARSE);
    assert_non_null(strstr(err.message, "shared strings"));
}

/* A workbook built in memory: a zip with the given sheet XML (libzip writes it). */
static void *make_book(const char *sheet_xml, const char *sst_xml, size_t *size)
{
    static const char wb[] =
        "<workbook xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/"
        "relationships\"><sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets>"
        "</workbook>";
    static const char rels[] =
        "<Relationships><Relationship Id=\"rId1\" Type=\"x/worksheet\" "
        "Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" "
        "Type=\"x/sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>";
    char path[1024];
    snprintf(path, sizeof path, "%s/mem.xlsx", cm_test_tmpdir());
    remove(path);
    int zerr = 0;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    assert_non_null(z);
    const char *names[] = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                           "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"};
    const char *bodies[] = {wb, rels, sheet_xml, sst_xml};
    for (int i = 0; i < 4; i++) {
        if (bodies[i] == NULL) {
            continue;
        }
        zip_source_t *src = zip_source_buffer(z, bodies[i], strlen(bodies[i]), 0);
        assert_non_null(src);
        assert_true(zip_file_add(z, names[i], src, ZIP_FL_OVERWRITE) >= 0);
    }
    assert_int_equal(zip_close(z), 0);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    void *buf = malloc((size_t)n);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *size = (size_t)n;
    return buf;
}

static cm_error_t read_mem(const char *sheet_xml, const char *sst, rows_t *r,
                           cm_error_info_t *err)
{
    size_t n = 0;
    void *buf = make_book(sheet_xml, sst, &n);
    memset(r, 0, sizeof *r);
    cm_error_t rc = cm_xlsx_read_buffer(buf, n, "mem.xlsx", "S", 0, NULL, collect, r, err);
    free(buf);
    return rc;
}

static void test_bad_cells(void **state)
{
    (void)state;
    rows_t r;
    cm_error_info_t err;
    static const char sst[] = "<sst><si><t>x</t></si></sst>";
    CHECK_OK(read_mem("<worksheet><sheetData><row r=\"2\"><c r=\"B2\" t=\"s\"><v>0</v></c>"
                      "</row></sheetData></worksheet>",
                      sst, &r, &err),
             &err);
    assert_string_equal(r.text[0], "2||x");
    /* a shared-string index out of range */
    CHECK_ERROR(read_mem("<worksheet><sheetData><row r=\"7\"><c r=\"C7\" t=\"s\"><v>3</v></c>"
                         "</row></sheetData></worksheet>",
                         sst, &r, &err),
                CM_EPARSE);
    assert_non_null(strstr(err.message, "[S] cell C7: expected a shared-string index below 1"));
    assert_string_equal(err.file, "mem.xlsx");
    assert_int_equal(err.line, 7);
    assert_int_equal(err.column, 3);
    /* a reference of another row, a malformed reference, a bad boolean */
    CHECK_ERROR(read_mem("<worksheet><sheetData><row r=\"1\"><c r=\"A2\"><v>1</v></c>"
                         "</row></sheetData></worksheet>",
                         sst, &r, &err),
                CM_EPARSE);
    CHECK_ERROR(read_mem("<worksheet><sheetData><row r=\"1\"><c r=\"1A\"><v>1</v></c>"
                         "</row></sheetData></worksheet>",
                         sst, &r, &err),
                CM_EPARSE);
    CHECK_ERROR(read_mem("<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"b\"><v>2</v></c>"
                         "</row></sheetData></worksheet>",
                         sst, &r, &err),
                CM_EPARSE);
    CHECK_ERROR(read_mem("<worksheet><sheetData><row r=\"x\"></row></sheetData></worksheet>",
                         sst, &r, &err),
                CM_EPARSE);
    /* malformed XML names the part, line and column */
    CHECK_ERROR(read_mem("<worksheet><sheetData><row r=\"1\">\n<c r=\"A1\"><v>1</c>"
                         "</row></sheetData></worksheet>",
                         sst, &r, &err),
                CM_EPARSE);
    assert_non_null(strstr(err.message, "xl/worksheets/sheet1.xml"));
    assert_int_equal(err.line, 2);
    /* a document type declaration is refused (no entity expansion) */
    CHECK_ERROR(read_mem("<!DOCTYPE worksheet [<!ENTITY a \"aaaa\">]><worksheet/>", sst, &r,
                         &err),
                CM_EPARSE);
    assert_non_null(strstr(err.message, "DOCTYPE"));
    /* no shared strings part: a sheet of numbers still reads */
    CHECK_OK(read_mem("<worksheet><sheetData><row><c><v>1</v></c><c><v>2</v></c></row>"
                      "</sheetData></worksheet>",
                      NULL, &r, &err),
             &err);
    assert_string_equal(r.text[0], "1|1|2");
    /* bytes that are not a zip archive */
    CHECK_ERROR(cm_xlsx_read_buffer("not a zip", 9, NULL, NULL, 0, NULL, collect, &r, &err),
                CM_EFILE);
    CHECK_ERROR(cm_xlsx_read_buffer(NULL, 0, NULL, NULL, 0, NULL, NULL, &r, &err), CM_EINVAL);
}

static void test_alloc_failures(void **state)
{
    (void)state;
    int done = 0;
    for (long n = 0; n < 400 && !done; n++) {
        rows_t r;
        cm_xlsx_sheets_t s;
        cm_error_info_t err;
        memset(&r, 0, sizeof r);
        memset(&s, 0, sizeof s);
        cm_test_fail_alloc_after(n);
        cm_error_t rc = cm_xlsx_read(tiny(), NULL, 1, NULL, collect, &r, &err);
        if (rc == CM_OK) {
            rc = cm_xlsx_sheets(tiny(), &s, &err);
        }
        cm_test_fail_alloc_after(-1);
        cm_xlsx_sheets_destroy(&s);
        if (rc == CM_OK) {
            done = 1;
            assert_string_equal(r.text[1], "2|a|7|Rich text");
        } else {
            assert_int_equal(rc, CM_ENOMEM);
        }
    }
    assert_true(done);
}

/* The real UNSD workbook: 2 sheets, 15,657 correlations below a banner and a header. */
typedef struct unsd_t {
    int64_t rows;
    int64_t rel[4];
    char header[128];
    char last[64];
} unsd_t;

static cm_error_t unsd_row(const cm_csv_row_t *row, void *ud, cm_error_info_t *err)
{
    unsd_t *u = ud;
    (void)err;
    if (row->line == 2) {
        snprintf(u->header, sizeof u->header, "%s|%s|%s", row->fields[0], row->fields[1],
                 row->nfields > 2 ? row->fields[2] : "");
    }
    if (row->line > 2 && row->nfields == 3) {
        static const char *const kinds[] = {"1:1", "n:1", "1:n", "n:n"};
        u->rows++;
        for (int i = 0; i < 4; i++) {
            if (strcmp(row->fields[2], kinds[i]) == 0) {
                u->rel[i]++;
            }
        }
        snprintf(u->last, sizeof u->last, "%s>%s", row->fields[0], row->fields[1]);
    }
    return CM_OK;
}

static void test_unsd_workbook(void **state)
{
    (void)state;
    const char *p =
        cm_test_shared("concordances-unsd-wits/HS2022toHS2017ConversionAndCorrelationTables.xlsx");
    if (p == NULL) {
        skip();
    }
    cm_xlsx_sheets_t s;
    cm_error_info_t err;
    unsd_t u;
    memset(&s, 0, sizeof s);
    memset(&u, 0, sizeof u);
    CHECK_OK(cm_xlsx_sheets(p, &s, &err), &err);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.names[1], "HS2022-HS2017 Correlations");
    CHECK_OK(cm_xlsx_read(p, s.names[1], 0, NULL, unsd_row, &u, &err), &err);
    cm_xlsx_sheets_destroy(&s);
    assert_string_equal(u.header, "HS2022| HS2017|Relationship");
    assert_int_equal(u.rows, 15657); /* SOURCE.md: 15,657 correlations */
    assert_int_equal(u.rel[0] + u.rel[1] + u.rel[2] + u.rel[3], u.rows);
    assert_true(u.rel[2] > 0 && u.rel[3] > 0);
    assert_string_equal(u.last, "999999>999999");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CM_TEST(test_shared_strings_numbers_booleans),
        CM_TEST(test_inline_rich_and_index),
        CM_TEST(test_sheet_list),
        CM_TEST(test_errors),
        CM_TEST(test_bad_cells),
        CM_TEST(test_alloc_failures),
        CM_TEST(test_unsd_workbook),
    };
    return CM_RUN_TESTS(tests);
}

/* The report writers (src/report): CSV -> table object, CSV and JSON back, HTML escaping and
 * completeness, the XLSX read back with the project's own reader, allocation failures. */
#include <string.h>

#include "cambium/cambium.h"
#include "cm_test.h"

static const char CSV[] = "material,code,value,flag,note\n"
                          "cobalt,0302,2.5,,\"a, quoted\"\"text\"\n"
                          "copper,811010,-1e-3,e,plain\n"
                          "\"<&\"\"x\",12,7,,\n";

static json_t *make_table(const char *id, const char *section)
{
    cm_report_table_spec_t spec;
    memset(&spec, 0, sizeof spec);
    spec.id = id;
    spec.section = section;
    spec.title = "A <title> & more";
    spec.material_column = "material";
    spec.source = "cambium test";
    spec.note = "note \"quoted\"";
    spec.figure_svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect/></svg>";
    spec.units = "value=t";
    json_t *t = NULL;
    cm_error_info_t err;
    cm_error_clear(&err);
    CHECK_OK(cm_report_table_from_buffer(CSV, strlen(CSV), "t.csv", &spec, &t, &err), &err);
    return t;
}

static void test_conversion(void **state)
{
    (void)state;
    cm_json_init();
    json_t *t = make_table("t1", "s");
    const json_t *rows = json_object_get(t, "rows");
    assert_int_equal(json_array_size(rows), 3);
    const json_t *r0 = json_array_get(rows, 0);
    assert_string_equal(json_string_value(json_array_get(r0, 0)), "cobalt");
    assert_string_equal(json_string_value(json_array_get(r0, 1)), "0302"); /* leading zero */
    ASSERT_NEAR(json_number_value(json_array_get(r0, 2)), 2.5, 0, 0);
    assert_true(json_is_null(json_array_get(r0, 3))); /* empty cell */
    assert_string_equal(json_string_value(json_array_get(r0, 4)), "a, quoted\"text");
    const json_t *r1 = json_array_get(rows, 1);
    assert_true(json_is_integer(json_array_get(r1, 1)));
    ASSERT_NEAR(json_number_value(json_array_get(r1, 2)), -1e-3, 0, 0);
    assert_string_equal(json_string_value(json_array_get(r1, 3)), "e");
    const json_t *col2 = json_array_get(json_object_get(t, "columns"), 2);
    assert_string_equal(json_string_value(json_object_get(col2, "unit")), "t");
    assert_string_equal(json_string_value(json_object_get(t, "material_column")), "material");
    json_decref(t);
}

static void test_text_columns_and_errors(void **state)
{
    (void)state;
    cm_report_table_spec_t spec;
    json_t *t = NULL;
    cm_error_info_t err;
    memset(&spec, 0, sizeof spec);
    spec.id = "t2";
    spec.section = "s";
    spec.title = "x";
    spec.text_columns = "code";
    CHECK_OK(cm_report_table_from_buffer(CSV, strlen(CSV), "t.csv", &spec, &t, &err), &err);
    assert_true(json_is_string(json_array_get(json_array_get(json_object_get(t, "rows"), 1), 1)));
    json_decref(t);
    spec.id = "Bad Id";
    CHECK_ERROR(cm_report_table_from_buffer(CSV, strlen(CSV), "t.csv", &spec, &t, &err), CM_EINVAL);
    spec.id = "t2";
    spec.material_column = "nope";
    CHECK_ERROR(cm_report_table_from_buffer(CSV, strlen(CSV), "t.csv", &spec, &t, &err), CM_EINVAL);
    spec.material_column = NULL;
    spec.figure_svg = "<img>";
    CHECK_ERROR(cm_report_table_from_buffer(CSV, strlen(CSV), "t.csv", &spec, &t, &err), CM_EINVAL);
    spec.figure_svg = NULL;
    CHECK_ERROR(cm_report_table_from_buffer("", 0, "e.csv", &spec, &t, &err), CM_EPARSE);
    CHECK_ERROR(cm_report_table_from_buffer("a\n\"x", 4, "q.csv", &spec, &t, &err), CM_EPARSE);
    CHECK_ERROR(cm_report_table_from_csv("/nonexistent/x.csv", &spec, &t, &err), CM_EFILE);
    assert_null(t);
}

static json_t *make_assessment(void)
{
    json_t *a = json_pack("{s:s, s:s, s:[{s:s, s:s, s:s, s:s, s:[s], s:[s]},"
                          "{s:s, s:s, s:s, s:s}],"
                          " s:[{s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s}]}",
                          "recipe", "test", "recipe_sha256", "abc", "sections", "id", "sec1",
                          "title", "Section <1>", "methods", "m & m", "status", "done", "tables",
                          "t1", "summary", "line <b>", "id", "sec2", "title", "Absent one",
                          "status", "absent", "reason", "no data", "datasets", "id", 3, "kind",
                          "wgi", "name", "WGI \"2024\"", "publisher", "World Bank", "licence",
                          "CC BY 4.0", "version", "2024", "file", "w.csv", "sha256",
                          "9355a681bd40");
    assert_non_null(a);
    json_t *files = json_pack("[{s:s, s:s, s:[s, s]}]", "path", "models/w<1>.ini", "sha256",
                              "77aa0c5e1f", "used_by", "mmsa", "trade-waste");
    assert_non_null(files);
    assert_int_equal(json_object_set_new(a, "files", files), 0);
    return a;
}

static void test_html(void **state)
{
    (void)state;
    json_t *a = make_assessment();
    json_t *tables = json_object();
    json_object_set_new(tables, "t1", make_table("t1", "sec1"));
    char *html = NULL;
    cm_error_info_t err;
    CHECK_OK(cm_report_html(a, tables, NULL, &html, &err), &err);
    assert_non_null(strstr(html, "<section id=\"sec1\">"));
    assert_non_null(strstr(html, "<section id=\"sec2\">"));
    assert_non_null(strstr(html, "<section id=\"provenance\">"));
    assert_non_null(strstr(html, "&lt;&amp;&quot;x")); /* the material name <&"x escaped */
    assert_null(strstr(html, "<&\"x"));
    assert_non_null(strstr(html, "Section &lt;1&gt;"));
    assert_non_null(strstr(html, "World Bank"));
    assert_non_null(strstr(html, "9355a681bd40"));
    assert_non_null(strstr(html, "WGI &quot;2024&quot;"));
    /* the input files beside the datasets, inside the provenance appendix */
    const char *files = strstr(html, "<h3 id=\"files\">");
    assert_non_null(files);
    assert_true(files > strstr(html, "<section id=\"provenance\">"));
    assert_non_null(strstr(files, "<td>models/w&lt;1&gt;.ini</td><td><code>77aa0c5e1f</code></td>"
                                  "<td>mmsa, trade-waste</td>"));
    assert_non_null(strstr(html, "<svg xmlns"));
    assert_non_null(strstr(html, "href=\"tables/t1.csv\""));
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "<link"));
    cm_free(html);
    /* a long table: first rows and the count */
    cm_report_html_options_t opt = {2, "tab"};
    CHECK_OK(cm_report_html(a, tables, &opt, &html, &err), &err);
    assert_non_null(strstr(html, "First 2 of 3 rows"));
    assert_non_null(strstr(html, "href=\"tab/t1.csv\""));
    cm_free(html);
    /* no files: no Files table */
    json_object_del(a, "files");
    CHECK_OK(cm_report_html(a, tables, NULL, &html, &err), &err);
    assert_null(strstr(html, "id=\"files\""));
    assert_non_null(strstr(html, "<section id=\"provenance\">"));
    cm_free(html);
    json_t *arr = json_array();
    CHECK_ERROR(cm_report_html(a, arr, NULL, &html, &err), CM_EINVAL); /* tables not an object */
    CHECK_ERROR(cm_report_html(tables, tables, NULL, &html, &err), CM_EINVAL); /* no sections */
    json_decref(arr);
    json_decref(a);
    json_decref(tables);
}

static void test_html_alloc_failures(void **state)
{
    (void)state;
    json_t *a = make_assessment();
    json_t *tables = json_object();
    json_object_set_new(tables, "t1", make_table("t1", "sec1"));
    int ok = 0;
    for (long n = 0; n < 2000 && !ok; n++) {
        char *html = NULL;
        cm_test_fail_alloc_after(n);
        cm_error_t rc = cm_report_html(a, tables, NULL, &html, NULL);
        cm_test_fail_alloc_after(-1);
        if (rc == CM_OK) {
            ok = 1;
            cm_free(html);
        } else {
            assert_int_equal(rc, CM_ENOMEM);
            assert_null(html);
        }
    }
    assert_true(ok);
    ok = 0;
    cm_report_table_spec_t spec = {"t3", "s", "x", "material", NULL, NULL, NULL, NULL, NULL};
    for (long n = 0; n < 2000 && !ok; n++) {
        json_t *t = NULL;
        cm_test_fail_alloc_after(n);
        cm_error_t rc = cm_report_table_from_buffer(CSV, strlen(CSV), "t.csv", &spec, &t, NULL);
        cm_test_fail_alloc_after(-1);
        if (rc == CM_OK) {
            ok = 1;
            json_decref(t);
        } else {
            assert_int_equal(rc, CM_ENOMEM);
            assert_null(t);
        }
    }
    assert_true(ok);
    json_decref(a);
    json_decref(tables);
}

typedef struct rows_t {
    const json_t *table;
    size_t n;
} rows_t;

static cm_error_t on_xrow(const cm_csv_row_t *row, void *user_data, cm_error_info_t *err)
{
    (void)err;
    rows_t *r = user_data;
    const json_t *cols = json_object_get(r->table, "columns");
    if (r->n == 0) {
        for (size_t j = 0; j < json_array_size(cols); j++) {
            assert_string_equal(row->fields[j],
                                json_string_value(json_object_get(json_array_get(cols, j), "name")));
        }
    } else {
        const json_t *jr = json_array_get(json_object_get(r->table, "rows"), r->n - 1);
        for (size_t j = 0; j < json_array_size(jr); j++) {
            const json_t *v = json_array_get(jr, j);
            const char *f = j < row->nfields ? row->fields[j] : "";
            if (json_is_number(v)) {
                double d = strtod(f, NULL);
                ASSERT_NEAR(d, json_number_value(v), 1e-15, 0);
            } else if (json_is_string(v)) {
                assert_string_equal(f, json_string_value(v));
            } else {
                assert_string_equal(f, "");
            }
        }
    }
    r->n++;
    return CM_OK;
}

/* The provenance sheet: header, the dataset, a blank row, the files header and the file. */
typedef struct prov_t {
    size_t n;
    int dataset, files_header, file;
} prov_t;

static cm_error_t on_prov(const cm_csv_row_t *row, void *user_data, cm_error_info_t *err)
{
    (void)err;
    prov_t *p = user_data;
    const char *f0 = row->nfields > 0 ? row->fields[0] : "";
    if (row->nfields > 7 && strcmp(row->fields[7], "9355a681bd40") == 0) {
        p->dataset++;
    }
    if (row->nfields >= 3 && strcmp(f0, "path") == 0 && strcmp(row->fields[2], "used_by") == 0) {
        p->files_header++;
    }
    if (row->nfields >= 3 && strcmp(f0, "models/w<1>.ini") == 0) {
        assert_string_equal(row->fields[1], "77aa0c5e1f");
        assert_string_equal(row->fields[2], "mmsa, trade-waste");
        p->file++;
    }
    p->n++;
    return CM_OK;
}

static void test_xlsx_and_csv(void **state)
{
    (void)state;
    json_t *a = make_assessment();
    json_t *tables = json_object();
    json_t *t = make_table("t1", "sec1");
    json_object_set_new(tables, "t1", t);
    char path[1024], csv[1024], json[1024];
    cm_error_info_t err;
    snprintf(path, sizeof path, "%s/a.xlsx", cm_test_tmpdir());
    snprintf(csv, sizeof csv, "%s/t1.csv", cm_test_tmpdir());
    snprintf(json, sizeof json, "%s/t1.json", cm_test_tmpdir());
    CHECK_OK(cm_report_write_xlsx(a, tables, path, &err), &err);
    cm_xlsx_sheets_t sheets;
    memset(&sheets, 0, sizeof sheets);
    CHECK_OK(cm_xlsx_sheets(path, &sheets, &err), &err);
    assert_int_equal(sheets.n, 2);
    assert_string_equal(sheets.names[0], "provenance");
    assert_string_equal(sheets.names[1], "t1");
    cm_xlsx_sheets_destroy(&sheets);
    prov_t pv = {0, 0, 0, 0};
    CHECK_OK(cm_xlsx_read(path, "provenance", 0, NULL, on_prov, &pv, &err), &err);
    assert_int_equal(pv.dataset, 1);
    assert_int_equal(pv.files_header, 1);
    assert_int_equal(pv.file, 1);
    rows_t r = {t, 0};
    CHECK_OK(cm_xlsx_read(path, "t1", 0, NULL, on_xrow, &r, &err), &err);
    assert_int_equal(r.n, 4);
    /* the CSV written from the table reads back to the same table */
    CHECK_OK(cm_report_table_write_csv(t, csv, &err), &err);
    cm_report_table_spec_t spec = {"t1", "sec1", "A <title> & more", "material", "cambium test",
                                   "note \"quoted\"",
                                   "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect/></svg>",
                                   NULL, "value=t"};
    json_t *back = NULL;
    CHECK_OK(cm_report_table_from_csv(csv, &spec, &back, &err), &err);
    assert_true(json_equal(back, t));
    json_decref(back);
    CHECK_OK(cm_report_write_json(t, json, &err), &err);
    CHECK_ERROR(cm_report_table_write_csv(a, csv, &err), CM_EINVAL);
    CHECK_ERROR(cm_report_write_xlsx(a, tables, "/nonexistent/dir/a.xlsx", &err), CM_EFILE);
    json_decref(a);
    json_decref(tables);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CM_TEST(test_conversion),     CM_TEST(test_text_columns_and_errors),
        CM_TEST(test_html),           CM_TEST(test_html_alloc_failures),
        CM_TEST(test_xlsx_and_csv),
    };
    return CM_RUN_TESTS(tests);
}

/* JSON helpers: allocator hook, load errors with positions, canonical dumps, table writing. */
#include <string.h>

#include "cm_test.h"
#include "cambium/cm_file.h"
#include "cambium/cm_json.h"

static void test_json_load_and_errors(void **state)
{
    (void)state;
    json_t *j = NULL;
    cm_error_info_t err;
    cm_error_clear(&err);
    long before = cm_alloc_outstanding();
    const char *good = "{\"b\": [1, 2.5, \"x\"], \"a\": null}";
    CHECK_OK(cm_json_load_buffer(good, strlen(good), "p.json", &j, &err), &err);
    /* jansson allocates through cambium: the document is counted */
    assert_true(cm_alloc_outstanding() > before);
    assert_int_equal(json_array_size(json_object_get(j, "b")), 3);
    json_decref(j);
    assert_int_equal(cm_alloc_outstanding(), before);

    const char *bad = "{\n  \"a\": 1,\n  \"b\": tru\n}";
    CHECK_ERROR(cm_json_load_buffer(bad, strlen(bad), "bad.json", &j, &err), CM_EPARSE);
    assert_null(j);
    assert_string_equal(err.file, "bad.json");
    assert_int_equal(err.line, 3);
    assert_true(err.column > 0);
    assert_non_null(strstr(err.message, "invalid JSON"));
    const char *dup = "{\"a\": 1, \"a\": 2}";
    CHECK_ERROR(cm_json_load_buffer(dup, strlen(dup), "dup.json", &j, &err), CM_EPARSE);
    assert_non_null(strstr(err.message, "duplicate"));
    CHECK_ERROR(cm_json_load_file("/nonexistent/x.json", &j, &err), CM_EFILE);
    CHECK_ERROR(cm_json_load_buffer("{}", 2, "x", NULL, &err), CM_EINVAL);
}

static void test_json_canonical(void **state)
{
    (void)state;
    json_t *a = NULL, *b = NULL;
    cm_error_info_t err;
    const char *ta = "{\"z\": 0.1, \"a\": {\"y\": [1, 2], \"x\": true}}";
    const char *tb = "{ \"a\" : { \"x\" : true , \"y\" : [ 1 , 2 ] } , \"z\" : 1e-1 }";
    CHECK_OK(cm_json_load_buffer(ta, strlen(ta), "a", &a, &err), &err);
    CHECK_OK(cm_json_load_buffer(tb, strlen(tb), "b", &b, &err), &err);
    char *ca = NULL, *cb = NULL;
    CHECK_OK(cm_json_dump_canonical(a, &ca, &err), &err);
    CHECK_OK(cm_json_dump_canonical(b, &cb, &err), &err);
    assert_string_equal(ca, cb);
    assert_string_equal(ca, "{\"a\":{\"x\":true,\"y\":[1,2]},\"z\":0.10000000000000001}");
    cm_free(ca);
    cm_free(cb);
    /* a changed value changes the text */
    json_object_set_new(b, "z", json_real(0.2));
    CHECK_OK(cm_json_dump_canonical(b, &cb, &err), &err);
    assert_non_null(strstr(cb, "0.20000000000000001"));
    cm_free(cb);
    json_decref(a);
    json_decref(b);
    CHECK_ERROR(cm_json_dump_canonical(NULL, &ca, &err), CM_EINVAL);
}

static void test_json_table(void **state)
{
    (void)state;
    char csv[4200], js[4200];
    cm_error_info_t err;
    cm_error_clear(&err);
    snprintf(csv, sizeof csv, "%s/t.csv", cm_test_tmpdir());
    snprintf(js, sizeof js, "%s/t.json", cm_test_tmpdir());
    const char *text = "country,year,value,flagged\nBEL,2020,1.5,W\nNLD,2021,,12.3 e\n";
    CHECK_OK(cm_file_write_atomic(csv, text, strlen(text), &err), &err);
    cm_table_t t = CM_TABLE_NULL;
    CHECK_OK(cm_table_read(&t, csv, NULL, 1, &err), &err);
    CHECK_OK(cm_json_write_table(&t, js, 1, &err), &err);
    json_t *j = NULL;
    CHECK_OK(cm_json_load_file(js, &j, &err), &err);
    assert_int_equal(json_array_size(j), 2);
    json_t *r0 = json_array_get(j, 0);
    assert_string_equal(json_string_value(json_object_get(r0, "country")), "BEL");
    assert_int_equal(json_integer_value(json_object_get(r0, "year")), 2020);
    ASSERT_NEAR(json_real_value(json_object_get(r0, "value")), 1.5, 0, 0);
    assert_string_equal(json_string_value(json_object_get(r0, "flagged")), "W");
    json_t *r1 = json_array_get(j, 1);
    assert_true(json_is_null(json_object_get(r1, "value")));
    assert_string_equal(json_string_value(json_object_get(r1, "flagged")), "12.3 e");
    json_decref(j);
    /* all strings */
    CHECK_OK(cm_json_write_table(&t, js, 0, &err), &err);
    CHECK_OK(cm_json_load_file(js, &j, &err), &err);
    assert_string_equal(json_string_value(json_object_get(json_array_get(j, 0), "year")), "2020");
    json_decref(j);
    /* allocation failures while building the array */
    int ok = 0;
    for (long k = 0; k < 100 && !ok; k++) {
        long before = cm_alloc_outstanding();
        cm_test_fail_alloc_after(k);
        cm_error_t rc = cm_json_from_table(&t, 1, &j, &err);
        cm_test_fail_alloc_after(-1);
        if (rc == CM_OK) {
            ok = 1;
            json_decref(j);
        } else {
            assert_int_equal(rc, CM_ENOMEM);
        }
        assert_int_equal(cm_alloc_outstanding(), before);
    }
    assert_true(ok);
    cm_table_destroy(&t);
    CHECK_ERROR(cm_json_write_table(NULL, js, 0, &err), CM_EINVAL);
    CHECK_ERROR(cm_json_write_file("/nonexistent/dir/x.json", json_null(), 0, &err), CM_EFILE);
    remove(csv);
    remove(js);
}

int main(void)
{
    cm_json_init();
    const struct CMUnitTest tests[] = {
        CM_TEST(test_json_load_and_errors),
        CM_TEST(test_json_canonical),
        CM_TEST(test_json_table),
    };
    return CM_RUN_TESTS(tests);
}

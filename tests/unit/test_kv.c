/* The sectioned key = value format: a good file, typed getters, every parse error with its
 * position, unknown keys, allocation failures. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cm_test.h"
#include "cambium/cm_kv.h"

static void test_kv_good_file(void **state)
{
    (void)state;
    cm_kv_doc_t *doc = NULL;
    cm_error_info_t err;
    cm_error_clear(&err);
    CHECK_OK(cm_kv_read_file(cm_test_source("tests/data/kv/recipe.kv"), &doc, &err), &err);
    assert_int_equal(cm_kv_nsections(doc), 3);
    const cm_kv_section_t *r = cm_kv_section_at(doc, 0);
    assert_string_equal(r->type, "recipe");
    assert_string_equal(r->name, "");
    assert_int_equal(r->line, 4);
    assert_null(cm_kv_section_at(doc, 3));

    const char *name = NULL;
    CHECK_OK(cm_kv_get_string(r, "name", &name, &err), &err);
    assert_string_equal(name, "Belgium 2022 assessment");
    cm_int_t year = 0;
    CHECK_OK(cm_kv_get_int(r, "year", &year, &err), &err);
    assert_int_equal(year, 2022);
    int strict = 0;
    CHECK_OK(cm_kv_get_bool(r, "strict", &strict, &err), &err);
    assert_int_equal(strict, 1);

    const cm_kv_section_t *w = cm_kv_find_section(doc, "dataset", "wgi");
    assert_non_null(w);
    assert_int_equal(w->line, 9);
    assert_ptr_equal(cm_kv_find_section(doc, "dataset", NULL), w);
    assert_null(cm_kv_find_section(doc, "dataset", "nope"));
    const cm_kv_entry_t *p = cm_kv_get(w, "path");
    assert_string_equal(p->value, "data/wgi 2024.csv");
    assert_true(p->quoted);
    assert_int_equal(p->line, 10);
    assert_int_equal(p->key_column, 1);
    assert_int_equal(p->value_column, 8);
    /* repeated keys are a list in file order */
    assert_int_equal(cm_kv_count(w, "weight"), 2);
    double w0 = 0, w1 = 0;
    CHECK_OK(cm_kv_entry_double(w, cm_kv_get_nth(w, "weight", 0), &w0, &err), &err);
    CHECK_OK(cm_kv_entry_double(w, cm_kv_get_nth(w, "weight", 1), &w1, &err), &err);
    ASSERT_NEAR(w0 + w1, 1.0, 1e-15, 0);
    assert_null(cm_kv_get_nth(w, "weight", 2));
    assert_string_equal(cm_kv_get(w, "note")->value, "a#b");
    assert_string_equal(cm_kv_get(w, "quote")->value, "say \"hi\" \\ done");

    const cm_kv_section_t *u = cm_kv_find_section(doc, "dataset", "usgs");
    assert_string_equal(cm_kv_get(u, "empty")->value, "");
    assert_string_equal(u->file, cm_test_source("tests/data/kv/recipe.kv"));
    cm_kv_free(doc);
    cm_kv_free(NULL);

    CHECK_OK(cm_kv_read_file(cm_test_source("tests/data/kv/bom_crlf.kv"), &doc, &err), &err);
    assert_string_equal(cm_kv_get(cm_kv_section_at(doc, 0), "k")->value, "v");
    cm_kv_free(doc);
}

static void test_kv_inline_comment(void **state)
{
    (void)state;
    cm_kv_doc_t *doc = NULL;
    cm_error_info_t err;
    const char *text = "[a]\nx = 1 # one\ny = a#b\nz = \"q # not a comment\" # c\n";
    CHECK_OK(cm_kv_read_buffer(text, strlen(text), "t.kv", &doc, &err), &err);
    const cm_kv_section_t *s = cm_kv_section_at(doc, 0);
    assert_string_equal(cm_kv_get(s, "x")->value, "1");
    assert_string_equal(cm_kv_get(s, "y")->value, "a#b");
    assert_string_equal(cm_kv_get(s, "z")->value, "q # not a comment");
    cm_kv_free(doc);
}

typedef struct kv_bad_t {
    const char *text;
    cm_error_t code;
    int64_t line;
    int64_t column;
    const char *fragment;
} kv_bad_t;

static void test_kv_errors(void **state)
{
    (void)state;
    static const kv_bad_t bad[] = {
        {"[a]\n[b x]\n[a]\n", CM_EPARSE, 3, 1, "duplicate section [a] (first at line 1)"},
        {"[d wgi]\n[d wgi ]\n", CM_EPARSE, 2, 1, "duplicate section [d wgi]"},
        {"k = v\n", CM_EPARSE, 1, 1, "key 'k' outside a section"},
        {"[a]\nkey value\n", CM_EPARSE, 2, 5, "missing '=' after key 'key'"},
        {"[a]\n  k = \"open\n", CM_EPARSE, 2, 7, "unterminated quoted value"},
        {"[a]\nk = \"a\\n\"\n", CM_EPARSE, 2, 7, "unknown escape"},
        {"[a]\nk = \"a\" b\n", CM_EPARSE, 2, 9, "unexpected text after the closing quote"},
        {"[a\n", CM_EPARSE, 1, 1, "expected ']'"},
        {"[]\n", CM_EPARSE, 1, 2, "expected a section type"},
        {"[a] x\n", CM_EPARSE, 1, 5, "unexpected text after ']'"},
        {"[a]\n= v\n", CM_EPARSE, 2, 1, "expected a key"},
        {"[a]\nk\xC3 = v\n", CM_EPARSE, 2, 2, "invalid UTF-8"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cm_kv_doc_t *doc = NULL;
        cm_error_info_t err;
        cm_error_clear(&err);
        cm_error_t rc = cm_kv_read_buffer(bad[i].text, strlen(bad[i].text), "bad.kv", &doc, &err);
        if (rc != bad[i].code || err.line != bad[i].line || err.column != bad[i].column ||
            strstr(err.message, bad[i].fragment) == NULL) {
            fail_msg("case %zu: rc %d at %lld:%lld '%s', expected %d at %lld:%lld '%s'", i,
                     (int)rc, (long long)err.line, (long long)err.column, err.message,
                     (int)bad[i].code, (long long)bad[i].line, (long long)bad[i].column,
                     bad[i].fragment);
        }
        assert_string_equal(err.file, "bad.kv");
        assert_null(doc);
    }
    cm_kv_doc_t *doc = NULL;
    cm_error_info_t err;
    CHECK_ERROR(cm_kv_read_file("/nonexistent/x.kv", &doc, &err), CM_EFILE);
    CHECK_ERROR(cm_kv_read_buffer("x", 1, "n", NULL, &err), CM_EINVAL);
    /* a file over 64 MiB (sparse) */
    char path[4200];
    snprintf(path, sizeof path, "%s/huge.kv", cm_test_tmpdir());
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(truncate(path, (off_t)65 * 1024 * 1024), 0);
    CHECK_ERROR(cm_kv_read_file(path, &doc, &err), CM_EOVERFLOW);
    remove(path);
}

static void test_kv_typed_errors(void **state)
{
    (void)state;
    cm_kv_doc_t *doc = NULL;
    cm_error_info_t err;
    const char *text = "[m x]\nshare = 0.5x\nn = 12.5\nflag = maybe\nw = W\nbig = 1e999\n"
                       "huge = 99999999999999999999\nlicnse = CC0\nok = -7\n";
    cm_error_clear(&err);
    CHECK_OK(cm_kv_read_buffer(text, strlen(text), "m.kv", &doc, &err), &err);
    const cm_kv_section_t *s = cm_kv_section_at(doc, 0);
    double d;
    cm_int_t n;
    int b;
    CHECK_ERROR(cm_kv_get_double(s, "share", &d, &err), CM_EPARSE);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 9);
    assert_string_equal(err.message, "share: expected a number, got '0.5x'");
    CHECK_ERROR(cm_kv_get_double(s, "w", &d, &err), CM_EPARSE);
    assert_non_null(strstr(err.message, "not allowed"));
    CHECK_ERROR(cm_kv_get_double(s, "big", &d, &err), CM_ENUMERIC);
    assert_int_equal(err.line, 6);
    CHECK_ERROR(cm_kv_get_int(s, "n", &n, &err), CM_EPARSE);
    assert_string_equal(err.message, "n: expected an integer, got '12.5'");
    assert_int_equal(err.column, 5);
    CHECK_ERROR(cm_kv_get_int(s, "huge", &n, &err), CM_EPARSE);
    assert_non_null(strstr(err.message, "2^63"));
    CHECK_OK(cm_kv_get_int(s, "ok", &n, &err), &err);
    assert_int_equal(n, -7);
    CHECK_ERROR(cm_kv_get_bool(s, "flag", &b, &err), CM_EPARSE);
    assert_int_equal(err.line, 4);
    assert_int_equal(err.column, 8);
    CHECK_ERROR(cm_kv_get_double(s, "absent", &d, &err), CM_ENOTFOUND);
    assert_string_equal(err.message, "[m x] has no key 'absent'");
    assert_int_equal(err.line, 1);
    static const char *const allowed[] = {"share", "n", "flag", "w", "big", "huge", "ok",
                                          "licence"};
    CHECK_ERROR(cm_kv_check_keys(s, allowed, 8, &err), CM_EPARSE);
    assert_int_equal(err.line, 8);
    assert_int_equal(err.column, 1);
    assert_non_null(strstr(err.message, "unknown key 'licnse' in [m x] (expected one of: share"));
    static const char *const all[] = {"share", "n", "flag", "w", "big", "huge", "ok", "licnse"};
    CHECK_OK(cm_kv_check_keys(s, all, 8, &err), &err);
    CHECK_ERROR(cm_kv_get_double(NULL, "x", &d, &err), CM_EINVAL);
    cm_kv_free(doc);
}

static void test_kv_alloc_failures(void **state)
{
    (void)state;
    int ok = 0;
    for (long k = 0; k < 300 && !ok; k++) {
        cm_kv_doc_t *doc = NULL;
        cm_error_info_t err;
        long before = cm_alloc_outstanding();
        cm_test_fail_alloc_after(k);
        cm_error_t rc = cm_kv_read_file(cm_test_source("tests/data/kv/recipe.kv"), &doc, &err);
        cm_test_fail_alloc_after(-1);
        if (rc == CM_OK) {
            ok = 1;
            assert_int_equal(cm_kv_nsections(doc), 3);
            cm_kv_free(doc);
        } else {
            assert_int_equal(rc, CM_ENOMEM);
            assert_null(doc);
        }
        assert_int_equal(cm_alloc_outstanding(), before);
    }
    assert_true(ok);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CM_TEST(test_kv_good_file),
        CM_TEST(test_kv_inline_comment),
        CM_TEST(test_kv_errors),
        CM_TEST(test_kv_typed_errors),
        CM_TEST(test_kv_alloc_failures),
    };
    return CM_RUN_TESTS(tests);
}

/* Core: error info, allocation wrappers (overflow, injection, live count), growable buffer. */
#include <stdint.h>
#include <string.h>

#include "cm_internal.h"
#include "cm_test.h"
#include "cambium/cm_version.h"

static void test_error_set_and_format(void **state)
{
    (void)state;
    cm_error_info_t err;
    char buf[256];

    cm_error_clear(&err);
    assert_int_equal(err.code, CM_OK);
    assert_int_equal(cm_error_set(&err, CM_EINVAL, "argument '%s' must be > 0", "n"), CM_EINVAL);
    assert_int_equal(err.code, CM_EINVAL);
    assert_string_equal(err.file, "");
    cm_error_format(&err, buf, sizeof buf);
    assert_string_equal(buf, "argument 'n' must be > 0");

    cm_error_set_at(&err, CM_EPARSE, "a.csv", 3, 7, "expected a number, got '%s'", "x");
    cm_error_format(&err, buf, sizeof buf);
    assert_string_equal(buf, "a.csv:3:7: expected a number, got 'x'");
    cm_error_prefix(&err, "importing %s", "wgi");
    assert_string_equal(err.message, "importing wgi: expected a number, got 'x'");
    assert_int_equal(err.code, CM_EPARSE);
    assert_int_equal(err.line, 3);

    /* NULL error info is allowed everywhere */
    assert_int_equal(cm_error_set(NULL, CM_ENOMEM, "x"), CM_ENOMEM);
    cm_error_clear(NULL);
    assert_int_equal(cm_error_prefix(NULL, "x"), CM_OK);
}

static void test_strerror_names_every_code(void **state)
{
    (void)state;
    for (int c = CM_OK; c <= CM_ENOTFOUND; c++) {
        assert_string_not_equal(cm_strerror((cm_error_t)c), "unknown error");
    }
    assert_string_equal(cm_strerror((cm_error_t)999), "unknown error");
}

static int log_calls;
static char log_last[256];
static void log_capture(cm_log_level_t level, const char *msg, void *ud)
{
    (void)ud;
    (void)level;
    log_calls++;
    snprintf(log_last, sizeof log_last, "%s", msg);
}

static void test_log_handler(void **state)
{
    (void)state;
    log_calls = 0;
    cm_log(CM_LOG_WARNING, "dropped without handler");
    assert_int_equal(log_calls, 0);
    cm_set_log_handler(log_capture, NULL);
    cm_log(CM_LOG_WARNING, "residual %g above tolerance", 0.5);
    assert_int_equal(log_calls, 1);
    assert_string_equal(log_last, "residual 0.5 above tolerance");
    cm_set_log_handler(NULL, NULL);
}

static void test_alloc_overflow(void **state)
{
    (void)state;
    size_t out = 0;
    assert_int_equal(cm_mul_size(SIZE_MAX / 2 + 1, 2, &out), CM_EOVERFLOW);
    assert_int_equal(cm_mul_size(1000, 1000, &out), CM_OK);
    assert_int_equal(out, 1000000);
    assert_null(cm_malloc_array(SIZE_MAX / 4, 8));
    assert_null(cm_calloc(SIZE_MAX / 4, 8));
    void *p = cm_malloc_array(10, 8);
    assert_non_null(p);
    assert_null(cm_realloc_array(p, SIZE_MAX / 2, 4)); /* p kept */
    cm_free(p);
}

static void test_alloc_injection_and_count(void **state)
{
    (void)state;
    long base = cm_alloc_outstanding();
    cm_test_fail_alloc_after(2);
    void *a = cm_malloc(8);
    char *b = cm_strdup("abc");
    void *c = cm_malloc(8);
    assert_non_null(a);
    assert_non_null(b);
    assert_null(c);
    assert_null(cm_calloc(1, 1));
    assert_int_equal(cm_test_alloc_failures(), 2);
    cm_test_fail_alloc_after(-1);
    assert_int_equal(cm_alloc_outstanding(), base + 2);
    cm_free(a);
    cm_free(b);
    cm_free(NULL);
    assert_int_equal(cm_alloc_outstanding(), base);
    char *d = cm_strndup("abcdef", 3);
    assert_string_equal(d, "abc");
    cm_free(d);
}

static void test_buf_growth_and_bound(void **state)
{
    (void)state;
    cm_i_buf_t b = CM_I_BUF_INIT(100);
    for (int i = 0; i < 9; i++) {
        assert_int_equal(cm_i_buf_printf(&b, "%d123456789", i), CM_OK);
    }
    assert_int_equal(b.len, 90);
    assert_int_equal(cm_i_buf_puts(&b, "0123456789"), CM_OK);
    assert_int_equal(cm_i_buf_puts(&b, "x"), CM_EOVERFLOW); /* bound reached */
    assert_int_equal(b.len, 100);
    char *s = NULL;
    assert_int_equal(cm_i_buf_steal(&b, &s), CM_OK);
    assert_int_equal(strlen(s), 100);
    assert_memory_equal(s, "0123456789", 10);
    cm_free(s);
    cm_i_buf_free(&b);

    /* failure injection inside growth leaves the buffer usable */
    cm_i_buf_t c = CM_I_BUF_INIT(0);
    cm_test_fail_alloc_after(0);
    assert_int_equal(cm_i_buf_puts(&c, "hello"), CM_ENOMEM);
    cm_test_fail_alloc_after(-1);
    assert_int_equal(cm_i_buf_puts(&c, "hello"), CM_OK);
    assert_string_equal(c.data, "hello");
    cm_i_buf_free(&c);
}

static void test_version_and_blas(void **state)
{
    (void)state;
    char buf[256];
    assert_string_equal(cm_version_string(), "0.1.0");
    int n = cm_blas_describe(buf, sizeof buf);
    assert_true(n > 0);
    assert_non_null(strstr(buf, "OpenBLAS"));
    assert_true(cm_blas_threads() >= 1);
    assert_true(strlen(cm_sqlite_version()) >= 5);
}

/* cm_i_grow: first allocation, doubling only when full, and an allocation failure that
 * leaves the array as it was. */
static void test_grow(void **state)
{
    (void)state;
    int *v = NULL;
    size_t cap = 0, n = 0;
    assert_int_equal(cm_i_grow((void **)&v, &cap, n, sizeof *v, 4), 0);
    assert_int_equal(cap, 4);
    for (n = 0; n < 9; n++) {
        assert_int_equal(cm_i_grow((void **)&v, &cap, n, sizeof *v, 4), 0);
        v[n] = (int)n;
    }
    assert_int_equal(cap, 16); /* 4 -> 8 -> 16 */
    assert_int_equal(cm_i_grow((void **)&v, &cap, 9, sizeof *v, 4), 0);
    assert_int_equal(cap, 16); /* not full: unchanged */
    int *before = v;
    cm_test_fail_alloc_after(0);
    assert_int_equal(cm_i_grow((void **)&v, &cap, 16, sizeof *v, 4), -1);
    cm_test_fail_alloc_after(-1);
    assert_ptr_equal(v, before);
    assert_int_equal(cap, 16);
    for (int k = 0; k < 9; k++) {
        assert_int_equal(v[k], k);
    }
    cm_free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CM_TEST(test_error_set_and_format),
        CM_TEST(test_strerror_names_every_code),
        CM_TEST(test_log_handler),
        CM_TEST(test_alloc_overflow),
        CM_TEST(test_alloc_injection_and_count),
        CM_TEST(test_buf_growth_and_bound),
        CM_TEST(test_version_and_blas),
        CM_TEST(test_grow),
    };
    return CM_RUN_TESTS(tests);
}

/* Number parsing: table-driven cases (value, flags, errors), locale independence, the
 * double-formatting round trip. */
#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "cm_test.h"
#include "cambium/cm_csv.h"

#define DOT 0
#define COMMA 1

typedef struct num_case_t {
    const char *text;
    int decimal_comma;
    int thousands;
    int flags_allowed;
    cm_error_t rc;
    double value; /* NaN = no value */
    unsigned flags;
    const char *flag_text;
} num_case_t;

#define NA_ NAN
static const num_case_t cases[] = {
    /* plain numbers */
    {"0", DOT, 0, 1, CM_OK, 0.0, 0, ""},
    {"42", DOT, 0, 1, CM_OK, 42.0, 0, ""},
    {"-3.25", DOT, 0, 1, CM_OK, -3.25, 0, ""},
    {"+7", DOT, 0, 1, CM_OK, 7.0, 0, ""},
    {"  12.5\t", DOT, 0, 1, CM_OK, 12.5, 0, ""},
    {".5", DOT, 0, 1, CM_OK, 0.5, 0, ""},
    {"5.", DOT, 0, 1, CM_OK, 5.0, 0, ""},
    {"1e3", DOT, 0, 1, CM_OK, 1000.0, 0, ""},
    {"1.5E-3", DOT, 0, 1, CM_OK, 0.0015, 0, ""},
    {"6.02214076e23", DOT, 0, 1, CM_OK, 6.02214076e23, 0, ""},
    {"0.1", DOT, 0, 1, CM_OK, 0.1, 0, ""},
    {"123456789012345678901234567890", DOT, 0, 1, CM_OK, 1.2345678901234568e29, 0, ""},
    {"1e-400", DOT, 0, 1, CM_OK, 0.0, 0, ""},
    {"\xE2\x88\x92" "4", DOT, 0, 1, CM_OK, -4.0, 0, ""},
    {"\xC2\xA0" "8\xC2\xA0", DOT, 0, 1, CM_OK, 8.0, 0, ""},
    /* decimal comma and grouping */
    {"3,5", COMMA, 0, 1, CM_OK, 3.5, 0, ""},
    {"-0,25", COMMA, 0, 1, CM_OK, -0.25, 0, ""},
    {"1.234.567,5", COMMA, 1, 1, CM_OK, 1234567.5, 0, ""},
    {"1,234,567", DOT, 1, 1, CM_OK, 1234567.0, 0, ""},
    {"12,345.75", DOT, 1, 1, CM_OK, 12345.75, 0, ""},
    {"1,23,4", DOT, 1, 1, CM_EPARSE, NA_, 0, ""},
    {"1,2345", DOT, 1, 1, CM_EPARSE, NA_, 0, ""},
    {"1234,567", DOT, 1, 1, CM_EPARSE, NA_, 0, ""},
    {",123", DOT, 1, 1, CM_EPARSE, NA_, 0, ""},
    {"1,234", DOT, 0, 1, CM_EPARSE, NA_, 0, ""},
    {"1.5", COMMA, 0, 1, CM_EPARSE, NA_, 0, ""},
    {"3,5", DOT, 0, 1, CM_EPARSE, NA_, 0, ""},
    /* flags alone */
    {"", DOT, 0, 1, CM_OK, NA_, CM_NUMF_EMPTY, ""},
    {"   ", DOT, 0, 1, CM_OK, NA_, CM_NUMF_EMPTY, ""},
    {"NA", DOT, 0, 1, CM_OK, NA_, CM_NUMF_NA, "NA"},
    {"N/A", DOT, 0, 1, CM_OK, NA_, CM_NUMF_NA, "N/A"},
    {"n.a.", DOT, 0, 1, CM_OK, NA_, CM_NUMF_NA, "n.a."},
    {"..", DOT, 0, 1, CM_OK, NA_, CM_NUMF_NOT_AVAILABLE, ".."},
    {"...", DOT, 0, 1, CM_OK, NA_, CM_NUMF_NOT_AVAILABLE, "..."},
    {":", DOT, 0, 1, CM_OK, NA_, CM_NUMF_NOT_AVAILABLE, ":"},
    {"W", DOT, 0, 1, CM_OK, NA_, CM_NUMF_WITHHELD, "W"},
    {"c", DOT, 0, 1, CM_OK, NA_, CM_NUMF_WITHHELD | CM_NUMF_CONFIDENTIAL, "c"},
    {"-", DOT, 0, 1, CM_OK, NA_, CM_NUMF_NIL, "-"},
    {"\xE2\x80\x93", DOT, 0, 1, CM_OK, NA_, CM_NUMF_NIL, "\xE2\x80\x93"},
    {"\xE2\x80\x94", DOT, 0, 1, CM_OK, NA_, CM_NUMF_NIL, "\xE2\x80\x94"},
    {"XX", DOT, 0, 1, CM_OK, NA_, CM_NUMF_NIL, "XX"},
    {"Large", DOT, 0, 1, CM_OK, NA_, CM_NUMF_TEXT, "Large"},
    {"small", DOT, 0, 1, CM_OK, NA_, CM_NUMF_TEXT, "small"},
    {": c", DOT, 0, 1, CM_OK, NA_, CM_NUMF_NOT_AVAILABLE | CM_NUMF_CONFIDENTIAL, ":c"},
    {": z", DOT, 0, 1, CM_OK, NA_, CM_NUMF_NOT_AVAILABLE | CM_NUMF_NIL, ":z"},
    /* values with flags */
    {"<0.1", DOT, 0, 1, CM_OK, 0.1, CM_NUMF_LESS_THAN, "<"},
    {"< 0.5", DOT, 0, 1, CM_OK, 0.5, CM_NUMF_LESS_THAN, "<"},
    {"<0.1%", DOT, 0, 1, CM_OK, 0.1, CM_NUMF_LESS_THAN | CM_NUMF_PERCENT, "<%"},
    {">50", DOT, 0, 1, CM_OK, 50.0, CM_NUMF_GREATER_THAN, ">"},
    {"Less than \xC2\xBD unit.", DOT, 0, 1, CM_OK, 0.5, CM_NUMF_LESS_THAN, "<"},
    {"Less than \xC2\xBD unit.", DOT, 0, 0, CM_EPARSE, NA_, 0, ""},
    {"281%", DOT, 0, 1, CM_OK, 281.0, CM_NUMF_PERCENT, "%"},
    {"12,5 %", COMMA, 0, 1, CM_OK, 12.5, CM_NUMF_PERCENT, "%"},
    {"12.3 e", DOT, 0, 1, CM_OK, 12.3, CM_NUMF_ESTIMATED, "e"},
    {"12.3 p", DOT, 0, 1, CM_OK, 12.3, CM_NUMF_PROVISIONAL, "p"},
    {"12.3 b", DOT, 0, 1, CM_OK, 12.3, CM_NUMF_BREAK, "b"},
    {"12.3 ep", DOT, 0, 1, CM_OK, 12.3, CM_NUMF_ESTIMATED | CM_NUMF_PROVISIONAL, "ep"},
    {"7 c", DOT, 0, 1, CM_OK, 7.0, CM_NUMF_CONFIDENTIAL, "c"},
    {"7 r", DOT, 0, 1, CM_OK, 7.0, CM_NUMF_REVISED, "r"},
    {"7 u", DOT, 0, 1, CM_OK, 7.0, CM_NUMF_OTHER, "u"},
    /* Eurostat TSV cells as published: trailing blank, ': ', value with 's' */
    {"1161.436 ", DOT, 0, 1, CM_OK, 1161.436, 0, ""},
    {": ", DOT, 0, 1, CM_OK, NA_, CM_NUMF_NOT_AVAILABLE, ":"},
    {"20734.273 s", DOT, 0, 1, CM_OK, 20734.273, CM_NUMF_OTHER, "s"},
    /* errors */
    {"abc", DOT, 0, 1, CM_EPARSE, NA_, 0, ""},
    {"12.3e", DOT, 0, 1, CM_EPARSE, NA_, 0, ""},
    {"12.3 x", DOT, 0, 1, CM_EPARSE, NA_, 0, ""},
    {"12.3 eeeee", DOT, 0, 1, CM_EPARSE, NA_, 0, ""},
    {"1 2", DOT, 0, 1, CM_EPARSE, NA_, 0, ""},
    {"0x10", DOT, 0, 1, CM_EPARSE, NA_, 0, ""},
    {"--5", DOT, 0, 1, CM_EPARSE, NA_, 0, ""},
    {"<", DOT, 0, 1, CM_EPARSE, NA_, 0, ""},
    {"%", DOT, 0, 1, CM_EPARSE, NA_, 0, ""},
    {"nan", DOT, 0, 1, CM_ENUMERIC, NA_, 0, ""},
    {"-Inf", DOT, 0, 1, CM_ENUMERIC, NA_, 0, ""},
    {"infinity", DOT, 0, 1, CM_ENUMERIC, NA_, 0, ""},
    {"1e999", DOT, 0, 1, CM_ENUMERIC, NA_, 0, ""},
    {"-1e999", DOT, 0, 1, CM_ENUMERIC, NA_, 0, ""},
    /* flags disallowed */
    {"W", DOT, 0, 0, CM_EPARSE, NA_, 0, ""},
    {"", DOT, 0, 0, CM_EPARSE, NA_, 0, ""},
    {"..", DOT, 0, 0, CM_EPARSE, NA_, 0, ""},
    {"<0.1", DOT, 0, 0, CM_EPARSE, NA_, 0, ""},
    {"281%", DOT, 0, 0, CM_EPARSE, NA_, 0, ""},
    {"12.3 e", DOT, 0, 0, CM_EPARSE, NA_, 0, ""},
    {"12.5", DOT, 0, 0, CM_OK, 12.5, 0, ""},
};

static void test_num_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const num_case_t *c = &cases[i];
        cm_num_options_t o = {c->decimal_comma, c->thousands, c->flags_allowed};
        cm_num_t n;
        cm_error_info_t err;
        cm_error_clear(&err);
        cm_error_t rc = cm_num_parse(c->text, &o, &n, &err);
        if (rc != c->rc) {
            fail_msg("case %zu '%s': rc %s, expected %s (%s)", i, c->text, cm_strerror(rc),
                     cm_strerror(c->rc), err.message);
        }
        if (rc != CM_OK) {
            assert_int_equal(err.code, rc);
            assert_true(strlen(err.message) > 0);
            continue;
        }
        if (!cm_test_near(n.value, c->value, 0.0, 0.0)) {
            fail_msg("case %zu '%s': value %.17g, expected %.17g", i, c->text, n.value, c->value);
        }
        if (n.flags != c->flags) {
            fail_msg("case %zu '%s': flags 0x%x, expected 0x%x", i, c->text, n.flags, c->flags);
        }
        if (strcmp(n.flag_text, c->flag_text) != 0) {
            fail_msg("case %zu '%s': flag_text '%s', expected '%s'", i, c->text, n.flag_text,
                     c->flag_text);
        }
        assert_int_equal(cm_num_has_value(&n), !isnan(c->value));
    }
}

static void test_num_messages(void **state)
{
    (void)state;
    cm_num_options_t o = {0, 0, 1};
    cm_num_t n;
    cm_error_info_t err;
    cm_error_clear(&err);
    CHECK_ERROR(cm_num_parse("abc", &o, &n, &err), CM_EPARSE);
    assert_string_equal(err.message,
                        "expected a number or a statistical flag (W, NA, .., -, <x, x%), got 'abc'");
    assert_true(isnan(n.value));
    o.flags_allowed = 0;
    CHECK_ERROR(cm_num_parse("W", &o, &n, &err), CM_EPARSE);
    assert_string_equal(err.message,
                        "expected a number, got 'W' (a statistical flag, not allowed here)");
    CHECK_ERROR(cm_num_parse("inf", &o, &n, &err), CM_ENUMERIC);
    assert_non_null(strstr(err.message, "not a finite number"));
    CHECK_ERROR(cm_num_parse("1", &o, NULL, &err), CM_EINVAL);
    /* NULL options: '.' decimal, no grouping, flags allowed */
    CHECK_OK(cm_num_parse("W", NULL, &n, &err), &err);
    assert_int_equal(n.flags, CM_NUMF_WITHHELD);
    /* NULL text is an empty cell */
    CHECK_OK(cm_num_parse(NULL, NULL, &n, &err), &err);
    assert_int_equal(n.flags, CM_NUMF_EMPTY);
    /* control bytes in the quoted text are neutralised */
    CHECK_ERROR(cm_num_parse("a\nb", NULL, &n, &err), CM_EPARSE);
    assert_non_null(strstr(err.message, "'a?b'"));
}

static void test_num_negative_zero(void **state)
{
    (void)state;
    cm_num_t n;
    CHECK_OK(cm_num_parse("-0", NULL, &n, NULL), NULL);
    assert_true(n.value == 0.0 && signbit(n.value));
    CHECK_OK(cm_num_parse("-0.0e5", NULL, &n, NULL), NULL);
    assert_true(n.value == 0.0 && signbit(n.value));
}

/* xorshift64*: deterministic test data */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * UINT64_C(2685821657736338717);
}

static double bits_to_double(uint64_t b)
{
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}

static void check_roundtrip(double x)
{
    char buf[32];
    cm_num_t n;
    cm_error_info_t err;
    cm_csv_format_double(x, buf);
    cm_error_clear(&err);
    CHECK_OK(cm_num_parse(buf, NULL, &n, &err), &err);
    if (memcmp(&n.value, &x, sizeof x) != 0) {
        fail_msg("%.17g formatted as '%s' read back as %.17g", x, buf, n.value);
    }
}

static void test_format_double_roundtrip(void **state)
{
    (void)state;
    static const double fixed[] = {0.0,     -0.0,    1.0,      0.1,     1.0 / 3.0,     1e308,
                                   -1e308,  DBL_MAX, -DBL_MAX, DBL_MIN, 4.9e-324,      -4.9e-324,
                                   2.2250738585072009e-308,   123456789012345678.0, 1e22, 1e23,
                                   9007199254740993.0, 0.30000000000000004};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        check_roundtrip(fixed[i]);
    }
    uint64_t s = UINT64_C(0x9E3779B97F4A7C15);
    for (int i = 0; i < 20000; i++) {
        uint64_t b = rng_next(&s);
        double x = bits_to_double(b);
        if (!isfinite(x)) {
            continue;
        }
        check_roundtrip(x);
        /* subnormals: exponent bits zero */
        check_roundtrip(bits_to_double(b & UINT64_C(0x800FFFFFFFFFFFFF)));
        /* ordinary magnitudes */
        check_roundtrip((double)(b >> 11) / 9007199254740992.0 * 1e6);
    }
    char buf[32];
    assert_string_equal(cm_csv_format_double(0.1, buf), "0.1");
    assert_string_equal(cm_csv_format_double(-0.0, buf), "-0");
    assert_string_equal(cm_csv_format_double(NAN, buf), "");
    assert_string_equal(cm_csv_format_double(1e21, buf), "1e+21");
    assert_string_equal(cm_csv_format_double(0.30000000000000004, buf), "0.30000000000000004");
}

static void test_num_locale_independent(void **state)
{
    (void)state;
    /* a comma-decimal locale for this thread, when installed; the parse must not change */
    locale_t de = newlocale(LC_NUMERIC_MASK, "de_DE.UTF-8", (locale_t)0);
    if (de == (locale_t)0) {
        de = newlocale(LC_NUMERIC_MASK, "fr_FR.UTF-8", (locale_t)0);
    }
    if (de == (locale_t)0) {
        skip();
    }
    locale_t old = uselocale(de);
    cm_num_t n;
    char buf[32];
    cm_error_t rc = cm_num_parse("1234567890.123456789", NULL, &n, NULL);
    cm_csv_format_double(0.1, buf);
    uselocale(old);
    freelocale(de);
    assert_int_equal(rc, CM_OK);
    ASSERT_NEAR(n.value, 1234567890.123456789, 1e-15, 0.0);
    assert_string_equal(buf, "0.1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CM_TEST(test_num_table),
        CM_TEST(test_num_messages),
        CM_TEST(test_num_negative_zero),
        CM_TEST(test_format_double_roundtrip),
        CM_TEST(test_num_locale_independent),
    };
    return CM_RUN_TESTS(tests);
}

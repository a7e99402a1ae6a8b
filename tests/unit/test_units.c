/* Units: parsing, conversion factors, round trips, incompatible pairs, canonical text. */
#include <math.h>
#include <string.h>

#include "cm_test.h"
#include "cambium/cm_units.h"

static double factor_of(const char *from, const char *to)
{
    cm_error_info_t err = {0};
    double f = NAN;
    CHECK_OK(cm_unit_factor_str(from, to, &f, &err), &err);
    return f;
}

static void test_simple_conversions(void **state)
{
    (void)state;
    ASSERT_NEAR(factor_of("kt", "t"), 1000.0, 1e-15, 0);
    ASSERT_NEAR(factor_of("Mt", "kt"), 1000.0, 1e-15, 0);
    ASSERT_NEAR(factor_of("g", "t"), 1e-6, 1e-15, 0);
    ASSERT_NEAR(factor_of("Gt", "kg"), 1e12, 1e-15, 0);
    ASSERT_NEAR(factor_of("MEUR", "kEUR"), 1000.0, 1e-15, 0);
    ASSERT_NEAR(factor_of("BEUR", "EUR"), 1e9, 1e-15, 0);
    ASSERT_NEAR(factor_of("\xE2\x82\xAC", "kEUR"), 1e-3, 1e-15, 0);
    ASSERT_NEAR(factor_of("MUSD", "kUSD"), 1000.0, 1e-15, 0);
    ASSERT_NEAR(factor_of("GW", "kW"), 1e6, 1e-15, 0);
    ASSERT_NEAR(factor_of("TWh", "GWh"), 1e3, 1e-15, 0);
    ASSERT_NEAR(factor_of("pcs", "items"), 1.0, 0, 0);
    ASSERT_NEAR(factor_of("%", "1"), 0.01, 1e-15, 0);
    ASSERT_NEAR(factor_of("%", ""), 0.01, 1e-15, 0);
    ASSERT_NEAR(factor_of("ppm", "%"), 1e-4, 1e-15, 0);
    ASSERT_NEAR(factor_of("share", "%"), 100.0, 1e-15, 0);
    ASSERT_NEAR(factor_of("t/kt", "%"), 0.1, 1e-15, 0);
    ASSERT_NEAR(factor_of("yr", "year"), 1.0, 0, 0);
}

static void test_compound_conversions(void **state)
{
    (void)state;
    ASSERT_NEAR(factor_of("kg/kWh", "t/MWh"), 1.0, 1e-15, 0);
    ASSERT_NEAR(factor_of("t/MW", "kg/kW"), 1.0, 1e-15, 0);
    ASSERT_NEAR(factor_of("t/MW", "kg/MW"), 1000.0, 1e-15, 0);
    ASSERT_NEAR(factor_of("EUR/kg", "kEUR/t"), 1.0, 1e-15, 0);
    ASSERT_NEAR(factor_of("MEUR/kt", "EUR/kg"), 1.0, 1e-15, 0);
    ASSERT_NEAR(factor_of("kt/a", "t/yr"), 1000.0, 1e-15, 0);
    ASSERT_NEAR(factor_of("kg/(MW*a)", "t/MW/a"), 1e-3, 1e-15, 0);
    ASSERT_NEAR(factor_of("kg^2", "t*g"), 1.0, 1e-15, 0);
    ASSERT_NEAR(factor_of("kt^2/t", "kg"), 1e9, 1e-15, 0);
    ASSERT_NEAR(factor_of("1/kt", "t^-1"), 1e-3, 1e-15, 0);
    ASSERT_NEAR(factor_of("( t / MW ) * MW", "kg"), 1000.0, 1e-15, 0);

    double v = 0;
    cm_error_info_t err = {0};
    CHECK_OK(cm_unit_convert(2.5, "Mt", "kt", &v, &err), &err);
    ASSERT_NEAR(v, 2500.0, 1e-15, 0);

    cm_unit_t a, b;
    CHECK_OK(cm_unit_parse("kt", &a, &err), &err);
    CHECK_OK(cm_unit_parse("t", &b, &err), &err);
    double arr[3] = {1.0, NAN, -0.5};
    CHECK_OK(cm_unit_convert_array(&a, &b, arr, 3, &err), &err);
    ASSERT_NEAR(arr[0], 1000.0, 1e-15, 0);
    assert_true(isnan(arr[1]));
    ASSERT_NEAR(arr[2], -500.0, 1e-15, 0);
    CHECK_OK(cm_unit_convert_array(&a, &b, NULL, 0, &err), &err);
    CHECK_ERROR(cm_unit_convert_array(&a, &b, NULL, 2, &err), CM_EINVAL);
}

static void test_round_trips(void **state)
{
    (void)state;
    static const char *const groups[][6] = {
        {"g", "kg", "t", "kt", "Mt", "Gt"},
        {"EUR", "kEUR", "MEUR", "BEUR", "EUR*t/kg", "MEUR*Mt/t"},
        {"W", "kW", "MW", "GW", "kW", "W"},
        {"t/MW", "kg/kW", "g/W", "Mt/GW", "kt/MW", "t/W"},
        {"kg/kWh", "t/MWh", "g/Wh", "kt/GWh", "Mt/TWh", "kg/Wh"},
        {"%", "ppm", "1", "share", "fraction", "t/kt"},
    };
    cm_error_info_t err = {0};
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 6; j++) {
                double ab = 0, ba = 0;
                CHECK_OK(cm_unit_factor_str(groups[g][i], groups[g][j], &ab, &err), &err);
                CHECK_OK(cm_unit_factor_str(groups[g][j], groups[g][i], &ba, &err), &err);
                ASSERT_NEAR(ab * ba, 1.0, 1e-14, 0);
            }
        }
    }
}

static void expect_incompatible(const char *from, const char *to, const char *also)
{
    cm_error_info_t err = {0};
    double f = 0;
    CHECK_ERROR(cm_unit_factor_str(from, to, &f, &err), CM_EUNIT);
    char qa[160], qb[160];
    cm_unit_t ua, ub;
    char ta[CM_UNIT_TEXT_MAX], tb[CM_UNIT_TEXT_MAX];
    assert_int_equal(cm_unit_parse(from, &ua, NULL), CM_OK);
    assert_int_equal(cm_unit_parse(to, &ub, NULL), CM_OK);
    assert_int_equal(cm_unit_format(&ua, ta, sizeof ta, NULL), CM_OK);
    assert_int_equal(cm_unit_format(&ub, tb, sizeof tb, NULL), CM_OK);
    snprintf(qa, sizeof qa, "'%s'", ta);
    snprintf(qb, sizeof qb, "'%s'", tb);
    if (strstr(err.message, qa) == NULL || strstr(err.message, qb) == NULL) {
        fail_msg("message does not name both units %s and %s: %s", qa, qb, err.message);
    }
    if (also != NULL && strstr(err.message, also) == NULL) {
        fail_msg("message lacks '%s': %s", also, err.message);
    }
    assert_false(cm_unit_compatible(&ua, &ub));
}

static void test_incompatible_pairs(void **state)
{
    (void)state;
    expect_incompatible("EUR", "t", "money (EUR) vs mass");
    expect_incompatible("EUR", "USD", "exchange rate");
    expect_incompatible("MUSD", "kEUR", "exchange rate");
    expect_incompatible("MW", "MWh", "power vs energy");
    expect_incompatible("t/MW", "kg/kWh", "mass/power vs mass/energy");
    expect_incompatible("EUR/kg", "EUR", NULL);
    expect_incompatible("items", "1", "count vs dimensionless");
    expect_incompatible("%", "t", NULL);
    expect_incompatible("t/a", "t", NULL);
    expect_incompatible("kg^2", "kg", NULL);

    cm_unit_t a, b;
    double arr[2] = {1.0, 2.0};
    assert_int_equal(cm_unit_parse("t", &a, NULL), CM_OK);
    assert_int_equal(cm_unit_parse("MEUR", &b, NULL), CM_OK);
    CHECK_ERROR(cm_unit_convert_array(&a, &b, arr, 2, NULL), CM_EUNIT);
    ASSERT_NEAR(arr[0], 1.0, 0, 0); /* untouched on error */
    double v = -1;
    CHECK_ERROR(cm_unit_convert(1.0, "t", "MW", &v, NULL), CM_EUNIT);
    ASSERT_NEAR(v, -1.0, 0, 0);
}

static void expect_parse_error(const char *text, const char *fragment)
{
    cm_error_info_t err = {0};
    cm_unit_t u;
    CHECK_ERROR(cm_unit_parse(text, &u, &err), CM_EUNIT);
    if (strstr(err.message, fragment) == NULL) {
        fail_msg("parse of '%s': message lacks '%s': %s", text, fragment, err.message);
    }
}

static void test_parse_errors(void **state)
{
    (void)state;
    expect_parse_error("xyz", "unknown unit 'xyz' (expected e.g. t, kt, EUR, MW, t/MW ...)");
    expect_parse_error("t/xyz", "unknown unit 'xyz' in 't/xyz'");
    expect_parse_error("mt", "unknown unit 'mt'");
    expect_parse_error("meur", "unknown unit 'meur'");
    expect_parse_error("2", "unknown unit '2'");
    expect_parse_error("kg/(MW", "expected ')' at column 7, got end of text");
    expect_parse_error("kg/", "expected a unit symbol at column 4");
    expect_parse_error("/kg", "expected a unit symbol at column 1");
    expect_parse_error("kg)", "expected '*', '/' or end of text at column 3, got ')'");
    expect_parse_error("kg^", "expected an integer power");
    expect_parse_error("kg^x", "expected an integer power");
    expect_parse_error("kg MW", "expected '*', '/' or end of text");
    expect_parse_error("kg^13", "exceeds 12");
    expect_parse_error("kg^99999999999", "exceeds 12");
    expect_parse_error("g*kg*t*kt*Mt*Gt*EUR*USD*MW", "more than 8 distinct symbols");
    expect_parse_error("((((((((((((((((((t))))))))))))))))))", "nested deeper");

    cm_unit_t u;
    CHECK_ERROR(cm_unit_parse(NULL, &u, NULL), CM_EINVAL);
    CHECK_ERROR(cm_unit_parse("t", NULL, NULL), CM_EINVAL);
    double f;
    CHECK_ERROR(cm_unit_factor(NULL, &u, &f, NULL), CM_EINVAL);
    CHECK_ERROR(cm_unit_convert(1.0, "t", "kg", NULL, NULL), CM_EINVAL);
    CHECK_ERROR(cm_unit_mul(NULL, &u, &u, NULL), CM_EINVAL);
    CHECK_ERROR(cm_unit_div(&u, NULL, &u, NULL), CM_EINVAL);
    CHECK_ERROR(cm_unit_pow(&u, 2, NULL, NULL), CM_EINVAL);
}

static void expect_format(const char *text, const char *canonical)
{
    cm_error_info_t err = {0};
    cm_unit_t u;
    char buf[CM_UNIT_TEXT_MAX];
    CHECK_OK(cm_unit_parse(text, &u, &err), &err);
    CHECK_OK(cm_unit_format(&u, buf, sizeof buf, &err), &err);
    assert_string_equal(buf, canonical);
    /* the canonical text parses to the same unit */
    cm_unit_t v;
    CHECK_OK(cm_unit_parse(buf, &v, &err), &err);
    assert_true(cm_unit_compatible(&u, &v));
    ASSERT_NEAR(v.factor, u.factor, 1e-15, 0);
}

static void test_format_canonical(void **state)
{
    (void)state;
    expect_format("t", "t");
    expect_format(" t / MW ", "t/MW");
    expect_format("kg/kWh", "kg/kWh");
    expect_format("EUR/kg", "EUR/kg");
    expect_format("\xE2\x82\xAC/t", "EUR/t");
    expect_format("t/yr", "t/a");
    expect_format("kg/MW/a", "kg/(MW*a)");
    expect_format("kg/(MW*year)", "kg/(MW*a)");
    expect_format("kg*kg", "kg^2");
    expect_format("t/t", "1");
    expect_format("", "1");
    expect_format("1/a", "1/a");
    expect_format("a^-1", "1/a");
    expect_format("%", "%");
    expect_format("items", "item");
    expect_format("fraction", "share");
    expect_format("EUR*t/MW^2", "EUR*t/MW^2");
    expect_format("(t/MW)^2", "t^2/MW^2");

    cm_unit_t u;
    char small[4];
    assert_int_equal(cm_unit_parse("kg/kWh", &u, NULL), CM_OK);
    CHECK_ERROR(cm_unit_format(&u, small, sizeof small, NULL), CM_EOVERFLOW);
    assert_string_equal(small, "kg/");
    CHECK_ERROR(cm_unit_format(&u, NULL, 8, NULL), CM_EINVAL);
    CHECK_ERROR(cm_unit_describe(&u, small, sizeof small, NULL), CM_EOVERFLOW);
    u.terms[0].symbol = 999;
    CHECK_ERROR(cm_unit_format(&u, small, sizeof small, NULL), CM_EINVAL);
}

static void test_algebra(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    cm_unit_t t, mw, r, back, sq;
    char buf[CM_UNIT_TEXT_MAX];
    CHECK_OK(cm_unit_parse("kt", &t, &err), &err);
    CHECK_OK(cm_unit_parse("MW", &mw, &err), &err);
    CHECK_OK(cm_unit_div(&t, &mw, &r, &err), &err);
    CHECK_OK(cm_unit_format(&r, buf, sizeof buf, &err), &err);
    assert_string_equal(buf, "kt/MW");
    ASSERT_NEAR(r.factor, 1e6 / 1e6, 1e-15, 0);
    CHECK_OK(cm_unit_mul(&r, &mw, &back, &err), &err);
    CHECK_OK(cm_unit_format(&back, buf, sizeof buf, &err), &err);
    assert_string_equal(buf, "kt");
    assert_true(cm_unit_compatible(&back, &t));
    ASSERT_NEAR(back.factor, t.factor, 1e-15, 0);
    /* aliasing the output with an input */
    CHECK_OK(cm_unit_mul(&r, &r, &r, &err), &err);
    CHECK_OK(cm_unit_pow(&t, 2, &sq, &err), &err);
    CHECK_OK(cm_unit_format(&r, buf, sizeof buf, &err), &err);
    assert_string_equal(buf, "kt^2/MW^2");
    ASSERT_NEAR(sq.factor, 1e12, 1e-15, 0);
    CHECK_OK(cm_unit_pow(&t, 0, &sq, &err), &err);
    assert_true(cm_unit_is_dimensionless(&sq));
    CHECK_OK(cm_unit_pow(&t, -1, &sq, &err), &err);
    CHECK_OK(cm_unit_format(&sq, buf, sizeof buf, &err), &err);
    assert_string_equal(buf, "1/kt");
    CHECK_ERROR(cm_unit_pow(&t, 13, &sq, &err), CM_EUNIT);
    CHECK_OK(cm_unit_pow(&t, 12, &sq, &err), &err);
    CHECK_ERROR(cm_unit_mul(&sq, &t, &sq, &err), CM_EUNIT);
    CHECK_OK(cm_unit_describe(&r, buf, sizeof buf, &err), &err);
    assert_string_equal(buf, "mass^2/power^2");
    cm_unit_t one = cm_unit_one();
    CHECK_OK(cm_unit_describe(&one, buf, sizeof buf, &err), &err);
    assert_string_equal(buf, "dimensionless");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CM_TEST(test_simple_conversions), CM_TEST(test_compound_conversions),
        CM_TEST(test_round_trips),        CM_TEST(test_incompatible_pairs),
        CM_TEST(test_parse_errors),       CM_TEST(test_format_canonical),
        CM_TEST(test_algebra),
    };
    return CM_RUN_TESTS(tests);
}

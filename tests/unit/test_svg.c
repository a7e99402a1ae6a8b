/* SVG writer: nice ticks, numbers, escaping, determinism, well-formedness, NaN handling,
 * stacking, errors, allocation failures, atomic write and a golden file. */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cm_test.h"
#include "report/svg_internal.h"
#include "cambium/cm_rng.h"
#include "cambium/cm_svg.h"

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    size_t len = strlen(needle);
    for (const char *p = strstr(hay, needle); p != NULL; p = strstr(p + len, needle)) {
        n++;
    }
    return n;
}

static void check_well_formed(const char *svg)
{
    assert_true(strncmp(svg, "<svg ", 5) == 0);
    size_t len = strlen(svg);
    assert_true(len > 7 && strcmp(svg + len - 7, "</svg>\n") == 0);
    assert_int_equal(count(svg, "<svg"), 1);
    assert_int_equal(count(svg, "<g"), count(svg, "</g>"));
    assert_int_equal(count(svg, "<text"), count(svg, "</text>"));
    assert_int_equal(count(svg, "<defs>"), count(svg, "</defs>"));
    assert_int_equal(count(svg, "<clipPath"), count(svg, "</clipPath>"));
    /* every other element is self-closing: as many "<" as closing forms */
    size_t opens = count(svg, "<") - count(svg, "</");
    size_t closes = count(svg, "/>") + count(svg, "</");
    assert_int_equal(opens, closes);
    assert_null(strstr(svg, "nan"));
    assert_null(strstr(svg, "inf"));
}

static void test_nice_ticks_examples(void **state)
{
    (void)state;
    cm_svg_ticks_t t;
    cm_error_info_t err = {0};
    CHECK_OK(cm_svg_nice_ticks(0, 7.3, 5, &t, &err), &err);
    ASSERT_NEAR(t.lo, 0, 0, 0);
    ASSERT_NEAR(t.hi, 8, 1e-12, 0);
    ASSERT_NEAR(t.step, 2, 1e-12, 0);
    assert_int_equal(t.n, 5);
    CHECK_OK(cm_svg_nice_ticks(0, 1, 6, &t, &err), &err);
    ASSERT_NEAR(t.step, 0.2, 1e-12, 0);
    assert_int_equal(t.n, 6);
    CHECK_OK(cm_svg_nice_ticks(-3.2, 47, 6, &t, &err), &err);
    ASSERT_NEAR(t.lo, -20, 1e-12, 0);
    ASSERT_NEAR(t.hi, 60, 1e-12, 0);
    assert_int_equal(t.n, 5);
    CHECK_OK(cm_svg_nice_ticks(1e6, 3.4e6, 5, &t, &err), &err);
    ASSERT_NEAR(t.step, 1e6, 1e-12, 0);
    ASSERT_NEAR(t.lo, 1e6, 1e-12, 0);
    ASSERT_NEAR(t.hi, 4e6, 1e-12, 0);
    CHECK_OK(cm_svg_nice_ticks(0.0012, 0.0049, 4, &t, &err), &err);
    ASSERT_NEAR(t.step, 0.002, 1e-12, 0);
    ASSERT_NEAR(t.lo, 0.0, 0, 1e-15);
    ASSERT_NEAR(t.hi, 0.006, 1e-12, 0);
    assert_int_equal(t.n, 4);
    CHECK_OK(cm_svg_nice_ticks(5, 5, 5, &t, &err), &err);
    assert_true(t.lo <= 4.5 && t.hi >= 5.5);
    CHECK_OK(cm_svg_nice_ticks(0, 0, 5, &t, &err), &err);
    assert_true(t.lo <= -1 && t.hi >= 1);
    assert_int_equal(cm_i_svg_tick_decimals(0.2), 1);
    assert_int_equal(cm_i_svg_tick_decimals(0.001), 3);
    assert_int_equal(cm_i_svg_tick_decimals(50), 0);

    CHECK_ERROR(cm_svg_nice_ticks(1, 0, 5, &t, &err), CM_EINVAL);
    CHECK_ERROR(cm_svg_nice_ticks(NAN, 1, 5, &t, &err), CM_EINVAL);
    CHECK_ERROR(cm_svg_nice_ticks(0, INFINITY, 5, &t, &err), CM_EINVAL);
    CHECK_ERROR(cm_svg_nice_ticks(0, 1, 1, &t, &err), CM_EINVAL);
    CHECK_ERROR(cm_svg_nice_ticks(0, 1, 5, NULL, &err), CM_EINVAL);
    CHECK_ERROR(cm_svg_nice_ticks(-1e308, 1e308, 5, &t, &err), CM_EINVAL);
    CHECK_ERROR(cm_svg_nice_ticks(0, 1, 1001, &t, &err), CM_EINVAL);
    CHECK_ERROR(cm_svg_nice_ticks(1e16, 1e16 + 2, 5, &t, &err), CM_OK);
    CHECK_ERROR(cm_svg_nice_ticks(1.0, 1.0 + 4e-16, 5, &t, &err), CM_OK);
}

/* Invariants over random ranges: the ticks cover the range, the step is 1, 2 or 5 x 10^k,
 * and the number of ticks stays near the target. */
static void test_nice_ticks_invariants(void **state)
{
    (void)state;
    cm_rng_t rng;
    cm_rng_seed(&rng, 77);
    for (int i = 0; i < 5000; i++) {
        double scale = pow(10.0, (double)cm_rng_below(&rng, 16) - 8.0);
        double a = (cm_rng_double(&rng) - 0.5) * scale * 10;
        double b = a + cm_rng_double(&rng) * scale;
        size_t target = 2 + (size_t)cm_rng_below(&rng, 9);
        cm_svg_ticks_t t;
        CHECK_OK(cm_svg_nice_ticks(a, b, target, &t, NULL), NULL);
        double tol = 1e-9 * t.step;
        assert_true(t.lo <= a + tol && t.hi >= b - tol);
        double m = t.step / pow(10.0, floor(log10(t.step) + 1e-9));
        assert_true(fabs(m - 1) < 1e-9 || fabs(m - 2) < 1e-9 || fabs(m - 5) < 1e-9);
        assert_true(t.n >= 2 && t.n <= 2 * target + 1);
        ASSERT_NEAR(t.lo + (double)(t.n - 1) * t.step, t.hi, 1e-9, 1e-9 * t.step);
    }
}

static void test_numbers_and_escaping(void **state)
{
    (void)state;
    assert_string_equal(cm_i_svg_num(3.14159, 2, 1).s, "3.14");
    assert_string_equal(cm_i_svg_num(2.5, 2, 1).s, "2.5");
    assert_string_equal(cm_i_svg_num(100, 2, 1).s, "100");
    assert_string_equal(cm_i_svg_num(-0.001, 2, 1).s, "0");
    assert_string_equal(cm_i_svg_num(-12, 2, 0).s, "-12.00");
    assert_string_equal(cm_i_svg_num(-1.255, 1, 0).s, "-1.3");
    assert_string_equal(cm_i_svg_num(0.3, 1, 0).s, "0.3");
    assert_string_equal(cm_i_svg_num(1e20, 2, 1).s, "1.000000e+20");
    assert_string_equal(cm_i_svg_num(NAN, 2, 1).s, "0");

    cm_i_buf_t b = CM_I_BUF_INIT(0);
    assert_int_equal(cm_i_svg_escape(&b, "a&b <c> \"d\" 'e' \x01z caf\xC3\xA9"), CM_OK);
    assert_string_equal(b.data, "a&amp;b &lt;c&gt; &quot;d&quot; &apos;e&apos; z caf\xC3\xA9");
    cm_i_buf_free(&b);
    assert_int_equal(cm_i_svg_escape(&b, ""), CM_OK);
    assert_string_equal(b.data, "");
    cm_i_buf_free(&b);
    cm_test_fail_alloc_after(0);
    assert_int_equal(cm_i_svg_escape(&b, "a&b"), CM_ENOMEM);
    cm_test_fail_alloc_after(-1);
    cm_i_buf_free(&b);
    assert_string_equal(cm_i_svg_colour(0), "#E69F00");
    assert_string_equal(cm_i_svg_colour(8), "#E69F00");
}

/* The criticality figure of later modules: labelled points and two thresholds. */
static cm_error_t build_criticality(cm_svg_t **out, cm_error_info_t *err)
{
    static const double ei[] = {5.9, 3.1, 4.4, 2.1, 6.8};
    static const double sr[] = {1.5, 4.0, 0.6, 0.4, 2.7};
    static const char *const names[] = {"Cobalt", "Rare earths <light>", "Copper", "Salt & co",
                                        "Platinum \"PGM\""};
    cm_svg_t *fig = NULL;
    cm_error_t rc = cm_svg_create(640, 480, &fig, err);
    if (rc == CM_OK) {
        rc = cm_svg_set_labels(fig, "Criticality \xE2\x80\x94 Belgium", "Economic importance (1)",
                               "Supply risk (1)", err);
    }
    if (rc == CM_OK) {
        rc = cm_svg_add_scatter(fig, "raw materials", ei, 5, sr, 5, names, err);
    }
    if (rc == CM_OK) {
        rc = cm_svg_add_refline(fig, 'y', 1.0, "SR = 1", err);
    }
    if (rc == CM_OK) {
        rc = cm_svg_add_refline(fig, 'x', 2.8, "EI = 2.8", err);
    }
    if (rc != CM_OK) {
        cm_svg_free(fig);
        fig = NULL;
    }
    *out = fig;
    return rc;
}

static void test_scatter_deterministic(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    cm_svg_t *f1 = NULL, *f2 = NULL;
    char *s1 = NULL, *s2 = NULL;
    CHECK_OK(build_criticality(&f1, &err), &err);
    CHECK_OK(build_criticality(&f2, &err), &err);
    CHECK_OK(cm_svg_render(f1, &s1, &err), &err);
    CHECK_OK(cm_svg_render(f2, &s2, &err), &err);
    assert_string_equal(s1, s2);
    check_well_formed(s1);
    assert_non_null(strstr(s1, "Rare earths &lt;light&gt;"));
    assert_non_null(strstr(s1, "Salt &amp; co"));
    assert_non_null(strstr(s1, "Platinum &quot;PGM&quot;"));
    assert_non_null(strstr(s1, "Criticality \xE2\x80\x94 Belgium"));
    assert_non_null(strstr(s1, ">SR = 1</text>"));
    assert_non_null(strstr(s1, ">EI = 2.8</text>"));
    assert_int_equal(count(s1, "stroke-dasharray"), 2);
    /* 5 points + 1 legend marker */
    assert_int_equal(count(s1, "<circle"), 6);
    cm_free(s2);
    s2 = NULL;
    /* rendering again from the same figure gives the same bytes */
    CHECK_OK(cm_svg_render(f1, &s2, &err), &err);
    assert_string_equal(s1, s2);
    cm_free(s1);
    cm_free(s2);
    cm_svg_free(f1);
    cm_svg_free(f2);
    cm_svg_free(NULL);
}

static void test_nan_skipped(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    cm_svg_t *fig = NULL;
    char *svg = NULL;
    const double x[] = {1, 2, 3, 4, 5, 6};
    const double y[] = {1, NAN, 3, 4, INFINITY, 2};
    const char *const labels[] = {"a", "b", "c", "d", "e", "f"};
    CHECK_OK(cm_svg_create(400, 300, &fig, &err), &err);
    CHECK_OK(cm_svg_add_scatter(fig, NULL, x, 6, y, 6, labels, &err), &err);
    CHECK_OK(cm_svg_render(fig, &svg, &err), &err);
    check_well_formed(svg);
    assert_int_equal(count(svg, "<circle"), 4);
    assert_null(strstr(svg, ">b</text>"));
    assert_null(strstr(svg, ">e</text>"));
    assert_non_null(strstr(svg, ">f</text>"));
    cm_free(svg);
    cm_svg_free(fig);

    /* a line is broken at non-finite points: [1], [3, 4], [6] -> 1 polyline, 2 dots */
    CHECK_OK(cm_svg_create(400, 300, &fig, &err), &err);
    CHECK_OK(cm_svg_add_line(fig, NULL, x, 6, y, 6, &err), &err);
    CHECK_OK(cm_svg_render(fig, &svg, &err), &err);
    check_well_formed(svg);
    assert_int_equal(count(svg, "<polyline"), 1);
    assert_int_equal(count(svg, "<circle"), 2);
    cm_free(svg);
    cm_svg_free(fig);
}

static void test_stacked_areas(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    cm_svg_t *fig = NULL;
    char *svg = NULL;
    const double t[] = {2000, 2005, 2010, 2015, 2020};
    const double a[] = {1, 2, 3, 4, 5};
    const double b[] = {0.5, NAN, 1.5, 2, 2.5};
    const double c[] = {3, 3, 3, 3, 3};
    const double *ys[3] = {a, b, c};
    CHECK_OK(cm_svg_create(600, 400, &fig, &err), &err);
    CHECK_OK(cm_svg_set_labels(fig, "Stocks in use", "Year", "Stock (kt)", &err), &err);
    CHECK_OK(cm_svg_add_area(fig, "copper", t, 5, a, 5, &err), &err);
    CHECK_OK(cm_svg_add_area(fig, "aluminium", t, 5, b, 5, &err), &err);
    CHECK_OK(cm_svg_add_area(fig, "steel", t, 5, c, 5, &err), &err);
    double tops[5];
    for (size_t k = 0; k < 3; k++) {
        CHECK_OK(cm_svg_area_top(fig, k, tops, 5, &err), &err);
        for (size_t j = 0; j < 5; j++) {
            double sum = 0;
            for (size_t m = 0; m <= k; m++) {
                sum += isfinite(ys[m][j]) ? ys[m][j] : 0.0;
            }
            ASSERT_NEAR(tops[j], sum, 1e-15, 0);
        }
    }
    CHECK_ERROR(cm_svg_area_top(fig, 3, tops, 5, &err), CM_EINVAL);
    CHECK_ERROR(cm_svg_area_top(fig, 0, tops, 4, &err), CM_EINVAL);
    CHECK_ERROR(cm_svg_area_top(fig, 0, NULL, 5, &err), CM_EINVAL);
    CHECK_OK(cm_svg_render(fig, &svg, &err), &err);
    check_well_formed(svg);
    assert_int_equal(count(svg, "<polygon"), 3);
    /* 3 legend swatches + background + clip rectangle */
    assert_int_equal(count(svg, "<rect"), 5);
    /* the y axis reaches the top of the stack (10.5) with nice ticks: 0 .. 15 by 5 */
    assert_non_null(strstr(svg, ">15</text>"));
    assert_null(strstr(svg, ">20</text>"));
    assert_non_null(strstr(svg, ">2020</text>"));
    cm_free(svg);

    const double t2[] = {2000, 2005, 2010, 2015, 2021};
    const double tbad[] = {2000, 2005, 2005, 2015, 2020};
    CHECK_ERROR(cm_svg_add_area(fig, "x", t2, 5, a, 5, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "share the x values"));
    CHECK_ERROR(cm_svg_add_area(fig, "x", t, 4, a, 4, &err), CM_EINVAL);
    CHECK_ERROR(cm_svg_add_area(fig, "x", tbad, 5, a, 5, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "strictly increasing"));
    cm_svg_free(fig);
}

static void test_bars(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    const char *const cats[] = {"2019", "2020", "2021", "2022"};
    const double dmc[] = {120, 110, NAN, 125};
    const double exports[] = {-40, -35, -38, -41};
    for (int mode = 0; mode < 2; mode++) {
        cm_svg_t *fig = NULL;
        char *svg = NULL;
        CHECK_OK(cm_svg_create(500, 300, &fig, &err), &err);
        CHECK_OK(cm_svg_set_categories(fig, cats, 4, &err), &err);
        CHECK_OK(cm_svg_set_bar_mode(fig, (cm_svg_bar_mode_t)mode, &err), &err);
        CHECK_OK(cm_svg_add_bars(fig, "DMC (Mt)", dmc, 4, &err), &err);
        CHECK_OK(cm_svg_add_bars(fig, "exports (Mt)", exports, 4, &err), &err);
        CHECK_OK(cm_svg_add_refline(fig, 'y', 100, "target", &err), &err);
        CHECK_OK(cm_svg_render(fig, &svg, &err), &err);
        check_well_formed(svg);
        /* 7 finite bars + 2 legend swatches + background + clip */
        assert_int_equal(count(svg, "<rect"), 11);
        assert_non_null(strstr(svg, ">2021</text>"));
        cm_free(svg);

        const double x[] = {1, 2};
        CHECK_ERROR(cm_svg_add_line(fig, "l", x, 2, x, 2, &err), CM_EINVAL);
        CHECK_ERROR(cm_svg_add_bars(fig, "short", dmc, 3, &err), CM_EINVAL);
        CHECK_ERROR(cm_svg_add_refline(fig, 'x', 1.0, NULL, &err), CM_EINVAL);
        CHECK_ERROR(cm_svg_set_categories(fig, cats, 4, &err), CM_EINVAL);
        cm_svg_free(fig);
    }
}

static void test_errors(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    cm_svg_t *fig = NULL;
    char *svg = NULL;
    const double x[] = {1, 2, 3};
    const char *const cats[] = {"a", NULL};
    CHECK_ERROR(cm_svg_create(50, 300, &fig, &err), CM_EINVAL);
    assert_null(fig);
    CHECK_ERROR(cm_svg_create(NAN, 300, &fig, &err), CM_EINVAL);
    CHECK_ERROR(cm_svg_create(400, 300, NULL, &err), CM_EINVAL);
    CHECK_OK(cm_svg_create(400, 300, &fig, &err), &err);
    CHECK_ERROR(cm_svg_render(fig, &svg, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "no series"));
    CHECK_ERROR(cm_svg_add_line(fig, "l", x, 0, x, 0, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "empty series"));
    CHECK_ERROR(cm_svg_add_scatter(fig, "s", x, 3, x, 2, NULL, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "3 x values but 2 y values"));
    CHECK_ERROR(cm_svg_add_line(fig, "l", NULL, 3, x, 3, &err), CM_EINVAL);
    CHECK_ERROR(cm_svg_add_bars(fig, "b", x, 3, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "categories first"));
    CHECK_ERROR(cm_svg_set_categories(fig, cats, 2, &err), CM_EINVAL);
    CHECK_ERROR(cm_svg_set_categories(fig, cats, 0, &err), CM_EINVAL);
    CHECK_ERROR(cm_svg_set_bar_mode(fig, (cm_svg_bar_mode_t)7, &err), CM_EINVAL);
    CHECK_ERROR(cm_svg_add_refline(fig, 'z', 1.0, "z", &err), CM_EINVAL);
    CHECK_ERROR(cm_svg_add_refline(fig, 'y', NAN, "z", &err), CM_EINVAL);
    CHECK_ERROR(cm_svg_set_range(fig, 'x', 2, 1, &err), CM_EINVAL);
    CHECK_ERROR(cm_svg_set_range(fig, 'q', 0, 1, &err), CM_EINVAL);
    CHECK_ERROR(cm_svg_set_labels(NULL, "t", NULL, NULL, &err), CM_EINVAL);
    CHECK_OK(cm_svg_add_line(fig, "l", x, 3, x, 3, &err), &err);
    CHECK_ERROR(cm_svg_set_categories(fig, cats, 1, &err), CM_EINVAL);
    CHECK_ERROR(cm_svg_render(fig, NULL, &err), CM_EINVAL);
    CHECK_ERROR(cm_svg_write(fig, "", &err), CM_EINVAL);
    CHECK_ERROR(cm_svg_write(fig, NULL, &err), CM_EINVAL);
    /* a forced range clips; a reference line outside it is left out */
    CHECK_OK(cm_svg_set_range(fig, 'y', 0, 2, &err), &err);
    CHECK_OK(cm_svg_add_refline(fig, 'y', 50, "far", &err), &err);
    CHECK_OK(cm_svg_render(fig, &svg, &err), &err);
    check_well_formed(svg);
    assert_null(strstr(svg, ">far</text>"));
    cm_free(svg);
    cm_svg_free(fig);
}

static cm_error_t build_and_render_all(char **svg, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_svg_t *fig = NULL;
    cm_svg_t *bars = NULL;
    char *tmp = NULL;
    const double x[] = {1, 2, 3};
    const double y[] = {2, 1, 3};
    const char *const labels[] = {"one", NULL, "three"};
    const char *const cats[] = {"a", "b", "c"};
    *svg = NULL;
    CM_TRY(cm_svg_create(400, 300, &fig, err));
    CM_TRY(cm_svg_set_labels(fig, "title", "x (t)", "y (EUR/kg)", err));
    CM_TRY(cm_svg_add_area(fig, "area", x, 3, y, 3, err));
    CM_TRY(cm_svg_add_area(fig, "area 2", x, 3, y, 3, err));
    CM_TRY(cm_svg_add_line(fig, "line", x, 3, y, 3, err));
    CM_TRY(cm_svg_add_scatter(fig, "pts", x, 3, y, 3, labels, err));
    CM_TRY(cm_svg_add_scatter(fig, "more", x, 3, y, 3, labels, err));
    CM_TRY(cm_svg_add_refline(fig, 'y', 1.5, "ref", err));
    CM_TRY(cm_svg_add_refline(fig, 'x', 2.5, "v", err));
    CM_TRY(cm_svg_add_refline(fig, 'x', 1.5, "w", err));
    CM_TRY(cm_svg_add_refline(fig, 'y', 0.5, "u", err));
    CM_TRY(cm_svg_add_refline(fig, 'y', 0.7, NULL, err));
    CM_TRY(cm_svg_render(fig, svg, err));
    CM_TRY(cm_svg_create(400, 300, &bars, err));
    CM_TRY(cm_svg_set_categories(bars, cats, 3, err));
    CM_TRY(cm_svg_add_bars(bars, "b1", y, 3, err));
    CM_TRY(cm_svg_render(bars, &tmp, err));
cleanup:
    cm_free(tmp);
    cm_svg_free(fig);
    cm_svg_free(bars);
    if (rc != CM_OK) {
        cm_free(*svg);
        *svg = NULL;
    }
    return rc;
}

/* Every allocation failure is reported as CM_ENOMEM and leaks nothing (the CM_TEST wrapper
 * checks the allocation counter). */
static void test_allocation_failures(void **state)
{
    (void)state;
    char *svg = NULL;
    cm_error_info_t err = {0};
    long n = 0;
    for (;; n++) {
        cm_test_fail_alloc_after(n);
        cm_error_t rc = build_and_render_all(&svg, &err);
        long failures = cm_test_alloc_failures();
        cm_test_fail_alloc_after(-1);
        if (rc == CM_OK) {
            assert_int_equal(failures, 0);
            break;
        }
        assert_int_equal(rc, CM_ENOMEM);
        assert_null(svg);
        assert_true(n < 10000);
    }
    assert_true(n > 10);
    check_well_formed(svg);
    cm_free(svg);
}

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    char *buf = NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long len = ftell(f);
        if (len >= 0 && fseek(f, 0, SEEK_SET) == 0) {
            buf = test_malloc((size_t)len + 1);
            size_t got = fread(buf, 1, (size_t)len, f);
            buf[got] = '\0';
        }
    }
    fclose(f);
    return buf;
}

static void test_write_atomic(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    cm_svg_t *fig = NULL;
    char *svg = NULL;
    char path[1024];
    const char *dir = cm_test_tmpdir();
    snprintf(path, sizeof path, "%s/criticality.svg", dir);
    CHECK_OK(build_criticality(&fig, &err), &err);
    CHECK_OK(cm_svg_render(fig, &svg, &err), &err);
    CHECK_OK(cm_svg_write(fig, path, &err), &err);
    CHECK_OK(cm_svg_write(fig, path, &err), &err); /* replaces the file */
    char *back = read_all(path);
    assert_non_null(back);
    assert_string_equal(back, svg);
    test_free(back);
    DIR *d = opendir(dir);
    assert_non_null(d);
    for (struct dirent *e = readdir(d); e != NULL; e = readdir(d)) {
        assert_null(strstr(e->d_name, ".tmp."));
    }
    closedir(d);

    char bad[1100];
    snprintf(bad, sizeof bad, "%s/no-such-dir/fig.svg", dir);
    CHECK_ERROR(cm_svg_write(fig, bad, &err), CM_EFILE);
    assert_non_null(strstr(err.message, "no-such-dir/fig.svg"));
    cm_free(svg);
    cm_svg_free(fig);
}

/* Byte-for-byte comparison with tests/data/svg/criticality.svg. Set CM_UPDATE_GOLDEN=1 to
 * rewrite the golden file after an intended change of the output. */
/* A band takes its series' colour, sits behind the lines and widens the y range; unnamed
 * series (markers of a line) follow their line's colour, so 5 lines + markers use 5 colours. */
static void test_band_colours(void **state)
{
    cm_svg_t *fig = NULL;
    char *svg = NULL;
    cm_error_info_t err;
    (void)state;
    double x[3] = {0, 1, 2}, y[3] = {1, 2, 3}, lo[3] = {0.5, 1, 2}, hi[3] = {2, 4, 50};
    CHECK_OK(cm_svg_create(400, 300, &fig, &err), &err);
    CHECK_ERROR(cm_svg_add_band(fig, "b", x, 3, lo, hi, 3, &err), CM_EINVAL);
    for (int i = 0; i < 5; i++) {
        char name[16];
        snprintf(name, sizeof name, "s%d", i);
        CHECK_OK(cm_svg_add_line(fig, name, x, 3, y, 3, &err), &err);
        CHECK_OK(cm_svg_add_scatter(fig, NULL, x, 3, y, 3, NULL, &err), &err);
    }
    CHECK_OK(cm_svg_add_band(fig, "s4 band", x, 3, lo, hi, 3, &err), &err);
    CHECK_ERROR(cm_svg_add_band(fig, "bad", x, 3, lo, NULL, 3, &err), CM_EINVAL);
    CHECK_OK(cm_svg_render(fig, &svg, &err), &err);
    /* s4 is the fifth named series: Okabe-Ito colour 4 (#0072B2), also for its band */
    const char *band = strstr(svg, "<polygon class=\"band\" fill=\"#0072B2\"");
    assert_non_null(band);
    assert_true(band < strstr(svg, "<polyline")); /* behind the lines */
    assert_non_null(strstr(svg, ">50</text>"));  /* hi = 50 is inside the y ticks */
    /* markers of s0 in s0's colour; no colour repeats among the 5 lines */
    assert_non_null(strstr(svg, "r=\"4\" fill=\"#E69F00\""));
    static const char *const pal[8] = {"#E69F00", "#56B4E9", "#009E73", "#F0E442",
                                       "#0072B2", "#D55E00", "#CC79A7", "#000000"};
    for (int i = 0; i < 8; i++) {
        char needle[64];
        snprintf(needle, sizeof needle, "<polyline fill=\"none\" stroke=\"%s\"", pal[i]);
        size_t c = 0;
        for (const char *p = strstr(svg, needle); p != NULL; p = strstr(p + 1, needle)) {
            c++;
        }
        assert_int_equal(c, i < 5 ? 1 : 0);
    }
    cm_free(svg);
    cm_svg_free(fig);
}

/* Point labels of a dense cluster do not cover each other and stay in the figure: boxes
 * estimated as the renderer does (5.6 px per character, 10 px high) from the x, y and
 * text-anchor it writes. */
static void test_label_placement(void **state)
{
    (void)state;
    cm_svg_t *fig = NULL;
    cm_error_info_t err;
    char *text = NULL;
    const double x[] = {1.0, 1.01, 1.02, 0.99, 1.0, 2.95};
    const double y[] = {3.0, 3.01, 2.99, 3.0, 3.02, 5.0};
    const char *lab[] = {"Hafnium", "Germanium", "Gallium", "Indium", "Tin", "Platinum group"};
    CHECK_OK(cm_svg_create(600, 400, &fig, &err), &err);
    CHECK_OK(cm_svg_set_range(fig, 'x', 0, 3, &err), &err);
    CHECK_OK(cm_svg_set_range(fig, 'y', 0, 5, &err), &err);
    CHECK_OK(cm_svg_add_scatter(fig, "m", x, 6, y, 6, lab, &err), &err);
    CHECK_OK(cm_svg_render(fig, &text, &err), &err);
    double bx0[6], by0[6], bx1[6], by1[6];
    size_t n = 0;
    const char *p = strstr(text, "<g class=\"labels\"");
    assert_non_null(p);
    while ((p = strstr(p, "<text x=\"")) != NULL && n < 6) {
        double tx = 0, ty = 0;
        char anchor[16] = "";
        assert_int_equal(sscanf(p, "<text x=\"%lf\" y=\"%lf\" text-anchor=\"%15[a-z]\"", &tx, &ty,
                                anchor),
                         3);
        const char *gt = strchr(p, '>');
        const char *lt = strchr(gt, '<');
        double w = 5.6 * (double)(lt - gt - 1);
        bx0[n] = strcmp(anchor, "start") == 0 ? tx : strcmp(anchor, "end") == 0 ? tx - w : tx - w / 2;
        bx1[n] = bx0[n] + w;
        by1[n] = ty + 2;
        by0[n] = ty - 8;
        assert_true(bx0[n] >= 0 && bx1[n] <= 600 && by0[n] >= 0 && by1[n] <= 400);
        n++;
        p = lt;
    }
    assert_int_equal(n, 6);
    for (size_t a = 0; a < n; a++) {
        for (size_t b = a + 1; b < n; b++) {
            double w = fmin(bx1[a], bx1[b]) - fmax(bx0[a], bx0[b]);
            double h = fmin(by1[a], by1[b]) - fmax(by0[a], by0[b]);
            assert_false(w > 0 && h > 0);
        }
    }
    cm_free(text);
    cm_svg_free(fig);
}

static void test_golden(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    cm_svg_t *fig = NULL;
    char *svg = NULL;
    const char *golden = cm_test_source("tests/data/svg/criticality.svg");
    CHECK_OK(build_criticality(&fig, &err), &err);
    CHECK_OK(cm_svg_render(fig, &svg, &err), &err);
    const char *update = getenv("CM_UPDATE_GOLDEN");
    if (update != NULL && strcmp(update, "1") == 0) {
        CHECK_OK(cm_svg_write(fig, golden, &err), &err);
    }
    char *expected = read_all(golden);
    if (expected == NULL) {
        fail_msg("cannot read %s", golden);
    }
    assert_string_equal(svg, expected);
    test_free(expected);
    cm_free(svg);
    cm_svg_free(fig);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CM_TEST(test_nice_ticks_examples),  CM_TEST(test_nice_ticks_invariants),
        CM_TEST(test_numbers_and_escaping), CM_TEST(test_scatter_deterministic),
        CM_TEST(test_nan_skipped),          CM_TEST(test_stacked_areas),
        CM_TEST(test_bars),                 CM_TEST(test_errors),
        CM_TEST(test_allocation_failures),  CM_TEST(test_write_atomic),
        CM_TEST(test_band_colours),
        CM_TEST(test_label_placement),
        CM_TEST(test_golden),
    };
    return CM_RUN_TESTS(tests);
}

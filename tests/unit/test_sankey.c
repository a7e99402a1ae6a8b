/* Sankey writer (cm_sankey.h): SVG structure, node and flow counts, band widths proportional
 * to the values, conservation at nodes, loops, atomic write, bad input, allocation failures. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cambium/cambium.h"
#include "cm_test.h"

static size_t count(const char *text, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(text, needle); p != NULL; p = strstr(p + 1, needle)) {
        n++;
    }
    return n;
}

/* source 10 -> a 6, b 4; a -> sink 6; b -> sink 3, b -> lost 1; sink -> source 2 (a loop) */
static cm_error_t build(cm_sankey_t **out, cm_error_info_t *err)
{
    cm_sankey_t *s = NULL;
    size_t src, a, b, sink, lost;
    cm_error_t rc = cm_sankey_create("test <diagram>", "t", &s, err);
    if (rc == CM_OK) rc = cm_sankey_add_node(s, "source", 0, &src, err);
    if (rc == CM_OK) rc = cm_sankey_add_node(s, "a", 1, &a, err);
    if (rc == CM_OK) rc = cm_sankey_add_node(s, "b & c", 1, &b, err);
    if (rc == CM_OK) rc = cm_sankey_add_node(s, "sink", 2, &sink, err);
    if (rc == CM_OK) rc = cm_sankey_add_node(s, "lost", 2, &lost, err);
    if (rc == CM_OK) rc = cm_sankey_add_flow(s, src, a, 6, err);
    if (rc == CM_OK) rc = cm_sankey_add_flow(s, src, b, 4, err);
    if (rc == CM_OK) rc = cm_sankey_add_flow(s, a, sink, 6, err);
    if (rc == CM_OK) rc = cm_sankey_add_flow(s, b, sink, 3, err);
    if (rc == CM_OK) rc = cm_sankey_add_flow(s, b, lost, 1, err);
    if (rc == CM_OK) rc = cm_sankey_add_flow(s, sink, src, 2, err);
    if (rc != CM_OK) {
        cm_sankey_free(s);
        s = NULL;
    }
    *out = s;
    return rc;
}

static void test_structure(void **state)
{
    cm_sankey_t *s = NULL;
    char *svg = NULL;
    cm_error_info_t err;
    (void)state;
    CHECK_OK(build(&s, &err), &err);
    assert_int_equal(cm_sankey_nnodes(s), 5);
    assert_int_equal(cm_sankey_nflows(s), 6);
    CHECK_OK(cm_sankey_render(s, 800, 500, &svg, &err), &err);
    assert_true(strncmp(svg, "<svg", 4) == 0);
    assert_true(strcmp(svg + strlen(svg) - 7, "</svg>\n") == 0);
    assert_int_equal(count(svg, "<rect class=\"node\""), 5);
    assert_int_equal(count(svg, "<path class=\"flow\""), 5);
    assert_int_equal(count(svg, "<path class=\"loop\""), 1);
    assert_int_equal(count(svg, "<g"), count(svg, "</g>"));
    assert_non_null(strstr(svg, "test &lt;diagram&gt;"));
    assert_non_null(strstr(svg, "b &amp; c"));
    /* widths proportional to values: one scale for every flow */
    double k = -1;
    size_t seen = 0;
    for (const char *p = strstr(svg, "data-value=\""); p != NULL;
         p = strstr(p + 1, "data-value=\"")) {
        double v = strtod(p + 12, NULL);
        const char *w = strstr(p, "data-width=\"");
        if (w == NULL || w - p > 60) {
            continue; /* a node's data-value */
        }
        double width = strtod(w + 12, NULL);
        assert_true(v > 0 && width > 0);
        if (k < 0) {
            k = width / v;
        }
        ASSERT_NEAR(width / v, k, 1e-12, 0);
        seen++;
    }
    assert_int_equal(seen, 6);
    /* the tallest column fits: 10 units at scale k within the height */
    assert_true(10 * k < 500);
    cm_free(svg);
    cm_sankey_free(s);
}

static void test_conservation(void **state)
{
    cm_sankey_t *s = NULL;
    cm_error_info_t err;
    double in, out;
    (void)state;
    CHECK_OK(build(&s, &err), &err);
    /* a and b conserve; source gets the loop back; sink gives it */
    for (size_t i = 1; i <= 2; i++) {
        CHECK_OK(cm_sankey_node_totals(s, i, &in, &out, &err), &err);
        ASSERT_NEAR(in, out, 0, 1e-12);
    }
    CHECK_OK(cm_sankey_node_totals(s, 0, &in, &out, &err), &err);
    ASSERT_NEAR(in, 2, 0, 0);
    ASSERT_NEAR(out, 10, 0, 0);
    CHECK_OK(cm_sankey_node_totals(s, 3, &in, &out, &err), &err);
    ASSERT_NEAR(in, 9, 0, 0);
    ASSERT_NEAR(out, 2, 0, 0);
    CHECK_ERROR(cm_sankey_node_totals(s, 5, &in, &out, &err), CM_EINVAL);
    char path[1024];
    snprintf(path, sizeof path, "%s/sankey.svg", cm_test_tmpdir());
    CHECK_OK(cm_sankey_write(s, path, 900, 600, &err), &err);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char head[5] = {0};
    assert_int_equal(fread(head, 1, 4, f), 4);
    fclose(f);
    assert_string_equal(head, "<svg");
    snprintf(path, sizeof path, "%s/no/such/dir/sankey.svg", cm_test_tmpdir());
    CHECK_ERROR(cm_sankey_write(s, path, 900, 600, &err), CM_EFILE);
    cm_sankey_free(s);
}

static void test_bad_input(void **state)
{
    cm_sankey_t *s = NULL;
    char *svg = NULL;
    size_t a, b;
    cm_error_info_t err;
    (void)state;
    CHECK_ERROR(cm_sankey_create(NULL, NULL, NULL, &err), CM_EINVAL);
    CHECK_OK(cm_sankey_create(NULL, NULL, &s, &err), &err);
    CHECK_ERROR(cm_sankey_render(s, 800, 500, &svg, &err), CM_EINVAL); /* nothing to draw */
    CHECK_ERROR(cm_sankey_add_node(s, NULL, 0, &a, &err), CM_EINVAL);
    CHECK_ERROR(cm_sankey_add_node(s, "x", 64, &a, &err), CM_EINVAL);
    CHECK_ERROR(cm_sankey_add_node(s, "x", -1, &a, &err), CM_EINVAL);
    CHECK_OK(cm_sankey_add_node(s, "x", 0, &a, &err), &err);
    CHECK_OK(cm_sankey_add_node(s, "y", 1, &b, &err), &err);
    CHECK_ERROR(cm_sankey_add_flow(s, a, a, 1, &err), CM_EINVAL);
    CHECK_ERROR(cm_sankey_add_flow(s, a, 7, 1, &err), CM_EINVAL);
    CHECK_ERROR(cm_sankey_add_flow(s, a, b, -1, &err), CM_EINVAL);
    CHECK_ERROR(cm_sankey_add_flow(s, a, b, NAN, &err), CM_EINVAL);
    CHECK_OK(cm_sankey_add_flow(s, a, b, 0, &err), &err);
    CHECK_ERROR(cm_sankey_render(s, 800, 500, &svg, &err), CM_EINVAL); /* only a zero flow */
    CHECK_OK(cm_sankey_add_flow(s, a, b, 1, &err), &err);
    CHECK_ERROR(cm_sankey_render(s, 100, 500, &svg, &err), CM_EINVAL);
    CHECK_ERROR(cm_sankey_write(s, NULL, 800, 500, &err), CM_EINVAL);
    CHECK_OK(cm_sankey_render(s, 800, 500, &svg, &err), &err);
    assert_int_equal(count(svg, "<path class=\"flow\""), 1); /* the zero flow is not drawn */
    cm_free(svg);
    cm_sankey_free(s);
    cm_sankey_free(NULL);
}

static void test_alloc_failures(void **state)
{
    (void)state;
    int ok = 0;
    for (long n = 0; n < 200 && !ok; n++) {
        cm_sankey_t *s = NULL;
        char *svg = NULL;
        cm_error_info_t err;
        cm_test_fail_alloc_after(n);
        cm_error_t rc = build(&s, &err);
        if (rc == CM_OK) {
            rc = cm_sankey_render(s, 800, 500, &svg, &err);
        }
        cm_test_fail_alloc_after(-1);
        assert_true(rc == CM_OK || rc == CM_ENOMEM);
        ok = rc == CM_OK;
        cm_free(svg);
        cm_sankey_free(s);
    }
    assert_true(ok);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CM_TEST(test_structure),
        CM_TEST(test_conservation),
        CM_TEST(test_bad_input),
        CM_TEST(test_alloc_failures),
    };
    return CM_RUN_TESTS(tests);
}

/* Sankey writer (cm_sankey.h): SVG structure, node and flow counts, band widths proportional
 * to the values, conservation at nodes, loops, atomic write, bad input, allocation failures. */
#include <math.h>
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

/* The value of attribute name="..." in the element starting at el, or NAN. */
static double attr(const char *el, const char *name)
{
    char key[64];
    snprintf(key, sizeof key, " %s=\"", name);
    const char *end = strchr(el, '>');
    const char *p = strstr(el, key);
    if (p == NULL || (end != NULL && p > end)) {
        return NAN;
    }
    return strtod(p + strlen(key), NULL);
}

typedef struct box_t {
    double x0, y0, x1, y1;
} box_t;

static int overlap(box_t a, box_t b)
{
    return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

/* Label boxes: the renderer's character width (5.8 px at 11 px) times data-chars, from 11 px
 * above the baseline to 3 px below. */
static size_t label_boxes(const char *svg, box_t *out, size_t cap)
{
    size_t n = 0;
    for (const char *p = strstr(svg, "<text class=\"label\""); p != NULL && n < cap;
         p = strstr(p + 1, "<text class=\"label\"")) {
        double x = attr(p, "x"), y = attr(p, "y"), c = attr(p, "data-chars");
        out[n++] = (box_t){x, y - 11, x + 5.8 * c, y + 3};
    }
    return n;
}

static size_t node_boxes(const char *svg, box_t *out, size_t cap)
{
    size_t n = 0;
    for (const char *p = strstr(svg, "<rect class=\"node\""); p != NULL && n < cap;
         p = strstr(p + 1, "<rect class=\"node\"")) {
        double x = attr(p, "x"), y = attr(p, "y");
        out[n++] = (box_t){x, y, x + attr(p, "width"), y + attr(p, "height")};
    }
    return n;
}

/* Points along the centre line of a loop path "M x y C ... L x y C ...", 50 per segment. */
static size_t loop_points(const char *d, double *px, double *py, size_t cap)
{
    double cx = 0, cy = 0, v[6];
    size_t n = 0;
    const char *p = d;
    while (*p != '\0' && *p != '"') {
        char cmd = *p++;
        int k = cmd == 'C' ? 6 : 2;
        for (int i = 0; i < k; i++) {
            char *e;
            v[i] = strtod(p, &e);
            p = e;
        }
        while (*p == ' ') {
            p++;
        }
        if (cmd == 'C') {
            for (int i = 0; i <= 50 && n < cap; i++) {
                double t = i / 50.0, u = 1 - t;
                px[n] = u * u * u * cx + 3 * u * u * t * v[0] + 3 * u * t * t * v[2] + t * t * t * v[4];
                py[n] = u * u * u * cy + 3 * u * u * t * v[1] + 3 * u * t * t * v[3] + t * t * t * v[5];
                n++;
            }
            cx = v[4];
            cy = v[5];
        } else {
            if (cmd == 'L' && n + 50 < cap) {
                for (int i = 1; i <= 50; i++) {
                    px[n] = cx + (v[0] - cx) * i / 50.0;
                    py[n] = cy + (v[1] - cy) * i / 50.0;
                    n++;
                }
            }
            cx = v[0];
            cy = v[1];
        }
    }
    return n;
}

/* Labels do not overlap one another nor any node, stay inside the figure, and the loop (its
 * centre line widened by half its width) crosses no label: the recycling loop of an MMSA
 * diagram with long names in the last column, for several sizes and loop widths. */
static void test_geometry(void **state)
{
    (void)state;
    static const double loopv[3] = {2, 30, 300};
    static const double size[2][2] = {{900, 500}, {1500, 800}};
    for (int li = 0; li < 3; li++) {
        for (int si = 0; si < 2; si++) {
            cm_sankey_t *s = NULL;
            char *svg = NULL;
            cm_error_info_t err;
            size_t p, r, tech, comp, stock, eol1, eol2, net, rec, lost;
            CHECK_OK(cm_sankey_create("geometry", "t", &s, &err), &err);
            CHECK_OK(cm_sankey_add_node(s, "primary material", 0, &p, &err), &err);
            CHECK_OK(cm_sankey_add_node(s, "recycled material", 0, &r, &err), &err);
            CHECK_OK(cm_sankey_add_node(s, "geared_pmsg_medium_speed_long_name", 1, &tech, &err),
                     &err);
            CHECK_OK(cm_sankey_add_node(s, "all", 2, &comp, &err), &err);
            CHECK_OK(cm_sankey_add_node(s, "in-use stock", 3, &stock, &err), &err);
            CHECK_OK(cm_sankey_add_node(s, "end of life: concrete", 4, &eol1, &err), &err);
            CHECK_OK(cm_sankey_add_node(s, "end of life: ndfeb", 4, &eol2, &err), &err);
            CHECK_OK(cm_sankey_add_node(s, "net addition to stock", 4, &net, &err), &err);
            CHECK_OK(cm_sankey_add_node(s, "recovered material of the year", 5, &rec, &err),
                     &err);
            CHECK_OK(cm_sankey_add_node(s, "lost to landfill and incineration", 5, &lost, &err),
                     &err);
            double lv = loopv[li], e1 = 400, e2 = 0.5;
            CHECK_OK(cm_sankey_add_flow(s, p, tech, 1000 - lv, &err), &err);
            CHECK_OK(cm_sankey_add_flow(s, r, tech, lv, &err), &err);
            CHECK_OK(cm_sankey_add_flow(s, tech, comp, 1000, &err), &err);
            CHECK_OK(cm_sankey_add_flow(s, comp, stock, 1000, &err), &err);
            CHECK_OK(cm_sankey_add_flow(s, stock, eol1, e1, &err), &err);
            CHECK_OK(cm_sankey_add_flow(s, stock, eol2, e2, &err), &err);
            CHECK_OK(cm_sankey_add_flow(s, stock, net, 1000 - e1 - e2, &err), &err);
            CHECK_OK(cm_sankey_add_flow(s, eol1, rec, lv, &err), &err);
            CHECK_OK(cm_sankey_add_flow(s, eol1, lost, e1 - lv, &err), &err);
            CHECK_OK(cm_sankey_add_flow(s, eol2, lost, e2, &err), &err);
            CHECK_OK(cm_sankey_add_flow(s, rec, r, lv, &err), &err);
            CHECK_OK(cm_sankey_render(s, size[si][0], size[si][1], &svg, &err), &err);
            box_t lab[32], nod[32];
            size_t nl = label_boxes(svg, lab, 32), nn = node_boxes(svg, nod, 32);
            assert_int_equal(nl, 10);
            assert_int_equal(nn, 10);
            for (size_t i = 0; i < nl; i++) {
                assert_true(lab[i].x0 >= 0 && lab[i].x1 <= size[si][0]);
                assert_true(lab[i].y0 >= 0 && lab[i].y1 <= size[si][1]);
                for (size_t j = i + 1; j < nl; j++) {
                    assert_false(overlap(lab[i], lab[j]));
                }
                for (size_t j = 0; j < nn; j++) {
                    assert_false(overlap(lab[i], nod[j]));
                }
            }
            const char *lp = strstr(svg, "<path class=\"loop\"");
            assert_non_null(lp);
            double w = attr(lp, "data-width");
            double xs[512], ys[512];
            size_t np = loop_points(strstr(lp, " d=\"") + 4, xs, ys, 512);
            assert_true(np > 150);
            /* across the band: points at -w/2 .. w/2 along the normal of the centre line */
            for (size_t k = 0; k < np; k++) {
                size_t ka = k > 0 ? k - 1 : k, kb = k + 1 < np ? k + 1 : k;
                double tx = xs[kb] - xs[ka], ty = ys[kb] - ys[ka], tl = hypot(tx, ty);
                if (!(tl > 0)) {
                    continue;
                }
                for (int q = -4; q <= 4; q++) {
                    double off = w / 2 * q / 4.0;
                    double x = xs[k] - ty / tl * off, y = ys[k] + tx / tl * off;
                    box_t pt = {x, y, x + 1e-9, y + 1e-9};
                    assert_true(x >= -0.5 && x <= size[si][0] + 0.5 && y <= size[si][1] + 0.5);
                    for (size_t i = 0; i < nl; i++) {
                        assert_false(overlap(pt, lab[i]));
                    }
                }
            }
            cm_free(svg);
            cm_sankey_free(s);
        }
    }
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
        CM_TEST(test_geometry),
        CM_TEST(test_conservation),
        CM_TEST(test_bad_input),
        CM_TEST(test_alloc_failures),
    };
    return CM_RUN_TESTS(tests);
}

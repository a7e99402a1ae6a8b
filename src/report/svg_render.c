/* SVG figure: layout (data ranges, nice ticks, margins) and the SVG text itself. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "svg_internal.h"

#define SVG_MAX_BYTES ((size_t)256 << 20)
#define TICK_TARGET 6
#define CLIP_PAD 6.0 /* markers on the edge of the plot stay whole */
#define CHAR_W 7.0 /* rough width of a 12 px sans-serif character */

typedef struct render_t {
    cm_i_buf_t b;
    cm_error_info_t *err;
    const cm_svg_t *fig;
    double x0, x1, y0, y1; /* plot box in pixels; y0 is the top edge */
    cm_svg_ticks_t xt, yt;
    int categorical;
    int rotate_cats;
    size_t nbars;
} render_t;

/* shorthand: a coordinate or data value with at most 2 decimals */
#define N(v) (cm_i_svg_num((v), 2, 1).s)

static cm_error_t buf_fail(render_t *r, cm_error_t rc)
{
    if (rc == CM_ENOMEM) {
        return cm_error_set(r->err, rc, "cm_svg_render: out of memory");
    }
    return cm_error_set(r->err, rc, "cm_svg_render: the SVG text exceeds %zu bytes",
                        (size_t)SVG_MAX_BYTES);
}

static cm_error_t emit(render_t *r, const char *fmt, ...) CM_PRINTF(2, 3);

static cm_error_t emit(render_t *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cm_error_t rc = cm_i_buf_vprintf(&r->b, fmt, ap);
    va_end(ap);
    return rc == CM_OK ? CM_OK : buf_fail(r, rc);
}

static cm_error_t emit_text(render_t *r, const char *text)
{
    cm_error_t rc = cm_i_svg_escape(&r->b, text);
    return rc == CM_OK ? CM_OK : buf_fail(r, rc);
}

/* <text ATTRS>escaped</text>\n */
static cm_error_t text_el(render_t *r, const char *attrs, const char *text)
{
    cm_error_t rc = emit(r, "<text %s>", attrs);
    if (rc == CM_OK) {
        rc = emit_text(r, text);
    }
    if (rc == CM_OK) {
        rc = emit(r, "</text>\n");
    }
    return rc;
}

static double px(const render_t *r, double x)
{
    return r->x0 + (x - r->xt.lo) / (r->xt.hi - r->xt.lo) * (r->x1 - r->x0);
}

static double py(const render_t *r, double y)
{
    return r->y1 - (y - r->yt.lo) / (r->yt.hi - r->yt.lo) * (r->y1 - r->y0);
}

static void extend(double *lo, double *hi, int *any, double v)
{
    if (!isfinite(v)) {
        return;
    }
    if (!*any || v < *lo) {
        *lo = v;
    }
    if (!*any || v > *hi) {
        *hi = v;
    }
    *any = 1;
}

static size_t area_length(const cm_svg_t *fig)
{
    for (size_t i = 0; i < fig->nseries; i++) {
        if (fig->series[i].kind == CM_I_SVG_AREA) {
            return fig->series[i].n;
        }
    }
    return 0;
}

/* Data ranges and ticks. scratch holds max(area length, 2 * categories) doubles. */
static cm_error_t layout_ranges(render_t *r, double *scratch)
{
    const cm_svg_t *fig = r->fig;
    double xlo = 0, xhi = 1, ylo = 0, yhi = 1;
    int xany = 0, yany = 0;
    size_t na = area_length(fig);
    if (na > 0) {
        memset(scratch, 0, na * sizeof *scratch);
        extend(&ylo, &yhi, &yany, 0.0);
    }
    if (r->categorical) {
        memset(scratch, 0, 2 * fig->ncats * sizeof *scratch);
        extend(&ylo, &yhi, &yany, 0.0);
    }
    for (size_t i = 0; i < fig->nseries; i++) {
        const cm_i_svg_series_t *s = &fig->series[i];
        for (size_t j = 0; j < s->n; j++) {
            double y = s->y[j];
            switch (s->kind) {
            case CM_I_SVG_SCATTER:
            case CM_I_SVG_LINE:
                if (isfinite(s->x[j]) && isfinite(y)) {
                    extend(&xlo, &xhi, &xany, s->x[j]);
                    extend(&ylo, &yhi, &yany, y);
                }
                break;
            case CM_I_SVG_BAND:
                if (isfinite(s->x[j]) && isfinite(y) && isfinite(s->y2[j])) {
                    extend(&xlo, &xhi, &xany, s->x[j]);
                    extend(&ylo, &yhi, &yany, y);
                    extend(&ylo, &yhi, &yany, s->y2[j]);
                }
                break;
            case CM_I_SVG_AREA:
                extend(&xlo, &xhi, &xany, s->x[j]);
                cm_i_svg_stack(scratch + j, s->y + j, 1, scratch + j);
                extend(&ylo, &yhi, &yany, scratch[j]);
                break;
            case CM_I_SVG_BARS:
                if (!isfinite(y)) {
                    break;
                }
                if (fig->bar_mode == CM_SVG_BARS_STACKED) {
                    double *acc = &scratch[2 * j + (y < 0 ? 1 : 0)];
                    *acc += y;
                    extend(&ylo, &yhi, &yany, *acc);
                } else {
                    extend(&ylo, &yhi, &yany, y);
                }
                break;
            }
        }
    }
    for (size_t i = 0; i < fig->nrefs; i++) {
        if (fig->refs[i].vertical) {
            extend(&xlo, &xhi, &xany, fig->refs[i].value);
        } else {
            extend(&ylo, &yhi, &yany, fig->refs[i].value);
        }
    }
    if (fig->has_range[0]) {
        xlo = fig->range[0][0];
        xhi = fig->range[0][1];
    }
    if (fig->has_range[1]) {
        ylo = fig->range[1][0];
        yhi = fig->range[1][1];
    }
    cm_error_t rc = cm_svg_nice_ticks(xlo, xhi, TICK_TARGET, &r->xt, r->err);
    if (rc == CM_OK) {
        rc = cm_svg_nice_ticks(ylo, yhi, TICK_TARGET, &r->yt, r->err);
    }
    return rc;
}

static void layout_box(render_t *r)
{
    const cm_svg_t *fig = r->fig;
    size_t legend_chars = 0;
    for (size_t i = 0; i < fig->nseries; i++) {
        if (fig->series[i].name != NULL) {
            size_t len = strlen(fig->series[i].name);
            legend_chars = len > legend_chars ? len : legend_chars;
        }
    }
    double right = 20;
    if (legend_chars > 0) {
        right = 40 + CHAR_W * (double)legend_chars;
        if (right > fig->width / 3) {
            right = fig->width / 3;
        }
    }
    double bottom = fig->xlabel != NULL ? 52 : 32;
    double left = fig->ylabel != NULL ? 76 : 56;
    double top = fig->title != NULL ? 40 : 16;
    r->x0 = left;
    r->x1 = fig->width - right;
    if (r->categorical) {
        size_t maxlen = 0;
        for (size_t i = 0; i < fig->ncats; i++) {
            size_t len = strlen(fig->cats[i]);
            maxlen = len > maxlen ? len : maxlen;
        }
        double band = (r->x1 - r->x0) / (double)fig->ncats;
        if (CHAR_W * (double)maxlen > band) {
            r->rotate_cats = 1;
            double extra = 0.7 * CHAR_W * (double)maxlen;
            bottom += extra < fig->height / 3 ? extra : fig->height / 3;
        }
    }
    r->y0 = top;
    r->y1 = fig->height - bottom;
}

static cm_error_t render_axes(render_t *r)
{
    cm_error_t rc = CM_OK;
    const cm_svg_t *fig = r->fig;
    int ydec = cm_i_svg_tick_decimals(r->yt.step);
    int xdec = cm_i_svg_tick_decimals(r->xt.step);
    CM_TRY(emit(r, "<g class=\"axes\" stroke=\"#000000\" stroke-width=\"1\">\n"));
    for (size_t i = 0; i < r->yt.n; i++) {
        double v = r->yt.lo + (double)i * r->yt.step;
        double y = py(r, v);
        CM_TRY(emit(r, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"#DDDDDD\"/>\n",
                    N(r->x0), N(y), N(r->x1), N(y)));
    }
    CM_TRY(emit(r, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\"/>\n", N(r->x0), N(r->y1),
                N(r->x1), N(r->y1)));
    CM_TRY(emit(r, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\"/>\n", N(r->x0), N(r->y0),
                N(r->x0), N(r->y1)));
    CM_TRY(emit(r, "</g>\n<g class=\"ticks\" font-size=\"11\">\n"));
    for (size_t i = 0; i < r->yt.n; i++) {
        double v = r->yt.lo + (double)i * r->yt.step;
        CM_TRY(emit(r, "<text x=\"%s\" y=\"%s\" text-anchor=\"end\">%s</text>\n", N(r->x0 - 6),
                    N(py(r, v) + 4), cm_i_svg_num(v, ydec, 0).s));
    }
    if (r->categorical) {
        double band = (r->x1 - r->x0) / (double)fig->ncats;
        for (size_t i = 0; i < fig->ncats; i++) {
            double cx = r->x0 + ((double)i + 0.5) * band;
            char attrs[256];
            if (r->rotate_cats) {
                snprintf(attrs, sizeof attrs,
                         "x=\"%s\" y=\"%s\" text-anchor=\"end\" transform=\"rotate(-40 %s %s)\"",
                         N(cx), N(r->y1 + 14), N(cx), N(r->y1 + 14));
            } else {
                snprintf(attrs, sizeof attrs, "x=\"%s\" y=\"%s\" text-anchor=\"middle\"", N(cx),
                         N(r->y1 + 16));
            }
            CM_TRY(text_el(r, attrs, fig->cats[i]));
        }
    } else {
        for (size_t i = 0; i < r->xt.n; i++) {
            double v = r->xt.lo + (double)i * r->xt.step;
            CM_TRY(emit(r, "<text x=\"%s\" y=\"%s\" text-anchor=\"middle\">%s</text>\n",
                        N(px(r, v)), N(r->y1 + 16), cm_i_svg_num(v, xdec, 0).s));
        }
    }
    CM_TRY(emit(r, "</g>\n"));
cleanup:
    return rc;
}

static cm_error_t render_area(render_t *r, const cm_i_svg_series_t *s, double *base, double *top,
                              const char *colour)
{
    cm_error_t rc = CM_OK;
    cm_i_svg_stack(base, s->y, s->n, top);
    CM_TRY(emit(r, "<polygon fill=\"%s\" fill-opacity=\"0.85\" stroke=\"%s\" points=\"", colour,
                colour));
    for (size_t j = 0; j < s->n; j++) {
        CM_TRY(emit(r, "%s%s,%s", j ? " " : "", N(px(r, s->x[j])), N(py(r, top[j]))));
    }
    for (size_t j = s->n; j-- > 0;) {
        CM_TRY(emit(r, " %s,%s", N(px(r, s->x[j])), N(py(r, base[j]))));
    }
    CM_TRY(emit(r, "\"/>\n"));
    memcpy(base, top, s->n * sizeof *base);
cleanup:
    return rc;
}

/* A band: one polygon per run of finite points, upper edge forward, lower edge back. */
static cm_error_t render_band(render_t *r, const cm_i_svg_series_t *s, const char *colour)
{
    cm_error_t rc = CM_OK;
    size_t j = 0;
#define BAND_OK(k) (isfinite(s->x[k]) && isfinite(s->y[k]) && isfinite(s->y2[k]))
    while (j < s->n) {
        while (j < s->n && !BAND_OK(j)) {
            j++;
        }
        size_t start = j;
        while (j < s->n && BAND_OK(j)) {
            j++;
        }
        if (j - start > 1) {
            CM_TRY(emit(r, "<polygon class=\"band\" fill=\"%s\" fill-opacity=\"0.25\" "
                           "stroke=\"none\" points=\"", colour));
            for (size_t k = start; k < j; k++) {
                CM_TRY(emit(r, "%s%s,%s", k > start ? " " : "", N(px(r, s->x[k])),
                            N(py(r, s->y2[k]))));
            }
            for (size_t k = j; k-- > start;) {
                CM_TRY(emit(r, " %s,%s", N(px(r, s->x[k])), N(py(r, s->y[k]))));
            }
            CM_TRY(emit(r, "\"/>\n"));
        }
    }
#undef BAND_OK
cleanup:
    return rc;
}

static cm_error_t render_line(render_t *r, const cm_i_svg_series_t *s, const char *colour)
{
    cm_error_t rc = CM_OK;
    size_t j = 0;
    while (j < s->n) {
        while (j < s->n && !(isfinite(s->x[j]) && isfinite(s->y[j]))) {
            j++;
        }
        size_t start = j;
        while (j < s->n && isfinite(s->x[j]) && isfinite(s->y[j])) {
            j++;
        }
        if (j - start == 1) {
            CM_TRY(emit(r, "<circle cx=\"%s\" cy=\"%s\" r=\"2\" fill=\"%s\"/>\n",
                        N(px(r, s->x[start])), N(py(r, s->y[start])), colour));
        } else if (j - start > 1) {
            CM_TRY(emit(r, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"",
                        colour));
            for (size_t k = start; k < j; k++) {
                CM_TRY(emit(r, "%s%s,%s", k > start ? " " : "", N(px(r, s->x[k])),
                            N(py(r, s->y[k]))));
            }
            CM_TRY(emit(r, "\"/>\n"));
        }
    }
cleanup:
    return rc;
}

static cm_error_t render_scatter(render_t *r, const cm_i_svg_series_t *s, const char *colour)
{
    cm_error_t rc = CM_OK;
    for (size_t j = 0; j < s->n; j++) {
        if (isfinite(s->x[j]) && isfinite(s->y[j])) {
            CM_TRY(emit(r,
                        "<circle cx=\"%s\" cy=\"%s\" r=\"4\" fill=\"%s\" stroke=\"#000000\" "
                        "stroke-width=\"0.5\"/>\n",
                        N(px(r, s->x[j])), N(py(r, s->y[j])), colour));
        }
    }
cleanup:
    return rc;
}

/* Point labels are placed greedily so that they do not cover each other: for each label, in
 * series and point order, the first free position among rings around its point (right or left,
 * above or below, each ring 12 px further out) whose box stays in the plot and overlaps no
 * label placed before; when none is free, the one overlapping least. A label moved off the
 * first ring gets a thin leader line to its point. Boxes are estimated at LABEL_CHAR_W px per
 * character and LABEL_H px high (font-size 10). */
#define LABEL_CHAR_W 5.6
#define LABEL_H 10.0
#define LABEL_RINGS 5

typedef struct label_box_t {
    double x0, y0, x1, y1;
} label_box_t;

static double box_overlap(const label_box_t *a, const label_box_t *b)
{
    double w = fmin(a->x1, b->x1) - fmax(a->x0, b->x0);
    double h = fmin(a->y1, b->y1) - fmax(a->y0, b->y0);
    return w > 0 && h > 0 ? w * h : 0.0;
}

static cm_error_t render_labels(render_t *r, const cm_i_svg_series_t *s, label_box_t *placed,
                                size_t *nplaced)
{
    cm_error_t rc = CM_OK;
    if (s->kind != CM_I_SVG_SCATTER || s->labels == NULL) {
        return CM_OK;
    }
    for (size_t j = 0; j < s->n; j++) {
        if (s->labels[j] == NULL || !isfinite(s->x[j]) || !isfinite(s->y[j])) {
            continue;
        }
        double x = px(r, s->x[j]), y = py(r, s->y[j]);
        double w = LABEL_CHAR_W * (double)strlen(s->labels[j]);
        double best_cost = INFINITY, bdx = 6, bdy = -6;
        int best_left = 0, best_ring = 0;
        label_box_t best_box = {0, 0, 0, 0};
        for (int k = 0; k < 4 * LABEL_RINGS && best_cost > 0.0; k++) {
            int ring = k / 4, left = (k / 2) % 2, below = k % 2;
            double dx = left ? -6 : 6;
            double dy = below ? 14 + 12.0 * ring : -6 - 12.0 * ring;
            label_box_t bx;
            bx.x0 = left ? x + dx - w : x + dx;
            bx.x1 = bx.x0 + w;
            bx.y1 = y + dy + 2; /* the baseline plus descenders */
            bx.y0 = bx.y1 - LABEL_H;
            double cost = 0.0;
            for (size_t q = 0; q < *nplaced; q++) {
                cost += box_overlap(&bx, &placed[q]);
            }
            if (bx.x0 < r->x0 || bx.x1 > r->x1 || bx.y0 < r->y0 || bx.y1 > r->y1) {
                cost += 1e6; /* outside the plot: only when nothing else is possible */
            }
            if (cost < best_cost) {
                best_cost = cost;
                bdx = dx;
                bdy = dy;
                best_left = left;
                best_ring = ring;
                best_box = bx;
            }
        }
        placed[(*nplaced)++] = best_box;
        char attrs[256];
        if (best_ring > 0) { /* a leader from the point to the label's near edge */
            CM_TRY(emit(r,
                        "<line class=\"leader\" x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" "
                        "stroke=\"#999\" stroke-width=\"0.5\"/>\n",
                        N(x), N(y), N(x + bdx), N(bdy < 0 ? best_box.y1 : best_box.y0)));
        }
        snprintf(attrs, sizeof attrs, "x=\"%s\" y=\"%s\" text-anchor=\"%s\"", N(x + bdx),
                 N(y + bdy), best_left ? "end" : "start");
        CM_TRY(text_el(r, attrs, s->labels[j]));
    }
cleanup:
    return rc;
}

static cm_error_t render_bars(render_t *r, const cm_i_svg_series_t *s, size_t index,
                              double *acc, const char *colour)
{
    cm_error_t rc = CM_OK;
    const cm_svg_t *fig = r->fig;
    double band = (r->x1 - r->x0) / (double)fig->ncats;
    int stacked = fig->bar_mode == CM_SVG_BARS_STACKED;
    double bw = stacked ? 0.8 * band : 0.8 * band / (double)r->nbars;
    for (size_t j = 0; j < s->n; j++) {
        double v = s->y[j];
        if (!isfinite(v)) {
            continue;
        }
        double from = 0.0, to = v;
        if (stacked) {
            double *a = &acc[2 * j + (v < 0 ? 1 : 0)];
            from = *a;
            *a += v;
            to = *a;
        }
        double x = r->x0 + (double)j * band + 0.1 * band + (stacked ? 0.0 : (double)index * bw);
        double ya = py(r, from), yb = py(r, to);
        double ytop = ya < yb ? ya : yb;
        CM_TRY(emit(r, "<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" fill=\"%s\"/>\n",
                    N(x), N(ytop), N(bw), N(fabs(ya - yb)), colour));
    }
cleanup:
    return rc;
}

static cm_error_t render_series(render_t *r, double *scratch)
{
    cm_error_t rc = CM_OK;
    const cm_svg_t *fig = r->fig;
    label_box_t *placed = NULL;
    size_t na = area_length(fig);
    double *base = scratch;
    double *top = scratch + (na > 0 ? na : 0);
    if (na > 0) {
        memset(base, 0, na * sizeof *base);
    }
    if (r->categorical) {
        memset(scratch, 0, 2 * fig->ncats * sizeof *scratch);
    }
    CM_TRY(emit(r, "<g class=\"series\" clip-path=\"url(#cm-plot)\">\n"));
    /* painter's order: areas at the back, then bars, lines, points */
    static const cm_i_svg_kind_t order[5] = {CM_I_SVG_AREA, CM_I_SVG_BAND, CM_I_SVG_BARS,
                                             CM_I_SVG_LINE, CM_I_SVG_SCATTER};
    for (int o = 0; o < 5; o++) {
        size_t nbar = 0;
        for (size_t i = 0; i < fig->nseries; i++) {
            const cm_i_svg_series_t *s = &fig->series[i];
            const char *colour = cm_i_svg_series_colour(fig, i);
            if (s->kind != order[o]) {
                continue;
            }
            switch (s->kind) {
            case CM_I_SVG_AREA:
                CM_TRY(render_area(r, s, base, top, colour));
                break;
            case CM_I_SVG_BARS:
                CM_TRY(render_bars(r, s, nbar++, scratch, colour));
                break;
            case CM_I_SVG_LINE:
                CM_TRY(render_line(r, s, colour));
                break;
            case CM_I_SVG_BAND:
                CM_TRY(render_band(r, s, colour));
                break;
            case CM_I_SVG_SCATTER:
                CM_TRY(render_scatter(r, s, colour));
                break;
            }
        }
    }
    CM_TRY(emit(r, "</g>\n<g class=\"labels\" font-size=\"10\">\n"));
    {
        size_t nlab = 0, nplaced = 0;
        for (size_t i = 0; i < fig->nseries; i++) {
            if (fig->series[i].kind == CM_I_SVG_SCATTER && fig->series[i].labels != NULL) {
                nlab += fig->series[i].n;
            }
        }
        if (nlab > 0) {
            placed = cm_malloc_array(nlab, sizeof *placed);
            if (placed == NULL) {
                CM_FAIL(buf_fail(r, CM_ENOMEM));
            }
        }
        for (size_t i = 0; i < fig->nseries; i++) {
            CM_TRY(render_labels(r, &fig->series[i], placed, &nplaced));
        }
    }
    CM_TRY(emit(r, "</g>\n"));
cleanup:
    cm_free(placed);
    return rc;
}

static cm_error_t render_refs(render_t *r)
{
    cm_error_t rc = CM_OK;
    const cm_svg_t *fig = r->fig;
    if (fig->nrefs == 0) {
        return CM_OK;
    }
    CM_TRY(emit(r, "<g class=\"reference\" font-size=\"11\" fill=\"#444444\">\n"));
    for (size_t i = 0; i < fig->nrefs; i++) {
        const cm_i_svg_ref_t *ref = &fig->refs[i];
        double xa, ya, xb, yb;
        char attrs[256];
        if (ref->vertical) {
            xa = xb = px(r, ref->value);
            ya = r->y0;
            yb = r->y1;
            snprintf(attrs, sizeof attrs, "x=\"%s\" y=\"%s\"", N(xa + 4), N(r->y0 + 12));
        } else {
            ya = yb = py(r, ref->value);
            xa = r->x0;
            xb = r->x1;
            snprintf(attrs, sizeof attrs, "x=\"%s\" y=\"%s\" text-anchor=\"end\"", N(r->x1 - 4),
                     N(ya - 4));
        }
        if (!(xa >= r->x0 - 0.5 && xa <= r->x1 + 0.5 && ya >= r->y0 - 0.5 &&
              ya <= r->y1 + 0.5)) {
            continue; /* outside a forced range */
        }
        CM_TRY(emit(r,
                    "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"#444444\" "
                    "stroke-dasharray=\"6 4\"/>\n",
                    N(xa), N(ya), N(xb), N(yb)));
        if (ref->label != NULL) {
            CM_TRY(text_el(r, attrs, ref->label));
        }
    }
    CM_TRY(emit(r, "</g>\n"));
cleanup:
    return rc;
}

static cm_error_t render_titles(render_t *r)
{
    cm_error_t rc = CM_OK;
    const cm_svg_t *fig = r->fig;
    char attrs[256];
    if (fig->title != NULL) {
        snprintf(attrs, sizeof attrs,
                 "class=\"title\" x=\"%s\" y=\"24\" text-anchor=\"middle\" font-size=\"16\"",
                 N(fig->width / 2));
        CM_TRY(text_el(r, attrs, fig->title));
    }
    if (fig->xlabel != NULL) {
        snprintf(attrs, sizeof attrs, "class=\"xlabel\" x=\"%s\" y=\"%s\" text-anchor=\"middle\"",
                 N((r->x0 + r->x1) / 2), N(fig->height - 12));
        CM_TRY(text_el(r, attrs, fig->xlabel));
    }
    if (fig->ylabel != NULL) {
        double cy = (r->y0 + r->y1) / 2;
        snprintf(attrs, sizeof attrs,
                 "class=\"ylabel\" x=\"18\" y=\"%s\" text-anchor=\"middle\" "
                 "transform=\"rotate(-90 18 %s)\"",
                 N(cy), N(cy));
        CM_TRY(text_el(r, attrs, fig->ylabel));
    }
cleanup:
    return rc;
}

static cm_error_t render_legend(render_t *r)
{
    cm_error_t rc = CM_OK;
    const cm_svg_t *fig = r->fig;
    double x = r->x1 + 12;
    double y = r->y0 + 4;
    int open = 0;
    for (size_t i = 0; i < fig->nseries; i++) {
        const cm_i_svg_series_t *s = &fig->series[i];
        const char *colour = cm_i_svg_series_colour(fig, i);
        if (s->name == NULL) {
            continue;
        }
        if (!open) {
            CM_TRY(emit(r, "<g class=\"legend\" font-size=\"11\">\n"));
            open = 1;
        }
        if (s->kind == CM_I_SVG_LINE) {
            CM_TRY(emit(r,
                        "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"%s\" "
                        "stroke-width=\"2\"/>\n",
                        N(x), N(y + 5), N(x + 14), N(y + 5), colour));
        } else if (s->kind == CM_I_SVG_SCATTER) {
            CM_TRY(emit(r, "<circle cx=\"%s\" cy=\"%s\" r=\"4\" fill=\"%s\"/>\n", N(x + 7),
                        N(y + 5), colour));
        } else if (s->kind == CM_I_SVG_BAND) {
            CM_TRY(emit(r,
                        "<rect x=\"%s\" y=\"%s\" width=\"14\" height=\"10\" fill=\"%s\" "
                        "fill-opacity=\"0.25\"/>\n",
                        N(x), N(y), colour));
        } else {
            CM_TRY(emit(r, "<rect x=\"%s\" y=\"%s\" width=\"14\" height=\"10\" fill=\"%s\"/>\n",
                        N(x), N(y), colour));
        }
        char attrs[256];
        snprintf(attrs, sizeof attrs, "x=\"%s\" y=\"%s\"", N(x + 20), N(y + 9));
        CM_TRY(text_el(r, attrs, s->name));
        y += 18;
    }
    if (open) {
        CM_TRY(emit(r, "</g>\n"));
    }
cleanup:
    return rc;
}

cm_error_t cm_svg_render(const cm_svg_t *fig, char **out, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    render_t r;
    memset(&r, 0, sizeof r);
    cm_i_buf_t init = CM_I_BUF_INIT(SVG_MAX_BYTES);
    r.b = init;
    r.err = err;
    r.fig = fig;
    double *scratch = NULL;
    if (fig == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_svg_render: fig and out must not be NULL");
    }
    *out = NULL;
    if (fig->nseries == 0) {
        return cm_error_set(err, CM_EINVAL, "cm_svg_render: the figure has no series");
    }
    r.categorical = fig->cats != NULL;
    for (size_t i = 0; i < fig->nseries; i++) {
        r.nbars += fig->series[i].kind == CM_I_SVG_BARS;
    }
    size_t na = area_length(fig);
    size_t nscratch = 2 * (na > fig->ncats ? na : fig->ncats);
    scratch = cm_malloc_array(nscratch > 0 ? nscratch : 1, sizeof *scratch);
    CM_NOMEM(scratch, err);
    CM_TRY(layout_ranges(&r, scratch));
    layout_box(&r);
    CM_TRY(emit(&r,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%s\" height=\"%s\" "
                "viewBox=\"0 0 %s %s\" font-family=\"sans-serif\" font-size=\"12\">\n",
                N(fig->width), N(fig->height), N(fig->width), N(fig->height)));
    CM_TRY(emit(&r, "<rect width=\"%s\" height=\"%s\" fill=\"#FFFFFF\"/>\n", N(fig->width),
                N(fig->height)));
    CM_TRY(emit(&r,
                "<defs><clipPath id=\"cm-plot\"><rect x=\"%s\" y=\"%s\" width=\"%s\" "
                "height=\"%s\"/></clipPath></defs>\n",
                N(r.x0 - CLIP_PAD), N(r.y0 - CLIP_PAD), N(r.x1 - r.x0 + 2 * CLIP_PAD),
                N(r.y1 - r.y0 + 2 * CLIP_PAD)));
    CM_TRY(render_titles(&r));
    CM_TRY(render_axes(&r));
    CM_TRY(render_series(&r, scratch));
    CM_TRY(render_refs(&r));
    CM_TRY(render_legend(&r));
    CM_TRY(emit(&r, "</svg>\n"));
    rc = cm_i_buf_steal(&r.b, out);
    if (rc != CM_OK) {
        rc = buf_fail(&r, rc);
    }
cleanup:
    cm_free(scratch);
    cm_i_buf_free(&r.b);
    return rc;
}

cm_error_t cm_svg_write(const cm_svg_t *fig, const char *path, cm_error_info_t *err)
{
    if (path == NULL || path[0] == '\0') {
        return cm_error_set(err, CM_EINVAL, "cm_svg_write: path must not be empty");
    }
    char *text = NULL;
    cm_error_t rc = cm_svg_render(fig, &text, err);
    if (rc == CM_OK) {
        rc = cm_i_write_atomic(path, text, strlen(text), err);
    }
    cm_free(text);
    return rc;
}

/* Sankey diagrams as SVG (cm_sankey.h): columns of nodes, flows as filled Bezier bands,
 * loops drawn below the diagram. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cambium/cm_alloc.h"
#include "cambium/cm_sankey.h"
#include "../core/cm_internal.h"
#include "svg_internal.h"

#define SK_MAX_COLUMN 63

typedef struct sk_node_t {
    char *name;
    int column;
    double in, out;
} sk_node_t;

/* Layout of one node while rendering: position, height, stacking cursors of its flows. */
typedef struct sk_pos_t {
    double x, y, h;
    double in_off, out_off;
} sk_pos_t;

typedef struct sk_flow_t {
    size_t from, to;
    double value;
    double sd; /* standard deviation shown as a lighter band (NaN or 0: none) */
} sk_flow_t;

struct cm_sankey_t {
    char *title, *unit;
    sk_node_t *node;
    size_t nnode, cap_node;
    sk_flow_t *flow;
    size_t nflow, cap_flow;
};

cm_error_t cm_sankey_create(const char *title, const char *unit, cm_sankey_t **out,
                            cm_error_info_t *err)
{
    if (out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_sankey_create: out is NULL");
    }
    *out = NULL;
    cm_sankey_t *s = cm_calloc(1, sizeof *s);
    if (s == NULL) {
        return cm_error_set(err, CM_ENOMEM, "out of memory");
    }
    s->title = cm_strdup(title != NULL ? title : "");
    s->unit = cm_strdup(unit != NULL ? unit : "");
    if (s->title == NULL || s->unit == NULL) {
        cm_sankey_free(s);
        return cm_error_set(err, CM_ENOMEM, "out of memory");
    }
    *out = s;
    return CM_OK;
}

void cm_sankey_free(cm_sankey_t *s)
{
    if (s == NULL) {
        return;
    }
    for (size_t i = 0; i < s->nnode; i++) {
        cm_free(s->node[i].name);
    }
    cm_free(s->node);
    cm_free(s->flow);
    cm_free(s->title);
    cm_free(s->unit);
    cm_free(s);
}

cm_error_t cm_sankey_add_node(cm_sankey_t *s, const char *name, int column, size_t *id,
                              cm_error_info_t *err)
{
    if (s == NULL || name == NULL || column < 0 || column > SK_MAX_COLUMN) {
        return cm_error_set(err, CM_EINVAL, "cm_sankey_add_node: expected a diagram, a name and "
                            "a column 0 .. %d, got column %d", SK_MAX_COLUMN, column);
    }
    if (s->nnode == s->cap_node) {
        size_t nc = s->cap_node ? 2 * s->cap_node : 16;
        sk_node_t *v = cm_realloc_array(s->node, nc, sizeof *v);
        if (v == NULL) {
            return cm_error_set(err, CM_ENOMEM, "out of memory");
        }
        s->node = v;
        s->cap_node = nc;
    }
    sk_node_t *n = &s->node[s->nnode];
    memset(n, 0, sizeof *n);
    n->name = cm_strdup(name);
    if (n->name == NULL) {
        return cm_error_set(err, CM_ENOMEM, "out of memory");
    }
    n->column = column;
    if (id != NULL) {
        *id = s->nnode;
    }
    s->nnode++;
    return CM_OK;
}

cm_error_t cm_sankey_add_flow(cm_sankey_t *s, size_t from, size_t to, double value,
                              cm_error_info_t *err)
{
    if (s == NULL || from >= s->nnode || to >= s->nnode || from == to || !isfinite(value) ||
        value < 0) {
        return cm_error_set(err, CM_EINVAL, "cm_sankey_add_flow: expected two distinct nodes "
                            "and a finite value >= 0, got %zu -> %zu, %g", from, to, value);
    }
    if (s->nflow == s->cap_flow) {
        size_t nc = s->cap_flow ? 2 * s->cap_flow : 32;
        sk_flow_t *v = cm_realloc_array(s->flow, nc, sizeof *v);
        if (v == NULL) {
            return cm_error_set(err, CM_ENOMEM, "out of memory");
        }
        s->flow = v;
        s->cap_flow = nc;
    }
    s->flow[s->nflow++] = (sk_flow_t){from, to, value, NAN};
    s->node[from].out += value;
    s->node[to].in += value;
    return CM_OK;
}

cm_error_t cm_sankey_add_flow_sd(cm_sankey_t *s, size_t from, size_t to, double value,
                                 double sd, cm_error_info_t *err)
{
    if (!isnan(sd) && !(sd >= 0 && isfinite(sd))) {
        return cm_error_set(err, CM_EINVAL, "cm_sankey_add_flow_sd: expected a standard "
                            "deviation >= 0 or NaN, got %g", sd);
    }
    cm_error_t rc = cm_sankey_add_flow(s, from, to, value, err);
    if (rc == CM_OK) {
        s->flow[s->nflow - 1].sd = sd;
    }
    return rc;
}

size_t cm_sankey_nnodes(const cm_sankey_t *s)
{
    return s != NULL ? s->nnode : 0;
}

size_t cm_sankey_nflows(const cm_sankey_t *s)
{
    return s != NULL ? s->nflow : 0;
}

cm_error_t cm_sankey_node_totals(const cm_sankey_t *s, size_t id, double *in, double *out,
                                 cm_error_info_t *err)
{
    if (s == NULL || id >= s->nnode || in == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_sankey_node_totals: unknown node %zu", id);
    }
    *in = s->node[id].in;
    *out = s->node[id].out;
    return CM_OK;
}

static cm_i_num_t n1(double x)
{
    return cm_i_svg_num(x, 2, 1);
}

#define SK_NODE_W 14.0
#define SK_FONT 11.0
#define SK_CHAR_W 5.8 /* about the average width of an 11 px sans-serif character */
#define SK_GAP 16.0   /* vertical gap between nodes of a column (> the label height) */
#define SK_TOP 50.0
#define SK_MARGIN 20.0
#define SK_LOOP_GAP 6.0

static int is_loop(const cm_sankey_t *s, const sk_flow_t *f)
{
    return s->node[f->to].column <= s->node[f->from].column;
}

/* Inner radius of a loop's U-turn for a band w pixels wide. */
static double loop_radius(double w)
{
    return fmin(20, 6 + w / 2);
}

/* Width on the page of the loops' U-turn beside node i (0 when no loop leaves it): the
 * centre line of the turn bulges r + w/2 beyond the node (Bezier control points at
 * (r + w/2) / 0.75), the band half a width more. */
static double turn_extent(const cm_sankey_t *s, size_t i, double k, int leaving)
{
    double ext = 0;
    for (size_t f = 0; f < s->nflow; f++) {
        const sk_flow_t *fl = &s->flow[f];
        if (is_loop(s, fl) && (leaving ? fl->from : fl->to) == i && fl->value > 0) {
            double w = fl->value * k;
            double e = loop_radius(w) + w + 2;
            ext = e > ext ? e : ext;
        }
    }
    return ext;
}

/* Number of characters of a UTF-8 string (continuation bytes not counted). */
static size_t utf8_len(const char *t)
{
    size_t n = 0;
    for (; *t != '\0'; t++) {
        n += ((unsigned char)*t & 0xC0) != 0x80;
    }
    return n;
}

/* The value part of a label: " 1234 t". */
static void value_text(const cm_sankey_t *s, double v, char *buf, size_t n)
{
    snprintf(buf, n, " %s%s%s", cm_i_svg_num(v, v < 10 ? 2 : 0, 1).s, s->unit[0] ? " " : "",
             s->unit);
}

static double label_width(const cm_sankey_t *s, size_t i)
{
    char v[80];
    const sk_node_t *n = &s->node[i];
    value_text(s, fmax(n->in, n->out), v, sizeof v);
    return SK_CHAR_W * (double)(utf8_len(n->name) + utf8_len(v));
}

/* Place the nodes: in each column top-down in order of addition, except that the ends of
 * loops go to the bottom of their columns (so that a loop leaves and enters below everything
 * else). Columns are spaced so that the labels of the last column and the loops' U-turns fit
 * in the width. Returns the scale (pixels per unit); *loop_top is where the loops run. */
static double layout(const cm_sankey_t *s, sk_pos_t *pos, double width, double height,
                     double *loop_top)
{
    double colsum[SK_MAX_COLUMN + 1] = {0}, loops = 0;
    size_t colcount[SK_MAX_COLUMN + 1] = {0}, nloops = 0;
    int ncol = 1;
    for (size_t i = 0; i < s->nnode; i++) {
        const sk_node_t *n = &s->node[i];
        colsum[n->column] += fmax(n->in, n->out);
        colcount[n->column]++;
        ncol = n->column + 1 > ncol ? n->column + 1 : ncol;
    }
    for (size_t f = 0; f < s->nflow; f++) {
        if (is_loop(s, &s->flow[f]) && s->flow[f].value > 0) {
            loops += s->flow[f].value;
            nloops++;
        }
    }
    double k = INFINITY;
    for (int c = 0; c < ncol; c++) {
        if (colsum[c] > 0) {
            /* the loops run below the tallest column: keep room for them */
            double avail = height - SK_TOP - 20 - SK_GAP * (double)(colcount[c] - 1) -
                           (nloops > 0 ? 12 + SK_LOOP_GAP * (double)nloops : 0);
            double kk = avail / (colsum[c] + loops);
            k = kk < k ? kk : k;
        }
    }
    k = isfinite(k) && k > 0 ? k : 0;
    /* left: room for the U-turns into loop targets; right: labels of the last column */
    double left = SK_MARGIN, right = 0;
    for (size_t i = 0; i < s->nnode; i++) {
        double in_ext = turn_extent(s, i, k, 0);
        left = fmax(left, SK_MARGIN + in_ext);
        if (s->node[i].column == ncol - 1) {
            right = fmax(right, turn_extent(s, i, k, 1) + 4 + label_width(s, i));
        }
    }
    double colx = ncol > 1 ? (width - left - SK_MARGIN - SK_NODE_W - right) / (double)(ncol - 1)
                           : 0;
    colx = colx > 0 ? colx : 0;
    double y[SK_MAX_COLUMN + 1];
    for (int c = 0; c <= SK_MAX_COLUMN; c++) {
        y[c] = SK_TOP;
    }
    *loop_top = SK_TOP;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < s->nnode; i++) {
            int end = turn_extent(s, i, 1, 1) > 0 || turn_extent(s, i, 1, 0) > 0;
            if (end != pass) {
                continue;
            }
            const sk_node_t *n = &s->node[i];
            sk_pos_t *p = &pos[i];
            p->x = left + colx * (double)n->column;
            p->y = y[n->column];
            p->h = fmax(n->in, n->out) * k;
            p->in_off = p->out_off = 0;
            y[n->column] += fmax(p->h, 1) + SK_GAP;
            *loop_top = fmax(*loop_top, y[n->column] - SK_GAP);
        }
    }
    *loop_top += 12;
    return k;
}

/* The label of node i: "name value unit", the name shortened with an ellipsis to fit in
 * avail pixels (the full label is in a title element). */
static cm_error_t render_label(const cm_sankey_t *s, size_t i, double x, double y, double avail,
                               cm_i_buf_t *b)
{
    cm_error_t rc = CM_OK;
    const sk_node_t *nd = &s->node[i];
    char v[80];
    value_text(s, fmax(nd->in, nd->out), v, sizeof v);
    size_t nv = utf8_len(v), nn = utf8_len(nd->name);
    size_t fit = avail > 0 ? (size_t)(avail / SK_CHAR_W) : 0;
    size_t keep = nn; /* characters of the name kept */
    if (nn + nv > fit) {
        keep = fit > nv + 2 ? fit - nv - 1 : 1;
        keep = keep < nn ? keep : nn;
    }
    size_t shown = keep + (keep < nn) + nv;
    CM_TRY(cm_i_buf_printf(b, "<text class=\"label\" x=\"%s\" y=\"%s\" data-chars=\"%zu\" "
                              "stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\">",
                           cm_i_svg_num(x, 2, 1).s, cm_i_svg_num(y, 2, 1).s, shown));
    if (keep < nn) {
        size_t bytes = 0;
        for (size_t c = 0; c < keep; c++) {
            bytes++;
            while (((unsigned char)nd->name[bytes] & 0xC0) == 0x80) {
                bytes++;
            }
        }
        CM_TRY(cm_i_buf_puts(b, "<title>"));
        CM_TRY(cm_i_svg_escape(b, nd->name));
        CM_TRY(cm_i_svg_escape(b, v));
        CM_TRY(cm_i_buf_puts(b, "</title>"));
        char part[512];
        snprintf(part, sizeof part, "%.*s", (int)(bytes < sizeof part - 1 ? bytes : sizeof part - 1),
                 nd->name);
        CM_TRY(cm_i_svg_escape(b, part));
        CM_TRY(cm_i_buf_puts(b, "\xE2\x80\xA6"));
    } else {
        CM_TRY(cm_i_svg_escape(b, nd->name));
    }
    CM_TRY(cm_i_svg_escape(b, v));
    CM_TRY(cm_i_buf_puts(b, "</text>\n"));
cleanup:
    return rc;
}

static cm_error_t render(const cm_sankey_t *s, sk_pos_t *pos, double width, double height,
                         cm_i_buf_t *b, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    const double nodew = SK_NODE_W;
    double loop_y, k = layout(s, pos, width, height, &loop_y);
    int ncol = 1;
    for (size_t i = 0; i < s->nnode; i++) {
        ncol = s->node[i].column + 1 > ncol ? s->node[i].column + 1 : ncol;
    }
    CM_TRY(cm_i_buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%s\" "
                              "height=\"%s\" viewBox=\"0 0 %s %s\" font-family=\"sans-serif\">\n",
                           n1(width).s, n1(height).s, n1(width).s, n1(height).s));
    CM_TRY(cm_i_buf_printf(b, "<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n"));
    CM_TRY(cm_i_buf_puts(b, "<text class=\"title\" x=\"20\" y=\"28\" font-size=\"16\">"));
    CM_TRY(cm_i_svg_escape(b, s->title));
    CM_TRY(cm_i_buf_puts(b, "</text>\n<g class=\"flows\">\n"));
    double loop_off = 0;
    /* forward flows first, then loops: loops leave and enter at the bottom of their nodes */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t f = 0; f < s->nflow; f++) {
            const sk_flow_t *fl = &s->flow[f];
            if (is_loop(s, fl) != pass) {
                continue;
            }
            sk_pos_t *a = &pos[fl->from], *z = &pos[fl->to];
            double w = fl->value * k;
            double y0 = a->y + a->out_off, y1 = z->y + z->in_off;
            a->out_off += w;
            z->in_off += w;
            if (w <= 0) {
                continue;
            }
            double x0 = a->x + nodew, x1 = z->x;
            const char *col = cm_i_svg_colour(fl->from);
            double e = fl->sd > 0 ? fl->sd * k : 0; /* half the extra width of the band */
            if (!pass && e > 0) {
                double xm = (x0 + x1) / 2;
                CM_TRY(cm_i_buf_printf(
                    b, "<path class=\"sd-band\" data-from=\"%zu\" data-to=\"%zu\" "
                       "data-value=\"%.17g\" data-sd=\"%.17g\" d=\"M%s %s C%s %s %s %s %s %s "
                       "L%s %s C%s %s %s %s %s %s Z\" fill=\"%s\" fill-opacity=\"0.15\">"
                       "<title>%.6g \xC2\xB1 %.3g</title></path>\n",
                    fl->from, fl->to, fl->value, fl->sd, n1(x0).s, n1(y0 - e).s, n1(xm).s,
                    n1(y0 - e).s, n1(xm).s, n1(y1 - e).s, n1(x1).s, n1(y1 - e).s, n1(x1).s,
                    n1(y1 + w + e).s, n1(xm).s, n1(y1 + w + e).s, n1(xm).s, n1(y0 + w + e).s,
                    n1(x0).s, n1(y0 + w + e).s, col, fl->value, fl->sd));
            } else if (pass && e > 0) {
                CM_TRY(cm_i_buf_printf(
                    b, "<path class=\"sd-band\" data-from=\"%zu\" data-to=\"%zu\" "
                       "data-value=\"%.17g\" data-sd=\"%.17g\" d=\"M%s %s L%s %s\" "
                       "fill=\"none\" stroke=\"%s\" stroke-opacity=\"0.15\" stroke-width=\"%s\">"
                       "<title>%.6g \xC2\xB1 %.3g</title></path>\n",
                    fl->from, fl->to, fl->value, fl->sd, n1(x0).s, n1(y0 + w / 2).s,
                    n1(x0 + 1).s, n1(y0 + w / 2).s, col, n1(w + 2 * e).s, fl->value, fl->sd));
            }
            if (!pass) {
                double xm = (x0 + x1) / 2;
                CM_TRY(cm_i_buf_printf(
                    b, "<path class=\"flow\" data-from=\"%zu\" data-to=\"%zu\" data-value=\"%.17g\" "
                       "data-width=\"%.17g\" d=\"M%s %s C%s %s %s %s %s %s L%s %s C%s %s %s %s %s %s Z\" "
                       "fill=\"%s\" fill-opacity=\"0.45\"/>\n",
                    fl->from, fl->to, fl->value, w, n1(x0).s, n1(y0).s, n1(xm).s, n1(y0).s,
                    n1(xm).s, n1(y1).s, n1(x1).s, n1(y1).s, n1(x1).s, n1(y1 + w).s, n1(xm).s,
                    n1(y1 + w).s, n1(xm).s, n1(y0 + w).s, n1(x0).s, n1(y0 + w).s, col));
            } else {
                /* loop: a U-turn down on the right of the source, left below the diagram, a
                 * U-turn up into the left side of the target (see turn_extent) */
                double r = (loop_radius(w) + w / 2) / 0.75 - w, yb = loop_y + loop_off + w / 2;
                double ya = y0 + w / 2, yz = y1 + w / 2;
                loop_off += w + SK_LOOP_GAP;
                CM_TRY(cm_i_buf_printf(
                    b, "<path class=\"loop\" data-from=\"%zu\" data-to=\"%zu\" data-value=\"%.17g\" "
                       "data-width=\"%.17g\" d=\"M%s %s C%s %s %s %s %s %s L%s %s C%s %s %s %s %s %s\" "
                       "fill=\"none\" stroke=\"%s\" stroke-opacity=\"0.45\" stroke-width=\"%s\"/>\n",
                    fl->from, fl->to, fl->value, w, n1(x0).s, n1(ya).s, n1(x0 + r + w).s, n1(ya).s,
                    n1(x0 + r + w).s, n1(yb).s, n1(x0).s, n1(yb).s, n1(x1).s, n1(yb).s,
                    n1(x1 - r - w).s, n1(yb).s, n1(x1 - r - w).s, n1(yz).s, n1(x1).s, n1(yz).s, col,
                    n1(w).s));
            }
        }
    }
    CM_TRY(cm_i_buf_puts(b, "</g>\n<g class=\"nodes\">\n"));
    for (size_t i = 0; i < s->nnode; i++) {
        const sk_node_t *nd = &s->node[i];
        const sk_pos_t *n = &pos[i];
        double v = fmax(nd->in, nd->out);
        CM_TRY(cm_i_buf_printf(b, "<rect class=\"node\" data-value=\"%.17g\" data-in=\"%.17g\" "
                                  "data-out=\"%.17g\" x=\"%s\" y=\"%s\" width=\"%s\" "
                                  "height=\"%s\" fill=\"%s\"/>\n",
                               v, nd->in, nd->out, n1(n->x).s, n1(n->y).s, n1(nodew).s,
                               n1(fmax(n->h, 1)).s, cm_i_svg_colour(i)));
    }
    CM_TRY(cm_i_buf_printf(b, "</g>\n<g class=\"labels\" font-size=\"%s\">\n", n1(SK_FONT).s));
    double colx = 0;
    for (size_t i = 0; i < s->nnode; i++) {
        for (size_t j = 0; j < s->nnode; j++) {
            if (s->node[j].column == s->node[i].column + 1) {
                colx = pos[j].x - pos[i].x;
            }
        }
    }
    for (size_t i = 0; i < s->nnode; i++) {
        const sk_pos_t *n = &pos[i];
        double ext = turn_extent(s, i, k, 1);
        double x = n->x + nodew + 4 + ext;
        double avail = s->node[i].column == ncol - 1 ? width - SK_MARGIN / 2 - x
                                                     : n->x + colx - 6 - x;
        CM_TRY(render_label(s, i, x, n->y + fmax(n->h, 1) / 2 + 4, avail, b));
    }
    CM_TRY(cm_i_buf_puts(b, "</g>\n</svg>\n"));
cleanup:
    if (rc != CM_OK) {
        cm_error_set(err, rc, "cm_sankey_render: %s",
                     rc == CM_ENOMEM ? "out of memory" : "the SVG text exceeds 256 MiB");
    }
    return rc;
}

cm_error_t cm_sankey_render(const cm_sankey_t *s, double width, double height, char **out,
                            cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_i_buf_t b = CM_I_BUF_INIT(256u << 20);
    sk_pos_t *pos = NULL;
    double total = 0;
    if (s == NULL || out == NULL || !(width >= 200 && width <= 10000) ||
        !(height >= 200 && height <= 10000)) {
        return cm_error_set(err, CM_EINVAL, "cm_sankey_render: expected a diagram and a size "
                            "of 200 .. 10000 pixels");
    }
    for (size_t f = 0; f < s->nflow; f++) {
        total += s->flow[f].value;
    }
    if (s->nnode == 0 || !(total > 0)) {
        return cm_error_set(err, CM_EINVAL, "cm_sankey_render: nothing to draw (no node or no "
                            "flow above 0)");
    }
    pos = cm_calloc(s->nnode, sizeof *pos);
    CM_NOMEM(pos, err);
    CM_TRY(render(s, pos, width, height, &b, err));
    CM_TRY(cm_i_buf_steal(&b, out));
cleanup:
    cm_free(pos);
    cm_i_buf_free(&b);
    return rc;
}

cm_error_t cm_sankey_write(const cm_sankey_t *s, const char *path, double width, double height,
                           cm_error_info_t *err)
{
    char *text = NULL;
    if (path == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_sankey_write: path is NULL");
    }
    cm_error_t rc = cm_sankey_render(s, width, height, &text, err);
    if (rc == CM_OK) {
        rc = cm_i_write_atomic(path, text, strlen(text), err);
    }
    cm_free(text);
    return rc;
}

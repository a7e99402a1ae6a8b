/* Sankey diagrams as SVG (cm_sankey.h): columns of nodes, flows as filled Bezier bands,
 * loops drawn below the diagram. */
#include <math.h>
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
    s->flow[s->nflow++] = (sk_flow_t){from, to, value};
    s->node[from].out += value;
    s->node[to].in += value;
    return CM_OK;
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

/* Place the nodes; returns the scale (pixels per unit) and the loop area's top. */
static double layout(const cm_sankey_t *s, sk_pos_t *pos, double width, double height,
                     double *loop_top)
{
    const double margin = 40, top = 50, gap = 14, nodew = 14;
    double colsum[SK_MAX_COLUMN + 1] = {0}, loops = 0;
    size_t colcount[SK_MAX_COLUMN + 1] = {0};
    int ncol = 1;
    for (size_t i = 0; i < s->nnode; i++) {
        const sk_node_t *n = &s->node[i];
        double v = fmax(n->in, n->out);
        colsum[n->column] += v;
        colcount[n->column]++;
        ncol = n->column + 1 > ncol ? n->column + 1 : ncol;
    }
    for (size_t f = 0; f < s->nflow; f++) {
        if (s->node[s->flow[f].to].column <= s->node[s->flow[f].from].column) {
            loops += s->flow[f].value;
        }
    }
    double k = INFINITY;
    for (int c = 0; c < ncol; c++) {
        if (colsum[c] > 0) {
            double avail = height - top - 40 - gap * (double)(colcount[c] - 1);
            /* the loops run below the tallest column: keep room for them */
            double kk = avail / (colsum[c] + 1.5 * loops);
            k = kk < k ? kk : k;
        }
    }
    k = isfinite(k) && k > 0 ? k : 0;
    double y[SK_MAX_COLUMN + 1];
    /* room on the left for the loops' U-turns */
    double left = margin + 0.75 * (35 + loops * k);
    double colx = ncol > 1 ? (width - left - margin - nodew - 160) / (double)(ncol - 1) : 0;
    for (int c = 0; c <= SK_MAX_COLUMN; c++) {
        y[c] = top;
    }
    *loop_top = top;
    for (size_t i = 0; i < s->nnode; i++) {
        const sk_node_t *n = &s->node[i];
        sk_pos_t *p = &pos[i];
        p->x = left + colx * (double)n->column;
        p->y = y[n->column];
        p->h = fmax(n->in, n->out) * k;
        p->in_off = p->out_off = 0;
        y[n->column] += p->h + gap;
        *loop_top = y[n->column] > *loop_top ? y[n->column] : *loop_top;
    }
    return k;
}

static cm_error_t render(const cm_sankey_t *s, sk_pos_t *pos, double width, double height,
                         cm_i_buf_t *b, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    const double nodew = 14;
    double loop_y, k = layout(s, pos, width, height, &loop_y);
    CM_TRY(cm_i_buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%s\" "
                              "height=\"%s\" viewBox=\"0 0 %s %s\" font-family=\"sans-serif\">\n",
                           n1(width).s, n1(height).s, n1(width).s, n1(height).s));
    CM_TRY(cm_i_buf_printf(b, "<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n"));
    CM_TRY(cm_i_buf_puts(b, "<text x=\"20\" y=\"28\" font-size=\"16\">"));
    CM_TRY(cm_i_svg_escape(b, s->title));
    CM_TRY(cm_i_buf_puts(b, "</text>\n<g class=\"flows\">\n"));
    double loop_off = 12;
    for (size_t f = 0; f < s->nflow; f++) {
        const sk_flow_t *fl = &s->flow[f];
        sk_pos_t *a = &pos[fl->from], *z = &pos[fl->to];
        int forward = s->node[fl->to].column > s->node[fl->from].column;
        double w = fl->value * k;
        double y0 = a->y + a->out_off, y1 = z->y + z->in_off;
        a->out_off += w;
        z->in_off += w;
        if (w <= 0) {
            continue;
        }
        double x0 = a->x + nodew, x1 = z->x;
        const char *col = cm_i_svg_colour(fl->from);
        if (forward) {
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
             * U-turn up into the left side of the target (bulges of 0.75 r) */
            double r = fmin(35, 10 + w), yb = loop_y + loop_off + w / 2;
            double ya = y0 + w / 2, yz = y1 + w / 2;
            loop_off += w + 6;
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
    CM_TRY(cm_i_buf_puts(b, "</g>\n<g class=\"nodes\" font-size=\"11\">\n"));
    for (size_t i = 0; i < s->nnode; i++) {
        const sk_node_t *nd = &s->node[i];
        const sk_pos_t *n = &pos[i];
        double v = fmax(nd->in, nd->out);
        CM_TRY(cm_i_buf_printf(b, "<rect class=\"node\" data-value=\"%.17g\" x=\"%s\" y=\"%s\" "
                                  "width=\"%s\" height=\"%s\" fill=\"%s\"/>\n",
                               v, n1(n->x).s, n1(n->y).s, n1(nodew).s, n1(fmax(n->h, 1)).s,
                               cm_i_svg_colour(i)));
        CM_TRY(cm_i_buf_printf(b, "<text x=\"%s\" y=\"%s\">", n1(n->x + nodew + 4).s,
                               n1(n->y + fmax(n->h, 1) / 2 + 4).s));
        CM_TRY(cm_i_svg_escape(b, nd->name));
        CM_TRY(cm_i_buf_printf(b, " %s ", cm_i_svg_num(v, v < 10 ? 2 : 0, 1).s));
        CM_TRY(cm_i_svg_escape(b, s->unit));
        CM_TRY(cm_i_buf_puts(b, "</text>\n"));
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

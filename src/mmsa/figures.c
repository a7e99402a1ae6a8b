/* MMSA figures: material stocks (stacked areas), end-of-life outflows (lines), and the Sankey
 * diagram of one year with its flows as CSV (docs/mmsa.md). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cambium/cm_alloc.h"
#include "cambium/cm_csv.h"
#include "cambium/cm_sankey.h"
#include "cambium/cm_svg.h"
#include "../core/cm_internal.h"
#include "mmsa_internal.h"

/* The layer of the figures: the recovery layer, else the first per-MW layer. */
static int figure_layer(const cm_mmsa_model_t *m)
{
    if (m->rec_layer >= 0) {
        return m->rec_layer;
    }
    for (size_t l = 0; l < m->nlayer; l++) {
        if (m->layer[l].kind == MM_PERMW) {
            return (int)l;
        }
    }
    return -1;
}

static int agg_layer(const cm_mmsa_model_t *m)
{
    for (size_t l = 0; l < m->nlayer; l++) {
        if (m->layer[l].kind == MM_AGG) {
            return (int)l;
        }
    }
    return -1;
}

static cm_error_t out_path(char *buf, size_t n, const char *dir, const char *name,
                           cm_error_info_t *err)
{
    int len = snprintf(buf, n, "%s/%s", dir, name);
    if (len < 0 || (size_t)len >= n) {
        return cm_error_set(err, CM_EINVAL, "output path too long: %s/%s", dir, name);
    }
    return CM_OK;
}

/* A name for a reader: underscores become spaces ("cast_iron" -> "cast iron"). */
static void display_name(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src);
    for (char *p = dst; *p != '\0'; p++) {
        *p = *p == '_' ? ' ' : *p;
    }
}

/* Thousands of the mass unit when the values reach 10^4 of it and the unit is the tonne:
 * tick labels then stay short ("6000" kt instead of "6000000" t). */
static double figure_scale(const cm_mmsa_model_t *m, double max, const char **unit)
{
    *unit = m->mass_unit;
    if (strcmp(m->mass_unit, "t") == 0 && max >= 1e4) {
        *unit = "kt";
        return 1e-3;
    }
    return 1.0;
}

static cm_error_t time_figure(const cm_mmsa_model_t *m, const cm_mmsa_result_t *r, size_t s,
                              int stocks, const char *dir, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_svg_t *fig = NULL;
    double *x = NULL, *y = NULL, *y2 = NULL;
    char path[4096], title[512], ylabel[128], name[160];
    int l = figure_layer(m);
    size_t t1 = (size_t)(m->report_from - m->t0), n = m->T - t1, NT = m->nitem * m->T;
    const mm_layer_t *L = &m->layer[l];
    const cm_real_t *v = stocks ? r->stock : r->eol;
    int band = !stocks && r->eol_band != NULL && r->mc_scenario == s;
    x = cm_malloc_array(n, sizeof *x);
    CM_NOMEM(x, err);
    y = cm_malloc_array(n, sizeof *y);
    CM_NOMEM(y, err);
    y2 = cm_malloc_array(n, sizeof *y2);
    CM_NOMEM(y2, err);
    double max = 0;
    for (size_t j = 0; j < n; j++) {
        x[j] = (double)(m->report_from + (cm_int_t)j);
        double tot = 0;
        for (size_t i = L->first; i < L->first + L->n; i++) {
            double e = v[s * NT + i * m->T + t1 + j];
            tot = stocks ? tot + (isfinite(e) ? e : 0) : fmax(tot, e);
            if (band) {
                tot = fmax(tot, r->eol_band[2 * NT + i * m->T + t1 + j]);
            }
        }
        max = fmax(max, tot);
    }
    const char *unit;
    double k = figure_scale(m, max, &unit);
    CM_TRY(cm_svg_create(900, 560, &fig, err));
    snprintf(title, sizeof title, "%s: %s by material, %lld-%lld (lifetime %s)", m->name,
             stocks ? "in-use stock" : "end-of-life outflow", (long long)m->report_from,
             (long long)(m->t0 + (cm_int_t)m->T - 1), m->scen[s]);
    snprintf(ylabel, sizeof ylabel, "%s (%s%s)", stocks ? "In-use stock" : "End-of-life outflow",
             unit, stocks ? "" : "/a");
    CM_TRY(cm_svg_set_labels(fig, title, "Year", ylabel, err));
    /* the Monte Carlo band of the largest end-of-life material, drawn in its colour */
    size_t best = L->first;
    for (size_t i = L->first; band && i < L->first + L->n; i++) {
        best = r->eol[s * NT + i * m->T + m->T - 1] > r->eol[s * NT + best * m->T + m->T - 1]
                   ? i : best;
    }
    for (size_t i = L->first; i < L->first + L->n; i++) {
        for (size_t j = 0; j < n; j++) {
            y[j] = v[s * NT + i * m->T + t1 + j] * k;
        }
        display_name(name, sizeof name, m->item[i]);
        CM_TRY(stocks ? cm_svg_add_area(fig, name, x, n, y, n, err)
                      : cm_svg_add_line(fig, name, x, n, y, n, err));
        if (band && i == best) {
            for (size_t j = 0; j < n; j++) {
                y[j] = r->eol_band[best * m->T + t1 + j] * k;
                y2[j] = r->eol_band[2 * NT + best * m->T + t1 + j] * k;
            }
            size_t len = strlen(name);
            snprintf(name + len, sizeof name - len, " p5-p95 (%zu draws)", r->draws);
            CM_TRY(cm_svg_add_band(fig, name, x, n, y, y2, n, err));
        }
    }
    CM_TRY(out_path(path, sizeof path, dir, stocks ? "mmsa_stocks.svg" : "mmsa_eol.svg", err));
    CM_TRY(cm_svg_write(fig, path, err));
cleanup:
    cm_svg_free(fig);
    cm_free(x);
    cm_free(y);
    cm_free(y2);
    return rc;
}

typedef struct sk_build_t {
    cm_sankey_t *sk;
    cm_csv_writer_t *w;
    const char *unit;
    char **names;   /* node names, for the CSV */
    size_t nnames;
} sk_build_t;

static cm_error_t node(sk_build_t *b, const char *name, int column, size_t *id,
                       cm_error_info_t *err)
{
    char shown[160];
    display_name(shown, sizeof shown, name);
    cm_error_t rc = cm_sankey_add_node(b->sk, shown, column, id, err);
    if (rc == CM_OK) {
        char **v = cm_realloc_array(b->names, b->nnames + 1, sizeof *v);
        if (v == NULL) {
            return cm_error_set(err, CM_ENOMEM, "out of memory");
        }
        b->names = v;
        b->names[b->nnames] = cm_strdup(name);
        if (b->names[b->nnames] == NULL) {
            return cm_error_set(err, CM_ENOMEM, "out of memory");
        }
        b->nnames++;
    }
    return rc;
}

static cm_error_t flow(sk_build_t *b, size_t from, size_t to, double v, cm_error_info_t *err)
{
    char num[32];
    v = v > 0 ? v : 0;
    cm_error_t rc = cm_sankey_add_flow(b->sk, from, to, v, err);
    if (rc == CM_OK) {
        const char *row[4] = {b->names[from], b->names[to], cm_csv_format_double(v, num),
                              b->unit};
        rc = cm_csv_write_row(b->w, 4, row, err);
    }
    return rc;
}

static cm_error_t sankey(const cm_mmsa_model_t *m, const cm_mmsa_result_t *r, size_t s,
                         cm_int_t year, const char *dir, cm_error_info_t *err)
{
    static const char *const h[] = {"from", "to", "value", "unit"};
    cm_error_t rc = CM_OK;
    sk_build_t b = {NULL, NULL, m->mass_unit, NULL, 0};
    char path[4096], name[128], title[256];
    size_t t = (size_t)(year - m->t0), NT = m->nitem * m->T, T = m->T;
    int l = figure_layer(m), a = agg_layer(m);
    const mm_layer_t *L = &m->layer[l];
    size_t *tech = NULL, *comp = NULL, *mat = NULL;
    size_t prim, recy, stock, net = 0, draw = 0, recov, lost, other = 0;
    double in_tot = 0, eol_tot = 0, rec_tot = 0;
    for (size_t i = L->first; i < L->first + L->n; i++) {
        in_tot += r->inflow[s * NT + i * T + t];
        eol_tot += r->eol[s * NT + i * T + t];
        double rec = r->recovered[s * NT + i * T + t];
        rec_tot += isnan(rec) ? 0 : rec;
    }
    double loop = fmin(rec_tot, in_tot);
    tech = cm_calloc(m->ntech, sizeof *tech);
    CM_NOMEM(tech, err);
    comp = cm_calloc(a >= 0 ? m->layer[a].n : 1, sizeof *comp);
    CM_NOMEM(comp, err);
    mat = cm_calloc(L->n, sizeof *mat);
    CM_NOMEM(mat, err);
    snprintf(name, sizeof name, "mmsa_sankey_%lld.csv", (long long)year);
    CM_TRY(out_path(path, sizeof path, dir, name, err));
    CM_TRY(cm_csv_writer_open(path, ',', &b.w, err));
    CM_TRY(cm_csv_write_row(b.w, 4, h, err));
    snprintf(title, sizeof title, "%s, year %lld: material inflow, in-use stock, end of life "
             "and recovery (%s/a; lifetime %s)", m->name, (long long)year, m->mass_unit,
             m->scen[s]);
    CM_TRY(cm_sankey_create(title, m->mass_unit, &b.sk, err));
    CM_TRY(node(&b, "primary material", 0, &prim, err));
    CM_TRY(node(&b, "recycled material", 0, &recy, err));
    for (size_t k = 0; k < m->ntech; k++) {
        CM_TRY(node(&b, m->tech[k], 1, &tech[k], err));
    }
    for (size_t j = 0; a >= 0 && j < m->layer[a].n; j++) {
        CM_TRY(node(&b, m->item[m->layer[a].first + j], 2, &comp[j], err));
    }
    CM_TRY(node(&b, "in-use stock", 3, &stock, err));
    if (in_tot < eol_tot) {
        CM_TRY(node(&b, "stock drawdown", 2, &draw, err));
    }
    for (size_t i = 0; i < L->n; i++) {
        snprintf(name, sizeof name, "end of life: %s", m->item[L->first + i]);
        CM_TRY(node(&b, name, 4, &mat[i], err));
    }
    if (in_tot >= eol_tot) {
        CM_TRY(node(&b, "net addition to stock", 4, &net, err));
    }
    CM_TRY(node(&b, "recovered", 5, &recov, err));
    CM_TRY(node(&b, "lost", 5, &lost, err));
    if (rec_tot > loop) {
        CM_TRY(node(&b, "recovered, other uses", 6, &other, err));
    }
    /* inflow: primary and recycled material shared over the technologies by their mass */
    for (size_t k = 0; k < m->ntech; k++) {
        double mk = 0;
        for (size_t i = L->first; i < L->first + L->n; i++) {
            mk += r->tech_inflow[k * NT + i * T + t];
        }
        double sh = in_tot > 0 ? mk / in_tot : 0;
        CM_TRY(flow(&b, prim, tech[k], (in_tot - loop) * sh, err));
        CM_TRY(flow(&b, recy, tech[k], loop * sh, err));
        for (size_t j = 0; a >= 0 && j < m->layer[a].n; j++) {
            CM_TRY(flow(&b, tech[k], comp[j], r->tech_inflow[k * NT + (m->layer[a].first + j) *
                                                                          T + t], err));
        }
    }
    for (size_t j = 0; a >= 0 && j < m->layer[a].n; j++) {
        CM_TRY(flow(&b, comp[j], stock, r->inflow[s * NT + (m->layer[a].first + j) * T + t],
                    err));
    }
    if (in_tot < eol_tot) {
        CM_TRY(flow(&b, draw, stock, eol_tot - in_tot, err));
    }
    for (size_t i = 0; i < L->n; i++) {
        size_t ii = L->first + i;
        double e = r->eol[s * NT + ii * T + t], rec = r->recovered[s * NT + ii * T + t];
        rec = isnan(rec) ? 0 : rec;
        CM_TRY(flow(&b, stock, mat[i], e, err));
        CM_TRY(flow(&b, mat[i], recov, rec, err));
        CM_TRY(flow(&b, mat[i], lost, e - rec, err));
    }
    if (in_tot >= eol_tot) {
        CM_TRY(flow(&b, stock, net, in_tot - eol_tot, err));
    }
    CM_TRY(flow(&b, recov, recy, loop, err)); /* the recycling loop back to the inflow */
    if (rec_tot > loop) {
        CM_TRY(flow(&b, recov, other, rec_tot - loop, err));
    }
    rc = cm_csv_writer_commit(b.w, err);
    b.w = NULL;
    CM_TRY(rc);
    snprintf(name, sizeof name, "mmsa_sankey_%lld.svg", (long long)year);
    CM_TRY(out_path(path, sizeof path, dir, name, err));
    CM_TRY(cm_sankey_write(b.sk, path, 1500, 800, err));
cleanup:
    cm_csv_writer_abort(b.w);
    cm_sankey_free(b.sk);
    for (size_t i = 0; i < b.nnames; i++) {
        cm_free(b.names[i]);
    }
    cm_free(b.names);
    cm_free(tech);
    cm_free(comp);
    cm_free(mat);
    return rc;
}

cm_error_t cm_mmsa_write_figures(const cm_mmsa_model_t *m, const cm_mmsa_result_t *r,
                                 size_t scenario, cm_int_t year, const char *dir,
                                 cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    if (m == NULL || r == NULL || dir == NULL || r->T != m->T || r->n_items != m->nitem ||
        r->stock == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_mmsa_write_figures: expected a model and one "
                            "of its results");
    }
    if (scenario >= m->nscen || year < m->t0 || year >= m->t0 + (cm_int_t)m->T) {
        return cm_error_set(err, CM_EINVAL, "cm_mmsa_write_figures: scenario %zu or year %lld "
                            "out of range (%zu scenarios, years %lld-%lld)", scenario,
                            (long long)year, m->nscen, (long long)m->t0,
                            (long long)(m->t0 + (cm_int_t)m->T - 1));
    }
    if (figure_layer(m) < 0) {
        return cm_error_set(err, CM_EINVAL, "cm_mmsa_write_figures: the model has no layer "
                            "with a file");
    }
    CM_TRY(time_figure(m, r, scenario, 1, dir, err));
    CM_TRY(time_figure(m, r, scenario, 0, dir, err));
    CM_TRY(sankey(m, r, scenario, year, dir, err));
cleanup:
    return rc;
}

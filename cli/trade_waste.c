/* cambium trade waste: put on market -> stock -> WEEE generated, beside WEEE collected
 * (docs/trade.md, "Waste streams"). */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cambium/cm_alloc.h"
#include "cambium/cm_csv.h"
#include "cambium/cm_svg.h"
#include "cambium/cm_trade.h"

#define VERB "trade waste"
#define PROJ_YEARS 3
#define URBAN_HORIZON 2035 /* default last year of the urban mine with a composition */
#define URBAN_STEP 10      /* stdout: the urban mine every 10 years from the last POM year */

static void waste_usage(FILE *out)
{
    fputs("usage: cambium trade waste [--pom FILE] [--lifetimes FILE] [--collected FILE]\n"
          "                           [--outliers INI] [--composition FILE|none] [--until YEAR]\n"
          "                           [--timing weee|odym] [--replace-outliers] [--out DIR]\n"
          "Put on market (t) per UNU key -> stock in use -> waste generated, with Weibull\n"
          "lifetimes per key (dsm, WEEE timing by default), summed per category and set beside\n"
          "the WEEE collected: gap = generated - collected, rate = collected / generated.\n"
          "Years after the last put-on-market year up to --until (default: the last collected\n"
          "year) assume put on market constant at the mean of the last 3 reported years\n"
          "(projected = 1). Outliers of the put-on-market series (rule of --outliers) are\n"
          "listed, and replaced by the window median only with --replace-outliers.\n"
          "Defaults: data/weee/{pom_be,lifetimes,collected_be}.csv, data/weee/outliers.ini.\n"
          "--composition FILE|none (unu_key,material,kg_per_t,low,high,source; default\n"
          "data/weee/composition.csv): the material content of the waste (the urban mine),\n"
          "projected to --until or, by default, to at least 2035, while the comparison with\n"
          "the collection stays over the collected years.\n"
          "-> DIR/waste.csv, outliers.csv, waste.json, waste.svg [, urban_mine.csv,\n"
          "urban_mine_by_material.csv, urban_mine.svg] (default DIR: waste-out).\n",
          out);
}

typedef struct run_t {
    cm_trade_waste_data_t d;
    size_t T;           /* model years y0 .. y0 + T - 1 (the urban mine's horizon) */
    size_t Tc;          /* years of waste.csv/json/svg and stdout: y0 .. y0 + Tc - 1, Tc <= T */
    cm_real_t *pom;     /* nkeys x T, the inflows used */
    int *flag;          /* nkeys x ny outliers */
    cm_real_t *med;     /* nkeys x ny window medians */
    cm_real_t *gen;     /* nkeys x T */
    cm_real_t *genp;    /* nkeys x T: the part of gen from projected inflows (with a composition) */
    cm_urban_comp_t ct; /* the composition (with one) */
    cm_urban_mine_t um; /* the urban mine (with a composition) */
    cm_real_t *catgen;  /* ncat x T, by the collection's categories (plus keys' own) */
    char **cats;        /* borrowed names */
    size_t ncat;
    const char *comp; /* the composition file, NULL for none */
} run_t;

static void run_free(run_t *r)
{
    cm_trade_waste_data_destroy(&r->d);
    cm_free(r->pom);
    cm_free(r->flag);
    cm_free(r->med);
    cm_free(r->gen);
    cm_free(r->genp);
    cm_urban_mine_destroy(&r->um);
    cm_urban_comp_destroy(&r->ct);
    cm_free(r->catgen);
    cm_free(r->cats);
}

static size_t cat_index(const run_t *r, const char *c)
{
    for (size_t i = 0; i < r->ncat; i++) {
        if (strcmp(r->cats[i], c) == 0) {
            return i;
        }
    }
    return r->ncat;
}

static cm_real_t collected_at(const run_t *r, const char *cat, cm_int_t y)
{
    for (size_t i = 0; i < r->d.ncat; i++) {
        if (strcmp(r->d.cats[i], cat) == 0 && y >= r->d.c0 && y < r->d.c0 + (cm_int_t)r->d.nc) {
            return r->d.collected[i * r->d.nc + (size_t)(y - r->d.c0)];
        }
    }
    return NAN;
}

/* Inflows: reported values (outliers replaced when asked), missing years 0, projection after. */
static cm_error_t build_inflows(run_t *r, const cm_trade_outlier_rule_t *rule, int replace,
                                cm_error_info_t *err)
{
    const cm_trade_waste_data_t *d = &r->d;
    for (size_t k = 0; k < d->nkeys; k++) {
        const cm_real_t *x = d->pom + k * d->ny;
        cm_error_t rc =
            cm_trade_outliers_flag(x, d->ny, rule, r->flag + k * d->ny, r->med + k * d->ny, err);
        if (rc != CM_OK) {
            return rc;
        }
        cm_real_t *p = r->pom + k * r->T;
        cm_real_t last[PROJ_YEARS];
        size_t nl = 0;
        for (size_t t = 0; t < d->ny; t++) {
            cm_real_t v = x[t];
            if (replace && r->flag[k * d->ny + t]) {
                v = r->med[k * d->ny + t];
            }
            p[t] = isnan(v) ? 0.0 : v;
        }
        for (size_t t = d->ny; t > 0 && nl < PROJ_YEARS; t--) {
            if (!isnan(x[t - 1])) {
                last[nl++] = p[t - 1];
            }
        }
        cm_real_t mean = 0.0;
        for (size_t i = 0; i < nl; i++) {
            mean += last[i] / (cm_real_t)nl;
        }
        for (size_t t = d->ny; t < r->T; t++) {
            p[t] = mean;
        }
    }
    return CM_OK;
}

/* waste.json "urban_mine": per material, the series by year with its range and the part
 * from projected put on market. Non-zero on failure. */
static int json_urban(json_t *root, const run_t *r)
{
    const cm_urban_mine_t *m = &r->um;
    json_t *u = json_object(), *mats = json_array();
    if (u == NULL || mats == NULL || cm_cli_jset(root, "urban_mine", u)) {
        json_decref(u);
        json_decref(mats);
        return 1;
    }
    int bad = cm_cli_jset(u, "materials", mats) ||
              cm_cli_jset(u, "composition", json_string(r->comp)) ||
              cm_cli_jset(u, "unit", json_string("t")) ||
              cm_cli_jset(u, "last_year", json_integer((json_int_t)(m->y0 + (cm_int_t)m->T - 1)));
    for (size_t j = 0; j < m->nmat && !bad; j++) {
        json_t *mo = json_object(), *years = json_array();
        if (mo == NULL || years == NULL || json_array_append_new(mats, mo) != 0) {
            json_decref(mo);
            json_decref(years);
            return 1;
        }
        bad = cm_cli_jset(mo, "years", years) ||
              cm_cli_jset(mo, "material", json_string(m->materials[j]));
        for (size_t t = 0; t < m->T && !bad; t++) {
            json_t *yo = json_object();
            if (yo == NULL || json_array_append_new(years, yo) != 0) {
                json_decref(yo);
                return 1;
            }
            size_t i = j * m->T + t;
            bad = cm_cli_jset(yo, "year", json_integer((json_int_t)(m->y0 + (cm_int_t)t))) ||
                  cm_cli_jset(yo, "content_t", cm_cli_jnum(m->mat_content[i])) ||
                  cm_cli_jset(yo, "content_low_t", cm_cli_jnum(m->mat_low[i])) ||
                  cm_cli_jset(yo, "content_high_t", cm_cli_jnum(m->mat_high[i])) ||
                  cm_cli_jset(yo, "from_projected_pom_t", cm_cli_jnum(m->mat_projected[i])) ||
                  cm_cli_jset(yo, "projected", json_boolean(t >= r->d.ny));
        }
    }
    return bad;
}

static cm_error_t write_outputs(const run_t *r, const char *dir, int replace, cm_error_info_t *err)
{
    char path[4096], b1[32], b2[32], b3[32], b4[32];
    cm_csv_writer_t *w = NULL;
    cm_error_t rc = cm_cli_make_dir(dir, err);
    const cm_trade_waste_data_t *d = &r->d;
    if (rc != CM_OK) {
        return rc;
    }
    snprintf(path, sizeof path, "%s/waste.csv", dir);
    rc = cm_csv_writer_open(path, ',', &w, err);
    if (rc == CM_OK) {
        const char *h[] = {"category",        "year",     "generated_t", "collected_t", "gap_t",
                           "collection_rate", "projected"};
        rc = cm_csv_write_row(w, 7, h, err);
    }
    for (size_t c = 0; rc == CM_OK && c < r->ncat; c++) {
        for (size_t t = 0; rc == CM_OK && t < r->Tc; t++) {
            cm_int_t y = d->y0 + (cm_int_t)t;
            char yb[24];
            cm_real_t g = r->catgen[c * r->T + t], col = collected_at(r, r->cats[c], y);
            snprintf(yb, sizeof yb, "%lld", (long long)y);
            const char *f[] = {r->cats[c],
                               yb,
                               cm_cli_num(g, b1),
                               cm_cli_num(col, b2),
                               cm_cli_num(g - col, b3),
                               cm_cli_num(g > 0 ? col / g : NAN, b4),
                               t >= d->ny ? "1" : "0"};
            rc = cm_csv_write_row(w, 7, f, err);
        }
    }
    rc = cm_cli_csv_close(w, rc, err);
    w = NULL;
    if (rc != CM_OK) {
        return rc;
    }
    snprintf(path, sizeof path, "%s/outliers.csv", dir);
    rc = cm_csv_writer_open(path, ',', &w, err);
    if (rc == CM_OK) {
        const char *h[] = {"unu_key", "year", "pom_t", "window_median_t", "kind", "replaced"};
        rc = cm_csv_write_row(w, 6, h, err);
    }
    for (size_t k = 0; rc == CM_OK && k < d->nkeys; k++) {
        for (size_t t = 0; rc == CM_OK && t < d->ny; t++) {
            cm_real_t x = d->pom[k * d->ny + t];
            int out = r->flag[k * d->ny + t];
            if (!out && !isnan(x)) {
                continue;
            }
            char yb[24];
            snprintf(yb, sizeof yb, "%lld", (long long)(d->y0 + (cm_int_t)t));
            const char *f[] = {d->keys[k],
                               yb,
                               cm_cli_num(x, b1),
                               cm_cli_num(r->med[k * d->ny + t], b2),
                               out ? "outlier" : "missing (0 assumed)",
                               out && replace ? "yes" : "no"};
            rc = cm_csv_write_row(w, 6, f, err);
        }
    }
    rc = cm_cli_csv_close(w, rc, err);
    if (rc != CM_OK) {
        return rc;
    }
    /* JSON: per category, the series by year (jansson, written atomically). */
    snprintf(path, sizeof path, "%s/waste.json", dir);
    {
        cm_json_init();
        json_t *root = json_object(), *cats = json_array();
        char proj[96];
        snprintf(proj, sizeof proj, "constant at the mean of the last %d reported years",
                 PROJ_YEARS);
        int bad = root == NULL || cats == NULL;
        if (bad) {
            json_decref(cats);
        } else {
            bad = cm_cli_jset(root, "categories", cats) ||
                  cm_cli_jset(root, "unit", json_string("t")) ||
                  cm_cli_jset(root, "first_year", json_integer((json_int_t)d->y0)) ||
                  cm_cli_jset(root, "last_pom_year",
                              json_integer((json_int_t)(d->y0 + (cm_int_t)d->ny - 1))) ||
                  cm_cli_jset(root, "projection", json_string(proj));
        }
        for (size_t c = 0; c < r->ncat && !bad; c++) {
            json_t *co = json_object(), *years = json_array();
            if (co == NULL || years == NULL || json_array_append_new(cats, co) != 0) {
                json_decref(co);
                json_decref(years);
                bad = 1;
                break;
            }
            bad = cm_cli_jset(co, "years", years) ||
                  cm_cli_jset(co, "category", json_string(r->cats[c]));
            for (size_t t = 0; t < r->Tc && !bad; t++) {
                cm_real_t g = r->catgen[c * r->T + t];
                cm_real_t col = collected_at(r, r->cats[c], d->y0 + (cm_int_t)t);
                json_t *yo = json_object();
                if (yo == NULL || json_array_append_new(years, yo) != 0) {
                    json_decref(yo);
                    bad = 1;
                    break;
                }
                bad = cm_cli_jset(yo, "year", json_integer((json_int_t)(d->y0 + (cm_int_t)t))) ||
                      cm_cli_jset(yo, "generated_t", cm_cli_jnum(g)) ||
                      cm_cli_jset(yo, "collected_t", cm_cli_jnum(col)) ||
                      cm_cli_jset(yo, "gap_t", cm_cli_jnum(isnan(col) ? NAN : g - col)) ||
                      cm_cli_jset(yo, "projected", json_boolean(t >= d->ny));
            }
        }
        if (!bad && r->comp != NULL) {
            bad = json_urban(root, r);
        }
        if (bad) {
            rc = cm_error_set(err, CM_ENOMEM, "out of memory building %s", path);
        } else {
            rc = cm_json_write_file(path, root, 0, err);
        }
        json_decref(root);
        if (rc != CM_OK) {
            return rc;
        }
    }
    /* SVG: generated (lines) and collected (points) per category over time. */
    cm_svg_t *fig = NULL;
    double *x = cm_malloc_array(r->Tc, sizeof *x), *y = cm_malloc_array(r->Tc, sizeof *y);
    if (x == NULL || y == NULL) {
        rc = cm_error_set(err, CM_ENOMEM, "out of memory");
    }
    if (rc == CM_OK) {
        rc = cm_svg_create(900, 560, &fig, err);
    }
    if (rc == CM_OK) {
        rc = cm_svg_set_labels(fig, "WEEE generated (lines) and collected (points)", "Year",
                               "Waste (t/yr)", err);
    }
    for (size_t c = 0; rc == CM_OK && c < r->ncat; c++) {
        size_t m = 0;
        char name[96];
        for (size_t t = 0; t < r->Tc; t++) {
            x[t] = (double)(d->y0 + (cm_int_t)t);
            y[t] = r->catgen[c * r->T + t];
        }
        snprintf(name, sizeof name, "%s generated", r->cats[c]);
        rc = cm_svg_add_line(fig, name, x, r->Tc, y, r->Tc, err);
        for (size_t t = 0; rc == CM_OK && t < r->Tc; t++) {
            cm_real_t col = collected_at(r, r->cats[c], d->y0 + (cm_int_t)t);
            if (!isnan(col)) {
                x[m] = (double)(d->y0 + (cm_int_t)t);
                y[m++] = col;
            }
        }
        if (rc == CM_OK && m > 0) {
            snprintf(name, sizeof name, "%s collected", r->cats[c]);
            rc = cm_svg_add_scatter(fig, name, x, m, y, m, NULL, err);
        }
    }
    if (rc == CM_OK) {
        snprintf(path, sizeof path, "%s/waste.svg", dir);
        rc = cm_svg_write(fig, path, err);
    }
    cm_svg_free(fig);
    cm_free(x);
    cm_free(y);
    return rc;
}

/* urban_mine.csv (per key, material and year) and urban_mine_by_material.csv. */
static cm_error_t write_urban_csv(const run_t *r, const char *dir, cm_error_info_t *err)
{
    const cm_urban_mine_t *m = &r->um;
    char path[4096], b1[32], b2[32], b3[32], b4[32], yb[24];
    cm_csv_writer_t *w = NULL;
    snprintf(path, sizeof path, "%s/urban_mine.csv", dir);
    cm_error_t rc = cm_csv_writer_open(path, ',', &w, err);
    if (rc == CM_OK) {
        const char *h[] = {"unu_key",   "material",      "year",          "content_t",
                           "projected", "content_low_t", "content_high_t"};
        rc = cm_csv_write_row(w, 7, h, err);
    }
    for (size_t i = 0; rc == CM_OK && i < m->nrows; i++) {
        for (size_t t = 0; rc == CM_OK && t < m->T; t++) {
            snprintf(yb, sizeof yb, "%lld", (long long)(m->y0 + (cm_int_t)t));
            const char *f[] = {r->d.keys[m->row_key[i]],
                               r->ct.rows[i].material,
                               yb,
                               cm_cli_num(m->content[i * m->T + t], b1),
                               t >= r->d.ny ? "1" : "0",
                               cm_cli_num(m->low[i * m->T + t], b2),
                               cm_cli_num(m->high[i * m->T + t], b3)};
            rc = cm_csv_write_row(w, 7, f, err);
        }
    }
    rc = cm_cli_csv_close(w, rc, err);
    w = NULL;
    if (rc != CM_OK) {
        return rc;
    }
    snprintf(path, sizeof path, "%s/urban_mine_by_material.csv", dir);
    rc = cm_csv_writer_open(path, ',', &w, err);
    if (rc == CM_OK) {
        const char *h[] = {"material",       "year",      "content_t",           "content_low_t",
                           "content_high_t", "projected", "from_projected_pom_t"};
        rc = cm_csv_write_row(w, 7, h, err);
    }
    for (size_t j = 0; rc == CM_OK && j < m->nmat; j++) {
        for (size_t t = 0; rc == CM_OK && t < m->T; t++) {
            size_t i = j * m->T + t;
            snprintf(yb, sizeof yb, "%lld", (long long)(m->y0 + (cm_int_t)t));
            const char *f[] = {m->materials[j],
                               yb,
                               cm_cli_num(m->mat_content[i], b1),
                               cm_cli_num(m->mat_low[i], b2),
                               cm_cli_num(m->mat_high[i], b3),
                               t >= r->d.ny ? "1" : "0",
                               cm_cli_num(m->mat_projected[i], b4)};
            rc = cm_csv_write_row(w, 7, f, err);
        }
    }
    return cm_cli_csv_close(w, rc, err);
}

/* urban_mine.svg: content per material over time (lines, low-high band), a dashed line after
 * the last reported put-on-market year: the years beyond rest on projected inflows. */
static cm_error_t write_urban_svg(const run_t *r, const char *dir, cm_error_info_t *err)
{
    const cm_urban_mine_t *m = &r->um;
    cm_svg_t *fig = NULL;
    char path[4096];
    double *x = cm_malloc_array(m->T, sizeof *x);
    cm_error_t rc = x == NULL ? cm_error_set(err, CM_ENOMEM, "out of memory") : CM_OK;
    for (size_t t = 0; x != NULL && t < m->T; t++) {
        x[t] = (double)(m->y0 + (cm_int_t)t);
    }
    if (rc == CM_OK) {
        rc = cm_svg_create(900, 560, &fig, err);
    }
    if (rc == CM_OK) {
        rc = cm_svg_set_labels(fig, "Urban mine: material in the WEEE generated (band: low-high)",
                               "Year", "Material content (t/yr)", err);
    }
    for (size_t j = 0; rc == CM_OK && j < m->nmat; j++) {
        const double *yc = m->mat_content + j * m->T;
        rc = cm_svg_add_line(fig, m->materials[j], x, m->T, yc, m->T, err);
        if (rc == CM_OK) {
            rc = cm_svg_add_band(fig, NULL, x, m->T, m->mat_low + j * m->T, m->mat_high + j * m->T,
                                 m->T, err);
        }
    }
    if (rc == CM_OK && m->T > r->d.ny) {
        rc = cm_svg_add_refline(fig, 'x', (double)(r->d.y0 + (cm_int_t)r->d.ny) - 0.5,
                                "projected put on market from here", err);
    }
    if (rc == CM_OK) {
        snprintf(path, sizeof path, "%s/urban_mine.svg", dir);
        rc = cm_svg_write(fig, path, err);
    }
    cm_svg_free(fig);
    cm_free(x);
    return rc;
}

/* The urban mine: read the composition (keys of the put-on-market file, built-in materials),
 * split the waste generated into the part from projected inflows, apply. */
static cm_error_t urban_mine(run_t *r, cm_dsm_timing_t timing, cm_error_info_t *err)
{
    const cm_trade_waste_data_t *d = &r->d;
    cm_real_t *pp = NULL;
    cm_error_t rc =
        cm_urban_comp_read(r->comp, (const char *const *)d->keys, d->nkeys, NULL, &r->ct, err);
    if (rc == CM_OK) {
        pp = cm_calloc(d->nkeys * r->T, sizeof *pp);
        r->genp = cm_malloc_array(d->nkeys * r->T, sizeof *r->genp);
        if (pp == NULL || r->genp == NULL) {
            rc = cm_error_set(err, CM_ENOMEM, "out of memory");
        }
    }
    if (rc == CM_OK) {
        for (size_t k = 0; k < d->nkeys; k++) {
            for (size_t t = d->ny; t < r->T; t++) {
                pp[k * r->T + t] = r->pom[k * r->T + t];
            }
        }
        rc = cm_trade_waste_generated(pp, d->nkeys, r->T, d->shape, d->scale, timing, r->genp, NULL,
                                      err);
    }
    for (size_t i = 0; rc == CM_OK && i < d->nkeys * r->T; i++) {
        /* rounding can put the projected part a hair above the whole */
        r->genp[i] = r->genp[i] > r->gen[i] ? r->gen[i] : r->genp[i];
    }
    if (rc == CM_OK) {
        rc = cm_urban_mine_compute(&r->ct, (const char *const *)d->keys, d->nkeys, r->gen, r->genp,
                                   d->y0, r->T, &r->um, err);
    }
    cm_free(pp);
    return rc;
}

static cm_error_t run_waste(run_t *r, const char *pom, const char *life, const char *coll,
                            const char *ini, const char *comp, const char *dir, int until,
                            cm_dsm_timing_t timing, int replace, cm_error_info_t *err)
{
    cm_trade_outlier_rule_t rule;
    cm_trade_outlier_rule_default(&rule);
    cm_error_t rc = ini != NULL ? cm_trade_outlier_rule_read(ini, &rule, err) : CM_OK;
    if (rc == CM_OK) {
        rc = cm_trade_waste_read(pom, life, coll, &r->d, err);
    }
    if (rc != CM_OK) {
        return rc;
    }
    const cm_trade_waste_data_t *d = &r->d;
    cm_int_t last = d->y0 + (cm_int_t)d->ny - 1;
    cm_int_t end = until > 0 ? until : (d->nc > 0 ? d->c0 + (cm_int_t)d->nc - 1 : last);
    if (end < last) {
        end = last;
    }
    /* the comparison runs to end; the urban mine to end, or at least URBAN_HORIZON when
     * --until is not given */
    cm_int_t uend = until == 0 && comp != NULL && end < URBAN_HORIZON ? URBAN_HORIZON : end;
    r->comp = comp;
    r->Tc = (size_t)(end - d->y0 + 1);
    r->T = (size_t)(uend - d->y0 + 1);
    r->pom = cm_malloc_array(d->nkeys * r->T, sizeof *r->pom);
    r->gen = cm_malloc_array(d->nkeys * r->T, sizeof *r->gen);
    r->flag = cm_malloc_array(d->nkeys * d->ny, sizeof *r->flag);
    r->med = cm_malloc_array(d->nkeys * d->ny, sizeof *r->med);
    r->cats = cm_malloc_array(d->nkeys + d->ncat + 1, sizeof *r->cats);
    if (r->pom == NULL || r->gen == NULL || r->flag == NULL || r->med == NULL || r->cats == NULL) {
        return cm_error_set(err, CM_ENOMEM, "out of memory");
    }
    for (size_t c = 0; c < d->ncat; c++) {
        r->cats[r->ncat++] = d->cats[c];
    }
    for (size_t k = 0; k < d->nkeys; k++) {
        if (cat_index(r, d->category[k]) == r->ncat) {
            r->cats[r->ncat++] = d->category[k];
        }
    }
    rc = build_inflows(r, &rule, replace, err);
    if (rc == CM_OK) {
        rc = cm_trade_waste_generated(r->pom, d->nkeys, r->T, d->shape, d->scale, timing, r->gen,
                                      NULL, err);
    }
    if (rc != CM_OK) {
        return rc;
    }
    r->catgen = cm_calloc(r->ncat * r->T, sizeof *r->catgen);
    if (r->catgen == NULL) {
        return cm_error_set(err, CM_ENOMEM, "out of memory");
    }
    for (size_t k = 0; k < d->nkeys; k++) {
        size_t c = cat_index(r, d->category[k]);
        for (size_t t = 0; t < r->T; t++) {
            r->catgen[c * r->T + t] += r->gen[k * r->T + t];
        }
    }
    if (comp != NULL) {
        rc = urban_mine(r, timing, err);
    }
    if (rc == CM_OK) {
        rc = write_outputs(r, dir, replace, err);
    }
    if (rc == CM_OK && comp != NULL) {
        rc = write_urban_csv(r, dir, err);
    }
    if (rc == CM_OK && comp != NULL) {
        rc = write_urban_svg(r, dir, err);
    }
    return rc;
}

static void print_report(const run_t *r, int replace, const char *comp)
{
    const cm_trade_waste_data_t *d = &r->d;
    size_t n = 0, pos = 0;
    printf("category year generated_t collected_t gap_t rate\n");
    for (size_t c = 0; c < r->ncat; c++) {
        for (size_t t = 0; t < r->Tc; t++) {
            cm_int_t y = d->y0 + (cm_int_t)t;
            cm_real_t g = r->catgen[c * r->T + t], col = collected_at(r, r->cats[c], y);
            if (isnan(col)) {
                continue;
            }
            n++;
            pos += g - col > 0;
            printf("%s %lld %.0f %.0f %.0f %.3f%s%s\n", r->cats[c], (long long)y, g, col, g - col,
                   g > 0 ? col / g : NAN, t >= d->ny ? " projected" : "",
                   col > g ? " collected>generated" : "");
        }
    }
    printf("gap positive in %zu of %zu category-years\n", pos, n);
    printf("outliers (key year pom_t window_median_t%s):\n", replace ? ", replaced" : "");
    for (size_t k = 0; k < d->nkeys; k++) {
        for (size_t t = 0; t < d->ny; t++) {
            if (r->flag[k * d->ny + t]) {
                printf("  %s %lld %.0f %.0f\n", d->keys[k], (long long)(d->y0 + (cm_int_t)t),
                       d->pom[k * d->ny + t], r->med[k * d->ny + t]);
            }
        }
    }
    if (comp == NULL) {
        printf("CRM content: no composition (--composition none); not computed\n");
        return;
    }
    /* the urban mine every URBAN_STEP years from the last reported year, and the horizon */
    const cm_urban_mine_t *m = &r->um;
    const cm_int_t last = d->y0 + (cm_int_t)d->ny - 1, end = m->y0 + (cm_int_t)m->T - 1;
    printf("urban mine by material, composition %s (%zu rows): material year content_t low_t "
           "high_t share_from_projected_pom\n",
           comp, r->ct.n);
    for (size_t j = 0; j < m->nmat; j++) {
        for (cm_int_t y = last; y <= end;
             y = y < end && y + URBAN_STEP > end ? end : y + URBAN_STEP) {
            size_t i = j * m->T + (size_t)(y - m->y0);
            cm_real_t c = m->mat_content[i];
            printf("  %s %lld %.4g %.4g %.4g %.3f\n", m->materials[j], (long long)y, c,
                   m->mat_low[i], m->mat_high[i], c > 0 ? m->mat_projected[i] / c : 0.0);
        }
    }
}

int cm_cli_trade_waste(int argc, char **argv)
{
    static const struct option longopts[] = {{"pom", required_argument, NULL, 'p'},
                                             {"lifetimes", required_argument, NULL, 'l'},
                                             {"collected", required_argument, NULL, 'c'},
                                             {"outliers", required_argument, NULL, 'x'},
                                             {"composition", required_argument, NULL, 'm'},
                                             {"out", required_argument, NULL, 'o'},
                                             {"timing", required_argument, NULL, 't'},
                                             {"until", required_argument, NULL, 'u'},
                                             {"replace-outliers", no_argument, NULL, 'r'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *pom = "data/weee/pom_be.csv", *life = "data/weee/lifetimes.csv";
    const char *coll = "data/weee/collected_be.csv", *ini = "data/weee/outliers.ini";
    const char *comp = "data/weee/composition.csv", *out = "waste-out";
    cm_dsm_timing_t timing = CM_DSM_TIMING_WEEE;
    int replace = 0, until = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'p':
            pom = optarg;
            break;
        case 'l':
            life = optarg;
            break;
        case 'c':
            coll = strcmp(optarg, "none") == 0 ? NULL : optarg;
            break;
        case 'x':
            ini = strcmp(optarg, "none") == 0 ? NULL : optarg;
            break;
        case 'm':
            comp = strcmp(optarg, "none") == 0 ? NULL : optarg;
            break;
        case 'o':
            out = optarg;
            break;
        case 't':
            if (strcmp(optarg, "weee") == 0) {
                timing = CM_DSM_TIMING_WEEE;
            } else if (strcmp(optarg, "odym") == 0) {
                timing = CM_DSM_TIMING_ODYM;
            } else {
                return cm_cli_usage_error(VERB, "--timing: expected weee or odym, got '%s'",
                                          optarg);
            }
            break;
        case 'u':
            if (!cm_cli_parse_int(optarg, 1900, 2200, &until)) {
                return cm_cli_usage_error(VERB, "--until: expected a year, got '%s'", optarg);
            }
            break;
        case 'r':
            replace = 1;
            break;
        case 'h':
            waste_usage(stdout);
            return CM_EXIT_OK;
        default:
            return cm_cli_getopt_fail(VERB, c, argv);
        }
    }
    if (optind != argc) {
        return cm_cli_usage_error(VERB, "unexpected argument '%s'", argv[optind]);
    }
    run_t r;
    memset(&r, 0, sizeof r);
    cm_error_info_t err = {0};
    cm_error_t rc = run_waste(&r, pom, life, coll, ini, comp, out, until, timing, replace, &err);
    if (rc == CM_OK) {
        print_report(&r, replace, comp);
    }
    run_free(&r);
    return rc == CM_OK ? CM_EXIT_OK : cm_cli_fail(&err, rc);
}

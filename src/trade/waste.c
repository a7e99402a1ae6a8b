/* Waste streams from stocks: put on market -> stock -> waste generated per UNU key
 * (docs/trade.md, "Waste streams"). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cambium/cm_alloc.h"
#include "cambium/cm_csv.h"
#include "cambium/cm_dsm.h"
#include "cambium/cm_kv.h"
#include "cambium/cm_trade.h"
#include "../core/cm_internal.h"

#define MAX_WINDOW 101
#define MAD_SCALE 1.4826

void cm_trade_outlier_rule_default(cm_trade_outlier_rule_t *r)
{
    if (r != NULL) {
        r->window = 11;
        r->k = 5.0;
    }
}

cm_error_t cm_trade_outlier_rule_read(const char *path, cm_trade_outlier_rule_t *r,
                                      cm_error_info_t *err)
{
    static const char *const allowed[] = {"window", "k"};
    cm_kv_doc_t *doc = NULL;
    cm_error_t rc = CM_OK;
    if (path == NULL || r == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_trade_outlier_rule_read: NULL %s",
                            path == NULL ? "path" : "r");
    }
    cm_trade_outlier_rule_t q = *r;
    CM_TRY(cm_kv_read_file(path, &doc, err));
    for (size_t i = 0; i < cm_kv_nsections(doc); i++) {
        const cm_kv_section_t *s = cm_kv_section_at(doc, i);
        if (strcmp(s->type, "outliers") != 0 || s->name[0] != '\0') {
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, s->file, s->line, 1,
                                    "expected a section [outliers], got [%s%s%s]", s->type,
                                    s->name[0] ? " " : "", s->name));
        }
        CM_TRY(cm_kv_check_keys(s, allowed, 2, err));
        const cm_kv_entry_t *e = cm_kv_get(s, "window");
        if (e != NULL) {
            cm_int_t w = 0;
            CM_TRY(cm_kv_entry_int(s, e, &w, err));
            if (w < 3 || w > MAX_WINDOW || w % 2 == 0) {
                CM_FAIL(cm_error_set_at(err, CM_EPARSE, s->file, e->line, e->value_column,
                                        "expected an odd window from 3 to %d, got '%s'",
                                        MAX_WINDOW, e->value));
            }
            q.window = (size_t)w;
        }
        e = cm_kv_get(s, "k");
        if (e != NULL) {
            double k = 0.0;
            CM_TRY(cm_kv_entry_double(s, e, &k, err));
            if (!(k > 0.0)) {
                CM_FAIL(cm_error_set_at(err, CM_EPARSE, s->file, e->line, e->value_column,
                                        "expected k > 0, got '%s'", e->value));
            }
            q.k = k;
        }
    }
    *r = q;
cleanup:
    cm_kv_free(doc);
    return rc;
}

static int cmp_real(const void *a, const void *b)
{
    cm_real_t x = *(const cm_real_t *)a, y = *(const cm_real_t *)b;
    return (x > y) - (x < y);
}

static cm_real_t median_of(cm_real_t *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_real);
    return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

cm_error_t cm_trade_outliers_flag(const cm_real_t *x, size_t n, const cm_trade_outlier_rule_t *rule,
                                  int *flag, cm_real_t *median, cm_error_info_t *err)
{
    if (x == NULL || flag == NULL || rule == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_trade_outliers_flag: NULL %s",
                            x == NULL ? "x" : flag == NULL ? "flag" : "rule");
    }
    if (rule->window < 3 || rule->window > MAX_WINDOW || rule->window % 2 == 0 ||
        !(rule->k > 0.0) || !isfinite(rule->k)) {
        return cm_error_set(err, CM_EINVAL,
                            "expected an odd window from 3 to %d and k > 0, got window %zu, k %g",
                            MAX_WINDOW, rule->window, rule->k);
    }
    for (size_t i = 0; i < n; i++) {
        if (!isnan(x[i]) && (x[i] < 0.0 || !isfinite(x[i]))) {
            return cm_error_set(err, CM_EINVAL, "expected finite values >= 0, got %g at index %zu",
                                x[i], i);
        }
    }
    size_t half = rule->window / 2;
    for (size_t i = 0; i < n; i++) {
        flag[i] = 0;
        if (median != NULL) {
            median[i] = NAN;
        }
        if (isnan(x[i])) {
            continue;
        }
        /* the reported values around i: up to half before and half after */
        cm_real_t w[MAX_WINDOW], d[MAX_WINDOW];
        size_t m = 0, got = 0;
        w[m++] = x[i];
        for (size_t j = i; j > 0 && got < half; j--) {
            if (!isnan(x[j - 1])) {
                w[m++] = x[j - 1];
                got++;
            }
        }
        got = 0;
        for (size_t j = i + 1; j < n && got < half; j++) {
            if (!isnan(x[j])) {
                w[m++] = x[j];
                got++;
            }
        }
        cm_real_t med = median_of(w, m);
        for (size_t j = 0; j < m; j++) {
            d[j] = fabs(w[j] - med);
        }
        cm_real_t mad = median_of(d, m);
        if (median != NULL) {
            median[i] = med;
        }
        flag[i] = fabs(x[i] - med) > rule->k * MAD_SCALE * mad;
    }
    return CM_OK;
}

void cm_trade_waste_data_destroy(cm_trade_waste_data_t *d)
{
    if (d == NULL) {
        return;
    }
    for (size_t i = 0; i < d->nkeys; i++) {
        cm_free(d->keys != NULL ? d->keys[i] : NULL);
        cm_free(d->category != NULL ? d->category[i] : NULL);
    }
    for (size_t i = 0; i < d->ncat; i++) {
        cm_free(d->cats != NULL ? d->cats[i] : NULL);
    }
    cm_free(d->keys);
    cm_free(d->category);
    cm_free(d->shape);
    cm_free(d->scale);
    cm_free(d->pom);
    cm_free(d->cats);
    cm_free(d->collected);
    memset(d, 0, sizeof *d);
}

/* The column \p name of \p t, or CM_EPARSE at line 1. */
static cm_error_t need_col(const cm_table_t *t, const char *name, size_t *col,
                           cm_error_info_t *err)
{
    cm_int_t c = cm_table_col(t, name);
    if (c < 0) {
        return cm_error_set_at(err, CM_EPARSE, t->name, 1, 1, "expected a column '%s'", name);
    }
    *col = (size_t)c;
    return CM_OK;
}

/* A finite number >= lo in cell (r, c), else CM_EPARSE at file:line:column (column = field). */
static cm_error_t cell_num(const cm_table_t *t, size_t r, size_t c, double lo, int strict,
                           const char *what, double *out, cm_error_info_t *err)
{
    cm_num_options_t o = {0, 0, 0};
    cm_num_t v;
    const char *text = cm_table_cell(t, r, c);
    cm_error_info_t sub = {0};
    cm_error_t rc = cm_num_parse(text, &o, &v, &sub);
    if (rc != CM_OK || !cm_num_has_value(&v) || v.value < lo || (strict && v.value <= lo)) {
        return cm_error_set_at(err, CM_EPARSE, t->name, (int)t->line[r], (int)c + 1,
                               "expected %s (a number %s %g), got '%s'", what,
                               strict ? ">" : ">=", lo, text);
    }
    *out = v.value;
    return CM_OK;
}

static cm_error_t cell_year(const cm_table_t *t, size_t r, size_t c, cm_int_t *out,
                            cm_error_info_t *err)
{
    double y = 0.0;
    cm_error_t rc = cell_num(t, r, c, 1900.0, 0, "a year from 1900 to 2200", &y, err);
    if (rc == CM_OK && (y > 2200.0 || y != floor(y))) {
        rc = cm_error_set_at(err, CM_EPARSE, t->name, (int)t->line[r], (int)c + 1,
                             "expected a year from 1900 to 2200, got '%s'",
                             cm_table_cell(t, r, c));
    }
    *out = (cm_int_t)y;
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted distinct texts of column c: *names (nn), each a new string. */
static cm_error_t distinct(const cm_table_t *t, size_t c, char ***names, size_t *nn,
                           cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    const char **tmp = cm_malloc_array(t->nrows + 1, sizeof *tmp);
    char **out = NULL;
    size_t m = 0;
    CM_NOMEM(tmp, err);
    for (size_t r = 0; r < t->nrows; r++) {
        tmp[r] = cm_table_cell(t, r, c);
    }
    qsort(tmp, t->nrows, sizeof *tmp, cmp_str);
    out = cm_calloc(t->nrows + 1, sizeof *out);
    CM_NOMEM(out, err);
    for (size_t r = 0; r < t->nrows; r++) {
        if (m > 0 && strcmp(out[m - 1], tmp[r]) == 0) {
            continue;
        }
        out[m] = cm_strdup(tmp[r]);
        CM_NOMEM(out[m], err);
        m++;
    }
    *names = out;
    *nn = m;
    out = NULL;
cleanup:
    for (size_t i = 0; out != NULL && i < m; i++) {
        cm_free(out[i]);
    }
    cm_free(out);
    cm_free(tmp);
    return rc;
}

static size_t find_name(char **names, size_t n, const char *s)
{
    char **hit = bsearch(&s, names, n, sizeof *names, cmp_str);
    return hit == NULL ? n : (size_t)(hit - names);
}

/* Fill the n x ny grid (NaN first) from a (name, year, value) table. */
static cm_error_t read_grid(const cm_table_t *t, const char *name_col, const char *value_col,
                           char ***names, size_t *nn, cm_int_t *y0, size_t *ny, cm_real_t **grid,
                           cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    size_t cn = 0, cy = 0, cv = 0;
    cm_int_t lo = 0, hi = 0;
    CM_TRY(need_col(t, name_col, &cn, err));
    CM_TRY(need_col(t, "year", &cy, err));
    CM_TRY(need_col(t, value_col, &cv, err));
    for (size_t r = 0; r < t->nrows; r++) {
        cm_int_t y = 0;
        double v = 0.0;
        CM_TRY(cell_year(t, r, cy, &y, err));
        CM_TRY(cell_num(t, r, cv, 0.0, 0, value_col, &v, err));
        lo = r == 0 || y < lo ? y : lo;
        hi = r == 0 || y > hi ? y : hi;
    }
    CM_TRY(distinct(t, cn, names, nn, err));
    *y0 = lo;
    *ny = (size_t)(hi - lo + 1);
    *grid = cm_malloc_array(*nn * *ny, sizeof **grid);
    CM_NOMEM(*grid, err);
    for (size_t i = 0; i < *nn * *ny; i++) {
        (*grid)[i] = NAN;
    }
    for (size_t r = 0; r < t->nrows; r++) {
        cm_int_t y = 0;
        double v = 0.0;
        CM_TRY(cell_year(t, r, cy, &y, err));
        CM_TRY(cell_num(t, r, cv, 0.0, 0, value_col, &v, err));
        size_t k = find_name(*names, *nn, cm_table_cell(t, r, cn));
        cm_real_t *cell = &(*grid)[k * *ny + (size_t)(y - lo)];
        if (!isnan(*cell)) {
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, t->name, (int)t->line[r], (int)cn + 1,
                                    "expected one row per (%s, year), got '%s' %lld again",
                                    name_col, cm_table_cell(t, r, cn), (long long)y));
        }
        *cell = v;
    }
cleanup:
    return rc;
}

cm_error_t cm_trade_waste_read(const char *pom, const char *lifetimes, const char *collected,
                               cm_trade_waste_data_t *out, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_table_t tp = CM_TABLE_NULL, tl = CM_TABLE_NULL, tc = CM_TABLE_NULL;
    cm_trade_waste_data_t d = {0};
    cm_csv_options_t opt;
    size_t ck = 0, cs = 0, cl = 0, cc = 0;
    if (pom == NULL || lifetimes == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_trade_waste_read: NULL %s",
                            pom == NULL ? "pom" : lifetimes == NULL ? "lifetimes" : "out");
    }
    cm_csv_options_default(&opt);
    opt.separator = ',';
    CM_TRY(cm_table_read(&tp, pom, &opt, 1, err));
    CM_TRY(read_grid(&tp, "unu_key", "pom_t", &d.keys, &d.nkeys, &d.y0, &d.ny, &d.pom, err));
    CM_TRY(cm_table_read(&tl, lifetimes, &opt, 1, err));
    CM_TRY(need_col(&tl, "unu_key", &ck, err));
    CM_TRY(need_col(&tl, "shape", &cs, err));
    CM_TRY(need_col(&tl, "scale", &cl, err));
    CM_TRY(need_col(&tl, "category", &cc, err));
    d.shape = cm_malloc_array(d.nkeys, sizeof *d.shape);
    d.scale = cm_malloc_array(d.nkeys, sizeof *d.scale);
    d.category = cm_calloc(d.nkeys, sizeof *d.category);
    CM_NOMEM(d.shape, err);
    CM_NOMEM(d.scale, err);
    CM_NOMEM(d.category, err);
    for (size_t r = 0; r < tl.nrows; r++) {
        double k = 0.0, s = 0.0;
        CM_TRY(cell_num(&tl, r, cs, 0.0, 1, "a Weibull shape", &k, err));
        CM_TRY(cell_num(&tl, r, cl, 0.0, 1, "a Weibull scale in years", &s, err));
        size_t i = find_name(d.keys, d.nkeys, cm_table_cell(&tl, r, ck));
        if (i == d.nkeys) {
            continue;
        }
        if (d.category[i] != NULL) {
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, tl.name, (int)tl.line[r], (int)ck + 1,
                                    "expected one lifetime per UNU key, got '%s' again",
                                    d.keys[i]));
        }
        d.shape[i] = k;
        d.scale[i] = s;
        d.category[i] = cm_strdup(cm_table_cell(&tl, r, cc));
        CM_NOMEM(d.category[i], err);
    }
    for (size_t i = 0; i < d.nkeys; i++) {
        if (d.category[i] == NULL) {
            size_t kc = 0;
            CM_TRY(need_col(&tp, "unu_key", &kc, err));
            size_t r = 0;
            while (r + 1 < tp.nrows && strcmp(cm_table_cell(&tp, r, kc), d.keys[i]) != 0) {
                r++;
            }
            CM_FAIL(cm_error_set(err, CM_EINVAL,
                                 "UNU key '%s' (%s:%lld) has no lifetime in %s", d.keys[i],
                                 tp.name, (long long)tp.line[r], lifetimes));
        }
    }
    if (collected != NULL) {
        CM_TRY(cm_table_read(&tc, collected, &opt, 1, err));
        CM_TRY(read_grid(&tc, "category", "collected_t", &d.cats, &d.ncat, &d.c0, &d.nc,
                         &d.collected, err));
    }
    *out = d;
    memset(&d, 0, sizeof d);
cleanup:
    cm_trade_waste_data_destroy(&d);
    cm_table_destroy(&tp);
    cm_table_destroy(&tl);
    cm_table_destroy(&tc);
    return rc;
}

cm_error_t cm_trade_waste_generated(const cm_real_t *pom, size_t nkeys, size_t T,
                                    const cm_real_t *shape, const cm_real_t *scale,
                                    cm_dsm_timing_t timing, cm_real_t *gen, cm_real_t *stock,
                                    cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_dsm_series_t *s = NULL;
    cm_dsm_batch_t b = {0};
    cm_dsm_options_t opt;
    if (pom == NULL || shape == NULL || scale == NULL || gen == NULL || nkeys == 0 || T == 0) {
        return cm_error_set(err, CM_EINVAL,
                            "cm_trade_waste_generated: expected non-NULL arrays and nkeys, T > 0");
    }
    cm_dsm_options_default(&opt);
    opt.timing = timing;
    s = cm_calloc(nkeys, sizeof *s);
    CM_NOMEM(s, err);
    for (size_t k = 0; k < nkeys; k++) {
        s[k].T = T;
        s[k].driver = CM_DSM_INFLOW_DRIVEN;
        s[k].values = pom + k * T;
        s[k].lifetime.dist = CM_DSM_WEIBULL;
        s[k].lifetime.p[0] = shape[k];
        s[k].lifetime.p[1] = scale[k];
    }
    CM_TRY(cm_dsm_batch_run(s, nkeys, &opt, &b, err));
    for (size_t k = 0; k < nkeys; k++) {
        memcpy(gen + k * T, b.results[k].outflow, T * sizeof *gen);
        if (stock != NULL) {
            memcpy(stock + k * T, b.results[k].stock, T * sizeof *stock);
        }
    }
cleanup:
    cm_dsm_batch_destroy(&b);
    cm_free(s);
    return rc;
}

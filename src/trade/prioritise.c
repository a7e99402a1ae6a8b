/* Recovery prioritisation: the analyst's criteria (priorities.ini), normalisation, weights and
 * the ranking (docs/trade.md section 8; METHODS.md D, Coppens et al. 2025). */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cambium/cm_kv.h"
#include "cambium/cm_trade.h"
#include "core/cm_internal.h"
#include "fmt/fmt_internal.h"

static const char *const input_names[CM_PRIO_NINPUTS] = {"crit", "eu", "demand", "recycling",
                                                         "urban_mine"};
static const char *const norm_names[] = {"minmax", "max", "rank", "log-minmax", "target"};
static const char *const missing_names[] = {"zero", "exclude-criterion", "exclude-material"};

const char *cm_prio_input_name(cm_prio_input_t input)
{
    return (unsigned)input < CM_PRIO_NINPUTS ? input_names[input] : "?";
}

const char *cm_prio_norm_name(cm_prio_norm_t norm)
{
    return (unsigned)norm < sizeof norm_names / sizeof norm_names[0] ? norm_names[norm] : "?";
}

const char *cm_prio_missing_name(cm_prio_missing_t m)
{
    return (unsigned)m < sizeof missing_names / sizeof missing_names[0] ? missing_names[m] : "?";
}

void cm_prio_config_destroy(cm_prio_config_t *cfg)
{
    if (cfg != NULL) {
        cm_free(cfg->items);
        memset(cfg, 0, sizeof *cfg);
    }
}

/* --- reading the ini ------------------------------------------------------------------------ */

/* Index of \p text among \p n names, -1 when absent. */
static int lookup(const char *text, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(text, names[i]) == 0) {
            return (int)i;
        }
    }
    return -1;
}

/* A keyword value: one of \p names, or CM_EPARSE at the value naming them. */
static cm_error_t get_word(const cm_kv_section_t *s, const char *key, const char *const *names,
                           size_t n, int *out, cm_error_info_t *err)
{
    const cm_kv_entry_t *e = cm_kv_get(s, key);
    if (e == NULL) {
        return CM_OK;
    }
    int k = lookup(e->value, names, n);
    if (k < 0) {
        char list[256] = "";
        for (size_t i = 0; i < n; i++) {
            size_t len = strlen(list);
            snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "", names[i]);
        }
        return cm_error_set_at(err, CM_EPARSE, s->file, e->line, e->value_column,
                               "expected %s = one of %s, got '%s'", key, list, e->value);
    }
    *out = k;
    return CM_OK;
}

static cm_error_t get_text(const cm_kv_section_t *s, const char *key, char *buf, size_t size,
                           int required, cm_error_info_t *err)
{
    const cm_kv_entry_t *e = cm_kv_get(s, key);
    if (e == NULL || e->value[0] == '\0') {
        if (required) {
            return cm_error_set_at(err, CM_EPARSE, s->file, s->line, 1,
                                   "expected a key '%s' in [%s %s], got none", key, s->type,
                                   s->name);
        }
        return CM_OK;
    }
    if (strlen(e->value) >= size) {
        return cm_error_set_at(err, CM_EPARSE, s->file, e->line, e->value_column,
                               "expected %s of at most %zu bytes, got %zu", key, size - 1,
                               strlen(e->value));
    }
    memcpy(buf, e->value, strlen(e->value) + 1);
    return CM_OK;
}

/* A number >= lo (NaN lo: any); absent keeps *out. */
static cm_error_t get_real(const cm_kv_section_t *s, const char *key, double lo, double *out,
                           cm_error_info_t *err)
{
    const cm_kv_entry_t *e = cm_kv_get(s, key);
    if (e == NULL) {
        return CM_OK;
    }
    double v = 0.0;
    cm_error_t rc = cm_kv_entry_double(s, e, &v, err);
    if (rc == CM_OK && !isnan(lo) && v < lo) {
        rc = cm_error_set_at(err, CM_EPARSE, s->file, e->line, e->value_column,
                             "expected %s >= %g, got '%s'", key, lo, e->value);
    }
    if (rc == CM_OK) {
        *out = v;
    }
    return rc;
}

static cm_error_t get_year(const cm_kv_section_t *s, const char *key, int *out,
                           cm_error_info_t *err)
{
    const cm_kv_entry_t *e = cm_kv_get(s, key);
    if (e == NULL) {
        return CM_OK;
    }
    cm_int_t v = 0;
    cm_error_t rc = cm_kv_entry_int(s, e, &v, err);
    if (rc == CM_OK && (v < 1900 || v > 2200)) {
        rc = cm_error_set_at(err, CM_EPARSE, s->file, e->line, e->value_column,
                             "expected %s a year in 1900..2200, got '%s'", key, e->value);
    }
    if (rc == CM_OK) {
        *out = (int)v;
    }
    return rc;
}

static cm_error_t read_criterion(const cm_kv_section_t *s, cm_prio_criterion_t *c,
                                 cm_error_info_t *err)
{
    static const char *const allowed[] = {"input",      "column",  "direction", "normalisation",
                                          "weight",     "missing", "threshold", "target",
                                          "log_offset", "unit",    "label"};
    static const char *const dirs[] = {"benefit", "cost"};
    cm_error_t rc = CM_OK;
    int input = -1, norm = CM_PRIO_NORM_MINMAX, missing = CM_PRIO_MISSING_EXCLUDE_CRITERION;
    int dir = 0;
    memset(c, 0, sizeof *c);
    c->line = s->line;
    c->threshold = c->target = NAN;
    c->log_offset = 1.0;
    c->weight = NAN;
    if (s->name[0] == '\0' || strlen(s->name) >= sizeof c->name) {
        return cm_error_set_at(err, CM_EPARSE, s->file, s->line, 1,
                               "expected [criterion NAME] with a name of 1..%zu bytes, got "
                               "[criterion %s]",
                               sizeof c->name - 1, s->name);
    }
    memcpy(c->name, s->name, strlen(s->name) + 1);
    CM_TRY(cm_kv_check_keys(s, allowed, sizeof allowed / sizeof allowed[0], err));
    if (cm_kv_get(s, "input") == NULL) {
        return cm_error_set_at(err, CM_EPARSE, s->file, s->line, 1,
                               "expected a key 'input' in [criterion %s], got none", s->name);
    }
    CM_TRY(get_word(s, "input", input_names, CM_PRIO_NINPUTS, &input, err));
    CM_TRY(get_word(s, "direction", dirs, 2, &dir, err));
    CM_TRY(get_word(s, "normalisation", norm_names, sizeof norm_names / sizeof norm_names[0], &norm,
                    err));
    CM_TRY(get_word(s, "missing", missing_names, sizeof missing_names / sizeof missing_names[0],
                    &missing, err));
    CM_TRY(get_text(s, "column", c->column, sizeof c->column, 1, err));
    CM_TRY(get_text(s, "unit", c->unit, sizeof c->unit, 0, err));
    CM_TRY(get_text(s, "label", c->label, sizeof c->label, 0, err));
    if (cm_kv_get(s, "weight") == NULL) {
        return cm_error_set_at(err, CM_EPARSE, s->file, s->line, 1,
                               "expected a key 'weight' in [criterion %s], got none", s->name);
    }
    CM_TRY(get_real(s, "weight", 0.0, &c->weight, err));
    CM_TRY(get_real(s, "threshold", NAN, &c->threshold, err));
    CM_TRY(get_real(s, "target", NAN, &c->target, err));
    CM_TRY(get_real(s, "log_offset", NAN, &c->log_offset, err));
    c->input = (cm_prio_input_t)input;
    c->norm = (cm_prio_norm_t)norm;
    c->missing = (cm_prio_missing_t)missing;
    c->cost = dir;
    if (c->norm == CM_PRIO_NORM_TARGET) {
        if (isnan(c->threshold) || isnan(c->target)) {
            return cm_error_set_at(err, CM_EPARSE, s->file, s->line, 1,
                                   "expected threshold and target in [criterion %s] "
                                   "(normalisation = target), got %s",
                                   s->name, isnan(c->threshold) ? "no threshold" : "no target");
        }
        if (c->target < c->threshold) {
            const cm_kv_entry_t *e = cm_kv_get(s, "target");
            return cm_error_set_at(err, CM_EPARSE, s->file, e->line, e->value_column,
                                   "expected target >= threshold (%g), got '%s'", c->threshold,
                                   e->value);
        }
    }
cleanup:
    return rc;
}

static cm_error_t read_demand(const cm_kv_section_t *s, cm_prio_config_t *cfg, cm_error_info_t *err)
{
    static const char *const allowed[] = {"stages", "years", "negative"};
    static const char *const neg[] = {"keep", "zero"};
    cm_error_t rc = cm_kv_check_keys(s, allowed, 3, err);
    const cm_kv_entry_t *e = cm_kv_get(s, "stages");
    if (rc == CM_OK && e != NULL) {
        char buf[128], *save = NULL;
        int ex = 0, pr = 0;
        snprintf(buf, sizeof buf, "%s", e->value);
        for (char *t = strtok_r(buf, ", ", &save); t != NULL && rc == CM_OK;
             t = strtok_r(NULL, ", ", &save)) {
            if (strcmp(t, "extraction") == 0) {
                ex = 1;
            } else if (strcmp(t, "processing") == 0) {
                pr = 1;
            } else {
                rc = cm_error_set_at(err, CM_EPARSE, s->file, e->line, e->value_column,
                                     "expected stages among extraction, processing, got '%s'", t);
            }
        }
        if (rc == CM_OK && !ex && !pr) {
            rc = cm_error_set_at(err, CM_EPARSE, s->file, e->line, e->value_column,
                                 "expected at least one stage, got '%s'", e->value);
        }
        cfg->demand_extraction = ex;
        cfg->demand_processing = pr;
    }
    e = cm_kv_get(s, "years");
    if (rc == CM_OK && e != NULL) {
        cm_int_t v = 0;
        rc = cm_kv_entry_int(s, e, &v, err);
        if (rc == CM_OK && (v < 1 || v > 100)) {
            rc = cm_error_set_at(err, CM_EPARSE, s->file, e->line, e->value_column,
                                 "expected years in 1..100, got '%s'", e->value);
        }
        cfg->demand_years = (int)v;
    }
    if (rc == CM_OK) {
        rc = get_word(s, "negative", neg, 2, &cfg->demand_negative_zero, err);
    }
    return rc;
}

static cm_error_t read_other(const cm_kv_section_t *s, cm_prio_config_t *cfg, cm_error_info_t *err)
{
    if (strcmp(s->type, "demand") == 0) {
        return read_demand(s, cfg, err);
    }
    if (strcmp(s->type, "recycling") == 0) {
        static const char *const allowed[] = {"aggregate"};
        static const char *const agg[] = {"max", "mean"};
        cm_error_t rc = cm_kv_check_keys(s, allowed, 1, err);
        return rc == CM_OK ? get_word(s, "aggregate", agg, 2, &cfg->recycling_mean, err) : rc;
    }
    static const char *const allowed[] = {"first_year", "last_year", "include_projected"};
    cm_error_t rc = cm_kv_check_keys(s, allowed, 3, err);
    if (rc == CM_OK) {
        rc = get_year(s, "first_year", &cfg->urban_first_year, err);
    }
    if (rc == CM_OK) {
        rc = get_year(s, "last_year", &cfg->urban_last_year, err);
    }
    const cm_kv_entry_t *e = cm_kv_get(s, "include_projected");
    if (rc == CM_OK && e != NULL) {
        rc = cm_kv_entry_bool(s, e, &cfg->urban_projected, err);
    }
    if (rc == CM_OK && cfg->urban_last_year < cfg->urban_first_year) {
        rc = cm_error_set_at(err, CM_EPARSE, s->file, s->line, 1,
                             "expected [urban_mine] first_year (%d) <= last_year (%d)",
                             cfg->urban_first_year, cfg->urban_last_year);
    }
    return rc;
}

cm_error_t cm_prio_config_read(const char *path, cm_prio_config_t *out, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_kv_doc_t *doc = NULL;
    cm_prio_config_t cfg;
    memset(&cfg, 0, sizeof cfg);
    if (path == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_prio_config_read: NULL %s",
                            path == NULL ? "path" : "out");
    }
    memset(out, 0, sizeof *out);
    cfg.demand_processing = 1;
    cfg.demand_years = 1;
    cfg.demand_negative_zero = 1;
    cfg.urban_first_year = 1900;
    cfg.urban_last_year = 2200;
    CM_TRY(cm_kv_read_file(path, &doc, err));
    size_t ns = cm_kv_nsections(doc), ncrit = 0;
    for (size_t i = 0; i < ns; i++) {
        ncrit += strcmp(cm_kv_section_at(doc, i)->type, "criterion") == 0;
    }
    if (ncrit > 0) {
        cfg.items = cm_calloc(ncrit, sizeof *cfg.items);
        CM_NOMEM(cfg.items, err);
    }
    double wsum = 0.0;
    for (size_t i = 0; i < ns; i++) {
        const cm_kv_section_t *s = cm_kv_section_at(doc, i);
        if (strcmp(s->type, "criterion") == 0) {
            CM_TRY(read_criterion(s, &cfg.items[cfg.n], err));
            wsum += cfg.items[cfg.n++].weight;
        } else if ((strcmp(s->type, "demand") == 0 || strcmp(s->type, "recycling") == 0 ||
                    strcmp(s->type, "urban_mine") == 0) &&
                   s->name[0] == '\0') {
            CM_TRY(read_other(s, &cfg, err));
        } else {
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, path, s->line, 1,
                                    "expected a section [criterion NAME], [demand], [recycling] "
                                    "or [urban_mine], got [%s%s%s]",
                                    s->type, s->name[0] ? " " : "", s->name));
        }
    }
    if (cfg.n == 0) {
        CM_FAIL(cm_error_set_at(err, CM_EPARSE, path, 1, 1,
                                "expected at least one [criterion NAME] section, got none"));
    }
    if (!(wsum > 0.0)) {
        CM_FAIL(cm_error_set_at(err, CM_EPARSE, path, cfg.items[0].line, 1,
                                "expected at least one positive weight, got every weight 0"));
    }
    *out = cfg;
    memset(&cfg, 0, sizeof cfg);
cleanup:
    cm_prio_config_destroy(&cfg);
    cm_kv_free(doc);
    return rc;
}

cm_error_t cm_prio_config_set_weights(cm_prio_config_t *cfg, const char *spec, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    double *w = NULL;
    char *copy = NULL;
    if (cfg == NULL || spec == NULL || cfg->n == 0) {
        return cm_error_set(err, CM_EINVAL, "cm_prio_config_set_weights: %s",
                            spec == NULL ? "NULL spec" : "no criteria");
    }
    w = cm_malloc_array(cfg->n, sizeof *w);
    CM_NOMEM(w, err);
    copy = cm_strdup(spec);
    CM_NOMEM(copy, err);
    for (size_t i = 0; i < cfg->n; i++) {
        w[i] = cfg->items[i].weight;
    }
    char *save = NULL;
    for (char *item = strtok_r(copy, ",", &save); item != NULL; item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        if (eq == NULL) {
            CM_FAIL(
                cm_error_set(err, CM_EINVAL, "--weights: expected name=weight, got '%s'", item));
        }
        *eq = '\0';
        char *name = item, *val = eq + 1;
        while (*name == ' ') {
            name++;
        }
        for (size_t len = strlen(name); len > 0 && name[len - 1] == ' '; len--) {
            name[len - 1] = '\0';
        }
        size_t k = 0;
        while (k < cfg->n && strcmp(cfg->items[k].name, name) != 0) {
            k++;
        }
        if (k == cfg->n) {
            char list[512] = "";
            for (size_t i = 0; i < cfg->n; i++) {
                size_t len = strlen(list);
                snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "", cfg->items[i].name);
            }
            CM_FAIL(cm_error_set(err, CM_EINVAL,
                                 "--weights: expected a criterion among %s, got '%s'", list, name));
        }
        char *end = NULL;
        errno = 0;
        double v = cm_i_strtod_c(val, &end);
        while (end != NULL && *end == ' ') {
            end++;
        }
        if (end == val || end == NULL || *end != '\0' || errno == ERANGE || !isfinite(v) ||
            v < 0.0) {
            CM_FAIL(cm_error_set(
                err, CM_EINVAL, "--weights: expected a number >= 0 for '%s', got '%s'", name, val));
        }
        w[k] = v;
    }
    double sum = 0.0;
    for (size_t i = 0; i < cfg->n; i++) {
        sum += w[i];
    }
    if (!(sum > 0.0)) {
        CM_FAIL(cm_error_set(err, CM_EINVAL,
                             "--weights: expected at least one positive weight, got all 0"));
    }
    for (size_t i = 0; i < cfg->n; i++) {
        cfg->items[i].weight = w[i];
    }
cleanup:
    cm_free(copy);
    cm_free(w);
    return rc;
}

/* --- the ranking ---------------------------------------------------------------------------- */

void cm_prio_result_destroy(cm_prio_result_t *r)
{
    if (r == NULL) {
        return;
    }
    for (size_t i = 0; i < r->n && r->rows != NULL; i++) {
        cm_free(r->rows[i].material);
    }
    cm_free(r->rows);
    cm_free(r->lo);
    cm_free(r->hi);
    cm_free(r->store_);
    cm_free(r->mstore_);
    memset(r, 0, sizeof *r);
}

/* The value a criterion is normalised on (log-minmax: log10(x + offset)). */
static double transformed(const cm_prio_criterion_t *c, double x)
{
    return c->norm == CM_PRIO_NORM_LOG_MINMAX ? log10(x + c->log_offset) : x;
}

/* Normalised value of x (benefit direction) given the range [lo, hi] of the transformed
 * values, or for rank the \p n values \p vals of the domain. */
static double normalise(const cm_prio_criterion_t *c, double x, double lo, double hi,
                        const double *vals, size_t n)
{
    double t = transformed(c, x), v;
    switch (c->norm) {
    case CM_PRIO_NORM_MAX:
        v = hi > 0.0 ? x / hi : 1.0;
        break;
    case CM_PRIO_NORM_RANK: {
        size_t below = 0, equal = 0;
        for (size_t i = 0; i < n; i++) {
            below += vals[i] < x;
            equal += vals[i] == x;
        }
        v = n > 1 ? ((double)below + 0.5 * (double)(equal - 1)) / (double)(n - 1) : 1.0;
        break;
    }
    case CM_PRIO_NORM_TARGET:
        if (c->target > c->threshold) {
            v = (x - c->threshold) / (c->target - c->threshold);
            v = v < 0.0 ? 0.0 : v > 1.0 ? 1.0 : v;
        } else {
            v = x >= c->target ? 1.0 : 0.0;
        }
        break;
    default: /* minmax, log-minmax */
        v = hi > lo ? (t - lo) / (hi - lo) : 1.0;
        break;
    }
    return c->cost ? 1.0 - v : v;
}

static int cmp_rows(const void *a, const void *b)
{
    const cm_prio_row_t *x = a, *y = b;
    int rx = x->rank > 0, ry = y->rank > 0;
    if (rx != ry) {
        return ry - rx;
    }
    if (rx && x->score != y->score) {
        return x->score > y->score ? -1 : 1;
    }
    return strcmp(x->material, y->material);
}

static cm_error_t check_inputs(const cm_prio_config_t *cfg, size_t nmat,
                               const char *const *materials, const cm_real_t *raw,
                               cm_error_info_t *err)
{
    double wsum = 0.0;
    for (size_t c = 0; c < cfg->n; c++) {
        if (!(cfg->items[c].weight >= 0.0) || !isfinite(cfg->items[c].weight)) {
            return cm_error_set(err, CM_EINVAL, "criterion '%s': expected a weight >= 0, got %g",
                                cfg->items[c].name, cfg->items[c].weight);
        }
        wsum += cfg->items[c].weight;
    }
    if (!(wsum > 0.0)) {
        return cm_error_set(err, CM_EINVAL, "expected at least one positive weight, got all 0");
    }
    for (size_t m = 0; m < nmat; m++) {
        if (materials[m] == NULL) {
            return cm_error_set(err, CM_EINVAL, "material %zu: NULL name", m);
        }
        for (size_t k = 0; k < m; k++) {
            if (strcmp(materials[k], materials[m]) == 0) {
                return cm_error_set(err, CM_EINVAL, "material '%s' given twice", materials[m]);
            }
        }
        for (size_t c = 0; c < cfg->n; c++) {
            const cm_prio_criterion_t *cr = &cfg->items[c];
            double x = raw[m * cfg->n + c];
            if (isnan(x)) {
                continue;
            }
            if (!isfinite(x)) {
                return cm_error_set(err, CM_EINVAL,
                                    "criterion '%s', material '%s': expected "
                                    "a finite value, got %g",
                                    cr->name, materials[m], x);
            }
            if (cr->norm == CM_PRIO_NORM_MAX && x < 0.0) {
                return cm_error_set(err, CM_EINVAL,
                                    "criterion '%s' (normalisation max), "
                                    "material '%s': expected a value >= 0, got %g",
                                    cr->name, materials[m], x);
            }
            if (cr->norm == CM_PRIO_NORM_LOG_MINMAX && !(x + cr->log_offset > 0.0)) {
                return cm_error_set(err, CM_EINVAL,
                                    "criterion '%s' (log-minmax), material '%s':"
                                    " expected value + log_offset (%g) > 0, got %g",
                                    cr->name, materials[m], cr->log_offset, x);
            }
        }
    }
    return CM_OK;
}

cm_error_t cm_prio_compute(const cm_prio_config_t *cfg, size_t nmat, const char *const *materials,
                           const cm_real_t *raw, cm_prio_result_t *out, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_prio_result_t r;
    double *dom = NULL;
    memset(&r, 0, sizeof r);
    if (cfg == NULL || materials == NULL || raw == NULL || out == NULL || nmat == 0 ||
        cfg->n == 0) {
        return cm_error_set(err, CM_EINVAL, "cm_prio_compute: %s",
                            nmat == 0 ? "no materials" : "NULL argument or no criteria");
    }
    memset(out, 0, sizeof *out);
    CM_TRY(check_inputs(cfg, nmat, materials, raw, err));
    size_t nc = cfg->n;
    if (nmat > SIZE_MAX / 4 / nc) {
        CM_FAIL(cm_error_set(err, CM_EOVERFLOW, "cm_prio_compute: %zu x %zu too large", nmat, nc));
    }
    r.n = nmat;
    r.ncrit = nc;
    r.rows = cm_calloc(nmat, sizeof *r.rows);
    CM_NOMEM(r.rows, err);
    r.store_ = cm_malloc_array(nmat * nc * 4, sizeof *r.store_);
    CM_NOMEM(r.store_, err);
    r.mstore_ = cm_calloc(nmat * nc, sizeof *r.mstore_);
    CM_NOMEM(r.mstore_, err);
    r.lo = cm_malloc_array(nc, sizeof *r.lo);
    CM_NOMEM(r.lo, err);
    r.hi = cm_malloc_array(nc, sizeof *r.hi);
    CM_NOMEM(r.hi, err);
    dom = cm_malloc_array(nmat, sizeof *dom);
    CM_NOMEM(dom, err);
    for (size_t c = 0; c < nc; c++) {
        r.weight_sum += cfg->items[c].weight;
    }
    /* rows, raw values, exclude-material */
    for (size_t m = 0; m < nmat; m++) {
        cm_prio_row_t *row = &r.rows[m];
        row->material = cm_strdup(materials[m]);
        CM_NOMEM(row->material, err);
        row->raw = r.store_ + (m * 4 + 0) * nc;
        row->norm = r.store_ + (m * 4 + 1) * nc;
        row->weight = r.store_ + (m * 4 + 2) * nc;
        row->contrib = r.store_ + (m * 4 + 3) * nc;
        row->missing = r.mstore_ + m * nc;
        row->excluded_by = -1;
        row->rank = 1; /* provisional: ranked */
        for (size_t c = 0; c < nc; c++) {
            row->raw[c] = raw[m * nc + c];
            row->norm[c] = NAN;
            row->weight[c] = 0.0;
            row->contrib[c] = 0.0;
            row->missing[c] = isnan(row->raw[c]);
            row->n_missing += (size_t)row->missing[c];
            if (row->missing[c] && row->excluded_by == -1 && cfg->items[c].weight > 0.0 &&
                cfg->items[c].missing == CM_PRIO_MISSING_EXCLUDE_MATERIAL) {
                row->excluded_by = (ptrdiff_t)c;
                row->rank = 0;
            }
        }
    }
    /* the normalisation domain of each criterion: ranked materials with a value */
    for (size_t c = 0; c < nc; c++) {
        const cm_prio_criterion_t *cr = &cfg->items[c];
        size_t nd = 0;
        double lo = INFINITY, hi = -INFINITY;
        for (size_t m = 0; m < nmat; m++) {
            if (r.rows[m].rank > 0 && !r.rows[m].missing[c]) {
                double t = transformed(cr, r.rows[m].raw[c]);
                dom[nd++] = r.rows[m].raw[c];
                lo = t < lo ? t : lo;
                hi = t > hi ? t : hi;
            }
        }
        r.lo[c] = nd > 0 ? lo : NAN;
        r.hi[c] = nd > 0 ? hi : NAN;
        for (size_t m = 0; m < nmat; m++) {
            if (r.rows[m].rank > 0) {
                r.rows[m].norm[c] = r.rows[m].missing[c]
                                        ? (cr->missing == CM_PRIO_MISSING_ZERO ? 0.0 : NAN)
                                        : normalise(cr, r.rows[m].raw[c], lo, hi, dom, nd);
            }
        }
    }
    /* weights, contributions, scores */
    for (size_t m = 0; m < nmat; m++) {
        cm_prio_row_t *row = &r.rows[m];
        row->score = NAN;
        if (row->rank == 0) {
            continue;
        }
        double kept = 0.0;
        for (size_t c = 0; c < nc; c++) {
            kept += isnan(row->norm[c]) ? 0.0 : cfg->items[c].weight;
        }
        if (!(kept > 0.0)) {
            row->rank = 0;
            row->excluded_by = -2;
            continue;
        }
        double scale = r.weight_sum / kept;
        row->score = 0.0;
        for (size_t c = 0; c < nc; c++) {
            if (!isnan(row->norm[c])) {
                row->weight[c] = cfg->items[c].weight * scale;
                row->contrib[c] = row->weight[c] * row->norm[c];
                row->score += row->contrib[c];
            }
        }
    }
    qsort(r.rows, nmat, sizeof *r.rows, cmp_rows);
    for (size_t m = 0; m < nmat; m++) {
        if (r.rows[m].rank > 0) {
            r.rows[m].rank = (int)++r.n_ranked;
        }
    }
    *out = r;
    memset(&r, 0, sizeof r);
cleanup:
    cm_free(dom);
    cm_prio_result_destroy(&r);
    return rc;
}

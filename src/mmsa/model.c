/* MMSA model file: [model], [layer], [group] (docs/mmsa.md). Inflows, lifetimes, recovery and
 * Monte Carlo settings are read in model_flows.c. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cambium/cm_alloc.h"
#include "cambium/cm_csv.h"
#include "cambium/cm_kv.h"
#include "cambium/cm_units.h"
#include "../core/cm_internal.h"
#include "mmsa_internal.h"
#include "mmsa_load.h"

cm_error_t cm_i_mmsa_at(cm_error_info_t *err, cm_error_t code, const cm_kv_section_t *s,
                        const cm_kv_entry_t *e, const char *fmt, ...)
{
    char msg[CM_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return cm_error_set_at(err, code, s->file, e != NULL ? e->line : s->line,
                           e != NULL ? e->value_column : 1, "%s", msg);
}

int cm_i_mmsa_find(char *const *names, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(names[i], name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

int cm_i_mmsa_num(const char *text, double *out)
{
    cm_num_t v;
    if (text == NULL || text[0] == '\0') {
        *out = NAN;
        return 1;
    }
    if (cm_num_parse(text, NULL, &v, NULL) != CM_OK || !isfinite(v.value)) {
        return 0;
    }
    *out = v.value;
    return 1;
}

void cm_i_mmsa_free_names(char **v, size_t n)
{
    if (v != NULL) {
        for (size_t i = 0; i < n; i++) {
            cm_free(v[i]);
        }
        cm_free(v);
    }
}

/* "a, b, c" -> new strings (empty entries rejected, duplicates rejected). */
cm_error_t cm_i_mmsa_list(const cm_kv_section_t *s, const cm_kv_entry_t *e, char ***out,
                          size_t *n, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    char **v = NULL;
    size_t k = 0, cap = 1;
    for (const char *p = e->value; *p != '\0'; p++) {
        cap += *p == ',';
    }
    v = cm_calloc(cap, sizeof *v);
    CM_NOMEM(v, err);
    const char *p = e->value;
    for (;;) {
        const char *q = strchr(p, ',');
        size_t len = q != NULL ? (size_t)(q - p) : strlen(p);
        while (len > 0 && (*p == ' ' || *p == '\t')) {
            p++;
            len--;
        }
        while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t')) {
            len--;
        }
        if (len == 0) {
            CM_FAIL(cm_i_mmsa_at(err, CM_EPARSE, s, e, "%s: expected a comma-separated list of "
                                 "names, got an empty entry in '%s'", e->key, e->value));
        }
        v[k] = cm_strndup(p, len);
        CM_NOMEM(v[k], err);
        if (cm_i_mmsa_find(v, k, v[k]) >= 0) {
            CM_FAIL(cm_i_mmsa_at(err, CM_EPARSE, s, e, "%s: '%s' is listed twice", e->key,
                                 v[k]));
        }
        k++;
        if (q == NULL) {
            break;
        }
        p = q + 1;
    }
    *out = v;
    *n = k;
    v = NULL;
cleanup:
    cm_i_mmsa_free_names(v, k);
    return rc;
}

cm_error_t cm_i_mmsa_years(const cm_kv_section_t *s, const cm_kv_entry_t *e, cm_int_t *a,
                           cm_int_t *b, cm_error_info_t *err)
{
    long x = 0, y = 0;
    int used = 0;
    if (sscanf(e->value, "%ld-%ld%n", &x, &y, &used) != 2 || e->value[used] != '\0' ||
        x < 1000 || y > 3000 || x > y) {
        return cm_i_mmsa_at(err, CM_EPARSE, s, e, "%s: expected a range of years such as "
                            "2000-2050, got '%s'", e->key, e->value);
    }
    *a = x;
    *b = y;
    return CM_OK;
}

cm_error_t cm_i_mmsa_year(const cm_mmsa_model_t *m, const cm_kv_section_t *s, const char *key,
                          cm_int_t dflt, cm_int_t *out, cm_error_info_t *err)
{
    const cm_kv_entry_t *e = cm_kv_get(s, key);
    cm_int_t v = dflt;
    if (e != NULL) {
        CM_TRY_RETURN(cm_kv_entry_int(s, e, &v, err));
        if (v < m->t0 || v >= m->t0 + (cm_int_t)m->T) {
            return cm_i_mmsa_at(err, CM_EPARSE, s, e, "%s: year %lld outside the model's years "
                                "%lld-%lld", key, (long long)v, (long long)m->t0,
                                (long long)(m->t0 + (cm_int_t)m->T - 1));
        }
    }
    *out = v;
    return CM_OK;
}

/* The path of a data file named by key `key` of section s, relative to the model's folder. */
cm_error_t cm_i_mmsa_path(const char *dir, const cm_kv_section_t *s, const char *key,
                          char *buf, size_t n, const cm_kv_entry_t **entry, cm_error_info_t *err)
{
    const cm_kv_entry_t *e = cm_kv_get(s, key);
    if (e == NULL) {
        return cm_i_mmsa_at(err, CM_EPARSE, s, NULL, "[%s %s]: missing key '%s'", s->type,
                            s->name, key);
    }
    int len = e->value[0] == '/' ? snprintf(buf, n, "%s", e->value)
                                 : snprintf(buf, n, "%s%s", dir, e->value);
    if (len < 0 || (size_t)len >= n) {
        return cm_i_mmsa_at(err, CM_EPARSE, s, e, "%s: path too long", key);
    }
    if (entry != NULL) {
        *entry = e;
    }
    return CM_OK;
}

cm_error_t cm_i_mmsa_table(const char *dir, const cm_kv_section_t *s, const char *key,
                           cm_table_t *t, cm_error_info_t *err)
{
    char path[4096];
    const cm_kv_entry_t *e = NULL;
    cm_csv_options_t opt;
    CM_TRY_RETURN(cm_i_mmsa_path(dir, s, key, path, sizeof path, &e, err));
    cm_csv_options_default(&opt);
    cm_error_t rc = cm_table_read(t, path, &opt, 1, err);
    if (rc == CM_EFILE) {
        char msg[CM_ERROR_MSG_MAX];
        snprintf(msg, sizeof msg, "%s", err != NULL ? err->message : "");
        return cm_i_mmsa_at(err, CM_EFILE, s, e, "cannot read the data file '%s' named by '%s': "
                            "%s", path, key, msg);
    }
    return rc;
}

/* Column named by key (or the default name when the key is absent; NULL default: required). */
cm_error_t cm_i_mmsa_col(const cm_table_t *t, const cm_kv_section_t *s, const char *key,
                         const char *dflt, int optional, cm_int_t *col, cm_error_info_t *err)
{
    const cm_kv_entry_t *e = cm_kv_get(s, key);
    const char *name = e != NULL ? e->value : dflt;
    *col = -1;
    if (name == NULL) {
        if (optional) {
            return CM_OK;
        }
        return cm_i_mmsa_at(err, CM_EPARSE, s, NULL, "[%s %s]: missing key '%s'", s->type,
                            s->name, key);
    }
    *col = cm_table_col(t, name);
    if (*col < 0) {
        return cm_i_mmsa_at(err, CM_ENOTFOUND, s, e, "%s: no column '%s' in %s", key, name,
                            t->name);
    }
    return CM_OK;
}

/* A row cell that names an item of names[0..n-1]: its index, or a parse error at the cell. */
cm_error_t cm_i_mmsa_cell_item(const cm_table_t *t, size_t r, cm_int_t col, char *const *names,
                               size_t n, const char *what, int *out, cm_error_info_t *err)
{
    const char *v = cm_table_cell(t, r, (size_t)col);
    *out = cm_i_mmsa_find(names, n, v);
    if (*out < 0) {
        return cm_error_set_at(err, CM_EPARSE, t->name, t->line[r], col + 1,
                               "undefined %s '%s' (not defined in the model file)", what, v);
    }
    return CM_OK;
}

/* Look up an item by name in layer l; -1 if absent. */
static int layer_item(const cm_mmsa_model_t *m, int l, const char *name)
{
    if (m->layer[l].kind == MM_ROOT) {
        return cm_i_mmsa_find(m->tech, m->ntech, name);
    }
    int i = cm_i_mmsa_find(m->item + m->layer[l].first, m->layer[l].n, name);
    return i;
}

static cm_error_t add_items(cm_mmsa_model_t *m, int l, char **names, size_t n,
                            cm_error_info_t *err)
{
    char **it = cm_realloc_array(m->item, m->nitem + n, sizeof *it);
    if (it == NULL) {
        return cm_error_set(err, CM_ENOMEM, "out of memory");
    }
    m->item = it;
    int *il = cm_realloc_array(m->item_layer, m->nitem + n, sizeof *il);
    if (il == NULL) {
        return cm_error_set(err, CM_ENOMEM, "out of memory");
    }
    m->item_layer = il;
    m->layer[l].first = m->nitem;
    m->layer[l].n = n;
    for (size_t i = 0; i < n; i++) {
        m->item[m->nitem] = names[i];
        m->item_layer[m->nitem++] = l;
        names[i] = NULL;
    }
    return CM_OK;
}

static cm_error_t push_row(cm_mmsa_model_t *m, const mm_row_t *r, size_t *cap,
                           cm_error_info_t *err)
{
    if (m->nrow == *cap) {
        size_t nc = *cap ? 2 * *cap : 64;
        mm_row_t *v = cm_realloc_array(m->row, nc, sizeof *v);
        if (v == NULL) {
            return cm_error_set(err, CM_ENOMEM, "out of memory");
        }
        m->row = v;
        *cap = nc;
    }
    m->row[m->nrow++] = *r;
    return CM_OK;
}

/* The rows of a per-MW or fraction layer's data file. */
static cm_error_t layer_rows(cm_mmsa_model_t *m, const char *dir, const cm_kv_section_t *s,
                             int l, size_t *cap, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_table_t t = CM_TABLE_NULL;
    const mm_layer_t *L = &m->layer[l];
    const mm_layer_t *F = &m->layer[L->from];
    cm_int_t ctech, cfrom, cto, cval, clo, chi, cc0, cc1, csite;
    const cm_kv_entry_t *ue = cm_kv_get(s, "unit");
    double factor = 1.0;
    cm_error_info_t uerr;
    if (ue == NULL) {
        CM_FAIL(cm_i_mmsa_at(err, CM_EPARSE, s, NULL, "[layer %s]: missing key 'unit' (%s)",
                             s->name, L->kind == MM_PERMW ? "mass per MW, e.g. kg/MW"
                                                          : "mass per mass, e.g. kg/kg"));
    }
    if (cm_unit_factor_str(ue->value, L->kind == MM_PERMW ? "kg/MW" : "1", &factor, &uerr) !=
        CM_OK) {
        CM_FAIL(cm_i_mmsa_at(err, CM_EUNIT, s, ue, "unit: %s (expected %s)", uerr.message,
                             L->kind == MM_PERMW ? "mass per MW, e.g. kg/MW"
                                                 : "mass per mass, e.g. kg/kg"));
    }
    CM_TRY(cm_i_mmsa_table(dir, s, "file", &t, err));
    CM_TRY(cm_i_mmsa_col(&t, s, "from_column", NULL, 0, &cfrom, err));
    CM_TRY(cm_i_mmsa_col(&t, s, "to_column", NULL, 0, &cto, err));
    CM_TRY(cm_i_mmsa_col(&t, s, "value_column", NULL, 0, &cval, err));
    CM_TRY(cm_i_mmsa_col(&t, s, "technology_column", NULL, 1, &ctech, err));
    CM_TRY(cm_i_mmsa_col(&t, s, "low_column", NULL, 1, &clo, err));
    CM_TRY(cm_i_mmsa_col(&t, s, "high_column", NULL, 1, &chi, err));
    CM_TRY(cm_i_mmsa_col(&t, s, "cohort_from_column", NULL, 1, &cc0, err));
    CM_TRY(cm_i_mmsa_col(&t, s, "cohort_to_column", NULL, 1, &cc1, err));
    CM_TRY(cm_i_mmsa_col(&t, s, "site_column", NULL, 1, &csite, err));
    for (size_t r = 0; r < t.nrows; r++) {
        mm_row_t row = {l, -1, 0, 0, INT64_MIN, INT64_MAX, 0, 0, 0, -1};
        int k = -1;
        const char *sv = csite >= 0 ? cm_table_cell(&t, r, (size_t)csite) : "";
        if (sv[0] != '\0' && strcmp(sv, "all") != 0) {
            row.site = cm_i_mmsa_find(m->site, m->nsite, sv);
            if (row.site < 0) {
                CM_FAIL(cm_error_set_at(err, CM_EPARSE, t.name, t.line[r], csite + 1,
                                        "undefined site '%s' (expected 'all', empty or a site "
                                        "of [model] sites)", sv));
            }
        }
        const char *fv = cm_table_cell(&t, r, (size_t)cfrom);
        int fi = layer_item(m, L->from, fv);
        if (fi < 0) {
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, t.name, t.line[r], cfrom + 1,
                                    "undefined item '%s' of layer '%s' (defined in the model "
                                    "file: [layer %s])", fv, F->name, F->name));
        }
        if (F->kind == MM_ROOT) {
            row.tech = fi;
        } else {
            row.from = F->first + (size_t)fi;
            if (ctech >= 0) {
                CM_TRY(cm_i_mmsa_cell_item(&t, r, ctech, m->tech, m->ntech, "technology", &k,
                                           err));
                row.tech = k;
            } else if (L->kind == MM_PERMW) {
                CM_FAIL(cm_i_mmsa_at(err, CM_EPARSE, s, NULL, "[layer %s]: per-MW rows need "
                                     "'technology_column'", s->name));
            }
        }
        const char *tv = cm_table_cell(&t, r, (size_t)cto);
        int ti = layer_item(m, l, tv);
        if (ti < 0) {
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, t.name, t.line[r], cto + 1,
                                    "undefined item '%s' of layer '%s' (defined in the model "
                                    "file: [layer %s])", tv, L->name, L->name));
        }
        row.to = L->first + (size_t)ti;
        if (!cm_i_mmsa_num(cm_table_cell(&t, r, (size_t)cval), &row.v) || !(row.v >= 0)) {
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, t.name, t.line[r], cval + 1,
                                    "expected a number >= 0, got '%s'",
                                    cm_table_cell(&t, r, (size_t)cval)));
        }
        row.lo = row.hi = row.v;
        if ((clo >= 0 && !cm_i_mmsa_num(cm_table_cell(&t, r, (size_t)clo), &row.lo)) ||
            (chi >= 0 && !cm_i_mmsa_num(cm_table_cell(&t, r, (size_t)chi), &row.hi))) {
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, t.name, t.line[r], 0,
                                    "low/high: expected numbers or empty cells"));
        }
        row.lo = isnan(row.lo) ? row.v : row.lo;
        row.hi = isnan(row.hi) ? row.v : row.hi;
        if (!(row.lo <= row.v && row.v <= row.hi && row.lo >= 0)) {
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, t.name, t.line[r], cval + 1,
                                    "expected 0 <= low <= value <= high, got %.17g, %.17g, "
                                    "%.17g", row.lo, row.v, row.hi));
        }
        for (int j = 0; j < 2; j++) {
            cm_int_t c = j == 0 ? cc0 : cc1;
            double y = NAN;
            if (c < 0) {
                continue;
            }
            if (!cm_i_mmsa_num(cm_table_cell(&t, r, (size_t)c), &y) || y != floor(y)) {
                CM_FAIL(cm_error_set_at(err, CM_EPARSE, t.name, t.line[r], c + 1,
                                        "expected a cohort year, got '%s'",
                                        cm_table_cell(&t, r, (size_t)c)));
            }
            if (!isnan(y)) {
                *(j == 0 ? &row.c0 : &row.c1) = (cm_int_t)y;
            }
        }
        row.v *= factor;
        row.lo *= factor;
        row.hi *= factor;
        CM_TRY(push_row(m, &row, cap, err));
    }
cleanup:
    cm_table_destroy(&t);
    return rc;
}

static cm_error_t read_model_section(cm_mmsa_model_t *m, const cm_kv_doc_t *doc,
                                     const char *file, cm_error_info_t *err)
{
    static const char *const keys[] = {"name", "years", "unit", "mass_unit", "sites",
                                       "report_from", "sankey_year", "cohort_year", "source"};
    const cm_kv_section_t *s = cm_kv_find_section(doc, "model", NULL);
    const cm_kv_entry_t *e;
    const char *v = NULL;
    cm_int_t a, b;
    cm_error_info_t uerr;
    double f;
    if (s == NULL) {
        return cm_error_set_at(err, CM_EPARSE, file, 1, 1, "expected a [model] section");
    }
    CM_TRY_RETURN(cm_kv_check_keys(s, keys, sizeof keys / sizeof *keys, err));
    CM_TRY_RETURN(cm_kv_get_string(s, "name", &v, err));
    m->name = cm_strdup(v);
    if (m->name == NULL) {
        return cm_error_set(err, CM_ENOMEM, "out of memory");
    }
    e = cm_kv_get(s, "years");
    if (e == NULL) {
        return cm_i_mmsa_at(err, CM_EPARSE, s, NULL, "[model]: missing key 'years'");
    }
    CM_TRY_RETURN(cm_i_mmsa_years(s, e, &a, &b, err));
    m->t0 = a;
    m->T = (size_t)(b - a + 1);
    e = cm_kv_get(s, "unit");
    if (e == NULL || cm_unit_factor_str(e->value, "MW", &f, &uerr) != CM_OK || f != 1.0) {
        return cm_i_mmsa_at(err, e == NULL ? CM_EPARSE : CM_EUNIT, s, e,
                            "unit: expected the capacity unit MW, got '%s'%s%s",
                            e != NULL ? e->value : "", e != NULL && uerr.message[0] ? ": " : "",
                            e != NULL ? uerr.message : "");
    }
    e = cm_kv_get(s, "mass_unit");
    m->mass_unit = cm_strdup(e != NULL ? e->value : "t");
    if (m->mass_unit == NULL) {
        return cm_error_set(err, CM_ENOMEM, "out of memory");
    }
    if (cm_unit_factor_str("kg", m->mass_unit, &m->per_kg, &uerr) != CM_OK) {
        return cm_i_mmsa_at(err, CM_EUNIT, s, e, "mass_unit: %s (expected a mass unit such as "
                            "kg, t or kt)", uerr.message);
    }
    e = cm_kv_get(s, "sites");
    if (e != NULL) {
        CM_TRY_RETURN(cm_i_mmsa_list(s, e, &m->site, &m->nsite, err));
    } else {
        m->site = cm_calloc(1, sizeof *m->site);
        if (m->site == NULL || (m->site[0] = cm_strdup("all")) == NULL) {
            return cm_error_set(err, CM_ENOMEM, "out of memory");
        }
        m->nsite = 1;
    }
    cm_int_t last = m->t0 + (cm_int_t)m->T - 1;
    CM_TRY_RETURN(cm_i_mmsa_year(m, s, "report_from", m->t0, &m->report_from, err));
    CM_TRY_RETURN(cm_i_mmsa_year(m, s, "sankey_year", last, &m->sankey_year, err));
    CM_TRY_RETURN(cm_i_mmsa_year(m, s, "cohort_year", last, &m->cohort_year, err));
    return CM_OK;
}

static cm_error_t read_layers(cm_mmsa_model_t *m, const cm_kv_doc_t *doc, const char *dir,
                              cm_error_info_t *err)
{
    static const char *const keys[] = {"from", "items", "file", "unit", "technology_column",
                                       "from_column", "to_column", "value_column", "low_column",
                                       "high_column", "cohort_from_column", "cohort_to_column",
                                       "site_column", "source"};
    cm_error_t rc = CM_OK;
    size_t nsec = cm_kv_nsections(doc), cap = 0, nlist = 0;
    char **list = NULL;
    for (size_t i = 0; i < nsec; i++) {
        const cm_kv_section_t *s = cm_kv_section_at(doc, i);
        m->nlayer += strcmp(s->type, "layer") == 0;
    }
    if (m->nlayer == 0) {
        CM_FAIL(cm_error_set_at(err, CM_EPARSE, cm_kv_section_at(doc, 0)->file, 1, 1,
                                "expected [layer NAME] sections (a root layer of technologies "
                                "without 'from', then layers with 'from')"));
    }
    m->layer = cm_calloc(m->nlayer, sizeof *m->layer);
    CM_NOMEM(m->layer, err);
    int nl = 0;
    for (size_t i = 0; i < nsec; i++) {
        const cm_kv_section_t *s = cm_kv_section_at(doc, i);
        if (strcmp(s->type, "layer") != 0) {
            continue;
        }
        mm_layer_t *L = &m->layer[nl];
        CM_TRY(cm_kv_check_keys(s, keys, sizeof keys / sizeof *keys, err));
        if (s->name[0] == '\0' || strcmp(s->name, "group") == 0) {
            CM_FAIL(cm_i_mmsa_at(err, CM_EPARSE, s, NULL, "[layer]: expected a layer name "
                                 "(not empty, not 'group')"));
        }
        L->name = cm_strdup(s->name);
        CM_NOMEM(L->name, err);
        const cm_kv_entry_t *fe = cm_kv_get(s, "from");
        const cm_kv_entry_t *ie = cm_kv_get(s, "items");
        if (ie == NULL) {
            CM_FAIL(cm_i_mmsa_at(err, CM_EPARSE, s, NULL, "[layer %s]: missing key 'items'",
                                 s->name));
        }
        CM_TRY(cm_i_mmsa_list(s, ie, &list, &nlist, err));
        L->from = -1;
        if (fe == NULL) {
            if (m->tech != NULL) {
                CM_FAIL(cm_i_mmsa_at(err, CM_EPARSE, s, NULL, "[layer %s]: only one root layer "
                                     "(without 'from') is allowed", s->name));
            }
            L->kind = MM_ROOT;
            m->tech = list;
            m->ntech = nlist;
            list = NULL;
            nlist = 0;
            nl++;
            continue;
        }
        for (int j = 0; j < nl; j++) {
            if (strcmp(m->layer[j].name, fe->value) == 0) {
                L->from = j;
            }
        }
        if (L->from < 0) {
            CM_FAIL(cm_i_mmsa_at(err, CM_EPARSE, s, fe, "from: undefined layer '%s' (a layer "
                                 "must be defined above the layers that use it)", fe->value));
        }
        const mm_layer_t *F = &m->layer[L->from];
        int has_file = cm_kv_get(s, "file") != NULL;
        if (!has_file) {
            if (F->kind != MM_ROOT) {
                CM_FAIL(cm_i_mmsa_at(err, CM_EPARSE, s, NULL, "[layer %s]: a layer without "
                                     "'file' (an aggregate) must come from the root layer",
                                     s->name));
            }
            L->kind = MM_AGG;
        } else {
            L->kind = F->kind == MM_ROOT || F->kind == MM_AGG ? MM_PERMW : MM_FRAC;
        }
        CM_TRY(add_items(m, nl, list, nlist, err));
        cm_i_mmsa_free_names(list, nlist);
        list = NULL;
        nlist = 0;
        nl++;
        if (has_file) {
            CM_TRY(layer_rows(m, dir, s, nl - 1, &cap, err));
        }
    }
    if (m->tech == NULL) {
        CM_FAIL(cm_error_set_at(err, CM_EPARSE, cm_kv_section_at(doc, 0)->file, 1, 1,
                                "expected a root [layer] of technologies (without 'from')"));
    }
    /* An aggregate layer needs a per-MW layer below it. */
    for (int l = 0; l < nl; l++) {
        int used = 0;
        for (int j = 0; j < nl; j++) {
            used |= m->layer[j].from == l;
        }
        if (m->layer[l].kind == MM_AGG && !used) {
            const cm_kv_section_t *s = cm_kv_find_section(doc, "layer", m->layer[l].name);
            CM_FAIL(cm_i_mmsa_at(err, CM_EPARSE, s, NULL, "[layer %s]: an aggregate layer "
                                 "(without 'file') must be the 'from' of a layer with a file",
                                 s->name));
        }
    }
cleanup:
    cm_i_mmsa_free_names(list, nlist);
    return rc;
}

static cm_error_t read_groups(cm_mmsa_model_t *m, const cm_kv_doc_t *doc, cm_error_info_t *err)
{
    static const char *const keys[] = {"layer", "items", "source"};
    cm_error_t rc = CM_OK;
    char **list = NULL;
    size_t nlist = 0;
    for (size_t i = 0; i < cm_kv_nsections(doc); i++) {
        const cm_kv_section_t *s = cm_kv_section_at(doc, i);
        if (strcmp(s->type, "group") != 0) {
            continue;
        }
        CM_TRY(cm_kv_check_keys(s, keys, sizeof keys / sizeof *keys, err));
        const cm_kv_entry_t *le = cm_kv_get(s, "layer"), *ie = cm_kv_get(s, "items");
        if (le == NULL || ie == NULL || s->name[0] == '\0') {
            CM_FAIL(cm_i_mmsa_at(err, CM_EPARSE, s, NULL, "[group NAME]: expected a name and "
                                 "the keys 'layer' and 'items'"));
        }
        int l = -1;
        for (size_t j = 0; j < m->nlayer; j++) {
            if (strcmp(m->layer[j].name, le->value) == 0 && m->layer[j].kind != MM_ROOT &&
                m->layer[j].kind != MM_GROUP) {
                l = (int)j;
            }
        }
        if (l < 0) {
            CM_FAIL(cm_i_mmsa_at(err, CM_EPARSE, s, le, "layer: undefined layer '%s'",
                                 le->value));
        }
        CM_TRY(cm_i_mmsa_list(s, ie, &list, &nlist, err));
        size_t g = m->nitem;
        char *gname = cm_strdup(s->name);
        CM_NOMEM(gname, err);
        /* the group is an item of a pseudo-layer: reuse the root slot convention via -1 */
        char **it = cm_realloc_array(m->item, m->nitem + 1, sizeof *it);
        if (it == NULL) {
            cm_free(gname);
            CM_NOMEM(NULL, err);
        }
        m->item = it;
        int *il = cm_realloc_array(m->item_layer, m->nitem + 1, sizeof *il);
        if (il == NULL) {
            cm_free(gname);
            CM_NOMEM(NULL, err);
        }
        m->item_layer = il;
        m->item[m->nitem] = gname;
        m->item_layer[m->nitem++] = -1 - l;
        mm_member_t *mv = cm_realloc_array(m->member, m->nmember + nlist, sizeof *mv);
        CM_NOMEM(mv, err);
        m->member = mv;
        for (size_t j = 0; j < nlist; j++) {
            int it_i = layer_item(m, l, list[j]);
            if (it_i < 0) {
                CM_FAIL(cm_i_mmsa_at(err, CM_EPARSE, s, ie, "items: undefined item '%s' of "
                                     "layer '%s'", list[j], le->value));
            }
            m->member[m->nmember].group = g;
            m->member[m->nmember++].member = m->layer[l].first + (size_t)it_i;
        }
        cm_i_mmsa_free_names(list, nlist);
        list = NULL;
        nlist = 0;
    }
cleanup:
    cm_i_mmsa_free_names(list, nlist);
    return rc;
}

void cm_mmsa_model_free(cm_mmsa_model_t *m)
{
    if (m == NULL) {
        return;
    }
    cm_free(m->name);
    cm_free(m->mass_unit);
    cm_i_mmsa_free_names(m->tech, m->ntech);
    cm_i_mmsa_free_names(m->site, m->nsite);
    for (size_t l = 0; m->layer != NULL && l < m->nlayer; l++) {
        cm_free(m->layer[l].name);
    }
    cm_free(m->layer);
    cm_i_mmsa_free_names(m->item, m->nitem);
    cm_free(m->item_layer);
    cm_free(m->row);
    cm_free(m->member);
    cm_free(m->mw);
    cm_i_mmsa_free_names(m->scen, m->nscen);
    cm_free(m->life);
    cm_free(m->yield);
    cm_free(m);
}

cm_error_t cm_mmsa_model_load(const char *path, cm_mmsa_model_t **out, cm_error_info_t *err)
{
    static const char *const types[] = {"model", "layer", "group", "inflow", "projection",
                                        "lifetime", "recovery", "montecarlo"};
    cm_error_t rc = CM_OK;
    cm_kv_doc_t *doc = NULL;
    cm_mmsa_model_t *m = NULL;
    char dir[4096];
    if (path == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_mmsa_model_load: NULL argument");
    }
    *out = NULL;
    const char *slash = strrchr(path, '/');
    size_t dl = slash != NULL ? (size_t)(slash - path) + 1 : 0;
    if (dl >= sizeof dir) {
        return cm_error_set(err, CM_EINVAL, "model path too long");
    }
    memcpy(dir, path, dl);
    dir[dl] = '\0';
    CM_TRY(cm_kv_read_file(path, &doc, err));
    for (size_t i = 0; i < cm_kv_nsections(doc); i++) {
        const cm_kv_section_t *s = cm_kv_section_at(doc, i);
        int ok = 0;
        for (size_t j = 0; j < sizeof types / sizeof *types; j++) {
            ok |= strcmp(s->type, types[j]) == 0;
        }
        if (!ok) {
            CM_FAIL(cm_i_mmsa_at(err, CM_EPARSE, s, NULL, "unknown section [%s] (expected model, "
                                 "layer, group, inflow, projection, lifetime, recovery or "
                                 "montecarlo)", s->type));
        }
    }
    m = cm_calloc(1, sizeof *m);
    CM_NOMEM(m, err);
    m->rec_layer = -1;
    CM_TRY(read_model_section(m, doc, path, err));
    CM_TRY(read_layers(m, doc, dir, err));
    CM_TRY(read_groups(m, doc, err));
    CM_TRY(cm_i_mmsa_read_inflows(m, doc, dir, err));
    CM_TRY(cm_i_mmsa_read_lifetimes(m, doc, path, err));
    CM_TRY(cm_i_mmsa_read_recovery(m, doc, dir, err));
    CM_TRY(cm_i_mmsa_read_montecarlo(m, doc, err));
    *out = m;
    m = NULL;
cleanup:
    cm_mmsa_model_free(m);
    cm_kv_free(doc);
    return rc;
}

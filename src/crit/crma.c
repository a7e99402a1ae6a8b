/* The CRM Act 2024 critical and strategic lists (crma-lists importer) set against the EU
 * critical list (published and recomputed) and a Belgian one when given (docs/supply.md). */
#include "cambium/cm_supply.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cm_internal.h"

void cm_supply_crma_destroy(cm_supply_crma_t *crma)
{
    if (crma == NULL) {
        return;
    }
    cm_free(crma->items);
    memset(crma, 0, sizeof *crma);
}

static cm_error_t row_get(cm_supply_crma_t *t, const char *code, cm_supply_crma_row_t **out,
                          cm_error_info_t *err)
{
    for (size_t i = 0; i < t->n; i++) {
        if (strcmp(t->items[i].material, code) == 0) {
            *out = &t->items[i];
            return CM_OK;
        }
    }
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 48;
        cm_supply_crma_row_t *p = cm_realloc_array(t->items, cap, sizeof *p);
        if (p == NULL) {
            return cm_error_set(err, CM_ENOMEM, "out of memory");
        }
        t->items = p;
        t->cap = cap;
    }
    cm_supply_crma_row_t *r = &t->items[t->n++];
    memset(r, 0, sizeof *r);
    snprintf(r->material, sizeof r->material, "%s", code);
    r->crma_critical = r->crma_strategic = CM_SUPPLY_NO;
    r->eu_published = r->eu_computed = r->be_critical = CM_SUPPLY_UNKNOWN;
    r->sr = r->ei = NAN;
    *out = r;
    return CM_OK;
}

typedef struct load_ctx_t {
    cm_supply_crma_t *t;
    cm_error_info_t *err;
} load_ctx_t;

/* material, variable, value */
static cm_error_t load_row(int ncols, const char *const *names, const char *const *v, void *ud)
{
    load_ctx_t *c = ud;
    CM_UNUSED(ncols);
    CM_UNUSED(names);
    if (v[0] == NULL || v[1] == NULL || v[2] == NULL || strlen(v[0]) >= 48) {
        return CM_OK;
    }
    char *end = NULL;
    errno = 0;
    double x = strtod(v[2], &end);
    if (end == v[2] || *end != '\0') {
        return CM_OK;
    }
    cm_supply_crma_row_t *r = NULL;
    cm_error_t rc = row_get(c->t, v[0], &r, c->err);
    if (rc != CM_OK) {
        return rc;
    }
    int yes = x > 0.5 ? CM_SUPPLY_YES : CM_SUPPLY_NO;
    if (strcmp(v[1], "crma_critical") == 0) {
        r->crma_critical = yes;
    } else {
        r->crma_strategic = yes;
    }
    return CM_OK;
}

static int cmp_row(const void *a, const void *b)
{
    return strcmp(((const cm_supply_crma_row_t *)a)->material,
                  ((const cm_supply_crma_row_t *)b)->material);
}

cm_error_t cm_supply_crma_load(cm_store_t *store, cm_supply_crma_t *out, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    if (store == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_supply_crma_load: NULL argument");
    }
    cm_supply_crma_destroy(out);
    load_ctx_t c = {out, err};
    CM_TRY(cm_store_query(store,
                          "SELECT material, variable, value FROM observation "
                          "WHERE variable IN ('crma_critical', 'crma_strategic') "
                          "AND material IS NOT NULL "
                          "AND dataset_id = (SELECT MAX(id) FROM dataset WHERE kind = "
                          "'crma-lists') ORDER BY id",
                          load_row, &c, err));
    if (out->n == 0) {
        CM_FAIL(cm_error_set(err, CM_ENOTFOUND,
                             "no CRM Act lists in the store (import them with 'cambium import "
                             "crma-lists')"));
    }
    qsort(out->items, out->n, sizeof *out->items, cmp_row);
cleanup:
    if (rc != CM_OK) {
        cm_supply_crma_destroy(out);
    }
    return rc;
}

/* Published criticality at the thresholds of opt (published values are one-decimal). */
static int published_class(const cm_crit_material_t *m, const cm_crit_options_t *opt)
{
    if (isnan(m->published.sr) || isnan(m->published.ei)) {
        return CM_SUPPLY_UNKNOWN;
    }
    return (m->published.sr >= opt->sr_threshold - 1e-9 &&
            m->published.ei >= opt->ei_threshold - 1e-9)
               ? CM_SUPPLY_YES
               : CM_SUPPLY_NO;
}

static int computed_class(const cm_crit_result_t *r)
{
    if (isnan(r->sr) || isnan(r->ei)) {
        return CM_SUPPLY_UNKNOWN;
    }
    return r->critical ? CM_SUPPLY_YES : CM_SUPPLY_NO;
}

static ptrdiff_t match(const cm_crit_inputs_t *in, const char *code, const cm_class_t *materials)
{
    ptrdiff_t i = cm_crit_inputs_find(in, code);
    if (i < 0 && materials != NULL) {
        const char *parent = cm_class_parent(materials, code);
        if (parent != NULL) {
            i = cm_crit_inputs_find(in, parent);
        }
    }
    return i;
}

static void note_add(cm_supply_crma_row_t *r, const char *text)
{
    size_t len = strlen(r->note);
    if (len + 3 < sizeof r->note) {
        snprintf(r->note + len, sizeof r->note - len, "%s%s", len ? "; " : "", text);
    }
}

/* Why a material listed in the CRMA is not critical by the computed EU values. */
static void note_below(cm_supply_crma_row_t *r, const cm_crit_options_t *opt)
{
    char buf[96];
    const char *what = r->crma_strategic == CM_SUPPLY_YES ? "strategic" : "CRMA critical";
    int sr_low = !isnan(r->sr) && cm_crit_round1(r->sr) < opt->sr_threshold - 1e-9;
    int ei_low = !isnan(r->ei) && cm_crit_round1(r->ei) < opt->ei_threshold - 1e-9;
    if (sr_low && ei_low) {
        snprintf(buf, sizeof buf, "%s, below the SR and EI thresholds (SR %.1f, EI %.1f)", what,
                 cm_crit_round1(r->sr), cm_crit_round1(r->ei));
    } else if (sr_low) {
        snprintf(buf, sizeof buf, "%s, not above the SR threshold (SR %.1f)", what,
                 cm_crit_round1(r->sr));
    } else if (ei_low) {
        snprintf(buf, sizeof buf, "%s, not above the EI threshold (EI %.1f)", what,
                 cm_crit_round1(r->ei));
    } else {
        snprintf(buf, sizeof buf, "%s, not critical by the computed values", what);
    }
    note_add(r, buf);
}

static void annotate(cm_supply_crma_row_t *r, const cm_crit_options_t *opt)
{
    int listed = r->crma_critical == CM_SUPPLY_YES;
    if (r->assessed[0] == '\0') {
        note_add(r, "not in the EU assessment");
    } else if (strcmp(r->assessed, r->material) != 0) {
        char buf[96];
        snprintf(buf, sizeof buf, "assessed as %s", r->assessed);
        note_add(r, buf);
    }
    if (listed && r->eu_computed == CM_SUPPLY_NO) {
        note_below(r, opt);
    } else if (r->assessed[0] != '\0' && r->eu_computed == CM_SUPPLY_UNKNOWN) {
        if (listed && !isnan(r->sr) && cm_crit_round1(r->sr) < opt->sr_threshold - 1e-9) {
            note_below(r, opt);
        }
        note_add(r, "not recomputed (SR or EI inputs incomplete)");
    }
    if (!listed && (r->eu_computed == CM_SUPPLY_YES || r->eu_published == CM_SUPPLY_YES)) {
        note_add(r, "critical by the EU 2023 values, not on the CRMA list");
    }
    if (r->eu_computed != CM_SUPPLY_UNKNOWN && r->eu_published != CM_SUPPLY_UNKNOWN &&
        r->eu_computed != r->eu_published) {
        note_add(r, "computed and published EU classes differ");
    }
    if (r->be_critical != CM_SUPPLY_UNKNOWN && (r->be_critical == CM_SUPPLY_YES) != listed) {
        note_add(r, r->be_critical == CM_SUPPLY_YES ? "critical for Belgium, not on the CRMA list"
                                                    : "on the CRMA list, not critical for Belgium");
    }
}

cm_error_t cm_supply_crma_compare(cm_supply_crma_t *crma, const cm_crit_inputs_t *eu,
                                  const cm_crit_results_t *eu_res, const cm_crit_options_t *opt,
                                  const cm_crit_inputs_t *be, const cm_crit_results_t *be_res,
                                  const cm_class_t *materials, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    unsigned char *used = NULL;
    if (crma == NULL || eu == NULL || eu_res == NULL || opt == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_supply_crma_compare: NULL argument");
    }
    if (eu_res->n != eu->n || (be != NULL) != (be_res != NULL) ||
        (be != NULL && be_res->n != be->n)) {
        return cm_error_set(err, CM_EINVAL,
                            "cm_supply_crma_compare: expected results for every input material "
                            "(EU %zu inputs, %zu results)",
                            eu->n, eu_res->n);
    }
    used = cm_calloc(eu->n + 1, 1);
    CM_NOMEM(used, err);
    size_t ncrma = crma->n;
    for (size_t i = 0; i < ncrma; i++) {
        cm_supply_crma_row_t *r = &crma->items[i];
        r->assessed[0] = '\0';
        r->note[0] = '\0';
        ptrdiff_t k = match(eu, r->material, materials);
        if (k >= 0) {
            used[k] = 1;
            snprintf(r->assessed, sizeof r->assessed, "%s", eu->materials[k].code);
            r->eu_published = published_class(&eu->materials[k], opt);
            r->eu_computed = computed_class(&eu_res->items[k]);
            r->sr = eu_res->items[k].sr;
            r->ei = eu_res->items[k].ei;
        }
        if (be != NULL) {
            ptrdiff_t b = match(be, r->material, materials);
            r->be_critical = b >= 0 ? computed_class(&be_res->items[b]) : CM_SUPPLY_UNKNOWN;
        }
    }
    for (size_t k = 0; k < eu->n; k++) {
        const cm_crit_material_t *m = &eu->materials[k];
        if (used[k] || (m->flags & CM_CRIT_MAT_GROUP)) {
            continue;
        }
        /* a member of a listed group (dysprosium in HREE, platinum in PGM) is covered */
        const char *parent = materials != NULL ? cm_class_parent(materials, m->code) : NULL;
        int covered = 0;
        for (size_t i = 0; parent != NULL && i < ncrma; i++) {
            covered |= strcmp(crma->items[i].material, parent) == 0 &&
                       crma->items[i].crma_critical == CM_SUPPLY_YES;
        }
        if (covered) {
            continue;
        }
        int pub = published_class(m, opt), comp = computed_class(&eu_res->items[k]);
        if (pub != CM_SUPPLY_YES && comp != CM_SUPPLY_YES) {
            continue;
        }
        cm_supply_crma_row_t *r = NULL;
        CM_TRY(row_get(crma, m->code, &r, err));
        snprintf(r->assessed, sizeof r->assessed, "%s", m->code);
        r->eu_published = pub;
        r->eu_computed = comp;
        r->sr = eu_res->items[k].sr;
        r->ei = eu_res->items[k].ei;
        if (be != NULL) {
            ptrdiff_t b = match(be, m->code, materials);
            r->be_critical = b >= 0 ? computed_class(&be_res->items[b]) : CM_SUPPLY_UNKNOWN;
        }
    }
    for (size_t i = 0; i < crma->n; i++) {
        annotate(&crma->items[i], opt);
    }
cleanup:
    cm_free(used);
    return rc;
}

/* Concentration of supply (HHI, top three, WGI-weighted HHI without t) and country indicators
 * weighted by production: the ESG view reported beside SR and EI (docs/supply.md). */
#include "cambium/cm_supply.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cambium/cm_csv.h"
#include "core/cm_internal.h"
#include "crit/crit_internal.h"

/* A share as counted: withheld cells are unknown (0). */
static cm_real_t counted(const cm_crit_share_t *sh)
{
    return (sh->flags & CM_CRIT_SHARE_W) ? 0.0 : sh->share;
}

cm_error_t cm_supply_concentration(const cm_crit_supply_t *s, cm_supply_conc_t *out,
                                   cm_error_info_t *err)
{
    if (s == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_supply_concentration: NULL argument");
    }
    memset(out, 0, sizeof *out);
    out->hhi = out->top3 = NAN;
    if (s->n == 0) {
        return CM_OK;
    }
    cm_real_t best[3] = {-1.0, -1.0, -1.0};
    size_t idx[3] = {0, 0, 0};
    cm_real_t hhi = 0.0, sum = 0.0;
    for (size_t i = 0; i < s->n; i++) {
        cm_real_t x = counted(&s->items[i]);
        hhi += x * x;
        sum += x;
        /* insert into the top three (strictly larger: ties keep the earlier row) */
        for (int k = 0; k < 3; k++) {
            if (x > best[k]) {
                for (int j = 2; j > k; j--) {
                    best[j] = best[j - 1];
                    idx[j] = idx[j - 1];
                }
                best[k] = x;
                idx[k] = i;
                break;
            }
        }
    }
    cm_real_t top = 0.0;
    for (int k = 0; k < 3; k++) {
        if (best[k] >= 0.0) {
            top += best[k];
            memcpy(out->top[k], s->items[idx[k]].country, CM_CRIT_CODE_MAX);
        }
    }
    out->hhi = hhi;
    out->top3 = top;
    out->share_sum = sum;
    out->n = s->n;
    return CM_OK;
}

cm_real_t cm_supply_hhi_wgi(const cm_crit_supply_t *s, const cm_crit_wgi_t *wgi,
                            cm_real_t *missing)
{
    if (missing != NULL) {
        *missing = NAN;
    }
    if (s == NULL || wgi == NULL || s->n == 0) {
        return NAN;
    }
    cm_real_t h = 0.0, miss = 0.0;
    for (size_t i = 0; i < s->n; i++) {
        cm_real_t x = counted(&s->items[i]);
        ptrdiff_t k = cm_crit_wgi_find(wgi, s->items[i].country);
        if (k < 0) {
            miss += x;
        } else {
            h += x * x * wgi->items[k].scaled;
        }
    }
    if (missing != NULL) {
        *missing = miss;
    }
    return h;
}

/* --- indicators ------------------------------------------------------------------------ */

_Static_assert(offsetof(cm_supply_ind_entry_t, country) == 0, "country leads an indicator entry");

ptrdiff_t cm_supply_indicator_find(const cm_supply_indicator_t *ind, const char *country)
{
    if (ind == NULL || country == NULL) {
        return -1;
    }
    return cm_i_crit_country_find(ind->items, ind->n, sizeof *ind->items, country);
}

cm_error_t cm_supply_indicator_set(cm_supply_indicator_t *ind, const char *country,
                                   cm_real_t value, cm_error_info_t *err)
{
    if (ind == NULL || country == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_supply_indicator_set: NULL argument");
    }
    size_t len = strlen(country);
    if (len == 0 || len >= CM_CRIT_CODE_MAX) {
        return cm_error_set(err, CM_EINVAL,
                            "indicator '%s': expected a country code of 1 to %d characters, "
                            "got '%s'",
                            ind->name, CM_CRIT_CODE_MAX - 1, country);
    }
    if (!isfinite(value)) {
        return cm_error_set(err, CM_EINVAL,
                            "indicator '%s': expected a finite value for '%s', got %g",
                            ind->name, country, value);
    }
    size_t lo = cm_i_crit_country_lower_bound(ind->items, ind->n, sizeof *ind->items, country);
    if (lo < ind->n && strcmp(ind->items[lo].country, country) == 0) {
        ind->items[lo].value = value;
        return CM_OK;
    }
    if (ind->n == ind->cap) {
        size_t cap = ind->cap ? 2 * ind->cap : 64;
        cm_supply_ind_entry_t *p = cm_realloc_array(ind->items, cap, sizeof *p);
        if (p == NULL) {
            return cm_error_set(err, CM_ENOMEM, "out of memory");
        }
        ind->items = p;
        ind->cap = cap;
    }
    memmove(&ind->items[lo + 1], &ind->items[lo], (ind->n - lo) * sizeof *ind->items);
    memset(&ind->items[lo], 0, sizeof *ind->items);
    memcpy(ind->items[lo].country, country, len + 1);
    ind->items[lo].value = value;
    ind->n++;
    return CM_OK;
}

void cm_supply_indicator_destroy(cm_supply_indicator_t *ind)
{
    if (ind == NULL) {
        return;
    }
    cm_free(ind->items);
    memset(ind, 0, sizeof *ind);
}

static void set_name(cm_supply_indicator_t *ind, const char *name)
{
    snprintf(ind->name, sizeof ind->name, "%s", name);
}

typedef struct wgi_ctx_t {
    cm_supply_indicator_t *out;
    cm_error_info_t *err;
} wgi_ctx_t;

static cm_error_t wgi_row(int ncols, const char *const *names, const char *const *v, void *ud)
{
    wgi_ctx_t *c = ud;
    CM_UNUSED(ncols);
    CM_UNUSED(names);
    cm_real_t x = 0.0;
    if (v[0] == NULL || strlen(v[0]) >= CM_CRIT_CODE_MAX ||
        !cm_i_crit_parse_real(v[1], CM_I_CRIT_FINITE | CM_I_CRIT_TRAILING_BLANKS, &x)) {
        return CM_OK;
    }
    return cm_supply_indicator_set(c->out, v[0], x, c->err);
}

cm_error_t cm_supply_indicator_load_wgi(cm_store_t *store, const char *code, int year,
                                        cm_supply_indicator_t *out, cm_error_info_t *err)
{
    static const char *const dims[] = {"va", "pv", "ge", "rq", "rl", "cc"};
    cm_error_t rc = CM_OK;
    if (store == NULL || code == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_supply_indicator_load_wgi: NULL argument");
    }
    cm_supply_indicator_destroy(out);
    int known = 0;
    for (size_t i = 0; i < sizeof dims / sizeof dims[0]; i++) {
        known |= strcmp(code, dims[i]) == 0;
    }
    if (!known) {
        return cm_error_set(err, CM_EINVAL,
                            "WGI dimension: expected one of va, pv, ge, rq, rl, cc, got '%s'",
                            code);
    }
    set_name(out, code);
    char sql[640];
    snprintf(sql, sizeof sql,
             "SELECT region, value FROM observation WHERE variable = 'estimate' "
             "AND product = '%s' AND value IS NOT NULL AND CAST(period AS INTEGER) = %d "
             "AND dataset_id = (SELECT MAX(id) FROM dataset WHERE kind = 'wgi')",
             code, year);
    wgi_ctx_t c = {out, err};
    CM_TRY(cm_store_query(store, sql, wgi_row, &c, err));
    if (out->n == 0) {
        CM_FAIL(cm_error_set(err, CM_ENOTFOUND,
                             "no WGI estimates of '%s' for %d in the store (import the WGI "
                             "with 'cambium import wgi')",
                             code, year));
    }
cleanup:
    if (rc != CM_OK) {
        cm_supply_indicator_destroy(out);
    }
    return rc;
}

cm_error_t cm_supply_indicator_read_csv(const char *path, const char *name,
                                        const cm_class_t *countries, cm_supply_indicator_t *out,
                                        cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_table_t t = CM_TABLE_NULL;
    if (path == NULL || name == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_supply_indicator_read_csv: NULL argument");
    }
    cm_supply_indicator_destroy(out);
    if (name[0] == '\0' || strlen(name) >= sizeof out->name) {
        return cm_error_set(err, CM_EINVAL,
                            "indicator name: expected 1 to %zu characters, got '%s'",
                            sizeof out->name - 1, name);
    }
    set_name(out, name);
    cm_csv_options_t o;
    cm_csv_options_default(&o);
    CM_TRY(cm_table_read(&t, path, &o, 1, err));
    cm_int_t cc = cm_table_col(&t, "country"), cv = cm_table_col(&t, "value");
    if (cc < 0 || cv < 0) {
        CM_FAIL(cm_error_set_at(err, CM_EPARSE, path, 1, 1,
                                "expected columns 'country' and 'value' in the header of an "
                                "indicator file, got %zu columns, first '%s'",
                                t.ncols, t.ncols > 0 ? t.header[0] : ""));
    }
    for (size_t r = 0; r < t.nrows; r++) {
        const char *ctext = cm_table_cell(&t, r, (size_t)cc);
        const char *vtext = cm_table_cell(&t, r, (size_t)cv);
        if (vtext[0] == '\0') {
            continue;
        }
        cm_real_t x = 0.0;
        if (!cm_i_crit_parse_real(vtext, CM_I_CRIT_FINITE | CM_I_CRIT_TRAILING_BLANKS, &x)) {
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, path, t.line[r], cv + 1,
                                    "column 'value': expected a finite number, got '%s'", vtext));
        }
        const char *code = countries != NULL ? cm_class_resolve(countries, ctext) : ctext;
        if (code == NULL || code[0] == '\0' || strlen(code) >= CM_CRIT_CODE_MAX) {
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, path, t.line[r], cc + 1,
                                    "column 'country': expected a known country, got '%s'",
                                    ctext));
        }
        if (cm_supply_indicator_find(out, code) >= 0) {
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, path, t.line[r], cc + 1,
                                    "country '%s' (%s) given twice", ctext, code));
        }
        CM_TRY(cm_supply_indicator_set(out, code, x, err));
    }
cleanup:
    cm_table_destroy(&t);
    if (rc != CM_OK) {
        cm_supply_indicator_destroy(out);
    }
    return rc;
}

cm_real_t cm_supply_weighted_mean(const cm_crit_supply_t *s, const cm_supply_indicator_t *ind,
                                  cm_real_t *coverage)
{
    if (coverage != NULL) {
        *coverage = NAN;
    }
    if (s == NULL || ind == NULL || s->n == 0) {
        return NAN;
    }
    cm_real_t num = 0.0, wsum = 0.0, total = 0.0;
    for (size_t i = 0; i < s->n; i++) {
        cm_real_t x = counted(&s->items[i]);
        total += x;
        ptrdiff_t k = cm_supply_indicator_find(ind, s->items[i].country);
        if (k >= 0) {
            num += x * ind->items[k].value;
            wsum += x;
        }
    }
    if (coverage != NULL && total > 0.0) {
        *coverage = wsum / total;
    }
    return wsum > 0.0 ? num / wsum : NAN;
}

/* CRM carriers: the raw-material content of a declarant's trade and production flows by
 * product and material, from a composition table (kg of material per unit, kg, t or kWh). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cambium/cm_alloc.h"
#include "cambium/cm_csv.h"
#include "cambium/cm_units.h"
#include "core/cm_internal.h"
#include "trade/trade_internal.h"

void cm_carrier_comps_destroy(cm_carrier_comps_t *c)
{
    if (c == NULL) {
        return;
    }
    cm_free(c->items);
    memset(c, 0, sizeof *c);
}

void cm_carriers_destroy(cm_carriers_t *r)
{
    if (r == NULL) {
        return;
    }
    cm_free(r->rows);
    cm_free(r->missing);
    memset(r, 0, sizeof *r);
}

static int all_digits(const char *s, size_t n)
{
    size_t i;
    if (strlen(s) != n) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return 0;
        }
    }
    return 1;
}

/* A number >= 0 (or empty when optional: NaN). 0 = not a number. */
static int parse_nonneg(const char *s, int optional, double *out)
{
    char *end = NULL;
    double v;
    if (s[0] == '\0') {
        *out = NAN;
        return optional;
    }
    errno = 0;
    v = strtod(s, &end);
    if (end == s || *end != '\0' || errno != 0 || !isfinite(v) || v < 0) {
        return 0;
    }
    *out = v;
    return 1;
}

static void copy_text(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src != NULL ? src : "");
}

/* Resolve a row to kg of material per kg of product; CM_EUNIT names file, line and units. */
static cm_error_t resolve_row(cm_carrier_comp_t *c, const char *file, cm_error_info_t *err)
{
    double f = NAN, per_kg;
    cm_error_info_t sub;
    memset(&sub, 0, sizeof sub);
    if (strcmp(c->per, "unit") == 0 || strcmp(c->per, "kWh") == 0) {
        const int unit = c->per[0] == 'u';
        if (isnan(c->conv) || c->conv_unit[0] == '\0') {
            return cm_error_set_at(err, CM_EPARSE, file, c->line, 8,
                                   "expected conv and conv_unit for a row per '%s' (%s), got "
                                   "'%s'",
                                   c->per, unit ? "kg per unit" : "kWh per kg of product",
                                   c->conv_unit);
        }
        if (cm_unit_factor_str(c->conv_unit, unit ? "kg" : "kWh/kg", &f, &sub) != CM_OK ||
            c->conv <= 0) {
            return cm_error_set(err, CM_EUNIT,
                                "%s:%lld: composition per '%s' cannot be combined with "
                                "conversion unit '%s' (expected %s, > 0)",
                                file, (long long)c->line, c->per, c->conv_unit,
                                unit ? "a mass per unit, e.g. kg" : "energy/mass, e.g. kWh/kg");
        }
        /* per unit: kg/unit / (kg/unit); per kWh: kg/kWh x kWh/kg */
        per_kg = unit ? 1.0 / (c->conv * f) : c->conv * f;
    } else {
        if (cm_unit_factor_str(c->per, "kg", &f, &sub) != CM_OK) {
            return cm_error_set(err, CM_EUNIT,
                                "%s:%lld: composition per '%s' cannot be combined with the "
                                "trade quantity unit 'kg' (expected a mass, 'unit' or 'kWh')",
                                file, (long long)c->line, c->per);
        }
        per_kg = 1.0 / f;
    }
    c->kg_per_kg = c->kg * per_kg;
    c->low_per_kg = c->low * per_kg;
    c->high_per_kg = c->high * per_kg;
    return CM_OK;
}

cm_error_t cm_carrier_comps_load(const char *path, cm_carrier_comps_t *out, cm_error_info_t *err)
{
    static const char *const cols[] = {"product_code", "code_system", "material", "kg",
                                       "per", "low", "high", "conv", "conv_unit", "source_id"};
    cm_error_t rc = CM_OK;
    cm_table_t t = CM_TABLE_NULL;
    cm_csv_options_t opt;
    cm_int_t ci[10];
    size_t r, k;
    if (path == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_carrier_comps_load: NULL %s",
                            path == NULL ? "path" : "out");
    }
    memset(out, 0, sizeof *out);
    cm_csv_options_default(&opt);
    opt.separator = ',';
    CM_TRY(cm_table_read(&t, path, &opt, 1, err));
    for (k = 0; k < 10; k++) {
        ci[k] = cm_table_col(&t, cols[k]);
        if (ci[k] < 0) {
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, path, 1, 1, "expected a column '%s', got "
                                    "none", cols[k]));
        }
    }
    out->items = cm_calloc(t.nrows, sizeof *out->items);
    CM_NOMEM(out->items, err);
    out->cap = t.nrows;
    for (r = 0; r < t.nrows; r++) {
        cm_carrier_comp_t *c = &out->items[out->n];
        const char *v[10];
        for (k = 0; k < 10; k++) {
            v[k] = cm_table_cell(&t, r, (size_t)ci[k]);
        }
        c->line = t.line[r];
        copy_text(c->product, sizeof c->product, v[0]);
        copy_text(c->system, sizeof c->system, v[1]);
        copy_text(c->material, sizeof c->material, v[2]);
        copy_text(c->per, sizeof c->per, v[4]);
        copy_text(c->conv_unit, sizeof c->conv_unit, v[8]);
        copy_text(c->source, sizeof c->source, v[9]);
        if (strcmp(c->system, "HS6") != 0 && strcmp(c->system, "CN8") != 0 &&
            strcmp(c->system, "category") != 0) {
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, path, c->line, ci[1] + 1,
                                    "column 'code_system': expected HS6, CN8 or category, got "
                                    "'%s'", v[1]));
        }
        if ((c->system[0] == 'H' && !all_digits(c->product, 6)) ||
            (c->system[0] == 'C' && c->system[1] == 'N' && !all_digits(c->product, 8)) ||
            c->product[0] == '\0') {
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, path, c->line, ci[0] + 1,
                                    "column 'product_code': expected a %s code, got '%s'",
                                    c->system, v[0]));
        }
        if (c->material[0] == '\0' || c->source[0] == '\0' || c->per[0] == '\0') {
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, path, c->line, 1,
                                    "expected material, per and source_id, got '%s', '%s', "
                                    "'%s'", v[2], v[4], v[9]));
        }
        for (k = 3; k <= 7; k++) {
            double *dst = k == 3 ? &c->kg : k == 5 ? &c->low : k == 6 ? &c->high : &c->conv;
            if (k == 4) {
                continue;
            }
            if (!parse_nonneg(v[k], k != 3, dst)) {
                CM_FAIL(cm_error_set_at(err, CM_EPARSE, path, c->line, ci[k] + 1,
                                        "column '%s': expected a number >= 0, got '%s'",
                                        cols[k], v[k]));
            }
        }
        if ((!isnan(c->low) && c->low > c->kg) || (!isnan(c->high) && c->high < c->kg)) {
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, path, c->line, ci[5] + 1,
                                    "expected low <= kg <= high, got %s <= %s <= %s", v[5],
                                    v[3], v[6]));
        }
        CM_TRY(resolve_row(c, path, err));
        out->n++;
    }
cleanup:
    cm_table_destroy(&t);
    if (rc != CM_OK) {
        cm_carrier_comps_destroy(out);
    }
    return rc;
}

/* --- the flows ---------------------------------------------------------------------------- */

typedef struct group_t {
    char kind[CM_TRADE_CODE_MAX]; /* "" for production */
    char product[CM_TRADE_CODE_MAX];
    int year;
    double kg[2];   /* imports, exports (sum of the known quantities) */
    int nq[2];      /* quantity rows known */
    int nv[2];      /* value rows */
    int nmiss[2];   /* quantity rows NaN */
    uint64_t hash;  /* of the (kind, product, year) it was created for: group_hash */
} group_t;

typedef struct state_t {
    const cm_carrier_comps_t *comps;
    const char *decl;
    int year;
    group_t *g;
    size_t ng, capg;
    size_t *slot;   /* open-addressing index of g: group position + 1, 0 = empty */
    size_t nslot;   /* 0 or a power of two above 2 ng */
    const cm_carrier_comp_t **by_product; /* the compositions by product, then position */
    unsigned *seen; /* per composition: 1 imports, 2 exports, 4 production */
    size_t used;
    cm_error_info_t *err;
} state_t;

static int has_cn8(const cm_carrier_comps_t *c, const char *product)
{
    size_t i;
    for (i = 0; i < c->n; i++) {
        if (strcmp(c->items[i].system, "CN8") == 0 && strcmp(c->items[i].product, product) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Does composition row i apply to a flow of this product code? cn8 = has_cn8(product). */
static int matches(const cm_carrier_comp_t *c, const char *product, int cn8)
{
    if (strcmp(c->product, product) == 0) {
        return 1;
    }
    return !cn8 && strcmp(c->system, "HS6") == 0 && all_digits(product, 8) &&
           strncmp(c->product, product, 6) == 0;
}

static uint64_t group_hash(const char *kind, const char *product, int year)
{
    uint64_t h = cm_i_fnv1a(CM_I_FNV_OFFSET, kind, strlen(kind) + 1);
    h = cm_i_fnv1a(h, product, strlen(product) + 1);
    return cm_i_fnv1a(h, &year, sizeof year);
}

/* The slot holding group (kind, product, year), or the empty slot where it would go (nslot >
 * 0 and the table at most half full). */
static size_t *group_slot(const state_t *s, uint64_t h, const char *kind, const char *product,
                          int year)
{
    const size_t mask = s->nslot - 1;
    size_t i = (size_t)h & mask;
    for (;;) {
        const group_t *g = s->slot[i] != 0 ? &s->g[s->slot[i] - 1] : NULL;
        if (g == NULL || (g->hash == h && g->year == year && strcmp(g->kind, kind) == 0 &&
                          strcmp(g->product, product) == 0)) {
            return &s->slot[i];
        }
        i = (i + 1) & mask;
    }
}

/* Double the index (first size 64) and reinsert the groups. 0, or -1 when out of memory (the
 * index is then unchanged). */
static int group_rehash(state_t *s)
{
    const size_t n = s->nslot > 0 ? s->nslot * 2 : 64;
    size_t *slot = cm_calloc(n, sizeof *slot);
    size_t k, i;
    if (slot == NULL) {
        return -1;
    }
    for (k = 0; k < s->ng; k++) {
        for (i = (size_t)s->g[k].hash & (n - 1); slot[i] != 0; i = (i + 1) & (n - 1)) {
        }
        slot[i] = k + 1;
    }
    cm_free(s->slot);
    s->slot = slot;
    s->nslot = n;
    return 0;
}

/* The group of (kind, product, year), created (zeroed, after the others) when new. Expected
 * O(1) through the hash index. */
static cm_error_t find_group(state_t *s, const char *kind, const char *product, int year,
                             group_t **out)
{
    const uint64_t h = group_hash(kind, product, year);
    size_t *slot;
    if (2 * (s->ng + 1) > s->nslot && group_rehash(s) != 0) {
        return cm_error_set(s->err, CM_ENOMEM, "cannot grow the carrier group index beyond %zu",
                            s->nslot);
    }
    slot = group_slot(s, h, kind, product, year);
    if (*slot != 0) {
        *out = &s->g[*slot - 1];
        return CM_OK;
    }
    if (cm_i_grow((void **)&s->g, &s->capg, s->ng, sizeof *s->g, 32) != 0) {
        return cm_error_set(s->err, CM_ENOMEM, "cannot grow the carrier groups beyond %zu",
                            s->capg);
    }
    *out = &s->g[s->ng++];
    *slot = s->ng;
    memset(*out, 0, sizeof **out);
    copy_text((*out)->kind, sizeof (*out)->kind, kind);
    copy_text((*out)->product, sizeof (*out)->product, product);
    (*out)->year = year;
    (*out)->hash = h;
    return CM_OK;
}

static int cmp_comp_ptr(const void *pa, const void *pb)
{
    const cm_carrier_comp_t *a = *(const cm_carrier_comp_t *const *)pa;
    const cm_carrier_comp_t *b = *(const cm_carrier_comp_t *const *)pb;
    int c = strcmp(a->product, b->product);
    return c != 0 ? c : (a > b) - (a < b);
}

/* First position of by_product whose product is not below key (binary search). */
static size_t comp_lower(const state_t *s, const char *key)
{
    size_t lo = 0, hi = s->comps->n;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (strcmp(s->by_product[mid]->product, key) < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/* Mark the compositions that apply to a flow of this product (those matches() accepts) as
 * seen in direction dir, through the product index; returns whether any applies. */
static int mark_seen(state_t *s, const char *product, int dir)
{
    const size_t n = s->comps->n;
    size_t i;
    int cn8 = 0, any = 0;
    for (i = comp_lower(s, product); i < n && strcmp(s->by_product[i]->product, product) == 0;
         i++) {
        cn8 |= strcmp(s->by_product[i]->system, "CN8") == 0;
        s->seen[s->by_product[i] - s->comps->items] |= 1u << dir;
        any = 1;
    }
    if (!cn8 && all_digits(product, 8)) {
        char hs6[7];
        memcpy(hs6, product, 6);
        hs6[6] = '\0';
        for (i = comp_lower(s, hs6); i < n && strcmp(s->by_product[i]->product, hs6) == 0; i++) {
            if (strcmp(s->by_product[i]->system, "HS6") == 0) {
                s->seen[s->by_product[i] - s->comps->items] |= 1u << dir;
                any = 1;
            }
        }
    }
    return any;
}

static cm_error_t on_flow(int ncols, const char *const *names, const char *const *v, void *ud)
{
    /* dataset, line, variable, kind, region, partner, product, period, value, unit */
    state_t *s = ud;
    const char *var = v[2], *region = v[4] != NULL ? v[4] : "", *partner = v[5] != NULL ? v[5] : "";
    const char *product = v[6], *period = v[7], *unit = v[9] != NULL ? v[9] : "";
    int dir, qty, year;
    double value = v[8] != NULL ? strtod(v[8], NULL) : NAN, f = 1;
    group_t *g = NULL;
    cm_error_t rc;
    (void)ncols;
    (void)names;
    if (!all_digits(period, 4)) {
        return CM_OK; /* monthly periods are left out (the annual ones are used) */
    }
    year = (int)strtol(period, NULL, 10);
    if (s->year != 0 && year != s->year) {
        return CM_OK;
    }
    if (strcmp(var, "production") == 0) {
        if (strcmp(region, s->decl) != 0) {
            return CM_OK;
        }
        dir = 2;
        qty = 1;
    } else {
        const int imp = strncmp(var, "import_", 7) == 0;
        qty = strstr(var, "quantity") != NULL;
        if (strcmp(partner, "WLD") == 0 || strcmp(region, "WLD") == 0) {
            return CM_OK;
        }
        if (strcmp(region, s->decl) == 0 && strcmp(partner, s->decl) != 0) {
            dir = imp ? 0 : 1;
        } else if (imp && strcmp(partner, s->decl) == 0) {
            dir = 1; /* another importer's row: the declarant's export */
        } else {
            return CM_OK;
        }
    }
    if (!mark_seen(s, product, dir)) {
        return CM_OK;
    }
    s->used++;
    if (qty && !isnan(value)) {
        cm_error_info_t sub;
        memset(&sub, 0, sizeof sub);
        if (cm_unit_factor_str(unit, "kg", &f, &sub) != CM_OK) {
            return cm_error_set(s->err, CM_EUNIT,
                                "dataset %s line %s: %s of product %s in '%s' cannot be "
                                "combined with the composition table's 'kg' (a mass is "
                                "needed; a supplementary unit is not convertible)",
                                v[0], v[1] != NULL ? v[1] : "?", var, product, unit);
        }
    }
    rc = find_group(s, dir == 2 ? "" : v[3], product, year, &g);
    if (rc != CM_OK) {
        return rc;
    }
    if (dir == 2) {
        g->kg[0] += isnan(value) ? 0 : value * f;
        g->nq[0] += !isnan(value);
    } else if (!qty) {
        g->nv[dir]++;
    } else if (isnan(value)) {
        g->nmiss[dir]++;
    } else {
        g->kg[dir] += value * f;
        g->nq[dir]++;
    }
    return CM_OK;
}

static const char *const status_txt[8] = {
    "ok", "imports missing", "exports missing", "imports and exports missing",
    "production missing", "imports and production missing", "exports and production missing",
    "imports, exports and production missing"};
static const char *const flows_txt[8] = {
    "", "imports", "exports", "imports, exports", "production", "imports, production",
    "exports, production", "imports, exports, production"};

static int cmp_rows(const void *pa, const void *pb)
{
    const cm_carrier_row_t *a = pa, *b = pb;
    int c;
    if (a->year != b->year) {
        return a->year < b->year ? -1 : 1;
    }
    if ((c = strcmp(a->material, b->material)) != 0) {
        return c;
    }
    if (isnan(a->import_content) != isnan(b->import_content)) {
        return isnan(a->import_content) ? 1 : -1;
    }
    if (!isnan(a->import_content) && a->import_content != b->import_content) {
        return a->import_content > b->import_content ? -1 : 1;
    }
    if ((c = strcmp(a->kind, b->kind)) != 0) {
        return c;
    }
    return strcmp(a->product, b->product);
}

static const group_t *find_production(const state_t *s, const char *product, int year)
{
    const size_t *slot;
    if (s->nslot == 0) {
        return NULL;
    }
    slot = group_slot(s, group_hash("", product, year), "", product, year);
    return *slot != 0 ? &s->g[*slot - 1] : NULL;
}

static cm_error_t add_row(cm_carriers_t *out, const cm_carrier_row_t *r, cm_error_info_t *err)
{
    if (cm_i_grow((void **)&out->rows, &out->cap, out->n, sizeof *out->rows, 32) != 0) {
        return cm_error_set(err, CM_ENOMEM, "cannot grow the carrier rows beyond %zu",
                            out->cap);
    }
    out->rows[out->n++] = *r;
    return CM_OK;
}

static cm_error_t build_rows(const state_t *s, cm_carriers_t *out, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    size_t gi, i;
    for (gi = 0; gi < s->ng; gi++) {
        const group_t *g = &s->g[gi];
        const group_t *pg;
        int cn8;
        if (g->kind[0] == '\0') {
            continue;
        }
        pg = find_production(s, g->product, g->year);
        cn8 = has_cn8(s->comps, g->product);
        for (i = 0; i < s->comps->n; i++) {
            const cm_carrier_comp_t *c = &s->comps->items[i];
            cm_carrier_row_t r;
            unsigned miss = 0;
            if (!matches(c, g->product, cn8)) {
                continue;
            }
            memset(&r, 0, sizeof r);
            copy_text(r.kind, sizeof r.kind, g->kind);
            copy_text(r.product, sizeof r.product, g->product);
            copy_text(r.system, sizeof r.system, c->system);
            copy_text(r.material, sizeof r.material, c->material);
            copy_text(r.source, sizeof r.source, c->source);
            r.year = g->year;
            r.comp_line = c->line;
            r.import_kg = g->nq[0] > 0 ? g->kg[0] : NAN;
            r.export_kg = g->nq[1] > 0 ? g->kg[1] : NAN;
            r.production_kg = pg != NULL && pg->nq[0] > 0 ? pg->kg[0] : NAN;
            r.n_missing_q = g->nmiss[0] + g->nmiss[1];
            r.value_only = (g->nq[0] == 0 && g->nv[0] > 0) || (g->nq[1] == 0 && g->nv[1] > 0);
            r.import_content = r.import_kg * c->kg_per_kg;
            r.import_low = r.import_kg * c->low_per_kg;
            r.import_high = r.import_kg * c->high_per_kg;
            r.export_content = r.export_kg * c->kg_per_kg;
            r.apparent_content =
                (r.production_kg + r.import_kg - r.export_kg) * c->kg_per_kg; /* NaN propagates */
            miss = (isnan(r.import_kg) ? 1u : 0u) | (isnan(r.export_kg) ? 2u : 0u) |
                   (isnan(r.production_kg) ? 4u : 0u);
            r.status = r.value_only && g->nq[0] == 0 && g->nv[0] > 0
                           ? "no quantity: not convertible"
                           : status_txt[miss];
            CM_TRY(add_row(out, &r, err));
        }
    }
    if (out->n > 1) {
        qsort(out->rows, out->n, sizeof *out->rows, cmp_rows);
    }
    for (i = 0; i < out->n; i++) {
        cm_carrier_row_t *r = &out->rows[i];
        if (isnan(r->import_content)) {
            continue;
        }
        r->rank = i > 0 && out->rows[i - 1].year == r->year &&
                          strcmp(out->rows[i - 1].material, r->material) == 0
                      ? out->rows[i - 1].rank + 1
                      : 1;
    }
cleanup:
    return rc;
}

static cm_error_t build_missing(const state_t *s, cm_carriers_t *out, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    size_t i, j;
    for (i = 0; i < s->comps->n; i++) {
        const cm_carrier_comp_t *c = &s->comps->items[i];
        unsigned seen = 0;
        int dup = 0;
        for (j = 0; j < i; j++) {
            dup |= strcmp(s->comps->items[j].product, c->product) == 0;
        }
        if (dup) {
            continue;
        }
        for (j = i; j < s->comps->n; j++) {
            if (strcmp(s->comps->items[j].product, c->product) == 0) {
                seen |= s->seen[j];
            }
        }
        if (seen == 7u) {
            continue;
        }
        if (cm_i_grow((void **)&out->missing, &out->cap_missing, out->n_missing,
                      sizeof *out->missing, 32) != 0) {
            CM_FAIL(cm_error_set(err, CM_ENOMEM, "cannot grow the missing carriers beyond %zu",
                                 out->cap_missing));
        }
        copy_text(out->missing[out->n_missing].product, CM_TRADE_CODE_MAX, c->product);
        copy_text(out->missing[out->n_missing].system, CM_TRADE_CODE_MAX, c->system);
        out->missing[out->n_missing++].flows = flows_txt[~seen & 7u];
    }
cleanup:
    return rc;
}

cm_error_t cm_carriers_compute(cm_store_t *store, const cm_carrier_comps_t *comps,
                               const char *declarant, int year, cm_carriers_t *out,
                               cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    state_t s;
    char sql[1024], decl[CM_TRADE_CODE_MAX];
    size_t i;
    if (store == NULL || comps == NULL || declarant == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_carriers_compute: NULL %s",
                            store == NULL ? "store" : comps == NULL ? "comps"
                                                    : out == NULL   ? "out"
                                                                    : "declarant");
    }
    memset(out, 0, sizeof *out);
    memset(&s, 0, sizeof s);
    for (i = 0; declarant[i] != '\0'; i++) {
        if (i + 1 >= sizeof decl || !((declarant[i] >= 'A' && declarant[i] <= 'Z') ||
                                      (declarant[i] >= '0' && declarant[i] <= '9'))) {
            return cm_error_set(err, CM_EINVAL,
                                "cm_carriers_compute: declarant: expected an ISO3 code, got "
                                "'%s'", declarant);
        }
    }
    copy_text(decl, sizeof decl, declarant);
    s.comps = comps;
    s.decl = decl;
    s.year = year;
    s.err = err;
    s.seen = cm_calloc(comps->n > 0 ? comps->n : 1, sizeof *s.seen);
    CM_NOMEM(s.seen, err);
    s.by_product = cm_malloc_array(comps->n > 0 ? comps->n : 1, sizeof *s.by_product);
    CM_NOMEM(s.by_product, err);
    for (i = 0; i < comps->n; i++) {
        s.by_product[i] = &comps->items[i];
    }
    if (comps->n > 1) {
        qsort(s.by_product, comps->n, sizeof *s.by_product, cmp_comp_ptr);
    }
    /* the declarant is checked to be [A-Z0-9]+ above: printed in place. A flow repeated in
     * several datasets of one kind (a re-import, overlapping extracts) is used once: SQLite
     * takes the bare columns of a MIN() aggregate from the row holding the minimum, i.e. the
     * first observation stored. */
    snprintf(sql, sizeof sql,
             "SELECT o.dataset_id, o.line, o.variable, d.kind, o.region, o.partner, o.product, "
             "o.period, o.value, o.unit, MIN(o.id) AS first_id FROM observation o JOIN "
             "dataset d ON d.id = "
             "o.dataset_id WHERE ((o.variable IN ('import_value', 'import_quantity', "
             "'export_value', 'export_quantity') AND d.kind IN ('baci', 'comext', 'comtrade')) "
             "OR o.variable = 'production') AND o.product IS NOT NULL AND o.period IS NOT NULL "
             "AND (o.region = '%s' OR o.partner = '%s') GROUP BY d.kind, o.variable, o.region, "
             "o.partner, o.product, o.period ORDER BY first_id",
             decl, decl);
    CM_TRY(cm_store_query(store, sql, on_flow, &s, err));
    out->n_flows_used = s.used;
    CM_TRY(build_rows(&s, out, err));
    CM_TRY(build_missing(&s, out, err));
cleanup:
    cm_free(s.g);
    cm_free(s.slot);
    cm_free(s.by_product);
    cm_free(s.seen);
    if (rc != CM_OK) {
        cm_carriers_destroy(out);
    }
    return rc;
}

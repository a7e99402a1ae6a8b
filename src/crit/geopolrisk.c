/* GeoPolRisk (Koyamparambath et al. 2024; method of akoyamp/geopolrisk-py, docs/geopolrisk.md):
 * HHI of world production times the import-risk term sum g f / (p + F). The arithmetic on
 * plain arrays, and the assessment of every material x importer held in the store. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cambium/cm_alloc.h"
#include "cambium/cm_class.h"
#include "cambium/cm_geopolrisk.h"
#include "cambium/cm_units.h"
#include "cm_internal.h"

/* --- arithmetic ---------------------------------------------------------------------------- */

cm_error_t cm_geopolrisk_hhi(const cm_real_t *production, size_t n, cm_real_t *hhi,
                             cm_error_info_t *err)
{
    cm_real_t sum = 0.0, sumsq = 0.0, scale = 0.0;
    if (production == NULL || hhi == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_geopolrisk_hhi: production and hhi must not be NULL");
    }
    if (n == 0) {
        return cm_error_set(err, CM_EINVAL, "cm_geopolrisk_hhi: expected at least one producer, got none");
    }
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(production[i]) || production[i] < 0) {
            return cm_error_set(err, CM_EINVAL,
                                "cm_geopolrisk_hhi: production[%zu]: expected a finite quantity "
                                ">= 0, got %.17g",
                                i, production[i]);
        }
        if (production[i] > scale) {
            scale = production[i];
        }
    }
    if (scale == 0.0) {
        return cm_error_set(err, CM_ENUMERIC,
                            "cm_geopolrisk_hhi: every production quantity is 0 (%zu producers): "
                            "no share is defined",
                            n);
    }
    /* shares relative to the largest producer: no overflow for large quantities */
    for (size_t i = 0; i < n; i++) {
        cm_real_t x = production[i] / scale;
        sum += x;
        sumsq += x * x;
    }
    *hhi = sumsq / (sum * sum);
    return CM_OK;
}

cm_error_t cm_geopolrisk_import_risk(const cm_real_t *quantity, const cm_real_t *score, size_t n,
                                     cm_real_t domestic, cm_geopolrisk_t *out,
                                     cm_error_info_t *err)
{
    cm_real_t total = 0.0, weighted = 0.0;
    cm_int_t missing = 0;
    if (out == NULL || (n > 0 && (quantity == NULL || score == NULL))) {
        return cm_error_set(err, CM_EINVAL,
                            "cm_geopolrisk_import_risk: out, quantity and score must not be NULL");
    }
    if (!isfinite(domestic) || domestic < 0) {
        return cm_error_set(err, CM_EINVAL,
                            "cm_geopolrisk_import_risk: domestic production: expected a finite "
                            "quantity >= 0, got %.17g",
                            domestic);
    }
    for (size_t i = 0; i < n; i++) {
        cm_real_t g = score[i];
        if (!isfinite(quantity[i]) || quantity[i] < 0) {
            return cm_error_set(err, CM_EINVAL,
                                "cm_geopolrisk_import_risk: quantity[%zu]: expected a finite "
                                "quantity >= 0, got %.17g",
                                i, quantity[i]);
        }
        if (isnan(g)) {
            g = CM_GEOPOLRISK_MISSING_SCORE;
            missing++;
        } else if (!(g >= 0.0 && g <= 1.0)) {
            return cm_error_set(err, CM_EINVAL,
                                "cm_geopolrisk_import_risk: score[%zu]: expected a normalised "
                                "score between 0 and 1 (or NaN for missing), got %.17g",
                                i, g);
        }
        total += quantity[i];
        weighted += g * quantity[i];
    }
    out->total_imports = total;
    out->weighted_imports = weighted;
    out->import_risk = (domestic + total) > 0.0 ? weighted / (domestic + total) : 0.0;
    out->missing_scores = missing;
    return CM_OK;
}

cm_error_t cm_geopolrisk_compute(const cm_real_t *production, size_t nprod,
                                 const cm_real_t *quantity, const cm_real_t *score, size_t nimp,
                                 cm_real_t domestic, cm_geopolrisk_t *out, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    if (out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_geopolrisk_compute: out must not be NULL");
    }
    memset(out, 0, sizeof *out);
    CM_TRY(cm_geopolrisk_hhi(production, nprod, &out->hhi, err));
    CM_TRY(cm_geopolrisk_import_risk(quantity, score, nimp, domestic, out, err));
    out->domestic_production = domestic;
    out->score = out->hhi * out->import_risk;
cleanup:
    return rc;
}

/* --- reading the store ---------------------------------------------------------------------- */

#define SQL_MAX (64 * 1024)
#define REAL_TEXT(col) "CASE WHEN " col " IS NULL THEN NULL ELSE format('%!.17g', " col ") END"

/* Append 'text' as an SQL string literal (quotes doubled). */
static cm_error_t sql_quote(cm_i_buf_t *b, const char *text)
{
    cm_error_t rc = CM_OK;
    CM_TRY(cm_i_buf_puts(b, "'"));
    for (const char *p = text; *p != '\0'; p++) {
        CM_TRY(cm_i_buf_append(b, p, 1));
        if (*p == '\'') {
            CM_TRY(cm_i_buf_append(b, p, 1));
        }
    }
    CM_TRY(cm_i_buf_puts(b, "'"));
cleanup:
    return rc;
}

static double text_real(const char *s)
{
    char *end = NULL;
    double v;
    if (s == NULL || *s == '\0') {
        return NAN;
    }
    v = strtod(s, &end);
    return (end != NULL && *end == '\0') ? v : NAN;
}

static int64_t text_int(const char *s)
{
    char *end = NULL;
    long long v;
    if (s == NULL) {
        return 0;
    }
    v = strtoll(s, &end, 10);
    return (end != NULL && *end == '\0') ? (int64_t)v : 0;
}

void cm_geopolrisk_production_destroy(cm_geopolrisk_production_t *p)
{
    if (p == NULL) {
        return;
    }
    if (p->region != NULL) {
        for (size_t i = 0; i < p->n; i++) {
            cm_free(p->region[i]);
        }
    }
    cm_free(p->region);
    cm_free(p->value);
    memset(p, 0, sizeof *p);
}

typedef struct prod_ctx_t {
    cm_geopolrisk_production_t *p;
    size_t cap;
    int mixed;
    char other_unit[16];
} prod_ctx_t;

static cm_error_t prod_row(int ncols, const char *const *names, const char *const *v, void *user)
{
    prod_ctx_t *c = user;
    cm_geopolrisk_production_t *p = c->p;
    char *region = NULL;
    double value;
    (void)names;
    if (ncols < 4) {
        return CM_ESTORE;
    }
    if (p->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        char **r = cm_realloc_array(p->region, cap, sizeof *r);
        if (r == NULL) {
            return CM_ENOMEM;
        }
        p->region = r;
        cm_real_t *val = cm_realloc_array(p->value, cap, sizeof *val);
        if (val == NULL) {
            return CM_ENOMEM;
        }
        p->value = val;
        c->cap = cap;
    }
    const char *unit = v[2] != NULL ? v[2] : "";
    if (p->n == 0) {
        snprintf(p->unit, sizeof p->unit, "%s", unit);
        p->dataset_id = text_int(v[3]);
    } else if (strcmp(p->unit, unit) != 0 && !c->mixed) {
        c->mixed = 1;
        snprintf(c->other_unit, sizeof c->other_unit, "%s", unit);
    }
    value = text_real(v[1]);
    region = cm_strdup(v[0] != NULL ? v[0] : "");
    if (region == NULL) {
        return CM_ENOMEM;
    }
    p->region[p->n] = region;
    p->value[p->n] = isnan(value) ? 0.0 : value; /* an empty WMD cell counts as 0 */
    p->n++;
    return CM_OK;
}

static cm_error_t wmd_filter(cm_i_buf_t *b, const char *alias, const char *material,
                             const char *year)
{
    cm_error_t rc = CM_OK;
    CM_TRY(cm_i_buf_printf(b,
                           " FROM observation %s JOIN dataset d%s ON d%s.id = %s.dataset_id"
                           " WHERE d%s.kind = 'wmd' AND %s.variable = 'production'"
                           " AND %s.material = ",
                           alias, alias, alias, alias, alias, alias, alias));
    CM_TRY(sql_quote(b, material));
    CM_TRY(cm_i_buf_printf(b, " AND %s.period = ", alias));
    CM_TRY(sql_quote(b, year));
cleanup:
    return rc;
}

cm_error_t cm_geopolrisk_production_load(cm_store_t *store, const char *material,
                                         const char *year, cm_geopolrisk_production_t *out,
                                         cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_i_buf_t sql = CM_I_BUF_INIT(SQL_MAX);
    char *text = NULL;
    prod_ctx_t ctx;
    if (store == NULL || material == NULL || year == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL,
                            "cm_geopolrisk_production_load: store, material, year and out must "
                            "not be NULL");
    }
    cm_geopolrisk_production_destroy(out);
    memset(&ctx, 0, sizeof ctx);
    ctx.p = out;
    CM_TRY(cm_i_buf_puts(&sql, "SELECT o.region, " REAL_TEXT("o.value") ", o.unit, o.dataset_id"));
    CM_TRY(wmd_filter(&sql, "o", material, year));
    CM_TRY(cm_i_buf_puts(&sql,
                         " AND o.region IS NOT NULL AND o.region NOT IN (SELECT code FROM "
                         "class_item WHERE classification = 'country' AND is_aggregate = 1)"
                         " AND o.dataset_id = (SELECT MAX(o2.dataset_id)"));
    CM_TRY(wmd_filter(&sql, "o2", material, year));
    CM_TRY(cm_i_buf_puts(&sql, ") ORDER BY o.region, o.line"));
    CM_TRY(cm_i_buf_steal(&sql, &text));
    rc = cm_store_query(store, text, prod_row, &ctx, err);
    if (rc == CM_ENOMEM) {
        cm_error_set(err, rc, "out of memory reading production of '%s' in %s", material, year);
    }
    if (rc != CM_OK) {
        goto cleanup;
    }
    if (out->n == 0) {
        CM_FAIL(cm_error_set(err, CM_ENOTFOUND,
                             "no World Mining Data production of '%s' for %s in the store "
                             "(import it with: cambium import wmd FILE)",
                             material, year));
    }
    if (ctx.mixed) {
        CM_FAIL(cm_error_set(err, CM_EINVAL,
                             "production of '%s' for %s has mixed units: '%s' and '%s'", material,
                             year, out->unit, ctx.other_unit));
    }
cleanup:
    if (rc != CM_OK) {
        cm_geopolrisk_production_destroy(out);
    }
    cm_free(text);
    cm_i_buf_free(&sql);
    return rc;
}

/* --- assessment over the store ----------------------------------------------------------- */

/* One import row: material, importer, period, dataset, exporter quantity and score. */
typedef struct trade_row_t {
    char *material, *importer, *period, *unit;
    int64_t dataset_id;
    double quantity, score;
} trade_row_t;

typedef struct trade_ctx_t {
    trade_row_t *rows;
    size_t n, cap;
} trade_ctx_t;

static void trade_ctx_destroy(trade_ctx_t *c)
{
    for (size_t i = 0; i < c->n; i++) {
        cm_free(c->rows[i].material);
        cm_free(c->rows[i].importer);
        cm_free(c->rows[i].period);
        cm_free(c->rows[i].unit);
    }
    cm_free(c->rows);
    memset(c, 0, sizeof *c);
}

static cm_error_t trade_row(int ncols, const char *const *names, const char *const *v, void *user)
{
    trade_ctx_t *c = user;
    trade_row_t *r;
    (void)names;
    if (ncols < 7) {
        return CM_ESTORE;
    }
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        trade_row_t *rows = cm_realloc_array(c->rows, cap, sizeof *rows);
        if (rows == NULL) {
            return CM_ENOMEM;
        }
        c->rows = rows;
        c->cap = cap;
    }
    r = &c->rows[c->n];
    memset(r, 0, sizeof *r);
    c->n++; /* counted now: destroy frees what was copied */
    r->material = cm_strdup(v[0] != NULL ? v[0] : "");
    r->importer = cm_strdup(v[1] != NULL ? v[1] : "");
    r->period = cm_strdup(v[2] != NULL ? v[2] : "");
    r->unit = cm_strdup(v[5] != NULL ? v[5] : "t");
    if (r->material == NULL || r->importer == NULL || r->period == NULL || r->unit == NULL) {
        return CM_ENOMEM;
    }
    r->dataset_id = text_int(v[3]);
    r->quantity = text_real(v[4]);
    r->score = text_real(v[6]);
    return CM_OK;
}

void cm_geopolrisk_table_destroy(cm_geopolrisk_table_t *t)
{
    if (t == NULL) {
        return;
    }
    for (size_t i = 0; i < t->n; i++) {
        cm_free(t->rows[i].material);
        cm_free(t->rows[i].importer);
        cm_free(t->rows[i].year);
        cm_free(t->rows[i].unit);
    }
    cm_free(t->rows);
    memset(t, 0, sizeof *t);
}

static int same_pair(const trade_row_t *a, const trade_row_t *b)
{
    return strcmp(a->material, b->material) == 0 && strcmp(a->importer, b->importer) == 0;
}

/* Assess rows [b, e) of one (material, importer, period) and dataset into a table row. */
static cm_error_t assess_group(const trade_row_t *rows, size_t b, size_t e,
                               const cm_geopolrisk_production_t *prod, cm_geopolrisk_table_t *out,
                               cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_real_t *q = NULL, *g = NULL;
    cm_real_t domestic = 0.0;
    cm_geopolrisk_row_t *row;
    const char *unit = rows[b].unit;
    size_t n = e - b;

    q = cm_malloc_array(n, sizeof *q);
    g = cm_malloc_array(n, sizeof *g);
    CM_NOMEM(q, err);
    CM_NOMEM(g, err);
    for (size_t i = 0; i < n; i++) {
        const trade_row_t *r = &rows[b + i];
        q[i] = r->quantity;
        g[i] = r->score;
        if (strcmp(r->unit, unit) != 0) {
            CM_TRY(cm_unit_convert(r->quantity, r->unit, unit, &q[i], err));
        }
    }
    for (size_t i = 0; i < prod->n; i++) {
        if (strcmp(prod->region[i], rows[b].importer) == 0 && prod->value[i] != 0.0) {
            rc = cm_unit_convert(prod->value[i], prod->unit, unit, &domestic, err);
            if (rc != CM_OK) {
                cm_error_prefix(err, "domestic production of '%s' in %s: ", rows[b].material,
                                rows[b].importer);
                goto cleanup;
            }
        }
    }
    row = cm_realloc_array(out->rows, out->n + 1, sizeof *row);
    CM_NOMEM(row, err);
    out->rows = row;
    row = &out->rows[out->n];
    memset(row, 0, sizeof *row);
    out->n++;
    row->material = cm_strdup(rows[b].material);
    row->importer = cm_strdup(rows[b].importer);
    row->year = cm_strdup(rows[b].period);
    row->unit = cm_strdup(unit);
    CM_NOMEM(row->material, err);
    CM_NOMEM(row->importer, err);
    CM_NOMEM(row->year, err);
    CM_NOMEM(row->unit, err);
    row->exporters = (cm_int_t)n;
    row->producers = (cm_int_t)prod->n;
    rc = cm_geopolrisk_compute(prod->value, prod->n, q, g, n, domestic, &row->r, err);
    if (rc != CM_OK) {
        cm_error_prefix(err, "GeoPolRisk of '%s' for %s in %s: ", rows[b].material,
                        rows[b].importer, rows[b].period);
    }
cleanup:
    cm_free(q);
    cm_free(g);
    return rc;
}

static cm_error_t resolve_filter(cm_store_t *store, const char *cls, const char *text,
                                 char **out, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_class_t *c = NULL;
    const char *code;
    *out = NULL;
    if (text == NULL) {
        return CM_OK;
    }
    CM_TRY(cm_class_load(store, cls, &c, err));
    code = cm_class_resolve(c, text);
    if (code == NULL) {
        CM_FAIL(cm_error_set(err, CM_ENOTFOUND, "unknown %s '%s' (the %s classification does not "
                             "know it)", cls, text, cls));
    }
    *out = cm_strdup(code);
    CM_NOMEM(*out, err);
cleanup:
    cm_class_free(c);
    return rc;
}

static int is_year(const char *y)
{
    if (strlen(y) != 4) {
        return 0;
    }
    for (int i = 0; i < 4; i++) {
        if (y[i] < '0' || y[i] > '9') {
            return 0;
        }
    }
    return 1;
}

cm_error_t cm_geopolrisk_assess(cm_store_t *store, const cm_geopolrisk_options_t *opt,
                                cm_geopolrisk_table_t *out, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_i_buf_t sql = CM_I_BUF_INIT(SQL_MAX);
    char *text = NULL, *importer = NULL, *material = NULL;
    trade_ctx_t trade;
    cm_geopolrisk_production_t prod;
    cm_geopolrisk_options_t none;
    size_t skipped = 0;

    memset(&trade, 0, sizeof trade);
    memset(&prod, 0, sizeof prod);
    memset(&none, 0, sizeof none);
    if (store == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_geopolrisk_assess: store and out must not be NULL");
    }
    cm_geopolrisk_table_destroy(out);
    if (opt == NULL) {
        opt = &none;
    }
    if (opt->year != NULL && !is_year(opt->year)) {
        return cm_error_set(err, CM_EINVAL, "year: expected a four-digit year, got '%s'",
                            opt->year);
    }
    CM_TRY(resolve_filter(store, "country", opt->importer, &importer, err));
    CM_TRY(resolve_filter(store, "material", opt->material, &material, err));

    CM_TRY(cm_i_buf_puts(&sql, "SELECT q.material, q.region, q.period, q.dataset_id, "
                               REAL_TEXT("q.value") ", q.unit, (SELECT " REAL_TEXT("s.value")
                               " FROM observation s WHERE s.variable = "
                               "'political_stability_score' AND s.region = q.region AND "
                               "s.material = q.material AND s.period = q.period AND "
                               "s.dataset_id = q.dataset_id AND s.line = q.line LIMIT 1)"
                               " FROM observation q JOIN dataset d ON d.id = q.dataset_id"
                               " WHERE d.kind = 'geopolrisk-trade' AND q.variable = "
                               "'import_quantity' AND q.material IS NOT NULL AND q.region IS NOT "
                               "NULL AND q.period IS NOT NULL"));
    if (importer != NULL) {
        CM_TRY(cm_i_buf_puts(&sql, " AND q.region = "));
        CM_TRY(sql_quote(&sql, importer));
    }
    if (material != NULL) {
        CM_TRY(cm_i_buf_puts(&sql, " AND q.material = "));
        CM_TRY(sql_quote(&sql, material));
    }
    if (opt->year != NULL) {
        CM_TRY(cm_i_buf_puts(&sql, " AND q.period = "));
        CM_TRY(sql_quote(&sql, opt->year));
    }
    CM_TRY(cm_i_buf_puts(&sql, " ORDER BY q.material, q.region, q.period DESC, q.dataset_id DESC,"
                               " q.line"));
    CM_TRY(cm_i_buf_steal(&sql, &text));
    rc = cm_store_query(store, text, trade_row, &trade, err);
    if (rc == CM_ENOMEM) {
        cm_error_set(err, rc, "out of memory reading the bilateral imports");
    }
    if (rc != CM_OK) {
        goto cleanup;
    }
    if (trade.n == 0) {
        CM_FAIL(cm_error_set(err, CM_ENOTFOUND,
                             "no bilateral imports%s%s%s%s%s%s in the store (import them with: "
                             "cambium import geopolrisk-trade FILE)",
                             material ? " of " : "", material ? material : "",
                             importer ? " into " : "", importer ? importer : "",
                             opt->year ? " in " : "", opt->year ? opt->year : ""));
    }
    /* Walk (material, importer) pairs; within a pair, periods newest first, then datasets
     * newest first: take the first period with production data, its newest dataset. */
    for (size_t b = 0; b < trade.n;) {
        size_t pe = b;
        int done = 0;
        while (pe < trade.n && same_pair(&trade.rows[b], &trade.rows[pe])) {
            pe++;
        }
        for (size_t g = b; g < pe && !done;) {
            size_t ge = g;
            while (ge < pe && strcmp(trade.rows[ge].period, trade.rows[g].period) == 0 &&
                   trade.rows[ge].dataset_id == trade.rows[g].dataset_id) {
                ge++;
            }
            rc = cm_geopolrisk_production_load(store, trade.rows[g].material,
                                               trade.rows[g].period, &prod, err);
            if (rc == CM_OK) {
                CM_TRY(assess_group(trade.rows, g, ge, &prod, out, err));
                done = 1;
            } else if (rc != CM_ENOTFOUND) {
                goto cleanup;
            }
            rc = CM_OK;
            /* skip the older datasets of this period */
            while (ge < pe && strcmp(trade.rows[ge].period, trade.rows[g].period) == 0) {
                ge++;
            }
            g = ge;
        }
        if (!done) {
            skipped++;
            cm_log(CM_LOG_WARNING,
                   "GeoPolRisk of '%s' for %s left out: no World Mining Data production of it "
                   "for the year%s of its imports",
                   trade.rows[b].material, trade.rows[b].importer, opt->year ? "" : "s");
        }
        b = pe;
    }
    if (out->n == 0) {
        CM_FAIL(cm_error_set(err, CM_ENOTFOUND,
                             "nothing to assess: %zu material x importer pair%s with imports, "
                             "none with World Mining Data production for the same year",
                             skipped, skipped == 1 ? "" : "s"));
    }
cleanup:
    if (rc != CM_OK) {
        cm_geopolrisk_table_destroy(out);
    }
    cm_geopolrisk_production_destroy(&prod);
    trade_ctx_destroy(&trade);
    cm_free(text);
    cm_free(importer);
    cm_free(material);
    cm_i_buf_free(&sql);
    return rc;
}

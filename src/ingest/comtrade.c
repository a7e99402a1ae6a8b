/* Importer "comtrade": UN Comtrade annual bilateral trade by HS6 code, as in
 * ../shared/data/comtrade-crm-hs6-2022-2024/ (columns [year,] reporter, partner, cmd, flow,
 * value, netwgt[, qty, qtyunit]; reporter and partner UN M49 codes with Comtrade's own 251,
 * 579, 699, 757, 842, 490; partner 0 = World; flow M or X; value USD; netwgt kg). Without a
 * year column the year comes from the period option or the file name. A flow is stored as
 * "import_value"/"export_value" (USD) and "import_quantity"/"export_quantity" (net weight,
 * kg) with region = reporter, partner = partner. Comtrade API extracts repeat a key
 * (reporter, partner, cmd, flow) for breakdown rows whose breakdown columns were dropped: the
 * first row of a key is imported and the others are counted ("repeated-key").
 * Optional columns: a classification (classificationCode, classification or clCode: H0 ... H6
 * or HS2017 ...) gives the HS edition, stored in each observation's attributes ({"hs":
 * "HS2017"}); without it the edition is unknown (no attribute). qty with qtyunit (or
 * qtyUnitCode): UN standard unit codes (-1 none, 1 no quantity, 2 m2, 3 1000 kWh, 4 m, 5
 * items, 6 pairs, 7 l, 8 kg, 9 1000 items, 10 packages, 11 dozen, 12 m3, 13 carats). A code
 * outside that list is recorded ("unknown-qty-unit"); a product whose rows give two different
 * units (other than -1) has each later row recorded ("qty-unit-mismatch", naming the first
 * unit's line), and a quantity in kg that differs from the net weight by more than 0.1 % too
 * ("qty-netwgt-mismatch"). The supplementary quantity itself is not stored. With the HS2017 or
 * HS2022 code list in the store (the hs-correlation concordances), a code absent from its
 * row's edition is counted per code ("unknown-product"). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest_internal.h"

#define NONE ((size_t)-1)

typedef struct comtrade_state_t {
    size_t year, reporter, partner, cmd, flow, value, netwgt, qty, qtyunit, cls;
    char file_year[8];
    cm_i_ing_map_t keys;
    cm_i_ing_map_t units; /* product -> first unit code (col) and its line */
    cm_i_ing_map_t codes; /* "HS2022\x1f" code: the codes of the editions in the store */
} comtrade_state_t;

typedef struct codes_load_t {
    cm_i_ing_map_t *map;
    cm_error_info_t *err;
} codes_load_t;

static cm_error_t code_row(int ncols, const char *const *names, const char *const *v, void *ud)
{
    codes_load_t *l = ud;
    char key[32];
    cm_i_ing_entry_t *e = NULL;
    int created = 0;
    CM_UNUSED(ncols);
    CM_UNUSED(names);
    if (v[0] == NULL || v[1] == NULL) {
        return CM_OK;
    }
    /* the code, and a marker saying the edition's list is present */
    snprintf(key, sizeof key, "%.6s\x1f%s", v[0], v[1]);
    if (cm_i_ing_map_put(l->map, key, &e, &created) != CM_OK) {
        return cm_error_set(l->err, CM_ENOMEM, "out of memory loading HS codes");
    }
    snprintf(key, sizeof key, "%.6s\x1f*", v[0]);
    if (cm_i_ing_map_put(l->map, key, &e, &created) != CM_OK) {
        return cm_error_set(l->err, CM_ENOMEM, "out of memory loading HS codes");
    }
    return CM_OK;
}

/* The HS2017 and HS2022 code lists, when the store holds the correlation table (kind
 * hs-correlation): the source codes of "HS2017-HS2022" and of "HS2022-HS2017". */
static cm_error_t comtrade_prepare(cm_i_ing_t *g, cm_error_info_t *err)
{
    comtrade_state_t *s = g->state;
    codes_load_t l = {&s->codes, err};
    return cm_store_query(g->store,
                          "SELECT DISTINCT name, from_code FROM concordance WHERE name IN "
                          "('HS2017-HS2022', 'HS2022-HS2017')",
                          code_row, &l, err);
}

static size_t optional(cm_i_ing_t *g, const char *const *names)
{
    for (size_t i = 0; names[i] != NULL; i++) {
        int64_t c = cm_i_ing_col(g, names[i]);
        if (c >= 0) {
            return (size_t)c;
        }
    }
    return NONE;
}

/* The quantity unit of a row against the product's first one. */
static cm_error_t check_qty_unit(cm_i_ing_t *g, const cm_csv_row_t *row, const char *product,
                                 const cm_num_t *w, cm_error_info_t *err)
{
    comtrade_state_t *s = g->state;
    char text[32], detail[128];
    char *endp = NULL;
    long code;
    cm_num_t q;
    cm_i_ing_entry_t *e = NULL;
    int created = 0;
    cm_i_ing_clean(text, sizeof text, cm_i_ing_field(row, s->qtyunit));
    if (text[0] == '\0') {
        return CM_OK;
    }
    code = strtol(text, &endp, 10);
    if (*endp != '\0' || code < -1 || code == 0 || code > 13) {
        return cm_i_ing_issue(g, row, "unknown-qty-unit", s->qtyunit, text, err);
    }
    if (code == -1) {
        return CM_OK;
    }
    if (cm_i_ing_map_put(&s->units, product, &e, &created) != CM_OK) {
        return cm_error_set(err, CM_ENOMEM, "out of memory checking quantity units");
    }
    if (created) {
        e->col = code;
        e->line = row->line;
    } else if (e->col != code) {
        snprintf(detail, sizeof detail, "%s: unit %ld here, unit %lld at line %lld", product,
                 code, (long long)e->col, (long long)e->line);
        return cm_i_ing_issue(g, row, "qty-unit-mismatch", s->qtyunit, detail, err);
    }
    if (code == 8 && s->qty != NONE && cm_num_has_value(w)) {
        cm_error_t rc = cm_i_ing_number(g, row, s->qty, CM_NUMF_EMPTY | CM_NUMF_NA, 1, &q, err);
        if (rc != CM_OK) {
            return rc;
        }
        if (cm_num_has_value(&q) &&
            fabs(q.value - w->value) > 1e-3 * fmax(fabs(q.value), fabs(w->value))) {
            snprintf(detail, sizeof detail, "%s: qty %.6g kg, netwgt %.6g kg", product,
                     q.value, w->value);
            return cm_i_ing_issue(g, row, "qty-netwgt-mismatch", s->qty, detail, err);
        }
    }
    return CM_OK;
}

static cm_error_t comtrade_header(cm_i_ing_t *g, const cm_csv_row_t *row, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    comtrade_state_t *s = g->state;
    int64_t y = cm_i_ing_col(g, "year");
    CM_TRY(cm_i_ing_require(g, row, "reporter", &s->reporter, err));
    CM_TRY(cm_i_ing_require(g, row, "partner", &s->partner, err));
    CM_TRY(cm_i_ing_require(g, row, "cmd", &s->cmd, err));
    CM_TRY(cm_i_ing_require(g, row, "flow", &s->flow, err));
    CM_TRY(cm_i_ing_require(g, row, "value", &s->value, err));
    CM_TRY(cm_i_ing_require(g, row, "netwgt", &s->netwgt, err));
    static const char *const qty_names[] = {"qty", "qtyQuantity", NULL};
    static const char *const unit_names[] = {"qtyunit", "qtyUnitCode", NULL};
    static const char *const cls_names[] = {"classificationCode", "classification", "clCode",
                                            NULL};
    s->qty = optional(g, qty_names);
    s->qtyunit = optional(g, unit_names);
    s->cls = optional(g, cls_names);
    s->year = y < 0 ? NONE : (size_t)y;
    if (y < 0) {
        CM_TRY(cm_i_ing_option_year(g, s->file_year, err));
    }
cleanup:
    return rc;
}

static cm_error_t comtrade_row(cm_i_ing_t *g, const cm_csv_row_t *row, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    comtrade_state_t *s = g->state;
    char year[8], product[16], flow[8], key[128], hs_attr[32];
    const char *reporter, *partner, *hs = NULL;
    cm_i_ing_entry_t *e = NULL;
    int created = 0;
    cm_num_t v, w;
    cm_obs_t o;

    if (s->year == NONE) {
        memcpy(year, s->file_year, sizeof year);
    } else {
        CM_TRY(cm_i_ing_year(g, row, s->year, year, err));
    }
    cm_i_ing_clean(flow, sizeof flow, cm_i_ing_field(row, s->flow));
    if (strcmp(flow, "M") != 0 && strcmp(flow, "X") != 0) {
        CM_FAIL(cm_i_ing_fail(g, err, CM_EPARSE, row->line, s->flow,
                              "column 'flow': expected M (import) or X (export), got '%s'",
                              flow));
    }
    CM_TRY(cm_i_ing_code(g, row, s->cmd, 6, product, sizeof product, err));
    CM_TRY(cm_i_ing_number(g, row, s->value, 0, 1, &v, err));
    CM_TRY(cm_i_ing_number(g, row, s->netwgt, CM_NUMF_EMPTY | CM_NUMF_NA, 1, &w, err));
    reporter = cm_i_ing_country(g, cm_i_ing_field(row, s->reporter));
    if (reporter == NULL) {
        CM_FAIL(cm_i_ing_keep_aside(g, row, "unknown-country", s->reporter,
                                    cm_i_ing_field(row, s->reporter), err));
    }
    partner = cm_i_ing_country(g, cm_i_ing_field(row, s->partner));
    if (partner == NULL && strcmp(cm_i_ing_field(row, s->partner), "0") == 0) {
        partner = "WLD"; /* Comtrade partner 0 = World */
    }
    if (partner == NULL) {
        CM_FAIL(cm_i_ing_keep_aside(g, row, "unknown-country", s->partner,
                                    cm_i_ing_field(row, s->partner), err));
    }
    snprintf(key, sizeof key, "%s\x1f%s\x1f%s\x1f%s\x1f%s", year, reporter, partner, product,
             flow);
    if (cm_i_ing_map_put(&s->keys, key, &e, &created) != CM_OK) {
        CM_FAIL(cm_error_set(err, CM_ENOMEM, "out of memory checking keys"));
    }
    if (!created) {
        CM_TRY(cm_i_ing_quirk(g, "repeated-key", NULL, 1, err));
        goto cleanup;
    }
    e->line = row->line;
    if (!cm_num_has_value(&w)) {
        CM_TRY(cm_i_ing_quirk(g, "missing-quantity", NULL, 1, err));
    }
    if (s->qtyunit != NONE) {
        CM_TRY(check_qty_unit(g, row, product, &w, err));
    }
    if (s->cls != NONE) {
        hs = cm_i_ing_hs_of_code(cm_i_ing_field(row, s->cls));
        if (hs == NULL) {
            CM_TRY(cm_i_ing_quirk(g, "unknown-classification", cm_i_ing_field(row, s->cls), 1,
                                  err));
        }
    }
    if (hs != NULL && s->codes.n > 0) {
        char ck[32];
        snprintf(ck, sizeof ck, "%s\x1f%s", hs, product);
        if (cm_i_ing_map_get(&s->codes, ck) == NULL) {
            /* only editions whose list is in the store are checked */
            snprintf(ck, sizeof ck, "%s\x1f*", hs);
            if (cm_i_ing_map_get(&s->codes, ck) != NULL) {
                CM_TRY(cm_i_ing_quirk(g, "unknown-product", product, 1, err));
            }
        }
    }
    snprintf(hs_attr, sizeof hs_attr, "{\"hs\":\"%s\"}", hs != NULL ? hs : "");
    memset(&o, 0, sizeof o);
    o.variable = flow[0] == 'M' ? "import_value" : "export_value";
    o.region = reporter;
    o.partner = partner;
    o.product = product;
    o.period = year;
    o.value = v.value;
    o.unit = "USD";
    o.line = row->line;
    o.attrs = hs != NULL ? hs_attr : NULL;
    CM_TRY(cm_i_ing_add(g, &o, err));
    o.variable = flow[0] == 'M' ? "import_quantity" : "export_quantity";
    o.value = w.value;
    o.unit = "kg";
    o.flag = cm_num_has_value(&w) ? NULL : ((w.flags & CM_NUMF_NA) != 0 ? "NA" : "missing");
    CM_TRY(cm_i_ing_add(g, &o, err));
cleanup:
    return rc;
}

static void comtrade_destroy(cm_i_ing_t *g)
{
    comtrade_state_t *s = g->state;
    cm_i_ing_map_destroy(&s->keys);
    cm_i_ing_map_destroy(&s->units);
    cm_i_ing_map_destroy(&s->codes);
}

static int comtrade_detect(size_t n, const char *const *f)
{
    static const char *const names[] = {"reporter", "partner", "cmd", "flow", "netwgt", NULL};
    return cm_i_ing_has_columns(n, f, names);
}

const cm_i_importer_t cm_i_imp_comtrade = {
    .kind = "comtrade",
    .summary = "UN Comtrade bilateral trade by HS6 with net weight",
    .name = "UN Comtrade bilateral trade by HS6 code",
    .publisher = "United Nations Statistics Division, UN Comtrade",
    .source = "https://comtradeplus.un.org (API data/v1/get/C/A/HS); extracts of "
              "https://github.com/Varcolacus/critical-materials-atlas (commit 17b328d)",
    .licence = "UN Comtrade terms of use (attribution; bulk redistribution restricted)",
    .version = "API extract",
    .separator = ',',
    .state_size = sizeof(comtrade_state_t),
    .prepare = comtrade_prepare,
    .header = comtrade_header,
    .row = comtrade_row,
    .destroy = comtrade_destroy,
    .detect = comtrade_detect,
};

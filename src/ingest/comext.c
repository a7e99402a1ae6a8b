/* Importer "comext": Eurostat Comext trade by declarant, partner and CN8 product (the bulk
 * layout full_v2_YYYYMM and extracts of it such as eu_comext_critical_inputs_cn8_2022_2024.csv,
 * ../shared/data/comext-eu27-critical-inputs-cn8/SOURCE.md). Country codes are Eurostat's
 * two-letter codes (Greece EL, United Kingdom GB/UK, Kosovo XK, Serbia XS), resolved with the
 * country classification. Each observation carries the HS edition of its CN year in its
 * attributes ({"hs": "HS2022"}: CN8 of year Y belongs to the HS edition in force in Y).
 * Checks (docs/importers.md): a value ':' or 'c' (confidential) is stored as NaN with its flag
 * and counted; a row repeating the key of an earlier row (every column but the numbers) is kept
 * aside ("duplicate-key"); with a CN nomenclature in the store (kind cn-nomenclature), a
 * product not in it is counted per code ("unknown-product") and a SUPP_UNIT other than the
 * product's is recorded at its line and column ("supp-unit-mismatch"); a SUPP_UNIT that is
 * neither a CN unit nor its UNECE code is recorded ("unknown-supp-unit"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest_internal.h"

#define NONE ((size_t)-1)

typedef struct comext_state_t {
    size_t declarant, partner, product, flow, period, value, qty, supp, supp_unit;
    cm_i_ing_map_t nomen; /* CN8 -> supplementary unit (text) */
    int have_nomen;
    cm_i_ing_map_t keys;  /* row key -> first line */
    cm_i_buf_t key;
} comext_state_t;

static cm_error_t comext_prepare(cm_i_ing_t *g, cm_error_info_t *err)
{
    comext_state_t *s = g->state;
    s->key.max = (size_t)1 << 20;
    return cm_i_ing_load_supp_units(g->store, &s->nomen, &s->have_nomen, err);
}

/* The row's key: every field but the numbers (value, quantities, supplementary unit). */
static cm_error_t row_key(comext_state_t *s, const cm_csv_row_t *row, cm_error_info_t *err)
{
    cm_i_buf_reset(&s->key);
    if (cm_i_buf_puts(&s->key, "") != CM_OK) {
        return cm_error_set(err, CM_ENOMEM, "out of memory checking keys");
    }
    for (size_t i = 0; i < row->nfields; i++) {
        if (i == s->value || i == s->qty || i == s->supp || i == s->supp_unit) {
            continue;
        }
        if (cm_i_buf_append(&s->key, row->fields[i], row->lengths[i]) != CM_OK ||
            cm_i_buf_append(&s->key, "\x1f", 1) != CM_OK) {
            return cm_error_set(err, CM_ENOMEM, "out of memory checking keys");
        }
    }
    return CM_OK;
}

/* SUPP_UNIT against the CN nomenclature. */
static cm_error_t check_supp(cm_i_ing_t *g, const cm_csv_row_t *row, const char *product,
                             const cm_num_t *sq, cm_error_info_t *err)
{
    comext_state_t *s = g->state;
    char unit[64], detail[160];
    const char *norm = NULL;
    const cm_i_ing_entry_t *e;
    cm_i_ing_clean(unit, sizeof unit, cm_i_ing_field(row, s->supp_unit));
    if (unit[0] != '\0') {
        norm = cm_i_ing_supp_unit(unit);
        if (norm == NULL) {
            return cm_i_ing_issue(g, row, "unknown-supp-unit", s->supp_unit, unit, err);
        }
    }
    if (!s->have_nomen) {
        return CM_OK;
    }
    e = cm_i_ing_map_get(&s->nomen, product);
    if (e == NULL || e->text == NULL) {
        return CM_OK; /* counted as unknown-product */
    }
    if (norm == NULL) {
        if (strcmp(e->text, "-") == 0 || !cm_num_has_value(sq)) {
            return CM_OK;
        }
        snprintf(detail, sizeof detail, "%s: no unit given with a supplementary quantity, "
                 "the CN gives '%s'", product, e->text);
        return cm_i_ing_issue(g, row, "supp-unit-mismatch", s->supp_unit, detail, err);
    }
    if (strcmp(norm, e->text) != 0) {
        snprintf(detail, sizeof detail, "%s: '%s' given, the CN gives '%s'", product, unit,
                 e->text);
        return cm_i_ing_issue(g, row, "supp-unit-mismatch", s->supp_unit, detail, err);
    }
    return CM_OK;
}

static size_t optional_col(cm_i_ing_t *g, const char *a, const char *b)
{
    int64_t c = cm_i_ing_col(g, a);
    if (c < 0 && b != NULL) {
        c = cm_i_ing_col(g, b);
    }
    return c < 0 ? NONE : (size_t)c;
}

static cm_error_t comext_header(cm_i_ing_t *g, const cm_csv_row_t *row, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    comext_state_t *s = g->state;
    CM_TRY(cm_i_ing_require(g, row, "DECLARANT_ISO", &s->declarant, err));
    CM_TRY(cm_i_ing_require(g, row, "PARTNER_ISO", &s->partner, err));
    CM_TRY(cm_i_ing_require(g, row, "PRODUCT_NC", &s->product, err));
    CM_TRY(cm_i_ing_require(g, row, "FLOW", &s->flow, err));
    CM_TRY(cm_i_ing_require(g, row, "PERIOD", &s->period, err));
    CM_TRY(cm_i_ing_require(g, row, "VALUE_IN_EUROS", &s->value, err));
    s->qty = optional_col(g, "QUANTITY_IN_KG", NULL);
    s->supp = optional_col(g, "SUPP_QUANTITY", "SUP_QUANTITY");
    s->supp_unit = optional_col(g, "SUPP_UNIT", "SUP_UNIT");
cleanup:
    return rc;
}

/* Flag stored for a missing quantity: the source's own flag, else "missing" (empty cell). */
static const char *missing_flag(const cm_num_t *n)
{
    const char *f = cm_i_ing_flag(n);
    return f != NULL ? f : "missing";
}

static cm_error_t comext_row(cm_i_ing_t *g, const cm_csv_row_t *row, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    comext_state_t *s = g->state;
    char flow[16], period[16], product[16], attrs[160], hs_attr[32];
    const char *region = NULL, *partner = NULL, *hs;
    int import, created = 0;
    cm_i_ing_entry_t *ke = NULL;
    cm_num_t v, q, sq;
    cm_obs_t o;

    cm_i_ing_clean(flow, sizeof flow, cm_i_ing_field(row, s->flow));
    if (strcmp(flow, "1") != 0 && strcmp(flow, "2") != 0) {
        CM_FAIL(cm_i_ing_fail(g, err, CM_EPARSE, row->line, s->flow,
                              "column 'FLOW': expected 1 (import) or 2 (export), got '%s'", flow));
    }
    import = flow[0] == '1';
    CM_TRY(cm_i_ing_period(g, row, s->period, period, err));
    if (strchr(period, '-') != NULL) {
        CM_TRY(cm_i_ing_quirk(g, "monthly-period", NULL, 1, err));
    }
    CM_TRY(cm_i_ing_code(g, row, s->product, 8, product, sizeof product, err));
    CM_TRY(row_key(s, row, err));
    if (cm_i_ing_map_put(&s->keys, s->key.data, &ke, &created) != CM_OK) {
        CM_FAIL(cm_error_set(err, CM_ENOMEM, "out of memory checking keys"));
    }
    if (!created) {
        char same[48];
        snprintf(same, sizeof same, "same key as line %lld", (long long)ke->line);
        CM_FAIL(cm_i_ing_keep_aside(g, row, "duplicate-key", s->product, same, err));
    }
    ke->line = row->line;
    CM_TRY(cm_i_ing_number(g, row, s->value,
                           CM_NUMF_NOT_AVAILABLE | CM_NUMF_CONFIDENTIAL | CM_NUMF_WITHHELD, 1, &v,
                           err));
    if (!cm_num_has_value(&v)) {
        CM_TRY(cm_i_ing_quirk(g, "confidential-value", NULL, 1, err));
    }
    if (s->have_nomen && cm_i_ing_map_get(&s->nomen, product) == NULL) {
        CM_TRY(cm_i_ing_quirk(g, "unknown-product", product, 1, err));
    }
    memset(&q, 0, sizeof q);
    memset(&sq, 0, sizeof sq);
    if (s->qty != NONE) {
        CM_TRY(cm_i_ing_number(g, row, s->qty,
                               CM_NUMF_EMPTY | CM_NUMF_NOT_AVAILABLE | CM_NUMF_NA, 1, &q, err));
        if (!cm_num_has_value(&q)) {
            CM_TRY(cm_i_ing_quirk(g, "missing-quantity", NULL, 1, err));
        }
    }
    if (s->supp != NONE) {
        CM_TRY(cm_i_ing_number(g, row, s->supp,
                               CM_NUMF_EMPTY | CM_NUMF_NOT_AVAILABLE | CM_NUMF_NA, 1, &sq, err));
    }
    region = cm_i_ing_country(g, cm_i_ing_field(row, s->declarant));
    if (region == NULL) {
        CM_FAIL(cm_i_ing_keep_aside(g, row, "unknown-country", s->declarant,
                                    cm_i_ing_field(row, s->declarant), err));
    }
    partner = cm_i_ing_country(g, cm_i_ing_field(row, s->partner));
    if (partner == NULL) {
        CM_FAIL(cm_i_ing_keep_aside(g, row, "unknown-country", s->partner,
                                    cm_i_ing_field(row, s->partner), err));
    }
    if (s->supp_unit != NONE) {
        CM_TRY(check_supp(g, row, product, &sq, err));
    }
    hs = cm_i_ing_hs_of_year((int)strtol(period, NULL, 10));
    snprintf(hs_attr, sizeof hs_attr, "{\"hs\":\"%s\"}", hs != NULL ? hs : "");
    memset(&o, 0, sizeof o);
    o.variable = import ? "import_value" : "export_value";
    o.region = region;
    o.partner = partner;
    o.product = product;
    o.period = period;
    o.value = v.value;
    o.unit = "EUR";
    o.flag = cm_num_has_value(&v) ? NULL : missing_flag(&v);
    o.line = row->line;
    o.attrs = hs != NULL ? hs_attr : NULL;
    if (s->supp != NONE && cm_num_has_value(&sq)) {
        char unit[32];
        cm_i_ing_clean(unit, sizeof unit,
                       s->supp_unit != NONE ? cm_i_ing_field(row, s->supp_unit) : "");
        /* Supplementary units (p/st, l, m2 ...) are not units of the registry: an attribute. */
        cm_i_buf_reset(&g->scratch);
        snprintf(attrs, sizeof attrs, "{\"hs\":\"%s\",\"supp_quantity\":%.17g,\"supp_unit\":",
                 hs != NULL ? hs : "", sq.value);
        if (cm_i_buf_puts(&g->scratch, attrs) != CM_OK ||
            cm_i_ing_json_str(&g->scratch, unit) != CM_OK ||
            cm_i_buf_puts(&g->scratch, "}") != CM_OK) {
            CM_FAIL(cm_error_set(err, CM_ENOMEM, "out of memory writing attributes"));
        }
        o.attrs = g->scratch.data;
    }
    CM_TRY(cm_i_ing_add(g, &o, err));
    if (s->qty != NONE) {
        o.variable = import ? "import_quantity" : "export_quantity";
        o.value = q.value;
        o.unit = "kg";
        o.flag = cm_num_has_value(&q) ? NULL : missing_flag(&q);
        o.attrs = hs != NULL ? hs_attr : NULL;
        CM_TRY(cm_i_ing_add(g, &o, err));
    }
cleanup:
    return rc;
}

static void comext_destroy(cm_i_ing_t *g)
{
    comext_state_t *s = g->state;
    cm_i_ing_map_destroy(&s->nomen);
    cm_i_ing_map_destroy(&s->keys);
    cm_i_buf_free(&s->key);
}

static int comext_detect(size_t n, const char *const *f)
{
    static const char *const names[] = {"DECLARANT_ISO", "PARTNER_ISO", "PRODUCT_NC",
                                        "VALUE_IN_EUROS", NULL};
    return cm_i_ing_has_columns(n, f, names);
}

const cm_i_importer_t cm_i_imp_comext = {
    .kind = "comext",
    .summary = "Eurostat Comext trade by partner and CN8 (bulk layout or extract)",
    .name = "Eurostat Comext trade by partner and CN8 product",
    .publisher = "Eurostat, Comext (international trade in goods, bulk files full_v2)",
    .source = "https://ec.europa.eu/eurostat/comext/newxtweb/ bulk download",
    .licence = "Eurostat reuse policy (free reuse with acknowledgement)",
    .version = "Comext",
    .separator = ',',
    .state_size = sizeof(comext_state_t),
    .prepare = comext_prepare,
    .header = comext_header,
    .row = comext_row,
    .destroy = comext_destroy,
    .detect = comext_detect,
};

/* Importer "comtrade": UN Comtrade annual bilateral trade by HS6 code, as in
 * ../shared/data/comtrade-crm-hs6-2022-2024/ (columns [year,] reporter, partner, cmd, flow,
 * value, netwgt[, qty, qtyunit]; reporter and partner UN M49 codes with Comtrade's own 251,
 * 579, 699, 757, 842, 490; partner 0 = World; flow M or X; value USD; netwgt kg). Without a
 * year column the year comes from the period option or the file name. A flow is stored as
 * "import_value"/"export_value" (USD) and "import_quantity"/"export_quantity" (net weight,
 * kg) with region = reporter, partner = partner. Comtrade API extracts repeat a key
 * (reporter, partner, cmd, flow) for breakdown rows whose breakdown columns were dropped: the
 * first row of a key is imported and the others are counted ("repeated-key"). */
#include <stdio.h>
#include <string.h>

#include "ingest_internal.h"

#define NONE ((size_t)-1)

typedef struct comtrade_state_t {
    size_t year, reporter, partner, cmd, flow, value, netwgt;
    char file_year[8];
    cm_i_ing_map_t keys;
} comtrade_state_t;

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
    char year[8], product[16], flow[8], key[128];
    const char *reporter, *partner;
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
    memset(&o, 0, sizeof o);
    o.variable = flow[0] == 'M' ? "import_value" : "export_value";
    o.region = reporter;
    o.partner = partner;
    o.product = product;
    o.period = year;
    o.value = v.value;
    o.unit = "USD";
    o.line = row->line;
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
    .header = comtrade_header,
    .row = comtrade_row,
    .destroy = comtrade_destroy,
    .detect = comtrade_detect,
};

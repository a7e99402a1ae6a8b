/* Importer "wgi": the Worldwide Governance Indicators in long format (World Bank, 2024
 * update; file wgidataset.csv of lmorgans/WGIdata, see ../shared/data/wgi-2024-update/SOURCE.md).
 * One record per economy x indicator x year; six numeric columns, ".." when missing. */
#include <string.h>

#include "ingest_internal.h"

static const char *const value_cols[] = {"estimate", "stddev", "nsource",
                                         "pctrank", "pctranklower", "pctrankupper"};
static const char *const units[] = {"1", "1", "1", "%", "%", "%"};
#define NVALUES 6

static const char *const indicators[] = {"va", "pv", "ge", "rq", "rl", "cc"};

typedef struct wgi_state_t {
    size_t code, name, year, indicator;
    size_t value[NVALUES];
} wgi_state_t;

static cm_error_t wgi_header(cm_i_ing_t *g, const cm_csv_row_t *row, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    wgi_state_t *s = g->state;
    CM_TRY(cm_i_ing_require(g, row, "code", &s->code, err));
    CM_TRY(cm_i_ing_require(g, row, "countryname", &s->name, err));
    CM_TRY(cm_i_ing_require(g, row, "year", &s->year, err));
    CM_TRY(cm_i_ing_require(g, row, "indicator", &s->indicator, err));
    for (size_t i = 0; i < NVALUES; i++) {
        CM_TRY(cm_i_ing_require(g, row, value_cols[i], &s->value[i], err));
    }
cleanup:
    return rc;
}

static cm_error_t wgi_row(cm_i_ing_t *g, const cm_csv_row_t *row, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    wgi_state_t *s = g->state;
    char year[8];
    char ind[16];
    const char *indicator = NULL;
    const char *region = NULL;
    cm_num_t num[NVALUES];

    CM_TRY(cm_i_ing_year(g, row, s->year, year, err));
    cm_i_ing_clean(ind, sizeof ind, cm_i_ing_field(row, s->indicator));
    for (size_t i = 0; i < sizeof indicators / sizeof indicators[0]; i++) {
        if (cm_i_ing_eq(ind, indicators[i])) {
            indicator = indicators[i];
        }
    }
    if (indicator == NULL) {
        CM_FAIL(cm_i_ing_fail(g, err, CM_EPARSE, row->line, s->indicator,
                              "column 'indicator': expected one of va, pv, ge, rq, rl, cc, got "
                              "'%s'",
                              ind));
    }
    /* Check every number before deciding where the row goes: a bad cell is an error even
     * in a row kept aside. */
    for (size_t i = 0; i < NVALUES; i++) {
        CM_TRY(cm_i_ing_number(g, row, s->value[i], CM_NUMF_NOT_AVAILABLE, i > 0, &num[i], err));
        if (i >= 3 && cm_num_has_value(&num[i]) && num[i].value > 100) {
            CM_FAIL(cm_i_ing_fail(g, err, CM_EPARSE, row->line, s->value[i],
                                  "column '%s': expected a percentile rank between 0 and 100, "
                                  "got %.17g",
                                  value_cols[i], num[i].value));
        }
    }
    region = cm_i_ing_country(g, cm_i_ing_field(row, s->code));
    if (region == NULL) {
        region = cm_i_ing_country(g, cm_i_ing_field(row, s->name));
    }
    if (region == NULL) {
        CM_FAIL(cm_i_ing_keep_aside(g, row, "unknown-country", s->code,
                                    cm_i_ing_field(row, s->name), err));
    }
    for (size_t i = 0; i < NVALUES; i++) {
        cm_obs_t o;
        memset(&o, 0, sizeof o);
        o.variable = value_cols[i];
        o.region = region;
        o.product = indicator;
        o.period = year;
        o.value = num[i].value;
        o.unit = units[i];
        o.flag = cm_i_ing_flag(&num[i]);
        o.line = row->line;
        CM_TRY(cm_i_ing_add(g, &o, err));
    }
cleanup:
    return rc;
}

static int wgi_detect(size_t n, const char *const *f)
{
    int code = 0, est = 0, ind = 0;
    for (size_t i = 0; i < n; i++) {
        code |= cm_i_ing_eq(f[i], "code") || cm_i_ing_eq(f[i], "codeindyr");
        est |= cm_i_ing_eq(f[i], "estimate");
        ind |= cm_i_ing_eq(f[i], "indicator");
    }
    return code && est && ind;
}

const cm_i_importer_t cm_i_imp_wgi = {
    .kind = "wgi",
    .summary = "Worldwide Governance Indicators, long format (wgidataset.csv)",
    .name = "Worldwide Governance Indicators",
    .publisher = "World Bank (Kaufmann & Kraay), www.govindicators.org",
    .source = "https://github.com/lmorgans/WGIdata wgidataset.csv "
              "(commit 05f52f816a6c09473096edbf657aa310d5c30507)",
    .licence = "CC BY 4.0 (World Bank WGI data)",
    .version = "2024 update (1996-2023)",
    .separator = ',',
    .state_size = sizeof(wgi_state_t),
    .header = wgi_header,
    .row = wgi_row,
    .detect = wgi_detect,
};

/* Importer "unep-irp-mfa": the UNEP International Resource Panel Global Material Flows
 * Database export in wide layout (MFA13 classification), as in
 * ../shared/data/unep-irp-mfa-belgium/unep_irp_mfa13_belgium_minerals_extract.csv:
 *   "Country","Category","Flow name","Flow code","Flow unit","1970",...,"2024"
 * One record per country x category x flow (DE, IMP, EXP, DMI, DMC, PTB); one column per year.
 * Observations: variable "ewmfa", product = flow code, material = the category as written,
 * unit = the flow unit ("t"), period = year. An empty cell is a "missing-value" issue (never
 * zero); a cell that is not a number is an error at its line and column. */
#include <stdio.h>
#include <string.h>

#include "ingest_internal.h"

typedef struct unep_state_t {
    size_t country, category, flow_name, code, unit;
    size_t first_year; /* first year column */
} unep_state_t;

static const char *const flow_codes[] = {"DE", "IMP", "EXP", "DMI", "DMC", "PTB"};

static cm_error_t unep_header(cm_i_ing_t *g, const cm_csv_row_t *row, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    unep_state_t *s = g->state;
    CM_TRY(cm_i_ing_require(g, row, "Country", &s->country, err));
    CM_TRY(cm_i_ing_require(g, row, "Category", &s->category, err));
    CM_TRY(cm_i_ing_require(g, row, "Flow name", &s->flow_name, err));
    CM_TRY(cm_i_ing_require(g, row, "Flow code", &s->code, err));
    CM_TRY(cm_i_ing_require(g, row, "Flow unit", &s->unit, err));
    s->first_year = g->nused;
    for (size_t i = 0; i < g->nused; i++) {
        char y[32];
        cm_i_ing_clean(y, sizeof y, g->header[i]);
        if (strlen(y) == 4 && strspn(y, "0123456789") == 4) {
            if (s->first_year == g->nused) {
                s->first_year = i;
            }
        } else if (s->first_year != g->nused) {
            CM_FAIL(cm_i_ing_fail(g, err, CM_EPARSE, row->line, i,
                                  "expected a four-digit year as column header after the first "
                                  "year column, got '%s'",
                                  y));
        }
    }
    if (s->first_year == g->nused) {
        CM_FAIL(cm_i_ing_fail(g, err, CM_EPARSE, row->line, g->nused,
                              "expected year columns (\"1970\", ...) after 'Flow unit', found "
                              "none"));
    }
cleanup:
    return rc;
}

static cm_error_t unep_row(cm_i_ing_t *g, const cm_csv_row_t *row, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    unep_state_t *s = g->state;
    char category[160], code[16], unit[16], flow[160];
    const char *region = NULL;
    int known = 0;
    cm_i_buf_t attrs = CM_I_BUF_INIT(4096);

    cm_i_ing_clean(category, sizeof category, cm_i_ing_field(row, s->category));
    cm_i_ing_clean(code, sizeof code, cm_i_ing_field(row, s->code));
    cm_i_ing_clean(unit, sizeof unit, cm_i_ing_field(row, s->unit));
    cm_i_ing_clean(flow, sizeof flow, cm_i_ing_field(row, s->flow_name));
    for (size_t i = 0; i < sizeof flow_codes / sizeof flow_codes[0]; i++) {
        known |= strcmp(code, flow_codes[i]) == 0;
    }
    if (!known) {
        CM_FAIL(cm_i_ing_fail(g, err, CM_EPARSE, row->line, s->code,
                              "column 'Flow code': expected DE, IMP, EXP, DMI, DMC or PTB, got "
                              "'%s'",
                              code));
    }
    if (category[0] == '\0') {
        CM_FAIL(cm_i_ing_fail(g, err, CM_EPARSE, row->line, s->category,
                              "column 'Category': expected a material category, got an empty "
                              "field"));
    }
    if (unit[0] == '\0') {
        CM_FAIL(cm_i_ing_fail(g, err, CM_EPARSE, row->line, s->unit,
                              "column 'Flow unit': expected a unit such as 't', got an empty "
                              "field"));
    }
    CM_TRY(cm_i_ing_unit(g, "UNEP-IRP flows", unit, row, s->unit, err));
    region = cm_i_ing_country(g, cm_i_ing_field(row, s->country));
    if (region == NULL) {
        CM_FAIL(cm_i_ing_keep_aside(g, row, "unknown-country", s->country,
                                    cm_i_ing_field(row, s->country), err));
    }
    CM_TRY(cm_i_buf_puts(&attrs, "{\"dataset\":\"unep-irp-mfa13\",\"flow\":"));
    CM_TRY(cm_i_ing_json_str(&attrs, flow));
    CM_TRY(cm_i_buf_puts(&attrs, "}"));
    for (size_t i = s->first_year; i < g->nused; i++) {
        cm_num_t num;
        char year[8];
        CM_TRY(cm_i_ing_number(g, row, i, CM_NUMF_EMPTY, 0, &num, err));
        cm_i_ing_clean(year, sizeof year, g->header[i]);
        if (!cm_num_has_value(&num)) {
            char detail[240];
            snprintf(detail, sizeof detail, "ewmfa %s %s %s %s: no value", code, category, region,
                     year);
            CM_TRY(cm_store_import_issue(g->si, "missing-value", row->line, (int64_t)i + 1, detail,
                                         0, NULL, err));
            CM_TRY(cm_i_ing_quirk(g, "missing-value", NULL, 1, err));
            continue;
        }
        cm_obs_t o;
        memset(&o, 0, sizeof o);
        o.variable = "ewmfa";
        o.region = region;
        o.material = category;
        o.product = code;
        o.period = year;
        o.value = num.value;
        o.unit = unit;
        o.attrs = attrs.data;
        o.line = row->line;
        CM_TRY(cm_i_ing_add(g, &o, err));
    }
cleanup:
    cm_i_buf_free(&attrs);
    return rc;
}

static int unep_detect(size_t n, const char *const *f)
{
    static const char *const need[] = {"Country", "Category", "Flow code", "Flow unit", NULL};
    return cm_i_ing_has_columns(n, f, need);
}

const cm_i_importer_t cm_i_imp_unep_mfa = {
    .kind = "unep-irp-mfa",
    .summary =
        "UNEP-IRP Global Material Flows Database, wide MFA13 export (DE/IMP/EXP/DMI/DMC/PTB)",
    .name = "UNEP-IRP Global Material Flows Database (MFA13)",
    .publisher = "UNEP International Resource Panel, www.resourcepanel.org/global-material-flows-"
                 "database",
    .source = "https://github.com/pmbusch/material-intensity Inputs/UNEP/mfa13_export.csv "
              "(commit c9bc336a2fd51682ff4e05b5a89fd10b4a61c3c3)",
    .licence = "UNEP-IRP database terms (cite the IRP Global Material Flows Database)",
    .version = "MFA13 export (1970-2024)",
    .separator = ',',
    .state_size = sizeof(unep_state_t),
    .header = unep_header,
    .row = unep_row,
    .detect = unep_detect,
};

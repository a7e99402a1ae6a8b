/* Importers of the EU 2023 criticality assessment tables:
 *   eu-crm-results  eureport_results.csv (meyerdata/CritMAT): published SR, EI and inputs
 *   eu-crm-trade    eureport_tradeparameters.csv (CritMAT): trade parameter t
 *   eu-crm-history  dimension_CRMsOverTime.csv (erikemilsson/...): SR and EI 2011-2023
 *   eu-crm-supply   fact_GlobalSupplyShares_t.csv / fact_EUSupplyShares_t.csv: shares and t
 *   eu-crm-use      fact_MaterialUseShares.csv: end-use shares and NACE value added
 * Sources: ../shared/data/eu-crm-2023-critmat/SOURCE.md and eu-crm-2023-emilsson/SOURCE.md.
 * Figures: European Commission, Study on the Critical Raw Materials for the EU 2023,
 * doi:10.2873/725585. All observations have region "EU27" (the assessing economy). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ingest_internal.h"

#define EU_REGION "EU27"
#define EU_PERIOD "2023"
#define EU_PUBLISHER "European Commission (Study on the Critical Raw Materials for the EU 2023, " \
                     "doi:10.2873/725585)"
/* The CritMAT seed tables (meyerdata/CritMAT, MIT) carry the EC's published figures. */
#define CRITMAT_SOURCE(file)                                                                \
    "https://github.com/meyerdata/CritMAT input_data/seeds/" file                          \
    " (commit 0bd897788ddd82bc58752e5460c53b924cbc63bc)"
#define CRITMAT_LICENCE "MIT (repository); EC report: reproduction authorised with acknowledgement"

/* Material code of field \p col, or keep the row aside (returns NULL with *rc set). */
static const char *material_or_aside(cm_i_ing_t *g, const cm_csv_row_t *row, size_t col,
                                     cm_error_t *rc, cm_error_info_t *err)
{
    const char *code = cm_i_ing_material(g, cm_i_ing_field(row, col));
    *rc = CM_OK;
    if (code == NULL) {
        char name[128];
        cm_i_ing_clean(name, sizeof name, cm_i_ing_field(row, col));
        *rc = cm_i_ing_keep_aside(g, row, "unknown-material", col, name, err);
    }
    return code;
}

static const char *country_or_aside(cm_i_ing_t *g, const cm_csv_row_t *row, size_t col,
                                    cm_error_t *rc, cm_error_info_t *err)
{
    const char *code = cm_i_ing_country(g, cm_i_ing_field(row, col));
    *rc = CM_OK;
    if (code == NULL) {
        char name[128];
        cm_i_ing_clean(name, sizeof name, cm_i_ing_field(row, col));
        *rc = cm_i_ing_keep_aside(g, row, "unknown-country", col, name, err);
    }
    return code;
}

/* "E"/"Extraction"/"primary" -> "extraction", "P"/"Processing"/"refined" -> "processing". */
static const char *stage_of(const char *text)
{
    char b[32];
    cm_i_ing_clean(b, sizeof b, text);
    if (cm_i_ing_eq(b, "E") || cm_i_ing_eq(b, "Extraction") || cm_i_ing_eq(b, "primary")) {
        return "extraction";
    }
    if (cm_i_ing_eq(b, "P") || cm_i_ing_eq(b, "Processing") || cm_i_ing_eq(b, "refined")) {
        return "processing";
    }
    return NULL;
}

static cm_error_t bad_choice(cm_i_ing_t *g, const cm_csv_row_t *row, size_t col,
                             const char *expected, cm_error_info_t *err)
{
    char b[64];
    cm_i_ing_clean(b, sizeof b, cm_i_ing_field(row, col));
    return cm_i_ing_fail(g, err, CM_EPARSE, row->line, col, "column '%s': expected %s, got '%s'",
                         g->header[col], expected, b);
}

static cm_error_t add_value(cm_i_ing_t *g, const cm_csv_row_t *row, const char *variable,
                            const char *material, const char *partner, const char *stage,
                            const char *period, const char *product, const cm_num_t *n,
                            double value, const char *unit, const char *attrs,
                            cm_error_info_t *err)
{
    cm_obs_t o;
    memset(&o, 0, sizeof o);
    o.variable = variable;
    o.region = EU_REGION;
    o.partner = partner;
    o.material = material;
    o.product = product;
    o.stage = stage;
    o.period = period;
    o.value = value;
    o.unit = unit;
    o.flag = n != NULL ? cm_i_ing_flag(n) : NULL;
    o.attrs = attrs;
    o.line = row->line;
    return cm_i_ing_add(g, &o, err);
}

/* ===== eu-crm-results ==================================================================== */

enum {
    R_MATERIAL, R_SR, R_EI, R_USED_STAGE, R_STAGES, R_SCOPE_P, R_SR_P, R_SCOPE_R, R_SR_R, R_SI_EI,
    R_SI_SR, R_IR_P, R_IR_R, R_EOL, R_N
};
static const char *const results_cols[R_N] = {
    "material_name", "supply_risk", "economic_importance", "eu_used_stage", "eu_stages",
    "eu_used_supply_primary", "supply_risk_primary", "eu_used_supply_refined",
    "supply_risk_refined", "si_ei", "si_sr", "import_reliance_primary", "import_reliance_refined",
    "end_of_life"};

typedef struct results_state_t {
    size_t col[R_N];
} results_state_t;

static cm_error_t results_header(cm_i_ing_t *g, const cm_csv_row_t *row, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    results_state_t *s = g->state;
    for (size_t i = 0; i < R_N; i++) {
        CM_TRY(cm_i_ing_require(g, row, results_cols[i], &s->col[i], err));
    }
cleanup:
    return rc;
}

static int is_scope(const char *t)
{
    char b[32];
    cm_i_ing_clean(b, sizeof b, t);
    return b[0] == '\0' || cm_i_ing_eq(b, "GS+EU") || cm_i_ing_eq(b, "GSonly") ||
           cm_i_ing_eq(b, "EUonly") || cm_i_ing_eq(b, "EU") || cm_i_ing_eq(b, "GS");
}

/* "EU" and "GS" (Molybdenum in CritMAT) stand for EUonly and GSonly: kept as written, counted. */
static cm_error_t count_short_scope(cm_i_ing_t *g, const char *scope, cm_error_info_t *err)
{
    if (cm_i_ing_eq(scope, "EU") || cm_i_ing_eq(scope, "GS")) {
        return cm_i_ing_quirk(g, "abbreviated-sourcing", scope, 1, err);
    }
    return CM_OK;
}

/* A number in a column of indices: "281%" is read as 2.81 and counted. */
static cm_error_t index_number(cm_i_ing_t *g, const cm_csv_row_t *row, size_t col, cm_num_t *n,
                               double *value, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    CM_TRY(cm_i_ing_number(g, row, col, CM_NUMF_EMPTY | CM_NUMF_PERCENT, 1, n, err));
    *value = n->value;
    if ((n->flags & CM_NUMF_PERCENT) != 0) {
        *value = n->value / 100.0;
        CM_TRY(cm_i_ing_quirk(g, "percent-in-index", g->header[col], 1, err));
    }
cleanup:
    return rc;
}

static cm_error_t results_row(cm_i_ing_t *g, const cm_csv_row_t *row, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    results_state_t *s = g->state;
    const size_t *c = s->col;
    cm_num_t n[R_N];
    double v[R_N];
    const char *stage_used = NULL;
    char stages[16], scope_p[16], scope_r[16];
    size_t sr_p_col = c[R_SR_P];
    const char *material = NULL;
    cm_i_buf_t attrs = CM_I_BUF_INIT(4096);

    memset(n, 0, sizeof n);
    for (size_t i = 0; i < R_N; i++) {
        v[i] = NAN;
    }
    stage_used = stage_of(cm_i_ing_field(row, c[R_USED_STAGE]));
    if (stage_used == NULL) {
        CM_FAIL(bad_choice(g, row, c[R_USED_STAGE], "Extraction or Processing", err));
    }
    cm_i_ing_clean(stages, sizeof stages, cm_i_ing_field(row, c[R_STAGES]));
    if (!cm_i_ing_eq(stages, "E") && !cm_i_ing_eq(stages, "P") && !cm_i_ing_eq(stages, "E+P")) {
        CM_FAIL(bad_choice(g, row, c[R_STAGES], "E, P or E+P", err));
    }
    cm_i_ing_clean(scope_p, sizeof scope_p, cm_i_ing_field(row, c[R_SCOPE_P]));
    cm_i_ing_clean(scope_r, sizeof scope_r, cm_i_ing_field(row, c[R_SCOPE_R]));
    if (!is_scope(scope_p)) {
        CM_FAIL(bad_choice(g, row, c[R_SCOPE_P], "GS+EU, GSonly, EUonly, EU, GS or empty", err));
    }
    if (!is_scope(scope_r)) {
        /* CritMAT quirk: the stage SR shifted one column to the right, into the scope
         * column of the refined stage, leaving supply_risk_primary empty. */
        cm_num_t probe;
        cm_error_info_t perr;
        memset(&perr, 0, sizeof perr);
        if (cm_i_ing_field(row, c[R_SR_P])[0] == '\0' &&
            cm_i_ing_number(g, row, c[R_SCOPE_R], 0, 1, &probe, &perr) == CM_OK) {
            sr_p_col = c[R_SCOPE_R];
            scope_r[0] = '\0';
            CM_TRY(cm_i_ing_quirk(g, "shifted-column", NULL, 1, err));
        } else {
            CM_FAIL(bad_choice(g, row, c[R_SCOPE_R], "GS+EU, GSonly, EUonly, EU, GS or empty", err));
        }
    }
    CM_TRY(count_short_scope(g, scope_p, err));
    CM_TRY(count_short_scope(g, scope_r, err));
    CM_TRY(index_number(g, row, c[R_SR], &n[R_SR], &v[R_SR], err));
    CM_TRY(index_number(g, row, c[R_EI], &n[R_EI], &v[R_EI], err));
    CM_TRY(index_number(g, row, sr_p_col, &n[R_SR_P], &v[R_SR_P], err));
    CM_TRY(index_number(g, row, c[R_SR_R], &n[R_SR_R], &v[R_SR_R], err));
    CM_TRY(index_number(g, row, c[R_SI_EI], &n[R_SI_EI], &v[R_SI_EI], err));
    CM_TRY(index_number(g, row, c[R_SI_SR], &n[R_SI_SR], &v[R_SI_SR], err));
    for (int k = R_SI_EI; k <= R_SI_SR; k++) {
        if (v[k] > 1.0) {
            CM_FAIL(cm_i_ing_fail(g, err, CM_EPARSE, row->line, c[k],
                                  "column '%s': expected a substitution index between 0 and 1, "
                                  "got %.17g",
                                  results_cols[k], v[k]));
        }
    }
    for (int k = R_IR_P; k <= R_EOL; k++) {
        CM_TRY(cm_i_ing_number(g, row, c[k], CM_NUMF_EMPTY | CM_NUMF_PERCENT, 1, &n[k], err));
        v[k] = n[k].value;
    }
    material = material_or_aside(g, row, c[R_MATERIAL], &rc, err);
    if (material == NULL) {
        goto cleanup;
    }
    CM_TRY(cm_i_buf_puts(&attrs, "{\"used_stage\":"));
    CM_TRY(cm_i_ing_json_str(&attrs, stage_used));
    CM_TRY(cm_i_buf_puts(&attrs, ",\"stages\":"));
    CM_TRY(cm_i_ing_json_str(&attrs, stages));
    CM_TRY(cm_i_buf_puts(&attrs, "}"));
    if (!isnan(v[R_SR])) {
        CM_TRY(add_value(g, row, "supply_risk", material, NULL, NULL, EU_PERIOD, NULL, &n[R_SR],
                         v[R_SR], "1", attrs.data, err));
    }
    if (!isnan(v[R_EI])) {
        CM_TRY(add_value(g, row, "economic_importance", material, NULL, NULL, EU_PERIOD, NULL,
                         &n[R_EI], v[R_EI], "1", NULL, err));
    }
    for (int k = 0; k < 2; k++) {
        int idx = k == 0 ? R_SR_P : R_SR_R;
        const char *scope = k == 0 ? scope_p : scope_r;
        if (isnan(v[idx])) {
            continue;
        }
        cm_i_buf_reset(&attrs);
        CM_TRY(cm_i_buf_puts(&attrs, "{\"sourcing\":"));
        CM_TRY(cm_i_ing_json_str(&attrs, scope));
        CM_TRY(cm_i_buf_puts(&attrs, "}"));
        CM_TRY(add_value(g, row, "supply_risk", material, NULL,
                         k == 0 ? "extraction" : "processing", EU_PERIOD, NULL, &n[idx], v[idx],
                         "1", attrs.data, err));
    }
    if (!isnan(v[R_SI_EI])) {
        CM_TRY(add_value(g, row, "substitution_index_ei", material, NULL, NULL, EU_PERIOD, NULL,
                         &n[R_SI_EI], v[R_SI_EI], "1", NULL, err));
    }
    if (!isnan(v[R_SI_SR])) {
        CM_TRY(add_value(g, row, "substitution_index_sr", material, NULL, NULL, EU_PERIOD, NULL,
                         &n[R_SI_SR], v[R_SI_SR], "1", NULL, err));
    }
    if (!isnan(v[R_IR_P])) {
        CM_TRY(add_value(g, row, "import_reliance", material, NULL, "extraction", EU_PERIOD, NULL,
                         &n[R_IR_P], v[R_IR_P], "%", NULL, err));
    }
    if (!isnan(v[R_IR_R])) {
        CM_TRY(add_value(g, row, "import_reliance", material, NULL, "processing", EU_PERIOD, NULL,
                         &n[R_IR_R], v[R_IR_R], "%", NULL, err));
    }
    if (!isnan(v[R_EOL])) {
        CM_TRY(add_value(g, row, "eol_rir", material, NULL, NULL, EU_PERIOD, NULL, &n[R_EOL],
                         v[R_EOL], "%", NULL, err));
    }
cleanup:
    if (rc == CM_ENOMEM || rc == CM_EOVERFLOW) {
        if (err != NULL && err->code == CM_OK) {
            cm_error_set(err, rc, "out of memory building attributes");
        }
    }
    cm_i_buf_free(&attrs);
    return rc;
}

static int results_detect(size_t n, const char *const *f)
{
    static const char *const names[] = {"supply_risk", "economic_importance", NULL};
    return cm_i_ing_has_columns(n, f, names);
}

const cm_i_importer_t cm_i_imp_eucrm_results = {
    .kind = "eu-crm-results",
    .summary = "EU CRM 2023 published results (CritMAT eureport_results.csv)",
    .name = "EU CRM assessment 2023 results",
    .publisher = EU_PUBLISHER,
    .source = CRITMAT_SOURCE("eureport_results.csv"),
    .licence = CRITMAT_LICENCE,
    .version = "2023 assessment",
    .separator = ',',
    .state_size = sizeof(results_state_t),
    .header = results_header,
    .row = results_row,
    .detect = results_detect,
};

/* ===== eu-crm-trade ====================================================================== */

typedef struct trade_state_t {
    size_t material, country, parameter, category, scope;
} trade_state_t;

static cm_error_t trade_header(cm_i_ing_t *g, const cm_csv_row_t *row, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    trade_state_t *s = g->state;
    CM_TRY(cm_i_ing_require(g, row, "material_name", &s->material, err));
    CM_TRY(cm_i_ing_require(g, row, "country_name", &s->country, err));
    CM_TRY(cm_i_ing_require(g, row, "parameter", &s->parameter, err));
    CM_TRY(cm_i_ing_require(g, row, "category", &s->category, err));
    CM_TRY(cm_i_ing_require(g, row, "scope", &s->scope, err));
cleanup:
    return rc;
}

static cm_error_t trade_row(cm_i_ing_t *g, const cm_csv_row_t *row, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    trade_state_t *s = g->state;
    const char *stage = stage_of(cm_i_ing_field(row, s->category));
    const char *variable = NULL;
    const char *material = NULL, *partner = NULL;
    char scope[16];
    cm_num_t t;

    if (stage == NULL) {
        return bad_choice(g, row, s->category, "primary or refined", err);
    }
    cm_i_ing_clean(scope, sizeof scope, cm_i_ing_field(row, s->scope));
    if (cm_i_ing_eq(scope, "world") || cm_i_ing_eq(scope, "global")) {
        variable = "trade_t_global";
    } else if (cm_i_ing_eq(scope, "eu")) {
        variable = "trade_t_eu";
    } else {
        return bad_choice(g, row, s->scope, "world or eu", err);
    }
    CM_TRY(cm_i_ing_number(g, row, s->parameter, 0, 1, &t, err));
    material = material_or_aside(g, row, s->material, &rc, err);
    if (material == NULL) {
        goto cleanup;
    }
    partner = country_or_aside(g, row, s->country, &rc, err);
    if (partner == NULL) {
        goto cleanup;
    }
    CM_TRY(add_value(g, row, variable, material, partner, stage, EU_PERIOD, NULL, &t, t.value,
                     "1", NULL, err));
cleanup:
    return rc;
}

static int trade_detect(size_t n, const char *const *f)
{
    static const char *const names[] = {"parameter", "country_name", NULL};
    return cm_i_ing_has_columns(n, f, names);
}

const cm_i_importer_t cm_i_imp_eucrm_trade = {
    .kind = "eu-crm-trade",
    .summary = "EU CRM 2023 trade parameter t (CritMAT eureport_tradeparameters.csv)",
    .name = "EU CRM assessment 2023 trade parameters",
    .publisher = EU_PUBLISHER,
    .source = CRITMAT_SOURCE("eureport_tradeparameters.csv"),
    .licence = CRITMAT_LICENCE,
    .version = "2023 assessment",
    .separator = ',',
    .state_size = sizeof(trade_state_t),
    .header = trade_header,
    .row = trade_row,
    .detect = trade_detect,
};

/* ===== eu-crm-history ==================================================================== */

typedef struct history_state_t {
    size_t material, year, sr, ei;
} history_state_t;

static cm_error_t history_header(cm_i_ing_t *g, const cm_csv_row_t *row, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    history_state_t *s = g->state;
    CM_TRY(cm_i_ing_require(g, row, "Material", &s->material, err));
    CM_TRY(cm_i_ing_require(g, row, "Year", &s->year, err));
    CM_TRY(cm_i_ing_require(g, row, "SR", &s->sr, err));
    CM_TRY(cm_i_ing_require(g, row, "EI", &s->ei, err));
cleanup:
    return rc;
}

static cm_error_t history_row(cm_i_ing_t *g, const cm_csv_row_t *row, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    history_state_t *s = g->state;
    char year[8];
    cm_num_t sr, ei;
    const char *material = NULL;

    CM_TRY(cm_i_ing_year(g, row, s->year, year, err));
    CM_TRY(cm_i_ing_number(g, row, s->sr, CM_NUMF_NIL, 1, &sr, err));
    CM_TRY(cm_i_ing_number(g, row, s->ei, CM_NUMF_NIL, 1, &ei, err));
    material = material_or_aside(g, row, s->material, &rc, err);
    if (material == NULL) {
        goto cleanup;
    }
    CM_TRY(add_value(g, row, "supply_risk", material, NULL, NULL, year, NULL, &sr, sr.value, "1",
                     NULL, err));
    CM_TRY(add_value(g, row, "economic_importance", material, NULL, NULL, year, NULL, &ei,
                     ei.value, "1", NULL, err));
cleanup:
    return rc;
}

static int history_detect(size_t n, const char *const *f)
{
    return n == 4 && cm_i_ing_eq(f[0], "Material") && cm_i_ing_eq(f[1], "Year") &&
           cm_i_ing_eq(f[2], "SR") && cm_i_ing_eq(f[3], "EI");
}

#define EMILSSON_SOURCE(path)                                                                   \
    "https://github.com/erikemilsson/EU-Critical-Raw-Materials-CRM-Reports-Datasets " path     \
    " (commit 59383504ead25f91fe9c197a1e660f4813684f17)"
#define EMILSSON_LICENCE "CC BY 4.0 (repository); EC report: reproduction authorised with " \
                         "acknowledgement"

const cm_i_importer_t cm_i_imp_eucrm_history = {
    .kind = "eu-crm-history",
    .summary = "EU CRM SR and EI 2011-2023 (dimension_CRMsOverTime.csv)",
    .name = "EU CRM assessments 2011-2023: SR and EI",
    .publisher = "European Commission (CRM assessments 2011, 2014, 2017, 2020, 2023; 2023 report "
                 "Annex 4, doi:10.2873/725585)",
    .source = EMILSSON_SOURCE("Data/dimension_CRMsOverTime.csv"),
    .licence = EMILSSON_LICENCE,
    .version = "2011-2023",
    .separator = ',',
    .state_size = sizeof(history_state_t),
    .header = history_header,
    .row = history_row,
    .detect = history_detect,
};

/* ===== eu-crm-supply ===================================================================== */

typedef struct supply_state_t {
    size_t material, stage, country, share, t;
    int eu; /* scope: 0 global, 1 EU sourcing */
} supply_state_t;

static cm_error_t supply_prepare(cm_i_ing_t *g, cm_error_info_t *err)
{
    supply_state_t *s = g->state;
    char lower[256];
    size_t i;
    if (g->opt->scope != NULL && g->opt->scope[0] != '\0') {
        if (cm_i_ing_eq(g->opt->scope, "global") || cm_i_ing_eq(g->opt->scope, "world")) {
            s->eu = 0;
        } else if (cm_i_ing_eq(g->opt->scope, "eu")) {
            s->eu = 1;
        } else {
            return cm_error_set(err, CM_EINVAL, "scope '%s': expected global or eu",
                                g->opt->scope);
        }
    } else {
        for (i = 0; g->base[i] != '\0' && i + 1 < sizeof lower; i++) {
            char ch = g->base[i];
            lower[i] = (char)((ch >= 'A' && ch <= 'Z') ? ch - 'A' + 'a' : ch);
        }
        lower[i] = '\0';
        if (strstr(lower, "global") != NULL || strstr(lower, "world") != NULL) {
            s->eu = 0;
        } else if (strstr(lower, "eu") != NULL) {
            s->eu = 1;
        } else {
            return cm_error_set(err, CM_EINVAL,
                                "cannot tell from the file name '%s' whether the supply shares "
                                "are global or EU sourcing: give the scope (global or eu)",
                                g->base);
        }
    }
    snprintf(g->name_buf, sizeof g->name_buf, "EU CRM 2023 %s supply shares and t",
             s->eu ? "EU sourcing" : "global");
    return CM_OK;
}

static cm_error_t supply_header(cm_i_ing_t *g, const cm_csv_row_t *row, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    supply_state_t *s = g->state;
    CM_TRY(cm_i_ing_require(g, row, "Material", &s->material, err));
    CM_TRY(cm_i_ing_require(g, row, "Stage", &s->stage, err));
    CM_TRY(cm_i_ing_require(g, row, "Country", &s->country, err));
    CM_TRY(cm_i_ing_require(g, row, "Share", &s->share, err));
    CM_TRY(cm_i_ing_require(g, row, "t", &s->t, err));
cleanup:
    return rc;
}

/* A share written in percent ("62.8%", "<0.1%", "6"), returned as a fraction. */
static cm_error_t percent_share(cm_i_ing_t *g, const cm_csv_row_t *row, size_t col, cm_num_t *n,
                                double *fraction, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    CM_TRY(cm_i_ing_number(g, row, col,
                           CM_NUMF_PERCENT | CM_NUMF_LESS_THAN | CM_NUMF_GREATER_THAN, 1, n, err));
    if ((n->flags & CM_NUMF_PERCENT) == 0) {
        CM_TRY(cm_i_ing_quirk(g, "share-without-percent-sign", NULL, 1, err));
    }
    *fraction = n->value / 100.0;
cleanup:
    return rc;
}

static cm_error_t supply_row(cm_i_ing_t *g, const cm_csv_row_t *row, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    supply_state_t *s = g->state;
    const char *stage = stage_of(cm_i_ing_field(row, s->stage));
    const char *material = NULL, *partner = NULL;
    cm_num_t share, t;
    double fraction = 0;
    char group[200];
    char mname[128];

    if (stage == NULL) {
        return bad_choice(g, row, s->stage, "E or P", err);
    }
    CM_TRY(percent_share(g, row, s->share, &share, &fraction, err));
    CM_TRY(cm_i_ing_number(g, row, s->t, 0, 1, &t, err));
    cm_i_ing_clean(mname, sizeof mname, cm_i_ing_field(row, s->material));
    snprintf(group, sizeof group, "'%s' at stage %s (%s)", mname, stage,
             s->eu ? "EU sourcing" : "global");
    CM_TRY(cm_i_ing_share(g, group, fraction, share.flags, row, s->share, err));
    material = material_or_aside(g, row, s->material, &rc, err);
    if (material == NULL) {
        goto cleanup;
    }
    partner = country_or_aside(g, row, s->country, &rc, err);
    if (partner == NULL) {
        goto cleanup;
    }
    CM_TRY(add_value(g, row, s->eu ? "supply_share_eu" : "supply_share_global", material, partner,
                     stage, EU_PERIOD, NULL, &share, fraction, "1", NULL, err));
    CM_TRY(add_value(g, row, s->eu ? "trade_t_eu" : "trade_t_global", material, partner, stage,
                     EU_PERIOD, NULL, &t, t.value, "1", NULL, err));
cleanup:
    return rc;
}

static int supply_detect(size_t n, const char *const *f)
{
    return n == 5 && cm_i_ing_eq(f[0], "Material") && cm_i_ing_eq(f[1], "Stage") &&
           cm_i_ing_eq(f[3], "Share") && cm_i_ing_eq(f[4], "t");
}

const cm_i_importer_t cm_i_imp_eucrm_supply = {
    .kind = "eu-crm-supply",
    .summary = "EU CRM 2023 supply shares and t (fact_{Global,EU}SupplyShares_t.csv)",
    .name = "EU CRM 2023 supply shares and t",
    .publisher = "European Commission (Study on the Critical Raw Materials for the EU 2023, "
                 "Annex 7, doi:10.2873/725585)",
    .source = EMILSSON_SOURCE("Data/fact_GlobalSupplyShares&t.csv or "
                              "Data/fact_EUSupplyShares&t.csv"),
    .licence = EMILSSON_LICENCE,
    .version = "2023 assessment",
    .separator = ',',
    .state_size = sizeof(supply_state_t),
    .prepare = supply_prepare,
    .header = supply_header,
    .row = supply_row,
    .detect = supply_detect,
};

/* ===== eu-crm-use ======================================================================== */

typedef struct use_state_t {
    size_t material, application, share, nace, va;
    cm_i_ing_map_t va_seen; /* NACE code -> value added already stored */
} use_state_t;

static cm_error_t use_header(cm_i_ing_t *g, const cm_csv_row_t *row, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    use_state_t *s = g->state;
    int64_t va = -1;
    CM_TRY(cm_i_ing_require(g, row, "Material", &s->material, err));
    CM_TRY(cm_i_ing_require(g, row, "Application", &s->application, err));
    CM_TRY(cm_i_ing_require(g, row, "Share", &s->share, err));
    CM_TRY(cm_i_ing_require(g, row, "NACE sector", &s->nace, err));
    for (size_t i = 0; i < g->ncols; i++) {
        char b[64];
        cm_i_ing_clean(b, sizeof b, g->header[i]);
        if (cm_i_ing_prefix(b, "VA in million") || cm_i_ing_eq(b, "VA")) {
            va = (int64_t)i;
        }
    }
    if (va < 0) {
        return cm_i_ing_fail(g, err, CM_EPARSE, row->line, 0,
                             "expected a column 'VA in million EUR' in the header of an "
                             "eu-crm-use file");
    }
    s->va = (size_t)va;
cleanup:
    return rc;
}

static cm_error_t use_row(cm_i_ing_t *g, const cm_csv_row_t *row, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    use_state_t *s = g->state;
    cm_num_t share, va;
    double fraction = 0;
    char mname[128], app[256], nace[256], code[16];
    const char *material = NULL;
    const char *dash = NULL;
    cm_i_buf_t attrs = CM_I_BUF_INIT(4096);

    CM_TRY(percent_share(g, row, s->share, &share, &fraction, err));
    CM_TRY(cm_i_ing_number(g, row, s->va, CM_NUMF_EMPTY, 1, &va, err));
    cm_i_ing_clean(mname, sizeof mname, cm_i_ing_field(row, s->material));
    cm_i_ing_clean(app, sizeof app, cm_i_ing_field(row, s->application));
    cm_i_ing_clean(nace, sizeof nace, cm_i_ing_field(row, s->nace));
    code[0] = '\0';
    if (nace[0] != '\0') {
        size_t len;
        dash = strstr(nace, " - ");
        len = dash != NULL ? (size_t)(dash - nace) : strlen(nace);
        if (len == 0 || len >= sizeof code) {
            CM_FAIL(bad_choice(g, row, s->nace, "a NACE code such as 'C23 - Manufacture of ...'",
                               err));
        }
        memcpy(code, nace, len);
        code[len] = '\0';
    } else if (cm_num_has_value(&va)) {
        CM_FAIL(cm_i_ing_fail(g, err, CM_EPARSE, row->line, s->nace,
                              "column 'NACE sector': expected the sector of the value added "
                              "in the next column, got an empty field"));
    }
    {
        char group[160];
        snprintf(group, sizeof group, "'%s' (end uses)", mname);
        CM_TRY(cm_i_ing_share(g, group, fraction, share.flags, row, s->share, err));
    }
    material = material_or_aside(g, row, s->material, &rc, err);
    if (material == NULL) {
        goto cleanup;
    }
    CM_TRY(cm_i_buf_puts(&attrs, "{\"nace\":"));
    CM_TRY(cm_i_ing_json_str(&attrs, code));
    if (code[0] != '\0' && cm_num_has_value(&va)) {
        /* the row's own value added: the figure the EU multiplied this share by, even where
         * it disagrees with the NACE code's (shifted rows: docs/crit.md, choice 8) */
        CM_TRY(cm_i_buf_printf(&attrs, ",\"va\":%.17g", va.value));
    }
    CM_TRY(cm_i_buf_puts(&attrs, "}"));
    CM_TRY(add_value(g, row, "use_share", material, NULL, NULL, EU_PERIOD, app, &share, fraction,
                     "1", attrs.data, err));
    if (code[0] != '\0' && cm_num_has_value(&va)) {
        cm_i_ing_entry_t *e = NULL;
        int created = 0;
        if (cm_i_ing_map_put(&s->va_seen, code, &e, &created) != CM_OK) {
            CM_FAIL(cm_error_set(err, CM_ENOMEM, "out of memory"));
        }
        if (created) {
            e->sum = va.value;
            e->line = row->line;
            cm_i_buf_reset(&attrs);
            CM_TRY(cm_i_buf_puts(&attrs, "{\"label\":"));
            CM_TRY(cm_i_ing_json_str(&attrs, dash != NULL ? dash + 3 : nace));
            CM_TRY(cm_i_buf_puts(&attrs, "}"));
            CM_TRY(add_value(g, row, "value_added", NULL, NULL, NULL, EU_PERIOD, code, NULL,
                             va.value, "MEUR", attrs.data, err));
        } else if (e->sum != va.value) {
            CM_TRY(cm_i_ing_quirk(g, "conflicting-value-added", code, 1, err));
        }
    }
cleanup:
    if ((rc == CM_ENOMEM || rc == CM_EOVERFLOW) && err != NULL && err->code == CM_OK) {
        cm_error_set(err, rc, "out of memory building attributes");
    }
    cm_i_buf_free(&attrs);
    return rc;
}

static void use_destroy(cm_i_ing_t *g)
{
    use_state_t *s = g->state;
    cm_i_ing_map_destroy(&s->va_seen);
}

static int use_detect(size_t n, const char *const *f)
{
    return n >= 4 && cm_i_ing_eq(f[0], "Material") && cm_i_ing_eq(f[1], "Application");
}

const cm_i_importer_t cm_i_imp_eucrm_use = {
    .kind = "eu-crm-use",
    .summary = "EU CRM 2023 end-use shares, NACE value added (fact_MaterialUseShares.csv)",
    .name = "EU CRM 2023 material use shares",
    .publisher = "European Commission (Study on the Critical Raw Materials for the EU 2023, "
                 "Annex 6, doi:10.2873/725585)",
    .source = EMILSSON_SOURCE("Data/fact_MaterialUseShares.csv"),
    .licence = EMILSSON_LICENCE,
    .version = "2023 assessment",
    .separator = ',',
    .state_size = sizeof(use_state_t),
    .header = use_header,
    .row = use_row,
    .destroy = use_destroy,
    .detect = use_detect,
};

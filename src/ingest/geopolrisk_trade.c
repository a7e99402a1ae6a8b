/* Importer "geopolrisk-trade": bilateral imports with the exporter's political-stability
 * score, as the GeoPolRisk method uses them. Two layouts:
 *  - the test case of akoyamp/geopolrisk-py (testcase_trade_data.csv, BACI 2022 imports into
 *    the USA; ../shared/data/world-mining-data/SOURCE.md): Year, Exporting Country, Importing
 *    Country, rawMaterial, Resource HSCODE, Trade Value (1000 USD), Quantity (mTonnes), WGI,
 *    QUANTITY * WGI;
 *  - a generic CSV: year, importer, exporter, material (or hs6), quantity (t), score
 *    [, value (kUSD)].
 * Without an importer column the option `importer` (--importer) names the importing country.
 * Each record gives import_quantity (t), import_value (kUSD, when given) and
 * political_stability_score (1), keyed region = importer, partner = exporter. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ingest_internal.h"

/* HS6 -> raw material of the GeoPolRisk documentation (rawmat_doc_raw_material_data.csv of
 * akoyamp/geopolrisk-py, commit b453938: "HS Code" and "HS Code - Additional"), for the
 * extraction-stage ores used by the method. Names are resolved by the material classification. */
static const struct {
    const char *hs6;
    const char *material;
} hs_map[] = {
    {"250410", "Graphite"},  {"250490", "Graphite"},   {"251910", "Magnesite"},
    {"252922", "Fluorspar"}, {"260111", "Iron"},       {"260112", "Iron"},
    {"260200", "Manganese"}, {"260300", "Copper"},     {"260400", "Nickel"},
    {"260600", "Bauxite"},   {"260700", "Lead"},       {"260800", "Zinc"},
    {"260900", "Tin"},       {"261000", "Chromium"},   {"261100", "Tungsten"},
    {"261390", "Molybdenum"}, {"261400", "Titanium"},  {"261510", "Zirconium"},
    {"261610", "Silver"},    {"261710", "Antimony"},   {"282200", "Cobalt"},
    {"282520", "Lithium"},   {"282530", "Vanadium"},   {"284690", "Rare earth elements"},
};

/* Accepted header names of each field (first match wins), case-insensitive. */
static const char *const h_year[] = {"Year", "period", NULL};
static const char *const h_exporter[] = {"Exporting Country", "exporter", "partner", NULL};
static const char *const h_importer[] = {"Importing Country", "importer", "reporter", NULL};
static const char *const h_material[] = {"rawMaterial", "material", NULL};
static const char *const h_hs[] = {"Resource HSCODE", "hs6", "hs", NULL};
static const char *const h_value[] = {"Trade Value (1000 USD)", "value_kusd", "value", NULL};
static const char *const h_quantity[] = {"Quantity (mTonnes)", "quantity_t", "quantity", NULL};
static const char *const h_score[] = {"WGI", "political_stability_score", "score", NULL};
static const char *const h_product[] = {"QUANTITY * WGI", NULL};

#define NONE ((size_t)-1)

typedef struct gpr_state_t {
    size_t year, exporter, importer, material, hs, value, quantity, score, product;
    const char *fixed_importer; /* from the option --importer when the file has no column */
} gpr_state_t;

static size_t find(const cm_i_ing_t *g, const char *const *names)
{
    for (; *names != NULL; names++) {
        int64_t c = cm_i_ing_col(g, *names);
        if (c >= 0) {
            return (size_t)c;
        }
    }
    return NONE;
}

static cm_error_t need(cm_i_ing_t *g, const cm_csv_row_t *row, size_t col,
                       const char *const *names, cm_error_info_t *err)
{
    if (col != NONE) {
        return CM_OK;
    }
    return cm_i_ing_fail(g, err, CM_EPARSE, row->line, 0,
                         "expected a column '%s' (or '%s') in the header of a geopolrisk-trade "
                         "file",
                         names[0], names[1]);
}

static cm_error_t gpr_header(cm_i_ing_t *g, const cm_csv_row_t *row, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    gpr_state_t *s = g->state;
    s->year = find(g, h_year);
    s->exporter = find(g, h_exporter);
    s->importer = find(g, h_importer);
    s->material = find(g, h_material);
    s->hs = find(g, h_hs);
    s->value = find(g, h_value);
    s->quantity = find(g, h_quantity);
    s->score = find(g, h_score);
    s->product = find(g, h_product);
    CM_TRY(need(g, row, s->year, h_year, err));
    CM_TRY(need(g, row, s->exporter, h_exporter, err));
    if (s->importer == NONE) {
        if (g->opt->importer == NULL) {
            CM_FAIL(cm_i_ing_fail(g, err, CM_EPARSE, row->line, 0,
                                  "expected a column 'Importing Country' (or 'importer') in the "
                                  "header of a geopolrisk-trade file, or the option --importer"));
        }
        s->fixed_importer = cm_i_ing_country(g, g->opt->importer);
        if (s->fixed_importer == NULL) {
            CM_FAIL(cm_error_set(err, CM_EINVAL,
                                 "importer: expected a country (ISO3, M49 or name), got '%s'",
                                 g->opt->importer));
        }
    }
    CM_TRY(need(g, row, s->quantity, h_quantity, err));
    CM_TRY(need(g, row, s->score, h_score, err));
    if (s->material == NONE && s->hs == NONE) {
        CM_FAIL(cm_i_ing_fail(g, err, CM_EPARSE, row->line, 0,
                              "expected a column 'rawMaterial' (or 'material') or 'Resource "
                              "HSCODE' (or 'hs6') in the header of a geopolrisk-trade file"));
    }
cleanup:
    return rc;
}

/* The material of a list of HS6 codes "250410;250490" (all must agree), NULL if unknown.
 * A code that is not six digits is an error. */
static cm_error_t hs_material(cm_i_ing_t *g, const cm_csv_row_t *row, size_t col,
                              const char *codes, const char **out, cm_error_info_t *err)
{
    char buf[128];
    char *save = NULL;
    const char *found = NULL;
    *out = NULL;
    snprintf(buf, sizeof buf, "%s", codes);
    for (char *t = strtok_r(buf, ";|, ", &save); t != NULL; t = strtok_r(NULL, ";|, ", &save)) {
        const char *m = NULL;
        size_t len = strlen(t);
        int digits = len == 6;
        for (size_t i = 0; i < len && digits; i++) {
            digits = t[i] >= '0' && t[i] <= '9';
        }
        if (!digits) {
            return cm_i_ing_fail(g, err, CM_EPARSE, row->line, col,
                                 "column '%s': expected HS6 codes (six digits, separated by "
                                 "';'), got '%s'",
                                 g->header[col], codes);
        }
        for (size_t i = 0; i < sizeof hs_map / sizeof hs_map[0]; i++) {
            if (strcmp(hs_map[i].hs6, t) == 0) {
                m = cm_i_ing_material(g, hs_map[i].material);
            }
        }
        if (m != NULL && found != NULL && strcmp(m, found) != 0) {
            return cm_i_ing_fail(g, err, CM_EPARSE, row->line, col,
                                 "column '%s': expected the HS6 codes of one material, got '%s' "
                                 "(%s and %s)",
                                 g->header[col], codes, found, m);
        }
        if (m != NULL) {
            found = m;
        }
    }
    *out = found;
    return CM_OK;
}

static cm_error_t gpr_row(cm_i_ing_t *g, const cm_csv_row_t *row, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    gpr_state_t *s = g->state;
    char year[8], hs[128], matname[128];
    const char *material = NULL, *hs_mat = NULL, *exporter = NULL, *importer = NULL;
    cm_num_t q, score, value, product;
    cm_obs_t o;

    memset(&value, 0, sizeof value);
    value.value = NAN;
    CM_TRY(cm_i_ing_year(g, row, s->year, year, err));
    CM_TRY(cm_i_ing_number(g, row, s->quantity, 0, 1, &q, err));
    CM_TRY(cm_i_ing_number(g, row, s->score, CM_NUMF_EMPTY | CM_NUMF_NA, 1, &score, err));
    if (cm_num_has_value(&score) && score.value > 1.0) {
        CM_FAIL(cm_i_ing_fail(g, err, CM_EPARSE, row->line, s->score,
                              "column '%s': expected a normalised political-stability score "
                              "between 0 and 1, got %.17g",
                              g->header[s->score], score.value));
    }
    if (!cm_num_has_value(&score)) {
        CM_TRY(cm_i_ing_quirk(g, "missing-score", NULL, 1, err));
    }
    if (s->value != NONE) {
        CM_TRY(cm_i_ing_number(g, row, s->value, CM_NUMF_EMPTY, 1, &value, err));
    }
    if (s->product != NONE && cm_num_has_value(&score)) {
        CM_TRY(cm_i_ing_number(g, row, s->product, CM_NUMF_EMPTY, 1, &product, err));
        double want = q.value * score.value;
        if (cm_num_has_value(&product) &&
            fabs(product.value - want) > 1e-9 * fabs(want) + 1e-12) {
            CM_FAIL(cm_i_ing_fail(g, err, CM_EPARSE, row->line, s->product,
                                  "column '%s': expected quantity x score = %.17g, got %.17g",
                                  g->header[s->product], want, product.value));
        }
    }
    hs[0] = '\0';
    if (s->hs != NONE) {
        cm_i_ing_clean(hs, sizeof hs, cm_i_ing_field(row, s->hs));
        if (hs[0] != '\0') {
            CM_TRY(hs_material(g, row, s->hs, hs, &hs_mat, err));
        }
    }
    matname[0] = '\0';
    if (s->material != NONE) {
        cm_i_ing_clean(matname, sizeof matname, cm_i_ing_field(row, s->material));
    }
    if (matname[0] != '\0') {
        material = cm_i_ing_material(g, matname);
        if (material != NULL && hs_mat != NULL && strcmp(material, hs_mat) != 0) {
            CM_FAIL(cm_i_ing_fail(g, err, CM_EPARSE, row->line, s->hs,
                                  "column '%s': HS6 '%s' is %s, but column '%s' says '%s'",
                                  g->header[s->hs], hs, hs_mat, g->header[s->material],
                                  matname));
        }
    } else {
        material = hs_mat;
    }
    if (material == NULL) {
        size_t col = matname[0] != '\0' || s->hs == NONE ? s->material : s->hs;
        CM_FAIL(cm_i_ing_keep_aside(g, row, "unknown-material", col,
                                    matname[0] != '\0' ? matname : hs, err));
    }
    importer = s->importer == NONE ? s->fixed_importer
                                   : cm_i_ing_country(g, cm_i_ing_field(row, s->importer));
    if (importer == NULL) {
        CM_FAIL(cm_i_ing_keep_aside(g, row, "unknown-country", s->importer,
                                    cm_i_ing_field(row, s->importer), err));
    }
    exporter = cm_i_ing_country(g, cm_i_ing_field(row, s->exporter));
    if (exporter == NULL) {
        CM_FAIL(cm_i_ing_keep_aside(g, row, "unknown-country", s->exporter,
                                    cm_i_ing_field(row, s->exporter), err));
    }
    if (strcmp(importer, exporter) == 0) {
        CM_TRY(cm_i_ing_quirk(g, "self-trade", importer, 1, err));
    }
    memset(&o, 0, sizeof o);
    o.region = importer;
    o.partner = exporter;
    o.material = material;
    o.product = hs[0] != '\0' ? hs : NULL;
    o.period = year;
    o.line = row->line;
    o.variable = "import_quantity";
    o.value = q.value;
    o.unit = "t";
    CM_TRY(cm_i_ing_add(g, &o, err));
    if (cm_num_has_value(&value)) {
        o.variable = "import_value";
        o.value = value.value;
        o.unit = "kUSD";
        CM_TRY(cm_i_ing_add(g, &o, err));
    }
    o.variable = "political_stability_score";
    o.value = score.value;
    o.unit = "1";
    o.flag = cm_i_ing_flag(&score);
    CM_TRY(cm_i_ing_add(g, &o, err));
cleanup:
    return rc;
}

static int gpr_detect(size_t n, const char *const *f)
{
    static const char *const testcase[] = {"Exporting Country", "Importing Country", "WGI", NULL};
    static const char *const generic[] = {"importer", "exporter", "quantity", "score", NULL};
    return cm_i_ing_has_columns(n, f, testcase) || cm_i_ing_has_columns(n, f, generic);
}

const cm_i_importer_t cm_i_imp_geopolrisk_trade = {
    .kind = "geopolrisk-trade",
    .summary = "bilateral imports with exporter political-stability scores (GeoPolRisk)",
    .name = "Bilateral imports for GeoPolRisk",
    .publisher = "CEPII BACI (trade), World Bank WGI (scores), via akoyamp/geopolrisk-py",
    .source = "https://github.com/akoyamp/geopolrisk-py test case "
              "(commit b453938c654f93111bc79059bca27ec7d43f7e01)",
    .licence = "BACI: Etalab Open Licence 2.0; WGI: CC BY 4.0",
    .version = "as given",
    .separator = ',',
    .state_size = sizeof(gpr_state_t),
    .header = gpr_header,
    .row = gpr_row,
    .detect = gpr_detect,
};

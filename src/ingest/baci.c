/* Importer "baci": CEPII BACI bilateral trade (reconciled UN Comtrade). Three layouts:
 *  - the BACI files as CEPII distributes them: t, i, j, k, v, q (year, exporter and importer
 *    country codes (UN M49 with CEPII's 251 France, 579 Norway, 699 India, 757 Switzerland,
 *    842 USA, 490 Other Asia), HS6 product, value in thousand USD, quantity in tonnes, "NA"
 *    when missing);
 *  - the all-pairs extracts baci_YYYY_crm_hs6_all_pairs.csv: i, j, cmd, value (ISO3 codes,
 *    USD; the year from the file name or the period option);
 *  - the Belgian series baci_crm_flows_belgium_2002_2024.csv: year, material, from, to, value,
 *    qty (ISO2 codes, material label, USD, tonnes).
 * See ../shared/data/baci-crm-flows-belgium-2002-2024/SOURCE.md. Each flow is stored once,
 * from the importer's side: "import_value" and "import_quantity" with region = importer and
 * partner = exporter. The HS edition is taken from the file name when it carries one (CEPII's
 * BACI_HS17_Y2022_V202601.csv: HS92, HS96, HS02, HS07, HS12, HS17, HS22) and stored in each
 * observation's attributes ({"hs": "HS2017"}); otherwise it is unknown (no attribute). */
#include <stdio.h>
#include <string.h>

#include "ingest_internal.h"

#define NONE ((size_t)-1)

enum { LAYOUT_BACI, LAYOUT_PAIRS, LAYOUT_LABELS };

typedef struct baci_state_t {
    int layout;
    size_t year, exporter, importer, product, value, qty;
    char file_year[8];
    char hs_attr[32]; /* "" when the edition is unknown */
} baci_state_t;

static int has(size_t n, const char *const *f, const char *const *names)
{
    return cm_i_ing_has_columns(n, f, names);
}

static const char *const baci_cols[] = {"t", "i", "j", "k", "v", NULL};
static const char *const pair_cols[] = {"i", "j", "cmd", "value", NULL};
static const char *const label_cols[] = {"year", "material", "from", "to", "value", NULL};

static cm_error_t baci_header(cm_i_ing_t *g, const cm_csv_row_t *row, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    baci_state_t *s = g->state;
    const char *const *f = (const char *const *)row->fields;
    int64_t q;
    s->qty = NONE;
    s->year = NONE;
    if (cm_i_ing_hs_in_name(g->base) != NULL) {
        snprintf(s->hs_attr, sizeof s->hs_attr, "{\"hs\":\"%s\"}", cm_i_ing_hs_in_name(g->base));
    }
    if (has(row->nfields, f, baci_cols)) {
        s->layout = LAYOUT_BACI;
        CM_TRY(cm_i_ing_require(g, row, "t", &s->year, err));
        CM_TRY(cm_i_ing_require(g, row, "i", &s->exporter, err));
        CM_TRY(cm_i_ing_require(g, row, "j", &s->importer, err));
        CM_TRY(cm_i_ing_require(g, row, "k", &s->product, err));
        CM_TRY(cm_i_ing_require(g, row, "v", &s->value, err));
        q = cm_i_ing_col(g, "q");
    } else if (has(row->nfields, f, label_cols)) {
        s->layout = LAYOUT_LABELS;
        CM_TRY(cm_i_ing_require(g, row, "year", &s->year, err));
        CM_TRY(cm_i_ing_require(g, row, "from", &s->exporter, err));
        CM_TRY(cm_i_ing_require(g, row, "to", &s->importer, err));
        CM_TRY(cm_i_ing_require(g, row, "material", &s->product, err));
        CM_TRY(cm_i_ing_require(g, row, "value", &s->value, err));
        q = cm_i_ing_col(g, "qty");
    } else if (has(row->nfields, f, pair_cols)) {
        s->layout = LAYOUT_PAIRS;
        CM_TRY(cm_i_ing_require(g, row, "i", &s->exporter, err));
        CM_TRY(cm_i_ing_require(g, row, "j", &s->importer, err));
        CM_TRY(cm_i_ing_require(g, row, "cmd", &s->product, err));
        CM_TRY(cm_i_ing_require(g, row, "value", &s->value, err));
        q = -1;
        CM_TRY(cm_i_ing_option_year(g, s->file_year, err));
    } else {
        char shown[160];
        cm_i_ing_clean(shown, sizeof shown, row->nfields > 0 ? row->fields[0] : "");
        CM_FAIL(cm_i_ing_fail(g, err, CM_EPARSE, row->line, 0,
                              "expected a BACI header: t,i,j,k,v,q (CEPII), i,j,cmd,value "
                              "(all-pairs extract) or year,material,from,to,value,qty (labelled "
                              "series); got %zu fields, first '%s'",
                              row->nfields, shown));
    }
    if (q >= 0) {
        s->qty = (size_t)q;
    }
cleanup:
    return rc;
}

static cm_error_t baci_row(cm_i_ing_t *g, const cm_csv_row_t *row, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    baci_state_t *s = g->state;
    char year[8], product[64];
    const char *importer, *exporter, *material = NULL;
    cm_num_t v, q;
    cm_obs_t o;

    if (s->layout == LAYOUT_PAIRS) {
        memcpy(year, s->file_year, sizeof year);
    } else {
        CM_TRY(cm_i_ing_year(g, row, s->year, year, err));
    }
    if (s->layout == LAYOUT_LABELS) {
        cm_i_ing_clean(product, sizeof product, cm_i_ing_field(row, s->product));
        if (product[0] == '\0') {
            CM_FAIL(cm_i_ing_fail(g, err, CM_EPARSE, row->line, s->product,
                                  "column 'material': expected a material label, got an empty "
                                  "field"));
        }
        material = cm_i_ing_material(g, product);
        if (material == NULL) {
            CM_TRY(cm_i_ing_quirk(g, "label-not-a-material", product, 1, err));
        }
    } else {
        CM_TRY(cm_i_ing_code(g, row, s->product, 6, product, sizeof product, err));
    }
    CM_TRY(cm_i_ing_number(g, row, s->value, 0, 1, &v, err));
    memset(&q, 0, sizeof q);
    if (s->qty != NONE) {
        CM_TRY(cm_i_ing_number(g, row, s->qty, CM_NUMF_EMPTY | CM_NUMF_NA, 1, &q, err));
        if (!cm_num_has_value(&q)) {
            CM_TRY(cm_i_ing_quirk(g, "missing-quantity", NULL, 1, err));
        }
    }
    importer = cm_i_ing_country(g, cm_i_ing_field(row, s->importer));
    if (importer == NULL) {
        CM_FAIL(cm_i_ing_keep_aside(g, row, "unknown-country", s->importer,
                                    cm_i_ing_field(row, s->importer), err));
    }
    exporter = cm_i_ing_country(g, cm_i_ing_field(row, s->exporter));
    if (exporter == NULL) {
        CM_FAIL(cm_i_ing_keep_aside(g, row, "unknown-country", s->exporter,
                                    cm_i_ing_field(row, s->exporter), err));
    }
    memset(&o, 0, sizeof o);
    o.variable = "import_value";
    o.region = importer;
    o.partner = exporter;
    o.product = product;
    o.material = material;
    o.period = year;
    o.value = v.value;
    o.unit = s->layout == LAYOUT_BACI ? "kUSD" : "USD";
    o.line = row->line;
    o.attrs = s->hs_attr[0] != '\0' && s->layout != LAYOUT_LABELS ? s->hs_attr : NULL;
    CM_TRY(cm_i_ing_add(g, &o, err));
    if (s->qty != NONE) {
        o.variable = "import_quantity";
        o.value = q.value;
        o.unit = "t";
        o.flag = cm_num_has_value(&q) ? NULL : ((q.flags & CM_NUMF_NA) != 0 ? "NA" : "missing");
        CM_TRY(cm_i_ing_add(g, &o, err));
    }
cleanup:
    return rc;
}

static int baci_detect(size_t n, const char *const *f)
{
    return has(n, f, baci_cols) || has(n, f, pair_cols) || has(n, f, label_cols);
}

const cm_i_importer_t cm_i_imp_baci = {
    .kind = "baci",
    .summary = "CEPII BACI bilateral trade (t,i,j,k,v,q; all-pairs; labelled series)",
    .name = "CEPII BACI bilateral trade flows",
    .publisher = "CEPII, BACI V202601 (reconciled UN Comtrade)",
    .source = "https://www.cepii.fr/CEPII/en/bdd_modele/bdd_modele_item.asp?id=37; extracts of "
              "https://github.com/Varcolacus/critical-materials-atlas (commit 17b328d)",
    .licence = "Etalab Open Licence 2.0 (attribution)",
    .version = "V202601",
    .separator = ',',
    .state_size = sizeof(baci_state_t),
    .header = baci_header,
    .row = baci_row,
    .detect = baci_detect,
};

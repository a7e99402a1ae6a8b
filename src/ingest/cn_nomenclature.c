/* Importer "cn-nomenclature": the Combined Nomenclature code list with each CN8 code's
 * supplementary unit, as in ../shared/data/ce-observatory-unu-concordances/csv/cn2024a.csv
 * (columns CN8, Description, Supplementary unit; codes read as numbers lost their leading zero,
 * restored here). One observation per code: variable "cn_supp_unit", product = CN8, period =
 * the nomenclature's year (from the period option or the file name), value NaN, attrs
 * {"supp_unit": "p/st", "label": "..."}; "-" = no supplementary unit. The comext importer checks
 * each row's SUPP_UNIT against the newest nomenclature of the store. A unit this cambium does
 * not know is imported as given and counted ("unknown-supp-unit"). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ingest_internal.h"

typedef struct cnn_state_t {
    size_t code, label, unit;
    char year[8];
} cnn_state_t;

static cm_error_t cnn_header(cm_i_ing_t *g, const cm_csv_row_t *row, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cnn_state_t *s = g->state;
    int64_t l = cm_i_ing_col(g, "Description");
    CM_TRY(cm_i_ing_require(g, row, "CN8", &s->code, err));
    CM_TRY(cm_i_ing_require(g, row, "Supplementary unit", &s->unit, err));
    s->label = l < 0 ? (size_t)-1 : (size_t)l;
    CM_TRY(cm_i_ing_option_year(g, s->year, err));
    snprintf(g->version_buf, sizeof g->version_buf, "CN %s", s->year);
cleanup:
    return rc;
}

static cm_error_t cnn_row(cm_i_ing_t *g, const cm_csv_row_t *row, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cnn_state_t *s = g->state;
    char code[16], unit[64], label[512];
    const char *known;
    size_t ucol = s->unit;
    cm_obs_t o;
    CM_TRY(cm_i_ing_code(g, row, s->code, 8, code, sizeof code, err));
    if (row->nfields == ucol + 2 && row->fields[ucol + 1][0] != '\0') {
        /* an unquoted comma in the description moved the unit one field right */
        ucol++;
        CM_TRY(cm_i_ing_issue(g, row, "unquoted-comma", s->label, NULL, err));
    }
    cm_i_ing_clean(unit, sizeof unit, cm_i_ing_field(row, ucol));
    if (unit[0] == '\0') {
        CM_TRY(cm_i_ing_quirk(g, "missing-supp-unit", NULL, 1, err));
        snprintf(unit, sizeof unit, "-");
    }
    known = cm_i_ing_supp_unit(unit);
    if (known == NULL) {
        CM_TRY(cm_i_ing_issue(g, row, "unknown-supp-unit", ucol, unit, err));
    }
    cm_i_ing_clean(label, sizeof label,
                   s->label != (size_t)-1 ? cm_i_ing_field(row, s->label) : "");
    cm_i_buf_reset(&g->scratch);
    if (cm_i_buf_puts(&g->scratch, "{\"supp_unit\":") != CM_OK ||
        cm_i_ing_json_str(&g->scratch, known != NULL ? known : unit) != CM_OK ||
        cm_i_buf_puts(&g->scratch, ",\"label\":") != CM_OK ||
        cm_i_ing_json_str(&g->scratch, label) != CM_OK ||
        cm_i_buf_puts(&g->scratch, "}") != CM_OK) {
        CM_FAIL(cm_error_set(err, CM_ENOMEM, "out of memory writing attributes"));
    }
    memset(&o, 0, sizeof o);
    o.variable = "cn_supp_unit";
    o.product = code;
    o.period = s->year;
    o.value = NAN;
    o.attrs = g->scratch.data;
    o.line = row->line;
    CM_TRY(cm_i_ing_add(g, &o, err));
cleanup:
    return rc;
}

static int cnn_detect(size_t n, const char *const *f)
{
    static const char *const names[] = {"CN8", "Supplementary unit", NULL};
    return cm_i_ing_has_columns(n, f, names);
}

const cm_i_importer_t cm_i_imp_cn_nomenclature = {
    .kind = "cn-nomenclature",
    .summary = "Combined Nomenclature CN8 codes with their supplementary units",
    .name = "Combined Nomenclature with supplementary units",
    .publisher = "European Commission (Eurostat, DG TAXUD), Combined Nomenclature",
    .source = "Eurostat RAMON/CN; via the CE observatory UNU concordances (cn2024a)",
    .licence = "Eurostat reuse policy (free reuse with acknowledgement)",
    .version = "CN",
    .separator = 0,
    .unnamed_data_ok = 1,
    .state_size = sizeof(cnn_state_t),
    .header = cnn_header,
    .row = cnn_row,
    .detect = cnn_detect,
};

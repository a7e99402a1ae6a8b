/* Importer "iot-oecd": an OECD national input-output table (2023 edition, ISIC Rev. 4, USD
 * million) as BEL2020ttl.csv of ../shared/data/iotables-siot-examples/: a first column of row
 * codes (TTL_01 ... TTL_97T98, TXS_IMP_FNL, TXS_INT_FNL, TTL_INT_FNL, VALU, OUTPUT) and columns
 * D01 ... D97T98 (industries) followed by final demand (HFCE ... IMPO). The rows VALU (value
 * added) and OUTPUT (output) are stored per industry: variables "value_added" and "output",
 * product = the OECD industry code (D10T12, D24A), unit MUSD, region = the country (option or
 * the three letters opening the file name), period = the year (option or file name). */
#include <stdio.h>
#include <string.h>

#include "ingest_internal.h"

typedef struct iot_state_t {
    char region[16];
    char year[8];
    int seen_valu, seen_output;
    size_t nind; /* industry columns 1..nind */
} iot_state_t;

static cm_error_t iot_prepare(cm_i_ing_t *g, cm_error_info_t *err)
{
    iot_state_t *s = g->state;
    const char *r = g->opt->region;
    const char *code = NULL;
    if (r != NULL && r[0] != '\0') {
        code = cm_class_resolve(g->country, r);
        if (code == NULL) {
            return cm_error_set(err, CM_EINVAL, "iot-oecd: region option: unknown country '%s'",
                                r);
        }
    } else {
        char three[4];
        if (strlen(g->base) >= 3) {
            memcpy(three, g->base, 3);
            three[3] = '\0';
            code = cm_class_resolve(g->country, three);
        }
        if (code == NULL) {
            return cm_error_set(err, CM_EINVAL,
                                "iot-oecd: the file name '%s' does not start with an ISO3 "
                                "country code (as BEL2020ttl.csv): give the region (--region)",
                                g->base);
        }
    }
    snprintf(s->region, sizeof s->region, "%s", code);
    return cm_i_ing_option_year(g, s->year, err);
}

static cm_error_t iot_header(cm_i_ing_t *g, const cm_csv_row_t *row, cm_error_info_t *err)
{
    iot_state_t *s = g->state;
    size_t i = 1;
    while (i < row->nfields && row->fields[i][0] == 'D' && row->fields[i][1] >= '0' &&
           row->fields[i][1] <= '9') {
        i++;
    }
    if (i == 1) {
        char shown[64];
        cm_i_ing_clean(shown, sizeof shown, row->nfields > 1 ? row->fields[1] : "");
        return cm_i_ing_fail(g, err, CM_EPARSE, row->line, 1,
                             "expected industry columns D01, D02 ... after the row-code column "
                             "of an OECD IOT, got '%s'",
                             shown);
    }
    s->nind = i - 1;
    return CM_OK;
}

static cm_error_t iot_row(cm_i_ing_t *g, const cm_csv_row_t *row, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    iot_state_t *s = g->state;
    char code[32];
    const char *variable = NULL;
    cm_obs_t o;

    cm_i_ing_clean(code, sizeof code, cm_i_ing_field(row, 0));
    if (strcmp(code, "VALU") == 0) {
        variable = "value_added";
        s->seen_valu++;
    } else if (strcmp(code, "OUTPUT") == 0) {
        variable = "output";
        s->seen_output++;
    } else if (strncmp(code, "TTL_", 4) != 0 && strncmp(code, "TXS_", 4) != 0) {
        CM_FAIL(cm_i_ing_fail(g, err, CM_EPARSE, row->line, 0,
                              "expected a row code TTL_..., TXS_..., VALU or OUTPUT, got '%s'",
                              code));
    }
    for (size_t c = 1; c <= s->nind; c++) {
        cm_num_t v;
        /* Every cell is checked; only VALU and OUTPUT are stored. Intermediate flows may be
         * negative (the IMPO column), value added and output may not. */
        CM_TRY(cm_i_ing_number(g, row, c, 0, variable != NULL, &v, err));
        if (variable == NULL) {
            continue;
        }
        memset(&o, 0, sizeof o);
        o.variable = variable;
        o.region = s->region;
        o.product = g->header[c];
        o.period = s->year;
        o.value = v.value;
        o.unit = "MUSD";
        o.line = row->line;
        CM_TRY(cm_i_ing_add(g, &o, err));
    }
cleanup:
    return rc;
}

static cm_error_t iot_finish(cm_i_ing_t *g, cm_error_info_t *err)
{
    iot_state_t *s = g->state;
    if (s->seen_valu != 1 || s->seen_output != 1) {
        return cm_error_set_at(err, CM_EPARSE, g->path, 1, 1,
                               "expected one VALU row and one OUTPUT row in an OECD IOT, found "
                               "%d and %d",
                               s->seen_valu, s->seen_output);
    }
    return CM_OK;
}

const cm_i_importer_t cm_i_imp_iot_oecd = {
    .kind = "iot-oecd",
    .summary = "OECD national input-output table: value added and output by industry",
    .name = "OECD national input-output table (total flows)",
    .publisher = "OECD, Input-Output Tables 2023 edition",
    .source = "https://github.com/rOpenGov/iotables data-raw/BEL2020ttl.csv (commit 84e420f); "
              "OECD IOTs https://oe.cd/i-o",
    .licence = "OECD: CC BY 4.0; iotables package MIT",
    .version = "2023 edition",
    .separator = ',',
    .state_size = sizeof(iot_state_t),
    .prepare = iot_prepare,
    .header = iot_header,
    .row = iot_row,
    .finish = iot_finish,
};

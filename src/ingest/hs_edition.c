/* HS editions of trade data and CN supplementary units: the small tables the trade importers
 * share (comext, comtrade, baci, cn-nomenclature). Sources: WCO, HS nomenclature editions
 * (HS1988/1992 in force 1988, HS1996 1996, HS2002 2002, HS2007 2007, HS2012 2012, HS2017
 * 2017, HS2022 2022); UN Comtrade classification codes H0 (HS1992) ... H6 (HS2022); Eurostat,
 * CN supplementary units (Commission Implementing Regulation (EU) 2023/2364, Annex I, part one,
 * section I.E: p/st, pa, m2, m3, l ...) and their UNECE Recommendation 20 codes as used in
 * Comext bulk files (NAR, NPR, MTK, MTQ, LTR ...). */
#include <stdlib.h>
#include <string.h>

#include "ingest_internal.h"

const char *cm_i_ing_hs_of_year(int year)
{
    static const struct {
        int from;
        const char *hs;
    } eds[] = {{2022, "HS2022"}, {2017, "HS2017"}, {2012, "HS2012"}, {2007, "HS2007"},
               {2002, "HS2002"}, {1996, "HS1996"}, {1988, "HS1992"}};
    for (size_t i = 0; i < sizeof eds / sizeof eds[0]; i++) {
        if (year >= eds[i].from) {
            return eds[i].hs;
        }
    }
    return NULL;
}

static const struct {
    const char *code;
    const char *hs;
} hs_codes[] = {
    {"H0", "HS1992"},   {"H1", "HS1996"},   {"H2", "HS2002"},   {"H3", "HS2007"},
    {"H4", "HS2012"},   {"H5", "HS2017"},   {"H6", "HS2022"},   {"HS92", "HS1992"},
    {"HS96", "HS1996"}, {"HS02", "HS2002"}, {"HS07", "HS2007"}, {"HS12", "HS2012"},
    {"HS17", "HS2017"}, {"HS22", "HS2022"}, {"HS1992", "HS1992"}, {"HS1996", "HS1996"},
    {"HS2002", "HS2002"}, {"HS2007", "HS2007"}, {"HS2012", "HS2012"}, {"HS2017", "HS2017"},
    {"HS2022", "HS2022"},
};

const char *cm_i_ing_hs_of_code(const char *code)
{
    char buf[16];
    cm_i_ing_clean(buf, sizeof buf, code != NULL ? code : "");
    for (size_t i = 0; i < sizeof hs_codes / sizeof hs_codes[0]; i++) {
        if (cm_i_ing_eq(buf, hs_codes[i].code)) {
            return hs_codes[i].hs;
        }
    }
    return NULL;
}

const char *cm_i_ing_hs_in_name(const char *base)
{
    for (size_t i = 0; base[i] != '\0'; i++) {
        const char *p = base + i;
        if ((p[0] == 'H' || p[0] == 'h') && (p[1] == 'S' || p[1] == 's') &&
            (i == 0 || !((p[-1] >= 'A' && p[-1] <= 'Z') || (p[-1] >= 'a' && p[-1] <= 'z'))) &&
            strspn(p + 2, "0123456789") == 2 && (p[4] < '0' || p[4] > '9')) {
            char tok[5] = {'H', 'S', p[2], p[3], '\0'};
            return cm_i_ing_hs_of_code(tok);
        }
    }
    return NULL;
}

/* The CN spellings met in the CN 2024 nomenclature (cn2024a), then the UNECE Rec. 20 codes of
 * Comext bulk files mapped to them. */
static const char *const cn_units[] = {
    "-",         "p/st",   "pa",       "m2",        "m3",      "l",       "l alc 100%",
    "g",         "kg 90% sdt", "m",    "kg N",      "1000 p/st", "gi F/S", "kg/net eda",
    "kg P2O5",   "kg K2O", "c/k",      "kg U",      "ce/el",   "ct/l",    "TJ",
    "100 p/st",  "1000 m3", "1 000 kWh", "kg NaOH", "kg KOH",  "kg H2O2", "kgmet.am",
    NULL};

static const struct {
    const char *code;
    const char *cn;
} rec20[] = {
    {"NAR", "p/st"},      {"NPR", "pa"},        {"MTK", "m2"},       {"MTQ", "m3"},
    {"LTR", "l"},         {"LPA", "l alc 100%"}, {"GRM", "g"},       {"MTR", "m"},
    {"MIL", "1000 p/st"}, {"CEN", "100 p/st"},  {"KNI", "kg N"},     {"KPP", "kg P2O5"},
    {"KPO", "kg K2O"},    {"KUR", "kg U"},      {"CTM", "c/k"},      {"CCT", "ct/l"},
    {"KSD", "kg 90% sdt"}, {"KSH", "kg NaOH"},  {"KPH", "kg KOH"},   {"MWH", "1 000 kWh"},
    {"GFI", "gi F/S"},    {"NCL", "ce/el"},     {"KMA", "kgmet.am"},
};

const char *cm_i_ing_supp_unit(const char *text)
{
    char buf[64];
    cm_i_ing_clean(buf, sizeof buf, text != NULL ? text : "");
    if (buf[0] == '\0') {
        return NULL;
    }
    for (size_t i = 0; cn_units[i] != NULL; i++) {
        if (strcmp(buf, cn_units[i]) == 0) {
            return cn_units[i];
        }
    }
    for (size_t i = 0; i < sizeof rec20 / sizeof rec20[0]; i++) {
        if (cm_i_ing_eq(buf, rec20[i].code)) {
            return rec20[i].cn;
        }
    }
    return NULL;
}

typedef struct supp_load_t {
    cm_i_ing_map_t *map;
    cm_error_info_t *err;
} supp_load_t;

static cm_error_t supp_row(int ncols, const char *const *names, const char *const *v, void *ud)
{
    supp_load_t *s = ud;
    cm_i_ing_entry_t *e = NULL;
    int created = 0;
    CM_UNUSED(names);
    if (ncols < 2 || v[0] == NULL || v[1] == NULL) {
        return CM_OK;
    }
    if (cm_i_ing_map_put(s->map, v[0], &e, &created) != CM_OK) {
        return cm_error_set(s->err, CM_ENOMEM, "out of memory loading the CN nomenclature");
    }
    if (created) {
        e->text = cm_strdup(v[1]);
        if (e->text == NULL) {
            return cm_error_set(s->err, CM_ENOMEM, "out of memory loading the CN nomenclature");
        }
    }
    return CM_OK;
}

cm_error_t cm_i_ing_load_supp_units(cm_store_t *store, cm_i_ing_map_t *map, int *found,
                                    cm_error_info_t *err)
{
    static const char sql[] =
        "SELECT o.product, json_extract(o.attrs, '$.supp_unit') FROM observation o WHERE "
        "o.variable = 'cn_supp_unit' AND o.dataset_id = (SELECT max(id) FROM dataset WHERE kind "
        "= 'cn-nomenclature' AND status = 'complete') ORDER BY o.id";
    supp_load_t s = {map, err};
    cm_error_t rc;
    *found = 0;
    rc = cm_store_query(store, sql, supp_row, &s, err);
    if (rc != CM_OK) {
        cm_i_ing_map_destroy(map);
        return rc;
    }
    *found = map->n > 0;
    return CM_OK;
}

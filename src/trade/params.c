/* The thresholds of the pointers and alerts: defaults and the analyst's file (pointers.ini). */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "cambium/cm_kv.h"
#include "core/cm_internal.h"
#include "trade/trade_internal.h"

void cm_trade_params_default(cm_trade_params_t *p)
{
    if (p == NULL) {
        return;
    }
    memset(p, 0, sizeof *p);
    p->window_years = 5;
    p->window_months = 36;
    p->min_baseline = 3;
    p->z_threshold = 2.0;
    p->hhi_jump = 0.1;
    p->unit_value_jump = 0.5;
    p->new_top_min_share = 0.25;
    p->high_risk_wgi = 6.0;
    p->high_risk_share = 0.5;
    p->wgi_year = 2023;
    p->geodep_import_hhi = 0.4;
    p->geodep_export_hhi = 0.4;
    p->geodep_ratio = 1.0;
    p->geodep_zero_exports_ratio = 9999.0;
    p->geodep_years = 2;
    p->geodep_window = 3;
    p->min_value = 0.0;
    p->w_value_z = 1.0;
    p->w_quantity_z = 1.0;
    p->w_unit_value_z = 1.5;
    p->w_hhi_jump = 2.0;
    p->w_unit_value_jump = 1.5;
    p->w_new_top = 2.0;
    p->w_high_risk = 2.5;
    p->w_geodep = 6.0;
    p->severity_cap = 10.0;
    p->min_severity = 0.0;
}

typedef enum { K_INT, K_REAL } kind_t;

typedef struct param_key_t {
    const char *section, *key;
    kind_t kind;
    size_t offset;
    double lo; /* smallest value allowed */
} param_key_t;

#define R(sec, k, field, lo) {sec, k, K_REAL, offsetof(cm_trade_params_t, field), lo}
#define I(sec, k, field, lo) {sec, k, K_INT, offsetof(cm_trade_params_t, field), lo}

static const param_key_t keys[] = {
    I("baseline", "window_years", window_years, 1),
    I("baseline", "window_months", window_months, 1),
    I("baseline", "min_baseline", min_baseline, 2),
    R("thresholds", "z", z_threshold, 0),
    R("thresholds", "hhi_jump", hhi_jump, 0),
    R("thresholds", "unit_value_jump", unit_value_jump, 0),
    R("thresholds", "new_top_min_share", new_top_min_share, 0),
    R("thresholds", "high_risk_wgi", high_risk_wgi, 0),
    R("thresholds", "high_risk_share", high_risk_share, 0),
    I("thresholds", "wgi_year", wgi_year, 1996),
    R("thresholds", "min_value", min_value, 0),
    R("geodep", "import_hhi", geodep_import_hhi, 0),
    R("geodep", "export_hhi", geodep_export_hhi, 0),
    R("geodep", "import_export_ratio", geodep_ratio, 0),
    R("geodep", "zero_exports_ratio", geodep_zero_exports_ratio, 0),
    I("geodep", "years_required", geodep_years, 1),
    I("geodep", "years_window", geodep_window, 1),
    R("severity", "value_z", w_value_z, 0),
    R("severity", "quantity_z", w_quantity_z, 0),
    R("severity", "unit_value_z", w_unit_value_z, 0),
    R("severity", "hhi_jump", w_hhi_jump, 0),
    R("severity", "unit_value_jump", w_unit_value_jump, 0),
    R("severity", "new_top_partner", w_new_top, 0),
    R("severity", "high_risk_share", w_high_risk, 0),
    R("severity", "geodep", w_geodep, 0),
    R("severity", "cap", severity_cap, 0),
    R("severity", "min_severity", min_severity, 0),
};
#define NKEYS (sizeof keys / sizeof keys[0])

static cm_error_t read_section(const cm_kv_section_t *s, cm_trade_params_t *p,
                               cm_error_info_t *err)
{
    const char *allowed[NKEYS];
    size_t na = 0;
    for (size_t k = 0; k < NKEYS; k++) {
        if (strcmp(keys[k].section, s->type) == 0) {
            allowed[na++] = keys[k].key;
        }
    }
    if (na == 0 || s->name[0] != '\0') {
        return cm_error_set_at(err, CM_EPARSE, s->file, s->line, 1,
                               "expected a section [baseline], [thresholds], [geodep] or "
                               "[severity], got [%s%s%s]", s->type, s->name[0] ? " " : "",
                               s->name);
    }
    cm_error_t rc = cm_kv_check_keys(s, allowed, na, err);
    for (size_t k = 0; rc == CM_OK && k < NKEYS; k++) {
        if (strcmp(keys[k].section, s->type) != 0) {
            continue;
        }
        const cm_kv_entry_t *e = cm_kv_get(s, keys[k].key);
        if (e == NULL) {
            continue;
        }
        double v = 0.0;
        if (keys[k].kind == K_INT) {
            cm_int_t iv = 0;
            rc = cm_kv_entry_int(s, e, &iv, err);
            v = (double)iv;
        } else {
            rc = cm_kv_entry_double(s, e, &v, err);
        }
        if (rc != CM_OK) {
            break;
        }
        if (v < keys[k].lo || (keys[k].kind == K_INT && v > 1e6)) {
            rc = cm_error_set_at(err, CM_EPARSE, s->file, e->line, e->value_column,
                                 "expected %s at least %g, got '%s'", keys[k].key, keys[k].lo,
                                 e->value);
            break;
        }
        char *base = (char *)p + keys[k].offset;
        if (keys[k].kind == K_INT) {
            int iv = (int)v;
            memcpy(base, &iv, sizeof iv);
        } else {
            memcpy(base, &v, sizeof v);
        }
    }
    return rc;
}

cm_error_t cm_trade_params_load(const char *path, cm_trade_params_t *p, cm_error_info_t *err)
{
    cm_kv_doc_t *doc = NULL;
    if (path == NULL || p == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_trade_params_load: NULL %s",
                            path == NULL ? "path" : "p");
    }
    cm_trade_params_t q = *p;
    cm_error_t rc = cm_kv_read_file(path, &doc, err);
    for (size_t i = 0; rc == CM_OK && i < cm_kv_nsections(doc); i++) {
        rc = read_section(cm_kv_section_at(doc, i), &q, err);
    }
    if (rc == CM_OK && q.geodep_years > q.geodep_window) {
        rc = cm_error_set_at(err, CM_EPARSE, path, 1, 1,
                             "expected geodep years_required (%d) at most years_window (%d)",
                             q.geodep_years, q.geodep_window);
    }
    if (rc == CM_OK) {
        *p = q;
    }
    cm_kv_free(doc);
    return rc;
}

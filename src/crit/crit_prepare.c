/* One loader for what `cambium crit eu`, `crit be` (and the what-if) compute from: EU inputs,
 * Belgian inputs, the WGI table, both bound to it (cm_crit_be.h, cm_crit_load_bound). */
#include "cambium/cm_crit_be.h"

#include <string.h>

#include "core/cm_internal.h"

cm_error_t cm_crit_load_bound(cm_store_t *store, const cm_crit_be_map_t *map,
                              const cm_crit_be_options_t *be_opt, const cm_crit_options_t *opt,
                              cm_crit_inputs_t *eu, cm_crit_inputs_t *be,
                              cm_crit_be_report_t *report, cm_crit_wgi_t *wgi, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_crit_be_map_t builtin;
    cm_crit_be_options_t bo;
    memset(&builtin, 0, sizeof builtin);
    if (store == NULL || eu == NULL || wgi == NULL || opt == NULL ||
        (be != NULL && report == NULL)) {
        return cm_error_set(err, CM_EINVAL, "cm_crit_load_bound: NULL argument");
    }
    int year = opt->wgi_year != 0 ? opt->wgi_year : CM_CRIT_EU_WGI_YEAR;
    int years = opt->wgi_years > 0 ? opt->wgi_years : 1;
    if (year < 1 || years > year) {
        return cm_error_set(err, CM_EINVAL,
                            "WGI years: expected a year >= 1 and at most that many years, got %d "
                            "and %d",
                            year, years);
    }
    cm_crit_inputs_destroy(eu);
    cm_crit_wgi_destroy(wgi);
    if (be != NULL) {
        cm_crit_inputs_destroy(be);
        cm_crit_be_report_destroy(report);
    }
    CM_TRY(cm_crit_load_eu(store, eu, err));
    if (be != NULL) {
        if (map == NULL) {
            CM_TRY(cm_crit_be_map_builtin(&builtin, err));
            map = &builtin;
        }
        if (be_opt == NULL) {
            cm_crit_be_options_default(&bo);
            be_opt = &bo;
        }
        CM_TRY(cm_crit_load_be(store, eu, map, be_opt, be, report, err));
    }
    CM_TRY(cm_crit_wgi_load(store, year - years + 1, year, wgi, err));
    CM_TRY(cm_crit_bind(eu, wgi, opt, err));
    if (be != NULL) {
        CM_TRY(cm_crit_bind(be, wgi, opt, err));
    }
cleanup:
    cm_crit_be_map_destroy(&builtin);
    if (rc != CM_OK) {
        cm_crit_inputs_destroy(eu);
        cm_crit_wgi_destroy(wgi);
        if (be != NULL) {
            cm_crit_inputs_destroy(be);
            cm_crit_be_report_destroy(report);
        }
    }
    return rc;
}

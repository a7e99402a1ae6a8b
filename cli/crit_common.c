/* Helpers shared by the criticality and supply front ends (cambium crit <sub>, cambium supply):
 * option-value parsing, JSON building, output directories, CSV number formatting. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "cli.h"

int cm_cli_parse_real(const char *text, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || errno == ERANGE || !isfinite(v)) {
        return 0;
    }
    *out = v;
    return 1;
}

int cm_cli_parse_int(const char *text, int lo, int hi, int *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (end == text || *end != '\0' || errno == ERANGE || v < lo || v > hi) {
        return 0;
    }
    *out = (int)v;
    return 1;
}

cm_error_t cm_cli_make_dir(const char *dir, cm_error_info_t *err)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        return cm_error_set(err, CM_EFILE, "cannot create directory '%s': %s", dir,
                            strerror(errno));
    }
    return CM_OK;
}

const char *cm_cli_num(double v, char *buf)
{
    return cm_csv_format_double(v, buf);
}

json_t *cm_cli_jnum(double v)
{
    return isnan(v) ? json_null() : json_real(v);
}

json_t *cm_cli_jfinite(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

int cm_cli_jset(json_t *o, const char *k, json_t *v)
{
    return v == NULL || json_object_set_new(o, k, v) != 0;
}

cm_error_t cm_cli_csv_close(cm_csv_writer_t *w, cm_error_t rc, cm_error_info_t *err)
{
    if (rc != CM_OK) {
        cm_csv_writer_abort(w);
        return rc;
    }
    return cm_csv_writer_commit(w, err);
}

cm_error_t cm_cli_svg_thresholds(cm_svg_t *fig, const cm_crit_options_t *opt, cm_error_info_t *err)
{
    char lab[64];
    snprintf(lab, sizeof lab, "SR = %.2g", opt->sr_threshold);
    cm_error_t rc = cm_svg_add_refline(fig, 'y', opt->sr_threshold, lab, err);
    if (rc != CM_OK) {
        return rc;
    }
    snprintf(lab, sizeof lab, "EI = %.2g", opt->ei_threshold);
    return cm_svg_add_refline(fig, 'x', opt->ei_threshold, lab, err);
}

int cm_cli_getopt_fail(const char *verb, int c, char **argv)
{
    if (c == ':') {
        return cm_cli_usage_error(verb, "option '%s' needs a value", argv[optind - 1]);
    }
    return cm_cli_usage_error(verb, "unknown option '%s'", argv[optind - 1]);
}

int cm_cli_opt_wgi_fallback(const char *verb, const char *text, cm_crit_options_t *opt)
{
    double v = 0.0;
    if (!cm_cli_parse_real(text, &v) || v < 0.0 || v > 10.0) {
        return cm_cli_usage_error(verb, "--wgi-fallback: expected a scaled WGI 0-10, got '%s'",
                                  text);
    }
    opt->wgi_fallback = v;
    opt->wgi_missing = CM_CRIT_WGI_FALLBACK;
    return CM_EXIT_OK;
}

cm_error_t cm_cli_crit_prepare(const char *store_opt, const char *variant, cm_crit_options_t *opt,
                               cm_crit_inputs_t *in, cm_crit_wgi_t *wgi, cm_error_info_t *err)
{
    cm_store_t *store = NULL;
    int be = strcmp(variant, "be") == 0;
    cm_crit_inputs_t eu;
    cm_crit_be_map_t map;
    cm_crit_be_report_t rep;
    memset(&eu, 0, sizeof eu);
    memset(&map, 0, sizeof map);
    memset(&rep, 0, sizeof rep);
    if (!be && strcmp(variant, "eu") != 0) {
        return cm_error_set(err, CM_EINVAL, "expected the variant eu or be, got '%s'", variant);
    }
    if (opt->wgi_year == 0) {
        opt->wgi_year = CM_CRIT_EU_WGI_YEAR;
    }
    cm_error_t rc = CM_OK;
    if (be) { /* the trade-code table, as `crit be` finds it */
        char codes[4096];
        const char *d = getenv("CAMBIUM_DATA");
        if (d != NULL && d[0] != '\0') {
            snprintf(codes, sizeof codes, "%s/crit/hs6-materials.csv", d);
        } else {
            snprintf(codes, sizeof codes, "data/crit/hs6-materials.csv");
        }
        rc = cm_crit_be_map_load(codes, &map, err);
    }
    if (rc == CM_OK) {
        rc = cm_store_open(cm_cli_store_path(store_opt), CM_STORE_READONLY, &store, err);
    }
    if (rc == CM_OK) { /* the library's one loader (cm_crit_load_bound), shared with crit be */
        rc = cm_crit_load_bound(store, be ? &map : NULL, NULL, opt, be ? &eu : in, be ? in : NULL,
                                be ? &rep : NULL, wgi, err);
    }
    if (rc == CM_OK && be && !(opt->va_max > 0.0)) {
        opt->va_max = rep.va_max; /* the Belgian EI denominator */
    }
    cm_crit_be_report_destroy(&rep);
    cm_crit_be_map_destroy(&map);
    cm_crit_inputs_destroy(&eu);
    cm_store_close(store);
    return rc;
}

void cm_cli_crit_eu_options(cm_crit_options_t *opt)
{
    cm_crit_options_default(opt);
    opt->wgi_year = CM_CRIT_EU_WGI_YEAR;
    opt->ei_published_fallback = 1;
}

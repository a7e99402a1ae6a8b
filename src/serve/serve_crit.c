/* /api/crit: the EU and Belgian classes of crit_be recomputed at thresholds given by the
 * client. A material is critical when its SR and its EI, each rounded to one decimal as the EU
 * method does (cm_crit_round1), reach the thresholds; a missing score leaves the class null. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cambium/cm_crit.h"
#include "cm_internal.h"
#include "serve/serve_internal.h"

/* The thresholds a client may ask for: finite numbers in [0, 100]. */
#define THRESHOLD_MAX 100.0

static json_t *num_or_null(double v)
{
    return isnan(v) ? json_null() : json_real(v);
}

static json_t *class_of(double sr, double ei, double sr_t, double ei_t)
{
    if (isnan(sr) || isnan(ei)) {
        return json_null();
    }
    return json_boolean(cm_crit_round1(sr) >= sr_t - 1e-9 && cm_crit_round1(ei) >= ei_t - 1e-9);
}

static int threshold(const cm_i_serve_req_t *req, const char *name, double dflt, double *out)
{
    const char *v = cm_i_serve_param(req, name);
    if (v == NULL) {
        *out = dflt;
        return 1;
    }
    return cm_i_serve_parse_number(v, 0.0, THRESHOLD_MAX, out);
}

cm_error_t cm_i_serve_crit(cm_serve_t *ctx, const cm_i_serve_req_t *req, cm_serve_response_t *res,
                           cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    double sr_t, ei_t;
    json_t *root = NULL, *th = NULL, *list = NULL;
    char *text = NULL;
    if (!threshold(req, "sr", 1.0, &sr_t)) {
        return cm_i_serve_error(res, 400, "parameter 'sr': expected a decimal number from 0 to 100",
                                err);
    }
    if (!threshold(req, "ei", 2.8, &ei_t)) {
        return cm_i_serve_error(res, 400, "parameter 'ei': expected a decimal number from 0 to 100",
                                err);
    }
    if (!ctx->has_crit) {
        return cm_i_serve_error(res, 404, ctx->crit_missing, err);
    }
    root = json_object();
    th = json_object();
    list = json_array();
    CM_NOMEM(root, err);
    CM_NOMEM(th, err);
    CM_NOMEM(list, err);
    if (json_object_set(root, "thresholds", th) != 0 ||
        json_object_set(root, "materials", list) != 0 ||
        json_object_set_new(th, "sr", json_real(sr_t)) != 0 ||
        json_object_set_new(th, "ei", json_real(ei_t)) != 0) {
        CM_FAIL(cm_error_set(err, CM_ENOMEM, "serve: out of memory in /api/crit"));
    }
    for (size_t i = 0; i < ctx->ncrit; i++) {
        const cm_i_serve_crit_t *c = &ctx->crit[i];
        json_t *o = json_object();
        CM_NOMEM(o, err);
        if (json_array_append_new(list, o) != 0 ||
            json_object_set_new(o, "material", json_string(c->material)) != 0 ||
            json_object_set_new(o, "sr_eu", num_or_null(c->sr_eu)) != 0 ||
            json_object_set_new(o, "ei_eu", num_or_null(c->ei_eu)) != 0 ||
            json_object_set_new(o, "sr_be", num_or_null(c->sr_be)) != 0 ||
            json_object_set_new(o, "ei_be", num_or_null(c->ei_be)) != 0 ||
            json_object_set_new(o, "critical_eu", class_of(c->sr_eu, c->ei_eu, sr_t, ei_t)) != 0 ||
            json_object_set_new(o, "critical_be", class_of(c->sr_be, c->ei_be, sr_t, ei_t)) != 0) {
            CM_FAIL(cm_error_set(err, CM_ENOMEM, "serve: out of memory in /api/crit"));
        }
    }
    text = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
    CM_NOMEM(text, err);
    cm_i_serve_start(res, 200, "application/json; charset=utf-8", "no-store");
    res->owned = text;
    res->body = text;
    res->body_len = strlen(text);
    text = NULL;
cleanup:
    json_decref(root);
    json_decref(th);
    json_decref(list);
    return rc;
}

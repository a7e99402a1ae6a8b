/* /api/whatif: a supplier country stops exporting (part of) a material. The answer is the JSON
 * of cm_crit_whatif_json, computed from the criticality inputs in the read-only store. The inputs
 * are loaded once, by the first query (cm_crit_whatif_load into ctx->whatif), and each query
 * only computes (cm_crit_whatif_compute, which leaves the loaded inputs as they are). The store
 * connection is shared by the server's threads (the load, and the compute when it resolves an
 * alias through the classifications, read it), so both run under the context's store lock. */
#include <ctype.h>
#include <string.h>

#include "cambium/cm_crit_whatif.h"
#include "cm_internal.h"
#include "serve/serve_internal.h"

static int valid_country(const char *s)
{
    return s != NULL && strlen(s) == 3 && isupper((unsigned char)s[0]) &&
           isupper((unsigned char)s[1]) && isupper((unsigned char)s[2]);
}

static int optional_threshold(const cm_i_serve_req_t *req, const char *name, double *out)
{
    const char *v = cm_i_serve_param(req, name);
    *out = 0.0; /* the function's defaults (1.0 and 2.8) */
    return v == NULL || cm_i_serve_parse_number(v, 0.0, 100.0, out);
}

cm_error_t cm_i_serve_whatif(cm_serve_t *ctx, const cm_i_serve_req_t *req,
                             cm_serve_response_t *res, cm_error_info_t *err)
{
    cm_crit_whatif_query_t q;
    cm_error_info_t e;
    char *json = NULL;
    double pct;
    const char *material = cm_i_serve_param(req, "material");
    const char *country = cm_i_serve_param(req, "country");
    const char *cut = cm_i_serve_param(req, "cut");
    if (material == NULL || !cm_i_serve_valid_id(material, 0)) {
        return cm_i_serve_error(res, 400,
                                "parameter 'material': expected a material id of 1 to 64 "
                                "characters [a-z0-9-]",
                                err);
    }
    if (!valid_country(country)) {
        return cm_i_serve_error(res, 400,
                                "parameter 'country': expected an ISO3 country code (three "
                                "capital letters)",
                                err);
    }
    if (cut == NULL || !cm_i_serve_parse_number(cut, 0.0, 100.0, &pct) || !(pct > 0.0)) {
        return cm_i_serve_error(res, 400,
                                "parameter 'cut': expected a percentage greater than 0 and at "
                                "most 100",
                                err);
    }
    memset(&q, 0, sizeof q);
    q.material = material;
    q.country = country;
    q.cut = pct / 100.0;
    if (!optional_threshold(req, "sr", &q.sr_threshold)) {
        return cm_i_serve_error(res, 400, "parameter 'sr': expected a decimal number from 0 to 100",
                                err);
    }
    if (!optional_threshold(req, "ei", &q.ei_threshold)) {
        return cm_i_serve_error(res, 400, "parameter 'ei': expected a decimal number from 0 to 100",
                                err);
    }
    memset(&e, 0, sizeof e);
    pthread_mutex_lock(&ctx->store_lock);
    cm_error_t rc = CM_OK;
    if (ctx->whatif == NULL) { /* the first query loads; a failed load is retried next time */
        rc = cm_crit_whatif_load(ctx->store, 0, 0.0, &ctx->whatif, &e);
    }
    if (rc == CM_OK) {
        rc = cm_crit_whatif_compute(ctx->whatif, &q, &json, &e);
    }
    pthread_mutex_unlock(&ctx->store_lock);
    if (rc == CM_ENOMEM) {
        return cm_error_set(err, CM_ENOMEM, "serve: out of memory in /api/whatif");
    }
    if (rc != CM_OK) {
        /* a question the data cannot answer (unknown material or country: 400; the store lacks
         * the criticality inputs: 404); anything else is the server's fault (500) */
        int status = rc == CM_EINVAL ? 400 : rc == CM_ENOTFOUND ? 404 : 500;
        return cm_i_serve_error(res, status, e.message, err);
    }
    cm_i_serve_start(res, 200, "application/json; charset=utf-8", "no-store");
    res->owned = json;
    res->body = json;
    res->body_len = strlen(json);
    return CM_OK;
}

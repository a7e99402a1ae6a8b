/* Output of a reconciled model: recon_flows.csv, recon_derived.csv, recon_tests.json and the
 * Sankey diagram recon_sankey.svg. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cambium/cm_alloc.h"
#include "cambium/cm_csv.h"
#include "cambium/cm_json.h"
#include "cambium/cm_sankey.h"
#include "../core/cm_internal.h"
#include "rc_internal.h"

static const char *const status_name[] = {"redundant", "non-redundant", "observable",
                                          "unobservable"};

static const char *end_name(const cm_recon_model_t *m, long e)
{
    static const char *const b[] = {"import", "export", "environment", "stock"};
    return e >= 0 ? m->proc[e] : b[-e - 1];
}

static char *path_in(const char *dir, const char *file, char *buf, size_t n)
{
    snprintf(buf, n, "%s/%s", dir, file);
    return buf;
}

static cm_error_t write_flows(const cm_recon_model_t *m, const cm_recon_result_t *r,
                              const char *path, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_csv_writer_t *w = NULL;
    static const char *const head[] = {"flow", "from", "to", "measured", "sd", "reconciled",
                                       "sd_reconciled", "z", "flag", "status"};
    CM_TRY(cm_csv_writer_open(path, ',', &w, err));
    CM_TRY(cm_csv_write_row(w, 10, head, err));
    for (size_t f = 0; f < m->nflow; f++) {
        const rc_flow_t *fl = &m->flow[f];
        char b[5][32];
        const char *flag = r->status[f] == CM_RECON_UNOBSERVABLE ? "unobservable"
                           : !isnan(r->z[f]) && r->z[f] > 1.96 ? "gross-error?"
                                                                : "";
        const char *row[10] = {fl->name, end_name(m, fl->from), end_name(m, fl->to),
                               cm_csv_format_double(fl->value, b[0]),
                               cm_csv_format_double(fl->sd, b[1]),
                               cm_csv_format_double(r->value[f], b[2]),
                               cm_csv_format_double(r->sd[f], b[3]),
                               cm_csv_format_double(r->z[f], b[4]), flag,
                               status_name[r->status[f]]};
        CM_TRY(cm_csv_write_row(w, 10, row, err));
    }
    rc = cm_csv_writer_commit(w, err);
    w = NULL;
cleanup:
    cm_csv_writer_abort(w);
    return rc;
}

static cm_error_t write_derived(const cm_recon_model_t *m, const cm_recon_result_t *r,
                                const char *path, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_csv_writer_t *w = NULL;
    static const char *const head[] = {"quantity", "value", "sd"};
    CM_TRY(cm_csv_writer_open(path, ',', &w, err));
    CM_TRY(cm_csv_write_row(w, 3, head, err));
    for (size_t d = 0; d < m->nder; d++) {
        char b[2][32];
        const char *row[3] = {m->der[d].name, cm_csv_format_double(r->derived_value[d], b[0]),
                              cm_csv_format_double(r->derived_sd[d], b[1])};
        CM_TRY(cm_csv_write_row(w, 3, row, err));
    }
    rc = cm_csv_writer_commit(w, err);
    w = NULL;
cleanup:
    cm_csv_writer_abort(w);
    return rc;
}

static json_t *num(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

static cm_error_t write_tests(const cm_recon_model_t *m, const cm_recon_result_t *r,
                              const char *path, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_json_init();
    json_t *o = json_object(), *flagged = NULL, *unobs = NULL;
    CM_NOMEM(o, err);
    /* the arrays first: once set, o owns them whatever fails later */
    int bad = json_object_set_new(o, "flagged", json_array()) ||
              json_object_set_new(o, "unobservable", json_array());
    flagged = json_object_get(o, "flagged");
    unobs = json_object_get(o, "unobservable");
    bad = bad || flagged == NULL || unobs == NULL ||
          json_object_set_new(o, "h", num(r->h)) ||
          json_object_set_new(o, "dof", json_integer((json_int_t)r->dof)) ||
          json_object_set_new(o, "p_value", num(r->p_value)) ||
          json_object_set_new(o, "h_crit_95", num(r->h_crit)) ||
          json_object_set_new(o, "accepted", json_boolean(r->dof == 0 || r->h <= r->h_crit)) ||
          json_object_set_new(o, "constraints", json_integer((json_int_t)r->nconstraints)) ||
          json_object_set_new(o, "dropped_constraints", json_integer((json_int_t)r->ndropped));
    for (size_t f = 0; f < m->nflow && !bad; f++) {
        if (!isnan(r->z[f]) && r->z[f] > 1.96) {
            json_t *e = json_object();
            bad = e == NULL || json_array_append_new(flagged, e) ||
                  json_object_set_new(e, "flow", json_string(m->flow[f].name)) ||
                  json_object_set_new(e, "z", num(r->z[f]));
        } else if (r->status[f] == CM_RECON_UNOBSERVABLE) {
            bad = json_array_append_new(unobs, json_string(m->flow[f].name));
        }
    }
    if (bad) {
        CM_NOMEM(NULL, err);
    }
    CM_TRY(cm_json_write_file(path, o, 0, err));
cleanup:
    json_decref(o);
    return rc;
}

/* Sankey: import in column 0, processes by longest forward path in declaration order (a flow
 * back to an earlier process is a loop), export, environment and stock in the last column;
 * unobservable flows are not drawn. */
static cm_error_t write_sankey(const cm_recon_model_t *m, const cm_recon_result_t *r,
                               const char *path, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_sankey_t *sk = NULL;
    int *level = NULL;
    size_t *id = NULL, bid[4] = {0};
    int used[4] = {0};
    char title[256];
    level = cm_calloc(m->nproc + 1, sizeof *level);
    id = cm_calloc(m->nproc + 1, sizeof *id);
    CM_NOMEM(level, err);
    CM_NOMEM(id, err);
    for (size_t p = 0; p < m->nproc; p++) {
        level[p] = 1;
    }
    for (size_t it = 0; it < m->nproc; it++) {
        int changed = 0;
        for (size_t f = 0; f < m->nflow; f++) {
            long a = m->flow[f].from, b = m->flow[f].to;
            if (a >= 0 && b > a && level[b] < level[a] + 1 && level[a] < 61) {
                level[b] = level[a] + 1;
                changed = 1;
            }
        }
        if (!changed) {
            break;
        }
    }
    int last = 2;
    for (size_t p = 0; p < m->nproc; p++) {
        last = level[p] + 1 > last ? level[p] + 1 : last;
    }
    snprintf(title, sizeof title, "Reconciled flows (h = %.3g, %s)", r->h,
             r->dof == 0 || r->h <= r->h_crit ? "accepted" : "rejected at 95 %");
    CM_TRY(cm_sankey_create(title, m->unit, &sk, err));
    for (size_t f = 0; f < m->nflow; f++) {
        for (int e = 0; e < 2 && !isnan(r->value[f]); e++) {
            long x = e ? m->flow[f].to : m->flow[f].from;
            if (x < 0) {
                used[-x - 1] = 1;
            }
        }
    }
    if (used[0]) {
        CM_TRY(cm_sankey_add_node(sk, "import", 0, &bid[0], err));
    }
    for (size_t p = 0; p < m->nproc; p++) {
        CM_TRY(cm_sankey_add_node(sk, m->proc[p], level[p], &id[p], err));
    }
    for (int k = 1; k < 4; k++) {
        if (used[k]) {
            CM_TRY(cm_sankey_add_node(sk, end_name(m, -k - 1), last, &bid[k], err));
        }
    }
    double total = 0;
    for (size_t f = 0; f < m->nflow; f++) {
        if (isnan(r->value[f])) {
            continue;
        }
        total += fmax(r->value[f], 0);
        long a = m->flow[f].from, b = m->flow[f].to;
        size_t na = a >= 0 ? id[a] : bid[-a - 1], nb = b >= 0 ? id[b] : bid[-b - 1];
        CM_TRY(cm_sankey_add_flow_sd(sk, na, nb, fmax(r->value[f], 0), r->sd[f], err));
    }
    if (total > 0) { /* otherwise nothing to draw: no file */
        rc = cm_sankey_write(sk, path, 1000, 620, err);
    }
cleanup:
    cm_sankey_free(sk);
    cm_free(level);
    cm_free(id);
    return rc;
}

cm_error_t cm_recon_write(const cm_recon_model_t *m, const cm_recon_result_t *r,
                          const char *dir, cm_error_info_t *err)
{
    return cm_recon_write_files(m, r, dir, 1, err);
}

cm_error_t cm_recon_write_files(const cm_recon_model_t *m, const cm_recon_result_t *r,
                                const char *dir, int sankey, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    char path[4096];
    if (m == NULL || r == NULL || dir == NULL || r->nflows != m->nflow) {
        return cm_error_set(err, CM_EINVAL, "cm_recon_write_files: expected a model, its result and "
                            "a directory");
    }
    CM_TRY(write_flows(m, r, path_in(dir, "recon_flows.csv", path, sizeof path), err));
    CM_TRY(write_derived(m, r, path_in(dir, "recon_derived.csv", path, sizeof path), err));
    CM_TRY(write_tests(m, r, path_in(dir, "recon_tests.json", path, sizeof path), err));
    if (sankey) {
        CM_TRY(write_sankey(m, r, path_in(dir, "recon_sankey.svg", path, sizeof path), err));
    }
cleanup:
    return rc;
}

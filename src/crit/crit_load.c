/* Loading criticality inputs from the store: the WGI table (wgi importer) and the EU 2023
 * assessment (eu-crm-supply, eu-crm-trade, eu-crm-results, eu-crm-use importers). The choices
 * documented in docs/crit.md are applied here. */
#include "cambium/cm_crit.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cm_internal.h"
#include "crit/crit_internal.h"

static int parse_int(const char *s, long *out)
{
    if (s == NULL || s[0] == '\0') {
        return 0;
    }
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || errno == ERANGE) {
        return 0;
    }
    *out = v;
    return 1;
}

static int stage_index(const char *s)
{
    if (s == NULL) {
        return -1;
    }
    if (strcmp(s, "extraction") == 0) {
        return CM_CRIT_EXTRACTION;
    }
    if (strcmp(s, "processing") == 0) {
        return CM_CRIT_PROCESSING;
    }
    return -1;
}

/* --- WGI ------------------------------------------------------------------------------- */

typedef struct wgi_acc_t {
    cm_crit_wgi_t *out;
    cm_error_info_t *err;
    char country[CM_CRIT_CODE_MAX];
    long year;
    /* current year */
    cm_real_t est_sum, var_sum;
    int k, k_se;
    /* over years */
    cm_real_t mean_sum, se_sum;
    int years, years_se, estimates;
} wgi_acc_t;

static void wgi_close_year(wgi_acc_t *a)
{
    if (a->k > 0) {
        a->mean_sum += a->est_sum / a->k;
        a->years++;
        a->estimates += a->k;
        if (a->k_se == a->k) {
            a->se_sum += sqrt(a->var_sum) / a->k;
            a->years_se++;
        }
    }
    a->est_sum = a->var_sum = 0.0;
    a->k = a->k_se = 0;
}

static cm_error_t wgi_close_country(wgi_acc_t *a)
{
    wgi_close_year(a);
    cm_error_t rc = CM_OK;
    if (a->country[0] != '\0' && a->years > 0) {
        cm_real_t se = a->years_se == a->years ? a->se_sum / a->years_se : NAN;
        rc = cm_crit_wgi_set(a->out, a->country, a->mean_sum / a->years, se, a->estimates,
                             a->err);
    }
    a->mean_sum = a->se_sum = 0.0;
    a->years = a->years_se = a->estimates = 0;
    a->country[0] = '\0';
    a->year = 0;
    return rc;
}

static cm_error_t wgi_row(int ncols, const char *const *names, const char *const *v, void *ud)
{
    wgi_acc_t *a = ud;
    CM_UNUSED(names);
    CM_UNUSED(ncols);
    cm_real_t est = 0.0, sd = 0.0;
    long year = 0;
    if (v[0] == NULL || !parse_int(v[1], &year) || !cm_i_crit_parse_real(v[2], 0, &est)) {
        return CM_OK;
    }
    if (strlen(v[0]) >= CM_CRIT_CODE_MAX) {
        return CM_OK;
    }
    if (strcmp(v[0], a->country) != 0) {
        cm_error_t rc = wgi_close_country(a);
        if (rc != CM_OK) {
            return rc;
        }
        memcpy(a->country, v[0], strlen(v[0]) + 1);
        a->year = year;
    } else if (year != a->year) {
        wgi_close_year(a);
        a->year = year;
    }
    a->est_sum += est;
    a->k++;
    if (cm_i_crit_parse_real(v[3], 0, &sd)) {
        a->var_sum += sd * sd;
        a->k_se++;
    }
    return CM_OK;
}

cm_error_t cm_crit_wgi_load(cm_store_t *store, int year_from, int year_to, cm_crit_wgi_t *out,
                            cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    if (store == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_crit_wgi_load: NULL argument");
    }
    cm_crit_wgi_destroy(out);
    if (year_from > year_to) {
        return cm_error_set(err, CM_EINVAL, "WGI years: expected first <= last, got %d-%d",
                            year_from, year_to);
    }
    char sql[1024];
    /* Materialised first: ordering the join directly makes SQLite walk the index in region
     * order and probe the whole table (a minute instead of a fraction of a second). */
    snprintf(sql, sizeof sql,
             "WITH w AS MATERIALIZED (SELECT e.region AS region, "
             "CAST(e.period AS INTEGER) AS year, e.value AS est, s.value AS sd "
             "FROM observation e "
             "LEFT JOIN observation s ON s.variable = 'stddev' AND s.region = e.region "
             "AND s.period = e.period AND s.product = e.product "
             "AND s.dataset_id = e.dataset_id "
             "WHERE e.variable = 'estimate' AND e.value IS NOT NULL "
             "AND e.product IN ('va','pv','ge','rq','rl','cc') "
             "AND e.dataset_id = (SELECT MAX(d.id) FROM dataset d WHERE d.kind = 'wgi') "
             "AND CAST(e.period AS INTEGER) BETWEEN %d AND %d) "
             "SELECT region, year, est, sd FROM w ORDER BY region, year",
             year_from, year_to);
    wgi_acc_t acc;
    memset(&acc, 0, sizeof acc);
    acc.out = out;
    acc.err = err;
    CM_TRY(cm_store_query(store, sql, wgi_row, &acc, err));
    CM_TRY(wgi_close_country(&acc));
    if (out->n == 0) {
        CM_FAIL(cm_error_set(err, CM_ENOTFOUND,
                             "no WGI estimates for %d-%d in the store (import the WGI with "
                             "'cambium import wgi')", year_from, year_to));
    }
    out->year_from = year_from;
    out->year_to = year_to;
cleanup:
    if (rc != CM_OK) {
        cm_crit_wgi_destroy(out);
    }
    return rc;
}

/* --- EU inputs ------------------------------------------------------------------------- */

typedef struct eu_ctx_t {
    cm_crit_inputs_t *in;
    cm_error_info_t *err;
    int scope;
    /* the share added for the current line (t rows follow their share row) */
    long line;
    cm_crit_share_t *last;
    int last_t_set;
    size_t t_missing;
} eu_ctx_t;

static cm_error_t material_get(eu_ctx_t *c, const char *code, cm_crit_material_t **m)
{
    ptrdiff_t i = cm_crit_inputs_find(c->in, code);
    if (i < 0) {
        size_t idx = 0;
        cm_error_t rc = cm_crit_inputs_add(c->in, code, NULL, &idx, c->err);
        if (rc != CM_OK) {
            return rc;
        }
        i = (ptrdiff_t)idx;
    }
    *m = &c->in->materials[i];
    return CM_OK;
}

/* line, variable, material, stage, partner, value, flag */
static cm_error_t share_row(int ncols, const char *const *names, const char *const *v, void *ud)
{
    eu_ctx_t *c = ud;
    CM_UNUSED(ncols);
    CM_UNUSED(names);
    long line = 0;
    cm_real_t value = NAN;
    int stage = stage_index(v[3]);
    if (!parse_int(v[0], &line) || v[2] == NULL || v[4] == NULL || stage < 0) {
        return CM_OK;
    }
    int is_t = strncmp(v[1], "trade_t_", 8) == 0;
    if (is_t) {
        if (c->last != NULL && line == c->line && cm_i_crit_parse_real(v[5], 0, &value)) {
            c->last->t = value;
            c->last_t_set = 1;
        }
        return CM_OK;
    }
    if (c->last != NULL && !c->last_t_set) {
        c->t_missing++;
        c->last->t = NAN; /* filled from the trade-parameter table, else 1 */
    }
    c->last = NULL;
    const char *flag = v[6];
    if (!cm_i_crit_parse_real(v[5], 0, &value)) {
        if (flag == NULL || strcmp(flag, "W") != 0) {
            return CM_OK;
        }
        value = 0.0; /* withheld: counted as 0 and flagged (noted in the results) */
    }
    unsigned flags = 0;
    if (flag != NULL) {
        if (strcmp(flag, "<") == 0) {
            flags |= CM_CRIT_SHARE_LT;
        } else if (strcmp(flag, ">") == 0) {
            flags |= CM_CRIT_SHARE_GT;
        } else if (strcmp(flag, "W") == 0) {
            flags |= CM_CRIT_SHARE_W;
        }
    }
    cm_crit_material_t *m = NULL;
    cm_error_t rc = material_get(c, v[2], &m);
    if (rc != CM_OK) {
        return rc;
    }
    rc = cm_crit_material_add_share(m, stage, c->scope, v[4], value, 1.0, flags, c->err);
    if (rc != CM_OK) {
        return rc;
    }
    cm_crit_supply_t *s = &m->supply[stage][c->scope];
    c->last = &s->items[s->n - 1];
    c->last_t_set = 0;
    c->line = line;
    return CM_OK;
}

/* material, stage, partner, value, variable */
static cm_error_t trade_row(int ncols, const char *const *names, const char *const *v, void *ud)
{
    eu_ctx_t *c = ud;
    CM_UNUSED(ncols);
    CM_UNUSED(names);
    int stage = stage_index(v[1]);
    cm_real_t t = NAN;
    if (v[0] == NULL || v[2] == NULL || stage < 0 || !cm_i_crit_parse_real(v[3], 0, &t)) {
        return CM_OK;
    }
    int scope = strcmp(v[4], "trade_t_eu") == 0 ? CM_CRIT_SOURCING : CM_CRIT_GLOBAL;
    ptrdiff_t i = cm_crit_inputs_find(c->in, v[0]);
    if (i < 0) {
        return CM_OK;
    }
    cm_crit_share_t *sh = cm_crit_material_find_share(&c->in->materials[i], stage, scope, v[2]);
    if (sh != NULL && isnan(sh->t)) {
        sh->t = t;
    }
    return CM_OK;
}

/* material, variable, stage, value, unit, sourcing, used_stage, stages */
static cm_error_t result_row(int ncols, const char *const *names, const char *const *v, void *ud)
{
    eu_ctx_t *c = ud;
    CM_UNUSED(ncols);
    CM_UNUSED(names);
    cm_real_t x = NAN;
    if (v[0] == NULL || v[1] == NULL || !cm_i_crit_parse_real(v[3], 0, &x)) {
        return CM_OK;
    }
    cm_crit_material_t *m = NULL;
    cm_error_t rc = material_get(c, v[0], &m);
    if (rc != CM_OK) {
        return rc;
    }
    int stage = stage_index(v[2]);
    if (v[4] != NULL && strcmp(v[4], "%") == 0) {
        x /= 100.0;
    }
    const char *var = v[1];
    if (strcmp(var, "supply_risk") == 0) {
        if (stage < 0) {
            m->published.sr = x;
            m->published.used_stage = stage_index(v[6]);
            if (v[7] != NULL) {
                m->assessed[CM_CRIT_EXTRACTION] |= strchr(v[7], 'E') != NULL;
                m->assessed[CM_CRIT_PROCESSING] |= strchr(v[7], 'P') != NULL;
            }
        } else {
            m->published.sr_stage[stage] = x;
            m->assessed[stage] = 1;
            if (v[5] != NULL) {
                cm_crit_mode_t mode = CM_CRIT_MODE_AUTO;
                if (cm_crit_mode_parse(v[5], &mode, NULL) == CM_OK) {
                    m->published.mode[stage] = mode;
                }
            }
        }
    } else if (strcmp(var, "economic_importance") == 0) {
        m->published.ei = x;
    } else if (strcmp(var, "substitution_index_ei") == 0) {
        m->si_ei = x;
    } else if (strcmp(var, "substitution_index_sr") == 0) {
        m->si_sr = x;
    } else if (strcmp(var, "import_reliance") == 0 && stage >= 0) {
        m->import_reliance[stage] = x;
    } else if (strcmp(var, "eol_rir") == 0) {
        m->eol_rir = x;
    }
    return CM_OK;
}

/* material, application, share, flag, nace, value added */
static cm_error_t use_row(int ncols, const char *const *names, const char *const *v, void *ud)
{
    eu_ctx_t *c = ud;
    CM_UNUSED(ncols);
    CM_UNUSED(names);
    cm_real_t share = NAN, va = NAN;
    if (v[0] == NULL || !cm_i_crit_parse_real(v[2], 0, &share)) {
        return CM_OK;
    }
    if (!cm_i_crit_parse_real(v[5], 0, &va)) {
        va = NAN;
    }
    unsigned flags = 0;
    if (v[3] != NULL && strcmp(v[3], ">") == 0) {
        flags |= CM_CRIT_SHARE_GT;
    } else if (v[3] != NULL && strcmp(v[3], "<") == 0) {
        flags |= CM_CRIT_SHARE_LT;
    }
    cm_crit_material_t *m = NULL;
    cm_error_t rc = material_get(c, v[0], &m);
    if (rc != CM_OK) {
        return rc;
    }
    const char *nace = v[4];
    if (nace != NULL && strlen(nace) >= CM_CRIT_NACE_MAX) {
        nace = NULL;
    }
    return cm_crit_material_add_enduse(m, v[1], nace, share, va, flags, c->err);
}

/* code, label, parent, is_aggregate */
static cm_error_t class_row(int ncols, const char *const *names, const char *const *v, void *ud)
{
    eu_ctx_t *c = ud;
    CM_UNUSED(ncols);
    CM_UNUSED(names);
    ptrdiff_t i = cm_crit_inputs_find(c->in, v[0]);
    if (i < 0) {
        return CM_OK;
    }
    cm_crit_material_t *m = &c->in->materials[i];
    if (v[1] != NULL && v[1][0] != '\0') {
        char *name = cm_strdup(v[1]);
        if (name == NULL) {
            return cm_error_set(c->err, CM_ENOMEM, "out of memory");
        }
        cm_free(m->name);
        m->name = name;
    }
    if (v[3] != NULL && strcmp(v[3], "1") == 0) {
        m->flags |= CM_CRIT_MAT_GROUP;
    }
    return CM_OK;
}

/* Sourcing shares of a member missing for a stage come from its group (the EU table gives
 * the HREE extraction sourcing only for the group). */
typedef struct group_ctx_t {
    cm_crit_inputs_t *in;
    cm_error_info_t *err;
} group_ctx_t;

static cm_error_t group_row(int ncols, const char *const *names, const char *const *v, void *ud)
{
    group_ctx_t *g = ud;
    CM_UNUSED(ncols);
    CM_UNUSED(names);
    ptrdiff_t i = cm_crit_inputs_find(g->in, v[0]);
    ptrdiff_t p = cm_crit_inputs_find(g->in, v[1]);
    if (i < 0 || p < 0) {
        return CM_OK;
    }
    for (int s = 0; s < CM_CRIT_NSTAGES; s++) {
        cm_crit_material_t *m = &g->in->materials[i];
        const cm_crit_material_t *grp = &g->in->materials[p];
        if (!m->assessed[s] || m->supply[s][CM_CRIT_SOURCING].n > 0 ||
            grp->supply[s][CM_CRIT_SOURCING].n == 0) {
            continue;
        }
        const cm_crit_supply_t *src = &grp->supply[s][CM_CRIT_SOURCING];
        for (size_t k = 0; k < src->n; k++) {
            const cm_crit_share_t *sh = &src->items[k];
            /* grp pointer stays valid: adding shares to m never moves the materials array */
            cm_error_t rc = cm_crit_material_add_share(m, s, CM_CRIT_SOURCING, sh->country,
                                                       sh->share, sh->t, sh->flags, g->err);
            if (rc != CM_OK) {
                return rc;
            }
        }
        m->flags |= s == CM_CRIT_EXTRACTION ? CM_CRIT_MAT_SRC_FROM_GROUP_E
                                            : CM_CRIT_MAT_SRC_FROM_GROUP_P;
    }
    return CM_OK;
}

static cm_error_t count_row(int ncols, const char *const *names, const char *const *v, void *ud)
{
    CM_UNUSED(ncols);
    CM_UNUSED(names);
    long n = 0;
    if (parse_int(v[0], &n)) {
        *(long *)ud = n;
    }
    return CM_OK;
}

#define NEWEST(var) \
    "(SELECT MAX(dataset_id) FROM observation WHERE variable = '" var "' AND region = 'EU27')"

cm_error_t cm_crit_load_eu(cm_store_t *store, cm_crit_inputs_t *out, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    if (store == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_crit_load_eu: NULL argument");
    }
    cm_crit_inputs_destroy(out);
    memcpy(out->region, "EU27", 5);
    eu_ctx_t c;
    memset(&c, 0, sizeof c);
    c.in = out;
    c.err = err;
    long n = 0;
    CM_TRY(cm_store_query(store,
                          "SELECT COUNT(*) FROM observation WHERE variable IN "
                          "('supply_share_global', 'supply_share_eu', 'supply_risk') "
                          "AND region = 'EU27'",
                          count_row, &n, err));
    if (n == 0) {
        CM_FAIL(cm_error_set(err, CM_ENOTFOUND,
                             "no EU CRM 2023 data in the store (import eu-crm-results and "
                             "eu-crm-supply first)"));
    }
    /* published results first: they fix the material order of the report */
    CM_TRY(cm_store_query(store,
                          "SELECT material, variable, stage, value, unit, "
                          "json_extract(attrs, '$.sourcing'), json_extract(attrs, '$.used_stage'), "
                          "json_extract(attrs, '$.stages') FROM observation "
                          "WHERE dataset_id = " NEWEST("supply_risk") " AND material IS NOT NULL "
                          "ORDER BY id",
                          result_row, &c, err));
    static const char *const scopes[2][3] = {
        {"supply_share_global", "trade_t_global", NEWEST("supply_share_global")},
        {"supply_share_eu", "trade_t_eu", NEWEST("supply_share_eu")}};
    for (int s = 0; s < 2; s++) {
        char sql[1024];
        snprintf(sql, sizeof sql,
                 "SELECT line, variable, material, stage, partner, value, flag FROM observation "
                 "WHERE dataset_id = %s AND variable IN ('%s', '%s') AND region = 'EU27' "
                 "ORDER BY line, variable",
                 scopes[s][2], scopes[s][0], scopes[s][1]);
        c.scope = s == 0 ? CM_CRIT_GLOBAL : CM_CRIT_SOURCING;
        c.last = NULL;
        CM_TRY(cm_store_query(store, sql, share_row, &c, err));
        if (c.last != NULL && !c.last_t_set) {
            c.last->t = NAN;
            c.t_missing++;
        }
        c.last = NULL;
    }
    if (c.t_missing > 0) {
        CM_TRY(cm_store_query(store,
                              "SELECT material, stage, partner, value, variable FROM observation "
                              "WHERE variable IN ('trade_t_global', 'trade_t_eu') "
                              "AND dataset_id IN (SELECT id FROM dataset WHERE kind = "
                              "'eu-crm-trade')",
                              trade_row, &c, err));
        for (size_t i = 0; i < out->n; i++) {
            for (int s = 0; s < CM_CRIT_NSTAGES; s++) {
                for (int k = 0; k < CM_CRIT_NSCOPES; k++) {
                    cm_crit_supply_t *sup = &out->materials[i].supply[s][k];
                    for (size_t j = 0; j < sup->n; j++) {
                        if (isnan(sup->items[j].t)) {
                            sup->items[j].t = 1.0;
                        }
                    }
                }
            }
        }
    }
    CM_TRY(cm_store_query(store,
                          "SELECT u.material, u.product, u.value, u.flag, "
                          "json_extract(u.attrs, '$.nace'), "
                          "COALESCE(json_extract(u.attrs, '$.va'), v.value) FROM observation u "
                          "LEFT JOIN observation v ON v.variable = 'value_added' "
                          "AND v.dataset_id = u.dataset_id AND v.region = u.region "
                          "AND v.product = json_extract(u.attrs, '$.nace') "
                          "WHERE u.variable = 'use_share' AND u.region = 'EU27' "
                          "AND u.dataset_id = " NEWEST("use_share") " ORDER BY u.id",
                          use_row, &c, err));
    CM_TRY(cm_store_query(store,
                          "SELECT code, label, parent, is_aggregate FROM class_item "
                          "WHERE classification = 'material'",
                          class_row, &c, err));
    group_ctx_t g = {out, err};
    CM_TRY(cm_store_query(store,
                          "SELECT code, parent FROM class_item WHERE classification = 'material' "
                          "AND parent IS NOT NULL AND parent <> ''",
                          group_row, &g, err));
cleanup:
    if (rc != CM_OK) {
        cm_crit_inputs_destroy(out);
    }
    return rc;
}

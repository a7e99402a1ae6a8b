/* MMSA model file: [inflow], [projection], [lifetime], [recovery], [montecarlo]. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cambium/cm_alloc.h"
#include "cambium/cm_units.h"
#include "../core/cm_internal.h"
#include "mmsa_internal.h"
#include "mmsa_load.h"

static const char *const stage_names[MM_NSTAGE] = {"collection", "dismantling", "process"};

/* Shares by technology for every model cohort from a split file: share[k * T + t], has[t]. */
static cm_error_t read_split(cm_mmsa_model_t *m, const cm_kv_section_t *s, const char *dir,
                             double *share, unsigned char *has, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_table_t t = CM_TABLE_NULL;
    cm_int_t csc, c0, c1, ck, csh;
    const cm_kv_entry_t *se = cm_kv_get(s, "split_scenario");
    size_t used = 0;
    CM_TRY(cm_i_mmsa_table(dir, s, "split", &t, err));
    CM_TRY(cm_i_mmsa_col(&t, s, "split_scenario_column", "scenario", se == NULL, &csc, err));
    CM_TRY(cm_i_mmsa_col(&t, s, "split_from_column", "cohort_from", 0, &c0, err));
    CM_TRY(cm_i_mmsa_col(&t, s, "split_to_column", "cohort_to", 0, &c1, err));
    CM_TRY(cm_i_mmsa_col(&t, s, "technology_column", NULL, 0, &ck, err));
    CM_TRY(cm_i_mmsa_col(&t, s, "split_share_column", "share", 0, &csh, err));
    for (size_t r = 0; r < t.nrows; r++) {
        double a, b, v;
        int k;
        if (se != NULL && csc >= 0 && strcmp(cm_table_cell(&t, r, (size_t)csc), se->value) != 0) {
            continue;
        }
        used++;
        CM_TRY(cm_i_mmsa_cell_item(&t, r, ck, m->tech, m->ntech, "technology", &k, err));
        if (!cm_i_mmsa_num(cm_table_cell(&t, r, (size_t)c0), &a) ||
            !cm_i_mmsa_num(cm_table_cell(&t, r, (size_t)c1), &b) ||
            !cm_i_mmsa_num(cm_table_cell(&t, r, (size_t)csh), &v) || isnan(a) || isnan(b) ||
            !(v >= 0 && v <= 1)) {
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, t.name, t.line[r], 0,
                                    "expected cohort years and a share in [0, 1]"));
        }
        for (size_t y = 0; y < m->T; y++) {
            cm_int_t yr = m->t0 + (cm_int_t)y;
            if (yr >= (cm_int_t)a && yr <= (cm_int_t)b) {
                share[(size_t)k * m->T + y] += v;
                has[y] = 1;
            }
        }
    }
    if (used == 0) {
        CM_FAIL(cm_i_mmsa_at(err, CM_EPARSE, s, se, "split_scenario: no rows of scenario '%s' "
                             "in %s", se != NULL ? se->value : "", t.name));
    }
    for (size_t y = 0; y < m->T; y++) {
        double sum = 0;
        for (size_t k = 0; k < m->ntech; k++) {
            sum += share[k * m->T + y];
        }
        if (has[y] && fabs(sum - 1.0) > 1e-6) {
            CM_FAIL(cm_i_mmsa_at(err, CM_EPARSE, s, cm_kv_get(s, "split"), "split: the shares "
                                 "of cohort %lld sum to %.17g, expected 1",
                                 (long long)(m->t0 + (cm_int_t)y), sum));
        }
    }
cleanup:
    cm_table_destroy(&t);
    return rc;
}

/* Add v MW installed in year yr at site to technology k, or split by share when k < 0. */
static int add_mw(cm_mmsa_model_t *m, size_t site, int k, size_t y, double v,
                  const double *share, const unsigned char *has)
{
    if (k >= 0) {
        m->mw[(site * m->ntech + (size_t)k) * m->T + y] += v;
        return 1;
    }
    if (!has[y]) {
        return 0;
    }
    for (size_t j = 0; j < m->ntech; j++) {
        m->mw[(site * m->ntech + j) * m->T + y] += v * share[j * m->T + y];
    }
    return 1;
}

static cm_error_t one_inflow(cm_mmsa_model_t *m, const cm_kv_section_t *s, const char *dir,
                             int projection, double *share, unsigned char *has,
                             cm_error_info_t *err)
{
    static const char *const ikeys[] = {"file", "site", "year_column", "value_column", "unit",
                                        "technology_column", "technology", "split",
                                        "split_scenario", "split_scenario_column",
                                        "split_from_column", "split_to_column",
                                        "split_share_column", "source"};
    static const char *const pkeys[] = {"site", "years", "mw_per_year", "technology", "split",
                                        "split_scenario", "technology_column",
                                        "split_scenario_column", "split_from_column",
                                        "split_to_column", "split_share_column", "source"};
    cm_error_t rc = CM_OK;
    cm_table_t t = CM_TABLE_NULL;
    const cm_kv_entry_t *site_e = cm_kv_get(s, "site"), *te = cm_kv_get(s, "technology");
    const cm_kv_entry_t *sp = cm_kv_get(s, "split");
    int site = 0, k = -1;
    CM_TRY(projection ? cm_kv_check_keys(s, pkeys, sizeof pkeys / sizeof *pkeys, err)
                      : cm_kv_check_keys(s, ikeys, sizeof ikeys / sizeof *ikeys, err));
    if (site_e != NULL) {
        site = cm_i_mmsa_find(m->site, m->nsite, site_e->value);
        if (site < 0) {
            CM_FAIL(cm_i_mmsa_at(err, CM_EPARSE, s, site_e, "site: undefined site '%s' "
                                 "([model] sites)", site_e->value));
        }
    } else if (m->nsite > 1) {
        CM_FAIL(cm_i_mmsa_at(err, CM_EPARSE, s, NULL, "[%s %s]: missing key 'site'", s->type,
                             s->name));
    }
    if (te != NULL) {
        k = cm_i_mmsa_find(m->tech, m->ntech, te->value);
        if (k < 0) {
            CM_FAIL(cm_i_mmsa_at(err, CM_EPARSE, s, te, "technology: undefined item '%s' of the "
                                 "root layer", te->value));
        }
    }
    memset(share, 0, m->ntech * m->T * sizeof *share);
    memset(has, 0, m->T);
    if (sp != NULL) {
        CM_TRY(read_split(m, s, dir, share, has, err));
    }
    if (projection) {
        cm_int_t a, b;
        double v;
        const cm_kv_entry_t *ye = cm_kv_get(s, "years");
        if (ye == NULL || cm_kv_get(s, "source") == NULL || (te == NULL) == (sp == NULL)) {
            CM_FAIL(cm_i_mmsa_at(err, CM_EPARSE, s, NULL, "[projection %s]: expected 'years', "
                                 "'mw_per_year', 'source' and one of 'technology' or 'split'",
                                 s->name));
        }
        CM_TRY(cm_i_mmsa_years(s, ye, &a, &b, err));
        CM_TRY(cm_kv_get_double(s, "mw_per_year", &v, err));
        if (a < m->t0 || b >= m->t0 + (cm_int_t)m->T || !(v >= 0)) {
            CM_FAIL(cm_i_mmsa_at(err, CM_EPARSE, s, ye, "years: expected years inside the model "
                                 "and mw_per_year >= 0"));
        }
        for (cm_int_t y = a; y <= b; y++) {
            if (!add_mw(m, (size_t)site, k, (size_t)(y - m->t0), v, share, has)) {
                CM_FAIL(cm_i_mmsa_at(err, CM_EPARSE, s, sp, "split: no share for cohort %lld",
                                     (long long)y));
            }
        }
        goto cleanup;
    }
    cm_int_t cy, cv, ck = -1;
    double factor = 1;
    const cm_kv_entry_t *ue = cm_kv_get(s, "unit");
    cm_error_info_t uerr;
    if (ue != NULL && cm_unit_factor_str(ue->value, "MW", &factor, &uerr) != CM_OK) {
        CM_FAIL(cm_i_mmsa_at(err, CM_EUNIT, s, ue, "unit: %s (expected a power such as MW)",
                             uerr.message));
    }
    CM_TRY(cm_i_mmsa_table(dir, s, "file", &t, err));
    CM_TRY(cm_i_mmsa_col(&t, s, "year_column", "year", 0, &cy, err));
    CM_TRY(cm_i_mmsa_col(&t, s, "value_column", NULL, 0, &cv, err));
    if (te == NULL && sp == NULL) {
        CM_TRY(cm_i_mmsa_col(&t, s, "technology_column", NULL, 0, &ck, err));
    }
    for (size_t r = 0; r < t.nrows; r++) {
        double yr, v;
        int kk = k;
        if (!cm_i_mmsa_num(cm_table_cell(&t, r, (size_t)cy), &yr) || yr != floor(yr) ||
            yr < (double)m->t0 || yr >= (double)(m->t0 + (cm_int_t)m->T)) {
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, t.name, t.line[r], cy + 1,
                                    "expected a year of the model (%lld-%lld), got '%s'",
                                    (long long)m->t0, (long long)(m->t0 + (cm_int_t)m->T - 1),
                                    cm_table_cell(&t, r, (size_t)cy)));
        }
        if (!cm_i_mmsa_num(cm_table_cell(&t, r, (size_t)cv), &v) || !(v >= 0)) {
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, t.name, t.line[r], cv + 1,
                                    "expected a capacity >= 0, got '%s'",
                                    cm_table_cell(&t, r, (size_t)cv)));
        }
        if (ck >= 0) {
            CM_TRY(cm_i_mmsa_cell_item(&t, r, ck, m->tech, m->ntech, "technology", &kk, err));
        }
        if (!add_mw(m, (size_t)site, kk, (size_t)(yr - (double)m->t0), v * factor, share, has)) {
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, t.name, t.line[r], cy + 1,
                                    "no split share for cohort %.0f (split file of [inflow %s])",
                                    yr, s->name));
        }
    }
cleanup:
    cm_table_destroy(&t);
    return rc;
}

cm_error_t cm_i_mmsa_read_inflows(cm_mmsa_model_t *m, const cm_kv_doc_t *doc, const char *dir,
                                  cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    double *share = NULL;
    unsigned char *has = NULL;
    size_t n = 0;
    m->mw = cm_calloc(m->nsite * m->ntech * m->T, sizeof *m->mw);
    CM_NOMEM(m->mw, err);
    share = cm_calloc(m->ntech * m->T, sizeof *share);
    CM_NOMEM(share, err);
    has = cm_calloc(m->T, 1);
    CM_NOMEM(has, err);
    for (size_t i = 0; i < cm_kv_nsections(doc); i++) {
        const cm_kv_section_t *s = cm_kv_section_at(doc, i);
        int proj = strcmp(s->type, "projection") == 0;
        if (proj || strcmp(s->type, "inflow") == 0) {
            CM_TRY(one_inflow(m, s, dir, proj, share, has, err));
            n++;
        }
    }
    if (n == 0) {
        CM_FAIL(cm_error_set_at(err, CM_EPARSE, cm_kv_section_at(doc, 0)->file, 1, 1,
                                "expected at least one [inflow NAME] section"));
    }
cleanup:
    cm_free(share);
    cm_free(has);
    return rc;
}

cm_error_t cm_i_mmsa_read_lifetimes(cm_mmsa_model_t *m, const cm_kv_doc_t *doc,
                                    const char *path, cm_error_info_t *err)
{
    static const char *const keys[] = {"spec", "source"};
    size_t n = 0;
    for (size_t i = 0; i < cm_kv_nsections(doc); i++) {
        n += strcmp(cm_kv_section_at(doc, i)->type, "lifetime") == 0;
    }
    if (n == 0) {
        return cm_error_set_at(err, CM_EPARSE, path, 1, 1,
                               "expected at least one [lifetime NAME] section");
    }
    m->scen = cm_calloc(n, sizeof *m->scen);
    m->life = cm_calloc(n, sizeof *m->life);
    if (m->scen == NULL || m->life == NULL) {
        return cm_error_set(err, CM_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < cm_kv_nsections(doc); i++) {
        const cm_kv_section_t *s = cm_kv_section_at(doc, i);
        if (strcmp(s->type, "lifetime") != 0) {
            continue;
        }
        CM_TRY_RETURN(cm_kv_check_keys(s, keys, 2, err));
        const cm_kv_entry_t *e = cm_kv_get(s, "spec");
        cm_error_info_t lerr;
        if (e == NULL || s->name[0] == '\0') {
            return cm_i_mmsa_at(err, CM_EPARSE, s, NULL, "[lifetime NAME]: expected a name and "
                                "'spec = normal:mean=25,sd=5' (see cm_dsm.h)");
        }
        if (cm_dsm_lifetime_parse(e->value, &m->life[m->nscen], &lerr) != CM_OK) {
            return cm_i_mmsa_at(err, CM_EPARSE, s, e, "spec: %s", lerr.message);
        }
        m->scen[m->nscen] = cm_strdup(s->name);
        if (m->scen[m->nscen] == NULL) {
            return cm_error_set(err, CM_ENOMEM, "out of memory");
        }
        m->nscen++;
    }
    return CM_OK;
}

double cm_i_mmsa_yield(const cm_mmsa_model_t *m, size_t site, size_t item, int q)
{
    double y = 1.0;
    for (int st = 0; st < MM_NSTAGE; st++) {
        double v = m->yield[((site * m->nitem + item) * MM_NSTAGE + (size_t)st) * 3 + (size_t)q];
        y *= isnan(v) ? (st == MM_COLLECTION ? 0.0 : 1.0) : v;
    }
    return y;
}

cm_error_t cm_i_mmsa_read_recovery(cm_mmsa_model_t *m, const cm_kv_doc_t *doc, const char *dir,
                                   cm_error_info_t *err)
{
    static const char *const keys[] = {"file", "layer", "route", "item_column", "route_column",
                                       "stage_column", "site_column", "value_column",
                                       "low_column", "high_column", "source"};
    cm_error_t rc = CM_OK;
    cm_table_t t = CM_TABLE_NULL;
    const char **route = NULL;
    const cm_kv_section_t *s = cm_kv_find_section(doc, "recovery", NULL);
    size_t ny = m->nsite * m->nitem * MM_NSTAGE * 3;
    m->yield = cm_malloc_array(ny, sizeof *m->yield);
    CM_NOMEM(m->yield, err);
    for (size_t i = 0; i < ny; i++) {
        m->yield[i] = NAN;
    }
    if (s == NULL) {
        goto cleanup;
    }
    CM_TRY(cm_kv_check_keys(s, keys, sizeof keys / sizeof *keys, err));
    const cm_kv_entry_t *le = cm_kv_get(s, "layer");
    for (size_t l = 0; le != NULL && l < m->nlayer; l++) {
        if (strcmp(m->layer[l].name, le->value) == 0 && m->layer[l].kind >= MM_PERMW) {
            m->rec_layer = (int)l;
        }
    }
    if (m->rec_layer < 0) {
        CM_FAIL(cm_i_mmsa_at(err, CM_EPARSE, s, le, "layer: %s '%s' (a layer with a file)",
                             le == NULL ? "missing key" : "undefined layer",
                             le != NULL ? le->value : "layer"));
    }
    const mm_layer_t *L = &m->layer[m->rec_layer];
    route = cm_calloc(L->n, sizeof *route);
    CM_NOMEM(route, err);
    for (size_t j = 0; j < cm_kv_count(s, "route"); j++) {
        const cm_kv_entry_t *e = cm_kv_get_nth(s, "route", j);
        const char *colon = strchr(e->value, ':');
        int it = -1;
        for (size_t i = 0; colon != NULL && i < L->n; i++) {
            const char *nm = m->item[L->first + i];
            if (strlen(nm) == (size_t)(colon - e->value) &&
                strncmp(nm, e->value, (size_t)(colon - e->value)) == 0) {
                it = (int)i;
            }
        }
        if (it < 0) {
            CM_FAIL(cm_i_mmsa_at(err, CM_EPARSE, s, e, "route: expected ITEM:ROUTE with an item "
                                 "of layer '%s', got '%s' (undefined item)", L->name, e->value));
        }
        route[it] = colon + 1;
    }
    cm_int_t ci, cr, cs, csite, cv, clo, chi;
    CM_TRY(cm_i_mmsa_table(dir, s, "file", &t, err));
    CM_TRY(cm_i_mmsa_col(&t, s, "item_column", L->name, 0, &ci, err));
    CM_TRY(cm_i_mmsa_col(&t, s, "route_column", "route", 0, &cr, err));
    CM_TRY(cm_i_mmsa_col(&t, s, "stage_column", "stage", 0, &cs, err));
    CM_TRY(cm_i_mmsa_col(&t, s, "site_column", "site", 0, &csite, err));
    CM_TRY(cm_i_mmsa_col(&t, s, "value_column", "yield", 0, &cv, err));
    CM_TRY(cm_i_mmsa_col(&t, s, "low_column", "low", 0, &clo, err));
    CM_TRY(cm_i_mmsa_col(&t, s, "high_column", "high", 0, &chi, err));
    for (int pass = 0; pass < 2; pass++) { /* site "all" first, then specific sites */
        for (size_t r = 0; r < t.nrows; r++) {
            int it, st = -1, site = -1;
            double v[3];
            const char *sv = cm_table_cell(&t, r, (size_t)csite);
            int all = strcmp(sv, "all") == 0;
            if (all != (pass == 0)) {
                continue;
            }
            CM_TRY(cm_i_mmsa_cell_item(&t, r, ci, m->item + L->first, L->n, "item", &it, err));
            const char *rv = cm_table_cell(&t, r, (size_t)cr);
            if (route[it] == NULL) {
                route[it] = rv; /* the first route listed for the item */
            }
            if (strcmp(route[it], rv) != 0) {
                continue;
            }
            for (int k = 0; k < MM_NSTAGE; k++) {
                st = strcmp(cm_table_cell(&t, r, (size_t)cs), stage_names[k]) == 0 ? k : st;
            }
            if (!all) {
                CM_TRY(cm_i_mmsa_cell_item(&t, r, csite, m->site, m->nsite, "site", &site, err));
            }
            if (st < 0 || !cm_i_mmsa_num(cm_table_cell(&t, r, (size_t)cv), &v[0]) ||
                !cm_i_mmsa_num(cm_table_cell(&t, r, (size_t)clo), &v[1]) ||
                !cm_i_mmsa_num(cm_table_cell(&t, r, (size_t)chi), &v[2]) || !(v[0] >= 0) ||
                !(v[0] <= 1)) {
                CM_FAIL(cm_error_set_at(err, CM_EPARSE, t.name, t.line[r], 0,
                                        "expected a stage (collection, dismantling, process) "
                                        "and a yield in [0, 1] with low and high"));
            }
            v[1] = isnan(v[1]) ? v[0] : v[1];
            v[2] = isnan(v[2]) ? v[0] : v[2];
            for (size_t si = 0; si < m->nsite; si++) {
                if (all || (int)si == site) {
                    double *y = &m->yield[((si * m->nitem + L->first + (size_t)it) * MM_NSTAGE +
                                           (size_t)st) * 3];
                    memcpy(y, v, sizeof v);
                }
            }
        }
    }
cleanup:
    cm_free(route);
    cm_table_destroy(&t);
    return rc;
}

cm_error_t cm_i_mmsa_read_montecarlo(cm_mmsa_model_t *m, const cm_kv_doc_t *doc,
                                     cm_error_info_t *err)
{
    static const char *const keys[] = {"draws", "seed", "scenario", "distribution",
                                       "lifetime_mean_sd", "source"};
    const cm_kv_section_t *s = cm_kv_find_section(doc, "montecarlo", NULL);
    cm_int_t v = 0;
    if (s == NULL) {
        return CM_OK;
    }
    CM_TRY_RETURN(cm_kv_check_keys(s, keys, sizeof keys / sizeof *keys, err));
    if (cm_kv_get(s, "draws") != NULL) {
        CM_TRY_RETURN(cm_kv_get_int(s, "draws", &v, err));
        if (v < 0 || v > 100000) {
            return cm_i_mmsa_at(err, CM_EPARSE, s, cm_kv_get(s, "draws"),
                                "draws: expected 0 .. 100000");
        }
        m->draws = (size_t)v;
    }
    if (cm_kv_get(s, "seed") != NULL) {
        CM_TRY_RETURN(cm_kv_get_int(s, "seed", &v, err));
        m->seed = (uint64_t)v;
    }
    const cm_kv_entry_t *e = cm_kv_get(s, "scenario");
    if (e != NULL) {
        int k = cm_i_mmsa_find(m->scen, m->nscen, e->value);
        if (k < 0) {
            return cm_i_mmsa_at(err, CM_EPARSE, s, e, "scenario: undefined lifetime scenario "
                                "'%s' (no [lifetime %s])", e->value, e->value);
        }
        m->mc_scen = (size_t)k;
    }
    e = cm_kv_get(s, "distribution");
    if (e != NULL) {
        if (strcmp(e->value, "uniform") != 0 && strcmp(e->value, "triangular") != 0) {
            return cm_i_mmsa_at(err, CM_EPARSE, s, e, "distribution: expected triangular or "
                                "uniform, got '%s'", e->value);
        }
        m->mc_uniform = strcmp(e->value, "uniform") == 0;
    }
    if (cm_kv_get(s, "lifetime_mean_sd") != NULL) {
        CM_TRY_RETURN(cm_kv_get_double(s, "lifetime_mean_sd", &m->mc_life_sd, err));
        if (!(m->mc_life_sd >= 0)) {
            return cm_i_mmsa_at(err, CM_EPARSE, s, cm_kv_get(s, "lifetime_mean_sd"),
                                "lifetime_mean_sd: expected a number of years >= 0");
        }
    }
    return CM_OK;
}

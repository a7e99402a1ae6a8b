/* MMSA tables: mmsa_flows.csv, mmsa_per_mw.csv, fleet.csv, mmsa_bands.csv (docs/mmsa.md). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cambium/cm_csv.h"
#include "../core/cm_internal.h"
#include "mmsa_internal.h"

typedef struct table_w_t {
    cm_csv_writer_t *w;
    char num[12][32];
} table_w_t;

static cm_error_t open_table(const char *dir, const char *name, size_t n,
                             const char *const *header, table_w_t *t, cm_error_info_t *err)
{
    char path[4096];
    int len = snprintf(path, sizeof path, "%s/%s", dir, name);
    if (len < 0 || (size_t)len >= sizeof path) {
        return cm_error_set(err, CM_EINVAL, "output path too long: %s/%s", dir, name);
    }
    cm_error_t rc = cm_csv_writer_open(path, ',', &t->w, err);
    if (rc == CM_OK) {
        rc = cm_csv_write_row(t->w, n, header, err);
    }
    return rc;
}

static cm_error_t close_table(table_w_t *t, cm_error_t rc, cm_error_info_t *err)
{
    if (t->w == NULL) {
        return rc;
    }
    if (rc == CM_OK) {
        rc = cm_csv_writer_commit(t->w, err);
    } else {
        cm_csv_writer_abort(t->w);
    }
    t->w = NULL;
    return rc;
}

static const char *num(table_w_t *t, int slot, double v)
{
    return cm_csv_format_double(v, t->num[slot]);
}

static const char *year(table_w_t *t, int slot, cm_int_t y)
{
    snprintf(t->num[slot], sizeof t->num[slot], "%lld", (long long)y);
    return t->num[slot];
}

static cm_error_t write_flows(const cm_mmsa_model_t *m, const cm_mmsa_result_t *r,
                              const char *dir, cm_error_info_t *err)
{
    static const char *const h[] = {"year", "scenario", "layer", "item", "inflow", "stock",
                                    "eol", "recovered", "lost", "unit"};
    cm_error_t rc = CM_OK;
    table_w_t t = {0};
    size_t T = m->T, NT = m->nitem * T;
    CM_TRY(open_table(dir, "mmsa_flows.csv", 10, h, &t, err));
    for (size_t s = 0; s < m->nscen; s++) {
        for (size_t x = (size_t)(m->report_from - m->t0); x < T; x++) {
            for (size_t i = 0; i < m->nitem; i++) {
                size_t j = s * NT + i * T + x;
                double rec = r->recovered[j];
                const char *row[10] = {year(&t, 0, m->t0 + (cm_int_t)x), m->scen[s],
                                       cm_mmsa_item_layer(m, i), m->item[i],
                                       num(&t, 1, r->inflow[j]), num(&t, 2, r->stock[j]),
                                       num(&t, 3, r->eol[j]), num(&t, 4, rec),
                                       num(&t, 5, isnan(rec) ? NAN : r->eol[j] - rec),
                                       m->mass_unit};
                CM_TRY(cm_csv_write_row(t.w, 10, row, err));
            }
        }
    }
cleanup:
    return close_table(&t, rc, err);
}

static cm_error_t write_per_mw(const cm_mmsa_model_t *m, const cm_mmsa_result_t *r,
                               const char *dir, cm_error_info_t *err)
{
    static const char *const h[] = {"technology", "layer", "item", "kg_per_mw", "low", "high",
                                    "cohort", "site"};
    cm_error_t rc = CM_OK;
    table_w_t t = {0};
    size_t N = m->nitem;
    CM_TRY(open_table(dir, "mmsa_per_mw.csv", 8, h, &t, err));
    /* per technology: the weighted figure ("all"), then, with several sites, one per site */
    for (size_t k = 0; k < m->ntech; k++) {
        for (size_t site = 0; site <= (m->nsite > 1 ? m->nsite : 0); site++) {
            for (size_t i = 0; i < N; i++) {
                const double *v = site == 0
                                      ? &r->per_mw[(k * N + i) * 3]
                                      : &r->per_mw_site[(((site - 1) * m->ntech + k) * N + i) * 3];
                const char *row[8] = {m->tech[k], cm_mmsa_item_layer(m, i), m->item[i],
                                      num(&t, 0, v[0]), num(&t, 1, v[1]), num(&t, 2, v[2]),
                                      year(&t, 3, m->cohort_year),
                                      site == 0 ? "all" : m->site[site - 1]};
                CM_TRY(cm_csv_write_row(t.w, 8, row, err));
            }
        }
    }
cleanup:
    return close_table(&t, rc, err);
}

static cm_error_t write_fleet(const cm_mmsa_model_t *m, const cm_mmsa_result_t *r,
                              const char *dir, cm_error_info_t *err)
{
    static const char *const h[] = {"year", "scenario", "technology", "inflow_mw", "stock_mw",
                                    "eol_mw"};
    cm_error_t rc = CM_OK;
    table_w_t t = {0};
    size_t T = m->T;
    CM_TRY(open_table(dir, "fleet.csv", 6, h, &t, err));
    for (size_t s = 0; s < m->nscen; s++) {
        for (size_t x = (size_t)(m->report_from - m->t0); x < T; x++) {
            for (size_t k = 0; k < m->ntech; k++) {
                size_t j = (s * m->ntech + k) * T + x;
                const char *row[6] = {year(&t, 0, m->t0 + (cm_int_t)x), m->scen[s], m->tech[k],
                                      num(&t, 1, r->mw_inflow[k * T + x]),
                                      num(&t, 2, r->mw_stock[j]), num(&t, 3, r->mw_eol[j])};
                CM_TRY(cm_csv_write_row(t.w, 6, row, err));
            }
        }
    }
cleanup:
    return close_table(&t, rc, err);
}

static cm_error_t write_bands(const cm_mmsa_model_t *m, const cm_mmsa_result_t *r,
                              const char *dir, cm_error_info_t *err)
{
    static const char *const h[] = {"year", "scenario", "layer", "item", "stock_p5",
                                    "stock_p50", "stock_p95", "eol_p5", "eol_p50", "eol_p95",
                                    "draws", "unit"};
    cm_error_t rc = CM_OK;
    table_w_t t = {0};
    size_t T = m->T, NT = m->nitem * T;
    CM_TRY(open_table(dir, "mmsa_bands.csv", 12, h, &t, err));
    for (size_t x = (size_t)(m->report_from - m->t0); x < T; x++) {
        for (size_t i = 0; i < m->nitem; i++) {
            size_t j = i * T + x;
            char dn[32];
            snprintf(dn, sizeof dn, "%zu", r->draws);
            const char *row[12] = {
                year(&t, 0, m->t0 + (cm_int_t)x), m->scen[r->mc_scenario],
                cm_mmsa_item_layer(m, i), m->item[i], num(&t, 1, r->stock_band[j]),
                num(&t, 2, r->stock_band[NT + j]), num(&t, 3, r->stock_band[2 * NT + j]),
                num(&t, 4, r->eol_band[j]), num(&t, 5, r->eol_band[NT + j]),
                num(&t, 6, r->eol_band[2 * NT + j]), dn, m->mass_unit};
            CM_TRY(cm_csv_write_row(t.w, 12, row, err));
        }
    }
cleanup:
    return close_table(&t, rc, err);
}

cm_error_t cm_mmsa_write_tables(const cm_mmsa_model_t *m, const cm_mmsa_result_t *r,
                                const char *dir, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    if (m == NULL || r == NULL || dir == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_mmsa_write_tables: NULL argument");
    }
    if (r->T != m->T || r->n_items != m->nitem || r->n_tech != m->ntech ||
        r->n_scenarios != m->nscen || r->n_sites != m->nsite || r->stock == NULL ||
        r->per_mw_site == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_mmsa_write_tables: the result is not one of "
                            "this model");
    }
    CM_TRY(write_flows(m, r, dir, err));
    CM_TRY(write_per_mw(m, r, dir, err));
    CM_TRY(write_fleet(m, r, dir, err));
    if (r->stock_band != NULL) {
        CM_TRY(write_bands(m, r, dir, err));
    }
cleanup:
    return rc;
}

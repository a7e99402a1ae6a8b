/**
 * \file cm_mmsa.h
 * \brief Multilayer material system analysis (MMSA): a declarative model file stacks layers
 * (technology -> components -> materials -> elements, and named groups such as rare earths)
 * on a cohort dynamic stock model (cm_dsm.h) of installed capacity, and gives per year and
 * item the inflow, in-use stock, end-of-life outflow and the recovery potential through
 * collection x dismantling x process yields per route; Monte Carlo bands over intensities and
 * lifetimes. The model file format and the equations are in docs/mmsa.md (METHODS.md C.1).
 * Indices: t = model year (0 .. T-1, calendar year t0 + t), c = cohort (same axis), k =
 * technology, s = lifetime scenario, i = item (every layer's items and the groups, in the
 * order of the model file). Masses are in the model's mass unit (kg by default, see
 * ::cm_mmsa_mass_unit), capacity in MW.
 */
#ifndef CAMBIUM_CM_MMSA_H
#define CAMBIUM_CM_MMSA_H

#include <stddef.h>

#include "cm_common.h"
#include "cm_error.h"

CM_BEGIN_DECLS

/** A loaded model (opaque; ::cm_mmsa_model_load / ::cm_mmsa_model_free). */
typedef struct cm_mmsa_model_t cm_mmsa_model_t;

/** Options of a run. Initialise with ::cm_mmsa_options_default. */
typedef struct cm_mmsa_options_t {
    size_t draws;       /**< Monte Carlo draws; 0 = no bands (default: the model's value) */
    uint64_t seed;      /**< seed of the draws (default: the model's value) */
} cm_mmsa_options_t;

/**
 * Results of ::cm_mmsa_run. Value container: zero-initialise; ::cm_mmsa_result_destroy.
 * Flow arrays are [s][i][t] (index (s * n_items + i) * T + t); fleet arrays [s][k][t].
 * \c recovered and \c lost are NaN for items that do not carry recovery (layers above the
 * recovery layer). Bands are [q][i][t] with q = 0, 1, 2 for p5, p50, p95 of the Monte Carlo
 * scenario; NULL without draws.
 */
typedef struct cm_mmsa_result_t {
    size_t T, n_scenarios, n_items, n_tech;
    cm_int_t t0;
    cm_real_t *mw_inflow;   /**< [k][t] MW installed in year t */
    cm_real_t *mw_stock;    /**< [s][k][t] MW in place at the end of year t */
    cm_real_t *mw_eol;      /**< [s][k][t] MW decommissioned in year t */
    cm_real_t *inflow;      /**< [s][i][t] */
    cm_real_t *tech_inflow; /**< [k][i][t] the inflow of technology k alone (all sites) */
    cm_real_t *stock;       /**< [s][i][t] */
    cm_real_t *eol;         /**< [s][i][t] end-of-life outflow */
    cm_real_t *recovered;   /**< [s][i][t] eol x collection x dismantling x process */
    cm_real_t *per_mw;      /**< [k][i][3]: central, low, high kg per MW of the cohort year,
                                 the sites weighted by the MW of k installed in that year
                                 (none: over all years; none at all: equally) */
    size_t draws;           /**< draws behind the bands (0: none) */
    size_t mc_scenario;     /**< scenario of the bands */
    cm_real_t *stock_band;  /**< [q][i][t] or NULL */
    cm_real_t *eol_band;    /**< [q][i][t] or NULL */
    cm_real_t balance;      /**< max over s, i, t of |inflow - eol - dstock| / max(1, |flows|) */
    size_t n_sites;         /**< number of sites ([model] sites) */
    cm_real_t *per_mw_site; /**< [site][k][i][3]: as per_mw, for technology k at one site */
} cm_mmsa_result_t;

/**
 * \brief Load and check a model file and every data file it names (paths relative to the
 * model file's directory).
 * \param[out] out the model (caller owns; ::cm_mmsa_model_free); NULL on error.
 * \return CM_OK; CM_EINVAL (NULL); CM_EFILE (a file cannot be read: the message names the
 * file and the model line that names it); CM_EPARSE (syntax, a missing or bad key, an
 * undefined layer, item, technology, site or scenario: file and line of the reference, in
 * the model file or in the data file); CM_EUNIT (an unknown unit or one of the wrong
 * dimension, named with the model line); CM_ENOTFOUND (a column missing from a data file);
 * CM_ENOMEM. Complexity: linear in the files.
 */
CM_EXPORT cm_error_t cm_mmsa_model_load(const char *path, cm_mmsa_model_t **out,
                                        cm_error_info_t *err);

/** \brief Free a model; NULL is a no-op. */
CM_EXPORT void cm_mmsa_model_free(cm_mmsa_model_t *m);

/** \brief The model's name ([model] name). */
CM_EXPORT const char *cm_mmsa_model_name(const cm_mmsa_model_t *m);
/** \brief Number of technologies (items of the root layer). */
CM_EXPORT size_t cm_mmsa_ntech(const cm_mmsa_model_t *m);
/** \brief Name of technology \p k (borrowed), NULL out of range. */
CM_EXPORT const char *cm_mmsa_tech_name(const cm_mmsa_model_t *m, size_t k);
/** \brief Number of sites ([model] sites; 1, named "all", without the key). */
CM_EXPORT size_t cm_mmsa_nsites(const cm_mmsa_model_t *m);
/** \brief Name of site \p site (borrowed), NULL out of range. */
CM_EXPORT const char *cm_mmsa_site_name(const cm_mmsa_model_t *m, size_t site);
/** \brief Number of items below the technology layer (all layers and groups). */
CM_EXPORT size_t cm_mmsa_nitems(const cm_mmsa_model_t *m);
/** \brief Name of item \p i (borrowed), NULL out of range. */
CM_EXPORT const char *cm_mmsa_item_name(const cm_mmsa_model_t *m, size_t i);
/** \brief Layer of item \p i ("components", "materials", ..., or "group"), NULL out of range. */
CM_EXPORT const char *cm_mmsa_item_layer(const cm_mmsa_model_t *m, size_t i);
/** \brief Index of item \p name in layer \p layer (NULL: any layer), or -1. */
CM_EXPORT cm_int_t cm_mmsa_item_find(const cm_mmsa_model_t *m, const char *layer,
                                     const char *name);
/** \brief Number of lifetime scenarios. */
CM_EXPORT size_t cm_mmsa_nscenarios(const cm_mmsa_model_t *m);
/** \brief Name of scenario \p s (borrowed), NULL out of range. */
CM_EXPORT const char *cm_mmsa_scenario_name(const cm_mmsa_model_t *m, size_t s);
/** \brief Index of scenario \p name, or -1. */
CM_EXPORT cm_int_t cm_mmsa_scenario_find(const cm_mmsa_model_t *m, const char *name);
/** \brief First calendar year and number of years of the model. */
CM_EXPORT void cm_mmsa_years(const cm_mmsa_model_t *m, cm_int_t *t0, size_t *T);
/** \brief First calendar year reported in tables and figures ([model] report_from). */
CM_EXPORT cm_int_t cm_mmsa_report_from(const cm_mmsa_model_t *m);
/** \brief Year of the Sankey diagram ([model] sankey_year) and of the per-MW table's cohort
 * ([model] cohort_year). */
CM_EXPORT void cm_mmsa_special_years(const cm_mmsa_model_t *m, cm_int_t *sankey_year,
                                     cm_int_t *cohort_year);
/** \brief The mass unit of results ("t", "kg", ...) and its factor from kg. */
CM_EXPORT const char *cm_mmsa_mass_unit(const cm_mmsa_model_t *m, cm_real_t *per_kg);

/** \brief Defaults: the model's [montecarlo] draws and seed (0 and 0 when \p m is NULL). */
CM_EXPORT void cm_mmsa_options_default(const cm_mmsa_model_t *m, cm_mmsa_options_t *opt);

/**
 * \brief Run the model: one cohort DSM per site x technology and lifetime scenario
 * (cm_dsm_batch_run with cohort tables), then per item
 * inflow[t] = sum_site,k MW_in[site,k,t] I[site,k,i,t]; stock[t] = sum_site,k,c
 * S[site,k,t,c] I[site,k,i,c]; eol[t] = sum_site,k,c O[site,k,t,c] I[site,k,i,c];
 * recovered[t] = sum_site,k,c O * I * yields. I[site,k,i,c] chains the intensity rows of
 * technology k (or all) and of that site (or all): a row with a site applies only to the
 * cohorts installed at that site.
 * With draws, the Monte Carlo scenario is re-run per draw with intensities drawn within their
 * ranges and the lifetime mean drawn from N(mean, sd) (docs/mmsa.md); bands p5/p50/p95.
 * \param[in] opt NULL: ::cm_mmsa_options_default.
 * \param[out] res zeroed or destroyed; filled on CM_OK, left empty on error.
 * \return CM_OK; CM_EINVAL (NULL, draws above 100000); CM_ENOMEM; CM_EOVERFLOW; the codes of
 * cm_dsm_batch_run. Memory O(T^2 series + draws items T); time O((1 + draws) series items T^2).
 */
CM_EXPORT cm_error_t cm_mmsa_run(const cm_mmsa_model_t *m, const cm_mmsa_options_t *opt,
                                 cm_mmsa_result_t *res, cm_error_info_t *err);

/** \brief Free a result; safe on a zeroed result, leaves it zeroed. */
CM_EXPORT void cm_mmsa_result_destroy(cm_mmsa_result_t *r);

/**
 * \brief Write the tables into the existing directory \p dir (atomically, one file each):
 * mmsa_flows.csv, mmsa_per_mw.csv, fleet.csv and, with bands, mmsa_bands.csv (docs/mmsa.md).
 * \return CM_OK; CM_EINVAL (NULL, a result of another model); CM_EFILE; CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_mmsa_write_tables(const cm_mmsa_model_t *m, const cm_mmsa_result_t *r,
                                          const char *dir, cm_error_info_t *err);

/**
 * \brief Write the figures into \p dir: mmsa_stocks.svg (stacked areas of the material stocks
 * of scenario \p scenario), mmsa_eol.svg (end-of-life outflow per material to the last year,
 * with the p5/p95 band lines when the result has bands), mmsa_sankey_YEAR.svg (technology ->
 * components -> fleet -> end-of-life materials -> recovered / lost, with the recycling loop)
 * and mmsa_sankey_YEAR.csv (its flows).
 * \param[in] scenario index of the scenario drawn. \param[in] year the Sankey's year.
 * \return CM_OK; CM_EINVAL (NULL, scenario or year out of range); CM_EFILE; CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_mmsa_write_figures(const cm_mmsa_model_t *m, const cm_mmsa_result_t *r,
                                           size_t scenario, cm_int_t year, const char *dir,
                                           cm_error_info_t *err);

CM_END_DECLS

#endif

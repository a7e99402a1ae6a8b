/**
 * \file cm_geopolrisk.h
 * \brief GeoPolRisk: the importer's view of the supply risk of a raw material.
 *
 * GeoPolRisk_Ac = HHI_A * sum_i(g_i * f_Aic) / (p_Ac + F_Ac)
 * (Koyamparambath et al. 2024; akoyamp/geopolrisk-py docs/background.rst; docs/geopolrisk.md):
 * HHI_A = sum_i P_Ai^2 / (sum_i P_Ai)^2 from world production shares (fractions, 0-1);
 * g_i the normalised political-stability score of exporter i (0-1, higher = worse; 0.5 when
 * missing); f_Aic the imports of A from i into c; F_Ac = sum_i f_Aic; p_Ac the domestic
 * production of c. Quantities of imports and domestic production share one unit (t).
 */
#ifndef CAMBIUM_CM_GEOPOLRISK_H
#define CAMBIUM_CM_GEOPOLRISK_H

#include "cm_common.h"
#include "cm_error.h"
#include "cm_store.h"

CM_BEGIN_DECLS

/** The score given to an exporter whose political-stability score is missing (NaN). */
#define CM_GEOPOLRISK_MISSING_SCORE 0.5

/** Result of one GeoPolRisk computation (material A, importer c, one year). */
typedef struct cm_geopolrisk_t {
    cm_real_t hhi;                 /**< HHI of world production, 0-1 (1 = one producer) */
    cm_real_t domestic_production; /**< p_Ac, in the unit of the import quantities */
    cm_real_t total_imports;       /**< F_Ac = sum of the import quantities */
    cm_real_t weighted_imports;    /**< sum_i g_i f_Aic */
    cm_real_t import_risk;         /**< sum_i g_i f_Aic / (p_Ac + F_Ac), 0-1 */
    cm_real_t score;               /**< GeoPolRisk = hhi * import_risk, 0-1 */
    cm_int_t missing_scores;       /**< exporters whose score was NaN (counted as 0.5) */
} cm_geopolrisk_t;

/**
 * \brief Herfindahl-Hirschman index of production shares: sum P_i^2 / (sum P_i)^2.
 * One producer gives 1, n equal producers 1/n; scaling every P_i by the same factor leaves it
 * unchanged. Zeros are allowed (they count nothing).
 * \param[in] production n quantities >= 0 (one per producing country; no world total).
 * \param[out] hhi the index, in (0, 1].
 * \return CM_OK; CM_EINVAL (NULL arguments, n = 0, a negative or non-finite quantity, named by
 * its index); CM_ENUMERIC (every quantity is 0: no share is defined). Complexity O(n).
 */
CM_EXPORT cm_error_t cm_geopolrisk_hhi(const cm_real_t *production, size_t n, cm_real_t *hhi,
                                       cm_error_info_t *err);

/**
 * \brief Import-risk term sum_i g_i f_i / (p + F) with F = sum_i f_i.
 * A NaN score counts as ::CM_GEOPOLRISK_MISSING_SCORE (the method's convention). When
 * p + F = 0 (no supply at all) the term is 0, as in the reference implementation.
 * Scaling every f_i and p by the same factor leaves the term unchanged.
 * \param[in] quantity n import quantities >= 0 (NULL allowed when n = 0).
 * \param[in] score n scores in [0, 1] or NaN.
 * \param[in] domestic domestic production p >= 0, in the unit of \p quantity.
 * \param[out] out fields total_imports, weighted_imports, import_risk and missing_scores are
 * set (the others are left alone).
 * \return CM_OK; CM_EINVAL (NULL arguments, a negative or non-finite quantity or domestic
 * production, a score outside [0, 1], naming the index). Complexity O(n).
 */
CM_EXPORT cm_error_t cm_geopolrisk_import_risk(const cm_real_t *quantity, const cm_real_t *score,
                                               size_t n, cm_real_t domestic,
                                               cm_geopolrisk_t *out, cm_error_info_t *err);

/**
 * \brief The whole score from plain arrays: ::cm_geopolrisk_hhi of \p production, then
 * ::cm_geopolrisk_import_risk, score = hhi * import_risk.
 * \param[out] out every field set (zeroed first).
 * \return the codes of the two functions. Complexity O(nprod + nimp).
 */
CM_EXPORT cm_error_t cm_geopolrisk_compute(const cm_real_t *production, size_t nprod,
                                           const cm_real_t *quantity, const cm_real_t *score,
                                           size_t nimp, cm_real_t domestic, cm_geopolrisk_t *out,
                                           cm_error_info_t *err);

/** World production of one material in one year, as loaded from the store. Owned arrays. */
typedef struct cm_geopolrisk_production_t {
    size_t n;          /**< producing countries (aggregates such as WLD left out) */
    char **region;     /**< ISO3 codes, n */
    cm_real_t *value;  /**< quantities, n (an empty WMD cell counts as 0) */
    char unit[16];     /**< the unit of the values ("t", "kg", "Mm3", "ct") */
    int64_t dataset_id;/**< the wmd dataset they come from (the newest holding them) */
} cm_geopolrisk_production_t;

/**
 * \brief Load the World Mining Data production of \p material in \p year from the store
 * (observations with variable "production" of the newest dataset of kind "wmd" holding that
 * material and year). Aggregate regions (the WMD "Total" row stored as WLD) are left out.
 * \param[in] material canonical material code ("nickel"). \param[in] year "2022".
 * \param[in,out] out zeroed or destroyed; destroy with ::cm_geopolrisk_production_destroy.
 * \return CM_OK; CM_ENOTFOUND (no such production in the store); CM_EINVAL (NULL arguments, a
 * material with mixed units); CM_ESTORE; CM_ENOMEM. Complexity linear in the rows read.
 */
CM_EXPORT cm_error_t cm_geopolrisk_production_load(cm_store_t *store, const char *material,
                                                   const char *year,
                                                   cm_geopolrisk_production_t *out,
                                                   cm_error_info_t *err);
/** \brief Free the arrays; safe on a zeroed struct or twice. */
CM_EXPORT void cm_geopolrisk_production_destroy(cm_geopolrisk_production_t *p);

/** Filters of ::cm_geopolrisk_assess. NULL fields select everything. */
typedef struct cm_geopolrisk_options_t {
    const char *year;     /**< assessment year for production and trade; NULL = for each
                               material and importer the latest year with both in the store */
    const char *importer; /**< ISO3 (or any spelling the country classification resolves) */
    const char *material; /**< material code or name (resolved by the material classification) */
} cm_geopolrisk_options_t;

/** One assessed pair. Strings owned by the table. */
typedef struct cm_geopolrisk_row_t {
    char *material;  /**< canonical material code */
    char *importer;  /**< ISO3 */
    char *year;      /**< assessment year */
    char *unit;      /**< unit of the quantities ("t") */
    cm_geopolrisk_t r;
    cm_int_t exporters;  /**< import rows used */
    cm_int_t producers;  /**< producing countries in the HHI */
} cm_geopolrisk_row_t;

/** Rows sorted by material, importer, year. Destroy with ::cm_geopolrisk_table_destroy. */
typedef struct cm_geopolrisk_table_t {
    size_t n;
    cm_geopolrisk_row_t *rows;
} cm_geopolrisk_table_t;

/**
 * \brief GeoPolRisk of every (material, importer) with bilateral imports in the store
 * (variables import_quantity and political_stability_score of datasets of kind
 * "geopolrisk-trade", the newest dataset per material, importer and year), with HHI and
 * domestic production from World Mining Data (::cm_geopolrisk_production_load). The domestic
 * production is converted into the unit of the imports (kg -> t); an importer with no
 * production row has p = 0. Pairs with no production data for the year are left out with a
 * warning (cm_log).
 * \param[in] opt optional filters (NULL = none).
 * \param[in,out] out zeroed or destroyed; the caller destroys it.
 * \return CM_OK; CM_ENOTFOUND (no pair to assess: the message says which data are missing;
 * an importer or material the classifications do not know); CM_EINVAL (NULL arguments, a year
 * that is not four digits); CM_EUNIT (domestic production in a unit that cannot be converted
 * to the import unit); CM_ESTORE; CM_ENOMEM.
 * Complexity: linear in the observations read, plus sorting.
 */
CM_EXPORT cm_error_t cm_geopolrisk_assess(cm_store_t *store, const cm_geopolrisk_options_t *opt,
                                          cm_geopolrisk_table_t *out, cm_error_info_t *err);
/** \brief Free the rows; safe on a zeroed table or twice. */
CM_EXPORT void cm_geopolrisk_table_destroy(cm_geopolrisk_table_t *t);

CM_END_DECLS

#endif

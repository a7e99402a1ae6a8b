/**
 * \file cm_supply.h
 * \brief Beyond SR and EI: an environmental-social-governance (ESG) view of supply, the CRM Act
 * 2024 lists set against computed criticality, and the supply-chain map of one material
 * (producers per stage and their concentration, Belgium's import partners, the Belgian sectors
 * that use the material with their value added). See docs/supply.md.
 *
 * Everything here is reported beside SR and EI, never folded into them.
 *
 * Units: shares are fractions (0-1); HHI is sum of squared fractions (0-1); HHI_WGI uses the
 * scaled WGI (0 best - 10 worst, ::cm_crit_wgi_scale) so it lies in 0-10; country indicators
 * keep the unit of their source (WGI estimates about -2.5 worst to 2.5 best); value added in
 * million EUR (MEUR); import values in the unit of the store (USD for BACI extracts).
 */
#ifndef CAMBIUM_CM_SUPPLY_H
#define CAMBIUM_CM_SUPPLY_H

#include "cm_class.h"
#include "cm_common.h"
#include "cm_crit.h"
#include "cm_crit_be.h"
#include "cm_error.h"
#include "cm_store.h"

CM_BEGIN_DECLS

/* --- concentration ------------------------------------------------------------------------ */

/** Concentration of one stage x scope of supply. */
typedef struct cm_supply_conc_t {
    cm_real_t hhi;       /**< sum S^2 over the shares as given (0-1); NaN without shares */
    cm_real_t top3;      /**< sum of the three largest shares (0-1); NaN without shares */
    cm_real_t share_sum; /**< sum of the shares as given */
    size_t n;            /**< shares counted */
    char top[3][CM_CRIT_CODE_MAX]; /**< the three largest producers ("" when fewer) */
} cm_supply_conc_t;

/**
 * \brief HHI and top-three share of \p s (withheld shares count 0; ties keep the order of
 * \p s). Shares are not renormalised. Pure, no allocation, O(n).
 * \param[out] out filled completely. \return CM_OK, CM_EINVAL (NULL).
 */
CM_EXPORT cm_error_t cm_supply_concentration(const cm_crit_supply_t *s, cm_supply_conc_t *out,
                                             cm_error_info_t *err);

/**
 * \brief WGI-weighted HHI without the trade parameter: sum S_c^2 * WGI_scaled_c over the
 * countries of \p s found in \p wgi. \param[out] missing optional: sum of the shares of the
 * countries not in \p wgi (aggregates such as "OTH"), which contribute nothing.
 * \return the value (0-10), NaN when \p s has no shares or an argument is NULL. Pure, O(n log m).
 */
CM_EXPORT cm_real_t cm_supply_hhi_wgi(const cm_crit_supply_t *s, const cm_crit_wgi_t *wgi,
                                      cm_real_t *missing);

/* --- country indicators and the ESG view ------------------------------------------------- */

/** One country's value of an indicator. */
typedef struct cm_supply_ind_entry_t {
    char country[CM_CRIT_CODE_MAX]; /**< ISO3 or aggregate code */
    cm_real_t value;                /**< finite */
} cm_supply_ind_entry_t;

/** A country indicator (country -> value), sorted by country. Zeroed = empty; destroy with
 * ::cm_supply_indicator_destroy. */
typedef struct cm_supply_indicator_t {
    char name[32]; /**< short name used as a column header ("va", "rl", "labour") */
    size_t n;
    cm_supply_ind_entry_t *items;
    size_t cap;
} cm_supply_indicator_t;

/**
 * \brief Add or replace the value of \p country (kept sorted).
 * \return CM_OK; CM_EINVAL (NULL, empty or too long code, value not finite); CM_ENOMEM.
 * O(n) per insertion.
 */
CM_EXPORT cm_error_t cm_supply_indicator_set(cm_supply_indicator_t *ind, const char *country,
                                             cm_real_t value, cm_error_info_t *err);
/** \brief Index of \p country (binary search), or -1. */
CM_EXPORT ptrdiff_t cm_supply_indicator_find(const cm_supply_indicator_t *ind,
                                             const char *country);
/** \brief Free; safe on zeroed or twice; keeps nothing. */
CM_EXPORT void cm_supply_indicator_destroy(cm_supply_indicator_t *ind);

/**
 * \brief Load one WGI dimension (\p code: va, pv, ge, rq, rl or cc) for \p year: the
 * "estimate" observations of the newest wgi dataset, unscaled (about -2.5 worst to 2.5 best).
 * The indicator's name becomes \p code. \param[in,out] out zeroed or earlier (destroyed first).
 * \return CM_OK; CM_EINVAL (NULL, unknown code); CM_ENOTFOUND (no estimate of that dimension
 * and year in the store); CM_ESTORE; CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_supply_indicator_load_wgi(cm_store_t *store, const char *code, int year,
                                                  cm_supply_indicator_t *out,
                                                  cm_error_info_t *err);

/**
 * \brief Read a plain CSV of two columns `country,value` (header required; separator and
 * encoding detected) as indicator \p name. Countries are resolved with \p countries when given
 * (ISO3 codes, names, World Bank codes), else taken as written; an empty value is skipped.
 * \param[in,out] out zeroed or earlier (destroyed first).
 * \return CM_OK; CM_EINVAL (NULL, empty or too long name); CM_EFILE; CM_EPARSE (file:line:column:
 * missing column, a value that is not a finite number, an unknown country, a country given
 * twice); CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_supply_indicator_read_csv(const char *path, const char *name,
                                                  const cm_class_t *countries,
                                                  cm_supply_indicator_t *out,
                                                  cm_error_info_t *err);

/**
 * \brief Production-weighted mean of an indicator over the producers of \p s:
 * sum S_c x_c / sum S_c over the countries with a value (the others are left out and reported
 * through \p coverage). \param[out] coverage optional: share of supply with a value divided by
 * the share sum (0-1; NaN without shares).
 * \return the mean, NaN when no producer has a value or an argument is NULL. Pure, O(n log m).
 */
CM_EXPORT cm_real_t cm_supply_weighted_mean(const cm_crit_supply_t *s,
                                            const cm_supply_indicator_t *ind,
                                            cm_real_t *coverage);

/* --- CRM Act 2024 lists against the computed lists -------------------------------------- */

/** Tri-state: listed, not listed, unknown (assessment not available). */
enum { CM_SUPPLY_NO = 0, CM_SUPPLY_YES = 1, CM_SUPPLY_UNKNOWN = -1 };

/** One material of the comparison. */
typedef struct cm_supply_crma_row_t {
    char material[48];      /**< material code (CRMA code, or the EU code for rows only there) */
    char assessed[48];      /**< code matched in the EU assessment ("" = none) */
    int crma_critical;      /**< CM_SUPPLY_YES / NO */
    int crma_strategic;     /**< CM_SUPPLY_YES / NO */
    int eu_published;       /**< published EU 2023 values at the thresholds (YES/NO/UNKNOWN) */
    int eu_computed;        /**< recomputed EU 2023 values (YES/NO/UNKNOWN) */
    int be_critical;        /**< Belgian assessment (UNKNOWN when none was given) */
    cm_real_t sr, ei;       /**< computed EU SR and EI (NaN when not assessed) */
    char note[160];         /**< why the lists differ ("" when they agree) */
} cm_supply_crma_row_t;

/** The comparison table. Destroy with ::cm_supply_crma_destroy (safe on zeroed). */
typedef struct cm_supply_crma_t {
    size_t n;
    cm_supply_crma_row_t *items;
    size_t cap;
} cm_supply_crma_t;

/**
 * \brief Read the CRMA lists (variables crma_critical and crma_strategic of the newest
 * crma-lists dataset) into rows with only the CRMA columns set (the others UNKNOWN/NaN),
 * sorted by material code. \param[in,out] out zeroed or earlier (destroyed first).
 * \return CM_OK; CM_EINVAL (NULL); CM_ENOTFOUND (no crma-lists data: import it with
 * 'cambium import crma-lists'); CM_ESTORE; CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_supply_crma_load(cm_store_t *store, cm_supply_crma_t *out,
                                         cm_error_info_t *err);

/**
 * \brief Set the CRMA rows of \p crma against the EU assessment (\p eu, its results \p eu_res,
 * thresholds of \p opt) and optionally a Belgian one (\p be and \p be_res, both NULL when there
 * is none). A CRMA material matches the assessed material of the same code, else of its parent
 * in \p materials (when given: "nickel-battery-grade" -> "nickel"). Non-group EU materials
 * critical by the computed or the published values that are not on the CRMA list are appended
 * (crma columns NO). Notes name the reason of each disagreement. Group rows of the assessment
 * count like any material when the CRMA lists them (HREE, LREE, PGM).
 * \param[in,out] crma the table from ::cm_supply_crma_load; completed in place.
 * \return CM_OK; CM_EINVAL (NULL, results sizes differing from their inputs); CM_ENOMEM.
 * Complexity: O(rows x materials).
 */
CM_EXPORT cm_error_t cm_supply_crma_compare(cm_supply_crma_t *crma, const cm_crit_inputs_t *eu,
                                            const cm_crit_results_t *eu_res,
                                            const cm_crit_options_t *opt,
                                            const cm_crit_inputs_t *be,
                                            const cm_crit_results_t *be_res,
                                            const cm_class_t *materials, cm_error_info_t *err);
/** \brief Free; safe on zeroed or twice. */
CM_EXPORT void cm_supply_crma_destroy(cm_supply_crma_t *crma);

/* --- the supply map of one material ------------------------------------------------------- */

/** One producing country. */
typedef struct cm_supply_producer_t {
    char country[CM_CRIT_CODE_MAX];
    cm_real_t share;      /**< global supply share (fraction) */
    cm_real_t wgi_scaled; /**< scaled WGI (0-10), NaN when the country has none */
    unsigned flags;       /**< CM_CRIT_SHARE_* of the share cell */
} cm_supply_producer_t;

/** One import partner of the assessed country. */
typedef struct cm_supply_partner_t {
    char country[CM_CRIT_CODE_MAX];
    cm_real_t value;  /**< summed over the HS6 codes (unit: ::cm_supply_stage_t.import_unit) */
    cm_real_t share;  /**< fraction of the country's imports of the stage */
} cm_supply_partner_t;

/** One using sector (an end use of the EU table) with the assessed country's value added. */
typedef struct cm_supply_sector_t {
    char nace[CM_CRIT_NACE_MAX];  /**< NACE Rev. 2 division ("" for "Other") */
    char group[32];               /**< OECD group it belongs to in the IOT ("C10-C12") */
    char *application;            /**< owned; may be NULL */
    cm_real_t use_share;          /**< EU end-use share of the material (fraction) */
    cm_real_t va_meur;            /**< value added of the sector in the country (MEUR); NaN
                                       when no NACE code or no IOT */
    cm_real_t va_eu_meur;         /**< EU value added of the sector (EU table), NaN unknown */
} cm_supply_sector_t;

/** One stage of the map. */
typedef struct cm_supply_stage_t {
    int present;                    /**< non-zero: global shares exist for this stage */
    size_t n_producers;
    cm_supply_producer_t *producers; /**< sorted by share, largest first */
    cm_supply_conc_t conc;          /**< HHI, top three */
    cm_real_t hhi_wgi;              /**< sum S^2 WGI_scaled (without t) */
    cm_real_t hhi_wgi_t;            /**< the EU's HHI_WGI,t (with the trade parameter t) */
    cm_real_t wgi_missing;          /**< share of producers without WGI (aggregates) */
    size_t n_hs6;                   /**< HS6 codes searched for imports (at most 8) */
    char hs6[8][8];                 /**< the codes ("282200") */
    size_t n_partners;
    cm_supply_partner_t *partners;  /**< sorted by value, largest first */
    cm_real_t import_total;         /**< sum over partners (NaN when no import data) */
    char import_unit[16];           /**< unit of the import values ("USD", "t") */
} cm_supply_stage_t;

/** The supply map of one material. Destroy with ::cm_supply_map_destroy (safe on zeroed). */
typedef struct cm_supply_map_t {
    char material[48];   /**< canonical code */
    char *name;          /**< display name (owned) */
    char region[CM_CRIT_CODE_MAX]; /**< the importing country ("BEL") */
    int import_year;     /**< year of the import data (0 when none) */
    int wgi_year;        /**< WGI year used */
    int iot_year;        /**< year of the IOT (0 when none) */
    cm_supply_stage_t stage[CM_CRIT_NSTAGES];
    size_t n_sectors;
    cm_supply_sector_t *sectors;
    cm_real_t va_exposed_meur;  /**< value added of the distinct using sectors (MEUR), each
                                     IOT group counted once; NaN without IOT */
    cm_real_t va_weighted_meur; /**< sum use_share x va_meur (the EI-style weighting) */
    cm_real_t va_total_meur;    /**< value added of all industries in the IOT (MEUR) */
} cm_supply_map_t;

/** Options of ::cm_supply_map_build. Fill with ::cm_supply_options_default. */
typedef struct cm_supply_options_t {
    const char *region;    /**< importing country, ISO3 (default "BEL") */
    int import_year;       /**< year of the import data; 0 = the latest with data (default) */
    int wgi_year;          /**< WGI year; 0 = CM_CRIT_EU_WGI_YEAR, or when that year is not in
                                the store, the latest year that is (default 0) */
    const char *import_variable; /**< "import_value" (default) or "import_quantity" */
    cm_real_t usd_per_eur; /**< IOT conversion (default CM_NACE_USD_PER_EUR_2020) */
    const cm_crit_be_map_t *codes; /**< trade-code table of the Belgian assessment: its
                                        six-digit codes of the material x stage are used;
                                        NULL = the built-in table (::cm_crit_be_map_builtin,
                                        data/crit/hs6-materials.csv; default). Borrowed. */
} cm_supply_options_t;

/** \brief Fill \p opt with the defaults listed in ::cm_supply_options_t. NULL is a no-op. */
CM_EXPORT void cm_supply_options_default(cm_supply_options_t *opt);

/**
 * \brief Build the supply map of \p material (a code or any alias of the material
 * classification: "Co", "cobalt", "Cobalt") from the store: global supply shares of the EU
 * 2023 tables per stage (::cm_crit_load_eu) with HHI, top three and HHI_WGI (WGI of
 * ::cm_crit_wgi_load for the year of the options); the region's import partners per stage from
 * the BACI observations of the stage's HS6 codes (the options' code table, else
 * ::cm_crit_be_map_builtin; newest dataset per year); the EU end uses of the material with the region's value added of each NACE sector from
 * the newest iot-oecd dataset of the region (OECD industries -> NACE divisions kept together,
 * converted to EUR). Import data and IOT are optional (their parts stay empty, NaN).
 * \param[in,out] out zeroed or an earlier map (destroyed first); destroy with
 * ::cm_supply_map_destroy.
 * \return CM_OK; CM_EINVAL (NULL arguments, a bad option); CM_ENOTFOUND (a material that the
 * classification does not know, naming it; a known material without EU supply data; no EU data
 * or no WGI in the store); CM_ESTORE; CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_supply_map_build(cm_store_t *store, const char *material,
                                         const cm_supply_options_t *opt, cm_supply_map_t *out,
                                         cm_error_info_t *err);
/** \brief Free; safe on zeroed or twice; leaves it zeroed. */
CM_EXPORT void cm_supply_map_destroy(cm_supply_map_t *map);

CM_END_DECLS

#endif

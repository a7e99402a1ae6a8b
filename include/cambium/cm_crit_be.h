/**
 * \file cm_crit_be.h
 * \brief The Belgian variant of the EU criticality method (METHODS.md B.1, "Nationalising the
 * method"; docs/crit-belgium.md): Belgian sourcing (Belgian production plus imports by
 * partner), Belgian import reliance, Belgian sector value added; the EU's global supply,
 * end-use shares, EoL-RIR and substitution indices unless Belgian ones are given. Every EU
 * value used for a missing Belgian one is listed (::cm_crit_be_subst_t).
 *
 * Workflow: load the EU inputs (::cm_crit_load_eu), load the trade-code table
 * (::cm_crit_be_map_builtin, data/crit/hs6-materials.csv compiled in, or ::cm_crit_be_map_load
 * for another file), then ::cm_crit_load_be builds the
 * Belgian inputs as a copy of the EU ones with the Belgian terms replaced. Bind and compute
 * both with cm_crit.h (the Belgian EI is scaled by ::cm_crit_be_report_t.va_max), then
 * ::cm_crit_be_compare explains, for every material that changes class, the terms that moved
 * it.
 */
#ifndef CAMBIUM_CM_CRIT_BE_H
#define CAMBIUM_CM_CRIT_BE_H

#include "cm_common.h"
#include "cm_crit.h"
#include "cm_error.h"
#include "cm_nace.h"
#include "cm_store.h"

CM_BEGIN_DECLS

/** Basis of the Belgian sourcing shares. */
typedef enum cm_crit_be_basis_t {
    CM_CRIT_BE_BASIS_AUTO = 0, /**< by mass where a trade set has quantities for every flow,
                                    else by value */
    CM_CRIT_BE_BASIS_MASS = 1, /**< by mass only (no quantities: the EU sourcing is used, listed) */
    CM_CRIT_BE_BASIS_VALUE = 2, /**< by value only */
    CM_CRIT_BE_BASIS_NONE = 3   /**< (in reports) no Belgian flows: the EU sourcing was used */
} cm_crit_be_basis_t;

/** One trade code of the table: HS6, CN8, a BACI material label, or "production". */
typedef struct cm_crit_be_code_t {
    char code[32];  /**< "282200", "28220000", "lithium" (label), "production" */
    char *material; /**< canonical material code (owned) */
    int stage;      /**< CM_CRIT_EXTRACTION or CM_CRIT_PROCESSING */
    int shared;     /**< 1: a code that covers several materials (column `shared` of the
                         file, e.g. 811292 "other unwrought metals"): listed for the import
                         partners of this material (cm_supply.h) but never used to attribute a
                         traded flow to it (::cm_crit_load_be); 0 otherwise */
} cm_crit_be_code_t;

/** Trade code -> material x stage. Zeroed = empty; destroy with ::cm_crit_be_map_destroy. */
typedef struct cm_crit_be_map_t {
    size_t n;
    cm_crit_be_code_t *items;
    size_t cap;
} cm_crit_be_map_t;

/** Options of the Belgian loader. Fill with ::cm_crit_be_options_default. */
typedef struct cm_crit_be_options_t {
    int year;                 /**< trade year; 0 = the latest year with Belgian imports */
    cm_crit_be_basis_t basis; /**< default AUTO */
    cm_nace_split_t split;    /**< combined IOT industries (D10T12): default KEEP_TOGETHER */
    double usd_per_eur;       /**< IOT MUSD -> MEUR (default ::CM_NACE_USD_PER_EUR_2020; EI is
                                   a ratio, so the rate cancels) */
} cm_crit_be_options_t;

/** One EU value used for a missing Belgian one (or a Belgian value missing altogether). */
typedef struct cm_crit_be_subst_t {
    char *material;  /**< material code (owned) */
    char term[24];   /**< "sourcing", "import_reliance", "eol_rir", "si_sr", "si_ei",
                          "enduse_shares", "value_added", "production" */
    int stage;       /**< stage, or -1 for a material-level term */
    cm_real_t value; /**< value used (NaN when none: counted as the method's default) */
    char *reason;    /**< why (owned) */
} cm_crit_be_subst_t;

/** What the Belgian sourcing of one material x stage was built from. */
typedef struct cm_crit_be_stage_info_t {
    cm_crit_be_basis_t basis; /**< MASS, VALUE or NONE (EU sourcing used) */
    int64_t dataset_id;       /**< trade dataset used (0 = none) */
    cm_real_t production;     /**< Belgian production, t (0 when none; NaN: exists, unquantified) */
    cm_real_t imports;        /**< imports, t (mass) or the dataset's currency (value) */
    cm_real_t exports;        /**< exports in the same unit; NaN when the set has no exports */
    size_t partners;          /**< import partners */
    cm_real_t ir;             /**< Belgian IR (NaN: the EU's was used) */
} cm_crit_be_stage_info_t;

/** Report of ::cm_crit_load_be. Zeroed = empty; destroy with ::cm_crit_be_report_destroy. */
typedef struct cm_crit_be_report_t {
    int year;               /**< trade year used */
    cm_real_t va_max;       /**< largest Belgian 2-digit manufacturing value added, MEUR
                                 (the EI scaling denominator) */
    char va_max_sector[32]; /**< its NACE division (or group when kept together) */
    size_t n;               /**< materials (same order as the Belgian inputs) */
    cm_crit_be_stage_info_t (*stages)[CM_CRIT_NSTAGES]; /**< [n][stage] */
    size_t n_subst;
    cm_crit_be_subst_t *subst;
    size_t cap_subst;
    size_t unmatched_codes;        /**< distinct traded codes with no row in the code table */
    size_t flows_used;             /**< trade observations used */
    size_t flows_without_quantity; /**< import flows with a value but no quantity (flag "NA",
                                        "missing"): their set cannot give a mass basis */
} cm_crit_be_report_t;

/** Class change of one material between the EU and the Belgian assessment. */
typedef struct cm_crit_be_change_t {
    int critical_eu;   /**< critical in the EU assessment */
    int critical_be;   /**< critical in the Belgian one */
    int undetermined_eu; /**< the EU class cannot be decided: SR at or above its threshold and
                              no EI (no end uses and no published EI, or an EI range that
                              straddles the threshold) */
    int undetermined_be; /**< the same for the Belgian class (the Belgian EI needs the
                              material's end uses: no published Belgian EI exists) */
    int sr_crossed;    /**< SR crossed the threshold */
    int ei_crossed;    /**< EI crossed the threshold */
    char *explanation; /**< for a material that changes class: the terms that moved it
                            ("SR 1.4 -> 0.7 (processing): sourcing HHI_WGI 2.6 -> 1.0
                            (decisive); IR 0.80 -> 1.00"); for an undetermined class, why;
                            NULL otherwise (owned) */
} cm_crit_be_change_t;

/** Changes, one per material. Destroy with ::cm_crit_be_changes_destroy. */
typedef struct cm_crit_be_changes_t {
    size_t n;
    cm_crit_be_change_t *items;
    size_t n_changed; /**< materials whose class changed (both classes determined) */
    size_t n_undetermined; /**< materials with an undetermined EU or Belgian class: not
                                counted as changes */
} cm_crit_be_changes_t;

/** \brief Fill \p opt with the defaults. NULL is a no-op. */
CM_EXPORT void cm_crit_be_options_default(cm_crit_be_options_t *opt);

/** \brief "mass", "value", "auto" or "EU" (NONE). Static string. */
CM_EXPORT const char *cm_crit_be_basis_name(cm_crit_be_basis_t basis);

/**
 * \brief Add a code to the table (not shared: the flows of the code are attributed to
 * \p material). \param[in] stage CM_CRIT_EXTRACTION or CM_CRIT_PROCESSING.
 * \return CM_OK; CM_EINVAL (NULL or empty code or material, code too long, bad stage, a trade
 * code given twice unshared: "production" may repeat, once per material); CM_ENOMEM. O(n).
 */
CM_EXPORT cm_error_t cm_crit_be_map_add(cm_crit_be_map_t *map, const char *code,
                                        const char *material, int stage, cm_error_info_t *err);

/**
 * \brief Load the code table from a CSV file with columns code, material, stage (extraction
 * or processing), optionally shared (empty or 0; 1 = ::cm_crit_be_code_t.shared: the code may
 * then be listed for several materials, once per material, besides at most one unshared row)
 * and any others (ignored).
 * \param[in,out] map zeroed or an earlier table (destroyed first).
 * \return CM_OK; CM_EINVAL (NULL argument); CM_EFILE; CM_EPARSE (missing column, bad stage or
 * shared value, duplicated code, malformed CSV: file:line); CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_crit_be_map_load(const char *path, cm_crit_be_map_t *map,
                                         cm_error_info_t *err);

/**
 * \brief Load the built-in code table: data/crit/hs6-materials.csv as compiled into the library
 * (docs/crit-belgium.md), parsed as ::cm_crit_be_map_load parses a file.
 * \param[in,out] map zeroed or an earlier table (destroyed first).
 * \return CM_OK; CM_EINVAL (NULL map); CM_ENOMEM. O(n^2) in the rows (duplicate check).
 */
CM_EXPORT cm_error_t cm_crit_be_map_builtin(cm_crit_be_map_t *map, cm_error_info_t *err);

/** \brief Free; safe on zeroed or twice. */
CM_EXPORT void cm_crit_be_map_destroy(cm_crit_be_map_t *map);

/**
 * \brief Build the Belgian inputs from the EU ones and the store.
 *
 * Sourcing per material x stage: Belgian production (variable "production", region BEL, the
 * latest period up to the year, at the stage of the table's "production" row of the
 * material; mass basis only) plus imports by partner from one trade dataset (import_* rows
 * with region BEL; export_* rows with region BEL and import_* rows with partner BEL are
 * exports), chosen per material x stage: the set with the largest imports among those with
 * quantities for every flow (mass), else the largest by value. t: the EU's t of that partner
 * in the EU sourcing, else 1. IR_BE = (imports - exports)/(production + imports - exports),
 * clamped to [0, 1], when the chosen set has exports. EI: the EU end-use shares with the value
 * added of the Belgian NACE division (iot-oecd value_added, region BEL, mapped with
 * ::cm_nace_from_oecd). EoL-RIR, SI_SR, SI_EI: Belgian store values (region BEL) else the EU's.
 * Every EU value kept for a missing Belgian one is listed in \p report.
 *
 * \param[in] eu the EU inputs (not modified). \param[in] map the trade-code table.
 * \param[in,out] out zeroed or earlier inputs (destroyed first); region "BEL"; published
 * values cleared; modes AUTO.
 * \param[in,out] report zeroed or an earlier report (destroyed first).
 * \return CM_OK; CM_EINVAL (NULL, bad options); CM_ENOTFOUND (no Belgian trade flows for the
 * year, or no Belgian value added in the store); CM_ESTORE; CM_ENOMEM.
 * Complexity: O(flows log flows + materials x end uses).
 */
CM_EXPORT cm_error_t cm_crit_load_be(cm_store_t *store, const cm_crit_inputs_t *eu,
                                     const cm_crit_be_map_t *map, const cm_crit_be_options_t *opt,
                                     cm_crit_inputs_t *out, cm_crit_be_report_t *report,
                                     cm_error_info_t *err);

/** \brief Free; safe on zeroed or twice. */
CM_EXPORT void cm_crit_be_report_destroy(cm_crit_be_report_t *report);

/**
 * \brief Compare the EU and the Belgian assessment material by material (the same materials
 * in the same order, as ::cm_crit_load_be makes them) and explain each class change by term:
 * for SR the stage terms (sourcing HHI_WGI, IR, EoL-RIR, SI_SR) that differ, each marked
 * "decisive" when swapping that term alone from the EU value to the Belgian one moves SR
 * across the threshold; for EI the share of the largest sector's value added and SI_EI.
 * Decisions use the thresholds and the rounding convention of \p opt.
 * \param[in,out] out zeroed or earlier changes (destroyed first).
 * \return CM_OK; CM_EINVAL (NULL, sizes or material codes differ); CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_crit_be_compare(const cm_crit_inputs_t *eu, const cm_crit_results_t *eu_res,
                                        const cm_crit_inputs_t *be, const cm_crit_results_t *be_res,
                                        const cm_crit_options_t *opt, cm_crit_be_changes_t *out,
                                        cm_error_info_t *err);

/** \brief Free; safe on zeroed or twice. */
CM_EXPORT void cm_crit_be_changes_destroy(cm_crit_be_changes_t *changes);

/**
 * \brief Load everything `cambium crit eu` and `crit be` compute from, in one call (the one
 * piece of loading code behind both verbs and ::cm_crit_whatif_json): the EU inputs
 * (::cm_crit_load_eu); when \p be is not NULL the Belgian ones (::cm_crit_load_be with \p map
 * and \p be_opt); the WGI table of the year opt->wgi_year (0 = ::CM_CRIT_EU_WGI_YEAR) averaged
 * over opt->wgi_years years (<= 0 counts as 1) ending there (::cm_crit_wgi_load); then both
 * input sets bound to that table with \p opt (::cm_crit_bind). Steps run in that order and
 * the first failure is returned.
 * \param[in] map trade-code table; NULL = the built-in one (::cm_crit_be_map_builtin). Borrowed.
 * \param[in] be_opt Belgian loader options; NULL = ::cm_crit_be_options_default.
 * \param[in] opt options of the binding (missing-WGI policy and fallback, WGI years).
 * \param[in,out] eu zeroed or earlier inputs (destroyed first).
 * \param[in,out] be NULL (EU only) or zeroed or earlier inputs (destroyed first).
 * \param[in,out] report with \p be: zeroed or an earlier report (destroyed first); its va_max is
 * the Belgian EI denominator. Ignored (may be NULL) without \p be.
 * \param[in,out] wgi zeroed or an earlier table (destroyed first).
 * \return CM_OK; CM_EINVAL (NULL store, eu, wgi or opt; \p be without \p report; bad
 * options); CM_ENOTFOUND (the message names the missing import: EU CRM data, WGI for the
 * years, Belgian trade flows or Belgian value added; a country without WGI and no fallback);
 * CM_EPARSE (built-in table); CM_ESTORE; CM_ENOMEM. On error every output is left empty.
 * Ownership: the caller destroys \p eu, \p be, \p report and \p wgi.
 */
CM_EXPORT cm_error_t cm_crit_load_bound(cm_store_t *store, const cm_crit_be_map_t *map,
                                        const cm_crit_be_options_t *be_opt,
                                        const cm_crit_options_t *opt, cm_crit_inputs_t *eu,
                                        cm_crit_inputs_t *be, cm_crit_be_report_t *report,
                                        cm_crit_wgi_t *wgi, cm_error_info_t *err);

CM_END_DECLS

#endif

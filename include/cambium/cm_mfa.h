/**
 * \file cm_mfa.h
 * \brief Economy-wide material flow accounts (EW-MFA, Eurostat env_ac_mfa / env_ac_rme /
 * env_ac_cur, UNEP-IRP MFA13): indicators by year and material category, the accounting
 * identities checked on every imported release, and the revisions between releases.
 *
 * Data come from the store, as written by the importers "eurostat-tsv", "eurostat-jsonstat",
 * "eurostat-sdmx-csv" and "unep-irp-mfa" (cm_import.h): observations of the variables
 * "ewmfa" (DE, IMP, EXP, DMI, DMC, PTB by MF category, tonnes or kilotonnes), "ewmfa_rme"
 * (DE, IMP, EXP, RMI, RMC, RTB in raw-material equivalents), "cmu_rate" (the published rate
 * CMU in %, or the inputs U, or RCV_R, IMP_W and EXP_W in tonnes) and "gdp" (B1GQ in MEUR).
 * Formulas, sources and the tolerance are in docs/mfa.md (METHODS §B.2).
 */
#ifndef CAMBIUM_CM_MFA_H
#define CAMBIUM_CM_MFA_H

#include "cm_common.h"
#include "cm_error.h"
#include "cm_store.h"

CM_BEGIN_DECLS

/** Default relative tolerance of the identity checks (of the largest term). */
#define CM_MFA_RTOL_DEFAULT 1e-6
/** Default absolute tolerance of the identity checks, in tonnes (Eurostat publishes
 * thousand tonnes with three decimals, i.e. to the tonne; sums of up to six rounded
 * terms stay within 3 t). */
#define CM_MFA_ATOL_DEFAULT 5.0

/** One observation of an account (a value container; fixed-size strings). */
typedef struct cm_mfa_record_t {
    char series[24];    /**< "ewmfa", "ewmfa_rme", "cmu_rate", "gdp" */
    char indicator[24]; /**< "DE", "IMP", "EXP", "DMI", "DMC", "PTB", "RMI", "RMC", "RTB",
                             "CMU", "U", "RCV_R", "IMP_W", "EXP_W", "B1GQ" ... */
    char material[96];  /**< "TOTAL", "MF1" ... "MF42", or a UNEP-IRP category */
    char region[32];    /**< ISO3 ("BEL") or an aggregate code ("EU27_2020") */
    char unit[16];      /**< "t", "kt", "Mt", "%", "MEUR" ... as stored */
    char flag[8];       /**< Eurostat flag letters, "" for none */
    char version[64];   /**< the dataset's version ("" when none) */
    char release[64];   /**< ordering key of the release: the version when it starts with an
                             ISO date (YYYY-MM-DD), else the import time; ties by dataset id */
    int year;
    double value; /**< as published in \p unit; NaN = no value (flag only) */
    int64_t dataset_id;
    int64_t line; /**< line of the source file (0 for JSON-stat) */
} cm_mfa_record_t;

/** Records of one or more releases. Zero-initialise; destroy with ::cm_mfa_data_destroy. */
typedef struct cm_mfa_data_t {
    size_t n, cap;
    cm_mfa_record_t *items;
} cm_mfa_data_t;

/** \brief Free the records; safe on a zeroed container or twice; leaves it empty. */
CM_EXPORT void cm_mfa_data_destroy(cm_mfa_data_t *data);

/**
 * \brief Append a copy of \p rec (amortised O(1)).
 * \param[in,out] data zeroed or holding records. \return CM_OK, CM_EINVAL (NULL), CM_ENOMEM
 * (data unchanged).
 */
CM_EXPORT cm_error_t cm_mfa_data_add(cm_mfa_data_t *data, const cm_mfa_record_t *rec,
                                     cm_error_info_t *err);

/**
 * \brief Load the EW-MFA observations of every release in the store (variables ewmfa,
 * ewmfa_rme, cmu_rate, gdp) for one region, or for all.
 * \param[in] geo a country as ISO2 ("BE"), ISO3 or name, resolved with the store's country
 * list (an aggregate such as "EU27_2020" is taken as written); NULL = every region.
 * \param[in,out] data zeroed or earlier data (destroyed first); the caller destroys it.
 * \return CM_OK (possibly with no records); CM_EINVAL (NULL store or data, a geo with
 * characters other than letters, digits, '_' and '-'); CM_ESTORE; CM_ENOMEM.
 * Complexity: one indexed query, linear in the rows returned.
 */
CM_EXPORT cm_error_t cm_mfa_load(cm_store_t *store, const char *geo, cm_mfa_data_t *data,
                                 cm_error_info_t *err);

/** One identity that does not hold. */
typedef struct cm_mfa_violation_t {
    char identity[32]; /**< "DMI = DE + IMP", "DMC = DMI - EXP", "PTB = IMP - EXP",
                            "RMI = DE + IMP", "RMC = RMI - EXP", "RTB = IMP - EXP",
                            "TOTAL = sum of categories" */
    char series[24];
    char indicator[24]; /**< the left-hand side */
    char material[96];
    char region[32];
    int year;
    int64_t dataset_id;
    int64_t line;    /**< source line of the left-hand side */
    double lhs, rhs; /**< in tonnes */
    double diff;     /**< lhs - rhs, tonnes */
} cm_mfa_violation_t;

/** Violations found; destroy with ::cm_mfa_violations_destroy (safe on zeroed). */
typedef struct cm_mfa_violations_t {
    size_t n;
    size_t checked; /**< identities evaluated */
    cm_mfa_violation_t *items;
} cm_mfa_violations_t;

/** \brief Free; safe on a zeroed list or twice. */
CM_EXPORT void cm_mfa_violations_destroy(cm_mfa_violations_t *v);

/**
 * \brief Check the EW-MFA identities within every release (dataset), region, material and
 * year: DMI = DE + IMP, DMC = DMI − EXP, PTB = IMP − EXP; for RME RMI = DE + IMP,
 * RMC = RMI − EXP, RTB = IMP − EXP; and a parent category = the sum of its sub-categories
 * (TOTAL = MF1..MF4 for DE, MF1..MF6 otherwise; MF1 = MF11..MF14; MF2 = MF21 + MF22;
 * MF3 = MF31..MF39; MF4 = MF41 + MF42), checked only when every term is present.
 * An identity fails when |lhs − rhs| > atol + rtol · max |term| (masses in tonnes).
 * \param[in] rtol, atol tolerances; negative = the defaults CM_MFA_RTOL_DEFAULT,
 * CM_MFA_ATOL_DEFAULT (tonnes).
 * \param[in,out] out zeroed or earlier (destroyed first); sorted by region, series, material,
 * year, identity, dataset. \return CM_OK (violations are data, not errors), CM_EINVAL (NULL),
 * CM_ENOMEM. Complexity: O(n log n).
 */
CM_EXPORT cm_error_t cm_mfa_check(const cm_mfa_data_t *data, double rtol, double atol,
                                  cm_mfa_violations_t *out, cm_error_info_t *err);

/** One indicator value. */
typedef struct cm_mfa_value_t {
    char region[32];
    int year;
    char material[96];
    char indicator[32]; /**< DE IMP EXP DMI DMC PTB RMI RMC RTB CMU_RATE IMPORT_DEPENDENCY
                             SELF_SUFFICIENCY NET_IMPORT_RELIANCE RESOURCE_PRODUCTIVITY */
    double value;
    char unit[12];      /**< "t", "%", "1", "EUR/kg" */
    int derived;        /**< 0: as published; 1: computed from other figures */
    char flag[8];       /**< flag of the published figure ("" for none or derived) */
    int64_t dataset_id; /**< release of the published figure (0 for derived) */
} cm_mfa_value_t;

/** Indicators; destroy with ::cm_mfa_table_destroy (safe on zeroed). */
typedef struct cm_mfa_table_t {
    size_t n, cap;
    cm_mfa_value_t *items;
} cm_mfa_table_t;

/** \brief Free; safe on a zeroed table or twice. */
CM_EXPORT void cm_mfa_table_destroy(cm_mfa_table_t *t);

/**
 * \brief The indicators of every region, year and material of \p data, from the newest
 * release of each figure: DE, IMP, EXP as published; DMI, DMC, PTB as published or derived
 * (DE + IMP, DMI − EXP, IMP − EXP); RMI, RMC, RTB likewise from the RME series; CMU_RATE =
 * 100 · U / (DMC + U) with U given or U = RCV_R − IMP_W + EXP_W when the inputs and DMC are
 * present, else the published rate; IMPORT_DEPENDENCY = IMP / DMI; SELF_SUFFICIENCY =
 * DE / DMC; NET_IMPORT_RELIANCE = (IMP − EXP) / DMC; RESOURCE_PRODUCTIVITY = GDP / DMC in
 * EUR/kg (material TOTAL, GDP B1GQ in MEUR). Masses are reported in tonnes. A ratio whose
 * denominator is zero is left out.
 * \param[in] from, to years to keep (0 = no bound).
 * \param[in,out] out zeroed or earlier (destroyed first); sorted by region, year, material
 * and the indicator order above. \return CM_OK, CM_EINVAL (NULL, from > to > 0), CM_ENOMEM.
 * Complexity: O(n log n).
 */
CM_EXPORT cm_error_t cm_mfa_indicators(const cm_mfa_data_t *data, int from, int to,
                                       cm_mfa_table_t *out, cm_error_info_t *err);

/** One figure that changed between two consecutive releases of a series. */
typedef struct cm_mfa_revision_t {
    char region[32];
    char series[24];
    char indicator[24];
    char material[96];
    char unit[16];
    int year;
    int64_t old_dataset, new_dataset;
    char old_version[64], new_version[64];
    int old_has, new_has;        /**< whether the release has a value for the year */
    double old_value, new_value; /**< NaN when absent */
    char old_flag[8], new_flag[8];
} cm_mfa_revision_t;

/** Revisions; destroy with ::cm_mfa_revisions_destroy (safe on zeroed). */
typedef struct cm_mfa_revisions_t {
    size_t n;
    cm_mfa_revision_t *items;
} cm_mfa_revisions_t;

/** \brief Free; safe on a zeroed list or twice. */
CM_EXPORT void cm_mfa_revisions_destroy(cm_mfa_revisions_t *r);

/**
 * \brief Compare consecutive releases of every series (region, series, indicator, material,
 * unit) in \p data: releases are ordered by cm_mfa_record_t.release, then dataset id. A year
 * is listed when its value differs (relative 1e-9), its flag differs, or it has a value in
 * one release and none in the other.
 * \param[in,out] out zeroed or earlier (destroyed first); sorted by region, series, indicator,
 * material, unit, release pair, year. \return CM_OK, CM_EINVAL (NULL), CM_ENOMEM.
 * Complexity: O(n log n).
 */
CM_EXPORT cm_error_t cm_mfa_revisions(const cm_mfa_data_t *data, cm_mfa_revisions_t *out,
                                      cm_error_info_t *err);

/**
 * \brief Tonnes per unit of a mass unit ("t" 1, "kt" 1e3, "Mt" 1e6, "kg" 1e-3); 0 for a unit
 * that is not a mass.
 */
CM_EXPORT double cm_mfa_tonnes(const char *unit);

CM_END_DECLS

#endif

/**
 * \file cm_nace.h
 * \brief From the industries of the OECD input-output tables (2023 edition, ISIC Rev. 4:
 * D01, D10T12, D24A ...) to the NACE Rev. 2 divisions (two digits: A01, C10, C24 ...) that
 * the EU criticality end-use tables use, with a conversion from USD to EUR.
 *
 * The concordance is built in (one entry per OECD industry, 50 industries); the same pairs
 * are in data/classifications/oecd-iot-nace2.csv (from,to,weight with the equal-split
 * weights) for ::cm_store_concordance_import. NACE Rev. 2 divisions coincide with ISIC
 * Rev. 4 divisions, so each OECD industry is the set of divisions its code spans: D10T12 =
 * C10, C11, C12; D24A (iron and steel) and D24B (non-ferrous metals) both fall in C24; D301
 * and D302T309 both in C30.
 */
#ifndef CAMBIUM_CM_NACE_H
#define CAMBIUM_CM_NACE_H

#include <stddef.h>

#include "cm_common.h"
#include "cm_error.h"

CM_BEGIN_DECLS

/**
 * USD per EUR used by default for 2020: the mean of the twelve monthly averages of the ECB
 * reference rate (series EXR.M.USD.EUR.SP00.A, 2020-01 ... 2020-12, file
 * ../shared/data/ecb-fx-monthly/fx_usd_eur.csv) = 1.14128186. (The ECB's annual average of
 * the daily rates is 1.1422.)
 */
#define CM_NACE_USD_PER_EUR_2020 1.14128186

/** How a combined OECD industry (D10T12) is carried to its NACE divisions. */
typedef enum cm_nace_split_t {
    /** Every division of the group gets the group's whole value, with the group's code in
     * `group`: sum over distinct groups, never over divisions. */
    CM_NACE_KEEP_TOGETHER = 0,
    /** Each division gets an equal share (1/n) of the group's value (no finer data). */
    CM_NACE_SPLIT_EQUALLY = 1
} cm_nace_split_t;

/** One NACE division with its value. */
typedef struct cm_nace_value_t {
    char nace[8];    /**< NACE Rev. 2 division: "C23" */
    char group[32];  /**< "C10-C12" for a division of a combined industry, else = nace */
    double value;    /**< million EUR (see ::cm_nace_from_oecd) */
    double share;    /**< fraction of the group carried: 1/n when split, 1 when kept together */
} cm_nace_value_t;

/** \brief Number of OECD industries in the built-in concordance (50). */
CM_EXPORT size_t cm_nace_oecd_count(void);

/**
 * \brief Entry \p i of the built-in concordance (0-based, in table order).
 * \param[out] oecd the OECD industry code ("D10T12"); static string.
 * \param[out] divisions its NACE divisions separated by spaces ("C10 C11 C12"); static string.
 * \return CM_OK, CM_EINVAL (i out of range or NULL outputs).
 */
CM_EXPORT cm_error_t cm_nace_oecd_entry(size_t i, const char **oecd, const char **divisions,
                                        cm_error_info_t *err);

/**
 * \brief Map values by OECD industry (USD million) to NACE Rev. 2 divisions (EUR million).
 * \param[in] n number of input values.
 * \param[in] oecd_codes OECD industry codes (as in the IOT columns, "D24A").
 * \param[in] values_musd values in million USD (finite).
 * \param[in] mode ::CM_NACE_KEEP_TOGETHER or ::CM_NACE_SPLIT_EQUALLY.
 * \param[in] usd_per_eur exchange rate (> 0), e.g. ::CM_NACE_USD_PER_EUR_2020; value in MEUR =
 *            value in MUSD / usd_per_eur.
 * \param[out] out new array (free with cm_free), one entry per NACE division met, in the
 *             order of the built-in table; industries that share a division (D24A and D24B)
 *             are summed.
 * \param[out] nout number of entries.
 * \return CM_OK; CM_EINVAL (NULL arguments, a non-positive rate, a non-finite value, an OECD
 * code not in the concordance: the message names it); CM_ENOMEM.
 * Complexity: O(n x 50).
 */
CM_EXPORT cm_error_t cm_nace_from_oecd(size_t n, const char *const *oecd_codes,
                                       const double *values_musd, cm_nace_split_t mode,
                                       double usd_per_eur, cm_nace_value_t **out, size_t *nout,
                                       cm_error_info_t *err);

CM_END_DECLS

#endif

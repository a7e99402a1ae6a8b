/**
 * \file cm_trade.h
 * \brief Trade-based monitoring: a lean reader and summary of a bulk CEPII BACI year (10 million
 * rows in compact columns, never through SQLite), its checksummed columnar cache, and the
 * micro-level pointers and early-warning alerts of a declarant's imports by product and period
 * (partner HHI, top partner, high-risk share, rolling z-scores, jumps, the CEPII GeoDep
 * criteria). See docs/trade.md and METHODS.md B.6.
 *
 * Conventions: a flow is seen from the importer's side (region = importer = declarant,
 * partner = exporter), as the trade importers store it (docs/importers.md). HHI = sum of the
 * squared value shares (0-1). Values keep the unit of their source (BACI: kUSD; Comext: EUR);
 * quantities in t or kg as the source; a unit value is value per quantity unit.
 */
#ifndef CAMBIUM_CM_TRADE_H
#define CAMBIUM_CM_TRADE_H

#include <stddef.h>
#include <stdint.h>

#include "cm_common.h"
#include "cm_error.h"
#include "cm_store.h"

CM_BEGIN_DECLS

/* --- the bulk BACI year -------------------------------------------------------------------- */

/** Counts of what the BACI reader met (all rows of the file, header excluded). */
typedef struct cm_trade_baci_stats_t {
    cm_int_t lines;            /**< data lines read */
    cm_int_t rows;             /**< rows kept */
    cm_int_t missing_quantity; /**< rows whose q is NA or empty (kept, quantity not zeroed) */
    cm_int_t unknown_country;  /**< rows set aside: exporter or importer outside 1-999 */
    cm_int_t unknown_product;  /**< rows set aside: k not an HS6 code (chapter 01-99) */
    cm_int_t duplicates;       /**< repeated (t, i, j, k) rows: the first is kept (summary) */
} cm_trade_baci_stats_t;

/**
 * A BACI year in columns (26 bytes per row). Zeroed = empty; destroy with
 * ::cm_trade_baci_destroy. Codes as in the file: exporter and importer numeric country codes
 * (UN M49 with CEPII's exceptions), product the HS6 code as an integer (10110 = "010110").
 */
typedef struct cm_trade_baci_t {
    cm_int_t n;          /**< rows */
    int16_t *year;       /**< t */
    int16_t *exporter;   /**< i */
    int16_t *importer;   /**< j */
    int32_t *product;    /**< k */
    double *value;       /**< v, thousand USD, >= 0 */
    double *quantity;    /**< q, tonnes, NaN = missing */
    cm_trade_baci_stats_t stats;
    char source_sha256[65]; /**< SHA-256 of the CSV (computed while reading it) */
} cm_trade_baci_t;

/** \brief Free the columns; safe on a zeroed or destroyed object (leaves it zeroed). */
CM_EXPORT void cm_trade_baci_destroy(cm_trade_baci_t *b);

/**
 * \brief Read a BACI CSV year (header `t,i,j,k,v,q`, fields optionally padded with blanks, q
 * `NA` or empty = missing) with a block reader (8 MiB blocks, hand-split fields, exact decimal
 * parsing). Rows with a country code outside 1-999 or a product that is not an HS6 code are
 * set aside and counted (a warning through cm_log names the first of each). The SHA-256 of the
 * file is computed on the blocks as they are read (out->source_sha256).
 * \param[out] out a zeroed or destroyed object; filled on success, left empty on error.
 * \return CM_OK; CM_EINVAL (NULL); CM_EFILE (cannot open or read); CM_EPARSE (file:line:column:
 * a wrong header, a missing or extra field, a number that does not parse, a negative value or
 * quantity, a year outside 1900-2999); CM_EOVERFLOW (over 2^31 rows); CM_ENOMEM.
 * Complexity: one pass, O(rows) time; memory 26 bytes per row.
 */
CM_EXPORT cm_error_t cm_trade_baci_read(const char *path, cm_trade_baci_t *out,
                                        cm_error_info_t *err);

/** Per (importer, product) summary of a BACI year, sorted by (importer, product). Zeroed =
 * empty; destroy with ::cm_trade_ip_destroy. */
typedef struct cm_trade_ip_t {
    cm_int_t n;
    int16_t *importer;
    int32_t *product;
    double *value;        /**< sum of v (kUSD) */
    double *quantity;     /**< sum of the known q (t) */
    int32_t *n_missing_q; /**< partners whose q is missing */
    double *unit_value;   /**< value of the rows with a known q / quantity (kUSD/t); NaN when
                               no quantity is known or it is 0 */
    int32_t *n_partners;  /**< distinct exporters */
    double *hhi;          /**< importer-side partner HHI of values; NaN when value is 0 */
    int16_t *top_partner; /**< exporter with the largest value (lowest code on ties) */
    double *top_share;    /**< its share of value; NaN when value is 0 */
    /* per product (sorted by product): the importers' HHI of world imports and the exporters'
     * HHI of world exports (GeoDep criterion 2) */
    cm_int_t np;
    int32_t *p_product;
    double *p_value;
    int32_t *p_n_importers;
    double *p_importer_hhi;
    int32_t *p_n_exporters;
    double *p_exporter_hhi;
    cm_int_t duplicates; /**< repeated (exporter, importer, product) rows skipped */
} cm_trade_ip_t;

/** \brief Free; safe on a zeroed or destroyed object. */
CM_EXPORT void cm_trade_ip_destroy(cm_trade_ip_t *s);

/**
 * \brief Summarise a BACI year per (importer, product) and per product. A repeated (exporter,
 * importer, product) row is counted in out->duplicates and only its first occurrence is used.
 * \param[in] b the year (one year expected; several years are pooled).
 * \param[out] out zeroed or destroyed; filled on success.
 * \return CM_OK, CM_EINVAL (NULL), CM_ENOMEM. Complexity: O(rows + importers x products)
 * time (a counting sort by (importer, product)); memory 4 bytes per row plus the table.
 */
CM_EXPORT cm_error_t cm_trade_baci_summarise(const cm_trade_baci_t *b, cm_trade_ip_t *out,
                                             cm_error_info_t *err);

/**
 * \brief Write the summary as CSV: \p ip_path with the columns importer, product, value,
 * quantity, n_missing_q, unit_value, n_partners, hhi, top_partner, top_share (product as six
 * digits, doubles in Python's repr layout so that pandas reads back the same bits, NaN empty);
 * \p product_path (may be NULL) with product, value, n_importers, importer_hhi, n_exporters,
 * exporter_hhi. Each file is written to a temporary name and renamed.
 * \return CM_OK, CM_EINVAL, CM_EFILE, CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_trade_ip_write_csv(const cm_trade_ip_t *s, const char *ip_path,
                                           const char *product_path, cm_error_info_t *err);

/**
 * \brief Write the columns to a checksummed binary cache: a header (magic "CMTRBACI", version,
 * row count, column types, the source SHA-256, the reader's counts), the six columns, and a
 * 64-bit checksum of everything before it. Written to a temporary name and renamed.
 * \return CM_OK, CM_EINVAL (NULL, or b->source_sha256 empty), CM_EFILE.
 */
CM_EXPORT cm_error_t cm_trade_baci_cache_write(const cm_trade_baci_t *b, const char *path,
                                               cm_error_info_t *err);

/**
 * \brief Read a cache written by ::cm_trade_baci_cache_write when it was made from a CSV of
 * checksum \p source_sha256 (NULL: any).
 * \param[out] out zeroed or destroyed; filled on success.
 * \return CM_OK; CM_ENOTFOUND (no such file, or made from another source: re-parse);
 * CM_EPARSE (not a cache, another version, truncated, or its checksum does not match);
 * CM_EINVAL; CM_EFILE; CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_trade_baci_cache_read(const char *path, const char *source_sha256,
                                              cm_trade_baci_t *out, cm_error_info_t *err);

CM_END_DECLS

#endif

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

#include "cm_class.h"
#include "cm_common.h"
#include "cm_dsm.h"
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
    double *quantity;     /**< sum of the known q (t); NaN when no partner's q is known */
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

/* --- pointers and alerts from trade observations ----------------------------------------- */

/** The thresholds, windows and severity weights (data/trade/pointers.ini documents each). */
typedef struct cm_trade_params_t {
    int window_years;          /**< baseline: annual periods before the current one (5) */
    int window_months;         /**< baseline: monthly periods before the current one (36) */
    int min_baseline;          /**< fewest baseline periods for a z-score (3) */
    cm_real_t z_threshold;     /**< |z| at or above which a z-score raises an alert (2) */
    cm_real_t hhi_jump;        /**< rise of the partner HHI over the previous period (0.1) */
    cm_real_t unit_value_jump; /**< |uv / uv_previous - 1| at or above which (0.5) */
    cm_real_t new_top_min_share; /**< a new top partner counts from this share (0.25) */
    cm_real_t high_risk_wgi;   /**< scaled WGI (0-10) at or above which a partner is high-risk (6) */
    cm_real_t high_risk_share; /**< share of imports from high-risk partners that alerts (0.5) */
    int wgi_year;              /**< WGI year for the risk scores (2023) */
    cm_real_t geodep_import_hhi; /**< GeoDep 1: HHI of import sources above (0.4) */
    cm_real_t geodep_export_hhi; /**< GeoDep 2: HHI of world exports above (0.4) */
    cm_real_t geodep_ratio;    /**< GeoDep 3: imports / exports above (1) */
    cm_real_t geodep_zero_exports_ratio; /**< the ratio coded when exports are 0 (9999) */
    int geodep_years;          /**< GeoDep 4: criteria 1-3 in at least this many (2) ... */
    int geodep_window;         /**< ... of this many years ending at the period (3) */
    cm_real_t min_value;       /**< series periods below this import value raise no alert (0) */
    /* severity = weight x min(cap, measure / threshold) (see pointers.ini) */
    cm_real_t w_value_z, w_quantity_z, w_unit_value_z, w_hhi_jump, w_unit_value_jump;
    cm_real_t w_new_top, w_high_risk, w_geodep;
    cm_real_t severity_cap;    /**< largest ratio counted (10) */
    cm_real_t min_severity;    /**< alerts below this severity are dropped (0) */
} cm_trade_params_t;

/** \brief Fill \p p with the defaults listed in ::cm_trade_params_t. NULL is a no-op. */
CM_EXPORT void cm_trade_params_default(cm_trade_params_t *p);

/**
 * \brief Read the thresholds file (key = value, sections [baseline], [thresholds], [geodep],
 * [severity]; see data/trade/pointers.ini) over the values already in \p p (call
 * ::cm_trade_params_default first): keys left out keep their value.
 * \return CM_OK; CM_EINVAL (NULL); CM_EFILE; CM_EPARSE (file:line:column: an unknown section or
 * key, a value that is not a number, a negative threshold, a window below 1, geodep_years above
 * geodep_window); CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_trade_params_load(const char *path, cm_trade_params_t *p,
                                          cm_error_info_t *err);

/** What a trade observation measures. */
typedef enum cm_trade_var_t {
    CM_TRADE_IMPORT_VALUE = 0,
    CM_TRADE_IMPORT_QUANTITY = 1,
    CM_TRADE_EXPORT_VALUE = 2
} cm_trade_var_t;

#define CM_TRADE_CODE_MAX 32

/** One trade observation (importer side: region = reporter/importer, partner = exporter). */
typedef struct cm_trade_obs_t {
    int64_t dataset;  /**< source dataset id (series never mix datasets) */
    int64_t id;       /**< observation id in the store (0 when not from a store) */
    int64_t line;     /**< line of the source file */
    cm_trade_var_t var;
    char kind[CM_TRADE_CODE_MAX];    /**< importer kind: baci, comext, comtrade */
    char unit[CM_TRADE_CODE_MAX];    /**< unit of the value: USD, kUSD, EUR, t, kg */
    char region[CM_TRADE_CODE_MAX];
    char partner[CM_TRADE_CODE_MAX];
    char product[CM_TRADE_CODE_MAX];
    char period[CM_TRADE_CODE_MAX];  /**< "2022" or "2022-05" */
    double value;     /**< NaN = missing (a missing quantity) */
} cm_trade_obs_t;

/** A list of observations. Zeroed = empty; destroy with ::cm_trade_obs_list_destroy. */
typedef struct cm_trade_obs_list_t {
    size_t n, cap;
    cm_trade_obs_t *items;
} cm_trade_obs_list_t;

/** \brief Append a copy of \p o. \return CM_OK, CM_EINVAL (NULL), CM_ENOMEM. */
CM_EXPORT cm_error_t cm_trade_obs_add(cm_trade_obs_list_t *l, const cm_trade_obs_t *o,
                                      cm_error_info_t *err);
/** \brief Free; safe on a zeroed or destroyed list. */
CM_EXPORT void cm_trade_obs_list_destroy(cm_trade_obs_list_t *l);

/**
 * \brief Load the trade observations of the store (variables import_value, import_quantity,
 * export_value of the datasets of kind baci, comext and comtrade; or of one dataset).
 * \param[in] dataset_id 0 = every trade dataset.
 * \param[out] l zeroed or destroyed; filled on success (empty on error).
 * \return CM_OK, CM_EINVAL, CM_ESTORE, CM_ENOMEM. Complexity: one query, O(rows).
 */
CM_EXPORT cm_error_t cm_trade_obs_load(cm_store_t *store, int64_t dataset_id,
                                       cm_trade_obs_list_t *l, cm_error_info_t *err);

/** Risk score of a partner (scaled WGI 0-10, NaN when unknown): a callback so that the caller
 * chooses the table (cm_crit_wgi_t, a test table). */
typedef double cm_trade_risk_fn(const char *partner, void *user_data);

/** The pointers of one (source, declarant, product, period); a source is an importer kind and a
 * value unit (the yearly files of one source make one series; sources are never mixed). */
typedef struct cm_trade_pointer_t {
    int64_t dataset;          /**< dataset of the first row (the evidence names each row's) */
    char kind[CM_TRADE_CODE_MAX];
    char unit[CM_TRADE_CODE_MAX]; /**< unit of the value */
    char declarant[CM_TRADE_CODE_MAX];
    char product[CM_TRADE_CODE_MAX];
    char period[CM_TRADE_CODE_MAX];
    double value, quantity;   /**< import value; sum of the known quantities */
    int n_missing_q;          /**< partners without a quantity */
    double unit_value;        /**< value of the partners with a quantity / quantity (NaN) */
    int n_partners;           /**< partners with a value */
    int n_suppressed;         /**< partners whose value is missing (confidential or suppressed
                                   cells, stored as NaN with their flag): left out, counted */
    double hhi;               /**< partner HHI of values */
    char top_partner[CM_TRADE_CODE_MAX];
    double top_share;
    double high_risk_share;   /**< share of value from partners with risk >= high_risk_wgi */
    double unknown_risk_share; /**< share of value from partners without a risk score */
    int baseline_n;           /**< baseline periods used for the z-scores */
    double z_value, z_quantity, z_unit_value; /**< NaN without a baseline or with sd = 0 */
    ptrdiff_t prev;           /**< index of the previous period of the series, -1 */
    double hhi_change;        /**< hhi - previous hhi (NaN) */
    double unit_value_change; /**< unit_value / previous - 1 (NaN) */
    int new_top;              /**< the top partner differs from the previous period's */
    /* CEPII GeoDep (annual periods) */
    double exports;           /**< the declarant's exports of the product (NaN: unknown) */
    double import_export_ratio; /**< imports / exports; zero exports coded as geodep_zero_exports_ratio */
    double world_export_hhi;  /**< HHI of world exports (NaN: no world data) */
    int geodep_c1, geodep_c2, geodep_c3; /**< criteria 1-3 hold (0/1) */
    int geodep_years_holding; /**< years of the window where 1-3 all hold */
    int geodep;               /**< criterion 4: a dependency */
    size_t ev_first, ev_n;    /**< rows of this period in the evidence arrays */
    /* HS-edition bridging (::cm_trade_pointers_compute_est; 0 without estimate flags) */
    int bridged_flows;        /**< partners whose value or quantity used holds a split share
                                   (1:n, n:n bridging: an estimate) */
    double estimated_value_share; /**< share (0-1) of \c value from those partners' values; a
                                   flow summed from a split piece and reported pieces counts in
                                   full; 0 when \c value <= 0 */
} cm_trade_pointer_t;

/** Pointers sorted by (kind, unit, declarant, product, annual before monthly, period) with the
 * evidence (the rows that made each). Zeroed = empty; destroy with ::cm_trade_pointers_destroy. */
typedef struct cm_trade_pointers_t {
    size_t n, cap;
    cm_trade_pointer_t *items;
    size_t n_ev;
    int64_t *ev_id;           /**< observation ids */
    int64_t *ev_line;         /**< source lines */
    int64_t *ev_dataset;      /**< datasets of those rows */
    size_t n_skipped_partner; /**< rows of partner WLD or the declarant itself, left out */
    size_t *ev_obs;           /**< index of each row in the observation list the pointers were
                                   computed from (ids are not unique there: the pieces of a
                                   split observation share its id) */
} cm_trade_pointers_t;

/** \brief Free; safe on a zeroed or destroyed object. */
CM_EXPORT void cm_trade_pointers_destroy(cm_trade_pointers_t *p);

/**
 * \brief Compute the pointers of every (kind, unit, declarant, product, period) series of
 * \p obs: value, quantity, unit value, partner HHI, top partner, high-risk share, z-scores
 * of value, quantity and unit value against the rolling baseline (the window_years or
 * window_months periods before, sample standard deviation), HHI and unit-value changes, a new
 * top partner, and for annual series the CEPII GeoDep criteria (METHODS B.6; see
 * ::cm_trade_geodep). The partner WLD (world total) and the declarant itself are left out.
 * Duplicated (source, declarant, partner, product, period, variable) rows: the first (lowest
 * observation id) is used.
 * \param[in] declarant ISO3 to keep, NULL = every region.
 * \param[in] risk partner risk callback, NULL = no risk shares (NaN).
 * \param[out] out zeroed or destroyed; filled on success.
 * \return CM_OK, CM_EINVAL (NULL obs/p/out), CM_ENOMEM. Complexity: O(n log n).
 */
CM_EXPORT cm_error_t cm_trade_pointers_compute(const cm_trade_obs_list_t *obs,
                                               const char *declarant, cm_trade_risk_fn *risk,
                                               void *risk_data, const cm_trade_params_t *p,
                                               cm_trade_pointers_t *out, cm_error_info_t *err);

/**
 * \brief As ::cm_trade_pointers_compute, and with the flags of the flows that hold an estimate
 * (the split shares of HS-edition bridging, ::cm_trade_bridge_report_t estimated) fills each
 * pointer's bridged_flows and estimated_value_share: the number of partners whose value or
 * quantity row used is flagged, and the sum of the flagged partners' finite values over the
 * pointer's value (0 when the value is not positive; kept within 0-1).
 * \param[in] estimated obs->n flags aligned with obs->items (non-zero = an estimate), borrowed;
 *   NULL = none (the two fields are 0, the rest as ::cm_trade_pointers_compute).
 * \param[out] out zeroed or destroyed; filled on success.
 * \return CM_OK, CM_EINVAL (NULL obs/p/out), CM_ENOMEM. Complexity: O(n log n).
 */
CM_EXPORT cm_error_t cm_trade_pointers_compute_est(const cm_trade_obs_list_t *obs,
                                                   const unsigned char *estimated,
                                                   const char *declarant, cm_trade_risk_fn *risk,
                                                   void *risk_data, const cm_trade_params_t *p,
                                                   cm_trade_pointers_t *out,
                                                   cm_error_info_t *err);

/** One year of a (declarant, product) for the GeoDep criteria. */
typedef struct cm_trade_geodep_year_t {
    int year;
    double import_hhi;       /**< HHI of the declarant's import sources */
    double world_export_hhi; /**< HHI of world exports of the product */
    double imports, exports; /**< the declarant's imports and exports */
    /* results */
    double ratio;            /**< imports / exports (exports 0: geodep_zero_exports_ratio) */
    int c1, c2, c3, all3;    /**< criteria 1-3 and their conjunction */
    int years_holding;       /**< years y - window + 1 .. y (present in the array) with all3 */
    int dependency;          /**< criterion 4: years_holding >= geodep_years */
} cm_trade_geodep_year_t;

/**
 * \brief The CEPII GeoDep criteria (METHODS B.6, exactly): 1. import HHI > geodep_import_hhi;
 * 2. world export HHI > geodep_export_hhi; 3. imports / exports > geodep_ratio, exports = 0
 * coded as geodep_zero_exports_ratio (9999); 4. 1-3 hold in at least geodep_years of the
 * geodep_window years ending at each year (a year absent from the array does not hold).
 * A NaN input makes its criterion not hold.
 * \param[in,out] y years in increasing order; the result fields are filled.
 * \return CM_OK, CM_EINVAL (NULL, years not increasing). O(n x window).
 */
CM_EXPORT cm_error_t cm_trade_geodep(cm_trade_geodep_year_t *y, size_t n,
                                     const cm_trade_params_t *p, cm_error_info_t *err);

/** One alert. */
typedef struct cm_trade_alert_t {
    size_t pointer;       /**< index into the pointers */
    const char *kind;     /**< value_z, quantity_z, unit_value_z, hhi_jump, unit_value_jump,
                               new_top_partner, high_risk_share, geodep (static string) */
    double measure;       /**< the number that crossed (z, change, share, ratio) */
    double threshold;
    double severity;      /**< weight x min(cap, |measure| / threshold) */
    double estimated_value_share; /**< share (0-1) of the import value of the evidence (the
                                       period, and the previous one for hhi_jump,
                                       unit_value_jump, new_top_partner) from split (estimated)
                                       flows: value-weighted ::cm_trade_pointer_t
                                       estimated_value_share */
} cm_trade_alert_t;

/** Alerts ranked by severity (highest first). Zeroed = empty; destroy with
 * ::cm_trade_alerts_destroy. */
typedef struct cm_trade_alerts_t {
    size_t n, cap;
    cm_trade_alert_t *items;
} cm_trade_alerts_t;

/** \brief Free; safe on a zeroed or destroyed object. */
CM_EXPORT void cm_trade_alerts_destroy(cm_trade_alerts_t *a);

/**
 * \brief The alerts raised by the pointers under the thresholds of \p p, ranked by severity
 * (ties: the order of the pointers, then the alert kind). A period whose import value is below
 * min_value raises none. Each alert carries the estimated share of its evidence's value
 * (from the pointers' estimated_value_share; 0 when the pointers have none).
 * \param[out] out zeroed or destroyed; filled on success.
 * \return CM_OK, CM_EINVAL, CM_ENOMEM. O(n log n).
 */
CM_EXPORT cm_error_t cm_trade_alerts_build(const cm_trade_pointers_t *ptr,
                                           const cm_trade_params_t *p, cm_trade_alerts_t *out,
                                           cm_error_info_t *err);

/* ========================================================================================
 * Waste streams from stocks (docs/trade.md, "Waste streams"): put on market -> stock in use
 * -> waste generated, per UNU key with Weibull lifetimes (cm_dsm), compared by category with
 * the WEEE collected. Units: tonnes per year; years are calendar years.
 * ======================================================================================== */

/** The robust outlier rule for a put-on-market series (data/weee/outliers.ini). A value x[i]
 * is an outlier when |x[i] - m| > k x 1.4826 x MAD, m the median of the reported values in the
 * centred window of \c window years around i (shrunk at the ends) and MAD the median of
 * |x[j] - m| over that window (a MAD of 0 flags any value that differs from m). */
typedef struct cm_trade_outlier_rule_t {
    size_t window; /**< odd, 3 .. 101 (default 11) */
    cm_real_t k;   /**< > 0 (default 5) */
} cm_trade_outlier_rule_t;

/** \brief The default rule: window 11, k 5 (as data/weee/outliers.ini). */
CM_EXPORT void cm_trade_outlier_rule_default(cm_trade_outlier_rule_t *r);

/**
 * \brief Read a rule from an ini file with one section [outliers] and keys window, k (each
 * optional; absent keys keep the values of \p r).
 * \param[in,out] r initialised (e.g. by ::cm_trade_outlier_rule_default); changed on CM_OK.
 * \return CM_OK; CM_EINVAL (NULL); CM_EFILE; CM_EPARSE at file:line:column (unknown section or
 * key, a number that is not one, window even or < 3, k <= 0); CM_ENOMEM. O(file size).
 */
CM_EXPORT cm_error_t cm_trade_outlier_rule_read(const char *path, cm_trade_outlier_rule_t *r,
                                                cm_error_info_t *err);

/**
 * \brief Flag the outliers of a series by \p rule. NaN values are "not reported": they are
 * skipped (never flagged, never in a window), and the window runs over reported values.
 * \param[out] flag n ints (caller's): 1 for an outlier, else 0.
 * \param[out] median NULL or n values: the window median of each reported value (NaN where
 * not reported), the value --replace-outliers substitutes.
 * \return CM_OK; CM_EINVAL (NULL x or flag, bad rule, a negative or infinite value).
 * O(n x window log window); no allocation beyond the stack (window <= 101).
 */
CM_EXPORT cm_error_t cm_trade_outliers_flag(const cm_real_t *x, size_t n,
                                            const cm_trade_outlier_rule_t *rule, int *flag,
                                            cm_real_t *median, cm_error_info_t *err);

/** Put on market, lifetimes and collection read by ::cm_trade_waste_read. Value container:
 * zero-initialise; ::cm_trade_waste_data_destroy frees it. */
typedef struct cm_trade_waste_data_t {
    size_t nkeys;        /**< UNU keys of the put-on-market file, sorted */
    char **keys;         /**< nkeys keys */
    char **category;     /**< nkeys categories of each key (from the lifetimes file) */
    cm_real_t *shape;    /**< nkeys Weibull shapes */
    cm_real_t *scale;    /**< nkeys Weibull scales (years) */
    cm_int_t y0;         /**< first year of the put-on-market file */
    size_t ny;           /**< years y0 .. y0 + ny - 1 */
    cm_real_t *pom;      /**< nkeys x ny row-major, tonnes; NaN = not reported */
    size_t ncat;         /**< categories of the collection file, sorted (0 without one) */
    char **cats;         /**< ncat category codes */
    cm_int_t c0;         /**< first year of the collection file */
    size_t nc;           /**< collection years c0 .. c0 + nc - 1 */
    cm_real_t *collected; /**< ncat x nc row-major, tonnes; NaN = not reported */
} cm_trade_waste_data_t;

/** \brief Free; safe on a zeroed or destroyed object, leaves it zeroed. */
CM_EXPORT void cm_trade_waste_data_destroy(cm_trade_waste_data_t *d);

/**
 * \brief Read the put-on-market file (columns unu_key, year, pom_t), the lifetimes file
 * (unu_key, shape, scale, category) and optionally the collection file (category, year,
 * collected_t). Other columns are ignored; a (key, year) or (category, year) repeated is an
 * error.
 * \param[in] collected NULL: no collection.
 * \param[out] out zeroed or destroyed; filled on CM_OK, left empty on error.
 * \return CM_OK; CM_EINVAL (NULL path or out; a put-on-market key without a lifetime, named
 * with the file and line); CM_EFILE; CM_EPARSE at file:line:column (a missing column, a value
 * that is not a number, a negative tonnage, a year out of 1900..2200, a repeated row, shape or
 * scale <= 0); CM_ENOMEM. O(rows x keys).
 */
CM_EXPORT cm_error_t cm_trade_waste_read(const char *pom, const char *lifetimes,
                                         const char *collected, cm_trade_waste_data_t *out,
                                         cm_error_info_t *err);

/**
 * \brief Waste generated per key and year: one inflow-driven ::cm_dsm_batch_run of the
 * \p nkeys series \p pom (nkeys x T row-major, tonnes, finite >= 0) with Weibull (shape,
 * scale) lifetimes and the timing \p timing (CM_DSM_TIMING_WEEE for the EU methodology:
 * outflow of cohort c in year t = pom[c] f(t - c + 0.5)).
 * \param[out] gen caller's nkeys x T values: the outflow (waste generated) per key and year.
 * \param[out] stock NULL or nkeys x T values: the end-of-year stock in use.
 * \return CM_OK; CM_EINVAL (NULL, nkeys or T = 0, a bad value or parameter, naming the
 * series); CM_ENOMEM; CM_EOVERFLOW. O(nkeys T^2).
 */
CM_EXPORT cm_error_t cm_trade_waste_generated(const cm_real_t *pom, size_t nkeys, size_t T,
                                              const cm_real_t *shape, const cm_real_t *scale,
                                              cm_dsm_timing_t timing, cm_real_t *gen,
                                              cm_real_t *stock,
                                              cm_error_info_t *err);

/* === CRM carriers: raw-material content of trade flows (src/trade/carriers.c) ============= */

#define CM_CARRIER_TEXT_MAX 64

/** One row of a composition table (data/trade/compositions.csv). */
typedef struct cm_carrier_comp_t {
    char product[CM_TRADE_CODE_MAX]; /**< HS6 or CN8 code, or a category label */
    char system[CM_TRADE_CODE_MAX];  /**< HS6, CN8 or category */
    char material[CM_CARRIER_TEXT_MAX];
    char per[CM_TRADE_CODE_MAX];     /**< unit, kg, t or kWh (as written) */
    double kg, low, high;            /**< kg of material per `per` (low/high: range, NaN unknown) */
    double conv;                     /**< per kWh: kWh per kg of product; per unit: kg per unit;
                                          NaN for a mass `per` */
    char conv_unit[CM_TRADE_CODE_MAX];
    double kg_per_kg, low_per_kg, high_per_kg; /**< resolved: kg of material per kg of product */
    char source[CM_CARRIER_TEXT_MAX];
    int64_t line;                    /**< line in the file */
} cm_carrier_comp_t;

/** A composition table. Zeroed = empty; destroy with ::cm_carrier_comps_destroy. */
typedef struct cm_carrier_comps_t {
    size_t n, cap;
    cm_carrier_comp_t *items;
} cm_carrier_comps_t;

/** \brief Free; safe on a zeroed or destroyed table. */
CM_EXPORT void cm_carrier_comps_destroy(cm_carrier_comps_t *c);

/**
 * \brief Read a composition table: header `product_code,code_system,material,kg,per,low,high,
 * conv,conv_unit,source_id,note`. `per` is a mass unit of the registry (kg, t), `kWh` (then
 * conv = the product's specific energy with conv_unit energy/mass, e.g. kWh/kg) or `unit`
 * (then conv = the mass of one unit with conv_unit a mass, e.g. kg). Each row is resolved to
 * kg of material per kg of product (kg_per_kg; low/high likewise, NaN when not given).
 * \param[out] out zeroed or destroyed; filled on success, empty on error.
 * \return CM_OK; CM_EINVAL (NULL); CM_EFILE; CM_EPARSE (file:line:column: a missing column, a
 * code_system other than HS6/CN8/category, an HS6 code not of 6 digits or CN8 not of 8, a kg
 * or conv that is not a number >= 0, low > kg or kg > high, an empty source_id, a conversion
 * missing for `unit` or `kWh`); CM_EUNIT (file:line: a `per` or conv_unit that cannot be
 * combined into kg per kg; the message names both units); CM_ENOMEM. O(rows).
 */
CM_EXPORT cm_error_t cm_carrier_comps_load(const char *path, cm_carrier_comps_t *out,
                                           cm_error_info_t *err);

/** CRM content of one (source kind, product, material, year), seen from the declarant. */
typedef struct cm_carrier_row_t {
    char kind[CM_TRADE_CODE_MAX];    /**< baci, comext, comtrade */
    char product[CM_TRADE_CODE_MAX];
    char system[CM_TRADE_CODE_MAX];
    char material[CM_CARRIER_TEXT_MAX];
    int year;
    double import_kg, export_kg, production_kg; /**< product mass (kg); NaN unknown */
    double import_content, import_low, import_high; /**< kg of material in the imports */
    double export_content;           /**< kg of material in the exports (NaN unknown) */
    double apparent_content;         /**< production + imports - exports (NaN when a flow is
                                          missing) */
    int n_missing_q;                 /**< import/export partner rows without a quantity */
    int value_only;                  /**< 1: values but no quantity (not convertible) */
    int rank;                        /**< within (year, material) by import content, 1 = the
                                          largest; 0 = not ranked (no content) */
    const char *status;              /**< ok, or what is missing (static string) */
    int64_t comp_line;               /**< composition row used */
    char source[CM_CARRIER_TEXT_MAX];
} cm_carrier_row_t;

/** A composition product whose flows the store lacks. */
typedef struct cm_carrier_missing_t {
    char product[CM_TRADE_CODE_MAX];
    char system[CM_TRADE_CODE_MAX];
    const char *flows;               /**< "imports, exports, production" ... (static string) */
} cm_carrier_missing_t;

/** Results sorted by (year, material, rank, kind, product). Zeroed = empty; destroy with
 * ::cm_carriers_destroy. */
typedef struct cm_carriers_t {
    size_t n, cap;
    cm_carrier_row_t *rows;
    size_t n_missing, cap_missing;
    cm_carrier_missing_t *missing;
    size_t n_flows_used;             /**< store observations that matched a composition */
} cm_carriers_t;

/** \brief Free; safe on a zeroed or destroyed object. */
CM_EXPORT void cm_carriers_destroy(cm_carriers_t *r);

/**
 * \brief CRM content of the declarant's trade and production by product and material.
 * Reads the store's observations import_quantity, export_quantity, import_value,
 * export_value (datasets of kind baci, comext, comtrade) and production. Imports: region =
 * declarant; exports: variable export_* with region = declarant, or an importer-side row
 * whose partner is the declarant. The partner WLD and monthly periods are left out; a flow
 * repeated in datasets of one kind is used once (the first stored). A product matches a
 * composition row with the same code; a CN8 flow without a CN8 row matches the HS6 row of
 * its first six digits. Quantities are converted to kg through the unit registry; a flow with
 * values but no quantity is marked value_only (never guessed). Apparent content = production
 * + imports - exports, computed only when the three are known.
 * \param[in] year 0 = every year.
 * \param[out] out zeroed or destroyed; filled on success.
 * \return CM_OK; CM_EINVAL (NULL); CM_EUNIT (a quantity whose unit is not a mass, e.g. a
 * supplementary unit: the message names the dataset, the source line and both units);
 * CM_ESTORE; CM_ENOMEM. Complexity: O(observations x log + compositions).
 */
CM_EXPORT cm_error_t cm_carriers_compute(cm_store_t *store, const cm_carrier_comps_t *comps,
                                         const char *declarant, int year, cm_carriers_t *out,
                                         cm_error_info_t *err);

/* === Recovery prioritisation (src/trade/prioritise.c, docs/trade.md section 8) ============
 * A transparent multi-criteria ranking of raw materials for recovery, in the spirit of
 * Coppens, Rommens, Van Opstal, Nelen (2025), "A Pragmatic Methodology to Prioritize Critical
 * Raw Material Recovery" (SSRN 5113249; METHODS.md D). The criteria, their normalisations,
 * weights and missing-value policies come from an ini file the analyst edits
 * (data/trade/priorities.ini); no weight or threshold is written in C. The caller gathers the
 * raw value of every criterion for every material; the library normalises, weights and ranks.
 * ========================================================================================= */

/** Where a criterion's raw values come from (the caller reads the files). */
typedef enum cm_prio_input_t {
    CM_PRIO_IN_CRIT = 0,       /**< "crit": criticality results (cambium crit be/eu --out, or
                                    the published EU 2023 results) */
    CM_PRIO_IN_EU = 1,         /**< "eu": the published EU 2023 results (end_of_life ...) */
    CM_PRIO_IN_DEMAND = 2,     /**< "demand": current industrial demand (material, value) */
    CM_PRIO_IN_RECYCLING = 3,  /**< "recycling": recycling routes (material, route, yield ...) */
    CM_PRIO_IN_URBAN_MINE = 4, /**< "urban_mine": urban_mine.csv of cambium trade waste */
    CM_PRIO_NINPUTS = 5
} cm_prio_input_t;

/** Normalisation of a criterion to [0, 1] (benefit direction; a cost criterion takes 1 - n). */
typedef enum cm_prio_norm_t {
    CM_PRIO_NORM_MINMAX = 0,     /**< "minmax": (x - min) / (max - min) */
    CM_PRIO_NORM_MAX = 1,        /**< "max": x / max (x >= 0) */
    CM_PRIO_NORM_RANK = 2,       /**< "rank": percentile, (#below + (#equal - 1) / 2) / (N - 1) */
    CM_PRIO_NORM_LOG_MINMAX = 3, /**< "log-minmax": minmax of log10(x + log_offset) */
    CM_PRIO_NORM_TARGET = 4      /**< "target": 0 at or below threshold, 1 at or above target,
                                      linear between (threshold = target: a step at target) */
} cm_prio_norm_t;

/** What a missing raw value does. */
typedef enum cm_prio_missing_t {
    CM_PRIO_MISSING_ZERO = 0,              /**< "zero": normalised value 0, weight kept */
    CM_PRIO_MISSING_EXCLUDE_CRITERION = 1, /**< "exclude-criterion": the material's other
                                                weights are scaled up to the same total */
    CM_PRIO_MISSING_EXCLUDE_MATERIAL = 2   /**< "exclude-material": the material is not ranked */
} cm_prio_missing_t;

#define CM_PRIO_NAME_MAX 64
#define CM_PRIO_TEXT_MAX 256

/** One criterion (a section `[criterion NAME]` of the ini file). */
typedef struct cm_prio_criterion_t {
    char name[CM_PRIO_NAME_MAX];
    cm_prio_input_t input;
    char column[CM_PRIO_TEXT_MAX]; /**< source column: candidate names separated by '|', the
                                        first present in the input file is used */
    int cost;                      /**< 0 benefit (more is a higher priority), 1 cost */
    cm_prio_norm_t norm;
    cm_real_t threshold, target;   /**< target normalisation (NaN otherwise) */
    cm_real_t log_offset;          /**< log-minmax: added before log10 (default 1) */
    cm_real_t weight;              /**< >= 0 */
    cm_prio_missing_t missing;
    char unit[CM_PRIO_NAME_MAX];   /**< unit of the raw value, for reports ("" unknown) */
    char label[CM_PRIO_TEXT_MAX];  /**< what it measures, for reports */
    int64_t line;                  /**< line of the section header */
} cm_prio_criterion_t;

/** The prioritisation settings. Zeroed = empty; destroy with ::cm_prio_config_destroy. */
typedef struct cm_prio_config_t {
    size_t n;                      /**< criteria, in file order */
    cm_prio_criterion_t *items;
    /* [demand]: demand computed from BACI trade files */
    int demand_extraction;         /**< count extraction-stage codes (stages = ...) */
    int demand_processing;         /**< count processing-stage codes */
    int demand_years;              /**< mean over the latest this many years (>= 1) */
    int demand_negative_zero;      /**< imports < exports gives 0 (negative = zero) or the
                                        negative value (negative = keep) */
    /* [recycling] */
    int recycling_mean;            /**< 0: the best route per material (aggregate = max);
                                        1: the mean of its routes (aggregate = mean) */
    /* [urban_mine] */
    int urban_first_year, urban_last_year; /**< summed over these years (inclusive) */
    int urban_projected;           /**< 1: rows marked projected count (include_projected) */
} cm_prio_config_t;

/** \brief "crit", "eu", "demand", "recycling", "urban_mine" (static), or "?" */
CM_EXPORT const char *cm_prio_input_name(cm_prio_input_t input);
/** \brief "minmax", "max", "rank", "log-minmax", "target" (static), or "?" */
CM_EXPORT const char *cm_prio_norm_name(cm_prio_norm_t norm);
/** \brief "zero", "exclude-criterion", "exclude-material" (static), or "?" */
CM_EXPORT const char *cm_prio_missing_name(cm_prio_missing_t m);

/**
 * \brief Read the settings: sections `[criterion NAME]` (keys input, column, direction =
 * benefit|cost, normalisation = minmax|max|rank|log-minmax|target, weight, missing =
 * zero|exclude-criterion|exclude-material, threshold and target (required by target, target
 * >= threshold), log_offset, unit, label), `[demand]` (stages = extraction and/or processing,
 * comma-separated; years; negative = zero|keep), `[recycling]` (aggregate = max|mean) and
 * `[urban_mine]` (first_year, last_year, include_projected). See data/trade/priorities.ini.
 * \param[out] out zeroed or destroyed; filled on CM_OK, left empty on error.
 * \return CM_OK; CM_EINVAL (NULL); CM_EFILE; CM_EPARSE at file:line:column (an unknown section
 * or key, an unknown input, direction, normalisation or missing policy, a missing input,
 * column or weight, a number that is not one, a negative weight, target below threshold, no
 * criterion, every weight zero, a bad year window); CM_ENOMEM. O(file size + criteria^2).
 * Ownership: the caller destroys \p out with ::cm_prio_config_destroy.
 */
CM_EXPORT cm_error_t cm_prio_config_read(const char *path, cm_prio_config_t *out,
                                         cm_error_info_t *err);

/** \brief Free; safe on a zeroed or destroyed object (leaves it zeroed). */
CM_EXPORT void cm_prio_config_destroy(cm_prio_config_t *cfg);

/**
 * \brief Override weights for a what-if: \p spec = "name=weight,name=weight,..." (blanks
 * around items allowed). All or nothing: on error \p cfg is unchanged.
 * \return CM_OK; CM_EINVAL (NULL; an item without '='; a name that is not a criterion of
 * \p cfg, named in the message with the known ones; a weight that is not a finite number >= 0;
 * every weight zero afterwards). O(items x criteria).
 */
CM_EXPORT cm_error_t cm_prio_config_set_weights(cm_prio_config_t *cfg, const char *spec,
                                                cm_error_info_t *err);

/** One material of the ranking. The arrays hold one entry per criterion of the config. */
typedef struct cm_prio_row_t {
    char *material;     /**< as given (owned by the result) */
    int rank;           /**< 1 = highest priority; 0 = not ranked (excluded) */
    cm_real_t score;    /**< sum of the contributions, in [0, sum of weights]; NaN when
                             excluded */
    ptrdiff_t excluded_by; /**< -1; the criterion whose exclude-material policy dropped it; or
                                -2: no criterion with a positive weight has a value */
    size_t n_missing;   /**< criteria without a raw value */
    cm_real_t *raw;     /**< raw values (NaN missing) */
    cm_real_t *norm;    /**< normalised values in [0, 1] (NaN: missing and excluded, or the
                             material excluded); 0 for a missing value under "zero" */
    cm_real_t *weight;  /**< weights applied (rescaled under exclude-criterion; 0 for an
                             excluded criterion) */
    cm_real_t *contrib; /**< weight x normalised value (0 when excluded) */
    int *missing;       /**< 1 where the raw value is missing */
} cm_prio_row_t;

/** A ranking: rows in rank order, then the excluded materials by name. Zeroed = empty;
 * destroy with ::cm_prio_result_destroy. */
typedef struct cm_prio_result_t {
    size_t n;          /**< materials */
    size_t ncrit;      /**< criteria (as the config) */
    size_t n_ranked;   /**< rows 0 .. n_ranked - 1 are ranked */
    cm_prio_row_t *rows;
    cm_real_t weight_sum; /**< sum of the configured weights (the largest possible score) */
    cm_real_t *lo, *hi;   /**< per criterion: smallest and largest transformed value among
                               the ranked materials (the normalisation range; NaN: none) */
    cm_real_t *store_;    /**< storage of the row arrays (internal) */
    int *mstore_;         /**< storage of the missing flags (internal) */
} cm_prio_result_t;

/** \brief Free; safe on a zeroed or destroyed object (leaves it zeroed). */
CM_EXPORT void cm_prio_result_destroy(cm_prio_result_t *r);

/**
 * \brief Normalise, weight and rank. For each criterion with a positive weight and the
 * policy exclude-material, a material without its value is dropped first. Each criterion is
 * then normalised over the remaining materials that have a value (::cm_prio_norm_t; a range
 * of zero width gives every such material 1; a cost criterion takes 1 - n). Per material:
 * missing values under "zero" get n = 0 with their weight; under "exclude-criterion" their
 * weight is 0 and the other weights w_c are scaled by W / (W - sum of the excluded weights),
 * W = sum of all weights, so that every score lies in [0, W]; a material left with no weight
 * is not ranked (excluded_by = -2). Contribution = weight x n, score = sum of the
 * contributions. Rank by decreasing score; equal scores by material name (strcmp).
 * \param[in] materials \p nmat distinct names (copied).
 * \param[in] raw nmat x cfg->n values, row-major (material-major); NaN = missing.
 * \param[out] out zeroed or destroyed; filled on CM_OK, left empty on error.
 * \return CM_OK; CM_EINVAL (NULL; nmat 0; cfg without criteria; every weight zero or a
 * negative one; a material given twice; an infinite raw value; a negative value under "max"
 * or a value with value + log_offset <= 0 under "log-minmax", naming criterion and material);
 * CM_ENOMEM. Complexity O(nmat log nmat x criteria) (O(nmat^2) for rank).
 * Ownership: the caller destroys \p out with ::cm_prio_result_destroy.
 */
CM_EXPORT cm_error_t cm_prio_compute(const cm_prio_config_t *cfg, size_t nmat,
                                     const char *const *materials, const cm_real_t *raw,
                                     cm_prio_result_t *out, cm_error_info_t *err);

/* === Urban mine: CRM content of the waste generated, by UNU key and material =============
 * (src/trade/urban.c; docs/trade.md, "Waste streams"). A composition table gives kg of a
 * material per tonne of a UNU key's waste (central, low, high, source); applied to the waste
 * generated per key and year (::cm_trade_waste_generated) it gives the content per key,
 * material and year, and summed over keys, per material and year. Units: tonnes of material. */

#define CM_URBAN_TEXT_MAX 64

/** One row of a composition table (data/weee/composition.csv). */
typedef struct cm_urban_comp_row_t {
    char key[CM_TRADE_CODE_MAX];        /**< UNU key as written ("0306") */
    char material[CM_URBAN_TEXT_MAX];   /**< canonical material code ("cobalt") */
    cm_real_t kg_per_t;                 /**< kg of material per t of the key's waste */
    cm_real_t low, high;                /**< the range, low <= kg_per_t <= high */
    char source[CM_URBAN_TEXT_MAX];     /**< source id (resolved in data/weee/SOURCES.md) */
    cm_int_t line;                      /**< line in the file */
} cm_urban_comp_row_t;

/** A composition table in file order. Zeroed = empty; destroy with ::cm_urban_comp_destroy. */
typedef struct cm_urban_comp_t {
    size_t n, cap;
    cm_urban_comp_row_t *rows;
} cm_urban_comp_t;

/** \brief Free; safe on a zeroed or destroyed table, leaves it zeroed. */
CM_EXPORT void cm_urban_comp_destroy(cm_urban_comp_t *c);

/**
 * \brief Read a composition table with the columns unu_key, material, kg_per_t, low, high,
 * source (in any order; other columns, e.g. note, are ignored). Materials are resolved
 * through \p materials (any alias: "Co", "Cobalt" -> "cobalt"); keys must be among \p keys.
 * \param[in] keys the known UNU keys (borrowed), e.g. those of the put-on-market file; NULL
 * (with nkeys 0) accepts any key.
 * \param[in] materials the materials classification; NULL = the built-in "material" one.
 * \param[out] out zeroed or destroyed; filled on CM_OK, left empty on error.
 * \return CM_OK; CM_EINVAL (NULL path or out); CM_EFILE; CM_EPARSE at file:line:column
 * (column = field: a missing column, an unknown key or material, a number that is not one or
 * is negative, kg_per_t above 1000, low > kg_per_t or kg_per_t > high, an empty source, a
 * (key, material) given twice, the central kg_per_t of a key summing above 1000);
 * CM_ENOMEM. O(rows x (keys + log rows)).
 */
CM_EXPORT cm_error_t cm_urban_comp_read(const char *path, const char *const *keys, size_t nkeys,
                                        const cm_class_t *materials, cm_urban_comp_t *out,
                                        cm_error_info_t *err);

/** The urban mine: content per composition row and per material, by year. Value container:
 * zero-initialise; ::cm_urban_mine_destroy frees it. Arrays are row-major with T columns
 * (years y0 .. y0 + T - 1); tonnes of material. */
typedef struct cm_urban_mine_t {
    cm_int_t y0;
    size_t T;
    size_t nrows;            /**< = the composition's n */
    size_t *row_key;         /**< nrows indices into the keys given */
    cm_real_t *content;      /**< nrows x T: generated x kg_per_t / 1000 */
    cm_real_t *low, *high;   /**< nrows x T: with the low and high kg_per_t */
    size_t nmat;             /**< distinct materials, sorted by code */
    char **materials;        /**< nmat canonical codes */
    cm_real_t *mat_content;  /**< nmat x T: sum of content over the rows of the material */
    cm_real_t *mat_low, *mat_high; /**< nmat x T */
    cm_real_t *mat_projected; /**< nmat x T: the part of mat_content from projected inflows
                                   (0 when none were given) */
} cm_urban_mine_t;

/** \brief Free; safe on a zeroed or destroyed object, leaves it zeroed. */
CM_EXPORT void cm_urban_mine_destroy(cm_urban_mine_t *m);

/**
 * \brief Apply a composition to the waste generated: content[r][t] = gen[k][t] x kg_per_t[r]
 * / 1000 (k the key of row r; low and high likewise) and the sums per material. Linear: the
 * sum over a material's rows is its total, low <= content <= high, and a key's content over
 * all materials never exceeds its waste (kg_per_t sums to at most 1000).
 * \param[in] keys,nkeys the keys of the rows of \p gen (borrowed); every composition key must
 * be one of them.
 * \param[in] gen nkeys x T tonnes of waste generated (finite, >= 0).
 * \param[in] gen_projected NULL or nkeys x T: the part of gen that comes from projected
 * (not reported) inflows, 0 <= gen_projected <= gen; gives mat_projected.
 * \param[out] out zeroed or destroyed; filled on CM_OK, left empty on error.
 * \return CM_OK; CM_EINVAL (NULL arguments, T = 0, a composition key not in \p keys, a
 * negative or non-finite waste, a gen_projected above gen); CM_ENOMEM.
 * O(rows x (T + nkeys) + rows log rows).
 */
CM_EXPORT cm_error_t cm_urban_mine_compute(const cm_urban_comp_t *comp, const char *const *keys,
                                           size_t nkeys, const cm_real_t *gen,
                                           const cm_real_t *gen_projected, cm_int_t y0, size_t T,
                                           cm_urban_mine_t *out, cm_error_info_t *err);

/* --- HS/CN editions: bridging trade flows across a version break ------------------------ */

/** Length of an HS edition name buffer ("HS2017" + NUL, padded). */
#define CM_TRADE_HS_MAX 8

/** Options of ::cm_trade_bridge. Zero-initialise, then set \p target. Strings borrowed. */
typedef struct cm_trade_bridge_options_t {
    const char *target;           /**< edition every flow is expressed in: "HS2017", "HS2022" ... */
    const char *reference_period; /**< period whose target-edition trade gives the split shares
                                       ("2022"); NULL = per (importer kind, region) the earliest
                                       annual period with target-edition flows (else monthly) */
    int hs6_only;                 /**< non-zero: every CN8 code is reduced to its HS6 as well */
    const char *editions;         /**< ::cm_trade_bridge_store only: the editions of its \p in
                                       (as ::cm_trade_obs_load_editions gives); NULL = read them
                                       from the store (::cm_trade_obs_editions_load) */
} cm_trade_bridge_options_t;

/** What ::cm_trade_bridge did. Zero-initialise; destroy with ::cm_trade_bridge_report_destroy. */
typedef struct cm_trade_bridge_report_t {
    size_t n_in;              /**< observations read */
    size_t n_kept;            /**< in the target edition already, or a code the table maps to itself
                                   alone (1:1 unchanged; a CN8 code keeps its 8 digits) */
    size_t n_unknown_edition; /**< edition unknown: kept as they are */
    size_t n_no_table;        /**< an edition with no correlation table to the target: kept */
    size_t n_not_in_table;    /**< a code the table does not list: kept */
    size_t n_renamed;         /**< one target code other than the source's (1:1 renamed, n:1) */
    size_t n_split;           /**< split over several target codes (1:n, n:n) */
    size_t n_split_equal;     /**< of which with equal shares (no reference trade) */
    size_t n_out;             /**< observations written */
    size_t n_merged;          /**< output observations summed from several pieces */
    size_t n_estimated;       /**< output observations holding a split share */
    unsigned char *estimated; /**< n_out flags: 1 = the value holds a split share (an estimate) */
} cm_trade_bridge_report_t;

/** \brief Free the flags and zero the report; safe on a zeroed report or twice. */
CM_EXPORT void cm_trade_bridge_report_destroy(cm_trade_bridge_report_t *r);

/**
 * \brief Express trade observations in one HS edition through correlation tables.
 *
 * For an observation in edition e other than the target, the table named "e-target" (such as
 * "HS2022-HS2017", as the hs-correlation importer stores it) is used on the product's HS6 part:
 * - one target code: renamed to it (1:1 with a new code, n:1); the HS6 code is kept when the
 *   table maps it to itself alone, and a CN8 code whose HS6 is unchanged keeps its 8 digits; a
 *   CN8 code whose HS6 changed becomes the target HS6 (its CN subdivision has no counterpart);
 * - several target codes (1:n, n:n): split; the share of target t is its value in the reference
 *   period's target-edition trade of the same importer kind, region and flow (summed over
 *   partners and over CN8 codes of that HS6) over the sum of the targets'; when the targets have
 *   no such trade, equal shares (the table's weights). Quantity rows take the shares of the
 *   import values, so that unit values are unchanged. Each piece is flagged as estimated;
 *   targets with a share of 0 get no piece.
 * Pieces with the same (dataset, variable, unit, region, partner, product, period) are summed;
 * a missing value (NaN: a missing quantity, a confidential value) makes the sum missing, so
 * missing quantities stay missing. A summed observation keeps the id and line of its first
 * piece in input order; outputs are in input order of their first piece. Observations whose
 * edition is unknown, without a table to the target, or whose code the table does not list
 * are kept as they are (counted). The total of finite values per (dataset, variable, region,
 * partner, period) is preserved.
 * \param[in] in the observations (from ::cm_trade_obs_load, sorted or not).
 * \param[in] editions in->n editions of CM_TRADE_HS_MAX chars each (edition i at editions +
 *   i * CM_TRADE_HS_MAX; "" = unknown), as ::cm_trade_obs_editions_load gives; NULL = all unknown.
 * \param[in] tables \p ntables concordances named "<from edition>-<to edition>".
 * \param[out] out zeroed or destroyed list; filled on success (empty on error).
 * \param[out] rep optional; zeroed or destroyed; filled on success.
 * \return CM_OK; CM_EINVAL (NULL in/out/opt, a target that is not an edition name such as
 *   HS2017, a table without a name); CM_ENOMEM.
 * Complexity: O((n + pieces) log n + table size log).
 */
CM_EXPORT cm_error_t cm_trade_bridge(const cm_trade_obs_list_t *in, const char *editions,
                                     const cm_concordance_t *tables, size_t ntables,
                                     const cm_trade_bridge_options_t *opt,
                                     cm_trade_obs_list_t *out, cm_trade_bridge_report_t *rep,
                                     cm_error_info_t *err);

/**
 * \brief The HS edition of each observation of \p obs, from the attribute "hs" the trade
 * importers store (comext: the CN year's edition; comtrade: the classification column; baci:
 * the file name). Several observations may share an id (the pieces of a bridged one).
 * \param[out] editions new array of obs->n x CM_TRADE_HS_MAX chars ("" = unknown); free with
 *   cm_free (NULL on error).
 * \return CM_OK, CM_EINVAL (NULL), CM_ESTORE, CM_ENOMEM. Complexity: one query over the ids of
 * \p obs, merged with the list: O(rows + n), O(n log n) when obs is not sorted by id.
 */
CM_EXPORT cm_error_t cm_trade_obs_editions_load(cm_store_t *store, const cm_trade_obs_list_t *obs,
                                                char **editions, cm_error_info_t *err);

/**
 * \brief ::cm_trade_obs_load and, in the same query, the HS edition of each observation (as
 * ::cm_trade_obs_editions_load gives it).
 * \param[out] l zeroed or destroyed; filled on success (empty on error).
 * \param[out] editions new array of l->n x CM_TRADE_HS_MAX chars ("" = unknown), never NULL
 *   on success; free with cm_free (NULL on error).
 * \return CM_OK, CM_EINVAL (NULL store/l), CM_ESTORE, CM_ENOMEM. Complexity: O(rows).
 */
CM_EXPORT cm_error_t cm_trade_obs_load_editions(cm_store_t *store, int64_t dataset_id,
                                                cm_trade_obs_list_t *l, char **editions,
                                                cm_error_info_t *err);

/**
 * \brief Bridge the observations with the store's editions and tables: takes the editions
 * from opt->editions or loads them (::cm_trade_obs_editions_load) and, for each edition met other than the target, the
 * concordance "<edition>-<target>" when the store has it, then calls ::cm_trade_bridge.
 * \return as ::cm_trade_bridge, and CM_ESTORE.
 */
CM_EXPORT cm_error_t cm_trade_bridge_store(cm_store_t *store, const cm_trade_obs_list_t *in,
                                           const cm_trade_bridge_options_t *opt,
                                           cm_trade_obs_list_t *out, cm_trade_bridge_report_t *rep,
                                           cm_error_info_t *err);

CM_END_DECLS

#endif

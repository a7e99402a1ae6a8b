/**
 * \file cm_dsm.h
 * \brief Dynamic stock models: inflow-driven and stock-driven, with cohort tables, lifetime
 * distributions, timing conventions and ODYM's negative-inflow correction. Many independent
 * series run in one batch call; series sharing a lifetime share one survival table.
 * See docs/dsm.md and METHODS.md B.4 (ODYM's DynamicStockModel, flodym, the EU WEEE rule).
 *
 * Indices: t = year of the model (0 .. T-1), c = cohort (the year of inflow, same axis);
 * a = t - c is the age in whole years. sf[t,c] is the share of cohort c's inflow still in the
 * stock at the end of year t. Units: whatever the caller's values are in (mass or counts per
 * year for flows, the same unit for stocks); lifetimes in years.
 *
 * Survival shares are evaluated at age x(a) by the timing convention:
 * - CM_DSM_TIMING_ODYM (default): x = a (ODYM: sf at a = 0 is the end of the inflow year);
 * - CM_DSM_TIMING_START / MIDDLE / END (flodym, eta = 0, 0.5, 1): x = a + 1 - eta
 *   (START: a + 1; MIDDLE: a + 0.5; END: a, which equals ODYM);
 * - CM_DSM_TIMING_WEEE (EU common methodology, Impl. Reg. 2017/699): the outflow of cohort c
 *   in year t is i[c] * f(a + 0.5) with f the density of the distribution, and the stock
 *   follows: sf(a) = 1 - sum_{k=0..a} f(k + 0.5).
 * The outflow share of age a is always pdf(a) = sf(a - 1) - sf(a) with sf(-1) = 1.
 */
#ifndef CAMBIUM_CM_DSM_H
#define CAMBIUM_CM_DSM_H

#include <stddef.h>

#include "cm_common.h"
#include "cm_error.h"

CM_BEGIN_DECLS

/** Lifetime distribution. The two parameters p[0], p[1] mean: */
typedef enum cm_dsm_dist_t {
    CM_DSM_FIXED = 0,         /**< p[0] = lifetime L >= 0: sf(x) = 1 if x < L else 0 (ODYM) */
    CM_DSM_NORMAL = 1,        /**< p[0] = mean >= 0, p[1] = sd > 0; untruncated as ODYM (a mean
                                   of exactly 0 gives sf = 0 everywhere, as ODYM) */
    CM_DSM_NORMAL_TRUNC = 2,  /**< as NORMAL, left-truncated at 0 and renormalised:
                                   sf(x) = sf_N(x) / sf_N(0) */
    CM_DSM_FOLDED_NORMAL = 3, /**< p[0] = mean, p[1] = sd of the normal before folding:
                                   sf(x) = Q((x - m)/s) + Q((x + m)/s) (scipy foldnorm) */
    CM_DSM_LOGNORMAL = 4,     /**< p[0] = mean > 0, p[1] = sd > 0 of the lognormal itself,
                                   converted by ::cm_dsm_lognormal_t */
    CM_DSM_WEIBULL = 5        /**< p[0] = shape k > 0, p[1] = scale lambda > 0:
                                   sf(x) = exp(-(x/lambda)^k) */
} cm_dsm_dist_t;

/** Timing convention: at which age the survival function is read (see the file comment). */
typedef enum cm_dsm_timing_t {
    CM_DSM_TIMING_ODYM = 0,   /**< x = a (default) */
    CM_DSM_TIMING_START = 1,  /**< flodym eta = 0: x = a + 1 */
    CM_DSM_TIMING_MIDDLE = 2, /**< flodym eta = 0.5 (flodym's default): x = a + 0.5 */
    CM_DSM_TIMING_END = 3,    /**< flodym eta = 1: x = a */
    CM_DSM_TIMING_WEEE = 4    /**< outflow = density at a + 0.5 (not for CM_DSM_FIXED) */
} cm_dsm_timing_t;

/** How a lognormal's mean M and standard deviation S become mu and sigma of its logarithm. */
typedef enum cm_dsm_lognormal_t {
    CM_DSM_LOGNORMAL_MOMENTS = 0, /**< correct (flodym since 0074dac): mu = ln(M^2/sqrt(M^2+S^2)),
                                       sigma = sqrt(ln(1 + S^2/M^2)) (default) */
    CM_DSM_LOGNORMAL_ODYM = 1     /**< ODYM's: mu = ln(M/sqrt(1 + M^2/S^2)),
                                       sigma = sqrt(ln(1 + M^2/S^2)); keeps the mean, the sd
                                       becomes M^2/S (for regression checks only) */
} cm_dsm_lognormal_t;

/** What the stock-driven model does when the target stock would need a negative inflow. */
typedef enum cm_dsm_negative_t {
    CM_DSM_NEGATIVE_ALLOW = 0,   /**< keep the negative inflow (ODYM's default) */
    CM_DSM_NEGATIVE_CORRECT = 1, /**< ODYM's NegativeInflowCorrect: inflow 0, the deficit
                                      retired early from all cohorts in proportion */
    CM_DSM_NEGATIVE_ERROR = 2    /**< CM_EINVAL naming the series and the year */
} cm_dsm_negative_t;

/** Which series the values are: inflows (inflow-driven) or stocks (stock-driven). */
typedef enum cm_dsm_driver_t { CM_DSM_INFLOW_DRIVEN = 0, CM_DSM_STOCK_DRIVEN = 1 } cm_dsm_driver_t;

/**
 * A lifetime: a distribution and its parameters, constant or one parameter set per cohort.
 * Plain value (nothing to destroy); \c by_cohort is borrowed.
 */
typedef struct cm_dsm_lifetime_t {
    cm_dsm_dist_t dist;
    cm_real_t p[2];             /**< constant parameters (see ::cm_dsm_dist_t) */
    const cm_real_t *by_cohort; /**< NULL, or T rows of two values (row c: p[0], p[1] of
                                     cohort c), row-major; overrides \c p */
    int by_year;                /**< non-zero: the rows of \c by_cohort are calendar years
                                     (lifetime extension of cohorts already in the stock):
                                     from year t - 1 to t every cohort survives with the
                                     conditional share sf_t(a) / sf_t(a - 1) of year t's
                                     parameters (0 when sf_t(a - 1) = 0), sf_c(0) with year
                                     c's; constant rows give the constant lifetime */
} cm_dsm_lifetime_t;

/** Options of a run. Initialise with ::cm_dsm_options_default. */
typedef struct cm_dsm_options_t {
    cm_dsm_timing_t timing;       /**< default CM_DSM_TIMING_ODYM */
    cm_dsm_lognormal_t lognormal; /**< default CM_DSM_LOGNORMAL_MOMENTS */
    cm_dsm_negative_t negative;   /**< default CM_DSM_NEGATIVE_ALLOW */
    int want_cohorts;             /**< non-zero: fill the T x T cohort tables (default 0) */
} cm_dsm_options_t;

/** One series to model. Plain value; every pointer is borrowed. */
typedef struct cm_dsm_series_t {
    const char *name; /**< for messages (NULL: the index is used) */
    cm_int_t t0;      /**< calendar year of t = 0 (for messages only) */
    size_t T;         /**< years, >= 1 */
    cm_dsm_driver_t driver;
    const cm_real_t *values; /**< T finite values >= 0: inflows or stocks by driver */
    cm_dsm_lifetime_t lifetime;
    const cm_real_t *init_stock; /**< NULL, or n_init values >= 0: the stock at the end of year
                                      t0 - 1 of the cohort that entered in year t0 - 1 - j
                                      (age j), j = 0 .. n_init - 1 */
    size_t n_init;
} cm_dsm_series_t;

/**
 * Results of one series. Value container: zero-initialise; ::cm_dsm_result_destroy frees it.
 * Arrays have T values (index t); cohort tables are T x T row-major (row t, column c), zero
 * above the diagonal, NULL unless cm_dsm_options_t::want_cohorts.
 */
typedef struct cm_dsm_result_t {
    size_t T;
    cm_real_t *inflow;            /**< given (inflow-driven) or solved (stock-driven) */
    cm_real_t *outflow;           /**< sum over cohorts (and the initial stock) */
    cm_real_t *stock;             /**< end-of-year stock, the initial stock included */
    cm_real_t *stock_change;      /**< stock[t] - stock[t-1]; stock[-1] = the initial stock */
    cm_real_t *init_remaining;    /**< NULL without initial stock; else its rest at the end of t */
    cm_real_t *stock_by_cohort;   /**< T x T or NULL */
    cm_real_t *outflow_by_cohort; /**< T x T or NULL */
    cm_real_t balance;            /**< max_t |i - o - ds| / max_t(|i|, |o|, |s|) (unscaled
                                       when all are 0) */
    size_t negative_years;        /**< stock-driven: years whose inflow came out below
                                       -1e-12 x the largest stock (ALLOW) or were corrected
                                       (CORRECT); ERROR fails on the first such year */
} cm_dsm_result_t;

/** Results of a batch. Value container: zero-initialise; ::cm_dsm_batch_destroy frees it. */
typedef struct cm_dsm_batch_t {
    size_t n;                 /**< series */
    cm_dsm_result_t *results; /**< n results, in the order of the input */
    size_t n_tables;          /**< distinct survival tables computed (the cache's size) */
    cm_real_t worst_balance;  /**< max over the series of cm_dsm_result_t::balance */
    size_t worst_series;      /**< index of that series */
} cm_dsm_batch_t;

/** \brief Default options: ODYM timing, correct lognormal moments, ALLOW, no cohort tables. */
CM_EXPORT void cm_dsm_options_default(cm_dsm_options_t *opt);

/**
 * \brief Parse a lifetime SPEC: "fixed:mean=20", "normal:mean=20,sd=5",
 * "normal_trunc:mean=20,sd=5", "foldnorm:mean=20,sd=5", "lognormal:mean=60,sd=25",
 * "weibull:shape=2.5,scale=22" or "weibull:mean=20,sd=8" (converted by
 * ::cm_dsm_weibull_from_moments). Keys in any order, separated by ',' or ';' (the latter
 * needs no quoting in a CSV cell); every key required exactly once.
 * \param[out] out filled on CM_OK (by_cohort set to NULL).
 * \return CM_OK; CM_EINVAL for a NULL argument, an unknown distribution or key, a missing or
 * repeated key, a value that is not a finite number or out of range (sd <= 0, shape <= 0, ...);
 * the message names the key and the value. No allocation.
 */
CM_EXPORT cm_error_t cm_dsm_lifetime_parse(const char *spec, cm_dsm_lifetime_t *out,
                                           cm_error_info_t *err);

/**
 * \brief The names of the two parameters of \p dist as used in a SPEC and in a per-cohort file
 * ("mean","sd"; "shape","scale"; fixed: "mean" and NULL). \p names[1] is NULL for one parameter.
 */
CM_EXPORT void cm_dsm_param_names(cm_dsm_dist_t dist, const char *names[2]);

/**
 * \brief Check one parameter set of \p dist (the ranges of ::cm_dsm_dist_t).
 * \return CM_OK or CM_EINVAL naming the parameter and value.
 */
CM_EXPORT cm_error_t cm_dsm_params_check(cm_dsm_dist_t dist, const cm_real_t p[2],
                                         cm_error_info_t *err);

/**
 * \brief Weibull shape and scale with the given mean and standard deviation (mean = lambda
 * Gamma(1 + 1/k); the coefficient of variation fixes k, found by bisection on log k to
 * relative 1e-14). \return CM_OK; CM_EINVAL for mean <= 0, sd <= 0, or a coefficient of
 * variation outside [0.01, 100] (k outside about [0.1, 130]).
 */
CM_EXPORT cm_error_t cm_dsm_weibull_from_moments(cm_real_t mean, cm_real_t sd, cm_real_t *shape,
                                                 cm_real_t *scale, cm_error_info_t *err);

/**
 * \brief mu and sigma of the logarithm of a lognormal with mean \p mean and sd \p sd, by
 * \p conv. \return CM_OK or CM_EINVAL (mean <= 0, sd <= 0, non-finite).
 */
CM_EXPORT cm_error_t cm_dsm_lognormal_params(cm_real_t mean, cm_real_t sd, cm_dsm_lognormal_t conv,
                                             cm_real_t *mu, cm_real_t *sigma, cm_error_info_t *err);

/**
 * \brief The survival shares sf(a), a = 0 .. n-1, of one parameter set under the timing and
 * lognormal options of \p opt (NULL: defaults). Pure; O(n).
 * \param[out] sf caller's array of n values.
 * \return CM_OK; CM_EINVAL (NULL, parameters out of range, WEEE timing with a fixed lifetime).
 */
CM_EXPORT cm_error_t cm_dsm_survival(cm_dsm_dist_t dist, const cm_real_t p[2],
                                     const cm_dsm_options_t *opt, size_t n, cm_real_t *sf,
                                     cm_error_info_t *err);

/**
 * \brief Run \p n independent series. Survival tables are computed once per distinct
 * (distribution, parameters, T, initial-stock length) and shared (\p out->n_tables counts
 * them). A constant lifetime gives a survival vector over ages, and the stock is a discrete
 * convolution; a per-cohort lifetime gives a lower-triangular T x T table.
 *
 * Inflow-driven: s_c[t,c] = i[c] sf[t,c]; o_c[c,c] = i[c] - s_c[c,c]; o_c[t,c] =
 * s_c[t-1,c] - s_c[t,c]. Stock-driven: forward substitution i[m] = (s[m] - r[m] -
 * sum_{c<m} i[c] sf[m,c]) / sf[m,m] (0 when sf[m,m] = 0), r = the remaining initial stock;
 * with CM_DSM_NEGATIVE_CORRECT, ODYM's compute_stock_driven_model(NegativeInflowCorrect=True)
 * literally on that series' cohort tables (also scaling the initial stock).
 * The initial stock of age j follows sf(j + 1 + t) / sf(j) of the series' lifetime (cohort 0's
 * parameters when they vary by cohort); a share whose sf(j) is 0 leaves in year 0.
 *
 * \param[in] in \p n series. \param[in] opt NULL for the defaults.
 * \param[out] out zeroed or destroyed batch; filled on CM_OK, left empty on error.
 * \return CM_OK; CM_EINVAL (NULL, n = 0, T = 0, a missing, negative or non-finite value,
 * lifetime parameters out of range, a per-cohort table with a bad row, WEEE with a fixed
 * lifetime, a negative inflow under CM_DSM_NEGATIVE_ERROR): the message names the series
 * (and year); CM_ENOMEM; CM_EOVERFLOW (T too large).
 * Ownership: \p out owns its arrays; free with ::cm_dsm_batch_destroy.
 * Memory: O(n T) for the results plus O(T) per constant and O(T^2) per per-cohort table,
 * O(T^2) per series with want_cohorts or CM_DSM_NEGATIVE_CORRECT. Time: O(n T^2).
 */
CM_EXPORT cm_error_t cm_dsm_batch_run(const cm_dsm_series_t *in, size_t n,
                                      const cm_dsm_options_t *opt, cm_dsm_batch_t *out,
                                      cm_error_info_t *err);

/**
 * \brief One series: ::cm_dsm_batch_run with n = 1, the result moved into \p res (zeroed or
 * destroyed; free with ::cm_dsm_result_destroy). Same codes.
 */
CM_EXPORT cm_error_t cm_dsm_run(const cm_dsm_series_t *s, const cm_dsm_options_t *opt,
                                cm_dsm_result_t *res, cm_error_info_t *err);

/** \brief Free a result's arrays; safe on a zeroed result, leaves it zeroed. */
CM_EXPORT void cm_dsm_result_destroy(cm_dsm_result_t *r);
/** \brief Free a batch; safe on a zeroed batch, leaves it zeroed. */
CM_EXPORT void cm_dsm_batch_destroy(cm_dsm_batch_t *b);

/** \brief Name of a timing convention ("odym", "start", "middle", "end", "weee"). */
CM_EXPORT const char *cm_dsm_timing_name(cm_dsm_timing_t t);
/** \brief Parse a timing name (as ::cm_dsm_timing_name). \return CM_OK or CM_EINVAL. */
CM_EXPORT cm_error_t cm_dsm_timing_parse(const char *name, cm_dsm_timing_t *out,
                                         cm_error_info_t *err);

CM_END_DECLS

#endif

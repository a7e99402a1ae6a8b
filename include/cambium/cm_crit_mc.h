/**
 * \file cm_crit_mc.h
 * \brief Criticality under uncertainty: the critical set on a grid of thresholds
 * (threshold sensitivity) and a seeded Monte Carlo over the inputs of the EU method
 * (WGI, supply shares, import reliance, EoL-RIR, SI, optionally value added), giving per
 * material the probability of being critical and intervals for SR and EI
 * (docs/crit-uncertainty.md).
 *
 * Both work on inputs bound to a WGI table (::cm_crit_bind). The sensitivity reuses one
 * ::cm_crit_compute: thresholds only change the decision, taken with the rounding
 * convention of ::cm_crit_options_t.round_decision. The Monte Carlo perturbs a working copy
 * of the inputs in place from the base values (no allocation per draw) and calls
 * ::cm_crit_compute_material per material and draw.
 *
 * Reproducibility: draws are split in blocks of ::CM_CRIT_MC_BLOCK; block k uses stream k of
 * the seed (::cm_rng_seed_stream). Within a draw the WGI vector is drawn first (one value per
 * country, shared by every material: a country's governance is the same whatever it
 * supplies), then the materials in input order. The same seed, draw count and inputs give
 * bit-identical results; per-block partial sums are combined in block order, so the result
 * does not depend on the number of threads.
 */
#ifndef CAMBIUM_CM_CRIT_MC_H
#define CAMBIUM_CM_CRIT_MC_H

#include "cm_common.h"
#include "cm_crit.h"
#include "cm_error.h"

CM_BEGIN_DECLS

/* --- threshold sensitivity ---------------------------------------------------------------- */

/** A threshold axis: from, from + step, ..., up to \p to (inclusive, with 1e-9 slack). */
typedef struct cm_crit_axis_t {
    cm_real_t from; /**< first threshold */
    cm_real_t to;   /**< last threshold (>= from) */
    cm_real_t step; /**< > 0 */
} cm_crit_axis_t;

/** Largest number of values on one threshold axis. */
#define CM_CRIT_AXIS_MAX 1000

/**
 * The critical set on a grid of thresholds. Cell (i, j) is SR threshold sr[i] and EI
 * threshold ei[j]; its index is i * n_ei + j. Group rows (CM_CRIT_MAT_GROUP) have a class in
 * \p critical but are left out of \p count and of the threshold-dependent materials (as in
 * ::cm_crit_match). Destroy with ::cm_crit_sens_destroy (safe on zeroed).
 */
typedef struct cm_crit_sens_t {
    size_t n_sr;              /**< SR thresholds */
    size_t n_ei;              /**< EI thresholds */
    cm_real_t *sr;            /**< n_sr SR thresholds, increasing */
    cm_real_t *ei;            /**< n_ei EI thresholds, increasing */
    size_t n_materials;       /**< materials (same order as the inputs) */
    size_t *count;            /**< n_sr * n_ei: critical materials per cell (groups left out) */
    unsigned char *critical;  /**< n_materials * n_sr * n_ei: 1 when material m is critical
                                   in cell c, at [m * n_sr * n_ei + c] */
    size_t *cells;            /**< n_materials: the number of cells where m is critical */
    unsigned char *dependent; /**< n_materials: 1 when m is critical in some cells and not in
                                   others (threshold-dependent; groups always 0) */
    size_t n_dependent;       /**< materials with dependent = 1 */
    size_t *undetermined;     /**< n_materials: cells where m's class cannot be decided (SR at or
                                   above the cell's threshold and no EI, or an EI range from end
                                   uses without a sector that straddles the cell's EI threshold);
                                   such a cell counts m neither critical nor in `count` */
    size_t n_undetermined;    /**< materials (groups left out) undetermined in some cell */
} cm_crit_sens_t;

/**
 * \brief Number of values of an axis: floor((to - from) / step + 1e-9) + 1.
 * \return CM_OK; CM_EINVAL (NULL, a bound not finite, step <= 0, to < from, more than
 * ::CM_CRIT_AXIS_MAX values).
 */
CM_EXPORT cm_error_t cm_crit_axis_count(const cm_crit_axis_t *axis, size_t *n,
                                        cm_error_info_t *err);

/**
 * \brief The critical set on the grid \p sr x \p ei of thresholds, from results computed once
 * (::cm_crit_compute). A material is critical in a cell when SR >= the SR threshold and EI >=
 * the EI threshold, both rounded to one decimal first when opt->round_decision is set (1e-9
 * slack, as ::cm_crit_compute_material); NaN SR or EI is never critical. Thresholds are the
 * axis values snapped to 1e-9 (0.8 + 3 * 0.1 is 1.1).
 * \param[in] in the inputs (material flags); \param[in] res their results (same order).
 * \param[in,out] out zeroed or an earlier grid (destroyed first).
 * \return CM_OK; CM_EINVAL (NULL, sizes differ, bad axis as ::cm_crit_axis_count);
 * CM_ENOMEM (out left zeroed). Complexity O(materials * cells).
 */
CM_EXPORT cm_error_t cm_crit_sensitivity(const cm_crit_inputs_t *in, const cm_crit_results_t *res,
                                         const cm_crit_options_t *opt, const cm_crit_axis_t *sr,
                                         const cm_crit_axis_t *ei, cm_crit_sens_t *out,
                                         cm_error_info_t *err);

/** \brief Free a grid; safe on zeroed or twice; leaves it zeroed. */
CM_EXPORT void cm_crit_sens_destroy(cm_crit_sens_t *s);

/* --- Monte Carlo: distributions ----------------------------------------------------------- */

/** The uncertain inputs (sections of the distributions file). */
typedef enum cm_crit_mc_input_t {
    CM_CRIT_MC_WGI = 0,    /**< [wgi]: scaled WGI per country (0-10) */
    CM_CRIT_MC_SHARES = 1, /**< [shares]: supply shares of each stage x scope */
    CM_CRIT_MC_IR = 2,     /**< [import_reliance]: IR per stage */
    CM_CRIT_MC_EOL = 3,    /**< [eol_rir] */
    CM_CRIT_MC_SI_SR = 4,  /**< [si_sr] */
    CM_CRIT_MC_SI_EI = 5,  /**< [si_ei] */
    CM_CRIT_MC_VA = 6,     /**< [value_added]: value added per NACE sector (one draw per
                                sector, shared by every material) */
    CM_CRIT_MC_NINPUTS = 7
} cm_crit_mc_input_t;

/** Kinds of perturbation. */
typedef enum cm_crit_mc_kind_t {
    CM_CRIT_MC_NONE = 0,       /**< the base value (no uncertainty) */
    CM_CRIT_MC_UNIFORM = 1,    /**< base + U(-h, h) */
    CM_CRIT_MC_TRIANGULAR = 2, /**< base + Triangular(-h, 0, h) */
    CM_CRIT_MC_NORMAL = 3,     /**< base + N(0, h) */
    CM_CRIT_MC_DIRICHLET = 4   /**< shares only: Dirichlet(concentration * share / sum),
                                    times the sum of the base shares */
} cm_crit_mc_kind_t;

/**
 * The distribution of one input. The spread h is \p relative * |base| when \p relative is
 * finite, else \p absolute; for [wgi] with sd_published, h is the published standard error
 * of the scaled WGI times \p sd_scale. Draws are clamped to [min, max].
 */
typedef struct cm_crit_mc_dist_t {
    cm_crit_mc_kind_t kind;
    cm_real_t relative;      /**< spread relative to the base value (NaN = use absolute) */
    cm_real_t absolute;      /**< spread in the input's unit (used when relative is NaN) */
    int sd_published;        /**< [wgi]: h = sd_scale * published standard error */
    cm_real_t sd_scale;      /**< multiplier of the published standard error (default 1) */
    cm_real_t concentration; /**< [shares], Dirichlet: alpha_i = concentration * share_i / sum */
    cm_real_t lump_below;    /**< [shares]: the countries with alpha_i below this (default 1)
                                  are drawn as one Dirichlet component (the aggregation
                                  property: exact for their total), split in proportion to
                                  their base shares; 0 = every country drawn */
    cm_real_t min;           /**< lower clamp (-Inf = none) */
    cm_real_t max;           /**< upper clamp (+Inf = none) */
} cm_crit_mc_dist_t;

/** The distributions of all inputs, indexed by ::cm_crit_mc_input_t. */
typedef struct cm_crit_mc_dists_t {
    cm_crit_mc_dist_t d[CM_CRIT_MC_NINPUTS];
} cm_crit_mc_dists_t;

/**
 * \brief The documented defaults (equal to data/crit/uncertainty.ini): WGI normal with its
 * published standard error, clamped to [0, 10]; shares Dirichlet, concentration 100;
 * lump_below 1; import reliance, EoL-RIR, SI_SR, SI_EI uniform +/-20 % of the value,
 * clamped to [0, 1]; value added none (uniform +/-10 % when enabled, clamped at 0). NULL is a
 * no-op.
 */
CM_EXPORT void cm_crit_mc_dists_default(cm_crit_mc_dists_t *d);

/** \brief Section name of an input ("wgi", "shares", "import_reliance", "eol_rir", "si_sr",
 * "si_ei", "value_added"; "" for another value). Static string. */
CM_EXPORT const char *cm_crit_mc_input_name(cm_crit_mc_input_t input);
/** \brief "none", "uniform", "triangular", "normal", "dirichlet" ("" otherwise). */
CM_EXPORT const char *cm_crit_mc_kind_name(cm_crit_mc_kind_t kind);

/**
 * \brief Read a distributions file (key = value format, docs/formats.md) over \p d: each
 * section replaces the keys it gives, other values keep what \p d held (normally the
 * defaults). Sections: the names of ::cm_crit_mc_input_name, without a section name. Keys:
 * distribution, relative, absolute, sd (a number or "published"; [wgi] only), sd_scale,
 * concentration and lump_below ([shares] only), min, max. \param[in] path the file.
 * \param[in,out] d initialised (e.g. by ::cm_crit_mc_dists_default); unchanged on error.
 * \return CM_OK; CM_EPARSE at file:line:column (syntax, unknown or repeated section, unknown
 * key, not a number, a kind the input does not accept, negative spread, sd_scale,
 * concentration or lump_below, min > max); CM_EFILE; CM_ENOMEM; CM_EINVAL (NULL).
 */
CM_EXPORT cm_error_t cm_crit_mc_dists_read(const char *path, cm_crit_mc_dists_t *d,
                                           cm_error_info_t *err);
/** \brief As ::cm_crit_mc_dists_read on \p len bytes of memory; \p name labels positions. */
CM_EXPORT cm_error_t cm_crit_mc_dists_read_buffer(const char *data, size_t len, const char *name,
                                                  cm_crit_mc_dists_t *d, cm_error_info_t *err);
/**
 * \brief Check \p d (what the reader checks, for values set in code).
 * \return CM_OK; CM_EINVAL naming the input and the field.
 */
CM_EXPORT cm_error_t cm_crit_mc_dists_check(const cm_crit_mc_dists_t *d, cm_error_info_t *err);

/* --- Monte Carlo: run --------------------------------------------------------------------- */

/** Draws per block (one RNG stream per block). */
#define CM_CRIT_MC_BLOCK 1024

/** Largest number of draws. */
#define CM_CRIT_MC_DRAWS_MAX 100000000

/** Quantile resolution: SR and EI are histogrammed in bins of 1/1024 on [0, 16) (values
 * outside go to the edge bins); quantiles interpolate within a bin and are clamped to the
 * exact minimum and maximum of the draws. */
#define CM_CRIT_MC_BINS_PER_UNIT 1024
/** Upper end of the histogram range. */
#define CM_CRIT_MC_HIST_MAX 16

/** Options of a run. Fill with ::cm_crit_mc_options_default. */
typedef struct cm_crit_mc_options_t {
    size_t draws;  /**< number of draws (default 10000; 1 .. CM_CRIT_MC_DRAWS_MAX) */
    uint64_t seed; /**< seed (default 1) */
    int threads;   /**< worker threads (default 1; results do not depend on it) */
} cm_crit_mc_options_t;

/** Summary of the draws of one quantity (NaN fields when there is no finite draw). */
typedef struct cm_crit_mc_stat_t {
    size_t n;       /**< finite draws */
    cm_real_t mean; /**< mean */
    cm_real_t sd;   /**< standard deviation (n - 1 denominator; 0 when n = 1) */
    cm_real_t min, max;
    cm_real_t p5, p50, p95; /**< quantiles 5 %, 50 %, 95 % (histogram, see above) */
} cm_crit_mc_stat_t;

/** Monte Carlo result of one material. */
typedef struct cm_crit_mc_material_t {
    cm_real_t p_critical; /**< fraction of draws in which the material is critical */
    cm_real_t p_sr;       /**< fraction with SR at or above its threshold */
    cm_real_t p_ei;       /**< fraction with EI at or above its threshold */
    cm_crit_mc_stat_t sr;
    cm_crit_mc_stat_t ei;
    cm_real_t sr_base; /**< deterministic SR (unperturbed inputs) */
    cm_real_t ei_base; /**< deterministic EI */
    int critical_base; /**< deterministic class */
} cm_crit_mc_material_t;

/** Results of a run, one per input material, same order. Destroy with ::cm_crit_mc_destroy. */
typedef struct cm_crit_mc_result_t {
    size_t n;
    cm_crit_mc_material_t *items;
    size_t draws;
    uint64_t seed;
    double seconds; /**< wall-clock seconds of the draw loop (not part of the results) */
} cm_crit_mc_result_t;

/** \brief Fill \p opt with the defaults. NULL is a no-op. */
CM_EXPORT void cm_crit_mc_options_default(cm_crit_mc_options_t *opt);

/**
 * \brief Run the Monte Carlo on bound inputs (::cm_crit_bind with \p wgi).
 * \param[in] crit the criticality options (thresholds, rounding, renormalising, va_max).
 * \param[in] dists the distributions (checked as ::cm_crit_mc_dists_check).
 * \param[in,out] out zeroed or an earlier result (destroyed first).
 * \return CM_OK; CM_EINVAL (NULL, unbound shares, draws out of range, threads < 1, bad
 * distributions); CM_ENOMEM (out left zeroed); CM_ENUMERIC (no positive value added to scale
 * EI by while a material has end uses). Memory: a working copy of the inputs and two
 * histograms of 16384 counts per material and thread. Time: O(draws * (countries + shares +
 * end uses)).
 */
CM_EXPORT cm_error_t cm_crit_mc_run(const cm_crit_inputs_t *in, const cm_crit_wgi_t *wgi,
                                    const cm_crit_options_t *crit, const cm_crit_mc_dists_t *dists,
                                    const cm_crit_mc_options_t *opt, cm_crit_mc_result_t *out,
                                    cm_error_info_t *err);

/** \brief Free; safe on zeroed or twice. */
CM_EXPORT void cm_crit_mc_destroy(cm_crit_mc_result_t *res);

CM_END_DECLS

#endif

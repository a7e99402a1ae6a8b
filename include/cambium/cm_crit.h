/**
 * \file cm_crit.h
 * \brief Criticality of raw materials, EU method (EC 2017 guidelines as applied in 2023;
 * METHODS.md B.1): supply risk SR from WGI-weighted concentration of supply per stage, economic
 * importance EI from end-use shares and sector value added.
 *
 * Data model. One assessment (the EU, or a country) is a ::cm_crit_inputs_t: a plain array of
 * ::cm_crit_material_t, each with, per stage (extraction, processing) and scope (global supply,
 * sourcing of the assessed region), a list of ::cm_crit_share_t (country, share as a fraction,
 * trade parameter t, flags of the share cell); per-stage import reliance, EoL-RIR, SI_SR, SI_EI
 * (all fractions); end uses (NACE code, share, sector value added); and the published values
 * for comparison. The WGI is a ::cm_crit_wgi_t: country -> mean of the six estimates, scaled
 * 0-10, and its standard error.
 *
 * Workflow: build or load the inputs (::cm_crit_load_eu, or the builder functions), load a WGI
 * table (::cm_crit_wgi_load), resolve every share's country to an index of the WGI table once
 * (::cm_crit_bind: a country missing from the WGI is an error naming it, or takes the explicit
 * fallback of the options), then ::cm_crit_compute (pure: no store access) as often as needed.
 * ::cm_crit_compute_material does one material with no allocation: a Monte Carlo driver perturbs
 * a copy of the inputs (::cm_crit_inputs_copy) and of the scaled WGI values and calls it per draw.
 *
 * Units: shares, IR, EoL-RIR and SI are fractions (0-1); value added in MEUR (any unit, as long as
 * it is the same for all sectors); WGI scaled 0 (best) to 10 (worst). Nothing is rounded here:
 * rounding to one decimal is presentation, except when ::cm_crit_options_t.round_decision asks
 * to decide criticality on the published one-decimal convention.
 */
#ifndef CAMBIUM_CM_CRIT_H
#define CAMBIUM_CM_CRIT_H

#include "cm_common.h"
#include "cm_error.h"
#include "cm_store.h"

CM_BEGIN_DECLS

/** Life-cycle stages. */
enum {
    CM_CRIT_EXTRACTION = 0, /**< extraction (mining, harvesting): "E", CritMAT "primary" */
    CM_CRIT_PROCESSING = 1, /**< processing (refining): "P", CritMAT "refined" */
    CM_CRIT_NSTAGES = 2
};

/** Supply scopes. */
enum {
    CM_CRIT_GLOBAL = 0,   /**< global supply (GS): shares of world production */
    CM_CRIT_SOURCING = 1, /**< sourcing of the assessed region (EU: domestic + extra-EU imports) */
    CM_CRIT_NSCOPES = 2
};

/** How a stage's SR combines the two scopes. */
typedef enum cm_crit_mode_t {
    CM_CRIT_MODE_AUTO = 0,    /**< decide from the data: blend when both scopes and IR exist,
                                   else the scope that has shares */
    CM_CRIT_MODE_BLEND = 1,   /**< "GS+EU": HHI_GS*IR/2 + HHI_src*(1 - IR/2) */
    CM_CRIT_MODE_GS_ONLY = 2, /**< "GSonly": HHI_GS alone */
    CM_CRIT_MODE_SRC_ONLY = 3 /**< "EUonly": the sourcing HHI alone (region self-sufficient) */
} cm_crit_mode_t;

/** Flags of a share cell (bit set). */
enum {
    CM_CRIT_SHARE_LT = 1,    /**< written "<x": x is an upper bound (value stored = x) */
    CM_CRIT_SHARE_GT = 2,    /**< written ">x": x is a lower bound */
    CM_CRIT_SHARE_W = 4,     /**< withheld ("W"): value unknown, counted as 0 */
    CM_CRIT_SHARE_DOMESTIC = 8 /**< sourcing row that is production inside the assessed region */
};

/** Country code capacity (ISO3, aggregates such as "EU27", NUL included). */
#define CM_CRIT_CODE_MAX 16

/** One supplying country of a stage x scope. */
typedef struct cm_crit_share_t {
    char country[CM_CRIT_CODE_MAX]; /**< ISO3 code (or an aggregate code known to the WGI table) */
    cm_real_t share;                /**< fraction of the stage's supply (0-1) */
    cm_real_t t;                    /**< trade-related parameter t (1 = neutral) */
    unsigned flags;                 /**< CM_CRIT_SHARE_* */
    int32_t wgi;                    /**< index into the bound WGI table; -1 = fallback value;
                                         CM_CRIT_WGI_UNBOUND until ::cm_crit_bind */
} cm_crit_share_t;

/** ::cm_crit_share_t.wgi of a share not yet bound to a WGI table. */
#define CM_CRIT_WGI_UNBOUND (-2)

/** The shares of one stage x scope (owned by the material). */
typedef struct cm_crit_supply_t {
    size_t n;
    cm_crit_share_t *items;
    size_t cap; /**< allocated items */
} cm_crit_supply_t;

/** NACE code capacity ("C25", "C26", "C10-C12"). */
#define CM_CRIT_NACE_MAX 16

/** One end use (application) of a material. */
typedef struct cm_crit_enduse_t {
    char *application;              /**< application name (owned; may be NULL) */
    char nace[CM_CRIT_NACE_MAX];    /**< NACE Rev. 2 sector of the application ("" = none
                                         given, as the "Other" rows of the EU table) */
    cm_real_t share;                /**< fraction of the material's end uses */
    cm_real_t value_added;          /**< value added of the sector (MEUR); NaN = unknown
                                         (counts 0 in EI, noted) */
    unsigned flags;                 /**< CM_CRIT_SHARE_* of the share cell */
} cm_crit_enduse_t;

/** Published values of the assessment being reproduced (NaN = not published). */
typedef struct cm_crit_published_t {
    cm_real_t sr;                       /**< published SR */
    cm_real_t ei;                       /**< published EI */
    cm_real_t sr_stage[CM_CRIT_NSTAGES]; /**< published SR per stage */
    cm_crit_mode_t mode[CM_CRIT_NSTAGES]; /**< published sourcing mode per stage (AUTO = none) */
    int used_stage;                     /**< stage whose SR was retained, -1 = unknown */
} cm_crit_published_t;

/** Material-level flags (bit set). */
enum {
    CM_CRIT_MAT_GROUP = 1, /**< a group row (HREE, LREE, PGM): an aggregate, kept out of match counts */
    CM_CRIT_MAT_SRC_FROM_GROUP_E = 2, /**< extraction sourcing shares taken from the material's group */
    CM_CRIT_MAT_SRC_FROM_GROUP_P = 4  /**< processing sourcing shares taken from the material's group */
};

/** The inputs of one material. Strings and arrays are owned (freed by ::cm_crit_inputs_destroy). */
typedef struct cm_crit_material_t {
    char *code;  /**< canonical material code ("cobalt") */
    char *name;  /**< display name (may equal code) */
    unsigned flags; /**< CM_CRIT_MAT_* */
    cm_crit_supply_t supply[CM_CRIT_NSTAGES][CM_CRIT_NSCOPES]; /**< [stage][scope] */
    int assessed[CM_CRIT_NSTAGES]; /**< non-zero: the stage is assessed (SR computed) */
    cm_crit_mode_t mode[CM_CRIT_NSTAGES]; /**< requested mode per stage (AUTO: from the data) */
    cm_real_t import_reliance[CM_CRIT_NSTAGES]; /**< IR per stage, fraction; NaN = unknown */
    cm_real_t eol_rir;  /**< end-of-life recycling input rate, fraction; NaN = unknown (then 0) */
    cm_real_t si_sr;    /**< substitution index for SR; NaN = unknown (then 1) */
    cm_real_t si_ei;    /**< substitution index for EI; NaN = unknown (then 1) */
    size_t n_enduses;
    cm_crit_enduse_t *enduses;
    size_t cap_enduses;
    cm_crit_published_t published;
} cm_crit_material_t;

/** The inputs of one assessment. Zeroed = empty; destroy with ::cm_crit_inputs_destroy. */
typedef struct cm_crit_inputs_t {
    char region[CM_CRIT_CODE_MAX]; /**< assessed region ("EU27", "BEL") */
    size_t n;
    cm_crit_material_t *materials;
    size_t cap;
} cm_crit_inputs_t;

/** One country of the WGI table. */
typedef struct cm_crit_wgi_entry_t {
    char country[CM_CRIT_CODE_MAX]; /**< ISO3 code or aggregate code */
    cm_real_t mean;     /**< mean of the six dimension estimates (about -2.5 to 2.5) */
    cm_real_t se;       /**< standard error of that mean: sqrt(sum stddev_i^2)/k */
    cm_real_t scaled;   /**< 2*(2.5 - mean): 0 (best) to 10 (worst) */
    cm_real_t scaled_se; /**< standard error of the scaled value: 2*se */
    int n_estimates;    /**< estimates averaged (6 per year when complete) */
} cm_crit_wgi_entry_t;

/** A WGI table, sorted by country code. Zeroed = empty; destroy with ::cm_crit_wgi_destroy. */
typedef struct cm_crit_wgi_t {
    size_t n;
    cm_crit_wgi_entry_t *items;
    size_t cap;
    int year_from, year_to; /**< years averaged (equal for one year) */
} cm_crit_wgi_t;

/** What to do with a country that is not in the WGI table. */
typedef enum cm_crit_wgi_missing_t {
    CM_CRIT_WGI_ERROR = 0,   /**< CM_ENOTFOUND naming the country and the material */
    CM_CRIT_WGI_FALLBACK = 1 /**< use ::cm_crit_options_t.wgi_fallback (scaled 0-10); noted */
} cm_crit_wgi_missing_t;

/** The WGI year used for the EU 2023 reproduction (chosen with the data: docs/crit.md). */
#define CM_CRIT_EU_WGI_YEAR 2019

/** Options. Fill with ::cm_crit_options_default, then change fields. */
typedef struct cm_crit_options_t {
    cm_real_t sr_threshold;   /**< SR threshold (default 1.0) */
    cm_real_t ei_threshold;   /**< EI threshold (default 2.8) */
    int wgi_year;             /**< WGI year (last year of the average); default 0 = chosen by
                                   the loader (docs/crit.md) */
    int wgi_years;            /**< number of WGI years averaged ending at wgi_year (default 1) */
    cm_crit_wgi_missing_t wgi_missing; /**< default CM_CRIT_WGI_ERROR */
    cm_real_t wgi_fallback;   /**< scaled WGI for missing countries with CM_CRIT_WGI_FALLBACK */
    int renormalise;          /**< non-zero: divide shares of a stage x scope by their sum
                                   (only when asked; otherwise a sum off 1 is only noted) */
    cm_real_t share_tolerance; /**< |sum - 1| above this is noted (default 0.02) */
    int round_decision;       /**< non-zero: criticality on SR and EI rounded to one decimal
                                   (the published convention); default 1 */
    cm_real_t va_max;         /**< EI scaling denominator (MEUR); <= 0 or NaN = the largest
                                   value added among all end uses of the inputs (default NaN) */
    int use_published_mode;   /**< non-zero: a stage's mode is the published one when the
                                   material has it and its own mode is AUTO (default 1) */
    int ei_pro_rata;          /**< non-zero: end uses without a sector value added ("Other")
                                   take the share-weighted mean value added of the material's
                                   other end uses (pro rata); zero (default): they add no value
                                   added (docs/crit.md, choice 9). Either way the result carries
                                   the range ei_low..ei_high the unassigned share allows */
    int ei_published_fallback; /**< non-zero: a material without end uses, or whose EI range
                                   straddles the EI threshold (CM_CRIT_NOTE_EI_UNDETERMINED),
                                   takes its published EI (noted CM_CRIT_NOTE_EI_PUBLISHED;
                                   default 0) */
    int ir_zero_sourcing;     /**< non-zero (default 1): a stage whose import reliance is 0 and
                                   that has sourcing shares takes the sourcing value (the
                                   global term's weight IR/2 is 0) where its mode is GSonly or
                                   a blend without global shares; the global shares are then
                                   not needed (noted CM_CRIT_NOTE_IR_ZERO) */
    int group_shares_complete; /**< non-zero: a stage whose sourcing shares were taken from
                                   the material's group (CM_CRIT_MAT_SRC_FROM_GROUP_*) counts
                                   as complete; zero (default): it is computed with the group's
                                   shares but its inputs are incomplete (the material has no
                                   sourcing shares of its own for that stage) */
} cm_crit_options_t;

/** Notes on a result (bit set; ::cm_crit_note_text gives the text). */
enum {
    CM_CRIT_NOTE_WGI_FALLBACK = 1,     /**< a country took the WGI fallback value */
    CM_CRIT_NOTE_SHARES_OFF = 2,       /**< shares of a stage x scope do not sum to 1 */
    CM_CRIT_NOTE_RENORMALISED = 4,     /**< shares were renormalised (option) */
    CM_CRIT_NOTE_NO_IR = 8,            /**< blend wanted but IR unknown: GS only used */
    CM_CRIT_NOTE_NO_SOURCING = 16,     /**< no sourcing shares: GS only used */
    CM_CRIT_NOTE_NO_GLOBAL = 32,       /**< no global shares: sourcing only used */
    CM_CRIT_NOTE_NO_SHARES = 64,       /**< an assessed stage without any shares: no SR */
    CM_CRIT_NOTE_NO_EOL = 128,         /**< EoL-RIR unknown: taken as 0 */
    CM_CRIT_NOTE_NO_SI_SR = 256,       /**< SI_SR unknown: taken as 1 */
    CM_CRIT_NOTE_NO_SI_EI = 512,       /**< SI_EI unknown: taken as 1 */
    CM_CRIT_NOTE_NO_ENDUSES = 1024,    /**< no end uses: no EI */
    CM_CRIT_NOTE_ENDUSES_OFF = 2048,   /**< end-use shares do not sum to 1 */
    CM_CRIT_NOTE_WITHHELD = 4096,      /**< a share was withheld (W) and counted as 0 */
    CM_CRIT_NOTE_EI_PUBLISHED = 8192,  /**< no end uses: the published EI was used */
    CM_CRIT_NOTE_NO_SECTOR = 16384,    /**< end uses without a sector value added */
    CM_CRIT_NOTE_IR_ZERO = 32768,      /**< import reliance 0: EU sourcing value used
                                            (::cm_crit_options_t.ir_zero_sourcing) */
    CM_CRIT_NOTE_EI_UNDETERMINED = 65536 /**< end uses without a sector leave an EI range
                                              that straddles the EI threshold */
};
/** Number of distinct note bits. */
#define CM_CRIT_NNOTES 17

/** Result of one stage. NaN marks what was not computed. */
typedef struct cm_crit_stage_result_t {
    int assessed;                         /**< non-zero: SR computed for this stage */
    cm_real_t hhi_wgi[CM_CRIT_NSCOPES];   /**< HHI_WGI,t = sum S^2 * WGI_scaled * t */
    cm_real_t hhi[CM_CRIT_NSCOPES];       /**< plain HHI = sum S^2 (0-1) */
    cm_real_t share_sum[CM_CRIT_NSCOPES]; /**< sum of shares as given (before renormalising) */
    cm_crit_mode_t mode;                  /**< mode used */
    cm_real_t ir;                         /**< IR used (fraction; NaN when not used) */
    cm_real_t sr;                         /**< SR of the stage */
    unsigned notes;                       /**< CM_CRIT_NOTE_* of this stage */
    int complete;                         /**< non-zero: every input the mode needs was present
                                               (shares of the scopes used, the material's
                                               own unless group_shares_complete, IR for a
                                               blend, EoL-RIR and SI_SR) */
} cm_crit_stage_result_t;

/** Result of one material (plain data: no pointers). */
typedef struct cm_crit_result_t {
    cm_crit_stage_result_t stage[CM_CRIT_NSTAGES];
    cm_real_t sr;        /**< max over assessed stages (NaN when none) */
    int sr_stage;        /**< stage giving SR (-1 when none) */
    cm_real_t ei_sum;    /**< sum_s A_s * Q_s / sum_s A_s (MEUR), unscaled, without SI_EI: the
                              shares are divided by their sum when it is within the rounding
                              bound of the published percentages (0.5 point per end use) or with
                              ::cm_crit_options_t.renormalise; end uses without a value added
                              count as ::cm_crit_options_t.ei_pro_rata says */
    cm_real_t ei;        /**< 10 * ei_sum / va_max * SI_EI (0-10); NaN without end uses
                              (or the published EI with ::cm_crit_options_t.ei_published_fallback) */
    cm_real_t ei_low;    /**< EI with the end uses without a sector at 0 (NaN without end uses) */
    cm_real_t ei_high;   /**< EI with them at va_max: the inputs bound EI to [ei_low, ei_high]
                              (equal when every end use has a sector) */
    cm_real_t ei_unassigned; /**< share of end uses without a sector value added (0-1) */
    int ei_complete;     /**< non-zero: end uses present, each with a sector value added,
                              SI_EI known and the shares summing to 1 within rounding */
    int undetermined;    /**< non-zero: the criticality class depends on the unassigned end-use
                              share (the EI range straddles the threshold) and no published EI
                              was taken; `critical` then follows the point value `ei` */
    cm_real_t va_max;    /**< the scaling denominator used */
    int critical;        /**< SR >= sr_threshold and EI >= ei_threshold */
    unsigned notes;      /**< CM_CRIT_NOTE_* */
} cm_crit_result_t;

/** Results of an assessment, one per input material, same order. Destroy with
 * ::cm_crit_results_destroy (safe on zeroed). */
typedef struct cm_crit_results_t {
    size_t n;
    cm_crit_result_t *items;
    size_t cap;
} cm_crit_results_t;

/* --- options, scaling, single formulas --------------------------------------------------- */

/** \brief Fill \p opt with the defaults listed in ::cm_crit_options_t. NULL is a no-op. */
CM_EXPORT void cm_crit_options_default(cm_crit_options_t *opt);

/** \brief WGI scaling of the EU method: 2*(2.5 - mean) (mean of the six estimates -> 0-10).
 * Pure; no clamping. */
CM_EXPORT cm_real_t cm_crit_wgi_scale(cm_real_t mean);

/**
 * \brief SR of one stage from the two HHI_WGI,t values.
 * BLEND: [hhi_gs*ir/2 + hhi_src*(1 - ir/2)] * (1 - eol) * si_sr; GS_ONLY: hhi_gs*(1-eol)*si_sr;
 * SRC_ONLY: hhi_src*(1-eol)*si_sr. \param[in] mode BLEND, GS_ONLY or SRC_ONLY (AUTO: NaN).
 * \return the SR (NaN when a needed input is NaN). Pure, O(1).
 */
CM_EXPORT cm_real_t cm_crit_sr_stage(cm_crit_mode_t mode, cm_real_t hhi_gs, cm_real_t hhi_src,
                                     cm_real_t ir, cm_real_t eol_rir, cm_real_t si_sr);

/** \brief Text of one CM_CRIT_NOTE_* bit ("" for an unknown bit). Static string. */
CM_EXPORT const char *cm_crit_note_text(unsigned note);
/** \brief "GS+EU", "GSonly", "EUonly" or "auto". Static string. */
CM_EXPORT const char *cm_crit_mode_name(cm_crit_mode_t mode);
/** \brief Parse "GS+EU", "GSonly", "EUonly" (also "EU", as the CritMAT Molybdenum row writes
 * it, and "auto"), case-insensitive. \return CM_OK, CM_EINVAL (unknown text, named). */
CM_EXPORT cm_error_t cm_crit_mode_parse(const char *text, cm_crit_mode_t *mode,
                                        cm_error_info_t *err);
/** \brief "extraction" or "processing" ("" for another index). Static string. */
CM_EXPORT const char *cm_crit_stage_name(int stage);

/* --- building inputs ---------------------------------------------------------------------- */

/**
 * \brief Append a material with code \p code (and display \p name, NULL = code) to \p in and
 * return its index. Its numbers start unknown (NaN), modes AUTO, no stage assessed,
 * published values NaN. \param[in,out] in zeroed or holding materials.
 * \return CM_OK; CM_EINVAL (NULL or empty code, a code already present); CM_ENOMEM.
 * Complexity: O(n) for the duplicate check.
 */
CM_EXPORT cm_error_t cm_crit_inputs_add(cm_crit_inputs_t *in, const char *code,
                                        const char *name, size_t *index,
                                        cm_error_info_t *err);
/** \brief Index of the material \p code, or -1. O(n). */
CM_EXPORT ptrdiff_t cm_crit_inputs_find(const cm_crit_inputs_t *in, const char *code);

/**
 * \brief Append a share to stage \p stage, scope \p scope of \p m (marks the stage assessed).
 * \param[in] t trade parameter (1 when not given; NaN is read as 1).
 * \return CM_OK; CM_EINVAL (bad stage/scope, empty or too long country code, share not finite
 * or outside [0,1], t not finite or < 0; the message names the material and country);
 * CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_crit_material_add_share(cm_crit_material_t *m, int stage, int scope,
                                                const char *country, cm_real_t share,
                                                cm_real_t t, unsigned flags,
                                                cm_error_info_t *err);
/** \brief The share of \p country in stage x scope of \p m, or NULL. O(shares). */
CM_EXPORT cm_crit_share_t *cm_crit_material_find_share(cm_crit_material_t *m, int stage,
                                                       int scope, const char *country);
/**
 * \brief Append an end use. \param[in] application copied (may be NULL). \param[in] nace
 * NULL or "" when the source gives no sector (then \p value_added is normally NaN).
 * \return CM_OK; CM_EINVAL (share not in [0,1], value added < 0 or infinite, NACE code too
 * long); CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_crit_material_add_enduse(cm_crit_material_t *m, const char *application,
                                                 const char *nace, cm_real_t share,
                                                 cm_real_t value_added, unsigned flags,
                                                 cm_error_info_t *err);

/** \brief Free everything; safe on zeroed inputs or twice; leaves them zeroed. */
CM_EXPORT void cm_crit_inputs_destroy(cm_crit_inputs_t *in);
/**
 * \brief Deep copy of \p src into \p dst (a Monte Carlo driver perturbs the copy).
 * \param[in,out] dst zeroed or earlier inputs (destroyed first). \return CM_OK, CM_EINVAL,
 * CM_ENOMEM (dst left empty).
 */
CM_EXPORT cm_error_t cm_crit_inputs_copy(cm_crit_inputs_t *dst, const cm_crit_inputs_t *src,
                                         cm_error_info_t *err);

/* --- WGI ---------------------------------------------------------------------------------- */

/**
 * \brief Add or replace the WGI entry of \p country (kept sorted).
 * \param[in] mean mean of the estimates; \param[in] se its standard error (NaN allowed).
 * \return CM_OK, CM_EINVAL (empty or too long code, mean not finite), CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_crit_wgi_set(cm_crit_wgi_t *wgi, const char *country, cm_real_t mean,
                                     cm_real_t se, int n_estimates, cm_error_info_t *err);
/** \brief Index of \p country in the table (binary search), or -1. */
CM_EXPORT ptrdiff_t cm_crit_wgi_find(const cm_crit_wgi_t *wgi, const char *country);
/** \brief Free; safe on zeroed or twice. */
CM_EXPORT void cm_crit_wgi_destroy(cm_crit_wgi_t *wgi);

/**
 * \brief Load the WGI table from the store (observations of variable "estimate" and "stddev"
 * of the wgi importer, products va pv ge rq rl cc) for the years \p year_from..\p year_to: per
 * country the mean over the years of the mean of the available estimates of each year, and
 * its standard error (per year sqrt(sum stddev^2)/k, averaged over the years). A country needs
 * at least one estimate. When the store holds several WGI datasets, the newest is used.
 * \param[in,out] out zeroed or an earlier table (destroyed first).
 * \return CM_OK; CM_EINVAL (NULL, year_from > year_to); CM_ENOTFOUND (no WGI data for those
 * years); CM_ESTORE; CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_crit_wgi_load(cm_store_t *store, int year_from, int year_to,
                                      cm_crit_wgi_t *out, cm_error_info_t *err);

/* --- loading the EU assessment from the store -------------------------------------------- */

/**
 * \brief Build the EU 2023 inputs from the store: supply shares and t (eu-crm-supply, scopes
 * global and eu; t as written beside each share, the eu-crm-trade table only filling a share
 * whose row has no t), published results, IR, EoL-RIR, SI (eu-crm-results), end uses and value added
 * (eu-crm-use). Every material with a published result or supply shares is included; percent
 * values are converted to fractions; group rows (HREE, LREE, PGM) are flagged
 * CM_CRIT_MAT_GROUP. The choices (docs/crit.md) are applied here and only here.
 * \param[in,out] out zeroed or earlier inputs (destroyed first); region set to "EU27".
 * \return CM_OK; CM_EINVAL (NULL); CM_ENOTFOUND (no EU CRM data in the store); CM_ESTORE;
 * CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_crit_load_eu(cm_store_t *store, cm_crit_inputs_t *out,
                                     cm_error_info_t *err);

/* --- computing ---------------------------------------------------------------------------- */

/**
 * \brief Resolve every share's country to an index of \p wgi (once, before computing).
 * \return CM_OK; CM_ENOTFOUND naming the first country missing from the WGI table and its
 * material and stage (with CM_CRIT_WGI_ERROR; with CM_CRIT_WGI_FALLBACK its index becomes -1
 * and the fallback value is used); CM_EINVAL (NULL, fallback not finite). O(shares log n).
 */
CM_EXPORT cm_error_t cm_crit_bind(cm_crit_inputs_t *in, const cm_crit_wgi_t *wgi,
                                  const cm_crit_options_t *opt, cm_error_info_t *err);

/**
 * \brief HHI_WGI,t of one stage x scope: sum_c S_c^2 * WGI_c * t_c, with WGI_c =
 * wgi_scaled[share.wgi] (or \p fallback when the index is -1). \p renorm non-zero divides the
 * shares by their sum first. Pure, no allocation, O(shares).
 * \param[out] hhi optional: the plain HHI sum S^2 (after renormalising). \return NaN when the
 * supply has no shares.
 */
CM_EXPORT cm_real_t cm_crit_hhi_wgi(const cm_crit_supply_t *s, const cm_real_t *wgi_scaled,
                                    cm_real_t fallback, int renorm, cm_real_t *hhi);

/**
 * \brief Compute one material (no allocation, no store): SR per assessed stage, SR, EI,
 * criticality and notes. Shares must be bound (::cm_crit_bind).
 * \param[in] wgi_scaled the scaled WGI per index of the bound table (the caller may pass a
 * perturbed copy); \param[in] va_max EI scaling denominator (> 0).
 * \param[out] r filled completely. \return CM_OK; CM_EINVAL (NULL argument, va_max <= 0).
 */
CM_EXPORT cm_error_t cm_crit_compute_material(const cm_crit_material_t *m,
                                              const cm_real_t *wgi_scaled,
                                              const cm_crit_options_t *opt, cm_real_t va_max,
                                              cm_crit_result_t *r, cm_error_info_t *err);

/** \brief The EI scaling denominator: opt->va_max when > 0, else the largest value added
 * among all end uses of \p in (NaN when there are none). O(end uses). */
CM_EXPORT cm_real_t cm_crit_va_max(const cm_crit_inputs_t *in, const cm_crit_options_t *opt);

/**
 * \brief Compute every material of bound inputs (::cm_crit_bind with the same \p wgi).
 * \param[in,out] out zeroed or earlier results (reused: reallocated only when too small).
 * \return CM_OK; CM_EINVAL (NULL, shares not bound to a table of this size); CM_ENOMEM.
 * Complexity: O(shares + end uses).
 */
CM_EXPORT cm_error_t cm_crit_compute(const cm_crit_inputs_t *in, const cm_crit_wgi_t *wgi,
                                     const cm_crit_options_t *opt, cm_crit_results_t *out,
                                     cm_error_info_t *err);
/** \brief Free; safe on zeroed or twice. */
CM_EXPORT void cm_crit_results_destroy(cm_crit_results_t *res);

/** \brief Round half away from zero to one decimal (presentation and the published decision
 * convention). NaN stays NaN. */
CM_EXPORT cm_real_t cm_crit_round1(cm_real_t x);

/* --- comparison with published values ----------------------------------------------------- */

/** Match statistics against the published values. */
typedef struct cm_crit_match_t {
    size_t sr_pairs;      /**< material-stage pairs with complete inputs and a published SR */
    size_t sr_matched;    /**< of which |computed - published| <= tolerance */
    size_t ei_pairs;      /**< materials with end uses and a published EI */
    size_t ei_matched;
    size_t critical_computed;  /**< materials critical by the computed values */
    size_t critical_published; /**< materials critical by the published values */
    size_t critical_agree;     /**< materials whose class agrees (among those with both) */
    size_t critical_compared;  /**< materials with computed and published SR and EI */
} cm_crit_match_t;

/**
 * \brief Compare results with the published values of the inputs. Group rows
 * (CM_CRIT_MAT_GROUP) are left out. A stage pair counts when the stage has a published SR and
 * a computed SR (complete inputs). Published criticality uses the same thresholds and the
 * published (one-decimal) values. \param[in] tolerance e.g. 0.1 (compared after rounding the
 * computed value to one decimal, with 1e-9 slack). \return CM_OK, CM_EINVAL (NULL, sizes differ).
 */
CM_EXPORT cm_error_t cm_crit_match(const cm_crit_inputs_t *in, const cm_crit_results_t *res,
                                   const cm_crit_options_t *opt, cm_real_t tolerance,
                                   cm_crit_match_t *out, cm_error_info_t *err);

CM_END_DECLS

#endif

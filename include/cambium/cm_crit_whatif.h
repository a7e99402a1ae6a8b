/**
 * \file cm_crit_whatif.h
 * \brief The criticality "what if": a supplier country stops exporting a material, or its share
 * falls by a fraction. The supply risk is recomputed (EU method and Belgian variant) with that
 * country's share cut, the classes before and after are compared at the thresholds, and the
 * Belgian value added of the sectors that use the material is reported (docs/crit.md, "What
 * if a supplier stops exporting"; docs/dashboard-contract.md section 3).
 *
 * Method. The inputs are those of `cambium crit eu` and `crit be` (::cm_crit_load_bound; the
 * EU column with the options of `crit eu`, the Belgian one with those of `crit be`). In every
 * stage (extraction, processing) and scope (global supply; EU sourcing for the EU variant,
 * Belgian sourcing for the Belgian one) where the country has a share S_c > 0, that share
 * becomes S_c (1 - cut) and every share of the stage x scope is multiplied by
 * T / (T - cut S_c), T being the sum of its shares as given: the other suppliers' shares are
 * renormalised and the sum is kept (1 for complete data). SR is recomputed with everything
 * else unchanged (WGI, t, import reliance, EoL-RIR, SI_SR); EI does not change. The
 * alternative, leaving the removed tonnage missing (no renormalisation), is documented and
 * not used: it lowers every HHI, so that a total stop of a sole supplier would score SR 0.
 *
 * Units: shares and cut are fractions; SR and EI 0-10 as in cm_crit.h; value added in million
 * EUR (the OECD IOT of Belgium converted at ::CM_NACE_USD_PER_EUR_2020, as `crit be`).
 */
#ifndef CAMBIUM_CM_CRIT_WHATIF_H
#define CAMBIUM_CM_CRIT_WHATIF_H

#include "cm_common.h"
#include "cm_crit.h"
#include "cm_error.h"
#include "cm_store.h"

CM_BEGIN_DECLS

/** A what-if query. Zero the struct, then fill the fields (zero = the default where stated). */
typedef struct cm_crit_whatif_query_t {
    const char *material; /**< material id or any alias of the material classification
                               ("cobalt", "Co") */
    const char *country;  /**< supplier: ISO3 code or any alias of the country classification
                               ("COD", "Congo, D.R.") */
    double cut;           /**< fraction of that country's supply removed, 0 < cut <= 1 */
    double sr_threshold;  /**< <= 0: 1.0 */
    double ei_threshold;  /**< <= 0: 2.8 */
    int wgi_year;         /**< WGI year; 0 = ::CM_CRIT_EU_WGI_YEAR (as `crit eu`) */
    double wgi_fallback;  /**< > 0: scaled WGI (0-10] for countries missing from the WGI table;
                               0 (default): such a country is an error naming it */
} cm_crit_whatif_query_t;

/** What ::cm_crit_whatif_cut did to one stage x scope. */
typedef struct cm_crit_whatif_cut_t {
    int supplies;           /**< non-zero: the country had a share > 0 (otherwise nothing changed
                                 and the other fields are 0) */
    cm_real_t share_before; /**< the country's share / the sum of the shares, before */
    cm_real_t share_after;  /**< the same after (0 when emptied) */
    cm_real_t removed;      /**< fraction of the supply removed: cut x share_before */
    cm_real_t factor;       /**< multiplier applied to every share after the cut, T / (T - cut S_c)
                                 (NaN when emptied) */
    int emptied;            /**< non-zero: no supply left (sole supplier, cut 1); the supply's
                                 count n is then set to 0 */
} cm_crit_whatif_cut_t;

/**
 * \brief Cut \p country's share of one stage x scope by \p cut, the other suppliers' shares
 * renormalised so that the sum of the shares T is kept: S_c -> S_c (1 - cut), then every
 * share x T / (T - cut S_c). Several rows of the same country are cut together. A country
 * without a share > 0 leaves \p s unchanged. When nothing is left (T - cut S_c <= 1e-12 T)
 * the supply is emptied (n = 0; the items stay allocated and owned by the supply). Bound WGI
 * indices, t and flags are kept. Pure, no allocation, O(n).
 * \param[in,out] s the shares. \param[in] country exact code as in the shares.
 * \param[in] cut fraction removed, 0 < cut <= 1. \param[out] out filled completely.
 * \return CM_OK; CM_EINVAL (NULL argument, cut outside (0, 1]).
 */
CM_EXPORT cm_error_t cm_crit_whatif_cut(cm_crit_supply_t *s, const char *country, cm_real_t cut,
                                        cm_crit_whatif_cut_t *out, cm_error_info_t *err);

/**
 * \brief Recompute the supply risk of \p q->material with \p q->country's share cut by
 * \p q->cut at every stage and scope where that country supplies it, from the criticality
 * inputs in \p store, for the EU and for Belgium, and answer as a JSON object.
 *
 * The object (docs/dashboard-contract.md section 3, with added fields):
 * `material`, `material_name`, `country`, `cut`, `sr_threshold`, `ei_threshold`, `method`
 * ("renormalised");
 * `before` and `after`: `sr_eu`, `sr_be` (null when not computable), `ei_eu`, `ei_be`,
 * `critical_eu`, `critical_be` (true, false, or null when the class is undetermined: SR at or
 * above its threshold and no EI, as `crit be` reports it), `sr_stage_eu`, `sr_stage_be`
 * (objects stage -> SR);
 * `changes`: one object per stage x scope where the country supplies the material: `stage`,
 * `scope` ("global", "eu_sourcing", "be_sourcing"), `share_before`, `share_after` (the
 * country's share as a fraction of the scope's share sum), `removed` (fraction of the scope's
 * supply removed = cut x share_before), `emptied` (true when nothing is left);
 * `newly_critical`, `no_longer_critical`: arrays of {"material", "variant": "eu"|"be"} (only
 * the material queried can change class; an undetermined class is never a change);
 * `be_value_added_exposed`: `value` (value added of the distinct Belgian sectors, NACE
 * divisions with the IOT's combined industries counted once, in which the material has an end
 * use; null when the material has no end-use shares), `unit` ("EUR million"), `weighted`
 * (sum of end-use share x sector value added, the EI numerator), `unassigned_share` (share of end
 * uses without a sector or a Belgian value added), `sectors` (array of {"nace", "value",
 * "use_share"}; their values sum to `value`); it is the same whatever the cut: value added that
 * uses the material, not a loss estimate; `notes`: array of strings saying what was changed and
 * why.
 *
 * A country that supplies the material nowhere (no share > 0 in the global supply, the EU or
 * the Belgian sourcing) is not an error: nothing is changed, `after` equals `before` and a note
 * says so. When the cut removes all of a stage x scope's supply (sole supplier, cut = 1) the
 * renormalisation has nothing to scale: that variant's SR after is null (a total interruption
 * that the method, a concentration index of existing supply, does not score), its class after
 * null, and a note names the stage and scope.
 *
 * \param[in] store the store (read only). \param[in] q the query (borrowed).
 * \param[out] json new NUL-terminated string (compact JSON, reals with 17 digits); free with
 * cm_free. Set to NULL on error.
 * \return CM_OK; CM_EINVAL (NULL argument, empty material or country, cut not in (0, 1],
 * thresholds not finite, wgi_fallback outside [0, 10], a material or country that the
 * classifications do not know, a material without criticality inputs: the message names it);
 * CM_ENOTFOUND (a missing import, named: EU CRM data, WGI, Belgian trade flows or Belgian
 * value added; a country without WGI when no fallback is given); CM_ESTORE; CM_ENOMEM.
 * Complexity: dominated by loading the inputs (as `cambium crit be`); the recomputation is
 * O(shares of the material). It is ::cm_crit_whatif_load, ::cm_crit_whatif_compute and
 * ::cm_crit_whatif_free: to answer many queries, load once and compute per query.
 */
CM_EXPORT cm_error_t cm_crit_whatif_json(cm_store_t *store, const cm_crit_whatif_query_t *q,
                                         char **json, cm_error_info_t *err);

/**
 * \brief The loaded inputs of the what-if, for many queries (the server loads them once): the
 * bound EU and Belgian inputs, the WGI table and its scaled copy, the options of `crit eu` and
 * `crit be`. Opaque; ::cm_crit_whatif_load, ::cm_crit_whatif_compute, ::cm_crit_whatif_free.
 */
typedef struct cm_crit_whatif_ctx_t cm_crit_whatif_ctx_t;

/**
 * \brief Load what ::cm_crit_whatif_json computes from (::cm_crit_load_bound), once.
 * \param[in] store the store (read only); borrowed, it must outlive the context (the compute
 * reads the material and country classifications from it to resolve aliases).
 * \param[in] wgi_year WGI year; 0 = ::CM_CRIT_EU_WGI_YEAR. \param[in] wgi_fallback > 0:
 * scaled WGI (0-10] for countries missing from the WGI table; 0: such a country is an error.
 * Queries computed on the context must carry the same two values (zero and zero by default).
 * \param[out] out new context (free with ::cm_crit_whatif_free); NULL on error.
 * \return CM_OK; CM_EINVAL (NULL argument, wgi_year outside 0-9999, wgi_fallback outside
 * [0, 10]); CM_ENOTFOUND (a missing import, named as by ::cm_crit_whatif_json); CM_ESTORE;
 * CM_ENOMEM. Complexity: that of loading the inputs (as `cambium crit be`).
 */
CM_EXPORT cm_error_t cm_crit_whatif_load(cm_store_t *store, int wgi_year, double wgi_fallback,
                                         cm_crit_whatif_ctx_t **out, cm_error_info_t *err);

/**
 * \brief Answer one query from loaded inputs: the JSON of ::cm_crit_whatif_json (same fields,
 * same bytes). The context is not modified (the cut is applied to a copy of the queried
 * material's shares), so the context serves any number of queries. Thread safety: computes on
 * one context may run concurrently only when the store's connection is not used at the same
 * time by another thread (a query naming an alias reads the classifications from the store).
 * \param[in] ctx loaded inputs. \param[in] q the query (borrowed); its wgi_year and
 * wgi_fallback must be those of the load.
 * \param[out] json new NUL-terminated string, free with cm_free; NULL on error.
 * \return as ::cm_crit_whatif_json, and CM_EINVAL when the query's WGI year or fallback differs
 * from the load's. Complexity: O(shares of the material), plus loading a classification when
 * the material or country is given by an alias.
 */
CM_EXPORT cm_error_t cm_crit_whatif_compute(const cm_crit_whatif_ctx_t *ctx,
                                            const cm_crit_whatif_query_t *q, char **json,
                                            cm_error_info_t *err);

/** \brief Free a context; NULL is a no-op. */
CM_EXPORT void cm_crit_whatif_free(cm_crit_whatif_ctx_t *ctx);

CM_END_DECLS

#endif

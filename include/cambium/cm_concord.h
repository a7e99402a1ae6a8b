/**
 * \file cm_concord.h
 * \brief Weighted concordances (CN8 -> PRODCOM, HS 2017 -> HS 2022, NACE -> sector groups) and
 * mapping one dimension of a labelled array through them.
 *
 * A concordance is a sparse list of (from, to, weight) triples. Mapping a dimension of an array
 * sends each value of item `from` to every `to` in proportion to its weight: a 1:n split when
 * the weights of one `from` sum to 1 (mass kept), an n:1 aggregation when several `from` share
 * one `to` with weight 1.
 */
#ifndef CAMBIUM_CM_CONCORD_H
#define CAMBIUM_CM_CONCORD_H

#include "cm_array.h"
#include "cm_common.h"
#include "cm_error.h"

CM_BEGIN_DECLS

/** A concordance (value container): zero-initialise or ::cm_concordance_init; destroy with
 * ::cm_concordance_destroy. */
typedef struct cm_concordance_t {
    char *name;     /**< e.g. "cn8-prodcom" */
    size_t n;       /**< number of triples */
    size_t cap;
    char **from;
    char **to;
    double *weight;
} cm_concordance_t;

/**
 * \brief Initialise an empty concordance.
 * \param[out] c a zeroed or destroyed concordance (overwritten, not released).
 * \param[in] name optional name (copied; NULL leaves it NULL).
 * \return CM_OK, CM_EINVAL (c is NULL), CM_ENOMEM (c left zeroed).
 */
CM_EXPORT cm_error_t cm_concordance_init(cm_concordance_t *c, const char *name);

/** \brief Release everything; safe on a zeroed concordance, leaves it zeroed. */
CM_EXPORT void cm_concordance_destroy(cm_concordance_t *c);

/**
 * \brief Add a triple (from, to, weight); codes are copied.
 * \return CM_OK; CM_EINVAL (NULL or empty code, weight not finite or negative: the message
 *   names the triple); CM_ENOMEM (concordance unchanged). Amortised O(1).
 */
CM_EXPORT cm_error_t cm_concordance_add(cm_concordance_t *c, const char *from, const char *to,
                                        double weight, cm_error_info_t *err);

/**
 * \brief Check that the weights of every `from` sum to 1 within \p tol (a mass-preserving
 * split); CM_EINVAL names the first `from` (in order of first appearance) that does not,
 * with its sum.
 * \return CM_OK, CM_EINVAL (also for NULL or tol negative / not finite), CM_ENOMEM.
 * Complexity O(n) expected.
 */
CM_EXPORT cm_error_t cm_concordance_check_split(const cm_concordance_t *c, double tol,
                                                cm_error_info_t *err);

/** What ::cm_concordance_map does with an item of the array that has no `from` entry. */
typedef enum cm_concord_missing_t {
    CM_CONCORD_ERROR = 0, /**< fail with CM_ENOTFOUND naming the item */
    CM_CONCORD_DROP = 1,  /**< leave it out (its values are lost); counted in n_dropped */
    CM_CONCORD_KEEP = 2   /**< map it to the same code with weight 1 */
} cm_concord_missing_t;

/**
 * \brief Map dimension \p dim of \p a through the concordance:
 * res[.., to, ..] = sum over from of weight(from, to) * a[.., from, ..].
 *
 * The new dimension lists the `to` codes reached, in order of first appearance when walking
 * the array's items in their order and, for each item, its triples in concordance order (an
 * item kept by CM_CONCORD_KEEP appears as its own code, merged with a `to` of the same code).
 * Triples whose `from` is not an item of the array are ignored; repeated (from, to) triples
 * add up. When the weights of each `from` sum to 1 the total is preserved (apart from
 * dropped items). The operation is a sparse (CSR) weighted mapping: O(size of the result +
 * number of triples x inner block). Unit unchanged.
 * \param[in] new_name name of the mapped dimension (NULL keeps \p dim).
 * \param[in,out] res initialised or zeroed array; replaced on success (may alias a).
 * \param[out] n_dropped optional: number of items dropped (CM_CONCORD_DROP).
 * \return CM_OK; CM_EINVAL (NULL, bad policy or name, new_name equal to another dimension);
 *   CM_ENOTFOUND (no dimension \p dim, or an item without `from` under CM_CONCORD_ERROR,
 *   both named); CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_concordance_map(const cm_concordance_t *c, const cm_array_t *a,
                                        const char *dim, const char *new_name,
                                        cm_concord_missing_t missing, cm_array_t *res,
                                        size_t *n_dropped, cm_error_info_t *err);

CM_END_DECLS

#endif

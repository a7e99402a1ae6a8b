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

CM_EXPORT cm_error_t cm_concordance_init(cm_concordance_t *c, const char *name);
CM_EXPORT void cm_concordance_destroy(cm_concordance_t *c);
/** \brief Add a triple; weight must be finite and >= 0 (CM_EINVAL otherwise). */
CM_EXPORT cm_error_t cm_concordance_add(cm_concordance_t *c, const char *from, const char *to,
                                        double weight, cm_error_info_t *err);
/**
 * \brief Check that the weights of every `from` sum to 1 within \p tol (a mass-preserving
 * split); CM_EINVAL names the first `from` that does not, with its sum.
 */
CM_EXPORT cm_error_t cm_concordance_check_split(const cm_concordance_t *c, double tol,
                                                cm_error_info_t *err);

CM_END_DECLS

#endif

/* Internals shared by the sensitivity and Monte Carlo sources (not installed). */
#ifndef CAMBIUM_CRIT_MC_INTERNAL_H
#define CAMBIUM_CRIT_MC_INTERNAL_H

#include "cambium/cm_crit_mc.h"
#include "cambium/cm_rng.h"

/* Slack of the threshold decision (as the EU method's compute: values went through text). */
#define CM_I_CRIT_EPS 1e-9

/* x >= threshold, after rounding x to one decimal when round_decision is set; NaN is never
 * at or above a threshold. The convention of cm_crit_compute_material. */
int cm_i_crit_at_least(cm_real_t x, cm_real_t threshold, int round_decision);

/* One Dirichlet draw of the shares of \p base into \p work (same n), as the Monte Carlo draws
 * them (for the tests). CM_EINVAL, CM_ENOMEM. */
cm_error_t cm_i_crit_mc_dirichlet(cm_rng_t *rng, const cm_crit_supply_t *base,
                                  cm_real_t concentration, cm_real_t lump_below,
                                  cm_crit_supply_t *work, cm_error_info_t *err);

#endif

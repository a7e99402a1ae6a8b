/* Internals shared by the sensitivity and Monte Carlo sources (not installed). */
#ifndef CAMBIUM_CRIT_MC_INTERNAL_H
#define CAMBIUM_CRIT_MC_INTERNAL_H

#include "cambium/cm_crit_mc.h"

/* Slack of the threshold decision (as the EU method's compute: values went through text). */
#define CM_I_CRIT_EPS 1e-9

/* x >= threshold, after rounding x to one decimal when round_decision is set; NaN is never
 * at or above a threshold. The convention of cm_crit_compute_material. */
int cm_i_crit_at_least(cm_real_t x, cm_real_t threshold, int round_decision);

#endif

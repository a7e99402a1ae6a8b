/* Internal helpers of the trade module (src/trade), prefix cm_i_trade_. */
#ifndef CAMBIUM_TRADE_INTERNAL_H
#define CAMBIUM_TRADE_INTERNAL_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cambium/cm_trade.h"

/* Allocate the six columns of b for cap rows (b->n unchanged); CM_ENOMEM leaves b as it was. */
cm_error_t cm_i_trade_baci_reserve(cm_trade_baci_t *b, size_t cap, cm_error_info_t *err);

/* Largest exporter/importer code and HS6 code accepted by the reader. */
#define CM_I_TRADE_MAX_COUNTRY 999
#define CM_I_TRADE_MIN_HS6 10000
#define CM_I_TRADE_MAX_HS6 999999

/* Ordinal of a period "YYYY" (the year; *monthly = 0) or "YYYY-MM" (year * 12 + month - 1;
 * *monthly = 1); -1 for anything else. */
long cm_i_trade_period_ordinal(const char *s, int *monthly);

/* Fill the GeoDep fields of the annual pointers of out (exports, ratio, world export HHI,
 * criteria) from obs (pointers.c calls it last). */
cm_error_t cm_i_trade_geodep_fill(const cm_trade_obs_list_t *obs, cm_trade_pointers_t *out,
                                  const cm_trade_params_t *p, cm_error_info_t *err);

/* s names an HS edition: "HS" and four digits ("HS2017"). */
static inline int cm_i_trade_is_edition(const char *s)
{
    return s != NULL && strlen(s) == 6 && s[0] == 'H' && s[1] == 'S' &&
           strspn(s + 2, "0123456789") == 4;
}

/* part / whole kept within [0, 1]; 0 when whole is not positive or either is not finite. */
static inline double cm_i_trade_share01(double part, double whole)
{
    double s = whole > 0.0 && isfinite(whole) && isfinite(part) ? part / whole : 0.0;
    return s < 0.0 ? 0.0 : s > 1.0 ? 1.0 : s;
}

/* Order of sources: importer kind, then value unit. */
static inline int cm_i_trade_cmp_source(const char *ka, const char *ua, const char *kb,
                                        const char *ub)
{
    int c = strcmp(ka, kb);
    return c != 0 ? c : strcmp(ua, ub);
}

#endif

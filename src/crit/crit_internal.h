/* Internal declarations of the criticality module. */
#ifndef CAMBIUM_CRIT_INTERNAL_H
#define CAMBIUM_CRIT_INTERNAL_H

#include <stddef.h>

#include "cambium/cm_common.h"
#include "cambium/cm_crit.h"

/* data/crit/hs6-materials.csv, embedded at build time (cmake/EmbedCritData.cmake):
 * NUL-terminated, cm_i_crit_hs6_csv_len bytes without the NUL. */
extern const unsigned char cm_i_crit_hs6_csv[];
extern const size_t cm_i_crit_hs6_csv_len;

/* Flags of cm_i_crit_parse_real. */
enum {
    CM_I_CRIT_FINITE = 1u,         /* reject inf and nan */
    CM_I_CRIT_TRAILING_BLANKS = 2u /* accept spaces and tabs after the number */
};

/* Parse the whole of s as a number (strtod, no ERANGE); 1 and *out set on success, 0 otherwise
 * (also for NULL or empty s). flags: CM_I_CRIT_* (src/crit/crit_util.c). */
int cm_i_crit_parse_real(const char *s, unsigned flags, cm_real_t *out);

/* In items[0..n) of stride bytes each, sorted by a NUL-terminated country code that is the
 * first member of each item (cm_crit_wgi_entry_t, cm_supply_ind_entry_t): the index of the
 * first item whose code is >= country (n when none). O(log n). */
size_t cm_i_crit_country_lower_bound(const void *items, size_t n, size_t stride,
                                     const char *country);
/* The same table: the index of the item with that code, -1 when absent. O(log n). */
ptrdiff_t cm_i_crit_country_find(const void *items, size_t n, size_t stride, const char *country);

/* Every share of in is bound to wgi (index -1, or below wgi->n), else CM_EINVAL naming the
 * material and country; when used is not NULL (wgi->n bytes, zeroed by the caller), used[k] = 1
 * for every WGI row some share uses. O(number of shares). */
cm_error_t cm_i_crit_check_bound(const cm_crit_inputs_t *in, const cm_crit_wgi_t *wgi,
                                 unsigned char *used, cm_error_info_t *err);

#endif

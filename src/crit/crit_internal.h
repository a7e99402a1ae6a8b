/* Internal declarations of the criticality module. */
#ifndef CAMBIUM_CRIT_INTERNAL_H
#define CAMBIUM_CRIT_INTERNAL_H

#include <stddef.h>

/* data/crit/hs6-materials.csv, embedded at build time (cmake/EmbedCritData.cmake):
 * NUL-terminated, cm_i_crit_hs6_csv_len bytes without the NUL. */
extern const unsigned char cm_i_crit_hs6_csv[];
extern const size_t cm_i_crit_hs6_csv_len;

#endif

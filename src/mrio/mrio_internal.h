/* Internal helpers of the MRIO module (src/mrio), prefix cm_i_mrio_. */
#ifndef CAMBIUM_MRIO_INTERNAL_H
#define CAMBIUM_MRIO_INTERNAL_H

#include <stddef.h>

/* Outcome of ::cm_i_mrio_parse_number. */
typedef enum cm_i_mrio_num_t {
    CM_I_MRIO_NUM_OK = 0,    /* a finite number */
    CM_I_MRIO_NUM_BAD = 1,   /* not a number (or empty, or a number with trailing text) */
    CM_I_MRIO_NUM_NAN = 2,   /* "nan", "NaN", ... */
    CM_I_MRIO_NUM_INF = 3,   /* "inf", "-Infinity", or a decimal number beyond the double range */
    CM_I_MRIO_NUM_EMPTY = 4  /* an empty cell (pandas writes NaN so) */
} cm_i_mrio_num_t;

/* Parse the whole of s[0, len) as a decimal number (optional sign, digits, optional '.',
 * digits, optional exponent), locale-independent. The common case (at most 2^53 as the
 * integer of its significant digits and a decimal exponent within +-22) is exact with one
 * double multiplication or division (Clinger's fast path); anything else goes through strtod
 * in the "C" locale, so the result is always the correctly rounded double. */
cm_i_mrio_num_t cm_i_mrio_parse_number(const char *s, size_t len, double *out);

/* Format a finite v into buf (at least 32 bytes), locale-independent, so that it reads back
 * as exactly v; returns the length. Integers below 2^53 are printed as such; otherwise the
 * shortest of 15 or 16 significant digits that reads back exactly (checked with one exact
 * IEEE operation), else "%.17g" through snprintf, with the "C" locale in effect (set by the
 * caller with ::cm_i_mrio_format_begin / ::cm_i_mrio_format_end around a batch). */
size_t cm_i_mrio_format_number(char *buf, double v);

/* Switch the calling thread to the "C" locale for a batch of ::cm_i_mrio_format_number
 * calls; returns the previous locale handle to give to ::cm_i_mrio_format_end. */
void *cm_i_mrio_format_begin(void);
void cm_i_mrio_format_end(void *previous);

#endif

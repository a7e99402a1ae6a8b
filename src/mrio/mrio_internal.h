/* Internal helpers of the MRIO module (src/mrio), prefix cm_i_mrio_. */
#ifndef CAMBIUM_MRIO_INTERNAL_H
#define CAMBIUM_MRIO_INTERNAL_H

#include <stddef.h>

#include "cambium/cm_array.h"
#include "cambium/cm_error.h"

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

/* Format v into buf (at least 32 bytes, NUL-terminated), locale-independent, so that it
 * reads back as exactly v, in the layout of Python's repr (what pandas' to_csv writes: "0.0",
 * "12.0", "0.1", "1e-05", "1e+16"); returns the length. Integers below 2^53 are printed
 * directly; otherwise the shortest of 15 or 16 significant digits that reads back exactly
 * (checked with one exact IEEE operation), else the correctly rounded 17 digits (128-bit
 * integers, for 1e-6 <= |v| < 1e17), else "%.17g" through snprintf with the "C" locale in
 * effect (set by the caller with ::cm_i_mrio_format_begin / ::cm_i_mrio_format_end around a
 * batch). NaN gives "" (pandas' empty cell), infinities "inf" and "-inf". */
size_t cm_i_mrio_format_number(char *buf, double v);

/* Switch the calling thread to the "C" locale for a batch of ::cm_i_mrio_format_number
 * calls; returns the previous locale handle to give to ::cm_i_mrio_format_end. */
void *cm_i_mrio_format_begin(void);
void cm_i_mrio_format_end(void *previous);

/* Label axes of the pymrio tables: a grid of outer x inner labels (region x sector, region x
 * category; item i is (a[i / nb], b[i % nb])) or a list of n tuples of nlev labels
 * (a[i * nlev + level]). */
typedef struct cm_i_mrio_axis_t {
    size_t nlev;          /* label cells per item (2 for a grid) */
    size_t n;             /* items */
    const char *const *a; /* grid: outer labels; list: n * nlev labels */
    size_t na;
    const char *const *b; /* grid: inner labels; NULL for a list */
    size_t nb;
} cm_i_mrio_axis_t;

static inline const char *cm_i_mrio_axis_label(const cm_i_mrio_axis_t *x, size_t i, size_t level)
{
    if (x->b != NULL) {
        return level == 0 ? x->a[i / x->nb] : x->b[i % x->nb];
    }
    return x->a[i * x->nlev + level];
}

static inline cm_i_mrio_axis_t cm_i_mrio_axis_grid(const char *const *a, size_t na,
                                                   const char *const *b, size_t nb)
{
    cm_i_mrio_axis_t x = {2, na * nb, a, na, b, nb};
    return x;
}

static inline cm_i_mrio_axis_t cm_i_mrio_axis_list(const char *const *a, size_t n, size_t nlev)
{
    cm_i_mrio_axis_t x = {nlev, n, a, n, NULL, 0};
    return x;
}

/* "<a><sep><b>" into a new string (cm_free); CM_ENOMEM or CM_EOVERFLOW (64 KiB) named. */
cm_error_t cm_i_mrio_join_path(const char *a, const char *sep, const char *b, char **out,
                               cm_error_info_t *err);

/* The item codes of a dimension (borrowed) in a new array (cm_free). */
cm_error_t cm_i_mrio_codes_of(const cm_dim_t *d, const char ***out, cm_error_info_t *err);

#endif

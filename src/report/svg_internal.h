/* Internal definitions of the SVG figure writer (not installed). */
#ifndef CAMBIUM_SVG_INTERNAL_H
#define CAMBIUM_SVG_INTERNAL_H

#include "cm_internal.h"
#include "cambium/cm_svg.h"

typedef enum cm_i_svg_kind_t {
    CM_I_SVG_SCATTER = 0,
    CM_I_SVG_LINE = 1,
    CM_I_SVG_AREA = 2,
    CM_I_SVG_BARS = 3,
    CM_I_SVG_BAND = 4
} cm_i_svg_kind_t;

typedef struct cm_i_svg_series_t {
    cm_i_svg_kind_t kind;
    char *name;    /* NULL when no legend entry */
    double *x;     /* NULL for bars */
    double *y;     /* n values (the lower edge of a band) */
    double *y2;    /* the upper edge of a band, else NULL */
    char **labels; /* NULL or n entries (each may be NULL) */
    size_t n;
} cm_i_svg_series_t;

typedef struct cm_i_svg_ref_t {
    int vertical;
    double value;
    char *label;
} cm_i_svg_ref_t;

struct cm_svg_t {
    double width, height;
    char *title, *xlabel, *ylabel;
    int has_range[2];
    double range[2][2];
    cm_i_svg_series_t *series;
    size_t nseries, series_cap;
    cm_i_svg_ref_t *refs;
    size_t nrefs, refs_cap;
    char **cats;
    size_t ncats;
    cm_svg_bar_mode_t bar_mode;
};

/* A number printed locale-independently: at most `decimals` decimals (0..6), trailing zeros
 * removed when trim is set, "-0" printed as "0". Returned by value so that it can be used
 * inline in a printf argument list. */
typedef struct cm_i_num_t {
    char s[48];
} cm_i_num_t;

cm_i_num_t cm_i_svg_num(double x, int decimals, int trim);

/* Append text XML-escaped (& < > " ' as entities; control characters other than tab, LF and
 * CR dropped; other bytes, hence UTF-8, copied). */
cm_error_t cm_i_svg_escape(cm_i_buf_t *b, const char *text);

/* Number of decimals needed to print tick values of this step. */
int cm_i_svg_tick_decimals(double step);

/* Stacking: top[j] = base[j] + y[j], a non-finite y[j] counting 0. top may alias base. */
void cm_i_svg_stack(const double *base, const double *y, size_t n, double *top);

/* The fixed colour of series number i (Okabe-Ito order, cycling after 8). */
const char *cm_i_svg_colour(size_t i);

/* The colour of series i of the figure: an unnamed series and a band take the colour of the
 * series added just before them; other series advance through the palette. */
const char *cm_i_svg_series_colour(const cm_svg_t *fig, size_t i);

/* Write bytes to path atomically (temporary file, fsync, rename). */
cm_error_t cm_i_write_atomic(const char *path, const char *data, size_t len, cm_error_info_t *err);

#endif

/**
 * \file cm_svg.h
 * \brief A small, deterministic SVG figure writer: scatter plots with point labels, lines,
 * stacked areas, grouped or stacked bars, reference lines, axes with "nice" ticks and a legend.
 *
 * A figure is an opaque context (::cm_svg_create / ::cm_svg_free). Series are copied into the
 * figure, so the caller's arrays may be freed after each call. Output is a string
 * (::cm_svg_render) or a file written atomically (::cm_svg_write). The same calls always give
 * the same bytes: colours come in a fixed order from the colour-blind-safe Okabe-Ito palette
 * (M. Okabe and K. Ito, "Color Universal Design", 2002/2008); a series without a name (the
 * markers of a line, say) and a band take the colour of the series added just before them,
 * so only named series advance through the palette; numbers are printed with at most
 * two decimals without the C locale's help, and text is XML-escaped (UTF-8 passes through).
 *
 * Axes are linear. The x axis is numeric, unless categories are set for bars; bars and x-y
 * series (scatter, line, area) cannot be mixed in one figure. Non-finite values (NaN, Inf) are
 * skipped: a scatter point is left out, a line is broken at it, and in stacked areas and bars
 * it contributes nothing (counts as 0).
 */
#ifndef CAMBIUM_CM_SVG_H
#define CAMBIUM_CM_SVG_H

#include "cm_common.h"
#include "cm_error.h"

CM_BEGIN_DECLS

/** An SVG figure under construction (opaque). */
typedef struct cm_svg_t cm_svg_t;

/** Ticks of a linear axis: lo, lo + step, ..., hi (n values). */
typedef struct cm_svg_ticks_t {
    double lo;   /**< first tick, <= the data minimum */
    double hi;   /**< last tick, >= the data maximum */
    double step; /**< 1, 2 or 5 times a power of ten */
    size_t n;    /**< number of ticks, >= 2 */
} cm_svg_ticks_t;

/** How several bar series share a category. */
typedef enum cm_svg_bar_mode_t {
    CM_SVG_BARS_GROUPED = 0, /**< side by side (default) */
    CM_SVG_BARS_STACKED = 1  /**< on top of each other; negative values stack downwards */
} cm_svg_bar_mode_t;

/**
 * \brief "Nice" ticks covering [lo, hi]: step = 1, 2 or 5 x 10^k, the smallest such step not
 * below (hi - lo) / (target - 1); first tick floor(lo / step) * step, last ceil(hi / step) * step.
 * Example: 0 .. 7.3 with target 5 gives 0, 2, 4, 6, 8. When lo == hi the range is widened by
 * 10 % of |lo| (or by 1 when lo is 0) on each side.
 * \param[out] out receives the ticks.
 * \return CM_OK; CM_EINVAL if lo or hi is not finite, lo > hi, hi - lo overflows, target < 2
 *   or > 1000, the range is too narrow to step through in double precision, or out is NULL.
 * Complexity O(1).
 */
CM_EXPORT cm_error_t cm_svg_nice_ticks(double lo, double hi, size_t target, cm_svg_ticks_t *out,
                                       cm_error_info_t *err);

/**
 * \brief Create an empty figure of \p width x \p height pixels (each 100 .. 10000).
 * \param[out] out receives the figure; free it with ::cm_svg_free.
 * \return CM_OK, CM_EINVAL (size out of range, out NULL), CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_svg_create(double width, double height, cm_svg_t **out,
                                   cm_error_info_t *err);

/** \brief Free a figure and everything it copied. NULL is a no-op. */
CM_EXPORT void cm_svg_free(cm_svg_t *fig);

/**
 * \brief Set the title and the axis labels (each may be NULL for none; include the unit in the
 * label, e.g. "Supply risk (1)" or "Stock (kt)"). Texts are copied.
 * \return CM_OK, CM_EINVAL (fig NULL), CM_ENOMEM (the figure keeps its previous texts).
 */
CM_EXPORT cm_error_t cm_svg_set_labels(cm_svg_t *fig, const char *title, const char *xlabel,
                                       const char *ylabel, cm_error_info_t *err);

/**
 * \brief Force the data range of an axis (axis 'x' or 'y'); nice ticks are then computed on
 * [lo, hi]. Data outside are clipped at the plot area. An x range is ignored on a bar chart.
 * \return CM_OK; CM_EINVAL for another axis, non-finite bounds or lo >= hi.
 */
CM_EXPORT cm_error_t cm_svg_set_range(cm_svg_t *fig, char axis, double lo, double hi,
                                      cm_error_info_t *err);

/**
 * \brief Add a scatter series; \p labels (NULL allowed, or NULL entries) are written next to the
 * points, e.g. material names on a supply-risk versus economic-importance plot.
 * \param[in] name legend entry (NULL or "" for none).
 * \param[in] x,nx,y,ny the coordinates; nx must equal ny. labels has ny entries when not NULL.
 * \return CM_OK; CM_EINVAL for an empty series (n = 0), nx != ny, NULL arrays, or a figure
 *   with bar categories; CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_svg_add_scatter(cm_svg_t *fig, const char *name, const double *x,
                                        size_t nx, const double *y, size_t ny,
                                        const char *const *labels, cm_error_info_t *err);

/**
 * \brief Add a line series (a time series, for instance). A non-finite x or y breaks the line.
 * \return as ::cm_svg_add_scatter.
 */
CM_EXPORT cm_error_t cm_svg_add_line(cm_svg_t *fig, const char *name, const double *x, size_t nx,
                                     const double *y, size_t ny, cm_error_info_t *err);

/**
 * \brief Add a stacked area on top of the areas added before (stocks by material over time).
 * x must be finite and strictly increasing and equal to the x of the first area.
 * \return as ::cm_svg_add_scatter, plus CM_EINVAL for an x that differs from the first area's
 *   or is not strictly increasing.
 */
CM_EXPORT cm_error_t cm_svg_add_area(cm_svg_t *fig, const char *name, const double *x, size_t nx,
                                     const double *y, size_t ny, cm_error_info_t *err);

/**
 * \brief Add a shaded band between \p lo and \p hi (an uncertainty interval, e.g. the 5th to
 * 95th percentile of a Monte Carlo run). It is drawn behind the lines, in the colour of the
 * series added just before it (the series it belongs to), with a legend entry when named.
 * A point where x, lo or hi is not finite breaks the band.
 * \param[in] lo,hi the edges, ny values each (lo <= hi is not required).
 * \return as ::cm_svg_add_scatter, plus CM_EINVAL when no series was added before.
 */
CM_EXPORT cm_error_t cm_svg_add_band(cm_svg_t *fig, const char *name, const double *x, size_t nx,
                                     const double *lo, const double *hi, size_t ny,
                                     cm_error_info_t *err);

/**
 * \brief Upper edge of stacked area \p k (0 = the first area added) at each x: the sum of the
 * y values of areas 0..k, non-finite values counting 0. This is what the figure draws.
 * \param[out] tops caller-allocated array of \p n doubles; n must equal the areas' length.
 * \return CM_OK; CM_EINVAL (no area k, n mismatch, NULL).
 */
CM_EXPORT cm_error_t cm_svg_area_top(const cm_svg_t *fig, size_t k, double *tops, size_t n,
                                     cm_error_info_t *err);

/**
 * \brief Set the categories of a bar chart (the x axis becomes categorical). Once only, before
 * any bars, and not in a figure with x-y series.
 * \return CM_OK; CM_EINVAL (n = 0, NULL entries, set twice, x-y series present); CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_svg_set_categories(cm_svg_t *fig, const char *const *categories, size_t n,
                                           cm_error_info_t *err);

/** \brief Grouped (default) or stacked bars. \return CM_OK, CM_EINVAL for an unknown mode. */
CM_EXPORT cm_error_t cm_svg_set_bar_mode(cm_svg_t *fig, cm_svg_bar_mode_t mode,
                                         cm_error_info_t *err);

/**
 * \brief Add a bar series: one value per category.
 * \return CM_OK; CM_EINVAL (no categories set, n != number of categories, values NULL);
 *   CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_svg_add_bars(cm_svg_t *fig, const char *name, const double *values,
                                     size_t n, cm_error_info_t *err);

/**
 * \brief Add a dashed horizontal (axis 'y', at y = value) or vertical (axis 'x', at x = value)
 * reference line with an optional label, e.g. the thresholds SR = 1 and EI = 2.8.
 * \return CM_OK; CM_EINVAL (axis not 'x'/'y', value not finite, vertical line on a bar chart);
 *   CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_svg_add_refline(cm_svg_t *fig, char axis, double value, const char *label,
                                        cm_error_info_t *err);

/**
 * \brief Render the figure as an SVG document (starts with "<svg", ends with "</svg>\n").
 * \param[out] out receives a new NUL-terminated string; free it with cm_free().
 * \return CM_OK; CM_EINVAL (no series, NULL); CM_ENOMEM; CM_EOVERFLOW (above 256 MiB).
 * Complexity O(total number of points).
 */
CM_EXPORT cm_error_t cm_svg_render(const cm_svg_t *fig, char **out, cm_error_info_t *err);

/**
 * \brief Render and write the figure to \p path atomically: the text goes to a temporary file
 * "path.tmp.XXXXXX" beside it (mkstemp), which is flushed (fsync), given mode 0644 and renamed
 * over \p path. On failure the temporary file is removed and \p path is untouched.
 * \return CM_OK; CM_EINVAL; CM_ENOMEM; CM_EOVERFLOW; CM_EFILE (the message names the file and
 *   the system error).
 */
CM_EXPORT cm_error_t cm_svg_write(const cm_svg_t *fig, const char *path, cm_error_info_t *err);

CM_END_DECLS

#endif

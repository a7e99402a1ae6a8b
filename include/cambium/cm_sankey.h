/**
 * \file cm_sankey.h
 * \brief Sankey diagrams as SVG: nodes in columns, flows as filled bands between cubic Bezier
 * edges whose width is proportional to the flow, and loops (a flow to a column at or left of
 * its source, such as recycling back to the inflow) drawn explicitly below the diagram.
 * Layout: one scale k (pixels per unit) for the whole figure, the largest that fits every
 * column; a node is max(inflows, outflows) x k high; flows leave and enter their nodes stacked
 * top-down in the order they were added. Every flow path carries data-value and data-width
 * attributes (width = value x k).
 */
#ifndef CAMBIUM_CM_SANKEY_H
#define CAMBIUM_CM_SANKEY_H

#include <stddef.h>

#include "cm_common.h"
#include "cm_error.h"

CM_BEGIN_DECLS

/** A Sankey diagram under construction (opaque; ::cm_sankey_create / ::cm_sankey_free). */
typedef struct cm_sankey_t cm_sankey_t;

/**
 * \brief Create an empty diagram.
 * \param[in] title figure title (NULL: none). \param[in] unit unit of the values shown in the
 * labels (NULL: none). Both copied.
 * \param[out] out the diagram; free with ::cm_sankey_free.
 * \return CM_OK, CM_EINVAL (out NULL), CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_sankey_create(const char *title, const char *unit, cm_sankey_t **out,
                                      cm_error_info_t *err);

/** \brief Free a diagram; NULL is a no-op. */
CM_EXPORT void cm_sankey_free(cm_sankey_t *s);

/**
 * \brief Add a node in column \p column (0 = leftmost, at most 63).
 * \param[out] id optional: the node's index (0, 1, ... in order of addition).
 * \return CM_OK, CM_EINVAL (NULL name, column above 63), CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_sankey_add_node(cm_sankey_t *s, const char *name, int column,
                                        size_t *id, cm_error_info_t *err);

/**
 * \brief Add a flow of \p value (finite, >= 0; 0 is kept but not drawn) from node \p from to
 * node \p to. A flow to a column at or left of the source's is a loop.
 * \return CM_OK, CM_EINVAL (unknown node, from == to, bad value), CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_sankey_add_flow(cm_sankey_t *s, size_t from, size_t to, double value,
                                        cm_error_info_t *err);

/**
 * \brief As ::cm_sankey_add_flow, with the flow's standard deviation \p sd (>= 0, or NaN for
 * none): a forward flow then gets a lighter band of width (value + 2 sd) x k around it
 * (path class="sd-band" with data-sd and a "value ± sd" title), drawn beneath the flow; a
 * loop gets the same band at its start. Diagrams without any sd render as before.
 * \return CM_OK, CM_EINVAL (as ::cm_sankey_add_flow, or sd negative or infinite), CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_sankey_add_flow_sd(cm_sankey_t *s, size_t from, size_t to, double value,
                                           double sd, cm_error_info_t *err);

/** \brief Number of nodes. */
CM_EXPORT size_t cm_sankey_nnodes(const cm_sankey_t *s);
/** \brief Number of flows. */
CM_EXPORT size_t cm_sankey_nflows(const cm_sankey_t *s);

/**
 * \brief Sums of the flows into and out of node \p id (for conservation checks).
 * \return CM_OK or CM_EINVAL (NULL, unknown node).
 */
CM_EXPORT cm_error_t cm_sankey_node_totals(const cm_sankey_t *s, size_t id, double *in,
                                           double *out, cm_error_info_t *err);

/**
 * \brief Render as an SVG document of \p width x \p height pixels (each 200 .. 10000):
 * nodes as rect class="node", forward flows as filled path class="flow", loops as stroked
 * path class="loop", labels "name value unit".
 * \param[out] out new NUL-terminated text; free with cm_free().
 * \return CM_OK; CM_EINVAL (NULL, size out of range, no node, no flow above 0); CM_ENOMEM;
 * CM_EOVERFLOW. Complexity O(nodes + flows).
 */
CM_EXPORT cm_error_t cm_sankey_render(const cm_sankey_t *s, double width, double height,
                                      char **out, cm_error_info_t *err);

/**
 * \brief Render and write to \p path atomically (temporary file, fsync, rename).
 * \return as ::cm_sankey_render, plus CM_EFILE.
 */
CM_EXPORT cm_error_t cm_sankey_write(const cm_sankey_t *s, const char *path, double width,
                                     double height, cm_error_info_t *err);

CM_END_DECLS

#endif

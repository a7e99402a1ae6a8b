/**
 * \file cm_class.h
 * \brief Classifications as data: countries (ISO3 with every alias the sources use), raw
 * materials with their aliases, and code lists (HS6, CN8, PRODCOM, NACE) loaded into the store.
 *
 * A classification maps any accepted spelling (code or name, case-, accent-, punctuation- and
 * footnote-digit-insensitive) to one canonical code. The built-in ones ("country", "material")
 * are compiled into the library and seeded into every new store.
 */
#ifndef CAMBIUM_CM_CLASS_H
#define CAMBIUM_CM_CLASS_H

#include "cm_common.h"
#include "cm_error.h"
#include "cm_store.h"

CM_BEGIN_DECLS

/** An in-memory classification with its alias index (opaque). */
typedef struct cm_class_t cm_class_t;

/**
 * \brief A built-in classification without a store: "country" or "material".
 * \return CM_OK, CM_ENOTFOUND (no such built-in), CM_EINVAL (out NULL), CM_ENOMEM.
 * Free with ::cm_class_free. Complexity: parses the embedded list, O(n log n).
 */
CM_EXPORT cm_error_t cm_class_builtin(const char *name, cm_class_t **out, cm_error_info_t *err);

/**
 * \brief Load classification \p name (built-in or imported) from the store.
 * \param[out] out new classification, free with ::cm_class_free.
 * \return CM_OK, CM_ENOTFOUND (no such classification in the store), CM_EINVAL, CM_ESTORE,
 * CM_ENOMEM. Complexity: O(n log n) in codes + aliases.
 */
CM_EXPORT cm_error_t cm_class_load(cm_store_t *store, const char *name, cm_class_t **out,
                                   cm_error_info_t *err);

/** \brief Free; NULL is a no-op. */
CM_EXPORT void cm_class_free(cm_class_t *c);

/**
 * \brief Canonical code for a code or name as written in a source ("ROM" -> "ROU",
 * "Congo, D.R." -> "COD", "Türkiye" -> "TUR", "New Caledonia11" -> "NCL"), or NULL when unknown.
 * The returned string is borrowed from \p c. An exact canonical code resolves to itself; other
 * text is normalised (ASCII case, Latin-1 accents, '&' = "and", punctuation and blanks) and looked
 * up, then retried without leading zeros, a glued USGS 'e' mark, footnote digits, a trailing
 * "(note)" or ", qualifier" (docs/classifications.md). Allocates nothing; O(log n). Texts of
 * 512 bytes or more do not resolve.
 */
CM_EXPORT const char *cm_class_resolve(const cm_class_t *c, const char *text);

/** \brief Label of a canonical code (borrowed), or NULL. */
CM_EXPORT const char *cm_class_label(const cm_class_t *c, const char *code);

/** \brief Non-zero when \p code is an aggregate (World, EU27, "Other countries"), not a member. */
CM_EXPORT int cm_class_is_aggregate(const cm_class_t *c, const char *code);

/** \brief Parent (group) of a canonical code, e.g. "rare-earth-elements-heavy" for
 * "dysprosium" (borrowed), or NULL when it has none or the code is unknown. */
CM_EXPORT const char *cm_class_parent(const cm_class_t *c, const char *code);

/** \brief Name of the classification ("country", "material", "hs6" ...), borrowed. */
CM_EXPORT const char *cm_class_name(const cm_class_t *c);

/** \brief Number of canonical codes. */
CM_EXPORT size_t cm_class_size(const cm_class_t *c);

/** \brief Canonical code number \p i (0-based, in classification order), borrowed. */
CM_EXPORT const char *cm_class_code(const cm_class_t *c, size_t i);

/**
 * \brief Import a code list from a CSV file with columns `code,label[,parent][,aliases]`
 * (aliases separated by '|') as classification \p name, in one transaction (replacing an
 * earlier list of that name). Errors name file, line and column.
 * An optional `aggregate` column (0/1) flags aggregates; further columns (except source, note,
 * notes, description) hold aliases too. A label shared by several codes does not resolve.
 * \return CM_OK; CM_EINVAL (arguments, the built-in names "country"/"material", a read-only
 * store, an import open, an alias naming two codes); CM_EFILE; CM_EPARSE (no code or label
 * column, an empty code, a code given twice, an aggregate that is not 0/1, malformed CSV);
 * CM_ESTORE; CM_ENOMEM. On error the store is unchanged.
 */
CM_EXPORT cm_error_t cm_store_class_import(cm_store_t *store, const char *name,
                                           const char *path, cm_error_info_t *err);

CM_END_DECLS

#endif

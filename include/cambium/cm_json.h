/**
 * \file cm_json.h
 * \brief JSON through jansson: cambium's allocator for jansson, loading with positions in
 * errors, canonical dumps for hashing, atomic writing of documents and tables.
 *
 * jansson's allocator is process-wide. ::cm_json_init points it at cm_malloc/cm_free (once,
 * thread-safe); every function here calls it first. A program that also uses jansson
 * directly must call ::cm_json_init before creating any json_t, so that every jansson block
 * is allocated and freed by the same pair. Memory returned by jansson (json_dumps, objects)
 * is then freed with cm_free / json_decref.
 */
#ifndef CAMBIUM_CM_JSON_H
#define CAMBIUM_CM_JSON_H

#include <jansson.h>

#include "cm_common.h"
#include "cm_csv.h"
#include "cm_error.h"

CM_BEGIN_DECLS

/** \brief Make jansson allocate through cm_malloc/cm_free (process-wide, idempotent). */
CM_EXPORT void cm_json_init(void);

/**
 * \brief Parse JSON text (duplicate object keys are rejected).
 * \param[in] name labels error positions. \param[out] out new reference (json_decref).
 * \return CM_OK, CM_EINVAL, CM_EPARSE (file:line:column and jansson's reason), CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_json_load_buffer(const char *data, size_t len, const char *name,
                                         json_t **out, cm_error_info_t *err);

/** \brief Parse a JSON file (at most 256 MiB). \return as ::cm_json_load_buffer, and
 * CM_EFILE, CM_EOVERFLOW. */
CM_EXPORT cm_error_t cm_json_load_file(const char *path, json_t **out, cm_error_info_t *err);

/**
 * \brief Canonical text of \p j: keys sorted, compact, reals with %.17g
 * (JSON_SORT_KEYS | JSON_COMPACT | JSON_REAL_PRECISION(17)); equal values give equal bytes,
 * so the text can be hashed to identify parameters.
 * \param[out] out new NUL-terminated string, free with cm_free.
 * \return CM_OK, CM_EINVAL, CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_json_dump_canonical(const json_t *j, char **out, cm_error_info_t *err);

/**
 * \brief Write \p j to \p path atomically (temporary file + fsync + rename), followed by a
 * newline. \p flags are jansson dump flags; 0 means JSON_INDENT(2) | JSON_SORT_KEYS |
 * JSON_REAL_PRECISION(17).
 * \return CM_OK, CM_EINVAL, CM_EFILE, CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_json_write_file(const char *path, const json_t *j, size_t flags,
                                        cm_error_info_t *err);

/**
 * \brief A table as an array of objects, one per row, keyed by the header.
 * With \p numbers non-zero, a cell that is a plain number becomes a JSON number (integer when
 * written as one), an empty cell null, and any other cell (flags included) stays a string;
 * with \p numbers zero every present cell is a string. Missing cells of short rows are
 * omitted. Duplicate header names: the later column wins.
 * \param[out] out new reference (json_decref).
 * \return CM_OK, CM_EINVAL, CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_json_from_table(const cm_table_t *t, int numbers, json_t **out,
                                        cm_error_info_t *err);

/** \brief ::cm_json_from_table then ::cm_json_write_file (flags 0). */
CM_EXPORT cm_error_t cm_json_write_table(const cm_table_t *t, const char *path, int numbers,
                                         cm_error_info_t *err);

CM_END_DECLS

#endif

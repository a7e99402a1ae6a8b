/**
 * \file cm_kv.h
 * \brief The sectioned key = value text format used for recipes, model files, schemas and
 * other analyst-written settings (tables use CSV: see cm_csv.h and docs/formats.md).
 *
 * Grammar (one construct per line, UTF-8, an optional BOM is ignored, CRLF accepted):
 * \code
 *   # comment            ; comment            (blank lines are ignored)
 *   [type]               [type name]          (a section: type [A-Za-z0-9_.-]+, optional name)
 *   key = value          key = "quoted \"value\" \\ with escapes"
 *   key = value # inline comment (after a blank)
 * \endcode
 * Keys are [A-Za-z0-9_.-]+; unquoted values are trimmed; a key may repeat (a list, kept in
 * order). Errors (CM_EPARSE with file:line:column, columns in bytes): duplicate section
 * type + name, key outside a section, missing '=', bad key, unterminated quote, unknown
 * escape, text after a closing quote or ']', invalid UTF-8.
 */
#ifndef CAMBIUM_CM_KV_H
#define CAMBIUM_CM_KV_H

#include "cm_common.h"
#include "cm_error.h"

CM_BEGIN_DECLS

/** One `key = value` line (a view into the document; valid until ::cm_kv_free). */
typedef struct cm_kv_entry_t {
    const char *key;
    const char *value;    /**< unquoted and unescaped UTF-8 ("" for `key =`) */
    int64_t line;         /**< 1-based line */
    int64_t key_column;   /**< 1-based byte column of the key */
    int64_t value_column; /**< 1-based byte column where the value starts (its quote if quoted) */
    int quoted;           /**< the value was written in double quotes */
} cm_kv_entry_t;

/** One section (a view into the document; valid until ::cm_kv_free). */
typedef struct cm_kv_section_t {
    const char *type;              /**< "dataset" in `[dataset wgi]` */
    const char *name;              /**< "wgi" in `[dataset wgi]`; "" when absent */
    int64_t line;                  /**< line of the `[...]` header */
    const char *file;              /**< name of the document (for messages) */
    size_t nentries;
    const cm_kv_entry_t *entries;  /**< in file order */
} cm_kv_section_t;

/** A parsed document (opaque; create with ::cm_kv_read_file or ::cm_kv_read_buffer). */
typedef struct cm_kv_doc_t cm_kv_doc_t;

/**
 * \brief Parse a key = value file.
 * \param[out] out the document (caller owns; free with ::cm_kv_free); NULL on error.
 * \return CM_OK, CM_EINVAL, CM_EFILE, CM_EPARSE (file:line:column), CM_EOVERFLOW (file over
 * 64 MiB), CM_ENOMEM. Complexity: linear in the file size.
 */
CM_EXPORT cm_error_t cm_kv_read_file(const char *path, cm_kv_doc_t **out, cm_error_info_t *err);

/** \brief As ::cm_kv_read_file on \p len bytes of memory; \p name labels positions. */
CM_EXPORT cm_error_t cm_kv_read_buffer(const char *data, size_t len, const char *name,
                                       cm_kv_doc_t **out, cm_error_info_t *err);

/** \brief Free a document; NULL is a no-op. */
CM_EXPORT void cm_kv_free(cm_kv_doc_t *doc);

/** \brief Number of sections. */
CM_EXPORT size_t cm_kv_nsections(const cm_kv_doc_t *doc);

/** \brief Section \p i in file order (borrowed), NULL when out of range. */
CM_EXPORT const cm_kv_section_t *cm_kv_section_at(const cm_kv_doc_t *doc, size_t i);

/**
 * \brief The first section of \p type whose name is \p name (NULL = any name), or NULL.
 * Comparison is exact (case-sensitive). Complexity: linear in the number of sections.
 */
CM_EXPORT const cm_kv_section_t *cm_kv_find_section(const cm_kv_doc_t *doc, const char *type,
                                                    const char *name);

/** \brief The first entry with \p key in \p s (borrowed), or NULL. */
CM_EXPORT const cm_kv_entry_t *cm_kv_get(const cm_kv_section_t *s, const char *key);

/** \brief How many entries of \p s have \p key (a repeated key is a list). */
CM_EXPORT size_t cm_kv_count(const cm_kv_section_t *s, const char *key);

/** \brief The \p n-th (0-based) entry with \p key, or NULL. */
CM_EXPORT const cm_kv_entry_t *cm_kv_get_nth(const cm_kv_section_t *s, const char *key,
                                             size_t n);

/**
 * \brief The value of \p key (first occurrence; borrowed).
 * \return CM_OK, CM_ENOTFOUND (message names the key and section, position = section line),
 * CM_EINVAL.
 */
CM_EXPORT cm_error_t cm_kv_get_string(const cm_kv_section_t *s, const char *key,
                                      const char **out, cm_error_info_t *err);

/**
 * \brief The value of \p key as a finite double (::cm_num_parse, '.' decimal, statistical
 * flags not allowed).
 * \return CM_OK, CM_ENOTFOUND, CM_EPARSE or CM_ENUMERIC at file:line:column of the value.
 */
CM_EXPORT cm_error_t cm_kv_get_double(const cm_kv_section_t *s, const char *key, double *out,
                                      cm_error_info_t *err);

/** \brief The value of \p key as a decimal 64-bit integer. \return as ::cm_kv_get_double
 * (CM_EPARSE also when out of range). */
CM_EXPORT cm_error_t cm_kv_get_int(const cm_kv_section_t *s, const char *key, cm_int_t *out,
                                   cm_error_info_t *err);

/** \brief The value of \p key as a boolean: yes/true/1 or no/false/0 (ASCII case-insensitive).
 * \return as ::cm_kv_get_double. */
CM_EXPORT cm_error_t cm_kv_get_bool(const cm_kv_section_t *s, const char *key, int *out,
                                    cm_error_info_t *err);

/** \brief ::cm_kv_get_double on one entry (for repeated keys). */
CM_EXPORT cm_error_t cm_kv_entry_double(const cm_kv_section_t *s, const cm_kv_entry_t *e,
                                        double *out, cm_error_info_t *err);
/** \brief ::cm_kv_get_int on one entry. */
CM_EXPORT cm_error_t cm_kv_entry_int(const cm_kv_section_t *s, const cm_kv_entry_t *e,
                                     cm_int_t *out, cm_error_info_t *err);
/** \brief ::cm_kv_get_bool on one entry. */
CM_EXPORT cm_error_t cm_kv_entry_bool(const cm_kv_section_t *s, const cm_kv_entry_t *e,
                                      int *out, cm_error_info_t *err);

/**
 * \brief Reject keys of \p s that are not among the \p n \p allowed ones (a typo such as
 * "licnse" is reported with its line and column and the list of allowed keys).
 * \return CM_OK, CM_EPARSE at the first unknown key, CM_EINVAL.
 */
CM_EXPORT cm_error_t cm_kv_check_keys(const cm_kv_section_t *s, const char *const *allowed,
                                      size_t n, cm_error_info_t *err);

CM_END_DECLS

#endif

/**
 * \file cm_report.h
 * \brief The assessment report: table objects made from the CSV files the verbs write, and the
 * static outputs of an assessment (HTML page, XLSX workbook, per-table CSV and JSON).
 *
 * A *table object* and an *assessment* are the JSON documents of docs/dashboard-contract.md
 * section 1 (jansson values). `cambium assess` builds them; `cambium serve` and other front
 * ends read them back from the store and may reuse these writers.
 */
#ifndef CAMBIUM_CM_REPORT_H
#define CAMBIUM_CM_REPORT_H

#include <stddef.h>

#include <jansson.h>

#include "cm_common.h"
#include "cm_error.h"

CM_BEGIN_DECLS

/** What a table object says besides its cells. Strings are borrowed for the call and copied. */
typedef struct cm_report_table_spec_t {
    const char *id;              /**< table id, `[a-z0-9_]{1,64}` (required) */
    const char *section;         /**< section id (required) */
    const char *title;           /**< title shown above the table (required) */
    const char *material_column; /**< column holding material ids, or NULL */
    const char *source;          /**< verb and datasets it came from, or NULL ("") */
    const char *note;            /**< one paragraph: what the table is, or NULL ("") */
    const char *figure_svg;      /**< self-contained SVG text, or NULL (no figure) */
    const char *text_columns;    /**< comma-separated columns kept as strings even when their
                                      cells look like numbers (codes such as HS6), or NULL */
    const char *units;           /**< "column=unit;column=unit" for the columns' units, or NULL
                                      (every unit "") */
} cm_report_table_spec_t;

/**
 * \brief Make a table object from CSV text (header row = column names).
 * A cell is a JSON number when the whole cell is a finite decimal number (`12`, `-0.5`,
 * `1e-3`; not `nan`, `inf`, hex, nor text with blanks), unless its column is listed in
 * spec->text_columns or it is an integer written with a leading zero (`0302`, a code); integers
 * up to 2^53 in magnitude become JSON integers, other numbers JSON reals (the value strtod
 * reads, so %.17g text round-trips). An empty or missing cell is `null`; anything else a string.
 * \param[in] data,len CSV text (UTF-8; separator detected; quotes as RFC 4180).
 * \param[in] name labels error positions (file name).
 * \param[out] out new reference (json_decref); NULL on error.
 * \return CM_OK; CM_EINVAL (NULL argument, a spec without id, section or title, an id not
 * matching `[a-z0-9_]{1,64}`, material_column not a column, figure_svg not starting with
 * `<svg`); CM_EPARSE (malformed CSV, no header: file:line:column); CM_ENOMEM.
 * Complexity: linear in the text.
 */
CM_EXPORT cm_error_t cm_report_table_from_buffer(const char *data, size_t len, const char *name,
                                                 const cm_report_table_spec_t *spec,
                                                 json_t **out, cm_error_info_t *err);

/** \brief As ::cm_report_table_from_buffer on the file \p path (at most 256 MiB).
 * \return as ::cm_report_table_from_buffer, and CM_EFILE (cannot read). */
CM_EXPORT cm_error_t cm_report_table_from_csv(const char *path,
                                              const cm_report_table_spec_t *spec, json_t **out,
                                              cm_error_info_t *err);

/**
 * \brief Write the cells of a table object as CSV (header = column names; numbers with %.17g;
 * null as an empty cell; RFC 4180 quoting) through a temporary file and a rename.
 * Equal table objects give equal bytes.
 * \return CM_OK; CM_EINVAL (NULL, not a table object: columns/rows missing or a row of the wrong
 * length); CM_EFILE; CM_ENOMEM. On error \p path is unchanged.
 */
CM_EXPORT cm_error_t cm_report_table_write_csv(const json_t *table, const char *path,
                                               cm_error_info_t *err);

/**
 * \brief Write any JSON value (a table object, an assessment) with sorted keys, two-space
 * indentation and %.17g reals, through a temporary file and a rename.
 * \return CM_OK, CM_EINVAL, CM_EFILE, CM_ENOMEM. On error \p path is unchanged.
 */
CM_EXPORT cm_error_t cm_report_write_json(const json_t *value, const char *path,
                                          cm_error_info_t *err);

/** Options of the HTML report. Zero-initialise; zero fields take the defaults. */
typedef struct cm_report_html_options_t {
    size_t max_rows;        /**< rows shown per table before "first N of M" and a link
                                 (default 25) */
    const char *tables_dir; /**< relative link to the CSV files (default "tables") */
} cm_report_html_options_t;

/**
 * \brief The static report as one self-contained HTML page: a title, a table of contents, one
 * `<section id="...">` per section of \p assessment (its methods note, status, summary lines,
 * and for each of its tables the figure inline, the first rows and a link to the CSV), and a
 * provenance appendix (`<section id="provenance">`) with every dataset's name, kind,
 * publisher, licence, version, file and SHA-256, then, when the assessment has a non-empty
 * `files` array (`[{"path", "sha256", "used_by": [...]}]`: input files that are not store
 * datasets), a "Files" table (`<h3 id="files">`) with each file's path, SHA-256 and users. Every text is HTML-escaped (`<`, `>`, `&`,
 * `"`, `'`); figures are included as given (they are the library's own SVG). No external
 * reference (fonts, scripts, style sheets).
 * \param[in] assessment an assessment object (contract section 1).
 * \param[in] tables an object mapping table id to table object (a table listed by a section but
 * missing here is named as missing).
 * \param[in] opt options or NULL.
 * \param[out] out new NUL-terminated string (cm_free).
 * \return CM_OK; CM_EINVAL (NULL, \p assessment without a sections array, \p tables not an
 * object); CM_EOVERFLOW (page over 512 MiB); CM_ENOMEM.
 * Complexity: linear in the tables shown.
 */
CM_EXPORT cm_error_t cm_report_html(const json_t *assessment, const json_t *tables,
                                    const cm_report_html_options_t *opt, char **out,
                                    cm_error_info_t *err);

/** \brief ::cm_report_html written to \p path through a temporary file and a rename.
 * \return as ::cm_report_html, and CM_EFILE. */
CM_EXPORT cm_error_t cm_report_write_html(const json_t *assessment, const json_t *tables,
                                          const cm_report_html_options_t *opt, const char *path,
                                          cm_error_info_t *err);

/**
 * \brief An XLSX workbook of the assessment (libxlsxwriter): a first sheet "provenance" (one
 * row per dataset: id, kind, name, publisher, licence, version, file, sha256; then, after a
 * blank row, the assessment's `files` if any: a header path, sha256, used_by and one row per
 * file, used_by joined with ", "), then one sheet
 * per table in the order of the sections, named by the table id (31 characters at most),
 * header row = column names, numbers as numbers, strings as strings, null cells empty.
 * Document properties are fixed (title = the recipe, author "cambium", creation time
 * 2000-01-01T00:00:00Z) so that equal inputs give an equal file. Written to a temporary
 * file and renamed.
 * \return CM_OK; CM_EINVAL (NULL, malformed assessment or tables); CM_EFILE (libxlsxwriter
 * could not write: its message is given); CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_report_write_xlsx(const json_t *assessment, const json_t *tables,
                                          const char *path, cm_error_info_t *err);

CM_END_DECLS

#endif

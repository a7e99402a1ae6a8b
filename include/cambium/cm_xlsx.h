/**
 * \file cm_xlsx.h
 * \brief Reading one worksheet of an Office Open XML workbook (.xlsx) as rows of strings.
 *
 * The workbook is opened with libzip and each part is parsed with expat as it is decompressed:
 * the worksheet is streamed row by row, never held whole. Cells come as text:
 * - shared strings (t="s") and inline strings (t="inlineStr") as their text (rich-text runs
 *   joined, phonetic runs left out);
 * - numbers as the text of their value, exactly as stored ("2.5", "1E-3"; dates are numbers:
 *   serial days, no style is applied);
 * - booleans as "TRUE" or "FALSE"; formula results (t="str") and error values (t="e",
 *   "#N/A") as their text;
 * - missing cells of a row as empty fields, so that field i is column i + 1 (A = field 0),
 *   taken from the cell references ("C12"); a row ends at its last non-empty cell.
 * Rows without any cell are not reported (like blank lines of a CSV); a row's number is
 * ::cm_csv_row_t.line, so that a position (line, field + 1) names the cell.
 * Errors name the file, the sheet and the cell ("book.xlsx [Sheet1] C12: ...").
 */
#ifndef CAMBIUM_CM_XLSX_H
#define CAMBIUM_CM_XLSX_H

#include "cm_common.h"
#include "cm_csv.h"
#include "cm_error.h"

CM_BEGIN_DECLS

/** Limits of a read (bounded memory). Zero fields take the defaults. */
typedef struct cm_xlsx_options_t {
    size_t max_cell_bytes;   /**< longest cell text (default 1 MiB; Excel's own limit is 32767
                                  characters) */
    size_t max_columns;      /**< widest row (default 16384 = column XFD, Excel's limit) */
    size_t max_shared_bytes; /**< total bytes of the shared-string table (default 256 MiB) */
} cm_xlsx_options_t;

/** Names of the worksheets of a workbook, in workbook order. Value container: zero-initialise;
 * destroy with ::cm_xlsx_sheets_destroy. */
typedef struct cm_xlsx_sheets_t {
    size_t n;
    char **names; /**< owned */
} cm_xlsx_sheets_t;

/**
 * \brief List the worksheets of the workbook at \p path.
 * \param[in,out] out zeroed or holding an earlier list (destroyed first); the caller destroys
 *   it with ::cm_xlsx_sheets_destroy. Left empty on error.
 * \return CM_OK; CM_EINVAL (NULL argument); CM_EFILE (cannot open, or not a zip archive);
 *   CM_EPARSE (no xl/workbook.xml, malformed XML: the part, line and column are named);
 *   CM_ENOMEM. Complexity: linear in the size of the workbook part.
 */
CM_EXPORT cm_error_t cm_xlsx_sheets(const char *path, cm_xlsx_sheets_t *out,
                                    cm_error_info_t *err);

/** \brief Free the names; safe on a zeroed list or twice; leaves it zeroed. */
CM_EXPORT void cm_xlsx_sheets_destroy(cm_xlsx_sheets_t *s);

/**
 * \brief Read one worksheet and hand each row to \p fn.
 * \param[in] path the .xlsx file (named in errors as given).
 * \param[in] sheet the sheet's name (exact match), or NULL to take sheet number \p index
 *   (0-based, in workbook order).
 * \param[in] opt limits (NULL = defaults).
 * \param[in] fn called once per row: fields[i] is column i + 1, lengths are byte lengths, line
 *   is the sheet's row number, record counts the rows reported (1 = first). The row is valid
 *   during the call only. Returning anything but CM_OK stops the read; that code is returned.
 * \return CM_OK; CM_EINVAL (NULL path or fn); CM_EFILE (cannot open, not a zip archive, a part
 *   that cannot be read); CM_ENOTFOUND (no such sheet: the message lists the sheets);
 *   CM_EPARSE (malformed XML with its part, line and column; a bad cell reference, a
 *   shared-string index out of range, a cell or row over the limits, a document type
 *   declaration (refused), each naming the sheet and cell); CM_ENOMEM; or the code \p fn
 *   returned. err->file is the path, err->line the sheet row when a cell is at fault.
 * Memory: the shared strings plus one row; the sheet is streamed.
 * Complexity: linear in the decompressed size of the sheet and the shared strings.
 */
CM_EXPORT cm_error_t cm_xlsx_read(const char *path, const char *sheet, size_t index,
                                  const cm_xlsx_options_t *opt, cm_csv_row_fn *fn,
                                  void *user_data, cm_error_info_t *err);

/**
 * \brief As ::cm_xlsx_read on a workbook held in memory (\p size bytes at \p data, borrowed for
 * the call); \p name is used in messages (NULL = "(buffer)"). For fuzzing and embedded files.
 * \return as ::cm_xlsx_read (CM_EFILE for bytes that are not a zip archive).
 */
CM_EXPORT cm_error_t cm_xlsx_read_buffer(const void *data, size_t size, const char *name,
                                         const char *sheet, size_t index,
                                         const cm_xlsx_options_t *opt, cm_csv_row_fn *fn,
                                         void *user_data, cm_error_info_t *err);

CM_END_DECLS

#endif

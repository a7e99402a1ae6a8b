/**
 * \file cm_csv.h
 * \brief Tidy-table I/O: CSV/TSV reading (libcsv underneath), locale-independent number parsing
 * with statistical flags, and atomic CSV writing.
 *
 * Reading accepts UTF-8 with or without BOM, Windows-1252 (converted to UTF-8 on request or
 * when detected with CM_ENC_AUTO), CRLF or LF, quoted fields with embedded newlines, and
 * ',', ';' or tab separators. Positions in errors are 1-based: line = physical line of the
 * input, column = field number (1 = first field).
 */
#ifndef CAMBIUM_CM_CSV_H
#define CAMBIUM_CM_CSV_H

#include "cm_common.h"
#include "cm_error.h"

CM_BEGIN_DECLS

/** Input text encodings. */
typedef enum cm_encoding_t {
    CM_ENC_AUTO = 0,        /**< UTF-8 when valid, otherwise Windows-1252 converted (counted) */
    CM_ENC_UTF8 = 1,        /**< UTF-8 required: invalid bytes are a parse error */
    CM_ENC_WINDOWS1252 = 2  /**< convert every byte from Windows-1252 to UTF-8 */
} cm_encoding_t;

/** Reader options. Zero-initialise, then set what differs; see ::cm_csv_options_default. */
typedef struct cm_csv_options_t {
    char separator;          /**< ',', ';' or '\t'; 0 = detect from the first line */
    cm_encoding_t encoding;  /**< see ::cm_encoding_t */
    int strict_fields;       /**< non-zero: every record must have the header's field count */
    int skip_blank_lines;    /**< non-zero: lines with no content are skipped (not records) */
    size_t max_record_bytes; /**< a record longer than this is an error; 0 = 512 KiB */
    int64_t max_records;     /**< stop with an error past this many records; 0 = no limit */
} cm_csv_options_t;

/** \brief Fill \p opt with the defaults: detect the separator, AUTO encoding, strict fields,
 * skip blank lines, records up to 512 KiB, no record limit. (A zero-initialised struct differs:
 * fields not strict and blank lines delivered as one-empty-field records.) */
CM_EXPORT void cm_csv_options_default(cm_csv_options_t *opt);

/** What the reader saw: reported by importers as counted quirks. */
typedef struct cm_csv_stats_t {
    int had_bom;              /**< a UTF-8 byte-order mark was removed */
    int converted_1252;       /**< the input was converted from Windows-1252 */
    int64_t converted_fields; /**< fields that contained converted (non-ASCII) bytes */
    int crlf;                 /**< CRLF line ends were seen */
    char separator;           /**< the separator used (detected or given) */
    int64_t records;          /**< records delivered, header included */
    int64_t lines;            /**< physical lines read */
    int64_t blank_lines;      /**< blank lines skipped */
} cm_csv_stats_t;

/** One record handed to a row callback. Valid only during the callback. */
typedef struct cm_csv_row_t {
    size_t nfields;
    const char *const *fields; /**< NUL-terminated UTF-8 field texts (quotes removed) */
    const size_t *lengths;     /**< byte lengths of the fields */
    int64_t line;              /**< physical line where the record starts (1-based) */
    int64_t record;            /**< record number (1 = header) */
} cm_csv_row_t;

/**
 * Row callback. Return CM_OK to continue; any other code stops reading and is returned by the
 * reader (fill \p err to explain; the reader adds the file name when err->file is empty).
 */
typedef cm_error_t cm_csv_row_fn(const cm_csv_row_t *row, void *user_data, cm_error_info_t *err);

/**
 * \brief Stream the records of a file to \p fn.
 * \param[in] path file to read; "-" is not special.
 * \param[in] opt options (NULL = defaults).
 * \param[out] stats optional; filled even on error with what was seen so far.
 * \return CM_OK, CM_EINVAL (NULL path, bad separator or encoding), CM_EFILE (cannot open or
 * read), CM_EPARSE (malformed quoting, unterminated quote, field count, invalid UTF-8, record
 * too long, empty file), CM_EOVERFLOW (more than max_records records), CM_ENOMEM, or the
 * callback's code. \p fn may be NULL (validation only).
 * Complexity: linear in the file size; memory bounded by max_record_bytes. With CM_ENC_AUTO
 * the file is read twice (UTF-8 validation pass, then the parse).
 */
CM_EXPORT cm_error_t cm_csv_read_file(const char *path, const cm_csv_options_t *opt,
                                      cm_csv_row_fn *fn, void *user_data,
                                      cm_csv_stats_t *stats, cm_error_info_t *err);

/** \brief As ::cm_csv_read_file on a memory buffer; \p name labels error positions. */
CM_EXPORT cm_error_t cm_csv_read_buffer(const char *data, size_t len, const char *name,
                                        const cm_csv_options_t *opt, cm_csv_row_fn *fn,
                                        void *user_data, cm_csv_stats_t *stats,
                                        cm_error_info_t *err);

/**
 * A whole table in memory: the first record is the header. Cells are row-major strings.
 * Value container: zero-initialise (CM_TABLE_NULL); destroy with ::cm_table_destroy.
 */
typedef struct cm_table_t {
    char *name;       /**< file name the table came from (for messages) */
    size_t nrows;     /**< data rows (header excluded) */
    size_t ncols;     /**< header fields */
    char **header;    /**< ncols names */
    char **cells;     /**< nrows*ncols texts; a short row's missing cells are NULL */
    size_t *rowlen;   /**< fields actually present in each row (strict_fields off; fields past
                           ncols are dropped, rowlen keeps the real count) */
    int64_t *line;    /**< physical line of each row */
    cm_csv_stats_t stats;
} cm_table_t;

#define CM_TABLE_NULL {NULL, 0, 0, NULL, NULL, NULL, NULL, {0, 0, 0, 0, 0, 0, 0, 0}}

/**
 * \brief Read a whole CSV/TSV file into \p t (which must be zeroed or destroyed).
 * Errors as ::cm_csv_read_file; also CM_EPARSE for an empty file or a header-only file when
 * \p require_rows is non-zero. On error \p t is left empty (its stats keep what was seen).
 * Ownership: \p t owns every string; free with ::cm_table_destroy. Memory: proportional to
 * the file (one block per non-empty cell); stream large files with ::cm_csv_read_file.
 */
CM_EXPORT cm_error_t cm_table_read(cm_table_t *t, const char *path, const cm_csv_options_t *opt,
                                   int require_rows, cm_error_info_t *err);
/** \brief Free a table; safe on a zeroed table, leaves it zeroed. */
CM_EXPORT void cm_table_destroy(cm_table_t *t);
/** \brief Index of the column whose header equals \p name (ASCII case-insensitive, trimmed); -1 if absent. */
CM_EXPORT cm_int_t cm_table_col(const cm_table_t *t, const char *name);
/** \brief Cell text (borrowed), or "" for a missing cell or out-of-range index. */
CM_EXPORT const char *cm_table_cell(const cm_table_t *t, size_t row, size_t col);

/* --- numbers ------------------------------------------------------------------------------ */

/** Flags found in a numeric cell (bit set). A cell may carry a value and flags ("12.3 e"). */
enum {
    CM_NUMF_EMPTY = 1 << 0,        /**< empty cell: no value */
    CM_NUMF_NA = 1 << 1,           /**< "NA", "N/A", "n.a.": not available */
    CM_NUMF_NOT_AVAILABLE = 1 << 2,/**< "..", ":" (Eurostat, World Bank): not available */
    CM_NUMF_WITHHELD = 1 << 3,     /**< "W" (USGS), "c" (confidential): withheld */
    CM_NUMF_NIL = 1 << 4,          /**< "-", "–": nil or not applicable */
    CM_NUMF_LESS_THAN = 1 << 5,    /**< "<0.1": value is an upper bound */
    CM_NUMF_GREATER_THAN = 1 << 6, /**< ">50": value is a lower bound */
    CM_NUMF_PERCENT = 1 << 7,      /**< a trailing '%': value is as written (281% -> 281) */
    CM_NUMF_ESTIMATED = 1 << 8,    /**< Eurostat 'e', WMD 'e' */
    CM_NUMF_PROVISIONAL = 1 << 9,  /**< Eurostat 'p', WMD 'p' */
    CM_NUMF_BREAK = 1 << 10,       /**< Eurostat 'b': break in series */
    CM_NUMF_CONFIDENTIAL = 1 << 11,/**< Eurostat 'c' after a value or alone */
    CM_NUMF_REVISED = 1 << 12,     /**< 'r' */
    CM_NUMF_OTHER = 1 << 13,       /**< another flag letter (kept in flag_text) */
    CM_NUMF_TEXT = 1 << 14         /**< a word standing for a quantity: "Large", "Small" */
};

/** Number-parsing options (zero = defaults: '.' decimal, no thousands separator). */
typedef struct cm_num_options_t {
    int decimal_comma;   /**< ',' is the decimal separator ('.' may then group thousands) */
    int thousands;       /**< accept grouping separators ("1,234,567" or "1.234.567" with decimal_comma) */
    int flags_allowed;   /**< accept flags; when zero any flag is a parse error */
} cm_num_options_t;

/** A parsed numeric cell. */
typedef struct cm_num_t {
    double value;       /**< NaN when the cell holds no value (flags only) */
    unsigned flags;     /**< CM_NUMF_* bits */
    char flag_text[16]; /**< the flag as written ("W", "..", "e", "<", "%"), "" for none */
} cm_num_t;

/**
 * \brief Parse a numeric cell, locale-independently (accepted forms: docs/formats.md).
 * Leading/trailing blanks are ignored. Text such as "nan", "inf" or "1e999" is rejected.
 * \p opt NULL means '.' decimal, no grouping, flags allowed. \p text NULL is an empty cell.
 * On error out->value is NaN and out->flags 0. Thread-safe; no allocation.
 * \return CM_OK (check out->flags for flags), CM_EINVAL (out NULL), CM_EPARSE when the text is not a number or a
 * known flag (err->message says what was expected and quotes the text), CM_ENUMERIC for
 * NaN/Inf/overflow. No position is set: the caller adds file, line and column.
 */
CM_EXPORT cm_error_t cm_num_parse(const char *text, const cm_num_options_t *opt, cm_num_t *out,
                                  cm_error_info_t *err);

/** \brief Whether a parsed cell carries a usable value (not NaN). */
CM_EXPORT int cm_num_has_value(const cm_num_t *n);

/* --- writing ------------------------------------------------------------------------------ */

/** An open CSV writer (opaque). Writes go to a temporary file renamed on commit. */
typedef struct cm_csv_writer_t cm_csv_writer_t;

/**
 * \brief Open \p path for writing via "path.tmp.XXXXXX"; nothing replaces \p path before
 * ::cm_csv_writer_commit. \p separator ',' ';' or '\t'.
 * \param[out] out the writer (caller owns: commit or abort it).
 * \return CM_OK, CM_EINVAL (bad separator), CM_EFILE, CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_csv_writer_open(const char *path, char separator,
                                        cm_csv_writer_t **out, cm_error_info_t *err);
/** \brief Write one record of text fields (NULL = empty); quotes as needed (RFC 4180): a
 * field containing the separator, a quote, CR or LF, or with a leading or trailing blank.
 * \return CM_OK, CM_EINVAL, CM_EFILE, CM_ENOMEM. */
CM_EXPORT cm_error_t cm_csv_write_row(cm_csv_writer_t *w, size_t n, const char *const *fields,
                                      cm_error_info_t *err);
/** \brief Format a double so that it round-trips: the shortest of %.15g, %.16g, %.17g that
 * reads back to the same bits, in the "C" locale. NaN is written as "" (empty), infinities as
 * "inf"/"-inf" (which ::cm_num_parse rejects). \p buf must hold 32 bytes. Returns buf. */
CM_EXPORT char *cm_csv_format_double(double v, char *buf);
/** \brief Flush, fsync and rename over the target; frees \p w (also on error).
 * \return CM_OK, CM_EINVAL (w NULL), CM_EFILE (the target is then unchanged). */
CM_EXPORT cm_error_t cm_csv_writer_commit(cm_csv_writer_t *w, cm_error_info_t *err);
/** \brief Discard the temporary file; frees \p w. NULL is a no-op. */
CM_EXPORT void cm_csv_writer_abort(cm_csv_writer_t *w);

/* --- encodings ---------------------------------------------------------------------------- */

/** \brief Whether \p len bytes are valid UTF-8 (no overlongs, surrogates or code points
 * above U+10FFFF). */
CM_EXPORT int cm_utf8_valid(const char *s, size_t len);
/**
 * \brief Convert Windows-1252 bytes to a new UTF-8 string (free with cm_free).
 * Bytes with no Windows-1252 mapping (0x81, 0x8D, 0x8F, 0x90, 0x9D) become U+FFFD.
 * \param[out] out new string (free with cm_free); \p outlen optional, bytes without the NUL.
 * \return CM_OK, CM_EINVAL, CM_EOVERFLOW (input over 357 MiB), CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_cp1252_to_utf8(const char *s, size_t len, char **out, size_t *outlen);

CM_END_DECLS

#endif

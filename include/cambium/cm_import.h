/**
 * \file cm_import.h
 * \brief Importers of public datasets into the store: the Worldwide Governance Indicators,
 * the EU 2023 criticality tables, USGS Mineral Commodity Summaries world tables, World Mining
 * Data production, trade (Eurostat Comext, CEPII BACI, UN Comtrade) with a CN8 code list, OECD
 * input-output tables (value added and output by industry), the CRM Act 2024 lists, and a
 * generic tidy CSV described by a schema file.
 *
 * Every import runs in one store transaction (::cm_store_import_begin ... commit): on any
 * error the transaction is rolled back and the store file is left byte-identical. Errors in
 * the input name the file, the physical line and the field number (column) and say what was
 * expected. Quirks of real files (byte-order mark, Windows-1252 text, decimal commas,
 * duplicated rows, statistical flags, unknown country or material codes) are not errors:
 * they are counted in the ::cm_import_report_t and recorded as issues of the dataset; rows
 * with an unknown country or material are kept aside (quarantined), not imported.
 * The kinds, the columns each reads and the variables it stores are described in
 * docs/importers.md.
 */
#ifndef CAMBIUM_CM_IMPORT_H
#define CAMBIUM_CM_IMPORT_H

#include "cm_class.h"
#include "cm_common.h"
#include "cm_csv.h"
#include "cm_error.h"
#include "cm_store.h"

CM_BEGIN_DECLS

/**
 * Import options. Zero-initialise, then set what differs. Strings are borrowed for the call.
 */
typedef struct cm_import_options_t {
    const char *name;      /**< dataset name shown to users (NULL = the importer's default) */
    const char *version;   /**< edition / release (NULL = the importer's default) */
    const char *publisher; /**< provenance overrides (NULL = the importer's default) */
    const char *source;
    const char *licence;
    const char *schema;    /**< kind "tidy": path of the schema file (required) */
    const char *scope;     /**< kind "eu-crm-supply": "global" or "eu" (NULL = from the file name) */
    const char *region;    /**< kind "iot-oecd": country of the table (NULL = from the file name) */
    const char *period;    /**< kinds "iot-oecd", "baci", "comtrade": the year when the file has no
                                year column (NULL = from the file name) */
    cm_encoding_t encoding;/**< input encoding (default CM_ENC_AUTO) */
    int decimal_comma;     /**< non-zero: ',' is the decimal separator in numbers */
    char separator;        /**< field separator; 0 = the importer's default or detection */
    double share_tolerance;/**< shares of one group may sum to 1 + this; 0 = 0.025 */
    int skip_existing;     /**< non-zero: a file already imported (same kind and SHA-256) is
                                skipped and reported with `skipped` = 1 */
    const cm_class_t *countries; /**< country classification to resolve codes with (borrowed);
                                      NULL = loaded from the store for this import */
    const cm_class_t *materials; /**< material classification, likewise */
    const char *importer; /**< kind "geopolrisk-trade": the importing country (ISO3, M49 or
                               name) when the file has no importer column */
    /** Optional progress callback: called with the records read so far every
     * CM_IMPORT_PROGRESS_EVERY records (total = -1, unknown) and once at the end with
     * done = total = the records read. It must not call back into the import. */
    void (*progress)(const char *what, int64_t done, int64_t total, void *user_data);
    void *progress_data; /**< passed to \p progress */
} cm_import_options_t;

/** Records between two calls of cm_import_options_t.progress. */
#define CM_IMPORT_PROGRESS_EVERY 20000

/** One kind of quirk met during an import, with how often. Strings owned by the report. */
typedef struct cm_import_quirk_t {
    char *kind;      /**< "bom", "windows-1252", "decimal-comma", "flag", "duplicate-row",
                          "unknown-country", "unknown-material", ... */
    char *detail;    /**< e.g. the flag text ".."; NULL when the kind says it all */
    int64_t count;   /**< occurrences (cells, rows or files, as docs/importers.md says) */
    int kept_aside;  /**< non-zero: each occurrence is a row kept aside, not imported */
} cm_import_quirk_t;

/**
 * What an import did. Value container: zero-initialise (or ::cm_import_report_destroy) before
 * passing it; destroy with ::cm_import_report_destroy.
 */
typedef struct cm_import_report_t {
    int64_t dataset_id;  /**< id of the new dataset (or of the existing one when skipped) */
    int64_t rows;        /**< observations stored */
    int64_t records;     /**< data records read (header excluded) */
    int64_t kept_aside;  /**< records kept aside (unknown country or material ...) */
    int skipped;         /**< 1 when skip_existing found the file already imported */
    char kind[32];       /**< the importer kind used (resolved when "auto" was asked) */
    char sha256[65];     /**< SHA-256 of the imported file, lowercase hex */
    size_t nquirks;
    cm_import_quirk_t *quirks; /**< in the order first met */
} cm_import_report_t;

/** \brief Free the contents of \p r and zero it; safe on a zeroed report. */
CM_EXPORT void cm_import_report_destroy(cm_import_report_t *r);

/**
 * \brief Import one file into \p store as one dataset.
 * \param[in] store an open, writable store.
 * \param[in] kind one of the names listed by ::cm_import_kind_name, or "auto" to detect the
 *            kind from the header line.
 * \param[in] path the file to import (its path as given is recorded in the provenance).
 * \param[in] opt options (NULL = defaults).
 * \param[out] report optional; must be zeroed or destroyed; filled on success (and with what
 *             was counted so far on failure). Destroy with ::cm_import_report_destroy.
 * \param[out] err optional error details: for bad input, file, line and column are set.
 * \return CM_OK; CM_EINVAL (unknown kind, missing schema, scope not given nor deducible; kinds
 * iot-oecd, baci (all-pairs layout) and comtrade (no year column): a region or year that is
 * neither given nor in the file name, an unknown region, a period that is not a year);
 * CM_EFILE (cannot open or read the file); CM_EPARSE (malformed input: empty file, header
 * only, wrong field count, unterminated quote, over-long line, a text where a number must be,
 * negative value where none can be, shares over 1, mixed units, missing column, a separator
 * other than the expected one); CM_ENUMERIC (NaN or Inf in the input); CM_ENOTFOUND (kind
 * "auto" and no importer recognises the header); CM_ESTORE; CM_ENOMEM.
 * On every error the store is unchanged.
 * Complexity: linear in the file size; memory linear in the number of distinct records
 * (duplicate detection).
 */
CM_EXPORT cm_error_t cm_import_file(cm_store_t *store, const char *kind, const char *path,
                                    const cm_import_options_t *opt, cm_import_report_t *report,
                                    cm_error_info_t *err);

/** \brief Number of importer kinds. */
CM_EXPORT size_t cm_import_kind_count(void);
/** \brief Name of kind \p i (0-based; NULL past the end), e.g. "wgi". Static string. */
CM_EXPORT const char *cm_import_kind_name(size_t i);
/** \brief One-line description of kind \p i (NULL past the end). Static string. */
CM_EXPORT const char *cm_import_kind_summary(size_t i);

/**
 * \brief Detect the kind of a file from its first line (header).
 * \param[out] kind receives a static kind name.
 * \return CM_OK, CM_EFILE, CM_ENOTFOUND (no importer recognises the header; the message
 * quotes it), CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_import_detect(const char *path, const char **kind, cm_error_info_t *err);

/**
 * Called by ::cm_import_bundle after each dataset of a bundle (imported or skipped).
 * \p name is the bundle section name. Return CM_OK to go on.
 */
typedef cm_error_t cm_import_bundle_fn(const char *name, const cm_import_report_t *report,
                                       void *user_data);

/**
 * \brief Import every dataset listed in DIR/bundle.ini (one `[dataset NAME]` section per file
 * with `kind`, `file` (relative to DIR) and optional `name`, `version`, `publisher`, `source`,
 * `licence`, `schema`, `scope`, `encoding`, `decimal_comma`, `separator`), in file order.
 * A dataset whose file is already in the store with the same kind and SHA-256 is skipped, so
 * running a bundle twice imports nothing the second time. Each dataset is its own
 * transaction: on an error the datasets before it stay imported and the failing one leaves
 * no trace.
 * \return CM_OK, CM_EFILE (no bundle.ini), CM_EPARSE (malformed bundle.ini: file, line),
 * or the first failing import's code (err names the file).
 */
CM_EXPORT cm_error_t cm_import_bundle(cm_store_t *store, const char *dir,
                                      cm_import_bundle_fn *fn, void *user_data,
                                      cm_error_info_t *err);

CM_END_DECLS

#endif

/**
 * \file cm_store.h
 * \brief The store: an embedded SQLite file with provenance, imported tidy observations,
 * statistical flags, import issues, bulk-file references, results and classifications.
 *
 * Each import is one transaction (::cm_store_import_begin ... ::cm_store_import_commit): a failed
 * or abandoned import leaves the store exactly as before, including bulk files it copied.
 * The schema carries a version (PRAGMA user_version); opening an older store migrates it.
 */
#ifndef CAMBIUM_CM_STORE_H
#define CAMBIUM_CM_STORE_H

#include "cm_common.h"
#include "cm_concord.h"
#include "cm_error.h"

CM_BEGIN_DECLS

/** An open store (opaque context). */
typedef struct cm_store_t cm_store_t;
/** An import in progress (one transaction). */
typedef struct cm_store_import_t cm_store_import_t;

/** Open flags. */
enum {
    CM_STORE_CREATE = 1,   /**< create the file (and schema) when missing */
    CM_STORE_READONLY = 2  /**< open read-only; no migration */
};

/** The schema version this library writes (1 = provenance tables, 2 = classifications,
 * concordances and indexes; see docs/store.md). */
#define CM_STORE_SCHEMA_VERSION 2

/**
 * \brief Open (and with CM_STORE_CREATE create) the store at \p path, migrating older schemas.
 * A new store (a missing or empty file with CM_STORE_CREATE) gets the current schema and the
 * built-in classifications. An older cambium schema is migrated, one step per transaction; the
 * built-in classifications are refreshed when this library's lists differ from the stored ones.
 * Settings: journal_mode=DELETE, synchronous=NORMAL, foreign_keys=ON.
 * \param[in] path the SQLite file; bulk files live in "<path>.files/".
 * \param[in] flags 0, CM_STORE_CREATE or CM_STORE_READONLY (read-only never migrates).
 * \param[out] out the open store (NULL on error); the caller owns it: ::cm_store_close.
 * \return CM_OK; CM_EINVAL (NULL arguments, CREATE|READONLY); CM_EFILE (no such store without
 * CREATE, a directory, cannot open); CM_ESTORE ("not a cambium store" for a non-SQLite file, an
 * SQLite file of another application or an empty file without CREATE; "store schema version N
 * is newer than this cambium (M)"; an older schema opened read-only; any SQLite error, with its
 * message); CM_ENOMEM. A store file created by a failed call is removed again.
 */
CM_EXPORT cm_error_t cm_store_open(const char *path, int flags, cm_store_t **out,
                                   cm_error_info_t *err);
/** \brief Close and free; NULL is a no-op. An unfinished import is rolled back first (as
 * ::cm_store_import_abort), so an interrupted import leaves the store as it was. */
CM_EXPORT void cm_store_close(cm_store_t *store);
/** \brief Schema version of the open store (0 for NULL). */
CM_EXPORT int cm_store_schema_version(const cm_store_t *store);
/** \brief Path of the store file (borrowed). */
CM_EXPORT const char *cm_store_path(const cm_store_t *store);

/**
 * \brief Fix the clock used for time stamps (dataset imported_at, result created_at) to
 * \p unix_seconds (seconds since 1970-01-01 UTC); a negative value restores the real clock.
 * Without an override the environment variable CAMBIUM_NOW (then SOURCE_DATE_EPOCH), holding
 * seconds since 1970, fixes it; otherwise time() is used. Process-wide; for tests and
 * reproducible runs.
 */
CM_EXPORT void cm_store_set_clock(int64_t unix_seconds);

/**
 * \brief SHA-256 (FIPS 180-4) of a file as 64 lowercase hex digits + NUL.
 * \param[out] hex must hold 65 bytes. \return CM_OK, CM_EINVAL (NULL), CM_EFILE (cannot open or
 * read). Complexity: linear in the file size; memory O(1).
 */
CM_EXPORT cm_error_t cm_sha256_file(const char *path, char hex[65], cm_error_info_t *err);
/** \brief SHA-256 of \p len bytes at \p data (hex as ::cm_sha256_file). Cannot fail. */
CM_EXPORT void cm_sha256_buffer(const void *data, size_t len, char hex[65]);

/* --- provenance and imports ---------------------------------------------------------------- */

/** Provenance of a dataset. Strings are borrowed for the duration of the call. */
typedef struct cm_provenance_t {
    const char *kind;      /**< importer kind, e.g. "wgi", "eu-crm-results", "usgs-mcs", "tidy" */
    const char *name;      /**< dataset name shown to users, e.g. "WGI 2024 update" */
    const char *publisher; /**< original publisher, e.g. "World Bank" */
    const char *source;    /**< repository, DOI or URL it was taken from */
    const char *licence;   /**< e.g. "CC BY 4.0" */
    const char *version;   /**< edition / release, e.g. "2024 update" */
    const char *file;      /**< the file imported (path as given) */
    const char *sha256;    /**< checksum of that file (NULL: computed by import_begin) */
} cm_provenance_t;

/**
 * \brief Start an import: opens a transaction and records the dataset row.
 * Importing a file whose SHA-256 and kind are already in the store is allowed and creates a
 * new dataset (a re-import); callers that want idempotence check ::cm_store_dataset_find first.
 * The dataset records the UTC time of the import (see ::cm_store_set_clock).
 * \param[in] prov provenance; strings are copied. prov->sha256, when given, must be 64 hex
 * digits (stored lowercase); when NULL and prov->file is set, the file's SHA-256 is computed.
 * \param[out] out the open import; finish it with ::cm_store_import_commit or
 * ::cm_store_import_abort (both free it).
 * \return CM_OK, CM_EINVAL (another import is open, kind missing, a read-only store, a malformed
 * sha256, NULL arguments), CM_EFILE (prov->file unreadable), CM_ESTORE (e.g. the database is
 * locked by another process), CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_store_import_begin(cm_store_t *store, const cm_provenance_t *prov,
                                           cm_store_import_t **out, cm_error_info_t *err);

/** One tidy observation. NULL strings are stored as NULL. `value` NaN = no value (flags only). */
typedef struct cm_obs_t {
    const char *variable; /**< what is measured: "estimate", "supply_risk", "production" ... (required) */
    const char *region;   /**< ISO3 code of the reporting country/region, or an aggregate code */
    const char *partner;  /**< ISO3 of a partner country (trade, supply shares) */
    const char *material; /**< canonical raw-material code */
    const char *product;  /**< product / sector / indicator code (HS6, CN8, NACE, WGI indicator) */
    const char *stage;    /**< supply-chain stage: "extraction", "processing", ... */
    const char *period;   /**< "2023", "2023-05", "2023Q2" */
    double value;
    const char *unit;     /**< unit symbol from the unit registry ("t", "kt", "%", "1") */
    const char *flag;     /**< statistical flag text as written ("e", "W", "..", "<"), NULL = none */
    const char *attrs;    /**< optional JSON object with further attributes */
    int64_t line;         /**< source line (provenance of the row) */
} cm_obs_t;

/**
 * \brief Add an observation to the open import (one reused prepared INSERT).
 * \return CM_OK; CM_EINVAL (NULL, no variable, an infinite value, attrs not JSON); CM_ESTORE;
 * CM_ENOMEM. A failed call adds nothing and leaves the import open: abort it or go on.
 */
CM_EXPORT cm_error_t cm_store_import_add(cm_store_import_t *imp, const cm_obs_t *obs,
                                         cm_error_info_t *err);

/**
 * \brief Record a quirk or a set-aside row found while importing ("bom", "windows-1252",
 * "decimal-comma", "duplicate-row", "unknown-country", "unknown-material", "flag", ...).
 * \p kept_aside non-zero: the row was not imported and is kept in the quarantine table with its
 * raw text \p raw (may be NULL).
 */
CM_EXPORT cm_error_t cm_store_import_issue(cm_store_import_t *imp, const char *kind,
                                           int64_t line, int64_t column, const char *detail,
                                           int kept_aside, const char *raw,
                                           cm_error_info_t *err);

/**
 * \brief Reference a bulk file (a large matrix, a trade year) instead of inserting its rows:
 * the file is copied into the store's side directory ("<store>.files/<sha256>") and recorded
 * with its checksum, size and role. The copy is removed again if the import is rolled back.
 */
CM_EXPORT cm_error_t cm_store_import_bulk_file(cm_store_import_t *imp, const char *path,
                                               const char *role, const char *format,
                                               cm_error_info_t *err);

/**
 * \brief Path of the first bulk file of role \p role of a dataset ("<store>.files/<sha256>").
 * \param[out] path new string, free with cm_free (NULL on error).
 * \return CM_OK, CM_ENOTFOUND (no such bulk file), CM_EINVAL, CM_ESTORE, CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_store_bulk_path(cm_store_t *store, int64_t dataset_id, const char *role,
                                        char **path, cm_error_info_t *err);

/**
 * \brief Recompute the SHA-256 of every bulk file the store references and compare it with the
 * recorded one. \param[out] checked optional: number of distinct files checked.
 * \return CM_OK; CM_ESTORE naming the first file that is missing or whose checksum differs;
 * CM_EINVAL; CM_ENOMEM. Complexity: reads every bulk file once.
 */
CM_EXPORT cm_error_t cm_store_verify_bulk(cm_store_t *store, int64_t *checked,
                                          cm_error_info_t *err);

/** \brief Observations added to the open import so far (0 for NULL). */
CM_EXPORT int64_t cm_store_import_rows(const cm_store_import_t *imp);
/** \brief Issues recorded by the open import so far (0 for NULL). */
CM_EXPORT int64_t cm_store_import_issues(const cm_store_import_t *imp);
/** \brief Id the dataset will have once committed. */
CM_EXPORT int64_t cm_store_import_dataset_id(const cm_store_import_t *imp);

/**
 * \brief Commit the transaction (row count and status recorded on the dataset); frees \p imp
 * whatever the result. \return CM_OK, CM_EINVAL (NULL), CM_ESTORE (then everything of the import
 * is rolled back, bulk copies included).
 */
CM_EXPORT cm_error_t cm_store_import_commit(cm_store_import_t *imp, cm_error_info_t *err);
/** \brief Roll back everything since import_begin (bulk copies removed); frees \p imp. NULL ok. */
CM_EXPORT void cm_store_import_abort(cm_store_import_t *imp);

/* --- reading back -------------------------------------------------------------------------- */

/** A dataset as listed. Strings are owned by the list. */
typedef struct cm_dataset_info_t {
    int64_t id;
    char *kind, *name, *publisher, *source, *licence, *version, *file, *sha256;
    char *imported_at; /**< UTC, ISO 8601 */
    int64_t rows;      /**< observations imported */
    int64_t issues;    /**< quirks and set-aside rows recorded */
    int64_t bulk_files;
} cm_dataset_info_t;

/** A list of datasets; destroy with ::cm_dataset_list_destroy (safe on zeroed). */
typedef struct cm_dataset_list_t {
    size_t n;
    cm_dataset_info_t *items;
} cm_dataset_list_t;

/**
 * \brief All committed datasets with their provenance and counts, oldest first.
 * \param[in,out] list zeroed or holding an earlier list (destroyed first); the caller owns the
 * result: ::cm_dataset_list_destroy. \return CM_OK, CM_EINVAL, CM_ESTORE, CM_ENOMEM (list empty).
 */
CM_EXPORT cm_error_t cm_store_datasets(cm_store_t *store, cm_dataset_list_t *list,
                                       cm_error_info_t *err);
/** \brief Free the items; safe on a zeroed list or twice; leaves it empty. */
CM_EXPORT void cm_dataset_list_destroy(cm_dataset_list_t *list);

/** \brief Id of the newest dataset of \p kind with checksum \p sha256 (0 when none).
 * \return CM_OK, CM_EINVAL (a NULL argument), CM_ESTORE. */
CM_EXPORT cm_error_t cm_store_dataset_find(cm_store_t *store, const char *kind,
                                           const char *sha256, int64_t *id,
                                           cm_error_info_t *err);

/** Issue counts of a dataset by kind. */
typedef struct cm_issue_count_t {
    char *kind;
    int64_t count;
    int64_t kept_aside;
} cm_issue_count_t;
typedef struct cm_issue_counts_t {
    size_t n;
    cm_issue_count_t *items;
} cm_issue_counts_t;
/**
 * \brief Issues of a dataset counted by kind (sorted by kind), with how many rows were kept
 * aside. \param[in,out] out zeroed or earlier counts (destroyed first); destroy with
 * ::cm_issue_counts_destroy. \return CM_OK, CM_EINVAL, CM_ESTORE, CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_store_issue_counts(cm_store_t *store, int64_t dataset_id,
                                           cm_issue_counts_t *out, cm_error_info_t *err);
/** \brief Free; safe on zeroed counts or twice. */
CM_EXPORT void cm_issue_counts_destroy(cm_issue_counts_t *c);

/* --- results ------------------------------------------------------------------------------- */

/**
 * \brief Store a result keyed by the analysis name, its parameters (canonical JSON text) and
 * the SHA-256 of every input that made it. The same key replaces the earlier content.
 * \p content is JSON text (small results) and \p path an optional output file it refers to.
 * The key is the SHA-256 of "analysis\nparams\ninputs" with the parameters canonicalised (keys
 * sorted, compact; NULL = {}) and the inputs lowercased and sorted: key order, spacing and input
 * order do not matter. \param[out] result_id optional: the row id (kept when replaced).
 * \return CM_OK; CM_EINVAL (empty analysis, parameters or content not JSON, an input that is not
 * 64 hex digits, a read-only store, an import open); CM_ESTORE; CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_store_result_put(cm_store_t *store, const char *analysis,
                                         const char *params_json, size_t ninputs,
                                         const char *const *input_sha256,
                                         const char *content_json, const char *path,
                                         int64_t *result_id, cm_error_info_t *err);
/** \brief Fetch the content of a result by its key (as ::cm_store_result_put).
 * \param[out] content_json new string (canonical JSON, "null" when stored without content), free
 * with cm_free. \return CM_OK, CM_ENOTFOUND (no such result), CM_EINVAL, CM_ESTORE, CM_ENOMEM. */
CM_EXPORT cm_error_t cm_store_result_get(cm_store_t *store, const char *analysis,
                                         const char *params_json, size_t ninputs,
                                         const char *const *input_sha256, char **content_json,
                                         cm_error_info_t *err);

/** \brief Summary counts for a terminal: datasets, observations, issues, results, classes. */
typedef struct cm_store_summary_t {
    int64_t datasets, observations, issues, quarantined, bulk_files, results;
    int64_t classifications, class_items, aliases, concordance_pairs;
} cm_store_summary_t;
/** \brief Fill \p out with the counts. \return CM_OK, CM_EINVAL, CM_ESTORE. */
CM_EXPORT cm_error_t cm_store_summary(cm_store_t *store, cm_store_summary_t *out,
                                      cm_error_info_t *err);

/**
 * \brief Run a read-only SQL query and hand each row to \p fn (texts of the columns, NULL for
 * SQL NULL; valid during the call). For front ends and tests.
 * \return CM_OK; CM_EINVAL (a statement that writes, more than one statement, none, or SQL that
 * does not compile; the message has SQLite's reason); CM_ESTORE; or the code \p fn returned,
 * which stops the query.
 */
typedef cm_error_t cm_store_row_fn(int ncols, const char *const *names,
                                   const char *const *values, void *user_data);
CM_EXPORT cm_error_t cm_store_query(cm_store_t *store, const char *sql, cm_store_row_fn *fn,
                                    void *user_data, cm_error_info_t *err);

/* --- concordances ------------------------------------------------------------------------ */

/**
 * \brief Import a weighted concordance (CN8 -> PRODCOM, HS 2017 -> HS 2022 ...) from a CSV file
 * with a header `from,to[,weight]` (also `from_code`, `to_code`, `share`) as concordance
 * \p name, in one transaction that replaces an earlier concordance of that name.
 * An empty or absent weight is 1. The file is read with the project's CSV reader (separator and
 * encoding detected).
 * \param[out] pairs optional: number of (from, to) pairs stored.
 * \return CM_OK; CM_EINVAL (arguments, read-only store, an import open); CM_EFILE; CM_EPARSE
 * naming file:line:column for a missing from/to column, an empty code, a weight that is not a
 * finite number >= 0, or a pair given twice; CM_ESTORE; CM_ENOMEM. On error the store is
 * unchanged. Complexity: linear in the file.
 */
CM_EXPORT cm_error_t cm_store_concordance_import(cm_store_t *store, const char *name,
                                                 const char *path, int64_t *pairs,
                                                 cm_error_info_t *err);

/**
 * \brief Load concordance \p name from the store, its triples in the order they were imported.
 * \param[in,out] out a zeroed or destroyed concordance (destroyed first; see cm_concord.h); the
 * caller destroys it with ::cm_concordance_destroy. Left empty on error.
 * \return CM_OK, CM_ENOTFOUND (no concordance of that name), CM_EINVAL, CM_ESTORE, CM_ENOMEM.
 * Complexity: linear in the number of pairs.
 */
CM_EXPORT cm_error_t cm_store_concordance_load(cm_store_t *store, const char *name,
                                               cm_concordance_t *out, cm_error_info_t *err);

CM_END_DECLS

#endif

/* Internal pieces shared by the importers (src/ingest/). Not installed.
 *
 * The driver (import.c) opens the store transaction, streams the CSV records to the
 * importer's callbacks and keeps the bookkeeping every importer needs: quirk counts, exact
 * duplicate rows, units per group, share sums per group. An importer is a table of callbacks
 * (cm_i_importer_t) with its own state. */
#ifndef CAMBIUM_INGEST_INTERNAL_H
#define CAMBIUM_INGEST_INTERNAL_H

#include <stdint.h>

#include "cambium/cm_class.h"
#include "cambium/cm_csv.h"
#include "cambium/cm_import.h"
#include "cambium/cm_store.h"
#include "cm_internal.h"

/* --- a small string-keyed hash map (open addressing, cm_malloc only) ------------------ */

typedef struct cm_i_ing_entry_t {
    char *key;     /* owned */
    uint64_t hash;
    int64_t line;  /* first line met */
    int64_t count;
    int64_t col;
    double sum;
    char *text;    /* owned, optional */
    int flag;      /* recorded one by one (no total issue at the end) */
    int aside;     /* rows kept aside (cm_i_ing_keep_aside), not imported */
    int64_t order; /* insertion order */
} cm_i_ing_entry_t;

typedef struct cm_i_ing_map_t {
    cm_i_ing_entry_t *slots;
    size_t cap;  /* power of two or 0 */
    size_t n;
} cm_i_ing_map_t;

/* Find \p key; NULL when absent. */
cm_i_ing_entry_t *cm_i_ing_map_get(const cm_i_ing_map_t *m, const char *key);
/* Find or insert \p key (created zeroed with line = -1); *created tells which. */
cm_error_t cm_i_ing_map_put(cm_i_ing_map_t *m, const char *key, cm_i_ing_entry_t **out,
                            int *created);
void cm_i_ing_map_destroy(cm_i_ing_map_t *m);

/* --- the import context --------------------------------------------------------------- */

typedef struct cm_i_ing_t cm_i_ing_t;

typedef struct cm_i_importer_t {
    const char *kind;
    const char *summary;
    const char *name;      /* default provenance */
    const char *publisher;
    const char *source;
    const char *licence;
    const char *version;
    char separator;        /* expected separator (0 = detect) */
    int unnamed_data_ok;   /* non-zero: text under trailing unnamed header columns is ignored
                              and counted (USGS), instead of a "too many fields" error */
    size_t state_size;     /* bytes of importer state, zeroed before prepare */
    /* Before reading: check options, set g->version_buf, CSV options ... (optional). */
    cm_error_t (*prepare)(cm_i_ing_t *g, cm_error_info_t *err);
    /* The header record (line 1 usually): find the columns. */
    cm_error_t (*header)(cm_i_ing_t *g, const cm_csv_row_t *row, cm_error_info_t *err);
    /* One data record, already checked for its field count and not a duplicate. */
    cm_error_t (*row)(cm_i_ing_t *g, const cm_csv_row_t *row, cm_error_info_t *err);
    /* After the last record (optional): group checks. */
    cm_error_t (*finish)(cm_i_ing_t *g, cm_error_info_t *err);
    /* Free the importer state's contents (optional). */
    void (*destroy)(cm_i_ing_t *g);
    /* Non-zero when the header line identifies this kind (for "auto"); optional. */
    int (*detect)(size_t nfields, const char *const *fields);
    /* Optional: reads the whole file itself instead of the CSV stream (JSON-stat); then
     * header and row are not called and it must count g->records. */
    cm_error_t (*read_file)(cm_i_ing_t *g, cm_error_info_t *err);
    /* Optional: non-zero for a row met before the header that is not the header (a title or
     * banner row of a spreadsheet); it is skipped and counted ("banner-row"). */
    int (*before_header)(const cm_csv_row_t *row);
    /* Optional: the importer reads .xlsx workbooks too; returns the index of the sheet to read
     * among the \p n names (n > 0). NULL: CSV only. */
    size_t (*xlsx_sheet)(size_t n, const char *const *names);
} cm_i_importer_t;

struct cm_i_ing_t {
    const cm_i_importer_t *imp;
    cm_store_t *store;     /* the store imported into (prepare may read it; rows are written
                              through si only, except by importers of concordances) */
    const cm_import_options_t *opt;
    cm_store_import_t *si;
    const cm_class_t *country;
    const cm_class_t *material;
    cm_class_t *own_country;  /* loaded here (freed at the end), or NULL when borrowed */
    cm_class_t *own_material;
    const char *path;      /* as given (used in messages; "file [sheet]" for a workbook) */
    char *path_own;        /* owned text behind path when it names a sheet */
    const char *base;      /* file name without directories */
    cm_csv_options_t csv;
    cm_num_options_t num;
    size_t ncols;          /* header fields */
    size_t nused;          /* fields after dropping trailing empty header fields */
    int64_t records;       /* data records seen */
    int64_t kept_aside;
    int64_t quirk_order;
    cm_i_ing_map_t quirks; /* "kind\x1f" "detail" -> count */
    cm_i_ing_map_t dups;   /* record text -> first line */
    cm_i_ing_map_t units;  /* group -> unit (text), line, col */
    cm_i_ing_map_t shares; /* group -> sum, last line, col */
    cm_i_buf_t scratch;    /* record text for duplicate keys and quarantine */
    char **header;         /* copies of the header fields (ncols) */
    char version_buf[64];
    char name_buf[128];
    const char *publisher; /* set by prepare to override the importer's provenance (borrowed */
    const char *source;    /* from the importer state) */
    const char *licence;
    double share_limit;    /* 1 + tolerance */
    void *state;
};

/* Lookup of a header field by name (ASCII case-insensitive, blanks trimmed); -1 if absent. */
int64_t cm_i_ing_col(const cm_i_ing_t *g, const char *name);
/* As cm_i_ing_col, but absent = CM_EPARSE at line 1 naming the column and the header. */
cm_error_t cm_i_ing_require(cm_i_ing_t *g, const cm_csv_row_t *hdr, const char *name,
                            size_t *col, cm_error_info_t *err);
/* Field \p col of \p row ("" when missing). */
const char *cm_i_ing_field(const cm_csv_row_t *row, size_t col);

/* Parse error at (row's line, col+1) with a formatted message; returns CM_EPARSE (or code). */
cm_error_t cm_i_ing_fail(cm_i_ing_t *g, cm_error_info_t *err, cm_error_t code, int64_t line,
                         size_t col, const char *fmt, ...) CM_PRINTF(6, 7);

/* Number parsing of field \p col. \p allowed: the CM_NUMF_* flags this column may carry
 * (others are an error; each flag met is counted as quirk "flag"); nonneg: a negative value
 * is an error. Empty fields give NaN with CM_NUMF_EMPTY (an error unless allowed). */
cm_error_t cm_i_ing_number(cm_i_ing_t *g, const cm_csv_row_t *row, size_t col,
                           unsigned allowed, int nonneg, cm_num_t *out, cm_error_info_t *err);

/* As cm_i_ing_number on \p text instead of the field (positions still name field \p col). */
cm_error_t cm_i_ing_number_text(cm_i_ing_t *g, const cm_csv_row_t *row, size_t col,
                                const char *text, unsigned allowed, int nonneg, cm_num_t *out,
                                cm_error_info_t *err);

/* The statistical flag of a parsed cell as stored in the observation ("<", ">", "..", "W",
 * "e" ...), NULL for none (a bare '%' is a format, not a flag). Borrowed from \p n. */
const char *cm_i_ing_flag(const cm_num_t *n);

/* A four-digit year in field \p col (blanks trimmed) copied to \p out; else CM_EPARSE. */
cm_error_t cm_i_ing_year(cm_i_ing_t *g, const cm_csv_row_t *row, size_t col, char out[8],
                         cm_error_info_t *err);

/* Count one occurrence of a quirk (detail may be NULL). */
cm_error_t cm_i_ing_quirk(cm_i_ing_t *g, const char *kind, const char *detail, int64_t n,
                          cm_error_info_t *err);
/* Record one issue of \p kind at the row's line and field \p col + 1 (the row is imported);
 * counted in the report under \p kind, not stored again as a total. */
cm_error_t cm_i_ing_issue(cm_i_ing_t *g, const cm_csv_row_t *row, const char *kind, size_t col,
                          const char *detail, cm_error_info_t *err);
/* Keep a record aside: issue with kept_aside = 1 and its raw text; counted as quirk. */
cm_error_t cm_i_ing_keep_aside(cm_i_ing_t *g, const cm_csv_row_t *row, const char *kind,
                               size_t col, const char *detail, cm_error_info_t *err);

/* One unit per group: the first unit met for \p group is remembered; another one is an
 * error "mixed units in column 'C': 'a' (line x) and 'b' (line y)". */
cm_error_t cm_i_ing_unit(cm_i_ing_t *g, const char *group, const char *unit,
                         const cm_csv_row_t *row, size_t col, cm_error_info_t *err);
/* Add a share (fraction) to the sum of \p group; a share flagged CM_NUMF_LESS_THAN ("<0.1%")
 * adds 0 (its lower bound). A single share above 1 is an error at once. */
cm_error_t cm_i_ing_share(cm_i_ing_t *g, const char *group, double share, unsigned flags,
                          const cm_csv_row_t *row, size_t col, cm_error_info_t *err);
/* Check every share group against the limit (called by the driver after finish). */
cm_error_t cm_i_ing_check_shares(cm_i_ing_t *g, cm_error_info_t *err);

/* Store one observation (line taken from obs). */
cm_error_t cm_i_ing_add(cm_i_ing_t *g, const cm_obs_t *obs, cm_error_info_t *err);

/* Classification \p name from the store, or the built-in one when the store has none. */
cm_error_t cm_i_ing_load_class(cm_store_t *store, const char *name, cm_class_t **out,
                               cm_error_info_t *err);

/* Canonical country / material code of a text, NULL when unknown. */
const char *cm_i_ing_country(const cm_i_ing_t *g, const char *text);
const char *cm_i_ing_material(const cm_i_ing_t *g, const char *text);

/* Copy \p src into \p dst (size n) trimmed, with runs of blanks, tabs, newlines and no-break
 * spaces collapsed to one space. Returns dst. */
char *cm_i_ing_clean(char *dst, size_t n, const char *src);
/* ASCII case-insensitive equality and prefix test. */
int cm_i_ing_eq(const char *a, const char *b);
/* Whether the header fields f[0..n) contain every name of the NULL-terminated list (cm_i_ing_eq). */
int cm_i_ing_has_columns(size_t n, const char *const *f, const char *const *names);
int cm_i_ing_prefix(const char *s, const char *prefix);
/* Append \p s to \p b as a JSON string literal (quotes and escapes). */
cm_error_t cm_i_ing_json_str(cm_i_buf_t *b, const char *s);

/* --- trade and input-output helpers (trade_util.c) ----------------------------------- */

/* A product code of \p ndigits digits in field \p col (blanks trimmed) copied to \p out (size
 * n); a code one digit short lost its leading zero and is padded (quirk
 * "leading-zero-restored"); anything else is CM_EPARSE. */
cm_error_t cm_i_ing_code(cm_i_ing_t *g, const cm_csv_row_t *row, size_t col, size_t ndigits,
                         char *out, size_t n, cm_error_info_t *err);
/* A period: "2022" -> "2022", "202305" -> "2023-05", "2023-05" kept, Comext "202252" (the
 * year) -> "2022"; anything else is CM_EPARSE. */
cm_error_t cm_i_ing_period(cm_i_ing_t *g, const cm_csv_row_t *row, size_t col, char out[16],
                           cm_error_info_t *err);
/* The first run of exactly four digits 19xx/20xx in a file name; 0 when there is none. */
int cm_i_ing_year_in_name(const char *base, char out[8]);
/* The year from the period option, else from the file name; CM_EINVAL when neither. */
cm_error_t cm_i_ing_option_year(cm_i_ing_t *g, char out[8], cm_error_info_t *err);

/* The importers. */
extern const cm_i_importer_t cm_i_imp_wgi;
extern const cm_i_importer_t cm_i_imp_eucrm_results;
extern const cm_i_importer_t cm_i_imp_eucrm_trade;
extern const cm_i_importer_t cm_i_imp_eucrm_history;
extern const cm_i_importer_t cm_i_imp_eucrm_supply;
extern const cm_i_importer_t cm_i_imp_eucrm_use;
extern const cm_i_importer_t cm_i_imp_usgs;
extern const cm_i_importer_t cm_i_imp_wmd;
extern const cm_i_importer_t cm_i_imp_tidy;
extern const cm_i_importer_t cm_i_imp_comext;
extern const cm_i_importer_t cm_i_imp_cn8_materials;
extern const cm_i_importer_t cm_i_imp_baci;
extern const cm_i_importer_t cm_i_imp_comtrade;
extern const cm_i_importer_t cm_i_imp_iot_oecd;
extern const cm_i_importer_t cm_i_imp_crma;
extern const cm_i_importer_t cm_i_imp_geopolrisk_trade;
extern const cm_i_importer_t cm_i_imp_estat_tsv;
extern const cm_i_importer_t cm_i_imp_estat_jsonstat;
extern const cm_i_importer_t cm_i_imp_estat_sdmx;
extern const cm_i_importer_t cm_i_imp_unep_mfa;
extern const cm_i_importer_t cm_i_imp_hs_correlation;
extern const cm_i_importer_t cm_i_imp_cn_nomenclature;

/* --- HS editions and supplementary units (hs_edition.c) ------------------------------- */

/* The HS edition ("HS2017") in force in \p year (1988-...), NULL before 1988. CN8 codes of
 * year Y belong to the HS edition of Y. */
const char *cm_i_ing_hs_of_year(int year);
/* The HS edition named by a Comtrade classification code (H0..H6, HS, "HS2017" ...) or a token
 * of a file name (HS92, HS96, HS02, HS07, HS12, HS17, HS22), NULL when none. */
const char *cm_i_ing_hs_of_code(const char *code);
/* The first HS edition token (HS92 ... HS22) in a file name, NULL when none. */
const char *cm_i_ing_hs_in_name(const char *base);
/* A supplementary unit in its CN spelling ("p/st", "l", "m2" ...): CN texts are kept (blanks
 * trimmed), Eurostat/UNECE codes (NAR, LTR, MTK ...) mapped to them; NULL when unknown.
 * "-" (none) is known. */
const char *cm_i_ing_supp_unit(const char *text);

/* CN8 -> supplementary unit of the newest "cn-nomenclature" dataset of the store, loaded into
 * \p map (entry text = the unit); *found = 0 when the store has none (map left empty). */
cm_error_t cm_i_ing_load_supp_units(cm_store_t *store, cm_i_ing_map_t *map, int *found,
                                    cm_error_info_t *err);

#endif

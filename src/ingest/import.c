/* The import driver: one store transaction per file, the CSV records streamed to the
 * importer's callbacks, and the checks every importer shares (field counts, duplicates,
 * numbers and flags, units per group, share sums, quirk counts). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cambium/cm_xlsx.h"
#include "ingest_internal.h"

static const cm_i_importer_t *const importers[] = {
    &cm_i_imp_wgi,          &cm_i_imp_eucrm_results, &cm_i_imp_eucrm_trade,
    &cm_i_imp_eucrm_history, &cm_i_imp_eucrm_supply, &cm_i_imp_eucrm_use,
    &cm_i_imp_usgs,         &cm_i_imp_wmd,           &cm_i_imp_tidy,
    &cm_i_imp_comext,       &cm_i_imp_cn8_materials, &cm_i_imp_baci,
    &cm_i_imp_comtrade,     &cm_i_imp_iot_oecd,      &cm_i_imp_crma,
    &cm_i_imp_geopolrisk_trade, &cm_i_imp_estat_tsv,    &cm_i_imp_estat_jsonstat,
    &cm_i_imp_estat_sdmx,   &cm_i_imp_unep_mfa,
    &cm_i_imp_hs_correlation, &cm_i_imp_cn_nomenclature,
};
#define NIMPORTERS (sizeof importers / sizeof importers[0])

size_t cm_import_kind_count(void)
{
    return NIMPORTERS;
}

const char *cm_import_kind_name(size_t i)
{
    return i < NIMPORTERS ? importers[i]->kind : NULL;
}

const char *cm_import_kind_summary(size_t i)
{
    return i < NIMPORTERS ? importers[i]->summary : NULL;
}

void cm_import_report_destroy(cm_import_report_t *r)
{
    if (r == NULL) {
        return;
    }
    for (size_t i = 0; i < r->nquirks; i++) {
        cm_free(r->quirks[i].kind);
        cm_free(r->quirks[i].detail);
    }
    cm_free(r->quirks);
    memset(r, 0, sizeof *r);
}

/* --- helpers used by the importers --------------------------------------------------- */

const char *cm_i_ing_field(const cm_csv_row_t *row, size_t col)
{
    return col < row->nfields && row->fields[col] != NULL ? row->fields[col] : "";
}

int64_t cm_i_ing_col(const cm_i_ing_t *g, const char *name)
{
    char buf[256];
    for (size_t i = 0; i < g->ncols; i++) {
        cm_i_ing_clean(buf, sizeof buf, g->header[i]);
        if (cm_i_ing_eq(buf, name)) {
            return (int64_t)i;
        }
    }
    return -1;
}

cm_error_t cm_i_ing_require(cm_i_ing_t *g, const cm_csv_row_t *hdr, const char *name,
                            size_t *col, cm_error_info_t *err)
{
    int64_t c = cm_i_ing_col(g, name);
    if (c < 0) {
        char shown[160];
        cm_i_ing_clean(shown, sizeof shown, hdr->nfields > 0 ? hdr->fields[0] : "");
        return cm_i_ing_fail(g, err, CM_EPARSE, hdr->line, 0,
                             "expected a column '%s' in the header of a %s file (%zu fields, "
                             "first '%s')",
                             name, g->imp->kind, hdr->nfields, shown);
    }
    *col = (size_t)c;
    return CM_OK;
}

cm_error_t cm_i_ing_fail(cm_i_ing_t *g, cm_error_info_t *err, cm_error_t code, int64_t line,
                         size_t col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cm_error_vset_at(err, code, g->path, line > 0 ? line : 1, (int64_t)col + 1, fmt, ap);
    va_end(ap);
    return code;
}

static const char *colname(const cm_i_ing_t *g, size_t col)
{
    return col < g->ncols ? g->header[col] : "?";
}

static void describe_flags(unsigned allowed, char *buf, size_t n)
{
    static const struct {
        unsigned bit;
        const char *text;
    } names[] = {
        {CM_NUMF_NOT_AVAILABLE, "'..'"}, {CM_NUMF_NA, "'NA'"},       {CM_NUMF_WITHHELD, "'W'"},
        {CM_NUMF_NIL, "'-'"},            {CM_NUMF_LESS_THAN, "'<x'"}, {CM_NUMF_GREATER_THAN, "'>x'"},
        {CM_NUMF_PERCENT, "'x%'"},       {CM_NUMF_ESTIMATED, "'e'"}, {CM_NUMF_PROVISIONAL, "'p'"},
        {CM_NUMF_REVISED, "'r'"},        {CM_NUMF_TEXT, "a word such as 'Large'"},
        {CM_NUMF_EMPTY, "empty"},
    };
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if ((allowed & names[i].bit) != 0) {
            int w = snprintf(buf + o, n - o, "%s%s", o == 0 ? " or " : ", ", names[i].text);
            if (w < 0 || (size_t)w >= n - o) {
                break;
            }
            o += (size_t)w;
        }
    }
}

/* A decimal comma: "12,5", "-0,17", "62,8%" (one comma between digits). With a ',' field
 * separator (the cell was quoted) exactly three digits after the comma could be a thousands
 * group ("1,300"), so that form is only taken when \p allow3 is set (';' or tab files). */
static int looks_decimal_comma(const char *s, int allow3)
{
    int digits_before = 0, digits_after = 0, commas = 0;
    while (*s == ' ') {
        s++;
    }
    if (*s == '-' || *s == '+' || *s == '<' || *s == '>') {
        s++;
    }
    for (; *s != '\0' && *s != ' '; s++) {
        if (*s >= '0' && *s <= '9') {
            if (commas) {
                digits_after++;
            } else {
                digits_before++;
            }
        } else if (*s == ',') {
            commas++;
        } else if (*s == '%') {
            break;
        } else {
            return 0;
        }
    }
    return commas == 1 && digits_before > 0 && digits_after > 0 &&
           (digits_after != 3 || allow3);
}

cm_error_t cm_i_ing_number(cm_i_ing_t *g, const cm_csv_row_t *row, size_t col,
                           unsigned allowed, int nonneg, cm_num_t *out, cm_error_info_t *err)
{
    return cm_i_ing_number_text(g, row, col, cm_i_ing_field(row, col), allowed, nonneg, out, err);
}

cm_error_t cm_i_ing_number_text(cm_i_ing_t *g, const cm_csv_row_t *row, size_t col,
                                const char *text, unsigned allowed, int nonneg, cm_num_t *out,
                                cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_num_options_t no = g->num;
    cm_error_info_t perr;
    char expect[200];
    char shown[64];
    int comma = 0;

    memset(&perr, 0, sizeof perr);
    memset(out, 0, sizeof *out);
    out->value = NAN;
    no.flags_allowed = (allowed & ~(unsigned)CM_NUMF_EMPTY) != 0;
    describe_flags(allowed, expect, sizeof expect);
    cm_i_ing_clean(shown, sizeof shown, text);
    if (shown[0] == '\0') {
        if ((allowed & CM_NUMF_EMPTY) == 0) {
            return cm_i_ing_fail(g, err, CM_EPARSE, row->line, col,
                                 "column '%s': expected a number%s, got an empty field",
                                 colname(g, col), expect);
        }
        out->flags = CM_NUMF_EMPTY;
        return CM_OK;
    }
    rc = cm_num_parse(text, &no, out, &perr);
    if (rc == CM_EPARSE && !no.decimal_comma &&
        looks_decimal_comma(text, g->csv.separator != 0 && g->csv.separator != ',')) {
        no.decimal_comma = 1;
        cm_error_clear(&perr);
        rc = cm_num_parse(text, &no, out, &perr);
        comma = rc == CM_OK;
    } else if (rc == CM_OK && no.decimal_comma && strchr(text, ',') != NULL) {
        comma = 1;
    }
    if (rc == CM_ENOMEM) {
        return cm_error_set(err, CM_ENOMEM, "out of memory parsing a number");
    }
    if (rc == CM_ENUMERIC) {
        return cm_i_ing_fail(g, err, CM_ENUMERIC, row->line, col,
                             "column '%s': expected a finite number, got '%s'", colname(g, col),
                             shown);
    }
    if (rc != CM_OK) {
        return cm_i_ing_fail(g, err, CM_EPARSE, row->line, col,
                             "column '%s': expected a number%s, got '%s'", colname(g, col),
                             expect, shown);
    }
    if (out->flags != 0 && (out->flags & ~allowed) != 0) {
        return cm_i_ing_fail(g, err, CM_EPARSE, row->line, col,
                             "column '%s': expected a number%s, got '%s'", colname(g, col),
                             expect, shown);
    }
    if (cm_num_has_value(out) && !isfinite(out->value)) {
        return cm_i_ing_fail(g, err, CM_ENUMERIC, row->line, col,
                             "column '%s': expected a finite number, got '%s'", colname(g, col),
                             shown);
    }
    if (nonneg && cm_num_has_value(out) && out->value < 0) {
        return cm_i_ing_fail(g, err, CM_EPARSE, row->line, col,
                             "column '%s': expected a quantity >= 0, got '%s'", colname(g, col),
                             shown);
    }
    if (comma) {
        CM_TRY(cm_i_ing_quirk(g, "decimal-comma", NULL, 1, err));
    }
    if (cm_i_ing_flag(out) != NULL) {
        CM_TRY(cm_i_ing_quirk(g, "flag", cm_i_ing_flag(out), 1, err));
    }
cleanup:
    return rc;
}

cm_error_t cm_i_ing_year(cm_i_ing_t *g, const cm_csv_row_t *row, size_t col, char out[8],
                         cm_error_info_t *err)
{
    char buf[64];
    cm_i_ing_clean(buf, sizeof buf, cm_i_ing_field(row, col));
    if (strlen(buf) != 4 || buf[0] < '1' || buf[0] > '2' || strspn(buf, "0123456789") != 4) {
        return cm_i_ing_fail(g, err, CM_EPARSE, row->line, col,
                             "column '%s': expected a four-digit year, got '%s'", colname(g, col),
                             buf);
    }
    memcpy(out, buf, 5);
    return CM_OK;
}

const char *cm_i_ing_flag(const cm_num_t *n)
{
    if ((n->flags & CM_NUMF_LESS_THAN) != 0) {
        return "<";
    }
    if ((n->flags & CM_NUMF_GREATER_THAN) != 0) {
        return ">";
    }
    if ((n->flags & ~(unsigned)(CM_NUMF_PERCENT | CM_NUMF_EMPTY)) == 0 || n->flag_text[0] == '\0' ||
        strcmp(n->flag_text, "%") == 0) {
        return NULL;
    }
    return n->flag_text;
}

static cm_error_t quirk_entry(cm_i_ing_t *g, const char *kind, const char *detail,
                              cm_i_ing_entry_t **out, cm_error_info_t *err)
{
    char key[256];
    int created = 0;
    snprintf(key, sizeof key, "%s\x1f%s", kind, detail != NULL ? detail : "");
    if (cm_i_ing_map_put(&g->quirks, key, out, &created) != CM_OK) {
        return cm_error_set(err, CM_ENOMEM, "out of memory counting quirks");
    }
    return CM_OK;
}

cm_error_t cm_i_ing_quirk(cm_i_ing_t *g, const char *kind, const char *detail, int64_t n,
                          cm_error_info_t *err)
{
    cm_i_ing_entry_t *e = NULL;
    cm_error_t rc = quirk_entry(g, kind, detail, &e, err);
    if (rc == CM_OK) {
        e->count += n;
    }
    return rc;
}

/* The record's fields joined by the separator (in g->scratch). */
static cm_error_t record_text(cm_i_ing_t *g, const cm_csv_row_t *row, char sep)
{
    cm_error_t rc = CM_OK;
    cm_i_buf_reset(&g->scratch);
    CM_TRY(cm_i_buf_puts(&g->scratch, ""));
    for (size_t i = 0; i < row->nfields; i++) {
        if (i > 0) {
            CM_TRY(cm_i_buf_append(&g->scratch, &sep, 1));
        }
        CM_TRY(cm_i_buf_append(&g->scratch, row->fields[i], row->lengths[i]));
    }
cleanup:
    return rc;
}

cm_error_t cm_i_ing_issue(cm_i_ing_t *g, const cm_csv_row_t *row, const char *kind, size_t col,
                          const char *detail, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_i_ing_entry_t *e = NULL;
    CM_TRY(cm_store_import_issue(g->si, kind, row->line, (int64_t)col + 1, detail, 0, NULL, err));
    CM_TRY(quirk_entry(g, kind, NULL, &e, err));
    e->count++;
    e->flag = 1; /* recorded one by one */
cleanup:
    return rc;
}

cm_error_t cm_i_ing_keep_aside(cm_i_ing_t *g, const cm_csv_row_t *row, const char *kind,
                               size_t col, const char *detail, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_i_ing_entry_t *e = NULL;
    if (record_text(g, row, g->csv.separator ? g->csv.separator : ',') != CM_OK) {
        return cm_error_set(err, CM_ENOMEM, "out of memory keeping a row aside");
    }
    CM_TRY(cm_store_import_issue(g->si, kind, row->line, (int64_t)col + 1, detail, 1,
                                 g->scratch.data, err));
    CM_TRY(quirk_entry(g, kind, NULL, &e, err));
    e->count++;
    e->flag = 1; /* recorded one by one */
    e->aside = 1;
    g->kept_aside++;
cleanup:
    return rc;
}

cm_error_t cm_i_ing_unit(cm_i_ing_t *g, const char *group, const char *unit,
                         const cm_csv_row_t *row, size_t col, cm_error_info_t *err)
{
    cm_i_ing_entry_t *e = NULL;
    int created = 0;
    if (cm_i_ing_map_put(&g->units, group, &e, &created) != CM_OK) {
        return cm_error_set(err, CM_ENOMEM, "out of memory checking units");
    }
    if (created) {
        e->text = cm_strdup(unit);
        if (e->text == NULL) {
            return cm_error_set(err, CM_ENOMEM, "out of memory checking units");
        }
        e->line = row->line;
        return CM_OK;
    }
    if (strcmp(e->text, unit) != 0) {
        return cm_i_ing_fail(g, err, CM_EPARSE, row->line, col,
                             "mixed units in column '%s': '%s' (line %lld) and '%s' (line %lld)"
                             " for %s; expected one unit",
                             colname(g, col), e->text, (long long)e->line, unit,
                             (long long)row->line, group);
    }
    return CM_OK;
}

cm_error_t cm_i_ing_share(cm_i_ing_t *g, const char *group, double share, unsigned flags,
                          const cm_csv_row_t *row, size_t col, cm_error_info_t *err)
{
    cm_i_ing_entry_t *e = NULL;
    int created = 0;
    if (share > 1.0 + 1e-9) {
        return cm_i_ing_fail(g, err, CM_EPARSE, row->line, col,
                             "column '%s': expected a share between 0 and 1 (0%% to 100%%), "
                             "got %.17g",
                             colname(g, col), share);
    }
    if (cm_i_ing_map_put(&g->shares, group, &e, &created) != CM_OK) {
        return cm_error_set(err, CM_ENOMEM, "out of memory summing shares");
    }
    /* "<0.1%" is an upper bound: the sum uses the lower bound 0, so that only shares that
     * certainly exceed 1 are rejected. */
    e->sum += (flags & CM_NUMF_LESS_THAN) != 0 ? 0.0 : share;
    e->line = row->line;
    e->col = (int64_t)col;
    e->count++;
    return CM_OK;
}

cm_error_t cm_i_ing_check_shares(cm_i_ing_t *g, cm_error_info_t *err)
{
    /* Report the group that fails first in file order (smallest last line). */
    const cm_i_ing_entry_t *worst = NULL;
    for (size_t i = 0; i < g->shares.cap; i++) {
        const cm_i_ing_entry_t *e = &g->shares.slots[i];
        if (e->key != NULL && e->sum > g->share_limit + 1e-9 &&
            (worst == NULL || e->line < worst->line)) {
            worst = e;
        }
    }
    if (worst != NULL) {
        return cm_i_ing_fail(g, err, CM_EPARSE, worst->line, (size_t)worst->col,
                             "shares of %s sum to %.4g (%lld rows), expected at most 1 "
                             "(tolerance %.3g for rounding)",
                             worst->key, worst->sum, (long long)worst->count,
                             g->share_limit - 1.0);
    }
    return CM_OK;
}

cm_error_t cm_i_ing_add(cm_i_ing_t *g, const cm_obs_t *obs, cm_error_info_t *err)
{
    return cm_store_import_add(g->si, obs, err);
}

const char *cm_i_ing_country(const cm_i_ing_t *g, const char *text)
{
    char buf[256];
    cm_i_ing_clean(buf, sizeof buf, text);
    return buf[0] != '\0' ? cm_class_resolve(g->country, buf) : NULL;
}

const char *cm_i_ing_material(const cm_i_ing_t *g, const char *text)
{
    char buf[256];
    cm_i_ing_clean(buf, sizeof buf, text);
    return buf[0] != '\0' ? cm_class_resolve(g->material, buf) : NULL;
}

/* --- the driver ------------------------------------------------------------------------- */

static int other_separator(const cm_csv_row_t *row, char expected, char *found)
{
    static const char seps[] = {',', ';', '\t', '|'};
    if (row->nfields != 1) {
        return 0;
    }
    for (size_t i = 0; i < sizeof seps; i++) {
        if (seps[i] != expected && strchr(row->fields[0], seps[i]) != NULL) {
            *found = seps[i];
            return 1;
        }
    }
    return 0;
}

static const char *sep_name(char c)
{
    switch (c) {
    case ',':
        return "','";
    case ';':
        return "';'";
    case '\t':
        return "tab";
    case '|':
        return "'|'";
    default:
        return "?";
    }
}

static cm_error_t on_header(cm_i_ing_t *g, const cm_csv_row_t *row, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    char found = 0;
    char expected = g->csv.separator ? g->csv.separator : ',';
    if (other_separator(row, expected, &found)) {
        return cm_i_ing_fail(g, err, CM_EPARSE, row->line, 0,
                             "wrong separator: expected fields separated by %s, but the header "
                             "is separated by %s (give the separator explicitly if the file is "
                             "meant so)",
                             sep_name(expected), sep_name(found));
    }
    g->header = cm_calloc(row->nfields > 0 ? row->nfields : 1, sizeof *g->header);
    CM_NOMEM(g->header, err);
    g->ncols = row->nfields;
    for (size_t i = 0; i < row->nfields; i++) {
        g->header[i] = cm_strdup(row->fields[i]);
        CM_NOMEM(g->header[i], err);
    }
    g->nused = g->ncols;
    while (g->nused > 1 && g->header[g->nused - 1][0] == '\0') {
        g->nused--;
    }
    if (g->nused < g->ncols) {
        CM_TRY(cm_i_ing_quirk(g, "trailing-empty-columns", NULL, 1, err));
    }
    CM_TRY(g->imp->header(g, row, err));
cleanup:
    return rc;
}

static cm_error_t check_fields(cm_i_ing_t *g, const cm_csv_row_t *row, cm_error_info_t *err)
{
    if (row->nfields < g->nused) {
        return cm_i_ing_fail(g, err, CM_EPARSE, row->line, row->nfields,
                             "expected %zu fields as in the header, got %zu (too few)", g->nused,
                             row->nfields);
    }
    if (row->nfields > g->ncols) {
        return cm_i_ing_fail(g, err, CM_EPARSE, row->line, g->ncols,
                             "expected %zu fields as in the header, got %zu (too many)", g->ncols,
                             row->nfields);
    }
    for (size_t i = g->nused; i < row->nfields; i++) {
        if (row->fields[i][0] != '\0' && g->imp->unnamed_data_ok) {
            return cm_i_ing_quirk(g, "data-in-unnamed-column", NULL, 1, err);
        }
        if (row->fields[i][0] != '\0') {
            char shown[64];
            cm_i_ing_clean(shown, sizeof shown, row->fields[i]);
            return cm_i_ing_fail(g, err, CM_EPARSE, row->line, i,
                                 "expected an empty field under an unnamed header column, "
                                 "got '%s' (too many fields)",
                                 shown);
        }
    }
    return CM_OK;
}

static cm_error_t on_record(const cm_csv_row_t *row, void *user_data, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_i_ing_t *g = user_data;
    cm_i_ing_entry_t *e = NULL;
    int created = 0;

    if (g->header == NULL && g->imp->before_header != NULL && g->imp->before_header(row)) {
        return cm_i_ing_quirk(g, "banner-row", NULL, 1, err);
    }
    if (row->record == 1 || g->header == NULL) {
        return on_header(g, row, err);
    }
    CM_TRY(check_fields(g, row, err));
    {
        size_t i = 0;
        while (i < row->nfields && row->fields[i][0] == '\0') {
            i++;
        }
        if (i == row->nfields) {
            CM_TRY(cm_i_ing_quirk(g, "empty-row", NULL, 1, err));
            goto cleanup;
        }
    }
    g->records++;
    if (g->opt != NULL && g->opt->progress != NULL &&
        g->records % CM_IMPORT_PROGRESS_EVERY == 0) {
        g->opt->progress(g->imp->kind, g->records, -1, g->opt->progress_data);
    }
    if (record_text(g, row, '\x1f') != CM_OK) {
        CM_FAIL(cm_error_set(err, CM_ENOMEM, "out of memory reading a record"));
    }
    if (cm_i_ing_map_put(&g->dups, g->scratch.data, &e, &created) != CM_OK) {
        CM_FAIL(cm_error_set(err, CM_ENOMEM, "out of memory checking duplicates"));
    }
    if (!created) {
        char detail[64];
        cm_i_ing_entry_t *q = NULL;
        snprintf(detail, sizeof detail, "same as line %lld", (long long)e->line);
        CM_TRY(cm_store_import_issue(g->si, "duplicate-row", row->line, 1, detail, 0, NULL,
                                     err));
        CM_TRY(quirk_entry(g, "duplicate-row", NULL, &q, err));
        q->count++;
        q->flag = 1;
        goto cleanup;
    }
    e->line = row->line;
    CM_TRY(g->imp->row(g, row, err));
cleanup:
    return rc;
}

cm_error_t cm_i_ing_load_class(cm_store_t *store, const char *name, cm_class_t **out,
                               cm_error_info_t *err)
{
    cm_error_t rc = cm_class_load(store, name, out, err);
    if (rc == CM_ENOTFOUND) {
        cm_error_clear(err);
        rc = cm_class_builtin(name, out, err);
    }
    return rc;
}

static const cm_i_importer_t *find_importer(const char *kind)
{
    for (size_t i = 0; i < NIMPORTERS; i++) {
        if (strcmp(importers[i]->kind, kind) == 0) {
            return importers[i];
        }
    }
    return NULL;
}

static cm_error_t unknown_kind(const char *kind, cm_error_info_t *err)
{
    char list[512];
    size_t o = 0;
    list[0] = '\0';
    for (size_t i = 0; i < NIMPORTERS; i++) {
        int w = snprintf(list + o, sizeof list - o, "%s%s", i ? ", " : "", importers[i]->kind);
        if (w < 0 || (size_t)w >= sizeof list - o) {
            break;
        }
        o += (size_t)w;
    }
    return cm_error_set(err, CM_EINVAL, "unknown import kind '%s' (expected auto, %s)", kind,
                        list);
}

/* Store the quirks counted as totals (not recorded row by row) as issues, and copy all of
 * them into the report in the order first met. */
static cm_error_t finish_quirks(cm_i_ing_t *g, cm_import_report_t *report, int store_issues,
                                cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    size_t n = g->quirks.n;
    cm_import_quirk_t *q = NULL;
    if (n == 0) {
        return CM_OK;
    }
    q = cm_calloc(n, sizeof *q);
    CM_NOMEM(q, err);
    for (size_t i = 0; i < g->quirks.cap; i++) {
        const cm_i_ing_entry_t *e = &g->quirks.slots[i];
        if (e->key == NULL) {
            continue;
        }
        const char *sep = strchr(e->key, '\x1f');
        size_t at = (size_t)e->order;
        q[at].kind = cm_strndup(e->key, (size_t)(sep - e->key));
        CM_NOMEM(q[at].kind, err);
        if (sep[1] != '\0') {
            q[at].detail = cm_strdup(sep + 1);
            CM_NOMEM(q[at].detail, err);
        }
        q[at].count = e->count;
        q[at].kept_aside = e->aside;
        if (store_issues && !e->flag) {
            char detail[160];
            snprintf(detail, sizeof detail, "%lld occurrence(s)%s%s%s", (long long)e->count,
                     q[at].detail ? ": '" : "", q[at].detail ? q[at].detail : "",
                     q[at].detail ? "'" : "");
            CM_TRY(cm_store_import_issue(g->si, q[at].kind, 0, 0, detail, 0, NULL, err));
        }
    }
    if (report != NULL) {
        report->quirks = q;
        report->nquirks = n;
        q = NULL;
    }
cleanup:
    if (q != NULL) {
        for (size_t i = 0; i < n; i++) {
            cm_free(q[i].kind);
            cm_free(q[i].detail);
        }
        cm_free(q);
    }
    return rc;
}

static void context_destroy(cm_i_ing_t *g)
{
    if (g->imp != NULL && g->imp->destroy != NULL && g->state != NULL) {
        g->imp->destroy(g);
    }
    cm_free(g->state);
    if (g->header != NULL) {
        for (size_t i = 0; i < g->ncols; i++) {
            cm_free(g->header[i]);
        }
        cm_free(g->header);
    }
    cm_i_ing_map_destroy(&g->quirks);
    cm_i_ing_map_destroy(&g->dups);
    cm_i_ing_map_destroy(&g->units);
    cm_i_ing_map_destroy(&g->shares);
    cm_i_buf_free(&g->scratch);
    cm_class_free(g->own_country);
    cm_class_free(g->own_material);
    cm_free(g->path_own);
}

static int is_xlsx(const char *path)
{
    size_t n = strlen(path);
    return n > 5 && strcasecmp(path + n - 5, ".xlsx") == 0;
}

/* A workbook: the sheet the importer chooses, its rows through the same record callback; the
 * messages name "file [sheet]" and the cell's row and column. */
static cm_error_t read_xlsx(cm_i_ing_t *g, const char *path, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_xlsx_sheets_t sheets;
    size_t at, n;
    memset(&sheets, 0, sizeof sheets);
    CM_TRY(cm_xlsx_sheets(path, &sheets, err));
    if (sheets.n == 0) {
        CM_FAIL(cm_error_set_at(err, CM_EPARSE, path, 1, 1,
                                "expected at least one worksheet in the workbook, found none"));
    }
    at = g->imp->xlsx_sheet(sheets.n, (const char *const *)sheets.names);
    if (at >= sheets.n) {
        at = 0;
    }
    n = strlen(path) + strlen(sheets.names[at]) + 4;
    g->path_own = cm_malloc(n);
    CM_NOMEM(g->path_own, err);
    snprintf(g->path_own, n, "%s [%s]", path, sheets.names[at]);
    g->path = g->path_own;
    CM_TRY(cm_xlsx_read(path, sheets.names[at], 0, NULL, on_record, g, err));
cleanup:
    cm_xlsx_sheets_destroy(&sheets);
    return rc;
}

static const char *pick(const char *a, const char *b)
{
    return a != NULL && a[0] != '\0' ? a : b;
}

cm_error_t cm_import_file(cm_store_t *store, const char *kind, const char *path,
                          const cm_import_options_t *opt, cm_import_report_t *report,
                          cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_import_options_t defaults;
    cm_i_ing_t g;
    cm_csv_stats_t stats;
    char sha[65];
    int64_t existing = 0;
    FILE *probe = NULL;

    memset(&defaults, 0, sizeof defaults);
    memset(&g, 0, sizeof g);
    memset(&stats, 0, sizeof stats);
    g.scratch.max = (size_t)64 << 20;
    if (opt == NULL) {
        opt = &defaults;
    }
    if (report != NULL) {
        cm_import_report_destroy(report);
    }
    if (store == NULL || kind == NULL || path == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_import_file: store, kind and path are required");
    }
    if (strcmp(kind, "auto") == 0) {
        CM_TRY(cm_import_detect(path, &kind, err));
    }
    g.imp = find_importer(kind);
    if (g.imp == NULL) {
        return unknown_kind(kind, err);
    }
    probe = fopen(path, "rb");
    if (probe == NULL) {
        return cm_error_set_at(err, CM_EFILE, path, 0, 0, "cannot open '%s': %s", path,
                               strerror(errno));
    }
    fclose(probe);
    CM_TRY(cm_sha256_file(path, sha, err));
    if (report != NULL) {
        snprintf(report->kind, sizeof report->kind, "%s", g.imp->kind);
        memcpy(report->sha256, sha, sizeof sha);
    }
    if (opt->skip_existing) {
        CM_TRY(cm_store_dataset_find(store, g.imp->kind, sha, &existing, err));
        if (existing > 0) {
            if (report != NULL) {
                report->skipped = 1;
                report->dataset_id = existing;
            }
            return CM_OK;
        }
    }

    g.opt = opt;
    g.store = store;
    g.path = path;
    g.base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
    g.share_limit = 1.0 + (opt->share_tolerance > 0 ? opt->share_tolerance : 0.025);
    cm_csv_options_default(&g.csv);
    g.csv.strict_fields = 0;
    g.csv.skip_blank_lines = 1;
    g.csv.separator = opt->separator ? opt->separator : g.imp->separator;
    g.csv.encoding = opt->encoding;
    g.num.decimal_comma = opt->decimal_comma;
    snprintf(g.version_buf, sizeof g.version_buf, "%s", g.imp->version);
    snprintf(g.name_buf, sizeof g.name_buf, "%s", g.imp->name);
    if (g.imp->state_size > 0) {
        g.state = cm_calloc(1, g.imp->state_size);
        CM_NOMEM(g.state, err);
    }
    g.country = opt->countries;
    g.material = opt->materials;
    if (g.country == NULL) {
        CM_TRY(cm_i_ing_load_class(store, "country", &g.own_country, err));
        g.country = g.own_country;
    }
    if (g.material == NULL) {
        CM_TRY(cm_i_ing_load_class(store, "material", &g.own_material, err));
        g.material = g.own_material;
    }
    if (g.imp->prepare != NULL) {
        CM_TRY(g.imp->prepare(&g, err));
    }
    if (opt->separator) { /* options given by the caller win over a schema */
        g.csv.separator = opt->separator;
    }
    if (opt->decimal_comma) {
        g.num.decimal_comma = 1;
    }
    if (opt->encoding != CM_ENC_AUTO) {
        g.csv.encoding = opt->encoding;
    }

    {
        cm_provenance_t prov;
        memset(&prov, 0, sizeof prov);
        prov.kind = g.imp->kind;
        prov.name = pick(opt->name, g.name_buf);
        prov.publisher = pick(opt->publisher, pick(g.publisher, g.imp->publisher));
        prov.source = pick(opt->source, pick(g.source, g.imp->source));
        prov.licence = pick(opt->licence, pick(g.licence, g.imp->licence));
        prov.version = pick(opt->version, g.version_buf);
        prov.file = path;
        prov.sha256 = sha;
        CM_TRY(cm_store_import_begin(store, &prov, &g.si, err));
    }

    if (g.imp->read_file != NULL) {
        CM_TRY(g.imp->read_file(&g, err));
    } else if (g.imp->xlsx_sheet != NULL && is_xlsx(path)) {
        rc = read_xlsx(&g, path, err);
    } else {
        rc = cm_csv_read_file(path, &g.csv, on_record, &g, &stats, err);
    }
    if (rc != CM_OK) {
        if (err != NULL && err->file[0] == '\0' && (rc == CM_EPARSE || rc == CM_EFILE)) {
            char msg[CM_ERROR_MSG_MAX];
            snprintf(msg, sizeof msg, "%s", err->message);
            cm_error_set_at(err, rc, path, err->line, err->column, "%s", msg);
        }
        if (err != NULL && rc == CM_EPARSE && err->line <= 0) {
            err->line = stats.lines > 0 ? stats.lines : 1;
        }
        if (err != NULL && rc == CM_EPARSE && err->column <= 0) {
            err->column = 1;
        }
        goto cleanup;
    }
    if (g.header == NULL && g.imp->read_file == NULL) {
        CM_FAIL(cm_error_set_at(err, CM_EPARSE, path, 1, 1,
                                "empty file: expected a header line and data rows"));
    }
    if (g.records == 0) {
        CM_FAIL(cm_error_set_at(err, CM_EPARSE, path, stats.lines + 1, 1,
                                "expected data rows after the header, found none (header only)"));
    }
    if (g.imp->finish != NULL) {
        CM_TRY(g.imp->finish(&g, err));
    }
    CM_TRY(cm_i_ing_check_shares(&g, err));
    if (stats.had_bom) {
        CM_TRY(cm_i_ing_quirk(&g, "bom", NULL, 1, err));
    }
    if (stats.converted_1252) {
        CM_TRY(cm_i_ing_quirk(&g, "windows-1252", NULL,
                              stats.converted_fields > 0 ? stats.converted_fields : 1, err));
    }
    if (stats.blank_lines > 0) {
        CM_TRY(cm_i_ing_quirk(&g, "blank-line", NULL, stats.blank_lines, err));
    }
    CM_TRY(finish_quirks(&g, report, 1, err));
    if (report != NULL) {
        report->rows = cm_store_import_rows(g.si);
        report->records = g.records;
        report->kept_aside = g.kept_aside;
        report->dataset_id = cm_store_import_dataset_id(g.si);
    }
    {
        cm_store_import_t *si = g.si;
        g.si = NULL;
        CM_TRY(cm_store_import_commit(si, err));
    }
    if (opt != NULL && opt->progress != NULL && g.records >= CM_IMPORT_PROGRESS_EVERY) {
        opt->progress(g.imp->kind, g.records, g.records, opt->progress_data);
    }

cleanup:
    if (g.si != NULL) {
        cm_store_import_abort(g.si);
        g.si = NULL;
    }
    if (rc != CM_OK && report != NULL) {
        char k[32];
        char s[65];
        memcpy(k, report->kind, sizeof k);
        memcpy(s, report->sha256, sizeof s);
        cm_import_report_destroy(report);
        memcpy(report->kind, k, sizeof k);
        memcpy(report->sha256, s, sizeof s);
        report->records = g.records;
    }
    context_destroy(&g);
    return rc;
}

/* --- kind detection ---------------------------------------------------------------------- */

static cm_error_t detect_row(const cm_csv_row_t *row, void *user_data, cm_error_info_t *err)
{
    const char **kind = user_data;
    CM_UNUSED(err);
    for (size_t i = 0; i < NIMPORTERS; i++) {
        if (importers[i]->detect != NULL && importers[i]->detect(row->nfields, row->fields)) {
            *kind = importers[i]->kind;
            break;
        }
    }
    return CM_ENOTFOUND; /* stop after the header */
}

cm_error_t cm_import_detect(const char *path, const char **kind, cm_error_info_t *err)
{
    cm_csv_options_t o;
    const char *found = NULL;
    cm_error_t rc;
    if (path == NULL || kind == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_import_detect: path and kind are required");
    }
    *kind = NULL;
    cm_csv_options_default(&o);
    o.strict_fields = 0;
    rc = cm_csv_read_file(path, &o, detect_row, &found, NULL, err);
    if (rc == CM_EFILE || rc == CM_ENOMEM) {
        return rc;
    }
    cm_error_clear(err);
    if (found == NULL) {
        return cm_error_set_at(err, CM_ENOTFOUND, path, 1, 1,
                               "cannot tell the import kind from the header; give the kind "
                               "explicitly");
    }
    *kind = found;
    return CM_OK;
}

/* Importers of Eurostat's dissemination layouts for the EW-MFA datasets (env_ac_mfa,
 * env_ac_rme, env_ac_cur, cei_srm030, sdg_12_41) and any other Eurostat table:
 *   "eurostat-tsv"      the bulk TSV: a combined first column "freq,unit,...,geo\TIME_PERIOD",
 *                       one column per year, cells "123.4", "123.4 p", ":", ": c";
 *   "eurostat-jsonstat" JSON-stat 2.0 as returned by the dissemination API (plain or gzip);
 *   "eurostat-sdmx-csv" SDMX 2.1 CSV: DATAFLOW,LAST UPDATE,freq,...,TIME_PERIOD,OBS_VALUE,OBS_FLAG.
 * All three end in estat_emit(), so that one observation looks the same whatever the layout
 * (see docs/mfa.md): variable "ewmfa" (env_ac_mfa), "ewmfa_rme" (env_ac_rme), "cmu_rate"
 * (env_ac_cur, cei_srm030, sdg_12_41), "gdp" (nama_10_gdp), else the dataset code; product =
 * the indicator code (indic_env, stk_flow, na_item, indic_de; "CMU" for the rate); material =
 * the MF code ("TOTAL" when the table has no material dimension); region = ISO3 when the
 * country list knows the geo code, else the code as published (EU27_2020 ...); period = year.
 * A missing cell is never stored as zero: it is an import issue "missing-value" naming the
 * cell; a missing cell with a flag (": c") is stored without a value but with its flag. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <zlib.h>

#include "cambium/cm_json.h"
#include "fmt/fmt_internal.h"
#include "ingest_internal.h"

#define ESTAT_MAX_DIMS 16
#define ESTAT_FLAGS "bcdefinprsuz"
#define ESTAT_JSON_MAX ((size_t)256 << 20)

/* What the layouts share: the dataset code and the variable its observations get. */
typedef struct estat_common_t {
    char dataset[64]; /* lowercase code, "" when unknown */
    char variable[64];
} estat_common_t;

/* --- shared mapping ------------------------------------------------------------------- */

static void lower_copy(char *dst, size_t n, const char *src)
{
    size_t i = 0;
    for (; src[i] != '\0' && i + 1 < n; i++) {
        char c = src[i];
        dst[i] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    dst[i] = '\0';
}

/* Choose the variable from the dataset code (or, when unknown, from the dimensions). */
static void estat_variable(estat_common_t *c, size_t ndims, const char *const *names)
{
    static const struct {
        const char *needle, *variable;
    } map[] = {
        {"env_ac_rme", "ewmfa_rme"}, {"env_ac_mfa", "ewmfa"},   {"env_ac_cur", "cmu_rate"},
        {"cei_srm030", "cmu_rate"},  {"sdg_12_41", "cmu_rate"}, {"nama_10_gdp", "gdp"},
    };
    int has_indic = 0;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        if (c->dataset[0] != '\0' && strstr(c->dataset, map[i].needle) != NULL) {
            snprintf(c->variable, sizeof c->variable, "%s", map[i].variable);
            return;
        }
    }
    if (c->dataset[0] != '\0') {
        snprintf(c->variable, sizeof c->variable, "%s", c->dataset);
        return;
    }
    for (size_t i = 0; i < ndims; i++) {
        has_indic |= cm_i_ing_eq(names[i], "indic_env");
    }
    snprintf(c->variable, sizeof c->variable, "%s", has_indic ? "ewmfa" : "estat");
}

/* The dataset code in a file name: "estat_cei_srm030.tsv" -> "cei_srm030". */
static void dataset_from_name(estat_common_t *c, const char *base)
{
    char buf[64];
    char *dot = NULL;
    lower_copy(buf, sizeof buf, base);
    dot = strchr(buf, '.');
    if (dot != NULL) {
        *dot = '\0';
    }
    snprintf(c->dataset, sizeof c->dataset, "%s", strncmp(buf, "estat_", 6) == 0 ? buf + 6 : buf);
}

static const char *estat_unit(const char *u)
{
    static const char *const map[][2] = {
        {"THS_T", "kt"},    {"T", "t"},           {"MIO_T", "Mt"},        {"PC", "%"},
        {"T_HAB", "t/cap"}, {"EUR_KG", "EUR/kg"}, {"CLV10_MEUR", "MEUR"}, {"CP_MEUR", "MEUR"},
        {"NR", "1"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        if (strcmp(u, map[i][0]) == 0) {
            return map[i][1];
        }
    }
    return u;
}

/* A cell "12.5", "12.5 e", ":", ": c" (blanks trimmed). Returns 0 and sets *has_value, *value,
 * flag; -1 for text that is not a number, -2 for an unknown flag. */
static int estat_cell(const char *text, int *has_value, double *value, char flag[8])
{
    char buf[64];
    const char *p = NULL;
    cm_i_ing_clean(buf, sizeof buf, text);
    *has_value = 0;
    *value = NAN;
    flag[0] = '\0';
    p = buf;
    if (*p == ':') {
        p++;
    } else if (*p != '\0') {
        char *end = NULL;
        errno = 0;
        *value = cm_i_strtod_c(p, &end);
        if (end == p || errno == ERANGE || !isfinite(*value) || (*end != '\0' && *end != ' ')) {
            return -1;
        }
        *has_value = 1;
        p = end;
    }
    while (*p == ' ') {
        p++;
    }
    if (strlen(p) >= 8 || strspn(p, ESTAT_FLAGS) != strlen(p)) {
        return -2;
    }
    memcpy(flag, p, strlen(p) + 1);
    return 0;
}

/* One cell to one observation (or one issue). \p names / \p codes: the dimensions. */
static cm_error_t estat_emit(cm_i_ing_t *g, const estat_common_t *c, int64_t line, size_t col,
                             size_t ndims, const char *const *names, const char *const *codes,
                             const char *time, int has_value, double value, const char *flag,
                             cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    const char *geo = NULL, *unit = "", *indic = NULL, *material = "TOTAL", *region = NULL;
    char year[8];
    char tbuf[32];
    cm_i_buf_t attrs = CM_I_BUF_INIT(1 << 16);
    cm_obs_t o;

    for (size_t i = 0; i < ndims; i++) {
        const char *n = names[i];
        if (cm_i_ing_eq(n, "geo")) {
            geo = codes[i];
        } else if (cm_i_ing_eq(n, "unit")) {
            unit = codes[i];
        } else if (cm_i_ing_eq(n, "material")) {
            material = codes[i];
        } else if (cm_i_ing_eq(n, "indic_env") || cm_i_ing_eq(n, "stk_flow") ||
                   cm_i_ing_eq(n, "na_item") || cm_i_ing_eq(n, "indic_de")) {
            indic = codes[i];
        } else if (cm_i_ing_eq(n, "time") || cm_i_ing_eq(n, "TIME_PERIOD")) {
            continue; /* given as \p time */
        } else if (cm_i_ing_eq(n, "freq")) {
            if (strcmp(codes[i], "A") != 0) {
                CM_FAIL(cm_i_ing_quirk(g, "not-annual", codes[i], 1, err));
            }
        } else {
            CM_TRY(cm_i_buf_puts(&attrs, attrs.len == 0 ? "{" : ","));
            CM_TRY(cm_i_ing_json_str(&attrs, n));
            CM_TRY(cm_i_buf_puts(&attrs, ":"));
            CM_TRY(cm_i_ing_json_str(&attrs, codes[i]));
        }
    }
    if (geo == NULL || geo[0] == '\0') {
        CM_FAIL(cm_i_ing_fail(g, err, CM_EPARSE, line, col,
                              "expected a 'geo' dimension with a code, found none"));
    }
    cm_i_ing_clean(tbuf, sizeof tbuf, time);
    if (strlen(tbuf) != 4 || strspn(tbuf, "0123456789") != 4) {
        CM_FAIL(cm_i_ing_fail(g, err, CM_EPARSE, line, col,
                              "expected an annual time period (a four-digit year), got '%s'",
                              tbuf));
    }
    memcpy(year, tbuf, 5);
    if (!has_value) {
        char detail[160];
        snprintf(detail, sizeof detail, "%s %s %s %s%s%s: no value%s%s", c->variable,
                 indic != NULL ? indic : "-", material, geo, " ", year,
                 flag[0] != '\0' ? ", flag " : "", flag);
        CM_TRY(cm_store_import_issue(g->si, "missing-value", line, (int64_t)col + 1, detail, 0,
                                     NULL, err));
        CM_TRY(cm_i_ing_quirk(g, "missing-value", NULL, 1, err));
        if (flag[0] == '\0') {
            goto cleanup;
        }
    }
    if (flag[0] != '\0') {
        CM_TRY(cm_i_ing_quirk(g, "flag", flag, 1, err));
    }
    region = cm_i_ing_country(g, geo);
    if (region == NULL) {
        region = geo;
        CM_TRY(cm_i_ing_quirk(g, "aggregate-region", geo, 1, err));
    }
    CM_TRY(cm_i_buf_puts(&attrs, attrs.len == 0 ? "{" : ","));
    CM_TRY(cm_i_buf_puts(&attrs, "\"dataset\":"));
    CM_TRY(cm_i_ing_json_str(&attrs, c->dataset[0] != '\0' ? c->dataset : "unknown"));
    CM_TRY(cm_i_buf_puts(&attrs, "}"));
    memset(&o, 0, sizeof o);
    o.variable = c->variable;
    o.region = region;
    o.material = material;
    o.product = indic != NULL ? indic : (strcmp(c->variable, "cmu_rate") == 0 ? "CMU" : NULL);
    o.period = year;
    o.value = has_value ? value : NAN;
    o.unit = estat_unit(unit);
    o.flag = flag[0] != '\0' ? flag : NULL;
    o.attrs = attrs.data;
    o.line = line;
    CM_TRY(cm_i_ing_add(g, &o, err));
cleanup:
    if (rc == CM_ENOMEM && err != NULL && err->code != CM_ENOMEM) {
        cm_error_set(err, CM_ENOMEM, "out of memory storing an observation");
    }
    cm_i_buf_free(&attrs);
    return rc;
}

static cm_error_t cell_error(cm_i_ing_t *g, int64_t line, size_t col, int why, const char *text,
                             cm_error_info_t *err)
{
    char shown[64];
    cm_i_ing_clean(shown, sizeof shown, text);
    if (why == -1) {
        return cm_i_ing_fail(g, err, CM_EPARSE, line, col,
                             "expected a number, ':' or a number with Eurostat flags, got '%s'",
                             shown);
    }
    return cm_i_ing_fail(g, err, CM_EPARSE, line, col,
                         "expected Eurostat flag letters among '" ESTAT_FLAGS "' after the "
                         "value, got '%s'",
                         shown);
}

/* --- bulk TSV --------------------------------------------------------------------------- */

typedef struct tsv_state_t {
    estat_common_t c;
    size_t ndims;
    char *names[ESTAT_MAX_DIMS];
    char *buf; /* the first header field, split in place */
} tsv_state_t;

static cm_error_t tsv_prepare(cm_i_ing_t *g, cm_error_info_t *err)
{
    tsv_state_t *s = g->state;
    CM_UNUSED(err);
    dataset_from_name(&s->c, g->base);
    snprintf(g->name_buf, sizeof g->name_buf, "Eurostat %s (bulk TSV)", s->c.dataset);
    return CM_OK;
}

static cm_error_t tsv_header(cm_i_ing_t *g, const cm_csv_row_t *row, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    tsv_state_t *s = g->state;
    char *bs = NULL, *save = NULL, *tok = NULL;
    char shown[160];
    cm_i_ing_clean(shown, sizeof shown, cm_i_ing_field(row, 0));
    s->buf = cm_strdup(shown);
    CM_NOMEM(s->buf, err);
    bs = strchr(s->buf, '\\');
    if (bs == NULL || (!cm_i_ing_eq(bs + 1, "TIME_PERIOD") && !cm_i_ing_eq(bs + 1, "time"))) {
        CM_FAIL(cm_i_ing_fail(g, err, CM_EPARSE, row->line, 0,
                              "expected a first column 'dim,dim,...,geo\\TIME_PERIOD', got '%s'",
                              shown));
    }
    *bs = '\0';
    for (tok = strtok_r(s->buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
        if (s->ndims == ESTAT_MAX_DIMS) {
            CM_FAIL(cm_i_ing_fail(g, err, CM_EPARSE, row->line, 0,
                                  "expected at most %d dimensions in the first column, got '%s'",
                                  ESTAT_MAX_DIMS, shown));
        }
        s->names[s->ndims++] = tok;
    }
    if (s->ndims == 0 || !cm_i_ing_eq(s->names[s->ndims - 1], "geo")) {
        CM_FAIL(cm_i_ing_fail(g, err, CM_EPARSE, row->line, 0,
                              "expected the first column to end in 'geo\\TIME_PERIOD', got '%s'",
                              shown));
    }
    if (row->nfields < 2) {
        CM_FAIL(cm_i_ing_fail(g, err, CM_EPARSE, row->line, 1,
                              "expected tab-separated year columns after '%s', found none", shown));
    }
    {
        int prev = 0;
        for (size_t i = 1; i < row->nfields; i++) {
            char y[32];
            cm_i_ing_clean(y, sizeof y, row->fields[i]);
            if (strlen(y) != 4 || strspn(y, "0123456789") != 4) {
                CM_FAIL(cm_i_ing_fail(g, err, CM_EPARSE, row->line, i,
                                      "expected a four-digit year as column header, got '%s'", y));
            }
            int yy = (int)strtol(y, NULL, 10);
            if (prev != 0 && yy != prev + 1 && yy != prev - 1) {
                char d[64];
                snprintf(d, sizeof d, "years %d and %d", prev, yy);
                CM_TRY(cm_store_import_issue(g->si, "year-gap", row->line, (int64_t)i + 1, d, 0,
                                             NULL, err));
            }
            prev = yy;
        }
    }
    estat_variable(&s->c, s->ndims, (const char *const *)s->names);
cleanup:
    return rc;
}

static cm_error_t tsv_row(cm_i_ing_t *g, const cm_csv_row_t *row, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    tsv_state_t *s = g->state;
    char key[256];
    char *codes[ESTAT_MAX_DIMS];
    size_t n = 0;
    char *save = NULL, *tok = NULL;

    cm_i_ing_clean(key, sizeof key, cm_i_ing_field(row, 0));
    {
        char shown[256];
        memcpy(shown, key, sizeof shown);
        for (tok = strtok_r(key, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
            if (n == ESTAT_MAX_DIMS) {
                break;
            }
            codes[n++] = tok;
        }
        if (n != s->ndims || strstr(shown, ",,") != NULL) {
            CM_FAIL(cm_i_ing_fail(g, err, CM_EPARSE, row->line, 0,
                                  "expected %zu comma-separated codes in the first column as in "
                                  "the header, got '%s'",
                                  s->ndims, shown));
        }
    }
    for (size_t i = 1; i < row->nfields && i < g->ncols; i++) {
        int has = 0;
        double v = NAN;
        char flag[8];
        int why = estat_cell(row->fields[i], &has, &v, flag);
        if (why != 0) {
            CM_FAIL(cell_error(g, row->line, i, why, row->fields[i], err));
        }
        CM_TRY(estat_emit(g, &s->c, row->line, i, s->ndims, (const char *const *)s->names,
                          (const char *const *)codes, g->header[i], has, v, flag, err));
    }
cleanup:
    return rc;
}

static void tsv_destroy(cm_i_ing_t *g)
{
    tsv_state_t *s = g->state;
    cm_free(s->buf);
}

static int tsv_detect(size_t n, const char *const *f)
{
    return n >= 1 && f[0] != NULL && strstr(f[0], "\\TIME_PERIOD") != NULL &&
           strchr(f[0], ',') != NULL;
}

const cm_i_importer_t cm_i_imp_estat_tsv = {
    .kind = "eurostat-tsv",
    .summary = "Eurostat bulk TSV (first column 'freq,...,geo\\TIME_PERIOD', cells 'value flag')",
    .name = "Eurostat bulk TSV",
    .publisher = "Eurostat",
    .source = "https://ec.europa.eu/eurostat/api/dissemination (bulk TSV)",
    .licence = "Eurostat copyright notice: reuse with acknowledgement of the source",
    .version = "",
    .separator = '\t',
    .state_size = sizeof(tsv_state_t),
    .prepare = tsv_prepare,
    .header = tsv_header,
    .row = tsv_row,
    .destroy = tsv_destroy,
    .detect = tsv_detect,
};

/* --- SDMX-CSV --------------------------------------------------------------------------- */

typedef struct sdmx_state_t {
    estat_common_t c;
    size_t dataflow, time, value, flag;
    int has_flag;
    size_t ndims;
    size_t dimcol[ESTAT_MAX_DIMS];
    const char *names[ESTAT_MAX_DIMS];
    char last_update[64];
} sdmx_state_t;

/* "ESTAT:ENV_AC_MFA(1.0)" -> "env_ac_mfa". */
static void dataset_from_flow(estat_common_t *c, const char *flow)
{
    char buf[64];
    const char *colon = strchr(flow, ':');
    char *paren = NULL;
    lower_copy(buf, sizeof buf, colon != NULL ? colon + 1 : flow);
    paren = strchr(buf, '(');
    if (paren != NULL) {
        *paren = '\0';
    }
    cm_i_ing_clean(c->dataset, sizeof c->dataset, buf);
}

typedef struct sdmx_peek_t {
    size_t flow_col, upd_col;
    int have_cols;
    char flow[64], updated[64];
} sdmx_peek_t;

static cm_error_t sdmx_peek_row(const cm_csv_row_t *row, void *user_data, cm_error_info_t *err)
{
    sdmx_peek_t *p = user_data;
    CM_UNUSED(err);
    if (!p->have_cols) {
        for (size_t i = 0; i < row->nfields; i++) {
            char b[64];
            cm_i_ing_clean(b, sizeof b, row->fields[i]);
            if (cm_i_ing_eq(b, "DATAFLOW")) {
                p->flow_col = i + 1;
            } else if (cm_i_ing_eq(b, "LAST UPDATE")) {
                p->upd_col = i + 1;
            }
        }
        p->have_cols = 1;
        return CM_OK;
    }
    if (p->flow_col > 0 && p->flow_col <= row->nfields) {
        cm_i_ing_clean(p->flow, sizeof p->flow, row->fields[p->flow_col - 1]);
    }
    if (p->upd_col > 0 && p->upd_col <= row->nfields) {
        cm_i_ing_clean(p->updated, sizeof p->updated, row->fields[p->upd_col - 1]);
    }
    return CM_ENOTFOUND; /* stop after the first data record */
}

/* "02/07/26 11:00:00" (Eurostat's LAST UPDATE) -> "2026-07-02 11:00:00"; else kept. */
static void iso_update(const char *in, char *out, size_t n)
{
    unsigned d = 0, m = 0, y = 0, hh = 0, mm = 0, ss = 0;
    if (strlen(in) == 17 && in[2] == '/' && in[5] == '/' &&
        sscanf(in, "%2u/%2u/%2u %2u:%2u:%2u", &d, &m, &y, &hh, &mm, &ss) == 6) {
        snprintf(out, n, "20%02u-%02u-%02u %02u:%02u:%02u", y, m, d, hh, mm, ss);
    } else {
        snprintf(out, n, "%s", in);
    }
}

static cm_error_t sdmx_prepare(cm_i_ing_t *g, cm_error_info_t *err)
{
    sdmx_state_t *s = g->state;
    sdmx_peek_t p;
    cm_csv_options_t o;
    cm_error_t rc;
    memset(&p, 0, sizeof p);
    cm_csv_options_default(&o);
    o.strict_fields = 0;
    o.separator = ',';
    rc = cm_csv_read_file(g->path, &o, sdmx_peek_row, &p, NULL, err);
    if (rc == CM_EFILE || rc == CM_ENOMEM) {
        return rc;
    }
    cm_error_clear(err);
    if (p.flow[0] != '\0') {
        dataset_from_flow(&s->c, p.flow);
    }
    iso_update(p.updated, s->last_update, sizeof s->last_update);
    snprintf(g->version_buf, sizeof g->version_buf, "%s", s->last_update);
    snprintf(g->name_buf, sizeof g->name_buf, "Eurostat %s (SDMX-CSV)",
             s->c.dataset[0] != '\0' ? s->c.dataset : "dataset");
    return CM_OK;
}

static cm_error_t sdmx_header(cm_i_ing_t *g, const cm_csv_row_t *row, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    sdmx_state_t *s = g->state;
    int64_t f = 0;
    CM_TRY(cm_i_ing_require(g, row, "DATAFLOW", &s->dataflow, err));
    CM_TRY(cm_i_ing_require(g, row, "TIME_PERIOD", &s->time, err));
    CM_TRY(cm_i_ing_require(g, row, "OBS_VALUE", &s->value, err));
    f = cm_i_ing_col(g, "OBS_FLAG");
    s->has_flag = f >= 0;
    s->flag = f >= 0 ? (size_t)f : 0;
    for (size_t i = 0; i < g->nused; i++) {
        const char *h = g->header[i];
        if (i == s->dataflow || i == s->time || i == s->value || (s->has_flag && i == s->flag) ||
            cm_i_ing_eq(h, "LAST UPDATE") || cm_i_ing_eq(h, "CONF_STATUS")) {
            continue;
        }
        if (s->ndims == ESTAT_MAX_DIMS) {
            CM_FAIL(cm_i_ing_fail(g, err, CM_EPARSE, row->line, i,
                                  "expected at most %d dimension columns", ESTAT_MAX_DIMS));
        }
        s->dimcol[s->ndims] = i;
        s->names[s->ndims++] = h;
    }
    estat_variable(&s->c, s->ndims, s->names);
cleanup:
    return rc;
}

static cm_error_t sdmx_row(cm_i_ing_t *g, const cm_csv_row_t *row, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    sdmx_state_t *s = g->state;
    const char *codes[ESTAT_MAX_DIMS];
    char cell[96];
    int has = 0, why = 0;
    double v = NAN;
    char flag[8];
    for (size_t i = 0; i < s->ndims; i++) {
        codes[i] = cm_i_ing_field(row, s->dimcol[i]);
    }
    snprintf(cell, sizeof cell, "%s", cm_i_ing_field(row, s->value));
    why = estat_cell(cell, &has, &v, flag);
    if (why != 0) {
        CM_FAIL(cell_error(g, row->line, s->value, why, cell, err));
    }
    if (s->has_flag) {
        char f[64];
        cm_i_ing_clean(f, sizeof f, cm_i_ing_field(row, s->flag));
        if (strlen(f) >= sizeof flag || strspn(f, ESTAT_FLAGS) != strlen(f)) {
            CM_FAIL(cell_error(g, row->line, s->flag, -2, f, err));
        }
        memcpy(flag, f, strlen(f) + 1);
    }
    CM_TRY(estat_emit(g, &s->c, row->line, s->value, s->ndims, s->names, codes,
                      cm_i_ing_field(row, s->time), has, v, flag, err));
cleanup:
    return rc;
}

static int sdmx_detect(size_t n, const char *const *f)
{
    static const char *const need[] = {"DATAFLOW", "TIME_PERIOD", "OBS_VALUE", NULL};
    return cm_i_ing_has_columns(n, f, need);
}

const cm_i_importer_t cm_i_imp_estat_sdmx = {
    .kind = "eurostat-sdmx-csv",
    .summary =
        "Eurostat SDMX 2.1 CSV (DATAFLOW,LAST UPDATE,freq,...,TIME_PERIOD,OBS_VALUE,OBS_FLAG)",
    .name = "Eurostat SDMX-CSV",
    .publisher = "Eurostat",
    .source = "https://ec.europa.eu/eurostat/api/dissemination/sdmx/2.1 (SDMX-CSV)",
    .licence = "Eurostat copyright notice: reuse with acknowledgement of the source",
    .version = "",
    .separator = ',',
    .state_size = sizeof(sdmx_state_t),
    .prepare = sdmx_prepare,
    .header = sdmx_header,
    .row = sdmx_row,
    .detect = sdmx_detect,
};

/* --- JSON-stat 2.0 ---------------------------------------------------------------------- */

typedef struct jst_dim_t {
    const char *name;
    size_t size;
    const char **codes; /* position -> code (borrowed from the JSON tree) */
} jst_dim_t;

typedef struct jst_state_t {
    estat_common_t c;
    json_t *root;
    size_t ndims;
    jst_dim_t dims[ESTAT_MAX_DIMS];
    size_t time_dim;
    size_t total;
} jst_state_t;

static cm_error_t jst_bad(cm_i_ing_t *g, cm_error_info_t *err, const char *what)
{
    return cm_error_set_at(err, CM_EPARSE, g->path, 1, 1, "JSON-stat 2.0: expected %s", what);
}

/* Read the whole (possibly gzip-compressed) file into a NUL-terminated buffer. */
static cm_error_t read_all(cm_i_ing_t *g, char **out, size_t *len, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    gzFile f = gzopen(g->path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0;
    if (f == NULL) {
        return cm_error_set_at(err, CM_EFILE, g->path, 0, 0, "cannot open '%s': %s", g->path,
                               strerror(errno));
    }
    for (;;) {
        int got = 0;
        if (cap - n < 65536) {
            size_t ncap = cap == 0 ? 262144 : cap * 2;
            char *nb = NULL;
            if (ncap > ESTAT_JSON_MAX) {
                CM_FAIL(cm_error_set_at(err, CM_EPARSE, g->path, 1, 1,
                                        "JSON-stat file larger than %zu bytes uncompressed",
                                        ESTAT_JSON_MAX));
            }
            nb = cm_realloc(buf, ncap);
            CM_NOMEM(nb, err);
            buf = nb;
            cap = ncap;
        }
        got = gzread(f, buf + n, (unsigned)(cap - n - 1));
        if (got < 0) {
            CM_FAIL(cm_error_set_at(err, CM_EFILE, g->path, 0, 0,
                                    "cannot read '%s' (corrupt gzip data)", g->path));
        }
        if (got == 0) {
            break;
        }
        n += (size_t)got;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    buf = NULL;
cleanup:
    gzclose(f);
    cm_free(buf);
    return rc;
}

static cm_error_t jst_prepare(cm_i_ing_t *g, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    jst_state_t *s = g->state;
    char *text = NULL;
    size_t len = 0;
    json_t *id = NULL, *size = NULL, *dim = NULL, *ext = NULL;
    const char *names[ESTAT_MAX_DIMS];

    CM_TRY(read_all(g, &text, &len, err));
    CM_TRY(cm_json_load_buffer(text, len, g->path, &s->root, err));
    if (!json_is_object(s->root) || !json_is_string(json_object_get(s->root, "version")) ||
        strcmp(json_string_value(json_object_get(s->root, "version")), "2.0") != 0) {
        CM_FAIL(jst_bad(g, err, "an object with \"version\": \"2.0\""));
    }
    id = json_object_get(s->root, "id");
    size = json_object_get(s->root, "size");
    dim = json_object_get(s->root, "dimension");
    if (!json_is_array(id) || !json_is_array(size) ||
        json_array_size(id) != json_array_size(size) || json_array_size(id) == 0 ||
        json_array_size(id) > ESTAT_MAX_DIMS || !json_is_object(dim)) {
        CM_FAIL(jst_bad(g, err,
                        "arrays \"id\" and \"size\" of the same length (1 to 16) and an "
                        "object \"dimension\""));
    }
    s->ndims = json_array_size(id);
    s->total = 1;
    s->time_dim = s->ndims;
    for (size_t i = 0; i < s->ndims; i++) {
        jst_dim_t *d = &s->dims[i];
        json_t *sz = json_array_get(size, i);
        json_t *cat = NULL, *index = NULL;
        if (!json_is_string(json_array_get(id, i)) || !json_is_integer(sz) ||
            json_integer_value(sz) <= 0 || json_integer_value(sz) > 1000000) {
            CM_FAIL(jst_bad(g, err, "dimension names and positive sizes in \"id\" and \"size\""));
        }
        d->name = json_string_value(json_array_get(id, i));
        d->size = (size_t)json_integer_value(sz);
        if (s->total > ((size_t)1 << 31) / d->size) {
            CM_FAIL(jst_bad(g, err, "at most 2^31 cells"));
        }
        s->total *= d->size;
        if (cm_i_ing_eq(d->name, "time") || cm_i_ing_eq(d->name, "TIME_PERIOD")) {
            s->time_dim = i;
        }
        cat = json_object_get(json_object_get(dim, d->name), "category");
        index = json_object_get(cat, "index");
        d->codes = cm_calloc(d->size, sizeof *d->codes);
        CM_NOMEM(d->codes, err);
        if (json_is_object(index)) {
            const char *k = NULL;
            json_t *v = NULL;
            json_object_foreach(index, k, v)
            {
                if (!json_is_integer(v) || json_integer_value(v) < 0 ||
                    (size_t)json_integer_value(v) >= d->size) {
                    CM_FAIL(jst_bad(g, err, "category indexes within the dimension size"));
                }
                d->codes[json_integer_value(v)] = k;
            }
        } else if (json_is_array(index) && json_array_size(index) == d->size) {
            for (size_t k = 0; k < d->size; k++) {
                d->codes[k] = json_string_value(json_array_get(index, k));
            }
        } else if (d->size == 1 && json_is_object(json_object_get(cat, "label")) &&
                   json_object_size(json_object_get(cat, "label")) == 1) {
            d->codes[0] = json_object_iter_key(json_object_iter(json_object_get(cat, "label")));
        } else {
            CM_FAIL(jst_bad(g, err, "a category index (object or array) for every dimension"));
        }
        for (size_t k = 0; k < d->size; k++) {
            if (d->codes[k] == NULL) {
                CM_FAIL(jst_bad(g, err, "a code for every category position"));
            }
        }
        names[i] = d->name;
    }
    if (s->time_dim == s->ndims) {
        CM_FAIL(jst_bad(g, err, "a \"time\" dimension"));
    }
    if (!json_is_array(json_object_get(s->root, "value")) &&
        !json_is_object(json_object_get(s->root, "value"))) {
        CM_FAIL(jst_bad(g, err, "\"value\" as an array or an object"));
    }
    ext = json_object_get(json_object_get(s->root, "extension"), "id");
    if (json_is_string(ext)) {
        lower_copy(s->c.dataset, sizeof s->c.dataset, json_string_value(ext));
    } else {
        dataset_from_name(&s->c, g->base);
    }
    estat_variable(&s->c, s->ndims, names);
    if (json_is_string(json_object_get(s->root, "updated"))) {
        snprintf(g->version_buf, sizeof g->version_buf, "%s",
                 json_string_value(json_object_get(s->root, "updated")));
    }
    snprintf(g->name_buf, sizeof g->name_buf, "Eurostat %s (JSON-stat)", s->c.dataset);
cleanup:
    cm_free(text);
    return rc;
}

/* Entry \p i of a JSON-stat value/status container (array or object keyed by index). */
static json_t *jst_at(json_t *c, size_t i)
{
    char key[24];
    if (json_is_array(c)) {
        return json_array_get(c, i);
    }
    if (json_is_object(c)) {
        snprintf(key, sizeof key, "%zu", i);
        return json_object_get(c, key);
    }
    return NULL;
}

static cm_error_t jst_read(cm_i_ing_t *g, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    jst_state_t *s = g->state;
    json_t *values = json_object_get(s->root, "value");
    json_t *status = json_object_get(s->root, "status");
    const char *names[ESTAT_MAX_DIMS];
    const char *codes[ESTAT_MAX_DIMS];
    for (size_t d = 0; d < s->ndims; d++) {
        names[d] = s->dims[d].name;
    }
    for (size_t i = 0; i < s->total; i++) {
        size_t rest = i;
        json_t *v = jst_at(values, i);
        json_t *st = json_is_string(status) ? status : jst_at(status, i);
        char flag[8];
        int has = 0;
        double x = NAN;
        for (size_t d = s->ndims; d-- > 0;) { /* row-major: the last dimension varies fastest */
            codes[d] = s->dims[d].codes[rest % s->dims[d].size];
            rest /= s->dims[d].size;
        }
        flag[0] = '\0';
        if (st != NULL && !json_is_null(st)) {
            const char *f = json_string_value(st);
            if (f == NULL || strlen(f) >= sizeof flag || strspn(f, ESTAT_FLAGS) != strlen(f)) {
                CM_FAIL(cm_error_set_at(err, CM_EPARSE, g->path, 1, 1,
                                        "JSON-stat status of cell %zu: expected Eurostat flag "
                                        "letters among '" ESTAT_FLAGS "', got '%s'",
                                        i, f != NULL ? f : "(not a string)"));
            }
            memcpy(flag, f, strlen(f) + 1);
        }
        if (v != NULL && !json_is_null(v)) {
            if (!json_is_number(v) || !isfinite(json_number_value(v))) {
                CM_FAIL(cm_error_set_at(err, CM_EPARSE, g->path, 1, 1,
                                        "JSON-stat value of cell %zu: expected a number or null",
                                        i));
            }
            has = 1;
            x = json_number_value(v);
        }
        g->records++;
        /* JSON has no useful line: issues name the cell by its flat index (column = index+1) */
        CM_TRY(estat_emit(g, &s->c, 0, i, s->ndims, names, codes, codes[s->time_dim], has, x, flag,
                          err));
    }
    if (g->records == 0) {
        CM_FAIL(jst_bad(g, err, "at least one cell"));
    }
cleanup:
    return rc;
}

static void jst_destroy(cm_i_ing_t *g)
{
    jst_state_t *s = g->state;
    for (size_t i = 0; i < s->ndims; i++) {
        cm_free((void *)s->dims[i].codes);
    }
    json_decref(s->root);
}

const cm_i_importer_t cm_i_imp_estat_jsonstat = {
    .kind = "eurostat-jsonstat",
    .summary = "Eurostat JSON-stat 2.0 from the dissemination API (.json or .json.gz)",
    .name = "Eurostat JSON-stat",
    .publisher = "Eurostat",
    .source = "https://ec.europa.eu/eurostat/api/dissemination/statistics/1.0/data",
    .licence = "Eurostat copyright notice: reuse with acknowledgement of the source",
    .version = "",
    .state_size = sizeof(jst_state_t),
    .prepare = jst_prepare,
    .read_file = jst_read,
    .destroy = jst_destroy,
};

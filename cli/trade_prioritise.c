/* cambium trade prioritise: a transparent multi-criteria ranking of raw materials for recovery
 * (src/trade/prioritise.c, docs/trade.md section 8). This file reads the input files, builds
 * the raw value of each criterion per material and writes the outputs; the library
 * normalises, weights and ranks. */
#include <ctype.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"

#define MAX_BACI 32    /* --baci files */
#define MAX_YEARS 64   /* distinct years in the BACI files */
#define MAX_CHART 30   /* materials drawn */
#define DEFAULT_TOP 10 /* materials printed */
#define MAX_CRIT 64    /* criteria in the ini */

static void prio_usage(FILE *out)
{
    fprintf(out,
            "usage: cambium trade prioritise [--config INI] [--weights NAME=W,...] [--crit FILE]\n"
            "                                [--eu FILE] [--demand FILE] [--baci FILE]...\n"
            "                                [--declarant ISO3] [--codes FILE]\n"
            "                                [--recycling FILE] [--urban-mine FILE] [--top N]\n"
            "                                [--out DIR]\n"
            "Rank raw materials for recovery on the criteria of --config (default\n"
            "$CAMBIUM_DATA/trade/priorities.ini or data/trade/priorities.ini): criticality,\n"
            "Belgian demand that secondary material could replace, recycling feasibility and\n"
            "the future urban mine; each criterion's normalisation, weight and missing-value\n"
            "policy is in the ini file.\n"
            "  --weights N=W,...   override ini weights (what-ifs)\n"
            "  --crit FILE         be_results.csv (crit be --out) or eu_results.csv (crit eu\n"
            "                      --out); default: the published EU 2023 results\n"
            "  --eu FILE           published EU results (default data/belgium/\n"
            "                      eu-crm-2023-results.csv): EoL-RIR\n"
            "  --demand FILE       material,value,unit,source (default: from --baci)\n"
            "  --baci FILE         BACI extract i,j,cmd,value (USD), one year a file (repeat;\n"
            "                      default data/belgium/baci-2022-... and baci-2024-...)\n"
            "  --declarant ISO3    the country of the demand (default BEL)\n"
            "  --codes FILE        HS6 -> material x stage (default data/crit/hs6-materials.csv,\n"
            "                      built in)\n"
            "  --recycling FILE    routes (default data/trade/recycling.csv)\n"
            "  --urban-mine FILE   urban_mine.csv of `cambium trade waste --composition`\n"
            "  --top N             materials printed (default 10)\n"
            "  --out DIR           output directory (default prioritise-out): priorities.csv,\n"
            "                      priorities.json, priorities.svg (and demand.csv)\n");
}

/* One material's value from an input file. */
typedef struct mval_t {
    const char *code; /* canonical material code (borrowed from the classification) */
    double value;     /* NaN: the row is there, the value is not */
    double count;     /* rows aggregated (recycling mean) */
    int64_t line;     /* first row */
} mval_t;

typedef struct mlist_t {
    size_t n, cap;
    mval_t *items;
} mlist_t;

static void mlist_destroy(mlist_t *l)
{
    cm_free(l->items);
    memset(l, 0, sizeof *l);
}

static mval_t *mlist_find(const mlist_t *l, const char *code)
{
    for (size_t i = 0; i < l->n; i++) {
        if (strcmp(l->items[i].code, code) == 0) {
            return &l->items[i];
        }
    }
    return NULL;
}

static cm_error_t mlist_add(mlist_t *l, const char *code, double v, int64_t line,
                            cm_error_info_t *err)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        mval_t *p = cm_realloc_array(l->items, cap, sizeof *p);
        if (p == NULL) {
            return cm_error_set(err, CM_ENOMEM, "out of memory (material values)");
        }
        l->items = p;
        l->cap = cap;
    }
    mval_t *m = &l->items[l->n++];
    m->code = code;
    m->value = v;
    m->count = isnan(v) ? 0.0 : 1.0;
    m->line = line;
    return CM_OK;
}

/* The input files, each read once. */
typedef struct inputs_t {
    const char *path[CM_PRIO_NINPUTS];
    const char *note[CM_PRIO_NINPUTS]; /* how the file was chosen */
    cm_table_t t[CM_PRIO_NINPUTS];
    int loaded[CM_PRIO_NINPUTS];
} inputs_t;

/* The first column of \p t among the '|'-separated \p cands, or -1 (then \p used is empty). */
static cm_int_t pick_col(const cm_table_t *t, const char *cands, char *used, size_t size)
{
    char buf[CM_PRIO_TEXT_MAX], *save = NULL;
    snprintf(buf, sizeof buf, "%s", cands);
    used[0] = '\0';
    for (char *c = strtok_r(buf, "|", &save); c != NULL; c = strtok_r(NULL, "|", &save)) {
        cm_int_t k = cm_table_col(t, c);
        if (k >= 0) {
            snprintf(used, size, "%s", c);
            return k;
        }
    }
    return -1;
}

static cm_error_t need_col(const cm_table_t *t, const char *cands, char *used, size_t size,
                           cm_int_t *col, cm_error_info_t *err)
{
    *col = pick_col(t, cands, used, size);
    if (*col < 0) {
        return cm_error_set_at(err, CM_EPARSE, t->name, 1, 1,
                               "expected a column %s%s, got none such in the header",
                               strchr(cands, '|') != NULL ? "among " : "", cands);
    }
    return CM_OK;
}

/* A numeric cell: NaN for an empty cell or a flag without a value. */
static cm_error_t cell_number(const cm_table_t *t, size_t r, cm_int_t col, const char *what,
                              double *out, cm_error_info_t *err)
{
    const char *s = cm_table_cell(t, r, (size_t)col);
    cm_num_t num;
    cm_error_info_t e2;
    memset(&e2, 0, sizeof e2);
    *out = NAN;
    if (cm_num_parse(s, NULL, &num, &e2) != CM_OK) {
        return cm_error_set_at(err, CM_EPARSE, t->name, t->line[r], col + 1,
                               "expected a number in column '%s', got '%s'", what, s);
    }
    *out = cm_num_has_value(&num) ? num.value : NAN;
    return CM_OK;
}

static cm_error_t resolve(const cm_class_t *cls, const cm_table_t *t, size_t r, cm_int_t col,
                          const char **code, cm_error_info_t *err)
{
    const char *s = cm_table_cell(t, r, (size_t)col);
    *code = cm_class_resolve(cls, s);
    if (*code == NULL) {
        return cm_error_set_at(err, CM_EPARSE, t->name, t->line[r], col + 1,
                               "expected a raw material of the materials classification "
                               "(data/classifications/materials.csv: code, name or alias), got "
                               "'%s'",
                               s);
    }
    return CM_OK;
}

/* The values of criterion \p c from its input table, one per material: repeated rows are an
 * error (the same value repeated is used once, with a warning) for crit, eu and demand; the
 * routes of a material are aggregated (max or mean); urban-mine rows are summed over the
 * window. */
static cm_error_t collect(const cm_prio_config_t *cfg, const cm_prio_criterion_t *c,
                          const cm_table_t *t, const cm_class_t *cls, mlist_t *out, char *used,
                          size_t used_size, cm_error_info_t *err)
{
    char mused[32];
    cm_int_t mcol = -1, vcol = -1, ycol = -1, pcol = -1;
    cm_error_t rc = need_col(t, "material|material_name", mused, sizeof mused, &mcol, err);
    if (rc == CM_OK) {
        rc = need_col(t, c->column, used, used_size, &vcol, err);
    }
    if (rc == CM_OK && c->input == CM_PRIO_IN_URBAN_MINE) {
        char yused[16];
        rc = need_col(t, "year", yused, sizeof yused, &ycol, err);
        pcol = cm_table_col(t, "projected");
    }
    for (size_t r = 0; rc == CM_OK && r < t->nrows; r++) {
        const char *code = NULL;
        double v = NAN;
        rc = resolve(cls, t, r, mcol, &code, err);
        if (rc == CM_OK) {
            rc = cell_number(t, r, vcol, used, &v, err);
        }
        if (rc != CM_OK) {
            break;
        }
        mval_t *m = mlist_find(out, code);
        if (c->input == CM_PRIO_IN_URBAN_MINE) {
            double y = NAN;
            rc = cell_number(t, r, ycol, "year", &y, err);
            const char *p = pcol >= 0 ? cm_table_cell(t, r, (size_t)pcol) : "";
            int projected = strcmp(p, "1") == 0 || strcmp(p, "yes") == 0 || strcmp(p, "true") == 0;
            if (rc != CM_OK || isnan(y) || y < cfg->urban_first_year || y > cfg->urban_last_year ||
                (projected && !cfg->urban_projected)) {
                continue;
            }
            if (m == NULL) {
                rc = mlist_add(out, code, v, t->line[r], err);
            } else if (!isnan(v)) {
                m->value = isnan(m->value) ? v : m->value + v;
            }
        } else if (c->input == CM_PRIO_IN_RECYCLING) {
            if (m == NULL) {
                rc = mlist_add(out, code, v, t->line[r], err);
            } else if (!isnan(v)) {
                if (cfg->recycling_mean) {
                    m->value = isnan(m->value) ? v : m->value + v;
                    m->count += 1.0;
                } else {
                    m->value = isnan(m->value) || v > m->value ? v : m->value;
                }
            }
        } else if (m == NULL) {
            rc = mlist_add(out, code, v, t->line[r], err);
        } else if (m->value == v || (isnan(m->value) && isnan(v))) {
            cm_log(CM_LOG_WARNING,
                   "%s:%lld: material '%s' repeated with the same %s as line "
                   "%lld: used once",
                   t->name, (long long)t->line[r], code, used, (long long)m->line);
        } else {
            rc = cm_error_set_at(err, CM_EPARSE, t->name, t->line[r], mcol + 1,
                                 "expected one row per material, got '%s' again (first at "
                                 "line %lld, another %s)",
                                 code, (long long)m->line, used);
        }
    }
    for (size_t i = 0; rc == CM_OK && c->input == CM_PRIO_IN_RECYCLING && i < out->n; i++) {
        if (out->items[i].count > 1.0) {
            out->items[i].value /= out->items[i].count;
        }
    }
    return rc;
}

/* --- demand from BACI extracts -------------------------------------------------------------- */

typedef struct demand_t {
    size_t nm;
    const char **mat; /* canonical codes of the table's materials at the counted stages */
    int years[MAX_YEARS];
    size_t ny;
    double *imp, *exp;   /* nm x MAX_YEARS */
    size_t n_imp, n_exp; /* rows counted as imports, as exports */
} demand_t;

static void demand_destroy(demand_t *d)
{
    cm_free(d->mat);
    cm_free(d->imp);
    cm_free(d->exp);
    memset(d, 0, sizeof *d);
}

/* A four-digit year 1900-2199 in the file name, or 0. */
static int year_in_name(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base != NULL ? base + 1 : path;
    for (const char *p = base; *p != '\0'; p++) {
        if ((p == base || !isdigit((unsigned char)p[-1])) && isdigit((unsigned char)p[0]) &&
            isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[2]) &&
            isdigit((unsigned char)p[3]) && !isdigit((unsigned char)p[4])) {
            int y = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
            if (y >= 1900 && y < 2200) {
                return y;
            }
        }
    }
    return 0;
}

static int wanted_stage(const cm_prio_config_t *cfg, int stage)
{
    return (stage == CM_CRIT_EXTRACTION && cfg->demand_extraction) ||
           (stage == CM_CRIT_PROCESSING && cfg->demand_processing);
}

static cm_error_t demand_init(demand_t *d, const cm_crit_be_map_t *map, const cm_prio_config_t *cfg,
                              cm_error_info_t *err)
{
    d->mat = cm_calloc(map->n > 0 ? map->n : 1, sizeof *d->mat);
    d->imp = cm_calloc((map->n > 0 ? map->n : 1) * MAX_YEARS, sizeof *d->imp);
    d->exp = cm_calloc((map->n > 0 ? map->n : 1) * MAX_YEARS, sizeof *d->exp);
    if (d->mat == NULL || d->imp == NULL || d->exp == NULL) {
        return cm_error_set(err, CM_ENOMEM, "out of memory (demand)");
    }
    for (size_t i = 0; i < map->n; i++) {
        const cm_crit_be_code_t *k = &map->items[i];
        if (k->shared || !wanted_stage(cfg, k->stage) || strcmp(k->code, "production") == 0) {
            continue;
        }
        size_t j = 0;
        while (j < d->nm && strcmp(d->mat[j], k->material) != 0) {
            j++;
        }
        if (j == d->nm) {
            d->mat[d->nm++] = k->material;
        }
    }
    return CM_OK;
}

static size_t demand_year(demand_t *d, int y, const char *file, cm_error_info_t *err,
                          cm_error_t *rc)
{
    for (size_t i = 0; i < d->ny; i++) {
        if (d->years[i] == y) {
            return i;
        }
    }
    if (d->ny == MAX_YEARS) {
        *rc = cm_error_set(err, CM_EOVERFLOW, "%s: more than %d years of trade", file, MAX_YEARS);
        return 0;
    }
    d->years[d->ny] = y;
    return d->ny++;
}

/* Add one BACI extract (columns i, j, cmd or k, value or v, optionally year or t). */
static cm_error_t demand_add_file(demand_t *d, const char *path, const char *declarant,
                                  const cm_crit_be_map_t *map, const cm_prio_config_t *cfg,
                                  cm_error_info_t *err)
{
    cm_table_t t = CM_TABLE_NULL;
    cm_csv_options_t opt;
    cm_csv_options_default(&opt);
    char used[16];
    cm_int_t ci = -1, cj = -1, ck = -1, cv = -1;
    cm_error_t rc = cm_table_read(&t, path, &opt, 0, err);
    if (rc == CM_OK) {
        rc = need_col(&t, "i", used, sizeof used, &ci, err);
    }
    if (rc == CM_OK) {
        rc = need_col(&t, "j", used, sizeof used, &cj, err);
    }
    if (rc == CM_OK) {
        rc = need_col(&t, "cmd|k", used, sizeof used, &ck, err);
    }
    if (rc == CM_OK) {
        rc = need_col(&t, "value|v", used, sizeof used, &cv, err);
    }
    cm_int_t cy = pick_col(&t, "year|t", used, sizeof used);
    int fyear = year_in_name(path);
    if (rc == CM_OK && cy < 0 && fyear == 0) {
        rc = cm_error_set_at(err, CM_EPARSE, path, 1, 1,
                             "expected a column year or t, or a year in the file name, got "
                             "neither");
    }
    for (size_t r = 0; rc == CM_OK && r < t.nrows; r++) {
        const char *ex = cm_table_cell(&t, r, (size_t)ci), *im = cm_table_cell(&t, r, (size_t)cj);
        int is_imp = strcmp(im, declarant) == 0, is_exp = strcmp(ex, declarant) == 0;
        if (is_imp == is_exp) {
            continue; /* not the declarant's trade (or trade with itself) */
        }
        char code[8];
        const char *k = cm_table_cell(&t, r, (size_t)ck);
        snprintf(code, sizeof code, "%s%s", strlen(k) == 5 ? "0" : "", k);
        const cm_crit_be_code_t *hit = NULL;
        for (size_t i = 0; i < map->n && hit == NULL; i++) {
            if (!map->items[i].shared && strcmp(map->items[i].code, code) == 0) {
                hit = &map->items[i];
            }
        }
        if (hit == NULL || !wanted_stage(cfg, hit->stage)) {
            continue;
        }
        double v = NAN, y = fyear;
        rc = cell_number(&t, r, cv, "value", &v, err);
        if (rc == CM_OK && cy >= 0) {
            rc = cell_number(&t, r, cy, "year", &y, err);
        }
        if (rc == CM_OK && (isnan(v) || v < 0.0)) {
            rc = cm_error_set_at(err, CM_EPARSE, path, t.line[r], cv + 1,
                                 "expected a value >= 0, got '%s'",
                                 cm_table_cell(&t, r, (size_t)cv));
        } else if (rc == CM_OK && (isnan(y) || y < 1900 || y > 2199)) {
            rc = cm_error_set_at(err, CM_EPARSE, path, t.line[r], cy + 1,
                                 "expected a year in 1900..2199, got '%s'",
                                 cm_table_cell(&t, r, (size_t)cy));
        }
        if (rc != CM_OK) {
            break;
        }
        size_t yi = demand_year(d, (int)y, path, err, &rc);
        size_t m = 0;
        while (m < d->nm && strcmp(d->mat[m], hit->material) != 0) {
            m++;
        }
        if (rc == CM_OK && m < d->nm) {
            (is_imp ? d->imp : d->exp)[m * MAX_YEARS + yi] += v;
            *(is_imp ? &d->n_imp : &d->n_exp) += 1;
        }
    }
    cm_table_destroy(&t);
    return rc;
}

static int cmp_int_desc(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x < y) - (x > y);
}

/* Write DIR/demand.csv: per material the mean over the latest years of imports - exports. */
static cm_error_t demand_write(const demand_t *d, const cm_prio_config_t *cfg,
                               const char *const *files, size_t nfiles, const char *path,
                               char *years_text, size_t years_size, cm_error_info_t *err)
{
    int sorted[MAX_YEARS];
    memcpy(sorted, d->years, d->ny * sizeof *sorted);
    qsort(sorted, d->ny, sizeof *sorted, cmp_int_desc);
    size_t use = d->ny < (size_t)cfg->demand_years ? d->ny : (size_t)cfg->demand_years;
    years_text[0] = '\0';
    for (size_t i = use; i-- > 0;) {
        size_t len = strlen(years_text);
        snprintf(years_text + len, years_size - len, "%s%d", len ? " " : "", sorted[i]);
    }
    char source[1024];
    size_t len = (size_t)snprintf(source, sizeof source, "BACI:");
    for (size_t f = 0; f < nfiles && len < sizeof source; f++) {
        len += (size_t)snprintf(source + len, sizeof source - len, " %s", files[f]);
    }
    static const char *const head[] = {"material", "value",   "unit", "source",
                                       "imports",  "exports", "years"};
    cm_csv_writer_t *w = NULL;
    cm_error_t rc = cm_csv_writer_open(path, ',', &w, err);
    if (rc == CM_OK) {
        rc = cm_csv_write_row(w, 7, head, err);
    }
    for (size_t m = 0; rc == CM_OK && m < d->nm; m++) {
        double imp = 0.0, exp = 0.0;
        for (size_t i = 0; i < use; i++) {
            for (size_t y = 0; y < d->ny; y++) {
                if (d->years[y] == sorted[i]) {
                    imp += d->imp[m * MAX_YEARS + y];
                    exp += d->exp[m * MAX_YEARS + y];
                }
            }
        }
        imp /= (double)(use > 0 ? use : 1);
        exp /= (double)(use > 0 ? use : 1);
        double v = imp - exp;
        if (v < 0.0 && cfg->demand_negative_zero) {
            v = 0.0;
        }
        char b[3][32];
        const char *row[] = {d->mat[m], cm_cli_num(v, b[0]),   "USD/year",
                             source,    cm_cli_num(imp, b[1]), cm_cli_num(exp, b[2]),
                             years_text};
        rc = cm_csv_write_row(w, 7, row, err);
    }
    return cm_cli_csv_close(w, rc, err);
}

static cm_error_t demand_from_baci(const char *const *files, size_t nfiles, const char *declarant,
                                   const char *codes, const cm_prio_config_t *cfg, const char *path,
                                   char *years_text, size_t years_size, size_t *n_exp,
                                   cm_error_info_t *err)
{
    cm_crit_be_map_t map;
    demand_t d;
    memset(&map, 0, sizeof map);
    memset(&d, 0, sizeof d);
    cm_error_t rc =
        codes != NULL ? cm_crit_be_map_load(codes, &map, err) : cm_crit_be_map_builtin(&map, err);
    if (rc == CM_OK) {
        rc = demand_init(&d, &map, cfg, err);
    }
    for (size_t f = 0; rc == CM_OK && f < nfiles; f++) {
        rc = demand_add_file(&d, files[f], declarant, &map, cfg, err);
    }
    if (rc == CM_OK) {
        rc = demand_write(&d, cfg, files, nfiles, path, years_text, years_size, err);
    }
    *n_exp = d.n_exp;
    demand_destroy(&d);
    cm_crit_be_map_destroy(&map);
    return rc;
}

/* --- outputs -------------------------------------------------------------------------------- */

typedef struct run_t {
    cm_prio_config_t cfg;
    cm_prio_result_t res;
    const cm_class_t *cls;
    char used[MAX_CRIT][CM_PRIO_TEXT_MAX]; /* per criterion: the column read */
    const char *src[MAX_CRIT];             /* per criterion: the file */
    const char *note[MAX_CRIT];
} run_t;

static const char *missing_list(const run_t *r, const cm_prio_row_t *row, char *buf, size_t size)
{
    buf[0] = '\0';
    for (size_t c = 0; c < r->res.ncrit; c++) {
        if (row->missing[c]) {
            size_t len = strlen(buf);
            snprintf(buf + len, size - len, "%s%s", len ? ";" : "", r->cfg.items[c].name);
        }
    }
    return buf;
}

static const char *excluded_text(const run_t *r, const cm_prio_row_t *row, char *buf, size_t size)
{
    if (row->excluded_by == -1) {
        return "";
    }
    if (row->excluded_by == -2) {
        return "no criterion with a weight has a value";
    }
    snprintf(buf, size, "%s missing (exclude-material)", r->cfg.items[row->excluded_by].name);
    return buf;
}

static cm_error_t write_csv(const run_t *r, const char *path, cm_error_info_t *err)
{
    size_t nc = r->res.ncrit, nf = 7 + 4 * nc;
    const char **head = cm_calloc(nf, sizeof *head), **f = cm_calloc(nf, sizeof *f);
    char(*names)[CM_PRIO_NAME_MAX + 16] = cm_calloc(4 * nc, sizeof *names);
    char(*nums)[32] = cm_calloc(4 * nc + 1, sizeof *nums);
    cm_csv_writer_t *w = NULL;
    cm_error_t rc = CM_OK;
    if (head == NULL || f == NULL || names == NULL || nums == NULL) {
        rc = cm_error_set(err, CM_ENOMEM, "out of memory (priorities.csv)");
    }
    static const char *const fixed[] = {"rank",      "material", "name",    "score",
                                        "max_score", "missing",  "excluded"};
    static const char *const part[] = {"raw", "norm", "weight", "contribution"};
    for (size_t i = 0; rc == CM_OK && i < nf; i++) {
        if (i < 7) {
            head[i] = fixed[i];
        } else {
            size_t c = (i - 7) / 4, p = (i - 7) % 4;
            snprintf(names[i - 7], sizeof names[0], "%s_%s", r->cfg.items[c].name, part[p]);
            head[i] = names[i - 7];
        }
    }
    if (rc == CM_OK) {
        rc = cm_csv_writer_open(path, ',', &w, err);
    }
    if (rc == CM_OK) {
        rc = cm_csv_write_row(w, nf, head, err);
    }
    for (size_t m = 0; rc == CM_OK && m < r->res.n; m++) {
        const cm_prio_row_t *row = &r->res.rows[m];
        char rank[16], miss[512], excl[128], score[32], maxs[32];
        const char *label = cm_class_label(r->cls, row->material);
        snprintf(rank, sizeof rank, "%d", row->rank);
        f[0] = row->rank > 0 ? rank : "";
        f[1] = row->material;
        f[2] = label != NULL ? label : "";
        f[3] = cm_cli_num(row->score, score);
        f[4] = cm_cli_num(r->res.weight_sum, maxs);
        f[5] = missing_list(r, row, miss, sizeof miss);
        f[6] = excluded_text(r, row, excl, sizeof excl);
        for (size_t c = 0; c < nc; c++) {
            f[7 + 4 * c] = cm_cli_num(row->raw[c], nums[4 * c]);
            f[8 + 4 * c] = cm_cli_num(row->norm[c], nums[4 * c + 1]);
            f[9 + 4 * c] = cm_cli_num(row->rank > 0 ? row->weight[c] : NAN, nums[4 * c + 2]);
            f[10 + 4 * c] = cm_cli_num(row->rank > 0 ? row->contrib[c] : NAN, nums[4 * c + 3]);
        }
        rc = cm_csv_write_row(w, nf, f, err);
    }
    if (w != NULL) {
        rc = cm_cli_csv_close(w, rc, err);
    }
    cm_free(head);
    cm_free(f);
    cm_free(names);
    cm_free(nums);
    return rc;
}

static int json_criteria(const run_t *r, json_t *arr)
{
    int bad = 0;
    for (size_t c = 0; !bad && c < r->res.ncrit; c++) {
        const cm_prio_criterion_t *k = &r->cfg.items[c];
        json_t *o = json_object();
        bad = o == NULL || json_array_append_new(arr, o) != 0;
        bad = bad || cm_cli_jset(o, "name", json_string(k->name)) ||
              cm_cli_jset(o, "input", json_string(cm_prio_input_name(k->input))) ||
              cm_cli_jset(o, "column", json_string(r->used[c])) ||
              cm_cli_jset(o, "file", r->src[c] != NULL ? json_string(r->src[c]) : json_null()) ||
              cm_cli_jset(o, "file_note", json_string(r->note[c] != NULL ? r->note[c] : "")) ||
              cm_cli_jset(o, "direction", json_string(k->cost ? "cost" : "benefit")) ||
              cm_cli_jset(o, "normalisation", json_string(cm_prio_norm_name(k->norm))) ||
              cm_cli_jset(o, "threshold", cm_cli_jnum(k->threshold)) ||
              cm_cli_jset(o, "target", cm_cli_jnum(k->target)) ||
              cm_cli_jset(o, "log_offset", cm_cli_jnum(k->log_offset)) ||
              cm_cli_jset(o, "weight", cm_cli_jnum(k->weight)) ||
              cm_cli_jset(o, "missing", json_string(cm_prio_missing_name(k->missing))) ||
              cm_cli_jset(o, "unit", json_string(k->unit)) ||
              cm_cli_jset(o, "label", json_string(k->label)) ||
              cm_cli_jset(o, "range_low", cm_cli_jnum(r->res.lo[c])) ||
              cm_cli_jset(o, "range_high", cm_cli_jnum(r->res.hi[c]));
    }
    return bad;
}

static cm_error_t write_json(const run_t *r, const char *config, const char *path,
                             cm_error_info_t *err)
{
    cm_json_init();
    json_t *root = json_object(), *crit = json_array(), *rank = json_array();
    int bad = root == NULL || crit == NULL || rank == NULL || json_criteria(r, crit);
    for (size_t m = 0; !bad && m < r->res.n; m++) {
        const cm_prio_row_t *row = &r->res.rows[m];
        const char *label = cm_class_label(r->cls, row->material);
        char excl[128];
        json_t *o = json_object(), *per = json_object(), *miss = json_array();
        bad = o == NULL || json_array_append_new(rank, o) != 0;
        /* o owns per and miss from here (set_new steals them even when it fails) */
        bad = cm_cli_jset(o, "missing", miss) || bad;
        bad = cm_cli_jset(o, "criteria", per) || bad;
        for (size_t c = 0; !bad && c < r->res.ncrit; c++) {
            json_t *x = json_object();
            bad = x == NULL || json_object_set_new(per, r->cfg.items[c].name, x) != 0;
            bad =
                bad || cm_cli_jset(x, "raw", cm_cli_jnum(row->raw[c])) ||
                cm_cli_jset(x, "norm", cm_cli_jnum(row->norm[c])) ||
                cm_cli_jset(x, "weight", cm_cli_jnum(row->rank > 0 ? row->weight[c] : NAN)) ||
                cm_cli_jset(x, "contribution", cm_cli_jnum(row->rank > 0 ? row->contrib[c] : NAN));
            if (!bad && row->missing[c]) {
                bad = json_array_append_new(miss, json_string(r->cfg.items[c].name)) != 0;
            }
        }
        bad = bad ||
              cm_cli_jset(o, "rank", row->rank > 0 ? json_integer(row->rank) : json_null()) ||
              cm_cli_jset(o, "material", json_string(row->material)) ||
              cm_cli_jset(o, "name", json_string(label != NULL ? label : "")) ||
              cm_cli_jset(o, "score", cm_cli_jnum(row->score)) ||
              cm_cli_jset(o, "excluded",
                          row->rank > 0 ? json_null()
                                        : json_string(excluded_text(r, row, excl, sizeof excl)));
    }
    bad = bad || cm_cli_jset(root, "config", json_string(config)) ||
          cm_cli_jset(root, "max_score", cm_cli_jnum(r->res.weight_sum)) ||
          cm_cli_jset(root, "ranked", json_integer((json_int_t)r->res.n_ranked)) ||
          cm_cli_jset(root, "criteria", json_incref(crit)) ||
          cm_cli_jset(root, "ranking", json_incref(rank));
    cm_error_t rc =
        bad ? cm_error_set(err, CM_ENOMEM, "cannot build priorities.json")
            : cm_json_write_file(path, root, JSON_INDENT(1) | JSON_REAL_PRECISION(17), err);
    json_decref(crit);
    json_decref(rank);
    json_decref(root);
    return rc;
}

/* Stacked bars of the contributions of each criterion, the ranked materials in rank order. */
static cm_error_t write_svg(const run_t *r, const char *path, cm_error_info_t *err)
{
    size_t n = r->res.n_ranked < MAX_CHART ? r->res.n_ranked : MAX_CHART;
    const char *cats[MAX_CHART];
    double v[MAX_CHART];
    cm_svg_t *fig = NULL;
    if (n == 0) {
        return CM_OK;
    }
    for (size_t m = 0; m < n; m++) {
        cats[m] = r->res.rows[m].material;
    }
    char title[128];
    snprintf(title, sizeof title, "Recovery priority: contribution of each criterion (top %zu)", n);
    cm_error_t rc = cm_svg_create(1200, 520, &fig, err);
    if (rc == CM_OK) {
        rc = cm_svg_set_labels(fig, title, "Raw material (rank order)", "Score", err);
    }
    if (rc == CM_OK) {
        rc = cm_svg_set_categories(fig, cats, n, err);
    }
    if (rc == CM_OK) {
        rc = cm_svg_set_bar_mode(fig, CM_SVG_BARS_STACKED, err);
    }
    for (size_t c = 0; rc == CM_OK && c < r->res.ncrit; c++) {
        for (size_t m = 0; m < n; m++) {
            v[m] = r->res.rows[m].contrib[c];
        }
        rc = cm_svg_add_bars(fig, r->cfg.items[c].name, v, n, err);
    }
    if (rc == CM_OK) {
        rc = cm_svg_write(fig, path, err);
    }
    cm_svg_free(fig);
    return rc;
}

static void print_report(const run_t *r, size_t top, const char *out)
{
    size_t nc = r->res.ncrit, excl_mat = 0, no_data = 0;
    for (size_t m = r->res.n_ranked; m < r->res.n; m++) {
        excl_mat += r->res.rows[m].excluded_by >= 0;
        no_data += r->res.rows[m].excluded_by == -2;
    }
    printf("%zu materials ranked, %zu excluded (%zu by an exclude-material policy, %zu without "
           "data); largest possible score %.3g\n",
           r->res.n_ranked, r->res.n - r->res.n_ranked, excl_mat, no_data, r->res.weight_sum);
    printf("criteria (raw value -> normalisation x weight):\n");
    for (size_t c = 0; c < nc; c++) {
        const cm_prio_criterion_t *k = &r->cfg.items[c];
        printf("  %-20s %s %s, weight %.3g, missing: %s; %s [%s]%s%s\n", k->name,
               k->cost ? "cost" : "benefit", cm_prio_norm_name(k->norm), k->weight,
               cm_prio_missing_name(k->missing), r->src[c] != NULL ? r->src[c] : "(not given)",
               r->used[c], r->note[c] != NULL ? " " : "", r->note[c] != NULL ? r->note[c] : "");
    }
    printf("%4s %-22s %6s", "rank", "material", "score");
    for (size_t c = 0; c < nc; c++) {
        printf(" %*.*s", 8, 8, r->cfg.items[c].name);
    }
    printf("  missing\n");
    for (size_t m = 0; m < r->res.n_ranked && m < top; m++) {
        const cm_prio_row_t *row = &r->res.rows[m];
        char miss[512];
        printf("%4d %-22s %6.3f", row->rank, row->material, row->score);
        for (size_t c = 0; c < nc; c++) {
            if (isnan(row->norm[c])) {
                printf(" %8s", "-");
            } else {
                printf(" %8.3f", row->contrib[c]);
            }
        }
        printf("  %s\n", missing_list(r, row, miss, sizeof miss));
    }
    printf("(columns: contribution = weight x normalised value; '-' = missing, weight moved to "
           "the other criteria)\nwrote %s/priorities.csv, priorities.json, priorities.svg\n",
           out);
}

/* --- the command ---------------------------------------------------------------------------- */

static const char *data_path(const char *rel, char *buf, size_t size)
{
    const char *d = getenv("CAMBIUM_DATA");
    snprintf(buf, size, "%s/%s", d != NULL && d[0] != '\0' ? d : "data", rel);
    return buf;
}

/* Gather the raw values of every criterion, build the material list and rank. */
static cm_error_t run(run_t *r, inputs_t *in, cm_error_info_t *err)
{
    size_t nc = r->cfg.n;
    mlist_t *vals = cm_calloc(nc, sizeof *vals);
    const char **mats = NULL;
    double *raw = NULL;
    size_t nm = 0;
    cm_error_t rc = vals == NULL ? cm_error_set(err, CM_ENOMEM, "out of memory") : CM_OK;
    cm_csv_options_t opt;
    cm_csv_options_default(&opt);
    for (size_t c = 0; rc == CM_OK && c < nc; c++) {
        const cm_prio_criterion_t *k = &r->cfg.items[c];
        int i = (int)k->input;
        r->src[c] = in->path[i];
        r->note[c] = in->note[i];
        snprintf(r->used[c], sizeof r->used[c], "%s", k->column);
        if (in->path[i] == NULL) {
            continue; /* not given: every material lacks it */
        }
        if (!in->loaded[i]) {
            rc = cm_table_read(&in->t[i], in->path[i], &opt, 0, err);
            in->loaded[i] = rc == CM_OK;
        }
        if (rc == CM_OK) {
            rc = collect(&r->cfg, k, &in->t[i], r->cls, &vals[c], r->used[c], sizeof r->used[c],
                         err);
        }
        if (rc == CM_OK && k->input == CM_PRIO_IN_DEMAND) {
            /* the unit of a demand file: one for all rows */
            cm_int_t uc = cm_table_col(&in->t[i], "unit");
            for (size_t row = 0; uc >= 0 && row < in->t[i].nrows && rc == CM_OK; row++) {
                const char *u = cm_table_cell(&in->t[i], row, (size_t)uc);
                const char *u0 = cm_table_cell(&in->t[i], 0, (size_t)uc);
                if (strcmp(u, u0) != 0) {
                    rc = cm_error_set_at(err, CM_EUNIT, in->t[i].name, in->t[i].line[row], uc + 1,
                                         "expected one demand unit, got '%s' and '%s' "
                                         "(line %lld)",
                                         u0, u, (long long)in->t[i].line[0]);
                }
            }
            if (rc == CM_OK && uc >= 0 && in->t[i].nrows > 0) {
                snprintf(r->cfg.items[c].unit, sizeof r->cfg.items[c].unit, "%s",
                         cm_table_cell(&in->t[i], 0, (size_t)uc));
            }
        }
    }
    /* the materials: every one that appears in an input, in classification order */
    size_t ncodes = cm_class_size(r->cls);
    if (rc == CM_OK) {
        mats = cm_calloc(ncodes > 0 ? ncodes : 1, sizeof *mats);
        rc = mats == NULL ? cm_error_set(err, CM_ENOMEM, "out of memory") : CM_OK;
    }
    for (size_t i = 0; rc == CM_OK && i < ncodes; i++) {
        const char *code = cm_class_code(r->cls, i);
        for (size_t c = 0; c < nc; c++) {
            if (mlist_find(&vals[c], code) != NULL) {
                mats[nm++] = code;
                break;
            }
        }
    }
    if (rc == CM_OK && nm == 0) {
        rc = cm_error_set(err, CM_EINVAL, "no material in any input: nothing to rank");
    }
    if (rc == CM_OK) {
        raw = cm_malloc_array(nm * nc, sizeof *raw);
        rc = raw == NULL ? cm_error_set(err, CM_ENOMEM, "out of memory") : CM_OK;
    }
    for (size_t m = 0; rc == CM_OK && m < nm; m++) {
        for (size_t c = 0; c < nc; c++) {
            const mval_t *v = mlist_find(&vals[c], mats[m]);
            raw[m * nc + c] = v != NULL ? v->value : NAN;
        }
    }
    if (rc == CM_OK) {
        rc = cm_prio_compute(&r->cfg, nm, mats, raw, &r->res, err);
    }
    for (size_t c = 0; vals != NULL && c < nc; c++) {
        mlist_destroy(&vals[c]);
    }
    cm_free(vals);
    cm_free(mats);
    cm_free(raw);
    return rc;
}

int cm_cli_trade_prioritise(int argc, char **argv)
{
    static const struct option longopts[] = {{"config", required_argument, NULL, 'c'},
                                             {"weights", required_argument, NULL, 'w'},
                                             {"crit", required_argument, NULL, 'r'},
                                             {"eu", required_argument, NULL, 'e'},
                                             {"demand", required_argument, NULL, 'd'},
                                             {"baci", required_argument, NULL, 'b'},
                                             {"declarant", required_argument, NULL, 'D'},
                                             {"codes", required_argument, NULL, 'k'},
                                             {"recycling", required_argument, NULL, 'y'},
                                             {"urban-mine", required_argument, NULL, 'u'},
                                             {"top", required_argument, NULL, 't'},
                                             {"out", required_argument, NULL, 'o'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *config = NULL, *weights = NULL, *crit = NULL, *eu = NULL, *demand = NULL;
    const char *declarant = "BEL", *codes = NULL, *recycling = NULL, *urban = NULL;
    const char *out = "prioritise-out";
    const char *baci[MAX_BACI];
    size_t nbaci = 0;
    int top = DEFAULT_TOP, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'c':
            config = optarg;
            break;
        case 'w':
            weights = optarg;
            break;
        case 'r':
            crit = optarg;
            break;
        case 'e':
            eu = optarg;
            break;
        case 'd':
            demand = optarg;
            break;
        case 'D':
            declarant = optarg;
            break;
        case 'k':
            codes = optarg;
            break;
        case 'y':
            recycling = optarg;
            break;
        case 'u':
            urban = optarg;
            break;
        case 'o':
            out = optarg;
            break;
        case 'b':
            if (nbaci == MAX_BACI) {
                return cm_cli_usage_error("trade prioritise", "--baci: at most %d files", MAX_BACI);
            }
            baci[nbaci++] = optarg;
            break;
        case 't':
            if (!cm_cli_parse_int(optarg, 0, 100000, &top)) {
                return cm_cli_usage_error("trade prioritise", "--top: expected a count, got '%s'",
                                          optarg);
            }
            break;
        case 'h':
            prio_usage(stdout);
            return CM_EXIT_OK;
        default:
            return cm_cli_getopt_fail("trade prioritise", c, argv);
        }
    }
    if (optind != argc) {
        return cm_cli_usage_error("trade prioritise", "unexpected argument '%s'", argv[optind]);
    }
    if (demand != NULL && nbaci > 0) {
        return cm_cli_usage_error("trade prioritise", "--demand and --baci exclude each other");
    }
    char b_cfg[4096], b_eu[4096], b_rec[4096], b_baci[2][4096], dpath[4200], path[4200];
    char years[256] = "";
    config = config != NULL ? config : data_path("trade/priorities.ini", b_cfg, sizeof b_cfg);
    if (demand == NULL && nbaci == 0) {
        baci[nbaci++] = data_path("belgium/baci-2022-belgium-crm-imports.csv", b_baci[0], 4096);
        baci[nbaci++] = data_path("belgium/baci-2024-belgium-crm-imports.csv", b_baci[1], 4096);
    }
    inputs_t in;
    memset(&in, 0, sizeof in);
    in.path[CM_PRIO_IN_EU] =
        eu != NULL ? eu : data_path("belgium/eu-crm-2023-results.csv", b_eu, sizeof b_eu);
    in.path[CM_PRIO_IN_CRIT] = crit != NULL ? crit : in.path[CM_PRIO_IN_EU];
    in.note[CM_PRIO_IN_CRIT] = crit != NULL ? NULL : "(published EU 2023 results: no --crit)";
    in.path[CM_PRIO_IN_RECYCLING] =
        recycling != NULL ? recycling : data_path("trade/recycling.csv", b_rec, sizeof b_rec);
    in.path[CM_PRIO_IN_URBAN_MINE] = urban;
    in.note[CM_PRIO_IN_URBAN_MINE] = urban != NULL ? NULL : "(no --urban-mine: missing)";
    snprintf(dpath, sizeof dpath, "%s/demand.csv", out);
    in.path[CM_PRIO_IN_DEMAND] = demand != NULL ? demand : dpath;

    cm_error_info_t err;
    memset(&err, 0, sizeof err);
    run_t *r = cm_calloc(1, sizeof *r);
    cm_class_t *cls = NULL;
    if (r == NULL) {
        fprintf(stderr, "cambium: out of memory\n");
        return CM_EXIT_WORK;
    }
    cm_error_t rc = cm_prio_config_read(config, &r->cfg, &err);
    if (rc == CM_OK && r->cfg.n > MAX_CRIT) {
        rc = cm_error_set_at(&err, CM_EPARSE, config, r->cfg.items[MAX_CRIT].line, 1,
                             "expected at most %d criteria, got %zu", MAX_CRIT, r->cfg.n);
    }
    if (rc == CM_OK && weights != NULL &&
        cm_prio_config_set_weights(&r->cfg, weights, &err) != CM_OK) {
        cm_prio_config_destroy(&r->cfg);
        cm_free(r);
        return cm_cli_usage_error("trade prioritise", "%s", err.message);
    }
    if (rc == CM_OK) {
        rc = cm_class_builtin("material", &cls, &err);
        r->cls = cls;
    }
    if (rc == CM_OK) {
        rc = cm_cli_make_dir(out, &err);
    }
    char dnote[512];
    if (rc == CM_OK && demand == NULL) {
        size_t n_exp = 0;
        rc = demand_from_baci(baci, nbaci, declarant, codes, &r->cfg, dpath, years, sizeof years,
                              &n_exp, &err);
        snprintf(dnote, sizeof dnote,
                 "(from %zu BACI file%s: %s imports %s of %s%s%s "
                 "codes, mean of %s)",
                 nbaci, nbaci > 1 ? "s" : "", declarant,
                 n_exp > 0 ? "- exports" : "(no export rows in the files: gross imports)",
                 r->cfg.demand_extraction ? "extraction" : "",
                 r->cfg.demand_extraction && r->cfg.demand_processing ? "+" : "",
                 r->cfg.demand_processing ? "processing" : "", years);
        in.note[CM_PRIO_IN_DEMAND] = dnote;
    }
    if (rc == CM_OK) {
        rc = run(r, &in, &err);
    }
    if (rc == CM_OK) {
        snprintf(path, sizeof path, "%s/priorities.csv", out);
        rc = write_csv(r, path, &err);
    }
    if (rc == CM_OK) {
        snprintf(path, sizeof path, "%s/priorities.json", out);
        rc = write_json(r, config, path, &err);
    }
    if (rc == CM_OK) {
        snprintf(path, sizeof path, "%s/priorities.svg", out);
        rc = write_svg(r, path, &err);
    }
    int status = CM_EXIT_OK;
    if (rc != CM_OK) {
        status = cm_cli_fail(&err, rc);
    } else {
        print_report(r, (size_t)top, out);
    }
    for (int i = 0; i < CM_PRIO_NINPUTS; i++) {
        cm_table_destroy(&in.t[i]);
    }
    cm_prio_result_destroy(&r->res);
    cm_prio_config_destroy(&r->cfg);
    cm_class_free(cls);
    cm_free(r);
    return status;
}

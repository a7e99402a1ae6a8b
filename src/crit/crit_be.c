/* The Belgian variant of the EU criticality method: the trade-code table and the loader that
 * builds Belgian inputs from the EU ones and the store (docs/crit-belgium.md). */
#include "cambium/cm_crit_be.h"

#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cambium/cm_alloc.h"
#include "cambium/cm_csv.h"
#include "core/cm_internal.h"
#include "crit/crit_internal.h"

#define BE_REGION "BEL"

void cm_crit_be_options_default(cm_crit_be_options_t *opt)
{
    if (opt == NULL) {
        return;
    }
    memset(opt, 0, sizeof *opt);
    opt->year = 0;
    opt->basis = CM_CRIT_BE_BASIS_AUTO;
    opt->split = CM_NACE_KEEP_TOGETHER;
    opt->usd_per_eur = CM_NACE_USD_PER_EUR_2020;
}

const char *cm_crit_be_basis_name(cm_crit_be_basis_t basis)
{
    switch (basis) {
    case CM_CRIT_BE_BASIS_AUTO:
        return "auto";
    case CM_CRIT_BE_BASIS_MASS:
        return "mass";
    case CM_CRIT_BE_BASIS_VALUE:
        return "value";
    case CM_CRIT_BE_BASIS_NONE:
        return "EU";
    }
    return "";
}

/* --- code table ----------------------------------------------------------------------- */

static int is_production(const char *code)
{
    return strcmp(code, "production") == 0;
}

/* The unshared row of a code (the material its flows are attributed to), or -1. */
static ptrdiff_t map_find(const cm_crit_be_map_t *map, const char *code)
{
    for (size_t i = 0; i < map->n; i++) {
        if (!map->items[i].shared && strcmp(map->items[i].code, code) == 0) {
            return (ptrdiff_t)i;
        }
    }
    return -1;
}

/* Stage of the "production" row of a material, or -1. */
static int map_production_stage(const cm_crit_be_map_t *map, const char *material)
{
    for (size_t i = 0; i < map->n; i++) {
        if (is_production(map->items[i].code) && strcmp(map->items[i].material, material) == 0) {
            return map->items[i].stage;
        }
    }
    return -1;
}

/* A row of the code for the material, shared or not, or -1. */
static ptrdiff_t map_find_pair(const cm_crit_be_map_t *map, const char *code, const char *material)
{
    for (size_t i = 0; i < map->n; i++) {
        if (strcmp(map->items[i].code, code) == 0 &&
            strcmp(map->items[i].material, material) == 0) {
            return (ptrdiff_t)i;
        }
    }
    return -1;
}

static cm_error_t map_add(cm_crit_be_map_t *map, const char *code, const char *material,
                          int stage, int shared, cm_error_info_t *err)
{
    if (map == NULL || code == NULL || material == NULL || code[0] == '\0' || material[0] == '\0') {
        return cm_error_set(err, CM_EINVAL, "trade code table: expected a code and a material");
    }
    if (strlen(code) >= sizeof map->items[0].code) {
        return cm_error_set(err, CM_EINVAL, "trade code '%.40s...': longer than %zu bytes", code,
                            sizeof map->items[0].code - 1);
    }
    if (stage != CM_CRIT_EXTRACTION && stage != CM_CRIT_PROCESSING) {
        return cm_error_set(err, CM_EINVAL, "trade code '%s': expected stage 0 or 1, got %d", code,
                            stage);
    }
    if (is_production(code)) {
        if (map_production_stage(map, material) >= 0) {
            return cm_error_set(err, CM_EINVAL,
                                "trade code table: 'production' given twice for '%s'", material);
        }
    } else if (map_find_pair(map, code, material) >= 0) {
        return cm_error_set(err, CM_EINVAL, "trade code '%s' given twice for '%s'", code,
                            material);
    } else if (!shared) {
        ptrdiff_t k = map_find(map, code);
        if (k >= 0) {
            return cm_error_set(err, CM_EINVAL,
                                "trade code '%s' given twice (materials '%s' and '%s')", code,
                                map->items[k].material, material);
        }
    }
    if (map->n == map->cap) {
        size_t cap = map->cap == 0 ? 64 : 2 * map->cap;
        cm_crit_be_code_t *p = cm_realloc_array(map->items, cap, sizeof *p);
        if (p == NULL) {
            return cm_error_set(err, CM_ENOMEM, "out of memory");
        }
        map->items = p;
        map->cap = cap;
    }
    cm_crit_be_code_t *c = &map->items[map->n];
    memset(c, 0, sizeof *c);
    c->material = cm_strdup(material);
    if (c->material == NULL) {
        return cm_error_set(err, CM_ENOMEM, "out of memory");
    }
    snprintf(c->code, sizeof c->code, "%s", code);
    c->stage = stage;
    c->shared = shared;
    map->n++;
    return CM_OK;
}

cm_error_t cm_crit_be_map_add(cm_crit_be_map_t *map, const char *code, const char *material,
                              int stage, cm_error_info_t *err)
{
    return map_add(map, code, material, stage, 0, err);
}

void cm_crit_be_map_destroy(cm_crit_be_map_t *map)
{
    if (map == NULL) {
        return;
    }
    for (size_t i = 0; i < map->n; i++) {
        cm_free(map->items[i].material);
    }
    cm_free(map->items);
    memset(map, 0, sizeof *map);
}

/* Row parser shared by the file and the built-in table: the header gives the columns. */
typedef struct map_parse_t {
    cm_crit_be_map_t *map;
    const char *name; /* file name for messages */
    size_t cc, cm, cs; /* columns code, material, stage */
    ptrdiff_t csh;     /* column shared, or -1 */
} map_parse_t;

static cm_error_t map_row(const cm_csv_row_t *row, void *user_data, cm_error_info_t *err)
{
    map_parse_t *p = user_data;
    if (row->record == 1) {
        int found = 0;
        for (size_t k = 0; k < row->nfields; k++) {
            const char *h = row->fields[k];
            if (strcmp(h, "code") == 0) {
                p->cc = k;
                found |= 1;
            } else if (strcmp(h, "material") == 0) {
                p->cm = k;
                found |= 2;
            } else if (strcmp(h, "stage") == 0) {
                p->cs = k;
                found |= 4;
            } else if (strcmp(h, "shared") == 0) {
                p->csh = (ptrdiff_t)k;
            }
        }
        if (found != 7) {
            return cm_error_set_at(err, CM_EPARSE, p->name, row->line, 1,
                                   "expected columns code, material, stage; got '%s'...",
                                   row->nfields > 0 ? row->fields[0] : "");
        }
        return CM_OK;
    }
    const char *st = row->fields[p->cs];
    int stage = strcmp(st, "extraction") == 0   ? CM_CRIT_EXTRACTION
                : strcmp(st, "processing") == 0 ? CM_CRIT_PROCESSING
                                                : -1;
    if (stage < 0) {
        return cm_error_set_at(err, CM_EPARSE, p->name, row->line, (int64_t)p->cs + 1,
                               "expected stage 'extraction' or 'processing', got '%s'", st);
    }
    const char *sh = p->csh >= 0 ? row->fields[p->csh] : "";
    int shared = strcmp(sh, "1") == 0 ? 1 : sh[0] == '\0' || strcmp(sh, "0") == 0 ? 0 : -1;
    if (shared < 0) {
        return cm_error_set_at(err, CM_EPARSE, p->name, row->line, (int64_t)p->csh + 1,
                               "expected shared '', '0' or '1', got '%s'", sh);
    }
    cm_error_t rc = map_add(p->map, row->fields[p->cc], row->fields[p->cm], stage, shared, err);
    if (rc == CM_EINVAL) {
        char msg[1100];
        snprintf(msg, sizeof msg, "%s", err != NULL ? err->message : "bad row");
        return cm_error_set_at(err, CM_EPARSE, p->name, row->line, 1, "%s", msg);
    }
    return rc;
}

/* Parse the table from a file (data == NULL) or from a buffer. */
static cm_error_t map_parse(const char *path, const char *data, size_t len,
                            cm_crit_be_map_t *map, cm_error_info_t *err)
{
    map_parse_t p = {map, path, 0, 0, 0, -1};
    cm_csv_options_t opt;
    cm_csv_options_default(&opt);
    cm_crit_be_map_destroy(map);
    cm_error_t rc = data == NULL
                        ? cm_csv_read_file(path, &opt, map_row, &p, NULL, err)
                        : cm_csv_read_buffer(data, len, path, &opt, map_row, &p, NULL, err);
    if (rc != CM_OK) {
        cm_crit_be_map_destroy(map);
    }
    return rc;
}

cm_error_t cm_crit_be_map_load(const char *path, cm_crit_be_map_t *map, cm_error_info_t *err)
{
    if (path == NULL || map == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_crit_be_map_load: NULL argument");
    }
    return map_parse(path, NULL, 0, map, err);
}

cm_error_t cm_crit_be_map_builtin(cm_crit_be_map_t *map, cm_error_info_t *err)
{
    if (map == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_crit_be_map_builtin: NULL argument");
    }
    return map_parse("<built-in hs6-materials.csv>", (const char *)cm_i_crit_hs6_csv,
                     cm_i_crit_hs6_csv_len, map, err);
}

/* --- report --------------------------------------------------------------------------- */

void cm_crit_be_report_destroy(cm_crit_be_report_t *report)
{
    if (report == NULL) {
        return;
    }
    for (size_t i = 0; i < report->n_subst; i++) {
        cm_free(report->subst[i].material);
        cm_free(report->subst[i].reason);
    }
    cm_free(report->subst);
    cm_free(report->stages);
    memset(report, 0, sizeof *report);
}

static cm_error_t subst_add(cm_crit_be_report_t *rep, const char *material, const char *term,
                            int stage, cm_real_t value, cm_error_info_t *err, const char *fmt, ...)
    CM_PRINTF(7, 8);

static cm_error_t subst_add(cm_crit_be_report_t *rep, const char *material, const char *term,
                            int stage, cm_real_t value, cm_error_info_t *err, const char *fmt, ...)
{
    if (rep->n_subst == rep->cap_subst) {
        size_t cap = rep->cap_subst == 0 ? 64 : 2 * rep->cap_subst;
        cm_crit_be_subst_t *p = cm_realloc_array(rep->subst, cap, sizeof *p);
        if (p == NULL) {
            return cm_error_set(err, CM_ENOMEM, "out of memory");
        }
        rep->subst = p;
        rep->cap_subst = cap;
    }
    cm_crit_be_subst_t *s = &rep->subst[rep->n_subst];
    memset(s, 0, sizeof *s);
    char reason[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    s->material = cm_strdup(material);
    s->reason = cm_strdup(reason);
    if (s->material == NULL || s->reason == NULL) {
        cm_free(s->material);
        cm_free(s->reason);
        return cm_error_set(err, CM_ENOMEM, "out of memory");
    }
    snprintf(s->term, sizeof s->term, "%s", term);
    s->stage = stage;
    s->value = value;
    rep->n_subst++;
    return CM_OK;
}

/* --- trade flows ---------------------------------------------------------------------- */

enum { DIR_IMPORT = 0, DIR_EXPORT = 1 };

typedef struct flow_t {
    int64_t dataset;
    size_t mat; /* index in the inputs */
    int stage;
    char partner[CM_CRIT_CODE_MAX];
    int dir;
    cm_real_t value; /* NaN when absent */
    cm_real_t qty;   /* t; NaN when absent */
} flow_t;

typedef struct flows_t {
    size_t n, cap;
    flow_t *items;
    const cm_crit_inputs_t *in;
    const cm_crit_be_map_t *map;
    char **unmatched; /* distinct unmatched product codes */
    size_t n_unmatched, cap_unmatched;
    size_t rows;
    cm_error_info_t *err;
} flows_t;

static int parse_i64(const char *s, int64_t *out)
{
    if (s == NULL || s[0] == '\0') {
        return 0;
    }
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (end == s || *end != '\0' || errno == ERANGE) {
        return 0;
    }
    *out = (int64_t)v;
    return 1;
}

/* Tonnes per unit of a mass unit, NaN for another unit. */
static cm_real_t tonnes_per(const char *unit)
{
    if (unit == NULL) {
        return NAN;
    }
    if (strcmp(unit, "t") == 0) {
        return 1.0;
    }
    if (strcmp(unit, "kg") == 0) {
        return 1e-3;
    }
    if (strcmp(unit, "kt") == 0) {
        return 1e3;
    }
    if (strcmp(unit, "Mt") == 0) {
        return 1e6;
    }
    return NAN;
}

static cm_error_t note_unmatched(flows_t *f, const char *code)
{
    for (size_t i = 0; i < f->n_unmatched; i++) {
        if (strcmp(f->unmatched[i], code) == 0) {
            return CM_OK;
        }
    }
    if (f->n_unmatched == f->cap_unmatched) {
        size_t cap = f->cap_unmatched == 0 ? 16 : 2 * f->cap_unmatched;
        char **p = cm_realloc_array(f->unmatched, cap, sizeof *p);
        if (p == NULL) {
            return cm_error_set(f->err, CM_ENOMEM, "out of memory");
        }
        f->unmatched = p;
        f->cap_unmatched = cap;
    }
    f->unmatched[f->n_unmatched] = cm_strdup(code);
    if (f->unmatched[f->n_unmatched] == NULL) {
        return cm_error_set(f->err, CM_ENOMEM, "out of memory");
    }
    f->n_unmatched++;
    return CM_OK;
}

/* dataset_id, variable, region, partner, product, value, unit */
static cm_error_t flow_row(int ncols, const char *const *names, const char *const *v, void *ud)
{
    flows_t *f = ud;
    CM_UNUSED(names);
    if (ncols < 7 || v[1] == NULL || v[2] == NULL || v[3] == NULL || v[4] == NULL) {
        return CM_OK;
    }
    int64_t ds = 0;
    cm_real_t x = NAN;
    if (!parse_i64(v[0], &ds)) {
        return CM_OK;
    }
    int have = cm_i_crit_parse_real(v[5], CM_I_CRIT_FINITE, &x);
    const char *var = v[1], *region = v[2], *partner = v[3];
    int dir, qty = strstr(var, "_quantity") != NULL;
    const char *other;
    if (strncmp(var, "import_", 7) == 0 && strcmp(region, BE_REGION) == 0) {
        dir = DIR_IMPORT;
        other = partner;
    } else if (strncmp(var, "import_", 7) == 0 && strcmp(partner, BE_REGION) == 0) {
        dir = DIR_EXPORT;
        other = region;
    } else if (strncmp(var, "export_", 7) == 0 && strcmp(region, BE_REGION) == 0) {
        dir = DIR_EXPORT;
        other = partner;
    } else {
        return CM_OK;
    }
    if (strcmp(other, BE_REGION) == 0 || strlen(other) >= CM_CRIT_CODE_MAX || other[0] == '\0') {
        return CM_OK;
    }
    ptrdiff_t k = map_find(f->map, v[4]);
    if (k < 0 || is_production(v[4])) {
        return note_unmatched(f, v[4]);
    }
    ptrdiff_t mi = cm_crit_inputs_find(f->in, f->map->items[k].material);
    if (mi < 0) {
        return note_unmatched(f, v[4]);
    }
    if (qty) {
        cm_real_t tp = tonnes_per(v[6]);
        if (isnan(tp)) {
            return CM_OK;
        }
        x = have ? x * tp : NAN;
    } else if (!have) {
        return CM_OK;
    }
    /* merge with the previous row when it is the same flow (value and quantity rows) */
    flow_t *last = f->n > 0 ? &f->items[f->n - 1] : NULL;
    if (last != NULL && last->dataset == ds && last->mat == (size_t)mi &&
        last->stage == f->map->items[k].stage && last->dir == dir &&
        strcmp(last->partner, other) == 0 && (qty ? isnan(last->qty) : isnan(last->value))) {
        if (qty) {
            last->qty = x;
        } else {
            last->value = x;
        }
        f->rows++;
        return CM_OK;
    }
    if (f->n == f->cap) {
        size_t cap = f->cap == 0 ? 256 : 2 * f->cap;
        flow_t *p = cm_realloc_array(f->items, cap, sizeof *p);
        if (p == NULL) {
            return cm_error_set(f->err, CM_ENOMEM, "out of memory");
        }
        f->items = p;
        f->cap = cap;
    }
    flow_t *fl = &f->items[f->n++];
    memset(fl, 0, sizeof *fl);
    fl->dataset = ds;
    fl->mat = (size_t)mi;
    fl->stage = f->map->items[k].stage;
    snprintf(fl->partner, sizeof fl->partner, "%s", other);
    fl->dir = dir;
    fl->value = qty ? NAN : x;
    fl->qty = qty ? x : NAN;
    f->rows++;
    return CM_OK;
}

static int flow_cmp(const void *a, const void *b)
{
    const flow_t *x = a, *y = b;
    if (x->mat != y->mat) {
        return x->mat < y->mat ? -1 : 1;
    }
    if (x->stage != y->stage) {
        return x->stage - y->stage;
    }
    if (x->dataset != y->dataset) {
        return x->dataset < y->dataset ? -1 : 1;
    }
    if (x->dir != y->dir) {
        return x->dir - y->dir;
    }
    return strcmp(x->partner, y->partner);
}

/* --- the latest year with Belgian imports ---------------------------------------------- */

static cm_error_t year_row(int ncols, const char *const *names, const char *const *v, void *ud)
{
    CM_UNUSED(names);
    int64_t y = 0;
    if (ncols >= 1 && parse_i64(v[0], &y) && y > *(int64_t *)ud) {
        *(int64_t *)ud = y;
    }
    return CM_OK;
}

/* --- production ----------------------------------------------------------------------- */

typedef struct prod_t {
    const cm_crit_inputs_t *in;
    int year;
    cm_real_t *tonnes; /* per material */
    int *period;       /* period of the value kept */
    int *withheld;     /* a Belgian row without a value (W) */
} prod_t;

/* material, period, value, unit */
static cm_error_t prod_row(int ncols, const char *const *names, const char *const *v, void *ud)
{
    prod_t *p = ud;
    CM_UNUSED(names);
    int64_t per = 0;
    if (ncols < 4 || v[0] == NULL || !parse_i64(v[1], &per) || per > p->year) {
        return CM_OK;
    }
    ptrdiff_t mi = cm_crit_inputs_find(p->in, v[0]);
    if (mi < 0) {
        return CM_OK;
    }
    cm_real_t x = NAN, tp = tonnes_per(v[3]);
    if (!cm_i_crit_parse_real(v[2], CM_I_CRIT_FINITE, &x) || isnan(tp)) {
        p->withheld[mi] = 1;
        return CM_OK;
    }
    if (per >= p->period[mi]) {
        if (per > p->period[mi]) {
            p->tonnes[mi] = 0.0;
        }
        p->tonnes[mi] += x * tp;
        p->period[mi] = (int)per;
    }
    return CM_OK;
}

/* --- Belgian value added --------------------------------------------------------------- */

typedef struct va_acc_t {
    size_t n, cap;
    char **codes;
    double *values;
    int period;
    cm_error_info_t *err;
} va_acc_t;

/* product, value, period */
static cm_error_t va_row(int ncols, const char *const *names, const char *const *v, void *ud)
{
    va_acc_t *a = ud;
    CM_UNUSED(names);
    cm_real_t x = NAN;
    int64_t per = 0;
    if (ncols < 3 || v[0] == NULL || !cm_i_crit_parse_real(v[1], CM_I_CRIT_FINITE, &x) ||
        !parse_i64(v[2], &per)) {
        return CM_OK;
    }
    if ((int)per != a->period) {
        return CM_OK;
    }
    if (a->n == a->cap) {
        size_t cap = a->cap == 0 ? 64 : 2 * a->cap;
        char **c = cm_realloc_array(a->codes, cap, sizeof *c);
        if (c == NULL) {
            return cm_error_set(a->err, CM_ENOMEM, "out of memory");
        }
        a->codes = c;
        double *d = cm_realloc_array(a->values, cap, sizeof *d);
        if (d == NULL) {
            return cm_error_set(a->err, CM_ENOMEM, "out of memory");
        }
        a->values = d;
        a->cap = cap;
    }
    a->codes[a->n] = cm_strdup(v[0]);
    if (a->codes[a->n] == NULL) {
        return cm_error_set(a->err, CM_ENOMEM, "out of memory");
    }
    a->values[a->n++] = x < 0.0 ? 0.0 : x;
    return CM_OK;
}

static int is_manufacturing(const char *nace)
{
    if (nace[0] != 'C' || nace[1] < '0' || nace[1] > '9' || nace[2] < '0' || nace[2] > '9') {
        return 0;
    }
    int d = (nace[1] - '0') * 10 + (nace[2] - '0');
    return d >= 10 && d <= 33;
}

/* --- Belgian overrides of EoL-RIR and SI ----------------------------------------------- */

typedef struct over_t {
    const cm_crit_inputs_t *in;
    cm_real_t *eol, *si_sr, *si_ei;
} over_t;

/* material, variable, value, unit */
static cm_error_t over_row(int ncols, const char *const *names, const char *const *v, void *ud)
{
    over_t *o = ud;
    CM_UNUSED(names);
    cm_real_t x = NAN;
    if (ncols < 4 || v[0] == NULL || v[1] == NULL ||
        !cm_i_crit_parse_real(v[2], CM_I_CRIT_FINITE, &x)) {
        return CM_OK;
    }
    ptrdiff_t mi = cm_crit_inputs_find(o->in, v[0]);
    if (mi < 0) {
        return CM_OK;
    }
    if (v[3] != NULL && strcmp(v[3], "%") == 0) {
        x /= 100.0;
    }
    if (strcmp(v[1], "eol_rir") == 0) {
        o->eol[mi] = x;
    } else if (strcmp(v[1], "substitution_index_sr") == 0) {
        o->si_sr[mi] = x;
    } else if (strcmp(v[1], "substitution_index_ei") == 0) {
        o->si_ei[mi] = x;
    }
    return CM_OK;
}

/* --- sourcing of one material x stage --------------------------------------------------- */

typedef struct dsum_t {
    int64_t dataset;
    size_t from, to; /* flows [from, to) of this dataset */
    cm_real_t imp_v, imp_q, exp_v, exp_q;
    int qty_complete; /* every import flow with a value has a quantity */
    int has_exports;
} dsum_t;

static void dsum_of(const flow_t *fl, size_t from, size_t to, dsum_t *d)
{
    memset(d, 0, sizeof *d);
    d->dataset = fl[from].dataset;
    d->from = from;
    d->to = to;
    d->qty_complete = 1;
    size_t nimp = 0;
    for (size_t i = from; i < to; i++) {
        const flow_t *x = &fl[i];
        if (x->dir == DIR_IMPORT) {
            nimp++;
            if (!isnan(x->value)) {
                d->imp_v += x->value;
            }
            if (!isnan(x->qty)) {
                d->imp_q += x->qty;
            } else {
                d->qty_complete = 0;
            }
        } else {
            d->has_exports = 1;
            if (!isnan(x->value)) {
                d->exp_v += x->value;
            }
            if (!isnan(x->qty)) {
                d->exp_q += x->qty;
            }
        }
    }
    if (nimp == 0 || d->imp_q <= 0.0) {
        d->qty_complete = 0;
    }
}

static int dataset_has_exports(const flow_t *fl, size_t n, int64_t ds)
{
    for (size_t i = 0; i < n; i++) {
        if (fl[i].dataset == ds && fl[i].dir == DIR_EXPORT) {
            return 1;
        }
    }
    return 0;
}

static cm_real_t eu_t(const cm_crit_material_t *eu, int stage, const char *partner)
{
    cm_crit_share_t *s =
        cm_crit_material_find_share((cm_crit_material_t *)eu, stage, CM_CRIT_SOURCING, partner);
    return s != NULL && isfinite(s->t) ? s->t : 1.0;
}

static void clear_supply(cm_crit_supply_t *s)
{
    s->n = 0;
}

static cm_error_t stage_sourcing(const flows_t *f, size_t from, size_t to,
                                 const cm_crit_material_t *eu, cm_crit_material_t *m, int stage,
                                 cm_real_t production, const cm_crit_be_options_t *opt,
                                 cm_crit_be_stage_info_t *info, cm_crit_be_report_t *rep,
                                 cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    const flow_t *fl = f->items;
    dsum_t best_m, best_v, best_x, d;
    memset(&best_m, 0, sizeof best_m);
    memset(&best_v, 0, sizeof best_v);
    memset(&best_x, 0, sizeof best_x);
    int have_m = 0, have_v = 0, have_x = 0;
    size_t i = from;
    while (i < to) {
        size_t j = i;
        while (j < to && fl[j].dataset == fl[i].dataset) {
            j++;
        }
        dsum_of(fl, i, j, &d);
        d.has_exports = d.has_exports || dataset_has_exports(fl, f->n, d.dataset);
        if (d.qty_complete && (!have_m || d.imp_q > best_m.imp_q)) {
            best_m = d;
            have_m = 1;
        }
        if (d.imp_v > 0.0 && (!have_v || d.imp_v > best_v.imp_v)) {
            best_v = d;
            have_v = 1;
        }
        if (d.has_exports && d.imp_v > 0.0 && (!have_x || d.imp_v > best_x.imp_v)) {
            best_x = d;
            have_x = 1;
        }
        i = j;
    }
    int mass = have_m && opt->basis != CM_CRIT_BE_BASIS_VALUE;
    int value = !mass && have_v && opt->basis != CM_CRIT_BE_BASIS_MASS;
    info->production = production;
    if (!mass && !value) {
        /* no usable Belgian flows: production alone (mass) or the EU sourcing */
        if (production > 0.0 && opt->basis != CM_CRIT_BE_BASIS_VALUE && from == to) {
            clear_supply(&m->supply[stage][CM_CRIT_SOURCING]);
            CM_TRY(cm_crit_material_add_share(m, stage, CM_CRIT_SOURCING, BE_REGION, 1.0, 1.0,
                                              CM_CRIT_SHARE_DOMESTIC, err));
            info->basis = CM_CRIT_BE_BASIS_MASS;
            info->imports = 0.0;
            info->exports = NAN;
            info->ir = NAN;
            CM_TRY(subst_add(rep, m->code, "import_reliance", stage, m->import_reliance[stage], err,
                             "Belgian production but no trade flows of the stage's codes"));
            goto cleanup;
        }
        info->basis = CM_CRIT_BE_BASIS_NONE;
        info->ir = NAN;
        info->exports = NAN;
        CM_TRY(subst_add(rep, m->code, "sourcing", stage, NAN, err, "%s",
                         from == to ? "no Belgian trade flows for the stage's codes"
                         : opt->basis == CM_CRIT_BE_BASIS_MASS
                             ? "no trade set with quantities for every flow (--basis mass)"
                             : "no Belgian import values"));
        CM_TRY(subst_add(rep, m->code, "import_reliance", stage, m->import_reliance[stage], err,
                         "no Belgian trade flows"));
        goto cleanup;
    }
    const dsum_t *b = mass ? &best_m : &best_v;
    cm_real_t prod = mass ? production : 0.0;
    cm_real_t imp = mass ? b->imp_q : b->imp_v;
    cm_real_t total = prod + imp;
    info->basis = mass ? CM_CRIT_BE_BASIS_MASS : CM_CRIT_BE_BASIS_VALUE;
    info->dataset_id = b->dataset;
    info->imports = imp;
    info->exports = b->has_exports ? (mass ? b->exp_q : b->exp_v) : NAN;
    clear_supply(&m->supply[stage][CM_CRIT_SOURCING]);
    if (prod > 0.0) {
        CM_TRY(cm_crit_material_add_share(m, stage, CM_CRIT_SOURCING, BE_REGION, prod / total, 1.0,
                                          CM_CRIT_SHARE_DOMESTIC, err));
    }
    if (!mass && production > 0.0) {
        CM_TRY(subst_add(rep, m->code, "production", stage, production, err,
                         "Belgian production (t) left out of shares by value"));
    }
    for (size_t k = b->from; k < b->to; k++) {
        const flow_t *x = &fl[k];
        cm_real_t amt = mass ? x->qty : x->value;
        if (x->dir != DIR_IMPORT || isnan(amt) || amt <= 0.0) {
            continue;
        }
        /* flows of one partner are adjacent (sorted): sum them */
        cm_crit_share_t *s = cm_crit_material_find_share(m, stage, CM_CRIT_SOURCING, x->partner);
        if (s != NULL) {
            s->share += amt / total;
            continue;
        }
        CM_TRY(cm_crit_material_add_share(m, stage, CM_CRIT_SOURCING, x->partner,
                                          fmin(1.0, amt / total), eu_t(eu, stage, x->partner), 0,
                                          err));
        info->partners++;
    }
    if (b->has_exports && !(mass == 0 && production > 0.0)) {
        cm_real_t den = prod + imp - info->exports;
        cm_real_t ir = den > 0.0 ? (imp - info->exports) / den : 0.0;
        ir = ir < 0.0 ? 0.0 : (ir > 1.0 ? 1.0 : ir);
        info->ir = ir;
        m->import_reliance[stage] = ir;
    } else if (have_x && production <= 0.0) {
        /* the chosen set has no exports: IR by value from the largest set that has them */
        /* without production, (I - X)/(I - X) clamped is 1 for a net importer, else 0 */
        cm_real_t ir = best_x.imp_v > best_x.exp_v ? 1.0 : 0.0;
        info->ir = ir;
        m->import_reliance[stage] = ir;
    } else {
        info->ir = NAN;
        CM_TRY(subst_add(rep, m->code, "import_reliance", stage, m->import_reliance[stage], err,
                         "%s",
                         b->has_exports ? "Belgian production not quantified by value"
                                        : "the trade set chosen has no Belgian exports"));
    }
cleanup:
    return rc;
}

/* --- the loader ----------------------------------------------------------------------- */

cm_error_t cm_crit_load_be(cm_store_t *store, const cm_crit_inputs_t *eu,
                           const cm_crit_be_map_t *map, const cm_crit_be_options_t *opt,
                           cm_crit_inputs_t *out, cm_crit_be_report_t *report, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    flows_t f;
    prod_t p;
    va_acc_t va;
    over_t ov;
    cm_nace_value_t *nace = NULL;
    size_t nnace = 0;
    char sql[1024];
    memset(&f, 0, sizeof f);
    memset(&p, 0, sizeof p);
    memset(&va, 0, sizeof va);
    memset(&ov, 0, sizeof ov);
    if (store == NULL || eu == NULL || map == NULL || opt == NULL || out == NULL ||
        report == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_crit_load_be: NULL argument");
    }
    if (opt->basis < CM_CRIT_BE_BASIS_AUTO || opt->basis > CM_CRIT_BE_BASIS_VALUE ||
        !(opt->usd_per_eur > 0.0) || opt->year < 0 || opt->year > 9999) {
        return cm_error_set(err, CM_EINVAL,
                            "Belgian options: expected basis auto/mass/value, a year 0-9999 and "
                            "a positive exchange rate");
    }
    cm_crit_be_report_destroy(report);
    cm_crit_inputs_destroy(out);
    CM_TRY(cm_crit_inputs_copy(out, eu, err));
    snprintf(out->region, sizeof out->region, "%s", BE_REGION);
    report->n = out->n;
    report->stages = cm_calloc(out->n + 1, sizeof *report->stages);
    CM_NOMEM(report->stages, err);

    /* year */
    int64_t year = opt->year;
    if (year == 0) {
        CM_TRY(cm_store_query(store,
                              "SELECT DISTINCT period FROM observation WHERE variable LIKE "
                              "'import_%' AND region = 'BEL'",
                              year_row, &year, err));
        if (year == 0) {
            CM_FAIL(cm_error_set(err, CM_ENOTFOUND,
                                 "no Belgian imports (variable import_value or import_quantity "
                                 "with region BEL) in the store: import a baci, comext or "
                                 "comtrade set"));
        }
    }
    report->year = (int)year;

    /* trade flows */
    f.in = out;
    f.map = map;
    f.err = err;
    snprintf(sql, sizeof sql,
             "SELECT dataset_id, variable, region, partner, product, value, unit FROM observation "
             "WHERE period = '%d' AND variable IN ('import_value', 'import_quantity', "
             "'export_value', 'export_quantity') AND (region = 'BEL' OR partner = 'BEL') "
             "ORDER BY dataset_id, region, partner, product, variable DESC",
             (int)year);
    CM_TRY(cm_store_query(store, sql, flow_row, &f, err));
    if (f.n == 0 && f.n_unmatched == 0) {
        CM_FAIL(cm_error_set(err, CM_ENOTFOUND, "no Belgian trade flows for %d in the store",
                             (int)year));
    }
    report->unmatched_codes = f.n_unmatched;
    report->flows_used = f.rows;
    if (f.n > 0) {
        qsort(f.items, f.n, sizeof *f.items, flow_cmp);
    }
    for (size_t i = 0; i < f.n; i++) {
        report->flows_without_quantity +=
            f.items[i].dir == DIR_IMPORT && !isnan(f.items[i].value) && isnan(f.items[i].qty);
    }

    /* Belgian production */
    p.in = out;
    p.year = (int)year;
    p.tonnes = cm_calloc(out->n + 1, sizeof *p.tonnes);
    p.period = cm_calloc(out->n + 1, sizeof *p.period);
    p.withheld = cm_calloc(out->n + 1, sizeof *p.withheld);
    CM_NOMEM(p.tonnes, err);
    CM_NOMEM(p.period, err);
    CM_NOMEM(p.withheld, err);
    CM_TRY(cm_store_query(store,
                          "SELECT material, period, value, unit FROM observation WHERE variable = "
                          "'production' AND region = 'BEL' AND material IS NOT NULL",
                          prod_row, &p, err));

    /* Belgian overrides */
    ov.in = out;
    ov.eol = cm_malloc_array(out->n + 1, sizeof *ov.eol);
    ov.si_sr = cm_malloc_array(out->n + 1, sizeof *ov.si_sr);
    ov.si_ei = cm_malloc_array(out->n + 1, sizeof *ov.si_ei);
    CM_NOMEM(ov.eol, err);
    CM_NOMEM(ov.si_sr, err);
    CM_NOMEM(ov.si_ei, err);
    for (size_t i = 0; i <= out->n; i++) {
        ov.eol[i] = ov.si_sr[i] = ov.si_ei[i] = NAN;
    }
    CM_TRY(cm_store_query(store,
                          "SELECT material, variable, value, unit FROM observation WHERE region = "
                          "'BEL' AND variable IN ('eol_rir', 'substitution_index_sr', "
                          "'substitution_index_ei')",
                          over_row, &ov, err));

    /* Belgian value added */
    int64_t va_year = 0;
    CM_TRY(cm_store_query(store,
                          "SELECT DISTINCT period FROM observation WHERE variable = 'value_added' "
                          "AND region = 'BEL' AND unit = 'MUSD'",
                          year_row, &va_year, err));
    if (va_year == 0) {
        CM_FAIL(cm_error_set(err, CM_ENOTFOUND,
                             "no Belgian value added (iot-oecd value_added, region BEL, MUSD) in "
                             "the store: import an OECD input-output table of Belgium"));
    }
    va.period = (int)va_year;
    va.err = err;
    CM_TRY(cm_store_query(store,
                          "SELECT product, value, period FROM observation WHERE variable = "
                          "'value_added' AND region = 'BEL' AND unit = 'MUSD' AND dataset_id = "
                          "(SELECT MAX(dataset_id) FROM observation WHERE variable = "
                          "'value_added' AND region = 'BEL' AND unit = 'MUSD')",
                          va_row, &va, err));
    CM_TRY(cm_nace_from_oecd(va.n, (const char *const *)va.codes, va.values, opt->split,
                             opt->usd_per_eur, &nace, &nnace, err));
    report->va_max = NAN;
    for (size_t k = 0; k < nnace; k++) {
        if (is_manufacturing(nace[k].nace) &&
            (isnan(report->va_max) || nace[k].value > report->va_max)) {
            report->va_max = nace[k].value;
            snprintf(report->va_max_sector, sizeof report->va_max_sector, "%s",
                     opt->split == CM_NACE_KEEP_TOGETHER ? nace[k].group : nace[k].nace);
        }
    }

    /* per material */
    size_t fi = 0;
    for (size_t i = 0; i < out->n; i++) {
        cm_crit_material_t *m = &out->materials[i];
        const cm_crit_material_t *e = &eu->materials[i];
        m->published.sr = m->published.ei = NAN;
        m->published.used_stage = -1;
        for (int s = 0; s < CM_CRIT_NSTAGES; s++) {
            m->published.sr_stage[s] = NAN;
            m->published.mode[s] = CM_CRIT_MODE_AUTO;
            m->mode[s] = CM_CRIT_MODE_AUTO;
        }
        int pstage = map_production_stage(map, m->code);
        for (int s = 0; s < CM_CRIT_NSTAGES; s++) {
            size_t from = fi;
            while (fi < f.n && f.items[fi].mat == i && f.items[fi].stage == s) {
                fi++;
            }
            cm_crit_be_stage_info_t *info = &report->stages[i][s];
            info->exports = NAN;
            info->ir = NAN;
            if (!m->assessed[s]) {
                info->basis = CM_CRIT_BE_BASIS_NONE;
                continue;
            }
            cm_real_t prod = 0.0;
            if (pstage == s && p.tonnes[i] > 0.0) {
                prod = p.tonnes[i];
            } else if (pstage == s && p.withheld[i]) {
                CM_TRY(subst_add(report, m->code, "production", s, NAN, err,
                                 "Belgian production withheld or without a mass unit: "
                                 "counted 0"));
            }
            CM_TRY(stage_sourcing(&f, from, fi, e, m, s, prod, opt, info, report, err));
        }
        if (!isnan(ov.eol[i])) {
            m->eol_rir = ov.eol[i];
        } else if (!isnan(m->eol_rir)) {
            CM_TRY(subst_add(report, m->code, "eol_rir", -1, m->eol_rir, err,
                             "no Belgian EoL-RIR given"));
        }
        if (!isnan(ov.si_sr[i])) {
            m->si_sr = ov.si_sr[i];
        } else if (!isnan(m->si_sr)) {
            CM_TRY(
                subst_add(report, m->code, "si_sr", -1, m->si_sr, err, "no Belgian SI_SR given"));
        }
        if (!isnan(ov.si_ei[i])) {
            m->si_ei = ov.si_ei[i];
        } else if (!isnan(m->si_ei)) {
            CM_TRY(
                subst_add(report, m->code, "si_ei", -1, m->si_ei, err, "no Belgian SI_EI given"));
        }
        if (m->n_enduses > 0) {
            CM_TRY(subst_add(report, m->code, "enduse_shares", -1, (cm_real_t)m->n_enduses, err,
                             "no Belgian end-use shares given: the EU's %zu end uses kept",
                             m->n_enduses));
        }
        for (size_t u = 0; u < m->n_enduses; u++) {
            cm_crit_enduse_t *eu_use = &m->enduses[u];
            if (eu_use->nace[0] == '\0') {
                eu_use->value_added = NAN;
                continue;
            }
            cm_real_t q = NAN;
            for (size_t k = 0; k < nnace; k++) {
                if (strcmp(nace[k].nace, eu_use->nace) == 0) {
                    q = nace[k].value;
                    break;
                }
            }
            eu_use->value_added = q;
            if (isnan(q)) {
                CM_TRY(subst_add(report, m->code, "value_added", -1, NAN, err,
                                 "no Belgian value added for NACE %s: counted 0", eu_use->nace));
            }
        }
    }
cleanup:
    for (size_t i = 0; i < f.n_unmatched; i++) {
        cm_free(f.unmatched[i]);
    }
    cm_free(f.unmatched);
    cm_free(f.items);
    cm_free(p.tonnes);
    cm_free(p.period);
    cm_free(p.withheld);
    cm_free(ov.eol);
    cm_free(ov.si_sr);
    cm_free(ov.si_ei);
    for (size_t i = 0; i < va.n; i++) {
        cm_free(va.codes[i]);
    }
    cm_free(va.codes);
    cm_free(va.values);
    cm_free(nace);
    if (rc != CM_OK) {
        cm_crit_inputs_destroy(out);
        cm_crit_be_report_destroy(report);
    }
    return rc;
}

/* cambium dsm: dynamic stock models (docs/dsm.md).
 *   dsm inflow --input FILE --lifetime SPEC --out DIR    inflow-driven
 *   dsm stock  --input FILE --lifetime SPEC --out DIR    stock-driven
 * FILE has columns t,inflow (or t,stock), or series,t,inflow for several series (the rows of a
 * series contiguous, years consecutive). --lifetimes FILE gives one SPEC per series (columns
 * series,spec); --lifetimes-by-cohort FILE one parameter set per cohort ([series,]t,<p0>,<p1>,
 * the distribution from --lifetime or --lifetimes). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cambium/cm_dsm.h"

typedef struct dsm_in_t {
    size_t n;           /* series */
    const char **names; /* n, borrowed from the table ("" without a series column) */
    size_t *off, *T;    /* n: first value and count */
    cm_int_t *t0;       /* n */
    double *values;     /* all rows */
    int has_series;
    size_t *order; /* n: series indices sorted by name */
} dsm_in_t;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void dsm_in_destroy(dsm_in_t *d)
{
    cm_free(d->names);
    cm_free(d->off);
    cm_free(d->T);
    cm_free(d->t0);
    cm_free(d->values);
    cm_free(d->order);
    memset(d, 0, sizeof *d);
}

static int parse_year(const char *text, cm_int_t *out)
{
    char *end = NULL;
    long long v;
    errno = 0;
    v = strtoll(text, &end, 10);
    if (end == text || *end != '\0' || errno == ERANGE || v < -100000 || v > 100000) {
        return 0;
    }
    *out = (cm_int_t)v;
    return 1;
}

static const char **sort_names; /* for the qsort/bsearch comparators (CLI only) */

static int cmp_idx(const void *a, const void *b)
{
    return strcmp(sort_names[*(const size_t *)a], sort_names[*(const size_t *)b]);
}

/* Index of series `name` in d (-1 when absent). */
static long find_series(const dsm_in_t *d, const char *name)
{
    size_t lo = 0, hi = d->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(d->names[d->order[mid]], name);
        if (c == 0) {
            return (long)d->order[mid];
        }
        if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return -1;
}

static cm_error_t read_input(const cm_table_t *tb, const char *vcol, dsm_in_t *d,
                             cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_int_t cs = cm_table_col(tb, "series"), ct = cm_table_col(tb, "t"),
             cv = cm_table_col(tb, vcol);
    cm_int_t prev_t = 0;

    if (ct < 0 || cv < 0) {
        return cm_error_set_at(err, CM_EPARSE, tb->name, 1, 0,
                               "expected columns t,%s (or series,t,%s)", vcol, vcol);
    }
    d->has_series = cs >= 0;
    d->names = cm_calloc(tb->nrows, sizeof *d->names);
    d->off = cm_calloc(tb->nrows, sizeof *d->off);
    d->T = cm_calloc(tb->nrows, sizeof *d->T);
    d->t0 = cm_calloc(tb->nrows, sizeof *d->t0);
    d->values = cm_calloc(tb->nrows, sizeof *d->values);
    if (d->names == NULL || d->off == NULL || d->T == NULL || d->t0 == NULL || d->values == NULL) {
        return cm_error_set(err, CM_ENOMEM, "out of memory reading %s", tb->name);
    }
    for (size_t r = 0; r < tb->nrows; r++) {
        const char *name = cs >= 0 ? cm_table_cell(tb, r, (size_t)cs) : "";
        const char *tt = cm_table_cell(tb, r, (size_t)ct), *vv = cm_table_cell(tb, r, (size_t)cv);
        cm_int_t year;
        if (!parse_year(tt, &year)) {
            return cm_error_set_at(err, CM_EPARSE, tb->name, tb->line[r], 0,
                                   "expected an integer year t, got '%s'", tt);
        }
        if (vv[0] == '\0') {
            return cm_error_set_at(err, CM_EPARSE, tb->name, tb->line[r], 0,
                                   "missing %s in year %lld", vcol, (long long)year);
        }
        if (!cm_cli_parse_real(vv, &d->values[r])) {
            return cm_error_set_at(err, CM_EPARSE, tb->name, tb->line[r], 0,
                                   "expected a number for %s, got '%s'", vcol, vv);
        }
        if (r == 0 || strcmp(name, d->names[d->n - 1]) != 0) {
            if (cs >= 0 && name[0] == '\0') {
                return cm_error_set_at(err, CM_EPARSE, tb->name, tb->line[r], 0,
                                       "expected a series name, got ''");
            }
            d->names[d->n] = name;
            d->off[d->n] = r;
            d->t0[d->n] = year;
            d->n++;
        } else if (year != prev_t + 1) {
            return cm_error_set_at(err, CM_EPARSE, tb->name, tb->line[r], 0,
                                   "expected year %lld after %lld%s%s, got %lld (years must be "
                                   "consecutive and ascending)",
                                   (long long)(prev_t + 1), (long long)prev_t,
                                   cs >= 0 ? " in series " : "", name, (long long)year);
        }
        d->T[d->n - 1]++;
        prev_t = year;
    }
    d->order = cm_malloc_array(d->n, sizeof *d->order);
    if (d->order == NULL) {
        return cm_error_set(err, CM_ENOMEM, "out of memory reading %s", tb->name);
    }
    for (size_t k = 0; k < d->n; k++) {
        d->order[k] = k;
    }
    sort_names = d->names;
    qsort(d->order, d->n, sizeof *d->order, cmp_idx);
    for (size_t k = 1; k < d->n; k++) {
        if (strcmp(d->names[d->order[k]], d->names[d->order[k - 1]]) == 0) {
            return cm_error_set(err, CM_EPARSE, "%s: the rows of series '%s' are not contiguous",
                                tb->name, d->names[d->order[k]]);
        }
    }
    return rc;
}

/* --lifetimes FILE: series,spec -> each series' lifetime. */
static cm_error_t read_lifetimes(const char *path, const dsm_in_t *d, cm_dsm_series_t *s,
                                 cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_table_t tb = CM_TABLE_NULL;
    char *seen = NULL;
    cm_int_t cs, cp;

    CM_TRY(cm_table_read(&tb, path, NULL, 1, err));
    cs = cm_table_col(&tb, "series");
    cp = cm_table_col(&tb, "spec");
    if (cs < 0 || cp < 0) {
        rc = cm_error_set_at(err, CM_EPARSE, path, 1, 0, "expected columns series,spec");
        goto cleanup;
    }
    seen = cm_calloc(d->n, 1);
    if (seen == NULL) {
        rc = cm_error_set(err, CM_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t r = 0; r < tb.nrows; r++) {
        const char *nm = cm_table_cell(&tb, r, (size_t)cs);
        long k = find_series(d, nm);
        cm_dsm_lifetime_t lt;
        if (k < 0) {
            continue; /* a lifetime for a series not in the input */
        }
        rc = cm_dsm_lifetime_parse(cm_table_cell(&tb, r, (size_t)cp), &lt, err);
        if (rc != CM_OK) {
            cm_error_prefix(err, "%s:%lld", path, (long long)tb.line[r]);
            goto cleanup;
        }
        s[k].lifetime = lt;
        seen[k] = 1;
    }
    for (size_t k = 0; k < d->n; k++) {
        if (!seen[k]) {
            rc = cm_error_set(err, CM_EINVAL, "%s: series '%s' has no lifetime", path, d->names[k]);
            goto cleanup;
        }
    }
cleanup:
    cm_free(seen);
    cm_table_destroy(&tb);
    return rc;
}

/* --initial-stock FILE: [series,]age,stock -> init_stock arrays (in *init): the stock at the
 * end of the year before the first, by age (0 = entered that year). Ages of a series must be
 * 0, 1, 2, ... without gaps (a missing age is an error naming it). */
static cm_error_t read_initial(const char *path, const dsm_in_t *d, cm_dsm_series_t *s,
                              double **init, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_table_t tb = CM_TABLE_NULL;
    size_t *count = NULL;
    cm_int_t cs, ca, cv;

    CM_TRY(cm_table_read(&tb, path, NULL, 1, err));
    cs = cm_table_col(&tb, "series");
    ca = cm_table_col(&tb, "age");
    cv = cm_table_col(&tb, "stock");
    if (ca < 0 || cv < 0 || (d->has_series && cs < 0)) {
        rc = cm_error_set_at(err, CM_EPARSE, path, 1, 0, "expected the columns %sage,stock",
                             d->has_series ? "series," : "");
        goto cleanup;
    }
    *init = cm_calloc(tb.nrows + 1, sizeof **init);
    count = cm_calloc(d->n + 1, sizeof *count);
    if (*init == NULL || count == NULL) {
        rc = cm_error_set(err, CM_ENOMEM, "out of memory");
        goto cleanup;
    }
    /* rows of one series are contiguous and in age order: each series points into *init */
    for (size_t r = 0; r < tb.nrows; r++) {
        const char *nm = cs >= 0 ? cm_table_cell(&tb, r, (size_t)cs) : "";
        long k = d->has_series ? find_series(d, nm) : 0;
        cm_int_t age;
        char *end = NULL;
        const char *vt = cm_table_cell(&tb, r, (size_t)cv);
        double v;
        if (k < 0) {
            rc = cm_error_set_at(err, CM_EPARSE, path, tb.line[r], (int64_t)cs + 1,
                                 "expected a series of the input, got '%s'", nm);
            goto cleanup;
        }
        if (!parse_year(cm_table_cell(&tb, r, (size_t)ca), &age) ||
            age != (cm_int_t)count[k]) {
            rc = cm_error_set_at(err, CM_EPARSE, path, tb.line[r], (int64_t)ca + 1,
                                 "expected age %zu (ages 0, 1, 2, ... in order), got '%s'",
                                 count[k], cm_table_cell(&tb, r, (size_t)ca));
            goto cleanup;
        }
        v = strtod(vt, &end);
        if (end == vt || *end != '\0' || !(v >= 0.0) || v > 1e300) {
            rc = cm_error_set_at(err, CM_EPARSE, path, tb.line[r], (int64_t)cv + 1,
                                 "expected a finite stock >= 0, got '%s'", vt);
            goto cleanup;
        }
        if (count[k] == 0) {
            if (s[k].init_stock != NULL) {
                rc = cm_error_set_at(err, CM_EPARSE, path, tb.line[r], 1,
                                     "the rows of series '%s' must be contiguous", nm);
                goto cleanup;
            }
            s[k].init_stock = *init + r;
        }
        (*init)[r] = v;
        count[k]++;
        s[k].n_init = count[k];
    }
cleanup:
    cm_free(count);
    cm_table_destroy(&tb);
    return rc;
}

/* --lifetimes-by-cohort FILE: [series,]t,<p0>[,<p1>] -> by_cohort arrays (in *params). */
static cm_error_t read_by_cohort(const char *path, const dsm_in_t *d, cm_dsm_series_t *s,
                                 int by_year, double **params, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_table_t tb = CM_TABLE_NULL;
    char *seen = NULL;
    size_t total = 0;
    cm_int_t cs, ct;

    CM_TRY(cm_table_read(&tb, path, NULL, 1, err));
    cs = cm_table_col(&tb, "series");
    ct = cm_table_col(&tb, "t");
    if (ct < 0 || (d->has_series && cs < 0)) {
        rc = cm_error_set_at(err, CM_EPARSE, path, 1, 0, "expected columns %st and the parameters",
                             d->has_series ? "series," : "");
        goto cleanup;
    }
    for (size_t k = 0; k < d->n; k++) {
        total += d->T[k];
    }
    *params = cm_calloc(2 * total, sizeof **params);
    seen = cm_calloc(total, 1);
    if (*params == NULL || seen == NULL) {
        rc = cm_error_set(err, CM_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t k = 0; k < d->n; k++) {
        s[k].lifetime.by_cohort = *params + 2 * d->off[k];
        s[k].lifetime.by_year = by_year;
    }
    for (size_t r = 0; r < tb.nrows; r++) {
        const char *nm = cs >= 0 ? cm_table_cell(&tb, r, (size_t)cs) : "";
        long k = d->has_series ? find_series(d, nm) : 0;
        const char *pn[2];
        double p[2] = {0, 0};
        cm_int_t year, c;
        int moments = 0;
        if (k < 0) {
            continue;
        }
        if (!parse_year(cm_table_cell(&tb, r, (size_t)ct), &year)) {
            rc = cm_error_set_at(err, CM_EPARSE, path, tb.line[r], 0,
                                 "expected an integer year t, got '%s'",
                                 cm_table_cell(&tb, r, (size_t)ct));
            goto cleanup;
        }
        c = year - d->t0[k];
        if (c < 0 || (size_t)c >= d->T[k]) {
            continue; /* a cohort outside the modelled years */
        }
        cm_dsm_param_names(s[k].lifetime.dist, pn);
        if (s[k].lifetime.dist == CM_DSM_WEIBULL && cm_table_col(&tb, "shape") < 0) {
            pn[0] = "mean";
            pn[1] = "sd";
            moments = 1;
        }
        for (int q = 0; q < 2; q++) {
            cm_int_t col;
            const char *cell;
            if (pn[q] == NULL) {
                continue;
            }
            col = cm_table_col(&tb, pn[q]);
            if (col < 0) {
                rc = cm_error_set_at(err, CM_EPARSE, path, 1, 0, "expected a column '%s'", pn[q]);
                goto cleanup;
            }
            cell = cm_table_cell(&tb, r, (size_t)col);
            if (!cm_cli_parse_real(cell, &p[q])) {
                rc = cm_error_set_at(err, CM_EPARSE, path, tb.line[r], 0,
                                     "expected a number for %s, got '%s'", pn[q], cell);
                goto cleanup;
            }
        }
        if (moments) {
            rc = cm_dsm_weibull_from_moments(p[0], p[1], &p[0], &p[1], err);
            if (rc != CM_OK) {
                cm_error_prefix(err, "%s:%lld", path, (long long)tb.line[r]);
                goto cleanup;
            }
        }
        (*params)[2 * (d->off[k] + (size_t)c)] = p[0];
        (*params)[2 * (d->off[k] + (size_t)c) + 1] = p[1];
        seen[d->off[k] + (size_t)c] = 1;
    }
    for (size_t k = 0; k < d->n; k++) {
        for (size_t c = 0; c < d->T[k]; c++) {
            if (!seen[d->off[k] + c]) {
                rc = cm_error_set(err, CM_EINVAL, "%s: %s%s%s%s %lld has no lifetime", path,
                                  d->has_series ? "series '" : "", d->names[k],
                                  d->has_series ? "', " : "", by_year ? "year" : "cohort",
                                  (long long)(d->t0[k] + (cm_int_t)c));
                goto cleanup;
            }
        }
    }
cleanup:
    cm_free(seen);
    cm_table_destroy(&tb);
    return rc;
}

static cm_error_t write_series(const char *dir, const dsm_in_t *d, const cm_dsm_batch_t *b,
                               cm_error_info_t *err)
{
    cm_error_t rc;
    cm_csv_writer_t *w = NULL;
    char path[4096], nb[5][32], yb[32];
    const char *hdr[] = {"series", "t", "inflow", "stock", "outflow", "stock_change"};
    size_t off = d->has_series ? 0 : 1;

    snprintf(path, sizeof path, "%s/series.csv", dir);
    rc = cm_csv_writer_open(path, ',', &w, err);
    if (rc != CM_OK) {
        return rc;
    }
    rc = cm_csv_write_row(w, 6 - off, hdr + off, err);
    for (size_t k = 0; k < d->n && rc == CM_OK; k++) {
        const cm_dsm_result_t *r = &b->results[k];
        for (size_t t = 0; t < r->T && rc == CM_OK; t++) {
            const char *f[6];
            snprintf(yb, sizeof yb, "%lld", (long long)(d->t0[k] + (cm_int_t)t));
            f[0] = d->names[k];
            f[1] = yb;
            f[2] = cm_cli_num(r->inflow[t], nb[0]);
            f[3] = cm_cli_num(r->stock[t], nb[1]);
            f[4] = cm_cli_num(r->outflow[t], nb[2]);
            f[5] = cm_cli_num(r->stock_change[t], nb[3]);
            rc = cm_csv_write_row(w, 6 - off, f + off, err);
        }
    }
    return cm_cli_csv_close(w, rc, err);
}

/* One cohort table: row t, one column per cohort (named by its year). */
static cm_error_t write_cohorts(const char *path, cm_int_t t0, size_t T, const double *tab,
                                cm_error_info_t *err)
{
    cm_error_t rc;
    cm_csv_writer_t *w = NULL;
    const char **f = NULL;
    char *buf = NULL;

    rc = cm_csv_writer_open(path, ',', &w, err);
    if (rc != CM_OK) {
        return rc;
    }
    f = cm_calloc(T + 1, sizeof *f);
    buf = cm_calloc(T + 1, 32);
    if (f == NULL || buf == NULL) {
        rc = cm_error_set(err, CM_ENOMEM, "out of memory writing %s", path);
    }
    if (rc == CM_OK) {
        f[0] = "t";
        for (size_t c = 0; c < T; c++) {
            snprintf(buf + 32 * (c + 1), 32, "%lld", (long long)(t0 + (cm_int_t)c));
            f[c + 1] = buf + 32 * (c + 1);
        }
        rc = cm_csv_write_row(w, T + 1, f, err);
    }
    for (size_t t = 0; t < T && rc == CM_OK; t++) {
        snprintf(buf, 32, "%lld", (long long)(t0 + (cm_int_t)t));
        f[0] = buf;
        for (size_t c = 0; c < T; c++) {
            f[c + 1] = cm_cli_num(tab[t * T + c], buf + 32 * (c + 1));
        }
        rc = cm_csv_write_row(w, T + 1, f, err);
    }
    cm_free(f);
    cm_free(buf);
    return cm_cli_csv_close(w, rc, err);
}

static void safe_name(const char *in, char *out, size_t n)
{
    size_t k = 0;
    for (; in[k] != '\0' && k + 1 < n; k++) {
        char ch = in[k];
        int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                 ch == '-' || ch == '_' || ch == '.';
        out[k] = ok ? ch : '_';
    }
    out[k] = '\0';
}

static void dsm_usage(FILE *out, const char *sub)
{
    fprintf(
        out,
        "usage: cambium dsm %s --input FILE (--lifetime SPEC | --lifetimes FILE) --out DIR\n"
        "                      [--lifetimes-by-cohort FILE | --lifetimes-by-year FILE]\n"
        "                      [--initial-stock FILE] [--timing T] [--lognormal L]\n"
        "                      [--negative-inflow P] [--cohorts] [--timings]\n"
        "\n"
        "Dynamic stock model, %s-driven (docs/dsm.md; ODYM's DynamicStockModel).\n"
        "\n"
        "  --input FILE           CSV t,%s, or series,t,%s for several series (rows of a\n"
        "                         series contiguous, years consecutive)\n"
        "  --lifetime SPEC        normal:mean=20,sd=5 | normal_trunc:mean=,sd= |\n"
        "                         foldnorm:mean=,sd= | lognormal:mean=60,sd=25 |\n"
        "                         weibull:shape=2.5,scale=22 | weibull:mean=,sd= | fixed:mean=20\n"
        "  --lifetimes FILE       CSV series,spec: one SPEC per series\n"
        "  --lifetimes-by-cohort FILE  CSV [series,]t,<p0>,<p1>: the parameters of each cohort\n"
        "                         (names as in SPEC; the distribution from --lifetime(s))\n"
        "  --lifetimes-by-year FILE    the same by calendar year: year t's conditional\n"
        "                         survival applies to every cohort in the stock then\n"
        "                         (lifetime extension of existing cohorts)\n"
        "  --initial-stock FILE   CSV [series,]age,stock: the stock at the end of the year\n"
        "                         before the first, by age (0, 1, 2, ...), retired with the\n"
        "                         same lifetime (conditional survival)\n"
        "  --timing T             odym (default; sf at age a), start (a+1), middle (a+0.5),\n"
        "                         end (a), weee (outflow = density at a+0.5)\n"
        "  --lognormal L          moments (default, correct) or odym (ODYM's conversion)\n"
        "  --negative-inflow P    allow (default), correct (ODYM's) or error (stock-driven)\n"
        "  --out DIR              series.csv (t,inflow,stock,outflow,stock_change, with a\n"
        "                         series column for several series)\n"
        "  --cohorts              also stock_by_cohort.csv and outflow_by_cohort.csv\n"
        "                         (stock_by_cohort_<series>.csv ... for several series)\n"
        "  --timings              print 'timings: read X s, compute Y s, write Z s' on stderr\n"
        "  -h, --help             print this help\n"
        "\n"
        "Exit codes: 0 success, 1 bad input or I/O error, 2 usage error.\n",
        sub, sub, sub, sub);
}

static int dsm_model(int argc, char **argv, cm_dsm_driver_t driver)
{
    static const struct option longopts[] = {{"input", required_argument, NULL, 'i'},
                                             {"lifetime", required_argument, NULL, 'l'},
                                             {"lifetimes", required_argument, NULL, 'L'},
                                             {"lifetimes-by-cohort", required_argument, NULL, 'c'},
                                             {"lifetimes-by-year", required_argument, NULL, 'y'},
                                             {"initial-stock", required_argument, NULL, 'I'},
                                             {"timing", required_argument, NULL, 'T'},
                                             {"lognormal", required_argument, NULL, 'g'},
                                             {"negative-inflow", required_argument, NULL, 'n'},
                                             {"out", required_argument, NULL, 'o'},
                                             {"cohorts", no_argument, NULL, 'C'},
                                             {"timings", no_argument, NULL, 't'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *sub = driver == CM_DSM_STOCK_DRIVEN ? "stock" : "inflow";
    char verb[32];
    const char *input = NULL, *spec = NULL, *lt_file = NULL, *by_cohort = NULL, *out = NULL;
    int timings = 0, by_year = 0, c, status = CM_EXIT_OK;
    cm_dsm_options_t opt;
    cm_dsm_lifetime_t lt0;
    cm_error_info_t err;
    cm_error_t rc = CM_OK;
    cm_table_t tb = CM_TABLE_NULL;
    dsm_in_t d;
    cm_dsm_series_t *s = NULL;
    cm_dsm_batch_t b;
    double *params = NULL, *init = NULL, t0, t1, t2, t3;
    const char *init_file = NULL;

    memset(&d, 0, sizeof d);
    memset(&b, 0, sizeof b);
    memset(&lt0, 0, sizeof lt0);
    cm_error_clear(&err);
    snprintf(verb, sizeof verb, "dsm %s", sub);
    cm_dsm_options_default(&opt);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":ho:", longopts, NULL)) != -1) {
        switch (c) {
        case 'i':
            input = optarg;
            break;
        case 'l':
            spec = optarg;
            break;
        case 'L':
            lt_file = optarg;
            break;
        case 'c':
            by_cohort = optarg;
            by_year = 0;
            break;
        case 'I':
            init_file = optarg;
            break;
        case 'y':
            by_cohort = optarg;
            by_year = 1;
            break;
        case 'T':
            if (cm_dsm_timing_parse(optarg, &opt.timing, NULL) != CM_OK) {
                return cm_cli_usage_error(verb,
                                          "--timing: expected odym, start, middle, end or weee, "
                                          "got '%s'",
                                          optarg);
            }
            break;
        case 'g':
            if (strcmp(optarg, "moments") == 0) {
                opt.lognormal = CM_DSM_LOGNORMAL_MOMENTS;
            } else if (strcmp(optarg, "odym") == 0) {
                opt.lognormal = CM_DSM_LOGNORMAL_ODYM;
            } else {
                return cm_cli_usage_error(verb, "--lognormal: expected moments or odym, got '%s'",
                                          optarg);
            }
            break;
        case 'n':
            if (strcmp(optarg, "allow") == 0) {
                opt.negative = CM_DSM_NEGATIVE_ALLOW;
            } else if (strcmp(optarg, "correct") == 0) {
                opt.negative = CM_DSM_NEGATIVE_CORRECT;
            } else if (strcmp(optarg, "error") == 0) {
                opt.negative = CM_DSM_NEGATIVE_ERROR;
            } else {
                return cm_cli_usage_error(verb,
                                          "--negative-inflow: expected allow, correct or error, "
                                          "got '%s'",
                                          optarg);
            }
            break;
        case 'o':
            out = optarg;
            break;
        case 'C':
            opt.want_cohorts = 1;
            break;
        case 't':
            timings = 1;
            break;
        case 'h':
            dsm_usage(stdout, sub);
            return CM_EXIT_OK;
        default:
            return cm_cli_getopt_fail(verb, c, argv);
        }
    }
    if (optind < argc) {
        return cm_cli_usage_error(verb, "unexpected argument '%s'", argv[optind]);
    }
    if (input == NULL) {
        return cm_cli_usage_error(verb, "--input FILE is required");
    }
    if (out == NULL) {
        return cm_cli_usage_error(verb, "--out DIR is required");
    }
    if ((spec == NULL) == (lt_file == NULL)) {
        return cm_cli_usage_error(verb, "give exactly one of --lifetime SPEC and --lifetimes FILE");
    }
    if (spec != NULL) {
        rc = cm_dsm_lifetime_parse(spec, &lt0, &err);
        if (rc != CM_OK) {
            return cm_cli_usage_error(verb, "--lifetime: %s", err.message);
        }
    }

    t0 = now_s();
    CM_TRY(cm_table_read(&tb, input, NULL, 1, &err));
    CM_TRY(read_input(&tb, sub, &d, &err));
    s = cm_calloc(d.n, sizeof *s);
    if (s == NULL) {
        rc = cm_error_set(&err, CM_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t k = 0; k < d.n; k++) {
        s[k].name = d.has_series ? d.names[k] : input;
        s[k].t0 = d.t0[k];
        s[k].T = d.T[k];
        s[k].driver = driver;
        s[k].values = d.values + d.off[k];
        s[k].lifetime = lt0;
    }
    if (lt_file != NULL) {
        CM_TRY(read_lifetimes(lt_file, &d, s, &err));
    }
    if (by_cohort != NULL) {
        CM_TRY(read_by_cohort(by_cohort, &d, s, by_year, &params, &err));
    }
    if (init_file != NULL) {
        CM_TRY(read_initial(init_file, &d, s, &init, &err));
    }
    t1 = now_s();
    CM_TRY(cm_dsm_batch_run(s, d.n, &opt, &b, &err));
    t2 = now_s();
    CM_TRY(cm_cli_make_dir(out, &err));
    CM_TRY(write_series(out, &d, &b, &err));
    if (opt.want_cohorts) {
        for (size_t k = 0; k < d.n; k++) {
            char path[4096], nm[256], suffix[260] = "";
            if (d.has_series) {
                safe_name(d.names[k], nm, sizeof nm);
                snprintf(suffix, sizeof suffix, "_%s", nm);
            }
            snprintf(path, sizeof path, "%s/stock_by_cohort%s.csv", out, suffix);
            CM_TRY(write_cohorts(path, d.t0[k], d.T[k], b.results[k].stock_by_cohort, &err));
            snprintf(path, sizeof path, "%s/outflow_by_cohort%s.csv", out, suffix);
            CM_TRY(write_cohorts(path, d.t0[k], d.T[k], b.results[k].outflow_by_cohort, &err));
        }
    }
    t3 = now_s();
    {
        size_t neg = 0, nneg = 0;
        for (size_t k = 0; k < d.n; k++) {
            neg += b.results[k].negative_years;
            nneg += b.results[k].negative_years > 0;
        }
        printf("dsm %s: %zu series, %zu survival table%s, timing %s\n", sub, d.n, b.n_tables,
               b.n_tables == 1 ? "" : "s", cm_dsm_timing_name(opt.timing));
        if (driver == CM_DSM_STOCK_DRIVEN && neg > 0) {
            printf("negative inflows: %zu year%s in %zu series (%s)\n", neg, neg == 1 ? "" : "s",
                   nneg, opt.negative == CM_DSM_NEGATIVE_CORRECT ? "corrected" : "kept");
        }
        printf("worst mass balance: %.3g (series %s)\n", b.worst_balance,
               d.has_series ? d.names[b.worst_series] : input);
    }
    if (timings) {
        fprintf(stderr, "timings: read %.3f s, compute %.3f s, write %.3f s\n", t1 - t0, t2 - t1,
                t3 - t2);
    }
cleanup:
    if (rc != CM_OK) {
        status = cm_cli_fail(&err, rc);
    }
    cm_dsm_batch_destroy(&b);
    cm_free(params);
    cm_free(init);
    cm_free(s);
    dsm_in_destroy(&d);
    cm_table_destroy(&tb);
    return status;
}

static int dsm_inflow(int argc, char **argv)
{
    return dsm_model(argc, argv, CM_DSM_INFLOW_DRIVEN);
}

static int dsm_stock(int argc, char **argv)
{
    return dsm_model(argc, argv, CM_DSM_STOCK_DRIVEN);
}

static const cm_cli_sub_t dsm_subs[] = {
    {"inflow", "inflow-driven: stock and outflow from the inflow", dsm_inflow},
    {"stock", "stock-driven: inflow and outflow from the stock", dsm_stock},
    {NULL, NULL, NULL}};

static int dsm_run(int argc, char **argv)
{
    return cm_cli_dispatch("dsm", "Dynamic stock models, ODYM-compatible (docs/dsm.md).",
                           dsm_subs, argc, argv);
}

const cm_cli_verb_t cm_cli_verb_dsm = {"dsm", "dynamic stock models (ODYM-compatible)", dsm_run};

/* cambium mfa: economy-wide material flow accounts (docs/mfa.md): indicators by year and
 * material category (CSV, JSON, SVG), the identity check and the revisions between releases. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void indicators_usage(FILE *out)
{
    fprintf(out,
            "usage: cambium mfa indicators --geo GEO [--compare GEO] [--from Y] [--to Y]\n"
            "                              --out DIR [--store DB]\n"
            "\n"
            "EW-MFA indicators by year and material category from the newest release of each\n"
            "imported series: DE, IMP, EXP, DMI, DMC, PTB, RMI, RMC, RTB (t), CMU_RATE (%%),\n"
            "IMPORT_DEPENDENCY, SELF_SUFFICIENCY, NET_IMPORT_RELIANCE (1), RESOURCE_PRODUCTIVITY\n"
            "(EUR/kg). Writes DIR/indicators.csv, DIR/indicators.json and DIR/dmc.svg (DMC of GEO\n"
            "and the comparison country over time).\n"
            "\n"
            "options:\n"
            "  --geo GEO       country (ISO2 as Eurostat, ISO3 or name) or aggregate code\n"
            "  --compare GEO   a second country shown beside the first\n"
            "  --from Y, --to Y  years to keep\n"
            "  --out DIR       output directory (created)\n"
            "  --store DB      the store (default $CAMBIUM_STORE or cambium.db)\n");
}

static void check_usage(FILE *out)
{
    fprintf(out,
            "usage: cambium mfa check [--geo GEO] [--store DB] [--rtol R] [--atol T]\n"
            "\n"
            "Check the EW-MFA identities (DMI = DE + IMP, DMC = DMI - EXP, PTB = IMP - EXP, the\n"
            "RME ones, and totals = sum of categories) in every imported release. Lists each\n"
            "violation with release, series, category and year; exit 1 when there is any.\n"
            "Tolerance: |lhs - rhs| <= atol + rtol * max|term| (defaults 5 t and 1e-6).\n");
}

static void revisions_usage(FILE *out)
{
    fprintf(out,
            "usage: cambium mfa revisions [--geo GEO] [--store DB]\n"
            "\n"
            "List, per series and year, what changed between consecutive releases (value and\n"
            "flag): 'old value/flag -> new value/flag'. Releases are ordered by their version\n"
            "when it is an ISO date (give one with 'cambium import --version'), else by import\n"
            "time.\n");
}

typedef struct mfa_opts_t {
    const char *store, *geo, *compare, *out;
    int from, to;
    double rtol, atol;
} mfa_opts_t;

static int parse_opts(const char *verb, void (*usage)(FILE *), int argc, char **argv, mfa_opts_t *o)
{
    static const struct option longopts[] = {
        {"store", required_argument, NULL, 's'},   {"geo", required_argument, NULL, 'g'},
        {"compare", required_argument, NULL, 'c'}, {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 't'},      {"out", required_argument, NULL, 'o'},
        {"rtol", required_argument, NULL, 'r'},    {"atol", required_argument, NULL, 'a'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    int c;
    memset(o, 0, sizeof *o);
    o->rtol = -1;
    o->atol = -1;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 's':
            o->store = optarg;
            break;
        case 'g':
            o->geo = optarg;
            break;
        case 'c':
            o->compare = optarg;
            break;
        case 'o':
            o->out = optarg;
            break;
        case 'f':
        case 't':
            if (!cm_cli_parse_int(optarg, 1900, 2200, c == 'f' ? &o->from : &o->to)) {
                return cm_cli_usage_error(verb, "--%s: expected a year, got '%s'",
                                          c == 'f' ? "from" : "to", optarg);
            }
            break;
        case 'r':
        case 'a':
            if (!cm_cli_parse_real(optarg, c == 'r' ? &o->rtol : &o->atol) ||
                (c == 'r' ? o->rtol : o->atol) < 0) {
                return cm_cli_usage_error(verb, "--%s: expected a number >= 0, got '%s'",
                                          c == 'r' ? "rtol" : "atol", optarg);
            }
            break;
        case 'h':
            usage(stdout);
            return -1;
        default:
            return cm_cli_getopt_fail(verb, c, argv);
        }
    }
    if (optind != argc) {
        return cm_cli_usage_error(verb, "unexpected argument '%s'", argv[optind]);
    }
    if (o->from > 0 && o->to > 0 && o->from > o->to) {
        return cm_cli_usage_error(verb, "--from %d is after --to %d", o->from, o->to);
    }
    return CM_EXIT_OK;
}

static const char *fmt_num(double v, char *buf)
{
    if (!isfinite(v)) {
        snprintf(buf, 32, "-");
        return buf;
    }
    return cm_cli_num(v, buf); /* shortest text that reads back to the same double */
}

/* --- indicators -------------------------------------------------------------------------- */

static cm_error_t write_csv(const char *path, const cm_mfa_table_t *t, cm_error_info_t *err)
{
    cm_csv_writer_t *w = NULL;
    static const char *const head[] = {"region", "year",  "material", "indicator", "value",
                                       "unit",   "basis", "flag",     "dataset"};
    cm_error_t rc = cm_csv_writer_open(path, ',', &w, err);
    if (rc == CM_OK) {
        rc = cm_csv_write_row(w, 9, head, err);
    }
    for (size_t i = 0; rc == CM_OK && i < t->n; i++) {
        const cm_mfa_value_t *v = &t->items[i];
        char y[16], val[32], ds[24];
        const char *f[9];
        snprintf(y, sizeof y, "%d", v->year);
        snprintf(ds, sizeof ds, "%lld", (long long)v->dataset_id);
        f[0] = v->region;
        f[1] = y;
        f[2] = v->material;
        f[3] = v->indicator;
        f[4] = cm_cli_num(v->value, val);
        f[5] = v->unit;
        f[6] = v->derived ? "derived" : "published";
        f[7] = v->flag;
        f[8] = v->derived ? "" : ds;
        rc = cm_csv_write_row(w, 9, f, err);
    }
    return w != NULL ? cm_cli_csv_close(w, rc, err) : rc;
}

static cm_error_t write_json(const char *path, const char *geo, const char *compare,
                             const cm_mfa_table_t *t, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    json_t *root = json_object(), *vals = json_array();
    int bad = root == NULL || vals == NULL;
    cm_json_init();
    if (bad) {
        json_decref(vals);
    } else {
        bad = cm_cli_jset(root, "values", vals) || cm_cli_jset(root, "geo", json_string(geo)) ||
              cm_cli_jset(root, "compare", compare != NULL ? json_string(compare) : json_null());
    }
    for (size_t i = 0; i < t->n && !bad; i++) {
        const cm_mfa_value_t *v = &t->items[i];
        json_t *o = json_object();
        if (o == NULL || json_array_append_new(vals, o) != 0) {
            json_decref(o);
            bad = 1;
            break;
        }
        bad = cm_cli_jset(o, "region", json_string(v->region)) ||
              cm_cli_jset(o, "year", json_integer(v->year)) ||
              cm_cli_jset(o, "material", json_string(v->material)) ||
              cm_cli_jset(o, "indicator", json_string(v->indicator)) ||
              cm_cli_jset(o, "value", cm_cli_jnum(v->value)) ||
              cm_cli_jset(o, "unit", json_string(v->unit)) ||
              cm_cli_jset(o, "derived", json_boolean(v->derived)) ||
              cm_cli_jset(o, "flag", v->flag[0] != '\0' ? json_string(v->flag) : json_null()) ||
              cm_cli_jset(o, "dataset",
                          v->derived ? json_null() : json_integer((json_int_t)v->dataset_id));
    }
    if (bad) {
        rc = cm_error_set(err, CM_ENOMEM, "out of memory building %s", path);
    } else {
        rc = cm_json_write_file(path, root, 0, err);
    }
    json_decref(root);
    return rc;
}

/* DMC lines: material TOTAL when a region has it, else one line per material (Mt). */
static cm_error_t add_dmc_lines(cm_svg_t *fig, const cm_mfa_table_t *t, const char *region,
                                size_t *nlines, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    int has_total = 0;
    double *x = cm_malloc_array(t->n > 0 ? t->n : 1, sizeof *x);
    double *y = cm_malloc_array(t->n > 0 ? t->n : 1, sizeof *y);
    if (x == NULL || y == NULL) {
        rc = cm_error_set(err, CM_ENOMEM, "out of memory drawing DMC");
    }
    for (size_t i = 0; rc == CM_OK && i < t->n; i++) {
        has_total |= strcmp(t->items[i].region, region) == 0 &&
                     strcmp(t->items[i].indicator, "DMC") == 0 &&
                     strcmp(t->items[i].material, "TOTAL") == 0;
    }
    /* materials in the order first met */
    for (size_t i = 0; rc == CM_OK && i < t->n; i++) {
        const cm_mfa_value_t *v = &t->items[i];
        size_t m = 0;
        int seen = 0;
        char name[160];
        if (strcmp(v->region, region) != 0 || strcmp(v->indicator, "DMC") != 0 ||
            (has_total && strcmp(v->material, "TOTAL") != 0)) {
            continue;
        }
        for (size_t j = 0; j < i && !seen; j++) {
            seen = strcmp(t->items[j].region, region) == 0 &&
                   strcmp(t->items[j].indicator, "DMC") == 0 &&
                   strcmp(t->items[j].material, v->material) == 0;
        }
        if (seen) {
            continue;
        }
        for (size_t j = i; j < t->n; j++) {
            const cm_mfa_value_t *u = &t->items[j];
            if (strcmp(u->region, region) == 0 && strcmp(u->indicator, "DMC") == 0 &&
                strcmp(u->material, v->material) == 0) {
                x[m] = u->year;
                y[m++] = u->value / 1e6;
            }
        }
        snprintf(name, sizeof name, "%s %s", region, v->material);
        rc = cm_svg_add_line(fig, name, x, m, y, m, err);
        (*nlines)++;
    }
    cm_free(x);
    cm_free(y);
    return rc;
}

/* Print the latest value of indicator for region, for each material (material NULL) or for
 * that material only: "  BEL 2022 DMC TOTAL: 260000 t (p)". */
static void print_latest(const cm_mfa_table_t *tab, const char *region, const char *indicator,
                         const char *material)
{
    for (size_t i = 0; i < tab->n; i++) {
        const cm_mfa_value_t *v = &tab->items[i];
        char b[32];
        int last = 1;
        if (strcmp(v->region, region) != 0 || strcmp(v->indicator, indicator) != 0 ||
            (material != NULL && strcmp(v->material, material) != 0)) {
            continue;
        }
        for (size_t j = i + 1; j < tab->n && last; j++) {
            last = !(strcmp(tab->items[j].region, region) == 0 &&
                     strcmp(tab->items[j].indicator, indicator) == 0 &&
                     strcmp(tab->items[j].material, v->material) == 0);
        }
        if (last) {
            printf("  %s %d %s %s: %s%s%s%s%s%s\n", v->region, v->year, indicator, v->material,
                   fmt_num(v->value, b), strcmp(v->unit, "1") != 0 ? " " : "",
                   strcmp(v->unit, "1") != 0 ? v->unit : "", v->flag[0] != '\0' ? " (" : "",
                   v->flag, v->flag[0] != '\0' ? ")" : "");
        }
    }
}

static int mfa_indicators(int argc, char **argv)
{
    const char *verb = "mfa indicators";
    mfa_opts_t o;
    cm_error_info_t err;
    cm_store_t *st = NULL;
    cm_mfa_data_t data;
    cm_mfa_table_t tab;
    cm_svg_t *fig = NULL;
    char path[4096];
    char region[2][32];
    size_t nlines = 0, nderived = 0;
    int status = parse_opts(verb, indicators_usage, argc, argv, &o);
    if (status != CM_EXIT_OK) {
        return status < 0 ? CM_EXIT_OK : status;
    }
    if (o.geo == NULL) {
        return cm_cli_usage_error(verb, "--geo is required");
    }
    if (o.out == NULL) {
        return cm_cli_usage_error(verb, "--out is required");
    }
    memset(&err, 0, sizeof err);
    memset(&data, 0, sizeof data);
    memset(&tab, 0, sizeof tab);
    region[0][0] = region[1][0] = '\0';
    cm_error_t rc = cm_store_open(cm_cli_store_path(o.store), CM_STORE_READONLY, &st, &err);
    for (int k = 0; k < 2 && rc == CM_OK; k++) {
        const char *g = k == 0 ? o.geo : o.compare;
        cm_mfa_data_t one;
        memset(&one, 0, sizeof one);
        if (g == NULL) {
            continue;
        }
        rc = cm_mfa_load(st, g, &one, &err);
        if (rc == CM_OK && one.n == 0) {
            rc = cm_error_set(&err, CM_ENOTFOUND,
                              "no EW-MFA observations for '%s' in the store (import Eurostat "
                              "env_ac_mfa/env_ac_cur or UNEP-IRP files first)",
                              g);
        }
        if (rc == CM_OK) {
            snprintf(region[k], sizeof region[k], "%s", one.items[0].region);
        }
        for (size_t i = 0; rc == CM_OK && i < one.n; i++) {
            rc = cm_mfa_data_add(&data, &one.items[i], &err);
        }
        cm_mfa_data_destroy(&one);
    }
    if (rc == CM_OK) {
        rc = cm_mfa_indicators(&data, o.from, o.to, &tab, &err);
    }
    if (rc == CM_OK && tab.n == 0) {
        rc = cm_error_set(&err, CM_ENOTFOUND, "no indicator values for '%s' in %d-%d", o.geo,
                          o.from, o.to);
    }
    if (rc == CM_OK) {
        rc = cm_cli_make_dir(o.out, &err);
    }
    if (rc == CM_OK) {
        snprintf(path, sizeof path, "%s/indicators.csv", o.out);
        rc = write_csv(path, &tab, &err);
    }
    if (rc == CM_OK) {
        snprintf(path, sizeof path, "%s/indicators.json", o.out);
        rc = write_json(path, region[0], region[1][0] != '\0' ? region[1] : NULL, &tab, &err);
    }
    if (rc == CM_OK) {
        rc = cm_svg_create(900, 560, &fig, &err);
    }
    if (rc == CM_OK) {
        rc = cm_svg_set_labels(fig, "Domestic material consumption (EW-MFA)", "Year", "DMC (Mt)",
                               &err);
    }
    for (int k = 0; k < 2 && rc == CM_OK; k++) {
        if (region[k][0] != '\0') {
            rc = add_dmc_lines(fig, &tab, region[k], &nlines, &err);
        }
    }
    if (rc == CM_OK && nlines > 0) {
        snprintf(path, sizeof path, "%s/dmc.svg", o.out);
        rc = cm_svg_write(fig, path, &err);
    }
    if (rc == CM_OK) {
        int y0 = tab.items[0].year, y1 = tab.items[0].year;
        for (size_t i = 0; i < tab.n; i++) {
            y0 = tab.items[i].year < y0 ? tab.items[i].year : y0;
            y1 = tab.items[i].year > y1 ? tab.items[i].year : y1;
            nderived += (size_t)tab.items[i].derived;
        }
        printf("mfa indicators %s%s%s, %d-%d: %zu values (%zu published, %zu derived)\n", region[0],
               region[1][0] != '\0' ? " vs " : "", region[1], y0, y1, tab.n, tab.n - nderived,
               nderived);
        for (int k = 0; k < 2; k++) {
            /* per country: the latest DMC of each material, then the latest headline figures of
             * the total (RMC, circular material use rate, import dependency, productivity) */
            static const char *const heads[] = {"DMC", "RMC", "CMU_RATE", "IMPORT_DEPENDENCY",
                                                "RESOURCE_PRODUCTIVITY"};
            for (size_t h = 0; region[k][0] != '\0' && h < sizeof heads / sizeof heads[0]; h++) {
                print_latest(&tab, region[k], heads[h], h == 0 ? NULL : "TOTAL");
            }
        }
        printf("wrote %s/indicators.csv, %s/indicators.json%s%s%s\n", o.out, o.out,
               nlines > 0 ? ", " : "", nlines > 0 ? o.out : "", nlines > 0 ? "/dmc.svg" : "");
    }
    cm_svg_free(fig);
    cm_mfa_table_destroy(&tab);
    cm_mfa_data_destroy(&data);
    cm_store_close(st);
    return rc == CM_OK ? CM_EXIT_OK : cm_cli_fail(&err, rc);
}

/* Open the store read-only and load the MFA series of o->geo (all countries when NULL); data is
 * zeroed first, so the caller destroys it and closes *st whatever the result. */
static cm_error_t open_and_load(const mfa_opts_t *o, cm_store_t **st, cm_mfa_data_t *data,
                                cm_error_info_t *err)
{
    memset(data, 0, sizeof *data);
    cm_error_t rc = cm_store_open(cm_cli_store_path(o->store), CM_STORE_READONLY, st, err);
    if (rc == CM_OK) {
        rc = cm_mfa_load(*st, o->geo, data, err);
    }
    return rc;
}

/* --- check ------------------------------------------------------------------------------- */

static int mfa_check(int argc, char **argv)
{
    const char *verb = "mfa check";
    mfa_opts_t o;
    cm_error_info_t err;
    cm_store_t *st = NULL;
    cm_mfa_data_t data;
    cm_mfa_violations_t v;
    int status = parse_opts(verb, check_usage, argc, argv, &o);
    if (status != CM_EXIT_OK) {
        return status < 0 ? CM_EXIT_OK : status;
    }
    memset(&err, 0, sizeof err);
    memset(&v, 0, sizeof v);
    cm_error_t rc = open_and_load(&o, &st, &data, &err);
    if (rc == CM_OK) {
        rc = cm_mfa_check(&data, o.rtol, o.atol, &v, &err);
    }
    if (rc == CM_OK) {
        for (size_t i = 0; i < v.n; i++) {
            const cm_mfa_violation_t *x = &v.items[i];
            char a[32], b[32], d[32];
            printf("violation: dataset %lld line %lld: %s %s %s %d: %s: %s t vs %s t "
                   "(difference %s t)\n",
                   (long long)x->dataset_id, (long long)x->line, x->region, x->series, x->material,
                   x->year, x->identity, fmt_num(x->lhs, a), fmt_num(x->rhs, b),
                   fmt_num(x->diff, d));
        }
        printf("mfa check: %zu identities checked on %zu observations, %zu violation(s) "
               "(tolerance %.3g t + %.3g x largest term)\n",
               v.checked, data.n, v.n, o.atol < 0 ? CM_MFA_ATOL_DEFAULT : o.atol,
               o.rtol < 0 ? CM_MFA_RTOL_DEFAULT : o.rtol);
        status = v.n > 0 ? CM_EXIT_WORK : CM_EXIT_OK;
    }
    cm_mfa_violations_destroy(&v);
    cm_mfa_data_destroy(&data);
    cm_store_close(st);
    return rc == CM_OK ? status : cm_cli_fail(&err, rc);
}

/* --- revisions --------------------------------------------------------------------------- */

static const char *show(int has, double v, const char *flag, char *buf)
{
    char n[32];
    snprintf(buf, 48, "%s%s%s", has ? fmt_num(v, n) : ":", flag[0] != '\0' ? " " : "", flag);
    return buf;
}

static int mfa_revisions(int argc, char **argv)
{
    const char *verb = "mfa revisions";
    mfa_opts_t o;
    cm_error_info_t err;
    cm_store_t *st = NULL;
    cm_mfa_data_t data;
    cm_mfa_revisions_t r;
    int status = parse_opts(verb, revisions_usage, argc, argv, &o);
    if (status != CM_EXIT_OK) {
        return status < 0 ? CM_EXIT_OK : status;
    }
    memset(&err, 0, sizeof err);
    memset(&r, 0, sizeof r);
    cm_error_t rc = open_and_load(&o, &st, &data, &err);
    if (rc == CM_OK) {
        rc = cm_mfa_revisions(&data, &r, &err);
    }
    if (rc == CM_OK) {
        int64_t po = -1, pn = -1;
        char last[256] = "";
        for (size_t i = 0; i < r.n; i++) {
            const cm_mfa_revision_t *x = &r.items[i];
            char key[256], a[48], b[48];
            snprintf(key, sizeof key, "%s %s %s %s (%s)", x->region, x->series, x->indicator,
                     x->material, x->unit);
            if (strcmp(key, last) != 0 || po != x->old_dataset || pn != x->new_dataset) {
                printf("%s: dataset %lld (%s) -> dataset %lld (%s)\n", key,
                       (long long)x->old_dataset, x->old_version[0] ? x->old_version : "undated",
                       (long long)x->new_dataset, x->new_version[0] ? x->new_version : "undated");
                snprintf(last, sizeof last, "%s", key);
                po = x->old_dataset;
                pn = x->new_dataset;
            }
            printf("  %d: %s -> %s\n", x->year, show(x->old_has, x->old_value, x->old_flag, a),
                   show(x->new_has, x->new_value, x->new_flag, b));
        }
        printf("mfa revisions: %zu revised figure(s)\n", r.n);
    }
    cm_mfa_revisions_destroy(&r);
    cm_mfa_data_destroy(&data);
    cm_store_close(st);
    return rc == CM_OK ? CM_EXIT_OK : cm_cli_fail(&err, rc);
}

static int mfa_run(int argc, char **argv)
{
    static const cm_cli_sub_t subs[] = {
        {"indicators", "indicators by year and MF category (CSV, JSON, SVG)", mfa_indicators},
        {"check", "list identity violations (exit 1 when any)", mfa_check},
        {"revisions", "what changed between releases of a series", mfa_revisions},
        {NULL, NULL, NULL},
    };
    return cm_cli_dispatch("mfa",
                           "Economy-wide material flow accounts: indicators, identities and\n"
                           "revisions (docs/mfa.md).",
                           subs, argc, argv);
}

const cm_cli_verb_t cm_cli_verb_mfa = {"mfa", "EW-MFA indicators, identities and revisions",
                                       mfa_run};

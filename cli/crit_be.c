/* cambium crit be: the Belgian variant of the EU criticality method beside the EU list
 * (docs/crit-belgium.md). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "cli.h"

static void be_usage(FILE *out)
{
    fprintf(out,
            "usage: cambium crit be [--store DB] [--out DIR] [--year Y] [--basis B]\n"
            "                       [--codes FILE] [--split] [--renormalise]\n"
            "                       [--wgi-fallback V] [--wgi-year Y] [--va-max MEUR]\n"
            "\n"
            "Belgian variant of the EU criticality method: Belgian sourcing (production plus\n"
            "imports by partner), Belgian import reliance and Belgian sector value added, the\n"
            "EU's other terms. Prints the Belgian list beside the EU list, the terms that\n"
            "moved each material changing class, and every EU value used for a missing\n"
            "Belgian one. Needs the EU inputs, the WGI, Belgian trade flows (baci, comext or\n"
            "comtrade) and the OECD IOT of Belgium (iot-oecd) in the store.\n"
            "\n"
            "options:\n"
            "  --store DB          the store (default $CAMBIUM_STORE or cambium.db)\n"
            "  --year Y            trade year (default: the latest with Belgian imports)\n"
            "  --basis B           auto (mass where quantities exist, else value), mass, value\n"
            "  --codes FILE        trade code -> material x stage table (default: the\n"
            "                      built-in data/crit/hs6-materials.csv)\n"
            "  --split             split combined IOT industries (D10T12) equally over their\n"
            "                      NACE divisions (default: keep them together)\n"
            "  --renormalise       divide shares of each stage and scope by their sum\n"
            "  --wgi-fallback V    scaled WGI (0-10) for countries missing from the WGI\n"
            "                      (default: such a country is an error naming it)\n"
            "  --wgi-year Y        WGI year (default %d)\n"
            "  --va-max MEUR       Belgian EI scaling denominator (default: the largest\n"
            "                      Belgian 2-digit manufacturing sector, from the IOT)\n"
            "  --out DIR           write be_results.csv, be_substitutions.csv,\n"
            "                      be_results.json and be_sr_ei.svg to DIR (atomic writes)\n"
            "  -h, --help          print this help\n"
            "\n"
            "Exit codes: 0 success, 1 missing data, a country without WGI, I/O error,\n"
            "2 usage error.\n",
            CM_CRIT_EU_WGI_YEAR);
}

typedef struct be_run_t {
    cm_crit_inputs_t eu, be;
    cm_crit_results_t eu_res, be_res;
    cm_crit_be_report_t rep;
    cm_crit_be_changes_t ch;
    cm_crit_options_t opt, opt_be;
    cm_crit_be_options_t bo;
} be_run_t;

static const char *class_change(const cm_crit_be_change_t *c)
{
    if (c->undetermined_eu || c->undetermined_be) {
        return "undetermined";
    }
    return c->critical_eu == c->critical_be ? ""
           : c->critical_be                 ? "becomes critical"
                                            : "no longer critical";
}

/* "yes", "" or "?" (undetermined) for the printed table. */
static const char *class_mark(int critical, int undetermined)
{
    return undetermined ? "?" : critical ? "yes" : "";
}

static cm_error_t write_csv(const char *path, const be_run_t *r, cm_error_info_t *err)
{
    cm_csv_writer_t *w = NULL;
    cm_error_t rc = cm_csv_writer_open(path, ',', &w, err);
    if (rc != CM_OK) {
        return rc;
    }
    static const char *const head[] = {"material",
                                       "sr_eu",
                                       "ei_eu",
                                       "critical_eu",
                                       "sr_be",
                                       "ei_be",
                                       "critical_be",
                                       "change",
                                       "basis_extraction",
                                       "basis_processing",
                                       "ir_be_extraction",
                                       "ir_be_processing",
                                       "explanation"};
    rc = cm_csv_write_row(w, sizeof head / sizeof head[0], head, err);
    for (size_t i = 0; i < r->eu.n && rc == CM_OK; i++) {
        const cm_crit_result_t *e = &r->eu_res.items[i], *b = &r->be_res.items[i];
        const cm_crit_be_change_t *c = &r->ch.items[i];
        char x[6][32];
        const char *change = class_change(c);
        const char *row[] = {r->eu.materials[i].code,
                             cm_cli_num(e->sr, x[0]),
                             cm_cli_num(e->ei, x[1]),
                             c->undetermined_eu ? "NA" : e->critical ? "1" : "0",
                             cm_cli_num(b->sr, x[2]),
                             cm_cli_num(b->ei, x[3]),
                             c->undetermined_be ? "NA" : b->critical ? "1" : "0",
                             change,
                             cm_crit_be_basis_name(r->rep.stages[i][0].basis),
                             cm_crit_be_basis_name(r->rep.stages[i][1].basis),
                             cm_cli_num(r->rep.stages[i][0].ir, x[4]),
                             cm_cli_num(r->rep.stages[i][1].ir, x[5]),
                             c->explanation != NULL ? c->explanation : ""};
        rc = cm_csv_write_row(w, sizeof row / sizeof row[0], row, err);
    }
    return cm_cli_csv_close(w, rc, err);
}

static cm_error_t write_subst_csv(const char *path, const be_run_t *r, cm_error_info_t *err)
{
    cm_csv_writer_t *w = NULL;
    cm_error_t rc = cm_csv_writer_open(path, ',', &w, err);
    if (rc != CM_OK) {
        return rc;
    }
    static const char *const head[] = {"material", "term", "stage", "value_used", "reason"};
    rc = cm_csv_write_row(w, 5, head, err);
    for (size_t i = 0; i < r->rep.n_subst && rc == CM_OK; i++) {
        const cm_crit_be_subst_t *s = &r->rep.subst[i];
        char x[32];
        const char *row[] = {s->material, s->term,
                             s->stage >= 0 ? cm_crit_stage_name(s->stage) : "",
                             cm_cli_num(s->value, x), s->reason};
        rc = cm_csv_write_row(w, 5, row, err);
    }
    return cm_cli_csv_close(w, rc, err);
}

static cm_error_t write_json(const char *path, const be_run_t *r, cm_error_info_t *err)
{
    cm_json_init();
    json_t *root = json_object(), *arr = json_array(), *subs = json_array();
    int bad = root == NULL || arr == NULL || subs == NULL;
    if (bad) {
        json_decref(arr);
        json_decref(subs);
    } else {
        bad = cm_cli_jset(root, "materials", arr) || cm_cli_jset(root, "substitutions", subs) ||
              cm_cli_jset(root, "year", json_integer(r->rep.year)) ||
              cm_cli_jset(root, "va_max_meur", cm_cli_jnum(r->rep.va_max)) ||
              cm_cli_jset(root, "va_max_sector", json_string(r->rep.va_max_sector)) ||
              cm_cli_jset(root, "changed", json_integer((json_int_t)r->ch.n_changed));
    }
    json_t *o = bad ? NULL : json_object();
    if (o == NULL || cm_cli_jset(root, "options", o) ||
        cm_cli_jset(o, "basis", json_string(cm_crit_be_basis_name(r->bo.basis))) ||
        cm_cli_jset(o, "split", json_boolean(r->bo.split == CM_NACE_SPLIT_EQUALLY)) ||
        cm_cli_jset(o, "renormalise", json_boolean(r->opt.renormalise)) ||
        cm_cli_jset(o, "wgi_year", json_integer(r->opt.wgi_year)) ||
        cm_cli_jset(o, "wgi_fallback",
                    r->opt.wgi_missing == CM_CRIT_WGI_FALLBACK ? json_real(r->opt.wgi_fallback)
                                                               : json_null()) ||
        cm_cli_jset(o, "sr_threshold", json_real(r->opt.sr_threshold)) ||
        cm_cli_jset(o, "ei_threshold", json_real(r->opt.ei_threshold))) {
        bad = 1;
    }
    for (size_t i = 0; i < r->eu.n && !bad; i++) {
        const cm_crit_result_t *e = &r->eu_res.items[i], *b = &r->be_res.items[i];
        const cm_crit_be_change_t *c = &r->ch.items[i];
        json_t *mo = json_object(), *st = json_array();
        if (mo == NULL || st == NULL || json_array_append_new(arr, mo) != 0) {
            json_decref(st);
            bad = 1;
            break;
        }
        bad = cm_cli_jset(mo, "stages", st) ||
              cm_cli_jset(mo, "material", json_string(r->eu.materials[i].code)) ||
              cm_cli_jset(mo, "sr_eu", cm_cli_jnum(e->sr)) ||
              cm_cli_jset(mo, "ei_eu", cm_cli_jnum(e->ei)) ||
              cm_cli_jset(mo, "critical_eu",
                          c->undetermined_eu ? json_null() : json_boolean(e->critical)) ||
              cm_cli_jset(mo, "sr_be", cm_cli_jnum(b->sr)) ||
              cm_cli_jset(mo, "ei_be", cm_cli_jnum(b->ei)) ||
              cm_cli_jset(mo, "critical_be",
                          c->undetermined_be ? json_null() : json_boolean(b->critical)) ||
              cm_cli_jset(mo, "change", json_string(class_change(c))) ||
              cm_cli_jset(mo, "explanation",
                          c->explanation != NULL ? json_string(c->explanation) : json_null());
        for (int s = 0; s < CM_CRIT_NSTAGES && !bad; s++) {
            const cm_crit_be_stage_info_t *in = &r->rep.stages[i][s];
            if (!r->be.materials[i].assessed[s]) {
                continue;
            }
            json_t *so = json_object();
            if (so == NULL || json_array_append_new(st, so) != 0) {
                bad = 1;
                break;
            }
            bad = cm_cli_jset(so, "stage", json_string(cm_crit_stage_name(s))) ||
                  cm_cli_jset(so, "basis", json_string(cm_crit_be_basis_name(in->basis))) ||
                  cm_cli_jset(so, "dataset_id", json_integer(in->dataset_id)) ||
                  cm_cli_jset(so, "production_t", cm_cli_jnum(in->production)) ||
                  cm_cli_jset(so, "imports", cm_cli_jnum(in->imports)) ||
                  cm_cli_jset(so, "exports", cm_cli_jnum(in->exports)) ||
                  cm_cli_jset(so, "partners", json_integer((json_int_t)in->partners)) ||
                  cm_cli_jset(so, "ir_be", cm_cli_jnum(in->ir)) ||
                  cm_cli_jset(so, "hhi_wgi_sourcing_eu",
                              cm_cli_jnum(r->eu_res.items[i].stage[s].hhi_wgi[CM_CRIT_SOURCING])) ||
                  cm_cli_jset(so, "hhi_wgi_sourcing_be",
                              cm_cli_jnum(r->be_res.items[i].stage[s].hhi_wgi[CM_CRIT_SOURCING])) ||
                  cm_cli_jset(so, "sr_eu", cm_cli_jnum(r->eu_res.items[i].stage[s].sr)) ||
                  cm_cli_jset(so, "sr_be", cm_cli_jnum(r->be_res.items[i].stage[s].sr));
        }
    }
    for (size_t i = 0; i < r->rep.n_subst && !bad; i++) {
        const cm_crit_be_subst_t *s = &r->rep.subst[i];
        json_t *so = json_object();
        if (so == NULL || json_array_append_new(subs, so) != 0) {
            bad = 1;
            break;
        }
        bad =
            cm_cli_jset(so, "material", json_string(s->material)) ||
            cm_cli_jset(so, "term", json_string(s->term)) ||
            cm_cli_jset(so, "stage",
                        s->stage >= 0 ? json_string(cm_crit_stage_name(s->stage)) : json_null()) ||
            cm_cli_jset(so, "value", cm_cli_jnum(s->value)) ||
            cm_cli_jset(so, "reason", json_string(s->reason));
    }
    cm_error_t rc = bad ? cm_error_set(err, CM_ENOMEM, "out of memory building the JSON")
                        : cm_json_write_file(path, root, 0, err);
    json_decref(root);
    return rc;
}

static cm_error_t write_svg(const char *path, const be_run_t *r, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_svg_t *fig = NULL;
    size_t n = r->be.n + 1, k = 0, ke = 0;
    double *x = cm_calloc(n, sizeof *x), *y = cm_calloc(n, sizeof *y);
    double *ex = cm_calloc(n, sizeof *ex), *ey = cm_calloc(n, sizeof *ey);
    const char **lab = cm_calloc(n, sizeof *lab);
    if (x == NULL || y == NULL || ex == NULL || ey == NULL || lab == NULL) {
        rc = cm_error_set(err, CM_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t i = 0; i < r->be.n; i++) {
        const cm_crit_result_t *b = &r->be_res.items[i], *e = &r->eu_res.items[i];
        if (r->be.materials[i].flags & CM_CRIT_MAT_GROUP) {
            continue;
        }
        if (!isnan(b->sr) && !isnan(b->ei)) {
            x[k] = b->ei;
            y[k] = b->sr;
            lab[k++] = r->be.materials[i].name;
        }
        if (!isnan(e->sr) && !isnan(e->ei)) {
            ex[ke] = e->ei;
            ey[ke++] = e->sr;
        }
    }
    if ((rc = cm_svg_create(900, 650, &fig, err)) != CM_OK ||
        (rc = cm_svg_set_labels(fig, "Criticality for Belgium beside the EU 2023 method",
                                "economic importance EI", "supply risk SR", err)) != CM_OK) {
        goto cleanup;
    }
    if (k > 0 && (rc = cm_svg_add_scatter(fig, "Belgium", x, k, y, k, lab, err)) != CM_OK) {
        goto cleanup;
    }
    if (ke > 0 && (rc = cm_svg_add_scatter(fig, "EU", ex, ke, ey, ke, NULL, err)) != CM_OK) {
        goto cleanup;
    }
    if ((rc = cm_cli_svg_thresholds(fig, &r->opt, err)) != CM_OK) {
        goto cleanup;
    }
    rc = cm_svg_write(fig, path, err);
cleanup:
    cm_svg_free(fig);
    cm_free(x);
    cm_free(y);
    cm_free(ex);
    cm_free(ey);
    cm_free(lab);
    return rc;
}

static cm_error_t write_outputs(const char *dir, const be_run_t *r, cm_error_info_t *err)
{
    if (cm_cli_make_dir(dir, err) != CM_OK) {
        return CM_EFILE;
    }
    char path[4096];
    cm_error_t rc;
    snprintf(path, sizeof path, "%s/be_results.csv", dir);
    if ((rc = write_csv(path, r, err)) != CM_OK) {
        return rc;
    }
    snprintf(path, sizeof path, "%s/be_substitutions.csv", dir);
    if ((rc = write_subst_csv(path, r, err)) != CM_OK) {
        return rc;
    }
    snprintf(path, sizeof path, "%s/be_results.json", dir);
    if ((rc = write_json(path, r, err)) != CM_OK) {
        return rc;
    }
    snprintf(path, sizeof path, "%s/be_sr_ei.svg", dir);
    return write_svg(path, r, err);
}

static const char *f1(double v, char *buf, size_t n)
{
    if (isnan(v)) {
        snprintf(buf, n, "-");
    } else {
        snprintf(buf, n, "%.1f", cm_crit_round1(v));
    }
    return buf;
}

static void print_summary(const be_run_t *r)
{
    size_t crit_eu = 0, crit_be = 0, und_eu = 0, und_be = 0, mass = 0, value = 0, none = 0;
    printf("Belgian criticality (trade year %d; EI scaled by %s, %.1f MEUR)\n", r->rep.year,
           r->rep.va_max_sector, r->rep.va_max);
    printf("%-26s %5s %5s %4s   %5s %5s %4s  %-6s %-6s\n", "material", "SR_EU", "EI_EU", "crit",
           "SR_BE", "EI_BE", "crit", "basisE", "basisP");
    for (size_t i = 0; i < r->eu.n; i++) {
        const cm_crit_result_t *e = &r->eu_res.items[i], *b = &r->be_res.items[i];
        char a[4][16];
        const cm_crit_be_change_t *c = &r->ch.items[i];
        int counted = !(r->eu.materials[i].flags & CM_CRIT_MAT_GROUP); /* as `crit eu` */
        crit_eu += counted && e->critical != 0 && !c->undetermined_eu;
        crit_be += counted && b->critical != 0 && !c->undetermined_be;
        und_eu += counted && c->undetermined_eu != 0;
        und_be += counted && c->undetermined_be != 0;
        for (int s = 0; s < CM_CRIT_NSTAGES; s++) {
            if (!r->be.materials[i].assessed[s]) {
                continue;
            }
            cm_crit_be_basis_t bs = r->rep.stages[i][s].basis;
            mass += bs == CM_CRIT_BE_BASIS_MASS;
            value += bs == CM_CRIT_BE_BASIS_VALUE;
            none += bs == CM_CRIT_BE_BASIS_NONE;
        }
        printf(
            "%-26s %5s %5s %4s   %5s %5s %4s  %-6s %-6s%s\n", r->eu.materials[i].code,
            f1(e->sr, a[0], 16), f1(e->ei, a[1], 16), class_mark(e->critical, c->undetermined_eu),
            f1(b->sr, a[2], 16), f1(b->ei, a[3], 16), class_mark(b->critical, c->undetermined_be),
            r->be.materials[i].assessed[0] ? cm_crit_be_basis_name(r->rep.stages[i][0].basis) : "",
            r->be.materials[i].assessed[1] ? cm_crit_be_basis_name(r->rep.stages[i][1].basis) : "",
            class_change(c)[0] != '\0' && !c->undetermined_eu && !c->undetermined_be ? "  *"
                                                                                  : "");
    }
    printf("\nclass changes (%zu):\n", r->ch.n_changed);
    for (size_t i = 0; i < r->ch.n; i++) {
        const cm_crit_be_change_t *c = &r->ch.items[i];
        if (c->explanation != NULL && !c->undetermined_eu && !c->undetermined_be) {
            printf("  %s: %s: %s\n", r->eu.materials[i].code,
                   r->ch.items[i].critical_be ? "becomes critical" : "no longer critical",
                   r->ch.items[i].explanation);
        }
    }
    printf("\nundetermined classes (%zu; not counted as changes):\n", r->ch.n_undetermined);
    for (size_t i = 0; i < r->ch.n; i++) {
        const cm_crit_be_change_t *c = &r->ch.items[i];
        if (c->undetermined_eu || c->undetermined_be) {
            printf("  %s: %s\n", r->eu.materials[i].code, c->explanation);
        }
    }
    printf("\ncritical (groups left out): EU %zu, Belgium %zu (undetermined: EU %zu, Belgium %zu); "
           "Belgian sourcing "
           "stages by mass %zu, by value %zu, EU sourcing kept %zu\n",
           crit_eu, crit_be, und_eu, und_be, mass, value, none);
    printf("EU values used for missing Belgian ones: %zu (listed in be_substitutions.csv with "
           "--out); traded codes without a material: %zu; import flows without a quantity: "
           "%zu\n",
           r->rep.n_subst, r->rep.unmatched_codes, r->rep.flows_without_quantity);
}

static void run_destroy(be_run_t *r)
{
    cm_crit_be_changes_destroy(&r->ch);
    cm_crit_be_report_destroy(&r->rep);
    cm_crit_results_destroy(&r->eu_res);
    cm_crit_results_destroy(&r->be_res);
    cm_crit_inputs_destroy(&r->eu);
    cm_crit_inputs_destroy(&r->be);
}

int cm_cli_crit_be(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"store", required_argument, NULL, 's'},    {"out", required_argument, NULL, 'o'},
        {"year", required_argument, NULL, 'y'},     {"basis", required_argument, NULL, 'b'},
        {"codes", required_argument, NULL, 'c'},    {"split", no_argument, NULL, 'S'},
        {"renormalise", no_argument, NULL, 'R'},    {"wgi-fallback", required_argument, NULL, 'f'},
        {"wgi-year", required_argument, NULL, 'w'}, {"help", no_argument, NULL, 'h'},
        {"va-max", required_argument, NULL, 'V'},   {NULL, 0, NULL, 0}};
    const char *store_opt = NULL, *out_dir = NULL, *codes = NULL;
    double va_max = NAN;
    be_run_t r;
    memset(&r, 0, sizeof r);
    cm_crit_be_options_t bo;
    cm_crit_be_options_default(&bo);
    cm_cli_crit_eu_options(&r.opt); /* the EU column as `crit eu` computes it */
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 's':
            store_opt = optarg;
            break;
        case 'o':
            out_dir = optarg;
            break;
        case 'c':
            codes = optarg;
            break;
        case 'S':
            bo.split = CM_NACE_SPLIT_EQUALLY;
            break;
        case 'R':
            r.opt.renormalise = 1;
            break;
        case 'y':
            if (!cm_cli_parse_int(optarg, 1900, 2100, &bo.year)) {
                return cm_cli_usage_error("crit be", "--year: expected a year, got '%s'", optarg);
            }
            break;
        case 'w':
            if (!cm_cli_parse_int(optarg, 1900, 2100, &r.opt.wgi_year)) {
                return cm_cli_usage_error("crit be", "--wgi-year: expected a year, got '%s'",
                                          optarg);
            }
            break;
        case 'b':
            if (strcmp(optarg, "auto") == 0) {
                bo.basis = CM_CRIT_BE_BASIS_AUTO;
            } else if (strcmp(optarg, "mass") == 0) {
                bo.basis = CM_CRIT_BE_BASIS_MASS;
            } else if (strcmp(optarg, "value") == 0) {
                bo.basis = CM_CRIT_BE_BASIS_VALUE;
            } else {
                return cm_cli_usage_error(
                    "crit be", "--basis: expected auto, mass or value, got '%s'", optarg);
            }
            break;
        case 'f':
            if (cm_cli_opt_wgi_fallback("crit be", optarg, &r.opt) != CM_EXIT_OK) {
                return CM_EXIT_USAGE;
            }
            break;
        case 'V':
            if (!cm_cli_parse_real(optarg, &va_max) || !(va_max > 0.0)) {
                return cm_cli_usage_error("crit be",
                                          "--va-max: expected a positive number, got '%s'", optarg);
            }
            break;
        case 'h':
            be_usage(stdout);
            return CM_EXIT_OK;
        default:
            return cm_cli_getopt_fail("crit be", c, argv);
        }
    }
    if (optind < argc) {
        return cm_cli_usage_error("crit be", "unexpected argument '%s'", argv[optind]);
    }
    cm_error_info_t err;
    memset(&err, 0, sizeof err);
    cm_store_t *store = NULL;
    cm_crit_wgi_t wgi;
    cm_crit_be_map_t map;
    memset(&wgi, 0, sizeof wgi);
    memset(&map, 0, sizeof map);
    int status = CM_EXIT_OK;
    cm_error_t rc = codes != NULL ? cm_crit_be_map_load(codes, &map, &err)
                                  : cm_crit_be_map_builtin(&map, &err);
    if (rc == CM_OK) {
        rc = cm_store_open(cm_cli_store_path(store_opt), CM_STORE_READONLY, &store, &err);
    }
    r.bo = bo;
    if (rc == CM_OK) { /* EU and Belgian inputs, WGI, both bound: the library's one loader */
        rc = cm_crit_load_bound(store, &map, &bo, &r.opt, &r.eu, &r.be, &r.rep, &wgi, &err);
    }
    if (rc == CM_OK) {
        rc = cm_crit_compute(&r.eu, &wgi, &r.opt, &r.eu_res, &err);
    }
    if (rc == CM_OK) {
        r.opt_be = r.opt;
        r.opt_be.ei_published_fallback = 0; /* no published Belgian EI */
        if (!isnan(va_max)) {
            r.rep.va_max = va_max;
            snprintf(r.rep.va_max_sector, sizeof r.rep.va_max_sector, "--va-max");
        }
        r.opt_be.va_max = r.rep.va_max;
        rc = cm_crit_compute(&r.be, &wgi, &r.opt_be, &r.be_res, &err);
    }
    if (rc == CM_OK) {
        rc = cm_crit_be_compare(&r.eu, &r.eu_res, &r.be, &r.be_res, &r.opt, &r.ch, &err);
    }
    if (rc == CM_OK) {
        print_summary(&r);
        if (out_dir != NULL) {
            rc = write_outputs(out_dir, &r, &err);
        }
    }
    if (rc != CM_OK) {
        status = cm_cli_fail(&err, rc);
    }
    run_destroy(&r);
    cm_crit_be_map_destroy(&map);
    cm_crit_wgi_destroy(&wgi);
    cm_store_close(store);
    return status;
}

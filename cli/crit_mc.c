/* cambium crit mc: Monte Carlo over the inputs of the criticality assessment (probability of
 * being critical, intervals for SR and EI); and the loader shared with `crit sensitivity`. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

/* --- crit mc -------------------------------------------------------------------------- */

static void mc_usage(FILE *out)
{
    fprintf(
        out,
        "usage: cambium crit mc [--store DB] [--variant eu|be] [--draws N] [--seed S]\n"
        "                       [--distributions FILE] [--threads T] [--out DIR]\n"
        "                       [--sr-threshold X] [--ei-threshold Y] [--raw-decision]\n"
        "                       [--wgi-year Y] [--wgi-fallback V] [--timing]\n"
        "                       [--export-inputs FILE]\n"
        "\n"
        "Monte Carlo over the inputs of the criticality assessment: WGI (normal with its\n"
        "published standard error), supply shares (Dirichlet), import reliance, EoL-RIR,\n"
        "SI_SR, SI_EI (uniform +/-20 %%) by default; see docs/crit-uncertainty.md and\n"
        "data/crit/uncertainty.ini. Prints per material P(critical) and the 5/50/95 %%\n"
        "quantiles of SR and EI. Same seed and draws: identical results.\n"
        "\n"
        "options:\n"
        "  --store DB            the store (default $CAMBIUM_STORE or cambium.db)\n"
        "  --variant eu|be       the EU assessment (default) or the Belgian variant (as\n"
        "                        `crit be` builds it: trade-code table from $CAMBIUM_DATA/crit\n"
        "                        or data/crit/hs6-materials.csv; EI scaled by the Belgian\n"
        "                        value added)\n"
        "  --draws N             number of draws (default 10000)\n"
        "  --seed S              seed, an unsigned 64-bit integer (default 1)\n"
        "  --distributions FILE  distributions file (default: built-in defaults, equal to\n"
        "                        data/crit/uncertainty.ini)\n"
        "  --threads T           worker threads (default 2; results do not depend on it)\n"
        "  --sr-threshold X      supply-risk threshold (default 1.0)\n"
        "  --ei-threshold Y      economic-importance threshold (default 2.8)\n"
        "  --raw-decision        decide on unrounded SR and EI (default: rounded to 0.1)\n"
        "  --wgi-year Y          WGI year (default %d)\n"
        "  --wgi-fallback V      scaled WGI (0-10) for countries missing from the WGI\n"
        "  --out DIR             write mc_results.csv, mc_results.json, mc_pcritical.svg\n"
        "  --timing              print the seconds of the draw loop to stderr\n"
        "  --export-inputs FILE  write the bound inputs as JSON (bench/crit-mc baseline)\n"
        "  -h, --help            print this help\n"
        "\n"
        "Exit codes: 0 success, 1 missing data or bad distributions file, 2 usage error.\n",
        CM_CRIT_EU_WGI_YEAR);
}

static cm_error_t write_csv(const char *path, const cm_crit_inputs_t *in,
                            const cm_crit_mc_result_t *res, cm_error_info_t *err)
{
    cm_csv_writer_t *w = NULL;
    cm_error_t rc = cm_csv_writer_open(path, ',', &w, err);
    if (rc != CM_OK) {
        return rc;
    }
    static const char *const head[] = {
        "material", "name",  "group",   "sr_base", "ei_base", "critical_base", "p_critical",
        "p_sr",     "p_ei",  "sr_mean", "sr_sd",   "sr_p5",   "sr_p50",        "sr_p95",
        "ei_mean",  "ei_sd", "ei_p5",   "ei_p50",  "ei_p95"};
    rc = cm_csv_write_row(w, sizeof head / sizeof head[0], head, err);
    for (size_t i = 0; i < in->n && rc == CM_OK; i++) {
        const cm_crit_material_t *m = &in->materials[i];
        const cm_crit_mc_material_t *r = &res->items[i];
        char b[16][32];
        const char *row[] = {m->code,
                             m->name,
                             (m->flags & CM_CRIT_MAT_GROUP) ? "1" : "0",
                             cm_cli_num(r->sr_base, b[0]),
                             cm_cli_num(r->ei_base, b[1]),
                             r->critical_base ? "1" : "0",
                             cm_cli_num(r->p_critical, b[2]),
                             cm_cli_num(r->p_sr, b[3]),
                             cm_cli_num(r->p_ei, b[4]),
                             cm_cli_num(r->sr.mean, b[5]),
                             cm_cli_num(r->sr.sd, b[6]),
                             cm_cli_num(r->sr.p5, b[7]),
                             cm_cli_num(r->sr.p50, b[8]),
                             cm_cli_num(r->sr.p95, b[9]),
                             cm_cli_num(r->ei.mean, b[10]),
                             cm_cli_num(r->ei.sd, b[11]),
                             cm_cli_num(r->ei.p5, b[12]),
                             cm_cli_num(r->ei.p50, b[13]),
                             cm_cli_num(r->ei.p95, b[14])};
        rc = cm_csv_write_row(w, sizeof row / sizeof row[0], row, err);
    }
    return cm_cli_csv_close(w, rc, err);
}

static json_t *dists_json(const cm_crit_mc_dists_t *d)
{
    json_t *o = json_object();
    for (int i = 0; o != NULL && i < CM_CRIT_MC_NINPUTS; i++) {
        const cm_crit_mc_dist_t *x = &d->d[i];
        json_t *s = json_object();
        if (s == NULL || cm_cli_jset(o, cm_crit_mc_input_name((cm_crit_mc_input_t)i), s) ||
            cm_cli_jset(s, "distribution", json_string(cm_crit_mc_kind_name(x->kind))) ||
            cm_cli_jset(s, "relative", cm_cli_jfinite(x->relative)) ||
            cm_cli_jset(s, "absolute", cm_cli_jfinite(x->absolute)) ||
            cm_cli_jset(s, "sd_published", json_boolean(x->sd_published)) ||
            cm_cli_jset(s, "sd_scale", cm_cli_jfinite(x->sd_scale)) ||
            cm_cli_jset(s, "concentration", cm_cli_jfinite(x->concentration)) ||
            cm_cli_jset(s, "lump_below", cm_cli_jfinite(x->lump_below)) ||
            cm_cli_jset(s, "min", cm_cli_jfinite(x->min)) ||
            cm_cli_jset(s, "max", cm_cli_jfinite(x->max))) {
            json_decref(o);
            return NULL;
        }
    }
    return o;
}

static json_t *stat_json(const cm_crit_mc_stat_t *s)
{
    json_t *o = json_object();
    if (o == NULL || cm_cli_jset(o, "n", json_integer((json_int_t)s->n)) ||
        cm_cli_jset(o, "mean", cm_cli_jfinite(s->mean)) ||
        cm_cli_jset(o, "sd", cm_cli_jfinite(s->sd)) ||
        cm_cli_jset(o, "min", cm_cli_jfinite(s->min)) ||
        cm_cli_jset(o, "p5", cm_cli_jfinite(s->p5)) ||
        cm_cli_jset(o, "p50", cm_cli_jfinite(s->p50)) ||
        cm_cli_jset(o, "p95", cm_cli_jfinite(s->p95)) ||
        cm_cli_jset(o, "max", cm_cli_jfinite(s->max))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static cm_error_t write_json(const char *path, const cm_crit_inputs_t *in,
                             const cm_crit_mc_result_t *res, const cm_crit_options_t *opt,
                             const cm_crit_mc_dists_t *d, cm_error_info_t *err)
{
    cm_json_init();
    json_t *root = json_object(), *arr = json_array();
    char seed[32];
    snprintf(seed, sizeof seed, "%" PRIu64, res->seed);
    int bad = root == NULL || arr == NULL;
    if (bad) {
        json_decref(arr);
    } else {
        bad = cm_cli_jset(root, "materials", arr) ||
              cm_cli_jset(root, "draws", json_integer((json_int_t)res->draws)) ||
              cm_cli_jset(root, "seed", json_string(seed)) ||
              cm_cli_jset(root, "block", json_integer(CM_CRIT_MC_BLOCK)) ||
              cm_cli_jset(root, "sr_threshold", json_real(opt->sr_threshold)) ||
              cm_cli_jset(root, "ei_threshold", json_real(opt->ei_threshold)) ||
              cm_cli_jset(root, "round_decision", json_boolean(opt->round_decision)) ||
              cm_cli_jset(root, "distributions", dists_json(d));
    }
    for (size_t i = 0; i < in->n && !bad; i++) {
        const cm_crit_material_t *m = &in->materials[i];
        const cm_crit_mc_material_t *r = &res->items[i];
        json_t *mo = json_object();
        if (mo == NULL || json_array_append_new(arr, mo) != 0) {
            bad = 1;
            break;
        }
        bad = cm_cli_jset(mo, "material", json_string(m->code)) ||
              cm_cli_jset(mo, "name", json_string(m->name)) ||
              cm_cli_jset(mo, "group", json_boolean(m->flags & CM_CRIT_MAT_GROUP)) ||
              cm_cli_jset(mo, "sr_base", cm_cli_jfinite(r->sr_base)) ||
              cm_cli_jset(mo, "ei_base", cm_cli_jfinite(r->ei_base)) ||
              cm_cli_jset(mo, "critical_base", json_boolean(r->critical_base)) ||
              cm_cli_jset(mo, "p_critical", cm_cli_jfinite(r->p_critical)) ||
              cm_cli_jset(mo, "p_sr", cm_cli_jfinite(r->p_sr)) ||
              cm_cli_jset(mo, "p_ei", cm_cli_jfinite(r->p_ei)) ||
              cm_cli_jset(mo, "sr", stat_json(&r->sr)) || cm_cli_jset(mo, "ei", stat_json(&r->ei));
    }
    cm_error_t rc;
    if (bad) {
        rc = cm_error_set(err, CM_ENOMEM, "out of memory building the JSON results");
    } else {
        rc = cm_json_write_file(path, root, 0, err);
    }
    json_decref(root);
    return rc;
}

/* Bars of P(critical) for the materials (groups left out) with P > 0. */
static cm_error_t write_svg(const char *path, const cm_crit_inputs_t *in,
                            const cm_crit_mc_result_t *res, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_svg_t *fig = NULL;
    const char **cats = cm_calloc(in->n + 1, sizeof *cats);
    double *p = cm_calloc(in->n + 1, sizeof *p), *pb = cm_calloc(in->n + 1, sizeof *pb);
    size_t n = 0;
    if (cats == NULL || p == NULL || pb == NULL) {
        rc = cm_error_set(err, CM_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t i = 0; i < in->n; i++) {
        if ((in->materials[i].flags & CM_CRIT_MAT_GROUP) ||
            !(res->items[i].p_critical > 0.0 || res->items[i].critical_base)) {
            continue;
        }
        cats[n] = in->materials[i].name;
        p[n] = res->items[i].p_critical;
        pb[n] = res->items[i].critical_base ? 1.0 : 0.0;
        n++;
    }
    if (n == 0) {
        cats[0] = "(no material critical in any draw)";
        n = 1;
    }
    char title[160];
    snprintf(title, sizeof title, "Probability of being critical (%zu draws, seed %" PRIu64 ")",
             res->draws, res->seed);
    if ((rc = cm_svg_create(1400, 700, &fig, NULL)) != CM_OK ||
        (rc = cm_svg_set_labels(fig, title, "material", "P(critical) (1)", err)) != CM_OK ||
        (rc = cm_svg_set_range(fig, 'y', 0.0, 1.0, err)) != CM_OK ||
        (rc = cm_svg_set_categories(fig, cats, n, err)) != CM_OK ||
        (rc = cm_svg_add_bars(fig, "Monte Carlo", p, n, err)) != CM_OK ||
        (rc = cm_svg_add_bars(fig, "deterministic class", pb, n, err)) != CM_OK ||
        (rc = cm_svg_add_refline(fig, 'y', 0.5, "P = 0.5", err)) != CM_OK) {
        if (rc == CM_ENOMEM) {
            cm_error_set(err, CM_ENOMEM, "out of memory building the figure");
        }
        goto cleanup;
    }
    rc = cm_svg_write(fig, path, err);
cleanup:
    cm_svg_free(fig);
    cm_free(cats);
    cm_free(p);
    cm_free(pb);
    return rc;
}

/* The bound inputs, as the numpy baseline reads them (bench/crit-mc/baseline_mc.py). */
static cm_error_t export_inputs(const char *path, const cm_crit_inputs_t *in,
                                const cm_crit_wgi_t *wgi, const cm_crit_options_t *opt,
                                const cm_crit_mc_dists_t *d, cm_error_info_t *err)
{
    cm_json_init();
    json_t *root = json_object(), *jw = json_array(), *jm = json_array();
    int bad = root == NULL || jw == NULL || jm == NULL;
    if (bad) {
        json_decref(jw);
        json_decref(jm);
    } else {
        bad =
            cm_cli_jset(root, "wgi", jw) || cm_cli_jset(root, "materials", jm) ||
            cm_cli_jset(root, "sr_threshold", json_real(opt->sr_threshold)) ||
            cm_cli_jset(root, "ei_threshold", json_real(opt->ei_threshold)) ||
            cm_cli_jset(root, "round_decision", json_boolean(opt->round_decision)) ||
            cm_cli_jset(root, "renormalise", json_boolean(opt->renormalise)) ||
            cm_cli_jset(root, "ei_pro_rata", json_boolean(opt->ei_pro_rata)) ||
            cm_cli_jset(root, "ei_published_fallback", json_boolean(opt->ei_published_fallback)) ||
            cm_cli_jset(root, "va_max", cm_cli_jfinite(cm_crit_va_max(in, opt))) ||
            cm_cli_jset(root, "distributions", dists_json(d));
    }
    for (size_t k = 0; k < wgi->n && !bad; k++) {
        json_t *e = json_pack("{s:s, s:f, s:f}", "country", wgi->items[k].country, "scaled",
                              wgi->items[k].scaled, "scaled_se",
                              isfinite(wgi->items[k].scaled_se) ? wgi->items[k].scaled_se : 0.0);
        bad = e == NULL || json_array_append_new(jw, e) != 0;
    }
    cm_real_t va_max = cm_crit_va_max(in, opt);
    for (size_t i = 0; i < in->n && !bad; i++) {
        const cm_crit_material_t *m = &in->materials[i];
        cm_crit_result_t r;
        cm_error_t rc =
            cm_crit_compute_material(m, NULL, opt, isnan(va_max) ? 1.0 : va_max, &r, err);
        if (rc != CM_OK) {
            json_decref(root);
            return rc;
        }
        json_t *mo = json_object(), *stages = json_array(), *eus = json_array();
        if (mo == NULL || stages == NULL || eus == NULL || json_array_append_new(jm, mo) != 0) {
            json_decref(stages);
            json_decref(eus);
            bad = 1;
            break;
        }
        bad = cm_cli_jset(mo, "stages", stages) || cm_cli_jset(mo, "enduses", eus) ||
              cm_cli_jset(mo, "material", json_string(m->code)) ||
              cm_cli_jset(mo, "group", json_boolean(m->flags & CM_CRIT_MAT_GROUP)) ||
              cm_cli_jset(mo, "eol_rir", cm_cli_jfinite(m->eol_rir)) ||
              cm_cli_jset(mo, "si_sr", cm_cli_jfinite(m->si_sr)) ||
              cm_cli_jset(mo, "ei_published", cm_cli_jfinite(m->published.ei)) ||
              cm_cli_jset(mo, "si_ei", cm_cli_jfinite(m->si_ei));
        for (int s = 0; s < CM_CRIT_NSTAGES && !bad; s++) {
            json_t *so = json_object(), *sc = json_array();
            if (so == NULL || sc == NULL || json_array_append_new(stages, so) != 0) {
                json_decref(sc);
                bad = 1;
                break;
            }
            bad = cm_cli_jset(so, "scopes", sc) ||
                  cm_cli_jset(so, "assessed", json_boolean(r.stage[s].assessed)) ||
                  cm_cli_jset(so, "mode", json_string(cm_crit_mode_name(r.stage[s].mode))) ||
                  cm_cli_jset(so, "import_reliance", cm_cli_jfinite(m->import_reliance[s]));
            for (int c = 0; c < CM_CRIT_NSCOPES && !bad; c++) {
                const cm_crit_supply_t *sup = &m->supply[s][c];
                json_t *list = json_array();
                bad = list == NULL || json_array_append_new(sc, list) != 0;
                for (size_t k = 0; k < sup->n && !bad; k++) {
                    const cm_crit_share_t *x = &sup->items[k];
                    json_t *e = json_pack("[f, f, I]", x->share, x->t, (json_int_t)x->wgi);
                    bad = e == NULL || json_array_append_new(list, e) != 0;
                }
            }
        }
        for (size_t k = 0; k < m->n_enduses && !bad; k++) {
            const cm_crit_enduse_t *e = &m->enduses[k];
            json_t *x = json_pack("{s:f, s:o, s:s}", "share", e->share, "value_added",
                                  cm_cli_jfinite(e->value_added), "nace", e->nace);
            bad = x == NULL || json_array_append_new(eus, x) != 0;
        }
    }
    cm_error_t rc;
    if (bad) {
        rc = cm_error_set(err, CM_ENOMEM, "out of memory building the exported inputs");
    } else {
        rc = cm_json_write_file(path, root, 0, err);
    }
    json_decref(root);
    return rc;
}

static void print_table(const cm_crit_inputs_t *in, const cm_crit_mc_result_t *res,
                        const cm_crit_options_t *opt, const char *dists_name)
{
    printf("Monte Carlo: %zu draws, seed %" PRIu64 ", distributions %s; thresholds SR %.17g, "
           "EI %.17g\n",
           res->draws, res->seed, dists_name, opt->sr_threshold, opt->ei_threshold);
    printf("%-26s %6s  %5s %5s %5s %5s  %5s %5s %5s %5s\n", "material", "P(crit)", "SR", "p5",
           "p50", "p95", "EI", "p5", "p50", "p95");
    for (size_t i = 0; i < in->n; i++) {
        const cm_crit_material_t *m = &in->materials[i];
        const cm_crit_mc_material_t *r = &res->items[i];
        char name[40];
        snprintf(name, sizeof name, "%s%s", m->name,
                 (m->flags & CM_CRIT_MAT_GROUP) ? " (group)" : "");
        printf("%-26s %7.3f  %5.2f %5.2f %5.2f %5.2f  %5.2f %5.2f %5.2f %5.2f\n", name,
               r->p_critical, r->sr_base, r->sr.p5, r->sr.p50, r->sr.p95, r->ei_base, r->ei.p5,
               r->ei.p50, r->ei.p95);
    }
    printf("\nclass uncertain (0.05 < P(critical) < 0.95):");
    int any = 0;
    for (size_t i = 0; i < in->n; i++) {
        const cm_crit_mc_material_t *r = &res->items[i];
        if (!(in->materials[i].flags & CM_CRIT_MAT_GROUP) && r->p_critical > 0.05 &&
            r->p_critical < 0.95) {
            printf(" %s (%.2f)", in->materials[i].name, r->p_critical);
            any = 1;
        }
    }
    printf("%s\n", any ? "" : " none");
}

int cm_cli_crit_mc(int argc, char **argv)
{
    static const struct option longopts[] = {{"store", required_argument, NULL, 's'},
                                             {"variant", required_argument, NULL, 'v'},
                                             {"draws", required_argument, NULL, 'n'},
                                             {"seed", required_argument, NULL, 'S'},
                                             {"distributions", required_argument, NULL, 'd'},
                                             {"threads", required_argument, NULL, 'j'},
                                             {"out", required_argument, NULL, 'o'},
                                             {"sr-threshold", required_argument, NULL, 'r'},
                                             {"ei-threshold", required_argument, NULL, 'e'},
                                             {"raw-decision", no_argument, NULL, 'D'},
                                             {"wgi-year", required_argument, NULL, 'y'},
                                             {"timing", no_argument, NULL, 'T'},
                                             {"export-inputs", required_argument, NULL, 'x'},
                                             {"wgi-fallback", required_argument, NULL, 'F'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *store_opt = NULL, *out_dir = NULL, *variant = "eu", *dist_file = NULL;
    const char *export_path = NULL;
    int timing = 0;
    cm_crit_options_t opt;
    cm_crit_options_default(&opt);
    cm_crit_mc_options_t mopt;
    cm_crit_mc_options_default(&mopt);
    mopt.threads = 2; /* the machine's cores; the results do not depend on it */
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        char *end = NULL;
        switch (c) {
        case 's':
            store_opt = optarg;
            break;
        case 'o':
            out_dir = optarg;
            break;
        case 'd':
            dist_file = optarg;
            break;
        case 'x':
            export_path = optarg;
            break;
        case 'T':
            timing = 1;
            break;
        case 'D':
            opt.round_decision = 0;
            break;
        case 'v':
            if (strcmp(optarg, "eu") != 0 && strcmp(optarg, "be") != 0) {
                return cm_cli_usage_error("crit mc", "--variant: expected eu or be, got '%s'",
                                          optarg);
            }
            variant = optarg;
            break;
        case 'n': {
            errno = 0;
            long long v = strtoll(optarg, &end, 10);
            if (end == optarg || *end != '\0' || errno != 0 || v < 1 || v > CM_CRIT_MC_DRAWS_MAX) {
                return cm_cli_usage_error("crit mc", "--draws: expected 1 to %d, got '%s'",
                                          CM_CRIT_MC_DRAWS_MAX, optarg);
            }
            mopt.draws = (size_t)v;
            break;
        }
        case 'S': {
            errno = 0;
            unsigned long long v = strtoull(optarg, &end, 10);
            if (end == optarg || *end != '\0' || errno != 0 || optarg[0] == '-') {
                return cm_cli_usage_error("crit mc",
                                          "--seed: expected an unsigned integer, got '%s'", optarg);
            }
            mopt.seed = (uint64_t)v;
            break;
        }
        case 'j': {
            errno = 0;
            long v = strtol(optarg, &end, 10);
            if (end == optarg || *end != '\0' || errno != 0 || v < 1 || v > 64) {
                return cm_cli_usage_error("crit mc", "--threads: expected 1 to 64, got '%s'",
                                          optarg);
            }
            mopt.threads = (int)v;
            break;
        }
        case 'y': {
            errno = 0;
            long v = strtol(optarg, &end, 10);
            if (end == optarg || *end != '\0' || errno != 0 || v < 1996 || v > 2100) {
                return cm_cli_usage_error("crit mc", "--wgi-year: expected a year, got '%s'",
                                          optarg);
            }
            opt.wgi_year = (int)v;
            break;
        }
        case 'r':
            if (!cm_cli_parse_real(optarg, &opt.sr_threshold)) {
                return cm_cli_usage_error("crit mc", "--sr-threshold: expected a number, got '%s'",
                                          optarg);
            }
            break;
        case 'e':
            if (!cm_cli_parse_real(optarg, &opt.ei_threshold)) {
                return cm_cli_usage_error("crit mc", "--ei-threshold: expected a number, got '%s'",
                                          optarg);
            }
            break;
        case 'F':
            if (cm_cli_opt_wgi_fallback("crit mc", optarg, &opt) != CM_EXIT_OK) {
                return CM_EXIT_USAGE;
            }
            break;
        case 'h':
            mc_usage(stdout);
            return CM_EXIT_OK;
        default:
            return cm_cli_getopt_fail("crit mc", c, argv);
        }
    }
    if (optind < argc) {
        return cm_cli_usage_error("crit mc", "unexpected argument '%s'", argv[optind]);
    }
    cm_error_info_t err;
    memset(&err, 0, sizeof err);
    cm_crit_inputs_t in;
    cm_crit_wgi_t wgi;
    cm_crit_mc_result_t res;
    cm_crit_mc_dists_t dists;
    memset(&in, 0, sizeof in);
    memset(&wgi, 0, sizeof wgi);
    memset(&res, 0, sizeof res);
    cm_crit_mc_dists_default(&dists);
    cm_error_t rc = CM_OK;
    if (dist_file != NULL) {
        rc = cm_crit_mc_dists_read(dist_file, &dists, &err);
    }
    if (rc == CM_OK) {
        rc = cm_cli_crit_prepare(store_opt, variant, &opt, &in, &wgi, &err);
    }
    if (rc == CM_OK && export_path != NULL) {
        rc = export_inputs(export_path, &in, &wgi, &opt, &dists, &err);
    }
    if (rc == CM_OK) {
        rc = cm_crit_mc_run(&in, &wgi, &opt, &dists, &mopt, &res, &err);
    }
    if (rc == CM_OK) {
        if (timing) {
            fprintf(stderr, "draw loop: %.3f s (%zu draws, %zu materials, %d thread%s)\n",
                    res.seconds, res.draws, res.n, mopt.threads, mopt.threads > 1 ? "s" : "");
        }
        print_table(&in, &res, &opt, dist_file != NULL ? dist_file : "(defaults)");
        if (out_dir != NULL) {
            char path[4096];
            rc = cm_cli_make_dir(out_dir, &err);
            if (rc == CM_OK) {
                snprintf(path, sizeof path, "%s/mc_results.csv", out_dir);
                rc = write_csv(path, &in, &res, &err);
            }
            if (rc == CM_OK) {
                snprintf(path, sizeof path, "%s/mc_results.json", out_dir);
                rc = write_json(path, &in, &res, &opt, &dists, &err);
            }
            if (rc == CM_OK) {
                snprintf(path, sizeof path, "%s/mc_pcritical.svg", out_dir);
                rc = write_svg(path, &in, &res, &err);
            }
        }
    }
    int status = rc == CM_OK ? CM_EXIT_OK : cm_cli_fail(&err, rc);
    cm_crit_mc_destroy(&res);
    cm_crit_wgi_destroy(&wgi);
    cm_crit_inputs_destroy(&in);
    return status;
}

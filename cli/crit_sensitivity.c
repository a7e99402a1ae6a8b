/* cambium crit sensitivity: the critical set on a grid of SR and EI thresholds, from one
 * computation of SR and EI; the materials whose class depends on the thresholds are named. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void sens_usage(FILE *out)
{
    fprintf(
        out,
        "usage: cambium crit sensitivity [--store DB] [--variant eu|be]\n"
        "                                [--sr-from X --sr-to X --sr-step X]\n"
        "                                [--ei-from Y --ei-to Y --ei-step Y]\n"
        "                                [--raw-decision] [--wgi-year Y] [--wgi-fallback V]\n"
        "                                [--out DIR]\n"
        "\n"
        "Compute SR and EI once, then the critical set for every pair of thresholds on the\n"
        "grid (default SR 0.8 to 1.2 and EI 2.4 to 3.2, steps of 0.1): a table of counts,\n"
        "and the materials whose class changes over the grid (threshold-dependent).\n"
        "Group rows (HREE, LREE, PGM) are left out of the counts.\n"
        "\n"
        "options:\n"
        "  --store DB        the store (default $CAMBIUM_STORE or cambium.db)\n"
        "  --variant eu|be   the EU assessment (default) or the Belgian variant (as `crit be`)\n"
        "  --sr-from X       first SR threshold (default 0.8); --sr-to (1.2), --sr-step (0.1)\n"
        "  --ei-from Y       first EI threshold (default 2.4); --ei-to (3.2), --ei-step (0.1)\n"
        "  --raw-decision    decide on unrounded SR and EI (default: rounded to 0.1)\n"
        "  --wgi-year Y      WGI year (default %d)\n"
        "  --wgi-fallback V  scaled WGI (0-10) for countries missing from the WGI\n"
        "  --out DIR         write sens_grid.csv, sens_materials.csv, sens.json and\n"
        "                    sens_counts.svg to DIR\n"
        "  -h, --help        print this help\n"
        "\n"
        "Exit codes: 0 success, 1 missing data, 2 usage error.\n",
        CM_CRIT_EU_WGI_YEAR);
}

/* "name1; name2" of the materials critical in cell c. */
static void cell_list(const cm_crit_inputs_t *in, const cm_crit_sens_t *s, size_t c, char *buf,
                      size_t n)
{
    size_t len = 0, ncell = s->n_sr * s->n_ei;
    buf[0] = '\0';
    for (size_t m = 0; m < s->n_materials && len < n; m++) {
        if ((in->materials[m].flags & CM_CRIT_MAT_GROUP) || !s->critical[m * ncell + c]) {
            continue;
        }
        int w = snprintf(buf + len, n - len, "%s%s", len ? "; " : "", in->materials[m].name);
        len += w > 0 ? (size_t)w : 0;
    }
}

/* Largest grid SR and EI thresholds at which m is critical (NaN when never). */
static void max_thresholds(const cm_crit_sens_t *s, size_t m, double *sr, double *ei)
{
    size_t ncell = s->n_sr * s->n_ei;
    *sr = NAN;
    *ei = NAN;
    for (size_t i = 0; i < s->n_sr; i++) {
        for (size_t j = 0; j < s->n_ei; j++) {
            if (s->critical[m * ncell + i * s->n_ei + j]) {
                *sr = s->sr[i];
                if (isnan(*ei) || s->ei[j] > *ei) {
                    *ei = s->ei[j];
                }
            }
        }
    }
}

static cm_error_t write_grid_csv(const char *path, const cm_crit_inputs_t *in,
                                 const cm_crit_sens_t *s, cm_error_info_t *err)
{
    cm_csv_writer_t *w = NULL;
    cm_error_t rc = cm_csv_writer_open(path, ',', &w, err);
    if (rc != CM_OK) {
        return rc;
    }
    static const char *const head[] = {"sr_threshold", "ei_threshold", "count", "materials"};
    rc = cm_csv_write_row(w, 4, head, err);
    static char list[65536];
    for (size_t i = 0; i < s->n_sr && rc == CM_OK; i++) {
        for (size_t j = 0; j < s->n_ei && rc == CM_OK; j++) {
            char a[32], b[32], cnt[32];
            snprintf(cnt, sizeof cnt, "%zu", s->count[i * s->n_ei + j]);
            cell_list(in, s, i * s->n_ei + j, list, sizeof list);
            const char *row[] = {cm_csv_format_double(s->sr[i], a),
                                 cm_csv_format_double(s->ei[j], b), cnt, list};
            rc = cm_csv_write_row(w, 4, row, err);
        }
    }
    return cm_cli_csv_close(w, rc, err);
}

static cm_error_t write_materials_csv(const char *path, const cm_crit_inputs_t *in,
                                      const cm_crit_results_t *res, const cm_crit_sens_t *s,
                                      cm_error_info_t *err)
{
    cm_csv_writer_t *w = NULL;
    cm_error_t rc = cm_csv_writer_open(path, ',', &w, err);
    if (rc != CM_OK) {
        return rc;
    }
    static const char *const head[] = {"material",
                                       "name",
                                       "group",
                                       "sr",
                                       "ei",
                                       "cells_critical",
                                       "cells",
                                       "threshold_dependent",
                                       "sr_threshold_max",
                                       "ei_threshold_max"};
    rc = cm_csv_write_row(w, sizeof head / sizeof head[0], head, err);
    for (size_t m = 0; m < s->n_materials && rc == CM_OK; m++) {
        const cm_crit_material_t *mat = &in->materials[m];
        char b[6][32];
        double srm, eim;
        max_thresholds(s, m, &srm, &eim);
        snprintf(b[2], sizeof b[2], "%zu", s->cells[m]);
        snprintf(b[3], sizeof b[3], "%zu", s->n_sr * s->n_ei);
        const char *row[] = {mat->code,
                             mat->name,
                             (mat->flags & CM_CRIT_MAT_GROUP) ? "1" : "0",
                             cm_csv_format_double(res->items[m].sr, b[0]),
                             cm_csv_format_double(res->items[m].ei, b[1]),
                             b[2],
                             b[3],
                             s->dependent[m] ? "1" : "0",
                             cm_csv_format_double(srm, b[4]),
                             cm_csv_format_double(eim, b[5])};
        rc = cm_csv_write_row(w, sizeof row / sizeof row[0], row, err);
    }
    return cm_cli_csv_close(w, rc, err);
}

static cm_error_t write_json(const char *path, const cm_crit_inputs_t *in,
                             const cm_crit_results_t *res, const cm_crit_sens_t *s,
                             const cm_crit_options_t *opt, cm_error_info_t *err)
{
    cm_json_init();
    size_t ncell = s->n_sr * s->n_ei;
    json_t *root = json_object(), *cells = json_array(), *mats = json_array(), *dep = json_array(),
           *jsr = json_array(), *jei = json_array();
    int bad =
        root == NULL || cells == NULL || mats == NULL || dep == NULL || jsr == NULL || jei == NULL;
    if (bad) {
        json_decref(cells);
        json_decref(mats);
        json_decref(dep);
        json_decref(jsr);
        json_decref(jei);
    } else {
        bad = cm_cli_jset(root, "sr_thresholds", jsr) || cm_cli_jset(root, "ei_thresholds", jei) ||
              cm_cli_jset(root, "cells", cells) || cm_cli_jset(root, "materials", mats) ||
              cm_cli_jset(root, "threshold_dependent", dep) ||
              cm_cli_jset(root, "round_decision", json_boolean(opt->round_decision));
    }
    for (size_t i = 0; i < s->n_sr && !bad; i++) {
        bad = json_array_append_new(jsr, json_real(s->sr[i])) != 0;
    }
    for (size_t j = 0; j < s->n_ei && !bad; j++) {
        bad = json_array_append_new(jei, json_real(s->ei[j])) != 0;
    }
    for (size_t c = 0; c < ncell && !bad; c++) {
        json_t *co = json_object(), *list = json_array();
        if (co == NULL || list == NULL || json_array_append_new(cells, co) != 0) {
            json_decref(list);
            bad = 1;
            break;
        }
        bad = cm_cli_jset(co, "materials", list) ||
              cm_cli_jset(co, "sr_threshold", json_real(s->sr[c / s->n_ei])) ||
              cm_cli_jset(co, "ei_threshold", json_real(s->ei[c % s->n_ei])) ||
              cm_cli_jset(co, "count", json_integer((json_int_t)s->count[c]));
        for (size_t m = 0; m < s->n_materials && !bad; m++) {
            if (!(in->materials[m].flags & CM_CRIT_MAT_GROUP) && s->critical[m * ncell + c]) {
                bad = json_array_append_new(list, json_string(in->materials[m].code)) != 0;
            }
        }
    }
    for (size_t m = 0; m < s->n_materials && !bad; m++) {
        const cm_crit_material_t *mat = &in->materials[m];
        json_t *mo = json_object(), *mc = json_array();
        if (mo == NULL || mc == NULL || json_array_append_new(mats, mo) != 0) {
            json_decref(mc);
            bad = 1;
            break;
        }
        bad = cm_cli_jset(mo, "critical_cells", mc) ||
              cm_cli_jset(mo, "material", json_string(mat->code)) ||
              cm_cli_jset(mo, "name", json_string(mat->name)) ||
              cm_cli_jset(mo, "group", json_boolean(mat->flags & CM_CRIT_MAT_GROUP)) ||
              cm_cli_jset(mo, "sr", cm_cli_jfinite(res->items[m].sr)) ||
              cm_cli_jset(mo, "ei", cm_cli_jfinite(res->items[m].ei)) ||
              cm_cli_jset(mo, "threshold_dependent", json_boolean(s->dependent[m]));
        for (size_t c = 0; c < ncell && !bad; c++) {
            if (s->critical[m * ncell + c]) {
                json_t *p = json_pack("[f, f]", s->sr[c / s->n_ei], s->ei[c % s->n_ei]);
                bad = p == NULL || json_array_append_new(mc, p) != 0;
            }
        }
        if (!bad && s->dependent[m]) {
            bad = json_array_append_new(dep, json_string(mat->code)) != 0;
        }
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

/* Count of critical materials against the EI threshold, one line per SR threshold. */
static cm_error_t write_svg(const char *path, const cm_crit_sens_t *s, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_svg_t *fig = NULL;
    double *y = cm_calloc(s->n_ei + 1, sizeof *y);
    if (y == NULL) {
        return cm_error_set(err, CM_ENOMEM, "out of memory");
    }
    if ((rc = cm_svg_create(900, 600, &fig, err)) != CM_OK ||
        (rc = cm_svg_set_labels(fig, "Critical materials by threshold", "EI threshold (1)",
                                "critical materials (count)", err)) != CM_OK) {
        goto cleanup;
    }
    for (size_t i = 0; i < s->n_sr; i++) {
        char name[64];
        snprintf(name, sizeof name, "SR threshold %.4g", s->sr[i]);
        for (size_t j = 0; j < s->n_ei; j++) {
            y[j] = (double)s->count[i * s->n_ei + j];
        }
        if ((rc = cm_svg_add_line(fig, name, s->ei, s->n_ei, y, s->n_ei, err)) != CM_OK ||
            (rc = cm_svg_add_scatter(fig, NULL, s->ei, s->n_ei, y, s->n_ei, NULL, err)) != CM_OK) {
            goto cleanup;
        }
    }
    if (s->ei[0] <= 2.8 + 1e-9 && s->ei[s->n_ei - 1] >= 2.8 - 1e-9) {
        if ((rc = cm_svg_add_refline(fig, 'x', 2.8, "EU threshold EI = 2.8", err)) != CM_OK) {
            goto cleanup;
        }
    }
    rc = cm_svg_write(fig, path, err);
cleanup:
    cm_svg_free(fig);
    cm_free(y);
    return rc;
}

static void print_grid(const cm_crit_inputs_t *in, const cm_crit_sens_t *s,
                       const cm_crit_options_t *opt)
{
    printf("critical materials by threshold (rows SR, columns EI; decision on %s values; "
           "group rows left out)\n",
           opt->round_decision ? "rounded" : "unrounded");
    printf("%8s", "SR \\ EI");
    for (size_t j = 0; j < s->n_ei; j++) {
        printf(" %5.4g", s->ei[j]);
    }
    printf("\n");
    for (size_t i = 0; i < s->n_sr; i++) {
        printf("%8.4g", s->sr[i]);
        for (size_t j = 0; j < s->n_ei; j++) {
            printf(" %5zu", s->count[i * s->n_ei + j]);
        }
        printf("\n");
    }
    size_t ncell = s->n_sr * s->n_ei, always = 0;
    for (size_t m = 0; m < s->n_materials; m++) {
        if (!(in->materials[m].flags & CM_CRIT_MAT_GROUP) && s->cells[m] == ncell) {
            always++;
        }
    }
    printf("\ncritical in every cell: %zu\n", always);
    printf("threshold-dependent (%zu):\n", s->n_dependent);
    for (size_t m = 0; m < s->n_materials; m++) {
        if (!s->dependent[m]) {
            continue;
        }
        double srm, eim;
        max_thresholds(s, m, &srm, &eim);
        printf("  %-26s critical in %zu of %zu cells (SR threshold <= %.4g and EI threshold "
               "<= %.4g)\n",
               in->materials[m].name, s->cells[m], ncell, srm, eim);
    }
    printf("undetermined, left out of the counts where so (%zu):\n", s->n_undetermined);
    for (size_t m = 0; m < s->n_materials; m++) {
        if (!(in->materials[m].flags & CM_CRIT_MAT_GROUP) && s->undetermined[m] > 0) {
            printf("  %-26s undetermined in %zu of %zu cells (EI not computable from the end "
                   "uses)\n",
                   in->materials[m].name, s->undetermined[m], ncell);
        }
    }
}

int cm_cli_crit_sensitivity(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"store", required_argument, NULL, 's'},   {"variant", required_argument, NULL, 'v'},
        {"sr-from", required_argument, NULL, 'a'}, {"sr-to", required_argument, NULL, 'b'},
        {"sr-step", required_argument, NULL, 'c'}, {"ei-from", required_argument, NULL, 'd'},
        {"ei-to", required_argument, NULL, 'e'},   {"ei-step", required_argument, NULL, 'f'},
        {"raw-decision", no_argument, NULL, 'D'},  {"wgi-year", required_argument, NULL, 'y'},
        {"out", required_argument, NULL, 'o'},     {"wgi-fallback", required_argument, NULL, 'F'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    const char *store_opt = NULL, *out_dir = NULL, *variant = "eu";
    cm_crit_axis_t sr = {0.8, 1.2, 0.1}, ei = {2.4, 3.2, 0.1};
    cm_crit_options_t opt;
    cm_crit_options_default(&opt);
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        double *target = NULL;
        switch (c) {
        case 's':
            store_opt = optarg;
            break;
        case 'o':
            out_dir = optarg;
            break;
        case 'D':
            opt.round_decision = 0;
            break;
        case 'v':
            if (strcmp(optarg, "eu") != 0 && strcmp(optarg, "be") != 0) {
                return cm_cli_usage_error("crit sensitivity",
                                          "--variant: expected eu or be, got '%s'", optarg);
            }
            variant = optarg;
            break;
        case 'y':
            if (!cm_cli_parse_int(optarg, 1996, 2100, &opt.wgi_year)) {
                return cm_cli_usage_error("crit sensitivity",
                                          "--wgi-year: expected a year, got '%s'", optarg);
            }
            break;
        case 'a':
            target = &sr.from;
            break;
        case 'b':
            target = &sr.to;
            break;
        case 'c':
            target = &sr.step;
            break;
        case 'd':
            target = &ei.from;
            break;
        case 'e':
            target = &ei.to;
            break;
        case 'f':
            target = &ei.step;
            break;
        case 'F':
            if (cm_cli_opt_wgi_fallback("crit sensitivity", optarg, &opt) != CM_EXIT_OK) {
                return CM_EXIT_USAGE;
            }
            break;
        case 'h':
            sens_usage(stdout);
            return CM_EXIT_OK;
        default:
            return cm_cli_getopt_fail("crit sensitivity", c, argv);
        }
        if (target != NULL && !cm_cli_parse_real(optarg, target)) {
            return cm_cli_usage_error("crit sensitivity", "%s: expected a number, got '%s'",
                                      argv[optind - 1], optarg);
        }
    }
    if (optind < argc) {
        return cm_cli_usage_error("crit sensitivity", "unexpected argument '%s'", argv[optind]);
    }
    /* the EU variant decides as `crit eu`: the published EI where end uses are missing */
    opt.ei_published_fallback = strcmp(variant, "eu") == 0;
    cm_error_info_t err;
    memset(&err, 0, sizeof err);
    size_t n = 0;
    if (cm_crit_axis_count(&sr, &n, &err) != CM_OK) {
        return cm_cli_usage_error("crit sensitivity", "SR axis: %s", err.message);
    }
    if (cm_crit_axis_count(&ei, &n, &err) != CM_OK) {
        return cm_cli_usage_error("crit sensitivity", "EI axis: %s", err.message);
    }
    cm_crit_inputs_t in;
    cm_crit_wgi_t wgi;
    cm_crit_results_t res;
    cm_crit_sens_t sens;
    memset(&in, 0, sizeof in);
    memset(&wgi, 0, sizeof wgi);
    memset(&res, 0, sizeof res);
    memset(&sens, 0, sizeof sens);
    cm_error_t rc = cm_cli_crit_prepare(store_opt, variant, &opt, &in, &wgi, &err);
    if (rc == CM_OK) {
        rc = cm_crit_compute(&in, &wgi, &opt, &res, &err);
    }
    if (rc == CM_OK) {
        rc = cm_crit_sensitivity(&in, &res, &opt, &sr, &ei, &sens, &err);
    }
    if (rc == CM_OK) {
        print_grid(&in, &sens, &opt);
        if (out_dir != NULL) {
            char path[4096];
            rc = cm_cli_make_dir(out_dir, &err);
            if (rc == CM_OK) {
                snprintf(path, sizeof path, "%s/sens_grid.csv", out_dir);
                rc = write_grid_csv(path, &in, &sens, &err);
            }
            if (rc == CM_OK) {
                snprintf(path, sizeof path, "%s/sens_materials.csv", out_dir);
                rc = write_materials_csv(path, &in, &res, &sens, &err);
            }
            if (rc == CM_OK) {
                snprintf(path, sizeof path, "%s/sens.json", out_dir);
                rc = write_json(path, &in, &res, &sens, &opt, &err);
            }
            if (rc == CM_OK) {
                snprintf(path, sizeof path, "%s/sens_counts.svg", out_dir);
                rc = write_svg(path, &sens, &err);
            }
        }
    }
    int status = rc == CM_OK ? CM_EXIT_OK : cm_cli_fail(&err, rc);
    cm_crit_sens_destroy(&sens);
    cm_crit_results_destroy(&res);
    cm_crit_wgi_destroy(&wgi);
    cm_crit_inputs_destroy(&in);
    return status;
}

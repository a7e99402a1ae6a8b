/* cambium mmsa: multilayer material system analysis of a stock model (docs/mmsa.md).
 *   mmsa run MODEL --out DIR [--draws N] [--seed S] [--year Y] [--scenario NAME] */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cambium/cm_mmsa.h"

static void run_usage(FILE *out)
{
    fprintf(out,
            "usage: cambium mmsa run MODEL --out DIR [--draws N] [--seed S] [--year Y]\n"
            "                        [--scenario NAME] [--no-figures]\n"
            "\n"
            "Run a multilayer material system model file (docs/mmsa.md) and write\n"
            "mmsa_flows.csv, mmsa_per_mw.csv, fleet.csv, mmsa_bands.csv (with draws) and the\n"
            "figures mmsa_stocks.svg, mmsa_eol.svg, mmsa_sankey_YEAR.svg (+ .csv) into DIR.\n"
            "\n"
            "  --out DIR        output folder (created)\n"
            "  --draws N        Monte Carlo draws (default: the model's [montecarlo] draws;\n"
            "                   0 = no bands)\n"
            "  --seed S         seed of the draws (default: the model's)\n"
            "  --year Y         year of the Sankey diagram (default: [model] sankey_year)\n"
            "  --scenario NAME  lifetime scenario of the figures (default: the Monte Carlo one)\n"
            "  --no-figures     tables only\n");
}

static int mmsa_cmd_run(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"out", required_argument, NULL, 'o'},      {"draws", required_argument, NULL, 'd'},
        {"seed", required_argument, NULL, 's'},     {"year", required_argument, NULL, 'y'},
        {"scenario", required_argument, NULL, 'S'}, {"no-figures", no_argument, NULL, 'n'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0}};
    const char *out = NULL, *scen = NULL;
    long draws = -1, year = 0;
    double seed = -1;
    int c, figures = 1, v = 0;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":ho:", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            out = optarg;
            break;
        case 'd':
            if (!cm_cli_parse_int(optarg, 0, 100000, &v)) {
                return cm_cli_usage_error("mmsa run", "--draws: expected 0 .. 100000, got '%s'",
                                          optarg);
            }
            draws = v;
            break;
        case 's':
            if (!cm_cli_parse_real(optarg, &seed) || seed < 0 || seed > 9.0e15 ||
                seed != (double)(int64_t)seed) {
                return cm_cli_usage_error("mmsa run", "--seed: expected an integer >= 0, got "
                                          "'%s'", optarg);
            }
            break;
        case 'y':
            if (!cm_cli_parse_int(optarg, 1000, 3000, &v)) {
                return cm_cli_usage_error("mmsa run", "--year: expected a year, got '%s'",
                                          optarg);
            }
            year = v;
            break;
        case 'S':
            scen = optarg;
            break;
        case 'n':
            figures = 0;
            break;
        case 'h':
            run_usage(stdout);
            return CM_EXIT_OK;
        default:
            return cm_cli_getopt_fail("mmsa run", c, argv);
        }
    }
    if (optind + 1 != argc) {
        return cm_cli_usage_error("mmsa run", "expected one model file");
    }
    if (out == NULL) {
        return cm_cli_usage_error("mmsa run", "--out DIR is required");
    }
    cm_error_info_t err;
    cm_mmsa_model_t *m = NULL;
    cm_mmsa_result_t r = {0};
    cm_mmsa_options_t opt;
    cm_error_t rc = cm_mmsa_model_load(argv[optind], &m, &err);
    size_t s = 0;
    cm_int_t sankey = year, cohort = 0;
    if (rc == CM_OK) {
        cm_mmsa_options_default(m, &opt);
        if (draws >= 0) {
            opt.draws = (size_t)draws;
        }
        if (seed >= 0) {
            opt.seed = (uint64_t)seed;
        }
        if (sankey == 0) {
            cm_mmsa_special_years(m, &sankey, &cohort);
        }
        if (scen != NULL) {
            cm_int_t k = cm_mmsa_scenario_find(m, scen);
            if (k < 0) {
                cm_mmsa_model_free(m);
                return cm_cli_usage_error("mmsa run", "--scenario: no lifetime scenario '%s' in "
                                          "the model", scen);
            }
            s = (size_t)k;
        }
        rc = cm_cli_make_dir(out, &err);
    }
    if (rc == CM_OK) {
        rc = cm_mmsa_run(m, &opt, &r, &err);
    }
    if (rc == CM_OK && scen == NULL) {
        s = r.mc_scenario;
    }
    if (rc == CM_OK) {
        rc = cm_mmsa_write_tables(m, &r, out, &err);
    }
    if (rc == CM_OK && figures) {
        rc = cm_mmsa_write_figures(m, &r, s, sankey, out, &err);
    }
    if (rc == CM_OK) {
        cm_int_t t0;
        size_t T;
        cm_mmsa_years(m, &t0, &T);
        printf("model %s: %lld-%lld, %zu technologies, %zu items, %zu lifetime scenarios, "
               "%zu draws\n", cm_mmsa_model_name(m), (long long)cm_mmsa_report_from(m),
               (long long)(t0 + (cm_int_t)T - 1), cm_mmsa_ntech(m), cm_mmsa_nitems(m),
               cm_mmsa_nscenarios(m), r.draws);
        printf("mass balance: max relative residual %.3g\n", r.balance);
        printf("wrote %s/mmsa_flows.csv, mmsa_per_mw.csv, fleet.csv%s\n", out,
               r.draws > 0 ? ", mmsa_bands.csv" : "");
        if (figures) {
            printf("wrote %s/mmsa_stocks.svg, mmsa_eol.svg, mmsa_sankey_%lld.svg (+ .csv)\n", out,
                   (long long)sankey);
        }
    }
    int status = rc == CM_OK ? CM_EXIT_OK : cm_cli_fail(&err, rc);
    cm_mmsa_result_destroy(&r);
    cm_mmsa_model_free(m);
    return status;
}

static const cm_cli_sub_t mmsa_subs[] = {
    {"run", "run a model file: flows, stocks, end of life, recovery, bands, figures", mmsa_cmd_run},
    {NULL, NULL, NULL}};

static int mmsa_run_verb(int argc, char **argv)
{
    return cm_cli_dispatch("mmsa",
                           "Multilayer material system analysis: a model file stacks technology,\n"
                           "component, material and element layers on a cohort stock model\n"
                           "(docs/mmsa.md).",
                           mmsa_subs, argc, argv);
}

const cm_cli_verb_t cm_cli_verb_mmsa = {"mmsa", "multilayer material system analysis (wind)",
                                        mmsa_run_verb};

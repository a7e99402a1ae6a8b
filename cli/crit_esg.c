/* cambium crit esg: the ESG view of supply (production-weighted country indicators) beside SR
 * and EI; cambium crit crma: the CRM Act 2024 lists against the EU critical lists.
 * docs/supply.md. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

#define MAX_IND 8

static const char *fmt(double v, int digits, char *buf, size_t n)
{
    if (isnan(v)) {
        snprintf(buf, n, "-");
    } else {
        snprintf(buf, n, "%.*f", digits, v);
    }
    return buf;
}

/* Load the EU inputs and WGI of year wgi_year, bind and compute. */
static cm_error_t eu_compute(cm_store_t *store, const cm_crit_options_t *opt,
                             cm_crit_inputs_t *in, cm_crit_wgi_t *wgi, cm_crit_results_t *res,
                             cm_error_info_t *err)
{
    cm_error_t rc = cm_crit_load_eu(store, in, err);
    if (rc == CM_OK) {
        rc = cm_crit_wgi_load(store, opt->wgi_year, opt->wgi_year, wgi, err);
    }
    if (rc == CM_OK) {
        rc = cm_crit_bind(in, wgi, opt, err);
    }
    if (rc == CM_OK) {
        rc = cm_crit_compute(in, wgi, opt, res, err);
    }
    return rc;
}

/* --- crit esg -------------------------------------------------------------------------- */

static void esg_usage(FILE *out)
{
    fprintf(out,
            "usage: cambium crit esg [--store DB] [--wgi-year Y] [--esg-year Y]\n"
            "                        [--indicator NAME=FILE]... [--out DIR]\n"
            "\n"
            "The environmental-social-governance view of supply, beside SR and EI (never\n"
            "folded into them): per material and assessed stage, the means of the WGI\n"
            "voice-and-accountability (esg_va) and rule-of-law (esg_rl) estimates (-2.5 worst\n"
            "to 2.5 best) of the producing countries weighted by their global supply shares,\n"
            "and of any other country indicator given with --indicator. 'coverage' is the\n"
            "share of supply whose country has a WGI value.\n"
            "\n"
            "options:\n"
            "  --store DB              the store (default $CAMBIUM_STORE or cambium.db)\n"
            "  --wgi-year Y            WGI year of SR (default %d, as 'crit eu')\n"
            "  --esg-year Y            year of the va and rl estimates (default: --wgi-year)\n"
            "  --indicator NAME=FILE   a CSV with columns country,value (countries as ISO3\n"
            "                          codes or names); repeatable, up to %d\n"
            "  --out DIR               write esg.csv to DIR (created if missing)\n"
            "  -h, --help              print this help\n"
            "\n"
            "Exit codes: 0 success, 1 missing data or a bad indicator file, 2 usage error.\n",
            CM_CRIT_EU_WGI_YEAR, MAX_IND - 2);
}

static cm_error_t write_esg_csv(const char *dir, const cm_crit_inputs_t *in,
                                const cm_crit_results_t *res, size_t nind,
                                const cm_supply_indicator_t *ind, cm_error_info_t *err)
{
    if (cm_cli_make_dir(dir, err) != CM_OK) {
        return CM_EFILE;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/esg.csv", dir);
    cm_csv_writer_t *w = NULL;
    cm_error_t rc = cm_csv_writer_open(path, ',', &w, err);
    if (rc != CM_OK) {
        return rc;
    }
    const char *head[6 + MAX_IND + 1];
    char names[MAX_IND][40];
    size_t nh = 0;
    head[nh++] = "material";
    head[nh++] = "stage";
    head[nh++] = "sr_stage";
    head[nh++] = "sr";
    head[nh++] = "ei";
    for (size_t k = 0; k < nind; k++) {
        snprintf(names[k], sizeof names[k], "esg_%.31s", ind[k].name);
        head[nh++] = names[k];
    }
    head[nh++] = "coverage";
    rc = cm_csv_write_row(w, nh, head, err);
    for (size_t i = 0; i < in->n && rc == CM_OK; i++) {
        const cm_crit_material_t *m = &in->materials[i];
        for (int s = 0; s < CM_CRIT_NSTAGES && rc == CM_OK; s++) {
            const cm_crit_supply_t *sup = &m->supply[s][CM_CRIT_GLOBAL];
            if (sup->n == 0) {
                continue;
            }
            char b[4 + MAX_IND][32];
            const char *row[6 + MAX_IND + 1];
            size_t nr = 0;
            cm_real_t cov = NAN;
            row[nr++] = m->code;
            row[nr++] = cm_crit_stage_name(s);
            row[nr++] = cm_csv_format_double(res->items[i].stage[s].sr, b[0]);
            row[nr++] = cm_csv_format_double(res->items[i].sr, b[1]);
            row[nr++] = cm_csv_format_double(res->items[i].ei, b[2]);
            for (size_t k = 0; k < nind; k++) {
                cm_real_t c = NAN;
                row[nr++] = cm_csv_format_double(cm_supply_weighted_mean(sup, &ind[k], &c),
                                                 b[4 + k]);
                if (k == 0) {
                    cov = c;
                }
            }
            row[nr++] = cm_csv_format_double(cov, b[3]);
            rc = cm_csv_write_row(w, nr, row, err);
        }
    }
    return cm_cli_csv_close(w, rc, err);
}

int cm_cli_crit_esg(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"store", required_argument, NULL, 's'},     {"wgi-year", required_argument, NULL, 'y'},
        {"esg-year", required_argument, NULL, 'e'},  {"indicator", required_argument, NULL, 'i'},
        {"out", required_argument, NULL, 'o'},       {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *store_opt = NULL, *out_dir = NULL;
    const char *ind_arg[MAX_IND];
    size_t n_arg = 0;
    int esg_year = 0;
    cm_crit_options_t opt;
    cm_cli_crit_eu_options(&opt);
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 's': store_opt = optarg; break;
        case 'o': out_dir = optarg; break;
        case 'y':
            if (!cm_cli_parse_int(optarg, 1996, 2100, &opt.wgi_year)) {
                return cm_cli_usage_error("crit esg", "--wgi-year: expected a year, got '%s'",
                                          optarg);
            }
            break;
        case 'e':
            if (!cm_cli_parse_int(optarg, 1996, 2100, &esg_year)) {
                return cm_cli_usage_error("crit esg", "--esg-year: expected a year, got '%s'",
                                          optarg);
            }
            break;
        case 'i':
            if (strchr(optarg, '=') == NULL || optarg[0] == '=' || n_arg == MAX_IND - 2) {
                return cm_cli_usage_error("crit esg",
                                          "--indicator: expected NAME=FILE (up to %d), got '%s'",
                                          MAX_IND - 2, optarg);
            }
            ind_arg[n_arg++] = optarg;
            break;
        case 'h':
            esg_usage(stdout);
            return CM_EXIT_OK;
        default:
            return cm_cli_getopt_fail("crit esg", c, argv);
        }
    }
    if (optind < argc) {
        return cm_cli_usage_error("crit esg", "unexpected argument '%s'", argv[optind]);
    }
    if (esg_year == 0) {
        esg_year = opt.wgi_year;
    }
    cm_error_info_t err;
    memset(&err, 0, sizeof err);
    cm_store_t *store = NULL;
    cm_class_t *countries = NULL;
    cm_crit_inputs_t in;
    cm_crit_wgi_t wgi;
    cm_crit_results_t res;
    cm_supply_indicator_t ind[MAX_IND];
    memset(&in, 0, sizeof in);
    memset(&wgi, 0, sizeof wgi);
    memset(&res, 0, sizeof res);
    memset(ind, 0, sizeof ind);
    size_t nind = 0;
    int status = CM_EXIT_OK;
    cm_error_t rc = cm_store_open(cm_cli_store_path(store_opt), CM_STORE_READONLY, &store, &err);
    if (rc == CM_OK) {
        rc = eu_compute(store, &opt, &in, &wgi, &res, &err);
    }
    if (rc == CM_OK) {
        rc = cm_supply_indicator_load_wgi(store, "va", esg_year, &ind[nind++], &err);
    }
    if (rc == CM_OK) {
        rc = cm_supply_indicator_load_wgi(store, "rl", esg_year, &ind[nind++], &err);
    }
    if (rc == CM_OK && n_arg > 0) {
        rc = cm_class_load(store, "country", &countries, &err);
    }
    for (size_t k = 0; k < n_arg && rc == CM_OK; k++) {
        char name[64];
        const char *eq = strchr(ind_arg[k], '=');
        size_t len = (size_t)(eq - ind_arg[k]);
        snprintf(name, sizeof name, "%.*s", (int)(len < 63 ? len : 63), ind_arg[k]);
        rc = cm_supply_indicator_read_csv(eq + 1, name, countries, &ind[nind++], &err);
    }
    if (rc == CM_OK) {
        char a[32], b[32], d[32], e[32];
        printf("ESG view of supply beside SR and EI (EU 2023 global supply shares; WGI %d for "
               "SR, estimates %d for va and rl, -2.5 worst to 2.5 best)\n",
               opt.wgi_year, esg_year);
        printf("%-26s %-10s %5s %5s %5s", "material", "stage", "SR_st", "SR", "EI");
        for (size_t k = 0; k < nind; k++) {
            char h[40];
            snprintf(h, sizeof h, "esg_%.31s", ind[k].name);
            printf(" %8s", h);
        }
        printf(" %8s\n", "coverage");
        for (size_t i = 0; i < in.n; i++) {
            const cm_crit_material_t *m = &in.materials[i];
            for (int s = 0; s < CM_CRIT_NSTAGES; s++) {
                const cm_crit_supply_t *sup = &m->supply[s][CM_CRIT_GLOBAL];
                if (sup->n == 0) {
                    continue;
                }
                printf("%-26s %-10s %5s %5s %5s", m->name, cm_crit_stage_name(s),
                       fmt(cm_crit_round1(res.items[i].stage[s].sr), 1, a, sizeof a),
                       fmt(cm_crit_round1(res.items[i].sr), 1, b, sizeof b),
                       fmt(cm_crit_round1(res.items[i].ei), 1, d, sizeof d));
                cm_real_t cov = NAN;
                for (size_t k = 0; k < nind; k++) {
                    cm_real_t cv = NAN;
                    printf(" %8s", fmt(cm_supply_weighted_mean(sup, &ind[k], &cv), 2, e, sizeof e));
                    if (k == 0) {
                        cov = cv;
                    }
                }
                printf(" %8s\n", fmt(cov, 3, a, sizeof a));
            }
        }
        if (out_dir != NULL) {
            rc = write_esg_csv(out_dir, &in, &res, nind, ind, &err);
        }
    }
    if (rc != CM_OK) {
        status = cm_cli_fail(&err, rc);
    }
    for (size_t k = 0; k < MAX_IND; k++) {
        cm_supply_indicator_destroy(&ind[k]);
    }
    cm_class_free(countries);
    cm_crit_results_destroy(&res);
    cm_crit_wgi_destroy(&wgi);
    cm_crit_inputs_destroy(&in);
    cm_store_close(store);
    return status;
}

/* --- crit crma ------------------------------------------------------------------------- */

static void crma_usage(FILE *out)
{
    fprintf(out,
            "usage: cambium crit crma [--store DB] [--wgi-year Y] [--wgi-fallback V]\n"
            "                         [--codes FILE] [--no-be] [--out DIR]\n"
            "\n"
            "Set the CRM Act 2024 critical (Annex II) and strategic (Annex I) lists (import\n"
            "crma-lists first) against the EU 2023 critical list, published and recomputed\n"
            "(SR >= 1.0 and EI >= 2.8), with a note on each disagreement. Materials critical\n"
            "by the EU values but not on the CRMA list (nor members of a listed group) are\n"
            "added. The Belgian list (be) comes from 'crit be' computed on the same store\n"
            "(BACI Belgian imports, OECD IOT of Belgium); when it cannot be computed the\n"
            "reason is printed and be is '-'.\n"
            "\n"
            "options:\n"
            "  --store DB      the store (default $CAMBIUM_STORE or cambium.db)\n"
            "  --wgi-year Y    WGI year of the recomputation (default %d)\n"
            "  --wgi-fallback V  scaled WGI (0-10) for countries without one (default: an\n"
            "                  error for the EU, the Belgian list left out)\n"
            "  --codes FILE    trade code table of 'crit be' (default: the built-in\n"
            "                  data/crit/hs6-materials.csv)\n"
            "  --no-be         compare with the EU lists only\n"
            "  --out DIR       write crma.csv to DIR (created if missing)\n"
            "  -h, --help      print this help\n"
            "\n"
            "Exit codes: 0 success, 1 missing data, 2 usage error.\n",
            CM_CRIT_EU_WGI_YEAR);
}

static const char *yesno(int v)
{
    return v == CM_SUPPLY_YES ? "yes" : v == CM_SUPPLY_NO ? "no" : "-";
}

static cm_error_t write_crma_csv(const char *dir, const cm_supply_crma_t *t, cm_error_info_t *err)
{
    if (cm_cli_make_dir(dir, err) != CM_OK) {
        return CM_EFILE;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/crma.csv", dir);
    cm_csv_writer_t *w = NULL;
    cm_error_t rc = cm_csv_writer_open(path, ',', &w, err);
    if (rc != CM_OK) {
        return rc;
    }
    static const char *const head[] = {"material", "assessed_as", "crma_critical",
                                       "crma_strategic", "eu_critical_published",
                                       "eu_critical_computed", "be_critical", "sr", "ei", "note"};
    rc = cm_csv_write_row(w, 10, head, err);
    for (size_t i = 0; i < t->n && rc == CM_OK; i++) {
        const cm_supply_crma_row_t *r = &t->items[i];
        char b[2][32];
        const char *row[] = {r->material, r->assessed, yesno(r->crma_critical),
                             yesno(r->crma_strategic), yesno(r->eu_published), yesno(r->eu_computed),
                             yesno(r->be_critical), cm_csv_format_double(r->sr, b[0]),
                             cm_csv_format_double(r->ei, b[1]), r->note};
        rc = cm_csv_write_row(w, 10, row, err);
    }
    return cm_cli_csv_close(w, rc, err);
}

/* The Belgian assessment as 'crit be' computes it; on failure the reason goes to note and 0 is
 * returned (the comparison is then made with the EU only). */
static int be_compute(cm_store_t *store, const char *codes, const cm_crit_inputs_t *eu,
                      const cm_crit_wgi_t *wgi, const cm_crit_options_t *opt,
                      cm_crit_inputs_t *be, cm_crit_results_t *be_res, char *note, size_t n)
{
    cm_error_info_t err;
    cm_crit_be_map_t map;
    cm_crit_be_report_t rep;
    cm_crit_be_options_t bo;
    memset(&err, 0, sizeof err);
    memset(&map, 0, sizeof map);
    memset(&rep, 0, sizeof rep);
    cm_crit_be_options_default(&bo);
    cm_crit_options_t o = *opt;
    cm_error_t rc = codes != NULL ? cm_crit_be_map_load(codes, &map, &err)
                                  : cm_crit_be_map_builtin(&map, &err);
    if (rc == CM_OK) {
        rc = cm_crit_load_be(store, eu, &map, &bo, be, &rep, &err);
    }
    if (rc == CM_OK) {
        rc = cm_crit_bind(be, wgi, &o, &err);
    }
    if (rc == CM_OK) {
        o.va_max = rep.va_max;
        rc = cm_crit_compute(be, wgi, &o, be_res, &err);
    }
    if (rc != CM_OK) {
        cm_error_format(&err, note, n);
        cm_crit_results_destroy(be_res);
        cm_crit_inputs_destroy(be);
    }
    cm_crit_be_report_destroy(&rep);
    cm_crit_be_map_destroy(&map);
    return rc == CM_OK;
}

int cm_cli_crit_crma(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"store", required_argument, NULL, 's'}, {"wgi-year", required_argument, NULL, 'y'},
        {"out", required_argument, NULL, 'o'},   {"help", no_argument, NULL, 'h'},
        {"codes", required_argument, NULL, 'c'}, {"no-be", no_argument, NULL, 'n'},
        {"wgi-fallback", required_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
    const char *store_opt = NULL, *out_dir = NULL, *codes = NULL;
    int with_be = 1;
    cm_crit_options_t opt;
    cm_cli_crit_eu_options(&opt);
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 's': store_opt = optarg; break;
        case 'o': out_dir = optarg; break;
        case 'y':
            if (!cm_cli_parse_int(optarg, 1996, 2100, &opt.wgi_year)) {
                return cm_cli_usage_error("crit crma", "--wgi-year: expected a year, got '%s'",
                                          optarg);
            }
            break;
        case 'c': codes = optarg; break;
        case 'n': with_be = 0; break;
        case 'f':
            if (cm_cli_opt_wgi_fallback("crit crma", optarg, &opt) != CM_EXIT_OK) {
                return CM_EXIT_USAGE;
            }
            break;
        case 'h':
            crma_usage(stdout);
            return CM_EXIT_OK;
        default:
            return cm_cli_getopt_fail("crit crma", c, argv);
        }
    }
    if (optind < argc) {
        return cm_cli_usage_error("crit crma", "unexpected argument '%s'", argv[optind]);
    }
    cm_error_info_t err;
    memset(&err, 0, sizeof err);
    cm_store_t *store = NULL;
    cm_class_t *mat = NULL;
    cm_crit_inputs_t in;
    cm_crit_wgi_t wgi;
    cm_crit_results_t res;
    cm_supply_crma_t t;
    cm_crit_inputs_t be;
    cm_crit_results_t be_res;
    char be_note[600] = "";
    int have_be = 0;
    memset(&be, 0, sizeof be);
    memset(&be_res, 0, sizeof be_res);
    memset(&in, 0, sizeof in);
    memset(&wgi, 0, sizeof wgi);
    memset(&res, 0, sizeof res);
    memset(&t, 0, sizeof t);
    int status = CM_EXIT_OK;
    cm_error_t rc = cm_store_open(cm_cli_store_path(store_opt), CM_STORE_READONLY, &store, &err);
    if (rc == CM_OK) {
        rc = cm_supply_crma_load(store, &t, &err);
    }
    if (rc == CM_OK) {
        rc = eu_compute(store, &opt, &in, &wgi, &res, &err);
    }
    if (rc == CM_OK) {
        rc = cm_class_load(store, "material", &mat, &err);
    }
    if (rc == CM_OK && with_be) {
        have_be = be_compute(store, codes, &in, &wgi, &opt, &be, &be_res, be_note,
                             sizeof be_note);
    }
    if (rc == CM_OK) {
        rc = cm_supply_crma_compare(&t, &in, &res, &opt, have_be ? &be : NULL,
                                    have_be ? &be_res : NULL, mat, &err);
    }
    if (rc == CM_OK) {
        char a[32], b[32];
        printf("CRM Act 2024 lists against the EU 2023 critical list (published and recomputed "
               "with WGI %d)",
               opt.wgi_year);
        if (have_be) {
            printf(" and the Belgian list (crit be)\n");
        } else if (!with_be) {
            printf("; EU only (--no-be)\n");
        } else {
            printf("; EU only: no Belgian list (%s)\n", be_note);
        }
        printf("%-26s %-5s %-5s %-5s %-5s %-3s %5s %5s  %s\n", "material", "crit", "strat",
               "pub", "comp", "be", "SR", "EI", "note");
        size_t crit = 0, strat = 0;
        for (size_t i = 0; i < t.n; i++) {
            const cm_supply_crma_row_t *r = &t.items[i];
            crit += r->crma_critical == CM_SUPPLY_YES;
            strat += r->crma_strategic == CM_SUPPLY_YES;
            printf("%-26s %-5s %-5s %-5s %-5s %-3s %5s %5s  %s\n", r->material,
                   yesno(r->crma_critical), yesno(r->crma_strategic), yesno(r->eu_published),
                   yesno(r->eu_computed), yesno(r->be_critical), fmt(cm_crit_round1(r->sr), 1, a, sizeof a),
                   fmt(cm_crit_round1(r->ei), 1, b, sizeof b), r->note);
        }
        printf("\nCRMA rows: %zu critical, %zu strategic (one strategic entry of the Act may span "
               "several rows)\n",
               crit, strat);
        if (out_dir != NULL) {
            rc = write_crma_csv(out_dir, &t, &err);
        }
    }
    if (rc != CM_OK) {
        status = cm_cli_fail(&err, rc);
    }
    cm_supply_crma_destroy(&t);
    cm_crit_results_destroy(&be_res);
    cm_crit_inputs_destroy(&be);
    cm_class_free(mat);
    cm_crit_results_destroy(&res);
    cm_crit_wgi_destroy(&wgi);
    cm_crit_inputs_destroy(&in);
    cm_store_close(store);
    return status;
}

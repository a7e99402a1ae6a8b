/* cambium reconcile: STAN-like data reconciliation of a flow system (docs/reconcile.md).
 *   reconcile run MODEL --out DIR
 *   reconcile report MODEL [--rel-sd R] [--top N] */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cambium/cm_reconcile.h"

static void run_usage(FILE *out)
{
    fprintf(out,
            "usage: cambium reconcile run MODEL --out DIR\n"
            "\n"
            "Reconcile the flows of a model file (docs/reconcile.md) by weighted least squares\n"
            "under the balances, transfer coefficients and relations; print the table and the\n"
            "tests, and write recon_flows.csv, recon_derived.csv, recon_tests.json and the\n"
            "Sankey diagram recon_sankey.svg into DIR.\n"
            "\n"
            "  --out DIR     output folder (created)\n"
            "  --no-figures  no Sankey diagram\n"
            "  --quiet       no table on standard output (the summary only)\n"
            "  --timings     print 'timings: read X s, compute Y s, write Z s' on stderr\n");
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void report_usage(FILE *out)
{
    fprintf(out,
            "usage: cambium reconcile report MODEL [--rel-sd R] [--top N]\n"
            "\n"
            "The data-gap and inconsistency report of a model: what is missing (unobservable\n"
            "flows, balances without data, unchecked data), what contradicts what (flagged\n"
            "measurements, the balances with the largest normalised residuals), and which single\n"
            "new datum would most reduce the uncertainty of the model's target (or of all flows).\n"
            "\n"
            "  --rel-sd R  relative standard deviation of the new datum (default 0.1)\n"
            "  --top N     candidates and balances listed (default 5)\n");
}

static const char *num(double v, char *buf)
{
    return cm_cli_num(v, buf);
}

/* Four significant digits for the narrative of the report (the CSV keep every digit). */
static const char *num4(double v, char *buf)
{
    snprintf(buf, 32, "%.4g", v == 0 ? 0.0 : v);
    return buf;
}

/* Load and solve; prints the error and returns non-zero on failure. */
static int load_solve(const char *path, cm_recon_model_t **m, cm_recon_result_t *r,
                      int *status)
{
    cm_error_info_t err;
    cm_error_t rc = cm_recon_model_load(path, m, &err);
    if (rc == CM_OK) {
        rc = cm_recon_solve(*m, r, &err);
    }
    if (rc != CM_OK) {
        *status = cm_cli_fail(&err, rc);
        return 1;
    }
    return 0;
}

static void print_tests(const cm_recon_result_t *r, const char *(*fmt)(double, char *))
{
    char a[32], b[32], c[32];
    if (r->dof == 0) {
        printf("global test: no redundancy (nu = 0): nothing to test\n");
        return;
    }
    printf("global test: h = %s, nu = %zu, 95 %% critical value %s, p = %s: %s\n", fmt(r->h, a),
           r->dof, fmt(r->h_crit, b), fmt(r->p_value, c),
           r->h <= r->h_crit ? "accepted" : "rejected (the data contradict each other)");
}

static int rc_cmd_run(int argc, char **argv)
{
    static const struct option longopts[] = {{"out", required_argument, NULL, 'o'},
                                              {"no-figures", no_argument, NULL, 'n'},
                                              {"quiet", no_argument, NULL, 'q'},
                                              {"timings", no_argument, NULL, 't'},
                                              {"help", no_argument, NULL, 'h'},
                                              {NULL, 0, NULL, 0}};
    const char *out = NULL;
    int c, figures = 1, quiet = 0, timings = 0;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":ho:", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            out = optarg;
            break;
        case 'n':
            figures = 0;
            break;
        case 'q':
            quiet = 1;
            break;
        case 't':
            timings = 1;
            break;
        case 'h':
            run_usage(stdout);
            return CM_EXIT_OK;
        default:
            return cm_cli_getopt_fail("reconcile run", c, argv);
        }
    }
    if (optind + 1 != argc) {
        return cm_cli_usage_error("reconcile run", "expected one model file");
    }
    if (out == NULL) {
        return cm_cli_usage_error("reconcile run", "--out DIR is required");
    }
    cm_recon_model_t *m = NULL;
    cm_recon_result_t r = {0};
    cm_error_info_t err;
    int status = CM_EXIT_OK;
    double t0 = now(), t1 = 0, t2 = 0;
    cm_error_t rc = cm_recon_model_load(argv[optind], &m, &err);
    if (rc == CM_OK) {
        t1 = now();
        rc = cm_recon_solve(m, &r, &err);
        t2 = now();
    }
    if (rc == CM_OK) {
        rc = cm_cli_make_dir(out, &err);
    }
    if (rc == CM_OK) {
        rc = cm_recon_write_files(m, &r, out, figures, &err);
    }
    if (rc == CM_OK && timings) {
        fprintf(stderr, "timings: read %.6f s, compute %.6f s, write %.6f s\n", t1 - t0, t2 - t1,
                now() - t2);
    }
    if (rc == CM_OK) {
        const char *unit = cm_recon_unit(m);
        if (!quiet) {
            printf("%-16s %12s %10s %12s %10s %7s  %s\n", "flow", "measured", "sd",
                   "reconciled", "sd^", "z", "flag");
        }
        for (size_t f = 0; f < r.nflows && !quiet; f++) {
            double v, sd;
            char b[5][32];
            int meas = cm_recon_flow_info(m, f, NULL, NULL, &v, &sd);
            const char *flag = r.status[f] == CM_RECON_UNOBSERVABLE ? "unobservable"
                               : r.status[f] == CM_RECON_NONREDUNDANT ? "non-redundant"
                               : !isnan(r.z[f]) && r.z[f] > 1.96 ? "gross error?"
                                                                  : "";
            printf("%-16s %12s %10s %12s %10s %7s  %s\n", cm_recon_flow_name(m, f),
                   meas ? num(v, b[0]) : "?", meas ? num(sd, b[1]) : "",
                   r.status[f] == CM_RECON_UNOBSERVABLE ? "-" : num(r.value[f], b[2]),
                   r.status[f] == CM_RECON_UNOBSERVABLE ? "-" : num(r.sd[f], b[3]),
                   isnan(r.z[f]) ? "" : num(floor(r.z[f] * 100 + 0.5) / 100, b[4]), flag);
        }
        for (size_t d = 0; d < r.nderived; d++) {
            char b[2][32];
            printf("derived %s = %s +- %s\n", cm_recon_derived_name(m, d),
                   isnan(r.derived_value[d]) ? "unobservable" : num(r.derived_value[d], b[0]),
                   isnan(r.derived_sd[d]) ? "-" : num(r.derived_sd[d], b[1]));
        }
        print_tests(&r, num);
        printf("unit: %s; constraints %zu (%zu dropped as combinations of others)\n",
               unit[0] ? unit : "-", r.nconstraints, r.ndropped);
        printf("wrote %s/recon_flows.csv, recon_derived.csv, recon_tests.json%s\n", out,
               figures ? ", recon_sankey.svg" : "");
    }
    status = rc == CM_OK ? CM_EXIT_OK : cm_cli_fail(&err, rc);
    cm_recon_result_destroy(&r);
    cm_recon_model_free(m);
    return status;
}

/* Indices of the flows sorted by z, largest first (only flagged ones); z equal to 1e-9
 * (ties are common: data in series share their test) keep the model order. */
static size_t flagged(const cm_recon_result_t *r, size_t *idx)
{
    size_t n = 0;
    for (size_t f = 0; f < r->nflows; f++) {
        if (!isnan(r->z[f]) && r->z[f] > 1.96) {
            size_t k = n++;
            while (k > 0 && r->z[idx[k - 1]] * (1 + 1e-9) < r->z[f]) {
                idx[k] = idx[k - 1];
                k--;
            }
            idx[k] = f;
        }
    }
    return n;
}

static void print_report(const cm_recon_model_t *m, const cm_recon_result_t *r,
                         const cm_recon_report_t *rep, double rel, int top, size_t *idx)
{
    char a[32], b[32], c[32], d[32], e[32];
    print_tests(r, num4);
    printf("\nmissing\n");
    int any = 0;
    for (size_t f = 0; f < r->nflows; f++) {
        if (r->status[f] == CM_RECON_UNOBSERVABLE) {
            printf("%s %s", any ? "," : "  unobservable flows (not determined by the data):",
                   cm_recon_flow_name(m, f));
            any = 1;
        }
    }
    printf(any ? "\n" : "  unobservable flows: none\n");
    any = 0;
    for (size_t k = 0; k < rep->nempty; k++) {
        printf("%s %s", any ? "," : "  balances without data (all flows unknown):",
               cm_recon_process_name(m, rep->empty_balances[k]));
        any = 1;
    }
    printf(any ? "\n" : "  balances without data: none\n");
    any = 0;
    for (size_t f = 0; f < r->nflows; f++) {
        if (r->status[f] == CM_RECON_NONREDUNDANT) {
            printf("%s %s", any ? "," : "  data checked by no balance (non-redundant):",
                   cm_recon_flow_name(m, f));
            any = 1;
        }
    }
    printf(any ? "\n" : "  data checked by no balance: none\n");
    printf("\ncontradictions\n");
    size_t nflag = flagged(r, idx);
    if (nflag == 0) {
        printf("  flagged measurements (z > 1.96): none\n");
    } else {
        printf("  flagged measurements (z > 1.96), most likely in error first:\n");
    }
    for (size_t k = 0; k < nflag; k++) {
        size_t f = idx[k];
        double v, sd;
        cm_recon_flow_info(m, f, NULL, NULL, &v, &sd);
        printf("    %-16s z = %s: measured %s +- %s, reconciled %s (off by %s sd)\n",
               cm_recon_flow_name(m, f), num4(floor(r->z[f] * 100 + 0.5) / 100, a), num4(v, b),
               num4(sd, c), num4(r->value[f], d),
               num4(fabs(r->value[f] - v) / sd, e));
    }
    size_t tied = 1;
    while (tied < nflag && r->z[idx[tied]] * (1 + 1e-9) >= r->z[idx[0]]) {
        tied++;
    }
    if (tied > 1) {
        printf("  note: the first %zu share the largest z: the data cannot tell which of them is "
               "wrong (one more datum on them would)\n", tied);
    }
    /* balances by normalised residual */
    size_t nb = 0;
    for (size_t i = 0; i < rep->nbalance; i++) {
        if (!isnan(rep->balance_test[i])) {
            size_t k = nb++;
            while (k > 0 && rep->balance_test[idx[k - 1]] * (1 + 1e-9) + 1e-12 <
                                rep->balance_test[i]) {
                idx[k] = idx[k - 1];
                k--;
            }
            idx[k] = i;
        }
    }
    printf("  balances with the largest normalised residuals (|lambda| / sd, > 1.96 suspect):\n");
    for (size_t k = 0; k < nb && k < (size_t)top; k++) {
        size_t i = idx[k];
        printf("    %-16s %s\n", cm_recon_constraint_name(m, i), num4(floor(rep->balance_test[i] * 100 + 0.5) / 100, a));
    }
    if (nb == 0) {
        printf("    none (no balance is redundant)\n");
    }
    printf("\nmost valuable single datum (new datum with relative sd %s)\n", num4(rel, a));
    if (rep->target_flow >= 0) {
        printf("  target: variance of flow %s = %s\n",
               cm_recon_flow_name(m, (size_t)rep->target_flow), num4(rep->target_var, a));
    } else if (rep->target_derived >= 0) {
        printf("  target: variance of %s = %s\n",
               cm_recon_derived_name(m, (size_t)rep->target_derived), num4(rep->target_var, a));
    } else {
        printf("  target: sum of the variances of all flows = %s\n", num4(rep->target_var, a));
    }
    int shown = 0;
    for (size_t k = 0; k < rep->ncand && shown < top; k++) {
        const cm_recon_candidate_t *cd = &rep->cand[k];
        if (isnan(cd->reduction)) {
            continue;
        }
        shown++;
        printf("  %d. %-16s sd %s: target variance -%s (%s %%)\n", shown,
               cm_recon_flow_name(m, cd->flow), num4(cd->sd_new, a), num4(cd->reduction, b),
               num4(floor(cd->fraction * 1000 + 0.5) / 10, c));
    }
    if (shown == 0) {
        printf("  no candidate reduces the target variance\n");
    }
    any = 0;
    for (size_t k = 0; k < rep->ncand; k++) {
        const cm_recon_candidate_t *cd = &rep->cand[k];
        if (isnan(cd->reduction)) {
            if (!any) {
                printf("  unobservable flows worth measuring (flows it would make observable):\n");
            }
            any = 1;
            printf("    %-16s %zu\n", cm_recon_flow_name(m, cd->flow), cd->newly_observable);
        }
    }
}

static int rc_cmd_report(int argc, char **argv)
{
    static const struct option longopts[] = {{"rel-sd", required_argument, NULL, 'r'},
                                              {"top", required_argument, NULL, 't'},
                                              {"help", no_argument, NULL, 'h'},
                                              {NULL, 0, NULL, 0}};
    double rel = 0.1;
    int top = 5, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'r':
            if (!cm_cli_parse_real(optarg, &rel) || !(rel > 0 && rel <= 1)) {
                return cm_cli_usage_error("reconcile report", "--rel-sd: expected a number in "
                                          "(0, 1], got '%s'", optarg);
            }
            break;
        case 't':
            if (!cm_cli_parse_int(optarg, 1, 1000, &top)) {
                return cm_cli_usage_error("reconcile report", "--top: expected 1 .. 1000, got "
                                          "'%s'", optarg);
            }
            break;
        case 'h':
            report_usage(stdout);
            return CM_EXIT_OK;
        default:
            return cm_cli_getopt_fail("reconcile report", c, argv);
        }
    }
    if (optind + 1 != argc) {
        return cm_cli_usage_error("reconcile report", "expected one model file");
    }
    cm_recon_model_t *m = NULL;
    cm_recon_result_t r = {0};
    cm_recon_report_t rep = {0};
    cm_error_info_t err;
    int status = CM_EXIT_OK;
    if (load_solve(argv[optind], &m, &r, &status)) {
        cm_recon_model_free(m);
        return status;
    }
    cm_error_t rc = cm_recon_report(m, &r, rel, &rep, &err);
    size_t n = r.nflows > rep.nbalance ? r.nflows : rep.nbalance;
    size_t *idx = rc == CM_OK ? cm_malloc_array(n > 0 ? n : 1, sizeof *idx) : NULL;
    if (rc == CM_OK && idx == NULL) {
        rc = cm_error_set(&err, CM_ENOMEM, "out of memory");
    }
    if (rc == CM_OK) {
        printf("data-gap and inconsistency report: %s (%zu processes, %zu flows)\n",
               argv[optind], cm_recon_nprocesses(m), r.nflows);
        print_report(m, &r, &rep, rel, top, idx);
    }
    status = rc == CM_OK ? CM_EXIT_OK : cm_cli_fail(&err, rc);
    cm_free(idx);
    cm_recon_report_destroy(&rep);
    cm_recon_result_destroy(&r);
    cm_recon_model_free(m);
    return status;
}

static const cm_cli_sub_t rc_subs[] = {
    {"run", "reconcile a model: table, tests, CSV, JSON, Sankey", rc_cmd_run},
    {"report", "data gaps, contradictions and the most valuable new datum", rc_cmd_report},
    {NULL, NULL, NULL}};

static int rc_run_verb(int argc, char **argv)
{
    return cm_cli_dispatch("reconcile",
                           "STAN-like data reconciliation of a material flow system: weighted\n"
                           "least squares under balances, with tests for gross errors and a\n"
                           "data-gap report (docs/reconcile.md).",
                           rc_subs, argc, argv);
}

const cm_cli_verb_t cm_cli_verb_reconcile = {"reconcile", "data reconciliation (STAN-like)",
                                             rc_run_verb};

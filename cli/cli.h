/* Shared pieces of the cambium CLI: verb table entries, exit codes, error and progress output.
 * The CLI is a client of the public API only (it never includes src/ headers). */
#ifndef CAMBIUM_CLI_H
#define CAMBIUM_CLI_H

#include <stdio.h>

#include <jansson.h>

#include "cambium/cambium.h"

enum {
    CM_EXIT_OK = 0,    /* success */
    CM_EXIT_WORK = 1,  /* the work failed: bad data, numerical failure, I/O */
    CM_EXIT_USAGE = 2  /* bad command line */
};

typedef struct cm_cli_verb_t {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv); /* argv[0] is the verb name */
} cm_cli_verb_t;

/* The verbs (one source file each: cli/verb_<name>.c). */
extern const cm_cli_verb_t cm_cli_verb_datasets;
extern const cm_cli_verb_t cm_cli_verb_import;
extern const cm_cli_verb_t cm_cli_verb_crit;
extern const cm_cli_verb_t cm_cli_verb_supply;
extern const cm_cli_verb_t cm_cli_verb_mrio;
extern const cm_cli_verb_t cm_cli_verb_dsm;
extern const cm_cli_verb_t cm_cli_verb_mmsa;
extern const cm_cli_verb_t cm_cli_verb_trade;
extern const cm_cli_verb_t cm_cli_verb_mfa;
extern const cm_cli_verb_t cm_cli_verb_reconcile;
extern const cm_cli_verb_t cm_cli_verb_serve;
extern const cm_cli_verb_t cm_cli_verb_assess;

/* Subcommands of `cambium crit` (cli/verb_crit.c dispatches them by name). */
int cm_cli_crit_eu(int argc, char **argv);
int cm_cli_crit_mc(int argc, char **argv);
int cm_cli_crit_sensitivity(int argc, char **argv);
/* The options `crit eu` reproduces the EU 2023 assessment with: the defaults, the WGI year of
 * the reproduction (CM_CRIT_EU_WGI_YEAR) and the published EI for materials without end uses.
 * `crit esg` and `crit crma` use the same, so that their SR and EI equal `crit eu`'s. */
void cm_cli_crit_eu_options(cm_crit_options_t *opt);
/* Shared by crit eu, mc and sensitivity (cli/crit_common.c): load variant eu or be from the store
 * (be: EI denominator in opt->va_max), the WGI of opt->wgi_year (0 = EU default), bind. */
cm_error_t cm_cli_crit_prepare(const char *store_opt, const char *variant, cm_crit_options_t *opt,
                               cm_crit_inputs_t *in, cm_crit_wgi_t *wgi, cm_error_info_t *err);
/* Shared by the crit and supply front ends (cli/crit_common.c). */
/* Parse a whole, finite number; 1 on success (then *out is set), 0 otherwise. */
int cm_cli_parse_real(const char *text, double *out);
/* Parse a whole decimal integer in [lo, hi]; 1 on success (then *out is set), 0 otherwise. */
int cm_cli_parse_int(const char *text, int lo, int hi, int *out);
/* mkdir of one level (an existing directory is fine); CM_EFILE naming the directory. */
cm_error_t cm_cli_make_dir(const char *dir, cm_error_info_t *err);
/* v formatted for CSV (cm_csv_format_double) into buf (at least 32 bytes); returns buf. */
const char *cm_cli_num(double v, char *buf);
/* JSON number, null for NaN (an infinity gives NULL, a failure for cm_cli_jset). */
json_t *cm_cli_jnum(double v);
/* JSON number, null for any non-finite value. */
json_t *cm_cli_jfinite(double v);
/* Set o[k] = v (stealing v); non-zero when v is NULL or the set fails. */
int cm_cli_jset(json_t *o, const char *k, json_t *v);
/* Finish a CSV writer: commit when rc is CM_OK (returning the commit's code), otherwise abort
 * (the target is left as it was) and return rc. */
cm_error_t cm_cli_csv_close(cm_csv_writer_t *w, cm_error_t rc, cm_error_info_t *err);
/* The SR (horizontal, "SR = x") and EI (vertical, "EI = y") threshold lines of an SR x EI plot. */
cm_error_t cm_cli_svg_thresholds(cm_svg_t *fig, const cm_crit_options_t *opt, cm_error_info_t *err);
/* The usage error for getopt_long's result c after a ':' optstring: "option '...' needs a value"
 * for ':', "unknown option '...'" otherwise; returns CM_EXIT_USAGE. */
int cm_cli_getopt_fail(const char *verb, int c, char **argv);
/* --wgi-fallback V: a scaled WGI in [0, 10] into opt->wgi_fallback with mode
 * CM_CRIT_WGI_FALLBACK; CM_EXIT_OK, or CM_EXIT_USAGE after the usage error. */
int cm_cli_opt_wgi_fallback(const char *verb, const char *text, cm_crit_options_t *opt);
int cm_cli_crit_be(int argc, char **argv);
int cm_cli_crit_esg(int argc, char **argv);  /* cli/crit_esg.c: ESG view beside SR and EI */
int cm_cli_crit_crma(int argc, char **argv); /* cli/crit_esg.c: CRMA lists vs computed */
int cm_cli_crit_whatif(int argc, char **argv); /* cli/crit_whatif.c: a supplier's share cut */
/* cambium supply <material> (cli/verb_supply.c). */
int cm_cli_supply(int argc, char **argv);
int cm_cli_crit_geopolrisk(int argc, char **argv);
/* cambium trade waste (cli/trade_waste.c). */
int cm_cli_trade_waste(int argc, char **argv);
/* cambium trade carriers (cli/trade_carriers.c). */
int cm_cli_trade_carriers(int argc, char **argv);
/* cambium trade prioritise (cli/trade_prioritise.c). */
int cm_cli_trade_prioritise(int argc, char **argv);

/* Set the program name, install the library log handler (warnings to stderr). */
void cm_cli_init(const char *argv0);
/* "cambium 0.1.0" + BLAS and SQLite lines. */
void cm_cli_print_version(FILE *out);
/* Print "cambium: file:line:col: message" to stderr and return CM_EXIT_WORK (or CM_EXIT_USAGE
 * for CM_EINVAL raised by argument checks when usage_error is non-zero). */
int cm_cli_fail(const cm_error_info_t *err, cm_error_t rc);
/* Print "cambium <verb>: message" and a hint to run --help; returns CM_EXIT_USAGE. */
int cm_cli_usage_error(const char *verb, const char *fmt, ...) CM_PRINTF(2, 3);

/* A subcommand of a verb with subcommands (crit, mrio, mmsa). */
typedef struct cm_cli_sub_t {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
} cm_cli_sub_t;

/* Dispatch argv[1] among \p subs (NULL-terminated) of \p verb: with no subcommand the usage
 * ("usage: cambium VERB <subcommand> [options]", \p intro, the subcommands with their
 * summaries) goes to stderr (exit 2), with --help/-h to stdout (exit 0); an unknown one is a
 * usage error naming the expected ones. */
int cm_cli_dispatch(const char *verb, const char *intro, const cm_cli_sub_t *subs, int argc,
                    char **argv);
/* Whether stderr is a terminal (progress is only shown then). */
int cm_cli_stderr_is_tty(void);
/* A progress callback for library functions: prints "\r<what> <done>/<total>" on a terminal. */
void cm_cli_progress(const char *what, int64_t done, int64_t total, void *user_data);
/* The store path from --store, $CAMBIUM_STORE or the default "cambium.db". */
const char *cm_cli_store_path(const char *option_value);

/* Single-exit helpers as in the library (the CLI does not include src/ headers): the function
 * declares `cm_error_t rc` and a `cleanup:` label. CM_TRY keeps a failing code in rc and jumps;
 * CM_FAIL sets rc and jumps; CM_NOMEM fails with CM_ENOMEM when ptr is NULL. */
#define CM_TRY(expr)       \
    do {                   \
        rc = (expr);       \
        if (rc != CM_OK) { \
            goto cleanup;  \
        }                  \
    } while (0)
#define CM_FAIL(expr) \
    do {              \
        rc = (expr);  \
        goto cleanup; \
    } while (0)
#define CM_NOMEM(ptr, err)                                           \
    do {                                                             \
        if ((ptr) == NULL) {                                         \
            rc = cm_error_set((err), CM_ENOMEM, "out of memory");    \
            goto cleanup;                                            \
        }                                                            \
    } while (0)

#endif

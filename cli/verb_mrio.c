/* cambium mrio: environmentally extended input-output analysis (docs/mrio.md).
 *   mrio calc IN... --out DIR      x, A, M and the accounts, written in pymrio's layout
 *   mrio footprint IN --region R   material footprint (RMC, RMI, domestic/imported, per capita),
 *                                   by final-demand category; --out DIR writes it as files
 * An input is a pymrio folder or .zip, a WIOD 2013 folder or an OECD national IOT (.csv);
 * "YEAR=PATH" labels it with a year (several years in one call, one output folder each). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "cambium/cm_mrio.h"

typedef enum { FMT_AUTO, FMT_PYMRIO, FMT_WIOD, FMT_OECD } mrio_fmt_t;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int has_file(const char *dir, const char *name)
{
    char p[4096];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return stat(p, &st) == 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Read one input of any supported layout. */
static cm_error_t read_input(const char *path, mrio_fmt_t fmt, cm_mrio_t *m, cm_error_info_t *err)
{
    if (fmt == FMT_AUTO) {
        if (is_dir(path) && has_file(path, "wiod2011_Z.csv")) {
            fmt = FMT_WIOD;
        } else if (!is_dir(path) && ends_with(path, ".csv")) {
            fmt = FMT_OECD;
        } else {
            fmt = FMT_PYMRIO;
        }
    }
    switch (fmt) {
    case FMT_WIOD:
        return cm_mrio_read_wiod(path, m, err);
    case FMT_OECD:
        return cm_mrio_read_oecd_iot(path, m, err);
    default:
        return cm_mrio_read(path, m, err);
    }
}

/* "2011=dir" -> year 2011 and path "dir"; a plain path has no year (0). */
static const char *split_year(const char *arg, int *year)
{
    const char *eq = strchr(arg, '=');
    *year = 0;
    if (eq == NULL || eq - arg != 4) {
        return arg;
    }
    char y[5];
    memcpy(y, arg, 4);
    y[4] = '\0';
    int v = 0;
    if (!cm_cli_parse_int(y, 1800, 2200, &v)) {
        return arg;
    }
    *year = v;
    return eq + 1;
}

static int parse_fmt(const char *verb, const char *text, mrio_fmt_t *fmt)
{
    if (strcmp(text, "pymrio") == 0) {
        *fmt = FMT_PYMRIO;
    } else if (strcmp(text, "wiod") == 0) {
        *fmt = FMT_WIOD;
    } else if (strcmp(text, "oecd") == 0) {
        *fmt = FMT_OECD;
    } else if (strcmp(text, "auto") == 0) {
        *fmt = FMT_AUTO;
    } else {
        return cm_cli_usage_error(verb, "--format: expected auto, pymrio, wiod or oecd, got '%s'",
                                  text);
    }
    return CM_EXIT_OK;
}

/* --- aggregation maps ---------------------------------------------------------------------- */

/* A two-column CSV (header \p kcol,\p vcol) mapped onto the items of \p dim: for each item its
 * value (an item missing from the file is left NULL). Used for the aggregation concordances
 * ('from,to') and the footprint's material groups ('stressor,group'). */
static cm_error_t load_map(const char *path, const cm_dim_t *dim, const char *kcol,
                           const char *vcol, char ***out, cm_error_info_t *err)
{
    cm_table_t t = CM_TABLE_NULL;
    cm_csv_options_t copt;
    cm_csv_options_default(&copt);
    size_t n = cm_dim_size(dim);
    char **map = calloc(n + 1, sizeof *map);
    if (map == NULL) {
        return cm_error_set(err, CM_ENOMEM, "out of memory");
    }
    cm_error_t rc = cm_table_read(&t, path, &copt, 1, err);
    cm_int_t cf = rc == CM_OK ? cm_table_col(&t, kcol) : -1;
    cm_int_t ct = rc == CM_OK ? cm_table_col(&t, vcol) : -1;
    if (rc == CM_OK && (cf < 0 || ct < 0)) {
        rc = cm_error_set_at(err, CM_EPARSE, path, 1, 1, "expected the header '%s,%s'", kcol,
                             vcol);
    }
    for (size_t row = 0; rc == CM_OK && row < t.nrows; row++) {
        const char *from = cm_table_cell(&t, row, (size_t)cf);
        cm_int_t i = cm_dim_index(dim, from);
        if (i < 0) {
            rc = cm_error_set_at(err, CM_EPARSE, path, t.line[row], (int64_t)cf + 1,
                                 "expected a %s of the system, got '%s'", cm_dim_name(dim), from);
            break;
        }
        free(map[i]);
        map[i] = strdup(cm_table_cell(&t, row, (size_t)ct));
        if (map[i] == NULL) {
            rc = cm_error_set(err, CM_ENOMEM, "out of memory");
        }
    }
    cm_table_destroy(&t);
    if (rc != CM_OK) {
        for (size_t i = 0; i < n; i++) {
            free(map[i]);
        }
        free(map);
        map = NULL;
    }
    *out = map;
    return rc;
}

static void free_map(char **map, size_t n)
{
    for (size_t i = 0; map != NULL && i < n; i++) {
        free(map[i]);
    }
    free(map);
}

/* Aggregate after reading when maps are given. */
static cm_error_t aggregate(cm_mrio_t *m, const char *regions, const char *sectors,
                            cm_error_info_t *err)
{
    char **rm = NULL, **sm = NULL;
    size_t nr = m->n_regions, ns = m->n_sectors;
    cm_error_t rc = CM_OK;
    if (regions != NULL) {
        rc = load_map(regions, m->dims[CM_MRIO_REGION], "from", "to", &rm, err);
    }
    if (rc == CM_OK && sectors != NULL) {
        rc = load_map(sectors, m->dims[CM_MRIO_SECTOR], "from", "to", &sm, err);
    }
    if (rc == CM_OK && (rm != NULL || sm != NULL)) {
        rc = cm_mrio_aggregate(m, (const char *const *)rm, (const char *const *)sm, err);
    }
    free_map(rm, nr);
    free_map(sm, ns);
    return rc;
}

/* --- the regional accounts as one JSON document (the store's result content) -------------- */

static json_t *reg_json(const cm_mrio_t *m)
{
    json_t *root = json_object();
    if (root == NULL) {
        return NULL;
    }
    static const char *const names[] = {"D_cba_reg", "D_pba_reg", "D_imp_reg", "D_exp_reg"};
    for (size_t e = 0; e < m->n_ext; e++) {
        const cm_mrio_ext_t *x = &m->ext[e];
        const cm_array_t *acc[] = {&x->D_cba_reg, &x->D_pba_reg, &x->D_imp_reg, &x->D_exp_reg};
        json_t *eo = json_object();
        if (eo == NULL || json_object_set_new(root, x->name, eo) != 0) {
            json_decref(root);
            return NULL;
        }
        for (size_t a = 0; a < 4; a++) {
            if (acc[a]->data == NULL) {
                continue;
            }
            json_t *ao = json_object();
            if (ao == NULL || json_object_set_new(eo, names[a], ao) != 0) {
                json_decref(root);
                return NULL;
            }
            for (size_t i = 0; i < x->n_stressors; i++) {
                json_t *so = json_object();
                if (so == NULL ||
                    json_object_set_new(ao, cm_dim_code(acc[a]->dim[0], i), so) != 0) {
                    json_decref(root);
                    return NULL;
                }
                for (size_t r = 0; r < m->n_regions; r++) {
                    if (cm_cli_jset(so, cm_dim_code(acc[a]->dim[1], r),
                                    cm_cli_jnum(acc[a]->data[i + x->n_stressors * r]))) {
                        json_decref(root);
                        return NULL;
                    }
                }
            }
        }
    }
    return root;
}

/* Keep the regional accounts of one run in the store, keyed by the year, the options and the
 * SHA-256 of the input (file, or the folder's Z.txt / wiod2011_Z.csv). */
static cm_error_t store_result(const char *store_path, const char *in, int year,
                               const cm_mrio_t *m, const cm_mrio_options_t *opt,
                               const cm_mrio_check_t *chk, const char *out_dir,
                               cm_error_info_t *err)
{
    cm_store_t *store = NULL;
    char sha[65], key_file[4096];
    char *content = NULL, *params = NULL;
    json_t *doc = NULL, *par = NULL;
    if (is_dir(in)) {
        snprintf(key_file, sizeof key_file, "%s/%s", in,
                 has_file(in, "wiod2011_Z.csv") ? "wiod2011_Z.csv" : "Z.txt");
    } else {
        snprintf(key_file, sizeof key_file, "%s", in);
    }
    cm_error_t rc = cm_sha256_file(key_file, sha, err);
    if (rc == CM_OK) {
        rc = cm_store_open(store_path, CM_STORE_CREATE, &store, err);
    }
    if (rc == CM_OK) {
        doc = json_object();
        par = json_object();
        json_t *accounts = reg_json(m);
        if (doc == NULL || par == NULL || accounts == NULL ||
            cm_cli_jset(doc, "accounts", accounts) ||
            cm_cli_jset(doc, "x_residual", cm_cli_jnum(chk->x_residual)) ||
            cm_cli_jset(doc, "x_deviation", cm_cli_jnum(chk->x_deviation)) ||
            cm_cli_jset(doc, "input_balance", cm_cli_jnum(chk->input_balance)) ||
            cm_cli_jset(doc, "worst_balance", cm_cli_jnum(chk->worst_balance)) ||
            cm_cli_jset(doc, "worst_cba_pba", cm_cli_jnum(chk->worst_cba_pba)) ||
            cm_cli_jset(par, "year", year > 0 ? json_integer(year) : json_null()) ||
            cm_cli_jset(par, "zero_output",
                        json_string(opt->zero_output == CM_MRIO_ZERO_ERROR ? "error" : "pymrio")) ||
            cm_cli_jset(par, "accounts", json_integer((json_int_t)opt->accounts))) {
            rc = cm_error_set(err, CM_ENOMEM, "out of memory building the result");
        }
    }
    if (rc == CM_OK) {
        rc = cm_json_dump_canonical(doc, &content, err);
    }
    if (rc == CM_OK) {
        rc = cm_json_dump_canonical(par, &params, err);
    }
    if (rc == CM_OK) {
        const char *inputs[] = {sha};
        rc = cm_store_result_put(store, "mrio-calc", params, 1, inputs, content, out_dir, NULL,
                                 err);
    }
    cm_free(content);
    cm_free(params);
    json_decref(doc);
    json_decref(par);
    cm_store_close(store);
    return rc;
}

/* --- mrio calc ------------------------------------------------------------------------------- */

static void calc_usage(FILE *out)
{
    fprintf(out,
            "usage: cambium mrio calc IN... --out DIR [--write-A] [--write-L] [--format F]\n"
            "                         [--accounts LIST] [--zero-output pymrio|error]\n"
            "                         [--allow-colsum] [--recompute-x] [--store DB] [--timings]\n"
            "                         [--aggregate-regions FILE] [--aggregate-sectors FILE]\n"
            "\n"
            "Compute x, A, and for every extension S, S_Y, M and the accounts D_cba, D_pba,\n"
            "D_imp, D_exp with their _reg and _cap forms, as pymrio's calc_all does, and write\n"
            "them in pymrio's folder layout (pymrio.load_all() reads them back). (I - A) is\n"
            "LU-factorised in place; L is formed only with --write-L. The identities are\n"
            "checked and reported after each run.\n"
            "\n"
            "IN is a pymrio folder or .zip, a WIOD 2013 folder (wiod2011_*.csv) or an OECD\n"
            "national IOT (.csv, one region, domestic-technology assumption); 'YEAR=IN'\n"
            "labels an input with a year. Several inputs are processed in one call, each\n"
            "into DIR/<year or 1, 2, ...>.\n"
            "\n"
            "options:\n"
            "  --out DIR          output folder (created; files replaced atomically)\n"
            "  --write-A          also write A.txt\n"
            "  --write-L          form and write L.txt (an inverse: N x N more work)\n"
            "  --format F         auto (default), pymrio, wiod or oecd\n"
            "  --accounts LIST    comma-separated subset of cba,pba,imp,exp (default all)\n"
            "  --zero-output C    pymrio (default: 1/x = 0 where x = 0) or error\n"
            "  --allow-colsum     column sums of A >= 1 only noted (default: error)\n"
            "  --recompute-x      x = Z e + Y e even when x.txt is given\n"
            "  --store DB         keep the regional accounts per year in the store\n"
            "  --aggregate-regions FILE, --aggregate-sectors FILE\n"
            "                     aggregate before computing (pymrio's aggregate): a CSV\n"
            "                     'from,to' giving every region (sector) its new code\n"
            "  --timings          print 'timings: read X s, compute Y s, write Z s' on stderr\n"
            "  -h, --help         print this help\n"
            "\n"
            "Exit codes: 0 success, 1 bad input or failed identity, 2 usage error.\n");
}

static int parse_accounts(const char *text, unsigned *acc)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", text);
    *acc = 0;
    char *save = NULL;
    for (char *t = strtok_r(buf, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
        if (strcmp(t, "cba") == 0) {
            *acc |= CM_MRIO_ACC_CBA;
        } else if (strcmp(t, "pba") == 0) {
            *acc |= CM_MRIO_ACC_PBA;
        } else if (strcmp(t, "imp") == 0) {
            *acc |= CM_MRIO_ACC_IMP;
        } else if (strcmp(t, "exp") == 0) {
            *acc |= CM_MRIO_ACC_EXP;
        } else if (strcmp(t, "all") == 0) {
            *acc |= CM_MRIO_ACC_ALL;
        } else {
            return cm_cli_usage_error("mrio calc",
                                      "--accounts: expected cba, pba, imp, exp or all, got '%s'", t);
        }
    }
    if (*acc == 0) {
        return cm_cli_usage_error("mrio calc", "--accounts: expected a non-empty list");
    }
    return CM_EXIT_OK;
}

/* Identity tolerance: relative to the largest account value of the stressor. */
#define MRIO_IDENTITY_TOL 1e-9

static int calc_one(const char *in, int year, size_t k, size_t n_in, const char *out_root,
                    mrio_fmt_t fmt, const cm_mrio_options_t *opt, unsigned what,
                    const char *store_opt, int timings, const char *agg_regions,
                    const char *agg_sectors)
{
    cm_error_info_t err;
    memset(&err, 0, sizeof err);
    cm_mrio_t m;
    memset(&m, 0, sizeof m);
    cm_mrio_check_t chk;
    memset(&chk, 0, sizeof chk);
    char out[4096];
    if (n_in > 1) {
        if (year > 0) {
            snprintf(out, sizeof out, "%s/%d", out_root, year);
        } else {
            snprintf(out, sizeof out, "%s/%zu", out_root, k + 1);
        }
    } else {
        snprintf(out, sizeof out, "%s", out_root);
    }
    double t0 = now_s();
    cm_error_t rc = read_input(in, fmt, &m, &err);
    if (rc == CM_OK) {
        rc = aggregate(&m, agg_regions, agg_sectors, &err);
    }
    double t1 = now_s(), t2 = t1, t3 = t1;
    if (rc == CM_OK) {
        rc = cm_mrio_calc(&m, opt, &chk, &err);
        t2 = now_s();
    }
    if (rc == CM_OK) {
        rc = cm_mrio_write(&m, out, what, &err);
        t3 = now_s();
    }
    int status = CM_EXIT_OK;
    if (rc == CM_OK) {
        char yl[16] = "";
        if (year > 0) {
            snprintf(yl, sizeof yl, " (%d)", year);
        }
        printf("%s%s: %zu regions x %zu sectors (N = %zu), %zu final-demand categories, %zu "
               "extensions -> %s\n",
               in, yl, m.n_regions, m.n_sectors, m.n_regions * m.n_sectors, m.n_categories,
               m.n_ext, out);
        printf("  identities (%zu checked, scaled): residual of the solves %.3g; sum D_cba = sum "
               "D_pba %.3g; D_cba_reg = D_pba_reg - D_exp_reg + D_imp_reg %.3g%s%s%s\n",
               chk.n_identities, chk.x_residual, chk.worst_cba_pba, chk.worst_balance,
               chk.worst_what[0] ? " (largest at " : "", chk.worst_what,
               chk.worst_what[0] ? ")" : "");
        printf("  inputs: x - Z e - Y e %.3g of the largest x (a published x's rounding); x = L y "
               "within %.3g\n",
               chk.input_balance, chk.x_deviation);
        printf("  largest column sum of A %.6g; zero-output sectors %zu\n", chk.max_colsum_A,
               chk.zero_output);
        if (chk.worst_cba_pba > MRIO_IDENTITY_TOL || chk.worst_balance > MRIO_IDENTITY_TOL ||
            !(chk.x_residual <= MRIO_IDENTITY_TOL)) {
            fprintf(stderr, "cambium mrio calc: %s: an identity fails beyond %.0e (see above)\n",
                    in, MRIO_IDENTITY_TOL);
            status = CM_EXIT_WORK;
        }
        if (timings) {
            fprintf(stderr, "timings: read %.3f s, compute %.3f s, write %.3f s\n", t1 - t0,
                    t2 - t1, t3 - t2);
        }
    }
    if (rc == CM_OK && store_opt != NULL) {
        rc = store_result(cm_cli_store_path(store_opt), in, year, &m, opt, &chk, out, &err);
    }
    if (rc != CM_OK) {
        status = cm_cli_fail(&err, rc);
    }
    cm_mrio_destroy(&m);
    return status;
}

static int mrio_calc(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"out", required_argument, NULL, 'o'},       {"write-A", no_argument, NULL, 'A'},
        {"write-L", no_argument, NULL, 'L'},         {"format", required_argument, NULL, 'f'},
        {"accounts", required_argument, NULL, 'a'},  {"zero-output", required_argument, NULL, 'z'},
        {"allow-colsum", no_argument, NULL, 'c'},    {"recompute-x", no_argument, NULL, 'x'},
        {"store", required_argument, NULL, 's'},     {"timings", no_argument, NULL, 't'},
        {"aggregate-regions", required_argument, NULL, 'R'},
        {"aggregate-sectors", required_argument, NULL, 'S'},
        {"help", no_argument, NULL, 'h'},            {NULL, 0, NULL, 0}};
    const char *out = NULL, *store_opt = NULL, *agg_regions = NULL, *agg_sectors = NULL;
    mrio_fmt_t fmt = FMT_AUTO;
    cm_mrio_options_t opt;
    cm_mrio_options_default(&opt);
    unsigned what = CM_MRIO_WRITE_INPUTS | CM_MRIO_WRITE_X | CM_MRIO_WRITE_RESULTS;
    int timings = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":ho:", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            out = optarg;
            break;
        case 'A':
            what |= CM_MRIO_WRITE_A;
            opt.keep_A = 1;
            break;
        case 'L':
            what |= CM_MRIO_WRITE_L;
            opt.want_L = 1;
            break;
        case 'f':
            if (parse_fmt("mrio calc", optarg, &fmt) != CM_EXIT_OK) {
                return CM_EXIT_USAGE;
            }
            break;
        case 'a':
            if (parse_accounts(optarg, &opt.accounts) != CM_EXIT_OK) {
                return CM_EXIT_USAGE;
            }
            break;
        case 'z':
            if (strcmp(optarg, "pymrio") == 0) {
                opt.zero_output = CM_MRIO_ZERO_PYMRIO;
            } else if (strcmp(optarg, "error") == 0) {
                opt.zero_output = CM_MRIO_ZERO_ERROR;
            } else {
                return cm_cli_usage_error("mrio calc",
                                          "--zero-output: expected pymrio or error, got '%s'",
                                          optarg);
            }
            break;
        case 'c':
            opt.allow_colsum_ge1 = 1;
            break;
        case 'x':
            opt.recompute_x = 1;
            break;
        case 's':
            store_opt = optarg;
            break;
        case 't':
            timings = 1;
            break;
        case 'R':
            agg_regions = optarg;
            break;
        case 'S':
            agg_sectors = optarg;
            break;
        case 'h':
            calc_usage(stdout);
            return CM_EXIT_OK;
        default:
            return cm_cli_getopt_fail("mrio calc", c, argv);
        }
    }
    if (optind >= argc) {
        return cm_cli_usage_error("mrio calc", "expected at least one input (a pymrio folder or "
                                               "zip, a WIOD folder or an OECD IOT file)");
    }
    if (out == NULL) {
        return cm_cli_usage_error("mrio calc", "--out DIR is required");
    }
    size_t n_in = (size_t)(argc - optind);
    int status = CM_EXIT_OK;
    for (size_t k = 0; k < n_in && status == CM_EXIT_OK; k++) {
        int year = 0;
        const char *in = split_year(argv[optind + (int)k], &year);
        status = calc_one(in, year, k, n_in, out, fmt, &opt, what, store_opt, timings,
                          agg_regions, agg_sectors);
    }
    return status;
}

/* --- mrio footprint -------------------------------------------------------------------------- */

static void fp_usage(FILE *out)
{
    fprintf(out,
            "usage: cambium mrio footprint IN --region R [--extension E] [--groups FILE]\n"
            "                              [--by-category] [--format F] [--out DIR]\n"
            "\n"
            "Material footprint of region R from a material-extraction extension: raw material\n"
            "consumption RMC (= D_cba_reg), its domestic and imported parts, raw material\n"
            "input RMI (domestic extraction + imports in raw material equivalents) and RMC\n"
            "per capita, by material group. docs/mrio.md.\n"
            "\n"
            "options:\n"
            "  --region R       the region (a code of the system)\n"
            "  --extension E    the extension (default: 'materials', else the first)\n"
            "  --groups FILE    CSV 'stressor,group' (the stressor as its labels joined by\n"
            "                   ' | '); stressors not listed are left out. Default: one\n"
            "                   group per stressor\n"
            "  --by-category    instead, the footprint of each final-demand category of R\n"
            "                   (M y_k + F_Y) for every stressor of the extension: for a\n"
            "                   national IOT, households, government, investment, exports\n"
            "                   and the imports' negative part\n"
            "  --format F       auto (default), pymrio, wiod or oecd\n"
            "  --out DIR        also write DIR/footprint.csv (the summary by group),\n"
            "                   DIR/footprint_categories.csv (with --by-category) and\n"
            "                   DIR/footprint.json, numbers at full precision (created;\n"
            "                   files replaced atomically)\n"
            "  -h, --help       print this help\n"
            "\n"
            "Exit codes: 0 success, 1 bad input, 2 usage error.\n");
}

/* Options of one `mrio footprint` run. */
typedef struct fp_opts_t {
    const char *in, *region, *ext_name, *groups, *out;
    int year, by_category;
    mrio_fmt_t fmt;
} fp_opts_t;

/* The extension named \p name, or without a name 'materials', else the first; NULL if none. */
static const cm_mrio_ext_t *find_ext(const cm_mrio_t *m, const char *name)
{
    for (size_t i = 0; i < m->n_ext; i++) {
        if (strcmp(m->ext[i].name, name != NULL ? name : "materials") == 0) {
            return &m->ext[i];
        }
    }
    return name == NULL && m->n_ext > 0 ? &m->ext[0] : NULL;
}

/* The total of stressor row \p p of the category table: its categories summed in order (the
 * printed total and the CSV's are this same sum). */
static double cat_total(const cm_array_t *cat, size_t n_stressors, size_t n_cat, size_t p)
{
    double tot = 0.0;
    for (size_t k = 0; k < n_cat; k++) {
        tot += cat->data[p + n_stressors * k];
    }
    return tot;
}

static void print_categories(const fp_opts_t *o, const cm_mrio_t *m, const cm_mrio_ext_t *e,
                             const cm_array_t *cat)
{
    printf("footprint of the final demand of %s by category, extension '%s'\n", o->region,
           e->name);
    printf("%-40s", "stressor");
    for (size_t k = 0; k < m->n_categories; k++) {
        printf(" %17.17s", cm_dim_code(cat->dim[1], k));
    }
    printf(" %17s  unit\n", "total");
    for (size_t p = 0; p < e->n_stressors; p++) {
        printf("%-40s", cm_dim_code(cat->dim[0], p));
        for (size_t k = 0; k < m->n_categories; k++) {
            printf(" %17.10g", cat->data[p + e->n_stressors * k]);
        }
        printf(" %17.10g  %s\n", cat_total(cat, e->n_stressors, m->n_categories, p),
               e->units[p]);
    }
}

static void print_summary(const fp_opts_t *o, const cm_mrio_ext_t *e,
                          const cm_mrio_footprint_t *fp)
{
    printf("material footprint of %s from extension '%s' (%s)\n", o->region, e->name, fp->unit);
    printf("%-40s %17s %17s %17s %17s %17s\n", "group", "RMC", "domestic", "imported", "RMI",
           "RMC/capita");
    for (size_t g = 0; g < fp->n_groups; g++) {
        printf("%-40s %17.10g %17.10g %17.10g %17.10g %17.10g\n", fp->groups[g], fp->rmc[g],
               fp->rmc_domestic[g], fp->rmc_imported[g], fp->rmi[g], fp->per_capita[g]);
    }
}

/* footprint.csv: group,rmc,domestic,imported,rmi,rmc_per_capita,unit (per capita: unit per
 * person, empty without population). */
static cm_error_t write_summary_csv(const char *path, const cm_mrio_footprint_t *fp,
                                    cm_error_info_t *err)
{
    static const char *const head[] = {"group", "rmc", "domestic", "imported",
                                       "rmi", "rmc_per_capita", "unit"};
    cm_csv_writer_t *w = NULL;
    cm_error_t rc = cm_csv_writer_open(path, ',', &w, err);
    if (rc == CM_OK) {
        rc = cm_csv_write_row(w, 7, head, err);
    }
    for (size_t g = 0; rc == CM_OK && g < fp->n_groups; g++) {
        char b[5][32];
        const char *row[] = {fp->groups[g],
                             cm_cli_num(fp->rmc[g], b[0]),
                             cm_cli_num(fp->rmc_domestic[g], b[1]),
                             cm_cli_num(fp->rmc_imported[g], b[2]),
                             cm_cli_num(fp->rmi[g], b[3]),
                             cm_cli_num(fp->per_capita[g], b[4]),
                             fp->unit};
        rc = cm_csv_write_row(w, 7, row, err);
    }
    return w != NULL ? cm_cli_csv_close(w, rc, err) : rc;
}

/* footprint_categories.csv: the printed table's columns, stressor, one per category, total,
 * unit. */
static cm_error_t write_categories_csv(const char *path, const cm_mrio_t *m,
                                       const cm_mrio_ext_t *e, const cm_array_t *cat,
                                       cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    size_t nc = m->n_categories, ncol = nc + 3;
    cm_csv_writer_t *w = NULL;
    const char **row = cm_calloc(ncol, sizeof *row);
    char(*buf)[32] = cm_calloc(nc + 1, sizeof *buf);
    CM_NOMEM(row, err);
    CM_NOMEM(buf, err);
    CM_TRY(cm_csv_writer_open(path, ',', &w, err));
    row[0] = "stressor";
    for (size_t k = 0; k < nc; k++) {
        row[1 + k] = cm_dim_code(cat->dim[1], k);
    }
    row[nc + 1] = "total";
    row[nc + 2] = "unit";
    CM_TRY(cm_csv_write_row(w, ncol, row, err));
    for (size_t p = 0; p < e->n_stressors; p++) {
        row[0] = cm_dim_code(cat->dim[0], p);
        for (size_t k = 0; k < nc; k++) {
            row[1 + k] = cm_cli_num(cat->data[p + e->n_stressors * k], buf[k]);
        }
        row[nc + 1] = cm_cli_num(cat_total(cat, e->n_stressors, nc, p), buf[nc]);
        row[nc + 2] = e->units[p] != NULL ? e->units[p] : "";
        CM_TRY(cm_csv_write_row(w, ncol, row, err));
    }
cleanup:
    if (w != NULL) {
        rc = cm_cli_csv_close(w, rc, err);
    }
    cm_free(row);
    cm_free(buf);
    return rc;
}

/* footprint.json: the run's parameters, "summary" (null when it could not be formed) and, with
 * --by-category, "categories". Every object is attached to its parent as soon as it is made, so
 * that freeing the root frees everything. NULL when memory ran out. */
static json_t *fp_json(const fp_opts_t *o, const cm_mrio_t *m, const cm_mrio_ext_t *e,
                       const cm_mrio_footprint_t *fp, const cm_array_t *cat)
{
    size_t s = e->n_stressors;
    json_t *root = json_object();
    int bad = root == NULL || cm_cli_jset(root, "input", json_string(o->in)) ||
              cm_cli_jset(root, "year", o->year > 0 ? json_integer(o->year) : json_null()) ||
              cm_cli_jset(root, "region", json_string(o->region)) ||
              cm_cli_jset(root, "extension", json_string(e->name)) ||
              cm_cli_jset(root, "summary", fp->groups != NULL ? json_object() : json_null());
    json_t *sum = json_object_get(root, "summary");
    if (!bad && json_is_object(sum)) {
        bad = cm_cli_jset(sum, "unit", json_string(fp->unit)) ||
              cm_cli_jset(sum, "groups", json_array());
        json_t *groups = json_object_get(sum, "groups");
        for (size_t g = 0; !bad && g < fp->n_groups; g++) {
            bad = json_array_append_new(groups, json_object()) != 0;
            json_t *r = json_array_get(groups, g);
            bad = bad || cm_cli_jset(r, "group", json_string(fp->groups[g])) ||
                  cm_cli_jset(r, "rmc", cm_cli_jfinite(fp->rmc[g])) ||
                  cm_cli_jset(r, "domestic", cm_cli_jfinite(fp->rmc_domestic[g])) ||
                  cm_cli_jset(r, "imported", cm_cli_jfinite(fp->rmc_imported[g])) ||
                  cm_cli_jset(r, "rmi", cm_cli_jfinite(fp->rmi[g])) ||
                  cm_cli_jset(r, "rmc_per_capita", cm_cli_jfinite(fp->per_capita[g]));
        }
    }
    if (!bad && cat->data != NULL) {
        bad = cm_cli_jset(root, "categories", json_object());
        json_t *cats = json_object_get(root, "categories");
        bad = bad || cm_cli_jset(cats, "categories", json_array()) ||
              cm_cli_jset(cats, "stressors", json_array());
        json_t *names = json_object_get(cats, "categories");
        json_t *rows = json_object_get(cats, "stressors");
        for (size_t k = 0; !bad && k < m->n_categories; k++) {
            bad = json_array_append_new(names, json_string(cm_dim_code(cat->dim[1], k))) != 0;
        }
        for (size_t p = 0; !bad && p < s; p++) {
            bad = json_array_append_new(rows, json_object()) != 0;
            json_t *r = json_array_get(rows, p);
            bad = bad || cm_cli_jset(r, "stressor", json_string(cm_dim_code(cat->dim[0], p))) ||
                  cm_cli_jset(r, "unit", json_string(e->units[p] != NULL ? e->units[p] : "")) ||
                  cm_cli_jset(r, "values", json_object());
            json_t *vals = json_object_get(r, "values");
            for (size_t k = 0; !bad && k < m->n_categories; k++) {
                bad = cm_cli_jset(vals, cm_dim_code(cat->dim[1], k),
                                  cm_cli_jfinite(cat->data[p + s * k]));
            }
            bad = bad || cm_cli_jset(r, "total",
                                     cm_cli_jfinite(cat_total(cat, s, m->n_categories, p)));
        }
    }
    if (bad) {
        json_decref(root);
        return NULL;
    }
    return root;
}

/* Write the files of --out and say so on stdout. */
static cm_error_t write_fp_outputs(const fp_opts_t *o, const cm_mrio_t *m, const cm_mrio_ext_t *e,
                                   const cm_mrio_footprint_t *fp, const cm_array_t *cat,
                                   cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    char path[4096];
    json_t *j = NULL;
    CM_TRY(cm_cli_make_dir(o->out, err));
    if (fp->groups != NULL) {
        snprintf(path, sizeof path, "%s/footprint.csv", o->out);
        CM_TRY(write_summary_csv(path, fp, err));
    }
    if (cat->data != NULL) {
        snprintf(path, sizeof path, "%s/footprint_categories.csv", o->out);
        CM_TRY(write_categories_csv(path, m, e, cat, err));
    }
    j = fp_json(o, m, e, fp, cat);
    CM_NOMEM(j, err);
    snprintf(path, sizeof path, "%s/footprint.json", o->out);
    CM_TRY(cm_json_write_file(path, j, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
                                           JSON_REAL_PRECISION(17), err));
    printf("wrote %s/%s%sfootprint.json\n", o->out, fp->groups != NULL ? "footprint.csv, " : "",
           cat->data != NULL ? "footprint_categories.csv, " : "");
cleanup:
    json_decref(j);
    return rc;
}

static int fp_run(const fp_opts_t *o)
{
    cm_error_t rc = CM_OK;
    cm_error_info_t err;
    cm_error_clear(&err);
    cm_mrio_t m;
    memset(&m, 0, sizeof m);
    cm_mrio_footprint_t fp;
    memset(&fp, 0, sizeof fp);
    cm_array_t cat = CM_ARRAY_NULL;
    char **map = NULL;
    cm_mrio_options_t opt;
    cm_mrio_options_default(&opt);
    const cm_mrio_ext_t *e = NULL;
    CM_TRY(read_input(o->in, o->fmt, &m, &err));
    e = find_ext(&m, o->ext_name);
    if (e == NULL) {
        CM_FAIL(cm_error_set(&err, CM_EINVAL, "%s: no extension '%s'", o->in,
                             o->ext_name != NULL ? o->ext_name : "materials"));
    }
    if (o->groups != NULL) {
        CM_TRY(load_map(o->groups, e->F.dim[0], "stressor", "group", &map, &err));
    }
    CM_TRY(cm_mrio_calc(&m, &opt, NULL, &err));
    if (o->by_category) {
        CM_TRY(cm_mrio_footprint_categories(&m, e, o->region, &cat, &err));
        print_categories(o, &m, e, &cat);
        if (o->out != NULL) {
            /* the summary goes to footprint.csv as well; an extension whose stressors have
             * different units has none (the category table gives a unit per row) */
            cm_error_info_t e2;
            cm_error_clear(&e2);
            cm_error_t rc2 = cm_mrio_footprint(&m, e, o->region, (const char *const *)map, &fp,
                                               &e2);
            if (rc2 == CM_EINVAL) {
                fprintf(stderr, "cambium mrio footprint: no footprint.csv: %s\n", e2.message);
            } else if (rc2 != CM_OK) {
                err = e2;
                CM_FAIL(rc2);
            }
        }
    } else {
        CM_TRY(cm_mrio_footprint(&m, e, o->region, (const char *const *)map, &fp, &err));
        print_summary(o, e, &fp);
    }
    if (o->out != NULL) {
        CM_TRY(write_fp_outputs(o, &m, e, &fp, &cat, &err));
    }
cleanup:
    free_map(map, e != NULL ? e->n_stressors : 0);
    cm_array_destroy(&cat);
    cm_mrio_footprint_destroy(&fp);
    cm_mrio_destroy(&m);
    return rc == CM_OK ? CM_EXIT_OK : cm_cli_fail(&err, rc);
}

static int mrio_footprint(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"region", required_argument, NULL, 'r'}, {"extension", required_argument, NULL, 'e'},
        {"groups", required_argument, NULL, 'g'}, {"format", required_argument, NULL, 'f'},
        {"by-category", no_argument, NULL, 'c'},  {"out", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
    fp_opts_t o;
    memset(&o, 0, sizeof o);
    o.fmt = FMT_AUTO;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":ho:", longopts, NULL)) != -1) {
        switch (c) {
        case 'r':
            o.region = optarg;
            break;
        case 'e':
            o.ext_name = optarg;
            break;
        case 'g':
            o.groups = optarg;
            break;
        case 'c':
            o.by_category = 1;
            break;
        case 'o':
            o.out = optarg;
            break;
        case 'f':
            if (parse_fmt("mrio footprint", optarg, &o.fmt) != CM_EXIT_OK) {
                return CM_EXIT_USAGE;
            }
            break;
        case 'h':
            fp_usage(stdout);
            return CM_EXIT_OK;
        default:
            return cm_cli_getopt_fail("mrio footprint", c, argv);
        }
    }
    if (optind + 1 != argc) {
        return cm_cli_usage_error("mrio footprint", "expected exactly one input");
    }
    if (o.region == NULL) {
        return cm_cli_usage_error("mrio footprint", "--region R is required");
    }
    if (o.out != NULL && o.out[0] == '\0') {
        return cm_cli_usage_error("mrio footprint", "--out: expected a directory, got ''");
    }
    o.in = split_year(argv[optind], &o.year);
    return fp_run(&o);
}

/* --- dispatch ---------------------------------------------------------------------------------- */

static const cm_cli_sub_t mrio_subs[] = {
    {"calc", "x, A, multipliers and the four accounts, in pymrio's layout", mrio_calc},
    {"footprint", "material footprint (RMC, RMI) of one region", mrio_footprint},
    {NULL, NULL, NULL}};

static int mrio_run(int argc, char **argv)
{
    return cm_cli_dispatch("mrio",
                           "Environmentally extended input-output analysis, pymrio-compatible\n"
                           "(docs/mrio.md).",
                           mrio_subs, argc, argv);
}

const cm_cli_verb_t cm_cli_verb_mrio = {"mrio", "input-output footprints (pymrio-compatible)",
                                        mrio_run};

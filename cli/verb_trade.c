/* cambium trade: trade-based monitoring (docs/trade.md).
 *   trade pointers --baci FILE --out DIR [--timings]   a bulk BACI year, per (importer, product)
 *   trade pointers --store DB [--declarant BEL] --out DIR   pointers and alerts from the store */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "cambium/cm_trade.h"

#define CACHE_KIND "baci-columns"
#define CACHE_ROLE "columns"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int file_exists(const char *p)
{
    struct stat st;
    return p != NULL && stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static void pointers_usage(FILE *out)
{
    fputs("usage: cambium trade pointers --baci FILE --out DIR [--cache PATH] [--no-cache]\n"
          "                               [--store DB] [--timings]\n"
          "       cambium trade pointers [--store DB] [--declarant ISO3] [--flow import]\n"
          "                               [--config INI] [--wgi-year Y] [--out DIR]\n"
          "A bulk BACI year (t,i,j,k,v,q): per (importer, product) value, quantity, unit value,\n"
          "partner HHI and top partner -> DIR/importer_product.csv, per product the HHI of world\n"
          "imports and exports -> DIR/product.csv; the columns are cached in DIR/baci.cmcol (or\n"
          "--cache PATH; with --store referenced as a bulk file) and reused while the CSV's\n"
          "SHA-256 is unchanged. --timings prints read/compute/write seconds on stderr.\n"
          "From the store: per (product, period) pointers and ranked alerts of a declarant's\n"
          "imports (default BEL) with the thresholds of --config (default data/trade/pointers.ini)\n"
          "-> DIR/pointers.csv, alerts.csv, alerts.json, geodep.csv, one partner-share SVG a\n"
          "product (default DIR: trade-out).\n",
          out);
}

/* The cache the store references for the CSV of checksum sha (NULL when none). */
static char *store_cache_path(cm_store_t *st, const char *sha)
{
    int64_t id = 0;
    char *path = NULL;
    if (st == NULL || cm_store_dataset_find(st, CACHE_KIND, sha, &id, NULL) != CM_OK || id == 0 ||
        cm_store_bulk_path(st, id, CACHE_ROLE, &path, NULL) != CM_OK) {
        return NULL;
    }
    return path;
}

/* Record the cache in the store as a bulk file of a dataset of kind baci-columns. */
static cm_error_t store_cache(cm_store_t *st, const char *csv, const char *cache,
                              const char *sha, cm_error_info_t *err)
{
    cm_provenance_t prov = {CACHE_KIND, "BACI year, columnar cache", "CEPII", "BACI", "Etalab 2.0",
                            NULL, csv, sha};
    cm_store_import_t *imp = NULL;
    cm_error_t rc = cm_store_import_begin(st, &prov, &imp, err);
    if (rc == CM_OK) {
        rc = cm_store_import_bulk_file(imp, cache, CACHE_ROLE, "cambium-baci-columns-1", err);
    }
    if (rc == CM_OK) {
        return cm_store_import_commit(imp, err);
    }
    cm_store_import_abort(imp);
    return rc;
}

static int pointers_baci(const char *csv, const char *out_dir, const char *cache_opt,
                         int use_cache, const char *store_opt, int timings)
{
    cm_error_info_t err;
    memset(&err, 0, sizeof err);
    cm_trade_baci_t b;
    memset(&b, 0, sizeof b);
    cm_trade_ip_t s;
    memset(&s, 0, sizeof s);
    cm_store_t *st = NULL;
    char *from_store = NULL;
    char cache[4096], ip_path[4096], prod_path[4096];
    int from_cache = 0;
    double t0 = now_s(), t1 = t0, t2 = t0, t3 = t0;
    cm_error_t rc = cm_cli_make_dir(out_dir, &err);
    snprintf(cache, sizeof cache, "%s", cache_opt != NULL ? cache_opt : "");
    if (cache_opt == NULL) {
        snprintf(cache, sizeof cache, "%s/baci.cmcol", out_dir);
    }
    snprintf(ip_path, sizeof ip_path, "%s/importer_product.csv", out_dir);
    snprintf(prod_path, sizeof prod_path, "%s/product.csv", out_dir);
    if (rc == CM_OK && store_opt != NULL) {
        rc = cm_store_open(cm_cli_store_path(store_opt), CM_STORE_CREATE, &st, &err);
    }
    if (rc == CM_OK && use_cache && (file_exists(cache) || st != NULL)) {
        char sha[65];
        rc = cm_sha256_file(csv, sha, &err);
        if (rc == CM_OK) {
            from_store = store_cache_path(st, sha);
            const char *try_path = from_store != NULL ? from_store : cache;
            cm_error_info_t cerr;
            memset(&cerr, 0, sizeof cerr);
            cm_error_t crc = file_exists(try_path)
                                 ? cm_trade_baci_cache_read(try_path, sha, &b, &cerr)
                                 : CM_ENOTFOUND;
            if (crc == CM_OK) {
                from_cache = 1;
            } else if (crc == CM_EPARSE) {
                fprintf(stderr, "cambium: warning: %s: %s; reading the CSV again\n", try_path,
                        cerr.message);
            } else if (crc != CM_ENOTFOUND) {
                rc = crc;
                err = cerr;
            }
        }
    }
    if (rc == CM_OK && !from_cache) {
        rc = cm_trade_baci_read(csv, &b, &err);
        if (rc == CM_OK && use_cache) {
            rc = cm_trade_baci_cache_write(&b, cache, &err);
            if (rc == CM_OK && st != NULL) {
                rc = store_cache(st, csv, cache, b.source_sha256, &err);
            }
        }
    }
    t1 = now_s();
    if (rc == CM_OK) {
        rc = cm_trade_baci_summarise(&b, &s, &err);
    }
    t2 = now_s();
    if (rc == CM_OK) {
        rc = cm_trade_ip_write_csv(&s, ip_path, prod_path, &err);
    }
    t3 = now_s();
    int status = rc == CM_OK ? CM_EXIT_OK : cm_cli_fail(&err, rc);
    if (rc == CM_OK) {
        printf("read %lld rows of %s from %s: %lld missing quantities, %lld unknown country and "
               "%lld unknown product rows set aside, %lld duplicates skipped\n",
               (long long)b.n, csv, from_cache ? "the cache" : "the CSV",
               (long long)b.stats.missing_quantity, (long long)b.stats.unknown_country,
               (long long)b.stats.unknown_product, (long long)s.duplicates);
        printf("wrote %lld importer-product rows to %s, %lld products to %s\n", (long long)s.n,
               ip_path, (long long)s.np, prod_path);
        if (s.duplicates > 0) {
            fprintf(stderr, "cambium: warning: %lld duplicated (exporter, importer, product) "
                    "rows: the first of each was used\n", (long long)s.duplicates);
        }
        if (timings) {
            fprintf(stderr, "timings: read %.3f s, compute %.3f s, write %.3f s\n", t1 - t0,
                    t2 - t1, t3 - t2);
        }
    }
    cm_free(from_store);
    cm_store_close(st);
    cm_trade_ip_destroy(&s);
    cm_trade_baci_destroy(&b);
    return status;
}

static int trade_pointers(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"baci", required_argument, NULL, 'b'},     {"out", required_argument, NULL, 'o'},
        {"cache", required_argument, NULL, 'c'},    {"no-cache", no_argument, NULL, 'n'},
        {"store", required_argument, NULL, 's'},    {"timings", no_argument, NULL, 't'},
        {"declarant", required_argument, NULL, 'd'}, {"flow", required_argument, NULL, 'f'},
        {"config", required_argument, NULL, 'g'},   {"wgi-year", required_argument, NULL, 'w'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0}};
    const char *baci = NULL, *out = NULL, *cache = NULL, *store = NULL;
    int use_cache = 1, timings = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'b':
            baci = optarg;
            break;
        case 'o':
            out = optarg;
            break;
        case 'c':
            cache = optarg;
            break;
        case 'n':
            use_cache = 0;
            break;
        case 's':
            store = optarg;
            break;
        case 't':
            timings = 1;
            break;
        case 'd':
        case 'f':
        case 'g':
        case 'w':
            break;
        case 'h':
            pointers_usage(stdout);
            return CM_EXIT_OK;
        default:
            return cm_cli_getopt_fail("trade pointers", c, argv);
        }
    }
    if (optind != argc) {
        return cm_cli_usage_error("trade pointers", "unexpected argument '%s'", argv[optind]);
    }
    if (baci == NULL) {
        return cm_cli_usage_error("trade pointers", "--baci FILE is required");
    }
    if (out == NULL) {
        return cm_cli_usage_error("trade pointers", "--out DIR is required with --baci");
    }
    return pointers_baci(baci, out, cache, use_cache, store, timings);
}

static const cm_cli_sub_t trade_subs[] = {
    {"pointers", "per product and period pointers and early-warning alerts", trade_pointers},
    {NULL, NULL, NULL}};

static int trade_run(int argc, char **argv)
{
    return cm_cli_dispatch("trade",
                           "Trade-based monitoring: pointers and early warnings (docs/trade.md).",
                           trade_subs, argc, argv);
}

const cm_cli_verb_t cm_cli_verb_trade = {"trade", "trade pointers and early warnings",
                                         trade_run};

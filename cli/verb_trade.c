/* cambium trade: trade-based monitoring (docs/trade.md).
 *   trade pointers --baci FILE --out DIR [--timings]   a bulk BACI year, per (importer, product)
 *   trade pointers --store DB [--declarant BEL] --out DIR   pointers and alerts from the store */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
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
          "                               [--config INI] [--wgi-year Y] [--dataset ID] [--out DIR]\n"
          "                               [--hs-edition HS2017|HS2022]\n"
          "A bulk BACI year (t,i,j,k,v,q): per (importer, product) value, quantity, unit value,\n"
          "partner HHI and top partner -> DIR/importer_product.csv, per product the HHI of world\n"
          "imports and exports -> DIR/product.csv; the columns are cached in DIR/baci.cmcol (or\n"
          "--cache PATH; with --store referenced as a bulk file) and reused while the CSV's\n"
          "SHA-256 is unchanged. --timings prints read/compute/write seconds on stderr.\n"
          "From the store: per (product, period) pointers and ranked alerts of a declarant's\n"
          "imports (default BEL, 'all' for every region) with the thresholds of --config (the\n"
          "defaults are those of data/trade/pointers.ini)\n"
          "-> DIR/pointers.csv, alerts.csv, alerts.json and DIR/charts/partners-*.svg (partner\n"
          "shares over time per series; default DIR: trade-out).\n"
          "--hs-edition E first expresses every flow in HS edition E with the store's correlation\n"
          "tables (import them with 'cambium import hs-correlation'), so that a version break\n"
          "raises no false alert (docs/trade.md section 9).\n",
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

/* The SHA-256 of the CSV, computed on a second thread while the cache is loaded and
 * summarised; the summary is only written once the checksum is known to match. */
typedef struct sha_job_t {
    const char *path;
    char hex[65];
    cm_error_t rc;
    cm_error_info_t err;
} sha_job_t;

static void *sha_main(void *arg)
{
    sha_job_t *j = arg;
    j->rc = cm_sha256_file(j->path, j->hex, &j->err);
    return NULL;
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
    int from_cache = 0, summarised = 0;
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
        sha_job_t job;
        memset(&job, 0, sizeof job);
        job.path = csv;
        pthread_t th;
        int threaded = st == NULL && pthread_create(&th, NULL, sha_main, &job) == 0;
        if (!threaded) {
            sha_main(&job);
            from_store = job.rc == CM_OK ? store_cache_path(st, job.hex) : NULL;
        }
        const char *try_path = from_store != NULL ? from_store : cache;
        cm_error_info_t cerr;
        memset(&cerr, 0, sizeof cerr);
        /* speculative: the cache whatever its source, checked against the checksum below */
        cm_error_t crc = file_exists(try_path)
                             ? cm_trade_baci_cache_read(try_path, threaded ? NULL : job.hex, &b,
                                                        &cerr)
                             : CM_ENOTFOUND;
        double spent = 0.0;
        if (crc == CM_OK && threaded) {
            double ts = now_s();
            crc = cm_trade_baci_summarise(&b, &s, &cerr);
            summarised = crc == CM_OK;
            spent = now_s() - ts;
        }
        if (threaded) {
            pthread_join(th, NULL);
        }
        /* read = loading and verifying (the checksum); compute = the summary itself */
        t1 = now_s() - spent;
        if (job.rc != CM_OK) {
            rc = job.rc;
            err = job.err;
        } else if (crc == CM_OK && strcmp(b.source_sha256, job.hex) != 0) {
            crc = CM_ENOTFOUND; /* made from another version of the CSV: parse it again */
        }
        if (rc == CM_OK && crc == CM_OK) {
            from_cache = 1;
        } else if (rc == CM_OK && crc == CM_EPARSE) {
            fprintf(stderr, "cambium: warning: %s: %s; reading the CSV again\n", try_path,
                    cerr.message);
        } else if (rc == CM_OK && crc != CM_ENOTFOUND) {
            rc = crc;
            err = cerr;
        }
        if (!from_cache) {
            cm_trade_ip_destroy(&s);
            cm_trade_baci_destroy(&b);
            summarised = 0;
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
    if (!summarised) {
        t1 = now_s();
    }
    if (rc == CM_OK && !summarised) {
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


/* --- pointers and alerts from the store -------------------------------------------------- */

typedef struct run_t {
    cm_trade_obs_list_t obs;
    cm_trade_pointers_t ptr;
    cm_trade_alerts_t alerts;
    cm_trade_params_t par;
    cm_crit_wgi_t wgi;
    cm_dataset_list_t ds;
    int have_wgi;
} run_t;

static double wgi_risk(const char *partner, void *user_data)
{
    const cm_crit_wgi_t *w = user_data;
    ptrdiff_t k = cm_crit_wgi_find(w, partner);
    return k < 0 ? NAN : cm_crit_wgi_scale(w->items[k].mean);
}

static const char *dataset_file(const run_t *r, int64_t id)
{
    for (size_t i = 0; i < r->ds.n; i++) {
        if (r->ds.items[i].id == id) {
            return r->ds.items[i].file != NULL ? r->ds.items[i].file : "";
        }
    }
    return "";
}

static cm_error_t write_pointers_csv(const run_t *r, const char *path, cm_error_info_t *err)
{
    static const char *const head[] = {
        "dataset", "source", "unit", "declarant", "product", "period", "value", "quantity",
        "n_missing_q", "unit_value", "n_partners", "hhi", "top_partner", "top_share",
        "high_risk_share", "unknown_risk_share", "baseline_n", "z_value", "z_quantity",
        "z_unit_value", "hhi_change", "unit_value_change", "new_top_partner", "exports",
        "import_export_ratio", "world_export_hhi", "geodep_c1", "geodep_c2", "geodep_c3",
        "geodep_years_holding", "geodep", "n_suppressed", "bridged_flows",
        "estimated_value_share"};
    enum { NH = sizeof head / sizeof head[0] };
    cm_csv_writer_t *w = NULL;
    cm_error_t rc = cm_csv_writer_open(path, ',', &w, err);
    if (rc == CM_OK) {
        rc = cm_csv_write_row(w, NH, head, err);
    }
    char b[NH][40];
    for (size_t i = 0; rc == CM_OK && i < r->ptr.n; i++) {
        const cm_trade_pointer_t *t = &r->ptr.items[i];
        const char *f[NH];
        snprintf(b[0], sizeof b[0], "%lld", (long long)t->dataset);
        f[0] = b[0];
        f[1] = t->kind;
        f[2] = t->unit;
        f[3] = t->declarant;
        f[4] = t->product;
        f[5] = t->period;
        f[6] = cm_csv_format_double(t->value, b[6]);
        f[7] = cm_csv_format_double(t->quantity, b[7]);
        snprintf(b[8], sizeof b[8], "%d", t->n_missing_q);
        f[8] = b[8];
        f[9] = cm_csv_format_double(t->unit_value, b[9]);
        snprintf(b[10], sizeof b[10], "%d", t->n_partners);
        f[10] = b[10];
        f[11] = cm_csv_format_double(t->hhi, b[11]);
        f[12] = t->top_partner;
        f[13] = cm_csv_format_double(t->top_share, b[13]);
        f[14] = cm_csv_format_double(t->high_risk_share, b[14]);
        f[15] = cm_csv_format_double(t->unknown_risk_share, b[15]);
        snprintf(b[16], sizeof b[16], "%d", t->baseline_n);
        f[16] = b[16];
        f[17] = cm_csv_format_double(t->z_value, b[17]);
        f[18] = cm_csv_format_double(t->z_quantity, b[18]);
        f[19] = cm_csv_format_double(t->z_unit_value, b[19]);
        f[20] = cm_csv_format_double(t->hhi_change, b[20]);
        f[21] = cm_csv_format_double(t->unit_value_change, b[21]);
        f[22] = t->prev < 0 ? "" : t->new_top ? "1" : "0";
        f[23] = cm_csv_format_double(t->exports, b[23]);
        f[24] = cm_csv_format_double(t->import_export_ratio, b[24]);
        f[25] = cm_csv_format_double(t->world_export_hhi, b[25]);
        int annual = strlen(t->period) == 4;
        f[26] = annual ? (t->geodep_c1 ? "1" : "0") : "";
        f[27] = annual ? (t->geodep_c2 ? "1" : "0") : "";
        f[28] = annual ? (t->geodep_c3 ? "1" : "0") : "";
        snprintf(b[29], sizeof b[29], "%d", t->geodep_years_holding);
        f[29] = annual ? b[29] : "";
        f[30] = annual ? (t->geodep ? "1" : "0") : "";
        snprintf(b[31], sizeof b[31], "%d", t->n_suppressed);
        f[31] = b[31];
        snprintf(b[32], sizeof b[32], "%d", t->bridged_flows);
        f[32] = b[32];
        f[33] = cm_csv_format_double(t->estimated_value_share, b[33]);
        rc = cm_csv_write_row(w, NH, f, err);
    }
    return cm_cli_csv_close(w, rc, err);
}

/* The evidence sentence of an alert. */
static void evidence_text(const run_t *r, const cm_trade_alert_t *a, char *buf, size_t len)
{
    const cm_trade_pointer_t *t = &r->ptr.items[a->pointer];
    const cm_trade_pointer_t *q = t->prev >= 0 ? &r->ptr.items[t->prev] : NULL;
    const cm_trade_params_t *p = &r->par;
    if (strcmp(a->kind, "value_z") == 0) {
        snprintf(buf, len, "import value %.6g, z = %.3g against the %d periods before", t->value,
                 t->z_value, t->baseline_n);
    } else if (strcmp(a->kind, "quantity_z") == 0) {
        snprintf(buf, len, "quantity %.6g, z = %.3g against the %d periods before", t->quantity,
                 t->z_quantity, t->baseline_n);
    } else if (strcmp(a->kind, "unit_value_z") == 0) {
        snprintf(buf, len, "unit value %.6g, z = %.3g against the %d periods before",
                 t->unit_value, t->z_unit_value, t->baseline_n);
    } else if (strcmp(a->kind, "hhi_jump") == 0 && q != NULL) {
        snprintf(buf, len, "partner HHI %.3f in %s, %.3f in %s (+%.3f >= %.3g)", t->hhi,
                 t->period, q->hhi, q->period, t->hhi_change, p->hhi_jump);
    } else if (strcmp(a->kind, "unit_value_jump") == 0 && q != NULL) {
        snprintf(buf, len, "unit value %.6g in %s, %.6g in %s (%+.1f %%)", t->unit_value,
                 t->period, q->unit_value, q->period, 100.0 * t->unit_value_change);
    } else if (strcmp(a->kind, "new_top_partner") == 0 && q != NULL) {
        snprintf(buf, len, "top partner %s with %.1f %% in %s; %s with %.1f %% in %s",
                 t->top_partner, 100.0 * t->top_share, t->period, q->top_partner,
                 100.0 * q->top_share, q->period);
    } else if (strcmp(a->kind, "high_risk_share") == 0) {
        snprintf(buf, len, "%.1f %% of imports from partners with scaled WGI >= %.3g (%.1f %% "
                 "without a score)", 100.0 * t->high_risk_share, p->high_risk_wgi,
                 100.0 * t->unknown_risk_share);
    } else {
        snprintf(buf, len, "import HHI %.3f > %.3g, world export HHI %.3f > %.3g, imports / "
                 "exports %.4g > %.3g; criteria met in %d of the %d years to %s", t->hhi,
                 p->geodep_import_hhi, t->world_export_hhi, p->geodep_export_hhi,
                 t->import_export_ratio, p->geodep_ratio, t->geodep_years_holding,
                 p->geodep_window, t->period);
    }
    size_t n = strlen(buf);
    if (a->estimated_value_share > 0.0 && n < len) {
        snprintf(buf + n, len - n, " (%.1f %% of the value estimated by HS-edition bridging)",
                 100.0 * a->estimated_value_share);
    }
}

/* The pointers whose rows are the evidence of alert a: its period, and the previous one for a
 * change. */
static size_t alert_pointers(const run_t *r, const cm_trade_alert_t *a, size_t k[2])
{
    const cm_trade_pointer_t *t = &r->ptr.items[a->pointer];
    size_t n = 0;
    if (t->prev >= 0 && (strcmp(a->kind, "hhi_jump") == 0 ||
                         strcmp(a->kind, "unit_value_jump") == 0 ||
                         strcmp(a->kind, "new_top_partner") == 0)) {
        k[n++] = (size_t)t->prev;
    }
    k[n++] = a->pointer;
    return n;
}

static cm_error_t write_alerts(const run_t *r, const char *csv_path, const char *json_path,
                               cm_error_info_t *err)
{
    static const char *const head[] = {"rank", "severity", "alert", "dataset", "source", "unit",
                                       "declarant", "product", "period", "measure", "threshold",
                                       "evidence", "observation_ids", "source_rows",
                                       "estimated_value_share"};
    enum { NH = sizeof head / sizeof head[0] };
    cm_csv_writer_t *w = NULL;
    json_t *root = json_array();
    char *ids = NULL, *rows = NULL;
    size_t cap = 1 << 16;
    cm_error_t rc = root == NULL ? cm_error_set(err, CM_ENOMEM, "out of memory") : CM_OK;
    ids = malloc(cap);
    rows = malloc(cap);
    if (rc == CM_OK && (ids == NULL || rows == NULL)) {
        rc = cm_error_set(err, CM_ENOMEM, "out of memory");
    }
    if (rc == CM_OK) {
        rc = cm_csv_writer_open(csv_path, ',', &w, err);
    }
    if (rc == CM_OK) {
        rc = cm_csv_write_row(w, NH, head, err);
    }
    for (size_t i = 0; rc == CM_OK && i < r->alerts.n; i++) {
        const cm_trade_alert_t *a = &r->alerts.items[i];
        const cm_trade_pointer_t *t = &r->ptr.items[a->pointer];
        char b[6][40], ev[640];
        evidence_text(r, a, ev, sizeof ev);
        size_t k[2], nk = alert_pointers(r, a, k), li = 0, lr = 0;
        int64_t last_line = -1, last_ds = -1;
        json_t *jev = json_array();
        ids[0] = rows[0] = '\0';
        int bad = jev == NULL;
        for (size_t j = 0; j < nk && !bad; j++) {
            const cm_trade_pointer_t *e = &r->ptr.items[k[j]];
            for (size_t x = e->ev_first; x < e->ev_first + e->ev_n && !bad; x++) {
                if (li + 24 < cap) {
                    li += (size_t)snprintf(ids + li, cap - li, "%s%lld", li ? " " : "",
                                           (long long)r->ptr.ev_id[x]);
                }
                int64_t line = r->ptr.ev_line[x], ds = r->ptr.ev_dataset[x];
                if ((line != last_line || ds != last_ds) && lr + 32 < cap) {
                    const char *fn = dataset_file(r, ds);
                    const char *base = strrchr(fn, '/');
                    lr += (size_t)snprintf(rows + lr, cap - lr, "%s%s:%lld", lr ? " " : "",
                                           base != NULL ? base + 1 : fn, (long long)line);
                }
                last_line = line;
                last_ds = ds;
                json_t *o = json_object();
                bad = o == NULL || cm_cli_jset(o, "observation", json_integer(r->ptr.ev_id[x])) ||
                      cm_cli_jset(o, "line", json_integer(r->ptr.ev_line[x])) ||
                      cm_cli_jset(o, "dataset", json_integer(r->ptr.ev_dataset[x])) ||
                      cm_cli_jset(o, "period", json_string(e->period)) ||
                      json_array_append_new(jev, o) != 0;
            }
        }
        if (bad) {
            json_decref(jev);
            rc = cm_error_set(err, CM_ENOMEM, "out of memory");
            break;
        }
        snprintf(b[0], sizeof b[0], "%zu", i + 1);
        snprintf(b[1], sizeof b[1], "%lld", (long long)t->dataset);
        const char *f[NH] = {b[0], cm_csv_format_double(a->severity, b[2]), a->kind, b[1],
                             t->kind, t->unit, t->declarant, t->product, t->period,
                             cm_csv_format_double(a->measure, b[3]),
                             cm_csv_format_double(a->threshold, b[4]), ev, ids, rows,
                             cm_csv_format_double(a->estimated_value_share, b[5])};
        rc = cm_csv_write_row(w, NH, f, err);
        json_t *o = json_object();
        if (rc == CM_OK &&
            (o == NULL || cm_cli_jset(o, "rank", json_integer((json_int_t)i + 1)) ||
             cm_cli_jset(o, "severity", cm_cli_jfinite(a->severity)) ||
             cm_cli_jset(o, "alert", json_string(a->kind)) ||
             cm_cli_jset(o, "dataset", json_integer(t->dataset)) ||
             cm_cli_jset(o, "source", json_string(t->kind)) ||
             cm_cli_jset(o, "unit", json_string(t->unit)) ||
             cm_cli_jset(o, "declarant", json_string(t->declarant)) ||
             cm_cli_jset(o, "product", json_string(t->product)) ||
             cm_cli_jset(o, "period", json_string(t->period)) ||
             cm_cli_jset(o, "measure", cm_cli_jfinite(a->measure)) ||
             cm_cli_jset(o, "threshold", cm_cli_jfinite(a->threshold)) ||
             cm_cli_jset(o, "evidence_text", json_string(ev)) ||
             cm_cli_jset(o, "estimated_value_share", cm_cli_jfinite(a->estimated_value_share)) ||
             cm_cli_jset(o, "evidence", jev) || json_array_append_new(root, o) != 0)) {
            rc = cm_error_set(err, CM_ENOMEM, "out of memory building %s", json_path);
        } else if (rc != CM_OK) {
            json_decref(o);
            json_decref(jev);
        }
    }
    rc = cm_cli_csv_close(w, rc, err);
    if (rc == CM_OK && json_dump_file(root, json_path, JSON_INDENT(1) | JSON_REAL_PRECISION(17)) != 0) {
        rc = cm_error_set(err, CM_EFILE, "cannot write '%s'", json_path);
    }
    json_decref(root);
    free(ids);
    free(rows);
    return rc;
}

/* One stacked-area chart of partner shares (%) over the annual periods [lo, hi) of a series:
 * the five largest partners over the series, the rest as "other". */
static cm_error_t chart_series(const run_t *r, size_t lo, size_t hi, const char *dir,
                               cm_error_info_t *err)
{
    enum { TOP = 5, MAXP = 400 };
    size_t np = hi - lo, npart = 0;
    char (*names)[CM_TRADE_CODE_MAX] = calloc(MAXP, sizeof *names);
    double *tot = calloc(MAXP, sizeof *tot);
    double *val = calloc(MAXP * np, sizeof *val);
    double *x = calloc(np, sizeof *x), *y = calloc(np, sizeof *y);
    cm_svg_t *fig = NULL;
    cm_error_t rc = CM_OK;
    if (names == NULL || tot == NULL || val == NULL || x == NULL || y == NULL) {
        rc = cm_error_set(err, CM_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t k = 0; k < np; k++) {
        const cm_trade_pointer_t *t = &r->ptr.items[lo + k];
        x[k] = strtod(t->period, NULL);
        for (size_t e = t->ev_first; e < t->ev_first + t->ev_n; e++) {
            /* by index: the pieces of a split observation share its id */
            const cm_trade_obs_t *o = &r->obs.items[r->ptr.ev_obs[e]];
            if (o->var != CM_TRADE_IMPORT_VALUE || !isfinite(o->value)) {
                continue;
            }
            size_t j = 0;
            while (j < npart && strcmp(names[j], o->partner) != 0) {
                j++;
            }
            if (j == npart && npart < MAXP) {
                memcpy(names[npart++], o->partner, CM_TRADE_CODE_MAX);
            }
            if (j < MAXP) {
                val[j * np + k] += t->value > 0.0 ? 100.0 * o->value / t->value : 0.0;
                tot[j] += o->value;
            }
        }
    }
    rc = cm_svg_create(720, 420, &fig, err);
    const cm_trade_pointer_t *a = &r->ptr.items[lo];
    char title[256], path[4200];
    snprintf(title, sizeof title, "Partner shares of %s imports of %s (%s, value in %s)",
             a->declarant, a->product, a->kind, a->unit);
    if (rc == CM_OK) {
        rc = cm_svg_set_labels(fig, title, "Year", "Share of import value (%)", err);
    }
    if (rc == CM_OK) {
        rc = cm_svg_set_range(fig, 'y', 0, 100, err);
    }
    int used[TOP] = {-1, -1, -1, -1, -1};
    for (int t = 0; t < TOP && rc == CM_OK; t++) {
        int best = -1;
        for (size_t j = 0; j < npart; j++) {
            int taken = 0;
            for (int u = 0; u < t; u++) {
                taken |= used[u] == (int)j;
            }
            if (!taken && (best < 0 || tot[j] > tot[best])) {
                best = (int)j;
            }
        }
        if (best < 0) {
            break;
        }
        used[t] = best;
        rc = cm_svg_add_area(fig, names[best], x, np, val + (size_t)best * np, np, err);
    }
    for (size_t k = 0; k < np; k++) {
        y[k] = 0.0;
        for (size_t j = 0; j < npart; j++) {
            int top = 0;
            for (int u = 0; u < TOP; u++) {
                top |= used[u] == (int)j;
            }
            y[k] += top ? 0.0 : val[j * np + k];
        }
    }
    if (rc == CM_OK && npart > TOP) {
        rc = cm_svg_add_area(fig, "other", x, np, y, np, err);
    }
    char safe[CM_TRADE_CODE_MAX];
    size_t n = 0;
    for (const char *c = a->product; *c != '\0' && n + 1 < sizeof safe; c++) {
        int ok = (*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z');
        safe[n++] = ok ? *c : '_';
    }
    safe[n] = '\0';
    if (snprintf(path, sizeof path, "%s/partners-%s-%s-%s-%s.svg", dir, a->kind, a->unit,
                 a->declarant, safe) >= (int)sizeof path) {
        rc = cm_error_set(err, CM_EINVAL, "output directory name too long: '%s'", dir);
    }
    if (rc == CM_OK) {
        rc = cm_svg_write(fig, path, err);
    }
done:
    cm_svg_free(fig);
    free(names);
    free(tot);
    free(val);
    free(x);
    free(y);
    return rc;
}

/* A chart for every annual series of at least two periods; returns the number written. */
static cm_error_t write_charts(const run_t *r, const char *dir, size_t *written,
                               cm_error_info_t *err)
{
    cm_error_t rc = cm_cli_make_dir(dir, err);
    *written = 0;
    for (size_t lo = 0; rc == CM_OK && lo < r->ptr.n;) {
        const cm_trade_pointer_t *a = &r->ptr.items[lo];
        size_t hi = lo + 1;
        while (hi < r->ptr.n && strcmp(r->ptr.items[hi].kind, a->kind) == 0 &&
               strcmp(r->ptr.items[hi].unit, a->unit) == 0 &&
               strcmp(r->ptr.items[hi].declarant, a->declarant) == 0 &&
               strcmp(r->ptr.items[hi].product, a->product) == 0 &&
               strlen(r->ptr.items[hi].period) == strlen(a->period)) {
            hi++;
        }
        if (strlen(a->period) == 4 && hi - lo >= 2) {
            rc = chart_series(r, lo, hi, dir, err);
            *written += rc == CM_OK;
        }
        lo = hi;
    }
    return rc;
}

/* Replace r->obs by its bridge to \p edition and set *estimated to its flags (cm_free); prints
 * what was done. */
static cm_error_t bridge_obs(cm_store_t *st, const char *edition, const char *editions,
                             cm_trade_obs_list_t *obs, unsigned char **estimated,
                             cm_error_info_t *err)
{
    cm_trade_bridge_options_t o;
    cm_trade_bridge_report_t rep;
    cm_trade_obs_list_t out;
    memset(&o, 0, sizeof o);
    memset(&rep, 0, sizeof rep);
    memset(&out, 0, sizeof out);
    o.target = edition;
    o.editions = editions;
    cm_error_t rc = cm_trade_bridge_store(st, obs, &o, &out, &rep, err);
    if (rc == CM_OK) {
        printf("bridged to %s: %zu observations kept, %zu renamed, %zu split (%zu with equal "
               "shares), %zu of unknown edition, %zu without a table, %zu codes not in the "
               "table; %zu estimated\n",
               edition, rep.n_kept, rep.n_renamed, rep.n_split, rep.n_split_equal,
               rep.n_unknown_edition, rep.n_no_table, rep.n_not_in_table, rep.n_estimated);
        cm_trade_obs_list_destroy(obs);
        *obs = out;
        *estimated = rep.estimated; /* NULL when nothing came out */
        rep.estimated = NULL;
    }
    cm_trade_bridge_report_destroy(&rep);
    return rc;
}

static int pointers_store(const char *store_opt, const char *declarant, const char *config,
                          int wgi_year, int64_t dataset, const char *out_dir,
                          const char *hs_edition)
{
    cm_error_info_t err;
    memset(&err, 0, sizeof err);
    run_t r;
    memset(&r, 0, sizeof r);
    cm_store_t *st = NULL;
    char path[4096], path2[4096];
    size_t charts = 0;
    unsigned char *estimated = NULL; /* per bridged observation: holds a split share */
    char *editions = NULL;           /* per loaded observation: its HS edition */
    cm_trade_params_default(&r.par);
    cm_error_t rc = CM_OK;
    if (config != NULL) {
        rc = cm_trade_params_load(config, &r.par, &err);
    }
    if (wgi_year > 0) {
        r.par.wgi_year = wgi_year;
    }
    if (rc == CM_OK) {
        rc = cm_store_open(cm_cli_store_path(store_opt), CM_STORE_READONLY, &st, &err);
    }
    if (rc == CM_OK) {
        rc = cm_store_datasets(st, &r.ds, &err);
    }
    if (rc == CM_OK) {
        cm_error_info_t werr;
        memset(&werr, 0, sizeof werr);
        r.have_wgi = cm_crit_wgi_load(st, r.par.wgi_year, r.par.wgi_year, &r.wgi, &werr) == CM_OK;
        if (!r.have_wgi) {
            fprintf(stderr, "cambium: warning: no WGI %d in the store (%s): no high-risk shares\n",
                    r.par.wgi_year, werr.message);
        }
        rc = hs_edition != NULL
                 ? cm_trade_obs_load_editions(st, dataset, &r.obs, &editions, &err)
                 : cm_trade_obs_load(st, dataset, &r.obs, &err);
    }
    if (rc == CM_OK && hs_edition != NULL) {
        rc = bridge_obs(st, hs_edition, editions, &r.obs, &estimated, &err);
    }
    if (rc == CM_OK) {
        rc = cm_trade_pointers_compute_est(&r.obs, estimated, declarant,
                                           r.have_wgi ? wgi_risk : NULL, &r.wgi, &r.par, &r.ptr,
                                           &err);
    }
    if (rc == CM_OK) {
        rc = cm_trade_alerts_build(&r.ptr, &r.par, &r.alerts, &err);
    }
    if (rc == CM_OK) {
        rc = cm_cli_make_dir(out_dir, &err);
    }
    if (rc == CM_OK) {
        snprintf(path, sizeof path, "%s/pointers.csv", out_dir);
        rc = write_pointers_csv(&r, path, &err);
    }
    if (rc == CM_OK) {
        snprintf(path, sizeof path, "%s/alerts.csv", out_dir);
        snprintf(path2, sizeof path2, "%s/alerts.json", out_dir);
        rc = write_alerts(&r, path, path2, &err);
    }
    if (rc == CM_OK) {
        snprintf(path, sizeof path, "%s/charts", out_dir);
        rc = write_charts(&r, path, &charts, &err);
    }
    int status = rc == CM_OK ? CM_EXIT_OK : cm_cli_fail(&err, rc);
    if (rc == CM_OK) {
        size_t geodep = 0;
        for (size_t i = 0; i < r.ptr.n; i++) {
            geodep += r.ptr.items[i].geodep;
        }
        printf("%zu trade observations, %zu pointers (%s), %zu alerts, %zu GeoDep dependencies, "
               "%zu charts in %s\n", r.obs.n, r.ptr.n, declarant != NULL ? declarant : "all",
               r.alerts.n, geodep, charts, out_dir);
        if (r.ptr.n_skipped_partner > 0) {
            printf("left out: %zu rows with partner WLD or the declarant itself\n",
                   r.ptr.n_skipped_partner);
        }
        for (size_t i = 0; i < r.alerts.n && i < 10; i++) {
            const cm_trade_alert_t *a = &r.alerts.items[i];
            const cm_trade_pointer_t *t = &r.ptr.items[a->pointer];
            printf("%2zu. %-16s %6.2f  %s %s %s %s\n", i + 1, a->kind, a->severity, t->kind,
                   t->declarant, t->product, t->period);
        }
    }
    cm_trade_alerts_destroy(&r.alerts);
    cm_trade_pointers_destroy(&r.ptr);
    cm_trade_obs_list_destroy(&r.obs);
    cm_free(estimated);
    cm_free(editions);
    cm_crit_wgi_destroy(&r.wgi);
    cm_dataset_list_destroy(&r.ds);
    cm_store_close(st);
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
        {"dataset", required_argument, NULL, 'D'},  {"help", no_argument, NULL, 'h'},
        {"hs-edition", required_argument, NULL, 'E'}, {NULL, 0, NULL, 0}};
    const char *baci = NULL, *out = NULL, *cache = NULL, *store = NULL, *config = NULL;
    const char *hs_edition = NULL;
    const char *declarant = "BEL";
    int use_cache = 1, timings = 0, wgi_year = 0, dataset = 0, c;
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
            declarant = strcmp(optarg, "all") == 0 ? NULL : optarg;
            break;
        case 'f':
            if (strcmp(optarg, "import") != 0) {
                return cm_cli_usage_error("trade pointers",
                                          "--flow: expected 'import', got '%s'", optarg);
            }
            break;
        case 'g':
            config = optarg;
            break;
        case 'w':
            if (!cm_cli_parse_int(optarg, 1996, 2100, &wgi_year)) {
                return cm_cli_usage_error("trade pointers",
                                          "--wgi-year: expected a year, got '%s'", optarg);
            }
            break;
        case 'D':
            if (!cm_cli_parse_int(optarg, 1, 2000000000, &dataset)) {
                return cm_cli_usage_error("trade pointers",
                                          "--dataset: expected a dataset id, got '%s'", optarg);
            }
            break;
        case 'E':
            if (strcmp(optarg, "HS2017") != 0 && strcmp(optarg, "HS2022") != 0) {
                return cm_cli_usage_error("trade pointers",
                                          "--hs-edition: expected HS2017 or HS2022, got '%s'",
                                          optarg);
            }
            hs_edition = optarg;
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
        return pointers_store(store, declarant, config, wgi_year, dataset,
                              out != NULL ? out : "trade-out", hs_edition);
    }
    if (hs_edition != NULL) {
        return cm_cli_usage_error("trade pointers",
                                  "--hs-edition works on the store's observations, not with --baci");
    }
    if (out == NULL) {
        return cm_cli_usage_error("trade pointers", "--out DIR is required with --baci");
    }
    return pointers_baci(baci, out, cache, use_cache, store, timings);
}

static const cm_cli_sub_t trade_subs[] = {
    {"pointers", "per product and period pointers and early-warning alerts", trade_pointers},
    {"waste", "WEEE generated from put on market (Weibull stocks) vs collected", cm_cli_trade_waste},
    {"carriers", "CRM content of imports, exports and apparent consumption", cm_cli_trade_carriers},
    {"prioritise", "rank raw materials for recovery (criteria and weights in an ini file)",
     cm_cli_trade_prioritise},
    {NULL, NULL, NULL}};

static int trade_run(int argc, char **argv)
{
    return cm_cli_dispatch("trade",
                           "Trade-based monitoring: pointers and early warnings, waste streams, CRM\n"
                           "carriers (docs/trade.md).",
                           trade_subs, argc, argv);
}

const cm_cli_verb_t cm_cli_verb_trade = {"trade", "trade pointers and early warnings",
                                         trade_run};

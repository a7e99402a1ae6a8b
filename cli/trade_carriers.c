/* cambium trade carriers: CRM content of the declarant's imports, exports and apparent
 * consumption by product and material (src/trade/carriers.c, docs/trade.md "Carriers"). */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"

#define TOP_N 5 /* carriers printed and drawn per material */

static void carriers_usage(FILE *out)
{
    fprintf(out,
            "usage: cambium trade carriers [--store DB] [--year Y] [--declarant BEL]\n"
            "                              [--compositions FILE] [--out DIR]\n"
            "CRM content (kg of each material) of the declarant's imports, exports and apparent\n"
            "consumption by product, from a composition table applied to the store's trade\n"
            "quantities (kg or t; value-only flows are not converted).\n"
            "  --store DB            the store (default $CAMBIUM_STORE or cambium.db)\n"
            "  --year Y              one year (default: every year)\n"
            "  --declarant ISO3      the declarant (default BEL)\n"
            "  --compositions FILE   composition table (default $CAMBIUM_DATA/trade/\n"
            "                        compositions.csv or data/trade/compositions.csv)\n"
            "  --out DIR             output directory (default carriers-out): carriers.csv,\n"
            "                        carriers.json, carriers.svg\n");
}

static cm_error_t write_csv(const cm_carriers_t *r, const char *path, cm_error_info_t *err)
{
    static const char *const head[] = {
        "year", "material", "rank", "source", "product", "code_system", "import_kg",
        "export_kg", "production_kg", "import_content_kg", "import_low_kg", "import_high_kg",
        "export_content_kg", "apparent_content_kg", "n_missing_quantity", "status",
        "composition_line", "composition_source"};
    cm_csv_writer_t *w = NULL;
    cm_error_t rc = cm_csv_writer_open(path, ',', &w, err);
    if (rc == CM_OK) {
        rc = cm_csv_write_row(w, sizeof head / sizeof head[0], head, err);
    }
    for (size_t i = 0; rc == CM_OK && i < r->n; i++) {
        const cm_carrier_row_t *x = &r->rows[i];
        char b[10][32];
        const char *f[18];
        snprintf(b[0], 32, "%d", x->year);
        snprintf(b[1], 32, "%d", x->rank);
        snprintf(b[2], 32, "%d", x->n_missing_q);
        snprintf(b[3], 32, "%lld", (long long)x->comp_line);
        f[0] = b[0];
        f[1] = x->material;
        f[2] = x->rank > 0 ? b[1] : "";
        f[3] = x->kind;
        f[4] = x->product;
        f[5] = x->system;
        f[6] = cm_cli_num(x->import_kg, b[4]);
        f[7] = cm_cli_num(x->export_kg, b[5]);
        f[8] = cm_cli_num(x->production_kg, b[6]);
        f[9] = cm_cli_num(x->import_content, b[7]);
        f[10] = cm_cli_num(x->import_low, b[8]);
        f[11] = cm_cli_num(x->import_high, b[9]);
        char e1[32], e2[32];
        f[12] = cm_cli_num(x->export_content, e1);
        f[13] = cm_cli_num(x->apparent_content, e2);
        f[14] = b[2];
        f[15] = x->status;
        f[16] = b[3];
        f[17] = x->source;
        rc = cm_csv_write_row(w, 18, f, err);
    }
    return cm_cli_csv_close(w, rc, err);
}

static cm_error_t write_json(const cm_carriers_t *r, const char *declarant, int year,
                             const char *comp_path, const char *path, cm_error_info_t *err)
{
    json_t *root = json_object(), *rows = json_array(), *miss = json_array();
    int bad = root == NULL || rows == NULL || miss == NULL;
    for (size_t i = 0; !bad && i < r->n; i++) {
        const cm_carrier_row_t *x = &r->rows[i];
        json_t *o = json_object();
        bad = o == NULL || json_array_append_new(rows, o) != 0;
        bad = bad || cm_cli_jset(o, "year", json_integer(x->year)) ||
              cm_cli_jset(o, "material", json_string(x->material)) ||
              cm_cli_jset(o, "rank", x->rank > 0 ? json_integer(x->rank) : json_null()) ||
              cm_cli_jset(o, "source", json_string(x->kind)) ||
              cm_cli_jset(o, "product", json_string(x->product)) ||
              cm_cli_jset(o, "code_system", json_string(x->system)) ||
              cm_cli_jset(o, "import_kg", cm_cli_jnum(x->import_kg)) ||
              cm_cli_jset(o, "export_kg", cm_cli_jnum(x->export_kg)) ||
              cm_cli_jset(o, "production_kg", cm_cli_jnum(x->production_kg)) ||
              cm_cli_jset(o, "import_content_kg", cm_cli_jnum(x->import_content)) ||
              cm_cli_jset(o, "import_low_kg", cm_cli_jnum(x->import_low)) ||
              cm_cli_jset(o, "import_high_kg", cm_cli_jnum(x->import_high)) ||
              cm_cli_jset(o, "export_content_kg", cm_cli_jnum(x->export_content)) ||
              cm_cli_jset(o, "apparent_content_kg", cm_cli_jnum(x->apparent_content)) ||
              cm_cli_jset(o, "n_missing_quantity", json_integer(x->n_missing_q)) ||
              cm_cli_jset(o, "status", json_string(x->status)) ||
              cm_cli_jset(o, "composition_line", json_integer(x->comp_line)) ||
              cm_cli_jset(o, "composition_source", json_string(x->source));
    }
    for (size_t i = 0; !bad && i < r->n_missing; i++) {
        json_t *o = json_object();
        bad = o == NULL || json_array_append_new(miss, o) != 0;
        bad = bad || cm_cli_jset(o, "product", json_string(r->missing[i].product)) ||
              cm_cli_jset(o, "code_system", json_string(r->missing[i].system)) ||
              cm_cli_jset(o, "flows_missing", json_string(r->missing[i].flows));
    }
    if (!bad) {
        bad = cm_cli_jset(root, "declarant", json_string(declarant)) ||
              cm_cli_jset(root, "year", year > 0 ? json_integer(year) : json_null()) ||
              cm_cli_jset(root, "compositions", json_string(comp_path)) ||
              cm_cli_jset(root, "flows_used", json_integer((json_int_t)r->n_flows_used)) ||
              cm_cli_jset(root, "carriers", rows) || cm_cli_jset(root, "flow_missing", miss);
        rows = miss = NULL;
    }
    cm_error_t rc = bad ? cm_error_set(err, CM_ENOMEM, "cannot build the carriers JSON") : CM_OK;
    if (rc == CM_OK &&
        json_dump_file(root, path, JSON_INDENT(1) | JSON_REAL_PRECISION(17)) != 0) {
        rc = cm_error_set(err, CM_EFILE, "cannot write '%s'", path);
    }
    json_decref(rows);
    json_decref(miss);
    json_decref(root);
    return rc;
}

/* Materials with at least one ranked carrier, in the order of the rows (year, material). */
static size_t ranked_materials(const cm_carriers_t *r, int year, const char **mats, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n; i++) {
        if (r->rows[i].rank == 1 && r->rows[i].year == year && n < max) {
            mats[n++] = r->rows[i].material;
        }
    }
    return n;
}

/* One bar chart: the top carriers of each material of the latest year, content as a share of
 * the material's ranked import content (%), one series per rank. */
static cm_error_t write_svg(const cm_carriers_t *r, const char *path, size_t *drawn,
                            cm_error_info_t *err)
{
    enum { MAXM = 64 };
    const char *mats[MAXM];
    double val[TOP_N][MAXM];
    int year = 0;
    cm_svg_t *fig = NULL;
    *drawn = 0;
    for (size_t i = 0; i < r->n; i++) {
        year = r->rows[i].rank > 0 && r->rows[i].year > year ? r->rows[i].year : year;
    }
    size_t nm = ranked_materials(r, year, mats, MAXM);
    if (nm == 0) {
        return CM_OK;
    }
    memset(val, 0, sizeof val);
    for (size_t m = 0; m < nm; m++) {
        double tot = 0.0;
        for (size_t i = 0; i < r->n; i++) {
            const cm_carrier_row_t *x = &r->rows[i];
            if (x->year == year && x->rank > 0 && strcmp(x->material, mats[m]) == 0) {
                tot += x->import_content;
            }
        }
        for (size_t i = 0; i < r->n; i++) {
            const cm_carrier_row_t *x = &r->rows[i];
            if (x->year == year && x->rank > 0 && x->rank <= TOP_N &&
                strcmp(x->material, mats[m]) == 0) {
                val[x->rank - 1][m] = tot > 0 ? 100.0 * x->import_content / tot : 0.0;
            }
        }
    }
    char title[128];
    snprintf(title, sizeof title, "Top carriers of each material: share of imported content, %d",
             year);
    cm_error_t rc = cm_svg_create(960, 480, &fig, err);
    if (rc == CM_OK) {
        rc = cm_svg_set_labels(fig, title, "Material", "Share of import content (%)", err);
    }
    if (rc == CM_OK) {
        rc = cm_svg_set_categories(fig, mats, nm, err);
    }
    if (rc == CM_OK) {
        rc = cm_svg_set_bar_mode(fig, CM_SVG_BARS_STACKED, err);
    }
    for (int k = 0; k < TOP_N && rc == CM_OK; k++) {
        char name[32];
        snprintf(name, sizeof name, "carrier #%d", k + 1);
        rc = cm_svg_add_bars(fig, name, val[k], nm, err);
    }
    if (rc == CM_OK) {
        rc = cm_svg_write(fig, path, err);
    }
    cm_svg_free(fig);
    *drawn = rc == CM_OK ? nm : 0;
    return rc;
}

static void print_top(const cm_carriers_t *r)
{
    for (size_t i = 0; i < r->n; i++) {
        const cm_carrier_row_t *x = &r->rows[i];
        if (x->rank == 1) {
            printf("%d %s:\n", x->year, x->material);
        }
        if (x->rank >= 1 && x->rank <= TOP_N) {
            printf("  %d. %-20s %-9s %.6g kg in imports (%s)\n", x->rank, x->product, x->kind,
                   x->import_content, x->status);
        }
    }
}

int cm_cli_trade_carriers(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"store", required_argument, NULL, 's'},     {"year", required_argument, NULL, 'y'},
        {"declarant", required_argument, NULL, 'd'}, {"compositions", required_argument, NULL, 'c'},
        {"out", required_argument, NULL, 'o'},       {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *store = NULL, *declarant = "BEL", *comp = NULL, *out = "carriers-out";
    int year = 0, c;
    char comp_buf[4096], path[4200];
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 's':
            store = optarg;
            break;
        case 'y':
            if (!cm_cli_parse_int(optarg, 1900, 2999, &year)) {
                return cm_cli_usage_error("trade carriers", "--year: expected a year, got '%s'",
                                          optarg);
            }
            break;
        case 'd':
            declarant = optarg;
            break;
        case 'c':
            comp = optarg;
            break;
        case 'o':
            out = optarg;
            break;
        case 'h':
            carriers_usage(stdout);
            return CM_EXIT_OK;
        default:
            return cm_cli_getopt_fail("trade carriers", c, argv);
        }
    }
    if (optind != argc) {
        return cm_cli_usage_error("trade carriers", "unexpected argument '%s'", argv[optind]);
    }
    if (comp == NULL) {
        const char *d = getenv("CAMBIUM_DATA");
        snprintf(comp_buf, sizeof comp_buf, "%s/trade/compositions.csv",
                 d != NULL && d[0] != '\0' ? d : "data");
        comp = comp_buf;
    }
    cm_error_info_t err;
    memset(&err, 0, sizeof err);
    cm_carrier_comps_t comps;
    cm_carriers_t res;
    cm_store_t *st = NULL;
    size_t drawn = 0;
    memset(&comps, 0, sizeof comps);
    memset(&res, 0, sizeof res);
    cm_error_t rc = cm_carrier_comps_load(comp, &comps, &err);
    if (rc == CM_OK) {
        rc = cm_store_open(cm_cli_store_path(store), CM_STORE_READONLY, &st, &err);
    }
    if (rc == CM_OK) {
        rc = cm_carriers_compute(st, &comps, declarant, year, &res, &err);
    }
    if (rc == CM_OK) {
        rc = cm_cli_make_dir(out, &err);
    }
    if (rc == CM_OK) {
        snprintf(path, sizeof path, "%s/carriers.csv", out);
        rc = write_csv(&res, path, &err);
    }
    if (rc == CM_OK) {
        snprintf(path, sizeof path, "%s/carriers.json", out);
        rc = write_json(&res, declarant, year, comp, path, &err);
    }
    if (rc == CM_OK) {
        snprintf(path, sizeof path, "%s/carriers.svg", out);
        rc = write_svg(&res, path, &drawn, &err);
    }
    int status = CM_EXIT_OK;
    if (rc != CM_OK) {
        status = cm_cli_fail(&err, rc);
    } else {
        size_t ranked = 0, value_only = 0;
        for (size_t i = 0; i < res.n; i++) {
            ranked += res.rows[i].rank > 0;
            value_only += strcmp(res.rows[i].status, "no quantity: not convertible") == 0;
        }
        printf("%zu composition rows, %zu matching observations (%s), %zu carrier rows: %zu "
               "with content, %zu value-only (no quantity: not convertible); %zu composition "
               "products with a flow missing; %zu materials charted in %s\n",
               comps.n, res.n_flows_used, declarant, res.n, ranked, value_only, res.n_missing,
               drawn, out);
        print_top(&res);
    }
    cm_carriers_destroy(&res);
    cm_carrier_comps_destroy(&comps);
    cm_store_close(st);
    return status;
}

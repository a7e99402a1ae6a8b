/* cambium crit geopolrisk: the GeoPolRisk score (importer's view of supply risk) of every
 * material x importer with bilateral imports in the store, as CSV. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void geopolrisk_usage(FILE *out)
{
    fprintf(out,
            "usage: cambium crit geopolrisk [--store DB] [--year Y] [--importer ISO3]\n"
            "                               [--material CODE] [--out FILE.csv]\n"
            "\n"
            "GeoPolRisk of raw material A for importer c (Koyamparambath et al. 2024):\n"
            "  HHI_A x sum_i(g_i f_Aic) / (p_Ac + F_Ac)\n"
            "with HHI_A from World Mining Data production (import wmd), f_Aic and the exporters'\n"
            "political-stability scores g_i from bilateral imports (import geopolrisk-trade),\n"
            "p_Ac the importer's production and F_Ac its total imports. See docs/geopolrisk.md.\n"
            "Prints CSV: material, importer, year, hhi, domestic_production, total_imports,\n"
            "import_risk, geopolrisk, unit.\n"
            "\n"
            "options:\n"
            "  --store DB        the store (default $CAMBIUM_STORE or cambium.db)\n"
            "  --year Y          assessment year of production and imports (default: per\n"
            "                    material and importer the latest year with both)\n"
            "  --importer C      only this importer (ISO3, M49 or name)\n"
            "  --material M      only this material (code or name)\n"
            "  --out FILE.csv    write the CSV to FILE (atomically) instead of stdout\n"
            "  -h, --help        print this help\n"
            "\n"
            "Exit codes: 0 success, 1 missing data or I/O error, 2 usage error.\n");
}

static const char *const columns[] = {"material",      "importer",    "year",
                                      "hhi",           "domestic_production",
                                      "total_imports", "import_risk", "geopolrisk",
                                      "unit"};
#define NCOLS (sizeof columns / sizeof columns[0])

static void row_fields(const cm_geopolrisk_row_t *r, char num[5][32], const char *f[NCOLS])
{
    f[0] = r->material;
    f[1] = r->importer;
    f[2] = r->year;
    f[3] = cm_csv_format_double(r->r.hhi, num[0]);
    f[4] = cm_csv_format_double(r->r.domestic_production, num[1]);
    f[5] = cm_csv_format_double(r->r.total_imports, num[2]);
    f[6] = cm_csv_format_double(r->r.import_risk, num[3]);
    f[7] = cm_csv_format_double(r->r.score, num[4]);
    f[8] = r->unit;
}

static cm_error_t write_file(const char *path, const cm_geopolrisk_table_t *t,
                             cm_error_info_t *err)
{
    cm_csv_writer_t *w = NULL;
    cm_error_t rc = cm_csv_writer_open(path, ',', &w, err);
    if (rc != CM_OK) {
        return rc;
    }
    rc = cm_csv_write_row(w, NCOLS, columns, err);
    for (size_t i = 0; i < t->n && rc == CM_OK; i++) {
        char num[5][32];
        const char *f[NCOLS];
        row_fields(&t->rows[i], num, f);
        rc = cm_csv_write_row(w, NCOLS, f, err);
    }
    return cm_cli_csv_close(w, rc, err);
}

static void write_stdout(const cm_geopolrisk_table_t *t)
{
    for (size_t c = 0; c < NCOLS; c++) {
        printf("%s%s", c ? "," : "", columns[c]);
    }
    printf("\n");
    for (size_t i = 0; i < t->n; i++) {
        char num[5][32];
        const char *f[NCOLS];
        row_fields(&t->rows[i], num, f);
        /* codes, years, numbers and units never need CSV quoting */
        for (size_t c = 0; c < NCOLS; c++) {
            printf("%s%s", c ? "," : "", f[c]);
        }
        printf("\n");
    }
}

int cm_cli_crit_geopolrisk(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"store", required_argument, NULL, 's'},    {"year", required_argument, NULL, 'y'},
        {"importer", required_argument, NULL, 'i'}, {"material", required_argument, NULL, 'm'},
        {"out", required_argument, NULL, 'o'},      {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *store_opt = NULL, *out_path = NULL;
    cm_geopolrisk_options_t opt;
    cm_geopolrisk_table_t table;
    cm_error_info_t err;
    cm_store_t *store = NULL;
    cm_error_t rc;
    int c, status = CM_EXIT_OK;

    memset(&opt, 0, sizeof opt);
    memset(&table, 0, sizeof table);
    memset(&err, 0, sizeof err);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 's':
            store_opt = optarg;
            break;
        case 'y': {
            size_t len = strlen(optarg);
            int ok = len == 4;
            for (size_t k = 0; k < len && ok; k++) {
                ok = optarg[k] >= '0' && optarg[k] <= '9';
            }
            if (!ok) {
                return cm_cli_usage_error("crit geopolrisk",
                                          "--year: expected a four-digit year, got '%s'", optarg);
            }
            opt.year = optarg;
            break;
        }
        case 'i':
            opt.importer = optarg;
            break;
        case 'm':
            opt.material = optarg;
            break;
        case 'o':
            out_path = optarg;
            break;
        case 'h':
            geopolrisk_usage(stdout);
            return CM_EXIT_OK;
        default:
            return cm_cli_getopt_fail("crit geopolrisk", c, argv);
        }
    }
    if (optind < argc) {
        return cm_cli_usage_error("crit geopolrisk", "unexpected argument '%s'", argv[optind]);
    }
    rc = cm_store_open(cm_cli_store_path(store_opt), CM_STORE_READONLY, &store, &err);
    if (rc == CM_OK) {
        rc = cm_geopolrisk_assess(store, &opt, &table, &err);
    }
    if (rc == CM_OK) {
        if (out_path != NULL) {
            rc = write_file(out_path, &table, &err);
        } else {
            write_stdout(&table);
        }
    }
    if (rc != CM_OK) {
        status = cm_cli_fail(&err, rc);
    }
    cm_geopolrisk_table_destroy(&table);
    cm_store_close(store);
    return status;
}

/* CSV reading benchmark: cambium's streaming reader + number parsing on a trade-like file.
 *   csv_read_bench gen FILE ROWS   write a deterministic test file (8 columns)
 *   csv_read_bench read FILE       read it, parse the numeric columns, print a checksum
 * Build: see bench/csv/run.sh. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cambium/cambium.h"

static uint64_t rng(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * UINT64_C(2685821657736338717);
}

static int generate(const char *path, long rows)
{
    static const char *const iso[] = {"BEL", "NLD", "FRA", "DEU", "CHN", "USA", "CHL", "COD",
                                      "AUS", "ZAF", "BRA", "IND", "JPN", "KOR", "NOR", "POL"};
    static const char *const flows[] = {"import", "export"};
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        perror(path);
        return 1;
    }
    uint64_t s = UINT64_C(0x243F6A8885A308D3);
    fprintf(f, "reporter,partner,product,year,flow,value_eur,quantity_kg,note\n");
    for (long i = 0; i < rows; i++) {
        uint64_t a = rng(&s), b = rng(&s);
        const char *rep = iso[a & 15], *par = iso[(a >> 4) & 15];
        unsigned product = 250000u + (unsigned)((a >> 8) % 600000u);
        int year = 2002 + (int)((a >> 32) % 23);
        double value = (double)(b % 100000000u) / 100.0;
        double qty = (double)((b >> 27) % 5000000u) / 10.0;
        char vbuf[32], qbuf[32];
        unsigned flag = (unsigned)((b >> 56) & 63);
        if (flag == 0) {
            snprintf(vbuf, sizeof vbuf, "W");
        } else if (flag == 1) {
            snprintf(vbuf, sizeof vbuf, "%.2f e", value);
        } else {
            snprintf(vbuf, sizeof vbuf, "%.2f", value);
        }
        if (flag == 2) {
            qbuf[0] = '\0';
        } else {
            snprintf(qbuf, sizeof qbuf, "%.1f", qty);
        }
        fprintf(f, "%s,%s,%06u,%d,%s,%s,%s,%s\n", rep, par, product, year, flows[a >> 63], vbuf,
                qbuf, flag == 3 ? "\"confidential, partner hidden\"" : "");
    }
    return fclose(f) == 0 ? 0 : 1;
}

typedef struct acc_t {
    double sum_value;
    double sum_qty;
    long flagged;
    long rows;
    long bad;
} acc_t;

static cm_error_t on_row(const cm_csv_row_t *row, void *ud, cm_error_info_t *err)
{
    acc_t *a = ud;
    (void)err;
    if (row->record == 1 || row->nfields < 8) {
        return CM_OK;
    }
    cm_num_options_t o = {0, 0, 1};
    cm_num_t y, v, q;
    if (cm_num_parse(row->fields[3], &o, &y, NULL) != CM_OK ||
        cm_num_parse(row->fields[5], &o, &v, NULL) != CM_OK ||
        cm_num_parse(row->fields[6], &o, &q, NULL) != CM_OK) {
        a->bad++;
        return CM_OK;
    }
    a->rows++;
    if (cm_num_has_value(&v)) {
        a->sum_value += v.value;
    }
    if (cm_num_has_value(&q)) {
        a->sum_qty += q.value;
    }
    a->flagged += (v.flags | q.flags) != 0;
    return CM_OK;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "gen") == 0) {
        return generate(argv[2], strtol(argv[3], NULL, 10));
    }
    if (argc != 3 || strcmp(argv[1], "read") != 0) {
        fprintf(stderr, "usage: csv_read_bench gen FILE ROWS | read FILE\n");
        return 2;
    }
    acc_t a;
    memset(&a, 0, sizeof a);
    cm_csv_stats_t st;
    cm_error_info_t err;
    cm_error_clear(&err);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    cm_error_t rc = cm_csv_read_file(argv[2], NULL, on_row, &a, &st, &err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (rc != CM_OK) {
        char buf[2048];
        cm_error_format(&err, buf, sizeof buf);
        fprintf(stderr, "error: %s\n", buf);
        return 1;
    }
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
    printf("records=%" PRId64 " rows=%ld flagged=%ld bad=%ld sum_value=%.6e sum_qty=%.6e "
           "seconds=%.3f\n",
           st.records, a.rows, a.flagged, a.bad, a.sum_value, a.sum_qty, secs);
    return 0;
}

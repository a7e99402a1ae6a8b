/* Helpers of the trade and input-output importers (comext, baci, comtrade, iot-oecd): product
 * codes with their leading zeros, periods, a year or a country taken from the file name. */
#include <string.h>

#include "ingest_internal.h"

cm_error_t cm_i_ing_code(cm_i_ing_t *g, const cm_csv_row_t *row, size_t col, size_t ndigits,
                         char *out, size_t n, cm_error_info_t *err)
{
    char buf[64];
    size_t len;
    cm_i_ing_clean(buf, sizeof buf, cm_i_ing_field(row, col));
    len = strlen(buf);
    if (len == 0 || strspn(buf, "0123456789") != len || len + 1 < ndigits || len > ndigits ||
        ndigits + 1 > n) {
        return cm_i_ing_fail(g, err, CM_EPARSE, row->line, col,
                             "column '%s': expected a product code of %zu digits, got '%s'",
                             col < g->ncols ? g->header[col] : "?", ndigits, buf);
    }
    if (len + 1 == ndigits) {
        /* A code read as a number by a spreadsheet lost its leading zero ("2610000"). */
        out[0] = '0';
        memcpy(out + 1, buf, len + 1);
        return cm_i_ing_quirk(g, "leading-zero-restored", NULL, 1, err);
    }
    memcpy(out, buf, len + 1);
    return CM_OK;
}

cm_error_t cm_i_ing_period(cm_i_ing_t *g, const cm_csv_row_t *row, size_t col, char out[16],
                           cm_error_info_t *err)
{
    char buf[64];
    size_t len;
    int ok = 0;
    cm_i_ing_clean(buf, sizeof buf, cm_i_ing_field(row, col));
    len = strlen(buf);
    if ((len == 4 || len == 6) && strspn(buf, "0123456789") == len &&
        (buf[0] == '1' || buf[0] == '2')) {
        if (len == 4) {
            memcpy(out, buf, 5);
            ok = 1;
        } else {
            int m = (buf[4] - '0') * 10 + (buf[5] - '0');
            if (m == 52) { /* Comext bulk files: period YYYY52 is the whole year */
                memcpy(out, buf, 4);
                out[4] = '\0';
                ok = 1;
            } else if (m >= 1 && m <= 12) {
                memcpy(out, buf, 4);
                out[4] = '-';
                out[5] = buf[4];
                out[6] = buf[5];
                out[7] = '\0';
                ok = 1;
            }
        }
    } else if (len == 7 && buf[4] == '-' && strspn(buf, "0123456789") == 4 &&
               strspn(buf + 5, "0123456789") == 2 && (buf[0] == '1' || buf[0] == '2')) {
        int m = (buf[5] - '0') * 10 + (buf[6] - '0');
        if (m >= 1 && m <= 12) {
            memcpy(out, buf, 8);
            ok = 1;
        }
    }
    if (!ok) {
        return cm_i_ing_fail(g, err, CM_EPARSE, row->line, col,
                             "column '%s': expected a period YYYY, YYYYMM (month 01-12) or "
                             "YYYY52 (year), got '%s'",
                             col < g->ncols ? g->header[col] : "?", buf);
    }
    return CM_OK;
}

int cm_i_ing_year_in_name(const char *base, char out[8])
{
    for (size_t i = 0; base[i] != '\0'; i++) {
        const char *p = base + i;
        if ((i == 0 || p[-1] < '0' || p[-1] > '9') && strspn(p, "0123456789") == 4 &&
            (memcmp(p, "19", 2) == 0 || memcmp(p, "20", 2) == 0)) {
            memcpy(out, p, 4);
            out[4] = '\0';
            return 1;
        }
    }
    return 0;
}

cm_error_t cm_i_ing_option_year(cm_i_ing_t *g, char out[8], cm_error_info_t *err)
{
    const char *p = g->opt->period;
    if (p != NULL && p[0] != '\0') {
        if (strlen(p) != 4 || strspn(p, "0123456789") != 4) {
            return cm_error_set(err, CM_EINVAL,
                                "%s: period option: expected a four-digit year, got '%s'",
                                g->imp->kind, p);
        }
        memcpy(out, p, 5);
        return CM_OK;
    }
    if (!cm_i_ing_year_in_name(g->base, out)) {
        return cm_error_set(err, CM_EINVAL,
                            "%s: the file name '%s' holds no year (such as 2022) and the file "
                            "has no year column: give the period (--period YEAR)",
                            g->imp->kind, g->base);
    }
    return CM_OK;
}

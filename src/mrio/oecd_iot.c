/* A national symmetric IOT in the OECD layout (BEL2020ttl.csv; docs/mrio-sources.md) as a
 * one-region system: rows TTL_<code> are products, columns D<code> industries with the same
 * codes in the same order; final demand columns are categories, and so is IMPO (imports, a
 * negative column): with the domestic-technology assumption the total flows satisfy
 * x = Z e + Y e only with the imports as negative final demand; VALU and the product-tax rows
 * become the extension "factor_inputs". */
#include "cambium/cm_mrio.h"

#include <stdio.h>
#include <string.h>

#include "cambium/cm_alloc.h"
#include "cambium/cm_csv.h"
#include "core/cm_internal.h"

#define OECD_UNIT "USD million"

/* Final demand columns kept as categories, in this order. */
static const char *const FD_CODES[] = {"HFCE",  "NPISH", "GGFC",        "GFCF", "INVNT",
                                       "DPABR", "CONS_NONRES", "EXPO", "IMPO"};
#define N_FD (sizeof FD_CODES / sizeof FD_CODES[0])

/* Rows besides the products. */
#define ROW_VALU "VALU"
#define ROW_OUTPUT "OUTPUT"
#define ROW_TAX_IMP "TXS_IMP_FNL"
#define ROW_TAX_INT "TXS_INT_FNL"
#define ROW_TOTAL_INT "TTL_INT_FNL"
#define ROW_PREFIX "TTL_"

static int fd_index(const char *h)
{
    for (size_t k = 0; k < N_FD; k++) {
        if (strcmp(h, FD_CODES[k]) == 0) {
            return (int)k;
        }
    }
    return -1;
}

static cm_error_t cell_value(const cm_table_t *t, size_t row, size_t col, cm_real_t *out,
                             cm_error_info_t *err)
{
    cm_num_options_t nopt;
    cm_num_t v;
    cm_error_info_t sub;
    const char *text = cm_table_cell(t, row, col);
    memset(&nopt, 0, sizeof nopt);
    memset(&sub, 0, sizeof sub);
    if (cm_num_parse(text, &nopt, &v, &sub) != CM_OK || !cm_num_has_value(&v)) {
        return cm_error_set_at(err, CM_EPARSE, t->name, t->line[row], (int64_t)col + 1,
                               "expected a number, got '%s'", text);
    }
    *out = v.value;
    return CM_OK;
}

/* The region: the ISO3 code the OECD file names start with ("BEL2020ttl.csv"), otherwise the
 * file name without its extension. */
static void region_of(const char *path, char *out, size_t cap)
{
    const char *base = strrchr(path, '/');
    base = base != NULL ? base + 1 : path;
    size_t len = strcspn(base, ".");
    int iso3 = len >= 3;
    for (size_t k = 0; iso3 && k < 3; k++) {
        iso3 = base[k] >= 'A' && base[k] <= 'Z';
    }
    if (iso3) {
        len = 3;
    }
    if (len == 0) {
        len = strlen(base);
    }
    if (len >= cap) {
        len = cap - 1;
    }
    memcpy(out, base, len);
    out[len] = '\0';
    if (len == 0) {
        snprintf(out, cap, "region");
    }
}

cm_error_t cm_mrio_read_oecd_iot(const char *path, cm_mrio_t *m, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_table_t t = CM_TABLE_NULL;
    cm_csv_options_t opt;
    size_t n = 0, n_prod = 0;
    size_t *ind_col = NULL;  /* n industry columns */
    size_t *prod_row = NULL; /* n product rows */
    size_t fd_col[N_FD];
    int fd_seen[N_FD];
    long r_valu = -1, r_output = -1, r_tax_imp = -1, r_tax_int = -1;
    char region_code[64];
    const char *region[] = {region_code};
    const char **sectors = NULL;
    if (path == NULL || m == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_mrio_read_oecd_iot: NULL argument");
    }
    memset(m, 0, sizeof *m);
    memset(fd_seen, 0, sizeof fd_seen);
    memset(fd_col, 0, sizeof fd_col);
    cm_csv_options_default(&opt);
    CM_TRY(cm_table_read(&t, path, &opt, 1, err));
    ind_col = cm_calloc(t.ncols, sizeof *ind_col);
    CM_NOMEM(ind_col, err);
    sectors = cm_calloc(t.ncols, sizeof *sectors);
    CM_NOMEM(sectors, err);
    prod_row = cm_calloc(t.nrows, sizeof *prod_row);
    CM_NOMEM(prod_row, err);
    /* columns: industries D<code>, then final demand and IMPO */
    for (size_t c = 1; c < t.ncols; c++) {
        const char *h = t.header[c];
        int k = fd_index(h);
        if (k >= 0) {
            if (fd_seen[k]) {
                CM_FAIL(cm_error_set_at(err, CM_EPARSE, path, 1, (int64_t)c + 1,
                                        "final demand column '%s' given twice", h));
            }
            fd_seen[k] = 1;
            fd_col[k] = c;
        } else if (h[0] == 'D' && h[1] != '\0') {
            ind_col[n] = c;
            sectors[n] = h;
            n++;
        } else {
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, path, 1, (int64_t)c + 1,
                                    "expected an industry column D<code>, a final demand column "
                                    "(HFCE, NPISH, GGFC, GFCF, INVNT, DPABR, CONS_NONRES, EXPO, "
                                    "IMPO), got '%s'",
                                    h));
        }
    }
    if (n == 0) {
        CM_FAIL(cm_error_set_at(err, CM_EPARSE, path, 1, 0,
                                "expected industry columns D<code> in the header, got none"));
    }
    for (size_t k = 0; k < N_FD; k++) {
        if (!fd_seen[k]) {
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, path, 1, 0,
                                    "expected a final demand column '%s' in the header",
                                    FD_CODES[k]));
        }
    }
    /* rows: TTL_<code> products matching the industry columns, then the named rows */
    for (size_t r = 0; r < t.nrows; r++) {
        const char *lab = cm_table_cell(&t, r, 0);
        if ((strcmp(lab, ROW_VALU) == 0 && r_valu >= 0) ||
            (strcmp(lab, ROW_OUTPUT) == 0 && r_output >= 0) ||
            (strcmp(lab, ROW_TAX_IMP) == 0 && r_tax_imp >= 0) ||
            (strcmp(lab, ROW_TAX_INT) == 0 && r_tax_int >= 0)) {
            CM_FAIL(
                cm_error_set_at(err, CM_EPARSE, path, t.line[r], 1, "row '%s' given twice", lab));
        }
        if (strcmp(lab, ROW_VALU) == 0) {
            r_valu = (long)r;
        } else if (strcmp(lab, ROW_OUTPUT) == 0) {
            r_output = (long)r;
        } else if (strcmp(lab, ROW_TAX_IMP) == 0) {
            r_tax_imp = (long)r;
        } else if (strcmp(lab, ROW_TAX_INT) == 0) {
            r_tax_int = (long)r;
        } else if (strcmp(lab, ROW_TOTAL_INT) == 0) {
            continue; /* a total: Z column sums plus the tax rows */
        } else if (strncmp(lab, ROW_PREFIX, strlen(ROW_PREFIX)) == 0) {
            const char *code = lab + strlen(ROW_PREFIX);
            if (n_prod >= n || strcmp(code, sectors[n_prod] + 1) != 0) {
                CM_FAIL(cm_error_set_at(err, CM_EPARSE, path, t.line[r], 1,
                                        "expected product row " ROW_PREFIX "%s (matching industry "
                                        "column %zu), got '%s'",
                                        n_prod < n ? sectors[n_prod] + 1 : "(none left)",
                                        n_prod + 1, lab));
            }
            prod_row[n_prod++] = r;
        } else {
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, path, t.line[r], 1,
                                    "expected a row " ROW_PREFIX "<code>, " ROW_TAX_IMP
                                    ", " ROW_TAX_INT ", " ROW_TOTAL_INT ", " ROW_VALU
                                    " or " ROW_OUTPUT ", got '%s'",
                                    lab));
        }
    }
    if (n_prod != n) {
        CM_FAIL(cm_error_set_at(err, CM_EPARSE, path, t.line[t.nrows - 1], 1,
                                "expected %zu product rows " ROW_PREFIX "<code> (one per industry "
                                "column), got %zu",
                                n, n_prod));
    }
    if (r_valu < 0 || r_output < 0) {
        CM_FAIL(cm_error_set_at(err, CM_EPARSE, path, t.line[t.nrows - 1], 1,
                                "expected rows " ROW_VALU " and " ROW_OUTPUT ", %s missing",
                                r_valu < 0 ? ROW_VALU : ROW_OUTPUT));
    }
    region_of(path, region_code, sizeof region_code);
    CM_TRY(cm_mrio_init(m, 1, region, n, sectors, N_FD, FD_CODES, err));
    m->name = cm_strdup(path);
    CM_NOMEM(m->name, err);
    m->unit_row = cm_strdup(OECD_UNIT);
    CM_NOMEM(m->unit_row, err);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) {
            CM_TRY(cell_value(&t, prod_row[i], ind_col[j], &m->Z.data[i + n * j], err));
            if (m->Z.data[i + n * j] < 0.0) {
                CM_FAIL(cm_error_set_at(err, CM_EPARSE, path, t.line[prod_row[i]],
                                        (int64_t)ind_col[j] + 1,
                                        "expected a non-negative intermediate use, got '%s'",
                                        cm_table_cell(&t, prod_row[i], ind_col[j])));
            }
        }
        for (size_t k = 0; k < N_FD; k++) {
            CM_TRY(cell_value(&t, prod_row[i], fd_col[k], &m->Y.data[i + n * k], err));
        }
    }
    for (size_t j = 0; j < n; j++) {
        CM_TRY(cell_value(&t, (size_t)r_output, ind_col[j], &m->x.data[j], err));
    }
    {
        /* value added; net taxes on products (domestic and imported) when the rows exist */
        int taxes = r_tax_imp >= 0 && r_tax_int >= 0;
        const char *idx[] = {"inputtype"};
        const char *lab[] = {"value added", "taxes less subsidies on products"};
        const char *units[] = {OECD_UNIT, OECD_UNIT};
        cm_mrio_ext_t *e = NULL;
        CM_TRY(
            cm_mrio_add_ext(m, "factor_inputs", 1, idx, taxes ? 2 : 1, lab, units, taxes, &e, err));
        e->title = cm_strdup("Factor inputs");
        CM_NOMEM(e->title, err);
        size_t s = e->n_stressors;
        for (size_t j = 0; j < n; j++) {
            CM_TRY(cell_value(&t, (size_t)r_valu, ind_col[j], &e->F.data[s * j], err));
            if (taxes) {
                cm_real_t a = 0.0, b = 0.0;
                CM_TRY(cell_value(&t, (size_t)r_tax_imp, ind_col[j], &a, err));
                CM_TRY(cell_value(&t, (size_t)r_tax_int, ind_col[j], &b, err));
                e->F.data[1 + s * j] = a + b;
            }
        }
        for (size_t k = 0; taxes && k < N_FD; k++) {
            cm_real_t a = 0.0, b = 0.0;
            CM_TRY(cell_value(&t, (size_t)r_tax_imp, fd_col[k], &a, err));
            CM_TRY(cell_value(&t, (size_t)r_tax_int, fd_col[k], &b, err));
            e->F_Y.data[1 + s * k] = a + b;
        }
    }
cleanup:
    cm_free(ind_col);
    cm_free(prod_row);
    cm_free((void *)sectors);
    cm_table_destroy(&t);
    if (rc != CM_OK) {
        cm_mrio_destroy(m);
    }
    return rc;
}

/* Per (importer, product) summary of a BACI year: a counting sort of the rows by (importer,
 * product) over dense code indices, then one pass per cell with a per-exporter accumulator. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cambium/cm_file.h"
#include "core/cm_internal.h"
#include "mrio/mrio_internal.h"
#include "trade/trade_internal.h"

#define NCODE (CM_I_TRADE_MAX_COUNTRY + 1)
#define NPROD (CM_I_TRADE_MAX_HS6 + 1)

void cm_trade_ip_destroy(cm_trade_ip_t *s)
{
    if (s == NULL) {
        return;
    }
    cm_free(s->importer);
    cm_free(s->product);
    cm_free(s->value);
    cm_free(s->quantity);
    cm_free(s->n_missing_q);
    cm_free(s->unit_value);
    cm_free(s->n_partners);
    cm_free(s->hhi);
    cm_free(s->top_partner);
    cm_free(s->top_share);
    cm_free(s->p_product);
    cm_free(s->p_value);
    cm_free(s->p_n_importers);
    cm_free(s->p_importer_hhi);
    cm_free(s->p_n_exporters);
    cm_free(s->p_exporter_hhi);
    memset(s, 0, sizeof *s);
}

static cm_error_t alloc_out(cm_trade_ip_t *s, size_t m, size_t np, cm_error_info_t *err)
{
    size_t m1 = m > 0 ? m : 1, np1 = np > 0 ? np : 1;
    s->importer = cm_malloc_array(m1, sizeof *s->importer);
    s->product = cm_malloc_array(m1, sizeof *s->product);
    s->value = cm_malloc_array(m1, sizeof *s->value);
    s->quantity = cm_malloc_array(m1, sizeof *s->quantity);
    s->n_missing_q = cm_malloc_array(m1, sizeof *s->n_missing_q);
    s->unit_value = cm_malloc_array(m1, sizeof *s->unit_value);
    s->n_partners = cm_malloc_array(m1, sizeof *s->n_partners);
    s->hhi = cm_malloc_array(m1, sizeof *s->hhi);
    s->top_partner = cm_malloc_array(m1, sizeof *s->top_partner);
    s->top_share = cm_malloc_array(m1, sizeof *s->top_share);
    s->p_product = cm_malloc_array(np1, sizeof *s->p_product);
    s->p_value = cm_calloc(np1, sizeof *s->p_value);
    s->p_n_importers = cm_calloc(np1, sizeof *s->p_n_importers);
    s->p_importer_hhi = cm_calloc(np1, sizeof *s->p_importer_hhi);
    s->p_n_exporters = cm_calloc(np1, sizeof *s->p_n_exporters);
    s->p_exporter_hhi = cm_calloc(np1, sizeof *s->p_exporter_hhi);
    if (s->importer == NULL || s->product == NULL || s->value == NULL || s->quantity == NULL ||
        s->n_missing_q == NULL || s->unit_value == NULL || s->n_partners == NULL ||
        s->hhi == NULL || s->top_partner == NULL || s->top_share == NULL ||
        s->p_product == NULL || s->p_value == NULL || s->p_n_importers == NULL ||
        s->p_importer_hhi == NULL || s->p_n_exporters == NULL || s->p_exporter_hhi == NULL) {
        return cm_error_set(err, CM_ENOMEM, "BACI summary: cannot allocate %zu cells", m);
    }
    return CM_OK;
}

/* Dense indices of the codes present: idx[code] = rank among the codes present, -1 absent. */
static size_t rank_codes(int32_t *idx, size_t ncodes)
{
    size_t k = 0;
    for (size_t c = 0; c < ncodes; c++) {
        idx[c] = idx[c] != 0 ? (int32_t)k++ : -1;
    }
    return k;
}

cm_error_t cm_trade_baci_summarise(const cm_trade_baci_t *b, cm_trade_ip_t *out,
                                   cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    int32_t *imp_idx = NULL, *exp_idx = NULL, *prod_idx = NULL, *start = NULL, *perm = NULL;
    int32_t *imp_code = NULL, *exp_code = NULL, *stamp = NULL;
    int16_t *seen = NULL;
    double *acc = NULL, *pe = NULL, *p_sq = NULL;
    unsigned char *pe_has = NULL;
    if (b == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_trade_baci_summarise: NULL %s",
                            b == NULL ? "b" : "out");
    }
    memset(out, 0, sizeof *out);
    size_t n = (size_t)b->n;
    imp_idx = cm_calloc(NCODE, sizeof *imp_idx);
    exp_idx = cm_calloc(NCODE, sizeof *exp_idx);
    prod_idx = cm_calloc(NPROD, sizeof *prod_idx);
    imp_code = cm_malloc_array(NCODE, sizeof *imp_code);
    exp_code = cm_malloc_array(NCODE, sizeof *exp_code);
    stamp = cm_malloc_array(NCODE, sizeof *stamp);
    seen = cm_malloc_array(NCODE, sizeof *seen);
    acc = cm_malloc_array(NCODE, sizeof *acc);
    perm = cm_malloc_array(n > 0 ? n : 1, sizeof *perm);
    if (imp_idx == NULL || exp_idx == NULL || prod_idx == NULL || imp_code == NULL ||
        exp_code == NULL || stamp == NULL || seen == NULL || acc == NULL || perm == NULL) {
        rc = cm_error_set(err, CM_ENOMEM, "BACI summary: cannot allocate the indices");
        goto cleanup;
    }
    for (size_t r = 0; r < n; r++) {
        imp_idx[b->importer[r]] = 1;
        exp_idx[b->exporter[r]] = 1;
        prod_idx[b->product[r]] = 1;
    }
    size_t nimp = rank_codes(imp_idx, NCODE), nexp = rank_codes(exp_idx, NCODE);
    size_t nprod = rank_codes(prod_idx, NPROD);
    for (int32_t c = 0; c < NCODE; c++) {
        if (imp_idx[c] >= 0) {
            imp_code[imp_idx[c]] = c;
        }
        if (exp_idx[c] >= 0) {
            exp_code[exp_idx[c]] = c;
        }
        stamp[c] = -1;
    }
    if (nimp > 0 && nprod > SIZE_MAX / nimp / sizeof(int32_t) - 1) {
        rc = cm_error_set(err, CM_EOVERFLOW, "BACI summary: %zu importers x %zu products",
                          nimp, nprod);
        goto cleanup;
    }
    size_t ncell = nimp * nprod;
    start = cm_calloc(ncell + 1, sizeof *start);
    pe = cm_calloc(nprod * nexp + 1, sizeof *pe);
    pe_has = cm_calloc(nprod * nexp + 1, 1);
    p_sq = cm_calloc(nprod + 1, sizeof *p_sq);
    if (start == NULL || pe == NULL || pe_has == NULL || p_sq == NULL) {
        rc = cm_error_set(err, CM_ENOMEM, "BACI summary: cannot allocate %zu cells", ncell);
        goto cleanup;
    }
    /* counting sort by cell = importer rank x nprod + product rank (both in code order) */
    for (size_t r = 0; r < n; r++) {
        size_t c = (size_t)imp_idx[b->importer[r]] * nprod + (size_t)prod_idx[b->product[r]];
        start[c + 1]++;
    }
    size_t m = 0;
    for (size_t c = 0; c < ncell; c++) {
        m += start[c + 1] > 0;
        start[c + 1] += start[c];
    }
    for (size_t r = 0; r < n; r++) {
        size_t c = (size_t)imp_idx[b->importer[r]] * nprod + (size_t)prod_idx[b->product[r]];
        perm[start[c]++] = (int32_t)r;
    }
    for (size_t c = ncell; c > 0; c--) { /* shift back: start[c] = first row of cell c */
        start[c] = start[c - 1];
    }
    start[0] = 0;
    CM_TRY(alloc_out(out, m, nprod, err));
    for (int32_t p = 0; p < NPROD; p++) {
        if (prod_idx[p] >= 0) {
            out->p_product[prod_idx[p]] = p;
        }
    }
    out->np = (cm_int_t)nprod;
    size_t k = 0;
    for (size_t c = 0; c < ncell; c++) {
        int32_t lo = start[c], hi = start[c + 1];
        if (lo == hi) {
            continue;
        }
        size_t pi = c % nprod;
        double v_sum = 0.0, q_sum = 0.0, vq_sum = 0.0;
        int32_t nmiss = 0, ns = 0;
        for (int32_t t = lo; t < hi; t++) {
            size_t r = (size_t)perm[t];
            int16_t e = b->exporter[r];
            if (stamp[e] == (int32_t)c) {
                out->duplicates++;
                continue;
            }
            stamp[e] = (int32_t)c;
            seen[ns++] = e;
            acc[e] = b->value[r];
            v_sum += b->value[r];
            if (isnan(b->quantity[r])) {
                nmiss++;
            } else {
                q_sum += b->quantity[r];
                vq_sum += b->value[r];
            }
            size_t pc = pi * nexp + (size_t)exp_idx[e];
            pe[pc] += b->value[r];
            pe_has[pc] = 1;
        }
        double hhi = 0.0, best = -1.0;
        int16_t top = 0;
        for (int32_t s = 0; s < ns; s++) {
            int16_t e = seen[s];
            double share = v_sum > 0.0 ? acc[e] / v_sum : 0.0;
            hhi += share * share;
            if (acc[e] > best || (acc[e] == best && e < top)) {
                best = acc[e];
                top = e;
            }
        }
        out->importer[k] = (int16_t)imp_code[c / nprod];
        out->product[k] = out->p_product[pi];
        out->value[k] = v_sum;
        /* no partner with a known quantity: the quantity is unknown, not 0 */
        out->quantity[k] = nmiss >= ns ? NAN : q_sum;
        out->n_missing_q[k] = nmiss;
        out->unit_value[k] = q_sum > 0.0 ? vq_sum / q_sum : NAN;
        out->n_partners[k] = ns;
        out->hhi[k] = v_sum > 0.0 ? hhi : NAN;
        out->top_partner[k] = top;
        out->top_share[k] = v_sum > 0.0 ? best / v_sum : NAN;
        out->p_value[pi] += v_sum;
        out->p_n_importers[pi]++;
        p_sq[pi] += v_sum * v_sum;
        k++;
    }
    out->n = (cm_int_t)k;
    for (size_t p = 0; p < nprod; p++) {
        double tot = out->p_value[p], h = 0.0;
        out->p_importer_hhi[p] = tot > 0.0 ? p_sq[p] / (tot * tot) : NAN;
        for (size_t e = 0; e < nexp; e++) {
            if (pe_has[p * nexp + e]) {
                double s = tot > 0.0 ? pe[p * nexp + e] / tot : 0.0;
                h += s * s;
                out->p_n_exporters[p]++;
            }
        }
        out->p_exporter_hhi[p] = tot > 0.0 ? h : NAN;
    }
cleanup:
    cm_free(imp_idx);
    cm_free(exp_idx);
    cm_free(prod_idx);
    cm_free(imp_code);
    cm_free(exp_code);
    cm_free(stamp);
    cm_free(seen);
    cm_free(acc);
    cm_free(perm);
    cm_free(start);
    cm_free(pe);
    cm_free(pe_has);
    cm_free(p_sq);
    if (rc != CM_OK) {
        cm_trade_ip_destroy(out);
    }
    return rc;
}

/* --- CSV output -------------------------------------------------------------------------- */

/* Append ",<i>" (decimal) to the line being built; returns the characters written. */
static size_t put_int(char *p, long v)
{
    char tmp[24];
    size_t n = 0, k = 0;
    unsigned long u = v < 0 ? (unsigned long)(-(v + 1)) + 1u : (unsigned long)v;
    p[k++] = ',';
    if (v < 0) {
        p[k++] = '-';
    }
    do {
        tmp[n++] = (char)('0' + u % 10u);
        u /= 10u;
    } while (u > 0);
    while (n > 0) {
        p[k++] = tmp[--n];
    }
    return k;
}

/* Six-digit product code with its leading zeros (codes below 1000000). */
static size_t put_hs6(char *p, int32_t code)
{
    for (int i = 5; i >= 0; i--) {
        p[i] = (char)('0' + code % 10);
        code /= 10;
    }
    return 6;
}

/* Append ",<v>" (empty for NaN) to the line being built. */
static size_t put_num(char *p, double v)
{
    *p++ = ',';
    if (isnan(v)) {
        return 1;
    }
    return 1 + cm_i_mrio_format_number(p, v);
}

static cm_error_t write_ip(const cm_trade_ip_t *s, FILE *f)
{
    char line[512];
    fputs("importer,product,value,quantity,n_missing_q,unit_value,n_partners,hhi,top_partner,"
          "top_share\n", f);
    for (cm_int_t k = 0; k < s->n; k++) {
        size_t p = put_int(line, s->importer[k]) - 1;
        memmove(line, line + 1, p); /* no leading comma on the first field */
        line[p++] = ',';
        p += put_hs6(line + p, s->product[k]);
        p += put_num(line + p, s->value[k]);
        p += put_num(line + p, s->quantity[k]);
        p += put_int(line + p, s->n_missing_q[k]);
        p += put_num(line + p, s->unit_value[k]);
        p += put_int(line + p, s->n_partners[k]);
        p += put_num(line + p, s->hhi[k]);
        p += put_int(line + p, s->top_partner[k]);
        p += put_num(line + p, s->top_share[k]);
        line[p++] = '\n';
        if (fwrite(line, 1, p, f) != p) {
            return CM_EFILE;
        }
    }
    return CM_OK;
}

static cm_error_t write_products(const cm_trade_ip_t *s, FILE *f)
{
    char line[256];
    fputs("product,value,n_importers,importer_hhi,n_exporters,exporter_hhi\n", f);
    for (cm_int_t k = 0; k < s->np; k++) {
        size_t p = put_hs6(line, s->p_product[k]);
        p += put_num(line + p, s->p_value[k]);
        p += put_int(line + p, s->p_n_importers[k]);
        p += put_num(line + p, s->p_importer_hhi[k]);
        p += put_int(line + p, s->p_n_exporters[k]);
        p += put_num(line + p, s->p_exporter_hhi[k]);
        line[p++] = '\n';
        if (fwrite(line, 1, p, f) != p) {
            return CM_EFILE;
        }
    }
    return CM_OK;
}

/* Write one CSV through an atomic file: the target is replaced only when complete, the
 * temporary file is removed on any error. */
static cm_error_t write_atomic(const cm_trade_ip_t *s, const char *path,
                               cm_error_t (*body)(const cm_trade_ip_t *, FILE *),
                               cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_afile_t *f = NULL;
    CM_TRY(cm_afile_open(path, &f, err));
    if (body(s, cm_afile_stream(f)) != CM_OK) {
        rc = cm_error_set(err, CM_EFILE, "cannot write '%s'", path);
        goto cleanup;
    }
    rc = cm_afile_commit(f, err);
    f = NULL;
cleanup:
    cm_afile_abort(f);
    return rc;
}

cm_error_t cm_trade_ip_write_csv(const cm_trade_ip_t *s, const char *ip_path,
                                 const char *product_path, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    void *loc = NULL;
    if (s == NULL || ip_path == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_trade_ip_write_csv: NULL %s",
                            s == NULL ? "s" : "ip_path");
    }
    loc = cm_i_mrio_format_begin();
    CM_TRY(write_atomic(s, ip_path, write_ip, err));
    if (product_path != NULL) {
        CM_TRY(write_atomic(s, product_path, write_products, err));
    }
cleanup:
    cm_i_mrio_format_end(loc);
    return rc;
}

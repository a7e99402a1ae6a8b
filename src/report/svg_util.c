/* Helpers of the SVG writer: nice ticks, locale-independent numbers, XML escaping, the
 * palette and the atomic file write. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "svg_internal.h"

cm_error_t cm_svg_nice_ticks(double lo, double hi, size_t target, cm_svg_ticks_t *out,
                             cm_error_info_t *err)
{
    if (out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_svg_nice_ticks: out must not be NULL");
    }
    if (!isfinite(lo) || !isfinite(hi) || lo > hi) {
        return cm_error_set(err, CM_EINVAL,
                            "cm_svg_nice_ticks: need finite lo <= hi, got %g and %g", lo, hi);
    }
    if (target < 2) {
        return cm_error_set(err, CM_EINVAL, "cm_svg_nice_ticks: target must be >= 2, got %zu",
                            target);
    }
    if (lo == hi) {
        double d = lo != 0 ? 0.1 * fabs(lo) : 1.0;
        lo -= d;
        hi += d;
    }
    if (!isfinite(hi - lo) || target > 1000) {
        return cm_error_set(err, CM_EINVAL,
                            "cm_svg_nice_ticks: range %g .. %g or target %zu too large", lo, hi,
                            target);
    }
    double raw = (hi - lo) / (double)(target - 1);
    double mag = pow(10.0, floor(log10(raw)));
    double f = raw / mag;
    double nice;
    /* a small tolerance keeps 0.2 / 0.1 (= 2.0000000000000004) from jumping to 5 */
    if (f <= 1.0 + 1e-9) {
        nice = 1.0;
    } else if (f <= 2.0 + 1e-9) {
        nice = 2.0;
    } else if (f <= 5.0 + 1e-9) {
        nice = 5.0;
    } else {
        nice = 10.0;
    }
    double step = nice * mag;
    double k0 = floor(lo / step + 1e-9);
    double k1 = ceil(hi / step - 1e-9);
    if (k1 <= k0) {
        k1 = k0 + 1;
    }
    if (!(step > 0) || !isfinite(k0) || !isfinite(k1) || !(k1 * step > k0 * step) ||
        k1 - k0 > 4.0 * (double)target) {
        return cm_error_set(err, CM_EINVAL,
                            "cm_svg_nice_ticks: no ticks for the range %g .. %g (too narrow "
                            "for double precision)",
                            lo, hi);
    }
    out->step = step;
    out->lo = k0 * step;
    out->hi = k1 * step;
    out->n = (size_t)(k1 - k0) + 1;
    return CM_OK;
}

int cm_i_svg_tick_decimals(double step)
{
    if (!(step > 0) || !isfinite(step)) {
        return 0;
    }
    int d = (int)-floor(log10(step) + 1e-9);
    return d < 0 ? 0 : (d > 6 ? 6 : d);
}

cm_i_num_t cm_i_svg_num(double x, int decimals, int trim)
{
    cm_i_num_t r;
    if (decimals < 0) {
        decimals = 0;
    }
    if (decimals > 6) {
        decimals = 6;
    }
    if (!isfinite(x)) {
        snprintf(r.s, sizeof r.s, "0");
        return r;
    }
    long long scale = 1;
    for (int i = 0; i < decimals; i++) {
        scale *= 10;
    }
    if (fabs(x) * (double)scale < 9e15) {
        long long v = llround(x * (double)scale);
        unsigned long long a = v < 0 ? (unsigned long long)(-v) : (unsigned long long)v;
        unsigned long long ip = a / (unsigned long long)scale;
        unsigned long long fp = a % (unsigned long long)scale;
        if (decimals > 0) {
            snprintf(r.s, sizeof r.s, "%s%llu.%0*llu", v < 0 ? "-" : "", ip, decimals, fp);
        } else {
            snprintf(r.s, sizeof r.s, "%s%llu", v < 0 ? "-" : "", ip);
        }
        if (trim && decimals > 0) {
            size_t len = strlen(r.s);
            while (len > 0 && r.s[len - 1] == '0') {
                r.s[--len] = '\0';
            }
            if (len > 0 && r.s[len - 1] == '.') {
                r.s[--len] = '\0';
            }
        }
        if (strcmp(r.s, "-0") == 0) {
            snprintf(r.s, sizeof r.s, "0");
        }
        return r;
    }
    /* huge values: exponent notation; whatever the locale's decimal point, print '.' */
    snprintf(r.s, sizeof r.s, "%.6e", x);
    for (char *p = r.s; *p != '\0'; p++) {
        if (!((*p >= '0' && *p <= '9') || *p == 'e' || *p == '+' || *p == '-')) {
            *p = '.';
        }
    }
    return r;
}

cm_error_t cm_i_svg_escape(cm_i_buf_t *b, const char *text)
{
    cm_error_t rc = CM_OK;
    const char *run = text;
    const char *p = text;
    for (; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;
        const char *ent = NULL;
        switch (c) {
        case '&':
            ent = "&amp;";
            break;
        case '<':
            ent = "&lt;";
            break;
        case '>':
            ent = "&gt;";
            break;
        case '"':
            ent = "&quot;";
            break;
        case '\'':
            ent = "&apos;";
            break;
        default:
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                ent = ""; /* not allowed in XML 1.0: dropped */
            }
            break;
        }
        if (ent != NULL) {
            rc = cm_i_buf_append(b, run, (size_t)(p - run));
            if (rc == CM_OK) {
                rc = cm_i_buf_puts(b, ent);
            }
            if (rc != CM_OK) {
                return rc;
            }
            run = p + 1;
        }
    }
    return cm_i_buf_append(b, run, (size_t)(p - run));
}

const char *cm_i_svg_colour(size_t i)
{
    /* Okabe-Ito: orange, sky blue, bluish green, yellow, blue, vermillion, reddish purple,
     * black. */
    static const char *const PALETTE[8] = {"#E69F00", "#56B4E9", "#009E73", "#F0E442",
                                           "#0072B2", "#D55E00", "#CC79A7", "#000000"};
    return PALETTE[i % 8];
}

const char *cm_i_svg_series_colour(const cm_svg_t *fig, size_t i)
{
    size_t idx = 0, cur = 0;
    for (size_t j = 0; j <= i && j < fig->nseries; j++) {
        const cm_i_svg_series_t *s = &fig->series[j];
        if (j == 0 || (s->name != NULL && s->kind != CM_I_SVG_BAND)) {
            cur = idx++;
        }
    }
    return cm_i_svg_colour(cur);
}

cm_error_t cm_i_write_atomic(const char *path, const char *data, size_t len, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    int fd = -1;
    static const char suffix[] = ".tmp.XXXXXX";
    size_t plen = strlen(path);
    char *tmp = cm_malloc(plen + sizeof suffix);
    CM_NOMEM(tmp, err);
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, suffix, sizeof suffix);
    fd = mkstemp(tmp);
    if (fd < 0) {
        rc = cm_error_set(err, CM_EFILE, "cannot create a temporary file for '%s': %s", path,
                          strerror(errno));
        cm_free(tmp);
        tmp = NULL;
        goto cleanup;
    }
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, data + done, len - done);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            CM_FAIL(cm_error_set(err, CM_EFILE, "cannot write '%s': %s", tmp, strerror(errno)));
        }
        done += (size_t)w;
    }
    if (fchmod(fd, 0644) != 0 || fsync(fd) != 0) {
        CM_FAIL(cm_error_set(err, CM_EFILE, "cannot flush '%s': %s", tmp, strerror(errno)));
    }
    int crc = close(fd);
    fd = -1;
    if (crc != 0) {
        CM_FAIL(cm_error_set(err, CM_EFILE, "cannot close '%s': %s", tmp, strerror(errno)));
    }
    if (rename(tmp, path) != 0) {
        CM_FAIL(cm_error_set(err, CM_EFILE, "cannot rename '%s' to '%s': %s", tmp, path,
                             strerror(errno)));
    }
    cm_free(tmp);
    tmp = NULL;
cleanup:
    if (fd >= 0) {
        close(fd);
    }
    if (tmp != NULL) {
        unlink(tmp);
        cm_free(tmp);
    }
    return rc;
}

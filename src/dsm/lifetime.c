/* Lifetime distributions of the dynamic stock models: SPEC parsing, parameter checks, the
 * lognormal and Weibull conversions, and the survival shares under each timing convention
 * (cm_dsm.h; METHODS.md B.4; docs/dsm.md). Everything in double with <math.h> only. */
#include "cambium/cm_dsm.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/cm_internal.h"

/* Upper tail of the standard normal, Q(z) = P(Z > z). */
static double norm_q(double z)
{
    return 0.5 * erfc(z / sqrt(2.0));
}

/* Standard normal density. */
static double norm_phi(double z)
{
    return exp(-0.5 * z * z) / sqrt(2.0 * 3.14159265358979323846);
}

static const struct {
    const char *name;
    cm_dsm_dist_t dist;
} dist_names[] = {
    {"fixed", CM_DSM_FIXED},
    {"normal", CM_DSM_NORMAL},
    {"normal_trunc", CM_DSM_NORMAL_TRUNC},
    {"foldnorm", CM_DSM_FOLDED_NORMAL},
    {"lognormal", CM_DSM_LOGNORMAL},
    {"weibull", CM_DSM_WEIBULL},
};

void cm_dsm_param_names(cm_dsm_dist_t dist, const char *names[2])
{
    if (names == NULL) {
        return;
    }
    names[0] = "mean";
    names[1] = "sd";
    if (dist == CM_DSM_FIXED) {
        names[1] = NULL;
    } else if (dist == CM_DSM_WEIBULL) {
        names[0] = "shape";
        names[1] = "scale";
    }
}

void cm_dsm_options_default(cm_dsm_options_t *opt)
{
    if (opt != NULL) {
        memset(opt, 0, sizeof *opt);
        opt->timing = CM_DSM_TIMING_ODYM;
        opt->lognormal = CM_DSM_LOGNORMAL_MOMENTS;
        opt->negative = CM_DSM_NEGATIVE_ALLOW;
    }
}

cm_error_t cm_dsm_params_check(cm_dsm_dist_t dist, const cm_real_t p[2], cm_error_info_t *err)
{
    const char *nm[2];

    if (p == NULL) {
        return cm_error_set(err, CM_EINVAL, "lifetime parameters are NULL");
    }
    cm_dsm_param_names(dist, nm);
    switch (dist) {
    case CM_DSM_FIXED:
        if (!isfinite(p[0]) || p[0] < 0) {
            return cm_error_set(err, CM_EINVAL, "fixed lifetime: expected mean >= 0, got %.17g",
                                p[0]);
        }
        return CM_OK;
    case CM_DSM_NORMAL:
    case CM_DSM_NORMAL_TRUNC:
    case CM_DSM_FOLDED_NORMAL:
    case CM_DSM_LOGNORMAL:
        if (!isfinite(p[0]) || p[0] < 0 || (dist == CM_DSM_LOGNORMAL && p[0] == 0)) {
            return cm_error_set(err, CM_EINVAL, "%s lifetime: expected mean %s 0, got %.17g",
                                dist == CM_DSM_LOGNORMAL ? "lognormal" : "normal",
                                dist == CM_DSM_LOGNORMAL ? ">" : ">=", p[0]);
        }
        if (!isfinite(p[1]) || p[1] <= 0) {
            return cm_error_set(err, CM_EINVAL, "%s lifetime: expected sd > 0, got %.17g",
                                dist == CM_DSM_LOGNORMAL ? "lognormal" : "normal", p[1]);
        }
        return CM_OK;
    case CM_DSM_WEIBULL:
        for (int k = 0; k < 2; k++) {
            if (!isfinite(p[k]) || p[k] <= 0) {
                return cm_error_set(err, CM_EINVAL, "weibull lifetime: expected %s > 0, got %.17g",
                                    nm[k], p[k]);
            }
        }
        return CM_OK;
    }
    return cm_error_set(err, CM_EINVAL, "unknown lifetime distribution %d", (int)dist);
}

/* Coefficient of variation of a Weibull with shape k. */
static double weibull_cv(double k)
{
    double r = exp(lgamma(1.0 + 2.0 / k) - 2.0 * lgamma(1.0 + 1.0 / k));
    return sqrt(r > 1.0 ? r - 1.0 : 0.0);
}

cm_error_t cm_dsm_weibull_from_moments(cm_real_t mean, cm_real_t sd, cm_real_t *shape,
                                       cm_real_t *scale, cm_error_info_t *err)
{
    double cv, lo = log(0.05), hi = log(1000.0);

    if (shape == NULL || scale == NULL) {
        return cm_error_set(err, CM_EINVAL, "weibull from moments: NULL output");
    }
    if (!isfinite(mean) || mean <= 0 || !isfinite(sd) || sd <= 0) {
        return cm_error_set(err, CM_EINVAL,
                            "weibull from moments: expected mean > 0 and sd > 0, got mean "
                            "%.17g, sd %.17g",
                            mean, sd);
    }
    cv = sd / mean;
    if (cv < 0.01 || cv > 100.0) {
        return cm_error_set(err, CM_EINVAL,
                            "weibull from moments: expected sd/mean in [0.01, 100], got %.17g", cv);
    }
    /* cv(k) decreases with k: bisection on log k. */
    for (int it = 0; it < 200 && hi - lo > 1e-15; it++) {
        double mid = 0.5 * (lo + hi);
        if (weibull_cv(exp(mid)) > cv) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    *shape = exp(0.5 * (lo + hi));
    *scale = mean / exp(lgamma(1.0 + 1.0 / *shape));
    return CM_OK;
}

cm_error_t cm_dsm_lognormal_params(cm_real_t mean, cm_real_t sd, cm_dsm_lognormal_t conv,
                                   cm_real_t *mu, cm_real_t *sigma, cm_error_info_t *err)
{
    if (mu == NULL || sigma == NULL) {
        return cm_error_set(err, CM_EINVAL, "lognormal parameters: NULL output");
    }
    if (!isfinite(mean) || mean <= 0 || !isfinite(sd) || sd <= 0) {
        return cm_error_set(err, CM_EINVAL,
                            "lognormal: expected mean > 0 and sd > 0, got mean %.17g, sd %.17g",
                            mean, sd);
    }
    if (conv == CM_DSM_LOGNORMAL_ODYM) {
        double r = mean * mean / (sd * sd);
        *mu = log(mean / sqrt(1.0 + r));
        *sigma = sqrt(log1p(r));
    } else {
        *mu = log(mean * mean / sqrt(mean * mean + sd * sd));
        *sigma = sqrt(log1p(sd * sd / (mean * mean)));
    }
    return CM_OK;
}

/* Survival share at age x >= 0 (p checked; for the lognormal p = mu, sigma). */
static double sf_at(cm_dsm_dist_t dist, const double p[2], double x)
{
    switch (dist) {
    case CM_DSM_FIXED:
        return x < p[0] ? 1.0 : 0.0;
    case CM_DSM_NORMAL:
        return p[0] == 0 ? 0.0 : norm_q((x - p[0]) / p[1]);
    case CM_DSM_NORMAL_TRUNC:
        return norm_q((x - p[0]) / p[1]) / norm_q(-p[0] / p[1]);
    case CM_DSM_FOLDED_NORMAL:
        return norm_q((x - p[0]) / p[1]) + norm_q((x + p[0]) / p[1]);
    case CM_DSM_LOGNORMAL:
        return x <= 0 ? 1.0 : norm_q((log(x) - p[0]) / p[1]);
    case CM_DSM_WEIBULL:
        return exp(-pow(x / p[1], p[0]));
    }
    return 0.0;
}

/* Density at age x > 0 (not for FIXED). */
static double pdf_at(cm_dsm_dist_t dist, const double p[2], double x)
{
    switch (dist) {
    case CM_DSM_FIXED:
        return 0.0;
    case CM_DSM_NORMAL:
        return p[0] == 0 ? 0.0 : norm_phi((x - p[0]) / p[1]) / p[1];
    case CM_DSM_NORMAL_TRUNC:
        return norm_phi((x - p[0]) / p[1]) / p[1] / norm_q(-p[0] / p[1]);
    case CM_DSM_FOLDED_NORMAL:
        return (norm_phi((x - p[0]) / p[1]) + norm_phi((x + p[0]) / p[1])) / p[1];
    case CM_DSM_LOGNORMAL:
        return norm_phi((log(x) - p[0]) / p[1]) / (x * p[1]);
    case CM_DSM_WEIBULL: {
        double z = x / p[1];
        return p[0] / p[1] * pow(z, p[0] - 1.0) * exp(-pow(z, p[0]));
    }
    }
    return 0.0;
}

cm_error_t cm_dsm_survival(cm_dsm_dist_t dist, const cm_real_t p[2], const cm_dsm_options_t *opt,
                           size_t n, cm_real_t *sf, cm_error_info_t *err)
{
    cm_dsm_options_t def;
    double q[2], shift = 0.0;
    cm_error_t rc;

    if (opt == NULL) {
        cm_dsm_options_default(&def);
        opt = &def;
    }
    if (sf == NULL && n > 0) {
        return cm_error_set(err, CM_EINVAL, "survival: NULL output");
    }
    rc = cm_dsm_params_check(dist, p, err);
    if (rc != CM_OK) {
        return rc;
    }
    q[0] = p[0];
    q[1] = p[1];
    if (dist == CM_DSM_LOGNORMAL) {
        rc = cm_dsm_lognormal_params(p[0], p[1], opt->lognormal, &q[0], &q[1], err);
        if (rc != CM_OK) {
            return rc;
        }
    }
    if (dist == CM_DSM_NORMAL && p[0] == 0) {
        /* ODYM: a normal lifetime with mean 0 leaves nothing in the stock, in every timing */
        for (size_t a = 0; a < n; a++) {
            sf[a] = 0.0;
        }
        return opt->timing <= CM_DSM_TIMING_WEEE
                   ? CM_OK
                   : cm_error_set(err, CM_EINVAL, "unknown timing convention %d", (int)opt->timing);
    }
    switch (opt->timing) {
    case CM_DSM_TIMING_ODYM:
    case CM_DSM_TIMING_END:
        shift = 0.0;
        break;
    case CM_DSM_TIMING_START:
        shift = 1.0;
        break;
    case CM_DSM_TIMING_MIDDLE:
        shift = 0.5;
        break;
    case CM_DSM_TIMING_WEEE: {
        double cum = 0.0;
        if (dist == CM_DSM_FIXED) {
            return cm_error_set(err, CM_EINVAL,
                                "timing weee needs a lifetime density; a fixed lifetime has none");
        }
        for (size_t a = 0; a < n; a++) {
            cum += pdf_at(dist, q, (double)a + 0.5);
            sf[a] = 1.0 - cum;
        }
        return CM_OK;
    }
    default:
        return cm_error_set(err, CM_EINVAL, "unknown timing convention %d", (int)opt->timing);
    }
    for (size_t a = 0; a < n; a++) {
        sf[a] = sf_at(dist, q, (double)a + shift);
    }
    return CM_OK;
}

/* Parse a whole finite number. */
static int parse_real(const char *s, size_t len, double *out)
{
    char buf[64], *end = NULL;
    double v;

    if (len == 0 || len >= sizeof buf) {
        return 0;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    errno = 0;
    v = strtod(buf, &end);
    if (end != buf + len || errno == ERANGE || !isfinite(v)) {
        return 0;
    }
    *out = v;
    return 1;
}

cm_error_t cm_dsm_lifetime_parse(const char *spec, cm_dsm_lifetime_t *out, cm_error_info_t *err)
{
    const char *colon, *s;
    size_t nlen;
    int found = -1, weibull_moments = 0;
    const char *nm[2];
    double val[2] = {0, 0};
    int have[2] = {0, 0};

    if (spec == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "lifetime spec: NULL argument");
    }
    colon = strchr(spec, ':');
    if (colon == NULL) {
        return cm_error_set(err, CM_EINVAL, "lifetime spec: expected DIST:KEY=VALUE,..., got '%s'",
                            spec);
    }
    nlen = (size_t)(colon - spec);
    for (size_t k = 0; k < sizeof dist_names / sizeof dist_names[0]; k++) {
        if (strlen(dist_names[k].name) == nlen && strncmp(spec, dist_names[k].name, nlen) == 0) {
            found = (int)k;
        }
    }
    if (found < 0) {
        return cm_error_set(err, CM_EINVAL,
                            "lifetime spec: expected a distribution fixed, normal, normal_trunc, "
                            "foldnorm, lognormal or weibull, got '%.*s'",
                            (int)nlen, spec);
    }
    memset(out, 0, sizeof *out);
    out->dist = dist_names[found].dist;
    cm_dsm_param_names(out->dist, nm);
    if (out->dist == CM_DSM_WEIBULL && strstr(colon + 1, "mean=") != NULL) {
        weibull_moments = 1;
        nm[0] = "mean";
        nm[1] = "sd";
    }
    s = colon + 1;
    while (*s != '\0') {
        size_t len = strcspn(s, ",;");
        const char *eq;
        int slot = -1;
        double v;

        eq = memchr(s, '=', len);
        if (eq == NULL) {
            return cm_error_set(err, CM_EINVAL,
                                "lifetime spec '%s': expected KEY=VALUE, got '%.*s'", spec,
                                (int)len, s);
        }
        for (int k = 0; k < 2; k++) {
            if (nm[k] != NULL && strlen(nm[k]) == (size_t)(eq - s) &&
                strncmp(s, nm[k], (size_t)(eq - s)) == 0) {
                slot = k;
            }
        }
        if (slot < 0) {
            return cm_error_set(
                err, CM_EINVAL, "lifetime spec '%s': unknown key '%.*s' (expected %s%s%s)", spec,
                (int)(eq - s), s, nm[0], nm[1] != NULL ? ", " : "", nm[1] != NULL ? nm[1] : "");
        }
        if (have[slot]) {
            return cm_error_set(err, CM_EINVAL, "lifetime spec '%s': key '%s' given twice", spec,
                                nm[slot]);
        }
        if (!parse_real(eq + 1, len - (size_t)(eq - s) - 1, &v)) {
            return cm_error_set(err, CM_EINVAL,
                                "lifetime spec '%s': expected a finite number for '%s', got '%.*s'",
                                spec, nm[slot], (int)(len - (size_t)(eq - s) - 1), eq + 1);
        }
        have[slot] = 1;
        val[slot] = v;
        s += len;
        if (*s == ',' || *s == ';') {
            s++;
        }
    }
    for (int k = 0; k < 2; k++) {
        if (nm[k] != NULL && !have[k]) {
            return cm_error_set(err, CM_EINVAL, "lifetime spec '%s': missing key '%s'", spec,
                                nm[k]);
        }
    }
    if (weibull_moments) {
        cm_error_t rc = cm_dsm_weibull_from_moments(val[0], val[1], &out->p[0], &out->p[1], err);
        if (rc != CM_OK) {
            cm_error_prefix(err, "lifetime spec '%s'", spec);
        }
        return rc;
    }
    out->p[0] = val[0];
    out->p[1] = val[1];
    {
        cm_error_t rc = cm_dsm_params_check(out->dist, out->p, err);
        if (rc != CM_OK) {
            cm_error_prefix(err, "lifetime spec '%s'", spec);
            return rc;
        }
    }
    return CM_OK;
}

const char *cm_dsm_timing_name(cm_dsm_timing_t t)
{
    switch (t) {
    case CM_DSM_TIMING_ODYM:
        return "odym";
    case CM_DSM_TIMING_START:
        return "start";
    case CM_DSM_TIMING_MIDDLE:
        return "middle";
    case CM_DSM_TIMING_END:
        return "end";
    case CM_DSM_TIMING_WEEE:
        return "weee";
    }
    return "?";
}

cm_error_t cm_dsm_timing_parse(const char *name, cm_dsm_timing_t *out, cm_error_info_t *err)
{
    if (name == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "timing: NULL argument");
    }
    for (int k = 0; k <= (int)CM_DSM_TIMING_WEEE; k++) {
        if (strcmp(name, cm_dsm_timing_name((cm_dsm_timing_t)k)) == 0) {
            *out = (cm_dsm_timing_t)k;
            return CM_OK;
        }
    }
    return cm_error_set(err, CM_EINVAL,
                        "timing: expected odym, start, middle, end or weee, got '%s'", name);
}

/* Seeded random numbers: xoshiro256** seeded by splitmix64, written from the published
 * algorithm descriptions, and the distributions built on it. */
#include <math.h>
#include <string.h>

#include "cm_internal.h"
#include "cambium/cm_rng.h"

static uint64_t rotl64(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* splitmix64: a Weyl sequence (golden-ratio increment) passed through a bit mixer. */
static uint64_t splitmix64_next(uint64_t *x)
{
    *x += UINT64_C(0x9E3779B97F4A7C15);
    uint64_t z = *x;
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

void cm_rng_seed(cm_rng_t *rng, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++) {
        rng->s[i] = splitmix64_next(&x);
    }
    if ((rng->s[0] | rng->s[1] | rng->s[2] | rng->s[3]) == 0) {
        rng->s[0] = 1; /* cannot happen for splitmix64 output, kept as a guard */
    }
    rng->spare = 0.0;
    rng->has_spare = 0;
}

uint64_t cm_rng_u64(cm_rng_t *rng)
{
    uint64_t *s = rng->s;
    uint64_t result = rotl64(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl64(s[3], 45);
    return result;
}

void cm_rng_jump(cm_rng_t *rng)
{
    /* Coefficients of the jump polynomial for 2^128 steps (Blackman and Vigna). */
    static const uint64_t JUMP[4] = {
        UINT64_C(0x180EC6D33CFD0ABA), UINT64_C(0xD5A61266F0C9392C),
        UINT64_C(0xA9582618E03FC9AA), UINT64_C(0x39ABDC4529B1661C)};
    uint64_t acc[4] = {0, 0, 0, 0};
    for (int i = 0; i < 4; i++) {
        for (int b = 0; b < 64; b++) {
            if (JUMP[i] & (UINT64_C(1) << b)) {
                for (int k = 0; k < 4; k++) {
                    acc[k] ^= rng->s[k];
                }
            }
            (void)cm_rng_u64(rng);
        }
    }
    memcpy(rng->s, acc, sizeof acc);
    rng->has_spare = 0;
    rng->spare = 0.0;
}

void cm_rng_seed_stream(cm_rng_t *rng, uint64_t seed, uint64_t stream)
{
    cm_rng_seed(rng, seed);
    for (uint64_t i = 0; i < stream; i++) {
        cm_rng_jump(rng);
    }
}

double cm_rng_double(cm_rng_t *rng)
{
    return (double)(cm_rng_u64(rng) >> 11) * 0x1.0p-53;
}

/* Uniform in the open interval (0, 1). */
static double open01(cm_rng_t *rng)
{
    return ((double)(cm_rng_u64(rng) >> 11) + 0.5) * 0x1.0p-53;
}

uint64_t cm_rng_below(cm_rng_t *rng, uint64_t n)
{
    if (n == 0) {
        return 0;
    }
    /* reject the top partial block of 2^64 so that every residue is equally likely */
    uint64_t limit = UINT64_MAX - (UINT64_MAX % n + 1) % n;
    uint64_t x;
    do {
        x = cm_rng_u64(rng);
    } while (x > limit);
    return x % n;
}

double cm_rng_std_normal(cm_rng_t *rng)
{
    if (rng->has_spare) {
        rng->has_spare = 0;
        return rng->spare;
    }
    double u, v, s;
    do {
        u = 2.0 * cm_rng_double(rng) - 1.0;
        v = 2.0 * cm_rng_double(rng) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    double m = sqrt(-2.0 * log(s) / s);
    rng->spare = v * m;
    rng->has_spare = 1;
    return u * m;
}

/* ---- parameter checks ---- */

static cm_error_t need_out(void *rng, double *out, const char *fn, cm_error_info_t *err)
{
    if (rng == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "%s: rng and out must not be NULL", fn);
    }
    return CM_OK;
}

static cm_error_t check_finite(double x, const char *name, const char *fn, cm_error_info_t *err)
{
    if (!isfinite(x)) {
        return cm_error_set(err, CM_EINVAL, "%s: %s must be finite, got %g", fn, name, x);
    }
    return CM_OK;
}

static cm_error_t check_ordered3(double min, double mode, double max, const char *fn,
                                 cm_error_info_t *err)
{
    cm_error_t rc = check_finite(min, "min", fn, err);
    if (rc == CM_OK) {
        rc = check_finite(mode, "mode", fn, err);
    }
    if (rc == CM_OK) {
        rc = check_finite(max, "max", fn, err);
    }
    if (rc == CM_OK && !(min <= mode && mode <= max)) {
        rc = cm_error_set(err, CM_EINVAL, "%s: need min <= mode <= max, got %g, %g, %g", fn, min,
                          mode, max);
    }
    return rc;
}

static cm_error_t check_scale(double mu, double sigma, const char *fn, cm_error_info_t *err)
{
    cm_error_t rc = check_finite(mu, "mu", fn, err);
    if (rc == CM_OK) {
        rc = check_finite(sigma, "sigma", fn, err);
    }
    if (rc == CM_OK && sigma < 0) {
        rc = cm_error_set(err, CM_EINVAL, "%s: sigma must be >= 0, got %g", fn, sigma);
    }
    return rc;
}

static cm_error_t check_positive2(double a, const char *na, double b, const char *nb,
                                  const char *fn, cm_error_info_t *err)
{
    if (!(isfinite(a) && a > 0)) {
        return cm_error_set(err, CM_EINVAL, "%s: %s must be finite and > 0, got %g", fn, na, a);
    }
    if (!(isfinite(b) && b > 0)) {
        return cm_error_set(err, CM_EINVAL, "%s: %s must be finite and > 0, got %g", fn, nb, b);
    }
    return CM_OK;
}

/* ---- raw samplers (parameters already checked) ---- */

static double triangular_raw(cm_rng_t *rng, double min, double mode, double max)
{
    double u = cm_rng_double(rng);
    double w = max - min;
    if (w <= 0) {
        return min;
    }
    double x;
    if (u * w < mode - min) {
        x = min + sqrt(u * w * (mode - min));
    } else {
        x = max - sqrt((1.0 - u) * w * (max - mode));
    }
    return x < min ? min : (x > max ? max : x);
}

static double gamma_raw(cm_rng_t *rng, double shape)
{
    if (shape < 1.0) {
        double g = gamma_raw(rng, shape + 1.0);
        return g * pow(open01(rng), 1.0 / shape);
    }
    double d = shape - 1.0 / 3.0;
    double c = 1.0 / sqrt(9.0 * d);
    for (;;) {
        double x = cm_rng_std_normal(rng);
        double t = 1.0 + c * x;
        if (t <= 0) {
            continue;
        }
        double v = t * t * t;
        double u = open01(rng);
        double x2 = x * x;
        if (u < 1.0 - 0.0331 * x2 * x2) {
            return d * v;
        }
        if (log(u) < 0.5 * x2 + d * (1.0 - v + log(v))) {
            return d * v;
        }
    }
}

static double beta_raw(cm_rng_t *rng, double alpha, double beta)
{
    double x = gamma_raw(rng, alpha);
    double y = gamma_raw(rng, beta);
    double s = x + y;
    if (s <= 0) {
        /* both underflowed (tiny shapes): the mass sits at the end with the larger shape */
        return alpha >= beta ? 1.0 : 0.0;
    }
    return x / s;
}

static void pert_shapes(double min, double mode, double max, double *a, double *b)
{
    double w = max - min;
    *a = 1.0 + 4.0 * (mode - min) / w;
    *b = 1.0 + 4.0 * (max - mode) / w;
}

static double pert_raw(cm_rng_t *rng, double min, double mode, double max)
{
    if (max <= min) {
        return min;
    }
    double a, b;
    pert_shapes(min, mode, max, &a, &b);
    double x = min + (max - min) * beta_raw(rng, a, b);
    return x > max ? max : x;
}

/* ---- public samplers ---- */

cm_error_t cm_rng_uniform(cm_rng_t *rng, double a, double b, double *out, cm_error_info_t *err)
{
    static const char fn[] = "cm_rng_uniform";
    cm_error_t rc = need_out(rng, out, fn, err);
    if (rc == CM_OK) {
        rc = check_ordered3(a, a, b, fn, err);
    }
    if (rc == CM_OK) {
        *out = a + (b - a) * cm_rng_double(rng);
    }
    return rc;
}

cm_error_t cm_rng_normal(cm_rng_t *rng, double mu, double sigma, double *out,
                         cm_error_info_t *err)
{
    static const char fn[] = "cm_rng_normal";
    cm_error_t rc = need_out(rng, out, fn, err);
    if (rc == CM_OK) {
        rc = check_scale(mu, sigma, fn, err);
    }
    if (rc == CM_OK) {
        *out = mu + sigma * cm_rng_std_normal(rng);
    }
    return rc;
}

cm_error_t cm_rng_lognormal(cm_rng_t *rng, double mu, double sigma, double *out,
                            cm_error_info_t *err)
{
    static const char fn[] = "cm_rng_lognormal";
    cm_error_t rc = need_out(rng, out, fn, err);
    if (rc == CM_OK) {
        rc = check_scale(mu, sigma, fn, err);
    }
    if (rc == CM_OK) {
        *out = exp(mu + sigma * cm_rng_std_normal(rng));
    }
    return rc;
}

cm_error_t cm_rng_triangular(cm_rng_t *rng, double min, double mode, double max, double *out,
                             cm_error_info_t *err)
{
    static const char fn[] = "cm_rng_triangular";
    cm_error_t rc = need_out(rng, out, fn, err);
    if (rc == CM_OK) {
        rc = check_ordered3(min, mode, max, fn, err);
    }
    if (rc == CM_OK) {
        *out = triangular_raw(rng, min, mode, max);
    }
    return rc;
}

cm_error_t cm_rng_gamma(cm_rng_t *rng, double shape, double scale, double *out,
                        cm_error_info_t *err)
{
    static const char fn[] = "cm_rng_gamma";
    cm_error_t rc = need_out(rng, out, fn, err);
    if (rc == CM_OK) {
        rc = check_positive2(shape, "shape", scale, "scale", fn, err);
    }
    if (rc == CM_OK) {
        *out = scale * gamma_raw(rng, shape);
    }
    return rc;
}

cm_error_t cm_rng_beta(cm_rng_t *rng, double alpha, double beta, double *out,
                       cm_error_info_t *err)
{
    static const char fn[] = "cm_rng_beta";
    cm_error_t rc = need_out(rng, out, fn, err);
    if (rc == CM_OK) {
        rc = check_positive2(alpha, "alpha", beta, "beta", fn, err);
    }
    if (rc == CM_OK) {
        *out = beta_raw(rng, alpha, beta);
    }
    return rc;
}

cm_error_t cm_rng_pert(cm_rng_t *rng, double min, double mode, double max, double *out,
                       cm_error_info_t *err)
{
    static const char fn[] = "cm_rng_pert";
    cm_error_t rc = need_out(rng, out, fn, err);
    if (rc == CM_OK) {
        rc = check_ordered3(min, mode, max, fn, err);
    }
    if (rc == CM_OK) {
        *out = pert_raw(rng, min, mode, max);
    }
    return rc;
}

/* ---- distribution descriptions ---- */

cm_error_t cm_dist_check(const cm_dist_t *d, cm_error_info_t *err)
{
    static const char fn[] = "cm_dist_check";
    if (d == NULL) {
        return cm_error_set(err, CM_EINVAL, "%s: d must not be NULL", fn);
    }
    switch (d->kind) {
    case CM_DIST_CONSTANT:
        return check_finite(d->p1, "value", fn, err);
    case CM_DIST_UNIFORM:
        return check_ordered3(d->p1, d->p1, d->p2, fn, err);
    case CM_DIST_TRIANGULAR:
    case CM_DIST_PERT:
        return check_ordered3(d->p1, d->p2, d->p3, fn, err);
    case CM_DIST_NORMAL:
    case CM_DIST_LOGNORMAL:
        return check_scale(d->p1, d->p2, fn, err);
    case CM_DIST_BETA:
        return check_positive2(d->p1, "alpha", d->p2, "beta", fn, err);
    default:
        return cm_error_set(err, CM_EINVAL, "%s: unknown distribution kind %d", fn, (int)d->kind);
    }
}

static void beta_moments(double a, double b, double *mean, double *var)
{
    double s = a + b;
    *mean = a / s;
    *var = a * b / (s * s * (s + 1.0));
}

cm_error_t cm_dist_moments(const cm_dist_t *d, double *mean, double *variance,
                           cm_error_info_t *err)
{
    cm_error_t rc = cm_dist_check(d, err);
    if (rc != CM_OK) {
        return rc;
    }
    double m = 0, v = 0;
    double a = d->p1, b = d->p2, c = d->p3;
    switch (d->kind) {
    case CM_DIST_CONSTANT:
        m = a;
        break;
    case CM_DIST_UNIFORM:
        m = 0.5 * (a + b);
        v = (b - a) * (b - a) / 12.0;
        break;
    case CM_DIST_TRIANGULAR:
        m = (a + b + c) / 3.0;
        v = (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0;
        break;
    case CM_DIST_NORMAL:
        m = a;
        v = b * b;
        break;
    case CM_DIST_LOGNORMAL:
        m = exp(a + 0.5 * b * b);
        v = expm1(b * b) * exp(2.0 * a + b * b);
        break;
    case CM_DIST_BETA:
        beta_moments(a, b, &m, &v);
        break;
    case CM_DIST_PERT:
        if (c > a) {
            double sa, sb;
            pert_shapes(a, b, c, &sa, &sb);
            beta_moments(sa, sb, &m, &v);
            m = a + (c - a) * m;
            v = (c - a) * (c - a) * v;
        } else {
            m = a;
        }
        break;
    }
    if (mean != NULL) {
        *mean = m;
    }
    if (variance != NULL) {
        *variance = v;
    }
    return CM_OK;
}

cm_error_t cm_dist_sample(cm_rng_t *rng, const cm_dist_t *d, double *out, size_t n,
                          cm_error_info_t *err)
{
    if (rng == NULL || (out == NULL && n > 0)) {
        return cm_error_set(err, CM_EINVAL, "cm_dist_sample: rng and out must not be NULL");
    }
    cm_error_t rc = cm_dist_check(d, err);
    if (rc != CM_OK) {
        return rc;
    }
    for (size_t i = 0; i < n; i++) {
        switch (d->kind) {
        case CM_DIST_CONSTANT:
            out[i] = d->p1;
            break;
        case CM_DIST_UNIFORM:
            out[i] = d->p1 + (d->p2 - d->p1) * cm_rng_double(rng);
            break;
        case CM_DIST_TRIANGULAR:
            out[i] = triangular_raw(rng, d->p1, d->p2, d->p3);
            break;
        case CM_DIST_NORMAL:
            out[i] = d->p1 + d->p2 * cm_rng_std_normal(rng);
            break;
        case CM_DIST_LOGNORMAL:
            out[i] = exp(d->p1 + d->p2 * cm_rng_std_normal(rng));
            break;
        case CM_DIST_BETA:
            out[i] = beta_raw(rng, d->p1, d->p2);
            break;
        case CM_DIST_PERT:
            out[i] = pert_raw(rng, d->p1, d->p2, d->p3);
            break;
        }
    }
    return CM_OK;
}

/**
 * \file cm_rng.h
 * \brief A seeded, reproducible random-number generator and the distributions of the Monte
 * Carlo work (uniform, triangular, normal, lognormal, gamma, beta, PERT).
 *
 * Generator: xoshiro256** (D. Blackman and S. Vigna, "Scrambled linear pseudorandom number
 * generators", ACM TOMS 47(4), 2021), period 2^256 - 1, state seeded from a 64-bit seed through
 * splitmix64 (G. Steele, D. Lea, C. Flood, "Fast splittable pseudorandom number generators",
 * OOPSLA 2014). Independent streams for parallel runs come from the jump function, which
 * advances the state by 2^128 draws, so streams never overlap in practice.
 *
 * All state lives in a caller-owned ::cm_rng_t: no globals, no allocation, nothing to destroy.
 * The same seed gives the same sequence on every platform (integer arithmetic only; the
 * transcendental functions of the C library may differ in the last bit between libm versions).
 */
#ifndef CAMBIUM_CM_RNG_H
#define CAMBIUM_CM_RNG_H

#include "cm_common.h"
#include "cm_error.h"

CM_BEGIN_DECLS

/** Generator state (a plain value; copy it to fork an identical sequence). */
typedef struct cm_rng_t {
    uint64_t s[4];   /**< xoshiro256** state, never all zero */
    double spare;    /**< cached second normal deviate of the polar method */
    int has_spare;   /**< 1 when `spare` is valid */
} cm_rng_t;

/**
 * \brief Seed \p rng from a 64-bit seed (splitmix64 fills the 256-bit state). Any seed,
 * including 0, is valid. Cannot fail.
 */
CM_EXPORT void cm_rng_seed(cm_rng_t *rng, uint64_t seed);

/**
 * \brief Seed stream number \p stream of \p seed: ::cm_rng_seed then \p stream jumps of
 * 2^128 draws. Streams 0, 1, 2 ... of one seed are non-overlapping sequences for parallel runs;
 * stream 0 equals ::cm_rng_seed. Complexity O(stream) (256 draws per jump).
 */
CM_EXPORT void cm_rng_seed_stream(cm_rng_t *rng, uint64_t seed, uint64_t stream);

/** \brief Advance the state by 2^128 draws (and drop the cached normal). */
CM_EXPORT void cm_rng_jump(cm_rng_t *rng);

/** \brief Next 64 random bits. */
CM_EXPORT uint64_t cm_rng_u64(cm_rng_t *rng);

/** \brief Uniform double in [0, 1) with 53 random bits (multiples of 2^-53). */
CM_EXPORT double cm_rng_double(cm_rng_t *rng);

/** \brief Uniform integer in [0, n) without modulo bias (rejection); returns 0 when n is 0. */
CM_EXPORT uint64_t cm_rng_below(cm_rng_t *rng, uint64_t n);

/** \brief Standard normal deviate (Marsaglia polar method; the second deviate is cached). */
CM_EXPORT double cm_rng_std_normal(cm_rng_t *rng);

/**
 * \brief Uniform on [a, b). \return CM_OK; CM_EINVAL if a > b, a or b not finite, or out NULL.
 */
CM_EXPORT cm_error_t cm_rng_uniform(cm_rng_t *rng, double a, double b, double *out,
                                    cm_error_info_t *err);

/** \brief Normal(mu, sigma). \return CM_OK; CM_EINVAL if sigma < 0 or a parameter is not finite. */
CM_EXPORT cm_error_t cm_rng_normal(cm_rng_t *rng, double mu, double sigma, double *out,
                                   cm_error_info_t *err);

/**
 * \brief Lognormal: exp(Normal(mu, sigma)), mu and sigma of the logarithm.
 * \return CM_OK; CM_EINVAL if sigma < 0 or a parameter is not finite.
 */
CM_EXPORT cm_error_t cm_rng_lognormal(cm_rng_t *rng, double mu, double sigma, double *out,
                                      cm_error_info_t *err);

/**
 * \brief Triangular(min, mode, max) by inversion. Result in [min, max].
 * \return CM_OK; CM_EINVAL unless min <= mode <= max, all finite.
 */
CM_EXPORT cm_error_t cm_rng_triangular(cm_rng_t *rng, double min, double mode, double max,
                                       double *out, cm_error_info_t *err);

/**
 * \brief Gamma(shape, scale) by Marsaglia and Tsang (ACM TOMS 26(3), 2000); shape < 1 uses
 * the boost Gamma(shape + 1) * U^(1/shape). Mean shape*scale.
 * \return CM_OK; CM_EINVAL unless shape > 0 and scale > 0, finite.
 */
CM_EXPORT cm_error_t cm_rng_gamma(cm_rng_t *rng, double shape, double scale, double *out,
                                  cm_error_info_t *err);

/**
 * \brief Beta(alpha, beta) on [0, 1] as X / (X + Y) with X ~ Gamma(alpha), Y ~ Gamma(beta).
 * \return CM_OK; CM_EINVAL unless alpha > 0 and beta > 0, finite.
 */
CM_EXPORT cm_error_t cm_rng_beta(cm_rng_t *rng, double alpha, double beta, double *out,
                                 cm_error_info_t *err);

/**
 * \brief Beta-PERT(min, mode, max) with the usual weight 4: min + (max - min) * Beta(a, b),
 * a = 1 + 4 (mode - min) / (max - min), b = 1 + 4 (max - mode) / (max - min);
 * mean (min + 4 mode + max) / 6. min == max returns min.
 * \return CM_OK; CM_EINVAL unless min <= mode <= max, all finite.
 */
CM_EXPORT cm_error_t cm_rng_pert(cm_rng_t *rng, double min, double mode, double max, double *out,
                                 cm_error_info_t *err);

/** Kinds of ::cm_dist_t and the meaning of its parameters p1, p2, p3. */
typedef enum cm_dist_kind_t {
    CM_DIST_CONSTANT = 0,   /**< p1 = value */
    CM_DIST_UNIFORM = 1,    /**< p1 = min, p2 = max */
    CM_DIST_TRIANGULAR = 2, /**< p1 = min, p2 = mode, p3 = max */
    CM_DIST_NORMAL = 3,     /**< p1 = mu, p2 = sigma */
    CM_DIST_LOGNORMAL = 4,  /**< p1 = mu, p2 = sigma (of the logarithm) */
    CM_DIST_BETA = 5,       /**< p1 = alpha, p2 = beta, on [0, 1] */
    CM_DIST_PERT = 6        /**< p1 = min, p2 = mode, p3 = max */
} cm_dist_kind_t;

/** A distribution description (a plain value) for Monte Carlo inputs. */
typedef struct cm_dist_t {
    cm_dist_kind_t kind;
    double p1, p2, p3;
} cm_dist_t;

/**
 * \brief Check the parameters of \p d (the rules of the matching cm_rng_* function).
 * \return CM_OK; CM_EINVAL with a message naming the parameter, or for an unknown kind.
 */
CM_EXPORT cm_error_t cm_dist_check(const cm_dist_t *d, cm_error_info_t *err);

/**
 * \brief Theoretical mean and variance of \p d (either output may be NULL).
 * \return CM_OK or CM_EINVAL (as ::cm_dist_check).
 */
CM_EXPORT cm_error_t cm_dist_moments(const cm_dist_t *d, double *mean, double *variance,
                                     cm_error_info_t *err);

/**
 * \brief Draw \p n values of \p d into \p out (caller-allocated array of n doubles).
 * \return CM_OK; CM_EINVAL for bad parameters or NULL arguments (out untouched). O(n).
 */
CM_EXPORT cm_error_t cm_dist_sample(cm_rng_t *rng, const cm_dist_t *d, double *out, size_t n,
                                    cm_error_info_t *err);

CM_END_DECLS

#endif

/**
 * \file cm_units.h
 * \brief Unit registry: parse, check, convert and format units of measurement.
 *
 * Units are checked, never assumed. A unit is a product of registered symbols with integer
 * powers, e.g. `t`, `kt`, `EUR/kg`, `t/MW`, `kg/kWh`, `kg/(MW*a)`.
 * The registry is a constant table (no global mutable state); see docs/units.md for the full
 * symbol table and grammar.
 *
 * Base dimensions: mass (base kg), money in EUR (base EUR), money in USD (base USD; EUR and USD
 * are different dimensions, converting needs an exchange rate), power (base W), energy (base
 * Wh; energy is NOT power x time here), time (base a = year), count (base item). `%`, `ppm`,
 * `share`, `fraction` and `1` are dimensionless with factors 0.01, 1e-6, 1, 1, 1.
 *
 * Every unit-string problem (unknown symbol, malformed expression) and every incompatible pair
 * returns ::CM_EUNIT; the message quotes the text or names both units.
 */
#ifndef CAMBIUM_CM_UNITS_H
#define CAMBIUM_CM_UNITS_H

#include "cm_common.h"
#include "cm_error.h"

CM_BEGIN_DECLS

/** Base dimensions of the registry. */
typedef enum cm_unit_dim_t {
    CM_DIM_MASS = 0,  /**< base kg */
    CM_DIM_EUR = 1,   /**< base EUR */
    CM_DIM_USD = 2,   /**< base USD */
    CM_DIM_POWER = 3, /**< base W */
    CM_DIM_ENERGY = 4, /**< base Wh */
    CM_DIM_TIME = 5,  /**< base a (year) */
    CM_DIM_COUNT = 6, /**< base item */
    CM_UNIT_NDIM = 7
} cm_unit_dim_t;

/** Largest number of distinct symbols in one unit expression. */
#define CM_UNIT_MAX_TERMS 8
/** Largest absolute power of one symbol or dimension. */
#define CM_UNIT_MAX_POWER 12
/** Buffer size that holds the canonical text of any unit. */
#define CM_UNIT_TEXT_MAX 128

/** One symbol of a unit with its power (symbol = index into the constant registry). */
typedef struct cm_unit_term_t {
    int16_t symbol;
    int16_t power;
} cm_unit_term_t;

/**
 * A parsed unit: a plain value (copy freely, nothing to destroy). A zeroed struct with
 * factor 1 is the dimensionless unit "1"; use ::cm_unit_parse or ::cm_unit_one to make one.
 * value_in_base_units = value * factor.
 */
typedef struct cm_unit_t {
    double factor;                          /**< scale to the base units of its dimensions */
    int16_t dim[CM_UNIT_NDIM];              /**< power of each base dimension */
    int16_t nterms;                         /**< number of used entries of `terms` */
    cm_unit_term_t terms[CM_UNIT_MAX_TERMS]; /**< symbols in order of first appearance */
} cm_unit_t;

/** \brief The dimensionless unit "1" (factor 1, no terms). Cannot fail. */
CM_EXPORT cm_unit_t cm_unit_one(void);

/**
 * \brief Parse a unit expression.
 *
 * Grammar: `expr := term (('*' | '/') term)*`, `term := atom ('^' integer)?`,
 * `atom := symbol | '1' | '(' expr ')'`; operators are left-associative, so `a/b/c` is
 * `a/(b*c)` and `a/b*c` is `(a/b)*c`. Spaces around operators are allowed. Symbols are
 * case-sensitive (`Mt` is a megatonne, `mt` is unknown). The empty string is "1".
 * Symbols that appear more than once are merged (`kg*kg` is `kg^2`, `t/t` is `1`).
 * \param[in] text the unit text (borrowed).
 * \param[out] out receives the unit (need not be initialised).
 * \param[out] err optional error details.
 * \return CM_OK; CM_EINVAL if text or out is NULL; CM_EUNIT for an unknown symbol
 *   ("unknown unit 'xyz' (expected e.g. t, kt, EUR, MW, t/MW ...)") or a malformed
 *   expression (the message quotes the text and the column), more than ::CM_UNIT_MAX_TERMS
 *   symbols or a power above ::CM_UNIT_MAX_POWER.
 * Complexity: O(length of text x registry size).
 */
CM_EXPORT cm_error_t cm_unit_parse(const char *text, cm_unit_t *out, cm_error_info_t *err);

/**
 * \brief Canonical text of a unit: numerator symbols joined by `*`, then `/` and the
 * denominator (in parentheses when it has more than one symbol), powers as `^n`, aliases
 * replaced by their canonical symbol (`€` -> `EUR`, `yr` -> `a`), "1" when there is no symbol.
 * Examples: `t/MW`, `kg/(MW*a)`, `kg^2`, `1/a`, `%`.
 * \param[in] u the unit.
 * \param[out] buf receives the NUL-terminated text; ::CM_UNIT_TEXT_MAX bytes always suffice.
 * \param[in] n size of buf.
 * \return CM_OK; CM_EINVAL if u or buf is NULL or u holds an invalid symbol index;
 *   CM_EOVERFLOW if buf is too small (buf then holds a truncated text when n > 0).
 */
CM_EXPORT cm_error_t cm_unit_format(const cm_unit_t *u, char *buf, size_t n,
                                    cm_error_info_t *err);

/**
 * \brief Describe the dimensions of a unit in words, e.g. "mass", "money (EUR)/mass",
 * "mass/power", "dimensionless". Used in error messages.
 * \return CM_OK, CM_EINVAL for NULL arguments, CM_EOVERFLOW when buf is too small.
 */
CM_EXPORT cm_error_t cm_unit_describe(const cm_unit_t *u, char *buf, size_t n,
                                      cm_error_info_t *err);

/** \brief 1 when \p a and \p b have the same dimensions (a conversion exists), else 0. */
CM_EXPORT int cm_unit_compatible(const cm_unit_t *a, const cm_unit_t *b);

/** \brief 1 when \p u has no dimension (`1`, `%`, `ppm`, `t/kt` ...), else 0. */
CM_EXPORT int cm_unit_is_dimensionless(const cm_unit_t *u);

/**
 * \brief Conversion factor: value_in_to = value_in_from * factor.
 * \param[out] factor receives from->factor / to->factor.
 * \return CM_OK; CM_EINVAL for NULL arguments; CM_EUNIT when the dimensions differ, with a
 *   message naming both units and their dimensions, e.g.
 *   "cannot convert 'EUR' to 't': money (EUR) vs mass". Between EUR and USD the message adds
 *   that an exchange rate is needed.
 */
CM_EXPORT cm_error_t cm_unit_factor(const cm_unit_t *from, const cm_unit_t *to, double *factor,
                                    cm_error_info_t *err);

/**
 * \brief Like ::cm_unit_factor on unit texts (parsed with ::cm_unit_parse).
 * \return CM_OK, CM_EINVAL, CM_EUNIT (unknown or incompatible unit).
 */
CM_EXPORT cm_error_t cm_unit_factor_str(const char *from, const char *to, double *factor,
                                        cm_error_info_t *err);

/**
 * \brief Convert one value between unit texts: *out = value * factor(from, to).
 * \return CM_OK, CM_EINVAL, CM_EUNIT.
 */
CM_EXPORT cm_error_t cm_unit_convert(double value, const char *from, const char *to, double *out,
                                     cm_error_info_t *err);

/**
 * \brief Convert \p n values in place from one unit to another. NaN stays NaN.
 * \param[in,out] values array of n values (NULL allowed when n is 0); untouched on error.
 * \return CM_OK, CM_EINVAL (NULL arguments), CM_EUNIT (incompatible units). Complexity O(n).
 */
CM_EXPORT cm_error_t cm_unit_convert_array(const cm_unit_t *from, const cm_unit_t *to,
                                           double *values, size_t n, cm_error_info_t *err);

/**
 * \brief Product of two units (`t` * `1/MW` = `t/MW`); symbols are merged, zero powers dropped.
 * \param[out] out may alias a or b.
 * \return CM_OK, CM_EINVAL (NULL), CM_EUNIT (too many symbols or a power too large).
 */
CM_EXPORT cm_error_t cm_unit_mul(const cm_unit_t *a, const cm_unit_t *b, cm_unit_t *out,
                                 cm_error_info_t *err);

/** \brief Quotient a / b, as ::cm_unit_mul. \return CM_OK, CM_EINVAL, CM_EUNIT. */
CM_EXPORT cm_error_t cm_unit_div(const cm_unit_t *a, const cm_unit_t *b, cm_unit_t *out,
                                 cm_error_info_t *err);

/** \brief Integer power u^p (p may be negative or 0). \return CM_OK, CM_EINVAL, CM_EUNIT. */
CM_EXPORT cm_error_t cm_unit_pow(const cm_unit_t *u, int p, cm_unit_t *out, cm_error_info_t *err);

CM_END_DECLS

#endif

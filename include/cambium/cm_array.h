/**
 * \file cm_array.h
 * \brief Labelled arrays: dense doubles with named dimensions, item codes and a unit.
 *
 * A ::cm_array_t holds `size` doubles in column-major order: the FIRST dimension varies
 * fastest, so a 2-D array [rows, cols] is exactly LAPACK's column-major layout with
 * ld = nrows. Each dimension (::cm_dim_t) has a name ("time", "region") and an ordered list
 * of unique item codes, indexed by a hash table; dimension objects are immutable and shared
 * between arrays by reference counting, so results of operations do not copy item lists.
 *
 * Operations match dimensions BY NAME. When two arrays meet, a dimension present in both
 * must have identical item lists; otherwise the call fails with CM_EMISMATCH and a message
 * naming the dimension and the first differing item.
 *
 * Units go through the unit registry (cm_units.h). Every unit given to an array is parsed
 * with ::cm_unit_parse (an unknown or malformed unit is CM_EUNIT) and stored as its canonical
 * text (::cm_unit_format: "t / MW" is stored "t/MW", "EUR" for the euro sign, "1" for NULL).
 * Addition, subtraction and comparison need the SAME unit: same dimensions and same scale
 * (::cm_array_check_same_unit; "t" + "kt" is CM_EUNIT). Multiplication, division and
 * contraction give the registry's product or quotient in canonical text ("t/MW" * "MW" =
 * "t", "t" / "t" = "1"). No conversion is ever implied: use ::cm_array_convert_unit.
 *
 * Result convention: every function writing a result array takes `res`, an initialised or
 * zeroed ::cm_array_t. On success its old content is released and replaced; on failure it is
 * left unchanged. `res` may be the same object as an operand.
 *
 * See docs/arrays.md for the model and the einsum grammar.
 */
#ifndef CAMBIUM_CM_ARRAY_H
#define CAMBIUM_CM_ARRAY_H

#include "cm_common.h"
#include "cm_error.h"

CM_BEGIN_DECLS

/** Largest number of dimensions of an array. */
#define CM_ARRAY_MAX_DIMS 16

/** A dimension: name + ordered unique item codes + hash index (opaque, immutable,
 * reference counted). */
typedef struct cm_dim_t cm_dim_t;

/**
 * \brief Create a dimension.
 * \param[in] name dimension name: 1 to 64 characters from [A-Za-z0-9_.:-], not containing
 *   "->" (so that it can appear in an einsum spec).
 * \param[in] n number of items (0 allowed).
 * \param[in] codes \p n non-NULL, non-empty, unique item codes (copied).
 * \param[out] out receives the new dimension with one reference; release with
 *   ::cm_dim_release. Set to NULL on failure.
 * \return CM_OK; CM_EINVAL (NULL argument, bad name, empty or duplicate code: the message
 *   names the code and both positions); CM_ENOMEM.
 * Complexity: O(total length of the codes).
 */
CM_EXPORT cm_error_t cm_dim_create(const char *name, size_t n, const char *const *codes,
                                   cm_dim_t **out, cm_error_info_t *err);

/** \brief Take one more reference to \p d (NULL allowed); returns \p d. */
CM_EXPORT cm_dim_t *cm_dim_retain(cm_dim_t *d);

/** \brief Drop one reference; the last one frees the dimension. NULL is a no-op. */
CM_EXPORT void cm_dim_release(cm_dim_t *d);

/** \brief Name of the dimension (borrowed, valid while \p d lives). */
CM_EXPORT const char *cm_dim_name(const cm_dim_t *d);

/** \brief Number of items. */
CM_EXPORT size_t cm_dim_size(const cm_dim_t *d);

/** \brief Item code number \p i (borrowed), or NULL when i is out of range. */
CM_EXPORT const char *cm_dim_code(const cm_dim_t *d, size_t i);

/**
 * \brief Position of \p code in the dimension, or -1 when absent (or \p code is NULL).
 * Complexity: O(length of code) expected (hash lookup).
 */
CM_EXPORT cm_int_t cm_dim_index(const cm_dim_t *d, const char *code);

/**
 * \brief Compare the item lists of two dimensions.
 * \return 1 when both have the same name and identical codes in the same order, else 0.
 * Shared dimension objects compare in O(1).
 */
CM_EXPORT int cm_dim_equal(const cm_dim_t *a, const cm_dim_t *b);

/**
 * A labelled array (value container). Zero-initialise, then fill with ::cm_array_init,
 * ::cm_array_init_dims or any function producing a result; destroy with ::cm_array_destroy.
 * Fields are readable; change them only through the functions below.
 */
typedef struct cm_array_t {
    size_t ndim;                          /**< number of dimensions (0 = a scalar) */
    cm_dim_t *dim[CM_ARRAY_MAX_DIMS];     /**< one reference each */
    size_t shape[CM_ARRAY_MAX_DIMS];      /**< items per dimension */
    size_t stride[CM_ARRAY_MAX_DIMS];     /**< in elements; stride[0] = 1 (column-major) */
    size_t size;                          /**< product of shape (1 for a scalar) */
    cm_real_t *data;                      /**< size values, owned */
    char *unit;                           /**< owned canonical unit text (::cm_unit_format),
                                               never NULL once initialised */
} cm_array_t;

/** Static initialiser of an empty array (same as zeroing). */
#define CM_ARRAY_NULL {0, {NULL}, {0}, {0}, 0, NULL, NULL}

/**
 * A non-owning column-major 2-D view of array data: element (i, j) is data[i + j*ld].
 * Views are never destroyed; they stay valid while the array they view lives and is not
 * re-initialised or used as a result.
 */
typedef struct cm_matrix_view_t {
    cm_real_t *data;
    size_t nrow;
    size_t ncol;
    size_t ld; /**< leading dimension (>= max(1, nrow)) */
} cm_matrix_view_t;

/**
 * \brief Initialise a zero-filled array from item lists.
 * \param[out] a a zeroed or destroyed array (its content is overwritten, not released).
 * \param[in] ndim number of dimensions (0..CM_ARRAY_MAX_DIMS; 0 makes a scalar).
 * \param[in] names \p ndim distinct dimension names.
 * \param[in] sizes items per dimension.
 * \param[in] codes \p ndim lists of item codes (see ::cm_dim_create).
 * \param[in] unit unit text of the registry (NULL means "1"); stored in canonical form.
 * \return CM_OK; CM_EINVAL (bad argument, duplicate dimension name or item code: the message
 *   names it; empty or blank unit); CM_EUNIT (unknown or malformed unit, quoted);
 *   CM_EOVERFLOW (element count or byte size overflows); CM_ENOMEM. On failure
 *   \p a is left zeroed. Complexity: O(size + length of codes).
 */
CM_EXPORT cm_error_t cm_array_init(cm_array_t *a, size_t ndim, const char *const *names,
                                   const size_t *sizes, const char *const *const *codes,
                                   const char *unit, cm_error_info_t *err);

/**
 * \brief Initialise a zero-filled array over existing dimensions (each gains a reference).
 * \param[out] a a zeroed or destroyed array.
 * \param[in] unit as in ::cm_array_init.
 * \return CM_OK, CM_EINVAL (NULL dimension, too many, duplicate names, empty unit), CM_EUNIT
 *   (unknown or malformed unit), CM_EOVERFLOW, CM_ENOMEM. On failure \p a is left zeroed.
 */
CM_EXPORT cm_error_t cm_array_init_dims(cm_array_t *a, size_t ndim, cm_dim_t *const *dims,
                                        const char *unit, cm_error_info_t *err);

/** \brief Release everything; safe on a zeroed array and idempotent (leaves it zeroed). */
CM_EXPORT void cm_array_destroy(cm_array_t *a);

/**
 * \brief Deep copy of values and unit (dimensions are shared).
 * \param[in,out] res initialised or zeroed; replaced on success.
 * \return CM_OK, CM_EINVAL, CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_array_copy(cm_array_t *res, const cm_array_t *a, cm_error_info_t *err);

/** \brief Position of the dimension called \p name in \p a, or -1. */
CM_EXPORT int cm_array_dim_find(const cm_array_t *a, const char *name);

/**
 * \brief Index of item \p code in dimension \p dim of \p a.
 * \return CM_OK, CM_EINVAL (NULL argument), CM_ENOTFOUND (no such dimension or item; the
 *   message names it).
 */
CM_EXPORT cm_error_t cm_array_index(const cm_array_t *a, const char *dim, const char *code,
                                    size_t *idx, cm_error_info_t *err);

/**
 * \brief Value at item codes \p codes (one per dimension, in the array's dimension order).
 * \return CM_OK, CM_EINVAL (NULL argument), CM_ENOTFOUND (the message names the dimension
 *   and the code). Complexity: ndim hash lookups.
 */
CM_EXPORT cm_error_t cm_array_get(const cm_array_t *a, const char *const *codes,
                                  cm_real_t *value, cm_error_info_t *err);

/** \brief Set the value at item codes \p codes; errors as ::cm_array_get. */
CM_EXPORT cm_error_t cm_array_set(cm_array_t *a, const char *const *codes, cm_real_t value,
                                  cm_error_info_t *err);

/**
 * \brief Value at 0-based indices \p idx (one per dimension).
 * \return CM_OK, CM_EINVAL (NULL argument or an index out of range: the message names the
 *   dimension).
 */
CM_EXPORT cm_error_t cm_array_get_at(const cm_array_t *a, const size_t *idx, cm_real_t *value,
                                     cm_error_info_t *err);

/** \brief Set the value at indices \p idx; errors as ::cm_array_get_at. */
CM_EXPORT cm_error_t cm_array_set_at(cm_array_t *a, const size_t *idx, cm_real_t value,
                                     cm_error_info_t *err);

/** \brief Set every element to \p value. */
CM_EXPORT void cm_array_fill(cm_array_t *a, cm_real_t value);

/**
 * \brief Replace the unit without touching the values (relabelling, no check of dimensions;
 * to change the unit of the same quantity use ::cm_array_convert_unit).
 * \param[in] unit new unit text (NULL means "1"; empty is CM_EINVAL), stored canonically.
 * \return CM_OK, CM_EINVAL, CM_EUNIT (unknown or malformed unit), CM_ENOMEM (on every
 *   failure the unit is unchanged).
 */
CM_EXPORT cm_error_t cm_array_set_unit(cm_array_t *a, const char *unit, cm_error_info_t *err);

/**
 * \brief Multiply every value by \p factor and set the unit to \p unit, with no check that
 * the factor matches the units (e.g. applying an exchange rate: 1.08 from "EUR" to "USD").
 * Conversions within the registry are ::cm_array_convert_unit.
 * \param[in] unit new unit text (NULL means "1"), parsed and stored canonically.
 * \return CM_OK, CM_EINVAL (factor not finite, empty unit), CM_EUNIT (unknown or malformed
 *   unit), CM_ENOMEM (array unchanged on every failure).
 */
CM_EXPORT cm_error_t cm_array_scale(cm_array_t *a, cm_real_t factor, const char *unit,
                                    cm_error_info_t *err);

/**
 * \brief Convert the array to another unit of the same dimensions: every value is multiplied
 * by ::cm_unit_factor (unit of a -> \p to_unit) and the unit becomes \p to_unit (canonical
 * text). Example: 1500 "t" -> 1.5 "kt"; 12.5 "%" -> 0.125 "1"; "kg/t" -> "t/kt".
 * \param[in,out] a an initialised array.
 * \param[in] to_unit target unit text (NULL means "1").
 * \return CM_OK; CM_EINVAL (NULL or uninitialised array, empty unit); CM_EUNIT (unknown or
 *   malformed unit, or dimensions differ: "cannot convert 'EUR' to 't': money (EUR) vs
 *   mass"); CM_ENOMEM. On failure the array is unchanged. Complexity O(size).
 */
CM_EXPORT cm_error_t cm_array_convert_unit(cm_array_t *a, const char *to_unit,
                                           cm_error_info_t *err);

/**
 * \brief Check that two arrays hold the same unit: same dimensions and same scale (factors
 * equal up to a relative 1e-12, so "EUR/kg" and "MEUR/kt" are the same unit). Used by
 * addition and subtraction; use it before comparing values of two arrays.
 * \return CM_OK; CM_EINVAL (NULL or uninitialised); CM_EUNIT, with messages
 *   "units differ: 't' (left) and 'kt' (right): convert one with cm_array_convert_unit" or
 *   "units differ: 't' (left) and 'EUR' (right) measure different quantities: mass vs money
 *   (EUR)".
 */
CM_EXPORT cm_error_t cm_array_check_same_unit(const cm_array_t *a, const cm_array_t *b,
                                              cm_error_info_t *err);

/** \brief Sum of all elements (0 for an empty array). Complexity O(size). */
CM_EXPORT cm_real_t cm_array_sum_all(const cm_array_t *a);

/**
 * \brief Sum over the named dimensions; the result drops them and keeps the others in order
 * (summing all dimensions gives a scalar array). Same unit.
 * \param[in] n number of names; \p names distinct dimension names of \p a.
 * \param[in,out] res initialised or zeroed; replaced on success.
 * \return CM_OK, CM_EINVAL (NULL, repeated name), CM_ENOTFOUND (names the dimension),
 *   CM_ENOMEM. Complexity O(size).
 */
CM_EXPORT cm_error_t cm_array_sum_dims(const cm_array_t *a, size_t n, const char *const *names,
                                       cm_array_t *res, cm_error_info_t *err);

/** Element-wise operations. */
typedef enum cm_array_op_t {
    CM_ARRAY_ADD = 0,
    CM_ARRAY_SUB = 1,
    CM_ARRAY_MUL = 2,
    CM_ARRAY_DIV = 3
} cm_array_op_t;

/** Flag of ::cm_array_binop: division by zero gives IEEE inf/nan instead of CM_ENUMERIC. */
#define CM_ARRAY_ALLOW_INF 1u

/**
 * \brief Broadcasting element-wise operation `res = a op b`.
 *
 * Dimensions are matched by name. The result has the dimensions of \p a in order, then those
 * of \p b absent from \p a, in \p b's order; a value is repeated along dimensions its
 * operand lacks. A dimension present in both must have identical item lists.
 * Units: ADD/SUB need the same unit (::cm_array_check_same_unit) and keep the left operand's
 * text; MUL and DIV give the canonical text of ::cm_unit_mul / ::cm_unit_div ("t/MW" * "MW"
 * = "t", "t" / "MW*a" = "t/(MW*a)", "t" / "t" = "1", "t" / "kt" = "t/kt").
 * Division by zero: CM_ENUMERIC naming the item codes of the first zero divisor (in result
 * storage order), unless \p flags has ::CM_ARRAY_ALLOW_INF (then IEEE inf or nan).
 * \param[in,out] res initialised or zeroed; replaced on success (may alias a or b).
 * \return CM_OK, CM_EINVAL (NULL, bad op, more than CM_ARRAY_MAX_DIMS dimensions),
 *   CM_EMISMATCH ("dimension 'region': item 3 is 'FRA' in the left operand but 'DEU' in the
 *   right"; item positions are 1-based), CM_EUNIT (ADD/SUB: units differ, both named;
 *   MUL/DIV: the product exceeds the registry's limits of ::CM_UNIT_MAX_TERMS symbols or
 *   ::CM_UNIT_MAX_POWER), CM_ENUMERIC, CM_ENOMEM. Complexity O(size of the result).
 */
CM_EXPORT cm_error_t cm_array_binop(cm_array_op_t op, const cm_array_t *a, const cm_array_t *b,
                                    unsigned flags, cm_array_t *res, cm_error_info_t *err);

/** \brief ::cm_array_binop with CM_ARRAY_ADD. */
CM_EXPORT cm_error_t cm_array_add(const cm_array_t *a, const cm_array_t *b, cm_array_t *res,
                                  cm_error_info_t *err);
/** \brief ::cm_array_binop with CM_ARRAY_SUB. */
CM_EXPORT cm_error_t cm_array_sub(const cm_array_t *a, const cm_array_t *b, cm_array_t *res,
                                  cm_error_info_t *err);
/** \brief ::cm_array_binop with CM_ARRAY_MUL. */
CM_EXPORT cm_error_t cm_array_mul(const cm_array_t *a, const cm_array_t *b, cm_array_t *res,
                                  cm_error_info_t *err);
/** \brief ::cm_array_binop with CM_ARRAY_DIV (a zero divisor is CM_ENUMERIC). */
CM_EXPORT cm_error_t cm_array_div(const cm_array_t *a, const cm_array_t *b, cm_array_t *res,
                                  cm_error_info_t *err);

/**
 * \brief Check that the dimensions \p a and \p b have in common carry identical item lists.
 * \return CM_OK, CM_EINVAL (NULL), CM_EMISMATCH (message as ::cm_array_binop).
 */
CM_EXPORT cm_error_t cm_array_check_compatible(const cm_array_t *a, const cm_array_t *b,
                                               cm_error_info_t *err);

/**
 * \brief Reorder the dimensions: result dimension k is the dimension of \p a named
 * \p names[k] (copying the data into the new column-major order).
 * \param[in] n must equal a->ndim; \p names a permutation of the dimension names.
 * \return CM_OK, CM_EINVAL (wrong count, repeated name), CM_ENOTFOUND, CM_ENOMEM.
 * Complexity O(size).
 */
CM_EXPORT cm_error_t cm_array_permute(const cm_array_t *a, size_t n, const char *const *names,
                                      cm_array_t *res, cm_error_info_t *err);

/**
 * \brief Einstein-summation contraction of two arrays, e.g.
 * "time,product * product,material -> time,material".
 *
 * Grammar: `spec = list '*' list '->' list`, `list = [name {',' name}]`; blanks are ignored.
 * Each operand list names every dimension of its operand exactly once (any order). Each
 * output name appears in an operand. A name in both operands and not in the output is
 * contracted (summed over the product); a name in both operands and in the output is a batch
 * dimension (element-wise); a name in one operand only and not in the output is summed over
 * that operand first. Shared names need identical item lists. The product runs through
 * cblas_dgemm on (free a x contracted) and (contracted x free b) layouts, one call per batch
 * item. Unit: product of the units as in ::cm_array_mul.
 * \return CM_OK; CM_EPARSE (malformed spec; column = byte offset, 1-based); CM_EINVAL (NULL,
 *   an operand list that does not match the operand's dimensions, repeated output name,
 *   output name in no operand: each message names the dimension); CM_EMISMATCH; CM_EUNIT
 *   (the unit product exceeds the registry's limits); CM_EOVERFLOW
 *   (a matrix side beyond the BLAS integer range); CM_ENOMEM.
 * Complexity O(M*K*N) per batch item.
 */
CM_EXPORT cm_error_t cm_array_einsum(const char *spec, const cm_array_t *a, const cm_array_t *b,
                                     cm_array_t *res, cm_error_info_t *err);

/**
 * \brief Select one item of dimension \p dim (copy).
 * \param[in] keep_dim non-zero keeps the dimension with that one item; zero drops it.
 * \return CM_OK, CM_EINVAL, CM_ENOTFOUND (dimension or item, named), CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_array_select(const cm_array_t *a, const char *dim, const char *code,
                                     int keep_dim, cm_array_t *res, cm_error_info_t *err);

/**
 * \brief Select a list of items of dimension \p dim, in the given order (copy).
 * \param[in] n number of codes (0 gives an empty dimension); codes must be unique.
 * \return CM_OK, CM_EINVAL (NULL, duplicate code), CM_ENOTFOUND (dimension or item, named),
 *   CM_ENOMEM. Complexity O(size of the result).
 */
CM_EXPORT cm_error_t cm_array_select_items(const cm_array_t *a, const char *dim, size_t n,
                                           const char *const *codes, cm_array_t *res,
                                           cm_error_info_t *err);

/**
 * \brief Zero-copy column-major view of a 1-D (n x 1) or 2-D array (ld = nrow).
 * \param[in] a the array (borrowed by the view, not copied).
 * \param[out] view filled on success; never destroyed.
 * \return CM_OK, CM_EINVAL (NULL, or ndim not 1 or 2; use ::cm_array_view_block).
 */
CM_EXPORT cm_error_t cm_array_view(cm_array_t *a, cm_matrix_view_t *view, cm_error_info_t *err);

/**
 * \brief Zero-copy view of the block of the first two dimensions at fixed indices \p idx
 * (ndim - 2 of them, for dimensions 3..ndim) of an array with ndim >= 2.
 * \return CM_OK, CM_EINVAL (NULL, ndim < 2, index out of range: the message names the
 *   dimension).
 */
CM_EXPORT cm_error_t cm_array_view_block(cm_array_t *a, const size_t *idx, cm_matrix_view_t *view,
                                         cm_error_info_t *err);

/**
 * \brief Zero-copy column-major 2-D view grouping the first \p nrowdims dimensions as rows and
 * the others as columns (a [sector, region, sector_to, region_to] array with 2 is the N x N
 * matrix; with nrowdims = ndim it is a column; 0 makes a 1 x size row).
 * \return CM_OK, CM_EINVAL (NULL or uninitialised, nrowdims > ndim).
 */
CM_EXPORT cm_error_t cm_array_view_rows(cm_array_t *a, size_t nrowdims, cm_matrix_view_t *view,
                                        cm_error_info_t *err);

CM_END_DECLS

#endif

/**
 * \file cm_common.h
 * \brief Export macro, scalar types and C++ guards shared by every public header.
 */
#ifndef CAMBIUM_CM_COMMON_H
#define CAMBIUM_CM_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#define CM_BEGIN_DECLS extern "C" {
#define CM_END_DECLS }
#else
#define CM_BEGIN_DECLS
#define CM_END_DECLS
#endif

/* Every public declaration carries CM_EXPORT; the library is built with hidden visibility. */
#if defined(CM_STATIC_DEFINE)
#define CM_EXPORT
#elif defined(__GNUC__) || defined(__clang__)
#define CM_EXPORT __attribute__((visibility("default")))
#else
#define CM_EXPORT
#endif

#if defined(__GNUC__) || defined(__clang__)
#define CM_PRINTF(fmt_idx, arg_idx) __attribute__((format(printf, fmt_idx, arg_idx)))
#define CM_WARN_UNUSED __attribute__((warn_unused_result))
#else
#define CM_PRINTF(fmt_idx, arg_idx)
#define CM_WARN_UNUSED
#endif

CM_BEGIN_DECLS

/** Real numbers: always IEEE double. */
typedef double cm_real_t;
/** Indices and sizes: 64-bit signed, so one decision covers SuiteSparse `_l_` and ILP64 BLAS. */
typedef int64_t cm_int_t;

CM_END_DECLS

#endif

/**
 * \file cm_alloc.h
 * \brief Allocation wrappers: overflow-checked, replaceable and failure-injectable.
 *
 * All heap traffic of libcambium goes through these functions, so that a test can make the
 * N-th allocation fail (::cm_test_fail_alloc_after) and prove that every error path frees
 * what it took (::cm_alloc_outstanding returns to its earlier value).
 */
#ifndef CAMBIUM_CM_ALLOC_H
#define CAMBIUM_CM_ALLOC_H

#include "cm_common.h"
#include "cm_error.h"

CM_BEGIN_DECLS

/** A replacement allocator (all four functions must be set). */
typedef struct cm_allocator_t {
    void *(*malloc_fn)(size_t size);
    void *(*calloc_fn)(size_t n, size_t size);
    void *(*realloc_fn)(void *p, size_t size);
    void (*free_fn)(void *p);
} cm_allocator_t;

/** \brief malloc through the current allocator; NULL on failure. Size 0 allocates 1 byte. */
CM_EXPORT void *cm_malloc(size_t size);
/** \brief calloc; NULL when n*size overflows or memory is short. */
CM_EXPORT void *cm_calloc(size_t n, size_t size);
/** \brief realloc; on failure returns NULL and leaves \p p untouched. */
CM_EXPORT void *cm_realloc(void *p, size_t size);
/** \brief free; NULL is a no-op. */
CM_EXPORT void cm_free(void *p);
/** \brief Overflow-checked malloc of n elements of \p size bytes (NULL on overflow). */
CM_EXPORT void *cm_malloc_array(size_t n, size_t size);
/** \brief Overflow-checked realloc of n elements of \p size bytes (NULL on overflow; p kept). */
CM_EXPORT void *cm_realloc_array(void *p, size_t n, size_t size);
/** \brief Copy of a NUL-terminated string (NULL if s is NULL or memory is short). Free with cm_free. */
CM_EXPORT char *cm_strdup(const char *s);
/** \brief Copy of at most n bytes of s, NUL-terminated. Free with cm_free. */
CM_EXPORT char *cm_strndup(const char *s, size_t n);

/**
 * \brief Multiply with overflow check.
 * \return CM_OK and *out = a*b, or CM_EOVERFLOW.
 */
CM_EXPORT cm_error_t cm_mul_size(size_t a, size_t b, size_t *out);

/**
 * \brief Replace the allocator (NULL restores the C library's). Call before any other cambium
 * function: memory must be freed by the allocator that gave it.
 */
CM_EXPORT void cm_set_allocator(const cm_allocator_t *allocator);

/**
 * \brief Test hook: let \p n more allocations succeed, then fail every later one until reset.
 * A negative n disables injection. Process-wide; for tests only.
 */
CM_EXPORT void cm_test_fail_alloc_after(long n);
/** \brief Number of allocations refused by the injection hook since it was last set. */
CM_EXPORT long cm_test_alloc_failures(void);
/** \brief Number of blocks allocated through cm_* and not yet freed (leak check in tests). */
CM_EXPORT long cm_alloc_outstanding(void);

CM_END_DECLS

#endif

/* Allocation wrappers: overflow checks, a replaceable allocator, failure injection, live count. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "cambium/cm_alloc.h"
#include "cm_internal.h"

static cm_allocator_t current = {malloc, calloc, realloc, free};
static atomic_long fail_after = -1;  /* < 0: no injection */
static atomic_long failures = 0;
static atomic_long outstanding = 0;

/* true when this allocation must be refused by the test hook */
static int injected_failure(void)
{
    long left = atomic_load(&fail_after);
    if (left < 0) {
        return 0;
    }
    while (left > 0) {
        if (atomic_compare_exchange_weak(&fail_after, &left, left - 1)) {
            return 0;
        }
        if (left < 0) {
            return 0;
        }
    }
    atomic_fetch_add(&failures, 1);
    return 1;
}

void *cm_malloc(size_t size)
{
    if (injected_failure()) {
        return NULL;
    }
    void *p = current.malloc_fn(size ? size : 1);
    if (p != NULL) {
        atomic_fetch_add(&outstanding, 1);
    }
    return p;
}

void *cm_calloc(size_t n, size_t size)
{
    size_t total;
    if (cm_mul_size(n, size, &total) != CM_OK) {
        return NULL;
    }
    if (injected_failure()) {
        return NULL;
    }
    void *p = current.calloc_fn(n ? n : 1, size ? size : 1);
    if (p != NULL) {
        atomic_fetch_add(&outstanding, 1);
    }
    return p;
}

void *cm_realloc(void *p, size_t size)
{
    if (p == NULL) {
        return cm_malloc(size);
    }
    if (injected_failure()) {
        return NULL;
    }
    return current.realloc_fn(p, size ? size : 1);
}

void cm_free(void *p)
{
    if (p == NULL) {
        return;
    }
    atomic_fetch_sub(&outstanding, 1);
    current.free_fn(p);
}

cm_error_t cm_mul_size(size_t a, size_t b, size_t *out)
{
    if (a != 0 && b > SIZE_MAX / a) {
        return CM_EOVERFLOW;
    }
    *out = a * b;
    return CM_OK;
}

void *cm_malloc_array(size_t n, size_t size)
{
    size_t total;
    if (cm_mul_size(n, size, &total) != CM_OK) {
        return NULL;
    }
    return cm_malloc(total);
}

void *cm_realloc_array(void *p, size_t n, size_t size)
{
    size_t total;
    if (cm_mul_size(n, size, &total) != CM_OK) {
        return NULL;
    }
    return cm_realloc(p, total);
}

char *cm_strndup(const char *s, size_t n)
{
    if (s == NULL) {
        return NULL;
    }
    size_t len = strnlen(s, n);
    char *d = cm_malloc(len + 1);
    if (d == NULL) {
        return NULL;
    }
    memcpy(d, s, len);
    d[len] = '\0';
    return d;
}

char *cm_strdup(const char *s)
{
    if (s == NULL) {
        return NULL;
    }
    return cm_strndup(s, strlen(s));
}

void cm_set_allocator(const cm_allocator_t *allocator)
{
    if (allocator == NULL || allocator->malloc_fn == NULL || allocator->calloc_fn == NULL ||
        allocator->realloc_fn == NULL || allocator->free_fn == NULL) {
        current.malloc_fn = malloc;
        current.calloc_fn = calloc;
        current.realloc_fn = realloc;
        current.free_fn = free;
        return;
    }
    current = *allocator;
}

void cm_test_fail_alloc_after(long n)
{
    atomic_store(&failures, 0);
    atomic_store(&fail_after, n < 0 ? -1 : n);
}

long cm_test_alloc_failures(void)
{
    return atomic_load(&failures);
}

long cm_alloc_outstanding(void)
{
    return atomic_load(&outstanding);
}

int cm_i_grow(void **items, size_t *cap, size_t n, size_t elem_size, size_t first)
{
    if (n < *cap) {
        return 0;
    }
    size_t nc = *cap < first ? first : *cap * 2;
    void *p = cm_realloc_array(*items, nc, elem_size);
    if (p == NULL) {
        return -1;
    }
    *items = p;
    *cap = nc;
    return 0;
}

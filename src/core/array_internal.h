/* Internal helpers of the labelled arrays (src/core/array*.c, concord.c). */
#ifndef CAMBIUM_ARRAY_INTERNAL_H
#define CAMBIUM_ARRAY_INTERNAL_H

#include "cambium/cm_array.h"
#include "cm_internal.h"

/* uthash allocates through cambium and reports out-of-memory instead of exiting: after an
 * add, an entry whose hh.tbl is NULL was not inserted (the caller reports CM_ENOMEM). */
#define uthash_malloc(sz) cm_malloc(sz)
#define uthash_free(ptr, sz) cm_free(ptr)
#define HASH_NONFATAL_OOM 1
#define uthash_nonfatal_oom(obj) ((void)(obj))
#include <uthash.h>

/* Odometer over a shape: idx[1..ndim-1] are advanced (dimension 0 is the caller's inner
 * loop); off[k] += stride[k][d] bookkeeping for nops operands. Returns 0 when done. */
#define CM_I_MAX_OPS 3
typedef struct cm_i_loop_t {
    size_t ndim;
    size_t nops;
    size_t shape[CM_ARRAY_MAX_DIMS];
    size_t stride[CM_I_MAX_OPS][CM_ARRAY_MAX_DIMS];
    size_t idx[CM_ARRAY_MAX_DIMS];
    size_t off[CM_I_MAX_OPS];
} cm_i_loop_t;

/* Prepare a loop; returns the inner length (shape[0], or 1 for ndim == 0). */
size_t cm_i_loop_start(cm_i_loop_t *l);
/* Advance to the next line; 0 when the iteration is over. */
int cm_i_loop_next(cm_i_loop_t *l);

/* Replace res by tmp (res's old content released; tmp zeroed). */
void cm_i_array_move(cm_array_t *res, cm_array_t *tmp);

/* Check unit text: NULL -> "1"; returns CM_EINVAL for "". *out is borrowed. */
cm_error_t cm_i_unit_check(const char *unit, const char **out, cm_error_info_t *err);
/* Compound unit of a product (div == 0) or quotient; free with cm_free. NULL on no memory. */
char *cm_i_unit_combine(const char *ua, const char *ub, int div);

/* Error when two dimensions of the same name differ: names the first differing item. */
cm_error_t cm_i_dim_mismatch(const cm_dim_t *a, const cm_dim_t *b, cm_error_info_t *err);

#endif

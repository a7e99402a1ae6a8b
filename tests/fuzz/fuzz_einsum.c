/* libFuzzer target for the einsum spec parser and contraction. Input layout:
 *   byte 0: dimensions of the left operand (bits 0-2: a, b, c), of the right operand
 *           (bits 3-5), bit 6: the right operand's 'a' has other items, bit 7: units that
 *           overflow the registry (kg^12 * kg);
 *   byte 1: bit 0 / bit 1 reverse the dimension order of the left / right operand; bit 7
 *           injects an allocation failure after (bits 2-6) allocations;
 *   rest:   the spec (NUL-terminated copy).
 * The operands hold small integers, so the sum of all result elements must equal, exactly,
 * the sum over the union of the operands' dimensions of left * right, whatever the output
 * list. A failed call leaves the result array untouched; nothing may leak. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cambium/cm_alloc.h"
#include "cambium/cm_array.h"
#include "cambium/cm_units.h"

#define CHECK(cond)           \
    do {                      \
        if (!(cond)) {        \
            __builtin_trap(); \
        }                     \
    } while (0)

static const char *const NAMES[3] = {"a", "b", "c"};
static const char *const ITEMS_A[] = {"a1", "a2"};
static const char *const ITEMS_A2[] = {"a1", "x2"};
static const char *const ITEMS_B[] = {"b1", "b2", "b3"};
static const char *const ITEMS_C[] = {"c1", "c2"};
static const size_t SIZES[3] = {2, 3, 2};

typedef struct operand_t {
    size_t ndim;
    int which[3]; /* index into NAMES per dimension of the array */
} operand_t;

static operand_t layout(unsigned mask, int reverse)
{
    operand_t o = {0, {0, 0, 0}};
    for (int k = 0; k < 3; k++) {
        if (mask & (1u << k)) {
            o.which[o.ndim++] = k;
        }
    }
    if (reverse) {
        for (size_t i = 0; i < o.ndim / 2; i++) {
            int t = o.which[i];
            o.which[i] = o.which[o.ndim - 1 - i];
            o.which[o.ndim - 1 - i] = t;
        }
    }
    return o;
}

static cm_error_t build(cm_array_t *x, const operand_t *o, int other_a, const char *unit,
                        double scale, double shift)
{
    const char *names[3];
    size_t sizes[3];
    const char *const *codes[3];
    for (size_t k = 0; k < o->ndim; k++) {
        int w = o->which[k];
        names[k] = NAMES[w];
        sizes[k] = SIZES[w];
        codes[k] = w == 0 ? (other_a ? ITEMS_A2 : ITEMS_A) : w == 1 ? ITEMS_B : ITEMS_C;
    }
    cm_error_t rc = cm_array_init(x, o->ndim, names, sizes, codes, unit, NULL);
    if (rc == CM_OK) {
        for (size_t i = 0; i < x->size; i++) {
            x->data[i] = scale * (double)i + shift;
        }
    }
    return rc;
}

/* Value of x at the global index tuple g[3] (positions in a, b, c). */
static double at(const cm_array_t *x, const operand_t *o, const size_t *g)
{
    size_t off = 0;
    for (size_t k = 0; k < o->ndim; k++) {
        off += g[o->which[k]] * x->stride[k];
    }
    return x->data[off];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2 || size > 1024) {
        return 0;
    }
    unsigned cfg = data[0], opt = data[1];
    char *spec = malloc(size - 1);
    if (spec == NULL) {
        return 0;
    }
    memcpy(spec, data + 2, size - 2);
    spec[size - 2] = '\0';

    long base = cm_alloc_outstanding();
    operand_t la = layout(cfg & 7u, opt & 1u), lb = layout((cfg >> 3) & 7u, (opt >> 1) & 1u);
    int other_a = (cfg >> 6) & 1u;
    int big_unit = (cfg >> 7) & 1u;
    cm_array_t A = CM_ARRAY_NULL, B = CM_ARRAY_NULL, R = CM_ARRAY_NULL;
    cm_error_info_t err = {0};
    CHECK(build(&A, &la, 0, big_unit ? "kg^12" : "t/MW", 1.0, 1.0) == CM_OK);
    CHECK(build(&B, &lb, other_a, big_unit ? "kg" : "MW", 2.0, -3.0) == CM_OK);
    /* a result array with content, to check it is untouched on failure */
    CHECK(cm_array_copy(&R, &A, NULL) == CM_OK);
    cm_real_t *old_data = R.data;
    char *old_unit = R.unit;

    if (opt & 0x80u) {
        cm_test_fail_alloc_after((long)((opt >> 2) & 31u));
    }
    cm_error_t rc = cm_array_einsum(spec, &A, &B, &R, &err);
    cm_test_fail_alloc_after(-1);

    if (rc == CM_OK) {
        int shares_a = 0;
        for (size_t i = 0; i < la.ndim; i++) {
            for (size_t j = 0; j < lb.ndim; j++) {
                shares_a |= la.which[i] == 0 && lb.which[j] == 0;
            }
        }
        CHECK(!(shares_a && other_a)); /* differing item lists must be refused */
        CHECK(!big_unit);              /* kg^13 is beyond the registry */
        CHECK(strcmp(R.unit, "t") == 0);
        /* result dimensions: distinct, each from an operand, with its size */
        CHECK(R.ndim <= 3);
        size_t n = 1;
        for (size_t k = 0; k < R.ndim; k++) {
            const char *nm = cm_dim_name(R.dim[k]);
            int w = -1;
            for (int q = 0; q < 3; q++) {
                if (strcmp(nm, NAMES[q]) == 0) {
                    w = q;
                }
            }
            CHECK(w >= 0);
            CHECK(R.shape[k] == SIZES[w]);
            CHECK(cm_array_dim_find(&A, nm) >= 0 || cm_array_dim_find(&B, nm) >= 0);
            for (size_t j = 0; j < k; j++) {
                CHECK(strcmp(nm, cm_dim_name(R.dim[j])) != 0);
            }
            n *= R.shape[k];
        }
        CHECK(R.size == n);
        /* total over the union of the dimensions, exact for these small integers */
        unsigned uni = (cfg & 7u) | ((cfg >> 3) & 7u);
        double expect = 0;
        size_t g[3];
        for (g[0] = 0; g[0] < ((uni & 1u) ? SIZES[0] : 1); g[0]++) {
            for (g[1] = 0; g[1] < ((uni & 2u) ? SIZES[1] : 1); g[1]++) {
                for (g[2] = 0; g[2] < ((uni & 4u) ? SIZES[2] : 1); g[2]++) {
                    expect += at(&A, &la, g) * at(&B, &lb, g);
                }
            }
        }
        CHECK(cm_array_sum_all(&R) == expect);
    } else {
        CHECK(rc == CM_EPARSE || rc == CM_EINVAL || rc == CM_EMISMATCH || rc == CM_EUNIT ||
              rc == CM_ENOMEM);
        CHECK(rc != CM_ENOMEM || (opt & 0x80u));
        CHECK(err.code == rc && strlen(err.message) > 0);
        CHECK(R.data == old_data && R.unit == old_unit);
        CHECK(memcmp(R.data, A.data, A.size * sizeof(cm_real_t)) == 0);
    }
    cm_array_destroy(&A);
    cm_array_destroy(&B);
    cm_array_destroy(&R);
    CHECK(cm_alloc_outstanding() == base);
    free(spec);
    return 0;
}

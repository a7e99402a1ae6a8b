/* Test helpers on top of cmocka: tolerant comparisons that print both operands, error-code
 * checks, a leak check through the allocation counter, and locating the shared datasets. */
#ifndef CAMBIUM_TESTS_CM_TEST_H
#define CAMBIUM_TESTS_CM_TEST_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "cambium/cm_alloc.h"
#include "cambium/cm_error.h"

/* |actual - expected| <= atol + rtol*|expected|; NaN equals only NaN; infinities must match. */
int cm_test_near(double actual, double expected, double rtol, double atol);

#define ASSERT_NEAR(actual, expected, rtol, atol)                                               \
    do {                                                                                        \
        double cm_a_ = (actual), cm_e_ = (expected);                                            \
        if (!cm_test_near(cm_a_, cm_e_, (rtol), (atol))) {                                      \
            fail_msg("%s = %.17g, expected %s = %.17g (rtol %g, atol %g)", #actual, cm_a_,       \
                     #expected, cm_e_, (double)(rtol), (double)(atol));                          \
        }                                                                                       \
    } while (0)

/* CHECK_ERROR(call, CODE): the call must return CODE. */
#define CHECK_ERROR(call, code)                                                                 \
    do {                                                                                        \
        cm_error_t cm_rc_ = (call);                                                             \
        if (cm_rc_ != (code)) {                                                                 \
            fail_msg("%s returned %d (%s), expected %s", #call, (int)cm_rc_,                    \
                     cm_strerror(cm_rc_), #code);                                               \
        }                                                                                       \
    } while (0)

/* CHECK_OK(call, &err): the call must succeed; prints the error info otherwise. */
#define CHECK_OK(call, errp)                                                                    \
    do {                                                                                        \
        cm_error_t cm_rc_ = (call);                                                             \
        if (cm_rc_ != CM_OK) {                                                                  \
            char cm_buf_[2048];                                                                 \
            cm_error_format((errp), cm_buf_, sizeof cm_buf_);                                   \
            fail_msg("%s failed: %s: %s", #call, cm_strerror(cm_rc_), cm_buf_);                 \
        }                                                                                       \
    } while (0)

/* Group setup/teardown that fail a test leaving cambium allocations behind. */
int cm_test_leak_setup(void **state);
int cm_test_leak_teardown(void **state);

/* Path of a file in ../shared/data (NULL and a message when the data are absent: the caller
 * then calls skip()). Returns a static buffer. */
const char *cm_test_shared(const char *relpath);
/* Path of a file in the source tree (static buffer). */
const char *cm_test_source(const char *relpath);
/* A fresh scratch directory for this test program (static buffer). */
const char *cm_test_tmpdir(void);

/* Run a cmocka group with the leak check around every test. */
#define CM_RUN_TESTS(tests) cmocka_run_group_tests(tests, NULL, NULL)
#define CM_TEST(fn) cmocka_unit_test_setup_teardown(fn, cm_test_leak_setup, cm_test_leak_teardown)

#endif

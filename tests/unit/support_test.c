/* Shared helpers of the unit tests (see cm_test.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cm_test.h"

int cm_test_near(double actual, double expected, double rtol, double atol)
{
    if (isnan(expected) || isnan(actual)) {
        return isnan(expected) && isnan(actual);
    }
    if (isinf(expected) || isinf(actual)) {
        return actual == expected;
    }
    return fabs(actual - expected) <= atol + rtol * fabs(expected);
}

static long leak_baseline;

int cm_test_leak_setup(void **state)
{
    (void)state;
    cm_test_fail_alloc_after(-1);
    leak_baseline = cm_alloc_outstanding();
    return 0;
}

int cm_test_leak_teardown(void **state)
{
    (void)state;
    cm_test_fail_alloc_after(-1);
    long now = cm_alloc_outstanding();
    if (now != leak_baseline) {
        print_error("cambium allocations leaked by this test: %ld\n", now - leak_baseline);
        return -1;
    }
    return 0;
}

const char *cm_test_shared(const char *relpath)
{
    static char path[4096];
    const char *root = getenv("CM_SHARED_DATA");
    if (root == NULL || root[0] == '\0') {
        root = "../shared/data";
    }
    snprintf(path, sizeof path, "%s/%s", root, relpath);
    if (access(path, R_OK) != 0) {
        print_message("skipping: shared dataset %s is absent (it is present in CI)\n", path);
        return NULL;
    }
    return path;
}

const char *cm_test_source(const char *relpath)
{
    static char path[4096];
    const char *root = getenv("CM_SOURCE_DIR");
    snprintf(path, sizeof path, "%s/%s", root ? root : ".", relpath);
    return path;
}

const char *cm_test_tmpdir(void)
{
    static char dir[4096];
    if (dir[0] == '\0') {
        const char *base = getenv("TMPDIR");
        snprintf(dir, sizeof dir, "%s/cm-test-XXXXXX", base ? base : "/tmp");
        if (mkdtemp(dir) == NULL) {
            snprintf(dir, sizeof dir, "%s", ".");
        }
    }
    return dir;
}

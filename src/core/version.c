/* Version strings and the BLAS back end. */
#include <stdio.h>
#include <string.h>

#include <cblas.h>
#include <sqlite3.h>

#include "cambium/cm_version.h"

#define CM_STR2(x) #x
#define CM_STR(x) CM_STR2(x)

const char *cm_version_string(void)
{
    return CM_STR(CM_VERSION_MAJOR) "." CM_STR(CM_VERSION_MINOR) "." CM_STR(CM_VERSION_PATCH);
}

int cm_blas_threads(void)
{
    return openblas_get_num_threads();
}

int cm_blas_describe(char *buf, size_t n)
{
    /* openblas_get_config(): "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64" */
    const char *config = openblas_get_config();
    const char *core = openblas_get_corename();
    char version[64] = "OpenBLAS";
    if (config != NULL) {
        const char *sp = strchr(config, ' ');
        if (sp != NULL) {
            const char *sp2 = strchr(sp + 1, ' ');
            size_t len = sp2 ? (size_t)(sp2 - config) : strlen(config);
            if (len >= sizeof version) {
                len = sizeof version - 1;
            }
            memcpy(version, config, len);
            version[len] = '\0';
        }
    }
    int threads = openblas_get_num_threads();
    return snprintf(buf, n, "%s (core %s, %d thread%s, parallel=%s)", version,
                    core ? core : "unknown", threads, threads == 1 ? "" : "s",
                    openblas_get_parallel() == 0   ? "sequential"
                    : openblas_get_parallel() == 1 ? "pthreads"
                                                   : "openmp");
}

const char *cm_sqlite_version(void)
{
    return sqlite3_libversion();
}

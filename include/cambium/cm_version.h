/**
 * \file cm_version.h
 * \brief Library version and the linear-algebra back end it runs on.
 */
#ifndef CAMBIUM_CM_VERSION_H
#define CAMBIUM_CM_VERSION_H

#include "cm_common.h"

CM_BEGIN_DECLS

#define CM_VERSION_MAJOR 0
#define CM_VERSION_MINOR 1
#define CM_VERSION_PATCH 0

/** \brief "MAJOR.MINOR.PATCH" of the linked library (static string). */
CM_EXPORT const char *cm_version_string(void);

/**
 * \brief Describe the BLAS the library is linked to, e.g. "OpenBLAS 0.3.21 (Haswell, 2 threads)".
 * Writes at most n bytes (NUL-terminated). Returns the length the full text needs.
 */
CM_EXPORT int cm_blas_describe(char *buf, size_t n);

/** \brief Number of threads the BLAS will use. */
CM_EXPORT int cm_blas_threads(void);

/** \brief SQLite version the store uses (static string). */
CM_EXPORT const char *cm_sqlite_version(void);

CM_END_DECLS

#endif

/**
 * \file cm_error.h
 * \brief Error codes, error information and the process-wide log/warning hook.
 *
 * Every fallible function of libcambium returns a ::cm_error_t. Details go into an optional
 * ::cm_error_info_t supplied by the caller. The library never prints, exits or aborts: messages
 * reach the user only through the error info or the log handler the front end installs.
 */
#ifndef CAMBIUM_CM_ERROR_H
#define CAMBIUM_CM_ERROR_H

#include <stdarg.h>

#include "cm_common.h"

CM_BEGIN_DECLS

/** Result codes. CM_OK is zero; every other value is an error. */
typedef enum cm_error_t {
    CM_OK = 0,        /**< success */
    CM_ENOMEM = 1,    /**< out of memory (or an injected allocation failure) */
    CM_EINVAL = 2,    /**< invalid argument; the message names the argument */
    CM_EFILE = 3,     /**< a file could not be opened, read, written or renamed */
    CM_EPARSE = 4,    /**< malformed input; file, line and column are set */
    CM_ENUMERIC = 5,  /**< singular or ill-conditioned system, NaN or Inf where a number is needed */
    CM_ENOTCONV = 6,  /**< an iterative method did not converge */
    CM_EOVERFLOW = 7, /**< a size computation or a buffer bound overflowed */
    CM_EUNIMPL = 8,   /**< the requested variant is not available in this build */
    CM_EUNIT = 9,     /**< incompatible or unknown units; the message names both */
    CM_EMISMATCH = 10, /**< labelled arrays do not match: the message names the dimension and item */
    CM_ESTORE = 11,   /**< the SQLite store failed (the message carries SQLite's text) */
    CM_ENOTFOUND = 12 /**< a named item (dataset, dimension, code) does not exist */
} cm_error_t;

/** Sizes of the text fields of ::cm_error_info_t. */
#define CM_ERROR_MSG_MAX 1024
#define CM_ERROR_FILE_MAX 512

/**
 * Error details. Zero-initialise (or ::cm_error_clear) before use. `file` is empty and
 * `line`/`column` are 0 when the error is not tied to a position in an input file.
 * Lines and columns are 1-based; a column counts fields (CSV) or bytes (other text), as the
 * message says.
 */
typedef struct cm_error_info_t {
    cm_error_t code;
    char message[CM_ERROR_MSG_MAX];
    char file[CM_ERROR_FILE_MAX];
    int64_t line;
    int64_t column;
} cm_error_info_t;

/** \brief Reset \p err to "no error". NULL is allowed. */
CM_EXPORT void cm_error_clear(cm_error_info_t *err);

/**
 * \brief Record an error without a file position and return \p code.
 * \param[out] err optional (NULL allowed); its file position is cleared.
 * \return \p code, so that `return cm_error_set(err, CM_EINVAL, "...")` reads naturally.
 */
CM_EXPORT cm_error_t cm_error_set(cm_error_info_t *err, cm_error_t code, const char *fmt, ...)
    CM_PRINTF(3, 4);

/** \brief Like ::cm_error_set with a file position (file may be NULL, line/column 0 = unknown). */
CM_EXPORT cm_error_t cm_error_set_at(cm_error_info_t *err, cm_error_t code, const char *file,
                                     int64_t line, int64_t column, const char *fmt, ...)
    CM_PRINTF(6, 7);

/** \brief va_list variant of ::cm_error_set_at. */
CM_EXPORT cm_error_t cm_error_vset_at(cm_error_info_t *err, cm_error_t code, const char *file,
                                      int64_t line, int64_t column, const char *fmt, va_list ap);

/**
 * \brief Prefix the message of \p err with a context string ("importing WGI: ...").
 * Keeps code and position. Returns err->code (CM_OK if err is NULL).
 */
CM_EXPORT cm_error_t cm_error_prefix(cm_error_info_t *err, const char *fmt, ...) CM_PRINTF(2, 3);

/** \brief Constant English name of a code, e.g. "parse error". Never NULL. */
CM_EXPORT const char *cm_strerror(cm_error_t code);

/**
 * \brief Format \p err as "file:line:column: message" (or "message" without a position)
 * into \p buf of size \p n (always NUL-terminated when n > 0).
 * \return the number of characters that the full text needs, as snprintf.
 */
CM_EXPORT int cm_error_format(const cm_error_info_t *err, char *buf, size_t n);

/** Severity of log messages. */
typedef enum cm_log_level_t {
    CM_LOG_DEBUG = 0,
    CM_LOG_INFO = 1,
    CM_LOG_WARNING = 2, /**< non-fatal: near-singular matrix, balance residual above tolerance ... */
    CM_LOG_ERROR = 3
} cm_log_level_t;

/** Log handler: receives a complete message (no trailing newline). */
typedef void cm_log_fn(cm_log_level_t level, const char *message, void *user_data);

/**
 * \brief Install the process-wide log handler (NULL removes it; messages are then dropped).
 * The library itself never writes to stdout or stderr. Not thread-safe against concurrent logging:
 * install once at start-up.
 */
CM_EXPORT void cm_set_log_handler(cm_log_fn *fn, void *user_data);

/** \brief Send a message to the installed handler (no-op without one). */
CM_EXPORT void cm_log(cm_log_level_t level, const char *fmt, ...) CM_PRINTF(2, 3);

CM_END_DECLS

#endif

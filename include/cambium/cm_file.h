/**
 * \file cm_file.h
 * \brief Atomic file writing (temporary file + fsync + rename) and bounded whole-file reading.
 *
 * A file written through these functions either keeps its old content or has the complete
 * new content: the data go to "path.tmp.XXXXXX" in the same directory, which is flushed,
 * fsync'ed and renamed over \p path only on commit (then the directory is fsync'ed, best
 * effort). New files get mode 0644.
 */
#ifndef CAMBIUM_CM_FILE_H
#define CAMBIUM_CM_FILE_H

#include <stdio.h>

#include "cm_common.h"
#include "cm_error.h"

CM_BEGIN_DECLS

/** An open atomic writer (opaque). */
typedef struct cm_afile_t cm_afile_t;

/**
 * \brief Create the temporary file beside \p path and return a writer on it.
 * \param[in] path final file name (its directory must exist and be writable).
 * \param[out] out the writer; finish it with ::cm_afile_commit or ::cm_afile_abort.
 * \return CM_OK, CM_EINVAL (NULL argument), CM_EFILE (cannot create the temporary file),
 * CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_afile_open(const char *path, cm_afile_t **out, cm_error_info_t *err);

/**
 * \brief The stdio stream of the writer (borrowed; do not fclose). Write errors on it are
 * detected at commit (ferror). Note that fprintf's %g follows LC_NUMERIC: format doubles
 * with ::cm_csv_format_double.
 */
CM_EXPORT FILE *cm_afile_stream(cm_afile_t *f);

/** \brief Write \p len bytes. \return CM_OK, CM_EINVAL, CM_EFILE (write failed). */
CM_EXPORT cm_error_t cm_afile_write(cm_afile_t *f, const void *data, size_t len,
                                    cm_error_info_t *err);

/** \brief Formatted write (C printf, locale of the calling thread). \return as ::cm_afile_write. */
CM_EXPORT cm_error_t cm_afile_printf(cm_afile_t *f, cm_error_info_t *err, const char *fmt, ...)
    CM_PRINTF(3, 4);

/**
 * \brief Flush, fsync and rename the temporary file over the target; frees \p f (also on
 * error, after removing the temporary file).
 * \return CM_OK, CM_EINVAL (f NULL), CM_EFILE (a write, fsync, close or rename failed: the
 * target is unchanged).
 */
CM_EXPORT cm_error_t cm_afile_commit(cm_afile_t *f, cm_error_info_t *err);

/** \brief Remove the temporary file and free \p f; the target is unchanged. NULL is a no-op. */
CM_EXPORT void cm_afile_abort(cm_afile_t *f);

/**
 * \brief Replace \p path atomically with \p len bytes of \p data.
 * \return as ::cm_afile_open and ::cm_afile_commit.
 */
CM_EXPORT cm_error_t cm_file_write_atomic(const char *path, const void *data, size_t len,
                                          cm_error_info_t *err);

/**
 * \brief Read a whole file into a new NUL-terminated buffer (free with cm_free).
 * \param[in] max largest accepted size in bytes (0 = 1 GiB).
 * \param[out] out the data; \p len (optional) its length without the NUL.
 * \return CM_OK, CM_EINVAL, CM_EFILE (cannot open or read), CM_EOVERFLOW (larger than
 * \p max), CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_file_read_all(const char *path, size_t max, char **out, size_t *len,
                                      cm_error_info_t *err);

CM_END_DECLS

#endif

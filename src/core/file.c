/* Atomic file writes (temporary file, fsync, rename) and bounded whole-file reads. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cambium/cm_file.h"
#include "cm_internal.h"

struct cm_afile_t {
    char *path;
    char *tmp;
    FILE *fp;
    int fd;
};

static void afile_free(cm_afile_t *f)
{
    if (f->fp != NULL) {
        fclose(f->fp);
    } else if (f->fd >= 0) {
        close(f->fd);
    }
    cm_free(f->path);
    cm_free(f->tmp);
    cm_free(f);
}

cm_error_t cm_afile_open(const char *path, cm_afile_t **out, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_afile_t *f = NULL;

    if (out == NULL || path == NULL || path[0] == '\0') {
        return cm_error_set(err, CM_EINVAL, "%s is NULL or empty", out == NULL ? "out" : "path");
    }
    *out = NULL;
    f = cm_calloc(1, sizeof *f);
    CM_NOMEM(f, err);
    f->fd = -1;
    f->path = cm_strdup(path);
    CM_NOMEM(f->path, err);
    size_t n = strlen(path) + sizeof ".tmp.XXXXXX";
    f->tmp = cm_malloc(n);
    CM_NOMEM(f->tmp, err);
    snprintf(f->tmp, n, "%s.tmp.XXXXXX", path);
    f->fd = mkstemp(f->tmp);
    if (f->fd < 0) {
        CM_FAIL(cm_error_set_at(err, CM_EFILE, path, 0, 0, "cannot create a temporary file: %s",
                                strerror(errno)));
    }
    (void)fchmod(f->fd, 0644);
    f->fp = fdopen(f->fd, "wb");
    if (f->fp == NULL) {
        int e = errno;
        unlink(f->tmp);
        CM_FAIL(cm_error_set_at(err, CM_EFILE, path, 0, 0, "cannot open a temporary file: %s",
                                strerror(e)));
    }
    *out = f;
    f = NULL;
cleanup:
    if (f != NULL) {
        afile_free(f);
    }
    return rc;
}

FILE *cm_afile_stream(cm_afile_t *f)
{
    return f != NULL ? f->fp : NULL;
}

cm_error_t cm_afile_write(cm_afile_t *f, const void *data, size_t len, cm_error_info_t *err)
{
    if (f == NULL || (data == NULL && len > 0)) {
        return cm_error_set(err, CM_EINVAL, "writer or data is NULL");
    }
    if (len > 0 && fwrite(data, 1, len, f->fp) != len) {
        return cm_error_set_at(err, CM_EFILE, f->path, 0, 0, "cannot write: %s", strerror(errno));
    }
    return CM_OK;
}

cm_error_t cm_afile_printf(cm_afile_t *f, cm_error_info_t *err, const char *fmt, ...)
{
    va_list ap;
    if (f == NULL || fmt == NULL) {
        return cm_error_set(err, CM_EINVAL, "writer or format is NULL");
    }
    va_start(ap, fmt);
    int n = vfprintf(f->fp, fmt, ap);
    va_end(ap);
    if (n < 0) {
        return cm_error_set_at(err, CM_EFILE, f->path, 0, 0, "cannot write: %s", strerror(errno));
    }
    return CM_OK;
}

/* fsync the directory holding path (best effort: some file systems refuse) */
static void sync_dir(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (slash == NULL) {
        snprintf(dir, sizeof dir, ".");
    } else if (slash == path) {
        snprintf(dir, sizeof dir, "/");
    } else {
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    }
    int fd = open(dir, O_RDONLY);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

cm_error_t cm_afile_commit(cm_afile_t *f, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    if (f == NULL) {
        return cm_error_set(err, CM_EINVAL, "writer is NULL");
    }
    const char *what = NULL;
    int e = 0;
    if (fflush(f->fp) != 0 || ferror(f->fp)) {
        what = "write";
        e = errno;
    } else if (fsync(f->fd) != 0) {
        what = "fsync";
        e = errno;
    }
    int closed = fclose(f->fp);
    f->fp = NULL;
    f->fd = -1;
    if (what == NULL && closed != 0) {
        what = "close";
        e = errno;
    }
    if (what == NULL && rename(f->tmp, f->path) != 0) {
        what = "rename";
        e = errno;
    }
    if (what != NULL) {
        unlink(f->tmp);
        rc = cm_error_set_at(err, CM_EFILE, f->path, 0, 0, "cannot %s: %s", what,
                             e ? strerror(e) : "I/O error");
    } else {
        sync_dir(f->path);
    }
    afile_free(f);
    return rc;
}

void cm_afile_abort(cm_afile_t *f)
{
    if (f == NULL) {
        return;
    }
    if (f->fp != NULL) {
        fclose(f->fp);
        f->fp = NULL;
        f->fd = -1;
    }
    unlink(f->tmp);
    afile_free(f);
}

cm_error_t cm_file_write_atomic(const char *path, const void *data, size_t len,
                                cm_error_info_t *err)
{
    cm_afile_t *f = NULL;
    cm_error_t rc = cm_afile_open(path, &f, err);
    if (rc != CM_OK) {
        return rc;
    }
    rc = cm_afile_write(f, data, len, err);
    if (rc != CM_OK) {
        cm_afile_abort(f);
        return rc;
    }
    return cm_afile_commit(f, err);
}

cm_error_t cm_file_read_all(const char *path, size_t max, char **out, size_t *len,
                            cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_i_buf_t b = CM_I_BUF_INIT(max ? max : ((size_t)1 << 30));
    FILE *fp = NULL;
    char chunk[65536];

    if (path == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "%s is NULL", path == NULL ? "path" : "out");
    }
    *out = NULL;
    if (len != NULL) {
        *len = 0;
    }
    fp = fopen(path, "rb");
    if (fp == NULL) {
        return cm_error_set_at(err, CM_EFILE, path, 0, 0, "cannot open: %s", strerror(errno));
    }
    for (;;) {
        size_t got = fread(chunk, 1, sizeof chunk, fp);
        if (got == 0) {
            if (ferror(fp)) {
                CM_FAIL(cm_error_set_at(err, CM_EFILE, path, 0, 0, "cannot read: %s",
                                        strerror(errno)));
            }
            break;
        }
        rc = cm_i_buf_append(&b, chunk, got);
        if (rc == CM_EOVERFLOW) {
            CM_FAIL(cm_error_set_at(err, CM_EOVERFLOW, path, 0, 0,
                                    "file larger than %zu bytes", b.max));
        }
        CM_NOMEM(rc == CM_OK ? b.data : NULL, err);
    }
    size_t n = b.len;
    rc = cm_i_buf_steal(&b, out);
    CM_NOMEM(rc == CM_OK ? *out : NULL, err);
    if (len != NULL) {
        *len = n;
    }
cleanup:
    fclose(fp);
    cm_i_buf_free(&b);
    return rc;
}

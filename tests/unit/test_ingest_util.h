/* Helpers shared by the ingest unit tests (header-only, static functions). */
#ifndef CAMBIUM_TESTS_INGEST_TEST_UTIL_H
#define CAMBIUM_TESTS_INGEST_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cambium/cambium.h"
#include "cm_test.h"

/* A fresh store file <tmpdir>/<name>.db (removed first); path copied into \p path. */
static cm_store_t *fresh_store(const char *name, char *path, size_t n)
{
    cm_store_t *s = NULL;
    cm_error_info_t err;
    char side[4200];
    memset(&err, 0, sizeof err);
    snprintf(path, n, "%s/%s.db", cm_test_tmpdir(), name);
    unlink(path);
    snprintf(side, sizeof side, "%s-journal", path);
    unlink(side);
    CHECK_OK(cm_store_open(path, CM_STORE_CREATE, &s, &err), &err);
    return s;
}

/* Path of a source-tree file copied into \p out. */
static const char *src_path(const char *rel, char *out, size_t n)
{
    snprintf(out, n, "%s", cm_test_source(rel));
    return out;
}

/* Single value of a query returning one row (NaN when none). */
typedef struct q1_t {
    int rows;
    double value;
    char text[256];
} q1_t;

static cm_error_t q1_row(int ncols, const char *const *names, const char *const *values,
                         void *user_data)
{
    q1_t *q = user_data;
    (void)names;
    q->rows++;
    if (ncols > 0 && values[0] != NULL) {
        q->value = strtod(values[0], NULL);
        snprintf(q->text, sizeof q->text, "%s", values[0]);
    }
    return CM_OK;
}

static q1_t query1(cm_store_t *s, const char *sql)
{
    q1_t q;
    cm_error_info_t err;
    memset(&q, 0, sizeof q);
    memset(&err, 0, sizeof err);
    q.value = NAN;
    CHECK_OK(cm_store_query(s, sql, q1_row, &q, &err), &err);
    return q;
}

/* Count of quirk \p kind (with \p detail, or any detail when NULL) in a report; -1 if absent. */
static int64_t quirk_count(const cm_import_report_t *r, const char *kind, const char *detail)
{
    for (size_t i = 0; i < r->nquirks; i++) {
        if (strcmp(r->quirks[i].kind, kind) == 0 &&
            (detail == NULL ||
             (r->quirks[i].detail != NULL && strcmp(r->quirks[i].detail, detail) == 0))) {
            return r->quirks[i].count;
        }
    }
    return -1;
}

/* SHA-256 of a file (64 hex + NUL). */
static void file_sha(const char *path, char hex[65])
{
    cm_error_info_t err;
    memset(&err, 0, sizeof err);
    CHECK_OK(cm_sha256_file(path, hex, &err), &err);
}

#endif

/* Concordances in the store: importing a weighted (from, to, weight) list from CSV in one
 * transaction, with every weight checked. Loading into a cm_concordance_t: concord_load.c. */
#include <math.h>
#include <string.h>
#include <strings.h>

#include "cambium/cm_csv.h"
#include "cm_internal.h"
#include "store/store_internal.h"

typedef struct concord_import_t {
    sqlite3 *db;
    sqlite3_stmt *ins;
    const char *name;
    const char *path;
    int from, to, weight; /* column indexes; weight -1 = absent (1 for every pair) */
    int have_header;
    int64_t pairs;
} concord_import_t;

static int header_is(const char *h, const char *a, const char *b)
{
    return strcasecmp(h, a) == 0 || strcasecmp(h, b) == 0;
}

static cm_error_t concord_row(const cm_csv_row_t *row, void *user, cm_error_info_t *err)
{
    concord_import_t *ci = user;
    cm_error_t rc = CM_OK;
    if (!ci->have_header) {
        ci->from = ci->to = ci->weight = -1;
        for (size_t i = 0; i < row->nfields; i++) {
            const char *h = row->fields[i];
            if (header_is(h, "from", "from_code")) {
                ci->from = (int)i;
            } else if (header_is(h, "to", "to_code")) {
                ci->to = (int)i;
            } else if (header_is(h, "weight", "share")) {
                ci->weight = (int)i;
            }
        }
        if (ci->from < 0 || ci->to < 0) {
            return cm_error_set_at(err, CM_EPARSE, ci->path, row->line, ci->from < 0 ? 1 : 2,
                                   "expected a header from,to[,weight], got '%s%s%s'",
                                   row->nfields > 0 ? row->fields[0] : "",
                                   row->nfields > 1 ? "," : "",
                                   row->nfields > 1 ? row->fields[1] : "");
        }
        ci->have_header = 1;
        return CM_OK;
    }
    if (row->nfields == 1 && row->fields[0][0] == '\0') {
        return CM_OK;
    }
    const char *from = (size_t)ci->from < row->nfields ? row->fields[ci->from] : "";
    const char *to = (size_t)ci->to < row->nfields ? row->fields[ci->to] : "";
    const char *wtext = (ci->weight >= 0 && (size_t)ci->weight < row->nfields)
                            ? row->fields[ci->weight]
                            : "";
    double weight = 1.0;
    if (from[0] == '\0' || to[0] == '\0') {
        return cm_error_set_at(err, CM_EPARSE, ci->path, row->line,
                               (from[0] == '\0' ? ci->from : ci->to) + 1,
                               "expected a code, got an empty field");
    }
    if (wtext[strspn(wtext, " \t")] != '\0') {
        cm_num_t num;
        cm_num_options_t nopt = {0, 0, 0};
        cm_error_info_t nerr;
        memset(&nerr, 0, sizeof nerr);
        if (cm_num_parse(wtext, &nopt, &num, &nerr) != CM_OK || !cm_num_has_value(&num) ||
            !isfinite(num.value) || num.value < 0) {
            return cm_error_set_at(err, CM_EPARSE, ci->path, row->line, ci->weight + 1,
                                   "expected a finite weight >= 0, got '%s'", wtext);
        }
        weight = num.value;
    }
    sqlite3_stmt *st = ci->ins;
    sqlite3_reset(st);
    CM_TRY(cm_i_store_bind_text(ci->db, st, 1, ci->name, err));
    CM_TRY(cm_i_store_bind_text(ci->db, st, 2, from, err));
    CM_TRY(cm_i_store_bind_text(ci->db, st, 3, to, err));
    if (sqlite3_bind_double(st, 4, weight) != SQLITE_OK) {
        CM_FAIL(cm_i_store_sqlerr(ci->db, err, "store: binding a weight"));
    }
    CM_TRY(cm_i_store_bind_text(ci->db, st, 5, ci->path, err));
    if (sqlite3_step(st) != SQLITE_DONE) {
        if (sqlite3_extended_errcode(ci->db) == SQLITE_CONSTRAINT_PRIMARYKEY) {
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, ci->path, row->line, ci->from + 1,
                                    "expected each pair once, got %s -> %s a second time", from,
                                    to));
        }
        CM_FAIL(cm_i_store_sqlerr(ci->db, err, "store: recording a concordance pair"));
    }
    ci->pairs++;
cleanup:
    return rc;
}

cm_error_t cm_store_concordance_import(cm_store_t *store, const char *name, const char *path,
                                       int64_t *pairs, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    concord_import_t ci;
    sqlite3_stmt *del = NULL;
    cm_csv_options_t opt;
    int in_tx = 0;
    memset(&ci, 0, sizeof ci);
    if (pairs != NULL) {
        *pairs = 0;
    }
    if (store == NULL || name == NULL || name[0] == '\0' || path == NULL) {
        return cm_error_set(err, CM_EINVAL,
                            "cm_store_concordance_import: store, name and path are required");
    }
    if (store->readonly || store->import != NULL) {
        return cm_error_set(err, CM_EINVAL, "%s: %s", store->path,
                            store->readonly ? "the store is open read-only"
                                            : "an import is open on this store");
    }
    ci.db = store->db;
    ci.name = name;
    ci.path = path;
    CM_TRY(cm_i_store_exec(store->db, "BEGIN IMMEDIATE", err));
    in_tx = 1;
    CM_TRY(cm_i_store_prepare(store->db, "DELETE FROM concordance WHERE name = ?1", &del, err));
    CM_TRY(cm_i_store_bind_text(store->db, del, 1, name, err));
    if (sqlite3_step(del) != SQLITE_DONE) {
        CM_FAIL(cm_i_store_sqlerr(store->db, err, "store: replacing a concordance"));
    }
    CM_TRY(cm_i_store_prepare(store->db,
                              "INSERT INTO concordance (name, from_code, to_code, weight, source)"
                              " VALUES (?1, ?2, ?3, ?4, ?5)",
                              &ci.ins, err));
    cm_csv_options_default(&opt);
    opt.strict_fields = 0; /* the weight column may be left out of a row */
    CM_TRY(cm_csv_read_file(path, &opt, concord_row, &ci, NULL, err));
    if (!ci.have_header) {
        CM_FAIL(cm_error_set_at(err, CM_EPARSE, path, 1, 1,
                                "expected a header from,to[,weight], got an empty file"));
    }
    sqlite3_finalize(ci.ins);
    ci.ins = NULL;
    sqlite3_finalize(del);
    del = NULL;
    CM_TRY(cm_i_store_exec(store->db, "COMMIT", err));
    in_tx = 0;
    if (pairs != NULL) {
        *pairs = ci.pairs;
    }
cleanup:
    sqlite3_finalize(ci.ins);
    sqlite3_finalize(del);
    if (in_tx) {
        (void)sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
    }
    return rc;
}

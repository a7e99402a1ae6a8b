/* Importer "hs-correlation": a correlation table between two HS editions, such as the UNSD
 * HS2022 -> HS2017 table (HS2022toHS2017ConversionAndCorrelationTables.xlsx, sheet "HS2022-HS2017
 * Correlations": a banner row "Between", then HS2022 | HS2017 | Relationship), as .xlsx or as
 * CSV with the same columns. The two code columns are named by their edition ("HS2022",
 * "From HS2022", " HS2017" ...): the first is the source edition, the second the target.
 *
 * Stored:
 * - one observation per pair (variable "hs_correlation", product = source code, value NaN,
 *   attrs {"to": target code, "relationship": "n:1", "from_edition": "HS2022",
 *   "to_edition": "HS2017"}), with the source line;
 * - the concordance tables "HS2022-HS2017" and "HS2017-HS2022" (cm_store_concordance_load), in
 *   the same transaction, replacing earlier ones of these names: weight = 1 / number of targets
 *   of the source code (equal shares: each code's weights sum to 1).
 * The relationship column is optional: without it each pair (a, b) gets UNSD's pair-level
 * relationship: "n" on the source side when b has several source codes, "n" on the target side
 * when a has several targets (1:1, n:1, 1:n, n:n; the rule reproduces all 15,657 relationships
 * of the UNSD table). A given relationship that differs is counted ("relationship-differs"). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ingest_internal.h"
#include "store/store_internal.h"

#define NONE ((size_t)-1)

typedef struct pair_t {
    char from[8], to[8];
    char rel[4];   /* given, "" when absent */
    int64_t line;
    size_t a, b;   /* node indexes of the codes (sources then targets) */
} pair_t;

typedef struct hsc_state_t {
    size_t from, to, rel;
    char ed_from[8], ed_to[8];
    pair_t *pairs;
    size_t n, cap;
} hsc_state_t;

/* "HS2022", "From HS2022", " HS 2017", "To HS2017" -> "HS2022"; 0 when not an edition name. */
static int edition_name(const char *field, char out[8])
{
    char buf[64];
    const char *p;
    cm_i_ing_clean(buf, sizeof buf, field);
    p = buf;
    if (cm_i_ing_prefix(p, "from ")) {
        p += 5;
    } else if (cm_i_ing_prefix(p, "to ")) {
        p += 3;
    }
    if (!((p[0] == 'H' || p[0] == 'h') && (p[1] == 'S' || p[1] == 's'))) {
        return 0;
    }
    p += 2;
    if (*p == ' ') {
        p++;
    }
    if (strlen(p) != 4 || strspn(p, "0123456789") != 4 || (p[0] != '1' && p[0] != '2')) {
        return 0;
    }
    out[0] = 'H';
    out[1] = 'S';
    memcpy(out + 2, p, 5);
    return 1;
}

/* Fields f[0, n) that name an edition. */
static size_t count_editions(size_t n, const char *const *f)
{
    size_t k = 0;
    char ed[8];
    for (size_t i = 0; i < n; i++) {
        k += (size_t)edition_name(f[i], ed);
    }
    return k;
}

/* A title row such as UNSD's "Between": at most one non-empty field, no edition name. */
static int hsc_before_header(const cm_csv_row_t *row)
{
    size_t nonempty = 0;
    for (size_t i = 0; i < row->nfields; i++) {
        nonempty += row->fields[i][strspn(row->fields[i], " \t")] != '\0';
    }
    return nonempty <= 1 && count_editions(row->nfields, row->fields) == 0;
}

static size_t hsc_sheet(size_t n, const char *const *names)
{
    for (size_t i = 0; i < n; i++) {
        const char *p = names[i];
        for (; *p != '\0'; p++) {
            if (cm_i_ing_prefix(p, "correlation")) {
                return i;
            }
        }
    }
    return 0;
}

static cm_error_t hsc_header(cm_i_ing_t *g, const cm_csv_row_t *row, cm_error_info_t *err)
{
    hsc_state_t *s = g->state;
    char ed[8];
    int64_t r = cm_i_ing_col(g, "Relationship");
    s->from = s->to = NONE;
    for (size_t i = 0; i < row->nfields; i++) {
        if (!edition_name(row->fields[i], ed)) {
            continue;
        }
        if (s->from == NONE) {
            s->from = i;
            memcpy(s->ed_from, ed, sizeof ed);
        } else if (s->to == NONE) {
            s->to = i;
            memcpy(s->ed_to, ed, sizeof ed);
        }
    }
    if (s->to == NONE) {
        char shown[160];
        cm_i_ing_clean(shown, sizeof shown, row->nfields > 0 ? row->fields[0] : "");
        return cm_i_ing_fail(g, err, CM_EPARSE, row->line, 0,
                             "expected two columns named by HS edition (such as HS2022 and "
                             "HS2017) and an optional Relationship, got %zu fields, first '%s'",
                             row->nfields, shown);
    }
    if (strcmp(s->ed_from, s->ed_to) == 0) {
        return cm_i_ing_fail(g, err, CM_EPARSE, row->line, s->to,
                             "expected two different HS editions, got %s twice", s->ed_from);
    }
    s->rel = r < 0 ? NONE : (size_t)r;
    snprintf(g->version_buf, sizeof g->version_buf, "%s-%s", s->ed_from, s->ed_to);
    return CM_OK;
}

static int valid_rel(char *rel)
{
    if (strlen(rel) != 3 || rel[1] != ':') {
        return 0;
    }
    for (int i = 0; i < 3; i += 2) {
        if (rel[i] == 'N') {
            rel[i] = 'n';
        }
        if (rel[i] != '1' && rel[i] != 'n') {
            return 0;
        }
    }
    return 1;
}

static cm_error_t hsc_row(cm_i_ing_t *g, const cm_csv_row_t *row, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    hsc_state_t *s = g->state;
    pair_t *p;
    char rel[16] = "";

    if (cm_i_grow((void **)&s->pairs, &s->cap, s->n, sizeof *s->pairs, 256) != 0) {
        return cm_error_set(err, CM_ENOMEM, "out of memory reading correlations");
    }
    p = &s->pairs[s->n];
    memset(p, 0, sizeof *p);
    CM_TRY(cm_i_ing_code(g, row, s->from, 6, p->from, sizeof p->from, err));
    CM_TRY(cm_i_ing_code(g, row, s->to, 6, p->to, sizeof p->to, err));
    if (s->rel != NONE) {
        cm_i_ing_clean(rel, sizeof rel, cm_i_ing_field(row, s->rel));
        if (!valid_rel(rel)) {
            CM_FAIL(cm_i_ing_fail(g, err, CM_EPARSE, row->line, s->rel,
                                  "column 'Relationship': expected 1:1, n:1, 1:n or n:n, got "
                                  "'%s'",
                                  rel));
        }
        memcpy(p->rel, rel, 4);
    }
    p->line = row->line;
    s->n++;
cleanup:
    return rc;
}

/* --- pair-level relationship ----------------------------------------------------------- */

/* Index of \p code among the nodes (sources and targets kept apart by a prefix). */
static cm_error_t node(cm_i_ing_map_t *m, char side, const char *code, size_t *out,
                       cm_error_info_t *err)
{
    char key[16];
    cm_i_ing_entry_t *e = NULL;
    int created = 0;
    snprintf(key, sizeof key, "%c%s", side, code);
    if (cm_i_ing_map_put(m, key, &e, &created) != CM_OK) {
        return cm_error_set(err, CM_ENOMEM, "out of memory grouping correlations");
    }
    if (created) {
        e->order = (int64_t)(m->n - 1);
    }
    e->count++;
    *out = (size_t)e->order;
    return CM_OK;
}

static cm_error_t write_pair(cm_i_ing_t *g, sqlite3_stmt *ins, const char *name, const char *from,
                             const char *to, double w, const pair_t *p, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    sqlite3 *db = g->store->db;
    sqlite3_reset(ins);
    CM_TRY(cm_i_store_bind_text(db, ins, 1, name, err));
    CM_TRY(cm_i_store_bind_text(db, ins, 2, from, err));
    CM_TRY(cm_i_store_bind_text(db, ins, 3, to, err));
    if (sqlite3_bind_double(ins, 4, w) != SQLITE_OK) {
        CM_FAIL(cm_i_store_sqlerr(db, err, "store: binding a weight"));
    }
    CM_TRY(cm_i_store_bind_text(db, ins, 5, g->base, err));
    if (sqlite3_step(ins) != SQLITE_DONE) {
        if (sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_PRIMARYKEY) {
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, g->path, p->line, 1,
                                    "expected each pair once, got %s -> %s a second time",
                                    p->from, p->to));
        }
        CM_FAIL(cm_i_store_sqlerr(db, err, "store: recording a concordance pair"));
    }
cleanup:
    return rc;
}

static cm_error_t hsc_finish(cm_i_ing_t *g, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    hsc_state_t *s = g->state;
    cm_i_ing_map_t nodes;
    size_t *deg = NULL;
    sqlite3_stmt *del = NULL, *ins = NULL;
    char fwd[24], rev[24];
    memset(&nodes, 0, sizeof nodes);

    for (size_t i = 0; i < s->n; i++) {
        CM_TRY(node(&nodes, 'a', s->pairs[i].from, &s->pairs[i].a, err));
        CM_TRY(node(&nodes, 'b', s->pairs[i].to, &s->pairs[i].b, err));
    }
    deg = cm_calloc(nodes.n > 0 ? nodes.n : 1, sizeof *deg);
    CM_NOMEM(deg, err);
    for (size_t i = 0; i < s->n; i++) {
        deg[s->pairs[i].a]++;
        deg[s->pairs[i].b]++;
    }
    snprintf(fwd, sizeof fwd, "%s-%s", s->ed_from, s->ed_to);
    snprintf(rev, sizeof rev, "%s-%s", s->ed_to, s->ed_from);
    CM_TRY(cm_i_store_prepare(g->store->db, "DELETE FROM concordance WHERE name IN (?1, ?2)",
                              &del, err));
    CM_TRY(cm_i_store_bind_text(g->store->db, del, 1, fwd, err));
    CM_TRY(cm_i_store_bind_text(g->store->db, del, 2, rev, err));
    if (sqlite3_step(del) != SQLITE_DONE) {
        CM_FAIL(cm_i_store_sqlerr(g->store->db, err, "store: replacing a concordance"));
    }
    CM_TRY(cm_i_store_prepare(g->store->db,
                              "INSERT INTO concordance (name, from_code, to_code, weight, source)"
                              " VALUES (?1, ?2, ?3, ?4, ?5)",
                              &ins, err));
    for (size_t i = 0; i < s->n; i++) {
        pair_t *p = &s->pairs[i];
        char rel[4] = {deg[p->b] > 1 ? 'n' : '1', ':', deg[p->a] > 1 ? 'n' : '1', '\0'};
        char attrs[200];
        cm_obs_t o;
        if (p->rel[0] != '\0' && strcmp(p->rel, rel) != 0) {
            char detail[48];
            snprintf(detail, sizeof detail, "%s given, %s from the pairs", p->rel, rel);
            CM_TRY(cm_i_ing_quirk(g, "relationship-differs", detail, 1, err));
        }
        snprintf(attrs, sizeof attrs,
                 "{\"to\":\"%s\",\"relationship\":\"%s\",\"from_edition\":\"%s\","
                 "\"to_edition\":\"%s\"}",
                 p->to, p->rel[0] != '\0' ? p->rel : rel, s->ed_from, s->ed_to);
        memset(&o, 0, sizeof o);
        o.variable = "hs_correlation";
        o.product = p->from;
        o.value = NAN;
        o.attrs = attrs;
        o.line = p->line;
        CM_TRY(cm_i_ing_add(g, &o, err));
        CM_TRY(write_pair(g, ins, fwd, p->from, p->to, 1.0 / (double)deg[p->a], p, err));
        CM_TRY(write_pair(g, ins, rev, p->to, p->from, 1.0 / (double)deg[p->b], p, err));
    }
cleanup:
    sqlite3_finalize(del);
    sqlite3_finalize(ins);
    cm_free(deg);
    cm_i_ing_map_destroy(&nodes);
    return rc;
}

static void hsc_destroy(cm_i_ing_t *g)
{
    hsc_state_t *s = g->state;
    cm_free(s->pairs);
}

static int hsc_detect(size_t n, const char *const *f)
{
    return count_editions(n, f) >= 2;
}

const cm_i_importer_t cm_i_imp_hs_correlation = {
    .kind = "hs-correlation",
    .summary = "HS edition correlation table (UNSD HS2022-HS2017, .xlsx or CSV) -> concordances",
    .name = "HS correlation table (UNSD)",
    .publisher = "United Nations Statistics Division, HS correlation and conversion tables",
    .source = "https://unstats.un.org/unsd/trade/classifications/correspondence-tables.asp; via "
              "insongkim/concordance data-raw (commit 201c812)",
    .licence = "UNSD tables (free use with attribution); package MIT",
    .version = "",
    .separator = 0,
    .state_size = sizeof(hsc_state_t),
    .header = hsc_header,
    .row = hsc_row,
    .finish = hsc_finish,
    .destroy = hsc_destroy,
    .detect = hsc_detect,
    .before_header = hsc_before_header,
    .xlsx_sheet = hsc_sheet,
};

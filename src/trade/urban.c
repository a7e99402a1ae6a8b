/* The urban mine: a composition table (kg of material per t of a UNU key's waste) applied to
 * the waste generated per key and year (docs/trade.md, "Waste streams"). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cambium/cm_alloc.h"
#include "cambium/cm_class.h"
#include "cambium/cm_csv.h"
#include "cambium/cm_trade.h"
#include "../core/cm_internal.h"

#define KG_PER_T 1000.0

void cm_urban_comp_destroy(cm_urban_comp_t *c)
{
    if (c == NULL) {
        return;
    }
    cm_free(c->rows);
    memset(c, 0, sizeof *c);
}

void cm_urban_mine_destroy(cm_urban_mine_t *m)
{
    if (m == NULL) {
        return;
    }
    for (size_t i = 0; m->materials != NULL && i < m->nmat; i++) {
        cm_free(m->materials[i]);
    }
    cm_free(m->materials);
    cm_free(m->row_key);
    cm_free(m->content);
    cm_free(m->low);
    cm_free(m->high);
    cm_free(m->mat_content);
    cm_free(m->mat_low);
    cm_free(m->mat_high);
    cm_free(m->mat_projected);
    memset(m, 0, sizeof *m);
}

/* The column indices of the six fields, in the order of `names`. */
static const char *const names[] = {"unu_key", "material", "kg_per_t", "low", "high", "source"};
enum { C_KEY, C_MAT, C_KG, C_LOW, C_HIGH, C_SRC, NCOLS };

/* Copy text into a fixed field, or CM_EPARSE when it does not fit or is empty. */
static cm_error_t cell_text(const cm_table_t *t, size_t r, size_t c, const char *what, char *dst,
                            size_t n, cm_error_info_t *err)
{
    const char *s = cm_table_cell(t, r, c);
    size_t len = strlen(s);
    if (len == 0 || len >= n) {
        return cm_error_set_at(err, CM_EPARSE, t->name, (int64_t)t->line[r], (int64_t)c + 1,
                               "expected %s (1 to %zu characters), got '%s'", what, n - 1, s);
    }
    memcpy(dst, s, len + 1);
    return CM_OK;
}

/* A finite number in 0 .. 1000 (kg per t), else CM_EPARSE at file:line:column. */
static cm_error_t cell_kg(const cm_table_t *t, size_t r, size_t c, const char *what, cm_real_t *out,
                          cm_error_info_t *err)
{
    cm_num_options_t o = {0, 0, 0};
    cm_num_t v;
    const char *text = cm_table_cell(t, r, c);
    cm_error_info_t sub = {0};
    cm_error_t rc = cm_num_parse(text, &o, &v, &sub);
    if (rc != CM_OK || !cm_num_has_value(&v) || v.value < 0.0 || v.value > KG_PER_T) {
        return cm_error_set_at(err, CM_EPARSE, t->name, (int64_t)t->line[r], (int64_t)c + 1,
                               "expected %s in kg per t (a number from 0 to 1000), got '%s'", what,
                               text);
    }
    *out = v.value;
    return CM_OK;
}

static int cmp_row(const void *a, const void *b)
{
    const cm_urban_comp_row_t *x = *(const cm_urban_comp_row_t *const *)a;
    const cm_urban_comp_row_t *y = *(const cm_urban_comp_row_t *const *)b;
    int c = strcmp(x->key, y->key);
    if (c == 0) {
        c = strcmp(x->material, y->material);
    }
    if (c == 0) {
        c = (x->line > y->line) - (x->line < y->line);
    }
    return c;
}

static size_t key_index(const char *const *keys, size_t nkeys, const char *key)
{
    for (size_t i = 0; i < nkeys; i++) {
        if (strcmp(keys[i], key) == 0) {
            return i;
        }
    }
    return nkeys;
}

/* Duplicates and the per-key sum, on the rows sorted by (key, material, line). */
static cm_error_t check_rows(const cm_urban_comp_t *c, const char *file, const size_t *col,
                             cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    const cm_urban_comp_row_t **p = cm_malloc_array(c->n + 1, sizeof *p);
    CM_NOMEM(p, err);
    for (size_t i = 0; i < c->n; i++) {
        p[i] = &c->rows[i];
    }
    qsort(p, c->n, sizeof *p, cmp_row);
    cm_real_t sum = 0.0;
    for (size_t i = 0; i < c->n; i++) {
        int same_key = i > 0 && strcmp(p[i - 1]->key, p[i]->key) == 0;
        if (same_key && strcmp(p[i - 1]->material, p[i]->material) == 0) {
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, file, p[i]->line, (int64_t)col[C_MAT] + 1,
                                    "expected one row per (unu_key, material), got '%s' '%s' "
                                    "again (first at line %lld)",
                                    p[i]->key, p[i]->material, (long long)p[i - 1]->line));
        }
        sum = same_key ? sum + p[i]->kg_per_t : p[i]->kg_per_t;
        if (sum > KG_PER_T) {
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, file, p[i]->line, (int64_t)col[C_KG] + 1,
                                    "expected the kg_per_t of key '%s' to sum to at most 1000, "
                                    "got %.17g",
                                    p[i]->key, sum));
        }
    }
cleanup:
    cm_free(p);
    return rc;
}

static cm_error_t read_rows(const cm_table_t *t, const char *const *keys, size_t nkeys,
                            const cm_class_t *mat, cm_urban_comp_t *c, const size_t *col,
                            cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    for (size_t r = 0; r < t->nrows; r++) {
        cm_urban_comp_row_t row;
        memset(&row, 0, sizeof row);
        row.line = (cm_int_t)t->line[r];
        CM_TRY(cell_text(t, r, col[C_KEY], "a UNU key", row.key, sizeof row.key, err));
        if (keys != NULL && key_index(keys, nkeys, row.key) == nkeys) {
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, t->name, row.line, (int64_t)col[C_KEY] + 1,
                                    "expected a UNU key of the put-on-market data, got '%s'",
                                    row.key));
        }
        const char *mtext = cm_table_cell(t, r, col[C_MAT]);
        const char *code = cm_class_resolve(mat, mtext);
        if (code == NULL || strlen(code) >= sizeof row.material) {
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, t->name, row.line, (int64_t)col[C_MAT] + 1,
                                    "expected a material of the materials classification, "
                                    "got '%s'",
                                    mtext));
        }
        memcpy(row.material, code, strlen(code) + 1);
        CM_TRY(cell_kg(t, r, col[C_KG], names[C_KG], &row.kg_per_t, err));
        CM_TRY(cell_kg(t, r, col[C_LOW], names[C_LOW], &row.low, err));
        CM_TRY(cell_kg(t, r, col[C_HIGH], names[C_HIGH], &row.high, err));
        if (row.low > row.kg_per_t || row.kg_per_t > row.high) {
            size_t bad = row.low > row.kg_per_t ? col[C_LOW] : col[C_HIGH];
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, t->name, row.line, (int64_t)bad + 1,
                                    "expected low <= kg_per_t <= high, got %s, %s, %s",
                                    cm_table_cell(t, r, col[C_LOW]), cm_table_cell(t, r, col[C_KG]),
                                    cm_table_cell(t, r, col[C_HIGH])));
        }
        CM_TRY(cell_text(t, r, col[C_SRC], "a source id", row.source, sizeof row.source, err));
        if (cm_i_grow((void **)&c->rows, &c->cap, c->n, sizeof *c->rows, 64) != 0) {
            CM_FAIL(cm_error_set(err, CM_ENOMEM, "out of memory reading %s", t->name));
        }
        c->rows[c->n++] = row;
    }
cleanup:
    return rc;
}

cm_error_t cm_urban_comp_read(const char *path, const char *const *keys, size_t nkeys,
                              const cm_class_t *materials, cm_urban_comp_t *out,
                              cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_table_t t = CM_TABLE_NULL;
    cm_class_t *own = NULL;
    cm_urban_comp_t c = {0};
    cm_csv_options_t opt;
    size_t col[NCOLS];
    if (path == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_urban_comp_read: NULL %s",
                            path == NULL ? "path" : "out");
    }
    if (materials == NULL) {
        CM_TRY(cm_class_builtin("material", &own, err));
        materials = own;
    }
    cm_csv_options_default(&opt);
    opt.separator = ',';
    CM_TRY(cm_table_read(&t, path, &opt, 1, err));
    for (size_t i = 0; i < NCOLS; i++) {
        cm_int_t ci = cm_table_col(&t, names[i]);
        if (ci < 0) {
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, t.name, 1, 1,
                                    "expected the columns unu_key, material, kg_per_t, low, "
                                    "high, source; '%s' is missing",
                                    names[i]));
        }
        col[i] = (size_t)ci;
    }
    CM_TRY(read_rows(&t, keys, nkeys, materials, &c, col, err));
    CM_TRY(check_rows(&c, t.name, col, err));
    *out = c;
    memset(&c, 0, sizeof c);
cleanup:
    cm_urban_comp_destroy(&c);
    cm_table_destroy(&t);
    cm_class_free(own);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted distinct materials of the composition, each a new string. */
static cm_error_t distinct_materials(const cm_urban_comp_t *comp, cm_urban_mine_t *m,
                                     cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    const char **tmp = cm_malloc_array(comp->n + 1, sizeof *tmp);
    CM_NOMEM(tmp, err);
    for (size_t i = 0; i < comp->n; i++) {
        tmp[i] = comp->rows[i].material;
    }
    qsort(tmp, comp->n, sizeof *tmp, cmp_str);
    m->materials = cm_calloc(comp->n + 1, sizeof *m->materials);
    CM_NOMEM(m->materials, err);
    for (size_t i = 0; i < comp->n; i++) {
        if (m->nmat > 0 && strcmp(m->materials[m->nmat - 1], tmp[i]) == 0) {
            continue;
        }
        m->materials[m->nmat] = cm_strdup(tmp[i]);
        CM_NOMEM(m->materials[m->nmat], err);
        m->nmat++;
    }
cleanup:
    cm_free(tmp);
    return rc;
}

static size_t mat_index(const cm_urban_mine_t *m, const char *code)
{
    char *const *hit = bsearch(&code, m->materials, m->nmat, sizeof *m->materials, cmp_str);
    return hit == NULL ? m->nmat : (size_t)(hit - m->materials);
}

static cm_error_t check_gen(const cm_real_t *g, size_t n, const cm_real_t *gen, const char *what,
                            cm_error_info_t *err)
{
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(g[i]) || g[i] < 0.0 || (gen != NULL && g[i] > gen[i] * (1.0 + 1e-12))) {
            return cm_error_set(err, CM_EINVAL,
                                "cm_urban_mine_compute: expected %s finite, >= 0%s, got %g at "
                                "index %zu",
                                what, gen != NULL ? " and <= gen" : "", g[i], i);
        }
    }
    return CM_OK;
}

cm_error_t cm_urban_mine_compute(const cm_urban_comp_t *comp, const char *const *keys, size_t nkeys,
                                 const cm_real_t *gen, const cm_real_t *gen_projected, cm_int_t y0,
                                 size_t T, cm_urban_mine_t *out, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_urban_mine_t m = {0};
    if (comp == NULL || keys == NULL || gen == NULL || out == NULL || T == 0) {
        return cm_error_set(err, CM_EINVAL,
                            "cm_urban_mine_compute: expected non-NULL comp, keys, gen, out and "
                            "T > 0");
    }
    CM_TRY(check_gen(gen, nkeys * T, NULL, "gen", err));
    if (gen_projected != NULL) {
        CM_TRY(check_gen(gen_projected, nkeys * T, gen, "gen_projected", err));
    }
    m.y0 = y0;
    m.T = T;
    m.nrows = comp->n;
    m.row_key = cm_malloc_array(comp->n + 1, sizeof *m.row_key);
    CM_NOMEM(m.row_key, err);
    for (size_t r = 0; r < comp->n; r++) {
        m.row_key[r] = key_index(keys, nkeys, comp->rows[r].key);
        if (m.row_key[r] == nkeys) {
            CM_FAIL(cm_error_set(err, CM_EINVAL,
                                 "cm_urban_mine_compute: composition key '%s' (line %lld) is "
                                 "not among the %zu keys given",
                                 comp->rows[r].key, (long long)comp->rows[r].line, nkeys));
        }
    }
    CM_TRY(distinct_materials(comp, &m, err));
    m.content = cm_malloc_array(comp->n * T + 1, sizeof *m.content);
    m.low = cm_malloc_array(comp->n * T + 1, sizeof *m.low);
    m.high = cm_malloc_array(comp->n * T + 1, sizeof *m.high);
    m.mat_content = cm_calloc(m.nmat * T + 1, sizeof *m.mat_content);
    m.mat_low = cm_calloc(m.nmat * T + 1, sizeof *m.mat_low);
    m.mat_high = cm_calloc(m.nmat * T + 1, sizeof *m.mat_high);
    m.mat_projected = cm_calloc(m.nmat * T + 1, sizeof *m.mat_projected);
    CM_NOMEM(m.content, err);
    CM_NOMEM(m.low, err);
    CM_NOMEM(m.high, err);
    CM_NOMEM(m.mat_content, err);
    CM_NOMEM(m.mat_low, err);
    CM_NOMEM(m.mat_high, err);
    CM_NOMEM(m.mat_projected, err);
    for (size_t r = 0; r < comp->n; r++) {
        const cm_urban_comp_row_t *c = &comp->rows[r];
        const size_t k = m.row_key[r], j = mat_index(&m, c->material);
        for (size_t t = 0; t < T; t++) {
            const cm_real_t g = gen[k * T + t];
            m.content[r * T + t] = g * c->kg_per_t / KG_PER_T;
            m.low[r * T + t] = g * c->low / KG_PER_T;
            m.high[r * T + t] = g * c->high / KG_PER_T;
            m.mat_content[j * T + t] += m.content[r * T + t];
            m.mat_low[j * T + t] += m.low[r * T + t];
            m.mat_high[j * T + t] += m.high[r * T + t];
            if (gen_projected != NULL) {
                m.mat_projected[j * T + t] += gen_projected[k * T + t] * c->kg_per_t / KG_PER_T;
            }
        }
    }
    *out = m;
    memset(&m, 0, sizeof m);
cleanup:
    cm_urban_mine_destroy(&m);
    return rc;
}

/* Writing pymrio's folder format (cm_mrio_write); reading is pymrio_io.c; docs/mrio-format.md.
 * Tables are written as pandas' to_csv(sep="\t") writes them (see pymrio_io.c), through a
 * 4 MiB buffer into an atomic file (temporary name, fsync, rename). */
#include "cambium/cm_mrio.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "cambium/cm_alloc.h"
#include "cambium/cm_file.h"
#include "cambium/cm_json.h"
#include "core/cm_internal.h"
#include "mrio/mrio_internal.h"

#define OUT_BYTES ((size_t)4 << 20)

typedef struct out_t {
    cm_afile_t *f;
    char *buf;
    size_t len;
    cm_error_info_t *err;
} out_t;

static cm_error_t out_flush(out_t *o)
{
    cm_error_t rc = CM_OK;
    if (o->len > 0) {
        rc = cm_afile_write(o->f, o->buf, o->len, o->err);
        o->len = 0;
    }
    return rc;
}

static cm_error_t out_put(out_t *o, const char *s, size_t n)
{
    if (o->len + n > OUT_BYTES) {
        cm_error_t rc = out_flush(o);
        if (rc != CM_OK) {
            return rc;
        }
        if (n > OUT_BYTES) {
            return cm_afile_write(o->f, s, n, o->err);
        }
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
    return CM_OK;
}

/* A label cell, quoted as pandas does when it holds a tab, a quote or a line break. */
static cm_error_t out_label(out_t *o, const char *s)
{
    cm_error_t rc = CM_OK;
    if (strpbrk(s, "\t\"\r\n") == NULL) {
        return out_put(o, s, strlen(s));
    }
    CM_TRY(out_put(o, "\"", 1));
    for (const char *p = s; *p != '\0'; p++) {
        CM_TRY(out_put(o, p, 1));
        if (*p == '"') {
            CM_TRY(out_put(o, "\"", 1));
        }
    }
    CM_TRY(out_put(o, "\"", 1));
cleanup:
    return rc;
}

/* A table to write: rows x cols labelled by axes, values at data[i * rs + j * cs]. */
typedef struct wtab_t {
    const char *file;              /* file name in the folder */
    const char *key;               /* its key in file_parameters.json */
    const char *const *idx_names;  /* rows.nlev index names */
    cm_i_mrio_axis_t rows;
    const char *const *levels;     /* cols.nlev level names */
    cm_i_mrio_axis_t cols;
    const double *data;
    size_t rs, cs;
} wtab_t;

static cm_error_t write_table(const char *dir, const wtab_t *t, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    char *path = NULL;
    void *loc = NULL;
    out_t o;
    memset(&o, 0, sizeof o);
    o.err = err;
    CM_TRY(cm_i_mrio_join_path(dir, "/", t->file, &path, err));
    o.buf = cm_malloc(OUT_BYTES);
    CM_NOMEM(o.buf, err);
    CM_TRY(cm_afile_open(path, &o.f, err));
    /* header */
    if (t->cols.nlev == 1) {
        for (size_t k = 0; k < t->rows.nlev; k++) {
            CM_TRY(out_label(&o, t->idx_names[k]));
            CM_TRY(out_put(&o, "\t", k + 1 < t->rows.nlev || t->cols.n > 0 ? 1 : 0));
        }
        for (size_t j = 0; j < t->cols.n; j++) {
            CM_TRY(out_label(&o, cm_i_mrio_axis_label(&t->cols, j, 0)));
            CM_TRY(out_put(&o, j + 1 < t->cols.n ? "\t" : "\n", 1));
        }
    } else {
        for (size_t l = 0; l < t->cols.nlev; l++) {
            CM_TRY(out_label(&o, t->levels[l]));
            for (size_t k = 0; k < t->rows.nlev; k++) {
                CM_TRY(out_put(&o, "\t", 1));
            }
            for (size_t j = 0; j < t->cols.n; j++) {
                CM_TRY(out_label(&o, cm_i_mrio_axis_label(&t->cols, j, l)));
                CM_TRY(out_put(&o, j + 1 < t->cols.n ? "\t" : "\n", 1));
            }
        }
        int named = 0;
        for (size_t k = 0; k < t->rows.nlev; k++) {
            named |= t->idx_names[k][0] != '\0';
        }
        if (named) {
            for (size_t k = 0; k < t->rows.nlev; k++) {
                CM_TRY(out_label(&o, t->idx_names[k]));
                CM_TRY(out_put(&o, "\t", k + 1 < t->rows.nlev ? 1 : 0));
            }
            for (size_t j = 0; j < t->cols.n; j++) {
                CM_TRY(out_put(&o, "\t", 1));
            }
            CM_TRY(out_put(&o, "\n", 1));
        }
    }
    /* rows */
    loc = cm_i_mrio_format_begin();
    for (size_t i = 0; i < t->rows.n; i++) {
        for (size_t k = 0; k < t->rows.nlev; k++) {
            CM_TRY(out_label(&o, cm_i_mrio_axis_label(&t->rows, i, k)));
            CM_TRY(out_put(&o, "\t", 1));
        }
        const double *row = t->data + i * t->rs;
        for (size_t j = 0; j < t->cols.n; j++) {
            if (o.len + 40 > OUT_BYTES) {
                CM_TRY(out_flush(&o));
            }
            o.len += cm_i_mrio_format_number(o.buf + o.len, row[j * t->cs]);
            o.buf[o.len++] = j + 1 < t->cols.n ? '\t' : '\n';
        }
    }
    cm_i_mrio_format_end(loc);
    loc = NULL;
    CM_TRY(out_flush(&o));
    rc = cm_afile_commit(o.f, err);
    o.f = NULL;
cleanup:
    if (loc != NULL) {
        cm_i_mrio_format_end(loc);
    }
    cm_afile_abort(o.f);
    cm_free(o.buf);
    cm_free(path);
    return rc;
}

/* The unit table: row labels and one "unit" column. */
static cm_error_t write_units(const char *dir, const char *const *idx_names, const cm_i_mrio_axis_t *rows,
                              const char *const *units, const char *uniform, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    char *path = NULL;
    out_t o;
    memset(&o, 0, sizeof o);
    o.err = err;
    CM_TRY(cm_i_mrio_join_path(dir, "/", "unit.txt", &path, err));
    o.buf = cm_malloc(OUT_BYTES);
    CM_NOMEM(o.buf, err);
    CM_TRY(cm_afile_open(path, &o.f, err));
    for (size_t k = 0; k < rows->nlev; k++) {
        CM_TRY(out_label(&o, idx_names[k]));
        CM_TRY(out_put(&o, "\t", 1));
    }
    CM_TRY(out_put(&o, "unit\n", 5));
    for (size_t i = 0; i < rows->n; i++) {
        for (size_t k = 0; k < rows->nlev; k++) {
            CM_TRY(out_label(&o, cm_i_mrio_axis_label(rows, i, k)));
            CM_TRY(out_put(&o, "\t", 1));
        }
        const char *u = units != NULL ? units[i] : uniform;
        CM_TRY(out_label(&o, u != NULL ? u : ""));
        CM_TRY(out_put(&o, "\n", 1));
    }
    CM_TRY(out_flush(&o));
    rc = cm_afile_commit(o.f, err);
    o.f = NULL;
cleanup:
    cm_afile_abort(o.f);
    cm_free(o.buf);
    cm_free(path);
    return rc;
}

/* Add {"name", "nr_index_col", "nr_header"} for one written file. */
static cm_error_t param_add(json_t *files, const char *key, const char *file, size_t nidx,
                            size_t nhdr, cm_error_info_t *err)
{
    char a[32], b[32];
    snprintf(a, sizeof a, "%zu", nidx);
    snprintf(b, sizeof b, "%zu", nhdr);
    json_t *e = json_pack("{s:s, s:s, s:s}", "name", file, "nr_index_col", a, "nr_header", b);
    if (e == NULL || json_object_set_new(files, key, e) != 0) {
        return cm_error_set(err, CM_ENOMEM, "out of memory building file_parameters.json");
    }
    return CM_OK;
}

static cm_error_t write_params(const char *dir, json_t *files, const char *systemtype,
                               const char *name, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    char *path = NULL;
    json_t *root = json_object();
    CM_NOMEM(root, err);
    if (json_object_set(root, "files", files) != 0 ||
        json_object_set_new(root, "systemtype", json_string(systemtype)) != 0 ||
        (name != NULL && json_object_set_new(root, "name", json_string(name)) != 0)) {
        CM_FAIL(cm_error_set(err, CM_ENOMEM, "out of memory building file_parameters.json"));
    }
    CM_TRY(cm_i_mrio_join_path(dir, "/", "file_parameters.json", &path, err));
    CM_TRY(cm_json_write_file(path, root, JSON_INDENT(4) | JSON_PRESERVE_ORDER, err));
cleanup:
    json_decref(root);
    cm_free(path);
    return rc;
}

/* mkdir -p */
static cm_error_t make_dirs(const char *dir, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    char *p = cm_strdup(dir);
    CM_NOMEM(p, err);
    for (char *q = p + 1;; q++) {
        if (*q == '/' || *q == '\0') {
            char c = *q;
            *q = '\0';
            if (mkdir(p, 0755) != 0 && errno != EEXIST) {
                CM_FAIL(cm_error_set(err, CM_EFILE, "cannot create the folder '%s': %s", p,
                                     strerror(errno)));
            }
            *q = c;
            if (c == '\0') {
                break;
            }
        }
    }
    {
        struct stat st;
        if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
            CM_FAIL(cm_error_set(err, CM_EFILE, "cannot create the folder '%s': not a folder",
                                 dir));
        }
    }
cleanup:
    cm_free(p);
    return rc;
}

static int has_data(const cm_array_t *a, size_t size)
{
    return a->data != NULL && a->size == size;
}

/* Write one table and list it. */
static cm_error_t emit(const char *dir, json_t *files, const wtab_t *t, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    CM_TRY(write_table(dir, t, err));
    CM_TRY(param_add(files, t->key, t->file, t->rows.nlev, t->cols.nlev, err));
cleanup:
    return rc;
}

typedef struct wctx_t {
    const cm_mrio_t *m;
    const char **regions, **sectors, **cats;
    size_t R, n, c, N;
} wctx_t;

static cm_error_t write_extension(const wctx_t *w, const cm_mrio_ext_t *e, const char *dir,
                                  unsigned what, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    json_t *files = json_object();
    const char *lev_rs[] = {"region", "sector"};
    const char *lev_rc[] = {"region", "category"};
    const char *lev_r[] = {"region"};
    size_t ns = e->n_stressors;
    CM_NOMEM(files, err);
    CM_TRY(make_dirs(dir, err));
    cm_i_mrio_axis_t rows = cm_i_mrio_axis_list((const char *const *)e->labels, ns, e->n_index);
    cm_i_mrio_axis_t grid = cm_i_mrio_axis_grid(w->regions, w->R, w->sectors, w->n);
    cm_i_mrio_axis_t ygrid = cm_i_mrio_axis_grid(w->regions, w->R, w->cats, w->c);
    cm_i_mrio_axis_t regs = cm_i_mrio_axis_list(w->regions, w->R, 1);
    const char *const *inames = (const char *const *)e->index_names;
    struct {
        const cm_array_t *a;
        const char *key;
        int kind; /* 0 sector grid, 1 category grid, 2 regions */
        unsigned flag;
    } list[] = {
        {&e->F, "F", 0, CM_MRIO_WRITE_INPUTS},
        {&e->F_Y, "F_Y", 1, CM_MRIO_WRITE_INPUTS},
        {&e->S, "S", 0, CM_MRIO_WRITE_RESULTS},
        {&e->S_Y, "S_Y", 1, CM_MRIO_WRITE_RESULTS},
        {&e->M, "M", 0, CM_MRIO_WRITE_RESULTS},
        {&e->D_cba, "D_cba", 0, CM_MRIO_WRITE_RESULTS},
        {&e->D_pba, "D_pba", 0, CM_MRIO_WRITE_RESULTS},
        {&e->D_imp, "D_imp", 0, CM_MRIO_WRITE_RESULTS},
        {&e->D_exp, "D_exp", 0, CM_MRIO_WRITE_RESULTS},
        {&e->D_cba_reg, "D_cba_reg", 2, CM_MRIO_WRITE_RESULTS},
        {&e->D_pba_reg, "D_pba_reg", 2, CM_MRIO_WRITE_RESULTS},
        {&e->D_imp_reg, "D_imp_reg", 2, CM_MRIO_WRITE_RESULTS},
        {&e->D_exp_reg, "D_exp_reg", 2, CM_MRIO_WRITE_RESULTS},
        {&e->D_cba_cap, "D_cba_cap", 2, CM_MRIO_WRITE_RESULTS},
        {&e->D_pba_cap, "D_pba_cap", 2, CM_MRIO_WRITE_RESULTS},
        {&e->D_imp_cap, "D_imp_cap", 2, CM_MRIO_WRITE_RESULTS},
        {&e->D_exp_cap, "D_exp_cap", 2, CM_MRIO_WRITE_RESULTS},
    };
    for (size_t k = 0; k < sizeof list / sizeof list[0]; k++) {
        const cm_i_mrio_axis_t *cols = list[k].kind == 0 ? &grid : list[k].kind == 1 ? &ygrid : &regs;
        if (!(what & list[k].flag) || !has_data(list[k].a, ns * cols->n)) {
            continue;
        }
        char file[32];
        snprintf(file, sizeof file, "%s.txt", list[k].key);
        wtab_t t = {file, list[k].key, inames, rows,
                    list[k].kind == 0 ? lev_rs : list[k].kind == 1 ? lev_rc : lev_r,
                    *cols, list[k].a->data, 1, ns};
        CM_TRY(emit(dir, files, &t, err));
    }
    CM_TRY(write_units(dir, inames, &rows, (const char *const *)e->units, NULL, err));
    CM_TRY(param_add(files, "unit", "unit.txt", e->n_index, 1, err));
    CM_TRY(write_params(dir, files, "Extension", e->title != NULL ? e->title : e->name, err));
cleanup:
    json_decref(files);
    return rc;
}

static cm_error_t write_metadata(const cm_mrio_t *m, const char *dir, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    char *path = NULL;
    json_t *j = NULL;
    CM_TRY(cm_i_mrio_join_path(dir, "/", "metadata.json", &path, err));
    if (m->meta_json != NULL) {
        CM_TRY(cm_file_write_atomic(path, m->meta_json, strlen(m->meta_json), err));
    } else {
        j = json_pack("{s:s, s:s, s:s, s:s, s:[]}", "name", m->name != NULL ? m->name : "",
                      "description", "", "system", "", "version", "", "history");
        CM_NOMEM(j, err);
        CM_TRY(cm_json_write_file(path, j, JSON_INDENT(4) | JSON_PRESERVE_ORDER, err));
    }
cleanup:
    json_decref(j);
    cm_free(path);
    return rc;
}

cm_error_t cm_mrio_write(const cm_mrio_t *m, const char *dir, unsigned what,
                         cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    json_t *files = NULL;
    char *sub = NULL;
    wctx_t w;
    memset(&w, 0, sizeof w);
    if (m == NULL || dir == NULL || m->dims[CM_MRIO_REGION] == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_mrio_write: NULL argument or empty system");
    }
    cm_json_init();
    w.m = m;
    w.R = m->n_regions;
    w.n = m->n_sectors;
    w.c = m->n_categories;
    w.N = w.R * w.n;
    CM_TRY(cm_i_mrio_codes_of(m->dims[CM_MRIO_REGION], &w.regions, err));
    CM_TRY(cm_i_mrio_codes_of(m->dims[CM_MRIO_SECTOR], &w.sectors, err));
    CM_TRY(cm_i_mrio_codes_of(m->dims[CM_MRIO_CATEGORY], &w.cats, err));
    CM_TRY(make_dirs(dir, err));
    files = json_object();
    CM_NOMEM(files, err);
    {
        const char *lev_rs[] = {"region", "sector"};
        const char *lev_rc[] = {"region", "category"};
        const char *idx_rs[] = {"region", "sector"};
        const char *indout[] = {"indout"};
        const char *pop_idx[] = {""};
        const char *pop_row[] = {"Population"};
        const char *lev_none[] = {""};
        cm_i_mrio_axis_t grid = cm_i_mrio_axis_grid(w.regions, w.R, w.sectors, w.n);
        cm_i_mrio_axis_t ygrid = cm_i_mrio_axis_grid(w.regions, w.R, w.cats, w.c);
        size_t NN = w.N * w.N;
        if ((what & CM_MRIO_WRITE_INPUTS) && has_data(&m->Z, NN)) {
            wtab_t t = {"Z.txt", "Z", idx_rs, grid, lev_rs, grid, m->Z.data, 1, w.N};
            CM_TRY(emit(dir, files, &t, err));
        }
        if ((what & CM_MRIO_WRITE_INPUTS) && has_data(&m->Y, w.N * w.R * w.c)) {
            wtab_t t = {"Y.txt", "Y", idx_rs, grid, lev_rc, ygrid, m->Y.data, 1, w.N};
            CM_TRY(emit(dir, files, &t, err));
        }
        if ((what & CM_MRIO_WRITE_X) && has_data(&m->x, w.N)) {
            wtab_t t = {"x.txt", "x", idx_rs, grid, lev_none, cm_i_mrio_axis_list(indout, 1, 1),
                        m->x.data, 1, w.N};
            CM_TRY(emit(dir, files, &t, err));
        }
        if ((what & CM_MRIO_WRITE_A) && has_data(&m->A, NN)) {
            wtab_t t = {"A.txt", "A", idx_rs, grid, lev_rs, grid, m->A.data, 1, w.N};
            CM_TRY(emit(dir, files, &t, err));
        }
        if ((what & CM_MRIO_WRITE_L) && has_data(&m->L, NN)) {
            wtab_t t = {"L.txt", "L", idx_rs, grid, lev_rs, grid, m->L.data, 1, w.N};
            CM_TRY(emit(dir, files, &t, err));
        }
        CM_TRY(write_units(dir, idx_rs, &grid, NULL,
                           m->unit_row != NULL ? m->unit_row : m->Z.unit, err));
        CM_TRY(param_add(files, "unit", "unit.txt", 2, 1, err));
        if ((what & CM_MRIO_WRITE_INPUTS) && has_data(&m->population, w.R)) {
            wtab_t t = {"population.txt", "population", pop_idx, cm_i_mrio_axis_list(pop_row, 1, 1),
                        lev_none, cm_i_mrio_axis_list(w.regions, w.R, 1), m->population.data, 0, 1};
            CM_TRY(emit(dir, files, &t, err));
        }
    }
    CM_TRY(write_params(dir, files, "IOSystem", NULL, err));
    CM_TRY(write_metadata(m, dir, err));
    for (size_t i = 0; i < m->n_ext; i++) {
        const cm_mrio_ext_t *e = &m->ext[i];
        if (e->name == NULL || e->name[0] == '\0' || e->name[0] == '.' ||
            strchr(e->name, '/') != NULL) {
            CM_FAIL(cm_error_set(err, CM_EINVAL, "extension %zu: expected a folder name, got '%s'",
                                 i + 1, e->name != NULL ? e->name : "(null)"));
        }
        CM_TRY(cm_i_mrio_join_path(dir, "/", e->name, &sub, err));
        CM_TRY(write_extension(&w, e, sub, what, err));
        cm_free(sub);
        sub = NULL;
    }
cleanup:
    cm_free(sub);
    json_decref(files);
    cm_free(w.regions);
    cm_free(w.sectors);
    cm_free(w.cats);
    return rc;
}

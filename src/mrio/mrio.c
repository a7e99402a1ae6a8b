/* MRIO systems: construction and destruction (include/cambium/cm_mrio.h, docs/mrio.md).
 * Arrays carry the unit "1": pymrio's units are free text ("Mill USD", "kg"), kept beside the
 * tables (unit_row, per-stressor units) and written back as read. */
#include "cambium/cm_mrio.h"

#include <string.h>

#include "cambium/cm_alloc.h"
#include "core/cm_internal.h"

static void ext_destroy(cm_mrio_ext_t *e)
{
    cm_free(e->name);
    cm_free(e->title);
    for (size_t k = 0; k < e->n_index; k++) {
        cm_free(e->index_names != NULL ? e->index_names[k] : NULL);
    }
    cm_free(e->index_names);
    for (size_t i = 0; e->labels != NULL && i < e->n_stressors * e->n_index; i++) {
        cm_free(e->labels[i]);
    }
    cm_free(e->labels);
    for (size_t i = 0; e->units != NULL && i < e->n_stressors; i++) {
        cm_free(e->units[i]);
    }
    cm_free(e->units);
    cm_array_t *arrays[] = {&e->F,         &e->F_Y,       &e->S,         &e->S_Y,
                            &e->M,         &e->D_cba,     &e->D_pba,     &e->D_imp,
                            &e->D_exp,     &e->D_cba_reg, &e->D_pba_reg, &e->D_imp_reg,
                            &e->D_exp_reg, &e->D_cba_cap, &e->D_pba_cap, &e->D_imp_cap,
                            &e->D_exp_cap};
    for (size_t k = 0; k < sizeof arrays / sizeof arrays[0]; k++) {
        cm_array_destroy(arrays[k]);
    }
    memset(e, 0, sizeof *e);
}

void cm_mrio_destroy(cm_mrio_t *m)
{
    if (m == NULL) {
        return;
    }
    for (size_t i = 0; i < m->n_ext; i++) {
        ext_destroy(&m->ext[i]);
    }
    cm_free(m->ext);
    cm_array_t *arrays[] = {&m->Z, &m->Y, &m->x, &m->A, &m->L, &m->population};
    for (size_t k = 0; k < sizeof arrays / sizeof arrays[0]; k++) {
        cm_array_destroy(arrays[k]);
    }
    for (int d = 0; d < CM_MRIO_NDIMS; d++) {
        cm_dim_release(m->dims[d]);
    }
    cm_free(m->name);
    cm_free(m->unit_row);
    cm_free(m->meta_json);
    memset(m, 0, sizeof *m);
}

cm_error_t cm_mrio_init(cm_mrio_t *m, size_t n_regions, const char *const *regions,
                        size_t n_sectors, const char *const *sectors, size_t n_categories,
                        const char *const *categories, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    if (m == NULL || regions == NULL || sectors == NULL || categories == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_mrio_init: NULL argument");
    }
    if (n_regions == 0 || n_sectors == 0 || n_categories == 0) {
        return cm_error_set(err, CM_EINVAL,
                            "an MRIO needs at least one region, sector and final-demand category, "
                            "got %zu, %zu, %zu",
                            n_regions, n_sectors, n_categories);
    }
    memset(m, 0, sizeof *m);
    m->n_regions = n_regions;
    m->n_sectors = n_sectors;
    m->n_categories = n_categories;
    CM_TRY(cm_dim_create(CM_MRIO_DIM_SECTOR, n_sectors, sectors, &m->dims[CM_MRIO_SECTOR], err));
    CM_TRY(cm_dim_create(CM_MRIO_DIM_REGION, n_regions, regions, &m->dims[CM_MRIO_REGION], err));
    CM_TRY(cm_dim_create(CM_MRIO_DIM_SECTOR_TO, n_sectors, sectors, &m->dims[CM_MRIO_SECTOR_TO],
                         err));
    CM_TRY(cm_dim_create(CM_MRIO_DIM_REGION_TO, n_regions, regions, &m->dims[CM_MRIO_REGION_TO],
                         err));
    CM_TRY(cm_dim_create(CM_MRIO_DIM_CATEGORY, n_categories, categories,
                         &m->dims[CM_MRIO_CATEGORY], err));
    {
        cm_dim_t *zd[] = {m->dims[CM_MRIO_SECTOR], m->dims[CM_MRIO_REGION],
                          m->dims[CM_MRIO_SECTOR_TO], m->dims[CM_MRIO_REGION_TO]};
        cm_dim_t *yd[] = {m->dims[CM_MRIO_SECTOR], m->dims[CM_MRIO_REGION],
                          m->dims[CM_MRIO_CATEGORY], m->dims[CM_MRIO_REGION_TO]};
        CM_TRY(cm_array_init_dims(&m->Z, 4, zd, "1", err));
        CM_TRY(cm_array_init_dims(&m->Y, 4, yd, "1", err));
        CM_TRY(cm_array_init_dims(&m->x, 2, zd, "1", err));
    }
cleanup:
    if (rc != CM_OK) {
        cm_mrio_destroy(m);
    }
    return rc;
}

/* "a | b" of the n labels of one stressor row. */
static cm_error_t join_labels(const char *const *labels, size_t n, char **out,
                              cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_i_buf_t b = CM_I_BUF_INIT(1u << 16);
    for (size_t k = 0; k < n; k++) {
        CM_TRY(cm_i_buf_puts(&b, k > 0 ? " | " : ""));
        CM_TRY(cm_i_buf_puts(&b, labels[k]));
    }
    CM_TRY(cm_i_buf_steal(&b, out));
cleanup:
    if (rc == CM_ENOMEM || rc == CM_EOVERFLOW) {
        cm_error_set(err, rc, "stressor label too long or out of memory");
    }
    cm_i_buf_free(&b);
    return rc;
}

cm_error_t cm_mrio_add_ext(cm_mrio_t *m, const char *name, size_t n_index,
                           const char *const *index_names, size_t n_stressors,
                           const char *const *labels, const char *const *units, int with_fy,
                           cm_mrio_ext_t **ext, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    char **codes = NULL;
    cm_dim_t *sd = NULL;
    cm_mrio_ext_t *e = NULL;
    int added = 0;
    if (m == NULL || name == NULL || index_names == NULL || labels == NULL || units == NULL ||
        m->dims[CM_MRIO_SECTOR] == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_mrio_add_ext: NULL argument or system without "
                                            "dimensions (cm_mrio_init first)");
    }
    if (n_index == 0 || n_stressors == 0) {
        return cm_error_set(err, CM_EINVAL,
                            "extension '%s': expected at least one index column and one stressor, "
                            "got %zu and %zu",
                            name, n_index, n_stressors);
    }
    for (size_t i = 0; i < m->n_ext; i++) {
        if (strcmp(m->ext[i].name, name) == 0) {
            return cm_error_set(err, CM_EINVAL, "extension '%s' defined twice", name);
        }
    }
    cm_mrio_ext_t *grown = cm_realloc_array(m->ext, m->n_ext + 1, sizeof *grown);
    CM_NOMEM(grown, err);
    m->ext = grown;
    e = &m->ext[m->n_ext];
    memset(e, 0, sizeof *e);
    m->n_ext++; /* from here on, a failure is cleaned up by removing it again */
    added = 1;
    e->name = cm_strdup(name);
    CM_NOMEM(e->name, err);
    e->index_names = cm_calloc(n_index, sizeof *e->index_names);
    CM_NOMEM(e->index_names, err);
    e->n_index = n_index;
    for (size_t k = 0; k < n_index; k++) {
        e->index_names[k] = cm_strdup(index_names[k] != NULL ? index_names[k] : "");
        CM_NOMEM(e->index_names[k], err);
    }
    e->labels = cm_calloc(n_stressors * n_index, sizeof *e->labels);
    CM_NOMEM(e->labels, err);
    e->units = cm_calloc(n_stressors, sizeof *e->units);
    CM_NOMEM(e->units, err);
    e->n_stressors = n_stressors;
    codes = cm_calloc(n_stressors, sizeof *codes);
    CM_NOMEM(codes, err);
    for (size_t i = 0; i < n_stressors; i++) {
        for (size_t k = 0; k < n_index; k++) {
            const char *l = labels[i * n_index + k];
            e->labels[i * n_index + k] = cm_strdup(l != NULL ? l : "");
            CM_NOMEM(e->labels[i * n_index + k], err);
        }
        e->units[i] = cm_strdup(units[i] != NULL ? units[i] : "");
        CM_NOMEM(e->units[i], err);
        CM_TRY(join_labels((const char *const *)&e->labels[i * n_index], n_index, &codes[i], err));
    }
    {
        cm_error_info_t sub;
        memset(&sub, 0, sizeof sub);
        rc = cm_dim_create(CM_MRIO_DIM_STRESSOR, n_stressors, (const char *const *)codes, &sd,
                           &sub);
        if (rc == CM_EINVAL) {
            CM_FAIL(cm_error_set(err, rc, "extension '%s': %s", name, sub.message));
        } else if (rc != CM_OK) {
            CM_FAIL(cm_error_set(err, rc, "%s", sub.message));
        }
    }
    {
        cm_dim_t *fd[] = {sd, m->dims[CM_MRIO_SECTOR_TO], m->dims[CM_MRIO_REGION_TO]};
        cm_dim_t *fyd[] = {sd, m->dims[CM_MRIO_CATEGORY], m->dims[CM_MRIO_REGION_TO]};
        CM_TRY(cm_array_init_dims(&e->F, 3, fd, "1", err));
        if (with_fy) {
            CM_TRY(cm_array_init_dims(&e->F_Y, 3, fyd, "1", err));
        }
    }
    if (ext != NULL) {
        *ext = e;
    }
cleanup:
    if (codes != NULL) {
        for (size_t i = 0; i < n_stressors; i++) {
            cm_free(codes[i]);
        }
        cm_free(codes);
    }
    cm_dim_release(sd);
    if (rc != CM_OK && added) {
        ext_destroy(&m->ext[m->n_ext - 1]);
        m->n_ext--;
    }
    return rc;
}

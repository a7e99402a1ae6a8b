/* Aggregation of regions and sectors as pymrio's aggregate (docs/mrio-sources.md): with the
 * concordance B = B_region (x) B_sector, Z' = B Z B^T, Y' = B Y with its columns summed by
 * region (categories kept), x' = B x, F' = F B^T, F_Y' with its columns summed by region,
 * population summed. Sums are done by index mapping, O(N^2) for Z, without forming B. */
#include "cambium/cm_mrio.h"

#include <string.h>

#include "cambium/cm_alloc.h"
#include "core/cm_internal.h"

/* New codes in order of first appearance and, for each old item, its new index. */
typedef struct agg_map_t {
    size_t n_new;
    const char **codes; /* n_new, borrowed from the map or the old dimension */
    size_t *to;         /* n_old */
} agg_map_t;

static void map_destroy(agg_map_t *a)
{
    cm_free((void *)a->codes);
    cm_free(a->to);
    memset(a, 0, sizeof *a);
}

static cm_error_t map_build(const cm_dim_t *old, const char *const *map, const char *what,
                            agg_map_t *a, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    size_t n = cm_dim_size(old);
    memset(a, 0, sizeof *a);
    a->codes = cm_calloc(n, sizeof *a->codes);
    CM_NOMEM(a->codes, err);
    a->to = cm_calloc(n, sizeof *a->to);
    CM_NOMEM(a->to, err);
    for (size_t i = 0; i < n; i++) {
        const char *code = map != NULL ? map[i] : cm_dim_code(old, i);
        if (code == NULL || code[0] == '\0') {
            CM_FAIL(cm_error_set(err, CM_EINVAL,
                                 "aggregation: %s '%s' (item %zu) has no new code in the map", what,
                                 cm_dim_code(old, i), i + 1));
        }
        size_t k = 0;
        while (k < a->n_new && strcmp(a->codes[k], code) != 0) {
            k++;
        }
        if (k == a->n_new) {
            a->codes[a->n_new++] = code;
        }
        a->to[i] = k;
    }
cleanup:
    if (rc != CM_OK) {
        map_destroy(a);
    }
    return rc;
}

/* Copy an extension's definition into \p nm and sum its F (and F_Y) into the new columns. */
static cm_error_t ext_aggregate(const cm_mrio_t *m, const cm_mrio_ext_t *e, cm_mrio_t *nm,
                                const agg_map_t *ar, const agg_map_t *as, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_mrio_ext_t *ne = NULL;
    size_t S = e->n_stressors, n = m->n_sectors, nn = nm->n_sectors, c = m->n_categories;
    if (e->F.data == NULL || e->F.size != S * m->n_sectors * m->n_regions) {
        return cm_error_set(err, CM_EINVAL, "aggregation: extension '%s' has no F of %zu x %zu",
                            e->name, S, m->n_sectors * m->n_regions);
    }
    CM_TRY(cm_mrio_add_ext(nm, e->name, e->n_index, (const char *const *)e->index_names, S,
                           (const char *const *)e->labels, (const char *const *)e->units,
                           e->F_Y.data != NULL, &ne, err));
    if (e->title != NULL) {
        ne->title = cm_strdup(e->title);
        CM_NOMEM(ne->title, err);
    }
    for (size_t r = 0; r < m->n_regions; r++) {
        for (size_t sec = 0; sec < n; sec++) {
            size_t j = sec + n * r, nj = as->to[sec] + nn * ar->to[r];
            for (size_t s = 0; s < S; s++) {
                ne->F.data[s + S * nj] += e->F.data[s + S * j];
            }
        }
    }
    if (e->F_Y.data != NULL) {
        for (size_t r = 0; r < m->n_regions; r++) {
            for (size_t k = 0; k < c; k++) {
                size_t j = k + c * r, nj = k + c * ar->to[r];
                for (size_t s = 0; s < S; s++) {
                    ne->F_Y.data[s + S * nj] += e->F_Y.data[s + S * j];
                }
            }
        }
    }
cleanup:
    return rc;
}

cm_error_t cm_mrio_aggregate(cm_mrio_t *m, const char *const *region_map,
                             const char *const *sector_map, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    agg_map_t ar, as;
    cm_mrio_t nm;
    const char **cats = NULL;
    memset(&ar, 0, sizeof ar);
    memset(&as, 0, sizeof as);
    memset(&nm, 0, sizeof nm);
    if (m == NULL || m->dims[CM_MRIO_SECTOR] == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_mrio_aggregate: NULL or uninitialised system");
    }
    size_t R = m->n_regions, n = m->n_sectors, c = m->n_categories, N = R * n;
    if (m->Z.data == NULL || m->Z.size != N * N || m->Y.data == NULL || m->Y.size != N * R * c) {
        return cm_error_set(err, CM_EINVAL,
                            "cm_mrio_aggregate: Z (%zu x %zu) and Y (%zu x %zu) are needed; Z is "
                            "emptied by cm_mrio_calc, so aggregate before calculating",
                            N, N, N, R * c);
    }
    CM_TRY(map_build(m->dims[CM_MRIO_REGION], region_map, "region", &ar, err));
    CM_TRY(map_build(m->dims[CM_MRIO_SECTOR], sector_map, "sector", &as, err));
    cats = cm_calloc(c, sizeof *cats);
    CM_NOMEM(cats, err);
    for (size_t k = 0; k < c; k++) {
        cats[k] = cm_dim_code(m->dims[CM_MRIO_CATEGORY], k);
    }
    CM_TRY(cm_mrio_init(&nm, ar.n_new, ar.codes, as.n_new, as.codes, c, cats, err));
    {
        size_t nn = nm.n_sectors, NN = nm.n_regions * nn;
        size_t *row = cm_malloc_array(N, sizeof *row);
        CM_NOMEM(row, err);
        for (size_t r = 0; r < R; r++) {
            for (size_t s = 0; s < n; s++) {
                row[s + n * r] = as.to[s] + nn * ar.to[r];
            }
        }
        for (size_t j = 0; j < N; j++) {
            const cm_real_t *col = &m->Z.data[N * j];
            cm_real_t *ncol = &nm.Z.data[NN * row[j]];
            for (size_t i = 0; i < N; i++) {
                ncol[row[i]] += col[i];
            }
        }
        for (size_t r = 0; r < R; r++) {
            for (size_t k = 0; k < c; k++) {
                const cm_real_t *col = &m->Y.data[N * (k + c * r)];
                cm_real_t *ncol = &nm.Y.data[NN * (k + c * ar.to[r])];
                for (size_t i = 0; i < N; i++) {
                    ncol[row[i]] += col[i];
                }
            }
        }
        if (m->x.data != NULL && m->x.size == N) {
            for (size_t i = 0; i < N; i++) {
                nm.x.data[row[i]] += m->x.data[i];
            }
        }
        cm_free(row);
    }
    if (m->population.data != NULL && m->population.size == R) {
        CM_TRY(cm_array_init_dims(&nm.population, 1, &nm.dims[CM_MRIO_REGION_TO],
                                  m->population.unit, err));
        for (size_t r = 0; r < R; r++) {
            nm.population.data[ar.to[r]] += m->population.data[r];
        }
    }
    for (size_t k = 0; k < m->n_ext; k++) {
        CM_TRY(ext_aggregate(m, &m->ext[k], &nm, &ar, &as, err));
    }
    if (m->name != NULL) {
        nm.name = cm_strdup(m->name);
        CM_NOMEM(nm.name, err);
    }
    if (m->unit_row != NULL) {
        nm.unit_row = cm_strdup(m->unit_row);
        CM_NOMEM(nm.unit_row, err);
    }
    if (m->meta_json != NULL) {
        nm.meta_json = cm_strdup(m->meta_json);
        CM_NOMEM(nm.meta_json, err);
    }
    /* the new system replaces the old one; codes borrowed from m are no longer used */
    cm_mrio_destroy(m);
    *m = nm;
    memset(&nm, 0, sizeof nm);
cleanup:
    cm_free((void *)cats);
    map_destroy(&ar);
    map_destroy(&as);
    cm_mrio_destroy(&nm);
    return rc;
}

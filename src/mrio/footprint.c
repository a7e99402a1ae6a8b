/* Material footprint of one region (cm_mrio_footprint): RMC, RMI and the domestic / imported
 * parts of RMC from the regional accounts of a material-extraction extension (docs/mrio.md). */
#include "cambium/cm_mrio.h"

#include <math.h>
#include <string.h>

#include "cambium/cm_alloc.h"
#include "core/cm_internal.h"

void cm_mrio_footprint_destroy(cm_mrio_footprint_t *fp)
{
    if (fp == NULL) {
        return;
    }
    for (size_t g = 0; fp->groups != NULL && g < fp->n_groups; g++) {
        cm_free(fp->groups[g]);
    }
    cm_free(fp->groups);
    cm_free(fp->rmc);
    cm_free(fp->rmc_domestic);
    cm_free(fp->rmc_imported);
    cm_free(fp->rmi);
    cm_free(fp->per_capita);
    cm_free(fp->unit);
    memset(fp, 0, sizeof *fp);
}

/* The group of stressor row p: its code without a map, the map's entry (NULL: left out). */
static const char *group_of_row(const cm_mrio_ext_t *ext, const char *const *group_of, size_t p)
{
    return group_of != NULL ? group_of[p] : cm_dim_code(ext->F.dim[0], p);
}

cm_error_t cm_mrio_footprint(const cm_mrio_t *m, const cm_mrio_ext_t *ext, const char *region,
                             const char *const *group_of, cm_mrio_footprint_t *out,
                             cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    size_t *gidx = NULL;
    if (m == NULL || ext == NULL || region == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_mrio_footprint: NULL argument");
    }
    memset(out, 0, sizeof *out);
    if (m->dims[CM_MRIO_REGION_TO] == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_mrio_footprint: a system without dimensions");
    }
    cm_int_t r = cm_dim_index(m->dims[CM_MRIO_REGION_TO], region);
    if (r < 0) {
        return cm_error_set(err, CM_EINVAL,
                            "unknown region '%s' (expected one of the %zu "
                            "regions of the system, e.g. '%s')",
                            region, m->n_regions, cm_dim_code(m->dims[CM_MRIO_REGION_TO], 0));
    }
    if (ext->D_cba_reg.data == NULL || ext->D_pba_reg.data == NULL || ext->D_imp_reg.data == NULL) {
        return cm_error_set(err, CM_EINVAL,
                            "extension '%s': the accounts CBA, PBA and IMP are not computed "
                            "(cm_mrio_calc with those accounts first)",
                            ext->name);
    }
    size_t s = ext->n_stressors;
    const char *unit = NULL;
    size_t unit_row = 0;
    gidx = cm_malloc_array(s + 1, sizeof *gidx);
    CM_NOMEM(gidx, err);
    out->groups = cm_calloc(s + 1, sizeof *out->groups);
    CM_NOMEM(out->groups, err);
    for (size_t p = 0; p < s; p++) {
        const char *g = group_of_row(ext, group_of, p);
        gidx[p] = (size_t)-1;
        if (g == NULL) {
            continue;
        }
        const char *u = ext->units[p] != NULL ? ext->units[p] : "";
        if (unit == NULL) {
            unit = u;
            unit_row = p;
        } else if (strcmp(unit, u) != 0) {
            CM_FAIL(cm_error_set(err, CM_EINVAL,
                                 "extension '%s': stressors '%s' (%s) and '%s' (%s) have different "
                                 "units; expected one unit for the footprint",
                                 ext->name, cm_dim_code(ext->F.dim[0], unit_row), unit,
                                 cm_dim_code(ext->F.dim[0], p), u));
        }
        size_t k = 0;
        while (k < out->n_groups && strcmp(out->groups[k], g) != 0) {
            k++;
        }
        if (k == out->n_groups) {
            out->groups[k] = cm_strdup(g);
            CM_NOMEM(out->groups[k], err);
            out->n_groups++;
        }
        gidx[p] = k;
    }
    size_t ng = out->n_groups > 0 ? out->n_groups : 1;
    out->rmc = cm_calloc(ng, sizeof *out->rmc);
    CM_NOMEM(out->rmc, err);
    out->rmc_domestic = cm_calloc(ng, sizeof *out->rmc_domestic);
    CM_NOMEM(out->rmc_domestic, err);
    out->rmc_imported = cm_calloc(ng, sizeof *out->rmc_imported);
    CM_NOMEM(out->rmc_imported, err);
    out->rmi = cm_calloc(ng, sizeof *out->rmi);
    CM_NOMEM(out->rmi, err);
    out->per_capita = cm_calloc(ng, sizeof *out->per_capita);
    CM_NOMEM(out->per_capita, err);
    out->unit = cm_strdup(unit != NULL ? unit : "");
    CM_NOMEM(out->unit, err);
    size_t ri = (size_t)r;
    for (size_t p = 0; p < s; p++) {
        if (gidx[p] == (size_t)-1) {
            continue;
        }
        size_t g = gidx[p];
        double cba = ext->D_cba_reg.data[p + s * ri];
        double imp = ext->D_imp_reg.data[p + s * ri];
        out->rmc[g] += cba;
        out->rmc_imported[g] += imp;
        out->rmi[g] += ext->D_pba_reg.data[p + s * ri] + imp;
    }
    double pop =
        m->population.data != NULL && ri < m->population.size ? m->population.data[ri] : NAN;
    for (size_t g = 0; g < out->n_groups; g++) {
        out->rmc_domestic[g] = out->rmc[g] - out->rmc_imported[g];
        out->per_capita[g] = out->rmc[g] / pop;
    }
cleanup:
    cm_free(gidx);
    if (rc != CM_OK) {
        cm_mrio_footprint_destroy(out);
    }
    return rc;
}

cm_error_t cm_mrio_footprint_categories(const cm_mrio_t *m, const cm_mrio_ext_t *ext,
                                        const char *region, cm_array_t *out,
                                        cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    if (m == NULL || ext == NULL || region == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_mrio_footprint_categories: NULL argument");
    }
    cm_int_t r = cm_dim_index(m->dims[CM_MRIO_REGION_TO], region);
    if (r < 0) {
        return cm_error_set(err, CM_EINVAL,
                            "unknown region '%s' (expected one of the %zu regions of the system, "
                            "e.g. '%s')",
                            region, m->n_regions, cm_dim_code(m->dims[CM_MRIO_REGION_TO], 0));
    }
    if (ext->M.data == NULL || m->Y.data == NULL) {
        return cm_error_set(err, CM_EINVAL,
                            "extension '%s': the multipliers M are not computed (cm_mrio_calc "
                            "first)",
                            ext->name);
    }
    size_t s = ext->n_stressors, N = m->n_regions * m->n_sectors, c = m->n_categories;
    cm_dim_t *dims[] = {ext->F.dim[0], m->dims[CM_MRIO_CATEGORY]};
    CM_TRY(cm_array_init_dims(out, 2, dims, "1", err));
    for (size_t k = 0; k < c; k++) {
        const double *y = m->Y.data + ((size_t)r * c + k) * N; /* column (region r, category k) */
        double *o = out->data + k * s;
        for (size_t j = 0; j < N; j++) {
            if (y[j] == 0.0) {
                continue;
            }
            const double *mj = ext->M.data + j * s;
            for (size_t p = 0; p < s; p++) {
                o[p] += mj[p] * y[j];
            }
        }
        if (ext->F_Y.data != NULL) {
            const double *fy = ext->F_Y.data + ((size_t)r * c + k) * s;
            for (size_t p = 0; p < s; p++) {
                o[p] += fy[p];
            }
        }
    }
cleanup:
    return rc;
}

/* MMSA model accessors. */
#include <string.h>

#include "mmsa_internal.h"

const char *cm_mmsa_model_name(const cm_mmsa_model_t *m)
{
    return m != NULL ? m->name : NULL;
}

size_t cm_mmsa_ntech(const cm_mmsa_model_t *m)
{
    return m != NULL ? m->ntech : 0;
}

const char *cm_mmsa_tech_name(const cm_mmsa_model_t *m, size_t k)
{
    return m != NULL && k < m->ntech ? m->tech[k] : NULL;
}

size_t cm_mmsa_nsites(const cm_mmsa_model_t *m)
{
    return m != NULL ? m->nsite : 0;
}

const char *cm_mmsa_site_name(const cm_mmsa_model_t *m, size_t site)
{
    return m != NULL && site < m->nsite ? m->site[site] : NULL;
}

size_t cm_mmsa_nitems(const cm_mmsa_model_t *m)
{
    return m != NULL ? m->nitem : 0;
}

const char *cm_mmsa_item_name(const cm_mmsa_model_t *m, size_t i)
{
    return m != NULL && i < m->nitem ? m->item[i] : NULL;
}

const char *cm_mmsa_item_layer(const cm_mmsa_model_t *m, size_t i)
{
    if (m == NULL || i >= m->nitem) {
        return NULL;
    }
    return m->item_layer[i] >= 0 ? m->layer[m->item_layer[i]].name : "group";
}

cm_int_t cm_mmsa_item_find(const cm_mmsa_model_t *m, const char *layer, const char *name)
{
    for (size_t i = 0; m != NULL && name != NULL && i < m->nitem; i++) {
        if (strcmp(m->item[i], name) == 0 &&
            (layer == NULL || strcmp(cm_mmsa_item_layer(m, i), layer) == 0)) {
            return (cm_int_t)i;
        }
    }
    return -1;
}

size_t cm_mmsa_nscenarios(const cm_mmsa_model_t *m)
{
    return m != NULL ? m->nscen : 0;
}

const char *cm_mmsa_scenario_name(const cm_mmsa_model_t *m, size_t s)
{
    return m != NULL && s < m->nscen ? m->scen[s] : NULL;
}

cm_int_t cm_mmsa_scenario_find(const cm_mmsa_model_t *m, const char *name)
{
    for (size_t s = 0; m != NULL && name != NULL && s < m->nscen; s++) {
        if (strcmp(m->scen[s], name) == 0) {
            return (cm_int_t)s;
        }
    }
    return -1;
}

void cm_mmsa_years(const cm_mmsa_model_t *m, cm_int_t *t0, size_t *T)
{
    *t0 = m != NULL ? m->t0 : 0;
    *T = m != NULL ? m->T : 0;
}

cm_int_t cm_mmsa_report_from(const cm_mmsa_model_t *m)
{
    return m != NULL ? m->report_from : 0;
}

void cm_mmsa_special_years(const cm_mmsa_model_t *m, cm_int_t *sankey_year,
                           cm_int_t *cohort_year)
{
    *sankey_year = m != NULL ? m->sankey_year : 0;
    *cohort_year = m != NULL ? m->cohort_year : 0;
}

const char *cm_mmsa_mass_unit(const cm_mmsa_model_t *m, cm_real_t *per_kg)
{
    if (per_kg != NULL) {
        *per_kg = m != NULL ? m->per_kg : 0;
    }
    return m != NULL ? m->mass_unit : NULL;
}

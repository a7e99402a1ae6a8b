/* Internal structures of the MMSA module (src/mmsa). */
#ifndef CAMBIUM_MMSA_INTERNAL_H
#define CAMBIUM_MMSA_INTERNAL_H

#include "cambium/cm_dsm.h"
#include "cambium/cm_mmsa.h"

/* Layer kinds: the root (technologies, MW), an aggregate without a file (its items' masses are
 * the sums of the per-MW layer below it by from-item), a per-MW layer (mass per MW, keyed by
 * technology and from-item), a fraction layer (mass per mass of the layer it comes from). */
enum { MM_ROOT = 0, MM_AGG = 1, MM_PERMW = 2, MM_FRAC = 3, MM_GROUP = 4 };
/* Recovery stages. */
enum { MM_COLLECTION = 0, MM_DISMANTLING = 1, MM_PROCESS = 2, MM_NSTAGE = 3 };

typedef struct mm_layer_t {
    char *name;
    int kind;
    int from;      /* index of the layer it comes from; -1 for the root and groups */
    size_t first;  /* its items are item[first .. first + n - 1] (root: the technologies) */
    size_t n;
} mm_layer_t;

/* One intensity row of a data file: from-item (flat index, or a technology for a per-MW row
 * whose from-layer is the root) -> to-item, for technology `tech` (-1: all), site `site` (-1:
 * all) and cohorts c0 .. c1 (calendar years, inclusive). v, lo, hi in kg/MW (per-MW) or kg/kg
 * (fractions). */
typedef struct mm_row_t {
    int layer;
    int tech;
    size_t from, to;
    cm_int_t c0, c1;
    double v, lo, hi;
    int site;
} mm_row_t;

typedef struct mm_member_t {
    size_t group, member;
} mm_member_t;

struct cm_mmsa_model_t {
    char *name;
    cm_int_t t0;
    size_t T;
    cm_int_t report_from, sankey_year, cohort_year;
    char *mass_unit;
    double per_kg;         /* result mass units per kg */
    size_t ntech;
    char **tech;
    size_t nsite;
    char **site;
    size_t nlayer;
    mm_layer_t *layer;
    size_t nitem;
    char **item;
    int *item_layer;
    size_t nrow;
    mm_row_t *row;
    size_t nmember;
    mm_member_t *member;
    double *mw;            /* [site][tech][t] MW inflow */
    size_t nscen;
    char **scen;
    cm_dsm_lifetime_t *life;
    int rec_layer;         /* layer carrying the recovery yields, -1 without [recovery] */
    double *yield;         /* [site][item][stage][3]: value, low, high; NaN = no row */
    size_t draws;
    uint64_t seed;
    size_t mc_scen;
    int mc_uniform;        /* 0: triangular low-central-high, 1: uniform low-high */
    double mc_life_sd;     /* sd (years) of the drawn lifetime mean */
};

/* The yield of one stage for a site and item (NaN-free: a missing collection is 0, a missing
 * dismantling or process stage 1). q = 0 central, 1 low, 2 high. */
double cm_i_mmsa_yield(const cm_mmsa_model_t *m, size_t site, size_t item, int q);

#endif

/**
 * \file cm_mrio.h
 * \brief Environmentally extended multi-regional input-output analysis (pymrio-compatible).
 *
 * An MRIO system is R regions x n sectors (N = R n rows, region-major as pymrio orders them:
 * row r*n + s), final demand with c categories per region, and extensions (satellite
 * accounts: stressors x N, with final-demand emissions F_Y). Every table is a labelled array
 * (::cm_array_t, column-major) whose dimensions are ordered so that the pymrio matrix is a
 * zero-copy 2-D view (::cm_array_view_rows in cm_array.h):
 *
 * | table | dimensions (fastest first)                     | pymrio matrix          |
 * |-------|------------------------------------------------|------------------------|
 * | Z, A, L | sector, region, sector_to, region_to         | N x N                  |
 * | Y     | sector, region, category, region_to            | N x (R c)              |
 * | x     | sector, region                                 | N x 1                  |
 * | F, S, M, D_cba, D_pba, D_imp, D_exp | stressor, sector_to, region_to | s x N       |
 * | F_Y, S_Y | stressor, category, region_to               | s x (R c)              |
 * | D_*_reg, D_*_cap | stressor, region_to                 | s x R                  |
 * | population | region_to                                 | 1 x R                  |
 *
 * Formulas and pymrio's names: METHODS.md §B.3; choices: docs/mrio.md. The Leontief inverse is
 * never formed unless asked for: (I - A) is LU-factorised in place (LAPACK dgetrf of the linked
 * OpenBLAS) and every product with L is a triangular solve.
 */
#ifndef CAMBIUM_CM_MRIO_H
#define CAMBIUM_CM_MRIO_H

#include <stddef.h>

#include "cambium/cm_array.h"
#include "cambium/cm_common.h"
#include "cambium/cm_error.h"

CM_BEGIN_DECLS

/** Dimension names used by every MRIO table. */
#define CM_MRIO_DIM_SECTOR "sector"
#define CM_MRIO_DIM_REGION "region"
#define CM_MRIO_DIM_SECTOR_TO "sector_to"
#define CM_MRIO_DIM_REGION_TO "region_to"
#define CM_MRIO_DIM_CATEGORY "category"
#define CM_MRIO_DIM_STRESSOR "stressor"

/** One extension (satellite account), e.g. pymrio's "emissions" folder. */
typedef struct cm_mrio_ext_t {
    char *name;        /**< folder name ("emissions"); owned */
    char *title;       /**< the "name" of its file_parameters.json ("Emissions"); owned, may be NULL */
    size_t n_index;    /**< index columns of a stressor row (pymrio: 1 or 2, e.g. stressor,
                            compartment) */
    char **index_names; /**< n_index header names ("stressor", "compartment"); owned */
    char **labels;     /**< n_stressors * n_index labels, row-major (labels[i*n_index + k]);
                            the stressor dimension's item codes are these joined by " | " */
    char **units;      /**< n_stressors unit texts as in unit.txt ("kg"); owned */
    size_t n_stressors;
    cm_array_t F;      /**< [stressor, sector_to, region_to] */
    cm_array_t F_Y;    /**< [stressor, category, region_to]; empty (data NULL) when absent */
    /* results: empty until computed */
    cm_array_t S, S_Y, M;
    cm_array_t D_cba, D_pba, D_imp, D_exp;                 /**< [stressor, sector_to, region_to] */
    cm_array_t D_cba_reg, D_pba_reg, D_imp_reg, D_exp_reg; /**< [stressor, region_to] */
    cm_array_t D_cba_cap, D_pba_cap, D_imp_cap, D_exp_cap; /**< per capita; empty without
                                                                population */
} cm_mrio_ext_t;

/** Indices into ::cm_mrio_t.dims. */
enum {
    CM_MRIO_SECTOR = 0,
    CM_MRIO_REGION,
    CM_MRIO_SECTOR_TO,
    CM_MRIO_REGION_TO,
    CM_MRIO_CATEGORY,
    CM_MRIO_NDIMS
};

/** An MRIO system. Zero-initialise; free with ::cm_mrio_destroy. */
typedef struct cm_mrio_t {
    char *name;         /**< owned, may be NULL */
    size_t n_regions, n_sectors, n_categories;
    cm_dim_t *dims[CM_MRIO_NDIMS]; /**< the dimensions every table is built on (one reference
                                        each, set by ::cm_mrio_init); tables take their own */
    cm_array_t Z;       /**< transactions; emptied when turned into A in place */
    cm_array_t Y;       /**< final demand */
    cm_array_t x;       /**< gross output (read, or computed as Z e + Y e) */
    cm_array_t A;       /**< technical coefficients; emptied when factorised in place */
    cm_array_t L;       /**< Leontief inverse, only when asked for */
    cm_array_t population; /**< [region_to]; empty when absent */
    char *unit_row;     /**< the unit of Z, Y, x when uniform ("Mill USD"); owned */
    char *meta_json;    /**< metadata.json text to carry through (may be NULL); owned */
    size_t n_ext;
    cm_mrio_ext_t *ext; /**< n_ext extensions; owned */
} cm_mrio_t;

/** \brief Free everything; safe on zeroed or twice. */
CM_EXPORT void cm_mrio_destroy(cm_mrio_t *m);

/**
 * \brief Build the dimensions of a system (regions, sectors, categories) and zero tables Z, Y
 * and x of the right shape; used by every reader and by tests.
 * \param[out] m a zeroed system.
 * \return CM_OK; CM_EINVAL (no region/sector/category, duplicate code: named); CM_EOVERFLOW;
 *   CM_ENOMEM (N x N doubles).
 */
CM_EXPORT cm_error_t cm_mrio_init(cm_mrio_t *m, size_t n_regions, const char *const *regions,
                                  size_t n_sectors, const char *const *sectors,
                                  size_t n_categories, const char *const *categories,
                                  cm_error_info_t *err);

/**
 * \brief Add an extension with zero F (and F_Y when \p with_fy) for \p n_stressors rows of
 * \p n_index labels each (row-major). \return CM_OK; CM_EINVAL (duplicate name or row); CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_mrio_add_ext(cm_mrio_t *m, const char *name, size_t n_index,
                                     const char *const *index_names, size_t n_stressors,
                                     const char *const *labels, const char *const *units,
                                     int with_fy, cm_mrio_ext_t **ext, cm_error_info_t *err);

/* --- reading and writing the pymrio folder format ----------------------------------------- */

/**
 * \brief Read a system in pymrio's folder format: a folder (file_parameters.json, Z.txt, Y.txt,
 * optional x.txt, unit.txt, population.txt, metadata.json; one sub-folder per extension with
 * F.txt, optional F_Y.txt, unit.txt) or a .zip of one (the folder may be the zip's root or its
 * single top folder; EXIOBASE 3 is distributed so). Tab-separated, header rows and index
 * columns as file_parameters.json says. Extensions are the sub-folders whose
 * file_parameters.json says "systemtype": "Extension", in name order. Columns in error
 * positions count tab-separated fields (1-based). Format and mapping: docs/mrio-format.md.
 * \param[out] m a zeroed or destroyed system; left zeroed on failure.
 * \return CM_OK; CM_EINVAL (NULL argument; a duplicate region, sector or category, named);
 *   CM_EFILE (missing or unreadable file, named);
 *   CM_EPARSE (file, line, column: a non-number, NaN or an empty cell, an infinity, a negative
 *   entry in Z, labels of Z, Y, F, F_Y, unit.txt, population that disagree: the first mismatch
 *   named with what was expected; not a zip; a zip without the expected entries, named);
 *   CM_EOVERFLOW (a line over 1 GiB); CM_EINVAL (duplicate region, sector or category);
 *   CM_ENOMEM. Complexity: one pass over the text; memory: the tables plus 8 MiB per open file.
 */
CM_EXPORT cm_error_t cm_mrio_read(const char *path, cm_mrio_t *m, cm_error_info_t *err);

/** What ::cm_mrio_write writes (bit set). */
enum {
    CM_MRIO_WRITE_INPUTS = 1,  /**< Z (or nothing when emptied), Y, F, F_Y, unit, population */
    CM_MRIO_WRITE_X = 2,       /**< x.txt */
    CM_MRIO_WRITE_A = 4,       /**< A.txt (when A is present) */
    CM_MRIO_WRITE_L = 8,       /**< L.txt (when L is present) */
    CM_MRIO_WRITE_RESULTS = 16 /**< per extension S, S_Y, M, D_* and their _reg and _cap forms */
};

/**
 * \brief Write \p m in pymrio's layout under \p dir (created), so that pymrio.load_all() reads
 * it back: numbers as pandas writes them (Python's repr: at most 17 significant digits that
 * read back exactly, "12.0", "1e-05"; NaN as an empty cell), file_parameters.json per folder
 * listing the files written by this call, metadata.json (meta_json as read, or a minimal one),
 * unit.txt (unit_row for every row; per stressor in extensions). Tables without data are
 * skipped. Every file is written to a temporary name and renamed; a failure leaves earlier
 * files as they were.
 * \return CM_OK; CM_EINVAL (NULL argument, system without dimensions, an extension name that
 *   is not a folder name); CM_EFILE (named path); CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_mrio_write(const cm_mrio_t *m, const char *dir, unsigned what,
                                   cm_error_info_t *err);

/* --- calculation ---------------------------------------------------------------------------- */

/** Zero-output convention. */
typedef enum cm_mrio_zero_t {
    CM_MRIO_ZERO_PYMRIO = 0, /**< 1/x taken as 0 where x = 0 (pymrio): the column of A, S is 0 */
    CM_MRIO_ZERO_ERROR = 1   /**< a sector with zero output is an error naming it */
} cm_mrio_zero_t;

/** Accounts to compute (bit set). */
enum {
    CM_MRIO_ACC_CBA = 1,
    CM_MRIO_ACC_PBA = 2,
    CM_MRIO_ACC_IMP = 4,
    CM_MRIO_ACC_EXP = 8,
    CM_MRIO_ACC_ALL = 15
};

/** Options of ::cm_mrio_calc. Fill with ::cm_mrio_options_default. */
typedef struct cm_mrio_options_t {
    cm_mrio_zero_t zero_output; /**< default CM_MRIO_ZERO_PYMRIO */
    unsigned accounts;          /**< CM_MRIO_ACC_* (default all) */
    int want_L;                 /**< non-zero: form L (an inverse from the factors; default 0) */
    int keep_A;                 /**< non-zero: keep A beside its factors (one more N x N) */
    int allow_colsum_ge1;       /**< non-zero: column sums of A >= 1 only noted (default 0: error
                                     naming the sectors) */
    int recompute_x;            /**< non-zero: x = Z e + Y e even when x was read (default 0) */
} cm_mrio_options_t;

/** Identities and residuals of a calculation. */
typedef struct cm_mrio_check_t {
    double x_residual;      /**< scaled residual of the solves: max |x_s - x| / max |x| with x_s the
                                 solution of (I - A) x_s = x - Z e (= (I - A) x exactly) */
    double x_deviation;     /**< max |L Y e - x| / max |x|: x = L y; equals the residual when x is
                                 computed, and shows a read x's imbalance amplified by L */
    double input_balance;   /**< max |x - Z e - Y e| / max |x| (0 when x is computed): the
                                 rounding of a published x */
    double max_colsum_A;    /**< largest column sum of A */
    size_t zero_output;     /**< sectors with x = 0 */
    size_t n_identities;    /**< identities checked */
    double worst_cba_pba;   /**< max over stressors of |sum D_cba_reg - sum D_pba_reg| / scale */
    double worst_balance;   /**< max over stressors, regions of
                                 |D_cba_reg - (D_pba_reg - D_exp_reg + D_imp_reg)| / scale (without F_Y) */
    char worst_what[256];   /**< where the worst deviation is ("emissions: emission_type1 | air, reg3") */
} cm_mrio_check_t;

/** \brief Defaults listed in ::cm_mrio_options_t. NULL is a no-op. */
CM_EXPORT void cm_mrio_options_default(cm_mrio_options_t *opt);

/**
 * \brief Compute x (when absent or asked), A, the factors of (I - A), L (when asked) and, for
 * every extension, S, S_Y, M and the accounts with their _reg (adding F_Y as pymrio does) and
 * _cap (with population) forms; then check the identities into \p check (may be NULL).
 * Memory: one N x N buffer (Z becomes A, then its LU factors, in place) plus O(N (R + s R)).
 * \return CM_OK; CM_EINVAL (zero output with CM_MRIO_ZERO_ERROR, column sums >= 1: sectors
 *   named; (I - A) singular: the pivot's sector named; shapes that disagree); CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_mrio_calc(cm_mrio_t *m, const cm_mrio_options_t *opt,
                                  cm_mrio_check_t *check, cm_error_info_t *err);

/* --- other sources, aggregation, footprints ------------------------------------------------- */

/**
 * \brief Read the WIOD 2013 release CSV layout (wiod2011_Z.csv, wiod2011_final.csv,
 * wiod2011_output.csv with their label files) from \p dir into a system (41 regions x 35
 * sectors; final demand categories as labelled; negative final demand, e.g. inventory
 * changes, kept). Value added (output minus intermediate inputs) becomes the extension
 * "factor_inputs" with the stressor "value added".
 * \return CM_OK; CM_EFILE; CM_EPARSE (file, line, column); CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_mrio_read_wiod(const char *dir, cm_mrio_t *m, cm_error_info_t *err);

/**
 * \brief Read a national symmetric IOT in the OECD layout (BEL2020ttl.csv: one region; the
 * domestic-technology assumption: total use, domestic + imported, as Z) into a one-region
 * system with final demand categories (exports included, the import column IMPO left out) and
 * value added (VALU) and taxes less subsidies on products as the extension "factor_inputs".
 * \return CM_OK; CM_EFILE; CM_EPARSE; CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_mrio_read_oecd_iot(const char *path, cm_mrio_t *m, cm_error_info_t *err);

/**
 * \brief Aggregate regions and/or sectors (pymrio's aggregate): \p region_map and
 * \p sector_map give for each old code its new code (NULL keeps that dimension). Z, Y, x, F,
 * F_Y and population are summed; results are dropped (recompute). In place.
 * \return CM_OK; CM_EINVAL (an old code without a new one: named); CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_mrio_aggregate(cm_mrio_t *m, const char *const *region_map,
                                       const char *const *sector_map, cm_error_info_t *err);

/** Material footprint of one region from a material-extraction extension. */
typedef struct cm_mrio_footprint_t {
    size_t n_groups;
    char **groups;       /**< material groups (the stressor codes themselves without a map); owned */
    double *rmc;         /**< n_groups: raw material consumption = D_cba_reg (+ F_Y) */
    double *rmc_domestic;/**< n_groups: RMC - D_imp_reg (extraction at home for own demand) */
    double *rmc_imported;/**< n_groups: D_imp_reg (extraction abroad for own demand) */
    double *rmi;         /**< n_groups: raw material input = domestic extraction (D_pba_reg) +
                              D_imp_reg */
    double *per_capita;  /**< n_groups: rmc / population (NaN without population) */
    char *unit;          /**< the extension's unit of these stressors (all must agree); owned */
} cm_mrio_footprint_t;

/**
 * \brief Material footprint (RMC, RMI, domestic and imported parts, per capita) of \p region
 * from the computed accounts of extension \p ext, summed into groups by \p group_of (for each
 * stressor row its group code, NULL to leave the row out; NULL map: one group per stressor).
 * 
eturn CM_OK; CM_EINVAL (unknown region, accounts not computed, units that differ within a
 *   group: both named); CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_mrio_footprint(const cm_mrio_t *m, const cm_mrio_ext_t *ext,
                                       const char *region, const char *const *group_of,
                                       cm_mrio_footprint_t *out, cm_error_info_t *err);
/** \brief Free; safe on zeroed or twice. */
CM_EXPORT void cm_mrio_footprint_destroy(cm_mrio_footprint_t *fp);

/**
 * \brief Footprint of each final-demand category of \p region: M y_k + F_Y[:, k] per stressor.
 * For a one-region national IOT under the domestic-technology assumption this is the footprint
 * of households, government, investment ... and of exports, with the IMPO category the
 * (negative) part of imports; summed over the categories it is D_cba_reg. Needs M
 * (::cm_mrio_calc). O(s N c).
 * \param[out] out a zeroed or destroyed array, filled as [stressor, category].
 * \return CM_OK; CM_EINVAL (unknown region: named; M not computed); CM_ENOMEM.
 */
CM_EXPORT cm_error_t cm_mrio_footprint_categories(const cm_mrio_t *m, const cm_mrio_ext_t *ext,
                                                  const char *region, cm_array_t *out,
                                                  cm_error_info_t *err);

CM_END_DECLS

#endif

/**
 * \file cm_reconcile.h
 * \brief STAN-like data reconciliation of a material flow system (docs/reconcile.md, METHODS
 * §B.5): linear weighted least squares under the constraints A x + B y + c = 0 (process
 * balances, transfer coefficients, user relations), with x the measured flows (covariance Q =
 * diag(sigma^2)) and y the unknown flows.
 *
 * Solution (Narasimhan & Jordache 2000, the Stone/STAN form): with P a basis of the left null
 * space of B, G = P A, d = P c,
 *   x^ = x - Q G'(G Q G')^-1 (G x + d),  Q^ = Q - Q G'(G Q G')^-1 G Q,
 *   h = (G x + d)'(G Q G')^-1 (G x + d) ~ chi2(nu), nu = rank(G),
 *   z_i = |x^_i - x_i| / sqrt(Q_ii - Q^_ii).
 * Computed without forming P: the saddle-point matrix K = [A Q A', B; B', 0] is factorised once
 * (CXSparse LU with AMD ordering) and (K^-1)_11 = P'(G Q G')^-1 P; variances come from one solve
 * per quantity, never from a dense inverse. Unobservable unknowns (those in the support of the
 * null space of B) and redundant constraints are found by a rank-revealing sparse LDL' of B'B
 * and of [A B][A B]'. Unobservable flows are reported as such and never given a value.
 */
#ifndef CAMBIUM_CM_RECONCILE_H
#define CAMBIUM_CM_RECONCILE_H

#include <stddef.h>

#include "cm_common.h"
#include "cm_error.h"

CM_BEGIN_DECLS

/** A reconciliation model read from a model file (opaque). */
typedef struct cm_recon_model_t cm_recon_model_t;

/** What is known about a flow after reconciliation. */
typedef enum cm_recon_status_t {
    CM_RECON_REDUNDANT = 0,    /**< measured, and the constraints reconcile it */
    CM_RECON_NONREDUNDANT = 1, /**< measured, but no constraint checks it (x^ = x, no test) */
    CM_RECON_OBSERVABLE = 2,   /**< unknown, computed from the others */
    CM_RECON_UNOBSERVABLE = 3  /**< unknown, not determined by the data (no value given) */
} cm_recon_status_t;

/** The result of ::cm_recon_solve (caller-allocated; zero it, then ::cm_recon_result_destroy). */
typedef struct cm_recon_result_t {
    size_t nflows;   /**< number of flows (model order) */
    double *value;   /**< reconciled value (NaN when unobservable) */
    double *sd;      /**< reconciled standard deviation (NaN when unobservable) */
    double *z;       /**< measurement test (NaN for unknowns and non-redundant data) */
    int *status;     /**< a ::cm_recon_status_t per flow */
    double h;        /**< global test statistic */
    size_t dof;      /**< its degrees of freedom nu = rank(G) (0: no redundancy) */
    double p_value;  /**< P(chi2(nu) >= h); 1 when nu = 0 */
    double h_crit;   /**< the 95 % quantile of chi2(nu) (0 when nu = 0) */
    size_t nconstraints; /**< balances + relations */
    size_t ndropped;     /**< constraints dropped as linear combinations of the others */
    size_t nderived;     /**< derived quantities (model order) */
    double *derived_value; /**< value of each derived quantity (NaN when unobservable) */
    double *derived_sd;    /**< its standard deviation by Gaussian propagation (NaN likewise) */
} cm_recon_result_t;

/**
 * \brief Read a model file (grammar in docs/reconcile.md).
 * \param[in] path the file. \param[out] out the model; free with ::cm_recon_model_free.
 * \return CM_OK; CM_EINVAL (NULL argument); CM_EFILE (unreadable); CM_ENOMEM; CM_EPARSE with
 * file, line and column (unknown process or flow, duplicate name, standard deviation <= 0,
 * a process without any flow, a non-number, a missing item).
 */
CM_EXPORT cm_error_t cm_recon_model_load(const char *path, cm_recon_model_t **out,
                                         cm_error_info_t *err);

/**
 * \brief Parse a model from text (\p name is used in error positions).
 * \return as ::cm_recon_model_load without CM_EFILE.
 */
CM_EXPORT cm_error_t cm_recon_model_parse(const char *text, size_t len, const char *name,
                                          cm_recon_model_t **out, cm_error_info_t *err);

/** \brief Free a model; NULL is a no-op. */
CM_EXPORT void cm_recon_model_free(cm_recon_model_t *m);

/** \brief Number of processes. */
CM_EXPORT size_t cm_recon_nprocesses(const cm_recon_model_t *m);
/** \brief Name of process \p i (borrowed; NULL when out of range). */
CM_EXPORT const char *cm_recon_process_name(const cm_recon_model_t *m, size_t i);
/** \brief Number of flows (stock changes included, as flows named "PROCESS.stock"). */
CM_EXPORT size_t cm_recon_nflows(const cm_recon_model_t *m);
/** \brief Name of flow \p i (borrowed; NULL when out of range). */
CM_EXPORT const char *cm_recon_flow_name(const cm_recon_model_t *m, size_t i);
/**
 * \brief Ends of flow \p i: process indices, or -1 import, -2 export, -3 environment,
 * -4 stock. \return 1 when the flow was measured (then *value, *sd are set), 0 when unknown,
 * -1 when \p i is out of range. Any out pointer may be NULL.
 */
CM_EXPORT int cm_recon_flow_info(const cm_recon_model_t *m, size_t i, long *from, long *to,
                                 double *value, double *sd);
/** \brief Number of derived quantities. */
CM_EXPORT size_t cm_recon_nderived(const cm_recon_model_t *m);
/** \brief Name of derived quantity \p i (borrowed; NULL when out of range). */
CM_EXPORT const char *cm_recon_derived_name(const cm_recon_model_t *m, size_t i);
/**
 * \brief Name of constraint \p i: processes first (their balance, named by the process), then
 * relations ("relation (line N)") and transfer coefficients ("tc FLOW") in the order read
 * (borrowed; NULL when out of range).
 */
CM_EXPORT const char *cm_recon_constraint_name(const cm_recon_model_t *m, size_t i);
/** \brief The model's unit ("" when none; borrowed). */
CM_EXPORT const char *cm_recon_unit(const cm_recon_model_t *m);

/**
 * \brief Change or add a measurement of flow \p i (sd > 0, finite), or mark it unknown
 * (sd = NaN). Used by what-if studies (the report's "which datum" ranking).
 * \return CM_OK or CM_EINVAL.
 */
CM_EXPORT cm_error_t cm_recon_set_measurement(cm_recon_model_t *m, size_t i, double value,
                                              double sd, cm_error_info_t *err);

/** \brief Destroy a result; safe on a zeroed struct; leaves it zeroed. */
CM_EXPORT void cm_recon_result_destroy(cm_recon_result_t *r);

/**
 * \brief Reconcile the model.
 * \param[out] r a zeroed (or destroyed) result; filled.
 * \return CM_OK; CM_EINVAL (NULL); CM_ENOMEM; CM_ENUMERIC (contradictory exact constraints,
 * such as relations among unknown flows only that cannot hold together, or a numerically
 * singular factorisation). A system without redundancy is not an error: dof = 0, x^ = x.
 * Complexity: one sparse LU of K (size constraints + observable unknowns) plus one sparse
 * solve per flow and per derived quantity.
 */
CM_EXPORT cm_error_t cm_recon_solve(const cm_recon_model_t *m, cm_recon_result_t *r,
                                    cm_error_info_t *err);

/**
 * \brief Covariance of the reconciled values of \p k flows (measured: x^, unknown: y), from
 * one sparse solve per flow (g_a = gradient of flow a with respect to the measurements,
 * cov(a, b) = g_a' Q g_b); rows of unobservable flows are NaN; a non-redundant measurement
 * keeps its variance.
 * \param[in] flows k flow indices. \param[out] cov k x k, row-major (caller-allocated).
 * \return CM_OK, CM_EINVAL (NULL, flow out of range), CM_ENOMEM, CM_EOVERFLOW, CM_ENUMERIC
 * (as ::cm_recon_solve). Complexity: one factorisation, k solves, O(k^2 n).
 */
CM_EXPORT cm_error_t cm_recon_covariance(const cm_recon_model_t *m, const size_t *flows,
                                         size_t k, double *cov, cm_error_info_t *err);

/** One candidate measurement of the report's ranking. */
typedef struct cm_recon_candidate_t {
    size_t flow;        /**< the flow */
    double sd_new;      /**< the standard deviation assumed for the new measurement */
    double reduction;   /**< reduction of the target variance (unit^2; NaN for unobservable) */
    double fraction;    /**< reduction / target variance (0 .. 1; NaN likewise) */
    size_t newly_observable; /**< unobservable flows it would make observable */
} cm_recon_candidate_t;

/** The data-gap and inconsistency analysis of ::cm_recon_report. */
typedef struct cm_recon_report_t {
    double *balance_test;    /**< per process then relation: |lambda_k| / sd(lambda_k), NaN when
                                  the constraint has no redundancy or was dropped */
    size_t nbalance;         /**< processes + relations */
    size_t *empty_balances;  /**< processes whose flows are all unknown */
    size_t nempty;
    cm_recon_candidate_t *cand; /**< candidates, best (largest reduction) first */
    size_t ncand;
    double target_var;       /**< variance of the target */
    long target_flow;        /**< target: a flow index, or -1 */
    long target_derived;     /**< target: a derived quantity index, or -1 (both -1: the sum of
                                  the variances of all observable flows) */
} cm_recon_report_t;

/** \brief Destroy a report; safe on a zeroed struct. */
CM_EXPORT void cm_recon_report_destroy(cm_recon_report_t *rep);

/**
 * \brief Data-gap and inconsistency analysis of a solved model: constraint tests, balances
 * without data, and for each unknown flow and each measured flow whose relative standard
 * deviation exceeds \p rel_sd the exact reduction of the target variance (the model's
 * `target`, or the sum of all flow variances) if it were measured with relative standard
 * deviation \p rel_sd (the Gauss-Markov update var' = var - cov(t,a)^2 / (var_a + s^2)); an
 * unobservable candidate instead counts the flows its measurement would make observable.
 * \param[in] r the result of ::cm_recon_solve on \p m. \param[in] rel_sd in (0, 1].
 * \param[out] rep a zeroed report. \return CM_OK, CM_EINVAL, CM_ENOMEM, CM_ENUMERIC (the
 * constraints contradict each other, as in ::cm_recon_solve).
 */
CM_EXPORT cm_error_t cm_recon_report(const cm_recon_model_t *m, const cm_recon_result_t *r,
                                     double rel_sd, cm_recon_report_t *rep,
                                     cm_error_info_t *err);

/**
 * \brief Regularised upper incomplete gamma Q(a, x) = Gamma(a, x) / Gamma(a), a > 0, x >= 0
 * (series below a + 1, continued fraction above); the chi2 survival function is Q(nu/2, h/2).
 * \return NaN for arguments out of range.
 */
CM_EXPORT double cm_recon_gamma_q(double a, double x);

/** \brief The p quantile of chi2(nu) (p in (0,1), nu >= 1) by bisection on ::cm_recon_gamma_q. */
CM_EXPORT double cm_recon_chi2_quantile(double p, double nu);

/**
 * \brief Write recon_flows.csv, recon_tests.json, recon_derived.csv and recon_sankey.svg into
 * \p dir (which must exist), atomically each.
 * \return CM_OK, CM_EINVAL, CM_ENOMEM, CM_EFILE.
 */
CM_EXPORT cm_error_t cm_recon_write(const cm_recon_model_t *m, const cm_recon_result_t *r,
                                    const char *dir, cm_error_info_t *err);

/** \brief As ::cm_recon_write, the Sankey diagram only when \p sankey is non-zero. */
CM_EXPORT cm_error_t cm_recon_write_files(const cm_recon_model_t *m, const cm_recon_result_t *r,
                                          const char *dir, int sankey, cm_error_info_t *err);

CM_END_DECLS

#endif

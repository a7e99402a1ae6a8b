/* Prototypes of the Fortran LAPACK routines that the linked OpenBLAS exports (its own threaded
 * implementations; OpenBLAS is built with 32-bit integers on Debian: blasint = int). Character
 * arguments follow the gfortran convention: a hidden length of type size_t per character
 * argument, after all the others (GCC >= 8). Internal header, not installed. */
#ifndef CAMBIUM_MRIO_LAPACK_H
#define CAMBIUM_MRIO_LAPACK_H

#include <stddef.h>

/* LU factorisation with partial pivoting, in place: A = P L U. info > 0: U(info, info) = 0. */
void dgetrf_(const int *m, const int *n, double *a, const int *lda, int *ipiv, int *info);

/* Solve A X = B ('N') or A^T X = B ('T') with the factors of dgetrf_; B is overwritten. */
void dgetrs_(const char *trans, const int *n, const int *nrhs, const double *a, const int *lda,
             const int *ipiv, double *b, const int *ldb, int *info, size_t trans_len);

/* Inverse from the factors of dgetrf_, in place; lwork = -1 queries the workspace size. */
void dgetri_(const int *n, double *a, const int *lda, const int *ipiv, double *work,
             const int *lwork, int *info);

/* Row interchanges ipiv[k1-1 .. k2-1] on the n columns of a (incx = -1: in reverse order). */
void dlaswp_(const int *n, double *a, const int *lda, const int *k1, const int *k2, const int *ipiv,
             const int *incx);

#endif

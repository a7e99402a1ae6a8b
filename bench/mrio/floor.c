/*
 * floor N_SECTORS [SEED]: the floor of the mrio benchmark, a bare LAPACK factorisation (dgetrf
 * of the linked OpenBLAS) of the same I - A the other programs compute.
 *
 * The system is regenerated in memory from the seed (gen_model.h): Z and Y are bit-identical to
 * the values gen writes (and the readers parse back), x = Z e + Y e summed in row order, then
 * I - A column-major. Only dgetrf_ is timed (wall clock). Prints
 *   floor: N 980 dgetrf 0.0123 s (2 OpenBLAS threads)
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "gen_model.h"

void dgetrf_(const int *m, const int *n, double *a, const int *lda, int *ipiv, int *info);
int openblas_get_num_threads(void);

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: floor N_SECTORS [SEED]\n");
        return 2;
    }
    char *end;
    long n = strtol(argv[1], &end, 10);
    if (*end || n < 1 || n > 999) {
        fprintf(stderr, "floor: N_SECTORS: expected 1..999, got '%s'\n", argv[1]);
        return 2;
    }
    uint64_t seed = argc == 3 ? strtoull(argv[2], &end, 10) : 1;
    gen_system_t s;
    if (gen_system(&s, (size_t)n, seed) != 0) {
        fprintf(stderr, "floor: out of memory\n");
        return 1;
    }
    size_t N = s.N;
    free(s.xt);
    s.xt = NULL;
    double *x = calloc(N, sizeof(double));
    int *ipiv = calloc(N, sizeof(int));
    if (!x || !ipiv) {
        fprintf(stderr, "floor: out of memory\n");
        return 1;
    }
    for (size_t i = 0; i < N; i++) {
        double t = 0.0;
        for (size_t j = 0; j < N; j++)
            t += s.Z[i * N + j];
        for (size_t k = 0; k < s.NY; k++)
            t += s.Y[i * s.NY + k];
        x[i] = t;
    }
    free(s.Y);
    s.Y = NULL;
    /* Z row-major is Z^T column-major: transpose in place, then I - Z diag(1/x) */
    for (size_t i = 0; i < N; i++)
        for (size_t j = i + 1; j < N; j++) {
            double t = s.Z[i * N + j];
            s.Z[i * N + j] = s.Z[j * N + i];
            s.Z[j * N + i] = t;
        }
    for (size_t j = 0; j < N; j++) {
        double r = x[j] != 0.0 ? 1.0 / x[j] : 0.0;
        double *col = s.Z + j * N;
        for (size_t i = 0; i < N; i++)
            col[i] = -col[i] * r;
        col[j] += 1.0;
    }
    int nn = (int)N, info = 0;
    double t0 = now();
    dgetrf_(&nn, &nn, s.Z, &nn, ipiv, &info);
    double t1 = now();
    if (info != 0) {
        fprintf(stderr, "floor: dgetrf info %d\n", info);
        return 1;
    }
    printf("floor: N %zu dgetrf %.4f s (%d OpenBLAS threads)\n", N, t1 - t0, openblas_get_num_threads());
    free(x);
    free(ipiv);
    gen_free(&s);
    return 0;
}

/*
 * The synthetic EXIOBASE-like MRIO system of the mrio benchmark, generated in memory from a seed.
 * Shared by gen.c (writes it in pymrio's folder format) and floor.c (factorises the same I - A).
 *
 * 49 regions x n sectors (N = 49 n), 7 final-demand categories per region. Z: domestic blocks
 * dense, foreign blocks about 20 % nonzero, each column scaled so that its sum is 0.50-0.60 of
 * the column's target output (then rows above 0.9 of their output are scaled down: a few
 * columns end a little below 0.5). Final demand takes the rest of each row. Every value of Z
 * and Y is rounded to a multiple of 1/1000 below 1e7, so "%.10g" writes it exactly and strtod
 * reads back the same double: the in-memory system and the files are bit-identical.
 * Deterministic from the seed (xorshift64* seeded by splitmix64); no libc random numbers.
 */
#ifndef BENCH_MRIO_GEN_MODEL_H
#define BENCH_MRIO_GEN_MODEL_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define GEN_R 49
#define GEN_C 7

typedef struct {
    uint64_t s;
} gen_rng_t;

static uint64_t gen_splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static void gen_rng_seed(gen_rng_t *g, uint64_t seed)
{
    uint64_t x = seed;
    g->s = gen_splitmix(&x);
    if (g->s == 0)
        g->s = 1;
}

static uint64_t gen_next(gen_rng_t *g)
{
    g->s ^= g->s >> 12;
    g->s ^= g->s << 25;
    g->s ^= g->s >> 27;
    return g->s * 0x2545F4914F6CDD1DULL;
}

/* uniform in [0, 1) with 53 random bits */
static double gen_u(gen_rng_t *g) { return (double)(gen_next(g) >> 11) * 0x1.0p-53; }

/* standard normal (Box-Muller, one value per call) */
static double gen_normal(gen_rng_t *g)
{
    double u1 = 1.0 - gen_u(g), u2 = gen_u(g);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/* the nearest double to round(v * 1000) / 1000: what strtod returns for its "%.10g" text */
static double gen_q3(double v) { return (double)llround(v * 1000.0) / 1000.0; }

typedef struct {
    size_t n, N, NY;  /* sectors, R n, R C */
    double *Z;        /* N x N, row-major (row i = producer) */
    double *Y;        /* N x NY, row-major */
    double *xt;       /* N target outputs */
} gen_system_t;

static void gen_free(gen_system_t *s)
{
    free(s->Z);
    free(s->Y);
    free(s->xt);
}

/* category weights of domestic final demand (households, NPISH, government, GFCF, inventories,
   valuables, export) */
static const double gen_cat_w[GEN_C] = {0.55, 0.02, 0.15, 0.20, 0.03, 0.01, 0.04};

/* Generate Z, Y (and the target outputs) of the system with n sectors. 0 on success. */
static int gen_system(gen_system_t *s, size_t n, uint64_t seed)
{
    size_t N = GEN_R * n, NY = GEN_R * GEN_C;
    gen_rng_t g;
    gen_rng_seed(&g, seed);
    s->n = n;
    s->N = N;
    s->NY = NY;
    s->Z = calloc(N * N, sizeof(double));
    s->Y = calloc(N * NY, sizeof(double));
    s->xt = calloc(N, sizeof(double));
    double *rs = calloc(GEN_R, sizeof(double)), *ss = calloc(n, sizeof(double));
    double *w = calloc(N, sizeof(double)), *rowsum = calloc(N, sizeof(double));
    if (!s->Z || !s->Y || !s->xt || !rs || !ss || !w || !rowsum) {
        free(rs), free(ss), free(w), free(rowsum);
        gen_free(s);
        return -1;
    }
    for (size_t r = 0; r < GEN_R; r++)
        rs[r] = exp(1.0 * gen_normal(&g));
    for (size_t k = 0; k < n; k++)
        ss[k] = exp(1.0 * gen_normal(&g));
    for (size_t i = 0; i < N; i++) {
        double v = 2000.0 * rs[i / n] * ss[i % n] * exp(0.3 * gen_normal(&g));
        s->xt[i] = v < 10.0 ? 10.0 : (v > 2e6 ? 2e6 : v);
    }
    /* columns: domestic inputs dense, foreign inputs 20 % nonzero, sum = a_j x_j */
    for (size_t j = 0; j < N; j++) {
        size_t rj = j / n;
        double a = 0.50 + 0.10 * gen_u(&g), d = 0.60 + 0.25 * gen_u(&g);
        double wd = 0.0, wf = 0.0;
        for (size_t i = 0; i < N; i++) {
            double u = gen_u(&g);
            if (i / n == rj) {
                w[i] = s->xt[i] * u * u;
                wd += w[i];
            } else if (gen_u(&g) < 0.2) {
                w[i] = s->xt[i] * u * u;
                wf += w[i];
            } else {
                w[i] = 0.0;
            }
        }
        double cd = wd > 0 ? a * d * s->xt[j] / wd : 0.0;
        double cf = wf > 0 ? a * (1.0 - d) * s->xt[j] / wf : 0.0;
        if (wf == 0.0)
            cd = wd > 0 ? a * s->xt[j] / wd : 0.0;
        for (size_t i = 0; i < N; i++)
            s->Z[i * N + j] = w[i] * (i / n == rj ? cd : cf);
    }
    /* rows: at most 0.9 of the row's output goes to intermediate use; round */
    for (size_t i = 0; i < N; i++) {
        double *zi = s->Z + i * N, t = 0.0;
        for (size_t j = 0; j < N; j++)
            t += zi[j];
        double f = t > 0.9 * s->xt[i] ? 0.9 * s->xt[i] / t : 1.0;
        t = 0.0;
        for (size_t j = 0; j < N; j++) {
            zi[j] = gen_q3(zi[j] * f);
            t += zi[j];
        }
        rowsum[i] = t;
    }
    /* final demand: the rest of each row; 70-90 % at home over the 7 categories, the rest to
       households and GFCF of about 20 % of the other regions */
    for (size_t i = 0; i < N; i++) {
        double y = s->xt[i] - rowsum[i], dom = 0.70 + 0.20 * gen_u(&g);
        double *yi = s->Y + i * NY, wsum = 0.0;
        size_t ri = i / n;
        double cw[GEN_C];
        for (size_t c = 0; c < GEN_C; c++) {
            cw[c] = gen_cat_w[c] * (0.5 + gen_u(&g));
            wsum += cw[c];
        }
        for (size_t c = 0; c < GEN_C; c++)
            yi[ri * GEN_C + c] = y * dom * cw[c] / wsum;
        double fw = 0.0;
        for (size_t r = 0; r < GEN_R; r++) {
            if (r == ri || gen_u(&g) >= 0.2)
                continue;
            double u1 = gen_u(&g), u2 = gen_u(&g);
            yi[r * GEN_C + 0] = u1 * rs[r];
            yi[r * GEN_C + 3] = u2 * rs[r];
            fw += yi[r * GEN_C + 0] + yi[r * GEN_C + 3];
        }
        if (fw == 0.0) {
            for (size_t c = 0; c < GEN_C; c++)
                yi[ri * GEN_C + c] = y * cw[c] / wsum;
        } else {
            for (size_t r = 0; r < GEN_R; r++)
                if (r != ri) {
                    yi[r * GEN_C + 0] *= y * (1.0 - dom) / fw;
                    yi[r * GEN_C + 3] *= y * (1.0 - dom) / fw;
                }
        }
        for (size_t k = 0; k < NY; k++)
            yi[k] = gen_q3(yi[k]);
    }
    free(rs), free(ss), free(w), free(rowsum);
    return 0;
}

#endif

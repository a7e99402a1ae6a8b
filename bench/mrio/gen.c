/*
 * gen N_SECTORS OUTDIR [SEED]: write an EXIOBASE-like synthetic MRIO system (49 regions x
 * N_SECTORS sectors, 7 final-demand categories per region) in pymrio's folder format, laid out
 * exactly as pymrio's save_all writes it (see /work/shared/data/pymrio-test-mrio/pymrio_format):
 *   Z.txt Y.txt unit.txt population.txt metadata.json file_parameters.json
 *   emissions/     F.txt F_Y.txt unit.txt file_parameters.json  (9 stressors; stressor, compartment)
 *   materials/     F.txt F_Y.txt (zeros) unit.txt ...            (6 material-extraction stressors, t)
 *   factor_inputs/ F.txt unit.txt ...                           (value added, M.EUR)
 * Numbers are written with "%.10g"; every value is generated as the nearest double to a decimal
 * of at most 10 significant digits, so the text is exact (see gen_model.h). x is not written:
 * readers compute it as Z e + Y e, as pymrio does for this folder.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gen_model.h"

static const char *const cat_names[GEN_C] = {
    "Final consumption expenditure by households",
    "Final consumption expenditure by non-profit organisations serving households (NPISH)",
    "Final consumption expenditure by government",
    "Gross fixed capital formation",
    "Changes in inventories",
    "Changes in valuables",
    "Export"};

#define N_EM 9
static const char *const em_names[N_EM][2] = {
    {"CO2 - combustion", "air"},
    {"CH4 - combustion", "air"},
    {"N2O - combustion", "air"},
    {"CO2 - non combustion - Cement production", "air"},
    {"SOx - combustion", "air"},
    {"NOx - combustion", "air"},
    {"NH3 - agriculture", "air"},
    {"PM10 - combustion", "air"},
    {"N - agriculture", "water"}};
/* typical kg per M.EUR of output, and the share of household direct emissions per M.EUR of
   household final demand (0: none) */
static const double em_base[N_EM] = {3e5, 1e3, 20.0, 2e4, 800.0, 900.0, 300.0, 60.0, 400.0};
static const double em_hh[N_EM] = {1e5, 50.0, 2.0, 0.0, 50.0, 200.0, 0.0, 20.0, 0.0};

#define N_MAT 6
static const char *const mat_names[N_MAT] = {
    "Domestic Extraction Used - Metal Ores - Iron ores",
    "Domestic Extraction Used - Metal Ores - Copper ores",
    "Domestic Extraction Used - Metal Ores - Bauxite and aluminium ores",
    "Domestic Extraction Used - Non-Metallic Minerals - Limestone, gypsum, chalk, dolomite",
    "Domestic Extraction Used - Fossil Fuels - Crude oil",
    "Domestic Extraction Used - Primary Crops - Cereals"};

static char *g_dir;
static size_t g_n, g_N;

static void die(const char *what)
{
    fprintf(stderr, "gen: %s: %s\n", what, strerror(errno));
    exit(1);
}

static FILE *open_w(const char *sub, const char *name)
{
    char p[4096];
    snprintf(p, sizeof p, "%s%s%s/%s", g_dir, sub ? "/" : "", sub ? sub : "", name);
    FILE *f = fopen(p, "w");
    if (!f)
        die(p);
    static char buf[1 << 20];
    setvbuf(f, buf, _IOFBF, sizeof buf);
    return f;
}

static void close_w(FILE *f)
{
    if (fclose(f) != 0)
        die("write");
}

/* a number as pymrio's readers take it; exact for the generated values */
static size_t put_num(char *p, double v)
{
    if (v == 0.0) {
        p[0] = '0';
        return 1;
    }
    return (size_t)snprintf(p, 32, "%.10g", v);
}

/* header rows of a table whose columns are (region, sector) or (region, category) */
static void col_header(FILE *f, size_t n_index, const char *const *index_names, int by_category)
{
    size_t per = by_category ? GEN_C : g_n, cols = GEN_R * per;
    fputs("region", f);
    for (size_t k = 1; k < n_index; k++)
        fputc('\t', f);
    for (size_t c = 0; c < cols; c++)
        fprintf(f, "\tR%02zu", c / per + 1);
    fputc('\n', f);
    fputs(by_category ? "category" : "sector", f);
    for (size_t k = 1; k < n_index; k++)
        fputc('\t', f);
    for (size_t c = 0; c < cols; c++) {
        if (by_category)
            fprintf(f, "\t%s", cat_names[c % GEN_C]);
        else
            fprintf(f, "\tS%03zu", c % g_n + 1);
    }
    fputc('\n', f);
    for (size_t k = 0; k < n_index; k++)
        fprintf(f, "%s%s", k ? "\t" : "", index_names[k]);
    for (size_t c = 0; c < cols; c++)
        fputc('\t', f);
    fputc('\n', f);
}

/* rows of values after their index text; row-major rows x cols */
static void put_rows(FILE *f, const char *label, const double *v, size_t cols, char *line)
{
    size_t k = (size_t)snprintf(line, 1024, "%s", label);
    for (size_t c = 0; c < cols; c++) {
        line[k++] = '\t';
        k += put_num(line + k, v[c]);
    }
    line[k++] = '\n';
    if (fwrite(line, 1, k, f) != k)
        die("write");
}

static void write_matrix(const char *name, const double *m, size_t cols, int by_category, char *line)
{
    static const char *const idx[2] = {"region", "sector"};
    FILE *f = open_w(NULL, name);
    col_header(f, 2, idx, by_category);
    char lab[64];
    for (size_t i = 0; i < g_N; i++) {
        snprintf(lab, sizeof lab, "R%02zu\tS%03zu", i / g_n + 1, i % g_n + 1);
        put_rows(f, lab, m + i * cols, cols, line);
    }
    close_w(f);
}

static void write_params(const char *sub, const char *title, int n_index, int with_fy, int root)
{
    FILE *f = open_w(sub, "file_parameters.json");
    fputs("{\n    \"files\": {\n", f);
    if (root) {
        fputs("        \"Z\": {\n            \"name\": \"Z.txt\",\n            \"nr_index_col\": \"2\",\n"
              "            \"nr_header\": \"2\"\n        },\n"
              "        \"Y\": {\n            \"name\": \"Y.txt\",\n            \"nr_index_col\": \"2\",\n"
              "            \"nr_header\": \"2\"\n        },\n"
              "        \"unit\": {\n            \"name\": \"unit.txt\",\n            \"nr_index_col\": \"2\",\n"
              "            \"nr_header\": \"1\"\n        },\n"
              "        \"population\": {\n            \"name\": \"population.txt\",\n"
              "            \"nr_index_col\": \"1\",\n            \"nr_header\": \"1\"\n        }\n"
              "    },\n    \"systemtype\": \"IOSystem\"\n}", f);
    } else {
        fprintf(f, "        \"F\": {\n            \"name\": \"F.txt\",\n            \"nr_index_col\": \"%d\",\n"
                   "            \"nr_header\": \"2\"\n        },\n", n_index);
        if (with_fy)
            fprintf(f, "        \"F_Y\": {\n            \"name\": \"F_Y.txt\",\n"
                       "            \"nr_index_col\": \"%d\",\n            \"nr_header\": \"2\"\n        },\n",
                    n_index);
        fprintf(f, "        \"unit\": {\n            \"name\": \"unit.txt\",\n            \"nr_index_col\": \"%d\",\n"
                   "            \"nr_header\": \"1\"\n        }\n"
                   "    },\n    \"systemtype\": \"Extension\",\n    \"name\": \"%s\"\n}",
                n_index, title);
    }
    close_w(f);
}

/* round a row of values to at most 10 significant digits of its largest magnitude (exactly
   representable text with %.10g): multiples of 10^e, e = floor(log10(max)) - 9 */
static void quantise_row(double *v, size_t m)
{
    double mx = 0.0;
    for (size_t k = 0; k < m; k++)
        if (fabs(v[k]) > mx)
            mx = fabs(v[k]);
    if (mx == 0.0)
        return;
    int e = (int)floor(log10(mx)) - 9;
    double q = pow(10.0, e < 0 ? -e : e);
    for (size_t k = 0; k < m; k++)
        v[k] = e < 0 ? (double)llround(v[k] * q) / q : (double)llround(v[k] / q) * q;
}

static void mkdir_p(const char *sub)
{
    char p[4096];
    snprintf(p, sizeof p, "%s%s%s", g_dir, sub ? "/" : "", sub ? sub : "");
    if (mkdir(p, 0777) != 0 && errno != EEXIST)
        die(p);
}

static void write_ext(const char *sub, const char *title, size_t n_index, const char *const *index_names,
                      size_t ns, const char *const *labels, const char *unit, const double *F,
                      const double *FY, char *line)
{
    mkdir_p(sub);
    FILE *f = open_w(sub, "F.txt");
    col_header(f, n_index, index_names, 0);
    for (size_t s = 0; s < ns; s++) {
        char lab[512];
        snprintf(lab, sizeof lab, "%s%s%s", labels[s * n_index], n_index > 1 ? "\t" : "",
                 n_index > 1 ? labels[s * n_index + 1] : "");
        put_rows(f, lab, F + s * g_N, g_N, line);
    }
    close_w(f);
    if (FY) {
        f = open_w(sub, "F_Y.txt");
        col_header(f, n_index, index_names, 1);
        for (size_t s = 0; s < ns; s++) {
            char lab[512];
            snprintf(lab, sizeof lab, "%s%s%s", labels[s * n_index], n_index > 1 ? "\t" : "",
                     n_index > 1 ? labels[s * n_index + 1] : "");
            put_rows(f, lab, FY + s * GEN_R * GEN_C, GEN_R * GEN_C, line);
        }
        close_w(f);
    }
    f = open_w(sub, "unit.txt");
    for (size_t k = 0; k < n_index; k++)
        fprintf(f, "%s\t", index_names[k]);
    fputs("unit\n", f);
    for (size_t s = 0; s < ns; s++) {
        for (size_t k = 0; k < n_index; k++)
            fprintf(f, "%s\t", labels[s * n_index + k]);
        fprintf(f, "%s\n", unit);
    }
    close_w(f);
    write_params(sub, title, (int)n_index, FY != NULL, 0);
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: gen N_SECTORS OUTDIR [SEED]\n");
        return 2;
    }
    char *end;
    long n = strtol(argv[1], &end, 10);
    if (*end || n < 1 || n > 999) {
        fprintf(stderr, "gen: N_SECTORS: expected 1..999, got '%s'\n", argv[1]);
        return 2;
    }
    uint64_t seed = 1;
    if (argc == 4) {
        errno = 0;
        seed = strtoull(argv[3], &end, 10);
        if (*end || errno) {
            fprintf(stderr, "gen: SEED: expected an integer, got '%s'\n", argv[3]);
            return 2;
        }
    }
    g_dir = argv[2];
    g_n = (size_t)n;
    g_N = GEN_R * g_n;
    size_t N = g_N, NY = GEN_R * GEN_C;
    mkdir_p(NULL);

    gen_system_t sys;
    if (gen_system(&sys, g_n, seed) != 0) {
        fprintf(stderr, "gen: out of memory\n");
        return 1;
    }
    char *line = malloc((N > NY ? N : NY) * 24 + 1024);
    double *x = calloc(N, sizeof(double)), *colz = calloc(N, sizeof(double));
    double *F = calloc(N_EM * N, sizeof(double)), *FY = calloc(N_EM * NY, sizeof(double));
    double *Fm = calloc(N_MAT * N, sizeof(double)), *FYm = calloc(N_MAT * NY, sizeof(double));
    double *va = calloc(N, sizeof(double)), *pop = calloc(GEN_R, sizeof(double));
    if (!line || !x || !colz || !F || !FY || !Fm || !FYm || !va || !pop) {
        fprintf(stderr, "gen: out of memory\n");
        return 1;
    }
    write_matrix("Z.txt", sys.Z, N, 0, line);
    write_matrix("Y.txt", sys.Y, NY, 1, line);

    /* output and intermediate inputs, as the readers will compute them */
    for (size_t i = 0; i < N; i++) {
        const double *zi = sys.Z + i * N;
        double t = 0.0;
        for (size_t j = 0; j < N; j++) {
            t += zi[j];
            colz[j] += zi[j];
        }
        for (size_t k = 0; k < NY; k++)
            t += sys.Y[i * NY + k];
        x[i] = t;
    }
    gen_rng_t g;
    gen_rng_seed(&g, seed ^ 0x5DEECE66DULL);
    /* emissions: sector intensity (fixed per sector) x regional factor x noise; 30 % of
       sector-stressor pairs emit nothing */
    for (size_t s = 0; s < N_EM; s++) {
        double *sect = calloc(g_n, sizeof(double)), reg[GEN_R];
        for (size_t k = 0; k < g_n; k++)
            sect[k] = gen_u(&g) < 0.3 ? 0.0 : em_base[s] * exp(1.5 * gen_normal(&g));
        for (size_t r = 0; r < GEN_R; r++)
            reg[r] = exp(0.4 * gen_normal(&g));
        for (size_t j = 0; j < N; j++)
            F[s * N + j] = sect[j % g_n] * reg[j / g_n] * exp(0.2 * gen_normal(&g)) * x[j];
        quantise_row(F + s * N, N);
        for (size_t r = 0; r < GEN_R; r++) {
            double hh = 0.0;
            for (size_t i = 0; i < N; i++)
                hh += sys.Y[i * NY + r * GEN_C];
            FY[s * NY + r * GEN_C] = em_hh[s] * reg[r] * hh;
        }
        quantise_row(FY + s * NY, NY);
        free(sect);
    }
    /* materials: each extracted by a few sectors (1 + n/40), in 70 % of the regions */
    for (size_t m = 0; m < N_MAT; m++) {
        size_t ns = 1 + g_n / 40;
        for (size_t t = 0; t < ns; t++) {
            size_t k = (m * 7 + t * 13) % g_n;
            double base = 1e3 * exp(gen_normal(&g));
            for (size_t r = 0; r < GEN_R; r++) {
                if (gen_u(&g) < 0.3)
                    continue;
                size_t j = r * g_n + k;
                Fm[m * N + j] += base * exp(0.8 * gen_normal(&g)) * x[j];
            }
        }
        quantise_row(Fm + m * N, N);
    }
    for (size_t j = 0; j < N; j++)
        va[j] = x[j] - colz[j];
    quantise_row(va, N);
    for (size_t r = 0; r < GEN_R; r++)
        pop[r] = (double)llround(2e7 * exp(1.2 * gen_normal(&g)));

    static const char *const em_idx[2] = {"stressor", "compartment"};
    write_ext("emissions", "Emissions", 2, em_idx, N_EM, &em_names[0][0], "kg", F, FY, line);
    static const char *const mat_idx[1] = {"stressor"};
    write_ext("materials", "Material extraction", 1, mat_idx, N_MAT, mat_names, "t", Fm, FYm, line);
    static const char *const fi_idx[1] = {"inputtype"};
    static const char *const fi_lab[1] = {"Value Added"};
    write_ext("factor_inputs", "Factor Inputs", 1, fi_idx, 1, fi_lab, "M.EUR", va, NULL, line);

    FILE *f = open_w(NULL, "unit.txt");
    fputs("region\tsector\tunit\n", f);
    for (size_t i = 0; i < N; i++)
        fprintf(f, "R%02zu\tS%03zu\tM.EUR\n", i / g_n + 1, i % g_n + 1);
    close_w(f);
    f = open_w(NULL, "population.txt");
    for (size_t r = 0; r < GEN_R; r++)
        fprintf(f, "\tR%02zu", r + 1);
    fputs("\nPopulation", f);
    for (size_t r = 0; r < GEN_R; r++)
        fprintf(f, "\t%.10g", pop[r]);
    fputc('\n', f);
    close_w(f);
    f = open_w(NULL, "metadata.json");
    fprintf(f, "{\n    \"description\": \"synthetic EXIOBASE-like MRIO for the cambium mrio benchmark\",\n"
               "    \"name\": \"synthetic-49x%zu\",\n    \"system\": \"ixi\",\n    \"version\": \"seed %llu\",\n"
               "    \"history\": []\n}", g_n, (unsigned long long)seed);
    close_w(f);
    write_params(NULL, NULL, 2, 0, 1);

    double amin = 1e300, amax = 0.0;
    for (size_t j = 0; j < N; j++) {
        double a = x[j] > 0 ? colz[j] / x[j] : 0.0;
        amin = a < amin ? a : amin;
        amax = a > amax ? a : amax;
    }
    size_t nz = 0;
    for (size_t k = 0; k < N * N; k++)
        nz += sys.Z[k] != 0.0;
    fprintf(stderr, "gen: %zu x %zu = %zu sectors, seed %llu; Z %.1f %% nonzero; column sums of A %.3f..%.3f\n",
            (size_t)GEN_R, g_n, N, (unsigned long long)seed, 100.0 * (double)nz / ((double)N * (double)N),
            amin, amax);
    free(line), free(x), free(colz), free(F), free(FY), free(Fm), free(FYm), free(va), free(pop);
    gen_free(&sys);
    return 0;
}

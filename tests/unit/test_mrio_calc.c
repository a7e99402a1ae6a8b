/* cm_mrio_calc and cm_mrio_footprint: the METHODS §B.3 worked example in exact fractions, the
 * pymrio test system against tests/data/mrio/ref/ (pymrio's recipe in numpy), identities and a
 * naive S L Y_diag on random systems (both import routes), options, errors, allocation
 * failures; material footprints. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cm_test.h"
#include "cambium/cm_alloc.h"
#include "cambium/cm_mrio.h"
#include "cambium/cm_rng.h"

/* --- the worked 2-region x 1-sector example -------------------------------------------- */

static void build_2r(cm_mrio_t *m, const double z[4], int with_pop)
{
    static const char *const reg[] = {"A", "B"}, *const sec[] = {"s"}, *const cat[] = {"fd"};
    static const char *const idx[] = {"stressor"}, *const lab[] = {"CO2"}, *const un[] = {"t"};
    cm_error_info_t err;
    cm_mrio_ext_t *e = NULL;
    memset(m, 0, sizeof *m);
    CHECK_OK(cm_mrio_init(m, 2, reg, 1, sec, 1, cat, &err), &err);
    /* Z = [[20, 10], [30, 40]], Y = [[50, 20], [20, 60]] (column-major) */
    const double y[4] = {50, 20, 20, 60};
    memcpy(m->Z.data, z, sizeof y);
    memcpy(m->Y.data, y, sizeof y);
    CHECK_OK(cm_mrio_add_ext(m, "emissions", 1, idx, 1, lab, un, 0, &e, &err), &err);
    e->F.data[0] = 100;
    e->F.data[1] = 300;
    if (with_pop) {
        const char *rd[] = {CM_MRIO_DIM_REGION_TO};
        size_t sz[] = {2};
        const char *const *codes[] = {reg};
        CHECK_OK(cm_array_init(&m->population, 1, rd, sz, codes, "1", &err), &err);
        m->population.data[0] = 10;
        m->population.data[1] = 20;
    }
}

static const double Z2[4] = {20, 30, 10, 40};

static void test_worked_example(void **state)
{
    (void)state;
    cm_mrio_t m;
    cm_mrio_options_t opt;
    cm_mrio_check_t chk;
    cm_error_info_t err;
    build_2r(&m, Z2, 1);
    cm_mrio_options_default(&opt);
    opt.want_L = 1;
    opt.keep_A = 1;
    CHECK_OK(cm_mrio_calc(&m, &opt, &chk, &err), &err);
    const double tol = 1e-13;
    ASSERT_NEAR(m.x.data[0], 100, tol, 0);
    ASSERT_NEAR(m.x.data[1], 150, tol, 0);
    const double A[4] = {1.0 / 5, 3.0 / 10, 1.0 / 15, 4.0 / 15};
    const double L[4] = {22.0 / 17, 9.0 / 17, 2.0 / 17, 24.0 / 17};
    for (int i = 0; i < 4; i++) {
        ASSERT_NEAR(m.A.data[i], A[i], tol, 0);
        ASSERT_NEAR(m.L.data[i], L[i], tol, 0);
    }
    assert_null(m.Z.data); /* turned into A, then into the factors and L */
    cm_mrio_ext_t *e = &m.ext[0];
    ASSERT_NEAR(e->S.data[0], 1, tol, 0);
    ASSERT_NEAR(e->S.data[1], 2, tol, 0);
    ASSERT_NEAR(e->M.data[0], 40.0 / 17, tol, 0);
    ASSERT_NEAR(e->M.data[1], 50.0 / 17, tol, 0);
    ASSERT_NEAR(e->D_cba.data[0], 3000.0 / 17, tol, 0);
    ASSERT_NEAR(e->D_cba.data[1], 3800.0 / 17, tol, 0);
    ASSERT_NEAR(e->D_imp.data[0], 1860.0 / 17, tol, 0);
    ASSERT_NEAR(e->D_imp.data[1], 560.0 / 17, tol, 0);
    ASSERT_NEAR(e->D_exp.data[0], 560.0 / 17, tol, 0);
    ASSERT_NEAR(e->D_exp.data[1], 1860.0 / 17, tol, 0);
    ASSERT_NEAR(e->D_pba.data[0], 100, tol, 0);
    ASSERT_NEAR(e->D_pba.data[1], 300, tol, 0);
    ASSERT_NEAR(e->D_cba_reg.data[1], 3800.0 / 17, tol, 0);
    ASSERT_NEAR(e->D_cba_cap.data[1], 3800.0 / 17 / 20, tol, 0);
    ASSERT_NEAR(e->D_imp_cap.data[0], 1860.0 / 17 / 10, tol, 0);
    assert_null(e->S_Y.data); /* no F_Y */
    assert_int_equal(chk.n_identities, 1 + 2);
    assert_true(chk.worst_cba_pba < 1e-14);
    assert_true(chk.worst_balance < 1e-14);
    assert_true(chk.x_residual < 1e-14);
    ASSERT_NEAR(chk.max_colsum_A, 1.0 / 5 + 3.0 / 10, tol, 0);
    assert_int_equal(chk.zero_output, 0);
    /* a second calculation through the kept A gives the same */
    opt.want_L = 0;
    CHECK_OK(cm_mrio_calc(&m, &opt, &chk, &err), &err);
    ASSERT_NEAR(e->D_imp.data[0], 1860.0 / 17, tol, 0);
    assert_null(m.L.data);
    cm_mrio_destroy(&m);
}

/* --- the pymrio test system ------------------------------------------------------------ */

typedef struct tsv_t {
    size_t nrow, ncol, nidx;
    double *v;             /* row-major nrow x ncol */
    char **labels;         /* nrow x nidx */
    char **head1, **head2; /* ncol labels of the first two header lines (NULL when absent) */
} tsv_t;

static void tsv_free(tsv_t *t)
{
    for (size_t i = 0; t->labels != NULL && i < t->nrow * t->nidx; i++) {
        free(t->labels[i]);
    }
    for (size_t j = 0; j < t->ncol; j++) {
        free(t->head1 != NULL ? t->head1[j] : NULL);
        free(t->head2 != NULL ? t->head2[j] : NULL);
    }
    free(t->labels);
    free(t->head1);
    free(t->head2);
    free(t->v);
    memset(t, 0, sizeof *t);
}

static char *dupstr(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    assert_non_null(d);
    memcpy(d, s, n);
    return d;
}

/* A tiny splitter for the pymrio text files: nhdr header lines (plus pymrio's index-name
 * line when nhdr > 1), nidx label columns, then numbers; sep is '\t' or ','. */
static int tsv_read(const char *path, size_t nhdr, size_t nidx, char sep, tsv_t *t)
{
    FILE *f = fopen(path, "r");
    static char line[1 << 16];
    memset(t, 0, sizeof *t);
    t->nidx = nidx;
    if (f == NULL) {
        return -1;
    }
    size_t skip = nhdr + (nhdr > 1), ln = 0, cap = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        line[strcspn(line, "\r\n")] = '\0';
        char *fields[4096];
        size_t nf = 0;
        char *p = line;
        for (;;) {
            fields[nf++] = p;
            char *q = strchr(p, sep);
            if (q == NULL || nf == 4096) {
                break;
            }
            *q = '\0';
            p = q + 1;
        }
        if (ln < skip) {
            if (ln < 2 && nf > nidx) {
                char ***h = ln == 0 ? &t->head1 : &t->head2;
                t->ncol = nf - nidx;
                *h = calloc(t->ncol, sizeof **h);
                for (size_t j = 0; j < t->ncol; j++) {
                    (*h)[j] = dupstr(fields[nidx + j]);
                }
            }
            ln++;
            continue;
        }
        ln++;
        if (nf <= nidx) {
            continue;
        }
        if (t->ncol == 0) {
            t->ncol = nf - nidx;
        }
        assert_int_equal(nf - nidx, t->ncol);
        if (t->nrow == cap) {
            cap = cap ? 2 * cap : 64;
            t->v = realloc(t->v, cap * t->ncol * sizeof *t->v);
            t->labels = realloc(t->labels, cap * (nidx ? nidx : 1) * sizeof *t->labels);
            assert_non_null(t->v);
            assert_non_null(t->labels);
        }
        for (size_t k = 0; k < nidx; k++) {
            t->labels[t->nrow * nidx + k] = dupstr(fields[k]);
        }
        for (size_t j = 0; j < t->ncol; j++) {
            char *end = NULL;
            t->v[t->nrow * t->ncol + j] = strtod(fields[nidx + j], &end);
            assert_true(end != fields[nidx + j]);
        }
        t->nrow++;
    }
    fclose(f);
    return 0;
}

/* The distinct labels of a header line in order of first appearance. */
static size_t uniq(char **labels, size_t n, const char **out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        size_t j = 0;
        while (j < k && strcmp(out[j], labels[i]) != 0) {
            j++;
        }
        if (j == k) {
            out[k++] = labels[i];
        }
    }
    return k;
}

/* unit.txt: one header line, nidx labels and the unit text per row. */
static void read_units(const char *path, size_t nidx, size_t nrow, tsv_t *t)
{
    static char line[4096];
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    memset(t, 0, sizeof *t);
    t->nidx = 1;
    t->labels = calloc(nrow, sizeof *t->labels);
    assert_non_null(t->labels);
    assert_non_null(fgets(line, sizeof line, f));
    while (t->nrow < nrow && fgets(line, sizeof line, f) != NULL) {
        line[strcspn(line, "\r\n")] = '\0';
        char *p = line;
        for (size_t k = 0; k < nidx && p != NULL; k++) {
            p = strchr(p, '\t');
            p = p != NULL ? p + 1 : NULL;
        }
        assert_non_null(p);
        t->labels[t->nrow++] = dupstr(p);
    }
    assert_int_equal(t->nrow, nrow);
    fclose(f);
}

static char g_dir[4096];

static int pymrio_dir(void)
{
    const char *p = cm_test_shared("pymrio-test-mrio/pymrio_format/Z.txt");
    if (p == NULL) {
        return 0;
    }
    snprintf(g_dir, sizeof g_dir, "%s", p);
    g_dir[strlen(g_dir) - strlen("/Z.txt")] = '\0';
    return 1;
}

static void add_ext_from(cm_mrio_t *m, const char *name, size_t nidx, int with_fy)
{
    char path[4400];
    tsv_t f, fy, u;
    cm_error_info_t err;
    cm_mrio_ext_t *e = NULL;
    snprintf(path, sizeof path, "%s/%s/F.txt", g_dir, name);
    assert_int_equal(tsv_read(path, 2, nidx, '\t', &f), 0);
    snprintf(path, sizeof path, "%s/%s/unit.txt", g_dir, name);
    read_units(path, nidx, f.nrow, &u);
    const char *idx[] = {"stressor", "compartment"};
    const char **units = calloc(f.nrow, sizeof *units);
    assert_non_null(units);
    for (size_t i = 0; i < f.nrow; i++) {
        units[i] = u.labels[i];
    }
    CHECK_OK(cm_mrio_add_ext(m, name, nidx, idx, f.nrow, (const char *const *)f.labels, units,
                             with_fy, &e, &err),
             &err);
    size_t N = f.ncol;
    for (size_t p = 0; p < f.nrow; p++) {
        for (size_t j = 0; j < N; j++) {
            e->F.data[p + f.nrow * j] = f.v[p * N + j];
        }
    }
    if (with_fy) {
        snprintf(path, sizeof path, "%s/%s/F_Y.txt", g_dir, name);
        assert_int_equal(tsv_read(path, 2, nidx, '\t', &fy), 0);
        for (size_t p = 0; p < fy.nrow; p++) {
            for (size_t j = 0; j < fy.ncol; j++) {
                e->F_Y.data[p + fy.nrow * j] = fy.v[p * fy.ncol + j];
            }
        }
        tsv_free(&fy);
    }
    free(units);
    tsv_free(&u);
    tsv_free(&f);
}

/* The pymrio test system from the shared text files (Z, Y, population, two extensions). */
static void build_pymrio(cm_mrio_t *m)
{
    char path[4400];
    tsv_t z, y, pop;
    cm_error_info_t err;
    const char *reg[64], *sec[64], *cat[64];
    snprintf(path, sizeof path, "%s/Z.txt", g_dir);
    assert_int_equal(tsv_read(path, 2, 2, '\t', &z), 0);
    snprintf(path, sizeof path, "%s/Y.txt", g_dir);
    assert_int_equal(tsv_read(path, 2, 2, '\t', &y), 0);
    size_t R = uniq(z.head1, z.ncol, reg), n = z.ncol / R;
    for (size_t k = 0; k < n; k++) {
        sec[k] = z.head2[k];
    }
    size_t c = uniq(y.head2, y.ncol, cat);
    assert_int_equal(y.ncol, R * c);
    memset(m, 0, sizeof *m);
    CHECK_OK(cm_mrio_init(m, R, reg, n, sec, c, cat, &err), &err);
    size_t N = R * n;
    for (size_t i = 0; i < N; i++) {
        for (size_t j = 0; j < N; j++) {
            m->Z.data[i + N * j] = z.v[i * N + j];
        }
        for (size_t j = 0; j < R * c; j++) {
            m->Y.data[i + N * j] = y.v[i * R * c + j];
        }
    }
    snprintf(path, sizeof path, "%s/population.txt", g_dir);
    assert_int_equal(tsv_read(path, 1, 1, '\t', &pop), 0);
    {
        const char *rd[] = {CM_MRIO_DIM_REGION_TO};
        size_t sz[] = {R};
        const char *const *codes[] = {reg};
        CHECK_OK(cm_array_init(&m->population, 1, rd, sz, codes, "1", &err), &err);
        for (size_t r = 0; r < R; r++) {
            m->population.data[r] = pop.v[r];
        }
    }
    tsv_free(&pop);
    tsv_free(&z);
    tsv_free(&y);
    add_ext_from(m, "emissions", 2, 1);
    add_ext_from(m, "factor_inputs", 1, 0);
}

/* Compares a column-major nrow x ncol table with a reference CSV of tests/data/mrio/ref/. */
static void compare_ref(const double *a, size_t nrow, size_t ncol, const char *file)
{
    char rel[256];
    tsv_t t;
    snprintf(rel, sizeof rel, "tests/data/mrio/ref/%s.csv", file);
    assert_non_null(a);
    assert_int_equal(tsv_read(cm_test_source(rel), 1, 1, ',', &t), 0);
    assert_int_equal(t.nrow, nrow);
    assert_int_equal(t.ncol, ncol);
    double mx = 0.0;
    for (size_t i = 0; i < nrow * ncol; i++) {
        mx = fmax(mx, fabs(t.v[i]));
    }
    for (size_t i = 0; i < nrow; i++) {
        for (size_t j = 0; j < ncol; j++) {
            double want = t.v[i * ncol + j], got = a[i + nrow * j];
            if (!cm_test_near(got, want, 1e-10, 1e-12 * mx)) {
                fail_msg("%s[%zu, %zu]: got %.17g, expected %.17g", file, i, j, got, want);
            }
        }
    }
    tsv_free(&t);
}

static void test_pymrio_reference(void **state)
{
    (void)state;
    if (!pymrio_dir()) {
        skip();
    }
    cm_mrio_t m;
    cm_mrio_options_t opt;
    cm_mrio_check_t chk;
    cm_error_info_t err;
    build_pymrio(&m);
    cm_mrio_options_default(&opt);
    opt.want_L = 1;
    opt.keep_A = 1;
    CHECK_OK(cm_mrio_calc(&m, &opt, &chk, &err), &err);
    size_t N = m.n_regions * m.n_sectors, R = m.n_regions, RC = R * m.n_categories;
    compare_ref(m.x.data, N, 1, "x");
    compare_ref(m.A.data, N, N, "A");
    compare_ref(m.L.data, N, N, "L");
    assert_int_equal(m.n_ext, 2);
    for (size_t i = 0; i < m.n_ext; i++) {
        cm_mrio_ext_t *e = &m.ext[i];
        size_t s = e->n_stressors;
        char f[128];
        struct {
            const char *name;
            const cm_array_t *a;
            size_t ncol;
        } tabs[] = {{"S", &e->S, N},
                    {"M", &e->M, N},
                    {"D_cba", &e->D_cba, N},
                    {"D_pba", &e->D_pba, N},
                    {"D_imp", &e->D_imp, N},
                    {"D_exp", &e->D_exp, N},
                    {"D_cba_reg", &e->D_cba_reg, R},
                    {"D_pba_reg", &e->D_pba_reg, R},
                    {"D_imp_reg", &e->D_imp_reg, R},
                    {"D_exp_reg", &e->D_exp_reg, R},
                    {"D_cba_cap", &e->D_cba_cap, R},
                    {"D_pba_cap", &e->D_pba_cap, R},
                    {"D_imp_cap", &e->D_imp_cap, R},
                    {"D_exp_cap", &e->D_exp_cap, R},
                    {"S_Y", &e->S_Y, RC}};
        for (size_t t = 0; t < sizeof tabs / sizeof tabs[0]; t++) {
            if (tabs[t].a->data == NULL && strcmp(tabs[t].name, "S_Y") == 0 &&
                e->F_Y.data == NULL) {
                continue;
            }
            snprintf(f, sizeof f, "%s_%s", e->name, tabs[t].name);
            compare_ref(tabs[t].a->data, s, tabs[t].ncol, f);
        }
    }
    assert_true(chk.x_residual < 1e-12);
    assert_true(chk.worst_cba_pba < 1e-12);
    assert_true(chk.worst_balance < 1e-12);
    assert_int_equal(chk.n_identities, 3 + 3 * R);
    assert_true(strncmp(chk.worst_what, "emissions: ", 11) == 0 ||
                strncmp(chk.worst_what, "factor_inputs: ", 15) == 0);

    /* the emissions' footprint of reg2 as a stand-in for a material extension */
    cm_mrio_footprint_t fp;
    CHECK_OK(cm_mrio_footprint(&m, &m.ext[0], "reg2", NULL, &fp, &err), &err);
    assert_int_equal(fp.n_groups, 2);
    assert_string_equal(fp.groups[1], "emission_type2 | water");
    assert_string_equal(fp.unit, "kg");
    for (size_t g = 0; g < 2; g++) {
        ASSERT_NEAR(fp.rmc[g], m.ext[0].D_cba_reg.data[g + 2 * 1], 1e-15, 0);
        ASSERT_NEAR(fp.rmc_domestic[g] + fp.rmc_imported[g], fp.rmc[g], 1e-13, 0);
        ASSERT_NEAR(fp.rmi[g], m.ext[0].D_pba_reg.data[g + 2] + m.ext[0].D_imp_reg.data[g + 2],
                    1e-15, 0);
        ASSERT_NEAR(fp.per_capita[g], fp.rmc[g] / m.population.data[1], 1e-15, 0);
    }
    cm_mrio_footprint_destroy(&fp);
    cm_mrio_footprint_destroy(&fp);
    cm_mrio_destroy(&m);
}

/* --- random systems: identities and the naive S L Y_diag --------------------------------- */

#define RR 5
#define RN 4
#define RC_ 2
#define NN (RR * RN)

typedef struct rsys_t {
    double z[NN * NN], y[NN * RR * RC_];
    double f[2][6 * NN], fy[6 * RR * RC_];
    size_t s[2];
} rsys_t;

static void rsys_make(rsys_t *d, uint64_t seed, size_t s0, size_t s1)
{
    cm_rng_t rng;
    cm_rng_seed(&rng, seed);
    for (size_t i = 0; i < NN * NN; i++) {
        d->z[i] = 10 * cm_rng_double(&rng);
    }
    for (size_t i = 0; i < NN * RR * RC_; i++) {
        d->y[i] = 50 * cm_rng_double(&rng);
    }
    d->s[0] = s0;
    d->s[1] = s1;
    for (int e = 0; e < 2; e++) {
        for (size_t i = 0; i < d->s[e] * NN; i++) {
            d->f[e][i] = 1000 * cm_rng_double(&rng);
        }
    }
    for (size_t i = 0; i < s0 * RR * RC_; i++) {
        d->fy[i] = 100 * cm_rng_double(&rng);
    }
}

static void rsys_build(const rsys_t *d, cm_mrio_t *m, int with_pop)
{
    static const char *const reg[] = {"r1", "r2", "r3", "r4", "r5"};
    static const char *const sec[] = {"agri", "mine", "manu", "serv"};
    static const char *const cat[] = {"hh", "gov"};
    static const char *const lab[] = {"s1", "s2", "s3", "s4", "s5", "s6"};
    static const char *const un[] = {"t", "t", "t", "t", "t", "t"};
    const char *idx[] = {"stressor"};
    cm_error_info_t err;
    memset(m, 0, sizeof *m);
    CHECK_OK(cm_mrio_init(m, RR, reg, RN, sec, RC_, cat, &err), &err);
    memcpy(m->Z.data, d->z, sizeof d->z);
    memcpy(m->Y.data, d->y, sizeof d->y);
    for (int e = 0; e < 2; e++) {
        cm_mrio_ext_t *x = NULL;
        if (d->s[e] == 0) {
            continue;
        }
        CHECK_OK(
            cm_mrio_add_ext(m, e == 0 ? "e1" : "e2", 1, idx, d->s[e], lab, un, e == 0, &x, &err),
            &err);
        memcpy(x->F.data, d->f[e], d->s[e] * NN * sizeof(double));
        if (e == 0) {
            memcpy(x->F_Y.data, d->fy, d->s[0] * RR * RC_ * sizeof(double));
        }
    }
    if (with_pop) {
        const char *rd[] = {CM_MRIO_DIM_REGION_TO};
        size_t sz[] = {RR};
        const char *const *codes[] = {reg};
        CHECK_OK(cm_array_init(&m->population, 1, rd, sz, codes, "1", &err), &err);
        for (size_t r = 0; r < RR; r++) {
            m->population.data[r] = 1e3 * (double)(r + 1);
        }
    }
}

/* Gauss-Jordan inverse with partial pivoting of a column-major n x n matrix. */
static void naive_inverse(const double *a, double *inv, size_t n)
{
    double *w = malloc(n * n * sizeof *w);
    assert_non_null(w);
    memcpy(w, a, n * n * sizeof *w);
    for (size_t i = 0; i < n * n; i++) {
        inv[i] = i % (n + 1) == 0 ? 1.0 : 0.0;
    }
    for (size_t c = 0; c < n; c++) {
        size_t p = c;
        for (size_t i = c + 1; i < n; i++) {
            if (fabs(w[i + n * c]) > fabs(w[p + n * c])) {
                p = i;
            }
        }
        for (size_t j = 0; j < n; j++) {
            double t = w[c + n * j];
            w[c + n * j] = w[p + n * j];
            w[p + n * j] = t;
            t = inv[c + n * j];
            inv[c + n * j] = inv[p + n * j];
            inv[p + n * j] = t;
        }
        double d = w[c + n * c];
        for (size_t j = 0; j < n; j++) {
            w[c + n * j] /= d;
            inv[c + n * j] /= d;
        }
        for (size_t i = 0; i < n; i++) {
            if (i == c) {
                continue;
            }
            double f = w[i + n * c];
            for (size_t j = 0; j < n; j++) {
                w[i + n * j] -= f * w[c + n * j];
                inv[i + n * j] -= f * inv[c + n * j];
            }
        }
    }
    free(w);
}

/* The naive pymrio recipe on the random system, compared with every account. */
static void check_naive(const rsys_t *d, const cm_mrio_t *m)
{
    static double x[NN], a[NN * NN], L[NN * NN], yd[NN * NN], xd[NN * NN];
    double yagg[NN * RR];
    memset(yagg, 0, sizeof yagg);
    for (size_t i = 0; i < NN; i++) {
        x[i] = 0;
        for (size_t j = 0; j < NN; j++) {
            x[i] += d->z[i + NN * j];
        }
        for (size_t j = 0; j < RR * RC_; j++) {
            x[i] += d->y[i + NN * j];
            yagg[i + NN * (j / RC_)] += d->y[i + NN * j];
        }
    }
    for (size_t j = 0; j < NN; j++) {
        for (size_t i = 0; i < NN; i++) {
            a[i + NN * j] = (i == j) - d->z[i + NN * j] / x[j];
        }
    }
    naive_inverse(a, L, NN);
    memset(yd, 0, sizeof yd);
    for (size_t r = 0; r < RR; r++) {
        for (size_t k = 0; k < RN; k++) {
            for (size_t q = 0; q < RR; q++) {
                yd[q * RN + k + NN * (r * RN + k)] = yagg[q * RN + k + NN * r];
            }
        }
    }
    for (size_t i = 0; i < NN; i++) {
        for (size_t j = 0; j < NN; j++) {
            double s = 0;
            for (size_t l = 0; l < NN; l++) {
                s += L[i + NN * l] * yd[l + NN * j];
            }
            xd[i + NN * j] = s;
        }
    }
    if (m->L.data != NULL) {
        for (size_t i = 0; i < NN * NN; i++) {
            ASSERT_NEAR(m->L.data[i], L[i], 1e-12, 1e-15);
        }
        /* L (Y e) = x */
        for (size_t i = 0; i < NN; i++) {
            double s = 0;
            for (size_t j = 0; j < NN; j++) {
                for (size_t r = 0; r < RR; r++) {
                    s += m->L.data[i + NN * j] * yagg[j + NN * r];
                }
            }
            ASSERT_NEAR(s, x[i], 1e-12, 0);
        }
    }
    for (size_t e = 0; e < m->n_ext; e++) {
        const cm_mrio_ext_t *ex = &m->ext[e];
        size_t s = ex->n_stressors;
        const double *F = d->f[strcmp(ex->name, "e1") == 0 ? 0 : 1];
        for (size_t p = 0; p < s; p++) {
            for (size_t j = 0; j < NN; j++) {
                double S = F[p + s * j] / x[j];
                double M = 0, cba = 0, imp = 0, xt = 0, xe = 0;
                for (size_t l = 0; l < NN; l++) {
                    M += F[p + s * l] / x[l] * L[l + NN * j];
                    cba += F[p + s * l] / x[l] * xd[l + NN * j];
                    if (l / RN != j / RN) {
                        imp += F[p + s * l] / x[l] * xd[l + NN * j];
                    }
                    xt += xd[j + NN * l];
                    if (l / RN != j / RN) {
                        xe += xd[j + NN * l];
                    }
                }
                size_t at = p + s * j;
                ASSERT_NEAR(ex->S.data[at], S, 1e-14, 0);
                ASSERT_NEAR(ex->M.data[at], M, 1e-12, 0);
                if (ex->D_cba.data != NULL) {
                    ASSERT_NEAR(ex->D_cba.data[at], cba, 1e-12, 0);
                }
                if (ex->D_imp.data != NULL) {
                    ASSERT_NEAR(ex->D_imp.data[at], imp, 1e-12, 0);
                }
                if (ex->D_pba.data != NULL) {
                    ASSERT_NEAR(ex->D_pba.data[at], S * xt, 1e-12, 0);
                }
                if (ex->D_exp.data != NULL) {
                    ASSERT_NEAR(ex->D_exp.data[at], S * xe, 1e-12, 0);
                }
            }
        }
    }
}

static void run_random(size_t s0, size_t s1)
{
    static rsys_t d;
    cm_mrio_t m;
    cm_mrio_options_t opt;
    cm_mrio_check_t chk;
    cm_error_info_t err;
    rsys_make(&d, 20261123u + s0 * 10 + s1, s0, s1);
    rsys_build(&d, &m, 1);
    cm_mrio_options_default(&opt);
    opt.want_L = 1;
    CHECK_OK(cm_mrio_calc(&m, &opt, &chk, &err), &err);
    check_naive(&d, &m);
    size_t stot = s0 + s1;
    assert_int_equal(chk.n_identities, stot + stot * RR);
    assert_true(chk.worst_cba_pba < 1e-13);
    assert_true(chk.worst_balance < 1e-13);
    assert_true(chk.x_residual < 1e-13);
    /* the identities by hand: sum D_cba_reg = sum D_pba_reg, the balance per region */
    for (size_t e = 0; e < m.n_ext; e++) {
        cm_mrio_ext_t *x = &m.ext[e];
        size_t s = x->n_stressors;
        for (size_t p = 0; p < s; p++) {
            double sc = 0, sp = 0;
            for (size_t r = 0; r < RR; r++) {
                double fy = 0;
                for (size_t t = 0; x->F_Y.data != NULL && t < RC_; t++) {
                    fy += x->F_Y.data[p + s * (r * RC_ + t)];
                }
                size_t at = p + s * r;
                sc += x->D_cba_reg.data[at];
                sp += x->D_pba_reg.data[at];
                ASSERT_NEAR(x->D_cba_reg.data[at] - fy,
                            x->D_pba_reg.data[at] - fy - x->D_exp_reg.data[at] +
                                x->D_imp_reg.data[at],
                            1e-12, 0);
                ASSERT_NEAR(x->D_cba_cap.data[at], x->D_cba_reg.data[at] / (1e3 * (double)(r + 1)),
                            1e-15, 0);
            }
            ASSERT_NEAR(sc, sp, 1e-12, 0);
        }
        /* the footprint by final-demand category sums to D_cba_reg, region by region; one
         * category by hand: M y_k + F_Y[:, k] */
        for (size_t r = 0; r < RR; r++) {
            cm_array_t cat = CM_ARRAY_NULL;
            const char *rc = cm_dim_code(m.dims[CM_MRIO_REGION_TO], r);
            CHECK_OK(cm_mrio_footprint_categories(&m, x, rc, &cat, &err), &err);
            assert_int_equal(cat.size, s * RC_);
            for (size_t p = 0; p < s; p++) {
                double tot = 0;
                for (size_t t = 0; t < RC_; t++) {
                    tot += cat.data[p + s * t];
                }
                ASSERT_NEAR(tot, x->D_cba_reg.data[p + s * r], 1e-12, 1e-9);
            }
            double by_hand = x->F_Y.data != NULL ? x->F_Y.data[0 + s * (r * RC_ + 1)] : 0.0;
            for (size_t j = 0; j < NN; j++) {
                by_hand += x->M.data[0 + s * j] * m.Y.data[j + NN * (r * RC_ + 1)];
            }
            ASSERT_NEAR(cat.data[0 + s * 1], by_hand, 1e-13, 1e-12);
            cm_array_destroy(&cat);
        }
        if (x->F_Y.data != NULL) {
            /* S_Y = F_Y / column sums of Y */
            double ysum = 0;
            for (size_t i = 0; i < NN; i++) {
                ysum += d.y[i + NN * 3];
            }
            ASSERT_NEAR(x->S_Y.data[1 + s * 3], d.fy[1 + s * 3] / ysum, 1e-14, 0);
        }
    }
    cm_mrio_destroy(&m);
}

static void test_random_multiplier_route(void **state)
{
    (void)state;
    run_random(3, 0); /* 3 stressors <= 4 sectors: import multipliers */
    run_random(2, 2);
}

static void test_random_xdiag_route(void **state)
{
    (void)state;
    run_random(3, 3); /* 6 stressors > 4 sectors: columns of x_diag */
    run_random(6, 0);
}

/* --- options and errors ------------------------------------------------------------------ */

static void test_zero_output(void **state)
{
    (void)state;
    static rsys_t d;
    cm_mrio_t m;
    cm_mrio_options_t opt;
    cm_mrio_check_t chk;
    cm_error_info_t err;
    rsys_make(&d, 7, 2, 0);
    /* sector (r2, mine) = row and column 5 produce nothing */
    for (size_t j = 0; j < NN; j++) {
        d.z[5 + NN * j] = 0;
        d.z[j + NN * 5] = 0;
    }
    for (size_t j = 0; j < RR * RC_; j++) {
        d.y[5 + NN * j] = 0;
    }
    rsys_build(&d, &m, 0);
    cm_mrio_options_default(&opt);
    opt.zero_output = CM_MRIO_ZERO_ERROR;
    CHECK_ERROR(cm_mrio_calc(&m, &opt, &chk, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "r2/mine"));
    assert_non_null(m.Z.data); /* untouched */
    assert_null(m.ext[0].S.data);
    opt.zero_output = CM_MRIO_ZERO_PYMRIO;
    opt.keep_A = 1;
    CHECK_OK(cm_mrio_calc(&m, &opt, &chk, &err), &err);
    assert_int_equal(chk.zero_output, 1);
    assert_true(m.x.data[5] == 0.0);
    for (size_t i = 0; i < NN; i++) {
        assert_true(m.A.data[i + NN * 5] == 0.0);
    }
    assert_true(m.ext[0].S.data[0 + 2 * 5] == 0.0);
    assert_true(m.ext[0].D_pba.data[1 + 2 * 5] == 0.0);
    assert_true(chk.worst_balance < 1e-13);
    /* without population: no per-capita tables */
    assert_null(m.ext[0].D_cba_cap.data);
    assert_non_null(m.ext[0].D_cba_reg.data);
    cm_mrio_destroy(&m);
}

static void test_colsum_and_singular(void **state)
{
    (void)state;
    cm_mrio_t m;
    cm_mrio_options_t opt;
    cm_mrio_check_t chk;
    cm_error_info_t err;
    /* Z[B, A] = 500: column A of A sums to 5.2 */
    const double z[4] = {20, 500, 10, 40};
    build_2r(&m, z, 0);
    cm_mrio_options_default(&opt);
    CHECK_ERROR(cm_mrio_calc(&m, &opt, &chk, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "A/s"));
    assert_null(strstr(err.message, "B/s"));
    ASSERT_NEAR(chk.max_colsum_A, 520.0 / 100, 1e-14, 0);
    assert_non_null(m.Z.data);
    opt.allow_colsum_ge1 = 1;
    CHECK_OK(cm_mrio_calc(&m, &opt, &chk, &err), &err);
    assert_true(chk.max_colsum_A > 5);
    cm_mrio_destroy(&m);

    /* x given as [1, 1] with Z = 0.5 everywhere: (I - A) singular, the second pivot is 0 */
    const double zs[4] = {0.5, 0.5, 0.5, 0.5};
    build_2r(&m, zs, 0);
    m.x.data[0] = m.x.data[1] = 1.0;
    CHECK_ERROR(cm_mrio_calc(&m, &opt, &chk, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "singular"));
    assert_non_null(strstr(err.message, "B/s"));
    assert_null(m.ext[0].M.data);
    /* Z was consumed and A not kept: nothing left to compute from */
    CHECK_ERROR(cm_mrio_calc(&m, &opt, &chk, &err), CM_EINVAL);
    cm_mrio_destroy(&m);
}

static void test_options(void **state)
{
    (void)state;
    cm_mrio_t m;
    cm_mrio_options_t opt;
    cm_mrio_check_t chk;
    cm_error_info_t err;
    cm_mrio_options_default(NULL);
    cm_mrio_options_default(&opt);
    assert_int_equal(opt.accounts, CM_MRIO_ACC_ALL);
    assert_int_equal(opt.zero_output, CM_MRIO_ZERO_PYMRIO);
    assert_int_equal(opt.want_L | opt.keep_A | opt.allow_colsum_ge1 | opt.recompute_x, 0);
    /* only CBA: M and D_cba, nothing else, no identity */
    build_2r(&m, Z2, 1);
    opt.accounts = CM_MRIO_ACC_CBA;
    CHECK_OK(cm_mrio_calc(&m, &opt, &chk, &err), &err);
    cm_mrio_ext_t *e = &m.ext[0];
    ASSERT_NEAR(e->M.data[1], 50.0 / 17, 1e-13, 0);
    ASSERT_NEAR(e->D_cba_reg.data[0], 3000.0 / 17, 1e-13, 0);
    assert_non_null(e->D_cba_cap.data);
    assert_null(e->D_pba.data);
    assert_null(e->D_imp.data);
    assert_null(e->D_exp_reg.data);
    assert_null(m.A.data); /* not kept */
    assert_null(m.L.data);
    assert_int_equal(chk.n_identities, 0);
    /* footprint needs CBA, PBA and IMP */
    cm_mrio_footprint_t fp;
    CHECK_ERROR(cm_mrio_footprint(&m, e, "A", NULL, &fp, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "emissions"));
    cm_mrio_destroy(&m);
    /* IMP and EXP alone; a read x kept unless recompute_x */
    build_2r(&m, Z2, 0);
    m.x.data[0] = 100;
    m.x.data[1] = 150;
    opt.accounts = CM_MRIO_ACC_IMP | CM_MRIO_ACC_EXP;
    opt.keep_A = 1;
    CHECK_OK(cm_mrio_calc(&m, &opt, &chk, &err), &err);
    e = &m.ext[0];
    ASSERT_NEAR(e->D_imp_reg.data[1], 560.0 / 17, 1e-13, 0);
    ASSERT_NEAR(e->D_exp.data[0], 560.0 / 17, 1e-13, 0);
    assert_null(e->D_cba.data);
    ASSERT_NEAR(m.A.data[1], 3.0 / 10, 1e-14, 0);
    /* x read as 200 for A: a residual, A from the given x */
    cm_mrio_destroy(&m);
    build_2r(&m, Z2, 0);
    m.x.data[0] = 200;
    m.x.data[1] = 150;
    cm_mrio_options_default(&opt);
    opt.keep_A = 1;
    CHECK_OK(cm_mrio_calc(&m, &opt, &chk, &err), &err);
    ASSERT_NEAR(m.A.data[0], 20.0 / 200, 1e-14, 0);
    /* x = 200 against Z e + Y e = 100: the imbalance shows in x = L y and the input balance,
     * not in the residual of the solves */
    assert_true(chk.x_deviation > 0.1);
    ASSERT_NEAR(chk.input_balance, 100.0 / 200.0, 1e-14, 0);
    assert_true(chk.x_residual < 1e-14);
    assert_true(m.x.data[0] == 200);
    cm_mrio_destroy(&m);
    build_2r(&m, Z2, 0);
    m.x.data[0] = 200;
    m.x.data[1] = 150;
    opt.recompute_x = 1;
    CHECK_OK(cm_mrio_calc(&m, &opt, &chk, &err), &err);
    ASSERT_NEAR(m.x.data[0], 100, 1e-14, 0);
    assert_true(chk.x_residual < 1e-14);
    assert_true(chk.x_deviation < 1e-14);
    assert_true(chk.input_balance == 0.0);
    /* Z gone, A kept: recomputing x is impossible */
    CHECK_ERROR(cm_mrio_calc(&m, &opt, &chk, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "Z is gone"));
    CHECK_ERROR(cm_mrio_calc(NULL, &opt, &chk, &err), CM_EINVAL);
    cm_mrio_destroy(&m);
    /* no extension: x, A and L only */
    {
        static const char *const reg[] = {"A", "B"}, *const sec[] = {"s"}, *const cat[] = {"fd"};
        const double y[4] = {50, 20, 20, 60};
        memset(&m, 0, sizeof m);
        CHECK_OK(cm_mrio_init(&m, 2, reg, 1, sec, 1, cat, &err), &err);
        memcpy(m.Z.data, Z2, sizeof y);
        memcpy(m.Y.data, y, sizeof y);
        cm_mrio_options_default(&opt);
        opt.want_L = 1;
        CHECK_OK(cm_mrio_calc(&m, &opt, &chk, &err), &err);
        ASSERT_NEAR(m.L.data[3], 24.0 / 17, 1e-13, 0);
        assert_int_equal(chk.n_identities, 0);
        /* Y of the wrong shape */
        cm_mrio_destroy(&m);
        CHECK_OK(cm_mrio_init(&m, 2, reg, 1, sec, 1, cat, &err), &err);
        cm_array_destroy(&m.Y);
        CHECK_ERROR(cm_mrio_calc(&m, &opt, &chk, &err), CM_EINVAL);
        assert_non_null(strstr(err.message, "Y"));
        cm_mrio_destroy(&m);
    }
    /* shapes: a system without dimensions */
    memset(&m, 0, sizeof m);
    CHECK_ERROR(cm_mrio_calc(&m, NULL, NULL, &err), CM_EINVAL);
}

static void test_calc_alloc_failures(void **state)
{
    (void)state;
    int done = 0;
    static rsys_t d;
    rsys_make(&d, 99, 3, 3);
    for (long n = 0; n < 400 && !done; n++) {
        cm_mrio_t m;
        cm_mrio_options_t opt;
        cm_error_info_t err;
        cm_mrio_footprint_t fp;
        rsys_build(&d, &m, 1);
        cm_mrio_options_default(&opt);
        opt.want_L = 1;
        opt.keep_A = 1;
        cm_test_fail_alloc_after(n);
        cm_error_t rc = cm_mrio_calc(&m, &opt, NULL, &err);
        int calc_ok = rc == CM_OK;
        if (calc_ok) {
            rc = cm_mrio_footprint(&m, &m.ext[0], "r3", NULL, &fp, &err);
            if (rc == CM_OK) {
                cm_mrio_footprint_destroy(&fp);
            }
        }
        cm_test_fail_alloc_after(-1);
        if (rc == CM_OK) {
            done = 1;
            assert_non_null(m.L.data);
        } else {
            assert_int_equal(rc, CM_ENOMEM);
            if (!calc_ok) { /* every allocation precedes the use of Z: nothing consumed */
                assert_null(m.ext[0].M.data);
                assert_non_null(m.Z.data);
            } else {
                assert_null(fp.rmc);
            }
        }
        cm_mrio_destroy(&m);
    }
    assert_true(done);
}

/* --- footprints ---------------------------------------------------------------------------- */

static void test_footprint_categories_errors(void **state)
{
    (void)state;
    cm_mrio_t m;
    cm_array_t cat = CM_ARRAY_NULL;
    cm_error_info_t err;
    const double z[4] = {20, 30, 10, 40};
    build_2r(&m, z, 0);
    /* M not computed yet */
    CHECK_ERROR(cm_mrio_footprint_categories(&m, &m.ext[0], "A", &cat, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "cm_mrio_calc"));
    CHECK_OK(cm_mrio_calc(&m, NULL, NULL, &err), &err);
    CHECK_ERROR(cm_mrio_footprint_categories(&m, &m.ext[0], "Z", &cat, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "'Z'"));
    /* one category: the whole D_cba_reg = 3000/17 for A */
    CHECK_OK(cm_mrio_footprint_categories(&m, &m.ext[0], "A", &cat, &err), &err);
    ASSERT_NEAR(cat.data[0], 3000.0 / 17.0, 1e-13, 0);
    cm_array_destroy(&cat);
    cm_mrio_destroy(&m);
}

static void test_footprint(void **state)
{
    (void)state;
    static const char *const reg[] = {"be", "nl", "cn"}, *const sec[] = {"mine", "manu"};
    static const char *const cat[] = {"hh"};
    static const char *const idx[] = {"material", "type"};
    static const char *const lab[] = {"biomass", "wood", "biomass", "crops", "metal ores", "iron"};
    const char *units[] = {"t", "t", "t"};
    cm_mrio_t m;
    cm_mrio_ext_t *e = NULL;
    cm_error_info_t err;
    cm_mrio_footprint_t fp;
    memset(&fp, 0, sizeof fp);
    memset(&m, 0, sizeof m);
    CHECK_OK(cm_mrio_init(&m, 3, reg, 2, sec, 1, cat, &err), &err);
    cm_rng_t rng;
    cm_rng_seed(&rng, 42);
    for (size_t i = 0; i < 36; i++) {
        m.Z.data[i] = 5 * cm_rng_double(&rng);
    }
    for (size_t i = 0; i < 18; i++) {
        m.Y.data[i] = 40 * cm_rng_double(&rng);
    }
    CHECK_OK(cm_mrio_add_ext(&m, "materials", 2, idx, 3, lab, units, 1, &e, &err), &err);
    for (size_t i = 0; i < 18; i++) {
        e->F.data[i] = (i % 6 < 3 ? 100 : 1) * cm_rng_double(&rng); /* extraction in mining */
    }
    e->F_Y.data[0 + 3 * 0] = 7; /* some household wood in be */
    {
        const char *rd[] = {CM_MRIO_DIM_REGION_TO};
        size_t sz[] = {3};
        const char *const *codes[] = {reg};
        CHECK_OK(cm_array_init(&m.population, 1, rd, sz, codes, "1", &err), &err);
        m.population.data[0] = 11.5e6;
        m.population.data[1] = 17.8e6;
        m.population.data[2] = 1.41e9;
    }
    CHECK_OK(cm_mrio_calc(&m, NULL, NULL, &err), &err);
    /* groups through a map; iron left out by NULL */
    const char *map[] = {"biomass", "biomass", NULL};
    CHECK_OK(cm_mrio_footprint(&m, e, "be", map, &fp, &err), &err);
    assert_int_equal(fp.n_groups, 1);
    assert_string_equal(fp.groups[0], "biomass");
    assert_string_equal(fp.unit, "t");
    double rmc = e->D_cba_reg.data[0] + e->D_cba_reg.data[1];
    double imp = e->D_imp_reg.data[0] + e->D_imp_reg.data[1];
    double pba = e->D_pba_reg.data[0] + e->D_pba_reg.data[1];
    ASSERT_NEAR(fp.rmc[0], rmc, 1e-15, 0);
    ASSERT_NEAR(fp.rmc_imported[0], imp, 1e-15, 0);
    ASSERT_NEAR(fp.rmc_domestic[0] + fp.rmc_imported[0], fp.rmc[0], 1e-14, 0);
    ASSERT_NEAR(fp.rmi[0], pba + imp, 1e-15, 0);
    ASSERT_NEAR(fp.per_capita[0], rmc / 11.5e6, 1e-15, 0);
    assert_true(fp.rmc_imported[0] > 0 && fp.rmc_domestic[0] > 0);
    cm_mrio_footprint_destroy(&fp);
    /* one group per stressor without a map; RMC over regions = all extraction + F_Y */
    double total = 0, extr = 0;
    for (size_t r = 0; r < 3; r++) {
        CHECK_OK(cm_mrio_footprint(&m, e, reg[r], NULL, &fp, &err), &err);
        assert_int_equal(fp.n_groups, 3);
        assert_string_equal(fp.groups[2], "metal ores | iron");
        for (size_t g = 0; g < 3; g++) {
            total += fp.rmc[g];
        }
        cm_mrio_footprint_destroy(&fp);
    }
    for (size_t i = 0; i < 18; i++) {
        extr += e->F.data[i];
    }
    ASSERT_NEAR(total, extr + 7, 1e-12, 0);
    /* errors: unknown region, units that differ */
    CHECK_ERROR(cm_mrio_footprint(&m, e, "fr", NULL, &fp, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "fr"));
    cm_free(e->units[2]);
    e->units[2] = cm_strdup("kg");
    assert_non_null(e->units[2]);
    CHECK_ERROR(cm_mrio_footprint(&m, e, "be", NULL, &fp, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "kg"));
    assert_non_null(strstr(err.message, "biomass | wood"));
    assert_null(fp.rmc);
    CHECK_OK(cm_mrio_footprint(&m, e, "be", map, &fp, &err), &err); /* iron left out */
    cm_mrio_footprint_destroy(&fp);
    CHECK_ERROR(cm_mrio_footprint(NULL, e, "be", map, &fp, &err), CM_EINVAL);
    /* without population: NaN per capita */
    cm_array_destroy(&m.population);
    CHECK_OK(cm_mrio_footprint(&m, e, "nl", map, &fp, &err), &err);
    assert_true(isnan(fp.per_capita[0]));
    cm_mrio_footprint_destroy(&fp);
    cm_mrio_destroy(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CM_TEST(test_worked_example),
        CM_TEST(test_pymrio_reference),
        CM_TEST(test_random_multiplier_route),
        CM_TEST(test_random_xdiag_route),
        CM_TEST(test_zero_output),
        CM_TEST(test_colsum_and_singular),
        CM_TEST(test_options),
        CM_TEST(test_calc_alloc_failures),
        CM_TEST(test_footprint),
        CM_TEST(test_footprint_categories_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

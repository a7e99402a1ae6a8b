/* pymrio folder format: reading (folder and zip), writing, round trips, errors, allocation
 * failures, and the number parser and formatter of the reader (src/mrio/numparse.c). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zip.h>

#include "cm_test.h"

#include "cambium/cm_mrio.h"
#include "mrio/mrio_internal.h"

#define SHARED "pymrio-test-mrio/pymrio_format"

static const char *shared_dir(void)
{
    static char dir[4096];
    const char *p = cm_test_shared(SHARED "/file_parameters.json");
    if (p == NULL) {
        return NULL;
    }
    snprintf(dir, sizeof dir, "%s", p);
    *strrchr(dir, '/') = '\0';
    return dir;
}

static const char *tmp_path(const char *name)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/%s", cm_test_tmpdir(), name);
    return path;
}

static void write_text(const char *dir, const char *name, const char *text)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static double get(const cm_array_t *a, const char *const *codes)
{
    double v = NAN;
    cm_error_info_t err;
    memset(&err, 0, sizeof err);
    CHECK_OK(cm_array_get(a, codes, &v, &err), &err);
    return v;
}

/* Every number of a pymrio table read independently (fgets + strtod), row-major. */
static double *reference_values(const char *path, size_t skip_lines, size_t nidx, size_t *nrow,
                                size_t *ncol)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char line[1 << 16];
    double *v = NULL;
    size_t n = 0, cols = 0, rows = 0;
    size_t lineno = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        if (++lineno <= skip_lines) {
            continue;
        }
        size_t c = 0;
        char *save = NULL;
        /* the label cells of these files are never empty: strtok_r is fine here */
        for (char *t = strtok_r(line, "\t\n", &save); t != NULL; t = strtok_r(NULL, "\t\n", &save)) {
            if (c++ < nidx) {
                continue;
            }
            v = realloc(v, (n + 1) * sizeof *v);
            assert_non_null(v);
            char *end = NULL;
            v[n++] = strtod(t, &end);
            assert_true(*end == '\0');
        }
        cols = c - nidx;
        rows++;
    }
    fclose(f);
    *nrow = rows;
    *ncol = cols;
    return v;
}

/* ---------------------------------------------------------------------------------------- */

static void test_read_shared(void **state)
{
    (void)state;
    const char *dir = shared_dir();
    if (dir == NULL) {
        skip();
    }
    cm_mrio_t m;
    cm_error_info_t err;
    memset(&err, 0, sizeof err);
    CHECK_OK(cm_mrio_read(dir, &m, &err), &err);
    assert_int_equal(m.n_regions, 6);
    assert_int_equal(m.n_sectors, 8);
    assert_int_equal(m.n_categories, 7);
    assert_int_equal(m.Z.size, 48 * 48);
    assert_int_equal(m.Y.size, 48 * 42);
    assert_string_equal(m.name, "testmrio");
    assert_string_equal(m.unit_row, "Mill USD");
    assert_non_null(m.meta_json);
    assert_non_null(strstr(m.meta_json, "\"system\": \"pxp\""));
    assert_int_equal(m.n_ext, 2);
    cm_mrio_ext_t *em = &m.ext[0], *fi = &m.ext[1];
    assert_string_equal(em->name, "emissions");
    assert_string_equal(em->title, "Emissions");
    assert_int_equal(em->n_stressors, 2);
    assert_int_equal(em->n_index, 2);
    assert_string_equal(em->index_names[0], "stressor");
    assert_string_equal(em->index_names[1], "compartment");
    assert_string_equal(em->labels[2], "emission_type2");
    assert_string_equal(em->labels[3], "water");
    assert_string_equal(em->units[1], "kg");
    assert_non_null(em->F_Y.data);
    assert_string_equal(fi->name, "factor_inputs");
    assert_string_equal(fi->title, "Factor Inputs");
    assert_int_equal(fi->n_stressors, 1);
    assert_int_equal(fi->n_index, 1);
    assert_string_equal(fi->index_names[0], "inputtype");
    assert_string_equal(fi->labels[0], "Value Added");
    assert_string_equal(fi->units[0], "Mill USD");
    assert_null(fi->F_Y.data);
    assert_string_equal(cm_dim_code(m.dims[CM_MRIO_CATEGORY], 6), "Export");

    /* cells picked by hand from the text files */
    const char *z1[] = {"construction", "reg1", "mining", "reg3"};
    ASSERT_NEAR(get(&m.Z, z1), 2.1900264, 0, 0);
    const char *z2[] = {"other", "reg6", "other", "reg6"};
    ASSERT_NEAR(get(&m.Z, z2), 217075.92, 0, 0);
    /* pymrio row r*n + s is element s + n*r: (reg1, construction) is row 4 */
    ASSERT_NEAR(m.Z.data[4 + 48 * 17], 2.1900264, 0, 0);
    const char *y1[] = {"food", "reg3", "Final consumption expenditure by households", "reg2"};
    ASSERT_NEAR(get(&m.Y, y1), 945.08563, 0, 0);
    const char *f1[] = {"emission_type2 | water", "manufactoring", "reg1"};
    ASSERT_NEAR(get(&em->F, f1), 763569.18, 0, 0);
    const char *fy1[] = {"emission_type1 | air", "Final consumption expenditure by households",
                         "reg3"};
    ASSERT_NEAR(get(&em->F_Y, fy1), 104873100, 0, 0);
    const char *va[] = {"Value Added", "mining", "reg1"};
    ASSERT_NEAR(get(&fi->F, va), 24314.351, 0, 0);
    const char *p2[] = {"reg2"};
    ASSERT_NEAR(get(&m.population, p2), 3.7e9, 0, 0);

    /* every number equals strtod's reading of its cell (bit for bit) */
    struct {
        const char *file;
        size_t skip, nidx;
        const cm_array_t *a;
        size_t ld;
    } files[] = {{"Z.txt", 3, 2, &m.Z, 48},
                 {"Y.txt", 3, 2, &m.Y, 48},
                 {"emissions/F.txt", 3, 2, &em->F, 2},
                 {"emissions/F_Y.txt", 3, 2, &em->F_Y, 2},
                 {"factor_inputs/F.txt", 3, 1, &fi->F, 1}};
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
        char path[4096];
        size_t nr = 0, nc = 0;
        snprintf(path, sizeof path, "%s/%s", dir, files[k].file);
        double *ref = reference_values(path, files[k].skip, files[k].nidx, &nr, &nc);
        assert_int_equal(nr * nc, files[k].a->size);
        assert_int_equal(nr, files[k].ld);
        for (size_t i = 0; i < nr; i++) {
            for (size_t j = 0; j < nc; j++) {
                if (ref[i * nc + j] != files[k].a->data[i + nr * j]) {
                    fail_msg("%s row %zu col %zu: %.17g, strtod %.17g", files[k].file, i, j,
                             files[k].a->data[i + nr * j], ref[i * nc + j]);
                }
            }
        }
        free(ref);
    }
    cm_mrio_destroy(&m);
}

static void assert_same_text(const char *a, const char *b)
{
    if (a == NULL || b == NULL) {
        assert_true(a == b);
    } else {
        assert_string_equal(a, b);
    }
}

static void assert_same_array(const cm_array_t *a, const cm_array_t *b)
{
    assert_int_equal(a->size, b->size);
    assert_int_equal(a->ndim, b->ndim);
    for (size_t d = 0; d < a->ndim; d++) {
        assert_true(cm_dim_equal(a->dim[d], b->dim[d]));
    }
    if (a->size > 0) {
        assert_memory_equal(a->data, b->data, a->size * sizeof *a->data);
    }
}

static void assert_same_system(const cm_mrio_t *a, const cm_mrio_t *b)
{
    assert_int_equal(a->n_regions, b->n_regions);
    assert_int_equal(a->n_sectors, b->n_sectors);
    assert_int_equal(a->n_categories, b->n_categories);
    assert_same_array(&a->Z, &b->Z);
    assert_same_array(&a->Y, &b->Y);
    assert_same_array(&a->population, &b->population);
    assert_same_text(a->unit_row, b->unit_row);
    assert_same_text(a->name, b->name);
    assert_same_text(a->meta_json, b->meta_json);
    assert_int_equal(a->n_ext, b->n_ext);
    for (size_t i = 0; i < a->n_ext; i++) {
        const cm_mrio_ext_t *x = &a->ext[i], *y = &b->ext[i];
        assert_string_equal(x->name, y->name);
        assert_same_text(x->title, y->title);
        assert_int_equal(x->n_index, y->n_index);
        assert_int_equal(x->n_stressors, y->n_stressors);
        for (size_t k = 0; k < x->n_index; k++) {
            assert_string_equal(x->index_names[k], y->index_names[k]);
        }
        for (size_t k = 0; k < x->n_index * x->n_stressors; k++) {
            assert_string_equal(x->labels[k], y->labels[k]);
        }
        for (size_t k = 0; k < x->n_stressors; k++) {
            assert_string_equal(x->units[k], y->units[k]);
        }
        assert_same_array(&x->F, &y->F);
        assert_int_equal(x->F_Y.data == NULL, y->F_Y.data == NULL);
        if (x->F_Y.data != NULL) {
            assert_same_array(&x->F_Y, &y->F_Y);
        }
    }
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void test_round_trip(void **state)
{
    (void)state;
    const char *dir = shared_dir();
    if (dir == NULL) {
        skip();
    }
    cm_mrio_t m, back;
    cm_error_info_t err;
    memset(&err, 0, sizeof err);
    CHECK_OK(cm_mrio_read(dir, &m, &err), &err);
    /* values that need 17 digits, negative ones and results */
    m.Z.data[1] = 0.1 + 0.2;
    m.Y.data[3] = -1.0 / 3.0;
    m.ext[0].F.data[0] = 6.02214076e23;
    m.ext[0].F.data[1] = 5e-324;
    m.ext[0].F_Y.data[2] = -1234.5;
    cm_mrio_ext_t *e = &m.ext[0];
    cm_dim_t *sd = e->F.dim[0];
    cm_dim_t *regd[] = {sd, m.dims[CM_MRIO_REGION_TO]};
    CHECK_OK(cm_array_init_dims(&e->D_cba_reg, 2, regd, "1", &err), &err);
    CHECK_OK(cm_array_init_dims(&e->S, 3, e->F.dim, "1", &err), &err);
    for (size_t i = 0; i < e->D_cba_reg.size; i++) {
        e->D_cba_reg.data[i] = 1.0 / (double)(i + 3);
    }
    for (size_t i = 0; i < e->S.size; i++) {
        e->S.data[i] = e->F.data[i] / 7.0;
    }
    const char *out = tmp_path("round/trip");
    CHECK_OK(cm_mrio_write(&m, out, CM_MRIO_WRITE_INPUTS | CM_MRIO_WRITE_RESULTS, &err), &err);
    CHECK_OK(cm_mrio_read(out, &back, &err), &err);
    assert_same_system(&m, &back);
    cm_mrio_destroy(&back);

    /* pymrio's layout: the unchanged files are identical but for the number text; the
     * headers are byte for byte the same */
    char path[4096], ref[4096];
    snprintf(path, sizeof path, "%s/population.txt", out);
    snprintf(ref, sizeof ref, "%s/population.txt", dir);
    /* pymrio's population is integer-typed; cambium's doubles are written as pandas writes
     * floats (780000000.0) */
    assert_string_equal(slurp(path), "\treg1\treg2\treg3\treg4\treg5\treg6\nPopulation\t"
                                     "780000000.0\t3700000000.0\t820000000.0\t290000000.0\t"
                                     "460000000.0\t850000000.0\n");
    snprintf(path, sizeof path, "%s/emissions/unit.txt", out);
    char *a = NULL;
    snprintf(ref, sizeof ref, "%s/emissions/unit.txt", dir);
    a = strdup(slurp(path));
    assert_string_equal(a, slurp(ref));
    free(a);
    snprintf(path, sizeof path, "%s/factor_inputs/F.txt", out);
    snprintf(ref, sizeof ref, "%s/factor_inputs/F.txt", dir);
    a = strdup(slurp(path));
    const char *b = slurp(ref);
    size_t hdr = (size_t)(strstr(b, "Value Added") - b);
    assert_memory_equal(a, b, hdr);
    free(a);
    snprintf(path, sizeof path, "%s/emissions/D_cba_reg.txt", out);
    const char *reg = slurp(path);
    assert_memory_equal(reg, "stressor\tcompartment\treg1\treg2", 30);
    assert_non_null(strstr(reg, "\nemission_type1\tair\t0.3333333333333333\t0.2\t"));
    snprintf(path, sizeof path, "%s/emissions/file_parameters.json", out);
    const char *params = slurp(path);
    assert_non_null(strstr(params, "\"D_cba_reg\": {\n            \"name\": \"D_cba_reg.txt\",\n"
                                   "            \"nr_index_col\": \"2\",\n"
                                   "            \"nr_header\": \"1\""));
    assert_non_null(strstr(params, "\"S\": {\n            \"name\": \"S.txt\",\n"
                                   "            \"nr_index_col\": \"2\",\n"
                                   "            \"nr_header\": \"2\""));
    assert_null(strstr(params, "D_pba")); /* not computed: not written */
    /* x only when asked */
    snprintf(path, sizeof path, "%s/x.txt", out);
    assert_int_not_equal(access(path, F_OK), 0);
    m.x.data[0] = 42.5;
    CHECK_OK(cm_mrio_write(&m, out, CM_MRIO_WRITE_X, &err), &err);
    assert_memory_equal(slurp(path), "region\tsector\tindout\nreg1\tfood\t42.5\n", 35);
    cm_mrio_destroy(&m);
}

/* A zip of the shared folder, under `top` ("" for the root); without `leave_out`. */
static void make_zip(const char *zpath, const char *dir, const char *top, const char *leave_out)
{
    static const char *files[] = {"file_parameters.json", "Z.txt", "Y.txt", "unit.txt",
                                  "population.txt", "metadata.json",
                                  "emissions/file_parameters.json", "emissions/F.txt",
                                  "emissions/F_Y.txt", "emissions/unit.txt",
                                  "factor_inputs/file_parameters.json", "factor_inputs/F.txt",
                                  "factor_inputs/unit.txt"};
    int zerr = 0;
    unlink(zpath);
    zip_t *z = zip_open(zpath, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    assert_non_null(z);
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        if (leave_out != NULL && strcmp(files[i], leave_out) == 0) {
            continue;
        }
        char src[4096], name[4096];
        snprintf(src, sizeof src, "%s/%s", dir, files[i]);
        snprintf(name, sizeof name, "%s%s", top, files[i]);
        zip_source_t *s = zip_source_file(z, src, 0, -1);
        assert_non_null(s);
        assert_true(zip_file_add(z, name, s, ZIP_FL_ENC_UTF_8) >= 0);
    }
    assert_int_equal(zip_close(z), 0);
}

static void test_zip(void **state)
{
    (void)state;
    const char *dir = shared_dir();
    if (dir == NULL) {
        skip();
    }
    cm_mrio_t m, z;
    cm_error_info_t err;
    memset(&err, 0, sizeof err);
    CHECK_OK(cm_mrio_read(dir, &m, &err), &err);
    char zpath[4096];
    snprintf(zpath, sizeof zpath, "%s", tmp_path("test_mrio.zip"));
    make_zip(zpath, dir, "test_mrio/", NULL);
    CHECK_OK(cm_mrio_read(zpath, &z, &err), &err);
    assert_same_system(&m, &z);
    cm_mrio_destroy(&z);
    make_zip(zpath, dir, "", NULL);
    CHECK_OK(cm_mrio_read(zpath, &z, &err), &err);
    assert_same_system(&m, &z);
    cm_mrio_destroy(&z);
    /* no Z.txt: the zip and the entry are named */
    make_zip(zpath, dir, "top/", "Z.txt");
    CHECK_ERROR(cm_mrio_read(zpath, &z, &err), CM_EPARSE);
    assert_string_equal(err.file, zpath);
    assert_non_null(strstr(err.message, "top/Z.txt"));
    /* no file_parameters.json */
    make_zip(zpath, dir, "top/", "file_parameters.json");
    CHECK_ERROR(cm_mrio_read(zpath, &z, &err), CM_EPARSE);
    assert_string_equal(err.file, zpath);
    assert_non_null(strstr(err.message, "file_parameters.json"));
    /* not a zip at all */
    char other[4096];
    snprintf(other, sizeof other, "%s/Z.txt", dir);
    CHECK_ERROR(cm_mrio_read(other, &z, &err), CM_EPARSE);
    cm_mrio_destroy(&m);
}

/* ---------------------------------------------------------------------------------------- */
/* A small synthetic system: regions r1 r2, sectors a b, one category, one extension.        */

static const char *SMALL_PARAMS =
    "{\"files\": {\"Z\": {\"name\": \"Z.txt\", \"nr_index_col\": \"2\", \"nr_header\": \"2\"},\n"
    " \"Y\": {\"name\": \"Y.txt\", \"nr_index_col\": \"2\", \"nr_header\": \"2\"},\n"
    " \"x\": {\"name\": \"x.txt\", \"nr_index_col\": \"2\", \"nr_header\": \"1\"},\n"
    " \"unit\": {\"name\": \"unit.txt\", \"nr_index_col\": \"2\", \"nr_header\": \"1\"},\n"
    " \"population\": {\"name\": \"population.txt\", \"nr_index_col\": 1, \"nr_header\": 1}},\n"
    " \"systemtype\": \"IOSystem\"}\n";
static const char *SMALL_Z = "region\t\tr1\tr1\tr2\tr2\n"
                             "sector\t\ta\tb\ta\tb\n"
                             "region\tsector\t\t\t\t\n"
                             "r1\ta\t1\t2.5\t0\t4e-3\n"
                             "r1\tb\t0.0\t1234\t7\t8\n"
                             "r2\ta\t9\t10\t11\t12\n"
                             "r2\tb\t13\t14\t15\t16\n";
static const char *SMALL_Y = "region\t\tr1\tr2\n"
                             "category\t\thh\thh\n"
                             "region\tsector\t\t\n"
                             "r1\ta\t5\t-2e-05\n"
                             "r1\tb\t6\t0\n"
                             "r2\ta\t7\t1\n"
                             "r2\tb\t8\t2\n";
static const char *SMALL_X = "region\tsector\tindout\n"
                             "r1\ta\t20\nr1\tb\t30\nr2\ta\t40\nr2\tb\t50\n";
static const char *SMALL_UNIT = "region\tsector\tunit\n"
                                "r1\ta\tM.EUR\nr1\tb\tM.EUR\nr2\ta\tM.EUR\nr2\tb\tM.EUR\n";
static const char *SMALL_POP = "\tr1\tr2\nPopulation\t11.5\t2\n";
static const char *SMALL_EXT_PARAMS =
    "{\"files\": {\"F\": {\"name\": \"F.txt\", \"nr_index_col\": \"1\", \"nr_header\": \"2\"},\n"
    " \"F_Y\": {\"name\": \"F_Y.txt\", \"nr_index_col\": \"1\", \"nr_header\": \"2\"},\n"
    " \"unit\": {\"name\": \"unit.txt\", \"nr_index_col\": \"1\", \"nr_header\": \"1\"}},\n"
    " \"systemtype\": \"Extension\", \"name\": \"Materials\"}\n";
static const char *SMALL_F = "region\tr1\tr1\tr2\tr2\n"
                             "sector\ta\tb\ta\tb\n"
                             "stressor\t\t\t\t\n"
                             "\"iron, ore\"\t1\t2\t3\t-4\n";
static const char *SMALL_FY = "region\tr1\tr2\n"
                              "category\thh\thh\n"
                              "stressor\t\t\n"
                              "\"iron, ore\"\t0.5\t0\n";
static const char *SMALL_EXT_UNIT = "stressor\tunit\n\"iron, ore\"\tt\n";

/* The small folder at dir, with `file` replaced by `text` (NULL: removed). */
static const char *small_folder(const char *name, const char *file, const char *text)
{
    static char dir[4096];
    char sub[4096];
    snprintf(dir, sizeof dir, "%s", tmp_path(name));
    snprintf(sub, sizeof sub, "%s/materials", dir);
    mkdir(dir, 0755);
    mkdir(sub, 0755);
    struct {
        const char *rel, *text;
    } files[] = {{"file_parameters.json", SMALL_PARAMS},
                 {"Z.txt", SMALL_Z},
                 {"Y.txt", SMALL_Y},
                 {"x.txt", SMALL_X},
                 {"unit.txt", SMALL_UNIT},
                 {"population.txt", SMALL_POP},
                 {"materials/file_parameters.json", SMALL_EXT_PARAMS},
                 {"materials/F.txt", SMALL_F},
                 {"materials/F_Y.txt", SMALL_FY},
                 {"materials/unit.txt", SMALL_EXT_UNIT}};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        int replaced = file != NULL && strcmp(file, files[i].rel) == 0;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, files[i].rel);
        unlink(path);
        if (replaced && text == NULL) {
            continue;
        }
        write_text(dir, files[i].rel, replaced ? text : files[i].text);
    }
    return dir;
}

static void test_small(void **state)
{
    (void)state;
    cm_mrio_t m, back;
    cm_error_info_t err;
    memset(&err, 0, sizeof err);
    const char *dir = small_folder("small", NULL, NULL);
    CHECK_OK(cm_mrio_read(dir, &m, &err), &err);
    assert_int_equal(m.n_regions, 2);
    assert_int_equal(m.n_sectors, 2);
    assert_int_equal(m.n_categories, 1);
    /* Z row (r1, b) = row 1, column (r2, a) = column 2 */
    assert_true(m.Z.data[1 + 4 * 2] == 7.0);
    assert_true(m.Z.data[0 + 4 * 3] == 4e-3);
    assert_true(m.Y.data[0 + 4 * 1] == -2e-05);
    assert_true(m.x.data[3] == 50.0);
    assert_true(m.population.data[0] == 11.5);
    assert_string_equal(m.unit_row, "M.EUR");
    assert_null(m.name);
    assert_int_equal(m.n_ext, 1);
    assert_string_equal(m.ext[0].labels[0], "iron, ore");
    assert_string_equal(m.ext[0].units[0], "t");
    assert_true(m.ext[0].F.data[3] == -4.0);
    assert_true(m.ext[0].F_Y.data[0] == 0.5);
    /* sums as an invariant: Z 1+2.5+0+0.004+0+1234+7+8+9+...+16 */
    ASSERT_NEAR(cm_array_sum_all(&m.Z), 1 + 2.5 + 0.004 + 1234 + 7 + 8 + 9 + 10 + 11 + 12 + 13 +
                                            14 + 15 + 16,
                1e-15, 0);
    const char *out = tmp_path("small-out");
    CHECK_OK(cm_mrio_write(&m, out, CM_MRIO_WRITE_INPUTS | CM_MRIO_WRITE_X, &err), &err);
    CHECK_OK(cm_mrio_read(out, &back, &err), &err);
    /* without metadata, a minimal metadata.json is written (pymrio's keys, empty name) */
    assert_string_equal(back.name, "");
    assert_non_null(strstr(back.meta_json, "\"history\": []"));
    cm_free(back.name);
    cm_free(back.meta_json);
    back.name = back.meta_json = NULL;
    assert_same_system(&m, &back);
    assert_same_array(&m.x, &back.x);
    cm_mrio_destroy(&back);
    char path[4096];
    /* pandas quotes a label only when it holds a tab, a quote or a line break */
    snprintf(path, sizeof path, "%s/materials/F.txt", out);
    assert_string_equal(slurp(path), "region\tr1\tr1\tr2\tr2\nsector\ta\tb\ta\tb\n"
                                     "stressor\t\t\t\t\niron, ore\t1.0\t2.0\t3.0\t-4.0\n");
    cm_mrio_destroy(&m);
}

/* The read fails with `code`; file, line and column as given (line 0: not checked). */
static void expect_error(const char *name, const char *file, const char *text, cm_error_t code,
                         const char *in_file, long line, long column, const char *in_message)
{
    cm_mrio_t m;
    cm_error_info_t err;
    memset(&err, 0, sizeof err);
    const char *dir = small_folder(name, file, text);
    cm_error_t rc = cm_mrio_read(dir, &m, &err);
    if (rc != code) {
        fail_msg("%s: got %s (%s), expected %s", name, cm_strerror(rc), err.message,
                 cm_strerror(code));
    }
    if (in_file != NULL) {
        size_t n = strlen(err.file), k = strlen(in_file);
        if (n < k || strcmp(err.file + n - k, in_file) != 0) {
            fail_msg("%s: error file '%s', expected '...%s'", name, err.file, in_file);
        }
    }
    if (line > 0) {
        assert_int_equal(err.line, line);
        assert_int_equal(err.column, column);
    }
    if (in_message != NULL && strstr(err.message, in_message) == NULL) {
        fail_msg("%s: message '%s' lacks '%s'", name, err.message, in_message);
    }
    assert_null(m.Z.data);
    assert_int_equal(m.n_ext, 0);
}

static void test_errors(void **state)
{
    (void)state;
    char bad[2048];
    /* missing files */
    expect_error("no-y", "Y.txt", NULL, CM_EFILE, NULL, 0, 0, "Y.txt");
    expect_error("no-params", "file_parameters.json", NULL, CM_EFILE, NULL, 0, 0,
                 "file_parameters.json");
    expect_error("no-f", "materials/F.txt", NULL, CM_EFILE, NULL, 0, 0, "materials/F.txt");
    /* a non-number: file, line, column (fields, 1-based) */
    snprintf(bad, sizeof bad, "%s", SMALL_Z);
    memcpy(strstr(bad, "1234"), "12x4", 4);
    expect_error("nonnum", "Z.txt", bad, CM_EPARSE, "Z.txt", 5, 4, "'12x4'");
    snprintf(bad, sizeof bad, "%s", SMALL_Y);
    memcpy(strstr(bad, "\t6\t"), "\tNaN", 4);
    expect_error("nan-y", "Y.txt", bad, CM_EPARSE, "Y.txt", 5, 3, "NaN");
    snprintf(bad, sizeof bad, "%s", SMALL_Z);
    memcpy(strstr(bad, "\t10\t"), "\t\t", 2); /* an empty cell: pandas' NaN */
    expect_error("nan-empty", "Z.txt", bad, CM_EPARSE, "Z.txt", 6, 4, "NaN");
    expect_error("inf", "materials/F.txt",
                 "region\tr1\tr1\tr2\tr2\nsector\ta\tb\ta\tb\nstressor\t\t\t\t\nx\t1\tinf\t3\t4\n",
                 CM_EPARSE, "materials/F.txt", 4, 3, "finite");
    /* negative Z (negative Y and F are read: see test_small) */
    snprintf(bad, sizeof bad, "%s", SMALL_Z);
    memcpy(strstr(bad, "\t13\t"), "\t-3\t", 4);
    expect_error("negz", "Z.txt", bad, CM_EPARSE, "Z.txt", 7, 3, "non-negative");
    /* labels of Y's rows against Z's */
    snprintf(bad, sizeof bad, "%s", SMALL_Y);
    memcpy(strstr(bad, "r2\ta"), "r2\tc", 4);
    expect_error("ylab", "Y.txt", bad, CM_EPARSE, "Y.txt", 6, 2, "expected row label 'a'");
    /* Y's regions against Z's */
    snprintf(bad, sizeof bad, "%s", SMALL_Y);
    memcpy(strstr(bad, "r1\tr2"), "r1\tr3", 5);
    expect_error("ycol", "Y.txt", bad, CM_EPARSE, "Y.txt", 1, 4, "'r2', found 'r3'");
    /* F's columns against Z's */
    snprintf(bad, sizeof bad, "%s", SMALL_F);
    memcpy(strstr(bad, "a\tb\ta\tb"), "a\tb\tb\ta", 7);
    expect_error("fcol", "materials/F.txt", bad, CM_EPARSE, "materials/F.txt", 2, 4,
                 "expected column label 'a', found 'b'");
    /* F_Y's rows against F's */
    expect_error("fyrow", "materials/F_Y.txt",
                 "region\tr1\tr2\ncategory\thh\thh\nstressor\t\t\ncopper\t0.5\t0\n", CM_EPARSE,
                 "materials/F_Y.txt", 4, 1, "'iron, ore'");
    /* Z not a full grid */
    expect_error("grid", "Z.txt",
                 "region\t\tr1\tr1\tr2\nsector\t\ta\tb\ta\nregion\tsector\t\t\t\n", CM_EPARSE,
                 "Z.txt", 0, 0, "full grid");
    /* a short row, a missing row */
    snprintf(bad, sizeof bad, "%s", SMALL_Z);
    memcpy(strstr(bad, "\t15\t16"), "\t15\n\n\n", 6);
    expect_error("short", "Z.txt", bad, CM_EPARSE, "Z.txt", 7, 6, "expected 4 numbers");
    snprintf(bad, sizeof bad, "%s", SMALL_Z);
    *strstr(bad, "r2\tb") = '\0';
    expect_error("rows", "Z.txt", bad, CM_EPARSE, "Z.txt", 0, 0, "expected 4 rows, found 3");
    /* a duplicate sector */
    expect_error("dupsec", "Z.txt", "region\t\tr1\tr1\tr2\tr2\nsector\t\ta\ta\ta\ta\n", CM_EINVAL,
                 NULL, 0, 0, "'a'");
    /* population of other regions */
    expect_error("pop", "population.txt", "\tr1\tr3\nPopulation\t1\t2\n", CM_EPARSE,
                 "population.txt", 1, 3, "'r2', found 'r3'");
    /* file_parameters without Z */
    expect_error("params", "file_parameters.json",
                 "{\"files\": {\"Y\": {\"name\": \"Y.txt\", \"nr_index_col\": \"2\", "
                 "\"nr_header\": \"2\"}}, \"systemtype\": \"IOSystem\"}",
                 CM_EPARSE, NULL, 0, 0, "files.Z");
    expect_error("json", "file_parameters.json", "{\"files\": ", CM_EPARSE,
                 "file_parameters.json", 0, 0, NULL);
    /* the path and the arguments */
    cm_mrio_t m;
    cm_error_info_t err;
    memset(&err, 0, sizeof err);
    CHECK_ERROR(cm_mrio_read(tmp_path("does-not-exist"), &m, &err), CM_EFILE);
    assert_non_null(strstr(err.message, "does-not-exist"));
    CHECK_ERROR(cm_mrio_read(NULL, &m, &err), CM_EINVAL);
    CHECK_ERROR(cm_mrio_write(NULL, "x", 0, &err), CM_EINVAL);
    /* writing under a file */
    const char *dir = small_folder("small-w", NULL, NULL);
    CHECK_OK(cm_mrio_read(dir, &m, &err), &err);
    char under[4096];
    snprintf(under, sizeof under, "%s/Z.txt/out", dir);
    CHECK_ERROR(cm_mrio_write(&m, under, CM_MRIO_WRITE_INPUTS, &err), CM_EFILE);
    assert_non_null(strstr(err.message, "Z.txt"));
    /* an extension name that is not a folder name */
    char *name = m.ext[0].name;
    m.ext[0].name = "../up";
    CHECK_ERROR(cm_mrio_write(&m, tmp_path("badext"), CM_MRIO_WRITE_INPUTS, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "../up"));
    m.ext[0].name = name;
    cm_mrio_destroy(&m);
}

static void test_alloc_failures(void **state)
{
    (void)state;
    const char *dir = small_folder("small-oom", NULL, NULL);
    char src[4096];
    snprintf(src, sizeof src, "%s", dir);
    int done = 0;
    for (long n = 0; n < 5000 && !done; n++) {
        cm_mrio_t m;
        cm_error_info_t err;
        memset(&err, 0, sizeof err);
        cm_test_fail_alloc_after(n);
        cm_error_t rc = cm_mrio_read(src, &m, &err);
        cm_test_fail_alloc_after(-1);
        if (rc == CM_OK) {
            done = 1;
            assert_int_equal(m.n_ext, 1);
        } else if (rc != CM_ENOMEM) {
            fail_msg("read after %ld allocations: %s: %s", n, cm_strerror(rc), err.message);
        }
        cm_mrio_destroy(&m);
    }
    assert_true(done);
    cm_mrio_t m;
    cm_error_info_t err;
    memset(&err, 0, sizeof err);
    CHECK_OK(cm_mrio_read(src, &m, &err), &err);
    done = 0;
    for (long n = 0; n < 5000 && !done; n++) {
        cm_test_fail_alloc_after(n);
        cm_error_t rc = cm_mrio_write(&m, tmp_path("small-oom-out"),
                                      CM_MRIO_WRITE_INPUTS | CM_MRIO_WRITE_X, &err);
        cm_test_fail_alloc_after(-1);
        if (rc == CM_OK) {
            done = 1;
        } else if (rc != CM_ENOMEM) {
            fail_msg("write after %ld allocations: %s: %s", n, cm_strerror(rc), err.message);
        }
    }
    assert_true(done);
    cm_mrio_destroy(&m);
}

/* ---------------------------------------------------------------------------------------- */

static double ref_strtod(const char *s)
{
    char *end = NULL;
    double v = strtod(s, &end);
    assert_true(*end == '\0');
    return v;
}

static void test_numbers(void **state)
{
    (void)state;
    static const char *ok[] = {"1.5", "-2e-05", "0.0", "1234", "+3", "0.1", "1e22", "1e23",
                               "9007199254740993", "3.14159265358979323846264338",
                               "123456789012345678901234567890", "0.000000000000000000000000001",
                               "1e-320", "4.9406564584124654e-324", "1.7976931348623157e308",
                               "2.2250738585072011e-308", "-0", ".5", "5.", "1E5", "00012.50"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        double v = -1;
        assert_int_equal(cm_i_mrio_parse_number(ok[i], strlen(ok[i]), &v), CM_I_MRIO_NUM_OK);
        double r = ref_strtod(ok[i]);
        if (memcmp(&v, &r, sizeof v) != 0) {
            fail_msg("'%s': %.17g, strtod %.17g", ok[i], v, r);
        }
    }
    static const struct {
        const char *s;
        cm_i_mrio_num_t st;
    } bad[] = {{"nan", CM_I_MRIO_NUM_NAN},  {"NaN", CM_I_MRIO_NUM_NAN},
               {"-nan", CM_I_MRIO_NUM_NAN}, {"inf", CM_I_MRIO_NUM_INF},
               {"-Infinity", CM_I_MRIO_NUM_INF}, {"1e400", CM_I_MRIO_NUM_INF},
               {"", CM_I_MRIO_NUM_EMPTY},   {"abc", CM_I_MRIO_NUM_BAD},
               {"1e", CM_I_MRIO_NUM_BAD},   {"1.2.3", CM_I_MRIO_NUM_BAD},
               {"-", CM_I_MRIO_NUM_BAD},    {".", CM_I_MRIO_NUM_BAD},
               {"1 ", CM_I_MRIO_NUM_BAD},   {"0x10", CM_I_MRIO_NUM_BAD},
               {"1,5", CM_I_MRIO_NUM_BAD},  {"e5", CM_I_MRIO_NUM_BAD}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double v = 0;
        if (cm_i_mrio_parse_number(bad[i].s, strlen(bad[i].s), &v) != bad[i].st) {
            fail_msg("'%s': expected status %d", bad[i].s, (int)bad[i].st);
        }
    }
    /* random doubles of every magnitude: %.17g, %.12g and the formatter read back exactly */
    uint64_t s = 0x9E3779B97F4A7C15ULL;
    void *loc = cm_i_mrio_format_begin();
    for (int i = 0; i < 200000; i++) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        double v;
        if (i % 3 == 0) {
            uint64_t bits = s & 0x7FEFFFFFFFFFFFFFULL; /* any finite */
            memcpy(&v, &bits, sizeof v);
        } else {
            v = (double)(s >> 11) / 9007199254740992.0 * pow(10.0, (double)(i % 40) - 20.0);
            v = (i % 5 == 0) ? -v : v;
        }
        char buf[64], txt[64];
        size_t n = cm_i_mrio_format_number(buf, v);
        assert_int_equal(n, strlen(buf));
        snprintf(txt, sizeof txt, "%.17g", v);
        assert_true(n <= 24); /* "-1.2345678901234567e-308" is the longest */
        double back = 0, r17 = 0;
        assert_int_equal(cm_i_mrio_parse_number(buf, n, &back), CM_I_MRIO_NUM_OK);
        if (memcmp(&back, &v, sizeof v) != 0 || ref_strtod(buf) != v) {
            fail_msg("format %.17g gave '%s' read back as %.17g", v, buf, back);
        }
        assert_int_equal(cm_i_mrio_parse_number(txt, strlen(txt), &r17), CM_I_MRIO_NUM_OK);
        assert_true(memcmp(&r17, &v, sizeof v) == 0);
        snprintf(txt, sizeof txt, "%.12g", v);
        assert_int_equal(cm_i_mrio_parse_number(txt, strlen(txt), &r17), CM_I_MRIO_NUM_OK);
        double r12 = ref_strtod(txt);
        if (memcmp(&r17, &r12, sizeof v) != 0) {
            fail_msg("'%s': %.17g, strtod %.17g", txt, r17, r12);
        }
    }
    cm_i_mrio_format_end(loc);
    char buf[64];
    cm_i_mrio_format_number(buf, 0.0);
    assert_string_equal(buf, "0.0");
    cm_i_mrio_format_number(buf, -0.0);
    assert_string_equal(buf, "-0.0");
    cm_i_mrio_format_number(buf, 1e22);
    assert_string_equal(buf, "1e+22");
    cm_i_mrio_format_number(buf, 123456.0);
    assert_string_equal(buf, "123456.0");
    cm_i_mrio_format_number(buf, 1e16);
    assert_string_equal(buf, "1e+16");
    cm_i_mrio_format_number(buf, 9007199254740994.0);
    assert_string_equal(buf, "9007199254740994.0");
    cm_i_mrio_format_number(buf, 1.0 / 3.0);
    assert_string_equal(buf, "0.3333333333333333");
    cm_i_mrio_format_number(buf, 2.0 / 3.0);
    assert_string_equal(buf, "0.6666666666666666");
    cm_i_mrio_format_number(buf, 0.1 + 0.2);
    assert_string_equal(buf, "0.30000000000000004");
    cm_i_mrio_format_number(buf, 1e-7 / 3.0);
    assert_string_equal(buf, "3.3333333333333334e-08");
    cm_i_mrio_format_number(buf, -1.5e300); /* beyond the exact paths: %.17g */
    assert_true(strtod(buf, NULL) == -1.5e300);
    cm_i_mrio_format_number(buf, 0.1);
    assert_string_equal(buf, "0.1");
    cm_i_mrio_format_number(buf, -2e-05);
    assert_string_equal(buf, "-2e-05");
    cm_i_mrio_format_number(buf, NAN);
    assert_string_equal(buf, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CM_TEST(test_numbers),     CM_TEST(test_read_shared),    CM_TEST(test_round_trip),
        CM_TEST(test_zip),         CM_TEST(test_small),          CM_TEST(test_errors),
        CM_TEST(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* MRIO sources and aggregation: the WIOD 2013 release (2011), the OECD national IOT of
 * Belgium 2020, the Eurostat manual's 6-product example (Beutel, Germany 1995) and
 * cm_mrio_aggregate on the pymrio test system with its concordances. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cm_test.h"
#include "cambium/cm_alloc.h"
#include "cambium/cm_csv.h"
#include "cambium/cm_mrio.h"

/* --- small helpers ----------------------------------------------------------------------- */

static void write_text(const char *dir, const char *name, const char *text)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

static const char *subdir(const char *name)
{
    static char dir[4096];
    snprintf(dir, sizeof dir, "%s/%s", cm_test_tmpdir(), name);
    (void)mkdir(dir, 0755);
    return dir;
}

static double get4(const cm_array_t *a, const char *c0, const char *c1, const char *c2,
                   const char *c3)
{
    const char *codes[] = {c0, c1, c2, c3};
    cm_real_t v = NAN;
    cm_error_info_t err;
    CHECK_OK(cm_array_get(a, codes, &v, &err), &err);
    return v;
}

static double get2(const cm_array_t *a, const char *c0, const char *c1)
{
    const char *codes[] = {c0, c1};
    cm_real_t v = NAN;
    cm_error_info_t err;
    CHECK_OK(cm_array_get(a, codes, &v, &err), &err);
    return v;
}

static double get3(const cm_array_t *a, const char *c0, const char *c1, const char *c2)
{
    const char *codes[] = {c0, c1, c2};
    cm_real_t v = NAN;
    cm_error_info_t err;
    CHECK_OK(cm_array_get(a, codes, &v, &err), &err);
    return v;
}

static double sum_of(const cm_array_t *a)
{
    double s = 0.0;
    for (size_t i = 0; i < a->size; i++) {
        s += a->data[i];
    }
    return s;
}

/* --- WIOD ---------------------------------------------------------------------------------- */

static const char WIOD_ROWS[] = "index,label,country,sector_code,sector_name\n"
                                "0,AAA_c1,AAA,c1,Agriculture\n"
                                "1,AAA_c2,AAA,c2,Mining\n"
                                "2,BBB_c1,BBB,c1,Agriculture\n"
                                "3,BBB_c2,BBB,c2,Mining\n";
static const char WIOD_COLS[] = "index,label,country,category,category_name\n"
                                "0,AAA_CONS_h,AAA,CONS_h,Households\n"
                                "1,AAA_INVEN,AAA,INVEN,Inventories\n"
                                "2,BBB_CONS_h,BBB,CONS_h,Households\n"
                                "3,BBB_INVEN,BBB,INVEN,Inventories\n";
static const char WIOD_Z[] = "row,AAA_c1,AAA_c2,BBB_c1,BBB_c2\n"
                             "AAA_c1,1,2,3,4\n"
                             "AAA_c2,5,6,7,8\n"
                             "BBB_c1,9,10,11,12\n"
                             "BBB_c2,13,14,15,16\n";
static const char WIOD_Y[] = "row,AAA_CONS_h,AAA_INVEN,BBB_CONS_h,BBB_INVEN\n"
                             "AAA_c1,10,-1,2,0\n"
                             "AAA_c2,20,0,3,1\n"
                             "BBB_c1,1,0,30,-2\n"
                             "BBB_c2,0,1,40,0\n";
static const char WIOD_X[] = "row,output\nAAA_c1,21\nAAA_c2,50\nBBB_c1,71\nBBB_c2,99\n";

/* A tiny release in \p name with one file replaced (NULL: none). */
static const char *wiod_fixture(const char *name, const char *file, const char *text)
{
    const char *dir = subdir(name);
    write_text(dir, "wiod2011_row_labels.csv", WIOD_ROWS);
    write_text(dir, "wiod2011_final_labels.csv", WIOD_COLS);
    write_text(dir, "wiod2011_Z.csv", WIOD_Z);
    write_text(dir, "wiod2011_final.csv", WIOD_Y);
    write_text(dir, "wiod2011_output.csv", WIOD_X);
    if (file != NULL) {
        write_text(dir, file, text);
    }
    return dir;
}

static void test_wiod_tiny(void **state)
{
    (void)state;
    cm_mrio_t m;
    cm_error_info_t err;
    memset(&m, 0, sizeof m);
    CHECK_OK(cm_mrio_read_wiod(wiod_fixture("wiod_ok", NULL, NULL), &m, &err), &err);
    assert_int_equal(m.n_regions, 2);
    assert_int_equal(m.n_sectors, 2);
    assert_int_equal(m.n_categories, 2);
    assert_string_equal(cm_dim_code(m.dims[CM_MRIO_REGION], 1), "BBB");
    assert_string_equal(cm_dim_code(m.dims[CM_MRIO_SECTOR], 1), "c2");
    assert_string_equal(cm_dim_code(m.dims[CM_MRIO_CATEGORY], 1), "INVEN");
    assert_true(get4(&m.Z, "c2", "AAA", "c1", "BBB") == 7.0);
    assert_true(get4(&m.Y, "c1", "BBB", "INVEN", "BBB") == -2.0);
    assert_true(get4(&m.Y, "c2", "AAA", "INVEN", "BBB") == 1.0);
    assert_true(get2(&m.x, "c2", "BBB") == 99.0);
    assert_int_equal(m.n_ext, 1);
    assert_string_equal(m.ext[0].name, "factor_inputs");
    assert_string_equal(m.ext[0].labels[0], "value added");
    /* value added = x - column sums of Z: AAA_c1 21 - (1 + 5 + 9 + 13) */
    assert_true(get3(&m.ext[0].F, "value added", "c1", "AAA") == -7.0);
    assert_true(get3(&m.ext[0].F, "value added", "c2", "BBB") == 99.0 - 40.0);
    cm_mrio_destroy(&m);
}

static void test_wiod_errors(void **state)
{
    (void)state;
    cm_mrio_t m;
    cm_error_info_t err;
    memset(&m, 0, sizeof m);
    /* a word where a number belongs: file, line and column */
    const char *dir = wiod_fixture("wiod_e1", "wiod2011_Z.csv",
                                   "row,AAA_c1,AAA_c2,BBB_c1,BBB_c2\nAAA_c1,1,2,3,4\n"
                                   "AAA_c2,5,x6,7,8\nBBB_c1,9,10,11,12\nBBB_c2,13,14,15,16\n");
    CHECK_ERROR(cm_mrio_read_wiod(dir, &m, &err), CM_EPARSE);
    assert_non_null(strstr(err.file, "wiod2011_Z.csv"));
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 3);
    assert_non_null(strstr(err.message, "x6"));
    assert_null(m.Z.data); /* nothing kept */
    /* a row label out of order */
    dir = wiod_fixture("wiod_e2", "wiod2011_final.csv",
                       "row,AAA_CONS_h,AAA_INVEN,BBB_CONS_h,BBB_INVEN\nAAA_c1,10,-1,2,0\n"
                       "BBB_c1,20,0,3,1\nAAA_c2,1,0,30,-2\nBBB_c2,0,1,40,0\n");
    CHECK_ERROR(cm_mrio_read_wiod(dir, &m, &err), CM_EPARSE);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 1);
    assert_non_null(strstr(err.message, "AAA_c2"));
    /* a column label that differs */
    dir = wiod_fixture("wiod_e3", "wiod2011_output.csv",
                       "row,gross\nAAA_c1,21\nAAA_c2,50\nBBB_c1,71\nBBB_c2,99\n");
    CHECK_ERROR(cm_mrio_read_wiod(dir, &m, &err), CM_EPARSE);
    assert_int_equal(err.column, 2);
    assert_non_null(strstr(err.message, "output"));
    /* a missing row */
    dir = wiod_fixture("wiod_e4", "wiod2011_output.csv",
                       "row,output\nAAA_c1,21\nAAA_c2,50\nBBB_c1,71\n");
    CHECK_ERROR(cm_mrio_read_wiod(dir, &m, &err), CM_EPARSE);
    assert_non_null(strstr(err.message, "4 data rows"));
    /* a negative intermediate use */
    dir = wiod_fixture("wiod_e5", "wiod2011_Z.csv",
                       "row,AAA_c1,AAA_c2,BBB_c1,BBB_c2\nAAA_c1,1,2,3,4\n"
                       "AAA_c2,5,6,7,8\nBBB_c1,9,10,11,12\nBBB_c2,13,14,-15,16\n");
    CHECK_ERROR(cm_mrio_read_wiod(dir, &m, &err), CM_EPARSE);
    assert_int_equal(err.line, 5);
    assert_int_equal(err.column, 4);
    /* labels not in region blocks */
    dir = wiod_fixture("wiod_e6", "wiod2011_row_labels.csv",
                       "index,label,country,sector_code,sector_name\n0,AAA_c1,AAA,c1,A\n"
                       "1,AAA_c2,AAA,c2,M\n2,BBB_c2,BBB,c2,M\n3,BBB_c1,BBB,c1,A\n");
    CHECK_ERROR(cm_mrio_read_wiod(dir, &m, &err), CM_EPARSE);
    assert_int_equal(err.line, 4);
    assert_non_null(strstr(err.message, "c1"));
    /* final demand for other regions */
    dir = wiod_fixture(
        "wiod_e7", "wiod2011_final_labels.csv",
        "index,label,country,category,category_name\n0,AAA_CONS_h,AAA,CONS_h,H\n"
        "1,AAA_INVEN,AAA,INVEN,I\n2,CCC_CONS_h,CCC,CONS_h,H\n3,CCC_INVEN,CCC,INVEN,I\n");
    CHECK_ERROR(cm_mrio_read_wiod(dir, &m, &err), CM_EPARSE);
    assert_non_null(strstr(err.message, "CCC"));
    /* a missing file */
    dir = subdir("wiod_none");
    CHECK_ERROR(cm_mrio_read_wiod(dir, &m, &err), CM_EFILE);
    assert_non_null(strstr(err.file, "wiod2011_row_labels.csv"));
    CHECK_ERROR(cm_mrio_read_wiod(NULL, &m, &err), CM_EINVAL);
    cm_mrio_destroy(&m);
}

static void test_wiod_alloc_failures(void **state)
{
    (void)state;
    const char *dir = wiod_fixture("wiod_oom", NULL, NULL);
    char path[4096];
    snprintf(path, sizeof path, "%s", dir);
    int done = 0;
    for (long n = 0; n < 2000 && !done; n++) {
        cm_mrio_t m;
        cm_error_info_t err;
        memset(&m, 0, sizeof m);
        cm_test_fail_alloc_after(n);
        cm_error_t rc = cm_mrio_read_wiod(path, &m, &err);
        cm_test_fail_alloc_after(-1);
        if (rc == CM_OK) {
            done = 1;
            assert_true(get2(&m.x, "c1", "AAA") == 21.0);
        } else {
            assert_int_equal(rc, CM_ENOMEM);
        }
        cm_mrio_destroy(&m);
    }
    assert_true(done);
}

static void test_wiod_2011(void **state)
{
    (void)state;
    const char *z = cm_test_shared("wiod-2013-release-2011/wiod2011_Z.csv");
    if (z == NULL) {
        skip();
    }
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", z);
    *strrchr(dir, '/') = '\0';
    cm_mrio_t m;
    cm_error_info_t err;
    memset(&m, 0, sizeof m);
    CHECK_OK(cm_mrio_read_wiod(dir, &m, &err), &err);
    assert_int_equal(m.n_regions, 41);
    assert_int_equal(m.n_sectors, 35);
    assert_int_equal(m.n_categories, 5);
    size_t N = 41 * 35;
    assert_int_equal(m.Z.size, N * N);
    assert_int_equal(m.Y.size, N * 41 * 5);
    assert_string_equal(cm_dim_code(m.dims[CM_MRIO_REGION], 2), "BEL");
    assert_string_equal(cm_dim_code(m.dims[CM_MRIO_REGION], 40), "RoW");
    assert_string_equal(cm_dim_code(m.dims[CM_MRIO_SECTOR], 34), "c35");
    assert_string_equal(cm_dim_code(m.dims[CM_MRIO_CATEGORY], 0), "CONS_h");
    assert_string_equal(cm_dim_code(m.dims[CM_MRIO_CATEGORY], 4), "INVEN");
    /* cells read by hand from the CSV files */
    assert_true(get4(&m.Z, "c12", "BEL", "c12", "BEL") == 2979.0);
    assert_true(get4(&m.Z, "c9", "DEU", "c12", "BEL") == 152.0);
    assert_true(get4(&m.Z, "c14", "CHN", "c14", "USA") == 14692.0);
    assert_true(get4(&m.Y, "c2", "AUS", "INVEN", "AUS") == -516.0); /* inventory change */
    assert_true(get4(&m.Y, "c23", "BEL", "CONS_h", "BEL") == 1838.0);
    assert_true(get2(&m.x, "c1", "RoW") == 1416975.0);
    assert_true(get3(&m.ext[0].F, "value added", "c12", "BEL") == 12931.0);
    /* Belgium's gross output (SOURCE.md) and the negative final-demand cells kept */
    double bel = 0.0;
    size_t neg = 0;
    for (size_t s = 0; s < 35; s++) {
        bel += m.x.data[2 * 35 + s];
    }
    for (size_t i = 0; i < m.Y.size; i++) {
        neg += m.Y.data[i] < 0.0;
    }
    assert_true(bel == 1113941.0);
    assert_int_equal(neg, 352);
    /* x = Z e + Y e within the integer rounding of the release */
    double worst = 0.0, xmax = 0.0;
    for (size_t i = 0; i < N; i++) {
        double s = 0.0;
        for (size_t j = 0; j < N; j++) {
            s += m.Z.data[i + N * j];
        }
        for (size_t k = 0; k < 41 * 5; k++) {
            s += m.Y.data[i + N * k];
        }
        worst = fmax(worst, fabs(m.x.data[i] - s));
        xmax = fmax(xmax, m.x.data[i]);
    }
    print_message("WIOD 2011: max |x - Ze - Ye| = %g (USD million), %g of the largest output\n",
                  worst, worst / xmax);
    assert_true(worst <= 108.0);
    assert_true(worst / xmax < 3.3e-5);
    /* value added closes the columns: sum VA + sum Z = sum x; gross output is x itself */
    double va = 0.0, go = 0.0;
    for (size_t j = 0; j < m.x.size; j++) {
        va += m.ext[0].F.data[2 * j];
        go += m.ext[0].F.data[2 * j + 1];
        assert_true(m.ext[0].F.data[2 * j + 1] == m.x.data[j]);
    }
    ASSERT_NEAR(va + sum_of(&m.Z), sum_of(&m.x), 1e-12, 0.0);
    ASSERT_NEAR(go, sum_of(&m.x), 1e-12, 0.0);
    assert_string_equal(m.ext[0].labels[1], "gross output");
    ASSERT_NEAR(sum_of(&m.Z), 72440092.0, 0.0, 0.5);
    ASSERT_NEAR(sum_of(&m.Y), 69268600.0, 0.0, 0.5);
    cm_mrio_destroy(&m);
}

/* --- OECD national IOT --------------------------------------------------------------------- */

static const char OECD_HEAD[] =
    "\"\",\"D01\",\"D02\",\"HFCE\",\"NPISH\",\"GGFC\",\"GFCF\",\"INVNT\",\"DPABR\","
    "\"CONS_NONRES\",\"EXPO\",\"IMPO\"\n";
static const char OECD_BODY[] = "\"TTL_01\",1,2,3,0,0,0,-1,0,0,4,-2\n"
                                "\"TTL_02\",5,6,7,1,1,1,0,0,0,8,-9\n"
                                "\"TXS_IMP_FNL\",0.5,0.25,1,0,0,0,0,0,0,0,0\n"
                                "\"TXS_INT_FNL\",1,2,3,0,0,0,0,0,0,0.5,0\n"
                                "\"TTL_INT_FNL\",7.5,10.25,0,0,0,0,0,0,0,0,0\n"
                                "\"VALU\",0.5,5.75,0,0,0,0,0,0,0,0,0\n"
                                "\"OUTPUT\",8,16,0,0,0,0,0,0,0,0,0\n";

static const char *oecd_fixture(const char *name, const char *head, const char *body)
{
    static char path[4096];
    char text[2048];
    snprintf(text, sizeof text, "%s%s", head, body);
    snprintf(path, sizeof path, "%s/%s", cm_test_tmpdir(), name);
    write_text(cm_test_tmpdir(), name, text);
    return path;
}

static void test_oecd_tiny(void **state)
{
    (void)state;
    cm_mrio_t m;
    cm_error_info_t err;
    memset(&m, 0, sizeof m);
    CHECK_OK(cm_mrio_read_oecd_iot(oecd_fixture("XYZ2020ttl.csv", OECD_HEAD, OECD_BODY), &m, &err),
             &err);
    assert_int_equal(m.n_regions, 1);
    assert_int_equal(m.n_sectors, 2);
    assert_int_equal(m.n_categories, 9);
    assert_string_equal(cm_dim_code(m.dims[CM_MRIO_REGION], 0), "XYZ");
    assert_string_equal(cm_dim_code(m.dims[CM_MRIO_CATEGORY], 8), "IMPO");
    assert_true(get4(&m.Y, "D02", "XYZ", "IMPO", "XYZ") == -9.0);
    assert_string_equal(cm_dim_code(m.dims[CM_MRIO_SECTOR], 1), "D02");
    assert_string_equal(cm_dim_code(m.dims[CM_MRIO_CATEGORY], 7), "EXPO");
    assert_true(get4(&m.Z, "D02", "XYZ", "D01", "XYZ") == 5.0);
    assert_true(get4(&m.Y, "D01", "XYZ", "INVNT", "XYZ") == -1.0);
    assert_true(get4(&m.Y, "D02", "XYZ", "EXPO", "XYZ") == 8.0);
    assert_true(get2(&m.x, "D02", "XYZ") == 16.0);
    assert_true(get3(&m.ext[0].F, "value added", "D02", "XYZ") == 5.75);
    assert_true(get3(&m.ext[0].F, "taxes less subsidies on products", "D01", "XYZ") == 1.5);
    assert_true(get3(&m.ext[0].F_Y, "taxes less subsidies on products", "HFCE", "XYZ") == 4.0);
    assert_true(get3(&m.ext[0].F_Y, "taxes less subsidies on products", "EXPO", "XYZ") == 0.5);
    assert_true(get3(&m.ext[0].F_Y, "value added", "HFCE", "XYZ") == 0.0);
    /* IMPO is negative final demand (domestic-technology assumption): Z e + Y e = x */
    assert_true(sum_of(&m.Y) == 3 - 1 + 4 - 2 + 7 + 3 + 8 - 9);
    assert_string_equal(m.unit_row, "USD million");
    assert_string_equal(m.ext[0].units[0], "USD million");
    cm_mrio_destroy(&m);
    /* without the tax rows: one stressor, no F_Y */
    CHECK_OK(cm_mrio_read_oecd_iot(oecd_fixture("notax.csv", OECD_HEAD,
                                                "\"TTL_01\",1,2,3,0,0,0,-1,0,0,4,-2\n"
                                                "\"TTL_02\",5,6,7,1,1,1,0,0,0,8,-9\n"
                                                "\"VALU\",2,8,0,0,0,0,0,0,0,0,0\n"
                                                "\"OUTPUT\",8,16,0,0,0,0,0,0,0,0,0\n"),
                                   &m, &err),
             &err);
    assert_string_equal(cm_dim_code(m.dims[CM_MRIO_REGION], 0), "notax");
    assert_int_equal(m.ext[0].n_stressors, 1);
    assert_null(m.ext[0].F_Y.data);
    cm_mrio_destroy(&m);
}

static void test_oecd_errors(void **state)
{
    (void)state;
    cm_mrio_t m;
    cm_error_info_t err;
    memset(&m, 0, sizeof m);
    /* an unknown column */
    CHECK_ERROR(cm_mrio_read_oecd_iot(
                    oecd_fixture("e1.csv",
                                 "\"\",\"D01\",\"D02\",\"HFCE\",\"NPISH\",\"GGFC\",\"GFCF\","
                                 "\"INVNT\",\"DPABR\",\"CONS_NONRES\",\"EXPO\",\"TOTAL\"\n",
                                 OECD_BODY),
                    &m, &err),
                CM_EPARSE);
    assert_int_equal(err.column, 12);
    assert_non_null(strstr(err.message, "TOTAL"));
    /* a final demand column given twice */
    CHECK_ERROR(cm_mrio_read_oecd_iot(
                    oecd_fixture("e2.csv",
                                 "\"\",\"D01\",\"D02\",\"HFCE\",\"NPISH\",\"GGFC\",\"GFCF\","
                                 "\"INVNT\",\"DPABR\",\"CONS_NONRES\",\"IMPO\",\"IMPO\"\n",
                                 OECD_BODY),
                    &m, &err),
                CM_EPARSE);
    assert_non_null(strstr(err.message, "IMPO")); /* IMPO is a category: given twice */
    assert_non_null(strstr(err.message, "twice"));
    /* product rows that do not match the industry columns */
    CHECK_ERROR(cm_mrio_read_oecd_iot(oecd_fixture("e3.csv", OECD_HEAD,
                                                   "\"TTL_02\",1,2,3,0,0,0,-1,0,0,4,-2\n"
                                                   "\"TTL_01\",5,6,7,1,1,1,0,0,0,8,-9\n"
                                                   "\"VALU\",2,8,0,0,0,0,0,0,0,0,0\n"
                                                   "\"OUTPUT\",8,16,0,0,0,0,0,0,0,0,0\n"),
                                      &m, &err),
                CM_EPARSE);
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.message, "TTL_01"));
    /* no OUTPUT row */
    CHECK_ERROR(cm_mrio_read_oecd_iot(oecd_fixture("e4.csv", OECD_HEAD,
                                                   "\"TTL_01\",1,2,3,0,0,0,-1,0,0,4,-2\n"
                                                   "\"TTL_02\",5,6,7,1,1,1,0,0,0,8,-9\n"
                                                   "\"VALU\",2,8,0,0,0,0,0,0,0,0,0\n"),
                                      &m, &err),
                CM_EPARSE);
    assert_non_null(strstr(err.message, "OUTPUT"));
    /* a word for a number, an unknown row, a negative intermediate use */
    CHECK_ERROR(cm_mrio_read_oecd_iot(oecd_fixture("e5.csv", OECD_HEAD,
                                                   "\"TTL_01\",1,2,3,0,0,0,-1,0,0,4,-2\n"
                                                   "\"TTL_02\",5,6,7,1,n.a.,1,0,0,0,8,-9\n"
                                                   "\"VALU\",2,8,0,0,0,0,0,0,0,0,0\n"
                                                   "\"OUTPUT\",8,16,0,0,0,0,0,0,0,0,0\n"),
                                      &m, &err),
                CM_EPARSE);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 6);
    CHECK_ERROR(cm_mrio_read_oecd_iot(oecd_fixture("e6.csv", OECD_HEAD,
                                                   "\"TTL_01\",1,2,3,0,0,0,-1,0,0,4,-2\n"
                                                   "\"TTL_02\",5,6,7,1,1,1,0,0,0,8,-9\n"
                                                   "\"EMPL\",2,8,0,0,0,0,0,0,0,0,0\n"),
                                      &m, &err),
                CM_EPARSE);
    assert_non_null(strstr(err.message, "EMPL"));
    CHECK_ERROR(cm_mrio_read_oecd_iot(oecd_fixture("e7.csv", OECD_HEAD,
                                                   "\"TTL_01\",1,-2,3,0,0,0,-1,0,0,4,-2\n"
                                                   "\"TTL_02\",5,6,7,1,1,1,0,0,0,8,-9\n"
                                                   "\"VALU\",2,8,0,0,0,0,0,0,0,0,0\n"
                                                   "\"OUTPUT\",8,16,0,0,0,0,0,0,0,0,0\n"),
                                      &m, &err),
                CM_EPARSE);
    assert_int_equal(err.column, 3);
    CHECK_ERROR(cm_mrio_read_oecd_iot(oecd_fixture("e8.csv", OECD_HEAD,
                                                   "\"TTL_01\",1,2,3,0,0,0,-1,0,0,4,-2\n"
                                                   "\"TTL_02\",5,6,7,1,1,1,0,0,0,8,-9\n"
                                                   "\"VALU\",2,8,0,0,0,0,0,0,0,0,0\n"
                                                   "\"VALU\",2,8,0,0,0,0,0,0,0,0,0\n"
                                                   "\"OUTPUT\",8,16,0,0,0,0,0,0,0,0,0\n"),
                                      &m, &err),
                CM_EPARSE);
    assert_int_equal(err.line, 5);
    assert_non_null(strstr(err.message, "twice"));
    CHECK_ERROR(cm_mrio_read_oecd_iot("/nonexistent/BEL.csv", &m, &err), CM_EFILE);
    CHECK_ERROR(cm_mrio_read_oecd_iot(NULL, &m, &err), CM_EINVAL);
    assert_null(m.Z.data);
}

static void test_oecd_alloc_failures(void **state)
{
    (void)state;
    char path[4096];
    snprintf(path, sizeof path, "%s", oecd_fixture("XYZ_oom.csv", OECD_HEAD, OECD_BODY));
    int done = 0;
    for (long n = 0; n < 2000 && !done; n++) {
        cm_mrio_t m;
        cm_error_info_t err;
        memset(&m, 0, sizeof m);
        cm_test_fail_alloc_after(n);
        cm_error_t rc = cm_mrio_read_oecd_iot(path, &m, &err);
        cm_test_fail_alloc_after(-1);
        if (rc == CM_OK) {
            done = 1;
            assert_int_equal(m.n_ext, 1);
        } else {
            assert_int_equal(rc, CM_ENOMEM);
        }
        cm_mrio_destroy(&m);
    }
    assert_true(done);
}

static void test_oecd_bel2020(void **state)
{
    (void)state;
    const char *p = cm_test_shared("iotables-siot-examples/BEL2020ttl.csv");
    if (p == NULL) {
        skip();
    }
    char path[4096];
    snprintf(path, sizeof path, "%s", p);
    cm_mrio_t m;
    cm_error_info_t err;
    cm_table_t t = CM_TABLE_NULL;
    memset(&m, 0, sizeof m);
    CHECK_OK(cm_mrio_read_oecd_iot(path, &m, &err), &err);
    assert_int_equal(m.n_regions, 1);
    assert_int_equal(m.n_sectors, 50);
    assert_int_equal(m.n_categories, 9);
    assert_string_equal(cm_dim_code(m.dims[CM_MRIO_REGION], 0), "BEL");
    assert_string_equal(cm_dim_code(m.dims[CM_MRIO_SECTOR], 0), "D01");
    assert_string_equal(cm_dim_code(m.dims[CM_MRIO_SECTOR], 49), "D97T98");
    /* cells read by hand */
    assert_true(get4(&m.Z, "D01", "BEL", "D01", "BEL") == 914.2);
    assert_true(get4(&m.Z, "D01", "BEL", "D10T12", "BEL") == 7709.0);
    assert_true(get4(&m.Z, "D10T12", "BEL", "D01", "BEL") == 1854.2);
    assert_true(get4(&m.Y, "D01", "BEL", "EXPO", "BEL") == 2430.9);
    assert_true(get4(&m.Y, "D01", "BEL", "HFCE", "BEL") == 4909.5);
    assert_true(get2(&m.x, "D01", "BEL") == 12069.3);
    assert_true(get3(&m.ext[0].F, "value added", "D01", "BEL") == 3582.2);
    ASSERT_NEAR(get3(&m.ext[0].F, "taxes less subsidies on products", "D01", "BEL"), 66.2 + 296.5,
                1e-12, 0.0);
    ASSERT_NEAR(get3(&m.ext[0].F_Y, "taxes less subsidies on products", "HFCE", "BEL"), 15558.6,
                1e-12, 0.0);
    /* the identity of the rows: Z e + Y e = OUTPUT, Y holding IMPO (imports enter negatively) */
    cm_csv_options_t opt;
    cm_csv_options_default(&opt);
    CHECK_OK(cm_table_read(&t, path, &opt, 1, &err), &err);
    cm_int_t c_imp = cm_table_col(&t, "IMPO");
    assert_true(c_imp > 0);
    size_t n = 50;
    double worst_row = 0.0, worst_col = 0.0, worst_col_ok = 0.0;
    for (size_t i = 0; i < n; i++) {
        cm_num_t v;
        CHECK_OK(cm_num_parse(cm_table_cell(&t, i, (size_t)c_imp), NULL, &v, &err), &err);
        double s = 0.0;
        for (size_t j = 0; j < n; j++) {
            s += m.Z.data[i + n * j];
        }
        for (size_t k = 0; k < 9; k++) {
            s += m.Y.data[i + n * k];
        }
        assert_true(m.Y.data[i + n * 8] == v.value); /* the IMPO column as read */
        worst_row = fmax(worst_row, fabs(s - m.x.data[i]));
    }
    /* the columns: Z column sums + taxes + value added = OUTPUT, except in D68..D94T96 */
    for (size_t j = 0; j < n; j++) {
        double s = m.ext[0].F.data[2 * j] + m.ext[0].F.data[1 + 2 * j];
        for (size_t i = 0; i < n; i++) {
            s += m.Z.data[i + n * j];
        }
        double d = fabs(m.x.data[j] - s);
        worst_col = fmax(worst_col, d);
        if (j < 41 || j > 48) {
            worst_col_ok = fmax(worst_col_ok, d);
        }
    }
    print_message("BEL 2020: max |Ze + Ye + IMPO - OUTPUT| = %g; max |OUTPUT - (column sums + "
                  "taxes + VALU)| = %g (D68..D94T96), %g elsewhere (USD million)\n",
                  worst_row, worst_col, worst_col_ok);
    assert_true(worst_row < 1.0);
    assert_true(worst_col_ok < 1.0);
    assert_true(worst_col > 500.0 && worst_col < 600.0);
    cm_table_destroy(&t);
    cm_mrio_destroy(&m);
}

/* --- the Eurostat manual's example (Beutel 2008, Germany 1995, 6 products) ---------------- */

/* Published column sums of the Leontief inverse (output multipliers, backward linkages) and
 * its diagonal, Eurostat Manual of Supply, Use and Input-Output Tables (2008), table 15.10,
 * as quoted by the iotables test suite (tests/testthat/test-backward_linkages.R and
 * test-leontief_inverse_create.R). */
static const double BEUTEL_COLSUM_L[6] = {1.7048, 1.8413, 1.8136, 1.6035, 1.5951, 1.3782};
static const double BEUTEL_DIAG_L[3] = {1.0339, 1.4292, 1.0289};

/* Test-local reader: the file is a labelled table (product rows, then import, tax, value added
 * and output rows), not the OECD layout; domestic flows form Z (Germany 1995, EUR million). */
static void beutel_system(const char *path, cm_mrio_t *m)
{
    cm_table_t t = CM_TABLE_NULL;
    cm_csv_options_t opt;
    cm_error_info_t err;
    const char *prod[6], *cat[5];
    const char *region[] = {"DE"};
    cm_csv_options_default(&opt);
    opt.strict_fields = 0;
    CHECK_OK(cm_table_read(&t, path, &opt, 1, &err), &err);
    assert_int_equal(t.ncols, 17);
    for (size_t i = 0; i < 6; i++) {
        prod[i] = t.header[5 + i];
        assert_string_equal(cm_table_cell(&t, i, 4), t.header[5 + i]); /* symmetric table */
    }
    for (size_t k = 0; k < 5; k++) {
        cat[k] = t.header[11 + k];
    }
    memset(m, 0, sizeof *m);
    CHECK_OK(cm_mrio_init(m, 1, region, 6, prod, 5, cat, &err), &err);
    assert_string_equal(cm_table_cell(&t, 15, 0), "P1"); /* output at basic prices */
    for (size_t i = 0; i < 6; i++) {
        cm_num_t v;
        for (size_t j = 0; j < 11; j++) {
            CHECK_OK(cm_num_parse(cm_table_cell(&t, i, 5 + j), NULL, &v, &err), &err);
            if (j < 6) {
                m->Z.data[i + 6 * j] = v.value;
            } else {
                m->Y.data[i + 6 * (j - 6)] = v.value;
            }
        }
        CHECK_OK(cm_num_parse(cm_table_cell(&t, 15, 5 + i), NULL, &v, &err), &err);
        m->x.data[i] = v.value;
    }
    cm_table_destroy(&t);
}

static void test_beutel(void **state)
{
    (void)state;
    const char *p = cm_test_shared("iotables-siot-examples/Beutel_15_4.csv");
    if (p == NULL) {
        skip();
    }
    cm_mrio_t m;
    beutel_system(p, &m);
    assert_true(get4(&m.Z, "manufacturing_group", "DE", "agriculture_group", "DE") == 7930.0);
    assert_true(get4(&m.Y, "agriculture_group", "DE", "inventory_change", "DE") == -6.0);
    assert_true(get2(&m.x, "business_services_group", "DE") == 692487.0);
    /* x (row P1) = Z e + Y e; the file's output_bp column says 1,079,400 for manufacturing */
    double worst = 0.0;
    for (size_t i = 0; i < 6; i++) {
        double s = 0.0;
        for (size_t j = 0; j < 6; j++) {
            s += m.Z.data[i + 6 * j];
        }
        for (size_t k = 0; k < 5; k++) {
            s += m.Y.data[i + 6 * k];
        }
        worst = fmax(worst, fabs(s - m.x.data[i]) / m.x.data[i]);
    }
    print_message("Beutel 15.4: max |Ze + Ye - x| / x = %g\n", worst);
    assert_true(worst < 1e-4);
    /* the published column sums m of L satisfy m^T (I - A) = e^T with A = Z diag(x)^-1, to
     * the 4 printed decimals (no inverse formed) */
    for (size_t j = 0; j < 6; j++) {
        double s = BEUTEL_COLSUM_L[j];
        for (size_t i = 0; i < 6; i++) {
            s -= BEUTEL_COLSUM_L[i] * m.Z.data[i + 6 * j] / m.x.data[j];
        }
        ASSERT_NEAR(s, 1.0, 0.0, 1e-4); /* largest: 4.7e-5 */
    }
    /* cm_mrio_calc's L against the printed table 15.10 (4 decimals) */
    cm_mrio_options_t opt;
    cm_mrio_check_t check;
    cm_error_info_t err;
    cm_mrio_options_default(&opt);
    opt.want_L = 1;
    CHECK_OK(cm_mrio_calc(&m, &opt, &check, &err), &err);
    assert_non_null(m.L.data);
    assert_int_equal(m.L.size, 36);
    for (size_t k = 0; k < 3; k++) {
        ASSERT_NEAR(m.L.data[k + 6 * k], BEUTEL_DIAG_L[k], 0.0, 5e-5);
    }
    for (size_t j = 0; j < 6; j++) {
        double s = 0.0;
        for (size_t i = 0; i < 6; i++) {
            s += m.L.data[i + 6 * j];
        }
        ASSERT_NEAR(s, BEUTEL_COLSUM_L[j], 0.0, 5e-5);
    }
    assert_true(check.x_residual < 1e-12);
    cm_mrio_destroy(&m);
}

/* --- the UN Handbook's example (2018, Germany 2009, 6 products) ---------------------------- */

/* Published emission multipliers (total emissions per unit of final demand, S L; tonnes per
 * million EUR) of the UN Handbook on Supply, Use and Input-Output Tables with Extensions
 * (2018), as transcribed in UN_Manual/germany_2009_emissions_per_unit.csv. */
static void test_un_handbook(void **state)
{
    (void)state;
    char pt[4096], pq[4096]; /* cm_test_shared returns one static buffer: copy each path */
    const char *p = cm_test_shared("iotables-siot-examples/UN_Manual/germany_2009.csv");
    if (p == NULL) {
        skip();
    }
    snprintf(pt, sizeof pt, "%s", p);
    p = pt;
    const char *q =
        cm_test_shared("iotables-siot-examples/UN_Manual/germany_2009_emissions_per_unit.csv");
    if (q == NULL) {
        skip();
    }
    snprintf(pq, sizeof pq, "%s", q);
    cm_table_t t = CM_TABLE_NULL, u = CM_TABLE_NULL;
    cm_csv_options_t opt;
    cm_error_info_t err;
    cm_csv_options_default(&opt);
    opt.strict_fields = 0;
    CHECK_OK(cm_table_read(&t, p, &opt, 1, &err), &err);
    /* columns: 5 labels, 6 products, TOTAL, 5 final demand categories, total output */
    const char *prod[6], *cat[5], *region[] = {"DE"};
    for (size_t i = 0; i < 6; i++) {
        prod[i] = t.header[5 + i];
    }
    for (size_t k = 0; k < 5; k++) {
        cat[k] = t.header[12 + k];
    }
    assert_string_equal(cat[0], "final_consumption_households");
    cm_mrio_t m;
    memset(&m, 0, sizeof m);
    CHECK_OK(cm_mrio_init(&m, 1, region, 6, prod, 5, cat, &err), &err);
    const char *idx[] = {"stressor"}, *lab[] = {"CO2", "CH4", "N2O"};
    const char *units[] = {"t", "t", "t"};
    cm_mrio_ext_t *e = NULL;
    CHECK_OK(cm_mrio_add_ext(&m, "emissions", 1, idx, 3, lab, units, 0, &e, &err), &err);
    cm_num_t v;
    for (size_t i = 0; i < 6; i++) {
        for (size_t j = 0; j < 6; j++) {
            CHECK_OK(cm_num_parse(cm_table_cell(&t, i, 5 + j), NULL, &v, &err), &err);
            m.Z.data[i + 6 * j] = v.value; /* domestic flows; imports are the row P7 */
        }
        for (size_t k = 0; k < 5; k++) {
            CHECK_OK(cm_num_parse(cm_table_cell(&t, i, 12 + k), NULL, &v, &err), &err);
            m.Y.data[i + 6 * k] = v.value;
        }
    }
    for (size_t r = 0; r < t.nrows; r++) {
        const char *code = cm_table_cell(&t, r, 0);
        for (size_t j = 0; j < 6; j++) {
            if (strcmp(code, "P1") == 0) {
                CHECK_OK(cm_num_parse(cm_table_cell(&t, r, 5 + j), NULL, &v, &err), &err);
                m.x.data[j] = v.value;
            }
            for (size_t g = 0; g < 3; g++) {
                if (strcmp(code, lab[g]) == 0) {
                    CHECK_OK(cm_num_parse(cm_table_cell(&t, r, 5 + j), NULL, &v, &err), &err);
                    e->F.data[g + 3 * j] = v.value;
                }
            }
        }
    }
    cm_table_destroy(&t);
    cm_mrio_check_t check;
    CHECK_OK(cm_mrio_calc(&m, NULL, &check, &err), &err);
    assert_true(check.x_residual < 1e-12);
    /* the printed table is rounded to EUR billion: output = Z e + Y e within 1 (agriculture:
     * 24 + 17 = 41 against 42) */
    print_message("UN Handbook 2018: max |x - Ze - Ye| / max x = %g\n", check.input_balance);
    assert_true(check.input_balance < 1.5 / 1451.0);
    /* the published multipliers: the Handbook computed them from its unrounded table (the
     * printed flows are rounded to EUR billion), so the multipliers above 1 agree to 0.52 %
     * (CO2 agriculture 365.69 against 363.80) and the small ones (CH4, N2O of services,
     * 0.004-0.2) to 0.021 absolute */
    CHECK_OK(cm_table_read(&u, pq, &opt, 0, &err), &err);
    double worst = 0.0;
    assert_string_equal(u.header[1], "CO2"); /* the file has no header: CO2 is its first line */
    for (size_t g = 0; g < 3; g++) {
        for (size_t j = 0; j < 6; j++) {
            const char *text = g == 0 ? u.header[2 + j] : cm_table_cell(&u, g - 1, 2 + j);
            CHECK_OK(cm_num_parse(text, NULL, &v, &err), &err);
            double mine = e->M.data[g + 3 * j];
            if (v.value > 1.0) { /* every CO2 multiplier, CH4 and N2O of agriculture */
                ASSERT_NEAR(mine, v.value, 6e-3, 0.0);
                worst = fmax(worst, fabs(mine / v.value - 1.0));
            } else { /* small multipliers from flows rounded to EUR billion (up to 20 %) */
                ASSERT_NEAR(mine, v.value, 0.0, 0.025);
            }
        }
    }
    print_message("UN Handbook 2018: multipliers within %.3g of the published ones\n", worst);
    assert_true(worst < 6e-3);
    cm_table_destroy(&u);
    cm_mrio_destroy(&m);
}

/* --- aggregation --------------------------------------------------------------------------- */

/* The pymrio test system (6 regions x 8 sectors, 7 categories) from pymrio_format/ through
 * cm_mrio_read, with x = Z e + Y e (the folder has no x.txt). */
static void pymrio_test_system(const char *dir, cm_mrio_t *m)
{
    cm_error_info_t err;
    memset(m, 0, sizeof *m);
    CHECK_OK(cm_mrio_read(dir, m, &err), &err);
    size_t N = m->n_regions * m->n_sectors, C = m->n_regions * m->n_categories;
    for (size_t i = 0; i < N; i++) {
        double s = 0.0;
        for (size_t j = 0; j < N; j++) {
            s += m->Z.data[i + N * j];
        }
        for (size_t k = 0; k < C; k++) {
            s += m->Y.data[i + N * k];
        }
        m->x.data[i] = s;
    }
}

/* A concordance merged from pymrio's one-group files (old code, new code or "None"). */
static void read_concordance(const char *dir, const char *const *files, size_t nfiles, size_t n,
                             char (*out)[32])
{
    for (size_t i = 0; i < n; i++) {
        out[i][0] = '\0';
    }
    for (size_t f = 0; f < nfiles; f++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, files[f]);
        FILE *fp = fopen(path, "r");
        assert_non_null(fp);
        char line[256];
        size_t i = 0;
        while (fgets(line, sizeof line, fp) != NULL && i < n) {
            char *tab = strchr(line, '\t');
            assert_non_null(tab);
            tab++;
            tab[strcspn(tab, "\r\n")] = '\0';
            if (strcmp(tab, "None") != 0) {
                snprintf(out[i], 32, "%s", tab);
            }
            i++;
        }
        fclose(fp);
    }
}

static void test_aggregate_pymrio(void **state)
{
    (void)state;
    const char *zp = cm_test_shared("pymrio-test-mrio/pymrio_format/Z.txt");
    if (zp == NULL) {
        skip();
    }
    char dir[4096], cdir[4096];
    snprintf(dir, sizeof dir, "%s", zp);
    *strrchr(dir, '/') = '\0';
    snprintf(cdir, sizeof cdir, "%s/../concordance", dir);
    cm_mrio_t m, old;
    cm_error_info_t err;
    pymrio_test_system(dir, &m);
    pymrio_test_system(dir, &old);
    assert_int_equal(m.n_regions, 6);
    assert_int_equal(m.n_sectors, 8);
    assert_int_equal(m.n_categories, 7);
    char regmap[6][32], secmap[8][32];
    const char *regfiles[] = {"supreg1.txt", "supreg2.txt"};
    const char *secfiles[] = {"sector1.txt", "sector2.txt", "sector3.txt"};
    read_concordance(cdir, regfiles, 2, 6, regmap);
    read_concordance(cdir, secfiles, 3, 8, secmap);
    const char *rmap[6], *smap[8];
    for (size_t i = 0; i < 6; i++) {
        rmap[i] = regmap[i];
    }
    for (size_t i = 0; i < 8; i++) {
        smap[i] = secmap[i];
    }
    assert_string_equal(rmap[1], "supreg1");
    assert_string_equal(smap[7], "sector3");
    CHECK_OK(cm_mrio_aggregate(&m, rmap, smap, &err), &err);
    assert_int_equal(m.n_regions, 2);
    assert_int_equal(m.n_sectors, 3);
    assert_int_equal(m.n_categories, 7);
    assert_int_equal(m.Z.size, 36);
    assert_string_equal(cm_dim_code(m.dims[CM_MRIO_REGION], 1), "supreg2");
    assert_string_equal(cm_dim_code(m.dims[CM_MRIO_SECTOR], 2), "sector3");
    /* totals preserved */
    ASSERT_NEAR(sum_of(&m.Z), sum_of(&old.Z), 1e-13, 0.0);
    ASSERT_NEAR(sum_of(&m.Y), sum_of(&old.Y), 1e-13, 0.0);
    ASSERT_NEAR(sum_of(&m.x), sum_of(&old.x), 1e-13, 0.0);
    ASSERT_NEAR(sum_of(&m.population), sum_of(&old.population), 1e-15, 0.0);
    assert_int_equal(m.n_ext, 2);
    for (size_t k = 0; k < 2; k++) {
        assert_string_equal(m.ext[k].name, old.ext[k].name);
        ASSERT_NEAR(sum_of(&m.ext[k].F), sum_of(&old.ext[k].F), 1e-13, 0.0);
    }
    ASSERT_NEAR(sum_of(&m.ext[0].F_Y), sum_of(&old.ext[0].F_Y), 1e-13, 0.0);
    assert_null(m.ext[1].F_Y.data);
    assert_string_equal(cm_dim_code(m.ext[0].F.dim[0], 1), "emission_type2 | water");
    /* hand-computed cells through the old labels */
    const char *s1[] = {"food", "mining"}, *s2[] = {"manufactoring", "electricity", "construction"};
    const char *r1[] = {"reg1", "reg2"}, *r2[] = {"reg3", "reg4", "reg5", "reg6"};
    double z = 0.0, y = 0.0, f = 0.0, fy = 0.0;
    for (size_t a = 0; a < 2; a++) {
        for (size_t b = 0; b < 2; b++) {
            for (size_t c = 0; c < 3; c++) {
                for (size_t d = 0; d < 4; d++) {
                    z += get4(&old.Z, s1[a], r1[b], s2[c], r2[d]);
                }
            }
            for (size_t d = 0; d < 4; d++) {
                y += get4(&old.Y, s1[a], r1[b], "Gross fixed capital formation", r2[d]);
            }
        }
    }
    for (size_t c = 0; c < 3; c++) {
        for (size_t d = 0; d < 4; d++) {
            f += get3(&old.ext[0].F, "emission_type1 | air", s2[c], r2[d]);
        }
    }
    for (size_t d = 0; d < 4; d++) {
        fy += get3(&old.ext[0].F_Y, "emission_type2 | water",
                   "Final consumption expenditure by households", r2[d]);
    }
    ASSERT_NEAR(get4(&m.Z, "sector1", "supreg1", "sector2", "supreg2"), z, 1e-14, 0.0);
    ASSERT_NEAR(get4(&m.Y, "sector1", "supreg1", "Gross fixed capital formation", "supreg2"), y,
                1e-14, 0.0);
    ASSERT_NEAR(get3(&m.ext[0].F, "emission_type1 | air", "sector2", "supreg2"), f, 1e-14, 0.0);
    ASSERT_NEAR(get3(&m.ext[0].F_Y, "emission_type2 | water",
                     "Final consumption expenditure by households", "supreg2"),
                fy, 1e-14, 0.0);
    ASSERT_NEAR(m.population.data[0], 780e6 + 3700e6, 1e-15, 0.0); /* population.txt */
    assert_string_equal(m.unit_row, "Mill USD");
    /* the aggregated system calculates; footprints add up to all emissions (F and F_Y) */
    {
        cm_mrio_t c;
        cm_mrio_options_t opt;
        cm_mrio_check_t check;
        pymrio_test_system(dir, &c);
        CHECK_OK(cm_mrio_aggregate(&c, rmap, smap, &err), &err);
        cm_mrio_options_default(&opt);
        CHECK_OK(cm_mrio_calc(&c, &opt, &check, &err), &err);
        for (size_t s = 0; s < 2; s++) {
            double cba = 0.0, emitted = 0.0;
            for (size_t r = 0; r < 2; r++) {
                cba += c.ext[0].D_cba_reg.data[s + 2 * r];
            }
            for (size_t j = 0; j < 48; j++) {
                emitted += old.ext[0].F.data[s + 2 * j];
            }
            for (size_t j = 0; j < 42; j++) {
                emitted += old.ext[0].F_Y.data[s + 2 * j];
            }
            ASSERT_NEAR(cba, emitted, 1e-9, 0.0);
        }
        assert_true(check.worst_cba_pba < 1e-9);
        cm_mrio_destroy(&c);
    }
    /* everything to one region and one sector: the totals in single cells */
    const char *all_r[6] = {"world", "world", "world", "world", "world", "world"};
    const char *all_s[3] = {"all", "all", "all"};
    CHECK_OK(cm_mrio_aggregate(&m, all_r, all_s, &err), &err);
    assert_int_equal(m.Z.size, 1);
    ASSERT_NEAR(m.Z.data[0], sum_of(&old.Z), 1e-13, 0.0);
    ASSERT_NEAR(m.x.data[0], sum_of(&old.x), 1e-13, 0.0);
    ASSERT_NEAR(m.x.data[0], sum_of(&old.Z) + sum_of(&old.Y), 1e-13, 0.0);
    assert_int_equal(m.Y.size, 7);
    ASSERT_NEAR(sum_of(&m.Y), sum_of(&old.Y), 1e-13, 0.0);
    assert_int_equal(m.ext[0].F.size, 2);
    for (size_t s = 0; s < 2; s++) {
        double row = 0.0;
        for (size_t j = 0; j < 48; j++) {
            row += old.ext[0].F.data[s + 2 * j];
        }
        ASSERT_NEAR(m.ext[0].F.data[s], row, 1e-13, 0.0);
    }
    cm_mrio_destroy(&m);
    cm_mrio_destroy(&old);
}

/* A small hand-made system: 3 regions x 2 sectors, 2 categories, an extension with F_Y. */
static void small_system(cm_mrio_t *m)
{
    static const char *const REG[] = {"r1", "r2", "r3"};
    static const char *const SEC[] = {"a", "b"};
    static const char *const CAT[] = {"hh", "gov"};
    cm_error_info_t err;
    memset(m, 0, sizeof *m);
    CHECK_OK(cm_mrio_init(m, 3, REG, 2, SEC, 2, CAT, &err), &err);
    for (size_t i = 0; i < m->Z.size; i++) {
        m->Z.data[i] = (double)(i % 7) + 1.0;
    }
    for (size_t i = 0; i < m->Y.size; i++) {
        m->Y.data[i] = (double)(i % 5) - 1.0;
    }
    for (size_t i = 0; i < 6; i++) {
        m->x.data[i] = 100.0 + (double)i;
    }
    const char *idx[] = {"stressor"}, *lab[] = {"CO2", "N"}, *units[] = {"kg", "kg"};
    cm_mrio_ext_t *e = NULL;
    CHECK_OK(cm_mrio_add_ext(m, "emissions", 1, idx, 2, lab, units, 1, &e, &err), &err);
    for (size_t i = 0; i < e->F.size; i++) {
        e->F.data[i] = (double)i;
    }
    for (size_t i = 0; i < e->F_Y.size; i++) {
        e->F_Y.data[i] = 0.5 * (double)i;
    }
    CHECK_OK(cm_array_init_dims(&m->population, 1, &m->dims[CM_MRIO_REGION_TO], "1", &err), &err);
    m->population.data[0] = 1.0;
    m->population.data[1] = 2.0;
    m->population.data[2] = 4.0;
}

static void test_aggregate_small(void **state)
{
    (void)state;
    cm_mrio_t m, old;
    cm_error_info_t err;
    small_system(&m);
    small_system(&old);
    /* regions only (sector map NULL); new codes in order of first appearance */
    const char *rmap[] = {"south", "north", "south"};
    CHECK_OK(cm_mrio_aggregate(&m, rmap, NULL, &err), &err);
    assert_int_equal(m.n_regions, 2);
    assert_int_equal(m.n_sectors, 2);
    assert_string_equal(cm_dim_code(m.dims[CM_MRIO_REGION], 0), "south");
    assert_string_equal(cm_dim_code(m.dims[CM_MRIO_REGION], 1), "north");
    assert_string_equal(cm_dim_code(m.dims[CM_MRIO_SECTOR], 1), "b");
    double z = get4(&old.Z, "b", "r1", "a", "r2") + get4(&old.Z, "b", "r3", "a", "r2");
    assert_true(get4(&m.Z, "b", "south", "a", "north") == z);
    double zz = get4(&old.Z, "a", "r1", "b", "r1") + get4(&old.Z, "a", "r1", "b", "r3") +
                get4(&old.Z, "a", "r3", "b", "r1") + get4(&old.Z, "a", "r3", "b", "r3");
    assert_true(get4(&m.Z, "a", "south", "b", "south") == zz);
    assert_true(get4(&m.Y, "a", "north", "gov", "south") ==
                get4(&old.Y, "a", "r2", "gov", "r1") + get4(&old.Y, "a", "r2", "gov", "r3"));
    assert_true(get2(&m.x, "b", "south") == get2(&old.x, "b", "r1") + get2(&old.x, "b", "r3"));
    assert_true(m.population.data[0] == 5.0 && m.population.data[1] == 2.0);
    assert_true(get3(&m.ext[0].F_Y, "N", "hh", "south") ==
                get3(&old.ext[0].F_Y, "N", "hh", "r1") + get3(&old.ext[0].F_Y, "N", "hh", "r3"));
    /* sectors only, after that */
    const char *smap[] = {"ab", "ab"};
    CHECK_OK(cm_mrio_aggregate(&m, NULL, smap, &err), &err);
    assert_int_equal(m.n_sectors, 1);
    assert_true(sum_of(&m.Z) == sum_of(&old.Z));
    assert_true(sum_of(&m.ext[0].F) == sum_of(&old.ext[0].F));
    /* NULL maps keep everything as it is */
    cm_mrio_destroy(&m);
    small_system(&m);
    CHECK_OK(cm_mrio_aggregate(&m, NULL, NULL, &err), &err);
    assert_int_equal(m.Z.size, old.Z.size);
    assert_memory_equal(m.Z.data, old.Z.data, old.Z.size * sizeof(double));
    assert_memory_equal(m.Y.data, old.Y.data, old.Y.size * sizeof(double));
    cm_mrio_destroy(&m);
    cm_mrio_destroy(&old);
}

static void test_aggregate_errors(void **state)
{
    (void)state;
    cm_mrio_t m;
    cm_error_info_t err;
    small_system(&m);
    const char *rmap[] = {"x", NULL, "x"};
    CHECK_ERROR(cm_mrio_aggregate(&m, rmap, NULL, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "region 'r2'"));
    const char *smap[] = {"s", ""};
    CHECK_ERROR(cm_mrio_aggregate(&m, NULL, smap, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "sector 'b'"));
    assert_int_equal(m.n_regions, 3); /* untouched on error */
    assert_int_equal(m.n_sectors, 2);
    CHECK_ERROR(cm_mrio_aggregate(NULL, rmap, NULL, &err), CM_EINVAL);
    /* Z consumed (as cm_mrio_calc does): named */
    cm_array_destroy(&m.Z);
    CHECK_ERROR(cm_mrio_aggregate(&m, NULL, NULL, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "Z"));
    cm_mrio_destroy(&m);
    cm_mrio_t empty;
    memset(&empty, 0, sizeof empty);
    CHECK_ERROR(cm_mrio_aggregate(&empty, NULL, NULL, &err), CM_EINVAL);
}

static void test_aggregate_alloc_failures(void **state)
{
    (void)state;
    const char *rmap[] = {"s", "n", "s"};
    const char *smap[] = {"ab", "ab"};
    int done = 0;
    for (long n = 0; n < 1000 && !done; n++) {
        cm_mrio_t m;
        cm_error_info_t err;
        small_system(&m);
        double total = sum_of(&m.Z);
        cm_test_fail_alloc_after(n);
        cm_error_t rc = cm_mrio_aggregate(&m, rmap, smap, &err);
        cm_test_fail_alloc_after(-1);
        if (rc == CM_OK) {
            done = 1;
            assert_int_equal(m.Z.size, 4);
        } else {
            assert_int_equal(rc, CM_ENOMEM);
            assert_int_equal(m.n_regions, 3); /* the old system is kept */
        }
        assert_true(sum_of(&m.Z) == total);
        cm_mrio_destroy(&m);
    }
    assert_true(done);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CM_TEST(test_wiod_tiny),
        CM_TEST(test_wiod_errors),
        CM_TEST(test_wiod_alloc_failures),
        CM_TEST(test_wiod_2011),
        CM_TEST(test_oecd_tiny),
        CM_TEST(test_oecd_errors),
        CM_TEST(test_oecd_alloc_failures),
        CM_TEST(test_oecd_bel2020),
        CM_TEST(test_beutel),
        CM_TEST(test_un_handbook),
        CM_TEST(test_aggregate_pymrio),
        CM_TEST(test_aggregate_small),
        CM_TEST(test_aggregate_errors),
        CM_TEST(test_aggregate_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

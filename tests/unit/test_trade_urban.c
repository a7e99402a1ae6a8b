/* The urban mine: composition tables and their application to the waste generated
 * (src/trade/urban.c), by hand, by invariants, on bad files and on the shipped data. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cm_test.h"
#include "cambium/cm_alloc.h"
#include "cambium/cm_trade.h"

static const char *const KEYS[] = {"0303", "0306", "0401"};

static const char *write_tmp(const char *name, const char *text)
{
    static char path[4][1024];
    static int slot = 0;
    char *p = path[slot];
    slot = (slot + 1) % 4;
    snprintf(p, sizeof path[0], "%s/%s", cm_test_tmpdir(), name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return p;
}

/* Two keys, three materials; the content and the sums worked out by hand. */
static void test_urban_by_hand(void **state)
{
    (void)state;
    const char *path = write_tmp("hand.csv", "unu_key,material,kg_per_t,low,high,source,note\n"
                                             "0306,Co,40,30,50,S1,cobalt by its symbol\n"
                                             "0303,cobalt,20,10,30,S1,\n"
                                             "0306,gold,0.25,0.2,0.4,S2,\n"
                                             "0303,Gold,0.1,0.1,0.1,S2,\n");
    cm_urban_comp_t c = {0};
    cm_urban_mine_t m = {0};
    cm_error_info_t err = {0};
    CHECK_OK(cm_urban_comp_read(path, KEYS, 3, NULL, &c, &err), &err);
    assert_int_equal(c.n, 4);
    assert_string_equal(c.rows[0].material, "cobalt"); /* "Co" resolved */
    assert_string_equal(c.rows[3].material, "gold");
    assert_string_equal(c.rows[1].source, "S1");
    assert_int_equal(c.rows[2].line, 4);
    /* waste generated (t), keys x 2 years: 0303: 100, 200; 0306: 50, 10; 0401: 7, 7 */
    const cm_real_t gen[6] = {100.0, 200.0, 50.0, 10.0, 7.0, 7.0};
    const cm_real_t genp[6] = {0.0, 50.0, 0.0, 10.0, 0.0, 0.0};
    CHECK_OK(cm_urban_mine_compute(&c, KEYS, 3, gen, genp, 2020, 2, &m, &err), &err);
    assert_int_equal(m.nmat, 2);
    assert_string_equal(m.materials[0], "cobalt");
    assert_string_equal(m.materials[1], "gold");
    assert_int_equal(m.row_key[0], 1);
    assert_int_equal(m.row_key[1], 0);
    /* row 0: 0306 cobalt 40 kg/t: 50 t -> 2 t, 10 t -> 0.4 t; low 1.5, high 2.5 */
    ASSERT_NEAR(m.content[0], 2.0, 1e-15, 0.0);
    ASSERT_NEAR(m.content[1], 0.4, 1e-15, 0.0);
    ASSERT_NEAR(m.low[0], 1.5, 1e-15, 0.0);
    ASSERT_NEAR(m.high[0], 2.5, 1e-15, 0.0);
    /* cobalt 2020 = 2 + 100 x 0.02 = 4; 2021 = 0.4 + 200 x 0.02 = 4.4 */
    ASSERT_NEAR(m.mat_content[0], 4.0, 1e-15, 0.0);
    ASSERT_NEAR(m.mat_content[1], 4.4, 1e-15, 0.0);
    ASSERT_NEAR(m.mat_low[1], 0.3 + 2.0, 1e-15, 0.0);
    ASSERT_NEAR(m.mat_high[1], 0.5 + 6.0, 1e-15, 0.0);
    /* gold 2021 = 10 x 0.00025 + 200 x 0.0001 = 0.0225 */
    ASSERT_NEAR(m.mat_content[3], 0.0225, 1e-14, 0.0);
    /* from projected inflows, 2021: cobalt 10 x 0.04 + 50 x 0.02 = 1.4; gold 0.0025 + 0.005 */
    ASSERT_NEAR(m.mat_projected[0], 0.0, 0.0, 0.0);
    ASSERT_NEAR(m.mat_projected[1], 1.4, 1e-15, 0.0);
    ASSERT_NEAR(m.mat_projected[3], 0.0075, 1e-14, 0.0);
    cm_urban_mine_destroy(&m);
    cm_urban_mine_destroy(&m); /* idempotent */
    /* without gen_projected the projected part is 0 */
    CHECK_OK(cm_urban_mine_compute(&c, KEYS, 3, gen, NULL, 2020, 2, &m, &err), &err);
    ASSERT_NEAR(m.mat_projected[1], 0.0, 0.0, 0.0);
    cm_urban_mine_destroy(&m);
    cm_urban_comp_destroy(&c);
    cm_urban_comp_destroy(&c);
}

/* Invariants on a generated table: per-material totals are the sums of their rows, low <=
 * content <= high, and a key's content never exceeds its waste. */
static void test_urban_invariants(void **state)
{
    (void)state;
    static const char *const mats[] = {"cobalt", "lithium", "gold", "copper", "neodymium"};
    char text[4096];
    size_t len = (size_t)snprintf(text, sizeof text, "unu_key,material,kg_per_t,low,high,source\n");
    unsigned s = 12345u;
    for (size_t k = 0; k < 3; k++) {
        for (size_t j = 0; j < 5; j++) {
            s = s * 1103515245u + 12345u;
            double v = (double)(s % 19000u) / 100.0; /* 0 .. 190, five of them <= 950 */
            len += (size_t)snprintf(text + len, sizeof text - len, "%s,%s,%.2f,%.2f,%.2f,X\n",
                                    KEYS[k], mats[j], v, 0.5 * v, 1.2 * v);
        }
    }
    const char *path = write_tmp("inv.csv", text);
    cm_urban_comp_t c = {0};
    cm_urban_mine_t m = {0};
    cm_error_info_t err = {0};
    CHECK_OK(cm_urban_comp_read(path, KEYS, 3, NULL, &c, &err), &err);
    enum { T = 7 };
    cm_real_t gen[3 * T];
    for (size_t i = 0; i < 3 * T; i++) {
        gen[i] = 10.0 + 3.7 * (double)i;
    }
    CHECK_OK(cm_urban_mine_compute(&c, KEYS, 3, gen, NULL, 2000, T, &m, &err), &err);
    assert_int_equal(m.nmat, 5);
    for (size_t t = 0; t < T; t++) {
        double keysum[3] = {0, 0, 0};
        for (size_t j = 0; j < m.nmat; j++) {
            double sum = 0.0;
            for (size_t r = 0; r < m.nrows; r++) {
                if (strcmp(c.rows[r].material, m.materials[j]) == 0) {
                    sum += m.content[r * T + t];
                }
            }
            ASSERT_NEAR(m.mat_content[j * T + t], sum, 1e-14, 0.0);
            assert_true(m.mat_low[j * T + t] <= m.mat_content[j * T + t]);
            assert_true(m.mat_content[j * T + t] <= m.mat_high[j * T + t]);
        }
        for (size_t r = 0; r < m.nrows; r++) {
            assert_true(m.low[r * T + t] <= m.content[r * T + t]);
            assert_true(m.content[r * T + t] <= m.high[r * T + t]);
            keysum[m.row_key[r]] += m.content[r * T + t];
        }
        for (size_t k = 0; k < 3; k++) {
            assert_true(keysum[k] <= gen[k * T + t]);
        }
    }
    cm_urban_mine_destroy(&m);
    cm_urban_comp_destroy(&c);
}

/* One bad file: the code, line and column expected, and a piece of the message. */
static void expect_bad(const char *text, cm_error_t code, int64_t line, int64_t column,
                       const char *msg)
{
    const char *path = write_tmp("bad.csv", text);
    cm_urban_comp_t c = {0};
    cm_error_info_t err = {0};
    CHECK_ERROR(cm_urban_comp_read(path, KEYS, 3, NULL, &c, &err), code);
    assert_int_equal(c.n, 0);
    assert_null(c.rows);
    if (line > 0) {
        assert_int_equal(err.line, line);
        assert_int_equal(err.column, column);
        assert_non_null(strstr(err.file, "bad.csv"));
    }
    if (strstr(err.message, msg) == NULL) {
        fail_msg("message '%s' lacks '%s'", err.message, msg);
    }
}

#define HEAD "unu_key,material,kg_per_t,low,high,source\n"

static void test_urban_comp_errors(void **state)
{
    (void)state;
    expect_bad(HEAD "0306,cobalt,1,1,1,S\n9999,cobalt,1,1,1,S\n", CM_EPARSE, 3, 1, "'9999'");
    expect_bad(HEAD "0306,unobtainium,1,1,1,S\n", CM_EPARSE, 2, 2, "'unobtainium'");
    expect_bad(HEAD "0306,cobalt,-1,-1,1,S\n", CM_EPARSE, 2, 3, "'-1'");
    expect_bad(HEAD "0306,cobalt,1,1,1,S\n0303,cobalt,4O,1,50,S\n", CM_EPARSE, 3, 3, "'4O'");
    expect_bad(HEAD "0306,cobalt,,1,1,S\n", CM_EPARSE, 2, 3, "got ''");
    expect_bad(HEAD "0306,cobalt,5,6,7,S\n", CM_EPARSE, 2, 4, "low <= kg_per_t <= high");
    expect_bad(HEAD "0306,cobalt,5,4,3,S\n", CM_EPARSE, 2, 5, "low <= kg_per_t <= high");
    expect_bad(HEAD "0306,cobalt,1001,1,1200,S\n", CM_EPARSE, 2, 3, "from 0 to 1000");
    expect_bad(HEAD "0306,cobalt,1,1,1,\n", CM_EPARSE, 2, 6, "a source id");
    expect_bad(HEAD "0306,cobalt,1,1,1,S\n0306,Co,2,2,2,S\n", CM_EPARSE, 3, 2, "again");
    expect_bad(HEAD "0306,cobalt,600,600,600,S\n0306,copper,500,500,500,S\n", CM_EPARSE, 3, 3,
               "at most 1000");
    expect_bad("unu_key,material,kg_per_t,low,source\n0306,cobalt,1,1,S\n", CM_EPARSE, 1, 1,
               "'high' is missing");
    /* columns in another order, extra columns ignored */
    const char *ok = write_tmp("order.csv", "source,high,low,kg_per_t,material,unu_key,x\n"
                                            "S,3,1,2,copper,0401,y\n");
    cm_urban_comp_t c = {0};
    cm_error_info_t err = {0};
    CHECK_OK(cm_urban_comp_read(ok, KEYS, 3, NULL, &c, &err), &err);
    ASSERT_NEAR(c.rows[0].kg_per_t, 2.0, 0.0, 0.0);
    ASSERT_NEAR(c.rows[0].high, 3.0, 0.0, 0.0);
    cm_urban_comp_destroy(&c);
    /* any key when no key list is given */
    const char *any = write_tmp("any.csv", HEAD "ZZ,cobalt,1,1,1,S\n");
    CHECK_OK(cm_urban_comp_read(any, NULL, 0, NULL, &c, &err), &err);
    assert_int_equal(c.n, 1);
    cm_urban_comp_destroy(&c);
    /* arguments and files */
    CHECK_ERROR(cm_urban_comp_read(NULL, KEYS, 3, NULL, &c, &err), CM_EINVAL);
    CHECK_ERROR(cm_urban_comp_read(ok, KEYS, 3, NULL, NULL, &err), CM_EINVAL);
    char missing[1024];
    snprintf(missing, sizeof missing, "%s/no-such-file.csv", cm_test_tmpdir());
    CHECK_ERROR(cm_urban_comp_read(missing, KEYS, 3, NULL, &c, &err), CM_EFILE);
}

static void test_urban_compute_errors(void **state)
{
    (void)state;
    const char *path = write_tmp("ce.csv", HEAD "0401,copper,10,5,20,S\n");
    cm_urban_comp_t c = {0};
    cm_urban_mine_t m = {0};
    cm_error_info_t err = {0};
    CHECK_OK(cm_urban_comp_read(path, KEYS, 3, NULL, &c, &err), &err);
    const cm_real_t gen[3] = {1.0, 2.0, 3.0}, neg[3] = {1.0, -2.0, 3.0};
    const cm_real_t over[3] = {0.0, 2.5, 0.0};
    /* the key 0401 is not among the first two keys */
    CHECK_ERROR(cm_urban_mine_compute(&c, KEYS, 2, gen, NULL, 2000, 1, &m, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "'0401'"));
    CHECK_ERROR(cm_urban_mine_compute(&c, KEYS, 3, neg, NULL, 2000, 1, &m, &err), CM_EINVAL);
    CHECK_ERROR(cm_urban_mine_compute(&c, KEYS, 3, gen, over, 2000, 1, &m, &err), CM_EINVAL);
    CHECK_ERROR(cm_urban_mine_compute(&c, KEYS, 3, gen, NULL, 2000, 0, &m, &err), CM_EINVAL);
    CHECK_ERROR(cm_urban_mine_compute(NULL, KEYS, 3, gen, NULL, 2000, 1, &m, &err), CM_EINVAL);
    CHECK_ERROR(cm_urban_mine_compute(&c, KEYS, 3, NULL, NULL, 2000, 1, &m, &err), CM_EINVAL);
    assert_null(m.content);
    cm_urban_comp_destroy(&c);
}

/* The shipped composition: every source id documented in data/weee/SOURCES.md, every material
 * known (the reader resolves them), every key a Belgian put-on-market key, ranges ordered and
 * the derived battery rows marked as resting on an assumption. Then the Belgian urban mine. */
static void test_urban_shipped(void **state)
{
    (void)state;
    char comp[1024], sources[1024], pom[1024], life[1024];
    snprintf(comp, sizeof comp, "%s", cm_test_source("data/weee/composition.csv"));
    snprintf(sources, sizeof sources, "%s", cm_test_source("data/weee/SOURCES.md"));
    snprintf(pom, sizeof pom, "%s", cm_test_source("data/weee/pom_be.csv"));
    snprintf(life, sizeof life, "%s", cm_test_source("data/weee/lifetimes.csv"));
    cm_trade_waste_data_t d = {0};
    cm_urban_comp_t c = {0};
    cm_urban_mine_t m = {0};
    cm_error_info_t err = {0};
    CHECK_OK(cm_trade_waste_read(pom, life, NULL, &d, &err), &err);
    CHECK_OK(cm_urban_comp_read(comp, (const char *const *)d.keys, d.nkeys, NULL, &c, &err), &err);
    assert_true(c.n >= 10);
    FILE *f = fopen(sources, "rb");
    assert_non_null(f);
    static char md[65536];
    size_t n = fread(md, 1, sizeof md - 1, f);
    fclose(f);
    md[n] = '\0';
    for (size_t i = 0; i < c.n; i++) {
        char tick[CM_URBAN_TEXT_MAX + 4];
        snprintf(tick, sizeof tick, "`%s`", c.rows[i].source);
        if (strstr(md, tick) == NULL) {
            fail_msg("composition.csv line %lld: source %s is not in SOURCES.md",
                     (long long)c.rows[i].line, tick);
        }
        assert_true(c.rows[i].low <= c.rows[i].kg_per_t && c.rows[i].kg_per_t <= c.rows[i].high);
        assert_true(c.rows[i].kg_per_t > 0.0);
    }
    /* rows from BatPaC rest on the capacity assumption A1: their note says so */
    f = fopen(comp, "rb");
    assert_non_null(f);
    char line[1024];
    size_t nbat = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        if (strstr(line, ",BATPAC,") != NULL) {
            nbat++;
            assert_non_null(strstr(line, "ASSUMPTION"));
        }
    }
    fclose(f);
    assert_true(nbat > 0);

    /* the Belgian urban mine: waste generated from the raw put on market to 2035 */
    const size_t T = (size_t)(2035 - d.y0 + 1);
    cm_real_t *pomx = cm_calloc(d.nkeys * T, sizeof *pomx);
    cm_real_t *gen = cm_malloc_array(d.nkeys * T, sizeof *gen);
    assert_non_null(pomx);
    assert_non_null(gen);
    for (size_t k = 0; k < d.nkeys; k++) {
        for (size_t t = 0; t < d.ny; t++) {
            cm_real_t v = d.pom[k * d.ny + t];
            pomx[k * T + t] = isnan(v) ? 0.0 : v;
        }
    }
    CHECK_OK(cm_trade_waste_generated(pomx, d.nkeys, T, d.shape, d.scale, CM_DSM_TIMING_WEEE, gen,
                                      NULL, &err),
             &err);
    CHECK_OK(cm_urban_mine_compute(&c, (const char *const *)d.keys, d.nkeys, gen, NULL, d.y0, T, &m,
                                   &err),
             &err);
    for (size_t t = 0; t < T; t++) {
        double total = 0.0, waste = 0.0;
        for (size_t j = 0; j < m.nmat; j++) {
            assert_true(m.mat_low[j * T + t] <= m.mat_content[j * T + t]);
            assert_true(m.mat_content[j * T + t] <= m.mat_high[j * T + t]);
            total += m.mat_content[j * T + t];
        }
        for (size_t k = 0; k < d.nkeys; k++) {
            waste += gen[k * T + t];
        }
        assert_true(total <= waste);
    }
    cm_free(pomx);
    cm_free(gen);
    cm_urban_mine_destroy(&m);
    cm_urban_comp_destroy(&c);
    cm_trade_waste_data_destroy(&d);
}

/* Every allocation failure in reading and applying is reported and frees what it took. */
static void test_urban_alloc_failure(void **state)
{
    (void)state;
    const char *path = write_tmp("oom.csv", HEAD "0306,cobalt,40,30,50,S\n0303,Au,1,1,1,S\n"
                                                 "0401,copper,10,5,20,S\n");
    const cm_real_t gen[6] = {1.0, 2.0, 3.0, 4.0, 5.0, 6.0};
    cm_class_t *mat = NULL;
    cm_error_info_t e0 = {0};
    CHECK_OK(cm_class_builtin("material", &mat, &e0), &e0); /* its own allocations aside */
    int done = 0;
    for (long n = 0; n < 500 && !done; n++) {
        cm_urban_comp_t c = {0};
        cm_urban_mine_t m = {0};
        cm_error_info_t err = {0};
        cm_test_fail_alloc_after(n);
        cm_error_t rc = cm_urban_comp_read(path, KEYS, 3, mat, &c, &err);
        if (rc == CM_OK) {
            rc = cm_urban_mine_compute(&c, KEYS, 3, gen, gen, 2000, 2, &m, &err);
        }
        cm_test_fail_alloc_after(-1);
        if (rc == CM_OK) {
            assert_int_equal(m.nmat, 3);
            ASSERT_NEAR(m.mat_content[0], 3.0 * 0.04, 1e-15, 0.0);
            done = 1;
        } else {
            assert_int_equal(rc, CM_ENOMEM);
            assert_null(m.content);
        }
        cm_urban_mine_destroy(&m);
        cm_urban_comp_destroy(&c);
    }
    cm_class_free(mat);
    assert_true(done);
    /* the first failures with the built-in classification loaded by the reader itself */
    for (long n = 0; n < 40; n++) {
        cm_urban_comp_t c = {0};
        cm_error_info_t err = {0};
        cm_test_fail_alloc_after(n);
        cm_error_t rc = cm_urban_comp_read(path, KEYS, 3, NULL, &c, &err);
        cm_test_fail_alloc_after(-1);
        assert_int_equal(rc, CM_ENOMEM);
        assert_int_equal(c.n, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CM_TEST(test_urban_by_hand),     CM_TEST(test_urban_invariants),
        CM_TEST(test_urban_comp_errors), CM_TEST(test_urban_compute_errors),
        CM_TEST(test_urban_shipped),     CM_TEST(test_urban_alloc_failure),
    };
    return CM_RUN_TESTS(tests);
}

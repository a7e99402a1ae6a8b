/* The bulk BACI path (cm_trade.h): the block reader on small files (padding, NA quantities,
 * negative values with file:line:column, unknown codes counted, bad headers and fields), the
 * per (importer, product) summary against HHI and top shares worked by hand, duplicates, the
 * per-product importer and exporter HHI, the CSV output, the columnar cache round trip and its
 * invalidation, and allocation failures. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cambium/cambium.h"
#include "cm_test.h"

static const char *write_tmp(const char *name, const char *text)
{
    static char path[4][1024];
    static int k = 0;
    char *p = path[k++ % 4];
    snprintf(p, 1024, "%s/%s", cm_test_tmpdir(), name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return p;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* Importer 56: exporters 4 (6 + 2, the second row a duplicate: skipped), 8 (3, q NA), 12 (1);
 * importer 251: exporter 4 (5). Product 10110 ("010110"); one row of product 260500. */
static const char *SMALL = "t,i,j,k,v,q\r\n"
                           "2022,4,56,10110,6.0,  3\r\n"
                           "2022,8,56,10110,   3.000,NA\r\n"
                           "2022,12,56,10110,1,1\r\n"
                           "2022,4,56,10110,2,1\r\n"
                           "2022,4,251,10110,5,\r\n"
                           "2022,4,251,260500,2.5,0.5\r\n"
                           "2022,1000,56,10110,1,1\r\n"
                           "2022,4,56,99,1,1\n";

static void test_read_small(void **state)
{
    (void)state;
    cm_trade_baci_t b;
    cm_error_info_t err;
    CHECK_OK(cm_trade_baci_read(write_tmp("small.csv", SMALL), &b, &err), &err);
    assert_int_equal(b.n, 6);
    assert_int_equal(b.stats.lines, 8);
    assert_int_equal(b.stats.unknown_country, 1);
    assert_int_equal(b.stats.unknown_product, 1);
    assert_int_equal(b.stats.missing_quantity, 2);
    assert_int_equal(b.exporter[1], 8);
    assert_int_equal(b.importer[4], 251);
    assert_int_equal(b.product[5], 260500);
    ASSERT_NEAR(b.value[1], 3.0, 0, 0);
    assert_true(isnan(b.quantity[1]) && isnan(b.quantity[4]));
    ASSERT_NEAR(b.quantity[0], 3.0, 0, 0);
    char sha[65];
    CHECK_OK(cm_sha256_file(write_tmp("small.csv", SMALL), sha, &err), &err);
    assert_string_equal(b.source_sha256, sha);
    cm_trade_baci_destroy(&b);
    cm_trade_baci_destroy(&b); /* twice is fine */
}

static void test_summary_by_hand(void **state)
{
    (void)state;
    cm_trade_baci_t b;
    cm_trade_ip_t s;
    cm_error_info_t err;
    CHECK_OK(cm_trade_baci_read(write_tmp("small.csv", SMALL), &b, &err), &err);
    CHECK_OK(cm_trade_baci_summarise(&b, &s, &err), &err);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.duplicates, 1);
    /* (56, 010110): values 6, 3, 1 -> 10; shares .6 .3 .1; HHI .46; q 3 + 1 known, 1 missing;
     * unit value = (6 + 1) / (3 + 1) */
    assert_int_equal(s.importer[0], 56);
    assert_int_equal(s.product[0], 10110);
    ASSERT_NEAR(s.value[0], 10.0, 1e-15, 0);
    ASSERT_NEAR(s.quantity[0], 4.0, 1e-15, 0);
    assert_int_equal(s.n_missing_q[0], 1);
    ASSERT_NEAR(s.unit_value[0], 7.0 / 4.0, 1e-15, 0);
    assert_int_equal(s.n_partners[0], 3);
    ASSERT_NEAR(s.hhi[0], 0.36 + 0.09 + 0.01, 1e-14, 0);
    assert_int_equal(s.top_partner[0], 4);
    ASSERT_NEAR(s.top_share[0], 0.6, 1e-15, 0);
    /* (251, 010110): one partner, q missing -> quantity and unit value unknown (NaN), not 0 */
    assert_int_equal(s.importer[1], 251);
    assert_true(isnan(s.quantity[1]));
    assert_int_equal(s.product[1], 10110);
    ASSERT_NEAR(s.hhi[1], 1.0, 0, 0);
    assert_true(isnan(s.unit_value[1]));
    assert_int_equal(s.importer[2], 251);
    assert_int_equal(s.product[2], 260500);
    ASSERT_NEAR(s.unit_value[2], 5.0, 1e-15, 0);
    /* per product 010110: importers 56 (10) and 251 (5) -> (2/3)^2 + (1/3)^2; exporters 4
     * (6 + 5), 8 (3), 12 (1) of 15 */
    assert_int_equal(s.np, 2);
    assert_int_equal(s.p_product[0], 10110);
    ASSERT_NEAR(s.p_value[0], 15.0, 1e-15, 0);
    assert_int_equal(s.p_n_importers[0], 2);
    ASSERT_NEAR(s.p_importer_hhi[0], 5.0 / 9.0, 1e-14, 0);
    assert_int_equal(s.p_n_exporters[0], 3);
    ASSERT_NEAR(s.p_exporter_hhi[0], (121.0 + 9.0 + 1.0) / 225.0, 1e-14, 0);
    /* invariant: the per-product value is the sum of its importers' values */
    double tot = 0.0;
    for (cm_int_t k = 0; k < s.n; k++) {
        tot += s.value[k];
    }
    ASSERT_NEAR(tot, s.p_value[0] + s.p_value[1], 1e-15, 0);
    cm_trade_ip_destroy(&s);
    cm_trade_baci_destroy(&b);
}

static void test_write_csv(void **state)
{
    (void)state;
    cm_trade_baci_t b;
    cm_trade_ip_t s;
    cm_error_info_t err;
    char ip[1024], pp[1024];
    snprintf(ip, sizeof ip, "%s/ip.csv", cm_test_tmpdir());
    snprintf(pp, sizeof pp, "%s/p.csv", cm_test_tmpdir());
    CHECK_OK(cm_trade_baci_read(write_tmp("small.csv", SMALL), &b, &err), &err);
    CHECK_OK(cm_trade_baci_summarise(&b, &s, &err), &err);
    CHECK_OK(cm_trade_ip_write_csv(&s, ip, pp, &err), &err);
    const char *text = slurp(ip);
    const char *head = "importer,product,value,quantity,n_missing_q,unit_value,n_partners,hhi,"
                       "top_partner,top_share\n56,010110,10.0,4.0,1,1.75,3,";
    assert_memory_equal(text, head, strlen(head));
    char *end = NULL;
    ASSERT_NEAR(strtod(text + strlen(head), &end), 0.46, 1e-14, 0);
    assert_string_equal(end, ",4,0.6\n"
                             "251,010110,5.0,,1,,1,1.0,4,1.0\n"
                             "251,260500,2.5,0.5,0,5.0,1,1.0,4,1.0\n");
    assert_non_null(strstr(slurp(pp), "260500,2.5,1,1.0,1,1.0\n"));
    CHECK_ERROR(cm_trade_ip_write_csv(&s, "/nonexistent-dir/x.csv", NULL, &err), CM_EFILE);
    CHECK_ERROR(cm_trade_ip_write_csv(NULL, ip, NULL, &err), CM_EINVAL);
    cm_trade_ip_destroy(&s);
    cm_trade_baci_destroy(&b);
}

static void expect_parse(const char *text, int64_t line, int64_t col, const char *msg)
{
    cm_trade_baci_t b;
    cm_error_info_t err;
    CHECK_ERROR(cm_trade_baci_read(write_tmp("bad.csv", text), &b, &err), CM_EPARSE);
    assert_int_equal(err.line, line);
    assert_int_equal(err.column, col);
    if (strstr(err.message, msg) == NULL) {
        fail_msg("message '%s' lacks '%s'", err.message, msg);
    }
    assert_int_equal(b.n, 0);
    assert_null(b.value);
}

static void test_read_errors(void **state)
{
    (void)state;
    expect_parse("t,i,j,k,v,q\n2022,4,56,10110,-1.5,2\n", 2, 17, "non-negative value");
    expect_parse("t,i,j,k,v,q\n2022,4,56,10110,1.5,-2\n", 2, 21, "non-negative quantity");
    expect_parse("t,i,j,k,v,q\n2022,4,56,10110,1.5\n", 2, 20, "expected 6 fields");
    expect_parse("t,i,j,k,v,q\n2022,4,56,10110,1,2,3\n", 2, 20, "got more");
    expect_parse("t,i,j,k,v,q\n2022,x4,56,10110,1,2\n", 2, 6, "exporter code");
    expect_parse("t,i,j,k,v,q\n2022,4,56,10110,abc,2\n", 2, 17, "expected a value");
    expect_parse("t,i,j,k,v,q\n1800,4,56,10110,1,2\n", 2, 1, "year");
    expect_parse("year,i,j,k,v,q\n", 1, 1, "BACI header");
    expect_parse("t,i,j,k,v\n", 1, 9, "BACI header");
    expect_parse("", 1, 1, "empty file");
    cm_trade_baci_t b;
    cm_error_info_t err;
    CHECK_ERROR(cm_trade_baci_read("/nonexistent/baci.csv", &b, &err), CM_EFILE);
    CHECK_ERROR(cm_trade_baci_read(NULL, &b, &err), CM_EINVAL);
    CHECK_ERROR(cm_trade_baci_summarise(NULL, NULL, &err), CM_EINVAL);
}

static void test_cache_round_trip(void **state)
{
    (void)state;
    cm_trade_baci_t b, c;
    cm_error_info_t err;
    char path[1024];
    snprintf(path, sizeof path, "%s/small.cmcol", cm_test_tmpdir());
    CHECK_OK(cm_trade_baci_read(write_tmp("small.csv", SMALL), &b, &err), &err);
    CHECK_OK(cm_trade_baci_cache_write(&b, path, &err), &err);
    CHECK_OK(cm_trade_baci_cache_read(path, b.source_sha256, &c, &err), &err);
    assert_int_equal(c.n, b.n);
    assert_memory_equal(c.exporter, b.exporter, (size_t)b.n * sizeof *b.exporter);
    assert_memory_equal(c.importer, b.importer, (size_t)b.n * sizeof *b.importer);
    assert_memory_equal(c.product, b.product, (size_t)b.n * sizeof *b.product);
    assert_memory_equal(c.value, b.value, (size_t)b.n * sizeof *b.value);
    assert_memory_equal(c.quantity, b.quantity, (size_t)b.n * sizeof *b.quantity);
    assert_int_equal(c.stats.unknown_country, 1);
    assert_int_equal(c.stats.missing_quantity, 2);
    assert_string_equal(c.source_sha256, b.source_sha256);
    cm_trade_baci_destroy(&c);
    /* another source: not found (the caller re-parses) */
    char other[65];
    memset(other, 'a', 64);
    other[64] = '\0';
    CHECK_ERROR(cm_trade_baci_cache_read(path, other, &c, &err), CM_ENOTFOUND);
    assert_null(c.value);
    /* a changed CSV has another checksum, so its old cache is not used */
    cm_trade_baci_t b2;
    CHECK_OK(cm_trade_baci_read(write_tmp("small2.csv", "t,i,j,k,v,q\n2022,4,56,10110,6,3\n"),
                                &b2, &err), &err);
    CHECK_ERROR(cm_trade_baci_cache_read(path, b2.source_sha256, &c, &err), CM_ENOTFOUND);
    cm_trade_baci_destroy(&b2);
    /* a damaged byte in the columns: checksum mismatch */
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    fseek(f, 200, SEEK_SET);
    int ch = fgetc(f);
    fseek(f, 200, SEEK_SET);
    fputc(ch ^ 0x5a, f);
    fclose(f);
    CHECK_ERROR(cm_trade_baci_cache_read(path, NULL, &c, &err), CM_EPARSE);
    assert_non_null(strstr(err.message, "checksum"));
    /* not a cache; a missing file */
    CHECK_ERROR(cm_trade_baci_cache_read(write_tmp("x.bin", "hello"), NULL, &c, &err), CM_EPARSE);
    snprintf(path, sizeof path, "%s/none.cmcol", cm_test_tmpdir());
    CHECK_ERROR(cm_trade_baci_cache_read(path, NULL, &c, &err), CM_ENOTFOUND);
    /* truncated */
    snprintf(path, sizeof path, "%s/small.cmcol", cm_test_tmpdir());
    CHECK_OK(cm_trade_baci_cache_write(&b, path, &err), &err);
    assert_int_equal(truncate(path, 250), 0);
    CHECK_ERROR(cm_trade_baci_cache_read(path, NULL, &c, &err), CM_EPARSE);
    b.source_sha256[0] = '\0';
    CHECK_ERROR(cm_trade_baci_cache_write(&b, path, &err), CM_EINVAL);
    cm_trade_baci_destroy(&b);
}

static void test_alloc_failures(void **state)
{
    (void)state;
    const char *p = write_tmp("small.csv", SMALL);
    char cache[1024];
    snprintf(cache, sizeof cache, "%s/af.cmcol", cm_test_tmpdir());
    int done = 0;
    for (long n = 0; n < 200 && !done; n++) {
        cm_trade_baci_t b, c;
        cm_trade_ip_t s;
        memset(&s, 0, sizeof s);
        memset(&c, 0, sizeof c);
        cm_error_info_t err;
        cm_test_fail_alloc_after(n);
        cm_error_t rc = cm_trade_baci_read(p, &b, &err);
        if (rc == CM_OK) {
            rc = cm_trade_baci_summarise(&b, &s, &err);
        }
        if (rc == CM_OK) {
            rc = cm_trade_ip_write_csv(&s, cache, NULL, &err);
        }
        if (rc == CM_OK) {
            rc = cm_trade_baci_cache_write(&b, cache, &err);
        }
        if (rc == CM_OK) {
            rc = cm_trade_baci_cache_read(cache, NULL, &c, &err);
        }
        cm_test_fail_alloc_after(-1);
        if (rc == CM_OK) {
            done = 1;
            assert_int_equal(s.n, 3);
            assert_int_equal(c.n, 6);
        } else {
            assert_int_equal(rc, CM_ENOMEM);
        }
        cm_trade_baci_destroy(&c);
        cm_trade_ip_destroy(&s);
        cm_trade_baci_destroy(&b);
    }
    assert_true(done);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CM_TEST(test_read_small),       CM_TEST(test_summary_by_hand),
        CM_TEST(test_write_csv),        CM_TEST(test_read_errors),
        CM_TEST(test_cache_round_trip), CM_TEST(test_alloc_failures),
    };
    return CM_RUN_TESTS(tests);
}

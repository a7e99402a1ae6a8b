/* The reconciliation model file (docs/reconcile.md): what it reads, and every error it reports
 * with file, line, column and what was expected; allocation failures; writing the outputs. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cambium/cambium.h"
#include "cm_test.h"

/* Parse text that must fail with CM_EPARSE at line:column with msg in the message. */
static void bad(const char *text, long line, long column, const char *msg)
{
    cm_error_info_t err;
    cm_recon_model_t *m = NULL;
    CHECK_ERROR(cm_recon_model_parse(text, strlen(text), "bad.model", &m, &err), CM_EPARSE);
    assert_null(m);
    assert_string_equal(err.file, "bad.model");
    if (err.line != line || err.column != column || strstr(err.message, msg) == NULL) {
        fail_msg("got %lld:%lld '%s', expected %ld:%ld '%s'", (long long)err.line,
                 (long long)err.column, err.message, line, column, msg);
    }
}

static void test_reads_everything(void **state)
{
    (void)state;
    const char *text = "# comment\n\nunit kt\nprocess A   # trailing comment\nprocess B\n"
                       "flow x import -> A = 1e2 \xC2\xB1 5\n"
                       "flow y A -> B ?\n"
                       "stock B = -3.5 +- 1\n"
                       "flow z B -> environment = 90 +- 9\n"
                       "flow w A -> export ?\n"
                       "tc y = 0.9\n"
                       "relation 2*x - 0.5 z + w = 100\n"
                       "derived rate = z / x + w\n"
                       "derived sum = y + z\n"
                       "target rate\n";
    cm_error_info_t err;
    cm_recon_model_t *m = NULL;
    CHECK_OK(cm_recon_model_parse(text, strlen(text), "ok", &m, &err), &err);
    assert_string_equal(cm_recon_unit(m), "kt");
    assert_int_equal(cm_recon_nprocesses(m), 2);
    assert_int_equal(cm_recon_nflows(m), 5);
    assert_string_equal(cm_recon_flow_name(m, 2), "B.stock");
    long from, to;
    double v, sd;
    assert_int_equal(cm_recon_flow_info(m, 0, &from, &to, &v, &sd), 1);
    assert_int_equal(from, -1);
    assert_int_equal(to, 0);
    ASSERT_NEAR(v, 100, 0, 0);
    ASSERT_NEAR(sd, 5, 0, 0);
    assert_int_equal(cm_recon_flow_info(m, 1, &from, &to, &v, NULL), 0);
    assert_true(isnan(v));
    assert_int_equal(cm_recon_flow_info(m, 2, &from, &to, &v, NULL), 1);
    assert_int_equal(to, -4);
    ASSERT_NEAR(v, -3.5, 0, 0);
    assert_int_equal(cm_recon_nderived(m), 2);
    assert_string_equal(cm_recon_derived_name(m, 1), "sum");
    assert_string_equal(cm_recon_constraint_name(m, 0), "A");
    assert_string_equal(cm_recon_constraint_name(m, 2), "relation (line 12)");
    assert_string_equal(cm_recon_constraint_name(m, 3), "tc y");
    assert_null(cm_recon_constraint_name(m, 4));
    cm_recon_model_free(m);
}

static void test_errors(void **state)
{
    (void)state;
    bad("process A\nflow x import -> B = 1 +- 1\n", 2, 18, "unknown process 'B'");
    bad("process A\nflow x import -> A = 1 +- 1\nflow x A -> export ?\n", 3, 6,
        "duplicate flow 'x'");
    bad("process A\nprocess A\n", 2, 9, "duplicate process 'A'");
    bad("process A\nflow x import -> A = 1 +- -2\n", 2, 27, "standard deviation > 0");
    bad("process A\nflow x import -> A = 1 +- 0\n", 2, 27, "standard deviation > 0");
    bad("process A\nflow x import -> A = 1O +- 1\n", 2, 22, "expected a number, got '1O'");
    bad("process A\nflow x import -> A = 1 +- abc\n", 2, 27, "expected a number, got 'abc'");
    bad("process A\nflow x import -> A = 1\n", 2, 23, "'+-'");
    bad("process A\nflow x import A = 1 +- 1\n", 2, 15, "expected '->'");
    bad("process A\nprocess B\nflow x import -> A = 1 +- 1\n", 2, 9,
        "balance has no data at all");
    bad("process A\nflow x import -> A ?\ntc x = 0.5\n", 3, 4, "leaving a process");
    bad("process A\nflow x import -> A ?\nflow y A -> export ?\ntc y = 1.5\n", 4, 8,
        "transfer coefficient in [0, 1]");
    bad("process A\nflow x import -> export = 1 +- 1\n", 2, 6, "two boundaries");
    bad("process A\nflow x import -> A ?\nfoo bar\n", 3, 1, "expected process, flow");
    bad("process A\nflow x import -> A ? extra\n", 2, 22, "end of the line");
    bad("process import\n", 1, 9, "other than import");
    bad("process A\nflow x import -> A ?\ntarget nothing\n", 3, 8, "declared flow or derived");
    bad("process A\nflow x import -> A ?\nderived r = x /\n", 3, 16, "flow name");
    bad("process A\nflow x import -> A ?\nrelation x = y\n", 3, 14, "expected a number");
    bad("process A\nstock B = 1 +- 1\n", 2, 7, "unknown process 'B'");
    bad("# nothing\n", 1, 1, "at least one flow");
    bad("process A\nflow x import -> A = 1e999 +- 1\n", 2, 22, "expected a number");
}

/* A relation naming a flow that was never declared. */
static void test_unknown_flow_in_relation(void **state)
{
    (void)state;
    bad("process A\nflow x import -> A ?\nflow y A -> export ?\nrelation x + q = 1\n", 4, 14,
        "expected a declared flow, got 'q'");
}

static void test_load_file_and_alloc(void **state)
{
    (void)state;
    char path[1024];
    snprintf(path, sizeof path, "%s/m.model", cm_test_tmpdir());
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("unit t\nprocess P\nflow a import -> P = 10 +- 1\nflow b P -> export ?\n"
          "derived d = b / a\n", f);
    fclose(f);
    int ok = 0;
    long base = cm_alloc_outstanding();
    for (long n = 0; n < 500 && !ok; n++) {
        cm_recon_model_t *m = NULL;
        cm_error_info_t err;
        cm_test_fail_alloc_after(n);
        cm_error_t rc = cm_recon_model_load(path, &m, &err);
        cm_test_fail_alloc_after(-1);
        if (rc == CM_OK) {
            ok = 1;
            assert_int_equal(cm_recon_nflows(m), 2);
        } else {
            assert_int_equal(rc, CM_ENOMEM);
        }
        cm_recon_model_free(m);
        assert_int_equal(cm_alloc_outstanding(), base);
    }
    assert_true(ok);
}

/* The written outputs: the CSV rows, the JSON tests, the Sankey with its sd bands. */
static void test_write(void **state)
{
    (void)state;
    const char *text = "unit t\nprocess P\nprocess Q\nflow a import -> P = 100 +- 10\n"
                       "flow b P -> Q = 80 +- 10\nflow r Q -> P ?\nflow c Q -> export ?\n"
                       "relation r = 5\nflow u1 P -> environment ?\nflow u2 P -> environment ?\n";
    cm_error_info_t err;
    cm_recon_model_t *m = NULL;
    cm_recon_result_t r = {0};
    CHECK_OK(cm_recon_model_parse(text, strlen(text), "w", &m, &err), &err);
    CHECK_OK(cm_recon_solve(m, &r, &err), &err);
    const char *dir = cm_test_tmpdir();
    CHECK_OK(cm_recon_write(m, &r, dir, &err), &err);
    char path[1024], buf[8192];
    snprintf(path, sizeof path, "%s/recon_flows.csv", dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    assert_non_null(strstr(buf, "flow,from,to,measured,sd,reconciled,sd_reconciled,z,flag,"
                                "status\n"));
    assert_non_null(strstr(buf, "u1,P,environment,,,,,,unobservable,unobservable\n"));
    assert_non_null(strstr(buf, "r,Q,P,,,5,0,,,observable\n"));
    snprintf(path, sizeof path, "%s/recon_sankey.svg", dir);
    f = fopen(path, "r");
    assert_non_null(f);
    n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    /* a and b carry bands; the recycling r is a loop; unobservable u1, u2 are not drawn */
    int bands = 0;
    for (const char *p = buf; (p = strstr(p, "class=\"sd-band\"")) != NULL; p++) {
        bands++;
    }
    assert_int_equal(bands, 3); /* a, b, c (r has sd 0) */
    assert_non_null(strstr(buf, "class=\"loop\""));
    assert_null(strstr(buf, "environment"));
    snprintf(path, sizeof path, "%s/recon_tests.json", dir);
    f = fopen(path, "r");
    assert_non_null(f);
    n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    assert_non_null(strstr(buf, "\"unobservable\": [\n    \"u1\",\n    \"u2\"\n  ]"));
    cm_recon_result_destroy(&r);
    cm_recon_model_free(m);
}

/* cm_sankey_add_flow_sd: validation, and a diagram without sd renders as before. */
static void test_sankey_sd(void **state)
{
    (void)state;
    cm_error_info_t err;
    cm_sankey_t *s = NULL, *s2 = NULL;
    char *t1 = NULL, *t2 = NULL;
    size_t a, b;
    CHECK_OK(cm_sankey_create("x", "t", &s, &err), &err);
    CHECK_OK(cm_sankey_create("x", "t", &s2, &err), &err);
    CHECK_OK(cm_sankey_add_node(s, "a", 0, &a, &err), &err);
    CHECK_OK(cm_sankey_add_node(s, "b", 1, &b, &err), &err);
    CHECK_OK(cm_sankey_add_node(s2, "a", 0, NULL, &err), &err);
    CHECK_OK(cm_sankey_add_node(s2, "b", 1, NULL, &err), &err);
    CHECK_ERROR(cm_sankey_add_flow_sd(s, a, b, 10, -1, &err), CM_EINVAL);
    CHECK_ERROR(cm_sankey_add_flow_sd(s, a, b, 10, INFINITY, &err), CM_EINVAL);
    CHECK_OK(cm_sankey_add_flow_sd(s, a, b, 10, NAN, &err), &err);
    CHECK_OK(cm_sankey_add_flow(s2, a, b, 10, &err), &err);
    CHECK_OK(cm_sankey_render(s, 400, 300, &t1, &err), &err);
    CHECK_OK(cm_sankey_render(s2, 400, 300, &t2, &err), &err);
    assert_string_equal(t1, t2);
    cm_free(t1);
    CHECK_OK(cm_sankey_add_flow_sd(s, b, a, 2, 0.5, &err), &err);
    CHECK_OK(cm_sankey_render(s, 400, 300, &t1, &err), &err);
    assert_non_null(strstr(t1, "data-sd=\"0.5\""));
    cm_free(t1);
    cm_free(t2);
    cm_sankey_free(s);
    cm_sankey_free(s2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CM_TEST(test_reads_everything), CM_TEST(test_errors),
        CM_TEST(test_unknown_flow_in_relation), CM_TEST(test_load_file_and_alloc),
        CM_TEST(test_write), CM_TEST(test_sankey_sd),
    };
    return CM_RUN_TESTS(tests);
}

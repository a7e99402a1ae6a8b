/* The dashboard server's request handling without sockets (cm_serve.h): every route of
 * docs/dashboard-contract.md section 2 on a store filled as `cambium assess` fills it, the
 * security headers, hostile URLs and parameters, conditional GET, the threshold recomputation of
 * /api/crit checked by hand, and the allocation-failure loop over open + every route. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "serve/serve_internal.h"
#include "test_serve_fixture.h"

#define CSP_TEXT                                                                                   \
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "              \
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
#define JSON_CT "application/json; charset=utf-8"

static cm_serve_t *open_fixture(int assessment)
{
    cm_serve_t *ctx = NULL;
    cm_error_info_t err;
    memset(&err, 0, sizeof err);
    const char *path = fixture_store(assessment ? "full.db" : "empty.db", assessment);
    CHECK_OK(cm_serve_open(path, &ctx, &err), &err);
    return ctx;
}

/* Answer method url into res; every answer carries the security headers. Returns the status. */
static int ask(cm_serve_t *ctx, const char *method, const char *url, cm_serve_response_t *res)
{
    cm_error_info_t err;
    memset(&err, 0, sizeof err);
    CHECK_OK(cm_serve_handle(ctx, method, url, res, &err), &err);
    assert_non_null(res->content_type);
    assert_string_equal(cm_serve_response_header(res, "Content-Security-Policy"), CSP_TEXT);
    assert_string_equal(cm_serve_response_header(res, "x-content-type-options"), "nosniff");
    assert_string_equal(cm_serve_response_header(res, "Referrer-Policy"), "no-referrer");
    assert_non_null(cm_serve_response_header(res, "Cache-Control"));
    return res->status;
}

/* The body parsed as JSON (new reference). */
static json_t *body_json(const cm_serve_response_t *res)
{
    json_error_t jerr;
    json_t *j = json_loadb(res->body, res->body_len, 0, &jerr);
    if (j == NULL) {
        fail_msg("body is not JSON (%s): %.*s", jerr.text, (int)res->body_len, res->body);
    }
    return j;
}

/* An error answer: status, JSON {"error": text containing `needle`}. */
static void expect_error(cm_serve_t *ctx, const char *method, const char *url, int status,
                         const char *needle)
{
    cm_serve_response_t res;
    memset(&res, 0, sizeof res);
    int got = ask(ctx, method, url, &res);
    if (got != status) {
        fail_msg("%s %.80s: status %d, expected %d (%.*s)", method, url, got, status,
                 (int)res.body_len, res.body);
    }
    assert_string_equal(res.content_type, JSON_CT);
    json_t *j = body_json(&res);
    const char *msg = json_string_value(json_object_get(j, "error"));
    assert_non_null(msg);
    if (needle != NULL && strstr(msg, needle) == NULL) {
        fail_msg("%s %.80s: error '%s' does not mention '%s'", method, url, msg, needle);
    }
    json_decref(j);
    cm_serve_response_destroy(&res);
}

static void test_open_errors(void **state)
{
    cm_serve_t *ctx = NULL;
    cm_error_info_t err;
    cm_serve_response_t res;
    char path[4200];
    (void)state;
    memset(&err, 0, sizeof err);
    memset(&res, 0, sizeof res);
    CHECK_ERROR(cm_serve_open(NULL, &ctx, &err), CM_EINVAL);
    CHECK_ERROR(cm_serve_open("x.db", NULL, &err), CM_EINVAL);
    snprintf(path, sizeof path, "%s/no-such.db", cm_test_tmpdir());
    CHECK_ERROR(cm_serve_open(path, &ctx, &err), CM_EFILE);
    assert_null(ctx);
    assert_non_null(strstr(err.message, "no such store"));
    snprintf(path, sizeof path, "%s/not-a-store.db", cm_test_tmpdir());
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("this is not SQLite\n", f);
    fclose(f);
    CHECK_ERROR(cm_serve_open(path, &ctx, &err), CM_ESTORE);
    assert_null(ctx);
    cm_serve_close(NULL);
    cm_serve_response_destroy(NULL);
    cm_serve_response_destroy(&res);
    assert_int_equal(cm_serve_has_assessment(NULL), 0);
    assert_int_equal(cm_serve_table_count(NULL), 0);
    assert_null(cm_serve_store_path(NULL));
    CHECK_ERROR(cm_serve_handle(NULL, "GET", "/", &res, &err), CM_EINVAL);
    ctx = open_fixture(0);
    CHECK_ERROR(cm_serve_handle(ctx, NULL, "/", &res, &err), CM_EINVAL);
    CHECK_ERROR(cm_serve_handle(ctx, "GET", NULL, &res, &err), CM_EINVAL);
    CHECK_ERROR(cm_serve_handle(ctx, "GET", "/", NULL, &err), CM_EINVAL);
    cm_serve_close(ctx);
}

/* An assessment row that is not an object with a recipe and sections: CM_EPARSE. */
static void test_open_bad_assessment(void **state)
{
    cm_serve_t *ctx = NULL;
    cm_store_t *st = NULL;
    cm_error_info_t err;
    const char *inputs[1] = {FIXTURE_SHA_A};
    (void)state;
    memset(&err, 0, sizeof err);
    const char *path = fixture_store("bad-index.db", 0);
    CHECK_OK(cm_store_open(path, 0, &st, &err), &err);
    CHECK_OK(cm_store_result_put(st, "assess/index", "{\"recipe\":\"x\"}", 1, inputs,
                                 "{\"sections\":3}", NULL, NULL, &err),
             &err);
    cm_store_close(st);
    CHECK_ERROR(cm_serve_open(path, &ctx, &err), CM_EPARSE);
    assert_null(ctx);
    assert_non_null(strstr(err.message, "sections"));
}

/* Runs (the contract's "run" parameter): only the tables of the newest assessment's run are
 * served, even when another run has a larger id or a table only an older run has. */
static void test_runs(void **state)
{
    cm_serve_t *ctx = NULL;
    cm_store_t *st = NULL;
    cm_serve_response_t res;
    cm_error_info_t err;
    (void)state;
    memset(&err, 0, sizeof err);
    memset(&res, 0, sizeof res);
    const char *path = fixture_store("runs.db", 0);
    CHECK_OK(cm_store_open(path, 0, &st, &err), &err);
    fixture_put(st, "assess/table", "{\"recipe\":\"test\",\"run\":1,\"table\":\"crit_eu\"}",
                FIXTURE_SHA_A, "crit_eu");
    fixture_put(st, "assess/table", "{\"recipe\":\"test\",\"run\":2,\"table\":\"crit_be\"}",
                FIXTURE_SHA_A, "crit_be");
    fixture_put(st, "assess/table", "{\"recipe\":\"test\",\"run\":3,\"table\":\"crit_be\"}",
                FIXTURE_SHA_A, "crit_be_old");
    fixture_put(st, "assess/index", "{\"recipe\":\"test\",\"run\":2}", FIXTURE_SHA_A, "assessment");
    cm_store_close(st);
    CHECK_OK(cm_serve_open(path, &ctx, &err), &err);
    assert_int_equal(cm_serve_table_count(ctx), 1);
    assert_int_equal(ask(ctx, "GET", "/api/table/crit_be", &res), 200);
    assert_non_null(strstr(res.body, "\"title\":\"Criticality for Belgium beside the EU\""));
    expect_error(ctx, "GET", "/api/table/crit_eu", 404, "no table 'crit_eu'");
    cm_serve_response_destroy(&res);
    cm_serve_close(ctx);
}

/* A run that is not an integer is compared on the rows' parameters; a recipe name outside
 * [a-z0-9_-] (never written by cambium assess) loads no table. */
static void test_runs_not_integer(void **state)
{
    cm_serve_t *ctx = NULL;
    cm_store_t *st = NULL;
    cm_serve_response_t res;
    cm_error_info_t err;
    (void)state;
    memset(&err, 0, sizeof err);
    memset(&res, 0, sizeof res);
    const char *path = fixture_store("runs-text.db", 0);
    CHECK_OK(cm_store_open(path, 0, &st, &err), &err);
    fixture_put(st, "assess/table", "{\"recipe\":\"test\",\"run\":\"b\",\"table\":\"crit_be\"}",
                FIXTURE_SHA_A, "crit_be");
    fixture_put(st, "assess/table", "{\"recipe\":\"test\",\"run\":\"c\",\"table\":\"crit_be\"}",
                FIXTURE_SHA_A, "crit_be_old");
    fixture_put(st, "assess/table", "{\"recipe\":\"other\",\"run\":\"b\",\"table\":\"crit_be\"}",
                FIXTURE_SHA_A, "crit_be_old");
    fixture_put(st, "assess/table", "{\"recipe\":\"test\",\"table\":\"crit_be\"}", FIXTURE_SHA_A,
                "crit_be_old");
    fixture_put(st, "assess/index", "{\"recipe\":\"test\",\"run\":\"b\"}", FIXTURE_SHA_A,
                "assessment");
    cm_store_close(st);
    CHECK_OK(cm_serve_open(path, &ctx, &err), &err);
    assert_int_equal(cm_serve_table_count(ctx), 1);
    assert_int_equal(ask(ctx, "GET", "/api/table/crit_be", &res), 200);
    assert_non_null(strstr(res.body, "\"title\":\"Criticality for Belgium beside the EU\""));
    cm_serve_response_destroy(&res);
    cm_serve_close(ctx);
    ctx = NULL;
    CHECK_OK(cm_store_open(path, 0, &st, &err), &err);
    fixture_put(st, "assess/table", "{\"recipe\":\"te'st\",\"table\":\"crit_be\"}", FIXTURE_SHA_A,
                "crit_be");
    fixture_put(st, "assess/index", "{\"recipe\":\"te'st\"}", FIXTURE_SHA_B, "assessment");
    cm_store_close(st);
    CHECK_OK(cm_serve_open(path, &ctx, &err), &err);
    assert_int_equal(cm_serve_has_assessment(ctx), 1);
    assert_int_equal(cm_serve_table_count(ctx), 0);
    cm_serve_close(ctx);
}

static void test_no_assessment(void **state)
{
    cm_serve_response_t res;
    (void)state;
    memset(&res, 0, sizeof res);
    cm_serve_t *ctx = open_fixture(0);
    assert_int_equal(cm_serve_has_assessment(ctx), 0);
    assert_int_equal(cm_serve_table_count(ctx), 0);
    assert_int_equal(ask(ctx, "GET", "/api/health", &res), 200);
    json_t *j = body_json(&res);
    assert_true(json_is_true(json_object_get(j, "ok")));
    assert_true(json_is_false(json_object_get(j, "assessment")));
    assert_string_equal(json_string_value(json_object_get(j, "store")), cm_serve_store_path(ctx));
    json_decref(j);
    expect_error(ctx, "GET", "/api/assessment", 404,
                 "no assessment in the store: run cambium assess");
    expect_error(ctx, "GET", "/api/table/crit_be", 404, "run cambium assess");
    expect_error(ctx, "GET", "/api/table/crit_be.csv", 404, "run cambium assess");
    expect_error(ctx, "GET", "/api/figure/crit_be.svg", 404, "run cambium assess");
    expect_error(ctx, "GET", "/api/material/cobalt", 404, "run cambium assess");
    expect_error(ctx, "GET", "/api/crit", 404, "run cambium assess");
    assert_int_equal(ask(ctx, "GET", "/api/materials", &res), 200);
    assert_int_equal(res.body_len, 2);
    assert_memory_equal(res.body, "[]", 2);
    assert_int_equal(ask(ctx, "GET", "/api/datasets", &res), 200);
    assert_memory_equal(res.body, "[]", 2);
    assert_int_equal(ask(ctx, "GET", "/", &res), cm_i_serve_asset_find("index.html") ? 200 : 404);
    cm_serve_response_destroy(&res);
    cm_serve_close(ctx);
}

static void test_assessment_and_tables(void **state)
{
    cm_serve_response_t res;
    (void)state;
    memset(&res, 0, sizeof res);
    cm_serve_t *ctx = open_fixture(1);
    assert_int_equal(cm_serve_has_assessment(ctx), 1);
    /* crit_be, crit_eu, supply_chains, trade_alerts: "missing" is not stored, "broken" is
     * malformed, and crit_be listed twice counts once */
    assert_int_equal(cm_serve_table_count(ctx), 4);

    assert_int_equal(ask(ctx, "GET", "/api/assessment", &res), 200);
    assert_string_equal(res.content_type, JSON_CT);
    assert_non_null(cm_serve_response_header(&res, "ETag"));
    char *expect = fixture_text("assessment");
    assert_int_equal(res.body_len, strlen(expect));
    assert_memory_equal(res.body, expect, res.body_len);
    cm_free(expect);

    assert_int_equal(ask(ctx, "GET", "/api/health", &res), 200);
    json_t *j = body_json(&res);
    assert_true(json_is_true(json_object_get(j, "assessment")));
    json_decref(j);

    static const char *const tables[] = {"crit_be", "crit_eu", "supply_chains", "trade_alerts"};
    for (size_t i = 0; i < 4; i++) {
        char url[128];
        snprintf(url, sizeof url, "/api/table/%s", tables[i]);
        assert_int_equal(ask(ctx, "GET", url, &res), 200);
        assert_string_equal(res.content_type, JSON_CT);
        json_t *got = body_json(&res), *want = NULL;
        char *text = fixture_text(tables[i]);
        want = json_loads(text, 0, NULL);
        assert_true(json_equal(got, want)); /* the newest crit_be, not the older one */
        json_decref(got);
        json_decref(want);
        cm_free(text);
    }
    expect_error(ctx, "GET", "/api/table/missing", 404, "no table 'missing'");
    expect_error(ctx, "GET", "/api/table/broken", 404, "no table 'broken'");
    expect_error(ctx, "GET", "/api/table/nope.csv", 404, "no table 'nope'");
    cm_serve_response_destroy(&res);
    cm_serve_close(ctx);
}

static void test_csv(void **state)
{
    cm_serve_response_t res;
    (void)state;
    memset(&res, 0, sizeof res);
    cm_serve_t *ctx = open_fixture(1);
    assert_int_equal(ask(ctx, "GET", "/api/table/trade_alerts.csv", &res), 200);
    assert_string_equal(res.content_type, "text/csv; charset=utf-8");
    assert_string_equal(cm_serve_response_header(&res, "Content-Disposition"),
                        "attachment; filename=\"trade_alerts.csv\"");
    static const char want[] =
        "material,\"note, quoted\",count,value\r\n"
        "cobalt,\"He said \"\"stop\"\", then left\",3,0.10000000000000001\r\n"
        "copper,\"line1\nline2\",-2,9.9999999999999995e-08\r\n"
        "lithium,\" padded \",0,\r\n"
        "gallium,plain,12345678901,2.5\r\n";
    if (res.body_len != strlen(want) || memcmp(res.body, want, res.body_len) != 0) {
        /* the shortest round-trip form is also accepted for the reals */
        static const char shortest[] = "material,\"note, quoted\",count,value\r\n"
                                       "cobalt,\"He said \"\"stop\"\", then left\",3,0.1\r\n"
                                       "copper,\"line1\nline2\",-2,1e-07\r\n"
                                       "lithium,\" padded \",0,\r\n"
                                       "gallium,plain,12345678901,2.5\r\n";
        assert_int_equal(res.body_len, strlen(shortest));
        assert_memory_equal(res.body, shortest, res.body_len);
    }
    /* crit_be: header = column names, one line per row, numbers read back equal */
    assert_int_equal(ask(ctx, "GET", "/api/table/crit_be.csv", &res), 200);
    char *csv = cm_strndup(res.body, res.body_len);
    assert_non_null(csv);
    assert_true(strncmp(csv,
                        "material,sr_eu,ei_eu,critical_eu,sr_be,ei_be,critical_be,"
                        "explanation\r\n",
                        65) == 0);
    size_t lines = 0;
    for (const char *p = csv; (p = strstr(p, "\r\n")) != NULL; p += 2) {
        lines++;
    }
    assert_int_equal(lines, 6);
    const char *lith = strstr(csv, "\r\nlithium,");
    assert_non_null(lith);
    char *end = NULL;
    ASSERT_NEAR(strtod(lith + 10, &end), 1.6, 0, 0);
    ASSERT_NEAR(strtod(end + 1, &end), 3.9, 0, 0);
    assert_non_null(strstr(csv, "\r\ngallium,1.3,3.5,1,,,,no Belgian trade data\r\n"));
    cm_free(csv);
    cm_serve_response_destroy(&res);
    cm_serve_close(ctx);
}

static void test_figures(void **state)
{
    cm_serve_response_t res;
    (void)state;
    memset(&res, 0, sizeof res);
    cm_serve_t *ctx = open_fixture(1);
    assert_int_equal(ask(ctx, "GET", "/api/figure/crit_be.svg", &res), 200);
    assert_string_equal(res.content_type, "image/svg+xml");
    char *text = fixture_text("crit_be");
    json_t *t = json_loads(text, 0, NULL);
    const char *svg = json_string_value(json_object_get(t, "figure_svg"));
    assert_int_equal(res.body_len, strlen(svg));
    assert_memory_equal(res.body, svg, res.body_len);
    json_decref(t);
    cm_free(text);
    expect_error(ctx, "GET", "/api/figure/crit_eu.svg", 404, "has no figure");
    expect_error(ctx, "GET", "/api/figure/crit_be", 404, ".svg");
    expect_error(ctx, "GET", "/api/figure/crit_be.png", 404, ".svg");
    expect_error(ctx, "GET", "/api/figure/BAD.svg", 400, "invalid table id");
    cm_serve_response_destroy(&res);
    cm_serve_close(ctx);
}

/* Rows of material m in table object t whose material column is "material". */
static size_t rows_of(const json_t *t, const char *m)
{
    size_t n = 0, i;
    const json_t *row;
    json_array_foreach(json_object_get(t, "rows"), i, row)
    {
        const char *rm = json_string_value(json_array_get(row, 0));
        n += rm != NULL && (m == NULL || strcmp(rm, m) == 0);
    }
    return n;
}

static void test_materials(void **state)
{
    cm_serve_response_t res;
    (void)state;
    memset(&res, 0, sizeof res);
    cm_serve_t *ctx = open_fixture(1);
    assert_int_equal(ask(ctx, "GET", "/api/materials", &res), 200);
    json_t *list = body_json(&res);
    /* "Rare Earths" is not a material id: left out */
    static const char *const ids[] = {"cobalt", "copper", "gallium", "lithium", "natural-graphite"};
    assert_int_equal(json_array_size(list), 5);
    for (size_t i = 0; i < 5; i++) {
        json_t *m = json_array_get(list, i);
        assert_string_equal(json_string_value(json_object_get(m, "id")), ids[i]);
        assert_non_null(json_string_value(json_object_get(m, "name")));
    }
    /* names from the materials classification */
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "name")),
                        "Cobalt");
    /* invariant: the rows of every material add up to the rows of each table with ids */
    size_t per_table[4] = {0, 0, 0, 0};
    static const char *const tables[] = {"crit_be", "crit_eu", "supply_chains", "trade_alerts"};
    for (size_t i = 0; i < 5; i++) {
        char url[128];
        snprintf(url, sizeof url, "/api/material/%s", ids[i]);
        assert_int_equal(ask(ctx, "GET", url, &res), 200);
        json_t *m = body_json(&res);
        assert_string_equal(json_string_value(json_object_get(m, "material")), ids[i]);
        size_t k;
        json_t *t;
        json_array_foreach(json_object_get(m, "tables"), k, t)
        {
            const char *id = json_string_value(json_object_get(t, "id"));
            assert_non_null(json_object_get(t, "columns"));
            assert_null(json_object_get(t, "figure_svg"));
            assert_true(rows_of(t, NULL) > 0);
            assert_int_equal(rows_of(t, ids[i]), json_array_size(json_object_get(t, "rows")));
            for (size_t q = 0; q < 4; q++) {
                if (strcmp(id, tables[q]) == 0) {
                    per_table[q] += rows_of(t, NULL);
                }
            }
        }
        json_decref(m);
    }
    assert_int_equal(per_table[0], 5);
    assert_int_equal(per_table[1], 3);
    assert_int_equal(per_table[2], 3); /* the "Rare Earths" row has no valid id */
    assert_int_equal(per_table[3], 4);
    /* cobalt: in all four tables, two supply rows */
    assert_int_equal(ask(ctx, "GET", "/api/material/cobalt", &res), 200);
    json_t *co = body_json(&res);
    assert_string_equal(json_string_value(json_object_get(co, "name")), "Cobalt");
    assert_int_equal(json_array_size(json_object_get(co, "tables")), 4);
    json_decref(co);
    json_decref(list);
    expect_error(ctx, "GET", "/api/material/tin", 404, "in no table");
    expect_error(ctx, "GET", "/api/material/Cobalt", 400, "invalid material id");
    expect_error(ctx, "GET", "/api/material/co_balt", 400, "invalid material id");
    expect_error(ctx, "GET", "/api/material/cobalt%20x", 400, "invalid material id");
    expect_error(ctx, "GET",
                 "/api/material/"
                 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                 400, "invalid material id");
    cm_serve_response_destroy(&res);
    cm_serve_close(ctx);
}

/* The classes of one material in an /api/crit answer: 1 true, 0 false, -1 null. */
static int klass(const json_t *answer, const char *m, const char *key)
{
    size_t i;
    const json_t *o;
    json_array_foreach(json_object_get(answer, "materials"), i, o)
    {
        if (strcmp(json_string_value(json_object_get(o, "material")), m) == 0) {
            const json_t *v = json_object_get(o, key);
            return json_is_null(v) ? -1 : json_is_true(v) ? 1 : 0;
        }
    }
    fail_msg("material %s not in the answer", m);
    return -2;
}

static json_t *crit(cm_serve_t *ctx, const char *url)
{
    cm_serve_response_t res;
    memset(&res, 0, sizeof res);
    assert_int_equal(ask(ctx, "GET", url, &res), 200);
    assert_string_equal(res.content_type, JSON_CT);
    json_t *j = body_json(&res);
    cm_serve_response_destroy(&res);
    return j;
}

static void test_crit_thresholds(void **state)
{
    (void)state;
    cm_serve_t *ctx = open_fixture(1);
    /* defaults 1.0 and 2.8, worked by hand from crit_be.json (SR and EI rounded to 0.1) */
    json_t *a = crit(ctx, "/api/crit");
    ASSERT_NEAR(json_number_value(json_object_get(json_object_get(a, "thresholds"), "sr")), 1.0, 0,
                0);
    ASSERT_NEAR(json_number_value(json_object_get(json_object_get(a, "thresholds"), "ei")), 2.8, 0,
                0);
    assert_int_equal(json_array_size(json_object_get(a, "materials")), 5);
    assert_int_equal(klass(a, "cobalt", "critical_eu"), 1);
    assert_int_equal(klass(a, "cobalt", "critical_be"), 1);
    assert_int_equal(klass(a, "copper", "critical_eu"), 0); /* SR 0.3 */
    assert_int_equal(klass(a, "copper", "critical_be"), 0);
    assert_int_equal(klass(a, "gallium", "critical_eu"), 1);
    assert_int_equal(klass(a, "gallium", "critical_be"), -1); /* no Belgian scores */
    assert_int_equal(klass(a, "lithium", "critical_be"), 1);  /* 0.96 -> 1.0, 2.76 -> 2.8 */
    assert_int_equal(klass(a, "natural-graphite", "critical_eu"), 1);
    assert_int_equal(klass(a, "natural-graphite", "critical_be"), 0); /* 2.74 -> 2.7 */
    /* the scores are passed through */
    const json_t *o = json_array_get(json_object_get(a, "materials"), 3);
    assert_string_equal(json_string_value(json_object_get(o, "material")), "lithium");
    ASSERT_NEAR(json_number_value(json_object_get(o, "sr_be")), 0.96, 0, 0);
    ASSERT_NEAR(json_number_value(json_object_get(o, "ei_be")), 2.76, 0, 0);
    assert_true(
        json_is_null(json_object_get(json_array_get(json_object_get(a, "materials"), 2), "sr_be")));
    /* the stored classes agree at the default thresholds */
    json_decref(a);

    /* sr=2, ei=3: only cobalt stays critical (EU 2.5/5.9, BE 2.1/4.0) */
    json_t *b = crit(ctx, "/api/crit?sr=2&ei=3");
    assert_int_equal(klass(b, "cobalt", "critical_eu"), 1);
    assert_int_equal(klass(b, "cobalt", "critical_be"), 1);
    assert_int_equal(klass(b, "lithium", "critical_eu"), 0);
    assert_int_equal(klass(b, "natural-graphite", "critical_eu"), 0); /* SR 1.8 */
    assert_int_equal(klass(b, "gallium", "critical_eu"), 0);
    assert_int_equal(klass(b, "gallium", "critical_be"), -1);
    json_decref(b);

    /* 0 and 0: every scored material is critical; EI threshold 5.95 cuts all but none */
    json_t *c = crit(ctx, "/api/crit?ei=0&sr=0.0");
    static const char *const all[] = {"cobalt", "copper", "gallium", "lithium", "natural-graphite"};
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(klass(c, all[i], "critical_eu"), 1);
    }
    json_decref(c);
    /* invariant: raising a threshold never adds a critical material */
    static const char *const grid[] = {"/api/crit?sr=0.5&ei=2", "/api/crit?sr=1&ei=2.8",
                                       "/api/crit?sr=1.5&ei=3.5", "/api/crit?sr=2.2&ei=4.5",
                                       "/api/crit?sr=100&ei=100"};
    int prev[5][2];
    for (size_t g = 0; g < 5; g++) {
        json_t *x = crit(ctx, grid[g]);
        for (size_t i = 0; i < 5; i++) {
            int eu = klass(x, all[i], "critical_eu"), be = klass(x, all[i], "critical_be");
            if (g > 0) {
                assert_true(eu <= prev[i][0]);
                assert_true(be <= prev[i][1]);
            }
            prev[i][0] = eu;
            prev[i][1] = be;
        }
        json_decref(x);
    }
    for (size_t i = 0; i < 5; i++) {
        assert_true(prev[i][0] <= 0); /* nothing is critical at 100 */
    }
    cm_serve_close(ctx);
}

static void test_parameters(void **state)
{
    (void)state;
    cm_serve_t *ctx = open_fixture(1);
    static const char *const bad_sr[] = {
        "/api/crit?sr=abc",   "/api/crit?sr=",      "/api/crit?sr",      "/api/crit?sr=1e999",
        "/api/crit?sr=nan",   "/api/crit?sr=inf",   "/api/crit?sr=0x10", "/api/crit?sr=-1",
        "/api/crit?sr=101",   "/api/crit?sr=1,5",   "/api/crit?sr=+1+",  "/api/crit?sr=1%00",
        "/api/crit?sr=1.2.3", "/api/crit?sr=%31%2", "/api/crit?sr=1e",   "/api/crit?sr=.",
    };
    for (size_t i = 0; i < sizeof bad_sr / sizeof bad_sr[0]; i++) {
        expect_error(ctx, "GET", bad_sr[i], 400, "'sr'");
    }
    expect_error(ctx, "GET", "/api/crit?ei=-0.5", 400, "parameter 'ei'");
    expect_error(ctx, "GET", "/api/crit?sr=1&ei=x", 400, "parameter 'ei'");
    expect_error(ctx, "GET", "/api/crit?sr=1&sr=2", 400, "'sr' given twice");
    expect_error(ctx, "GET", "/api/crit?material=cobalt", 400, "unknown parameter 'material'");
    expect_error(ctx, "GET", "/api/crit?SR=1", 400, "parameter name");
    expect_error(ctx, "GET", "/api/crit?sr=1&&ei=2", 400, "empty query parameter");
    expect_error(ctx, "GET", "/api/crit?sr=1&", 400, "empty query parameter");
    expect_error(ctx, "GET", "/api/table/crit_be?x=1", 400, "unknown parameter 'x'");
    cm_serve_response_t res;
    memset(&res, 0, sizeof res);
    assert_int_equal(ask(ctx, "GET", "/api/health?", &res), 200); /* an empty query */
    cm_serve_response_destroy(&res);
    expect_error(ctx, "GET", "/api/table/CRIT_BE", 400, "invalid table id");
    expect_error(ctx, "GET", "/api/table/crit%20be", 400, "invalid table id");
    /* accepted forms */
    json_t *a = crit(ctx, "/api/crit?sr=1.5e0&ei=%32%2e%38");
    ASSERT_NEAR(json_number_value(json_object_get(json_object_get(a, "thresholds"), "ei")), 2.8, 0,
                0);
    ASSERT_NEAR(json_number_value(json_object_get(json_object_get(a, "thresholds"), "sr")), 1.5, 0,
                0);
    json_decref(a);
    cm_serve_close(ctx);
}

static void test_methods(void **state)
{
    cm_serve_response_t get, head;
    (void)state;
    memset(&get, 0, sizeof get);
    memset(&head, 0, sizeof head);
    cm_serve_t *ctx = open_fixture(1);
    static const char *const refused[] = {"POST",  "PUT",     "DELETE", "PATCH", "OPTIONS",
                                          "TRACE", "CONNECT", "get",    ""};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        cm_serve_response_t res;
        memset(&res, 0, sizeof res);
        assert_int_equal(ask(ctx, refused[i], "/api/health", &res), 405);
        assert_string_equal(cm_serve_response_header(&res, "Allow"), "GET, HEAD");
        cm_serve_response_destroy(&res);
        expect_error(ctx, refused[i], "/api/table/crit_be", 405, "GET and HEAD");
    }
    /* HEAD answers as GET (the transport leaves the body out) */
    static const char *const urls[] = {"/", "/api/assessment", "/api/table/crit_be.csv",
                                       "/api/crit?sr=2", "/api/nope"};
    for (size_t i = 0; i < 5; i++) {
        int s1 = ask(ctx, "GET", urls[i], &get);
        int s2 = ask(ctx, "HEAD", urls[i], &head);
        assert_int_equal(s1, s2);
        assert_int_equal(get.body_len, head.body_len);
        assert_string_equal(get.content_type, head.content_type);
    }
    cm_serve_response_destroy(&get);
    cm_serve_response_destroy(&head);
    cm_serve_close(ctx);
}

static void test_traversal(void **state)
{
    (void)state;
    cm_serve_t *ctx = open_fixture(1);
    static const char *const urls[] = {
        "/../etc/passwd",
        "/assets/../../etc/passwd",
        "/assets/../index.html",
        "/%2e%2e/etc/passwd",
        "/%2E%2E/etc/passwd",
        "/assets/%2e%2e/%2e%2e/etc/passwd",
        "/assets/.%2e/index.html",
        "/assets/..%2findex.html",
        "/assets/%2findex.html",
        "/assets/..\\index.html",
        "/assets/%5c..%5cindex.html",
        "/assets/a\\b",
        "/assets/index.html%00.js",
        "/assets/%00",
        "//etc/passwd",
        "/assets//etc/passwd",
        "/assets/./index.html",
        "/api/table/./crit_be",
        "/api/table/..",
        "/%zz",
        "/assets/%4",
        "/assets/%",
        "/assets/\x01",
        "/assets/caf\xc3\xa9",
        "/assets/%c3%a9",
        "/assets/index.html/",
        "/api/health/",
    };
    for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++) {
        expect_error(ctx, "GET", urls[i], 400, "invalid path");
    }
    /* not absolute paths */
    expect_error(ctx, "GET", "etc/passwd", 400, "starting with '/'");
    expect_error(ctx, "GET", "http://example.org/", 400, "starting with '/'");
    expect_error(ctx, "GET", "", 400, "starting with '/'");
    expect_error(ctx, "GET", "*", 400, "starting with '/'");
    cm_serve_close(ctx);
}

static void test_oversized(void **state)
{
    char url[CM_SERVE_URL_MAX + 64];
    (void)state;
    cm_serve_t *ctx = open_fixture(1);
    /* exactly the limit: an ordinary unknown route; one byte more: 414 */
    memset(url, 'a', sizeof url);
    url[0] = '/';
    url[CM_SERVE_URL_MAX] = '\0';
    expect_error(ctx, "GET", url, 404, "no such route");
    url[CM_SERVE_URL_MAX] = 'a';
    url[CM_SERVE_URL_MAX + 1] = '\0';
    expect_error(ctx, "GET", url, 414, "longer than 2048");
    url[sizeof url - 1] = '\0';
    expect_error(ctx, "GET", url, 414, "longer than 2048");
    /* a parameter value over 128 bytes, more than 16 parameters */
    snprintf(url, sizeof url, "/api/crit?sr=%0130d", 1);
    expect_error(ctx, "GET", url, 400, "'sr': too long");
    expect_error(ctx, "GET", "/api/crit?a=1&a=1", 400, "parameter 'a' given twice");
    size_t len = (size_t)snprintf(url, sizeof url, "/api/crit?");
    for (int i = 0; i < 17; i++) {
        len += (size_t)snprintf(url + len, sizeof url - len, "%s%c%c=1", i ? "&" : "", 'a' + i % 26,
                                'a' + i / 26);
    }
    expect_error(ctx, "GET", url, 400, "more than 16");
    cm_serve_close(ctx);
}

static void test_unknown_routes(void **state)
{
    (void)state;
    cm_serve_t *ctx = open_fixture(1);
    static const char *const urls[] = {"/api",          "/api/tables",     "/api/table",
                                       "/favicon.ico",  "/api/crit/x",     "/api/table/a/b",
                                       "/api/HEALTH",   "/index.htm",      "/assets",
                                       "/api/material", "/api/datasets/1", "/etc/passwd"};
    for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++) {
        expect_error(ctx, "GET", urls[i], 404, NULL);
    }
    expect_error(ctx, "GET", "/assets/no-such.js", 404, "no dashboard file");
    cm_serve_close(ctx);
}

static void test_datasets(void **state)
{
    cm_serve_response_t res;
    (void)state;
    memset(&res, 0, sizeof res);
    cm_serve_t *ctx = open_fixture(1);
    assert_int_equal(ask(ctx, "GET", "/api/datasets", &res), 200);
    json_t *j = body_json(&res);
    assert_int_equal(json_array_size(j), 1);
    json_t *d = json_array_get(j, 0);
    static const char *const keys[] = {"id",      "kind",    "name", "publisher", "source",
                                       "licence", "version", "file", "sha256",    "imported_at"};
    for (size_t i = 0; i < 10; i++) {
        assert_non_null(json_object_get(d, keys[i]));
    }
    assert_int_equal(json_object_size(d), 10);
    assert_string_equal(json_string_value(json_object_get(d, "publisher")), "cambium tests");
    assert_string_equal(json_string_value(json_object_get(d, "licence")), "CC0-1.0");
    assert_string_equal(json_string_value(json_object_get(d, "imported_at")),
                        "2025-11-24T16:00:00Z");
    json_decref(j);
    cm_serve_response_destroy(&res);
    cm_serve_close(ctx);
}

static void test_assets(void **state)
{
    cm_serve_response_t res;
    char url[512];
    (void)state;
    memset(&res, 0, sizeof res);
    cm_serve_t *ctx = open_fixture(0);
    /* whatever files assets/dashboard/ holds are embedded, sorted, and served byte for byte */
    for (size_t i = 0; i < cm_i_serve_nassets; i++) {
        const cm_i_serve_asset_t *a = &cm_i_serve_assets[i];
        if (i > 0) {
            assert_true(strcmp(cm_i_serve_assets[i - 1].name, a->name) < 0);
        }
        snprintf(url, sizeof url, "/assets/%s", a->name);
        assert_int_equal(ask(ctx, "GET", url, &res), 200);
        assert_int_equal(res.body_len, a->len);
        assert_memory_equal(res.body, a->data, a->len);
        assert_string_equal(res.content_type, cm_i_serve_content_type(a->name));
        assert_string_equal(cm_serve_response_header(&res, "ETag"), a->etag);
        char hex[65];
        cm_sha256_buffer(a->data, a->len, hex);
        assert_int_equal(strncmp(a->etag + 1, hex, 32), 0);
    }
    const cm_i_serve_asset_t *index = cm_i_serve_asset_find("index.html");
    if (index != NULL) {
        assert_int_equal(ask(ctx, "GET", "/", &res), 200);
        assert_string_equal(res.content_type, "text/html; charset=utf-8");
        assert_int_equal(res.body_len, index->len);
        assert_int_equal(ask(ctx, "GET", "/index.html", &res), 200);
        assert_int_equal(res.body_len, index->len);
    }
    assert_string_equal(cm_i_serve_content_type("app.js"), "text/javascript; charset=utf-8");
    assert_string_equal(cm_i_serve_content_type("app.CSS"), "text/css; charset=utf-8");
    assert_string_equal(cm_i_serve_content_type("img/logo.svg"), "image/svg+xml");
    assert_string_equal(cm_i_serve_content_type("a.png"), "image/png");
    assert_string_equal(cm_i_serve_content_type("a.woff2"), "font/woff2");
    assert_string_equal(cm_i_serve_content_type("README"), "application/octet-stream");
    assert_string_equal(cm_i_serve_content_type("dir.js/file"), "application/octet-stream");
    assert_string_equal(cm_i_serve_content_type("x.exe"), "application/octet-stream");
    cm_serve_response_destroy(&res);
    cm_serve_close(ctx);
}

static void test_not_modified(void **state)
{
    cm_serve_response_t res;
    char inm[128];
    (void)state;
    memset(&res, 0, sizeof res);
    cm_serve_t *ctx = open_fixture(1);
    assert_int_equal(ask(ctx, "GET", "/api/table/crit_be", &res), 200);
    char etag[64];
    snprintf(etag, sizeof etag, "%s", cm_serve_response_header(&res, "ETag"));
    assert_int_equal(strlen(etag), 34);
    assert_int_equal(cm_serve_not_modified(&res, NULL), 0);
    assert_int_equal(cm_serve_not_modified(&res, "\"other\""), 0);
    assert_int_equal(res.status, 200);
    snprintf(inm, sizeof inm, "\"x\", W/%s", etag);
    assert_int_equal(cm_serve_not_modified(&res, inm), 1);
    assert_int_equal(res.status, 304);
    assert_int_equal(res.body_len, 0);
    assert_string_equal(cm_serve_response_header(&res, "ETag"), etag);
    /* the CSV has its own tag; "*" matches anything */
    assert_int_equal(ask(ctx, "GET", "/api/table/crit_be.csv", &res), 200);
    assert_string_not_equal(cm_serve_response_header(&res, "ETag"), etag);
    assert_int_equal(cm_serve_not_modified(&res, etag), 0);
    assert_int_equal(cm_serve_not_modified(&res, "*"), 1);
    /* answers without a tag (errors, /api/crit) are never 304 */
    assert_int_equal(ask(ctx, "GET", "/api/crit", &res), 200);
    assert_null(cm_serve_response_header(&res, "ETag"));
    assert_int_equal(cm_serve_not_modified(&res, "*"), 0);
    assert_int_equal(ask(ctx, "GET", "/nope", &res), 404);
    assert_int_equal(cm_serve_not_modified(&res, "*"), 0);
    assert_int_equal(res.status, 404);
    cm_serve_response_destroy(&res);
    cm_serve_close(ctx);
}

/* JSON escaping: a parameter echoed in an error stays a JSON string. */
static void test_json_escaping(void **state)
{
    cm_serve_response_t res;
    (void)state;
    memset(&res, 0, sizeof res);
    cm_serve_t *ctx = open_fixture(1);
    assert_int_equal(ask(ctx, "GET", "/api/%22%3cscript%3e", &res), 404);
    json_t *j = body_json(&res);
    assert_non_null(strstr(json_string_value(json_object_get(j, "error")), "\"<script>"));
    assert_non_null(strstr(res.body, "\\\"<script>")); /* the quote escaped in the body */
    json_decref(j);
    /* the table with quotes and a newline in its cells round-trips through JSON */
    assert_int_equal(ask(ctx, "GET", "/api/material/copper", &res), 200);
    j = body_json(&res);
    assert_non_null(strstr(res.body, "line1\\nline2"));
    json_decref(j);
    cm_serve_response_destroy(&res);
    cm_serve_close(ctx);
}

/* Every allocation of open and of each route fails in turn: the error comes back as CM_ENOMEM,
 * nothing leaks, and the loop ends with a success. */
/* /api/whatif: parameters checked before the store is asked; a store without the criticality
 * inputs answers 404; on the bundled Belgian data the answer is cm_crit_whatif_json's, byte for
 * byte, and an unknown material is a 400 naming it. */
static void test_whatif(void **state)
{
    (void)state;
    cm_serve_t *ctx = open_fixture(1);
    expect_error(ctx, "GET", "/api/whatif?country=COD&cut=50", 400, "material");
    expect_error(ctx, "GET", "/api/whatif?material=Co&country=COD&cut=50", 400, "material");
    expect_error(ctx, "GET", "/api/whatif?material=cobalt&country=cod&cut=50", 400, "country");
    expect_error(ctx, "GET", "/api/whatif?material=cobalt&country=CODX&cut=50", 400, "country");
    expect_error(ctx, "GET", "/api/whatif?material=cobalt&country=COD", 400, "cut");
    expect_error(ctx, "GET", "/api/whatif?material=cobalt&country=COD&cut=0", 400, "cut");
    expect_error(ctx, "GET", "/api/whatif?material=cobalt&country=COD&cut=100.5", 400, "cut");
    expect_error(ctx, "GET", "/api/whatif?material=cobalt&country=COD&cut=abc", 400, "cut");
    expect_error(ctx, "GET", "/api/whatif?material=cobalt&country=COD&cut=50&sr=-1", 400, "sr");
    expect_error(ctx, "GET", "/api/whatif?material=cobalt&country=COD&cut=50&who=1", 400, "who");
    /* the fixture store has an assessment but no criticality inputs */
    expect_error(ctx, "GET", "/api/whatif?material=cobalt&country=COD&cut=50", 404, NULL);
    cm_serve_close(ctx);

    char path[4096];
    cm_store_t *st = NULL;
    cm_error_info_t err;
    memset(&err, 0, sizeof err);
    snprintf(path, sizeof path, "%s/whatif-bundle.db", cm_test_tmpdir());
    unlink(path);
    CHECK_OK(cm_store_open(path, CM_STORE_CREATE, &st, &err), &err);
    CHECK_OK(cm_import_bundle(st, cm_test_source("data/belgium"), NULL, NULL, &err), &err);
    cm_crit_whatif_query_t q;
    memset(&q, 0, sizeof q);
    q.material = "cobalt";
    q.country = "COD";
    q.cut = 0.5;
    char *direct = NULL;
    CHECK_OK(cm_crit_whatif_json(st, &q, &direct, &err), &err);
    cm_store_close(st);

    ctx = NULL;
    CHECK_OK(cm_serve_open(path, &ctx, &err), &err);
    cm_serve_response_t res;
    memset(&res, 0, sizeof res);
    assert_int_equal(ask(ctx, "GET", "/api/whatif?material=cobalt&country=COD&cut=50", &res), 200);
    assert_string_equal(res.content_type, JSON_CT);
    assert_int_equal(res.body_len, strlen(direct));
    assert_memory_equal(res.body, direct, res.body_len);
    json_t *j = body_json(&res);
    double before = json_real_value(json_object_get(json_object_get(j, "before"), "sr_eu"));
    double after = json_real_value(json_object_get(json_object_get(j, "after"), "sr_eu"));
    assert_true(before > 0.0 && after > 0.0 && after != before);
    json_decref(j);
    cm_serve_response_destroy(&res);
    expect_error(ctx, "GET", "/api/whatif?material=unobtainium&country=COD&cut=50", 400,
                 "unobtainium");
    cm_serve_close(ctx);
    cm_free(direct);
}

static void test_alloc_failures(void **state)
{
    static const char *const urls[] = {"/api/crit?sr=2&ei=3", "/api/nope", "/api/crit?sr=x",
                                       "/api/table/crit_be",  "/%2e%2e/",  "/api/material/cobalt"};
    cm_error_info_t err;
    (void)state;
    const char *path = fixture_store("oom.db", 1);
    long base = cm_alloc_outstanding();
    int done = 0;
    for (long n = 0; !done && n < 100000; n++) {
        cm_serve_t *ctx = NULL;
        cm_serve_response_t res;
        cm_error_t rc;
        memset(&res, 0, sizeof res);
        memset(&err, 0, sizeof err);
        cm_test_fail_alloc_after(n);
        rc = cm_serve_open(path, &ctx, &err);
        for (size_t i = 0; rc == CM_OK && i < sizeof urls / sizeof urls[0]; i++) {
            rc = cm_serve_handle(ctx, "GET", urls[i], &res, &err);
            if (rc != CM_OK) {
                assert_int_equal(res.status, 0);
                assert_null(res.body);
            }
        }
        if (rc != CM_OK && rc != CM_ENOMEM) {
            char buf[2048];
            cm_error_format(&err, buf, sizeof buf);
            cm_test_fail_alloc_after(-1);
            fail_msg("after %ld allocations: %s (%s)", n, cm_strerror(rc), buf);
        }
        done = rc == CM_OK;
        cm_test_fail_alloc_after(-1);
        cm_serve_response_destroy(&res);
        cm_serve_close(ctx);
        assert_int_equal(cm_alloc_outstanding(), base);
        if (done) {
            print_message("open and %zu routes succeeded after %ld failed allocations\n",
                          sizeof urls / sizeof urls[0], n);
        }
    }
    assert_true(done);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CM_TEST(test_open_errors),
        CM_TEST(test_open_bad_assessment),
        CM_TEST(test_runs),
        CM_TEST(test_runs_not_integer),
        CM_TEST(test_no_assessment),
        CM_TEST(test_assessment_and_tables),
        CM_TEST(test_csv),
        CM_TEST(test_figures),
        CM_TEST(test_materials),
        CM_TEST(test_crit_thresholds),
        CM_TEST(test_parameters),
        CM_TEST(test_methods),
        CM_TEST(test_traversal),
        CM_TEST(test_oversized),
        CM_TEST(test_unknown_routes),
        CM_TEST(test_datasets),
        CM_TEST(test_assets),
        CM_TEST(test_not_modified),
        CM_TEST(test_json_escaping),
        CM_TEST(test_whatif),
        CM_TEST(test_alloc_failures),
    };
    cm_json_init();
    return CM_RUN_TESTS(tests);
}

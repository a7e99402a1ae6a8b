/* The store the dashboard server tests run on: tests/data/serve/ put into a fresh store through
 * cm_store_result_put, as `cambium assess` does (docs/dashboard-contract.md section 1). Included
 * by test_serve.c and test_serve_http.c. */
#ifndef CAMBIUM_TEST_SERVE_FIXTURE_H
#define CAMBIUM_TEST_SERVE_FIXTURE_H

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cambium/cambium.h"
#include "cm_test.h"

#define FIXTURE_SHA_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define FIXTURE_SHA_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

/* The canonical text of tests/data/serve/<name>.json (free with cm_free). */
static char *fixture_text(const char *name)
{
    char rel[256];
    json_t *j = NULL;
    char *text = NULL;
    cm_error_info_t err;
    memset(&err, 0, sizeof err);
    snprintf(rel, sizeof rel, "tests/data/serve/%s.json", name);
    CHECK_OK(cm_json_load_file(cm_test_source(rel), &j, &err), &err);
    CHECK_OK(cm_json_dump_canonical(j, &text, &err), &err);
    json_decref(j);
    return text;
}

static void fixture_put(cm_store_t *st, const char *analysis, const char *params, const char *sha,
                        const char *name)
{
    cm_error_info_t err;
    const char *inputs[1] = {sha};
    char *text = fixture_text(name);
    memset(&err, 0, sizeof err);
    CHECK_OK(cm_store_result_put(st, analysis, params, 1, inputs, text, NULL, NULL, &err), &err);
    cm_free(text);
}

static void fixture_table(cm_store_t *st, const char *recipe, const char *table, const char *sha,
                          const char *name)
{
    char params[128];
    snprintf(params, sizeof params, "{\"recipe\":\"%s\",\"table\":\"%s\"}", recipe, table);
    fixture_put(st, "assess/table", params, sha, name);
}

/* A store at <tmpdir>/<file>: with assessment non-zero, the assessment of recipe "test" and its
 * tables (after an older assessment and an older crit_be), and one dataset. Returns the path
 * (static buffer). */
static const char *fixture_store(const char *file, int assessment)
{
    static char path[4096];
    cm_store_t *st = NULL;
    cm_store_import_t *imp = NULL;
    cm_error_info_t err;
    cm_provenance_t prov = {
        "tidy",          "Serve fixture",
        "cambium tests", "tests/data/serve",
        "CC0-1.0",       "1",
        "fixture.csv",   "1111111111111111111111111111111111111111111111111111111111111111"};
    memset(&err, 0, sizeof err);
    snprintf(path, sizeof path, "%s/%s", cm_test_tmpdir(), file);
    unlink(path);
    cm_store_set_clock(1764000000);
    CHECK_OK(cm_store_open(path, CM_STORE_CREATE, &st, &err), &err);
    if (assessment) {
        CHECK_OK(cm_store_import_begin(st, &prov, &imp, &err), &err);
        CHECK_OK(cm_store_import_commit(imp, &err), &err);
        fixture_put(st, "assess/index", "{\"recipe\":\"old\"}", FIXTURE_SHA_A, "old_assessment");
        fixture_table(st, "old", "crit_be", FIXTURE_SHA_A, "crit_be_old");
        fixture_table(st, "test", "crit_be", FIXTURE_SHA_A, "crit_be_old");
        fixture_table(st, "test", "crit_be", FIXTURE_SHA_B, "crit_be");
        fixture_table(st, "test", "crit_eu", FIXTURE_SHA_B, "crit_eu");
        fixture_table(st, "test", "supply_chains", FIXTURE_SHA_B, "supply_chains");
        fixture_table(st, "test", "trade_alerts", FIXTURE_SHA_B, "trade_alerts");
        fixture_table(st, "test", "broken", FIXTURE_SHA_B, "broken");
        fixture_put(st, "assess/index", "{\"recipe\":\"test\"}", FIXTURE_SHA_B, "assessment");
    }
    cm_store_close(st);
    cm_store_set_clock(-1);
    return path;
}

#endif

/* bench/serve fixture: put an assessment and its table objects into a store as `cambium assess`
 * does (docs/dashboard-contract.md section 1), for benchmarking `cambium serve` before the
 * assess verb exists. A client of the public API only.
 *   fixture STORE ASSESSMENT.json TABLE.json...
 * Each table's id is its "id" member; the inputs of each result are the SHA-256 of its file. */
#include <stdio.h>
#include <string.h>

#include <cambium/cambium.h>

static int put(cm_store_t *st, const char *analysis, const char *params, const char *file)
{
    cm_error_info_t err;
    json_t *j = NULL;
    char *text = NULL;
    char sha[65];
    const char *inputs[1] = {sha};
    cm_error_t rc;
    memset(&err, 0, sizeof err);
    rc = cm_json_load_file(file, &j, &err);
    if (rc == CM_OK) {
        rc = cm_sha256_file(file, sha, &err);
    }
    if (rc == CM_OK) {
        rc = cm_json_dump_canonical(j, &text, &err);
    }
    if (rc == CM_OK) {
        rc = cm_store_result_put(st, analysis, params, 1, inputs, text, NULL, NULL, &err);
    }
    if (rc != CM_OK) {
        fprintf(stderr, "fixture: %s: %s\n", file, err.message);
    }
    cm_free(text);
    json_decref(j);
    return rc == CM_OK ? 0 : 1;
}

int main(int argc, char **argv)
{
    cm_store_t *st = NULL;
    cm_error_info_t err;
    json_t *index = NULL;
    char params[512];
    int bad = 0;
    memset(&err, 0, sizeof err);
    if (argc < 3) {
        fprintf(stderr, "usage: fixture STORE ASSESSMENT.json TABLE.json...\n");
        return 2;
    }
    cm_json_init();
    if (cm_json_load_file(argv[2], &index, &err) != CM_OK ||
        json_string_value(json_object_get(index, "recipe")) == NULL) {
        fprintf(stderr, "fixture: %s: not an assessment with a recipe %s\n", argv[2], err.message);
        json_decref(index);
        return 1;
    }
    const char *recipe = json_string_value(json_object_get(index, "recipe"));
    if (cm_store_open(argv[1], CM_STORE_CREATE, &st, &err) != CM_OK) {
        fprintf(stderr, "fixture: %s: %s\n", argv[1], err.message);
        json_decref(index);
        return 1;
    }
    for (int i = 3; i < argc && !bad; i++) {
        json_t *t = NULL;
        if (cm_json_load_file(argv[i], &t, &err) != CM_OK ||
            json_string_value(json_object_get(t, "id")) == NULL) {
            fprintf(stderr, "fixture: %s: not a table object with an id\n", argv[i]);
            bad = 1;
        } else {
            snprintf(params, sizeof params, "{\"recipe\":\"%s\",\"table\":\"%s\"}", recipe,
                     json_string_value(json_object_get(t, "id")));
            bad = put(st, "assess/table", params, argv[i]);
        }
        json_decref(t);
    }
    snprintf(params, sizeof params, "{\"recipe\":\"%s\"}", recipe);
    bad = bad || put(st, "assess/index", params, argv[2]);
    cm_store_close(st);
    json_decref(index);
    return bad;
}

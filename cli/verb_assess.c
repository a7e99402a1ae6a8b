/* cambium assess --recipe FILE [--store DB] --out DIR [--quiet]: one command from public data
 * to a report (docs/assess.md). The recipe is read and checked first (nothing is touched when
 * it is wrong); the datasets missing from the store are imported; each analysis runs as a child
 * process (cli/assess_run.c); every table and the assessment are stored (contract section 1)
 * and written as DIR/tables/<id>.csv|json, DIR/assessment.json, DIR/index.html and
 * DIR/assessment.xlsx; a summary goes to stdout. */
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "assess.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: cambium assess --recipe FILE [--store DB] --out DIR [--quiet]\n"
            "\n"
            "Run a national assessment from a recipe (data/belgium/belgium.recipe): import the\n"
            "datasets missing from the store (a file whose SHA-256 is there is not imported\n"
            "again), run each analysis (this binary as a child process, its output in\n"
            "DIR/logs/), store every table with the SHA-256 of its inputs, and write the report:\n"
            "DIR/index.html (self-contained), DIR/tables/<id>.csv and .json, DIR/assessment.xlsx,\n"
            "DIR/assessment.json. An analysis without its data is an absent section; a failing\n"
            "one a failed section (exit 1 at the end, the rest still written). docs/assess.md.\n"
            "\n"
            "options:\n"
            "  --recipe FILE   the recipe\n"
            "  --store DB      the store (default $CAMBIUM_STORE or cambium.db; created)\n"
            "  --out DIR       the report directory (created)\n"
            "  --quiet         no progress on stderr\n"
            "  -h, --help      print this help\n"
            "\n"
            "Exit codes: 0 success, 1 a bad recipe, an import or an analysis failed, 2 usage error.\n");
}

static cm_error_t on_bundle(const char *name, const cm_import_report_t *rep, void *user_data)
{
    const int *quiet = user_data;
    if (!*quiet) {
        fprintf(stderr, "  %s: %s dataset %lld\n", name,
                rep->skipped ? "already in the store as" : "imported as",
                (long long)rep->dataset_id);
    }
    return CM_OK;
}

static cm_error_t import_all(const as_recipe_t *r, const char *store_path, int quiet,
                             cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_store_t *store = NULL;
    CM_TRY(cm_store_open(store_path, CM_STORE_CREATE, &store, err));
    for (size_t i = 0; i < r->ndatasets; i++) {
        const as_dataset_t *d = &r->datasets[i];
        if (!quiet) {
            fprintf(stderr, "import %s (%s)\n", d->id, d->bundle ? "bundle" : d->kind);
        }
        if (d->bundle) {
            CM_TRY(cm_import_bundle(store, d->path, on_bundle, &quiet, err));
            continue;
        }
        cm_import_options_t opt;
        cm_import_report_t rep;
        memset(&opt, 0, sizeof opt);
        memset(&rep, 0, sizeof rep);
        opt.name = d->name;
        opt.version = d->version;
        opt.publisher = d->publisher;
        opt.source = d->source;
        opt.licence = d->licence;
        opt.scope = d->scope;
        opt.region = d->region;
        opt.period = d->period;
        opt.skip_existing = 1;
        rc = cm_import_file(store, d->kind, d->path, &opt, &rep, err);
        if (rc == CM_OK) {
            on_bundle(d->id, &rep, &quiet);
        }
        cm_import_report_destroy(&rep);
        if (rc != CM_OK) {
            goto cleanup;
        }
    }
cleanup:
    cm_store_close(store);
    return rc;
}

static json_t *dataset_json(const cm_dataset_info_t *d)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id",
                     (json_int_t)d->id, "kind", d->kind ? d->kind : "", "name",
                     d->name ? d->name : "", "publisher", d->publisher ? d->publisher : "",
                     "source", d->source ? d->source : "", "licence",
                     d->licence ? d->licence : "", "version", d->version ? d->version : "",
                     "file", d->file ? d->file : "", "sha256", d->sha256 ? d->sha256 : "",
                     "imported_at", d->imported_at ? d->imported_at : "");
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The input files of ctx->files as [{"path", "sha256", "used_by"}] sorted by path (NULL when
 * memory runs out). */
static json_t *files_json(const json_t *files)
{
    size_t n = json_object_size(files), k = 0;
    const char **keys = cm_calloc(n + 1, sizeof *keys);
    json_t *arr = json_array();
    const char *key;
    json_t *v;
    if (keys == NULL || arr == NULL) {
        cm_free(keys);
        json_decref(arr);
        return NULL;
    }
    json_object_foreach((json_t *)files, key, v) {
        keys[k++] = key;
    }
    qsort(keys, k, sizeof *keys, cmp_str);
    for (size_t i = 0; arr != NULL && i < k; i++) {
        const json_t *f = json_object_get(files, keys[i]);
        if (json_array_append_new(arr, json_pack("{s:s, s:O, s:O}", "path", keys[i], "sha256",
                                                 json_object_get(f, "sha256"), "used_by",
                                                 json_object_get(f, "used_by"))) != 0) {
            json_decref(arr);
            arr = NULL;
        }
    }
    cm_free(keys);
    return arr;
}

static void created_now(char *buf, size_t cap)
{
    time_t t = time(NULL);
    const char *env = getenv("CAMBIUM_NOW");
    if (env == NULL) {
        env = getenv("SOURCE_DATE_EPOCH");
    }
    if (env != NULL) {
        char *end = NULL;
        long long v = strtoll(env, &end, 10);
        if (end != env && *end == '\0' && v >= 0) {
            t = (time_t)v;
        }
    }
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static cm_error_t max_run_cb(int ncols, const char *const *names, const char *const *values,
                             void *user_data)
{
    long long *run = user_data;
    (void)names;
    if (ncols == 1 && values[0] != NULL) {
        char *end = NULL;
        long long v = strtoll(values[0], &end, 10);
        if (end != values[0] && v > *run) {
            *run = v;
        }
    }
    return CM_OK;
}

/* Store every table and the assessment (contract section 1). Each run of a recipe is a new set
 * of rows: params carry "run" (1 + the largest run of the recipe in the store), so the rows of
 * the newest run have the largest ids even when a run repeats an earlier one exactly (the
 * store replaces a row with the same key in place, keeping its id). */
static cm_error_t store_results(const as_ctx_t *c, const json_t *assessment, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_store_t *store = NULL;
    char *content = NULL, *params = NULL;
    const char **shas = NULL;
    char sql[512];
    long long run = 0;
    CM_TRY(cm_store_open(c->store, 0, &store, err));
    /* the recipe name is [a-z0-9_-] (checked when the recipe is read): safe inside the quotes */
    snprintf(sql, sizeof sql,
             "SELECT MAX(CAST(json_extract(params, '$.run') AS INTEGER)) FROM result "
             "WHERE analysis = 'assess/index' AND json_extract(params, '$.recipe') = '%s'",
             c->recipe->name);
    CM_TRY(cm_store_query(store, sql, max_run_cb, &run, err));
    run++;
    const char *id;
    json_t *t;
    json_object_foreach(c->tables, id, t) {
        json_t *p = json_pack("{s:s, s:I, s:s}", "recipe", c->recipe->name, "run",
                              (json_int_t)run, "table", id);
        const json_t *in = json_object_get(c->table_inputs, id);
        size_t n = json_array_size(in);
        CM_NOMEM(p, err);
        rc = cm_json_dump_canonical(p, &params, err);
        json_decref(p);
        if (rc != CM_OK) {
            goto cleanup;
        }
        CM_TRY(cm_json_dump_canonical(t, &content, err));
        shas = cm_calloc(n + 1, sizeof *shas);
        CM_NOMEM(shas, err);
        for (size_t i = 0; i < n; i++) {
            shas[i] = json_string_value(json_array_get(in, i));
        }
        CM_TRY(cm_store_result_put(store, "assess/table", params, n, shas, content, NULL, NULL,
                                   err));
        cm_free(shas);
        shas = NULL;
        cm_free(params);
        params = NULL;
        cm_free(content);
        content = NULL;
    }
    json_t *p = json_pack("{s:s, s:I}", "recipe", c->recipe->name, "run", (json_int_t)run);
    CM_NOMEM(p, err);
    rc = cm_json_dump_canonical(p, &params, err);
    json_decref(p);
    if (rc != CM_OK) {
        goto cleanup;
    }
    CM_TRY(cm_json_dump_canonical(assessment, &content, err));
    {
        const char *rs = c->recipe->sha256;
        CM_TRY(cm_store_result_put(store, "assess/index", params, 1, &rs, content, NULL, NULL,
                                   err));
    }
cleanup:
    cm_free(shas);
    cm_free(params);
    cm_free(content);
    cm_store_close(store);
    return rc;
}

static cm_error_t write_outputs(const as_ctx_t *c, const json_t *assessment, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/tables", c->out);
    CM_TRY(cm_cli_make_dir(path, err));
    const char *id;
    json_t *t;
    json_object_foreach(c->tables, id, t) {
        snprintf(path, sizeof path, "%s/tables/%s.csv", c->out, id);
        CM_TRY(cm_report_table_write_csv(t, path, err));
        snprintf(path, sizeof path, "%s/tables/%s.json", c->out, id);
        CM_TRY(cm_report_write_json(t, path, err));
    }
    snprintf(path, sizeof path, "%s/assessment.json", c->out);
    CM_TRY(cm_report_write_json(assessment, path, err));
    snprintf(path, sizeof path, "%s/assessment.xlsx", c->out);
    CM_TRY(cm_report_write_xlsx(assessment, c->tables, path, err));
    snprintf(path, sizeof path, "%s/index.html", c->out);
    CM_TRY(cm_report_write_html(assessment, c->tables, NULL, path, err));
cleanup:
    return rc;
}

static void print_summary(const as_ctx_t *c)
{
    size_t i;
    const json_t *s;
    printf("assessment '%s': ", c->recipe->name);
    json_array_foreach(c->sections, i, s) {
        printf("%s%s %s", i > 0 ? ", " : "", json_string_value(json_object_get(s, "id")),
               json_string_value(json_object_get(s, "status")));
    }
    printf("\n");
    json_array_foreach(c->sections, i, s) {
        size_t k;
        const json_t *line;
        json_array_foreach(json_object_get(s, "summary"), k, line) {
            printf("  %s\n", json_string_value(line));
        }
    }
    printf("report: %s/index.html (tables in %s/tables, workbook %s/assessment.xlsx)\n", c->out,
           c->out, c->out);
    printf("store: %s\n", c->store);
}

static int run(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"recipe", required_argument, NULL, 'r'}, {"store", required_argument, NULL, 's'},
        {"out", required_argument, NULL, 'o'},    {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
    const char *recipe_path = NULL, *store_opt = NULL, *out_opt = NULL;
    int quiet = 0, ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'r': recipe_path = optarg; break;
        case 's': store_opt = optarg; break;
        case 'o': out_opt = optarg; break;
        case 'q': quiet = 1; break;
        case 'h': usage(stdout); return CM_EXIT_OK;
        default: return cm_cli_getopt_fail("assess", ch, argv);
        }
    }
    if (optind < argc) {
        return cm_cli_usage_error("assess", "unexpected argument '%s'", argv[optind]);
    }
    if (recipe_path == NULL || out_opt == NULL) {
        return cm_cli_usage_error("assess", "--recipe FILE and --out DIR are required");
    }
    cm_error_info_t err;
    cm_error_clear(&err);
    cm_error_t rc = CM_OK;
    as_recipe_t recipe;
    as_ctx_t c;
    json_t *assessment = NULL;
    char store[PATH_MAX], out[PATH_MAX], exe[PATH_MAX], created[32];
    memset(&c, 0, sizeof c);
    memset(&recipe, 0, sizeof recipe);
    cm_json_init();
    rc = as_recipe_read(recipe_path, &recipe, &err);
    if (rc != CM_OK) {
        return cm_cli_fail(&err, rc);
    }
    /* absolute paths: the analyses run in the recipe's root directory */
    const char *sp = cm_cli_store_path(store_opt);
    char cwd[PATH_MAX / 2];
    snprintf(store, sizeof store, "%s", sp);
    if (sp[0] != '/' && getcwd(cwd, sizeof cwd) != NULL && strlen(sp) < sizeof store / 2 - 2) {
        snprintf(store, sizeof store, "%s/%.2040s", cwd, sp);
    }
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = '\0';
    if (!quiet) {
        fprintf(stderr, "assess '%s' (recipe %s, store %s)\n", recipe.name, recipe.path, store);
    }
    {
        char parent[PATH_MAX];
        snprintf(parent, sizeof parent, "%s", store);
        char *slash = strrchr(parent, '/');
        if (slash != NULL && slash != parent) {
            *slash = '\0';
            rc = cm_cli_make_dir(parent, &err);
        }
    }
    if (rc == CM_OK) {
        rc = import_all(&recipe, store, quiet, &err);
    }
    if (rc == CM_OK) {
        rc = cm_cli_make_dir(out_opt, &err);
    }
    if (rc == CM_OK && realpath(out_opt, out) == NULL) {
        rc = cm_error_set(&err, CM_EFILE, "cannot resolve '%s'", out_opt);
    }
    if (rc == CM_OK) {
        cm_store_t *st = NULL;
        rc = cm_store_open(store, CM_STORE_READONLY, &st, &err);
        if (rc == CM_OK) {
            rc = cm_store_datasets(st, &c.datasets, &err);
        }
        cm_store_close(st);
    }
    c.recipe = &recipe;
    c.store = store;
    c.out = out;
    c.exe = exe;
    c.quiet = quiet;
    c.tables = json_object();
    c.table_inputs = json_object();
    c.files = json_object();
    c.sections = json_array();
    if (rc == CM_OK && (c.tables == NULL || c.table_inputs == NULL || c.files == NULL ||
                        c.sections == NULL)) {
        rc = cm_error_set(&err, CM_ENOMEM, "out of memory");
    }
    if (rc == CM_OK) {
        rc = as_run_all(&c, &err);
    }
    if (rc == CM_OK) {
        json_t *ds = json_array();
        for (size_t i = 0; ds != NULL && i < c.datasets.n; i++) {
            json_array_append_new(ds, dataset_json(&c.datasets.items[i]));
        }
        json_t *files = files_json(c.files);
        created_now(created, sizeof created);
        assessment = json_pack("{s:s, s:s, s:s, s:s, s:s, s:O, s:o*, s:o*}", "recipe",
                               recipe.name, "title",
                               recipe.title != NULL ? recipe.title : recipe.name,
                               "recipe_sha256", recipe.sha256, "cambium_version",
                               cm_version_string(), "created", created, "sections", c.sections,
                               "datasets", ds, "files", files);
        if (assessment == NULL) {
            rc = cm_error_set(&err, CM_ENOMEM, "out of memory (assessment)");
        }
    }
    if (rc == CM_OK) {
        rc = store_results(&c, assessment, &err);
    }
    if (rc == CM_OK) {
        rc = write_outputs(&c, assessment, &err);
    }
    if (rc == CM_OK) {
        print_summary(&c);
    }
    int failed = c.failed;
    json_decref(assessment);
    json_decref(c.tables);
    json_decref(c.table_inputs);
    json_decref(c.files);
    json_decref(c.sections);
    cm_dataset_list_destroy(&c.datasets);
    as_recipe_destroy(&recipe);
    if (rc != CM_OK) {
        return cm_cli_fail(&err, rc);
    }
    if (failed > 0) {
        fprintf(stderr, "cambium: assess: %d analysis(es) failed (see the report and %s/logs)\n",
                failed, out);
        return CM_EXIT_WORK;
    }
    return CM_EXIT_OK;
}

const cm_cli_verb_t cm_cli_verb_assess = {
    "assess", "one command from public data to a report (recipe -> store, HTML, XLSX)", run};

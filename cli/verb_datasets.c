/* cambium datasets: list what the store holds, with its provenance (and SHA-256). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static void datasets_usage(FILE *out)
{
    fprintf(out,
            "usage: cambium datasets [--store DB] [--long] [--summary] [--json]\n"
            "\n"
            "List the datasets in the store with their provenance: id, importer kind, name,\n"
            "rows imported, import issues recorded, licence, SHA-256 of the imported file and\n"
            "the UTC time of the import.\n"
            "\n"
            "options:\n"
            "  --store DB    the store (default $CAMBIUM_STORE or cambium.db)\n"
            "  -l, --long    show the full SHA-256 (the table shows its first 12 digits) and the\n"
            "                publisher, source, version and file of each dataset\n"
            "  -s, --summary print the counts of what the store holds instead of the list\n"
            "  -j, --json    print JSON (datasets with full provenance, and the summary)\n"
            "  -h, --help    print this help\n"
            "\n"
            "Exit codes: 0 success, 1 no such store or the store cannot be read, 2 usage error.\n");
}

static const char *or_dash(const char *s)
{
    return (s != NULL && s[0] != '\0') ? s : "-";
}

static int width(int w, const char *s)
{
    int n = (int)strlen(or_dash(s));
    return n > w ? n : w;
}

static void print_issue_kinds(cm_store_t *store, int64_t id)
{
    cm_issue_counts_t ic = {0, NULL};
    cm_error_info_t err;
    memset(&err, 0, sizeof err);
    if (cm_store_issue_counts(store, id, &ic, &err) != CM_OK || ic.n == 0) {
        cm_issue_counts_destroy(&ic);
        return;
    }
    printf("      issues:");
    for (size_t k = 0; k < ic.n; k++) {
        printf("%s %s %lld", k > 0 ? "," : "", ic.items[k].kind, (long long)ic.items[k].count);
        if (ic.items[k].kept_aside > 0) {
            printf(" (%lld kept aside)", (long long)ic.items[k].kept_aside);
        }
    }
    printf("\n");
    cm_issue_counts_destroy(&ic);
}

static void print_table(cm_store_t *store, const cm_dataset_list_t *list, int long_form)
{
    int wk = 4, wn = 4, wl = 7;
    char sha[65];
    for (size_t i = 0; i < list->n; i++) {
        wk = width(wk, list->items[i].kind);
        wn = width(wn, list->items[i].name);
        wl = width(wl, list->items[i].licence);
    }
    if (wn > 40) {
        wn = 40;
    }
    int ws = long_form ? 64 : 12;
    printf("%4s  %-*s  %-*s  %10s  %6s  %-*s  %-*s  %s\n", "id", wk, "kind", wn, "name", "rows",
           "issues", wl, "licence", ws, "sha256", "imported_at");
    for (size_t i = 0; i < list->n; i++) {
        const cm_dataset_info_t *d = &list->items[i];
        snprintf(sha, sizeof sha, "%.*s", ws, or_dash(d->sha256));
        printf("%4lld  %-*s  %-*.*s  %10lld  %6lld  %-*s  %-*s  %s\n", (long long)d->id, wk,
               or_dash(d->kind), wn, wn, or_dash(d->name), (long long)d->rows,
               (long long)d->issues, wl, or_dash(d->licence), ws, sha, or_dash(d->imported_at));
        if (long_form) {
            printf("      publisher: %s\n      source: %s\n      version: %s\n      file: %s\n",
                   or_dash(d->publisher), or_dash(d->source), or_dash(d->version),
                   or_dash(d->file));
            print_issue_kinds(store, d->id);
        }
    }
}

static void print_summary(const char *path, int version, const cm_store_summary_t *s)
{
    printf("store: %s (schema version %d)\n", path, version);
    printf("datasets: %lld\n", (long long)s->datasets);
    printf("observations: %lld\n", (long long)s->observations);
    printf("import issues: %lld (%lld rows kept aside)\n", (long long)s->issues,
           (long long)s->quarantined);
    printf("bulk files: %lld\n", (long long)s->bulk_files);
    printf("results: %lld\n", (long long)s->results);
    printf("classifications: %lld (%lld codes, %lld aliases)\n", (long long)s->classifications,
           (long long)s->class_items, (long long)s->aliases);
    printf("concordance pairs: %lld\n", (long long)s->concordance_pairs);
}

static json_t *jstr(const char *s)
{
    return s != NULL ? json_string(s) : json_null();
}

static int set(json_t *obj, const char *key, json_t *value)
{
    return value == NULL || json_object_set_new(obj, key, value) != 0;
}

static json_t *issue_kinds_json(cm_store_t *store, int64_t id)
{
    cm_issue_counts_t ic = {0, NULL};
    cm_error_info_t err;
    json_t *o = json_object();
    memset(&err, 0, sizeof err);
    if (o == NULL || cm_store_issue_counts(store, id, &ic, &err) != CM_OK) {
        json_decref(o);
        cm_issue_counts_destroy(&ic);
        return NULL;
    }
    for (size_t k = 0; k < ic.n; k++) {
        json_t *e = json_object();
        /* attach first: jansson then frees e with o whatever fails next */
        if (e == NULL || json_object_set_new(o, ic.items[k].kind, e) != 0 ||
            set(e, "count", json_integer(ic.items[k].count)) ||
            set(e, "kept_aside", json_integer(ic.items[k].kept_aside))) {
            json_decref(o);
            o = NULL;
            break;
        }
    }
    cm_issue_counts_destroy(&ic);
    return o;
}

static int print_json(cm_store_t *store, const char *path, int version,
                      const cm_dataset_list_t *list, const cm_store_summary_t *s)
{
    int bad = 0;
    cm_json_init(); /* one allocator for every jansson block */
    json_t *root = json_object();
    json_t *arr = json_array();
    json_t *sum = json_object();
    if (root == NULL || arr == NULL || sum == NULL) {
        json_decref(root);
        json_decref(arr);
        json_decref(sum);
        return 1;
    }
    for (size_t i = 0; i < list->n && !bad; i++) {
        const cm_dataset_info_t *d = &list->items[i];
        json_t *o = json_object();
        if (o == NULL) {
            bad = 1;
            break;
        }
        bad |= set(o, "id", json_integer(d->id));
        bad |= set(o, "kind", jstr(d->kind));
        bad |= set(o, "name", jstr(d->name));
        bad |= set(o, "publisher", jstr(d->publisher));
        bad |= set(o, "source", jstr(d->source));
        bad |= set(o, "licence", jstr(d->licence));
        bad |= set(o, "version", jstr(d->version));
        bad |= set(o, "file", jstr(d->file));
        bad |= set(o, "sha256", jstr(d->sha256));
        bad |= set(o, "imported_at", jstr(d->imported_at));
        bad |= set(o, "rows", json_integer(d->rows));
        bad |= set(o, "issues", json_integer(d->issues));
        bad |= set(o, "issues_by_kind", issue_kinds_json(store, d->id));
        bad |= set(o, "bulk_files", json_integer(d->bulk_files));
        bad |= json_array_append_new(arr, o) != 0;
    }
    bad |= set(sum, "datasets", json_integer(s->datasets));
    bad |= set(sum, "observations", json_integer(s->observations));
    bad |= set(sum, "issues", json_integer(s->issues));
    bad |= set(sum, "kept_aside", json_integer(s->quarantined));
    bad |= set(sum, "bulk_files", json_integer(s->bulk_files));
    bad |= set(sum, "results", json_integer(s->results));
    bad |= set(sum, "classifications", json_integer(s->classifications));
    bad |= set(sum, "class_items", json_integer(s->class_items));
    bad |= set(sum, "aliases", json_integer(s->aliases));
    bad |= set(sum, "concordance_pairs", json_integer(s->concordance_pairs));
    bad |= set(root, "store", json_string(path));
    bad |= set(root, "schema_version", json_integer(version));
    bad |= json_object_set_new(root, "datasets", arr) != 0;
    bad |= json_object_set_new(root, "summary", sum) != 0;
    if (!bad) {
        bad = json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0;
        putchar('\n');
    }
    json_decref(root);
    return bad;
}

static int cm_cli_datasets(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"store", required_argument, NULL, 'S'}, {"long", no_argument, NULL, 'l'},
        {"summary", no_argument, NULL, 's'},     {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0},
    };
    const char *store_opt = NULL;
    int long_form = 0, summary = 0, json = 0, c;
    cm_error_info_t err;
    cm_store_t *store = NULL;
    cm_dataset_list_t list = {0, NULL};
    cm_store_summary_t sum;
    int status = CM_EXIT_OK;
    cm_error_t rc;

    memset(&err, 0, sizeof err);
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":lsjh", longopts, NULL)) != -1) {
        switch (c) {
        case 'S': store_opt = optarg; break;
        case 'l': long_form = 1; break;
        case 's': summary = 1; break;
        case 'j': json = 1; break;
        case 'h': datasets_usage(stdout); return CM_EXIT_OK;
        case ':': return cm_cli_usage_error("datasets", "option %s needs a value", argv[optind - 1]);
        default: return cm_cli_usage_error("datasets", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) {
        return cm_cli_usage_error("datasets", "unexpected argument '%s'", argv[optind]);
    }
    const char *path = cm_cli_store_path(store_opt);
    if (access(path, F_OK) != 0) {
        fprintf(stderr, "cambium: %s: no such store (run 'cambium import ...' first)\n", path);
        return CM_EXIT_WORK;
    }
    /* The file exists: CREATE only matters for an empty file, which becomes an empty store. */
    rc = cm_store_open(path, CM_STORE_CREATE, &store, &err);
    if (rc == CM_OK) {
        rc = cm_store_summary(store, &sum, &err);
    }
    if (rc == CM_OK && (!summary || json)) {
        rc = cm_store_datasets(store, &list, &err);
    }
    if (rc != CM_OK) {
        status = cm_cli_fail(&err, rc);
    } else if (json) {
        if (print_json(store, path, cm_store_schema_version(store), &list, &sum) != 0) {
            fprintf(stderr, "cambium: out of memory writing JSON\n");
            status = CM_EXIT_WORK;
        }
    } else if (summary) {
        print_summary(path, cm_store_schema_version(store), &sum);
    } else if (list.n == 0) {
        printf("no datasets in %s\n", path);
    } else {
        print_table(store, &list, long_form);
    }
    cm_dataset_list_destroy(&list);
    cm_store_close(store);
    return status;
}

const cm_cli_verb_t cm_cli_verb_datasets = {
    "datasets", "list the datasets in the store with their provenance", cm_cli_datasets};

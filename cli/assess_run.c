/* cambium assess: each analysis runs this same binary as a child process (posix_spawn of
 * /proc/self/exe, in the recipe's root directory, stdout and stderr to DIR/logs/<id>.txt), so
 * every verb keeps its one code path; the CSV and SVG files it writes become table objects
 * (docs/dashboard-contract.md section 1). */
#define _GNU_SOURCE /* posix_spawn_file_actions_addchdir_np (glibc 2.29) */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "assess.h"
#include "cambium/cm_file.h"

extern char **environ;

enum { K_MFA, K_CRIT_EU, K_CRIT_BE, K_CRIT_SENS, K_CRIT_MC, K_SUPPLY, K_FOOTPRINT, K_POINTERS,
       K_CARRIERS, K_WASTE, K_MMSA, K_PRIORITISE, K_COUNT };

typedef struct kind_t {
    const char *name;
    const char *keys;      /* allowed option keys, ", "-separated */
    const char *file_keys; /* those that name files */
    const char *num_keys;  /* those that take a whole number >= 0 */
    const char *section;
    const char *needs;     /* dataset kinds, any of ("|"-separated); NULL = none */
    const char *verb;      /* for the source line */
    /* files the verb reads besides the store ("|"-separated): relative to the recipe's root,
     * or to the data directory ($CAMBIUM_DATA, default <root>/data) when starting with '@' */
    const char *files;
} kind_t;

static const kind_t KINDS[K_COUNT] = {
    {"mfa", "geo, compare, from, to", "", "from, to", "mfa",
     "eurostat-tsv|eurostat-jsonstat|eurostat-sdmx-csv|unep-irp-mfa", "cambium mfa indicators",
     ""},
    {"crit-eu", "wgi-year", "", "wgi-year", "criticality", "eu-crm-results", "cambium crit eu",
     ""},
    {"crit-be", "wgi-year, wgi-fallback", "", "wgi-year", "criticality", "eu-crm-results",
     "cambium crit be", ""},
    /* the Belgian variant reads the trade-code table as `crit be` finds it (crit_common.c) */
    {"crit-sensitivity", "variant, wgi-year", "", "wgi-year", "criticality", "eu-crm-results",
     "cambium crit sensitivity", "@crit/hs6-materials.csv"},
    {"crit-mc", "variant, draws, seed, threads, wgi-year", "", "draws, seed, threads, wgi-year",
     "criticality", "eu-crm-results", "cambium crit mc", "@crit/hs6-materials.csv"},
    {"supply", "material, year, region", "", "year", "supply", "eu-crm-supply", "cambium supply",
     ""},
    {"footprint", "iot, region, extension", "iot", "", "footprint", NULL,
     "cambium mrio footprint --by-category", ""},
    {"trade-pointers", "declarant, wgi-year", "", "wgi-year", "trade", "baci",
     "cambium trade pointers", ""},
    {"trade-carriers", "year", "", "year", "trade", "baci", "cambium trade carriers",
     "@trade/compositions.csv"},
    {"trade-waste", "until", "", "until", "waste", NULL, "cambium trade waste",
     "data/weee/pom_be.csv|data/weee/lifetimes.csv|data/weee/collected_be.csv|"
     "data/weee/outliers.ini|data/weee/composition.csv"},
    {"mmsa", "model, draws, seed", "model", "draws, seed", "wind", NULL, "cambium mmsa run", ""},
    {"trade-prioritise", "top", "", "top", "priorities", NULL, "cambium trade prioritise",
     "@trade/priorities.ini|@trade/recycling.csv|@belgium/eu-crm-2023-results.csv|"
     "@belgium/baci-2022-belgium-crm-imports.csv|@belgium/baci-2024-belgium-crm-imports.csv"},
};

typedef struct section_t {
    const char *id, *title, *methods;
} section_t;

static const section_t SECTIONS[] = {
    {"mfa", "Economy-wide material flow accounts",
     "EW-MFA indicators (DE, IMP, EXP, DMI, DMC, PTB, RMC, circular material use rate and the "
     "ratios of docs/mfa.md) from the newest release of each published figure; derived "
     "indicators follow the Eurostat EW-MFA manual identities."},
    {"criticality", "Criticality: the EU method and the Belgian variant",
     "The EU 2023 criticality method (supply risk SR from WGI-weighted HHI of global and EU "
     "sourcing, economic importance EI from end-use value added) recomputed from its inputs, "
     "then with Belgian sourcing, import reliance and value added (docs/crit-belgium.md); the "
     "critical set over a grid of thresholds and, by Monte Carlo over the inputs, the "
     "probability of criticality (docs/crit-uncertainty.md)."},
    {"supply", "Supply chains of critical materials",
     "Per stage the producing countries with their global shares, HHI and WGI; Belgium's import "
     "partners by the stage's HS6 codes (BACI); the Belgian sectors using the material "
     "(docs/supply.md)."},
    {"footprint", "Footprints of Belgian final demand",
     "The extension of the Belgian input-output table embodied in each final-demand category "
     "(M y_k + F_Y; docs/mrio.md), from the OECD national IOT."},
    {"trade", "Trade early warnings and CRM carriers",
     "Trade pointers per product and year (concentration, high-risk share, jumps against the "
     "baseline) and the alerts ranked by severity with their evidence; the CRM content of "
     "Belgian imports by carrier product (docs/trade.md)."},
    {"waste", "WEEE and the urban mine",
     "Belgian WEEE generated from put on market with Weibull lifetimes beside the WEEE "
     "collected, and the critical-material content of the waste generated (docs/trade.md)."},
    {"wind", "The Belgian wind fleet: materials in stock and at end of life",
     "Material-stock-and-flow model of the wind fleet (docs/mmsa.md): stocks, end-of-life flows "
     "and recovery by material, with Monte Carlo bands over the material intensities."},
    {"priorities", "Recovery priorities",
     "Materials ranked for recovery on Belgian criticality, demand that secondary material "
     "could replace, recycling feasibility and the future urban mine (data/trade/"
     "priorities.ini weights)."},
};
#define NSECTIONS (sizeof SECTIONS / sizeof SECTIONS[0])

size_t as_analysis_count(void)
{
    return K_COUNT;
}

const char *as_analysis_name(size_t kind)
{
    return kind < K_COUNT ? KINDS[kind].name : NULL;
}

static int in_list(const char *list, const char *key)
{
    size_t n = strlen(key);
    for (const char *p = list; (p = strstr(p, key)) != NULL; p += n) {
        if ((p == list || p[-1] == ' ') && (p[n] == ',' || p[n] == '\0')) {
            return 1;
        }
    }
    return 0;
}

int as_analysis_is_number(size_t kind, const char *key)
{
    return kind < K_COUNT && in_list(KINDS[kind].num_keys, key);
}

int as_analysis_has_key(size_t kind, const char *key, int *is_file)
{
    *is_file = kind < K_COUNT && in_list(KINDS[kind].file_keys, key);
    return kind < K_COUNT && in_list(KINDS[kind].keys, key);
}

const char *as_analysis_keys(size_t kind)
{
    return kind < K_COUNT ? KINDS[kind].keys : "";
}

/* --- helpers ------------------------------------------------------------------------------ */

static char *path2(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = cm_malloc(n);
    if (p != NULL) {
        snprintf(p, n, "%s/%s", a, b);
    }
    return p;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The last non-empty line of the file (into msg). */
static void last_line(const char *path, char *msg, size_t cap)
{
    char *data = NULL;
    size_t len = 0;
    snprintf(msg, cap, "no message");
    if (cm_file_read_all(path, (size_t)64 << 20, &data, &len, NULL) != CM_OK) {
        return;
    }
    while (len > 0 && (data[len - 1] == '\n' || data[len - 1] == '\r' || data[len - 1] == ' ')) {
        len--;
    }
    data[len] = '\0';
    char *nl = strrchr(data, '\n');
    snprintf(msg, cap, "%s", nl != NULL ? nl + 1 : data);
    cm_free(data);
}

/* Run argv (argv[0] ignored: the binary is ctx->exe) in the recipe root with stdout and
 * stderr appended to log. Returns the exit status (-1 when it could not be started). */
static int spawn(const as_ctx_t *c, char **argv, const char *log)
{
    posix_spawn_file_actions_t fa;
    pid_t pid;
    int status = 0;
    int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) {
        return -1;
    }
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fd, 1);
    posix_spawn_file_actions_adddup2(&fa, fd, 2);
    posix_spawn_file_actions_addchdir_np(&fa, c->recipe->root);
    argv[0] = (char *)"cambium";
    int e = posix_spawn(&pid, c->exe, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fd);
    if (e != 0) {
        return -1;
    }
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            return -1;
        }
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

/* --- one analysis -------------------------------------------------------------------------- */

typedef struct run_t {
    as_ctx_t *c;
    const as_analysis_t *a;
    char *work;         /* DIR/raw/<name> */
    char *log;          /* DIR/logs/<name>.txt */
    json_t *inputs;     /* SHA-256 strings */
    char source[1024];
    char reason[1024];  /* absent / failed */
    int status;         /* 0 done, 1 absent, 2 failed */
} run_t;

static int has_kind(const char *needs, const char *kind)
{
    size_t n = strlen(kind);
    for (const char *p = needs; (p = strstr(p, kind)) != NULL; p += n) {
        if ((p == needs || p[-1] == '|') && (p[n] == '|' || p[n] == '\0')) {
            return 1;
        }
    }
    return 0;
}

/* Inputs and source from the store's datasets of the kinds needed; 0 when none is there. */
static int collect_inputs(run_t *r)
{
    const kind_t *k = &KINDS[r->a->kind];
    size_t used = 0;
    int n = snprintf(r->source, sizeof r->source, "%s", k->verb);
    if (k->needs != NULL) {
        for (size_t i = 0; i < r->c->datasets.n; i++) {
            const cm_dataset_info_t *d = &r->c->datasets.items[i];
            if (!has_kind(k->needs, d->kind)) {
                continue;
            }
            json_array_append_new(r->inputs, json_string(d->sha256));
            if (n >= 0 && (size_t)n < sizeof r->source) {
                n += snprintf(r->source + n, sizeof r->source - (size_t)n, "%s%lld",
                              used == 0 ? " on datasets " : ", ", (long long)d->id);
            }
            used++;
        }
        if (used == 0) {
            return 0;
        }
    }
    return 1;
}

/* Record an input file that is not a store dataset: its SHA-256 among the run's inputs and in
 * ctx->files under its path (relative to the recipe's root when inside it). A file that does
 * not exist is skipped (the verb then says what it misses). Returns 0 on success (or a
 * missing file), -1 when memory ran out. */
static int record_file(run_t *r, const char *path, int in_source)
{
    char hex[65];
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
        cm_sha256_file(path, hex, NULL) != CM_OK) {
        return 0;
    }
    const char *root = r->c->recipe->root;
    size_t nr = strlen(root);
    const char *shown = path;
    if (strncmp(path, root, nr) == 0 && path[nr] == '/') {
        shown = path + nr + 1;
    }
    json_t *f = json_object_get(r->c->files, shown);
    size_t j;
    const json_t *u;
    json_array_foreach(json_object_get(f, "used_by"), j, u) {
        if (strcmp(json_string_value(u), KINDS[r->a->kind].name) == 0) {
            return 0; /* already an input of this analysis */
        }
    }
    if (json_array_append_new(r->inputs, json_string(hex)) != 0) {
        return -1;
    }
    if (f == NULL) {
        f = json_pack("{s:s, s:[]}", "sha256", hex, "used_by");
        if (f == NULL || json_object_set_new(r->c->files, shown, f) != 0) {
            return -1;
        }
    }
    if (json_array_append_new(json_object_get(f, "used_by"),
                              json_string(KINDS[r->a->kind].name)) != 0) {
        return -1;
    }
    if (in_source) {
        size_t n = strlen(r->source);
        const char *base = strrchr(path, '/');
        snprintf(r->source + n, sizeof r->source - n, "%s%s", n > 0 ? " on " : "",
                 base != NULL ? base + 1 : path);
    }
    return 0;
}

/* The files a model refers to: every value of the model file that names an existing regular
 * file relative to the model's directory (the data/wind CSV files of models/wind-belgium.ini). */
static int record_model_files(run_t *r, const char *model)
{
    cm_kv_doc_t *doc = NULL;
    char dir[4096], buf[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", model);
    char *slash = strrchr(dir, '/');
    if (slash != NULL) {
        *slash = '\0';
    }
    if (cm_kv_read_file(model, &doc, NULL) != CM_OK) {
        return 0; /* the verb reports a broken model */
    }
    int bad = 0;
    for (size_t i = 0; !bad && i < cm_kv_nsections(doc); i++) {
        const cm_kv_section_t *s = cm_kv_section_at(doc, i);
        for (size_t k = 0; !bad && k < s->nentries; k++) {
            const char *v = s->entries[k].value;
            char *p = v[0] == '/' ? cm_strdup(v) : path2(dir, v);
            if (p == NULL) {
                bad = 1;
                break;
            }
            struct stat st;
            if (v[0] != '\0' && realpath(p, buf) != NULL &&
                stat(buf, &st) == 0 && S_ISREG(st.st_mode)) {
                bad = record_file(r, buf, 0) != 0;
            }
            cm_free(p);
        }
    }
    cm_kv_free(doc);
    return bad ? -1 : 0;
}

/* The files of the kind's list (KINDS[].files) and of its model or IOT. */
static int record_files(run_t *r)
{
    const kind_t *k = &KINDS[r->a->kind];
    const char *root = r->c->recipe->root;
    const char *env = getenv("CAMBIUM_DATA");
    char data[PATH_MAX / 2], rel[512], path[PATH_MAX];
    if (env != NULL && env[0] != '\0') {
        snprintf(data, sizeof data, "%s%s%.1900s", env[0] == '/' ? "" : root,
                 env[0] == '/' ? "" : "/", env);
    } else {
        snprintf(data, sizeof data, "%.1900s/data", root);
    }
    if (r->a->file != NULL) {
        if (record_file(r, r->a->file, 1) != 0) {
            return -1;
        }
        if (r->a->kind == K_MMSA && record_model_files(r, r->a->file) != 0) {
            return -1;
        }
    }
    if (r->a->kind == K_CRIT_SENS || r->a->kind == K_CRIT_MC) {
        const char *variant = "eu";
        for (size_t i = 0; i < r->a->nopts; i++) {
            if (strcmp(r->a->opts[i].key, "variant") == 0) {
                variant = r->a->opts[i].value;
            }
        }
        if (strcmp(variant, "be") != 0) {
            return 0;
        }
    }
    for (const char *p = k->files; *p != '\0';) {
        size_t n = strcspn(p, "|");
        snprintf(rel, sizeof rel, "%.*s", (int)(n < sizeof rel - 1 ? n : sizeof rel - 1), p);
        p += n + (p[n] == '|');
        if (rel[0] == '@') {
            snprintf(path, sizeof path, "%s/%s", data, rel + 1);
        } else {
            snprintf(path, sizeof path, "%.2000s/%s", root, rel);
        }
        char real[PATH_MAX];
        if (realpath(path, real) != NULL && record_file(r, real, 0) != 0) {
            return -1;
        }
    }
    return 0;
}

/* Run the verb with its recipe options; on failure r->status = 2 with the message. */
static int run_verb(run_t *r, const char *const *words, size_t nwords, int store, int out)
{
    char *argv[64];
    size_t n = 1;
    for (size_t i = 0; i < nwords && n < 40; i++) {
        argv[n++] = (char *)words[i];
    }
    if (store) {
        argv[n++] = (char *)"--store";
        argv[n++] = (char *)r->c->store;
    }
    char flags[16][40];
    for (size_t i = 0; i < r->a->nopts && i < 16; i++) {
        snprintf(flags[i], sizeof flags[i], "--%s", r->a->opts[i].key);
        argv[n++] = flags[i];
        argv[n++] = r->a->opts[i].value;
    }
    if (out) {
        argv[n++] = (char *)"--out";
        argv[n++] = r->work;
    }
    argv[n] = NULL;
    int st = spawn(r->c, argv, r->log);
    if (st != 0) {
        char msg[900];
        last_line(r->log, msg, sizeof msg);
        snprintf(r->reason, sizeof r->reason, "%s exited with status %d: %s",
                 KINDS[r->a->kind].verb, st, msg);
        r->status = 2;
        return 0;
    }
    return 1;
}

/* Read the SVG file (NULL when absent). */
static char *read_svg(const char *dir, const char *name)
{
    char *p = path2(dir, name);
    char *data = NULL;
    size_t len = 0;
    if (p != NULL) {
        if (cm_file_read_all(p, (size_t)64 << 20, &data, &len, NULL) != CM_OK) {
            data = NULL;
        }
    }
    cm_free(p);
    if (data != NULL) {
        char *s = strstr(data, "<svg");
        if (s == NULL) {
            cm_free(data);
            return NULL;
        }
        memmove(data, s, strlen(s) + 1);
    }
    return data;
}

/* Convert one output CSV of the run into table \p id (units: "column=unit;..." or NULL). */
static cm_error_t add_table_u(run_t *r, const char *id, const char *title, const char *csv,
                              const char *svg, const char *material_column,
                              const char *text_cols, const char *units, const char *note,
                              cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    json_t *t = NULL;
    char *path = csv[0] == '/' ? cm_strdup(csv) : path2(r->work, csv);
    char *fig = svg != NULL ? read_svg(r->work, svg) : NULL;
    CM_NOMEM(path, err);
    cm_report_table_spec_t spec;
    memset(&spec, 0, sizeof spec);
    spec.id = id;
    spec.section = KINDS[r->a->kind].section;
    spec.title = title;
    spec.material_column = material_column;
    spec.source = r->source;
    spec.note = note;
    spec.figure_svg = fig;
    spec.text_columns = text_cols;
    spec.units = units;
    CM_TRY(cm_report_table_from_csv(path, &spec, &t, err));
    if (json_object_set_new(r->c->tables, id, t) != 0 ||
        json_object_set(r->c->table_inputs, id, r->inputs) != 0) {
        t = NULL;
        CM_FAIL(cm_error_set(err, CM_ENOMEM, "out of memory"));
    }
    t = NULL;
cleanup:
    json_decref(t);
    cm_free(path);
    cm_free(fig);
    return rc;
}

static cm_error_t add_table(run_t *r, const char *id, const char *title, const char *csv,
                            const char *svg, const char *material_column, const char *text_cols,
                            const char *note, cm_error_info_t *err)
{
    return add_table_u(r, id, title, csv, svg, material_column, text_cols, NULL, note, err);
}

/* Keep the rows of table \p id whose column \p col is \p keep, or, when no row has that value,
 * those of the value of the first row. Returns the value kept (borrowed from the table) or NULL
 * when the column is absent; -1 in *nomem when memory ran out. */
static const char *filter_rows(as_ctx_t *c, const char *id, const char *col, const char *keep,
                               int *nomem)
{
    json_t *t = json_object_get(c->tables, id);
    json_t *rows = json_object_get(t, "rows"), *kept = json_array();
    size_t j, i;
    const json_t *cc, *row;
    int ci = -1;
    *nomem = kept == NULL;
    json_array_foreach(json_object_get(t, "columns"), j, cc) {
        if (strcmp(json_string_value(json_object_get(cc, "name")), col) == 0) {
            ci = (int)j;
        }
    }
    if (kept == NULL || ci < 0 || json_array_size(rows) == 0) {
        json_decref(kept);
        return NULL;
    }
    const char *value = NULL;
    json_array_foreach(rows, i, row) {
        const char *v = json_string_value(json_array_get(row, (size_t)ci));
        if (v != NULL && strcmp(v, keep) == 0) {
            value = v;
        }
    }
    if (value == NULL) {
        value = json_string_value(json_array_get(json_array_get(rows, 0), (size_t)ci));
    }
    json_array_foreach(rows, i, row) {
        const char *v = json_string_value(json_array_get(row, (size_t)ci));
        if (value != NULL && v != NULL && strcmp(v, value) == 0 &&
            json_array_append(kept, (json_t *)row) != 0) {
            *nomem = 1;
        }
    }
    value = value != NULL ? json_string_value(json_array_get(json_array_get(kept, 0), (size_t)ci))
                          : NULL;
    if (*nomem || json_object_set_new(t, "rows", kept) != 0) {
        *nomem = 1;
        return NULL;
    }
    return value;
}

/* Concatenate supply_<m><suffix>.csv of every material (same header) into \p name. */
static cm_error_t supply_csv(run_t *r, const char *suffix, const char *name_out,
                             cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    char *out = path2(r->work, name_out);
    FILE *f = NULL;
    CM_NOMEM(out, err);
    f = fopen(out, "w");
    if (f == NULL) {
        CM_FAIL(cm_error_set(err, CM_EFILE, "cannot write '%s'", out));
    }
    for (size_t i = 0; i < r->a->nmaterials; i++) {
        char name[300];
        char *data = NULL;
        size_t len = 0;
        snprintf(name, sizeof name, "supply_%s%s.csv", r->a->materials[i], suffix);
        char *p = path2(r->work, name);
        CM_NOMEM(p, err);
        rc = cm_file_read_all(p, (size_t)64 << 20, &data, &len, err);
        cm_free(p);
        if (rc != CM_OK) {
            goto cleanup;
        }
        char *body = data;
        if (i > 0) {
            char *nl = memchr(data, '\n', len);
            body = nl != NULL ? nl + 1 : data + len;
        }
        fwrite(body, 1, len - (size_t)(body - data), f);
        cm_free(data);
    }
cleanup:
    if (f != NULL && fclose(f) != 0 && rc == CM_OK) {
        rc = cm_error_set(err, CM_EFILE, "cannot write '%s'", out);
    }
    cm_free(out);
    return rc;
}

static cm_error_t run_one(run_t *r, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    as_ctx_t *c = r->c;
    const as_analysis_t *a = r->a;
    char prio_crit[4096], prio_um[4096];
    switch (a->kind) {
    case K_MFA: {
        const char *w[] = {"mfa", "indicators"};
        if (run_verb(r, w, 2, 1, 1)) {
            CM_TRY(add_table(r, "mfa_indicators", "EW-MFA indicators by year and material "
                             "category", "indicators.csv", "dmc.svg", NULL, NULL,
                             "Indicators in tonnes (ratios in 1, rates in %), each with its basis "
                             "(published with flag and dataset, or derived).", err));
        }
        break;
    }
    case K_CRIT_EU: {
        const char *w[] = {"crit", "eu"};
        if (run_verb(r, w, 2, 1, 1)) {
            CM_TRY(add_table(r, "crit_eu", "EU 2023 criticality recomputed beside the published "
                             "values", "eu_results.csv", "eu_sr_ei.svg", "material", NULL,
                             "SR and EI per material as computed from the EU inputs, the "
                             "published values beside them, and the critical class (SR >= 1 "
                             "and EI >= 2.8).", err));
            CM_TRY(add_table(r, "crit_stages", "EU criticality by supply-chain stage",
                             "eu_stages.csv", NULL, "material", NULL,
                             "The terms of the supply risk at each stage (HHI, WGI-weighted HHI, "
                             "import reliance, EoL-RIR, substitution).", err));
        }
        break;
    }
    case K_CRIT_BE: {
        const char *w[] = {"crit", "be"};
        if (run_verb(r, w, 2, 1, 1)) {
            CM_TRY(add_table(r, "crit_be", "Criticality for Belgium beside the EU",
                             "be_results.csv", "be_sr_ei.svg", "material", NULL,
                             "The Belgian variant (Belgian sourcing and import reliance from "
                             "BACI, EI from Belgian value added) beside the EU values, with what "
                             "moved each class.", err));
        }
        break;
    }
    case K_CRIT_SENS: {
        const char *w[] = {"crit", "sensitivity"};
        if (run_verb(r, w, 2, 1, 1)) {
            CM_TRY(add_table(r, "crit_sensitivity", "Critical classes over a grid of thresholds",
                             "sens_materials.csv", "sens_counts.svg", "material", NULL,
                             "Per material the number of (SR, EI) threshold pairs of the grid at "
                             "which it is critical, and whether its class depends on them.",
                             err));
        }
        break;
    }
    case K_CRIT_MC: {
        const char *w[] = {"crit", "mc"};
        if (run_verb(r, w, 2, 1, 1)) {
            CM_TRY(add_table(r, "crit_mc", "Probability of criticality (Monte Carlo)",
                             "mc_results.csv", "mc_pcritical.svg", "material", NULL,
                             "P(critical) and the 5/50/95 % quantiles of SR and EI over draws of "
                             "the uncertain inputs (fixed seed: reproducible).", err));
        }
        break;
    }
    case K_SUPPLY: {
        for (size_t i = 0; i < a->nmaterials && r->status == 0; i++) {
            const char *w[] = {"supply", a->materials[i]};
            run_verb(r, w, 2, 1, 1);
        }
        if (r->status == 0) {
            char svg[300];
            CM_TRY(supply_csv(r, "", "supply_chains.csv", err));
            CM_TRY(supply_csv(r, "_sectors", "supply_sectors.csv", err));
            snprintf(svg, sizeof svg, "supply_%s.svg", a->materials[0]);
            CM_TRY(add_table(r, "supply_chains", "Supply chains: producers by stage and "
                             "Belgium's partners", "supply_chains.csv", svg, "material", NULL,
                             "Rows per material, stage and country: producers with their global "
                             "share and WGI, and Belgium's import partners (the figure: the "
                             "first material's producer shares).", err));
            CM_TRY(add_table_u(r, "supply_sectors", "Belgian sectors that use the material",
                               "supply_sectors.csv", NULL, "material", "nace,iot_group",
                               "use_share=1;va_meur=EUR million;va_eu_meur=EUR million",
                               "Rows per material and application: the Belgian sector (NACE) "
                               "using the material (EU end-use shares, use_share) with its value "
                               "added in Belgium (va_meur, OECD IOT) and in the EU (va_eu_meur).",
                               err));
        }
        break;
    }
    case K_FOOTPRINT: {
        const char *w[] = {"mrio", "footprint", a->file, "--by-category"};
        if (run_verb(r, w, 4, 0, 1)) {
            CM_TRY(add_table(r, "footprint_categories", "Footprint of each final-demand "
                             "category", "footprint_categories.csv", NULL, NULL, NULL,
                             "The extension's stressors embodied in each category of final "
                             "demand, and their total.", err));
        }
        break;
    }
    case K_POINTERS: {
        const char *w[] = {"trade", "pointers"};
        if (run_verb(r, w, 2, 1, 1)) {
            CM_TRY(add_table(r, "trade_alerts", "Early-warning alerts, ranked", "alerts.csv",
                             NULL, NULL, "product",
                             "Alerts raised by the trade pointers, ranked by severity (measure "
                             "over threshold), with the evidence and the source rows.", err));
            CM_TRY(add_table(r, "trade_pointers", "Trade pointers per product and year",
                             "pointers.csv", NULL, NULL, "product",
                             "Concentration, high-risk share, top partner and changes against "
                             "the baseline per imported product and year.", err));
        }
        break;
    }
    case K_CARRIERS: {
        const char *w[] = {"trade", "carriers"};
        if (run_verb(r, w, 2, 1, 1)) {
            CM_TRY(add_table(r, "trade_carriers", "CRM carriers: material content of trade",
                             "carriers.csv", "carriers.svg", "material", "product",
                             "The critical-material content (kg) of Belgian imports and exports "
                             "per carrier product, from the product compositions.", err));
        }
        break;
    }
    case K_WASTE: {
        const char *w[] = {"trade", "waste"};
        if (run_verb(r, w, 2, 0, 1)) {
            CM_TRY(add_table(r, "waste_weee", "WEEE generated and collected", "waste.csv",
                             "waste.svg", NULL, NULL,
                             "WEEE generated (t) per category and year beside the WEEE "
                             "collected, the gap and the collection rate.", err));
            CM_TRY(add_table(r, "urban_mine", "The urban mine: material content of WEEE",
                             "urban_mine_by_material.csv", "urban_mine.svg", "material", NULL,
                             "Material content (t) of the WEEE generated per material and year, "
                             "with its range.", err));
        }
        break;
    }
    case K_MMSA: {
        const char *w[] = {"mmsa", "run", a->file};
        if (run_verb(r, w, 3, 0, 1)) {
            CM_TRY(add_table(r, "wind_flows", "Wind fleet: stocks and end-of-life flows",
                             "mmsa_flows.csv", "mmsa_eol.svg", NULL, NULL,
                             "Inflow, stock, end of life and recovery per year, lifetime "
                             "scenario, layer (components, materials) and item.", err));
            CM_TRY(add_table(r, "wind_bands", "Wind fleet: Monte Carlo bands",
                             "mmsa_bands.csv", "mmsa_stocks.svg", NULL, NULL,
                             "5/50/95 % bands of stocks and end-of-life flows over draws of the "
                             "material intensities.", err));
            CM_TRY(add_table_u(r, "wind_fleet", "Wind fleet by drivetrain: direct drive vs "
                               "gearbox", "fleet.csv", NULL, NULL, NULL,
                               "inflow_mw=MW;stock_mw=MW;eol_mw=MW",
                               "Installed (inflow_mw), in-stock (stock_mw) and end-of-life "
                               "(eol_mw) capacity per year and drivetrain technology for one "
                               "lifetime scenario: 25y, or the model's first when it has no "
                               "25y (fleet.csv of the run).", err));
            int nomem = 0;
            filter_rows(c, "wind_fleet", "scenario", "25y", &nomem);
            if (nomem) {
                CM_FAIL(cm_error_set(err, CM_ENOMEM, "out of memory (wind_fleet)"));
            }
        }
        break;
    }
    case K_PRIORITISE: {
        char *cb = path2(c->out, "raw/crit-be/be_results.csv");
        char *um = path2(c->out, "raw/trade-waste/urban_mine.csv");
        CM_NOMEM(cb, err);
        snprintf(prio_crit, sizeof prio_crit, "%s", cb);
        cm_free(cb);
        CM_NOMEM(um, err);
        snprintf(prio_um, sizeof prio_um, "%s", um);
        cm_free(um);
        if (json_object_get(c->tables, "crit_be") == NULL ||
            json_object_get(c->tables, "urban_mine") == NULL) {
            snprintf(r->reason, sizeof r->reason, "needs the analyses crit-be and trade-waste "
                     "of this run");
            r->status = 1;
            break;
        }
        json_array_extend(r->inputs, json_object_get(c->table_inputs, "crit_be"));
        json_array_extend(r->inputs, json_object_get(c->table_inputs, "urban_mine"));
        const char *w[] = {"trade", "prioritise", "--crit", prio_crit, "--urban-mine", prio_um};
        if (run_verb(r, w, 6, 0, 1)) {
            CM_TRY(add_table(r, "priorities", "Recovery priorities", "priorities.csv",
                             "priorities.svg", "material", NULL,
                             "Score per material: weight x normalised value of each criterion, "
                             "summed; missing criteria named, their weight moved to the "
                             "others.", err));
        }
        break;
    }
    default:
        break;
    }
cleanup:
    return rc;
}

/* --- sections ----------------------------------------------------------------------------- */

static int crit_flag(const json_t *row, size_t col)
{
    const json_t *v = json_array_get(row, col);
    return json_is_integer(v) && json_integer_value(v) == 1;
}

static int col_index(const json_t *t, const char *name)
{
    size_t j;
    const json_t *c;
    json_array_foreach(json_object_get(t, "columns"), j, c) {
        if (strcmp(json_string_value(json_object_get(c, "name")), name) == 0) {
            return (int)j;
        }
    }
    return -1;
}

static const char *cell_s(const json_t *row, int col, char *buf)
{
    if (col < 0) {
        return "";
    }
    const json_t *v = json_array_get(row, (size_t)col);
    if (json_is_string(v)) {
        return json_string_value(v);
    }
    if (json_is_number(v)) {
        snprintf(buf, 32, "%.4g", json_number_value(v));
        return buf;
    }
    return "";
}

/* Summary lines of a section (also printed at the end by verb_assess.c). */
static void summarise(as_ctx_t *c, const char *section, json_t *lines)
{
    char b1[32], b2[32], b3[32], line[4096];
    if (strcmp(section, "criticality") == 0) {
        const json_t *t = json_object_get(c->tables, "crit_be");
        int m = col_index(t, "material"), ce = col_index(t, "critical_eu"),
            cb = col_index(t, "critical_be");
        for (int pass = 0; t != NULL && m >= 0 && ce >= 0 && cb >= 0 && pass < 2; pass++) {
            size_t n = 0, len = 0, i;
            const json_t *row;
            line[0] = '\0';
            json_array_foreach(json_object_get(t, "rows"), i, row) {
                if (crit_flag(row, (size_t)(pass == 0 ? cb : ce))) {
                    n++;
                    if (len < sizeof line - 80) {
                        len += (size_t)snprintf(line + len, sizeof line - len, "%s%s",
                                                n > 1 ? ", " : "", cell_s(row, m, b1));
                    }
                }
            }
            char out[4200];
            snprintf(out, sizeof out, "critical for %s (%zu): %s",
                     pass == 0 ? "Belgium" : "the EU", n, line);
            json_array_append_new(lines, json_string(out));
        }
    } else if (strcmp(section, "trade") == 0) {
        const json_t *t = json_object_get(c->tables, "trade_alerts");
        int al = col_index(t, "alert"), pr = col_index(t, "product"), pe = col_index(t, "period"),
            sv = col_index(t, "severity"), ev = col_index(t, "evidence");
        size_t i;
        const json_t *row;
        json_array_foreach(json_object_get(t, "rows"), i, row) {
            if (i >= 5) {
                break;
            }
            snprintf(line, sizeof line, "alert %zu: %s %s %s (severity %s): %s", i + 1,
                     cell_s(row, al, b1), cell_s(row, pr, b2), cell_s(row, pe, b3),
                     cell_s(row, sv, b1 + 16), cell_s(row, ev, line + 3000));
            json_array_append_new(lines, json_string(line));
        }
    } else if (strcmp(section, "wind") == 0) {
        const json_t *t = json_object_get(c->tables, "wind_flows");
        int y = col_index(t, "year"), sc = col_index(t, "scenario"), la = col_index(t, "layer"),
            it = col_index(t, "item"), eol = col_index(t, "eol"), un = col_index(t, "unit");
        size_t i;
        const json_t *row;
        json_array_foreach(json_object_get(t, "rows"), i, row) {
            const char *item = cell_s(row, it, b1);
            double year = json_number_value(json_array_get(row, (size_t)(y < 0 ? 0 : y)));
            if (y < 0 || (year != 2030 && year != 2040) ||
                strcmp(cell_s(row, sc, b2), "25y") != 0 ||
                strcmp(cell_s(row, la, b3), "materials") != 0 ||
                (strcmp(item, "ndfeb") != 0 && strcmp(item, "steel") != 0)) {
                continue;
            }
            snprintf(line, sizeof line, "wind fleet end of life %.0f (25-year lifetime): %s "
                     "%.0f %s", year, item,
                     json_number_value(json_array_get(row, (size_t)(eol < 0 ? 0 : eol))),
                     cell_s(row, un, b2));
            json_array_append_new(lines, json_string(line));
        }
    } else if (strcmp(section, "priorities") == 0) {
        const json_t *t = json_object_get(c->tables, "priorities");
        int m = col_index(t, "material"), s = col_index(t, "score");
        size_t i, len = 0;
        const json_t *row;
        line[0] = '\0';
        json_array_foreach(json_object_get(t, "rows"), i, row) {
            if (i >= 5) {
                break;
            }
            len += (size_t)snprintf(line + len, sizeof line - len, "%s%s (%s)", i > 0 ? ", " : "",
                                    cell_s(row, m, b1), cell_s(row, s, b2));
        }
        if (len > 0) {
            char out[4200];
            snprintf(out, sizeof out, "top recovery priorities: %s", line);
            json_array_append_new(lines, json_string(out));
        }
    }
}

cm_error_t as_run_all(as_ctx_t *c, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    int status[K_COUNT];
    char *reasons[K_COUNT];
    memset(reasons, 0, sizeof reasons);
    char *raw = path2(c->out, "raw"), *logs = path2(c->out, "logs");
    CM_NOMEM(raw, err);
    CM_NOMEM(logs, err);
    CM_TRY(cm_cli_make_dir(raw, err));
    CM_TRY(cm_cli_make_dir(logs, err));
    c->nsteps = c->recipe->nanalyses;
    for (size_t k = 0; k < K_COUNT; k++) {
        status[k] = -1; /* not in the recipe */
    }
    /* run in the order of the kinds (prioritise after crit-be and trade-waste) */
    for (size_t k = 0; k < K_COUNT; k++) {
        const as_analysis_t *a = NULL;
        for (size_t i = 0; i < c->recipe->nanalyses; i++) {
            if (c->recipe->analyses[i].kind == (int)k) {
                a = &c->recipe->analyses[i];
            }
        }
        if (a == NULL) {
            continue;
        }
        run_t r;
        memset(&r, 0, sizeof r);
        r.c = c;
        r.a = a;
        r.inputs = json_array();
        r.work = path2(raw, KINDS[k].name);
        char logname[64];
        snprintf(logname, sizeof logname, "%s.txt", KINDS[k].name);
        r.log = path2(logs, logname);
        double t0 = now_s();
        c->step++;
        if (r.inputs == NULL || r.work == NULL || r.log == NULL) {
            rc = cm_error_set(err, CM_ENOMEM, "out of memory");
        } else {
            unlink(r.log);
            rc = cm_cli_make_dir(r.work, err);
        }
        if (rc == CM_OK) {
            if (!collect_inputs(&r)) {
                snprintf(r.reason, sizeof r.reason, "no dataset of kind %s in the store",
                         KINDS[k].needs);
                r.status = 1;
            } else {
                cm_error_info_t e2;
                cm_error_clear(&e2);
                cm_error_t rc2 = CM_OK;
                if (record_files(&r) != 0) {
                    rc2 = cm_error_set(&e2, CM_ENOMEM, "out of memory (input files)");
                } else {
                    rc2 = run_one(&r, &e2);
                }
                if (rc2 == CM_ENOMEM) {
                    rc = cm_error_set(err, CM_ENOMEM, "%s", e2.message);
                } else if (rc2 != CM_OK) {
                    char msg[900];
                    cm_error_format(&e2, msg, sizeof msg);
                    snprintf(r.reason, sizeof r.reason, "reading the output of %s: %s",
                             KINDS[k].verb, msg);
                    r.status = 2;
                }
            }
        }
        if (rc == CM_OK && !c->quiet) {
            fprintf(stderr, "[%zu/%zu] %s ... %.1f s%s%s\n", c->step, c->nsteps, KINDS[k].name,
                    now_s() - t0, r.status == 1 ? ": absent: " : r.status == 2 ? ": FAILED: " : "",
                    r.status != 0 ? r.reason : "");
        }
        status[k] = r.status;
        if (r.status != 0) {
            reasons[k] = cm_strdup(r.reason);
        }
        c->failed += r.status == 2;
        json_decref(r.inputs);
        cm_free(r.work);
        cm_free(r.log);
        if (rc != CM_OK) {
            break;
        }
    }
    for (size_t s = 0; rc == CM_OK && s < NSECTIONS; s++) {
        json_t *sec = json_pack("{s:s, s:s, s:s}", "id", SECTIONS[s].id, "title",
                                SECTIONS[s].title, "methods", SECTIONS[s].methods);
        json_t *tables = json_array(), *lines = json_array();
        char reason[4096] = "";
        int done = 0, failed = 0, absent = 0;
        size_t rl = 0;
        for (size_t k = 0; k < K_COUNT; k++) {
            if (strcmp(KINDS[k].section, SECTIONS[s].id) != 0) {
                continue;
            }
            const char *why = status[k] == -1 ? "not in the recipe" : reasons[k];
            if (status[k] == 0) {
                done++;
            } else {
                failed += status[k] == 2;
                absent += status[k] != 2;
                rl += (size_t)snprintf(reason + rl, rl < sizeof reason ? sizeof reason - rl : 0,
                                       "%s%s: %s", rl > 0 ? "; " : "", KINDS[k].name,
                                       why != NULL ? why : "");
                if (rl >= sizeof reason) {
                    rl = sizeof reason - 1;
                }
            }
        }
        const char *st = failed > 0 ? "failed" : done > 0 ? "done" : "absent";
        void *it;
        const char *key;
        json_t *value;
        json_object_foreach_safe(c->tables, it, key, value) {
            if (strcmp(json_string_value(json_object_get(value, "section")), SECTIONS[s].id) ==
                0) {
                json_array_append_new(tables, json_string(key));
            }
        }
        summarise(c, SECTIONS[s].id, lines);
        if (sec == NULL || tables == NULL || lines == NULL ||
            json_object_set_new(sec, "status", json_string(st)) != 0 ||
            json_object_set_new(sec, "tables", tables) != 0 ||
            json_object_set_new(sec, "summary", lines) != 0 ||
            (reason[0] != '\0' && json_object_set_new(sec, "reason", json_string(reason)) != 0) ||
            json_array_append_new(c->sections, sec) != 0) {
            rc = cm_error_set(err, CM_ENOMEM, "out of memory (sections)");
        }
        (void)absent;
    }
cleanup:
    for (size_t k = 0; k < K_COUNT; k++) {
        cm_free(reasons[k]);
    }
    cm_free(raw);
    cm_free(logs);
    return rc;
}

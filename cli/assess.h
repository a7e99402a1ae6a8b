/* cambium assess: the recipe (cli/assess_recipe.c), the analyses run as child processes
 * (cli/assess_run.c) and the orchestration (cli/verb_assess.c). docs/assess.md. */
#ifndef CAMBIUM_CLI_ASSESS_H
#define CAMBIUM_CLI_ASSESS_H

#include <stddef.h>

#include "cli.h"

/* A dataset (or a bundle directory) the recipe imports. Strings borrowed from the kv document,
 * except path (owned, absolute). */
typedef struct as_dataset_t {
    const char *id;   /* the section name */
    int bundle;       /* [bundle NAME]: path is a directory with bundle.ini */
    const char *kind; /* [dataset NAME]: importer kind */
    char *path;
    const char *name, *version, *publisher, *source, *licence, *scope, *region, *period;
} as_dataset_t;

/* One option of an analysis, passed to the verb as --key value (value owned when a path). */
typedef struct as_opt_t {
    const char *key;
    char *value;
} as_opt_t;

/* An analysis of the recipe ([analysis KIND]). */
typedef struct as_analysis_t {
    int kind;      /* index into the analysis table of assess_run.c */
    int64_t line;  /* of its section header */
    size_t nopts;
    as_opt_t *opts;
    size_t nmaterials; /* supply: the materials (repeated key material) */
    const char **materials;
    char *file;        /* footprint: the IOT; mmsa: the model (absolute) */
} as_analysis_t;

typedef struct as_recipe_t {
    cm_kv_doc_t *doc;
    char *path;     /* absolute */
    char *root;     /* absolute: the directory the analyses run in */
    const char *name, *title;
    char sha256[65];
    size_t ndatasets;
    as_dataset_t *datasets;
    size_t nanalyses;
    as_analysis_t *analyses;
} as_recipe_t;

/* Parse and check a recipe (every file it names must exist); errors at file:line:column. */
cm_error_t as_recipe_read(const char *path, as_recipe_t *r, cm_error_info_t *err);
void as_recipe_destroy(as_recipe_t *r);

/* The analysis kinds: name in the recipe, allowed option keys. */
size_t as_analysis_count(void);
const char *as_analysis_name(size_t kind);
/* Whether key is an option of the kind (a file option is resolved against the recipe). */
int as_analysis_has_key(size_t kind, const char *key, int *is_file);
/* Whether the key takes a whole number >= 0 (checked when the recipe is read). */
int as_analysis_is_number(size_t kind, const char *key);
/* "key1, key2" for messages. */
const char *as_analysis_keys(size_t kind);

/* Run state shared by the analyses. */
typedef struct as_ctx_t {
    const as_recipe_t *recipe;
    const char *store;   /* absolute */
    const char *out;     /* absolute output directory */
    const char *exe;     /* the binary run for each analysis */
    int quiet;
    json_t *tables;      /* id -> table object */
    json_t *table_inputs; /* id -> array of the SHA-256 of its inputs */
    json_t *files;       /* path -> {"sha256", "used_by": [analysis kinds]}: the input files
                            that are not store datasets (model, IOT, default data files) */
    json_t *sections;    /* array of section objects (in contract order) */
    cm_dataset_list_t datasets;
    size_t step, nsteps;
    int failed;
} as_ctx_t;

/* Run every section of the contract (done / absent / failed) and fill ctx->tables and
 * ctx->sections. Returns CM_OK unless memory or the output directory fails (an analysis that
 * fails is a failed section, counted in ctx->failed). */
cm_error_t as_run_all(as_ctx_t *ctx, cm_error_info_t *err);

#endif

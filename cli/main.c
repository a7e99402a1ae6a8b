/* cambium: the command-line front end. A client of the public API only. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const cm_cli_verb_t *const verbs[] = {
    &cm_cli_verb_datasets,
    &cm_cli_verb_import,
    &cm_cli_verb_crit,
    &cm_cli_verb_supply,
    &cm_cli_verb_mrio,
    &cm_cli_verb_dsm,
    &cm_cli_verb_mmsa,
    &cm_cli_verb_trade,
    &cm_cli_verb_mfa,
    &cm_cli_verb_reconcile,
    &cm_cli_verb_serve,
    &cm_cli_verb_assess,
    NULL,
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: cambium [--version] [--help] <verb> [options]\n"
            "\n"
            "Monitor a country's material system: flow accounts, criticality, stocks in use,\n"
            "trade-based early warnings, with the provenance of every figure.\n"
            "\n"
            "verbs:\n");
    for (size_t i = 0; verbs[i] != NULL; i++) {
        fprintf(out, "  %-10s %s\n", verbs[i]->name, verbs[i]->summary);
    }
    fprintf(out,
            "\n"
            "Run 'cambium <verb> --help' for a verb's options.\n"
            "Exit codes: 0 success, 1 the work failed (bad data, numerical failure), 2 usage error.\n");
}

int main(int argc, char **argv)
{
    cm_cli_init(argc > 0 ? argv[0] : "cambium");
    if (argc < 2) {
        usage(stderr);
        return CM_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return CM_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
        cm_cli_print_version(stdout);
        return CM_EXIT_OK;
    }
    for (size_t i = 0; verbs[i] != NULL; i++) {
        if (strcmp(argv[1], verbs[i]->name) == 0) {
            return verbs[i]->run(argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "cambium: unknown verb '%s' (expected one of:", argv[1]);
    for (size_t i = 0; verbs[i] != NULL; i++) {
        fprintf(stderr, " %s", verbs[i]->name);
    }
    fprintf(stderr, ")\nRun 'cambium --help' for usage.\n");
    return CM_EXIT_USAGE;
}

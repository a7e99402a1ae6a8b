/* cambium crit whatif: a supplier country's share of a material cut, the supply risk recomputed
 * for the EU and Belgium (cm_crit_whatif.h; docs/crit.md, "What if a supplier stops
 * exporting"). The readable answer is printed from the library's JSON, so both say the same. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"

static void whatif_usage(FILE *out)
{
    fprintf(out,
            "usage: cambium crit whatif --material M --country C --cut PERCENT [--store DB]\n"
            "                           [--sr-threshold X] [--ei-threshold Y] [--wgi-year Y]\n"
            "                           [--wgi-fallback V] [--json]\n"
            "\n"
            "What if a supplier stops exporting: cut country C's share of material M by\n"
            "PERCENT at every stage (extraction, processing) and scope (global supply, EU\n"
            "sourcing, Belgian sourcing) where C supplies M, the other suppliers' shares\n"
            "renormalised, and recompute the supply risk with the EU method and its Belgian\n"
            "variant. Prints SR before and after, the class change at the thresholds and the\n"
            "Belgian value added of the sectors that use M. Needs what `crit be` needs in the\n"
            "store (EU CRM inputs, WGI, Belgian trade flows, the OECD IOT of Belgium).\n"
            "\n"
            "options:\n"
            "  --material M        material code or alias (cobalt, Co)\n"
            "  --country C         supplier: ISO3 code or country name (COD)\n"
            "  --cut PERCENT       share of C's supply removed, 0 < PERCENT <= 100 (100 = C\n"
            "                      stops exporting)\n"
            "  --store DB          the store (default $CAMBIUM_STORE or cambium.db)\n"
            "  --sr-threshold X    supply-risk threshold (default 1.0)\n"
            "  --ei-threshold Y    economic-importance threshold (default 2.8)\n"
            "  --wgi-year Y        WGI year (default %d, as crit eu)\n"
            "  --wgi-fallback V    scaled WGI (0-10] for countries missing from the WGI\n"
            "                      (default: such a country is an error naming it)\n"
            "  --json              print the JSON answer (docs/dashboard-contract.md)\n"
            "  -h, --help          print this help\n"
            "\n"
            "Exit codes: 0 success, 1 unknown material or country, missing data, 2 usage\n"
            "error.\n",
            CM_CRIT_EU_WGI_YEAR);
}

static double num(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static const char *str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s != NULL ? s : "";
}

static const char *sr_text(double v, char *buf, size_t n)
{
    if (isnan(v)) {
        snprintf(buf, n, "-");
    } else {
        snprintf(buf, n, "%.2f", v);
    }
    return buf;
}

static const char *class_text(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    return json_is_true(v) ? "critical" : json_is_false(v) ? "not critical" : "undetermined";
}

static void print_answer(const json_t *a)
{
    const json_t *before = json_object_get(a, "before"), *after = json_object_get(a, "after");
    printf("What if %s's supply of %s (%s) is cut by %.4g %%\n", str(a, "country"),
           str(a, "material_name"), str(a, "material"), 100.0 * num(a, "cut"));
    printf("(EU method and its Belgian variant; thresholds SR %g, EI %g; the other suppliers' "
           "shares renormalised)\n\n",
           num(a, "sr_threshold"), num(a, "ei_threshold"));
    const json_t *changes = json_object_get(a, "changes");
    size_t i;
    const json_t *c;
    if (json_array_size(changes) == 0) {
        printf("changed: nothing (%s does not supply %s)\n", str(a, "country"), str(a, "material"));
    }
    json_array_foreach(changes, i, c)
    {
        printf("changed: %-10s %-16s %s %5.1f %% -> %5.1f %% (%.1f %% of the supply removed)%s\n",
               str(c, "stage"), str(c, "scope"), str(a, "country"), 100.0 * num(c, "share_before"),
               100.0 * num(c, "share_after"), 100.0 * num(c, "removed"),
               json_is_true(json_object_get(c, "emptied")) ? ": nothing left" : "");
    }
    static const char *const var[2][3] = {{"EU", "sr_eu", "ei_eu"}, {"Belgium", "sr_be", "ei_be"}};
    printf("\n%-8s %9s %9s %5s  %s\n", "", "SR before", "SR after", "EI", "class before -> after");
    for (int v = 0; v < 2; v++) {
        char b1[32], b2[32], b3[32] = "-";
        char ck[16];
        snprintf(ck, sizeof ck, "critical_%s", v == 0 ? "eu" : "be");
        double ei = num(before, var[v][2]);
        if (!isnan(ei)) {
            snprintf(b3, sizeof b3, "%.1f", cm_crit_round1(ei));
        }
        printf("%-8s %9s %9s %5s  %s -> %s\n", var[v][0], sr_text(num(before, var[v][1]), b1, 32),
               sr_text(num(after, var[v][1]), b2, 32), b3, class_text(before, ck),
               class_text(after, ck));
    }
    static const char *const lists[2][2] = {{"newly_critical", "becomes critical"},
                                            {"no_longer_critical", "no longer critical"}};
    int any = 0;
    for (int l = 0; l < 2; l++) {
        json_array_foreach(json_object_get(a, lists[l][0]), i, c)
        {
            printf("%s%s %s (%s)", any ? "; " : "\nclass changes: ", str(c, "material"),
                   lists[l][1], strcmp(str(c, "variant"), "eu") == 0 ? "EU" : "Belgium");
            any = 1;
        }
    }
    printf("%s\n", any ? "" : "\nclass changes: none");
    const json_t *va = json_object_get(a, "be_value_added_exposed");
    const json_t *sectors = json_object_get(va, "sectors");
    if (isnan(num(va, "value"))) {
        printf("\nBelgian value added of the sectors using %s: not computable (no end-use "
               "shares)\n",
               str(a, "material"));
    } else {
        printf("\nBelgian value added of the sectors using %s: %.1f %s in %zu sectors "
               "(use-share weighted %.1f; %.0f %% of the end uses without a Belgian sector)\n",
               str(a, "material"), num(va, "value"), str(va, "unit"), json_array_size(sectors),
               num(va, "weighted"), 100.0 * num(va, "unassigned_share"));
    }
    json_array_foreach(sectors, i, c)
    {
        printf("  %-8s %10.1f  use %5.1f %%\n", str(c, "nace"), num(c, "value"),
               100.0 * num(c, "use_share"));
    }
    printf("\nnotes:\n");
    json_array_foreach(json_object_get(a, "notes"), i, c)
    {
        printf("  - %s\n", json_string_value(c) != NULL ? json_string_value(c) : "");
    }
}

int cm_cli_crit_whatif(int argc, char **argv)
{
    static const struct option longopts[] = {{"store", required_argument, NULL, 's'},
                                             {"material", required_argument, NULL, 'm'},
                                             {"country", required_argument, NULL, 'c'},
                                             {"cut", required_argument, NULL, 'k'},
                                             {"sr-threshold", required_argument, NULL, 'r'},
                                             {"ei-threshold", required_argument, NULL, 'e'},
                                             {"wgi-year", required_argument, NULL, 'y'},
                                             {"wgi-fallback", required_argument, NULL, 'f'},
                                             {"json", no_argument, NULL, 'j'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *store_opt = NULL;
    int as_json = 0, have_cut = 0;
    cm_crit_whatif_query_t q;
    memset(&q, 0, sizeof q);
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        double v = 0.0;
        switch (c) {
        case 's':
            store_opt = optarg;
            break;
        case 'm':
            q.material = optarg;
            break;
        case 'c':
            q.country = optarg;
            break;
        case 'j':
            as_json = 1;
            break;
        case 'k': {
            char text[64];
            size_t n = strlen(optarg);
            snprintf(text, sizeof text, "%s", optarg);
            if (n > 0 && n < sizeof text && text[n - 1] == '%') {
                text[n - 1] = '\0';
            }
            if (!cm_cli_parse_real(text, &v) || !(v > 0.0 && v <= 100.0)) {
                return cm_cli_usage_error(
                    "crit whatif", "--cut: expected a percentage in (0, 100], got '%s'", optarg);
            }
            q.cut = v / 100.0;
            have_cut = 1;
            break;
        }
        case 'r':
            if (!cm_cli_parse_real(optarg, &v) || !(v > 0.0)) {
                return cm_cli_usage_error(
                    "crit whatif", "--sr-threshold: expected a positive number, got '%s'", optarg);
            }
            q.sr_threshold = v;
            break;
        case 'e':
            if (!cm_cli_parse_real(optarg, &v) || !(v > 0.0)) {
                return cm_cli_usage_error(
                    "crit whatif", "--ei-threshold: expected a positive number, got '%s'", optarg);
            }
            q.ei_threshold = v;
            break;
        case 'y':
            if (!cm_cli_parse_int(optarg, 1996, 2100, &q.wgi_year)) {
                return cm_cli_usage_error("crit whatif", "--wgi-year: expected a year, got '%s'",
                                          optarg);
            }
            break;
        case 'f':
            if (!cm_cli_parse_real(optarg, &v) || !(v > 0.0 && v <= 10.0)) {
                return cm_cli_usage_error(
                    "crit whatif", "--wgi-fallback: expected a scaled WGI in (0, 10], got '%s'",
                    optarg);
            }
            q.wgi_fallback = v;
            break;
        case 'h':
            whatif_usage(stdout);
            return CM_EXIT_OK;
        default:
            return cm_cli_getopt_fail("crit whatif", c, argv);
        }
    }
    if (optind < argc) {
        return cm_cli_usage_error("crit whatif", "unexpected argument '%s'", argv[optind]);
    }
    if (q.material == NULL || q.country == NULL || !have_cut) {
        return cm_cli_usage_error("crit whatif", "expected --material, --country and --cut");
    }
    cm_error_info_t err;
    memset(&err, 0, sizeof err);
    cm_store_t *store = NULL;
    char *text = NULL;
    json_t *answer = NULL;
    int status = CM_EXIT_OK;
    cm_error_t rc = cm_store_open(cm_cli_store_path(store_opt), CM_STORE_READONLY, &store, &err);
    if (rc == CM_OK) {
        rc = cm_crit_whatif_json(store, &q, &text, &err);
    }
    if (rc == CM_OK && as_json) {
        printf("%s\n", text);
    } else if (rc == CM_OK) {
        rc = cm_json_load_buffer(text, strlen(text), "what-if answer", &answer, &err);
        if (rc == CM_OK) {
            print_answer(answer);
        }
    }
    if (rc != CM_OK) {
        status = cm_cli_fail(&err, rc);
    }
    json_decref(answer);
    cm_free(text);
    cm_store_close(store);
    return status;
}

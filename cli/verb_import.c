/* cambium import: import a public dataset (or a bundle of them) into the store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static void import_usage(FILE *out)
{
    fprintf(out,
            "usage: cambium import <kind> <file> [options]\n"
            "       cambium import bundle <dir> [--store DB]\n"
            "\n"
            "Import one file into the store as one dataset, in one transaction: on any error the\n"
            "store is left unchanged. Quirks of the file (byte-order mark, Windows-1252 text,\n"
            "decimal commas, duplicated rows, statistical flags, unknown countries or materials)\n"
            "are counted and printed; rows with unknown codes are kept aside, not imported.\n"
            "'bundle' imports every dataset of <dir>/bundle.ini not yet in the store.\n"
            "\n"
            "kinds:\n"
            "  %-16s %s\n",
            "auto", "detect the kind from the header line");
    for (size_t i = 0; i < cm_import_kind_count(); i++) {
        fprintf(out, "  %-16s %s\n", cm_import_kind_name(i), cm_import_kind_summary(i));
    }
    fprintf(out,
            "\n"
            "options:\n"
            "  --store DB          the store (default $CAMBIUM_STORE or cambium.db)\n"
            "  --schema FILE       kind tidy: the schema describing the columns\n"
            "  --name TEXT         dataset name to record instead of the importer's\n"
            "  --version TEXT      edition to record instead of the importer's\n"
            "  --scope global|eu   kind eu-crm-supply: scope when the file name does not tell\n"
            "  --region CODE       kind iot-oecd: country when the file name does not tell\n"
            "  --period YEAR       kinds iot-oecd, baci, comtrade: year when neither a column\n"
            "                      nor the file name tells\n"
            "  --importer C        kind geopolrisk-trade: importing country when no column says\n"
            "  --encoding ENC      auto (default), utf-8 or windows-1252\n"
            "  --decimal-comma     numbers use ',' as the decimal separator\n"
            "  --separator C       field separator: ',', ';', 'tab' or '|'\n"
            "\n"
            "Exit codes: 0 imported (or already present), 1 bad data or I/O error (the message\n"
            "names file:line:column), 2 usage error.\n");
}

static void print_report(const char *kind, const char *path, const cm_import_report_t *r)
{
    if (r->skipped) {
        printf("skipped %s '%s': already imported as dataset %lld, sha256 %s\n", kind, path,
               (long long)r->dataset_id, r->sha256);
        return;
    }
    printf("imported %s '%s' as dataset %lld: %lld rows from %lld records, sha256 %s\n", kind,
           path, (long long)r->dataset_id, (long long)r->rows, (long long)r->records, r->sha256);
    for (size_t i = 0; i < r->nquirks; i++) {
        const cm_import_quirk_t *q = &r->quirks[i];
        if (q->kept_aside) {
            printf("  kept aside %s: %lld rows\n", q->kind, (long long)q->count);
        } else if (q->detail != NULL) {
            printf("  quirk %s '%s': %lld\n", q->kind, q->detail, (long long)q->count);
        } else {
            printf("  quirk %s: %lld\n", q->kind, (long long)q->count);
        }
    }
}

static cm_error_t bundle_cb(const char *name, const cm_import_report_t *report, void *user_data)
{
    (void)user_data;
    print_report(report->kind, name, report);
    return CM_OK;
}

static int parse_separator(const char *s, char *out)
{
    if (strcmp(s, "tab") == 0 || strcmp(s, "\\t") == 0 || strcmp(s, "\t") == 0) {
        *out = '\t';
        return 1;
    }
    if (strlen(s) == 1 && (s[0] == ',' || s[0] == ';' || s[0] == '|')) {
        *out = s[0];
        return 1;
    }
    return 0;
}

int cm_cli_import(int argc, char **argv);

int cm_cli_import(int argc, char **argv)
{
    cm_import_options_t opt;
    cm_import_report_t report;
    cm_error_info_t err;
    cm_store_t *store = NULL;
    const char *store_opt = NULL;
    const char *pos[2] = {NULL, NULL};
    size_t npos = 0;
    int status = CM_EXIT_OK;
    int created = 0;
    cm_error_t rc;

    memset(&opt, 0, sizeof opt);
    opt.progress = cm_cli_progress; /* shown only when stderr is a terminal */
    memset(&report, 0, sizeof report);
    memset(&err, 0, sizeof err);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            import_usage(stdout);
            return CM_EXIT_OK;
        }
        if (strcmp(a, "--decimal-comma") == 0) {
            opt.decimal_comma = 1;
            continue;
        }
        if (strncmp(a, "--", 2) == 0) {
            if (v == NULL) {
                return cm_cli_usage_error("import", "option %s needs a value", a);
            }
            i++;
            if (strcmp(a, "--store") == 0) {
                store_opt = v;
            } else if (strcmp(a, "--schema") == 0) {
                opt.schema = v;
            } else if (strcmp(a, "--name") == 0) {
                opt.name = v;
            } else if (strcmp(a, "--version") == 0) {
                opt.version = v;
            } else if (strcmp(a, "--scope") == 0) {
                if (strcmp(v, "global") != 0 && strcmp(v, "eu") != 0) {
                    return cm_cli_usage_error("import", "--scope: expected global or eu, got '%s'",
                                              v);
                }
                opt.scope = v;
            } else if (strcmp(a, "--region") == 0) {
                opt.region = v;
            } else if (strcmp(a, "--period") == 0) {
                opt.period = v;
            } else if (strcmp(a, "--importer") == 0) {
                opt.importer = v;
            } else if (strcmp(a, "--encoding") == 0) {
                if (strcmp(v, "auto") == 0) {
                    opt.encoding = CM_ENC_AUTO;
                } else if (strcmp(v, "utf-8") == 0 || strcmp(v, "utf8") == 0) {
                    opt.encoding = CM_ENC_UTF8;
                } else if (strcmp(v, "windows-1252") == 0 || strcmp(v, "cp1252") == 0) {
                    opt.encoding = CM_ENC_WINDOWS1252;
                } else {
                    return cm_cli_usage_error(
                        "import", "--encoding: expected auto, utf-8 or windows-1252, got '%s'", v);
                }
            } else if (strcmp(a, "--separator") == 0) {
                if (!parse_separator(v, &opt.separator)) {
                    return cm_cli_usage_error(
                        "import", "--separator: expected ',', ';', 'tab' or '|', got '%s'", v);
                }
            } else {
                return cm_cli_usage_error("import", "unknown option '%s'", a);
            }
            continue;
        }
        if (npos == 2) {
            return cm_cli_usage_error("import", "unexpected argument '%s'", a);
        }
        pos[npos++] = a;
    }
    if (npos < 2) {
        return cm_cli_usage_error("import", "expected a kind and a file (kinds: see --help)");
    }
    if (strcmp(pos[0], "bundle") != 0 && strcmp(pos[0], "auto") != 0) {
        size_t k = 0;
        while (k < cm_import_kind_count() && strcmp(cm_import_kind_name(k), pos[0]) != 0) {
            k++;
        }
        if (k == cm_import_kind_count()) {
            fprintf(stderr, "cambium import: unknown kind '%s' (expected one of: auto, bundle",
                    pos[0]);
            for (size_t i = 0; i < cm_import_kind_count(); i++) {
                fprintf(stderr, ", %s", cm_import_kind_name(i));
            }
            fprintf(stderr, ")\nRun 'cambium import --help' for usage.\n");
            return CM_EXIT_USAGE;
        }
    }
    if (strcmp(pos[0], "tidy") == 0 && opt.schema == NULL) {
        return cm_cli_usage_error("import", "kind tidy needs --schema FILE");
    }

    /* a store created by an import that fails is removed again: a failed import leaves
     * nothing behind */
    created = access(cm_cli_store_path(store_opt), F_OK) != 0;
    rc = cm_store_open(cm_cli_store_path(store_opt), CM_STORE_CREATE, &store, &err);
    if (rc != CM_OK) {
        return cm_cli_fail(&err, rc);
    }
    if (strcmp(pos[0], "bundle") == 0) {
        rc = cm_import_bundle(store, pos[1], bundle_cb, NULL, &err);
    } else {
        rc = cm_import_file(store, pos[0], pos[1], &opt, &report, &err);
        if (rc == CM_OK) {
            print_report(report.kind, pos[1], &report);
        }
    }
    if (rc != CM_OK) {
        status = cm_cli_fail(&err, rc);
        if (rc == CM_EINVAL && strcmp(pos[0], "bundle") != 0) {
            status = CM_EXIT_USAGE;
        }
    }
    cm_import_report_destroy(&report);
    cm_store_close(store);
    if (status != CM_EXIT_OK && created && rc != CM_OK) {
        const char *path = cm_cli_store_path(store_opt);
        cm_dataset_list_t list;
        cm_store_t *check = NULL;
        int empty = 0;
        memset(&list, 0, sizeof list);
        if (cm_store_open(path, CM_STORE_READONLY, &check, NULL) == CM_OK &&
            cm_store_datasets(check, &list, NULL) == CM_OK) {
            empty = list.n == 0;
        }
        cm_dataset_list_destroy(&list);
        cm_store_close(check);
        if (empty) {
            char side[4096];
            unlink(path);
            snprintf(side, sizeof side, "%s-journal", path);
            unlink(side);
        }
    }
    return status;
}

const cm_cli_verb_t cm_cli_verb_import = {
    "import",
    "import a dataset (WGI, EU CRM, USGS, WMD, tidy CSV) or a bundle",
    cm_cli_import,
};

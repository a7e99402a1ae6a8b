/* cambium supply <material>: the supply-chain map of one material (producers per stage with
 * HHI, WGI-weighted HHI and top three; Belgium's import partners; the Belgian sectors that use
 * the material with their value added). docs/supply.md. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static void supply_usage(FILE *out)
{
    fprintf(out,
            "usage: cambium supply <material> [--store DB] [--year Y] [--wgi-year Y]\n"
            "                      [--region ISO3] [--quantity] [--codes FILE] [--json]\n"
            "                      [--out DIR]\n"
            "\n"
            "Map the supply chain of one material: per stage (extraction, processing) the\n"
            "producing countries with their global supply shares (EU 2023 tables), HHI,\n"
            "WGI-weighted HHI and the top three producers' share; the import partners of\n"
            "Belgium (BACI, by the stage's HS6 codes) with their shares; and the Belgian\n"
            "sectors (NACE) that use the material (EU end-use shares) with their value added\n"
            "(OECD IOT): which Belgian value added depends on which concentrated supply.\n"
            "The material is a code or a name of the material classification (Co, cobalt,\n"
            "Cobalt).\n"
            "\n"
            "options:\n"
            "  --store DB      the store (default $CAMBIUM_STORE or cambium.db)\n"
            "  --year Y        year of the import data (default: the latest in the store)\n"
            "  --wgi-year Y    WGI year (default %d, else the latest in the store)\n"
            "  --region ISO3   the importing country (default BEL)\n"
            "  --quantity      import quantities (t) instead of values (USD)\n"
            "  --codes FILE    trade code -> material x stage table of 'crit be' (default:\n"
            "                  the built-in data/crit/hs6-materials.csv, docs/supply.md)\n"
            "  --json          print the map as JSON instead of text\n"
            "  --out DIR       write supply_<material>.csv, supply_<material>_sectors.csv,\n"
            "                  supply_<material>.json and supply_<material>.svg (producer\n"
            "                  shares per stage) to DIR (created if missing)\n"
            "  -h, --help      print this help\n"
            "\n"
            "Exit codes: 0 success, 1 unknown material or missing data, 2 usage error.\n",
            CM_CRIT_EU_WGI_YEAR);
}

const cm_cli_verb_t cm_cli_verb_supply = {"supply", "supply-chain map of one material",
                                          cm_cli_supply};

/* --- close matches for an unknown material ----------------------------------------------- */

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63) {
        return 99;
    }
    size_t row[64];
    for (size_t j = 0; j <= lb; j++) {
        row[j] = j;
    }
    for (size_t i = 1; i <= la; i++) {
        size_t prev = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cur = row[j];
            size_t cost = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]) ? 0 : 1;
            size_t best = prev + cost;
            if (row[j] + 1 < best) {
                best = row[j] + 1;
            }
            if (row[j - 1] + 1 < best) {
                best = row[j - 1] + 1;
            }
            row[j] = best;
            prev = cur;
        }
    }
    return row[lb];
}

static void unknown_material(const cm_class_t *mat, const char *text)
{
    fprintf(stderr, "cambium supply: unknown material '%s'", text);
    size_t limit = strlen(text) < 5 ? 1 : 2, shown = 0;
    for (size_t d = 0; d <= limit && shown < 5; d++) {
        for (size_t i = 0; i < cm_class_size(mat) && shown < 5; i++) {
            const char *code = cm_class_code(mat, i);
            if (edit_distance(text, code) == d) {
                fprintf(stderr, "%s%s", shown ? ", " : " (did you mean: ", code);
                shown++;
            }
        }
    }
    fprintf(stderr, "%s\n", shown ? "?)" : "");
}

/* --- text ------------------------------------------------------------------------------ */

static const char *pct(double v, char *buf, size_t n)
{
    if (isnan(v)) {
        snprintf(buf, n, "-");
    } else {
        snprintf(buf, n, "%.1f %%", 100.0 * v);
    }
    return buf;
}

static const char *fix(double v, int digits, char *buf, size_t n)
{
    if (isnan(v)) {
        snprintf(buf, n, "-");
    } else {
        snprintf(buf, n, "%.*f", digits, v);
    }
    return buf;
}

static void print_text(const cm_supply_map_t *m, const char *codes)
{
    char a[32], b[32], c[32], d[32];
    printf("%s (%s): supply map; WGI %d; imports of %s %s; value added %s %s\n", m->name,
           m->material, m->wgi_year, m->region,
           m->import_year > 0 ? fix(m->import_year, 0, a, sizeof a) : "(no data)", m->region,
           m->iot_year > 0 ? fix(m->iot_year, 0, b, sizeof b) : "(no IOT)");
    printf("HS6 codes of the imports: %s\n",
           codes != NULL ? codes : "built-in table (data/crit/hs6-materials.csv)");
    for (int s = 0; s < CM_CRIT_NSTAGES; s++) {
        const cm_supply_stage_t *st = &m->stage[s];
        printf("\n%s:", cm_crit_stage_name(s));
        if (!st->present) {
            printf(" no global supply shares\n");
            continue;
        }
        printf(" %zu producing countries (EU 2023 global supply shares)\n", st->n_producers);
        printf("  HHI %s  HHI_WGI %s (with t %s)  top three %s:", fix(st->conc.hhi, 3, a, sizeof a),
               fix(st->hhi_wgi, 2, b, sizeof b), fix(st->hhi_wgi_t, 2, c, sizeof c),
               pct(st->conc.top3, d, sizeof d));
        for (int k = 0; k < 3; k++) {
            printf(" %s", st->conc.top[k]);
        }
        printf("\n");
        if (st->wgi_missing > 0.0) {
            printf("  share of producers without a WGI value: %s\n", pct(st->wgi_missing, a, sizeof a));
        }
        printf("  %-8s %8s %6s\n", "country", "share", "WGI");
        for (size_t i = 0; i < st->n_producers; i++) {
            const cm_supply_producer_t *p = &st->producers[i];
            printf("  %-8s %8s %6s%s\n", p->country, pct(p->share, a, sizeof a),
                   fix(p->wgi_scaled, 2, b, sizeof b),
                   (p->flags & CM_CRIT_SHARE_LT) ? "  (upper bound)" : "");
        }
        printf("  %s imports", m->region);
        if (st->n_hs6 == 0) {
            printf(": no HS6 code for this stage\n");
            continue;
        }
        printf(" (HS6");
        for (size_t i = 0; i < st->n_hs6; i++) {
            printf(" %s", st->hs6[i]);
        }
        if (st->n_partners == 0) {
            printf("): none in the store for %d\n", m->import_year);
            continue;
        }
        printf(") %d: %.17g %s from %zu partners\n", m->import_year, st->import_total,
               st->import_unit, st->n_partners);
        for (size_t i = 0; i < st->n_partners; i++) {
            const cm_supply_partner_t *p = &st->partners[i];
            printf("    %-8s %8s %.17g\n", p->country, pct(p->share, a, sizeof a), p->value);
        }
    }
    printf("\n%s sectors using %s (EU end-use shares x %s value added, MEUR):\n", m->region,
           m->name, m->region);
    printf("  %-8s %-10s %7s %10s %10s  %s\n", "NACE", "IOT group", "use", "VA", "VA EU",
           "application");
    for (size_t i = 0; i < m->n_sectors; i++) {
        const cm_supply_sector_t *s = &m->sectors[i];
        printf("  %-8s %-10s %7s %10s %10s  %s\n", s->nace[0] ? s->nace : "-",
               s->group[0] ? s->group : "-", pct(s->use_share, a, sizeof a),
               fix(s->va_meur, 1, b, sizeof b), fix(s->va_eu_meur, 1, c, sizeof c),
               s->application ? s->application : "");
    }
    printf("  value added of the using sectors: %s MEUR (%s of the %s total %s MEUR);"
           " use-share weighted: %s MEUR\n",
           fix(m->va_exposed_meur, 1, a, sizeof a),
           pct(m->va_exposed_meur / m->va_total_meur, b, sizeof b), m->region,
           fix(m->va_total_meur, 1, c, sizeof c), fix(m->va_weighted_meur, 1, d, sizeof d));
}

/* --- JSON and files -------------------------------------------------------------------- */

static json_t *map_json(const cm_supply_map_t *m)
{
    json_t *root = json_object(), *stages = json_array(), *sectors = json_array();
    int bad = root == NULL || stages == NULL || sectors == NULL;
    if (bad) {
        json_decref(stages);
        json_decref(sectors);
        json_decref(root);
        return NULL;
    }
    bad = cm_cli_jset(root, "stages", stages) || cm_cli_jset(root, "sectors", sectors) ||
          cm_cli_jset(root, "material", json_string(m->material)) ||
          cm_cli_jset(root, "name", json_string(m->name)) ||
          cm_cli_jset(root, "region", json_string(m->region)) ||
          cm_cli_jset(root, "import_year", json_integer(m->import_year)) ||
          cm_cli_jset(root, "wgi_year", json_integer(m->wgi_year)) ||
          cm_cli_jset(root, "iot_year", json_integer(m->iot_year)) ||
          cm_cli_jset(root, "va_exposed_meur", cm_cli_jnum(m->va_exposed_meur)) ||
          cm_cli_jset(root, "va_weighted_meur", cm_cli_jnum(m->va_weighted_meur)) ||
          cm_cli_jset(root, "va_total_meur", cm_cli_jnum(m->va_total_meur));
    for (int s = 0; s < CM_CRIT_NSTAGES && !bad; s++) {
        const cm_supply_stage_t *st = &m->stage[s];
        json_t *so = json_object(), *prod = json_array(), *part = json_array(), *top = json_array(),
               *hs = json_array();
        if (so == NULL || json_array_append_new(stages, so) != 0) {
            json_decref(prod);
            json_decref(part);
            json_decref(top);
            json_decref(hs);
            return json_decref(root), NULL;
        }
        bad = cm_cli_jset(so, "producers", prod) || cm_cli_jset(so, "import_partners", part) ||
              cm_cli_jset(so, "top3_countries", top) || cm_cli_jset(so, "hs6", hs) ||
              cm_cli_jset(so, "stage", json_string(cm_crit_stage_name(s))) ||
              cm_cli_jset(so, "hhi", cm_cli_jnum(st->conc.hhi)) ||
              cm_cli_jset(so, "top3", cm_cli_jnum(st->conc.top3)) ||
              cm_cli_jset(so, "share_sum", cm_cli_jnum(st->present ? st->conc.share_sum : NAN)) ||
              cm_cli_jset(so, "hhi_wgi", cm_cli_jnum(st->hhi_wgi)) ||
              cm_cli_jset(so, "hhi_wgi_t", cm_cli_jnum(st->hhi_wgi_t)) ||
              cm_cli_jset(so, "wgi_missing_share", cm_cli_jnum(st->wgi_missing)) ||
              cm_cli_jset(so, "import_total", cm_cli_jnum(st->import_total)) ||
              cm_cli_jset(so, "import_unit", json_string(st->import_unit));
        for (int k = 0; k < 3 && !bad; k++) {
            bad = st->conc.top[k][0] != '\0' &&
                  json_array_append_new(top, json_string(st->conc.top[k])) != 0;
        }
        for (size_t i = 0; i < st->n_hs6 && !bad; i++) {
            bad = json_array_append_new(hs, json_string(st->hs6[i])) != 0;
        }
        for (size_t i = 0; i < st->n_producers && !bad; i++) {
            json_t *o = json_object();
            bad = o == NULL || json_array_append_new(prod, o) != 0 ||
                  cm_cli_jset(o, "country", json_string(st->producers[i].country)) ||
                  cm_cli_jset(o, "share", cm_cli_jnum(st->producers[i].share)) ||
                  cm_cli_jset(o, "wgi_scaled", cm_cli_jnum(st->producers[i].wgi_scaled));
        }
        for (size_t i = 0; i < st->n_partners && !bad; i++) {
            json_t *o = json_object();
            bad = o == NULL || json_array_append_new(part, o) != 0 ||
                  cm_cli_jset(o, "country", json_string(st->partners[i].country)) ||
                  cm_cli_jset(o, "value", cm_cli_jnum(st->partners[i].value)) ||
                  cm_cli_jset(o, "share", cm_cli_jnum(st->partners[i].share));
        }
    }
    for (size_t i = 0; i < m->n_sectors && !bad; i++) {
        const cm_supply_sector_t *s = &m->sectors[i];
        json_t *o = json_object();
        bad = o == NULL || json_array_append_new(sectors, o) != 0 ||
              cm_cli_jset(o, "nace", json_string(s->nace)) ||
              cm_cli_jset(o, "group", json_string(s->group)) ||
              cm_cli_jset(o, "application",
                          s->application ? json_string(s->application) : json_null()) ||
              cm_cli_jset(o, "use_share", cm_cli_jnum(s->use_share)) ||
              cm_cli_jset(o, "va_meur", cm_cli_jnum(s->va_meur)) ||
              cm_cli_jset(o, "va_eu_meur", cm_cli_jnum(s->va_eu_meur));
    }
    if (bad) {
        json_decref(root);
        return NULL;
    }
    return root;
}

static cm_error_t write_rows_csv(const char *path, const cm_supply_map_t *m, cm_error_info_t *err)
{
    cm_csv_writer_t *w = NULL;
    cm_error_t rc = cm_csv_writer_open(path, ',', &w, err);
    if (rc != CM_OK) {
        return rc;
    }
    static const char *const head[] = {"material", "stage", "kind", "country", "share",
                                       "value", "unit", "wgi_scaled", "year"};
    rc = cm_csv_write_row(w, 9, head, err);
    for (int s = 0; s < CM_CRIT_NSTAGES && rc == CM_OK; s++) {
        const cm_supply_stage_t *st = &m->stage[s];
        char b[4][32];
        for (size_t i = 0; i < st->n_producers && rc == CM_OK; i++) {
            const char *row[] = {m->material, cm_crit_stage_name(s), "producer",
                                 st->producers[i].country,
                                 cm_csv_format_double(st->producers[i].share, b[0]), "", "1",
                                 cm_csv_format_double(st->producers[i].wgi_scaled, b[1]), "2023"};
            rc = cm_csv_write_row(w, 9, row, err);
        }
        snprintf(b[3], sizeof b[3], "%d", m->import_year);
        for (size_t i = 0; i < st->n_partners && rc == CM_OK; i++) {
            const char *row[] = {m->material, cm_crit_stage_name(s), "import_partner",
                                 st->partners[i].country,
                                 cm_csv_format_double(st->partners[i].share, b[0]),
                                 cm_csv_format_double(st->partners[i].value, b[1]),
                                 st->import_unit, "", b[3]};
            rc = cm_csv_write_row(w, 9, row, err);
        }
    }
    return cm_cli_csv_close(w, rc, err);
}

static cm_error_t write_sectors_csv(const char *path, const cm_supply_map_t *m,
                                    cm_error_info_t *err)
{
    cm_csv_writer_t *w = NULL;
    cm_error_t rc = cm_csv_writer_open(path, ',', &w, err);
    if (rc != CM_OK) {
        return rc;
    }
    static const char *const head[] = {"material", "region", "nace", "iot_group", "application",
                                       "use_share", "va_meur", "va_eu_meur"};
    rc = cm_csv_write_row(w, 8, head, err);
    for (size_t i = 0; i < m->n_sectors && rc == CM_OK; i++) {
        const cm_supply_sector_t *s = &m->sectors[i];
        char b[3][32];
        const char *row[] = {m->material, m->region, s->nace, s->group,
                             s->application ? s->application : "",
                             cm_csv_format_double(s->use_share, b[0]),
                             cm_csv_format_double(s->va_meur, b[1]),
                             cm_csv_format_double(s->va_eu_meur, b[2])};
        rc = cm_csv_write_row(w, 8, row, err);
    }
    return cm_cli_csv_close(w, rc, err);
}

/* Grouped bars: categories = the producers of either stage, one series per stage. */
static cm_error_t write_svg(const char *path, const cm_supply_map_t *m, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_svg_t *fig = NULL;
    size_t cap = m->stage[0].n_producers + m->stage[1].n_producers + 1;
    const char **cats = cm_calloc(cap, sizeof *cats);
    double *vals = cm_calloc(cap, sizeof *vals);
    size_t nc = 0;
    if (cats == NULL || vals == NULL) {
        rc = cm_error_set(err, CM_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (int s = 0; s < CM_CRIT_NSTAGES; s++) {
        for (size_t i = 0; i < m->stage[s].n_producers; i++) {
            const char *c = m->stage[s].producers[i].country;
            size_t j = 0;
            while (j < nc && strcmp(cats[j], c) != 0) {
                j++;
            }
            if (j == nc) {
                cats[nc++] = c;
            }
        }
    }
    char title[160];
    snprintf(title, sizeof title, "%s: global supply shares by stage (EU 2023)", m->name);
    if ((rc = cm_svg_create(1000, 600, &fig, err)) != CM_OK ||
        (rc = cm_svg_set_labels(fig, title, "producing country", "share of global supply (%)",
                                err)) != CM_OK ||
        (rc = cm_svg_set_categories(fig, cats, nc, err)) != CM_OK) {
        goto cleanup;
    }
    for (int s = 0; s < CM_CRIT_NSTAGES; s++) {
        if (!m->stage[s].present) {
            continue;
        }
        for (size_t j = 0; j < nc; j++) {
            vals[j] = 0.0;
            for (size_t i = 0; i < m->stage[s].n_producers; i++) {
                if (strcmp(m->stage[s].producers[i].country, cats[j]) == 0) {
                    vals[j] = 100.0 * m->stage[s].producers[i].share;
                }
            }
        }
        if ((rc = cm_svg_add_bars(fig, cm_crit_stage_name(s), vals, nc, err)) != CM_OK) {
            goto cleanup;
        }
    }
    rc = cm_svg_write(fig, path, err);
cleanup:
    cm_svg_free(fig);
    cm_free(cats);
    cm_free(vals);
    return rc;
}

static cm_error_t write_outputs(const char *dir, const cm_supply_map_t *m, const json_t *j,
                                cm_error_info_t *err)
{
    if (cm_cli_make_dir(dir, err) != CM_OK) {
        return CM_EFILE;
    }
    char path[4096];
    cm_error_t rc;
    snprintf(path, sizeof path, "%s/supply_%s.csv", dir, m->material);
    if ((rc = write_rows_csv(path, m, err)) != CM_OK) {
        return rc;
    }
    snprintf(path, sizeof path, "%s/supply_%s_sectors.csv", dir, m->material);
    if ((rc = write_sectors_csv(path, m, err)) != CM_OK) {
        return rc;
    }
    snprintf(path, sizeof path, "%s/supply_%s.json", dir, m->material);
    if ((rc = cm_json_write_file(path, j, 0, err)) != CM_OK) {
        return rc;
    }
    snprintf(path, sizeof path, "%s/supply_%s.svg", dir, m->material);
    return write_svg(path, m, err);
}

int cm_cli_supply(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"store", required_argument, NULL, 's'}, {"year", required_argument, NULL, 'y'},
        {"wgi-year", required_argument, NULL, 'w'}, {"region", required_argument, NULL, 'r'},
        {"quantity", no_argument, NULL, 'q'},    {"json", no_argument, NULL, 'j'},
        {"out", required_argument, NULL, 'o'},   {"help", no_argument, NULL, 'h'},
        {"codes", required_argument, NULL, 'c'}, {NULL, 0, NULL, 0}};
    const char *store_opt = NULL, *out_dir = NULL, *material = NULL, *codes = NULL;
    int as_json = 0;
    cm_supply_options_t opt;
    cm_supply_options_default(&opt);
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 's': store_opt = optarg; break;
        case 'o': out_dir = optarg; break;
        case 'j': as_json = 1; break;
        case 'c': codes = optarg; break;
        case 'q': opt.import_variable = "import_quantity"; break;
        case 'r': opt.region = optarg; break;
        case 'y':
            if (!cm_cli_parse_int(optarg, 1900, 2100, &opt.import_year)) {
                return cm_cli_usage_error("supply", "--year: expected a year, got '%s'", optarg);
            }
            break;
        case 'w':
            if (!cm_cli_parse_int(optarg, 1900, 2100, &opt.wgi_year)) {
                return cm_cli_usage_error("supply", "--wgi-year: expected a year, got '%s'",
                                          optarg);
            }
            break;
        case 'h':
            supply_usage(stdout);
            return CM_EXIT_OK;
        default:
            return cm_cli_getopt_fail("supply", c, argv);
        }
    }
    if (optind >= argc) {
        return cm_cli_usage_error("supply", "expected a material (e.g. cobalt)");
    }
    material = argv[optind];
    if (optind + 1 < argc) {
        return cm_cli_usage_error("supply", "unexpected argument '%s'", argv[optind + 1]);
    }
    cm_error_info_t err;
    memset(&err, 0, sizeof err);
    cm_store_t *store = NULL;
    cm_class_t *mat = NULL;
    cm_supply_map_t map;
    cm_crit_be_map_t table;
    json_t *j = NULL;
    memset(&map, 0, sizeof map);
    memset(&table, 0, sizeof table);
    int status = CM_EXIT_OK;
    cm_error_t rc = CM_OK;
    if (codes != NULL) {
        rc = cm_crit_be_map_load(codes, &table, &err);
        opt.codes = &table;
    } /* else the built-in table (NULL) */
    if (rc == CM_OK) {
        rc = cm_store_open(cm_cli_store_path(store_opt), CM_STORE_READONLY, &store, &err);
    }
    if (rc == CM_OK) {
        rc = cm_class_load(store, "material", &mat, &err);
    }
    if (rc == CM_OK && cm_class_resolve(mat, material) == NULL) {
        unknown_material(mat, material);
        status = CM_EXIT_WORK;
        goto done;
    }
    if (rc == CM_OK) {
        rc = cm_supply_map_build(store, material, &opt, &map, &err);
    }
    if (rc == CM_OK && (as_json || out_dir != NULL)) {
        cm_json_init();
        j = map_json(&map);
        if (j == NULL) {
            rc = cm_error_set(&err, CM_ENOMEM, "out of memory building the JSON map");
        }
    }
    if (rc == CM_OK) {
        if (as_json) {
            char *text = NULL;
            rc = cm_json_dump_canonical(j, &text, &err);
            if (rc == CM_OK) {
                printf("%s\n", text);
            }
            cm_free(text);
        } else {
            print_text(&map, codes);
        }
    }
    if (rc == CM_OK && out_dir != NULL) {
        rc = write_outputs(out_dir, &map, j, &err);
    }
    if (rc != CM_OK) {
        status = cm_cli_fail(&err, rc);
    }
done:
    json_decref(j);
    cm_supply_map_destroy(&map);
    cm_crit_be_map_destroy(&table);
    cm_class_free(mat);
    cm_store_close(store);
    return status;
}

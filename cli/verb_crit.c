/* cambium crit: criticality of raw materials. Subcommands are dispatched by name through the
 * table below; each is a function cm_cli_crit_<name>(argc, argv) declared in cli.h. This file
 * holds the dispatcher and `crit eu` (the EU 2023 method recomputed from its inputs). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static const cm_cli_sub_t crit_subs[] = {
    {"eu", "EU 2023 method recomputed from its inputs, beside the published values",
     cm_cli_crit_eu},
    {"mc", "Monte Carlo over the inputs: P(critical), intervals of SR and EI", cm_cli_crit_mc},
    {"sensitivity", "the critical set on a grid of SR and EI thresholds", cm_cli_crit_sensitivity},
    {"geopolrisk", "GeoPolRisk supply risk per raw material and importer (CSV)",
     cm_cli_crit_geopolrisk},
    {"be", "Belgian variant beside the EU list, with what moved each class", cm_cli_crit_be},
    {"esg", "ESG view of supply (production-weighted WGI va, rl, ...) beside SR and EI",
     cm_cli_crit_esg},
    {"crma", "CRM Act 2024 lists against the EU critical lists", cm_cli_crit_crma},
    {"whatif", "a supplier's share cut: SR before/after, class change, BE value added exposed",
     cm_cli_crit_whatif},
    {NULL, NULL, NULL}};

static int crit_run(int argc, char **argv)
{
    return cm_cli_dispatch("crit",
                           "Criticality of raw materials (EU method: supply risk SR and economic\n"
                           "importance EI; see docs/crit.md).",
                           crit_subs, argc, argv);
}

const cm_cli_verb_t cm_cli_verb_crit = {"crit", "criticality of raw materials (EU method)",
                                        crit_run};

/* --- crit eu --------------------------------------------------------------------------- */

static void eu_usage(FILE *out)
{
    fprintf(out,
            "usage: cambium crit eu [--store DB] [--wgi-year Y] [--wgi-years N]\n"
            "                       [--sr-threshold X] [--ei-threshold Y] [--out DIR]\n"
            "                       [--wgi-fallback V] [--renormalise] [--raw-decision]\n"
            "                       [--tolerance T] [--count-group-shares] [--no-ir-zero]\n"
            "\n"
            "Recompute the EU 2023 criticality assessment from its inputs in the store\n"
            "(import eu-crm-supply --scope global and --scope eu, eu-crm-trade, eu-crm-results,\n"
            "eu-crm-use and wgi first) and print, per material, SR per stage and EI beside the\n"
            "published values with the differences, the match statistics and the critical\n"
            "lists (computed and published).\n"
            "\n"
            "options:\n"
            "  --store DB          the store (default $CAMBIUM_STORE or cambium.db)\n"
            "  --wgi-year Y        WGI year (default %d, see docs/crit.md)\n"
            "  --wgi-years N       average the WGI over N years ending at Y (default 1)\n"
            "  --sr-threshold X    supply-risk threshold (default 1.0)\n"
            "  --ei-threshold Y    economic-importance threshold (default 2.8)\n"
            "  --wgi-fallback V    scaled WGI (0-10) for countries missing from the WGI\n"
            "                      (default: such a country is an error naming it)\n"
            "  --renormalise       divide the shares of each stage and scope by their sum\n"
            "  --raw-decision      decide criticality on unrounded SR and EI (default: on\n"
            "                      values rounded to one decimal, as published)\n"
            "  --tolerance T       match tolerance against published values (default 0.1)\n"
            "  --count-group-shares  count the stages computed with their group's sourcing\n"
            "                      shares as complete inputs (default: shown, not counted)\n"
            "  --no-ir-zero        keep the published mode where IR is 0 (default: IR 0 takes\n"
            "                      the EU-sourcing value, the global term's weight being 0)\n"
            "  --out DIR           write eu_results.csv, eu_stages.csv, eu_results.json and\n"
            "                      eu_sr_ei.svg to DIR (created if missing; atomic writes)\n"
            "  -h, --help          print this help\n"
            "\n"
            "Exit codes: 0 success, 1 missing data, a country without WGI, I/O error,\n"
            "2 usage error.\n",
            CM_CRIT_EU_WGI_YEAR);
}

/* |x| without libm (the CLI does not link it). */
static double absd(double x)
{
    return x < 0 ? -x : x;
}

static const char *fmt1(double v, char *buf, size_t n)
{
    if (isnan(v)) {
        snprintf(buf, n, "-");
    } else {
        snprintf(buf, n, "%.1f", cm_crit_round1(v));
    }
    return buf;
}

static const char *fmtpub(double v, char *buf, size_t n)
{
    if (isnan(v)) {
        snprintf(buf, n, "-");
    } else {
        if (absd(v - cm_crit_round1(v)) < 1e-9) {
            snprintf(buf, n, "%.1f", v);
        } else {
            snprintf(buf, n, "%.2f", v);
        }
    }
    return buf;
}

static const char *fmtdiff(double calc, double pub, char *buf, size_t n)
{
    if (isnan(calc) || isnan(pub)) {
        buf[0] = (char)(n > 0 ? 0 : 0);
    } else {
        double d = cm_crit_round1(calc) - pub;
        snprintf(buf, n, "%+.2f", absd(d) < 0.005 ? 0.0 : d);
    }
    return buf;
}

static int published_critical(const cm_crit_material_t *m, const cm_crit_options_t *opt)
{
    return !isnan(m->published.sr) && !isnan(m->published.ei) &&
           m->published.sr >= opt->sr_threshold - 1e-9 &&
           m->published.ei >= opt->ei_threshold - 1e-9;
}

static unsigned stage_group_flag(int stage)
{
    return stage == CM_CRIT_EXTRACTION ? CM_CRIT_MAT_SRC_FROM_GROUP_E : CM_CRIT_MAT_SRC_FROM_GROUP_P;
}

static void notes_text(unsigned notes, unsigned mflags, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (unsigned bit = 1; bit < (1u << CM_CRIT_NNOTES); bit <<= 1) {
        if ((notes & bit) && len < n) {
            int w = snprintf(buf + len, n - len, "%s%s", len ? "; " : "", cm_crit_note_text(bit));
            len += w > 0 ? (size_t)w : 0;
        }
    }
    if ((mflags & (CM_CRIT_MAT_SRC_FROM_GROUP_E | CM_CRIT_MAT_SRC_FROM_GROUP_P)) && len < n) {
        snprintf(buf + len, n - len, "%ssourcing shares of the group used", len ? "; " : "");
    }
}

static void print_report(const cm_crit_inputs_t *in, const cm_crit_results_t *res,
                         const cm_crit_options_t *opt, const cm_crit_wgi_t *wgi,
                         const cm_crit_match_t *mt, double tol)
{
    char a[32], b[32], c[32], d[32], e[32], f[32], g[32], h[32], i1[32], j[32], k[32];
    printf("EU criticality 2023 recomputed from its inputs (WGI %d", wgi->year_from);
    if (wgi->year_to != wgi->year_from) {
        printf("-%d", wgi->year_to);
    }
    printf(", %zu countries; thresholds SR %g, EI %g; EI scaled by %g MEUR)\n",
           wgi->n, opt->sr_threshold, opt->ei_threshold,
           res->n > 0 ? res->items[0].va_max : NAN);
    printf("%-26s %5s %5s %6s  %5s %5s %6s  %5s %5s  %5s %5s %6s  %s\n", "material", "SR_E",
           "pub", "diff", "SR_P", "pub", "diff", "SR", "pub", "EI", "pub", "diff", "critical");
    for (size_t i = 0; i < in->n; i++) {
        const cm_crit_material_t *m = &in->materials[i];
        const cm_crit_result_t *r = &res->items[i];
        const cm_crit_stage_result_t *se = &r->stage[CM_CRIT_EXTRACTION];
        const cm_crit_stage_result_t *sp = &r->stage[CM_CRIT_PROCESSING];
        char name[40];
        snprintf(name, sizeof name, "%s%s", m->name, (m->flags & CM_CRIT_MAT_GROUP) ? " (group)" : "");
        printf("%-26s %5s %5s %6s  %5s %5s %6s  %5s %5s  %5s %5s %6s  %s/%s\n", name,
               fmt1(se->sr, a, sizeof a), fmtpub(m->published.sr_stage[0], b, sizeof b),
               fmtdiff(se->sr, m->published.sr_stage[0], c, sizeof c),
               fmt1(sp->sr, d, sizeof d), fmtpub(m->published.sr_stage[1], e, sizeof e),
               fmtdiff(sp->sr, m->published.sr_stage[1], f, sizeof f),
               fmt1(r->sr, g, sizeof g), fmtpub(m->published.sr, h, sizeof h),
               fmt1(r->ei, i1, sizeof i1), fmtpub(m->published.ei, j, sizeof j),
               fmtdiff(r->ei, m->published.ei, k, sizeof k), r->critical ? "yes" : "no",
               published_critical(m, opt) ? "yes" : "no");
    }
    printf("\nmatch within %.2g (group rows HREE, LREE, PGM left out):\n", tol);
    printf("  SR per stage: %zu of %zu material-stage pairs with complete inputs (%.1f %%)\n",
           mt->sr_matched, mt->sr_pairs,
           mt->sr_pairs ? 100.0 * (double)mt->sr_matched / (double)mt->sr_pairs : 0.0);
    printf("  EI: %zu of %zu materials (%.1f %%)\n", mt->ei_matched, mt->ei_pairs,
           mt->ei_pairs ? 100.0 * (double)mt->ei_matched / (double)mt->ei_pairs : 0.0);
    printf("  critical class agrees for %zu of %zu materials\n", mt->critical_agree,
           mt->critical_compared);
    printf("\ncritical (computed, %zu):", mt->critical_computed);
    for (size_t i = 0; i < in->n; i++) {
        if (!(in->materials[i].flags & CM_CRIT_MAT_GROUP) && res->items[i].critical) {
            printf(" %s", in->materials[i].name);
        }
    }
    printf("\ncritical (published, %zu):", mt->critical_published);
    for (size_t i = 0; i < in->n; i++) {
        if (!(in->materials[i].flags & CM_CRIT_MAT_GROUP) &&
            published_critical(&in->materials[i], opt)) {
            printf(" %s", in->materials[i].name);
        }
    }
    printf("\ndiffering class:");
    int any = 0;
    for (size_t i = 0; i < in->n; i++) {
        const cm_crit_material_t *m = &in->materials[i];
        if (m->flags & CM_CRIT_MAT_GROUP) {
            continue;
        }
        if ((res->items[i].critical != 0) != published_critical(m, opt)) {
            printf(" %s", m->name);
            any = 1;
        }
    }
    printf("%s\n", any ? "" : " none");
    printf("\ndifferences above %.2g:\n", tol);
    for (size_t i = 0; i < in->n; i++) {
        const cm_crit_material_t *m = &in->materials[i];
        const cm_crit_result_t *r = &res->items[i];
        if (m->flags & CM_CRIT_MAT_GROUP) {
            continue;
        }
        for (int s = 0; s < CM_CRIT_NSTAGES; s++) {
            const cm_crit_stage_result_t *st = &r->stage[s];
            double p = m->published.sr_stage[s];
            if (isnan(p) || !st->assessed) {
                continue;
            }
            double dd = cm_crit_round1(st->sr) - p;
            if (absd(dd) > tol + 1e-9 || !st->complete) {
                char notes[512];
                notes_text(st->notes, m->flags & stage_group_flag(s), notes, sizeof notes);
                printf("  %-22s SR %-10s %-6s computed %.3f published %s (%+.2f)%s%s%s\n",
                       m->name, cm_crit_stage_name(s), cm_crit_mode_name(st->mode), st->sr,
                       fmtpub(p, a, sizeof a), dd, st->complete ? "" : " incomplete inputs",
                       notes[0] ? ": " : "", notes);
            }
        }
        if (!isnan(m->published.ei) && !isnan(r->ei) && !(r->notes & CM_CRIT_NOTE_EI_PUBLISHED) &&
            absd(cm_crit_round1(r->ei) - m->published.ei) > tol + 1e-9) {
            char range[96] = "";
            if (!r->ei_complete && r->ei_unassigned > 0.0) {
                snprintf(range, sizeof range,
                         " incomplete inputs: %.0f %% of the end uses without a sector, range "
                         "%.1f-%.1f",
                         100.0 * r->ei_unassigned, r->ei_low, r->ei_high);
            } else if (!r->ei_complete) {
                snprintf(range, sizeof range, " incomplete inputs");
            }
            printf("  %-22s EI            computed %.3f published %s (%+.2f)%s\n", m->name, r->ei,
                   fmtpub(m->published.ei, a, sizeof a), cm_crit_round1(r->ei) - m->published.ei,
                   range);
        }
    }
}

/* --- files ----------------------------------------------------------------------------- */

static cm_error_t write_results_csv(const char *path, const cm_crit_inputs_t *in,
                                    const cm_crit_results_t *res, const cm_crit_options_t *opt,
                                    cm_error_info_t *err)
{
    cm_csv_writer_t *w = NULL;
    cm_error_t rc = cm_csv_writer_open(path, ',', &w, err);
    if (rc != CM_OK) {
        return rc;
    }
    static const char *const head[] = {
        "material", "name", "group", "sr", "sr_stage", "sr_published", "sr_stage_published",
        "ei_sum_meur", "va_max_meur", "si_ei", "ei", "ei_low", "ei_high", "ei_unassigned",
        "ei_complete", "ei_published", "critical", "critical_published", "notes"};
    rc = cm_csv_write_row(w, sizeof head / sizeof head[0], head, err);
    for (size_t i = 0; i < in->n && rc == CM_OK; i++) {
        const cm_crit_material_t *m = &in->materials[i];
        const cm_crit_result_t *r = &res->items[i];
        char b[11][32], notes[512];
        notes_text(r->notes, m->flags, notes, sizeof notes);
        const char *row[] = {
            m->code,
            m->name,
            (m->flags & CM_CRIT_MAT_GROUP) ? "1" : "0",
            cm_cli_num(r->sr, b[0]),
            r->sr_stage >= 0 ? cm_crit_stage_name(r->sr_stage) : "",
            cm_cli_num(m->published.sr, b[1]),
            m->published.used_stage >= 0 ? cm_crit_stage_name(m->published.used_stage) : "",
            cm_cli_num(r->ei_sum, b[2]),
            cm_cli_num(r->va_max, b[3]),
            cm_cli_num(m->si_ei, b[4]),
            cm_cli_num(r->ei, b[5]),
            cm_cli_num(r->ei_low, b[7]),
            cm_cli_num(r->ei_high, b[8]),
            cm_cli_num(r->ei_unassigned, b[9]),
            m->n_enduses == 0 ? "" : r->ei_complete ? "1" : "0",
            cm_cli_num(m->published.ei, b[6]),
            r->critical ? "1" : "0",
            published_critical(m, opt) ? "1" : "0",
            notes};
        rc = cm_csv_write_row(w, sizeof row / sizeof row[0], row, err);
    }
    return cm_cli_csv_close(w, rc, err);
}

static cm_error_t write_stages_csv(const char *path, const cm_crit_inputs_t *in,
                                   const cm_crit_results_t *res, double tol, cm_error_info_t *err)
{
    cm_csv_writer_t *w = NULL;
    cm_error_t rc = cm_csv_writer_open(path, ',', &w, err);
    if (rc != CM_OK) {
        return rc;
    }
    static const char *const head[] = {
        "material", "stage", "mode", "mode_published", "hhi_wgi_global", "hhi_wgi_sourcing",
        "hhi_global", "hhi_sourcing", "share_sum_global", "share_sum_sourcing",
        "import_reliance", "eol_rir", "si_sr", "sr", "sr_published", "difference", "match",
        "complete", "notes"};
    rc = cm_csv_write_row(w, sizeof head / sizeof head[0], head, err);
    for (size_t i = 0; i < in->n && rc == CM_OK; i++) {
        const cm_crit_material_t *m = &in->materials[i];
        for (int s = 0; s < CM_CRIT_NSTAGES && rc == CM_OK; s++) {
            const cm_crit_stage_result_t *st = &res->items[i].stage[s];
            if (!st->assessed && isnan(m->published.sr_stage[s])) {
                continue;
            }
            char b[12][32], notes[512];
            notes_text(st->notes, m->flags & stage_group_flag(s), notes, sizeof notes);
            double p = m->published.sr_stage[s];
            double d = (isnan(p) || isnan(st->sr)) ? NAN : cm_crit_round1(st->sr) - p;
            const char *row[] = {m->code,
                                 cm_crit_stage_name(s),
                                 st->assessed ? cm_crit_mode_name(st->mode) : "",
                                 m->published.mode[s] != CM_CRIT_MODE_AUTO
                                     ? cm_crit_mode_name(m->published.mode[s])
                                     : "",
                                 cm_cli_num(st->hhi_wgi[0], b[0]),
                                 cm_cli_num(st->hhi_wgi[1], b[1]),
                                 cm_cli_num(st->hhi[0], b[2]),
                                 cm_cli_num(st->hhi[1], b[3]),
                                 cm_cli_num(st->share_sum[0], b[4]),
                                 cm_cli_num(st->share_sum[1], b[5]),
                                 cm_cli_num(m->import_reliance[s], b[6]),
                                 cm_cli_num(m->eol_rir, b[7]),
                                 cm_cli_num(m->si_sr, b[8]),
                                 cm_cli_num(st->sr, b[9]),
                                 cm_cli_num(p, b[10]),
                                 cm_cli_num(d, b[11]),
                                 isnan(d) ? "" : (absd(d) <= tol + 1e-9 ? "1" : "0"),
                                 st->complete ? "1" : "0",
                                 notes};
            rc = cm_csv_write_row(w, sizeof row / sizeof row[0], row, err);
        }
    }
    return cm_cli_csv_close(w, rc, err);
}

static cm_error_t write_json(const char *path, const cm_crit_inputs_t *in,
                             const cm_crit_results_t *res, const cm_crit_options_t *opt,
                             const cm_crit_wgi_t *wgi, const cm_crit_match_t *mt,
                             cm_error_info_t *err)
{
    cm_json_init();
    json_t *root = json_object(), *arr = json_array(), *o = json_object(), *ms = json_object();
    int bad = root == NULL || arr == NULL || o == NULL || ms == NULL;
    if (bad) {
        json_decref(arr);
        json_decref(o);
        json_decref(ms);
    } else {
        bad =
            cm_cli_jset(root, "options", o) || cm_cli_jset(root, "match", ms) ||
            cm_cli_jset(root, "materials", arr) ||
            cm_cli_jset(o, "sr_threshold", json_real(opt->sr_threshold)) ||
            cm_cli_jset(o, "ei_threshold", json_real(opt->ei_threshold)) ||
            cm_cli_jset(o, "wgi_year_from", json_integer(wgi->year_from)) ||
            cm_cli_jset(o, "wgi_year_to", json_integer(wgi->year_to)) ||
            cm_cli_jset(o, "renormalise", json_boolean(opt->renormalise)) ||
            cm_cli_jset(o, "round_decision", json_boolean(opt->round_decision)) ||
            cm_cli_jset(ms, "sr_pairs", json_integer((json_int_t)mt->sr_pairs)) ||
            cm_cli_jset(ms, "sr_matched", json_integer((json_int_t)mt->sr_matched)) ||
            cm_cli_jset(ms, "ei_pairs", json_integer((json_int_t)mt->ei_pairs)) ||
            cm_cli_jset(ms, "ei_matched", json_integer((json_int_t)mt->ei_matched)) ||
            cm_cli_jset(ms, "critical_computed", json_integer((json_int_t)mt->critical_computed)) ||
            cm_cli_jset(ms, "critical_published",
                        json_integer((json_int_t)mt->critical_published)) ||
            cm_cli_jset(ms, "critical_agree", json_integer((json_int_t)mt->critical_agree));
    }
    for (size_t i = 0; i < in->n && !bad; i++) {
        const cm_crit_material_t *m = &in->materials[i];
        const cm_crit_result_t *r = &res->items[i];
        char notes[512];
        notes_text(r->notes, m->flags, notes, sizeof notes);
        json_t *mo = json_object(), *stages = json_array();
        if (mo == NULL || stages == NULL || json_array_append_new(arr, mo) != 0) {
            json_decref(stages);
            bad = 1;
            break;
        }
        bad = cm_cli_jset(mo, "stages", stages) ||
              cm_cli_jset(mo, "material", json_string(m->code)) ||
              cm_cli_jset(mo, "name", json_string(m->name)) ||
              cm_cli_jset(mo, "group", json_boolean(m->flags & CM_CRIT_MAT_GROUP)) ||
              cm_cli_jset(mo, "sr", cm_cli_jnum(r->sr)) ||
              cm_cli_jset(mo, "sr_published", cm_cli_jnum(m->published.sr)) ||
              cm_cli_jset(mo, "ei_sum_meur", cm_cli_jnum(r->ei_sum)) ||
              cm_cli_jset(mo, "ei", cm_cli_jnum(r->ei)) ||
              cm_cli_jset(mo, "ei_low", cm_cli_jnum(r->ei_low)) ||
              cm_cli_jset(mo, "ei_high", cm_cli_jnum(r->ei_high)) ||
              cm_cli_jset(mo, "ei_unassigned", cm_cli_jnum(r->ei_unassigned)) ||
              cm_cli_jset(mo, "ei_complete", json_boolean(r->ei_complete)) ||
              cm_cli_jset(mo, "ei_published", cm_cli_jnum(m->published.ei)) ||
              cm_cli_jset(mo, "critical", json_boolean(r->critical)) ||
              cm_cli_jset(mo, "critical_published", json_boolean(published_critical(m, opt))) ||
              cm_cli_jset(mo, "notes", json_string(notes));
        for (int s = 0; s < CM_CRIT_NSTAGES && !bad; s++) {
            const cm_crit_stage_result_t *st = &r->stage[s];
            if (!st->assessed) {
                continue;
            }
            json_t *so = json_object();
            if (so == NULL || json_array_append_new(stages, so) != 0) {
                bad = 1;
                break;
            }
            bad = cm_cli_jset(so, "stage", json_string(cm_crit_stage_name(s))) ||
                  cm_cli_jset(so, "mode", json_string(cm_crit_mode_name(st->mode))) ||
                  cm_cli_jset(so, "hhi_wgi_global", cm_cli_jnum(st->hhi_wgi[0])) ||
                  cm_cli_jset(so, "hhi_wgi_sourcing", cm_cli_jnum(st->hhi_wgi[1])) ||
                  cm_cli_jset(so, "import_reliance", cm_cli_jnum(st->ir)) ||
                  cm_cli_jset(so, "sr", cm_cli_jnum(st->sr)) ||
                  cm_cli_jset(so, "sr_published", cm_cli_jnum(m->published.sr_stage[s])) ||
                  cm_cli_jset(so, "complete", json_boolean(st->complete));
        }
    }
    cm_error_t rc;
    if (bad) {
        rc = cm_error_set(err, CM_ENOMEM, "out of memory building the JSON results");
    } else {
        rc = cm_json_write_file(path, root, 0, err);
    }
    json_decref(root);
    return rc;
}

static cm_error_t write_svg(const char *path, const cm_crit_inputs_t *in,
                            const cm_crit_results_t *res, const cm_crit_options_t *opt,
                            cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_svg_t *fig = NULL;
    double *x = cm_calloc(in->n + 1, sizeof *x), *y = cm_calloc(in->n + 1, sizeof *y);
    double *px = cm_calloc(in->n + 1, sizeof *px), *py = cm_calloc(in->n + 1, sizeof *py);
    const char **labels = cm_calloc(in->n + 1, sizeof *labels);
    size_t n = 0, np = 0;
    if (x == NULL || y == NULL || px == NULL || py == NULL || labels == NULL) {
        rc = cm_error_set(err, CM_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t i = 0; i < in->n; i++) {
        const cm_crit_material_t *m = &in->materials[i];
        const cm_crit_result_t *r = &res->items[i];
        if (m->flags & CM_CRIT_MAT_GROUP) {
            continue;
        }
        if (!isnan(r->sr) && !isnan(r->ei)) {
            x[n] = r->ei;
            y[n] = r->sr;
            labels[n] = m->name;
            n++;
        }
        if (!isnan(m->published.sr) && !isnan(m->published.ei)) {
            px[np] = m->published.ei;
            py[np] = m->published.sr;
            np++;
        }
    }
    if ((rc = cm_svg_create(900, 650, &fig, err)) != CM_OK ||
        (rc = cm_svg_set_labels(fig, "EU 2023 criticality: recomputed and published",
                                "economic importance EI", "supply risk SR", err)) != CM_OK) {
        goto cleanup;
    }
    if (n > 0 && (rc = cm_svg_add_scatter(fig, "recomputed", x, n, y, n, labels, err)) != CM_OK) {
        goto cleanup;
    }
    if (np > 0 && (rc = cm_svg_add_scatter(fig, "published", px, np, py, np, NULL, err)) != CM_OK) {
        goto cleanup;
    }
    if ((rc = cm_cli_svg_thresholds(fig, opt, err)) != CM_OK) {
        goto cleanup;
    }
    rc = cm_svg_write(fig, path, err);
cleanup:
    cm_svg_free(fig);
    cm_free(x);
    cm_free(y);
    cm_free(px);
    cm_free(py);
    cm_free(labels);
    return rc;
}

static cm_error_t write_outputs(const char *dir, const cm_crit_inputs_t *in,
                                const cm_crit_results_t *res, const cm_crit_options_t *opt,
                                const cm_crit_wgi_t *wgi, const cm_crit_match_t *mt, double tol,
                                cm_error_info_t *err)
{
    if (cm_cli_make_dir(dir, err) != CM_OK) {
        return CM_EFILE;
    }
    char path[4096];
    cm_error_t rc;
    snprintf(path, sizeof path, "%s/eu_results.csv", dir);
    if ((rc = write_results_csv(path, in, res, opt, err)) != CM_OK) {
        return rc;
    }
    snprintf(path, sizeof path, "%s/eu_stages.csv", dir);
    if ((rc = write_stages_csv(path, in, res, tol, err)) != CM_OK) {
        return rc;
    }
    snprintf(path, sizeof path, "%s/eu_results.json", dir);
    if ((rc = write_json(path, in, res, opt, wgi, mt, err)) != CM_OK) {
        return rc;
    }
    snprintf(path, sizeof path, "%s/eu_sr_ei.svg", dir);
    return write_svg(path, in, res, opt, err);
}

int cm_cli_crit_eu(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"store", required_argument, NULL, 's'},     {"wgi-year", required_argument, NULL, 'y'},
        {"wgi-years", required_argument, NULL, 'n'}, {"sr-threshold", required_argument, NULL, 'r'},
        {"ei-threshold", required_argument, NULL, 'e'}, {"out", required_argument, NULL, 'o'},
        {"wgi-fallback", required_argument, NULL, 'f'}, {"renormalise", no_argument, NULL, 'R'},
        {"raw-decision", no_argument, NULL, 'D'},   {"tolerance", required_argument, NULL, 't'},
        {"count-group-shares", no_argument, NULL, 'G'}, {"no-ir-zero", no_argument, NULL, 'Z'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0}};
    const char *store_opt = NULL, *out_dir = NULL;
    double tol = 0.1;
    cm_crit_options_t opt;
    cm_cli_crit_eu_options(&opt);
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 's': store_opt = optarg; break;
        case 'o': out_dir = optarg; break;
        case 'y':
            if (!cm_cli_parse_int(optarg, 1996, 2100, &opt.wgi_year)) {
                return cm_cli_usage_error("crit eu", "--wgi-year: expected a year, got '%s'",
                                          optarg);
            }
            break;
        case 'n':
            if (!cm_cli_parse_int(optarg, 1, 30, &opt.wgi_years)) {
                return cm_cli_usage_error("crit eu",
                                          "--wgi-years: expected 1 to 30, got '%s'", optarg);
            }
            break;
        case 'r':
            if (!cm_cli_parse_real(optarg, &opt.sr_threshold)) {
                return cm_cli_usage_error("crit eu", "--sr-threshold: expected a number, got '%s'",
                                          optarg);
            }
            break;
        case 'e':
            if (!cm_cli_parse_real(optarg, &opt.ei_threshold)) {
                return cm_cli_usage_error("crit eu", "--ei-threshold: expected a number, got '%s'",
                                          optarg);
            }
            break;
        case 'f':
            if (cm_cli_opt_wgi_fallback("crit eu", optarg, &opt) != CM_EXIT_OK) {
                return CM_EXIT_USAGE;
            }
            break;
        case 'R': opt.renormalise = 1; break;
        case 'D': opt.round_decision = 0; break;
        case 'G': opt.group_shares_complete = 1; break;
        case 'Z': opt.ir_zero_sourcing = 0; break;
        case 't':
            if (!cm_cli_parse_real(optarg, &tol) || tol < 0.0) {
                return cm_cli_usage_error("crit eu", "--tolerance: expected a number >= 0, got '%s'",
                                          optarg);
            }
            break;
        case 'h':
            eu_usage(stdout);
            return CM_EXIT_OK;
        default:
            return cm_cli_getopt_fail("crit eu", c, argv);
        }
    }
    if (optind < argc) {
        return cm_cli_usage_error("crit eu", "unexpected argument '%s'", argv[optind]);
    }
    cm_error_info_t err;
    memset(&err, 0, sizeof err);
    cm_crit_inputs_t in;
    cm_crit_wgi_t wgi;
    cm_crit_results_t res;
    cm_crit_match_t mt;
    memset(&in, 0, sizeof in);
    memset(&wgi, 0, sizeof wgi);
    memset(&res, 0, sizeof res);
    int status = CM_EXIT_OK;
    cm_error_t rc = cm_cli_crit_prepare(store_opt, "eu", &opt, &in, &wgi, &err);
    if (rc == CM_OK) {
        rc = cm_crit_compute(&in, &wgi, &opt, &res, &err);
    }
    if (rc == CM_OK) {
        rc = cm_crit_match(&in, &res, &opt, tol, &mt, &err);
    }
    if (rc == CM_OK) {
        print_report(&in, &res, &opt, &wgi, &mt, tol);
        if (out_dir != NULL) {
            rc = write_outputs(out_dir, &in, &res, &opt, &wgi, &mt, tol, &err);
        }
    }
    if (rc != CM_OK) {
        status = cm_cli_fail(&err, rc);
    }
    cm_crit_results_destroy(&res);
    cm_crit_wgi_destroy(&wgi);
    cm_crit_inputs_destroy(&in);
    return status;
}

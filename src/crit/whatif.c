/* The criticality "what if": a supplier's share of one material cut, the supply risk
 * recomputed for the EU and Belgium, the classes compared, the Belgian value added of the
 * using sectors (cm_crit_whatif.h; docs/crit.md, "What if a supplier stops exporting"). */
#include "cambium/cm_crit_whatif.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cambium/cm_class.h"
#include "cambium/cm_crit.h"
#include "cambium/cm_crit_be.h"
#include "cambium/cm_json.h"
#include "cambium/cm_nace.h"
#include "core/cm_internal.h"

enum { V_EU = 0, V_BE = 1, NVARIANTS = 2 };
enum { SC_GLOBAL = 0, SC_EU = 1, SC_BE = 2, NSCOPES_OUT = 3 };

static const char *const scope_id[NSCOPES_OUT] = {"global", "eu_sourcing", "be_sourcing"};
static const char *const scope_text[NSCOPES_OUT] = {"global supply", "EU sourcing",
                                                    "Belgian sourcing"};

/* One Belgian using sector (an IOT group counted once). */
typedef struct sector_t {
    char label[32];
    double value;     /* MEUR */
    double use_share; /* summed end-use shares of the material in it */
} sector_t;

/* The loaded inputs (cm_crit_whatif_ctx_t), read only once loaded. */
struct cm_crit_whatif_ctx_t {
    cm_store_t *store; /* borrowed: the classifications, for aliases */
    cm_crit_inputs_t eu, be;
    cm_crit_wgi_t wgi;
    cm_crit_be_report_t rep;
    cm_crit_options_t opt[NVARIANTS]; /* default thresholds; a query sets its own */
    cm_real_t *scaled;                /* the WGI table's scaled values */
    cm_real_t va[NVARIANTS];          /* EI denominators (cm_crit_va_max) */
    int wgi_year;                     /* as given to the load */
    double wgi_fallback;
};

/* One query on a context: the queried material's shares are cut in copies (me, mb), the
 * context's inputs stay as loaded. */
typedef struct run_t {
    const cm_crit_whatif_ctx_t *ctx;
    cm_crit_material_t me, mb; /* copies sharing all but the shares (owned) */
    cm_crit_options_t opt[NVARIANTS];
    cm_class_t *materials, *countries;
    cm_crit_result_t before[NVARIANTS], after[NVARIANTS];
    int cls_before[NVARIANTS], cls_after[NVARIANTS]; /* 1, 0, -1 undetermined */
    int emptied[NVARIANTS];
    cm_crit_whatif_cut_t cut[CM_CRIT_NSTAGES][NSCOPES_OUT];
    int supplies;
    sector_t *sectors;
    size_t n_sectors;
    double va_exposed, va_weighted, unassigned;
} run_t;

/* The shares of a copy made by copy_shares (NULL items: nothing). */
static void free_shares(cm_crit_material_t *m)
{
    for (int s = 0; s < CM_CRIT_NSTAGES; s++) {
        for (int c = 0; c < CM_CRIT_NSCOPES; c++) {
            cm_free(m->supply[s][c].items);
            m->supply[s][c].items = NULL;
        }
    }
}

/* \p out = \p m sharing everything (code, end uses ...) but the shares, copied so that
 * cm_crit_whatif_cut can edit them. On error \p out holds only its own (or NULL) shares. */
static cm_error_t copy_shares(const cm_crit_material_t *m, cm_crit_material_t *out,
                              cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    *out = *m;
    for (int s = 0; s < CM_CRIT_NSTAGES; s++) {
        for (int c = 0; c < CM_CRIT_NSCOPES; c++) {
            out->supply[s][c].items = NULL;
            out->supply[s][c].cap = 0;
        }
    }
    for (int s = 0; s < CM_CRIT_NSTAGES; s++) {
        for (int c = 0; c < CM_CRIT_NSCOPES; c++) {
            const cm_crit_supply_t *from = &m->supply[s][c];
            cm_crit_supply_t *to = &out->supply[s][c];
            if (from->n == 0) {
                continue;
            }
            to->items = cm_malloc_array(from->n, sizeof *to->items);
            CM_NOMEM(to->items, err);
            memcpy(to->items, from->items, from->n * sizeof *to->items);
            to->cap = from->n;
        }
    }
cleanup:
    return rc;
}

static void run_free(run_t *r)
{
    free_shares(&r->me);
    free_shares(&r->mb);
    cm_free(r->sectors);
    cm_class_free(r->materials);
    cm_class_free(r->countries);
}

static int above(double x, double threshold, const cm_crit_options_t *opt)
{
    return !isnan(x) && (opt->round_decision ? cm_crit_round1(x) : x) >= threshold;
}

/* 1 critical, 0 not, -1 undetermined (SR at or above its threshold and no EI, or an EI range
 * straddling the threshold): the rule of `crit be` (cm_crit_be_compare). */
static int class_of(const cm_crit_result_t *r, const cm_crit_options_t *opt)
{
    if (above(r->sr, opt->sr_threshold, opt) && (isnan(r->ei) || r->undetermined)) {
        return -1;
    }
    return r->critical != 0;
}

cm_error_t cm_crit_whatif_cut(cm_crit_supply_t *s, const char *country, cm_real_t cut,
                              cm_crit_whatif_cut_t *out, cm_error_info_t *err)
{
    if (s == NULL || country == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_crit_whatif_cut: NULL argument");
    }
    if (!(cut > 0.0 && cut <= 1.0)) {
        return cm_error_set(err, CM_EINVAL, "what-if: expected a cut in (0, 1], got %g", cut);
    }
    double total = 0.0, own = 0.0;
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < s->n; i++) {
        total += s->items[i].share;
        if (strcmp(s->items[i].country, country) == 0) {
            own += s->items[i].share;
        }
    }
    if (!(own > 0.0) || !(total > 0.0)) {
        return CM_OK;
    }
    out->supplies = 1;
    out->share_before = own / total;
    out->removed = cut * own / total;
    double rest = total - cut * own;
    if (rest <= 1e-12 * total) {
        out->emptied = 1;
        out->factor = NAN;
        s->n = 0;
        return CM_OK;
    }
    out->factor = total / rest;
    for (size_t i = 0; i < s->n; i++) {
        cm_crit_share_t *sh = &s->items[i];
        if (strcmp(sh->country, country) == 0) {
            sh->share *= 1.0 - cut;
        }
        sh->share *= out->factor;
    }
    out->share_after = own * (1.0 - cut) * out->factor / total;
    return CM_OK;
}

/* The IOT group of a NACE division: "C10-C12" for a division of a combined OECD industry
 * (D10T12), else the division itself (the grouping `crit be` keeps together). */
static void nace_group(const char *nace, char *buf, size_t n)
{
    snprintf(buf, n, "%s", nace);
    size_t len = strlen(nace);
    for (size_t i = 0; i < cm_nace_oecd_count(); i++) {
        const char *oecd = NULL, *div = NULL;
        if (cm_nace_oecd_entry(i, &oecd, &div, NULL) != CM_OK || div == NULL) {
            continue;
        }
        int found = 0, count = 0;
        const char *first = div, *last = div;
        for (const char *p = div; *p != '\0';) {
            size_t w = strcspn(p, " ");
            if (w > 0) {
                count++;
                last = p;
                found |= w == len && strncmp(p, nace, len) == 0;
            }
            p += w;
            p += strspn(p, " ");
        }
        if (found && count > 1) {
            snprintf(buf, n, "%.*s-%.*s", (int)strcspn(first, " "), first, (int)strcspn(last, " "),
                     last);
            return;
        }
    }
}

static int sector_cmp(const void *a, const void *b)
{
    const sector_t *x = a, *y = b;
    if (x->value != y->value) {
        return x->value > y->value ? -1 : 1;
    }
    return strcmp(x->label, y->label);
}

/* Belgian value added of the sectors that use the material (its end uses with Belgian value
 * added, as `crit be` sets them), each IOT group once. */
static cm_error_t exposed_va(run_t *r, const cm_crit_material_t *m, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    r->va_exposed = r->va_weighted = r->unassigned = 0.0;
    if (m->n_enduses == 0) { /* no end-use shares: no using sector can be named */
        r->va_exposed = r->va_weighted = r->unassigned = NAN;
        return CM_OK;
    }
    r->sectors = cm_calloc(m->n_enduses, sizeof *r->sectors);
    CM_NOMEM(r->sectors, err);
    for (size_t i = 0; i < m->n_enduses; i++) {
        const cm_crit_enduse_t *e = &m->enduses[i];
        if (e->nace[0] == '\0' || !isfinite(e->value_added)) {
            r->unassigned += e->share;
            continue;
        }
        char label[32];
        nace_group(e->nace, label, sizeof label);
        r->va_weighted += e->share * e->value_added;
        size_t j = 0;
        while (j < r->n_sectors && strcmp(r->sectors[j].label, label) != 0) {
            j++;
        }
        if (j == r->n_sectors) {
            snprintf(r->sectors[j].label, sizeof r->sectors[j].label, "%s", label);
            r->sectors[j].value = e->value_added;
            r->n_sectors++;
            r->va_exposed += e->value_added;
        }
        r->sectors[j].use_share += e->share;
    }
    if (r->n_sectors > 1) {
        qsort(r->sectors, r->n_sectors, sizeof *r->sectors, sector_cmp);
    }
cleanup:
    return rc;
}

/* --- JSON ----------------------------------------------------------------------------- */

static int jset(json_t *o, const char *k, json_t *v)
{
    return v == NULL || json_object_set_new(o, k, v) != 0;
}

static int jpush(json_t *a, json_t *v)
{
    return v == NULL || json_array_append_new(a, v) != 0;
}

static json_t *attach(json_t *root, const char *key, json_t *v);

static json_t *jnum(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

static json_t *jclass(int c)
{
    return c < 0 ? json_null() : json_boolean(c);
}

static json_t *stage_srs(const cm_crit_result_t *res, int emptied)
{
    json_t *o = json_object();
    for (int s = 0; o != NULL && s < CM_CRIT_NSTAGES; s++) {
        double v = res->stage[s].assessed && !emptied ? res->stage[s].sr : NAN;
        if (jset(o, cm_crit_stage_name(s), jnum(v))) {
            json_decref(o);
            return NULL;
        }
    }
    return o;
}

static json_t *state(const run_t *r, int after)
{
    const cm_crit_result_t *res = after ? r->after : r->before;
    const int *cls = after ? r->cls_after : r->cls_before;
    int e_eu = after && r->emptied[V_EU], e_be = after && r->emptied[V_BE];
    json_t *o = json_object();
    if (o == NULL || jset(o, "sr_eu", jnum(e_eu ? NAN : res[V_EU].sr)) ||
        jset(o, "sr_be", jnum(e_be ? NAN : res[V_BE].sr)) ||
        jset(o, "critical_eu", jclass(cls[V_EU])) || jset(o, "critical_be", jclass(cls[V_BE])) ||
        jset(o, "ei_eu", jnum(res[V_EU].ei)) || jset(o, "ei_be", jnum(res[V_BE].ei)) ||
        jset(o, "sr_stage_eu", stage_srs(&res[V_EU], e_eu)) ||
        jset(o, "sr_stage_be", stage_srs(&res[V_BE], e_be))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static int push_note(json_t *notes, const char *fmt, ...) CM_PRINTF(2, 3);
static int push_note(json_t *notes, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return jpush(notes, json_string(buf));
}

static int class_lists(const run_t *r, const char *code, json_t *newly, json_t *gone)
{
    static const char *const vname[NVARIANTS] = {"eu", "be"};
    for (int v = 0; v < NVARIANTS; v++) {
        json_t *target = r->cls_before[v] == 0 && r->cls_after[v] == 1   ? newly
                         : r->cls_before[v] == 1 && r->cls_after[v] == 0 ? gone
                                                                         : NULL;
        if (target == NULL) {
            continue;
        }
        json_t *o = json_object();
        if (jpush(target, o) || jset(o, "material", json_string(code)) ||
            jset(o, "variant", json_string(vname[v]))) {
            return 1;
        }
    }
    return 0;
}

static int va_object(const run_t *r, json_t *root)
{
    json_t *o = attach(root, "be_value_added_exposed", json_object()), *arr = NULL;
    if (o == NULL || jset(o, "value", jnum(r->va_exposed)) ||
        jset(o, "unit", json_string("EUR million")) ||
        (arr = attach(o, "sectors", json_array())) == NULL ||
        jset(o, "weighted", jnum(r->va_weighted)) ||
        jset(o, "unassigned_share", jnum(r->unassigned))) {
        return 1;
    }
    for (size_t i = 0; i < r->n_sectors; i++) {
        json_t *s = json_object();
        if (jpush(arr, s) || jset(s, "nace", json_string(r->sectors[i].label)) ||
            jset(s, "value", jnum(r->sectors[i].value)) ||
            jset(s, "use_share", jnum(r->sectors[i].use_share))) {
            return 1;
        }
    }
    return 0;
}

static int changes_and_notes(const run_t *r, const cm_crit_whatif_query_t *q, const char *code,
                             const char *country, json_t *changes, json_t *notes)
{
    char stages[64] = "";
    for (int s = 0; s < CM_CRIT_NSTAGES; s++) {
        int any = 0;
        for (int c = 0; c < NSCOPES_OUT; c++) {
            any |= r->cut[s][c].supplies;
        }
        if (any) {
            size_t len = strlen(stages);
            snprintf(stages + len, sizeof stages - len, "%s%s", len ? ", " : "",
                     cm_crit_stage_name(s));
        }
    }
    if (!r->supplies) {
        return push_note(notes,
                         "%s supplies %s at no stage (no share in the global supply, the EU "
                         "sourcing or the Belgian sourcing): nothing changed",
                         country, code);
    }
    if (push_note(notes, "%s's share cut by %.4g %% at stages: %s", country, 100.0 * q->cut,
                  stages)) {
        return 1;
    }
    for (int s = 0; s < CM_CRIT_NSTAGES; s++) {
        for (int c = 0; c < NSCOPES_OUT; c++) {
            const cm_crit_whatif_cut_t *k = &r->cut[s][c];
            if (!k->supplies) {
                continue;
            }
            json_t *o = json_object();
            if (jpush(changes, o) || jset(o, "stage", json_string(cm_crit_stage_name(s))) ||
                jset(o, "scope", json_string(scope_id[c])) ||
                jset(o, "share_before", jnum(k->share_before)) ||
                jset(o, "share_after", jnum(k->share_after)) ||
                jset(o, "removed", jnum(k->removed)) ||
                jset(o, "emptied", json_boolean(k->emptied))) {
                return 1;
            }
            int bad = k->emptied
                          ? push_note(notes,
                                      "%s, %s: %s was the sole supplier; cut by %.4g %% nothing "
                                      "is left: a total interruption, which the SR (a "
                                      "concentration index of existing supply) does not score: "
                                      "the SR after is null for the %s",
                                      cm_crit_stage_name(s), scope_text[c], country, 100.0 * q->cut,
                                      c == SC_GLOBAL ? "EU and Belgium"
                                      : c == SC_EU   ? "EU"
                                                     : "Belgium")
                          : push_note(notes,
                                      "%s, %s: %s %.4g %% of the supply -> %.4g %%; %.4g %% of "
                                      "the supply removed, the other suppliers' shares "
                                      "multiplied by %.6g (renormalised: the sum is kept)",
                                      cm_crit_stage_name(s), scope_text[c], country,
                                      100.0 * k->share_before, 100.0 * k->share_after,
                                      100.0 * k->removed, k->factor);
            if (bad) {
                return 1;
            }
        }
    }
    if (push_note(notes, "only supply shares moved: WGI, t, import reliance, EoL-RIR, SI_SR "
                         "and EI are unchanged (EU: the options of crit eu; Belgium: crit be)")) {
        return 1;
    }
    static const char *const vtext[NVARIANTS] = {"EU", "Belgian"};
    for (int v = 0; v < NVARIANTS; v++) {
        if (!r->emptied[v] && r->after[v].sr < r->before[v].sr - 1e-12) {
            if (push_note(notes,
                          "%s SR falls (%.3g -> %.3g): the supply that remains is less "
                          "concentrated or from better-governed countries; the SR measures the "
                          "concentration and governance of the remaining supply, not the "
                          "quantity missing ('removed' in changes)",
                          vtext[v], r->before[v].sr, r->after[v].sr)) {
                return 1;
            }
        }
    }
    return 0;
}

/* A new container attached to \p root under \p key (borrowed; NULL when out of memory). */
static json_t *attach(json_t *root, const char *key, json_t *v)
{
    return jset(root, key, v) ? NULL : v;
}

static cm_error_t to_json(const run_t *r, const cm_crit_whatif_query_t *q,
                          const cm_crit_material_t *m, const char *country, char **json,
                          cm_error_info_t *err)
{
    static const char *const vtext[NVARIANTS] = {"EU", "Belgian"};
    cm_json_init();
    json_t *root = json_object(), *newly = NULL, *gone = NULL, *changes = NULL, *notes = NULL;
    int bad = root == NULL || jset(root, "material", json_string(m->code)) ||
              jset(root, "material_name", json_string(m->name != NULL ? m->name : m->code)) ||
              jset(root, "country", json_string(country)) || jset(root, "cut", json_real(q->cut)) ||
              jset(root, "sr_threshold", json_real(r->opt[V_EU].sr_threshold)) ||
              jset(root, "ei_threshold", json_real(r->opt[V_EU].ei_threshold)) ||
              jset(root, "method", json_string("renormalised")) ||
              jset(root, "before", state(r, 0)) || jset(root, "after", state(r, 1)) ||
              (newly = attach(root, "newly_critical", json_array())) == NULL ||
              (gone = attach(root, "no_longer_critical", json_array())) == NULL ||
              (changes = attach(root, "changes", json_array())) == NULL || va_object(r, root) ||
              (notes = attach(root, "notes", json_array())) == NULL ||
              class_lists(r, m->code, newly, gone) ||
              changes_and_notes(r, q, m->code, country, changes, notes);
    for (int v = 0; v < NVARIANTS && !bad; v++) {
        for (int after = 0; after < 2 && !bad; after++) {
            const cm_crit_result_t *res = after ? &r->after[v] : &r->before[v];
            int cls = after ? r->cls_after[v] : r->cls_before[v];
            if (cls >= 0 || (after && r->emptied[v])) {
                continue;
            }
            bad = isnan(res->ei)
                      ? push_note(notes,
                                  "%s class %s undetermined: SR %.3g at or above the threshold, "
                                  "EI not computable (no end-use shares)",
                                  vtext[v], after ? "after" : "before", res->sr)
                      : push_note(notes,
                                  "%s class %s undetermined: SR %.3g, EI range %.3g-%.3g "
                                  "straddles the threshold (%.0f %% of the end uses without a "
                                  "sector)",
                                  vtext[v], after ? "after" : "before", res->sr, res->ei_low,
                                  res->ei_high, 100.0 * res->ei_unassigned);
        }
    }
    bad = bad ||
          push_note(notes,
                    "be_value_added_exposed: value added (OECD IOT of Belgium, EUR million) of "
                    "the Belgian sectors in which %s has an end use, each combined IOT industry "
                    "counted once; the activity that uses the material, not a loss estimate "
                    "(the same for any cut); 'weighted' = sum of end-use share x value added",
                    m->code);
    cm_error_t rc = CM_OK;
    if (bad) {
        rc = cm_error_set(err, CM_ENOMEM, "out of memory building the what-if JSON");
    } else {
        *json = json_dumps(root, JSON_COMPACT | JSON_REAL_PRECISION(17));
        if (*json == NULL) {
            rc = cm_error_set(err, CM_ENOMEM, "out of memory writing the what-if JSON");
        }
    }
    json_decref(root);
    return rc;
}

/* --- the query ------------------------------------------------------------------------ */

static cm_error_t check_wgi(int wgi_year, double wgi_fallback, cm_error_info_t *err)
{
    if (!(wgi_fallback >= 0.0 && wgi_fallback <= 10.0)) {
        return cm_error_set(err, CM_EINVAL,
                            "what-if: expected a WGI fallback 0-10 (0 = none), got %g",
                            wgi_fallback);
    }
    if (wgi_year < 0 || wgi_year > 9999) {
        return cm_error_set(err, CM_EINVAL, "what-if: expected a WGI year, got %d", wgi_year);
    }
    return CM_OK;
}

static cm_error_t check_query(const cm_crit_whatif_query_t *q, cm_error_info_t *err)
{
    if (q->material == NULL || q->material[0] == '\0') {
        return cm_error_set(err, CM_EINVAL, "what-if: expected a material, got none");
    }
    if (q->country == NULL || q->country[0] == '\0') {
        return cm_error_set(err, CM_EINVAL, "what-if: expected a supplier country, got none");
    }
    if (!(q->cut > 0.0 && q->cut <= 1.0)) {
        return cm_error_set(err, CM_EINVAL, "what-if: expected a cut in (0, 1], got %g", q->cut);
    }
    if (!isfinite(q->sr_threshold) || !isfinite(q->ei_threshold)) {
        return cm_error_set(err, CM_EINVAL, "what-if: expected finite thresholds, got %g and %g",
                            q->sr_threshold, q->ei_threshold);
    }
    return check_wgi(q->wgi_year, q->wgi_fallback, err);
}

/* The options of `crit eu` (cli/crit_common.c, cm_cli_crit_eu_options) and `crit be` at the
 * default thresholds. */
static void set_options(cm_crit_whatif_ctx_t *x, int wgi_year, double wgi_fallback)
{
    cm_crit_options_t *o = &x->opt[V_EU];
    cm_crit_options_default(o);
    o->wgi_year = wgi_year != 0 ? wgi_year : CM_CRIT_EU_WGI_YEAR;
    o->ei_published_fallback = 1;
    if (wgi_fallback > 0.0) {
        o->wgi_missing = CM_CRIT_WGI_FALLBACK;
        o->wgi_fallback = wgi_fallback;
    }
    x->opt[V_BE] = *o; /* as `crit be`: no published Belgian EI */
    x->opt[V_BE].ei_published_fallback = 0;
}

/* The context's options at the query's thresholds. */
static void query_options(run_t *r, const cm_crit_whatif_query_t *q)
{
    for (int v = 0; v < NVARIANTS; v++) {
        r->opt[v] = r->ctx->opt[v];
        if (q->sr_threshold > 0.0) {
            r->opt[v].sr_threshold = q->sr_threshold;
        }
        if (q->ei_threshold > 0.0) {
            r->opt[v].ei_threshold = q->ei_threshold;
        }
    }
}

/* Is \p country a share of any stage x scope of the material in either variant? */
static int in_shares(const cm_crit_material_t *a, const cm_crit_material_t *b, const char *country)
{
    const cm_crit_material_t *ms[2] = {a, b};
    for (int k = 0; k < 2; k++) {
        for (int s = 0; s < CM_CRIT_NSTAGES; s++) {
            for (int c = 0; c < CM_CRIT_NSCOPES; c++) {
                const cm_crit_supply_t *sp = &ms[k]->supply[s][c];
                for (size_t i = 0; i < sp->n; i++) {
                    if (strcmp(sp->items[i].country, country) == 0) {
                        return 1;
                    }
                }
            }
        }
    }
    return 0;
}

/* SR and EI of the material \p m[v] in each variant. */
static cm_error_t compute(const run_t *r, const cm_crit_material_t *const m[NVARIANTS],
                          cm_crit_result_t *out, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    for (int v = 0; v < NVARIANTS; v++) {
        cm_real_t va = r->ctx->va[v];
        CM_TRY(cm_crit_compute_material(m[v], r->ctx->scaled, &r->opt[v], isnan(va) ? 1.0 : va,
                                        &out[v], err));
    }
cleanup:
    return rc;
}

void cm_crit_whatif_free(cm_crit_whatif_ctx_t *ctx)
{
    if (ctx == NULL) {
        return;
    }
    cm_crit_inputs_destroy(&ctx->eu);
    cm_crit_inputs_destroy(&ctx->be);
    cm_crit_wgi_destroy(&ctx->wgi);
    cm_crit_be_report_destroy(&ctx->rep);
    cm_free(ctx->scaled);
    cm_free(ctx);
}

cm_error_t cm_crit_whatif_load(cm_store_t *store, int wgi_year, double wgi_fallback,
                               cm_crit_whatif_ctx_t **out, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_crit_whatif_ctx_t *x = NULL;
    if (out != NULL) {
        *out = NULL;
    }
    if (store == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_crit_whatif_load: NULL argument");
    }
    CM_TRY(check_wgi(wgi_year, wgi_fallback, err));
    x = cm_calloc(1, sizeof *x);
    CM_NOMEM(x, err);
    x->store = store;
    x->wgi_year = wgi_year;
    x->wgi_fallback = wgi_fallback;
    set_options(x, wgi_year, wgi_fallback);
    CM_TRY(cm_crit_load_bound(store, NULL, NULL, &x->opt[V_EU], &x->eu, &x->be, &x->rep, &x->wgi,
                              err));
    x->opt[V_BE].va_max = x->rep.va_max;
    if (x->wgi.n > 0) {
        x->scaled = cm_malloc_array(x->wgi.n, sizeof *x->scaled);
        CM_NOMEM(x->scaled, err);
        for (size_t i = 0; i < x->wgi.n; i++) {
            x->scaled[i] = x->wgi.items[i].scaled;
        }
    }
    x->va[V_EU] = cm_crit_va_max(&x->eu, &x->opt[V_EU]);
    x->va[V_BE] = cm_crit_va_max(&x->be, &x->opt[V_BE]);
    *out = x;
    x = NULL;
cleanup:
    cm_crit_whatif_free(x);
    return rc;
}

cm_error_t cm_crit_whatif_compute(const cm_crit_whatif_ctx_t *ctx, const cm_crit_whatif_query_t *q,
                                  char **json, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    run_t r;
    memset(&r, 0, sizeof r);
    if (json != NULL) {
        *json = NULL;
    }
    if (ctx == NULL || q == NULL || json == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_crit_whatif_compute: NULL argument");
    }
    CM_TRY(check_query(q, err));
    if (q->wgi_year != ctx->wgi_year || q->wgi_fallback != ctx->wgi_fallback) {
        CM_FAIL(cm_error_set(err, CM_EINVAL,
                             "what-if: the inputs were loaded with WGI year %d and fallback %g, "
                             "the query asks year %d and fallback %g",
                             ctx->wgi_year, ctx->wgi_fallback, q->wgi_year, q->wgi_fallback));
    }
    r.ctx = ctx;
    query_options(&r, q);

    /* the material and the country: a code as the inputs write it, else through the
     * classifications (aliases: "Co", "Congo, D.R.") */
    const char *code = q->material;
    ptrdiff_t k = cm_crit_inputs_find(&ctx->eu, code);
    if (k < 0) {
        CM_TRY(cm_class_load(ctx->store, "material", &r.materials, err));
        code = cm_class_resolve(r.materials, q->material);
        if (code == NULL) {
            CM_FAIL(cm_error_set(err, CM_EINVAL,
                                 "unknown material '%s' (neither a material of the "
                                 "classification nor of the criticality inputs)",
                                 q->material));
        }
        k = cm_crit_inputs_find(&ctx->eu, code);
        if (k < 0) {
            CM_FAIL(cm_error_set(err, CM_EINVAL,
                                 "material '%s' (%s) has no criticality inputs in the store",
                                 q->material, code));
        }
    }
    const cm_crit_material_t *me = &ctx->eu.materials[k], *mb = &ctx->be.materials[k];
    const char *country = q->country;
    if (!in_shares(me, mb, country) && cm_crit_wgi_find(&ctx->wgi, country) < 0) {
        CM_TRY(cm_class_load(ctx->store, "country", &r.countries, err));
        country = cm_class_resolve(r.countries, q->country);
        if (country == NULL) {
            CM_FAIL(cm_error_set(err, CM_EINVAL,
                                 "unknown country '%s' (neither a country of the classification "
                                 "nor a supplier of %s in the inputs)",
                                 q->country, me->code));
        }
    }
    const cm_crit_material_t *loaded[NVARIANTS] = {me, mb};
    CM_TRY(compute(&r, loaded, r.before, err));
    CM_TRY(copy_shares(me, &r.me, err));
    CM_TRY(copy_shares(mb, &r.mb, err));
    for (int s = 0; s < CM_CRIT_NSTAGES; s++) {
        cm_crit_whatif_cut_t dup;
        CM_TRY(cm_crit_whatif_cut(&r.me.supply[s][CM_CRIT_GLOBAL], country, q->cut,
                                  &r.cut[s][SC_GLOBAL], err));
        CM_TRY(cm_crit_whatif_cut(&r.mb.supply[s][CM_CRIT_GLOBAL], country, q->cut, &dup,
                                  err)); /* the same shares as the EU's */
        CM_TRY(cm_crit_whatif_cut(&r.me.supply[s][CM_CRIT_SOURCING], country, q->cut,
                                  &r.cut[s][SC_EU], err));
        CM_TRY(cm_crit_whatif_cut(&r.mb.supply[s][CM_CRIT_SOURCING], country, q->cut,
                                  &r.cut[s][SC_BE], err));
        for (int c = 0; c < NSCOPES_OUT; c++) {
            r.supplies |= r.cut[s][c].supplies;
        }
        r.emptied[V_EU] |= r.cut[s][SC_GLOBAL].emptied || r.cut[s][SC_EU].emptied;
        r.emptied[V_BE] |= dup.emptied || r.cut[s][SC_BE].emptied;
    }
    const cm_crit_material_t *cut[NVARIANTS] = {&r.me, &r.mb};
    CM_TRY(compute(&r, cut, r.after, err));
    for (int v = 0; v < NVARIANTS; v++) {
        r.cls_before[v] = class_of(&r.before[v], &r.opt[v]);
        r.cls_after[v] = r.emptied[v] ? -1 : class_of(&r.after[v], &r.opt[v]);
    }
    CM_TRY(exposed_va(&r, mb, err));
    CM_TRY(to_json(&r, q, me, country, json, err));
cleanup:
    run_free(&r);
    return rc;
}

cm_error_t cm_crit_whatif_json(cm_store_t *store, const cm_crit_whatif_query_t *q, char **json,
                               cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_crit_whatif_ctx_t *ctx = NULL;
    if (json != NULL) {
        *json = NULL;
    }
    if (store == NULL || q == NULL || json == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_crit_whatif_json: NULL argument");
    }
    CM_TRY(check_query(q, err));
    CM_TRY(cm_crit_whatif_load(store, q->wgi_year, q->wgi_fallback, &ctx, err));
    CM_TRY(cm_crit_whatif_compute(ctx, q, json, err));
cleanup:
    cm_crit_whatif_free(ctx);
    return rc;
}

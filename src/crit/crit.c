/* EU criticality method: formulas, input building, binding to the WGI table, computation and
 * comparison with published values (METHODS.md B.1; docs/crit.md). */
#include "cambium/cm_crit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/cm_internal.h"
#include "crit/crit_internal.h"

/* Slack when comparing values that went through decimal text (thresholds, rounding). */
#define CRIT_EPS 1e-9

void cm_crit_options_default(cm_crit_options_t *opt)
{
    if (opt == NULL) {
        return;
    }
    memset(opt, 0, sizeof *opt);
    opt->sr_threshold = 1.0;
    opt->ei_threshold = 2.8;
    opt->wgi_year = 0;
    opt->wgi_years = 1;
    opt->wgi_missing = CM_CRIT_WGI_ERROR;
    opt->wgi_fallback = NAN;
    opt->renormalise = 0;
    opt->share_tolerance = 0.02;
    opt->round_decision = 1;
    opt->va_max = NAN;
    opt->use_published_mode = 1;
    opt->ei_pro_rata = 0;
    opt->ei_published_fallback = 0;
    opt->ir_zero_sourcing = 1;
    opt->group_shares_complete = 0;
}

cm_real_t cm_crit_wgi_scale(cm_real_t mean)
{
    return 2.0 * (2.5 - mean);
}

cm_real_t cm_crit_round1(cm_real_t x)
{
    if (isnan(x)) {
        return x;
    }
    /* The small nudge keeps values like 0.35 (stored as 0.34999...) rounding as written. */
    cm_real_t r = x < 0 ? -floor(-x * 10.0 + 0.5 + 1e-9) : floor(x * 10.0 + 0.5 + 1e-9);
    return r / 10.0;
}

cm_real_t cm_crit_sr_stage(cm_crit_mode_t mode, cm_real_t hhi_gs, cm_real_t hhi_src,
                           cm_real_t ir, cm_real_t eol_rir, cm_real_t si_sr)
{
    cm_real_t core;
    switch (mode) {
    case CM_CRIT_MODE_BLEND:
        core = hhi_gs * ir / 2.0 + hhi_src * (1.0 - ir / 2.0);
        break;
    case CM_CRIT_MODE_GS_ONLY:
        core = hhi_gs;
        break;
    case CM_CRIT_MODE_SRC_ONLY:
        core = hhi_src;
        break;
    case CM_CRIT_MODE_AUTO:
    default:
        return NAN;
    }
    return core * (1.0 - eol_rir) * si_sr;
}

const char *cm_crit_note_text(unsigned note)
{
    switch (note) {
    case CM_CRIT_NOTE_WGI_FALLBACK: return "WGI fallback value used for a country";
    case CM_CRIT_NOTE_SHARES_OFF: return "supply shares do not sum to 100 %";
    case CM_CRIT_NOTE_RENORMALISED: return "supply shares renormalised";
    case CM_CRIT_NOTE_NO_IR: return "import reliance unknown: global supply only";
    case CM_CRIT_NOTE_NO_SOURCING: return "no sourcing shares: global supply only";
    case CM_CRIT_NOTE_NO_GLOBAL: return "no global shares: sourcing only";
    case CM_CRIT_NOTE_NO_SHARES: return "assessed stage without supply shares";
    case CM_CRIT_NOTE_NO_EOL: return "EoL-RIR unknown: taken as 0";
    case CM_CRIT_NOTE_NO_SI_SR: return "SI_SR unknown: taken as 1";
    case CM_CRIT_NOTE_NO_SI_EI: return "SI_EI unknown: taken as 1";
    case CM_CRIT_NOTE_NO_ENDUSES: return "no end uses: no EI";
    case CM_CRIT_NOTE_ENDUSES_OFF: return "end-use shares do not sum to 100 %";
    case CM_CRIT_NOTE_WITHHELD: return "a withheld share counted as 0";
    case CM_CRIT_NOTE_EI_PUBLISHED: return "no end uses: published EI used";
    case CM_CRIT_NOTE_NO_SECTOR: return "end uses without a sector value added";
    case CM_CRIT_NOTE_IR_ZERO: return "import reliance 0: EU sourcing value used";
    case CM_CRIT_NOTE_EI_UNDETERMINED:
        return "end uses without a sector: EI range straddles the threshold";
    default: return "";
    }
}

const char *cm_crit_mode_name(cm_crit_mode_t mode)
{
    switch (mode) {
    case CM_CRIT_MODE_BLEND: return "GS+EU";
    case CM_CRIT_MODE_GS_ONLY: return "GSonly";
    case CM_CRIT_MODE_SRC_ONLY: return "EUonly";
    case CM_CRIT_MODE_AUTO:
    default: return "auto";
    }
}

cm_error_t cm_crit_mode_parse(const char *text, cm_crit_mode_t *mode, cm_error_info_t *err)
{
    if (text == NULL || mode == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_crit_mode_parse: NULL argument");
    }
    if (strcasecmp(text, "GS+EU") == 0) {
        *mode = CM_CRIT_MODE_BLEND;
    } else if (strcasecmp(text, "GSonly") == 0) {
        *mode = CM_CRIT_MODE_GS_ONLY;
    } else if (strcasecmp(text, "EUonly") == 0 || strcasecmp(text, "EU") == 0) {
        *mode = CM_CRIT_MODE_SRC_ONLY;
    } else if (strcasecmp(text, "auto") == 0) {
        *mode = CM_CRIT_MODE_AUTO;
    } else {
        return cm_error_set(err, CM_EINVAL,
                            "expected a sourcing mode GS+EU, GSonly, EUonly or auto, got '%s'",
                            text);
    }
    return CM_OK;
}

const char *cm_crit_stage_name(int stage)
{
    if (stage == CM_CRIT_EXTRACTION) {
        return "extraction";
    }
    if (stage == CM_CRIT_PROCESSING) {
        return "processing";
    }
    return "";
}

/* --- building inputs ------------------------------------------------------------------- */

static void material_init(cm_crit_material_t *m)
{
    memset(m, 0, sizeof *m);
    for (int s = 0; s < CM_CRIT_NSTAGES; s++) {
        m->import_reliance[s] = NAN;
        m->published.sr_stage[s] = NAN;
        m->published.mode[s] = CM_CRIT_MODE_AUTO;
        m->mode[s] = CM_CRIT_MODE_AUTO;
    }
    m->eol_rir = NAN;
    m->si_sr = NAN;
    m->si_ei = NAN;
    m->published.sr = NAN;
    m->published.ei = NAN;
    m->published.used_stage = -1;
}

static void material_destroy(cm_crit_material_t *m)
{
    cm_free(m->code);
    cm_free(m->name);
    for (int s = 0; s < CM_CRIT_NSTAGES; s++) {
        for (int c = 0; c < CM_CRIT_NSCOPES; c++) {
            cm_free(m->supply[s][c].items);
        }
    }
    for (size_t i = 0; i < m->n_enduses; i++) {
        cm_free(m->enduses[i].application);
    }
    cm_free(m->enduses);
    memset(m, 0, sizeof *m);
}

void cm_crit_inputs_destroy(cm_crit_inputs_t *in)
{
    if (in == NULL) {
        return;
    }
    for (size_t i = 0; i < in->n; i++) {
        material_destroy(&in->materials[i]);
    }
    cm_free(in->materials);
    memset(in, 0, sizeof *in);
}

ptrdiff_t cm_crit_inputs_find(const cm_crit_inputs_t *in, const char *code)
{
    if (in == NULL || code == NULL) {
        return -1;
    }
    for (size_t i = 0; i < in->n; i++) {
        if (strcmp(in->materials[i].code, code) == 0) {
            return (ptrdiff_t)i;
        }
    }
    return -1;
}

cm_error_t cm_crit_inputs_add(cm_crit_inputs_t *in, const char *code, const char *name,
                              size_t *index, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    if (in == NULL || code == NULL || code[0] == '\0') {
        return cm_error_set(err, CM_EINVAL, "cm_crit_inputs_add: a material code is required");
    }
    if (cm_crit_inputs_find(in, code) >= 0) {
        return cm_error_set(err, CM_EINVAL, "material '%s' is already in the inputs", code);
    }
    if (in->n == in->cap) {
        size_t cap = in->cap ? in->cap * 2 : 16;
        cm_crit_material_t *p = cm_realloc_array(in->materials, cap, sizeof *p);
        CM_NOMEM(p, err);
        in->materials = p;
        in->cap = cap;
    }
    cm_crit_material_t *m = &in->materials[in->n];
    material_init(m);
    m->code = cm_strdup(code);
    m->name = cm_strdup(name != NULL ? name : code);
    if (m->code == NULL || m->name == NULL) {
        material_destroy(m);
        CM_NOMEM(NULL, err);
    }
    if (index != NULL) {
        *index = in->n;
    }
    in->n++;
cleanup:
    return rc;
}

static int valid_stage_scope(int stage, int scope)
{
    return stage >= 0 && stage < CM_CRIT_NSTAGES && scope >= 0 && scope < CM_CRIT_NSCOPES;
}

cm_error_t cm_crit_material_add_share(cm_crit_material_t *m, int stage, int scope,
                                      const char *country, cm_real_t share, cm_real_t t,
                                      unsigned flags, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    if (m == NULL || country == NULL || !valid_stage_scope(stage, scope)) {
        return cm_error_set(err, CM_EINVAL,
                            "cm_crit_material_add_share: NULL argument or bad stage/scope");
    }
    const char *mat = m->code != NULL ? m->code : "?";
    size_t len = strlen(country);
    if (len == 0 || len >= CM_CRIT_CODE_MAX) {
        return cm_error_set(err, CM_EINVAL,
                            "%s: expected a country code of 1 to %d characters, got '%s'", mat,
                            CM_CRIT_CODE_MAX - 1, country);
    }
    if (!isfinite(share) || share < 0.0 || share > 1.0) {
        return cm_error_set(err, CM_EINVAL,
                            "%s, %s: expected a share between 0 and 1, got %.17g", mat, country,
                            share);
    }
    if (isnan(t)) {
        t = 1.0;
    }
    if (!isfinite(t) || t < 0.0) {
        return cm_error_set(err, CM_EINVAL,
                            "%s, %s: expected a trade parameter t >= 0, got %.17g", mat, country,
                            t);
    }
    cm_crit_supply_t *s = &m->supply[stage][scope];
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        cm_crit_share_t *p = cm_realloc_array(s->items, cap, sizeof *p);
        CM_NOMEM(p, err);
        s->items = p;
        s->cap = cap;
    }
    cm_crit_share_t *sh = &s->items[s->n++];
    memset(sh, 0, sizeof *sh);
    memcpy(sh->country, country, len + 1);
    sh->share = share;
    sh->t = t;
    sh->flags = flags;
    sh->wgi = CM_CRIT_WGI_UNBOUND;
    m->assessed[stage] = 1;
cleanup:
    return rc;
}

cm_crit_share_t *cm_crit_material_find_share(cm_crit_material_t *m, int stage, int scope,
                                             const char *country)
{
    if (m == NULL || country == NULL || !valid_stage_scope(stage, scope)) {
        return NULL;
    }
    cm_crit_supply_t *s = &m->supply[stage][scope];
    for (size_t i = 0; i < s->n; i++) {
        if (strcmp(s->items[i].country, country) == 0) {
            return &s->items[i];
        }
    }
    return NULL;
}

cm_error_t cm_crit_material_add_enduse(cm_crit_material_t *m, const char *application,
                                       const char *nace, cm_real_t share,
                                       cm_real_t value_added, unsigned flags,
                                       cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    if (m == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_crit_material_add_enduse: NULL material");
    }
    const char *mat = m->code != NULL ? m->code : "?";
    size_t len = nace != NULL ? strlen(nace) : 0;
    if (len >= CM_CRIT_NACE_MAX) {
        return cm_error_set(err, CM_EINVAL, "%s: expected a NACE code of at most %d characters, "
                            "got '%s'", mat, CM_CRIT_NACE_MAX - 1, nace);
    }
    if (!isfinite(share) || share < 0.0 || share > 1.0) {
        return cm_error_set(err, CM_EINVAL, "%s: expected an end-use share between 0 and 1, "
                            "got %.17g", mat, share);
    }
    if (isinf(value_added) || value_added < 0.0) {
        return cm_error_set(err, CM_EINVAL, "%s: expected a value added >= 0, got %.17g", mat,
                            value_added);
    }
    if (m->n_enduses == m->cap_enduses) {
        size_t cap = m->cap_enduses ? m->cap_enduses * 2 : 8;
        cm_crit_enduse_t *p = cm_realloc_array(m->enduses, cap, sizeof *p);
        CM_NOMEM(p, err);
        m->enduses = p;
        m->cap_enduses = cap;
    }
    cm_crit_enduse_t *e = &m->enduses[m->n_enduses];
    memset(e, 0, sizeof *e);
    if (application != NULL) {
        e->application = cm_strdup(application);
        CM_NOMEM(e->application, err);
    }
    if (len > 0) {
        memcpy(e->nace, nace, len + 1);
    }
    e->share = share;
    e->value_added = value_added;
    e->flags = flags;
    m->n_enduses++;
cleanup:
    return rc;
}

cm_error_t cm_crit_inputs_copy(cm_crit_inputs_t *dst, const cm_crit_inputs_t *src,
                               cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    if (dst == NULL || src == NULL || dst == src) {
        return cm_error_set(err, CM_EINVAL, "cm_crit_inputs_copy: NULL or identical arguments");
    }
    cm_crit_inputs_destroy(dst);
    memcpy(dst->region, src->region, sizeof dst->region);
    if (src->n == 0) {
        return CM_OK;
    }
    dst->materials = cm_calloc(src->n, sizeof *dst->materials);
    CM_NOMEM(dst->materials, err);
    dst->cap = src->n;
    for (size_t i = 0; i < src->n; i++) {
        const cm_crit_material_t *a = &src->materials[i];
        cm_crit_material_t *b = &dst->materials[i];
        *b = *a;
        b->code = NULL;
        b->name = NULL;
        b->enduses = NULL;
        b->n_enduses = b->cap_enduses = 0;
        for (int s = 0; s < CM_CRIT_NSTAGES; s++) {
            for (int c = 0; c < CM_CRIT_NSCOPES; c++) {
                b->supply[s][c].items = NULL;
                b->supply[s][c].n = b->supply[s][c].cap = 0;
            }
        }
        dst->n = i + 1; /* b is now safe to destroy */
        b->code = cm_strdup(a->code);
        CM_NOMEM(b->code, err);
        b->name = cm_strdup(a->name);
        CM_NOMEM(b->name, err);
        for (int s = 0; s < CM_CRIT_NSTAGES; s++) {
            for (int c = 0; c < CM_CRIT_NSCOPES; c++) {
                const cm_crit_supply_t *sa = &a->supply[s][c];
                if (sa->n == 0) {
                    continue;
                }
                cm_crit_share_t *items = cm_malloc_array(sa->n, sizeof *items);
                CM_NOMEM(items, err);
                memcpy(items, sa->items, sa->n * sizeof *items);
                b->supply[s][c].items = items;
                b->supply[s][c].n = b->supply[s][c].cap = sa->n;
            }
        }
        if (a->n_enduses > 0) {
            b->enduses = cm_calloc(a->n_enduses, sizeof *b->enduses);
            CM_NOMEM(b->enduses, err);
            b->cap_enduses = a->n_enduses;
            for (size_t k = 0; k < a->n_enduses; k++) {
                b->enduses[k] = a->enduses[k];
                b->enduses[k].application = NULL;
                b->n_enduses = k + 1;
                if (a->enduses[k].application != NULL) {
                    b->enduses[k].application = cm_strdup(a->enduses[k].application);
                    CM_NOMEM(b->enduses[k].application, err);
                }
            }
        }
    }
cleanup:
    if (rc != CM_OK) {
        cm_crit_inputs_destroy(dst);
    }
    return rc;
}

/* --- WGI table ------------------------------------------------------------------------- */

_Static_assert(offsetof(cm_crit_wgi_entry_t, country) == 0, "country leads a WGI entry");

ptrdiff_t cm_crit_wgi_find(const cm_crit_wgi_t *wgi, const char *country)
{
    if (wgi == NULL || country == NULL) {
        return -1;
    }
    return cm_i_crit_country_find(wgi->items, wgi->n, sizeof *wgi->items, country);
}

cm_error_t cm_crit_wgi_set(cm_crit_wgi_t *wgi, const char *country, cm_real_t mean,
                           cm_real_t se, int n_estimates, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    if (wgi == NULL || country == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_crit_wgi_set: NULL argument");
    }
    size_t len = strlen(country);
    if (len == 0 || len >= CM_CRIT_CODE_MAX) {
        return cm_error_set(err, CM_EINVAL, "expected a country code of 1 to %d characters, "
                            "got '%s'", CM_CRIT_CODE_MAX - 1, country);
    }
    if (!isfinite(mean)) {
        return cm_error_set(err, CM_EINVAL, "WGI of %s: expected a finite mean, got %.17g",
                            country, mean);
    }
    /* position: first item >= country */
    size_t lo = cm_i_crit_country_lower_bound(wgi->items, wgi->n, sizeof *wgi->items, country);
    if (lo == wgi->n || strcmp(wgi->items[lo].country, country) != 0) {
        if (wgi->n == wgi->cap) {
            size_t cap = wgi->cap ? wgi->cap * 2 : 64;
            cm_crit_wgi_entry_t *p = cm_realloc_array(wgi->items, cap, sizeof *p);
            CM_NOMEM(p, err);
            wgi->items = p;
            wgi->cap = cap;
        }
        memmove(&wgi->items[lo + 1], &wgi->items[lo], (wgi->n - lo) * sizeof *wgi->items);
        wgi->n++;
        memset(&wgi->items[lo], 0, sizeof wgi->items[lo]);
        memcpy(wgi->items[lo].country, country, len + 1);
    }
    cm_crit_wgi_entry_t *e = &wgi->items[lo];
    e->mean = mean;
    e->se = se;
    e->scaled = cm_crit_wgi_scale(mean);
    e->scaled_se = 2.0 * se;
    e->n_estimates = n_estimates;
cleanup:
    return rc;
}

void cm_crit_wgi_destroy(cm_crit_wgi_t *wgi)
{
    if (wgi == NULL) {
        return;
    }
    cm_free(wgi->items);
    memset(wgi, 0, sizeof *wgi);
}

/* --- binding and computing ------------------------------------------------------------- */

cm_error_t cm_crit_bind(cm_crit_inputs_t *in, const cm_crit_wgi_t *wgi,
                        const cm_crit_options_t *opt, cm_error_info_t *err)
{
    if (in == NULL || wgi == NULL || opt == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_crit_bind: NULL argument");
    }
    int fallback = opt->wgi_missing == CM_CRIT_WGI_FALLBACK;
    if (fallback && !isfinite(opt->wgi_fallback)) {
        return cm_error_set(err, CM_EINVAL,
                            "the WGI fallback must be a finite scaled value (0-10), got %.17g",
                            opt->wgi_fallback);
    }
    for (size_t i = 0; i < in->n; i++) {
        cm_crit_material_t *m = &in->materials[i];
        for (int s = 0; s < CM_CRIT_NSTAGES; s++) {
            for (int c = 0; c < CM_CRIT_NSCOPES; c++) {
                cm_crit_supply_t *sup = &m->supply[s][c];
                for (size_t k = 0; k < sup->n; k++) {
                    cm_crit_share_t *sh = &sup->items[k];
                    ptrdiff_t idx = cm_crit_wgi_find(wgi, sh->country);
                    if (idx < 0 && !fallback) {
                        return cm_error_set(err, CM_ENOTFOUND,
                                            "country '%s' (%s, %s, %s supply) is not in the WGI "
                                            "table; give a fallback value to use instead",
                                            sh->country, m->code, cm_crit_stage_name(s),
                                            c == CM_CRIT_GLOBAL ? "global" : "sourcing");
                    }
                    sh->wgi = idx < 0 ? -1 : (int32_t)idx;
                }
            }
        }
    }
    return CM_OK;
}

cm_real_t cm_crit_hhi_wgi(const cm_crit_supply_t *s, const cm_real_t *wgi_scaled,
                          cm_real_t fallback, int renorm, cm_real_t *hhi)
{
    if (hhi != NULL) {
        *hhi = NAN;
    }
    if (s == NULL || s->n == 0) {
        return NAN;
    }
    cm_real_t sum = 0.0;
    for (size_t k = 0; k < s->n; k++) {
        sum += s->items[k].share;
    }
    cm_real_t scale = (renorm && sum > 0.0) ? 1.0 / sum : 1.0;
    cm_real_t h = 0.0, plain = 0.0;
    for (size_t k = 0; k < s->n; k++) {
        const cm_crit_share_t *sh = &s->items[k];
        cm_real_t x = sh->share * scale;
        cm_real_t w = (sh->wgi >= 0 && wgi_scaled != NULL) ? wgi_scaled[sh->wgi] : fallback;
        h += x * x * w * sh->t;
        plain += x * x;
    }
    if (hhi != NULL) {
        *hhi = plain;
    }
    return h;
}

static cm_real_t share_sum(const cm_crit_supply_t *s, unsigned *notes)
{
    cm_real_t sum = 0.0;
    for (size_t k = 0; k < s->n; k++) {
        sum += s->items[k].share;
        if (s->items[k].flags & CM_CRIT_SHARE_W) {
            *notes |= CM_CRIT_NOTE_WITHHELD;
        }
        if (s->items[k].wgi == -1) {
            *notes |= CM_CRIT_NOTE_WGI_FALLBACK;
        }
    }
    return sum;
}

/* The mode a stage uses given what is present; notes say why it differs from the wanted one. */
static cm_crit_mode_t choose_mode(cm_crit_mode_t want, int has_gs, int has_src, int has_ir,
                                  unsigned *notes)
{
    if (want == CM_CRIT_MODE_AUTO) {
        if (has_gs && has_src && has_ir) {
            return CM_CRIT_MODE_BLEND;
        }
        want = has_gs ? CM_CRIT_MODE_GS_ONLY : CM_CRIT_MODE_SRC_ONLY;
        if (has_gs && has_src && !has_ir) {
            *notes |= CM_CRIT_NOTE_NO_IR;
        }
    }
    switch (want) {
    case CM_CRIT_MODE_BLEND:
        if (!has_src) {
            *notes |= CM_CRIT_NOTE_NO_SOURCING;
            return has_gs ? CM_CRIT_MODE_GS_ONLY : CM_CRIT_MODE_AUTO;
        }
        if (!has_gs) {
            *notes |= CM_CRIT_NOTE_NO_GLOBAL;
            return CM_CRIT_MODE_SRC_ONLY;
        }
        if (!has_ir) {
            *notes |= CM_CRIT_NOTE_NO_IR;
            return CM_CRIT_MODE_GS_ONLY;
        }
        return CM_CRIT_MODE_BLEND;
    case CM_CRIT_MODE_GS_ONLY:
        if (has_gs) {
            return CM_CRIT_MODE_GS_ONLY;
        }
        if (has_src) {
            *notes |= CM_CRIT_NOTE_NO_GLOBAL;
            return CM_CRIT_MODE_SRC_ONLY;
        }
        return CM_CRIT_MODE_AUTO;
    case CM_CRIT_MODE_SRC_ONLY:
    default:
        if (has_src) {
            return CM_CRIT_MODE_SRC_ONLY;
        }
        if (has_gs) {
            *notes |= CM_CRIT_NOTE_NO_SOURCING;
            return CM_CRIT_MODE_GS_ONLY;
        }
        return CM_CRIT_MODE_AUTO;
    }
}

static int at_least(cm_real_t x, cm_real_t threshold, int round_decision)
{
    if (isnan(x)) {
        return 0;
    }
    if (round_decision) {
        x = cm_crit_round1(x);
    }
    return x >= threshold - CRIT_EPS;
}

/* EI of a material with end uses (docs/crit.md, choices 8-10). The published percentages
 * are rounded, so a share sum within half a point per end use of 100 % is rounding and the
 * shares are divided by it; beyond that the sum is noted and divided only with
 * opt->renormalise. End uses without a sector value added ("Other") add nothing (or the
 * material's mean, pro rata); they leave EI in [ei_low, ei_high] either way. */
static void compute_ei(const cm_crit_material_t *m, const cm_crit_options_t *opt,
                       cm_real_t va_max, cm_crit_result_t *r)
{
    cm_real_t sum = 0.0, assigned = 0.0, all = 0.0;
    for (size_t k = 0; k < m->n_enduses; k++) {
        const cm_crit_enduse_t *e = &m->enduses[k];
        all += e->share;
        if (isnan(e->value_added)) {
            continue;
        }
        sum += e->share * e->value_added;
        assigned += e->share;
    }
    cm_real_t unassigned = all - assigned;
    int rounding = fabs(all - 1.0) <= 0.005 * (cm_real_t)m->n_enduses + CRIT_EPS;
    cm_real_t norm = 1.0;
    if (!rounding) {
        r->notes |= CM_CRIT_NOTE_ENDUSES_OFF;
    }
    if ((rounding || opt->renormalise) && all > 0.0) {
        norm = all;
    }
    cm_real_t si_ei = m->si_ei;
    if (isnan(si_ei)) {
        si_ei = 1.0;
        r->notes |= CM_CRIT_NOTE_NO_SI_EI;
    }
    cm_real_t scale = 10.0 / va_max * si_ei / norm;
    r->ei_unassigned = unassigned > CRIT_EPS ? unassigned / norm : 0.0;
    r->ei_low = sum * scale;
    r->ei_high = (sum + (unassigned > CRIT_EPS ? unassigned : 0.0) * va_max) * scale;
    cm_real_t point = sum;
    if (unassigned > CRIT_EPS) {
        r->notes |= CM_CRIT_NOTE_NO_SECTOR;
        if (opt->ei_pro_rata && assigned > 0.0) {
            point += unassigned * (sum / assigned);
        }
    }
    r->ei_sum = point / norm;
    r->ei = point * scale;
    r->ei_complete = unassigned <= CRIT_EPS && rounding && !isnan(m->si_ei);
    if (unassigned > CRIT_EPS &&
        at_least(r->ei_low, opt->ei_threshold, opt->round_decision) !=
            at_least(r->ei_high, opt->ei_threshold, opt->round_decision)) {
        r->notes |= CM_CRIT_NOTE_EI_UNDETERMINED;
        if (opt->ei_published_fallback && !isnan(m->published.ei)) {
            r->ei = m->published.ei;
            r->notes |= CM_CRIT_NOTE_EI_PUBLISHED;
        } else {
            r->undetermined = 1;
        }
    }
}

cm_error_t cm_crit_compute_material(const cm_crit_material_t *m, const cm_real_t *wgi_scaled,
                                    const cm_crit_options_t *opt, cm_real_t va_max,
                                    cm_crit_result_t *r, cm_error_info_t *err)
{
    if (m == NULL || opt == NULL || r == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_crit_compute_material: NULL argument");
    }
    if (!(va_max > 0.0) || isinf(va_max)) {
        return cm_error_set(err, CM_EINVAL, "the EI scaling value added must be > 0, got %.17g",
                            va_max);
    }
    memset(r, 0, sizeof *r);
    r->sr = NAN;
    r->sr_stage = -1;
    r->va_max = va_max;
    int renorm = opt->renormalise != 0;
    cm_real_t eol = m->eol_rir, si_sr = m->si_sr;
    unsigned common = 0;
    if (isnan(eol)) {
        eol = 0.0;
        common |= CM_CRIT_NOTE_NO_EOL;
    }
    if (isnan(si_sr)) {
        si_sr = 1.0;
        common |= CM_CRIT_NOTE_NO_SI_SR;
    }
    for (int s = 0; s < CM_CRIT_NSTAGES; s++) {
        cm_crit_stage_result_t *st = &r->stage[s];
        st->mode = CM_CRIT_MODE_AUTO;
        st->ir = NAN;
        st->sr = NAN;
        for (int c = 0; c < CM_CRIT_NSCOPES; c++) {
            st->hhi_wgi[c] = NAN;
            st->hhi[c] = NAN;
            st->share_sum[c] = NAN;
        }
        if (!m->assessed[s]) {
            continue;
        }
        unsigned notes = 0;
        for (int c = 0; c < CM_CRIT_NSCOPES; c++) {
            const cm_crit_supply_t *sup = &m->supply[s][c];
            if (sup->n == 0) {
                continue;
            }
            st->share_sum[c] = share_sum(sup, &notes);
            if (fabs(st->share_sum[c] - 1.0) > opt->share_tolerance) {
                notes |= renorm ? CM_CRIT_NOTE_RENORMALISED : CM_CRIT_NOTE_SHARES_OFF;
            }
            st->hhi_wgi[c] = cm_crit_hhi_wgi(sup, wgi_scaled, opt->wgi_fallback, renorm,
                                             &st->hhi[c]);
        }
        cm_real_t ir = m->import_reliance[s];
        cm_crit_mode_t want = m->mode[s];
        if (want == CM_CRIT_MODE_AUTO && opt->use_published_mode) {
            want = m->published.mode[s];
        }
        int has_gs = m->supply[s][CM_CRIT_GLOBAL].n > 0;
        int has_src = m->supply[s][CM_CRIT_SOURCING].n > 0;
        /* IR = 0: the global term's weight IR/2 is 0, so the published formula is the
         * sourcing value and needs no global shares (docs/crit.md, choice 5) */
        if (opt->ir_zero_sourcing && ir == 0.0 && has_src &&
            (want == CM_CRIT_MODE_GS_ONLY || (want == CM_CRIT_MODE_BLEND && !has_gs))) {
            want = CM_CRIT_MODE_SRC_ONLY;
            notes |= CM_CRIT_NOTE_IR_ZERO;
        }
        st->mode = choose_mode(want, has_gs, has_src, !isnan(ir), &notes);
        if (st->mode == CM_CRIT_MODE_AUTO) {
            notes |= CM_CRIT_NOTE_NO_SHARES;
            st->notes = notes;
            r->notes |= notes;
            continue;
        }
        st->assessed = 1;
        if (st->mode == CM_CRIT_MODE_BLEND) {
            st->ir = ir;
        }
        st->sr = cm_crit_sr_stage(st->mode, st->hhi_wgi[CM_CRIT_GLOBAL],
                                  st->hhi_wgi[CM_CRIT_SOURCING], ir, eol, si_sr);
        notes |= common;
        st->complete = (notes & (CM_CRIT_NOTE_NO_IR | CM_CRIT_NOTE_NO_SOURCING |
                                 CM_CRIT_NOTE_NO_GLOBAL | CM_CRIT_NOTE_NO_EOL |
                                 CM_CRIT_NOTE_NO_SI_SR | CM_CRIT_NOTE_WGI_FALLBACK)) == 0;
        unsigned from_group = s == CM_CRIT_EXTRACTION ? CM_CRIT_MAT_SRC_FROM_GROUP_E
                                                      : CM_CRIT_MAT_SRC_FROM_GROUP_P;
        if ((m->flags & from_group) && st->mode != CM_CRIT_MODE_GS_ONLY &&
            !opt->group_shares_complete) {
            st->complete = 0; /* borrowed sourcing shares: not the material's own inputs */
        }
        st->notes = notes;
        r->notes |= notes;
        if (isnan(r->sr) || st->sr > r->sr) {
            r->sr = st->sr;
            r->sr_stage = s;
        }
    }
    /* economic importance */
    r->ei_sum = NAN;
    r->ei = NAN;
    r->ei_low = NAN;
    r->ei_high = NAN;
    r->ei_unassigned = NAN;
    if (m->n_enduses == 0) {
        r->notes |= CM_CRIT_NOTE_NO_ENDUSES;
        if (opt->ei_published_fallback && !isnan(m->published.ei)) {
            r->ei = m->published.ei;
            r->notes |= CM_CRIT_NOTE_EI_PUBLISHED;
        }
    } else {
        compute_ei(m, opt, va_max, r);
    }
    r->critical = at_least(r->sr, opt->sr_threshold, opt->round_decision) &&
                  at_least(r->ei, opt->ei_threshold, opt->round_decision);
    return CM_OK;
}

cm_real_t cm_crit_va_max(const cm_crit_inputs_t *in, const cm_crit_options_t *opt)
{
    if (opt != NULL && opt->va_max > 0.0 && isfinite(opt->va_max)) {
        return opt->va_max;
    }
    cm_real_t mx = NAN;
    if (in == NULL) {
        return mx;
    }
    for (size_t i = 0; i < in->n; i++) {
        const cm_crit_material_t *m = &in->materials[i];
        for (size_t k = 0; k < m->n_enduses; k++) {
            cm_real_t v = m->enduses[k].value_added;
            if (!isnan(v) && (isnan(mx) || v > mx)) {
                mx = v;
            }
        }
    }
    return mx;
}

cm_error_t cm_crit_compute(const cm_crit_inputs_t *in, const cm_crit_wgi_t *wgi,
                           const cm_crit_options_t *opt, cm_crit_results_t *out,
                           cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_real_t *scaled = NULL;
    if (in == NULL || wgi == NULL || opt == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_crit_compute: NULL argument");
    }
    CM_TRY(cm_i_crit_check_bound(in, wgi, NULL, err));
    cm_real_t va_max = cm_crit_va_max(in, opt);
    if (isnan(va_max)) {
        va_max = 1.0; /* no end uses anywhere: EI is NaN for every material anyway */
    }
    if (out->cap < in->n) {
        cm_crit_result_t *p = cm_realloc_array(out->items, in->n, sizeof *p);
        CM_NOMEM(p, err);
        out->items = p;
        out->cap = in->n;
    }
    out->n = 0;
    if (wgi->n > 0) {
        scaled = cm_malloc_array(wgi->n, sizeof *scaled);
        CM_NOMEM(scaled, err);
        for (size_t k = 0; k < wgi->n; k++) {
            scaled[k] = wgi->items[k].scaled;
        }
    }
    for (size_t i = 0; i < in->n; i++) {
        CM_TRY(cm_crit_compute_material(&in->materials[i], scaled, opt, va_max, &out->items[i],
                                        err));
        out->n = i + 1;
    }
cleanup:
    cm_free(scaled);
    return rc;
}

void cm_crit_results_destroy(cm_crit_results_t *res)
{
    if (res == NULL) {
        return;
    }
    cm_free(res->items);
    memset(res, 0, sizeof *res);
}

cm_error_t cm_crit_match(const cm_crit_inputs_t *in, const cm_crit_results_t *res,
                         const cm_crit_options_t *opt, cm_real_t tolerance,
                         cm_crit_match_t *out, cm_error_info_t *err)
{
    if (in == NULL || res == NULL || opt == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_crit_match: NULL argument");
    }
    if (in->n != res->n) {
        return cm_error_set(err, CM_EINVAL, "cm_crit_match: %zu materials but %zu results",
                            in->n, res->n);
    }
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < in->n; i++) {
        const cm_crit_material_t *m = &in->materials[i];
        const cm_crit_result_t *r = &res->items[i];
        if (m->flags & CM_CRIT_MAT_GROUP) {
            continue;
        }
        for (int s = 0; s < CM_CRIT_NSTAGES; s++) {
            const cm_crit_stage_result_t *st = &r->stage[s];
            if (isnan(m->published.sr_stage[s]) || !st->assessed || !st->complete) {
                continue;
            }
            out->sr_pairs++;
            if (fabs(cm_crit_round1(st->sr) - m->published.sr_stage[s]) <= tolerance + CRIT_EPS) {
                out->sr_matched++;
            }
        }
        if (!isnan(m->published.ei) && r->ei_complete && !(r->notes & CM_CRIT_NOTE_EI_PUBLISHED)) {
            out->ei_pairs++;
            if (fabs(cm_crit_round1(r->ei) - m->published.ei) <= tolerance + CRIT_EPS) {
                out->ei_matched++;
            }
        }
        if (r->critical) {
            out->critical_computed++;
        }
        int pub_crit = at_least(m->published.sr, opt->sr_threshold, 0) &&
                       at_least(m->published.ei, opt->ei_threshold, 0);
        if (pub_crit) {
            out->critical_published++;
        }
        if (!isnan(m->published.sr) && !isnan(m->published.ei) && !isnan(r->sr) &&
            !isnan(r->ei)) {
            out->critical_compared++;
            if (pub_crit == (r->critical != 0)) {
                out->critical_agree++;
            }
        }
    }
    return CM_OK;
}

/* Distributions of the criticality Monte Carlo: defaults, names, checks and the
 * distributions file (key = value format; docs/crit-uncertainty.md). */
#include <math.h>
#include <string.h>

#include "cambium/cm_crit_mc.h"
#include "cambium/cm_kv.h"
#include "core/cm_internal.h"

static const char *const input_names[CM_CRIT_MC_NINPUTS] = {
    "wgi", "shares", "import_reliance", "eol_rir", "si_sr", "si_ei", "value_added"};

static const char *const kind_names[] = {"none", "uniform", "triangular", "normal", "dirichlet"};
#define NKINDS (sizeof kind_names / sizeof kind_names[0])

const char *cm_crit_mc_input_name(cm_crit_mc_input_t input)
{
    if ((int)input < 0 || input >= CM_CRIT_MC_NINPUTS) {
        return "";
    }
    return input_names[input];
}

const char *cm_crit_mc_kind_name(cm_crit_mc_kind_t kind)
{
    if ((int)kind < 0 || (size_t)kind >= NKINDS) {
        return "";
    }
    return kind_names[kind];
}

static void dist_set(cm_crit_mc_dist_t *d, cm_crit_mc_kind_t kind, cm_real_t relative,
                     cm_real_t min, cm_real_t max)
{
    memset(d, 0, sizeof *d);
    d->kind = kind;
    d->relative = relative;
    d->absolute = 0.0;
    d->sd_published = 0;
    d->sd_scale = 1.0;
    d->concentration = 100.0;
    d->lump_below = 1.0;
    d->min = min;
    d->max = max;
}

void cm_crit_mc_dists_default(cm_crit_mc_dists_t *d)
{
    if (d == NULL) {
        return;
    }
    dist_set(&d->d[CM_CRIT_MC_WGI], CM_CRIT_MC_NORMAL, NAN, 0.0, 10.0);
    d->d[CM_CRIT_MC_WGI].sd_published = 1;
    dist_set(&d->d[CM_CRIT_MC_SHARES], CM_CRIT_MC_DIRICHLET, NAN, 0.0, 1.0);
    dist_set(&d->d[CM_CRIT_MC_IR], CM_CRIT_MC_UNIFORM, 0.2, 0.0, 1.0);
    dist_set(&d->d[CM_CRIT_MC_EOL], CM_CRIT_MC_UNIFORM, 0.2, 0.0, 1.0);
    dist_set(&d->d[CM_CRIT_MC_SI_SR], CM_CRIT_MC_UNIFORM, 0.2, 0.0, 1.0);
    dist_set(&d->d[CM_CRIT_MC_SI_EI], CM_CRIT_MC_UNIFORM, 0.2, 0.0, 1.0);
    dist_set(&d->d[CM_CRIT_MC_VA], CM_CRIT_MC_NONE, 0.1, 0.0, INFINITY);
}

static int kind_allowed(int input, cm_crit_mc_kind_t kind)
{
    if (kind == CM_CRIT_MC_NONE) {
        return 1;
    }
    if (input == CM_CRIT_MC_SHARES) {
        return kind == CM_CRIT_MC_DIRICHLET;
    }
    return kind == CM_CRIT_MC_UNIFORM || kind == CM_CRIT_MC_TRIANGULAR || kind == CM_CRIT_MC_NORMAL;
}

cm_error_t cm_crit_mc_dists_check(const cm_crit_mc_dists_t *dists, cm_error_info_t *err)
{
    if (dists == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_crit_mc_dists_check: NULL argument");
    }
    for (int i = 0; i < CM_CRIT_MC_NINPUTS; i++) {
        const cm_crit_mc_dist_t *d = &dists->d[i];
        const char *name = input_names[i];
        if (!kind_allowed(i, d->kind)) {
            return cm_error_set(err, CM_EINVAL, "[%s]: distribution '%s' is not allowed here", name,
                                cm_crit_mc_kind_name(d->kind));
        }
        if (!isnan(d->relative) && !(d->relative >= 0.0 && isfinite(d->relative))) {
            return cm_error_set(err, CM_EINVAL, "[%s]: expected relative >= 0, got %.17g", name,
                                d->relative);
        }
        if (isnan(d->relative) && !d->sd_published &&
            !(d->absolute >= 0.0 && isfinite(d->absolute))) {
            return cm_error_set(err, CM_EINVAL, "[%s]: expected absolute >= 0, got %.17g", name,
                                d->absolute);
        }
        if (!(d->sd_scale >= 0.0 && isfinite(d->sd_scale))) {
            return cm_error_set(err, CM_EINVAL, "[%s]: expected sd_scale >= 0, got %.17g", name,
                                d->sd_scale);
        }
        if (!(d->concentration > 0.0 && isfinite(d->concentration))) {
            return cm_error_set(err, CM_EINVAL, "[%s]: expected concentration > 0, got %.17g", name,
                                d->concentration);
        }
        if (!(d->lump_below >= 0.0 && isfinite(d->lump_below))) {
            return cm_error_set(err, CM_EINVAL, "[%s]: expected lump_below >= 0, got %.17g", name,
                                d->lump_below);
        }
        if (isnan(d->min) || isnan(d->max) || d->min > d->max) {
            return cm_error_set(err, CM_EINVAL, "[%s]: expected min <= max, got %.17g and %.17g",
                                name, d->min, d->max);
        }
    }
    return CM_OK;
}

/* --- the file ----------------------------------------------------------------------------- */

/* One numeric key, >= lo (or > lo when strict); "none" for min/max when none_value is given. */
static cm_error_t get_number(const cm_kv_section_t *s, const char *key, double lo, int strict,
                             const double *none_value, double *out, cm_error_info_t *err)
{
    const cm_kv_entry_t *e = cm_kv_get(s, key);
    if (e == NULL) {
        return CM_OK;
    }
    if (none_value != NULL && strcmp(e->value, "none") == 0) {
        *out = *none_value;
        return CM_OK;
    }
    double v = 0.0;
    cm_error_t rc = cm_kv_entry_double(s, e, &v, err);
    if (rc != CM_OK) {
        return rc;
    }
    if (strict ? !(v > lo) : !(v >= lo)) {
        return cm_error_set_at(err, CM_EPARSE, s->file, e->line, e->value_column,
                               "[%s] %s: expected a number %s %g, got '%s'", s->type, key,
                               strict ? ">" : ">=", lo, e->value);
    }
    *out = v;
    return CM_OK;
}

static cm_error_t read_section(const cm_kv_section_t *s, int input, cm_crit_mc_dist_t *d,
                               cm_error_info_t *err)
{
    static const char *const keys_wgi[] = {"distribution", "sd", "sd_scale", "min", "max"};
    static const char *const keys_shares[] = {"distribution", "concentration", "lump_below"};
    static const char *const keys_other[] = {"distribution", "relative", "absolute", "min", "max"};
    cm_error_t rc = CM_OK;
    if (s->name[0] != '\0') {
        return cm_error_set_at(err, CM_EPARSE, s->file, s->line, 1,
                               "expected a section [%s] without a name, got [%s %s]", s->type,
                               s->type, s->name);
    }
    if (input == CM_CRIT_MC_WGI) {
        rc = cm_kv_check_keys(s, keys_wgi, sizeof keys_wgi / sizeof keys_wgi[0], err);
    } else if (input == CM_CRIT_MC_SHARES) {
        rc = cm_kv_check_keys(s, keys_shares, sizeof keys_shares / sizeof keys_shares[0], err);
    } else {
        rc = cm_kv_check_keys(s, keys_other, sizeof keys_other / sizeof keys_other[0], err);
    }
    if (rc != CM_OK) {
        return rc;
    }
    for (size_t k = 0; k < s->nentries; k++) {
        if (cm_kv_count(s, s->entries[k].key) > 1) {
            const cm_kv_entry_t *e = cm_kv_get_nth(s, s->entries[k].key, 1);
            return cm_error_set_at(err, CM_EPARSE, s->file, e->line, e->key_column,
                                   "[%s]: key '%s' given twice", s->type, e->key);
        }
    }
    const cm_kv_entry_t *e = cm_kv_get(s, "distribution");
    if (e != NULL) {
        size_t k = 0;
        while (k < NKINDS && strcmp(kind_names[k], e->value) != 0) {
            k++;
        }
        if (k == NKINDS || !kind_allowed(input, (cm_crit_mc_kind_t)k)) {
            return cm_error_set_at(err, CM_EPARSE, s->file, e->line, e->value_column,
                                   "[%s] distribution: expected %s, got '%s'", s->type,
                                   input == CM_CRIT_MC_SHARES
                                       ? "dirichlet or none"
                                       : "uniform, triangular, normal or none",
                                   e->value);
        }
        d->kind = (cm_crit_mc_kind_t)k;
    }
    const cm_kv_entry_t *rel = cm_kv_get(s, "relative"), *abs_ = cm_kv_get(s, "absolute");
    if (rel != NULL && abs_ != NULL) {
        return cm_error_set_at(err, CM_EPARSE, s->file, abs_->line, abs_->key_column,
                               "[%s]: expected relative or absolute, not both", s->type);
    }
    if (rel != NULL) {
        double v = d->relative;
        CM_TRY(get_number(s, "relative", 0.0, 0, NULL, &v, err));
        d->relative = v;
    }
    if (abs_ != NULL) {
        double v = d->absolute;
        CM_TRY(get_number(s, "absolute", 0.0, 0, NULL, &v, err));
        d->absolute = v;
        d->relative = NAN;
    }
    e = cm_kv_get(s, "sd");
    if (e != NULL) {
        if (strcmp(e->value, "published") == 0) {
            d->sd_published = 1;
        } else {
            double v = 0.0;
            CM_TRY(get_number(s, "sd", 0.0, 0, NULL, &v, err));
            d->sd_published = 0;
            d->absolute = v;
            d->relative = NAN;
        }
    }
    CM_TRY(get_number(s, "sd_scale", 0.0, 0, NULL, &d->sd_scale, err));
    CM_TRY(get_number(s, "concentration", 0.0, 1, NULL, &d->concentration, err));
    CM_TRY(get_number(s, "lump_below", 0.0, 0, NULL, &d->lump_below, err));
    static const double neg_inf = -INFINITY, pos_inf = INFINITY;
    CM_TRY(get_number(s, "min", -INFINITY, 0, &neg_inf, &d->min, err));
    CM_TRY(get_number(s, "max", -INFINITY, 0, &pos_inf, &d->max, err));
    if (d->min > d->max) {
        e = cm_kv_get(s, "max") != NULL ? cm_kv_get(s, "max") : cm_kv_get(s, "min");
        return cm_error_set_at(err, CM_EPARSE, s->file, e->line, e->value_column,
                               "[%s]: expected min <= max, got min %.17g and max %.17g", s->type,
                               d->min, d->max);
    }
cleanup:
    return rc;
}

static cm_error_t read_doc(const cm_kv_doc_t *doc, cm_crit_mc_dists_t *d, cm_error_info_t *err)
{
    cm_crit_mc_dists_t work = *d;
    size_t ns = cm_kv_nsections(doc);
    for (size_t i = 0; i < ns; i++) {
        const cm_kv_section_t *s = cm_kv_section_at(doc, i);
        int input = 0;
        while (input < CM_CRIT_MC_NINPUTS && strcmp(input_names[input], s->type) != 0) {
            input++;
        }
        if (input == CM_CRIT_MC_NINPUTS) {
            return cm_error_set_at(err, CM_EPARSE, s->file, s->line, 1,
                                   "unknown section [%s] (expected one of: wgi, shares, "
                                   "import_reliance, eol_rir, si_sr, si_ei, value_added)",
                                   s->type);
        }
        cm_error_t rc = read_section(s, input, &work.d[input], err);
        if (rc != CM_OK) {
            return rc;
        }
    }
    *d = work;
    return CM_OK;
}

cm_error_t cm_crit_mc_dists_read_buffer(const char *data, size_t len, const char *name,
                                        cm_crit_mc_dists_t *d, cm_error_info_t *err)
{
    if (data == NULL || d == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_crit_mc_dists_read_buffer: NULL argument");
    }
    cm_kv_doc_t *doc = NULL;
    cm_error_t rc = cm_kv_read_buffer(data, len, name != NULL ? name : "(buffer)", &doc, err);
    if (rc == CM_OK) {
        rc = read_doc(doc, d, err);
    }
    cm_kv_free(doc);
    return rc;
}

cm_error_t cm_crit_mc_dists_read(const char *path, cm_crit_mc_dists_t *d, cm_error_info_t *err)
{
    if (path == NULL || d == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_crit_mc_dists_read: NULL argument");
    }
    cm_kv_doc_t *doc = NULL;
    cm_error_t rc = cm_kv_read_file(path, &doc, err);
    if (rc == CM_OK) {
        rc = read_doc(doc, d, err);
    }
    cm_kv_free(doc);
    return rc;
}

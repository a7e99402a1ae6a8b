/* EW-MFA accounts: loading the observations of every release from the store, the identity
 * checks, the indicators and the revisions between releases (docs/mfa.md, METHODS §B.2). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cambium/cm_alloc.h"
#include "cambium/cm_class.h"
#include "cambium/cm_mfa.h"
#include "cm_internal.h"
#include "fmt/fmt_internal.h"

#define SCOPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src) != NULL ? (src) : "")

double cm_mfa_tonnes(const char *unit)
{
    static const struct {
        const char *u;
        double t;
    } map[] = {{"t", 1.0}, {"kt", 1e3}, {"Mt", 1e6}, {"kg", 1e-3}};
    if (unit == NULL) {
        return 0.0;
    }
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        if (strcmp(unit, map[i].u) == 0) {
            return map[i].t;
        }
    }
    return 0.0;
}

/* --- containers -------------------------------------------------------------------------- */

void cm_mfa_data_destroy(cm_mfa_data_t *data)
{
    if (data != NULL) {
        cm_free(data->items);
        memset(data, 0, sizeof *data);
    }
}

cm_error_t cm_mfa_data_add(cm_mfa_data_t *data, const cm_mfa_record_t *rec, cm_error_info_t *err)
{
    if (data == NULL || rec == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_mfa_data_add: data and rec are required");
    }
    if (cm_i_grow((void **)&data->items, &data->cap, data->n, sizeof *data->items, 64) != 0) {
        return cm_error_set(err, CM_ENOMEM, "out of memory adding an EW-MFA record");
    }
    data->items[data->n++] = *rec;
    return CM_OK;
}

void cm_mfa_violations_destroy(cm_mfa_violations_t *v)
{
    if (v != NULL) {
        cm_free(v->items);
        memset(v, 0, sizeof *v);
    }
}

void cm_mfa_table_destroy(cm_mfa_table_t *t)
{
    if (t != NULL) {
        cm_free(t->items);
        memset(t, 0, sizeof *t);
    }
}

void cm_mfa_revisions_destroy(cm_mfa_revisions_t *r)
{
    if (r != NULL) {
        cm_free(r->items);
        memset(r, 0, sizeof *r);
    }
}

/* --- loading ------------------------------------------------------------------------------ */

static int iso_date_prefix(const char *s)
{
    return strlen(s) >= 10 && strspn(s, "0123456789") == 4 && s[4] == '-' && s[5] >= '0' &&
           s[5] <= '9' && s[6] >= '0' && s[6] <= '9' && s[7] == '-' && s[8] >= '0' && s[8] <= '9' &&
           s[9] >= '0' && s[9] <= '9';
}

typedef struct load_ctx_t {
    cm_mfa_data_t *data;
    cm_error_info_t *err;
} load_ctx_t;

static cm_error_t load_row(int ncols, const char *const *names, const char *const *v,
                           void *user_data)
{
    load_ctx_t *ctx = user_data;
    cm_mfa_data_t *data = ctx->data;
    cm_error_info_t *err = ctx->err;
    cm_mfa_record_t r;
    char *end = NULL;
    CM_UNUSED(names);
    if (ncols != 13 || v[7] == NULL || strlen(v[7]) != 4 || strspn(v[7], "0123456789") != 4) {
        return CM_OK; /* a period that is not a year (monthly data) is not an account */
    }
    memset(&r, 0, sizeof r);
    r.dataset_id = v[0] != NULL ? strtoll(v[0], NULL, 10) : 0;
    SCOPY(r.version, v[1]);
    if (iso_date_prefix(r.version)) {
        SCOPY(r.release, r.version);
    } else {
        SCOPY(r.release, v[2]);
    }
    SCOPY(r.series, v[3]);
    SCOPY(r.region, v[4]);
    SCOPY(r.material, v[5] != NULL ? v[5] : "TOTAL");
    SCOPY(r.indicator, v[6]);
    r.year = (int)strtol(v[7], NULL, 10);
    r.value = NAN;
    if (v[8] != NULL) {
        errno = 0;
        r.value = cm_i_strtod_c(v[8], &end);
        if (end == v[8] || errno != 0) {
            r.value = NAN;
        }
    }
    SCOPY(r.unit, v[9]);
    SCOPY(r.flag, v[10]);
    r.line = v[11] != NULL ? strtoll(v[11], NULL, 10) : 0;
    return cm_mfa_data_add(data, &r, err);
}

static int geo_ok(const char *g)
{
    if (g[0] == '\0' || strlen(g) > 30) {
        return 0;
    }
    for (; *g != '\0'; g++) {
        char c = *g;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-')) {
            return 0;
        }
    }
    return 1;
}

cm_error_t cm_mfa_load(cm_store_t *store, const char *geo, cm_mfa_data_t *data,
                       cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_class_t *countries = NULL;
    char region[32];
    char sql[1024];
    if (store == NULL || data == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_mfa_load: store and data are required");
    }
    cm_mfa_data_destroy(data);
    region[0] = '\0';
    if (geo != NULL) {
        const char *code = NULL;
        if (!geo_ok(geo)) {
            return cm_error_set(err, CM_EINVAL,
                                "expected a country or region code (letters, digits, '_', '-'), "
                                "got '%s'",
                                geo);
        }
        rc = cm_class_load(store, "country", &countries, err);
        if (rc == CM_ENOTFOUND) {
            cm_error_clear(err);
            rc = cm_class_builtin("country", &countries, err);
        }
        CM_TRY(rc);
        code = cm_class_resolve(countries, geo);
        SCOPY(region, code != NULL ? code : geo);
    }
    snprintf(sql, sizeof sql,
             "SELECT o.dataset_id, d.version, d.imported_at, o.variable, o.region, o.material, "
             "o.product, o.period, o.value, o.unit, o.flag, o.line, o.id "
             "FROM observation o JOIN dataset d ON d.id = o.dataset_id "
             "WHERE d.status = 'complete' AND o.variable IN "
             "('ewmfa', 'ewmfa_rme', 'cmu_rate', 'gdp')%s%s%s ORDER BY o.id",
             region[0] != '\0' ? " AND o.region = '" : "", region, region[0] != '\0' ? "'" : "");
    {
        load_ctx_t ctx = {data, err};
        rc = cm_store_query(store, sql, load_row, &ctx, err);
    }
    if (rc != CM_OK) {
        cm_mfa_data_destroy(data);
    }
cleanup:
    cm_class_free(countries);
    return rc;
}

/* --- identity checks ---------------------------------------------------------------------- */

static int cmp_check(const void *a, const void *b)
{
    const cm_mfa_record_t *x = *(const cm_mfa_record_t *const *)a;
    const cm_mfa_record_t *y = *(const cm_mfa_record_t *const *)b;
    int c = 0;
    if (x->dataset_id != y->dataset_id) {
        return x->dataset_id < y->dataset_id ? -1 : 1;
    }
    if ((c = strcmp(x->region, y->region)) != 0 || (c = strcmp(x->series, y->series)) != 0) {
        return c;
    }
    if (x->year != y->year) {
        return x->year < y->year ? -1 : 1;
    }
    if ((c = strcmp(x->material, y->material)) != 0) {
        return c;
    }
    return strcmp(x->indicator, y->indicator);
}

/* The mass (t) of indicator \p ind of material \p mat within recs[a, b); NaN when absent. */
static double find_mass(cm_mfa_record_t *const *recs, size_t a, size_t b, const char *mat,
                        const char *ind, const cm_mfa_record_t **rec)
{
    for (size_t i = a; i < b; i++) {
        const cm_mfa_record_t *r = recs[i];
        double f = cm_mfa_tonnes(r->unit);
        if (f > 0 && isfinite(r->value) && strcmp(r->material, mat) == 0 &&
            strcmp(r->indicator, ind) == 0) {
            if (rec != NULL) {
                *rec = r;
            }
            return r->value * f;
        }
    }
    return NAN;
}

typedef struct check_ctx_t {
    cm_mfa_violations_t *out;
    size_t cap;
    double rtol, atol;
} check_ctx_t;

static cm_error_t judge(check_ctx_t *k, const char *identity, const cm_mfa_record_t *lrec,
                        double lhs, double rhs, double maxterm, cm_error_info_t *err)
{
    cm_mfa_violation_t *v = NULL;
    k->out->checked++;
    if (fabs(lhs - rhs) <= k->atol + k->rtol * maxterm) {
        return CM_OK;
    }
    if (cm_i_grow((void **)&k->out->items, &k->cap, k->out->n, sizeof *k->out->items, 16) != 0) {
        return cm_error_set(err, CM_ENOMEM, "out of memory listing identity violations");
    }
    v = &k->out->items[k->out->n++];
    memset(v, 0, sizeof *v);
    SCOPY(v->identity, identity);
    SCOPY(v->series, lrec->series);
    SCOPY(v->indicator, lrec->indicator);
    SCOPY(v->material, lrec->material);
    SCOPY(v->region, lrec->region);
    v->year = lrec->year;
    v->dataset_id = lrec->dataset_id;
    v->line = lrec->line;
    v->lhs = lhs;
    v->rhs = rhs;
    v->diff = lhs - rhs;
    return CM_OK;
}

static double fmax3(double a, double b, double c)
{
    return fmax(fabs(a), fmax(fabs(b), fabs(c)));
}

/* The three flow identities of one material within recs[a, b). */
static cm_error_t check_flows(check_ctx_t *k, cm_mfa_record_t *const *recs, size_t a, size_t b,
                              const char *mat, int rme, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    const cm_mfa_record_t *r_in = NULL, *r_c = NULL, *r_tb = NULL;
    const char *in = rme ? "RMI" : "DMI";
    const char *cons = rme ? "RMC" : "DMC";
    const char *tb = rme ? "RTB" : "PTB";
    double de = find_mass(recs, a, b, mat, "DE", NULL);
    double imp = find_mass(recs, a, b, mat, "IMP", NULL);
    double exp_ = find_mass(recs, a, b, mat, "EXP", NULL);
    double dmi = find_mass(recs, a, b, mat, in, &r_in);
    double dmc = find_mass(recs, a, b, mat, cons, &r_c);
    double ptb = find_mass(recs, a, b, mat, tb, &r_tb);
    if (isfinite(dmi) && isfinite(de) && isfinite(imp)) {
        CM_TRY(judge(k, rme ? "RMI = DE + IMP" : "DMI = DE + IMP", r_in, dmi, de + imp,
                     fmax3(dmi, de, imp), err));
    }
    if (isfinite(dmc) && isfinite(dmi) && isfinite(exp_)) {
        CM_TRY(judge(k, rme ? "RMC = RMI - EXP" : "DMC = DMI - EXP", r_c, dmc, dmi - exp_,
                     fmax3(dmc, dmi, exp_), err));
    }
    if (isfinite(ptb) && isfinite(imp) && isfinite(exp_)) {
        CM_TRY(judge(k, rme ? "RTB = IMP - EXP" : "PTB = IMP - EXP", r_tb, ptb, imp - exp_,
                     fmax3(ptb, imp, exp_), err));
    }
cleanup:
    return rc;
}

/* The Eurostat MF hierarchy: parent and its complete list of children. */
static const struct {
    const char *parent;
    const char *children[10];
} mf_tree[] = {
    {"TOTAL", {"MF1", "MF2", "MF3", "MF4", "MF5", "MF6", NULL}},
    {"MF1", {"MF11", "MF12", "MF13", "MF14", NULL}},
    {"MF2", {"MF21", "MF22", NULL}},
    {"MF3", {"MF31", "MF32", "MF33", "MF34", "MF35", "MF36", "MF37", "MF38", "MF39", NULL}},
    {"MF4", {"MF41", "MF42", NULL}},
};

static const char *const flow_inds[] = {"DE",  "IMP", "EXP", "DMI", "DMC",
                                        "PTB", "RMI", "RMC", "RTB"};

static cm_error_t check_totals(check_ctx_t *k, cm_mfa_record_t *const *recs, size_t a, size_t b,
                               cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    for (size_t t = 0; t < sizeof mf_tree / sizeof mf_tree[0]; t++) {
        for (size_t j = 0; j < sizeof flow_inds / sizeof flow_inds[0]; j++) {
            const cm_mfa_record_t *pr = NULL;
            double parent = find_mass(recs, a, b, mf_tree[t].parent, flow_inds[j], &pr);
            double sum = 0.0, maxterm = 0.0;
            int complete = 1;
            if (!isfinite(parent)) {
                continue;
            }
            maxterm = fabs(parent);
            for (size_t c = 0; mf_tree[t].children[c] != NULL; c++) {
                /* DE has no MF5 (other products) nor MF6 (waste for final treatment) */
                int optional = t == 0 && c >= 4 && strcmp(flow_inds[j], "DE") == 0;
                double x = find_mass(recs, a, b, mf_tree[t].children[c], flow_inds[j], NULL);
                if (!isfinite(x)) {
                    complete = complete && optional;
                    continue;
                }
                sum += x;
                maxterm = fmax(maxterm, fabs(x));
            }
            if (complete) {
                CM_TRY(judge(k, "TOTAL = sum of categories", pr, parent, sum, maxterm, err));
            }
        }
    }
cleanup:
    return rc;
}

static int cmp_violation(const void *a, const void *b)
{
    const cm_mfa_violation_t *x = a, *y = b;
    int c = 0;
    if ((c = strcmp(x->region, y->region)) != 0 || (c = strcmp(x->series, y->series)) != 0 ||
        (c = strcmp(x->material, y->material)) != 0) {
        return c;
    }
    if (x->year != y->year) {
        return x->year < y->year ? -1 : 1;
    }
    if ((c = strcmp(x->identity, y->identity)) != 0) {
        return c;
    }
    return x->dataset_id < y->dataset_id ? -1 : x->dataset_id > y->dataset_id;
}

static cm_mfa_record_t **sorted_view(const cm_mfa_data_t *data,
                                     int (*cmp)(const void *, const void *))
{
    cm_mfa_record_t **v = cm_malloc_array(data->n > 0 ? data->n : 1, sizeof *v);
    if (v == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < data->n; i++) {
        v[i] = &data->items[i];
    }
    if (data->n > 1) {
        qsort(v, data->n, sizeof *v, cmp);
    }
    return v;
}

cm_error_t cm_mfa_check(const cm_mfa_data_t *data, double rtol, double atol,
                        cm_mfa_violations_t *out, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_mfa_record_t **v = NULL;
    check_ctx_t k;
    if (data == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_mfa_check: data and out are required");
    }
    cm_mfa_violations_destroy(out);
    memset(&k, 0, sizeof k);
    k.out = out;
    k.rtol = rtol < 0 ? CM_MFA_RTOL_DEFAULT : rtol;
    k.atol = atol < 0 ? CM_MFA_ATOL_DEFAULT : atol;
    v = sorted_view(data, cmp_check);
    CM_NOMEM(v, err);
    for (size_t a = 0; a < data->n;) {
        size_t b = a + 1;
        int rme = strcmp(v[a]->series, "ewmfa_rme") == 0;
        while (b < data->n && v[b]->dataset_id == v[a]->dataset_id &&
               strcmp(v[b]->region, v[a]->region) == 0 && strcmp(v[b]->series, v[a]->series) == 0 &&
               v[b]->year == v[a]->year) {
            b++;
        }
        if (rme || strcmp(v[a]->series, "ewmfa") == 0) {
            for (size_t m = a; m < b;) {
                size_t e = m + 1;
                while (e < b && strcmp(v[e]->material, v[m]->material) == 0) {
                    e++;
                }
                CM_TRY(check_flows(&k, v, m, e, v[m]->material, rme, err));
                m = e;
            }
            CM_TRY(check_totals(&k, v, a, b, err));
        }
        a = b;
    }
    if (out->n > 1) {
        qsort(out->items, out->n, sizeof *out->items, cmp_violation);
    }
cleanup:
    cm_free(v);
    if (rc != CM_OK) {
        cm_mfa_violations_destroy(out);
    }
    return rc;
}

/* --- indicators --------------------------------------------------------------------------- */

static const char *const ind_order[] = {
    "DE",
    "IMP",
    "EXP",
    "DMI",
    "DMC",
    "PTB",
    "RMI",
    "RMC",
    "RTB",
    "CMU_RATE",
    "IMPORT_DEPENDENCY",
    "SELF_SUFFICIENCY",
    "NET_IMPORT_RELIANCE",
    "RESOURCE_PRODUCTIVITY",
};

static size_t ind_rank(const char *ind)
{
    for (size_t i = 0; i < sizeof ind_order / sizeof ind_order[0]; i++) {
        if (strcmp(ind, ind_order[i]) == 0) {
            return i;
        }
    }
    return sizeof ind_order / sizeof ind_order[0];
}

/* Newest release first within region, material, year. */
static int cmp_newest(const void *a, const void *b)
{
    const cm_mfa_record_t *x = *(const cm_mfa_record_t *const *)a;
    const cm_mfa_record_t *y = *(const cm_mfa_record_t *const *)b;
    int c = 0;
    if ((c = strcmp(x->region, y->region)) != 0 || (c = strcmp(x->material, y->material)) != 0) {
        return c;
    }
    if (x->year != y->year) {
        return x->year < y->year ? -1 : 1;
    }
    if ((c = strcmp(y->release, x->release)) != 0) {
        return c;
    }
    return x->dataset_id < y->dataset_id ? 1 : x->dataset_id > y->dataset_id ? -1 : 0;
}

typedef enum { U_MASS, U_PERCENT, U_MEUR } unit_kind_t;

static int unit_is(const cm_mfa_record_t *r, unit_kind_t k)
{
    switch (k) {
    case U_MASS:
        return cm_mfa_tonnes(r->unit) > 0;
    case U_PERCENT:
        return strcmp(r->unit, "%") == 0;
    case U_MEUR:
        return strcmp(r->unit, "MEUR") == 0;
    }
    return 0;
}

/* The newest figure of (series, indicator) in v[a, b) with a unit of kind \p k (masses in t). */
static const cm_mfa_record_t *newest(cm_mfa_record_t *const *v, size_t a, size_t b,
                                     const char *series, const char *ind, unit_kind_t k,
                                     double *value)
{
    for (size_t i = a; i < b; i++) {
        const cm_mfa_record_t *r = v[i];
        if (strcmp(r->series, series) == 0 && strcmp(r->indicator, ind) == 0 && unit_is(r, k)) {
            if (!isfinite(r->value)) {
                return NULL; /* the newest release has no value: older ones do not count */
            }
            *value = k == U_MASS ? r->value * cm_mfa_tonnes(r->unit) : r->value;
            return r;
        }
    }
    return NULL;
}

typedef struct tab_ctx_t {
    cm_mfa_table_t *t;
    const cm_mfa_record_t *key; /* region, material, year */
} tab_ctx_t;

static cm_error_t put(tab_ctx_t *c, const char *ind, double value, const char *unit,
                      const cm_mfa_record_t *published, cm_error_info_t *err)
{
    cm_mfa_value_t *v = NULL;
    if (!isfinite(value)) {
        return CM_OK;
    }
    if (cm_i_grow((void **)&c->t->items, &c->t->cap, c->t->n, sizeof *c->t->items, 64) != 0) {
        return cm_error_set(err, CM_ENOMEM, "out of memory listing EW-MFA indicators");
    }
    v = &c->t->items[c->t->n++];
    memset(v, 0, sizeof *v);
    SCOPY(v->region, c->key->region);
    SCOPY(v->material, c->key->material);
    v->year = c->key->year;
    SCOPY(v->indicator, ind);
    v->value = value;
    SCOPY(v->unit, unit);
    v->derived = published == NULL;
    if (published != NULL) {
        SCOPY(v->flag, published->flag);
        v->dataset_id = published->dataset_id;
    }
    return CM_OK;
}

/* A published figure, or the derived value when it is absent. */
static cm_error_t put_flow(tab_ctx_t *c, const char *ind, const cm_mfa_record_t *pub, double pv,
                           double derived, double *used, cm_error_info_t *err)
{
    *used = pub != NULL ? pv : derived;
    return put(c, ind, *used, "t", pub, err);
}

static double ratio(double a, double b)
{
    return isfinite(a) && isfinite(b) && b != 0.0 ? a / b : NAN;
}

static cm_error_t group_indicators(tab_ctx_t *c, cm_mfa_record_t *const *v, size_t a, size_t b,
                                   cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    double x[16];
    const cm_mfa_record_t *p[16];
    static const char *const phys[] = {"DE", "IMP", "EXP", "DMI", "DMC", "PTB"};
    static const char *const rme[] = {"DE", "IMP", "EXP", "RMI", "RMC", "RTB"};
    double de = NAN, imp = NAN, exp_ = NAN, dmi = NAN, dmc = NAN, ptb = NAN;
    double rde = NAN, rimp = NAN, rexp = NAN, rmi = NAN, rmc = NAN, rtb = NAN;
    double u = NAN, rcv = NAN, impw = NAN, expw = NAN, cmu = NAN, gdp = NAN;
    const cm_mfa_record_t *pcmu = NULL, *pu = NULL;
    for (size_t i = 0; i < 16; i++) {
        x[i] = NAN;
        p[i] = NULL;
    }
    for (size_t i = 0; i < 6; i++) {
        p[i] = newest(v, a, b, "ewmfa", phys[i], U_MASS, &x[i]);
        p[6 + i] = newest(v, a, b, "ewmfa_rme", rme[i], U_MASS, &x[6 + i]);
    }
    CM_TRY(put_flow(c, "DE", p[0], x[0], NAN, &de, err));
    CM_TRY(put_flow(c, "IMP", p[1], x[1], NAN, &imp, err));
    CM_TRY(put_flow(c, "EXP", p[2], x[2], NAN, &exp_, err));
    CM_TRY(put_flow(c, "DMI", p[3], x[3], de + imp, &dmi, err));
    CM_TRY(put_flow(c, "DMC", p[4], x[4], dmi - exp_, &dmc, err));
    CM_TRY(put_flow(c, "PTB", p[5], x[5], imp - exp_, &ptb, err));
    rde = p[6] != NULL ? x[6] : de;
    rimp = p[7] != NULL ? x[7] : NAN;
    rexp = p[8] != NULL ? x[8] : NAN;
    CM_TRY(put_flow(c, "RMI", p[9], x[9], rde + rimp, &rmi, err));
    CM_TRY(put_flow(c, "RMC", p[10], x[10], rmi - rexp, &rmc, err));
    CM_TRY(put_flow(c, "RTB", p[11], x[11], rimp - rexp, &rtb, err));
    CM_UNUSED(rmc);
    CM_UNUSED(rtb);
    CM_UNUSED(ptb);
    /* CMU rate: computed from U (or its inputs) when DMC is known, else as published */
    pu = newest(v, a, b, "cmu_rate", "U", U_MASS, &u);
    if (pu == NULL && newest(v, a, b, "cmu_rate", "RCV_R", U_MASS, &rcv) != NULL &&
        newest(v, a, b, "cmu_rate", "IMP_W", U_MASS, &impw) != NULL &&
        newest(v, a, b, "cmu_rate", "EXP_W", U_MASS, &expw) != NULL) {
        u = rcv - impw + expw;
    }
    if (isfinite(u) && isfinite(dmc) && dmc + u != 0.0) {
        CM_TRY(put(c, "CMU_RATE", 100.0 * u / (dmc + u), "%", NULL, err));
    } else {
        pcmu = newest(v, a, b, "cmu_rate", "CMU", U_PERCENT, &cmu);
        if (pcmu != NULL) {
            CM_TRY(put(c, "CMU_RATE", cmu, "%", pcmu, err));
        }
    }
    CM_TRY(put(c, "IMPORT_DEPENDENCY", ratio(imp, dmi), "1", NULL, err));
    CM_TRY(put(c, "SELF_SUFFICIENCY", ratio(de, dmc), "1", NULL, err));
    CM_TRY(put(c, "NET_IMPORT_RELIANCE", ratio(imp - exp_, dmc), "1", NULL, err));
    if (strcmp(c->key->material, "TOTAL") == 0 &&
        newest(v, a, b, "gdp", "B1GQ", U_MEUR, &gdp) != NULL) {
        /* MEUR / t = 1e6 EUR / 1e3 kg */
        CM_TRY(put(c, "RESOURCE_PRODUCTIVITY", ratio(gdp * 1e3, dmc), "EUR/kg", NULL, err));
    }
cleanup:
    return rc;
}

static int cmp_value(const void *a, const void *b)
{
    const cm_mfa_value_t *x = a, *y = b;
    int c = 0;
    size_t rx = 0, ry = 0;
    if ((c = strcmp(x->region, y->region)) != 0) {
        return c;
    }
    if (x->year != y->year) {
        return x->year < y->year ? -1 : 1;
    }
    if ((c = strcmp(x->material, y->material)) != 0) {
        return c;
    }
    rx = ind_rank(x->indicator);
    ry = ind_rank(y->indicator);
    return rx < ry ? -1 : rx > ry;
}

cm_error_t cm_mfa_indicators(const cm_mfa_data_t *data, int from, int to, cm_mfa_table_t *out,
                             cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_mfa_record_t **v = NULL;
    tab_ctx_t c;
    if (data == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_mfa_indicators: data and out are required");
    }
    if (from > 0 && to > 0 && from > to) {
        return cm_error_set(err, CM_EINVAL, "expected from <= to, got from %d and to %d", from, to);
    }
    cm_mfa_table_destroy(out);
    v = sorted_view(data, cmp_newest);
    CM_NOMEM(v, err);
    c.t = out;
    for (size_t a = 0; a < data->n;) {
        size_t b = a + 1;
        while (b < data->n && strcmp(v[b]->region, v[a]->region) == 0 &&
               strcmp(v[b]->material, v[a]->material) == 0 && v[b]->year == v[a]->year) {
            b++;
        }
        if ((from <= 0 || v[a]->year >= from) && (to <= 0 || v[a]->year <= to)) {
            c.key = v[a];
            CM_TRY(group_indicators(&c, v, a, b, err));
        }
        a = b;
    }
    if (out->n > 1) {
        qsort(out->items, out->n, sizeof *out->items, cmp_value);
    }
cleanup:
    cm_free(v);
    if (rc != CM_OK) {
        cm_mfa_table_destroy(out);
    }
    return rc;
}

/* --- revisions ---------------------------------------------------------------------------- */

static int same_series(const cm_mfa_record_t *x, const cm_mfa_record_t *y)
{
    return strcmp(x->region, y->region) == 0 && strcmp(x->series, y->series) == 0 &&
           strcmp(x->indicator, y->indicator) == 0 && strcmp(x->material, y->material) == 0 &&
           strcmp(x->unit, y->unit) == 0;
}

static int cmp_series(const void *a, const void *b)
{
    const cm_mfa_record_t *x = *(const cm_mfa_record_t *const *)a;
    const cm_mfa_record_t *y = *(const cm_mfa_record_t *const *)b;
    int c = 0;
    if ((c = strcmp(x->region, y->region)) != 0 || (c = strcmp(x->series, y->series)) != 0 ||
        (c = strcmp(x->indicator, y->indicator)) != 0 ||
        (c = strcmp(x->material, y->material)) != 0 || (c = strcmp(x->unit, y->unit)) != 0 ||
        (c = strcmp(x->release, y->release)) != 0) {
        return c;
    }
    if (x->dataset_id != y->dataset_id) {
        return x->dataset_id < y->dataset_id ? -1 : 1;
    }
    return x->year < y->year ? -1 : x->year > y->year;
}

static int differs(const cm_mfa_record_t *o, const cm_mfa_record_t *n)
{
    int oh = o != NULL && isfinite(o->value);
    int nh = n != NULL && isfinite(n->value);
    const char *of = o != NULL ? o->flag : "";
    const char *nf = n != NULL ? n->flag : "";
    if (oh != nh || strcmp(of, nf) != 0) {
        return 1;
    }
    return oh && fabs(o->value - n->value) > 1e-9 * fmax(fabs(o->value), fabs(n->value));
}

typedef struct rev_ctx_t {
    cm_mfa_revisions_t *out;
    size_t cap;
} rev_ctx_t;

static cm_error_t add_revision(rev_ctx_t *k, const cm_mfa_record_t *ro, const cm_mfa_record_t *rn,
                               const cm_mfa_record_t *o, const cm_mfa_record_t *n,
                               cm_error_info_t *err)
{
    cm_mfa_revision_t *r = NULL;
    if (cm_i_grow((void **)&k->out->items, &k->cap, k->out->n, sizeof *k->out->items, 16) != 0) {
        return cm_error_set(err, CM_ENOMEM, "out of memory listing revisions");
    }
    r = &k->out->items[k->out->n++];
    memset(r, 0, sizeof *r);
    SCOPY(r->region, ro->region);
    SCOPY(r->series, ro->series);
    SCOPY(r->indicator, ro->indicator);
    SCOPY(r->material, ro->material);
    SCOPY(r->unit, ro->unit);
    r->year = o != NULL ? o->year : n->year;
    r->old_dataset = ro->dataset_id;
    r->new_dataset = rn->dataset_id;
    SCOPY(r->old_version, ro->version);
    SCOPY(r->new_version, rn->version);
    r->old_has = o != NULL && isfinite(o->value);
    r->new_has = n != NULL && isfinite(n->value);
    r->old_value = r->old_has ? o->value : NAN;
    r->new_value = r->new_has ? n->value : NAN;
    SCOPY(r->old_flag, o != NULL ? o->flag : "");
    SCOPY(r->new_flag, n != NULL ? n->flag : "");
    return CM_OK;
}

/* Compare release v[a, b) (older) with v[b, c) (newer), both sorted by year. */
static cm_error_t compare_releases(rev_ctx_t *k, cm_mfa_record_t *const *v, size_t a, size_t b,
                                   size_t c, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    size_t i = a, j = b;
    while (i < b || j < c) {
        const cm_mfa_record_t *o = NULL, *n = NULL;
        if (j >= c || (i < b && v[i]->year < v[j]->year)) {
            o = v[i++];
        } else if (i >= b || v[j]->year < v[i]->year) {
            n = v[j++];
        } else {
            o = v[i++];
            n = v[j++];
        }
        if (differs(o, n)) {
            CM_TRY(add_revision(k, v[a], v[b], o, n, err));
        }
    }
cleanup:
    return rc;
}

cm_error_t cm_mfa_revisions(const cm_mfa_data_t *data, cm_mfa_revisions_t *out,
                            cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_mfa_record_t **v = NULL;
    rev_ctx_t k;
    if (data == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_mfa_revisions: data and out are required");
    }
    cm_mfa_revisions_destroy(out);
    memset(&k, 0, sizeof k);
    k.out = out;
    v = sorted_view(data, cmp_series);
    CM_NOMEM(v, err);
    for (size_t a = 0; a < data->n;) {
        size_t b = a + 1;
        while (b < data->n && same_series(v[b], v[a])) {
            b++;
        }
        /* releases within the series [a, b) */
        for (size_t r = a; r < b;) {
            size_t e = r + 1, f = 0;
            while (e < b && v[e]->dataset_id == v[r]->dataset_id) {
                e++;
            }
            if (e >= b) {
                break;
            }
            f = e + 1;
            while (f < b && v[f]->dataset_id == v[e]->dataset_id) {
                f++;
            }
            CM_TRY(compare_releases(&k, v, r, e, f, err));
            r = e;
        }
        a = b;
    }
cleanup:
    cm_free(v);
    if (rc != CM_OK) {
        cm_mfa_revisions_destroy(out);
    }
    return rc;
}

/* The supply map of one material: producers per stage with their concentration, the import
 * partners of a country (BACI, by the stage's HS6 codes) and the country's sectors that use the
 * material with their value added (EU end uses x the country's IOT). docs/supply.md. */
#include "cambium/cm_supply.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cambium/cm_nace.h"
#include "core/cm_internal.h"
#include "crit/crit_internal.h"

void cm_supply_options_default(cm_supply_options_t *opt)
{
    if (opt == NULL) {
        return;
    }
    memset(opt, 0, sizeof *opt);
    opt->region = "BEL";
    opt->import_variable = "import_value";
    opt->usd_per_eur = CM_NACE_USD_PER_EUR_2020;
}

void cm_supply_map_destroy(cm_supply_map_t *map)
{
    if (map == NULL) {
        return;
    }
    for (int s = 0; s < CM_CRIT_NSTAGES; s++) {
        cm_free(map->stage[s].producers);
        cm_free(map->stage[s].partners);
    }
    for (size_t i = 0; i < map->n_sectors; i++) {
        cm_free(map->sectors[i].application);
    }
    cm_free(map->sectors);
    cm_free(map->name);
    memset(map, 0, sizeof *map);
}

static cm_error_t int_row(int ncols, const char *const *names, const char *const *v, void *ud)
{
    CM_UNUSED(ncols);
    CM_UNUSED(names);
    cm_real_t x = 0.0;
    if (cm_i_crit_parse_real(v[0], CM_I_CRIT_FINITE, &x) && x >= 0.0 && x < 10000.0) {
        *(int *)ud = (int)x;
    }
    return CM_OK;
}

static int cmp_producer(const void *a, const void *b)
{
    const cm_supply_producer_t *x = a, *y = b;
    if (x->share != y->share) {
        return x->share < y->share ? 1 : -1;
    }
    return strcmp(x->country, y->country);
}

static int cmp_partner(const void *a, const void *b)
{
    const cm_supply_partner_t *x = a, *y = b;
    if (x->value != y->value) {
        return x->value < y->value ? 1 : -1;
    }
    return strcmp(x->country, y->country);
}

/* Producers, concentration and WGI-weighted HHI of one stage. */
static cm_error_t fill_producers(cm_supply_stage_t *st, const cm_crit_supply_t *s,
                                 const cm_crit_wgi_t *wgi, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    st->hhi_wgi = st->hhi_wgi_t = st->wgi_missing = NAN;
    CM_TRY(cm_supply_concentration(s, &st->conc, err));
    if (s->n == 0) {
        return CM_OK;
    }
    st->present = 1;
    st->producers = cm_calloc(s->n, sizeof *st->producers);
    CM_NOMEM(st->producers, err);
    st->n_producers = s->n;
    cm_real_t ht = 0.0;
    for (size_t i = 0; i < s->n; i++) {
        const cm_crit_share_t *sh = &s->items[i];
        cm_supply_producer_t *p = &st->producers[i];
        memcpy(p->country, sh->country, CM_CRIT_CODE_MAX);
        p->share = (sh->flags & CM_CRIT_SHARE_W) ? 0.0 : sh->share;
        p->flags = sh->flags;
        ptrdiff_t k = cm_crit_wgi_find(wgi, sh->country);
        p->wgi_scaled = k >= 0 ? wgi->items[k].scaled : NAN;
        if (k >= 0) {
            ht += p->share * p->share * p->wgi_scaled * (isnan(sh->t) ? 1.0 : sh->t);
        }
    }
    qsort(st->producers, st->n_producers, sizeof *st->producers, cmp_producer);
    st->hhi_wgi = cm_supply_hhi_wgi(s, wgi, &st->wgi_missing);
    st->hhi_wgi_t = ht;
cleanup:
    return rc;
}

typedef struct partner_ctx_t {
    cm_supply_stage_t *st;
    cm_error_info_t *err;
    size_t cap;
} partner_ctx_t;

/* partner, value, unit */
static cm_error_t partner_row(int ncols, const char *const *names, const char *const *v,
                              void *ud)
{
    partner_ctx_t *c = ud;
    CM_UNUSED(ncols);
    CM_UNUSED(names);
    cm_real_t x = 0.0;
    if (v[0] == NULL || strlen(v[0]) >= CM_CRIT_CODE_MAX ||
        !cm_i_crit_parse_real(v[1], CM_I_CRIT_FINITE, &x)) {
        return CM_OK;
    }
    cm_supply_stage_t *st = c->st;
    if (st->n_partners == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 16;
        cm_supply_partner_t *p = cm_realloc_array(st->partners, cap, sizeof *p);
        if (p == NULL) {
            return cm_error_set(c->err, CM_ENOMEM, "out of memory");
        }
        st->partners = p;
        c->cap = cap;
    }
    cm_supply_partner_t *p = &st->partners[st->n_partners++];
    memset(p, 0, sizeof *p);
    memcpy(p->country, v[0], strlen(v[0]) + 1);
    p->value = x;
    if (v[2] != NULL) {
        snprintf(st->import_unit, sizeof st->import_unit, "%s", v[2]);
    }
    return CM_OK;
}

/* "'a', 'b'" for the SQL IN list (the codes are checked to be six digits). */
static void in_list(char *buf, size_t n, char (*codes)[8], size_t ncodes)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < ncodes && len < n; i++) {
        int w = snprintf(buf + len, n - len, "%s'%s'", i ? ", " : "", codes[i]);
        len += w > 0 ? (size_t)w : 0;
    }
}

static cm_error_t fill_partners(cm_store_t *store, cm_supply_stage_t *st, const char *region,
                                const char *variable, int year, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    st->import_total = NAN;
    if (st->n_hs6 == 0 || year <= 0) {
        return CM_OK;
    }
    char list[256], sql[1536];
    in_list(list, sizeof list, st->hs6, st->n_hs6);
    snprintf(sql, sizeof sql,
             "SELECT partner, SUM(value), MAX(unit) FROM observation WHERE variable = '%s' "
             "AND region = '%s' AND partner IS NOT NULL AND partner <> region "
             "AND product IN (%s) AND CAST(period AS INTEGER) = %d AND value IS NOT NULL "
             "AND dataset_id = (SELECT MAX(dataset_id) FROM observation WHERE variable = '%s' "
             "AND region = '%s' AND product IN (%s) AND CAST(period AS INTEGER) = %d) "
             "GROUP BY partner",
             variable, region, list, year, variable, region, list, year);
    partner_ctx_t c = {st, err, 0};
    CM_TRY(cm_store_query(store, sql, partner_row, &c, err));
    if (st->n_partners == 0) {
        return CM_OK;
    }
    qsort(st->partners, st->n_partners, sizeof *st->partners, cmp_partner);
    cm_real_t total = 0.0;
    for (size_t i = 0; i < st->n_partners; i++) {
        total += st->partners[i].value;
    }
    for (size_t i = 0; i < st->n_partners; i++) {
        st->partners[i].share = total > 0.0 ? st->partners[i].value / total : NAN;
    }
    st->import_total = total;
cleanup:
    return rc;
}

/* --- value added of the using sectors ---------------------------------------------------- */

typedef struct iot_ctx_t {
    size_t n, cap;
    char **codes;
    double *values;
    int year;
    cm_error_info_t *err;
} iot_ctx_t;

static void iot_free(iot_ctx_t *c)
{
    for (size_t i = 0; i < c->n; i++) {
        cm_free(c->codes[i]);
    }
    cm_free(c->codes);
    cm_free(c->values);
}

/* product, value, period */
static cm_error_t iot_row(int ncols, const char *const *names, const char *const *v, void *ud)
{
    iot_ctx_t *c = ud;
    CM_UNUSED(ncols);
    CM_UNUSED(names);
    cm_real_t x = 0.0;
    if (v[0] == NULL || !cm_i_crit_parse_real(v[1], CM_I_CRIT_FINITE, &x)) {
        return CM_OK;
    }
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 64;
        char **pc = cm_realloc_array(c->codes, cap, sizeof *pc);
        if (pc == NULL) {
            return cm_error_set(c->err, CM_ENOMEM, "out of memory");
        }
        c->codes = pc;
        double *pv = cm_realloc_array(c->values, cap, sizeof *pv);
        if (pv == NULL) {
            return cm_error_set(c->err, CM_ENOMEM, "out of memory");
        }
        c->values = pv;
        c->cap = cap;
    }
    char *code = cm_strdup(v[0]);
    if (code == NULL) {
        return cm_error_set(c->err, CM_ENOMEM, "out of memory");
    }
    c->codes[c->n] = code;
    c->values[c->n] = x;
    c->n++;
    cm_real_t y = 0.0;
    if (cm_i_crit_parse_real(v[2], CM_I_CRIT_FINITE, &y) && y > 0.0 && y < 10000.0) {
        c->year = (int)y;
    }
    return CM_OK;
}

static const cm_nace_value_t *nace_find(const cm_nace_value_t *t, size_t n, const char *code)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(t[i].nace, code) == 0) {
            return &t[i];
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (strcmp(t[i].group, code) == 0) {
            return &t[i];
        }
    }
    return NULL;
}

static cm_error_t fill_sectors(cm_store_t *store, cm_supply_map_t *map,
                               const cm_crit_material_t *m, const cm_supply_options_t *opt,
                               cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    iot_ctx_t c;
    cm_nace_value_t *nace = NULL;
    size_t nn = 0;
    memset(&c, 0, sizeof c);
    c.err = err;
    map->va_exposed_meur = map->va_weighted_meur = map->va_total_meur = NAN;
    char sql[768];
    snprintf(sql, sizeof sql,
             "SELECT product, value, period FROM observation WHERE variable = 'value_added' "
             "AND region = '%s' AND dataset_id = (SELECT MAX(o.dataset_id) FROM observation o "
             "JOIN dataset d ON d.id = o.dataset_id WHERE d.kind = 'iot-oecd' "
             "AND o.region = '%s' AND o.variable = 'value_added') ORDER BY id",
             map->region, map->region);
    CM_TRY(cm_store_query(store, sql, iot_row, &c, err));
    if (c.n > 0) {
        CM_TRY(cm_nace_from_oecd(c.n, (const char *const *)c.codes, c.values,
                                 CM_NACE_KEEP_TOGETHER, opt->usd_per_eur, &nace, &nn, err));
        map->iot_year = c.year;
        cm_real_t total = 0.0;
        for (size_t i = 0; i < c.n; i++) {
            total += c.values[i];
        }
        map->va_total_meur = total / opt->usd_per_eur;
    }
    if (m->n_enduses > 0) {
        map->sectors = cm_calloc(m->n_enduses, sizeof *map->sectors);
        CM_NOMEM(map->sectors, err);
    }
    cm_real_t exposed = 0.0, weighted = 0.0;
    for (size_t i = 0; i < m->n_enduses; i++) {
        const cm_crit_enduse_t *e = &m->enduses[i];
        cm_supply_sector_t *s = &map->sectors[map->n_sectors++];
        memcpy(s->nace, e->nace, CM_CRIT_NACE_MAX);
        s->use_share = e->share;
        s->va_eu_meur = e->value_added;
        s->va_meur = NAN;
        if (e->application != NULL) {
            s->application = cm_strdup(e->application);
            CM_NOMEM(s->application, err);
        }
        const cm_nace_value_t *v = e->nace[0] != '\0' ? nace_find(nace, nn, e->nace) : NULL;
        if (v == NULL) {
            continue;
        }
        snprintf(s->group, sizeof s->group, "%s", v->group);
        s->va_meur = v->value;
        weighted += s->use_share * v->value;
        int seen = 0;
        for (size_t j = 0; j + 1 < map->n_sectors; j++) {
            seen |= strcmp(map->sectors[j].group, s->group) == 0;
        }
        if (!seen) {
            exposed += v->value;
        }
    }
    if (nn > 0) {
        map->va_exposed_meur = exposed;
        map->va_weighted_meur = weighted;
    }
cleanup:
    cm_free(nace);
    iot_free(&c);
    return rc;
}

static int six_digits(const char *c)
{
    return strlen(c) == 6 && strspn(c, "0123456789") == 6;
}

/* The HS6 codes of a material x stage in the code table. */
static void stage_codes(cm_supply_stage_t *st, const char *material, int stage,
                        const cm_crit_be_map_t *map)
{
    st->n_hs6 = 0;
    for (size_t i = 0; i < map->n && st->n_hs6 < 8; i++) {
        const cm_crit_be_code_t *c = &map->items[i];
        if (c->stage == stage && c->material != NULL && strcmp(c->material, material) == 0 &&
            six_digits(c->code)) {
            snprintf(st->hs6[st->n_hs6++], sizeof st->hs6[0], "%.6s", c->code);
        }
    }
}

/* --- building the map ------------------------------------------------------------------- */

static int valid_code(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= CM_CRIT_CODE_MAX) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (!isalnum((unsigned char)s[i])) {
            return 0;
        }
    }
    return 1;
}

/* Share of the producers of m without a WGI value in wgi. */
static cm_real_t wgi_gap(const cm_crit_material_t *m, const cm_crit_wgi_t *wgi)
{
    cm_real_t gap = 0.0;
    for (int s = 0; s < CM_CRIT_NSTAGES; s++) {
        cm_real_t miss = 0.0;
        if (m->supply[s][CM_CRIT_GLOBAL].n > 0) {
            cm_supply_hhi_wgi(&m->supply[s][CM_CRIT_GLOBAL], wgi, &miss);
            gap += miss;
        }
    }
    return gap;
}

/* The WGI of the year asked; with auto (no year asked), the default year unless the latest
 * year of the store covers more of the material's producers (a store holding the default year
 * for a few countries only, as the bundled extract). */
static cm_error_t load_wgi(cm_store_t *store, int year, int automatic,
                           const cm_crit_material_t *m, cm_crit_wgi_t *wgi, int *used,
                           cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_crit_wgi_t other;
    memset(&other, 0, sizeof other);
    rc = cm_crit_wgi_load(store, year, year, wgi, err);
    if (!automatic || (rc != CM_OK && rc != CM_ENOTFOUND)) {
        *used = year;
        return rc;
    }
    int latest = 0;
    CM_TRY(cm_store_query(store,
                          "SELECT MAX(CAST(period AS INTEGER)) FROM observation "
                          "WHERE variable = 'estimate' AND dataset_id = "
                          "(SELECT MAX(id) FROM dataset WHERE kind = 'wgi')",
                          int_row, &latest, err));
    if (latest == 0) {
        CM_FAIL(cm_error_set(err, CM_ENOTFOUND,
                             "no WGI estimates in the store (import the WGI with 'cambium "
                             "import wgi')"));
    }
    if (rc == CM_OK && (latest == year || wgi_gap(m, wgi) <= 0.0)) {
        *used = year;
        return CM_OK;
    }
    cm_error_t rc_default = rc;
    rc = CM_OK;
    CM_TRY(cm_crit_wgi_load(store, latest, latest, &other, err));
    if (rc_default != CM_OK || wgi_gap(m, &other) < wgi_gap(m, wgi)) {
        cm_crit_wgi_destroy(wgi);
        *wgi = other;
        memset(&other, 0, sizeof other);
        year = latest;
    }
    *used = year;
cleanup:
    cm_crit_wgi_destroy(&other);
    return rc;
}

cm_error_t cm_supply_map_build(cm_store_t *store, const char *material,
                               const cm_supply_options_t *opt, cm_supply_map_t *out,
                               cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_class_t *mat = NULL;
    cm_crit_inputs_t in;
    cm_crit_wgi_t wgi;
    cm_supply_options_t def;
    cm_crit_be_map_t builtin;
    memset(&builtin, 0, sizeof builtin);
    memset(&in, 0, sizeof in);
    memset(&wgi, 0, sizeof wgi);
    if (store == NULL || material == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_supply_map_build: NULL argument");
    }
    cm_supply_map_destroy(out);
    if (opt == NULL) {
        cm_supply_options_default(&def);
        opt = &def;
    }
    const char *region = opt->region != NULL ? opt->region : "BEL";
    const char *variable = opt->import_variable != NULL ? opt->import_variable : "import_value";
    if (!valid_code(region)) {
        return cm_error_set(err, CM_EINVAL, "region: expected an ISO3 code, got '%s'", region);
    }
    if (strcmp(variable, "import_value") != 0 && strcmp(variable, "import_quantity") != 0) {
        return cm_error_set(err, CM_EINVAL,
                            "import variable: expected import_value or import_quantity, got '%s'",
                            variable);
    }
    if (!(opt->usd_per_eur > 0.0) || !isfinite(opt->usd_per_eur) || opt->import_year < 0 ||
        opt->wgi_year < 0) {
        return cm_error_set(err, CM_EINVAL,
                            "supply options: expected usd_per_eur > 0 and years >= 0");
    }
    CM_TRY(cm_class_load(store, "material", &mat, err));
    const char *code = cm_class_resolve(mat, material);
    if (code == NULL) {
        CM_FAIL(cm_error_set(err, CM_ENOTFOUND, "unknown material '%s'", material));
    }
    CM_TRY(cm_crit_load_eu(store, &in, err));
    ptrdiff_t k = cm_crit_inputs_find(&in, code);
    const cm_crit_material_t *m = k >= 0 ? &in.materials[k] : NULL;
    if (m == NULL || (m->supply[0][CM_CRIT_GLOBAL].n == 0 && m->supply[1][CM_CRIT_GLOBAL].n == 0)) {
        CM_FAIL(cm_error_set(err, CM_ENOTFOUND,
                             "material '%s' (%s) has no global supply shares in the EU 2023 "
                             "tables of the store",
                             material, code));
    }
    snprintf(out->material, sizeof out->material, "%s", code);
    snprintf(out->region, sizeof out->region, "%s", region);
    out->name = cm_strdup(m->name != NULL ? m->name : code);
    CM_NOMEM(out->name, err);
    const cm_crit_be_map_t *codes = opt->codes;
    if (codes == NULL) {
        CM_TRY(cm_crit_be_map_builtin(&builtin, err));
        codes = &builtin;
    }
    CM_TRY(load_wgi(store, opt->wgi_year > 0 ? opt->wgi_year : CM_CRIT_EU_WGI_YEAR,
                    opt->wgi_year == 0, m, &wgi, &out->wgi_year, err));
    for (int s = 0; s < CM_CRIT_NSTAGES; s++) {
        cm_supply_stage_t *st = &out->stage[s];
        CM_TRY(fill_producers(st, &m->supply[s][CM_CRIT_GLOBAL], &wgi, err));
        stage_codes(st, code, s, codes);
        st->import_total = NAN;
    }
    /* one import year for both stages: the latest with data for any of the codes */
    int year = opt->import_year;
    if (year == 0 && (out->stage[0].n_hs6 > 0 || out->stage[1].n_hs6 > 0)) {
        char all[16][8];
        size_t na = 0;
        for (int s = 0; s < CM_CRIT_NSTAGES; s++) {
            for (size_t i = 0; i < out->stage[s].n_hs6; i++) {
                memcpy(all[na++], out->stage[s].hs6[i], 8);
            }
        }
        char list[512], sql[1024];
        in_list(list, sizeof list, all, na);
        snprintf(sql, sizeof sql,
                 "SELECT MAX(CAST(period AS INTEGER)) FROM observation WHERE variable = '%s' "
                 "AND region = '%s' AND product IN (%s) AND value IS NOT NULL",
                 variable, region, list);
        CM_TRY(cm_store_query(store, sql, int_row, &year, err));
    }
    out->import_year = year;
    for (int s = 0; s < CM_CRIT_NSTAGES; s++) {
        CM_TRY(fill_partners(store, &out->stage[s], region, variable, year, err));
    }
    CM_TRY(fill_sectors(store, out, m, opt, err));
cleanup:
    if (rc != CM_OK) {
        cm_supply_map_destroy(out);
    }
    cm_crit_be_map_destroy(&builtin);
    cm_crit_wgi_destroy(&wgi);
    cm_crit_inputs_destroy(&in);
    cm_class_free(mat);
    return rc;
}

/* Bridging trade observations across HS editions (cm_trade.h, last section): renaming and
 * summing 1:1 and n:1 codes, splitting 1:n and n:n codes by the shares of the target codes in
 * a reference period's trade (equal shares without one), then summing pieces of the same key. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cm_internal.h"
#include "trade/trade_internal.h"

void cm_trade_bridge_report_destroy(cm_trade_bridge_report_t *r)
{
    if (r == NULL) {
        return;
    }
    cm_free(r->estimated);
    memset(r, 0, sizeof *r);
}

/* --- a correlation table indexed by source code ------------------------------------------ */

typedef struct trip_t {
    const char *from;
    size_t k; /* position in the concordance */
} trip_t;

typedef struct table_t {
    const cm_concordance_t *c;
    char from[CM_TRADE_HS_MAX]; /* edition of the source codes */
    trip_t *idx;                /* triples sorted by from code, then by position */
} table_t;

static int cmp_triple(const void *pa, const void *pb)
{
    const trip_t *a = pa, *b = pb;
    int c = strcmp(a->from, b->from);
    return c != 0 ? c : (a->k < b->k ? -1 : a->k > b->k);
}

/* First position of \p code in t->idx, and how many triples have it. */
static size_t lookup(const table_t *t, const char *code, size_t *count)
{
    size_t lo = 0, hi = t->c->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(t->idx[mid].from, code) < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    *count = 0;
    while (lo + *count < t->c->n && strcmp(t->idx[lo + *count].from, code) == 0) {
        (*count)++;
    }
    return lo;
}

/* --- reference shares: target-edition trade of the reference period ------------------------ */

typedef struct ref_t {
    const char *kind, *region, *period;
    char hs6[8];
    int var;
    double value;
} ref_t;

static int cmp_ref_group(const ref_t *a, const ref_t *b)
{
    int c = strcmp(a->kind, b->kind);
    return c != 0 ? c : strcmp(a->region, b->region);
}

static int period_rank(const char *p)
{
    return strchr(p, '-') != NULL; /* annual (0) before monthly (1) */
}

/* Group (kind, region), then annual before monthly, then period. */
static int cmp_ref_period(const void *pa, const void *pb)
{
    const ref_t *a = pa, *b = pb;
    int c = cmp_ref_group(a, b);
    if (c != 0) {
        return c;
    }
    c = period_rank(a->period) - period_rank(b->period);
    return c != 0 ? c : strcmp(a->period, b->period);
}

static int cmp_ref_key(const void *pa, const void *pb)
{
    const ref_t *a = pa, *b = pb;
    int c = cmp_ref_group(a, b);
    if (c != 0) {
        return c;
    }
    if (a->var != b->var) {
        return a->var < b->var ? -1 : 1;
    }
    return strcmp(a->hs6, b->hs6);
}

/* Sums of the target-edition values of the reference period per (kind, region, var, hs6). */
static cm_error_t build_refs(const cm_trade_obs_list_t *in, const char *editions,
                             const cm_trade_bridge_options_t *opt, ref_t **out, size_t *nout,
                             cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    ref_t *r = NULL;
    size_t n = 0, k = 0;
    *out = NULL;
    *nout = 0;
    if (in->n == 0) {
        return CM_OK;
    }
    r = cm_malloc_array(in->n, sizeof *r);
    CM_NOMEM(r, err);
    for (size_t i = 0; i < in->n; i++) {
        const cm_trade_obs_t *o = &in->items[i];
        if (editions == NULL || strcmp(editions + i * CM_TRADE_HS_MAX, opt->target) != 0 ||
            o->var == CM_TRADE_IMPORT_QUANTITY || !isfinite(o->value) ||
            strlen(o->product) < 6) {
            continue;
        }
        if (opt->reference_period != NULL && strcmp(o->period, opt->reference_period) != 0) {
            continue;
        }
        r[n].kind = o->kind;
        r[n].region = o->region;
        r[n].period = o->period;
        memcpy(r[n].hs6, o->product, 6);
        r[n].hs6[6] = '\0';
        r[n].var = (int)o->var;
        r[n].value = o->value;
        n++;
    }
    /* keep the rows of each group's reference period (the first after sorting) */
    if (n > 1) {
        qsort(r, n, sizeof *r, cmp_ref_period);
    }
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && cmp_ref_group(&r[i], &r[j]) == 0) {
            if (strcmp(r[j].period, r[i].period) == 0) {
                r[k++] = r[j];
            }
            j++;
        }
        i = j;
    }
    /* sum per key */
    if (k > 1) {
        qsort(r, k, sizeof *r, cmp_ref_key);
    }
    n = 0;
    for (size_t i = 0; i < k; i++) {
        if (n > 0 && cmp_ref_key(&r[n - 1], &r[i]) == 0) {
            r[n - 1].value += r[i].value;
        } else {
            r[n++] = r[i];
        }
    }
    *out = r;
    *nout = n;
    r = NULL;
cleanup:
    cm_free(r);
    return rc;
}

static double ref_value(const ref_t *refs, size_t n, const cm_trade_obs_t *o, const char *hs6)
{
    ref_t key;
    const ref_t *hit;
    if (n == 0) {
        return 0.0;
    }
    key.kind = o->kind;
    key.region = o->region;
    key.period = "";
    snprintf(key.hs6, sizeof key.hs6, "%s", hs6);
    key.var = o->var == CM_TRADE_IMPORT_QUANTITY ? CM_TRADE_IMPORT_VALUE : (int)o->var;
    hit = bsearch(&key, refs, n, sizeof *refs, cmp_ref_key);
    return hit != NULL ? hit->value : 0.0;
}

/* --- pieces and their merging -------------------------------------------------------------- */

typedef struct piece_t {
    cm_trade_obs_t o;
    size_t seq;   /* input position */
    int est;
    int count;    /* pieces summed */
} piece_t;

static int cmp_piece_key(const void *pa, const void *pb)
{
    const piece_t *a = pa, *b = pb;
    int c;
    if (a->o.dataset != b->o.dataset) {
        return a->o.dataset < b->o.dataset ? -1 : 1;
    }
    if (a->o.var != b->o.var) {
        return a->o.var < b->o.var ? -1 : 1;
    }
    if ((c = strcmp(a->o.unit, b->o.unit)) != 0 || (c = strcmp(a->o.region, b->o.region)) != 0 ||
        (c = strcmp(a->o.partner, b->o.partner)) != 0 ||
        (c = strcmp(a->o.product, b->o.product)) != 0 ||
        (c = strcmp(a->o.period, b->o.period)) != 0) {
        return c;
    }
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int cmp_piece_seq(const void *pa, const void *pb)
{
    const piece_t *a = pa, *b = pb;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static cm_error_t add_piece(piece_t **p, size_t *n, size_t *cap, const cm_trade_obs_t *o,
                            size_t seq, const char *product, double value, int est,
                            cm_error_info_t *err)
{
    if (cm_i_grow((void **)p, cap, *n, sizeof **p, 256) != 0) {
        return cm_error_set(err, CM_ENOMEM, "out of memory bridging trade flows");
    }
    (*p)[*n].o = *o;
    snprintf((*p)[*n].o.product, CM_TRADE_CODE_MAX, "%s", product);
    (*p)[*n].o.value = value;
    (*p)[*n].seq = seq;
    (*p)[*n].est = est;
    (*p)[*n].count = 1;
    (*n)++;
    return CM_OK;
}

static const table_t *find_table(const table_t *t, size_t n, const char *edition)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(t[i].from, edition) == 0) {
            return &t[i];
        }
    }
    return NULL;
}

cm_error_t cm_trade_bridge(const cm_trade_obs_list_t *in, const char *editions,
                           const cm_concordance_t *tables, size_t ntables,
                           const cm_trade_bridge_options_t *opt, cm_trade_obs_list_t *out,
                           cm_trade_bridge_report_t *rep, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    table_t *tab = NULL;
    size_t ntab = 0;
    ref_t *refs = NULL;
    size_t nrefs = 0;
    piece_t *p = NULL;
    size_t np = 0, cap = 0, m = 0;
    cm_trade_bridge_report_t r;
    memset(&r, 0, sizeof r);

    if (in == NULL || out == NULL || opt == NULL || (ntables > 0 && tables == NULL)) {
        return cm_error_set(err, CM_EINVAL, "cm_trade_bridge: in, out and opt are required");
    }
    memset(out, 0, sizeof *out);
    if (rep != NULL) {
        cm_trade_bridge_report_destroy(rep);
    }
    if (!cm_i_trade_is_edition(opt->target)) {
        return cm_error_set(err, CM_EINVAL,
                            "cm_trade_bridge: expected a target edition such as HS2017, got '%s'",
                            opt->target != NULL ? opt->target : "(null)");
    }
    if (ntables > 0) {
        tab = cm_calloc(ntables, sizeof *tab);
        CM_NOMEM(tab, err);
    }
    for (size_t i = 0; i < ntables; i++) {
        const cm_concordance_t *c = &tables[i];
        const char *dash = c->name != NULL ? strchr(c->name, '-') : NULL;
        if (dash == NULL || (size_t)(dash - c->name) != 6 || !cm_i_trade_is_edition(dash + 1)) {
            CM_FAIL(cm_error_set(err, CM_EINVAL,
                                 "cm_trade_bridge: expected tables named like HS2022-HS2017, "
                                 "got '%s'",
                                 c->name != NULL ? c->name : "(null)"));
        }
        if (strcmp(dash + 1, opt->target) != 0) {
            continue; /* another target */
        }
        tab[ntab].c = c;
        memcpy(tab[ntab].from, c->name, 6);
        tab[ntab].from[6] = '\0';
        tab[ntab].idx = cm_malloc_array(c->n > 0 ? c->n : 1, sizeof *tab[ntab].idx);
        CM_NOMEM(tab[ntab].idx, err);
        for (size_t k = 0; k < c->n; k++) {
            tab[ntab].idx[k].from = c->from[k];
            tab[ntab].idx[k].k = k;
        }
        qsort(tab[ntab].idx, c->n, sizeof *tab[ntab].idx, cmp_triple);
        ntab++;
    }
    CM_TRY(build_refs(in, editions, opt, &refs, &nrefs, err));

    r.n_in = in->n;
    for (size_t i = 0; i < in->n; i++) {
        const cm_trade_obs_t *o = &in->items[i];
        const char *ed = editions != NULL ? editions + i * CM_TRADE_HS_MAX : "";
        const table_t *t;
        char hs6[8], code[CM_TRADE_CODE_MAX];
        size_t first, k;
        snprintf(code, sizeof code, "%s", o->product);
        if (opt->hs6_only && strlen(code) == 8) {
            code[6] = '\0';
        }
        if (ed[0] == '\0') {
            r.n_unknown_edition++;
            CM_TRY(add_piece(&p, &np, &cap, o, i, code, o->value, 0, err));
            continue;
        }
        if (strcmp(ed, opt->target) == 0) {
            r.n_kept++;
            CM_TRY(add_piece(&p, &np, &cap, o, i, code, o->value, 0, err));
            continue;
        }
        t = find_table(tab, ntab, ed);
        if (t == NULL) {
            r.n_no_table++;
            CM_TRY(add_piece(&p, &np, &cap, o, i, code, o->value, 0, err));
            continue;
        }
        k = 0;
        first = 0;
        if (strlen(o->product) >= 6) {
            memcpy(hs6, o->product, 6);
            hs6[6] = '\0';
            first = lookup(t, hs6, &k);
        }
        if (k == 0) {
            r.n_not_in_table++;
            CM_TRY(add_piece(&p, &np, &cap, o, i, code, o->value, 0, err));
        } else if (k == 1) {
            const char *to = t->c->to[t->idx[first].k];
            if (strcmp(to, hs6) == 0) {
                r.n_kept++;
                CM_TRY(add_piece(&p, &np, &cap, o, i, code, o->value, 0, err));
            } else {
                r.n_renamed++;
                CM_TRY(add_piece(&p, &np, &cap, o, i, to, o->value, 0, err));
            }
        } else {
            double total = 0.0, wsum = 0.0;
            for (size_t j = 0; j < k; j++) {
                size_t q = t->idx[first + j].k;
                total += ref_value(refs, nrefs, o, t->c->to[q]);
                wsum += t->c->weight[q];
            }
            r.n_split++;
            if (!(total > 0.0)) {
                r.n_split_equal++;
            }
            for (size_t j = 0; j < k; j++) {
                size_t q = t->idx[first + j].k;
                double share = total > 0.0 ? ref_value(refs, nrefs, o, t->c->to[q]) / total
                               : wsum > 0.0 ? t->c->weight[q] / wsum
                                            : 1.0 / (double)k;
                if (share > 0.0) {
                    CM_TRY(add_piece(&p, &np, &cap, o, i, t->c->to[q], o->value * share, 1,
                                     err));
                }
            }
        }
    }

    /* sum pieces of one key (in input order within it) */
    if (np > 0) {
        qsort(p, np, sizeof *p, cmp_piece_key);
    }
    for (size_t i = 0; i < np; i++) {
        piece_t *prev = m > 0 ? &p[m - 1] : NULL;
        if (prev != NULL && prev->o.dataset == p[i].o.dataset && prev->o.var == p[i].o.var &&
            strcmp(prev->o.unit, p[i].o.unit) == 0 &&
            strcmp(prev->o.region, p[i].o.region) == 0 &&
            strcmp(prev->o.partner, p[i].o.partner) == 0 &&
            strcmp(prev->o.product, p[i].o.product) == 0 &&
            strcmp(prev->o.period, p[i].o.period) == 0) {
            prev->o.value += p[i].o.value; /* NaN stays NaN */
            prev->est |= p[i].est;
            prev->count++;
        } else {
            p[m++] = p[i];
        }
    }
    if (m > 0) {
        qsort(p, m, sizeof *p, cmp_piece_seq);
    }
    if (rep != NULL && m > 0) {
        r.estimated = cm_calloc(m, 1);
        CM_NOMEM(r.estimated, err);
    }
    for (size_t i = 0; i < m; i++) {
        CM_TRY(cm_trade_obs_add(out, &p[i].o, err));
        r.n_merged += p[i].count > 1;
        r.n_estimated += p[i].est != 0;
        if (r.estimated != NULL) {
            r.estimated[i] = (unsigned char)(p[i].est != 0);
        }
    }
    r.n_out = m;
    if (rep != NULL) {
        *rep = r;
        r.estimated = NULL;
    }
cleanup:
    if (tab != NULL) {
        for (size_t i = 0; i < ntab; i++) {
            cm_free(tab[i].idx);
        }
        cm_free(tab);
    }
    cm_free(refs);
    cm_free(p);
    cm_free(r.estimated);
    if (rc != CM_OK) {
        cm_trade_obs_list_destroy(out);
    }
    return rc;
}

/* --- editions and tables from the store ---------------------------------------------------- */

/* An observation's id and its index in the list. */
typedef struct id_ix_t {
    int64_t id;
    size_t i;
} id_ix_t;

typedef struct ed_load_t {
    const id_ix_t *ord; /* the observations by increasing id */
    size_t n;
    char *ed;
    size_t next;        /* the rows come by id too: a merge walk, ord[next] the next to match */
} ed_load_t;

static cm_error_t ed_row(int ncols, const char *const *names, const char *const *v, void *ud)
{
    ed_load_t *l = ud;
    CM_UNUSED(ncols);
    CM_UNUSED(names);
    if (v[0] == NULL || v[1] == NULL || !cm_i_trade_is_edition(v[1])) {
        return CM_OK;
    }
    int64_t id = strtoll(v[0], NULL, 10);
    while (l->next < l->n && l->ord[l->next].id < id) {
        l->next++;
    }
    for (size_t j = l->next; j < l->n && l->ord[j].id == id; j++) {
        memcpy(l->ed + l->ord[j].i * CM_TRADE_HS_MAX, v[1], 7);
    }
    return CM_OK;
}

static int cmp_id_ix(const void *a, const void *b)
{
    const id_ix_t *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id ? 1 : (x->i > y->i) - (x->i < y->i);
}

cm_error_t cm_trade_obs_editions_load(cm_store_t *store, const cm_trade_obs_list_t *obs,
                                      char **editions, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    ed_load_t l;
    id_ix_t *ord = NULL;
    char sql[512];
    int sorted = 1;
    memset(&l, 0, sizeof l);
    if (store == NULL || obs == NULL || editions == NULL) {
        return cm_error_set(err, CM_EINVAL,
                            "cm_trade_obs_editions_load: store, obs and editions are required");
    }
    *editions = NULL;
    l.ed = cm_calloc(obs->n > 0 ? obs->n : 1, CM_TRADE_HS_MAX);
    CM_NOMEM(l.ed, err);
    if (obs->n == 0) {
        goto done;
    }
    ord = cm_malloc_array(obs->n, sizeof *ord);
    CM_NOMEM(ord, err);
    for (size_t i = 0; i < obs->n; i++) {
        ord[i].id = obs->items[i].id;
        ord[i].i = i;
        sorted &= i == 0 || ord[i - 1].id <= ord[i].id;
    }
    if (!sorted) { /* cm_trade_obs_load's lists are sorted already */
        qsort(ord, obs->n, sizeof *ord, cmp_id_ix);
    }
    l.ord = ord;
    l.n = obs->n;
    /* only the rows of the ids of obs */
    snprintf(sql, sizeof sql,
             "SELECT o.id, json_extract(o.attrs, '$.hs') FROM observation o JOIN dataset d ON "
             "d.id = o.dataset_id WHERE d.kind IN ('baci', 'comext', 'comtrade') AND o.attrs IS "
             "NOT NULL AND o.id BETWEEN %lld AND %lld ORDER BY o.id",
             (long long)ord[0].id, (long long)ord[obs->n - 1].id);
    CM_TRY(cm_store_query(store, sql, ed_row, &l, err));
done:
    *editions = l.ed;
    l.ed = NULL;
cleanup:
    cm_free(ord);
    cm_free(l.ed);
    return rc;
}

cm_error_t cm_trade_bridge_store(cm_store_t *store, const cm_trade_obs_list_t *in,
                                 const cm_trade_bridge_options_t *opt, cm_trade_obs_list_t *out,
                                 cm_trade_bridge_report_t *rep, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    char *ed = NULL;
    cm_concordance_t *tables = NULL;
    size_t ntables = 0;
    char seen[16][CM_TRADE_HS_MAX];
    size_t nseen = 0;
    if (store == NULL || in == NULL || opt == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL,
                            "cm_trade_bridge_store: store, in, opt and out are required");
    }
    if (!cm_i_trade_is_edition(opt->target)) {
        return cm_error_set(err, CM_EINVAL,
                            "cm_trade_bridge_store: expected a target edition such as HS2017, "
                            "got '%s'",
                            opt->target != NULL ? opt->target : "(null)");
    }
    if (opt->editions == NULL) {
        CM_TRY(cm_trade_obs_editions_load(store, in, &ed, err));
    }
    const char *eds = opt->editions != NULL ? opt->editions : ed;
    for (size_t i = 0; i < in->n; i++) {
        const char *e = eds + i * CM_TRADE_HS_MAX;
        size_t k = 0;
        if (e[0] == '\0' || strcmp(e, opt->target) == 0) {
            continue;
        }
        while (k < nseen && strcmp(seen[k], e) != 0) {
            k++;
        }
        if (k < nseen || nseen == sizeof seen / sizeof seen[0]) {
            continue;
        }
        memcpy(seen[nseen++], e, CM_TRADE_HS_MAX);
    }
    if (nseen > 0) {
        tables = cm_calloc(nseen, sizeof *tables);
        CM_NOMEM(tables, err);
    }
    for (size_t k = 0; k < nseen; k++) {
        char name[24];
        cm_error_info_t lerr;
        cm_error_t lrc;
        memset(&lerr, 0, sizeof lerr);
        snprintf(name, sizeof name, "%s-%s", seen[k], opt->target);
        lrc = cm_store_concordance_load(store, name, &tables[ntables], &lerr);
        if (lrc == CM_OK) {
            ntables++;
        } else if (lrc != CM_ENOTFOUND) {
            if (err != NULL) {
                *err = lerr;
            }
            CM_FAIL(lrc);
        } else {
            cm_log(CM_LOG_WARNING, "no correlation table %s in the store: flows in %s kept as "
                   "they are (import one with the hs-correlation importer)", name, seen[k]);
        }
    }
    CM_TRY(cm_trade_bridge(in, eds, tables, ntables, opt, out, rep, err));
cleanup:
    for (size_t k = 0; k < ntables; k++) {
        cm_concordance_destroy(&tables[k]);
    }
    cm_free(tables);
    cm_free(ed);
    return rc;
}

/* The reconciliation model file (docs/reconcile.md): a line-based text format. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cambium/cm_alloc.h"
#include "cambium/cm_file.h"
#include "../core/cm_internal.h"
#include "../fmt/fmt_internal.h"
#include "rc_internal.h"

#define RC_MAX_FILE (64u << 20)
#define RC_NAME_MAX 200

typedef struct rc_cur_t {
    const char *line; /* start of the line */
    const char *p;
    const char *end;  /* end of the line */
    const char *file;
    long lineno;
    cm_error_info_t *err;
} rc_cur_t;

static long col_of(const rc_cur_t *c, const char *at)
{
    return (long)(at - c->line) + 1;
}

static cm_error_t fail_at(const rc_cur_t *c, const char *at, const char *fmt, const char *got)
{
    char word[64];
    size_t n = 0;
    while (at + n < c->end && n < sizeof word - 1 && !isspace((unsigned char)at[n])) {
        n++;
    }
    memcpy(word, at, n);
    word[n] = '\0';
    char msg[512];
    snprintf(msg, sizeof msg, fmt, got != NULL ? got : (n > 0 ? word : "end of line"));
    return cm_error_set_at(c->err, CM_EPARSE, c->file, c->lineno, col_of(c, at), "%s", msg);
}

static void skip_ws(rc_cur_t *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\r')) {
        c->p++;
    }
}

static int is_name_start(char ch)
{
    return isalpha((unsigned char)ch) || ch == '_';
}

static int is_name_char(char ch)
{
    return isalnum((unsigned char)ch) || ch == '_' || ch == '.';
}

/* Read a name into buf; 0 when none (the cursor is then unchanged). */
static int read_name(rc_cur_t *c, char *buf, size_t cap)
{
    skip_ws(c);
    if (c->p >= c->end || !is_name_start(*c->p)) {
        return 0;
    }
    size_t n = 0;
    while (c->p + n < c->end && is_name_char(c->p[n])) {
        n++;
    }
    if (n >= cap) {
        return 0;
    }
    memcpy(buf, c->p, n);
    buf[n] = '\0';
    c->p += n;
    return 1;
}

/* Read a finite number; 0 when none. */
static int read_number(rc_cur_t *c, double *out)
{
    skip_ws(c);
    if (c->p >= c->end) {
        return 0;
    }
    char tmp[64];
    size_t n = 0;
    while (c->p + n < c->end && n < sizeof tmp - 1 &&
           (isalnum((unsigned char)c->p[n]) || c->p[n] == '.' || c->p[n] == '+' ||
            c->p[n] == '-')) {
        if ((c->p[n] == '+' || c->p[n] == '-') && n > 0 && c->p[n - 1] != 'e' &&
            c->p[n - 1] != 'E') {
            break;
        }
        n++;
    }
    memcpy(tmp, c->p, n);
    tmp[n] = '\0';
    char *endp = NULL;
    errno = 0;
    double v = cm_i_strtod_c(tmp, &endp);
    if (n == 0 || endp != tmp + n || errno == ERANGE || !isfinite(v) || isalpha((unsigned char)tmp[0])) {
        return 0;
    }
    c->p += n;
    *out = v;
    return 1;
}

/* Accept a literal token. */
static int accept(rc_cur_t *c, const char *tok)
{
    skip_ws(c);
    size_t n = strlen(tok);
    if ((size_t)(c->end - c->p) >= n && memcmp(c->p, tok, n) == 0) {
        c->p += n;
        return 1;
    }
    return 0;
}

static int at_end(rc_cur_t *c)
{
    skip_ws(c);
    return c->p >= c->end || *c->p == '#';
}

static long index_find(const rc_index_t *x, const char *key)
{
    if (x->cap == 0) {
        return -1;
    }
    size_t h = (size_t)cm_i_fnv1a(CM_I_FNV_OFFSET, key, strlen(key)) & (x->cap - 1);
    for (; x->slot[h].key != NULL; h = (h + 1) & (x->cap - 1)) {
        if (strcmp(x->slot[h].key, key) == 0) {
            return (long)x->slot[h].val;
        }
    }
    return -1;
}

static void index_put(rc_index_t *x, const char *key, size_t val)
{
    size_t h = (size_t)cm_i_fnv1a(CM_I_FNV_OFFSET, key, strlen(key)) & (x->cap - 1);
    while (x->slot[h].key != NULL) {
        h = (h + 1) & (x->cap - 1);
    }
    x->slot[h] = (rc_slot_t){key, val};
    x->n++;
}

/* Add key (not present) -> val, growing to keep the load at most 1/2. */
static cm_error_t index_add(rc_index_t *x, const char *key, size_t val, cm_error_info_t *err)
{
    if (2 * (x->n + 1) > x->cap) {
        size_t nc = x->cap ? 2 * x->cap : 64;
        rc_slot_t *ns = cm_calloc(nc, sizeof *ns);
        if (ns == NULL) {
            return cm_error_set(err, CM_ENOMEM, "out of memory");
        }
        rc_index_t y = {ns, nc, 0};
        for (size_t i = 0; i < x->cap; i++) {
            if (x->slot[i].key != NULL) {
                index_put(&y, x->slot[i].key, x->slot[i].val);
            }
        }
        cm_free(x->slot);
        *x = y;
    }
    index_put(x, key, val);
    return CM_OK;
}

static long find_proc(const cm_recon_model_t *m, const char *name)
{
    return index_find(&m->proc_index, name);
}

static long find_flow(const cm_recon_model_t *m, const char *name)
{
    return index_find(&m->flow_index, name);
}

static long find_derived(const cm_recon_model_t *m, const char *name)
{
    for (size_t i = 0; i < m->nder; i++) {
        if (strcmp(m->der[i].name, name) == 0) {
            return (long)i;
        }
    }
    return -1;
}

static long boundary(const char *name)
{
    static const char *const names[] = {"import", "export", "environment", "stock"};
    for (long k = 0; k < 4; k++) {
        if (strcmp(name, names[k]) == 0) {
            return -k - 1;
        }
    }
    return 0;
}

static cm_error_t lin_add(rc_lin_t *l, size_t flow, double coef, cm_error_info_t *err)
{
    for (size_t k = 0; k < l->n; k++) {
        if (l->t[k].flow == flow) {
            l->t[k].coef += coef;
            return CM_OK;
        }
    }
    if (cm_i_grow((void **)&l->t, &l->cap, l->n, sizeof *l->t, 4) != 0) {
        return cm_error_set(err, CM_ENOMEM, "out of memory");
    }
    l->t[l->n++] = (rc_term_t){flow, coef};
    return CM_OK;
}

/* LIN := [sign] term { sign term }, term := [NUMBER ['*']] FLOW. Stops before '=', '/', end. */
static cm_error_t parse_lin(rc_cur_t *c, const cm_recon_model_t *m, rc_lin_t *l)
{
    char name[RC_NAME_MAX];
    int first = 1;
    for (;;) {
        double sign = 1;
        skip_ws(c);
        if (accept(c, "+")) {
            sign = 1;
        } else if (accept(c, "-")) {
            sign = -1;
        } else if (!first) {
            break;
        }
        first = 0;
        double coef = 1;
        const char *at = (skip_ws(c), c->p);
        if (c->p < c->end && !is_name_start(*c->p)) {
            if (!read_number(c, &coef)) {
                return fail_at(c, at, "expected a coefficient or a flow name, got '%s'", NULL);
            }
            accept(c, "*");
        }
        at = (skip_ws(c), c->p);
        if (!read_name(c, name, sizeof name)) {
            return fail_at(c, at, "expected a flow name, got '%s'", NULL);
        }
        long f = find_flow(m, name);
        if (f < 0) {
            return fail_at(c, at, "expected a declared flow, got '%s'", name);
        }
        cm_error_t rc = lin_add(l, (size_t)f, sign * coef, c->err);
        if (rc != CM_OK) {
            return rc;
        }
    }
    if (l->n == 0) {
        return fail_at(c, c->p, "expected a linear combination of flows, got '%s'", NULL);
    }
    return CM_OK;
}

/* "= VALUE +- SD" or "?": measured 1 / 0. */
static cm_error_t parse_datum(rc_cur_t *c, int *measured, double *value, double *sd)
{
    if (accept(c, "?")) {
        *measured = 0;
        *value = NAN;
        *sd = NAN;
        return CM_OK;
    }
    if (!accept(c, "=")) {
        return fail_at(c, (skip_ws(c), c->p), "expected '= VALUE +- SD' or '?', got '%s'", NULL);
    }
    const char *at = (skip_ws(c), c->p);
    if (!read_number(c, value)) {
        return fail_at(c, at, "expected a number, got '%s'", NULL);
    }
    if (!accept(c, "+-") && !accept(c, "\xC2\xB1")) {
        return fail_at(c, (skip_ws(c), c->p), "expected '+-' and a standard deviation, got '%s'",
                       NULL);
    }
    at = (skip_ws(c), c->p);
    if (!read_number(c, sd)) {
        return fail_at(c, at, "expected a number, got '%s'", NULL);
    }
    if (!(*sd > 0)) {
        return fail_at(c, at, "expected a standard deviation > 0, got '%s'", NULL);
    }
    *measured = 1;
    return CM_OK;
}

static cm_error_t add_flow(cm_recon_model_t *m, const char *name, long from, long to,
                           cm_error_info_t *err)
{
    if (cm_i_grow((void **)&m->flow, &m->cap_flow, m->nflow, sizeof *m->flow, 16) != 0) {
        return cm_error_set(err, CM_ENOMEM, "out of memory");
    }
    rc_flow_t *f = &m->flow[m->nflow];
    memset(f, 0, sizeof *f);
    f->name = cm_strdup(name);
    if (f->name == NULL) {
        return cm_error_set(err, CM_ENOMEM, "out of memory");
    }
    if (index_add(&m->flow_index, f->name, m->nflow, err) != CM_OK) {
        cm_free(f->name);
        f->name = NULL;
        return CM_ENOMEM;
    }
    f->from = from;
    f->to = to;
    f->value = f->sd = NAN;
    m->nflow++;
    return CM_OK;
}

/* An end of a flow: a declared process or a boundary keyword. */
static cm_error_t parse_end(rc_cur_t *c, const cm_recon_model_t *m, long *end)
{
    char name[RC_NAME_MAX];
    const char *at = (skip_ws(c), c->p);
    if (!read_name(c, name, sizeof name)) {
        return fail_at(c, at, "expected a process or import/export/environment, got '%s'", NULL);
    }
    long b = boundary(name);
    if (b != 0 && b != RC_STOCK) {
        *end = b;
        return CM_OK;
    }
    long p = find_proc(m, name);
    if (p < 0) {
        return fail_at(c, at, "expected a declared process (or import, export, environment), "
                       "got unknown process '%s'", name);
    }
    *end = p;
    return CM_OK;
}

typedef struct rc_tc_t {
    size_t flow;
    double tc;
} rc_tc_t;

static cm_error_t parse_line(rc_cur_t *c, cm_recon_model_t *m, rc_tc_t **tcs, size_t *ntc,
                             size_t *captc)
{
    cm_error_t rc = CM_OK;
    char kw[32], name[RC_NAME_MAX];
    const char *at = (skip_ws(c), c->p);
    if (!read_name(c, kw, sizeof kw)) {
        return fail_at(c, at, "expected process, flow, stock, tc, relation, derived, target or "
                       "unit, got '%s'", NULL);
    }
    if (strcmp(kw, "unit") == 0) {
        skip_ws(c);
        const char *e = c->end;
        while (e > c->p && isspace((unsigned char)e[-1])) {
            e--;
        }
        char *u = cm_strndup(c->p, (size_t)(e - c->p));
        if (u == NULL) {
            return cm_error_set(c->err, CM_ENOMEM, "out of memory");
        }
        cm_free(m->unit);
        m->unit = u;
        return CM_OK;
    }
    if (strcmp(kw, "process") == 0) {
        at = (skip_ws(c), c->p);
        if (!read_name(c, name, sizeof name)) {
            return fail_at(c, at, "expected a process name, got '%s'", NULL);
        }
        if (boundary(name) != 0) {
            return fail_at(c, at, "expected a process name other than import, export, "
                           "environment and stock, got '%s'", name);
        }
        if (find_proc(m, name) >= 0) {
            return fail_at(c, at, "expected a new process name, got duplicate process '%s'",
                           name);
        }
        if (cm_i_grow((void **)&m->proc, &m->cap_proc, m->nproc, sizeof *m->proc, 16) != 0) {
            return cm_error_set(c->err, CM_ENOMEM, "out of memory");
        }
        m->proc[m->nproc] = cm_strdup(name);
        if (m->proc[m->nproc] == NULL) {
            return cm_error_set(c->err, CM_ENOMEM, "out of memory");
        }
        if (index_add(&m->proc_index, m->proc[m->nproc], m->nproc, c->err) != CM_OK) {
            cm_free(m->proc[m->nproc]);
            return CM_ENOMEM;
        }
        m->nproc++;
    } else if (strcmp(kw, "flow") == 0 || strcmp(kw, "stock") == 0) {
        int stock = kw[0] == 's';
        long from, to = RC_STOCK;
        at = (skip_ws(c), c->p);
        if (!read_name(c, name, sizeof name)) {
            return fail_at(c, at, stock ? "expected a process name, got '%s'"
                                        : "expected a flow name, got '%s'", NULL);
        }
        if (stock) {
            from = find_proc(m, name);
            if (from < 0) {
                return fail_at(c, at, "expected a declared process, got unknown process '%s'",
                               name);
            }
            size_t len = strlen(name);
            if (len + 7 > sizeof name) {
                return fail_at(c, at, "expected a shorter process name, got '%s'", name);
            }
            memcpy(name + len, ".stock", 7);
        } else {
            CM_TRY(parse_end(c, m, &from));
            if (!accept(c, "->")) {
                return fail_at(c, (skip_ws(c), c->p), "expected '->', got '%s'", NULL);
            }
            CM_TRY(parse_end(c, m, &to));
            if (from < 0 && to < 0) {
                return fail_at(c, at, "expected a flow with at least one process end, got "
                               "'%s' between two boundaries", name);
            }
            if (from == to) {
                return fail_at(c, at, "expected a flow between two different ends, got '%s'",
                               name);
            }
        }
        if (find_flow(m, name) >= 0) {
            return fail_at(c, at, "expected a new flow name, got duplicate flow '%s'", name);
        }
        int measured = 0;
        double v = NAN, sd = NAN;
        CM_TRY(parse_datum(c, &measured, &v, &sd));
        CM_TRY(add_flow(m, name, from, to, c->err));
        m->flow[m->nflow - 1].measured = measured;
        m->flow[m->nflow - 1].value = v;
        m->flow[m->nflow - 1].sd = sd;
    } else if (strcmp(kw, "tc") == 0) {
        at = (skip_ws(c), c->p);
        long f = read_name(c, name, sizeof name) ? find_flow(m, name) : -2;
        if (f < 0) {
            return fail_at(c, at, "expected a declared flow, got '%s'", f == -1 ? name : NULL);
        }
        if (m->flow[f].from < 0) {
            return fail_at(c, at, "expected a flow leaving a process, got '%s' from the boundary",
                           name);
        }
        double tc;
        if (!accept(c, "=")) {
            return fail_at(c, (skip_ws(c), c->p), "expected '=', got '%s'", NULL);
        }
        at = (skip_ws(c), c->p);
        if (!read_number(c, &tc) || tc < 0 || tc > 1) {
            return fail_at(c, at, "expected a transfer coefficient in [0, 1], got '%s'", NULL);
        }
        if (cm_i_grow((void **)tcs, captc, *ntc, sizeof **tcs, 8) != 0) {
            return cm_error_set(c->err, CM_ENOMEM, "out of memory");
        }
        (*tcs)[(*ntc)++] = (rc_tc_t){(size_t)f, tc};
    } else if (strcmp(kw, "relation") == 0) {
        if (cm_i_grow((void **)&m->rel, &m->cap_rel, m->nrel, sizeof *m->rel, 8) != 0) {
            return cm_error_set(c->err, CM_ENOMEM, "out of memory");
        }
        rc_rel_t *r = &m->rel[m->nrel];
        memset(r, 0, sizeof *r);
        snprintf(r->label, sizeof r->label, "relation (line %ld)", c->lineno);
        m->nrel++;
        CM_TRY(parse_lin(c, m, &r->lhs));
        if (!accept(c, "=")) {
            return fail_at(c, (skip_ws(c), c->p), "expected '= NUMBER', got '%s'", NULL);
        }
        at = (skip_ws(c), c->p);
        if (!read_number(c, &r->rhs)) {
            return fail_at(c, at, "expected a number, got '%s'", NULL);
        }
    } else if (strcmp(kw, "derived") == 0) {
        at = (skip_ws(c), c->p);
        if (!read_name(c, name, sizeof name)) {
            return fail_at(c, at, "expected a name, got '%s'", NULL);
        }
        if (find_derived(m, name) >= 0 || find_flow(m, name) >= 0) {
            return fail_at(c, at, "expected a new name, got duplicate name '%s'", name);
        }
        if (cm_i_grow((void **)&m->der, &m->cap_der, m->nder, sizeof *m->der, 8) != 0) {
            return cm_error_set(c->err, CM_ENOMEM, "out of memory");
        }
        rc_derived_t *d = &m->der[m->nder];
        memset(d, 0, sizeof *d);
        d->name = cm_strdup(name);
        if (d->name == NULL) {
            return cm_error_set(c->err, CM_ENOMEM, "out of memory");
        }
        m->nder++;
        if (!accept(c, "=")) {
            return fail_at(c, (skip_ws(c), c->p), "expected '=', got '%s'", NULL);
        }
        CM_TRY(parse_lin(c, m, &d->num));
        if (accept(c, "/")) {
            d->ratio = 1;
            CM_TRY(parse_lin(c, m, &d->den));
        }
    } else if (strcmp(kw, "target") == 0) {
        at = (skip_ws(c), c->p);
        if (!read_name(c, name, sizeof name)) {
            return fail_at(c, at, "expected a flow or derived quantity, got '%s'", NULL);
        }
        m->target_flow = find_flow(m, name);
        m->target_derived = find_derived(m, name);
        if (m->target_flow < 0 && m->target_derived < 0) {
            return fail_at(c, at, "expected a declared flow or derived quantity, got '%s'", name);
        }
    } else {
        return fail_at(c, at, "expected process, flow, stock, tc, relation, derived, target or "
                       "unit, got '%s'", kw);
    }
    if (!at_end(c)) {
        return fail_at(c, c->p, "expected the end of the line, got '%s'", NULL);
    }
cleanup:
    return rc;
}

/* A transfer coefficient: flow - tc * (sum of the inputs of its source) = 0. */
static cm_error_t add_tc(cm_recon_model_t *m, const rc_tc_t *t, cm_error_info_t *err)
{
    if (cm_i_grow((void **)&m->rel, &m->cap_rel, m->nrel, sizeof *m->rel, 8) != 0) {
        return cm_error_set(err, CM_ENOMEM, "out of memory");
    }
    rc_rel_t *r = &m->rel[m->nrel];
    memset(r, 0, sizeof *r);
    snprintf(r->label, sizeof r->label, "tc %.80s", m->flow[t->flow].name);
    m->nrel++;
    long src = m->flow[t->flow].from;
    cm_error_t rc = lin_add(&r->lhs, t->flow, 1.0, err);
    for (size_t f = 0; f < m->nflow && rc == CM_OK; f++) {
        if (m->flow[f].to == src) {
            rc = lin_add(&r->lhs, f, -t->tc, err);
        }
    }
    return rc;
}

cm_error_t cm_recon_model_parse(const char *text, size_t len, const char *name,
                                cm_recon_model_t **out, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_recon_model_t *m = NULL;
    rc_tc_t *tcs = NULL;
    long *proc_line = NULL;
    size_t ntc = 0, captc = 0, cap_pl = 0;
    if (text == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_recon_model_parse: text or out is NULL");
    }
    *out = NULL;
    name = name != NULL ? name : "<model>";
    m = cm_calloc(1, sizeof *m);
    CM_NOMEM(m, err);
    m->target_flow = m->target_derived = -1;
    m->unit = cm_strdup("");
    CM_NOMEM(m->unit, err);
    rc_cur_t c = {text, text, text, name, 0, err};
    const char *end = text + len;
    for (const char *ln = text; ln < end;) {
        const char *nl = memchr(ln, '\n', (size_t)(end - ln));
        const char *le = nl != NULL ? nl : end;
        c.line = c.p = ln;
        c.end = le;
        c.lineno++;
        if (!at_end(&c)) {
            size_t np = m->nproc;
            rc = parse_line(&c, m, &tcs, &ntc, &captc);
            if (rc != CM_OK) {
                goto cleanup;
            }
            if (m->nproc > np) {
                if (cm_i_grow((void **)&proc_line, &cap_pl, np, sizeof *proc_line, 16) != 0) {
                    CM_FAIL(cm_error_set(err, CM_ENOMEM, "out of memory"));
                }
                proc_line[np] = c.lineno;
            }
        }
        ln = nl != NULL ? nl + 1 : end;
    }
    if (m->nflow == 0) {
        CM_FAIL(cm_error_set_at(err, CM_EPARSE, name, c.lineno, 1,
                                "expected at least one flow, got none"));
    }
    for (size_t p = 0; p < m->nproc; p++) {
        size_t k = 0;
        for (size_t f = 0; f < m->nflow; f++) {
            k += m->flow[f].from == (long)p || m->flow[f].to == (long)p;
        }
        if (k == 0) {
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, name, proc_line[p], 9,
                                    "expected flows into or out of process '%s', got none: its "
                                    "balance has no data at all", m->proc[p]));
        }
    }
    for (size_t t = 0; t < ntc; t++) {
        CM_TRY(add_tc(m, &tcs[t], err));
    }
    *out = m;
    m = NULL;
cleanup:
    cm_free(tcs);
    cm_free(proc_line);
    cm_recon_model_free(m);
    return rc;
}

cm_error_t cm_recon_model_load(const char *path, cm_recon_model_t **out, cm_error_info_t *err)
{
    char *text = NULL;
    size_t len = 0;
    if (path == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_recon_model_load: path or out is NULL");
    }
    *out = NULL;
    cm_error_t rc = cm_file_read_all(path, RC_MAX_FILE, &text, &len, err);
    if (rc == CM_OK) {
        rc = cm_recon_model_parse(text, len, path, out, err);
    }
    cm_free(text);
    return rc;
}

void cm_recon_model_free(cm_recon_model_t *m)
{
    if (m == NULL) {
        return;
    }
    for (size_t i = 0; i < m->nproc; i++) {
        cm_free(m->proc[i]);
    }
    for (size_t i = 0; i < m->nflow; i++) {
        cm_free(m->flow[i].name);
    }
    for (size_t i = 0; i < m->nrel; i++) {
        cm_free(m->rel[i].lhs.t);
    }
    for (size_t i = 0; i < m->nder; i++) {
        cm_free(m->der[i].name);
        cm_free(m->der[i].num.t);
        cm_free(m->der[i].den.t);
    }
    cm_free(m->proc_index.slot);
    cm_free(m->flow_index.slot);
    cm_free(m->proc);
    cm_free(m->flow);
    cm_free(m->rel);
    cm_free(m->der);
    cm_free(m->unit);
    cm_free(m);
}

size_t cm_recon_nprocesses(const cm_recon_model_t *m)
{
    return m != NULL ? m->nproc : 0;
}

const char *cm_recon_process_name(const cm_recon_model_t *m, size_t i)
{
    return m != NULL && i < m->nproc ? m->proc[i] : NULL;
}

size_t cm_recon_nflows(const cm_recon_model_t *m)
{
    return m != NULL ? m->nflow : 0;
}

const char *cm_recon_flow_name(const cm_recon_model_t *m, size_t i)
{
    return m != NULL && i < m->nflow ? m->flow[i].name : NULL;
}

int cm_recon_flow_info(const cm_recon_model_t *m, size_t i, long *from, long *to, double *value,
                       double *sd)
{
    if (m == NULL || i >= m->nflow) {
        return -1;
    }
    const rc_flow_t *f = &m->flow[i];
    if (from != NULL) {
        *from = f->from;
    }
    if (to != NULL) {
        *to = f->to;
    }
    if (value != NULL) {
        *value = f->value;
    }
    if (sd != NULL) {
        *sd = f->sd;
    }
    return f->measured;
}

size_t cm_recon_nderived(const cm_recon_model_t *m)
{
    return m != NULL ? m->nder : 0;
}

const char *cm_recon_derived_name(const cm_recon_model_t *m, size_t i)
{
    return m != NULL && i < m->nder ? m->der[i].name : NULL;
}

const char *cm_recon_constraint_name(const cm_recon_model_t *m, size_t i)
{
    if (m == NULL || i >= m->nproc + m->nrel) {
        return NULL;
    }
    return i < m->nproc ? m->proc[i] : m->rel[i - m->nproc].label;
}

const char *cm_recon_unit(const cm_recon_model_t *m)
{
    return m != NULL ? m->unit : "";
}

cm_error_t cm_recon_set_measurement(cm_recon_model_t *m, size_t i, double value, double sd,
                                    cm_error_info_t *err)
{
    if (m == NULL || i >= m->nflow || (!isnan(sd) && !(sd > 0 && isfinite(sd) &&
                                                       isfinite(value)))) {
        return cm_error_set(err, CM_EINVAL, "cm_recon_set_measurement: expected a flow index "
                            "below %zu, a finite value and sd > 0 (or NaN), got %zu, %g, %g",
                            m != NULL ? m->nflow : 0, i, value, sd);
    }
    m->flow[i].measured = !isnan(sd);
    m->flow[i].value = isnan(sd) ? NAN : value;
    m->flow[i].sd = sd;
    return CM_OK;
}

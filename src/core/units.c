/* Unit registry: a constant symbol table, a recursive-descent parser for products and
 * quotients of symbols, conversion factors, and canonical formatting. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cm_internal.h"
#include "cambium/cm_units.h"

#define DIMLESS (-1)

typedef struct unit_symbol_t {
    const char *name;
    const char *alias_of; /* canonical symbol, or NULL when this entry is canonical */
    double factor;        /* in base units of its dimension */
    int dim;              /* cm_unit_dim_t or DIMLESS */
} unit_symbol_t;

/* The registry. Base units: kg, EUR, USD, W, Wh, a, item. */
static const unit_symbol_t SYMBOLS[] = {
    {"g", NULL, 1e-3, CM_DIM_MASS},
    {"kg", NULL, 1.0, CM_DIM_MASS},
    {"t", NULL, 1e3, CM_DIM_MASS},
    {"kt", NULL, 1e6, CM_DIM_MASS},
    {"Mt", NULL, 1e9, CM_DIM_MASS},
    {"Gt", NULL, 1e12, CM_DIM_MASS},
    {"EUR", NULL, 1.0, CM_DIM_EUR},
    {"kEUR", NULL, 1e3, CM_DIM_EUR},
    {"MEUR", NULL, 1e6, CM_DIM_EUR},
    {"BEUR", NULL, 1e9, CM_DIM_EUR},
    {"\xE2\x82\xAC", "EUR", 1.0, CM_DIM_EUR}, /* the euro sign in UTF-8 */
    {"USD", NULL, 1.0, CM_DIM_USD},
    {"kUSD", NULL, 1e3, CM_DIM_USD},
    {"MUSD", NULL, 1e6, CM_DIM_USD},
    {"BUSD", NULL, 1e9, CM_DIM_USD},
    {"W", NULL, 1.0, CM_DIM_POWER},
    {"kW", NULL, 1e3, CM_DIM_POWER},
    {"MW", NULL, 1e6, CM_DIM_POWER},
    {"GW", NULL, 1e9, CM_DIM_POWER},
    {"Wh", NULL, 1.0, CM_DIM_ENERGY},
    {"kWh", NULL, 1e3, CM_DIM_ENERGY},
    {"MWh", NULL, 1e6, CM_DIM_ENERGY},
    {"GWh", NULL, 1e9, CM_DIM_ENERGY},
    {"TWh", NULL, 1e12, CM_DIM_ENERGY},
    {"a", NULL, 1.0, CM_DIM_TIME},
    {"yr", "a", 1.0, CM_DIM_TIME},
    {"year", "a", 1.0, CM_DIM_TIME},
    {"item", NULL, 1.0, CM_DIM_COUNT},
    {"items", "item", 1.0, CM_DIM_COUNT},
    {"pcs", "item", 1.0, CM_DIM_COUNT},
    {"%", NULL, 1e-2, DIMLESS},
    {"ppm", NULL, 1e-6, DIMLESS},
    {"share", NULL, 1.0, DIMLESS},
    {"fraction", "share", 1.0, DIMLESS},
};

#define NSYMBOLS ((int)(sizeof SYMBOLS / sizeof SYMBOLS[0]))

static const char *const DIM_NAMES[CM_UNIT_NDIM] = {
    "mass", "money (EUR)", "money (USD)", "power", "energy", "time", "count",
};

static const char UNKNOWN_HINT[] = "(expected e.g. t, kt, EUR, MW, t/MW ...)";

cm_unit_t cm_unit_one(void)
{
    cm_unit_t u;
    memset(&u, 0, sizeof u);
    u.factor = 1.0;
    return u;
}

static int find_symbol(const char *s, size_t len)
{
    for (int i = 0; i < NSYMBOLS; i++) {
        if (strlen(SYMBOLS[i].name) == len && memcmp(SYMBOLS[i].name, s, len) == 0) {
            return i;
        }
    }
    return -1;
}

static int canonical_symbol(int i)
{
    if (SYMBOLS[i].alias_of != NULL) {
        return find_symbol(SYMBOLS[i].alias_of, strlen(SYMBOLS[i].alias_of));
    }
    return i;
}

/* out = a * b^sign (sign = +1 or -1). out may alias a or b. */
static cm_error_t combine(const cm_unit_t *a, const cm_unit_t *b, int sign, cm_unit_t *out,
                          cm_error_info_t *err)
{
    cm_unit_t r = *a;
    r.factor = sign > 0 ? a->factor * b->factor : a->factor / b->factor;
    for (int d = 0; d < CM_UNIT_NDIM; d++) {
        int p = a->dim[d] + sign * b->dim[d];
        if (p > CM_UNIT_MAX_POWER || p < -CM_UNIT_MAX_POWER) {
            return cm_error_set(err, CM_EUNIT, "unit power of %s exceeds %d", DIM_NAMES[d],
                                CM_UNIT_MAX_POWER);
        }
        r.dim[d] = (int16_t)p;
    }
    for (int j = 0; j < b->nterms; j++) {
        int k = 0;
        while (k < r.nterms && r.terms[k].symbol != b->terms[j].symbol) {
            k++;
        }
        int p = sign * b->terms[j].power;
        if (k < r.nterms) {
            p += r.terms[k].power;
            if (p > CM_UNIT_MAX_POWER || p < -CM_UNIT_MAX_POWER) {
                return cm_error_set(err, CM_EUNIT, "power of unit '%s' exceeds %d",
                                    SYMBOLS[r.terms[k].symbol].name, CM_UNIT_MAX_POWER);
            }
            r.terms[k].power = (int16_t)p;
        } else {
            if (r.nterms >= CM_UNIT_MAX_TERMS) {
                return cm_error_set(err, CM_EUNIT, "unit has more than %d distinct symbols",
                                    CM_UNIT_MAX_TERMS);
            }
            r.terms[r.nterms].symbol = b->terms[j].symbol;
            r.terms[r.nterms].power = (int16_t)p;
            r.nterms++;
        }
    }
    /* drop zero powers, keeping the order */
    int w = 0;
    for (int k = 0; k < r.nterms; k++) {
        if (r.terms[k].power != 0) {
            r.terms[w++] = r.terms[k];
        }
    }
    for (int k = w; k < r.nterms; k++) {
        r.terms[k].symbol = 0;
        r.terms[k].power = 0;
    }
    r.nterms = (int16_t)w;
    *out = r;
    return CM_OK;
}

static cm_error_t unit_pow(const cm_unit_t *u, int p, cm_unit_t *out, cm_error_info_t *err)
{
    if (p > CM_UNIT_MAX_POWER || p < -CM_UNIT_MAX_POWER) {
        return cm_error_set(err, CM_EUNIT, "unit power %d exceeds %d", p, CM_UNIT_MAX_POWER);
    }
    cm_unit_t r = *u;
    for (int d = 0; d < CM_UNIT_NDIM; d++) {
        int q = u->dim[d] * p;
        if (q > CM_UNIT_MAX_POWER || q < -CM_UNIT_MAX_POWER) {
            return cm_error_set(err, CM_EUNIT, "unit power of %s exceeds %d", DIM_NAMES[d],
                                CM_UNIT_MAX_POWER);
        }
        r.dim[d] = (int16_t)q;
    }
    for (int k = 0; k < u->nterms; k++) {
        int q = u->terms[k].power * p;
        if (q > CM_UNIT_MAX_POWER || q < -CM_UNIT_MAX_POWER) {
            return cm_error_set(err, CM_EUNIT, "power of unit '%s' exceeds %d",
                                SYMBOLS[u->terms[k].symbol].name, CM_UNIT_MAX_POWER);
        }
        r.terms[k].power = (int16_t)q;
    }
    r.factor = pow(u->factor, (double)p);
    if (p == 0) {
        r = cm_unit_one();
    }
    *out = r;
    return CM_OK;
}

/* ---- parser ---- */

typedef struct parser_t {
    const char *text;
    size_t pos;
    int depth;
    cm_error_info_t *err;
} parser_t;

#define MAX_DEPTH 16

static int is_delim(char c)
{
    return c == '\0' || c == ' ' || c == '\t' || c == '*' || c == '/' || c == '(' || c == ')' ||
           c == '^';
}

static void skip_space(parser_t *p)
{
    while (p->text[p->pos] == ' ' || p->text[p->pos] == '\t') {
        p->pos++;
    }
}

static cm_error_t malformed(parser_t *p, const char *expected)
{
    char got[32];
    char c = p->text[p->pos];
    if (c == '\0') {
        snprintf(got, sizeof got, "end of text");
    } else {
        snprintf(got, sizeof got, "'%c'", c);
    }
    return cm_error_set(p->err, CM_EUNIT, "malformed unit '%s': expected %s at column %zu, got %s",
                        p->text, expected, p->pos + 1, got);
}

static cm_error_t parse_expr(parser_t *p, cm_unit_t *out);

static cm_error_t parse_atom(parser_t *p, cm_unit_t *out)
{
    skip_space(p);
    char c = p->text[p->pos];
    if (c == '(') {
        if (p->depth >= MAX_DEPTH) {
            return cm_error_set(p->err, CM_EUNIT,
                                "malformed unit '%s': parentheses nested deeper than %d", p->text,
                                MAX_DEPTH);
        }
        p->pos++;
        p->depth++;
        cm_error_t rc = parse_expr(p, out);
        p->depth--;
        if (rc != CM_OK) {
            return rc;
        }
        skip_space(p);
        if (p->text[p->pos] != ')') {
            return malformed(p, "')'");
        }
        p->pos++;
        return CM_OK;
    }
    size_t start = p->pos;
    while (!is_delim(p->text[p->pos])) {
        p->pos++;
    }
    size_t len = p->pos - start;
    if (len == 0) {
        return malformed(p, "a unit symbol");
    }
    if (len == 1 && p->text[start] == '1') {
        *out = cm_unit_one();
        return CM_OK;
    }
    int i = find_symbol(p->text + start, len);
    if (i < 0) {
        if (start == 0 && p->text[p->pos] == '\0') {
            return cm_error_set(p->err, CM_EUNIT, "unknown unit '%s' %s", p->text, UNKNOWN_HINT);
        }
        return cm_error_set(p->err, CM_EUNIT, "unknown unit '%.*s' in '%s' %s", (int)len,
                            p->text + start, p->text, UNKNOWN_HINT);
    }
    int ci = canonical_symbol(i);
    *out = cm_unit_one();
    out->factor = SYMBOLS[ci].factor;
    if (SYMBOLS[ci].dim != DIMLESS) {
        out->dim[SYMBOLS[ci].dim] = 1;
    }
    out->nterms = 1;
    out->terms[0].symbol = (int16_t)ci;
    out->terms[0].power = 1;
    return CM_OK;
}

static cm_error_t parse_term(parser_t *p, cm_unit_t *out)
{
    cm_error_t rc = parse_atom(p, out);
    if (rc != CM_OK) {
        return rc;
    }
    skip_space(p);
    if (p->text[p->pos] != '^') {
        return CM_OK;
    }
    p->pos++;
    skip_space(p);
    size_t start = p->pos;
    int neg = 0;
    if (p->text[p->pos] == '-' || p->text[p->pos] == '+') {
        neg = p->text[p->pos] == '-';
        p->pos++;
    }
    int value = 0;
    size_t ndigits = 0;
    while (p->text[p->pos] >= '0' && p->text[p->pos] <= '9') {
        if (value <= 1000) {
            value = value * 10 + (p->text[p->pos] - '0');
        }
        p->pos++;
        ndigits++;
    }
    if (ndigits == 0) {
        p->pos = start;
        return malformed(p, "an integer power");
    }
    return unit_pow(out, neg ? -value : value, out, p->err);
}

static cm_error_t parse_expr(parser_t *p, cm_unit_t *out)
{
    cm_error_t rc = parse_term(p, out);
    if (rc != CM_OK) {
        return rc;
    }
    for (;;) {
        skip_space(p);
        char op = p->text[p->pos];
        if (op != '*' && op != '/') {
            return CM_OK;
        }
        p->pos++;
        cm_unit_t rhs;
        rc = parse_term(p, &rhs);
        if (rc != CM_OK) {
            return rc;
        }
        rc = combine(out, &rhs, op == '*' ? 1 : -1, out, p->err);
        if (rc != CM_OK) {
            return rc;
        }
    }
}

cm_error_t cm_unit_parse(const char *text, cm_unit_t *out, cm_error_info_t *err)
{
    if (text == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_unit_parse: text and out must not be NULL");
    }
    parser_t p = {text, 0, 0, err};
    skip_space(&p);
    if (text[p.pos] == '\0') {
        *out = cm_unit_one();
        return CM_OK;
    }
    cm_unit_t u;
    cm_error_t rc = parse_expr(&p, &u);
    if (rc != CM_OK) {
        return rc;
    }
    skip_space(&p);
    if (text[p.pos] != '\0') {
        return malformed(&p, "'*', '/' or end of text");
    }
    *out = u;
    return CM_OK;
}

/* ---- formatting ---- */

typedef struct sbuf_t {
    char *buf;
    size_t n;
    size_t len;
    int overflow;
} sbuf_t;

static void sb_puts(sbuf_t *b, const char *s)
{
    for (; *s != '\0'; s++) {
        if (b->len + 1 < b->n) {
            b->buf[b->len++] = *s;
            b->buf[b->len] = '\0';
        } else {
            b->overflow = 1;
        }
    }
}

static void sb_power(sbuf_t *b, const char *name, int power)
{
    sb_puts(b, name);
    if (power > 1) {
        char tmp[16];
        snprintf(tmp, sizeof tmp, "^%d", power);
        sb_puts(b, tmp);
    }
}

/* Writes "num/den" from parallel arrays of names and powers. */
static void sb_fraction(sbuf_t *b, const char *const *names, const int *powers, int count)
{
    int nnum = 0;
    int nden = 0;
    for (int k = 0; k < count; k++) {
        if (powers[k] > 0) {
            nnum++;
        } else if (powers[k] < 0) {
            nden++;
        }
    }
    if (nnum == 0) {
        sb_puts(b, "1");
    }
    int first = 1;
    for (int k = 0; k < count; k++) {
        if (powers[k] > 0) {
            if (!first) {
                sb_puts(b, "*");
            }
            sb_power(b, names[k], powers[k]);
            first = 0;
        }
    }
    if (nden == 0) {
        return;
    }
    sb_puts(b, nden > 1 ? "/(" : "/");
    first = 1;
    for (int k = 0; k < count; k++) {
        if (powers[k] < 0) {
            if (!first) {
                sb_puts(b, "*");
            }
            sb_power(b, names[k], -powers[k]);
            first = 0;
        }
    }
    if (nden > 1) {
        sb_puts(b, ")");
    }
}

cm_error_t cm_unit_format(const cm_unit_t *u, char *buf, size_t n, cm_error_info_t *err)
{
    if (u == NULL || buf == NULL || n == 0) {
        return cm_error_set(err, CM_EINVAL, "cm_unit_format: u and buf must not be NULL, n > 0");
    }
    if (u->nterms < 0 || u->nterms > CM_UNIT_MAX_TERMS) {
        return cm_error_set(err, CM_EINVAL, "cm_unit_format: invalid unit (%d terms)", u->nterms);
    }
    const char *names[CM_UNIT_MAX_TERMS];
    int powers[CM_UNIT_MAX_TERMS];
    for (int k = 0; k < u->nterms; k++) {
        int s = u->terms[k].symbol;
        if (s < 0 || s >= NSYMBOLS) {
            return cm_error_set(err, CM_EINVAL, "cm_unit_format: invalid symbol index %d", s);
        }
        names[k] = SYMBOLS[s].name;
        powers[k] = u->terms[k].power;
    }
    sbuf_t b = {buf, n, 0, 0};
    buf[0] = '\0';
    sb_fraction(&b, names, powers, u->nterms);
    if (b.overflow) {
        return cm_error_set(err, CM_EOVERFLOW, "cm_unit_format: buffer of %zu bytes too small", n);
    }
    return CM_OK;
}

cm_error_t cm_unit_describe(const cm_unit_t *u, char *buf, size_t n, cm_error_info_t *err)
{
    if (u == NULL || buf == NULL || n == 0) {
        return cm_error_set(err, CM_EINVAL, "cm_unit_describe: u and buf must not be NULL, n > 0");
    }
    sbuf_t b = {buf, n, 0, 0};
    buf[0] = '\0';
    if (cm_unit_is_dimensionless(u)) {
        sb_puts(&b, "dimensionless");
    } else {
        int powers[CM_UNIT_NDIM];
        for (int d = 0; d < CM_UNIT_NDIM; d++) {
            powers[d] = u->dim[d];
        }
        sb_fraction(&b, DIM_NAMES, powers, CM_UNIT_NDIM);
    }
    if (b.overflow) {
        return cm_error_set(err, CM_EOVERFLOW, "cm_unit_describe: buffer of %zu bytes too small",
                            n);
    }
    return CM_OK;
}

/* ---- checks and conversion ---- */

int cm_unit_compatible(const cm_unit_t *a, const cm_unit_t *b)
{
    if (a == NULL || b == NULL) {
        return 0;
    }
    for (int d = 0; d < CM_UNIT_NDIM; d++) {
        if (a->dim[d] != b->dim[d]) {
            return 0;
        }
    }
    return 1;
}

int cm_unit_is_dimensionless(const cm_unit_t *u)
{
    cm_unit_t one = cm_unit_one();
    return cm_unit_compatible(u, &one);
}

static int is_money(const cm_unit_t *u, int which)
{
    for (int d = 0; d < CM_UNIT_NDIM; d++) {
        int want = d == which ? 1 : 0;
        if (u->dim[d] != want) {
            return 0;
        }
    }
    return 1;
}

cm_error_t cm_unit_factor(const cm_unit_t *from, const cm_unit_t *to, double *factor,
                          cm_error_info_t *err)
{
    if (from == NULL || to == NULL || factor == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_unit_factor: arguments must not be NULL");
    }
    if (!cm_unit_compatible(from, to)) {
        char ta[CM_UNIT_TEXT_MAX], tb[CM_UNIT_TEXT_MAX], da[256], db[256];
        if (cm_unit_format(from, ta, sizeof ta, NULL) != CM_OK) {
            snprintf(ta, sizeof ta, "?");
        }
        if (cm_unit_format(to, tb, sizeof tb, NULL) != CM_OK) {
            snprintf(tb, sizeof tb, "?");
        }
        cm_unit_describe(from, da, sizeof da, NULL);
        cm_unit_describe(to, db, sizeof db, NULL);
        const char *hint = "";
        if ((is_money(from, CM_DIM_EUR) && is_money(to, CM_DIM_USD)) ||
            (is_money(from, CM_DIM_USD) && is_money(to, CM_DIM_EUR))) {
            hint = " (converting between currencies needs an exchange rate)";
        }
        return cm_error_set(err, CM_EUNIT, "cannot convert '%s' to '%s': %s vs %s%s", ta, tb, da,
                            db, hint);
    }
    *factor = from->factor / to->factor;
    return CM_OK;
}

cm_error_t cm_unit_factor_str(const char *from, const char *to, double *factor,
                              cm_error_info_t *err)
{
    cm_unit_t a, b;
    cm_error_t rc = cm_unit_parse(from, &a, err);
    if (rc == CM_OK) {
        rc = cm_unit_parse(to, &b, err);
    }
    if (rc == CM_OK) {
        rc = cm_unit_factor(&a, &b, factor, err);
    }
    return rc;
}

cm_error_t cm_unit_convert(double value, const char *from, const char *to, double *out,
                           cm_error_info_t *err)
{
    if (out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_unit_convert: out must not be NULL");
    }
    double f = 1.0;
    cm_error_t rc = cm_unit_factor_str(from, to, &f, err);
    if (rc == CM_OK) {
        *out = value * f;
    }
    return rc;
}

cm_error_t cm_unit_convert_array(const cm_unit_t *from, const cm_unit_t *to, double *values,
                                 size_t n, cm_error_info_t *err)
{
    if (values == NULL && n > 0) {
        return cm_error_set(err, CM_EINVAL, "cm_unit_convert_array: values is NULL, n = %zu", n);
    }
    double f = 1.0;
    cm_error_t rc = cm_unit_factor(from, to, &f, err);
    if (rc != CM_OK) {
        return rc;
    }
    for (size_t i = 0; i < n; i++) {
        values[i] *= f;
    }
    return CM_OK;
}

cm_error_t cm_unit_mul(const cm_unit_t *a, const cm_unit_t *b, cm_unit_t *out,
                       cm_error_info_t *err)
{
    if (a == NULL || b == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_unit_mul: arguments must not be NULL");
    }
    return combine(a, b, 1, out, err);
}

cm_error_t cm_unit_div(const cm_unit_t *a, const cm_unit_t *b, cm_unit_t *out,
                       cm_error_info_t *err)
{
    if (a == NULL || b == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_unit_div: arguments must not be NULL");
    }
    return combine(a, b, -1, out, err);
}

cm_error_t cm_unit_pow(const cm_unit_t *u, int p, cm_unit_t *out, cm_error_info_t *err)
{
    if (u == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_unit_pow: arguments must not be NULL");
    }
    return unit_pow(u, p, out, err);
}

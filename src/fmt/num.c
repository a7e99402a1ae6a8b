/* Locale-independent parsing of numeric cells with statistical flags.
 *
 * The text is scanned by hand (sign, digits with optional grouping, decimal separator,
 * exponent, flags). Numbers of at most 15 significant digits and a decimal exponent within
 * +-22 are converted exactly (both operands are exact doubles, so one correctly rounded
 * multiplication or division gives the correctly rounded result); anything else goes to
 * strtod on a normalised copy ('.' decimal, no grouping) under the "C" locale (uselocale). */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "cambium/cm_csv.h"
#include "fmt_internal.h"

#define NUM_MAX_TEXT 400

static const double pow10_exact[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

typedef struct scan_t {
    const char *s; /* trimmed text */
    size_t n;
    size_t i;
} scan_t;

static int lower_ascii(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

static int eq_nocase(const char *s, size_t n, const char *lit)
{
    size_t l = strlen(lit);
    if (l != n) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (lower_ascii((unsigned char)s[i]) != lower_ascii((unsigned char)lit[i])) {
            return 0;
        }
    }
    return 1;
}

static int eq_exact(const char *s, size_t n, const char *lit)
{
    return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

/* blank at s[0..n): returns its byte length or 0 (space, tab, CR, LF, U+00A0, U+202F) */
static size_t blank_len(const char *s, size_t n)
{
    if (n >= 1 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\r' || s[0] == '\n')) {
        return 1;
    }
    if (n >= 2 && memcmp(s, "\xC2\xA0", 2) == 0) {
        return 2;
    }
    if (n >= 3 && memcmp(s, "\xE2\x80\xAF", 3) == 0) {
        return 3;
    }
    return 0;
}

static void skip_blanks(scan_t *sc)
{
    size_t b;
    while ((b = blank_len(sc->s + sc->i, sc->n - sc->i)) > 0) {
        sc->i += b;
    }
}

static void add_flag_text(cm_num_t *out, const char *s, size_t n)
{
    size_t have = strlen(out->flag_text);
    if (have + n >= sizeof out->flag_text) {
        n = sizeof out->flag_text - 1 - have;
    }
    memcpy(out->flag_text + have, s, n);
    out->flag_text[have + n] = '\0';
}

/* Whole-cell flags. Returns the flag bits or 0. */
static unsigned whole_flag(const char *s, size_t n)
{
    if (eq_nocase(s, n, "na") || eq_nocase(s, n, "n/a") || eq_nocase(s, n, "n.a.")) {
        return CM_NUMF_NA;
    }
    if (eq_exact(s, n, "..") || eq_exact(s, n, "...") || eq_exact(s, n, ":") ||
        eq_exact(s, n, "\xE2\x80\xA6")) {
        return CM_NUMF_NOT_AVAILABLE;
    }
    if (eq_exact(s, n, "W")) {
        return CM_NUMF_WITHHELD;
    }
    if (eq_exact(s, n, "c")) {
        return CM_NUMF_WITHHELD | CM_NUMF_CONFIDENTIAL;
    }
    if (eq_exact(s, n, "-") || eq_exact(s, n, "\xE2\x80\x93") || eq_exact(s, n, "\xE2\x80\x94") ||
        eq_exact(s, n, "XX")) {
        return CM_NUMF_NIL;
    }
    if (eq_nocase(s, n, "large") || eq_nocase(s, n, "small")) {
        return CM_NUMF_TEXT;
    }
    return 0;
}

/* Eurostat-style flag letter -> bit (0 = not a flag letter) */
static unsigned letter_flag(char c)
{
    switch (c) {
    case 'e': return CM_NUMF_ESTIMATED;
    case 'p': return CM_NUMF_PROVISIONAL;
    case 'b': return CM_NUMF_BREAK;
    case 'c': return CM_NUMF_CONFIDENTIAL;
    case 'r': return CM_NUMF_REVISED;
    case 'z': return CM_NUMF_NIL;
    case 'd': case 'f': case 'i': case 'n': case 's': case 'u': return CM_NUMF_OTHER;
    default: return 0;
    }
}

/* Trailing flag letters (1 to 4, after at least one blank). Returns 1 if the rest of the text
 * is such a group (flags and flag_text updated), 0 otherwise. */
static int trailing_letters(scan_t *sc, cm_num_t *out)
{
    size_t start = sc->i;
    size_t k = 0;
    unsigned bits = 0;
    while (sc->i + k < sc->n && k < 4) {
        unsigned b = letter_flag(sc->s[sc->i + k]);
        if (b == 0) {
            break;
        }
        bits |= b;
        k++;
    }
    if (k == 0 || sc->i + k != sc->n) {
        return 0;
    }
    out->flags |= bits;
    add_flag_text(out, sc->s + start, k);
    sc->i += k;
    return 1;
}

typedef struct numscan_t {
    char norm[NUM_MAX_TEXT + 8]; /* normalised copy for strtod */
    size_t nlen;
    uint64_t mant;  /* first significant digits */
    int sig;        /* significant digits seen */
    long dexp;      /* decimal exponent to apply to mant */
    int exact;      /* fast path possible */
    int neg;
    int digits;     /* digits in mantissa (int + frac) */
} numscan_t;

static int put(numscan_t *ns, char c)
{
    if (ns->nlen >= NUM_MAX_TEXT) {
        return 0;
    }
    ns->norm[ns->nlen++] = c;
    return 1;
}

static void digit(numscan_t *ns, int d, int frac)
{
    ns->digits++;
    if (ns->sig == 0 && d == 0) {
        if (frac) {
            ns->dexp--;
        }
        return;
    }
    if (ns->sig < 15) {
        ns->mant = ns->mant * 10 + (uint64_t)d;
        ns->sig++;
        if (frac) {
            ns->dexp--;
        }
    } else {
        ns->exact = 0;
        if (!frac) {
            ns->dexp++;
        }
    }
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Scan a number at sc->i. Returns 1 and fills ns on success, 0 when no valid number is there
 * (sc->i unchanged). */
static int scan_number(scan_t *sc, const cm_num_options_t *o, numscan_t *ns)
{
    size_t i = sc->i;
    const char *s = sc->s;
    size_t n = sc->n;
    char dec = o->decimal_comma ? ',' : '.';
    char grp = o->decimal_comma ? '.' : ',';

    memset(ns, 0, sizeof *ns);
    ns->exact = 1;
    if (i < n && (s[i] == '+' || s[i] == '-')) {
        ns->neg = s[i] == '-';
        i++;
    } else if (n - i >= 3 && memcmp(s + i, "\xE2\x88\x92", 3) == 0) { /* U+2212 minus */
        ns->neg = 1;
        i += 3;
    }
    if (ns->neg && !put(ns, '-')) {
        return 0;
    }
    /* integer part, with optional grouping */
    size_t run = 0;
    int grouped = 0;
    while (i < n) {
        if (is_digit(s[i])) {
            if (!put(ns, s[i])) {
                return 0;
            }
            digit(ns, s[i] - '0', 0);
            run++;
            i++;
        } else if (o->thousands && s[i] == grp && i + 1 < n && is_digit(s[i + 1])) {
            if (run == 0 || (grouped ? run != 3 : run > 3)) {
                return 0;
            }
            grouped = 1;
            run = 0;
            i++;
        } else {
            break;
        }
    }
    if (grouped && run != 3) {
        return 0;
    }
    int int_digits = ns->digits;
    if (i < n && s[i] == dec) {
        i++;
        if (!put(ns, '.')) {
            return 0;
        }
        while (i < n && is_digit(s[i])) {
            if (!put(ns, s[i])) {
                return 0;
            }
            digit(ns, s[i] - '0', 1);
            i++;
        }
    }
    if (ns->digits == 0) {
        return 0;
    }
    (void)int_digits;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        size_t j = i + 1;
        int eneg = 0;
        if (j < n && (s[j] == '+' || s[j] == '-')) {
            eneg = s[j] == '-';
            j++;
        }
        if (j < n && is_digit(s[j])) {
            long e = 0;
            if (!put(ns, 'e') || (eneg && !put(ns, '-'))) {
                return 0;
            }
            while (j < n && is_digit(s[j])) {
                if (e < 100000) {
                    e = e * 10 + (s[j] - '0');
                }
                if (!put(ns, s[j])) {
                    return 0;
                }
                j++;
            }
            ns->dexp += eneg ? -e : e;
            i = j;
        }
    }
    ns->norm[ns->nlen] = '\0';
    sc->i = i;
    return 1;
}

static cm_error_t to_double(numscan_t *ns, double *v, const char *text, size_t tlen,
                            cm_error_info_t *err)
{
    if (ns->exact && ns->mant == 0) {
        *v = ns->neg ? -0.0 : 0.0;
        return CM_OK;
    }
    if (ns->exact && ns->dexp >= -22 && ns->dexp <= 22) {
        double m = (double)ns->mant;
        double r = ns->dexp >= 0 ? m * pow10_exact[ns->dexp] : m / pow10_exact[-ns->dexp];
        *v = ns->neg ? -r : r;
        return CM_OK;
    }
    char *end = NULL;
    double r = cm_i_strtod_c(ns->norm, &end);
    int e = errno;
    if (end == NULL || *end != '\0') {
        char q[80];
        cm_i_quote_text(q, sizeof q, text, tlen);
        return cm_error_set(err, CM_EPARSE, "expected a number, got '%s'", q);
    }
    if (e == ERANGE && isinf(r)) {
        char q[80];
        cm_i_quote_text(q, sizeof q, text, tlen);
        return cm_error_set(err, CM_ENUMERIC, "not a finite number: '%s' is out of range", q);
    }
    *v = r;
    return CM_OK;
}

static int is_nonfinite_word(const char *s, size_t n)
{
    if (n > 0 && (s[0] == '+' || s[0] == '-')) {
        s++;
        n--;
    }
    return eq_nocase(s, n, "nan") || eq_nocase(s, n, "inf") || eq_nocase(s, n, "infinity");
}

static cm_error_t bad(const char *s, size_t n, int flags_allowed, unsigned looked_like_flag,
                      cm_error_info_t *err)
{
    char q[80];
    cm_i_quote_text(q, sizeof q, s, n);
    if (!flags_allowed && looked_like_flag) {
        return cm_error_set(err, CM_EPARSE,
                            "expected a number, got '%s' (a statistical flag, not allowed here)",
                            q);
    }
    if (!flags_allowed) {
        return cm_error_set(err, CM_EPARSE, "expected a number, got '%s'", q);
    }
    return cm_error_set(err, CM_EPARSE,
                        "expected a number or a statistical flag (W, NA, .., -, <x, x%%), got "
                        "'%s'",
                        q);
}

cm_error_t cm_num_parse(const char *text, const cm_num_options_t *opt, cm_num_t *out,
                        cm_error_info_t *err)
{
    static const cm_num_options_t defaults = {0, 0, 1};
    const cm_num_options_t *o = opt != NULL ? opt : &defaults;
    numscan_t ns;
    scan_t sc;

    if (out == NULL) {
        return cm_error_set(err, CM_EINVAL, "out is NULL");
    }
    out->value = NAN;
    out->flags = 0;
    out->flag_text[0] = '\0';
    if (text == NULL) {
        text = "";
    }
    /* trim */
    size_t n = strlen(text);
    size_t a = 0, b;
    while ((b = blank_len(text + a, n - a)) > 0) {
        a += b;
    }
    while (n > a) {
        if (text[n - 1] == ' ' || text[n - 1] == '\t' || text[n - 1] == '\r' ||
            text[n - 1] == '\n') {
            n--;
        } else if (n - a >= 2 && memcmp(text + n - 2, "\xC2\xA0", 2) == 0) {
            n -= 2;
        } else if (n - a >= 3 && memcmp(text + n - 3, "\xE2\x80\xAF", 3) == 0) {
            n -= 3;
        } else {
            break;
        }
    }
    sc.s = text + a;
    sc.n = n - a;
    sc.i = 0;

    if (sc.n == 0) {
        if (!o->flags_allowed) {
            return cm_error_set(err, CM_EPARSE, "expected a number, got an empty cell");
        }
        out->flags = CM_NUMF_EMPTY;
        return CM_OK;
    }
    /* a leading digit cannot start a flag or a non-finite word: skip those checks */
    if (!is_digit(sc.s[0])) {
        unsigned wf = whole_flag(sc.s, sc.n);
        if (wf != 0) {
            if (!o->flags_allowed) {
                return bad(sc.s, sc.n, 0, 1, err);
            }
            out->flags = wf;
            add_flag_text(out, sc.s, sc.n);
            return CM_OK;
        }
        /* USGS Mineral Commodity Summaries: "Less than ½ unit." */
        if (eq_nocase(sc.s, sc.n, "less than \xC2\xBD unit.") ||
            eq_nocase(sc.s, sc.n, "less than \xC2\xBD unit")) {
            if (!o->flags_allowed) {
                return bad(sc.s, sc.n, 0, 1, err);
            }
            out->value = 0.5;
            out->flags = CM_NUMF_LESS_THAN;
            add_flag_text(out, "<", 1);
            return CM_OK;
        }
        if (is_nonfinite_word(sc.s, sc.n)) {
            char q[80];
            cm_i_quote_text(q, sizeof q, sc.s, sc.n);
            return cm_error_set(err, CM_ENUMERIC, "not a finite number: '%s'", q);
        }
    }
    /* ": c", ": z": not available with flag letters (Eurostat) */
    if (sc.s[0] == ':' && o->flags_allowed) {
        sc.i = 1;
        skip_blanks(&sc);
        if (sc.i > 1 || sc.i < sc.n) {
            size_t save = sc.i;
            cm_num_t tmp = *out;
            add_flag_text(&tmp, ":", 1);
            if (trailing_letters(&sc, &tmp)) {
                *out = tmp;
                out->flags |= CM_NUMF_NOT_AVAILABLE;
                return CM_OK;
            }
            sc.i = save;
        }
        return bad(sc.s, sc.n, 1, 0, err);
    }
    unsigned flags = 0;
    if (sc.s[0] == '<' || sc.s[0] == '>') {
        flags |= sc.s[0] == '<' ? CM_NUMF_LESS_THAN : CM_NUMF_GREATER_THAN;
        add_flag_text(out, sc.s, 1);
        sc.i = 1;
        skip_blanks(&sc);
    }
    if (!scan_number(&sc, o, &ns)) {
        return bad(sc.s, sc.n, o->flags_allowed, flags != 0, err);
    }
    size_t num_end = sc.i;
    skip_blanks(&sc);
    if (sc.i < sc.n && sc.s[sc.i] == '%') {
        flags |= CM_NUMF_PERCENT;
        add_flag_text(out, "%", 1);
        sc.i++;
        num_end = sc.i;
        skip_blanks(&sc);
    }
    if (sc.i < sc.n) {
        /* flag letters need a blank before them ("12.3 e") */
        if (sc.i == num_end || !trailing_letters(&sc, out)) {
            out->flag_text[0] = '\0';
            return bad(sc.s, sc.n, o->flags_allowed, 0, err);
        }
    }
    flags |= out->flags;
    if (flags != 0 && !o->flags_allowed) {
        out->flags = 0;
        out->flag_text[0] = '\0';
        return bad(sc.s, sc.n, 0, 1, err);
    }
    double v = 0.0;
    cm_error_t rc = to_double(&ns, &v, sc.s, sc.n, err);
    if (rc != CM_OK) {
        out->flags = 0;
        out->flag_text[0] = '\0';
        return rc;
    }
    out->value = v;
    out->flags = flags;
    return CM_OK;
}

int cm_num_has_value(const cm_num_t *n)
{
    return n != NULL && !isnan(n->value);
}

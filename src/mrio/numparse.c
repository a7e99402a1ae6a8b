/* Fast, exact, locale-independent number parsing and formatting for the pymrio text tables.
 *
 * Parsing: the decimal text is scanned once; when the significant digits form an integer
 * w <= 2^53 and the decimal exponent e satisfies |e| <= 22, both w and 10^|e| are exact
 * doubles and one IEEE multiplication or division gives the correctly rounded result
 * (W. D. Clinger, "How to read floating point numbers accurately", PLDI 1990). Everything
 * else (more digits, larger exponents: e.g. most %.17g output) falls back to strtod in the
 * "C" locale, which is correctly rounded in glibc. */
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fmt/fmt_internal.h"
#include "mrio/mrio_internal.h"

static const double pow10_exact[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

#define TWO_POW_53 9007199254740992ULL
#define MAX_FALLBACK 512

static int lower_eq(const char *s, size_t len, const char *word)
{
    size_t n = strlen(word);
    if (len != n) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') {
            c = (char)(c - 'A' + 'a');
        }
        if (c != word[i]) {
            return 0;
        }
    }
    return 1;
}

static cm_i_mrio_num_t fallback(const char *s, size_t len, double *out)
{
    char buf[MAX_FALLBACK];
    if (len >= sizeof buf) {
        return CM_I_MRIO_NUM_BAD;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end = NULL;
    double v = cm_i_strtod_c(buf, &end);
    int e = errno;
    if (end != buf + len) {
        return CM_I_MRIO_NUM_BAD;
    }
    if (e == ERANGE && isinf(v)) {
        return CM_I_MRIO_NUM_INF;
    }
    *out = v;
    return CM_I_MRIO_NUM_OK;
}

cm_i_mrio_num_t cm_i_mrio_parse_number(const char *s, size_t len, double *out)
{
    if (len == 0) {
        return CM_I_MRIO_NUM_EMPTY;
    }
    const char *p = s;
    const char *end = s + len;
    int neg = 0;
    if (*p == '-' || *p == '+') {
        neg = (*p == '-');
        p++;
    }
    if (p < end && !(*p >= '0' && *p <= '9') && *p != '.') {
        size_t rest = (size_t)(end - p);
        if (lower_eq(p, rest, "nan")) {
            return CM_I_MRIO_NUM_NAN;
        }
        if (lower_eq(p, rest, "inf") || lower_eq(p, rest, "infinity")) {
            return CM_I_MRIO_NUM_INF;
        }
        return CM_I_MRIO_NUM_BAD;
    }
    uint64_t w = 0;
    int ndig = 0;       /* significant digits kept in w */
    int any = 0;        /* any mantissa digit at all */
    int truncated = 0;  /* a non-zero digit did not fit in w */
    long exp10 = 0;
    while (p < end && *p >= '0' && *p <= '9') {
        any = 1;
        if (ndig < 19) {
            w = w * 10u + (uint64_t)(*p - '0');
            if (w != 0) {
                ndig++;
            }
        } else {
            exp10++;
            truncated |= (*p != '0');
        }
        p++;
    }
    if (p < end && *p == '.') {
        p++;
        while (p < end && *p >= '0' && *p <= '9') {
            any = 1;
            if (ndig < 19) {
                w = w * 10u + (uint64_t)(*p - '0');
                if (w != 0) {
                    ndig++;
                }
                exp10--;
            } else {
                truncated |= (*p != '0');
            }
            p++;
        }
    }
    if (!any) {
        return CM_I_MRIO_NUM_BAD;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        int eneg = 0;
        if (p < end && (*p == '-' || *p == '+')) {
            eneg = (*p == '-');
            p++;
        }
        if (p == end || !(*p >= '0' && *p <= '9')) {
            return CM_I_MRIO_NUM_BAD;
        }
        long ev = 0;
        while (p < end && *p >= '0' && *p <= '9') {
            if (ev < 100000) {
                ev = ev * 10 + (*p - '0');
            }
            p++;
        }
        exp10 += eneg ? -ev : ev;
    }
    if (p != end) {
        return CM_I_MRIO_NUM_BAD;
    }
    if (w == 0 && !truncated) {
        *out = neg ? -0.0 : 0.0;
        return CM_I_MRIO_NUM_OK;
    }
    if (!truncated && w <= TWO_POW_53 && exp10 >= -22 && exp10 <= 22) {
        double v = (double)w;
        v = exp10 >= 0 ? v * pow10_exact[exp10] : v / pow10_exact[-exp10];
        *out = neg ? -v : v;
        return CM_I_MRIO_NUM_OK;
    }
    return fallback(s, len, out);
}

void *cm_i_mrio_format_begin(void)
{
    locale_t c = cm_i_c_locale();
    if (c == (locale_t)0) {
        return NULL;
    }
    return (void *)uselocale(c);
}

void cm_i_mrio_format_end(void *previous)
{
    if (previous != NULL) {
        uselocale((locale_t)previous);
    }
}

/* Text of (neg ? -1 : 1) * u * 10^-k (u > 0) as Python's repr (so pandas' to_csv) lays it
 * out: trailing zeros dropped, fixed notation for decimal exponents from -4 to 15 (integers
 * with ".0"), otherwise d.ddde+XX. */
static size_t layout(char *buf, int neg, uint64_t u, int k)
{
    while (u % 10u == 0 && u > 0) {
        u /= 10u;
        k--;
    }
    char dig[24];
    int nd = 0;
    {
        char tmp[24];
        int n = 0;
        while (u > 0) {
            tmp[n++] = (char)('0' + (int)(u % 10u));
            u /= 10u;
        }
        while (n > 0) {
            dig[nd++] = tmp[--n];
        }
    }
    int x = nd - 1 - k; /* decimal exponent of the first digit */
    size_t len = 0;
    if (neg) {
        buf[len++] = '-';
    }
    if (x >= -4 && x < 16) {
        if (k <= 0) {
            memcpy(buf + len, dig, (size_t)nd);
            len += (size_t)nd;
            for (int i = 0; i < -k; i++) {
                buf[len++] = '0';
            }
            buf[len++] = '.';
            buf[len++] = '0';
        } else if (k < nd) {
            memcpy(buf + len, dig, (size_t)(nd - k));
            len += (size_t)(nd - k);
            buf[len++] = '.';
            memcpy(buf + len, dig + nd - k, (size_t)k);
            len += (size_t)k;
        } else {
            buf[len++] = '0';
            buf[len++] = '.';
            for (int i = 0; i < k - nd; i++) {
                buf[len++] = '0';
            }
            memcpy(buf + len, dig, (size_t)nd);
            len += (size_t)nd;
        }
    } else {
        buf[len++] = dig[0];
        if (nd > 1) {
            buf[len++] = '.';
            memcpy(buf + len, dig + 1, (size_t)(nd - 1));
            len += (size_t)(nd - 1);
        }
        int n = snprintf(buf + len, 8, "e%c%02d", x < 0 ? '-' : '+', x < 0 ? -x : x);
        len += n > 0 ? (size_t)n : 0;
    }
    buf[len] = '\0';
    return len;
}

/* The decimal w * 10^-k of p significant digits nearest to v when it reads back as exactly v:
 * with w <= 2^53 and |k| <= 22, the parse of that text is the single correctly rounded IEEE
 * operation w / 10^k (or w * 10^-k), which is computed here to check. Returns 0 when no such
 * p-digit decimal exists or the check cannot be exact. */
static size_t short_decimal(char *buf, double v, int p)
{
    double a = fabs(v);
    int d = (int)floor(log10(a));
    int k = p - 1 - d;
    if (k > 22 || k < -22) {
        return 0;
    }
    double w = nearbyint(k >= 0 ? a * pow10_exact[k] : a / pow10_exact[-k]);
    if (!(w >= 1.0 && w <= 9007199254740992.0)) {
        return 0;
    }
    double back = k >= 0 ? w / pow10_exact[k] : w * pow10_exact[-k];
    if (back != a) {
        return 0;
    }
    return layout(buf, v < 0, (uint64_t)w, k);
}

/* The correctly rounded 17 significant digits of v, computed exactly in 128-bit integers
 * when 1e-6 <= |v| < 1e17 (v = m 2^e with m < 2^53: m 10^k with 10^k < 2^74 fits, and for
 * v >= 2^53, k <= 1 and e <= 4);
 * 0 outside that range or without a 128-bit type. 17 digits always read back exactly. */
#if defined(__SIZEOF_INT128__)
__extension__ typedef unsigned __int128 u128_t;
#endif

static size_t exact17(char *buf, double v)
{
#if defined(__SIZEOF_INT128__)
    double a = fabs(v);
    if (!(a >= 1e-6 && a < 1e17)) {
        return 0;
    }
    int ex = 0;
    double f = frexp(a, &ex); /* a = f 2^ex, 0.5 <= f < 1 */
    uint64_t m = (uint64_t)ldexp(f, 53);
    int shift = 53 - ex;      /* a = m 2^-shift */
    int d = (int)floor(log10(a));
    int k = 16 - d;
    if (k < 0 || k > 22 || shift < -8 || shift > 120) {
        return 0;
    }
    u128_t p10 = 1;
    for (int i = 0; i < k; i++) {
        p10 *= 10u;
    }
    u128_t prod = (u128_t)m * p10;
    /* shift < 0 only for a >= 2^53 (k <= 1, a < 1e17: at most 2^61 after the shift) */
    u128_t w = shift > 0 ? prod >> shift : prod << -shift;
    if (shift > 0) {
        u128_t rem = prod & ((((u128_t)1) << shift) - 1);
        u128_t half = ((u128_t)1) << (shift - 1);
        if (rem > half || (rem == half && (w & 1u))) {
            w++;
        }
    }
    if (w >= (u128_t)UINT64_MAX) {
        return 0;
    }
    return layout(buf, v < 0, (uint64_t)w, k);
#else
    (void)buf;
    (void)v;
    return 0;
#endif
}

size_t cm_i_mrio_format_number(char *buf, double v)
{
    if (isnan(v)) { /* pandas' default na_rep: an empty cell */
        buf[0] = '\0';
        return 0;
    }
    if (isinf(v)) {
        memcpy(buf, v < 0 ? "-inf" : "inf", v < 0 ? 5 : 4);
        return v < 0 ? 4 : 3;
    }
    if (v == 0.0) {
        if (signbit(v)) {
            memcpy(buf, "-0.0", 5);
            return 4;
        }
        memcpy(buf, "0.0", 4);
        return 3;
    }
    if (fabs(v) < 1e16 && v == floor(v) && fabs(v) < 9007199254740992.0) {
        /* an exact integer below 2^53: its digits and ".0", as Python's repr */
        char tmp[24];
        int n = 0;
        uint64_t u = (uint64_t)fabs(v);
        while (u > 0) {
            tmp[n++] = (char)('0' + (int)(u % 10u));
            u /= 10u;
        }
        size_t len = 0;
        if (v < 0) {
            buf[len++] = '-';
        }
        while (n > 0) {
            buf[len++] = tmp[--n];
        }
        buf[len++] = '.';
        buf[len++] = '0';
        buf[len] = '\0';
        return len;
    }
    size_t len = short_decimal(buf, v, 15);
    if (len == 0) {
        len = short_decimal(buf, v, 16);
    }
    if (len == 0) {
        len = exact17(buf, v);
    }
    if (len == 0) {
        int n = snprintf(buf, 32, "%.17g", v);
        len = n > 0 ? (size_t)n : 0;
    }
    return len;
}

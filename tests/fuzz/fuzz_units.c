/* libFuzzer target for the unit registry: arbitrary bytes (NUL-terminated copy) go to
 * cm_unit_parse; a parsed unit must format, parse back to an equal unit with the same
 * canonical text, describe itself, and convert to or from a few fixed units exactly when
 * their dimensions agree. Any broken property traps. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cambium/cm_alloc.h"
#include "cambium/cm_units.h"

#define CHECK(cond)              \
    do {                         \
        if (!(cond)) {           \
            __builtin_trap();    \
        }                        \
    } while (0)

static const char *const FIXED[] = {"1", "t", "kt", "EUR", "USD", "MW", "t/MW", "kg/kWh",
                                    "%", "EUR/kg", "kg/(MW*a)", "item"};

/* Same dimensions, same multiset of (symbol, power) and factors equal up to rounding. */
static int unit_equal(const cm_unit_t *a, const cm_unit_t *b)
{
    if (!cm_unit_compatible(a, b) || a->nterms != b->nterms) {
        return 0;
    }
    for (int i = 0; i < a->nterms; i++) {
        int found = 0;
        for (int j = 0; j < b->nterms; j++) {
            if (a->terms[i].symbol == b->terms[j].symbol) {
                found = a->terms[i].power == b->terms[j].power;
            }
        }
        if (!found) {
            return 0;
        }
    }
    return a->factor == b->factor || fabs(a->factor - b->factor) <= 1e-12 * fabs(a->factor);
}

static void check_unit(const cm_unit_t *u)
{
    char text[CM_UNIT_TEXT_MAX], again[CM_UNIT_TEXT_MAX], words[256];
    cm_error_info_t err = {0};
    cm_unit_t v, q, one = cm_unit_one();

    /* a parsed unit has a usable scale */
    CHECK(isfinite(u->factor) && u->factor > 0);
    CHECK(u->nterms >= 0 && u->nterms <= CM_UNIT_MAX_TERMS);
    for (int k = 0; k < u->nterms; k++) {
        CHECK(u->terms[k].power != 0);
        CHECK(abs(u->terms[k].power) <= CM_UNIT_MAX_POWER);
    }
    for (int d = 0; d < CM_UNIT_NDIM; d++) {
        CHECK(abs(u->dim[d]) <= CM_UNIT_MAX_POWER);
    }
    /* CM_UNIT_TEXT_MAX always suffices; the canonical text round-trips */
    CHECK(cm_unit_format(u, text, sizeof text, &err) == CM_OK);
    CHECK(strlen(text) > 0 && strlen(text) < sizeof text);
    CHECK(cm_unit_parse(text, &v, &err) == CM_OK);
    CHECK(unit_equal(u, &v));
    CHECK(cm_unit_format(&v, again, sizeof again, &err) == CM_OK);
    CHECK(strcmp(text, again) == 0);
    CHECK(cm_unit_describe(u, words, sizeof words, &err) == CM_OK);
    /* a truncated buffer reports CM_EOVERFLOW, never writes past n */
    char small[4] = {'x', 'x', 'x', 'x'};
    cm_error_t rc = cm_unit_format(u, small, 3, &err);
    CHECK(rc == CM_OK || rc == CM_EOVERFLOW);
    CHECK(small[3] == 'x' && memchr(small, '\0', 3) != NULL);

    /* u / u is dimensionless with factor 1 and no symbol */
    rc = cm_unit_div(u, u, &q, &err);
    CHECK(rc == CM_OK);
    CHECK(q.nterms == 0 && cm_unit_is_dimensionless(&q) && q.factor == 1.0);
    /* u * 1 = u */
    CHECK(cm_unit_mul(u, &one, &q, &err) == CM_OK && unit_equal(u, &q));

    /* the factor to itself is 1; to and from the fixed units iff compatible */
    double f = 0, g = 0;
    CHECK(cm_unit_factor(u, &v, &f, &err) == CM_OK);
    CHECK(fabs(f - 1.0) <= 1e-12);
    for (size_t i = 0; i < sizeof FIXED / sizeof FIXED[0]; i++) {
        cm_unit_t w;
        CHECK(cm_unit_parse(FIXED[i], &w, &err) == CM_OK);
        rc = cm_unit_factor(u, &w, &f, &err);
        if (cm_unit_compatible(u, &w)) {
            CHECK(rc == CM_OK && isfinite(f) && f > 0);
            CHECK(cm_unit_factor(&w, u, &g, &err) == CM_OK);
            CHECK(fabs(f * g - 1.0) <= 1e-12);
        } else {
            CHECK(rc == CM_EUNIT);
            CHECK(strstr(err.message, "cannot convert") != NULL);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 512) {
        return 0;
    }
    char *text = malloc(size + 1);
    if (text == NULL) {
        return 0;
    }
    memcpy(text, data, size);
    text[size] = '\0';
    long base = cm_alloc_outstanding();
    cm_unit_t u;
    cm_error_info_t err = {0};
    cm_error_t rc = cm_unit_parse(text, &u, &err);
    if (rc == CM_OK) {
        check_unit(&u);
        /* every conversion helper on texts agrees with the parsed units */
        double f = 0, x = 0;
        cm_unit_t kg;
        CHECK(cm_unit_parse("kg", &kg, &err) == CM_OK);
        rc = cm_unit_factor_str(text, "kg", &f, &err);
        CHECK(rc == (cm_unit_compatible(&u, &kg) ? CM_OK : CM_EUNIT));
        rc = cm_unit_convert(2.0, "kg", text, &x, &err);
        CHECK(rc == (cm_unit_compatible(&u, &kg) ? CM_OK : CM_EUNIT));
        if (rc == CM_OK) {
            CHECK(fabs(x * f - 2.0) <= 1e-12);
        }
    } else {
        CHECK(rc == CM_EUNIT);
        CHECK(err.code == CM_EUNIT && strlen(err.message) > 0);
        CHECK(memchr(err.message, '\0', sizeof err.message) != NULL);
    }
    CHECK(cm_alloc_outstanding() == base);
    free(text);
    return 0;
}

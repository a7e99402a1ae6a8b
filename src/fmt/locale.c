/* Locale-independent number conversion: a process-wide "C" locale object, created once. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "fmt_internal.h"

static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;
static locale_t c_locale = (locale_t)0;

static void make_c_locale(void)
{
    /* glibc returns its static C locale object for "C": nothing is allocated. */
    c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

locale_t cm_i_c_locale(void)
{
    pthread_once(&c_locale_once, make_c_locale);
    return c_locale;
}

double cm_i_strtod_c(const char *s, char **end)
{
    locale_t c = cm_i_c_locale();
    locale_t old = (locale_t)0;
    if (c != (locale_t)0) {
        old = uselocale(c);
    }
    errno = 0;
    double v = strtod(s, end);
    int saved = errno;
    if (c != (locale_t)0 && old != (locale_t)0) {
        uselocale(old);
    }
    errno = saved;
    return v;
}

int cm_i_format_g(char *buf, size_t n, int precision, double v)
{
    locale_t c = cm_i_c_locale();
    locale_t old = (locale_t)0;
    if (c != (locale_t)0) {
        old = uselocale(c);
    }
    int len = snprintf(buf, n, "%.*g", precision, v);
    if (c != (locale_t)0 && old != (locale_t)0) {
        uselocale(old);
    }
    return len;
}

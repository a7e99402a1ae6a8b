/* Small helpers shared by the criticality and supply modules (src/crit/). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/cm_internal.h"
#include "crit/crit_internal.h"

int cm_i_crit_parse_real(const char *s, unsigned flags, cm_real_t *out)
{
    if (s == NULL || s[0] == '\0') {
        return 0;
    }
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    while ((flags & CM_I_CRIT_TRAILING_BLANKS) != 0 && end != NULL &&
           (*end == ' ' || *end == '\t')) {
        end++;
    }
    if (end == s || *end != '\0' || errno == ERANGE ||
        ((flags & CM_I_CRIT_FINITE) != 0 && !isfinite(v))) {
        return 0;
    }
    *out = v;
    return 1;
}

size_t cm_i_crit_country_lower_bound(const void *items, size_t n, size_t stride,
                                     const char *country)
{
    const char *base = items;
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(base + mid * stride, country) < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

ptrdiff_t cm_i_crit_country_find(const void *items, size_t n, size_t stride, const char *country)
{
    size_t at = cm_i_crit_country_lower_bound(items, n, stride, country);
    if (at < n && strcmp((const char *)items + at * stride, country) == 0) {
        return (ptrdiff_t)at;
    }
    return -1;
}

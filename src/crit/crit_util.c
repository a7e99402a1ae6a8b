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

cm_error_t cm_i_crit_check_bound(const cm_crit_inputs_t *in, const cm_crit_wgi_t *wgi,
                                 unsigned char *used, cm_error_info_t *err)
{
    for (size_t i = 0; i < in->n; i++) {
        const cm_crit_material_t *m = &in->materials[i];
        for (int s = 0; s < CM_CRIT_NSTAGES; s++) {
            for (int c = 0; c < CM_CRIT_NSCOPES; c++) {
                const cm_crit_supply_t *sup = &m->supply[s][c];
                for (size_t k = 0; k < sup->n; k++) {
                    int32_t w = sup->items[k].wgi;
                    if (w < -1 || (w >= 0 && (size_t)w >= wgi->n)) {
                        return cm_error_set(err, CM_EINVAL,
                                            "%s: share of '%s' is not bound to this WGI table "
                                            "(call cm_crit_bind first)",
                                            m->code, sup->items[k].country);
                    }
                    if (w >= 0 && used != NULL) {
                        used[w] = 1;
                    }
                }
            }
        }
    }
    return CM_OK;
}

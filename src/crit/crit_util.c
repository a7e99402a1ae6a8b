/* Small helpers shared by the criticality and supply modules (src/crit/). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

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

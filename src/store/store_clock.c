/* The store's clock: UTC ISO 8601 time stamps, with an override for tests and reproducible
 * runs (cm_store_set_clock, $CAMBIUM_NOW, $SOURCE_DATE_EPOCH). */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "cm_internal.h"
#include "store/store_internal.h"

static int64_t clock_override = -1;

void cm_store_set_clock(int64_t unix_seconds)
{
    clock_override = unix_seconds < 0 ? -1 : unix_seconds;
}

static int env_seconds(const char *name, int64_t *out)
{
    const char *s = getenv(name);
    if (s == NULL || s[0] == '\0') {
        return 0;
    }
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < 0) {
        cm_log(CM_LOG_WARNING, "ignoring %s='%s': expected seconds since 1970-01-01 UTC", name, s);
        return 0;
    }
    *out = (int64_t)v;
    return 1;
}

void cm_i_store_now(char buf[32])
{
    int64_t secs = clock_override;
    if (secs < 0 && !env_seconds("CAMBIUM_NOW", &secs) &&
        !env_seconds("SOURCE_DATE_EPOCH", &secs)) {
        secs = (int64_t)time(NULL);
    }
    time_t t = (time_t)secs;
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL || strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
        buf[0] = '\0';
    }
}

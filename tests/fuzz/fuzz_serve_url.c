/* libFuzzer target for the dashboard server's request-target parser (src/serve/serve_url.c):
 * whatever the bytes, the parser answers 0, 400 or 414, and a target it accepts has a checked
 * path (absolute, printable ASCII, no backslash, no empty, "." or ".." segment) and at most 16
 * parameters with valid names. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cambium/cm_alloc.h"
#include "serve/serve_internal.h"

static void check(int ok)
{
    if (!ok) {
        __builtin_trap();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static cm_i_serve_req_t req;
    char why[CM_I_SERVE_WHY_MAX];
    char *url = malloc(size + 1);
    if (url == NULL) {
        return 0;
    }
    memcpy(url, data, size);
    url[size] = '\0';
    int status = cm_i_serve_parse_url(url, &req, why, sizeof why);
    check(status == 0 || status == 400 || status == 414);
    if (status == 0) {
        const char *p = req.path;
        check(p[0] == '/');
        check(strstr(p, "//") == NULL && strstr(p, "/./") == NULL && strstr(p, "/../") == NULL);
        size_t n = strlen(p);
        check(!(n >= 2 && strcmp(p + n - 2, "/.") == 0));
        check(!(n >= 3 && strcmp(p + n - 3, "/..") == 0));
        check(n == 1 || p[n - 1] != '/');
        for (size_t i = 0; i < n; i++) {
            check(p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\');
        }
        check(req.nparams <= CM_I_SERVE_MAX_PARAMS);
        for (size_t i = 0; i < req.nparams; i++) {
            size_t k = strlen(req.params[i].name);
            check(k >= 1 && k <= CM_I_SERVE_NAME_MAX);
            check(strspn(req.params[i].name, "abcdefghijklmnopqrstuvwxyz_") == k);
            double v;
            if (cm_i_serve_parse_number(req.params[i].value, 0.0, 100.0, &v)) {
                check(v >= 0.0 && v <= 100.0);
            }
            (void)cm_i_serve_valid_id(req.params[i].value, 1);
        }
    }
    free(url);
    check(cm_alloc_outstanding() == 0);
    return 0;
}

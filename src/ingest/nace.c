/* The OECD IOT industry -> NACE Rev. 2 division concordance (cm_nace.h). The pairs are also
 * in data/classifications/oecd-iot-nace2.csv; test_nace checks both agree. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cambium/cm_alloc.h"
#include "cambium/cm_nace.h"
#include "cm_internal.h"

static const struct {
    const char *oecd;
    const char *nace; /* divisions separated by one space */
} table[] = {
    {"D01", "A01"},
    {"D02", "A02"},
    {"D03", "A03"},
    {"D05", "B05"},
    {"D06", "B06"},
    {"D07", "B07"},
    {"D08", "B08"},
    {"D09", "B09"},
    {"D10T12", "C10 C11 C12"},
    {"D13T15", "C13 C14 C15"},
    {"D16", "C16"},
    {"D17T18", "C17 C18"},
    {"D19", "C19"},
    {"D20", "C20"},
    {"D21", "C21"},
    {"D22", "C22"},
    {"D23", "C23"},
    {"D24A", "C24"},
    {"D24B", "C24"},
    {"D25", "C25"},
    {"D26", "C26"},
    {"D27", "C27"},
    {"D28", "C28"},
    {"D29", "C29"},
    {"D301", "C30"},
    {"D302T309", "C30"},
    {"D31T33", "C31 C32 C33"},
    {"D35", "D35"},
    {"D36T39", "E36 E37 E38 E39"},
    {"D41T43", "F41 F42 F43"},
    {"D45T47", "G45 G46 G47"},
    {"D49", "H49"},
    {"D50", "H50"},
    {"D51", "H51"},
    {"D52", "H52"},
    {"D53", "H53"},
    {"D55T56", "I55 I56"},
    {"D58T60", "J58 J59 J60"},
    {"D61", "J61"},
    {"D62T63", "J62 J63"},
    {"D64T66", "K64 K65 K66"},
    {"D68", "L68"},
    {"D69T75", "M69 M70 M71 M72 M73 M74 M75"},
    {"D77T82", "N77 N78 N79 N80 N81 N82"},
    {"D84", "O84"},
    {"D85", "P85"},
    {"D86T88", "Q86 Q87 Q88"},
    {"D90T93", "R90 R91 R92 R93"},
    {"D94T96", "S94 S95 S96"},
    {"D97T98", "T97 T98"},
};
#define NTABLE (sizeof table / sizeof table[0])
#define MAXDIV 8

size_t cm_nace_oecd_count(void)
{
    return NTABLE;
}

cm_error_t cm_nace_oecd_entry(size_t i, const char **oecd, const char **divisions,
                              cm_error_info_t *err)
{
    if (i >= NTABLE || oecd == NULL || divisions == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_nace_oecd_entry: index %zu out of range (%zu "
                            "entries) or NULL output", i, (size_t)NTABLE);
    }
    *oecd = table[i].oecd;
    *divisions = table[i].nace;
    return CM_OK;
}

/* Split "C10 C11 C12" into three-letter codes; returns the count. */
static size_t divisions_of(const char *s, char div[MAXDIV][8])
{
    size_t n = 0;
    while (*s != '\0' && n < MAXDIV) {
        size_t l = strcspn(s, " ");
        if (l > 7) {
            l = 7;
        }
        memcpy(div[n], s, l);
        div[n++][l] = '\0';
        s += l;
        while (*s == ' ') {
            s++;
        }
    }
    return n;
}

static int find(const char *code)
{
    for (size_t i = 0; i < NTABLE; i++) {
        if (strcmp(table[i].oecd, code) == 0) {
            return (int)i;
        }
    }
    return -1;
}

cm_error_t cm_nace_from_oecd(size_t n, const char *const *oecd_codes, const double *values_musd,
                             cm_nace_split_t mode, double usd_per_eur, cm_nace_value_t **out,
                             size_t *nout, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_nace_value_t *v = NULL;
    size_t nv = 0;
    char div[MAXDIV][8];

    if (out == NULL || nout == NULL || (n > 0 && (oecd_codes == NULL || values_musd == NULL))) {
        return cm_error_set(err, CM_EINVAL, "cm_nace_from_oecd: NULL argument");
    }
    *out = NULL;
    *nout = 0;
    if (!(usd_per_eur > 0) || !isfinite(usd_per_eur)) {
        return cm_error_set(err, CM_EINVAL,
                            "cm_nace_from_oecd: expected an exchange rate > 0 (USD per EUR), "
                            "got %.17g", usd_per_eur);
    }
    for (size_t i = 0; i < n; i++) {
        if (oecd_codes[i] == NULL || find(oecd_codes[i]) < 0) {
            return cm_error_set(err, CM_EINVAL,
                                "cm_nace_from_oecd: expected an OECD IOT industry code such as "
                                "D10T12, got '%s'", oecd_codes[i] ? oecd_codes[i] : "(null)");
        }
        if (!isfinite(values_musd[i])) {
            return cm_error_set(err, CM_EINVAL,
                                "cm_nace_from_oecd: value of '%s' is not finite", oecd_codes[i]);
        }
    }
    v = cm_calloc(NTABLE * MAXDIV, sizeof *v);
    CM_NOMEM(v, err);
    /* Entries in table order; divisions shared by two industries (C24, C30) summed. */
    for (size_t t = 0; t < NTABLE; t++) {
        size_t nd = divisions_of(table[t].nace, div);
        for (size_t i = 0; i < n; i++) {
            if (strcmp(oecd_codes[i], table[t].oecd) != 0) {
                continue;
            }
            for (size_t d = 0; d < nd; d++) {
                double share = mode == CM_NACE_SPLIT_EQUALLY ? 1.0 / (double)nd : 1.0;
                size_t k = 0;
                while (k < nv && strcmp(v[k].nace, div[d]) != 0) {
                    k++;
                }
                if (k == nv) {
                    nv++;
                    memcpy(v[k].nace, div[d], sizeof div[d]);
                    if (nd > 1 && mode == CM_NACE_KEEP_TOGETHER) {
                        memcpy(v[k].group, div[0], 4);
                        v[k].group[3] = '-';
                        memcpy(v[k].group + 4, div[nd - 1], 4);
                        v[k].group[7] = '\0';
                    } else {
                        memcpy(v[k].group, div[d], sizeof div[d]);
                    }
                    v[k].share = share;
                }
                v[k].value += values_musd[i] * share / usd_per_eur;
            }
        }
    }
    *out = v;
    *nout = nv;
    v = NULL;
cleanup:
    cm_free(v);
    return rc;
}

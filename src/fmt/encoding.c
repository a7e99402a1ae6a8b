/* UTF-8 validation and Windows-1252 to UTF-8 conversion. */
#include <stdint.h>
#include <string.h>

#include "cambium/cm_csv.h"
#include "fmt_internal.h"

/* Code points of Windows-1252 bytes 0x80..0x9F (from the Unicode consortium's mapping table
 * cp1252.txt); 0 marks the five unassigned bytes, converted to U+FFFD. Bytes 0xA0..0xFF map to
 * the same code points (Latin-1). */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
    0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178};

size_t cm_i_utf8_scan(const unsigned char *s, size_t n, int *truncated)
{
    size_t i = 0;
    *truncated = 0;
    while (i < n) {
        /* ASCII fast path: eight bytes at a time */
        while (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & UINT64_C(0x8080808080808080)) {
                break;
            }
            i += 8;
        }
        if (i >= n) {
            break;
        }
        unsigned c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t need;
        unsigned lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
        } else if (c == 0xE0) {
            need = 2;
            lo = 0xA0;
        } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
            need = 2;
        } else if (c == 0xED) {
            need = 2;
            hi = 0x9F; /* no UTF-16 surrogates */
        } else if (c == 0xF0) {
            need = 3;
            lo = 0x90;
        } else if (c >= 0xF1 && c <= 0xF3) {
            need = 3;
        } else if (c == 0xF4) {
            need = 3;
            hi = 0x8F; /* nothing above U+10FFFF */
        } else {
            return i;
        }
        for (size_t k = 1; k <= need; k++) {
            if (i + k >= n) {
                *truncated = 1;
                return i;
            }
            unsigned d = s[i + k];
            unsigned l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xBF;
            if (d < l || d > h) {
                return i;
            }
        }
        i += need + 1;
    }
    return n;
}

int cm_utf8_valid(const char *s, size_t len)
{
    int truncated;
    if (s == NULL) {
        return len == 0;
    }
    return cm_i_utf8_scan((const unsigned char *)s, len, &truncated) == len;
}

cm_error_t cm_i_cp1252_append(cm_i_buf_t *b, const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && s[j] < 0x80) {
            j++;
        }
        if (j > i) {
            cm_error_t rc = cm_i_buf_append(b, s + i, j - i);
            if (rc != CM_OK) {
                return rc;
            }
            i = j;
            continue;
        }
        unsigned cp = s[i] >= 0xA0 ? s[i] : cp1252_high[s[i] - 0x80];
        if (cp == 0) {
            cp = 0xFFFD;
        }
        unsigned char u[3];
        size_t n;
        if (cp < 0x800) {
            u[0] = (unsigned char)(0xC0 | (cp >> 6));
            u[1] = (unsigned char)(0x80 | (cp & 0x3F));
            n = 2;
        } else {
            u[0] = (unsigned char)(0xE0 | (cp >> 12));
            u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
            u[2] = (unsigned char)(0x80 | (cp & 0x3F));
            n = 3;
        }
        cm_error_t rc = cm_i_buf_append(b, u, n);
        if (rc != CM_OK) {
            return rc;
        }
        i++;
    }
    return CM_OK;
}

cm_error_t cm_cp1252_to_utf8(const char *s, size_t len, char **out, size_t *outlen)
{
    cm_i_buf_t b = CM_I_BUF_INIT(0);
    size_t cap;
    if (out == NULL) {
        return CM_EINVAL;
    }
    *out = NULL;
    if (outlen != NULL) {
        *outlen = 0;
    }
    if (s == NULL && len > 0) {
        return CM_EINVAL;
    }
    if (cm_mul_size(len, 3, &cap) != CM_OK || cap > ((size_t)1 << 30)) {
        return CM_EOVERFLOW;
    }
    b.max = cap + 1;
    cm_error_t rc = cm_i_buf_append(&b, "", 0);
    if (rc == CM_OK && len > 0) {
        rc = cm_i_cp1252_append(&b, (const unsigned char *)s, len);
    }
    if (rc != CM_OK) {
        cm_i_buf_free(&b);
        return rc;
    }
    if (outlen != NULL) {
        *outlen = b.len;
    }
    return cm_i_buf_steal(&b, out);
}

void cm_i_quote_text(char *dst, size_t dstlen, const char *s, size_t len)
{
    size_t max = dstlen > 4 ? dstlen - 4 : 0;
    size_t i = 0, o = 0;
    if (dstlen == 0) {
        return;
    }
    while (i < len && o < max) {
        unsigned char c = (unsigned char)s[i];
        dst[o++] = (c < 0x20 || c == 0x7F) ? '?' : (char)c;
        i++;
    }
    if (i < len && dstlen >= 4) {
        /* do not cut inside a UTF-8 sequence */
        while (o > 0 && ((unsigned char)dst[o - 1] & 0xC0) == 0x80) {
            o--;
        }
        if (o > 0 && (unsigned char)dst[o - 1] >= 0xC0) {
            o--;
        }
        memcpy(dst + o, "...", 3);
        o += 3;
    }
    dst[o < dstlen ? o : dstlen - 1] = '\0';
}

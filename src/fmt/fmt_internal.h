/* Internal helpers shared by the format readers and writers (src/fmt). */
#ifndef CAMBIUM_FMT_INTERNAL_H
#define CAMBIUM_FMT_INTERNAL_H

#include <locale.h>
#include <stddef.h>

#include "cm_internal.h"

/* The "C" locale object, created once (thread-safe) and kept for the life of the process.
 * (locale_t)0 when it could not be created. Number parsing and formatting switch the calling
 * thread to it with uselocale() for the duration of one strtod/snprintf call, so LC_NUMERIC
 * set by the host program never changes how numbers are read or written. */
locale_t cm_i_c_locale(void);

/* strtod in the "C" locale: *end as strtod; errno as strtod. */
double cm_i_strtod_c(const char *s, char **end);

/* snprintf of one double with a %.*g format in the "C" locale. */
int cm_i_format_g(char *buf, size_t n, int precision, double v);

/* Length of the longest prefix of s made of complete, valid UTF-8 sequences. *truncated is
 * set when the scan stopped at a sequence cut short by the end of the input (rather than at
 * an invalid byte). */
size_t cm_i_utf8_scan(const unsigned char *s, size_t n, int *truncated);

/* Append the UTF-8 form of Windows-1252 bytes to b. */
cm_error_t cm_i_cp1252_append(cm_i_buf_t *b, const unsigned char *s, size_t len);

/* Copy of text for a message: at most max bytes, control bytes replaced by '?', "..." when cut. */
void cm_i_quote_text(char *dst, size_t dstlen, const char *s, size_t len);

#endif

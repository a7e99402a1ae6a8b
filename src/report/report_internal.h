/* Internal helpers shared by the report writers (src/report/report.c, html.c, xlsx.c). */
#ifndef CAMBIUM_REPORT_INTERNAL_H
#define CAMBIUM_REPORT_INTERNAL_H

#include <jansson.h>

#include "cambium/cm_error.h"
#include "cm_internal.h"

/* Whether s is a whole finite decimal number (not a code with a leading zero); sets *value and
 * *is_integer (an integer literal up to 2^53 in magnitude). */
int cm_i_report_number(const char *s, double *value, int *is_integer);
/* CM_EINVAL unless table has columns and rows arrays with rows as long as columns. */
cm_error_t cm_i_report_check_table(const json_t *table, const char *what, cm_error_info_t *err);
/* Text of a cell (string as is, numbers as in the CSV files, null ""); buf holds 32 bytes. */
const char *cm_i_report_cell_text(const json_t *v, char *buf);
/* Append the CSV form of a table object to b: the header row of column names, then a record per
 * row (cell texts as above, RFC 4180 quoting), each ended by eol. CM_ENOMEM, or the buffer's
 * limit, with the table id in the message. (report.c: the CSV files; serve: the downloads) */
cm_error_t cm_i_report_table_csv(const json_t *table, const char *eol, cm_i_buf_t *b,
                                 cm_error_info_t *err);

#endif

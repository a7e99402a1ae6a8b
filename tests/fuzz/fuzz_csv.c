/* libFuzzer target for the CSV reader: several option sets over the same bytes, and the number
 * parser on every field. Must never crash, leak or trip a sanitizer. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cambium/cm_alloc.h"
#include "cambium/cm_csv.h"

typedef struct fuzz_ctx_t {
    cm_num_options_t num;
    uint64_t fields;
} fuzz_ctx_t;

static cm_error_t on_row(const cm_csv_row_t *row, void *ud, cm_error_info_t *err)
{
    fuzz_ctx_t *c = ud;
    for (size_t i = 0; i < row->nfields; i++) {
        cm_num_t n;
        cm_error_info_t e2;
        cm_error_clear(&e2);
        if (row->fields[i][row->lengths[i]] != '\0') {
            __builtin_trap(); /* every field is NUL-terminated at its length */
        }
        (void)cm_num_parse(row->fields[i], &c->num, &n, &e2);
        c->fields++;
    }
    (void)err;
    return CM_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct {
        char sep;
        cm_encoding_t enc;
        int strict;
        int skip_blank;
        size_t max_record;
        int decimal_comma;
        int thousands;
    } variants[] = {
        {0, CM_ENC_AUTO, 1, 1, 0, 0, 0},
        {';', CM_ENC_AUTO, 1, 1, 0, 1, 1},
        {',', CM_ENC_UTF8, 0, 0, 64, 0, 1},
        {'\t', CM_ENC_WINDOWS1252, 0, 1, 0, 0, 0},
    };
    for (size_t v = 0; v < sizeof variants / sizeof variants[0]; v++) {
        cm_csv_options_t o;
        cm_csv_options_default(&o);
        o.separator = variants[v].sep;
        o.encoding = variants[v].enc;
        o.strict_fields = variants[v].strict;
        o.skip_blank_lines = variants[v].skip_blank;
        o.max_record_bytes = variants[v].max_record;
        fuzz_ctx_t ctx;
        memset(&ctx, 0, sizeof ctx);
        ctx.num.decimal_comma = variants[v].decimal_comma;
        ctx.num.thousands = variants[v].thousands;
        ctx.num.flags_allowed = 1;
        cm_csv_stats_t st;
        cm_error_info_t err;
        cm_error_clear(&err);
        (void)cm_csv_read_buffer((const char *)data, size, "fuzz.csv", &o, on_row, &ctx, &st,
                                 &err);
    }
    /* the whole input as one numeric cell (NUL-terminated copy) */
    char cell[256];
    size_t n = size < sizeof cell - 1 ? size : sizeof cell - 1;
    memcpy(cell, data, n);
    cell[n] = '\0';
    cm_num_t num;
    cm_num_options_t no = {(int)(size & 1), (int)((size >> 1) & 1), 1};
    (void)cm_num_parse(cell, &no, &num, NULL);
    if (cm_alloc_outstanding() != 0) {
        __builtin_trap(); /* every allocation of the reader was freed */
    }
    return 0;
}

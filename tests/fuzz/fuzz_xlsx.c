/* libFuzzer target for the xlsx reader: the input is the workbook's bytes; every sheet is read
 * (the first three at most), each row checked for consistent field lengths. The corpus is
 * tests/fuzz/corpus-xlsx (copies of tests/data/xlsx). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cambium/cm_alloc.h"
#include "cambium/cm_xlsx.h"

static cm_error_t on_row(const cm_csv_row_t *row, void *ud, cm_error_info_t *err)
{
    (void)ud;
    (void)err;
    for (size_t i = 0; i < row->nfields; i++) {
        if (strlen(row->fields[i]) != row->lengths[i]) {
            __builtin_trap();
        }
    }
    return CM_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cm_xlsx_options_t opt = {4096, 256, 1 << 20};
    for (size_t i = 0; i < 3; i++) {
        cm_error_info_t err;
        cm_error_clear(&err);
        if (cm_xlsx_read_buffer(data, size, "fuzz.xlsx", NULL, i, &opt, on_row, NULL, &err) ==
            CM_ENOTFOUND) {
            break;
        }
    }
    if (cm_alloc_outstanding() != 0) {
        __builtin_trap();
    }
    return 0;
}

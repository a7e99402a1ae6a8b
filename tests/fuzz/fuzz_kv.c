/* libFuzzer target for the key = value reader and its typed getters. */
#include <stddef.h>
#include <stdint.h>

#include "cambium/cm_alloc.h"
#include "cambium/cm_kv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cm_kv_doc_t *doc = NULL;
    cm_error_info_t err;
    cm_error_clear(&err);
    if (cm_kv_read_buffer((const char *)data, size, "fuzz.kv", &doc, &err) == CM_OK) {
        for (size_t i = 0; i < cm_kv_nsections(doc); i++) {
            const cm_kv_section_t *s = cm_kv_section_at(doc, i);
            for (size_t k = 0; k < s->nentries; k++) {
                double d;
                cm_int_t n;
                int b;
                (void)cm_kv_entry_double(s, &s->entries[k], &d, &err);
                (void)cm_kv_entry_int(s, &s->entries[k], &n, &err);
                (void)cm_kv_entry_bool(s, &s->entries[k], &b, &err);
            }
            static const char *const allowed[] = {"name", "path"};
            (void)cm_kv_check_keys(s, allowed, 2, &err);
        }
        cm_kv_free(doc);
    }
    if (cm_alloc_outstanding() != 0) {
        __builtin_trap();
    }
    return 0;
}

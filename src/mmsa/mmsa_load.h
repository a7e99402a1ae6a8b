/* Helpers of the MMSA model-file reader (src/mmsa/model.c, model_flows.c). */
#ifndef CAMBIUM_MMSA_LOAD_H
#define CAMBIUM_MMSA_LOAD_H

#include <stdarg.h>

#include "cambium/cm_csv.h"
#include "cambium/cm_kv.h"
#include "mmsa_internal.h"

#define CM_TRY_RETURN(expr)            \
    do {                               \
        cm_error_t rc_r_ = (expr);     \
        if (rc_r_ != CM_OK) {          \
            return rc_r_;              \
        }                              \
    } while (0)

/* An error at entry e of section s (e NULL: the section's header line). */
cm_error_t cm_i_mmsa_at(cm_error_info_t *err, cm_error_t code, const cm_kv_section_t *s,
                        const cm_kv_entry_t *e, const char *fmt, ...) CM_PRINTF(5, 6);
int cm_i_mmsa_find(char *const *names, size_t n, const char *name);
/* A finite number (empty text: NaN, accepted); 0 for anything else. */
int cm_i_mmsa_num(const char *text, double *out);
void cm_i_mmsa_free_names(char **v, size_t n);
cm_error_t cm_i_mmsa_list(const cm_kv_section_t *s, const cm_kv_entry_t *e, char ***out,
                          size_t *n, cm_error_info_t *err);
cm_error_t cm_i_mmsa_years(const cm_kv_section_t *s, const cm_kv_entry_t *e, cm_int_t *a,
                           cm_int_t *b, cm_error_info_t *err);
cm_error_t cm_i_mmsa_year(const cm_mmsa_model_t *m, const cm_kv_section_t *s, const char *key,
                          cm_int_t dflt, cm_int_t *out, cm_error_info_t *err);
cm_error_t cm_i_mmsa_path(const char *dir, const cm_kv_section_t *s, const char *key,
                          char *buf, size_t n, const cm_kv_entry_t **entry, cm_error_info_t *err);
cm_error_t cm_i_mmsa_table(const char *dir, const cm_kv_section_t *s, const char *key,
                           cm_table_t *t, cm_error_info_t *err);
cm_error_t cm_i_mmsa_col(const cm_table_t *t, const cm_kv_section_t *s, const char *key,
                         const char *dflt, int optional, cm_int_t *col, cm_error_info_t *err);
cm_error_t cm_i_mmsa_cell_item(const cm_table_t *t, size_t r, cm_int_t col, char *const *names,
                               size_t n, const char *what, int *out, cm_error_info_t *err);

cm_error_t cm_i_mmsa_read_inflows(cm_mmsa_model_t *m, const cm_kv_doc_t *doc, const char *dir,
                                  cm_error_info_t *err);
cm_error_t cm_i_mmsa_read_lifetimes(cm_mmsa_model_t *m, const cm_kv_doc_t *doc,
                                    const char *path, cm_error_info_t *err);
cm_error_t cm_i_mmsa_read_recovery(cm_mmsa_model_t *m, const cm_kv_doc_t *doc, const char *dir,
                                   cm_error_info_t *err);
cm_error_t cm_i_mmsa_read_montecarlo(cm_mmsa_model_t *m, const cm_kv_doc_t *doc,
                                     cm_error_info_t *err);

#endif

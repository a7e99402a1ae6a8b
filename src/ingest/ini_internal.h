/* A small reader of sectioned key = value files (tidy schemas, bundle.ini). Not installed. */
#ifndef CAMBIUM_INGEST_INI_INTERNAL_H
#define CAMBIUM_INGEST_INI_INTERNAL_H

#include <stdint.h>

#include "cm_internal.h"

/* One entry in file order: a section start (key NULL) or a key = value line. */
typedef struct cm_i_ini_item_t {
    char *section;
    char *key;
    char *value;
    int64_t line;
} cm_i_ini_item_t;

/* Value container: zero-initialise; destroy with cm_i_ini_destroy. */
typedef struct cm_i_ini_t {
    size_t n, cap;
    cm_i_ini_item_t *items;
} cm_i_ini_t;

/* Read \p path; CM_EFILE, CM_EPARSE (file:line:column), CM_ENOMEM. \p ini need not be zeroed
 * and is left empty on error. */
cm_error_t cm_i_ini_read(const char *path, cm_i_ini_t *ini, cm_error_info_t *err);
void cm_i_ini_destroy(cm_i_ini_t *ini);
/* First key of a section (NULL when absent); borrowed. */
const cm_i_ini_item_t *cm_i_ini_find(const cm_i_ini_t *ini, const char *section, const char *key);
const char *cm_i_ini_get(const cm_i_ini_t *ini, const char *section, const char *key);

#endif

/* Trade observations: a growable list and its loading from the store. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cm_internal.h"
#include "trade/trade_internal.h"

void cm_trade_obs_list_destroy(cm_trade_obs_list_t *l)
{
    if (l == NULL) {
        return;
    }
    cm_free(l->items);
    memset(l, 0, sizeof *l);
}

cm_error_t cm_trade_obs_add(cm_trade_obs_list_t *l, const cm_trade_obs_t *o, cm_error_info_t *err)
{
    if (l == NULL || o == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_trade_obs_add: NULL %s", l == NULL ? "l" : "o");
    }
    if (l->n == l->cap) {
        size_t cap = l->cap < 64 ? 64 : l->cap * 2;
        cm_trade_obs_t *p = cm_realloc_array(l->items, cap, sizeof *p);
        if (p == NULL) {
            return cm_error_set(err, CM_ENOMEM, "cannot grow the observation list to %zu", cap);
        }
        l->items = p;
        l->cap = cap;
    }
    l->items[l->n++] = *o;
    return CM_OK;
}

static void copy_code(char *dst, const char *src)
{
    snprintf(dst, CM_TRADE_CODE_MAX, "%s", src != NULL ? src : "");
}

typedef struct load_t {
    cm_trade_obs_list_t *l;
    char *ed;      /* NULL, or the editions read so far (CM_TRADE_HS_MAX chars a row) */
    size_t ed_cap; /* rows of ed */
    cm_error_info_t *err;
} load_t;

static cm_error_t on_row(int ncols, const char *const *names, const char *const *v, void *ud)
{
    load_t *ld = ud;
    cm_trade_obs_t o;
    (void)names;
    memset(&o, 0, sizeof o);
    o.id = strtoll(v[0], NULL, 10);
    o.dataset = strtoll(v[1], NULL, 10);
    o.line = v[2] != NULL ? strtoll(v[2], NULL, 10) : 0;
    o.var = strcmp(v[3], "import_value") == 0      ? CM_TRADE_IMPORT_VALUE
            : strcmp(v[3], "import_quantity") == 0 ? CM_TRADE_IMPORT_QUANTITY
                                                   : CM_TRADE_EXPORT_VALUE;
    copy_code(o.kind, v[4]);
    copy_code(o.unit, v[10]);
    copy_code(o.region, v[5]);
    copy_code(o.partner, v[6]);
    copy_code(o.product, v[7]);
    copy_code(o.period, v[8]);
    o.value = v[9] != NULL ? strtod(v[9], NULL) : NAN;
    if (ld->ed != NULL && ncols > 11) {
        size_t i = ld->l->n;
        if (cm_i_grow((void **)&ld->ed, &ld->ed_cap, i, CM_TRADE_HS_MAX, 1024) != 0) {
            return cm_error_set(ld->err, CM_ENOMEM, "out of memory loading HS editions");
        }
        memset(ld->ed + i * CM_TRADE_HS_MAX, 0, CM_TRADE_HS_MAX);
        if (cm_i_trade_is_edition(v[11])) {
            memcpy(ld->ed + i * CM_TRADE_HS_MAX, v[11], 7);
        }
    }
    return cm_trade_obs_add(ld->l, &o, ld->err);
}

cm_error_t cm_trade_obs_load_editions(cm_store_t *store, int64_t dataset_id,
                                      cm_trade_obs_list_t *l, char **editions,
                                      cm_error_info_t *err)
{
    char sql[800];
    if (store == NULL || l == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_trade_obs_load: NULL %s",
                            store == NULL ? "store" : "l");
    }
    memset(l, 0, sizeof *l);
    if (editions != NULL) {
        *editions = NULL;
    }
    snprintf(sql, sizeof sql,
             "SELECT o.id, o.dataset_id, o.line, o.variable, d.kind, o.region, o.partner, "
             "o.product, o.period, o.value, o.unit%s FROM observation o JOIN dataset d ON d.id = "
             "o.dataset_id WHERE d.kind IN ('baci', 'comext', 'comtrade') AND o.variable IN "
             "('import_value', 'import_quantity', 'export_value') AND o.region IS NOT NULL AND "
             "o.partner IS NOT NULL AND o.product IS NOT NULL AND o.period IS NOT NULL%s "
             "ORDER BY o.id",
             editions != NULL ? ", json_extract(o.attrs, '$.hs')" : "",
             dataset_id > 0 ? " AND o.dataset_id = ?" : "");
    if (dataset_id > 0) {
        /* cm_store_query binds nothing: the id is an integer, printed in place */
        snprintf(strstr(sql, "?"), 40, "%lld ORDER BY o.id", (long long)dataset_id);
    }
    load_t ld = {l, NULL, 0, err};
    cm_error_t rc = CM_OK;
    if (editions != NULL) {
        ld.ed = cm_calloc(1, CM_TRADE_HS_MAX); /* non-NULL: editions wanted, "" when no row */
        ld.ed_cap = 1;
        CM_NOMEM(ld.ed, err);
    }
    rc = cm_store_query(store, sql, on_row, &ld, err);
cleanup:
    if (rc != CM_OK) {
        cm_trade_obs_list_destroy(l);
        cm_free(ld.ed);
    } else if (editions != NULL) {
        *editions = ld.ed;
    }
    return rc;
}

cm_error_t cm_trade_obs_load(cm_store_t *store, int64_t dataset_id, cm_trade_obs_list_t *l,
                             cm_error_info_t *err)
{
    return cm_trade_obs_load_editions(store, dataset_id, l, NULL, err);
}

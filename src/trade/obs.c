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
    cm_error_info_t *err;
} load_t;

static cm_error_t on_row(int ncols, const char *const *names, const char *const *v, void *ud)
{
    load_t *ld = ud;
    cm_trade_obs_t o;
    (void)names;
    (void)ncols;
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
    return cm_trade_obs_add(ld->l, &o, ld->err);
}

cm_error_t cm_trade_obs_load(cm_store_t *store, int64_t dataset_id, cm_trade_obs_list_t *l,
                             cm_error_info_t *err)
{
    char sql[768];
    if (store == NULL || l == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_trade_obs_load: NULL %s",
                            store == NULL ? "store" : "l");
    }
    memset(l, 0, sizeof *l);
    snprintf(sql, sizeof sql,
             "SELECT o.id, o.dataset_id, o.line, o.variable, d.kind, o.region, o.partner, "
             "o.product, o.period, o.value, o.unit FROM observation o JOIN dataset d ON d.id = "
             "o.dataset_id WHERE d.kind IN ('baci', 'comext', 'comtrade') AND o.variable IN "
             "('import_value', 'import_quantity', 'export_value') AND o.region IS NOT NULL AND "
             "o.partner IS NOT NULL AND o.product IS NOT NULL AND o.period IS NOT NULL%s "
             "ORDER BY o.id",
             dataset_id > 0 ? " AND o.dataset_id = ?" : "");
    if (dataset_id > 0) {
        /* cm_store_query binds nothing: the id is an integer, printed in place */
        snprintf(strstr(sql, "?"), 40, "%lld ORDER BY o.id", (long long)dataset_id);
    }
    load_t ld = {l, err};
    cm_error_t rc = cm_store_query(store, sql, on_row, &ld, err);
    if (rc != CM_OK) {
        cm_trade_obs_list_destroy(l);
    }
    return rc;
}

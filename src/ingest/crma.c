/* Importer "crma-lists": the critical (Annex II) and strategic (Annex I) raw materials of the
 * Critical Raw Materials Act, Regulation (EU) 2024/1252, as hand-transcribed in
 * ../shared/data/eu-crma-2024-lists/crma_2024_critical_and_strategic.csv. Each material gives
 * "crma_critical" and "crma_strategic" (1 or 0), region EU27, period 2024. */
#include <stdio.h>
#include <string.h>

#include "ingest_internal.h"

#define NONE ((size_t)-1)

typedef struct crma_state_t {
    size_t material, critical, strategic, note, entry;
} crma_state_t;

static size_t optional(cm_i_ing_t *g, const char *name)
{
    int64_t c = cm_i_ing_col(g, name);
    return c < 0 ? NONE : (size_t)c;
}

static cm_error_t crma_header(cm_i_ing_t *g, const cm_csv_row_t *row, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    crma_state_t *s = g->state;
    CM_TRY(cm_i_ing_require(g, row, "material", &s->material, err));
    CM_TRY(cm_i_ing_require(g, row, "critical_annex_II", &s->critical, err));
    CM_TRY(cm_i_ing_require(g, row, "strategic_annex_I", &s->strategic, err));
    s->note = optional(g, "strategic_scope_note");
    s->entry = optional(g, "strategic_entry_id");
cleanup:
    return rc;
}

static cm_error_t flag01(cm_i_ing_t *g, const cm_csv_row_t *row, size_t col, double *out,
                         cm_error_info_t *err)
{
    char buf[16];
    cm_i_ing_clean(buf, sizeof buf, cm_i_ing_field(row, col));
    if (strcmp(buf, "0") != 0 && strcmp(buf, "1") != 0) {
        return cm_i_ing_fail(g, err, CM_EPARSE, row->line, col,
                             "column '%s': expected 1 (listed) or 0 (not listed), got '%s'",
                             g->header[col], buf);
    }
    *out = buf[0] == '1' ? 1.0 : 0.0;
    return CM_OK;
}

static cm_error_t crma_row(cm_i_ing_t *g, const cm_csv_row_t *row, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    crma_state_t *s = g->state;
    double critical = 0, strategic = 0;
    const char *material;
    char entry[16];
    cm_obs_t o;

    CM_TRY(flag01(g, row, s->critical, &critical, err));
    CM_TRY(flag01(g, row, s->strategic, &strategic, err));
    entry[0] = '\0';
    if (s->entry != NONE) {
        cm_i_ing_clean(entry, sizeof entry, cm_i_ing_field(row, s->entry));
        if (entry[0] != '\0' && strspn(entry, "0123456789") != strlen(entry)) {
            CM_FAIL(cm_i_ing_fail(g, err, CM_EPARSE, row->line, s->entry,
                                  "column 'strategic_entry_id': expected an entry number or "
                                  "empty, got '%s'",
                                  entry));
        }
        if ((entry[0] != '\0') != (strategic == 1.0)) {
            CM_FAIL(cm_i_ing_fail(g, err, CM_EPARSE, row->line, s->entry,
                                  "column 'strategic_entry_id': expected an entry number exactly "
                                  "when strategic_annex_I is 1, got '%s' with %g",
                                  entry, strategic));
        }
    }
    material = cm_i_ing_material(g, cm_i_ing_field(row, s->material));
    if (material == NULL) {
        CM_FAIL(cm_i_ing_keep_aside(g, row, "unknown-material", s->material,
                                    cm_i_ing_field(row, s->material), err));
    }
    cm_i_buf_reset(&g->scratch);
    if (cm_i_buf_puts(&g->scratch, "{\"name\":") != CM_OK ||
        cm_i_ing_json_str(&g->scratch, cm_i_ing_field(row, s->material)) != CM_OK) {
        CM_FAIL(cm_error_set(err, CM_ENOMEM, "out of memory writing attributes"));
    }
    if (entry[0] != '\0') {
        if (cm_i_buf_puts(&g->scratch, ",\"strategic_entry\":") != CM_OK ||
            cm_i_buf_puts(&g->scratch, entry) != CM_OK) {
            CM_FAIL(cm_error_set(err, CM_ENOMEM, "out of memory writing attributes"));
        }
    }
    if (s->note != NONE && cm_i_ing_field(row, s->note)[0] != '\0') {
        if (cm_i_buf_puts(&g->scratch, ",\"scope_note\":") != CM_OK ||
            cm_i_ing_json_str(&g->scratch, cm_i_ing_field(row, s->note)) != CM_OK) {
            CM_FAIL(cm_error_set(err, CM_ENOMEM, "out of memory writing attributes"));
        }
    }
    if (cm_i_buf_puts(&g->scratch, "}") != CM_OK) {
        CM_FAIL(cm_error_set(err, CM_ENOMEM, "out of memory writing attributes"));
    }
    memset(&o, 0, sizeof o);
    o.region = "EU27";
    o.material = material;
    o.period = "2024";
    o.unit = "1";
    o.attrs = g->scratch.data;
    o.line = row->line;
    o.variable = "crma_critical";
    o.value = critical;
    CM_TRY(cm_i_ing_add(g, &o, err));
    o.variable = "crma_strategic";
    o.value = strategic;
    CM_TRY(cm_i_ing_add(g, &o, err));
cleanup:
    return rc;
}

static int crma_detect(size_t n, const char *const *f)
{
    static const char *const names[] = {"critical_annex_II", "strategic_annex_I", NULL};
    return cm_i_ing_has_columns(n, f, names);
}

const cm_i_importer_t cm_i_imp_crma = {
    .kind = "crma-lists",
    .summary = "CRM Act 2024 critical (Annex II) and strategic (Annex I) lists",
    .name = "Critical Raw Materials Act 2024: critical and strategic raw materials",
    .publisher = "European Union, Regulation (EU) 2024/1252 (OJ L, 3.5.2024), Annexes I and II",
    .source = "https://eur-lex.europa.eu/eli/reg/2024/1252/oj (hand-transcribed, "
              "../shared/data/eu-crma-2024-lists)",
    .licence = "(c) European Union; reuse authorised (Commission Decision 2011/833/EU)",
    .version = "2024",
    .separator = ',',
    .state_size = sizeof(crma_state_t),
    .header = crma_header,
    .row = crma_row,
    .detect = crma_detect,
};

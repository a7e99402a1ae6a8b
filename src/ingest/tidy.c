/* Importer "tidy": any CSV with one observation per record, described by a schema file in
 * the sectioned key = value format (docs/importers.md, "The tidy schema"):
 *
 *   [dataset]   name, publisher, source, licence, version
 *   [format]    separator (, ; tab |), decimal_comma, thousands, encoding (auto, utf-8,
 *               windows-1252)
 *   [columns]   observation field = CSV column name, for the fields variable, region,
 *               partner, material, product, stage, period, value, unit, flag
 *   [constants] observation field = fixed text (e.g. variable = production)
 *   [values]    unit, negative (yes/no), flags (yes/no), share (yes/no), share_group (list
 *               of fields), resolve_countries (yes/no), resolve_materials (yes/no)
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ingest_internal.h"
#include "cambium/cm_kv.h"

enum { F_VARIABLE, F_REGION, F_PARTNER, F_MATERIAL, F_PRODUCT, F_STAGE, F_PERIOD, F_VALUE,
       F_UNIT, F_FLAG, F_N };
static const char *const field_names[F_N] = {"variable", "region",  "partner", "material",
                                             "product",  "stage",   "period",  "value",
                                             "unit",     "flag"};

typedef struct tidy_state_t {
    cm_kv_doc_t *schema;
    const char *column[F_N];   /* CSV column names (borrowed from schema) */
    const char *constant[F_N]; /* constants */
    size_t col[F_N];
    int in_group[F_N];
    const char *unit;          /* declared unit */
    int negative, flags, share, resolve_countries, resolve_materials;
} tidy_state_t;

static int field_index(const char *name)
{
    for (int i = 0; i < F_N; i++) {
        if (strcmp(field_names[i], name) == 0) {
            return i;
        }
    }
    return -1;
}

static cm_error_t schema_fail(cm_i_ing_t *g, const cm_kv_entry_t *e, cm_error_info_t *err,
                              const char *fmt, const char *a, const char *b)
{
    return cm_error_set_at(err, CM_EPARSE, g->opt->schema, e->line, e->key_column, fmt, a, b);
}

static cm_error_t yes_no(cm_i_ing_t *g, const cm_kv_section_t *sec, const cm_kv_entry_t *e,
                         int *out, cm_error_info_t *err)
{
    CM_UNUSED(g);
    return cm_kv_entry_bool(sec, e, out, err);
}

static cm_error_t share_group(cm_i_ing_t *g, tidy_state_t *s, const cm_kv_entry_t *e,
                              cm_error_info_t *err)
{
    char buf[256];
    char *save = NULL;
    snprintf(buf, sizeof buf, "%s", e->value);
    memset(s->in_group, 0, sizeof s->in_group);
    for (char *tok = strtok_r(buf, ", ", &save); tok != NULL; tok = strtok_r(NULL, ", ", &save)) {
        int f = field_index(tok);
        if (f < 0 || f == F_VALUE || f == F_FLAG || f == F_UNIT) {
            return schema_fail(g, e, err,
                               "key '%s': expected observation fields (variable, region, "
                               "partner, material, product, stage, period), got '%s'",
                               e->key, tok);
        }
        s->in_group[f] = 1;
    }
    return CM_OK;
}

static cm_error_t dataset_key(cm_i_ing_t *g, const cm_kv_entry_t *e, cm_error_info_t *err)
{
    if (strcmp(e->key, "name") == 0) {
        snprintf(g->name_buf, sizeof g->name_buf, "%s", e->value);
    } else if (strcmp(e->key, "version") == 0) {
        snprintf(g->version_buf, sizeof g->version_buf, "%s", e->value);
    } else if (strcmp(e->key, "publisher") == 0) {
        g->publisher = e->value;
    } else if (strcmp(e->key, "source") == 0) {
        g->source = e->value;
    } else if (strcmp(e->key, "licence") == 0 || strcmp(e->key, "license") == 0) {
        g->licence = e->value;
    } else {
        return schema_fail(g, e, err,
                           "unknown key '%s' in [%s]: expected name, publisher, source, licence "
                           "or version",
                           e->key, "dataset");
    }
    return CM_OK;
}

static cm_error_t format_key(cm_i_ing_t *g, const cm_kv_section_t *sec, const cm_kv_entry_t *e,
                             cm_error_info_t *err)
{
    if (strcmp(e->key, "separator") == 0) {
        if (strcmp(e->value, "tab") == 0 || strcmp(e->value, "\\t") == 0) {
            g->csv.separator = '\t';
        } else if (strlen(e->value) == 1 && strchr(",;|", e->value[0]) != NULL) {
            g->csv.separator = e->value[0];
        } else {
            return schema_fail(g, e, err, "key '%s': expected ',', ';', '|' or tab, got '%s'",
                               e->key, e->value);
        }
    } else if (strcmp(e->key, "decimal_comma") == 0) {
        return yes_no(g, sec, e, &g->num.decimal_comma, err);
    } else if (strcmp(e->key, "thousands") == 0) {
        return yes_no(g, sec, e, &g->num.thousands, err);
    } else if (strcmp(e->key, "encoding") == 0) {
        if (cm_i_ing_eq(e->value, "auto")) {
            g->csv.encoding = CM_ENC_AUTO;
        } else if (cm_i_ing_eq(e->value, "utf-8") || cm_i_ing_eq(e->value, "utf8")) {
            g->csv.encoding = CM_ENC_UTF8;
        } else if (cm_i_ing_eq(e->value, "windows-1252") || cm_i_ing_eq(e->value, "cp1252")) {
            g->csv.encoding = CM_ENC_WINDOWS1252;
        } else {
            return schema_fail(g, e, err,
                               "key '%s': expected auto, utf-8 or windows-1252, got '%s'", e->key,
                               e->value);
        }
    } else {
        return schema_fail(g, e, err,
                           "unknown key '%s' in [%s]: expected separator, decimal_comma, "
                           "thousands or encoding",
                           e->key, "format");
    }
    return CM_OK;
}

static cm_error_t values_key(cm_i_ing_t *g, tidy_state_t *s, const cm_kv_section_t *sec,
                             const cm_kv_entry_t *e, const cm_kv_entry_t **group,
                             cm_error_info_t *err)
{
    if (strcmp(e->key, "unit") == 0) {
        s->unit = e->value;
    } else if (strcmp(e->key, "negative") == 0) {
        return yes_no(g, sec, e, &s->negative, err);
    } else if (strcmp(e->key, "flags") == 0) {
        return yes_no(g, sec, e, &s->flags, err);
    } else if (strcmp(e->key, "share") == 0) {
        return yes_no(g, sec, e, &s->share, err);
    } else if (strcmp(e->key, "share_group") == 0) {
        *group = e;
    } else if (strcmp(e->key, "resolve_countries") == 0) {
        return yes_no(g, sec, e, &s->resolve_countries, err);
    } else if (strcmp(e->key, "resolve_materials") == 0) {
        return yes_no(g, sec, e, &s->resolve_materials, err);
    } else {
        return schema_fail(g, e, err,
                           "unknown key '%s' in [%s]: expected unit, negative, flags, share, "
                           "share_group, resolve_countries or resolve_materials",
                           e->key, "values");
    }
    return CM_OK;
}

static cm_error_t tidy_prepare(cm_i_ing_t *g, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    tidy_state_t *s = g->state;
    const cm_kv_entry_t *group = NULL;

    if (g->opt->schema == NULL || g->opt->schema[0] == '\0') {
        return cm_error_set(err, CM_EINVAL, "kind tidy needs a schema file (--schema FILE)");
    }
    CM_TRY(cm_kv_read_file(g->opt->schema, &s->schema, err));
    s->resolve_countries = 1;
    s->resolve_materials = 1;
    for (size_t i = 0; i < cm_kv_nsections(s->schema); i++) {
        const cm_kv_section_t *sec = cm_kv_section_at(s->schema, i);
        const char *type = sec->type;
        int is_col = strcmp(type, "columns") == 0;
        if (strcmp(type, "dataset") != 0 && strcmp(type, "format") != 0 && !is_col &&
            strcmp(type, "constants") != 0 && strcmp(type, "values") != 0) {
            CM_FAIL(cm_error_set_at(err, CM_EPARSE, g->opt->schema, sec->line, 1,
                                    "unknown section [%s]: expected dataset, format, columns, "
                                    "constants or values",
                                    type));
        }
        for (size_t k = 0; k < sec->nentries; k++) {
            const cm_kv_entry_t *e = &sec->entries[k];
            if (strcmp(type, "dataset") == 0) {
                CM_TRY(dataset_key(g, e, err));
            } else if (strcmp(type, "format") == 0) {
                CM_TRY(format_key(g, sec, e, err));
            } else if (strcmp(type, "values") == 0) {
                CM_TRY(values_key(g, s, sec, e, &group, err));
            } else {
                int f = field_index(e->key);
                if (f < 0 || (!is_col && f == F_VALUE)) {
                    CM_FAIL(schema_fail(g, e, err,
                                        "unknown field '%s' in [%s]: expected variable, region, "
                                        "partner, material, product, stage, period, value "
                                        "(columns only), unit or flag",
                                        e->key, type));
                }
                if (e->value[0] == '\0') {
                    CM_FAIL(schema_fail(g, e, err,
                                        "field '%s' in [%s]: expected a text, got nothing",
                                        e->key, type));
                }
                s->column[f] = is_col ? e->value : NULL;
                s->constant[f] = is_col ? NULL : e->value;
            }
        }
    }
    if (s->column[F_VALUE] == NULL) {
        CM_FAIL(cm_error_set_at(err, CM_EPARSE, g->opt->schema, 1, 1,
                                "expected 'value = <column>' in section [columns]"));
    }
    if (s->column[F_VARIABLE] == NULL && s->constant[F_VARIABLE] == NULL) {
        CM_FAIL(cm_error_set_at(err, CM_EPARSE, g->opt->schema, 1, 1,
                                "expected 'variable' in section [columns] or [constants]"));
    }
    if (group != NULL) {
        CM_TRY(share_group(g, s, group, err));
    } else {
        for (int f = 0; f < F_N; f++) {
            s->in_group[f] = f != F_PARTNER && f != F_VALUE && f != F_FLAG && f != F_UNIT;
        }
    }
cleanup:
    return rc;
}

static cm_error_t tidy_header(cm_i_ing_t *g, const cm_csv_row_t *row, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    tidy_state_t *s = g->state;
    for (int f = 0; f < F_N; f++) {
        if (s->column[f] != NULL) {
            CM_TRY(cm_i_ing_require(g, row, s->column[f], &s->col[f], err));
        }
    }
cleanup:
    return rc;
}

static cm_error_t tidy_row(cm_i_ing_t *g, const cm_csv_row_t *row, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    tidy_state_t *s = g->state;
    char text[F_N][256];
    const char *val[F_N];
    cm_num_t num;
    double value;
    unsigned allowed = 0;
    cm_obs_t o;

    for (int f = 0; f < F_N; f++) {
        val[f] = NULL;
        text[f][0] = '\0';
        if (s->column[f] != NULL) {
            cm_i_ing_clean(text[f], sizeof text[f], cm_i_ing_field(row, s->col[f]));
            val[f] = text[f][0] != '\0' ? text[f] : NULL;
        } else if (s->constant[f] != NULL) {
            val[f] = s->constant[f];
        }
    }
    if (s->flags) {
        allowed = ~(unsigned)CM_NUMF_PERCENT;
    }
    if (s->share) {
        allowed |= CM_NUMF_PERCENT;
    }
    CM_TRY(cm_i_ing_number(g, row, s->col[F_VALUE], allowed, !s->negative, &num, err));
    value = num.value;
    if (s->share && (num.flags & CM_NUMF_PERCENT) != 0) {
        value /= 100.0;
    }
    if (val[F_VARIABLE] == NULL) {
        CM_FAIL(cm_i_ing_fail(g, err, CM_EPARSE, row->line, s->col[F_VARIABLE],
                              "column '%s': expected the name of a variable, got an empty field",
                              s->column[F_VARIABLE]));
    }
    if (s->column[F_UNIT] != NULL) {
        char group[600];
        if (val[F_UNIT] == NULL) {
            CM_FAIL(cm_i_ing_fail(g, err, CM_EPARSE, row->line, s->col[F_UNIT],
                                  "column '%s': expected a unit, got an empty field",
                                  s->column[F_UNIT]));
        }
        snprintf(group, sizeof group, "variable '%s'%s%s%s", val[F_VARIABLE],
                 val[F_MATERIAL] ? " of '" : "", val[F_MATERIAL] ? val[F_MATERIAL] : "",
                 val[F_MATERIAL] ? "'" : "");
        CM_TRY(cm_i_ing_unit(g, group, val[F_UNIT], row, s->col[F_UNIT], err));
    } else if (val[F_UNIT] == NULL) {
        val[F_UNIT] = s->unit;
    }
    if (val[F_FLAG] != NULL) {
        CM_TRY(cm_i_ing_quirk(g, "flag", val[F_FLAG], 1, err));
    } else {
        val[F_FLAG] = cm_i_ing_flag(&num);
    }
    if ((num.flags & CM_NUMF_EMPTY) != 0 && val[F_FLAG] == NULL) {
        CM_FAIL(cm_i_ing_quirk(g, "empty-value", NULL, 1, err));
    }
    if (s->share && !isnan(value)) {
        cm_i_buf_t key = CM_I_BUF_INIT(4096);
        int first = 1;
        for (int f = 0; f < F_N && rc == CM_OK; f++) {
            if (s->in_group[f] && val[f] != NULL) {
                rc = cm_i_buf_printf(&key, "%s%s '%s'", first ? "" : ", ", field_names[f],
                                     val[f]);
                first = 0;
            }
        }
        if (rc == CM_OK) {
            rc = cm_i_buf_puts(&key, "");
        }
        if (rc != CM_OK) {
            cm_i_buf_free(&key);
            CM_FAIL(cm_error_set(err, CM_ENOMEM, "out of memory summing shares"));
        }
        rc = cm_i_ing_share(g, key.data, value, num.flags, row, s->col[F_VALUE], err);
        cm_i_buf_free(&key);
        CM_TRY(rc);
    }
    if (s->resolve_countries) {
        for (int f = F_REGION; f <= F_PARTNER; f++) {
            if (val[f] != NULL) {
                const char *code = cm_i_ing_country(g, val[f]);
                if (code == NULL) {
                    CM_FAIL(cm_i_ing_keep_aside(g, row, "unknown-country",
                                                s->column[f] ? s->col[f] : 0, val[f], err));
                }
                val[f] = code;
            }
        }
    }
    if (s->resolve_materials && val[F_MATERIAL] != NULL) {
        const char *code = cm_i_ing_material(g, val[F_MATERIAL]);
        if (code == NULL) {
            CM_FAIL(cm_i_ing_keep_aside(g, row, "unknown-material",
                                        s->column[F_MATERIAL] ? s->col[F_MATERIAL] : 0,
                                        val[F_MATERIAL], err));
        }
        val[F_MATERIAL] = code;
    }
    memset(&o, 0, sizeof o);
    o.variable = val[F_VARIABLE];
    o.region = val[F_REGION];
    o.partner = val[F_PARTNER];
    o.material = val[F_MATERIAL];
    o.product = val[F_PRODUCT];
    o.stage = val[F_STAGE];
    o.period = val[F_PERIOD];
    o.value = value;
    o.unit = val[F_UNIT];
    o.flag = val[F_FLAG];
    o.line = row->line;
    CM_TRY(cm_i_ing_add(g, &o, err));
cleanup:
    return rc;
}

static void tidy_destroy(cm_i_ing_t *g)
{
    tidy_state_t *s = g->state;
    cm_kv_free(s->schema);
    s->schema = NULL;
}

const cm_i_importer_t cm_i_imp_tidy = {
    .kind = "tidy",
    .summary = "any CSV of observations described by a schema file (--schema FILE)",
    .name = "tidy table",
    .publisher = "unknown (declare it in the schema's [dataset] section)",
    .source = "unknown",
    .licence = "unknown",
    .version = "",
    .separator = ',',
    .state_size = sizeof(tidy_state_t),
    .prepare = tidy_prepare,
    .header = tidy_header,
    .row = tidy_row,
    .destroy = tidy_destroy,
};

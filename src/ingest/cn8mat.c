/* Importer "cn8-materials": a list of CN8 codes with their material group, description and
 * stage (critical_inputs_cn8_codes.csv of ../shared/data/comext-eu27-critical-inputs-cn8/:
 * cn8_code, material_group, material_name, stage). Each code becomes one observation
 * "cn8_material" (value 1) with product = the CN8 code, material = the first raw material
 * named in the description (runs of up to three words that the material classification
 * resolves; rare_earths codes naming several rare earths, or none, get the group
 * rare-earth-elements; unwrought titanium is titanium-metal) and stage = extraction (ores,
 * concentrates) or processing (refined_metals, chemical_precursors). Every material named is
 * kept in the attribute materials_named. */
#include <string.h>

#include "ingest_internal.h"

typedef struct cn8mat_state_t {
    size_t code, group, name, stage;
} cn8mat_state_t;

static cm_error_t cn8mat_header(cm_i_ing_t *g, const cm_csv_row_t *row, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cn8mat_state_t *s = g->state;
    CM_TRY(cm_i_ing_require(g, row, "cn8_code", &s->code, err));
    CM_TRY(cm_i_ing_require(g, row, "material_group", &s->group, err));
    CM_TRY(cm_i_ing_require(g, row, "material_name", &s->name, err));
    CM_TRY(cm_i_ing_require(g, row, "stage", &s->stage, err));
cleanup:
    return rc;
}

/* The materials named in \p text: at each word, the longest run of 3, 2 or 1 words that the
 * material classification resolves (then the scan goes on after it). Fills found[0..*n)
 * with distinct codes in the order met. */
static void scan_materials(const cm_i_ing_t *g, const char *text, const char *found[8],
                           size_t *nfound)
{
    char buf[512], span[512];
    const char *w[64];
    size_t nw = 0;
    char *save = NULL, *tok;
    *nfound = 0;
    cm_i_ing_clean(buf, sizeof buf, text);
    for (tok = strtok_r(buf, " ;,", &save); tok != NULL && nw < 64;
         tok = strtok_r(NULL, " ;,", &save)) {
        w[nw++] = tok;
    }
    for (size_t i = 0; i < nw; i++) {
        for (size_t len = 3; len >= 1; len--) {
            size_t o = 0;
            const char *m;
            if (i + len > nw) {
                continue;
            }
            for (size_t k = 0; k < len; k++) {
                size_t l = strlen(w[i + k]);
                if (o + l + 2 >= sizeof span) {
                    break;
                }
                if (k > 0) {
                    span[o++] = ' ';
                }
                memcpy(span + o, w[i + k], l + 1);
                o += l;
            }
            m = cm_class_resolve(g->material, span);
            if (m != NULL) {
                size_t j = 0;
                while (j < *nfound && strcmp(found[j], m) != 0) {
                    j++;
                }
                if (j == *nfound && *nfound < 8) {
                    found[(*nfound)++] = m;
                }
                i += len - 1;
                break;
            }
        }
    }
}

static cm_error_t cn8mat_row(cm_i_ing_t *g, const cm_csv_row_t *row, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cn8mat_state_t *s = g->state;
    static const struct {
        const char *text, *stage;
    } stages[] = {
        {"ores", "extraction"},
        {"concentrates", "extraction"},
        {"refined_metals", "processing"},
        {"chemical_precursors", "processing"},
    };
    char code[16], group[64], stage_text[64];
    const char *stage = NULL, *material;
    const char *found[8];
    size_t nfound = 0;
    cm_obs_t o;

    CM_TRY(cm_i_ing_code(g, row, s->code, 8, code, sizeof code, err));
    cm_i_ing_clean(stage_text, sizeof stage_text, cm_i_ing_field(row, s->stage));
    for (size_t i = 0; i < sizeof stages / sizeof stages[0]; i++) {
        if (strcmp(stage_text, stages[i].text) == 0) {
            stage = stages[i].stage;
        }
    }
    if (stage == NULL) {
        CM_FAIL(cm_i_ing_fail(g, err, CM_EPARSE, row->line, s->stage,
                              "column 'stage': expected ores, concentrates, refined_metals or "
                              "chemical_precursors, got '%s'",
                              stage_text));
    }
    cm_i_ing_clean(group, sizeof group, cm_i_ing_field(row, s->group));
    if (group[0] == '\0') {
        CM_FAIL(cm_i_ing_fail(g, err, CM_EPARSE, row->line, s->group,
                              "column 'material_group': expected a group name, got an empty "
                              "field"));
    }
    scan_materials(g, cm_i_ing_field(row, s->name), found, &nfound);
    material = nfound > 0 ? found[0] : NULL;
    if (strcmp(group, "rare_earths") == 0 && nfound != 1) {
        /* a mixture or several rare earths (or none named): the group */
        material = cm_class_resolve(g->material, "rare-earth-elements");
    } else if (nfound > 1) {
        CM_TRY(cm_i_ing_quirk(g, "several-materials-named", NULL, 1, err));
    }
    if (material != NULL && strcmp(material, "titanium") == 0 &&
        strcmp(stage, "processing") == 0) {
        /* "titanium" resolves to the ores; unwrought titanium is the EU's "Titanium metal" */
        material = cm_class_resolve(g->material, "titanium-metal");
    }
    if (material == NULL) {
        CM_TRY(cm_i_ing_quirk(g, "material-not-named", NULL, 1, err));
    }
    cm_i_buf_reset(&g->scratch);
    if (cm_i_buf_puts(&g->scratch, "{\"group\":") != CM_OK ||
        cm_i_ing_json_str(&g->scratch, group) != CM_OK ||
        cm_i_buf_puts(&g->scratch, ",\"name\":") != CM_OK ||
        cm_i_ing_json_str(&g->scratch, cm_i_ing_field(row, s->name)) != CM_OK ||
        cm_i_buf_puts(&g->scratch, ",\"materials_named\":[") != CM_OK) {
        CM_FAIL(cm_error_set(err, CM_ENOMEM, "out of memory writing attributes"));
    }
    for (size_t i = 0; i < nfound; i++) {
        if ((i > 0 && cm_i_buf_puts(&g->scratch, ",") != CM_OK) ||
            cm_i_ing_json_str(&g->scratch, found[i]) != CM_OK) {
            CM_FAIL(cm_error_set(err, CM_ENOMEM, "out of memory writing attributes"));
        }
    }
    if (cm_i_buf_puts(&g->scratch, "],\"stage\":") != CM_OK ||
        cm_i_ing_json_str(&g->scratch, stage_text) != CM_OK ||
        cm_i_buf_puts(&g->scratch, "}") != CM_OK) {
        CM_FAIL(cm_error_set(err, CM_ENOMEM, "out of memory writing attributes"));
    }
    memset(&o, 0, sizeof o);
    o.variable = "cn8_material";
    o.product = code;
    o.material = material;
    o.stage = stage;
    o.value = 1.0;
    o.unit = "1";
    o.attrs = g->scratch.data;
    o.line = row->line;
    CM_TRY(cm_i_ing_add(g, &o, err));
cleanup:
    return rc;
}

static int cn8mat_detect(size_t n, const char *const *f)
{
    static const char *const names[] = {"cn8_code", "material_group", "material_name", NULL};
    return cm_i_ing_has_columns(n, f, names);
}

const cm_i_importer_t cm_i_imp_cn8_materials = {
    .kind = "cn8-materials",
    .summary = "CN8 codes with material group, description and stage",
    .name = "Critical-input CN8 codes with material group and stage",
    .publisher = "burvolapp-arch/isi-backend (Panargus), CN8 descriptions of Eurostat",
    .source = "https://github.com/burvolapp-arch/isi-backend "
              "docs/mappings/critical_materials_cn8_mapping_v01.csv (commit c6f55b0), factual "
              "columns only",
    .licence = "repository: proprietary (tests only; regenerate from the CN for shipping)",
    .version = "v01",
    .separator = ',',
    .state_size = sizeof(cn8mat_state_t),
    .header = cn8mat_header,
    .row = cn8mat_row,
    .detect = cn8mat_detect,
};

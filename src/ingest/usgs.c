/* Importer "usgs-mcs": USGS Mineral Commodity Summaries world tables, one file per commodity
 * named mcsYYYY-<abbr>_world.csv (MCS 2024 data release doi:10.5066/P144BA54, MCS 2023
 * doi:10.5066/P9WCYUI6; see ../shared/data/usgs-mcs/SOURCE.md).
 *
 * The edition comes from the file name, the commodity from its abbreviation, and the
 * variables, units and years from the column names: Prod_<unit>[_est]_<year>,
 * Cap_<unit>[_est]_<year>, Reserves_<unit>[_<year>], with optional qualifiers
 * (Prod_Sponge_t_Est_2023, Reserves_ore_K2O_equiv_kt). Notes columns are kept as attributes. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ingest_internal.h"

/* MCS file abbreviations -> material names tried in turn with the material classification. */
static const struct {
    const char *abbr;
    const char *names[3];
} commodities[] = {
    {"abras", {"Abrasives", "Fused aluminum oxide", NULL}},
    {"alumi", {"Aluminium", "Aluminum", NULL}},
    {"antim", {"Antimony", NULL, NULL}},
    {"arsen", {"Arsenic", NULL, NULL}},
    {"asbes", {"Asbestos", NULL, NULL}},
    {"barit", {"Baryte", "Barite", NULL}},
    {"bauxi", {"Bauxite", NULL, NULL}},
    {"beryl", {"Beryllium", NULL, NULL}},
    {"bismu", {"Bismuth", NULL, NULL}},
    {"boron", {"Borates", "Boron", NULL}},
    {"bromi", {"Bromine", NULL, NULL}},
    {"cadmi", {"Cadmium", NULL, NULL}},
    {"cemen", {"Cement", NULL, NULL}},
    {"chrom", {"Chromium", NULL, NULL}},
    {"clays", {"Clays", "Kaolin", NULL}},
    {"cobal", {"Cobalt", NULL, NULL}},
    {"coppe", {"Copper", NULL, NULL}},
    {"diamo", {"Industrial diamond", "Diamonds", "Diamond"}},
    {"diato", {"Diatomite", NULL, NULL}},
    {"felds", {"Feldspar", NULL, NULL}},
    {"feore", {"Iron ore", NULL, NULL}},
    {"fepig", {"Pig iron", "Iron", NULL}},
    {"feste", {"Steel", "Iron and steel", NULL}},
    {"fluor", {"Fluorspar", NULL, NULL}},
    {"galli", {"Gallium", NULL, NULL}},
    {"garne", {"Garnet", NULL, NULL}},
    {"gemst", {"Gemstones", NULL, NULL}},
    {"germa", {"Germanium", NULL, NULL}},
    {"gold", {"Gold", NULL, NULL}},
    {"graph", {"Natural graphite", "Graphite", NULL}},
    {"gypsu", {"Gypsum", NULL, NULL}},
    {"heliu", {"Helium", NULL, NULL}},
    {"indiu", {"Indium", NULL, NULL}},
    {"iodin", {"Iodine", NULL, NULL}},
    {"kyani", {"Kyanite", NULL, NULL}},
    {"lead", {"Lead", NULL, NULL}},
    {"lime", {"Lime", NULL, NULL}},
    {"lithi", {"Lithium", NULL, NULL}},
    {"manga", {"Manganese", NULL, NULL}},
    {"mercu", {"Mercury", NULL, NULL}},
    {"mgcomp", {"Magnesite", "Magnesium compounds", NULL}},
    {"mgmet", {"Magnesium", NULL, NULL}},
    {"mica", {"Mica", NULL, NULL}},
    {"molyb", {"Molybdenum", NULL, NULL}},
    {"nicke", {"Nickel", NULL, NULL}},
    {"niobi", {"Niobium", NULL, NULL}},
    {"nitro", {"Nitrogen", "Ammonia", NULL}},
    {"peat", {"Peat", NULL, NULL}},
    {"perli", {"Perlite", NULL, NULL}},
    {"phosp", {"Phosphate rock", NULL, NULL}},
    {"plati", {"Platinum group metals", "PGM", NULL}},
    {"potas", {"Potash", NULL, NULL}},
    {"pumic", {"Pumice", NULL, NULL}},
    {"raree", {"Rare earth elements", "Rare earths", "REE"}},
    {"rheni", {"Rhenium", NULL, NULL}},
    {"salt", {"Salt", NULL, NULL}},
    {"sandi", {"Industrial sand", "Silica sand", NULL}},
    {"selen", {"Selenium", NULL, NULL}},
    {"silve", {"Silver", NULL, NULL}},
    {"simet", {"Silicon metal", "Silicon", NULL}},
    {"sodaa", {"Soda ash", NULL, NULL}},
    {"stond", {"Dimension stone", NULL, NULL}},
    {"stron", {"Strontium", NULL, NULL}},
    {"sulfu", {"Sulphur", "Sulfur", NULL}},
    {"talc", {"Talc", NULL, NULL}},
    {"tanta", {"Tantalum", NULL, NULL}},
    {"tellu", {"Tellurium", NULL, NULL}},
    {"timin", {"Titanium", "Titanium mineral concentrates", NULL}},
    {"tin", {"Tin", NULL, NULL}},
    {"titan", {"Titanium", NULL, NULL}},
    {"tungs", {"Tungsten", NULL, NULL}},
    {"vanad", {"Vanadium", NULL, NULL}},
    {"vermi", {"Vermiculite", NULL, NULL}},
    {"wolla", {"Wollastonite", NULL, NULL}},
    {"zeoli", {"Zeolites", NULL, NULL}},
    {"zinc", {"Zinc", NULL, NULL}},
    {"zirco", {"Zirconium", "Zircon", NULL}},
};

/* Units as they appear in MCS column names -> unit symbols. */
static const struct {
    const char *mcs;
    const char *unit;
} units[] = {
    {"t", "t"},     {"kt", "kt"},   {"kg", "kg"},   {"mt", "Mt"},  {"Mt", "Mt"},
    {"mmt", "Mt"},  {"mct", "Mct"}, {"kct", "kct"}, {"mcm", "Mm3"},
};

#define MAXVAL 16

typedef struct usgs_col_t {
    size_t col;
    const char *variable; /* "production", "capacity", "reserves" */
    const char *unit;
    char qualifier[48];
    char year[8];
    int estimated;
    int64_t note; /* notes column index or -1 */
} usgs_col_t;

typedef struct usgs_state_t {
    char edition[8];
    char abbr[16];
    const char *material;   /* NULL: unknown commodity, every row is kept aside */
    size_t country;
    int64_t type;
    size_t nval;
    usgs_col_t val[MAXVAL];
    char latest_year[8];
} usgs_state_t;

static cm_error_t usgs_prepare(cm_i_ing_t *g, cm_error_info_t *err)
{
    usgs_state_t *s = g->state;
    const char *b = g->base;
    size_t n = 0;
    /* mcsYYYY-<abbr>_... (case-insensitive prefix) */
    if (!cm_i_ing_prefix(b, "mcs") || strspn(b + 3, "0123456789") != 4 || b[7] != '-') {
        return cm_error_set(err, CM_EINVAL,
                            "cannot read the MCS edition and commodity from the file name '%s': "
                            "expected mcsYYYY-<commodity>_world.csv",
                            b);
    }
    g->num.thousands = 1; /* "1,700,000" */
    memcpy(s->edition, b + 3, 4);
    s->edition[4] = '\0';
    while (b[8 + n] != '\0' && b[8 + n] != '_' && b[8 + n] != '.' && n + 1 < sizeof s->abbr) {
        char ch = b[8 + n];
        s->abbr[n++] = (char)((ch >= 'A' && ch <= 'Z') ? ch - 'A' + 'a' : ch);
    }
    s->abbr[n] = '\0';
    for (size_t i = 0; i < sizeof commodities / sizeof commodities[0] && s->material == NULL;
         i++) {
        if (strcmp(commodities[i].abbr, s->abbr) == 0) {
            for (size_t k = 0; k < 3 && commodities[i].names[k] != NULL && s->material == NULL;
                 k++) {
                s->material = cm_i_ing_material(g, commodities[i].names[k]);
            }
        }
    }
    if (s->material == NULL) {
        s->material = cm_i_ing_material(g, s->abbr);
    }
    snprintf(g->version_buf, sizeof g->version_buf, "MCS %s", s->edition);
    snprintf(g->name_buf, sizeof g->name_buf, "USGS MCS %s world table '%s'", s->edition,
             s->abbr);
    return CM_OK;
}

/* Parse "Prod_kt_est_2023" into \p c; 0 when the name is not a value column. */
static int parse_colname(const char *name, usgs_col_t *c, cm_i_ing_t *g, size_t col,
                         cm_error_t *rc, cm_error_info_t *err)
{
    char buf[128];
    char *save = NULL, *tok;
    int first = 1;
    *rc = CM_OK;
    cm_i_ing_clean(buf, sizeof buf, name);
    if (strstr(buf, "note") != NULL || strstr(buf, "Note") != NULL) {
        return 0;
    }
    if (cm_i_ing_prefix(buf, "Prod_")) {
        c->variable = "production";
    } else if (cm_i_ing_prefix(buf, "Cap_")) {
        c->variable = "capacity";
    } else if (cm_i_ing_prefix(buf, "Reserves_")) {
        c->variable = "reserves";
    } else {
        return 0;
    }
    c->col = col;
    c->note = -1;
    for (tok = strtok_r(buf, "_", &save); tok != NULL; tok = strtok_r(NULL, "_", &save)) {
        if (first) {
            first = 0;
            continue;
        }
        if (strlen(tok) == 4 && strspn(tok, "0123456789") == 4) {
            memcpy(c->year, tok, 5);
            continue;
        }
        if (cm_i_ing_eq(tok, "est")) {
            c->estimated = 1;
            continue;
        }
        if (c->unit == NULL) {
            for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
                if (strcmp(tok, units[i].mcs) == 0) {
                    c->unit = units[i].unit;
                }
            }
            if (c->unit != NULL) {
                continue;
            }
        }
        size_t q = strlen(c->qualifier);
        snprintf(c->qualifier + q, sizeof c->qualifier - q, "%s%s", q ? "_" : "", tok);
    }
    if (c->unit == NULL) {
        *rc = cm_i_ing_fail(g, err, CM_EPARSE, 1, col,
                            "column '%s': expected a unit in the column name (t, kt, kg, Mt, "
                            "mmt, mct, kct, mcm)",
                            name);
    } else if (c->year[0] == '\0' && strcmp(c->variable, "reserves") != 0) {
        *rc = cm_i_ing_fail(g, err, CM_EPARSE, 1, col,
                            "column '%s': expected a year at the end of the column name", name);
    }
    return 1;
}

static cm_error_t usgs_header(cm_i_ing_t *g, const cm_csv_row_t *row, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    usgs_state_t *s = g->state;
    int64_t last_note = -1;
    CM_TRY(cm_i_ing_require(g, row, "Country", &s->country, err));
    s->type = cm_i_ing_col(g, "Type");
    if (s->type < 0 && s->country + 1 < row->nfields) {
        s->type = (int64_t)s->country + 1; /* one file names its type column after its text */
    }
    for (size_t i = row->nfields; i-- > 0;) {
        usgs_col_t c;
        char lower[64];
        memset(&c, 0, sizeof c);
        cm_i_ing_clean(lower, sizeof lower, row->fields[i]);
        if (strstr(lower, "note") != NULL) {
            last_note = (int64_t)i;
            continue;
        }
        if (!parse_colname(row->fields[i], &c, g, i, &rc, err)) {
            continue;
        }
        CM_TRY(rc);
        if (s->nval == MAXVAL) {
            CM_FAIL(cm_i_ing_fail(g, err, CM_EPARSE, row->line, i,
                                  "too many value columns (at most %d)", MAXVAL));
        }
        c.note = last_note;
        s->val[s->nval++] = c;
    }
    if (s->nval == 0) {
        CM_FAIL(cm_i_ing_fail(g, err, CM_EPARSE, row->line, 0,
                              "expected value columns named Prod_<unit>_<year>, Cap_... or "
                              "Reserves_<unit> in the header"));
    }
    /* One unit per variable and qualifier, whatever the year. */
    for (size_t i = 0; i < s->nval; i++) {
        for (size_t k = i + 1; k < s->nval; k++) {
            const usgs_col_t *a = &s->val[i], *b = &s->val[k];
            if (strcmp(a->variable, b->variable) == 0 && strcmp(a->qualifier, b->qualifier) == 0 &&
                strcmp(a->unit, b->unit) != 0) {
                CM_FAIL(cm_i_ing_fail(g, err, CM_EPARSE, row->line, a->col,
                                      "mixed units in the %s columns: '%s' (%s) and '%s' (%s); "
                                      "expected one unit",
                                      a->variable, g->header[b->col], b->unit, g->header[a->col],
                                      a->unit));
            }
        }
        if (strcmp(s->val[i].year, s->latest_year) > 0 &&
            strcmp(s->val[i].variable, "reserves") != 0) {
            memcpy(s->latest_year, s->val[i].year, sizeof s->latest_year);
        }
    }
cleanup:
    return rc;
}

/* Strip footnote digits glued to a name ("New Caledonia11") in place. */
static void strip_digits(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] >= '0' && s[n - 1] <= '9') {
        s[--n] = '\0';
    }
    while (n > 0 && s[n - 1] == ' ') {
        s[--n] = '\0';
    }
}

/* Region code of an MCS country cell; *aggregate set for world/other rows; *est when an 'e'
 * footnote is glued to the name. NULL when unknown. */
static const char *usgs_region(cm_i_ing_t *g, const char *text, int *aggregate, int *est)
{
    char b[160];
    const char *code;
    *aggregate = 0;
    *est = 0;
    cm_i_ing_clean(b, sizeof b, text);
    strip_digits(b);
    if (cm_i_ing_prefix(b, "World total") || cm_i_ing_eq(b, "World")) {
        *aggregate = 1;
        code = cm_i_ing_country(g, "World");
        return code != NULL ? code : "WLD";
    }
    if (cm_i_ing_prefix(b, "Other countries") || cm_i_ing_eq(b, "Other")) {
        *aggregate = 1;
        code = cm_i_ing_country(g, "Other countries");
        return code != NULL ? code : "OTH";
    }
    code = cm_i_ing_country(g, b);
    if (code == NULL) {
        /* qualifiers: "Brazil (beneficiated)", "Argentina, crude ore" */
        char *cut = strstr(b, " (");
        char *comma = strstr(b, ", ");
        if (cut != NULL) {
            *cut = '\0';
        }
        code = cm_i_ing_country(g, b);
        if (code == NULL && comma != NULL && (cut == NULL || comma < cut)) {
            *comma = '\0';
            code = cm_i_ing_country(g, b);
        }
        if (code == NULL) {
            strip_digits(b);
            code = cm_i_ing_country(g, b);
        }
    }
    if (code == NULL) {
        size_t n = strlen(b);
        if (n > 3 && b[n - 1] == 'e') {
            b[n - 1] = '\0';
            code = cm_i_ing_country(g, b);
            *est = code != NULL;
        }
    }
    return code;
}

static const char *stage_of_type(const char *type)
{
    char low[256];
    size_t i;
    for (i = 0; type[i] != '\0' && i + 1 < sizeof low; i++) {
        char ch = type[i];
        low[i] = (char)((ch >= 'A' && ch <= 'Z') ? ch - 'A' + 'a' : ch);
    }
    low[i] = '\0';
    if (strstr(low, "mine") != NULL || strstr(low, "mne ") != NULL) {
        return "extraction";
    }
    if (strstr(low, "refin") != NULL || strstr(low, "smelter") != NULL ||
        strstr(low, "plant") != NULL || strstr(low, "pig iron") != NULL ||
        strstr(low, "steel") != NULL || strstr(low, "sponge") != NULL) {
        return "processing";
    }
    return NULL;
}

/* A value cell: numbers with thousands separators, W, NA, XX, <x, >x, Large, "Included
 * with ...", "Less than ½ unit.", an 'e' glued before the number. */
static cm_error_t usgs_cell(cm_i_ing_t *g, const cm_csv_row_t *row, size_t col, cm_num_t *n,
                            const char **flag, cm_error_info_t *err)
{
    char b[128];
    cm_error_t rc = CM_OK;
    cm_i_ing_clean(b, sizeof b, cm_i_ing_field(row, col));
    memset(n, 0, sizeof *n);
    n->value = NAN;
    *flag = NULL;
    if (b[0] == '\0') {
        n->flags = CM_NUMF_EMPTY;
        return CM_OK;
    }
    if (strcmp(b, "XX") == 0) {
        *flag = "XX";
    } else if (cm_i_ing_prefix(b, "Included ")) {
        *flag = "included";
    } else if (cm_i_ing_prefix(b, "Less than ")) {
        n->value = 0.5;
        *flag = "<";
    } else if (strstr(b, "arge") != NULL && strspn(b, "0123456789") == 0) {
        *flag = "Large";
    } else if (cm_i_ing_eq(b, "Very small") || cm_i_ing_eq(b, "Small")) {
        *flag = "Small";
    }
    if (*flag != NULL) {
        n->flags = CM_NUMF_TEXT;
        return cm_i_ing_quirk(g, "flag", *flag, 1, err);
    }
    if (b[0] == 'e' && b[1] >= '0' && b[1] <= '9') {
        CM_TRY(cm_i_ing_number_text(g, row, col, b + 1, CM_NUMF_LESS_THAN | CM_NUMF_GREATER_THAN,
                                    1, n, err));
        *flag = "e";
        return cm_i_ing_quirk(g, "flag", "e", 1, err);
    }
    CM_TRY(cm_i_ing_number(g, row, col,
                           CM_NUMF_WITHHELD | CM_NUMF_NA | CM_NUMF_LESS_THAN |
                               CM_NUMF_GREATER_THAN | CM_NUMF_TEXT | CM_NUMF_ESTIMATED,
                           1, n, err));
    *flag = cm_i_ing_flag(n);
cleanup:
    return rc;
}

static cm_error_t usgs_row(cm_i_ing_t *g, const cm_csv_row_t *row, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    usgs_state_t *s = g->state;
    cm_num_t num[MAXVAL];
    const char *flags[MAXVAL];
    char country[160], type[256];
    const char *region = NULL;
    const char *stage = NULL;
    int aggregate = 0, est = 0, any = 0;
    cm_i_buf_t attrs = CM_I_BUF_INIT(8192);

    for (size_t i = 0; i < s->nval; i++) {
        CM_TRY(usgs_cell(g, row, s->val[i].col, &num[i], &flags[i], err));
        any |= (num[i].flags & CM_NUMF_EMPTY) == 0;
    }
    cm_i_ing_clean(country, sizeof country, cm_i_ing_field(row, s->country));
    cm_i_ing_clean(type, sizeof type,
                   s->type >= 0 ? cm_i_ing_field(row, (size_t)s->type) : "");
    if (!any) {
        CM_FAIL(cm_i_ing_quirk(g, "row-without-values", NULL, 1, err));
    }
    if (s->material == NULL) {
        CM_FAIL(cm_i_ing_keep_aside(g, row, "unknown-material", 0, s->abbr, err));
    }
    region = usgs_region(g, country, &aggregate, &est);
    if (region == NULL) {
        CM_FAIL(cm_i_ing_keep_aside(g, row, "unknown-country", s->country, country, err));
    }
    if (aggregate) {
        CM_TRY(cm_i_ing_quirk(g, "aggregate-row", NULL, 1, err));
    }
    if (est) {
        CM_TRY(cm_i_ing_quirk(g, "footnote-e-in-name", NULL, 1, err));
    }
    stage = stage_of_type(type);
    for (size_t i = 0; i < s->nval; i++) {
        const usgs_col_t *c = &s->val[i];
        cm_obs_t o;
        if ((num[i].flags & CM_NUMF_EMPTY) != 0) {
            continue;
        }
        cm_i_buf_reset(&attrs);
        CM_TRY(cm_i_buf_puts(&attrs, "{\"country\":"));
        CM_TRY(cm_i_ing_json_str(&attrs, country));
        CM_TRY(cm_i_buf_puts(&attrs, ",\"type\":"));
        CM_TRY(cm_i_ing_json_str(&attrs, type));
        if (c->qualifier[0] != '\0') {
            CM_TRY(cm_i_buf_puts(&attrs, ",\"qualifier\":"));
            CM_TRY(cm_i_ing_json_str(&attrs, c->qualifier));
        }
        if (c->estimated) {
            CM_TRY(cm_i_buf_puts(&attrs, ",\"estimated\":true"));
        }
        if (c->note >= 0 && cm_i_ing_field(row, (size_t)c->note)[0] != '\0') {
            char note[1024];
            cm_i_ing_clean(note, sizeof note, cm_i_ing_field(row, (size_t)c->note));
            CM_TRY(cm_i_buf_puts(&attrs, ",\"note\":"));
            CM_TRY(cm_i_ing_json_str(&attrs, note));
        }
        CM_TRY(cm_i_buf_puts(&attrs, "}"));
        memset(&o, 0, sizeof o);
        o.variable = c->variable;
        o.region = region;
        o.material = s->material;
        o.stage = stage;
        o.period = c->year[0] != '\0' ? c->year : s->latest_year;
        o.value = num[i].value;
        o.unit = c->unit;
        o.flag = flags[i] != NULL ? flags[i] : (est ? "e" : NULL);
        o.attrs = attrs.data;
        o.line = row->line;
        CM_TRY(cm_i_ing_add(g, &o, err));
    }
cleanup:
    if ((rc == CM_ENOMEM || rc == CM_EOVERFLOW) && err != NULL && err->code == CM_OK) {
        cm_error_set(err, rc, "out of memory building attributes");
    }
    cm_i_buf_free(&attrs);
    return rc;
}

static int usgs_detect(size_t n, const char *const *f)
{
    int country = 0, value = 0;
    for (size_t i = 0; i < n; i++) {
        country |= cm_i_ing_eq(f[i], "Country");
        value |= cm_i_ing_prefix(f[i], "Prod_") || cm_i_ing_prefix(f[i], "Cap_");
    }
    return country && value;
}

const cm_i_importer_t cm_i_imp_usgs = {
    .kind = "usgs-mcs",
    .summary = "USGS Mineral Commodity Summaries world table (mcsYYYY-<abbr>_world.csv)",
    .name = "USGS Mineral Commodity Summaries world table",
    .publisher = "U.S. Geological Survey, National Minerals Information Center",
    .source = "Mineral Commodity Summaries data release (MCS 2024 doi:10.5066/P144BA54; MCS 2023 "
              "doi:10.5066/P9WCYUI6), via github.com/Redliana/cmm-data "
              "(commit 99a987b1c9a8b5f18be6b675ef905c769b922491)",
    .licence = "U.S. public domain",
    .version = "MCS",
    .separator = ',',
    .unnamed_data_ok = 1,
    .state_size = sizeof(usgs_state_t),
    .prepare = usgs_prepare,
    .header = usgs_header,
    .row = usgs_row,
    .detect = usgs_detect,
};

/* The criticality what-if (cm_crit_whatif.h): a hand-made store with SR worked out by hand
 * before and after a cut; invariants (a country that supplies nothing changes nothing, shares
 * keep their sum, a sole supplier cut entirely, every contract field present); the bundled
 * Belgian data against a recomputation through the crit API with edited inputs; every error;
 * allocation failures. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cambium/cambium.h"
#include "cm_test.h"

static cm_error_info_t err;

/* --- a hand-made store ---------------------------------------------------------------- */

static void write_import(cm_store_t *s, const char *kind, const char *name, const char *text)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", cm_test_tmpdir(), name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    cm_import_report_t r;
    memset(&r, 0, sizeof r);
    CHECK_OK(cm_import_file(s, kind, path, NULL, &r, &err), &err);
    cm_import_report_destroy(&r);
}

static void obs(cm_store_import_t *imp, const char *var, const char *partner, const char *product,
                const char *period, double value, const char *unit)
{
    cm_obs_t o;
    memset(&o, 0, sizeof o);
    o.variable = var;
    o.region = "BEL";
    o.partner = partner;
    o.product = product;
    o.period = period;
    o.value = value;
    o.unit = unit;
    CHECK_OK(cm_store_import_add(imp, &o, &err), &err);
}

static cm_store_import_t *begin(cm_store_t *st, const char *kind)
{
    cm_provenance_t p;
    memset(&p, 0, sizeof p);
    p.kind = kind;
    p.name = kind;
    cm_store_import_t *imp = NULL;
    CHECK_OK(cm_store_import_begin(st, &p, &imp, &err), &err);
    return imp;
}

/* Scaled WGI 2*(2.5 - mean): COD 8.0, AUS 2.4, FIN 2.0, CHN 5.6. */
static const double W_COD = 8.0, W_AUS = 2.4, W_FIN = 2.0, W_CHN = 5.6;

enum { L_EU = 1, L_WGI = 2, L_FLOWS = 4, L_VA = 8, L_ALL = 15 };

/* Cobalt: E global COD 70 % AUS 30 %, EU sourcing COD 50 % FIN 50 %, IR_E 0.8; P global and
 * EU FIN 50 % AUS 50 %, IR_P 0.1; EoL-RIR 0.1, SI_SR 0.95, SI_EI 0.97; end uses C27 50 %
 * (100), C24 40 % (200), Other 10 %. Gallium: China the sole supplier everywhere. Belgium:
 * cobalt ore from COD 60 t and AUS 40 t; value added D27 100, D24B 200, D21 400, D10T12 300
 * MUSD. \p level: what is imported (bits L_*). */
static cm_store_t *make_store(const char *name, int level)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.db", cm_test_tmpdir(), name);
    remove(path);
    cm_store_t *st = NULL;
    CHECK_OK(cm_store_open(path, CM_STORE_CREATE, &st, &err), &err);
    if (level & L_EU) {
        write_import(st, "eu-crm-supply", "fact_GlobalSupplyShares_t.csv",
                     "Material,Stage,Country,Share,t\n"
                     "Cobalt,E,COD,70%,1.0\n"
                     "Cobalt,E,Australia,30%,1.0\n"
                     "Cobalt,P,Finland,50%,1.0\n"
                     "Cobalt,P,Australia,50%,1.0\n"
                     "Gallium,E,China,100%,1.0\n"
                     "Gallium,P,China,100%,1.0\n");
        write_import(st, "eu-crm-supply", "fact_EUSupplyShares_t.csv",
                     "Material,Stage,Country,Share,t\n"
                     "Cobalt,E,COD,50%,1.0\n"
                     "Cobalt,E,Finland,50%,1.0\n"
                     "Cobalt,P,Finland,50%,1.0\n"
                     "Cobalt,P,Australia,50%,1.0\n"
                     "Gallium,E,China,100%,1.0\n"
                     "Gallium,P,China,100%,1.0\n");
        write_import(st, "eu-crm-results", "eureport_results.csv",
                     "material_name,supply_risk,economic_importance,eu_used_stage,eu_stages,"
                     "eu_used_supply_primary,supply_risk_primary,eu_used_supply_refined,"
                     "supply_risk_refined,si_ei,si_sr,import_reliance_primary,"
                     "import_reliance_refined,end_of_life,source_name,publish_year,date_year\n"
                     "Cobalt,2.7,6.3,Extraction,E+P,GS+EU,2.7,GS+EU,0.9,0.97,0.95,80,10,10,"
                     "EUREPORT,2025,2025\n"
                     "Gallium,5.4,3.7,Processing,E+P,GS+EU,5.4,GS+EU,5.4,0.98,0.98,50,50,0,"
                     "EUREPORT,2025,2025\n");
        write_import(st, "eu-crm-use", "fact_MaterialUseShares.csv",
                     "Material,Application,Share,NACE sector,VA in million EUR\n"
                     "Cobalt,Batteries,50%,C27 - Manufacture of electrical equipment,100\n"
                     "Cobalt,Alloys,40%,C24 - Manufacture of basic metals,200\n"
                     "Cobalt,Other,10%,,\n"
                     "Gallium,Chips,100%,C26 - Manufacture of computer products,150\n");
    }
    if (level & L_WGI) {
        char wgi[8192];
        size_t len = (size_t)snprintf(wgi, sizeof wgi,
                                      "codeindyr,code,countryname,year,indicator,estimate,"
                                      "stddev,nsource,pctrank,pctranklower,pctrankupper\n");
        static const char *const ind[] = {"va", "pv", "ge", "rq", "rl", "cc"};
        static const struct {
            const char *code, *name, *mean;
        } c[] = {{"COD", "Congo", "-1.5"},
                 {"AUS", "Australia", "1.3"},
                 {"FIN", "Finland", "1.5"},
                 {"CHN", "China", "-0.3"}};
        for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
            for (int k = 0; k < 6; k++) {
                len += (size_t)snprintf(wgi + len, sizeof wgi - len,
                                        "%s%s2019,%s,%s,2019,%s,%s,0.2,8,40,30,50\n", c[i].code,
                                        ind[k], c[i].code, c[i].name, ind[k], c[i].mean);
            }
        }
        write_import(st, "wgi", "wgi.csv", wgi);
    }
    if (level & L_FLOWS) {
        cm_store_import_t *imp = begin(st, "baci");
        obs(imp, "import_value", "COD", "260500", "2024", 600, "USD");
        obs(imp, "import_quantity", "COD", "260500", "2024", 60, "t");
        obs(imp, "import_value", "AUS", "260500", "2024", 400, "USD");
        obs(imp, "import_quantity", "AUS", "260500", "2024", 40, "t");
        CHECK_OK(cm_store_import_commit(imp, &err), &err);
    }
    if (level & L_VA) {
        cm_store_import_t *imp = begin(st, "iot-oecd");
        obs(imp, "value_added", NULL, "D27", "2020", 100, "MUSD");
        obs(imp, "value_added", NULL, "D24B", "2020", 200, "MUSD");
        obs(imp, "value_added", NULL, "D21", "2020", 400, "MUSD");
        obs(imp, "value_added", NULL, "D10T12", "2020", 300, "MUSD");
        CHECK_OK(cm_store_import_commit(imp, &err), &err);
    }
    return st;
}

static json_t *ask(cm_store_t *st, const cm_crit_whatif_query_t *q)
{
    char *text = NULL;
    json_t *j = NULL;
    CHECK_OK(cm_crit_whatif_json(st, q, &text, &err), &err);
    assert_non_null(text);
    CHECK_OK(cm_json_load_buffer(text, strlen(text), "what-if", &j, &err), &err);
    cm_free(text);
    return j;
}

static double num(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    assert_true(json_is_number(v));
    return json_number_value(v);
}

/* Every field of docs/dashboard-contract.md section 3, with its type. */
static void check_contract(const json_t *a)
{
    assert_true(json_is_object(a));
    assert_true(json_is_string(json_object_get(a, "material")));
    assert_true(json_is_string(json_object_get(a, "country")));
    assert_true(json_is_number(json_object_get(a, "cut")));
    static const char *const st[] = {"before", "after"};
    for (int i = 0; i < 2; i++) {
        const json_t *o = json_object_get(a, st[i]);
        assert_true(json_is_object(o));
        static const char *const f[] = {"sr_eu", "sr_be", "critical_eu", "critical_be"};
        for (int k = 0; k < 4; k++) {
            const json_t *v = json_object_get(o, f[k]);
            assert_non_null(v);
            assert_true(k < 2 ? (json_is_number(v) || json_is_null(v))
                              : (json_is_boolean(v) || json_is_null(v)));
        }
    }
    assert_true(json_is_array(json_object_get(a, "newly_critical")));
    assert_true(json_is_array(json_object_get(a, "no_longer_critical")));
    const json_t *va = json_object_get(a, "be_value_added_exposed");
    assert_true(json_is_object(va));
    const json_t *v = json_object_get(va, "value");
    assert_true(json_is_number(v) || json_is_null(v));
    assert_string_equal(json_string_value(json_object_get(va, "unit")), "EUR million");
    const json_t *sectors = json_object_get(va, "sectors");
    assert_true(json_is_array(sectors));
    size_t i;
    const json_t *s;
    double sum = 0.0;
    json_array_foreach(sectors, i, s)
    {
        assert_true(json_is_string(json_object_get(s, "nace")));
        sum += num(s, "value");
    }
    if (json_is_number(v)) {
        ASSERT_NEAR(sum, json_number_value(v), 1e-12, 1e-9);
    }
    const json_t *notes = json_object_get(a, "notes");
    assert_true(json_is_array(notes) && json_array_size(notes) > 0);
    json_array_foreach(notes, i, s)
    {
        assert_true(json_is_string(s));
    }
}

static const json_t *change(const json_t *a, const char *stage, const char *scope)
{
    size_t i;
    const json_t *c;
    json_array_foreach(json_object_get(a, "changes"), i, c)
    {
        if (strcmp(json_string_value(json_object_get(c, "stage")), stage) == 0 &&
            strcmp(json_string_value(json_object_get(c, "scope")), scope) == 0) {
            return c;
        }
    }
    return NULL;
}

static int has_note(const json_t *a, const char *part)
{
    size_t i;
    const json_t *s;
    json_array_foreach(json_object_get(a, "notes"), i, s)
    {
        if (strstr(json_string_value(s), part) != NULL) {
            return 1;
        }
    }
    return 0;
}

/* SR of a GS+EU stage: [HHI_GS IR/2 + HHI_src (1 - IR/2)] (1 - EoL) SI_SR. */
static double sr_blend(double gs, double src, double ir)
{
    return (gs * ir / 2 + src * (1 - ir / 2)) * 0.9 * 0.95;
}

/* The hand-made case: COD's cobalt cut by half. */
static void test_hand_case(void **state)
{
    (void)state;
    cm_store_t *st = make_store("hand", L_ALL);
    cm_crit_whatif_query_t q;
    memset(&q, 0, sizeof q);
    q.material = "cobalt";
    q.country = "COD";
    q.cut = 0.5;
    q.sr_threshold = 2.0;
    json_t *a = ask(st, &q);
    check_contract(a);
    /* before: extraction dominates; processing = 1.1 x 0.855 */
    double gs = 0.49 * W_COD + 0.09 * W_AUS, eu = 0.25 * W_COD + 0.25 * W_FIN;
    double be = 0.36 * W_COD + 0.16 * W_AUS;
    /* after: COD 0.35 of 0.65 (global), 0.25 of 0.75 (EU), 0.3 of 0.7 (Belgium) */
    double gs2 = pow(0.35 / 0.65, 2) * W_COD + pow(0.30 / 0.65, 2) * W_AUS;
    double eu2 = pow(0.25 / 0.75, 2) * W_COD + pow(0.5 / 0.75, 2) * W_FIN;
    double be2 = pow(0.3 / 0.7, 2) * W_COD + pow(0.4 / 0.7, 2) * W_AUS;
    const json_t *b = json_object_get(a, "before"), *f = json_object_get(a, "after");
    ASSERT_NEAR(num(b, "sr_eu"), sr_blend(gs, eu, 0.8), 1e-12, 0);
    ASSERT_NEAR(num(b, "sr_be"), sr_blend(gs, be, 0.8), 1e-12, 0);
    ASSERT_NEAR(num(f, "sr_eu"), sr_blend(gs2, eu2, 0.8), 1e-12, 0);
    ASSERT_NEAR(num(f, "sr_be"), sr_blend(gs2, be2, 0.8), 1e-12, 0);
    ASSERT_NEAR(sr_blend(gs, eu, 0.8), 2.697012, 0, 1e-6); /* by hand on paper */
    ASSERT_NEAR(sr_blend(gs2, eu2, 0.8), 1.880123, 0, 1e-6);
    ASSERT_NEAR(sr_blend(gs2, be2, 0.8), 2.123944, 0, 1e-6);
    /* processing: FIN and AUS, untouched */
    const json_t *ps = json_object_get(f, "sr_stage_eu");
    ASSERT_NEAR(num(ps, "processing"),
                sr_blend(0.25 * W_FIN + 0.25 * W_AUS, 0.25 * W_FIN + 0.25 * W_AUS, 0.1), 1e-12, 0);
    /* EI unchanged: EU 10 (0.5 100 + 0.4 200)/200 0.97; Belgium scaled by C21 (400) */
    ASSERT_NEAR(num(b, "ei_eu"), 10 * 130.0 / 200 * 0.97, 1e-12, 0);
    ASSERT_NEAR(num(f, "ei_eu"), num(b, "ei_eu"), 0, 0);
    ASSERT_NEAR(num(b, "ei_be"), 10 * 130.0 / 400 * 0.97, 1e-12, 0);
    /* classes at SR 2.0: the EU drops out (2.7 -> 1.9), Belgium stays (3.1 -> 2.1) */
    assert_true(json_is_true(json_object_get(b, "critical_eu")));
    assert_true(json_is_false(json_object_get(f, "critical_eu")));
    assert_true(json_is_true(json_object_get(b, "critical_be")));
    assert_true(json_is_true(json_object_get(f, "critical_be")));
    const json_t *gone = json_object_get(a, "no_longer_critical");
    assert_int_equal(json_array_size(gone), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(gone, 0), "material")),
                        "cobalt");
    assert_string_equal(json_string_value(json_object_get(json_array_get(gone, 0), "variant")),
                        "eu");
    assert_int_equal(json_array_size(json_object_get(a, "newly_critical")), 0);
    /* what changed: extraction in the three scopes, nothing at processing */
    assert_int_equal(json_array_size(json_object_get(a, "changes")), 3);
    static const struct {
        const char *scope;
        double before, rest;
    } ch[] = {{"global", 0.7, 0.65}, {"eu_sourcing", 0.5, 0.75}, {"be_sourcing", 0.6, 0.7}};
    for (size_t i = 0; i < 3; i++) {
        const json_t *c = change(a, "extraction", ch[i].scope);
        assert_non_null(c);
        ASSERT_NEAR(num(c, "share_before"), ch[i].before, 1e-12, 0);
        ASSERT_NEAR(num(c, "share_after"), 0.5 * ch[i].before / ch[i].rest, 1e-12, 0);
        ASSERT_NEAR(num(c, "removed"), 0.5 * ch[i].before, 1e-12, 0);
        assert_true(json_is_false(json_object_get(c, "emptied")));
    }
    assert_null(change(a, "processing", "global"));
    assert_true(has_note(a, "COD's share cut by 50 % at stages: extraction"));
    /* value added of C24 (D24B) and C27 (D27), in EUR */
    const json_t *va = json_object_get(a, "be_value_added_exposed");
    ASSERT_NEAR(num(va, "value"), 300.0 / CM_NACE_USD_PER_EUR_2020, 1e-12, 0);
    ASSERT_NEAR(num(va, "weighted"), 130.0 / CM_NACE_USD_PER_EUR_2020, 1e-12, 0);
    ASSERT_NEAR(num(va, "unassigned_share"), 0.1, 1e-12, 0);
    const json_t *s0 = json_array_get(json_object_get(va, "sectors"), 0);
    assert_string_equal(json_string_value(json_object_get(s0, "nace")), "C24");
    ASSERT_NEAR(num(s0, "use_share"), 0.4, 1e-12, 0);
    /* aliases: "Co" and "Congo, D.R." ask the same question */
    q.material = "Co";
    q.country = "Congo, D.R.";
    json_t *a2 = ask(st, &q);
    assert_true(json_equal(a, a2));
    json_decref(a2);
    json_decref(a);
    cm_store_close(st);
}

/* Shares after the cut keep their sum; other countries are scaled alike; a non-supplier changes
 * nothing; a sole supplier cut entirely empties the supply. */
static void test_cut_shares(void **state)
{
    (void)state;
    cm_crit_inputs_t in;
    memset(&in, 0, sizeof in);
    size_t k = 0;
    CHECK_OK(cm_crit_inputs_add(&in, "x", NULL, &k, &err), &err);
    cm_crit_material_t *m = &in.materials[k];
    static const char *const c[] = {"CHN", "AUS", "COD", "CHN"};
    static const double sh[] = {0.4, 0.25, 0.15, 0.2}; /* CHN twice: 0.6 in all */
    for (int i = 0; i < 4; i++) {
        CHECK_OK(cm_crit_material_add_share(m, 0, CM_CRIT_GLOBAL, c[i], sh[i], 1, 0, &err), &err);
    }
    CHECK_OK(cm_crit_material_add_share(m, 1, CM_CRIT_GLOBAL, "AUS", 0.5, 1, 0, &err), &err);
    CHECK_OK(cm_crit_material_add_share(m, 1, CM_CRIT_GLOBAL, "FIN", 0.4, 1, 0, &err), &err);
    CHECK_OK(cm_crit_material_add_share(m, 1, CM_CRIT_SOURCING, "CHN", 1.0, 1, 0, &err), &err);
    cm_crit_whatif_cut_t r;
    const double cuts[] = {0.1, 0.5, 0.999, 1.0};
    for (size_t t = 0; t < 4; t++) {
        cm_crit_supply_t *s = &m->supply[0][CM_CRIT_GLOBAL];
        for (int i = 0; i < 4; i++) {
            s->items[i].share = sh[i];
        }
        CHECK_OK(cm_crit_whatif_cut(s, "CHN", cuts[t], &r, &err), &err);
        assert_true(r.supplies && !r.emptied);
        double sum = 0.0, chn = 0.0;
        for (size_t i = 0; i < s->n; i++) {
            sum += s->items[i].share;
            chn += strcmp(s->items[i].country, "CHN") == 0 ? s->items[i].share : 0.0;
        }
        ASSERT_NEAR(sum, 1.0, 1e-14, 0);
        ASSERT_NEAR(chn, r.share_after, 1e-14, 1e-16);
        ASSERT_NEAR(r.share_before, 0.6, 1e-14, 0);
        ASSERT_NEAR(r.removed, 0.6 * cuts[t], 1e-14, 0);
        ASSERT_NEAR(s->items[1].share / s->items[2].share, 0.25 / 0.15, 1e-12, 0);
        ASSERT_NEAR(r.factor, 1.0 / (1.0 - 0.6 * cuts[t]), 1e-12, 0);
    }
    /* a sum off 1 (0.9) is kept as it was */
    cm_crit_supply_t *p = &m->supply[1][CM_CRIT_GLOBAL];
    CHECK_OK(cm_crit_whatif_cut(p, "FIN", 0.5, &r, &err), &err);
    ASSERT_NEAR(p->items[0].share + p->items[1].share, 0.9, 1e-14, 0);
    ASSERT_NEAR(r.share_before, 0.4 / 0.9, 1e-14, 0);
    ASSERT_NEAR(r.share_after, 0.2 / 0.7, 1e-14, 0);
    /* not a supplier here: bit for bit unchanged */
    double before[2] = {p->items[0].share, p->items[1].share};
    CHECK_OK(cm_crit_whatif_cut(p, "COD", 1.0, &r, &err), &err);
    assert_false(r.supplies);
    assert_true(p->items[0].share == before[0] && p->items[1].share == before[1]);
    /* the sole supplier, cut entirely: nothing left */
    cm_crit_supply_t *src = &m->supply[1][CM_CRIT_SOURCING];
    CHECK_OK(cm_crit_whatif_cut(src, "CHN", 1.0, &r, &err), &err);
    assert_true(r.supplies && r.emptied);
    assert_int_equal(src->n, 0);
    ASSERT_NEAR(r.removed, 1.0, 0, 0);
    assert_true(isnan(r.factor));
    /* bad arguments */
    CHECK_ERROR(cm_crit_whatif_cut(p, "FIN", 0.0, &r, &err), CM_EINVAL);
    CHECK_ERROR(cm_crit_whatif_cut(p, "FIN", 1.5, &r, &err), CM_EINVAL);
    CHECK_ERROR(cm_crit_whatif_cut(p, "FIN", NAN, &r, &err), CM_EINVAL);
    CHECK_ERROR(cm_crit_whatif_cut(NULL, "FIN", 0.5, &r, &err), CM_EINVAL);
    CHECK_ERROR(cm_crit_whatif_cut(p, NULL, 0.5, &r, &err), CM_EINVAL);
    CHECK_ERROR(cm_crit_whatif_cut(p, "FIN", 0.5, NULL, &err), CM_EINVAL);
    cm_crit_inputs_destroy(&in);
}

/* Through the store: a country that supplies nothing; the sole supplier stopping entirely. */
static void test_invariants(void **state)
{
    (void)state;
    cm_store_t *st = make_store("inv", L_ALL);
    cm_crit_whatif_query_t q;
    memset(&q, 0, sizeof q);
    q.material = "cobalt";
    q.country = "CHN"; /* China supplies no cobalt in this store */
    q.cut = 1.0;
    json_t *a = ask(st, &q);
    check_contract(a);
    assert_true(json_equal(json_object_get(a, "before"), json_object_get(a, "after")));
    assert_int_equal(json_array_size(json_object_get(a, "changes")), 0);
    assert_int_equal(json_array_size(json_object_get(a, "newly_critical")), 0);
    assert_int_equal(json_array_size(json_object_get(a, "no_longer_critical")), 0);
    assert_true(has_note(a, "CHN supplies cobalt at no stage"));
    json_decref(a);
    /* China, gallium's sole supplier, stops: no supply left anywhere, SR not scored */
    q.material = "gallium";
    a = ask(st, &q);
    check_contract(a);
    const json_t *b = json_object_get(a, "before"), *f = json_object_get(a, "after");
    ASSERT_NEAR(num(b, "sr_eu"), W_CHN * 0.98, 1e-12, 0); /* HHI 5.6, EoL 0, SI_SR 0.98 */
    assert_true(json_is_null(json_object_get(f, "sr_eu")));
    assert_true(json_is_null(json_object_get(f, "sr_be")));
    assert_true(json_is_null(json_object_get(f, "critical_eu")));
    assert_true(json_is_null(json_object_get(f, "critical_be")));
    assert_int_equal(json_array_size(json_object_get(a, "no_longer_critical")), 0);
    assert_int_equal(json_array_size(json_object_get(a, "changes")), 6);
    size_t i;
    const json_t *c;
    json_array_foreach(json_object_get(a, "changes"), i, c)
    {
        assert_true(json_is_true(json_object_get(c, "emptied")));
        ASSERT_NEAR(num(c, "removed"), 1.0, 0, 0);
    }
    assert_true(has_note(a, "was the sole supplier"));
    /* gallium's C26 end use has no Belgian value added: all unassigned */
    const json_t *va = json_object_get(a, "be_value_added_exposed");
    ASSERT_NEAR(num(va, "value"), 0.0, 0, 0);
    ASSERT_NEAR(num(va, "unassigned_share"), 1.0, 0, 1e-12);
    json_decref(a);
    /* below 100 %, the sole supplier's share is renormalised back to the whole: SR unchanged */
    q.material = "gallium";
    q.cut = 0.5;
    a = ask(st, &q);
    ASSERT_NEAR(num(json_object_get(a, "after"), "sr_eu"),
                num(json_object_get(a, "before"), "sr_eu"), 1e-15, 0);
    ASSERT_NEAR(num(change(a, "processing", "global"), "share_after"), 1.0, 1e-15, 0);
    json_decref(a);
    q.cut = 1.0;
    /* COD stops entirely but AUS remains: a finite SR after, COD's share 0 */
    q.material = "cobalt";
    q.country = "COD";
    a = ask(st, &q);
    const json_t *g = change(a, "extraction", "global");
    ASSERT_NEAR(num(g, "share_after"), 0.0, 0, 0);
    ASSERT_NEAR(num(json_object_get(a, "after"), "sr_eu"), sr_blend(W_AUS, W_FIN, 0.8), 1e-12,
                0); /* AUS alone, FIN alone */
    json_decref(a);
    cm_store_close(st);
}

/* Every documented error. */
static void test_errors(void **state)
{
    (void)state;
    cm_store_t *st = make_store("err", L_ALL);
    cm_crit_whatif_query_t q;
    memset(&q, 0, sizeof q);
    q.material = "cobalt";
    q.country = "COD";
    q.cut = 0.5;
    char *text = (char *)"untouched";
    CHECK_ERROR(cm_crit_whatif_json(NULL, &q, &text, &err), CM_EINVAL);
    assert_null(text);
    CHECK_ERROR(cm_crit_whatif_json(st, NULL, &text, &err), CM_EINVAL);
    CHECK_ERROR(cm_crit_whatif_json(st, &q, NULL, &err), CM_EINVAL);
    const double bad_cuts[] = {0.0, -0.1, 1.0000001, NAN, INFINITY};
    for (size_t i = 0; i < sizeof bad_cuts / sizeof bad_cuts[0]; i++) {
        q.cut = bad_cuts[i];
        CHECK_ERROR(cm_crit_whatif_json(st, &q, &text, &err), CM_EINVAL);
        assert_non_null(strstr(err.message, "cut in (0, 1]"));
    }
    q.cut = 0.5;
    q.sr_threshold = NAN;
    CHECK_ERROR(cm_crit_whatif_json(st, &q, &text, &err), CM_EINVAL);
    q.sr_threshold = 0;
    q.wgi_fallback = 11;
    CHECK_ERROR(cm_crit_whatif_json(st, &q, &text, &err), CM_EINVAL);
    q.wgi_fallback = 0;
    q.material = "";
    CHECK_ERROR(cm_crit_whatif_json(st, &q, &text, &err), CM_EINVAL);
    q.material = "unobtainium";
    CHECK_ERROR(cm_crit_whatif_json(st, &q, &text, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "unknown material 'unobtainium'"));
    q.material = "lithium"; /* known to the classification, no inputs in this store */
    CHECK_ERROR(cm_crit_whatif_json(st, &q, &text, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "lithium"));
    q.material = "cobalt";
    q.country = NULL;
    CHECK_ERROR(cm_crit_whatif_json(st, &q, &text, &err), CM_EINVAL);
    q.country = "Atlantis";
    CHECK_ERROR(cm_crit_whatif_json(st, &q, &text, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "unknown country 'Atlantis'"));
    assert_null(text);
    cm_store_close(st);
    /* stores missing an import: CM_ENOTFOUND naming it */
    static const struct {
        int level;
        const char *says;
    } missing[] = {{0, "import eu-crm-results"},
                   {L_ALL & ~L_WGI, "import the WGI"},
                   {L_ALL & ~L_FLOWS, "no Belgian imports"},
                   {L_ALL & ~L_VA, "no Belgian value added"}};
    q.country = "COD";
    for (size_t i = 0; i < sizeof missing / sizeof missing[0]; i++) {
        char name[32];
        snprintf(name, sizeof name, "missing%zu", i);
        st = make_store(name, missing[i].level);
        cm_error_t rc = cm_crit_whatif_json(st, &q, &text, &err);
        cm_store_close(st);
        assert_int_equal(rc, CM_ENOTFOUND);
        if (strstr(err.message, missing[i].says) == NULL) {
            fail_msg("level %d: '%s' lacks '%s'", missing[i].level, err.message, missing[i].says);
        }
    }
}

/* Allocation failures anywhere (loading, classifications, JSON) leave nothing behind. */
static void test_oom(void **state)
{
    (void)state;
    cm_store_t *st = make_store("oom", L_ALL);
    cm_crit_whatif_query_t q;
    memset(&q, 0, sizeof q);
    q.material = "cobalt";
    q.country = "COD";
    q.cut = 0.5;
    int ok = 0;
    long n = 0;
    for (; n < 200000 && !ok; n++) {
        char *text = NULL;
        cm_test_fail_alloc_after(n);
        cm_error_t rc = cm_crit_whatif_json(st, &q, &text, &err);
        cm_test_fail_alloc_after(-1);
        if (rc == CM_OK) {
            ok = 1;
            assert_non_null(text);
            cm_free(text);
        } else {
            assert_true(rc == CM_ENOMEM || rc == CM_ESTORE);
            assert_null(text);
        }
    }
    assert_true(ok);
    assert_true(n > 10);
    print_message("what-if: %ld allocation points\n", n);
    /* aliases load the classifications (thousands of allocations, tested by their own
     * module): every point up to the first success above, then every 97th */
    q.material = "Co";
    q.country = "Congo, D.R.";
    ok = 0;
    for (n = 0; n < 200000 && !ok; n += n < 600 ? 1 : 97) {
        char *text = NULL;
        cm_test_fail_alloc_after(n);
        cm_error_t rc = cm_crit_whatif_json(st, &q, &text, &err);
        cm_test_fail_alloc_after(-1);
        ok = rc == CM_OK;
        assert_true(ok || rc == CM_ENOMEM || rc == CM_ESTORE);
        assert_true(ok == (text != NULL));
        cm_free(text);
    }
    assert_true(ok);
    cm_store_close(st);
}

/* The bundled Belgian data: cobalt, COD, 50 %, against the crit API with edited inputs. */
static void edit(cm_crit_supply_t *s, const char *country, double cut)
{
    double t = 0.0, c = 0.0;
    for (size_t i = 0; i < s->n; i++) {
        t += s->items[i].share;
        c += strcmp(s->items[i].country, country) == 0 ? s->items[i].share : 0.0;
    }
    for (size_t i = 0; i < s->n && c > 0.0; i++) {
        double v = s->items[i].share;
        if (strcmp(s->items[i].country, country) == 0) {
            v -= cut * v;
        }
        s->items[i].share = v * t / (t - cut * c);
    }
}

static void test_bundled(void **state)
{
    (void)state;
    char path[1024];
    snprintf(path, sizeof path, "%s/bundle.db", cm_test_tmpdir());
    remove(path);
    cm_store_t *st = NULL;
    CHECK_OK(cm_store_open(path, CM_STORE_CREATE, &st, &err), &err);
    CHECK_OK(cm_import_bundle(st, cm_test_source("data/belgium"), NULL, NULL, &err), &err);
    cm_crit_whatif_query_t q;
    memset(&q, 0, sizeof q);
    q.material = "cobalt";
    q.country = "COD";
    q.cut = 0.5;
    json_t *a = ask(st, &q);
    check_contract(a);

    /* the recomputation: crit eu's and crit be's options, COD's shares edited by hand */
    cm_crit_options_t opt, opt_be;
    cm_crit_options_default(&opt);
    opt.wgi_year = CM_CRIT_EU_WGI_YEAR;
    opt.ei_published_fallback = 1;
    cm_crit_inputs_t eu, be;
    cm_crit_be_report_t rep;
    cm_crit_wgi_t wgi;
    cm_crit_results_t re, rb;
    memset(&eu, 0, sizeof eu);
    memset(&be, 0, sizeof be);
    memset(&rep, 0, sizeof rep);
    memset(&wgi, 0, sizeof wgi);
    memset(&re, 0, sizeof re);
    memset(&rb, 0, sizeof rb);
    CHECK_OK(cm_crit_load_bound(st, NULL, NULL, &opt, &eu, &be, &rep, &wgi, &err), &err);
    opt_be = opt;
    opt_be.ei_published_fallback = 0;
    opt_be.va_max = rep.va_max;
    ptrdiff_t k = cm_crit_inputs_find(&eu, "cobalt");
    assert_true(k >= 0);
    CHECK_OK(cm_crit_compute(&eu, &wgi, &opt, &re, &err), &err);
    CHECK_OK(cm_crit_compute(&be, &wgi, &opt_be, &rb, &err), &err);
    const json_t *b = json_object_get(a, "before"), *f = json_object_get(a, "after");
    ASSERT_NEAR(num(b, "sr_eu"), re.items[k].sr, 1e-12, 0);
    ASSERT_NEAR(num(b, "sr_be"), rb.items[k].sr, 1e-12, 0);
    ASSERT_NEAR(num(b, "ei_be"), rb.items[k].ei, 1e-12, 0);
    ASSERT_NEAR(cm_crit_round1(re.items[k].sr), 2.8, 0, 1e-9); /* the published SR */
    for (int s = 0; s < CM_CRIT_NSTAGES; s++) {
        for (int c = 0; c < CM_CRIT_NSCOPES; c++) {
            edit(&eu.materials[k].supply[s][c], "COD", 0.5);
            edit(&be.materials[k].supply[s][c], "COD", 0.5);
        }
    }
    CHECK_OK(cm_crit_compute(&eu, &wgi, &opt, &re, &err), &err);
    CHECK_OK(cm_crit_compute(&be, &wgi, &opt_be, &rb, &err), &err);
    ASSERT_NEAR(num(f, "sr_eu"), re.items[k].sr, 1e-12, 0);
    ASSERT_NEAR(num(f, "sr_be"), rb.items[k].sr, 1e-12, 0);
    assert_true(num(f, "sr_eu") < num(b, "sr_eu")); /* DR Congo's dominance halved */
    assert_true(json_is_boolean(json_object_get(f, "critical_eu")));
    assert_true(json_equal(json_object_get(f, "critical_eu"),
                           re.items[k].critical ? json_true() : json_false()));
    const json_t *g = change(a, "extraction", "global");
    assert_non_null(g);
    ASSERT_NEAR(num(g, "removed"), 0.5 * num(g, "share_before"), 1e-12, 0);

    /* the value added exposed equals cambium supply's (an independent code path) */
    cm_supply_options_t so;
    cm_supply_options_default(&so);
    cm_supply_map_t map;
    memset(&map, 0, sizeof map);
    CHECK_OK(cm_supply_map_build(st, "cobalt", &so, &map, &err), &err);
    const json_t *va = json_object_get(a, "be_value_added_exposed");
    ASSERT_NEAR(num(va, "value"), map.va_exposed_meur, 1e-9, 0);
    ASSERT_NEAR(num(va, "weighted"), map.va_weighted_meur, 1e-9, 0);
    assert_true(json_array_size(json_object_get(va, "sectors")) >= 2);

    cm_supply_map_destroy(&map);
    cm_crit_results_destroy(&re);
    cm_crit_results_destroy(&rb);
    cm_crit_wgi_destroy(&wgi);
    cm_crit_be_report_destroy(&rep);
    cm_crit_inputs_destroy(&eu);
    cm_crit_inputs_destroy(&be);
    json_decref(a);
    cm_store_close(st);
}

/* One loaded context answers successive different queries (the same material twice, a sole
 * supplier emptied, thresholds, aliases) exactly as fresh cm_crit_whatif_json calls: the cut
 * works on copies and leaves the loaded inputs as they were. */
static void test_context(void **state)
{
    (void)state;
    cm_store_t *st = make_store("ctx", L_ALL);
    cm_crit_whatif_ctx_t *ctx = NULL;
    CHECK_OK(cm_crit_whatif_load(st, 0, 0.0, &ctx, &err), &err);
    assert_non_null(ctx);
    static const struct {
        const char *material, *country;
        double cut, sr, ei;
    } qs[] = {{"cobalt", "COD", 0.5, 0, 0},   {"cobalt", "COD", 1.0, 0, 0},
              {"gallium", "CHN", 1.0, 0, 0},  {"gallium", "CHN", 0.25, 0, 0},
              {"cobalt", "AUS", 0.3, 0.5, 1}, {"Co", "Congo, D.R.", 0.5, 0, 0},
              {"cobalt", "CHN", 1.0, 0, 0},   {"cobalt", "COD", 0.5, 0, 0}};
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
        cm_crit_whatif_query_t q;
        memset(&q, 0, sizeof q);
        q.material = qs[i].material;
        q.country = qs[i].country;
        q.cut = qs[i].cut;
        q.sr_threshold = qs[i].sr;
        q.ei_threshold = qs[i].ei;
        char *a = NULL, *b = NULL;
        CHECK_OK(cm_crit_whatif_compute(ctx, &q, &a, &err), &err);
        CHECK_OK(cm_crit_whatif_json(st, &q, &b, &err), &err);
        assert_string_equal(a, b);
        cm_free(a);
        cm_free(b);
    }
    /* errors: NULL arguments, a query with another WGI setting than the load's */
    cm_crit_whatif_query_t q;
    memset(&q, 0, sizeof q);
    q.material = "cobalt";
    q.country = "COD";
    q.cut = 0.5;
    char *text = NULL;
    CHECK_ERROR(cm_crit_whatif_compute(NULL, &q, &text, &err), CM_EINVAL);
    CHECK_ERROR(cm_crit_whatif_compute(ctx, NULL, &text, &err), CM_EINVAL);
    CHECK_ERROR(cm_crit_whatif_compute(ctx, &q, NULL, &err), CM_EINVAL);
    q.wgi_fallback = 5.0;
    CHECK_ERROR(cm_crit_whatif_compute(ctx, &q, &text, &err), CM_EINVAL);
    assert_null(text);
    q.wgi_fallback = 0.0;
    /* allocation failures in the compute leave the context intact */
    int ok = 0;
    for (long n = 0; n < 100000 && !ok; n++) {
        cm_test_fail_alloc_after(n);
        cm_error_t rc = cm_crit_whatif_compute(ctx, &q, &text, &err);
        cm_test_fail_alloc_after(-1);
        ok = rc == CM_OK;
        assert_true(ok || rc == CM_ENOMEM);
        assert_true(ok == (text != NULL));
        cm_free(text);
        text = NULL;
    }
    assert_true(ok);
    char *fresh = NULL;
    CHECK_OK(cm_crit_whatif_compute(ctx, &q, &text, &err), &err);
    CHECK_OK(cm_crit_whatif_json(st, &q, &fresh, &err), &err);
    assert_string_equal(text, fresh);
    cm_free(text);
    cm_free(fresh);
    cm_crit_whatif_free(ctx);
    cm_crit_whatif_free(NULL);
    CHECK_ERROR(cm_crit_whatif_load(NULL, 0, 0.0, &ctx, &err), CM_EINVAL);
    CHECK_ERROR(cm_crit_whatif_load(st, 0, 11.0, &ctx, &err), CM_EINVAL);
    assert_null(ctx);
    cm_store_close(st);
    /* a store without the inputs: the load fails as cm_crit_whatif_json does */
    st = make_store("ctx-empty", 0);
    cm_error_info_t e2;
    memset(&e2, 0, sizeof e2);
    CHECK_ERROR(cm_crit_whatif_load(st, 0, 0.0, &ctx, &err), CM_ENOTFOUND);
    assert_null(ctx);
    CHECK_ERROR(cm_crit_whatif_json(st, &q, &text, &e2), CM_ENOTFOUND);
    assert_string_equal(err.message, e2.message);
    cm_store_close(st);
}

int main(void)
{
    cm_json_init();
    const struct CMUnitTest tests[] = {
        CM_TEST(test_hand_case), CM_TEST(test_cut_shares), CM_TEST(test_invariants),
        CM_TEST(test_errors),    CM_TEST(test_oom),        CM_TEST(test_bundled),
        CM_TEST(test_context),
    };
    return CM_RUN_TESTS(tests);
}

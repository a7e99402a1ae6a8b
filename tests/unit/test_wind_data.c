/* The curated wind-fleet data in data/wind: every figure is sourced or noted, sources resolve
 * to data/wind/SOURCES.md, ranges hold, compositions sum to one, the onshore arithmetic is
 * consistent with the capacity and offshore files, and the findings (PM direct drive
 * needs more rare earths, direct drive more copper per MW than geared DFIG) hold as data
 * properties. The checkers are also run on a deliberately broken file to show they bite. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cm_test.h"
#include "cambium/cm_csv.h"

#define WIND_DIR "data/wind/"
#define YEAR_MIN 1990
#define YEAR_MAX 2025

static const char *const DRIVETRAINS[] = {"geared_dfig", "geared_pmsg_medium_speed",
                                          "direct_drive_pmsg", "direct_drive_eesg"};
static const char *const REE[] = {"Nd", "Pr", "Dy", "Tb"};

static char sources_md[1 << 16];

static void load_table(cm_table_t *t, const char *rel)
{
    cm_error_info_t err;
    cm_error_clear(&err);
    CHECK_OK(cm_table_read(t, cm_test_source(rel), NULL, 1, &err), &err);
}

static size_t col(const cm_table_t *t, const char *name)
{
    cm_int_t c = cm_table_col(t, name);
    if (c < 0) {
        fail_msg("%s: no column '%s'", t->name, name);
    }
    return (size_t)c;
}

/* The numeric value of a cell; fails the test on an empty or non-numeric cell. */
static double num(const cm_table_t *t, size_t r, size_t c)
{
    cm_num_options_t o = {0, 0, 0};
    cm_num_t n;
    cm_error_info_t err;
    cm_error_clear(&err);
    const char *s = cm_table_cell(t, r, c);
    if (cm_num_parse(s, &o, &n, &err) != CM_OK || !cm_num_has_value(&n)) {
        fail_msg("%s line %lld column %s: expected a number, got '%s'", t->name,
                 (long long)t->line[r], t->header[c], s);
    }
    return n.value;
}

/* A valid site of an intensity row: all, onshore, offshore, or empty (= all). */
static int is_site(const char *s)
{
    return s[0] == '\0' || strcmp(s, "all") == 0 || strcmp(s, "onshore") == 0 ||
           strcmp(s, "offshore") == 0;
}

/* Does a row of site \p row_site apply to cohorts installed at \p site? */
static int site_applies(const char *row_site, const char *site)
{
    return row_site[0] == '\0' || strcmp(row_site, "all") == 0 || strcmp(row_site, site) == 0;
}

static int is_drivetrain(const char *s)
{
    for (size_t i = 0; i < sizeof DRIVETRAINS / sizeof *DRIVETRAINS; i++) {
        if (strcmp(s, DRIVETRAINS[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

static void load_sources(void)
{
    FILE *f = fopen(cm_test_source(WIND_DIR "SOURCES.md"), "rb");
    assert_non_null(f);
    size_t n = fread(sources_md, 1, sizeof sources_md - 1, f);
    assert_int_equal(ferror(f), 0);
    assert_true(n < sizeof sources_md - 1); /* read completely */
    sources_md[n] = '\0';
    fclose(f);
}

/* Number of source ids in \p ids (';'-separated; each id ends at a blank or '(') that are not
 * defined in SOURCES.md as `ID`. Empty text counts as 0 ids found, returned through *nids. */
static int undefined_ids(const char *ids, int *nids)
{
    char buf[512];
    int bad = 0;
    *nids = 0;
    snprintf(buf, sizeof buf, "%s", ids);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ";", &save); tok != NULL; tok = strtok_r(NULL, ";", &save)) {
        while (*tok == ' ') {
            tok++;
        }
        size_t len = strcspn(tok, " (");
        if (len == 0) {
            continue;
        }
        char key[128];
        snprintf(key, sizeof key, "`%.*s`", (int)len, tok);
        (*nids)++;
        if (strstr(sources_md, key) == NULL) {
            print_error("source id %s is not defined in SOURCES.md\n", key);
            bad++;
        }
    }
    return bad;
}

/* Rows of \p rel that have neither a resolvable source nor a note. */
static int unsourced_rows(const char *rel, const char *source_col)
{
    cm_table_t t = CM_TABLE_NULL;
    load_table(&t, rel);
    size_t cs = col(&t, source_col), cn = col(&t, "note");
    int bad = 0;
    for (size_t r = 0; r < t.nrows; r++) {
        int nids = 0;
        bad += undefined_ids(cm_table_cell(&t, r, cs), &nids);
        if (nids == 0 && cm_table_cell(&t, r, cn)[0] == '\0') {
            print_error("%s line %lld: no source and no note\n", rel, (long long)t.line[r]);
            bad++;
        }
    }
    cm_table_destroy(&t);
    return bad;
}

static void test_every_row_sourced(void **state)
{
    (void)state;
    load_sources();
    static const char *const files[][2] = {
        {WIND_DIR "offshore_farms.csv", "source"},
        {WIND_DIR "offshore_farms.csv", "source_model"},
        {WIND_DIR "capacity_total.csv", "source_id"},
        {WIND_DIR "onshore_additions.csv", "source_id"},
        {WIND_DIR "onshore_drivetrain_split.csv", "source_id"},
        {WIND_DIR "intensities.csv", "source_id"},
        {WIND_DIR "materials_elements.csv", "source_id"},
        {WIND_DIR "elma_crosscheck.csv", "source_id"},
        {WIND_DIR "lifetimes.csv", "source_id"},
        {WIND_DIR "recovery.csv", "source_id"},
    };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        assert_int_equal(unsourced_rows(files[i][0], files[i][1]), 0);
    }
}

/* Intensity rows violating low <= kg_per_mw <= high, negative values, unknown drivetrains or
 * sites, or bad cohorts. The site column is optional (absent: every row applies to all). */
static int bad_intensity_rows(const char *path_abs)
{
    cm_table_t t = CM_TABLE_NULL;
    cm_error_info_t err;
    cm_error_clear(&err);
    CHECK_OK(cm_table_read(&t, path_abs, NULL, 1, &err), &err);
    size_t cd = col(&t, "drivetrain"), ck = col(&t, "kg_per_mw"), cl = col(&t, "low"),
           ch = col(&t, "high"), cf = col(&t, "cohort_from"), ct = col(&t, "cohort_to");
    cm_int_t cs = cm_table_col(&t, "site");
    int bad = 0;
    for (size_t r = 0; r < t.nrows; r++) {
        double k = num(&t, r, ck), lo = num(&t, r, cl), hi = num(&t, r, ch);
        double cfrom = num(&t, r, cf), cto = num(&t, r, ct);
        const char *site = cs >= 0 ? cm_table_cell(&t, r, (size_t)cs) : "";
        if (!(lo >= 0 && lo <= k && k <= hi) || !is_drivetrain(cm_table_cell(&t, r, cd)) ||
            !(cfrom >= YEAR_MIN && cfrom <= cto && cto <= 2050) || !is_site(site)) {
            print_error("%s line %lld: bad intensity row\n", t.name, (long long)t.line[r]);
            bad++;
        }
    }
    cm_table_destroy(&t);
    return bad;
}

/* Pairs of rows of the same drivetrain, component and material that apply to a common site and
 * cohort (a row of site all overlaps every site): each key is given once per site and cohort. */
static int overlapping_rows(const char *path_abs)
{
    cm_table_t t = CM_TABLE_NULL;
    cm_error_info_t err;
    cm_error_clear(&err);
    CHECK_OK(cm_table_read(&t, path_abs, NULL, 1, &err), &err);
    size_t cd = col(&t, "drivetrain"), cc = col(&t, "component"), cm = col(&t, "material"),
           cs = col(&t, "site"), cf = col(&t, "cohort_from"), ct = col(&t, "cohort_to");
    int bad = 0;
    for (size_t a = 0; a < t.nrows; a++) {
        for (size_t b = a + 1; b < t.nrows; b++) {
            int same = 1;
            for (size_t j = 0; j < 3; j++) {
                size_t c = j == 0 ? cd : j == 1 ? cc : cm;
                same &= strcmp(cm_table_cell(&t, a, c), cm_table_cell(&t, b, c)) == 0;
            }
            const char *sa = cm_table_cell(&t, a, cs), *sb = cm_table_cell(&t, b, cs);
            int sites = site_applies(sa, "onshore") && site_applies(sb, "onshore");
            sites |= site_applies(sa, "offshore") && site_applies(sb, "offshore");
            double lo = fmax(num(&t, a, cf), num(&t, b, cf));
            double hi = fmin(num(&t, a, ct), num(&t, b, ct));
            if (same && sites && lo <= hi) {
                print_error("%s lines %lld and %lld overlap\n", t.name, (long long)t.line[a],
                            (long long)t.line[b]);
                bad++;
            }
        }
    }
    cm_table_destroy(&t);
    return bad;
}

static void test_intensities_within_range(void **state)
{
    (void)state;
    assert_int_equal(bad_intensity_rows(cm_test_source(WIND_DIR "intensities.csv")), 0);
    assert_int_equal(overlapping_rows(cm_test_source(WIND_DIR "intensities.csv")), 0);
}

static void test_checker_catches_out_of_range(void **state)
{
    (void)state;
    char path[4200];
    snprintf(path, sizeof path, "%s/bad_intensities.csv", cm_test_tmpdir());
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs("drivetrain,component,material,site,kg_per_mw,low,high,cohort_from,cohort_to,source_id,"
          "note\n"
          "geared_dfig,all,copper,all,1350,800,1900,1990,2050,METHODS_C2,\n"
          "geared_dfig,all,copper,,2000,800,1900,1990,2050,METHODS_C2,\n"
          "hybrid,all,copper,onshore,1000,800,1900,1990,2050,METHODS_C2,\n"
          "geared_dfig,all,steel,offshore,1,0,2,2030,2020,METHODS_C2,\n"
          "geared_dfig,all,steel,seabed,1,0,2,2020,2030,METHODS_C2,\n"
          "geared_dfig,all,concrete,offshore,0,0,0,1990,2007,METHODS_C2,\n"
          "geared_dfig,all,concrete,offshore,1,0,2,2007,2008,METHODS_C2,\n"
          "geared_dfig,all,concrete,all,1,0,2,2008,2008,METHODS_C2,\n",
          f);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(bad_intensity_rows(path), 4);
    /* overlaps: the copper rows (sites all and empty), offshore concrete 1990-2007 against
     * 2007-2008, and offshore concrete 2007-2008 against all 2008 */
    assert_int_equal(overlapping_rows(path), 3);
    remove(path);
}

/* Mass fraction of \p element in \p material (0 when absent). */
static double fraction(const cm_table_t *me, const char *material, const char *element)
{
    size_t cm = col(me, "material"), ce = col(me, "element"), cf = col(me, "mass_fraction");
    for (size_t r = 0; r < me->nrows; r++) {
        if (strcmp(cm_table_cell(me, r, cm), material) == 0 &&
            strcmp(cm_table_cell(me, r, ce), element) == 0) {
            return num(me, r, cf);
        }
    }
    return 0.0;
}

static void test_element_fractions(void **state)
{
    (void)state;
    cm_table_t me = CM_TABLE_NULL, in = CM_TABLE_NULL;
    load_table(&me, WIND_DIR "materials_elements.csv");
    load_table(&in, WIND_DIR "intensities.csv");
    size_t cm = col(&me, "material"), cf = col(&me, "mass_fraction"), cl = col(&me, "low"),
           ch = col(&me, "high");
    for (size_t r = 0; r < me.nrows; r++) {
        double w = num(&me, r, cf);
        assert_true(num(&me, r, cl) <= w && w <= num(&me, r, ch));
        assert_true(w >= 0.0 && w <= 1.0);
    }
    /* Every material of the intensities has a composition summing to 1 within 0.02. */
    size_t cim = col(&in, "material");
    for (size_t r = 0; r < in.nrows; r++) {
        const char *mat = cm_table_cell(&in, r, cim);
        double sum = 0.0;
        int n = 0;
        for (size_t q = 0; q < me.nrows; q++) {
            if (strcmp(cm_table_cell(&me, q, cm), mat) == 0) {
                sum += num(&me, q, cf);
                n++;
            }
        }
        if (n == 0) {
            fail_msg("material '%s' of intensities.csv has no composition", mat);
        }
        ASSERT_NEAR(sum, 1.0, 0.0, 0.02);
    }
    /* The NdFeB composition gives back the METHODS C.2 DD-PMSG rare earths (kg/MW). */
    size_t cd = col(&in, "drivetrain"), ck = col(&in, "kg_per_mw");
    static const double expect[] = {180.0, 35.0, 17.0, 7.0};
    for (size_t r = 0; r < in.nrows; r++) {
        if (strcmp(cm_table_cell(&in, r, cd), "direct_drive_pmsg") == 0 &&
            strcmp(cm_table_cell(&in, r, cim), "ndfeb") == 0) {
            for (size_t e = 0; e < 4; e++) {
                ASSERT_NEAR(num(&in, r, ck) * fraction(&me, "ndfeb", REE[e]), expect[e], 0.01,
                            0.05);
            }
        }
    }
    cm_table_destroy(&me);
    cm_table_destroy(&in);
}

/* Sum over components of an element (element != NULL: via the compositions) or a material in
 * kg/MW for one drivetrain installed at \p site in \p cohort; \p which selects the kg_per_mw,
 * low or high column. */
static double per_mw_at(const cm_table_t *in, const cm_table_t *me, const char *drivetrain,
                        const char *site, double cohort, const char *material,
                        const char *element, const char *which)
{
    size_t cd = col(in, "drivetrain"), cm = col(in, "material"), ck = col(in, which);
    size_t cs = col(in, "site"), cf = col(in, "cohort_from"), ct = col(in, "cohort_to");
    double s = 0.0;
    for (size_t r = 0; r < in->nrows; r++) {
        if (strcmp(cm_table_cell(in, r, cd), drivetrain) != 0 ||
            !site_applies(cm_table_cell(in, r, cs), site) || cohort < num(in, r, cf) ||
            cohort > num(in, r, ct)) {
            continue;
        }
        const char *mat = cm_table_cell(in, r, cm);
        if (element != NULL) {
            s += num(in, r, ck) * fraction(me, mat, element);
        } else if (strcmp(mat, material) == 0) {
            s += num(in, r, ck);
        }
    }
    return s;
}

/* As per_mw_at for an onshore turbine of the 2021 cohort (the cohort of the findings). */
static double per_mw(const cm_table_t *in, const cm_table_t *me, const char *drivetrain,
                     const char *material, const char *element, const char *which)
{
    return per_mw_at(in, me, drivetrain, "onshore", 2021, material, element, which);
}

static double ree_per_mw(const cm_table_t *in, const cm_table_t *me, const char *d,
                         const char *which)
{
    double s = 0.0;
    for (size_t e = 0; e < 4; e++) {
        s += per_mw(in, me, d, NULL, REE[e], which);
    }
    return s;
}

static void test_findings_as_data(void **state)
{
    (void)state;
    cm_table_t me = CM_TABLE_NULL, in = CM_TABLE_NULL;
    load_table(&me, WIND_DIR "materials_elements.csv");
    load_table(&in, WIND_DIR "intensities.csv");
    /* Rare earths: PM direct drive above geared DFIG, even low end against high end. */
    double ree_dd = ree_per_mw(&in, &me, "direct_drive_pmsg", "kg_per_mw");
    double ree_dfig = ree_per_mw(&in, &me, "geared_dfig", "kg_per_mw");
    assert_true(ree_dd > 5.0 * ree_dfig);
    assert_true(ree_per_mw(&in, &me, "direct_drive_pmsg", "low") >
                ree_per_mw(&in, &me, "geared_dfig", "high"));
    assert_true(ree_per_mw(&in, &me, "direct_drive_eesg", "kg_per_mw") < ree_dfig + 1e-9);
    /* Copper: both direct drives above geared DFIG, ranges not overlapping. */
    double cu_dfig_hi = per_mw(&in, &me, "geared_dfig", "copper", NULL, "high");
    double cu_dfig = per_mw(&in, &me, "geared_dfig", "copper", NULL, "kg_per_mw");
    assert_true(cu_dfig > 0.0);
    assert_true(per_mw(&in, &me, "direct_drive_pmsg", "copper", NULL, "low") > cu_dfig_hi);
    assert_true(per_mw(&in, &me, "direct_drive_eesg", "copper", NULL, "low") > cu_dfig_hi);
    /* Every drivetrain carries the bulk materials of every layer used later. */
    static const char *const mats[] = {"steel", "cast_iron", "copper", "aluminium", "composites",
                                       "concrete"};
    for (size_t d = 0; d < 4; d++) {
        for (size_t m = 0; m < sizeof mats / sizeof *mats; m++) {
            assert_true(per_mw(&in, &me, DRIVETRAINS[d], mats[m], NULL, "kg_per_mw") > 0.0);
        }
    }
    cm_table_destroy(&me);
    cm_table_destroy(&in);
}

/* Site rows: onshore keeps the METHODS bulk steel and concrete; offshore foundations are steel
 * (no concrete), except the gravity foundations of C-Power phase 1 (geared DFIG, cohort 2008,
 * the only offshore cohort of that class and year in offshore_farms.csv). */
static void test_site_rows(void **state)
{
    (void)state;
    cm_table_t me = CM_TABLE_NULL, in = CM_TABLE_NULL, off = CM_TABLE_NULL;
    load_table(&me, WIND_DIR "materials_elements.csv");
    load_table(&in, WIND_DIR "intensities.csv");
    load_table(&off, WIND_DIR "offshore_farms.csv");
    for (size_t d = 0; d < 4; d++) {
        const char *dt = DRIVETRAINS[d];
        for (double c = YEAR_MIN; c <= 2050; c++) {
            ASSERT_NEAR(per_mw_at(&in, &me, dt, "onshore", c, "concrete", NULL, "kg_per_mw"),
                        400000, 1e-12, 0);
            ASSERT_NEAR(per_mw_at(&in, &me, dt, "onshore", c, "concrete", NULL, "low"), 300000,
                        1e-12, 0);
            ASSERT_NEAR(per_mw_at(&in, &me, dt, "onshore", c, "concrete", NULL, "high"), 500000,
                        1e-12, 0);
            ASSERT_NEAR(per_mw_at(&in, &me, dt, "onshore", c, "steel", NULL, "kg_per_mw"),
                        110000, 1e-12, 0);
            double conc = per_mw_at(&in, &me, dt, "offshore", c, "concrete", NULL, "kg_per_mw");
            double steel_off = per_mw_at(&in, &me, dt, "offshore", c, "steel", NULL, "kg_per_mw");
            int gbf = d == 0 && c == 2008;
            if (gbf) {
                assert_true(conc > 0);
            } else {
                ASSERT_NEAR(conc, 0, 0, 1e-12);
                /* monopile or jacket: more steel than the onshore bulk figure */
                assert_true(steel_off > 110000);
            }
            /* the composites, copper and magnets do not depend on the site */
            ASSERT_NEAR(per_mw_at(&in, &me, dt, "offshore", c, "copper", NULL, "kg_per_mw"),
                        per_mw_at(&in, &me, dt, "onshore", c, "copper", NULL, "kg_per_mw"),
                        1e-12, 0);
        }
    }
    /* The gravity-base cohort: C-Power phase 1 is the only geared-DFIG offshore farm of 2008. */
    size_t cy = col(&off, "year"), cd = col(&off, "drivetrain"), cf = col(&off, "farm"),
           cp = col(&off, "phase");
    int n2008 = 0;
    for (size_t r = 0; r < off.nrows; r++) {
        if (num(&off, r, cy) == 2008 && strcmp(cm_table_cell(&off, r, cd), "geared_dfig") == 0) {
            n2008++;
            assert_non_null(strstr(cm_table_cell(&off, r, cf), "C-Power"));
            assert_string_equal(cm_table_cell(&off, r, cp), "Part 1");
        }
    }
    assert_int_equal(n2008, 1);
    cm_table_destroy(&me);
    cm_table_destroy(&in);
    cm_table_destroy(&off);
}

/* Total capacity (MW) of \p year from capacity_total.csv; NAN when absent. */
static double total_of(const cm_table_t *cap, double year)
{
    size_t cy = col(cap, "year"), cv = col(cap, "total_mw");
    for (size_t r = 0; r < cap->nrows; r++) {
        if (num(cap, r, cy) == year) {
            return num(cap, r, cv);
        }
    }
    return NAN;
}

static void test_offshore_within_total(void **state)
{
    (void)state;
    cm_table_t off = CM_TABLE_NULL, cap = CM_TABLE_NULL;
    load_table(&off, WIND_DIR "offshore_farms.csv");
    load_table(&cap, WIND_DIR "capacity_total.csv");
    size_t cy = col(&off, "year"), cye = col(&off, "year_emodnet"), cn = col(&off, "turbines"),
           cu = col(&off, "mw_per_turbine"), ct = col(&off, "total_mw"),
           cd = col(&off, "drivetrain"), cs = col(&off, "source");
    double sum = 0.0;
    for (size_t r = 0; r < off.nrows; r++) {
        double y = num(&off, r, cy), ye = num(&off, r, cye);
        assert_true(y >= YEAR_MIN && y <= YEAR_MAX && ye >= YEAR_MIN && ye <= YEAR_MAX);
        assert_true(fabs(y - ye) <= 1.0); /* a public year may differ from EMODnet's by one */
        ASSERT_NEAR(num(&off, r, cn) * num(&off, r, cu), num(&off, r, ct), 1e-9, 1e-6);
        assert_true(is_drivetrain(cm_table_cell(&off, r, cd)));
        assert_true(strncmp(cm_table_cell(&off, r, cs), "EMODNET2023", 11) == 0);
        sum += num(&off, r, ct);
    }
    /* The unique EMODnet total stated in the shared SOURCE.md. */
    ASSERT_NEAR(sum, 2261.95, 0.0, 1e-6);
    size_t ccy = col(&cap, "year");
    for (size_t r = 0; r < cap.nrows; r++) {
        double year = num(&cap, r, ccy), cum = 0.0;
        assert_true(year >= YEAR_MIN && year <= YEAR_MAX);
        for (size_t q = 0; q < off.nrows; q++) {
            if (num(&off, q, cy) <= year) {
                cum += num(&off, q, ct);
            }
        }
        assert_true(cum <= total_of(&cap, year));
    }
    /* Total capacity never falls (stocks grow through 2021). */
    for (size_t r = 1; r < cap.nrows; r++) {
        assert_true(num(&cap, r, col(&cap, "total_mw")) >=
                    num(&cap, r - 1, col(&cap, "total_mw")));
    }
    cm_table_destroy(&off);
    cm_table_destroy(&cap);
}

static void test_onshore_arithmetic(void **state)
{
    (void)state;
    cm_table_t on = CM_TABLE_NULL, off = CM_TABLE_NULL, cap = CM_TABLE_NULL;
    load_table(&on, WIND_DIR "onshore_additions.csv");
    load_table(&off, WIND_DIR "offshore_farms.csv");
    load_table(&cap, WIND_DIR "capacity_total.csv");
    size_t cy = col(&on, "year"), ct = col(&on, "total_mw"), cp = col(&on, "total_prev_mw"),
           cdl = col(&on, "delta_total_mw"), co = col(&on, "offshore_commissioned_mw"),
           cnet = col(&on, "onshore_net_additions_mw"),
           cadj = col(&on, "onshore_additions_adjusted_mw"), cst = col(&on, "onshore_stock_mw"),
           cnote = col(&on, "note");
    size_t foy = col(&off, "year"), fot = col(&off, "total_mw");
    double stock = 0.0, net_cum = 0.0, off_cum = 0.0, prev_total = 0.0;
    for (size_t r = 0; r < on.nrows; r++) {
        double y = num(&on, r, cy);
        assert_true(y >= YEAR_MIN && y <= YEAR_MAX);
        if (r > 0) {
            ASSERT_NEAR(y, num(&on, r - 1, cy) + 1.0, 0.0, 0.0);
        }
        double total = num(&on, r, ct);
        if (y >= 2000) {
            ASSERT_NEAR(total, total_of(&cap, y), 0.0, 1e-9);
        }
        ASSERT_NEAR(num(&on, r, cp), prev_total, 0.0, 1e-6);
        ASSERT_NEAR(num(&on, r, cdl), total - num(&on, r, cp), 0.0, 1e-6);
        double offy = 0.0;
        for (size_t q = 0; q < off.nrows; q++) {
            if (num(&off, q, foy) == y) {
                offy += num(&off, q, fot);
            }
        }
        ASSERT_NEAR(num(&on, r, co), offy, 0.0, 1e-6);
        ASSERT_NEAR(num(&on, r, cnet), num(&on, r, cdl) - offy, 0.0, 1e-6);
        if (num(&on, r, cnet) < 0.0) {
            assert_non_null(strstr(cm_table_cell(&on, r, cnote), "NEGATIVE"));
        }
        assert_true(num(&on, r, cadj) >= 0.0);
        stock += num(&on, r, cadj);
        net_cum += num(&on, r, cnet);
        off_cum += offy;
        ASSERT_NEAR(num(&on, r, cst), stock, 0.0, 1e-6);
        /* Net onshore plus offshore stock is the total capacity; the adjustment only moves a
         * deficit to an earlier year, so the adjusted stock never exceeds the net one. */
        ASSERT_NEAR(net_cum + off_cum, total, 0.0, 1e-6);
        assert_true(stock <= net_cum + 1e-6);
        prev_total = total;
    }
    ASSERT_NEAR(stock, net_cum, 0.0, 1e-6);
    cm_table_destroy(&on);
    cm_table_destroy(&off);
    cm_table_destroy(&cap);
}

static void test_split_lifetimes_recovery(void **state)
{
    (void)state;
    cm_table_t sp = CM_TABLE_NULL, lt = CM_TABLE_NULL, rc = CM_TABLE_NULL;
    load_table(&sp, WIND_DIR "onshore_drivetrain_split.csv");
    size_t cs = col(&sp, "scenario"), cf = col(&sp, "cohort_from"), cd = col(&sp, "drivetrain"),
           csh = col(&sp, "share"), cl = col(&sp, "low"), ch = col(&sp, "high");
    for (size_t r = 0; r < sp.nrows; r++) {
        double sh = num(&sp, r, csh), sum = 0.0;
        assert_true(num(&sp, r, cl) <= sh && sh <= num(&sp, r, ch));
        assert_true(is_drivetrain(cm_table_cell(&sp, r, cd)));
        for (size_t q = 0; q < sp.nrows; q++) {
            if (strcmp(cm_table_cell(&sp, q, cs), cm_table_cell(&sp, r, cs)) == 0 &&
                num(&sp, q, cf) == num(&sp, r, cf)) {
                sum += num(&sp, q, csh);
            }
        }
        ASSERT_NEAR(sum, 1.0, 0.0, 1e-9);
    }
    load_table(&lt, WIND_DIR "lifetimes.csv");
    size_t cdist = col(&lt, "distribution"), cspec = col(&lt, "spec"), cm = col(&lt, "mean_years"),
           csd = col(&lt, "sd_years"), ck = col(&lt, "shape"), clam = col(&lt, "scale_years");
    for (size_t r = 0; r < lt.nrows; r++) {
        const char *dist = cm_table_cell(&lt, r, cdist), *spec = cm_table_cell(&lt, r, cspec);
        char want[128];
        double mean = num(&lt, r, cm), sd = num(&lt, r, csd);
        assert_true(mean >= 10.0 && mean <= 40.0);
        if (strcmp(dist, "weibull") == 0) {
            double k = num(&lt, r, ck), lam = num(&lt, r, clam);
            snprintf(want, sizeof want, "weibull:shape=%g,scale=%g", k, lam);
            assert_string_equal(spec, want);
            ASSERT_NEAR(lam * tgamma(1.0 + 1.0 / k), mean, 1e-3, 0.0);
            ASSERT_NEAR(lam * sqrt(tgamma(1.0 + 2.0 / k) - pow(tgamma(1.0 + 1.0 / k), 2.0)), sd,
                        1e-3, 0.0);
        } else if (strcmp(dist, "normal") == 0) {
            snprintf(want, sizeof want, "normal:mean=%g,sd=%g", mean, sd);
            assert_string_equal(spec, want);
        } else {
            assert_string_equal(dist, "fixed");
            snprintf(want, sizeof want, "fixed:mean=%g", mean);
            assert_string_equal(spec, want);
        }
    }
    load_table(&rc, WIND_DIR "recovery.csv");
    size_t cy = col(&rc, "yield"), crl = col(&rc, "low"), crh = col(&rc, "high"),
           cst = col(&rc, "stage");
    for (size_t r = 0; r < rc.nrows; r++) {
        double y = num(&rc, r, cy), lo = num(&rc, r, crl), hi = num(&rc, r, crh);
        assert_true(0.0 <= lo && lo <= y && y <= hi && hi <= 1.0);
        const char *st = cm_table_cell(&rc, r, cst);
        assert_true(strcmp(st, "collection") == 0 || strcmp(st, "dismantling") == 0 ||
                    strcmp(st, "process") == 0);
    }
    cm_table_destroy(&sp);
    cm_table_destroy(&lt);
    cm_table_destroy(&rc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CM_TEST(test_every_row_sourced),
        CM_TEST(test_intensities_within_range),
        CM_TEST(test_checker_catches_out_of_range),
        CM_TEST(test_element_fractions),
        CM_TEST(test_findings_as_data),
        CM_TEST(test_site_rows),
        CM_TEST(test_offshore_within_total),
        CM_TEST(test_onshore_arithmetic),
        CM_TEST(test_split_lifetimes_recovery),
    };
    return CM_RUN_TESTS(tests);
}

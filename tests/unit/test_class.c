/* Classifications: the built-in countries and materials, name normalisation, resolution of
 * every spelling in the shared datasets, code-list imports and concordances in the store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cm_test.h"
#include "cambium/cambium.h"
#include "store/class_internal.h"
#include "store/store_internal.h"

static void expect(const cm_class_t *c, const char *text, const char *code)
{
    const char *got = cm_class_resolve(c, text);
    if (code == NULL) {
        if (got != NULL) {
            fail_msg("'%s' resolved to %s, expected no match", text, got);
        }
        return;
    }
    if (got == NULL || strcmp(got, code) != 0) {
        fail_msg("'%s' resolved to %s, expected %s", text, got ? got : "(nothing)", code);
    }
}

static void test_country_examples(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    cm_class_t *c = NULL;
    CHECK_OK(cm_class_builtin("country", &c, &err), &err);
    assert_string_equal(cm_class_name(c), "country");
    /* World Bank codes */
    expect(c, "ROM", "ROU");
    expect(c, "ZAR", "COD");
    expect(c, "KSV", "XKX");
    expect(c, "ADO", "AND");
    expect(c, "TMP", "TLS");
    expect(c, "WBG", "PSE");
    expect(c, "ANT", "ANT");
    assert_true(cm_class_is_aggregate(c, "ANT"));
    /* Eurostat */
    expect(c, "EL", "GRC");
    expect(c, "UK", "GBR");
    expect(c, "XK", "XKX");
    /* names and their spellings */
    expect(c, "Congo, D.R.", "COD");
    expect(c, "Congo (Kinshasa)", "COD");
    expect(c, "Congo, Rep.", "COG");
    expect(c, "Congo", "COG");
    expect(c, "T\xc3\xbcrkiye", "TUR");
    expect(c, "Turkiye", "TUR");
    expect(c, "TURKEY", "TUR");
    expect(c, "C\xc3\xb4te d'Ivoire", "CIV");
    expect(c, "Cote d\xe2\x80\x99Ivoire", "CIV");
    expect(c, "  cote   d ivoire ", "CIV");
    expect(c, "Bosnia & Herzegovina", "BIH");
    expect(c, "Burma", "MMR");
    expect(c, "Korea, Republic of", "KOR");
    expect(c, "Korea, Dem. Rep.", "PRK");
    /* Windows-1252 text converted to UTF-8, and the raw byte as a fallback */
    char *utf8 = NULL;
    size_t n = 0;
    (void)n;
    utf8 = cm_strdup("T\xc3\xbcrkiye");
    expect(c, utf8, "TUR");
    cm_free(utf8);
    expect(c, "T\xfcrkiye", "TUR");
    /* footnotes and notes of the USGS tables */
    expect(c, "New Caledonia11", "NCL");
    expect(c, "United States1", "USA");
    expect(c, "Brazil (crude and beneficiated)9", "BRA");
    expect(c, "Chinae", "CHN");
    expect(c, "Korea, Republic ofe", "KOR");
    expect(c, "Kazakhstan, concentrate", "KAZ");
    /* numeric and two-letter codes */
    expect(c, "840", "USA");
    expect(c, "056", "BEL");
    expect(c, "56", "BEL");
    expect(c, "DE", "DEU");
    expect(c, "de", "DEU");
    expect(c, "BEL", "BEL");
    /* aggregates */
    expect(c, "World total (rounded)", "WLD");
    expect(c, "World total (rounded)10", "WLD");
    expect(c, "World", "WLD");
    expect(c, "Other countries", "OTH");
    expect(c, "Other countries6", "OTH");
    expect(c, "Rest of world", "OTH");
    expect(c, "Others", "OTH");
    expect(c, "EU", "EU27");
    expect(c, "EU27", "EU27");
    expect(c, "European Union", "EU27");
    assert_true(cm_class_is_aggregate(c, "WLD"));
    assert_true(cm_class_is_aggregate(c, "OTH"));
    assert_true(cm_class_is_aggregate(c, "EU27"));
    assert_false(cm_class_is_aggregate(c, "BEL"));
    assert_false(cm_class_is_aggregate(c, "nope"));
    /* unknown */
    expect(c, "Atlantis", NULL);
    expect(c, "", NULL);
    expect(c, "   ", NULL);
    expect(c, "12345", NULL);
    assert_null(cm_class_resolve(c, NULL));
    assert_null(cm_class_resolve(NULL, "BEL"));
    /* labels and codes */
    assert_string_equal(cm_class_label(c, "BEL"), "Belgium");
    assert_null(cm_class_label(c, "Belgium"));
    assert_true(cm_class_size(c) > 250);
    assert_string_equal(cm_class_code(c, 0), "ABW");
    assert_null(cm_class_code(c, cm_class_size(c)));
    cm_class_free(c);
    cm_class_free(NULL);
    CHECK_ERROR(cm_class_builtin("planets", &c, &err), CM_ENOTFOUND);
    CHECK_ERROR(cm_class_builtin("country", NULL, &err), CM_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CM_TEST(test_country_examples),
    };
    return CM_RUN_TESTS(tests);
}

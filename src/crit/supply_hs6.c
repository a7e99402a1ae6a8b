/* HS6 codes of a material per stage, for the import partners of the supply map.
 * Source: crosswalk.json of Varcolacus/critical-materials-atlas (commit 17b328d; the material ->
 * HS6 codes behind the BACI extracts, ../shared/data/baci-crm-flows-belgium-2002-2024/), its
 * "ore" codes taken as extraction and its "refined" codes as processing, except mineral
 * products traded in their mined form (natural borates, baryte, feldspar, fluorspar, natural
 * graphite, phosphate rock, coking coal, helium), which are extraction. The crosswalk's
 * "magnets" entry (permanent magnets, rare-earth metals and compounds) names no single
 * material and is left out. Hafnium (811231) is folded into 811292 in the BACI extracts, so
 * both codes are listed. Table in docs/supply.md. */
#include "cambium/cm_supply.h"

#include <string.h>

typedef struct hs6_entry_t {
    const char *material;
    int stage;
    const char *hs6;
} hs6_entry_t;

#define E CM_CRIT_EXTRACTION
#define P CM_CRIT_PROCESSING

static const hs6_entry_t table[] = {
    {"aluminium", E, "260600"},      {"aluminium", P, "281820"},
    {"antimony", E, "261710"},       {"antimony", P, "811010"},
    {"arsenic", P, "280480"},        {"baryte", E, "251110"},
    {"beryllium", P, "811212"},      {"boron", E, "252800"},
    {"cobalt", E, "260500"},         {"cobalt", P, "282200"},
    {"coking-coal", E, "270112"},    {"copper", E, "260300"},
    {"copper", P, "740311"},         {"feldspar", E, "252910"},
    {"fluorspar", E, "252922"},      {"gallium", P, "811292"},
    {"germanium", P, "811292"},      {"hafnium", P, "811231"},
    {"hafnium", P, "811292"},        {"helium", E, "280429"},
    {"lithium", P, "283691"},        {"magnesium", P, "810411"},
    {"manganese", E, "260200"},      {"manganese", P, "811100"},
    {"manganese", P, "720211"},      {"manganese", P, "720219"},
    {"manganese", P, "720230"},      {"natural-graphite", E, "250490"},
    {"nickel", E, "260400"},         {"nickel", P, "750210"},
    {"nickel", P, "720260"},         {"niobium", E, "261590"},
    {"niobium", P, "720293"},        {"palladium", P, "711021"},
    {"phosphate-rock", E, "251010"}, {"phosphorus", P, "280470"},
    {"platinum", P, "711011"},       {"silicon-metal", P, "280469"},
    {"strontium", P, "283692"},      {"tantalum", E, "261590"},
    {"tantalum", P, "810320"},       {"titanium", E, "261400"},
    {"titanium-metal", P, "810820"}, {"tungsten", E, "261100"},
    {"tungsten", P, "810194"},       {"tungsten", P, "284180"},
    {"vanadium", P, "720292"},
};

size_t cm_supply_hs6_codes(const char *material, int stage, const char **codes, size_t max)
{
    size_t n = 0;
    if (material == NULL) {
        return 0;
    }
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (table[i].stage == stage && strcmp(table[i].material, material) == 0) {
            if (codes != NULL && n < max) {
                codes[n] = table[i].hs6;
            }
            n++;
        }
    }
    return n;
}

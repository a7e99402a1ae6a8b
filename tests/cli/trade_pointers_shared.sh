# trade pointers for Belgium from the shared Comext, Comtrade and BACI data (skipped when absent).
d="$SHARED"
for f in baci-crm-flows-belgium-2002-2024/baci_crm_flows_belgium_2002_2024.csv \
         baci-crm-flows-belgium-2002-2024/baci_2022_crm_hs6_all_pairs.csv \
         baci-crm-flows-belgium-2002-2024/baci_2024_crm_hs6_all_pairs.csv; do
    test -f "$d/$f" || exit 77
    "$CAMBIUM" import baci "$d/$f" --store t.db >/dev/null || exit 1
done
test -f "$d/comext-eu27-critical-inputs-cn8/eu_comext_critical_inputs_cn8_2022_2024.csv" || exit 77
"$CAMBIUM" import comext "$d/comext-eu27-critical-inputs-cn8/eu_comext_critical_inputs_cn8_2022_2024.csv" --store t.db >/dev/null || exit 1
for y in 2022 2024; do
    f="$d/comtrade-crm-hs6-2022-2024/comtrade_${y}_belgium_reporter.csv"
    test -f "$f" || exit 77
    "$CAMBIUM" import comtrade "$f" --store t.db >/dev/null || exit 1
done
"$CAMBIUM" import wgi "$SRC/data/belgium/wgi-2019-2023-and-belgium.csv" --store t.db >/dev/null || exit 1
"$CAMBIUM" trade pointers --store t.db --out out || exit 1
grep -c ',geodep,' out/alerts.csv
grep ',geodep,' out/alerts.csv | cut -d, -f3-10

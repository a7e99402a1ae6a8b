# The ESG view beside SR and EI, with an indicator of the analyst's.
"$CAMBIUM" import bundle "$SRC/data/belgium" --store s.db >/dev/null || exit 3
printf 'country,value\n"Congo, Dem. Rep.",10\nRussia,5\n' >labour.csv
"$CAMBIUM" crit esg --store s.db --wgi-year 2023 --indicator labour=labour.csv --out res >out ||
    { cat out; exit 1; }
grep -q "material  *stage  *SR_st  *SR  *EI  *esg_va  *esg_rl  *esg_labour coverage" out &&
    grep -q "^Cobalt  *extraction   2.8   2.8 " out || { cat out; exit 1; }
grep -q "^material,stage,sr_stage,sr,ei,esg_va,esg_rl,esg_labour,coverage" res/esg.csv || exit 1
# cobalt extraction: COD 0.628 x 10 + RUS 0.066 x 5 over 0.694
grep "^cobalt,extraction," res/esg.csv | grep -q ",9.5244" || { grep "^cobalt" res/esg.csv; exit 1; }
"$CAMBIUM" crit esg --store s.db --wgi-year 2023 --indicator labour=nowhere.csv 2>err
[ $? -eq 1 ] || exit 1
"$CAMBIUM" crit esg --indicator labour 2>err
[ $? -eq 2 ] && grep -q "expected NAME=FILE" err || { cat err; exit 1; }

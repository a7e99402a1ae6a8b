# A tiny BACI file through the importer: Belgian imports and exports of Li-ion batteries, a
# value-only lithium carbonate flow and a composition product without any flow.
printf 't,i,j,k,v,q\n2022,156,56,850760,1000,2\n2022,276,56,850760,500,1\n2022,56,276,850760,300,0.5\n2022,156,56,283691,200,NA\n2022,152,56,282520,50,4\n' > b.csv
printf 'product_code,code_system,material,kg,per,low,high,conv,conv_unit,source_id,note\n850760,HS6,lithium,0.1,kWh,0.09,0.12,200,Wh/kg,t1,\n283691,HS6,lithium,0.188,kg,,,,,t2,\n282520,HS6,lithium,165,t,,,,,t2,\n854143,HS6,silver,0.0004,kg,,,,,t3,\n' > c.csv
"$CAMBIUM" import baci b.csv --store t.db >/dev/null || exit 1
"$CAMBIUM" trade carriers --store t.db --year 2022 --compositions c.csv --out out || exit 1
cut -d, -f1-3,5,7,8,10,13,16 out/carriers.csv
grep -c '"product": "854143"' out/carriers.json

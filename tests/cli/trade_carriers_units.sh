# A composition per kWh whose conversion is a mass cannot be combined with trade masses:
# the error names the file, the line and both units.
printf 'product_code,code_system,material,kg,per,low,high,conv,conv_unit,source_id,note\n850760,HS6,lithium,0.1,kWh,,,0.2,kg,t1,\n' > c.csv
"$CAMBIUM" trade carriers --store none.db --compositions c.csv --out out

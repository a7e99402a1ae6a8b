# A malformed Eurostat TSV cell names file, line and column; nothing is imported.
printf 'freq,unit,geo\\TIME_PERIOD\t2021 \t2022 \nA,PC,BE\t1.5 \t12,5x\n' >estat_cei_srm030.tsv
"$CAMBIUM" import eurostat-tsv estat_cei_srm030.tsv --store s.db

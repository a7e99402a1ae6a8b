# trade prioritise on the bundled data with the shipped settings: SR and EI of the published EU
# 2023 results, Belgian demand from the two bundled BACI extracts (imports only), EoL-RIR, the
# curated recycling routes; no urban mine. Paths are shown relative to the source tree.
CAMBIUM_DATA="$SRC/data" "$CAMBIUM" trade prioritise --out o --top 12 | sed "s|$SRC/||g" || exit 1
sed 1d o/demand.csv | cut -d, -f1,2 | sort -t, -k2 -g -r | head -5

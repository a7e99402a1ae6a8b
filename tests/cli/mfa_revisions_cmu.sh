# The circular material use rate of Belgium: cei_srm030 (TSV, March 2025) against env_ac_cur
# (JSON-stat, 24 November 2025); the older release stays in the store.
t="$SHARED/eurostat-cei-srm030-tsv/estat_cei_srm030.tsv"
j="$SHARED/eurostat-mfa-rmc-cmur-eu27/raw/cmur_env_ac_cur.json.gz"
[ -f "$t" ] && [ -f "$j" ] || exit 77
"$CAMBIUM" import eurostat-jsonstat "$j" --store s.db >/dev/null || exit 3
"$CAMBIUM" import eurostat-tsv "$t" --version 2025-03-31 --store s.db >/dev/null || exit 3
"$CAMBIUM" mfa revisions --store s.db --geo BE

# cambium serve on a store without an assessment: starts on an ephemeral port of 127.0.0.1,
# says there is no assessment, answers, refuses POST, and stops cleanly on SIGTERM.
command -v curl >/dev/null 2>&1 || { echo "skipping: curl is absent"; exit 77; }
: > s.db
"$CAMBIUM" datasets --store s.db >/dev/null || exit 1
"$CAMBIUM" serve --store s.db --port 0 --threads 2 >out 2>err &
pid=$!
i=0
while ! grep -q '^cambium serve: http://' out 2>/dev/null; do
    i=$((i + 1))
    [ $i -gt 100 ] && { echo "no URL printed"; kill $pid; exit 1; }
    sleep 0.1
done
url=$(sed -n 's/^cambium serve: \(http:[^ ]*\) .*/\1/p' out)
case "$url" in http://127.0.0.1:*/) echo "url: loopback" ;; *) echo "url: $url" ;; esac
curl -s -o body -w '%{http_code}\n' "${url}api/assessment"
cat body; echo
curl -s -o /dev/null -w '%{http_code}\n' "${url}api/health"
curl -s -o /dev/null -w '%{http_code}\n' -X POST -d x=1 "${url}api/health"
curl -s -o /dev/null -w '%{http_code}\n' --path-as-is "${url}assets/../../etc/passwd"
curl -s -D - -o /dev/null "${url}api/health" | grep -i '^content-security-policy:' | tr -d '\r'
kill -TERM $pid
wait $pid
echo "exit: $?"
grep -c 'no assessment in s.db: run cambium assess' err
grep 'stopped' err

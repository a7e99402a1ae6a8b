# Usage errors of cambium serve: each exits 2 before anything is opened or bound.
for args in "--port 70000" "--port x" "--threads 0" "--threads 257" "--bind localhost" \
            "--bind 300.1.1.1" "extra" "--nope" "--port"; do
    # shellcheck disable=SC2086
    "$CAMBIUM" serve --store nowhere.db $args 2>/dev/null
    echo "$args: $?"
done
"$CAMBIUM" serve --help | head -n 1

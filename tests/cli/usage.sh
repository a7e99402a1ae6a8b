# No verb: usage on stderr and exit 2; an unknown verb is a usage error that lists the verbs.
"$CAMBIUM"
echo "exit=$?"
"$CAMBIUM" frobnicate
echo "exit=$?"
"$CAMBIUM" --help | head -n 1

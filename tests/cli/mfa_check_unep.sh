# The UNEP-IRP Belgian extract holds the EW-MFA identities within the documented tolerance.
f="$SHARED/unep-irp-mfa-belgium/unep_irp_mfa13_belgium_minerals_extract.csv"
[ -f "$f" ] || exit 77
"$CAMBIUM" import unep-irp-mfa "$f" --store s.db >/dev/null || exit 1
"$CAMBIUM" mfa check --store s.db --geo BE

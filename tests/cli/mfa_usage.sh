# --geo is required; a year range must be ordered.
"$CAMBIUM" mfa indicators --out x

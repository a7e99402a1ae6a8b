#!/usr/bin/python3
"""Compare two outputs of the trade benchmark, row by row.

    compare.py DIR_A DIR_B [--baci FILE]

DIR/importer_product.csv (importer, product, value, quantity, n_missing_q, unit_value, n_partners,
hhi, top_partner, top_share) and, when both directories have it, DIR/product.csv (product,
value, n_importers, importer_hhi, n_exporters, exporter_hhi). Keys are compared as integers (a product written 10121
or 010121 is the same), sorted, and must be the same sets. Counts (n_missing_q, n_partners,
n_importers) must be equal; other numbers agree to a relative 1e-9 (|a - b| <= 1e-9 max(|a|,
|b|), with a floor of 1e-12 x the column's largest value), and an empty field (no quantity, no
unit value) must be empty on both sides. top_partner must be equal unless the two exporters tie:
with --baci FILE (the input both were computed from), the rows of the differing (importer,
product) pairs are read back and the two exporters' values must be within 1e-12 of each other
(relative); without it a difference counts as a tie when the two top shares agree to 1e-12 (not
proof: the line says "unverified"). Prints one line per column and a summary; exit 1 on any
difference.
"""
import os
import sys

import numpy as np
import pandas as pd

RTOL = 1e-9
FLOOR = 1e-12
TIE = 1e-12

TABLES = {
    "importer_product.csv": (["importer", "product"],
                             ["value", "quantity", "unit_value", "hhi", "top_share"],
                             ["n_missing_q", "n_partners"], "top_partner"),
    "product.csv": (["product"], ["value", "importer_hhi", "exporter_hhi"], ["n_importers", "n_exporters"],
                    None),
}


def baci_values(path, pairs):
    """{(importer, product, exporter): value} for the rows of the given (importer, product) pairs."""
    out = {}
    with open(path) as f:
        next(f)
        for line in f:
            t, i, j, k, v, q = line.split(",")
            key = (int(j), int(k))
            if key in pairs:
                out[key + (int(i),)] = float(v)
    return out


def key_of(df, keys, i):
    return tuple(int(df.loc[i, k]) for k in keys)


def load(path, keys):
    df = pd.read_csv(path, dtype={k: np.int64 for k in keys})
    return df.sort_values(keys, kind="stable").reset_index(drop=True)


def compare_table(name, a, b, keys, reals, counts, partner, baci):
    bad = []
    for c in keys + reals + counts + ([partner] if partner else []):
        for side, df in (("A", a), ("B", b)):
            if c not in df.columns:
                bad.append("%s: column %s missing in %s" % (name, c, side))
    if bad:
        return bad
    if len(a) != len(b) or not all((a[k].to_numpy() == b[k].to_numpy()).all() for k in keys):
        ka = set(map(tuple, a[keys].to_numpy().tolist()))
        kb = set(map(tuple, b[keys].to_numpy().tolist()))
        only_a, only_b = sorted(ka - kb), sorted(kb - ka)
        return ["%s: keys differ: %d rows in A, %d in B; %d only in A (first %s), %d only in B (first %s)"
                % (name, len(a), len(b), len(only_a), only_a[:3], len(only_b), only_b[:3])]
    lines = []
    for c in counts:
        d = int((a[c].to_numpy() != b[c].to_numpy()).sum())
        lines.append("%s %-12s %d rows differ" % (name, c, d))
        if d:
            i = int(np.flatnonzero(a[c].to_numpy() != b[c].to_numpy())[0])
            bad.append("%s: %s differs in %d rows, first at %s: %s vs %s"
                       % (name, c, d, key_of(a, keys, i), a.loc[i, c], b.loc[i, c]))
    for c in reals:
        x = a[c].to_numpy(dtype=np.float64)
        y = b[c].to_numpy(dtype=np.float64)
        nx, ny = np.isnan(x), np.isnan(y)
        nan_diff = int((nx != ny).sum())
        ok = ~(nx | ny)
        scale = max(np.abs(x[ok]).max(initial=0.0), np.abs(y[ok]).max(initial=0.0))
        den = np.maximum(np.maximum(np.abs(x[ok]), np.abs(y[ok])), FLOOR * scale)
        den[den == 0] = 1.0
        rel = np.abs(x[ok] - y[ok]) / den
        worst = float(rel.max(initial=0.0))
        lines.append("%s %-12s max rel diff %.3g%s" % (name, c, worst,
                                                      ", %d empty on one side only" % nan_diff if nan_diff else ""))
        if nan_diff:
            i = int(np.flatnonzero(nx != ny)[0])
            bad.append("%s: %s empty on one side only in %d rows, first at %s: %r vs %r"
                       % (name, c, nan_diff, key_of(a, keys, i), x[i], y[i]))
        if worst > RTOL:
            i = int(np.flatnonzero(ok)[int(rel.argmax())])
            bad.append("%s: %s max rel diff %.3g > %g at %s: %r vs %r"
                       % (name, c, worst, RTOL, key_of(a, keys, i), x[i], y[i]))
    if partner:
        diff = a[partner].to_numpy() != b[partner].to_numpy()
        sa, sb = a["top_share"].to_numpy(), b["top_share"].to_numpy()
        tie = diff & (np.abs(sa - sb) <= TIE * np.maximum(np.abs(sa), np.abs(sb)))
        how = "unverified"
        if baci and tie.any():
            idx = np.flatnonzero(tie)
            pairs = {key_of(a, keys, i) for i in idx}
            vals = baci_values(baci, pairs)
            for i in idx:
                kk = key_of(a, keys, i)
                va = vals.get(kk + (int(a.loc[i, partner]),))
                vb = vals.get(kk + (int(b.loc[i, partner]),))
                if va is None or vb is None or abs(va - vb) > TIE * max(abs(va), abs(vb)):
                    tie[i] = False
            how = "checked in " + os.path.basename(baci)
        wrong = diff & ~tie
        lines.append("%s %-12s %d rows differ (%d ties within %g accepted, %s)"
                     % (name, partner, int(wrong.sum()), int(tie.sum()), TIE, how))
        if wrong.any():
            i = int(np.flatnonzero(wrong)[0])
            bad.append("%s: %s differs in %d rows, first at %s: %s (share %r) vs %s (share %r)"
                       % (name, partner, int(wrong.sum()), key_of(a, keys, i), a.loc[i, partner],
                          sa[i], b.loc[i, partner], sb[i]))
    return lines, bad


def main(argv):
    baci = None
    if len(argv) == 5 and argv[3] == "--baci":
        baci = argv[4]
        argv = argv[:3]
    if len(argv) != 3:
        print("usage: compare.py DIR_A DIR_B [--baci FILE]", file=sys.stderr)
        return 2
    failures, rows = [], []
    for name, (keys, reals, counts, partner) in TABLES.items():
        pa, pb = (os.path.join(d, name) for d in argv[1:3])
        if not (os.path.exists(pa) and os.path.exists(pb)):
            if name == "importer_product.csv":
                failures.append("%s missing in %s" % (name, pa if not os.path.exists(pa) else pb))
            continue
        a, b = load(pa, keys), load(pb, keys)
        r = compare_table(name, a, b, keys, reals, counts, partner, baci)
        if isinstance(r, list):
            failures += r
            continue
        lines, bad = r
        for line in lines:
            print(line)
        failures += bad
        rows.append("%s %d rows" % (name, len(a)))
    for f in failures:
        print("DIFF " + f)
    if failures:
        print("FAILED: %d difference(s)" % len(failures))
        return 1
    print("equal to %g (%s)" % (RTOL, ", ".join(rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/python3
"""Compare two pymrio output folders table by table (bench/mrio).

    compare.py DIR_A DIR_B [RTOL]

For every result table present in either folder (x, A, L at the root; per extension S, S_Y, M,
D_cba, D_pba, D_imp, D_exp and their _reg, _cap forms; inputs such as Z, Y, F, F_Y, unit and
population are not compared), prints one line: the largest relative difference
|a - b| / max(|a|, |b|, 1e-12 * max|a|), labels checked equal (rows and columns, in any order).
Exits 1 when a table differs by more than RTOL (default 1e-9), when a result table is in one
folder only (A and L excepted: written only when asked) or when labels disagree.
"""

import os
import sys

import numpy as np

import mrio_io

INPUTS = {"Z", "Y", "F", "F_Y", "unit", "population"}
OPTIONAL = {"A", "L"}


def tables(folder):
    """{relative name: (folder, params)} of the result tables under folder."""
    out = {}
    for sub in [""] + sorted(os.listdir(folder)):
        d = os.path.join(folder, sub)
        fp = os.path.join(d, "file_parameters.json")
        if not os.path.isfile(fp):
            continue
        for key, para in mrio_io.read_params(d)["files"].items():
            if key in INPUTS:
                continue
            out[(sub + "/" if sub else "") + key] = (d, para)
    return out


def main():
    a_dir, b_dir = sys.argv[1], sys.argv[2]
    rtol = float(sys.argv[3]) if len(sys.argv) > 3 else 1e-9
    ta, tb = tables(a_dir), tables(b_dir)
    bad = 0
    for name in sorted(set(ta) | set(tb)):
        if name not in ta or name not in tb:
            where = a_dir if name in ta else b_dir
            opt = name.split("/")[-1] in OPTIONAL
            print(f"{name:24s} only in {where}{' (optional)' if opt else ''}")
            bad += 0 if opt else 1
            continue
        a = mrio_io.read_table(*ta[name])
        b = mrio_io.read_table(*tb[name])
        if a.shape != b.shape or set(a.index) != set(b.index) or set(a.columns) != set(b.columns):
            print(f"{name:24s} LABELS DIFFER: {a.shape} vs {b.shape}")
            bad += 1
            continue
        b = b.reindex(index=a.index, columns=a.columns)
        av, bv = a.to_numpy(dtype=float), b.to_numpy(dtype=float)
        both_nan = np.isnan(av) & np.isnan(bv)
        scale = np.nanmax(np.abs(av)) if av.size and not np.all(np.isnan(av)) else 0.0
        den = np.maximum(np.maximum(np.abs(av), np.abs(bv)), 1e-12 * scale)
        with np.errstate(invalid="ignore", divide="ignore"):
            rel = np.where(both_nan, 0.0, np.abs(av - bv) / np.where(den > 0, den, 1.0))
        rel = np.where(np.isnan(rel), np.inf, rel)
        worst = float(rel.max()) if rel.size else 0.0
        ok = worst <= rtol
        bad += 0 if ok else 1
        print(f"{name:24s} {a.shape[0]:6d} x {a.shape[1]:<6d} max rel diff {worst:.3e}"
              f"  (max |value| {scale:.4g}){'' if ok else '  ABOVE ' + format(rtol, 'g')}")
    print(f"compare: {len(set(ta) | set(tb))} tables, {bad} failing (rtol {rtol:g}, floor 1e-12 x max)")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()

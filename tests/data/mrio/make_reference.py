#!/usr/bin/python3
"""Reference results of pymrio's calc_all on the pymrio test system, recomputed with numpy.

pymrio itself is not installed here, so this script follows pymrio's recipe step by step
(METHODS.md section B.3; pymrio/tools/iomath.py): it does not share any code with cambium's
solver. It forms the Leontief inverse explicitly, diagonalises final demand by sector blocks
and zeroes the domestic blocks for the trade accounts, as pymrio does.

Usage: make_reference.py [PYMRIO_FORMAT_DIR] [OUT_DIR]
  defaults: /work/shared/data/pymrio-test-mrio/pymrio_format and ref/ beside this script.
Output: one CSV per table, the pymrio matrix with a header row of column labels and the row
label first; numbers with %.17g.
"""
import json
import os
import sys

import numpy as np
import pandas as pd


def read_table(folder, key):
    with open(os.path.join(folder, "file_parameters.json")) as fh:
        params = json.load(fh)["files"]
    if key not in params:
        return None
    p = params[key]
    n_idx = int(p["nr_index_col"])
    n_hdr = int(p["nr_header"])
    return pd.read_csv(os.path.join(folder, p["name"]), sep="\t",
                       index_col=list(range(n_idx)), header=list(range(n_hdr)))


def inv_or_zero(v):
    """1/v with 0 where v == 0 (pymrio's calc_A)."""
    with np.errstate(divide="ignore"):
        r = 1.0 / v
    r[np.isinf(r)] = 0.0
    return r


def label(x):
    if isinstance(x, tuple):
        x = "/".join(str(p) for p in x)
    return str(x).replace(",", ";")


def write(out, name, mat, rows, cols):
    mat = np.atleast_2d(mat)
    with open(os.path.join(out, name + ".csv"), "w") as fh:
        fh.write("row," + ",".join(label(c) for c in cols) + "\n")
        for i, r in enumerate(rows):
            fh.write(label(r) + "," + ",".join("%.17g" % v for v in mat[i]) + "\n")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    src = sys.argv[1] if len(sys.argv) > 1 else \
        "/work/shared/data/pymrio-test-mrio/pymrio_format"
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "ref")
    os.makedirs(out, exist_ok=True)

    Zdf = read_table(src, "Z")
    Ydf = read_table(src, "Y")
    popdf = read_table(src, "population")
    Z = Zdf.values.astype(float)
    Y = Ydf.values.astype(float)
    N = Z.shape[0]
    regions = list(dict.fromkeys(Zdf.index.get_level_values(0)))
    sectors = list(dict.fromkeys(Zdf.index.get_level_values(1)))
    R, n = len(regions), len(sectors)
    assert N == R * n
    c = Y.shape[1] // R
    rows = list(Zdf.index)

    # calc_x, calc_A, calc_L
    x = Z.sum(1) + Y.sum(1)
    A = Z * inv_or_zero(x)[None, :]
    L = np.linalg.inv(np.eye(N) - A)
    write(out, "x", x[:, None], rows, ["indout"])
    write(out, "A", A, rows, rows)
    write(out, "L", L, rows, rows)

    # Y aggregated over categories per region (columns region-major as in Y.txt)
    Y_agg = Y.reshape(N, R, c).sum(2)
    # Y_diag: column (region r, sector k) holds Y_agg[:, r] on the rows of sector k only
    Y_diag = np.zeros((N, N))
    for r in range(R):
        for k in range(n):
            for q in range(R):
                Y_diag[q * n + k, r * n + k] = Y_agg[q * n + k, r]
    x_diag = L @ Y_diag
    x_tot = x_diag.sum(1)
    x_trade = x_diag.copy()
    for r in range(R):
        x_trade[r * n:(r + 1) * n, r * n:(r + 1) * n] = 0.0
    x_exp = x_trade.sum(1)
    pop = popdf.values.astype(float).reshape(-1) if popdf is not None else None

    for ext in sorted(os.listdir(src)):
        folder = os.path.join(src, ext)
        if not os.path.isdir(folder):
            continue
        Fdf = read_table(folder, "F")
        FYdf = read_table(folder, "F_Y")
        F = Fdf.values.astype(float)
        srows = list(Fdf.index)
        srows = [" | ".join(str(p) for p in s) if isinstance(s, tuple) else str(s)
                 for s in srows]
        S = F * inv_or_zero(x)[None, :]
        M = S @ L
        D_cba = S @ x_diag
        D_pba = S * x_tot[None, :]
        D_imp = S @ x_trade
        D_exp = S * x_exp[None, :]
        if FYdf is not None:
            F_Y = FYdf.values.astype(float)
            S_Y = F_Y * inv_or_zero(Y.sum(0))[None, :]
            F_Y_reg = F_Y.reshape(F.shape[0], R, c).sum(2)
            write(out, ext + "_S_Y", S_Y, srows, list(Ydf.columns))
        else:
            F_Y_reg = np.zeros((F.shape[0], R))
        reg = lambda D: D.reshape(F.shape[0], R, n).sum(2)
        tabs = {"S": S, "M": M, "D_cba": D_cba, "D_pba": D_pba, "D_imp": D_imp,
                "D_exp": D_exp}
        for k, v in tabs.items():
            write(out, ext + "_" + k, v, srows, rows)
        regs = {"D_cba_reg": reg(D_cba) + F_Y_reg, "D_pba_reg": reg(D_pba) + F_Y_reg,
                "D_imp_reg": reg(D_imp), "D_exp_reg": reg(D_exp)}
        for k, v in regs.items():
            write(out, ext + "_" + k, v, srows, regions)
            if pop is not None:
                write(out, ext + "_" + k.replace("_reg", "_cap"), v / pop[None, :], srows,
                      regions)


if __name__ == "__main__":
    main()

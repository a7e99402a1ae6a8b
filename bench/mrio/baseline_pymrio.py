#!/usr/bin/python3
"""pymrio-style baseline: what pymrio's IOSystem.calc_all() does, in numpy (bench/mrio).

    baseline_pymrio.py IN_DIR OUT_DIR

Reads the pymrio folder IN_DIR with pandas (as pymrio.load_all), then, as calc_all:
  x = Z e + Y e;  A = Z diag(1/x) (1/x = 0 where x = 0);  L = numpy.linalg.inv(I - A)
  and for every extension, as Extension.calc_system / iomath.calc_accounts (METHODS.md B.3):
  S = F diag(1/x);  S_Y = F_Y diag(1/colsum Y);  M = S L
  Y_agg = Y summed over categories per region;  Y_diag = Y_agg with each sector block on a
  diagonal (N x N);  x_diag = L Y_diag (recomputed per extension, as pymrio does);
  D_cba = S x_diag;  D_pba = S diag(rowsum x_diag);  x_trade = x_diag with the domestic blocks
  zeroed;  D_imp = S x_trade;  D_exp = S diag(rowsum x_trade);
  D_*_reg = sums by region (+ F_Y by region for cba and pba);  D_*_cap = D_*_reg / population.
Writes the default outputs (x; per extension S, S_Y, M, D_*, _reg, _cap; not A, not L) under
OUT_DIR in the same layout, and prints JSON timings (seconds) and the BLAS in use on stdout.
Like pymrio it keeps Z, A and L alive and builds Y_diag, x_diag and x_trade as dense N x N.
"""

import json
import sys
import time

import numpy as np
import pandas as pd

import mrio_io


def main():
    src, out = sys.argv[1], sys.argv[2]
    t0 = time.perf_counter()
    s = mrio_io.read_system(src)
    t1 = time.perf_counter()

    Zdf, Ydf = s["Z"], s["Y"]
    idx = Zdf.index
    regions = list(dict.fromkeys(idx.get_level_values(0)))
    R = len(regions)
    N = Zdf.shape[0]
    n = N // R
    C = Ydf.shape[1] // R
    Z = Zdf.to_numpy()
    Y = Ydf.to_numpy()
    # calc_x, calc_A, calc_L
    x = np.sum(np.hstack((Z, Y)), axis=1)
    recix = mrio_io.recip(x)
    A = Z * recix.reshape((1, -1))
    L = np.linalg.inv(np.eye(N) - A)
    Y_agg = mrio_io.region_blocks(Y, R, C)
    y_vec = Y.sum(axis=0)
    pop = s["population"].to_numpy()[0] if "population" in s else None
    results = {}
    for name, e in s["ext"].items():
        F = e["F"].to_numpy()
        S = F * recix.reshape((1, -1))
        res = {"S": pd.DataFrame(S, index=e["F"].index, columns=e["F"].columns)}
        F_Y_agg = 0.0
        if "F_Y" in e:
            FY = e["F_Y"].to_numpy()
            res["S_Y"] = pd.DataFrame(FY * mrio_io.recip(y_vec).reshape((1, -1)),
                                      index=e["F_Y"].index, columns=e["F_Y"].columns)
            F_Y_agg = mrio_io.region_blocks(FY, R, C)
        res["M"] = S @ L
        # calc_accounts
        Y_diag = np.zeros((N, N))
        ar = np.arange(n)
        Y_diag.reshape(R, n, R, n)[:, ar, :, ar] = Y_agg.reshape(R, n, R).transpose(1, 0, 2)
        x_diag = L @ Y_diag
        x_tot = x_diag.sum(axis=1)
        del Y_diag
        D_cba = S @ x_diag
        D_pba = S * x_tot.reshape((1, -1))
        x_trade = x_diag.copy()
        xt4 = x_trade.reshape(R, n, R, n)
        for r in range(R):
            xt4[r, :, r, :] = 0.0
        D_imp = S @ x_trade
        x_exp = x_trade.sum(axis=1)
        D_exp = S * x_exp.reshape((1, -1))
        del x_diag, x_trade, xt4
        D = {"D_cba": D_cba, "D_pba": D_pba, "D_imp": D_imp, "D_exp": D_exp}
        mrio_io.add_accounts(res, D, R, n, F_Y_agg, pop)
        results[name] = res
    t2 = time.perf_counter()

    mrio_io.write_results(out, s, x, idx, regions, results, Zdf.columns)
    t3 = time.perf_counter()
    print(json.dumps({"program": "pymrio-style (numpy.linalg.inv)", "N": N,
                      "read": round(t1 - t0, 4), "compute": round(t2 - t1, 4),
                      "write": round(t3 - t2, 4), "total": round(t3 - t0, 4),
                      "blas": mrio_io.blas_info()}))


if __name__ == "__main__":
    main()

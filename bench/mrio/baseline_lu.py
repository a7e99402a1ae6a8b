#!/usr/bin/python3
"""LU baseline: the same results as baseline_pymrio.py without ever forming L (bench/mrio).

    baseline_lu.py IN_DIR OUT_DIR

A careful Python user's best: Z is turned into I - A in place and factorised by
scipy.linalg.lu_factor (LAPACK dgetrf, overwrite_a); every product with L is a solve:
  M^T = (I - A)^-T S^T                              one transposed solve, s right-hand sides
  D_cba[:, (k, j)] = sum_r M[:, (r, j)] Y_agg[(r, j), k]     (S L Y_diag, without x_diag)
  x_tot = L (Y e)  ->  D_pba = S diag(x_tot)
  X = L Y_agg (N x R);  x_dom[(r, i)] = X[(r, i), r]  ->  D_exp = S diag(x_tot - x_dom)
  D_imp = D_cba - D_dom, D_dom[:, (k, j)] = sum_r M_k[:, (r, j)] Y_agg[(r, j), k] with the
  region-restricted multipliers M_k = S_k L (S_k: S with the columns outside region k zeroed):
  one transposed solve with R s right-hand sides.
Reading, writing and the _reg/_cap forms are those of baseline_pymrio.py. Prints JSON timings.
"""

import json
import sys
import time

import numpy as np
import pandas as pd
import scipy.linalg

import mrio_io


def main():
    src, out = sys.argv[1], sys.argv[2]
    t0 = time.perf_counter()
    s = mrio_io.read_system(src)
    t1 = time.perf_counter()

    Zdf, Ydf = s["Z"], s["Y"]
    idx, zcols = Zdf.index, Zdf.columns
    regions = list(dict.fromkeys(idx.get_level_values(0)))
    R = len(regions)
    N = Zdf.shape[0]
    n = N // R
    C = Ydf.shape[1] // R
    Y = Ydf.to_numpy()
    B = Zdf.to_numpy()            # a view of the DataFrame's block where pandas allows it
    del Zdf
    s["Z"] = None
    x = B.sum(axis=1) + Y.sum(axis=1)
    recix = mrio_io.recip(x)
    B *= -recix.reshape((1, -1))  # -A, in place
    B[np.diag_indices(N)] += 1.0  # I - A
    # lu_factor works in place on a Fortran-ordered array; pandas' block is usually one (the
    # transpose of a C array): otherwise factorise (I - A)^T and flip the solves' transposition
    flip = 0 if B.flags.f_contiguous else 1
    lu = scipy.linalg.lu_factor(B if not flip else B.T, overwrite_a=True, check_finite=False)
    Y_agg = mrio_io.region_blocks(Y, R, C)
    y_vec = Y.sum(axis=0)
    pop = s["population"].to_numpy()[0] if "population" in s else None

    names = list(s["ext"])
    Ss = [s["ext"][k]["F"].to_numpy() * recix.reshape((1, -1)) for k in names]
    rows = [a.shape[0] for a in Ss]
    S_all = np.vstack(Ss)
    ns = S_all.shape[0]
    M_all = scipy.linalg.lu_solve(lu, S_all.T, trans=1 - flip, check_finite=False).T
    # region-restricted multipliers: rhs (N, R*ns): column (k, t) = S_all[t] on region k only
    Sk = np.zeros((N, R, ns))
    S3 = S_all.T.reshape(R, n, ns)
    for k in range(R):
        Sk[k * n:(k + 1) * n, k, :] = S3[k]
    Mk = scipy.linalg.lu_solve(lu, Sk.reshape(N, R * ns), trans=1 - flip, check_finite=False)
    del Sk
    Mk = Mk.reshape(R, n, R, ns)  # [r, j, k, t] = M_k[t, (r, j)]
    Ya3 = Y_agg.reshape(R, n, R)  # [r, j, k]
    X = scipy.linalg.lu_solve(lu, np.hstack((Y.sum(axis=1).reshape(-1, 1), Y_agg)),
                              trans=flip, check_finite=False)
    x_tot = X[:, 0]
    X3 = X[:, 1:].reshape(R, n, R)
    x_dom = X3[np.arange(R), :, np.arange(R)].reshape(N)  # [(r, i)] = X[(r, i), r]
    D_dom_all = np.einsum("rjkt,rjk->tkj", Mk, Ya3).reshape(ns, N)
    del Mk
    M3 = M_all.reshape(ns, R, n)
    D_cba_all = np.einsum("trj,rjk->tkj", M3, Ya3).reshape(ns, N)

    results = {}
    off = 0
    for name, S, m in zip(names, Ss, rows):
        e = s["ext"][name]
        sl = slice(off, off + m)
        off += m
        res = {"S": pd.DataFrame(S, index=e["F"].index, columns=e["F"].columns)}
        F_Y_agg = 0.0
        if "F_Y" in e:
            FY = e["F_Y"].to_numpy()
            res["S_Y"] = pd.DataFrame(FY * mrio_io.recip(y_vec).reshape((1, -1)),
                                      index=e["F_Y"].index, columns=e["F_Y"].columns)
            F_Y_agg = mrio_io.region_blocks(FY, R, C)
        res["M"] = M_all[sl]
        D = {"D_cba": D_cba_all[sl], "D_pba": S * x_tot.reshape((1, -1)),
             "D_imp": D_cba_all[sl] - D_dom_all[sl],
             "D_exp": S * (x_tot - x_dom).reshape((1, -1))}
        mrio_io.add_accounts(res, D, R, n, F_Y_agg, pop)
        results[name] = res
    t2 = time.perf_counter()

    mrio_io.write_results(out, s, x, idx, regions, results, zcols)
    t3 = time.perf_counter()
    print(json.dumps({"program": "numpy LU (scipy.linalg.lu_factor/lu_solve)", "N": N,
                      "read": round(t1 - t0, 4), "compute": round(t2 - t1, 4),
                      "write": round(t3 - t2, 4), "total": round(t3 - t0, 4),
                      "blas": mrio_io.blas_info()}))


if __name__ == "__main__":
    main()

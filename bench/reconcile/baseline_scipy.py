#!/usr/bin/python3
"""scipy.sparse implementation of the same reconciliation formulas as cambium (METHODS B.5),
for bench/reconcile: K = [A Q A', B; B', 0] factorised once with SuperLU (splu, COLAMD);
x^ = x - Q A' lambda, h = r' lambda, nu = m - p, the variance of every reconciled flow and
unknown from K^-1 applied to blocks of right-hand sides (as cambium, no dense inverse), and
z_i = |x^_i - x_i| / sqrt(Q_ii - Q^_ii). Reads the subset of the model grammar the generator
writes (process, flow, unit, comments); assumes, like the generated networks, independent
constraints and observable unknowns (splu fails otherwise).

    baseline_scipy.py MODEL OUT.csv [--dense]     prints {"compute": s, "read": s, ...}

--dense: numpy instead (SVD null space P of B', G = P A, explicit (G Q G')^-1), feasible up to
a few thousand flows."""
import json
import sys
import time

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spl

t0 = time.perf_counter()
path, out = sys.argv[1], sys.argv[2]
dense = "--dense" in sys.argv
proc = {}
names, ends, val, sdv = [], [], [], []
for line in open(path):
    line = line.split("#", 1)[0].strip()
    if not line:
        continue
    w = line.split()
    if w[0] == "process":
        proc[w[1]] = len(proc)
    elif w[0] == "flow":
        names.append(w[1])
        ends.append((proc.get(w[2], -1), proc.get(w[4], -1)))
        if w[5] == "?":
            val.append(np.nan); sdv.append(np.nan)
        else:
            val.append(float(w[6])); sdv.append(float(w[8]))
val = np.array(val); sdv = np.array(sdv)
meas = ~np.isnan(val)
xi = np.flatnonzero(meas); yi = np.flatnonzero(~meas)
m = len(proc)
rows, cols, data = [], [], []
for k, (a, b) in enumerate(ends):
    if a >= 0:
        rows.append(a); cols.append(k); data.append(-1.0)
    if b >= 0:
        rows.append(b); cols.append(k); data.append(1.0)
C = sp.csc_matrix((data, (rows, cols)), shape=(m, len(names)))
A = C[:, xi]; B = C[:, yi]
x = val[xi]; q = sdv[xi] ** 2
t1 = time.perf_counter()
n, p = len(xi), len(yi)
if not dense:
    M = (A @ sp.diags(q) @ A.T).tocsc()
    K = sp.bmat([[M, B], [B.T, None]], format="csc")
    lu = spl.splu(K)
    r = A @ x
    sol = lu.solve(np.concatenate([r, np.zeros(p)]))
    lam = sol[:m]
    xh = x - q * (A.T @ lam)
    y = -sol[m:]
    h = float(r @ lam)
    nu = m - p
    var_x = np.empty(n); drop = np.empty(n); var_y = np.empty(p)
    At = A.T.tocsr()
    blk = 500
    for s in range(0, n, blk):  # jx = e_i: rhs [A Q e_i; 0]
        e = min(n, s + blk)
        R = np.zeros((m + p, e - s))
        R[:m] = (A[:, s:e] @ sp.diags(q[s:e])).toarray()
        U = lu.solve(R)[:m]
        G = -(At @ U)                      # g = e_i - A'u
        G[np.arange(s, e), np.arange(e - s)] += 1
        var_x[s:e] = (q[:, None] * G * G).sum(axis=0)
        drop[s:e] = q[s:e] * (1 - G[np.arange(s, e), np.arange(e - s)])
    for s in range(0, p, blk):  # jy = e_j: rhs [0; e_j]
        e = min(p, s + blk)
        R = np.zeros((m + p, e - s))
        R[m + np.arange(s, e), np.arange(e - s)] = 1
        U = lu.solve(R)[:m]
        G = At @ U
        var_y[s:e] = (q[:, None] * G * G).sum(axis=0)
else:
    Ad = A.toarray(); Bd = B.toarray()
    u, sv, vt = np.linalg.svd(Bd.T)
    rank = int((sv > 1e-10 * max(sv.max(), 1)).sum())
    P = vt[rank:]
    G = P @ Ad
    S = G @ (q[:, None] * G.T)
    Si = np.linalg.inv(S)
    res = G @ x
    xh = x - q * (G.T @ (Si @ res))
    h = float(res @ Si @ res)
    nu = G.shape[0]
    QG = q[:, None] * G.T
    Qh_diag = q - np.einsum("ij,jk,ik->i", QG, Si, QG)
    var_x = Qh_diag; drop = q - Qh_diag
    Bp = np.linalg.pinv(Bd)
    y = -Bp @ (Ad @ xh)
    T = Bp @ Ad                             # y = -T x^ ; Q^ = Q - QG' S^-1 G Q
    Qh = np.diag(q) - QG @ Si @ QG.T
    var_y = np.einsum("ij,jk,ik->i", T, Qh, T)
t2 = time.perf_counter()
z = np.full(n, np.nan)
ok = drop > 1e-9 * q
z[ok] = np.abs(xh[ok] - x[ok]) / np.sqrt(drop[ok])
with open(out, "w") as f:
    f.write("flow,reconciled,sd_reconciled,z\n")
    for j, k in enumerate(xi):
        f.write(f"{names[k]},{xh[j]!r},{np.sqrt(var_x[j])!r},{z[j]!r}\n")
    for j, k in enumerate(yi):
        f.write(f"{names[k]},{y[j]!r},{np.sqrt(max(var_y[j], 0))!r},nan\n")
t3 = time.perf_counter()
print(json.dumps({"read": t1 - t0, "compute": t2 - t1, "write": t3 - t2, "h": h, "nu": nu,
                  "flows": len(names)}))

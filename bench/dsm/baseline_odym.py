"""ODYM-style baseline: the batch computed as ODYM's DynamicStockModel computes one model,
series after series (METHODS.md §B.4; IndEcol/ODYM src/odym/dynamic_stock_model.py).

    baseline_odym.py inflow INPUTS.csv LIFETIMES.csv OUT.csv [--limit N]
    baseline_odym.py stock  STOCKS.csv LIFETIMES.csv OUT.csv [--limit N]

Per series:
- the lifetime parameters are tiled to one value per cohort (as ODYM's constructor does);
- sf (T x T, year x cohort) is filled column by column, one scipy call per cohort c:
  sf[c:, c] = norm.sf(arange(T - c), loc=mean, scale=sd) or weibull_min.sf(..., c=shape,
  scale=scale), skipped (column 0) when mean = 0 or shape = 0 (compute_sf);
- inflow-driven: s_c = einsum('c,tc->tc', i, sf) (compute_s_c_inflow_driven), o_c[1:] =
  -diff(s_c, axis=0) and o_c[c, c] = i[c] - s_c[c, c] (compute_o_c_from_s_c), stock =
  s_c.sum(axis=1), outflow = o_c.sum(axis=1);
- stock-driven: compute_stock_driven_model without the negative-inflow correction, cohort by
  cohort: i[0] = s[0]/sf[0,0]; for m >= 1: o_c[m, :m] = s_c[m-1, :m] - s_c[m, :m],
  i[m] = (s[m] - s_c[m, :].sum()) / sf[m, m], s_c[m:, m] = i[m] sf[m:, m],
  o_c[m, m] = i[m] (1 - sf[m, m]); outflow = o_c.sum(axis=1), stock = the given stock.
Writes series,t,inflow,stock,outflow,stock_change (dsm_io.write_totals) and prints one JSON
line: times in s (read, compute = all series' models, write, total) and the library versions.
"""

import argparse
import json
import os
import sys
import time

t_start = time.perf_counter()
import numpy as np  # noqa: E402
import scipy.stats  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dsm_io  # noqa: E402


def compute_sf(T, kind, lt):
    sf = np.zeros((T, T))
    if kind == "normal":
        for m in range(T):
            if lt["Mean"][m] != 0:
                sf[m:, m] = scipy.stats.norm.sf(np.arange(0, T - m), loc=lt["Mean"][m], scale=lt["StdDev"][m])
    else:
        for m in range(T):
            if lt["Shape"][m] != 0:
                sf[m:, m] = scipy.stats.weibull_min.sf(np.arange(0, T - m), c=lt["Shape"][m], loc=0,
                                                       scale=lt["Scale"][m])
    return sf


def lifetime_dict(T, kind, prm):
    if kind == "normal":
        return {"Type": "Normal", "Mean": np.tile([prm["mean"]], T), "StdDev": np.tile([prm["sd"]], T)}
    return {"Type": "Weibull", "Shape": np.tile([prm["shape"]], T), "Scale": np.tile([prm["scale"]], T)}


def inflow_driven(i, kind, lt):
    T = len(i)
    sf = compute_sf(T, kind, lt)
    s_c = np.einsum("c,tc->tc", i, sf)
    o_c = np.zeros(s_c.shape)
    o_c[1:, :] = -1 * np.diff(s_c, n=1, axis=0)
    o_c[np.diag_indices(T)] = i - np.diag(s_c)
    return i, s_c.sum(axis=1), o_c.sum(axis=1)


def stock_driven(s, kind, lt):
    T = len(s)
    s_c = np.zeros((T, T))
    o_c = np.zeros((T, T))
    i = np.zeros(T)
    sf = compute_sf(T, kind, lt)
    if sf[0, 0] != 0:
        i[0] = s[0] / sf[0, 0]
    s_c[:, 0] = i[0] * sf[:, 0]
    o_c[0, 0] = i[0] - s_c[0, 0]
    for m in range(1, T):
        o_c[m, 0:m] = s_c[m - 1, 0:m] - s_c[m, 0:m]
        if sf[m, m] != 0:
            i[m] = (s[m] - s_c[m, :].sum()) / sf[m, m]
        s_c[m:, m] = i[m] * sf[m:, m]
        o_c[m, m] = i[m] * (1 - sf[m, m])
    return i, s, o_c.sum(axis=1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("case", choices=("inflow", "stock"))
    ap.add_argument("input")
    ap.add_argument("lifetimes")
    ap.add_argument("out")
    ap.add_argument("--limit", type=int, default=0, help="first N series only")
    a = ap.parse_args()

    t0 = time.perf_counter()
    series, years, x = dsm_io.read_long(a.input)
    if a.limit:
        series, x = series[:a.limit], x[:a.limit]
    specs = dsm_io.read_lifetimes(a.lifetimes, series)
    t1 = time.perf_counter()
    n, T = x.shape
    inflow, stock, outflow = np.empty((n, T)), np.empty((n, T)), np.empty((n, T))
    model = inflow_driven if a.case == "inflow" else stock_driven
    for k in range(n):
        kind, prm = specs[k]
        inflow[k], stock[k], outflow[k] = model(x[k], kind, lifetime_dict(T, kind, prm))
    t2 = time.perf_counter()
    dsm_io.write_totals(a.out, series, years, inflow, stock, outflow)
    t3 = time.perf_counter()
    out = {"program": "odym-style", "case": a.case, "series": n, "years": T,
           "read": t1 - t0, "compute": t2 - t1, "write": t3 - t2, "total": t3 - t_start}
    out.update(dsm_io.versions())
    print(json.dumps(out))


if __name__ == "__main__":
    main()

"""flodym-style baseline: the batch computed vectorised, as flodym's InflowDrivenDSM /
StockDrivenDSM compute a stock whose arrays carry the series as an extra dimension
(METHODS.md §B.4; pik-piam/flodym flodym/stocks.py, flodym/lifetime_models.py).

    baseline_flodym.py inflow INPUTS.csv LIFETIMES.csv OUT.csv [--batch N] [--solver manual|triangular] [--limit N]
    baseline_flodym.py stock  STOCKS.csv LIFETIMES.csv OUT.csv [...]

flodym holds one lifetime model per stock, so the series are grouped by distribution (normal,
Weibull) and each group is one "stock" with dims (t, series), computed in batches of --batch
series (default 0: the whole group at once). Arrays are laid out as flodym's: (t, c, series).
- sf: the whole T x T x n survival array at once by broadcasting: ages a = t - c as a 2-D array,
  scipy.stats.norm.sf(a, loc=mean, scale=sd) or weibull_min.sf(a, c=shape, loc=0, scale=scale)
  on the array, set to 0 where a < 0 (above the diagonal) and where mean = 0 or shape = 0. The
  ages are ODYM's integers (flodym's inflow_at="end" on yearly steps, not its "middle"
  default) so that the totals agree with the ODYM-style baseline.
- pdf (compute_outflow_pdf): pdf[t, c] = sf[t-1, c] - sf[t, c] by np.diff along t, pdf[c, c] =
  1 - sf[c, c].
- inflow-driven (_compute_stock, _compute_outflow): s_c = einsum('c...,tc...->tc...', i, sf),
  stock = s_c.sum(axis=1); o_c = einsum('c...,tc...->tc...', i, pdf), outflow = o_c.sum(axis=1).
- stock-driven (_compute_cohorts_and_inflow): forward substitution on sf i = s, year by year
  for all series of the batch at once: i[t] = (s[t] - sum_{c<t} sf[t, c] i[c]) / sf[t, t]
  (--solver manual, flodym's loop, the default), or scipy.linalg.solve_triangular(sf, s,
  lower=True) per series (--solver triangular); then s_c and o_c by einsum as above,
  stock = the given stock.
Writes series,t,inflow,stock,outflow,stock_change (dsm_io.write_totals) and prints one JSON
line: times in s (read, compute, write, total) and the library versions.
"""

import argparse
import json
import os
import sys
import time

t_start = time.perf_counter()
import numpy as np  # noqa: E402
import scipy.linalg  # noqa: E402
import scipy.stats  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dsm_io  # noqa: E402


def survival(kind, p1, p2, T):
    """(T, T, n) survival array for n series of one distribution; p1, p2 = (mean, sd) or (shape, scale)."""
    ages = (np.arange(T)[:, None] - np.arange(T)[None, :]).astype(float)
    a = ages[:, :, None]
    if kind == "normal":
        sf = scipy.stats.norm.sf(a, loc=p1[None, None, :], scale=p2[None, None, :])
    else:
        sf = scipy.stats.weibull_min.sf(a, c=p1[None, None, :], loc=0, scale=p2[None, None, :])
    sf[ages < 0] = 0.0
    sf[:, :, p1 == 0] = 0.0
    return sf


def outflow_pdf(sf):
    T = sf.shape[0]
    pdf = np.zeros_like(sf)
    pdf[1:] = -1 * np.diff(sf, axis=0)
    d = np.arange(T)
    pdf[d, d] = 1.0 - sf[d, d]
    return pdf


def inflow_driven(i, sf):
    """i: (T, n). Returns inflow, stock, outflow as (T, n)."""
    s_c = np.einsum("c...,tc...->tc...", i, sf)
    stock = s_c.sum(axis=1)
    del s_c
    o_c = np.einsum("c...,tc...->tc...", i, outflow_pdf(sf))
    return i, stock, o_c.sum(axis=1)


def stock_driven(s, sf, solver):
    T, n = s.shape
    if solver == "manual":
        i = np.zeros_like(s)
        for t in range(T):
            i[t] = (s[t] - (sf[t, :t] * i[:t]).sum(axis=0)) / sf[t, t]
    else:
        i = np.empty_like(s)
        for k in range(n):
            i[:, k] = scipy.linalg.solve_triangular(sf[:, :, k], s[:, k], lower=True)
    s_c = np.einsum("c...,tc...->tc...", i, sf)
    del s_c  # flodym keeps it as _stock_by_cohort; built here for the same work, totals come from s
    o_c = np.einsum("c...,tc...->tc...", i, outflow_pdf(sf))
    return i, s, o_c.sum(axis=1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("case", choices=("inflow", "stock"))
    ap.add_argument("input")
    ap.add_argument("lifetimes")
    ap.add_argument("out")
    ap.add_argument("--batch", type=int, default=0, help="series per batch (0: a whole distribution group)")
    ap.add_argument("--solver", choices=("manual", "triangular"), default="manual")
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
    for kind, keys in (("normal", ("mean", "sd")), ("weibull", ("shape", "scale"))):
        idx = np.array([k for k in range(n) if specs[k][0] == kind], dtype=np.int64)
        step = a.batch if a.batch > 0 else max(len(idx), 1)
        for b in range(0, len(idx), step):
            sel = idx[b:b + step]
            p1 = np.array([specs[k][1][keys[0]] for k in sel])
            p2 = np.array([specs[k][1][keys[1]] for k in sel])
            sf = survival(kind, p1, p2, T)
            v = np.ascontiguousarray(x[sel].T)  # (t, series)
            if a.case == "inflow":
                r = inflow_driven(v, sf)
            else:
                r = stock_driven(v, sf, a.solver)
            del sf
            inflow[sel], stock[sel], outflow[sel] = r[0].T, r[1].T, r[2].T
    t2 = time.perf_counter()
    dsm_io.write_totals(a.out, series, years, inflow, stock, outflow)
    t3 = time.perf_counter()
    out = {"program": "flodym-style", "case": a.case, "series": n, "years": T, "batch": a.batch,
           "solver": a.solver, "read": t1 - t0, "compute": t2 - t1, "write": t3 - t2, "total": t3 - t_start}
    out.update(dsm_io.versions())
    print(json.dumps(out))


if __name__ == "__main__":
    main()

"""Reading the batch and writing the per-series totals, shared by both baselines and compare.py
(bench/dsm). Nothing here is timed as "compute".

Input: a long CSV `series,t,VALUE` (series blocks in order, years ascending and the same for
every series) and `lifetimes.csv` `series,spec` with spec `normal:mean=M,sd=S` or
`weibull:shape=K,scale=L`. Output: `series,t,inflow,stock,outflow,stock_change` (the columns of
cambium's series.csv), numbers with %.17g.
"""

import csv
import os

import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from blasinfo import blas_info  # noqa: E402,F401  (re-exported)

import numpy as np  # noqa: E402


def read_long(path):
    """(series ids, years, values[n, T]) from a long CSV series,t,value."""
    a = np.loadtxt(path, delimiter=",", skiprows=1, dtype=float)
    sid = a[:, 0].astype(np.int64)
    starts = np.flatnonzero(np.r_[True, sid[1:] != sid[:-1]])
    n = len(starts)
    T = len(sid) // n
    if n * T != len(sid) or np.any(np.diff(starts) != T):
        raise ValueError("%s: every series must have the same number of years" % path)
    years = a[:T, 1].astype(np.int64)
    if np.any(a[:, 1].reshape(n, T) != years[None, :]):
        raise ValueError("%s: every series must have the same years" % path)
    return sid[starts], years, a[:, 2].reshape(n, T).copy()


def parse_spec(spec):
    """('normal', {'mean':..,'sd':..}) or ('weibull', {'shape':..,'scale':..})."""
    kind, _, rest = spec.partition(":")
    prm = {}
    for kv in rest.split(","):
        k, _, v = kv.partition("=")
        prm[k.strip()] = float(v)
    kind = kind.strip().lower()
    need = {"normal": ("mean", "sd"), "weibull": ("shape", "scale")}.get(kind)
    if need is None or set(prm) != set(need):
        raise ValueError("lifetime spec: expected normal:mean=M,sd=S or weibull:shape=K,scale=L, got '%s'" % spec)
    return kind, prm


def read_lifetimes(path, series):
    """Specs in the order of `series` (a list of ids)."""
    with open(path, newline="") as f:
        d = {int(r["series"]): parse_spec(r["spec"]) for r in csv.DictReader(f)}
    return [d[int(s)] for s in series]


def stock_change(stock):
    """ODYM's compute_stock_change: ds[0] = s[0], ds[t] = s[t] - s[t-1] (rows = series)."""
    ds = np.empty_like(stock)
    ds[:, 0] = stock[:, 0]
    ds[:, 1:] = np.diff(stock, axis=1)
    return ds


def write_totals(path, series, years, inflow, stock, outflow):
    """series,t,inflow,stock,outflow,stock_change for every series and year."""
    ds = stock_change(stock)
    with open(path, "w") as f:
        f.write("series,t,inflow,stock,outflow,stock_change\n")
        for k, s in enumerate(series):
            f.write("".join("%d,%d,%.17g,%.17g,%.17g,%.17g\n" % (s, y, i, st, o, c) for y, i, st, o, c in
                            zip(years, inflow[k], stock[k], outflow[k], ds[k])))


def versions():
    import scipy
    b = blas_info()
    return {"numpy": np.__version__, "scipy": scipy.__version__,
            "blas": b.get("openblas_config", ",".join(b["libraries"]) or "?"),
            "blas_threads": b.get("openblas_threads")}

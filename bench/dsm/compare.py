"""Compare two per-series totals files (bench/dsm).

    compare.py A B [--rtol 1e-9] [--floor 1e-12]

A and B are CSV files (or folders holding series.csv) with at least series,t,inflow,stock,outflow;
cambium's series.csv (series,t,inflow,stock,outflow,stock_change) and the baselines' output have
the same columns. Rows are matched on (series, t); both files must hold the same set. For each
column and series the difference counts as |a - b| / max(|a|, |b|, floor x max over that series
of |a|, |b|); the largest over all values is printed per column; exit 1 if any is above rtol.
stock_change (both files) is printed for information and not tested: it is s[t] - s[t-1] of
the stock column already tested, and near a plateau (|ds| ~ 1e-6 |s|) the last-bit rounding of
the two stocks alone gives it relative differences above 1e-9.
"""

import argparse
import os
import sys

import numpy as np


def load(path):
    if os.path.isdir(path):
        path = os.path.join(path, "series.csv")
    with open(path) as f:
        head = f.readline().strip().split(",")
    a = np.loadtxt(path, delimiter=",", skiprows=1, dtype=float, ndmin=2)
    if a.shape[1] != len(head):
        raise ValueError("%s: %d columns in the header, %d in the rows" % (path, len(head), a.shape[1]))
    cols = {h: a[:, k] for k, h in enumerate(head)}
    for need in ("series", "t", "inflow", "stock", "outflow"):
        if need not in cols:
            raise ValueError("%s: expected a column '%s', got %s" % (path, need, ",".join(head)))
    order = np.lexsort((cols["t"], cols["series"]))
    return {h: v[order] for h, v in cols.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--rtol", type=float, default=1e-9)
    ap.add_argument("--floor", type=float, default=1e-12)
    p = ap.parse_args()
    A, B = load(p.a), load(p.b)
    if len(A["series"]) != len(B["series"]) or np.any(A["series"] != B["series"]) or np.any(A["t"] != B["t"]):
        print("rows differ: %d (series, t) rows in %s, %d in %s" % (len(A["series"]), p.a, len(B["series"]), p.b))
        return 1
    sid = A["series"]
    starts = np.flatnonzero(np.r_[True, sid[1:] != sid[:-1]])
    worst_all = 0.0
    bad = False
    for col in ("inflow", "stock", "outflow", "stock_change"):
        if col not in A or col not in B:
            continue
        a, b = A[col], B[col]
        if np.any(np.isnan(a) != np.isnan(b)):
            print("%-13s NaN in one file and not in the other" % col)
            bad = True
            continue
        m = np.maximum(np.abs(a), np.abs(b))
        smax = np.maximum.reduceat(np.where(np.isnan(m), 0, m), starts)
        scale = np.maximum(m, p.floor * np.repeat(smax, np.diff(np.r_[starts, len(sid)])))
        with np.errstate(invalid="ignore", divide="ignore"):
            r = np.where(scale > 0, np.abs(a - b) / scale, 0.0)
        r = np.where(np.isnan(a) & np.isnan(b), 0.0, r)
        k = int(np.argmax(r))
        info = col == "stock_change"
        print("%-13s max rel diff %.3g  (series %d, t %d: %.17g vs %.17g)%s"
              % (col, r[k], sid[k], A["t"][k], a[k], b[k], "  [derived from stock: not tested]" if info else ""))
        if not info:
            worst_all = max(worst_all, r[k])
            bad = bad or r[k] > p.rtol
    print("%s: %d series x %d years, largest relative difference of inflow, stock, outflow %.3g (tolerance %g, floor %g x series max)"
          % ("FAIL" if bad else "ok", len(starts), len(sid) // max(len(starts), 1), worst_all, p.rtol, p.floor))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

"""Write the dynamic-stock-model benchmark batch, deterministically from a seed.

    gen.py OUTDIR [--series 1000] [--years 200] [--first-year 1901] [--seed 1]

OUTDIR/inputs.csv     series,t,inflow   inflow-driven case: logistic growth of the yearly inflow,
                                        multiplicative noise (5 %), clipped at 0
OUTDIR/stocks.csv     series,t,stock    stock-driven case: logistic stock with a slowly wandering
                                        (AR(1), 0.3 %) multiplicative disturbance, so that the
                                        implied inflows stay mostly non-negative
OUTDIR/lifetimes.csv  series,spec       odd series  normal:mean=M,sd=S     M in 10..40, S = 0.2..0.4 M
                                        even series weibull:shape=K,scale=L K in 1.5..4, L such that the
                                                    mean L Gamma(1 + 1/K) is in 10..40
Series are numbered 1..N, years first-year .. first-year + years - 1. Values are written with 12
significant digits (parameters with 6), so every program reads the same decimal text. Uses
numpy's PCG64 generator; prints one line on stderr describing the batch.
"""

import argparse
import csv
import math
import os
import sys

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--series", type=int, default=1000)
    ap.add_argument("--years", type=int, default=200)
    ap.add_argument("--first-year", type=int, default=1901)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    n, T = a.series, a.years
    rng = np.random.Generator(np.random.PCG64(a.seed))
    os.makedirs(a.outdir, exist_ok=True)
    years = a.first_year + np.arange(T)
    tt = np.arange(T, dtype=float)

    # inflow-driven: i(t) = K / (1 + exp(-r (t - t0))) * (1 + 0.05 eps), clipped at 0
    K = rng.uniform(1e3, 1e6, n)
    r = rng.uniform(0.03, 0.12, n)
    t0 = rng.uniform(0.25, 0.75, n) * T
    base = K[:, None] / (1.0 + np.exp(-r[:, None] * (tt[None, :] - t0[:, None])))
    inflow = np.maximum(base * (1.0 + 0.05 * rng.standard_normal((n, T))), 0.0)

    # stock-driven: S(t) = K / (1 + exp(-r (t - t0))) * exp(d(t)), d an AR(1) with small steps
    Ks = rng.uniform(1e4, 1e7, n)
    rs = rng.uniform(0.02, 0.08, n)
    t0s = rng.uniform(0.3, 0.7, n) * T
    d = np.zeros((n, T))
    e = 0.003 * rng.standard_normal((n, T))
    for t in range(1, T):
        d[:, t] = 0.9 * d[:, t - 1] + e[:, t]
    stock = Ks[:, None] / (1.0 + np.exp(-rs[:, None] * (tt[None, :] - t0s[:, None]))) * np.exp(d)

    # lifetimes: alternate normal (odd series) and Weibull (even series)
    mean = rng.uniform(10.0, 40.0, n)
    cv = rng.uniform(0.2, 0.4, n)
    shape = rng.uniform(1.5, 4.0, n)
    specs = []
    for s in range(n):
        if s % 2 == 0:
            m = float("%.6g" % mean[s])
            specs.append("normal:mean=%.6g,sd=%.6g" % (m, cv[s] * m))
        else:
            k = float("%.6g" % shape[s])
            specs.append("weibull:shape=%.6g,scale=%.6g" % (k, mean[s] / math.gamma(1.0 + 1.0 / k)))

    def write_long(name, col, v):
        with open(os.path.join(a.outdir, name), "w") as f:
            f.write("series,t,%s\n" % col)
            for s in range(n):
                f.write("".join("%d,%d,%.12g\n" % (s + 1, years[t], v[s, t]) for t in range(T)))

    write_long("inputs.csv", "inflow", inflow)
    write_long("stocks.csv", "stock", stock)
    with open(os.path.join(a.outdir, "lifetimes.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["series", "spec"])
        for s in range(n):
            w.writerow([s + 1, specs[s]])
    print("gen: %d series x %d years (%d-%d), seed %d, %d normal + %d Weibull lifetimes"
          % (n, T, years[0], years[-1], a.seed, (n + 1) // 2, n // 2), file=sys.stderr)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Reference vectors for cambium's dynamic stock models (tests/unit/test_dsm_ref.c).

Implements ODYM's DynamicStockModel formulas literally (IndEcol/ODYM,
src/odym/dynamic_stock_model.py @0da9fcb, as restated in METHODS.md B.4) with numpy and
scipy.stats, independently of the C code: the survival table sf[t, c] is computed column by
column as ODYM's compute_sf does (norm.sf, foldnorm.sf, lognorm.sf with ODYM's conversion,
weibull_min.sf, the fixed rule), then compute_s_c_inflow_driven / compute_o_c_from_s_c and
compute_stock_driven_model (with and without NegativeInflowCorrect). Two extra cases follow
flodym's 'middle' timing (sf at age a + 0.5) and the EU WEEE rule (outflow = Weibull pdf at
a + 0.5), and one lognormal case uses the correct moment conversion (flodym since 0074dac).

Run:  /usr/bin/python3 tests/data/dsm/make_reference.py   (writes cases.csv and ref_*.csv here)
"""
import csv
import math
import os

import numpy as np
import scipy.stats

HERE = os.path.dirname(os.path.abspath(__file__))
T = 60
t = np.arange(T)


def compute_sf(dist, p0, p1, shift=0.0, lognormal="odym"):
    """ODYM compute_sf: column m holds the survival of cohort m over ages 0 .. T-1-m."""
    sf = np.zeros((T, T))
    for m in range(T):
        ages = np.arange(0, T - m) + shift
        if dist == "fixed":
            sf[m:, m] = np.multiply(1, (ages < p0[m]))
        elif dist == "normal":
            if p0[m] != 0:
                sf[m:, m] = scipy.stats.norm.sf(ages, loc=p0[m], scale=p1[m])
        elif dist == "foldnorm":
            if p0[m] != 0:
                sf[m:, m] = scipy.stats.foldnorm.sf(ages, p0[m] / p1[m], 0, scale=p1[m])
        elif dist == "lognormal":
            if lognormal == "odym":
                lt_ln = np.log(p0[m] / np.sqrt(1 + p0[m] * p0[m] / (p1[m] * p1[m])))
                sg_ln = np.sqrt(np.log(1 + p0[m] * p0[m] / (p1[m] * p1[m])))
            else:
                lt_ln = np.log(p0[m] ** 2 / np.sqrt(p0[m] ** 2 + p1[m] ** 2))
                sg_ln = np.sqrt(np.log(1 + p1[m] ** 2 / p0[m] ** 2))
            sf[m:, m] = scipy.stats.lognorm.sf(ages, s=sg_ln, loc=0, scale=np.exp(lt_ln))
        elif dist == "weibull":
            if p0[m] != 0:
                sf[m:, m] = scipy.stats.weibull_min.sf(ages, c=p0[m], loc=0, scale=p1[m])
        else:
            raise ValueError(dist)
    return sf


def inflow_driven(i, sf):
    s_c = np.einsum("c,tc->tc", i, sf)
    o_c = np.zeros_like(s_c)
    o_c[1:, :] = -1 * np.diff(s_c, n=1, axis=0)
    o_c[np.diag_indices(T)] = i - np.diag(s_c)
    return s_c, o_c, i


def stock_driven(s, sf, correct):
    s_c = np.zeros((T, T))
    o_c = np.zeros((T, T))
    i = np.zeros(T)
    if sf[0, 0] != 0:
        i[0] = s[0] / sf[0, 0]
    s_c[:, 0] = i[0] * sf[:, 0]
    o_c[0, 0] = i[0] - s_c[0, 0]
    for m in range(1, T):
        o_c[m, 0:m] = s_c[m - 1, 0:m] - s_c[m, 0:m]
        if not correct:
            if sf[m, m] != 0:
                i[m] = (s[m] - s_c[m, :].sum()) / sf[m, m]
            s_c[m:, m] = i[m] * sf[m:, m]
            o_c[m, m] = i[m] * (1 - sf[m, m])
        else:
            i[m] = s[m] - s_c[m, :].sum()
            if i[m] < 0:
                delta = -1 * i[m]
                i[m] = 0
                if s_c[m, :].sum() != 0:
                    delta_percent = delta / s_c[m, :].sum()
                else:
                    delta_percent = 0
                o_c[m, :] = o_c[m, :] + s_c[m, :] * delta_percent
                s_c[m:, 0:m] = s_c[m:, 0:m] * (1 - delta_percent)
            else:
                if sf[m, m] != 0:
                    i[m] = (s[m] - s_c[m, :].sum()) / sf[m, m]
                s_c[m:, m] = i[m] * sf[m:, m]
                o_c[m, m] = i[m] * (1 - sf[m, m])
    return s_c, o_c, i


def weee(i, shape, scale):
    """EU WEEE methodology: WEEE(n) = sum_{y<=n} POM(y) dweibull(n - y + 0.5)."""
    o_c = np.zeros((T, T))
    for c in range(T):
        ages = np.arange(0, T - c) + 0.5
        o_c[c:, c] = i[c] * scipy.stats.weibull_min.pdf(ages, c=shape, loc=0, scale=scale)
    s_c = np.zeros((T, T))
    for c in range(T):
        s_c[c:, c] = i[c] - np.cumsum(o_c[c:, c])
    return s_c, o_c, i


INFLOW = 100.0 + 40.0 * np.sin(t / 6.0) + 2.0 * t
STOCK = 5000.0 / (1.0 + np.exp(-(t - 25.0) / 6.0))
# A stock that rises, then falls faster than the cohorts retire (negative inflows).
STOCK_DOWN = np.where(t < 30, 100.0 * t, np.maximum(3000.0 - 250.0 * (t - 30), 800.0))

CASES = [
    # name, driver, dist, p0, p1, timing, lognormal, negative, values
    ("in_fixed", "inflow", "fixed", 20.0, 0.0, "odym", "odym", "allow", INFLOW),
    ("in_normal", "inflow", "normal", 20.0, 5.0, "odym", "odym", "allow", INFLOW),
    ("in_foldnorm", "inflow", "foldnorm", 8.0, 6.0, "odym", "odym", "allow", INFLOW),
    ("in_weibull", "inflow", "weibull", 2.5, 22.0, "odym", "odym", "allow", INFLOW),
    ("in_lognormal_odym", "inflow", "lognormal", 30.0, 12.0, "odym", "odym", "allow", INFLOW),
    ("in_lognormal", "inflow", "lognormal", 30.0, 12.0, "odym", "moments", "allow", INFLOW),
    ("st_fixed", "stock", "fixed", 20.0, 0.0, "odym", "odym", "allow", STOCK),
    ("st_normal", "stock", "normal", 20.0, 5.0, "odym", "odym", "allow", STOCK),
    ("st_weibull", "stock", "weibull", 2.5, 22.0, "odym", "odym", "allow", STOCK),
    ("st_lognormal_odym", "stock", "lognormal", 30.0, 12.0, "odym", "odym", "allow", STOCK),
    ("st_foldnorm", "stock", "foldnorm", 8.0, 6.0, "odym", "odym", "allow", STOCK),
    ("st_down_allow", "stock", "normal", 15.0, 4.0, "odym", "odym", "allow", STOCK_DOWN),
    ("st_down_correct", "stock", "normal", 15.0, 4.0, "odym", "odym", "correct", STOCK_DOWN),
    ("st_down_correct_w", "stock", "weibull", 1.8, 12.0, "odym", "odym", "correct", STOCK_DOWN),
    ("in_normal_cohort", "inflow", "normal", None, None, "odym", "odym", "allow", INFLOW),
    ("st_weibull_cohort", "stock", "weibull", None, None, "odym", "odym", "allow", STOCK),
    ("in_normal_middle", "inflow", "normal", 20.0, 5.0, "middle", "odym", "allow", INFLOW),
    ("in_weibull_weee", "inflow", "weibull", 2.2, 9.0, "weee", "odym", "allow", INFLOW),
]


def params(name, dist, p0, p1):
    if p0 is not None:
        return np.full(T, p0), np.full(T, p1)
    if dist == "normal":  # lifetime extension: later cohorts last longer
        return 15.0 + 0.2 * t, 3.0 + 0.05 * t
    return 1.5 + 0.02 * t, 18.0 + 0.1 * t


def main():
    with open(os.path.join(HERE, "cases.csv"), "w", newline="") as fh:
        idx = csv.writer(fh, lineterminator="\n")
        idx.writerow(["case", "driver", "dist", "per_cohort", "timing", "lognormal", "negative"])
        for name, driver, dist, p0, p1, timing, logn, neg, values in CASES:
            q0, q1 = params(name, dist, p0, p1)
            if timing == "weee":
                s_c, o_c, i = weee(values, q0[0], q1[0])
            else:
                sf = compute_sf(dist, q0, q1, 0.5 if timing == "middle" else 0.0, logn)
                if driver == "inflow":
                    s_c, o_c, i = inflow_driven(values, sf)
                else:
                    s_c, o_c, i = stock_driven(values, sf, neg == "correct")
            idx.writerow([name, driver, dist, 1 if p0 is None else 0, timing, logn, neg])
            with open(os.path.join(HERE, "ref_%s.csv" % name), "w", newline="") as f2:
                w = csv.writer(f2, lineterminator="\n")
                w.writerow(["t", "input", "p0", "p1", "inflow", "stock", "outflow"])
                for k in range(T):
                    w.writerow([k] + [repr(float(x)) for x in (values[k], q0[k], q1[k], i[k],
                                                                s_c[k, :].sum(), o_c[k, :].sum())])


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Baseline for bench/crit-mc: the Monte Carlo of `cambium crit mc` written vectorised in numpy.

Reads the inputs that `cambium crit mc --export-inputs FILE.json` writes (bound shares, scaled
WGI and its standard error, IR, EoL-RIR, SI, end uses, the distributions) and runs the same
model: one WGI draw per country shared by all materials, Dirichlet shares with the same lump of
small shares, uniform +/-20 % on IR, EoL-RIR, SI_SR, SI_EI, the same clamps and the same
decision (values rounded to one decimal). numpy's generator is not cambium's, so results agree
statistically, not bit for bit.

usage: baseline_mc.py INPUTS.json DRAWS SEED OUT.csv   (prints the seconds of the draw loop)
"""
import csv
import json
import math
import sys
import time
import warnings

import numpy as np

CHUNK = 10000


def perturb(rng, base, dist, n):
    kind = dist["distribution"]
    if base is None or kind == "none":
        return None if base is None else np.full(n, base)
    h = dist["relative"] * abs(base) if dist["relative"] is not None else dist["absolute"]
    if kind == "uniform":
        x = base + h * rng.uniform(-1.0, 1.0, n)
    elif kind == "triangular":
        x = base + h * rng.triangular(-1.0, 0.0, 1.0, n)
    else:
        x = base + h * rng.standard_normal(n)
    lo = -math.inf if dist["min"] is None else dist["min"]
    hi = math.inf if dist["max"] is None else dist["max"]
    return np.clip(x, lo, hi)


def round1(x):
    return np.floor(x * 10.0 + 0.5 + 1e-9) / 10.0


def main():
    path, draws, seed, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    with open(path) as f:
        inp = json.load(f)
    d = inp["distributions"]
    wgi = inp["wgi"]
    scaled = np.array([w["scaled"] for w in wgi])
    se = np.array([w["scaled_se"] for w in wgi]) * d["wgi"]["sd_scale"]
    conc, lump_below = d["shares"]["concentration"], d["shares"].get("lump_below", 1.0)
    renorm = inp["renormalise"]
    va_max = inp["va_max"] or 1.0
    thr_sr, thr_ei, rnd = inp["sr_threshold"], inp["ei_threshold"], inp["round_decision"]
    mats = inp["materials"]
    # plans: per material, per stage, per scope: (big alphas, big idx, lump alpha, lump idx, ...)
    plans = []
    for m in mats:
        st = []
        for s in m["stages"]:
            scopes = []
            for sc in s["scopes"]:
                a = np.array([x[0] for x in sc], dtype=float)
                t = np.array([x[1] for x in sc], dtype=float)
                wi = np.array([x[2] for x in sc], dtype=int)
                tot = a.sum() if len(a) else 0.0
                alpha = conc * a / tot if tot > 0 else a * 0
                big = alpha >= lump_below
                small = (alpha > 0) & ~big
                scopes.append((a, t, wi, tot, alpha, big, small))
            st.append(scopes)
        plans.append(st)
    rng = np.random.default_rng(seed)
    n_m = len(mats)
    sr_all = np.empty((n_m, draws))
    ei_all = np.empty((n_m, draws))
    crit = np.zeros(n_m)
    t0 = time.perf_counter()
    for start in range(0, draws, CHUNK):
        n = min(CHUNK, draws - start)
        w = np.clip(scaled + se * rng.standard_normal((n, len(scaled))), d["wgi"]["min"], d["wgi"]["max"])
        for i, m in enumerate(mats):
            eol = perturb(rng, m["eol_rir"], d["eol_rir"], n)
            eol = np.zeros(n) if eol is None else eol
            si_sr = perturb(rng, m["si_sr"], d["si_sr"], n)
            si_sr = np.ones(n) if si_sr is None else si_sr
            sr = np.full(n, np.nan)
            for k, s in enumerate(m["stages"]):
                if not s["assessed"]:
                    continue
                hh = []
                for (a, t, wi, tot, alpha, big, small) in plans[i][k]:
                    if len(a) == 0:
                        hh.append(None)
                        continue
                    g = np.zeros((n, len(a)))
                    if big.any():
                        g[:, big] = rng.gamma(alpha[big], size=(n, int(big.sum())))
                    if small.any():
                        gl = rng.gamma(alpha[small].sum(), size=n)
                        g[:, small] = gl[:, None] * (a[small] / a[small].sum())[None, :]
                    gs = g.sum(axis=1, keepdims=True)
                    sh = np.where(gs > 0, g * (tot / np.where(gs > 0, gs, 1)), a[None, :])
                    if renorm:
                        sh = sh / sh.sum(axis=1, keepdims=True)
                    hh.append((sh * sh * w[:, wi] * t[None, :]).sum(axis=1))
                ir = perturb(rng, s["import_reliance"], d["import_reliance"], n)
                mode = s["mode"]
                if mode == "GS+EU":
                    core = hh[0] * ir / 2 + hh[1] * (1 - ir / 2)
                elif mode == "GSonly":
                    core = hh[0]
                else:
                    core = hh[1]
                v = core * (1 - eol) * si_sr
                sr = np.where(np.isnan(sr) | (v > sr), v, sr)
            eus = m["enduses"]
            if eus:
                tot = sum(e["share"] * e["value_added"] for e in eus if e["value_added"] is not None)
                with_va = sum(e["share"] for e in eus if e["value_added"] is not None)
                every = sum(e["share"] for e in eus)
                if inp.get("ei_pro_rata") and with_va > 0 and every - with_va > 0:
                    tot += (every - with_va) * tot / with_va  # "Other" uses pro rata
                si_ei = perturb(rng, m["si_ei"], d["si_ei"], n)
                si_ei = np.ones(n) if si_ei is None else si_ei
                ei = 10.0 * tot / va_max * si_ei
            elif inp.get("ei_published_fallback") and m.get("ei_published") is not None:
                ei = np.full(n, m["ei_published"])
            else:
                ei = np.full(n, np.nan)
            srd, eid = (round1(sr), round1(ei)) if rnd else (sr, ei)
            with np.errstate(invalid="ignore"):
                crit[i] += np.count_nonzero((srd >= thr_sr - 1e-9) & (eid >= thr_ei - 1e-9))
            sr_all[i, start:start + n] = sr
            ei_all[i, start:start + n] = ei
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        q_sr = np.nanpercentile(sr_all, [5, 50, 95], axis=1)
        q_ei = np.nanpercentile(ei_all, [5, 50, 95], axis=1)
    seconds = time.perf_counter() - t0
    with open(out, "w", newline="") as f:
        wr = csv.writer(f)
        wr.writerow(["material", "p_critical", "sr_p5", "sr_p50", "sr_p95", "ei_p5", "ei_p50", "ei_p95"])
        for i, m in enumerate(mats):
            wr.writerow([m["material"], crit[i] / draws] + [q_sr[j, i] for j in range(3)] +
                        [q_ei[j, i] for j in range(3)])
    print("%.3f" % seconds)


if __name__ == "__main__":
    main()

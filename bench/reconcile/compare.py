#!/usr/bin/python3
"""Compare cambium's recon_flows.csv with a baseline's CSV: the largest relative difference
of reconciled values and standard deviations (floor 1e-9 x the largest value).

    compare.py CAMBIUM_DIR/recon_flows.csv BASELINE.csv   prints "max rel diff value X sd Y"
"""
import csv
import sys

a = {r["flow"]: r for r in csv.DictReader(open(sys.argv[1]))}
b = {r["flow"]: r for r in csv.DictReader(open(sys.argv[2]))}
assert set(a) == set(b), "different flows"
big = max(abs(float(r["reconciled"])) for r in b.values())
dv = ds = 0.0
for k, r in b.items():
    va, vb = float(a[k]["reconciled"]), float(r["reconciled"])
    sa, sb = float(a[k]["sd_reconciled"]), float(r["sd_reconciled"])
    dv = max(dv, abs(va - vb) / max(abs(vb), 1e-9 * big))
    ds = max(ds, abs(sa - sb) / max(abs(sb), 1e-9 * big))
print(f"max rel diff value {dv:.2g} sd {ds:.2g}")
sys.exit(0 if dv < 1e-7 and ds < 1e-6 else 1)

#!/usr/bin/python3
"""pandas baseline of the trade benchmark: one BACI year, importer-side concentration.

    baseline_pandas.py BACI_CSV OUTDIR [--top=max|sort|idxmax] [--na=explicit|skipspace]

Reads the CSV with pandas.read_csv as a careful user would (dtype per column: t, i, j, k int32,
v, q float64; BACI's missing quantities "           NA", right-aligned, as NA values), then, all
by groupby and vectorised columns:

per (importer j, product k)   value = sum v (thousand USD); quantity = sum of the known q
                              (tonnes; empty when none is known); n_missing_q = rows whose q is
                              missing (not counted as zero); unit_value = value of the rows with a
                              known q / quantity (thousand USD per tonne = USD per kg; empty when
                              no quantity); n_partners = exporters; hhi = sum over exporters of
                              (v_i / value)^2; top_partner = the largest exporter (smallest code
                              among equal values: --top=max, the default, by a groupby
                              transform; --top=sort by one sort, 17 times slower; --top=idxmax,
                              slower still) and top_share its share
per product k                 value (world imports), n_importers, importer_hhi = sum over
                              importers of (value_j / world value)^2, n_exporters, exporter_hhi =
                              sum over exporters of (exports_i / world value)^2

Writes OUTDIR/importer_product.csv (importer, product, value, quantity, n_missing_q, unit_value,
n_partners, hhi, top_partner, top_share; sorted by importer then product) and OUTDIR/product.csv
(product, value, n_importers, importer_hhi, n_exporters, exporter_hhi; sorted by product),
products on six digits as in BACI ("010121"), numbers as pandas writes them (repr), an unknown
number (no quantity known, so no unit value) as an empty field. Prints one line of JSON: {"read", "compute", "write", "total"} in seconds,
plus the row and group counts.
"""
import json
import os
import sys
import time

import numpy as np
import pandas as pd

DTYPE = {"t": np.int32, "i": np.int32, "j": np.int32, "k": np.int32, "v": np.float64, "q": np.float64}


def read(path, na):
    if na == "skipspace":
        return pd.read_csv(path, dtype=DTYPE, na_values=["NA"], keep_default_na=False,
                           skipinitialspace=True)
    return pd.read_csv(path, dtype=DTYPE, na_values=["NA", "           NA"], keep_default_na=False)


def compute(df, top):
    known = df["q"].notna()
    df["v2"] = df["v"] * df["v"]
    df["vq"] = df["v"].where(known, 0.0)
    df["nq"] = ~known
    g = df.groupby(["j", "k"], sort=True)
    a = g.agg(value=("v", "sum"), v2=("v2", "sum"), vmax=("v", "max"), vq=("vq", "sum"),
              n_missing_q=("nq", "sum"), n_partners=("i", "size"))
    a["quantity"] = g["q"].sum(min_count=1)
    a["unit_value"] = a["vq"] / a["quantity"]
    a["hhi"] = a["v2"] / (a["value"] * a["value"])
    a["top_share"] = a["vmax"] / a["value"]
    if top == "idxmax":
        # first maximum in file order (BACI rows are sorted by exporter: the smallest code);
        # pandas 1.5 runs this group by group in Python: about 20 times slower
        a["top_partner"] = df["i"].to_numpy()[g["v"].idxmax().to_numpy()]
    elif top == "sort":
        # one sort of all rows, largest value first, smallest exporter code among equal values
        s = df[["j", "k", "v", "i"]].sort_values(["j", "k", "v", "i"],
                                                  ascending=[True, True, False, True])
        a["top_partner"] = s.drop_duplicates(["j", "k"], keep="first")["i"].to_numpy()
    else:
        # the rows equal to their group's maximum, then the smallest exporter code among them
        m = df["v"].to_numpy() == g["v"].transform("max").to_numpy()
        a["top_partner"] = df.loc[m, ["j", "k", "i"]].groupby(["j", "k"], sort=True)["i"].min().to_numpy()
    a = a.reset_index()
    p = a.assign(value2=a["value"] * a["value"]).groupby("k", sort=True).agg(
        value=("value", "sum"), value2=("value2", "sum"), n_importers=("j", "size"))
    p["importer_hhi"] = p["value2"] / (p["value"] * p["value"])
    e = df.groupby(["k", "i"], sort=True)["v"].sum().reset_index()
    e["v2"] = e["v"] * e["v"]
    e = e.groupby("k", sort=True).agg(exports=("v", "sum"), v2=("v2", "sum"), n_exporters=("i", "size"))
    p["n_exporters"] = e["n_exporters"]
    p["exporter_hhi"] = e["v2"] / (e["exports"] * e["exports"])
    return a, p.reset_index()


def write(a, p, outdir):
    os.makedirs(outdir, exist_ok=True)
    out = pd.DataFrame({
        "importer": a["j"], "product": a["k"].map("{:06d}".format), "value": a["value"],
        "quantity": a["quantity"], "n_missing_q": a["n_missing_q"], "unit_value": a["unit_value"],
        "n_partners": a["n_partners"], "hhi": a["hhi"], "top_partner": a["top_partner"],
        "top_share": a["top_share"]})
    out.to_csv(os.path.join(outdir, "importer_product.csv"), index=False)
    pd.DataFrame({"product": p["k"].map("{:06d}".format), "value": p["value"],
                  "n_importers": p["n_importers"], "importer_hhi": p["importer_hhi"],
                  "n_exporters": p["n_exporters"], "exporter_hhi": p["exporter_hhi"]}).to_csv(
        os.path.join(outdir, "product.csv"), index=False)


def main(argv):
    args = [x for x in argv[1:] if not x.startswith("--")]
    opts = dict(x[2:].split("=", 1) if "=" in x else (x[2:], "") for x in argv[1:] if x.startswith("--"))
    if len(args) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    top = opts.get("top", "max")
    na = opts.get("na", "explicit")
    t0 = time.perf_counter()
    df = read(args[0], na)
    t1 = time.perf_counter()
    a, p = compute(df, top)
    t2 = time.perf_counter()
    write(a, p, args[1])
    t3 = time.perf_counter()
    print(json.dumps({"read": round(t1 - t0, 4), "compute": round(t2 - t1, 4), "write": round(t3 - t2, 4),
                      "total": round(t3 - t0, 4), "rows": len(df), "pairs": len(a), "products": len(p),
                      "top": top, "na": na, "pandas": pd.__version__}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

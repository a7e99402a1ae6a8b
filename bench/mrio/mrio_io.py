"""Reading and writing pymrio's folder format with pandas, as pymrio's load_all/save_all do.

Shared by baseline_pymrio.py, baseline_lu.py and compare.py (bench/mrio). Each folder has a
file_parameters.json naming its tables with their index columns and header rows; every table
is read with pandas.read_csv(sep="\t", index_col=..., header=...) and written with
DataFrame.to_csv(sep="\t") (pandas' default float format: shortest round-trip text).
"""

import json
import os

import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from blasinfo import blas_info  # noqa: E402,F401  (re-exported)

import numpy as np  # noqa: E402
import pandas as pd


def read_table(folder, para):
    nic, nh = int(para["nr_index_col"]), int(para["nr_header"])
    return pd.read_csv(
        os.path.join(folder, para["name"]),
        sep="\t",
        index_col=list(range(nic)) if nic > 1 else 0,
        header=list(range(nh)) if nh > 1 else 0,
    )


def read_params(folder):
    with open(os.path.join(folder, "file_parameters.json")) as f:
        return json.load(f)


def read_system(path):
    """The system as a dict: Z, Y, population (DataFrames) and ext: {name: {F, F_Y?}}, in the
    order of the folder listing (sorted)."""
    fp = read_params(path)
    sysd = {"ext": {}}
    for key, para in fp["files"].items():
        if key in ("Z", "Y", "population"):
            sysd[key] = read_table(path, para)
    for sub in sorted(os.listdir(path)):
        d = os.path.join(path, sub)
        if not os.path.isfile(os.path.join(d, "file_parameters.json")):
            continue
        efp = read_params(d)
        ext = {"name": efp.get("name", sub)}
        for key, para in efp["files"].items():
            if key in ("F", "F_Y"):
                ext[key] = read_table(d, para)
        sysd["ext"][sub] = ext
    return sysd


def _params_entry(df, name):
    nic = df.index.nlevels
    nh = df.columns.nlevels
    return {"name": name + ".txt", "nr_index_col": str(nic), "nr_header": str(nh)}


def write_tables(folder, tables, extra=None):
    """Write {name: DataFrame} as name.txt in folder with its file_parameters.json."""
    os.makedirs(folder, exist_ok=True)
    files = {}
    for name, df in tables.items():
        df.to_csv(os.path.join(folder, name + ".txt"), sep="\t")
        files[name] = _params_entry(df, name)
    para = {"files": files}
    if extra:
        para.update(extra)
    with open(os.path.join(folder, "file_parameters.json"), "w") as f:
        json.dump(para, f, indent=4)


def region_blocks(Yv, R, C):
    """Y (N x R C, region-major columns) summed over categories: N x R (pymrio's Y_agg)."""
    return Yv.reshape(Yv.shape[0], R, C).sum(axis=2)


def recip(v):
    """1/v with 0 where v = 0 (pymrio's convention)."""
    with np.errstate(divide="ignore"):
        r = 1.0 / v
    r[np.isinf(r)] = 0.0
    return r


def add_accounts(res, D, R, n, F_Y_agg, pop):
    """Store the four accounts D with their _reg (D_cba and D_pba add F_Y by region, as
    pymrio) and _cap forms into res."""
    for k, v in D.items():
        res[k] = v
        reg = v.reshape(v.shape[0], R, n).sum(axis=2)
        if k in ("D_cba", "D_pba"):
            reg = reg + F_Y_agg
        res[k + "_reg"] = reg
        if pop is not None:
            res[k + "_cap"] = reg * (1.0 / pop).reshape((1, -1))


def write_results(out, s, x, idx, regions, results, sector_cols):
    """x at the root, then per extension every result table in pymrio's layout."""
    import pandas as pd
    reg_cols = pd.Index(regions, name="region")
    write_tables(out, {"x": pd.DataFrame(x, index=idx, columns=["indout"])},
                 {"systemtype": "IOSystem"})
    for name, res in results.items():
        e = s["ext"][name]
        tables = {}
        for k, v in res.items():
            if isinstance(v, pd.DataFrame):
                tables[k] = v
            elif k.endswith("_reg") or k.endswith("_cap"):
                tables[k] = pd.DataFrame(v, index=e["F"].index, columns=reg_cols)
            else:
                tables[k] = pd.DataFrame(v, index=e["F"].index, columns=sector_cols)
        write_tables(f"{out}/{name}", tables, {"systemtype": "Extension", "name": e["name"]})

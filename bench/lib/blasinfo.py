"""The BLAS a Python baseline runs on, shared by the bench/*/ baselines."""
import ctypes
import os
import re


def blas_info():
    """The BLAS libraries mapped into this process, and OpenBLAS's own config string and thread
    count when it is OpenBLAS."""
    libs = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                p = line.split()[-1]
                if re.search(r"(blas|lapack|mkl|blis)", os.path.basename(p)):
                    libs.add(os.path.realpath(p))
    except OSError:
        pass
    info = {"libraries": sorted(libs)}
    for lib in sorted(libs):
        try:
            h = ctypes.CDLL(lib)
            h.openblas_get_config.restype = ctypes.c_char_p
            info["openblas_config"] = h.openblas_get_config().decode()
            info["openblas_threads"] = h.openblas_get_num_threads()
            break
        except (OSError, AttributeError):
            continue
    return info

"""Output comparison shared by the conformance runners (run.py on the CPU,
cuda.py on a GPU machine, where only numpy is needed)."""
import numpy as np

RTOL, ATOL = 1e-3, 1e-5


def compare(expected, actual):
    """Returns (ok, detail)."""
    if expected.dtype != actual.dtype:
        return False, f"dtype {actual.dtype}, expected {expected.dtype}"
    if expected.shape != actual.shape:
        return False, f"shape {actual.shape}, expected {expected.shape}"
    if expected.dtype.kind in "biu":
        bad = np.count_nonzero(expected != actual)
        return bad == 0, f"{bad} elements differ"
    e = expected.astype(np.float64)
    a = actual.astype(np.float64)
    close = np.isclose(a, e, rtol=RTOL, atol=ATOL, equal_nan=True)
    if close.all():
        return True, ""
    err = np.abs(a - e)
    err = np.where(np.isnan(err), np.inf, err)
    return False, f"max abs error {err.max():.3g} ({np.count_nonzero(~close)} elements)"

"""Turns what a caller passes into arrays the extension takes (slow path:
the extension calls this only for what it cannot take as is)."""

from __future__ import annotations

import numpy as np

_DLPACK_CPU = 1


def to_array(value, dtype: str):
    """A C-contiguous CPU array for `value`, or None if there is none.

    numpy arrays and DLPack tensors reach the extension without this; here
    land Python lists and scalars (made arrays of the input's dtype),
    bfloat16 arrays of ml_dtypes (passed as their uint16 bits) and tensors on
    other devices (None: the caller must move them to the CPU).
    """
    if hasattr(value, "__dlpack_device__"):
        try:
            device, _ = value.__dlpack_device__()
        except Exception:
            return None
        if int(device) != _DLPACK_CPU:
            return None
    if isinstance(value, np.ndarray) or hasattr(value, "__array__"):
        array = np.asarray(value)
        if array.dtype.name == "bfloat16":
            return np.asarray(array, order="C").view(np.uint16)
        return np.asarray(array, order="C")
    if isinstance(value, (list, tuple, int, float, bool, np.generic)):
        if dtype == "bfloat16":
            import ml_dtypes

            return np.asarray(value, dtype=ml_dtypes.bfloat16).view(np.uint16)
        return np.asarray(value, dtype=dtype)
    return None

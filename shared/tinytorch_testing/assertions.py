"""``assert_close``: compare results with tolerances that fit their dtype.

Float32 carries about 7 significant digits, so two correct implementations that sum in a
different order can differ in the 6th. The defaults follow ``torch.testing.assert_close``.
"""

from __future__ import annotations

import numpy as np

#: (rtol, atol) per dtype, as torch.testing.assert_close uses them.
_TOLERANCES = {
    np.dtype(np.float16): (1e-3, 1e-5),
    np.dtype(np.float32): (1.3e-6, 1e-5),
    np.dtype(np.float64): (1e-7, 1e-7),
}


def tolerances(dtype) -> tuple[float, float]:
    """The default (rtol, atol) for ``dtype``; exact (0, 0) for integers and booleans."""
    return _TOLERANCES.get(np.dtype(dtype), (0.0, 0.0))


def _as_array(value) -> np.ndarray:
    data = getattr(value, "data", value)  # a tinytorch Tensor keeps its array in .data
    return np.asarray(data)


def assert_close(
    actual,
    expected,
    *,
    rtol: float | None = None,
    atol: float | None = None,
    check_dtype: bool = True,
    equal_nan: bool = False,
    msg: str = "",
) -> None:
    """Assert ``actual`` equals ``expected`` in shape, dtype (optionally) and value.

    Values match when ``|actual - expected| <= atol + rtol * |expected|`` elementwise.
    Accepts tinytorch tensors, NumPy arrays and numbers. The failure message names the
    worst element, its index, and both shapes or dtypes.
    """
    a, e = _as_array(actual), _as_array(expected)
    prefix = f"{msg}: " if msg else ""
    if a.shape != e.shape:
        raise AssertionError(f"{prefix}shape mismatch: got {a.shape}, expected {e.shape}")
    if check_dtype and a.dtype != e.dtype:
        raise AssertionError(f"{prefix}dtype mismatch: got {a.dtype}, expected {e.dtype}")
    default_rtol, default_atol = tolerances(e.dtype if e.dtype.kind == "f" else a.dtype)
    rtol = default_rtol if rtol is None else rtol
    atol = default_atol if atol is None else atol
    if a.dtype.kind not in "fc" and e.dtype.kind not in "fc":
        mismatch = a != e
        excess = mismatch.astype(np.float64)
    else:
        a64, e64 = a.astype(np.float64), e.astype(np.float64)
        with np.errstate(invalid="ignore", over="ignore"):
            excess = np.abs(a64 - e64) - (atol + rtol * np.abs(e64))
        close = excess <= 0
        close |= a64 == e64  # equal infinities
        if equal_nan:
            close |= np.isnan(a64) & np.isnan(e64)
        mismatch = ~close
        # nan or an infinity against a finite value is the worst mismatch of all
        excess = np.where(mismatch & ~np.isfinite(excess), np.inf, np.where(mismatch, excess, -1))
    if np.any(mismatch):
        bad = int(np.count_nonzero(mismatch))
        index = np.unravel_index(int(np.argmax(excess)), a.shape) if a.ndim else ()
        index = tuple(int(i) for i in index)
        worst = f"worst at index {index}: got {a[index]!r}, expected {e[index]!r}"
        raise AssertionError(
            f"{prefix}{bad} of {a.size} elements differ beyond rtol={rtol:g}, atol={atol:g}; "
            f"{worst}"
        )

"""Argument checks shared by the ``ivp.stats`` modules (internal)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

ALTERNATIVES = ("two-sided", "greater", "less")


def check_option(name: str, value: str, valid: Iterable[str]) -> None:
    """Raise ``ValueError`` listing the valid options when ``value`` is not one of them."""
    options = tuple(valid)
    if value not in options:
        listed = ", ".join(repr(o) for o in options)
        raise ValueError(f"{name}={value!r} is not valid; choose one of {listed}")


def check_alpha(alpha: float) -> float:
    """Return ``alpha`` as float after checking 0 < alpha < 1."""
    value = float(alpha)
    if not 0.0 < value < 1.0:
        raise ValueError(f"alpha must be between 0 and 1 (exclusive), got {alpha!r}")
    return value


def as_counts(values: ArrayLike, name: str) -> NDArray[np.float64]:
    """Return non-negative whole counts as a float array; raise ``ValueError`` otherwise."""
    arr = np.asarray(values, dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got NaN or infinity")
    if np.any(arr < 0):
        raise ValueError(f"{name} must not be negative")
    if np.any(arr != np.floor(arr)):
        raise ValueError(f"{name} must be whole numbers (counts)")
    return arr


def as_positive(values: ArrayLike, name: str) -> NDArray[np.float64]:
    """Return strictly positive finite values as a float array; raise ``ValueError`` otherwise."""
    arr = np.asarray(values, dtype=np.float64)
    if not np.all(np.isfinite(arr)) or np.any(arr <= 0):
        raise ValueError(f"{name} must be finite and greater than 0")
    return arr


def frozen(*arrays: NDArray[Any]) -> None:
    """Make arrays read-only so a frozen result dataclass is immutable all the way down."""
    for arr in arrays:
        arr.setflags(write=False)

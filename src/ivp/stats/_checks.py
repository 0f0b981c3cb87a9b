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


def as_yearly(
    years: ArrayLike, counts: ArrayLike, exposure: ArrayLike | None
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Check a yearly series: years (finite), whole counts and optional exposure (> 0) of one length.

    Returns the years, the counts and the offset ``log(exposure)`` (zeros without exposure), all 1-D.
    """
    t = np.asarray(years, dtype=np.float64).ravel()
    y = as_counts(counts, "counts").ravel()
    if t.shape != y.shape:
        raise ValueError(f"years and counts must have the same length, got {t.size} and {y.size}")
    if not np.all(np.isfinite(t)):
        raise ValueError("years must be finite numbers")
    offset = np.zeros_like(y) if exposure is None else np.log(as_positive(exposure, "exposure")).ravel()
    if offset.shape != y.shape:
        raise ValueError("exposure must have the same length as counts")
    return t, y, offset


def as_areas(
    counts: ArrayLike, population: ArrayLike, name: str
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Check counts and populations per area (whole counts, populations > 0, one length, not empty)."""
    y = as_counts(counts, "counts").ravel()
    n = as_positive(population, "population").ravel()
    if y.shape != n.shape:
        raise ValueError(f"counts and population must have the same length, got {y.size} and {n.size}")
    if y.size == 0:
        raise ValueError(f"{name} needs at least one area")
    return y, n


def as_dispersion(dispersion: ArrayLike, df: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Check overdispersion values (finite) and their degrees of freedom (> 0, ``inf`` for known)."""
    phi = np.asarray(dispersion, dtype=np.float64)
    dfs = np.asarray(df, dtype=np.float64)
    if np.any(~np.isfinite(phi)) or np.any(np.isnan(dfs)) or np.any(dfs <= 0):
        raise ValueError("dispersion must be finite and df > 0")
    return phi, dfs

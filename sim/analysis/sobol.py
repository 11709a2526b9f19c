"""Global sensitivity analysis: a Saltelli design on a scrambled Sobol sequence and the Sobol estimators.

The design has the usual radial layout (Saltelli 2002; Saltelli et al. 2010): two independent base
matrices ``A`` and ``B`` of ``n`` rows over ``d`` factors, and for each factor ``i`` a matrix ``AB_i``
equal to ``A`` with column ``i`` taken from ``B``, ``n (d + 2)`` points in all. First-order indices use
the Saltelli et al. (2010) estimator ``S_i = mean(f_B (f_ABi - f_A)) / V``; total indices use Jansen's
(1999) ``ST_i = mean((f_A - f_ABi)^2) / (2 V)``, with ``V`` the variance of ``f_A`` and ``f_B`` pooled.
Intervals come from a bootstrap over the ``n`` base rows (each resample keeps a row's A, B and AB_i
values together).

``ranges`` map a dotted parameter path to ``(low, high)`` or ``(low, high, "log")``.
"""

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

Range = tuple[float, float] | tuple[float, float, str]

#: Column naming the block of the Saltelli layout a row belongs to ("A", "B" or the AB_i factor path).
BLOCK = "saltelli_block"
#: Column with the base-row index (0..n-1) of a row within its block.
ROW = "saltelli_row"


def unit_saltelli(n: int, d: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Base matrices ``A`` and ``B`` (``n x d`` each, in [0, 1)) from one scrambled Sobol sample, width 2d."""
    from scipy.stats import qmc

    if n < 2 or n & (n - 1):
        raise ValueError(f"n: a Sobol base sample needs a power-of-2 size >= 2, got {n}")
    sample = qmc.Sobol(d=2 * d, scramble=True, rng=np.random.default_rng(seed)).random(n)
    return sample[:, :d], sample[:, d:]


def scale(u: np.ndarray, ranges: Mapping[str, Range]) -> np.ndarray:
    """Map unit-cube columns to the factor ranges (uniform, or log-uniform with a third item ``"log"``)."""
    out = np.empty_like(u)
    for j, bounds in enumerate(ranges.values()):
        low, high = float(bounds[0]), float(bounds[1])
        if len(bounds) == 3 and bounds[2] == "log":
            out[:, j] = np.exp(math.log(low) + u[:, j] * (math.log(high) - math.log(low)))
        else:
            out[:, j] = low + u[:, j] * (high - low)
    return out


def saltelli_blocks(a: np.ndarray, b: np.ndarray, names: Sequence[str]) -> pd.DataFrame:
    """Rows of A, B, then AB_i for each factor, as a frame with :data:`BLOCK` and :data:`ROW` columns."""
    frames = [_block(a, names, "A"), _block(b, names, "B")]
    for i, name in enumerate(names):
        ab = a.copy()
        ab[:, i] = b[:, i]
        frames.append(_block(ab, names, name))
    return pd.concat(frames, ignore_index=True)


def _block(matrix: np.ndarray, names: Sequence[str], label: str) -> pd.DataFrame:
    frame = pd.DataFrame(matrix, columns=list(names))
    frame.insert(0, ROW, np.arange(len(matrix)))
    frame.insert(0, BLOCK, label)
    return frame


def saltelli_design(ranges: Mapping[str, Range], n: int, seed: int) -> pd.DataFrame:
    """The scaled Saltelli design: ``n (d + 2)`` rows, factor columns plus :data:`BLOCK` and :data:`ROW`."""
    a, b = unit_saltelli(n, len(ranges), seed)
    return saltelli_blocks(scale(a, ranges), scale(b, ranges), list(ranges))


def split_blocks(frame: pd.DataFrame, names: Sequence[str], value: str) -> tuple[np.ndarray, ...]:
    """``(f_A, f_B, f_AB)`` from a frame with :data:`BLOCK`, :data:`ROW` and the output column ``value``.

    ``f_AB`` has shape ``(d, n)``, row ``i`` for factor ``names[i]``; every block must hold rows 0..n-1.
    """
    wide = frame.pivot(index=ROW, columns=BLOCK, values=value)
    missing = [c for c in ("A", "B", *names) if c not in wide.columns]
    if missing or wide.isna().to_numpy().any():
        raise ValueError(f"incomplete Saltelli design: missing blocks {missing} or rows with no value")
    f_ab = np.vstack([wide[name].to_numpy(float) for name in names])
    return wide["A"].to_numpy(float), wide["B"].to_numpy(float), f_ab


def indices(f_a: np.ndarray, f_b: np.ndarray, f_ab: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First-order (Saltelli 2010) and total (Jansen 1999) indices from the block outputs."""
    var = np.var(np.concatenate([f_a, f_b]), ddof=1)
    if var <= 0:
        return np.full(len(f_ab), np.nan), np.full(len(f_ab), np.nan)
    first = np.mean(f_b * (f_ab - f_a), axis=1) / var
    total = 0.5 * np.mean((f_a - f_ab) ** 2, axis=1) / var
    return first, total


def sobol_table(
    f_a: np.ndarray,
    f_b: np.ndarray,
    f_ab: np.ndarray,
    names: Sequence[str],
    *,
    resamples: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """Indices with percentile bootstrap intervals over base rows: one row per factor.

    Columns: ``factor``, ``S1``, ``S1_low``, ``S1_high``, ``ST``, ``ST_low``, ``ST_high``.
    """
    first, total = indices(f_a, f_b, f_ab)
    rng = np.random.default_rng(seed)
    n = len(f_a)
    boot = [indices(f_a[r], f_b[r], f_ab[:, r]) for r in rng.integers(0, n, size=(resamples, n))]
    s1 = np.array([b[0] for b in boot])
    st = np.array([b[1] for b in boot])
    tail = 100 * (1 - level) / 2
    return pd.DataFrame(
        {
            "factor": list(names),
            "S1": first,
            "S1_low": np.nanpercentile(s1, tail, axis=0),
            "S1_high": np.nanpercentile(s1, 100 - tail, axis=0),
            "ST": total,
            "ST_low": np.nanpercentile(st, tail, axis=0),
            "ST_high": np.nanpercentile(st, 100 - tail, axis=0),
        }
    )

"""Shared runs for the pattern tests: full default-scale runs, cached per process and reused by
every test in a module (run with ``--dist loadfile`` so a module stays in one worker)."""

from functools import cache

import numpy as np
import pandas as pd

from sim import Params, run


@cache
def weekly(overrides: tuple[tuple[str, object], ...], seed: int) -> pd.DataFrame:
    """The weekly table of one default-scale run with dotted-path ``overrides``."""
    return run(Params().with_overrides(dict(overrides)), seed)


def totals(overrides: dict[str, object], seeds: range, column: str) -> np.ndarray:
    """Per-seed totals of ``column`` over the run (seeds are shared: common random numbers)."""
    key = tuple(sorted(overrides.items()))
    return np.array([weekly(key, s)[column].sum() for s in seeds])


def paired_t(smaller: np.ndarray, larger: np.ndarray) -> float:
    """t statistic of the paired difference ``larger - smaller`` (positive when the claim holds)."""
    d = larger - smaller
    se = d.std(ddof=1) / np.sqrt(len(d))
    return float(d.mean() / se) if se > 0 else float(np.sign(d.mean()) * np.inf)

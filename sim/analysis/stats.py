"""Statistics over the engine's tables: bootstrap intervals per design point and paired comparisons.

Every function takes a ``runs`` table as :func:`sim.sweep.load` returns it (one row per run with
``point_id``, ``replication``, ``seed``, factor columns and outcome summaries) and returns a *long* table
with one row per group and metric: the grouping columns, then ``metric``, ``estimate``, ``low``, ``high``
(a bootstrap interval, ``scipy.stats.bootstrap``), ``n`` and, for paired comparisons, ``p_value``
(Wilcoxon signed-rank test). That long layout is also the layout of ``results/summary/*.csv``.

A metric is ``name -> (column, scale)``: the value of a run is ``runs[column] * scale`` (e.g. harm in
$ bn is ``("harm_usd", 1e-9)``).
"""

import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

Metric = tuple[str, float]
LEVEL = 0.95
RESAMPLES = 2000
SUMMARY_COLUMNS = ["metric", "estimate", "low", "high", "n", "p_value"]


def bootstrap_ci(
    values: Sequence[float] | np.ndarray,
    statistic: Callable[..., Any] = np.mean,
    *,
    level: float = LEVEL,
    resamples: int = RESAMPLES,
    seed: int = 0,
) -> tuple[float, float, float]:
    """``(estimate, low, high)``: the statistic and its bootstrap interval: BCa from 10 values up, the
    percentile interval below 10 or when BCa gives no finite bounds (degenerate resamples).

    ``statistic`` must accept an ``axis`` keyword (vectorised), as ``numpy.mean`` and ``numpy.median`` do.

    With fewer than two values, or no spread, the interval collapses to the estimate.
    """
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if len(x) == 0:
        return float("nan"), float("nan"), float("nan")
    estimate = float(statistic(x))
    if len(x) < 2 or np.ptp(x) == 0:
        return estimate, estimate, estimate
    low, high = _interval(x, statistic, level, resamples, seed, "BCa" if len(x) >= 10 else "percentile")
    if not (np.isfinite(low) and np.isfinite(high)):
        low, high = _interval(x, statistic, level, resamples, seed, "percentile")
    return estimate, low, high


def _interval(
    x: np.ndarray, statistic: Callable[..., Any], level: float, resamples: int, seed: int, method: str
) -> tuple[float, float]:
    from scipy.stats import bootstrap

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # BCa warns on degenerate resamples; percentile is the fallback
        res = bootstrap(
            (x,),
            statistic,
            confidence_level=level,
            n_resamples=resamples,
            method=method,
            rng=np.random.default_rng(seed),
            vectorized=True,
        )
    return float(res.confidence_interval.low), float(res.confidence_interval.high)


def wilcoxon_p(differences: Sequence[float] | np.ndarray) -> float:
    """Two-sided Wilcoxon signed-rank p-value of paired differences (1.0 when every difference is 0)."""
    from scipy.stats import wilcoxon

    d = np.asarray(differences, dtype=float)
    d = d[np.isfinite(d)]
    if len(d) == 0 or not np.any(d != 0):
        return 1.0 if len(d) else float("nan")
    return float(wilcoxon(d).pvalue)


def summary_row(
    keys: Mapping[str, object], metric: str, values: np.ndarray, p: float = float("nan")
) -> dict[str, object]:
    """One long-table row: the keys, the metric, the mean of ``values`` with its interval, n and p."""
    estimate, low, high = bootstrap_ci(values)
    n = int(np.isfinite(values).sum())
    return {**keys, "metric": metric, "estimate": estimate, "low": low, "high": high, "n": n, "p_value": p}


def _groups(frame: pd.DataFrame, by: Sequence[str]) -> list[tuple[dict[str, object], pd.DataFrame]]:
    """``(keys, rows)`` per group, in order of appearance; one group of everything when ``by`` is empty."""
    if not by:
        return [({}, frame)]
    out = []
    for key, rows in frame.groupby(list(by), sort=False):
        values = key if isinstance(key, tuple) else (key,)
        out.append((dict(zip(by, values, strict=True)), rows))
    return out


def summarise(runs: pd.DataFrame, by: Sequence[str], metrics: Mapping[str, Metric]) -> pd.DataFrame:
    """Mean of each metric per group of ``by`` with its bootstrap interval (long table)."""
    rows = [
        summary_row(keys, name, group[column].to_numpy(float) * scale)
        for keys, group in _groups(runs, by)
        for name, (column, scale) in metrics.items()
    ]
    return pd.DataFrame(rows, columns=[*by, *SUMMARY_COLUMNS])


def paired_differences(
    runs: pd.DataFrame,
    factor: str,
    baseline: object,
    metrics: Mapping[str, Metric],
    *,
    by: Sequence[str] = (),
    pair_on: str = "replication",
) -> pd.DataFrame:
    """Each level of ``factor`` minus ``baseline``, paired on ``pair_on`` within groups of ``by``.

    Under common random numbers a replication has the same seed at every design point, so the pairs
    share their simulated world. Rows: ``by`` columns, ``factor``, ``metric`` (``<name>_diff``),
    the mean difference and its interval, ``n`` pairs, the Wilcoxon ``p_value``. Baseline rows are left out.
    """
    rows = []
    for keys, group in _groups(runs, by):
        base = _unique_pairs(group[group[factor] == baseline].set_index(pair_on), factor, baseline)
        for level, other in group[group[factor] != baseline].groupby(factor, sort=False):
            other = _unique_pairs(other.set_index(pair_on), factor, level)
            joined = other.join(base.add_suffix("__base"), how="inner")
            _check_seeds(joined)
            for name, (column, scale) in metrics.items():
                diff = (joined[column] - joined[f"{column}__base"]).to_numpy(float) * scale
                rows.append(summary_row({**keys, factor: level}, f"{name}_diff", diff, wilcoxon_p(diff)))
    return pd.DataFrame(rows, columns=[*by, factor, *SUMMARY_COLUMNS])


def _unique_pairs(rows: pd.DataFrame, factor: str, level: object) -> pd.DataFrame:
    """``rows`` (indexed by the pairing key) if each key occurs once; else a factor that varies within the
    group was left out of ``by``, and joining would pair every run with every other (many to many)."""
    if rows.index.has_duplicates:
        raise ValueError(
            f"{factor} = {level!r}: several runs per {rows.index.name} in one group; add the other varying "
            "factors to `by` so that each run has one partner"
        )
    return rows


def _check_seeds(joined: pd.DataFrame) -> None:
    """Paired runs must share their seed (common random numbers); otherwise pairing is meaningless."""
    if "seed" in joined and "seed__base" in joined and not (joined["seed"] == joined["seed__base"]).all():
        raise ValueError("paired runs have different seeds: the sweep did not use common random numbers")


def band(weekly: pd.DataFrame, by: Sequence[str], column: str, scale: float = 1.0) -> pd.DataFrame:
    """Per group and week: the median over replications and the 5th-95th percentile band (90%)."""
    grouped = weekly.groupby([*by, "week"], sort=False)[column]
    out = pd.DataFrame(
        {"median": grouped.median(), "low": grouped.quantile(0.05), "high": grouped.quantile(0.95)}
    ).reset_index()
    out[["median", "low", "high"]] *= scale
    return out.assign(column=column)


def estimate(summary: pd.DataFrame, metric: str, **keys: object) -> pd.Series:
    """The one row of a long summary table with this metric and key values (``KeyError`` if not one)."""
    mask = summary["metric"] == metric
    for key, value in keys.items():
        mask &= summary[key] == value
    rows = summary[mask]
    if len(rows) != 1:
        raise KeyError(f"{len(rows)} rows for metric={metric!r} {keys}")
    return rows.iloc[0]

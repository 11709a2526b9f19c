"""What runs on a worker: a batch of model runs, each failure caught and returned as data.

Everything here is picklable (module-level functions and plain dataclasses) so the same batch runs
inline, in a process pool or on a Dask cluster. The default model is ``sim.run.run`` summarised by
``sim.observe.summarize``, imported lazily inside the worker.
"""

import functools
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sim.params import Params

RunFn = Callable[[Params, int, int | None], pd.DataFrame]
SummarizeFn = Callable[[pd.DataFrame], Mapping[str, float]]
KEY_COLUMNS = ("point_id", "replication", "seed")
TIMING_COLUMN = "run_seconds"
MODEL_MODULES = ("sim.run", "sim.observe")


@dataclass(frozen=True)
class RunTask:
    """One run: a design point (id and factor values), a replication and its seed."""

    point_id: int
    replication: int
    seed: int
    values: tuple[Any, ...]


@dataclass(frozen=True)
class Batch:
    """Several runs sent as one task, so per-task overhead is paid once per batch."""

    base: Params
    factors: tuple[str, ...]
    tasks: tuple[RunTask, ...]
    keep: str | int
    run_fn: RunFn | None = None
    summarize_fn: SummarizeFn | None = None


@dataclass
class BatchResult:
    """Rows of successful runs, rows of failed runs, and the kept weekly rows of each successful run."""

    runs: list[dict[str, Any]] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)
    weekly: list[pd.DataFrame] = field(default_factory=list)


def resolve_model(run_fn: RunFn | None, summarize_fn: SummarizeFn | None) -> tuple[RunFn, SummarizeFn]:
    """The given functions, or the project's model (``sim.run.run``, ``sim.observe.summarize``)."""
    if run_fn is None:
        from sim.run import run

        run_fn = run
    if summarize_fn is None:
        from sim.observe import summarize

        summarize_fn = summarize
    return run_fn, summarize_fn


def run_batch(batch: Batch) -> BatchResult:
    """Run every task of ``batch``; an exception inside a run is recorded, never raised."""
    run_fn, summarize_fn = resolve_model(batch.run_fn, batch.summarize_fn)
    result = BatchResult()
    for task in batch.tasks:
        _run_one(batch, task, run_fn, summarize_fn, result)
    return result


def _run_one(batch: Batch, task: RunTask, run_fn: RunFn, summarize_fn: SummarizeFn, out: BatchResult) -> None:
    key = {"point_id": task.point_id, "replication": task.replication, "seed": task.seed}
    factors = dict(zip(batch.factors, task.values, strict=True))
    start = time.perf_counter()
    try:
        params = _params(batch.base, batch.factors, task.values)
        frame = run_fn(params, task.seed, params.weeks)
        summary = _summary(summarize_fn(frame), {**key, **factors})
        weekly = _weekly(frame, batch.keep, task)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
        seconds = time.perf_counter() - start
        out.failures.append(
            {**key, **factors, "error": error, "traceback": traceback.format_exc(), TIMING_COLUMN: seconds}
        )
        return
    out.runs.append({**key, **factors, **summary, TIMING_COLUMN: time.perf_counter() - start})
    if weekly is not None:
        out.weekly.append(weekly)


def _summary(summary: Mapping[str, Any], columns: Mapping[str, Any]) -> dict[str, float]:
    """Summary values as floats; a key already stored as a key or factor column must agree with it."""
    out = {}
    for name, value in summary.items():
        if name == TIMING_COLUMN or (name in columns and value != columns[name]):
            raise ValueError(f"summary key {name!r} clashes with the run's {name!r} column")
        if name not in columns:
            out[str(name)] = float(value)
    return out


def _weekly(frame: pd.DataFrame, keep: str | int, task: RunTask) -> pd.DataFrame | None:
    """The kept weekly rows with the run's key in front (replacing any key columns of the frame)."""
    if keep == "summary":
        return None
    if "week" not in frame.columns:
        raise ValueError("the run's frame has no 'week' column")
    rows = frame if keep == "weekly" else frame[frame["week"] % int(keep) == 0]
    n = len(rows)
    columns: dict[str, Any] = {
        "point_id": np.full(n, task.point_id, dtype=np.int64),
        "replication": np.full(n, task.replication, dtype=np.int64),
        "seed": np.full(n, task.seed, dtype=np.int64),
    }
    columns.update((c, rows[c].to_numpy()) for c in rows.columns if c not in KEY_COLUMNS)
    return pd.DataFrame(columns)


@functools.lru_cache(maxsize=256)
def _params(base: Params, factors: tuple[str, ...], values: tuple[Any, ...]) -> Params:
    """The parameters of a design point, built once per worker (validation costs more than a cheap run)."""
    return base.with_overrides(dict(zip(factors, values, strict=True)))

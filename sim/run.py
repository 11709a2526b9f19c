"""``run(params, seed, weeks)``: one simulation, returned as a tidy weekly table."""

import gc
import itertools
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pandas as pd

from sim import _kernels, _weekly
from sim.model import ScamEnforcementModel
from sim.observe import REPORTERS
from sim.params import Params


def run(params: Params | None = None, seed: int = 0, weeks: int | None = None) -> pd.DataFrame:
    """Run burn-in then ``weeks`` weeks (default ``params.weeks``) of enforcement.

    Returns one row per week after burn-in (``week`` = 1..weeks) with the columns of
    :data:`sim.observe.REPORTERS`. The same ``(params, seed)`` gives an identical frame.
    """
    params = params if params is not None else Params()
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise TypeError(f"seed: expected an integer, got {seed!r}")
    if seed < 0:
        raise ValueError(f"seed: must be zero or positive, got {seed}")
    weeks = params.weeks if weeks is None else weeks
    if isinstance(weeks, bool) or not isinstance(weeks, int) or weeks < 1:
        raise ValueError(f"weeks: expected a positive whole number, got {weeks!r}")
    with _collector_paused():
        table = _simulate(params, int(seed), weeks)
    frame = pd.DataFrame(table, columns=list(REPORTERS))
    frame["week"] = frame["week"].astype(np.int64)
    return frame


def _simulate(params: Params, seed: int, weeks: int) -> np.ndarray:
    """Burn-in, then ``weeks`` weeks with one row of :data:`REPORTERS` values after each."""
    model = ScamEnforcementModel(params, seed)
    reporters = list(REPORTERS.values())
    rows = [[r(model) for r in reporters] for _ in _weeks(model, params.burn_in_weeks, weeks)]
    _free(model)
    values = itertools.chain.from_iterable(rows)  # one pass by numpy, quicker than np.array of the lists
    return np.fromiter(values, dtype=np.float64, count=weeks * len(reporters)).reshape(weeks, len(reporters))


def _weeks(model: ScamEnforcementModel, burn_in: int, weeks: int) -> Iterator[int]:
    """Step ``model`` through ``burn_in`` weeks, then through ``weeks`` more, yielding after each of these.

    Only for a model private to its caller (``run``'s, the benchmarks'), which nothing else can reach:

    - each week is :meth:`ScamEnforcementModel.step` called directly. ``model.step()`` would run the same
      method through Mesa's event list (pop the step event, execute it, schedule the next one, set the
      observable ``model.time``): about 9 microseconds a week, 5 % of a default run (measured
      2026-11-30), for a schedule that holds nothing else, since the model schedules no events. Nothing
      can subscribe to this model's time; Mesa's ``model.steps`` and ``model.time`` stay 0;
    - the model's generator is declared unshared (:func:`_unshared`) while it steps.
    """
    week = ScamEnforcementModel.step  # the week itself, without Mesa's event list
    with _unshared(model.rng):
        for _ in range(burn_in):
            week(model)
        for k in range(weeks):
            week(model)
            yield k


@contextmanager
def _unshared(rng: np.random.Generator) -> Iterator[None]:
    """Let the compiled kernels draw from ``rng`` without taking its lock, as long as this lasts.

    numpy's lock lets threads that share a generator take turns; a run's generator is made by its model
    and reached by no other thread. The kernels skip the lock anyway when the process has one thread
    (a process-pool worker); with threads (a Dask worker runs its tasks in a thread beside its event loop,
    a Jupyter kernel has several) they took it some 21,000 times a run, about 5 % of the run's time
    (median of 12 runs with and without an idle second thread, pinned, 2026-11-30: 1.052). The draws are
    the same either way."""
    for module in (_kernels, _weekly):
        module.set_unshared(rng, True)
    try:
        yield
    finally:
        for module in (_kernels, _weekly):
            module.set_unshared(rng, False)


def _free(model: ScamEnforcementModel) -> None:
    """Free a finished model now, by reference counting, instead of leaving it to the cyclic collector.

    A Mesa model and its agents refer to each other (each agent keeps its model, the model its agents),
    so a finished model is a cycle of a few thousand objects, found only by the collector's passes after
    the run. Emptying the model's attributes breaks every cycle through it. Measured over 150 default
    runs in one process (2026-11-30): without this, 150 collections (one of them full) took 179 ms, 1.2 ms
    a run; with it, 4 collections took 0.2 ms. The model is not used again.
    """
    model.__dict__.clear()


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector (reference counting still frees memory at once).

    A run allocates many small objects, which triggers collections; an occasional full collection
    walks every object in the process (pandas and Mesa included) and alone costs a run tens of
    milliseconds. The collector's previous state is restored afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

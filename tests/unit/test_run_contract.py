"""The contract of DESIGN.md section 6: ``from sim import Params, run`` and the weekly frame it returns."""

import gc
import itertools

import mesa
import numpy as np
import pandas as pd
import pytest

import sim
from sim import Params, run
from sim.observe import FLOW_COLUMNS, REPORTERS, summarize


def test_package_exports():
    assert sim.Params is Params and sim.run is run
    assert {"Params", "run"} <= set(sim.__all__)


@pytest.mark.parametrize("strategy", ["none", "reactive", "preventative", "mixed", "transition"])
def test_one_row_per_week_with_every_contract_column(strategy, small_params, contract_columns):
    params = small_params(strategy=strategy, weeks=30)
    frame = run(params, 1)
    assert isinstance(frame, pd.DataFrame)
    missing = set(contract_columns) - set(frame.columns)
    assert not missing, f"missing columns: {sorted(missing)}"
    assert list(frame.columns) == list(REPORTERS)
    assert len(frame) == 30
    assert frame["week"].tolist() == list(range(1, 31)) and frame["week"].dtype == np.int64
    assert frame.index.equals(pd.RangeIndex(30))
    assert all(col == col.lower() and " " not in col for col in frame.columns), "snake_case columns"


def test_weeks_argument_overrides_the_parameter(small_params):
    assert len(run(small_params(weeks=50), 0, weeks=7)) == 7
    assert len(run(small_params(weeks=9), 0)) == 9


def test_no_burn_in(small_params):
    frame = run(small_params(burn_in_weeks=0), 0, weeks=3)
    assert frame["week"].tolist() == [1, 2, 3]


@pytest.mark.parametrize("seed", [1.5, "1", None, True, [1]])
def test_bad_seed_is_refused(seed, small_params):
    with pytest.raises(TypeError, match="seed"):
        run(small_params(), seed, weeks=2)


def test_negative_seed_is_refused_by_name(small_params):
    with pytest.raises((TypeError, ValueError), match="seed"):
        run(small_params(), -1, weeks=2)


@pytest.mark.parametrize("weeks", [0, -3, 2.5, True, "10"])
def test_bad_weeks_are_refused(weeks, small_params):
    with pytest.raises(ValueError, match="weeks"):
        run(small_params(), 0, weeks=weeks)


def test_summary_of_a_frame(small_params):
    frame = run(small_params(), 2, weeks=60)
    s = summarize(frame)
    assert s["weeks"] == 60
    assert s["arrests_total"] == pytest.approx(frame["arrests_total"].sum())
    assert s["workers_final"] == frame["workers"].iloc[-1]
    assert s["workers_mean"] == pytest.approx(frame["workers"].mean())
    assert s["harm_usd_last_year"] == pytest.approx(frame["harm_usd"].iloc[-52:].sum())
    assert "week_final" not in s and "week" not in s
    assert set(FLOW_COLUMNS) <= set(s)


def test_events_are_per_week_not_cumulative(small_params):
    """Event columns count each week afresh: a cumulative counter could never decrease."""
    frame = run(small_params(strategy="reactive", effort=600.0), 3)
    assert (frame["arrests_total"].diff().dropna() < 0).any()


def test_a_finished_run_leaves_no_cycles_for_the_collector(small_params):
    """``run`` frees its model at once (the model and its agents refer to each other; sim.run._free).

    Only the run's own objects are counted: other threads (a Dask cluster left by an earlier test, say)
    may leave garbage of their own at any time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        gc.collect()
        run(small_params(strategy="reactive", weeks=30), 1)
        gc.set_debug(gc.DEBUG_SAVEALL)  # what the collector finds is kept in gc.garbage
        gc.collect()
        left = [o for o in gc.garbage if isinstance(o, mesa.Model | mesa.Agent)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if was_enabled:
            gc.enable()
    assert not left, f"{len(left)} models and agents were left in reference cycles"


@pytest.mark.parametrize("strategy", ["none", "reactive", "preventative", "mixed", "transition"])
def test_run_gives_the_rows_of_a_model_stepped_through_mesa(strategy, small_params, step_model):
    """``run`` calls the model's week directly instead of through ``model.step()`` (Mesa's event list);
    the rows must be those of the same model stepped by Mesa, week by week."""
    params = small_params(strategy=strategy, burn_in_weeks=6, weeks=40)
    frame = run(params, 4)
    rows = [
        [reporter(model) for reporter in REPORTERS.values()]
        for model in itertools.islice(step_model(params, 4), params.burn_in_weeks, None)
    ]
    assert len(rows) == len(frame) == 40
    np.testing.assert_array_equal(frame.to_numpy(dtype=np.float64), np.array(rows, dtype=np.float64))
    assert (frame["arrests_total"].sum() > 0) == (strategy != "none")  # weeks of enforcement, or none

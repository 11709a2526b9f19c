"""Determinism: the same (params, seed) gives an identical frame, here, in another process, in any order.

Every draw goes through the model's own generator (STYLE.md point 4), so a run neither reads nor
advances numpy's or Python's global random state.
"""

import multiprocessing
import random
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from sim import run

STRATEGIES = ("reactive", "preventative", "transition")


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_same_seed_same_frame(strategy, small_params):
    params = small_params(strategy=strategy, transition_week=20)
    assert_frame_equal(run(params, 42), run(params, 42))


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_different_seeds_differ(strategy, small_params):
    params = small_params(strategy=strategy, transition_week=20)
    a, b = run(params, 1), run(params, 2)
    assert not a.drop(columns="week").equals(b.drop(columns="week"))
    assert not np.allclose(a["harm_usd"], b["harm_usd"])


def test_run_does_not_touch_global_random_state(small_params):
    np.random.seed(1234)
    random.seed(1234)
    run(small_params(strategy="mixed"), 7)
    after = (np.random.random(), random.random())
    np.random.seed(1234)
    random.seed(1234)
    assert after == (np.random.random(), random.random())


def test_global_random_state_does_not_change_the_run(small_params):
    params = small_params(strategy="preventative")
    np.random.seed(1)
    random.seed(1)
    a = run(params, 9)
    np.random.seed(2)
    random.seed(2)
    assert_frame_equal(a, run(params, 9))


def test_earlier_runs_leave_no_trace(small_params):
    """No state survives from one run to the next in the same process (agent ids, caches, counters)."""
    params = small_params(strategy="reactive")
    first = run(params, 3)
    run(small_params(strategy="preventative", effort=900), 4)
    run(params, 5)
    assert_frame_equal(first, run(params, 3))


def test_numpy_integer_seed_equals_python_int(small_params):
    params = small_params()
    assert_frame_equal(run(params, np.int64(8)), run(params, 8))


def test_horizon_does_not_change_the_path(small_params):
    """The weeks argument, the weeks parameter and a longer run agree week for week."""
    params = small_params(weeks=40)
    short = run(params, 6, weeks=25)
    assert_frame_equal(short, run(small_params(weeks=25), 6))
    assert_frame_equal(short, run(params, 6).iloc[:25])


def _run_elsewhere(cases) -> list[pd.DataFrame]:
    # spawn: a fresh interpreter that shares nothing with this one (no forked RNG or module state)
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
        return list(pool.map(run, *zip(*cases, strict=True)))


def test_run_in_a_subprocess_equals_in_process(small_params):
    cases = [(small_params(strategy="reactive"), 21), (small_params(strategy="preventative"), 22)]
    for (params, seed), frame in zip(cases, _run_elsewhere(cases), strict=True):
        assert_frame_equal(frame, run(params, seed))

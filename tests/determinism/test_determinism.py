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

from sim import Params, run
from sim.model import ScamEnforcementModel

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


#: Policy settings that must not change the world before enforcement starts.
POLICIES = (
    {"strategy": "none"}, {"strategy": "preventative"}, {"strategy": "mixed", "prevention_share": 0.3},
    {"strategy": "transition", "transition_week": 1, "transition_ramp_weeks": 0},
    {"strategy": "custom", "custom.arrest": 0.2, "custom.tracing": 0.8, "custom.investigation": 0.0},
    {"effort": 150.0, "targeting": "random"}, {"police.raid_cost": 5.0, "police.boss_insulation": 0.0},
)  # fmt: skip


def _world_after_burn_in(params: Params, seed: int) -> dict:
    model = ScamEnforcementModel(params, seed)
    for _ in range(params.burn_in_weeks):
        model.step()
    named = {
        "nets": model.nets,
        "members": model.members,
        "recruiters": model.recruiters,
        "shells": model.shells,
    }
    tables = {
        name: {column: getattr(table, column).tolist() for column in table._columns}
        for name, table in named.items()
    }
    tf = model.task_force
    return {
        "tables": tables,
        "graphs": [sorted((m, sorted(ties)) for m, ties in net.adj.items()) for net in model.network_at],
        "rng": model.rng.bit_generator.state,
        "scalars": (model.week, model.awareness, model.pool, model.harm, model.margin, dict(model.ledger)),
        "task force": (tf.skilled, list(tf.pipeline), dict(tf.banks), model.partner.trust),
    }


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: ",".join(f"{k}={v}" for k, v in p.items()))
def test_every_policy_meets_the_same_world_at_week_one(policy):
    """The burn-in runs without enforcement and reads no policy parameter, so with the same seed every
    policy starts from the same world, random generator included: common random numbers compare
    policies on identical worlds (sweeps with ``common_random_numbers``, the explorer's baseline)."""
    reference = _world_after_burn_in(Params(), 7)
    assert _world_after_burn_in(Params().with_overrides(policy), 7) == reference

"""Stand-ins for the sweep tests: a tiny real-model spec, and models deterministic in (params, seed).

They are passed to the engine as ``run_fn``/``summarize_fn`` in Python; spec files never name code.
"""

import os
import time

import numpy as np
import pandas as pd

from sim.params import Params

# A tiny real-model setting: 20 weeks after a 4-week burn-in with five networks (about 0.05 s a run).
TINY = """
name = "tiny"
weeks = 20
replications = 2
root_seed = 20261128
keep = {keep}

[base]
burn_in_weeks = 4
targeting = "broker"

[base.world]
n_networks = 5

[design]
type = "grid"

[design.factors]
strategy = ["reactive", "preventative", "mixed"]
"""


def fake_run(params: Params, seed: int, weeks: int | None = None) -> pd.DataFrame:
    """A weekly frame whose values depend on the seed and on a few parameters."""
    assert type(seed) is int, "seeds must reach the model as Python ints"
    n = params.weeks if weeks is None else weeks
    rng = np.random.default_rng(seed)
    level = 1000.0 * (1.0 - params.prevention_share) + params.world.n_networks
    return pd.DataFrame(
        {
            "week": np.arange(1, n + 1),
            "harm_usd": level + rng.normal(0.0, 10.0, n),
            "arrests_total": rng.poisson(3.0, n),
            "active_networks": np.full(n, params.world.n_networks),
        }
    )


def fake_summarize(frame: pd.DataFrame) -> dict[str, float]:
    """Totals and a final value, as ``sim.observe.summarize`` gives."""
    return {
        "harm_usd": float(frame["harm_usd"].sum()),
        "arrests_total": float(frame["arrests_total"].sum()),
        "active_networks_final": float(frame["active_networks"].iloc[-1]),
    }


def failing_run(params: Params, seed: int, weeks: int | None = None) -> pd.DataFrame:
    """Fails for the ``preventative`` strategy, works otherwise."""
    if params.strategy == "preventative":
        raise RuntimeError(f"model blew up for seed {seed}")
    return fake_run(params, seed, weeks)


def slow_run(params: Params, seed: int, weeks: int | None = None) -> pd.DataFrame:
    """``fake_run`` after a pause (``SWEEP_TEST_DELAY`` seconds, default 0.05): for kill tests."""
    time.sleep(float(os.environ.get("SWEEP_TEST_DELAY", "0.05")))
    return fake_run(params, seed, weeks)


def trivial_run(params: Params, seed: int, weeks: int | None = None) -> pd.DataFrame:
    """As cheap as a run can be: for memory and overhead measurements."""
    return pd.DataFrame({"week": [1, 2], "harm_usd": [float(seed % 7), 1.0]})


def trivial_summarize(frame: pd.DataFrame) -> dict[str, float]:
    """One number."""
    return {"harm_usd": float(frame["harm_usd"].sum())}

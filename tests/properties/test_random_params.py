"""Property-based: any valid parameter set runs a year without exception, NaN, infinity, negative counts
or money created or lost.

Values are drawn from the ranges declared in ``Params.specs()`` (choices for strings). Wide ranges
(more than three orders of magnitude) are drawn log-uniformly, so that small values are tried as often
as large ones. A few upper bounds are capped so a run stays well under a second; the caps only bound
the size of the world and the number of operations per week, never the mechanisms' range:

- :data:`CAPS` bound the number of agents, members and entrants and the partner's reveals per action;
- the effort budget is capped at :data:`MAX_OPS` times the cheapest looping action's cost, so that no
  action runs more than a few hundred operations a week (each is a Python loop);
- a shell company's capacity is raised, where needed, so that a network of mean size keeps at most
  :data:`MAX_SHELLS` companies (a network keeps enough companies to launder its full proceeds, so a
  capacity of a few dollars would mean millions of companies);
- transition weeks are drawn within the run, so the ramp is exercised;
- the custom strategy's shares are normalised to add up to 1 (``Params`` requires it).
"""

import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim import Params, run

WEEKS = 52

#: Upper bounds for speed (the declared range's top is used when it is lower).
CAPS = {
    "burn_in_weeks": 8,
    "transition_week": WEEKS,
    "transition_ramp_weeks": WEEKS,
    "world.n_networks": 12,
    "world.workers_mean": 5000.0,
    "world.workers_sigma": 1.5,
    "world.recruiters_per_network": 20.0,
    "world.managers_mean": 10.0,
    "world.facilitators_mean": 10.0,
    "world.associates_mean": 15.0,
    "adaptation.entry_rate": 1.0,
    "adaptation.market_networks": 40.0,
    "partner.sharing_rate": 5.0,
    "partner.attention": 5.0,
}
#: Effort costs of the actions that loop over their operations one by one.
LOOPING_COSTS = (
    "police.raid_cost", "police.arrest_cost", "police.licence_cost", "police.tracing_cost",
    "police.disruption_cost", "police.investigation_cost", "police.cooperation_cost",
)  # fmt: skip
MAX_OPS = 300
MAX_SHELLS = 20
FIXED = {"weeks": WEEKS}


def values_for(spec):
    """A hypothesis strategy over the valid (capped) values of one parameter."""
    if spec.choices:
        return st.sampled_from(spec.choices)
    low, high = spec.low, min(spec.high, CAPS.get(spec.path, spec.high))
    if spec.type is int:
        return st.integers(int(low), int(high))
    bottom = max(low, high * 1e-6)
    if high / bottom <= 1e3:
        return st.floats(low, high, allow_nan=False, allow_infinity=False)
    exponent = st.floats(math.log10(bottom), math.log10(high))
    log_uniform = exponent.map(lambda e: min(max(10.0**e, low), high))
    return st.one_of(st.just(float(low)), log_uniform) if low < bottom else log_uniform


SPECS = [s for s in Params.specs() if s.path not in FIXED]


@st.composite
def parameter_sets(draw):
    values = {s.path: draw(values_for(s), label=s.path) for s in SPECS}
    shares = [s.path for s in SPECS if s.path.startswith("custom.")]
    total = sum(values[path] for path in shares)
    for path in shares:  # a custom strategy's shares add up to 1
        values[path] = values[path] / total if total > 0 else float(path == shares[0])
    cheapest = min(values[path] for path in LOOPING_COSTS)
    values["effort"] = min(values["effort"], MAX_OPS * cheapest)
    proceeds = (
        values["world.workers_mean"]
        * values["crime.revenue_per_worker_usd"]
        * (1 - values["crime.collection_fee"])
    )
    shell = proceeds * values["laundering.capacity_headroom"] / MAX_SHELLS
    values["laundering.shell_capacity_usd"] = min(max(values["laundering.shell_capacity_usd"], shell), 1e9)
    return Params().with_overrides({**values, **FIXED})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(params=parameter_sets(), seed=st.integers(0, 2**32 - 1))
def test_any_valid_parameters_run_a_year(params, seed, step_model, state_check, frame_check):
    for model in step_model(params, seed):
        state_check(model)
    frame = run(params, seed)
    assert len(frame) == WEEKS
    frame_check(frame)
    assert np.isfinite(list(model.ledger.values())).all()


def test_the_caps_name_real_parameters():
    paths = {s.path for s in Params.specs()}
    assert set(CAPS) | set(LOOPING_COSTS) | set(FIXED) | {"effort"} <= paths

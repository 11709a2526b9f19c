"""Invariants of the model state and of the weekly frame, over seeds and strategies (STYLE.md point 14).

Each scenario steps a small :class:`ScamEnforcementModel` directly and checks, every week, that no count
or balance is negative, nothing is NaN or infinite, the agents match their tables, the member graphs
are well formed and money is conserved:
``proceeds == laundered + fees + seized + dispersed + held`` (held = dirty cash of active networks
plus shell balances), to a relative 1e-9.
"""

import numpy as np
import pytest

from sim import run
from sim.model import EVENTS

SEEDS = (0, 1, 2)

#: "churn" forces every kind of event (splits, dissolutions, entries, relocations, seizures) so that the
#: invariants are checked on every path that moves money or members; "extinction" empties the world.
SCENARIOS = {
    "none": {"strategy": "none"},
    "reactive": {"strategy": "reactive"},
    "preventative": {"strategy": "preventative"},
    "mixed": {"strategy": "mixed", "prevention_share": 0.3},
    "transition": {"strategy": "transition", "transition_week": 10, "transition_ramp_weeks": 20},
    "broker": {"strategy": "reactive", "targeting": "broker", "effort": 800},
    "recruiter": {"strategy": "preventative", "targeting": "recruiter", "effort": 800},
    "random": {"strategy": "preventative", "targeting": "random", "effort": 3000},
    "custom": {"strategy": "custom"},
    "extinction": {
        "world.n_networks": 2, "effort": 5000.0, "police.boss_insulation": 0.0, "adaptation.entry_rate": 0.0,
        "adaptation.dissolve_prob": 1.0, "adaptation.decentralisation_mean": 0.01,
        "adaptation.collapse_prob": 1.0,
    },
    "churn": {
        "strategy": "mixed", "prevention_share": 0.3, "targeting": "kingpin", "effort": 3000,
        "adaptation.split_prob": 0.6, "adaptation.dissolve_prob": 0.3, "adaptation.entry_rate": 5.0,
        "adaptation.market_networks": 30.0, "adaptation.relocation_threshold": 0.1,
        "adaptation.relocation_prob": 0.2, "police.boss_insulation": 0.0,
    },
}  # fmt: skip


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_state_invariants_hold_every_week(scenario, seed, small_params, step_model, state_check):
    params = small_params(SCENARIOS[scenario])
    for model in step_model(params, seed):
        state_check(model)


def test_nothing_is_seized_or_revoked_during_burn_in(small_params, step_model):
    params = small_params(SCENARIOS["churn"], burn_in_weeks=20, weeks=1)
    for model in step_model(params, 0):
        if model.week < 1:
            assert model.ledger["seized"] == 0.0
            assert model.events["arrests_total"] == model.events["licenses_revoked"] == 0


def test_churn_scenario_exercises_every_event(small_params, step_model):
    """The invariants above are only as good as the paths they ran through."""
    totals = dict.fromkeys(EVENTS, 0.0)
    dispersed = 0.0
    for seed in SEEDS:
        for model in step_model(small_params(SCENARIOS["churn"]), seed):
            for name, value in model.events.items():
                totals[name] += value
        dispersed += model.ledger["dispersed"]
    assert all(totals[name] > 0 for name in EVENTS), {k: v for k, v in totals.items() if v == 0}
    assert dispersed > 0


def test_extinction_scenario_empties_the_world(small_params, step_model):
    """The invariants above run on an empty world only if this scenario really empties it."""
    emptied = 0
    for seed in SEEDS:
        *_, last = step_model(small_params(SCENARIOS["extinction"]), seed)
        emptied += int(last.nets.alive.sum()) == 0
    assert emptied >= 1


@pytest.mark.parametrize("scenario", ["reactive", "preventative", "churn"])
def test_frame_agrees_with_the_ledger(scenario, small_params, step_model):
    """Weekly flows in the frame add up to the ledger's totals after burn-in."""
    params = small_params(SCENARIOS[scenario])
    frame = run(params, 5)
    after_burn_in = {}
    for model in step_model(params, 5):
        if model.week == 0:
            after_burn_in = dict(model.ledger)
    assert after_burn_in["seized"] == 0.0
    for column, key in (
        ("assets_seized_usd", "seized"),
        ("proceeds_usd", "proceeds"),
        ("laundered_usd", "laundered"),
    ):
        total = model.ledger[key] - after_burn_in[key]
        assert frame[column].sum() == pytest.approx(total, rel=1e-9, abs=1e-6), column


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_frame_invariants(scenario, small_params, frame_check):
    params = small_params(SCENARIOS[scenario])
    frame = run(params, 11)
    frame_check(frame)
    assert frame["week"].tolist() == list(range(1, params.weeks + 1))
    arrests = frame["arrests_bosses"] + frame["arrests_facilitators"] + frame["arrests_recruiters"]
    assert (frame["arrests_total"] >= arrests).all()
    assert (frame["active_networks"] >= frame["networks_abroad"]).all()
    assert (frame["initial_networks_active"] <= frame["active_networks"]).all()
    for share in (
        "intelligence_mean",
        "partner_trust",
        "network_efficiency_mean",
        "awareness",
        "prevention_share",
    ):
        assert frame[share].between(0.0, 1.0).all(), share
    assert (frame["skilled_officers"] <= params.police.officers).all()
    # proceeds are the victims' losses less the collection fee: p = h (1 - fee)
    expected = frame["harm_usd"] * (1.0 - params.crime.collection_fee)
    np.testing.assert_allclose(frame["proceeds_usd"], expected, rtol=1e-9, atol=1e-6)


def test_no_enforcement_means_no_enforcement_events(small_params):
    frame = run(small_params(strategy="none"), 3)
    for column in (
        "arrests_total",
        "workers_detained",
        "licenses_revoked",
        "websites_suspended",
        "assets_seized_usd",
    ):
        assert (frame[column] == 0).all(), column
    assert (frame["partner_trust"] == frame["partner_trust"].iloc[0]).all()

"""Fixtures for the unit tests of the model's agents: a small model after a short burn-in."""

from collections.abc import Callable

import pytest

from sim.model import ScamEnforcementModel

#: All networks at home (so targeting at home has candidates) with enough managers to split.
AT_HOME = {"world.abroad_share": 0.0, "world.managers_mean": 6.0, "burn_in_weeks": 5}


@pytest.fixture
def make_model(small_params) -> Callable[..., ScamEnforcementModel]:
    """``make_model(seed, **overrides)``: a model stepped through its burn-in (money in the pipeline)."""

    def make(seed: int = 0, **overrides) -> ScamEnforcementModel:
        params = small_params({**AT_HOME, **overrides})
        model = ScamEnforcementModel(params, seed)
        for _ in range(params.burn_in_weeks):
            model.step()
        return model

    return make


@pytest.fixture
def model(make_model) -> ScamEnforcementModel:
    return make_model()

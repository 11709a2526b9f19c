"""Pinned output: full default runs must reproduce ``pinned.json`` bit for bit.

Guards refactorings and performance work: every such change must consume the random stream in the
same order and amounts and compute the same numbers, so these frames cannot change. If a pin breaks,
the change altered the model's output: undo it, or, only for a documented change of the model
(a new mechanism or a recalibrated default in ``sim/params.py``), regenerate the pins with
``python tests/regression/make_pins.py`` and say why in the commit.
"""

import json

import pytest

from tests.regression.make_pins import CASES, PINS, pin

PINNED = {(p["strategy"], p["seed"]): p for p in json.loads(PINS.read_text())}


@pytest.mark.slow
@pytest.mark.parametrize(("strategy", "seed"), CASES)
def test_full_run_matches_its_pin(strategy: str, seed: int) -> None:
    assert pin(strategy, seed) == PINNED[(strategy, seed)]

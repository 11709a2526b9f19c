"""Reporters (STYLE.md point 8): named module-level functions in one dict, usable on any stepped model
(by run, a DataCollector or a dashboard alike), each returning one finite number."""

import math
import pickle

import pytest

from sim import observe
from sim.model import EVENTS
from sim.observe import REPORTERS


@pytest.fixture
def stepped_model(make_model):
    model = make_model(3, strategy="mixed", burn_in_weeks=3)
    for _ in range(3):
        model.step()  # three weeks of enforcement, outside run()
    return model


@pytest.mark.parametrize("name", list(REPORTERS))
def test_every_reporter_works_on_a_stepped_model(stepped_model, name):
    value = REPORTERS[name](stepped_model)
    assert isinstance(value, int | float) and math.isfinite(value)


def test_event_reporters_read_this_weeks_events(stepped_model):
    for name in set(EVENTS) & set(REPORTERS):
        assert REPORTERS[name](stepped_model) == stepped_model.events[name]


def test_stock_reporters_read_the_active_networks(stepped_model):
    m = stepped_model
    alive = m.nets.alive
    assert observe.workers(m) == m.nets.workers[alive].sum()
    assert observe.active_networks(m) == alive.sum()
    assert observe.websites_active(m) == m.nets.websites[alive].sum()
    assert observe.recruiters_active(m) == m.recruiters.alive.sum()
    assert observe.shell_companies_active(m) == m.shells.alive.sum()
    assert observe.week(m) == m.week == 3


def test_reporter_names_match_their_columns():
    for name, fn in REPORTERS.items():
        assert fn.__name__ == name


def test_reporters_are_picklable():
    for name, fn in REPORTERS.items():
        assert pickle.loads(pickle.dumps(fn)) is not None, name

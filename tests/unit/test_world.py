"""Building the world: zones, networks with their recruiters and companies, and company counts."""

import numpy as np
import pytest

from sim import Params, world
from sim.model import ScamEnforcementModel


def test_shells_needed_by_hand():
    p = Params().with_overrides(
        {"crime.revenue_per_worker_usd": 2400.0, "crime.collection_fee": 0.1,
         "laundering.capacity_headroom": 1.3, "laundering.shell_capacity_usd": 1.2e6}
    )  # fmt: skip
    # proceeds = capacity * 2400 * 0.9; companies = ceil(proceeds * 1.3 / 1.2e6), at least one
    # 2000 workers: 4.32e6 * 1.3 / 1.2e6 = 4.68 -> 5;  100 workers: 0.234 -> 1;  0 workers: 0 -> 1
    np.testing.assert_array_equal(world.shells_needed(p, np.array([2000.0, 100.0, 0.0])), [5, 1, 1])


def test_company_counts_stay_manageable_over_the_declared_range():
    low = Params.spec("laundering.shell_capacity_usd").low
    p = Params().with_overrides({"laundering.shell_capacity_usd": low})
    assert world.shells_needed(p, np.array([p.world.workers_mean]))[0] <= 1000


@pytest.mark.parametrize(("share", "abroad"), [(0.0, 0), (1.0, 40)])
def test_initial_zones(small_params, share, abroad):
    model = ScamEnforcementModel(small_params({"world.abroad_share": share}), 0)
    zones = world.initial_zones(model, 40)
    n_home = model.params.world.n_home_zones
    assert ((zones >= 0) & (zones <= n_home)).all()
    assert int((zones == n_home).sum()) == abroad


def test_every_network_starts_with_recruiters_and_companies(small_params):
    model = ScamEnforcementModel(small_params({"world.n_networks": 20}), 2)
    slots = np.arange(20)
    assert (np.bincount(model.recruiters.net, minlength=20)[slots] >= 1).all()
    owned = np.bincount(model.shells.net, minlength=20)
    np.testing.assert_array_equal(owned, model.nets.shells_target)
    assert (owned >= 1).all()
    assert (model.nets.workers == np.round(model.nets.capacity)).all(), "initial compounds are full"


def test_entrants_start_small(model):
    created = world.spawn_networks(model, 3, np.zeros(3, dtype=np.int64), fill=0.1)
    slots = [net.slot for net in created]
    n = model.nets
    assert (n.workers[slots] == np.round(n.capacity[slots] * 0.1)).all()
    assert (n.born[slots] == model.week).all() and n.alive[slots].all()
    assert all(net.boss() is not None for net in created)

"""ScamNetwork: the member graph with roles, what removing a member does, and succession after a boss.

Succession outcomes are forced by replacing :func:`sim.rules.succession` (the rule itself is tested
by hand in test_rules.py); everything else runs the real model code.
"""

import numpy as np
import pytest

from sim import _kernels, _weekly, rules
from sim.agents.network import BOSS, FACILITATOR_ROLES, IT, LAUNDERER, MANAGER, ScamNetwork
from sim.model import ScamEnforcementModel


def connected(adj):
    start = next(iter(adj))
    seen, todo = {start}, [start]
    while todo:
        for w in adj[todo.pop()]:
            if w not in seen:
                seen.add(w)
                todo.append(w)
    return seen == set(adj)


def alive_networks(model):
    return [net for net in model.network_at if net.active]


def biggest(model):
    """The active network with the most managers (ties: lowest slot)."""
    return max(alive_networks(model), key=lambda net: (len(net.members_with(MANAGER)), -net.slot))


def test_initial_member_graphs(small_params):
    model = ScamEnforcementModel(small_params(), 3)
    assert len(model.network_at) == model.params.world.n_networks
    for net in model.network_at:
        roles = [net.role(m) for m in net.adj]
        assert roles.count(BOSS) == 1 and net.boss() is not None
        assert roles.count(MANAGER) >= 1
        assert set(FACILITATOR_ROLES) <= set(roles), "at least one launderer, licence fixer and IT member"
        assert connected(net.adj)
        assert net.efficiency0 == pytest.approx(rules.global_efficiency(net.adj))
        assert net.efficiency0 > 0
        i = net.slot
        assert model.nets.efficiency[i] == pytest.approx(net.efficiency0)
        assert model.nets.graph_ratio[i] == pytest.approx(1.0)
        assert model.nets.has_launderer[i] and model.nets.has_fixer[i] and model.nets.has_it[i]
        assert (model.members.net[list(net.adj)] == i).all()


def test_network_views_read_the_table(model):
    n = model.nets
    for net in alive_networks(model):
        i = net.slot
        assert (net.zone, net.workers, net.websites) == (n.zone[i], n.workers[i], n.websites[i])
        assert (net.dirty_cash, net.security, net.decentralisation) == (
            n.dirty[i],
            n.security[i],
            n.decentral[i],
        )
        assert net.oc_linked == n.oc[i] and net.active
        assert net.abroad == (n.zone[i] >= model.params.world.n_home_zones)


def test_removing_a_member_changes_graph_and_efficiency(model, state_check):
    net = biggest(model)
    i = net.slot
    bc = net.betweenness()
    member = max((m for m in net.adj if net.role(m) != BOSS), key=lambda m: (bc[m], -m))
    neighbours = set(net.adj[member])
    before = float(model.nets.efficiency[i])
    assert net.lose_member(member) == "member"
    assert member not in net.adj and not model.members.alive[member]
    assert all(member not in net.adj[w] for w in neighbours)
    after = float(model.nets.efficiency[i])
    assert after != pytest.approx(before)
    assert after == pytest.approx(rules.global_efficiency(net.adj))
    assert model.nets.graph_ratio[i] == pytest.approx(after / net.efficiency0)
    assert set(net.betweenness()) == set(net.adj), "the betweenness cache is refreshed"
    state_check(model)


def test_a_cut_graph_is_fragmented_until_it_reorganises(model):
    net = biggest(model)
    i = net.slot
    # arrest the best-connected members below the boss until the graph falls apart
    while len(net.components()) == 1 and len(net.adj) > 2:
        hub = max((m for m in net.adj if net.role(m) != BOSS), key=lambda m: (len(net.adj[m]), -m))
        net.lose_member(hub)
        assert model.nets.fragmented[i] == (len(net.components()) > 1)
    assert model.nets.fragmented[i]
    cut = float(model.nets.efficiency[i])
    net.reconnect()
    assert connected(net.adj) and not model.nets.fragmented[i]
    assert model.nets.efficiency[i] > cut


def test_losing_every_launderer_cuts_laundering_until_replaced(model):
    net = biggest(model)
    i = net.slot
    for m in net.members_with(LAUNDERER):
        net.lose_member(m)
    assert not model.nets.has_launderer[i]
    assert model.nets.launder_mult[i] == model.params.laundering.no_launderer_capacity
    for m in net.members_with(IT):
        net.lose_member(m)
    assert not model.nets.has_it[i]
    # replacements fill the missing skills first: launderer, then IT
    net.fill_vacancies(0, 2)
    assert model.nets.has_launderer[i] and model.nets.has_it[i]
    assert model.nets.launder_mult[i] == 1.0


def test_fill_vacancies_adds_managers(model):
    net = biggest(model)
    managers = len(net.members_with(MANAGER))
    net.fill_vacancies(2, 0)
    assert len(net.members_with(MANAGER)) == managers + 2
    assert connected(net.adj)


def test_reveal_marks_unknown_members_known(model):
    net = biggest(model)
    known = model.members.known
    assert net.known_members() == []
    assert net.reveal(3, model.rng) == 3
    assert len(net.known_members()) == 3
    assert net.reveal(10_000, model.rng) == len(net.adj) - 3
    assert all(known[m] for m in net.adj)
    assert net.reveal(1, model.rng) == 0


def test_an_insulated_boss_is_not_found_first(model):
    """With nobody known yet, a reveal finds anyone but the boss."""
    for net in model.network_at:
        assert net.reveal(1, model.rng) == 1
        (first,) = net.known_members()
        assert net.role(first) != BOSS


class TestSuccession:
    @pytest.fixture
    def force(self, monkeypatch):
        def force(outcome):
            monkeypatch.setattr(rules, "succession", lambda *args, **kwargs: outcome)

        return force

    def test_promote(self, model, force, state_check):
        force("promote")
        net = biggest(model)
        boss, managers = net.boss(), set(net.members_with(MANAGER))
        assert net.lose_member(boss) == "promote"
        assert net.active and boss not in net.adj
        heir = net.boss()
        assert heir in managers and set(net.members_with(MANAGER)) == managers - {heir}
        expected = model.week + model.params.adaptation.succession_weeks
        assert model.nets.disrupted_until[net.slot] == expected
        state_check(model)

    def test_split(self, model, force, state_check):
        force("split")
        net = biggest(model)
        assert len(net.members_with(MANAGER)) >= 2
        n = model.nets
        totals = {
            c: getattr(n, c)[n.alive].sum() for c in ("workers", "capacity", "dirty", "clean", "websites")
        }
        members = set(net.adj) - {net.boss()}
        count = len(model.network_at)
        assert net.lose_member(net.boss()) == "split"
        assert len(model.network_at) == count + 1
        faction = model.network_at[-1]
        assert isinstance(faction, ScamNetwork) and faction.active and net.active
        assert model.events["networks_split"] == 1
        assert set(net.adj) | set(faction.adj) == members and not set(net.adj) & set(faction.adj)
        for c, total in totals.items():
            assert getattr(n, c)[n.alive].sum() == pytest.approx(total), c
        state_check(model)

    def test_dissolve(self, model, force, state_check):
        force("dissolve")
        net = biggest(model)
        i = net.slot
        held = model.nets.dirty[i] + model.shells.balance[model.shells.net == i].sum()
        dispersed = model.ledger["dispersed"]
        recruiters = int(model.recruiters.alive.sum())
        assert held > 0
        assert net.lose_member(net.boss()) == "dissolve"
        assert not net.active and not net.adj and net not in model.agents
        assert model.nets.workers[i] == 0 and not model.shells.alive[model.shells.net == i].any()
        assert model.ledger["dispersed"] == pytest.approx(dispersed + held)
        assert int(model.recruiters.alive.sum()) == recruiters, "its recruiters move to other networks"
        assert model.events["networks_dissolved"] == 1
        state_check(model)

    def test_no_manager_left_dissolves(self, model, state_check):
        net = biggest(model)
        for m in net.members_with(MANAGER):
            assert net.lose_member(m) == "member"
        assert net.lose_member(net.boss()) == "dissolve"
        assert not net.active
        state_check(model)

    @pytest.mark.parametrize("outcome", ["promote", "split", "dissolve"])
    def test_real_rule_reaches_every_outcome(self, make_model, outcome):
        """With the rule's probabilities set to make one outcome certain, the model follows it."""
        probs = {"promote": (0.0, 0.0), "split": (1.0, 0.0), "dissolve": (0.0, 1.0)}[outcome]
        model = make_model(
            1, **{"adaptation.split_prob": probs[0], "adaptation.dissolve_prob": probs[1],
                  "adaptation.decentralisation_mean": 0.01},
        )  # fmt: skip
        net = biggest(model)
        decentral = model.nets.decentral[net.slot]
        result = net.lose_member(net.boss())
        # dissolve is certain only as far as the network is centralised: p = 1 * (1 - d)
        assert result == outcome or (outcome == "dissolve" and np.isclose(decentral, 1.0))


def test_reveal_draws_as_numpys_choice_with_probabilities():
    """reveal() draws a member as ``rng.choice(len(w), p=w / w.sum())`` would: same index, same generator
    state (the kernel's own tests try many more weights)."""
    weights = np.random.default_rng(9)
    for seed in range(300):
        w = weights.choice([1.0, 3.0, 0.5, 100.0], size=int(weights.integers(1, 30)))
        ours, numpys = np.random.default_rng(seed), np.random.default_rng(seed)
        assert _kernels.choice(ours, w) == int(numpys.choice(len(w), p=w / w.sum()))
        assert ours.random() == numpys.random()


def _record_structure_in_python(net: ScamNetwork, eff: float) -> dict[str, object]:
    """What ``ScamNetwork._record_structure`` stored when it was written in Python (before
    ``_weekly.record_structure``), for the columns it writes."""
    roles = set(net.roles())
    p = net.model.params
    return {
        "efficiency": eff,
        "graph_ratio": eff / net.efficiency0 if net.efficiency0 > 0 else 0.0,
        "has_launderer": LAUNDERER in roles,
        "has_fixer": FACILITATOR_ROLES[1] in roles,
        "has_it": IT in roles,
        "launder_mult": 1.0 if LAUNDERER in roles else p.laundering.no_launderer_capacity,
    }


@pytest.mark.parametrize("efficiency0", [0.37, 0.0, -1.0, float("nan")])
def test_recorded_structure_is_what_the_python_form_stored(make_model, efficiency0):
    model = make_model(3, **{"laundering.no_launderer_capacity": 0.25})
    for net in model.network_at:
        for drop in ((), tuple(m for m in net.adj if net.role(m) == LAUNDERER)):
            for m in drop:
                net._cut(m)
            net.efficiency0 = efficiency0
            eff = rules.global_efficiency(net.adj)
            expected = _record_structure_in_python(net, eff)
            net._record_structure(eff)
            for column, value in expected.items():
                got = getattr(model.nets, column)[net.slot]
                assert np.array([got]).tobytes() == np.array([value], dtype=got.dtype).tobytes(), column


def test_recording_the_structure_of_a_missing_member_or_network_is_refused(model):
    net = model.network_at[0]
    with pytest.raises(IndexError, match="is not a row of the members' table"):
        _weekly.record_structure(model.nets, 0, {10**9: set()}, model.members.role, 0.5, 0.5, 1.0, 2, 3, 4)
    with pytest.raises(IndexError, match="record_structure: network"):
        _weekly.record_structure(
            model.nets, len(model.nets), net.adj, model.members.role, 0.5, 0.5, 1.0, 2, 3, 4
        )

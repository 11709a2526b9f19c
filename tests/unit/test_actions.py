"""The task force's actions on a live model: targeting picks real, known members; arrests, revocations
and relocations update the tables, the agents and the ledger consistently."""

import pytest

from sim import strategies
from sim.agents import actions
from sim.agents.network import BOSS, FACILITATOR_ROLES, MANAGER, ScamNetwork
from sim.agents.partner import PartnerAgency
from sim.agents.police import PoliceTaskForce
from sim.agents.recruiter import Recruiter
from sim.agents.shell import ShellCompany

RULES = ("kingpin", "broker", "random", "recruiter")


def home_networks(model):
    return [net for net in model.network_at if net.active and not net.abroad]


def know(model, net, roles):
    """Mark the members of ``net`` with the given roles as known to the task force."""
    for m in net.adj:
        if net.role(m) in roles:
            model.members.known[m] = True
    model.refresh_intel()


@pytest.fixture
def always_succeed(monkeypatch):
    monkeypatch.setattr(actions, "_success", lambda *args: True)
    monkeypatch.setattr(actions, "_succeeds", lambda *args: True)
    monkeypatch.setattr(actions.rules, "succession", lambda *args, **kwargs: "promote")


def test_agents_of_every_type_exist(model):
    by_type = model.agents_by_type
    assert len(by_type[PoliceTaskForce]) == 1 and len(by_type[PartnerAgency]) == 1
    assert len(by_type[ScamNetwork]) == model.nets.alive.sum() == model.params.world.n_networks
    assert len(by_type[Recruiter]) == model.recruiters.alive.sum() > 0
    assert len(by_type[ShellCompany]) == model.shells.alive.sum() > 0
    assert model.task_force is next(iter(by_type[PoliceTaskForce]))


def test_recruiter_and_company_views_read_their_tables(model):
    rec, sh = model.recruiters, model.shells
    for agent in model.agents_by_type[Recruiter]:
        j = agent.slot
        assert (agent.network, agent.reach, agent.visibility, agent.active) == (
            rec.net[j],
            rec.reach[j],
            rec.visibility[j],
            rec.alive[j],
        )
    for agent in model.agents_by_type[ShellCompany]:
        s = agent.slot
        assert (agent.owner, agent.licence_active, agent.opacity, agent.balance, agent.offshore) == (
            sh.net[s],
            sh.alive[s],
            sh.opacity[s],
            sh.balance[s],
            sh.offshore[s],
        )


@pytest.mark.parametrize("rule", RULES)
def test_nobody_known_means_no_target(model, rule):
    model.refresh_intel()
    assert actions.choose_member(model, rule) is None


@pytest.mark.parametrize("rule", RULES)
def test_targets_are_known_members_of_the_known_network(model, rule):
    net = home_networks(model)[0]
    know(model, net, {MANAGER, *FACILITATOR_ROLES})
    for _ in range(20):
        network, member = actions.choose_member(model, rule)
        assert network is net and member in net.adj and model.members.known[member]


def test_kingpin_takes_the_boss_when_known_else_the_highest_rank(model):
    net = home_networks(model)[0]
    know(model, net, {MANAGER, *FACILITATOR_ROLES})
    network, member = actions.choose_member(model, "kingpin")
    assert net.role(member) == MANAGER and member == min(net.members_with(MANAGER))
    know(model, net, {BOSS})
    assert actions.choose_member(model, "kingpin") == (net, net.boss())


def test_broker_takes_a_facilitator_sole_holders_first_never_the_boss(model):
    net = home_networks(model)[0]
    know(model, net, {BOSS, MANAGER, *FACILITATOR_ROLES})
    network, member = actions.choose_member(model, "broker")
    roles = [net.role(m) for m in net.adj]
    sole = {r for r in FACILITATOR_ROLES if roles.count(r) == 1}
    assert net.role(member) in FACILITATOR_ROLES
    assert not sole or net.role(member) in sole


def test_broker_without_known_facilitators_takes_the_best_connected_manager(model):
    net = home_networks(model)[0]
    know(model, net, {BOSS, MANAGER})
    network, member = actions.choose_member(model, "broker")
    bc = net.betweenness()
    assert net.role(member) == MANAGER
    assert bc[member] == max(bc[m] for m in net.members_with(MANAGER))


def test_random_spreads_over_known_members(model):
    net = home_networks(model)[0]
    know(model, net, {net.role(m) for m in net.adj})
    picked = {actions.choose_member(model, "random")[1] for _ in range(300)}
    assert picked == set(net.adj)


def test_home_and_abroad_are_kept_apart(model):
    net = home_networks(model)[0]
    know(model, net, {BOSS})
    assert actions.choose_member(model, "kingpin", home=False) is None
    model.nets.zone[net.slot] = model.params.world.n_home_zones  # move it abroad
    assert actions.choose_member(model, "kingpin", home=True) is None
    assert actions.choose_member(model, "kingpin", home=False) == (net, net.boss())


def test_kingpin_arrest_removes_the_boss(make_model, always_succeed):
    model = make_model(**{"police.boss_insulation": 0.0})
    net = home_networks(model)[0]
    know(model, net, {BOSS})
    boss = net.boss()
    actions.arrest(model, model.task_force, 1, "kingpin")
    assert model.events["arrests_total"] == model.events["arrests_bosses"] == 1
    assert boss not in net.adj and net.boss() is not None  # a manager was promoted


def test_fully_insulated_bosses_are_never_arrested(make_model, always_succeed):
    model = make_model(**{"police.boss_insulation": 1.0})
    net = home_networks(model)[0]
    know(model, net, {BOSS})
    actions.arrest(model, model.task_force, 10, "kingpin")
    assert model.events["arrests_bosses"] == 0 and net.boss() is not None


def test_broker_arrest_takes_no_boss(model, always_succeed):
    net = home_networks(model)[0]
    know(model, net, {BOSS, MANAGER, *FACILITATOR_ROLES})
    before = len(net.adj)
    actions.arrest(model, model.task_force, 3, "broker")
    assert model.events["arrests_total"] == 3 and model.events["arrests_bosses"] == 0
    assert len(net.adj) == before - 3


def test_recruiter_rule_arrests_recruiters_only(model, always_succeed):
    model.recruiters.visibility[:] = 1.0  # a case against every recruiter
    alive = int(model.recruiters.alive.sum())
    members = int(model.members.alive.sum())
    actions.arrest(model, model.task_force, 3, "recruiter")
    assert model.events["arrests_recruiters"] == model.events["arrests_total"] == 3
    assert int(model.recruiters.alive.sum()) == alive - 3
    assert len(model.agents_by_type[Recruiter]) == alive - 3
    assert int(model.members.alive.sum()) == members


def test_no_intelligence_no_arrests(model, always_succeed):
    for rule in ("kingpin", "broker", "random"):
        actions.arrest(model, model.task_force, 5, rule)
    assert model.events["arrests_total"] == 0


@pytest.mark.parametrize("seize", [True, False])
def test_revoking_a_licence(model, seize, state_check):
    sh = model.shells
    s = int(max(range(len(sh)), key=lambda k: sh.balance[k] * sh.alive[k]))
    owner, balance = int(sh.net[s]), float(sh.balance[s])
    seized, dirty = model.ledger["seized"], float(model.nets.dirty[owner])
    assert balance > 0
    model.revoke_shell(s, seize=seize)
    assert not sh.alive[s] and sh.balance[s] == 0.0 and model.shell_at[s] not in model.agents
    assert model.events["licenses_revoked"] == 1
    if seize:
        assert model.ledger["seized"] == pytest.approx(seized + balance)
        assert model.events["assets_seized_usd"] == pytest.approx(balance)
    else:  # the owner withdraws the balance as dirty cash
        assert model.nets.dirty[owner] == pytest.approx(dirty + balance)
        assert model.ledger["seized"] == seized
    state_check(model)


@pytest.mark.parametrize("abroad", [True, False])
def test_relocation(model, abroad, state_check):
    i = home_networks(model)[0].slot
    zone, workers = int(model.nets.zone[i]), int(model.nets.workers[i])
    model.relocate(i, abroad)
    n_home = model.params.world.n_home_zones
    if abroad:
        assert model.nets.zone[i] == n_home
    else:
        assert model.nets.zone[i] != zone and model.nets.zone[i] < n_home
    assert model.nets.workers[i] <= workers
    assert model.nets.disrupted_until[i] == model.week + model.params.adaptation.relocation_weeks
    assert model.events["relocations"] == 1
    state_check(model)


@pytest.mark.parametrize("action", ["raid", "website", "licence", "investigation", "tracing", "disruption"])
def test_each_action_keeps_the_state_consistent(make_model, action, state_check):
    model = make_model(4, effort=2000.0)
    model.week = 1
    model.refresh_intel()
    fn = getattr(actions, action)

    def footprint() -> tuple:
        m = model
        return (
            dict(m.events), dict(m.ledger), int(m.members.known.sum()), int(m.shells.known.sum()),
            int(m.shells.alive.sum()), int(m.recruiters.alive.sum()), float(m.recruiters.blocked_until.sum()),
            float(m.nets.workers.sum()), float(m.nets.websites.sum()), m.awareness,
        )  # fmt: skip

    before = footprint()
    for _ in range(5):
        fn(model, model.task_force, 10)
        state_check(model)
    assert footprint() != before, f"{action} changed nothing: the check above ran on an untouched state"


def test_success_odds_are_each_networks_own_chance_and_follow_intelligence_skill_and_security(model):
    """success_odds gives, for every network, what rules.success_probability gives for that network
    alone (the bits of one operation's own computation), and is recomputed once the intelligence is
    refreshed, the skill changes or the networks adapt their security."""
    tf, p = model.task_force, model.params

    def one(i: int) -> float:
        return actions.rules.success_probability(
            model.intel[i], tf.skill, model.nets.security[i], p.police.success_max, p.police.intel_weight,
            p.police.skill_weight, p.crime.security_protection,
        )  # fmt: skip

    def check() -> None:
        odds = actions.success_odds(model, tf)
        assert len(odds) == len(model.intel)  # the networks the intelligence covers
        assert [float(x).hex() for x in odds] == [float(one(i)).hex() for i in range(len(odds))]

    check()
    net = home_networks(model)[0]
    know(model, net, {MANAGER, BOSS})  # refreshes the intelligence
    assert model.intel[net.slot] > 0
    check()
    tf.skilled = tf.skilled // 2
    check()
    model.nets.pressure[:] = 40.0  # a week of high risk: security rises
    before = model.nets.security.copy()
    model.adapt()
    assert (model.nets.security[: len(before)] != before).any()
    check()


def test_the_task_forces_allocation_follows_the_week_and_the_parameters(model):
    """The allocation the task force keeps between weeks is strategies.allocation's for every week of a
    transition (its prevention share ramps), and is recomputed when the model's parameters change."""
    tf = model.task_force
    model.params = model.params.with_overrides(
        {"strategy": "transition", "transition_week": 3, "transition_ramp_weeks": 4}
    )
    for week in range(1, 10):
        assert tf._allocation(week) == strategies.allocation(model.params, week)
    model.params = model.params.with_overrides({"strategy": "preventative"})
    assert (
        tf._allocation(9)
        == strategies.allocation(model.params, 9)
        != strategies.allocation(model.params.with_overrides({"strategy": "reactive"}), 9)
    )

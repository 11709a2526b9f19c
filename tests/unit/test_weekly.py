"""The compiled weekly phases (sim/_weekly.pyx) give exactly what their numpy forms give: every column of
every table to the last bit (signed zeros included), the same returned values, and the random generator
left in the same state. The numpy forms below are the model's code before the phases were compiled,
built from the rules of sim/rules.py; the states are real model states (after burn-in and some weeks of
enforcement, with dead networks, spent companies and revealed members) scrambled by hypothesis."""

import copy
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim import _weekly, rules
from sim.agents.network import ASSOCIATE, IT, LAUNDERER, MANAGER, ROLE_NAMES
from sim.model import ScamEnforcementModel
from sim.params import Params

TABLES = ("nets", "members", "recruiters", "shells")


def _model_state(strategy: str, seed: int, weeks: int) -> SimpleNamespace:
    model = ScamEnforcementModel(Params(strategy=strategy, burn_in_weeks=20), seed=seed)
    for _ in range(weeks):
        model.step()
    return SimpleNamespace(**{name: getattr(model, name) for name in TABLES}, week=model.week)


STATES = {}


def _state(index: int) -> SimpleNamespace:
    """One of three real states, built once per test process."""
    if index not in STATES:
        strategy, seed, weeks = [("reactive", 1, 60), ("preventative", 2, 90), ("mixed", 3, 40)][index]
        STATES[index] = _model_state(strategy, seed, weeks)
    return STATES[index]


def _scrambled(index: int, seed: int) -> SimpleNamespace:
    """A copy of a real state with some entries of its columns replaced by edge values: zeros, negative
    money, full and empty solvency, security at its bounds, huge and tiny numbers."""
    state = copy.deepcopy(_state(index))
    r = np.random.default_rng(seed)
    n = state.nets
    for column, values in {
        "security": [0.0, 1.0, 0.5, 1e-12],
        "pressure": [0.0, 3.0, 50.0],
        "solvency": [0.0, 1.0, 0.49, 0.5],
        "clean": [-1e6, -0.0, 0.0, 1e9, 123.456],
        "dirty": [0.0, 5e7],
        "graph_ratio": [0.0, 1.25, 2.0, 0.3],
        "capacity": [0.0, 1.0, 3e4],
        "launder_mult": [0.0, 1.0, 0.2],
    }.items():
        mask = r.random(len(n)) < 0.25
        getattr(n, column)[mask] = r.choice(values, int(mask.sum()))
    for column, high in {"workers": 40_000, "websites": 900, "staff": 300, "insolvent": 12}.items():
        mask = r.random(len(n)) < 0.25
        getattr(n, column)[mask] = r.integers(0, high, int(mask.sum()))
    for column in ("has_it", "has_fixer", "alive"):
        mask = r.random(len(n)) < 0.1
        getattr(n, column)[mask] = ~getattr(n, column)[mask]
    n.disrupted_until[r.random(len(n)) < 0.2] = state.week
    sh = state.shells
    sh.balance[r.random(len(sh)) < 0.2] = 0.0
    sh.alive[r.random(len(sh)) < 0.1] = True
    rec = state.recruiters
    rec.blocked_until[r.random(len(rec)) < 0.2] = state.week + 1
    m = state.members
    m.known[r.random(len(m)) < 0.2] = True
    return state


def _pair(index: int, seed: int) -> tuple[SimpleNamespace, SimpleNamespace]:
    """Two identical scrambled states, each with its own generator in the same state."""
    a = _scrambled(index, seed)
    b = copy.deepcopy(a)
    a.rng, b.rng = np.random.default_rng(seed), np.random.default_rng(seed)
    return a, b


def _assert_same(a: SimpleNamespace, b: SimpleNamespace) -> None:
    for name in TABLES:
        ta, tb = getattr(a, name), getattr(b, name)
        for column in ta._columns:
            x, y = getattr(ta, column), getattr(tb, column)
            assert x.dtype == y.dtype and x.tobytes() == y.tobytes(), f"{name}.{column} differs"
    assert a.rng.bit_generator.state == b.rng.bit_generator.state  # the buffered 32 bits included
    assert a.rng.bit_generator.random_raw(4).tolist() == b.rng.bit_generator.random_raw(4).tolist()


def _same_values(x, y) -> bool:
    return np.asarray(x).tobytes() == np.asarray(y).tobytes()


states = st.sampled_from([0, 1, 2])
seeds = st.integers(0, 2**32 - 1)
rates = st.sampled_from([0.0, 1e-9, 0.01, 0.1, 0.3, 0.5, 0.7, 0.999, 1.0, 1.5, -0.2])
shares = st.sampled_from([0.0, 0.03, 0.2, 0.5, 0.9, 1.0])
money = st.sampled_from([0.0, 1.0, 150.0, 2500.0, 1e5])


# --- the numpy forms ------------------------------------------------------------------------------------


def operate_numpy(t, home_zones, abroad_eff, no_it, security_cost, wpw, rpw, fee):
    n = t.nets
    loc = np.where(n.zone < home_zones, 1.0, abroad_eff)
    loc = loc * np.where(n.disrupted_until >= t.week, 0.5, 1.0) * np.where(n.has_it, 1.0, no_it)
    eff = rules.operating_efficiency(n.graph_ratio, n.security, security_cost, loc)
    losses = rules.victim_losses(n.workers, n.websites, wpw, rpw, eff) * n.alive
    n.revenue = losses * (1.0 - fee)
    n.dirty += n.revenue
    return float(losses.sum()), float(n.revenue.sum())


def launder_numpy(t, transfer, release, base_fee, layer_fee, cost_per_worker):
    n, sh = t.nets, t.shells
    cap = sh.capacity * sh.alive * n.launder_mult[sh.net]
    taken, inflow = rules.laundering_inflow(n.dirty * transfer, sh.net, cap, len(n))
    n.dirty -= taken
    sh.balance += inflow
    clean, fees = rules.layering(sh.balance, release, base_fee, layer_fee, sh.opacity)
    sh.balance -= clean + fees
    sh.balance = np.where(sh.balance < 0.0, 0.0, sh.balance)  # below zero by rounding alone
    income = np.bincount(sh.net, weights=clean, minlength=len(n))
    n.clean += income
    cost = cost_per_worker * n.workers * n.alive
    paid, n.solvency = rules.pay_costs(n.clean, cost)
    n.clean -= paid
    n.insolvent = np.where(n.alive & (n.solvency < 0.5), n.insolvent + 1, 0)
    alive_income = float(income[n.alive].sum())
    margin = (alive_income - float(cost.sum())) / alive_income if alive_income > 0 else 0.0
    return float(clean.sum()), float(fees.sum()), margin


def recruit_numpy(t, lure, per_worker, exit_rate, unpaid, staff_per_1000, staff_rate):
    n, rec, sh, rng = t.nets, t.recruiters, t.shells, t.rng
    working = rec.alive & (rec.blocked_until < t.week)
    supply = np.bincount(rec.net, weights=rec.reach * working, minlength=len(n)) * lure
    hiring = n.alive & (n.disrupted_until < t.week)
    cap = np.bincount(sh.net, weights=sh.capacity * sh.alive, minlength=len(n)) * n.launder_mult
    launderable = cap / per_worker if per_worker > 0 else np.full(len(n), np.inf)
    demand = rules.worker_demand(n.capacity, n.workers, n.solvency, launderable) * hiring
    new = rules.recruits(demand, supply, rng)
    n.workers += new - rules.binomial_losses(n.workers, exit_rate + unpaid * (1.0 - n.solvency), rng)
    target = (n.workers * staff_per_1000 / 1e3).round().astype(np.int64)
    n.staff += rules.replacement_draws(np.maximum(target - n.staff, 0) * n.alive, staff_rate, rng)
    return float(new.sum())


def turnover_numpy(t, exit_rate, per_network, workers_mean, entry_rate):
    rec, n = t.recruiters, t.nets
    leaving = rec.alive & (t.rng.random(len(rec)) < exit_rate)
    staying = rec.alive & ~leaving
    have = np.bincount(rec.net[staying], minlength=len(n))
    want = per_network * n.capacity / workers_mean
    gap = np.maximum(want - have, 0.0) * n.alive
    return leaving.nonzero()[0], rules.poisson_draws(entry_rate * gap, t.rng)


def rebuild_numpy(t, wpw, website_rate, no_it, website_cost, shell_rate, shell_cost):
    n, rng = t.nets, t.rng
    needed = np.ceil(n.workers / wpw).astype(np.int64)
    rate = website_rate * np.where(n.has_it, 1.0, no_it)
    new_sites = rules.replacement_draws(np.maximum(needed - n.websites, 0) * n.alive, rate, rng)
    new_sites = np.minimum(new_sites, rules.affordable(n.clean, website_cost))
    n.websites += new_sites
    n.clean -= new_sites * website_cost
    owned = np.bincount(t.shells.net[t.shells.alive], minlength=len(n))
    gap = np.maximum(n.shells_target - owned, 0) * (n.alive & n.has_fixer)
    new_shells = rules.replacement_draws(gap, shell_rate, rng)
    new_shells = np.minimum(new_shells, rules.affordable(n.clean, shell_cost))
    n.clean -= new_shells * shell_cost
    return new_shells


def vacancies_numpy(t, manager_rate, facilitator_rate):
    n, m, roles = t.nets, t.members, len(ROLE_NAMES)
    live = m.alive
    counts = np.bincount(m.net[live] * roles + m.role[live], minlength=len(n) * roles).reshape(len(n), roles)
    facilitators = counts[:, LAUNDERER : IT + 1].sum(axis=1)
    draw = rules.replacement_draws
    new_m = draw(np.maximum(n.managers_target - counts[:, MANAGER], 0) * n.alive, manager_rate, t.rng)
    new_f = draw(np.maximum(n.facilitators_target - facilitators, 0) * n.alive, facilitator_rate, t.rng)
    new_a = draw(np.maximum(n.associates_target - counts[:, ASSOCIATE], 0) * n.alive, manager_rate, t.rng)
    return new_m, new_f, new_a


def security_numpy(t, risk, home_zones, gain, decay, memory, threshold, prob, abroad_prob):
    n = t.nets
    n.security = rules.security_update(n.security, risk, gain, decay)
    n.pressure *= memory
    move, abroad = rules.relocation_choice(risk, ~(n.zone < home_zones), threshold, prob, abroad_prob, t.rng)
    movers = (move & n.alive).nonzero()[0]
    return movers, abroad[movers]


def forget_numpy(t, decay):
    t.members.known &= t.rng.random(len(t.members)) >= decay


def intelligence_numpy(t):
    m, size = t.members, len(t.nets)
    alive = np.bincount(m.net[m.alive], minlength=size)
    known = np.bincount(m.net[m.alive & m.known], minlength=size)
    return known, np.where(alive > 0, known / np.maximum(alive, 1), 0.0)


# --- the comparisons ---------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    states,
    seeds,
    shares,
    rates,
    shares,
    st.integers(0, 4),
    st.sampled_from([1.0, 37.3, 100.0]),
    money,
    shares,
)
def test_operate(index, seed, abroad_eff, no_it, security_cost, home_zones, wpw, rpw, fee):
    a, b = _pair(index, seed)
    args = (home_zones, abroad_eff, no_it, security_cost, wpw, rpw, fee)
    expected = operate_numpy(a, *args)
    got = _weekly.operate(b.nets, b.week, *args)
    assert _same_values(got, expected)
    _assert_same(a, b)


@settings(max_examples=60, deadline=None)
@given(states, seeds, shares, shares, st.sampled_from([0.0, 0.0033, 0.02]), shares, money)
def test_launder(index, seed, transfer, release, base_fee, layer_fee, cost):
    a, b = _pair(index, seed)
    expected = launder_numpy(a, transfer, release, base_fee, layer_fee, cost)
    assert _same_values(
        _weekly.launder(b.nets, b.shells, transfer, release, base_fee, layer_fee, cost), expected
    )
    _assert_same(a, b)


@settings(max_examples=60, deadline=None)
@given(states, seeds, shares, st.sampled_from([0.0, -1.0, 150.0, 2500.0]), rates, rates, money, rates)
def test_recruit(index, seed, lure, per_worker, exit_rate, unpaid, staff_per_1000, staff_rate):
    a, b = _pair(index, seed)
    args = (lure, per_worker, exit_rate, unpaid, staff_per_1000, staff_rate)
    expected = recruit_numpy(a, *args)
    assert _weekly.recruit(b.rng, b.nets, b.recruiters, b.shells, b.week, *args) == expected
    _assert_same(a, b)


@settings(max_examples=60, deadline=None)
@given(
    states,
    seeds,
    rates,
    st.sampled_from([0.0, 0.7, 3.5, 10.0]),
    st.sampled_from([1.0, 1800.0, 2222.2]),
    st.sampled_from([0.0, 0.05, 0.4, 3.0]),
)
def test_recruiter_turnover(index, seed, exit_rate, per_network, workers_mean, entry_rate):
    a, b = _pair(index, seed)
    leaving, entering = turnover_numpy(a, exit_rate, per_network, workers_mean, entry_rate)
    args = (exit_rate, per_network, workers_mean, entry_rate)
    got = _weekly.recruiter_turnover(b.rng, b.nets, b.recruiters, *args)
    assert _same_values(got[0], leaving) and _same_values(got[1], entering)
    _assert_same(a, b)


@settings(max_examples=60, deadline=None)
@given(states, seeds, st.sampled_from([1.0, 37.3, 100.0]), rates, rates, money, rates, money)
def test_rebuild(index, seed, wpw, website_rate, no_it, website_cost, shell_rate, shell_cost):
    a, b = _pair(index, seed)
    args = (wpw, website_rate, no_it, website_cost, shell_rate, shell_cost)
    expected = rebuild_numpy(a, *args)
    assert _same_values(_weekly.rebuild(b.rng, b.nets, b.shells, *args), expected)
    _assert_same(a, b)


@settings(max_examples=60, deadline=None)
@given(states, seeds, rates, rates)
def test_vacancy_draws(index, seed, manager_rate, facilitator_rate):
    a, b = _pair(index, seed)
    expected = vacancies_numpy(a, manager_rate, facilitator_rate)
    got = _weekly.vacancy_draws(
        b.rng,
        b.nets,
        b.members,
        len(ROLE_NAMES),
        MANAGER,
        LAUNDERER,
        IT,
        ASSOCIATE,
        manager_rate,
        facilitator_rate,
    )
    assert all(_same_values(x, y) for x, y in zip(got, expected, strict=True))
    _assert_same(a, b)


@settings(max_examples=60, deadline=None)
@given(states, seeds, shares, shares, shares, shares, shares, shares, shares, st.integers(0, 4))
def test_security_and_moves(index, seed, k, gain, decay, memory, threshold, prob, abroad_prob, zones):
    a, b = _pair(index, seed)
    risk = rules.perceived_risk(a.nets.pressure, k * 3.0)
    args = (zones, gain, decay, memory, threshold, prob, abroad_prob)
    movers, abroad = security_numpy(a, risk, *args)
    got = _weekly.security_and_moves(b.rng, b.nets, k * 3.0, *args)
    assert _same_values(got[0], movers) and _same_values(got[1], abroad)
    _assert_same(a, b)


@settings(max_examples=30, deadline=None)
@given(states, seeds, shares)
def test_forget_and_intelligence(index, seed, decay):
    a, b = _pair(index, seed)
    forget_numpy(a, decay)
    _weekly.forget(b.rng, b.members, decay)
    _assert_same(a, b)
    got = _weekly.intelligence(b.nets, b.members)
    assert all(_same_values(x, y) for x, y in zip(got, intelligence_numpy(a), strict=True))


def test_draws_are_skipped_on_this_platform():
    """forget passes over the unknown members' draws on numpy's PCG64 (sim/_pcg64_skip.pxi), which the
    module checked when it was loaded; the tests above and below then check it against numpy."""
    assert _weekly.PCG64_SKIPS


@pytest.mark.parametrize("bit_generator", [np.random.PCG64, np.random.MT19937, np.random.Philox])
@pytest.mark.parametrize(
    "known_at",
    [[], [0], [999], [0, 999], list(range(1000)), [3, 4, 5, 300, 301, 900], [256], [257], [513, 514]],
    ids=["none", "first", "last", "ends", "all", "clusters", "gap 256", "gap 257", "gap 513"],
)
def test_forget_draws_the_same_stream_for_any_known_members(bit_generator, known_at):
    """Long and short runs of unknown members between known ones (jumps of up to 256 draws and longer),
    on PCG64 (skipped) and on other bit generators (drawn): the same flags and generator state as numpy."""
    from sim.world import member_table

    tables = []
    for _ in range(2):
        members = member_table()
        members.add(1000, alive=True)
        members.known[known_at] = True
        tables.append(SimpleNamespace(members=members, rng=np.random.Generator(bit_generator(2026))))
    a, b = tables
    a.rng.integers(0, 10), b.rng.integers(0, 10)  # a buffered 32-bit half, which uniforms leave alone
    forget_numpy(a, 0.3)
    _weekly.forget(b.rng, b.members, 0.3)
    assert a.members.known.tolist() == b.members.known.tolist()
    assert a.rng.integers(0, 10, 3).tolist() == b.rng.integers(0, 10, 3).tolist()  # the buffered half first
    assert a.rng.bit_generator.random_raw(4).tolist() == b.rng.bit_generator.random_raw(4).tolist()


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.floats(allow_nan=False, allow_infinity=False, width=64),
            st.sampled_from([0.0, -0.0, 1e300, -1e300, 1e-300]),
        ),
        max_size=700,
    )
)
@pytest.mark.filterwarnings("ignore:overflow encountered")
@pytest.mark.filterwarnings("ignore:invalid value encountered")  # inf + -inf, which the test includes
def test_sum_is_numpys_pairwise_sum(values):
    a = np.array(values, dtype=np.float64)
    assert _same_values(_weekly.array_sum(a), a.sum())


def test_bad_rates_and_means_are_refused_before_anything_is_drawn_or_written():
    a, b = _pair(0, 5)
    with pytest.raises(ValueError, match="recruit: staff replacement"):
        _weekly.recruit(
            b.rng, b.nets, b.recruiters, b.shells, b.week, 0.1, 150.0, 0.01, 0.05, 3.0, float("nan")
        )
    with pytest.raises(ValueError, match="rebuild: websites"):
        _weekly.rebuild(b.rng, b.nets, b.shells, 37.0, float("nan"), 1.0, 100.0, 0.1, 1.0)
    with pytest.raises(ValueError, match="vacancy_draws: facilitators"):
        _weekly.vacancy_draws(
            b.rng, b.nets, b.members, len(ROLE_NAMES), MANAGER, LAUNDERER, IT, ASSOCIATE, 0.1, float("nan")
        )
    _assert_same(a, b)  # nothing drawn, nothing written
    with pytest.raises(ValueError, match="Poisson mean"):  # after the uniforms, as numpy's check comes
        _weekly.recruiter_turnover(b.rng, b.nets, b.recruiters, 0.01, 1.0, 1.0, float("nan"))


def test_a_negative_entry_rate_with_no_shortfall_draws_zero_as_numpy_does():
    a, b = _pair(1, 6)
    a.nets.capacity[:] = b.nets.capacity[:] = 0.0  # no network wants recruiters: means are -0.0
    expected = turnover_numpy(a, 0.0, 6.0, 2000.0, -1.0)
    got = _weekly.recruiter_turnover(b.rng, b.nets, b.recruiters, 0.0, 6.0, 2000.0, -1.0)
    assert all(_same_values(x, y) for x, y in zip(got, expected, strict=True))
    _assert_same(a, b)


def _one_network(**columns) -> SimpleNamespace:
    from sim import world

    state = SimpleNamespace(
        nets=world.network_table(), shells=world.shell_table(), recruiters=world.recruiter_table(),
        members=world.member_table(), week=0,
    )  # fmt: skip
    state.nets.add(1, alive=True, **columns)
    return state


@pytest.mark.filterwarnings("ignore:invalid value encountered in cast")
def test_counts_that_overflow_int64_wrap_around_as_in_numpy():
    # needed websites beyond int64 (workers per website ~ 0): numpy's cast gives INT64_MIN and the gap wraps
    for wpw, websites in [(1e-300, 1), (50.0, -(2**63))]:
        a = _one_network(workers=10 if wpw < 1 else 1000, websites=websites, has_it=True)
        b = copy.deepcopy(a)
        a.rng, b.rng = np.random.default_rng(0), np.random.default_rng(0)
        args = (wpw, 0.3, 1.0, 0.0, 0.0, 0.0)
        assert _same_values(_weekly.rebuild(b.rng, b.nets, b.shells, *args), rebuild_numpy(a, *args))
        _assert_same(a, b)
    # a staff target beyond int64 (staff per 1,000 workers huge)
    a = _one_network(workers=10, staff=1, capacity=10.0, solvency=1.0)
    b = copy.deepcopy(a)
    a.rng, b.rng = np.random.default_rng(0), np.random.default_rng(0)
    args = (0.0, 2160.0, 0.1, 0.0, 1e300, 0.5)
    assert _weekly.recruit(b.rng, b.nets, b.recruiters, b.shells, b.week, *args) == recruit_numpy(a, *args)
    _assert_same(a, b)
    a = _one_network(facilitators_target=-(2**63))
    a.members.add(1, alive=True, net=0, role=LAUNDERER)
    b = copy.deepcopy(a)
    a.rng, b.rng = np.random.default_rng(0), np.random.default_rng(0)
    expected = vacancies_numpy(a, 0.5, 0.5)
    got = _weekly.vacancy_draws(
        b.rng, b.nets, b.members, len(ROLE_NAMES), MANAGER, LAUNDERER, IT, ASSOCIATE, 0.5, 0.5
    )
    assert all(_same_values(x, y) for x, y in zip(got, expected, strict=True))
    _assert_same(a, b)


def test_rows_of_unknown_networks_and_columns_of_the_wrong_length_are_refused():
    """The kernels index without bounds checks, so they check the slots and lengths they rely on first."""
    _, b = _pair(0, 7)
    b.shells.net[0] = len(b.nets)
    with pytest.raises(ValueError, match="belongs to network .* which does not exist"):
        _weekly.launder(b.nets, b.shells, 0.5, 0.1, 0.003, 0.01, 100.0)
    _, b = _pair(0, 7)
    b.recruiters.net[-1] = -1
    with pytest.raises(ValueError, match="does not exist"):
        _weekly.recruiter_turnover(b.rng, b.nets, b.recruiters, 0.01, 1.0, 1.0, 0.1)
    _, b = _pair(0, 7)
    b.nets.dirty = np.zeros(1)
    with pytest.raises(ValueError, match="a column has 1 rows"):
        _weekly.operate(b.nets, b.week, 4, 0.5, 0.5, 0.3, 37.0, 100.0, 0.1)
    with pytest.raises(ValueError, match="role 9"):
        _weekly.vacancy_draws(
            b.rng, b.nets, b.members, len(ROLE_NAMES), MANAGER, LAUNDERER, 9, ASSOCIATE, 0.1, 0.1
        )


@settings(max_examples=60, deadline=None)
@given(states, seeds, st.integers(0, 4), st.booleans(), st.booleans())
def test_revenue_weights(index, seed, home_zones, home, with_known):
    a, b = _pair(index, seed)
    n = a.nets
    known = np.random.default_rng(seed).integers(-1, 3, len(n)) if with_known else None
    zone_ok = n.zone < home_zones if home else ~(n.zone < home_zones)
    mask = n.alive & zone_ok & (known > 0) if with_known else n.alive & zone_ok
    expected = np.where(mask, n.revenue + 1.0, 0.0)
    assert _same_values(_weekly.revenue_weights(b.nets, home_zones, home, known), expected)
    _assert_same(a, b)


@settings(max_examples=60, deadline=None)
@given(states, seeds, st.integers(0, 4), st.sampled_from([0.0, 0.05, 0.2, 1.0]), st.booleans())
def test_pick_weights(index, seed, home_zones, cold, blocking):
    """The weights of the raid's, the partner's, the recruiter operations', the money trace's and legal
    assistance's picks, as numpy computed them in sim/agents/actions.py and partner.py."""
    a, b = _pair(index, seed)
    n, rec, sh = a.nets, a.recruiters, a.shells
    intel = np.random.default_rng(seed).choice([0.0, 1.0, 0.37, 1e-9, 0.5], len(n))
    home = n.zone < home_zones
    week = a.week if blocking else None
    recruiters = (
        rec.visibility * (rec.alive & (rec.blocked_until < week)) if blocking else rec.visibility * rec.alive
    )
    for got, expected in [
        (_weekly.raid_weights(b.nets, home_zones), n.workers * (1.0 - n.security) * (n.alive & home)),
        (_weekly.sharing_weights(b.nets, home_zones), n.alive * (n.revenue + 1.0) * np.where(home, 1.0, 3.0)),
        (_weekly.recruiter_weights(b.recruiters, week), recruiters),
        (
            _weekly.tracing_weights(b.shells, intel, cold),
            sh.alive * (cold + sh.known) * (0.2 + intel[sh.net]) / sh.opacity,
        ),
        (_weekly.offshore_weights(b.shells, intel), sh.alive * sh.offshore * intel[sh.net]),
    ]:
        assert got.dtype == np.float64 and _same_values(got, expected)
    _assert_same(a, b)


@settings(max_examples=60, deadline=None)
@given(states, seeds, st.sampled_from([0.0, 0.5, 1.0, -0.3]), st.sampled_from([0.2, 1e-9, 3.0, -0.1]))
def test_add_pressure(index, seed, amount, spill):
    """Pressure on a network and, spilling over, on the live networks in its zone, as
    ScamEnforcementModel.add_pressure computed it with numpy."""
    a, b = _pair(index, seed)
    n = a.nets
    for i in np.random.default_rng(seed).integers(0, len(n), 5):
        n.pressure[(n.zone == n.zone[i]) & n.alive] += spill
        n.pressure[i] += amount
        _weekly.add_pressure(b.nets, int(i), amount, spill)
    _assert_same(a, b)
    with pytest.raises(IndexError, match="network 99999 is not one of the"):
        _weekly.add_pressure(b.nets, 99999, 1.0, 0.2)
    _assert_same(a, b)


@settings(max_examples=60, deadline=None)
@given(states, seeds, st.sampled_from([0.0, 0.1, 0.5, 0.999]), st.sampled_from([0.0, 0.6, 1.0]))
def test_success_odds(index, seed, skill, protection):
    """Each network's chance of success, as rules.success_probability computes it for the arrays (and
    for one network at a time)."""
    a, _ = _pair(index, seed)
    n = a.nets
    intel = np.random.default_rng(seed).choice([0.0, 1.0, 0.37, 1e-9, 0.5, 2 / 3], len(n))
    args = (0.8, 2.0, 1.5, protection)
    got = _weekly.success_odds(intel, n.security, skill, *args)
    assert _same_values(got, rules.success_probability(intel, skill, n.security, *args))
    assert _same_values(
        got[:5], [rules.success_probability(intel[i], skill, n.security[i], *args) for i in range(5)]
    )
    with pytest.raises(ValueError, match="success_odds: 3 securities for"):
        _weekly.success_odds(intel, n.security[:3], skill, *args)


@settings(max_examples=60, deadline=None)
@given(
    states,
    seeds,
    st.integers(0, 40),
    st.sampled_from([0.0, 0.4, 1.5, 30.0]),
    st.sampled_from([0.0, 1.0, 2.5]),
)
def test_new_recruiters_and_companies_draws(index, seed, k, mean, oc_extra):
    """What world.spawn_recruiters and spawn_shells drew and computed with numpy: reach and visibility;
    the companies' layering (security rounded half to even) and offshore flags."""
    a, b = _pair(index, seed)
    n = a.nets
    for t in (a, b):  # security whose double is a half, rounded to even
        t.nets.security[: len(n) // 2] = np.resize([0.25, 0.75, 0.5, 1.0, 0.0], len(n) // 2)
    owners = np.random.default_rng(seed).integers(0, len(n), k)
    reach, visibility = a.rng.gamma(2.0, mean / 2.0, k), a.rng.beta(2.0, 3.0, k)
    extra = oc_extra * n.oc[owners] + np.round(2.0 * n.security[owners])
    opacity, offshore = 1.0 + a.rng.poisson(mean, k) + extra, a.rng.random(k) < 0.3
    got = _weekly.recruiter_draws(b.rng, k, mean) + _weekly.shell_draws(
        b.rng, b.nets, owners, mean, oc_extra, 0.3
    )
    for x, y in zip(got, (reach, visibility, opacity, offshore), strict=True):
        assert x.dtype == y.dtype and _same_values(x, y)
    _assert_same(a, b)
    with pytest.raises(IndexError, match="shell_draws: network -1 is not one of the"):
        _weekly.shell_draws(b.rng, b.nets, np.array([0, -1]), mean, oc_extra, 0.3)
    with pytest.raises(ValueError, match="mean reach must be >= 0"):
        _weekly.recruiter_draws(b.rng, 3, np.nan)
    _assert_same(a, b)


@pytest.mark.parametrize("offset", ["min", -1, "last", "rows", "max"])
def test_the_slot_check_holds_at_the_edges_of_int64_and_of_the_table(offset):
    """The scan for unknown networks (an OR of each slot and ``n - 1 - slot``, tested by the sign bit)
    refuses every slot outside ``0 .. n - 1`` and accepts the last network."""
    _, b = _pair(0, 7)
    n = len(b.nets)
    slot = {"min": np.iinfo(np.int64).min, "last": n - 1, "rows": n, "max": np.iinfo(np.int64).max}.get(
        offset, offset
    )
    b.shells.net[len(b.shells) // 2] = slot
    if offset == "last":
        _weekly.launder(b.nets, b.shells, 0.5, 0.1, 0.003, 0.01, 100.0)
        return
    with pytest.raises(
        ValueError, match=f"row {len(b.shells) // 2} belongs to network {slot}, which does not exist"
    ):
        _weekly.launder(b.nets, b.shells, 0.5, 0.1, 0.003, 0.01, 100.0)


def test_with_no_networks_every_company_is_refused():
    _, b = _pair(0, 7)
    no_networks = type(b.nets)(**b.nets._columns)  # the same columns, no rows
    with pytest.raises(ValueError, match=r"row 0 belongs to network \d+, which does not exist \(0..-1\)"):
        _weekly.launder(no_networks, b.shells, 0.5, 0.1, 0.003, 0.01, 100.0)


def test_pick_weights_refuse_companies_of_unknown_networks():
    _, b = _pair(0, 7)
    with pytest.raises(ValueError, match="belongs to network .* which does not exist"):
        _weekly.tracing_weights(b.shells, np.zeros(1), 0.2)
    with pytest.raises(ValueError, match="belongs to network .* which does not exist"):
        _weekly.offshore_weights(b.shells, np.zeros(1))
    b.recruiters.visibility = np.zeros(1)
    with pytest.raises(ValueError, match="a column has 1 rows"):
        _weekly.recruiter_weights(b.recruiters)


def website_numpy(t, ops, protection, home_zones):
    """actions.website before it was compiled (the event count returned instead of added)."""
    nets, rng = t.nets, t.rng
    weights = nets.websites * (1.0 - protection * nets.security) * (nets.alive & (nets.zone < home_zones))
    total = weights.sum()
    if total <= 0:
        return -1
    hits = np.minimum(rng.multinomial(ops, weights / total), nets.websites)
    nets.websites -= hits
    nets.pressure += 0.02 * hits
    return int(hits.sum())


def _pick_numpy(weights, rng):
    """The task force's pick as numpy computes it (sim._kernels.pick's reference)."""
    if len(weights) == 0:
        return None
    c = weights.cumsum()
    if c[-1] <= 0:
        return None
    return min(int(c.searchsorted(rng.random() * c[-1], side="right")), len(weights) - 1)


def licence_numpy(t, ops, success_max, protection):
    """actions.licence's draws before they were compiled (revocations listed, not made)."""
    sh, rng = t.shells, t.rng
    domestic = (sh.alive & ~sh.offshore).astype(float)
    revoked = []
    for done in range(ops):
        s = _pick_numpy(domestic, rng)
        if s is None:
            return done, revoked
        owner = int(sh.net[s])
        prob = success_max * (1.0 - protection * t.nets.security[owner])
        if rng.random() < prob * min(1.0, 2.0 / sh.opacity[s]):
            revoked.append(s)
            domestic[s] = 0.0
    return ops, revoked


@settings(max_examples=60, deadline=None)
@given(states, seeds, st.sampled_from([0, 1, 7, 40, 5000]), shares, st.integers(0, 4))
def test_website_takedowns(index, seed, ops, protection, home_zones):
    a, b = _pair(index, seed)
    expected = website_numpy(a, ops, protection, home_zones)
    assert _weekly.website_takedowns(b.rng, b.nets, ops, protection, home_zones) == expected
    _assert_same(a, b)


@settings(max_examples=60, deadline=None)
@given(states, seeds, st.sampled_from([0, 1, 7, 40, 2000]), shares, shares)
def test_licence_inspections(index, seed, ops, success_max, protection):
    a, b = _pair(index, seed)
    mask = np.random.default_rng(seed).random(len(a.shells)) < 0.3
    for t in (a, b):
        t.shells.opacity[mask] = np.random.default_rng(seed).choice([0.5, 1.0, 2.0, 7.0], int(mask.sum()))
    expected = licence_numpy(a, ops, success_max, protection)
    assert _weekly.licence_inspections(b.rng, b.shells, b.nets, ops, success_max, protection) == expected
    _assert_same(a, b)


def test_website_takedowns_refuse_what_numpy_refuses_before_drawing():
    a, b = _pair(0, 3)
    for t in (a, b):  # with a protection of 3, secure networks weigh less than nothing
        t.nets.alive[:], t.nets.zone[:], t.nets.security[:] = True, 0, 1.0
        t.nets.websites[1], t.nets.security[1] = 10**7, 0.0  # the total stays positive
    message = r"pvals < 0, pvals > 1 or pvals contains NaNs"
    with pytest.raises(ValueError, match=message):
        website_numpy(a, 5, 3.0, 4)
    with pytest.raises(ValueError, match=message):
        _weekly.website_takedowns(b.rng, b.nets, 5, 3.0, 4)
    _assert_same(a, b)


def test_columns_of_the_wrong_kind_are_refused_before_anything_is_read():
    """The kernels read columns through their data pointers, so they check each column's kind first."""
    _, b = _pair(0, 7)
    b.nets.revenue = b.nets.revenue.astype(np.float32)
    with pytest.raises(
        ValueError, match="revenue_weights: expected a contiguous 1-D array of float64, got float32"
    ):
        _weekly.revenue_weights(b.nets, 4, True)
    _, b = _pair(0, 7)
    b.nets.zone = np.repeat(b.nets.zone, 2)[::2]  # the same values, not contiguous
    with pytest.raises(ValueError, match="contiguous 1-D array of int64"):
        _weekly.raid_weights(b.nets, 4)
    _, b = _pair(0, 7)
    b.members.known.flags.writeable = False
    with pytest.raises(ValueError, match="forget: a column it writes is read-only"):
        _weekly.forget(b.rng, b.members, 0.5)
    with pytest.raises(TypeError, match="tracing_weights: expected a 1-D numpy array, got list"):
        _weekly.tracing_weights(b.shells, [0.5] * len(b.nets), 0.2)


@settings(max_examples=60, deadline=None)
@given(states, seeds, st.sampled_from(["all", "none", "some"]))
def test_reporter_reductions(index, seed, which):
    """The reporters' counts, sums and means, as sim/observe.py computed them with numpy."""
    a, _ = _pair(index, seed)
    n, sh = a.nets, a.shells
    mask = {"all": np.ones(len(n), bool), "none": np.zeros(len(n), bool), "some": n.alive}[which]
    assert _weekly.count_where(mask) == np.count_nonzero(mask)
    assert _weekly.count_where(mask, n.oc) == np.count_nonzero(mask & n.oc)
    for threshold in (-1, 0, 1, 3, 4, 99):
        expected = np.count_nonzero(mask & (n.zone >= threshold))
        assert _weekly.count_at_least(mask, n.zone, threshold) == expected
        rows = _weekly.rows_at_least(mask, n.zone, threshold)
        assert rows == np.flatnonzero(mask & (n.zone >= threshold)).tolist()
        assert all(type(i) is int for i in rows)
    for slots in (np.zeros(0, np.int64), np.arange(len(n)), np.array([len(n) - 1, 0, 0, 2])):
        assert _weekly.count_at(mask, slots) == np.count_nonzero(mask[slots])
    with pytest.raises(IndexError, match=f"count_at: slot {len(n)} is not one of the {len(n)} rows"):
        _weekly.count_at(mask, np.array([0, len(n)]))
    with pytest.raises(IndexError, match="slot -1 is not one"):
        _weekly.count_at(mask, np.array([-1]))
    for column in ("workers", "websites", "dirty", "revenue", "security"):
        values = getattr(n, column)
        got, expected = _weekly.sum_where(values, mask), values[mask].sum()
        assert type(got) is (int if values.dtype == np.int64 else float) and _same_values(got, expected)
    for column in ("efficiency", "security", "oc", "dirty"):
        values, chosen = getattr(n, column), getattr(n, column)[mask]
        total = np.count_nonzero(chosen) if chosen.dtype == np.bool_ else np.add.reduce(chosen)
        expected = float(total / len(chosen)) if len(chosen) else 0.0
        assert _same_values(_weekly.mean_where(values, mask), expected)
    assert _same_values(_weekly.array_sum(sh.balance), sh.balance.sum())


def reveal_companies_numpy(t, owner, leads, share=0.5):
    """actions.forensics' companies before they were compiled (returns how many were revealed)."""
    sh, rng = t.shells, t.rng
    hidden = (sh.alive & ~sh.known & (sh.net == owner)).nonzero()[0]
    if not len(hidden):
        return 0
    k = min(len(hidden), int(rng.binomial(leads, share)))
    sh.known[rng.choice(hidden, k, replace=False)] = True
    return k


@settings(max_examples=100, deadline=None)
@given(
    states,
    seeds,
    st.integers(0, 60),
    st.sampled_from([0, 1, 2, 3, 7, 40, 400]),
    st.sampled_from([0.0, 0.3, 0.5, 1.0]),
)
def test_reveal_companies(index, seed, owner, leads, share):
    a, b = _pair(index, seed)
    owner = owner % len(a.nets)
    expected = reveal_companies_numpy(a, owner, leads, share)
    assert _weekly.reveal_companies(b.rng, b.shells, owner, leads, share) == expected
    _assert_same(a, b)


@settings(max_examples=100, deadline=None)
@given(seeds, st.integers(1, 3000), st.integers(1, 5000))
def test_reveal_companies_draw_numpys_choice_without_replacement(seed, hidden, leads):
    """Many hidden companies of one network: Floyd's algorithm with collisions, and the shuffle."""
    shells = SimpleNamespace(
        alive=np.ones(hidden + 5, bool), known=np.zeros(hidden + 5, bool), net=np.zeros(hidden + 5, np.int64)
    )
    shells.net[:5] = 1  # another network's companies
    shells.known[5:][np.random.default_rng(seed).random(hidden) < 0.1] = True
    a = SimpleNamespace(shells=copy.deepcopy(shells), rng=np.random.default_rng(seed))
    ours, rng = copy.deepcopy(shells), np.random.default_rng(seed)
    assert _weekly.reveal_companies(rng, ours, 0, leads, 0.5) == reveal_companies_numpy(a, 0, leads)
    assert ours.known.tobytes() == a.shells.known.tobytes()
    assert rng.bit_generator.state == a.rng.bit_generator.state


@settings(max_examples=60, deadline=None)
@given(states, seeds, rates)
def test_reorganising(index, seed, rate):
    a, b = _pair(index, seed)
    n = a.nets
    n.fragmented[np.random.default_rng(seed).random(len(n)) < 0.5] = True
    b.nets.fragmented[:] = n.fragmented
    due = n.alive & n.fragmented & (a.rng.random(len(n)) < rate)  # ScamEnforcementModel._reorganise's
    assert _weekly.reorganising(b.rng, b.nets, rate) == due.nonzero()[0].tolist()
    _assert_same(a, b)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(*[st.integers(0, 4)] * 3), max_size=30))
def test_rows_with_counts_and_owners_are_numpys_nonzero_and_repeat(counts):
    """The rows with new members and their counts, and the owners of new recruiters or companies, as
    sim/model.py computed them with numpy (``(a + b + c).nonzero()``, ``np.repeat(np.arange(n), k)``)."""
    a, b, c = (np.array([row[k] for row in counts], dtype=np.int64) for k in range(3))
    expected = [(int(i), int(a[i]), int(b[i]), int(c[i])) for i in (a + b + c).nonzero()[0]]
    got = _weekly.rows_with_counts(a, b, c)
    assert got == expected and all(type(x) is int for row in got for x in row)
    for column in (a, b, c):
        assert _same_values(_weekly.owners(column), np.repeat(np.arange(len(column)), column))


def test_rows_with_counts_and_owners_refuse_negative_counts_and_ragged_columns():
    with pytest.raises(ValueError, match="rows_with_counts: row 1 has a negative count"):
        _weekly.rows_with_counts(np.array([0, 0]), np.array([1, -1]), np.array([0, 0]))
    with pytest.raises(ValueError, match="rows_with_counts"):
        _weekly.rows_with_counts(np.zeros(2, np.int64), np.zeros(3, np.int64), np.zeros(2, np.int64))
    with pytest.raises(ValueError, match="negative"):
        np.repeat(np.arange(2), np.array([1, -1]))  # numpy's refusal, which owners gives too
    with pytest.raises(ValueError, match="repeats may not contain negative values"):
        _weekly.owners(np.array([1, -1]))
    with pytest.raises(ValueError, match="owners"):
        _weekly.owners(np.array([1.0]))  # not int64


def test_a_company_that_releases_everything_keeps_no_negative_balance():
    """With ``release_rate`` 1, ``balance - ((released - fees) + fees)`` can round below zero (found by
    tests/properties/test_random_params.py: -1.1e-16); the balance is then zero, and the money paid out
    is what was released."""
    balance = 853694.2008578771  # balance - ((b - 0.1 b) + 0.1 b) is -1.16e-10 in doubles
    assert balance - ((balance - balance * 0.1) + balance * 0.1) < 0
    state = _one_network(launder_mult=1.0)
    state.shells.add(1, alive=True, net=0, capacity=1e9, balance=balance, opacity=1.0)
    laundered, fees, _ = _weekly.launder(state.nets, state.shells, 0.0, 1.0, 0.1, 0.0, 0.0)
    assert state.shells.balance[0] == 0.0
    assert fees == balance * 0.1 and laundered == balance - balance * 0.1


def _raid_losses_python(rng, nets, i, leak_prob, find_share, staff_share, cash_share, websites_down):
    """sim.agents.actions.raid's first draws and updates as it wrote them, with numpy scalars."""
    tipped = rng.random() < leak_prob
    scale = 0.1 if tipped else 1.0
    detained = int(rng.binomial(nets.workers[i], find_share * scale))
    nets.workers[i] -= detained
    staff = int(rng.binomial(nets.staff[i], staff_share * scale))
    nets.staff[i] -= staff
    seized = cash_share * scale * nets.dirty[i]
    nets.dirty[i] -= seized
    down = min(int(nets.websites[i]), int(round(websites_down * scale)))
    nets.websites[i] -= down
    return tipped, detained, staff, seized, down


@settings(max_examples=60, deadline=None)
@given(
    states, seeds, st.sampled_from([0.0, 0.3, 1.0]), shares, shares, shares,
    st.sampled_from([0.0, 0.5, 2.5, 5.0, 15.0, 25.0, 1000.0]),
)  # fmt: skip
def test_raid_losses(index, seed, leak, find, staff, cash, websites):
    """A raid's tip-off, detained workers and staff, seized cash and websites taken down, as
    sim.agents.actions.raid computed them (Python's round halves to even, as rint does)."""
    a, b = _pair(index, seed)
    for i in np.random.default_rng(seed).integers(0, len(a.nets), 4).tolist():
        expected = _raid_losses_python(a.rng, a.nets, i, leak, find, staff, cash, websites)
        got = _weekly.raid_losses(b.rng, b.nets, i, leak, find, staff, cash, websites)
        assert got[0] is expected[0] and got[1:3] == expected[1:3] and got[4] == expected[4]
        assert _same_values(got[3], expected[3]) and type(got[3]) is float
    _assert_same(a, b)


def test_raid_losses_refuse_before_drawing_or_writing():
    """An unknown network, a negative count, a probability outside [0, 1] and a negative or NaN number of
    websites are refused before the generator or a column moves."""
    a, b = _pair(0, 7)
    bad = [
        ((99999, 0.3, 0.05, 0.3, 0.3, 5.0), IndexError, "network 99999 is not one of the"),
        ((0, 0.3, 1.5, 0.3, 0.3, 5.0), ValueError, "binomial: p must be in"),
        ((0, 0.3, 0.05, float("nan"), 0.3, 5.0), ValueError, "binomial: p must be in"),
        ((0, 0.3, 0.05, 0.3, 0.3, -1.0), ValueError, "websites taken down must be >= 0"),
        ((0, 0.3, 0.05, 0.3, 0.3, float("nan")), ValueError, "websites taken down must be >= 0"),
    ]
    for args, error, message in bad:
        with pytest.raises(error, match=message):
            _weekly.raid_losses(b.rng, b.nets, *args)
    b.nets.staff[0] = -1
    with pytest.raises(ValueError, match="counts must be >= 0"):
        _weekly.raid_losses(b.rng, b.nets, 0, 0.3, 0.05, 0.3, 0.3, 5.0)
    b.nets.staff[0] = a.nets.staff[0]
    _assert_same(a, b)

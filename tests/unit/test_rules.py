"""Every function of sim/rules.py against values computed by hand (the arithmetic is in the comments).

Stochastic rules get a stub generator whose draws are fixed, so the branches are checked exactly,
plus a seeded-generator check of their limits and means.
"""

import math

import numpy as np
import pytest

from sim import rules


class FixedDraws:
    """A stand-in for ``numpy.random.Generator`` whose ``random()`` returns preset values in turn."""

    def __init__(self, *draws):
        self.draws = list(draws)

    def random(self, size=None):
        value = self.draws.pop(0)
        return np.asarray(value, dtype=float) if size is not None else float(value)


def arr(*values):
    return np.array(values, dtype=float)


@pytest.fixture
def rng():
    return np.random.default_rng(20240601)


# --- 1. scam operations ----------------------------------------------------------------------------


def test_victim_losses():
    # busy = min(workers, websites * 50): min(100, 1*50) = 50, min(100, 4*50) = 100, min(0, 200) = 0
    # losses = 10 * busy * efficiency: 10*50*1 = 500, 10*100*0.5 = 500, 0
    out = rules.victim_losses(arr(100, 100, 0), arr(1, 4, 4), 50.0, 10.0, arr(1.0, 0.5, 1.0))
    np.testing.assert_allclose(out, [500.0, 500.0, 0.0])


def test_operating_efficiency():
    # clip(ratio, 0, 1.25) * (1 - 0.4 * security) * location
    # 0.5 * (1 - 0.4*0.5) * 1 = 0.4;  clip(2.0) = 1.25 * 1 * 0.8 = 1.0;  clip(-0.1) = 0 -> 0
    out = rules.operating_efficiency(arr(0.5, 2.0, -0.1), arr(0.5, 0.0, 1.0), 0.4, arr(1.0, 0.8, 1.0))
    np.testing.assert_allclose(out, [0.4, 1.0, 0.0])


# --- 2. laundering ---------------------------------------------------------------------------------


def test_laundering_inflow_fans_in_by_capacity():
    # capacity per network: net0 = 60 + 20 = 80, net1 = 100, net2 = 0
    # taken = min(dirty, capacity): min(100, 80) = 80, min(50, 100) = 50, min(30, 0) = 0
    # each shell gets its capacity share: 80*60/80 = 60, 80*20/80 = 20, 50*100/100 = 50, 0
    taken, inflow = rules.laundering_inflow(arr(100, 50, 30), np.array([0, 0, 1, 2]), arr(60, 20, 100, 0), 3)
    np.testing.assert_allclose(taken, [80.0, 50.0, 0.0])
    np.testing.assert_allclose(inflow, [60.0, 20.0, 50.0, 0.0])
    assert taken.sum() == pytest.approx(inflow.sum())


def test_laundering_inflow_network_without_companies():
    # network 1 owns no company: nothing is taken from it; minlength keeps one entry per network
    taken, inflow = rules.laundering_inflow(arr(10, 10), np.array([0]), arr(4), 2)
    np.testing.assert_allclose(taken, [4.0, 0.0])
    np.testing.assert_allclose(inflow, [4.0])


def test_layering():
    # released = balance * 0.5 = 500, 100
    # fee = min(0.01 + 0.02 * opacity, 1): 0.01 + 0.04 = 0.05;  0.01 + 1.2 = 1.21 -> 1
    # fees = 500 * 0.05 = 25, 100 * 1 = 100;  clean = 475, 0
    clean, fees = rules.layering(arr(1000, 200), 0.5, 0.01, 0.02, arr(2, 60))
    np.testing.assert_allclose(clean, [475.0, 0.0])
    np.testing.assert_allclose(fees, [25.0, 100.0])


def test_pay_costs():
    # paid = min(max(clean, 0), cost) = 40, 0, 50, 0; solvency = paid/cost = 1, 0, 0.5 and 1 (no cost)
    paid, solvency = rules.pay_costs(arr(100, -5, 50, 10), arr(40, 10, 100, 0))
    np.testing.assert_allclose(paid, [40.0, 0.0, 50.0, 0.0])
    np.testing.assert_allclose(solvency, [1.0, 0.0, 0.5, 1.0])


def test_affordable():
    # floor(max(clean, 0) / 50) = floor(1.98) = 1, floor(2) = 2, 0
    out = rules.affordable(arr(99, 100, -1), 50.0)
    np.testing.assert_array_equal(out, [1, 2, 0])
    assert out.dtype == np.int64


def test_affordable_free_items_are_unlimited():
    out = rules.affordable(arr(0, 5), 0.0)
    assert (out > 10**12).all() and out.dtype == np.int64


# --- 3. recruitment --------------------------------------------------------------------------------


def test_lure_probability():
    # 0.01 * (1 - 0.2) * min(500 / 1000, 1) = 0.01 * 0.8 * 0.5 = 0.004
    assert rules.lure_probability(0.01, 0.2, 500.0, 1000.0) == pytest.approx(0.004)
    # a pool above its size counts as full: 0.01 * 1 * 1 = 0.01
    assert rules.lure_probability(0.01, 0.0, 2000.0, 1000.0) == pytest.approx(0.01)
    assert rules.lure_probability(0.01, 0.0, 0.0, 0.0) == 0.0
    assert rules.lure_probability(0.01, 1.0, 500.0, 1000.0) == 0.0


def test_recruits_limits(rng):
    # no vacancies, negative vacancies or no supply: nobody is hired
    out = rules.recruits(arr(0, -3, 5, 5), arr(1e6, 1e6, 0, -2), rng)
    np.testing.assert_array_equal(out, [0, 0, 0, 0])
    assert out.dtype == np.int64
    # never more than the whole vacancies: floor(10.7) = 10 even when matching expects more
    for _ in range(50):
        assert rules.recruits(arr(10.7), arr(1e9), rng)[0] <= 10


def test_recruits_follow_the_matching_function(rng):
    # Poisson around S D / (S + D): S = D = 100 -> 100 * 100 / 200 = 50 (the cap at 100 never binds);
    # 20,000 draws: sd of the mean sqrt(50 / 20000) = 0.05
    out = rules.recruits(np.full(20_000, 100.0), np.full(20_000, 100.0), rng)
    assert out.mean() == pytest.approx(50.0, abs=0.25)
    # S = 4, D = 1e9: 4 * 1e9 / (1e9 + 4) = 4.0 (supply-limited); sd of the mean 0.014
    out = rules.recruits(np.full(20_000, 1e9), np.full(20_000, 4.0), rng)
    assert out.mean() == pytest.approx(4.0, abs=0.06)
    # S = 30, D = 6: 30 * 6 / 36 = 5 expected, capped at 6: the mean of min(Poisson(5), 6) is below 5
    out = rules.recruits(np.full(20_000, 6.0), np.full(20_000, 30.0), rng)
    assert out.max() <= 6 and 4.0 < out.mean() < 5.0


def test_worker_demand():
    # min(capacity * solvency, launderable) - workers, floored at 0:
    # min(100*1, 1e9) - 40 = 60;  min(100*0.5, 1e9) - 90 < 0 -> 0;  min(50, 1e9) - 60 < 0 -> 0;
    # min(100*1, 70) - 40 = 30 (the shells can launder only 70 workers' proceeds)
    out = rules.worker_demand(
        arr(100, 100, 50, 100), arr(40, 90, 60, 40), arr(1, 0.5, 1, 1), arr(1e9, 1e9, 1e9, 70)
    )
    np.testing.assert_allclose(out, [60.0, 0.0, 0.0, 30.0])


def test_binomial_losses_limits(rng):
    counts = np.array([0, 7, 100, -4])
    np.testing.assert_array_equal(rules.binomial_losses(counts, 0.0, rng), [0, 0, 0, 0])
    np.testing.assert_array_equal(rules.binomial_losses(counts, 1.0, rng), [0, 7, 100, 0])
    # rates outside [0, 1] are clipped, for scalars and arrays alike
    np.testing.assert_array_equal(rules.binomial_losses(counts, 1.5, rng), [0, 7, 100, 0])
    np.testing.assert_array_equal(rules.binomial_losses(counts, -0.5, rng), [0, 0, 0, 0])
    np.testing.assert_array_equal(rules.binomial_losses(counts, arr(1.0, 0.0, 2.0, 1.0), rng), [0, 0, 100, 0])


def test_binomial_losses_mean(rng):
    # 10,000 draws of Binomial(100, 0.25): mean 25, sd of the mean sqrt(18.75 / 1e4) = 0.043
    out = rules.binomial_losses(np.full(10_000, 100), 0.25, rng)
    assert out.mean() == pytest.approx(25.0, abs=0.2)
    assert ((out >= 0) & (out <= 100)).all()


def test_draws_keep_numpys_shapes_and_refuse_non_integer_counts():
    counts, rates = np.array([[3, 0], [40, 7]]), np.array([0.5, 0.25])
    ours, numpys = np.random.default_rng(8), np.random.default_rng(8)
    np.testing.assert_array_equal(rules.binomial_losses(counts, rates, ours), numpys.binomial(counts, rates))
    means = np.array([[0.5], [3.0]])
    np.testing.assert_array_equal(rules.poisson_draws(means, ours), numpys.poisson(means))
    assert ours.random() == numpys.random()
    with pytest.raises(TypeError):
        rules.binomial_losses(np.array([2.5, 1.0]), 0.5, ours)  # numpy refuses float counts too


def test_poisson_draws_are_numpys():
    means = np.array([0.0, 0.5, 3.0, 0.0, 40.0, 2e3])
    ours, numpys = np.random.default_rng(4), np.random.default_rng(4)
    out = rules.poisson_draws(means, ours)
    np.testing.assert_array_equal(out, numpys.poisson(means))
    assert out.dtype == np.int64 and out[0] == 0 and out[3] == 0  # a mean of zero draws zero
    assert ours.random() == numpys.random(), "both leave the generator in the same state"
    assert rules.poisson_draws([1, 2], np.random.default_rng(0)).shape == (2,)  # lists and ints accepted


def test_binomial_losses_are_numpys_draws():
    counts, rates = np.array([0, 12, 400, 3000, 5]), np.array([0.5, 0.1, 0.02, 0.7, 0.0])
    for rate in (0.3, rates):
        ours, numpys = np.random.default_rng(6), np.random.default_rng(6)
        expected = numpys.binomial(counts, rate)
        np.testing.assert_array_equal(rules.binomial_losses(counts, rate, ours), expected)
        assert ours.random() == numpys.random(), "both leave the generator in the same state"


def test_binomial_loss_is_the_same_draw_for_one_count():
    for count, rate in ((10, 0.3), (1000, 0.01), (7, 1.0), (7, 0.0)):
        one, many = np.random.default_rng(5), np.random.default_rng(5)
        assert (
            rules.binomial_loss(count, rate, one) == rules.binomial_losses(np.array([count]), rate, many)[0]
        )
        assert one.random() == many.random(), "both leave the generator in the same state"
    rng = np.random.default_rng(0)
    assert rules.binomial_loss(7, 1.5, rng) == 7  # rate clipped to 1
    assert rules.binomial_loss(7, -1.0, rng) == 0  # rate clipped to 0
    assert rules.binomial_loss(-4, 0.5, rng) == 0  # a negative count loses nothing
    assert type(rules.binomial_loss(7, 0.5, rng)) is int


def test_pool_update():
    # pool = max(100 - 30, 0) = 70, then 70 + 0.1 * (200 - 70) = 83
    assert rules.pool_update(100.0, 30.0, 200.0, 0.1) == pytest.approx(83.0)
    # more recruits than the pool holds: 0 + 0.1 * 200 = 20
    assert rules.pool_update(10.0, 30.0, 200.0, 0.1) == pytest.approx(20.0)
    assert rules.pool_update(50.0, 0.0, 200.0, 1.0) == pytest.approx(200.0)


# --- 4. criminal adaptation ------------------------------------------------------------------------


def test_perceived_risk():
    # 1 - exp(-0.5 * p): 0, 1 - e^-0.5 = 0.3934693, 1 - e^-1 = 0.6321206
    out = rules.perceived_risk(arr(0, 1, 2), 0.5)
    np.testing.assert_allclose(out, [0.0, 0.39346934, 0.63212056], rtol=1e-7)


def test_security_update():
    # 0.5 + 0.2*0.5*(1-0.5) - 0.1*(1-0.5)*0.5 = 0.5 + 0.05 - 0.025 = 0.525
    # 1 + 1*1*0 - ... = 1 (already at the top);  0 + 0 - 0 = 0;  0.2 - 1*(1-0)*0.2 = 0 -> clipped at 0
    out = rules.security_update(arr(0.5, 1.0, 0.0, 0.2), arr(0.5, 1.0, 0.0, 0.0), 0.2, 0.1)
    np.testing.assert_allclose(out[:3], [0.525, 1.0, 0.0])
    out = rules.security_update(arr(0.2), arr(0.0), 0.2, 1.0)
    np.testing.assert_allclose(out, [0.0])


class TestSuccession:
    # decentralisation 0.2, dissolve_prob 0.5: p_dissolve = 0.5 * (1 - 0.2) = 0.4
    # split_prob 0.5: split if u < 0.4 + 0.5 * (1 - 0.4) = 0.7 (and at least two managers)
    @pytest.mark.parametrize(
        ("u", "managers", "expected"),
        [
            (0.39, 3, "dissolve"),
            (0.41, 3, "split"),
            (0.69, 2, "split"),
            (0.71, 3, "promote"),
            (0.41, 1, "promote"),
        ],
    )
    def test_thresholds(self, u, managers, expected):
        assert rules.succession(0.2, managers, 0.5, 0.5, FixedDraws(u)) == expected

    def test_no_manager_means_dissolution_without_a_draw(self):
        assert rules.succession(1.0, 0, 0.0, 0.0, FixedDraws()) == "dissolve"

    def test_fully_decentralised_never_dissolves(self, rng):
        # p_dissolve = dissolve_prob * (1 - 1) = 0
        outcomes = {rules.succession(1.0, 3, 0.0, 1.0, rng) for _ in range(200)}
        assert outcomes == {"promote"}


def test_collapse_probability():
    # c (1 - h)^2 with health h = min(workers / capacity, 1)
    # h = 500 / 1000 = 0.5: 0.8 * 0.25 = 0.2;  h = 0.9: 0.8 * 0.01 = 0.008
    assert rules.collapse_probability(500.0, 1000.0, 0.8) == pytest.approx(0.2)
    assert rules.collapse_probability(900.0, 1000.0, 0.8) == pytest.approx(0.008)
    assert rules.collapse_probability(1500.0, 1000.0, 0.8) == 0.0  # over-full counts as healthy
    assert rules.collapse_probability(0.0, 1000.0, 0.8) == pytest.approx(0.8)  # empty compound
    assert rules.collapse_probability(10.0, 0.0, 0.8) == pytest.approx(0.8)  # no capacity: no health


def test_relocation_choice():
    # threshold 0.5, prob 0.3, abroad_prob 0.7 (distinct, so swapped arguments would fail)
    # move: risk > 0.5 and first draw < 0.3 -> [T, T, F (risk 0.2), F (draw 0.4), T]
    # abroad: movers at home with second draw < 0.7 -> [T, F (abroad already), F, F, F (draw 0.8)]
    draws = FixedDraws([0.2, 0.2, 0.1, 0.4, 0.25], [0.6, 0.1, 0.1, 0.1, 0.8])
    move, go_abroad = rules.relocation_choice(
        arr(0.9, 0.9, 0.2, 0.9, 0.6), np.array([False, True, False, False, False]), 0.5, 0.3, 0.7, draws
    )
    np.testing.assert_array_equal(move, [True, True, False, False, True])
    np.testing.assert_array_equal(go_abroad, [True, False, False, False, False])


def test_entry_expected():
    # 0.5 * 0.4 * (1 - 20/50) = 0.5 * 0.4 * 0.6 = 0.12
    assert rules.entry_expected(0.5, 0.4, 20.0, 50.0) == pytest.approx(0.12)
    assert rules.entry_expected(0.5, -0.4, 20.0, 50.0) == 0.0  # unprofitable
    assert rules.entry_expected(0.5, 0.4, 60.0, 50.0) == 0.0  # saturated market


def test_replacement_draws(rng):
    missing = np.array([0, 3, 9])
    np.testing.assert_array_equal(rules.replacement_draws(missing, 1.0, rng), [0, 3, 9])
    np.testing.assert_array_equal(rules.replacement_draws(missing, 0.0, rng), [0, 0, 0])
    out = rules.replacement_draws(missing, 0.5, rng)
    assert ((out >= 0) & (out <= missing)).all()


# --- 5. enforcement --------------------------------------------------------------------------------


def test_success_probability():
    # intel 0.3, skill 0.6, security 0.5 (distinct, as are the weights, so swapped arguments would fail)
    # base = 1 - exp(-(2*0.3 + 1*0.6)) = 1 - e^-1.2 = 0.69880579
    # 0.8 * 0.69880579 * (1 - 0.6*0.5) = 0.8 * 0.69880579 * 0.7 = 0.39133124
    p = rules.success_probability(0.3, 0.6, 0.5, 0.8, 2.0, 1.0, 0.6)
    assert float(p) == pytest.approx(0.39133124, rel=1e-7)
    assert float(p) == pytest.approx(0.8 * (1 - math.exp(-1.2)) * 0.7)


def test_success_probability_scalar_and_array_agree():
    # one operation (floats) and many (arrays) give the same numbers
    intel, security = arr(0.0, 0.3, 0.9), arr(0.5, 0.0, 1.0)
    many = rules.success_probability(intel, 0.4, security, 0.8, 2.0, 1.5, 0.6)
    for k in range(3):
        one = rules.success_probability(float(intel[k]), 0.4, float(security[k]), 0.8, 2.0, 1.5, 0.6)
        assert float(one) == pytest.approx(float(many[k]), rel=1e-12)


def test_success_probability_limits_and_arrays():
    # no intelligence and no skill: nothing succeeds; full security with full protection: nothing
    assert float(rules.success_probability(0.0, 0.0, 0.0, 0.9, 2.0, 1.0, 0.6)) == 0.0
    assert float(rules.success_probability(1.0, 1.0, 1.0, 0.9, 2.0, 1.0, 1.0)) == 0.0
    # vectorised over targets: intel 0 and 1, skill 0, weight 1, no security: 0.5*(1-1)=0, 0.5*(1-e^-1)
    out = rules.success_probability(arr(0.0, 1.0), 0.0, arr(0.0, 0.0), 0.5, 1.0, 1.0, 0.5)
    np.testing.assert_allclose(out, [0.0, 0.5 * (1 - math.exp(-1.0))])


def test_tracing_factor():
    assert rules.tracing_factor(4.0, False, 0.5) == pytest.approx(0.25)  # 1/4
    assert rules.tracing_factor(4.0, True, 0.5) == pytest.approx(0.125)  # 1/4 * 0.5
    assert rules.tracing_factor(0.5, False, 0.0) == pytest.approx(1.0)  # opacity below 1 counts as 1
    assert rules.tracing_factor(2.0, True, 0.0) == 0.0  # offshore without legal assistance


def test_operations():
    # bank 5 + effort 20 = 25; 25 // 7 = 3 operations; 25 - 21 = 4 carried over
    assert rules.operations(5.0, 20.0, 7.0) == (3, pytest.approx(4.0))
    # not enough for one: everything is carried
    assert rules.operations(0.0, 3.0, 10.0) == (0, pytest.approx(3.0))
    # carried effort adds up: 3 + 3 + 3 + 3 = 12 -> one operation, 2 left
    bank, done = 0.0, 0
    for _ in range(4):
        ops, bank = rules.operations(bank, 3.0, 10.0)
        done += ops
    assert (done, bank) == (1, pytest.approx(2.0))


def test_skill_level():
    assert rules.skill_level(60, 60) == pytest.approx(0.5)  # 60 / 120
    assert rules.skill_level(0, 60) == 0.0
    assert rules.skill_level(180, 60) == pytest.approx(0.75)  # 180 / 240


def test_trust_update():
    # two successes with gain 0.1: 0.5 + 0.1*0.5 = 0.55; 0.55 + 0.1*0.45 = 0.595
    # one failure with loss 0.2: 0.595 - 0.2*0.595 = 0.476
    assert rules.trust_update(0.5, 2, 1, 0.1, 0.2) == pytest.approx(0.476)
    assert rules.trust_update(0.5, 0, 0, 0.1, 0.2) == 0.5
    assert rules.trust_update(0.9, 50, 0, 1.0, 0.2) == 1.0
    assert rules.trust_update(0.9, 0, 50, 0.1, 1.0) == 0.0


# --- graph measures ----------------------------------------------------------------------------------


def graph(*edges, nodes=()):
    adj = {v: set() for v in nodes}
    for a, b in edges:
        adj.setdefault(a, set()).add(b)
        adj.setdefault(b, set()).add(a)
    return adj


PATH3 = graph((0, 1), (1, 2))
STAR3 = graph((0, 1), (0, 2), (0, 3))
PATH4 = graph((0, 1), (1, 2), (2, 3))
CYCLE4 = graph((0, 1), (1, 2), (2, 3), (3, 0))
K4 = graph((0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3))
TWO_PAIRS = graph((0, 1), (2, 3))


@pytest.mark.parametrize(
    ("adj", "expected"),
    [
        (PATH3, 5 / 6),  # ordered pairs: 2 * (1 + 1/2 + 1) = 5 over 3*2 = 6
        (STAR3, 0.75),  # 2 * (3 centre-leaf * 1 + 3 leaf-leaf * 1/2) = 9 over 4*3 = 12
        (K4, 1.0),  # every pair adjacent
        (TWO_PAIRS, 1 / 3),  # 2 * (1 + 1) = 4 over 12; disconnected pairs count 0
        (graph(nodes=(0,)), 0.0),  # fewer than two nodes
        (graph(nodes=(0, 1)), 0.0),  # two isolated nodes
        ({}, 0.0),
    ],
)
def test_global_efficiency(adj, expected):
    assert rules.global_efficiency(adj) == pytest.approx(expected)
    assert rules.global_efficiency_exact(adj) == rules.global_efficiency(adj)


@pytest.mark.parametrize(
    ("adj", "expected"),
    [
        (PATH3, {0: 0.0, 1: 1.0, 2: 0.0}),  # 1 lies on the only path 0-2
        (STAR3, {0: 3.0, 1: 0.0, 2: 0.0, 3: 0.0}),  # the centre lies on all three leaf pairs
        (PATH4, {0: 0.0, 1: 2.0, 2: 2.0, 3: 0.0}),  # 1 on (0,2), (0,3); 2 on (0,3), (1,3)
        (CYCLE4, dict.fromkeys(range(4), 0.5)),  # opposite pairs have two shortest paths: 1/2 each
        (K4, dict.fromkeys(range(4), 0.0)),
        (TWO_PAIRS, dict.fromkeys(range(4), 0.0)),
    ],
)
def test_betweenness(adj, expected):
    assert rules.betweenness(adj) == pytest.approx(expected)
    assert rules.betweenness_exact(adj) == pytest.approx(expected)


def test_every_rule_has_a_test_here():
    """A new mechanism in sim/rules.py needs a hand-computed test in this module."""
    import inspect
    from pathlib import Path

    source = Path(__file__).read_text(encoding="utf-8")
    public = [
        name
        for name, fn in inspect.getmembers(rules, inspect.isfunction)
        if fn.__module__ == rules.__name__ and not name.startswith("_")
    ]
    assert public, "no rules found"
    untested = [name for name in public if f"rules.{name}(" not in source]
    assert not untested, f"rules without a unit test: {untested}"


@pytest.mark.parametrize("size", [1, 2, 3, 7, 100])
def test_choose_is_numpys_choice_of_a_sequence(size):
    """``rules.choose`` picks what ``rng.choice`` picks, e.g. the 0th of [10] with no draw at all."""
    items = list(range(10, 10 + size))
    for seed in range(200):
        ours, numpys = np.random.default_rng(seed), np.random.default_rng(seed)
        assert rules.choose(items, ours) == int(numpys.choice(items))
        assert ours.random() == numpys.random()  # the same generator state


def test_choose_from_one_item_draws_nothing():
    rng = np.random.default_rng(3)
    state = rng.bit_generator.state
    assert rules.choose(["only"], rng) == "only"
    assert rng.bit_generator.state == state

"""The compiled kernels (sim/_kernels.pyx) give exactly what numpy and the Python references give: the same
numbers, and the random generator left in the same state, so a run is the same with or without them."""

import copy
import math
import subprocess
import sys
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim import _kernels, _weekly, rules
from tests.properties.test_graph_measures import graphs


def _pair(seed: int, bit_generator=np.random.PCG64):
    return np.random.Generator(bit_generator(seed)), np.random.Generator(bit_generator(seed))


def _same_state(a: np.random.Generator, b: np.random.Generator) -> bool:
    """Both generators are in the same state (their buffered 32 bits included) and continue alike."""
    same = _equal(a.bit_generator.state, b.bit_generator.state)
    return same and a.bit_generator.random_raw(4).tolist() == b.bit_generator.random_raw(4).tolist()


def _equal(x, y) -> bool:
    """Equality of bit generator states: dicts of numbers, and arrays (MT19937's key)."""
    if isinstance(x, dict):
        return isinstance(y, dict) and x.keys() == y.keys() and all(_equal(x[k], y[k]) for k in x)
    if isinstance(x, np.ndarray):
        return isinstance(y, np.ndarray) and np.array_equal(x, y)
    return x == y


# p = 0.5 and p * n around 30 switch numpy between its inversion and BTPE samplers, and p > 0.5 draws 1 - p
PROBABILITIES = [0.0, 1e-9, 0.004, 0.03, 0.3, 0.5, 0.5000001, 0.7, 0.999, 1.0]


@pytest.mark.parametrize("p", PROBABILITIES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_binomial_equals_numpys_array_draw(p, seed):
    counts = np.random.default_rng(100 + seed).integers(0, 3000, 70) * (np.arange(70) % 4 != 0)
    counts[:3] = [0, 1, 10**9]
    ours, numpys = _pair(seed)
    expected = numpys.binomial(counts, p)
    np.testing.assert_array_equal(_kernels.binomial(ours, counts.astype(np.int64), np.array([p])), expected)
    assert _same_state(ours, numpys)


@pytest.mark.parametrize("seed", range(5))
def test_binomial_per_count_and_poisson_equal_numpys_array_draws(seed):
    r = np.random.default_rng(200 + seed)
    counts = r.integers(0, 5000, 90)
    p = r.choice(PROBABILITIES, 90) * (r.random(90) < 0.8) + r.random(90) * 0.2 * (r.random(90) < 0.3)
    p = np.minimum(p, 1.0)
    means = r.choice([0.0, 0.02, 1.5, 9.99, 10.0, 40.0, 5e4], 90) * r.random(90)
    ours, numpys = _pair(seed)
    np.testing.assert_array_equal(_kernels.binomial(ours, counts, p), numpys.binomial(counts, p))
    np.testing.assert_array_equal(_kernels.poisson(ours, means), numpys.poisson(means))
    assert _same_state(ours, numpys)
    assert ours.random() == numpys.random()


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("bit_generator", [np.random.PCG64, np.random.MT19937])
def test_single_draws_equal_numpys_scalar_draws(seed, bit_generator):
    """uniform, binomial_one and poisson_one, mixed in one stream, give what rng.random(),
    rng.binomial(n, p) and rng.poisson(lam) give for one number, and leave the generator alike (numpy's
    own binomial setup cache, kept between calls, included: ours starts afresh each time)."""
    r = np.random.default_rng(300 + seed)
    ours, numpys = _pair(seed, bit_generator)
    for _ in range(400):
        kind = r.integers(3)
        if kind == 0:
            assert _kernels.uniform(ours) == numpys.random()
        elif kind == 1:
            n = int(r.choice([0, 1, 2, 7, 60, 3000, 10**9]))
            p = float(r.choice(PROBABILITIES))
            got = _kernels.binomial_one(ours, n, p)
            assert type(got) is int and got == int(numpys.binomial(n, p))
        else:
            lam = float(r.choice([0.0, 0.02, 1.5, 9.99, 10.0, 40.0, 5e4]))
            got = _kernels.poisson_one(ours, lam)
            assert type(got) is int and got == int(numpys.poisson(lam))
    assert _same_state(ours, numpys)


def test_single_draws_refuse_what_numpy_refuses_before_drawing():
    ours, numpys = _pair(5)
    for n, p in [(-1, 0.5), (3, -0.1), (3, 1.5), (3, math.nan)]:
        with pytest.raises(ValueError):
            numpys.binomial(n, p)
        with pytest.raises(ValueError, match="binomial: "):
            _kernels.binomial_one(ours, n, p)
    for lam in [-1.0, math.nan, 2 * _kernels.POISSON_LAM_MAX]:
        with pytest.raises(ValueError):
            numpys.poisson(lam)
        with pytest.raises(ValueError, match="poisson: "):
            _kernels.poisson_one(ours, lam)
    assert _same_state(ours, numpys)


def test_kernels_work_on_any_bit_generator_and_on_read_only_arrays():
    ours, numpys = _pair(7, np.random.MT19937)
    counts = np.arange(40, dtype=np.int64) * 13
    counts.flags.writeable = False
    np.testing.assert_array_equal(
        _kernels.binomial(ours, counts, np.array([0.2])), numpys.binomial(counts, 0.2)
    )
    assert _same_state(ours, numpys)


def test_empty_arrays_draw_nothing():
    ours, numpys = _pair(3)
    assert _kernels.binomial(ours, np.zeros(0, dtype=np.int64), np.array([0.5])).tolist() == []
    assert _kernels.poisson(ours, np.zeros(0)).tolist() == []
    assert _same_state(ours, numpys)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda g: _kernels.binomial(g, np.array([3, -1]), np.array([0.5])), "counts must be >= 0"),
        (lambda g: _kernels.binomial(g, np.array([3]), np.array([1.5])), r"p must be in \[0, 1\]"),
        (lambda g: _kernels.binomial(g, np.array([3]), np.array([math.nan])), r"p must be in \[0, 1\]"),
        (lambda g: _kernels.binomial(g, np.array([3, 4, 5]), np.array([0.5, 0.1])), "3 counts but 2"),
        (lambda g: _kernels.binomial(g, np.array([3, 4]), np.array([0.5, -0.1])), r"p must be in \[0, 1\]"),
        (lambda g: _kernels.poisson(g, np.array([1.0, -2.0])), "means must be in"),
        (lambda g: _kernels.poisson(g, np.array([math.nan])), "means must be in"),
        (lambda g: _kernels.poisson(g, np.array([1e19])), "means must be in"),
    ],
)
def test_invalid_parameters_are_refused_before_any_draw(call, message):
    """numpy's C samplers would never return on a negative or NaN parameter; the kernels refuse them,
    naming the parameter, and draw nothing."""
    ours, untouched = _pair(11)
    with pytest.raises(ValueError, match=message):
        call(ours)
    assert _same_state(ours, untouched)


def test_poisson_limit_is_numpys():
    big = _kernels.POISSON_LAM_MAX
    np.random.default_rng(0).poisson(big)  # numpy accepts it ...
    with pytest.raises(ValueError):
        np.random.default_rng(0).poisson(np.nextafter(big, math.inf))  # ... and nothing above


def _levels_by_search(adj, source):
    counts: dict[int, int] = {}
    for d in rules._distances_from(adj, source).values():
        if d:
            counts[d] = counts.get(d, 0) + 1
    return tuple(counts[d] for d in sorted(counts))


@settings(max_examples=200, deadline=None)
@given(graphs())
def test_level_sizes_count_the_nodes_at_each_distance(adj):
    assert _kernels.level_sizes(adj) == [_levels_by_search(adj, v) for v in adj]


@settings(max_examples=200, deadline=None)
@given(graphs())
def test_betweenness_kernel_is_bit_identical_to_the_exact_version(adj):
    scores = _kernels.betweenness(adj)
    assert list(scores.items()) == list(rules.betweenness_exact(adj).items())  # same floats, same order


@settings(max_examples=300, deadline=None)
@given(graphs())
def test_efficiency_kernel_is_bit_identical_to_the_exact_version(adj):
    assert _kernels.efficiency(adj) == rules.global_efficiency_exact(adj)


@settings(max_examples=300, deadline=None)
@given(graphs())
def test_connected_is_a_search_reaching_every_node(adj):
    reached = len(rules._distances_from(adj, next(iter(adj)))) if adj else 0
    assert _kernels.connected(adj) == (reached == len(adj))
    efficiency, whole = _kernels.structure(adj)  # both from one reading of the graph
    assert whole == _kernels.connected(adj) and efficiency == rules.global_efficiency_exact(adj)


@pytest.mark.parametrize("n", [2, 3, 9, 30, 200, 1000])
def test_efficiency_adds_as_pythons_sum_on_long_paths(n):
    """A path of n nodes: each node's sum has terms 1, 1/2, ... of very different sizes, where Python's
    compensated ``sum()`` and a plain running sum disagree in the last bit."""
    path = {v: {w for w in (v - 1, v + 1) if 0 <= w < n} for v in range(n)}
    assert _kernels.efficiency(path) == rules.global_efficiency_exact(path)
    star = {0: set(range(1, n)), **{v: {0} for v in range(1, n)}}
    assert _kernels.efficiency(star) == rules.global_efficiency_exact(star)


def test_negative_weights_are_refused_before_any_draw():
    """Weights of at least zero keep the cumulative sums sorted, where numpy's index is the only answer."""
    ours, untouched = _pair(2)
    with pytest.raises(ValueError, match="weights must be >= 0"):
        _kernels.pick(ours, np.array([1.0, -0.5, 2.0]))
    assert _same_state(ours, untouched)
    assert _kernels.pick(ours, np.zeros(0)) is None and _kernels.pick(ours, np.zeros(3)) is None


class _Lying(set):
    """A neighbour set whose len() is smaller than what it holds."""

    def __len__(self):
        return 0


def test_a_graph_that_changes_under_the_kernel_is_refused_not_overrun():
    adj = {0: _Lying({1, 2}), 1: {0}, 2: {0}}
    for kernel in (_kernels.level_sizes, _kernels.betweenness, _kernels.efficiency, _kernels.connected):
        with pytest.raises(ValueError, match="more than their len"):
            kernel(adj)


def test_betweenness_declines_a_count_of_2_to_the_53_plus_1():
    """53 diamonds in a row (2**53 shortest paths end to end) and one more path of the same length: the
    count 2**53 + 1 is not a double, so the kernel declines, and the exact version answers."""
    adj: dict[int, set[int]] = {}

    def tie(a, b):
        adj.setdefault(a, set()).add(b)
        adj.setdefault(b, set()).add(a)

    node = 0
    for _ in range(53):
        tie(node, node + 1), tie(node, node + 2), tie(node + 1, node + 3), tie(node + 2, node + 3)
        node += 3
    previous = 0
    for k in range(1, 106):  # a parallel path of 106 edges from the first to the last node
        tie(previous, 1000 + k)
        previous = 1000 + k
    tie(previous, node)
    assert _kernels.betweenness(adj) is None
    assert rules.betweenness(adj) == rules.betweenness_exact(adj)


def test_betweenness_falls_back_to_exact_integers_beyond_2_to_the_53_paths():
    """Layers of 8 nodes, each joined to all of the next: from one end, 8**19 = 2**57 shortest paths
    reach the far layer."""
    width, layers = 8, 21
    adj = {v: set() for v in range(width * layers)}
    for layer in range(layers - 1):
        for a in range(layer * width, (layer + 1) * width):
            for b in range((layer + 1) * width, (layer + 2) * width):
                adj[a].add(b)
                adj[b].add(a)
    assert _kernels.betweenness(adj) is None
    assert rules.betweenness(adj) == rules.betweenness_exact(adj)
    short = {v: adj[v] & set(range(width * 3)) for v in range(width * 3)}  # 64 paths: exact in floats
    assert _kernels.betweenness(short) == rules.betweenness_exact(short)


def _pick_by_numpy(weights, rng):
    """What the task force's draw of a target was before the kernel: numpy's cumulative sum and search."""
    cumulative = weights.cumsum()
    total = cumulative[-1] if len(cumulative) else 0.0
    if total <= 0:
        return None
    return min(int(cumulative.searchsorted(rng.random() * total, side="right")), len(weights) - 1)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.just(0.0),
            st.floats(0, 1e9, allow_nan=False),
            st.floats(0, 5, allow_nan=False),
            st.just(math.nan),
            st.just(math.inf),
        ),
        max_size=40,
    ),
    st.integers(0, 2**32),
)
def test_pick_is_numpys_cumulative_search(weights, seed):
    w = np.array(weights, dtype=np.float64)
    ours, numpys = _pair(seed)
    assert _kernels.pick(ours, w) == _pick_by_numpy(w, numpys)
    assert _same_state(ours, numpys)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(st.just(0.0), st.floats(1e-300, 1e300), st.floats(0, 5), st.sampled_from([1.0, 3.0, 1e-9])),
        min_size=1,
        max_size=300,
    ),
    st.integers(0, 2**32),
)
def test_choice_is_numpys_choice_with_probabilities(weights, seed):
    w = np.array(weights, dtype=np.float64)
    with np.errstate(all="ignore"):  # a sum that overflows, or all zeros, gives no p
        p = w / w.sum()
    if not (np.isfinite(p).all() and abs(p.sum() - 1.0) < 1e-8):  # numpy's choice refuses these p
        return
    ours, numpys = _pair(seed)
    assert _kernels.choice(ours, w) == int(numpys.choice(len(w), p=p))
    assert _same_state(ours, numpys)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(st.floats(0, 1), st.just(math.nan), st.just(0.0), st.just(1.0)), min_size=1, max_size=9
    ),
    st.integers(0, 8),
    st.integers(0, 2**32),
)
def test_uniform_below_is_a_uniform_draw_against_an_entry(probs, i, seed):
    p = np.array(probs)
    ours, numpys = _pair(seed)
    if i >= len(p):
        with pytest.raises(IndexError, match=f"uniform_below: entry {i} of {len(p)}"):
            _kernels.uniform_below(ours, p, i)
    else:
        got = _kernels.uniform_below(ours, p, i)
        assert type(got) is bool and got == bool(numpys.random() < p[i])
    assert _same_state(ours, numpys)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(-5, 5), min_size=1, max_size=6).map(tuple), st.integers(0, 40), st.integers(0, 2**32)
)
def test_choices_are_numpys_choice_of_items(items, k, seed):
    ours, numpys = _pair(seed)
    got = _kernels.choices(ours, items, k)
    assert got == numpys.choice(items, size=k).tolist() and all(type(x) is int for x in got)
    assert _same_state(ours, numpys)


def test_choices_refuse_what_numpys_choice_refuses_before_drawing():
    rng = np.random.default_rng(0)
    state = rng.bit_generator.state
    assert _kernels.choices(rng, (), 0) == []
    with pytest.raises(ValueError, match="a cannot be empty unless no samples are taken"):
        _kernels.choices(rng, (), 2)
    with pytest.raises(ValueError, match="negative dimensions"):
        _kernels.choices(rng, (1, 2), -1)
    assert rng.bit_generator.state == state


@pytest.mark.parametrize("weights", [[], [0.0, 0.0], [1.0, -1.0], [1.0, math.nan], [math.inf]])
def test_choice_refuses_weights_without_a_distribution(weights):
    rng = np.random.default_rng(0)
    state = rng.bit_generator.state
    with pytest.raises(ValueError, match="choice"):
        _kernels.choice(rng, np.array(weights, dtype=np.float64))
    assert rng.bit_generator.state == state


# --- a network's members: the kernels against the Python forms they replaced (verbatim) -----------------
BOSS, MANAGER, ASSOCIATE, SKILLS = 0, 1, 5, (2, 3, 4)


@st.composite
def member_graphs(draw):
    """A member graph over rows of a 40-row members' table, with each row's role (0-5, and 6 for a role
    no rule names) and known flag."""
    adj = draw(graphs())
    slots = draw(st.lists(st.integers(0, 39), unique=True, min_size=len(adj), max_size=len(adj)))
    renamed = dict(zip(adj, slots, strict=True))
    members = {renamed[v]: {renamed[w] for w in adj[v]} for v in adj}
    role = np.array(draw(st.lists(st.integers(0, 6), min_size=40, max_size=40)), dtype=np.int64)
    known = np.array(draw(st.lists(st.booleans(), min_size=40, max_size=40)), dtype=np.bool_)
    return members, role, known


def _kingpin_reference(adj, role, known):
    known_members = [m for m in adj if known[m]]
    rank = {BOSS: 0, MANAGER: 1, ASSOCIATE: 3}
    return min(known_members, key=lambda m: (rank.get(int(role[m]), 2), m))


def _brokers_reference(adj, role, known):
    role_of = dict(zip(adj, role[list(adj)].tolist() if adj else [], strict=True))
    known_members = [m for m in adj if known[m]]
    brokers = [m for m in known_members if role_of[m] != BOSS] or known_members
    holders = Counter(role_of.values())

    def standing(m):
        r = role_of[m]
        return r in SKILLS, r in SKILLS and holders[r] == 1

    ranked = {m: standing(m) for m in brokers}
    best = max(ranked.values())
    return [m for m, place in ranked.items() if place == best]


@given(member_graphs())
@settings(max_examples=300, deadline=None)
def test_member_kernels_give_what_the_python_forms_gave(graph):
    adj, role, known = graph
    assert _kernels.roles_in(adj, role) == (role[list(adj)].tolist() if adj else [])
    assert _kernels.known_in(adj, known) == [m for m in adj if known[m]]
    if any(known[m] for m in adj):
        expected = _kingpin_reference(adj, role, known)
        assert _kernels.kingpin(adj, role, known, BOSS, MANAGER, ASSOCIATE) == expected
        assert _kernels.brokers(adj, role, known, BOSS, SKILLS) == _brokers_reference(adj, role, known)
    else:
        with pytest.raises(ValueError, match="no member of the graph is known"):
            _kernels.kingpin(adj, role, known, BOSS, MANAGER, ASSOCIATE)
        assert _kernels.brokers(adj, role, known, BOSS, SKILLS) == []


@pytest.mark.parametrize("bad", [40, -1, 10**6])
def test_member_kernels_refuse_a_member_outside_the_table(bad):
    adj = {3: {bad}, bad: {3}}
    role, known = np.zeros(40, dtype=np.int64), np.ones(40, dtype=np.bool_)
    for call in (
        lambda: _kernels.roles_in(adj, role),
        lambda: _kernels.known_in(adj, known),
        lambda: _kernels.kingpin(adj, role, known, BOSS, MANAGER, ASSOCIATE),
        lambda: _kernels.brokers(adj, role, known, BOSS, SKILLS),
        lambda: _kernels.tie_in(
            np.random.default_rng(1), dict(adj), role, [39], [2], BOSS, MANAGER, ASSOCIATE, 1, 1, 1
        ),
    ):
        with pytest.raises(IndexError, match=f"member {bad} is not a row of the members' table"):
            call()


def test_member_kernels_refuse_columns_of_different_lengths():
    adj = {1: set()}
    with pytest.raises(ValueError, match="3 known flags for 40 roles"):
        _kernels.kingpin(adj, np.zeros(40, dtype=np.int64), np.ones(3, dtype=np.bool_), 0, 1, 5)
    with pytest.raises(ValueError, match="3 known flags for 40 roles"):
        _kernels.brokers(adj, np.zeros(40, dtype=np.int64), np.ones(3, dtype=np.bool_), 0, (2, 3, 4))


def _reveal_reference(adj, role_column, known, count, rng, near_known, visibility):
    """ScamNetwork.reveal before it was compiled, verbatim but for the columns passed in and numpy's own
    choice in place of _kernels.choice."""
    if count <= 0 or not adj:
        return 0
    members = list(adj)
    role = dict(zip(adj, role_column[list(adj)].tolist(), strict=True))
    known_now = {m for m in adj if known[m]}
    frontier = {w for m in known_now for w in adj[m] if w not in known_now}  # unknown contacts
    revealed = 0
    for _ in range(count):
        if near_known and frontier:
            pool = sorted(frontier)
        else:
            pool = [m for m in members if m not in known_now]
            pool = [m for m in pool if role[m] != BOSS] or pool
        if not pool:
            break
        weights = np.array([visibility if role[m] == ASSOCIATE else 1.0 for m in pool])
        chosen = pool[int(rng.choice(len(pool), p=weights / weights.sum()))]
        known[chosen] = True
        known_now.add(chosen)
        frontier.discard(chosen)
        frontier.update(w for w in adj[chosen] if w not in known_now)
        revealed += 1
    return revealed


@given(
    member_graphs(),
    st.integers(-1, 8),
    st.booleans(),
    st.sampled_from([1.0, 1.7, 3.0, 0.25, 1e-300]),
    st.integers(0, 2**32),
)
@settings(max_examples=400, deadline=None)
def test_reveal_draws_what_the_python_form_drew(graph, count, near_known, visibility, seed):
    adj, role, known = graph
    ours, numpys = _pair(seed)
    known_ours, known_numpys = known.copy(), known.copy()
    got = _kernels.reveal(ours, adj, role, known_ours, count, near_known, visibility, BOSS, ASSOCIATE)
    assert got == _reveal_reference(adj, role, known_numpys, count, numpys, near_known, visibility)
    assert known_ours.tobytes() == known_numpys.tobytes()
    assert _same_state(ours, numpys)


def test_reveal_refuses_what_it_cannot_draw_or_read():
    adj = {1: {2}, 2: {1}}
    role, known = np.full(40, ASSOCIATE, dtype=np.int64), np.zeros(40, dtype=np.bool_)
    with pytest.raises(ValueError, match="no positive weight"):  # every candidate weighs zero
        _kernels.reveal(np.random.default_rng(1), adj, role, known, 1, True, 0.0, BOSS, ASSOCIATE)
    with pytest.raises(IndexError, match="member 40 is not a row"):
        _kernels.reveal(np.random.default_rng(1), {1: {40}, 40: {1}}, role, known, 1, True, 1.0, 0, 5)
    with pytest.raises(ValueError, match="3 known flags for 40 roles"):
        _kernels.reveal(np.random.default_rng(1), adj, role, known[:3], 1, True, 1.0, BOSS, ASSOCIATE)


@given(graphs(), st.sampled_from(["str", "huge", "mixed"]))
@settings(max_examples=150, deadline=None)
def test_graph_kernels_read_any_hashable_nodes_alike(adj, kind):
    """Nodes that are 64-bit ints are found by the kernels' own table, others by a dict: the same
    graph under other labels (same order of nodes and neighbours) gives the same numbers."""
    label = {
        "str": lambda v: f"n{v}",
        "huge": lambda v: 2**70 + v,
        "mixed": lambda v: v if v % 2 else f"n{v}",
    }[kind]
    relabelled = {label(v): [label(w) for w in adj[v]] for v in adj}
    as_sets = {v: list(adj[v]) for v in adj}  # the same neighbour order as the relabelled lists
    assert _kernels.efficiency(relabelled) == _kernels.efficiency(as_sets)
    assert _kernels.connected(relabelled) == _kernels.connected(as_sets)
    assert _kernels.level_sizes(relabelled) == _kernels.level_sizes(as_sets)
    scores, relabelled_scores = _kernels.betweenness(as_sets), _kernels.betweenness(relabelled)
    assert list(relabelled_scores.values()) == list(scores.values())


@pytest.mark.parametrize("stranger", [7, -1, 2**64, "x", True])
def test_a_neighbour_that_is_not_a_node_is_a_key_error(stranger):
    for nodes in ([0, 1, 2], ["a", "b", "c"]):
        adj = {nodes[0]: [nodes[1], stranger], nodes[1]: [nodes[0]], nodes[2]: []}
        for kernel in (_kernels.level_sizes, _kernels.betweenness, _kernels.efficiency, _kernels.connected):
            with pytest.raises(KeyError):
                kernel(adj)


@given(graphs())
@settings(max_examples=200, deadline=None)
def test_components_are_the_searches_from_each_unseen_node(adj):
    """ScamNetwork.components' former form: a search from each node not yet reached, in adj order."""
    seen, expected = set(), []
    for v in adj:
        if v not in seen:
            piece = set(rules._distances_from(adj, v))
            seen |= piece
            expected.append(piece)
    got = _kernels.components(adj)
    assert [set(piece) for piece in got] == expected
    assert all(len(piece) == len(set(piece)) for piece in got)


def _reconnect_python(adj):
    """ScamNetwork.reconnect's former form: the pieces sorted by size (stable), the best-connected node of
    the largest the hub, each other piece's best-connected node tied to it, largest piece first."""
    pieces = sorted((set(piece) for piece in _kernels.components(adj)), key=len, reverse=True)
    if len(pieces) > 1:
        hub = max(pieces[0], key=lambda v: (len(adj[v]), -v))
        for piece in pieces[1:]:
            v = max(piece, key=lambda v: (len(adj[v]), -v))
            adj[v].add(hub)
            adj[hub].add(v)


@given(graphs())
@settings(max_examples=300, deadline=None)
def test_reconnection_ties_what_reconnect_tied(adj):
    """The same ties, added in the same order: the sets (and so their iteration order) come out equal."""
    expected, got = copy.deepcopy(adj), copy.deepcopy(adj)
    _reconnect_python(expected)
    ties = _kernels.reconnection(got)
    assert got == adj  # it only reads the graph
    for v, hub in ties:
        got[v].add(hub)
        got[hub].add(v)
    assert got == expected
    assert all(list(got[v]) == list(expected[v]) for v in adj)
    assert _kernels.connected(got) and (ties == []) == _kernels.connected(adj)


def test_reconnection_needs_int_nodes():
    assert _kernels.reconnection({}) == [] and _kernels.reconnection({7: {8}, 8: {7}}) == []  # one piece
    with pytest.raises(TypeError, match="nodes must be ints of 64 bits"):
        _kernels.reconnection({"a": set(), "b": set()})
    with pytest.raises(TypeError, match="nodes must be ints of 64 bits"):
        _kernels.reconnection({1: set(), 2**70: set()})


@given(member_graphs(), st.sampled_from([0.0, 0.3, 0.5, 1.0]), st.integers(0, 2**32))
@settings(max_examples=200, deadline=None)
def test_found_on_site_draws_what_the_raid_drew(graph, share, seed):
    adj, role, _ = graph
    ours, numpys = _pair(seed)
    role_of = dict(zip(adj, role[list(adj)].tolist() if adj else [], strict=True))  # the raid's former form
    expected = [m for m, r in role_of.items() if r != BOSS and numpys.random() < share]
    assert _kernels.found_on_site(ours, adj, role, BOSS, share) == expected
    assert _same_state(ours, numpys)


def _tie_in_reference(adj, role_column, m, role, d, rng):
    """ScamNetwork.add_member's tying-in before it was compiled, verbatim but for the column passed in."""
    others = list(adj)
    roles = role_column[list(adj)].tolist() if adj else []
    adj[m] = set()
    boss = next((x for x, r in zip(others, roles, strict=True) if r == BOSS), None) if role != BOSS else None
    managers = [x for x, r in zip(others, roles, strict=True) if r == MANAGER]
    ties = set()
    if role == BOSS:
        ties.update(managers)
    elif role == MANAGER:
        ties.update(x for x in managers if rng.random() < 0.2 + 0.6 * d)
        if boss is not None and (not ties or rng.random() < 1.0 - 0.6 * d):
            ties.add(boss)
    else:
        anchors = managers or ([boss] if boss is not None else [])
        if anchors:
            ties.add(rules.choose(anchors, rng))
        if role != ASSOCIATE and boss is not None and rng.random() < 0.5 * (1.0 - d):
            ties.add(boss)
    if not ties and others:
        ties.add(rules.choose(others, rng))
    for x in ties:
        adj[m].add(x)
        adj[x].add(m)


@given(
    member_graphs(),
    st.lists(st.integers(0, 5), min_size=1, max_size=4),
    st.sampled_from([0.0, 0.3, 0.5, 0.97, 1.0]),
    st.integers(0, 2**32),
)
@settings(max_examples=400, deadline=None)
def test_tie_in_links_as_add_member_did(graph, new_roles, d, seed):
    """New members tied in one after another, as add_member tied each in turn."""
    adj, role_column, _ = graph
    new = [slot for slot in range(40) if slot not in adj][: len(new_roles)]  # rows not yet in the graph
    new_roles = new_roles[: len(new)]
    role_column = role_column.copy()
    role_column[new] = new_roles
    ours, theirs = copy.deepcopy(adj), copy.deepcopy(adj)
    rng_ours, rng_theirs = _pair(seed)
    for m, role in zip(new, new_roles, strict=True):
        _tie_in_reference(theirs, role_column, m, role, d, rng_theirs)
    _kernels.tie_in(
        rng_ours, ours, role_column, new, new_roles, BOSS, MANAGER, ASSOCIATE, 0.2 + 0.6 * d, 1.0 - 0.6 * d,
        0.5 * (1.0 - d),
    )  # fmt: skip
    assert [(k, list(v)) for k, v in ours.items()] == [
        (k, list(v)) for k, v in theirs.items()
    ]  # sets' orders too
    assert _same_state(rng_ours, rng_theirs)


def test_tie_in_refuses_a_member_already_in_the_graph():
    with pytest.raises(ValueError, match="already in the graph"):
        _kernels.tie_in(
            np.random.default_rng(1), {1: set()}, np.zeros(40, np.int64), [1], [2], 0, 1, 5, 0.5, 0.5, 0.5
        )
    with pytest.raises(ValueError, match="2 members but 1 roles"):
        _kernels.tie_in(
            np.random.default_rng(1), {1: set()}, np.zeros(40, np.int64), [2, 3], [2], 0, 1, 5, 0.5, 0.5, 0.5
        )


def test_kernels_switching_between_generators_draw_from_each_its_own_stream():
    """The kernels keep the last generator's bit generator and lock (``sim/_generator.pxi``); switching
    between generators, of any bit generator, must still draw from the one passed."""
    ours = [np.random.Generator(bg(7)) for bg in (np.random.PCG64, np.random.MT19937, np.random.PCG64)]
    numpys = [np.random.Generator(bg(7)) for bg in (np.random.PCG64, np.random.MT19937, np.random.PCG64)]
    for k in [0, 1, 2, 2, 0, 1, 0, 0, 2, 1]:
        assert _kernels.uniform(ours[k]) == numpys[k].random()
        assert _kernels.binomial_one(ours[k], 40, 0.3) == numpys[k].binomial(40, 0.3)
    for a, b in zip(ours, numpys, strict=True):
        assert _same_state(a, b)


def test_the_lock_is_released_when_a_kernel_refuses_inside_it():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="weights must be >= 0"):
        _kernels.pick(rng, np.array([1.0, -1.0]))  # checked while the lock is held
    import threading

    free = []  # the lock (numpy's is re-entrant) can be taken by another thread: nobody holds it

    def try_lock() -> None:
        lock = rng.bit_generator.lock
        free.append(lock.acquire(blocking=False))
        if free[-1]:
            lock.release()

    other = threading.Thread(target=try_lock)
    other.start()
    other.join()
    assert free == [True]


def test_a_single_threaded_process_draws_without_the_lock_and_the_same_numbers():
    """With no other Python thread the kernels take no lock (``generator_lock``); with one, they do. A
    short run gives the same frame either way, each in a fresh process."""
    script = """
import sys, threading, hashlib
from sim import Params, run, _kernels
stop = threading.Event()
if sys.argv[1] == "thread":
    threading.Thread(target=stop.wait).start()
print(_kernels.single_threaded(), hashlib.sha256(run(Params(), 3, weeks=30).to_numpy().tobytes()).hexdigest())
stop.set()
"""
    outputs = [
        subprocess.run(
            [sys.executable, "-c", script, kind], capture_output=True, text=True, check=True
        ).stdout
        for kind in ("alone", "thread")
    ]
    (alone, digest_alone), (with_thread, digest_thread) = (o.split() for o in outputs)
    assert (alone, with_thread) == ("True", "False")
    assert digest_alone == digest_thread


@pytest.mark.parametrize("module", [_kernels, _weekly])
def test_an_unshared_generator_is_drawn_from_without_its_lock(module):
    """With another thread holding a generator's lock, a kernel's draw waits for it; once the generator is
    declared unshared (``set_unshared``) it draws at once, the same number, until the declaration ends."""
    import threading

    rng, twin = np.random.default_rng(5), np.random.default_rng(5)
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with rng.bit_generator.lock:
            held.set()
            release.wait(30)

    drawn: list[float] = []

    def draw() -> None:
        drawn.append(_kernels.uniform(rng))

    holder = threading.Thread(target=hold)
    holder.start()
    assert held.wait(30)
    try:
        waiting = threading.Thread(target=draw)
        waiting.start()
        waiting.join(0.3)
        assert waiting.is_alive() and not drawn  # shared: the draw waits for the lock
        release.set()
        waiting.join(30)
        assert drawn == [twin.random()]
        holder.join(30)
        release.clear()
        held.clear()
        holder = threading.Thread(target=hold)
        holder.start()
        assert held.wait(30)
        module.set_unshared(rng, True)
        assert module.unshared() is rng
        other = np.random.default_rng(0)
        module.set_unshared(other, False)  # not the one declared: nothing changes
        assert module.unshared() is rng
        got: list[object] = []

        def draw_unshared() -> None:
            if module is _kernels:
                got.append(_kernels.uniform(rng))
            else:
                got.append(_weekly.recruiter_draws(rng, 3, 2.0))  # gamma and beta draws of three recruiters

        quick = threading.Thread(target=draw_unshared)
        quick.start()
        quick.join(10)
        assert not quick.is_alive(), "the unshared generator's draw waited for its lock"
        if module is _kernels:
            assert got == [twin.random()]
        else:
            expected = _weekly.recruiter_draws(twin, 3, 2.0)
            assert all(np.array_equal(a, b) for a, b in zip(got[0], expected, strict=True))
        module.set_unshared(rng, False)
        assert module.unshared() is None
    finally:
        module.set_unshared(rng, False)
        release.set()
        holder.join(30)


def test_a_run_declares_its_generator_unshared_while_it_steps(small_params):
    """``run``'s weeks draw from the model's own generator without its lock (sim.run._unshared), and the
    declaration ends with them."""
    from sim.model import ScamEnforcementModel
    from sim.run import _weeks

    model = ScamEnforcementModel(small_params(), 1)
    assert _kernels.unshared() is None and _weekly.unshared() is None
    for _ in _weeks(model, 2, 3):
        assert _kernels.unshared() is model.rng and _weekly.unshared() is model.rng
    assert _kernels.unshared() is None and _weekly.unshared() is None


def test_threads_drawing_from_one_generator_take_turns():
    """Two threads making single draws from one generator: every draw is one step of its stream (the
    lock keeps them from interleaving inside a draw), so the generator ends where 2 x N draws end."""
    import threading

    rng, reference, n = np.random.default_rng(3), np.random.default_rng(3), 20_000
    drawn: list[float] = []

    def draw() -> None:
        drawn.extend(_kernels.uniform(rng) for _ in range(n))

    threads = [threading.Thread(target=draw) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    expected = reference.random(2 * n)
    assert sorted(drawn) == sorted(expected.tolist()) and _same_state(rng, reference)

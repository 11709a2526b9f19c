"""The model's mechanisms as pure functions: arrays or scalars (and an explicit ``rng``) in, values out.

Money is in US dollars, time in weeks. Each function states the formula and where it comes from;
``tests/unit/test_rules.py`` checks each against a value computed by hand. The model's weekly phases
compute the array rules in compiled form (``sim/_weekly.pyx``), which ``tests/unit/test_weekly.py``
checks bit for bit against compositions of these functions.
"""

from collections import deque
from collections.abc import Mapping, Sequence, Set
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from sim import _kernels

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
Adjacency = Mapping[int, Set[int]]


def _ratio(numerator: FloatArray, denominator: FloatArray, default: float) -> FloatArray:
    """``numerator / denominator`` where the denominator is positive, ``default`` elsewhere."""
    out = np.empty(len(denominator))
    out.fill(default)
    return np.divide(numerator, denominator, out=out, where=denominator > 0)


def _clip(values: FloatArray, low: float, high: float) -> FloatArray:
    """``np.clip`` (same result), through the array method when given an array: a third of the overhead."""
    return values.clip(low, high) if isinstance(values, np.ndarray) else np.clip(values, low, high)


# --- 1. scam operations ----------------------------------------------------------------------------


def victim_losses(
    workers: FloatArray,
    websites: FloatArray,
    workers_per_website: float,
    revenue_per_worker: float,
    efficiency: FloatArray,
) -> FloatArray:
    """Weekly victim losses per network: ``r * min(workers, websites * w) * efficiency``.

    Workers need websites to reach victims (one website keeps ``w`` workers busy); ``r`` is the
    revenue per busy worker (USIP 2024: $12.5 bn a year over about 100,000 workers).
    """
    busy = np.minimum(workers, websites * workers_per_website)
    return revenue_per_worker * busy * efficiency


#: Most that structure lifts revenue: the ratio of a network's graph efficiency to its founding one counts
#: up to this (ODD 7.1; a fixed constant, not a parameter: 25 % more than when the network was built).
EFFICIENCY_CAP = 1.25


def operating_efficiency(
    graph_ratio: FloatArray, security: FloatArray, security_cost: float, location: FloatArray
) -> FloatArray:
    """Revenue efficiency: structure x (1 - cost x security) x location/disruption factor.

    The structure term is the graph ratio clipped to [0, :data:`EFFICIENCY_CAP`]. The security term is
    the efficiency-security trade-off (Morselli & Petit 2007): a network under pressure hides, and
    hiding costs output.
    """
    return _clip(graph_ratio, 0.0, EFFICIENCY_CAP) * (1.0 - security_cost * security) * location


# --- 2. laundering ---------------------------------------------------------------------------------


def laundering_inflow(
    dirty: FloatArray, owner: IntArray, shell_capacity: FloatArray, n_networks: int
) -> tuple[FloatArray, FloatArray]:
    """Move dirty cash (``dirty``: what is ready to move) into each network's shell companies
    (fan-in), up to their capacity.

    Returns ``(taken_per_network, inflow_per_shell)``; each shell gets a share of its owner's
    transfer in proportion to its capacity. Conserves money: ``taken.sum() == inflow.sum()``.
    """
    cap_net = np.bincount(owner, weights=shell_capacity, minlength=n_networks)
    taken = np.minimum(dirty, cap_net)
    share = _ratio(shell_capacity, cap_net[owner], 0.0)
    return taken, taken[owner] * share


def layering(
    balance: FloatArray, release_rate: float, base_fee: float, layer_fee: float, opacity: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Layer a share of each shell's balance out as clean money: returns ``(clean, fees)``.

    The fee grows with layering depth: ``base + layer_fee * opacity`` (base 33 bp: Griffin & Mei 2024).
    ``clean + fees`` equals the released amount ``release_rate * balance``.
    """
    released = balance * release_rate
    fee = np.minimum(base_fee + layer_fee * opacity, 1.0)
    fees = released * fee
    return released - fees, fees


def pay_costs(clean: FloatArray, cost: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Pay running costs from clean funds: returns ``(paid, solvency)``, solvency = paid / cost in [0, 1]."""
    paid = np.minimum(np.maximum(clean, 0.0), cost)
    return paid, _ratio(paid, cost, 1.0)


def affordable(clean: FloatArray, unit_cost: float) -> IntArray:
    """How many items at ``unit_cost`` each network can pay for from its clean funds."""
    if unit_cost <= 0:
        return np.full(clean.shape, np.iinfo(np.int64).max // 2, dtype=np.int64)
    return np.floor(np.maximum(clean, 0.0) / unit_cost).astype(np.int64)


# --- 3. recruitment --------------------------------------------------------------------------------


def lure_probability(success_rate: float, awareness: float, pool: float, pool_size: float) -> float:
    """Chance one contact is lured: base rate, cut by awareness and by depletion of the pool."""
    if pool_size <= 0:
        return 0.0
    share = pool / pool_size
    return success_rate * (1.0 - awareness) * (1.0 if share > 1.0 else share)  # min(share, 1.0)


def recruits(demand: FloatArray, supply: FloatArray, rng: np.random.Generator) -> IntArray:
    """New workers per network: a Poisson draw around the matching function ``S D / (S + D)`` of the
    recruiters' supply ``S`` and the network's vacancies ``D`` (constant-returns matching, as in labour
    economics), never more than the vacancies. Cutting either side cuts hiring."""
    s, d = np.maximum(supply, 0.0), np.maximum(demand, 0.0)
    matched = _ratio(s * d, s + d, 0.0)
    return np.minimum(poisson_draws(matched, rng), np.floor(d)).astype(np.int64)


def worker_demand(
    capacity: FloatArray, workers: FloatArray, solvency: FloatArray, launderable: FloatArray
) -> FloatArray:
    """Workers wanted: a network fills its compound only as far as it can pay (``capacity x solvency``)
    and only with workers whose proceeds its shell companies can launder (``launderable``)."""
    return np.maximum(np.minimum(capacity * solvency, launderable) - workers, 0.0)


def binomial_losses(counts: IntArray, rate: float | FloatArray, rng: np.random.Generator) -> IntArray:
    """Independent losses from each count at a weekly rate (worker exits, attrition, replacement).

    Negative counts lose nothing and rates are clipped to [0, 1]. The draws are ``rng.binomial(counts,
    rate)``'s, made by the compiled :mod:`sim._kernels` (numpy's own routine, element by element, as
    numpy does for an array), so the numbers, their shape and the generator's state are numpy's. Counts
    must be integers (``TypeError`` otherwise, as numpy's).
    """
    counts = np.maximum(np.asarray(counts).astype(np.int64, casting="safe", copy=False), 0)
    if isinstance(rate, float):  # plain float arithmetic: 0.7 against 3.4 microseconds with numpy
        rates: float | FloatArray = min(max(rate, 0.0), 1.0)
    else:
        rates = np.minimum(np.maximum(rate, 0.0), 1.0)
    if counts.ndim == 1 and np.ndim(rates) == 0:  # the model's case: one rate for a column of counts
        return _kernels.binomial(rng, np.ascontiguousarray(counts), np.array([rates], dtype=np.float64))
    counts, rates = np.broadcast_arrays(counts, np.asarray(rates, dtype=np.float64))
    flat = _kernels.binomial(rng, np.ascontiguousarray(counts.ravel()), np.ascontiguousarray(rates.ravel()))
    return flat.reshape(counts.shape)


def poisson_draws(means: FloatArray, rng: np.random.Generator) -> IntArray:
    """``rng.poisson(means)`` as int64: the same numbers, shape and generator state, drawn by
    :mod:`sim._kernels`."""
    means = np.asarray(means, dtype=np.float64)
    return _kernels.poisson(rng, np.ascontiguousarray(means.ravel())).reshape(means.shape)


def choose[T](items: Sequence[T], rng: np.random.Generator) -> T:
    """``rng.choice(items)`` for a non-empty sequence: the same element and generator state (numpy draws
    ``rng.integers(0, len(items))`` for it), without turning the sequence into an array first (a fifth of
    the cost)."""
    return items[int(rng.integers(len(items)))]


def binomial_loss(count: int, rate: float, rng: np.random.Generator) -> int:
    """:func:`binomial_losses` for one count: the same draw from ``rng`` (numpy draws an array element by
    element with the scalar routine), without the cost of an array call."""
    rate = 0.0 if rate < 0.0 else rate  # min(max(rate, 0.0), 1.0) and max(count, 0), written as the
    rate = 1.0 if rate > 1.0 else rate  # comparisons min and max make (a call of either costs more)
    return _kernels.binomial_one(rng, 0 if count < 0 else count, rate)


def pool_update(pool: float, recruited: float, pool_size: float, replenish: float) -> float:
    """The vulnerable pool loses recruits and recovers toward its size at rate ``replenish``."""
    pool -= recruited
    pool = 0.0 if pool < 0.0 else pool  # max(pool, 0.0)
    return pool + replenish * (pool_size - pool)


# --- 4. criminal adaptation ------------------------------------------------------------------------


def perceived_risk(pressure: FloatArray, k: float) -> FloatArray:
    """Perceived risk of arrest ``P = 1 - exp(-k * pressure)`` (Epstein 2002)."""
    return 1.0 - np.exp(-k * pressure)


def security_update(security: FloatArray, risk: FloatArray, gain: float, decay: float) -> FloatArray:
    """Security rises toward 1 with risk and relaxes slowly without it (Morselli & Petit 2007)."""
    new = security + gain * risk * (1.0 - security) - decay * (1.0 - risk) * security
    return _clip(new, 0.0, 1.0)


def succession(
    decentralisation: float, managers: int, split_prob: float, dissolve_prob: float, rng: np.random.Generator
) -> str:
    """What a network does after losing its boss: ``"promote"``, ``"split"`` or ``"dissolve"``.

    No manager left means dissolution. A centralised network (low decentralisation) dissolves with
    probability ``dissolve_prob * (1 - d)``; with two or more managers it splits into factions with
    probability ``split_prob`` (Calderón et al. 2015); otherwise a manager is promoted.
    """
    if managers == 0:
        return "dissolve"
    u = rng.random()
    p_dissolve = dissolve_prob * (1.0 - decentralisation)
    if u < p_dissolve:
        return "dissolve"
    if managers >= 2 and u < p_dissolve + split_prob * (1.0 - p_dissolve):
        return "split"
    return "promote"


def collapse_probability(workers: float, capacity: float, collapse_prob: float) -> float:
    """Chance that a raid makes a network close for good: ``c (1 - h)^2`` with health ``h`` the share
    of its compound it can still fill. A thriving network rides a raid out; one already starved of
    workers or money (by prevention) cuts its losses."""
    health = min(workers / capacity, 1.0) if capacity > 0 else 0.0
    return collapse_prob * (1.0 - health) ** 2


def relocation_choice(
    risk: FloatArray, abroad: NDArray[np.bool_], threshold: float, prob: float, abroad_prob: float,
    rng: np.random.Generator,
) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:  # fmt: skip
    """Which networks move this week, and which of the movers go abroad.

    Networks whose perceived risk is above the threshold move with weekly probability ``prob``
    (UNODC 2025: crackdowns displace compounds). A share ``abroad_prob`` of movers at home cross
    the border, the rest change zone; movers abroad (pressed by joint operations) come home.
    """
    move = (risk > threshold) & (rng.random(risk.shape) < prob)
    go_abroad = move & ~abroad & (rng.random(risk.shape) < abroad_prob)
    return move, go_abroad


def entry_expected(rate: float, margin: float, active: float, market: float) -> float:
    """Expected new groups per week: ``rate x margin x (1 - active / market)``, zero when unprofitable."""
    gap = 1.0 - active / market
    return rate * (0.0 if margin < 0.0 else margin) * (0.0 if gap < 0.0 else gap)  # max(x, 0.0) of each


def replacement_draws(missing: IntArray, rate: float | FloatArray, rng: np.random.Generator) -> IntArray:
    """How many missing items (websites, companies, members) are replaced this week."""
    return binomial_losses(missing, rate, rng)


# --- 5. enforcement --------------------------------------------------------------------------------


def success_probability(
    intel: FloatArray | float, skill: float, security: FloatArray | float, success_max: float,
    intel_weight: float, skill_weight: float, protection: float,
) -> FloatArray | float:  # fmt: skip
    """Chance an operation succeeds: ``s_max (1 - exp(-(a I + b K))) (1 - p S)``.

    Intelligence ``I`` and skill ``K`` (both in [0, 1]) raise it with diminishing returns
    (Manzi & Calderoni 2024); the target's security ``S`` lowers it.
    """
    if isinstance(intel, float) and isinstance(security, float):  # one operation: scalar arithmetic
        base = 1.0 - np.exp(-(intel_weight * intel + skill_weight * skill))
        return success_max * base * (1.0 - protection * security)
    base = 1.0 - np.exp(-(intel_weight * np.asarray(intel) + skill_weight * skill))
    return success_max * base * (1.0 - protection * np.asarray(security))


def tracing_factor(opacity: float, offshore: bool, legal_assistance: float) -> float:
    """Extra difficulty of tracing one company: ``1 / opacity`` layers, times the chance of legal
    assistance abroad when the company is offshore."""
    factor = 1.0 / max(opacity, 1.0)
    return factor * legal_assistance if offshore else factor


def operations(bank: float, effort: float, cost: float) -> tuple[int, float]:
    """Turn effort into whole operations, carrying the remainder to next week: ``(ops, new_bank)``."""
    bank += effort
    ops = int(bank // cost)
    return ops, bank - ops * cost


def skill_level(skilled: float, half: float) -> float:
    """Forensic and investigative skill in [0, 1): ``skilled / (skilled + half)``."""
    return skilled / (skilled + half)


def trust_update(trust: float, successes: int, failures: int, gain: float, loss: float) -> float:
    """Partner trust: each joint success closes ``gain`` of the gap to 1, each leak or failure
    removes ``loss`` of the trust held."""
    for _ in range(successes):
        trust += gain * (1.0 - trust)
    for _ in range(failures):
        trust -= loss * trust
    trust = 0.0 if trust < 0.0 else trust  # min(max(trust, 0.0), 1.0)
    return 1.0 if trust > 1.0 else trust


# --- graph measures of a network's member graph -----------------------------------------------------


def _distances_from(adj: Adjacency, source: int) -> dict[int, int]:
    dist = {source: 0}
    queue = deque([source])
    while queue:
        v = queue.popleft()
        for w in adj[v]:
            if w not in dist:
                dist[w] = dist[v] + 1
                queue.append(w)
    return dist


@lru_cache(maxsize=4096)
def _inverse_distance_sum(level_sizes: tuple[int, ...]) -> float:
    """``sum(1 / d)`` over the nodes at distance ``d`` = 1, 2, ... of one source, added in the order a
    breadth-first search meets them (Python's float ``sum`` depends on the order of its terms)."""
    return sum(1.0 / d for d, size in enumerate(level_sizes, 1) for _ in range(size))


def global_efficiency(adj: Adjacency) -> float:
    """Latora & Marchiori global efficiency: mean of ``1 / d(i, j)`` over ordered pairs (0 if < 2 nodes).

    The measure Duijn et al. (2014) use for criminal networks' ability to coordinate. Computed by
    :func:`sim._kernels.efficiency`, which makes the additions of :func:`global_efficiency_exact` in the
    same order and so gives the same float.
    """
    return _kernels.efficiency(adj)


def global_efficiency_exact(adj: Adjacency) -> float:
    """:func:`global_efficiency` in Python: per node, ``sum()`` of ``1 / d`` over the nodes it reaches in
    breadth-first order (from the numbers of nodes at each distance), the nodes' sums added in ``adj``
    order. The reference the kernel is tested against."""
    n = len(adj)
    if n < 2:
        return 0.0
    total = 0.0
    for sizes in _kernels.level_sizes(adj):  # per node: how many nodes at distance 1, 2, ...
        total += _inverse_distance_sum(sizes)
    return total / (n * (n - 1))


def betweenness(adj: Adjacency) -> dict[int, float]:
    """Unnormalised betweenness centrality by Brandes' algorithm (undirected, each pair once).

    Computed by :func:`sim._kernels.betweenness`, which makes the additions of
    :func:`betweenness_exact` in the same order and so gives the same floats; that one is used when a
    shortest-path count reaches 2**53 (the kernel counts paths in floating point, exact below that).
    """
    scores = _kernels.betweenness(adj)
    return scores if scores is not None else betweenness_exact(adj)


def betweenness_exact(adj: Adjacency) -> dict[int, float]:
    """Unnormalised betweenness centrality by Brandes' algorithm, path counts as Python integers.

    Nodes are numbered in ``adj`` order and each search walks neighbours in their set's order, so the
    dependencies are added in the order of the textbook dict-based version and give the same floats.
    The back-propagation finds a node's predecessors among its neighbours (one level closer to the
    source) instead of keeping lists: each predecessor's dependency receives a single term per node,
    so the order within a node does not matter.
    """
    nodes = list(adj)
    index = {v: k for k, v in enumerate(nodes)}
    neighbours = [[index[w] for w in adj[v]] for v in nodes]
    n = len(nodes)
    score = [0.0] * n
    for s in range(n):
        dist = [-1] * n
        dist[s] = 0
        sigma = [0] * n  # shortest-path counts: exact integers (their quotients round as floats' do)
        sigma[s] = 1
        order = [s]
        for v in order:  # breadth-first: the list grows while it is walked
            step, paths = dist[v] + 1, sigma[v]
            for w in neighbours[v]:
                if dist[w] < 0:
                    dist[w] = step
                    order.append(w)
                    sigma[w] = paths
                elif dist[w] == step:
                    sigma[w] += paths
        delta = [0.0] * n
        for w in reversed(order):
            closer, share, paths = dist[w] - 1, 1.0 + delta[w], sigma[w]
            for v in neighbours[w]:
                if dist[v] == closer:
                    delta[v] += sigma[v] / paths * share
            if w != s:
                score[w] += delta[w]
    return {v: b / 2.0 for v, b in zip(nodes, score, strict=True)}

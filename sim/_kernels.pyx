# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Compiled kernels of :mod:`sim.rules` and of the events' member-graph work: the same numbers, without
the interpreter's per-call cost.

Each function here gives exactly what its reference gives (a rule of :mod:`sim.rules`, or the Python form
it replaced in :mod:`sim.agents.network` and :mod:`sim.agents.actions`, named in its docstring), to the
last bit and with the random generator left in the same state; ``tests/unit/test_kernels.py`` checks this
on many random inputs against those forms. Random draws call numpy's own C routines
(``numpy/random/c_distributions.pxd``) on the generator's bit generator, one element after another, which
is what ``Generator.binomial`` and ``Generator.poisson`` do for an array; what they leave out is numpy's
Python-level checking of the arguments (about 10 microseconds a call), so they check what keeps numpy's
samplers from looping, and the callers pass only valid ones otherwise. Arrays are read through their data
pointers after ``sim/_numpy_like.pxd``'s checks of their kind and length.
"""

import numpy as np

cimport numpy as cnp
from cpython.mem cimport PyMem_Calloc, PyMem_Free, PyMem_Malloc
from cpython.long cimport PyLong_AsLongLongAndOverflow, PyLong_CheckExact
from libc.stdint cimport int64_t, uint64_t
from libc.math cimport INFINITY, fabs, isfinite
from libc.string cimport memset
from numpy.random cimport bitgen_t
from numpy.random.c_distributions cimport binomial_t, random_binomial, random_bounded_uint64, random_poisson

from sim._numpy_like cimport (
    bitgen_of, check_mean, check_probability, cumulative_pick, member_row, numpy_sum, poisson_lam_max, read_bool,
    read_f64, read_i64, rows_of, write_bool,
)

cnp.import_array()

include "_generator.pxi"


def binomial(object rng, const int64_t[::1] counts, const double[::1] p):
    """``rng.binomial(counts, p)`` as int64, with one probability for all counts (``p`` of length 1) or one
    per count; ``ValueError`` for a negative count or a probability outside [0, 1]."""
    cdef Py_ssize_t i, n = counts.shape[0], step = 0 if p.shape[0] == 1 else 1
    if p.shape[0] != n and p.shape[0] != 1:
        raise ValueError(f"binomial: {n} counts but {p.shape[0]} probabilities")
    for i in range(n):
        if counts[i] < 0:
            raise ValueError(f"binomial: counts must be >= 0, got {counts[i]}")
    for i in range(p.shape[0]):
        check_probability(p[i], "binomial")
    out = np.zeros(n, dtype=np.int64)
    cdef int64_t[::1] o = out
    cdef binomial_t cache
    memset(&cache, 0, sizeof(binomial_t))
    cdef bitgen_t* bitgen = generator_bits(rng)
    unlock = generator_lock(rng)
    try:
        for i in range(n):
            o[i] = random_binomial(bitgen, p[i * step], counts[i], &cache)
    finally:
        release_lock(unlock)
    return out


#: numpy's largest Poisson mean (``Generator.poisson`` refuses larger ones: its sampler would overflow).
POISSON_LAM_MAX = poisson_lam_max()


def poisson(object rng, const double[::1] means):
    """``rng.poisson(means)`` (as int64); ``ValueError`` for a mean that is negative, NaN or too large."""
    cdef Py_ssize_t i, n = means.shape[0]
    for i in range(n):
        check_mean(means[i], "poisson")
    out = np.zeros(n, dtype=np.int64)
    cdef int64_t[::1] o = out
    cdef bitgen_t* bitgen = generator_bits(rng)
    unlock = generator_lock(rng)
    try:
        for i in range(n):
            o[i] = random_poisson(bitgen, means[i])
    finally:
        release_lock(unlock)
    return out


# --- single draws: what ``rng.random()``, ``rng.binomial(n, p)`` and ``rng.poisson(lam)`` return for one
# number, without the Python-level handling of sizes, dtypes and arrays (about a microsecond a call, and a
# run makes thousands of single draws in its enforcement actions).


cdef double _next_double(object rng) except? -1.0:
    """One uniform draw in [0, 1) from ``rng``'s bit generator (numpy's ``next_double``), holding its lock."""
    cdef bitgen_t* bitgen = generator_bits(rng)
    cdef double u
    unlock = generator_lock(rng)
    try:
        u = bitgen.next_double(bitgen.state)
    finally:
        release_lock(unlock)
    return u


def uniform(object rng):
    """``rng.random()``: one uniform draw in [0, 1) (numpy's ``next_double`` of the bit generator)."""
    return _next_double(rng)


def uniform_below(object rng, object probs, Py_ssize_t i):
    """``rng.random() < probs[i]`` for a float64 array ``probs``, as a bool: one uniform draw against entry
    ``i`` (an operation's chance of success against network ``i``), without making a numpy scalar of it;
    ``IndexError`` for an ``i`` outside the array (negative ones included), before the draw."""
    cdef Py_ssize_t n = rows_of(probs, "uniform_below")
    cdef const double* p = read_f64(probs, n, "uniform_below")
    if not 0 <= i < n:
        raise IndexError(f"uniform_below: entry {i} of {n}")
    return _next_double(rng) < p[i]


def binomial_one(object rng, int64_t n, double p):
    """``int(rng.binomial(n, p))`` for one count; ``ValueError`` for a negative count or a probability
    outside [0, 1] (numpy's sampler reads its setup cache only to save work, so a fresh one gives numpy's
    draw)."""
    if n < 0:
        raise ValueError(f"binomial: counts must be >= 0, got {n}")
    check_probability(p, "binomial")
    cdef binomial_t cache
    memset(&cache, 0, sizeof(binomial_t))
    cdef bitgen_t* bitgen = generator_bits(rng)
    cdef int64_t k
    unlock = generator_lock(rng)
    try:
        k = random_binomial(bitgen, p, n, &cache)
    finally:
        release_lock(unlock)
    return k


def poisson_one(object rng, double lam):
    """``int(rng.poisson(lam))`` for one mean; ``ValueError`` for a mean that is negative, NaN or too
    large."""
    check_mean(lam, "poisson")
    cdef bitgen_t* bitgen = generator_bits(rng)
    cdef int64_t k
    unlock = generator_lock(rng)
    try:
        k = random_poisson(bitgen, lam)
    finally:
        release_lock(unlock)
    return k


def choices(object rng, tuple items, Py_ssize_t k):
    """``list(rng.choice(items, size=k))`` for a tuple ``items``, as its own elements: ``k`` of them drawn
    with replacement, each equally likely. numpy draws ``rng.integers(0, len(items))`` ``k`` times for it
    (the same numbers and generator state as one bounded draw after another); this makes those draws
    without turning ``items`` into an array. ``ValueError`` for a negative ``k``, or no items when ``k`` >
    0, as numpy's."""
    cdef Py_ssize_t j, n = len(items)
    if k < 0:
        raise ValueError(f"choices: negative dimensions are not allowed, got {k}")
    if n == 0 and k > 0:
        raise ValueError("a cannot be empty unless no samples are taken")
    out = []
    if k == 0:
        return out
    cdef bitgen_t* bitgen = generator_bits(rng)
    unlock = generator_lock(rng)
    try:
        for j in range(k):
            out.append(items[_integer(bitgen, n)])
    finally:
        release_lock(unlock)
    return out


def pick(object rng, object weights):
    """Index drawn with probability proportional to ``weights`` (all >= 0; NaN and inf allowed), or None
    if their total is not positive; ``ValueError`` for a negative weight.

    Exactly ``min(int(c.searchsorted(rng.random() * c[-1], side="right")), len(weights) - 1)`` with ``c =
    weights.cumsum()``: the running sum added in the same order, one uniform draw, and a binary search
    for the first sum above it (NaN ordered last, as numpy orders it). Weights of at least zero make the
    sums sorted, where that index is unique, so any correct search finds numpy's (for unsorted sums
    numpy's answer would depend on how its search probes). The work is
    :func:`sim._numpy_like.cumulative_pick`'s.
    """
    cdef Py_ssize_t n = rows_of(weights, "pick"), i
    if n == 0:
        return None
    cdef const double* w = read_f64(weights, n, "pick")
    cdef double* sums = <double*> PyMem_Malloc(n * sizeof(double))
    if sums == NULL:
        raise MemoryError()
    try:
        unlock = generator_lock(rng)
        try:
            i = cumulative_pick(generator_bits(rng), w, n, sums)
        finally:
            release_lock(unlock)
        return None if i < 0 else i
    finally:
        PyMem_Free(sums)


def choice(object rng, object weights):
    """``int(rng.choice(len(weights), p=weights / weights.sum()))`` for finite weights >= 0 with a positive
    sum: the probabilities divided by numpy's sum, their running sum divided by its last value, one
    uniform draw and the first running sum above it, as ``Generator.choice`` computes them (without its
    checks of ``p``). ``ValueError`` for a weight that is negative or not finite, or no positive one."""
    cdef Py_ssize_t n = rows_of(weights, "choice")
    return _choice_in(rng, read_f64(weights, n, "choice") if n else NULL, n)


cdef Py_ssize_t _choice_in(object rng, const double* weights, Py_ssize_t n) except -1:
    """:func:`choice` over ``n`` weights at ``weights``."""
    cdef Py_ssize_t i, low = 0, high, mid
    cdef double total, key
    cdef bitgen_t* bitgen
    for i in range(n):
        if not 0.0 <= weights[i] < INFINITY:
            raise ValueError(f"choice: weights must be finite and >= 0, got {weights[i]}")
    cdef double* c = <double*> PyMem_Malloc((n + 1) * sizeof(double))
    if c == NULL:
        raise MemoryError()
    try:
        total = numpy_sum(weights, n) if n > 0 else 0.0
        if not total > 0.0:
            raise ValueError("choice: no positive weight")
        c[0] = weights[0] / total
        for i in range(1, n):
            c[i] = c[i - 1] + weights[i] / total
        key = c[n - 1]
        for i in range(n):
            c[i] = c[i] / key
        bitgen = generator_bits(rng)
        unlock = generator_lock(rng)
        try:
            key = bitgen.next_double(bitgen.state)
        finally:
            release_lock(unlock)
        high = n
        while low < high:  # the sums are sorted: the first one above the draw
            mid = low + ((high - low) >> 1)
            if key < c[mid]:
                high = mid
            else:
                low = mid + 1
        return low
    finally:
        PyMem_Free(c)


# --- graph measures ----------------------------------------------------------------------------------


cdef class _Graph:
    """An adjacency mapping as arrays: node k is the k-th key, its neighbours in their set's order.

    Nodes are found by an open-addressing table of their values when every node is an ``int`` that fits
    in 64 bits (member slots, and brokerage's outside nodes), else by a dict; a neighbour that is not a
    node raises ``KeyError`` either way."""

    cdef Py_ssize_t n
    cdef Py_ssize_t* start
    cdef Py_ssize_t* near

    def __cinit__(self, object adj):
        cdef Py_ssize_t k = 0, e = 0, edges = 0, size = 8, slot
        cdef bint small_ints = True
        cdef int64_t key
        cdef int64_t* keys = NULL
        cdef Py_ssize_t* values = NULL
        self.n = len(adj)
        neighbours = []
        for node, near in adj.items():
            if small_ints and not _as_int64(node, &key):
                small_ints = False
            edges += len(near)
            neighbours.append(near)
        if len(neighbours) != self.n:
            raise ValueError("graph: the adjacency mapping changed while it was read")
        self.start = <Py_ssize_t*> PyMem_Malloc((self.n + 1) * sizeof(Py_ssize_t))
        self.near = <Py_ssize_t*> PyMem_Malloc((edges + 1) * sizeof(Py_ssize_t))
        if self.start == NULL or self.near == NULL:
            raise MemoryError()
        if small_ints:
            while size < 2 * self.n:
                size <<= 1
            keys = <int64_t*> PyMem_Malloc(size * sizeof(int64_t))
            values = <Py_ssize_t*> PyMem_Malloc(size * sizeof(Py_ssize_t))
            if keys == NULL or values == NULL:
                PyMem_Free(keys)
                PyMem_Free(values)
                raise MemoryError()
            for slot in range(size):
                values[slot] = -1
            for node in adj:
                _as_int64(node, &key)
                _put(keys, values, size, key, k)
                k += 1
        else:
            index = {}
            for node in adj:
                index[node] = k
                k += 1
        try:
            k = 0
            for near in neighbours:
                self.start[k] = e
                if small_ints and type(near) is set:  # a set's entries read in place, without an iterator
                    for other in <set> near:
                        _check_room(e, edges, adj, k)
                        self.near[e] = _get(keys, values, size, other)
                        e += 1
                else:
                    for other in near:
                        _check_room(e, edges, adj, k)
                        self.near[e] = _get(keys, values, size, other) if small_ints else index[other]
                        e += 1
                k += 1
        finally:
            PyMem_Free(keys)
            PyMem_Free(values)
        if e != edges:
            raise ValueError("graph: the adjacency mapping changed while it was read")
        self.start[self.n] = e

    def __dealloc__(self):
        PyMem_Free(self.start)
        PyMem_Free(self.near)


cdef inline int _check_room(Py_ssize_t e, Py_ssize_t edges, object adj, Py_ssize_t k) except -1:
    """For :class:`_Graph`: room for neighbour ``e`` of the ``edges`` counted (else node ``k``'s neighbour
    collection is longer than its len())."""
    if e >= edges:
        raise ValueError(f"graph: the neighbours of {list(adj)[k]!r} are more than their len()")
    return 0


cdef inline bint _as_int64(object value, int64_t* out) except -1:
    """True, with ``value`` in ``out``, for an ``int`` (not a subclass such as ``bool``) that fits in 64
    bits; False otherwise."""
    cdef int overflow = 0
    if not PyLong_CheckExact(value):
        return False
    out[0] = PyLong_AsLongLongAndOverflow(value, &overflow)
    return overflow == 0


cdef inline Py_ssize_t _home(int64_t key, Py_ssize_t size) noexcept nogil:
    """Where ``key`` starts its search in a table of ``size`` (a power of two) slots: Fibonacci hashing."""
    return <Py_ssize_t> ((<uint64_t> key * 0x9E3779B97F4A7C15ULL) >> 32) & (size - 1)


cdef inline void _put(int64_t* keys, Py_ssize_t* values, Py_ssize_t size, int64_t key, Py_ssize_t value) noexcept:
    """Insert a new ``key`` (the table has free slots: it is at least twice as large as its contents)."""
    cdef Py_ssize_t slot = _home(key, size)
    while values[slot] >= 0:
        slot = (slot + 1) & (size - 1)
    keys[slot], values[slot] = key, value


cdef inline Py_ssize_t _get(int64_t* keys, Py_ssize_t* values, Py_ssize_t size, object other) except -1:
    """The value of the key ``other``; ``KeyError`` if it is not in the table."""
    cdef int64_t key
    cdef Py_ssize_t slot
    if not _as_int64(other, &key):
        raise KeyError(other)
    slot = _home(key, size)
    while values[slot] >= 0:
        if keys[slot] == key:
            return values[slot]
        slot = (slot + 1) & (size - 1)
    raise KeyError(other)


#: Shortest-path counts are held as doubles, exact integers below this value.
cdef double EXACT_COUNTS = 9007199254740992.0  # 2**53


cdef Py_ssize_t _search(_Graph g, Py_ssize_t s, Py_ssize_t* dist, Py_ssize_t* order, double* sigma) noexcept:
    """Breadth-first search from node ``s``: fills ``dist`` (-1 if unreached) and ``order`` (the nodes
    in the order they are met, neighbours in their set's order) and returns how many were met; with
    ``sigma``, also the number of shortest paths from ``s`` to each node, or returns -1 as soon as a count
    reaches :data:`EXACT_COUNTS`."""
    cdef Py_ssize_t v, w, e, head = 0, tail = 1
    for v in range(g.n):
        dist[v] = -1
        if sigma != NULL:
            sigma[v] = 0.0
    dist[s], order[0] = 0, s
    if sigma != NULL:
        sigma[s] = 1.0
    while head < tail:
        v = order[head]
        head += 1
        for e in range(g.start[v], g.start[v + 1]):
            w = g.near[e]
            if dist[w] < 0:
                dist[w] = dist[v] + 1
                order[tail] = w
                tail += 1
                if sigma != NULL:
                    sigma[w] = sigma[v]
            elif sigma != NULL and dist[w] == dist[v] + 1:
                sigma[w] += sigma[v]
                if sigma[w] >= EXACT_COUNTS:  # a true count of 2**53 + 1 rounds down to 2**53
                    return -1
    return tail


def level_sizes(object adj):
    """For each node of ``adj``, in its order: the numbers of nodes at distance 1, 2, ... (a tuple)."""
    cdef _Graph g = _Graph(adj)
    cdef Py_ssize_t n = g.n, s, head, tail, level, count
    cdef Py_ssize_t* dist = <Py_ssize_t*> PyMem_Malloc((n + 1) * sizeof(Py_ssize_t))
    cdef Py_ssize_t* queue = <Py_ssize_t*> PyMem_Malloc((n + 1) * sizeof(Py_ssize_t))
    out = []
    try:
        if dist == NULL or queue == NULL:
            raise MemoryError()
        for s in range(n):
            tail = _search(g, s, dist, queue, NULL)
            sizes = []
            level, count = 1, 0
            for head in range(1, tail):  # the queue holds the nodes by distance
                if dist[queue[head]] != level:
                    sizes.append(count)
                    level, count = level + 1, 0
                count += 1
            if tail > 1:
                sizes.append(count)
            out.append(tuple(sizes))
    finally:
        PyMem_Free(dist)
        PyMem_Free(queue)
    return out


cdef inline void _neumaier_add(double* total, double* compensation, double x) noexcept:
    """One step of Python's ``sum()`` of floats (CPython 3.12+, ``builtin_sum_impl``: Neumaier's
    compensated summation)."""
    cdef double t = total[0] + x
    if fabs(total[0]) >= fabs(x):
        compensation[0] += (total[0] - t) + x
    else:
        compensation[0] += (x - t) + total[0]
    total[0] = t


def efficiency(object adj):
    """Latora & Marchiori global efficiency of ``adj`` as :func:`sim.rules.global_efficiency_exact`
    computes it: for each node in ``adj`` order, ``sum(1 / d)`` over the nodes it reaches in the order a
    breadth-first search meets them, as Python's ``sum()`` adds floats (the first term as it is, then
    with Neumaier's compensation, added at the end if not zero and finite); these per-node sums added
    one after another; divided by ``n (n - 1)`` (0 for fewer than two nodes)."""
    cdef bint whole
    return _efficiency(_Graph(adj), &whole)


def structure(object adj):
    """``(efficiency(adj), connected(adj))`` from one reading of the graph: the first node's search,
    which the efficiency makes anyway, tells whether the graph is in one piece."""
    cdef bint whole
    cdef double eff = _efficiency(_Graph(adj), &whole)
    return eff, whole


cdef double _efficiency(_Graph g, bint* whole) except? -1.0:
    """:func:`efficiency` of ``g``; sets ``whole`` to whether its first node reaches every node (True for
    an empty graph)."""
    cdef Py_ssize_t n = g.n, s, k, tail
    cdef double total = 0.0, part, compensation, x
    whole[0] = True
    if n == 0:
        return 0.0
    cdef Py_ssize_t* dist = <Py_ssize_t*> PyMem_Malloc((n + 1) * sizeof(Py_ssize_t))
    cdef Py_ssize_t* queue = <Py_ssize_t*> PyMem_Malloc((n + 1) * sizeof(Py_ssize_t))
    cdef double* inverse = <double*> PyMem_Malloc((n + 1) * sizeof(double))  # 1 / d, divided once per d
    try:
        if dist == NULL or queue == NULL or inverse == NULL:
            raise MemoryError()
        for k in range(1, n + 1):  # a distance is below n
            inverse[k] = 1.0 / <double> k
        for s in range(n):
            tail = _search(g, s, dist, queue, NULL)
            if s == 0:
                whole[0] = tail == n
            part, compensation = 0.0, 0.0
            for k in range(1, tail):  # the queue holds the nodes by distance
                x = inverse[dist[queue[k]]]
                if k == 1:
                    part = x  # sum() starts from the integer 0: 0 + x is x
                else:
                    _neumaier_add(&part, &compensation, x)
            if compensation != 0.0 and isfinite(compensation):
                part += compensation
            total += part
        return total / <double> (n * (n - 1)) if n >= 2 else 0.0
    finally:
        PyMem_Free(dist)
        PyMem_Free(queue)
        PyMem_Free(inverse)


def connected(object adj):
    """True if the graph ``adj`` is in one piece (or empty): a breadth-first search from its first node
    reaches every node."""
    cdef _Graph g = _Graph(adj)
    if g.n == 0:
        return True
    cdef Py_ssize_t* dist = <Py_ssize_t*> PyMem_Malloc((g.n + 1) * sizeof(Py_ssize_t))
    cdef Py_ssize_t* queue = <Py_ssize_t*> PyMem_Malloc((g.n + 1) * sizeof(Py_ssize_t))
    try:
        if dist == NULL or queue == NULL:
            raise MemoryError()
        return _search(g, 0, dist, queue, NULL) == g.n
    finally:
        PyMem_Free(dist)
        PyMem_Free(queue)


def betweenness(object adj):
    """Unnormalised betweenness by Brandes' algorithm, as :func:`sim.rules.betweenness_exact` gives
    it (the same additions in the same order), or None when a shortest-path count reaches 2**53, beyond
    which its quotients would no longer be exact in floating point."""
    cdef _Graph g = _Graph(adj)
    cdef Py_ssize_t n = g.n, s, tail, v, w, e, closer, k
    cdef double share, paths
    cdef Py_ssize_t* dist = <Py_ssize_t*> PyMem_Malloc((n + 1) * sizeof(Py_ssize_t))
    cdef Py_ssize_t* order = <Py_ssize_t*> PyMem_Malloc((n + 1) * sizeof(Py_ssize_t))
    cdef double* sigma = <double*> PyMem_Malloc((n + 1) * sizeof(double))
    cdef double* delta = <double*> PyMem_Malloc((n + 1) * sizeof(double))
    cdef double* score = <double*> PyMem_Malloc((n + 1) * sizeof(double))
    try:
        if dist == NULL or order == NULL or sigma == NULL or delta == NULL or score == NULL:
            raise MemoryError()
        for v in range(n):
            score[v] = 0.0
        for s in range(n):
            tail = _search(g, s, dist, order, sigma)
            if tail < 0:
                return None
            for v in range(n):
                delta[v] = 0.0
            for k in range(tail - 1, -1, -1):
                w = order[k]
                closer, share, paths = dist[w] - 1, 1.0 + delta[w], sigma[w]
                for e in range(g.start[w], g.start[w + 1]):
                    v = g.near[e]
                    if dist[v] == closer:
                        delta[v] += sigma[v] / paths * share
                if w != s:
                    score[w] += delta[w]
        return {node: score[k] / 2.0 for k, node in enumerate(adj)}
    finally:
        PyMem_Free(dist)
        PyMem_Free(order)
        PyMem_Free(sigma)
        PyMem_Free(delta)
        PyMem_Free(score)


# --- a network's members -----------------------------------------------------------------------------
# A member graph maps member slots (rows of ``model.members``) to their neighbours; these read the
# members' columns for the graph's keys, in the graph's order, without numpy's per-call cost.

def roles_in(object adj, object roles):
    """``[role[m] for m in adj]`` as Python ints: each member's role, in the graph's order."""
    cdef Py_ssize_t rows = rows_of(roles, "roles_in")
    cdef const int64_t* role = read_i64(roles, rows, "roles_in")
    return [role[member_row(m, rows)] for m in adj]


def known_in(object adj, object flags):
    """``[m for m in adj if known[m]]``: the members flagged in ``known``, in the graph's order."""
    cdef Py_ssize_t rows = rows_of(flags, "known_in")
    cdef const cnp.npy_bool* known = read_bool(flags, rows, "known_in")
    return [m for m in adj if known[member_row(m, rows)]]


def kingpin(object adj, object roles, object flags, int64_t boss,
            int64_t manager, int64_t associate):
    """The highest-ranking known member: ``min(known, key=lambda m: (rank, m))`` with rank 0 for the
    boss, 1 for a manager, 3 for an associate and 2 for any other role. ValueError if nobody is known
    (as ``min`` of nothing)."""
    cdef Py_ssize_t rows = rows_of(roles, "kingpin"), m, best = -1
    cdef int64_t r, rank, best_rank = 0
    if rows_of(flags, "kingpin") != rows:
        raise ValueError(f"kingpin: {rows_of(flags, 'kingpin')} known flags for {rows} roles")
    cdef const int64_t* role = read_i64(roles, rows, "kingpin")
    cdef const cnp.npy_bool* known = read_bool(flags, rows, "kingpin")
    for member in adj:
        m = member_row(member, rows)
        if not known[m]:
            continue
        r = role[m]
        rank = 0 if r == boss else 1 if r == manager else 3 if r == associate else 2
        if best < 0 or rank < best_rank or (rank == best_rank and m < best):
            best, best_rank = m, rank
    if best < 0:
        raise ValueError("kingpin: no member of the graph is known")
    return best


def brokers(object adj, object roles, object flags, int64_t boss,
            tuple skills):
    """The known members the broker rule ranks first, in the graph's order: among the known members
    other than the boss (all known members if that leaves none), those with the best standing, where
    holding one of ``skills`` stands above not, and being its only holder in the graph above that."""
    cdef Py_ssize_t rows = rows_of(roles, "brokers"), m, k, count = 0
    cdef int64_t r
    cdef int standing, best = -1
    if rows_of(flags, "brokers") != rows:
        raise ValueError(f"brokers: {rows_of(flags, 'brokers')} known flags for {rows} roles")
    cdef const int64_t* role = read_i64(roles, rows, "brokers")
    cdef const cnp.npy_bool* known = read_bool(flags, rows, "brokers")
    holders = {}
    for member in adj:
        r = role[member_row(member, rows)]
        holders[r] = holders.get(r, 0) + 1
    candidates = [m for m in adj if known[m]]  # every key was checked to be a row above
    others = [m for m in candidates if role[m] != boss]
    if others:
        candidates = others
    tied = []
    for member in candidates:
        r = role[<Py_ssize_t> member]
        standing = 0
        if r in skills:
            standing = 2 if holders[r] == 1 else 1
        if standing > best:
            best = standing
            tied = [member]
        elif standing == best:
            tied.append(member)
    return tied


def reveal(object rng, object adj, object roles, object flags, Py_ssize_t count,
           bint near_known, double visibility, int64_t boss, int64_t associate):
    """Reveal up to ``count`` unknown members of the member graph ``adj`` (setting their ``known`` flag) and
    return how many were revealed: :meth:`sim.agents.network.ScamNetwork.reveal`'s draws.

    Each reveal draws one member by :func:`choice`, with weight ``visibility`` for an associate and 1 for
    any other role, from the pool: with ``near_known``, the unknown members tied to a known one (in
    ascending order of their slots), if any; otherwise the unknown members in the graph's order, leaving
    out the boss unless nobody else is left. The pool is drawn anew after each reveal.
    """
    cdef Py_ssize_t rows = rows_of(roles, "reveal"), n = len(adj), edges = 0, k, j, m, w, chosen, size, pool_size
    cdef Py_ssize_t frontier_size = 0, revealed = 0, turn
    if rows_of(flags, "reveal") != rows:
        raise ValueError(f"reveal: {rows_of(flags, 'reveal')} known flags for {rows} roles")
    cdef const int64_t* role = read_i64(roles, rows, "reveal")
    cdef cnp.npy_bool* known = write_bool(flags, rows, "reveal")
    if count <= 0 or n == 0:
        return 0
    for member in adj:
        edges += len(adj[member])
    size = max(n, edges) + 1
    cdef Py_ssize_t* members = <Py_ssize_t*> PyMem_Malloc(size * sizeof(Py_ssize_t))
    cdef Py_ssize_t* frontier = <Py_ssize_t*> PyMem_Malloc(size * sizeof(Py_ssize_t))
    cdef Py_ssize_t* pool = <Py_ssize_t*> PyMem_Malloc(size * sizeof(Py_ssize_t))
    cdef double* weights = <double*> PyMem_Malloc(size * sizeof(double))
    cdef unsigned char* in_frontier = <unsigned char*> PyMem_Calloc(rows + 1, 1)
    try:
        if members == NULL or frontier == NULL or pool == NULL or weights == NULL or in_frontier == NULL:
            raise MemoryError()
        k = 0
        for member in adj:
            if k >= n:
                raise ValueError("reveal: the member graph changed while it was read")
            members[k] = member_row(member, rows)
            k += 1
        if k != n:
            raise ValueError("reveal: the member graph changed while it was read")
        for k in range(n):  # the frontier: unknown members tied to a known one
            if known[members[k]]:
                frontier_size = _add_to_frontier(adj[members[k]], known, rows, in_frontier, frontier,
                                                 frontier_size, edges)
        for turn in range(count):
            pool_size = 0
            if near_known and frontier_size:
                for j in range(frontier_size):
                    pool[j] = frontier[j]
                pool_size = frontier_size
            else:
                for k in range(n):
                    m = members[k]
                    if not known[m] and role[m] != boss:
                        pool[pool_size] = m
                        pool_size += 1
                if pool_size == 0:  # nobody but the boss is left unknown
                    for k in range(n):
                        if not known[members[k]]:
                            pool[pool_size] = members[k]
                            pool_size += 1
            if pool_size == 0:
                break
            for j in range(pool_size):
                weights[j] = visibility if role[pool[j]] == associate else 1.0
            chosen = pool[_choice_in(rng, weights, pool_size)]
            known[chosen] = True
            if in_frontier[chosen]:
                in_frontier[chosen] = 0
                j = 0
                while frontier[j] != chosen:
                    j += 1
                frontier_size -= 1
                while j < frontier_size:
                    frontier[j] = frontier[j + 1]
                    j += 1
            frontier_size = _add_to_frontier(adj[chosen], known, rows, in_frontier, frontier, frontier_size,
                                             edges)
            revealed += 1
        return revealed
    finally:
        PyMem_Free(members)
        PyMem_Free(frontier)
        PyMem_Free(pool)
        PyMem_Free(weights)
        PyMem_Free(in_frontier)


cdef Py_ssize_t _add_to_frontier(object neighbours, const cnp.npy_bool* known, Py_ssize_t rows,
                                 unsigned char* in_frontier, Py_ssize_t* frontier, Py_ssize_t size,
                                 Py_ssize_t capacity) except -1:
    """Add the unknown ``neighbours`` not yet in the ``frontier`` (kept in ascending order); its new size."""
    if type(neighbours) is set:  # a set's entries read in place, without an iterator
        for other in <set> neighbours:
            size = _enter_frontier(member_row(other, rows), known, in_frontier, frontier, size, capacity)
    else:
        for other in neighbours:
            size = _enter_frontier(member_row(other, rows), known, in_frontier, frontier, size, capacity)
    return size


cdef inline Py_ssize_t _enter_frontier(Py_ssize_t w, const cnp.npy_bool* known, unsigned char* in_frontier,
                                       Py_ssize_t* frontier, Py_ssize_t size, Py_ssize_t capacity) except -1:
    """For :func:`_add_to_frontier`: member ``w`` joins the frontier (in ascending order) unless known or
    already there; the frontier's new size."""
    cdef Py_ssize_t j
    if known[w] or in_frontier[w]:
        return size
    if size >= capacity:  # a neighbour set longer than its len() was when counted
        raise ValueError("reveal: the member graph changed while it was read")
    in_frontier[w] = 1
    j = size
    while j > 0 and frontier[j - 1] > w:
        frontier[j] = frontier[j - 1]
        j -= 1
    frontier[j] = w
    return size + 1


def components(object adj):
    """The connected pieces of the graph ``adj``, each as the list of its nodes in the order a
    breadth-first search from its first node meets them, the pieces in the order of their first nodes in
    ``adj``."""
    cdef _Graph g = _Graph(adj)
    cdef Py_ssize_t s, k, tail
    nodes = list(adj)
    pieces = []
    if g.n == 0:
        return pieces
    cdef Py_ssize_t* dist = <Py_ssize_t*> PyMem_Malloc((g.n + 1) * sizeof(Py_ssize_t))
    cdef Py_ssize_t* queue = <Py_ssize_t*> PyMem_Malloc((g.n + 1) * sizeof(Py_ssize_t))
    cdef unsigned char* seen = <unsigned char*> PyMem_Calloc(g.n + 1, 1)
    try:
        if dist == NULL or queue == NULL or seen == NULL:
            raise MemoryError()
        for s in range(g.n):
            if seen[s]:
                continue
            tail = _search(g, s, dist, queue, NULL)
            for k in range(tail):
                seen[queue[k]] = 1
            pieces.append([nodes[queue[k]] for k in range(tail)])
        return pieces
    finally:
        PyMem_Free(dist)
        PyMem_Free(queue)
        PyMem_Free(seen)


def reconnection(object adj):
    """The ties that reconnect the pieces of the member graph ``adj`` (int nodes): a list of ``(v, hub)``,
    where ``hub`` is the best-connected node of the largest piece and ``v`` that of each other piece,
    largest first: :meth:`sim.agents.network.ScamNetwork.reconnect`'s choices, in its order.

    The pieces are :func:`components`'s, sorted by size as ``sorted(pieces, key=len, reverse=True)``
    sorts them (pieces of equal size in the order they were found); a piece's best-connected node is
    ``max(piece, key=lambda v: (len(adj[v]), -v))``: the most neighbours, then the smallest value. Empty
    for a graph in one piece (or none). ``TypeError`` for a node that is not an int of 64 bits."""
    cdef _Graph g = _Graph(adj)
    cdef Py_ssize_t n = g.n, s, k, tail, count = 0, best, largest = 0, hub
    if n == 0:
        return []
    nodes = list(adj)
    cdef Py_ssize_t* dist = <Py_ssize_t*> PyMem_Malloc((n + 1) * sizeof(Py_ssize_t))
    cdef Py_ssize_t* queue = <Py_ssize_t*> PyMem_Malloc((n + 1) * sizeof(Py_ssize_t))
    cdef Py_ssize_t* sizes = <Py_ssize_t*> PyMem_Malloc((n + 1) * sizeof(Py_ssize_t))
    cdef Py_ssize_t* bests = <Py_ssize_t*> PyMem_Malloc((n + 1) * sizeof(Py_ssize_t))
    cdef int64_t* values = <int64_t*> PyMem_Malloc((n + 1) * sizeof(int64_t))
    cdef unsigned char* seen = <unsigned char*> PyMem_Calloc(n + 1, 1)
    try:
        if dist == NULL or queue == NULL or sizes == NULL or bests == NULL or values == NULL or seen == NULL:
            raise MemoryError()
        for k in range(n):
            if not _as_int64(nodes[k], &values[k]):
                raise TypeError(f"reconnection: nodes must be ints of 64 bits, got {nodes[k]!r}")
        for s in range(n):  # the pieces in the order they are found, each with its size and best node
            if seen[s]:
                continue
            tail = _search(g, s, dist, queue, NULL)
            best = queue[0]
            for k in range(tail):
                seen[queue[k]] = 1
                if _better_connected(g, values, queue[k], best):
                    best = queue[k]
            sizes[count], bests[count] = tail, best
            if tail > sizes[largest]:  # the first of the largest pieces comes first in a stable sort
                largest = count
            count += 1
        ties = []
        if count < 2:
            return ties
        hub = bests[largest]
        for tail in range(sizes[largest], 0, -1):  # the other pieces, largest first, ties in found order
            for k in range(count):
                if k != largest and sizes[k] == tail:
                    ties.append((nodes[bests[k]], nodes[hub]))
        return ties
    finally:
        PyMem_Free(dist)
        PyMem_Free(queue)
        PyMem_Free(sizes)
        PyMem_Free(bests)
        PyMem_Free(values)
        PyMem_Free(seen)


cdef inline bint _better_connected(_Graph g, const int64_t* values, Py_ssize_t a, Py_ssize_t b) noexcept:
    """Node ``a`` ranks above node ``b`` by ``(degree, -value)``."""
    cdef Py_ssize_t da = g.start[a + 1] - g.start[a], db = g.start[b + 1] - g.start[b]
    return da > db or (da == db and values[a] < values[b])


def found_on_site(object rng, object adj, object roles, int64_t boss, double share):
    """The members a raid finds on site: ``[m for m in adj if role[m] != boss and rng.random() < share]``
    (one uniform per member other than the boss, in the graph's order)."""
    cdef Py_ssize_t rows = rows_of(roles, "found_on_site")
    cdef const int64_t* role = read_i64(roles, rows, "found_on_site")
    cdef bitgen_t* bitgen = generator_bits(rng)
    cdef double u
    found = []
    unlock = generator_lock(rng)
    try:
        for member in adj:
            if role[member_row(member, rows)] == boss:
                continue
            u = bitgen.next_double(bitgen.state)
            if u < share:
                found.append(member)
    finally:
        release_lock(unlock)
    return found


cdef inline Py_ssize_t _integer(bitgen_t* bitgen, Py_ssize_t n) noexcept nogil:
    """``int(rng.integers(n))`` for ``n`` >= 1: numpy's bounded draw of [0, n - 1] (none for n = 1)."""
    return <Py_ssize_t> random_bounded_uint64(bitgen, 0, <uint64_t> (n - 1), 0, 0)


def tie_in(object rng, dict adj, object roles, list members, list member_roles, int64_t boss, int64_t manager,
           int64_t associate, double manager_tie, double boss_tie, double facilitator_boss):
    """Link the new ``members`` (with ``member_roles``, none yet in ``adj``) into the member graph, each
    after the one before: :meth:`sim.agents.network.ScamNetwork._tie_in`'s draws and set operations, in
    its order, for each in turn.

    A boss is tied to every manager; a manager to each manager with chance ``manager_tie``, and to the
    boss if it got no manager tie or otherwise with chance ``boss_tie``; any other member to one manager
    drawn uniformly (the boss if there is no manager) and, unless an associate, to the boss with chance
    ``facilitator_boss``; a member with no tie then to one member drawn uniformly. Uniforms are
    ``rng.random()`` and uniform choices ``items[rng.integers(len(items))]``, as numpy draws them."""
    cdef Py_ssize_t rows = rows_of(roles, "tie_in"), k
    cdef const int64_t* role_of = read_i64(roles, rows, "tie_in")
    cdef bitgen_t* bitgen = generator_bits(rng)
    cdef int64_t r
    if len(members) != len(member_roles):
        raise ValueError(f"tie_in: {len(members)} members but {len(member_roles)} roles")
    if not members:
        return
    # The graph's members in order, its managers and its first boss, as each new member finds them: read
    # once, then extended by each member tied in (a new member comes last in ``adj``'s order).
    others = list(adj)
    managers = []
    first_boss = None
    for other in others:
        first_boss = _file_member(other, role_of[member_row(other, rows)], boss, manager, managers, first_boss)
    unlock = generator_lock(rng)
    try:
        for k in range(len(members)):
            if k:
                previous = members[k - 1]
                first_boss = _file_member(
                    previous, role_of[member_row(previous, rows)], boss, manager, managers, first_boss
                )
            _tie_one(bitgen, adj, others, managers, first_boss, members[k], member_roles[k], boss, manager,
                     associate, manager_tie, boss_tie, facilitator_boss)
            others.append(members[k])
    finally:
        release_lock(unlock)


cdef object _file_member(object member, int64_t role, int64_t boss, int64_t manager, list managers,
                         object first_boss):
    """For :func:`tie_in`: a member of the graph, in the graph's order, with ``role``: a manager joins
    ``managers``; returns the graph's first boss (``member`` if it is the first boss met)."""
    if role == boss:
        return member if first_boss is None else first_boss
    if role == manager:
        managers.append(member)
    return first_boss


cdef int _tie_one(bitgen_t* bitgen, dict adj, list others, list managers, object first_boss, object member,
                  int64_t role, int64_t boss, int64_t manager, int64_t associate, double manager_tie,
                  double boss_tie, double facilitator_boss) except -1:
    """:func:`tie_in` for one member, given the graph's members in order (``others``), its managers in that
    order and its first boss (the caller holds the generator's lock)."""
    cdef double u
    if member in adj:
        raise ValueError(f"tie_in: member {member!r} is already in the graph")
    top = None if role == boss else first_boss
    cdef set near = set(), ties = set()
    adj[member] = near
    if role == boss:
        ties.update(managers)
    elif role == manager:
        for other in managers:
            u = bitgen.next_double(bitgen.state)
            if u < manager_tie:
                ties.add(other)
        if top is not None:
            if not ties:
                ties.add(top)
            else:
                u = bitgen.next_double(bitgen.state)
                if u < boss_tie:
                    ties.add(top)
    else:
        anchors = managers or ([top] if top is not None else [])
        if anchors:
            ties.add(anchors[_integer(bitgen, len(anchors))])
        if role != associate and top is not None:
            u = bitgen.next_double(bitgen.state)
            if u < facilitator_boss:
                ties.add(top)
    if not ties and others:
        ties.add(others[_integer(bitgen, len(others))])
    for other in ties:
        near.add(other)
        adj[other].add(member)
    return 0

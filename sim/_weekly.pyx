# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The array work of the weekly schedule, compiled: each function is one phase's (or part of a phase's)
vectorised update of the model's tables, in one call instead of dozens of numpy calls.

Each function gives exactly what the numpy form in :mod:`sim.model` built from :mod:`sim.rules` gives, to
the last bit, and leaves the random generator in the same state (for NaN inputs: NaN where numpy gives
NaN, whose sign bit may differ, as it does between numpy's own loops). To that end it makes the same
floating-point operations in the same order as numpy: element-wise arithmetic in the order the
expression is written, ``np.minimum``/``np.maximum``/``clip`` with numpy's treatment of NaN and of equal
arguments, ``bincount`` adding in slot order, ``sum`` as numpy's pairwise summation (``numpy_sum`` of ``sim/_numpy_like.pxd``), and
the draws of an array made one element after another with numpy's own C samplers, as ``Generator`` makes
them. ``tests/unit/test_weekly.py`` compares every function with its numpy form on random states
(hypothesis), and ``tests/regression`` pins whole runs. The rules themselves (formulas, units,
sources) are documented, and unit-tested by hand, in :mod:`sim.rules`; what is here is their arithmetic.

The tables are passed whole (``nets``, ``shells``, ``recruiters``, ``members``: :class:`sim.state.Table`)
and updated in place, as the model's numpy code updates them. Since the loops index without bounds
checks, each function first checks that the columns it reads have their table's length and that the
networks named by companies and recruiters exist (``ValueError`` otherwise, where numpy raised
``IndexError``). Rates and means on which numpy's samplers would never return (NaN) are refused with a
``ValueError`` before anything is drawn or written, where numpy's code sometimes drew part of a phase
first.
"""

import numpy as np

cimport numpy as cnp
from cpython.mem cimport PyMem_Free, PyMem_Malloc
from libc.math cimport INFINITY, ceil, floor, rint
from libc.stdint cimport int64_t, uint64_t
from libc.string cimport memset
from numpy.random cimport bitgen_t
from numpy.random.c_distributions cimport binomial_t, random_binomial, random_multinomial, random_poisson

from sim._numpy_like cimport bitgen_of, check_mean, check_probability, cumulative_pick, numpy_sum

cnp.import_array()

#: What :func:`sim.rules.affordable` allows when an item costs nothing.
cdef int64_t UNLIMITED = np.iinfo(np.int64).max // 2


# --- numpy's arithmetic ------------------------------------------------------------------------------


cdef inline double _min(double a, double b) noexcept nogil:
    """``np.minimum(a, b)``: NaN if either is NaN, ``b`` when they are equal (as for 0.0 and -0.0)."""
    return a if (a < b or a != a) else b


cdef inline double _max(double a, double b) noexcept nogil:
    """``np.maximum(a, b)``: NaN if either is NaN, ``b`` when they are equal."""
    return a if (a > b or a != a) else b


cdef inline double _clip(double x, double low, double high) noexcept nogil:
    """``np.clip(x, low, high)`` as numpy computes it for floats: ``x`` itself when within the bounds
    (so -0.0 stays -0.0) or NaN."""
    if x < low:
        return low
    if x > high:
        return high
    return x


def array_sum(const double[::1] a):
    """``a.sum()`` for a contiguous float64 array, computed as numpy computes it (for the tests)."""
    if a.shape[0] == 0:
        return 0.0
    return numpy_sum(&a[0], a.shape[0])


cdef class _Buffers:
    """Scratch arrays of doubles for one call, freed with the object."""

    cdef double** blocks
    cdef Py_ssize_t count

    def __cinit__(self, Py_ssize_t count):
        self.blocks = <double**> PyMem_Malloc(count * sizeof(double*))
        if self.blocks == NULL:
            raise MemoryError()
        memset(self.blocks, 0, count * sizeof(double*))
        self.count = count

    cdef double* get(self, Py_ssize_t k, Py_ssize_t n) except NULL:
        """Zeroed block ``k`` of ``n`` doubles."""
        cdef double* block = <double*> PyMem_Malloc((n + 1) * sizeof(double))
        if block == NULL:
            raise MemoryError()
        memset(block, 0, (n + 1) * sizeof(double))
        self.blocks[k] = block
        return block

    def __dealloc__(self):
        cdef Py_ssize_t k
        if self.blocks != NULL:
            for k in range(self.count):
                PyMem_Free(self.blocks[k])
            PyMem_Free(self.blocks)


cdef inline int64_t _gap(int64_t a, int64_t b) noexcept nogil:
    """``np.maximum(a - b, 0)`` for int64: the difference wraps around on overflow, as numpy's does."""
    cdef int64_t d = <int64_t> (<uint64_t> a - <uint64_t> b)
    return d if d > 0 else 0


cdef int _check_lengths(str what, Py_ssize_t n, tuple lengths) except -1:
    """Every column of a table has its ``n`` rows (a column replaced by one of another length is refused:
    the kernels do not check their indices one by one)."""
    for length in lengths:
        if length != n:
            raise ValueError(f"{what}: a column has {length} rows where its table has {n}")
    return 0


cdef int _check_slots(str what, const int64_t[::1] slots, Py_ssize_t n) except -1:
    """Every entry of ``slots`` (the networks that companies or recruiters belong to) is a network."""
    cdef Py_ssize_t j
    for j in range(slots.shape[0]):
        if not 0 <= slots[j] < n:
            raise ValueError(f"{what}: row {j} belongs to network {slots[j]}, which does not exist (0..{n - 1})")
    return 0


# --- 1. scam operations (ScamEnforcementModel.operate_scams) ----------------------------------------


def operate(
    nets, int64_t week, int64_t n_home_zones, double abroad_efficiency, double no_it_revenue,
    double security_cost, double workers_per_website, double revenue_per_worker, double collection_fee,
):
    """Victims' losses and the networks' revenue this week; returns ``(harm, proceeds)``.

    Per network: location x disruption x IT factor, :func:`sim.rules.operating_efficiency`,
    :func:`sim.rules.victim_losses` (zero for a dead network); revenue is the losses less the collection
    fee and is added to the dirty cash. Writes ``nets.revenue`` and ``nets.dirty``.
    """
    cdef const cnp.npy_bool[::1] alive = nets.alive, has_it = nets.has_it
    cdef const int64_t[::1] zone = nets.zone, disrupted = nets.disrupted_until
    cdef const int64_t[::1] workers = nets.workers, websites = nets.websites
    cdef const double[::1] ratio = nets.graph_ratio, security = nets.security
    cdef double[::1] revenue = nets.revenue, dirty = nets.dirty
    cdef Py_ssize_t i, n = alive.shape[0]
    cdef double loc, eff, busy, keep = 1.0 - collection_fee
    _check_lengths("operate", n, (
        has_it.shape[0], zone.shape[0], disrupted.shape[0], workers.shape[0], websites.shape[0],
        ratio.shape[0], security.shape[0], revenue.shape[0], dirty.shape[0],
    ))
    cdef _Buffers buf = _Buffers(2)
    cdef double* losses = buf.get(0, n)
    cdef double* rev = buf.get(1, n)
    for i in range(n):
        loc = 1.0 if zone[i] < n_home_zones else abroad_efficiency
        loc = loc * (0.5 if disrupted[i] >= week else 1.0) * (1.0 if has_it[i] else no_it_revenue)
        eff = _clip(ratio[i], 0.0, 1.25) * (1.0 - security_cost * security[i]) * loc
        busy = _min(<double> workers[i], <double> websites[i] * workers_per_website)
        losses[i] = revenue_per_worker * busy * eff * <double> alive[i]
        rev[i] = losses[i] * keep
        revenue[i] = rev[i]
        dirty[i] = dirty[i] + rev[i]
    return numpy_sum(losses, n), numpy_sum(rev, n)


# --- 2. laundering (ScamEnforcementModel.launder) ----------------------------------------------------


def launder(
    nets, shells, double transfer_rate, double release_rate, double base_fee, double layer_fee,
    double cost_per_worker,
):
    """Dirty cash into the shell companies, clean money out, running costs paid; returns ``(laundered,
    fees, margin)``.

    :func:`sim.rules.laundering_inflow` of ``transfer_rate`` of each network's dirty cash into its live
    companies' capacity, :func:`sim.rules.layering` of every company's balance, the clean money to its
    owner, :func:`sim.rules.pay_costs` of the live networks' workers, the weeks of insolvency counted,
    and the margin of the live networks' income over all costs. Writes ``nets.dirty``, ``nets.clean``,
    ``nets.solvency``, ``nets.insolvent`` and ``shells.balance``.
    """
    cdef const cnp.npy_bool[::1] alive = nets.alive, sh_alive = shells.alive
    cdef const int64_t[::1] owner = shells.net, workers = nets.workers
    cdef const double[::1] mult = nets.launder_mult, sh_capacity = shells.capacity, opacity = shells.opacity
    cdef double[::1] dirty = nets.dirty, clean_funds = nets.clean, solvency = nets.solvency
    cdef double[::1] balance = shells.balance
    cdef int64_t[::1] insolvent = nets.insolvent
    cdef Py_ssize_t i, s, k, n = alive.shape[0], m = owner.shape[0]
    cdef double fee, released, paid, alive_income, cost_total
    _check_lengths("launder", n, (
        workers.shape[0], mult.shape[0], dirty.shape[0], clean_funds.shape[0], solvency.shape[0],
        insolvent.shape[0],
    ))
    _check_lengths("launder", m, (sh_alive.shape[0], sh_capacity.shape[0], opacity.shape[0], balance.shape[0]))
    _check_slots("launder", owner, n)
    cdef _Buffers buf = _Buffers(8)
    cdef double* cap = buf.get(0, m)
    cdef double* cap_net = buf.get(1, n)
    cdef double* taken_net = buf.get(2, n)
    cdef double* clean = buf.get(3, m)
    cdef double* fees = buf.get(4, m)
    cdef double* income = buf.get(5, n)
    cdef double* cost = buf.get(6, n)
    cdef double* alive_incomes = buf.get(7, n)
    for s in range(m):
        cap[s] = sh_capacity[s] * <double> sh_alive[s] * mult[owner[s]]
        cap_net[owner[s]] += cap[s]
    for i in range(n):
        taken_net[i] = _min(dirty[i] * transfer_rate, cap_net[i])
        dirty[i] = dirty[i] - taken_net[i]
    for s in range(m):
        # the share of its owner's transfer: capacity / the owner's capacity (0 where that is not positive)
        balance[s] = balance[s] + taken_net[owner[s]] * (cap[s] / cap_net[owner[s]] if cap_net[owner[s]] > 0 else 0.0)
        released = balance[s] * release_rate
        fee = _min(base_fee + layer_fee * opacity[s], 1.0)
        fees[s] = released * fee
        clean[s] = released - fees[s]
        balance[s] = balance[s] - (clean[s] + fees[s])
        income[owner[s]] += clean[s]
    k = 0
    for i in range(n):
        clean_funds[i] = clean_funds[i] + income[i]
        cost[i] = cost_per_worker * <double> workers[i] * <double> alive[i]
        paid = _min(_max(clean_funds[i], 0.0), cost[i])
        solvency[i] = paid / cost[i] if cost[i] > 0 else 1.0
        clean_funds[i] = clean_funds[i] - paid
        insolvent[i] = insolvent[i] + 1 if (alive[i] and solvency[i] < 0.5) else 0
        if alive[i]:
            alive_incomes[k] = income[i]
            k += 1
    alive_income, cost_total = numpy_sum(alive_incomes, k), numpy_sum(cost, n)
    margin = (alive_income - cost_total) / alive_income if alive_income > 0 else 0.0
    return numpy_sum(clean, m), numpy_sum(fees, m), margin


# --- 3. recruitment (ScamEnforcementModel.recruit) ---------------------------------------------------


def recruit(
    object rng, nets, recruiters, shells, int64_t week, double lure, double per_worker,
    double exit_rate, double unpaid_exit_rate, double staff_per_1000, double staff_rate,
):
    """The week's hiring, worker exits and staff replacement; returns the number of new recruits.

    Supply: the working recruiters' reach per network times ``lure`` (:func:`sim.rules.lure_probability`);
    demand: :func:`sim.rules.worker_demand` of networks that may hire, with the workers their companies
    can launder for (``per_worker``: a worker's weekly proceeds); :func:`sim.rules.recruits`; exits at
    ``exit_rate`` plus ``unpaid_exit_rate`` times the unpaid share (:func:`sim.rules.binomial_losses`);
    staff replaced toward ``staff_per_1000`` per thousand workers at ``staff_rate``. Draws: one Poisson
    per network, then one binomial per network for exits, then one for staff, as the numpy form draws.
    Writes ``nets.workers`` and ``nets.staff``.
    """
    cdef const cnp.npy_bool[::1] alive = nets.alive, rec_alive = recruiters.alive, sh_alive = shells.alive
    cdef const int64_t[::1] disrupted = nets.disrupted_until, rec_net = recruiters.net, blocked = recruiters.blocked_until
    cdef const int64_t[::1] owner = shells.net
    cdef const double[::1] reach = recruiters.reach, sh_capacity = shells.capacity, mult = nets.launder_mult
    cdef const double[::1] capacity = nets.capacity, solvency = nets.solvency
    cdef int64_t[::1] workers = nets.workers, staff = nets.staff
    cdef Py_ssize_t i, j, n = alive.shape[0]
    cdef double s, d, launderable, staff_p = _min(_max(staff_rate, 0.0), 1.0)
    cdef int64_t recruited = 0, target, missing
    _check_lengths("recruit", n, (
        disrupted.shape[0], mult.shape[0], capacity.shape[0], solvency.shape[0], workers.shape[0],
        staff.shape[0],
    ))
    _check_lengths("recruit", rec_alive.shape[0], (rec_net.shape[0], blocked.shape[0], reach.shape[0]))
    _check_lengths("recruit", owner.shape[0], (sh_alive.shape[0], sh_capacity.shape[0]))
    _check_slots("recruit", rec_net, n)
    _check_slots("recruit", owner, n)
    cdef _Buffers buf = _Buffers(5)
    cdef double* supply = buf.get(0, n)
    cdef double* cap = buf.get(1, n)
    cdef double* matched = buf.get(2, n)
    cdef double* vacancies = buf.get(3, n)
    cdef double* rates = buf.get(4, n)
    cdef binomial_t cache
    cdef bitgen_t* bitgen = bitgen_of(rng)
    check_probability(staff_p, "recruit: staff replacement")
    for j in range(rec_alive.shape[0]):
        supply[rec_net[j]] += reach[j] * <double> (rec_alive[j] and blocked[j] < week)
    for j in range(owner.shape[0]):
        cap[owner[j]] += sh_capacity[j] * <double> sh_alive[j]
    for i in range(n):
        supply[i] = supply[i] * lure
        launderable = cap[i] * mult[i] / per_worker if per_worker > 0 else INFINITY
        d = _max(_min(capacity[i] * solvency[i], launderable) - <double> workers[i], 0.0)
        d = d * <double> (alive[i] and disrupted[i] < week)
        s, d = _max(supply[i], 0.0), _max(d, 0.0)
        matched[i] = s * d / (s + d) if s + d > 0 else 0.0
        vacancies[i] = floor(d)
        check_mean(matched[i], "recruit: hiring")
        rates[i] = _min(_max(exit_rate + unpaid_exit_rate * (1.0 - solvency[i]), 0.0), 1.0)
        check_probability(rates[i], "recruit: worker exits")
    new = np.empty(n, dtype=np.int64)
    cdef int64_t[::1] hired = new
    memset(&cache, 0, sizeof(binomial_t))
    with rng.bit_generator.lock:
        for i in range(n):
            hired[i] = <int64_t> _min(<double> random_poisson(bitgen, matched[i]), vacancies[i])
            recruited += hired[i]
        for i in range(n):
            workers[i] = workers[i] + (hired[i] - random_binomial(bitgen, rates[i], workers[i] if workers[i] > 0 else 0, &cache))
        for i in range(n):
            target = <int64_t> rint(<double> workers[i] * staff_per_1000 / 1e3)
            missing = _gap(target, staff[i]) * alive[i]
            staff[i] = staff[i] + random_binomial(bitgen, staff_p, missing, &cache)
    return float(recruited)


def recruiter_turnover(
    object rng, nets, recruiters, double exit_rate, double per_network, double workers_mean, double entry_rate,
):
    """Recruiters who leave this week and recruiters who enter; returns ``(leaving, entering)``: the slots
    of the live recruiters who leave (each at ``exit_rate``; the caller retires them) and the number of
    new recruiters per network.

    A live network short of its wanted recruiters (``per_network`` for each ``workers_mean`` of its
    capacity, less those staying) draws new ones as a Poisson count with mean ``entry_rate`` times the shortfall. Draws: one
    uniform per recruiter slot, then one Poisson per network, as the numpy form draws. Writes nothing.
    """
    cdef const cnp.npy_bool[::1] alive = nets.alive, rec_alive = recruiters.alive
    cdef const int64_t[::1] rec_net = recruiters.net
    cdef const double[::1] capacity = nets.capacity
    cdef Py_ssize_t i, j, n = alive.shape[0], r = rec_alive.shape[0], k = 0
    cdef _Buffers buf = _Buffers(2)
    cdef double* have = buf.get(0, n)
    cdef double* means = buf.get(1, n)
    cdef cnp.npy_bool stays
    cdef double u
    leaving = np.empty(r, dtype=np.int64)
    entering = np.empty(n, dtype=np.int64)
    cdef int64_t[::1] out = leaving, new = entering
    cdef bitgen_t* bitgen = bitgen_of(rng)
    _check_lengths("recruiter_turnover", n, (capacity.shape[0],))
    _check_lengths("recruiter_turnover", r, (rec_net.shape[0],))
    _check_slots("recruiter_turnover", rec_net, n)
    with rng.bit_generator.lock:
        for j in range(r):
            u = bitgen.next_double(bitgen.state)  # drawn for every slot, live or not
            stays = rec_alive[j] and not u < exit_rate
            if rec_alive[j] and not stays:
                out[k] = j
                k += 1
            elif stays:
                have[rec_net[j]] += 1.0  # a count: exact in a double
    for i in range(n):
        means[i] = entry_rate * (_max(per_network * capacity[i] / workers_mean - have[i], 0.0) * <double> alive[i])
        check_mean(means[i], "recruiter_turnover")
    with rng.bit_generator.lock:
        for i in range(n):
            new[i] = random_poisson(bitgen, means[i])
    return leaving[:k], entering


# --- 4. criminal adaptation (ScamEnforcementModel.adapt) ---------------------------------------------


def rebuild(
    object rng, nets, shells, double workers_per_website, double website_rate, double no_it_rebuild,
    double website_cost, double shell_rate, double shell_cost,
):
    """Websites and shell companies replaced, as far as each network can pay; returns the number of new
    companies per network (the caller creates them).

    A live network rebuilds the websites its workers need at ``website_rate`` each (times
    ``no_it_rebuild`` without IT staff), then, if it has a fixer, the companies it is short of at
    ``shell_rate`` each (:func:`sim.rules.replacement_draws`), never more than its clean funds buy
    (:func:`sim.rules.affordable`). Writes ``nets.websites`` and ``nets.clean``.
    """
    cdef const cnp.npy_bool[::1] alive = nets.alive, has_it = nets.has_it, has_fixer = nets.has_fixer
    cdef const cnp.npy_bool[::1] sh_alive = shells.alive
    cdef const int64_t[::1] workers = nets.workers, target = nets.shells_target, owner = shells.net
    cdef int64_t[::1] websites = nets.websites
    cdef double[::1] clean = nets.clean
    cdef Py_ssize_t i, s, n = alive.shape[0]
    cdef int64_t needed, missing, drawn, affordable
    _check_lengths("rebuild", n, (
        has_it.shape[0], has_fixer.shape[0], workers.shape[0], target.shape[0], websites.shape[0], clean.shape[0],
    ))
    _check_lengths("rebuild", owner.shape[0], (sh_alive.shape[0],))
    _check_slots("rebuild", owner, n)
    cdef double rate, p_shell = _min(_max(shell_rate, 0.0), 1.0)
    cdef _Buffers buf = _Buffers(2)
    cdef double* rates = buf.get(0, n)
    cdef double* owned = buf.get(1, n)
    cdef binomial_t cache
    cdef bitgen_t* bitgen = bitgen_of(rng)
    check_probability(p_shell, "rebuild: companies")
    for i in range(n):
        rate = website_rate * (1.0 if has_it[i] else no_it_rebuild)
        rates[i] = _min(_max(rate, 0.0), 1.0)
        check_probability(rates[i], "rebuild: websites")
    for s in range(owner.shape[0]):
        if sh_alive[s]:
            owned[owner[s]] += 1.0  # a count: exact in a double
    entering = np.empty(n, dtype=np.int64)
    cdef int64_t[::1] new = entering
    memset(&cache, 0, sizeof(binomial_t))
    with rng.bit_generator.lock:
        for i in range(n):
            needed = <int64_t> ceil(<double> workers[i] / workers_per_website)
            missing = _gap(needed, websites[i]) * alive[i]
            drawn = random_binomial(bitgen, rates[i], missing, &cache)
            affordable = UNLIMITED if website_cost <= 0 else <int64_t> floor(_max(clean[i], 0.0) / website_cost)
            drawn = drawn if drawn < affordable else affordable
            websites[i] = websites[i] + drawn
            clean[i] = clean[i] - <double> drawn * website_cost
        for i in range(n):
            missing = _gap(target[i], <int64_t> owned[i]) * (alive[i] and has_fixer[i])
            new[i] = random_binomial(bitgen, p_shell, missing, &cache)
        for i in range(n):
            affordable = UNLIMITED if shell_cost <= 0 else <int64_t> floor(_max(clean[i], 0.0) / shell_cost)
            new[i] = new[i] if new[i] < affordable else affordable
            clean[i] = clean[i] - <double> new[i] * shell_cost
    return entering


def vacancy_draws(
    object rng, nets, members, Py_ssize_t n_roles, Py_ssize_t manager, Py_ssize_t first_facilitator,
    Py_ssize_t last_facilitator, Py_ssize_t associate, double manager_rate, double facilitator_rate,
):
    """New managers, facilitators and associates per network this week; returns the three counts.

    Each live network replaces the members it is short of (its targets less its live members in those
    roles) at the given rates, associates at ``manager_rate`` (:func:`sim.rules.replacement_draws`).
    Draws: managers of every network, then facilitators, then associates. Writes nothing.
    """
    cdef const cnp.npy_bool[::1] alive = nets.alive, m_alive = members.alive
    cdef const int64_t[::1] m_net = members.net, m_role = members.role
    cdef const int64_t[::1] t_m = nets.managers_target, t_f = nets.facilitators_target, t_a = nets.associates_target
    cdef Py_ssize_t i, j, r, n = alive.shape[0]
    cdef int64_t have, missing
    cdef double p_m = _min(_max(manager_rate, 0.0), 1.0), p_f = _min(_max(facilitator_rate, 0.0), 1.0)
    _check_lengths("vacancy_draws", n, (t_m.shape[0], t_f.shape[0], t_a.shape[0]))
    _check_lengths("vacancy_draws", m_alive.shape[0], (m_net.shape[0], m_role.shape[0]))
    for r in (manager, first_facilitator, last_facilitator, associate):
        if not 0 <= r < n_roles:
            raise ValueError(f"vacancy_draws: role {r} is not one of 0..{n_roles - 1}")
    check_probability(p_m, "vacancy_draws: managers")
    check_probability(p_f, "vacancy_draws: facilitators")
    cdef int64_t* counts = <int64_t*> PyMem_Malloc((n * n_roles + 1) * sizeof(int64_t))
    if counts == NULL:
        raise MemoryError()
    managers, facilitators, associates = (np.empty(n, dtype=np.int64) for _ in range(3))
    cdef int64_t[::1] new_m = managers, new_f = facilitators, new_a = associates
    cdef binomial_t cache
    cdef bitgen_t* bitgen = bitgen_of(rng)
    memset(&cache, 0, sizeof(binomial_t))
    try:
        memset(counts, 0, (n * n_roles + 1) * sizeof(int64_t))
        for j in range(m_alive.shape[0]):
            if m_alive[j]:
                if not 0 <= m_role[j] < n_roles or not 0 <= m_net[j] < n:
                    raise ValueError(f"vacancy_draws: member {j} has network {m_net[j]} and role {m_role[j]}")
                counts[m_net[j] * n_roles + m_role[j]] += 1
        with rng.bit_generator.lock:
            for i in range(n):
                have = counts[i * n_roles + manager]
                missing = _gap(t_m[i], have) * alive[i]
                new_m[i] = random_binomial(bitgen, p_m, missing, &cache)
            for i in range(n):
                have = 0
                for r in range(first_facilitator, last_facilitator + 1):
                    have += counts[i * n_roles + r]
                missing = _gap(t_f[i], have) * alive[i]
                new_f[i] = random_binomial(bitgen, p_f, missing, &cache)
            for i in range(n):
                have = counts[i * n_roles + associate]
                missing = _gap(t_a[i], have) * alive[i]
                new_a[i] = random_binomial(bitgen, p_m, missing, &cache)
    finally:
        PyMem_Free(counts)
    return managers, facilitators, associates


def security_and_moves(
    object rng, nets, const double[::1] risk, int64_t n_home_zones, double gain, double decay, double memory,
    double threshold, double move_prob, double abroad_prob,
):
    """Security adjusted to the perceived ``risk``, pressure forgotten, and who relocates; returns the
    live movers' slots and, for each, whether it goes abroad (the caller moves them).

    :func:`sim.rules.security_update`, pressure times ``memory``, :func:`sim.rules.relocation_choice`
    (one uniform per network for moving, then one per network for going abroad, as the numpy form
    draws). Writes ``nets.security`` and ``nets.pressure``.
    """
    cdef const cnp.npy_bool[::1] alive = nets.alive
    cdef const int64_t[::1] zone = nets.zone
    cdef double[::1] security = nets.security, pressure = nets.pressure
    cdef Py_ssize_t i, n = alive.shape[0], k = 0
    cdef double sec, u
    if risk.shape[0] != n:
        raise ValueError(f"security_and_moves: {risk.shape[0]} risks for {n} networks")
    _check_lengths("security_and_moves", n, (zone.shape[0], security.shape[0], pressure.shape[0]))
    cdef cnp.npy_bool* moving = <cnp.npy_bool*> PyMem_Malloc((n + 1) * sizeof(cnp.npy_bool))
    if moving == NULL:
        raise MemoryError()
    movers = np.empty(n, dtype=np.int64)
    abroad = np.empty(n, dtype=np.bool_)
    cdef int64_t[::1] out = movers
    cdef cnp.npy_bool[::1] out_abroad = abroad
    cdef bitgen_t* bitgen = bitgen_of(rng)
    try:
        for i in range(n):
            sec = security[i]
            security[i] = _clip(sec + gain * risk[i] * (1.0 - sec) - decay * (1.0 - risk[i]) * sec, 0.0, 1.0)
            pressure[i] = pressure[i] * memory
        with rng.bit_generator.lock:
            for i in range(n):
                u = bitgen.next_double(bitgen.state)  # drawn for every network
                moving[i] = risk[i] > threshold and u < move_prob
            for i in range(n):
                u = bitgen.next_double(bitgen.state)
                if moving[i] and alive[i] and u < abroad_prob:
                    out[k], out_abroad[k] = i, zone[i] < n_home_zones
                    k += 1
                elif moving[i] and alive[i]:
                    out[k], out_abroad[k] = i, False
                    k += 1
    finally:
        PyMem_Free(moving)
    return movers[:k], abroad[:k]


def forget(object rng, members, double decay):
    """Each member the task force knows is forgotten at rate ``decay``: one uniform per member slot (known
    or not), as the numpy form draws. Writes ``members.known``."""
    cdef cnp.npy_bool[::1] known = members.known
    cdef Py_ssize_t j
    cdef double u
    cdef bitgen_t* bitgen = bitgen_of(rng)
    with rng.bit_generator.lock:
        for j in range(known.shape[0]):
            u = bitgen.next_double(bitgen.state)  # drawn for every slot, known or not
            known[j] = known[j] and u >= decay


def intelligence(nets, members):
    """Per network: how many of its live members the task force knows, and their share of its live
    members (0 for a network with none); returns ``(known_count, intel)``."""
    cdef const cnp.npy_bool[::1] m_alive = members.alive, known = members.known
    cdef const int64_t[::1] m_net = members.net
    cdef Py_ssize_t i, j, n = nets.alive.shape[0]
    counts, shares = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.float64)
    cdef int64_t[::1] known_count = counts
    cdef double[::1] intel = shares
    _check_lengths("intelligence", m_alive.shape[0], (known.shape[0], m_net.shape[0]))
    cdef int64_t* alive = <int64_t*> PyMem_Malloc((n + 1) * sizeof(int64_t))
    if alive == NULL:
        raise MemoryError()
    try:
        memset(alive, 0, (n + 1) * sizeof(int64_t))
        for j in range(m_alive.shape[0]):
            if m_alive[j]:
                if not 0 <= m_net[j] < n:
                    raise ValueError(f"intelligence: member {j} has network {m_net[j]}")
                alive[m_net[j]] += 1
                known_count[m_net[j]] += known[j]
        for i in range(n):
            intel[i] = <double> known_count[i] / <double> alive[i] if alive[i] > 0 else 0.0
    finally:
        PyMem_Free(alive)
    return counts, shares


# --- 5. enforcement: whom to target ---------------------------------------------------------------------


def revenue_weights(nets, int64_t n_home_zones, bint home, const int64_t[::1] known_count=None):
    """The weights by which the task force picks a network to work on: its revenue plus one for live
    networks at home (``home``) or abroad (not ``home``), and, with ``known_count``, only those with a
    known member; zero for the others. ``np.where(alive & zone_ok [& (known_count > 0)], revenue + 1.0,
    0.0)``, in one call."""
    cdef const cnp.npy_bool[::1] alive = nets.alive
    cdef const int64_t[::1] zone = nets.zone
    cdef const double[::1] revenue = nets.revenue
    cdef Py_ssize_t i, n = alive.shape[0]
    _check_lengths("revenue_weights", n, (zone.shape[0], revenue.shape[0]))
    if known_count is not None:
        _check_lengths("revenue_weights", n, (known_count.shape[0],))
    out = np.empty(n, dtype=np.float64)
    cdef double[::1] weights = out
    for i in range(n):
        if alive[i] and (zone[i] < n_home_zones) == home and (known_count is None or known_count[i] > 0):
            weights[i] = revenue[i] + 1.0
        else:
            weights[i] = 0.0
    return out


# --- the weights of the task force's other picks (sim.agents.actions, sim.agents.partner) --------------
# Each is the numpy expression in its docstring, element by element in the same order of operations
# (a bool counts as 1.0 or 0.0, as numpy casts it), so the weights and hence the picks are the same.


def raid_weights(nets, int64_t n_home_zones):
    """``workers * (1.0 - security) * (alive & (zone < n_home_zones))``: the compounds a raid can find."""
    cdef const cnp.npy_bool[::1] alive = nets.alive
    cdef const int64_t[::1] zone = nets.zone, workers = nets.workers
    cdef const double[::1] security = nets.security
    cdef Py_ssize_t i, n = alive.shape[0]
    _check_lengths("raid_weights", n, (zone.shape[0], workers.shape[0], security.shape[0]))
    out = np.empty(n, dtype=np.float64)
    cdef double[::1] weights = out
    for i in range(n):
        weights[i] = <double> workers[i] * (1.0 - security[i]) * <double> (alive[i] and zone[i] < n_home_zones)
    return out


def sharing_weights(nets, int64_t n_home_zones):
    """``alive * (revenue + 1.0) * np.where(zone < n_home_zones, 1.0, 3.0)``: where the partner's
    intelligence points (networks abroad harm its nationals more)."""
    cdef const cnp.npy_bool[::1] alive = nets.alive
    cdef const int64_t[::1] zone = nets.zone
    cdef const double[::1] revenue = nets.revenue
    cdef Py_ssize_t i, n = alive.shape[0]
    _check_lengths("sharing_weights", n, (zone.shape[0], revenue.shape[0]))
    out = np.empty(n, dtype=np.float64)
    cdef double[::1] weights = out
    for i in range(n):
        weights[i] = <double> alive[i] * (revenue[i] + 1.0) * (1.0 if zone[i] < n_home_zones else 3.0)
    return out


def recruiter_weights(recruiters, object week=None):
    """``visibility * alive``, or with ``week``, ``visibility * (alive & (blocked_until < week))``: the
    recruiters an operation can find (with ``week``, those whose ads are not already down)."""
    cdef const cnp.npy_bool[::1] alive = recruiters.alive
    cdef const double[::1] visibility = recruiters.visibility
    cdef const int64_t[::1] blocked_until = recruiters.blocked_until
    cdef Py_ssize_t j, n = alive.shape[0]
    cdef bint blocking = week is not None
    cdef int64_t now = week if blocking else 0
    _check_lengths("recruiter_weights", n, (visibility.shape[0], blocked_until.shape[0]))
    out = np.empty(n, dtype=np.float64)
    cdef double[::1] weights = out
    for j in range(n):
        weights[j] = visibility[j] * <double> (alive[j] and (not blocking or blocked_until[j] < now))
    return out


def tracing_weights(shells, const double[::1] intel, double cold_factor):
    """``alive * (cold_factor + known) * (0.2 + intel[net]) / opacity``: the companies a money trace
    can follow (known ones and those of well-known networks first, deep layering last)."""
    cdef const cnp.npy_bool[::1] alive = shells.alive, known = shells.known
    cdef const int64_t[::1] owner = shells.net
    cdef const double[::1] opacity = shells.opacity
    cdef Py_ssize_t s, m = alive.shape[0]
    _check_lengths("tracing_weights", m, (known.shape[0], owner.shape[0], opacity.shape[0]))
    _check_slots("tracing_weights", owner, intel.shape[0])
    out = np.empty(m, dtype=np.float64)
    cdef double[::1] weights = out
    for s in range(m):
        weights[s] = <double> alive[s] * (cold_factor + <double> known[s]) * (0.2 + intel[owner[s]]) / opacity[s]
    return out


def offshore_weights(shells, const double[::1] intel):
    """``alive * offshore * intel[net]``: the offshore companies legal assistance can freeze."""
    cdef const cnp.npy_bool[::1] alive = shells.alive, offshore = shells.offshore
    cdef const int64_t[::1] owner = shells.net
    cdef Py_ssize_t s, m = alive.shape[0]
    _check_lengths("offshore_weights", m, (offshore.shape[0], owner.shape[0]))
    _check_slots("offshore_weights", owner, intel.shape[0])
    out = np.empty(m, dtype=np.float64)
    cdef double[::1] weights = out
    for s in range(m):
        weights[s] = <double> (alive[s] and offshore[s]) * intel[owner[s]]
    return out


# --- reactive actions whose draws do not depend on their own consequences (sim.agents.actions) ---------


cdef double _kahan_sum(const double* a, Py_ssize_t n) noexcept nogil:
    """numpy's ``kahan_sum`` (``_generator.pyx``'s check of multinomial probabilities): ``a[0]`` plus the
    compensated sum of ``a[1:n]`` (``a[0]`` even for ``n`` = 0)."""
    cdef double total = a[0], c = 0.0, y, t
    cdef Py_ssize_t i
    for i in range(1, n):
        y = a[i] - c
        t = total + y
        c = (t - total) - y
        total = t
    return total


def website_takedowns(object rng, nets, int64_t ops, double protection, int64_t n_home_zones):
    """The week's ``ops`` website takedowns, drawn at once; returns how many websites came down, or -1
    (drawing nothing) when no website can be found. In numpy::

        weights = websites * (1.0 - protection * security) * (alive & (zone < n_home_zones))
        total = weights.sum()                         # if total <= 0: nothing (-1)
        hits = np.minimum(rng.multinomial(ops, weights / total), websites)
        websites -= hits; pressure += 0.02 * hits     # returns hits.sum()

    with numpy's checks of the probabilities (``ValueError`` before any draw) and its multinomial sampler
    (``random_multinomial``) on the generator's bit generator."""
    cdef const cnp.npy_bool[::1] alive = nets.alive
    cdef const int64_t[::1] zone = nets.zone
    cdef int64_t[::1] websites = nets.websites
    cdef const double[::1] security = nets.security
    cdef double[::1] pressure = nets.pressure
    cdef Py_ssize_t i, n = alive.shape[0]
    cdef double total
    cdef int64_t hit, down = 0
    _check_lengths("website_takedowns", n, (zone.shape[0], websites.shape[0], security.shape[0],
                                             pressure.shape[0]))
    if ops < 0:
        raise ValueError(f"website_takedowns: n < 0, got {ops}")
    cdef _Buffers buf = _Buffers(2)
    cdef double* p = buf.get(0, n)
    cdef int64_t* hits = <int64_t*> buf.get(1, n)  # zeroed, and an int64 is as wide as a double
    for i in range(n):
        p[i] = <double> websites[i] * (1.0 - protection * security[i]) * <double> (alive[i] and zone[i] < n_home_zones)
    total = numpy_sum(p, n)
    if total <= 0:
        return -1
    for i in range(n):
        p[i] = p[i] / total
        if not (p[i] >= 0.0 and p[i] <= 1.0):
            raise ValueError("pvals < 0, pvals > 1 or pvals contains NaNs")
    if n and _kahan_sum(p, n - 1) > 1.0 + 1e-12:
        raise ValueError("sum(pvals[:-1]) > 1.0")
    cdef binomial_t cache
    memset(&cache, 0, sizeof(binomial_t))
    cdef bitgen_t* bitgen = bitgen_of(rng)
    if n:
        with rng.bit_generator.lock:
            random_multinomial(bitgen, ops, hits, p, n, &cache)
    for i in range(n):
        hit = hits[i] if hits[i] < websites[i] else websites[i]
        websites[i] -= hit
        pressure[i] = pressure[i] + 0.02 * <double> hit
        down += hit
    return down


def licence_inspections(object rng, shells, nets, int64_t ops, double success_max, double protection):
    """The week's ``ops`` licence inspections of domestic companies; returns ``(done, revoked)``: the
    operations that found a company to inspect and the companies whose licence is to be revoked, in
    order (the caller revokes them). In Python::

        domestic = (alive & ~offshore).astype(float)
        for done in range(ops):
            s = pick(domestic)                        # none left: stop
            prob = success_max * (1.0 - protection * nets.security[net[s]])
            if rng.random() < prob * min(1.0, 2.0 / opacity[s]):
                revoked.append(s); domestic[s] = 0.0

    Revoking changes nothing these draws read, so they can be made before the revocations."""
    cdef const cnp.npy_bool[::1] alive = shells.alive, offshore = shells.offshore
    cdef const int64_t[::1] owner = shells.net
    cdef const double[::1] opacity = shells.opacity
    cdef const double[::1] security = nets.security
    cdef Py_ssize_t s, m = alive.shape[0], done, picked
    cdef double prob, share, u
    _check_lengths("licence_inspections", m, (offshore.shape[0], owner.shape[0], opacity.shape[0]))
    _check_slots("licence_inspections", owner, security.shape[0])
    revoked = []
    cdef _Buffers buf = _Buffers(2)
    cdef double* domestic = buf.get(0, m)
    cdef double* sums = buf.get(1, m)
    for s in range(m):
        domestic[s] = <double> (alive[s] and not offshore[s])
    cdef bitgen_t* bitgen = bitgen_of(rng)
    for done in range(ops):
        picked = cumulative_pick(rng, domestic, m, sums) if m else -1
        if picked < 0:
            return done, revoked
        prob = success_max * (1.0 - protection * security[owner[picked]])
        share = 2.0 / opacity[picked]
        with rng.bit_generator.lock:
            u = bitgen.next_double(bitgen.state)
        if u < prob * (share if share < 1.0 else 1.0):
            revoked.append(picked)
            domestic[picked] = 0.0
    return ops, revoked

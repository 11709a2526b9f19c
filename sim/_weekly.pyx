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
and updated in place, as the model's numpy code updates them. Each function reads a table's columns from
its instance dictionary (``N``, ``S``, ``R``, ``M`` for the four tables: ``N["alive"]`` is ``nets.alive``;
``sim/_numpy_like.pxd``'s ``columns`` says why), so a missing column is a ``KeyError``. Since the loops
index without bounds checks, each function first checks that the columns it reads are what it reads them
as (1-D, contiguous numpy arrays of their dtype, writable where written, through
``sim/_numpy_like.pxd``'s ``column``), that they have their table's length, and that the networks named
by companies and recruiters exist. Two kinds of bad row are told apart: a row the caller passes (a
network ``i``, the ``owners`` of new companies, the slots of ``count_at``) outside its table raises
``IndexError``, as numpy's indexing does; a network named in a table (a company's or recruiter's ``net``)
that does not exist raises ``ValueError``, since the table itself is then wrong (where numpy raised
``IndexError``). Rates and means on which numpy's samplers would never return (NaN) are refused with a
``ValueError`` before anything is drawn or written, where numpy's code sometimes drew part of a phase
first.
"""

import numpy as np

from sim import rules as _rules

cimport numpy as cnp
from cpython.mem cimport PyMem_Free, PyMem_Malloc
from libc.math cimport INFINITY, ceil, floor, rint
from libc.stdint cimport int64_t, uint64_t
from libc.string cimport memset
from numpy.random cimport bitgen_t
from numpy.random.c_distributions cimport (
    binomial_t, random_beta, random_binomial, random_bounded_uint64, random_gamma, random_multinomial,
    random_poisson,
)

from sim._numpy_like cimport (
    bitgen_of, check_mean, check_probability, columns, cumulative_search, member_row, new_array, numpy_sum,
    read_bool, read_f64, read_i64, rows_of, write_bool, write_f64, write_i64,
)

cnp.import_array()

include "_generator.pxi"
include "_pcg64_skip.pxi"

#: :data:`sim.rules.EFFICIENCY_CAP`, the cap on the graph-efficiency ratio in :func:`operate`.
cdef double EFFICIENCY_CAP = _rules.EFFICIENCY_CAP

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


def array_sum(a):
    """``a.sum()`` for a contiguous float64 array, computed as numpy computes it (for the tests)."""
    cdef Py_ssize_t n = rows_of(a, "array_sum")
    return numpy_sum(read_f64(a, n, "array_sum"), n) if n else 0.0


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


cdef int _check_slots(str what, const int64_t* slots, Py_ssize_t count, Py_ssize_t n) except -1:
    """Every one of the ``count`` entries of ``slots`` (the networks that companies or recruiters belong
    to) is a network. A scan without branches finds whether any is not: a slot ``s`` is one of the ``n``
    rows exactly when ``s`` and ``n - 1 - s`` are both at least 0, so the sign bit of the OR of all of them
    is set exactly when some slot is outside (subtractions and ORs, which the compiler makes two slots at
    a time with the baseline x86-64 instructions, where comparisons of 64-bit integers would not be);
    only then is the first such row looked for, to name it."""
    cdef Py_ssize_t j
    cdef uint64_t last = <uint64_t> n - 1, signs = 0
    for j in range(count):
        signs |= <uint64_t> slots[j] | (last - <uint64_t> slots[j])
    if signs >> 63:  # also for every slot when n is 0 (n - 1 wraps round to the largest unsigned)
        for j in range(count):
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
    cdef dict N = columns(nets)
    cdef str what = "operate"
    cdef Py_ssize_t i, n = rows_of(N["alive"], what)
    cdef const cnp.npy_bool* alive = read_bool(N["alive"], n, what)
    cdef const cnp.npy_bool* has_it = read_bool(N["has_it"], n, what)
    cdef const int64_t* zone = read_i64(N["zone"], n, what)
    cdef const int64_t* disrupted = read_i64(N["disrupted_until"], n, what)
    cdef const int64_t* workers = read_i64(N["workers"], n, what)
    cdef const int64_t* websites = read_i64(N["websites"], n, what)
    cdef const double* ratio = read_f64(N["graph_ratio"], n, what)
    cdef const double* security = read_f64(N["security"], n, what)
    cdef double* revenue = write_f64(N["revenue"], n, what)
    cdef double* dirty = write_f64(N["dirty"], n, what)
    cdef double loc, eff, busy, keep = 1.0 - collection_fee
    cdef _Buffers buf = _Buffers(2)
    cdef double* losses = buf.get(0, n)
    cdef double* rev = buf.get(1, n)
    for i in range(n):
        loc = 1.0 if zone[i] < n_home_zones else abroad_efficiency
        loc = loc * (0.5 if disrupted[i] >= week else 1.0) * (1.0 if has_it[i] else no_it_revenue)
        eff = _clip(ratio[i], 0.0, EFFICIENCY_CAP) * (1.0 - security_cost * security[i]) * loc
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
    owner (a balance that rounding would leave a hair below zero when all of it is released is zero),
    :func:`sim.rules.pay_costs` of the live networks' workers, the weeks of insolvency counted, and the
    margin of the live networks' income over all costs. Writes ``nets.dirty``, ``nets.clean``,
    ``nets.solvency``, ``nets.insolvent`` and ``shells.balance``.
    """
    cdef dict N = columns(nets), S = columns(shells)
    cdef str what = "launder"
    cdef Py_ssize_t i, s, k, n = rows_of(N["alive"], what), m = rows_of(S["net"], what)
    cdef const cnp.npy_bool* alive = read_bool(N["alive"], n, what)
    cdef const int64_t* workers = read_i64(N["workers"], n, what)
    cdef const double* mult = read_f64(N["launder_mult"], n, what)
    cdef double* dirty = write_f64(N["dirty"], n, what)
    cdef double* clean_funds = write_f64(N["clean"], n, what)
    cdef double* solvency = write_f64(N["solvency"], n, what)
    cdef int64_t* insolvent = write_i64(N["insolvent"], n, what)
    cdef const cnp.npy_bool* sh_alive = read_bool(S["alive"], m, what)
    cdef const int64_t* owner = read_i64(S["net"], m, what)
    cdef const double* sh_capacity = read_f64(S["capacity"], m, what)
    cdef const double* opacity = read_f64(S["opacity"], m, what)
    cdef double* balance = write_f64(S["balance"], m, what)
    cdef double fee, released, paid, alive_income, cost_total
    _check_slots(what, owner, m, n)
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
        if balance[s] < 0.0:  # rounding alone (clean + fees is the released share, at most all of it)
            balance[s] = 0.0
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
    cdef dict N = columns(nets), S = columns(shells), R = columns(recruiters)
    cdef str what = "recruit"
    cdef Py_ssize_t i, j, n = rows_of(N["alive"], what)
    cdef Py_ssize_t r = rows_of(R["alive"], what), m = rows_of(S["net"], what)
    cdef const cnp.npy_bool* alive = read_bool(N["alive"], n, what)
    cdef const int64_t* disrupted = read_i64(N["disrupted_until"], n, what)
    cdef const double* mult = read_f64(N["launder_mult"], n, what)
    cdef const double* capacity = read_f64(N["capacity"], n, what)
    cdef const double* solvency = read_f64(N["solvency"], n, what)
    cdef int64_t* workers = write_i64(N["workers"], n, what)
    cdef int64_t* staff = write_i64(N["staff"], n, what)
    cdef const cnp.npy_bool* rec_alive = read_bool(R["alive"], r, what)
    cdef const int64_t* rec_net = read_i64(R["net"], r, what)
    cdef const int64_t* blocked = read_i64(R["blocked_until"], r, what)
    cdef const double* reach = read_f64(R["reach"], r, what)
    cdef const cnp.npy_bool* sh_alive = read_bool(S["alive"], m, what)
    cdef const int64_t* owner = read_i64(S["net"], m, what)
    cdef const double* sh_capacity = read_f64(S["capacity"], m, what)
    cdef double s, d, launderable, staff_p = _min(_max(staff_rate, 0.0), 1.0)
    cdef int64_t recruited = 0, target, missing
    _check_slots(what, rec_net, r, n)
    _check_slots(what, owner, m, n)
    cdef _Buffers buf = _Buffers(6)
    cdef double* supply = buf.get(0, n)
    cdef double* cap = buf.get(1, n)
    cdef double* matched = buf.get(2, n)
    cdef double* vacancies = buf.get(3, n)
    cdef double* rates = buf.get(4, n)
    cdef binomial_t cache
    cdef bitgen_t* bitgen = generator_bits(rng)
    check_probability(staff_p, "recruit: staff replacement")
    for j in range(r):  # the flag as 0 or 1 without a branch (live and dead recruiters are mixed)
        supply[rec_net[j]] += reach[j] * <double> ((rec_alive[j] != 0) & (blocked[j] < week))
    for j in range(m):
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
    cdef int64_t* hired = <int64_t*> buf.get(5, n)  # zeroed, and an int64 is as wide as a double
    memset(&cache, 0, sizeof(binomial_t))
    unlock = generator_lock(rng)
    try:
        for i in range(n):
            hired[i] = <int64_t> _min(<double> random_poisson(bitgen, matched[i]), vacancies[i])
            recruited += hired[i]
        for i in range(n):
            workers[i] = workers[i] + (hired[i] - random_binomial(bitgen, rates[i], workers[i] if workers[i] > 0 else 0, &cache))
        for i in range(n):
            target = <int64_t> rint(<double> workers[i] * staff_per_1000 / 1e3)
            missing = _gap(target, staff[i]) * alive[i]
            staff[i] = staff[i] + random_binomial(bitgen, staff_p, missing, &cache)
    finally:
        release_lock(unlock)
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
    cdef dict N = columns(nets), R = columns(recruiters)
    cdef str what = "recruiter_turnover"
    cdef Py_ssize_t i, j, n = rows_of(N["alive"], what), r = rows_of(R["alive"], what), k = 0
    cdef const cnp.npy_bool* alive = read_bool(N["alive"], n, what)
    cdef const double* capacity = read_f64(N["capacity"], n, what)
    cdef const cnp.npy_bool* rec_alive = read_bool(R["alive"], r, what)
    cdef const int64_t* rec_net = read_i64(R["net"], r, what)
    cdef _Buffers buf = _Buffers(2)
    cdef double* have = buf.get(0, n)
    cdef double* means = buf.get(1, n)
    cdef cnp.npy_bool stays
    cdef double u
    leaving = new_array(r, cnp.NPY_INT64, False)
    entering = new_array(n, cnp.NPY_INT64, False)
    cdef int64_t* out = write_i64(leaving, r, what)
    cdef int64_t* new = write_i64(entering, n, what)
    cdef bitgen_t* bitgen = generator_bits(rng)
    _check_slots(what, rec_net, r, n)
    unlock = generator_lock(rng)
    try:
        for j in range(r):
            u = bitgen.next_double(bitgen.state)  # drawn for every slot, live or not
            stays = rec_alive[j] and not u < exit_rate
            if rec_alive[j] and not stays:
                out[k] = j
                k += 1
            elif stays:
                have[rec_net[j]] += 1.0  # a count: exact in a double
    finally:
        release_lock(unlock)
    for i in range(n):
        means[i] = entry_rate * (_max(per_network * capacity[i] / workers_mean - have[i], 0.0) * <double> alive[i])
        check_mean(means[i], "recruiter_turnover")
    unlock = generator_lock(rng)
    try:
        for i in range(n):
            new[i] = random_poisson(bitgen, means[i])
    finally:
        release_lock(unlock)
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
    cdef dict N = columns(nets), S = columns(shells)
    cdef str what = "rebuild"
    cdef Py_ssize_t i, s, n = rows_of(N["alive"], what), m = rows_of(S["net"], what)
    cdef const cnp.npy_bool* alive = read_bool(N["alive"], n, what)
    cdef const cnp.npy_bool* has_it = read_bool(N["has_it"], n, what)
    cdef const cnp.npy_bool* has_fixer = read_bool(N["has_fixer"], n, what)
    cdef const int64_t* workers = read_i64(N["workers"], n, what)
    cdef const int64_t* target = read_i64(N["shells_target"], n, what)
    cdef int64_t* websites = write_i64(N["websites"], n, what)
    cdef double* clean = write_f64(N["clean"], n, what)
    cdef const cnp.npy_bool* sh_alive = read_bool(S["alive"], m, what)
    cdef const int64_t* owner = read_i64(S["net"], m, what)
    cdef int64_t needed, missing, drawn, affordable
    _check_slots(what, owner, m, n)
    cdef double rate, p_shell = _min(_max(shell_rate, 0.0), 1.0)
    cdef _Buffers buf = _Buffers(2)
    cdef double* rates = buf.get(0, n)
    cdef double* owned = buf.get(1, n)
    cdef binomial_t cache
    cdef bitgen_t* bitgen = generator_bits(rng)
    check_probability(p_shell, "rebuild: companies")
    for i in range(n):
        rate = website_rate * (1.0 if has_it[i] else no_it_rebuild)
        rates[i] = _min(_max(rate, 0.0), 1.0)
        check_probability(rates[i], "rebuild: websites")
    for s in range(m):
        if sh_alive[s]:
            owned[owner[s]] += 1.0  # a count: exact in a double
    entering = new_array(n, cnp.NPY_INT64, False)
    cdef int64_t* new = write_i64(entering, n, what)
    memset(&cache, 0, sizeof(binomial_t))
    unlock = generator_lock(rng)
    try:
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
    finally:
        release_lock(unlock)
    return entering


def recruiter_draws(object rng, Py_ssize_t n, double reach_mean):
    """The reach and visibility of ``n`` new recruiters: ``rng.gamma(2.0, reach_mean / 2.0, n)``, then
    ``rng.beta(2.0, 3.0, n)``, as numpy draws them (one after another, on the generator's bit generator);
    ``ValueError`` for a negative or NaN mean reach."""
    if not reach_mean >= 0.0:
        raise ValueError(f"recruiter_draws: the mean reach must be >= 0, got {reach_mean}")
    if n < 0:
        raise ValueError(f"recruiter_draws: {n} recruiters")
    cdef Py_ssize_t j
    cdef double scale = reach_mean / 2.0
    reach, visibility = new_array(n, cnp.NPY_DOUBLE, False), new_array(n, cnp.NPY_DOUBLE, False)
    cdef double* r = write_f64(reach, n, "recruiter_draws")
    cdef double* v = write_f64(visibility, n, "recruiter_draws")
    cdef bitgen_t* bitgen = generator_bits(rng)
    unlock = generator_lock(rng)
    try:
        for j in range(n):
            r[j] = random_gamma(bitgen, 2.0, scale)
        for j in range(n):
            v[j] = random_beta(bitgen, 2.0, 3.0)
    finally:
        release_lock(unlock)
    return reach, visibility


def shell_draws(object rng, nets, owners, double base, double oc_extra, double offshore_share):
    """The layering depth and offshore flag of new companies owned by the networks ``owners`` (int64
    slots): ``1.0 + rng.poisson(base, n) + (oc_extra * nets.oc[owners] + np.round(2.0 *
    nets.security[owners]))``, then ``rng.random(n) < offshore_share``, as numpy computes and draws them
    (``np.round`` rounds halves to even, as ``rint`` does)."""
    cdef dict N = columns(nets)
    cdef str what = "shell_draws"
    cdef Py_ssize_t j, n = rows_of(N["oc"], what), k = rows_of(owners, what)
    cdef const cnp.npy_bool* oc = read_bool(N["oc"], n, what)
    cdef const double* security = read_f64(N["security"], n, what)
    cdef const int64_t* owner = read_i64(owners, k, what) if k else NULL
    check_mean(base, what)
    for j in range(k):
        if not 0 <= owner[j] < n:
            raise IndexError(f"shell_draws: network {owner[j]} is not one of the {n} rows")
    opacity, offshore = new_array(k, cnp.NPY_DOUBLE, False), new_array(k, cnp.NPY_BOOL, False)
    cdef double* depth = write_f64(opacity, k, what)
    cdef cnp.npy_bool* abroad = write_bool(offshore, k, what)
    cdef bitgen_t* bitgen = generator_bits(rng)
    unlock = generator_lock(rng)
    try:
        for j in range(k):
            depth[j] = 1.0 + <double> random_poisson(bitgen, base)
        for j in range(k):
            abroad[j] = bitgen.next_double(bitgen.state) < offshore_share
    finally:
        release_lock(unlock)
    for j in range(k):
        depth[j] = depth[j] + (oc_extra * <double> oc[owner[j]] + rint(2.0 * security[owner[j]]))
    return opacity, offshore


def vacancy_draws(
    object rng, nets, members, Py_ssize_t n_roles, Py_ssize_t manager, Py_ssize_t first_facilitator,
    Py_ssize_t last_facilitator, Py_ssize_t associate, double manager_rate, double facilitator_rate,
):
    """New managers, facilitators and associates per network this week; returns the three counts.

    Each live network replaces the members it is short of (its targets less its live members in those
    roles) at the given rates, associates at ``manager_rate`` (:func:`sim.rules.replacement_draws`).
    Draws: managers of every network, then facilitators, then associates. Writes nothing.
    """
    cdef dict N = columns(nets), M = columns(members)
    cdef str what = "vacancy_draws"
    cdef Py_ssize_t i, j, r, n = rows_of(N["alive"], what), rows = rows_of(M["alive"], what)
    cdef const cnp.npy_bool* alive = read_bool(N["alive"], n, what)
    cdef const int64_t* t_m = read_i64(N["managers_target"], n, what)
    cdef const int64_t* t_f = read_i64(N["facilitators_target"], n, what)
    cdef const int64_t* t_a = read_i64(N["associates_target"], n, what)
    cdef const cnp.npy_bool* m_alive = read_bool(M["alive"], rows, what)
    cdef const int64_t* m_net = read_i64(M["net"], rows, what)
    cdef const int64_t* m_role = read_i64(M["role"], rows, what)
    cdef int64_t have, missing
    cdef double p_m = _min(_max(manager_rate, 0.0), 1.0), p_f = _min(_max(facilitator_rate, 0.0), 1.0)
    for r in (manager, first_facilitator, last_facilitator, associate):
        if not 0 <= r < n_roles:
            raise ValueError(f"vacancy_draws: role {r} is not one of 0..{n_roles - 1}")
    check_probability(p_m, "vacancy_draws: managers")
    check_probability(p_f, "vacancy_draws: facilitators")
    cdef int64_t* counts = <int64_t*> PyMem_Malloc((n * n_roles + 1) * sizeof(int64_t))
    if counts == NULL:
        raise MemoryError()
    managers, facilitators, associates = (new_array(n, cnp.NPY_INT64, False) for _ in range(3))
    cdef int64_t* new_m = write_i64(managers, n, what)
    cdef int64_t* new_f = write_i64(facilitators, n, what)
    cdef int64_t* new_a = write_i64(associates, n, what)
    cdef binomial_t cache
    cdef bitgen_t* bitgen = generator_bits(rng)
    memset(&cache, 0, sizeof(binomial_t))
    try:
        memset(counts, 0, (n * n_roles + 1) * sizeof(int64_t))
        for j in range(rows):
            if m_alive[j]:
                if not 0 <= m_role[j] < n_roles or not 0 <= m_net[j] < n:
                    raise ValueError(f"vacancy_draws: member {j} has network {m_net[j]} and role {m_role[j]}")
                counts[m_net[j] * n_roles + m_role[j]] += 1
        unlock = generator_lock(rng)
        try:
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
            release_lock(unlock)
    finally:
        PyMem_Free(counts)
    return managers, facilitators, associates


def security_and_moves(
    object rng, nets, double risk_k, int64_t n_home_zones, double gain, double decay, double memory,
    double threshold, double move_prob, double abroad_prob,
):
    """Security adjusted to the perceived risk, pressure forgotten, and who relocates; returns the live
    movers' slots and, for each, whether it goes abroad (the caller moves them).

    The risk is :func:`sim.rules.perceived_risk` of the week's pressure with ``risk_k``: the same operations,
    with numpy's own ``exp`` on the whole array. Then :func:`sim.rules.security_update`, pressure times
    ``memory``, :func:`sim.rules.relocation_choice` (one uniform per network for moving, then one per
    network for going abroad, as the numpy form draws). Writes ``nets.security`` and ``nets.pressure``.
    """
    cdef dict N = columns(nets)
    cdef str what = "security_and_moves"
    cdef Py_ssize_t i, n = rows_of(N["alive"], what), k = 0
    cdef const cnp.npy_bool* alive = read_bool(N["alive"], n, what)
    cdef const int64_t* zone = read_i64(N["zone"], n, what)
    cdef double* security = write_f64(N["security"], n, what)
    cdef double* pressure = write_f64(N["pressure"], n, what)
    cdef double sec, u
    risks = new_array(n, cnp.NPY_DOUBLE, False)
    cdef double* risk = write_f64(risks, n, what)
    for i in range(n):
        risk[i] = -risk_k * pressure[i]
    np.exp(risks, out=risks)
    for i in range(n):
        risk[i] = 1.0 - risk[i]
    cdef cnp.npy_bool* moving = <cnp.npy_bool*> PyMem_Malloc((n + 1) * sizeof(cnp.npy_bool))
    if moving == NULL:
        raise MemoryError()
    movers = new_array(n, cnp.NPY_INT64, False)
    abroad = new_array(n, cnp.NPY_BOOL, False)
    cdef int64_t* out = write_i64(movers, n, what)
    cdef cnp.npy_bool* out_abroad = write_bool(abroad, n, what)
    cdef bitgen_t* bitgen = generator_bits(rng)
    try:
        for i in range(n):
            sec = security[i]
            security[i] = _clip(sec + gain * risk[i] * (1.0 - sec) - decay * (1.0 - risk[i]) * sec, 0.0, 1.0)
            pressure[i] = pressure[i] * memory
        unlock = generator_lock(rng)
        try:
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
            release_lock(unlock)
    finally:
        PyMem_Free(moving)
    return movers[:k], abroad[:k]


def forget(object rng, members, double decay):
    """Each member the task force knows is forgotten at rate ``decay``: one uniform per member slot (known
    or not), as the numpy form draws; the slots of unknown members, most of them, are skipped on a PCG64
    generator (:func:`skip_draws`, the same stream). Writes ``members.known``."""
    cdef dict M = columns(members)
    cdef Py_ssize_t j, drawn = 0, rows = rows_of(M["known"], "forget")
    cdef cnp.npy_bool* known = write_bool(M["known"], rows, "forget")
    cdef double u
    cdef bitgen_t* bitgen = generator_bits(rng)
    cdef bint skips = generator_skips(rng)
    unlock = generator_lock(rng)
    try:
        if skips:
            for j in range(rows):
                if known[j]:
                    skip_draws(bitgen, j - drawn)  # the unknown members' draws since the last known one
                    known[j] = bitgen.next_double(bitgen.state) >= decay
                    drawn = j + 1
            skip_draws(bitgen, rows - drawn)
        else:
            for j in range(rows):
                u = bitgen.next_double(bitgen.state)  # drawn for every slot, known or not
                known[j] = known[j] and u >= decay
    finally:
        release_lock(unlock)


def intelligence(nets, members):
    """Per network: how many of its live members the task force knows, and their share of its live
    members (0 for a network with none); returns ``(known_count, intel)``."""
    cdef dict N = columns(nets), M = columns(members)
    cdef str what = "intelligence"
    cdef Py_ssize_t i, j, n = rows_of(N["alive"], what), rows = rows_of(M["alive"], what)
    cdef const cnp.npy_bool* m_alive = read_bool(M["alive"], rows, what)
    cdef const cnp.npy_bool* known = read_bool(M["known"], rows, what)
    cdef const int64_t* m_net = read_i64(M["net"], rows, what)
    counts, shares = new_array(n, cnp.NPY_INT64, True), new_array(n, cnp.NPY_DOUBLE, True)
    cdef int64_t* known_count = write_i64(counts, n, what)
    cdef double* intel = write_f64(shares, n, what)
    cdef int64_t* alive = <int64_t*> PyMem_Malloc((n + 1) * sizeof(int64_t))
    if alive == NULL:
        raise MemoryError()
    try:
        memset(alive, 0, (n + 1) * sizeof(int64_t))
        for j in range(rows):
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


def revenue_weights(nets, int64_t n_home_zones, bint home, object known_counts=None):
    """The weights by which the task force picks a network to work on: its revenue plus one for live
    networks at home (``home``) or abroad (not ``home``), and, with ``known_count``, only those with a
    known member; zero for the others. ``np.where(alive & zone_ok [& (known_count > 0)], revenue + 1.0,
    0.0)``, in one call."""
    cdef dict N = columns(nets)
    cdef str what = "revenue_weights"
    cdef Py_ssize_t i, n = rows_of(N["alive"], what)
    cdef const cnp.npy_bool* alive = read_bool(N["alive"], n, what)
    cdef const int64_t* zone = read_i64(N["zone"], n, what)
    cdef const double* revenue = read_f64(N["revenue"], n, what)
    cdef const int64_t* known_count = NULL if known_counts is None else read_i64(known_counts, n, what)
    out = new_array(n, cnp.NPY_DOUBLE, False)
    cdef double* weights = write_f64(out, n, what)
    for i in range(n):
        if alive[i] and (zone[i] < n_home_zones) == home and (known_count == NULL or known_count[i] > 0):
            weights[i] = revenue[i] + 1.0
        else:
            weights[i] = 0.0
    return out


def success_odds(
    intels, securities, double skill, double success_max, double intel_weight, double skill_weight,
    double protection,
):
    """:func:`sim.rules.success_probability` for each network, from float64 arrays of their intelligence
    and security: the same operations in the same order, with numpy's own ``exp`` (whose bits differ from
    C's) on the whole array."""
    cdef str what = "success_odds"
    cdef Py_ssize_t i, n = rows_of(intels, what)
    if rows_of(securities, what) != n:
        raise ValueError(f"success_odds: {rows_of(securities, what)} securities for {n} intelligence shares")
    cdef const double* intel = read_f64(intels, n, what)
    cdef const double* security = read_f64(securities, n, what)
    cdef double from_skill = skill_weight * skill
    out = new_array(n, cnp.NPY_DOUBLE, False)
    cdef double* x = write_f64(out, n, what)
    for i in range(n):
        x[i] = -(intel_weight * intel[i] + from_skill)
    np.exp(out, out=out)
    for i in range(n):
        x[i] = success_max * (1.0 - x[i]) * (1.0 - protection * security[i])
    return out


def record_structure(
    nets, Py_ssize_t i, object adj, object roles, double efficiency, double efficiency0,
    double no_launderer_capacity, int64_t launderer, int64_t fixer, int64_t it,
):
    """Network ``i``'s graph measures and the capabilities its members' roles give, as
    :meth:`sim.agents.network.ScamNetwork._record_structure` stores them: ``efficiency``, the graph ratio
    ``efficiency / efficiency0`` (0 if ``efficiency0`` is not positive), whether a member (a key of
    ``adj``, its role in ``roles``) is a launderer, a licence fixer or IT, and the laundering capacity
    multiplier (1 with a launderer, else ``no_launderer_capacity``). ``IndexError`` for a member that is
    not a row of ``roles`` or a network ``i`` that is not a row, before anything is written. Writes
    ``nets.efficiency``, ``graph_ratio``, ``has_launderer``, ``has_fixer``, ``has_it`` and
    ``launder_mult``."""
    cdef dict N = columns(nets)
    cdef str what = "record_structure"
    cdef Py_ssize_t n = rows_of(N["alive"], what), rows = rows_of(roles, what)
    cdef const int64_t* role = read_i64(roles, rows, what)
    cdef bint has_launderer = False, has_fixer = False, has_it = False
    cdef int64_t r
    if not 0 <= i < n:
        raise IndexError(f"record_structure: network {i} is not one of the {n} rows")
    for member in adj:
        r = role[member_row(member, rows)]
        has_launderer |= r == launderer
        has_fixer |= r == fixer
        has_it |= r == it
    write_f64(N["efficiency"], n, what)[i] = efficiency
    write_f64(N["graph_ratio"], n, what)[i] = efficiency / efficiency0 if efficiency0 > 0 else 0.0
    write_bool(N["has_launderer"], n, what)[i] = has_launderer
    write_bool(N["has_fixer"], n, what)[i] = has_fixer
    write_bool(N["has_it"], n, what)[i] = has_it
    write_f64(N["launder_mult"], n, what)[i] = 1.0 if has_launderer else no_launderer_capacity


def add_pressure(nets, Py_ssize_t i, double amount, double spill):
    """Network ``i`` feels ``amount`` of enforcement and every live network in its zone (``i`` too, if live)
    ``spill`` more: ``pressure[(zone == zone[i]) & alive] += spill``, then ``pressure[i] += amount``.
    Writes ``nets.pressure``."""
    cdef dict N = columns(nets)
    cdef str what = "add_pressure"
    cdef Py_ssize_t j, n = rows_of(N["alive"], what)
    cdef const cnp.npy_bool* alive = read_bool(N["alive"], n, what)
    cdef const int64_t* zone = read_i64(N["zone"], n, what)
    cdef double* pressure = write_f64(N["pressure"], n, what)
    if not 0 <= i < n:
        raise IndexError(f"add_pressure: network {i} is not one of the {n} rows")
    cdef int64_t z = zone[i]
    for j in range(n):
        if alive[j] and zone[j] == z:
            pressure[j] = pressure[j] + spill
    pressure[i] = pressure[i] + amount


def raid_losses(object rng, nets, Py_ssize_t i, double leak_prob, double find_share, double staff_share,
                double cash_share, double websites_down):
    """What a raid on network ``i`` takes at once; returns ``(tipped, detained, staff, seized, down)``.

    :func:`sim.agents.actions.raid`'s first draws and updates, in its order: a tip-off with chance
    ``leak_prob`` (``rng.random() < leak_prob``) leaves a tenth of everything to find (``scale`` 0.1, else
    1); ``detained`` workers are ``binomial(workers, find_share * scale)`` and ``staff`` are
    ``binomial(staff, staff_share * scale)``; ``seized`` is ``cash_share * scale`` of the dirty cash, and
    ``down`` is ``min(websites, round(websites_down * scale))`` websites. Each is subtracted from its
    column (``nets.workers``, ``nets.staff``, ``nets.dirty``, ``nets.websites``). ``IndexError`` for an
    ``i`` that is not a row; ``ValueError`` for a negative count, a probability outside [0, 1] or a
    negative or NaN number of websites, before anything is drawn or written."""
    cdef dict N = columns(nets)
    cdef str what = "raid_losses"
    cdef Py_ssize_t n = rows_of(N["alive"], what)
    cdef int64_t* workers = write_i64(N["workers"], n, what)
    cdef int64_t* staff = write_i64(N["staff"], n, what)
    cdef double* dirty = write_f64(N["dirty"], n, what)
    cdef int64_t* websites = write_i64(N["websites"], n, what)
    if not 0 <= i < n:
        raise IndexError(f"raid_losses: network {i} is not one of the {n} rows")
    if workers[i] < 0 or staff[i] < 0:
        raise ValueError(f"binomial: counts must be >= 0, got {min(workers[i], staff[i])}")
    if not websites_down >= 0:
        raise ValueError(f"raid_losses: websites taken down must be >= 0, got {websites_down}")
    check_probability(find_share, "binomial")  # and so the tenth of it drawn with after a tip-off
    check_probability(staff_share, "binomial")
    cdef bitgen_t* bitgen = generator_bits(rng)
    cdef binomial_t cache
    cdef bint tipped
    cdef double scale, seized, rounded
    cdef int64_t detained, taken, down
    unlock = generator_lock(rng)
    try:
        tipped = bitgen.next_double(bitgen.state) < leak_prob
        scale = 0.1 if tipped else 1.0
        memset(&cache, 0, sizeof(binomial_t))  # a fresh setup per draw, as two separate draws have
        detained = random_binomial(bitgen, find_share * scale, workers[i], &cache)
        memset(&cache, 0, sizeof(binomial_t))
        taken = random_binomial(bitgen, staff_share * scale, staff[i], &cache)
    finally:
        release_lock(unlock)
    workers[i] = workers[i] - detained
    staff[i] = staff[i] - taken
    seized = cash_share * scale * dirty[i]
    dirty[i] = dirty[i] - seized
    rounded = rint(websites_down * scale)  # Python's round: halves to even, as rint in the default mode
    down = websites[i] if rounded >= <double> websites[i] else <int64_t> rounded
    websites[i] = websites[i] - down
    return tipped, detained, taken, seized, down


# --- the weights of the task force's other picks (sim.agents.actions, sim.agents.partner) --------------
# Each is the numpy expression in its docstring, element by element in the same order of operations
# (a bool counts as 1.0 or 0.0, as numpy casts it), so the weights and hence the picks are the same.


def raid_weights(nets, int64_t n_home_zones):
    """``workers * (1.0 - security) * (alive & (zone < n_home_zones))``: the compounds a raid can find."""
    cdef dict N = columns(nets)
    cdef str what = "raid_weights"
    cdef Py_ssize_t i, n = rows_of(N["alive"], what)
    cdef const cnp.npy_bool* alive = read_bool(N["alive"], n, what)
    cdef const int64_t* zone = read_i64(N["zone"], n, what)
    cdef const int64_t* workers = read_i64(N["workers"], n, what)
    cdef const double* security = read_f64(N["security"], n, what)
    out = new_array(n, cnp.NPY_DOUBLE, False)
    cdef double* weights = write_f64(out, n, what)
    for i in range(n):
        weights[i] = <double> workers[i] * (1.0 - security[i]) * <double> (alive[i] and zone[i] < n_home_zones)
    return out


def sharing_weights(nets, int64_t n_home_zones):
    """``alive * (revenue + 1.0) * np.where(zone < n_home_zones, 1.0, 3.0)``: where the partner's
    intelligence points (networks abroad harm its nationals more)."""
    cdef dict N = columns(nets)
    cdef str what = "sharing_weights"
    cdef Py_ssize_t i, n = rows_of(N["alive"], what)
    cdef const cnp.npy_bool* alive = read_bool(N["alive"], n, what)
    cdef const int64_t* zone = read_i64(N["zone"], n, what)
    cdef const double* revenue = read_f64(N["revenue"], n, what)
    out = new_array(n, cnp.NPY_DOUBLE, False)
    cdef double* weights = write_f64(out, n, what)
    for i in range(n):
        weights[i] = <double> alive[i] * (revenue[i] + 1.0) * (1.0 if zone[i] < n_home_zones else 3.0)
    return out


def recruiter_weights(recruiters, object week=None):
    """``visibility * alive``, or with ``week``, ``visibility * (alive & (blocked_until < week))``: the
    recruiters an operation can find (with ``week``, those whose ads are not already down)."""
    cdef dict R = columns(recruiters)
    cdef str what = "recruiter_weights"
    cdef Py_ssize_t j, n = rows_of(R["alive"], what)
    cdef const cnp.npy_bool* alive = read_bool(R["alive"], n, what)
    cdef const double* visibility = read_f64(R["visibility"], n, what)
    cdef const int64_t* blocked_until = read_i64(R["blocked_until"], n, what)
    cdef bint blocking = week is not None
    cdef int64_t now = week if blocking else 0
    out = new_array(n, cnp.NPY_DOUBLE, False)
    cdef double* weights = write_f64(out, n, what)
    for j in range(n):
        weights[j] = visibility[j] * <double> (alive[j] and (not blocking or blocked_until[j] < now))
    return out


def tracing_weights(shells, object intels, double cold_factor):
    """``alive * (cold_factor + known) * (0.2 + intel[net]) / opacity``: the companies a money trace
    can follow (known ones and those of well-known networks first, deep layering last)."""
    cdef dict S = columns(shells)
    cdef str what = "tracing_weights"
    cdef Py_ssize_t s, m = rows_of(S["alive"], what), n = rows_of(intels, what)
    cdef const cnp.npy_bool* alive = read_bool(S["alive"], m, what)
    cdef const cnp.npy_bool* known = read_bool(S["known"], m, what)
    cdef const int64_t* owner = read_i64(S["net"], m, what)
    cdef const double* opacity = read_f64(S["opacity"], m, what)
    cdef const double* intel = read_f64(intels, n, what)
    _check_slots(what, owner, m, n)
    out = new_array(m, cnp.NPY_DOUBLE, False)
    cdef double* weights = write_f64(out, m, what)
    for s in range(m):
        weights[s] = <double> alive[s] * (cold_factor + <double> known[s]) * (0.2 + intel[owner[s]]) / opacity[s]
    return out


def offshore_weights(shells, object intels):
    """``alive * offshore * intel[net]``: the offshore companies legal assistance can freeze."""
    cdef dict S = columns(shells)
    cdef str what = "offshore_weights"
    cdef Py_ssize_t s, m = rows_of(S["alive"], what), n = rows_of(intels, what)
    cdef const cnp.npy_bool* alive = read_bool(S["alive"], m, what)
    cdef const cnp.npy_bool* offshore = read_bool(S["offshore"], m, what)
    cdef const int64_t* owner = read_i64(S["net"], m, what)
    cdef const double* intel = read_f64(intels, n, what)
    _check_slots(what, owner, m, n)
    out = new_array(m, cnp.NPY_DOUBLE, False)
    cdef double* weights = write_f64(out, m, what)
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
    cdef dict N = columns(nets)
    cdef str what = "website_takedowns"
    cdef Py_ssize_t i, n = rows_of(N["alive"], what)
    cdef const cnp.npy_bool* alive = read_bool(N["alive"], n, what)
    cdef const int64_t* zone = read_i64(N["zone"], n, what)
    cdef int64_t* websites = write_i64(N["websites"], n, what)
    cdef const double* security = read_f64(N["security"], n, what)
    cdef double* pressure = write_f64(N["pressure"], n, what)
    cdef double total
    cdef int64_t hit, down = 0
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
    cdef bitgen_t* bitgen = generator_bits(rng)
    if n:
        unlock = generator_lock(rng)
        try:
            random_multinomial(bitgen, ops, hits, p, n, &cache)
        finally:
            release_lock(unlock)
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

    Revoking changes nothing these draws read, so they can be made before the revocations. The weights are
    0 or 1, so their cumulative sums are whole numbers, exact in a double: they are summed once, and a
    revocation takes one off the sums from the revoked company on, which gives the same sums as summing
    again."""
    cdef dict N = columns(nets), S = columns(shells)
    cdef str what = "licence_inspections"
    cdef Py_ssize_t s, m = rows_of(S["alive"], what), n = rows_of(N["security"], what), done, picked
    cdef const cnp.npy_bool* alive = read_bool(S["alive"], m, what)
    cdef const cnp.npy_bool* offshore = read_bool(S["offshore"], m, what)
    cdef const int64_t* owner = read_i64(S["net"], m, what)
    cdef const double* opacity = read_f64(S["opacity"], m, what)
    cdef const double* security = read_f64(N["security"], n, what)
    cdef double prob, share, u
    _check_slots(what, owner, m, n)
    revoked = []
    cdef _Buffers buf = _Buffers(1)
    cdef double* sums = buf.get(0, m)  # of the weights: 1 for a live domestic company, else 0
    cdef double total = 0.0
    for s in range(m):
        total += <double> (alive[s] and not offshore[s])
        sums[s] = total
    cdef bitgen_t* bitgen = generator_bits(rng)
    unlock = generator_lock(rng)
    try:
        for done in range(ops):
            picked = cumulative_search(bitgen, sums, m) if m else -1
            if picked < 0:
                return done, revoked
            prob = success_max * (1.0 - protection * security[owner[picked]])
            share = 2.0 / opacity[picked]
            u = bitgen.next_double(bitgen.state)
            if u < prob * (share if share < 1.0 else 1.0):
                revoked.append(picked)
                for s in range(picked, m):  # its weight is now 0
                    sums[s] -= 1.0
    finally:
        release_lock(unlock)
    return ops, revoked


# --- the weekly reporters' reductions (sim.observe) -------------------------------------------------------


def count_where(mask, other=None):
    """``np.count_nonzero(mask)``, or with ``other``, ``np.count_nonzero(mask & other)``, as an int."""
    cdef Py_ssize_t i, n = rows_of(mask, "count_where"), count = 0
    cdef const cnp.npy_bool* a = read_bool(mask, n, "count_where")
    cdef const cnp.npy_bool* b = NULL if other is None else read_bool(other, n, "count_where")
    if b == NULL:  # counted without branches, which a mix of live and dead rows would mispredict
        for i in range(n):
            count += a[i] != 0
    else:
        for i in range(n):
            count += (a[i] != 0) & (b[i] != 0)
    return count


def count_at_least(mask, values, int64_t threshold):
    """``np.count_nonzero(mask & (values >= threshold))`` for an int64 column ``values``, as an int."""
    cdef Py_ssize_t i, n = rows_of(mask, "count_at_least"), count = 0
    cdef const cnp.npy_bool* a = read_bool(mask, n, "count_at_least")
    cdef const int64_t* v = read_i64(values, n, "count_at_least")
    for i in range(n):
        if a[i] and v[i] >= threshold:
            count += 1
    return count


def rows_at_least(mask, values, int64_t threshold):
    """``np.flatnonzero(mask & (values >= threshold))`` for an int64 column ``values``, as a list of ints."""
    cdef Py_ssize_t i, n = rows_of(mask, "rows_at_least")
    cdef const cnp.npy_bool* a = read_bool(mask, n, "rows_at_least")
    cdef const int64_t* v = read_i64(values, n, "rows_at_least")
    return [i for i in range(n) if a[i] and v[i] >= threshold]


def rows_with_counts(first, second, third):
    """``[(i, first[i], second[i], third[i]) for i in np.flatnonzero(first + second + third)]`` for three
    int64 columns of one length whose entries are >= 0 (the week's new members per network, by role),
    as Python ints; ``ValueError`` for a negative count or columns of different lengths."""
    cdef str what = "rows_with_counts"
    cdef Py_ssize_t i, n = rows_of(first, what)
    cdef const int64_t* a = read_i64(first, n, what)
    cdef const int64_t* b = read_i64(second, n, what)
    cdef const int64_t* c = read_i64(third, n, what)
    rows = []
    for i in range(n):
        if a[i] < 0 or b[i] < 0 or c[i] < 0:
            raise ValueError(f"{what}: row {i} has a negative count ({a[i]}, {b[i]}, {c[i]})")
        if a[i] or b[i] or c[i]:
            rows.append((i, a[i], b[i], c[i]))
    return rows


def owners(counts):
    """``np.repeat(np.arange(len(counts)), counts)`` for an int64 column of counts: each row's number
    ``counts[i]`` times, in order (the networks that new recruiters or companies serve); ``ValueError``
    for a negative count, as numpy's."""
    cdef str what = "owners"
    cdef Py_ssize_t i, total = 0, k = 0, n = rows_of(counts, what)
    cdef const int64_t* c = read_i64(counts, n, what)
    cdef int64_t j
    for i in range(n):
        if c[i] < 0:
            raise ValueError("repeats may not contain negative values.")
        total += c[i]
    out = new_array(total, cnp.NPY_INT64, False)
    cdef int64_t* o = write_i64(out, total, what)
    for i in range(n):
        for j in range(c[i]):
            o[k] = i
            k += 1
    return out


def count_at(mask, slots):
    """``np.count_nonzero(mask[slots])`` for int64 ``slots``, as an int; ``IndexError`` for a slot that is
    not a row of ``mask`` (a negative one included)."""
    cdef Py_ssize_t i, n = rows_of(mask, "count_at"), k = rows_of(slots, "count_at"), count = 0
    cdef const cnp.npy_bool* a = read_bool(mask, n, "count_at")
    cdef const int64_t* at = read_i64(slots, k, "count_at") if k else NULL
    for i in range(k):
        if not 0 <= at[i] < n:
            raise IndexError(f"count_at: slot {at[i]} is not one of the {n} rows")
        if a[at[i]]:
            count += 1
    return count


cdef object _selected_total(object values, const cnp.npy_bool* selected, Py_ssize_t n, str what):
    """``values[selected].sum()`` for an int64 or float64 column of ``n`` rows: an int (added with int64's
    wrap-around, as numpy adds) or a float (numpy's pairwise sum of the selected values)."""
    cdef Py_ssize_t i, k = 0
    cdef const int64_t* ints
    cdef const double* floats
    cdef uint64_t total = 0
    cdef double* chosen
    if cnp.PyArray_TYPE(<cnp.ndarray> values) != cnp.NPY_DOUBLE:
        ints = read_i64(values, n, what)
        for i in range(n):
            if selected[i]:
                total += <uint64_t> ints[i]
        return <int64_t> total
    floats = read_f64(values, n, what)
    chosen = <double*> PyMem_Malloc((n + 1) * sizeof(double))
    if chosen == NULL:
        raise MemoryError()
    try:
        for i in range(n):
            if selected[i]:
                chosen[k] = floats[i]
                k += 1
        return numpy_sum(chosen, k)
    finally:
        PyMem_Free(chosen)


def sum_where(values, mask):
    """``values[mask].sum()`` for an int64 or float64 column and a bool mask: an int (added with int64's
    wrap-around, as numpy adds) or a float (numpy's pairwise sum of the selected values)."""
    cdef Py_ssize_t n = rows_of(values, "sum_where")
    return _selected_total(values, read_bool(mask, n, "sum_where"), n, "sum_where")


def mean_where(values, mask):
    """``values[mask]``'s sum (numpy's pairwise sum of a float64 column, or the count of a bool column)
    over its length, as a float; 0.0 when the mask selects nothing."""
    cdef Py_ssize_t i, n = rows_of(values, "mean_where"), count = 0, hits = 0
    cdef const cnp.npy_bool* selected = read_bool(mask, n, "mean_where")
    cdef const cnp.npy_bool* flags
    for i in range(n):
        count += selected[i] != 0
    if count == 0:
        return 0.0
    if cnp.PyArray_TYPE(<cnp.ndarray> values) == cnp.NPY_BOOL:
        flags = read_bool(values, n, "mean_where")
        for i in range(n):
            hits += selected[i] and flags[i]
        return <double> hits / <double> count
    return _selected_total(values, selected, n, "mean_where") / <double> count


# --- forensics: companies revealed by seized devices (sim.agents.actions.forensics) --------------------


cdef inline uint64_t _gen_mask(uint64_t max_val) noexcept nogil:
    """numpy's ``_gen_mask``: the smallest mask of low bits that covers ``max_val``."""
    cdef uint64_t mask = max_val
    mask |= mask >> 1
    mask |= mask >> 2
    mask |= mask >> 4
    mask |= mask >> 8
    mask |= mask >> 16
    mask |= mask >> 32
    return mask


def reveal_companies(object rng, shells, int64_t owner, int64_t leads, double share):
    """Companies of network ``owner`` revealed by ``leads`` leads, each with chance ``share``; returns how
    many. In numpy::

        hidden = (alive & ~known & (net == owner)).nonzero()[0]
        if len(hidden):
            k = min(len(hidden), int(rng.binomial(leads, share)))
            known[rng.choice(hidden, k, replace=False)] = True

    ``Generator.choice`` without replacement of ``k`` of up to 10,000 items is Floyd's algorithm on a
    hash set of ``1 + _gen_mask(int(1.2 k))`` slots, one ``random_bounded_uint64`` per item, then a
    shuffle of the ``k`` picks (numpy's ``_shuffle_int``); both are made here as numpy makes them. More
    than 10,000 hidden companies of one network are refused (numpy shuffles a tail instead)."""
    cdef dict S = columns(shells)
    cdef str what = "reveal_companies"
    cdef Py_ssize_t s, m = rows_of(S["alive"], what), pop = 0, k, j, i
    cdef const cnp.npy_bool* alive = read_bool(S["alive"], m, what)
    cdef cnp.npy_bool* known = write_bool(S["known"], m, what)
    cdef const int64_t* net = read_i64(S["net"], m, what)
    cdef uint64_t mask, val, loc, set_size, EMPTY = <uint64_t> -1
    cdef int64_t temp
    if leads < 0:
        raise ValueError(f"reveal_companies: leads must be >= 0, got {leads}")
    check_probability(share, "reveal_companies")
    cdef _Buffers buf = _Buffers(3)
    cdef int64_t* hidden = <int64_t*> buf.get(0, m)  # an int64 is as wide as a double
    for s in range(m):
        if alive[s] and not known[s] and net[s] == owner:
            hidden[pop] = s
            pop += 1
    if pop == 0:
        return 0
    if pop > 10000:
        raise ValueError(f"reveal_companies: {pop} hidden companies, more than numpy's Floyd's algorithm takes")
    cdef binomial_t cache
    memset(&cache, 0, sizeof(binomial_t))
    cdef bitgen_t* bitgen = generator_bits(rng)
    unlock = generator_lock(rng)
    try:
        k = random_binomial(bitgen, share, leads, &cache)
    finally:
        release_lock(unlock)
    k = k if k < pop else pop
    mask = _gen_mask(<uint64_t> (1.2 * k))
    set_size = 1 + mask
    cdef uint64_t* hash_set = <uint64_t*> buf.get(1, set_size)
    cdef int64_t* idx = <int64_t*> buf.get(2, k)
    for i in range(<Py_ssize_t> set_size):
        hash_set[i] = EMPTY
    unlock = generator_lock(rng)
    try:
        for j in range(pop - k, pop):
            val = random_bounded_uint64(bitgen, 0, j, 0, 0)
            loc = val & mask
            while hash_set[loc] != EMPTY and hash_set[loc] != val:
                loc = (loc + 1) & mask
            if hash_set[loc] == EMPTY:  # val is new
                hash_set[loc] = val
                idx[j - pop + k] = <int64_t> val
            else:  # val was picked before: j is new
                loc = j & mask
                while hash_set[loc] != EMPTY:
                    loc = (loc + 1) & mask
                hash_set[loc] = j
                idx[j - pop + k] = j
        for i in range(k - 1, 0, -1):  # _shuffle_int(k, first=1)
            j = random_bounded_uint64(bitgen, 0, i, 0, 0)
            temp = idx[j]
            idx[j] = idx[i]
            idx[i] = temp
    finally:
        release_lock(unlock)
    for i in range(k):
        known[hidden[idx[i]]] = True
    return k


def reorganising(object rng, nets, double rate):
    """The live, fragmented networks that reorganise this week, each at ``rate``: the slots where
    ``alive & fragmented & (rng.random(len(nets)) < rate)`` (one uniform per network slot)."""
    cdef dict N = columns(nets)
    cdef str what = "reorganising"
    cdef Py_ssize_t i, n = rows_of(N["alive"], what)
    cdef const cnp.npy_bool* alive = read_bool(N["alive"], n, what)
    cdef const cnp.npy_bool* fragmented = read_bool(N["fragmented"], n, what)
    cdef bitgen_t* bitgen = generator_bits(rng)
    cdef double u
    due = []
    unlock = generator_lock(rng)
    try:
        for i in range(n):
            u = bitgen.next_double(bitgen.state)  # drawn for every slot
            if alive[i] and fragmented[i] and u < rate:
                due.append(i)
    finally:
        release_lock(unlock)
    return due

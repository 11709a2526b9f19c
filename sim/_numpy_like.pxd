# cython: language_level=3
"""numpy's arithmetic and random-number plumbing in C, shared by the compiled kernels (``sim/_kernels.pyx``,
``sim/_weekly.pyx``): inline functions, compiled into each module that cimports them."""

from cpython.pycapsule cimport PyCapsule_GetPointer
from libc.math cimport sqrt
from libc.stdint cimport INT64_MAX
from numpy.random cimport bitgen_t


cdef inline bitgen_t* bitgen_of(object rng) except NULL:
    """The C bit generator of a numpy ``Generator`` (draw from it only while holding its lock)."""
    return <bitgen_t*> PyCapsule_GetPointer(rng.bit_generator.capsule, "BitGenerator")


cdef inline double poisson_lam_max() noexcept nogil:
    """numpy's largest Poisson mean (``Generator.poisson`` refuses larger ones: its sampler would overflow):
    ``np.iinfo(np.int64).max - np.sqrt(np.iinfo(np.int64).max) * 10``, the same operations in C."""
    return <double> INT64_MAX - sqrt(<double> INT64_MAX) * 10.0


cdef inline int check_probability(double p, str what) except -1:
    """``ValueError`` for a probability outside [0, 1] or NaN, on which numpy's sampler would never return."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"{what}: p must be in [0, 1], got {p}")
    return 0


cdef inline int check_mean(double mean, str what) except -1:
    """``ValueError`` for a Poisson mean that is negative, NaN (numpy's sampler would never return) or too
    large."""
    if not 0.0 <= mean <= poisson_lam_max():
        raise ValueError(f"{what}: Poisson means must be in [0, {poisson_lam_max():g}], got {mean}")
    return 0


cdef inline double pairwise_sum(const double* a, Py_ssize_t n) noexcept nogil:
    """numpy's pairwise summation of a contiguous float64 array (``DOUBLE_pairwise_sum`` in
    ``loops_utils.h.src``): a plain loop below 8 terms, eight accumulators up to 128, halves (cut at a
    multiple of 8) above."""
    cdef Py_ssize_t i, n2
    cdef double res, r0, r1, r2, r3, r4, r5, r6, r7
    if n < 8:
        res = 0.0
        for i in range(n):
            res += a[i]
        return res
    if n <= 128:
        r0, r1, r2, r3, r4, r5, r6, r7 = a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]
        i = 8
        while i < n - (n % 8):
            r0 += a[i]
            r1 += a[i + 1]
            r2 += a[i + 2]
            r3 += a[i + 3]
            r4 += a[i + 4]
            r5 += a[i + 5]
            r6 += a[i + 6]
            r7 += a[i + 7]
            i += 8
        res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
        while i < n:
            res += a[i]
            i += 1
        return res
    n2 = n // 2
    n2 -= n2 % 8
    return pairwise_sum(a, n2) + pairwise_sum(a + n2, n - n2)


cdef inline double numpy_sum(const double* a, Py_ssize_t n) noexcept nogil:
    """``a.sum()`` of a contiguous float64 array as numpy's reduction computes it: the identity 0.0 plus the
    pairwise sum of all terms."""
    return 0.0 + pairwise_sum(a, n)


cdef inline bint _before(double a, double b) noexcept nogil:
    """numpy's sort order for floats: ``a < b``, with NaN after every number."""
    return a < b or (b != b and a == a)


cdef inline Py_ssize_t cumulative_pick(object rng, const double* weights, Py_ssize_t n, double* sums) except -2:
    """``min(int(c.searchsorted(rng.random() * c[-1], side="right")), n - 1)`` with ``c = weights.cumsum()``
    for ``n`` > 0 weights >= 0 (NaN and inf allowed), or -1 without a draw if their total is not positive;
    ``ValueError`` for a negative weight. ``sums`` is scratch space for ``n`` doubles. (``sim._kernels.pick``
    says why any correct search finds numpy's index.)"""
    cdef Py_ssize_t i, low = 0, high = n, mid
    cdef double key
    cdef bitgen_t* bitgen
    for i in range(n):
        if weights[i] < 0:
            raise ValueError(f"pick: weights must be >= 0, got {weights[i]}")
    sums[0] = weights[0]
    for i in range(1, n):
        sums[i] = sums[i - 1] + weights[i]
    if sums[n - 1] <= 0:
        return -1
    bitgen = bitgen_of(rng)
    with rng.bit_generator.lock:
        key = bitgen.next_double(bitgen.state) * sums[n - 1]
    while low < high:
        mid = low + ((high - low) >> 1)
        if _before(key, sums[mid]):
            high = mid
        else:
            low = mid + 1
    return min(low, n - 1)

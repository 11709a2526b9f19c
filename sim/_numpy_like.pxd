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

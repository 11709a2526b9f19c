# cython: language_level=3
"""numpy's arithmetic and random-number plumbing in C, shared by the compiled kernels (``sim/_kernels.pyx``,
``sim/_weekly.pyx``): inline functions, compiled into each module that cimports them."""

cimport numpy as cnp
from cpython.pycapsule cimport PyCapsule_GetPointer
from libc.math cimport sqrt
from libc.stdint cimport INT64_MAX, int64_t
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


cdef inline Py_ssize_t cumulative_pick(bitgen_t* bitgen, const double* weights, Py_ssize_t n,
                                      double* sums) except -2:
    """``min(int(c.searchsorted(rng.random() * c[-1], side="right")), n - 1)`` with ``c = weights.cumsum()``
    for ``n`` > 0 weights >= 0 (NaN and inf allowed), or -1 without a draw if their total is not positive;
    ``ValueError`` for a negative weight. ``bitgen`` is the generator's (whose lock the caller holds) and
    ``sums`` scratch space for ``n`` doubles. (``sim._kernels.pick`` says why any correct search finds
    numpy's index.)"""
    cdef Py_ssize_t i
    for i in range(n):
        if weights[i] < 0:
            raise ValueError(f"pick: weights must be >= 0, got {weights[i]}")
    sums[0] = weights[0]
    for i in range(1, n):
        sums[i] = sums[i - 1] + weights[i]
    return cumulative_search(bitgen, sums, n)


cdef inline Py_ssize_t cumulative_search(bitgen_t* bitgen, const double* sums, Py_ssize_t n) noexcept:
    """:func:`cumulative_pick` given the cumulative sums ``sums`` of its ``n`` > 0 weights: -1 without a
    draw if their total ``sums[n - 1]`` is not positive, else the index of one uniform draw times the total
    (the caller holds the generator's lock)."""
    cdef Py_ssize_t low = 0, high = n, mid
    cdef double key
    if sums[n - 1] <= 0:
        return -1
    key = bitgen.next_double(bitgen.state) * sums[n - 1]
    while low < high:
        mid = low + ((high - low) >> 1)
        if _before(key, sums[mid]):
            high = mid
        else:
            low = mid + 1
    return min(low, n - 1)


cdef inline Py_ssize_t member_row(object member, Py_ssize_t rows) except -1:
    """``member`` (a member's slot, an int) as a row of the members' table of ``rows`` rows; ``IndexError``
    for one that is not."""
    cdef Py_ssize_t m = member
    if m < 0 or m >= rows:
        raise IndexError(f"member {m} is not a row of the members' table ({rows} rows)")
    return m


# --- columns: numpy arrays read and written through their data pointers ----------------------------------
# Typed memoryviews check an array's format on every call, which costs about 0.3 microseconds a column;
# these check the same (what the loops rely on: 1-D, C-contiguous, aligned, native byte order, the dtype,
# the length, writable where written) through numpy's C API, for a fraction of that.


cdef extern from "Python.h":
    object PyObject_GenericGetDict(object obj, void* context)


cdef inline dict columns(object table):
    """The columns of ``table`` (a :class:`sim.state.Table`, whose column attributes live in its instance
    dictionary) by name: the kernels read that dictionary once and each column from it. An attribute read
    from compiled code goes through Python's generic look-up (the type's attributes searched first, then
    the instance's), about 500 machine instructions, against about 100 for a dictionary item, and the
    weekly kernels read some 50,000 columns a run (callgrind, 2026-11-30)."""
    return PyObject_GenericGetDict(table, NULL)


cdef inline void* column(object array, int typenum, Py_ssize_t rows, str what, bint writable) except? NULL:
    """The data of ``array``, checked to be a 1-D, C-contiguous, aligned numpy array of ``typenum`` in the
    machine's byte order with ``rows`` entries (any number if ``rows`` < 0), writable if ``writable``."""
    cdef cnp.ndarray a
    if not cnp.PyArray_Check(array):
        raise TypeError(f"{what}: expected a numpy array, got {type(array).__name__}")
    a = <cnp.ndarray> array
    if (cnp.PyArray_NDIM(a) != 1 or not cnp.PyArray_EquivTypenums(cnp.PyArray_TYPE(a), typenum)
            or not cnp.PyArray_ISCARRAY_RO(a)):
        raise ValueError(
            f"{what}: expected a contiguous 1-D array of {cnp.PyArray_DescrFromType(typenum)}, "
            f"got {array.dtype} with shape {array.shape}"
        )
    if rows >= 0 and cnp.PyArray_DIM(a, 0) != rows:
        raise ValueError(f"{what}: a column has {cnp.PyArray_DIM(a, 0)} rows where its table has {rows}")
    if writable and not cnp.PyArray_ISWRITEABLE(a):
        raise ValueError(f"{what}: a column it writes is read-only")
    return cnp.PyArray_DATA(a)


cdef inline const double* read_f64(object array, Py_ssize_t rows, str what) except? NULL:
    return <const double*> column(array, cnp.NPY_DOUBLE, rows, what, False)


cdef inline double* write_f64(object array, Py_ssize_t rows, str what) except? NULL:
    return <double*> column(array, cnp.NPY_DOUBLE, rows, what, True)


cdef inline const int64_t* read_i64(object array, Py_ssize_t rows, str what) except? NULL:
    return <const int64_t*> column(array, cnp.NPY_INT64, rows, what, False)


cdef inline int64_t* write_i64(object array, Py_ssize_t rows, str what) except? NULL:
    return <int64_t*> column(array, cnp.NPY_INT64, rows, what, True)


cdef inline const cnp.npy_bool* read_bool(object array, Py_ssize_t rows, str what) except? NULL:
    return <const cnp.npy_bool*> column(array, cnp.NPY_BOOL, rows, what, False)


cdef inline cnp.npy_bool* write_bool(object array, Py_ssize_t rows, str what) except? NULL:
    return <cnp.npy_bool*> column(array, cnp.NPY_BOOL, rows, what, True)


cdef inline Py_ssize_t rows_of(object array, str what) except -1:
    """The length of a 1-D numpy array (``TypeError`` for anything else)."""
    if not cnp.PyArray_Check(array) or cnp.PyArray_NDIM(<cnp.ndarray> array) != 1:
        raise TypeError(f"{what}: expected a 1-D numpy array, got {type(array).__name__}")
    return cnp.PyArray_DIM(<cnp.ndarray> array, 0)


cdef inline cnp.ndarray new_array(Py_ssize_t n, int typenum, bint zeroed):
    """A new 1-D array of ``n`` entries of ``typenum``, zeroed if ``zeroed`` (``np.zeros``/``np.empty``)."""
    cdef cnp.npy_intp dims = n
    if zeroed:
        return <cnp.ndarray> cnp.PyArray_ZEROS(1, &dims, typenum, 0)
    return <cnp.ndarray> cnp.PyArray_EMPTY(1, &dims, typenum, 0)

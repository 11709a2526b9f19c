# cython: language_level=3, boundscheck=False, wraparound=False
"""The compiled part of :class:`sim.state.Table`: appending rows, and pointing the column attributes at
the live rows of their buffers.

``Table.add`` runs for every new member, recruiter, company and network, about 1,500 times a run. Written
in Python it cost about 6 microseconds, most of it numpy's fixed cost per call on arrays of a few rows: a
slice to expose each column, a slice assignment for each value. These functions do the same work in C:

- a column is exposed as a new 1-D array on its buffer's data, of the buffer's type and with the buffer as
  its base (what ``buffer[:size]`` makes, without parsing an index);
- a value that is a Python ``float`` for a float64 column, a Python ``int`` within int64's range for an
  int64 column, a Python ``bool`` for a bool column, a list of one of these with one item per new row
  (the roles of new members), or an array of exactly the column's type with one
  entry per new row (1-D, contiguous, aligned, native byte order), is copied as it is, which is what
  numpy's assignment stores for it;
- any other value goes through numpy's own assignment (``buffer[start:end] = value``), with its casting,
  broadcasting and errors.

``tests/unit/test_state.py`` checks the results against numpy's assignment for each kind of value.
"""

import numpy as np

cimport numpy as cnp
from cpython.long cimport PyLong_AsLongLongAndOverflow
from libc.stdint cimport int64_t
from libc.string cimport memcpy, memmove, memset

from sim._numpy_like cimport new_array

cnp.import_array()


def add(table, Py_ssize_t n, dict values):
    """:meth:`sim.state.Table.add`: append ``n`` rows to ``table`` with ``values`` by column name (columns
    not given are zero), and return their slot numbers as an int64 array. ``KeyError`` for a name that is
    not a column and ``ValueError`` for a negative ``n``, before anything is written; if a value cannot be
    written (numpy's error), the rows are zeroed again and the table keeps its length."""
    cdef dict attributes = table.__dict__  # the table's own state is read from it, not attribute by attribute
    cdef frozenset names = attributes["_names"]
    cdef Py_ssize_t i, start = attributes["_size"], end
    for name in values:
        if name not in names:
            raise KeyError(f"unknown columns: {sorted(set(values) - names)}")
    if n < 0:
        raise ValueError(f"add: the number of rows must be >= 0, got {n}")
    end = start + n
    _reserve(attributes, end)
    cdef dict buffers = attributes["_buffers"]
    try:
        for name, value in values.items():
            _write(buffers[name], start, n, value)
    except BaseException:
        _clear(buffers, start, end)
        raise
    attributes["_size"] = end
    _expose(attributes, buffers, end)
    slots = new_array(n, cnp.NPY_INT64, False)
    cdef int64_t* out = <int64_t*> cnp.PyArray_DATA(slots)
    for i in range(n):
        out[i] = start + i
    return slots


cdef int _reserve(dict attributes, Py_ssize_t rows) except -1:
    """Copy the columns of a table (its ``attributes``) that were replaced whole back into their buffers,
    then grow every buffer (doubling its capacity) to hold ``rows`` rows."""
    cdef dict buffers = attributes["_buffers"]
    cdef Py_ssize_t size = attributes["_size"], capacity = attributes["_capacity"]
    for name, buffer in buffers.items():
        column = attributes[name]
        if not _is_live_rows(column, <cnp.ndarray> buffer, size):
            buffer[:size] = column
    if rows <= capacity:
        return 0
    while capacity < rows:
        capacity *= 2
    for name, buffer in list(buffers.items()):
        grown = np.zeros(capacity, dtype=buffer.dtype)
        grown[:size] = buffer[:size]
        buffers[name] = grown
    attributes["_capacity"] = capacity
    _expose(attributes, buffers, size)
    return 0


cdef bint _is_live_rows(object column, cnp.ndarray buffer, Py_ssize_t size):
    """``column`` is the first ``size`` rows of ``buffer`` in place (an array of the buffer's type on the
    same memory, with the same length and step): what :func:`expose` made, or another view of exactly those
    rows, whose values are then already in the buffer. A column replaced whole is anything else."""
    if not cnp.PyArray_CheckExact(column):
        return False
    cdef cnp.ndarray array = <cnp.ndarray> column
    return (
        cnp.PyArray_DATA(array) == cnp.PyArray_DATA(buffer) and cnp.PyArray_NDIM(array) == 1
        and cnp.PyArray_DIM(array, 0) == size and cnp.PyArray_STRIDE(array, 0) == cnp.PyArray_ITEMSIZE(buffer)
        and cnp.PyArray_EquivTypenums(cnp.PyArray_TYPE(array), cnp.PyArray_TYPE(buffer))
        and cnp.PyArray_ISNOTSWAPPED(array)
    )


def expose(table):
    """:meth:`sim.state.Table._expose`: point every column attribute at the first ``len(table)`` rows of its
    buffer."""
    cdef dict attributes = table.__dict__
    _expose(attributes, attributes["_buffers"], attributes["_size"])


cdef int _expose(dict attributes, dict buffers, cnp.npy_intp size) except -1:
    """Set each column's attribute (in the table's ``attributes``) to a new array on the first ``size`` rows
    of its buffer (of the buffer's type, with the buffer as its base: what ``buffer[:size]`` makes)."""
    cdef cnp.ndarray array
    for name, buffer in buffers.items():
        array = <cnp.ndarray> buffer
        view = cnp.PyArray_SimpleNewFromData(1, &size, cnp.PyArray_TYPE(array), cnp.PyArray_DATA(array))
        cnp.set_array_base(<cnp.ndarray> view, array)
        attributes[name] = view
    return 0


cdef int _write(object buffer, Py_ssize_t start, Py_ssize_t n, object value) except -1:
    """Store ``value`` in rows ``start:start + n`` of ``buffer`` as numpy's ``buffer[start:start + n] =
    value`` stores it (copied directly for the kinds of value in the module's docstring)."""
    cdef cnp.ndarray array = <cnp.ndarray> buffer
    cdef int typenum = cnp.PyArray_TYPE(array)
    cdef char* data = <char*> cnp.PyArray_DATA(array)
    cdef Py_ssize_t i, itemsize = cnp.PyArray_ITEMSIZE(array)
    kind = type(value)
    if n > 0 and _store(data, typenum, start, value):  # one Python number, then copied to the other rows
        for i in range(start + 1, start + n):
            memcpy(data + i * itemsize, data + start * itemsize, itemsize)
        return 0
    if _copyable(value, array, n):
        memmove(data + start * itemsize, cnp.PyArray_DATA(<cnp.ndarray> value), n * itemsize)
        return 0
    if kind is list and len(<list> value) == n:
        for i in range(n):
            if not _store(data, typenum, start + i, (<list> value)[i]):
                break  # written by numpy below, all of it
        else:
            return 0
    buffer[start:start + n] = value
    return 0


cdef bint _store(char* data, int typenum, Py_ssize_t row, object value) except -1:
    """Store ``value`` at ``row`` and return True if it is a Python number of its column's kind: a
    ``float`` for float64, an ``int`` within int64's range for int64, a ``bool`` for bool (what numpy's
    assignment stores for it); otherwise store nothing and return False."""
    cdef int overflow = 0
    cdef long long whole
    kind = type(value)
    if kind is float and typenum == cnp.NPY_DOUBLE:
        (<double*> data)[row] = <double> value
        return True
    if kind is int and cnp.PyArray_EquivTypenums(typenum, cnp.NPY_INT64):
        whole = PyLong_AsLongLongAndOverflow(value, &overflow)
        if overflow:
            return False
        (<int64_t*> data)[row] = whole
        return True
    if kind is bool and typenum == cnp.NPY_BOOL:
        (<cnp.npy_bool*> data)[row] = value is True
        return True
    return False


cdef bint _copyable(object value, cnp.ndarray buffer, Py_ssize_t n):
    """``value`` is a numpy array of exactly the buffer's type (native byte order) with ``n`` entries in
    one contiguous, aligned row: its bytes are what numpy's assignment would store."""
    if type(value) is not np.ndarray:
        return False
    cdef cnp.ndarray array = <cnp.ndarray> value
    return (
        cnp.PyArray_NDIM(array) == 1 and cnp.PyArray_DIM(array, 0) == n and cnp.PyArray_ISCARRAY_RO(array)
        and cnp.PyArray_ISNOTSWAPPED(array)
        and cnp.PyArray_EquivTypenums(cnp.PyArray_TYPE(array), cnp.PyArray_TYPE(buffer))
    )


cdef void _clear(dict buffers, Py_ssize_t start, Py_ssize_t end):
    """Zero rows ``start:end`` of every buffer again (rows past the end are zero until added)."""
    cdef cnp.ndarray array
    cdef Py_ssize_t itemsize
    for buffer in buffers.values():
        array = <cnp.ndarray> buffer
        itemsize = cnp.PyArray_ITEMSIZE(array)
        if end > start:
            memset(<char*> cnp.PyArray_DATA(array) + start * itemsize, 0, (end - start) * itemsize)

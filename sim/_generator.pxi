# The random generator's C bit generator and lock, as the kernels use them (included, not imported, by
# sim/_kernels.pyx and sim/_weekly.pyx: each module keeps its own copy of this cache).
#
# numpy's samplers draw while holding the generator's lock; ``with rng.bit_generator.lock:`` and
# ``bitgen_of(rng)`` cost about 2,000 machine instructions a call between them (four attribute reads, a
# capsule, the context manager's protocol), more than most single draws. A ``Generator`` keeps its bit
# generator, and the bit generator its lock, for life, so the last generator's bit generator and the
# lock's ``acquire`` and ``release`` are kept and reused while the same generator comes back (checked by
# identity; the cache holds a reference, so the object cannot be replaced by another at the same address).

from cpython.pystate cimport (
    PyInterpreterState, PyInterpreterState_ThreadHead, PyThreadState, PyThreadState_Next,
)


cdef extern from "Python.h":
    PyInterpreterState* PyInterpreterState_Get()


cdef object _last_rng = None
cdef bitgen_t* _last_bits = NULL
cdef object _last_acquire = None
cdef object _last_release = None
cdef inline int _remember(object rng) except -1:
    """Make ``rng`` (a numpy ``Generator``) the cached generator, if it is not already."""
    global _last_rng, _last_bits, _last_acquire, _last_release
    if rng is not _last_rng:
        lock = rng.bit_generator.lock
        bits = bitgen_of(rng)
        _last_acquire, _last_release = lock.acquire, lock.release
        _last_bits = bits
        _last_rng = rng
    return 0


cdef inline bitgen_t* generator_bits(object rng) except NULL:
    """``bitgen_of(rng)``: the C bit generator of ``rng`` (draw from it only while holding its lock)."""
    _remember(rng)
    return _last_bits


cdef object _unshared = None  # a generator no other thread can reach (see set_unshared)


def set_unshared(object rng, bint unshared):
    """Declare the numpy ``Generator`` ``rng`` reachable from no other thread (``unshared`` True), so that
    :func:`generator_lock` draws from it without its lock even when other threads exist, or end that
    (``unshared`` False; only if ``rng`` is still the one declared). One generator at a time: declaring
    another ends the first one's exemption, which is safe (its draws take the lock again). For a
    generator created and used inside one call, such as a run's own (``sim.run``)."""
    global _unshared
    if unshared:
        _unshared = rng
    elif _unshared is rng:
        _unshared = None


def unshared():
    """The generator declared by :func:`set_unshared`, or None."""
    return _unshared


cdef inline bint _alone() noexcept:
    """This interpreter has no Python thread but the caller's (its list of thread states has one entry)."""
    cdef PyThreadState* first = PyInterpreterState_ThreadHead(PyInterpreterState_Get())
    return first != NULL and PyThreadState_Next(first) == NULL


def single_threaded():
    """Whether the process has no Python thread but this one, so that the kernels draw from any generator
    without taking its lock (see :func:`generator_lock`; an unshared one is drawn without it anyway)."""
    return _alone()


cdef inline object generator_lock(object rng):
    """Acquire the lock of ``rng``'s bit generator and return the function that releases it (pass it to
    :func:`release_lock` in a ``finally``): ``with rng.bit_generator.lock:`` without the context manager's
    protocol. When the interpreter has no other Python thread, or ``rng`` is declared unshared
    (:func:`set_unshared`), no lock is taken and None is returned.

    numpy holds the lock while it draws so that threads sharing a generator take turns; it matters only
    when another thread could draw at the same time, and the kernels keep the GIL from the lock to its
    release, so with no other thread nobody can. Taking it costs more than most single draws: ``acquire``
    parses its optional arguments on every call (about 1,400 machine instructions with the release,
    against about 50 for counting the threads), and the kernels take it some 21,000 times a run. A worker
    of a process pool is single-threaded; in a Dask worker, a Jupyter kernel or a test runner with
    threads, a run's own generator is declared unshared, and any other generator takes the lock, with the
    same draws either way."""
    _remember(rng)
    if rng is _unshared or _alone():
        return None
    acquire, release = _last_acquire, _last_release  # this generator's, whatever another thread caches next
    acquire()
    return release


cdef inline int release_lock(object release) except -1:
    """Release what :func:`generator_lock` acquired (nothing if it returned None)."""
    if release is not None:
        release()
    return 0

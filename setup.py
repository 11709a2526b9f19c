"""Build of the compiled modules (the kernels ``sim/_kernels.pyx`` and ``sim/_weekly.pyx``, and the tables'
appending ``sim/_tables.pyx``); the rest: ``pyproject.toml``.

The kernels call numpy's random-number routines in C, so they link numpy's static ``npyrandom`` library
from the numpy they are built with. The Makefile builds them without build isolation, against the pinned
numpy of ``constraints.txt`` that the runs then use, so the routines are the ones ``Generator`` calls.
"""

from pathlib import Path

import numpy as np
from Cython.Build import cythonize
from setuptools import Extension, setup

NUMPY_RANDOM_LIB = Path(np.random.__file__).parent / "lib"


def kernel_module(name: str) -> Extension:
    """One compiled module of ``sim``. ``-ffp-contract=off``: the compiler must not fuse a multiplication
    and an addition into one instruction (as it may where the processor has one, e.g. on ARM), since the
    kernels must round after each operation, as numpy and Python do."""
    return Extension(
        f"sim.{name}",
        [f"sim/{name}.pyx"],
        include_dirs=[np.get_include()],
        library_dirs=[str(NUMPY_RANDOM_LIB)],
        libraries=["npyrandom"],
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
        extra_compile_args=["-ffp-contract=off"],
    )


# The generated C files go to build/ (git-ignored), not beside the sources in sim/.
modules = [kernel_module("_kernels"), kernel_module("_weekly"), kernel_module("_tables")]
setup(ext_modules=cythonize(modules, build_dir="build", language_level=3, quiet=True))

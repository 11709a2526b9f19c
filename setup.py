"""Build of the compiled kernels (``sim/_kernels.pyx``); everything else is in ``pyproject.toml``.

The kernels call numpy's random-number routines in C, so they link numpy's static ``npyrandom`` library
from the numpy they are built with. The Makefile builds them without build isolation, against the pinned
numpy of ``constraints.txt`` that the runs then use, so the routines are the ones ``Generator`` calls.
"""

from pathlib import Path

import numpy as np
from Cython.Build import cythonize
from setuptools import Extension, setup

NUMPY_RANDOM_LIB = Path(np.random.__file__).parent / "lib"

kernels = Extension(
    "sim._kernels",
    ["sim/_kernels.pyx"],
    include_dirs=[np.get_include()],
    library_dirs=[str(NUMPY_RANDOM_LIB)],
    libraries=["npyrandom"],
    define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
)

# The generated C file goes to build/ (git-ignored), not beside the sources in sim/.
setup(ext_modules=cythonize([kernels], build_dir="build", language_level=3, quiet=True))

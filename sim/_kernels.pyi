# Type stub of the compiled kernels (sim/_kernels.pyx).
from collections.abc import Mapping, Set

import numpy as np
from numpy.typing import NDArray

POISSON_LAM_MAX: float

def binomial(
    rng: np.random.Generator, counts: NDArray[np.int64], p: NDArray[np.float64]
) -> NDArray[np.int64]: ...
def poisson(rng: np.random.Generator, means: NDArray[np.float64]) -> NDArray[np.int64]: ...
def level_sizes(adj: Mapping[int, Set[int]]) -> list[tuple[int, ...]]: ...
def betweenness(adj: Mapping[int, Set[int]]) -> dict[int, float] | None: ...

# Type stub of the compiled kernels (sim/_kernels.pyx).
from collections.abc import Mapping, Set

import numpy as np
from numpy.typing import NDArray

POISSON_LAM_MAX: float

def binomial(
    rng: np.random.Generator, counts: NDArray[np.int64], p: NDArray[np.float64]
) -> NDArray[np.int64]: ...
def poisson(rng: np.random.Generator, means: NDArray[np.float64]) -> NDArray[np.int64]: ...
def uniform(rng: np.random.Generator) -> float: ...
def binomial_one(rng: np.random.Generator, n: int, p: float) -> int: ...
def poisson_one(rng: np.random.Generator, lam: float) -> int: ...
def pick(rng: np.random.Generator, weights: NDArray[np.float64]) -> int | None: ...
def choice(rng: np.random.Generator, weights: NDArray[np.float64]) -> int: ...
def level_sizes(adj: Mapping[int, Set[int]]) -> list[tuple[int, ...]]: ...
def efficiency(adj: Mapping[int, Set[int]]) -> float: ...
def connected(adj: Mapping[int, Set[int]]) -> bool: ...
def structure(adj: Mapping[int, Set[int]]) -> tuple[float, bool]: ...
def betweenness(adj: Mapping[int, Set[int]]) -> dict[int, float] | None: ...
def roles_in(adj: Mapping[int, Set[int]], role: NDArray[np.int64]) -> list[int]: ...
def known_in(adj: Mapping[int, Set[int]], known: NDArray[np.bool_]) -> list[int]: ...
def kingpin(
    adj: Mapping[int, Set[int]],
    role: NDArray[np.int64],
    known: NDArray[np.bool_],
    boss: int,
    manager: int,
    associate: int,
) -> int: ...
def brokers(
    adj: Mapping[int, Set[int]],
    role: NDArray[np.int64],
    known: NDArray[np.bool_],
    boss: int,
    skills: tuple[int, ...],
) -> list[int]: ...
def reveal(
    rng: np.random.Generator,
    adj: Mapping[int, Set[int]],
    role: NDArray[np.int64],
    known: NDArray[np.bool_],
    count: int,
    near_known: bool,
    visibility: float,
    boss: int,
    associate: int,
) -> int: ...
def components(adj: Mapping[int, Set[int]]) -> list[list[int]]: ...
def found_on_site(
    rng: np.random.Generator, adj: Mapping[int, Set[int]], roles: NDArray[np.int64], boss: int, share: float
) -> list[int]: ...
def tie_in(
    rng: np.random.Generator,
    adj: dict[int, set[int]],
    roles: NDArray[np.int64],
    members: list[int],
    member_roles: list[int],
    boss: int,
    manager: int,
    associate: int,
    manager_tie: float,
    boss_tie: float,
    facilitator_boss: float,
) -> None: ...

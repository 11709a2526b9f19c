# Type stub of the compiled weekly phases (sim/_weekly.pyx). Tables are sim.state.Table.
from collections.abc import Mapping, Set
from typing import Any

import numpy as np
from numpy.typing import NDArray

Ints = NDArray[np.int64]

def array_sum(a: NDArray[np.float64]) -> float: ...
def operate(
    nets: Any,
    week: int,
    n_home_zones: int,
    abroad_efficiency: float,
    no_it_revenue: float,
    security_cost: float,
    workers_per_website: float,
    revenue_per_worker: float,
    collection_fee: float,
) -> tuple[float, float]: ...
def launder(
    nets: Any,
    shells: Any,
    transfer_rate: float,
    release_rate: float,
    base_fee: float,
    layer_fee: float,
    cost_per_worker: float,
) -> tuple[float, float, float]: ...
def recruit(
    rng: np.random.Generator,
    nets: Any,
    recruiters: Any,
    shells: Any,
    week: int,
    lure: float,
    per_worker: float,
    exit_rate: float,
    unpaid_exit_rate: float,
    staff_per_1000: float,
    staff_rate: float,
) -> float: ...
def recruiter_turnover(
    rng: np.random.Generator,
    nets: Any,
    recruiters: Any,
    exit_rate: float,
    per_network: float,
    workers_mean: float,
    entry_rate: float,
) -> tuple[Ints, Ints]: ...
def rebuild(
    rng: np.random.Generator,
    nets: Any,
    shells: Any,
    workers_per_website: float,
    website_rate: float,
    no_it_rebuild: float,
    website_cost: float,
    shell_rate: float,
    shell_cost: float,
) -> Ints: ...
def recruiter_draws(
    rng: np.random.Generator, n: int, reach_mean: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]: ...
def shell_draws(
    rng: np.random.Generator, nets: Any, owners: Ints, base: float, oc_extra: float, offshore_share: float
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]: ...
def vacancy_draws(
    rng: np.random.Generator,
    nets: Any,
    members: Any,
    n_roles: int,
    manager: int,
    first_facilitator: int,
    last_facilitator: int,
    associate: int,
    manager_rate: float,
    facilitator_rate: float,
) -> tuple[Ints, Ints, Ints]: ...
def security_and_moves(
    rng: np.random.Generator,
    nets: Any,
    risk_k: float,
    n_home_zones: int,
    gain: float,
    decay: float,
    memory: float,
    threshold: float,
    move_prob: float,
    abroad_prob: float,
) -> tuple[Ints, NDArray[np.bool_]]: ...
def forget(rng: np.random.Generator, members: Any, decay: float) -> None: ...
def intelligence(nets: Any, members: Any) -> tuple[Ints, NDArray[np.float64]]: ...
def revenue_weights(
    nets: Any, n_home_zones: int, home: bool, known_count: Ints | None = None
) -> NDArray[np.float64]: ...
def success_odds(
    intels: NDArray[np.float64],
    securities: NDArray[np.float64],
    skill: float,
    success_max: float,
    intel_weight: float,
    skill_weight: float,
    protection: float,
) -> NDArray[np.float64]: ...
def record_structure(
    nets: Any,
    i: int,
    adj: Mapping[int, Set[int]],
    roles: NDArray[np.int64],
    efficiency: float,
    efficiency0: float,
    no_launderer_capacity: float,
    launderer: int,
    fixer: int,
    it: int,
) -> None: ...
def add_pressure(nets: Any, i: int, amount: float, spill: float) -> None: ...
def raid_losses(
    rng: np.random.Generator,
    nets: Any,
    i: int,
    leak_prob: float,
    find_share: float,
    staff_share: float,
    cash_share: float,
    websites_down: float,
) -> tuple[bool, int, int, float, int]: ...
def raid_weights(nets: Any, n_home_zones: int) -> NDArray[np.float64]: ...
def sharing_weights(nets: Any, n_home_zones: int) -> NDArray[np.float64]: ...
def recruiter_weights(recruiters: Any, week: int | None = None) -> NDArray[np.float64]: ...
def tracing_weights(shells: Any, intel: NDArray[np.float64], cold_factor: float) -> NDArray[np.float64]: ...
def offshore_weights(shells: Any, intel: NDArray[np.float64]) -> NDArray[np.float64]: ...
def website_takedowns(
    rng: np.random.Generator, nets: Any, ops: int, protection: float, n_home_zones: int
) -> int: ...
def licence_inspections(
    rng: np.random.Generator, shells: Any, nets: Any, ops: int, success_max: float, protection: float
) -> tuple[int, list[int]]: ...
def count_where(mask: NDArray[np.bool_], other: NDArray[np.bool_] | None = None) -> int: ...
def count_at_least(mask: NDArray[np.bool_], values: NDArray[np.int64], threshold: int) -> int: ...
def count_at(mask: NDArray[np.bool_], slots: NDArray[np.int64]) -> int: ...
def rows_at_least(mask: NDArray[np.bool_], values: NDArray[np.int64], threshold: int) -> list[int]: ...
def rows_with_counts(
    first: NDArray[np.int64], second: NDArray[np.int64], third: NDArray[np.int64]
) -> list[tuple[int, int, int, int]]: ...
def owners(counts: NDArray[np.int64]) -> NDArray[np.int64]: ...
def sum_where(values: NDArray[Any], mask: NDArray[np.bool_]) -> Any: ...
def mean_where(values: NDArray[Any], mask: NDArray[np.bool_]) -> float: ...
def reveal_companies(rng: np.random.Generator, shells: Any, owner: int, leads: int, share: float) -> int: ...
def reorganising(rng: np.random.Generator, nets: Any, rate: float) -> list[int]: ...
def set_unshared(rng: np.random.Generator, unshared: bool) -> None: ...
def unshared() -> np.random.Generator | None: ...

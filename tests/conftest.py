"""Shared fixtures for the core model's tests: small, fast worlds, a stepped model and state checks.

Default parameter values are still being calibrated, so tests pin rules' hand-computed values and
structural properties, never exact model outputs.
"""

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np
import pandas as pd
import pytest

from sim import Params
from sim.agents.network import BOSS, ScamNetwork
from sim.agents.partner import PartnerAgency
from sim.agents.police import PoliceTaskForce
from sim.agents.recruiter import Recruiter
from sim.agents.shell import ShellCompany
from sim.model import ScamEnforcementModel

#: A world small enough for a run to take a fraction of a second (a full-scale run takes about 1 s).
SMALL = {"world.n_networks": 8, "burn_in_weeks": 10, "weeks": 60}

#: The columns DESIGN.md section 6 promises in every weekly frame.
CONTRACT_COLUMNS = (
    "week", "harm_usd", "active_networks", "networks_abroad", "workers", "new_recruits", "recruiters_active",
    "shell_companies_active", "websites_active", "arrests_total", "arrests_bosses", "arrests_facilitators",
    "arrests_recruiters", "workers_detained", "licenses_revoked", "websites_suspended", "assets_seized_usd",
    "proceeds_usd", "laundered_usd", "intelligence_mean", "skilled_officers", "partner_trust",
    "network_efficiency_mean",
)  # fmt: skip

MakeParams = Callable[..., Params]


def make_small(overrides: Mapping[str, Any] | None = None, **fields: Any) -> Params:
    """Small-world parameters; ``overrides`` by dotted path, ``fields`` for top-level names."""
    return Params().with_overrides({**SMALL, **(overrides or {}), **fields})


@pytest.fixture(scope="session")
def small_params() -> MakeParams:
    """Factory: ``small_params({"police.leak_prob": 0.1}, strategy="preventative")``."""
    return make_small


@pytest.fixture(scope="session")
def contract_columns() -> tuple[str, ...]:
    return CONTRACT_COLUMNS


def stepped(params: Params, seed: int) -> Iterator[ScamEnforcementModel]:
    """Build a model and yield it after each of its burn-in and enforcement weeks."""
    model = ScamEnforcementModel(params, seed)
    for _ in range(params.burn_in_weeks + params.weeks):
        model.step()
        yield model


@pytest.fixture(scope="session")
def step_model() -> Callable[[Params, int], Iterator[ScamEnforcementModel]]:
    return stepped


def money_held(model: ScamEnforcementModel) -> float:
    """Dirty money still in the criminal pipeline: cash of active networks plus shell balances."""
    return float(model.nets.dirty[model.nets.alive].sum() + model.shells.balance.sum())


def money_accounted(model: ScamEnforcementModel) -> float:
    """Every destination of criminal proceeds: laundered, fees, seized, dispersed and still held."""
    led = model.ledger
    return led["laundered"] + led["fees"] + led["seized"] + led["dispersed"] + money_held(model)


def _check_tables(model: ScamEnforcementModel) -> None:
    nets, shells, rec = model.nets, model.shells, model.recruiters
    for name, table in (("nets", nets), ("members", model.members), ("recruiters", rec), ("shells", shells)):
        for col, arr in vars(table).items():
            if isinstance(arr, np.ndarray) and arr.dtype.kind == "f":
                assert np.isfinite(arr).all(), f"{name}.{col} holds NaN or infinity"
    nonneg = {
        "nets": (
            nets,
            ("workers", "websites", "staff", "dirty", "clean", "capacity", "pressure", "insolvent"),
        ),
        "recruiters": (rec, ("reach",)),
        "shells": (shells, ("balance", "capacity")),
    }
    for name, (table, cols) in nonneg.items():
        for col in cols:
            arr = getattr(table, col)
            assert (arr >= 0).all(), f"{name}.{col} negative: {arr.min()}"
    for col in ("security", "decentral", "solvency", "efficiency"):
        arr = getattr(nets, col)
        assert ((arr >= 0) & (arr <= 1)).all(), f"nets.{col} outside [0, 1]"
    assert ((rec.visibility >= 0) & (rec.visibility <= 1)).all()
    assert (shells.opacity >= 1).all()
    dead = ~nets.alive
    assert (nets.workers[dead] == 0).all() and (nets.dirty[dead] == 0).all(), (
        "a dissolved network holds assets"
    )
    assert (shells.balance[~shells.alive] == 0).all(), "a revoked company holds a balance"
    assert nets.alive[shells.net[shells.alive]].all(), "an active company belongs to a dissolved network"
    assert nets.alive[rec.net[rec.alive]].all(), "an active recruiter serves a dissolved network"


def _check_agents(model: ScamEnforcementModel) -> None:
    by_type = model.agents_by_type
    assert len(by_type[PoliceTaskForce]) == 1 and len(by_type[PartnerAgency]) == 1
    for cls, table in (
        (ScamNetwork, model.nets),
        (Recruiter, model.recruiters),
        (ShellCompany, model.shells),
    ):
        count = len(by_type[cls]) if cls in by_type else 0
        assert count == int(table.alive.sum()), f"{cls.__name__} agents out of step with their table"
    tf, partner = model.task_force, model.partner
    assert 0 <= tf.skilled <= tf.officers
    assert 0.0 <= partner.trust <= 1.0 and 0.0 <= model.awareness <= 1.0
    assert 0.0 <= model.pool <= model.params.recruitment.pool_size * (1 + 1e-12)


def _check_graphs(model: ScamEnforcementModel) -> None:
    members = model.members
    alive_members: set[int] = set()
    for net in model.network_at:
        if not net.active:
            assert not net.adj, "a dissolved network keeps members"
            continue
        assert len(net.members_with(BOSS)) == 1, f"network {net.slot} has no single boss"
        for v, ns in net.adj.items():
            assert v not in ns, "self-loop in a member graph"
            assert all(v in net.adj[w] for w in ns), "member graph not symmetric"
            assert members.net[v] == net.slot and members.alive[v]
        alive_members.update(net.adj)
    assert alive_members == set(np.flatnonzero(members.alive).tolist()), "alive members outside any graph"


def check_state(model: ScamEnforcementModel) -> None:
    """Every structural invariant of the model state (see tests/invariants)."""
    _check_tables(model)
    _check_agents(model)
    _check_graphs(model)
    proceeds = model.ledger["proceeds"]
    assert money_accounted(model) == pytest.approx(proceeds, rel=1e-9, abs=1e-6), "money not conserved"


@pytest.fixture(scope="session")
def state_check() -> Callable[[ScamEnforcementModel], None]:
    return check_state


def check_frame(frame: pd.DataFrame) -> None:
    """A weekly frame is finite and every column is non-negative (counts, money, shares)."""
    values = frame.to_numpy(dtype=float)
    bad = ~np.isfinite(values).all(axis=0)
    assert not bad.any(), f"NaN or infinity in {list(frame.columns[bad])}"
    negative = (values < 0).any(axis=0)
    assert not negative.any(), f"negative values in {list(frame.columns[negative])}"


@pytest.fixture(scope="session")
def frame_check() -> Callable[[pd.DataFrame], None]:
    return check_frame

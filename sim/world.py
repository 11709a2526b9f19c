"""Building the world: the array tables, and spawning networks with their recruiters and companies.

Used at the start of a run (the initial networks) and whenever a new group enters the market.
"""

from typing import TYPE_CHECKING

import numpy as np

from sim import _weekly
from sim.agents.network import ScamNetwork
from sim.agents.recruiter import Recruiter
from sim.agents.shell import ShellCompany
from sim.state import Table

#: A week before any run starts: the initial value of "blocked/disrupted until" columns.
NEVER = -(2**62)

if TYPE_CHECKING:
    from sim.model import ScamEnforcementModel
    from sim.params import Params


def network_table() -> Table:
    """Per-network state (one row per network slot)."""
    f, i, b = np.float64, np.int64, np.bool_
    return Table(
        alive=b, zone=i, oc=b, capacity=f, workers=i, websites=i, staff=i, dirty=f, clean=f, revenue=f,
        solvency=f, insolvent=i, security=f, pressure=f, decentral=f, efficiency=f, graph_ratio=f,
        launder_mult=f, has_launderer=b, has_fixer=b, has_it=b, disrupted_until=i, managers_target=i,
        facilitators_target=i, associates_target=i, shells_target=i, born=i, fragmented=b,
    )  # fmt: skip


def member_table() -> Table:
    return Table(net=np.int64, role=np.int64, known=np.bool_, alive=np.bool_)


def recruiter_table() -> Table:
    return Table(
        alive=np.bool_, net=np.int64, reach=np.float64, visibility=np.float64, blocked_until=np.int64
    )


def shell_table() -> Table:
    return Table(
        alive=np.bool_, net=np.int64, opacity=np.float64, balance=np.float64, offshore=np.bool_,
        capacity=np.float64, known=np.bool_,
    )  # fmt: skip


def _beta_around(mean: float, rng: np.random.Generator, size: int, concentration: float = 8.0) -> np.ndarray:
    m = min(max(mean, 0.01), 0.99)
    return rng.beta(m * concentration, (1.0 - m) * concentration, size)


def spawn_networks(
    model: "ScamEnforcementModel", n: int, zones: np.ndarray, fill: float
) -> list[ScamNetwork]:
    """Create ``n`` networks in ``zones`` with compounds filled to ``fill`` of capacity."""
    p, rng = model.params, model.rng
    w = p.world
    capacity = w.workers_mean * rng.lognormal(-(w.workers_sigma**2) / 2.0, w.workers_sigma, n)
    workers = np.round(capacity * fill).astype(np.int64)
    cost = p.crime.cost_per_worker_usd * workers
    slots = model.nets.add(
        n, alive=True, zone=zones, oc=rng.random(n) < w.oc_linked_share, capacity=capacity, workers=workers,
        websites=np.ceil(workers / p.crime.workers_per_website),
        staff=np.round(workers * w.staff_per_1000_workers / 1e3),
        clean=8.0 * cost, solvency=1.0, decentral=_beta_around(p.adaptation.decentralisation_mean, rng, n),
        managers_target=1 + rng.poisson(w.managers_mean - 1, n),
        facilitators_target=3 + rng.poisson(max(w.facilitators_mean - 3, 0.0), n),
        associates_target=rng.poisson(w.associates_mean, n),
        shells_target=shells_needed(p, capacity), born=model.week, disrupted_until=NEVER,
    )  # fmt: skip
    created = []
    for slot in slots:
        net = ScamNetwork(model, int(slot))
        model.network_at.append(net)
        nets = model.nets
        net.build(
            int(nets.managers_target[slot]),
            int(nets.facilitators_target[slot]),
            int(nets.associates_target[slot]),
        )
        created.append(net)
    size = capacity / w.workers_mean
    spawn_recruiters(model, np.repeat(slots, np.maximum(1, rng.poisson(w.recruiters_per_network * size))))
    spawn_shells(model, np.repeat(slots, model.nets.shells_target[slots]))
    return created


def shells_needed(p: "Params", capacity: np.ndarray) -> np.ndarray:
    """Companies a network keeps: enough to launder a full compound's proceeds with some headroom."""
    proceeds = capacity * p.crime.revenue_per_worker_usd * (1.0 - p.crime.collection_fee)
    return np.maximum(1, np.ceil(proceeds * p.laundering.capacity_headroom / p.laundering.shell_capacity_usd))


def spawn_recruiters(model: "ScamEnforcementModel", nets: np.ndarray) -> None:
    """New recruiters serving the networks in ``nets`` (one per entry)."""
    n, rng = len(nets), model.rng
    if n == 0:
        return
    reach, visibility = _weekly.recruiter_draws(rng, n, model.params.recruitment.reach_mean)  # gamma, beta
    slots = model.recruiters.add(
        n, alive=True, net=nets, reach=reach, visibility=visibility, blocked_until=NEVER
    )
    model.recruiter_at.extend([Recruiter(model, s) for s in slots.tolist()])


def spawn_shells(model: "ScamEnforcementModel", nets: np.ndarray) -> None:
    """New shell companies owned by the networks in ``nets`` (one per entry). Networks under pressure
    and OC-linked groups layer deeper."""
    n, rng, p = len(nets), model.rng, model.params
    if n == 0:
        return
    opacity, offshore = _weekly.shell_draws(  # 1 + Poisson(opacity_mean - 1) + OC and security layers
        rng, model.nets, nets, p.laundering.opacity_mean - 1.0, p.laundering.oc_extra_layers,
        p.world.offshore_share,
    )  # fmt: skip
    slots = model.shells.add(
        n, alive=True, net=nets, opacity=opacity, offshore=offshore, capacity=p.laundering.shell_capacity_usd
    )
    model.shell_at.extend([ShellCompany(model, s) for s in slots.tolist()])


def initial_zones(model: "ScamEnforcementModel", n: int) -> np.ndarray:
    """Zones of the initial networks: a share abroad, the rest spread over the home zones."""
    w, rng = model.params.world, model.rng
    zones = rng.integers(0, w.n_home_zones, n)
    zones[rng.random(n) < w.abroad_share] = w.n_home_zones
    return zones


def split_network(model: "ScamEnforcementModel", network: ScamNetwork) -> ScamNetwork:
    """Split ``network`` (which has just lost its boss) into two factions; returns the new one.

    Half the managers leave, with each facilitator tied to them going along with even odds; the new
    faction takes that share of workers, cash, websites, companies and recruiters, and promotes its
    own boss. The caller promotes the old faction's boss.
    """
    rng, nets, i = model.rng, model.nets, network.slot
    managers = network.members_with(1)
    leaving = {int(m) for m in rng.choice(managers, len(managers) // 2, replace=False)}
    for f in list(network.adj):
        if f not in leaving and network.role(f) != 1 and network.adj[f] & leaving and rng.random() < 0.5:
            leaving.add(f)
    share = len(leaving) / max(len(network.adj), 1)
    slot = int(nets.add(1, **_faction_row(model, i, share, len(managers) // 2))[0])
    faction = ScamNetwork(model, slot)
    model.network_at.append(faction)
    faction.efficiency0 = network.efficiency0
    for m in leaving:
        faction.adj[m] = network.adj[m] & leaving
    for m in leaving:
        for x in network.adj.pop(m) - leaving:
            network.adj[x].discard(m)
        model.members.net[m] = slot
    for table in (model.shells, model.recruiters):
        moving = np.flatnonzero(table.alive & (table.net == i) & (rng.random(len(table)) < share))
        table.net[moving] = slot
    network.reconnect()
    faction.reconnect()
    faction.promote()
    return faction


def _faction_row(model: "ScamEnforcementModel", i: int, share: float, managers: int) -> dict:
    """The new faction's row: a ``share`` of the parent's holdings, which the parent loses."""
    nets = model.nets
    row = {
        name: getattr(nets, name)[i]
        for name in ("zone", "oc", "solvency", "security", "pressure", "decentral")
    }
    for name in ("capacity", "dirty", "clean"):
        part = getattr(nets, name)[i] * share
        getattr(nets, name)[i] -= part
        row[name] = part
    for name in ("workers", "websites", "staff"):
        part = int(round(getattr(nets, name)[i] * share))
        getattr(nets, name)[i] -= part
        row[name] = part
    row.update(
        alive=True, born=model.week, managers_target=max(managers, 1),
        facilitators_target=nets.facilitators_target[i], associates_target=nets.associates_target[i],
        shells_target=max(1, round(nets.shells_target[i] * share)),
        launder_mult=1.0, graph_ratio=1.0,
    )  # fmt: skip
    return row

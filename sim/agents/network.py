"""ScamNetwork: an organised-crime group running a compound, with its internal member graph.

Homogeneous per-network quantities (workers, cash, security, ...) live in ``model.nets`` (a
:class:`~sim.state.Table`) and are updated for all networks at once by the model; this agent owns
what is structural: the member graph with roles, and the decisions taken when members are removed.
"""

from typing import TYPE_CHECKING

import numpy as np

from sim import _kernels, _weekly, rules

if TYPE_CHECKING:
    from sim.model import ScamEnforcementModel

import mesa

BOSS, MANAGER, LAUNDERER, FIXER, IT, ASSOCIATE = 0, 1, 2, 3, 4, 5
ROLE_NAMES = ("boss", "manager", "launderer", "licence fixer", "IT", "associate")
FACILITATOR_ROLES = (LAUNDERER, FIXER, IT)


class ScamNetwork(mesa.Agent):
    """One network. Its slot ``i`` indexes ``model.nets`` and its members live in ``model.members``."""

    model: "ScamEnforcementModel"

    def __init__(self, model: "ScamEnforcementModel", slot: int) -> None:
        super().__init__(model)
        self.slot = slot
        self.adj: dict[int, set[int]] = {}
        self.efficiency0 = 0.0

    # -- views onto the array state -------------------------------------------------------------------
    @property
    def zone(self) -> int:
        return int(self.model.nets.zone[self.slot])

    @property
    def abroad(self) -> bool:
        return self.zone >= self.model.params.world.n_home_zones

    @property
    def workers(self) -> int:
        return int(self.model.nets.workers[self.slot])

    @property
    def websites(self) -> int:
        return int(self.model.nets.websites[self.slot])

    @property
    def dirty_cash(self) -> float:
        return float(self.model.nets.dirty[self.slot])

    @property
    def security(self) -> float:
        return float(self.model.nets.security[self.slot])

    @property
    def decentralisation(self) -> float:
        return float(self.model.nets.decentral[self.slot])

    @property
    def oc_linked(self) -> bool:
        return bool(self.model.nets.oc[self.slot])

    @property
    def active(self) -> bool:
        return bool(self.model.nets.alive[self.slot])

    # -- the member graph -----------------------------------------------------------------------------
    def role(self, member: int) -> int:
        return int(self.model.members.role[member])

    def members_with(self, role: int) -> list[int]:
        """The members with ``role``, in the order of ``adj``."""
        return [m for m, r in zip(self.adj, self.roles(), strict=True) if r == role]

    def boss(self) -> int | None:
        bosses = self.members_with(BOSS)
        return bosses[0] if bosses else None

    def build(self, managers: int, facilitators: int, associates: int = 0) -> None:
        """Create the boss, managers, facilitators (at least one of each skill) and low-level
        associates (team leaders, money mules, drivers), and link them."""
        self.add_members([BOSS] + [MANAGER] * managers)
        extra = _kernels.choices(self.model.rng, FACILITATOR_ROLES, max(facilitators - 3, 0))  # rng.choice's
        self.add_members(list(FACILITATOR_ROLES) + extra + [ASSOCIATE] * associates)
        self.efficiency0 = rules.global_efficiency(self.adj)
        self._record_structure(self.efficiency0)

    def add_members(self, roles: list[int]) -> list[int]:
        """Add members with ``roles`` (their rows appended at once), each tied in after the one before:
        decentralised networks link managers to each other, centralised ones to the boss; facilitators
        hang off a manager (or the boss). Returns their slots."""
        if not roles:
            return []
        slots = self.model.members.add(len(roles), net=self.slot, role=roles, alive=True).tolist()
        self._tie_in(slots, roles)
        return slots

    def _tie_in(self, members: list[int], roles: list[int]) -> None:
        """Link the new ``members`` (whose rows exist, with ``roles``) into the graph one after another,
        with ``d`` the network's decentralisation: a manager ties to each manager with chance
        ``0.2 + 0.6 d`` and to the boss if it got no manager tie or otherwise with chance ``1 - 0.6 d``; a
        facilitator ties to the boss with chance ``0.5 (1 - d)`` (:func:`sim._kernels.tie_in` makes the
        draws and links)."""
        d = self.decentralisation
        _kernels.tie_in(
            self.model.rng, self.adj, self.model.members.role, members, roles, BOSS, MANAGER, ASSOCIATE,
            0.2 + 0.6 * d, 1.0 - 0.6 * d, 0.5 * (1.0 - d),
        )  # fmt: skip

    def remove_member(self, member: int) -> None:
        """Take a member out of the graph (arrest). The graph may fall apart into pieces; they stay
        apart (coordination suffers) until the network reorganises (:meth:`reconnect`)."""
        self._cut(member)
        self.model.nets.fragmented[self.slot] = not self.connected()

    def _cut(self, member: int) -> None:
        """:meth:`remove_member` but for the check of whether the graph is still in one piece."""
        for x in self.adj.pop(member):
            self.adj[x].discard(member)
        self.model.members.alive[member] = False

    def connected(self) -> bool:
        """True if the member graph is in one piece (or empty)."""
        return _kernels.connected(self.adj)

    def components(self) -> list[set[int]]:
        """Connected pieces of the member graph, largest first (pieces of equal size in the order of their
        first members in ``adj``)."""
        pieces = [set(piece) for piece in _kernels.components(self.adj)]
        return sorted(pieces, key=len, reverse=True)

    def reconnect(self) -> None:
        """Reorganise: each piece cut off re-links, through its best-connected member, to the best-connected
        member of the largest piece (most ties, then the lowest slot; :func:`sim._kernels.reconnection`)."""
        for v, hub in _kernels.reconnection(self.adj):  # the other pieces, largest first
            self.adj[v].add(hub)
            self.adj[hub].add(v)
        self.model.nets.fragmented[self.slot] = False
        self.refresh_structure()

    def roles(self) -> list[int]:
        """The role of each member, in the order of ``adj``."""
        return _kernels.roles_in(self.adj, self.model.members.role)

    def refresh_structure(self) -> None:
        """Recompute the cached graph measures and capabilities after the graph changed."""
        self._record_structure(rules.global_efficiency(self.adj))

    def _record_structure(self, eff: float) -> None:
        """Store the graph's efficiency ``eff`` and the capabilities its roles give; drop the cached
        brokerage scores."""
        model = self.model
        _weekly.record_structure(  # efficiency, eff / efficiency0, has_launderer/fixer/IT, launder_mult
            model.nets, self.slot, self.adj, model.members.role, eff, self.efficiency0,
            model.params.laundering.no_launderer_capacity, LAUNDERER, FIXER, IT,
        )  # fmt: skip
        self._betweenness: dict[int, float] | None = None

    def betweenness(self) -> dict[int, float]:
        """Brokerage of each member: betweenness in the member graph extended by one outside node per
        facilitator skill (banks for launderers, licensing offices for fixers, hosting for IT), tied
        only to the members with that skill. A facilitator thus scores for the paths it bridges to
        the licit economy, and a sole holder of a skill scores highest. Cached until the graph changes."""
        if getattr(self, "_betweenness", None) is None:
            graph: dict[int, set[int]] = {m: set(ns) for m, ns in self.adj.items()}
            outside = {role: -1 - role for role in FACILITATOR_ROLES}
            for node in outside.values():
                graph[node] = set()
            for m, role in zip(self.adj, self.roles(), strict=True):
                skill = outside.get(role)
                if skill is not None:
                    graph[skill].add(m)
                    graph[m].add(skill)
            scores = rules.betweenness(graph)
            self._betweenness = {m: scores[m] for m in self.adj}
        return self._betweenness  # type: ignore[return-value]

    # -- events -----------------------------------------------------------------------------------------
    def lose_member(self, member: int) -> str:
        """A member is arrested: update the graph and, if it was the boss, decide what follows.

        Returns what happened: ``"member"``, ``"promote"``, ``"split"`` or ``"dissolve"``.
        """
        if self.role(member) != BOSS:
            self._cut(member)
            efficiency, whole = _kernels.structure(self.adj)  # one reading of the graph for both
            self.model.nets.fragmented[self.slot] = not whole
            self._record_structure(efficiency)
            return "member"
        self.remove_member(member)
        p = self.model.params.adaptation
        outcome = rules.succession(
            self.decentralisation,
            len(self.members_with(MANAGER)),
            p.split_prob,
            p.dissolve_prob,
            self.model.rng,
        )
        if outcome == "dissolve":
            self.model.dissolve(self)
            return outcome
        if outcome == "split":
            self.model.split(self)
        self.promote()
        return outcome

    def promote(self) -> None:
        """The best-connected manager becomes boss; the network is disrupted during succession."""
        managers = self.members_with(MANAGER)
        if not managers:
            self.model.dissolve(self)
            return
        heir = max(managers, key=lambda v: (len(self.adj[v]), -v))
        self.model.members.role[heir] = BOSS
        nets = self.model.nets
        nets.disrupted_until[self.slot] = self.model.week + self.model.params.adaptation.succession_weeks
        self.refresh_structure()

    def fill_vacancies(self, managers: int, facilitators: int, associates: int = 0) -> None:
        """Recruit replacement members (drawn by the model at the role's replacement rate)."""
        skills = []
        if facilitators:  # the skills the network lacks first (new managers and associates add none)
            present = set(self.roles())
            missing = [r for r in FACILITATOR_ROLES if r not in present] or list(FACILITATOR_ROLES)
            skills = [missing[k % len(missing)] for k in range(facilitators)]
        self.add_members([MANAGER] * managers + [ASSOCIATE] * associates + skills)
        self.refresh_structure()

    def known_members(self) -> list[int]:
        """The members the task force knows, in the order of ``adj``."""
        return _kernels.known_in(self.adj, self.model.members.known)

    def reveal(self, count: int, rng: np.random.Generator, near_known: bool = True) -> int:
        """Reveal up to ``count`` unknown members, preferring neighbours of known ones (insulated bosses
        are found only through their contacts). Low-level associates are the visible face of a network
        and are ``police.associate_visibility`` times likelier to be the one revealed. Returns how
        many were revealed."""
        members = self.model.members
        return _kernels.reveal(
            rng, self.adj, members.role, members.known, count, near_known,
            self.model.params.police.associate_visibility, BOSS, ASSOCIATE,
        )  # fmt: skip

"""ScamEnforcementModel: the world and its weekly schedule (DESIGN.md section 3).

One step is one week. The first ``burn_in_weeks`` steps run without enforcement so that every
strategy starts from the model's own steady state; ``model.week`` is then 1 in the first week of
enforcement. Homogeneous state sits in array tables (``nets``, ``members``, ``recruiters``,
``shells``); the Mesa agents are the decision-makers and handles on those rows.
"""

import mesa
import numpy as np

from sim import rules, world
from sim.agents.network import ASSOCIATE, FACILITATOR_ROLES, IT, LAUNDERER, MANAGER, ROLE_NAMES, ScamNetwork
from sim.agents.partner import PartnerAgency
from sim.agents.police import PoliceTaskForce
from sim.agents.recruiter import Recruiter
from sim.agents.shell import ShellCompany
from sim.params import Params

EVENTS = (
    "arrests_total", "arrests_bosses", "arrests_facilitators", "arrests_recruiters", "workers_detained",
    "licenses_revoked", "websites_suspended", "assets_seized_usd", "new_recruits", "networks_dissolved",
    "networks_entered", "networks_split", "relocations",
)  # fmt: skip


class ScamEnforcementModel(mesa.Model):
    """The simulation. ``ScamEnforcementModel(params, seed)``; call :meth:`step` once per week."""

    def __init__(self, params: Params | None = None, seed: int = 0) -> None:
        super().__init__(rng=int(seed))
        self.params = params if params is not None else Params()
        self.week = -self.params.burn_in_weeks
        self.nets, self.members = world.network_table(), world.member_table()
        self.recruiters, self.shells = world.recruiter_table(), world.shell_table()
        self.network_at: list[ScamNetwork] = []
        self.recruiter_at: list[Recruiter] = []
        self.shell_at: list[ShellCompany] = []
        self.task_force = PoliceTaskForce(self)
        self.partner = PartnerAgency(self)
        self.awareness = 0.0
        self.pool = self.params.recruitment.pool_size
        self.ledger = dict.fromkeys(("proceeds", "laundered", "fees", "seized", "dispersed"), 0.0)
        self.events = dict.fromkeys(EVENTS, 0.0)
        self.harm = 0.0
        self.margin = 0.0
        n = self.params.world.n_networks
        world.spawn_networks(self, n, world.initial_zones(self, n), fill=1.0)
        self.initial = np.zeros(0, dtype=np.int64)
        self.refresh_intel()

    # -- the weekly schedule ----------------------------------------------------------------------------
    def step(self) -> None:
        """One week, in the order of DESIGN.md section 3."""
        self.week += 1
        self.events = dict.fromkeys(EVENTS, 0.0)
        self.laundered_before = self.ledger["laundered"]  # for the week's laundered_usd
        self.operate_scams()
        self.launder()
        self.recruit()
        self.adapt()
        self.enforce()
        self.task_force.update_staff()
        self.partner.update_trust()
        if self.week == 0:
            self.initial = np.flatnonzero(self.nets.alive)

    def operate_scams(self) -> None:
        """1. Networks earn from their workers and websites; victims' losses are the harm."""
        n, p = self.nets, self.params
        loc = np.where(self.home_mask(), 1.0, p.adaptation.abroad_efficiency)
        loc = (
            loc
            * np.where(n.disrupted_until >= self.week, 0.5, 1.0)
            * np.where(n.has_it, 1.0, p.crime.no_it_revenue)
        )
        eff = rules.operating_efficiency(n.graph_ratio, n.security, p.crime.security_cost, loc)
        losses = (
            rules.victim_losses(
                n.workers, n.websites, p.crime.workers_per_website, p.crime.revenue_per_worker_usd, eff
            )
            * n.alive
        )
        self.harm = float(losses.sum())
        n.revenue = losses * (1.0 - p.crime.collection_fee)
        n.dirty += n.revenue
        self.ledger["proceeds"] += float(n.revenue.sum())

    def launder(self) -> None:
        """2. Dirty cash moves through shell companies; clean money pays the running costs."""
        n, sh, p = self.nets, self.shells, self.params
        cap = sh.capacity * sh.alive * n.launder_mult[sh.net]
        movable = n.dirty * p.laundering.transfer_rate
        taken, inflow = rules.laundering_inflow(movable, sh.net, cap, len(n))
        n.dirty -= taken
        sh.balance += inflow
        lp = p.laundering
        clean, fees = rules.layering(sh.balance, lp.release_rate, lp.base_fee, lp.layer_fee, sh.opacity)
        sh.balance -= clean + fees
        income = np.bincount(sh.net, weights=clean, minlength=len(n))
        n.clean += income
        self.ledger["laundered"] += float(clean.sum())
        self.ledger["fees"] += float(fees.sum())
        cost = p.crime.cost_per_worker_usd * n.workers * n.alive
        paid, n.solvency = rules.pay_costs(n.clean, cost)
        n.clean -= paid
        n.insolvent = np.where(n.alive & (n.solvency < 0.5), n.insolvent + 1, 0)
        alive_income = float(income[n.alive].sum())
        self.margin = (alive_income - float(cost.sum())) / alive_income if alive_income > 0 else 0.0

    def recruit(self) -> None:
        """3. Recruiters lure workers from the vulnerable pool; workers leave; recruiters come and go."""
        n, rec, p, rng = self.nets, self.recruiters, self.params.recruitment, self.rng
        working = rec.alive & (rec.blocked_until < self.week)
        lure = rules.lure_probability(p.success_rate, self.awareness, self.pool, p.pool_size)
        # bincount adds each network's weights in slot order, so the zeros of idle recruiters change nothing
        supply = np.bincount(rec.net, weights=rec.reach * working, minlength=len(n)) * lure
        hiring = n.alive & (n.disrupted_until < self.week)  # a leaderless or raided compound stops hiring
        demand = rules.worker_demand(n.capacity, n.workers, n.solvency, self.launderable_workers()) * hiring
        new = rules.recruits(demand, supply, rng)
        exit_rate = p.worker_exit_rate + p.unpaid_exit_rate * (1.0 - n.solvency)
        n.workers += new - rules.binomial_losses(n.workers, exit_rate, rng)
        recruited = float(new.sum())
        self.pool = rules.pool_update(self.pool, recruited, p.pool_size, p.pool_replenish)
        self.awareness *= 1.0 - p.awareness_decay
        self.events["new_recruits"] += recruited
        target = (n.workers * self.params.world.staff_per_1000_workers / 1e3).round().astype(np.int64)
        n.staff += rules.replacement_draws(
            np.maximum(target - n.staff, 0) * n.alive, p.staff_replace_rate, rng
        )
        self._recruiter_turnover()

    def launderable_workers(self) -> np.ndarray:
        """Workers whose full proceeds each network's shell companies can launder in a week."""
        n, sh, c = self.nets, self.shells, self.params.crime
        cap = np.bincount(sh.net, weights=sh.capacity * sh.alive, minlength=len(n)) * n.launder_mult
        per_worker = c.revenue_per_worker_usd * (1.0 - c.collection_fee)
        return cap / per_worker if per_worker > 0 else np.full(len(n), np.inf)

    def _recruiter_turnover(self) -> None:
        rec, n, p, rng = self.recruiters, self.nets, self.params, self.rng
        leaving = rec.alive & (rng.random(len(rec)) < p.recruitment.recruiter_exit_rate)
        for j in leaving.nonzero()[0]:
            self.retire_recruiter(int(j))
        have = np.bincount(rec.net[rec.alive], minlength=len(n))
        want = p.world.recruiters_per_network * n.capacity / p.world.workers_mean
        gap = np.maximum(want - have, 0.0) * n.alive
        new = rules.poisson_draws(p.recruitment.recruiter_entry * max(self.margin, 0.0) * gap, rng)
        if np.count_nonzero(new):
            world.spawn_recruiters(self, np.repeat(np.arange(len(n)), new))

    def adapt(self) -> None:
        """4. Replace lost websites, companies and members; adjust security; relocate; enter; exit."""
        self._rebuild()
        self._fill_vacancies()
        self._reorganise()
        n, p = self.nets, self.params
        risk = rules.perceived_risk(n.pressure, p.crime.risk_k)
        n.security = rules.security_update(n.security, risk, p.crime.security_gain, p.crime.security_decay)
        n.pressure *= p.crime.pressure_memory
        a = p.adaptation
        move, abroad = rules.relocation_choice(
            risk, ~self.home_mask(), a.relocation_threshold, a.relocation_prob, a.abroad_prob, self.rng
        )
        for i in (move & n.alive).nonzero()[0]:
            self.relocate(int(i), bool(abroad[i]))
        for i in (n.alive & (n.insolvent >= p.laundering.insolvency_weeks)).nonzero()[0]:
            self.dissolve(self.network_at[i])
        m = self.members
        m.known &= (
            self.rng.random(len(m)) >= p.police.intel_decay
        )  # each known member forgotten at the decay rate
        self._entry()

    def _rebuild(self) -> None:
        n, p, rng = self.nets, self.params, self.rng
        needed = np.ceil(n.workers / p.crime.workers_per_website).astype(np.int64)
        rate = p.crime.website_replace_rate * np.where(n.has_it, 1.0, p.crime.no_it_rebuild)
        new_sites = rules.replacement_draws(np.maximum(needed - n.websites, 0) * n.alive, rate, rng)
        new_sites = np.minimum(new_sites, rules.affordable(n.clean, p.crime.website_cost_usd))
        n.websites += new_sites
        n.clean -= new_sites * p.crime.website_cost_usd
        owned = np.bincount(self.shells.net[self.shells.alive], minlength=len(n))
        gap = np.maximum(n.shells_target - owned, 0) * (n.alive & n.has_fixer)
        new_shells = rules.replacement_draws(gap, p.laundering.shell_replace_rate, rng)
        new_shells = np.minimum(new_shells, rules.affordable(n.clean, p.laundering.shell_cost_usd))
        n.clean -= new_shells * p.laundering.shell_cost_usd
        if np.count_nonzero(new_shells):
            world.spawn_shells(self, np.repeat(np.arange(len(n)), new_shells))

    def _fill_vacancies(self) -> None:
        n, a = self.nets, self.params.adaptation
        counts = self.role_counts()
        managers, associates = counts[:, MANAGER], counts[:, ASSOCIATE]
        facilitators = counts[:, LAUNDERER : IT + 1].sum(axis=1)  # the facilitator roles are consecutive
        new_m = rules.replacement_draws(
            np.maximum(n.managers_target - managers, 0) * n.alive, a.manager_replace_rate, self.rng
        )
        gap_f = np.maximum(n.facilitators_target - facilitators, 0) * n.alive
        new_f = rules.replacement_draws(gap_f, a.facilitator_replace_rate, self.rng)
        gap_a = np.maximum(n.associates_target - associates, 0) * n.alive
        new_a = rules.replacement_draws(gap_a, a.manager_replace_rate, self.rng)
        for i in (new_m + new_f + new_a).nonzero()[0]:
            self.network_at[i].fill_vacancies(int(new_m[i]), int(new_f[i]), int(new_a[i]))

    def role_counts(self) -> np.ndarray:
        """Active members per network and role, ``counts[network, role]``, from one ``bincount``."""
        m, roles, size = self.members, len(ROLE_NAMES), len(self.nets)
        live = m.alive
        return np.bincount(m.net[live] * roles + m.role[live], minlength=size * roles).reshape(size, roles)

    def _reorganise(self) -> None:
        n = self.nets
        due = n.alive & n.fragmented & (self.rng.random(len(n)) < self.params.adaptation.manager_replace_rate)
        for i in due.nonzero()[0]:
            self.network_at[i].reconnect()

    def _entry(self) -> None:
        n, a = self.nets, self.params.adaptation
        expected = rules.entry_expected(a.entry_rate, self.margin, float(n.alive.sum()), a.market_networks)
        k = int(self.rng.poisson(expected))
        if k:
            world.spawn_networks(self, k, world.initial_zones(self, k), fill=0.1)
            self.events["networks_entered"] += k
            self.refresh_intel()

    def enforce(self) -> None:
        """5. The task force spends its weekly effort (not during burn-in)."""
        if self.week < 1:
            return
        self.refresh_intel()
        self.task_force.enforce(self.week)

    # -- events used by the agents ------------------------------------------------------------------------
    def home_mask(self) -> np.ndarray:
        """True for networks inside the task force's jurisdiction."""
        return self.nets.zone < self.params.world.n_home_zones

    def refresh_intel(self) -> None:
        """Intelligence per network: the share of its core members the task force knows."""
        m, size = self.members, len(self.nets)
        alive = np.bincount(m.net[m.alive], minlength=size)
        self.known_count = np.bincount(m.net[m.alive & m.known], minlength=size)
        self.intel = np.where(alive > 0, self.known_count / np.maximum(alive, 1), 0.0)

    def add_pressure(self, i: int, amount: float, zone_spill: float = 0.0) -> None:
        """Enforcement felt by network ``i`` (and, spilling over, by others in its zone)."""
        n = self.nets
        if zone_spill:
            n.pressure[(n.zone == n.zone[i]) & n.alive] += zone_spill
        n.pressure[i] += amount

    def seize(self, amount: float) -> None:
        self.ledger["seized"] += amount
        self.events["assets_seized_usd"] += amount

    def arrest_member(self, network: ScamNetwork, member: int) -> None:
        role = network.role(member)
        self.events["arrests_total"] += 1
        self.events["arrests_bosses"] += role == 0
        self.events["arrests_facilitators"] += role in FACILITATOR_ROLES
        self.known_count[network.slot] -= bool(self.members.known[member])
        network.lose_member(member)

    def arrest_recruiter(self, j: int) -> None:
        self.events["arrests_total"] += 1
        self.events["arrests_recruiters"] += 1
        self.retire_recruiter(j)

    def retire_recruiter(self, j: int) -> None:
        self.recruiters.alive[j] = False
        self.recruiter_at[j].remove()

    def revoke_shell(self, s: int, seize: bool) -> None:
        """Revoke a company's licence. Frozen balances are seized; otherwise the owner withdraws them."""
        sh, owner = self.shells, int(self.shells.net[s])
        sh.alive[s] = False
        balance, sh.balance[s] = float(sh.balance[s]), 0.0
        if seize:
            self.seize(balance)
        elif self.nets.alive[owner]:
            self.nets.dirty[owner] += balance
        else:
            self.ledger["dispersed"] += balance
        self.events["licenses_revoked"] += 1
        self.shell_at[s].remove()

    def relocate(self, i: int, abroad: bool) -> None:
        """Move network ``i`` to another home zone or abroad, losing workers and some weeks."""
        n, w, a = self.nets, self.params.world, self.params.adaptation
        others = [z for z in range(w.n_home_zones) if z != n.zone[i]]
        if abroad:
            n.zone[i] = w.n_home_zones
        elif others:
            n.zone[i] = int(self.rng.choice(others))
        n.workers[i] -= int(self.rng.binomial(n.workers[i], a.relocation_loss))
        n.disrupted_until[i] = self.week + a.relocation_weeks
        n.pressure[i] *= 0.3
        self.events["relocations"] += 1

    def dissolve(self, network: ScamNetwork) -> None:
        """The network breaks up: workers are released, companies wound up, recruiters move on."""
        i, n = network.slot, self.nets
        if not n.alive[i]:
            return
        n.alive[i] = False
        n.workers[i] = n.websites[i] = n.staff[i] = 0
        self.ledger["dispersed"] += float(n.dirty[i])
        n.dirty[i] = 0.0
        self.members.alive[list(network.adj)] = False
        network.adj.clear()
        for s in np.flatnonzero(self.shells.alive & (self.shells.net == i)):
            self.ledger["dispersed"] += float(self.shells.balance[s])
            self.shells.balance[s] = 0.0
            self.shells.alive[s] = False
            self.shell_at[s].remove()
        self._reassign_recruiters(i)
        self.events["networks_dissolved"] += 1
        network.remove()

    def _reassign_recruiters(self, i: int) -> None:
        rec, alive = self.recruiters, np.flatnonzero(self.nets.alive)
        mine = np.flatnonzero(rec.alive & (rec.net == i))
        if len(alive) == 0:
            for j in mine:
                self.retire_recruiter(int(j))
            return
        rec.net[mine] = self.rng.choice(alive, len(mine))

    def split(self, network: ScamNetwork) -> ScamNetwork:
        """Factions: half the managers (and the facilitators tied to them) leave with a share of
        everything the network holds, and promote their own boss."""
        self.events["networks_split"] += 1
        faction = world.split_network(self, network)
        self.refresh_intel()
        return faction

    @staticmethod
    def role_name(role: int) -> str:
        return ROLE_NAMES[role]

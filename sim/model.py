"""ScamEnforcementModel: the world and its weekly schedule (DESIGN.md section 3).

One step is one week. The first ``burn_in_weeks`` steps run without enforcement so that every
strategy starts from the model's own steady state; ``model.week`` is then 1 in the first week of
enforcement. Homogeneous state sits in array tables (``nets``, ``members``, ``recruiters``,
``shells``); the Mesa agents are the decision-makers and handles on those rows.
"""

import mesa
import numpy as np

from sim import _kernels, _weekly, rules, world
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
_NO_EVENTS = dict.fromkeys(EVENTS, 0.0)  # each week's counts start from a copy


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
        self.odds: tuple[float, np.ndarray] | None = None  # set by actions.success_odds
        self.task_force = PoliceTaskForce(self)
        self.partner = PartnerAgency(self)
        self.awareness = 0.0
        self.pool = self.params.recruitment.pool_size
        self.ledger = dict.fromkeys(("proceeds", "laundered", "fees", "seized", "dispersed"), 0.0)
        self.events = _NO_EVENTS.copy()
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
        self.events = _NO_EVENTS.copy()  # a copy of a dict is quicker to make than a new one
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
        """1. Networks earn from their workers and websites; victims' losses are the harm.

        Per network: efficiency from its structure, security and location (:func:`rules.operating_efficiency`;
        abroad, disrupted and without IT staff it earns less), losses from its busy workers
        (:func:`rules.victim_losses`); its revenue, net of the collection fee, is dirty cash. Computed by
        :func:`sim._weekly.operate`, the same arithmetic as those rules in one compiled call."""
        p = self.params
        self.harm, proceeds = _weekly.operate(
            self.nets, self.week, p.world.n_home_zones, p.adaptation.abroad_efficiency, p.crime.no_it_revenue,
            p.crime.security_cost, p.crime.workers_per_website, p.crime.revenue_per_worker_usd,
            p.crime.collection_fee,
        )  # fmt: skip
        self.ledger["proceeds"] += proceeds

    def launder(self) -> None:
        """2. Dirty cash moves through shell companies; clean money pays the running costs.

        :func:`rules.laundering_inflow` into the live companies, :func:`rules.layering` out of them, the
        clean money to their owners, :func:`rules.pay_costs` of the workers; the margin is the live
        networks' clean income over their costs. Computed by :func:`sim._weekly.launder`."""
        lp = self.params.laundering
        laundered, fees, self.margin = _weekly.launder(
            self.nets, self.shells, lp.transfer_rate, lp.release_rate, lp.base_fee, lp.layer_fee,
            self.params.crime.cost_per_worker_usd,
        )  # fmt: skip
        self.ledger["laundered"] += laundered
        self.ledger["fees"] += fees

    def recruit(self) -> None:
        """3. Recruiters lure workers from the vulnerable pool; workers leave; recruiters come and go.

        Hiring (:func:`rules.recruits`) matches the working recruiters' reach, cut by awareness and the
        pool's depletion (:func:`rules.lure_probability`), with each hiring network's vacancies
        (:func:`rules.worker_demand`, up to what its companies can launder); workers leave at a base rate
        plus a share of the unpaid (:func:`rules.binomial_losses`); staff are replaced. Computed by
        :func:`sim._weekly.recruit`."""
        p, c = self.params.recruitment, self.params.crime
        lure = rules.lure_probability(p.success_rate, self.awareness, self.pool, p.pool_size)
        recruited = _weekly.recruit(
            self.rng, self.nets, self.recruiters, self.shells, self.week, lure,
            c.revenue_per_worker_usd * (1.0 - c.collection_fee), p.worker_exit_rate, p.unpaid_exit_rate,
            self.params.world.staff_per_1000_workers, p.staff_replace_rate,
        )  # fmt: skip
        self.pool = rules.pool_update(self.pool, recruited, p.pool_size, p.pool_replenish)
        self.awareness *= 1.0 - p.awareness_decay
        self.events["new_recruits"] += recruited
        self._recruiter_turnover()

    def _recruiter_turnover(self) -> None:
        """Recruiters leave at a weekly rate; while the trade pays, new ones join the networks short of
        the recruiters their compounds call for. Computed by :func:`sim._weekly.recruiter_turnover`."""
        p = self.params
        leaving, entering = _weekly.recruiter_turnover(
            self.rng, self.nets, self.recruiters, p.recruitment.recruiter_exit_rate,
            p.world.recruiters_per_network, p.world.workers_mean,
            p.recruitment.recruiter_entry * (0.0 if self.margin < 0.0 else self.margin),  # max(margin, 0.0)
        )  # fmt: skip
        for j in leaving.tolist():  # iterating a numpy array costs microseconds, even an empty one
            self.retire_recruiter(j)
        world.spawn_recruiters(self, _weekly.owners(entering))

    def adapt(self) -> None:
        """4. Replace lost websites, companies and members; adjust security; relocate; enter; exit.

        Security follows the perceived risk of the week's pressure (:func:`rules.perceived_risk`,
        :func:`rules.security_update`); networks whose risk is above the threshold may move
        (:func:`rules.relocation_choice`); networks insolvent for too long dissolve; the task force forgets
        some of what it knows. The array work is :mod:`sim._weekly`'s."""
        self._rebuild()
        self._fill_vacancies()
        self._reorganise()
        n, p, a = self.nets, self.params, self.params.adaptation
        movers, abroad = _weekly.security_and_moves(
            self.rng, n, p.crime.risk_k, p.world.n_home_zones, p.crime.security_gain, p.crime.security_decay,
            p.crime.pressure_memory, a.relocation_threshold, a.relocation_prob, a.abroad_prob,
        )  # fmt: skip
        self.odds = None  # the chances of enforcement's success depend on security
        for i, go_abroad in zip(movers.tolist(), abroad.tolist(), strict=True):  # as Python ints and bools
            self.relocate(i, go_abroad)
        for i in _weekly.rows_at_least(n.alive, n.insolvent, p.laundering.insolvency_weeks):
            self.dissolve(self.network_at[i])
        _weekly.forget(self.rng, self.members, p.police.intel_decay)  # each known member at the decay rate
        self._entry()

    def _rebuild(self) -> None:
        """Websites and shell companies replaced as far as each network can pay
        (:func:`rules.replacement_draws`, :func:`rules.affordable`; :func:`sim._weekly.rebuild`)."""
        c, lp = self.params.crime, self.params.laundering
        entering = _weekly.rebuild(
            self.rng, self.nets, self.shells, c.workers_per_website, c.website_replace_rate, c.no_it_rebuild,
            c.website_cost_usd, lp.shell_replace_rate, lp.shell_cost_usd,
        )  # fmt: skip
        world.spawn_shells(self, _weekly.owners(entering))

    def _fill_vacancies(self) -> None:
        """Missing managers, facilitators and associates replaced at their rates
        (:func:`rules.replacement_draws`; :func:`sim._weekly.vacancy_draws`)."""
        a = self.params.adaptation
        new_m, new_f, new_a = _weekly.vacancy_draws(
            self.rng, self.nets, self.members, len(ROLE_NAMES), MANAGER, LAUNDERER, IT, ASSOCIATE,
            a.manager_replace_rate, a.facilitator_replace_rate,
        )  # fmt: skip
        for i, managers, facilitators, associates in _weekly.rows_with_counts(new_m, new_f, new_a):
            self.network_at[i].fill_vacancies(managers, facilitators, associates)

    def _reorganise(self) -> None:
        """Fragmented networks reconnect their pieces at the manager replacement rate
        (:func:`sim._weekly.reorganising`: one uniform per network)."""
        for i in _weekly.reorganising(self.rng, self.nets, self.params.adaptation.manager_replace_rate):
            self.network_at[i].reconnect()

    def _entry(self) -> None:
        n, a = self.nets, self.params.adaptation
        expected = rules.entry_expected(
            a.entry_rate, self.margin, float(_weekly.count_where(n.alive)), a.market_networks
        )
        k = _kernels.poisson_one(self.rng, expected)
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
        """Intelligence per network: the share of its live members the task force knows
        (:func:`sim._weekly.intelligence`)."""
        self.known_count, self.intel = _weekly.intelligence(self.nets, self.members)
        self.odds = None  # actions.success_odds's, for this intelligence

    def add_pressure(self, i: int, amount: float, zone_spill: float = 0.0) -> None:
        """Enforcement felt by network ``i`` (and, spilling over, by others in its zone)."""
        if zone_spill:
            _weekly.add_pressure(self.nets, i, amount, zone_spill)
        else:
            self.nets.pressure[i] += amount

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
            n.zone[i] = rules.choose(others, self.rng)
        n.workers[i] -= _kernels.binomial_one(self.rng, n.workers[i], a.relocation_loss)
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
        rec, alive = self.recruiters, tuple(np.flatnonzero(self.nets.alive).tolist())
        mine = np.flatnonzero(rec.alive & (rec.net == i))
        if not alive:
            for j in mine.tolist():
                self.retire_recruiter(j)
            return
        rec.net[mine] = _kernels.choices(self.rng, alive, len(mine))  # rng.choice(alive, len(mine))

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

"""PoliceTaskForce: the national cyber-crime task force, its staff, skill and weekly effort."""

from typing import TYPE_CHECKING, Any

import mesa

from sim import _kernels, rules, strategies
from sim.agents import actions

if TYPE_CHECKING:
    from sim.model import ScamEnforcementModel

#: Action name -> (function, cost field in ``Params.police``). Training is handled by the task force.
ACTION_TABLE = {
    "raid": (actions.raid, "raid_cost"),
    "website": (actions.website, "website_cost"),
    "licence": (actions.licence, "licence_cost"),
    "investigation": (actions.investigation, "investigation_cost"),
    "tracing": (actions.tracing, "tracing_cost"),
    "disruption": (actions.disruption, "disruption_cost"),
}


class PoliceTaskForce(mesa.Agent):
    """Spends a fixed weekly effort budget as its strategy allocates it; loses and trains skilled staff."""

    model: "ScamEnforcementModel"

    def __init__(self, model: "ScamEnforcementModel") -> None:
        super().__init__(model)
        p = model.params.police
        self.officers = p.officers
        self.skilled = min(p.skilled_initial, p.officers)
        self.pipeline = [0] * p.training_lag_weeks  # trainees by weeks to go (a list: it moves weekly)
        self.banks: dict[str, float] = dict.fromkeys(strategies.ACTIONS, 0.0)
        self._plan: tuple[object, float, Any] | None = None  # see _plan_for

    @property
    def strategy(self) -> str:
        """The strategy preset it follows (``Params.strategy``; read when used, not copied)."""
        return self.model.params.strategy

    @property
    def skill(self) -> float:
        """Investigative and forensic skill in [0, 1) from the skilled staff retained."""
        return rules.skill_level(self.skilled, self.model.params.police.skill_half)

    def _carry_out(self, action: str, effort: float, cost: float, fn, *args) -> None:  # type: ignore[no-untyped-def]
        """Run this week's whole operations of ``action``. Operations that found no target are not
        lost: their effort goes back to the bank, which holds at most one week's allocation."""
        banks = self.banks
        bank = banks[action]
        if not effort and not bank:  # nothing allocated or banked (a pure preset's other side)
            return
        ops, bank = rules.operations(bank, effort, cost)
        if ops:
            unused = ops - fn(self.model, self, ops, *args)  # actions do not touch the banks
            cap = bank if bank > effort else effort  # max(effort, bank), then min(..., cap), without calls
            bank += unused * cost
            bank = cap if cap < bank else bank
        banks[action] = bank

    def enforce(self, week: int) -> None:
        """Turn this week's allocation into operations and carry them out."""
        model, p = self.model, self.model.params.police
        alloc, orders = self._plan_for(week)
        rule = strategies.targeting(model.params, week)
        for action, effort, cost, fn in orders:
            self._carry_out(action, effort, cost, fn)
        self._carry_out("arrest", alloc["arrest"], p.arrest_cost, actions.arrest, rule)
        self._carry_out("cooperation", alloc["cooperation"], p.cooperation_cost, actions.cooperation, rule)
        banks = self.banks
        trainees, banks["training"] = rules.operations(banks["training"], alloc["training"], p.training_cost)
        self.pipeline[-1] += trainees

    def _allocation(self, week: int) -> dict[str, float]:
        """:func:`strategies.allocation` for ``week`` (see :meth:`_plan_for`)."""
        return self._plan_for(week)[0]

    def _plan_for(self, week: int) -> tuple[dict[str, float], tuple[tuple[str, float, float, Any], ...]]:
        """:func:`strategies.allocation` for ``week`` and, for each action of :data:`ACTION_TABLE` in its
        order, ``(action, effort, cost, function)``: computed again only when the parameters (a frozen
        object) or the prevention share (which, with them, sets it) change."""
        params = self.model.params
        share = strategies.prevention_share(params, week)
        plan = self._plan
        if plan is None or plan[0] is not params or plan[1] != share:
            alloc = strategies.allocation(params, week)
            orders = tuple(
                (action, alloc[action], getattr(params.police, cost_field), fn)
                for action, (fn, cost_field) in ACTION_TABLE.items()
            )
            plan = self._plan = (params, share, (alloc, orders))
        return plan[2]

    def update_staff(self) -> None:
        """Skilled staff leave at the attrition rate; trainees graduate after the training lag."""
        p = self.model.params.police
        self.skilled -= rules.binomial_loss(self.skilled, p.attrition_rate, self.model.rng)
        hires = _kernels.poisson_one(self.model.rng, p.skilled_hiring)
        graduates = self.pipeline.pop(0)  # everyone else in training moves a week closer
        self.pipeline.append(0)
        skilled = self.skilled + hires + graduates
        self.skilled = self.officers if self.officers < skilled else skilled  # min(skilled, officers)

"""PartnerAgency: a foreign police partner (e.g. the Korean police) working with the task force.

It shares intelligence, runs joint operations against networks abroad (which the task force cannot
reach alone) and grants mutual legal assistance to freeze offshore companies, all in proportion to
its trust. Trust grows with joint successes and falls with leaks and failed operations.
"""

from typing import TYPE_CHECKING

import mesa

from sim import _kernels, _weekly, rules
from sim.agents import actions

if TYPE_CHECKING:
    from sim.agents.police import PoliceTaskForce
    from sim.model import ScamEnforcementModel


class PartnerAgency(mesa.Agent):
    """The partner; ``successes`` and ``failures`` count this week's joint outcomes and leaks."""

    model: "ScamEnforcementModel"

    def __init__(self, model: "ScamEnforcementModel") -> None:
        super().__init__(model)
        self.trust = model.params.partner.trust_initial
        self.successes = 0
        self.failures = 0

    def share_intelligence(self) -> None:
        """Reveal members of networks, weighted to those harming the partner's nationals abroad."""
        model, p = self.model, self.model.params.partner
        expected = p.sharing_rate * self.trust * p.attention * model.params.crime.foreign_victim_share
        for _ in range(_kernels.poisson_one(model.rng, expected)):
            weights = _weekly.sharing_weights(model.nets, model.params.world.n_home_zones)
            i = _kernels.pick(model.rng, weights)
            if i is None:
                return
            model.network_at[i].reveal(1, model.rng)

    def joint_operation(self, tf: "PoliceTaskForce", rule: str) -> None:
        """Arrest a known member of a network abroad; succeeds only as far as the partner trusts."""
        model = self.model
        target = actions.choose_member(model, "kingpin" if rule == "recruiter" else rule, home=False)
        if target is None:
            return
        network, member = target
        i = network.slot
        if actions._succeeds(model, tf, i) and _kernels.uniform(model.rng) < self.trust:
            model.arrest_member(network, member)
            model.add_pressure(i, 0.5)
            self.successes += 1
        elif _kernels.uniform(model.rng) < model.params.police.leak_prob:
            self.failures += 1

    def legal_assistance(self) -> None:
        """Freeze an offshore company of a known network, if assistance is granted."""
        model, sh = self.model, self.model.shells
        if _kernels.uniform(model.rng) >= model.params.partner.mla_prob * self.trust:
            return
        s = _kernels.pick(model.rng, _weekly.offshore_weights(sh, model.intel))
        if s is not None:
            model.revoke_shell(s, seize=True)
            self.successes += 1

    def update_trust(self) -> None:
        """Apply this week's successes and failures to trust, then reset the counts."""
        p = self.model.params.partner
        self.trust = rules.trust_update(self.trust, self.successes, self.failures, p.trust_gain, p.trust_loss)
        self.successes = self.failures = 0

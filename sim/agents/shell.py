"""ShellCompany: a front that holds a business licence and launders a network's proceeds.

Its state lives in ``model.shells`` (a :class:`~sim.state.Table`): laundering moves money through all
companies in one vectorised step; the agent is the handle for targeting and inspection.
"""

from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from sim.model import ScamEnforcementModel


class ShellCompany(mesa.Agent):
    """One company; ``slot`` indexes ``model.shells``."""

    model: "ScamEnforcementModel"

    def __init__(self, model: "ScamEnforcementModel", slot: int) -> None:
        super().__init__(model)
        self.slot = slot

    @property
    def owner(self) -> int:
        """Slot of the owning network."""
        return int(self.model.shells.net[self.slot])

    @property
    def licence_active(self) -> bool:
        """False once revoked or frozen."""
        return bool(self.model.shells.alive[self.slot])

    @property
    def opacity(self) -> float:
        """Layering depth (layers of companies and accounts between it and the network)."""
        return float(self.model.shells.opacity[self.slot])

    @property
    def balance(self) -> float:
        """Dirty money held in transit, USD."""
        return float(self.model.shells.balance[self.slot])

    @property
    def offshore(self) -> bool:
        """Registered abroad: only reachable through a partner's mutual legal assistance."""
        return bool(self.model.shells.offshore[self.slot])

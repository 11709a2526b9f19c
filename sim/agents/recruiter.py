"""Recruiter: a broker who lures workers with fake job ads for the network it serves.

Its state lives in ``model.recruiters`` (a :class:`~sim.state.Table`) so that supply, exits and entry
are computed for all recruiters at once; the agent is the handle other code and dashboards use.
A recruiter serves one network at a time (it moves to another if that one dissolves).
"""

from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from sim.model import ScamEnforcementModel


class Recruiter(mesa.Agent):
    """One recruiter; ``slot`` indexes ``model.recruiters``."""

    model: "ScamEnforcementModel"

    def __init__(self, model: "ScamEnforcementModel", slot: int) -> None:
        super().__init__(model)
        self.slot = slot

    @property
    def network(self) -> int:
        """Slot of the network served."""
        return int(self.model.recruiters.net[self.slot])

    @property
    def reach(self) -> float:
        """Contacts per week through fake job ads."""
        return float(self.model.recruiters.reach[self.slot])

    @property
    def visibility(self) -> float:
        """Online footprint in [0, 1]: how easily enforcement finds this recruiter."""
        return float(self.model.recruiters.visibility[self.slot])

    @property
    def active(self) -> bool:
        """False once arrested or out of the trade."""
        return bool(self.model.recruiters.alive[self.slot])

"""Agent-based simulation of reactive and preventative enforcement against online-scam networks.

``from sim import Params, run``; see README.md and docs/ODD.md.
"""

from sim.params import Params
from sim.run import run

__all__ = ["Params", "run"]
__version__ = "0.1.0"

"""Named reporters: one function per outcome column, all in :data:`REPORTERS` (STYLE.md point 8).

Each reporter takes the model after a week's step and returns one number. Event counts are for that
week; stocks are the state at the end of it. :func:`summarize` turns a run's weekly table into the
per-run summary used by sweeps and figures.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim import _weekly, strategies

if TYPE_CHECKING:
    from sim.model import ScamEnforcementModel

Reporter = Callable[["ScamEnforcementModel"], float]


def week(m: "ScamEnforcementModel") -> float:
    return m.week


def harm_usd(m: "ScamEnforcementModel") -> float:
    """Victim losses this week, USD."""
    return m.harm


def active_networks(m: "ScamEnforcementModel") -> float:
    return float(_weekly.count_where(m.nets.alive))


def networks_abroad(m: "ScamEnforcementModel") -> float:
    return float(_weekly.count_at_least(m.nets.alive, m.nets.zone, m.params.world.n_home_zones))


def workers(m: "ScamEnforcementModel") -> float:
    return float(_weekly.sum_where(m.nets.workers, m.nets.alive))


def recruiters_active(m: "ScamEnforcementModel") -> float:
    return float(_weekly.count_where(m.recruiters.alive))


def shell_companies_active(m: "ScamEnforcementModel") -> float:
    return float(_weekly.count_where(m.shells.alive))


def websites_active(m: "ScamEnforcementModel") -> float:
    return float(_weekly.sum_where(m.nets.websites, m.nets.alive))


def proceeds_usd(m: "ScamEnforcementModel") -> float:
    """Criminal proceeds this week: victim losses less the intermediaries' cut, USD."""
    return _weekly.array_sum(m.nets.revenue)


def laundered_usd(m: "ScamEnforcementModel") -> float:
    """Clean money out of the shell companies this week (cumulative ledger difference), USD."""
    return m.ledger["laundered"] - m.laundered_before


def intelligence_mean(m: "ScamEnforcementModel") -> float:
    """Mean share of core members known to the task force, over active networks."""
    return _weekly.mean_where(m.intel, m.nets.alive)


def skilled_officers(m: "ScamEnforcementModel") -> float:
    return float(m.task_force.skilled)


def partner_trust(m: "ScamEnforcementModel") -> float:
    return float(m.partner.trust)


def network_efficiency_mean(m: "ScamEnforcementModel") -> float:
    """Mean global efficiency (Latora & Marchiori) of the active networks' member graphs."""
    return _weekly.mean_where(m.nets.efficiency, m.nets.alive)


def initial_networks_active(m: "ScamEnforcementModel") -> float:
    """How many of the networks active when enforcement began are still operating."""
    alive = m.nets.alive
    return float(_weekly.count_at(alive, m.initial) if len(m.initial) else _weekly.count_where(alive))


def oc_linked_share(m: "ScamEnforcementModel") -> float:
    return _weekly.mean_where(m.nets.oc, m.nets.alive)


def security_mean(m: "ScamEnforcementModel") -> float:
    return _weekly.mean_where(m.nets.security, m.nets.alive)


def dirty_cash_usd(m: "ScamEnforcementModel") -> float:
    """Unlaundered cash held by networks and in shell companies at the end of the week, USD."""
    return _weekly.sum_where(m.nets.dirty, m.nets.alive) + _weekly.array_sum(m.shells.balance)


def awareness(m: "ScamEnforcementModel") -> float:
    return float(m.awareness)


def prevention_share(m: "ScamEnforcementModel") -> float:
    return strategies.prevention_share(m.params, m.week)


def _event(name: str) -> Reporter:
    """A reporter function for one of the week's event counts, bound to a module-level name so that it
    pickles by reference like the reporters written out above (and Mesa's DataCollector sees a function)."""

    def report(m: "ScamEnforcementModel") -> float:
        return float(m.events[name])

    report.__name__ = report.__qualname__ = name
    report.__doc__ = f"Count or amount of {name.replace('_', ' ')} this week."
    globals()[name] = report
    return report


_EVENT_COLUMNS = (
    "new_recruits", "arrests_total", "arrests_bosses", "arrests_facilitators", "arrests_recruiters",
    "workers_detained", "licenses_revoked", "websites_suspended", "assets_seized_usd", "networks_dissolved",
    "networks_entered", "networks_split", "relocations",
)  # fmt: skip

REPORTERS: dict[str, Reporter] = {
    "week": week, "harm_usd": harm_usd, "active_networks": active_networks,
    "networks_abroad": networks_abroad, "workers": workers, "recruiters_active": recruiters_active,
    "shell_companies_active": shell_companies_active, "websites_active": websites_active,
    **{name: _event(name) for name in _EVENT_COLUMNS},
    "proceeds_usd": proceeds_usd, "laundered_usd": laundered_usd, "intelligence_mean": intelligence_mean,
    "skilled_officers": skilled_officers, "partner_trust": partner_trust,
    "network_efficiency_mean": network_efficiency_mean, "initial_networks_active": initial_networks_active,
    "oc_linked_share": oc_linked_share, "security_mean": security_mean, "dirty_cash_usd": dirty_cash_usd,
    "awareness": awareness, "prevention_share": prevention_share,
}  # fmt: skip

#: Columns whose weekly values add up over a run (the rest are stocks or levels).
FLOW_COLUMNS = ("harm_usd", "proceeds_usd", "laundered_usd", *_EVENT_COLUMNS)


def summarize(frame: pd.DataFrame) -> dict[str, float]:
    """Per-run summary of a weekly table: totals of every flow, the final and mean of every stock.

    Keys: ``<flow>`` (total over the run), ``<stock>_final``, ``<stock>_mean``, plus
    ``harm_usd_last_year`` (the last 52 weeks' harm) and ``weeks``.
    """
    out: dict[str, float] = {"weeks": float(len(frame))}
    for col in frame.columns:
        if col == "week":
            continue
        values = frame[col].to_numpy(dtype=float)
        if col in FLOW_COLUMNS:
            out[col] = float(values.sum())
        else:
            out[f"{col}_final"] = float(values[-1]) if len(values) else float("nan")
            out[f"{col}_mean"] = float(values.mean()) if len(values) else float("nan")
    out["harm_usd_last_year"] = float(np.sum(frame["harm_usd"].to_numpy()[-52:]))
    return out

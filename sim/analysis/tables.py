"""The headline tables behind each published figure, computed from stored sweep results only.

Each ``<figure>_tables(sweeps)`` takes a mapping of experiment name -> :class:`sim.sweep.SweepData`
and returns ``(summary, plot_data)``: ``summary`` is the long table written to
``results/summary/<figure>.csv`` (columns of :data:`sim.analysis.stats.SUMMARY_COLUMNS` after the key
columns), ``plot_data`` what the figure function draws.
"""

from collections.abc import Mapping

import numpy as np
import pandas as pd

from sim.analysis import stats
from sim.sweep import SweepData

HARM = {"harm_bn": ("harm_usd", 1e-9)}
NETWORKS = {"networks_final": ("active_networks_final", 1.0)}
#: What officials report (first five) against what matters (the rest): 10-year totals per run.
REPORTED = {
    "arrests": ("arrests_total", 1.0),
    "workers_detained": ("workers_detained", 1.0),
    "websites_suspended": ("websites_suspended", 1.0),
    "licences_revoked": ("licenses_revoked", 1.0),
    "assets_seized_musd": ("assets_seized_usd", 1e-6),
}
MATTERS = {
    "harm_avoided_bn": ("harm_avoided_usd", 1e-9),
    "networks_dismantled": ("networks_dissolved", 1.0),
    "new_recruits_k": ("new_recruits", 1e-3),
}
STRATEGY_ORDER = ["none", "reactive", "preventative", "mixed", "transition", "custom"]
Tables = tuple[pd.DataFrame, pd.DataFrame]


def _runs(data: SweepData) -> pd.DataFrame:
    """Successful runs with their factor columns (already in ``runs``)."""
    return data.runs


def _weekly(data: SweepData) -> pd.DataFrame:
    return data.weekly_with_factors()


def strategy_comparison_tables(sweeps: Mapping[str, SweepData]) -> Tables:
    """10-year harm and final networks per strategy, and each strategy's harm difference to reactive."""
    data = sweeps["strategy_comparison"]
    runs = _runs(data)
    summary = pd.concat(
        [
            stats.summarise(runs, ["strategy"], {**HARM, **NETWORKS}),
            stats.paired_differences(runs, "strategy", "reactive", {**HARM, **NETWORKS}),
        ],
        ignore_index=True,
    )
    weekly = _weekly(data)
    plot = pd.concat(
        [
            stats.band(weekly, ["strategy"], "harm_usd", 1e-6),
            stats.band(weekly, ["strategy"], "active_networks"),
        ],
        ignore_index=True,
    )
    return summary, plot


def impressive_numbers_tables(sweeps: Mapping[str, SweepData]) -> Tables:
    """Reported numbers and what matters per strategy (harm avoided is paired against ``none``)."""
    runs = _runs(sweeps["strategy_comparison"]).copy()
    none = runs[runs["strategy"] == "none"].set_index("replication")["harm_usd"]
    runs["harm_avoided_usd"] = runs["replication"].map(none) - runs["harm_usd"]
    enforced = runs[runs["strategy"] != "none"]
    summary = stats.summarise(enforced, ["strategy"], {**REPORTED, **MATTERS})
    summary["kind"] = np.where(summary["metric"].isin(list(REPORTED)), "reported", "matters")
    return summary, summary


def prevention_share_tables(sweeps: Mapping[str, SweepData]) -> Tables:
    """Harm and surviving networks against the prevention share, with the best (least-harm) share."""
    runs = _runs(sweeps["prevention_share"])
    summary = stats.summarise(runs, ["prevention_share"], {**HARM, **NETWORKS})
    harm = summary[summary["metric"] == "harm_bn"]
    best = float(harm.loc[harm["estimate"].idxmin(), "prevention_share"])
    summary["best_share"] = best
    return summary, summary


def targeting_tables(sweeps: Mapping[str, SweepData]) -> Tables:
    """10-year outcomes per strategy and targeting rule; weekly harm, efficiency and new recruits."""
    data = sweeps["targeting"]
    runs = _runs(data)
    metrics = {
        **HARM,
        **NETWORKS,
        "new_recruits_k": ("new_recruits", 1e-3),
        "efficiency_mean": ("network_efficiency_mean_mean", 1.0),
    }
    summary = pd.concat(
        [
            stats.summarise(runs, ["strategy", "targeting"], metrics),
            stats.paired_differences(runs, "targeting", "kingpin", HARM, by=["strategy"]),
        ],
        ignore_index=True,
    )
    weekly = _weekly(data)
    keys = ["strategy", "targeting"]
    plot = pd.concat(
        [
            stats.band(weekly, keys, "harm_usd", 1e-6),
            stats.band(weekly, keys, "network_efficiency_mean"),
            stats.band(weekly, keys, "new_recruits", 1e-3),
        ],
        ignore_index=True,
    )
    return summary, plot


def calibration_tables(sweeps: Mapping[str, SweepData]) -> Tables:
    """The first two years of the reactive baseline against the seed document's targets."""
    weekly = _weekly(sweeps["calibration"])
    per_run = weekly.groupby("replication").agg(
        licences_revoked=("licenses_revoked", "sum"),
        websites_suspended=("websites_suspended", "sum"),
        arrests=("arrests_total", "sum"),
        workers_detained=("workers_detained", "sum"),
        first=("initial_networks_active", "first"),
        last=("initial_networks_active", "last"),
        oc_linked_share=("oc_linked_share", "last"),
    )
    per_run["initial_networks_still_active"] = per_run["last"] / per_run["first"]
    rows = []
    for metric, (low, high) in CALIBRATION_TARGETS.items():
        values = per_run[metric].to_numpy(float)
        q05, q95 = np.percentile(values, [5, 95])
        row = stats.summarise(pd.DataFrame({"v": values}), [], {metric: ("v", 1.0)}).iloc[0].to_dict()
        ok = bool(low <= np.median(values) <= high)
        kind = "share" if high <= 1.0 else "count"
        rows.append(
            {
                **row,
                "kind": kind,
                "median": float(np.median(values)),
                "q05": q05,
                "q95": q95,
                "target_low": low,
                "target_high": high,
                "median_in_target": ok,
            }
        )
    table = pd.DataFrame(rows)
    return table, table


#: Seed-document targets for the first two years of the reactive baseline: [low, high] (inf = no bound).
#: "Thousands" of workers detained is read as 1,000-9,999; "about 75%" OC-linked as 0.65-0.85.
CALIBRATION_TARGETS = {
    "licences_revoked": (120.0, 200.0),
    "websites_suspended": (1000.0, np.inf),
    "arrests": (100.0, 999.0),
    "workers_detained": (1000.0, 9999.0),
    "initial_networks_still_active": (0.75, 1.0),
    "oc_linked_share": (0.65, 0.85),
}

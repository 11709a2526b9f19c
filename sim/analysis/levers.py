"""Headline tables of the policy-lever experiments: transition, capacity, cooperation and sensitivity.

Same contract as :mod:`sim.analysis.tables`: each ``<figure>_tables(sweeps)`` returns ``(summary,
plot_data)`` computed from stored sweep results only.
"""

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis import designs, sobol, stats
from sim.analysis.tables import HARM, Tables
from sim.sweep import SweepData

#: Reported numbers whose dip after a switch to prevention the transition experiment measures.
DIP_COLUMNS = {"arrests": "arrests_total", "websites_suspended": "websites_suspended"}
TRANSITION_KEYS = ["strategy", "transition_week", "transition_ramp_weeks"]
SENSITIVITY_SETTINGS = Path("experiments/designs/sensitivity.toml")


def transition_label(row: Mapping[str, object]) -> str:
    """A short label of a transition design point, e.g. ``switch wk 156, ramp 104``."""
    if row["strategy"] != "transition":
        return str(row["strategy"])
    return f"switch wk {row['transition_week']}, ramp {row['transition_ramp_weeks']}"


def _switch_year(weekly: pd.DataFrame, points: pd.DataFrame) -> pd.DataFrame:
    """Per run: reported numbers in the 52 weeks from each point's switch (week 1 for preventative),
    alongside reactive's numbers over the same weeks of the same replication."""
    rows = []
    reactive = weekly[weekly["strategy"] == "reactive"]
    for _, point in points[points["strategy"] != "reactive"].iterrows():
        start = 1 if point["strategy"] == "preventative" else int(point["transition_week"])
        window = weekly["week"].between(start, start + 51)
        mine = weekly[window & (weekly["point_id"] == point["point_id"])].groupby("replication")
        base = reactive[reactive["week"].between(start, start + 51)].groupby("replication")
        for name, column in DIP_COLUMNS.items():
            pct = 100 * (mine[column].sum() / base[column].sum().replace(0, np.nan) - 1)
            rows.append(
                {"point_id": point["point_id"], "metric": f"{name}_dip_pct", "values": pct.to_numpy()}
            )
    return pd.DataFrame(rows)


def transition_tables(sweeps: Mapping[str, SweepData]) -> Tables:
    """Dip in reported numbers in the year after the switch against 10-year harm avoided (vs reactive)."""
    data = sweeps["transition"]
    runs = data.runs.copy()
    runs["label"] = [transition_label(r) for r in runs[TRANSITION_KEYS].to_dict("records")]
    avoided = stats.paired_differences(runs, "label", "reactive", {"harm_avoided_bn": ("harm_usd", -1e-9)})
    avoided["metric"] = "harm_avoided_bn"
    weekly = data.weekly_with_factors()
    dips = _switch_year(weekly, data.design)
    labels = dict(
        zip(
            data.design["point_id"],
            [transition_label(r) for r in data.design.to_dict("records")],
            strict=True,
        )
    )
    dip_rows = [
        stats.summary_row({"label": labels[r.point_id]}, r.metric, r.values) for r in dips.itertuples()
    ]
    summary = pd.concat([avoided, pd.DataFrame(dip_rows)], ignore_index=True)
    weekly["label"] = weekly["point_id"].map(labels)
    plot = stats.band(weekly, ["label"], "arrests_total")
    return summary, pd.concat([plot.assign(part="weekly"), summary.assign(part="summary")], ignore_index=True)


def lever_tables(runs: pd.DataFrame, factors: tuple[str, str], extra: Mapping[str, stats.Metric]) -> Tables:
    """Outcomes per strategy over a grid of ``factors`` (the lever, then a second factor), preventative -
    reactive paired, and how the lever changes preventative's advantage (:func:`advantage_change`)."""
    metrics = {**HARM, **extra}
    summary = pd.concat(
        [
            stats.summarise(runs, ["strategy", *factors], metrics),
            stats.paired_differences(runs, "strategy", "reactive", metrics, by=list(factors)),
            advantage_change(runs, *factors),
        ],
        ignore_index=True,
    )
    return summary, summary


#: Metric of :func:`advantage_change`: preventative's harm advantage over reactive at the lever's highest
#: level minus at its lowest, per replication (averaged over the other factor's levels), $ bn.
ADVANTAGE_CHANGE = "advantage_change_bn"


def advantage_change(runs: pd.DataFrame, lever: str, other: str) -> pd.DataFrame:
    """One summary row: how much preventative's 10-year harm advantage over reactive (reactive's harm
    minus preventative's, same replication) changes from the lowest to the highest level of ``lever``,
    a difference in differences per replication averaged over the levels of ``other``, with its
    bootstrap interval and Wilcoxon p. Under common random numbers every run of a replication shares
    its seed, so the four runs behind each difference meet the same world."""
    harm = runs.pivot_table(index=["replication", lever, other], columns="strategy", values="harm_usd")
    advantage = ((harm["reactive"] - harm["preventative"]) * 1e-9).unstack(lever)
    low, high = advantage.columns.min(), advantage.columns.max()
    change = (advantage[high] - advantage[low]).groupby(level="replication").mean().to_numpy(float)
    row = stats.summary_row({"strategy": "preventative"}, ADVANTAGE_CHANGE, change, stats.wilcoxon_p(change))
    return pd.DataFrame([row])


def capacity_tables(sweeps: Mapping[str, SweepData]) -> Tables:
    """Harm per strategy against skilled-staff attrition and training cost, and how attrition changes
    preventative's advantage (:func:`advantage_change`)."""
    extra = {
        "skilled_officers_mean": ("skilled_officers_mean", 1.0),
        "networks_final": ("active_networks_final", 1.0),
    }
    return lever_tables(sweeps["capacity"].runs, ("police.attrition_rate", "police.training_cost"), extra)


def cooperation_tables(sweeps: Mapping[str, SweepData]) -> Tables:
    """Harm and displacement abroad per strategy against partner trust and intelligence sharing, and how
    trust changes preventative's advantage (:func:`advantage_change`)."""
    extra = {
        "networks_abroad_final": ("networks_abroad_final", 1.0),
        "partner_trust_final": ("partner_trust_final", 1.0),
    }
    return lever_tables(sweeps["cooperation"].runs, ("partner.trust_initial", "partner.sharing_rate"), extra)


def harm_difference_by_row(data: SweepData, settings: designs.SensitivitySettings) -> pd.DataFrame:
    """Per Saltelli row: the 10-year harm of preventative minus reactive ($ bn), same seed (CRN)."""
    labelled = designs.label_points(data.design, settings)
    runs = data.runs[["point_id", "replication", "harm_usd"]].merge(
        labelled[["point_id", "strategy", sobol.BLOCK, sobol.ROW]], on="point_id"
    )
    wide = runs.pivot_table(
        index=[sobol.BLOCK, sobol.ROW, "replication"], columns="strategy", values="harm_usd"
    )
    diff = (wide["preventative"] - wide["reactive"]) * 1e-9
    return diff.groupby(level=[0, 1]).mean().rename("harm_diff_bn").reset_index()


def sensitivity_tables(
    sweeps: Mapping[str, SweepData], settings_path: str | Path = SENSITIVITY_SETTINGS
) -> Tables:
    """Sobol first-order and total indices of the harm difference, with bootstrap intervals."""
    data = sweeps["sensitivity"]
    settings = designs.read_settings(settings_path)
    n = len(data.design) // (len(settings.strategies) * (len(settings.factors) + 2))  # quick runs use less
    settings = designs.read_settings(settings_path, base_samples=n)
    diffs = harm_difference_by_row(data, settings)
    f_a, f_b, f_ab = sobol.split_blocks(diffs, settings.factors, "harm_diff_bn")
    table = sobol.sobol_table(f_a, f_b, f_ab, settings.factors)
    long = [
        {
            "factor": r["factor"],
            "metric": idx,
            "estimate": r[idx],
            "low": r[f"{idx}_low"],
            "high": r[f"{idx}_high"],
            "n": n,
            "p_value": np.nan,
        }
        for r in table.to_dict("records")
        for idx in ("S1", "ST")
    ]
    overall = stats.summary_row({"factor": "(all)"}, "harm_diff_bn", np.concatenate([f_a, f_b]))
    summary = pd.DataFrame([*long, overall])
    return summary, pd.concat(
        [summary.assign(part="indices"), diffs.assign(part="design")], ignore_index=True
    )

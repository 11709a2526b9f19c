"""One function per published figure: each takes its plot table (from :mod:`sim.analysis.tables` or
:mod:`sim.analysis.levers`) and a sequence of Axes, and draws on them. Nothing here runs a model.

Axis labels carry units; intervals are 95% bootstrap intervals of the mean, bands are the 5th-95th
percentiles over replications (a 90% band) around the median.
"""

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from sim.analysis import style
from sim.analysis.tables import MATTERS, REPORTED, STRATEGY_ORDER

WEEKS = "week after enforcement starts"
LABELS = {
    "harm_bn": "10-year victim losses ($ bn)",
    "networks_final": "networks active after 10 years",
    "arrests": "arrests",
    "workers_detained": "workers detained",
    "websites_suspended": "websites suspended",
    "licences_revoked": "licences revoked",
    "assets_seized_musd": "assets seized ($ m)",
    "harm_avoided_bn": "harm avoided vs no enforcement ($ bn)",
    "networks_dismantled": "networks dismantled",
    "new_recruits_k": "new recruits (thousands)",
}


def _ordered(values: Sequence[object]) -> list[object]:
    """Strategies in the house order, anything else in order of appearance."""
    known = [s for s in STRATEGY_ORDER if s in values]
    return known + [v for v in dict.fromkeys(values) if v not in known]


def _bands(ax: Axes, frame: pd.DataFrame, group: str, *, style_by: str | None = None) -> None:
    """Median line and 90% band per value of ``group``; ``style_by`` picks the colour key."""
    for i, key in enumerate(_ordered(list(frame[group]))):
        rows = frame[frame[group] == key]
        c = style.colour(rows[style_by].iloc[0] if style_by else key, i)
        ax.plot(rows["week"], rows["median"], color=c, label=str(key))
        ax.fill_between(rows["week"], rows["low"], rows["high"], color=c, alpha=0.15, linewidth=0)


def strategy_comparison(plot: pd.DataFrame, axes: Sequence[Axes]) -> None:
    """Weekly victim losses and active networks per strategy: median and 90% band over replications."""
    for ax, column, label in zip(
        axes, ("harm_usd", "active_networks"), ("weekly victim losses ($ m)", "active networks"), strict=True
    ):
        _bands(ax, plot[plot["column"] == column], "strategy")
        ax.set(xlabel=WEEKS, ylabel=label, ylim=(0, None))
    axes[0].legend(frameon=False, ncols=2)


def _bars(ax: Axes, rows: pd.DataFrame, metric: str) -> None:
    """Bars of one metric per strategy with 95% interval whiskers."""
    rows = rows.set_index("strategy").loc[_ordered(list(rows["strategy"]))]
    x = np.arange(len(rows))
    ax.bar(x, rows["estimate"], color=[style.colour(s) for s in rows.index], width=0.7)
    err = np.vstack([rows["estimate"] - rows["low"], rows["high"] - rows["estimate"]])
    ax.errorbar(x, rows["estimate"], yerr=np.clip(err, 0, None), fmt="none", ecolor="black", capsize=3)
    ax.set_xticks(x, rows.index, rotation=30, ha="right")
    ax.set_title(LABELS[metric], fontsize=10)
    ax.axhline(0, color="black", linewidth=0.6)


def impressive_numbers(summary: pd.DataFrame, axes: Sequence[Axes]) -> None:
    """Side-by-side panels: the numbers officials report (top row) and what matters (bottom row)."""
    metrics = list(REPORTED) + list(MATTERS)
    for ax, metric in zip(axes, metrics, strict=False):
        _bars(ax, summary[summary["metric"] == metric], metric)
    for ax in axes[len(metrics) :]:
        ax.set_visible(False)
    axes[0].set_ylabel("total over the run, mean")
    axes[len(REPORTED) if len(axes) > len(REPORTED) else 0].set_ylabel("total over the run, mean")


def _interval_line(ax: Axes, rows: pd.DataFrame, x: str, label: str, c: str) -> None:
    """Mean against ``x`` with its 95% interval as a band."""
    rows = rows.sort_values(x)
    ax.plot(rows[x], rows["estimate"], "o-", color=c, label=label, markersize=4)
    ax.fill_between(rows[x], rows["low"], rows["high"], color=c, alpha=0.2, linewidth=0)


def prevention_share(summary: pd.DataFrame, axes: Sequence[Axes]) -> None:
    """10-year harm and networks surviving against the prevention share, best (least-harm) share marked."""
    best = float(summary["best_share"].iloc[0])
    for ax, metric in zip(axes, ("harm_bn", "networks_final"), strict=True):
        rows = summary[summary["metric"] == metric]
        _interval_line(ax, rows, "prevention_share", "mean, 95% CI", style.colour("mixed"))
        ax.axvline(best, color="black", linestyle="--", linewidth=1, label=f"least harm: share {best:g}")
        ax.set(xlabel="prevention share of the weekly effort", ylabel=LABELS[metric])
    axes[0].legend(frameon=False)


def targeting(plot: pd.DataFrame, axes: Sequence[Axes]) -> None:
    """Rows: custom (arrest-focused) and preventative; columns: weekly harm, network efficiency, recruits."""
    columns = (
        ("harm_usd", "weekly victim losses ($ m)"),
        ("network_efficiency_mean", "network efficiency (0-1)"),
        ("new_recruits", "new recruits per week (thousands)"),
    )
    strategies = _ordered(list(plot["strategy"]))
    for r, strategy in enumerate(strategies):
        for c, (column, label) in enumerate(columns):
            ax = axes[r * len(columns) + c]
            _bands(ax, plot[(plot["strategy"] == strategy) & (plot["column"] == column)], "targeting")
            ax.set(xlabel=WEEKS, ylabel=label, title=f"strategy = {strategy}")
    axes[0].legend(frameon=False, title="targeting")


def transition(data: pd.DataFrame, axes: Sequence[Axes]) -> None:
    """Left: weekly arrests per design point. Right: dip in arrests in the switch year against harm avoided.

    ``data`` stacks the weekly bands (``part == "weekly"``) and the summary (``part == "summary"``)."""
    plot, summary = data[data["part"] == "weekly"], data[data["part"] == "summary"]
    labels = _ordered(list(plot["label"]))
    for i, label in enumerate(labels):
        rows = plot[plot["label"] == label]
        smooth = rows["median"].rolling(13, min_periods=1).mean()
        axes[0].plot(rows["week"], smooth, color=style.colour(label, i), label=label)
    axes[0].set(xlabel=WEEKS, ylabel="arrests per week (median, 13-week mean)")
    axes[0].legend(frameon=False, fontsize=7)
    dip = summary[summary["metric"] == "arrests_dip_pct"].set_index("label")
    gain = summary[summary["metric"] == "harm_avoided_bn"].set_index("label").loc[dip.index]
    for i, label in enumerate(dip.index):
        x, y = dip.loc[label], gain.loc[label]
        axes[1].errorbar(
            x["estimate"],
            y["estimate"],
            xerr=[[x["estimate"] - x["low"]], [x["high"] - x["estimate"]]],
            yerr=[[y["estimate"] - y["low"]], [y["high"] - y["estimate"]]],
            fmt="o",
            color=style.colour(label, labels.index(label) if label in labels else i),
            capsize=2,
        )
        axes[1].annotate(
            label, (x["estimate"], y["estimate"]), fontsize=7, xytext=(4, 4), textcoords="offset points"
        )
    axes[1].axhline(0, color="black", linewidth=0.6)
    axes[1].axvline(0, color="black", linewidth=0.6)
    axes[1].set(
        xlabel="change in arrests in the year after the switch vs reactive (%)",
        ylabel="10-year harm avoided vs reactive ($ bn)",
    )


def _lever(
    summary: pd.DataFrame, axes: Sequence[Axes], x: str, series: str, outcome: tuple[str, str]
) -> None:
    """Left: preventative - reactive harm against lever ``x``, one line per ``series`` level.
    Right: ``outcome`` (metric, label) per strategy against ``x``, one line per strategy and level."""
    diff = summary[summary["metric"] == "harm_bn_diff"]
    for i, (level, rows) in enumerate(diff.groupby(series)):
        _interval_line(axes[0], rows, x, f"{series.split('.')[-1]} = {level:g}", style.PALETTE[i])
    axes[0].axhline(0, color="black", linewidth=0.6)
    axes[0].set(xlabel=x, ylabel="10-year harm, preventative - reactive ($ bn)")
    axes[0].legend(frameon=False)
    metric, label = outcome
    rows = summary[(summary["metric"] == metric) & summary["strategy"].notna()]
    for i, ((strategy, level), group) in enumerate(rows.groupby(["strategy", series])):
        dashes = "-" if i % 2 == 0 else "--"
        group = group.sort_values(x)
        axes[1].plot(
            group[x],
            group["estimate"],
            dashes,
            marker="o",
            markersize=4,
            color=style.colour(strategy),
            label=f"{strategy}, {series.split('.')[-1]} = {level:g}",
        )
    axes[1].set(xlabel=x, ylabel=label)
    axes[1].legend(frameon=False, fontsize=7)


def capacity(summary: pd.DataFrame, axes: Sequence[Axes]) -> None:
    """Does prevention pay only if people are retained? Harm difference and harm against attrition."""
    _lever(summary, axes, "police.attrition_rate", "police.training_cost", ("harm_bn", LABELS["harm_bn"]))
    for ax in axes:
        ax.set_xscale("log")
        ax.set_xlabel("skilled-staff attrition (share per week, log scale)")


def cooperation(summary: pd.DataFrame, axes: Sequence[Axes]) -> None:
    """Partner trust and sharing: harm difference, and displacement abroad (networks abroad at the end)."""
    outcome = ("networks_abroad_final", "networks abroad after 10 years")
    _lever(summary, axes, "partner.trust_initial", "partner.sharing_rate", outcome)
    for ax in axes:
        ax.set_xlabel("initial partner trust (0-1)")


def sensitivity(data: pd.DataFrame, axes: Sequence[Axes]) -> None:
    """Left: Sobol first-order and total indices with 95% bootstrap intervals. Right: the output's spread.

    ``data`` stacks the indices (``part == "indices"``) and the per-row harm differences (``"design"``)."""
    summary, diffs = data[data["part"] == "indices"], data[data["part"] == "design"]
    table = summary[summary["metric"].isin(["S1", "ST"])]
    factors = list(dict.fromkeys(table["factor"]))
    y = np.arange(len(factors))
    for offset, (index, c) in zip(
        (-0.18, 0.18), (("S1", style.PALETTE[0]), ("ST", style.PALETTE[1])), strict=True
    ):
        rows = table[table["metric"] == index].set_index("factor").loc[factors]
        err = np.clip(np.vstack([rows["estimate"] - rows["low"], rows["high"] - rows["estimate"]]), 0, None)
        axes[0].barh(y + offset, rows["estimate"], height=0.34, color=c, label=index)
        axes[0].errorbar(rows["estimate"], y + offset, xerr=err, fmt="none", ecolor="black", capsize=2)
    axes[0].set_yticks(y, factors)
    axes[0].invert_yaxis()
    axes[0].axvline(0, color="black", linewidth=0.6)
    axes[0].set(xlabel="Sobol index of the 10-year harm difference (share of variance)")
    axes[0].legend(frameon=False, title="index")
    axes[1].hist(diffs["harm_diff_bn"], bins=20, color=style.colour("preventative"), alpha=0.8)
    axes[1].axvline(0, color="black", linewidth=0.8)
    axes[1].set(xlabel="10-year harm, preventative - reactive ($ bn)", ylabel="parameter sets")


def calibration(table: pd.DataFrame, axes: Sequence[Axes]) -> None:
    """Model (median, 5th-95th percentile) against the seed document's target range, one row per figure."""
    counts, shares = table[table["kind"] == "count"], table[table["kind"] == "share"]
    for ax, rows, log in ((axes[0], counts, True), (axes[1], shares, False)):
        y = np.arange(len(rows))
        for yi, row in zip(y, rows.itertuples(), strict=True):
            high = row.target_high if np.isfinite(row.target_high) else row.q95 * 3
            ax.fill_betweenx(
                [yi - 0.3, yi + 0.3], row.target_low, high, color=style.OKABE_ITO["green"], alpha=0.25
            )
            ax.plot([row.q05, row.q95], [yi, yi], color="black", linewidth=1.2)
            ax.plot(row.median, yi, "o", color=style.colour("reactive"))
        ax.set_yticks(y, rows["metric"])
        ax.invert_yaxis()
        if log:
            ax.set_xscale("log")
    axes[0].set_xlabel("first two years, count (log scale); green = target range")
    axes[1].set_xlabel("share (0-1); green = target range")

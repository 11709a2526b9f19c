"""The published figures: which sweeps each reads, how its tables are computed and how it is drawn.

:data:`PRODUCTS` lists one :class:`Product` per figure; :func:`render` turns stored sweep results into
the figure and its summary table. Figures and summaries come only from stored results.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from sim.analysis import figures, levers, style, tables
from sim.sweep import SweepData

#: Every experiment spec run by ``sim reproduce`` (experiments/<name>.toml), in running order.
EXPERIMENTS = (
    "calibration",
    "strategy_comparison",
    "prevention_share",
    "targeting",
    "transition",
    "capacity",
    "cooperation",
    "sensitivity",
)


@dataclass(frozen=True)
class Product:
    """One published figure and its summary: ``results/figures/<name>.{png,svg}``, ``summary/<name>.csv``."""

    name: str
    sources: tuple[str, ...]
    tables: Callable[[Mapping[str, SweepData]], tables.Tables]
    draw: Callable[[pd.DataFrame, Sequence[Any]], None]
    shape: tuple[int, int]
    size: tuple[float, float]
    title: str
    shows: str


PRODUCTS = (
    Product(
        "strategy_comparison",
        ("strategy_comparison",),
        tables.strategy_comparison_tables,
        figures.strategy_comparison,
        (1, 2),
        (11, 4.2),
        "Five strategies over ten years",
        "weekly victim losses and active networks per strategy: median and 90% band over replications",
    ),
    Product(
        "impressive_numbers",
        ("strategy_comparison",),
        tables.impressive_numbers_tables,
        figures.impressive_numbers,
        (2, 5),
        (14, 6.5),
        "What officials report and what matters",
        "10-year totals of the reported numbers (top) against harm avoided, networks dismantled and "
        "new recruits (bottom), mean and 95% bootstrap interval per strategy",
    ),
    Product(
        "prevention_share",
        ("prevention_share",),
        tables.prevention_share_tables,
        figures.prevention_share,
        (1, 2),
        (11, 4.2),
        "Prevention share of a fixed budget",
        "10-year harm and networks surviving against the prevention share (mixed), 95% bootstrap "
        "intervals, least-harm share marked",
    ),
    Product(
        "targeting",
        ("targeting",),
        tables.targeting_tables,
        figures.targeting,
        (2, 3),
        (14, 7.5),
        "Targeting rules at the same effort",
        "weekly harm, network efficiency and new recruits per targeting rule, under the arrest-focused "
        "custom allocation (top) and the preventative preset (bottom)",
    ),
    Product(
        "transition",
        ("transition",),
        levers.transition_tables,
        figures.transition,
        (1, 2),
        (12, 4.5),
        "Switching from reactive to preventative",
        "weekly arrests per switch week and ramp, and the dip in arrests in the year after the switch "
        "against 10-year harm avoided (both vs reactive, paired)",
    ),
    Product(
        "capacity",
        ("capacity",),
        levers.capacity_tables,
        figures.capacity,
        (1, 2),
        (12, 4.5),
        "Skilled-staff attrition and training",
        "preventative - reactive 10-year harm (95% interval) and each strategy's harm against attrition, "
        "per training cost",
    ),
    Product(
        "cooperation",
        ("cooperation",),
        levers.cooperation_tables,
        figures.cooperation,
        (1, 2),
        (12, 4.5),
        "Partner trust and intelligence sharing",
        "preventative - reactive 10-year harm (95% interval) and networks abroad against initial trust, "
        "per sharing rate",
    ),
    Product(
        "sensitivity",
        ("sensitivity",),
        levers.sensitivity_tables,
        figures.sensitivity,
        (1, 2),
        (12, 4.8),
        "Global sensitivity of the preventative - reactive harm difference",
        "Sobol first-order and total indices with 95% bootstrap intervals, and the spread of the "
        "difference over the Saltelli design",
    ),
    Product(
        "calibration",
        ("calibration",),
        tables.calibration_tables,
        figures.calibration,
        (1, 2),
        (11, 3.8),
        "Reactive baseline, first two years, against the seed document",
        "model median and 5th-95th percentile of each reported figure against its target range",
    ),
)


def product(name: str) -> Product:
    """The product called ``name`` (``KeyError`` listing the names if there is none)."""
    for p in PRODUCTS:
        if p.name == name:
            return p
    raise KeyError(f"no figure {name!r}; figures: {', '.join(p.name for p in PRODUCTS)}")


def render(p: Product, sweeps: Mapping[str, SweepData]) -> tuple[Figure, pd.DataFrame]:
    """The figure and the summary table of ``p`` from stored sweep results."""
    summary, plot = p.tables(sweeps)
    with style.house_style():
        fig, axes = style.new_figure(*p.shape, width=p.size[0], height=p.size[1])
        p.draw(plot, list(axes.flat))
        fig.suptitle(p.title, fontsize=12, x=0.0, ha="left")
        style.source_line(fig, p.sources, [style.commit_of(sweeps[s].manifest) for s in p.sources])
    return fig, summary

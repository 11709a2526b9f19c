"""The quick strategy comparison behind ``sim compare`` (``make compare``): the five presets
(:data:`PRESETS`) over the same seeds, a table and one figure."""

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

from sim.params import STRATEGIES, Params

#: The presets compared: every strategy but ``custom``, whose shares are the user's, not a preset.
PRESETS = tuple(s for s in STRATEGIES if s != "custom")

OUTCOMES = {
    "harm_usd": ("victim losses, $ bn", 1e-9),
    "arrests_total": ("arrests", 1.0),
    "workers_detained": ("workers detained", 1.0),
    "assets_seized_usd": ("assets seized, $ m", 1e-6),
    "new_recruits": ("new recruits, k", 1e-3),
}


def run_presets(seeds: list[int], weeks: int | None = None, base: Params | None = None) -> pd.DataFrame:
    """Weekly tables of every preset (:data:`PRESETS`) and seed, stacked, with ``strategy`` and ``seed``
    columns."""
    from sim.run import run

    base = base if base is not None else Params()
    frames = []
    for strategy in PRESETS:
        params = base.with_overrides({"strategy": strategy})
        for seed in seeds:
            frame = run(params, seed, weeks)
            frames.append(frame.assign(strategy=strategy, seed=seed))
    return pd.concat(frames, ignore_index=True)


def summary_table(weekly: pd.DataFrame) -> pd.DataFrame:
    """Per strategy: the mean over seeds of each run's totals, plus networks and workers at the end."""
    last = weekly["week"].max()
    totals = weekly.groupby(["strategy", "seed"])[list(OUTCOMES)].sum()
    finals = weekly[weekly["week"] == last].set_index(["strategy", "seed"])[["active_networks", "workers"]]
    per_run = totals.join(finals)
    table = per_run.groupby("strategy", sort=False).mean()
    for col, (label, scale) in OUTCOMES.items():
        table[label] = table.pop(col) * scale
    table = table.rename(columns={"active_networks": "networks at end", "workers": "workers at end"})
    return table.reindex([s for s in PRESETS if s in table.index])


def plot_strategies(weekly: pd.DataFrame, axes) -> None:  # type: ignore[no-untyped-def]
    """Weekly harm and active networks per strategy: median over seeds, band from min to max."""
    for ax, col, label, scale in (
        (axes[0], "harm_usd", "weekly victim losses ($ m)", 1e-6),
        (axes[1], "active_networks", "active networks", 1.0),
    ):
        for strategy, group in weekly.groupby("strategy", sort=False):
            g = group.groupby("week")[col]
            line = ax.plot(g.median().index, g.median() * scale, label=strategy)[0]
            ax.fill_between(
                g.min().index, g.min() * scale, g.max() * scale, color=line.get_color(), alpha=0.15
            )
        ax.set_xlabel("week after enforcement starts")
        ax.set_ylabel(label)
    axes[0].legend(frameon=False)


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("--seeds", type=int, default=5, help="number of seeds, 0..N-1 (default 5)")
    p.add_argument("--weeks", type=int, default=None, help="weeks after burn-in (default 520)")
    p.add_argument("--out", default="results/compare", help="folder for the table and figure")


def main(args: argparse.Namespace) -> int:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sim.cli import InputError

    if args.seeds < 1:
        raise InputError(f"--seeds {args.seeds}: must be at least 1")
    if args.weeks is not None and args.weeks < 1:
        raise InputError(f"--weeks {args.weeks}: must be at least 1")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out}: is a file; give a folder for the table and figure")
    try:
        out.mkdir(parents=True, exist_ok=True)  # before the runs, so a bad folder fails at once
    except OSError as exc:
        raise InputError(f"--out {out}: cannot create the folder ({exc.strerror})") from None
    start = time.perf_counter()
    weekly = run_presets(list(range(args.seeds)), args.weeks)
    table = summary_table(weekly)
    with pd.option_context("display.float_format", "{:,.1f}".format, "display.width", 140):
        print(table.to_string())
    table.to_csv(out / "strategies.csv")
    fig, axes = plt.subplots(1, 2, figsize=(11, 4), constrained_layout=True)
    plot_strategies(weekly, axes)
    fig.savefig(out / "strategies.png", dpi=120)
    plt.close(fig)
    n_runs = len(PRESETS) * args.seeds
    print(f"{n_runs} runs in {time.perf_counter() - start:.1f} s; wrote {out / 'strategies.csv'} and "
          f"{out / 'strategies.png'}")  # fmt: skip
    return 0 if np.isfinite(table.to_numpy(dtype=float)).all() else 1

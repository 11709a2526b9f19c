"""The shared look of the published figures: fonts, the Okabe-Ito palette, units, a source line, saving.

Okabe & Ito (2008) colours stay distinguishable under the common forms of colour blindness. Every saved
figure carries a source line naming the experiment(s) it reads and the commit that produced them, and
is written as PNG (for reading) and SVG (for print and diffing).
"""

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib as mpl
from matplotlib.figure import Figure
from matplotlib.rcsetup import cycler

#: Okabe-Ito palette (black last: for reference lines).
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
}
PALETTE = [OKABE_ITO[c] for c in ("blue", "vermillion", "green", "orange", "purple", "sky_blue", "yellow")]

#: Fixed colour per strategy (and targeting rule) so a strategy looks the same in every figure.
COLOURS = {
    "none": "#7F7F7F",
    "reactive": OKABE_ITO["vermillion"],
    "preventative": OKABE_ITO["blue"],
    "mixed": OKABE_ITO["green"],
    "transition": OKABE_ITO["purple"],
    "custom": OKABE_ITO["orange"],
    "kingpin": OKABE_ITO["vermillion"],
    "broker": OKABE_ITO["blue"],
    "recruiter": OKABE_ITO["green"],
    "random": OKABE_ITO["orange"],
}

RC: dict[Any, Any] = {
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "legend.fontsize": 9,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linewidth": 0.6,
    "lines.linewidth": 1.8,
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "svg.fonttype": "none",
    "svg.hashsalt": "sim-figures",
    "axes.prop_cycle": cycler(color=PALETTE),
}


def colour(name: object, index: int = 0) -> str:
    """The fixed colour of a strategy or targeting rule, else the ``index``-th palette colour."""
    return COLOURS.get(str(name), PALETTE[index % len(PALETTE)])


def new_figure(
    nrows: int = 1, ncols: int = 1, *, width: float = 10.0, height: float = 4.0
) -> tuple[Figure, Any]:
    """A figure in the house style with an ``nrows x ncols`` array of axes (always a 2-D array)."""
    with mpl.rc_context(RC):
        fig = Figure(figsize=(width, height), layout="constrained")
        axes = fig.subplots(nrows, ncols, squeeze=False)
    return fig, axes


def house_style() -> Any:
    """Context manager applying the house rc settings: build and draw every figure inside it."""
    return mpl.rc_context(RC)


def commit_of(manifest: Mapping[str, Any]) -> str:
    """Short commits (with ``+dirty``) of the sessions that produced a sweep's runs, or ``unknown``: not
    of a later session that found the sweep complete and ran nothing."""
    from sim.sweep.manifest import commit_label, sessions_that_ran

    return ", ".join(sorted({commit_label(s, 10) for s in sessions_that_ran(manifest) or [{}]}))


def source_line(fig: Figure, experiments: Iterable[str], commits: Sequence[str]) -> None:
    """Write 'Source: experiment(s) ..., commit ...' at the bottom left of ``fig``."""
    names = ", ".join(f"experiments/{e}.toml" for e in experiments)
    text = f"Source: sim reproduce; {names}; commit {', '.join(sorted(set(commits)))}"
    fig.text(0.0, 0.0, text, ha="left", va="bottom", fontsize=7, color="#555555")
    fig.get_layout_engine().set(h_pad=0.12)  # type: ignore[union-attr,call-arg]


def save(fig: Figure, folder: str | Path, name: str) -> list[Path]:
    """Write ``name.png`` and ``name.svg`` into ``folder``; returns both paths."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"{name}.png", out / f"{name}.svg"]
    with mpl.rc_context(RC):
        fig.savefig(paths[0])
        fig.savefig(paths[1], metadata={"Date": None})
    return paths

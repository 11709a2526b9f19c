"""The interactive dashboard: a Mesa SolaraViz app of one run, week by week.

Open it with ``sim dashboard`` (a local web server, ``http://127.0.0.1:8765`` by default) or inline in
Jupyter with ``from sim.app import dashboard; dashboard()``. Controls are the explorer's
(:data:`sim.explorer.CONTROLS`), with ranges and defaults from :meth:`sim.Params.specs`; a model starts
after its burn-in, at week 0, so the plots show the enforcement years only. Plots read a Mesa
``DataCollector`` built from :data:`sim.observe.REPORTERS`; the network view reads ``model.nets``,
``model.intel`` and the boss arrests counted here.
"""

import argparse
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import mesa
import numpy as np
import pandas as pd
import solara
from matplotlib.figure import Figure
from mesa.visualization import Slider, SolaraViz
from mesa.visualization.utils import update_counter

from sim.agents.network import BOSS, ScamNetwork
from sim.explorer import CONTROLS, Control
from sim.model import ScamEnforcementModel
from sim.observe import REPORTERS
from sim.params import Params, parse_value

TITLE = "Scam-network enforcement"
TABLE_CSS = ".sim-table td, .sim-table th {padding: 1px 12px; text-align: right} .sim-table {margin: 8px 0}"
DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8765


def networks_home(m: ScamEnforcementModel) -> float:
    """Active networks inside the task force's jurisdiction."""
    return float((m.nets.alive & m.home_mask()).sum())


DASHBOARD_REPORTERS = {**REPORTERS, "networks_home": networks_home}


# -- the model -------------------------------------------------------------------------------------------
def params_from_settings(settings: Mapping[str, Any]) -> Params:
    """Params from flat keyword arguments: ``police__attrition_rate`` is ``police.attrition_rate``.

    Text (from a typed-in box) is converted to the parameter's type; errors name the parameter.
    """
    overrides = {}
    for name, value in settings.items():
        path = name.replace("__", ".")
        if isinstance(value, str) and Params.spec(path).type is not str:
            value = parse_value(path, value.strip())
        overrides[path] = value
    return Params().with_overrides(overrides)


def _seed(value: int | str) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise ValueError(f"seed: expected a whole number, got {value!r}") from None


class DashboardModel(ScamEnforcementModel):
    """The model with flat keyword parameters (what SolaraViz passes), burn-in done and a DataCollector.

    Invalid parameters do not raise: the model runs the defaults and ``param_error`` holds Params'
    message, which the dashboard shows. Mesa's reset also passes a ``scenario``; parameters and seed come
    from the controls instead, so it is ignored.
    """

    def __init__(self, seed: int | str = 0, scenario: Any = None, **settings: Any) -> None:
        try:
            params, seed_, error = params_from_settings(settings), _seed(seed), None
        except (ValueError, TypeError) as exc:
            params, seed_, error = Params(), 0, f"{exc} (running the defaults, seed 0, instead)"
        super().__init__(params, seed_)
        self.param_error = error
        self.boss_arrests: Counter[int] = Counter()
        self.datacollector = mesa.DataCollector(model_reporters=DASHBOARD_REPORTERS)
        for _ in range(params.burn_in_weeks):
            self._advance()
        self.datacollector.collect(self)

    def _advance(self) -> None:
        """One week of the model (what :func:`sim.run.run` does per week), without Mesa's clock."""
        self.laundered_before = self.ledger["laundered"]
        ScamEnforcementModel.step(self)

    def step(self) -> None:
        """One week of enforcement; record it; stop at the horizon (``params.weeks``)."""
        self._advance()
        self.datacollector.collect(self)
        self.running = self.week < self.params.weeks

    def arrest_member(self, network: ScamNetwork, member: int) -> None:
        """Count boss arrests per network for the network view, then arrest as usual."""
        if network.role(member) == BOSS:
            self.boss_arrests[network.slot] += 1
        super().arrest_member(network, member)


# -- controls --------------------------------------------------------------------------------------------
def kwarg_name(path: str) -> str:
    """A dotted path as a keyword name: ``police.attrition_rate`` -> ``police__attrition_rate``."""
    return path.replace(".", "__")


def user_param(control: Control) -> Any:
    """A SolaraViz input for one control: a select, a slider over the valid range, or a text box."""
    s = control.spec
    if control.kind == "choice":
        return {"type": "Select", "value": s.default, "values": list(s.choices or ()), "label": control.label}
    if control.kind == "slider":
        return Slider(control.label, value=s.default, min=s.low, max=s.high, step=control.step, dtype=s.type)
    label = f"{control.label} (valid {s.low:g} to {s.high:g})"
    return {"type": "InputText", "value": str(s.default), "label": label}


def model_params() -> dict[str, Any]:
    """Every control, plus the seed, keyed by the keyword :class:`DashboardModel` accepts."""
    params = {"seed": {"type": "InputText", "value": "0", "label": "random seed"}}
    params.update({kwarg_name(c.path): user_param(c) for c in CONTROLS})
    return params


# -- plots and counters ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Plot:
    """A time-series plot of DataCollector columns: scaled, optionally cumulative."""

    key: str
    title: str
    columns: Mapping[str, str]
    ylabel: str
    scale: float = 1.0
    cumulative: bool = False


_ARRESTS = {
    "arrests_total": "all", "arrests_bosses": "bosses", "arrests_facilitators": "facilitators",
    "arrests_recruiters": "recruiters",
}  # fmt: skip
PLOTS = (
    Plot("harm", "Victim losses per week", {"harm_usd": "harm"}, "$ m per week", 1e-6),
    Plot("workers", "Workers in compounds", {"workers": "workers"}, "thousands", 1e-3),
    Plot("networks", "Active networks", {"networks_home": "home", "networks_abroad": "abroad"}, "networks"),
    Plot("arrests", "Arrests since week 0", _ARRESTS, "people", cumulative=True),
    Plot("assets", "Assets seized since week 0", {"assets_seized_usd": "assets seized"}, "$ m", 1e-6, True),
)


def weekly_frame(model: DashboardModel) -> pd.DataFrame:
    """The DataCollector's table: one row per week from week 0."""
    return model.datacollector.get_model_vars_dataframe()


def plot_figure(plot: Plot, frame: pd.DataFrame) -> Figure:
    """The figure of one :class:`Plot` from the weekly table."""
    fig = Figure(figsize=(5, 3))  # fixed margins: a layout engine would double the cost of every redraw
    fig.subplots_adjust(left=0.14, right=0.97, top=0.9, bottom=0.16)
    ax = fig.subplots()
    for column, label in plot.columns.items():
        values = frame[column].cumsum() if plot.cumulative else frame[column]
        ax.plot(frame["week"], values * plot.scale, label=label)
    ax.set_title(plot.title)
    ax.set_xlim(0, max(int(frame["week"].max()), 10))
    ax.set_xlabel("week")
    ax.set_ylabel(plot.ylabel)
    ax.set_ylim(bottom=0)
    if len(plot.columns) > 1:
        ax.legend(frameon=False)
    return fig


def plot_panel(plot: Plot, model: DashboardModel) -> Any:
    """One plot as a PNG image in a div with class ``sim-plot-<key>`` (the browser test finds it so)."""
    with solara.Div(classes=[f"sim-plot-{plot.key}"]) as main:
        solara.FigureMatplotlib(plot_figure(plot, weekly_frame(model)), format="png")
    return main


def counters(model: DashboardModel) -> dict[str, str]:
    """The headline numbers at this week: stocks now, events summed since week 0."""
    frame = weekly_frame(model)
    last, since = frame.iloc[-1], frame.iloc[1:].sum()  # row 0 is the last burn-in week
    return {
        "week": f"{model.week} of {model.params.weeks}",
        "victim losses this week": f"${last['harm_usd'] / 1e6:,.1f} m",
        "victim losses since week 0": f"${since['harm_usd'] / 1e9:,.2f} bn",
        "networks (home / abroad)": f"{last['networks_home']:,.0f} / {last['networks_abroad']:,.0f}",
        "workers": f"{last['workers']:,.0f}",
        "arrests (bosses)": f"{since['arrests_total']:,.0f} ({since['arrests_bosses']:,.0f})",
        "websites suspended": f"{since['websites_suspended']:,.0f}",
        "licences revoked": f"{since['licenses_revoked']:,.0f}",
        "assets seized": f"${since['assets_seized_usd'] / 1e6:,.1f} m",
        "strategy": f"{model.params.strategy} (targeting {model.params.targeting})",
    }


def counters_panel(model: DashboardModel) -> Any:
    """The headline numbers as a table, and Params' message if the controls were invalid."""
    table = pd.Series(counters(model), name="").to_frame()
    with solara.Div(classes=["sim-counters"]) as main:
        if model.param_error:
            solara.Error(f"Invalid parameters: {model.param_error}")
        html_table(table, header=False)
    return main


def html_table(table: pd.DataFrame, header: bool = True) -> Any:
    """A plain HTML table (no Markdown: Solara's Markdown loads KaTeX and Mermaid from a CDN)."""
    text = table.to_html(header=header, index_names=False, border=0, classes="sim-table")
    return solara.HTML(tag="div", unsafe_innerHTML=text)


# -- the network view ------------------------------------------------------------------------------------
def network_table(model: DashboardModel) -> pd.DataFrame:
    """One row per active network: zone, workers, websites, share of core known, boss arrests."""
    n = model.nets
    slots = np.flatnonzero(n.alive)
    intel = np.zeros(len(n))
    intel[: len(model.intel)] = model.intel
    home = model.params.world.n_home_zones
    return pd.DataFrame({
        "network": slots,
        "zone": [f"zone {z + 1}" if z < home else "abroad" for z in n.zone[slots]],
        "zone_index": np.minimum(n.zone[slots], home),
        "workers": n.workers[slots], "websites": n.websites[slots], "intel": intel[slots],
        "oc_linked": n.oc[slots], "boss_arrests": [model.boss_arrests[int(s)] for s in slots],
    })  # fmt: skip


def zone_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per zone: networks, workers, networks known to the task force, networks that lost a boss."""
    flags = table.assign(known=table["intel"] > 0, lost_boss=table["boss_arrests"] > 0)
    g = flags.sort_values("zone_index").groupby("zone", sort=False)
    return pd.DataFrame({
        "networks": g.size(), "workers": g["workers"].sum(), "known to task force": g["known"].sum(),
        "boss arrested": g["lost_boss"].sum(),
    })  # fmt: skip


def network_figure(table: pd.DataFrame, n_home: int) -> Figure:
    """Networks by zone: area ~ workers, colour = share of core members known, ring = boss arrested."""
    fig = Figure(figsize=(6, 3.4))
    fig.subplots_adjust(left=0.03, right=0.99, top=0.9, bottom=0.2)
    ax = fig.subplots()
    t = table.sort_values("workers", ascending=False)
    rank = t.groupby("zone_index").cumcount().to_numpy()
    x, y = t["zone_index"].to_numpy() + 0.16 * (rank % 5) - 0.32, rank // 5
    known = t["intel"].to_numpy() > 0
    size = 8 + t["workers"].to_numpy() / 25
    ax.scatter(x[~known], y[~known], s=size[~known], c="0.8", edgecolors="0.6", label="unknown to task force")
    dots = ax.scatter(
        x[known], y[known], s=size[known], c=t["intel"].to_numpy()[known], cmap="Reds", vmin=0, vmax=1,
        edgecolors="0.4", label="known (colour: share of core)",
    )  # fmt: skip
    lost = t["boss_arrests"].to_numpy() > 0
    ax.scatter(
        x[lost], y[lost], s=size[lost] + 40, facecolors="none", edgecolors="k", linewidths=1.5,
        label="boss arrested",
    )  # fmt: skip
    fig.colorbar(dots, ax=ax, label="share of core members known")
    ax.set_xticks(range(n_home + 1), [f"zone {z + 1}" for z in range(n_home)] + ["abroad"])
    ax.set_xlim(-0.6, n_home + 0.6)
    ax.set_yticks([])
    ax.invert_yaxis()
    ax.set_title(f"{len(t)} active networks (area ~ workers)")
    legend = ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, fontsize=7, frameon=False)
    for handle in legend.legend_handles:
        handle.set_sizes([40])  # type: ignore[union-attr]
    return fig


def networks_panel(model: DashboardModel) -> Any:
    """The criminal networks: where they are, how big, what the task force knows, bosses arrested."""
    table = network_table(model)
    with solara.Div(classes=["sim-networks"]) as main:
        solara.FigureMatplotlib(network_figure(table, model.params.world.n_home_zones), format="png")
        html_table(zone_summary(table))
    return main


@solara.component
def Panels(model: DashboardModel) -> None:
    """Counters and the network view, then the plots; redrawn after every step.

    Mesa's own grid of components (``GridDraggable``) does not load with Solara's Vue 3 front end
    (its grid library is a Vue 2 plugin), so the panels sit in a fixed CSS grid instead.
    """
    update_counter.get()  # SolaraViz bumps this after each step: subscribe to redraw
    solara.Style(TABLE_CSS)
    with solara.Columns([2, 3]):
        counters_panel(model)
        networks_panel(model)
    with solara.GridFixed(columns=3, align_items="start"):
        for plot in PLOTS:
            plot_panel(plot, model)


@solara.component
def Page() -> None:
    """The dashboard page (what ``solara run sim.app`` serves): SolaraViz's controls and our panels."""
    initial = solara.use_memo(DashboardModel, dependencies=[])
    model: solara.Reactive[DashboardModel] = solara.use_reactive(initial)
    SolaraViz(model, components=[], model_params=model_params(), name=TITLE, play_interval=150)
    Panels(model.value)


def dashboard() -> Any:
    """The dashboard as a Solara element, to show inline in Jupyter (the last expression of a cell)."""
    return Page()


# -- serving ---------------------------------------------------------------------------------------------
def serve_command(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> list[str]:
    """The ``solara run`` command line that serves this app."""
    return [
        sys.executable, "-m", "solara", "run", "sim.app", "--host", host, "--port", str(port), "--production",
        "--no-open", "--no-check-version", "--log-level", "warning",
    ]  # fmt: skip


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> int:
    """Serve the dashboard until Ctrl-C; binds to this machine only unless ``host`` says otherwise."""
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    print(f"sim dashboard: http://{host}:{port}  (Ctrl-C stops it)", flush=True)
    try:
        return subprocess.call(serve_command(host, port), env=env)
    except KeyboardInterrupt:
        return 130


def configure(p: argparse.ArgumentParser) -> None:
    """The options of ``sim dashboard``."""
    p.add_argument("--host", default=DEFAULT_HOST, help=f"interface to listen on (default {DEFAULT_HOST})")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m sim.app [--host H] [--port N]``: the same as ``sim dashboard``."""
    p = argparse.ArgumentParser(prog="python -m sim.app", description="Serve the interactive dashboard.")
    configure(p)
    args = p.parse_args(argv)
    return serve(args.host, args.port)


if __name__ == "__main__":
    sys.exit(main())

"""The policy explorer behind ``notebooks/policy_explorer.ipynb``: a policy against the reactive baseline.

:func:`explore` runs a 10-year comparison of one policy setting against today's reactive enforcement over
a few seeds (the same seeds for both, so differences are paired); :func:`draw` draws it on a matplotlib
figure; :func:`build_explorer` wraps both in ipywidgets for the notebook. The levers and uncertainties an
analyst touches are listed once in :data:`CONTROLS`; their ranges and defaults come from
:meth:`sim.Params.specs`, and the dashboard (:mod:`sim.app`) builds its controls from the same list.

Speed: an update reruns only the policy (``seeds`` runs in parallel on a persistent process pool); the
reactive baseline is cached by its parameters, which are the defaults plus every non-lever setting (the
uncertainties), so it is recomputed only when an uncertainty changes. The screen says so.
"""

import html
import io
import multiprocessing
import os
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import BrokenExecutor, Executor, ProcessPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import pandas as pd
from matplotlib.figure import Figure

from sim.params import Params, ParamSpec
from sim.run import run

if TYPE_CHECKING:
    import ipywidgets

LEVER, UNCERTAINTY = "policy lever", "uncertainty"
#: Root of the explorer's seeds (replication r uses ``sim.sweep.run_seed(ROOT_SEED, 0, r, True)``).
ROOT_SEED = 20260501
#: Seeds per update in the widget: the reduced setting that keeps an update near a second.
DEFAULT_SEEDS = 2
#: Outcomes reported by the task force, summed over the horizon: column -> (label, scale).
REPORTED = {
    "harm_usd": ("victim losses, $ bn", 1e-9),
    "arrests_total": ("arrests", 1.0),
    "websites_suspended": ("websites suspended", 1.0),
    "licenses_revoked": ("licences revoked", 1.0),
    "assets_seized_usd": ("assets seized, $ m", 1e-6),
}
POLICY, BASELINE = "policy", "reactive baseline"


@dataclass(frozen=True)
class Control:
    """One parameter an analyst can set: its dotted path in :class:`Params`, a short label and its role."""

    path: str
    label: str
    role: str

    @property
    def spec(self) -> ParamSpec:
        """The parameter's spec: type, default, valid range, unit and documentation."""
        return Params.spec(self.path)

    @property
    def kind(self) -> str:
        """``"choice"`` (a preset list), ``"slider"`` (a narrow bounded range) or ``"number"`` (typed in).

        A range wider than ten times the default (a budget of 0 to 1e6, a weekly rate of 0 to 1 whose
        default is 0.004) would make a useless slider: such values are typed and validated by Params.
        """
        s = self.spec
        if s.choices:
            return "choice"
        if s.low is not None and s.high is not None and s.high - s.low <= 10 * abs(s.default):
            return "slider"
        return "number"

    @property
    def step(self) -> float:
        """Slider step: 1 for whole numbers, a hundredth of the range otherwise."""
        s = self.spec
        return 1 if s.type is int else (float(s.high) - float(s.low)) / 100  # type: ignore[arg-type]

    @property
    def help(self) -> str:
        """The parameter's documentation, unit, valid range and source, for a tooltip."""
        s = self.spec
        valid = ", ".join(s.choices) if s.choices else f"[{s.low:g}, {s.high:g}] {s.unit}"
        return f"{self.path}: {s.doc}; valid {valid}; default {s.default}; source: {s.source}"


CONTROLS: tuple[Control, ...] = (
    Control("strategy", "strategy", LEVER),
    Control("prevention_share", "prevention share (mixed)", LEVER),
    Control("effort", "budget, officer-weeks/week", LEVER),
    Control("transition_week", "transition week", LEVER),
    Control("targeting", "targeting", LEVER),
    Control("police.training_cost", "training cost, officer-weeks", LEVER),
    Control("police.attrition_rate", "skilled-staff attrition, /week", LEVER),
    Control("partner.trust_initial", "partner trust", LEVER),
    Control("adaptation.decentralisation_mean", "decentralisation", UNCERTAINTY),
    Control("laundering.opacity_mean", "laundering opacity, layers", UNCERTAINTY),
    Control("police.leak_prob", "raid leak probability", UNCERTAINTY),
)
#: Parameters that describe the policy rather than the world, which the reactive baseline keeps at their
#: defaults: the lever controls, the transition's ramp and the effort shares of the ``custom`` strategy.
POLICY_PATHS = frozenset(
    {c.path for c in CONTROLS if c.role == LEVER}
    | {"transition_ramp_weeks"}
    | {s.path for s in Params.specs() if s.path.startswith("custom.")}
)


def by_role(role: str) -> list[Control]:
    """The controls of one role (:data:`LEVER` or :data:`UNCERTAINTY`), in order."""
    return [c for c in CONTROLS if c.role == role]


def default_settings() -> dict[str, Any]:
    """Every control at its default value."""
    return {c.path: c.spec.default for c in CONTROLS}


def baseline_params(settings: Mapping[str, Any]) -> Params:
    """The reactive baseline: defaults for every policy parameter, ``settings`` for everything else."""
    rest = {path: value for path, value in settings.items() if path not in POLICY_PATHS}
    return Params().with_overrides({**rest, "strategy": "reactive"})


def seed_list(seeds: int | Sequence[int]) -> tuple[int, ...]:
    """Explicit seeds, or ``n`` seeds spawned from :data:`ROOT_SEED` (common random numbers)."""
    from sim.sweep.seeds import run_seed

    if isinstance(seeds, int):
        return tuple(run_seed(ROOT_SEED, 0, r, True) for r in range(seeds))
    return tuple(int(s) for s in seeds)


# -- running ---------------------------------------------------------------------------------------------
class _Runner:
    """A persistent process pool and a cache of finished runs keyed by (params, seed, weeks)."""

    def __init__(self, max_runs: int = 256) -> None:
        self.pool: ProcessPoolExecutor | None = None
        self.cache: OrderedDict[tuple[Params, int, int], pd.DataFrame] = OrderedDict()
        self.max_runs = max_runs

    @property
    def workers(self) -> int:
        """Processes in the pool: one per core."""
        return os.cpu_count() or 1

    def executor(self) -> Executor:
        """The pool, started on first use (spawned workers: safe inside a Jupyter kernel)."""
        if self.pool is None:
            context = multiprocessing.get_context("spawn")
            self.pool = ProcessPoolExecutor(self.workers, mp_context=context, initializer=_import_model)
        return self.pool

    def warm_up(self) -> None:
        """Start every worker and import the model there, so the first update is not slowed."""
        pool = self.executor()
        for future in [pool.submit(os.getpid) for _ in range(self.workers)]:
            future.result()

    def runs(
        self, jobs: Sequence[tuple[Params, int]], weeks: int, executor: Executor | None
    ) -> list[pd.DataFrame]:
        """The weekly table of each ``(params, seed)`` job: cached ones at once, the others in parallel."""
        missing = list(dict.fromkeys(job for job in jobs if (*job, weeks) not in self.cache))
        pool = executor if executor is not None else self.executor()
        futures = [pool.submit(run, params, seed, weeks) for params, seed in missing]
        try:
            for (params, seed), future in zip(missing, futures, strict=True):
                self.cache[(params, seed, weeks)] = future.result()
        except BrokenExecutor:
            self.shutdown()  # a worker died: start a fresh pool next time
            raise
        for job in jobs:
            self.cache.move_to_end((*job, weeks))
        while len(self.cache) > self.max_runs:
            self.cache.popitem(last=False)
        return [self.cache[(*job, weeks)] for job in jobs]

    def shutdown(self) -> None:
        """Stop the pool's processes (a new pool starts on the next run)."""
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
            self.pool = None


def _import_model() -> None:
    """Worker initialiser: import the model once, before the first task arrives."""
    import sim.run  # noqa: F401


_RUNNER = _Runner()


def warm_up() -> None:
    """Start the explorer's worker processes now rather than on the first update."""
    _RUNNER.warm_up()


def shutdown() -> None:
    """Stop the explorer's worker processes and keep the cache."""
    _RUNNER.shutdown()


def clear_cache() -> None:
    """Forget every cached run (baselines included)."""
    _RUNNER.cache.clear()


@dataclass(frozen=True)
class ExplorerResult:
    """A policy and the reactive baseline over the same seeds: stacked weekly tables with ``seed``."""

    settings: dict[str, Any]
    params: Params
    seeds: tuple[int, ...]
    weeks: int
    policy: pd.DataFrame
    baseline: pd.DataFrame
    seconds: float
    runs_computed: int

    @cached_property
    def totals(self) -> pd.DataFrame:
        """One row per scenario and seed: the :data:`REPORTED` outcomes summed over the horizon."""
        frames = {POLICY: self.policy, BASELINE: self.baseline}
        rows = [f.groupby("seed")[list(REPORTED)].sum().assign(scenario=name) for name, f in frames.items()]
        return pd.concat(rows).reset_index().set_index(["scenario", "seed"])

    @property
    def harm_avoided_usd(self) -> pd.Series:
        """Victim losses avoided by the policy against the baseline, per seed, USD."""
        harm = self.totals["harm_usd"]
        return harm.loc[BASELINE] - harm.loc[POLICY]

    def numbers(self) -> pd.DataFrame:
        """The reported numbers, mean over seeds: policy, baseline and the change, in readable units."""
        means = self.totals.groupby(level="scenario").mean()
        table = pd.DataFrame({name: means.loc[name] for name in (POLICY, BASELINE)})
        table["change"] = table[POLICY] - table[BASELINE]
        scales = pd.Series({col: scale for col, (_, scale) in REPORTED.items()})
        table = table.mul(scales, axis=0)
        table.index = [label for label, _ in REPORTED.values()]
        return table

    def describe(self) -> str:
        """One line: harm avoided against the baseline, its share and its range over seeds."""
        avoided = self.harm_avoided_usd / 1e9
        base_harm = self.totals.loc[BASELINE, "harm_usd"].mean()
        share = 100 * self.harm_avoided_usd.mean() / base_harm if base_harm > 0 else 0.0
        return (
            f"harm avoided {_bn(avoided.mean())} ({share:+.1f}%; seeds {_bn(avoided.min())} to "
            f"{_bn(avoided.max())}) over {self.weeks} weeks, {_count(len(self.seeds), 'seed')}"
        )


def _bn(value: float) -> str:
    return f"{'-' if value < 0 else ''}${abs(value):,.2f} bn"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def validate(settings: Mapping[str, Any]) -> Params:
    """The policy's parameters: defaults with ``settings`` applied; Params' error naming the field."""
    return Params().with_overrides(settings)


def explore(
    settings: Mapping[str, Any],
    seeds: int | Sequence[int] = DEFAULT_SEEDS,
    weeks: int | None = None,
    executor: Executor | None = None,
) -> ExplorerResult:
    """Run the policy ``settings`` (dotted path -> value) and the reactive baseline over the same seeds.

    Missing controls keep their defaults. Invalid settings raise ``ValueError``/``TypeError`` naming the
    parameter, before anything runs. ``weeks`` defaults to ``Params().weeks`` (ten years); runs go to the
    explorer's process pool unless ``executor`` is given, and finished runs are cached. The pool's workers
    are spawned, so a script calling this needs the usual ``if __name__ == "__main__":`` guard.
    """
    start = time.perf_counter()
    settings = {**default_settings(), **settings}
    params, base = validate(settings), baseline_params(settings)
    seeds_, weeks_ = seed_list(seeds), weeks if weeks is not None else params.weeks
    jobs = [(params, s) for s in seeds_] + [(base, s) for s in seeds_]
    cached = sum((*job, weeks_) in _RUNNER.cache for job in set(jobs))
    frames = _RUNNER.runs(jobs, weeks_, executor)
    stacked = [f.assign(seed=s) for f, (_, s) in zip(frames, jobs, strict=True)]
    n = len(seeds_)
    return ExplorerResult(
        settings=settings, params=params, seeds=seeds_, weeks=weeks_,
        policy=pd.concat(stacked[:n], ignore_index=True), baseline=pd.concat(stacked[n:], ignore_index=True),
        seconds=time.perf_counter() - start, runs_computed=len(set(jobs)) - cached,
    )  # fmt: skip


# -- drawing ---------------------------------------------------------------------------------------------
def _band(ax: Any, weekly: pd.DataFrame, values: pd.Series, label: str, color: str) -> None:
    """Median over seeds as a line, min to max as a band."""
    g = values.groupby(weekly["week"])
    ax.plot(g.median().index, g.median(), color=color, label=label)
    ax.fill_between(g.min().index, g.min(), g.max(), color=color, alpha=0.2, linewidth=0)


def draw_harm(result: ExplorerResult, ax: Any) -> None:
    """Weekly victim losses ($ m) of the policy and the baseline: median and range over seeds."""
    for frame, label, color in ((result.baseline, BASELINE, "0.45"), (result.policy, POLICY, "tab:blue")):
        _band(ax, frame, frame["harm_usd"] / 1e6, label, color)
    if result.params.strategy == "transition":
        ax.axvline(result.params.transition_week, color="0.3", linestyle=":", label="transition starts")
    ax.set_xlabel("week after enforcement starts")
    ax.set_ylabel("victim losses, $ m per week")
    ax.set_title("Harm over time")
    ax.legend(frameon=False, loc="lower left")


def _cumulative_harm(weekly: pd.DataFrame) -> pd.Series:
    return weekly.groupby("seed")["harm_usd"].cumsum()


def draw_avoided(result: ExplorerResult, ax: Any) -> None:
    """Cumulative victim losses avoided against the baseline ($ bn), per seed pair: median and range."""
    # Both tables stack the same seeds in the same order over the same weeks, so rows pair up.
    avoided = (_cumulative_harm(result.baseline) - _cumulative_harm(result.policy)) / 1e9
    _band(ax, result.policy, avoided, "harm avoided", "tab:green")
    ax.axhline(0, color="0.3", linewidth=0.8)
    ax.set_xlabel("week after enforcement starts")
    ax.set_ylabel("cumulative losses avoided, $ bn")
    ax.set_title("Harm avoided against the reactive baseline")


def draw_numbers(result: ExplorerResult, ax: Any) -> None:
    """The reported numbers as a table: policy, baseline and change (means over seeds)."""
    table = result.numbers()
    cells = [
        [label, *(f"{v:,.1f}" if abs(v) < 100 else f"{v:,.0f}" for v in row)]
        for label, row in zip(table.index, table.to_numpy(), strict=True)
    ]
    ax.axis("off")
    widths = [0.34, 0.2, 0.26, 0.2]
    t = ax.table(cellText=cells, colLabels=["", *table.columns], colWidths=widths, bbox=[0, 0.2, 1, 0.6])
    t.auto_set_font_size(False)
    t.set_fontsize(9)
    for row in range(1, len(cells) + 1):
        t[row, 0].set_text_props(ha="left")
    ax.set_title(f"Totals over {result.weeks} weeks, mean of {_count(len(result.seeds), 'seed')}")


#: Where the three panels sit in a wide figure (left, bottom, width, height): fixed, because a layout engine
#: doubles the cost of a redraw.
PANELS = ((0.045, 0.12, 0.28, 0.68), (0.385, 0.12, 0.25, 0.68), (0.68, 0.12, 0.31, 0.68))
#: The two plots alone, for the explorer widget, which shows the numbers as an HTML table under the figure.
PLOT_PANELS = ((0.05, 0.12, 0.42, 0.68), (0.56, 0.12, 0.42, 0.68))


def draw(result: ExplorerResult, fig: Figure, numbers: bool = True) -> None:
    """Draw harm over time, harm avoided and (unless ``numbers`` is False) the reported numbers as a table
    on ``fig`` (cleared first; wide, ~3:1)."""
    fig.clear()
    axes = [fig.add_axes(rect) for rect in (PANELS if numbers else PLOT_PANELS)]
    draw_harm(result, axes[0])
    draw_avoided(result, axes[1])
    if numbers:
        draw_numbers(result, axes[2])
    fig.suptitle(f"{_setting_title(result)}\n{result.describe()}", fontsize=10)


def _setting_title(result: ExplorerResult) -> str:
    """What differs from the defaults: policy levers, then the rest (shared with the baseline)."""
    changed = {k: v for k, v in result.settings.items() if v != Params.spec(k).default}
    levers = ", ".join(f"{k} = {v}" for k, v in changed.items() if k in POLICY_PATHS) or "reactive defaults"
    rest = ", ".join(f"{k} = {v}" for k, v in changed.items() if k not in POLICY_PATHS) or "defaults"
    return f"Policy: {levers}.  Uncertainties (policy and baseline): {rest}."


def render_png(result: ExplorerResult, dpi: int = 100, numbers: bool = True) -> bytes:
    """The figure of :func:`draw` as PNG bytes (no pyplot, no display backend needed)."""
    return _render(result, numbers, format="png", dpi=dpi)


def render_svg(result: ExplorerResult, numbers: bool = True) -> bytes:
    """The figure of :func:`draw` as SVG bytes: what the widget shows, since it is written faster than a PNG
    (medians 0.29 against 0.38 s in turns, 2026-11-29) and the browser draws it at any size."""
    return _render(result, numbers, format="svg")


def _render(result: ExplorerResult, numbers: bool, **savefig: Any) -> bytes:
    fig = Figure(figsize=(15, 4.8))
    draw(result, fig, numbers)
    buffer = io.BytesIO()
    fig.savefig(buffer, **savefig)
    return buffer.getvalue()


# -- widgets ---------------------------------------------------------------------------------------------
def make_widget(control: Control) -> "ipywidgets.Widget":
    """An ipywidget for one control, its range and default taken from the parameter's spec."""
    import ipywidgets as w

    s, style = control.spec, {"description_width": "15em"}
    common = {"description": control.label, "tooltip": control.help, "style": style}
    layout = w.Layout(width="30em")
    if control.kind == "choice":
        return w.Dropdown(options=list(s.choices or ()), value=s.default, layout=layout, **common)
    if control.kind == "slider":
        cls = w.IntSlider if s.type is int else w.FloatSlider
        return cls(
            value=s.default, min=s.low, max=s.high, step=control.step, continuous_update=False, layout=layout,
            **common,
        )  # fmt: skip
    cls = w.IntText if s.type is int else w.FloatText
    return cls(value=s.default, continuous_update=False, layout=layout, **common)


def _setting_note(seeds: int, weeks: int) -> str:
    return (
        f"<b>Reduced setting for speed:</b> seeds per update: {seeds} (paired: the baseline uses the same "
        "seeds); "
        f"{weeks} weeks after a {Params().burn_in_weeks}-week burn-in, run in parallel on {_RUNNER.workers} "
        "processes. The reactive baseline depends only on the uncertainties, so it is cached and rerun only "
        "when one of them changes. Bands show the range over seeds; for numbers to publish use more seeds "
        "(<code>explore(settings, seeds=20)</code>) or a sweep."
    )


def _numbers_html(result: ExplorerResult) -> str:
    table = result.numbers().to_html(float_format=lambda v: f"{v:,.1f}", border=0)
    return f"<p><b>{html.escape(result.describe())}</b></p>{table}"


def _error_html(title: str, exc: Exception) -> str:
    return f"<p style='color:#b00020'><b>{title}:</b> {html.escape(str(exc))}</p>"


def _updater(
    controls: Mapping[str, "ipywidgets.Widget"], parts: Mapping[str, Any], seeds: int, weeks: int | None
) -> Callable[..., None]:
    """The callback that reruns and redraws; invalid settings show Params' message instead."""

    def update(_: Any = None) -> None:
        settings = {path: widget.value for path, widget in controls.items()}
        try:
            validate(settings)
        except (ValueError, TypeError) as exc:
            parts["error"].value = _error_html("Invalid setting", exc)
            parts["status"].value = "<i>showing the last valid setting</i>"
            return
        parts["error"].value, parts["status"].value = "", "<i>running...</i>"
        try:
            result = explore(settings, seeds, weeks)
        except Exception as exc:  # a failed run is reported on screen, not as a hidden callback traceback
            parts["error"].value = _error_html("The run failed", exc)
            return
        parts["image"].value = render_svg(result, numbers=False)  # the numbers follow as HTML
        parts["numbers"].value = _numbers_html(result)
        parts["status"].value = f"updated in {result.seconds:.1f} s ({result.runs_computed} runs computed)"

    return update


def build_explorer(seeds: int = DEFAULT_SEEDS, weeks: int | None = None) -> "ipywidgets.VBox":
    """The explorer as a widget box: controls, the note on the reduced setting, status, figure, numbers.

    Changing a control reruns :func:`explore` and redraws. The first result is computed before returning.
    """
    import ipywidgets as w

    controls = {c.path: make_widget(c) for c in CONTROLS}
    parts = {
        "status": w.HTML(), "error": w.HTML(), "numbers": w.HTML(),
        "image": w.Image(format="svg+xml", layout=w.Layout(width="100%")),
    }  # fmt: skip
    update = _updater(controls, parts, seeds, weeks)
    for widget in controls.values():
        widget.observe(update, names="value")
    groups = [
        w.VBox([w.HTML(f"<b>{title}</b>"), *(controls[c.path] for c in by_role(role))])
        for role, title in ((LEVER, "Policy levers"), (UNCERTAINTY, "Uncertainties"))
    ]
    note = w.HTML(_setting_note(seeds, weeks if weeks is not None else Params().weeks))
    warm_up()
    update()
    return w.VBox([w.HBox(groups), note, parts["status"], parts["error"], parts["image"], parts["numbers"]])

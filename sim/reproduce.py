"""``sim reproduce`` and ``sim figures``: every published experiment, figure and summary in one command.

Layout under the results root (``--out``, default ``results``; ``--quick`` uses ``<out>/quick``)::

    sweeps/<experiment>/   engine output (resumed, never rerun: the engine skips recorded runs)
    figures/<figure>.png|svg
    summary/<figure>.csv   the headline numbers behind each figure (long table)
    published/             the committed reference copy of summary/ and figures/ (``--publish``)
    README.md              generated: per figure, its experiment, command, what it shows, headline numbers

``--quick`` runs every experiment at 2 replications, 52 weeks after a 26-week burn-in and thinned
designs, into ``<out>/quick`` so it never touches published results. ``--check`` compares the summaries
with the published ones (:mod:`sim.analysis.check`) and exits 1 with a readable diff if they disagree.
"""

import argparse
import shutil
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EXPERIMENTS_DIR = Path("experiments")
SENSITIVITY_CSV = "designs/sensitivity.csv"
SENSITIVITY_SETTINGS = "designs/sensitivity.toml"
QUICK = {"replications": 2, "weeks": 52, "burn_in_weeks": 26, "levels": 3, "base_samples": 4}


@dataclass(frozen=True)
class Layout:
    """Where one mode's outputs go: ``root`` is ``--out`` (full) or ``--out/quick`` (quick)."""

    root: Path
    quick: bool

    @classmethod
    def of(cls, out: str | Path, quick: bool) -> "Layout":
        return cls(Path(out) / "quick" if quick else Path(out), quick)

    @property
    def sweeps(self) -> Path:
        return self.root / "sweeps"

    @property
    def figures(self) -> Path:
        return self.root / "figures"

    @property
    def summary(self) -> Path:
        return self.root / "summary"

    @property
    def published(self) -> Path:
        return self.root / "published"


# -- specs ---------------------------------------------------------------------------------------------
def spec_for(name: str, layout: Layout) -> Any:
    """The validated spec of experiment ``name``: as committed, or its quick variant (see :data:`QUICK`)."""
    from sim.sweep import load_spec, parse_spec

    path = EXPERIMENTS_DIR / f"{name}.toml"
    if not layout.quick:
        _ensure_sensitivity_csv(EXPERIMENTS_DIR)
        return load_spec(path)
    text = path.read_text(encoding="utf-8")
    data = quick_data(tomllib.loads(text), layout.root)
    return parse_spec(data, source=f"{path} (quick)", base_dir=layout.root, text=text)


def _ensure_sensitivity_csv(folder: Path) -> None:
    """Write the sensitivity design CSV from its settings if it is missing (it is deterministic)."""
    from sim.analysis import designs

    if not (folder / SENSITIVITY_CSV).exists():
        designs.write_sensitivity_csv(
            designs.read_settings(folder / SENSITIVITY_SETTINGS), folder / SENSITIVITY_CSV
        )


def quick_data(data: dict[str, Any], root: Path) -> dict[str, Any]:
    """A spec's data cut down for ``--quick``: fewer replications, weeks and design points."""
    weeks = data.get("weeks", 520)
    data = {
        **data,
        "replications": min(data["replications"], QUICK["replications"]),
        "weeks": min(weeks, QUICK["weeks"]),
    }
    data["base"] = {**data.get("base", {}), "burn_in_weeks": QUICK["burn_in_weeks"]}
    design = dict(data["design"])
    if design["type"] == "grid":
        design["factors"] = {k: _thin(v) for k, v in design["factors"].items()}
    elif design["type"] == "csv":
        _write_quick_csv(design["path"], root, data["weeks"] / weeks)
    data["design"] = design
    return data


def _thin(values: list[Any]) -> list[Any]:
    """At most :data:`QUICK` ``levels`` numeric levels (first, middle, last); categories are kept."""
    if len(values) <= QUICK["levels"] or not all(isinstance(v, int | float) for v in values):
        return values
    return [values[0], values[len(values) // 2], values[-1]]


def _write_quick_csv(relative: str, root: Path, ratio: float) -> None:
    """The quick copy of a CSV design under ``root``: the sensitivity design with a small base sample,
    any other design with its week columns scaled to the shorter horizon."""
    import pandas as pd

    from sim.analysis import designs

    target = root / relative
    if relative == SENSITIVITY_CSV:
        settings = designs.read_settings(
            EXPERIMENTS_DIR / SENSITIVITY_SETTINGS, base_samples=QUICK["base_samples"]
        )
        designs.write_sensitivity_csv(settings, target)
        return
    frame = pd.read_csv(EXPERIMENTS_DIR / relative)
    for column in frame.columns:
        if column.endswith(("_week", "_weeks")):
            frame[column] = (frame[column] * ratio).round().astype(int)
    target.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(target, index=False, lineterminator="\n")


# -- steps ---------------------------------------------------------------------------------------------
def run_experiments(
    layout: Layout, workers: int | None, names: tuple[str, ...] | None = None
) -> dict[str, float]:
    """Run (or resume, or just confirm) every experiment's sweep; seconds per experiment."""
    from sim.analysis.products import EXPERIMENTS
    from sim.sweep import run_sweep

    timings = {}
    for name in names or EXPERIMENTS:
        start = time.perf_counter()
        result = run_sweep(spec_for(name, layout), layout.sweeps / name, workers=workers, progress=False)
        timings[f"sweep {name}"] = time.perf_counter() - start
        print(f"  {result.summary()}", flush=True)
    return timings


def _complete(folder: Path) -> bool:
    """Whether ``folder`` holds a finished sweep (a partial one would give a misleading figure)."""
    import json

    manifest = folder / "manifest.json"
    return manifest.exists() and json.loads(manifest.read_text(encoding="utf-8")).get("status") == "complete"


def make_figures(layout: Layout) -> dict[str, float]:
    """Every figure and summary CSV from the stored sweeps; seconds per figure."""
    import matplotlib

    matplotlib.use("Agg")
    from sim.analysis import products, style
    from sim.sweep.load import load

    cache: dict[str, Any] = {}
    timings = {}
    for p in products.PRODUCTS:
        start = time.perf_counter()
        missing = [s for s in p.sources if not _complete(layout.sweeps / s)]
        if missing:
            print(f"  figure {p.name}: skipped, no complete stored results for {', '.join(missing)}")
            continue
        sweeps = {s: cache.setdefault(s, load(layout.sweeps / s)) for s in p.sources}
        fig, summary = products.render(p, sweeps)
        style.save(fig, layout.figures, p.name)
        layout.summary.mkdir(parents=True, exist_ok=True)
        summary.to_csv(
            layout.summary / f"{p.name}.csv", index=False, float_format="%.10g", lineterminator="\n"
        )
        timings[f"figure {p.name}"] = time.perf_counter() - start
    return timings


def publish(layout: Layout) -> None:
    """Copy the summaries and figures into ``published/`` (the committed reference), with the versions
    and commits that ran the sweeps (``environment.json``, :func:`sim.analysis.check.sweep_environment`)."""
    from sim.analysis import check

    for part in ("summary", "figures"):
        target = layout.published / part
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(layout.root / part, target)
    check.write_environment(layout.published, sweep_environment(layout))


def sweep_environment(layout: Layout) -> dict[str, list[str]]:
    """Versions and commits that ran this layout's experiment sweeps (from their manifests)."""
    from sim.analysis import check
    from sim.analysis.products import EXPERIMENTS

    return check.sweep_environment(layout.sweeps / name for name in EXPERIMENTS)


def write_reports(layout: Layout, findings: Path) -> None:
    """The generated README of the results root and the findings document."""
    from sim.analysis import report

    (layout.root / "README.md").write_text(
        report.results_readme(layout.summary, quick=layout.quick), encoding="utf-8"
    )
    findings.parent.mkdir(parents=True, exist_ok=True)
    findings.write_text(report.findings(layout.summary), encoding="utf-8")


def _report_timings(timings: dict[str, float]) -> None:
    print("timings:")
    for step, seconds in timings.items():
        print(f"  {step:<32} {seconds:8.1f} s")
    print(f"  {'total':<32} {sum(timings.values()):8.1f} s")


# -- commands ------------------------------------------------------------------------------------------
def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", default="results", help="results root (default: results)")
    p.add_argument(
        "--quick",
        action="store_true",
        help="reduced replications, weeks and designs, into OUT/quick (a few minutes)",
    )
    p.add_argument(
        "--findings",
        default=None,
        help="where to write the findings document (default: docs/findings.md for the full "
        "reproduction into results/, else OUT[/quick]/findings.md)",
    )


def configure_reproduce(p: argparse.ArgumentParser) -> None:
    """Arguments of ``sim reproduce``."""
    from sim.analysis.check import ATOL, RTOL

    _common(p)
    p.add_argument("--workers", type=int, default=None, help="local worker processes (default: every core)")
    p.add_argument(
        "--check",
        action="store_true",
        help="compare the summaries with the published ones; exit 1 with a diff if they differ",
    )
    p.add_argument(
        "--published",
        default=None,
        help="reference for --check: a published folder (its summary/) or a folder of summary CSVs "
        "(default: OUT[/quick]/published)",
    )
    p.add_argument(
        "--publish", action="store_true", help="copy summaries and figures into OUT[/quick]/published"
    )
    p.add_argument(
        "--rtol", type=float, default=RTOL, help=f"relative tolerance of --check (default {RTOL:g})"
    )
    p.add_argument(
        "--atol", type=float, default=ATOL, help=f"absolute tolerance of --check (default {ATOL:g})"
    )


def configure_figures(p: argparse.ArgumentParser) -> None:
    """Arguments of ``sim figures``."""
    _common(p)


def _reference_summaries(folder: Path) -> Path:
    """The folder of published summaries: ``folder/summary`` when ``folder`` is a published copy (as
    ``--publish`` writes it, with ``summary/`` and ``figures/``), else ``folder`` itself."""
    return folder / "summary" if (folder / "summary").is_dir() else folder


def _findings_path(args: argparse.Namespace, layout: Layout) -> Path:
    if args.findings:
        return Path(args.findings)
    if not layout.quick and Path(args.out) == Path("results"):
        return Path("docs/findings.md")
    return layout.root / "findings.md"


def main_figures(args: argparse.Namespace) -> int:
    """``sim figures``: regenerate figures, summaries and reports from stored results only."""
    from sim.cli import InputError

    layout = Layout.of(args.out, args.quick)
    if not layout.root.is_dir():
        raise InputError(f"--out {args.out}: no folder {layout.root} (give the --out of `sim reproduce`)")
    timings = make_figures(layout)
    if not timings and not any(layout.summary.glob("*.csv")):  # nothing drawn, nothing to report
        raise InputError(f"{layout.sweeps}: no complete sweeps to draw from; run `sim reproduce` first")
    write_reports(layout, _findings_path(args, layout))
    _report_timings(timings)
    print(f"figures in {layout.figures}, summaries in {layout.summary}")
    return 0


def main_reproduce(args: argparse.Namespace) -> int:
    """``sim reproduce``: run (or resume) every experiment, then figures, summaries, reports, check."""
    from sim.analysis import check
    from sim.cli import InputError
    from sim.sweep import SpecError, SweepFolderError

    if args.workers is not None and args.workers < 1:
        raise InputError(f"--workers {args.workers}: must be at least 1")
    layout = Layout.of(args.out, args.quick)
    print(f"reproducing into {layout.root}{' (quick)' if layout.quick else ''}", flush=True)
    try:
        timings = run_experiments(layout, args.workers)
    except (SpecError, SweepFolderError) as exc:
        raise InputError(
            f"{exc} (a stale sweep of an older spec or parameter defaults: remove its folder)"
        ) from None
    timings.update(make_figures(layout))
    write_reports(layout, _findings_path(args, layout))
    if args.publish:
        publish(layout)
        print(f"published into {layout.published}")
    status = 0
    if args.check:
        start = time.perf_counter()
        reference = Path(args.published) if args.published else layout.published
        published = _reference_summaries(reference)
        problems = check.compare_folders(layout.summary, published, rtol=args.rtol, atol=args.atol)
        timings["check"] = time.perf_counter() - start
        print(check.describe(problems, layout.summary, published, args.rtol, args.atol))
        try:
            environment = check.read_environment(reference)
        except ValueError as exc:  # the verdict above stands; only the versions cannot be compared
            print(f"note: versions not compared: {exc}")
            environment = None
        if environment is not None:
            differences = check.environment_differences(environment, sweep_environment(layout))
            note = check.describe_environment(differences, passed=not problems)
            if note:
                print(note)
        status = 1 if problems else 0
    _report_timings(timings)
    return status

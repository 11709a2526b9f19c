"""Benchmark of the sweep engine: parallel efficiency on the local pool and per-run engine overhead.

Parallel efficiency = (single-run time x runs / workers) / sweep wall time, where the single-run
time is the mean of runs timed one by one outside the engine (one per design point, before and
after the sweep). Worker busy fraction = model time inside the workers / (workers x wall time).
Engine overhead = wall time per run of a sweep whose model does (almost) nothing, set against the
model's own time per run. Prints a table and writes ``results/benchmarks_sweep.json``.

    python benchmarks/bench_sweep.py                         # 200 runs of 520 weeks (a few minutes)
    python benchmarks/bench_sweep.py --runs 20 --weeks 20    # a quick look
"""

import argparse
import json
import math
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd

from sim.params import Params
from sim.sweep import Spec, load, parse_spec, run_seed, run_sweep
from sim.sweep.manifest import host, package_versions

STRATEGIES = ["none", "reactive", "preventative", "mixed", "transition"]
SAMPLE = 10


def trivial_run(params: Params, seed: int, weeks: int | None = None) -> pd.DataFrame:
    """A model that costs nothing: two weeks of one column."""
    return pd.DataFrame({"week": [1, 2], "harm_usd": [float(seed % 97), 1.0]})


def trivial_summarize(frame: pd.DataFrame) -> dict[str, float]:
    """The one outcome of :func:`trivial_run`."""
    return {"harm_usd": float(frame["harm_usd"].sum())}


def bench_spec(runs: int, weeks: int, burn_in: int) -> Spec:
    """Ten design points (five strategies x two prevention shares), replicated up to ``runs`` runs."""
    replications = max(1, math.ceil(runs / 10))
    return parse_spec(
        {
            "name": "bench",
            "weeks": weeks,
            "replications": replications,
            "root_seed": 1,
            "base": {"burn_in_weeks": burn_in},
            "design": {"type": "grid", "factors": {"strategy": STRATEGIES, "prevention_share": [0.3, 0.7]}},
        },
        source="bench",
    )


def single_run_seconds(spec: Spec) -> float:
    """Mean time of a run and its summary, called directly, over replication 0 of up to ``SAMPLE``
    design points spread over the design (every point has as many replications, so this is the mix)."""
    from sim.observe import summarize
    from sim.run import run

    points = sorted({round(i * (spec.n_points - 1) / max(SAMPLE - 1, 1)) for i in range(SAMPLE)})
    start = time.perf_counter()
    for point_id in points:
        params = spec.base.with_overrides(spec.design.point(point_id))
        summarize(run(params, run_seed(spec.root_seed, point_id, 0, True), params.weeks))
    return (time.perf_counter() - start) / len(points)


def timed_sweep(spec: Spec, root: Path, name: str, workers: int, **model: Any) -> float:
    """Wall time of a whole sweep (pool start-up, runs, storage) into a fresh folder."""
    start = time.perf_counter()
    result = run_sweep(spec, root / name, workers=workers, progress=False, **model)
    seconds = time.perf_counter() - start
    if result.runs_failed:
        first = load(root / name, weekly=False).failures["traceback"].iloc[0]
        raise SystemExit(f"{name}: {result.runs_failed} runs failed; the first:\n{first}")
    return seconds


def measure(runs: int, weeks: int, burn_in: int, workers: int) -> dict[str, Any]:
    """Every number of the benchmark, as a dict."""
    spec = bench_spec(runs, weeks, burn_in)
    trivial = {"run_fn": trivial_run, "summarize_fn": trivial_summarize}
    with tempfile.TemporaryDirectory(prefix="bench_sweep_") as tmp:
        root = Path(tmp)
        before = single_run_seconds(spec)
        wall = timed_sweep(spec, root, "model", workers)
        single = (before + single_run_seconds(spec)) / 2  # before and after: machine load drifts
        trivial_seq = timed_sweep(spec, root, "trivial-seq", 1, **trivial)
        trivial_pool = timed_sweep(spec, root, "trivial-pool", workers, **trivial)
        busy = float(pd.read_parquet(root / "model" / "runs")["run_seconds"].sum())
    n = spec.n_runs
    return {
        "runs": n,
        "weeks": weeks,
        "burn_in_weeks": burn_in,
        "workers": workers,
        "single_run_seconds": single,
        "sweep_wall_seconds": wall,
        "parallel_efficiency": single * n / workers / wall,
        "worker_busy_fraction": busy / (workers * wall),
        "overhead_per_run_sequential_seconds": trivial_seq / n,
        "overhead_per_run_pool_seconds": trivial_pool * workers / n,
        "overhead_share_of_model_time": trivial_pool * workers / n / single,
    }


def table(result: dict[str, Any]) -> str:
    """The results as an aligned two-column table."""
    rows = [
        ("runs x weeks (+ burn-in)", f"{result['runs']} x {result['weeks']} (+{result['burn_in_weeks']})"),
        ("workers (local pool)", f"{result['workers']}"),
        ("single-run time", f"{result['single_run_seconds']:.3f} s"),
        ("sweep wall time", f"{result['sweep_wall_seconds']:.2f} s"),
        ("parallel efficiency (target 0.9)", f"{result['parallel_efficiency']:.3f}"),
        ("worker busy fraction", f"{result['worker_busy_fraction']:.3f}"),
        (
            "engine overhead per run, sequential",
            f"{result['overhead_per_run_sequential_seconds'] * 1e3:.2f} ms",
        ),
        ("engine overhead per run, pool", f"{result['overhead_per_run_pool_seconds'] * 1e3:.2f} ms"),
        ("overhead / model time", f"{result['overhead_share_of_model_time']:.2%}"),
    ]
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


def main() -> None:
    """Parse the options, measure, print the table and write the JSON file."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=200, help="runs in the sweep (rounded up to tens)")
    parser.add_argument("--weeks", type=int, default=Params().weeks, help="weeks per run after burn-in")
    parser.add_argument("--burn-in", type=int, default=Params().burn_in_weeks, help="burn-in weeks per run")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="local pool size")
    parser.add_argument("--json", default="results/benchmarks_sweep.json", help="where to write the results")
    args = parser.parse_args()
    result = measure(args.runs, args.weeks, args.burn_in, args.workers)
    result.update(host=host(), packages=package_versions())
    print(table(result))
    path = Path(args.json)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"written: {path}")


if __name__ == "__main__":
    main()

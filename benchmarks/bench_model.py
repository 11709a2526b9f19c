"""Single-run benchmark (issue 2): one default run (burn-in + 520 weeks) against ``import mesa``.

Reports the median wall time of a full ``sim.run(Params(), seed)`` over repeated runs after a warm-up,
the model's agent-steps per second (``len(model.agents)`` after each step, summed over the run, divided
by the run's wall time) and the run time as a ratio to the wall time of ``python -c "import mesa"`` with
the same interpreter. Runs and imports are measured in alternation (run, import, run, import, ...) and
the ratio is the median of the per-pair ratios, so that the load of a shared machine, which drifts by tens
of percent within minutes, weighs on both sides of each ratio alike. Both sides run on one core (the
process, and with it the import's process, is pinned to one CPU while it measures): this machine slows
one core at a time for seconds on end, and an import run on the other core was not slowed with the run.

    python benchmarks/bench_model.py               # 5 timed runs, 5 timed imports
    python benchmarks/bench_model.py --repeats 9
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sim import Params, run
from sim.model import ScamEnforcementModel

#: Target of issue 6: a default run takes at most this share of the ``import mesa`` wall time.
LATENCY_TARGET = 0.25
LATENCY_STRETCH = 0.1


def timed(fn: Callable[[], object], repeats: int, warmup: int = 1) -> list[float]:
    """Wall times of ``repeats`` calls of ``fn`` after ``warmup`` untimed calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


@contextmanager
def one_core(cpu: int | None = None) -> Iterator[None]:
    """Pin this process, and the processes it starts meanwhile, to one CPU (``cpu``, by default its
    lowest-numbered allowed one), then restore its CPUs; nothing where the system cannot pin.

    On this shared machine one core at a time slows down for seconds on end (the same run took 0.19 s and
    0.36 s within a minute, 2026-11-29), and a child process may run on the other core: then a run and the
    import timed right after it are not slowed alike, and pairing them does not cancel the drift. Pinned,
    ten measurements of the latency ratio gave 0.19 to 0.22 while the run itself took 0.19 to 0.32 s;
    unpinned, the same hour, 0.18 to 0.29."""
    if not hasattr(os, "sched_setaffinity"):
        yield
        return
    allowed = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(allowed) if cpu is None else cpu})
    try:
        yield
    finally:
        os.sched_setaffinity(0, allowed)


def paired(
    first: Callable[[], object], second: Callable[[], object], repeats: int
) -> tuple[list[float], list[float]]:
    """Wall times of ``repeats`` calls of each function, in alternation (first, second, first, ...), after
    one untimed call of each, all on one core (:func:`one_core`)."""
    times: tuple[list[float], list[float]] = ([], [])
    with one_core():
        first()
        second()
        for _ in range(repeats):
            for fn, out in zip((first, second), times, strict=True):
                start = time.perf_counter()
                fn()
                out.append(time.perf_counter() - start)
    return times


def agent_steps(params: Params, seed: int) -> int:
    """Agents alive after each step, summed over burn-in and enforcement (the same in every run of a seed)."""
    model = ScamEnforcementModel(params, seed)
    total = 0
    for _ in range(params.burn_in_weeks + params.weeks):
        model.step()
        total += len(model.agents)
    return total


def single_run(repeats: int, seed: int = 1) -> dict[str, float]:
    """The single-run figures: median run and import times, the median of their paired ratios, agent-steps
    and throughput."""
    params = Params()
    command = [sys.executable, "-c", "import mesa"]
    runs, imports = paired(lambda: run(params, seed), lambda: subprocess.run(command, check=True), repeats)
    steps = agent_steps(params, seed)
    run_median, import_median = statistics.median(runs), statistics.median(imports)
    return {
        "run_seconds": run_median,
        "run_seconds_min": min(runs),
        "mesa_import_seconds": import_median,
        "ratio_to_mesa_import": statistics.median(r / i for r, i in zip(runs, imports, strict=True)),
        "agent_steps": steps,
        "agent_steps_per_second": steps / run_median,
        "steps": params.burn_in_weeks + params.weeks,
    }


def main() -> None:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    parser.add_argument("--repeats", type=int, default=5, help="timed runs and imports (default 5)")
    args = parser.parse_args()
    r = single_run(args.repeats)
    spread = f"median of {args.repeats}; min {r['run_seconds_min']:.3f} s"
    print(f"one default run:        {r['run_seconds']:.3f} s ({spread})")
    print(f"python -c 'import mesa': {r['mesa_import_seconds']:.3f} s (median)")
    print(
        f"ratio run / import:   {r['ratio_to_mesa_import']:.3f} "
        f"(target <= {LATENCY_TARGET}, stretch <= {LATENCY_STRETCH})"
    )
    print(f"agent-steps per second: {r['agent_steps_per_second']:,.0f} ({r['agent_steps']:,} agent-steps)")


if __name__ == "__main__":
    main()

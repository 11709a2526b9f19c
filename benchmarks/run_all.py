"""The benchmark suite of issue 6 (``make bench``): prints a table and writes ``results/benchmarks.json``.

Every figure is a median over repeated measurements after a warm-up, and every target is a ratio of
two timings taken in this script, so that the load of a shared machine affects both sides alike:

1. run latency: one default run (burn-in + 520 weeks) / ``python -c "import mesa"``; target <= 0.25
   (stretch 0.1);
2. throughput: agent-steps per second of the model next to a plain Mesa model of as many agents doing a
   trivial update through ``AgentSet.shuffle_do``; target: ours >= plain;
3. scaling: the run at 1x, 4x and 16x the default world; the log-log slope of time vs scale <= 1.05;
4. sweep efficiency: a sweep of 200 runs on 2 local workers (and on a Dask LocalCluster of 2), against
   200 x the single-run time / 2, each engine twice, in turns (local, Dask, Dask, local), after a warm-up
   that starts the pool's fork server and the cluster (their start-up is timed and reported, with the
   efficiency of a sweep that pays it); target >= 0.9;
5. analyst latency: one update of the policy explorer (:mod:`sim.explorer`); target <= 1 s;
6. memory: peak RSS of one default run, and per worker over a long sweep, whose growth per run should be
   nil (flat in the number of runs);
7. reproduction: the wall time of ``sim reproduce``; target <= 15 min (issue 4 asks for 30).

It also times each phase of the weekly schedule (what a step spends its time on). With ``--docs`` it
writes the table, the phases and the scaling into ``docs/performance.md`` (between its marker comments).

    python benchmarks/run_all.py --docs     # the full suite (about 15 minutes; reproduction is most of it)
    python benchmarks/run_all.py --quick    # fewer runs and weeks: about two minutes
"""

import argparse
import json
import multiprocessing
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import mesa
import numpy as np
import pandas as pd
from bench_model import LATENCY_STRETCH, LATENCY_TARGET, one_core, paired, single_run, timed

from sim import Params, run
from sim.model import ScamEnforcementModel
from sim.observe import REPORTERS, summarize
from sim.run import _collector_paused, _free, _weeks

WORKERS = 2
SCALES = (1, 4, 16)
ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "results" / "benchmarks.json"
DOCS = ROOT / "docs" / "performance.md"
#: Issue 6's targets next to issue 2's run-latency target (``LATENCY_TARGET``).
REPRODUCE_MINUTES = 15


@dataclass(frozen=True)
class Setting:
    """How much to measure: the full suite or the ``--quick`` one."""

    quick: bool
    repeats: int
    scale_weeks: int | None
    sweep_runs: int
    sweep_weeks: int | None
    memory_runs: int
    analyst_updates: int

    @classmethod
    def of(cls, quick: bool) -> "Setting":
        if quick:
            return cls(True, 3, 104, 20, 104, 120, 2)
        return cls(False, 7, None, 200, None, 2000, 3)


# -- 2. throughput: a plain Mesa model as the reference -------------------------------------------------
class TallyAgent(mesa.Agent):
    """A reference agent whose step is a trivial update."""

    def __init__(self, model: mesa.Model) -> None:
        super().__init__(model)
        self.count = 0

    def step(self) -> None:
        self.count += 1


class PlainModel(mesa.Model):
    """``n_agents`` tally agents, all stepped in random order each step."""

    def __init__(self, n_agents: int, seed: int = 1) -> None:
        super().__init__(rng=seed)
        TallyAgent.create_agents(self, n_agents)

    def step(self) -> None:
        self.agents.shuffle_do("step")


def plain_whole_run(n_agents: int, steps: int) -> None:
    """One run of :class:`PlainModel`: ``steps`` steps of ``n_agents`` agents."""
    model = PlainModel(n_agents)
    for _ in range(steps):
        model.step()


def bench_latency_and_throughput(setting: Setting) -> dict[str, Any]:
    """Benchmarks 1 and 2: one default run against the Mesa import, and agent-steps per second against
    the plain model's. Each reference is timed in alternation with default runs; a ratio is the median of
    the per-pair ratios."""
    single = single_run(setting.repeats)
    mean_agents, steps = round(single["agent_steps"] / single["steps"]), int(single["steps"])
    ours, plain = paired(
        lambda: run(Params(), 1), lambda: plain_whole_run(mean_agents, steps), setting.repeats
    )  # fmt: skip
    plain_rates = [mean_agents * steps / t for t in plain]
    return {
        **single,
        "mean_agents": mean_agents,
        "plain_mesa_agent_steps_per_second": statistics.median(plain_rates),
        "throughput_ratio": statistics.median(
            single["agent_steps"] / t / rate for t, rate in zip(ours, plain_rates, strict=True)
        ),
    }


# -- what a step spends its time on --------------------------------------------------------------------
#: The model's methods called by ``ScamEnforcementModel.step`` (DESIGN.md section 3), in schedule order.
PHASES = ("operate_scams", "launder", "recruit", "adapt", "enforce")


def _timed_phase(method: Any, totals: dict[str, float], name: str) -> Any:
    """``method`` wrapped so that its wall time is added to ``totals[name]``."""

    def timed_call() -> Any:
        start = time.perf_counter()
        try:
            return method()
        finally:
            totals[name] += time.perf_counter() - start

    return timed_call


def _phase_timed_run(params: Params, seed: int, totals: dict[str, float]) -> float:
    """One run as ``sim.run`` does it, adding each phase's time to ``totals``; returns the whole time."""
    reporters = list(REPORTERS.values())
    start = time.perf_counter()
    with _collector_paused():
        model = ScamEnforcementModel(params, seed)
        for name in PHASES:
            setattr(model, name, _timed_phase(getattr(model, name), totals, name))
        tf, partner = model.task_force, model.partner
        setattr(tf, "update_staff", _timed_phase(tf.update_staff, totals, "task force staff"))  # noqa: B010
        setattr(partner, "update_trust", _timed_phase(partner.update_trust, totals, "partner trust"))  # noqa: B010
        for _ in _weeks(model, params.burn_in_weeks, params.weeks):  # as sim.run steps it
            mark = time.perf_counter()
            for reporter in reporters:
                reporter(model)
            totals["reporters"] += time.perf_counter() - mark
        _free(model)  # as sim.run frees it
    return time.perf_counter() - start


def bench_phases(setting: Setting, params: Params | None = None) -> dict[str, Any]:
    """Wall time of each phase of the weekly schedule in default runs, as ``sim.run`` runs them.

    The phase methods are wrapped on each model instance (the class is untouched); ``reporters`` is the
    weekly row of :data:`sim.observe.REPORTERS`; ``other`` is the rest of the run (building the world,
    the week counter).
    """
    params, runs = params or Params(), max(2, setting.repeats // 2)
    names = [*PHASES, "task force staff", "partner trust", "reporters", "other"]
    _phase_timed_run(params, 0, dict.fromkeys(names, 0.0))  # warm-up, not counted
    totals = dict.fromkeys(names, 0.0)
    whole = sum(_phase_timed_run(params, seed, totals) for seed in range(1, runs + 1))
    totals["other"] = whole - sum(totals[n] for n in names if n != "other")
    return {
        "runs": runs,
        "run_seconds": whole / runs,
        "phases": {n: {"seconds": totals[n] / runs, "share": totals[n] / whole} for n in names},
    }


# -- 3. scaling -----------------------------------------------------------------------------------------
def scaled_params(scale: int, weeks: int | None) -> Params:
    """The default world ``scale`` times larger: networks, the vulnerable pool and the market."""
    p = Params()
    overrides: dict[str, Any] = {
        "world.n_networks": p.world.n_networks * scale,
        "recruitment.pool_size": p.recruitment.pool_size * scale,
        "adaptation.market_networks": p.adaptation.market_networks * scale,
    }
    if weeks is not None:
        overrides["weeks"] = weeks
    return p.with_overrides(overrides)


def bench_scaling(setting: Setting) -> dict[str, Any]:
    """Benchmark 3: run time at each scale and the log-log slope of time against scale."""
    seconds = {}
    for scale in SCALES:
        params = scaled_params(scale, setting.scale_weeks)
        seconds[scale] = statistics.median(timed(partial(run, params, 1), max(1, setting.repeats // 2)))
    slope = float(np.polyfit(np.log(SCALES), np.log([seconds[s] for s in SCALES]), 1)[0])
    return {"scales": list(SCALES), "seconds": [seconds[s] for s in SCALES], "loglog_slope": slope}


# -- 4. sweep efficiency --------------------------------------------------------------------------------
def sweep_spec(runs: int, weeks: int | None, name: str = "bench") -> Any:
    """``runs`` replications of the default run (one design point), summaries only."""
    from sim.sweep import parse_spec

    spec: dict[str, Any] = {
        "name": name, "replications": runs, "root_seed": 1, "keep": "summary",
        "design": {"type": "grid", "factors": {"strategy": [Params().strategy]}},
    }  # fmt: skip
    if weeks is not None:
        spec["weeks"] = weeks
    return parse_spec(spec, source="benchmarks/run_all.py")


def single_run_seconds(spec: Any, sample: int = 12) -> float:
    """Time of one run and its summary, called directly, over the first seeds of the sweep: on each CPU
    the sweep's workers use (the first ``WORKERS`` this process may run on) in turn, pinned there, a
    warm-up run then ``sample / WORKERS`` timed ones; then the affinity is restored.

    The figure is the harmonic mean of the CPUs' mean times: 200 runs shared out ideally between
    workers of those speeds take 200 x that / ``WORKERS``. On this machine one CPU at a time slows
    down for seconds on end, and a reference measured unpinned (until 2026-11-29, six runs) was a sample
    of whichever CPU the process happened to be on while the sweep used both. Each CPU's runs follow
    each other (a run moved to another CPU each time was about a tenth slower, its caches cold)."""
    from sim.sweep import run_seed

    params = spec.base
    cpus: list[int | None] = [None]  # where the system cannot pin: one unpinned sample
    if hasattr(os, "sched_getaffinity"):
        cpus = list(sorted(os.sched_getaffinity(0))[:WORKERS])
    per_cpu = max(1, sample // len(cpus))
    seeds = [run_seed(spec.root_seed, 0, r, True) for r in range(min(per_cpu, spec.replications))]
    means = []
    for cpu in cpus:
        with one_core(cpu):
            run(params, seeds[0])  # warm-up on this CPU
            start = time.perf_counter()
            for seed in seeds:
                summarize(run(params, seed))
            means.append((time.perf_counter() - start) / len(seeds))
    return statistics.harmonic_mean(means)


def busy_fraction(out: Path, seconds: float) -> float:
    """Share of the workers' time spent inside runs (the rest is the engine's and the executor's)."""
    from sim.sweep import load

    return float(load(out).runs["run_seconds"].sum()) / (WORKERS * seconds)


def sweep_seconds(spec: Any, out: Path, **executor: Any) -> float:
    """Wall time of a whole sweep into a fresh folder (executor start-up, runs and storage)."""
    from sim.sweep import run_sweep

    start = time.perf_counter()
    result = run_sweep(spec, out, progress=False, **executor)
    seconds = time.perf_counter() - start
    if result.runs_failed:  # the folder is temporary: say what went wrong before it is removed
        from sim.sweep import load

        first = load(out).failures["error"].iloc[0]
        failed = f"{result.runs_failed} runs failed in {out.name}"
        raise SystemExit(f"benchmark sweep: {failed}; the first: {first}")
    return seconds


def side_by_side(params: Params, seed: int, repeats: int = 3) -> float:
    """One run alone (in this process) over the wall time of ``WORKERS`` identical runs at once (one per
    worker of a warm process pool), median of ``repeats`` measured in turns: the efficiency that no
    sweep can beat on this machine, whatever its engine, since parallel runs share caches, memory
    bandwidth and, on a virtual machine, perhaps physical cores."""
    seeds = [seed] * WORKERS
    with ProcessPoolExecutor(WORKERS, mp_context=multiprocessing.get_context("spawn")) as pool:
        list(pool.map(run, [params] * WORKERS, seeds))  # warm-up: imports and a first run in each worker
        run(params, seed)
        shares = []
        for _ in range(repeats):
            start = time.perf_counter()
            run(params, seed)
            alone = time.perf_counter() - start
            start = time.perf_counter()
            list(pool.map(run, [params] * WORKERS, seeds))
            shares.append(alone / (time.perf_counter() - start))
    return statistics.median(shares)


def bench_sweeps(setting: Setting, tmp: Path) -> dict[str, Any]:
    """Benchmark 4: parallel efficiency of a sweep on a local pool and on a Dask LocalCluster, next to the
    machine's own ceiling (:func:`side_by_side`), after a warm-up.

    The warm-up starts what a process starts once for all its sweeps, and times it: the local pool's
    fork server (which imports the model once, for every pool of the process; timed as a sweep of one
    run per worker, less a run) and the Dask cluster (timed from its start to its workers' being ready),
    which then serves both Dask sweeps, as a running cluster serves a researcher's sweeps (each sweep
    still connects its own client and creates its own local pool). Each engine then runs the whole
    sweep twice, in the order local, Dask, Dask, local, so that a steady drift of the machine's speed
    weighs on both engines alike; each sweep is compared with the single-run time measured right before
    and right after it. An engine's efficiency is the mean of its two sweeps'; the efficiency with its
    start-up added to one sweep is reported next to it."""
    from sim.sweep.executors import local_cluster

    spec = sweep_spec(setting.sweep_runs, setting.sweep_weeks)
    ceiling = side_by_side(spec.base, 1)
    singles = [single_run_seconds(spec)]
    start = time.perf_counter()
    sweep_seconds(sweep_spec(WORKERS, setting.sweep_weeks, name="warm-up"), tmp / "warm-up", workers=WORKERS)
    startup = {"local": max(time.perf_counter() - start - singles[0], 0.0)}
    sweeps: dict[str, list[dict[str, float]]] = {"local": [], "dask": []}
    start = time.perf_counter()
    with local_cluster(WORKERS) as address:
        startup["dask"] = time.perf_counter() - start
        engines: dict[str, dict[str, Any]] = {"local": {"workers": WORKERS}, "dask": {"scheduler": address}}
        for turn, key in enumerate(("local", "dask", "dask", "local")):
            out = tmp / f"{key}-{turn}"
            seconds = sweep_seconds(spec, out, **engines[key])
            singles.append(single_run_seconds(spec))
            single = (singles[-2] + singles[-1]) / 2  # the single-run time around this sweep
            sweeps[key].append({
                "seconds": seconds, "efficiency": spec.replications * single / WORKERS / seconds,
                "with_startup": spec.replications * single / WORKERS / (seconds + startup[key]),
                "busy": busy_fraction(out, seconds),
            })  # fmt: skip
    result: dict[str, Any] = {
        "runs": spec.replications, "weeks": spec.base.weeks, "workers": WORKERS,
        "single_run_seconds": statistics.fmean(singles), "order": "local, dask, dask, local",
        "side_by_side": ceiling, "after_warm_up": True,
    }  # fmt: skip
    for key, measured in sweeps.items():
        for field in ("seconds", "efficiency", "with_startup", "busy"):
            result[f"{key}_{field}"] = statistics.fmean(m[field] for m in measured)
        result[f"{key}_efficiencies"] = [m["efficiency"] for m in measured]
        result[f"{key}_startup_seconds"] = startup[key]
    return result


# -- 5. analyst latency ---------------------------------------------------------------------------------
def bench_analyst(setting: Setting) -> dict[str, Any]:
    """Benchmark 5: wall time of the explorer's real update (a lever changed in the built widget)."""
    try:
        from sim import explorer
    except ImportError as exc:
        return {"available": False, "reason": f"sim.explorer cannot be imported: {exc}"}
    box = explorer.build_explorer()
    levers = explorer.by_role(explorer.LEVER)
    effort = box.children[0].children[0].children[1 + [c.path for c in levers].index("effort")]
    times = []
    try:
        for k in range(setting.analyst_updates):
            start = time.perf_counter()
            effort.value = Params().effort * (0.8 + 0.1 * k)  # observing widgets rerun and redraw
            times.append(time.perf_counter() - start)
    finally:
        explorer.shutdown()
    return {"available": True, "update_seconds": statistics.median(times), "updates": len(times)}


# -- 6. memory --------------------------------------------------------------------------------------------
def peak_rss_mb() -> float:
    """This process's peak resident set size in MB.

    On Linux ``VmHWM`` of ``/proc/self/status``: ``ru_maxrss`` would also count the parent's memory at the
    ``fork`` that started this process. Elsewhere ``ru_maxrss`` (bytes on macOS, kilobytes otherwise).
    """
    status = Path("/proc/self/status")
    if status.exists():
        line = next(x for x in status.read_text().splitlines() if x.startswith("VmHWM:"))
        return int(line.split()[1]) / 2**10
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (2**20 if sys.platform == "darwin" else 2**10)


def rss_run(params: Params, seed: int, weeks: int | None = None) -> pd.DataFrame:
    """The model's run, tagged with the worker's process id and its peak RSS once the run is done."""
    frame = run(params, seed, weeks)
    return frame.assign(worker_pid=float(os.getpid()), worker_peak_rss_mb=peak_rss_mb(), finished=time.time())


def rss_summary(frame: pd.DataFrame) -> dict[str, float]:
    """The run's usual summary plus the worker tags of :func:`rss_run`."""
    tags = ["worker_pid", "worker_peak_rss_mb", "finished"]
    return {**summarize(frame.drop(columns=tags)), **{t: float(frame[t].iloc[-1]) for t in tags}}


def one_run_peak_rss_mb() -> dict[str, float]:
    """Peak RSS of a fresh process that imports the model, and of one that also does a default run."""
    probe = "import run_all; from sim import Params, run{}; print(run_all.peak_rss_mb())"
    run_it = "; run(Params(), 1)"
    here = Path(__file__).parent
    peaks = [
        float(subprocess.check_output([sys.executable, "-c", probe.format(s)], cwd=here))
        for s in ("", run_it)
    ]
    return {"import_peak_rss_mb": peaks[0], "run_peak_rss_mb": peaks[1]}


def worker_growth(runs: pd.DataFrame, settle: int = 10) -> tuple[float, float, float]:
    """Peak RSS of the largest worker, the largest growth of a worker's peak per run after ``settle``
    runs, and the largest over the second half of a worker's runs (MB/run; 0 when memory is flat in the
    number of runs).

    A leak grows the peak in every part of a sweep; a one-off step early on (1.5 MB at about run 220 in
    both workers on 2026-11-30, of a cause not established) shows in the first figure, spread over the
    sweep, but not in the second half's."""
    growth, late = [], []
    for _, rows in runs.sort_values("finished").groupby("worker_pid"):
        peaks = rows["worker_peak_rss_mb"].to_numpy()
        first, half = min(settle, len(peaks) - 1), len(peaks) // 2
        growth.append((peaks[-1] - peaks[first]) / max(len(peaks) - 1 - first, 1))
        late.append((peaks[-1] - peaks[half]) / max(len(peaks) - 1 - half, 1))
    return float(runs["worker_peak_rss_mb"].max()), float(max(growth)), float(max(late))


def bench_memory(setting: Setting, tmp: Path) -> dict[str, Any]:
    """Benchmark 6: one run's peak RSS, and per worker over a long sweep of one-year runs."""
    from sim.sweep import load

    spec = sweep_spec(setting.memory_runs, 52, name="memory")
    sweep_seconds(spec, tmp / "memory", workers=WORKERS, run_fn=rss_run, summarize_fn=rss_summary)
    peak, growth, late = worker_growth(load(tmp / "memory").runs)
    return {
        **one_run_peak_rss_mb(), "sweep_runs": setting.memory_runs, "sweep_weeks": 52,
        "worker_peak_rss_mb": peak, "worker_growth_mb_per_run": growth,
        "worker_late_growth_mb_per_run": late,
    }  # fmt: skip


# -- 7. reproduction --------------------------------------------------------------------------------------
def bench_reproduce(setting: Setting, tmp: Path, skip: bool) -> dict[str, Any]:
    """Benchmark 7: wall time of ``sim reproduce`` (every experiment, figure, summary) into a temp folder."""
    command = shutil.which("sim") or str(Path(sys.executable).with_name("sim"))
    probe = subprocess.run([command, "reproduce", "--help"], capture_output=True)
    if probe.returncode != 0:
        return {"available": False, "reason": "no `sim reproduce` command"}
    if setting.quick or skip:
        return {"available": True, "skipped": "not run with --quick or --skip-reproduce (it takes minutes)"}
    published = ROOT / "results" / "published"
    args = [command, "reproduce", "--out", str(tmp / "reproduce"), "--workers", str(WORKERS)]
    args += ["--check", "--published", str(published)]  # the timed run also checks its numbers
    start = time.perf_counter()
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):  # 1 is --check's "differs"; anything else is a failure
        raise RuntimeError(f"sim reproduce failed ({done.returncode}):\n{done.stderr[-2000:]}")
    matches = done.returncode == 0
    return {"available": True, "seconds": seconds, "matches_published": matches, "log": done.stdout[-4000:]}


# -- the table ----------------------------------------------------------------------------------------------
Row = tuple[str, str, str, str]


def _verdict(ok: bool | None) -> str:
    return "-" if ok is None else ("ok" if ok else "MISSED")


def _latency_rows(lat: dict[str, Any]) -> list[Row]:
    ratio, throughput = lat["ratio_to_mesa_import"], lat["throughput_ratio"]
    timing = f"{lat['run_seconds']:.2f} s / {lat['mesa_import_seconds']:.2f} s"
    rates = f"{lat['agent_steps_per_second']:,.0f} / {lat['plain_mesa_agent_steps_per_second']:,.0f}"
    target = f"<= {LATENCY_TARGET} (issue 2); <= {LATENCY_STRETCH} (issue 6)"
    agents = f"{lat['mean_agents']} agents"
    verdict = f"{_verdict(ratio <= LATENCY_TARGET)} / {_verdict(ratio <= LATENCY_STRETCH)}"
    return [
        ("1 run latency: run / import mesa", f"{ratio:.3f} ({timing})", target, verdict),
        (
            "2 agent-steps/s: ours / plain",
            f"{throughput:.2f} ({rates}; {agents})",
            ">= 1",
            _verdict(throughput >= 1),
        ),
    ]


def _scaling_rows(sc: dict[str, Any]) -> list[Row]:
    times = " / ".join(f"{t:.2f}" for t in sc["seconds"])
    slope = sc["loglog_slope"]
    return [
        (
            "3 scaling: log-log slope, 1x 4x 16x",
            f"{slope:.2f} ({times} s)",
            "<= 1.05",
            _verdict(slope <= 1.05),
        )
    ]


def _sweep_rows(sw: dict[str, Any]) -> list[Row]:
    rows = []
    for key, label in (("local", "local pool"), ("dask", "Dask LocalCluster")):
        efficiency, busy = sw[f"{key}_efficiency"], sw[f"{key}_busy"]
        each = sw.get(f"{key}_efficiencies")  # results written before the sweeps were run in turns lack it
        turns = f"{' and '.join(f'{e:.2f}' for e in each)} in turns; " if each else ""
        startup = (  # results written before the warm-up lack it (their sweeps included the start-up)
            f"; start-up {sw[f'{key}_startup_seconds']:.1f} s, with it {sw[f'{key}_with_startup']:.2f}"
            if sw.get("after_warm_up")
            else ""
        )
        measured = (
            f"{efficiency:.2f} ({turns}{sw['runs']} runs in {sw[f'{key}_seconds']:.1f} s; "
            f"workers busy {busy:.0%}{startup})"
        )
        rows.append(
            (f"4 sweep efficiency, {label} x{WORKERS}", measured, ">= 0.9", _verdict(efficiency >= 0.9))
        )
    if "side_by_side" in sw:  # results written before this measurement existed lack it
        measured = f"{sw['side_by_side']:.2f} (each of 2 runs at once, relative to 1 alone)"
        rows.append((f"4 machine: {WORKERS} runs at once / 1 alone", measured, "-", "-"))
    return rows


def _analyst_rows(a: dict[str, Any]) -> list[Row]:
    if not a["available"]:
        return [("5 analyst: explorer update", "not available", "<= 1 s", "-")]
    seconds = a["update_seconds"]
    return [("5 analyst: explorer update", f"{seconds:.2f} s", "<= 1 s", _verdict(seconds <= 1))]


def _memory_rows(mem: dict[str, Any]) -> list[Row]:
    one = f"{mem['run_peak_rss_mb']:.0f} MB (imports alone {mem['import_peak_rss_mb']:.0f} MB)"
    growth = mem["worker_growth_mb_per_run"]
    sweep = f"{mem['worker_peak_rss_mb']:.0f} MB, growth {growth * 1024:.1f} KB/run"
    if "worker_late_growth_mb_per_run" in mem:  # results from before 2026-11-30 lack it
        sweep += f" ({mem['worker_late_growth_mb_per_run'] * 1024:.1f} over each worker's second half)"
    flat = growth * mem["sweep_runs"] < 0.05 * mem["worker_peak_rss_mb"]  # under 5% over the whole sweep
    return [
        ("6 memory: peak RSS of one run", one, "-", "-"),
        (f"6 memory: per worker, {mem['sweep_runs']}-run sweep", sweep, "flat", _verdict(flat)),
    ]


def _reproduce_rows(r: dict[str, Any]) -> list[Row]:
    if not r["available"]:
        measured = "not available"
    elif "skipped" in r:
        measured = "skipped (--quick or --skip-reproduce)"
    else:
        minutes = r["seconds"] / 60
        check = "matches the published numbers" if r.get("matches_published") else "DIFFERS from published"
        return [
            (
                "7 reproduction: sim reproduce",
                f"{minutes:.1f} min ({check})",
                f"<= {REPRODUCE_MINUTES} min (issue 6); <= 30 (issue 4)",
                f"{_verdict(minutes <= REPRODUCE_MINUTES)} / {_verdict(minutes <= 30)}",
            )
        ]
    return [("7 reproduction: sim reproduce", measured, f"<= {REPRODUCE_MINUTES} min", "-")]


def table_rows(results: dict[str, Any]) -> list[Row]:
    """(benchmark, measured, target, verdict) for every figure of the suite."""
    return [
        *_latency_rows(results["latency"]), *_scaling_rows(results["scaling"]),
        *_sweep_rows(results["sweeps"]), *_analyst_rows(results["analyst"]),
        *_memory_rows(results["memory"]), *_reproduce_rows(results["reproduce"]),
    ]  # fmt: skip


def format_table(rows: list[Row]) -> str:
    """The rows as an aligned Markdown table."""
    head = ("benchmark", "measured", "target", "")
    widths = [max(len(row[k]) for row in [head, *rows]) for k in range(4)]
    lines = [
        "| " + " | ".join(f"{c:<{w}}" for c, w in zip(row, widths, strict=True)) + " |"
        for row in [head, *rows]
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def format_phases(ph: dict[str, Any]) -> str:
    """The phase timings as a Markdown table."""
    lines = ["| phase | ms per run | share |", "|---|---:|---:|"]
    for name, row in ph["phases"].items():
        lines.append(f"| {name} | {row['seconds'] * 1e3:.0f} | {row['share']:.0%} |")
    lines.append(f"| whole run | {ph['run_seconds'] * 1e3:.0f} | 100% |")
    return "\n".join(lines)


def format_scaling(sc: dict[str, Any], base: Params | None = None) -> str:
    """Run time per scale as a Markdown table, with the slope."""
    base = base or Params()
    lines = ["| scale | networks at start | run time (s) | time / 1x |", "|---:|---:|---:|---:|"]
    first = sc["seconds"][0]
    for scale, seconds in zip(sc["scales"], sc["seconds"], strict=True):
        networks = base.world.n_networks * scale
        lines.append(f"| {scale}x | {networks} | {seconds:.2f} | {seconds / first:.2f} |")
    lines.append("")
    lines.append(f"Log-log slope of time against scale: **{sc['loglog_slope']:.2f}** (target <= 1.05).")
    return "\n".join(lines)


def replace_block(text: str, name: str, body: str, where: Path = DOCS) -> str:
    """``text`` with the lines between ``<!-- begin NAME -->`` and ``<!-- end NAME -->`` set to ``body``."""
    begin, end = f"<!-- begin {name} -->", f"<!-- end {name} -->"
    if begin not in text or end not in text:
        raise ValueError(f"{where}: the markers {begin} ... {end} are missing")
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{begin}\n{body}\n{end}{tail}"


def write_docs(results: dict[str, Any], path: Path = DOCS) -> None:
    """Write the table, the phases and the scaling of ``results`` into ``docs/performance.md``."""
    before, after = results["machine_before"], results["machine_after"]
    setting = "quick setting (`--quick`)" if results["setting"]["quick"] else "full setting"
    load = f"load average {before['load_average'][0]:.2f} before, {after['load_average'][0]:.2f} after"
    note = (
        f"Measured {before['date']} by `python benchmarks/run_all.py --docs` ({setting}), Python "
        f"{before['python']}, numpy {before['numpy']}, Mesa {before['mesa']}, {before['cpus']} CPUs, {load}."
    )
    again = results.get("remeasured")
    if again:
        note += " Measured again later: " + "; ".join(f"{name} {date}" for name, date in again.items()) + "."
    text = path.read_text(encoding="utf-8")
    text = replace_block(text, "table", f"{note}\n\n{format_table(table_rows(results))}", path)
    text = replace_block(text, "phases", format_phases(results["phases"]), path)
    text = replace_block(text, "scaling", format_scaling(results["scaling"]), path)
    path.write_text(text, encoding="utf-8")


# -- main -----------------------------------------------------------------------------------------------
def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    return {
        "python": platform.python_version(), "numpy": np.__version__, "mesa": mesa.__version__,
        "cpus": os.cpu_count(), "load_average": os.getloadavg(), "platform": platform.platform(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
    }  # fmt: skip


#: The benchmarks by name, in the order they run (``--only`` takes these names).
BENCHMARKS = ("latency", "phases", "scaling", "sweeps", "analyst", "memory", "reproduce")


def measure(setting: Setting, skip_reproduce: bool, only: tuple[str, ...] = BENCHMARKS) -> dict[str, Any]:
    """The benchmarks named in ``only`` (default all), in order, each printed as it finishes."""
    results: dict[str, Any] = {"setting": setting.__dict__, "machine_before": machine()}
    with tempfile.TemporaryDirectory(prefix="benchmarks_") as folder:
        tmp = Path(folder)
        steps = [
            ("latency", lambda: bench_latency_and_throughput(setting)),
            ("phases", lambda: bench_phases(setting)),
            ("scaling", lambda: bench_scaling(setting)), ("sweeps", lambda: bench_sweeps(setting, tmp)),
            ("analyst", lambda: bench_analyst(setting)), ("memory", lambda: bench_memory(setting, tmp)),
            ("reproduce", lambda: bench_reproduce(setting, tmp, skip_reproduce)),
        ]  # fmt: skip
        for name, step in steps:
            if name not in only:
                continue
            start = time.perf_counter()
            results[name] = step()
            print(f"  {name} done in {time.perf_counter() - start:.0f} s", flush=True)
    results["machine_after"] = machine()
    return results


def _names(text: str) -> tuple[str, ...]:
    names = tuple(n.strip() for n in text.split(",") if n.strip())
    unknown = sorted(set(names) - set(BENCHMARKS))
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown benchmark(s) {unknown}; choose from {', '.join(BENCHMARKS)}"
        )
    return names


def merge(path: Path, new: dict[str, Any], only: tuple[str, ...]) -> dict[str, Any]:
    """The results stored at ``path`` with the benchmarks in ``only`` replaced by ``new``'s; each
    replaced one is listed under ``remeasured`` with its date. The setting must be the same."""
    if not path.exists():
        raise SystemExit(f"--only updates an existing results file, and {path} does not exist: run all first")
    old = json.loads(path.read_text())
    if old.get("setting", {}).get("quick") != new["setting"]["quick"]:
        raise SystemExit(f"{path} was measured with another setting (--quick or not); run all first")
    merged = {**old, **{name: new[name] for name in only}}
    merged["remeasured"] = {**old.get("remeasured", {}), **dict.fromkeys(only, new["machine_before"]["date"])}
    return merged


def main() -> None:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    parser.add_argument("--quick", action="store_true", help="fewer runs and weeks (about two minutes)")
    parser.add_argument("--skip-reproduce", action="store_true", help="leave out benchmark 7 (sim reproduce)")
    parser.add_argument("--json", type=Path, default=OUT, help=f"where to write the results (default {OUT})")
    parser.add_argument("--docs", action="store_true", help=f"also write the tables into {DOCS}")
    parser.add_argument(
        "--only", type=_names, default=BENCHMARKS, metavar="NAME[,NAME]",
        help=f"measure only these ({', '.join(BENCHMARKS)}) and update them in an existing --json file",
    )  # fmt: skip
    args = parser.parse_args()
    setting = Setting.of(args.quick)
    results = measure(setting, args.skip_reproduce, args.only)
    if args.only != BENCHMARKS:
        results = merge(args.json, results, args.only)
    rows = table_rows(results)
    keys = ("benchmark", "measured", "target", "verdict")
    results["table"] = [dict(zip(keys, row, strict=True)) for row in rows]
    print(format_table(rows))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2, default=float) + "\n")
    print(f"wrote {args.json}")
    if args.docs:
        write_docs(results)
        print(f"wrote the tables into {DOCS}")


if __name__ == "__main__":
    main()

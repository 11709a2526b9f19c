"""Results stream to disk: memory stays flat however many runs a sweep has."""

import tracemalloc
from pathlib import Path

import sweep_fakes

from sim.sweep import load, run_sweep

SPEC = """
name = "many"
weeks = 2
replications = {reps}
root_seed = 3
keep = "weekly"

[design]
type = "grid"

[design.factors]
prevention_share = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
"""
CHUNK = 100
TRIVIAL = {
    "run_fn": sweep_fakes.trivial_run,
    "summarize_fn": sweep_fakes.trivial_summarize,
    "progress": False,
}


def peak_bytes(write_spec, out: Path, reps: int) -> int:
    """Peak Python heap while running a sweep of ``10 * reps`` trivial runs in this process."""
    spec = write_spec(SPEC.format(reps=reps), name=f"many-{reps}.toml")
    tracemalloc.start()
    try:
        run_sweep(spec, out, workers=1, chunk_runs=CHUNK, **TRIVIAL)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_thousand_run_sweep_keeps_memory_flat(write_spec, tmp_path: Path) -> None:
    peak_bytes(write_spec, tmp_path / "warm-up", 5)  # first use imports and caches
    small = peak_bytes(write_spec, tmp_path / "small", 20)
    large = peak_bytes(write_spec, tmp_path / "large", 100)
    data = load(tmp_path / "large")
    assert len(data.runs) == 1000 and len(data.weekly) == 2000
    assert len(list((tmp_path / "large" / "runs").iterdir())) == 10
    # Five times the runs, yet the peak grows by far less than the results would take if held
    # (the only per-run state kept is the set of recorded keys, a few hundred bytes a run).
    assert large < small + 1_000_000, (small, large)

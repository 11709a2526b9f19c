"""Pieces of the engine on their own: progress line, batch sizes, executor failures, code changes."""

import io
import json
from concurrent.futures import Executor, Future
from pathlib import Path

import pytest
import sweep_fakes

from sim.sweep import ExecutorError, SweepAborted, load, run_sweep
from sim.sweep.engine import BatchSizer, batch_size_for
from sim.sweep.errors import CodeChangedWarning
from sim.sweep.progress import Progress, format_seconds
from sim.sweep.worker import BatchResult

FAKE = {"run_fn": sweep_fakes.fake_run, "summarize_fn": sweep_fakes.fake_summarize, "progress": False}


class TtyBuffer(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_line_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    stream = TtyBuffer()
    progress = Progress("demo", total=100, done=20, stream=stream)
    assert progress.enabled
    assert (
        progress.line(ok=30, failed=2, elapsed=16.0)
        == "demo: 52/100 runs, 2 failed, 2.00 runs/s, ETA 0:00:24"
    )
    progress.update(3, 1, force=True)
    progress.close(3, 1)
    assert stream.getvalue().startswith("\rdemo: 24/100 runs, 1 failed") and stream.getvalue().endswith("\n")


def test_progress_is_quiet_off_a_terminal_and_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    plain = io.StringIO()
    Progress("demo", 10, 0, stream=plain).close(10, 0)
    assert plain.getvalue() == ""
    monkeypatch.setenv("CI", "true")
    assert not Progress("demo", 10, 0, stream=TtyBuffer()).enabled


def test_format_seconds() -> None:
    assert (format_seconds(0), format_seconds(3725.4), format_seconds(-3)) == (
        "0:00:00",
        "1:02:05",
        "0:00:00",
    )


def test_batch_size_cap_keeps_workers_fed() -> None:
    assert batch_size_for(200, 2) == 13  # at least 16 tasks for 2 workers
    assert batch_size_for(5, 8) == 1
    assert batch_size_for(1_000_000, 4) == 50


def timed(*seconds: float) -> BatchResult:
    return BatchResult(runs=[{"run_seconds": s} for s in seconds])


def test_batches_grow_to_a_few_seconds_of_work_up_to_the_cap() -> None:
    sizer = BatchSizer(cap=13)
    assert sizer.next_size() == 1  # nothing timed yet
    sizer.observe(timed(0.5, 0.3))
    assert sizer.next_size() == 5  # 2 s of work at 0.4 s a run
    sizer.observe(timed(0.001, 0.001, 0.001, 0.001, 0.001, 0.001))
    assert sizer.next_size() == 13  # cheap runs: as many as the cap allows
    assert BatchSizer(cap=13, fixed=7).next_size() == 7


def test_the_last_tasks_shrink_so_workers_finish_together() -> None:
    sizer = BatchSizer(cap=13, slots=2, remaining=200)
    sizes = []
    while sizer.remaining:
        size = min(sizer.next_size(), sizer.remaining)
        sizes.append(size)
        sizer.handed_out(size)
        sizer.observe(timed(*[0.1] * size))  # runs of 0.1 s: 2 s of work would be 20 runs
    assert sum(sizes) == 200 and sizes[0] == 1  # nothing timed at first
    assert sizes[1:13] == [13] * 12  # the cap while much is left
    assert sizes[13:] == [11, 8, 6, 5, 4, 3, 2, 1, 1, 1, 1]  # then a quarter of what is left (2 workers)
    assert BatchSizer(cap=13, fixed=7, slots=2, remaining=3).next_size() == 7  # a fixed size is kept


class BrokenExecutor(Executor):
    """An executor whose workers die: every task fails outside the model."""

    def submit(self, fn, /, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN201
        future: Future[object] = Future()
        future.set_exception(OSError("worker lost"))
        return future


class FailingAfter(Executor):
    """An executor that runs its first ``good`` tasks (inline) and then loses its workers."""

    def __init__(self, good: int) -> None:
        self.good = good

    def submit(self, fn, /, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN201
        future: Future[object] = Future()
        if self.good > 0:
            self.good -= 1
            future.set_result(fn(*args, **kwargs))
        else:
            future.set_exception(OSError("worker lost"))
        return future


def test_executor_failure_aborts_with_runs_saved(tiny_spec: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(SweepAborted, match="worker lost.*run the same command again to resume"):
        run_sweep(tiny_spec, out, executor=BrokenExecutor(), **FAKE)
    manifest = load(out).manifest
    assert manifest["status"] == "aborted" and manifest["counts"]["runs_pending"] == 6
    assert run_sweep(tiny_spec, out, workers=1, **FAKE).status == "complete"


def test_runs_finished_before_an_executor_failure_are_kept_and_not_rerun(
    tiny_spec: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    with pytest.raises(SweepAborted, match="worker lost"):
        run_sweep(tiny_spec, out, executor=FailingAfter(2), batch_size=1, **FAKE)
    saved = load(out)
    assert saved.manifest["counts"]["runs_ok"] == 2 and len(saved.runs) == 2
    kept = set(zip(saved.runs["point_id"], saved.runs["replication"], strict=True))
    result = run_sweep(tiny_spec, out, workers=1, **FAKE)
    assert result.status == "complete" and result.runs_this_session == 4
    runs = load(out).runs
    keys = list(zip(runs["point_id"], runs["replication"], strict=True))
    assert len(keys) == len(set(keys)) == 6 and kept <= set(keys)


def test_resuming_with_changed_code_warns(tiny_spec: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_sweep(tiny_spec, out, workers=1, **FAKE)
    manifest_path = out / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["sessions"][0]["code"]["source_sha256"] = "0" * 64
    manifest_path.write_text(json.dumps(manifest))
    with pytest.warns(CodeChangedWarning, match="the sim code changed"):
        run_sweep(tiny_spec, out, workers=1, **FAKE)


def test_an_executor_that_cannot_start_leaves_nothing(tiny_spec: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(ExecutorError, match="--dask-local: expected a positive number of workers"):
        run_sweep(tiny_spec, out, dask_local=0, **FAKE)
    with pytest.raises(ExecutorError, match="--workers"):
        run_sweep(tiny_spec, out, workers=0, **FAKE)
    assert not out.exists()
    with pytest.raises(ValueError, match="batch_size"):
        run_sweep(tiny_spec, out, batch_size=0, **FAKE)
    assert not out.exists()

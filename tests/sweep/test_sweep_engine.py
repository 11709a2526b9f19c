"""The engine end to end: executors agree, failures are data, folders are checked, results stream to disk."""

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import sweep_fakes
from sweep_fakes import TINY

from sim.sweep import SweepFolderError, load, load_spec, run_seed, run_sweep
from sim.sweep.storage import part_path

FAKE = {"run_fn": sweep_fakes.fake_run, "summarize_fn": sweep_fakes.fake_summarize, "progress": False}


def comparable(frame: pd.DataFrame) -> pd.DataFrame:
    """A results table without its timing column (the only part that may differ between runs)."""
    return frame.drop(columns=["run_seconds"], errors="ignore")


@pytest.fixture(scope="module")
def sequential(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The tiny real-model spec run sequentially: (spec file, output folder)."""
    folder = tmp_path_factory.mktemp("seq")
    spec = folder / "tiny.toml"
    spec.write_text(TINY.format(keep=5), encoding="utf-8")
    result = run_sweep(spec, folder / "out", workers=1, progress=False)
    assert result.status == "complete" and result.runs_ok == 6
    return spec, folder / "out"


def assert_same_results(a: Path, b: Path) -> None:
    left, right = load(a), load(b)
    pd.testing.assert_frame_equal(comparable(left.runs), comparable(right.runs))
    assert left.weekly is not None and right.weekly is not None
    pd.testing.assert_frame_equal(left.weekly, right.weekly)


def test_sequential_run_of_the_real_model(sequential: tuple[Path, Path]) -> None:
    spec_path, out = sequential
    data = load(out)
    spec = load_spec(spec_path)
    assert len(data.runs) == 6 and data.failures.empty
    assert {"harm_usd", "arrests_total", "active_networks_final"} <= set(data.runs.columns)
    assert list(data.runs["strategy"]) == ["reactive"] * 2 + ["preventative"] * 2 + ["mixed"] * 2
    assert data.runs["seed"].dtype == "int64"
    assert list(data.runs["seed"]) == [
        run_seed(spec.root_seed, p, r, True) for p in range(3) for r in range(2)
    ]
    assert data.weekly is not None and sorted(set(data.weekly["week"])) == [5, 10, 15, 20]
    assert len(data.weekly) == 6 * 4


def test_process_pool_matches_sequential(sequential: tuple[Path, Path], tmp_path: Path) -> None:
    spec, out = sequential
    result = run_sweep(spec, tmp_path / "pool", workers=2, batch_size=1, progress=False)
    assert result.runs_ok == 6
    assert_same_results(out, tmp_path / "pool")


def test_dask_matches_sequential(sequential: tuple[Path, Path], tmp_path: Path) -> None:
    from dask.distributed import Client, LocalCluster

    spec, out = sequential
    cluster = LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None)
    with cluster, Client(cluster) as client:
        result = run_sweep(spec, tmp_path / "dask", executor=client.get_executor(), workers=2, progress=False)
    assert result.runs_ok == 6
    assert_same_results(out, tmp_path / "dask")


def test_dask_local_cluster_option(sequential: tuple[Path, Path], tmp_path: Path) -> None:
    spec, out = sequential
    result = run_sweep(spec, tmp_path / "dl", dask_local=2, progress=False)
    assert result.runs_ok == 6
    assert_same_results(out, tmp_path / "dl")
    session = load(tmp_path / "dl").manifest["sessions"][-1]
    assert session["executor"]["kind"] == "dask" and "distributed" in session["packages"]


def test_dask_local_cluster_workers_run_without_the_profiler() -> None:
    """The --dask-local cluster has no dashboard, so its workers do not sample their tasks' stacks, and its
    housekeeping runs seldom (``LOCAL_CLUSTER_CONFIG``), in the scheduler and in the workers alike."""
    import dask
    from dask.distributed import Client

    from sim.sweep.executors import local_cluster

    with local_cluster(1) as address, Client(address) as client:
        enabled = client.run(lambda: dask.config.get("distributed.worker.profile.enabled"))
        callbacks = client.run(lambda dask_worker: sorted(dask_worker.periodic_callbacks))
        periods = client.run(
            lambda dask_worker: {k: c.callback_time for k, c in dask_worker.periodic_callbacks.items()}
        )
        scheduler = client.run_on_scheduler(
            lambda dask_scheduler: {k: c.callback_time for k, c in dask_scheduler.periodic_callbacks.items()}
        )
    assert list(enabled.values()) == [False]
    assert not any("profile" in name for names in callbacks.values() for name in names)
    for every in (*periods.values(), scheduler):
        assert every["tick"] == 1000 and every["monitor"] == 5000  # ms, against 20 and 500 by default
    assert all(every["memory_monitor"] == 1000 for every in periods.values())
    assert dask.config.get("distributed.worker.profile.enabled") is True  # the caller's config is untouched
    assert dask.config.get("distributed.admin.tick.interval") == "20ms"


def test_failed_runs_are_recorded_and_the_sweep_goes_on(tiny_spec: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_sweep(tiny_spec, out, workers=1, **{**FAKE, "run_fn": sweep_fakes.failing_run})
    assert (result.status, result.runs_ok, result.runs_failed) == ("complete", 4, 2)
    data = load(out)
    assert set(data.runs["strategy"]) == {"reactive", "mixed"}
    failures = data.failures
    assert list(failures["point_id"]) == [1, 1] and list(failures["replication"]) == [0, 1]
    assert set(failures["strategy"]) == {"preventative"}
    assert all(failures["error"].str.startswith("RuntimeError: model blew up for seed"))
    assert all("Traceback" in t and "failing_run" in t for t in failures["traceback"])
    assert list(failures["seed"]) == list(data.runs["seed"][:2])  # common random numbers
    assert data.manifest["counts"] == {"runs_total": 6, "runs_ok": 4, "runs_failed": 2, "runs_pending": 0}


def test_changed_spec_is_refused(tiny_spec: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_sweep(tiny_spec, out, workers=1, **FAKE)
    tiny_spec.write_text(tiny_spec.read_text().replace("replications = 2", "replications = 3"))
    with pytest.raises(SweepFolderError, match="different spec"):
        run_sweep(tiny_spec, out, workers=1, **FAKE)


def test_folder_that_is_not_a_sweep_is_refused_untouched(tiny_spec: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    with pytest.raises(SweepFolderError, match="something other than a sweep"):
        run_sweep(tiny_spec, other, workers=1, **FAKE)
    assert [p.name for p in other.iterdir()] == ["notes.txt"]
    with pytest.raises(SweepFolderError, match="this is a file"):
        run_sweep(tiny_spec, other / "notes.txt", workers=1, **FAKE)
    (other / "manifest.json").write_text('{"format": "something else"}')
    with pytest.raises(SweepFolderError, match="not a sweep folder"):
        run_sweep(tiny_spec, other, workers=1, **FAKE)


def test_resume_flag_needs_a_sweep_and_a_finished_sweep_is_left_alone(
    tiny_spec: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    with pytest.raises(SweepFolderError, match="nothing to resume"):
        run_sweep(tiny_spec, out, resume=True, workers=1, **FAKE)
    assert not out.exists()
    run_sweep(tiny_spec, out, workers=1, **FAKE)
    files = sorted(p.relative_to(out) for p in out.rglob("*.parquet"))
    again = run_sweep(tiny_spec, out, resume=True, workers=1, **FAKE)
    assert (again.status, again.runs_this_session, again.runs_ok) == ("complete", 0, 6)
    assert sorted(p.relative_to(out) for p in out.rglob("*.parquet")) == files
    assert [s["status"] for s in load(out).manifest["sessions"]] == ["complete", "complete"]


class InterruptAfter:
    """A run function that raises KeyboardInterrupt (as Ctrl-C would) on its ``n``-th call."""

    def __init__(self, n: int) -> None:
        self.calls, self.n = 0, n

    def __call__(self, params, seed, weeks=None):  # noqa: ANN001, ANN204
        self.calls += 1
        if self.calls == self.n:
            raise KeyboardInterrupt
        return sweep_fakes.fake_run(params, seed, weeks)


def interrupt_a_sweep(write_spec, tmp_path: Path, run_fn: InterruptAfter) -> tuple[Path, Path, Path]:
    """A 30-run sweep run whole into ``ref``, and into ``out`` in tasks of two runs with ``run_fn`` until
    Ctrl-C stops it; returns the spec and the two folders."""
    spec = write_spec(TINY.format(keep='"weekly"').replace("replications = 2", "replications = 10"))
    reference, out = tmp_path / "ref", tmp_path / "out"
    run_sweep(spec, reference, workers=1, **FAKE)
    with pytest.raises(KeyboardInterrupt):
        run_sweep(spec, out, workers=1, batch_size=2, **{**FAKE, "run_fn": run_fn})
    return spec, reference, out


def test_interrupted_sweep_resumes_without_loss_or_duplicates(write_spec, tmp_path: Path) -> None:
    spec, reference, out = interrupt_a_sweep(write_spec, tmp_path, InterruptAfter(13))
    partial = load(out)
    assert len(partial.runs) == 12 and partial.manifest["sessions"][-1]["status"] == "interrupted"
    result = run_sweep(spec, out, workers=1, **FAKE)
    assert (result.runs_this_session, result.runs_ok) == (18, 30)
    assert_same_results(reference, out)
    assert not load(out).runs.duplicated(["point_id", "replication"]).any()


class _CtrlCWhenFreed:
    """An object whose finaliser receives Ctrl-C: Python prints "Exception ignored" and goes on."""

    def __del__(self) -> None:
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(3):  # the handler runs here, inside the finaliser
            pass


class CtrlCInFinaliserAfter(InterruptAfter):
    """A run function whose ``n``-th call frees a :class:`_CtrlCWhenFreed` and returns normally."""

    def __call__(self, params, seed, weeks=None):  # noqa: ANN001, ANN204
        self.calls += 1
        if self.calls == self.n:
            _CtrlCWhenFreed()
        return sweep_fakes.fake_run(params, seed, weeks)


@pytest.fixture
def ctrl_c_raises() -> Iterator[None]:
    """SIGINT raises ``KeyboardInterrupt``, as in an interactive session, whatever this test process
    inherited: a test runner started in the background or under ``nohup`` ignores SIGINT."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the finaliser's Ctrl-C
@pytest.mark.usefixtures("ctrl_c_raises")
def test_ctrl_c_swallowed_by_a_finaliser_still_stops_the_sweep(write_spec, tmp_path: Path) -> None:
    spec, reference, out = interrupt_a_sweep(write_spec, tmp_path, CtrlCInFinaliserAfter(13))
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # the driver's handler is gone
    partial = load(out)  # the batch that was running when Ctrl-C came is kept, nothing after it
    assert len(partial.runs) == 14 and partial.manifest["sessions"][-1]["status"] == "interrupted"
    run_sweep(spec, out, workers=1, **FAKE)
    assert_same_results(reference, out)


def test_half_written_files_are_ignored_then_cleaned(tiny_spec: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_sweep(tiny_spec, out, workers=1, **FAKE)
    complete = load(out)
    orphan = part_path(out, "weekly", 99)
    orphan.write_bytes(part_path(out, "weekly", 1).read_bytes())
    temp = out / "runs" / ".part-000100.parquet.123.tmp"
    temp.write_bytes(b"PAR1 truncated")
    pd.testing.assert_frame_equal(load(out).weekly, complete.weekly)
    run_sweep(tiny_spec, out, workers=1, **FAKE)
    assert not orphan.exists() and not temp.exists()


def test_folder_holds_only_data_and_nothing_is_written_elsewhere(
    tiny_spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    run_sweep(tiny_spec, "out", workers=2, **FAKE)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*before, "out"])
    names = {p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*") if p.is_file()}
    assert names == {
        ".lock",
        "manifest.json",
        "design.parquet",
        "runs/part-000001.parquet",
        "weekly/part-000001.parquet",
    }


def test_manifest_records_provenance(tiny_spec: Path, tmp_path: Path) -> None:
    run_sweep(tiny_spec, tmp_path / "out", workers=1, **FAKE)
    manifest = load(tmp_path / "out").manifest
    spec = load_spec(tiny_spec)
    assert manifest["format"] == "sim-sweep/1" and manifest["spec_hash"] == spec.digest()
    assert (
        manifest["spec_toml"] == tiny_spec.read_text() and manifest["spec"]["base"]["world.n_networks"] == 5
    )
    assert manifest["status"] == "complete"
    session = manifest["sessions"][0]
    assert set(session["packages"]) >= {"python", "mesa", "numpy", "pandas", "scipy", "pyarrow"}
    assert set(session["code"]) == {"commit", "dirty", "source_sha256"}
    assert session["started"] <= session["ended"] and session["host"]["hostname"]
    assert session["executor"] == {"kind": "sequential", "workers": 1}


def test_design_table_and_summary_keep(write_spec, tmp_path: Path) -> None:
    spec = write_spec(TINY.format(keep='"summary"'))
    run_sweep(spec, tmp_path / "out", workers=1, **FAKE)
    data = load(tmp_path / "out")
    assert data.weekly is None and not (tmp_path / "out" / "weekly").exists()
    assert list(data.design.columns) == ["point_id", "strategy"] and len(data.design) == 3
    with pytest.raises(ValueError, match="kept no weekly rows"):
        data.weekly_with_factors()

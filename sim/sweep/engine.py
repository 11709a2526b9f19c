"""Running a sweep: pending runs are batched, sent through an executor, and streamed to disk.

The driver keeps a bounded number of batches in flight, writes results in chunks as they arrive
(:class:`~sim.sweep.writer.ChunkWriter`), and resumes a folder of the same spec where it stopped:
runs already recorded (successful or failed) are never run again.
"""

import contextlib
import itertools
import math
import signal
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from . import manifest as mf
from . import storage
from .errors import CodeChangedWarning, SweepAborted
from .executors import ExecutorChoice, open_executor
from .progress import Progress, format_seconds
from .seeds import run_seed
from .spec import Spec, load_spec
from .worker import TIMING_COLUMN, Batch, BatchResult, RunFn, RunTask, SummarizeFn, resolve_model, run_batch
from .writer import ChunkWriter

MAX_BATCH = 50
TASKS_PER_SLOT = 8
TASK_SECONDS = 2.0
TAIL_SHARE = 2


@dataclass(frozen=True)
class SweepResult:
    """Outcome of one call of :func:`run_sweep`: counts over the whole sweep and this session."""

    out: Path
    name: str
    status: str
    runs_total: int
    runs_ok: int
    runs_failed: int
    runs_this_session: int
    seconds: float

    @property
    def runs_pending(self) -> int:
        """Runs not yet recorded (non-zero only after an interruption)."""
        return self.runs_total - self.runs_ok - self.runs_failed

    def summary(self) -> str:
        """One line for people: what ran, what failed, where it is."""
        text = (
            f"{self.name}: {self.status}; {self.runs_ok + self.runs_failed}/{self.runs_total} runs recorded, "
            f"{self.runs_failed} failed ({self.runs_this_session} run now in {format_seconds(self.seconds)}) "
            f"-> {self.out}"
        )
        if self.runs_failed:
            text += f"\nfailures: sim.sweep.load({str(self.out)!r}).failures has each error and traceback"
        return text


@dataclass(frozen=True)
class _Options:
    """How a session runs: see :func:`run_sweep`."""

    progress: bool | None
    batch_size: int | None
    chunk_runs: int
    chunk_seconds: float
    run_fn: RunFn | None
    summarize_fn: SummarizeFn | None

    def __post_init__(self) -> None:
        for name in ("batch_size", "chunk_runs", "chunk_seconds"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise ValueError(f"{name}: expected a positive number, got {value}")


@dataclass
class BatchSizer:
    """Runs per task, decided as the sweep goes.

    A fixed size if one is given. Otherwise one run per task until runs have been timed, then enough
    runs for about ``TASK_SECONDS`` of work (so per-task overhead is a small share), but at most
    ``cap``: an even share of the work (:func:`batch_size_for`), so workers finish together. Toward the
    end, with ``remaining`` runs not yet handed out to ``slots`` workers, a task also takes at most a
    ``1 / (TAIL_SHARE * slots)`` share of them (guided self-scheduling): the last tasks shrink to a run or
    two, so no worker idles for long while another finishes a large task.
    """

    cap: int
    fixed: int | None = None
    seconds: float = 0.0
    timed: int = 0
    slots: int = 1
    remaining: int | None = None

    def observe(self, result: BatchResult) -> None:
        """Learn the run time from a batch's results."""
        for row in (*result.runs, *result.failures):
            self.seconds += row[TIMING_COLUMN]
            self.timed += 1

    def next_size(self) -> int:
        """The number of runs for the next task."""
        if self.fixed is not None:
            return self.fixed
        if not self.timed:
            return 1
        mean = max(self.seconds / self.timed, 1e-6)
        size = min(self.cap, math.ceil(TASK_SECONDS / mean))
        if self.remaining is not None:
            size = min(size, math.ceil(self.remaining / (TAIL_SHARE * self.slots)))
        return max(1, size)

    def handed_out(self, runs: int) -> None:
        """``runs`` more runs are in tasks."""
        if self.remaining is not None:
            self.remaining -= runs


@dataclass
class _Session:
    """Mutable state of one session: counts, the writer, the batch sizer and the progress display."""

    spec: Spec
    out: Path
    writer: ChunkWriter
    progress: Progress
    sizer: BatchSizer
    ok_before: int
    failed_before: int
    ok: int = 0
    failed: int = 0
    start: float = field(default_factory=time.monotonic)

    def record(self, result: BatchResult) -> None:
        self.writer.add(result)
        self.sizer.observe(result)
        self.ok += len(result.runs)
        self.failed += len(result.failures)
        self.progress.update(self.ok, self.failed)


def default_out(spec: Spec) -> Path:
    """Where a sweep goes when no folder is given: ``results/sweeps/<name>``."""
    return Path("results") / "sweeps" / spec.name


def run_sweep(
    spec: Spec | str | Path,
    out: str | Path | None = None,
    *,
    executor: Executor | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    dask_local: int | None = None,
    progress: bool | None = None,
    resume: bool = False,
    batch_size: int | None = None,
    run_fn: RunFn | None = None,
    summarize_fn: SummarizeFn | None = None,
    chunk_runs: int = 1000,
    chunk_seconds: float = 30.0,
) -> SweepResult:
    """Run every pending run of ``spec`` into ``out`` and return the counts.

    ``executor`` is any ``concurrent.futures.Executor`` (``workers`` then says how many tasks it runs
    at once); otherwise one is opened from ``workers`` / ``scheduler`` / ``dask_local`` (see
    :func:`~sim.sweep.executors.open_executor`). A folder of the same spec resumes; ``resume=True``
    also requires that one exists. ``run_fn``/``summarize_fn`` replace the model (tests, notebooks).
    Ctrl-C saves what has arrived and re-raises ``KeyboardInterrupt``; an executor failure saves it
    and raises :class:`SweepAborted`.
    """
    spec = spec if isinstance(spec, Spec) else load_spec(spec)
    out = Path(out) if out is not None else default_out(spec)
    resolve_model(run_fn, summarize_fn)  # fail here, not in every worker, if the model cannot load
    storage.check_folder(out, spec.digest(), resume=resume)  # before the lock creates anything in out
    options = _Options(progress, batch_size, chunk_runs, chunk_seconds, run_fn, summarize_fn)
    # The executor opens first so that one which cannot start leaves nothing behind in ``out``.
    with _executor(executor, workers, scheduler, dask_local) as choice, storage.locked(out):
        manifest = _prepare(spec, out, resume)
        return _run_session(spec, out, manifest, choice, options)


def _prepare(spec: Spec, out: Path, resume: bool) -> dict[str, Any]:
    """Under the lock: check again, clean up after an interrupted session, start a new sweep's files."""
    manifest = storage.check_folder(out, spec.digest(), resume=resume)
    storage.clean(out)
    if manifest is None:
        manifest = mf.new_manifest(spec)
        storage.write_json(manifest, out / storage.MANIFEST)
    if not (out / storage.DESIGN).exists():
        storage.write_frame(design_frame(spec), out / storage.DESIGN)
    return manifest


def _executor(
    executor: Executor | None, workers: int | None, scheduler: str | None, dask_local: int | None
) -> Any:
    """A context yielding the :class:`ExecutorChoice` to use; a given executor is left to its owner."""
    if executor is None:
        return open_executor(workers, scheduler, dask_local)
    slots = workers or 1
    return contextlib.nullcontext(
        ExecutorChoice(executor, slots, {"kind": type(executor).__name__, "workers": slots})
    )


def design_frame(spec: Spec) -> pd.DataFrame:
    """One row per design point: ``point_id`` and the value of each factor."""
    frame = pd.DataFrame(list(spec.design.points), columns=list(spec.design.factors))
    frame.insert(0, "point_id", pd.Series(range(len(frame)), dtype="int64"))
    return frame


def pending_tasks(spec: Spec, done: set[tuple[int, int]]) -> Iterator[RunTask]:
    """Runs not yet recorded, replication by replication so a partial sweep stays balanced."""
    for replication in range(spec.replications):
        for point_id, values in enumerate(spec.design.points):
            if (point_id, replication) not in done:
                seed = run_seed(spec.root_seed, point_id, replication, spec.common_random_numbers)
                yield RunTask(point_id, replication, seed, values)


def batch_size_for(pending: int, slots: int) -> int:
    """The largest batch that still leaves about ``TASKS_PER_SLOT`` tasks per slot (and <= ``MAX_BATCH``)."""
    return max(1, min(MAX_BATCH, math.ceil(pending / (slots * TASKS_PER_SLOT))))


def _run_session(
    spec: Spec, out: Path, manifest: dict[str, Any], choice: ExecutorChoice, options: _Options
) -> SweepResult:
    session, batches = _start_session(spec, out, manifest, choice, options)
    status = "interrupted"
    try:
        with _ctrl_c_kept() as check:

            def record(result: BatchResult) -> None:
                session.record(result)
                check()

            _drive(choice.executor, batches, 2 * choice.slots, record)
        status = "complete"
    except Exception as exc:
        status = "aborted"
        raise SweepAborted(
            f"{out}: the executor failed ({type(exc).__name__}: {exc}); "
            "completed runs are saved, run the same command again to resume"
        ) from exc
    finally:
        _finish(session, manifest, status)
    return _result(session, manifest, status)


def _start_session(
    spec: Spec, out: Path, manifest: dict[str, Any], choice: ExecutorChoice, options: _Options
) -> tuple[_Session, Iterator[Batch]]:
    """Record the session in the manifest; return its state and the batches of pending runs."""
    done, ok_before, failed_before = storage.completed(out)
    mf.start_session(manifest, choice.info, len(done))
    change = mf.code_change(manifest)
    if change:
        warnings.warn(change, CodeChangedWarning, stacklevel=4)
    storage.write_json(manifest, out / storage.MANIFEST)
    writer = ChunkWriter(
        out, storage.next_part(out), chunk_runs=options.chunk_runs, chunk_seconds=options.chunk_seconds
    )
    progress = Progress(spec.name, spec.n_runs, len(done), enabled=options.progress)
    pending = spec.n_runs - len(done)
    sizer = BatchSizer(
        batch_size_for(pending, choice.slots), options.batch_size, slots=choice.slots, remaining=pending
    )
    session = _Session(spec, out, writer, progress, sizer, ok_before, failed_before)
    return session, _batches(spec, pending_tasks(spec, done), sizer, options)


def _batches(spec: Spec, tasks: Iterator[RunTask], sizer: BatchSizer, options: _Options) -> Iterator[Batch]:
    """Group pending runs into tasks, each sized when it is formed (after earlier results arrived)."""
    while chunk := tuple(itertools.islice(tasks, sizer.next_size())):
        sizer.handed_out(len(chunk))
        yield Batch(spec.base, spec.design.factors, chunk, spec.keep, options.run_fn, options.summarize_fn)


def _finish(session: _Session, manifest: dict[str, Any], status: str) -> None:
    """Write what is buffered, then close the session in the manifest (also after Ctrl-C)."""
    session.writer.flush()
    session.progress.close(session.ok, session.failed)
    # Count what is on disk: a Ctrl-C can land after rows were handed to the writer but before the
    # session's own counters moved, and the manifest must agree with the stored runs.
    _, ok, failed = storage.completed(session.out)
    mf.end_session(manifest, status, ok, failed, time.monotonic() - session.start)
    storage.write_json(manifest, session.out / storage.MANIFEST)


def _result(session: _Session, manifest: dict[str, Any], status: str) -> SweepResult:
    counts = manifest["counts"]
    return SweepResult(
        out=session.out,
        name=session.spec.name,
        status=status,
        runs_total=counts["runs_total"],
        runs_ok=counts["runs_ok"],
        runs_failed=counts["runs_failed"],
        runs_this_session=session.ok + session.failed,
        seconds=time.monotonic() - session.start,
    )


@contextlib.contextmanager
def _ctrl_c_kept() -> Iterator[Callable[[], None]]:
    """Ctrl-C raises ``KeyboardInterrupt`` at once, as usual, and is also remembered; the context yields
    a check that raises it again.

    Python cannot raise an exception out of a finaliser (a ``__del__`` or weakref callback that happens
    to run in the driver's thread when Ctrl-C arrives): it prints "Exception ignored" and goes on, and
    the sweep would run to its end. The driver calls the check after each result, so such a Ctrl-C still
    stops the sweep there. Only the main thread can set a handler, and one set by the caller is left
    alone: elsewhere, or when SIGINT does not raise ``KeyboardInterrupt``, the check never raises.
    """
    pressed: list[int] = []

    def check() -> None:
        if pressed:
            raise KeyboardInterrupt

    previous = signal.getsignal(signal.SIGINT)
    if (
        threading.current_thread() is not threading.main_thread()
        or previous is not signal.default_int_handler
    ):
        yield check
        return

    def remember(signum: int, frame: Any) -> None:
        pressed.append(signum)
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, remember)
    try:
        yield check
    finally:
        signal.signal(signal.SIGINT, previous)


def _drive(
    executor: Executor, batches: Iterator[Batch], limit: int, on_result: Callable[[BatchResult], None]
) -> None:
    """Submit batches keeping at most ``limit`` in flight; hand each result over as it completes."""
    pending: set[Future[BatchResult]] = set()
    try:
        for batch in batches:
            while len(pending) >= limit:
                pending = _collect(pending, on_result)
            pending.add(executor.submit(run_batch, batch))
        while pending:
            pending = _collect(pending, on_result)
    except BaseException:
        for future in pending:
            future.cancel()
        raise


def _collect(
    pending: set[Future[BatchResult]], on_result: Callable[[BatchResult], None]
) -> set[Future[BatchResult]]:
    done, rest = wait(pending, return_when=FIRST_COMPLETED)
    for future in done:
        on_result(future.result())
    return rest

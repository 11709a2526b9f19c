"""Executors behind one seam, ``concurrent.futures.Executor``: inline, a local process pool, or Dask.

Dask distributed is an optional extra (``pip install .[cluster]``), imported only when asked for.
"""

import contextlib
import logging
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from .errors import ExecutorError
from .worker import MODEL_MODULES, run_batch


class InlineExecutor(Executor):
    """Runs each task in the calling thread when it is submitted: sequential execution, no processes."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        """Run ``fn`` now; its result or ``Exception`` lands in the returned future.

        ``KeyboardInterrupt`` and other ``BaseException`` propagate so Ctrl-C stops the sweep.
        """
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:
            future.set_exception(exc)
        return future


@dataclass
class ExecutorChoice:
    """An open executor, how many tasks it runs at once, and a description for the manifest."""

    executor: Executor
    slots: int
    info: dict[str, Any] = field(default_factory=dict)


@contextlib.contextmanager
def open_executor(
    workers: int | None = None, scheduler: str | None = None, dask_local: int | None = None
) -> Iterator[ExecutorChoice]:
    """Open the executor the options ask for and close it on exit.

    ``scheduler`` (a Dask scheduler address) or ``dask_local`` (a Dask LocalCluster of that many
    single-threaded worker processes) select Dask; otherwise ``workers`` processes in a local pool,
    defaulting to every core, with ``workers == 1`` running inline.
    """
    if scheduler is not None or dask_local is not None:
        with _dask(scheduler, dask_local) as choice:
            yield choice
        return
    n = workers if workers is not None else (os.cpu_count() or 1)
    if n < 1:
        raise ExecutorError(f"--workers: expected a positive number of workers, got {n}")
    if n == 1:
        yield ExecutorChoice(InlineExecutor(), 1, {"kind": "sequential", "workers": 1})
        return
    pool = ProcessPoolExecutor(max_workers=n, mp_context=_pool_context(), initializer=_ignore_sigint)
    with _closing_pool(pool):
        yield ExecutorChoice(pool, n, {"kind": "process-pool", "workers": n})


def _pool_context() -> multiprocessing.context.BaseContext | None:
    """Workers start from a fork server where there is one (POSIX; the default from Python 3.14).

    Forking the driver itself is unsafe once it has threads (pyarrow's pool after reading Parquet,
    a notebook kernel, a Dask client). The server preloads the main script (so run functions defined
    there unpickle), the worker module and the model, so each worker starts with them imported.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return None
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["__main__", run_batch.__module__, *MODEL_MODULES])
    return context


def _ignore_sigint() -> None:
    """Pool workers leave Ctrl-C to the driver, which saves results and stops them."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextlib.contextmanager
def _closing_pool(pool: ProcessPoolExecutor) -> Iterator[None]:
    """Shut the pool down; on an error or Ctrl-C stop its workers at once instead of finishing batches."""
    try:
        yield
    except BaseException:
        stop_pool(pool)
        raise
    pool.shutdown(wait=True)


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Cancel queued tasks and terminate the pool's own worker processes."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=5)


@contextlib.contextmanager
def _dask(scheduler: str | None, n_local: int | None) -> Iterator[ExecutorChoice]:
    try:
        from dask.distributed import Client
    except ImportError:
        raise ExecutorError("Dask is not installed: pip install 'scam-enforcement-sim[cluster]'") from None
    with contextlib.ExitStack() as stack:
        address = scheduler if scheduler is not None else stack.enter_context(local_cluster(n_local))
        try:
            client = stack.enter_context(Client(address, timeout="10s"))
        except (OSError, TimeoutError) as exc:
            raise ExecutorError(f"--scheduler: cannot reach the Dask scheduler at {address}: {exc}") from None
        threads = client.nthreads()
        slots = max(sum(threads.values()), 1)
        info = {"kind": "dask", "scheduler": scheduler or "local", "workers": len(threads), "threads": slots}
        yield ExecutorChoice(client.get_executor(), slots, info)


LOCAL_CLUSTER_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
}
"""Dask settings of the clusters :func:`local_cluster` starts (see there); a cluster given by its
scheduler's address keeps its own."""


@contextlib.contextmanager
def local_cluster(n_workers: int | None) -> Iterator[str]:
    """A Dask LocalCluster of single-threaded worker processes, as ``dask_local`` starts one for a sweep;
    yields its scheduler address (for ``scheduler=``: several sweeps can share one cluster).

    The cluster has no dashboard, so its workers' statistical profiler (a thread sampling the running
    task's stack every 10 ms, for the dashboard's profile page) is switched off: it took about 5% of the
    workers' CPU time from the runs (measured 2026-11-29, 24 runs in turns with and without it).

    Its periodic housekeeping is slowed down (:data:`LOCAL_CLUSTER_CONFIG`), since on a laptop the
    cluster shares the cores with the runs: an idle cluster of two workers took 64 ms of CPU a second in
    the scheduler's process and 24 in each worker with Dask's defaults, and 9 and 4 with these settings
    (measured over 8 s, 2026-11-30). Most of it was the event-loop watchdog's tick every 20 ms, which only
    warns of a blocked loop (its warnings are below the cluster's ERROR log level); then the system
    monitor (every 500 ms; its figures are for the dashboard) and the memory monitor (every 100 ms; now
    every second, so a worker over its memory limit is paused or restarted within a second).
    """
    import dask
    from dask.distributed import LocalCluster

    if n_workers is not None and n_workers < 1:
        raise ExecutorError(f"--dask-local: expected a positive number of workers, got {n_workers}")
    with dask.config.set(LOCAL_CLUSTER_CONFIG):  # the nannies pass it on to their workers
        cluster = LocalCluster(
            n_workers=n_workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
    with cluster:
        yield cluster.scheduler_address

"""The ``sim sweep`` command: :func:`configure` adds its arguments to a parser, :func:`main` runs it.

Only ``argparse`` is imported at module level, so ``sim --help`` stays fast; the engine is imported
when the command runs.
"""

import argparse
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

DESCRIPTION = """\
Run an experiment: every design point of SPEC (a TOML file of data, never code) times its
replications, through a local process pool (default: every core), sequentially (--workers 1) or on
a Dask cluster. Results stream to Parquet files in --out as runs finish; a failed run is recorded
with its parameters, seed and traceback and the sweep goes on. Running the same command again
after an interruption (Ctrl-C, kill -9, a crash) continues where it stopped."""

EPILOG = """\
spec format (full reference: experiments/README.md):
  name = "example"                 folder-safe name; default --out is results/sweeps/<name>
  weeks = 520                      horizon after burn-in (optional; else base / the default)
  replications = 30                runs per design point
  root_seed = 20261128             replication seeds come from SeedSequence(root_seed)
  common_random_numbers = true     all points share replication r's seed (false: own streams)
  keep = "summary"                 "summary", "weekly", or k: keep every k-th week's rows
  [base]                           any parameter; groups as nested tables, e.g. [base.police]
  [design]                         type = "grid" with [design.factors] name = [values...];
                                   "lhs"/"sobol" with samples = N and [design.ranges]
                                   name = [low, high] | {low, high, log = true} | {values = [...]};
                                   "csv" with path = "points.csv" (relative to SPEC)

output folder (--out):
  manifest.json  design.parquet  runs/part-*.parquet  weekly/part-*.parquet  failures/part-*.parquet
  Read it with sim.sweep.load(DIR) -> .runs, .weekly, .failures, .design, .manifest

resume:
  Running into a folder that holds the same spec continues it: recorded runs (successful or
  failed) are never run again. --resume says so explicitly and fails if there is nothing to resume.
  A folder of a different spec, or one holding anything else, is refused.

exit status:
  0 every run succeeded; 1 some runs failed (see failures/); 2 bad input (spec, --out, options),
  one line on stderr; 3 the executor failed (completed runs saved: run again to resume);
  130 interrupted (completed runs saved: run again to resume).

examples:
  sim sweep experiments/example.toml --dry-run
  sim sweep experiments/example.toml
  sim sweep experiments/example.toml --workers 8 --out results/sweeps/example-b
  sim sweep experiments/example.toml --dask-local 4
  sim sweep experiments/example.toml --scheduler tcp://10.0.0.5:8786"""


RESUME_HELP = "continue the sweep in --out; an error if there is none"
DRY_RUN_HELP = (
    "print the design size, run count and an estimated time (one short calibration run); write nothing"
)


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the sweep arguments, the description (unless one is set) and the epilog to ``parser``."""
    parser.description = parser.description or DESCRIPTION
    parser.epilog = EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument(
        "spec", metavar="SPEC", help="experiment spec, a TOML file (see experiments/README.md)"
    )
    parser.add_argument(
        "--out",
        metavar="DIR",
        help="output folder (default: results/sweeps/<name>); must be new, empty, "
        "or hold a sweep of the same spec",
    )
    _add_execution_options(parser)
    parser.add_argument("--resume", action="store_true", help=RESUME_HELP)
    parser.add_argument("--dry-run", action="store_true", help=DRY_RUN_HELP)


def _add_execution_options(parser: argparse.ArgumentParser) -> None:
    """Where runs execute: the local pool (``--workers``) or Dask, and how they are batched."""
    parser.add_argument(
        "--workers",
        metavar="N",
        type=int,
        help=f"local worker processes (default: all cores, {os.cpu_count()} "
        "here); 1 runs sequentially in this process",
    )
    cluster = parser.add_mutually_exclusive_group()
    cluster.add_argument(
        "--scheduler", metavar="ADDR", help="run on the Dask cluster at ADDR (tcp://host:8786)"
    )
    cluster.add_argument(
        "--dask-local", metavar="N", type=int, help="run on a Dask LocalCluster of N worker processes"
    )
    parser.add_argument(
        "--batch-size",
        metavar="N",
        type=int,
        help="runs per task (default: adaptive, about 2 s of work a task, at least 8 tasks a worker)",
    )


def main(args: argparse.Namespace) -> int:
    """Run the command; returns the exit status (0 ok, 1 runs failed, 2 bad input, 3 executor, 130 Ctrl-C)."""
    from .errors import ExecutorError, SpecError, SweepAborted, SweepFolderError

    try:
        return _run(args)
    except (SpecError, SweepFolderError, ExecutorError) as exc:
        return _fail(exc, 2)
    except SweepAborted as exc:
        return _fail(exc, 3)
    except KeyboardInterrupt:
        return _fail("interrupted; completed runs are saved: run the same command again to resume", 130)


def _run(args: argparse.Namespace) -> int:
    from .engine import default_out, run_sweep
    from .plan import plan
    from .spec import load_spec

    _check_options(args)
    spec = load_spec(args.spec)
    out = Path(args.out) if args.out else default_out(spec)
    if args.dry_run:
        print(plan(spec, out, slots=_slots(args), resume=args.resume).describe())
        return 0
    with warnings.catch_warnings():
        warnings.showwarning = _warn
        result = run_sweep(
            spec,
            out,
            workers=args.workers,
            scheduler=args.scheduler,
            dask_local=args.dask_local,
            resume=args.resume,
            batch_size=args.batch_size,
        )
    print(result.summary())
    return 1 if result.runs_failed else 0


def run_cli(argv: Sequence[str] | None = None, prog: str = "sim sweep") -> int:
    """Parse ``argv`` and run: the command without the ``sim`` entry point (``python -m sim.sweep``)."""
    parser = argparse.ArgumentParser(prog=prog)
    configure(parser)
    return main(parser.parse_args(argv))


def _check_options(args: argparse.Namespace) -> None:
    from .errors import ExecutorError

    for name in ("workers", "dask_local", "batch_size"):
        value = getattr(args, name)
        if value is not None and value < 1:
            raise ExecutorError(f"--{name.replace('_', '-')}: expected a positive number, got {value}")
    if args.workers is not None and (args.scheduler or args.dask_local):
        raise ExecutorError("--workers sets the local pool; with Dask the cluster sets the number of workers")


def _slots(args: argparse.Namespace) -> int | None:
    if args.scheduler:
        return None
    return args.dask_local or args.workers or os.cpu_count() or 1


def _warn(message: Warning | str, *args: object, **kwargs: object) -> None:
    """Show a warning as one line on stderr, as the command's other messages are."""
    print(f"sim sweep: warning: {message}", file=sys.stderr)


def _fail(error: object, status: int) -> int:
    message = " ".join(str(error).split("\n"))
    print(f"sim sweep: error: {message}" if status == 2 else f"sim sweep: {message}", file=sys.stderr)
    return status

"""Run time of the model at two commits, measured in turns in one script (for before/after claims).

Each commit's ``sim`` package is exported with ``git archive`` into a temporary folder (and its compiled
kernels built there, for commits that have them: setuptools and Cython must be installed); rounds of
fresh processes then alternate between the commits (A, B, A, B, ...), each doing a warm-up and
``--seeds`` default runs, so that a change in machine load weighs on both alike. Prints the median
seconds per run of each commit, and the ratio B / A. Process CPU time is reported next to wall time.

``--instructions`` counts machine instructions under valgrind's callgrind instead of timing: one process
per commit runs ``--seeds`` runs, one more only imports, and the difference divided by the runs is the
instructions of a run. The count does not depend on what else the machine is doing, but it is not exact:
the same commit counted in separate processes differed by up to 2 % (0.813, 0.825 and 0.831 G for a
104 + 100-week run, 2026-11-29, also with ``PYTHONHASHSEED`` fixed); OpenBLAS's spinning threads alone
moved one count by 5 % until the counted processes kept them to one (:data:`ONE_THREAD`, 2026-11-30). It
settles differences of a few percent that timings on a shared machine cannot (about 60x slower than a run;
needs valgrind).

    python benchmarks/compare_commits.py 17c7bec HEAD            # before/after the performance work
    python benchmarks/compare_commits.py HEAD~1 HEAD --rounds 7
    python benchmarks/compare_commits.py HEAD~1 HEAD --set strategy=preventative
    python benchmarks/compare_commits.py HEAD~1 HEAD --instructions --seeds 1
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

#: How every measuring process starts: the parameters are the defaults with the ``--set`` overrides (a
#: JSON object of dotted names), and ``sim`` must come from the exported package at ``path``.
SETUP = """
import json, sys, time
import sim
from sim import Params, run
if not sim.__file__.startswith({path!r}):
    sys.exit(f"imported {{sim.__file__}} instead of the exported package under {path}")
params = Params().with_overrides(json.loads({overrides!r}))
"""

#: What each timing process runs after :data:`SETUP`: warm-up, then timed runs; prints JSON.
PROBE = """
run(params, 0, weeks=30)
wall, cpu = [], []
for seed in range(1, {seeds} + 1):
    w, c = time.perf_counter(), time.process_time()
    run(params, seed)
    wall.append(time.perf_counter() - w)
    cpu.append(time.process_time() - c)
print(json.dumps({{"wall": wall, "cpu": cpu}}))
"""


def export(commit: str, folder: Path) -> Path:
    """The ``sim`` package of ``commit`` written under ``folder``, its compiled kernels built in place
    (commits with a ``setup.py``); returns the folder to put on the path."""
    has_kernels = (
        subprocess.run(["git", "cat-file", "-e", f"{commit}:setup.py"], capture_output=True).returncode == 0
    )
    paths = ["sim", "setup.py"] if has_kernels else ["sim"]
    archive = subprocess.run(["git", "archive", commit, *paths], check=True, capture_output=True).stdout
    folder.mkdir(parents=True)
    tar = folder / "sim.tar"
    tar.write_bytes(archive)
    with tarfile.open(tar) as t:
        t.extractall(folder, filter="data")
    if has_kernels:
        build = [sys.executable, "setup.py", "--quiet", "build_ext", "--inplace"]
        done = subprocess.run(build, cwd=folder, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"building {commit}'s kernels failed:\n{done.stderr[-2000:]}")
    return folder


def _script(path: Path, overrides: dict[str, object] | None, body: str, **fields: object) -> list[str]:
    """The command of a fresh process running :data:`SETUP` then ``body`` with ``path``'s ``sim``."""
    setup = SETUP.format(path=str(path), overrides=json.dumps(overrides or {}))
    return [sys.executable, "-c", setup + body.format(**fields)]


def _env(path: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(path)}


def measure(path: Path, seeds: int, overrides: dict[str, object] | None = None) -> dict[str, list[float]]:
    """One fresh process timing ``seeds`` runs (default parameters with ``overrides``) with ``path``'s
    ``sim`` first on the import path."""
    command = _script(path, overrides, PROBE, seeds=seeds)
    done = subprocess.run(command, capture_output=True, text=True, env=_env(path), cwd=path)
    if done.returncode != 0:
        raise RuntimeError(f"the timing process failed for {path}:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout)


#: What a counted process runs after :data:`SETUP`: ``runs`` runs, no warm-up (a process with ``runs = 0``
#: gives the cost of the imports, which is subtracted).
COUNTED = """
for seed in range(1, {runs} + 1):
    run(params, seed)
"""


#: Threads of the maths libraries kept to one while counting: scipy's OpenBLAS starts a pool at import whose
#: threads spin for a while, and callgrind counts their instructions in whichever process spins longest (an
#: import-only process too), which moved a run's count by 5 % (0.596 against 0.628 G, 2026-11-30).
ONE_THREAD = {name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}


def instructions(path: Path, runs: int, overrides: dict[str, object], out: Path) -> int:
    """Instructions executed by a fresh process doing ``runs`` runs with ``path``'s ``sim`` (callgrind)."""
    command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"]
    command += _script(path, overrides, COUNTED, runs=runs)
    env = {**_env(path), **ONE_THREAD}
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=path)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode != 0 or found is None:
        raise RuntimeError(f"callgrind failed for {path}:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def count(paths: dict[str, Path], runs: int, overrides: dict[str, object], tmp: Path) -> None:
    """Print the instructions per run of each commit and their ratio."""
    if shutil.which("valgrind") is None:
        raise SystemExit("--instructions needs valgrind (for example `apt-get install valgrind`)")
    per_run = {}
    for commit, path in paths.items():
        imports = instructions(path, 0, overrides, tmp / "imports.out")
        total = instructions(path, runs, overrides, tmp / "runs.out")
        per_run[commit] = (total - imports) / runs
        print(f"{commit:>12}: {per_run[commit] / 1e9:.3f} G instructions per run ({runs} run(s), imports "
              f"subtracted)", flush=True)  # fmt: skip
    a, b = per_run.values()
    print(f"ratio {' / '.join(reversed(paths))}: {b / a:.3f} (fewer instructions: {a / b:.2f}x)")


def _setting(text: str) -> tuple[str, object]:
    """``"strategy=preventative"`` -> ``("strategy", "preventative")``, checked against ``Params``."""
    from sim.params import Params, parse_value

    name, sep, value = text.partition("=")
    if not sep:
        raise SystemExit(f"--set {text!r}: expected NAME=VALUE")
    try:
        parsed = parse_value(name.strip(), value.strip())
        Params().with_overrides({name.strip(): parsed})
    except (KeyError, ValueError, TypeError) as exc:
        raise SystemExit(f"--set {text!r}: {exc}") from None
    return name.strip(), parsed


def main() -> None:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    parser.add_argument("before", help="commit A (for example the one before an optimisation)")
    parser.add_argument("after", help="commit B")
    parser.add_argument("--rounds", type=int, default=5, help="processes per commit, alternating (default 5)")
    parser.add_argument("--seeds", type=int, default=3, help="timed runs per process (default 3)")
    parser.add_argument(
        "--instructions", action="store_true",
        help="count instructions under callgrind (load-independent, within ~2%%; ~60x slower), not time",
    )  # fmt: skip
    parser.add_argument(
        "--set", dest="overrides", action="append", default=[], metavar="NAME=VALUE",
        help="a parameter of the timed runs, as in `sim run --set` (repeatable); default: Params()",
    )  # fmt: skip
    args = parser.parse_args()
    overrides = dict(_setting(text) for text in args.overrides)
    if args.seeds < 1 or args.rounds < 1:
        raise SystemExit("--seeds and --rounds must be at least 1")
    if args.before == args.after:  # the results are keyed by the names given
        raise SystemExit(f"the two commits have the same name ({args.before}); to compare a commit with "
                         "itself, name it twice differently (for example HEAD and its hash)")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="compare_commits_") as tmp:
        paths = {c: export(c, Path(tmp) / f"c{k}") for k, c in enumerate((args.before, args.after))}
        if args.instructions:
            count(paths, args.seeds, overrides, Path(tmp))
            return
        times: dict[str, dict[str, list[float]]] = {c: {"wall": [], "cpu": []} for c in paths}
        for r in range(args.rounds):
            for commit, path in paths.items():
                result = measure(path, args.seeds, overrides)
                for key in ("wall", "cpu"):
                    times[commit][key] += result[key]
            print(f"round {r + 1}/{args.rounds} done", file=sys.stderr, flush=True)
    med = {c: {k: statistics.median(v) for k, v in t.items()} for c, t in times.items()}
    for commit in paths:
        print(f"{commit:>12}: {med[commit]['wall']:.3f} s per run (CPU {med[commit]['cpu']:.3f} s), "
              f"median of {len(times[commit]['wall'])} runs")  # fmt: skip
    a, b = med[args.before]["wall"], med[args.after]["wall"]
    print(f"ratio {args.after} / {args.before}: {b / a:.3f} (speed-up {a / b:.2f}x)")


if __name__ == "__main__":
    main()

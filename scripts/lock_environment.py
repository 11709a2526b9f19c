"""Write ``constraints.txt``: the exact version of every package the project installs (``.[dev]``).

``make run`` and ``make test`` install with ``pip install -c constraints.txt``, so a new machine gets the
versions of the computing packages that the published results were produced with (and of everything else
the versions the test suite passed with), and CI does not change when a dependency releases. This
matters for the numbers, not only for the tests: NumPy does not promise that a ``Generator``'s
distributions draw the same numbers in every release, and Mesa, pandas and SciPy enter the runs and their
summaries. ``pyproject.toml`` keeps the ranges that a library user installs from.

The script installs ``.[dev]`` into a fresh virtual environment (in a temporary folder, with the Python
that runs it) and freezes that environment, so the file lists exactly what the project needs. By default
the install keeps the versions already in ``constraints.txt`` (a package added to ``pyproject.toml`` gets
its newest allowed version); ``--upgrade`` takes the newest allowed version of everything. After an
upgrade, check before committing::

    python3.12 scripts/lock_environment.py --upgrade
    make test && .venv/bin/sim reproduce --check   # the regression pins and the published numbers

Then publish with the new versions (``sim reproduce --publish`` writes ``results/published/`` and its
``environment.json``; ``tests/analysis/test_environment.py`` fails while the two disagree). If the check
failed, the new versions change the numbers: regenerate ``tests/regression/pinned.json`` and the findings
too, or keep the old ``constraints.txt``.
"""

import argparse
import platform
import subprocess
import sys
import tempfile
import venv
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT = "scam-enforcement-sim"
#: Installed first, then the project without build isolation (see the Makefile).
BUILD_TOOLS = ("setuptools", "cython", "numpy")
HEADER = """\
# Exact versions of every package `make run` and `make test` install (pip install -c constraints.txt).
# Mesa, NumPy, pandas, SciPy and pyarrow are at the versions the published results were made with
# (results/published/environment.json); another release may draw or summarise differently.
# pyproject.toml keeps the ranges.
# Written by `python scripts/lock_environment.py{options}` with Python {python} on {day}; do not edit by hand.
"""


def frozen(python: Path) -> list[str]:
    """``pip freeze`` of ``python``'s environment without the project itself, sorted case-insensitively."""
    out = _pip(python, "freeze", "--exclude", PROJECT)
    lines = [line for line in out.splitlines() if line and not line.startswith("#")]
    unpinned = [line for line in lines if "==" not in line]
    if unpinned:
        raise SystemExit(f"lock_environment: not pinnable by version (install from an index): {unpinned}")
    return sorted(lines, key=str.lower)


def fresh_install(folder: Path, constraints: Path | None) -> Path:
    """A new virtual environment in ``folder`` with the build tools of the compiled kernels and the
    project's ``.[dev]`` installed (as the Makefile does, but not in editable mode, so that no compiled
    module lands in the working tree's package; the build leaves only git-ignored files there); its
    Python."""
    venv.create(folder, with_pip=True)
    python = folder / "bin" / "python"
    extra = ["-c", str(constraints)] if constraints is not None else []
    _pip(python, "install", "--quiet", *extra, *BUILD_TOOLS)  # the kernels build against this numpy
    _pip(python, "install", "--quiet", *extra, "--no-build-isolation", f"{ROOT}[dev]")
    return python


def _pip(python: Path, *args: str) -> str:
    run = subprocess.run(
        [str(python), "-m", "pip", *args, "--disable-pip-version-check"], capture_output=True, text=True
    )
    if run.returncode != 0:
        raise SystemExit(f"lock_environment: pip {args[0]} failed:\n{run.stderr.strip()}")
    return run.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--upgrade", action="store_true", help="newest allowed versions (default: keep the locked ones)"
    )
    parser.add_argument(
        "--constraints", type=Path, default=None,
        help="versions to keep (default: constraints.txt, the file written)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    target = ROOT / "constraints.txt"
    keep = None if args.upgrade else (args.constraints or target)
    if keep is not None and not keep.is_file():
        raise SystemExit(f"lock_environment: {keep} does not exist (use --upgrade for a first lock)")
    with tempfile.TemporaryDirectory(prefix="lock-") as tmp:
        lines = frozen(fresh_install(Path(tmp) / "venv", keep))
    options = " --upgrade" if args.upgrade else ""
    header = HEADER.format(options=options, python=platform.python_version(), day=date.today().isoformat())
    target.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{target}: {len(lines)} packages pinned")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Provenance recorded in ``manifest.json``: code version, package versions, host and sessions."""

import datetime as dt
import os
import platform
import socket
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

from .spec import Spec
from .storage import FORMAT

PACKAGES = ("mesa", "numpy", "pandas", "scipy", "pyarrow")


def now() -> str:
    """The current time, ISO 8601 in UTC."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def code_version() -> dict[str, Any] | None:
    """Git commit and dirty flag of the checkout holding ``sim``, or ``None`` outside a git checkout.

    Uses ``--no-optional-locks`` so that recording provenance never writes to the repository.
    """
    root = Path(__file__).resolve().parents[2]
    git = ["git", "--no-optional-locks", "-C", str(root)]
    try:
        top = _git([*git, "rev-parse", "--show-toplevel"])
        if top is None or Path(top).resolve() != root:
            return None  # an installed copy of sim inside some other repository's tree
        status = _git([*git, "status", "--porcelain"])
        head = _git([*git, "rev-parse", "HEAD"])  # None before the first commit
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": head, "dirty": bool(status)}


def _git(command: list[str]) -> str | None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=10)
    return done.stdout.strip() if done.returncode == 0 else None


def package_versions(extra: tuple[str, ...] = ()) -> dict[str, str | None]:
    """Versions of Python and of the packages results depend on (``None`` when not installed)."""
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for name in (*PACKAGES, *extra):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def host() -> dict[str, Any]:
    """Where the sweep is driven from (workers may be elsewhere on a cluster)."""
    return {"hostname": socket.gethostname(), "platform": platform.platform(), "cpus": os.cpu_count()}


def new_manifest(spec: Spec) -> dict[str, Any]:
    """The manifest of a sweep that has not run yet; design points live in ``design.parquet``."""
    normalised = spec.to_dict()
    normalised["design"].pop("points")
    return {
        "format": FORMAT,
        "name": spec.name,
        "spec_hash": spec.digest(),
        "spec_file": spec.source,
        "spec": normalised,
        "spec_toml": spec.text,
        "created": now(),
        "status": "running",
        "counts": {"runs_total": spec.n_runs, "runs_ok": 0, "runs_failed": 0, "runs_pending": spec.n_runs},
        "sessions": [],
    }


def start_session(manifest: dict[str, Any], executor: dict[str, Any], runs_done: int) -> dict[str, Any]:
    """Append a running session; sessions left ``running`` by a killed process are marked ``killed``."""
    for session in manifest["sessions"]:
        if session["status"] == "running":
            session["status"] = "killed"
    extra = ("dask", "distributed") if executor.get("kind") == "dask" else ()
    session = {
        "started": now(),
        "ended": None,
        "status": "running",
        "runs_done_before": runs_done,
        "executor": executor,
        "code": code_version(),
        "packages": package_versions(extra),
        "host": host(),
    }
    manifest["sessions"].append(session)
    manifest["status"] = "running"
    return session


def end_session(manifest: dict[str, Any], status: str, ok: int, failed: int, seconds: float) -> None:
    """Close the current session and update the counts and the sweep status."""
    total = manifest["counts"]["runs_total"]
    session = manifest["sessions"][-1]
    session.update(ended=now(), status=status, seconds=round(seconds, 3))
    manifest["counts"] = {
        "runs_total": total,
        "runs_ok": ok,
        "runs_failed": failed,
        "runs_pending": total - ok - failed,
    }
    manifest["status"] = "complete" if ok + failed == total else status

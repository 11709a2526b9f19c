"""Provenance recorded in ``manifest.json``: code version, package versions, host and sessions."""

import datetime as dt
import hashlib
import os
import platform
import socket
import subprocess
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from .spec import Spec
from .storage import FORMAT

PACKAGES = ("mesa", "numpy", "pandas", "scipy", "pyarrow")


def now() -> str:
    """The current time, ISO 8601 in UTC."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def code_version() -> dict[str, Any]:
    """The code that produced the results: git commit and dirty flag of the checkout holding ``sim``
    (``None`` outside one) and a SHA-256 of the ``sim`` package's Python sources (catches uncommitted
    edits between sessions)."""
    package = Path(__file__).resolve().parents[1]
    return {**_git_state(package.parent), "source_sha256": source_digest(package)}


def source_digest(package: Path) -> str:
    """SHA-256 over the relative paths and contents of every ``.py`` file below ``package``."""
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _git_state(root: Path) -> dict[str, Any]:
    """``commit`` and ``dirty``; read-only (``--no-optional-locks`` keeps git from touching its index)."""
    git = ["git", "--no-optional-locks", "-C", str(root)]
    unknown = {"commit": None, "dirty": None}
    try:
        top = _git([*git, "rev-parse", "--show-toplevel"])
        if top is None or Path(top).resolve() != root:
            return unknown  # not a checkout, or an installed copy of sim inside another repository
        status = _git([*git, "status", "--porcelain"])
        head = _git([*git, "rev-parse", "HEAD"])  # None before the first commit
    except (OSError, subprocess.SubprocessError):
        return unknown
    return {"commit": head, "dirty": None if status is None else bool(status)}


def code_change(manifest: dict[str, Any]) -> str | None:
    """A warning if the code differs from the previous session's (results would mix code versions)."""
    sessions = manifest["sessions"]
    if len(sessions) < 2:
        return None
    before, now_ = sessions[-2]["code"], sessions[-1]["code"]
    if before.get("source_sha256") == now_.get("source_sha256"):
        return None
    return (
        f"the sim code changed since the previous session of sweep {manifest['name']!r} "
        f"(commit {before.get('commit')} -> {now_.get('commit')}); earlier runs came from the old code"
    )


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


def sessions_that_ran(manifest: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The sessions that recorded at least one run (a session that found the sweep complete, or was
    stopped before its first result, produced none of the stored results)."""
    sessions, counts = manifest.get("sessions", []), manifest.get("counts", {})
    total = counts.get("runs_ok", 0) + counts.get("runs_failed", 0)
    after = [s.get("runs_done_before", 0) for s in sessions[1:]] + [total]
    return [s for s, done in zip(sessions, after, strict=True) if done > s.get("runs_done_before", 0)]


def commit_label(session: Mapping[str, Any], digits: int | None = None) -> str:
    """A session's commit (its first ``digits`` characters), with ``+dirty`` for uncommitted changes."""
    code = session.get("code", {})
    commit = str(code.get("commit") or "unknown")[:digits]
    return f"{commit}+dirty" if code.get("dirty") else commit


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

"""The sweep folder on disk: atomic Parquet chunks, the committed-run index, the lock and the checks.

Layout (``experiments/README.md`` documents it for readers)::

    OUT/manifest.json                  what produced the folder (format, spec, hash, sessions, counts)
    OUT/design.parquet                 point_id and the factor values of every design point
    OUT/runs/part-NNNNNN.parquet       one row per successful run (key, factors, outcome summaries)
    OUT/weekly/part-NNNNNN.parquet     kept weekly rows (only when the spec keeps them)
    OUT/failures/part-NNNNNN.parquet   one row per failed run (key, factors, error, traceback)

Every file is written under a hidden temporary name and moved into place with ``os.replace``. Chunk
``k`` writes ``weekly`` first, then ``runs`` (which commits its successful runs and their weekly rows),
then ``failures`` (which commits its failed runs). A ``weekly`` part without its ``runs`` part is an
orphan of an interrupted chunk: readers ignore it and the next session deletes it.
"""

import contextlib
import fcntl
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .errors import SweepFolderError

FORMAT = "sim-sweep/1"
MANIFEST = "manifest.json"
DESIGN = "design.parquet"
TABLES = ("runs", "weekly", "failures")
LOCK = ".lock"
_PART = re.compile(r"part-(\d{6,})\.parquet\Z")
_TEMP = re.compile(r"\..*\.tmp\Z")
_HELD: set[Path] = set()


def part_path(out: Path, table: str, number: int) -> Path:
    """Path of chunk ``number`` of ``table`` (``runs``, ``weekly`` or ``failures``)."""
    return out / table / f"part-{number:06d}.parquet"


def parts(out: Path, table: str) -> dict[int, Path]:
    """Complete (non-temporary) chunk files of ``table`` by chunk number."""
    folder = out / table
    if not folder.is_dir():
        return {}
    found = ((_PART.match(p.name), p) for p in folder.iterdir())
    return {int(m.group(1)): p for m, p in found if m}


def committed_parts(out: Path, table: str) -> list[Path]:
    """Chunk files of ``table`` that belong to committed chunks, in chunk order."""
    found = parts(out, table)
    if table == "weekly":
        runs = parts(out, "runs")
        found = {k: p for k, p in found.items() if k in runs}
    return [found[k] for k in sorted(found)]


def write_frame(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` as Parquet to ``path`` atomically (temporary hidden name, then ``os.replace``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), tmp)
    os.replace(tmp, path)


def write_json(obj: Any, path: Path) -> None:
    """Write ``obj`` as indented JSON to ``path`` atomically."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(obj, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def read_manifest(out: Path) -> dict[str, Any] | None:
    """The folder's manifest, ``None`` if there is none; an error if it is not a sweep manifest."""
    path = out / MANIFEST
    if not path.exists():
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SweepFolderError(f"{out}: not a sweep folder ({MANIFEST} is unreadable: {exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise SweepFolderError(f"{out}: not a sweep folder ({MANIFEST} is not a {FORMAT} manifest)")
    return manifest


def check_folder(out: Path, digest: str, *, resume: bool) -> dict[str, Any] | None:
    """Check that ``out`` can take the sweep whose spec hash is ``digest``; reads only.

    Returns the existing manifest (the sweep will resume) or ``None`` (a new sweep). Refuses a file,
    a folder holding anything but a sweep, a sweep of another spec, and ``resume`` with no sweep.
    """
    if out.exists() and not out.is_dir():
        raise SweepFolderError(f"{out}: --out must be a folder, and this is a file")
    manifest = read_manifest(out) if out.is_dir() else None
    if manifest is None and out.is_dir():
        foreign = sorted(p.name for p in out.iterdir() if p.name != LOCK and not _TEMP.match(p.name))
        if foreign:
            raise SweepFolderError(
                f"{out}: holds something other than a sweep ({foreign[0]}); choose another --out"
            )
    if manifest is not None and manifest.get("spec_hash") != digest:
        raise SweepFolderError(
            f"{out}: holds sweep {manifest.get('name')!r} of a different spec (the spec, or a parameter "
            "default it relies on, changed since it started); results are never mixed: use another --out"
        )
    if manifest is None and resume:
        raise SweepFolderError(f"{out}: nothing to resume (no sweep has been started in this folder)")
    return manifest


@contextlib.contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``out``, released by the OS when this process ends, even by kill -9.

    A POSIX record lock (``lockf``) belongs to this process only: forked pool workers do not inherit
    it, so a killed driver never leaves the folder locked by orphaned workers.
    """
    key = out.resolve()
    if key in _HELD:  # record locks do not exclude threads of the same process
        raise SweepFolderError(f"{out}: in use by another running sweep (pid {os.getpid()})")
    out.mkdir(parents=True, exist_ok=True)
    with open(out / LOCK, "a+", encoding="utf-8") as fh:
        try:
            fcntl.lockf(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.seek(0)
            raise SweepFolderError(
                f"{out}: in use by another running sweep (pid {fh.read().strip()})"
            ) from None
        fh.truncate(0)
        fh.write(f"{os.getpid()}\n")
        fh.flush()
        _HELD.add(key)
        try:
            yield
        finally:
            _HELD.discard(key)
            fcntl.lockf(fh, fcntl.LOCK_UN)


def clean(out: Path) -> None:
    """Delete what an interrupted session left half done: temporary files and orphan weekly parts.

    Call only while holding the lock: nothing else is writing then.
    """
    for folder in (out, *(out / t for t in TABLES)):
        if folder.is_dir():
            for p in folder.iterdir():
                if _TEMP.match(p.name):
                    p.unlink()
    runs = parts(out, "runs")
    for number, path in parts(out, "weekly").items():
        if number not in runs:
            path.unlink()


def completed(out: Path) -> tuple[set[tuple[int, int]], int, int]:
    """Keys ``(point_id, replication)`` of every recorded run, and the counts of successes and failures."""
    done: set[tuple[int, int]] = set()
    counts = []
    for table in ("runs", "failures"):
        n = 0
        for path in committed_parts(out, table):
            keys = pq.read_table(path, columns=["point_id", "replication"]).to_pydict()
            done.update(zip(keys["point_id"], keys["replication"], strict=True))
            n += len(keys["point_id"])
        counts.append(n)
    return done, counts[0], counts[1]


def next_part(out: Path) -> int:
    """The number of the next chunk: one past every chunk number in use."""
    numbers = [n for t in TABLES for n in parts(out, t)]
    return max(numbers, default=0) + 1


def read_table(out: Path, table: str) -> pd.DataFrame | None:
    """All committed chunks of ``table`` concatenated, or ``None`` if there are none."""
    frames = [pd.read_parquet(p) for p in committed_parts(out, table)]
    return pd.concat(frames, ignore_index=True) if frames else None

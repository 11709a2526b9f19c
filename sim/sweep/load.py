"""Reading a sweep folder back as tidy tables, for notebooks, analysis and figures.

Only committed chunks are read (temporary files and orphan weekly parts are ignored), so a folder
can be loaded while its sweep is still running or after it was killed.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from . import storage
from .errors import SweepFolderError

_KEYS = ["point_id", "replication"]


@dataclass(frozen=True)
class SweepData:
    """The tables of one sweep.

    ``runs``: one row per successful run (``point_id``, ``replication``, ``seed``, factor columns,
    outcome summaries, ``run_seconds``), sorted by point and replication. ``weekly``: kept weekly rows
    (key columns, ``week``, outcomes) or ``None`` when the spec keeps summaries only. ``failures``:
    one row per failed run with ``error`` and ``traceback``. ``design``: ``point_id`` and factors.
    ``manifest``: the parsed ``manifest.json``.
    """

    runs: pd.DataFrame
    weekly: pd.DataFrame | None
    failures: pd.DataFrame
    design: pd.DataFrame
    manifest: dict[str, Any]

    def weekly_with_factors(self) -> pd.DataFrame:
        """The weekly rows joined with their design point's factor values (an error if none kept)."""
        if self.weekly is None:
            raise ValueError(f'sweep {self.manifest["name"]!r} kept no weekly rows (keep = "summary")')
        return self.weekly.merge(self.design, on="point_id", how="left", validate="many_to_one")


def load(folder: str | Path, *, weekly: bool = True) -> SweepData:
    """Load the sweep in ``folder``; ``weekly=False`` skips the (possibly large) weekly table."""
    out = Path(folder)
    manifest = storage.read_manifest(out)
    if manifest is None:
        raise SweepFolderError(f"{out}: not a sweep folder (no {storage.MANIFEST})")
    design_path = out / storage.DESIGN
    design = pd.read_parquet(design_path) if design_path.exists() else _design_stub(manifest)
    return SweepData(
        runs=_sorted(storage.read_table(out, "runs"), design, extra=[]),
        weekly=_weekly(out, manifest) if weekly else None,
        failures=_sorted(storage.read_table(out, "failures"), design, extra=["error", "traceback"]),
        design=design,
        manifest=manifest,
    )


def _weekly(out: Path, manifest: dict[str, Any]) -> pd.DataFrame | None:
    if manifest["spec"]["keep"] == "summary":
        return None
    frame = storage.read_table(out, "weekly")
    if frame is None:
        return pd.DataFrame({c: pd.Series(dtype="int64") for c in [*_KEYS, "seed", "week"]})
    return frame.sort_values([*_KEYS, "week"], ignore_index=True)


def _sorted(frame: pd.DataFrame | None, design: pd.DataFrame, *, extra: list[str]) -> pd.DataFrame:
    """``frame`` sorted by key; an empty frame with the key and factor columns when there is none."""
    if frame is None:
        factors = [c for c in design.columns if c != "point_id"]
        empty = {c: pd.Series(dtype="int64") for c in [*_KEYS, "seed"]}
        empty.update({c: pd.Series(dtype=design[c].dtype) for c in factors})
        empty.update({c: pd.Series(dtype="str") for c in extra})
        return pd.DataFrame(empty)
    return frame.sort_values(_KEYS, ignore_index=True)


def _design_stub(manifest: dict[str, Any]) -> pd.DataFrame:
    """The design's columns when ``design.parquet`` is not written yet (a sweep killed at its start)."""
    factors = manifest["spec"]["design"]["factors"]
    return pd.DataFrame({"point_id": pd.Series(dtype="int64"), **{f: pd.Series() for f in factors}})

"""Compare reproduced summary CSVs with the published ones, cell by cell, within a tolerance.

Seeds are deterministic, so a rerun on the same platform matches exactly; the tolerance only absorbs
floating-point differences between platforms and library versions (summation order, BLAS, libm):
numbers agree when ``|reproduced - published| <= ATOL + RTOL * |published|`` (``numpy.isclose``), with
``RTOL = 1e-6`` and ``ATOL = 1e-9``. Text cells must be equal; NaN matches NaN. Missing or extra files,
columns and rows are differences too.

Another release of NumPy, Mesa, pandas or SciPy can change the numbers themselves (NumPy does not promise
the same draws from a ``Generator``'s distributions in every release), so the published reference keeps
the versions that produced it (:data:`ENVIRONMENT`, from the sweeps' manifests) and the check names the
versions that differ (:func:`environment_differences`). ``make run`` installs the pinned versions of
``constraints.txt``.
"""

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

RTOL = 1e-6
ATOL = 1e-9
SHOW = 20
#: The file, next to the published ``summary/``, with the versions the published results were made with.
ENVIRONMENT = "environment.json"


@dataclass(frozen=True)
class Difference:
    """One disagreement: the file, where in it (row key or structure) and the two values."""

    file: str
    where: str
    published: object
    reproduced: object

    def __str__(self) -> str:
        return f"{self.file}: {self.where}: published {self.published!r}, reproduced {self.reproduced!r}"


def _key(frame: pd.DataFrame, i: int) -> str:
    """A readable name of row ``i``: its text columns (the keys of a long summary table) and metric."""
    cells = [f"{c}={frame.iloc[i][c]}" for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    return f"row {i + 2} ({', '.join(cells)})" if cells else f"row {i + 2}"


def _plain(value: object) -> object:
    """A numpy scalar as the Python value (readable in the diff)."""
    return value.item() if isinstance(value, np.generic) else value


def compare_frames(
    name: str, published: pd.DataFrame, reproduced: pd.DataFrame, *, rtol: float = RTOL, atol: float = ATOL
) -> list[Difference]:
    """Differences between two tables of the same file."""
    if list(published.columns) != list(reproduced.columns):
        return [Difference(name, "columns", list(published.columns), list(reproduced.columns))]
    if len(published) != len(reproduced):
        return [Difference(name, "number of rows", len(published), len(reproduced))]
    out = []
    for column in published.columns:
        a, b = published[column], reproduced[column]
        numeric = pd.api.types.is_numeric_dtype(a) and pd.api.types.is_numeric_dtype(b)
        if numeric:
            same = np.isclose(b.to_numpy(float), a.to_numpy(float), rtol=rtol, atol=atol, equal_nan=True)
        else:
            same = (a.astype(str) == b.astype(str)).to_numpy()
        for i in np.flatnonzero(~same):
            out.append(
                Difference(
                    name, f"{_key(published, int(i))}, column {column}", _plain(a.iloc[i]), _plain(b.iloc[i])
                )
            )
    return out


def compare_folders(
    reproduced: Path, published: Path, *, rtol: float = RTOL, atol: float = ATOL
) -> list[Difference]:
    """Differences between every ``*.csv`` of the two folders (missing files on either side included)."""
    if not published.is_dir():
        return [Difference(str(published), "folder", "a folder of published summaries", "missing")]
    mine = {p.name for p in reproduced.glob("*.csv")}
    theirs = {p.name for p in published.glob("*.csv")}
    out = [Difference(n, "file", "present", "missing") for n in sorted(theirs - mine)]
    out += [Difference(n, "file", "missing", "present") for n in sorted(mine - theirs)]
    for name in sorted(mine & theirs):
        out += compare_frames(
            name, pd.read_csv(published / name), pd.read_csv(reproduced / name), rtol=rtol, atol=atol
        )
    return out


def describe(problems: list[Difference], reproduced: Path, published: Path, rtol: float, atol: float) -> str:
    """The check's verdict for people: OK, or the first :data:`SHOW` differences and a count."""
    rule = f"|reproduced - published| <= {atol:g} + {rtol:g} * |published|"
    if not problems:
        return f"check: OK, {reproduced} matches {published} ({rule})"
    lines = [f"check: FAILED, {len(problems)} difference(s) between {reproduced} and {published} ({rule}):"]
    lines += [f"  {p}" for p in problems[:SHOW]]
    if len(problems) > SHOW:
        lines.append(f"  ... and {len(problems) - SHOW} more")
    return "\n".join(lines)


# -- the environment behind the numbers ----------------------------------------------------------------
def sweep_environment(folders: Iterable[Path]) -> dict[str, list[str]]:
    """Python and package versions that ran the sweeps in ``folders``, from their manifests: each name ->
    the sorted distinct versions over every session that ran something (one version each, unless a sweep
    was resumed in another environment), plus ``code``: the commits (``+dirty`` for uncommitted changes)."""
    from sim.sweep.manifest import commit_label, sessions_that_ran

    seen: dict[str, set[str]] = {}
    for folder in folders:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        for session in sessions_that_ran(manifest):
            for name, version in session["packages"].items():
                seen.setdefault(name, set()).add(str(version))
            seen.setdefault("code", set()).add(commit_label(session))
    return {name: sorted(versions) for name, versions in sorted(seen.items())}


def write_environment(folder: Path, environment: Mapping[str, list[str]]) -> Path:
    """Write ``environment`` as ``folder/``:data:`ENVIRONMENT`."""
    path = folder / ENVIRONMENT
    path.write_text(json.dumps(dict(environment), indent=1) + "\n", encoding="utf-8")
    return path


def read_environment(folder: Path) -> dict[str, list[str]] | None:
    """The published environment in ``folder`` (a published copy), or None if it has none; ValueError
    naming the file if it is not a JSON object of names and lists of versions."""
    path = folder / ENVIRONMENT
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: not JSON ({exc})") from None
    valid = isinstance(data, dict) and all(
        isinstance(v, list) and all(isinstance(x, str) for x in v) for v in data.values()
    )
    if not valid:
        raise ValueError(f"{path}: expected an object of names and lists of versions")
    return data


def environment_differences(
    published: Mapping[str, list[str]], reproduced: Mapping[str, list[str]]
) -> list[str]:
    """Python and packages (not ``code``) whose versions differ between the two environments."""
    names = sorted((set(published) & set(reproduced)) - {"code"})
    return [
        f"{name} {'/'.join(published[name])} (published) vs {'/'.join(reproduced[name])} (this reproduction)"
        for name in names
        if published[name] != reproduced[name]
    ]


def describe_environment(differences: list[str], passed: bool) -> str:
    """What the check says about versions: nothing when they agree, else the differences."""
    if not differences:
        return ""
    head = (
        "note: the numbers match, made with other versions than the published ones:"
        if passed
        else "the versions differ from the published ones, which can change the numbers by themselves "
        "(install the versions of constraints.txt: `make clean-venv`, then `make run`):"
    )
    return "\n".join([head, *(f"  {d}" for d in differences)])

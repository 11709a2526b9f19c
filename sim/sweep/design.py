"""Experimental designs: full-factorial grids, Latin hypercube and scrambled Sobol samples, CSV points.

A design is a list of points; each point assigns a value to every factor (a dotted parameter path such as
``"police.attrition_rate"``). Factors may be any leaf of :class:`sim.params.Params`, ``strategy`` included.
Every value is validated and coerced through ``Params`` so the stored values have the parameter's type.
"""

import csv
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.params import Params, parse_value

from .errors import SpecError

DESIGN_TYPES = ("grid", "lhs", "sobol", "csv")
_DESIGN_KEYS = {
    "grid": {"type", "factors"},
    "lhs": {"type", "samples", "ranges", "seed"},
    "sobol": {"type", "samples", "ranges", "seed"},
    "csv": {"type", "path"},
}
_RANGE_KEYS = {"low", "high", "log", "values"}


@dataclass(frozen=True)
class Factor:
    """One sampled factor: a numeric range ``[low, high]`` (optionally log-uniform) or a list of values."""

    path: str
    low: float | None = None
    high: float | None = None
    log: bool = False
    values: tuple[Any, ...] | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form used in the manifest and the spec hash."""
        if self.values is not None:
            return {"path": self.path, "values": list(self.values)}
        return {"path": self.path, "low": self.low, "high": self.high, "log": self.log}


@dataclass(frozen=True)
class Design:
    """Design points over ``factors``: ``points[i][j]`` is the value of factor ``j`` at point ``i``."""

    type: str
    factors: tuple[str, ...]
    points: tuple[tuple[Any, ...], ...] = field(repr=False)
    settings: Mapping[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.points)

    def point(self, point_id: int) -> dict[str, Any]:
        """The overrides ``{dotted path: value}`` of one design point."""
        return dict(zip(self.factors, self.points[point_id], strict=True))

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form (type, settings, factors, points) for the manifest and the spec hash."""
        return {
            "type": self.type,
            "settings": dict(self.settings),
            "factors": list(self.factors),
            "points": [list(p) for p in self.points],
        }


def build_design(table: Any, base: Params, where: str, base_dir: Path, root_seed: int) -> Design:
    """Build and validate the design described by the spec's ``[design]`` table.

    ``where`` prefixes every error (the spec file); relative CSV paths resolve against ``base_dir``.
    Every point is checked through ``base.with_overrides`` so nothing invalid reaches a worker.
    """
    if not isinstance(table, Mapping):
        raise SpecError(f'{where}design: expected a table such as [design] with type = "grid"')
    kind = table.get("type")
    if kind not in DESIGN_TYPES:
        raise SpecError(f"{where}design.type: {kind!r} is not one of {', '.join(DESIGN_TYPES)}")
    unknown = sorted(set(table) - _DESIGN_KEYS[kind])
    if unknown:
        raise SpecError(f"{where}design.{unknown[0]}: unknown key for a {kind} design")
    if kind == "grid":
        design = _grid(table, base, where)
    elif kind == "csv":
        design = _csv(table, base, where, base_dir)
    else:
        design = _sampled(kind, table, base, where, root_seed)
    _validate_points(design, base, where)
    return design


def _grid(table: Mapping[str, Any], base: Params, where: str) -> Design:
    factors = _leaf_table(table.get("factors"), "design.factors", where)
    if not factors:
        raise SpecError(
            f"{where}design.factors: empty design (give at least one factor with a list of values)"
        )
    levels = []
    for path, values in factors.items():
        key = f"design.factors.{path}"
        if not isinstance(values, list) or not values:
            raise SpecError(f"{where}{key}: expected a non-empty list of values")
        levels.append([_coerce(base, path, v, f"{where}{key}: ") for v in values])
    points = tuple(tuple(p) for p in _product(levels))
    return Design("grid", tuple(factors), points, {})


def _product(levels: Sequence[Sequence[Any]]) -> list[list[Any]]:
    """Full-factorial combinations; the first factor varies slowest."""
    points: list[list[Any]] = [[]]
    for values in levels:
        points = [p + [v] for p in points for v in values]
    return points


def _sampled(kind: str, table: Mapping[str, Any], base: Params, where: str, root_seed: int) -> Design:
    samples = _positive_int(table.get("samples"), f"{where}design.samples")
    if kind == "sobol" and samples & (samples - 1):
        better = 1 << samples.bit_length()
        raise SpecError(
            f"{where}design.samples: a Sobol sample must have a power-of-2 size for its balance "
            f"properties; got {samples}, use {better >> 1} or {better}"
        )
    seed = table.get("seed", root_seed)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise SpecError(f"{where}design.seed: expected a non-negative integer, got {seed!r}")
    ranges = _leaf_table(table.get("ranges"), "design.ranges", where)
    if not ranges:
        raise SpecError(f"{where}design.ranges: empty design (give at least one factor range)")
    factors = [_factor(base, path, spec, f"{where}design.ranges.{path}: ") for path, spec in ranges.items()]
    unit = _unit_sample(kind, samples, len(factors), seed)
    columns = [_scale(base, f, unit[:, j]) for j, f in enumerate(factors)]
    points = tuple(zip(*columns, strict=True))
    settings = {"samples": samples, "seed": seed, "ranges": [f.to_dict() for f in factors]}
    return Design(kind, tuple(ranges), points, settings)


def _unit_sample(kind: str, n: int, d: int, seed: int) -> np.ndarray:
    """An ``n x d`` sample of the unit hypercube (scipy.stats.qmc, imported only when sampling)."""
    from scipy.stats import qmc

    rng = np.random.default_rng(seed)
    sampler = qmc.LatinHypercube(d=d, rng=rng) if kind == "lhs" else qmc.Sobol(d=d, scramble=True, rng=rng)
    return sampler.random(n)


def _factor(base: Params, path: str, spec: Any, where: str) -> Factor:
    """Parse ``[low, high]``, ``{low, high, log}`` or ``{values = [...]}`` for the parameter at ``path``."""
    ptype = Params.spec(path).type
    if isinstance(spec, Mapping) and "values" in spec:
        values = spec["values"]
        if set(spec) != {"values"} or not isinstance(values, list) or not values:
            raise SpecError(f"{where}expected {{values = [...]}} with a non-empty list and no other key")
        return Factor(path, values=tuple(_coerce(base, path, v, where) for v in values))
    if ptype in (str, bool):
        raise SpecError(f"{where}a {ptype.__name__} parameter is categorical: give {{values = [...]}}")
    if isinstance(spec, list) and len(spec) == 2:
        spec = {"low": spec[0], "high": spec[1]}
    if not isinstance(spec, Mapping) or not {"low", "high"} <= set(spec) or set(spec) - _RANGE_KEYS:
        raise SpecError(
            f"{where}expected [low, high], {{low = ..., high = ..., log = true}} or {{values = [...]}}"
        )
    low, high = (_coerce(base, path, spec[k], where) for k in ("low", "high"))
    log = spec.get("log", False)
    if not isinstance(log, bool) or (log and ptype is not float):
        raise SpecError(f"{where}log must be true or false, and true only for a real-valued parameter")
    if not low < high or (log and low <= 0):
        raise SpecError(f"{where}need low < high (and low > 0 with log = true), got [{low}, {high}]")
    return Factor(path, low=low, high=high, log=log)


def _scale(base: Params, factor: Factor, u: np.ndarray) -> list[Any]:
    """Map unit-interval draws to factor values: uniform, log-uniform, integer or categorical."""
    if factor.values is not None:
        index = np.minimum((u * len(factor.values)).astype(int), len(factor.values) - 1)
        return [factor.values[i] for i in index]
    assert factor.low is not None and factor.high is not None
    lo, hi = float(factor.low), float(factor.high)
    if Params.spec(factor.path).type is int:
        ints = np.minimum(np.floor(lo + u * (hi - lo + 1)), hi)
        return [int(v) for v in ints]
    if factor.log:
        return [float(v) for v in np.exp(math.log(lo) + u * (math.log(hi) - math.log(lo)))]
    return [float(v) for v in lo + u * (hi - lo)]


def _csv(table: Mapping[str, Any], base: Params, where: str, base_dir: Path) -> Design:
    name = table.get("path")
    if not isinstance(name, str) or not name:
        raise SpecError(f"{where}design.path: expected the name of a CSV file of design points")
    path = base_dir / name
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
    except OSError as exc:
        raise SpecError(f"{where}design.path: cannot read {path}: {exc.strerror}") from None
    here = f"{where}design.path {name}: "
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise SpecError(f"{here}empty file (expected a header row of parameter names)")
    header = [cell.strip() for cell in rows[0]]
    for column in header:
        _known(column, here)
    if len(set(header)) != len(header):
        raise SpecError(f"{here}a parameter appears twice in the header")
    body = [r for r in rows[1:] if any(cell.strip() for cell in r)]
    if not body:
        raise SpecError(f"{here}empty design (no rows of values below the header)")
    points = tuple(_csv_row(base, header, row, f"{here}row {i}: ") for i, row in enumerate(body, start=2))
    return Design("csv", tuple(header), points, {"path": name})


def _csv_row(base: Params, header: list[str], row: list[str], where: str) -> tuple[Any, ...]:
    if len(row) != len(header):
        raise SpecError(f"{where}expected {len(header)} values, got {len(row)}")
    values = []
    for path, text in zip(header, row, strict=True):
        try:
            value = parse_value(path, text.strip())
        except ValueError as exc:
            raise SpecError(f"{where}{exc}") from None
        values.append(_coerce(base, path, value, f"{where}{path}: "))
    return tuple(values)


def _leaf_table(table: Any, key: str, where: str) -> dict[str, Any]:
    """Flatten a factor table to ``{dotted path: definition}``.

    Keys may be dotted (``"police.attrition_rate"``) or nested tables (``[design.factors.police]``):
    a key that names a parameter group is descended into, a key that names a leaf parameter holds
    the factor's definition (which may itself be a table such as ``{values = [...]}``).
    """
    if table is None:
        return {}
    if not isinstance(table, Mapping):
        raise SpecError(f"{where}{key}: expected a table of parameter names")
    return _flatten_by_params(table, "", key, where)


def _flatten_by_params(table: Mapping[str, Any], prefix: str, key: str, where: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in table.items():
        path = f"{prefix}{name}"
        if _is_group(path) and isinstance(value, Mapping):
            out.update(_flatten_by_params(value, f"{path}.", key, where))
            continue
        _known(path, f"{where}{key}: ")
        out[path] = value
    return out


def _is_group(path: str) -> bool:
    return any(s.path.startswith(f"{path}.") for s in Params.specs())


def _known(path: str, where: str) -> None:
    try:
        Params.spec(path)
    except ValueError as exc:
        raise SpecError(f"{where}{exc}") from None


def _coerce(base: Params, path: str, value: Any, where: str) -> Any:
    """The value as ``Params`` stores it (``5.0`` -> ``5`` for an int), or a SpecError after ``where``.

    ``where`` already names the key, so the parameter path that starts Params' message is dropped.
    """
    try:
        return base.with_overrides({path: value}).get(path)
    except (TypeError, ValueError) as exc:
        raise SpecError(f"{where}{str(exc).removeprefix(f'{path}: ')}") from None


def _positive_int(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise SpecError(f"{where}: expected a positive integer, got {value!r}")
    return value


def _validate_points(design: Design, base: Params, where: str) -> None:
    """Check every design point as a whole: cross-field rules in ``Params`` see the complete set."""
    for i in range(len(design)):
        point = design.point(i)
        try:
            base.with_overrides(point)
        except (TypeError, ValueError) as exc:
            described = ", ".join(f"{k}={v!r}" for k, v in point.items())
            raise SpecError(f"{where}design point {i} ({described}): {exc}") from None

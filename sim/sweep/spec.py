"""Experiment specs: TOML files read with ``tomllib`` (data only, never executed), validated in full.

A spec names the base parameters, the design, the replications, the horizon, the root seed and what
to keep (see ``experiments/README.md``). Every problem raises :class:`SpecError` naming the file, the
key and the reason, before anything runs.
"""

import hashlib
import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.params import Params

from .design import Design, build_design
from .errors import SpecError

SPEC_KEYS = ("name", "description", "weeks", "replications", "root_seed", "common_random_numbers", "keep")
SPEC_TABLES = ("base", "design")
KEEP_CHOICES = ("summary", "weekly")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*\Z")


@dataclass(frozen=True)
class Spec:
    """A validated experiment: ``base`` parameters varied over ``design``, each point replicated.

    ``keep`` is ``"summary"`` (per-run summaries only), ``"weekly"`` (every weekly row as well) or an
    integer ``k`` (every k-th week: weeks k, 2k, ...). ``source`` is the file the spec came from.
    """

    name: str
    base: Params
    design: Design
    replications: int
    root_seed: int
    common_random_numbers: bool = True
    keep: str | int = "summary"
    description: str = ""
    source: str = "<spec>"
    text: str = field(default="", repr=False)

    @property
    def n_points(self) -> int:
        """Number of design points."""
        return len(self.design)

    @property
    def n_runs(self) -> int:
        """Number of runs: design points x replications."""
        return len(self.design) * self.replications

    def to_dict(self) -> dict[str, Any]:
        """Normalised plain-data form: the resolved base parameters and every design point."""
        return {
            "name": self.name,
            "description": self.description,
            "replications": self.replications,
            "root_seed": self.root_seed,
            "common_random_numbers": self.common_random_numbers,
            "keep": self.keep,
            "base": self.base.flat(),
            "design": self.design.to_dict(),
        }

    def digest(self) -> str:
        """SHA-256 of everything that affects results (the name and description do not)."""
        data = self.to_dict()
        del data["name"], data["description"]
        canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), allow_nan=False)
        return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def load_spec(path: str | Path) -> Spec:
    """Read and validate a spec file; a CSV design's ``path`` is relative to the spec file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise SpecError(f"{p}: cannot read the spec: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise SpecError(f"{p}: malformed TOML: not UTF-8 text") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"{p}: malformed TOML: {exc}") from None
    return parse_spec(data, source=str(p), base_dir=p.parent, text=text)


def parse_spec(
    data: Mapping[str, Any], *, source: str = "<spec>", base_dir: str | Path = ".", text: str = ""
) -> Spec:
    """Validate a spec given as a mapping (what ``tomllib`` returns); errors are prefixed by ``source``."""
    where = f"{source}: "
    unknown = sorted(set(data) - set(SPEC_KEYS) - set(SPEC_TABLES))
    if unknown:
        raise SpecError(f"{where}{unknown[0]}: unknown key (expected {', '.join(SPEC_KEYS + SPEC_TABLES)})")
    root_seed = _int(data, "root_seed", where, low=0)
    base = _base(data, where)
    return Spec(
        name=_name(data.get("name"), where),
        base=base,
        design=build_design(data.get("design"), base, where, Path(base_dir), root_seed),
        replications=_int(data, "replications", where, low=1),
        root_seed=root_seed,
        common_random_numbers=_bool(data, "common_random_numbers", where, default=True),
        keep=_keep(data.get("keep", "summary"), where),
        description=_description(data.get("description", ""), where),
        source=source,
        text=text,
    )


def _name(value: Any, where: str) -> str:
    if not isinstance(value, str) or not _NAME.match(value):
        raise SpecError(
            f"{where}name: expected a folder-safe name (letters, digits, '_', '-', '.'), got {value!r}"
        )
    return value


def _description(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise SpecError(f"{where}description: expected a string, got {value!r}")
    return value


def _int(data: Mapping[str, Any], key: str, where: str, *, low: int) -> int:
    if key not in data:
        raise SpecError(f"{where}{key}: missing (required)")
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise SpecError(f"{where}{key}: expected an integer >= {low}, got {value!r}")
    return value


def _bool(data: Mapping[str, Any], key: str, where: str, *, default: bool) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise SpecError(f"{where}{key}: expected true or false, got {value!r}")
    return value


def _keep(value: Any, where: str) -> str | int:
    if value == 1 and not isinstance(value, bool):
        return "weekly"
    if value in KEEP_CHOICES or (isinstance(value, int) and not isinstance(value, bool) and value > 1):
        return value  # type: ignore[no-any-return]
    raise SpecError(f'{where}keep: expected "summary", "weekly" or a whole number k >= 1, got {value!r}')


def _base(data: Mapping[str, Any], where: str) -> Params:
    """The base parameters: defaults, then ``[base]``, then the top-level ``weeks`` if given."""
    table = data.get("base", {})
    if not isinstance(table, Mapping):
        raise SpecError(f"{where}base: expected a table of parameters")
    try:
        base = Params.from_dict(table, where=f"{where}base.")
    except (TypeError, ValueError) as exc:
        raise SpecError(str(exc)) from None
    if "weeks" not in data:
        return base
    if "weeks" in table and table["weeks"] != data["weeks"]:
        raise SpecError(f"{where}weeks: conflicts with base.weeks = {table['weeks']!r}; give it once")
    try:
        return base.with_overrides({"weeks": data["weeks"]}, where=where)
    except (TypeError, ValueError) as exc:
        raise SpecError(str(exc)) from None

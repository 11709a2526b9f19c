"""Every parameter of the model: one frozen, keyword-only dataclass tree with validation.

Each field carries its unit, valid range, default and source in its metadata (see :func:`param`); the
parameter reference ``docs/parameters.md`` is generated from it (``python scripts/gen_parameters.py``).
Sources are keyed to ``docs/parameters.md#sources``; "calibrated" means the default was chosen so the
seed document's figures hold (DESIGN.md section 4), which ``python scripts/calibrate.py`` checks (and
``--search`` scans value by value).

Variants are ``dataclasses.replace(base, ...)`` or :meth:`Params.with_overrides` for dotted paths.
"""

import dataclasses
import math
import numbers
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, cast

STRATEGIES = ("none", "reactive", "preventative", "mixed", "transition", "custom")
TARGETING = ("auto", "kingpin", "broker", "recruiter", "random")


def param(
    default: Any,
    low: float | None,
    high: float | None,
    unit: str,
    source: str,
    doc: str,
    *,
    choices: tuple[str, ...] | None = None,
) -> Any:
    """A dataclass field with its documentation and valid range ``[low, high]`` in the metadata."""
    meta = {"low": low, "high": high, "unit": unit, "source": source, "doc": doc, "choices": choices}
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class ParamSpec:
    """What is known about one parameter: its dotted path, type, default, range, unit and source."""

    path: str
    type: type
    default: Any
    low: float | None
    high: float | None
    unit: str
    source: str
    doc: str
    choices: tuple[str, ...] | None


def _check_value(path: str, typ: type, value: Any, meta: Mapping[str, Any]) -> Any:
    """Return ``value`` coerced to ``typ`` or raise an error that names ``path``."""
    if typ is bool:
        if not isinstance(value, bool):
            raise TypeError(f"{path}: expected true/false, got {value!r}")
        return value
    if typ is str:
        if not isinstance(value, str):
            raise TypeError(f"{path}: expected a string, got {value!r}")
        choices = meta.get("choices")
        if choices and value not in choices:
            raise ValueError(f"{path}: {value!r} is not one of {', '.join(choices)}")
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Real):  # numpy numbers are Real too
        raise TypeError(f"{path}: expected a number, got {value!r}")
    if typ is int:
        if not float(value).is_integer():
            raise TypeError(f"{path}: expected a whole number, got {value!r}")
        value = int(value) if isinstance(value, numbers.Integral) else int(float(value))
    else:
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(f"{path}: must be a finite number, got {value!r}")
    low, high = meta.get("low"), meta.get("high")
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"{path}: {value!r} is outside the valid range [{low}, {high}]")
    return value


class _Group:
    """Validation shared by every parameter group; ``_path`` is the group's prefix in dotted paths."""

    _path: ClassVar[str] = ""

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            path = f"{self._path}.{f.name}" if self._path else f.name
            if isinstance(f.type, type) and issubclass(f.type, _Group):
                if not isinstance(value, f.type):
                    raise TypeError(f"{path}: expected a {f.type.__name__} group, got {value!r}")
                continue
            object.__setattr__(self, f.name, _check_value(path, f.type, value, f.metadata))  # type: ignore[arg-type]


@dataclass(frozen=True, kw_only=True)
class World(_Group):
    """Scale and geography at the start of a run."""

    _path: ClassVar[str] = "world"
    n_networks: int = param(
        50, 1, 2000, "networks", "Amnesty 2025", "scam networks (one compound each) at the start"
    )
    n_home_zones: int = param(3, 1, 20, "zones", "assumption", "zones inside the task force's jurisdiction")
    abroad_share: float = param(0.1, 0, 1, "share", "assumption", "share of initial networks based abroad")
    workers_mean: float = param(
        2000, 1, 1e6, "workers", "OHCHR 2023", "mean workers per network (100,000 / 50)"
    )
    workers_sigma: float = param(0.7, 0, 3, "log-sd", "assumption", "spread of compound sizes (lognormal)")
    recruiters_per_network: float = param(
        6, 0, 100, "recruiters", "assumption", "recruiters per network at start"
    )
    offshore_share: float = param(
        0.3, 0, 1, "share", "assumption", "share of shell companies registered offshore"
    )
    oc_linked_share: float = param(
        0.75, 0, 1, "share", "seed document", "share of networks linked to OC groups"
    )
    managers_mean: float = param(4, 1, 30, "members", "assumption", "mean managers per network")
    facilitators_mean: float = param(4, 1, 30, "members", "assumption", "mean facilitators per network")
    associates_mean: float = param(
        6,
        0,
        100,
        "members",
        "assumption",
        "low-level members per network (team leaders, money mules, drivers)",
    )
    staff_per_1000_workers: float = param(
        10, 0, 200, "members", "assumption", "guards and team leaders per 1,000"
    )


@dataclass(frozen=True, kw_only=True)
class Crime(_Group):
    """Scam operations, websites and the networks' security posture."""

    _path: ClassVar[str] = "crime"
    revenue_per_worker_usd: float = param(
        2400, 0, 1e5, "USD/worker/week", "USIP 2024", "victim losses per worker ($12.5 bn/yr / 100,000 / 52)"
    )
    collection_fee: float = param(
        0.1, 0, 1, "share", "assumption", "share of losses kept by money mules and payment intermediaries"
    )
    foreign_victim_share: float = param(
        0.6, 0, 1, "share", "assumption", "share of losses borne by foreigners"
    )
    cost_per_worker_usd: float = param(
        700, 0, 1e5, "USD/worker/week", "assumption", "running costs per worker (guards, food, bribes)"
    )
    workers_per_website: float = param(
        50,
        1,
        1e4,
        "workers",
        "assumption",
        "workers one scam website keeps busy (the calibration targets hold from 25 to 100: "
        "scripts/calibrate.py --search)",
    )
    website_replace_rate: float = param(
        0.3, 0, 1, "1/week", "assumption", "share of missing websites rebuilt"
    )
    no_it_rebuild: float = param(
        0.25, 0, 1, "share", "assumption", "website rebuild speed without an IT member"
    )
    no_it_revenue: float = param(0.7, 0, 1, "share", "assumption", "revenue efficiency without an IT member")
    website_cost_usd: float = param(2000, 0, 1e6, "USD", "assumption", "cost of a replacement website")
    security_gain: float = param(
        0.3, 0, 1, "1/week", "assumption", "rise of security per unit risk (mechanism: Morselli & Petit 2007)"
    )
    security_decay: float = param(
        0.02, 0, 1, "1/week", "assumption", "relaxation of security without pressure"
    )
    security_cost: float = param(
        0.2,
        0,
        1,
        "share",
        "assumption",
        "revenue lost at full security (efficiency-security trade-off: Morselli & Petit 2007)",
    )
    security_protection: float = param(
        0.6, 0, 1, "share", "assumption", "cut in enforcement success at full security"
    )
    risk_k: float = param(
        0.5,
        0,
        100,
        "1/event",
        "assumption",
        "k in perceived risk P = 1 - exp(-k pressure) (form: Epstein 2002)",
    )
    pressure_memory: float = param(
        0.9, 0, 0.999, "share/week", "assumption", "weekly persistence of felt pressure"
    )


@dataclass(frozen=True, kw_only=True)
class Laundering(_Group):
    """Shell companies and the money pipeline."""

    _path: ClassVar[str] = "laundering"
    shell_capacity_usd: float = param(
        1.2e6, 1e5, 1e9, "USD/week", "assumption", "dirty cash one shell company absorbs"
    )
    capacity_headroom: float = param(
        1.3,
        0.1,
        10,
        "ratio",
        "assumption",
        "laundering capacity a network keeps per dollar of full-compound proceeds",
    )
    transfer_rate: float = param(
        0.5, 0.01, 1, "1/week", "assumption", "share of the cash float at the compound moved into companies"
    )
    release_rate: float = param(
        0.5, 0.01, 1, "1/week", "assumption", "share of a shell's balance layered out"
    )
    base_fee: float = param(
        0.0033, 0, 0.5, "share", "Griffin & Mei 2024", "fee of the cash-out (33 basis points)"
    )
    layer_fee: float = param(0.01, 0, 0.2, "share/layer", "assumption", "extra fee per layer of opacity")
    opacity_mean: float = param(3, 1, 10, "layers", "assumption", "mean layering depth of shell companies")
    shell_replace_rate: float = param(0.02, 0, 1, "1/week", "assumption", "chance a lost company is replaced")
    shell_cost_usd: float = param(50_000, 0, 1e8, "USD", "assumption", "cost of setting up a shell company")
    no_launderer_capacity: float = param(
        0.2, 0, 1, "share", "assumption", "capacity left without a launderer"
    )
    oc_extra_layers: float = param(
        1, 0, 10, "layers", "assumption", "extra layering depth of OC-linked groups"
    )
    insolvency_weeks: int = param(12, 1, 520, "weeks", "assumption", "weeks unable to pay before dissolution")


@dataclass(frozen=True, kw_only=True)
class Recruitment(_Group):
    """The vulnerable pool, recruiters and worker turnover."""

    _path: ClassVar[str] = "recruitment"
    pool_size: float = param(
        2e6, 0, 1e9, "people", "assumption", "vulnerable job-seekers reachable by fake ads"
    )
    pool_replenish: float = param(0.01, 0, 1, "1/week", "assumption", "recovery of the pool toward its size")
    reach_mean: float = param(
        500, 0, 1e6, "contacts/week", "assumption", "people one recruiter contacts weekly"
    )
    success_rate: float = param(
        0.008, 0, 1, "share", "assumption", "share of contacts lured, with no awareness"
    )
    awareness_decay: float = param(0.01, 0, 1, "1/week", "assumption", "weekly fading of public awareness")
    worker_exit_rate: float = param(
        0.01, 0, 1, "1/week", "assumption", "escape, release and rescue of workers"
    )
    recruiter_exit_rate: float = param(0.005, 0, 1, "1/week", "assumption", "recruiters leaving the trade")
    recruiter_entry: float = param(
        0.05,
        0,
        1,
        "1/week",
        "assumption",
        "share of a network's recruiter shortfall filled weekly at full margin",
    )
    unpaid_exit_rate: float = param(
        0.05, 0, 1, "1/week", "assumption", "extra worker exits when wages go unpaid"
    )
    staff_replace_rate: float = param(0.05, 0, 1, "1/week", "assumption", "refill of missing guards/leaders")


@dataclass(frozen=True, kw_only=True)
class Adaptation(_Group):
    """How networks respond: succession, splits, replacement, relocation and entry."""

    _path: ClassVar[str] = "adaptation"
    decentralisation_mean: float = param(
        0.5, 0, 1, "share", "assumption", "mean decentralisation of networks"
    )
    manager_replace_rate: float = param(
        0.1,
        0,
        1,
        "1/week",
        "assumption",
        "refill of a manager vacancy; also reorganisation of a split graph (faster than a facilitator's: "
        "Duijn et al. 2014)",
    )
    facilitator_replace_rate: float = param(
        0.01,
        0,
        1,
        "1/week",
        "assumption",
        "refill of a scarce facilitator skill (slowest to recover: Duijn et al. 2014)",
    )
    succession_weeks: int = param(
        2,
        0,
        104,
        "weeks",
        "assumption",
        "leaderless disruption after a boss (the months of fragmentation Calderón et al. 2015 report are "
        "represented by splits, not by this pause)",
    )
    split_prob: float = param(
        0.15,
        0,
        1,
        "prob",
        "assumption",
        "factions split after boss removal (mechanism: Calderón et al. 2015)",
    )
    dissolve_prob: float = param(
        0.15, 0, 1, "prob", "assumption", "dissolution after boss removal if centralised"
    )
    collapse_prob: float = param(
        0.5,
        0,
        1,
        "prob",
        "assumption",
        "chance a raid closes a network with an empty compound (scaled by health)",
    )
    relocation_threshold: float = param(
        0.6, 0, 1, "risk", "assumption", "perceived risk above which networks move (displacement: UNODC 2025)"
    )
    relocation_prob: float = param(
        0.02, 0, 1, "1/week", "assumption", "weekly chance to move when above it (displacement: UNODC 2025)"
    )
    abroad_prob: float = param(
        0.2, 0, 1, "share", "assumption", "share of moves that go abroad (displacement: UNODC 2025)"
    )
    relocation_weeks: int = param(4, 0, 52, "weeks", "assumption", "disruption of a move")
    relocation_loss: float = param(0.1, 0, 1, "share", "assumption", "workers lost in a move")
    abroad_efficiency: float = param(
        0.9, 0, 1, "share", "assumption", "revenue efficiency of networks abroad"
    )
    entry_rate: float = param(
        0.05, 0, 10, "networks/week", "assumption", "new groups entering while profitable"
    )
    market_networks: float = param(55, 1, 5000, "networks", "assumption", "networks the market sustains")


@dataclass(frozen=True, kw_only=True)
class Police(_Group):
    """The task force: staff, skill and the cost and yield of each action."""

    _path: ClassVar[str] = "police"
    officers: int = param(400, 1, 100_000, "officers", "assumption", "officers in the task force")
    skilled_initial: int = param(
        60,
        0,
        100_000,
        "officers",
        "assumption",
        "skilled investigators at the start (about one training cohort; press: cohorts of 35-80)",
    )
    skill_half: float = param(
        60, 1, 10_000, "officers", "assumption", "skilled staff giving half the full skill"
    )
    attrition_rate: float = param(
        0.004, 0, 1, "1/week", "assumption", "weekly loss of skilled staff (~19%/yr)"
    )
    skilled_hiring: float = param(
        0.24,
        0,
        1000,
        "officers/week",
        "assumption",
        "skilled hires without training (keeps 60 stable at 0.004)",
    )
    training_lag_weeks: int = param(26, 1, 260, "weeks", "assumption", "weeks from training to skilled")
    training_cost: float = param(
        16, 0.1, 1000, "officer-weeks", "assumption", "effort to train one investigator"
    )
    raid_cost: float = param(60, 0.1, 10_000, "officer-weeks", "calibrated", "effort per compound raid")
    arrest_cost: float = param(10, 0.1, 10_000, "officer-weeks", "assumption", "effort per targeted arrest")
    website_cost: float = param(2.0, 0.01, 1000, "officer-weeks", "calibrated", "effort per website takedown")
    licence_cost: float = param(
        4.5, 0.1, 10_000, "officer-weeks", "calibrated", "effort per licence inspection"
    )
    tracing_cost: float = param(15, 0.1, 10_000, "officer-weeks", "assumption", "effort per financial trace")
    disruption_cost: float = param(
        12, 0.1, 10_000, "officer-weeks", "assumption", "effort per recruiter operation"
    )
    investigation_cost: float = param(
        8, 0.1, 10_000, "officer-weeks", "assumption", "effort per investigation"
    )
    cooperation_cost: float = param(
        10, 0.1, 10_000, "officer-weeks", "assumption", "effort per liaison action"
    )
    success_max: float = param(0.85, 0, 1, "prob", "assumption", "best chance an operation succeeds")
    intel_weight: float = param(3.0, 0, 100, "1", "assumption", "weight of intelligence in success")
    skill_weight: float = param(0.8, 0, 100, "1", "assumption", "weight of skill in success")
    boss_insulation: float = param(
        0.8, 0, 1, "share", "assumption", "cut in the chance of arresting a boss (insulated, often abroad)"
    )
    leak_prob: float = param(
        0.3,
        0,
        1,
        "prob",
        "assumption",
        "a raid is tipped off in advance; also a failed joint operation leaks (press on the July 2025 raids: "
        "workers gone before raids arrived; no rate given)",
    )
    raid_find_share: float = param(0.05, 0, 1, "share", "calibrated", "share of a compound's workers found")
    raid_staff_share: float = param(0.3, 0, 1, "share", "calibrated", "share of its guards/leaders arrested")
    raid_member_share: float = param(0.05, 0, 1, "share", "assumption", "chance each core member is on site")
    raid_cash_share: float = param(
        0.3,
        0,
        1,
        "share",
        "assumption",
        "share of a compound's dirty cash seized in a raid (seized / proceeds in runs: 0.2-1.6 %, the "
        "order of Europol 2016's 2.2 % of proceeds seized or frozen)",
    )
    raid_disruption_weeks: int = param(
        2, 0, 52, "weeks", "assumption", "weeks a raided compound runs at half pace"
    )
    cold_trace_factor: float = param(
        0.1, 0, 1, "share", "assumption", "chance factor for tracing a company not yet known to investigators"
    )
    raid_websites: float = param(5, 0, 1000, "websites", "assumption", "websites taken down per raid")
    workers_per_device: int = param(
        10, 1, 10_000, "workers", "assumption", "detained workers per seized work phone or computer"
    )
    associate_visibility: float = param(
        3,
        1,
        100,
        "ratio",
        "assumption",
        "how much likelier a low-level associate is to be revealed than others",
    )
    forensic_reveal: float = param(
        0.8, 0, 1, "prob", "assumption", "reveal chance per seized device at full skill"
    )
    awareness_gain: float = param(
        0.004, 0, 1, "share", "assumption", "awareness raised per recruiter operation"
    )
    ad_takedown_weeks: int = param(
        8, 0, 104, "weeks", "assumption", "reach lost after fake ads are taken down"
    )
    intel_decay: float = param(0.03, 0, 1, "1/week", "assumption", "chance a known member is lost track of")


@dataclass(frozen=True, kw_only=True)
class Partner(_Group):
    """A foreign partner agency (e.g. the Korean police) and its trust in the task force."""

    _path: ClassVar[str] = "partner"
    trust_initial: float = param(0.5, 0, 1, "share", "assumption", "partner trust at the start")
    trust_gain: float = param(0.02, 0, 1, "per success", "assumption", "trust gained per joint success")
    trust_loss: float = param(0.05, 0, 1, "per leak", "assumption", "trust lost per leak or failed operation")
    sharing_rate: float = param(0.5, 0, 100, "reveals/action", "assumption", "members revealed per liaison")
    attention: float = param(1.0, 0, 100, "1", "assumption", "partner interest per unit foreign-victim share")
    mla_prob: float = param(0.5, 0, 1, "prob", "assumption", "mutual legal assistance granted at full trust")


@dataclass(frozen=True, kw_only=True)
class Custom(_Group):
    """Shares of the weekly effort per action for ``strategy = "custom"`` (they must add up to 1)."""

    _path: ClassVar[str] = "custom"
    raid: float = param(0.0, 0, 1, "share", "user", "share of effort on compound raids")
    arrest: float = param(0.5, 0, 1, "share", "user", "share on targeted arrests (rule: targeting)")
    website: float = param(0.0, 0, 1, "share", "user", "share on website takedowns")
    licence: float = param(0.0, 0, 1, "share", "user", "share on licence inspections")
    investigation: float = param(0.5, 0, 1, "share", "user", "share on investigation")
    tracing: float = param(0.0, 0, 1, "share", "user", "share on financial tracing")
    disruption: float = param(0.0, 0, 1, "share", "user", "share on recruitment disruption")
    cooperation: float = param(0.0, 0, 1, "share", "user", "share on partner liaison")
    training: float = param(0.0, 0, 1, "share", "user", "share on forensic training")

    def shares(self) -> dict[str, float]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


@dataclass(frozen=True, kw_only=True)
class Params(_Group):
    """All parameters of a run. Strategy fields sit at the top; mechanisms are grouped below."""

    strategy: str = param(
        "reactive", None, None, "preset", "DESIGN.md", "enforcement preset", choices=STRATEGIES
    )
    prevention_share: float = param(0.5, 0, 1, "share", "DESIGN.md", "preventative share of effort (mixed)")
    transition_week: int = param(104, 0, 10_000, "week", "DESIGN.md", "week the transition starts")
    transition_ramp_weeks: int = param(
        52, 0, 10_000, "weeks", "assumption", "length of the ramp to preventative"
    )
    targeting: str = param(
        "auto",
        None,
        None,
        "rule",
        "DESIGN.md",
        "arrest targeting; auto = the preset's own",
        choices=TARGETING,
    )
    effort: float = param(
        160, 0, 1e6, "officer-weeks/week", "calibrated", "weekly effort budget of the task force"
    )
    weeks: int = param(520, 1, 10_000, "weeks", "DESIGN.md", "weeks simulated after burn-in")
    burn_in_weeks: int = param(
        104, 0, 10_000, "weeks", "assumption", "weeks without enforcement before week 1"
    )
    world: World = field(default_factory=World)
    crime: Crime = field(default_factory=Crime)
    laundering: Laundering = field(default_factory=Laundering)
    recruitment: Recruitment = field(default_factory=Recruitment)
    adaptation: Adaptation = field(default_factory=Adaptation)
    police: Police = field(default_factory=Police)
    partner: Partner = field(default_factory=Partner)
    custom: Custom = field(default_factory=Custom)

    def __post_init__(self) -> None:
        super().__post_init__()
        total = sum(self.custom.shares().values())
        if self.strategy == "custom" and abs(total - 1.0) > 1e-9:
            raise ValueError(f"custom: the shares of a custom strategy must add up to 1, not {total:g}")

    # -- introspection ---------------------------------------------------------------------------
    @classmethod
    def specs(cls) -> Iterator[ParamSpec]:
        """Every leaf parameter, in declaration order, with its dotted path."""
        yield from _specs(cls, "")

    @classmethod
    def spec(cls, path: str) -> ParamSpec:
        """The spec of one dotted path; ``ValueError`` naming it if there is no such parameter."""
        for s in cls.specs():
            if s.path == path:
                return s
        raise ValueError(f"{path}: no such parameter")

    # -- conversion --------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Nested plain dict (TOML/JSON-friendly)."""
        return dataclasses.asdict(self)

    def flat(self) -> dict[str, Any]:
        """Flat dict of dotted path -> value."""
        return {s.path: self.get(s.path) for s in self.specs()}

    def get(self, path: str) -> Any:
        """Value at a dotted path such as ``"police.attrition_rate"``."""
        obj: Any = self
        for part in path.split("."):
            if not hasattr(obj, part) or part.startswith("_"):
                raise ValueError(f"{path}: no such parameter")
            obj = getattr(obj, part)
        return obj

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, where: str = "") -> "Params":
        """Build from a nested mapping whose keys may also be dotted paths; errors name the key."""
        return Params().with_overrides(_flatten(data), where=where)

    def with_overrides(self, overrides: Mapping[str, Any], *, where: str = "") -> "Params":
        """A copy with dotted-path overrides applied and validated; ``where`` prefixes errors (a file)."""
        nested: dict[str, Any] = {}
        for path, value in overrides.items():
            try:
                Params.spec(path)
            except ValueError as exc:
                raise ValueError(f"{where}{exc}") from None
            node = nested
            *groups, leaf = path.split(".")
            for g in groups:
                node = node.setdefault(g, {})
            node[leaf] = value
        try:
            return _replace_nested(self, nested)
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"{where}{exc}") from None

    @classmethod
    def from_toml(cls, path: str | Path) -> "Params":
        """Read parameters from a TOML file (a subset of fields is fine); errors name the file and key."""
        p = Path(path)
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"{p}: malformed TOML: {exc}") from None
        except OSError as exc:
            raise ValueError(f"{p}: cannot read: {exc.strerror}") from None
        return cls.from_dict(data, where=f"{p}: ")

    def to_toml(self, path: str | Path | None = None) -> str:
        """The full parameter set as TOML text; also written to ``path`` if given."""
        text = dumps_toml(self.to_dict())
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text


def _specs(cls: type, prefix: str) -> Iterator[ParamSpec]:
    defaults = cls()
    for f in dataclasses.fields(cls):
        path = f"{prefix}{f.name}"
        if isinstance(f.type, type) and issubclass(f.type, _Group):
            yield from _specs(f.type, f"{path}.")
            continue
        m = f.metadata
        yield ParamSpec(
            path, cast(type, f.type), getattr(defaults, f.name), m["low"], m["high"], m["unit"], m["source"],
            m["doc"], m["choices"],
        )  # fmt: skip


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_flatten(value, f"{path}."))
        else:
            out[path] = value
    return out


def _replace_nested(obj: Any, changes: Mapping[str, Any]) -> Any:
    kwargs = {}
    for name, value in changes.items():
        current = getattr(obj, name)
        if isinstance(value, dict):
            if not isinstance(current, _Group):
                path = f"{obj._path}.{name}" if obj._path else name
                raise TypeError(f"{path}: expected a single value, got a table {value!r}")
            value = _replace_nested(current, value)
        kwargs[name] = value
    return dataclasses.replace(obj, **kwargs)


def parse_value(path: str, text: str) -> Any:
    """Convert command-line text to the type of the parameter at ``path`` (validation comes later)."""
    spec = Params.spec(path)
    if spec.type is bool:
        low = text.strip().lower()
        if low in ("true", "1", "yes"):
            return True
        if low in ("false", "0", "no"):
            return False
        raise ValueError(f"{path}: expected true/false, got {text!r}")
    if spec.type is str:
        return text
    try:
        return spec.type(float(text)) if spec.type is float else int(text)
    except ValueError:
        kind = "whole number" if spec.type is int else "number"
        raise ValueError(f"{path}: expected a {kind}, got {text!r}") from None


def dumps_toml(data: Mapping[str, Any]) -> str:
    """Write a nested dict of scalars as TOML (tables after the top-level keys)."""
    lines: list[str] = []
    tables: list[tuple[str, Mapping[str, Any]]] = []
    for key, value in data.items():
        if isinstance(value, Mapping):
            tables.append((key, value))
        else:
            lines.append(f"{key} = {_toml_scalar(value)}")
    for name, table in tables:
        lines.append(f"\n[{name}]")
        lines.extend(f"{k} = {_toml_scalar(v)}" for k, v in table.items())
    return "\n".join(lines) + "\n"


def _toml_scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    raise TypeError(f"cannot write {value!r} as TOML")

"""Spec validation: every bad input stops before anything runs, naming the file, the key and the reason."""

from pathlib import Path

import pytest

from sim.sweep import SpecError, load_spec

VALID = """
name = "t"
weeks = 20
replications = 2
root_seed = 1
{top}
[base]
burn_in_weeks = 4
{base}
[design]
{design}
"""
GRID = 'type = "grid"\n[design.factors]\nstrategy = ["reactive", "mixed"]'
LHS = 'type = "lhs"\nsamples = 8\n[design.ranges]\n'


def spec_text(top: str = "", base: str = "", design: str = GRID) -> str:
    """The valid spec with extra top-level keys, base lines or another design table."""
    return VALID.format(top=top, base=base, design=design)


BAD = [
    ('name = "t"\nweeks = \n', ["malformed TOML"]),
    (spec_text(top="replicatons = 3"), ["replicatons", "unknown key"]),
    (spec_text().replace("replications = 2", ""), ["replications", "missing"]),
    (spec_text().replace('name = "t"', 'name = "a b/c"'), ["name", "folder-safe"]),
    (spec_text().replace("root_seed = 1", "root_seed = -1"), ["root_seed", ">= 0"]),
    (spec_text().replace("replications = 2", "replications = 0"), ["replications", ">= 1"]),
    (spec_text(top='keep = "daily"'), ["keep", "daily"]),
    (spec_text(top="keep = 0"), ["keep"]),
    (spec_text(top='common_random_numbers = "yes"'), ["common_random_numbers", "true or false"]),
    (spec_text().replace("weeks = 20", "weeks = 0"), ["weeks", "outside the valid range"]),
    (spec_text(base="weeks = 30"), ["weeks", "conflicts with base.weeks"]),
    (spec_text(base="colour = 1"), ["base.colour", "no such parameter"]),
    (spec_text(base="[base.police]\nattrition = 0.1"), ["base.police.attrition", "no such parameter"]),
    (spec_text(base="prevention_share = 2"), ["base.prevention_share", "outside the valid range"]),
    (spec_text(base='strategy = "kingpin"'), ["base.strategy", "not one of"]),
    (spec_text().split("[design]")[0], ["design", "expected a table"]),
    (spec_text(design='type = "factorial"'), ["design.type", "factorial"]),
    (spec_text(design='type = "grid"'), ["design.factors", "empty design"]),
    (
        spec_text(design='type = "grid"\nsamples = 4\n[design.factors]\nstrategy = ["mixed"]'),
        ["design.samples"],
    ),
    (spec_text(design='type = "grid"\n[design.factors]\nstrateg = ["mixed"]'), ["design.factors", "strateg"]),
    (
        spec_text(design='type = "grid"\n[design.factors]\nstrategy = []'),
        ["design.factors.strategy", "non-empty"],
    ),
    (spec_text(design='type = "grid"\n[design.factors]\nstrategy = "mixed"'), ["design.factors.strategy"]),
    (
        spec_text(design='type = "grid"\n[design.factors]\nstrategy = ["reactive", "nonsense"]'),
        ["design.factors.strategy", "nonsense", "not one of"],
    ),
    (
        spec_text(design='type = "grid"\n[design.factors]\nprevention_share = [0.5, 1.5]'),
        ["design.factors.prevention_share", "1.5", "outside the valid range"],
    ),
    (
        spec_text(design='type = "grid"\n[design.factors.police]\nattrition_rate = [-0.1]'),
        ["design.factors.police.attrition_rate", "outside the valid range"],
    ),
    (
        spec_text(design='type = "lhs"\n[design.ranges]\nprevention_share = [0, 1]'),
        ["design.samples", "positive"],
    ),
    (spec_text(design=LHS.replace("samples = 8", "samples = 0")), ["design.samples", "positive"]),
    (spec_text(design=LHS), ["design.ranges", "empty design"]),
    (
        spec_text(design=LHS + "prevention_share = [0.8, 0.2]"),
        ["design.ranges.prevention_share", "low < high"],
    ),
    (spec_text(design=LHS + "prevention_share = [0.2, 1.2]"), ["design.ranges.prevention_share", "outside"]),
    (spec_text(design=LHS + "prevention_share = [0.2]"), ["design.ranges.prevention_share", "[low, high]"]),
    (spec_text(design=LHS + "strategy = [0, 1]"), ["design.ranges.strategy", "categorical"]),
    (spec_text(design=LHS + "strategy = {values = []}"), ["design.ranges.strategy", "non-empty"]),
    (spec_text(design=LHS + 'strategy = {values = ["x"]}'), ["design.ranges.strategy", "not one of"]),
    (spec_text(design=LHS + "colour = [0, 1]"), ["design.ranges", "colour", "no such parameter"]),
    (
        spec_text(design=LHS + '"world.n_networks" = {low = 2, high = 9, log = true}'),
        ["design.ranges.world.n_networks", "log"],
    ),
    (
        spec_text(design=LHS.replace("lhs", "sobol").replace("8", "10") + "prevention_share = [0, 1]"),
        ["design.samples", "power-of-2", "use 8 or 16"],
    ),
    (spec_text(design=LHS.replace("lhs", "sampler")), ["design.type", "sampler"]),
    (spec_text(design=LHS.replace("samples = 8", "samples = 8\nseed = -3")), ["design.seed"]),
    (spec_text(design='type = "csv"\npath = "missing.csv"'), ["design.path", "cannot read"]),
]


@pytest.mark.parametrize(("text", "fragments"), BAD, ids=[f"bad-{i}" for i in range(len(BAD))])
def test_bad_spec_is_refused_with_file_key_and_reason(write_spec, text: str, fragments: list[str]) -> None:
    path = write_spec(text)
    with pytest.raises(SpecError) as info:
        load_spec(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    for fragment in fragments:
        assert fragment in message


CSV_BAD = [
    ("strategy,colour\nmixed,1\n", ["points.csv", "colour", "no such parameter"]),
    ("strategy,prevention_share\nmixed,0.5\nmixed,lots\n", ["points.csv", "row 3", "prevention_share"]),
    ("strategy,prevention_share\nmixed,0.5\nmixed,1.5\n", ["points.csv", "row 3", "outside the valid range"]),
    ("strategy,prevention_share\nmixed\n", ["points.csv", "row 2", "expected 2 values"]),
    ("strategy,prevention_share\n", ["points.csv", "empty design"]),
    ("", ["points.csv", "empty file"]),
    ("strategy,strategy\nmixed,mixed\n", ["points.csv", "twice"]),
]


@pytest.mark.parametrize(("csv_text", "fragments"), CSV_BAD, ids=[f"csv-{i}" for i in range(len(CSV_BAD))])
def test_bad_csv_design_is_refused(write_spec, tmp_path: Path, csv_text: str, fragments: list[str]) -> None:
    (tmp_path / "points.csv").write_text(csv_text, encoding="utf-8")
    path = write_spec(spec_text(design='type = "csv"\npath = "points.csv"'))
    with pytest.raises(SpecError) as info:
        load_spec(path)
    assert str(info.value).startswith(f"{path}: design.path points.csv: ")
    for fragment in fragments:
        assert fragment in str(info.value)


def test_missing_spec_file_is_a_spec_error(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="cannot read the spec"):
        load_spec(tmp_path / "nope.toml")


def test_spec_error_is_a_value_error() -> None:
    assert issubclass(SpecError, ValueError)


def test_example_spec_loads_as_documented() -> None:
    spec = load_spec(Path(__file__).parents[2] / "experiments" / "example.toml")
    assert (spec.name, spec.n_points, spec.replications, spec.n_runs) == ("example", 9, 30, 270)
    assert (spec.base.weeks, spec.base.targeting, spec.keep, spec.common_random_numbers) == (
        520,
        "broker",
        "summary",
        True,
    )
    assert spec.design.factors == ("strategy", "prevention_share")
    assert spec.design.point(0) == {"strategy": "reactive", "prevention_share": 0.25}
    assert spec.design.point(8) == {"strategy": "mixed", "prevention_share": 0.75}


def test_keep_one_means_weekly_and_defaults(write_spec) -> None:
    spec = load_spec(write_spec(spec_text(top="keep = 1")))
    assert spec.keep == "weekly"
    default = load_spec(write_spec(spec_text(), name="d.toml"))
    assert (default.keep, default.common_random_numbers) == ("summary", True)


def test_digest_covers_results_not_names(write_spec) -> None:
    digest = load_spec(write_spec(spec_text())).digest()
    renamed = spec_text(top='description = "same runs"').replace('name = "t"', 'name = "u"')
    assert load_spec(write_spec(renamed, name="b.toml")).digest() == digest
    more = spec_text().replace("replications = 2", "replications = 3")
    assert load_spec(write_spec(more, name="c.toml")).digest() != digest
    other_base = spec_text(base="effort = 100")
    assert load_spec(write_spec(other_base, name="e.toml")).digest() != digest

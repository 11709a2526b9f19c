"""The environment behind the published numbers: recorded from the sweeps' manifests, compared by --check."""

import json
from pathlib import Path

from sim.analysis import check


def _sweep(folder: Path, sessions: list[tuple[int, dict[str, str], str, bool]], done: int) -> Path:
    """A sweep folder whose manifest has ``sessions`` (runs done before, packages, commit, dirty) and
    ``done`` runs recorded in all."""
    folder.mkdir(parents=True)
    manifest = {
        "counts": {"runs_total": done, "runs_ok": done - 1, "runs_failed": 1, "runs_pending": 0},
        "sessions": [
            {"runs_done_before": before, "packages": packages, "code": {"commit": commit, "dirty": dirty}}
            for before, packages, commit, dirty in sessions
        ],
    }
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


OLD = {"python": "3.12.1", "numpy": "2.5.5", "mesa": "3.5.1"}
NEW = {"python": "3.12.1", "numpy": "2.6.0", "mesa": "3.5.1"}


def test_sweep_environment_lists_the_versions_of_sessions_that_ran_something(tmp_path: Path) -> None:
    a = _sweep(tmp_path / "a", [(0, OLD, "abc", False), (10, NEW, "abc", False)], done=30)  # resumed
    b = _sweep(tmp_path / "b", [(0, OLD, "def", True), (20, {**NEW, "numpy": "9.9"}, "fed", False)], done=20)
    env = check.sweep_environment([a, b])  # b's second session found it complete: ignored
    assert env == {
        "code": ["abc", "def+dirty"], "mesa": ["3.5.1"], "numpy": ["2.5.5", "2.6.0"], "python": ["3.12.1"],
    }  # fmt: skip


def test_environment_round_trips_through_its_file(tmp_path: Path) -> None:
    env = {"code": ["abc"], "numpy": ["2.5.5"]}
    assert check.read_environment(tmp_path) is None
    assert check.write_environment(tmp_path, env) == tmp_path / check.ENVIRONMENT
    assert check.read_environment(tmp_path) == env


def test_an_unreadable_environment_file_is_named(tmp_path: Path) -> None:
    import pytest

    (tmp_path / check.ENVIRONMENT).write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match=r"environment\.json: not JSON"):
        check.read_environment(tmp_path)
    (tmp_path / check.ENVIRONMENT).write_text('{"numpy": "2.5.5"}', encoding="utf-8")
    with pytest.raises(ValueError, match="expected an object of names and lists of versions"):
        check.read_environment(tmp_path)


def test_differences_name_each_package_with_both_versions_and_ignore_the_code() -> None:
    published = {"code": ["abc"], "numpy": ["2.5.5"], "mesa": ["3.5.1"], "scipy": ["1.18.1"]}
    reproduced = {"code": ["xyz"], "numpy": ["2.6.0"], "mesa": ["3.5.1"]}
    differences = check.environment_differences(published, reproduced)
    assert differences == ["numpy 2.5.5 (published) vs 2.6.0 (this reproduction)"]
    assert check.describe_environment([], passed=False) == ""
    failed = check.describe_environment(differences, passed=False)
    assert "can change the numbers" in failed and "constraints.txt" in failed and differences[0] in failed
    assert check.describe_environment(differences, passed=True).startswith("note: the numbers match")


def test_the_committed_reference_records_its_environment() -> None:
    """results/published/environment.json exists, and names one version of each package and the code."""
    root = Path(__file__).resolve().parents[2]
    env = check.read_environment(root / "results" / "published")
    assert env is not None
    for name in ("python", "mesa", "numpy", "pandas", "scipy", "pyarrow"):
        assert len(env[name]) == 1, name
    assert env["code"]


def _constraints(root: Path) -> dict[str, str]:
    """constraints.txt as normalised name -> version."""
    pins = {}
    for line in (root / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: {line!r} is not pinned with =="
            pins[_normalise(name)] = version
    return pins


def _normalise(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def test_constraints_pin_every_dependency_and_the_published_versions() -> None:
    """Every dependency of pyproject.toml (with the dev extras, which include the others) is pinned, so a
    new machine installs nothing unpinned through `make`; the packages the numbers depend on are pinned
    at the versions the published results were made with."""
    import re
    import tomllib

    root = Path(__file__).resolve().parents[2]
    pins = _constraints(root)
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for requirement in [*project["dependencies"], *project["optional-dependencies"]["dev"]]:
        name = _normalise(re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0])
        assert name in pins, f"{name} is not in constraints.txt: run `make lock`"
    published = check.read_environment(root / "results" / "published")
    assert published is not None
    for name, versions in published.items():
        if name not in ("code", "python"):
            assert [pins[_normalise(name)]] == versions, name


def test_figures_name_the_commits_that_produced_the_runs(tmp_path: Path) -> None:
    """A later session that found the sweep complete (ran nothing) does not change a figure's source line."""
    from sim.analysis.style import commit_of

    folder = _sweep(
        tmp_path / "a", [(0, OLD, "abcdef123456", True), (30, NEW, "fedcba654321", False)], done=30
    )
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert commit_of(manifest) == "abcdef1234+dirty"
    resumed = _sweep(tmp_path / "b", [(0, OLD, "abcdef123456", False), (10, NEW, "fedcba654321", False)], 30)
    assert commit_of(json.loads((resumed / "manifest.json").read_text())) == "abcdef1234, fedcba6543"

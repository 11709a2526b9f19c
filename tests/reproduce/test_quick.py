"""``sim reproduce --quick`` end to end in a temporary folder: every figure and summary, and --check."""

import shutil
from pathlib import Path

import pandas as pd
import pytest

from sim.analysis.products import PRODUCTS
from sim.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def quick(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("repro")
    import os

    cwd = os.getcwd()
    os.chdir(ROOT)  # experiment specs are read from experiments/
    try:
        assert main(["reproduce", "--quick", "--out", str(out), "--workers", "2"]) == 0
    finally:
        os.chdir(cwd)
    return out / "quick"


@pytest.mark.slow
def test_quick_reproduction_writes_every_figure_summary_and_report(quick: Path) -> None:
    for p in PRODUCTS:
        for ext in ("png", "svg"):
            assert (quick / "figures" / f"{p.name}.{ext}").stat().st_size > 1000
        table = pd.read_csv(quick / "summary" / f"{p.name}.csv")
        assert len(table) and {"metric", "estimate", "low", "high"} <= set(table.columns)
    readme = (quick / "README.md").read_text()
    assert all(f"figures/{p.name}.png" in readme for p in PRODUCTS)
    assert "Expected patterns" in (quick / "findings.md").read_text()


def _check(quick: Path, published: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    import os

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        status = main(
            ["reproduce", "--quick", "--out", str(quick.parent), "--check", "--published", str(published)]
        )
    finally:
        os.chdir(cwd)
    return status, capsys.readouterr().out


@pytest.mark.slow
def test_check_passes_on_unaltered_and_fails_on_altered_summary(
    quick: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    published = tmp_path / "published"
    shutil.copytree(quick / "summary", published)
    status, out = _check(quick, published, capsys)
    assert status == 0, out
    assert "check: OK" in out and "timings:" in out
    table = pd.read_csv(published / "strategy_comparison.csv")
    table.loc[0, "estimate"] *= 1.01
    table.to_csv(published / "strategy_comparison.csv", index=False)
    status, out = _check(quick, published, capsys)
    assert status == 1
    assert "check: FAILED" in out and "strategy_comparison.csv" in out and "estimate" in out


@pytest.mark.slow
def test_check_reads_the_summaries_of_a_published_copy(
    quick: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--check against a folder laid out as --publish writes it (summary/ and figures/), which is the
    default reference (OUT/published): the summaries are found in its summary/ folder."""
    published = tmp_path / "published"
    shutil.copytree(quick / "summary", published / "summary")
    shutil.copytree(quick / "figures", published / "figures")
    status, out = _check(quick, published, capsys)
    assert status == 0, out
    assert f"matches {published / 'summary'}" in out


@pytest.mark.slow
def test_publish_records_the_environment_and_check_names_versions_that_differ(
    quick: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--publish writes environment.json (versions and commits from the sweeps' manifests); a check
    against a reference made with another numpy says so, next to its verdict."""
    from sim.analysis import check
    from sim.reproduce import Layout, publish, sweep_environment

    layout = Layout(quick, quick=True)
    publish(layout)
    env = check.read_environment(layout.published)
    assert env == sweep_environment(layout) and env["numpy"] and env["code"]
    published = tmp_path / "published"
    shutil.copytree(layout.published, published)
    status, out = _check(quick, published, capsys)
    assert status == 0 and "versions" not in out
    check.write_environment(published, {**env, "numpy": ["0.0.1"]})
    status, out = _check(quick, published, capsys)
    assert status == 0, out
    assert "note: the numbers match" in out and f"numpy 0.0.1 (published) vs {env['numpy'][0]}" in out
    (published / check.ENVIRONMENT).write_text("{", encoding="utf-8")  # damaged: the verdict still stands
    status, out = _check(quick, published, capsys)
    assert status == 0 and "check: OK" in out and "note: versions not compared" in out

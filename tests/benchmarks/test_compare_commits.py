"""benchmarks/compare_commits.py: its parameter settings and the instruction count it reads from callgrind
(the timings themselves are not tested)."""

import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks"))

import compare_commits  # noqa: E402


def test_setting_parses_and_checks_against_params():
    assert compare_commits._setting("strategy=preventative") == ("strategy", "preventative")
    assert compare_commits._setting(" effort = 80 ") == ("effort", 80.0)


@pytest.mark.parametrize(
    ("text", "message"),
    [("strategy", "expected NAME=VALUE"), ("nosuch.field=1", "nosuch.field"), ("strategy=bogus", "bogus")],
)
def test_bad_setting_is_refused_with_its_text(text, message):
    with pytest.raises(SystemExit, match=message):
        compare_commits._setting(text)


def test_the_probes_run_with_the_overrides():
    """Both probe scripts are valid Python that apply the --set overrides (run here for 3 weeks) and
    check that ``sim`` came from the package they were given."""
    import sim

    package = Path(sim.__file__).parents[1]
    overrides = {"weeks": 3, "strategy": "preventative"}
    timed = compare_commits._script(
        package, overrides, compare_commits.PROBE.replace("weeks=30", "weeks=2"), seeds=1
    )
    out = subprocess.run(timed, capture_output=True, text=True, check=True).stdout
    assert '"wall"' in out
    shown = compare_commits._script(package, overrides, "print(params.weeks, params.strategy)")
    assert subprocess.run(shown, capture_output=True, text=True, check=True).stdout.split() == [
        "3",
        "preventative",
    ]
    subprocess.run(compare_commits._script(package, overrides, compare_commits.COUNTED, runs=1), check=True)
    elsewhere = compare_commits._script(Path("/nowhere"), overrides, compare_commits.COUNTED, runs=0)
    refused = subprocess.run(elsewhere, capture_output=True, text=True)
    assert refused.returncode != 0 and "instead of the exported package under /nowhere" in refused.stderr


def test_instructions_are_read_from_callgrind_and_failures_reported(monkeypatch, tmp_path):
    def fake_run(command, **kwargs):
        assert command[:2] == ["valgrind", "--tool=callgrind"]
        runs = int(command[-1].split("range(1, ")[1].split(" ")[0])
        stderr = f"==1== Collected : {4_000_000 + 1_000_000 * runs}\n"
        return subprocess.CompletedProcess(command, 0, "", stderr)

    monkeypatch.setattr(compare_commits.subprocess, "run", fake_run)
    assert compare_commits.instructions(tmp_path, 2, {}, tmp_path / "x.out") == 6_000_000

    def failing_run(command, **kwargs):
        return subprocess.CompletedProcess(command, 1, "", "boom")

    monkeypatch.setattr(compare_commits.subprocess, "run", failing_run)
    with pytest.raises(RuntimeError, match="callgrind failed"):
        compare_commits.instructions(tmp_path, 1, {}, tmp_path / "x.out")


def test_counting_without_valgrind_says_what_is_missing(monkeypatch, tmp_path):
    monkeypatch.setattr(compare_commits.shutil, "which", lambda name: None)
    with pytest.raises(SystemExit, match="needs valgrind"):
        compare_commits.count({"a": tmp_path, "b": tmp_path}, 1, {}, tmp_path)


def test_the_same_name_twice_is_refused(monkeypatch):
    monkeypatch.setattr(sys, "argv", ["compare_commits.py", "HEAD", "HEAD", "--instructions"])
    with pytest.raises(SystemExit, match="same name"):
        compare_commits.main()


@pytest.mark.slow
def test_an_exported_commit_has_its_kernels_built(tmp_path):
    """A commit with compiled kernels is exported with them built in place, so its ``sim`` imports."""
    folder = compare_commits.export("HEAD", tmp_path / "head")
    assert list((folder / "sim").glob("_kernels*.so")) or list((folder / "sim").glob("_kernels*.pyd"))
    probe = "import sim._kernels as k, sys; assert k.__file__.startswith(sys.argv[1]); print('ok')"
    done = subprocess.run(
        [sys.executable, "-c", probe, str(folder)], capture_output=True, text=True, cwd=folder, check=True
    )
    assert done.stdout.strip() == "ok"

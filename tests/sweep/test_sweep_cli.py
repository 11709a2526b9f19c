"""``sim sweep``: help, dry run, exit statuses and one-line errors."""

import importlib
import subprocess
import sys
from pathlib import Path

import pytest
import sweep_fakes

from sim.sweep.cli import run_cli


def test_help_documents_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        run_cli(["--help"])
    assert info.value.code == 0
    text = capsys.readouterr().out
    for needle in (
        "SPEC",
        "--out",
        "--workers",
        "--scheduler",
        "--dask-local",
        "--resume",
        "--dry-run",
        "experiments/README.md",
        "exit status",
        "common_random_numbers",
        "sobol",
        "resume:",
    ):
        assert needle in text


def test_sim_sweep_help_through_the_sim_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sim.cli", "sweep", "--help"], capture_output=True, text=True, timeout=60
    )
    if "No module named sim.cli" in done.stderr:
        pytest.skip("sim.cli is not there yet")
    assert done.returncode == 0 and "--dask-local" in done.stdout and "exit status" in done.stdout


def test_dry_run_reports_size_and_estimate_and_writes_nothing(
    tiny_spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert run_cli([str(tiny_spec), "--out", str(out), "--dry-run", "--workers", "2"]) == 0
    text = capsys.readouterr().out
    assert "3 points x 2 replications = 6" in text and "estimate:" in text and "2 workers" in text
    assert not out.exists()


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["--workers", "0"], "--workers"),
        (["--workers", "2", "--dask-local", "2"], "--workers sets the local pool"),
        (["--batch-size", "0"], "--batch-size"),
        (["--resume"], "nothing to resume"),
    ],
)
def test_bad_options_exit_2_with_one_line(
    tiny_spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], fragment: str
) -> None:
    assert run_cli([str(tiny_spec), "--out", str(tmp_path / "out"), *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and fragment in err and "Traceback" not in err


def test_bad_spec_exits_2_naming_the_file(write_spec, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_spec('name = "x"\nreplications = 1\nroot_seed = 1\n[design]\ntype = "grid"\n')
    assert run_cli([str(path)]) == 2
    err = capsys.readouterr().err
    assert (
        err == f"sim sweep: error: {path}: design.factors: empty design (give at least one factor with a "
        "list of values)\n"
    )


def test_scheduler_and_dask_local_are_exclusive(tiny_spec: Path) -> None:
    with pytest.raises(SystemExit) as info:
        run_cli([str(tiny_spec), "--scheduler", "tcp://127.0.0.1:1", "--dask-local", "1"])
    assert info.value.code == 2


def test_run_then_rerun_exit_0(tiny_spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert run_cli([str(tiny_spec), "--out", str(out), "--workers", "1"]) == 0
    assert "complete; 6/6 runs recorded, 0 failed (6 run now" in capsys.readouterr().out
    assert run_cli([str(tiny_spec), "--out", str(out), "--resume", "--workers", "1"]) == 0
    assert "(0 run now" in capsys.readouterr().out


def test_failed_runs_exit_1(
    tiny_spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importlib.import_module("sim.run"), "run", sweep_fakes.failing_run)
    assert run_cli([str(tiny_spec), "--out", str(tmp_path / "out"), "--workers", "1"]) == 1
    out = capsys.readouterr().out
    assert "2 failed" in out and ".failures" in out


def test_changed_spec_exits_2(tiny_spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert run_cli([str(tiny_spec), "--out", str(out), "--workers", "1"]) == 0
    tiny_spec.write_text(tiny_spec.read_text().replace("root_seed = 20261128", "root_seed = 1"))
    assert run_cli([str(tiny_spec), "--out", str(out), "--workers", "1"]) == 2
    assert "different spec" in capsys.readouterr().err

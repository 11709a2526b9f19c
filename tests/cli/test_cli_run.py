"""``sim run`` end to end: the summary, the CSV/Parquet table, parameter files and one-line errors.

Most cases call :func:`sim.cli.main` in-process (fast); a few run the installed ``sim`` command in a
subprocess to check what a user sees: exit status, stdout, stderr and no traceback.
"""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.cli import main

#: A tiny world so each in-process run takes a fraction of a second.
TINY = ["--set", "world.n_networks=4", "--set", "burn_in_weeks=2"]
SIM = Path(sys.executable).with_name("sim")


def sim_run(capsys, *args):
    """Run ``sim run ARGS`` in-process: ``(exit status, stdout, stderr)``."""
    try:
        status = main(["run", *args])
    except SystemExit as exc:  # argparse: --help, or a usage error
        status = exc.code
    out, err = capsys.readouterr()
    return status, out, err


def assert_one_line_error(status, err, *words):
    assert status == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("sim run: error:")
    assert "Traceback" not in err
    for word in words:
        assert word in lines[0], (word, lines[0])


def test_run_prints_a_summary_and_writes_csv(tmp_path, capsys, contract_columns):
    out = tmp_path / "x.csv"
    args = ["--strategy", "preventative", "--seed", "1", "--weeks", "10", "--set", "burn_in_weeks=2"]
    status, stdout, err = sim_run(capsys, *args, "--out", str(out))
    assert status == 0, err
    assert "strategy preventative" in stdout and "seed 1" in stdout and "10 weeks" in stdout
    for word in ("victim losses", "arrests", "assets seized", "networks at end"):
        assert word in stdout
    assert str(out) in stdout
    frame = pd.read_csv(out)
    assert set(contract_columns) <= set(frame.columns)
    assert frame["week"].tolist() == list(range(1, 11))
    assert [p.name for p in tmp_path.iterdir()] == ["x.csv"], "no temporary file left behind"


def test_parquet_output(tmp_path, capsys, contract_columns):
    out = tmp_path / "weekly.parquet"
    status, _, err = sim_run(capsys, *TINY, "--weeks", "5", "--out", str(out))
    assert status == 0, err
    frame = pd.read_parquet(out)
    assert len(frame) == 5 and set(contract_columns) <= set(frame.columns)


def test_params_file_then_flags_then_sets(tmp_path, capsys):
    params = tmp_path / "p.toml"
    params.write_text(
        'strategy = "mixed"\nweeks = 6\nburn_in_weeks = 1\n[world]\nn_networks = 3\n', encoding="utf-8"
    )
    out = tmp_path / "x.csv"
    status, stdout, err = sim_run(capsys, "--params", str(params), "--out", str(out))
    assert status == 0, err
    assert "strategy mixed" in stdout and len(pd.read_csv(out)) == 6
    flags = ["--strategy", "reactive", "--targeting", "broker", "--set", "weeks=4"]
    status, stdout, _ = sim_run(capsys, "--params", str(params), *flags, "--out", str(out))
    assert status == 0
    assert "strategy reactive, targeting broker" in stdout and len(pd.read_csv(out)) == 4


def test_each_source_overrides_the_one_before_and_keeps_the_rest(tmp_path):
    """--params FILE, then --strategy/--targeting, then --set: a later source wins on the same key, and
    what only an earlier source sets survives."""
    import argparse

    from sim.cli import params_from_args

    params = tmp_path / "p.toml"
    params.write_text('strategy = "mixed"\nweeks = 6\n[world]\nn_networks = 3\n', encoding="utf-8")

    def parsed(strategy=None, targeting=None, sets=()):
        return params_from_args(
            argparse.Namespace(params=str(params), strategy=strategy, targeting=targeting, set=list(sets))
        )

    assert (parsed().strategy, parsed().weeks, parsed().world.n_networks) == ("mixed", 6, 3)
    flagged = parsed("reactive", "broker")
    assert (flagged.strategy, flagged.targeting, flagged.weeks, flagged.world.n_networks) == (
        "reactive", "broker", 6, 3,
    )  # fmt: skip
    last = parsed("reactive", "broker", ["strategy=preventative", "targeting=random", "weeks=4"])
    assert (last.strategy, last.targeting, last.weeks, last.world.n_networks) == (
        "preventative",
        "random",
        4,
        3,
    )


def test_same_seed_same_table(tmp_path, capsys):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    for out in (a, b):
        assert sim_run(capsys, *TINY, "--seed", "5", "--weeks", "8", "--out", str(out))[0] == 0
    pd.testing.assert_frame_equal(pd.read_csv(a), pd.read_csv(b))


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--set", "police.bogus=1"], ["police.bogus"]),
        (["--set", "bogus=1"], ["bogus"]),
        (["--set", "police.officers=many"], ["police.officers", "many"]),
        (["--set", "police.officers=2.5"], ["police.officers"]),
        (["--set", "police.attrition_rate=2"], ["police.attrition_rate", "outside"]),
        (["--set", "weeks=0"], ["weeks"]),
        (["--set", "strategy=bogus"], ["strategy", "bogus"]),
        (["--set", "police.attrition_rate"], ["police.attrition_rate", "PATH=VALUE"]),
        (["--weeks", "0"], ["--weeks"]),
        (["--out", "x.txt"], ["x.txt", ".csv"]),
        (["--out", "no/such/folder/x.csv"], ["no/such/folder", "does not exist"]),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, args, words):
    status, stdout, err = sim_run(capsys, *TINY, *args)
    assert_one_line_error(status, err, *words)
    assert "victim losses" not in stdout, "nothing runs after bad input"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('strategy = "reactive\n', ["malformed TOML"]),
        ("[police]\nbogus = 1\n", ["police.bogus"]),
        ("[police]\nattrition_rate = 5\n", ["police.attrition_rate"]),
    ],
)
def test_bad_params_file(tmp_path, capsys, text, words):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    status, _, err = sim_run(capsys, "--params", str(path))
    assert_one_line_error(status, err, str(path), *words)


def test_missing_params_file(tmp_path, capsys):
    path = tmp_path / "missing.toml"
    status, _, err = sim_run(capsys, "--params", str(path))
    assert_one_line_error(status, err, str(path))


@pytest.mark.parametrize("args", [["--strategy", "bogus"], ["--targeting", "bogus"], ["--seed", "one"]])
def test_argparse_rejects_bad_choices(capsys, args):
    status, _, err = sim_run(capsys, *args)
    assert status == 2 and "invalid" in err and args[0] in err and "Traceback" not in err


def test_negative_seed_is_bad_input(capsys):
    status, _, err = sim_run(capsys, *TINY, "--seed", "-1", "--weeks", "1")
    assert_one_line_error(status, err, "seed")


def test_out_naming_a_folder_is_bad_input(tmp_path, capsys):
    folder = tmp_path / "d.csv"
    folder.mkdir()
    try:
        status, _, err = sim_run(capsys, *TINY, "--weeks", "1", "--out", str(folder))
    except OSError as exc:
        pytest.fail(f"traceback instead of a one-line error: {exc!r}")
    assert_one_line_error(status, err, str(folder))


def test_run_help(capsys):
    status, out, _ = sim_run(capsys, "--help")
    assert status == 0
    for option in (
        "--strategy",
        "--targeting",
        "--set",
        "--params",
        "--seed",
        "--weeks",
        "--out",
        "examples",
    ):
        assert option in out


def test_top_level_help_lists_run(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    assert "run" in capsys.readouterr().out


# --- the installed command, as a user runs it ----------------------------------------------------------


def sim_command(*args, cwd):
    return subprocess.run([str(SIM), *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_installed_command_end_to_end(tmp_path, contract_columns):
    args = ["run", "--strategy", "preventative", "--seed", "1", "--weeks", "10", "--set", "burn_in_weeks=2"]
    done = sim_command(*args, "--out", "x.csv", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "strategy preventative" in done.stdout and done.stderr == ""
    frame = pd.read_csv(tmp_path / "x.csv")
    assert len(frame) == 10 and set(contract_columns) <= set(frame.columns)


def test_installed_command_bad_input(tmp_path):
    done = sim_command("run", "--set", "police.bogus=1", cwd=tmp_path)
    assert done.returncode == 2 and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "police.bogus" in lines[0] and "Traceback" not in done.stderr
